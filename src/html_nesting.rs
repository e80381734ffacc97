//! How deep HTML nests, measured in one pass that takes time linear in the length of the HTML.
//!
//! The HTML tools pimap uses recurse, or slow down, with depth: minify-html's parser recurses
//! once per open element, its CSS and JavaScript minifiers once per bracket (pimap gives it only a
//! page's inline stylesheets and scripts, each alone), and html5ever (the
//! parser behind ammonia) does work for every open element at every tag. Text nested without
//! bound would overflow the stack and abort pimap, or take minutes. This module measures
//! nesting as those tools would see it, rounding up where they disagree, so that callers can
//! stop text past a bound before it reaches them:
//! - an element opens at `<name` and closes at `</name>` when it is the innermost open element,
//!   or the one around it when the innermost may end without its end tag (`<li>` in `<ul>`); a
//!   `<li>`, `<p>`, `<dt>`, `<dd>`, `<tr>`, `<td>` or `<th>` also closes when a sibling that ends
//!   it opens; void elements open nothing, and neither does `/>` inside SVG;
//! - open formatting elements (`<a>`, `<b>`, `<em>`...) count twice, since an HTML parser reopens
//!   them after the blocks that close them;
//! - comments and `<!...>` end at the earliest point either tool would end them;
//! - inside `<script>`, `<style>` and `style="..."`, brackets count, outside strings and comments.
//!
//! It reads and writes nothing, and never fails: any text has a depth.

mod brackets;

use brackets::{Code, bracket_depth};

/// How deep HTML may nest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Open elements, formatting elements counted twice.
    pub elements: usize,
    /// Brackets in a script or a stylesheet.
    pub brackets: usize,
}

/// Text that people write (Markdown pages, the Markdown fields of data): generous for any real
/// text, and far below what the tools can follow, even with a page's template around it.
pub const CONTENT_LIMITS: Limits = Limits {
    elements: 64,
    brackets: 32,
};

/// A whole page, template included (and each inline stylesheet or script given to minify-html):
/// within what minify-html follows on a 2 MiB stack, in debug
/// builds too.
pub const PAGE_LIMITS: Limits = Limits {
    elements: 256,
    brackets: 32,
};

/// Where HTML first nests deeper than its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// Byte offset of the tag or bracket that went past the limit.
    pub offset: usize,
    pub what: Nested,
    pub limit: usize,
}

/// What nests too deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nested {
    Elements,
    Brackets,
}

impl TooDeep {
    /// What went too deep, for people who write content.
    pub fn message(&self) -> String {
        match self.what {
            Nested::Elements => format!(
                "quotes, lists and HTML elements are nested more than {} levels deep here",
                self.limit
            ),
            Nested::Brackets => format!(
                "a script or style nests brackets more than {} levels deep here",
                self.limit
            ),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        match self.what {
            Nested::Elements => format!(
                "pimap follows at most {} levels: nest them less deeply, and close every HTML \
                 element you open (`<div>` needs its `</div>`)",
                self.limit
            ),
            Nested::Brackets => format!(
                "pimap follows at most {} levels of `(`, `[` and `{{`: close the brackets you open",
                self.limit
            ),
        }
    }
}

/// The first place where `html` nests deeper than `limits`, if any.
pub fn first_too_deep(html: &str, limits: Limits) -> Option<TooDeep> {
    let mut scan = Scan {
        html,
        limits,
        open: Vec::new(),
        formatting: Vec::new(),
    };
    scan.run().err()
}

#[rustfmt::skip]
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];
/// Elements an HTML parser keeps a list of, to reopen them.
#[rustfmt::skip]
const FORMATTING: &[&str] = &[
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt",
    "u",
];
/// Start tags that end an open `<p>` (both minify-html and HTML parsers close it).
#[rustfmt::skip]
const ENDS_P: &[&str] = &[
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "main",
    "menu", "nav", "ol", "p", "pre", "section", "table", "ul",
];
/// HTML start tags that leave SVG in an HTML parser: inside SVG they are HTML elements.
#[rustfmt::skip]
const LEAVE_SVG: &[&str] = &[
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
    "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu",
    "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub",
    "sup", "table", "tt", "u", "ul", "var",
];

fn is(name: &str, list: &[&str]) -> bool {
    list.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b':' || b == b'-'
}

/// An open element: its name as written, and whether `/>` closes its children (SVG).
struct Open<'h> {
    name: &'h str,
    svg: bool,
}

struct Scan<'h> {
    html: &'h str,
    limits: Limits,
    open: Vec<Open<'h>>,
    /// Formatting elements opened and not yet closed by their end tag.
    formatting: Vec<&'h str>,
}

/// A tag's name and where its text ends.
struct Tag<'h> {
    name: &'h str,
    end: usize,
    self_closing: bool,
}

impl<'h> Scan<'h> {
    fn run(&mut self) -> Result<(), TooDeep> {
        let html = self.html;
        let bytes = html.as_bytes();
        let mut at = 0;
        while let Some(found) = html[at..].find('<') {
            let start = at + found;
            let rest = &html[start..];
            at = if let Some(comment) = rest.strip_prefix("<!--") {
                start + 4 + comment_length(comment)
            } else if rest.starts_with("<!") || rest.starts_with("<?") {
                after_gt(html, start)
            } else if let Some(name_start) = rest.strip_prefix("</") {
                if name_start.bytes().next().is_some_and(is_name_byte) {
                    let tag = self.tag(start + 2)?;
                    self.close(tag.name);
                    tag.end
                } else {
                    after_gt(html, start)
                }
            } else if bytes.get(start + 1).copied().is_some_and(is_name_byte) {
                let tag = self.tag(start + 1)?;
                if self.open(tag.name, tag.self_closing, start)? {
                    self.raw_text(tag.name, tag.end)?
                } else {
                    tag.end
                }
            } else {
                start + 1
            };
        }
        Ok(())
    }

    /// Reads the tag whose name starts at `from`, checking the brackets of a `style` attribute.
    fn tag(&self, from: usize) -> Result<Tag<'h>, TooDeep> {
        let html = self.html;
        let bytes = html.as_bytes();
        let mut at = from;
        while at < bytes.len() && is_name_byte(bytes[at]) {
            at += 1;
        }
        let name = &html[from..at];
        let mut slash = false;
        loop {
            while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
                slash = bytes[at] == b'/';
                at += 1;
            }
            if at >= bytes.len() {
                return Ok(Tag {
                    name,
                    end: at,
                    self_closing: false,
                });
            }
            if bytes[at] == b'>' {
                return Ok(Tag {
                    name,
                    end: at + 1,
                    self_closing: slash,
                });
            }
            slash = false;
            let attribute_start = at;
            at += 1;
            while at < bytes.len() && !b" \t\n\x0c\r/=>".contains(&bytes[at]) {
                at += 1;
            }
            let attribute = &html[attribute_start..at];
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            if bytes.get(at) != Some(&b'=') {
                continue;
            }
            at += 1;
            while at < bytes.len() && bytes[at].is_ascii_whitespace() {
                at += 1;
            }
            let (value_start, value_end, next) = match bytes.get(at) {
                Some(&quote @ (b'"' | b'\'')) => {
                    let end = html[at + 1..]
                        .find(quote as char)
                        .map_or(html.len(), |e| at + 1 + e);
                    (at + 1, end, (end + 1).min(html.len()))
                }
                _ => {
                    let start = at;
                    while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'>'
                    {
                        at += 1;
                    }
                    (start, at, at)
                }
            };
            if attribute.eq_ignore_ascii_case("style") {
                self.brackets(value_start, value_end, Code::Css)?;
            }
            at = next;
        }
    }

    /// Opens the element of a start tag at `offset`; whether it opened one.
    fn open(&mut self, name: &'h str, self_closing: bool, offset: usize) -> Result<bool, TooDeep> {
        let in_svg = self.open.last().is_some_and(|o| o.svg);
        let svg = name.eq_ignore_ascii_case("svg") || (in_svg && !is(name, LEAVE_SVG));
        if is(name, VOID) || (svg && self_closing) {
            return Ok(false);
        }
        // Neither tool nests a second `<html>`, `<head>` or `<body>`.
        if is(name, &["html", "head", "body"])
            && self.open.iter().any(|o| o.name.eq_ignore_ascii_case(name))
        {
            return Ok(false);
        }
        if let Some(top) = self.open.last().map(|o| o.name) {
            let ended = (is(top, &["li"]) && is(name, &["li"]))
                || (is(top, &["dt", "dd"]) && is(name, &["dt", "dd"]))
                || (is(top, &["p"]) && is(name, ENDS_P))
                || (is(top, &["tr"]) && is(name, &["tr"]))
                || (is(top, &["td", "th"]) && is(name, &["td", "th"]));
            if ended {
                self.open.pop();
            }
        }
        let svg = svg && !is(name, &["foreignobject", "desc", "title"]);
        self.open.push(Open { name, svg });
        if is(name, FORMATTING) {
            self.formatting.push(name);
        }
        let depth = self.open.len() + self.formatting.len();
        if depth > self.limits.elements {
            return Err(TooDeep {
                offset,
                what: Nested::Elements,
                limit: self.limits.elements,
            });
        }
        Ok(true)
    }

    fn close(&mut self, name: &str) {
        if let Some(i) = self
            .formatting
            .iter()
            .rposition(|f| f.eq_ignore_ascii_case(name))
        {
            self.formatting.remove(i);
        }
        let len = self.open.len();
        let matches = |i: usize| self.open[i].name.eq_ignore_ascii_case(name);
        if len >= 1 && matches(len - 1) {
            self.open.pop();
        } else if len >= 2 && matches(len - 2) && self.may_end_unclosed(len - 1) {
            self.open.truncate(len - 2);
        }
    }

    /// Whether the open element at `i` may end without its end tag when its parent ends.
    fn may_end_unclosed(&self, i: usize) -> bool {
        let name = self.open[i].name;
        let parent = self.open[i - 1].name;
        is(
            name,
            &["li", "dd", "tr", "td", "th", "tbody", "tfoot", "option"],
        ) || (is(name, &["p"])
            && !is(
                parent,
                &["a", "audio", "del", "ins", "map", "noscript", "video"],
            ))
    }

    /// After the start tag of `name` ending at `from`: where its text ends, for the elements
    /// whose text is not HTML (checking the brackets of scripts and styles), or `from`.
    fn raw_text(&mut self, name: &str, from: usize) -> Result<usize, TooDeep> {
        let in_svg = self.open.iter().rev().nth(1).is_some_and(|o| o.svg);
        let code = if name.eq_ignore_ascii_case("script") {
            Some(Code::JavaScript)
        } else if name.eq_ignore_ascii_case("style") {
            Some(Code::Css)
        } else if is(name, &["textarea", "title"]) && !in_svg {
            None
        } else {
            return Ok(from);
        };
        let end = find_end_tag(self.html, from, name);
        if let Some(code) = code {
            self.brackets(from, end, code)?;
        }
        Ok(end)
    }

    fn brackets(&self, from: usize, to: usize, code: Code) -> Result<(), TooDeep> {
        match bracket_depth(&self.html[from..to], code, self.limits.brackets) {
            Some(at) => Err(TooDeep {
                offset: from + at,
                what: Nested::Brackets,
                limit: self.limits.brackets,
            }),
            None => Ok(()),
        }
    }
}

/// After `<!--`: the length of the comment's text and its end. HTML parsers end `<!-->` and
/// `<!--->` at once, and any comment at `--!>`; minify-html only at `-->`: the earliest counts.
fn comment_length(text: &str) -> usize {
    if text.starts_with('>') {
        return 1;
    }
    if text.starts_with("->") {
        return 2;
    }
    let mut from = 0;
    while let Some(found) = text[from..].find("--") {
        let dashes = from + found;
        let after = &text[dashes + 2..];
        if after.starts_with('>') {
            return dashes + 3;
        }
        if after.starts_with("!>") {
            return dashes + 4;
        }
        from = dashes + 1;
    }
    text.len()
}

fn after_gt(html: &str, from: usize) -> usize {
    html[from..].find('>').map_or(html.len(), |e| from + e + 1)
}

/// Where `</name` starts after `from`, in any case, or the end of `html`: the end of the text of
/// a `<script>` or `<style>`.
pub fn find_end_tag(html: &str, from: usize, name: &str) -> usize {
    html[from..]
        .match_indices("</")
        .map(|(i, _)| from + i)
        .find(|&i| {
            html.as_bytes()
                .get(i + 2..i + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        })
        .unwrap_or(html.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIGHT: Limits = Limits {
        elements: 3,
        brackets: 2,
    };

    fn depth_error(html: &str) -> Option<(usize, Nested)> {
        first_too_deep(html, TIGHT).map(|d| (d.offset, d.what))
    }

    #[test]
    fn closed_and_void_elements_do_not_add_up() {
        let html = "<div><p>a<br><img src=x></p></div>".repeat(50);
        assert_eq!(depth_error(&html), None);
        assert_eq!(
            depth_error("<div><div><div><div>x"),
            Some((15, Nested::Elements))
        );
    }

    #[test]
    fn siblings_that_end_an_element_close_it() {
        assert_eq!(depth_error(&format!("<ul>{}", "<li>x".repeat(100))), None);
        assert_eq!(depth_error(&"<p>a".repeat(100)), None);
        assert_eq!(
            depth_error("<table><tr><td>a<td>b<td>c"),
            None,
            "cells end cells"
        );
        assert_eq!(depth_error(&"<ul><li>x</ul>".repeat(100)), None);
    }

    #[test]
    fn mismatched_end_tags_close_nothing() {
        // minify-html drops `</div>` inside `<span>`: the div stays open.
        assert_eq!(
            depth_error(&"<div><span></div></span>".repeat(3)),
            Some((53, Nested::Elements))
        );
    }

    #[test]
    fn formatting_elements_count_twice_until_their_end_tag() {
        assert_eq!(depth_error(&"<b>x</b><i>y</i><em>z</em>".repeat(9)), None);
        assert_eq!(depth_error("<div><span>x"), None);
        assert_eq!(depth_error("<b><i>x"), Some((3, Nested::Elements)));
    }

    #[test]
    fn svg_children_may_close_themselves_but_html_in_svg_may_not() {
        assert_eq!(
            depth_error(&format!("<svg>{}</svg>", "<path/>".repeat(100))),
            None
        );
        assert_eq!(
            depth_error("<svg><div/><div/><div/>"),
            Some((17, Nested::Elements))
        );
        assert_eq!(
            depth_error("<div/><div/><div/><div/>"),
            Some((18, Nested::Elements))
        );
    }

    #[test]
    fn comments_end_where_the_first_parser_would_end_them() {
        assert_eq!(depth_error("<!-- <div><div><div><div> -->"), None);
        assert_eq!(
            depth_error("<!--><div><div><div><div>-->"),
            Some((20, Nested::Elements))
        );
        assert_eq!(depth_error("<!DOCTYPE html><?xml x?><!-- a --!>"), None);
        assert_eq!(
            depth_error("<!-- a --!><div><div><div><div><!-- --->"),
            Some((26, Nested::Elements))
        );
    }

    #[test]
    fn scripts_styles_and_style_attributes_count_brackets_outside_strings() {
        assert_eq!(
            depth_error("<script>f(\"((((\", '[[[[', `{{{{`) // (((\n</script>"),
            None
        );
        assert_eq!(
            depth_error("<script>f(g(h(1)))</script>"),
            Some((13, Nested::Brackets))
        );
        assert_eq!(
            depth_error("<style>a{b{c{}}}</style><div><div><div>"),
            Some((12, Nested::Brackets))
        );
        assert_eq!(
            depth_error("<p style=\"width:calc(calc(calc(1px)))\">"),
            Some((30, Nested::Brackets))
        );
        assert_eq!(
            depth_error("<style>a{background:url(//x/y.png)}/* ((( */</style>"),
            None
        );
        assert_eq!(
            depth_error("<script>`${`${`${1}`}`}`</script>"),
            Some((11, Nested::Brackets))
        );
    }

    #[test]
    fn tags_inside_scripts_and_titles_are_text() {
        assert_eq!(
            depth_error("<title><div><div><div><div></title><script>'<div><div><div>'</SCRIPT>"),
            None
        );
    }

    #[test]
    fn text_without_end_is_read_to_its_end() {
        for html in [
            "<div",
            "<div a=\"x",
            "<!-- x",
            "<script>((",
            "</div",
            "<",
            "<!x",
        ] {
            assert_eq!(depth_error(html), None, "{html}");
        }
    }

    /// A guard against a scan that reads the text again at each construct, not a measure of
    /// speed: the nine inputs of about 1 MB each are read in under a second in a debug build,
    /// where reading them again at each construct would take hours; the bound is 20 times that
    /// second, so that a loaded machine does not fail it.
    #[test]
    fn repeated_constructs_are_read_in_linear_time() {
        let started = std::time::Instant::now();
        for unit in [
            "<!-- a -->",
            "<!-- a --!>",
            "</ ",
            "<body>",
            "<b></b>",
            "<p>x",
            "<script>a</script>",
            "<svg><path/></svg>",
            "<a href=\"x\">y</a>",
        ] {
            assert_eq!(first_too_deep(&unit.repeat(100_000), PAGE_LIMITS), None);
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn messages_say_what_is_too_deep() {
        let deep = first_too_deep(&"<div>".repeat(70), CONTENT_LIMITS).unwrap();
        assert_eq!(deep.offset, 64 * 5);
        assert_eq!(
            deep.message(),
            "quotes, lists and HTML elements are nested more than 64 levels deep here"
        );
    }
}
