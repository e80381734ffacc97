//! The KPI dashboard: each indicator as a bar of what was achieved against its target,
//! grouped by objective, drawn in HTML (see the module `charts`).

use super::words::ChartWords;
use super::{SERIES, figure, number};
use crate::markdown::escape;
use crate::site::DataGraph;
use crate::source::records::Kpi;
use std::fmt::Write;

/// The KPI dashboard, or nothing when the site has no `data/kpis.yaml`.
pub fn kpi_chart(graph: &DataGraph, words: &ChartWords) -> String {
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
        let _ = write!(
            body,
            "<p class=\"chart-group\">{}</p><dl class=\"bars\">",
            escape(objective)
        );
        for kpi in kpis.iter().filter(|k| k.objective == *objective) {
            bar_row(&mut body, kpi, colour, words);
            table_row(&mut rows, objective, kpi, words);
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
fn bar_row(body: &mut String, kpi: &Kpi, colour: &str, words: &ChartWords) {
    let label = words.labelled(&kpi.label, kpi.illustrative);
    let achieved = achieved(kpi, words);
    let _ = write!(
        body,
        "<div class=\"bar-row\"><dt>{}</dt><dd>",
        escape(&label)
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
                escape(&kpi.unit)
            );
        }
        None => {
            let _ = write!(
                body,
                "<span class=\"bar-figure bar-alone\">{} {} {}</span>",
                escape(&achieved),
                escape(&kpi.unit),
                escape(words.get("charts.kpi.no_target"))
            );
        }
    }
    body.push_str("</dd></div>");
}

fn table_row(rows: &mut String, objective: &str, kpi: &Kpi, words: &ChartWords) {
    let target = kpi.target.map_or_else(
        || escape(words.get("kpis.not_published")),
        |t| format!("{} {}", number(t), escape(&kpi.unit)),
    );
    let _ = write!(
        rows,
        "<tr><td>{}</td><td>{}</td><td>{target}</td><td>{} {}</td></tr>",
        escape(objective),
        escape(&words.labelled(&kpi.label, kpi.illustrative)),
        escape(&achieved(kpi, words)),
        escape(&kpi.unit)
    );
}
