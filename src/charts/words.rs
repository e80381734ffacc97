//! The words the charts write (titles, descriptions, table headers, legends, axis words), in
//! the language of the site being built.
//!
//! They come from the theme's strings files (`i18n/<code>.yaml`, see
//! `source::languages::strings`), read once per language by [`ChartWords::from_strings`]: the
//! only path from the strings to the charts. A theme without a chart key gets the English text
//! of [`ENGLISH`], which the bundled theme's `en.yaml` repeats (a test keeps the two equal).

use crate::source::languages::strings::Strings;
use std::collections::HashMap;

/// Every key the charts read, with its English text.
pub const ENGLISH: [(&str, &str); 37] = [
    ("charts.as_table", "{title} as a table"),
    ("kpis.caption", "Key performance indicators"),
    ("kpis.objective", "Objective"),
    ("kpis.indicator", "Indicator"),
    ("kpis.target", "Target"),
    ("kpis.achieved", "Achieved"),
    ("kpis.illustrative", "(illustrative)"),
    ("kpis.not_published", "not published"),
    ("kpis.more_than", "more than {value}"),
    (
        "charts.kpi.description",
        "{count} indicators in {objectives} objectives; each bar shows what was achieved against its target, and figures without a published target stand alone.",
    ),
    ("charts.kpi.no_target", "(no target published)"),
    ("roadmap.caption", "Roadmap"),
    ("roadmap.action", "Action"),
    ("roadmap.from", "From"),
    ("roadmap.to", "To"),
    ("roadmap.owners", "Owners"),
    ("roadmap.status_label", "Status"),
    ("roadmap.status.done", "done"),
    ("roadmap.status.in-progress", "in progress"),
    ("roadmap.status.planned", "planned"),
    (
        "charts.roadmap.description",
        "{count} actions from {first} to {last}; {done} done. Bars run from the start to the end month and are coloured by status.",
    ),
    ("charts.roadmap.quarter", "Q{number}"),
    ("charts.roadmap.today", "Today"),
    ("charts.roadmap.end", "End of the roadmap"),
    ("charts.roadmap.bar", "{from} to {to}, {status}"),
    ("charts.map.title", "Where the partners are"),
    (
        "charts.map.description",
        "A map of Europe and North America with {clusters} PIMAP clusters and {partners} international partners; a ring marks a partner that signed a memorandum of understanding with the partnership, solid lines join the named signatories of a memorandum, dashed lines the organisers and hosts of a mission.",
    ),
    ("charts.map.partner", "Partner"),
    ("charts.map.kind", "Kind"),
    ("charts.map.place", "Place"),
    ("charts.map.mou_with", "Memoranda of understanding with"),
    ("charts.map.the_partnership", "The PIMAP Partnership"),
    ("charts.map.mou_ring", "Memorandum with the partnership"),
    ("charts.map.mou_line", "Memorandum between partners"),
    ("charts.map.mission_line", "Mission, from organiser to host"),
    ("partner.cluster", "PIMAP cluster"),
    ("partner.international", "International partner"),
];

/// The chart words of one language.
#[derive(Debug, Clone)]
pub struct ChartWords {
    texts: HashMap<&'static str, String>,
}

impl ChartWords {
    /// The words of the language whose strings are `strings`.
    pub fn from_strings(strings: &Strings) -> ChartWords {
        let texts = ENGLISH
            .iter()
            .map(|&(key, english)| (key, strings.text(key).unwrap_or(english).to_owned()))
            .collect();
        ChartWords { texts }
    }

    /// The English words.
    pub fn english() -> ChartWords {
        ChartWords::from_strings(&Strings::default())
    }

    /// The text at `key` (one of [`ENGLISH`]'s keys).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.texts.get(key).map_or(key, String::as_str)
    }

    /// The text at `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut text = self.get(key).to_owned();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A label written as HTML (`label_html`), with the word for "illustrative" after it when
    /// the item is an example.
    pub fn labelled(&self, label_html: String, illustrative: bool) -> String {
        if illustrative {
            format!(
                "{label_html} {}",
                crate::markdown::escape(self.get("kpis.illustrative"))
            )
        } else {
            label_html
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::languages::strings::StringFiles;
    use std::path::Path;

    fn theme_strings() -> StringFiles {
        let mut files = StringFiles::default();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/pimap/i18n");
        for code in ["en", "fr", "sv", "pt", "fi"] {
            let file = dir.join(format!("{code}.yaml"));
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let mut errors = Vec::new();
            files.add(code, file, &text, &mut errors);
            assert!(errors.is_empty(), "{code}: {errors:?}");
        }
        files
    }

    #[test]
    fn the_theme_gives_every_chart_word_in_every_language() {
        let files = theme_strings();
        let english = files.for_language("en", "en");
        for (key, text) in ENGLISH {
            assert_eq!(english.text(key), Some(text), "en.yaml differs at {key}");
        }
        for code in ["fr", "sv", "pt", "fi"] {
            // The language's own file alone, without the English fallback.
            let own = files.for_language(code, code);
            for (key, text) in ENGLISH {
                let translated = own.text(key).unwrap_or_else(|| panic!("{code}: no {key}"));
                // Placeholders are kept in every translation.
                for placeholder in text.split('{').skip(1).filter_map(|p| p.split_once('}')) {
                    assert!(
                        translated.contains(&format!("{{{}}}", placeholder.0)),
                        "{code}.yaml {key} lost {{{}}}",
                        placeholder.0
                    );
                }
            }
        }
    }

    #[test]
    fn words_fill_placeholders_and_fall_back_to_english() {
        let words = ChartWords::english();
        assert_eq!(
            words.fill("charts.as_table", &[("title", "Roadmap")]),
            "Roadmap as a table"
        );
        let french = ChartWords::from_strings(&theme_strings().for_language("fr", "en"));
        assert_eq!(french.get("roadmap.caption"), "Feuille de route");
        assert_eq!(words.labelled("Bar".into(), true), "Bar (illustrative)");
    }
}
