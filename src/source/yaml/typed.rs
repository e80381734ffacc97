//! Every problem of a file in one run. The YAML crate stops at the first unknown key or bad
//! value; [`read_all`] records it, blanks the entry it is in (the line and the lines nested under
//! it, so that every other line keeps its number) and reads the text again, until it reads or a
//! problem cannot be set aside. A key set aside this way is not reported again as missing.
//!
//! Also here: the hints that need the text around a typed problem: a key written twice, and a
//! key that is unknown where it is but known one level deeper (`tags:` not indented under
//! `taxonomies:`), checked by reading the text again with the line indented.

use super::lines::{indent, is_blank, key_and_value, previous_content, split};
use super::{YamlError, convert};

/// The most problems reported for one file: past them, the file is likely not what it should be.
const MOST_PROBLEMS: usize = 30;

/// Reads `text` with `attempt` (the typed reading), collecting every problem.
pub(super) fn read_all<T>(
    text: &str,
    attempt: impl Fn(&str) -> Result<T, serde_yaml::Error>,
) -> Result<T, Vec<YamlError>> {
    let reparse = |t: &str| attempt(t).err();
    let mut current = text.to_owned();
    let mut problems: Vec<YamlError> = Vec::new();
    let mut set_aside: Vec<String> = Vec::new();
    for _ in 0..2 * MOST_PROBLEMS {
        if problems.len() == MOST_PROBLEMS {
            break;
        }
        let error = match attempt(&current) {
            Ok(value) if problems.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(error) => error,
        };
        let problem = convert(&error, &current, &reparse);
        let is_syntax = super::syntax::parser_report(&error.to_string()).is_some();
        if is_syntax && !problems.is_empty() {
            // Setting an entry aside made text YAML cannot read: what was found stands.
            break;
        }
        let missing = problem.message.contains("missing required key `");
        let follow_on = missing
            && set_aside
                .iter()
                .any(|key| problem.message.ends_with(&format!("`{key}`")));
        if problems.contains(&problem) {
            break;
        }
        let line = problem.line;
        // A misspelt key (`tecnologies`) leaves the key it was meant to be missing.
        let meant = problem.help.as_deref().and_then(|help| {
            let name = help.strip_prefix("did you mean `")?.strip_suffix("`?")?;
            Some(name.to_owned())
        });
        set_aside.extend(meant.filter(|_| problem.message.contains("unknown key `")));
        if !follow_on {
            problems.push(problem);
        }
        if is_syntax {
            break;
        }
        let next = if missing {
            set_aside_item(&current, line)
        } else {
            set_aside_entry(&current, line)
        };
        match next {
            Some((text, key)) => {
                current = text;
                set_aside.push(key);
            }
            None => break,
        }
    }
    Err(problems)
}

/// `text` with the entry at `line` (1-based) blanked: its key line and the lines nested under
/// it; for a value inside a list, the key that holds the list. Also the key's name.
fn set_aside_entry(text: &str, line: usize) -> Option<(String, String)> {
    let mut lines = split(text);
    let mut index = line.checked_sub(1).filter(|&i| i < lines.len())?;
    while key_and_value(lines[index]).is_none() {
        let own = indent(lines[index]);
        index = (0..index)
            .rev()
            .find(|&i| !is_blank(lines[i]) && indent(lines[i]) < own)?;
    }
    let (key, value_at) = key_and_value(lines[index])?;
    let key = key.to_owned();
    let key_column = value_at - lines[index][..value_at].trim_start().len();
    let key_column = lines[index][key_column..]
        .find(key.as_str())
        .map_or(key_column, |k| key_column + k);
    let has_value = !lines[index][value_at..].trim().is_empty();
    let mut end = index + 1;
    while end < lines.len()
        && (is_blank(lines[end])
            || indent(lines[end]) > key_column
            || (!has_value
                && indent(lines[end]) == key_column
                && lines[end].trim_start().starts_with('-')))
    {
        end += 1;
    }
    // A list item's first key keeps its `-`, so the rest of the item stays an item.
    let dash = lines[index][..key_column].trim_end().to_owned();
    let first = if dash.trim_start().starts_with('-') {
        dash
    } else {
        String::new()
    };
    let mut out: Vec<String> = lines.drain(..).map(str::to_owned).collect();
    out[index] = first;
    for line in &mut out[index + 1..end] {
        line.clear();
    }
    let blanked = out.join("\n");
    (blanked != text).then_some((blanked, key))
}

/// `text` with the list item that holds `line` (1-based) blanked, for a problem of the item as a
/// whole (a missing key). `None` outside a list.
fn set_aside_item(text: &str, line: usize) -> Option<(String, String)> {
    let lines = split(text);
    let index = line.checked_sub(1).filter(|&i| i < lines.len())?;
    let start = (0..=index)
        .rev()
        .find(|&i| lines[i].trim_start().starts_with("- "))?;
    let item_indent = indent(lines[start]);
    let mut end = start + 1;
    while end < lines.len() && (is_blank(lines[end]) || indent(lines[end]) > item_indent) {
        end += 1;
    }
    let out: Vec<&str> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| if (start..end).contains(&i) { "" } else { line })
        .collect();
    let blanked = out.join("\n");
    (blanked != text).then_some((blanked, String::new()))
}

/// "duplicate field `x`" (or "duplicate entry with key \"x\""): the second `x:` of the text,
/// with the line of the first.
pub(super) fn duplicate_key(text: &str, message: &str) -> Option<YamlError> {
    let key = message
        .split_once("duplicate field `")
        .and_then(|(_, rest)| rest.split('`').next())
        .or_else(|| {
            message
                .split_once("duplicate entry with key \"")
                .and_then(|(_, rest)| rest.split('"').next())
        })?;
    let lines = split(text);
    let places: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| key_and_value(line).is_some_and(|(k, _)| k == key))
        .map(|(i, line)| (i, indent(line.trim_start_matches("- "))))
        .collect();
    let (first, second) = places.iter().enumerate().find_map(|(n, &(i, level))| {
        places[n + 1..]
            .iter()
            .find(|&&(_, other)| other == level)
            .map(|&(j, _)| (i, j))
    })?;
    let line = lines[second];
    Some(YamlError {
        line: second + 1,
        col: line.find(key).map_or(1, |c| line[..c].chars().count() + 1),
        message: format!("`{key}` is written twice (first on line {})", first + 1),
        help: Some(format!(
            "keep one of the two `{key}:` lines and remove the other"
        )),
    })
}

/// For an unknown key at `line` (1-based) whose line follows `parent:` (a key with nothing after
/// it) at the same indentation: the error that says to indent it, when the text reads past
/// those lines once they are indented by two spaces under `parent:`.
pub(super) fn belongs_under(
    text: &str,
    line: usize,
    key: &str,
    reparse: super::Reparse,
) -> Option<YamlError> {
    let lines = split(text);
    let index = line.checked_sub(1).filter(|&i| i < lines.len())?;
    let own = indent(lines[index]);
    let (above, above_indent) = previous_content(&lines, index)?;
    let (parent, value_at) = key_and_value(lines[above])?;
    if above_indent != own || !lines[above][value_at..].trim().is_empty() {
        return None;
    }
    let mut end = index + 1;
    while end < lines.len() && (is_blank(lines[end]) || indent(lines[end]) > own) {
        end += 1;
    }
    let indented: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if (index..end).contains(&i) && !l.is_empty() {
                format!("  {l}")
            } else {
                (*l).to_owned()
            }
        })
        .collect();
    // Indented, the lines must read: the text reads, or its first problem lies after them.
    let reads_past = match reparse(&indented.join("\n")) {
        None => true,
        Some(error) => error.location().is_some_and(|l| l.line() > end),
    };
    if !reads_past {
        return None;
    }
    Some(YamlError {
        line,
        col: own + 1,
        message: format!(
            "`{key}` is not a key at this level; it belongs under `{parent}:` on line {}",
            above + 1
        ),
        help: Some(format!(
            "indent this line under `{parent}:`: add two spaces at its start (and at the start of the lines under it)"
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_set_aside_with_the_lines_under_it() {
        let text = "a: 1\nlist:\n  - x\n  - y\nb: 2\n";
        let (out, key) = set_aside_entry(text, 3).unwrap();
        assert_eq!((out.as_str(), key.as_str()), ("a: 1\n\n\n\nb: 2\n", "list"));
        let items = "- id: a\n  n: x\n- id: b\n  n: 2\n";
        let (out, key) = set_aside_entry(items, 1).unwrap();
        assert_eq!(
            (out.as_str(), key.as_str()),
            ("-\n  n: x\n- id: b\n  n: 2\n", "id")
        );
        let (out, _) = set_aside_item(items, 1).unwrap();
        assert_eq!(out, "\n\n- id: b\n  n: 2\n");
    }
}
