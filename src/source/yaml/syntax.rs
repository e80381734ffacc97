//! YAML that cannot be parsed, in plain words. The YAML parser says where it gave up and what
//! it was reading ("did not find expected key ... while parsing a block mapping"); the mistake is
//! often elsewhere: a quote opened lines before, a list that ended a block of text, a line
//! indented by one space too many. This module reads the text around the parser's position to
//! find the line of the mistake, and says what is wrong there and what to write instead.

use super::YamlError;
use super::lines::{
    block_scalar_before, from_parser_place, indent, key_and_value, previous_content, split,
    unclosed_quote, value_start, with_value_quoted,
};

/// What the YAML parser reported, read from its message: the problem, and the construct it was
/// reading when it met it, with the 1-based line and column where that construct started.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ParserReport<'m> {
    pub problem: &'m str,
    pub context: Option<(&'m str, usize, usize)>,
}

/// The problems the YAML parser reports (as opposed to those of the typed reading after it).
const PARSER_PROBLEMS: [&str; 8] = [
    "did not find expected",
    "could not find expected",
    "found ",
    "mapping values are not allowed",
    "block sequence entries are not allowed",
    "unknown anchor",
    "control characters are not allowed",
    "while ",
];

/// Reads a message of the YAML crate as a parser report; `None` for other errors.
pub(super) fn parser_report(message: &str) -> Option<ParserReport<'_>> {
    let (head, context) = match message.split_once(", while ") {
        Some((head, context)) => (head, Some(context)),
        None => (message, None),
    };
    let problem = head.split(" at line ").next().unwrap_or(head);
    if !PARSER_PROBLEMS.iter().any(|p| problem.starts_with(p)) {
        return None;
    }
    // The crate leaves out the place of a construct that starts at line 1, column 1.
    let context = context.map(|context| {
        let place = context.rsplit_once(" at line ").and_then(|(what, place)| {
            let (line, col) = place.split_once(" column ")?;
            Some((what, line.trim().parse().ok()?, col.trim().parse().ok()?))
        });
        place.unwrap_or((context, 1, 1))
    });
    Some(ParserReport { problem, context })
}

/// The error a person can act on for a parser report at `(line, col)` of `text`.
pub(super) fn explain(text: &str, report: &ParserReport, (line, col): (usize, usize)) -> YamlError {
    let lines = split(text);
    let index = line.saturating_sub(1).min(lines.len().saturating_sub(1));
    let context = report
        .context
        .map(|(what, l, c)| (what, from_parser_place(text, l, c)));
    let context_index = context.map(|(_, (l, _))| l - 1);
    if let Some(error) = tab_in_indentation(&lines, context_index.unwrap_or(index), index) {
        return error;
    }
    let first_of_scan = context_index.unwrap_or(0).min(index);
    if let Some(error) = quote_never_closed(&lines, first_of_scan, index) {
        return error;
    }
    let problem = report.problem;
    let context = context.map(|(what, (l, c))| (what, l - 1, c));
    let explained = if problem.starts_with("did not find expected ',' or") {
        context.map(|(_, at, c)| unclosed_bracket(&lines, at, c, problem))
    } else if problem.starts_with("mapping values are not allowed") {
        Some(colon_in_value(&lines, index, col))
    } else if problem.starts_with("did not find expected key")
        || problem.starts_with("did not find expected '-' indicator")
    {
        Some(out_of_place(&lines, index, col, context))
    } else if problem.starts_with("could not find expected ':'") {
        let at = context.map_or(index, |(_, at, _)| at);
        Some(no_colon(&lines, at))
    } else if problem.starts_with("found character that cannot start any token")
        || problem.starts_with("unknown anchor")
        || context.is_some_and(|(what, _, _)| {
            what.starts_with("scanning an anchor") || what.starts_with("scanning an alias")
        })
    {
        let at = context
            .filter(|(what, _, _)| what.starts_with("scanning an"))
            .map_or((index, col), |(_, at, c)| (at, c));
        Some(cannot_start_a_value(&lines, at))
    } else if problem.starts_with("found unknown escape character") {
        Some(unknown_escape(&lines, index, col))
    } else if problem.starts_with("block sequence entries are not allowed") {
        Some(at(&lines, index, col, "a list item cannot start on the line of its key")
            .help("put each item on a line of its own under the key, indented by two spaces:\nkey:\n  - first item\n  - second item"))
    } else {
        None
    };
    explained.unwrap_or_else(|| {
        at(&lines, index, col, format!("YAML cannot read this line ({problem})"))
            .help("check the quotes, the colons and the indentation of this line and of the line above it")
    })
}

/// An error at 0-based `index`, 1-based `col`.
fn at(lines: &[&str], index: usize, col: usize, message: impl Into<String>) -> YamlError {
    // The parser also ends lines at a lone `\r`: its line numbers can pass the last line here.
    let index = index.min(lines.len().saturating_sub(1));
    let longest = lines.get(index).map_or(0, |l| l.chars().count() + 1);
    YamlError {
        line: index + 1,
        col: col.clamp(1, longest.max(1)),
        message: message.into(),
        help: None,
    }
}

impl YamlError {
    fn help(mut self, help: impl Into<String>) -> YamlError {
        self.help = Some(help.into());
        self
    }
}

/// The 1-based column of byte offset `at` of `line`.
fn column(line: &str, at: usize) -> usize {
    line[..at.min(line.len())].chars().count() + 1
}

/// A tab in the indentation of a line from `first` to `last` (0-based): YAML indents with spaces.
fn tab_in_indentation(lines: &[&str], first: usize, last: usize) -> Option<YamlError> {
    let index = (first.min(last)..=last)
        .rev()
        .find(|&i| lines.get(i).is_some_and(|l| l[..indent(l)].contains('\t')))?;
    let line = lines[index];
    let tab = line.find('\t').unwrap_or(0);
    let message = if tab == 0 {
        "this line starts with a tab; YAML needs spaces here"
    } else {
        "the indentation of this line holds a tab; YAML needs spaces here"
    };
    Some(at(lines, index, column(line, tab), message).help(
        "Replace the tab with two spaces (the tab is shown as `→`; most editors can show tabs or \
         turn them into spaces)",
    ))
}

/// A quoted value opened on a line from `first` to `last` (0-based) and not closed on it: the
/// parser read on past it, and gave up later.
fn quote_never_closed(lines: &[&str], first: usize, last: usize) -> Option<YamlError> {
    let last = last.min(lines.len().saturating_sub(1));
    let (index, quote) = (first..=last)
        .filter_map(|i| unclosed_quote(lines[i]).map(|q| (i, q)))
        .find(|&(i, q)| !closes_at_a_line_end(lines, i, q, last))?;
    let line = lines[index];
    let mark = &line[quote..quote + 1];
    let number = index + 1;
    Some(
        at(
            lines,
            index,
            column(line, quote),
            format!("the quote opened on line {number} is never closed"),
        )
        .help(format!(
            "add `{mark}` at the end of line {number}: `{}{mark}`",
            line.trim()
        )),
    )
}

/// Whether the quote opened at byte `quote` of line `index` closes, before line `last`, at the
/// end of a line: a value written on several lines on purpose. A quote that closes in the middle
/// of a line (`weight: "3"` after `title: "Hello`) was never meant to.
fn closes_at_a_line_end(lines: &[&str], index: usize, quote: usize, last: usize) -> bool {
    let mark = lines[index].as_bytes()[quote];
    for line in lines.get(index + 1..last).unwrap_or_default() {
        let bytes = line.as_bytes();
        let close = (0..bytes.len())
            .find(|&i| bytes[i] == mark && (mark != b'"' || i == 0 || bytes[i - 1] != b'\\'));
        if let Some(close) = close {
            let after = line[close + 1..].trim();
            return after.is_empty() || after.starts_with('#');
        }
    }
    false
}

/// A `[` or `{` opened at 0-based `index`, 1-based `col` whose list goes wrong after it.
fn unclosed_bracket(lines: &[&str], index: usize, col: usize, problem: &str) -> YamlError {
    let (open, close) = if problem.ends_with("'}'") {
        ('{', '}')
    } else {
        ('[', ']')
    };
    let line = lines.get(index).copied().unwrap_or_default();
    let number = index + 1;
    let closed_on_its_line = line.chars().skip(col).any(|c| c == close);
    if closed_on_its_line {
        return at(
            lines,
            index,
            col,
            format!("the `{open}` on line {number} holds something YAML cannot read as an item"),
        )
        .help(format!(
            "separate the items with `, ` and put an item that holds `,`, `{open}`, `{close}` or \
             `: ` in quotes: `{open}\"first, with a comma\", second{close}`"
        ));
    }
    at(
        lines,
        index,
        col,
        format!("the `{open}` opened on line {number} is never closed"),
    )
    .help(format!(
        "add `{close}` at the end of line {number}: `{}{close}`",
        line.trim()
    ))
}

/// "mapping values are not allowed": a `: ` inside a value, or a line indented under a value.
fn colon_in_value(lines: &[&str], index: usize, col: usize) -> YamlError {
    let line = lines.get(index).copied().unwrap_or_default();
    let key_value = key_and_value(line);
    let colon_at = line
        .char_indices()
        .nth(col.saturating_sub(1))
        .map(|(i, _)| i);
    if let (Some((key, value_at)), Some(colon_at)) = (key_value, colon_at)
        && colon_at >= value_at
    {
        let fixed = with_value_quoted(line).unwrap_or_default();
        return at(
            lines,
            index,
            col,
            format!("the value of `{key}` holds `: `, which YAML reads as the start of a new key"),
        )
        .help(format!("put the value in quotes: `{fixed}`"));
    }
    if let Some((above, above_indent)) = previous_content(lines, index)
        && above_indent < indent(line)
    {
        let spaces = indent(line) - above_indent;
        let (name, _) = key_and_value(lines[above]).unwrap_or((lines[above].trim(), 0));
        return at(
            lines,
            index,
            indent(line) + 1,
            format!(
                "this line is indented more than `{name}` on line {}, so YAML reads it as part of that value",
                above + 1
            ),
        )
        .help(format!(
            "remove {spaces} space{} at the start of this line to line it up with `{name}`",
            if spaces == 1 { "" } else { "s" }
        ));
    }
    at(
        lines,
        index,
        col,
        "YAML reads `: ` here as the start of a key, where no key can start",
    )
    .help(format!(
        "if `: ` is part of the text, put the value in quotes: `{}`",
        with_value_quoted(line).unwrap_or_else(|| format!("\"{}\"", line.trim()))
    ))
}

/// "did not find expected key" or "... '-' indicator": a line that does not belong where it is.
fn out_of_place(
    lines: &[&str],
    index: usize,
    col: usize,
    context: Option<(&str, usize, usize)>,
) -> YamlError {
    let line = lines.get(index).copied().unwrap_or_default();
    let own_indent = indent(line);
    let is_item = line.trim_start().starts_with("- ") || line.trim() == "-";
    if col > own_indent + 1 {
        return text_after_value(lines, index, col);
    }
    if let Some(opener) = block_scalar_before(lines, index) {
        let (key, _) = key_and_value(lines[opener]).unwrap_or(("the text", 0));
        let text_indent = lines[opener + 1..index]
            .iter()
            .find(|l| !l.trim().is_empty())
            .map_or(indent(lines[opener]) + 2, |l| indent(l));
        return at(
            lines,
            index,
            own_indent + 1,
            format!(
                "this line is not indented, so it ends the text of `{key}` (line {}), and YAML expects a key here",
                opener + 1
            ),
        )
        .help(format!(
            "to keep it in `{key}`, indent it (and the lines after it that belong to `{key}`) by {text_indent} spaces, like the text above it"
        ));
    }
    if let Some((above, above_indent)) = previous_content(lines, index).filter(|&(i, level)| {
        is_item && level != own_indent && lines[i].trim_start().starts_with("- ")
    }) {
        return at(
            lines,
            index,
            own_indent + 1,
            format!(
                "this item is indented by {own_indent} space{}, but the item above it (line {}) by {above_indent}",
                plural(own_indent),
                above + 1
            ),
        )
        .help(format!(
            "start the line with {above_indent} space{} so that its `-` lines up with the `-` above",
            plural(above_indent)
        ));
    }
    // The block the parser was reading: its first line gives the indentation its lines need.
    let block_indent = context.map(|(_, at, c)| (at, c.saturating_sub(1)));
    if let Some((block_line, expected)) = block_indent.filter(|&(_, c)| c != own_indent) {
        let what = if is_item { "the items" } else { "the keys" };
        return at(
            lines,
            index,
            own_indent + 1,
            format!(
                "this line is indented by {own_indent} space{}, but {what} above it (from line {}) by {expected}",
                plural(own_indent),
                block_line + 1
            ),
        )
        .help(if expected == 0 {
            format!("remove the spaces at the start of this line, so that it lines up with {what} above it")
        } else {
            format!(
                "start the line with {expected} space{} instead, so that it lines up with {what} above it",
                plural(expected)
            )
        });
    }
    if is_item {
        return at(
            lines,
            index,
            own_indent + 1,
            "a list item (`- `) where YAML expects a key (`name: value`)",
        )
        .help(
            "a list belongs under its key: write the key on the line above it, then each item \
             indented by two spaces:\nsectors:\n  - Lasers\n  - Optics",
        );
    }
    if context.is_some_and(|(what, _, _)| what.contains("block collection")) {
        return at(
            lines,
            index,
            own_indent + 1,
            "this line is inside a list, but it is not a list item (`- `)",
        )
        .help("start it with `- ` to add an item, or indent it less to end the list");
    }
    at(
        lines,
        index,
        own_indent + 1,
        "YAML expects a key (`name: value`) here",
    )
    .help("check the indentation of this line and that the line above it is complete")
}

/// Something after a value on its line: text after a closing quote, or a second value.
fn text_after_value(lines: &[&str], index: usize, col: usize) -> YamlError {
    let line = lines.get(index).copied().unwrap_or_default();
    let quoted = value_start(line).filter(|&v| line[v..].starts_with(['"', '\'']));
    match quoted {
        Some(v) => {
            let quote = &line[v..v + 1];
            at(
                lines,
                index,
                col,
                "there is text after the closing quote of this value",
            )
            .help(format!(
                "put all of the value inside the quotes (`{quote}` at its start and at its end only); inside double quotes write `\\\"` for a quote that is part of the text"
            ))
        }
        None => at(
            lines,
            index,
            col,
            "YAML cannot read the rest of this line after the value",
        )
        .help("put the value in quotes, or move what follows it to a line of its own"),
    }
}

/// "could not find expected ':'": a line that is neither `key: value` nor part of a value.
fn no_colon(lines: &[&str], index: usize) -> YamlError {
    let line = lines.get(index).copied().unwrap_or_default();
    let own_indent = indent(line);
    if let Some(opener) = block_scalar_before(lines, index) {
        let (key, _) = key_and_value(lines[opener]).unwrap_or(("the text", 0));
        return at(
            lines,
            index,
            own_indent + 1,
            format!(
                "this line is text of `{key}` (line {}), but it is not indented under it",
                opener + 1
            ),
        )
        .help(format!(
            "indent the text of `{key}` by two spaces more than the line `{key}:`"
        ));
    }
    let word = line.trim();
    at(
        lines,
        index,
        own_indent + 1,
        format!("`{word}` has no `:` after it, so YAML cannot tell the key from the value"),
    )
    .help(format!(
        "write it as `key: value` (for example `{}: ...`), or remove the line if it is left over",
        word.split_whitespace().next().unwrap_or(word)
    ))
}

/// A value that starts with a character YAML keeps for itself (`@`, `` ` ``, `%`, `*`, `&`, `!`).
fn cannot_start_a_value(lines: &[&str], (index, col): (usize, usize)) -> YamlError {
    let line = lines.get(index).copied().unwrap_or_default();
    let mark = match line.chars().nth(col.saturating_sub(1)).unwrap_or(' ') {
        '`' => "a backtick (`)".to_owned(),
        mark => format!("`{mark}`"),
    };
    let fixed = with_value_quoted(line).unwrap_or_else(|| format!("\"{}\"", line.trim()));
    at(
        lines,
        index,
        col,
        format!("a value cannot start with {mark} in YAML unless it is in quotes"),
    )
    .help(format!("put the value in quotes: `{fixed}`"))
}

/// A backslash in double quotes that YAML does not know.
fn unknown_escape(lines: &[&str], index: usize, col: usize) -> YamlError {
    let line = lines.get(index).copied().unwrap_or_default();
    let escape: String = line.chars().skip(col.saturating_sub(1)).take(2).collect();
    at(
        lines,
        index,
        col,
        format!("`{escape}` is not allowed in double quotes: a backslash there starts an escape such as `\\n`"),
    )
    .help("write `\\\\` for a backslash, or put the value in single quotes ('...'), where a backslash is plain text")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Page {
        title: String,
        #[serde(default)]
        offer: Option<String>,
        #[serde(default)]
        taxonomies: Option<Taxonomies>,
        #[serde(default)]
        list: Option<Vec<String>>,
        #[serde(default)]
        weight: Option<i64>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Taxonomies {
        #[serde(default)]
        tags: Vec<String>,
    }

    /// Each mistake an editor makes, and what they are told: the line and column of the mistake
    /// itself, and the message (helps are checked in the fixtures' snapshots).
    #[test]
    fn every_parser_error_is_told_in_plain_words_at_the_line_of_the_mistake() {
        let cases = [
            ("tab", "title: a\n\tweight: 3\n"),
            ("tab-in-list", "title: a\nlist:\n\t- x\n"),
            ("tab-after-space", "title: a\nlist:\n  \t- x\n"),
            (
                "offer-list",
                "title: a\noffer: |\n  We make lasers.\n- item one\n- item two\n",
            ),
            ("tags-unindented", "title: a\ntaxonomies:\ntags: [a]\n"),
            (
                "unclosed-quote",
                "title: \"Hello\nweight: 3\nlist:\n  - a\n",
            ),
            (
                "unclosed-quote-closed-later",
                "title: \"Hello\nweight: \"3\"\n",
            ),
            ("unclosed-quote-last", "weight: 3\ntitle: \"Hello\n"),
            ("unclosed-single", "title: 'Hello\nweight: 3\n"),
            ("unclosed-bracket", "title: a\nlist: [a, b\nweight: 3\n"),
            (
                "unclosed-brace",
                "title: a\ntaxonomies: {tags: [a]\nweight: 3\n",
            ),
            ("colon", "title: Results: the best\nweight: 3\n"),
            ("nokeyvalue", "title: a\nweight\n"),
            ("dup", "title: a\ntitle: b\n"),
            ("listitem", "title: a\n- b\n"),
            ("listitem2", "title: a\nlist:\n  - b\n  c: d\n"),
            ("badindent", "title: a\ntaxonomies:\n  tags: [a]\n   x: 1\n"),
            ("badindent2", "title: a\n  weight: 3\n"),
            ("badindent3", "title: a\nlist:\n  - a\n - b\n"),
            ("backtick", "title: `code`\n"),
            ("at", "title: @home\n"),
            ("escape", "title: \"a \\q b\"\n"),
            ("quote-then-text", "title: \"Hello\" world\n"),
            ("star", "title: *x\n"),
            ("ampersand", "title: & x\n"),
            ("pipe-badindent", "title: a\noffer: |\nWe make\n"),
            ("seq-on-key", "title: a\nlist: - a\n"),
            ("unknown-after-empty-key", "title: a\nlist:\nwieght: 3\n"),
            (
                "quote-on-two-lines",
                "offer: \"A long\n  text\"\ntitle: Results: best\n",
            ),
            (
                "three",
                "title: a\nwieght: 3\nlist: x\ntaxonomies:\n  tag: [a]\n",
            ),
        ];
        let expected = "\
            tab 2:1 this line starts with a tab; YAML needs spaces here\n\
            tab-in-list 3:1 this line starts with a tab; YAML needs spaces here\n\
            tab-after-space 3:3 the indentation of this line holds a tab; YAML needs spaces here\n\
            offer-list 4:1 this line is not indented, so it ends the text of `offer` (line 2), and YAML expects a key here\n\
            tags-unindented 3:1 `tags` is not a key at this level; it belongs under `taxonomies:` on line 2\n\
            unclosed-quote 1:8 the quote opened on line 1 is never closed\n\
            unclosed-quote-closed-later 1:8 the quote opened on line 1 is never closed\n\
            unclosed-quote-last 2:8 the quote opened on line 2 is never closed\n\
            unclosed-single 1:8 the quote opened on line 1 is never closed\n\
            unclosed-bracket 2:7 the `[` opened on line 2 is never closed\n\
            unclosed-brace 2:13 the `{` opened on line 2 is never closed\n\
            colon 1:15 the value of `title` holds `: `, which YAML reads as the start of a new key\n\
            nokeyvalue 2:1 `weight` has no `:` after it, so YAML cannot tell the key from the value\n\
            dup 2:1 `title` is written twice (first on line 1)\n\
            listitem 2:1 a list item (`- `) where YAML expects a key (`name: value`)\n\
            listitem2 4:3 this line is inside a list, but it is not a list item (`- `)\n\
            badindent 4:4 this line is indented by 3 spaces, but the keys above it (from line 3) by 2\n\
            badindent2 2:3 this line is indented more than `title` on line 1, so YAML reads it as part of that value\n\
            badindent3 4:2 this item is indented by 1 space, but the item above it (line 3) by 2\n\
            backtick 1:8 a value cannot start with a backtick (`) in YAML unless it is in quotes\n\
            at 1:8 a value cannot start with `@` in YAML unless it is in quotes\n\
            escape 1:11 `\\q` is not allowed in double quotes: a backslash there starts an escape such as `\\n`\n\
            quote-then-text 1:16 there is text after the closing quote of this value\n\
            star 1:8 a value cannot start with `*` in YAML unless it is in quotes\n\
            ampersand 1:8 a value cannot start with `&` in YAML unless it is in quotes\n\
            pipe-badindent 3:1 this line is text of `offer` (line 2), but it is not indented under it\n\
            seq-on-key 2:7 a list item cannot start on the line of its key\n\
            unknown-after-empty-key 3:1 unknown key `wieght`\n\
            quote-on-two-lines 3:15 the value of `title` holds `: `, which YAML reads as the start of a new key\n\
            three 2:1 unknown key `wieght`\n\
            three 3:7 list: invalid type: string \"x\", expected a sequence\n\
            three 5:3 taxonomies: unknown key `tag`\n\
        ";
        let mut found = String::new();
        for (name, text) in cases {
            for e in parse::<Page>(text).expect_err(name) {
                found.push_str(&format!("{name} {}:{} {}\n", e.line, e.col, e.message));
            }
        }
        assert_eq!(found, expected);
    }
}
