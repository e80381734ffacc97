//! Shortcodes: `{{ sme_card(id="lumen-lasers") }}` in Markdown, replaced by a template's HTML;
//! and block shortcodes, whose Markdown body the template wraps:
//!
//! ```text
//! {% note(kind="tip") %}
//! Markdown, rendered as the rest of the page.
//! {% end %}
//! ```
//!
//! Before Markdown is parsed, each call outside code is cut out of the text and replaced by an
//! HTML comment padded to the same length (`<!--sc:3    -->`), so that byte offsets (and so the
//! line and column of every later diagnostic) do not move and Markdown passes the marker through.
//! A call shorter than the shortest marker (11 bytes; `{{ x() }}` has 9) shifts the columns after
//! it on its line; lines and earlier columns stay right. After
//! rendering, `render` puts each template's output where its marker is. A call is written
//! `{{ name(key="text", n=3, flag=true) }}`; a malformed one is an error at its place. The scan
//! takes time linear in the length of the text, whatever mix of code spans and braces it holds.
//!
//! A block shortcode's opening and `{% end %}` each stand alone on their line (outside code) and
//! become markers of their own (`<!--sb:3-->`, `<!--se:3-->`), HTML blocks that Markdown passes
//! through while it renders the lines between them; `render` then gives the template the HTML
//! between the two markers as `body`, innermost block first. Any other line that starts with
//! `{%`, an opening never closed and an `{% end %}` that closes nothing are errors at their
//! line: a block shortcode never shows as text.

use std::collections::BTreeMap;

/// A value given to a shortcode.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ArgValue {
    Text(String),
    Number(f64),
    Bool(bool),
}

/// One shortcode call found in a content file.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeCall {
    pub name: String,
    pub args: BTreeMap<String, ArgValue>,
    /// Byte offset of `{{` (or `{%`) in the body.
    pub offset: usize,
    /// A block shortcode, whose template receives the HTML of its body as `body`.
    pub block: bool,
}

/// A malformed call: where it is (byte offset in the body) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    pub offset: usize,
    pub message: String,
}

const MARKER_START: &str = "<!--sc:";
const BLOCK_START: &str = "<!--sb:";
const BLOCK_END: &str = "<!--se:";
const MARKER_END: &str = "-->";

/// Replaces every shortcode call in `body` by a marker; returns the new text and the calls.
pub fn extract(body: &str) -> (String, Vec<ShortcodeCall>, Vec<ShortcodeError>) {
    let mut out = String::with_capacity(body.len());
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    let mut fence: Option<&str> = None;
    let mut line_start = 0;
    // Blocks opened and not yet closed: (index in `calls`, offset of `{%`).
    let mut open_blocks: Vec<(usize, usize)> = Vec::new();
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            out.push_str(line);
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            out.push_str(line);
        } else if trimmed.starts_with("{%") {
            let indent = line.len() - trimmed.len();
            out.push_str(&line[..indent]);
            let offset = line_start + indent;
            let tag = trimmed.trim_end();
            let line_end = &trimmed[tag.len()..];
            match block_tag(tag) {
                Ok(BlockTag::Open(name, args)) => {
                    open_blocks.push((calls.len(), offset));
                    out.push_str(&block_marker(BLOCK_START, calls.len(), tag.len()));
                    calls.push(ShortcodeCall {
                        name,
                        args,
                        offset,
                        block: true,
                    });
                }
                Ok(BlockTag::End) => match open_blocks.pop() {
                    // The end of a malformed opening, already reported.
                    Some((MALFORMED, _)) => out.push_str(tag),
                    Some((index, _)) => out.push_str(&block_marker(BLOCK_END, index, tag.len())),
                    None => {
                        errors.push(ShortcodeError {
                            offset,
                            message: "this `{% end %}` closes no block shortcode".to_owned(),
                        });
                        out.push_str(tag);
                    }
                },
                Err(message) => {
                    // Its `{% end %}` is then no second error.
                    open_blocks.push((MALFORMED, offset));
                    errors.push(ShortcodeError { offset, message });
                    out.push_str(tag);
                }
            }
            out.push_str(line_end);
        } else {
            scan_line(line, line_start, &mut out, &mut calls, &mut errors);
        }
        line_start += line.len();
    }
    for (index, offset) in open_blocks.into_iter().filter(|b| b.0 != MALFORMED) {
        errors.push(ShortcodeError {
            offset,
            message: format!(
                "the block shortcode `{}` opened here is never closed; add a line `{{% end %}}` after its text",
                calls[index].name
            ),
        });
    }
    (out, calls, errors)
}

/// Stands for a malformed opening among the open blocks.
const MALFORMED: usize = usize::MAX;

/// A line that starts with `{%`.
enum BlockTag {
    Open(String, BTreeMap<String, ArgValue>),
    End,
}

fn block_tag(tag: &str) -> Result<BlockTag, String> {
    const FORM: &str = "a block shortcode is written alone on its line as `{% name(key=\"value\") %}`, then its text, then a line `{% end %}`";
    let inner = tag
        .strip_prefix("{%")
        .and_then(|t| t.strip_suffix("%}"))
        .ok_or(FORM)?
        .trim();
    if inner == "end" {
        return Ok(BlockTag::End);
    }
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    if name_len == 0 || !inner[name_len..].trim_start().starts_with('(') {
        return Err(FORM.to_owned());
    }
    let (name, args) = parse_call(inner)?;
    Ok(BlockTag::Open(name, args))
}

fn scan_line(
    line: &str,
    line_start: usize,
    out: &mut String,
    calls: &mut Vec<ShortcodeCall>,
    errors: &mut Vec<ShortcodeError>,
) {
    let mut consumed = 0;
    let mut in_code = false;
    // Where the next call starts (in `line`), searched once and kept until the scan passes it:
    // searching again after every backquote would make a line of many code spans quadratic.
    let mut next_call = find_call(line);
    while consumed < line.len() {
        let rest = &line[consumed..];
        if next_call.is_some_and(|call| call < consumed) {
            next_call = find_call(rest).map(|call| consumed + call);
        }
        let next_tick = rest.find('`').map(|tick| consumed + tick);
        let call = next_call.filter(|_| !in_code);
        match (next_tick, call) {
            (Some(tick), call) if call.is_none_or(|c| tick < c) => {
                out.push_str(&line[consumed..=tick]);
                in_code = !in_code;
                consumed = tick + 1;
            }
            (_, Some(start)) => {
                out.push_str(&line[consumed..start]);
                let offset = line_start + start;
                let text = &line[start..];
                let Some(end) = text.find("}}") else {
                    errors.push(ShortcodeError {
                        offset,
                        message: "this shortcode is never closed with `}}`".to_owned(),
                    });
                    out.push_str(text);
                    return;
                };
                let call_text = &text[..end + 2];
                match parse_call(&call_text[2..end]) {
                    Ok((name, args)) => {
                        out.push_str(&marker(calls.len(), call_text.len()));
                        calls.push(ShortcodeCall {
                            name,
                            args,
                            offset,
                            block: false,
                        });
                    }
                    Err(message) => {
                        errors.push(ShortcodeError { offset, message });
                        out.push_str(call_text);
                    }
                }
                consumed = start + end + 2;
            }
            _ => {
                out.push_str(rest);
                return;
            }
        }
    }
}

/// Where `{{ name(` starts in `text`.
fn find_call(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find("{{") {
        let start = from + found;
        let after = text[start + 2..].trim_start();
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].trim_start().starts_with('(') {
            return Some(start);
        }
        from = start + 2;
    }
    None
}

type ParsedCall = (String, BTreeMap<String, ArgValue>);

fn parse_call(inner: &str) -> Result<ParsedCall, String> {
    let inner = inner.trim();
    let open = inner
        .find('(')
        .ok_or("a shortcode is written `{{ name(key=\"value\") }}`")?;
    let name = inner[..open].trim().to_owned();
    let args_text = inner[open + 1..]
        .strip_suffix(')')
        .ok_or_else(|| format!("`{name}(` is not closed with `)`"))?;
    let mut args = BTreeMap::new();
    let mut rest = args_text.trim();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("arguments are written key=value, in `{rest}`"))?;
        let key = rest[..eq].trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("`{key}` is not an argument name"));
        }
        let value_text = rest[eq + 1..].trim_start();
        let (value, after) = if let Some(quoted) = value_text.strip_prefix('"') {
            let end = quoted
                .find('"')
                .ok_or_else(|| format!("the text given to `{key}` has no closing quote"))?;
            (ArgValue::Text(quoted[..end].to_owned()), &quoted[end + 1..])
        } else {
            let end = value_text.find(',').unwrap_or(value_text.len());
            let raw = value_text[..end].trim();
            let value = match raw {
                "true" => ArgValue::Bool(true),
                "false" => ArgValue::Bool(false),
                _ => ArgValue::Number(raw.parse().map_err(|_| {
                    format!("`{raw}` is not a value: quote text, like {key}=\"{raw}\"")
                })?),
            };
            (value, &value_text[end..])
        };
        if args.insert(key.to_owned(), value).is_some() {
            return Err(format!("`{key}` is given twice"));
        }
        let after = after.trim_start();
        rest = match after.strip_prefix(',') {
            Some(more) => more.trim_start(),
            None if after.is_empty() => after,
            None => return Err(format!("expected `,` between arguments, found `{after}`")),
        };
    }
    Ok((name, args))
}

fn marker(index: usize, width: usize) -> String {
    block_marker(MARKER_START, index, width)
}

fn block_marker(start: &str, index: usize, width: usize) -> String {
    let mut marker = format!("{start}{index}");
    let pad = width.saturating_sub(marker.len() + MARKER_END.len());
    marker.push_str(&" ".repeat(pad));
    marker.push_str(MARKER_END);
    marker
}

/// Puts `outputs[i]` where the marker of call `i` is in `html`.
pub fn splice(html: &str, outputs: &[String]) -> String {
    let mut out =
        String::with_capacity(html.len() + outputs.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(start) = rest.find(MARKER_START) {
        let after = &rest[start + MARKER_START.len()..];
        let digits = after
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(after.len());
        let end = after.find(MARKER_END);
        match (
            after[..digits]
                .parse::<usize>()
                .ok()
                .and_then(|i| outputs.get(i)),
            end,
        ) {
            (Some(output), Some(end)) => {
                out.push_str(&rest[..start]);
                out.push_str(output);
                rest = &after[end + MARKER_END.len()..];
            }
            _ => {
                out.push_str(&rest[..start + MARKER_START.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces the body of block `index`, from its opening marker to its closing one, in `html`
/// by `render(body)`. A marker without its partner (a summary that ends inside the block) is
/// removed and the text after it kept.
pub fn splice_block<E>(
    html: &str,
    index: usize,
    render: impl FnOnce(&str) -> Result<String, E>,
) -> Result<String, E> {
    let find = |start: &str| {
        let marker = format!("{start}{index}");
        html.match_indices(&marker).find_map(|(at, _)| {
            let after = &html[at + marker.len()..];
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let close = after[digits..].find(MARKER_END)?;
            (digits == 0).then_some((at, at + marker.len() + close + MARKER_END.len()))
        })
    };
    match (find(BLOCK_START), find(BLOCK_END)) {
        (Some((start, body_start)), Some((body_end, end))) if body_start <= body_end => {
            let body = html[body_start..body_end].trim();
            Ok(format!(
                "{}{}{}",
                &html[..start],
                render(body)?,
                &html[end..]
            ))
        }
        (Some((start, end)), _) | (None, Some((start, end))) => {
            Ok(format!("{}{}", &html[..start], &html[end..]))
        }
        (None, None) => Ok(html.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_become_markers_of_the_same_length() {
        let body = "Intro {{ sme_card(id=\"lumen\", wide=true, n=2) }} end\n";
        let (text, calls, errors) = extract(body);
        assert!(errors.is_empty());
        assert_eq!(text.len(), body.len());
        assert!(text.starts_with("Intro <!--sc:0 "));
        assert_eq!(calls[0].name, "sme_card");
        assert_eq!(calls[0].offset, 6);
        assert_eq!(calls[0].args["id"], ArgValue::Text("lumen".into()));
        assert_eq!(calls[0].args["wide"], ArgValue::Bool(true));
        assert_eq!(calls[0].args["n"], ArgValue::Number(2.0));
        assert_eq!(
            splice(&text, &["<b>card</b>".into()]),
            "Intro <b>card</b> end\n"
        );
    }

    #[test]
    fn code_is_left_alone() {
        let body = "`{{ x(a=1) }}`\n```\n{{ y(b=2) }}\n```\n{{ z() }}\n";
        let (_, calls, errors) = extract(body);
        assert!(errors.is_empty());
        assert_eq!(
            calls.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            vec!["z"]
        );
    }

    #[test]
    fn calls_between_code_spans_are_found_and_calls_inside_them_are_not() {
        let body = "`{{ a() }}` {{ bbbb() }} `x` `{{ c() }}` {{ dddd() }}`{{ e() }}`\n";
        let (text, calls, errors) = extract(body);
        assert!(errors.is_empty());
        assert_eq!(
            calls
                .iter()
                .map(|c| (c.name.as_str(), c.offset))
                .collect::<Vec<_>>(),
            vec![("bbbb", 12), ("dddd", 41)]
        );
        assert_eq!(text.len(), body.len());
    }

    #[test]
    fn malformed_calls_are_errors_at_their_place() {
        let (_, _, errors) = extract("ok\n{{ card(id=lumen) }}\n{{ card(id=\"x\"\n");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].offset, 3);
        assert!(
            errors[0].message.contains("quote text"),
            "{}",
            errors[0].message
        );
        assert!(errors[1].message.contains("never closed"));
    }

    #[test]
    fn block_shortcodes_wrap_their_markdown_body() {
        let body = "Intro\n{% note(kind=\"tip\") %}\nSome *text*.\n  {% quote() %}\nQuoted.\n  {% end %}\n{% end %}\nAfter\n";
        let (text, calls, errors) = extract(body);
        assert!(errors.is_empty(), "{errors:?}");
        // `{% end %}` is shorter than its marker: lines stay, columns after it move.
        assert_eq!(text.lines().count(), body.lines().count());
        assert_eq!(
            calls
                .iter()
                .map(|c| (c.name.as_str(), c.offset, c.block))
                .collect::<Vec<_>>(),
            vec![("note", 6, true), ("quote", 44, true)]
        );
        assert!(text.contains("\n<!--sb:0           -->\nSome *text*.\n  <!--sb:1  -->\n"));
        assert!(text.contains("  <!--se:1-->\n<!--se:0-->\nAfter"));
        let html = "<p>Intro</p>\n<!--sb:0   -->\n<p>Some</p>\n<!--sb:1-->\n<p>Q</p>\n<!--se:1-->\n<!--se:0-->\n";
        let inner = splice_block(html, 1, |b| {
            Ok::<_, ()>(format!("<blockquote>{b}</blockquote>"))
        });
        let outer = splice_block(&inner.unwrap(), 0, |b| {
            Ok::<_, ()>(format!("<div>{b}</div>"))
        });
        assert_eq!(
            outer.unwrap(),
            "<p>Intro</p>\n<div><p>Some</p>\n<blockquote><p>Q</p></blockquote></div>\n"
        );
    }

    #[test]
    fn unclosed_unopened_and_malformed_blocks_are_errors_at_their_line() {
        let body = "{% note() %}\ntext\n{% end %}\n{% end %}\n{% note %}\n{% cta(url=\"x\") %} text\n```\n{% end %}\n```\n{% quote() %}\n";
        let (_, _, errors) = extract(body);
        let found: Vec<(usize, &str)> = errors
            .iter()
            .map(|e| (e.offset, e.message.as_str()))
            .collect();
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(found[0].0, 28);
        assert!(found[0].1.contains("closes no block"));
        assert!(
            found[1]
                .1
                .starts_with("a block shortcode is written alone on its line")
        );
        assert!(
            found[2]
                .1
                .starts_with("a block shortcode is written alone on its line")
        );
        assert_eq!(found[3].0, 91);
        assert!(found[3].1.contains("`quote` opened here is never closed"));
    }

    #[test]
    fn other_braces_are_text() {
        let (text, calls, _) = extract("Use {{ and }} freely.\n");
        assert!(calls.is_empty());
        assert_eq!(text, "Use {{ and }} freely.\n");
    }
}
