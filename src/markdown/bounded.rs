//! Markdown events to HTML, held to [`CONTENT_LIMITS`]: HTML nested deeper must reach neither
//! the sanitiser nor the minifier, and the author must learn where it goes too deep.

use super::Located;
use crate::html_nesting::{CONTENT_LIMITS, TooDeep, first_too_deep};
use pulldown_cmark::{Event, html};
use std::cell::Cell;

/// Writes `events` (each with the offset in `text` it comes from) as HTML. HTML nested deeper
/// than [`CONTENT_LIMITS`] must reach neither the sanitiser nor the minifier: for it, the offset
/// in `text` that goes too deep, and what does, come back instead.
pub(super) fn bounded_html(events: &[Located], text: &str) -> Result<String, (usize, TooDeep)> {
    let mut html = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html, events.iter().map(|(event, _)| event.clone()));
    let Some(deep) = first_too_deep(&html, CONTENT_LIMITS) else {
        return Ok(html);
    };
    // Rare: write the HTML again, up to the place found, noting which event writes it.
    let current = Cell::new(0);
    let mut writer = HtmlUpTo {
        written: 0,
        end: deep.offset,
        current: &current,
        event: usize::MAX,
        event_start: 0,
        found: None,
    };
    let _ = html::write_html_fmt(
        &mut writer,
        events.iter().enumerate().map(|(index, (event, _))| {
            current.set(index);
            event.clone()
        }),
    );
    let Some((index, into_event)) = writer.found else {
        return Err((0, deep));
    };
    let (event, offset) = &events[index];
    // Raw HTML is written as it is: point at the tag itself when the text has it there.
    let offset = match event {
        Event::Html(raw) | Event::InlineHtml(raw)
            if text
                .get(*offset..)
                .is_some_and(|rest| rest.starts_with(&**raw)) =>
        {
            offset + into_event
        }
        _ => *offset,
    };
    Err((offset, deep))
}

/// Counts the HTML written until byte `end`, then notes which event writes it (and how far
/// into that event's HTML), and stops.
struct HtmlUpTo<'c> {
    written: usize,
    end: usize,
    current: &'c Cell<usize>,
    event: usize,
    event_start: usize,
    found: Option<(usize, usize)>,
}

impl std::fmt::Write for HtmlUpTo<'_> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        if self.current.get() != self.event {
            self.event = self.current.get();
            self.event_start = self.written;
        }
        self.written += text.len();
        if self.written > self.end {
            self.found = Some((self.event, self.end - self.event_start));
            return Err(std::fmt::Error);
        }
        Ok(())
    }
}
