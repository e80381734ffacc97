//! Where the map writes each pin's name so that no two names overlap, nor a name a pin.
//!
//! Text is not measured (the build has no fonts): a name's width is estimated from its number
//! of characters times an average advance of the theme's sans-serif font, bold, with a margin.
//! Each label tries positions around its pin (right, left, above, below, then the diagonals),
//! first beside it, then farther out, where a leader line joins it to the pin; the first
//! position inside the map that overlaps no placed label and no pin wins. Labels are placed
//! most crowded pin first, so that those with the fewest free positions choose first.

/// A rectangle: left, top, width, height, in the map's units (CSS pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    #[cfg(test)]
    fn overlaps(&self, other: &Rect) -> bool {
        overlap_area(self, other) > 0.0
    }

    fn inside(&self, bounds: &Rect) -> bool {
        self.x >= bounds.x
            && self.y >= bounds.y
            && self.x + self.width <= bounds.x + bounds.width
            && self.y + self.height <= bounds.y + bounds.height
    }

    /// The point of the rectangle nearest to `(x, y)`.
    fn nearest(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            x.clamp(self.x, self.x + self.width),
            y.clamp(self.y, self.y + self.height),
        )
    }
}

/// The font-size of a map label, in CSS pixels.
pub const FONT_SIZE: f64 = 14.0;
/// The line box of a label.
const LINE_HEIGHT: f64 = 18.0;
/// Average advances of bold sans-serif characters, in ems (system-ui, DejaVu Sans, Arial and
/// Roboto bold): capitals and digits are wider than small letters, spaces narrower.
const ADVANCE_CAPITAL: f64 = 0.74;
const ADVANCE_SMALL: f64 = 0.6;
const ADVANCE_SPACE: f64 = 0.34;
/// Room kept free around a pin (its radius and the MoU ring's).
pub const PIN_RADIUS: f64 = 13.0;
const GAP: f64 = 3.0;

/// The estimated box of `text` written at [`FONT_SIZE`].
pub fn text_width(text: &str) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| {
            if c.is_whitespace() {
                ADVANCE_SPACE
            } else if c.is_uppercase() || c.is_ascii_digit() {
                ADVANCE_CAPITAL
            } else {
                ADVANCE_SMALL
            }
        })
        .sum();
    ems * FONT_SIZE + 4.0
}

/// `text`, cut at a word and ended with "…" when it is estimated wider than `max` pixels.
pub fn shorten(text: &str, max: f64) -> String {
    if text_width(text) <= max {
        return text.to_owned();
    }
    let mut short = String::new();
    for word in text.split_whitespace() {
        let longer = if short.is_empty() {
            word.to_owned()
        } else {
            format!("{short} {word}")
        };
        if text_width(&format!("{longer}…")) > max {
            break;
        }
        short = longer;
    }
    if short.is_empty() {
        // One long word: cut it by characters.
        for c in text.chars() {
            if text_width(&format!("{short}{c}…")) > max {
                break;
            }
            short.push(c);
        }
    }
    format!("{}…", short.trim_end_matches([' ', '–', '-', ',']))
}

/// Where one label goes: its box, which side of the pin it is on (-1 left, 0 centred, 1
/// right), and a leader line from the pin when it is not beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub label: Rect,
    pub side: i8,
    pub leader: Option<((f64, f64), (f64, f64))>,
}

impl Placement {
    /// The baseline of the text in its box.
    pub fn baseline(&self) -> f64 {
        self.label.y + LINE_HEIGHT * 0.75
    }

    /// The `text-anchor` and x of the text: its end nearest the pin is held, so that a name
    /// wider than estimated grows away from its pin.
    pub fn anchor(&self) -> (&'static str, f64) {
        match self.side {
            1 => ("start", self.label.x + 2.0),
            -1 => ("end", self.label.x + self.label.width - 2.0),
            _ => ("middle", self.label.x + self.label.width / 2.0),
        }
    }
}

/// Directions tried around a pin, in order of preference.
const DIRECTIONS: [(f64, f64); 8] = [
    (1.0, 0.0),
    (-1.0, 0.0),
    (0.0, -1.0),
    (0.0, 1.0),
    (1.0, -1.0),
    (1.0, 1.0),
    (-1.0, -1.0),
    (-1.0, 1.0),
];
/// How far out the candidates go, in steps of a line.
const RINGS: usize = 10;

/// The box of a label of `width` in direction `(dx, dy)` from the pin at `(x, y)`, `distance`
/// beyond its edge.
fn candidate((x, y): (f64, f64), width: f64, (dx, dy): (f64, f64), distance: f64) -> Rect {
    let reach = PIN_RADIUS + GAP + distance;
    let left = if dx > 0.0 {
        x + reach * if dy == 0.0 { 1.0 } else { 0.7 }
    } else if dx < 0.0 {
        x - reach * if dy == 0.0 { 1.0 } else { 0.7 } - width
    } else {
        x - width / 2.0
    };
    let top = if dy < 0.0 {
        y - reach * if dx == 0.0 { 1.0 } else { 0.7 } - LINE_HEIGHT
    } else if dy > 0.0 {
        y + reach * if dx == 0.0 { 1.0 } else { 0.7 }
    } else {
        y - LINE_HEIGHT / 2.0
    };
    Rect {
        x: left,
        y: top,
        width,
        height: LINE_HEIGHT,
    }
}

fn pin_box((x, y): (f64, f64)) -> Rect {
    Rect {
        x: x - PIN_RADIUS,
        y: y - PIN_RADIUS,
        width: 2.0 * PIN_RADIUS,
        height: 2.0 * PIN_RADIUS,
    }
}

/// Places a label of width `widths[i]` for each pin `pins[i]` inside `bounds`. When no
/// position is free (more names than room), the one overlapping least is taken, covering pins
/// rather than names.
pub fn place(pins: &[(f64, f64)], widths: &[f64], bounds: &Rect) -> Vec<Placement> {
    let pin_boxes: Vec<Rect> = pins.iter().copied().map(pin_box).collect();
    // Most crowded first: the pins with the most neighbours within two lines' reach.
    let mut order: Vec<usize> = (0..pins.len()).collect();
    let crowd = |i: usize| {
        pins.iter()
            .filter(|p| (p.0 - pins[i].0).hypot(p.1 - pins[i].1) < 120.0)
            .count()
    };
    order.sort_by_key(|&i| (std::cmp::Reverse(crowd(i)), i));
    let mut placed: Vec<Option<Placement>> = vec![None; pins.len()];
    let mut taken: Vec<Rect> = Vec::new();
    for i in order {
        let width = widths.get(i).copied().unwrap_or(0.0);
        let mut best: Option<(f64, Rect, f64, f64)> = None;
        'search: for ring in 0..RINGS {
            let distance = ring as f64 * LINE_HEIGHT;
            for direction in DIRECTIONS {
                let rect = candidate(pins[i], width, direction, distance);
                if !rect.inside(bounds) {
                    continue;
                }
                // Covering another name is far worse than covering a pin.
                let overlap: f64 = taken
                    .iter()
                    .map(|other| 1000.0 * overlap_area(&rect, other))
                    .chain(pin_boxes.iter().map(|other| overlap_area(&rect, other)))
                    .sum();
                if best.as_ref().is_none_or(|b| overlap < b.0) {
                    best = Some((overlap, rect, distance, direction.0));
                }
                if overlap == 0.0 {
                    break 'search;
                }
            }
        }
        let (_, label, distance, dx) =
            best.unwrap_or((0.0, candidate(pins[i], width, DIRECTIONS[0], 0.0), 0.0, 1.0));
        let leader = (distance > 0.0).then(|| (pins[i], label.nearest(pins[i])));
        taken.push(label);
        placed[i] = Some(Placement {
            label,
            side: dx as i8,
            leader,
        });
    }
    placed.into_iter().flatten().collect()
}

fn overlap_area(a: &Rect, b: &Rect) -> f64 {
    let w = (a.x + a.width).min(b.x + b.width) - a.x.max(b.x);
    let h = (a.y + a.height).min(b.y + b.height) - a.y.max(b.y);
    w.max(0.0) * h.max(0.0)
}

#[cfg(test)]
pub(crate) fn assert_apart(pins: &[(f64, f64)], placements: &[Placement], bounds: &Rect) {
    for (i, a) in placements.iter().enumerate() {
        assert!(a.label.inside(bounds), "label {i} leaves the map: {a:?}");
        for (j, b) in placements.iter().enumerate().skip(i + 1) {
            assert!(
                !a.label.overlaps(&b.label),
                "labels {i} and {j} overlap: {a:?} {b:?}"
            );
        }
        for (j, pin) in pins.iter().enumerate() {
            assert!(
                !a.label.overlaps(&pin_box(*pin)),
                "label {i} covers pin {j}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: Rect = Rect {
        x: 0.0,
        y: 0.0,
        width: 640.0,
        height: 300.0,
    };

    #[test]
    fn a_lone_label_sits_right_of_its_pin_without_a_leader() {
        let placements = place(&[(100.0, 100.0)], &[60.0], &BOUNDS);
        assert_eq!(placements[0].label.x, 100.0 + PIN_RADIUS + GAP);
        assert_eq!(placements[0].leader, None);
        assert_eq!(placements[0].anchor().0, "start");
    }

    #[test]
    fn a_label_at_the_right_edge_goes_left() {
        let placements = place(&[(630.0, 100.0)], &[60.0], &BOUNDS);
        assert!(placements[0].label.x + 60.0 < 630.0, "{placements:?}");
        // Its text ends by the pin, so that a wider name grows away from it.
        assert_eq!(
            placements[0].anchor(),
            ("end", placements[0].label.x + 58.0)
        );
    }

    #[test]
    fn a_crowded_map_has_no_overlapping_labels() {
        // Twenty pins 14 px apart in a 5 × 4 grid, with long names.
        let pins: Vec<(f64, f64)> = (0..20)
            .map(|i| {
                (
                    280.0 + f64::from(i % 5) * 14.0,
                    120.0 + f64::from(i / 5) * 14.0,
                )
            })
            .collect();
        let widths: Vec<f64> = (0..20)
            .map(|i| text_width(&"Partner name".repeat(1 + i % 2)))
            .collect();
        let placements = place(&pins, &widths, &BOUNDS);
        assert_eq!(placements.len(), pins.len());
        // Pins this close cover each other; only labels are compared with them.
        for (i, a) in placements.iter().enumerate() {
            assert!(a.label.inside(&BOUNDS));
            for b in &placements[i + 1..] {
                assert!(!a.label.overlaps(&b.label), "{a:?} {b:?}");
            }
        }
        assert!(
            placements.iter().any(|p| p.leader.is_some()),
            "far labels have leaders"
        );
    }

    #[test]
    fn long_names_are_shortened_at_a_word() {
        assert_eq!(shorten("Business Joensuu", 300.0), "Business Joensuu");
        let short = shorten("Arizona Technology Council – Optics Valley", 240.0);
        assert_eq!(short, "Arizona Technology Council…");
        assert!(text_width(&short) <= 240.0);
        assert!(text_width(&shorten("Supercalifragilisticexpialidocious", 100.0)) <= 100.0);
    }

    #[test]
    fn two_close_pins_label_apart() {
        let pins = [(300.0, 100.0), (320.0, 108.0)];
        let widths = [text_width("Business Joensuu"), text_width("Triple Steelix")];
        let placements = place(&pins, &widths, &BOUNDS);
        assert_apart(&pins, &placements, &BOUNDS);
    }
}
