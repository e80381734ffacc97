//! The Markdown fields of data (an SME's offer, a mission's outcomes), which people outside the
//! partnership write: rendered to HTML that is safe to show whatever their authors wrote.
//!
//! Headings move down two levels (the page has its own `h1` and `h2`s), and the HTML is
//! sanitised with ammonia: no scripts, event handlers or `javascript:` links, and links get
//! `rel="noopener noreferrer"`. Text nested deeper than
//! [`CONTENT_LIMITS`](crate::html_nesting::CONTENT_LIMITS) never reaches the sanitiser, whose
//! parser slows down with every level.

use super::{Located, bounded_html, options};
use crate::html_nesting::TooDeep;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// The sanitiser of data text: ammonia's defaults, plus the checkboxes of task lists.
fn sanitiser() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags(["input"]);
    builder
}

/// Renders a Markdown field of a data entity to safe HTML; or, for text nested too deep, the
/// byte offset in `text` where it goes too deep, and what does.
pub fn render_untrusted(text: &str) -> Result<String, (usize, TooDeep)> {
    let events: Vec<Located> = Parser::new_ext(text, options())
        .into_offset_iter()
        .map(|(event, range)| (demote_headings(event), range.start))
        .collect();
    let html = bounded_html(&events, text)?;
    Ok(sanitiser().clean(&html).to_string())
}

/// The first sentence of the first paragraph of a Markdown field, as plain text on one line: an
/// SME's offer in one line. Empty if the text starts with no paragraph of its own (a list, a
/// heading, a quote).
pub fn first_sentence(text: &str) -> String {
    let mut depth = 0usize;
    let mut in_paragraph = false;
    let mut plain = String::new();
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Paragraph) if depth == 0 => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Start(_) if !in_paragraph => depth += 1,
            Event::End(_) if !in_paragraph => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    // The first block was not a paragraph.
                    break;
                }
            }
            Event::Text(t) | Event::Code(t) if in_paragraph => plain.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => plain.push(' '),
            _ => {}
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    // A sentence ends at `.`, `!` or `?` followed by a space.
    let end = plain
        .match_indices(['.', '!', '?'])
        .map(|(i, _)| i + 1)
        .find(|&i| plain[i..].starts_with(' '));
    match end {
        Some(end) => plain[..end].to_owned(),
        None => plain,
    }
}

/// HTML for a page that other sites show in a frame: `html` sanitised as data text is, with
/// every link opening in the top window (`target="_top"`), not inside the frame.
pub fn for_embed(html: &str) -> String {
    sanitiser()
        .set_tag_attribute_value("a", "target", "_top")
        .clean(html)
        .to_string()
}

fn demote_headings(event: Event) -> Event {
    match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        event => event,
    }
}

/// The field sits under the page's `h2`s: its headings start at `h3`.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_first_sentence_of_an_offer_is_one_line_of_plain_text() {
        let offer = "Lasers that *cut* `steel`\nfast. Also welding.\n\n- a list";
        assert_eq!(first_sentence(offer), "Lasers that cut steel fast.");
        assert_eq!(first_sentence("No full stop here"), "No full stop here");
        assert_eq!(first_sentence("- a list first\n\nThen text."), "");
        assert_eq!(first_sentence("Version 2.0 is out"), "Version 2.0 is out");
    }

    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_never_survive() {
        let html = render_untrusted(
            "# Offer\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3)) [site](https://example.com)\n",
        )
        .unwrap();
        assert!(
            !html.contains("script") && !html.contains("alert"),
            "{html}"
        );
        assert!(
            !html.contains("onerror") && !html.contains("javascript"),
            "{html}"
        );
        assert!(html.contains("<h3>Offer</h3>"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.com\" rel=\"noopener noreferrer\">site</a>"),
            "{html}"
        );
    }

    #[test]
    fn text_nested_too_deep_is_refused_at_its_offset() {
        let text = format!("Intro.\n\n{}x", "<div>".repeat(100));
        let (offset, deep) = render_untrusted(&text).unwrap_err();
        assert_eq!(offset, 8 + 64 * 5, "the 65th div");
        assert_eq!(deep.limit, 64);
        let quotes = format!("Intro.\n\n{} deep", "> ".repeat(100));
        let (offset, _) = render_untrusted(&quotes).unwrap_err();
        assert_eq!(offset, 8 + 64 * 2, "the 65th quote");
    }

    #[test]
    fn embedded_links_open_in_the_top_window_and_stay_sanitised() {
        let html = for_embed(
            "<p><a href=\"https://example.com\" rel=\"noopener noreferrer\">site</a></p><img src=x onerror=alert(1)>",
        );
        assert_eq!(
            html,
            "<p><a href=\"https://example.com\" target=\"_top\" rel=\"noopener noreferrer\">site</a></p><img src=\"x\">"
        );
    }
}
