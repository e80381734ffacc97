//! The HTML pass of minifying: one pass over the page, without building a tree.
//!
//! What it changes, each only where a browser shows no difference:
//! - a run of whitespace in text becomes one space, and is dropped where a line starts or ends
//!   anyway: beside the tag of an element that makes a block (a paragraph, a list item, a
//!   heading...), and in the document head;
//! - comments are dropped;
//! - whitespace inside a tag becomes one space; an attribute with an empty value loses its
//!   `=""`, and a value that needs no quotes loses them;
//! - the content of `<style>` and `<script>` elements is given to `code`, which may minify it.
//!
//! Everything whose whitespace or text counts is copied as it is: `<pre>`, `<textarea>`,
//! `<title>`, inline SVG and MathML, raw-text elements, and anything the pass cannot read as a
//! tag. It recurses nowhere, so no page nests too deep for it.

/// Appends the content of a `<style>` or `<script>` element (given with its start tag, as
/// written) as it should stand in the page.
pub type Code = fn(&[u8], &[u8], &mut Vec<u8>);

/// Elements whose tags start or end a block (or are never shown): whitespace beside them is
/// where a line starts or ends, which a browser drops.
const BLOCKS: &[&[u8]] = &[
    b"address",
    b"article",
    b"aside",
    b"base",
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
    b"link",
    b"main",
    b"menu",
    b"meta",
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
const HIDDEN: &[&[u8]] = &[b"script", b"style", b"template", b"noscript"];

/// Elements copied whole, from their start tag to their end tag.
const VERBATIM: &[&[u8]] = &[
    b"pre",
    b"textarea",
    b"title",
    b"svg",
    b"math",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"plaintext",
];

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
            let b = self.html[i];
            if is_space(b) {
                self.space = true;
                i += 1;
                continue;
            }
            let run_end = self.html[i..end]
                .iter()
                .position(|&b| is_space(b))
                .map_or(end, |n| i + n);
            if self.space && !self.line_start {
                self.out.push(b' ');
            }
            self.space = false;
            self.line_start = false;
            self.out.extend_from_slice(&self.html[i..run_end]);
            i = run_end;
        }
    }

    /// What starts at a `<`: a comment, a tag, or a `<` that is text.
    fn markup(&mut self, code: Code) {
        let rest = &self.html[self.at..];
        if rest.starts_with(b"<!--") {
            // Dropped, or all the rest if it never ends (a browser shows none of it either).
            self.at += comment_len(rest).unwrap_or(rest.len());
            return;
        }
        let Some(tag) = Tag::read(rest) else {
            // A `<` that starts no tag is text; a tag with no end is copied as it is.
            if rest.len() > 1
                && (rest[1].is_ascii_alphabetic() || matches!(rest[1], b'/' | b'!' | b'?'))
            {
                if self.space && !self.line_start {
                    self.out.push(b' ');
                }
                self.verbatim(self.html.len());
            } else {
                self.text_byte();
            }
            return;
        };
        let mut lower = [0u8; 12];
        let written = tag.name(rest);
        let name = &mut lower[..written.len().min(12)];
        name.copy_from_slice(&written[..name.len()]);
        name.make_ascii_lowercase();
        let name: &[u8] = if written.len() > 12 { b"" } else { name };
        // Hidden elements and doctypes leave the whitespace around them as it was.
        let shown = tag.kind != Kind::Other && !HIDDEN.contains(&name);
        let block = BLOCKS.contains(&name);
        if shown {
            if self.space && !self.line_start && !block {
                self.out.push(b' ');
            }
            self.space = false;
            self.line_start = block;
        }
        let tag_start = self.at;
        self.at += tag.len;
        let tag_text = &self.html[tag_start..self.at];
        if tag.kind != Kind::Start {
            self.out.extend_from_slice(tag_text);
            return;
        }
        write_start_tag(tag_text, tag.name_end, self.out);
        if VERBATIM.contains(&name) {
            self.until_closing(name, name == b"svg" || name == b"math");
        } else if name == b"script" || name == b"style" {
            let rest = &self.html[self.at..];
            let end = closing(rest, name).unwrap_or(rest.len());
            if memchr::memmem::find(&rest[..end], b"<!--").is_some() {
                // Script text with a comment in it may end elsewhere than at the first end tag.
                self.verbatim(self.html.len());
                return;
            }
            code(tag_text, &rest[..end], self.out);
            self.at += end;
        }
    }

    /// Copies up to the end tag of the element just opened (`nested`: counting elements of the
    /// same name opened inside it).
    fn until_closing(&mut self, name: &[u8], nested: bool) {
        let end = if nested {
            nested_closing(&self.html[self.at..], name)
        } else {
            closing(&self.html[self.at..], name)
        }
        .map_or(self.html.len(), |n| self.at + n);
        self.verbatim(end);
    }

    fn verbatim(&mut self, end: usize) {
        self.out.extend_from_slice(&self.html[self.at..end]);
        self.at = end;
    }

    fn text_byte(&mut self) {
        self.text(self.at, self.at + 1);
        self.at += 1;
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Kind {
    Start,
    End,
    /// `<!doctype ...>`, `<?...>`: copied as it is.
    Other,
}

/// A tag at the start of a text: how long it is and what it is.
struct Tag {
    kind: Kind,
    len: usize,
    name_end: usize,
}

impl Tag {
    /// The tag that `rest` (starting with `<`) starts, or `None` if it starts none or has no end.
    fn read(rest: &[u8]) -> Option<Tag> {
        let (kind, name_start) = match rest.get(1)? {
            b'/' if rest.get(2).is_some_and(u8::is_ascii_alphabetic) => (Kind::End, 2),
            b'!' | b'?' => (Kind::Other, 2),
            b if b.is_ascii_alphabetic() => (Kind::Start, 1),
            _ => return None,
        };
        let name_end = name_start
            + rest[name_start..]
                .iter()
                .position(|&b| is_space(b) || b == b'/' || b == b'>')?;
        let len = if kind == Kind::Other {
            name_end + memchr::memchr(b'>', &rest[name_end..])? + 1
        } else {
            tag_end(rest, name_end)?
        };
        Some(Tag {
            kind,
            len,
            name_end,
        })
    }

    fn name<'a>(&self, rest: &'a [u8]) -> &'a [u8] {
        let start = if self.kind == Kind::Start { 1 } else { 2 };
        &rest[start..self.name_end]
    }
}

/// How long the comment that `rest` starts is, up to the first `-->` or `--!>` (or the `>` of
/// `<!-->` and `<!--->`, which end where they start); `None` when it never ends.
fn comment_len(rest: &[u8]) -> Option<usize> {
    let body = &rest[4..];
    if body.starts_with(b">") {
        return Some(5);
    }
    if body.starts_with(b"->") {
        return Some(6);
    }
    let mut from = 0;
    while let Some(n) = memchr::memmem::find(&body[from..], b"--") {
        let at = from + n + 2;
        if body[at..].starts_with(b">") {
            return Some(4 + at + 1);
        }
        if body[at..].starts_with(b"!>") {
            return Some(4 + at + 2);
        }
        from = from + n + 1;
    }
    None
}

/// Where a tag whose name ends at `from` ends (just after its `>`), its attributes read as a
/// browser reads them; `None` when it never ends.
fn tag_end(rest: &[u8], from: usize) -> Option<usize> {
    let mut attributes = Attributes::new(rest, from);
    while attributes.next().is_some() {}
    attributes.end
}

/// Writes a start tag with single spaces between attributes, each value quoted only when it
/// must be. Its `/` before the `>`, if any, is dropped: outside SVG and MathML (which this pass
/// copies as they are) a browser ignores it.
fn write_start_tag(tag: &[u8], name_end: usize, out: &mut Vec<u8>) {
    out.extend_from_slice(&tag[..name_end]);
    for (name, value) in Attributes::new(tag, name_end) {
        out.push(b' ');
        out.extend_from_slice(name);
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        out.push(b'=');
        if value
            .iter()
            .all(|&b| !is_space(b) && !matches!(b, b'"' | b'\'' | b'=' | b'<' | b'>' | b'`'))
        {
            out.extend_from_slice(value);
        } else {
            let quote = if value.contains(&b'"') { b'\'' } else { b'"' };
            out.push(quote);
            out.extend_from_slice(value);
            out.push(quote);
        }
    }
    out.push(b'>');
}

/// The attributes of a tag, each as its name and its value's text (entities as written), read
/// as the HTML standard's tokenizer reads them; once they are read, `end` is where the tag ends.
struct Attributes<'a> {
    tag: &'a [u8],
    at: usize,
    /// Just after the tag's `>`, once it is found.
    end: Option<usize>,
}

impl<'a> Attributes<'a> {
    fn new(tag: &'a [u8], name_end: usize) -> Self {
        Attributes {
            tag,
            at: name_end,
            end: None,
        }
    }

    fn skip_spaces(&self, mut i: usize) -> usize {
        while i < self.tag.len() && is_space(self.tag[i]) {
            i += 1;
        }
        i
    }

    /// The value that starts at `i` (after `=` and spaces), and where what follows it starts;
    /// `None` when a quoted value never ends.
    fn value(&self, i: usize) -> Option<(&'a [u8], usize)> {
        let tag = self.tag;
        match tag.get(i)? {
            &q @ (b'"' | b'\'') => {
                let close = i + 1 + memchr::memchr(q, &tag[i + 1..])?;
                Some((&tag[i + 1..close], close + 1))
            }
            b'>' => Some((&tag[i..i], i)),
            _ => {
                let stop = tag[i..]
                    .iter()
                    .position(|&b| is_space(b) || b == b'>')
                    .map_or(tag.len(), |n| i + n);
                Some((&tag[i..stop], stop))
            }
        }
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a [u8], Option<&'a [u8]>);

    fn next(&mut self) -> Option<Self::Item> {
        let tag = self.tag;
        while self.at < tag.len() && (is_space(tag[self.at]) || tag[self.at] == b'/') {
            self.at += 1;
        }
        match tag.get(self.at) {
            None => return None,
            Some(b'>') => {
                self.end = Some(self.at + 1);
                self.at = tag.len();
                return None;
            }
            Some(_) => {}
        }
        let start = self.at;
        self.at += 1;
        while self.at < tag.len()
            && !is_space(tag[self.at])
            && !matches!(tag[self.at], b'/' | b'>' | b'=')
        {
            self.at += 1;
        }
        let name = &tag[start..self.at];
        let i = self.skip_spaces(self.at);
        if tag.get(i) != Some(&b'=') {
            return Some((name, None));
        }
        let Some((value, after)) = self.value(self.skip_spaces(i + 1)) else {
            self.at = tag.len();
            return None;
        };
        self.at = after;
        Some((name, Some(value)))
    }
}

/// Where the end tag `</name` (any case, then a space, `/` or `>`) first starts in `text`.
fn closing(text: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(n) = memchr::memmem::find(&text[from..], b"</") {
        let at = from + n;
        if is_named(&text[at + 2..], name) {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// Like [`closing`], counting elements of the same name opened on the way.
fn nested_closing(text: &[u8], name: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut from = 0;
    while let Some(n) = memchr::memchr(b'<', &text[from..]) {
        let at = from + n;
        if text[at + 1..].starts_with(b"/") && is_named(&text[at + 2..], name) {
            if depth == 0 {
                return Some(at);
            }
            depth -= 1;
        } else if is_named(&text[at + 1..], name) {
            depth += 1;
        }
        from = at + 1;
    }
    None
}

fn is_named(text: &[u8], name: &[u8]) -> bool {
    text.len() > name.len()
        && text[..name.len()].eq_ignore_ascii_case(name)
        && (is_space(text[name.len()]) || matches!(text[name.len()], b'/' | b'>'))
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
}
