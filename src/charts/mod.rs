//! Pictures drawn at build time as inline SVG: the KPI dashboard, the roadmap timeline and the
//! partner map. No charting library reaches the browser.
//!
//! Each picture is a `<figure>` holding an SVG with `role="img"`, a `<title>` and a `<desc>`, and
//! a `<details>` with the same facts as an HTML table for people who cannot see it. Text is 14
//! px or more in a viewBox about as wide as a phone, so it stays readable when the SVG shrinks.
//! Shapes carry classes (`c1`...`c5`, `track`, `label`, `muted`, `land`, `sea`) and the theme
//! colours them from its design tokens, so charts follow the palette and dark mode. The map projects
//! Natural Earth coastlines (`coastline.txt`, public domain) with an equirectangular projection
//! scaled by the cosine of the mid latitude.

use crate::markdown::escape;
use crate::site::DataGraph;
use crate::source::data::{PartnerKind, Status};
use std::fmt::Write;

/// Series classes; their colours are the theme's design tokens (`--chart-1`... in site.css).
const SERIES: [&str; 5] = ["c1", "c2", "c3", "c4", "c5"];
const WIDTH: f64 = 400.0;
const LINE: f64 = 18.0;

/// Breaks `text` into lines of at most `max` characters, at spaces.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn text_lines(svg: &mut String, x: f64, y: f64, lines: &[String], attributes: &str) {
    let _ = write!(svg, "<text x=\"{x}\" y=\"{y}\" {attributes}>");
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { LINE };
        let _ = write!(svg, "<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>", escape(line));
    }
    svg.push_str("</text>");
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn figure(
    id: &str,
    title: &str,
    description: &str,
    (width, height): (f64, f64),
    body: &str,
    table: &str,
) -> String {
    format!(
        "<figure class=\"chart\" id=\"{id}\"><svg viewBox=\"0 0 {width:.0} {height:.0}\" width=\"{width:.0}\" height=\"{height:.0}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"system-ui, sans-serif\" font-size=\"14\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{body}</svg><details><summary>{} as a table</summary>{table}</details></figure>",
        escape(title),
        escape(description),
        escape(title)
    )
}

/// The KPI dashboard: each indicator as a bar of achieved against target, grouped by objective.
pub fn kpi_chart(graph: &DataGraph) -> String {
    let Some((_, kpis)) = &graph.entities.kpis else {
        return String::new();
    };
    let mut objectives: Vec<&str> = Vec::new();
    for kpi in kpis {
        if !objectives.contains(&kpi.objective.as_str()) {
            objectives.push(&kpi.objective);
        }
    }
    let mut svg = String::new();
    let mut y = 4.0;
    let mut rows = String::new();
    for (o, objective) in objectives.iter().enumerate() {
        let colour = SERIES[o % SERIES.len()];
        let heading = wrap(objective, 44);
        y += LINE;
        text_lines(
            &mut svg,
            0.0,
            y,
            &heading,
            "class=\"label\" font-weight=\"700\"",
        );
        y += LINE * (heading.len() as f64 - 1.0) + 8.0;
        for kpi in kpis.iter().filter(|k| k.objective == *objective) {
            let label = wrap(&labelled(&kpi.label, kpi.illustrative), 50);
            y += LINE;
            text_lines(&mut svg, 0.0, y, &label, "class=\"label\"");
            y += LINE * (label.len() as f64 - 1.0) + 8.0;
            let bar = WIDTH - 120.0;
            let achieved = format!(
                "{}{}",
                if kpi.more_than { "more than " } else { "" },
                number(kpi.achieved)
            );
            // A bar needs a target to measure against; without one, the figure stands alone.
            let (value_x, value) = match kpi.target {
                Some(target) => {
                    let share = if target > 0.0 {
                        (kpi.achieved / target).min(1.0)
                    } else {
                        1.0
                    };
                    let _ = write!(
                        svg,
                        "<rect x=\"0\" y=\"{y:.0}\" width=\"{bar:.0}\" height=\"14\" rx=\"3\" class=\"track\"/><rect x=\"0\" y=\"{y:.0}\" width=\"{:.1}\" height=\"14\" rx=\"3\" class=\"{colour}\"/>",
                        bar * share
                    );
                    (
                        bar + 8.0,
                        format!("{achieved} / {} {}", number(target), kpi.unit),
                    )
                }
                None => (
                    0.0,
                    format!("{achieved} {} (no target published)", kpi.unit),
                ),
            };
            let _ = write!(
                svg,
                "<text x=\"{value_x:.0}\" y=\"{:.0}\" class=\"label\">{}</text>",
                y + 12.0,
                escape(&value)
            );
            y += 24.0;
            let _ = write!(
                rows,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{achieved} {}</td></tr>",
                escape(objective),
                escape(&labelled(&kpi.label, kpi.illustrative)),
                kpi.target.map_or_else(
                    || "not published".to_owned(),
                    |t| format!("{} {}", number(t), escape(&kpi.unit))
                ),
                escape(&kpi.unit)
            );
        }
        y += 6.0;
    }
    let table = format!(
        "<table><thead><tr><th scope=\"col\">Objective</th><th scope=\"col\">Indicator</th><th scope=\"col\">Target</th><th scope=\"col\">Achieved</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    let description = format!(
        "{} indicators in {} objectives; each bar shows what was achieved against its target, and figures without a published target stand alone.",
        kpis.len(),
        objectives.len()
    );
    figure(
        "kpi-chart",
        "Key performance indicators",
        &description,
        (WIDTH, y + 4.0),
        &svg,
        &table,
    )
}

/// A label, with "(illustrative)" after it when the item is an example.
fn labelled(label: &str, illustrative: bool) -> String {
    if illustrative {
        format!("{label} (illustrative)")
    } else {
        label.to_owned()
    }
}

/// The roadmap as a Gantt chart by year and quarter, coloured by status.
pub fn roadmap_chart(graph: &DataGraph) -> String {
    let Some((_, actions)) = &graph.entities.roadmap else {
        return String::new();
    };
    if actions.is_empty() {
        return String::new();
    }
    let first = actions
        .iter()
        .map(|a| a.start.parts().0)
        .min()
        .unwrap_or(2020);
    let last = actions
        .iter()
        .map(|a| a.end.parts().0)
        .max()
        .unwrap_or(first);
    let months = f64::from((last - first + 1) * 12);
    let x_of = |(year, month): (u32, u32)| {
        f64::from(year.saturating_sub(first) * 12 + month.saturating_sub(1)) / months * WIDTH
    };
    let status_style = |status: Status| match status {
        Status::Done => (SERIES[0], "done"),
        Status::InProgress => (SERIES[3], "in progress"),
        Status::Planned => (SERIES[2], "planned"),
    };
    let mut svg = String::new();
    // Years and quarters.
    for year in first..=last {
        let x = x_of((year, 1));
        let _ = write!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"22\" x2=\"{x:.1}\" y2=\"100%\" class=\"grid\"/><text x=\"{:.1}\" y=\"16\" class=\"label\" font-weight=\"700\">{year}</text>",
            x + 4.0
        );
        for quarter in 1..4 {
            let qx = x_of((year, quarter * 3 + 1));
            let _ = write!(
                svg,
                "<line x1=\"{qx:.1}\" y1=\"24\" x2=\"{qx:.1}\" y2=\"100%\" class=\"grid-minor\"/>"
            );
        }
    }
    let mut y = 30.0;
    let mut rows = String::new();
    for (i, action) in actions.iter().enumerate() {
        let (colour, status) = status_style(action.status);
        let owners: Vec<&str> = graph
            .roadmap_owners
            .get(i)
            .map(|o| {
                o.iter()
                    .map(|&p| graph.entities.partners[p].record.name.as_str())
                    .collect()
            })
            .unwrap_or_default();
        let title = wrap(&labelled(&action.title, action.illustrative), 50);
        y += LINE;
        text_lines(&mut svg, 0.0, y, &title, "class=\"label\"");
        y += LINE * (title.len() as f64 - 1.0) + 6.0;
        let x0 = x_of(action.start.parts());
        let (ey, em) = action.end.parts();
        let x1 = x_of(if em == 12 { (ey + 1, 1) } else { (ey, em + 1) }).min(WIDTH);
        let _ = write!(
            svg,
            "<rect x=\"{x0:.1}\" y=\"{y:.0}\" width=\"{:.1}\" height=\"12\" rx=\"3\" class=\"{colour}\"><title>{}</title></rect>",
            (x1 - x0).max(3.0),
            escape(&format!("{} to {}, {status}", action.start.0, action.end.0))
        );
        y += 14.0;
        let owner_text = format!("{status} · {}", owners.join(", "));
        let owner_lines = wrap(&owner_text, 52);
        y += 14.0;
        text_lines(&mut svg, 0.0, y, &owner_lines, "class=\"muted\"");
        y += LINE * (owner_lines.len() as f64 - 1.0) + 8.0;
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{status}</td></tr>",
            escape(&action.title),
            action.start.0,
            action.end.0,
            escape(&owners.join(", "))
        );
    }
    let table = format!(
        "<table><thead><tr><th scope=\"col\">Action</th><th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Owners</th><th scope=\"col\">Status</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    let done = actions.iter().filter(|a| a.status == Status::Done).count();
    let description = format!(
        "{} actions from {first} to {last}; {done} done. Bars run from start to end month and are coloured by status.",
        actions.len()
    );
    figure(
        "roadmap-chart",
        "Roadmap",
        &description,
        (WIDTH, y + 4.0),
        &svg,
        &table,
    )
}

/// The Natural Earth coastline, one ring of `lon,lat` pairs per line.
const COASTLINE: &str = include_str!("coastline.txt");

struct Projection {
    west: f64,
    east: f64,
    south: f64,
    north: f64,
    width: f64,
    height: f64,
}

impl Projection {
    fn new(west: f64, east: f64, south: f64, north: f64, width: f64) -> Projection {
        let scale = ((south + north) / 2.0).to_radians().cos();
        let height = width * (north - south) / ((east - west) * scale);
        Projection {
            west,
            east,
            south,
            north,
            width,
            height,
        }
    }

    fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.west) / (self.east - self.west) * self.width,
            (self.north - lat) / (self.north - self.south) * self.height,
        )
    }
}

/// A curve from one point to another, bowed `lift` units above the higher of the two.
fn arc(svg: &mut String, (x1, y1): (f64, f64), (x2, y2): (f64, f64), lift: f64, attributes: &str) {
    let _ = write!(
        svg,
        "<path d=\"M{x1:.1} {y1:.1} Q{:.1} {:.1} {x2:.1} {y2:.1}\" {attributes}/>",
        (x1 + x2) / 2.0,
        y1.min(y2) - lift
    );
}

/// Europe and North America with a pin for each partner and lines for MoUs and missions.
pub fn partner_map(graph: &DataGraph, base_path: &str) -> String {
    let partners = &graph.entities.partners;
    if partners.is_empty() {
        return String::new();
    }
    let map = Projection::new(-128.0, 38.0, 24.0, 70.0, 800.0);
    let mut svg = format!(
        "<rect width=\"{:.0}\" height=\"{:.0}\" class=\"sea\"/>",
        map.width, map.height
    );
    svg.push_str("<g class=\"land\" stroke-width=\"0.6\">");
    for ring in COASTLINE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut path = String::new();
        for (i, pair) in ring.split_whitespace().enumerate() {
            let Some((lon, lat)) = pair.split_once(',') else {
                continue;
            };
            let (Ok(lon), Ok(lat)) = (lon.parse::<f64>(), lat.parse::<f64>()) else {
                continue;
            };
            let (x, y) = map.point(lon, lat);
            let _ = write!(path, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
        }
        if !path.is_empty() {
            let _ = write!(svg, "<path d=\"{path}Z\"/>");
        }
    }
    svg.push_str("</g>");
    let at = |i: usize| {
        map.point(
            partners[i].record.location.lon,
            partners[i].record.location.lat,
        )
    };
    // Memoranda with named signatories (solid) and missions from organisers to hosts (dashed).
    // A memorandum with the partnership as a whole is shown by a ring around the partner's pin.
    for (i, partner) in partners.iter().enumerate() {
        if partner.record.kind == PartnerKind::International {
            for &cluster in &graph.partner_mous[i] {
                arc(
                    &mut svg,
                    at(i),
                    at(cluster),
                    60.0,
                    &format!("class=\"line {}\" stroke-width=\"1.6\"", SERIES[1]),
                );
            }
        }
    }
    for (m, organisers) in graph.mission_organisers.iter().enumerate() {
        for &host in &graph.mission_hosts[m] {
            for &organiser in organisers {
                let style = format!(
                    "class=\"line {}\" stroke-width=\"1.4\" stroke-dasharray=\"5 4\"",
                    SERIES[2]
                );
                arc(&mut svg, at(organiser), at(host), 90.0, &style);
            }
        }
    }
    let mut rows = String::new();
    for (i, partner) in partners.iter().enumerate() {
        let (x, y) = at(i);
        let (colour, kind) = match partner.record.kind {
            PartnerKind::Cluster => (SERIES[0], "PIMAP cluster"),
            PartnerKind::International => (SERIES[1], "International partner"),
        };
        // Labels go left of pins near the right edge, so they stay inside the map.
        let (label_x, anchor) = if x > map.width * 0.75 {
            (x - 10.0, "end")
        } else {
            (x + 10.0, "start")
        };
        if partner.record.mou.is_some() {
            let _ = write!(
                svg,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"12\" fill=\"none\" class=\"line {colour}\" stroke-width=\"2\"/>"
            );
        }
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\" class=\"pin {colour}\" stroke-width=\"2\"/><text x=\"{label_x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" class=\"label halo\" font-size=\"16\" font-weight=\"700\" paint-order=\"stroke\" stroke-width=\"3\">{}</text>",
            y + 5.0,
            escape(&partner.record.name)
        );
        let mut mou = graph.partner_mous[i]
            .iter()
            .map(|&p| partners[p].record.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if mou.is_empty() && partner.record.mou.is_some() {
            mou = "The PIMAP Partnership".to_owned();
        }
        let url = format!("{base_path}/partners/{}/", partner.id);
        let _ = write!(
            rows,
            "<tr><td><a href=\"{}\">{}</a></td><td>{kind}</td><td>{}, {}</td><td>{}</td></tr>",
            escape(&url),
            escape(&partner.record.name),
            escape(&partner.record.city),
            partner.record.country.name(),
            escape(&mou)
        );
    }
    let table = format!(
        "<table><thead><tr><th scope=\"col\">Partner</th><th scope=\"col\">Kind</th><th scope=\"col\">Place</th><th scope=\"col\">Memoranda of understanding with</th></tr></thead><tbody>{rows}</tbody></table>"
    );
    let clusters = partners
        .iter()
        .filter(|p| p.record.kind == PartnerKind::Cluster)
        .count();
    let description = format!(
        "A map of Europe and North America with {clusters} PIMAP clusters and {} international partners; a ring marks a partner that signed a memorandum of understanding with the partnership, solid lines join the named signatories of a memorandum, dashed lines the organisers and hosts of a mission.",
        partners.len() - clusters
    );
    figure(
        "partner-map",
        "Where the partners are",
        &description,
        (map.width, map.height),
        &svg,
        &table,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("", 9), Vec::<String>::new());
    }

    #[test]
    fn the_projection_keeps_the_window() {
        let map = Projection::new(-10.0, 10.0, 40.0, 60.0, 200.0);
        assert_eq!(map.point(-10.0, 60.0), (0.0, 0.0));
        let (x, y) = map.point(10.0, 40.0);
        assert!((x - 200.0).abs() < 1e-9 && (y - map.height).abs() < 1e-9);
        assert!(
            map.height > 200.0,
            "a degree of longitude is shorter than one of latitude"
        );
    }

    #[test]
    fn the_coastline_parses() {
        let rings = COASTLINE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert!(rings > 10, "{rings} rings");
    }
}
