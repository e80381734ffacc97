//! The partner map: Europe and North America, a pin for each partner (a link to its page, with
//! its name placed by `labels`; a name too long for the map is shortened there, and kept whole
//! in the link's accessible name, its tooltip and the table), lines for memoranda and missions,
//! a legend and the same facts as a table.
//!
//! The SVG's user unit is a CSS pixel (it is drawn [`WIDTH`] wide and never scaled), so its
//! text has the size the stylesheet gives it; on a narrower screen the map scrolls sideways in
//! its frame. The coastline is Natural Earth's (`coastline.txt`, public domain) in an
//! equirectangular projection scaled by the cosine of the mid latitude. Lines that share a pin
//! fan out: each bows higher than the one drawn before it at either end.

use super::labels::{self, Rect};
use super::words::ChartWords;
use super::{SERIES, figure, swatch};
use crate::markdown::escape;
use crate::site::DataGraph;
use crate::source::data::PartnerKind;
use std::fmt::Write;

/// The width of the map in CSS pixels.
pub const WIDTH: f64 = 640.0;
/// The widest a name may be on the map; a longer one is shortened.
const MAX_LABEL_WIDTH: f64 = 260.0;

/// The Natural Earth coastline, one ring of `lon,lat` pairs per line.
const COASTLINE: &str = include_str!("coastline.txt");

pub(super) struct Projection {
    west: f64,
    east: f64,
    south: f64,
    north: f64,
    pub width: f64,
    pub height: f64,
}

impl Projection {
    pub fn new(west: f64, east: f64, south: f64, north: f64, width: f64) -> Projection {
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

    pub fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            (lon - self.west) / (self.east - self.west) * self.width,
            (self.north - lat) / (self.north - self.south) * self.height,
        )
    }
}

/// Where names may go: the map, less a margin for the halo.
fn label_bounds(map: &Projection) -> Rect {
    Rect {
        x: 2.0,
        y: 2.0,
        width: map.width - 4.0,
        height: map.height - 4.0,
    }
}

/// The PIMAP window: from the Pacific coast to Finland, from Arizona to Lapland.
pub(super) fn projection() -> Projection {
    Projection::new(-126.0, 36.0, 26.0, 70.0, WIDTH)
}

fn coastline(map: &Projection) -> String {
    let mut svg = String::from("<g class=\"land\" aria-hidden=\"true\">");
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
    svg
}

/// A line between two pins, by index, and its class.
struct Link {
    from: usize,
    to: usize,
    class: String,
}

/// The height each link bows above the higher of its ends: 40 px plus 22 times its rank, the
/// lowest rank not taken by a link drawn before it at either end, so that links sharing a pin
/// fan out instead of stacking.
fn lifts(links: &[Link], pins: usize) -> Vec<f64> {
    let mut taken: Vec<Vec<u32>> = vec![Vec::new(); pins];
    links
        .iter()
        .map(|link| {
            let rank = (0..)
                .find(|r| !taken[link.from].contains(r) && !taken[link.to].contains(r))
                .unwrap_or(0);
            taken[link.from].push(rank);
            taken[link.to].push(rank);
            40.0 + 22.0 * f64::from(rank)
        })
        .collect()
}

fn links(graph: &DataGraph) -> Vec<Link> {
    let partners = &graph.entities.partners;
    let mut links = Vec::new();
    // Memoranda with named signatories (solid) and missions from organisers to hosts (dashed).
    // A memorandum with the partnership as a whole is shown by a ring around the partner's pin.
    for (i, partner) in partners.iter().enumerate() {
        if partner.record.kind == PartnerKind::International {
            for &cluster in graph.partner_mous.get(i).into_iter().flatten() {
                links.push(Link {
                    from: i,
                    to: cluster,
                    class: format!("line mou {}", SERIES[1]),
                });
            }
        }
    }
    for (m, organisers) in graph.mission_organisers.iter().enumerate() {
        for &host in graph.mission_hosts.get(m).into_iter().flatten() {
            for &organiser in organisers {
                links.push(Link {
                    from: organiser,
                    to: host,
                    class: format!("line mission {}", SERIES[2]),
                });
            }
        }
    }
    links.retain(|l| l.from < partners.len() && l.to < partners.len() && l.from != l.to);
    links
}

/// Europe and North America with a pin for each partner and lines for MoUs and missions.
pub fn partner_map(graph: &DataGraph, base_path: &str, words: &ChartWords) -> String {
    let partners = &graph.entities.partners;
    if partners.is_empty() {
        return String::new();
    }
    let map = projection();
    let at: Vec<(f64, f64)> = partners
        .iter()
        .map(|p| map.point(p.record.location.lon, p.record.location.lat))
        .collect();
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w:.0} {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"group\" aria-labelledby=\"partner-map-title\" xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"{w:.0}\" height=\"{h:.0}\" class=\"sea\"/>{}",
        coastline(&map),
        w = map.width,
        h = map.height
    );
    let links = links(graph);
    svg.push_str("<g aria-hidden=\"true\">");
    for (link, lift) in links.iter().zip(lifts(&links, partners.len())) {
        let ((x1, y1), (x2, y2)) = (at[link.from], at[link.to]);
        let _ = write!(
            svg,
            "<path d=\"M{x1:.1} {y1:.1} Q{:.1} {:.1} {x2:.1} {y2:.1}\" class=\"{}\"/>",
            (x1 + x2) / 2.0,
            y1.min(y2) - lift,
            link.class
        );
    }
    svg.push_str("</g>");
    let rows = pins(&mut svg, graph, &at, base_path, words);
    svg.push_str("</svg>");
    let clusters = partners
        .iter()
        .filter(|p| p.record.kind == PartnerKind::Cluster)
        .count();
    let body = format!(
        "<div class=\"chart-scroll\">{svg}</div>{}",
        legend(graph, &links, words)
    );
    let table = format!(
        "<table><thead><tr>{}</tr></thead><tbody>{rows}</tbody></table>",
        [
            "charts.map.partner",
            "charts.map.kind",
            "charts.map.place",
            "charts.map.mou_with"
        ]
        .iter()
        .map(|key| format!("<th scope=\"col\">{}</th>", escape(words.get(key))))
        .collect::<String>()
    );
    let description = words.fill(
        "charts.map.description",
        &[
            ("clusters", &clusters.to_string()),
            ("partners", &(partners.len() - clusters).to_string()),
        ],
    );
    figure(
        "partner-map",
        "chart-map",
        words.get("charts.map.title"),
        &description,
        &body,
        &table,
        words,
    )
}

/// Each partner's pin, ring and name, as a link to its page; returns the rows of the table.
fn pins(
    svg: &mut String,
    graph: &DataGraph,
    at: &[(f64, f64)],
    base_path: &str,
    words: &ChartWords,
) -> String {
    let partners = &graph.entities.partners;
    let map = projection();
    // Long names are shortened on the map; the link's name, its tooltip and the table keep them.
    let names: Vec<String> = partners
        .iter()
        .map(|p| labels::shorten(&p.record.name, MAX_LABEL_WIDTH))
        .collect();
    let widths: Vec<f64> = names.iter().map(|n| labels::text_width(n)).collect();
    let bounds = label_bounds(&map);
    let placements = labels::place(at, &widths, &bounds);
    let mut rows = String::new();
    for (i, partner) in partners.iter().enumerate() {
        let (x, y) = at[i];
        let (colour, kind) = match partner.record.kind {
            PartnerKind::Cluster => (SERIES[0], words.get("partner.cluster")),
            PartnerKind::International => (SERIES[1], words.get("partner.international")),
        };
        let url = escape(&format!("{base_path}/partners/{}/", partner.id));
        let _ = write!(
            svg,
            "<a href=\"{url}\" aria-label=\"{}\"><title>{}</title>",
            escape(&format!("{}, {kind}", partner.record.name)),
            escape(&partner.record.name)
        );
        if partner.record.mou.is_some() {
            let _ = write!(
                svg,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"12\" class=\"ring {colour}\"/>"
            );
        }
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\" class=\"pin {colour}\"/>"
        );
        if let Some(placement) = placements.get(i) {
            if let Some(((px, py), (lx, ly))) = placement.leader {
                // From the pin's edge to the label.
                let length = (lx - px).hypot(ly - py).max(1.0);
                let (sx, sy) = (px + (lx - px) * 8.0 / length, py + (ly - py) * 8.0 / length);
                let _ = write!(
                    svg,
                    "<path d=\"M{sx:.1} {sy:.1}L{lx:.1} {ly:.1}\" class=\"leader\"/>"
                );
            }
            let (anchor, text_x) = placement.anchor();
            let _ = write!(
                svg,
                "<text x=\"{text_x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" class=\"map-label\">{}</text>",
                placement.baseline(),
                escape(&names[i])
            );
        }
        svg.push_str("</a>");
        table_row(&mut rows, graph, i, &url, kind, words);
    }
    rows
}

fn table_row(
    rows: &mut String,
    graph: &DataGraph,
    i: usize,
    url: &str,
    kind: &str,
    words: &ChartWords,
) {
    let partners = &graph.entities.partners;
    let partner = &partners[i];
    let mut mou = graph
        .partner_mous
        .get(i)
        .into_iter()
        .flatten()
        .filter_map(|&p| partners.get(p))
        .map(|p| p.record.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if mou.is_empty() && partner.record.mou.is_some() {
        mou = words.get("charts.map.the_partnership").to_owned();
    }
    let _ = write!(
        rows,
        "<tr><td><a href=\"{url}\">{}</a></td><td>{}</td><td>{}, {}</td><td>{}</td></tr>",
        escape(&partner.record.name),
        escape(kind),
        escape(&partner.record.city),
        partner.record.country.name(),
        escape(&mou)
    );
}

/// What the pins, rings and lines on this map mean.
fn legend(graph: &DataGraph, links: &[Link], words: &ChartWords) -> String {
    let partners = &graph.entities.partners;
    let has_kind = |kind: PartnerKind| partners.iter().any(|p| p.record.kind == kind);
    let has_link = |class: &str| links.iter().any(|l| l.class.contains(class));
    let items = [
        (
            has_kind(PartnerKind::Cluster),
            format!(
                "<circle cx=\"8\" cy=\"8\" r=\"6\" class=\"pin {}\"/>",
                SERIES[0]
            ),
            "partner.cluster",
        ),
        (
            has_kind(PartnerKind::International),
            format!(
                "<circle cx=\"8\" cy=\"8\" r=\"6\" class=\"pin {}\"/>",
                SERIES[1]
            ),
            "partner.international",
        ),
        (
            partners.iter().any(|p| p.record.mou.is_some()),
            format!(
                "<circle cx=\"8\" cy=\"8\" r=\"6\" class=\"ring {}\"/>",
                SERIES[1]
            ),
            "charts.map.mou_ring",
        ),
        (
            has_link("mou"),
            format!("<path d=\"M0 8H16\" class=\"line mou {}\"/>", SERIES[1]),
            "charts.map.mou_line",
        ),
        (
            has_link("mission"),
            format!("<path d=\"M0 8H16\" class=\"line mission {}\"/>", SERIES[2]),
            "charts.map.mission_line",
        ),
    ];
    let mut html = String::from("<ul class=\"chart-legend\">");
    for (_, shape, key) in items.iter().filter(|item| item.0) {
        let _ = write!(html, "<li>{}{}</li>", swatch(shape), escape(words.get(key)));
    }
    html.push_str("</ul>");
    html
}

#[cfg(test)]
mod tests {
    use super::labels::PIN_RADIUS;
    use super::*;

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

    #[test]
    fn links_sharing_a_pin_fan_out() {
        // Eight links from four partners to two clusters (0 and 1), as near Europe.
        let links: Vec<Link> = (0..8)
            .map(|i| Link {
                from: 2 + i % 4,
                to: i / 4,
                class: String::new(),
            })
            .collect();
        let lifts = lifts(&links, 6);
        for (i, a) in links.iter().enumerate() {
            for (j, b) in links.iter().enumerate().skip(i + 1) {
                let shared = [a.from, a.to].iter().any(|p| [b.from, b.to].contains(p));
                if shared {
                    assert_ne!(lifts[i], lifts[j], "links {i} and {j} stack");
                }
            }
        }
    }

    /// The partners of the bundled PIMAP site: names and places read from data/partners.
    fn pimap_partners() -> Vec<(String, f64, f64)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/partners");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .filter(|p| {
                p.file_stem()
                    .is_some_and(|s| !s.to_string_lossy().contains('.'))
            })
            .collect();
        files.sort();
        files
            .iter()
            .map(|file| {
                let text = std::fs::read_to_string(file).unwrap_or_default();
                let field = |name: &str| {
                    text.lines()
                        .find_map(|l| l.trim().strip_prefix(name))
                        .map(|v| v.trim().to_owned())
                        .unwrap_or_default()
                };
                let number = |name: &str| field(name).parse::<f64>().unwrap_or(f64::NAN);
                (field("name:"), number("lat:"), number("lon:"))
            })
            .collect()
    }

    #[test]
    fn the_pimap_labels_do_not_overlap() {
        let partners = pimap_partners();
        assert!(partners.len() >= 7, "{partners:?}");
        let map = projection();
        let pins: Vec<(f64, f64)> = partners.iter().map(|p| map.point(p.2, p.1)).collect();
        let widths: Vec<f64> = partners
            .iter()
            .map(|p| labels::text_width(&labels::shorten(&p.0, MAX_LABEL_WIDTH)))
            .collect();
        let bounds = label_bounds(&map);
        let placements = labels::place(&pins, &widths, &bounds);
        labels::assert_apart(&pins, &placements, &bounds);
    }

    #[test]
    fn pins_are_within_the_map() {
        let map = projection();
        for (name, lat, lon) in pimap_partners() {
            let (x, y) = map.point(lon, lat);
            assert!(
                x > PIN_RADIUS
                    && x < map.width - PIN_RADIUS
                    && y > PIN_RADIUS
                    && y < map.height - PIN_RADIUS,
                "{name} at {x:.0}, {y:.0}"
            );
        }
    }
}
