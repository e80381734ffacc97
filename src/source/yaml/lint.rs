//! Warnings for YAML that reads, but not as its writer meant: a value cut at ` #` (which starts a
//! comment: `title: Results #3` reads as `Results`), a value in curly quotes (which YAML keeps
//! as part of the text) and a key left with no value (read as empty). Each says what to write instead. Comments are left alone: a ` #` that
//! is followed by a space (`weight: 3 # first`) is taken as one.

use super::YamlError;
use super::lines::{indent, is_blank, key_and_value, opens_block_scalar, split, value_start};

/// Curly quote pairs that word processors put around a value.
const CURLY_QUOTES: [(char, char); 3] = [('“', '”'), ('‘', '’'), ('„', '“')];

/// The warnings for `text` (YAML that parses), in line order.
pub fn warnings(text: &str) -> Vec<YamlError> {
    let lines = split(text);
    let mut found = Vec::new();
    // Inside a block scalar (`key: |`): the indentation its lines are deeper than.
    let mut block_scalar: Option<usize> = None;
    for (index, line) in lines.iter().enumerate() {
        if let Some(parent) = block_scalar {
            if line.trim().is_empty() || indent(line) > parent {
                continue;
            }
            block_scalar = None;
        }
        if is_blank(line) {
            continue;
        }
        if opens_block_scalar(line) {
            block_scalar = Some(indent(line));
            continue;
        }
        let Some(at) = value_start(line) else {
            if let Some(empty) = left_empty(&lines, index) {
                found.push(empty);
            }
            continue;
        };
        let value = &line[at..];
        if value.starts_with(['"', '\'', '[', '{', '&', '*', '!']) {
            continue;
        }
        let name = key_and_value(line).map_or("this item".to_owned(), |(k, _)| format!("`{k}`"));
        if let Some(cut) = cut_at_comment(value) {
            found.push(YamlError {
                line: index + 1,
                col: line[..at + cut].chars().count() + 1,
                message: format!(
                    "{name} reads as `{}`: YAML takes ` #` and what follows as a comment, left out of the page",
                    value[..cut].trim_end()
                ),
                help: Some(format!(
                    "put the value in quotes to keep all of it: `{}`",
                    super::lines::with_value_quoted(line).unwrap_or_default()
                )),
            });
        } else if let Some((open, close)) = curly_quoted(value) {
            let inner: String = {
                let trimmed = value.trim_end();
                let mut chars = trimmed.chars();
                chars.next();
                chars.next_back();
                chars.collect()
            };
            found.push(YamlError {
                line: index + 1,
                col: line[..at].chars().count() + 1,
                message: format!(
                    "{name} is in curly quotes ({open}…{close}), which YAML keeps as part of the text: the page will show them"
                ),
                help: Some(format!(
                    "write straight quotes instead: `{}\"{inner}\"`; if the curly quotes should show, put them inside straight ones: `{}'{}'`",
                    line[..at].trim_start(),
                    line[..at].trim_start(),
                    value.trim_end()
                )),
            });
        }
    }
    found
}

/// A `key:` at line `index` with no value and no lines under it: YAML reads it as empty (a
/// title of no words), which is rarely what its writer meant.
fn left_empty(lines: &[&str], index: usize) -> Option<YamlError> {
    let line = lines[index];
    let (key, _) = key_and_value(line)?;
    let own = indent(line);
    let next = lines[index + 1..].iter().find(|l| !is_blank(l));
    let has_lines_under = next.is_some_and(|next| {
        indent(next) > own || (indent(next) == own && next.trim_start().starts_with('-'))
    });
    if has_lines_under || line.trim_start().starts_with('-') {
        return None;
    }
    Some(YamlError {
        line: index + 1,
        col: own + 1,
        message: format!("`{key}` has no value, so it is read as empty"),
        help: Some(format!(
            "write the value after `{key}: `, or remove the line"
        )),
    })
}

/// Where ` #` starts a comment that looks like part of the text (no space after the `#`).
fn cut_at_comment(value: &str) -> Option<usize> {
    let bytes = value.as_bytes();
    (1..bytes.len()).find(|&i| {
        bytes[i] == b'#'
            && matches!(bytes[i - 1], b' ' | b'\t')
            && bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace())
    })
}

/// The curly quotes around `value`, if it starts and ends with a pair.
fn curly_quoted(value: &str) -> Option<(char, char)> {
    let trimmed = value.trim_end();
    let first = trimmed.chars().next()?;
    let last = trimmed.chars().next_back()?;
    CURLY_QUOTES
        .into_iter()
        .find(|&(open, close)| first == open && last == close && trimmed.chars().count() > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_cut_at_a_hash_or_in_curly_quotes_is_a_warning() {
        let found = warnings("title: Results #3\nweight: 3 # first\nlink: a#b\nname: “Lumen”\n");
        let places: Vec<(usize, usize)> = found.iter().map(|w| (w.line, w.col)).collect();
        assert_eq!(places, [(1, 16), (4, 7)], "{found:?}");
        assert_eq!(
            found[0].help.as_deref(),
            Some("put the value in quotes to keep all of it: `title: \"Results #3\"`")
        );
    }

    #[test]
    fn a_key_left_empty_is_a_warning_unless_lines_follow_under_it() {
        let text =
            "title:\ntaxonomies:\n  tags: [a]\nlist:\n- a\nsub:\n  # note\n\n  deep: 1\nlast:";
        let lines: Vec<usize> = warnings(text).iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 10]);
        assert_eq!(
            warnings("title:\n")[0].message,
            "`title` has no value, so it is read as empty"
        );
    }

    #[test]
    fn quoted_values_and_block_text_are_left_alone() {
        let text =
            "title: \"Results #3\"\nquote: '“Lumen”'\noffer: |\n  We are #1\n  “quoted”\nnext: 1\n";
        assert_eq!(warnings(text), []);
    }
}
