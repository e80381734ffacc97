//! SVG logos, sanitised: the file is parsed (a DTD is refused, so no entity can expand) and
//! written again with only SVG elements and plain attributes. Taken out, and named so that the
//! editor can be told: scripts, `<foreignObject>`, animations (they can set a link), event
//! handlers (`onload=`), links to anything outside the file (`href`, `xlink:href`, `url(...)` and
//! `@import` in styles), and elements and attributes of other vocabularies (editor metadata).
//! The theme shows the result through `<img>` alone, where a browser runs no script anyway.

use std::fmt::Write;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// SVG logos larger than this are refused: a logo is a few kilobytes.
pub const MAX_SVG_BYTES: usize = 1024 * 1024;

/// Elements dropped with everything inside them.
const DROPPED: [&str; 9] = [
    "script",
    "foreignObject",
    "set",
    "animate",
    "animateMotion",
    "animateTransform",
    "iframe",
    "embed",
    "object",
];

/// An SVG file made safe to publish.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sanitised {
    pub text: String,
    /// The size it is drawn at, from `width`/`height` or the `viewBox`, rounded up to pixels.
    pub width: u32,
    pub height: u32,
    /// What was taken out: `a <script> element`, `the onload attribute of <svg>`.
    pub removed: Vec<String>,
}

/// Parses and rewrites `bytes`; the error says why the file is no usable SVG.
pub fn sanitise(bytes: &[u8]) -> Result<Sanitised, String> {
    if bytes.len() > MAX_SVG_BYTES {
        return Err(format!(
            "is {} KB; an SVG logo must stay under {} KB",
            bytes.len() / 1024,
            MAX_SVG_BYTES / 1024
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8 text, so not an SVG file")?;
    let document =
        roxmltree::Document::parse(text).map_err(|e| format!("is not valid SVG: {e}"))?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err(format!(
            "is not an SVG drawing: its first element is <{}> without the SVG namespace",
            root.tag_name().name()
        ));
    }
    let (width, height) = drawn_size(&root).ok_or(
        "has no size: give its <svg> element a viewBox (for example viewBox=\"0 0 200 80\")",
    )?;
    let mut writer = SvgWriter::default();
    writer.element(root);
    Ok(Sanitised {
        text: writer.out,
        width,
        height,
        removed: writer.removed,
    })
}

/// `width`/`height` in pixels when both are plain numbers, else the `viewBox` size.
fn drawn_size(root: &roxmltree::Node) -> Option<(u32, u32)> {
    let number = |name: &str| {
        let value = root.attribute(name)?.trim();
        let value = value.strip_suffix("px").unwrap_or(value);
        value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    let (width, height) = match (number("width"), number("height")) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            let view_box: Vec<f64> = root
                .attribute("viewBox")?
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|s| !s.is_empty())
                .map(str::parse)
                .collect::<Result<_, _>>()
                .ok()?;
            match view_box[..] {
                [_, _, w, h] if w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0 => (w, h),
                _ => return None,
            }
        }
    };
    let pixels = |v: f64| (v.ceil() as u32).clamp(1, 100_000);
    Some((pixels(width), pixels(height)))
}

#[derive(Default)]
struct SvgWriter {
    out: String,
    removed: Vec<String>,
    uses_xlink: bool,
}

impl SvgWriter {
    fn element(&mut self, node: roxmltree::Node) {
        let name = node.tag_name().name();
        if node.tag_name().namespace() != Some(SVG_NS) {
            self.removed
                .push(format!("a <{name}> element of another vocabulary"));
            return;
        }
        if DROPPED.contains(&name) {
            self.removed.push(format!("a <{name}> element"));
            return;
        }
        let is_root = node.parent_element().is_none();
        let start = self.out.len();
        let _ = write!(self.out, "<{name}");
        for attribute in node.attributes() {
            self.attribute(name, attribute);
        }
        self.out.push('>');
        for child in node.children() {
            if child.is_element() {
                self.element(child);
            } else if child.is_text() {
                let text = child.text().unwrap_or_default();
                if name == "style" && !style_is_safe(text) {
                    self.removed
                        .push("a style sheet that loads other files".into());
                    continue;
                }
                self.out.push_str(&escape(text));
            }
        }
        let _ = write!(self.out, "</{name}>");
        if is_root {
            // The namespaces, once every link is known.
            let xlink = if self.uses_xlink {
                format!(" xmlns:xlink=\"{XLINK_NS}\"")
            } else {
                String::new()
            };
            self.out.insert_str(
                start + 1 + name.len(),
                &format!(" xmlns=\"{SVG_NS}\"{xlink}"),
            );
        }
    }

    fn attribute(&mut self, element: &str, attribute: roxmltree::Attribute) {
        let name = attribute.name();
        let value = attribute.value();
        let prefix = match attribute.namespace() {
            None => "",
            Some(XLINK_NS) if name == "href" => "xlink:",
            Some(XML_NS) if name == "space" => "xml:",
            Some(_) => {
                self.removed.push(format!(
                    "the {name} attribute of <{element}> (another vocabulary)"
                ));
                return;
            }
        };
        let lower = name.to_ascii_lowercase();
        let unsafe_reason = if lower.starts_with("on") {
            Some("an event handler")
        } else if lower == "href" && !value.trim_start().starts_with('#') {
            Some("a link outside the file")
        } else if value.contains("url(") && !style_is_safe(value) {
            Some("a reference outside the file")
        } else if lower == "style" && !style_is_safe(value) {
            Some("a style that loads other files")
        } else {
            None
        };
        if let Some(reason) = unsafe_reason {
            self.removed.push(format!(
                "the {prefix}{name} attribute of <{element}> ({reason})"
            ));
            return;
        }
        self.uses_xlink |= prefix == "xlink:";
        let _ = write!(self.out, " {prefix}{name}=\"{}\"", escape(value));
    }
}

/// Whether CSS loads nothing from outside the file: no `@import`, and every `url(` points
/// at `#an-id` in the file.
fn style_is_safe(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    !lower.contains("@import")
        && !lower.contains("expression(")
        && lower.match_indices("url(").all(|(at, _)| {
            let inside = lower[at + 4..].trim_start_matches([' ', '"', '\'']);
            inside.starts_with('#')
        })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_outside_references_are_taken_out() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 40" onload="alert(1)">
<script>alert(2)</script>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
<style>@import url(https://evil.example/x.css);</style>
<defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/></linearGradient></defs>
<rect width="10" height="10" fill="url(#g)" onclick="x()"/>
<use xlink:href="#g"/><use href="https://evil.example/a.svg#x"/>
<image href="http://evil.example/track.png"/>
<rect style="fill: url(https://evil.example/p)" width="1" height="1"/>
<text x="1" y="2">A &amp; B</text></svg>"##;
        let clean = sanitise(svg).map_err(|e| e.to_string());
        let Ok(clean) = clean else {
            panic!("{clean:?}");
        };
        for gone in [
            "script",
            "alert",
            "foreignObject",
            "evil",
            "onclick",
            "@import",
        ] {
            assert!(!clean.text.contains(gone), "{gone} in {}", clean.text);
        }
        assert!(clean.text.contains("fill=\"url(#g)\""));
        assert!(clean.text.contains("xlink:href=\"#g\""));
        assert!(clean.text.contains("xmlns:xlink="));
        assert!(clean.text.contains("A &amp; B"));
        assert_eq!((clean.width, clean.height), (120, 40));
        assert_eq!(clean.removed.len(), 8, "{:?}", clean.removed);
    }

    #[test]
    fn entities_and_non_svg_files_are_refused() {
        let bomb = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">&a;</svg>"#;
        assert!(sanitise(bomb).is_err());
        assert!(sanitise(b"<html/>").is_err());
        let sizeless = br#"<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>"#;
        assert!(sanitise(sizeless).unwrap_err().contains("viewBox"));
    }
}
