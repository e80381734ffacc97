//! Shortcodes: `{{ sme_card(id="lumen-lasers") }}` in Markdown, replaced by a template's HTML.
//!
//! Before Markdown is parsed, each call outside code is cut out of the text and replaced by an
//! HTML comment padded to the same length (`<!--sc:3    -->`), so that byte offsets (and so the
//! line and column of every later diagnostic) do not move and Markdown passes the marker through.
//! A call shorter than the shortest marker (11 bytes; `{{ x() }}` has 9) shifts the columns after
//! it on its line; lines and earlier columns stay right. After
//! rendering, `render` puts each template's output where its marker is. A call is written
//! `{{ name(key="text", n=3, flag=true) }}`; a malformed one is an error at its place. The scan
//! takes time linear in the length of the text, whatever mix of code spans and braces it holds.

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
    /// Byte offset of `{{` in the body.
    pub offset: usize,
}

/// A malformed call: where it is (byte offset in the body) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeError {
    pub offset: usize,
    pub message: String,
}

const MARKER_START: &str = "<!--sc:";
const MARKER_END: &str = "-->";

/// Replaces every shortcode call in `body` by a marker; returns the new text and the calls.
pub fn extract(body: &str) -> (String, Vec<ShortcodeCall>, Vec<ShortcodeError>) {
    let mut out = String::with_capacity(body.len());
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    let mut fence: Option<&str> = None;
    let mut line_start = 0;
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
        } else {
            scan_line(line, line_start, &mut out, &mut calls, &mut errors);
        }
        line_start += line.len();
    }
    (out, calls, errors)
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
                        calls.push(ShortcodeCall { name, args, offset });
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
    let mut marker = format!("{MARKER_START}{index}");
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
    fn other_braces_are_text() {
        let (text, calls, _) = extract("Use {{ and }} freely.\n");
        assert!(calls.is_empty());
        assert_eq!(text, "Use {{ and }} freely.\n");
    }
}
