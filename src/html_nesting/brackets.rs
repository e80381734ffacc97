//! Brackets in inline CSS and JavaScript, which minify-html's CSS and JavaScript minifiers parse
//! by recursing once per level: counted outside strings and comments (`//` comments in
//! JavaScript only, since `url(//host/x)` is CSS).

/// The language of a script or style.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Code {
    Css,
    JavaScript,
}

/// The offset of the first bracket in `text` nested deeper than `limit`, if any. Template
/// literals and their `${}` count as levels too.
pub(super) fn bracket_depth(text: &str, code: Code, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // Open brackets, and for JavaScript `` ` `` while in a template literal.
    let mut open: Vec<u8> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if open.last() == Some(&b'`') {
            match b {
                b'\\' => at += 1,
                b'`' => {
                    open.pop();
                }
                b'$' if bytes.get(at + 1) == Some(&b'{') => {
                    open.push(b'{');
                    at += 1;
                }
                _ => {}
            }
        } else {
            match b {
                b'"' | b'\'' => at = string_end(bytes, at),
                b'/' if bytes.get(at + 1) == Some(&b'*') => {
                    at = text[at + 2..]
                        .find("*/")
                        .map_or(bytes.len(), |e| at + 2 + e + 1);
                }
                b'/' if code == Code::JavaScript && bytes.get(at + 1) == Some(&b'/') => {
                    at = text[at..].find('\n').map_or(bytes.len(), |e| at + e);
                }
                b'(' | b'[' | b'{' => open.push(b),
                b'`' if code == Code::JavaScript => open.push(b),
                b')' | b']' | b'}' => {
                    open.pop();
                }
                _ => {}
            }
        }
        if open.len() > limit {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// The offset of the quote that ends the string starting at `start` (or of the line break or
/// end of text that ends it without one).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut at = start + 1;
    while at < bytes.len() && bytes[at] != quote && bytes[at] != b'\n' {
        at += if bytes[at] == b'\\' { 2 } else { 1 };
    }
    at.min(bytes.len())
}
