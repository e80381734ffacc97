//! Footnotes: each gets a number in order of first reference and an id made from its label
//! with a `fn:` prefix (`fn:1`), so that it cannot clash with a heading's id (`1`).

use super::Pipeline;
use super::slugs::slugify;
use pulldown_cmark::Event;

impl<'a> Pipeline<'_, '_> {
    /// The superscript number of a reference to the footnote `label`; the first reference gets
    /// the id the footnote links back to.
    pub(super) fn footnote_reference(&mut self, label: &str) -> Event<'a> {
        let (number, first) = self.footnote_number(label);
        let id = footnote_id(label);
        let back = if first {
            format!(" id=\"fnref:{id}\"")
        } else {
            String::new()
        };
        Event::Html(
            format!(
                "<sup class=\"footnote-reference\"{back}><a href=\"#fn:{id}\">{number}</a></sup>"
            )
            .into(),
        )
    }

    /// The start of the footnote `label`'s text, whose id is an anchor of the page.
    pub(super) fn footnote_definition(&mut self, label: &str) -> Event<'a> {
        let (number, _) = self.footnote_number(label);
        let id = footnote_id(label);
        self.anchors.insert(format!("fn:{id}"));
        Event::Html(
            format!(
                "<div class=\"footnote-definition\" id=\"fn:{id}\"><sup class=\"footnote-definition-label\">{number}</sup>"
            )
            .into(),
        )
    }

    fn footnote_number(&mut self, label: &str) -> (usize, bool) {
        let next = self.footnotes.len() + 1;
        let mut first = false;
        let number = *self.footnotes.entry(label.to_owned()).or_insert_with(|| {
            first = true;
            next
        });
        (number, first)
    }
}

fn footnote_id(label: &str) -> String {
    let slug = slugify(label);
    if slug.is_empty() {
        "note".to_owned()
    } else {
        slug
    }
}
