//! The shape of YAML lines as a person reads them: indentation, where a key ends and its value
//! starts, quotes left open, block scalars (`|`, `>`). Plain-words errors ([`super::syntax`]) and
//! warnings ([`super::lint`]) read the text with these, never with the YAML crate.

/// The lines of `text` as diagnostics number them (split at `\n`, a final `\r` dropped).
pub(super) fn split(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect()
}

/// The 1-based line and column, on the lines of [`split`], of a place the YAML parser names by
/// its own line and column (it also ends a line at a lone `\r`).
pub(super) fn from_parser_place(text: &str, line: usize, col: usize) -> (usize, usize) {
    let (mut at_line, mut at_col) = (1, 1);
    let mut chars = text.char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        if (at_line, at_col) == (line, col) {
            return crate::diagnostics::line_col(text, offset);
        }
        match c {
            '\r' if chars.peek().is_some_and(|&(_, next)| next == '\n') => {}
            '\r' | '\n' => (at_line, at_col) = (at_line + 1, 1),
            _ => at_col += 1,
        }
    }
    crate::diagnostics::line_col(text, text.len())
}

/// How many spaces (and tabs) start `line`.
pub(super) fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Whether `line` holds nothing YAML reads: blank, or a comment.
pub(super) fn is_blank(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// A `key: value` line: the key, and the byte offset where its value starts (the line's end
/// when it has none). A list item's key counts too (`- id: x`).
pub(super) fn key_and_value(line: &str) -> Option<(&str, usize)> {
    let mut at = indent(line);
    while line[at..].starts_with("- ") {
        at += 2 + indent(&line[at + 2..]);
    }
    let rest = &line[at..];
    if rest.starts_with(['"', '\'', '[', '{', '#', '-', '?', '|', '>']) {
        return None;
    }
    let colon = rest
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| rest[i + 1..].is_empty() || rest[i + 1..].starts_with([' ', '\t']))?;
    let key = rest[..colon].trim_end();
    if key.is_empty() || key.contains(" #") {
        return None;
    }
    let value = &rest[colon + 1..];
    let value_at = at + colon + 1 + (value.len() - value.trim_start().len());
    Some((key, value_at))
}

/// Where the value of a line starts: after `key: ` or after `- ` (or `None` when there is none).
pub(super) fn value_start(line: &str) -> Option<usize> {
    let at = match key_and_value(line) {
        Some((_, at)) => at,
        None => {
            let at = indent(line);
            let rest = line[at..].strip_prefix("- ")?;
            line.len() - rest.trim_start().len()
        }
    };
    (at < line.len()).then_some(at)
}

/// If the value of `line` opens a quote that the line does not close: the byte offset of the
/// quote.
pub(super) fn unclosed_quote(line: &str) -> Option<usize> {
    let at = value_start(line)?;
    let quote = line[at..]
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')?;
    let rest = &line.as_bytes()[at + 1..];
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b'\\' if quote == '"' => i += 1,
            b'\'' if quote == '\'' && rest.get(i + 1) == Some(&b'\'') => i += 1,
            b if b == quote as u8 => return None,
            _ => {}
        }
        i += 1;
    }
    Some(at)
}

/// Whether the value of `line` starts a block scalar (`key: |`, `- >-`...): its text follows
/// on the next lines, indented more than the line.
pub(super) fn opens_block_scalar(line: &str) -> bool {
    value_start(line).is_some_and(|at| {
        let value = line[at..].split(" #").next().unwrap_or_default().trim_end();
        value.starts_with(['|', '>'])
            && value[1..]
                .chars()
                .all(|c| c == '-' || c == '+' || c.is_ascii_digit())
    })
}

/// The nearest line before `index` (0-based) that YAML reads, with its index.
pub(super) fn previous_content(lines: &[&str], index: usize) -> Option<(usize, usize)> {
    (0..index.min(lines.len()))
        .rev()
        .find(|&i| !is_blank(lines[i]))
        .map(|i| (i, indent(lines[i])))
}

/// The block scalar (`key: |`) whose text ends before line `index` (0-based): the index of its
/// `key: |` line, when every line between that one and `index` belongs to its text.
pub(super) fn block_scalar_before(lines: &[&str], index: usize) -> Option<usize> {
    let index = index.min(lines.len());
    let opener = (0..index)
        .rev()
        .find(|&i| !is_blank(lines[i]) && indent(lines[i]) <= indent_of(lines, index))?;
    if !opens_block_scalar(lines[opener]) {
        return None;
    }
    let key_indent = indent(lines[opener]);
    let inside = lines[opener + 1..index]
        .iter()
        .all(|line| line.trim().is_empty() || indent(line) > key_indent);
    inside.then_some(opener)
}

fn indent_of(lines: &[&str], index: usize) -> usize {
    lines.get(index).map_or(0, |line| indent(line))
}

/// `line` with its value in double quotes (`title: "Results: the best"`), for a help.
pub(super) fn with_value_quoted(line: &str) -> Option<String> {
    let at = value_start(line)?;
    let value = line[at..].trim_end();
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    Some(
        format!("{}\"{escaped}\"", &line[..at])
            .trim_start()
            .to_owned(),
    )
}

/// A line that YAML reads as a mapping because of `: ` in its value (`- Lasers: fibre`,
/// `title: Results: 3`), with the whole value in double quotes, for a help.
pub(super) fn with_whole_value_quoted(line: &str) -> Option<String> {
    let at = indent(line);
    match line[at..].strip_prefix("- ") {
        Some(item) if item.contains(": ") => {
            let escaped = item.trim().replace('\\', "\\\\").replace('"', "\\\"");
            Some(format!("- \"{escaped}\""))
        }
        Some(_) => None,
        None => {
            let (_, value_at) = key_and_value(line)?;
            line[value_at..]
                .contains(": ")
                .then(|| with_value_quoted(line))?
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_values_and_quotes_are_read_as_people_write_them() {
        assert_eq!(key_and_value("title: Results #3"), Some(("title", 7)));
        assert_eq!(key_and_value("  - id: x"), Some(("id", 8)));
        assert_eq!(key_and_value("taxonomies:"), Some(("taxonomies", 11)));
        assert_eq!(key_and_value("- just text"), None);
        assert_eq!(value_start("- just text"), Some(2));
        assert_eq!(unclosed_quote("title: \"Hello"), Some(7));
        assert_eq!(unclosed_quote("title: \"Hello \\\" there\""), None);
        assert_eq!(unclosed_quote("title: 'It''s'"), None);
        assert_eq!(unclosed_quote("title: It's"), None);
        assert!(opens_block_scalar("offer: |") && opens_block_scalar("- >-"));
        assert!(!opens_block_scalar("offer: a | b"));
        assert_eq!(
            with_value_quoted("  title: Say \"hi\": now").as_deref(),
            Some("title: \"Say \\\"hi\\\": now\"")
        );
    }

    #[test]
    fn parser_places_count_a_lone_carriage_return_as_a_line_end() {
        assert_eq!(from_parser_place("a: 1\rb: [\n", 2, 4), (1, 9));
        assert_eq!(from_parser_place("a: 1\r\nb: [\n", 2, 4), (2, 4));
        assert_eq!(from_parser_place("a", 9, 9), (1, 2));
    }

    #[test]
    fn a_line_less_indented_than_a_block_scalar_ends_it() {
        let lines = split("name: a\noffer: |\n  We make lasers.\n\n- one\n");
        assert_eq!(block_scalar_before(&lines, 4), Some(1));
        let lines = split("name: a\nlist:\n  - b\n- one\n");
        assert_eq!(block_scalar_before(&lines, 3), None);
    }
}
