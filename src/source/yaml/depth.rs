//! The depth bound of YAML: text nested deeper than [`MAX_DEPTH`] is refused in one linear pass,
//! before the YAML crate sees it (its parser does work that grows with the square of the depth).

use super::YamlError;

/// The deepest YAML pimap reads. serde_yaml stops at 128 levels, but only after its parser has
/// done work that grows with the square of the depth (100,000 `[` took 25 seconds).
pub const MAX_DEPTH: usize = 64;

/// Refuses YAML nested deeper than [`MAX_DEPTH`], in one pass over the text: block collections
/// (deeper indentation, `- - -`) and flow collections (`[`, `{`), counted as a YAML parser sees
/// them, outside quotes, comments and block scalars (`|`, `>`), rounding up where a line could
/// be read either way.
pub(super) fn check_depth(text: &str) -> Result<(), YamlError> {
    let mut depth = DepthScan::default();
    // The YAML parser breaks lines at CR, LF and CRLF alike, so the scan does too; the error is
    // placed on the lines diagnostics count (LF only).
    let mut start = 0;
    while start <= text.len() {
        let end = text[start..]
            .find(['\r', '\n'])
            .map_or(text.len(), |i| start + i);
        let line = &text[start..end];
        let next = if text[end..].starts_with("\r\n") {
            end + 2
        } else {
            end + 1
        };
        if let Err(at) = depth.line(line) {
            let (line, col) = crate::diagnostics::line_col(text, start + at);
            return Err(YamlError {
                line,
                col,
                message: format!(
                    "lists and mappings are nested more than {MAX_DEPTH} levels deep here"
                ),
                help: Some(format!(
                    "pimap reads at most {MAX_DEPTH} levels: look for a `[` or `{{` that is \
                     never closed, or write the value with fewer levels"
                )),
            });
        }
        start = next;
    }
    Ok(())
}

/// What [`check_depth`] knows at the start of a line.
#[derive(Default)]
struct DepthScan {
    /// Columns of the open block collections, innermost last.
    indents: Vec<usize>,
    /// Open `[` and `{`.
    flow: usize,
    /// The quote of a quoted scalar that goes on to the next line.
    quote: Option<u8>,
    /// Inside a block scalar: the column its lines must be indented past.
    block_scalar: Option<usize>,
}

impl DepthScan {
    /// Reads one line; the byte offset where it nests too deep, if it does.
    fn line(&mut self, line: &str) -> Result<(), usize> {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        if let Some(parent) = self.block_scalar {
            if indent > parent || line.trim().is_empty() {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let mut at = 0;
        if self.quote.is_none() && self.flow == 0 {
            if indent == line.len() || bytes[indent] == b'#' {
                return Ok(());
            }
            at = self.block_levels(bytes, indent)?;
        }
        self.rest_of_line(bytes, at)
    }

    /// The block levels a line opens: its indentation, then each `- `, `? ` or `: ` at its
    /// start (`- - x` is a list in a list). Returns where its first token starts.
    fn block_levels(&mut self, bytes: &[u8], indent: usize) -> Result<usize, usize> {
        while self.indents.last().is_some_and(|&column| column > indent) {
            self.indents.pop();
        }
        let mut at = indent;
        loop {
            if self.indents.last() != Some(&at) {
                self.indents.push(at);
            }
            if self.indents.len() + self.flow > MAX_DEPTH {
                return Err(at);
            }
            let indicator = matches!(bytes.get(at), Some(b'-' | b'?' | b':'))
                && bytes.get(at + 1).is_none_or(|b| *b == b' ' || *b == b'\t');
            if !indicator {
                return Ok(at);
            }
            let content = at
                + 1
                + bytes[at + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
            if content >= bytes.len() {
                return Ok(content);
            }
            at = content;
        }
    }

    /// Reads the tokens of a line from `at`: quotes, comments, flow brackets and block scalars.
    fn rest_of_line(&mut self, bytes: &[u8], mut at: usize) -> Result<(), usize> {
        // Whether a new token may start here: a quote or a bracket in the middle of plain text
        // is text.
        let mut token_start = true;
        while at < bytes.len() {
            let b = bytes[at];
            let after_space = at == 0 || bytes[at - 1] == b' ' || bytes[at - 1] == b'\t';
            if let Some(quote) = self.quote {
                // `\"` in double quotes and `''` in single quotes are not the end.
                let escaped = (quote == b'"' && b == b'\\')
                    || (quote == b'\'' && b == b'\'' && bytes.get(at + 1) == Some(&b'\''));
                if escaped {
                    at += 1;
                } else if b == quote {
                    self.quote = None;
                    token_start = false;
                }
            } else if b == b'#' && after_space {
                return Ok(());
            } else if b == b' ' || b == b'\t' {
                // Spaces start a token only after indicators, handled where they are read.
            } else if matches!(b, b'[' | b'{') && (self.flow > 0 || token_start) {
                self.flow += 1;
                token_start = true;
                if self.indents.len() + self.flow > MAX_DEPTH {
                    return Err(at);
                }
            } else if self.flow > 0 && matches!(b, b']' | b'}') {
                self.flow -= 1;
                token_start = self.flow > 0;
            } else if self.flow > 0 && b == b',' {
                token_start = true;
            } else if token_start && (b == b'"' || b == b'\'') {
                self.quote = Some(b);
            } else if token_start && self.flow == 0 && (b == b'|' || b == b'>') {
                let column = at;
                self.block_scalar = Some(
                    self.indents
                        .iter()
                        .rev()
                        .copied()
                        .find(|&c| c < column)
                        .unwrap_or(0),
                );
                return Ok(());
            } else if token_start && (b == b'&' || b == b'!') {
                // An anchor or a tag: the token after it starts after the next space.
                while at + 1 < bytes.len() && !bytes[at + 1].is_ascii_whitespace() {
                    at += 1;
                }
            } else if b == b':' || b == b'?' || (b == b'-' && token_start) {
                let next = bytes.get(at + 1);
                token_start =
                    next.is_none_or(|n| n.is_ascii_whitespace()) || (self.flow > 0 && b == b':');
            } else {
                token_start = false;
            }
            at += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse_value;
    use super::*;

    fn depth_error(text: &str) -> Option<(usize, usize)> {
        check_depth(text).err().map(|e| (e.line, e.col))
    }

    #[test]
    fn flow_and_block_nesting_past_the_bound_is_an_error_at_its_place() {
        let flow = format!("title: a\nlist: {}{}\n", "[".repeat(70), "]".repeat(70));
        // The mapping and 64 brackets make 65 levels.
        assert_eq!(depth_error(&flow), Some((2, 6 + 64)));
        let error = parse_value(&flow).unwrap_err().remove(0);
        assert_eq!(
            error.message,
            "lists and mappings are nested more than 64 levels deep here"
        );
        let dashes = format!("list:\n  {}x\n", "- ".repeat(70));
        assert_eq!(depth_error(&dashes), Some((2, 3 + 2 * 63)));
        let indented: String = (0..70).map(|i| format!("{}a:\n", " ".repeat(i))).collect();
        assert_eq!(depth_error(&indented), Some((65, 65)));
        let mapping = format!("a: {}{}\n", "{b: ".repeat(70), "}".repeat(70));
        assert!(depth_error(&mapping).is_some());
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_for_the_depth_scan_too() {
        // After `#` the rest of a line is a comment; the YAML parser ends that line at the CR.
        let hidden = format!("a: 1 # c\rb: {}{}\n", "[".repeat(70), "]".repeat(70));
        assert_eq!(depth_error(&hidden).map(|(line, _)| line), Some(1));
        let indented: String = (0..70).map(|i| format!("{}a:\r", " ".repeat(i))).collect();
        assert!(depth_error(&indented).is_some());
    }

    #[test]
    fn brackets_in_text_quotes_comments_and_block_scalars_do_not_count() {
        let many = "[".repeat(100);
        for text in [
            format!("title: \"{many}\"\n"),
            format!("title: '{many}'\n"),
            format!("title: a {many}\n"),
            format!("title: a # {many}\n"),
            format!("body: |\n  {many}\n  text\n\n  {many}\nnext: 1\n"),
            format!("- key: >\n    {many}\n  other: 1\n"),
            format!("title: \"line one\n  {many}\"\n"),
            format!("list: [\"a]\", 'b]', c]\ntitle: x {many}\n"),
        ] {
            assert_eq!(depth_error(&text), None, "{text}");
        }
    }

    #[test]
    fn an_apostrophe_in_plain_text_opens_no_quote() {
        let deep = format!(
            "title: It's fine\nlist: {}{}\n",
            "[".repeat(70),
            "]".repeat(70)
        );
        assert_eq!(depth_error(&deep).map(|(line, _)| line), Some(2));
        let after_block = format!(
            "- key: |\n    text\n  list: {}{}\n",
            "[".repeat(70),
            "]".repeat(70)
        );
        assert_eq!(depth_error(&after_block).map(|(line, _)| line), Some(3));
    }

    #[test]
    fn deep_yaml_is_refused_in_linear_time() {
        let started = std::time::Instant::now();
        let flow = format!("list: {}{}\n", "[".repeat(1_000_000), "]".repeat(1_000_000));
        assert!(parse_value(&flow).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }
}
