//! The KPI dashboard: each indicator as a bar of what was achieved against its target,
//! grouped by objective, drawn in HTML (see the module `charts`).

use super::words::ChartWords;
use super::{SERIES, figure, in_language, number};
use crate::markdown::escape;
use crate::site::DataGraph;
use crate::source::languages::Language;
use crate::source::records::Kpi;
use std::fmt::Write;

/// The KPI dashboard, or nothing when the site has no `data/kpis.yaml`.
pub fn kpi_chart(graph: &DataGraph, words: &ChartWords, language: &Language) -> String {
    let Some((_, kpis)) = &graph.entities.kpis else {
        return String::new();
    };
    let mut objectives: Vec<&str> = Vec::new();
    for kpi in kpis {
        if !objectives.contains(&kpi.objective.as_str()) {
            objectives.push(&kpi.objective);
        }
    }
    let mut body = String::new();
    let mut rows = String::new();
    for (o, objective) in objectives.iter().enumerate() {
        let colour = SERIES[o % SERIES.len()];
        let group: Vec<&Kpi> = kpis.iter().filter(|k| k.objective == *objective).collect();
        // An objective is in the default language when none of its indicators is translated.
        let translated = group.iter().find(|kpi| !is_fallback(kpi, language));
        let item = translated.map_or_else(|| item_of(group[0]), |kpi| item_of(kpi));
        let _ = write!(
            body,
            "<p class=\"chart-group\">{}</p><dl class=\"bars\">",
            in_language(objective, &item, language)
        );
        for kpi in group {
            bar_row(&mut body, kpi, colour, words, language);
            table_row(&mut rows, kpi, words, language);
        }
        body.push_str("</dl>");
    }
    let table = format!(
        "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>{rows}</tbody></table>",
        escape(words.get("kpis.objective")),
        escape(words.get("kpis.indicator")),
        escape(words.get("kpis.target")),
        escape(words.get("kpis.achieved")),
    );
    let description = words.fill(
        "charts.kpi.description",
        &[
            ("count", &kpis.len().to_string()),
            ("objectives", &objectives.len().to_string()),
        ],
    );
    figure(
        "kpi-chart",
        "chart-bars",
        words.get("kpis.caption"),
        &description,
        &body,
        &table,
        words,
    )
}

/// How `language` names a KPI among the items it shows untranslated.
fn item_of(kpi: &Kpi) -> String {
    format!("kpis/{}", kpi.id)
}

fn is_fallback(kpi: &Kpi, language: &Language) -> bool {
    language.fallback_items.contains(&item_of(kpi))
}

/// The indicator's label as HTML, "(illustrative)" after it where it is invented.
fn label(kpi: &Kpi, words: &ChartWords, language: &Language) -> String {
    words.labelled(
        in_language(&kpi.label, &item_of(kpi), language),
        kpi.illustrative,
    )
}

/// "more than 40" or "40".
fn achieved(kpi: &Kpi, words: &ChartWords) -> String {
    let value = number(kpi.achieved);
    if kpi.more_than {
        words.fill("kpis.more_than", &[("value", &value)])
    } else {
        value
    }
}

/// One indicator: its label, then a bar (when it has a target) and the figure, aligned in a
/// column of their own.
fn bar_row(body: &mut String, kpi: &Kpi, colour: &str, words: &ChartWords, language: &Language) {
    let achieved = achieved(kpi, words);
    let unit = in_language(&kpi.unit, &item_of(kpi), language);
    let _ = write!(
        body,
        "<div class=\"bar-row\"><dt>{}</dt><dd>",
        label(kpi, words, language)
    );
    // A bar needs a target to measure against; without one, the figure stands alone.
    match kpi.target {
        Some(target) => {
            let share = if target > 0.0 {
                (kpi.achieved / target).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let _ = write!(
                body,
                "<svg class=\"bar\" viewBox=\"0 0 100 1\" preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\"><rect width=\"100\" height=\"1\" class=\"track\"/><rect width=\"{:.1}\" height=\"1\" class=\"{colour}\"/></svg><span class=\"bar-figure\">{} / {} {}</span>",
                share * 100.0,
                escape(&achieved),
                number(target),
                unit
            );
        }
        None => {
            let _ = write!(
                body,
                "<span class=\"bar-figure bar-alone\">{} {} {}</span>",
                escape(&achieved),
                unit,
                escape(words.get("charts.kpi.no_target"))
            );
        }
    }
    body.push_str("</dd></div>");
}

fn table_row(rows: &mut String, kpi: &Kpi, words: &ChartWords, language: &Language) {
    let item = item_of(kpi);
    let unit = in_language(&kpi.unit, &item, language);
    let target = kpi.target.map_or_else(
        || escape(words.get("kpis.not_published")),
        |t| format!("{} {unit}", number(t)),
    );
    let _ = write!(
        rows,
        "<tr><td>{}</td><td>{}</td><td>{target}</td><td>{} {unit}</td></tr>",
        in_language(&kpi.objective, &item, language),
        label(kpi, words, language),
        escape(&achieved(kpi, words)),
    );
}
