//! The HTML pass of minifying: one pass over the page, without building a tree.
//!
//! What it changes, each only where a browser shows no difference:
//! - a run of whitespace in text becomes one space, and is dropped where a line starts or ends
//!   anyway: beside the tag of an element that makes a block (a paragraph, a list item, a
//!   heading...), which covers the document's head too;
//! - comments are dropped (unless the text around them would join into markup);
//! - whitespace inside a start tag becomes one space; an attribute with an empty value loses its
//!   `=""`, and a value that needs no quotes loses them;
//! - the content of `<style>` and `<script>` elements is given to `code`, which may minify it.
//!
//! Everything whose whitespace or text counts is copied as it is: `<pre>` and `<listing>`,
//! inline SVG and MathML, the text of raw text elements (`<textarea>`, `<title>`...), a start
//! tag whose attributes a rewrite could make read differently, and anything the pass cannot read
//! as a tag (with the rest of the page). It recurses nowhere, so no page nests too deep for it.
//!
//! Whitespace beside a block element's tags is dropped whatever the stylesheet says: a theme that
//! makes list items or paragraphs `display: inline` must not rely on the whitespace between
//! them, nor on `white-space: pre` outside `<pre>`.

use super::tags::{
    Kind, RAW_TEXT, Tag, closing, comment_len, element_end, is_self_closing, is_space,
    opens_markup, write_start_tag,
};

/// Appends the content of a `<style>` or `<script>` element (given with its start tag, as
/// written) as it should stand in the page.
pub type Code = fn(&[u8], &[u8], &mut Vec<u8>);

/// Elements whose tags start or end a block: whitespace beside them is where a line starts or
/// ends, which a browser drops.
const BLOCKS: &[&[u8]] = &[
    b"address",
    b"article",
    b"aside",
    b"blockquote",
    b"body",
    b"br",
    b"caption",
    b"col",
    b"colgroup",
    b"dd",
    b"details",
    b"dialog",
    b"div",
    b"dl",
    b"dt",
    b"fieldset",
    b"figcaption",
    b"figure",
    b"footer",
    b"form",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"head",
    b"header",
    b"hgroup",
    b"hr",
    b"html",
    b"legend",
    b"li",
    b"main",
    b"menu",
    b"nav",
    b"ol",
    b"optgroup",
    b"option",
    b"p",
    b"section",
    b"summary",
    b"table",
    b"tbody",
    b"td",
    b"tfoot",
    b"th",
    b"thead",
    b"tr",
    b"ul",
];

/// Elements never shown: whitespace beside them is what it would be without them.
const HIDDEN: &[&[u8]] = &[b"script", b"style", b"noscript", b"base", b"link", b"meta"];

/// Elements whose content keeps its whitespace: copied whole, from their start tag to their
/// end tag (as are inline SVG and MathML, and the text of raw text elements).
const PRE: &[&[u8]] = &[b"pre", b"listing"];

/// Minifies `html`, giving the content of each `<style>` and `<script>` element to `code`
/// (with the element's start tag), which appends what should stand in its place.
pub fn minify(html: &[u8], code: Code) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len());
    let mut pass = Pass {
        html,
        at: 0,
        out: &mut out,
        space: false,
        line_start: true,
    };
    pass.run(code);
    out
}

struct Pass<'a> {
    html: &'a [u8],
    at: usize,
    out: &'a mut Vec<u8>,
    /// Whitespace was read and not yet written.
    space: bool,
    /// What was written last starts a line (or ends one): whitespace here is not shown.
    line_start: bool,
}

impl Pass<'_> {
    fn run(&mut self, code: Code) {
        while self.at < self.html.len() {
            let rest = &self.html[self.at..];
            let lt = memchr::memchr(b'<', rest).unwrap_or(rest.len());
            self.text(self.at, self.at + lt);
            self.at += lt;
            if self.at < self.html.len() {
                self.markup(code);
            }
        }
    }

    /// Text between tags: each run of whitespace becomes one pending space.
    fn text(&mut self, start: usize, end: usize) {
        let mut i = start;
        while i < end {
            if is_space(self.html[i]) {
                self.space = true;
                i += 1;
                continue;
            }
            let run_end = self.html[i..end]
                .iter()
                .position(|&b| is_space(b))
                .map_or(end, |n| i + n);
            self.write_space();
            self.line_start = false;
            self.out.extend_from_slice(&self.html[i..run_end]);
            i = run_end;
        }
    }

    /// Writes the space held back, unless a line starts here.
    fn write_space(&mut self) {
        if self.space && !self.line_start {
            self.out.push(b' ');
        }
        self.space = false;
    }

    /// What starts at a `<`: a comment, a tag, or a `<` that is text.
    fn markup(&mut self, code: Code) {
        let rest = &self.html[self.at..];
        if rest.starts_with(b"<!--") {
            // Dropped (all the rest if it never ends: a browser shows none of it either), unless
            // the text before it would join what follows into markup or a character reference.
            let len = comment_len(rest).unwrap_or(rest.len());
            if !self.space && ends_unfinished(self.out) {
                self.verbatim(self.at + len);
            } else {
                self.at += len;
            }
            return;
        }
        let Some(tag) = Tag::read(rest) else {
            // A `<` that starts no tag is text; a tag with no end is copied as it is.
            if opens_markup(rest) {
                self.rest_as_written();
            } else {
                self.text(self.at, self.at + 1);
                self.at += 1;
            }
            return;
        };
        let mut lower = [0u8; 12];
        let written = tag.name(rest);
        let name = &mut lower[..written.len().min(12)];
        name.copy_from_slice(&written[..name.len()]);
        name.make_ascii_lowercase();
        let name: &[u8] = if written.len() > 12 { b"" } else { name };
        let content = self.at + tag.len;
        let start = tag.kind == Kind::Start;
        // Where a stylesheet's or a script's text ends, found once.
        let code_end = (start && (name == b"script" || name == b"style")).then(|| {
            let text = &self.html[content..];
            closing(text, name).unwrap_or(text.len())
        });
        let commented = code_end.is_some_and(|end| {
            memchr::memmem::find(&self.html[content..content + end], b"<!--").is_some()
        });
        if start && (name == b"plaintext" || commented) {
            // All the rest is text, or script text whose end a comment may move.
            self.rest_as_written();
            return;
        }
        // Hidden elements and doctypes leave the whitespace around them as it was.
        if tag.kind != Kind::Other && !HIDDEN.contains(&name) {
            let block = BLOCKS.contains(&name);
            if block {
                self.space = false;
            }
            self.write_space();
            self.line_start = block;
        }
        let tag_text = &self.html[self.at..content];
        let foreign = name == b"svg" || name == b"math";
        if !start || foreign {
            self.out.extend_from_slice(tag_text);
        } else {
            write_start_tag(tag_text, tag.name_end, self.out);
        }
        self.at = content;
        if start && !(foreign && is_self_closing(tag_text, tag.name_end)) {
            self.content(name, tag_text, foreign, code_end, code);
        }
    }

    /// What follows the start tag `tag` (named `name`): copied as it is up to the element's end
    /// where whitespace or text counts, given to `code` for a stylesheet or a script (whose text
    /// ends `code_end` bytes on).
    fn content(
        &mut self,
        name: &[u8],
        tag: &[u8],
        foreign: bool,
        code_end: Option<usize>,
        code: Code,
    ) {
        let rest = &self.html[self.at..];
        if foreign || PRE.contains(&name) {
            match element_end(rest, name, foreign) {
                Some(end) => self.verbatim(self.at + end),
                None => self.verbatim(self.html.len()),
            }
        } else if let Some(end) = code_end {
            code(tag, &rest[..end], self.out);
            self.at += end;
        } else if RAW_TEXT.contains(&name) {
            self.verbatim(self.at + closing(rest, name).unwrap_or(rest.len()));
        }
    }

    /// Copies the rest of the page as it is, after the space held back, if any.
    fn rest_as_written(&mut self) {
        self.write_space();
        self.verbatim(self.html.len());
    }

    fn verbatim(&mut self, end: usize) {
        self.out.extend_from_slice(&self.html[self.at..end]);
        self.at = end;
    }
}

/// Whether `out` ends in a `<` or in a character reference not yet finished (`&amp`), which
/// text written next would complete.
fn ends_unfinished(out: &[u8]) -> bool {
    if out.last() == Some(&b'<') {
        return true;
    }
    let tail = &out[out.len().saturating_sub(40)..];
    memchr::memrchr(b'&', tail).is_some_and(|at| {
        tail[at + 1..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'#')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(_open: &[u8], content: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(content);
    }

    fn minified(html: &str) -> String {
        let once = minify(html.as_bytes(), kept);
        assert_eq!(minify(&once, kept), once, "minifying twice changes {html}");
        String::from_utf8(once).unwrap_or_default()
    }

    #[test]
    fn whitespace_is_one_space_and_none_where_a_line_starts_or_ends() {
        assert_eq!(
            minified(
                "<!doctype html>\n<html>\n<head>\n  <meta charset=\"utf-8\">\n  <title>A  b</title>\n</head>\n<body>\n<p>\n  One \t two\n  <a href=\"/x\">three</a>\n  <em>four</em>\n</p>\n<ul>\n  <li>a</li>\n  <li> b </li>\n</ul>\n</body>\n</html>\n"
            ),
            "<!doctype html><html><head><meta charset=utf-8><title>A  b</title></head><body><p>One two <a href=/x>three</a> <em>four</em></p><ul><li>a</li><li>b</li></ul></body></html>"
        );
        assert_eq!(minified("a <br>\n b"), "a<br>b");
        assert_eq!(
            minified("<span>a</span>\n<div>b</div>\n<span>c</span>"),
            "<span>a</span><div>b</div><span>c</span>"
        );
    }

    #[test]
    fn hidden_elements_and_comments_leave_the_space_around_them() {
        assert_eq!(
            minified("<p>a <script>x</script>b</p>"),
            "<p>a<script>x</script> b</p>"
        );
        assert_eq!(minified("<p>a<!-- note --> b</p>"), "<p>a b</p>");
        assert_eq!(
            minified("<p>a <!-- note -->\n<!-- two -->b</p>"),
            "<p>a b</p>"
        );
        assert_eq!(
            minified("<p>a</p> <style>p{}</style> <p>b</p>"),
            "<p>a</p><style>p{}</style><p>b</p>"
        );
    }

    #[test]
    fn comments_end_where_a_browser_ends_them() {
        assert_eq!(minified("a<!-->b"), "ab");
        assert_eq!(minified("a<!--->b"), "ab");
        assert_eq!(minified("a<!-- x --!>b<!-- y -- z -->c"), "abc");
        assert_eq!(minified("a<!-- never ends <p>b</p>"), "a");
    }

    #[test]
    fn what_keeps_its_whitespace_is_copied_as_it_is() {
        for html in [
            "<pre>  a\n    b  </pre>",
            "<textarea> x   y </textarea>",
            "<svg viewBox=\"0 0 1 1\"><svg><text> a  b </text></svg><path d=\"M 0 0\"/>  </svg>",
            "<iframe title=\"a  b\"></iframe>",
        ] {
            let tag_end = html.find('>').unwrap_or_default();
            let minified = minified(html);
            assert_eq!(
                minified[minified.find('>').unwrap_or_default()..],
                html[tag_end..],
                "{html}"
            );
        }
        assert_eq!(
            minified("<PRE class=\"x\">\n a </PRE >\n<p> b</p>"),
            "<PRE class=x>\n a </PRE ><p>b</p>"
        );
    }

    #[test]
    fn attributes_lose_quotes_and_empty_values_they_do_not_need() {
        assert_eq!(
            minified("<img  alt=\"\" src=\"/a b.png\" data-x='say \"hi\"' class = \"c\"\n hidden>"),
            "<img alt src=\"/a b.png\" data-x='say \"hi\"' class=c hidden>"
        );
        assert_eq!(
            minified("<a href=\"/x/\" title=\"a=b\" data-y=\"`\" data-z=\"&quot;\">"),
            "<a href=/x/ title=\"a=b\" data-y=\"`\" data-z=&quot;>"
        );
        // A `/` at the end of an unquoted value is part of the value, not of the tag.
        assert_eq!(minified("<a href=/x/>y</a><br />"), "<a href=/x/>y</a><br>");
        assert_eq!(
            minified("<p title=\"a>b\" / class=c>x</p>"),
            "<p title=\"a>b\" class=c>x</p>"
        );
    }

    #[test]
    fn what_is_not_a_tag_is_text_or_copied_as_it_is() {
        assert_eq!(
            minified("<p>1 < 2  and 3 <= 4</p>"),
            "<p>1 < 2 and 3 <= 4</p>"
        );
        assert_eq!(minified("<p>a  <a href=\"x  y"), "<p>a <a href=\"x  y");
        assert_eq!(minified("<p>a  <b"), "<p>a <b");
        assert_eq!(
            minified("<p class=x>a</P >\n<DIV>b</DIV>"),
            "<p class=x>a</P ><DIV>b</DIV>"
        );
    }

    #[test]
    fn scripts_go_to_the_code_minifier_unless_a_comment_may_move_their_end() {
        fn upper(_open: &[u8], content: &[u8], out: &mut Vec<u8>) {
            out.extend_from_slice(&content.to_ascii_uppercase());
        }
        let out = minify(
            b"<script type=\"module\">let a</script >\n<style>p{}</STYLE>",
            upper,
        );
        assert_eq!(
            out,
            b"<script type=module>LET A</script ><style>P{}</STYLE>"
        );
        let commented = "<script>a <!-- <script> </script> b</script>\n <p>  x</p>";
        let out = minify(commented.as_bytes(), upper);
        assert_eq!(
            out,
            b"<script>a <!-- <script> </script> b</script>\n <p>  x</p>"
        );
    }

    /// Each is copied as it is: a rewrite would make a browser read it differently.
    #[test]
    fn what_a_rewrite_would_make_read_differently_is_kept_as_written() {
        for html in [
            // A self-closed SVG or MathML element: what follows stays HTML.
            "<svg/><script>var d = {\"n\":\"<img src=x onerror=alert(1)>\"}</script><p>after</p>",
            "<math/><textarea><img src=x onerror=alert(2)></textarea>",
            // Text that the comment keeps apart from markup or a character reference.
            "<p>x <<!---->img src=x onerror=alert(1)></p>",
            "<p>&<!---->lt;b&amp<!---->;</p>",
            // Attributes that requoting would turn into others.
            "<a title=x\"'/onmouseover=alert(1)//' href=/x>a</a>",
            "<img src=x alt=\"\" =\" title='a onerror=alert(1) b' \">",
            "<a b/=\" c='x onmouseover=alert(1) y' \">a</a>",
            // The end of a <pre> or an <svg> past what only looks like it.
            "<pre>a<pre>  b</pre>  c\n  d</pre>",
            "<pre><!-- </pre> -->\n  a\n    b</pre>",
            "<pre><textarea></pre><<!---->/textarea><img src=x onerror=alert(1)></textarea></pre>",
            "<svg><![CDATA[ </svg> ]]><circle r=\"5\"/><text>hi</text></svg>",
            "<listing>\n\na   b</listing>",
            // Everything after <plaintext> is text.
            "<plaintext>a</plaintext>   <!-- c -->   <b>b</b>",
        ] {
            assert_eq!(minified(html), html);
        }
        // Script text whose end a comment may move: the rest as written, the space kept.
        assert_eq!(
            minified("<p>a  <script>/*<!--*/ var x;</script>b</p>"),
            "<p>a <script>/*<!--*/ var x;</script>b</p>"
        );
        // Where a browser reads HTML again inside SVG, or may ignore the end of a <pre>.
        for html in [
            "<svg><foreignObject><script>s = '</svg>'\n// note\ndocument.title='RAN'</script></foreignObject></svg>",
            "<svg><pre></svg>  a\n  b</pre>",
            "<svg><desc><textarea></svg>  x   y</textarea></desc></svg>",
            "<pre><object></pre>  a   b</object></pre>",
            "<pre><table><tr><td></pre>  a   b</td></tr></table></pre>",
        ] {
            assert_eq!(minified(html), html);
        }
        // A template's content is markup: the space stays on its side of the tags.
        assert_eq!(
            minified("<p>a <template>t</template>b</p>"),
            "<p>a <template>t</template>b</p>"
        );
        assert_eq!(
            minified("<p>a<template>t </template>b</p>"),
            "<p>a<template>t </template>b</p>"
        );
        // Comments that join nothing are still dropped.
        assert_eq!(
            minified("<p>a<!-- x -->b &amp;<!-- y -->c</p>"),
            "<p>ab &amp;c</p>"
        );
    }

    #[test]
    fn metadata_in_the_body_leaves_the_space_between_words() {
        assert_eq!(
            minified(
                "<p>a <meta itemprop=\"name\" content=\"x\"> b <link itemprop=\"url\" href=\"/u\"> c</p>"
            ),
            "<p>a<meta itemprop=name content=x> b<link itemprop=url href=/u> c</p>"
        );
    }
}
