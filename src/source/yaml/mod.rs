//! The only module that calls the YAML crate (`serde_yaml`), so that it can be swapped for a
//! fork (`serde_yaml_ng`, `serde_norway`) by editing this folder alone.
//!
//! It turns YAML text into typed values or into free-form JSON values, and turns the crate's
//! errors into [`YamlError`]s: a line and column relative to the text given, a message written
//! for people who edit YAML by hand, and what to do ("did you mean" for misspelt keys). Text
//! that is not YAML is one error at the line of the mistake ([`syntax`]); text that is YAML but
//! not what the type expects gives every problem in one run ([`typed`]); [`warnings`] finds
//! values that read otherwise than written ([`lint`]). Text nested deeper than [`MAX_DEPTH`] is
//! refused before the crate sees it ([`depth`]). [`lines`] reads the shape of lines for all of
//! them.

mod depth;
mod lines;
mod lint;
mod syntax;
mod typed;

use crate::diagnostics::Diagnostic;
pub use depth::MAX_DEPTH;
use depth::check_depth;
pub use lint::warnings;
use serde::de::DeserializeOwned;
use std::path::Path;

/// A YAML problem at a place in the text that was parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line within the parsed text.
    pub line: usize,
    /// 1-based column within the parsed text.
    pub col: usize,
    pub message: String,
    pub help: Option<String>,
}

impl YamlError {
    /// The diagnostic for this problem of `text`, the YAML of the file `path`.
    pub fn diagnostic(self, path: &Path, text: &str) -> Diagnostic {
        let mut d = Diagnostic::error_at(path, text, self.line, self.col, self.message);
        d.help = self.help;
        d
    }
}

/// The diagnostics for `problems` of `text`, the YAML of the file `path`.
pub fn diagnostics(problems: Vec<YamlError>, path: &Path, text: &str) -> Vec<Diagnostic> {
    problems
        .into_iter()
        .map(|p| p.diagnostic(path, text))
        .collect()
}

/// The [`warnings`] of `text`, the YAML of the file `path`, as diagnostics.
pub fn warning_diagnostics(path: &Path, text: &str) -> Vec<Diagnostic> {
    warnings(text)
        .into_iter()
        .map(|w| w.diagnostic(path, text).warning())
        .collect()
}

/// Parses `text` into `T`, with every problem found in it: every unknown key, bad value and
/// missing key (see [`typed`]), or the one reason why it is not YAML at all, in plain words (see
/// [`syntax`]). Empty text (or only comments) is read as an empty mapping, so that a struct whose
/// fields all have defaults accepts it.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Vec<YamlError>> {
    check_depth(text).map_err(|e| vec![e])?;
    match serde_yaml::from_str::<T>(text) {
        Ok(value) => Ok(value),
        Err(error) if is_empty_document(text) => {
            serde_yaml::from_str::<T>("{}").map_err(|_| vec![convert(&error, text, &|_| None)])
        }
        Err(_) => typed::read_all(text, |t| serde_yaml::from_str::<T>(t)),
    }
}

/// Parses `text` into a free-form JSON value (for `extra` maps and untyped data files).
pub fn parse_value(text: &str) -> Result<serde_json::Value, Vec<YamlError>> {
    if is_empty_document(text) {
        return Ok(serde_json::Value::Null);
    }
    parse(text)
}

fn is_empty_document(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .all(|line| line.is_empty() || line.starts_with('#') || line == "---")
}

/// Reads `text` again as the same type (for a hint that tries a fix): the error, if any.
type Reparse<'a> = &'a dyn Fn(&str) -> Option<serde_yaml::Error>;

/// Turns one error of the YAML crate into a [`YamlError`] on the lines of `text`.
fn convert(error: &serde_yaml::Error, text: &str, reparse: Reparse) -> YamlError {
    let (line, col) = match error.location() {
        Some(location) => place_of_char(text, location.index()),
        None => (1, 1),
    };
    let raw = error.to_string();
    if let Some(report) = syntax::parser_report(&raw) {
        return syntax::explain(text, &report, (line, col));
    }
    let mut message = raw;
    // serde_yaml appends " at line L column C"; the location is reported separately.
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    if let Some(duplicate) = typed::duplicate_key(text, &message) {
        return duplicate;
    }
    // A path prefix like "extra.title: " is useful; keep it. Then rewrite the serde phrasings
    // that confuse people who are not programmers.
    let mut help = None;
    if let Some((head, unknown, expected)) = split_unknown(&message, "unknown variant `") {
        help = Some(suggest(unknown, expected, "write one of"));
        message = format!("{head}`{unknown}` is not one of the allowed values");
    } else if let Some((head, unknown, expected)) = split_unknown(&message, "unknown field `") {
        if let Some(nested) = typed::belongs_under(text, line, unknown, reparse) {
            return nested;
        }
        help = Some(suggest(unknown, expected, "the allowed keys are"));
        message = format!("{head}unknown key `{unknown}`");
    } else if let Some(head) = ["usize", "u64", "u32"]
        .iter()
        .find_map(|t| message.strip_suffix(&format!(", expected {t}")))
    {
        message = format!("{head}, expected a whole number (0 or more)");
        help = Some("write a number such as 24, or 0 for none".to_owned());
    } else if message.contains("invalid type: map, expected")
        && let Some(fixed) = text
            .lines()
            .nth(line.saturating_sub(1))
            .and_then(lines::with_whole_value_quoted)
    {
        help = Some(format!(
            "`: ` makes YAML read this value as a key and its value; put it in quotes: `{fixed}`"
        ));
    } else if message.contains("missing field `") {
        message = message.replace("missing field", "missing required key");
        help = Some("add the key with a value".to_owned());
    }
    let (line, col) = match relocate_value(&message, text) {
        Some(place) => place,
        None if line_is_inside(text, line) => (line, col),
        None => (line, 1),
    };
    let message = quote_within_line(&message, text.lines().nth(line.saturating_sub(1)));
    YamlError {
        line: line.max(1),
        col: col.max(1),
        message,
        help,
    }
}

/// The line and column of the character at `index`, on the lines diagnostics quote (split at
/// `\n`). serde_yaml's own line also counts a lone `\r` as a break, and puts the end of the
/// text on a line after the last; its character index is the same in both.
fn place_of_char(text: &str, index: usize) -> (usize, usize) {
    let offset = text
        .char_indices()
        .nth(index)
        .map_or(text.len(), |(i, _)| i);
    crate::diagnostics::line_col(text, offset)
}

/// Checks written in pimap (dates, ids) quote the bad value first: "`2019-02-30`: ...". serde_yaml
/// places such errors at the start of the enclosing mapping; point at the value instead.
fn relocate_value(message: &str, text: &str) -> Option<(usize, usize)> {
    // Allow a path prefix such as "target_markets: " or ".[1]: " before the quoted value.
    let tick = message.find('`')?;
    if tick > 0 && !message[..tick].ends_with(": ") {
        return None;
    }
    let quoted = message[tick + 1..].split('`').next()?;
    let offset = text
        .match_indices(quoted)
        .map(|(i, _)| i)
        .find(|&i| text[..i].ends_with([' ', '"', '\'', '[', '-']))?;
    Some(crate::diagnostics::line_col(text, offset))
}

/// serde quotes the value it rejects (`invalid type: string "..."`), and a file that is not
/// YAML at all reads as one long string: the whole file. Quoted values are cut to what the
/// offending line shows (the diagnostic prints that line anyway), so an error never prints more
/// of a file than the line it points at.
fn quote_within_line(message: &str, line: Option<&str>) -> String {
    const LONGEST: usize = 80;
    let line = line.unwrap_or_default();
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('"') {
        let (before, after) = rest.split_at(open + 1);
        out.push_str(before);
        let Some(close) = closing_quote(after) else {
            rest = after;
            break;
        };
        let quoted = &after[..close];
        if quoted.chars().count() <= LONGEST && line.contains(quoted) {
            out.push_str(quoted);
        } else {
            let shown: String = quoted
                .chars()
                .zip(line.trim_start().chars())
                .take_while(|(a, b)| a == b)
                .take(LONGEST)
                .map(|(a, _)| a)
                .collect();
            out.push_str(&shown);
            out.push('…');
        }
        out.push('"');
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The index of the `"` that ends a Rust-escaped string starting at `text`.
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

fn line_is_inside(text: &str, line: usize) -> bool {
    line >= 1 && line <= text.lines().count()
}

/// "did you mean `x`?" for the closest of serde's expected names (`a`, `b` or `c`), or the list.
fn suggest(unknown: &str, expected: &str, list_intro: &str) -> String {
    let candidates: Vec<&str> = expected
        .split(", ")
        .flat_map(|s| s.split(" or "))
        .map(|s| s.trim_matches('`'))
        .filter(|s| !s.is_empty())
        .collect();
    match crate::diagnostics::did_you_mean(unknown, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("{list_intro}: {}", candidates.join(", ")),
    }
}

/// Splits "PREFIX unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
fn split_unknown<'m>(message: &'m str, phrase: &str) -> Option<(&'m str, &'m str, &'m str)> {
    let start = message.find(phrase)?;
    let rest = &message[start + phrase.len()..];
    let end = rest.find('`')?;
    let unknown = &rest[..end];
    let expected = rest[end..]
        .split_once("expected one of ")
        .or_else(|| rest[end..].split_once("expected "))
        .map_or("", |(_, e)| e);
    Some((&message[..start], unknown, expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        #[serde(default)]
        weight: i64,
    }

    #[test]
    fn a_list_item_read_as_a_key_and_value_says_to_quote_it() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Tagged {
            tags: Vec<String>,
        }
        let error = parse::<Tagged>("tags:\n  - Optics\n  - Lasers: fibre\n")
            .unwrap_err()
            .remove(0);
        assert_eq!((error.line, error.col), (3, 5));
        assert_eq!(
            error.help.as_deref(),
            Some(
                "`: ` makes YAML read this value as a key and its value; put it in quotes: `- \"Lasers: fibre\"`"
            )
        );
    }

    #[test]
    fn misspelt_key_gets_a_suggestion_and_a_place() {
        let error = parse::<Sample>("title: a\nwieght: 3\n")
            .unwrap_err()
            .remove(0);
        assert_eq!(error.message, "unknown key `wieght`");
        assert_eq!(error.help.as_deref(), Some("did you mean `weight`?"));
        assert_eq!((error.line, error.col), (2, 1));
    }

    #[test]
    fn wrong_type_points_at_the_value() {
        let error = parse::<Sample>("title: a\nweight: heavy\n")
            .unwrap_err()
            .remove(0);
        assert_eq!((error.line, error.col), (2, 9));
        assert!(
            error.message.starts_with("weight: invalid type"),
            "{}",
            error.message
        );
    }

    #[test]
    fn a_file_that_is_not_yaml_is_quoted_no_further_than_its_line() {
        let text = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/bin/sh\n";
        let error = parse::<Sample>(text).unwrap_err().remove(0);
        assert_eq!(
            error.message,
            "invalid type: string \"root:x:0:0:root:/root:/bin/bash…\", expected struct Sample"
        );
        let short = parse::<Sample>("title: a\nweight: \"heavy\"\n")
            .unwrap_err()
            .remove(0);
        assert_eq!(
            short.message,
            "weight: invalid type: string \"heavy\", expected i64"
        );
    }

    #[test]
    fn missing_key_is_named() {
        let error = parse::<Sample>("weight: 1\n").unwrap_err().remove(0);
        assert_eq!(error.message, "missing required key `title`");
    }

    #[test]
    fn a_lone_carriage_return_does_not_start_a_line() {
        // serde_yaml counts `\r` as a line break; the lines quoted to people are split at `\n`.
        let error = parse::<Sample>("title: a\r\rweight: [\n")
            .unwrap_err()
            .remove(0);
        assert_eq!(error.line, 1, "{error:?}");
        let error = parse::<Sample>("\r\r\n").unwrap_err().remove(0);
        assert_eq!((error.line, error.col), (2, 1), "{error:?}");
    }

    #[test]
    fn an_error_at_the_end_is_on_the_last_line() {
        let error = parse::<Sample>(" #").unwrap_err().remove(0);
        assert_eq!(error.message, "missing required key `title`");
        assert_eq!((error.line, error.col), (1, 3), "{error:?}");
    }

    #[test]
    fn empty_text_reads_as_empty_mapping() {
        assert_eq!(parse_value("# nothing\n").unwrap(), serde_json::Value::Null);
        assert!(parse::<Sample>("").is_err());
    }
}

/// Where a top-level `key:` is written in `text` (1-based line and the column of its value), for
/// problems found after parsing, such as a slug that clashes with another page's.
pub fn key_position(text: &str, key: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let value_offset = rest.len() - rest.trim_start().len();
        let col = key.chars().count() + 1 + value_offset + 1;
        Some((index + 1, if rest.trim().is_empty() { 1 } else { col }))
    })
}

/// Where `needle` first appears in `text` (1-based line and column), for problems in values
/// nested too deep for [`key_position`].
pub fn text_position(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.find(needle)
        .map(|offset| crate::diagnostics::line_col(text, offset))
}

#[cfg(test)]
mod position_tests {
    use super::*;

    #[test]
    fn finds_top_level_keys_and_their_values() {
        let text = "title: a\nslug:  hello\nextra:\n  slug: nested\n";
        assert_eq!(key_position(text, "slug"), Some((2, 8)));
        assert_eq!(key_position(text, "extra"), Some((3, 1)));
        assert_eq!(key_position(text, "missing"), None);
        assert_eq!(text_position(text, "nested"), Some((4, 9)));
    }
}
