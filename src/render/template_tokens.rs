//! The tags of a template's text as tokens, for [`super::reads`]: the text between `{{ }}` and
//! `{% %}` (comments and `raw` blocks skipped) becomes identifiers, string literals, numbers and
//! punctuation. Nothing is evaluated.

/// A token of a tag.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token<'a> {
    Ident(&'a str),
    Str(&'a str),
    Number,
    Punct(char),
}

/// The tags of `text` as (is an output tag `{{ }}`, tokens); comments and raw blocks skipped.
pub(super) fn tags(text: &str) -> Vec<(bool, Vec<Token<'_>>)> {
    let mut found = Vec::new();
    let mut rest = text;
    let mut in_raw = false;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let (is_output, close) = match after.chars().next() {
            Some('{') => (true, "}}"),
            Some('%') => (false, "%}"),
            Some('#') => {
                rest = after.find("#}").map_or("", |end| &after[end + 2..]);
                continue;
            }
            _ => {
                rest = after;
                continue;
            }
        };
        let inner = &after[1..];
        let Some(end) = tag_end(inner, close) else {
            break;
        };
        let tokens = lex(inner[..end].trim_matches('-'));
        rest = &inner[end + 2..];
        let keyword = match tokens.first() {
            Some(Token::Ident(word)) if !is_output => Some(*word),
            _ => None,
        };
        if in_raw {
            in_raw = keyword != Some("endraw");
        } else if keyword == Some("raw") {
            in_raw = true;
        } else {
            found.push((is_output, tokens));
        }
    }
    found
}

/// Where `close` ends a tag, outside string literals.
fn tag_end(inner: &str, close: &str) -> Option<usize> {
    let bytes = inner.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if bytes[i..].starts_with(close.as_bytes()) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

fn lex(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c.is_alphabetic() || c == '_' {
            let mut end = at + c.len_utf8();
            while let Some(&(i, n)) = chars.peek() {
                if !(n.is_alphanumeric() || n == '_') {
                    break;
                }
                end = i + n.len_utf8();
                chars.next();
            }
            tokens.push(Token::Ident(&text[at..end]));
        } else if c.is_ascii_digit() {
            while chars
                .peek()
                .is_some_and(|&(_, n)| n.is_ascii_alphanumeric() || n == '_')
            {
                chars.next();
            }
            tokens.push(Token::Number);
        } else if matches!(c, '"' | '\'' | '`') {
            let start = at + 1;
            let mut end = text.len();
            for (i, n) in chars.by_ref() {
                if n == c {
                    end = i;
                    break;
                }
            }
            tokens.push(Token::Str(&text[start..end.max(start)]));
        } else if !c.is_whitespace() {
            tokens.push(Token::Punct(c));
        }
    }
    tokens
}
