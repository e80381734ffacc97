//! Minified pages read as their originals do: random pages and their minified forms are read by
//! html5ever's tokenizer (as a browser reads them), and must give the same tags, the same
//! attributes with the same values, the same words in the same order, and the same text where
//! whitespace counts (`<pre>`, SVG, raw text); only comments and whitespace may go.

use super::pass;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// What a browser reads, comments left out and adjacent text joined.
#[derive(Debug, PartialEq)]
enum Read {
    /// A start tag, its attributes, and whether it closes itself (in SVG and MathML).
    Start(String, Vec<(String, String)>, bool),
    End(String),
    /// Text where whitespace does not count, as its words.
    Words(Vec<String>),
    /// Text where it does, exactly.
    Exact(String),
    Doctype(String),
}

#[derive(Default)]
struct Reader {
    read: RefCell<Vec<Read>>,
    text: RefCell<String>,
    /// How many elements whose whitespace counts are open.
    exact: RefCell<usize>,
    /// How many SVG or MathML elements are open: their content is read as foreign content
    /// (no raw text, CDATA sections, `/>` closing an element).
    foreign: RefCell<usize>,
}

/// Elements whose text a browser keeps exactly (in HTML; in SVG and MathML, all text).
const EXACT: &[&str] = &[
    "pre",
    "listing",
    "textarea",
    "title",
    "script",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
];

impl Reader {
    fn flush(&self) {
        let text = std::mem::take(&mut *self.text.borrow_mut());
        if text.is_empty() {
            return;
        }
        let read = if *self.exact.borrow() > 0 || *self.foreign.borrow() > 0 {
            Read::Exact(text)
        } else {
            let words: Vec<String> = text.split_ascii_whitespace().map(str::to_owned).collect();
            if words.is_empty() {
                return;
            }
            Read::Words(words)
        };
        self.read.borrow_mut().push(read);
    }

    fn end_tag(&self, name: String) {
        let counter = if matches!(name.as_str(), "svg" | "math") {
            &self.foreign
        } else if EXACT.contains(&name.as_str()) && *self.foreign.borrow() == 0 {
            &self.exact
        } else {
            self.read.borrow_mut().push(Read::End(name));
            return;
        };
        let mut open = counter.borrow_mut();
        *open = open.saturating_sub(1);
        self.read.borrow_mut().push(Read::End(name));
    }

    /// Records a start tag and says in which state the tokenizer reads what follows.
    fn start_tag(
        &self,
        name: String,
        attributes: Vec<(String, String)>,
        closed: bool,
    ) -> TokenSinkResult<()> {
        let foreign = *self.foreign.borrow() > 0;
        let opens_foreign = matches!(name.as_str(), "svg" | "math");
        // `/>` counts in SVG and MathML only.
        let closed = closed && (foreign || opens_foreign);
        self.read
            .borrow_mut()
            .push(Read::Start(name.clone(), attributes, closed));
        if opens_foreign {
            if !closed {
                *self.foreign.borrow_mut() += 1;
            }
            return TokenSinkResult::Continue;
        }
        if foreign {
            return TokenSinkResult::Continue;
        }
        if EXACT.contains(&name.as_str()) {
            *self.exact.borrow_mut() += 1;
        }
        match name.as_str() {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

impl TokenSink for Reader {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::CharacterTokens(text) => self.text.borrow_mut().push_str(&text),
            Token::NullCharacterToken => self.text.borrow_mut().push('\0'),
            Token::TagToken(tag) => {
                self.flush();
                let name = tag.name.to_string();
                if tag.kind == TagKind::EndTag {
                    self.end_tag(name);
                    return TokenSinkResult::Continue;
                }
                let attributes = tag
                    .attrs
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                return self.start_tag(name, attributes, tag.self_closing);
            }
            Token::DoctypeToken(doctype) => {
                self.flush();
                let name = doctype.name.map(|n| n.to_string()).unwrap_or_default();
                self.read.borrow_mut().push(Read::Doctype(name));
            }
            Token::CommentToken(_) | Token::ParseError(_) => {}
            Token::EOFToken => self.flush(),
        }
        TokenSinkResult::Continue
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        *self.foreign.borrow() > 0
    }
}

fn read(html: &[u8]) -> Vec<Read> {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(String::from_utf8_lossy(html).as_ref()));
    let tokenizer = Tokenizer::new(Reader::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.read.take()
}

/// A small random number generator (xorshift), so that the pages are the same on every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const SPACES: &[&str] = &["", " ", "  ", "\n", "\n  ", "\t", " \r\n "];
const WORDS: &[&str] = &[
    "a",
    "b c",
    "&amp;",
    "1 < 2",
    "é",
    "x=y",
    "&lt;p&gt;",
    "/",
    "—",
];
const ELEMENTS: &[&str] = &[
    "p", "div", "li", "ul", "h2", "span", "a", "em", "img", "br", "td", "option", "button", "pre",
    "textarea", "script", "style", "svg", "title", "P", "Span",
];
const NAMES: &[&str] = &["class", "href", "title", "alt", "data-x", "hidden", "HREF"];
const VALUES: &[&str] = &[
    "",
    "x",
    "a b",
    "/x/",
    "say \"hi\"",
    "it's",
    "a=b",
    "`",
    "&quot;",
    "x>y",
    " lead",
    "/",
];
const RAW: &[&str] = &[
    "  a\n  b ",
    "x < y",
    "if (a) { b(); }",
    "",
    " p { } ",
    " <!-- <script> ",
    "/*<!--*/ x",
];
/// Attributes as written, whose rewriting could change what a browser reads.
const ODD: &[&str] = &[
    " =\" title='a b' \"",
    " b/=\" c='x' \"",
    " title=x\"'/y",
    " a\"b=c",
    " alt=\"\" =\"x y\"",
];

fn attribute(random: &mut Random, out: &mut String) {
    if random.below(8) == 0 {
        out.push_str(random.pick(ODD));
        return;
    }
    out.push_str(random.pick(&[" ", "\n  ", "  "]));
    out.push_str(random.pick(NAMES));
    if random.below(4) == 0 {
        return;
    }
    let value = random.pick(VALUES);
    out.push_str(random.pick(&["=", " = "]));
    let bare = !value.is_empty()
        && !value.contains([' ', '"', '\'', '=', '<', '>', '`', '/'])
        && random.below(2) == 0;
    if bare {
        out.push_str(value);
    } else if value.contains('"') {
        out.push_str(&format!("'{value}'"));
    } else {
        out.push_str(&format!("\"{value}\""));
    }
}

fn element(random: &mut Random, depth: usize, out: &mut String) {
    let name = random.pick(ELEMENTS);
    out.push('<');
    out.push_str(name);
    for _ in 0..random.below(3) {
        attribute(random, out);
    }
    out.push_str(random.pick(&[">", " >", "/>", " />"]));
    let lower = name.to_ascii_lowercase();
    if matches!(lower.as_str(), "img" | "br") {
        return;
    }
    if matches!(
        lower.as_str(),
        "pre" | "textarea" | "script" | "style" | "title"
    ) {
        out.push_str(random.pick(RAW));
    } else {
        content(random, depth + 1, out);
    }
    out.push_str("</");
    out.push_str(name);
    out.push_str(random.pick(&[">", " >"]));
}

fn content(random: &mut Random, depth: usize, out: &mut String) {
    for _ in 0..random.below(if depth > 4 { 2 } else { 5 }) {
        out.push_str(random.pick(SPACES));
        match random.below(6) {
            0 | 1 => out.push_str(random.pick(WORDS)),
            2 => out.push_str(random.pick(&["<!-- c -->", "<!---->", "<!-- a -- b -->"])),
            _ => element(random, depth, out),
        }
        out.push_str(random.pick(SPACES));
    }
}

fn kept(_open: &[u8], content: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(content);
}

#[test]
fn minified_pages_read_as_their_originals() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let mut html = String::from(random.pick(&["", "<!doctype html>\n", "<!DOCTYPE html>"]));
        content(&mut random, 0, &mut html);
        let minified = pass::minify(html.as_bytes(), kept);
        assert_eq!(
            read(&minified),
            read(html.as_bytes()),
            "{html}\n\nminified:\n{}",
            String::from_utf8_lossy(&minified)
        );
        assert_eq!(pass::minify(&minified, kept), minified, "twice: {html}");
    }
}

#[test]
fn the_reader_sees_a_changed_value_or_word() {
    // The comparison above would catch these: a value or a word changed.
    let html = b"<p class=\"a b\">one two</p>";
    assert_ne!(read(b"<p class=a b>one two</p>"), read(html));
    assert_ne!(read(b"<p class=\"a b\">onetwo</p>"), read(html));
    assert_eq!(
        read(b"<p class=\"a b\">one\n two<!-- c --></p>"),
        read(html)
    );
}
