//! Pictures drawn at build time from the data: the KPI dashboard (`kpi`), the roadmap Gantt
//! chart (`roadmap`) and the partner map (`map`, with `labels` placing its names). No charting
//! library and no script reaches the browser.
//!
//! Chart text has the page's own sizes, whatever the width of the screen. The bar charts are
//! HTML: labels, figures and axis words are real text in a CSS grid, and only the bars are small
//! SVGs with no text, stretched to their cell. The map is one SVG whose user unit is a CSS pixel
//! (never scaled), so its labels keep the stylesheet's size; it scrolls in its frame where the
//! screen is narrower. Each chart is a `<figure>` whose caption gives its title and what it
//! shows, and a `<details>` with the same facts as an HTML table. Shapes carry classes (`c1`...
//! `c5`, `track`, `grid`, `marker`, `land`, `sea`, `pin`) that the theme colours from its design
//! tokens, so the charts follow the palette, dark mode and print. Every word comes from
//! [`ChartWords`], in the language of the site being built; a KPI's or roadmap action's own text
//! that has no translation into it is marked with the default language's code (`lang="en"`).

mod kpi;
mod labels;
mod map;
mod roadmap;
mod words;

pub use kpi::kpi_chart;
pub use map::partner_map;
pub use roadmap::roadmap_chart;
pub use words::ChartWords;

use crate::markdown::escape;
use crate::source::languages::Language;

/// Series classes; their colours are the theme's design tokens (`--chart-1`... in core.css).
const SERIES: [&str; 5] = ["c1", "c2", "c3", "c4", "c5"];

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// A chart: its caption (title and description), its picture and its table.
fn figure(
    id: &str,
    class: &str,
    title: &str,
    description: &str,
    body: &str,
    table: &str,
    words: &ChartWords,
) -> String {
    format!(
        "<figure class=\"chart {class}\" id=\"{id}\" aria-labelledby=\"{id}-title\"><figcaption><span class=\"chart-title\" id=\"{id}-title\">{}</span> <span class=\"chart-desc\">{}</span></figcaption>{body}<details><summary>{}</summary>{table}</details></figure>",
        escape(title),
        escape(description),
        escape(&words.fill("charts.as_table", &[("title", title)]))
    )
}

/// `text`, escaped; marked with the default language's code where `item` (`kpis/<id>`,
/// `roadmap/<id>`) has no translation into the language of the site being built.
fn in_language(text: &str, item: &str, language: &Language) -> String {
    if language.fallback_items.contains(item) {
        format!(
            "<span lang=\"{}\">{}</span>",
            escape(&language.default_code),
            escape(text)
        )
    } else {
        escape(text)
    }
}

/// A 16 px legend sample holding `shape`.
fn swatch(shape: &str) -> String {
    format!(
        "<svg class=\"swatch\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\" focusable=\"false\">{shape}</svg>"
    )
}
