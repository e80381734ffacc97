//! Reading tags, comments and elements as the HTML standard's tokenizer reads them, for the
//! minifying pass: where a tag, a comment or an element ends, what a start tag's attributes are,
//! and writing a start tag again with only the quotes and spaces it needs.

pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Kind {
    Start,
    End,
    /// `<!doctype ...>`, `<?...>`, `<!...>`: copied as it is.
    Other,
}

/// A tag at the start of a text: how long it is and what it is.
pub struct Tag {
    pub kind: Kind,
    pub len: usize,
    pub name_end: usize,
}

impl Tag {
    /// The tag that `rest` (starting with `<`) starts, or `None` if it starts none or has no end.
    pub fn read(rest: &[u8]) -> Option<Tag> {
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
            let mut attributes = Attributes::new(rest, name_end);
            while attributes.next().is_some() {}
            attributes.end?
        };
        Some(Tag {
            kind,
            len,
            name_end,
        })
    }

    pub fn name<'a>(&self, rest: &'a [u8]) -> &'a [u8] {
        let start = if self.kind == Kind::Start { 1 } else { 2 };
        &rest[start..self.name_end]
    }
}

/// Whether `rest` starts with what a browser reads as the start of a tag, a comment or a
/// doctype (a `<` followed by a letter, `/`, `!` or `?`), as opposed to a `<` that is text.
pub fn opens_markup(rest: &[u8]) -> bool {
    rest.get(1)
        .is_some_and(|&b| b.is_ascii_alphabetic() || matches!(b, b'/' | b'!' | b'?'))
}

/// How long the comment that `rest` starts is, up to the first `-->` or `--!>` (or the `>` of
/// `<!-->` and `<!--->`, which end where they start); `None` when it never ends.
pub fn comment_len(rest: &[u8]) -> Option<usize> {
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

/// Whether a start tag ends in `/>` whose `/` is not part of a value: in SVG and MathML it
/// closes the element.
pub fn is_self_closing(tag: &[u8], name_end: usize) -> bool {
    let mut attributes = Attributes::new(tag, name_end);
    while attributes.next().is_some() {}
    attributes.self_closing
}

/// Writes a start tag with single spaces between attributes, each value quoted only when it
/// must be. Its `/` before the `>`, if any, is dropped: outside SVG and MathML (which the pass
/// copies as they are) a browser ignores it. A tag that is not plain (an attribute name with `=`
/// first, a quote or `<` in it, or a value holding both kinds of quote) is copied as it is, so
/// that a browser reads its attributes exactly as it read them before.
pub fn write_start_tag(tag: &[u8], name_end: usize, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&tag[..name_end]);
    for (name, value) in Attributes::new(tag, name_end) {
        let plain = name[0] != b'='
            && !name.iter().any(|b| matches!(b, b'"' | b'\'' | b'<'))
            && value.is_none_or(|v| !(v.contains(&b'"') && v.contains(&b'\'')));
        if !plain {
            out.truncate(start);
            out.extend_from_slice(tag);
            return;
        }
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
    /// The tag ends in `/>`, its `/` not part of a value.
    self_closing: bool,
}

impl<'a> Attributes<'a> {
    fn new(tag: &'a [u8], name_end: usize) -> Self {
        Attributes {
            tag,
            at: name_end,
            end: None,
            self_closing: false,
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
            self.self_closing = tag[self.at] == b'/' && tag.get(self.at + 1) == Some(&b'>');
            self.at += 1;
        }
        match tag.get(self.at) {
            None => return None,
            Some(b'>') => {
                self.end = Some(self.at + 1);
                self.at = tag.len();
                return None;
            }
            Some(_) => self.self_closing = false,
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

/// Where the end tag `</name` (any case, then a space, `/` or `>`) first starts in `text`: where
/// the raw text of a `<script>`, `<style>`, `<textarea>`... element ends.
pub fn closing(text: &[u8], name: &[u8]) -> Option<usize> {
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

/// Elements whose content is text up to their end tag (the standard's raw text and escapable
/// raw text elements, and `noscript` as a browser that runs scripts reads it).
pub const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

/// Start tags inside a `<pre>` that can make a browser ignore its end tag (an open table or
/// object keeps it open), or put what follows in SVG.
const UNSURE_IN_PRE: &[&[u8]] = &[
    b"svg",
    b"math",
    b"table",
    b"object",
    b"applet",
    b"marquee",
    b"template",
];

/// Start tags inside SVG or MathML after which a browser reads HTML again (the standard's
/// breakout tags, and the elements that hold HTML): where their content ends cannot be told
/// without building the tree.
const HTML_IN_FOREIGN: &[&[u8]] = &[
    b"b",
    b"big",
    b"blockquote",
    b"body",
    b"br",
    b"center",
    b"code",
    b"dd",
    b"div",
    b"dl",
    b"dt",
    b"em",
    b"embed",
    b"font",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"head",
    b"hr",
    b"i",
    b"img",
    b"li",
    b"listing",
    b"menu",
    b"meta",
    b"nobr",
    b"ol",
    b"p",
    b"pre",
    b"ruby",
    b"s",
    b"small",
    b"span",
    b"strong",
    b"strike",
    b"sub",
    b"sup",
    b"table",
    b"tt",
    b"u",
    b"ul",
    b"var",
    b"foreignobject",
    b"desc",
    b"mi",
    b"mo",
    b"mn",
    b"ms",
    b"mtext",
    b"annotation-xml",
];

/// Where the end tag of the element whose content `text` starts (a `<pre>`, or an `<svg>` or
/// `<math>` when `foreign`) starts: tags, comments and CDATA sections are stepped over as a
/// whole and elements of the same name counted, so that a `</pre>` in a comment, an attribute
/// or a nested element is not taken for its end. `None` when the end cannot be told (it never
/// comes, or markup on the way reads differently in HTML and in SVG): the caller copies the
/// rest of the page.
pub fn element_end(text: &[u8], name: &[u8], foreign: bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(n) = memchr::memchr(b'<', &text[i..]) {
        let at = i + n;
        let rest = &text[at..];
        if rest.starts_with(b"<!--") {
            i = at + comment_len(rest)?;
            continue;
        }
        if foreign && rest.starts_with(b"<![CDATA[") {
            i = at + 9 + memchr::memmem::find(&rest[9..], b"]]>")? + 3;
            continue;
        }
        if !opens_markup(rest) {
            i = at + 1;
            continue;
        }
        let tag = Tag::read(rest)?;
        let tag_name = tag.name(rest).to_ascii_lowercase();
        i = at + tag.len;
        if tag_name == name {
            match tag.kind {
                Kind::End if depth == 0 => return Some(at),
                Kind::End => depth -= 1,
                Kind::Start if !(foreign && is_self_closing(&rest[..tag.len], tag.name_end)) => {
                    depth += 1;
                }
                _ => {}
            }
        } else if tag.kind == Kind::Start {
            let tag_name = tag_name.as_slice();
            let unsure = if foreign {
                HTML_IN_FOREIGN
            } else {
                UNSURE_IN_PRE
            };
            if unsure.contains(&tag_name) || tag_name == b"plaintext" {
                return None;
            }
            if RAW_TEXT.contains(&tag_name) {
                // Raw text in HTML; markup in SVG, except where SVG holds HTML: either way, the
                // end must not be in it.
                let end = closing(&text[i..], tag_name)?;
                let raw = text[i..i + end].to_ascii_lowercase();
                if [&b"<!--"[..], b"</svg", b"</math", b"<![cdata["]
                    .iter()
                    .any(|needle| memchr::memmem::find(&raw, needle).is_some())
                {
                    return None;
                }
                if !foreign {
                    i += end;
                }
            }
        }
    }
    None
}

pub fn is_named(text: &[u8], name: &[u8]) -> bool {
    text.len() > name.len()
        && text[..name.len()].eq_ignore_ascii_case(name)
        && (is_space(text[name.len()]) || matches!(text[name.len()], b'/' | b'>'))
}
