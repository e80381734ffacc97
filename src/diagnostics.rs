//! Diagnostics: the one shape every problem in a site takes on its way to the user.
//!
//! Each stage turns its own errors into [`Diagnostic`]s at its boundary: a path relative to the
//! site root, a 1-based line and column, a message, an optional hint, and the offending source
//! line, captured when the diagnostic is made so that printing never reads a file. This module
//! formats them (`path:line:col: error: message`, then the source line and a caret); it never
//! prints: the command line decides where the text goes.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a site, pointing at the file, line and column that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path of the file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The text of the offending line, shown under the message.
    pub source_line: Option<String>,
    /// Further context: a cause chain, or other places that share the problem.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error about a whole file (no line).
    pub fn file_error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: 0,
            col: 0,
            message: message.into(),
            help: None,
            source_line: None,
            notes: Vec::new(),
        }
    }

    /// An error at `line:col` of `path`, whose text is `source` (used to quote the line).
    pub fn error_at(
        path: impl Into<PathBuf>,
        source: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        let source_line = if line > 0 {
            source
                .lines()
                .nth(line - 1)
                .map(|l| truncate_line(l).to_owned())
        } else {
            None
        };
        Diagnostic {
            line,
            col,
            source_line,
            ..Diagnostic::file_error(path, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> (&Path, usize, usize, Severity, &str) {
        (
            &self.path,
            self.line,
            self.col,
            self.severity,
            &self.message,
        )
    }
}

/// Quoting a 50 MB single-line file in full helps nobody.
fn truncate_line(line: &str) -> &str {
    const MAX: usize = 200;
    if line.len() <= MAX {
        return line;
    }
    let mut end = MAX;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    &line[..end]
}

/// Text as a terminal or a browser can show it: a tab as `→` (YAML refuses tabs in places where
/// they look like spaces, so the line must show them), other control characters (a
/// stray carriage return, a vertical tab from a word processor, the escape that starts a
/// terminal colour code in a file or link name) as their visible symbol (`␍`, `␋`, `␛`), one
/// character each so that a caret stays in place. Line feeds, which only messages and helps
/// hold, stay.
fn visible(line: &str) -> String {
    line.chars()
        .map(|c| match c {
            '\t' => '→',
            '\n' => '\n',
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
            '\u{7f}' => '␡',
            c => c,
        })
        .collect()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}", visible(&self.path.to_string_lossy()))?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        write!(f, ": {severity}: {}", visible(&self.message))?;
        if let Some(text) = &self.source_line {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            write!(f, "\n {number} | {}", visible(text))?;
            if self.col > 0 {
                let caret_at = text.chars().take(self.col.saturating_sub(1)).count();
                write!(f, "\n {pad} | {}^", " ".repeat(caret_at))?;
            }
        }
        for note in &self.notes {
            write!(f, "\n  = note: {}", visible(note))?;
        }
        if let Some(help) = &self.help {
            write!(
                f,
                "\n  = help: {}",
                visible(help).replace('\n', "\n          ")
            )?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by place and folds identical ones (the same template error met while
/// rendering 10,000 pages is one problem), so output is stable and readable.
pub fn normalize(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    /// How many of the identical diagnostics keep their notes (which page hit the error).
    const SHOWN: usize = 3;
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut out: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    let mut group = 0usize;
    for diagnostic in diagnostics {
        match out.last_mut() {
            Some(last) if last.sort_key() == diagnostic.sort_key() => {
                group += 1;
                if group < SHOWN {
                    last.notes.extend(diagnostic.notes);
                }
            }
            _ => {
                fold_repeats(out.last_mut(), group.saturating_sub(SHOWN - 1));
                group = 0;
                out.push(diagnostic);
            }
        }
    }
    fold_repeats(out.last_mut(), group.saturating_sub(SHOWN - 1));
    out
}

fn fold_repeats(last: Option<&mut Diagnostic>, hidden: usize) {
    if let (Some(last), true) = (last, hidden > 0) {
        let times = if hidden == 1 { "time" } else { "times" };
        last.notes
            .push(format!("and {hidden} more {times} with the same cause"));
    }
}

/// Finds the 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

/// The closest candidate to `name`, if one is close enough to be what the user meant.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_location_source_line_caret_and_help() {
        let d = Diagnostic::error_at(
            "content/a.md",
            "---\ntitel: x\n---\n",
            2,
            1,
            "unknown field `titel`",
        )
        .with_help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:1: error: unknown field `titel`\n 2 | titel: x\n   | ^\n  = help: did you mean `title`?"
        );
    }

    #[test]
    fn control_characters_in_a_quoted_line_are_shown_not_obeyed() {
        let d = Diagnostic::error_at("a.md", "title: a\rb\u{b}c\td\n", 1, 8, "m");
        let text = d.to_string();
        assert!(text.contains(" 1 | title: a␍b␋c→d\n"), "{text}");
        assert!(!text.contains('\r'), "{text}");
        assert!(text.ends_with("   |        ^"), "{text:?}");
    }

    #[test]
    fn control_characters_in_a_name_or_message_cannot_reach_the_terminal() {
        let d = Diagnostic::file_error("static/a\u{1b}[31m.txt", "a link to /tmp/\u{1b}]0;x\u{7}")
            .with_help("one\ntwo\u{1b}");
        let text = d.to_string();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(
            text.starts_with("static/a␛[31m.txt: error: a link to /tmp/␛]0;x␇"),
            "{text}"
        );
        assert!(text.ends_with("= help: one\n          two␛"), "{text:?}");
    }

    #[test]
    fn folds_identical_diagnostics() {
        let d = Diagnostic::error_at("t.html", "{{ x }}", 1, 4, "boom");
        let d = d.with_note("while rendering a");
        let folded = normalize(vec![d.clone(), d.clone(), d.clone(), d.clone(), d.clone()]);
        assert_eq!(folded.len(), 1);
        assert_eq!(folded[0].notes.len(), 4);
        assert_eq!(folded[0].notes[3], "and 2 more times with the same cause");
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 10), (1, 1));
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("titel", ["title", "date"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "date"]), None);
    }
}
