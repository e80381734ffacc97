//! The roadmap as a Gantt chart, drawn in HTML (see the module `charts`): a column of action
//! labels (title, then status and owners), a track per action with its bar from the start to
//! the end month, coloured by status, years and quarters on the axis, and a marker at the
//! build's day when it falls inside the roadmap, else at the roadmap's end. The axis spans at
//! most [`MAX_AXIS_YEARS`], so a typo year cannot make the chart endless.

use super::words::ChartWords;
use super::{SERIES, figure, in_language, swatch};
use crate::markdown::escape;
use crate::site::DataGraph;
use crate::source::data::Status;
use crate::source::languages::Language;
use crate::source::publication::Day;
use crate::source::records::RoadmapAction;
use std::fmt::Write;

/// Quarters are named on the axis up to this many years; beyond, years alone.
const MAX_YEARS_WITH_QUARTERS: u32 = 4;

/// The most years an axis spans: a roadmap with a typo year (`0001-01`, which the data's check
/// refuses) still draws a chart of bounded size, ending at its last year.
const MAX_AXIS_YEARS: u32 = 50;

/// The span of the axis: whole years, in months from January of the first.
struct Axis {
    first: u32,
    last: u32,
}

impl Axis {
    fn months(&self) -> u32 {
        (self.last - self.first + 1) * 12
    }

    /// Months from the axis's start to the start of `(year, month)`.
    fn at(&self, (year, month): (u32, u32)) -> f64 {
        f64::from(year.saturating_sub(self.first) * 12 + month.saturating_sub(1))
            .min(f64::from(self.months()))
    }

    /// Where the marker goes: the build's day inside the axis, else the end of the last action.
    fn marker(&self, today: Day, end: (u32, u32)) -> (f64, bool) {
        let (year, month, day) = today.parts();
        if (self.first..=self.last).contains(&year) {
            (self.at((year, month)) + f64::from(day - 1) / 31.0, true)
        } else {
            (self.at(end) + 1.0, false)
        }
    }
}

/// What every track of a chart shares: its grid, its length in months and the marker.
struct Track {
    grid: String,
    months: u32,
    marker: f64,
}

/// One action: where its bar runs (in months from the axis's start) and who owns it.
struct Row<'a> {
    action: &'a RoadmapAction,
    span: (f64, f64),
    owners: String,
}

impl Row<'_> {
    /// Writes the action's label and track into `body` and its row into `rows` of the table.
    fn write(
        &self,
        body: &mut String,
        rows: &mut String,
        (track, words, language): (&Track, &ChartWords, &Language),
    ) {
        let action = self.action;
        let (colour, status_key) = status_style(action.status);
        let status = words.get(status_key);
        let title = words.labelled(
            in_language(&action.title, &format!("roadmap/{}", action.id), language),
            action.illustrative,
        );
        let (x0, x1) = self.span;
        let span = words.fill(
            "charts.roadmap.bar",
            &[
                ("from", &action.start.0),
                ("to", &action.end.0),
                ("status", status),
            ],
        );
        let _ = write!(
            body,
            "<li class=\"gantt-row\"><p class=\"gantt-label\"><span class=\"gantt-title\">{}</span> <span class=\"gantt-meta\">{} · {}</span></p><svg class=\"gantt-track\" viewBox=\"0 0 {} 1\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"{}\"><title>{}</title>{}<rect x=\"{x0:.0}\" y=\".15\" width=\"{:.0}\" height=\".7\" class=\"{colour}\"/><path d=\"M{:.2} 0V1\" class=\"marker\" vector-effect=\"non-scaling-stroke\"/></svg></li>",
            title,
            escape(status),
            escape(&self.owners),
            track.months,
            escape(&span),
            escape(&span),
            track.grid,
            (x1 - x0).max(1.0),
            track.marker,
        );
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            title,
            action.start.0,
            action.end.0,
            escape(&self.owners),
            escape(status)
        );
    }
}

fn status_style(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Done => (SERIES[0], "roadmap.status.done"),
        Status::InProgress => (SERIES[3], "roadmap.status.in-progress"),
        Status::Planned => (SERIES[2], "roadmap.status.planned"),
    }
}

/// The roadmap, or nothing when the site has no actions.
pub fn roadmap_chart(
    graph: &DataGraph,
    words: &ChartWords,
    language: &Language,
    today: Day,
) -> String {
    let Some((_, actions)) = &graph.entities.roadmap else {
        return String::new();
    };
    let Some((axis, end)) = axis_of(actions) else {
        return String::new();
    };
    let (marker, is_today) = axis.marker(today, end);
    let track = Track {
        grid: grid_lines(&axis),
        months: axis.months(),
        marker,
    };
    let mut body = format!(
        "<div class=\"gantt\">{}<ol class=\"gantt-rows\">",
        axis_labels(&axis, words)
    );
    let mut rows = String::new();
    for (i, action) in actions.iter().enumerate() {
        let owners: Vec<&str> = graph
            .roadmap_owners
            .get(i)
            .map(|o| {
                o.iter()
                    .filter_map(|&p| graph.entities.partners.get(p))
                    .map(|p| p.record.name.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let row = Row {
            action,
            span: (
                axis.at(action.start.parts()),
                axis.at(action.end.parts()) + 1.0,
            ),
            owners: owners.join(", "),
        };
        row.write(&mut body, &mut rows, (&track, words, language));
    }
    body.push_str("</ol></div>");
    legend(&mut body, words, is_today);
    let table = format!(
        "<table><thead><tr>{}</tr></thead><tbody>{rows}</tbody></table>",
        [
            "roadmap.action",
            "roadmap.from",
            "roadmap.to",
            "roadmap.owners",
            "roadmap.status_label"
        ]
        .iter()
        .map(|key| format!("<th scope=\"col\">{}</th>", escape(words.get(key))))
        .collect::<String>()
    );
    let done = actions.iter().filter(|a| a.status == Status::Done).count();
    let description = words.fill(
        "charts.roadmap.description",
        &[
            ("count", &actions.len().to_string()),
            ("first", &axis.first.to_string()),
            ("last", &axis.last.to_string()),
            ("done", &done.to_string()),
        ],
    );
    figure(
        "roadmap-chart",
        "chart-gantt",
        words.get("roadmap.caption"),
        &description,
        &body,
        &table,
        words,
    )
}

/// The axis of `actions`, from the year of the first start to that of the last end (at most
/// [`MAX_AXIS_YEARS`], ending at the last), and the last end's (year, month); `None` without
/// actions.
fn axis_of(actions: &[RoadmapAction]) -> Option<(Axis, (u32, u32))> {
    let first = actions.iter().map(|a| a.start.parts().0).min()?;
    let last = actions.iter().map(|a| a.end.parts().0).max()?.max(first);
    let end = actions.iter().map(|a| a.end.parts()).max()?;
    let axis = Axis {
        first: first.max(last - (MAX_AXIS_YEARS - 1).min(last)),
        last,
    };
    Some((axis, end))
}

/// The years, and their quarters when there is room, above the tracks.
fn axis_labels(axis: &Axis, words: &ChartWords) -> String {
    let quarters = axis.last - axis.first < MAX_YEARS_WITH_QUARTERS;
    let mut html = String::from(
        "<div class=\"gantt-axis\" aria-hidden=\"true\"><span></span><span class=\"gantt-years\">",
    );
    for year in axis.first..=axis.last {
        let _ = write!(html, "<span class=\"gantt-year\"><b>{year}</b>");
        if quarters {
            html.push_str("<span class=\"gantt-quarters\">");
            for quarter in 1..=4 {
                let _ = write!(
                    html,
                    "<span>{}</span>",
                    escape(&words.fill(
                        "charts.roadmap.quarter",
                        &[("number", &quarter.to_string())]
                    ))
                );
            }
            html.push_str("</span>");
        }
        html.push_str("</span>");
    }
    html.push_str("</span></div>");
    html
}

/// A line at each year (strong) and quarter (light), drawn in every track.
fn grid_lines(axis: &Axis) -> String {
    let (mut years, mut quarters) = (String::new(), String::new());
    for month in (3..axis.months()).step_by(3) {
        let line = if month % 12 == 0 {
            &mut years
        } else {
            &mut quarters
        };
        let _ = write!(line, "M{month} 0V1");
    }
    let mut grid = String::new();
    for (d, class) in [(quarters, "grid-minor"), (years, "grid")] {
        if !d.is_empty() {
            let _ = write!(
                grid,
                "<path d=\"{d}\" class=\"{class}\" vector-effect=\"non-scaling-stroke\"/>"
            );
        }
    }
    grid
}

fn legend(body: &mut String, words: &ChartWords, is_today: bool) {
    body.push_str("<ul class=\"chart-legend\">");
    for status in [Status::Done, Status::InProgress, Status::Planned] {
        let (colour, key) = status_style(status);
        let _ = write!(
            body,
            "<li>{}{}</li>",
            swatch(&format!(
                "<rect width=\"16\" height=\"12\" y=\"2\" class=\"{colour}\"/>"
            )),
            escape(words.get(key))
        );
    }
    let marker = if is_today {
        "charts.roadmap.today"
    } else {
        "charts.roadmap.end"
    };
    let _ = write!(
        body,
        "<li>{}{}</li></ul>",
        swatch("<path d=\"M8 0V16\" class=\"marker\"/>"),
        escape(words.get(marker))
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::data::Month;

    #[test]
    fn the_marker_is_today_inside_the_roadmap_and_its_end_outside() {
        let axis = Axis {
            first: 2020,
            last: 2022,
        };
        let day = |text: &str| Day::parse(text).unwrap();
        assert_eq!(axis.marker(day("2021-07-01"), (2022, 6)), (18.0, true));
        assert_eq!(axis.marker(day("2026-11-30"), (2022, 6)), (30.0, false));
        assert_eq!(axis.marker(day("2019-01-01"), (2022, 12)), (36.0, false));
    }

    #[test]
    fn a_typo_year_leaves_the_axis_and_its_grid_bounded() {
        let action = |start: &str, end: &str| RoadmapAction {
            id: start.to_owned(),
            title: "Study".to_owned(),
            start: Month(start.to_owned()),
            end: Month(end.to_owned()),
            owners: vec!["nordlight".to_owned()],
            status: Status::Planned,
            illustrative: false,
        };
        let actions = [action("0001-01", "2026-06"), action("2025-01", "2026-12")];
        let (axis, end) = axis_of(&actions).unwrap();
        assert_eq!((axis.last, end), (2026, (2026, 12)));
        assert_eq!(axis.last - axis.first + 1, MAX_AXIS_YEARS);
        assert_eq!(axis.at((1, 1)), 0.0, "an earlier start begins at the axis");
        let lines = grid_lines(&axis).matches('M').count();
        assert_eq!(lines, MAX_AXIS_YEARS as usize * 4 - 1, "{lines} grid lines");
        let labels = axis_labels(&axis, &ChartWords::english());
        assert_eq!(
            labels.matches("class=\"gantt-year\"").count(),
            MAX_AXIS_YEARS as usize
        );
    }

    #[test]
    fn grid_lines_mark_quarters_and_years() {
        let grid = grid_lines(&Axis {
            first: 2020,
            last: 2021,
        });
        assert!(grid.contains("d=\"M3 0V1M6 0V1M9 0V1M15 0V1"), "{grid}");
        assert!(grid.contains("d=\"M12 0V1\" class=\"grid\""), "{grid}");
    }
}
