//! Display formulas: a box layout of the parsed items (scripts lowered and raised, fractions
//! stacked over a bar on the maths axis, matrices in brackets), measured by any font (egui's in
//! the app, a fixed-width fake in the tests) and painted with egui.

use super::{Item, SCRIPT_SCALE, parse, plain};
use bevy_egui::egui;
use egui::{Color32, FontFamily, FontId, Pos2, Stroke, Vec2};
use std::sync::Arc;

/// A laid-out formula: its parts relative to the left end of its baseline (y grows down).
#[derive(Clone, Debug)]
pub struct Boxed<G> {
    pub width: f32,
    /// Above the baseline.
    pub ascent: f32,
    /// Below the baseline.
    pub descent: f32,
    pub parts: Vec<Part<G>>,
}

#[derive(Clone, Debug)]
pub enum Part<G> {
    /// A text run whose baseline starts at `at`.
    Text {
        at: Vec2,
        text: G,
    },
    Line {
        from: Vec2,
        to: Vec2,
    },
}

/// What the layout needs from a font: a run's width, ascent and descent at a size.
pub trait Measure {
    type Text: Clone;
    fn text(&mut self, s: &str, size: f32) -> (Self::Text, f32, f32, f32);
}

impl<G: Clone> Boxed<G> {
    fn text(text: G, width: f32, ascent: f32, descent: f32) -> Self {
        Boxed {
            width,
            ascent,
            descent,
            parts: vec![Part::Text {
                at: Vec2::ZERO,
                text,
            }],
        }
    }

    /// Appends `other` with its baseline `dy` below this one's.
    fn append(&mut self, other: Boxed<G>, gap: f32, dy: f32) {
        let dx = self.width + gap;
        let shift = Vec2::new(dx, dy);
        self.parts
            .extend(other.parts.into_iter().map(|p| p.shifted(shift)));
        self.width = dx + other.width;
        self.ascent = self.ascent.max(other.ascent - dy);
        self.descent = self.descent.max(other.descent + dy);
    }

    fn height(&self) -> f32 {
        self.ascent + self.descent
    }
}

impl<G> Part<G> {
    fn shifted(self, by: Vec2) -> Self {
        match self {
            Part::Text { at, text } => Part::Text { at: at + by, text },
            Part::Line { from, to } => Part::Line {
                from: from + by,
                to: to + by,
            },
        }
    }
}

/// Lays out `items` at font size `size`.
pub fn layout<M: Measure>(items: &[Item], size: f32, m: &mut M) -> Boxed<M::Text> {
    let mut out = Boxed {
        width: 0.0,
        ascent: 0.0,
        descent: 0.0,
        parts: Vec::new(),
    };
    // The height of the maths axis (where a fraction bar sits) above the baseline.
    let axis = 0.3 * size;
    let mut last_ascent = 0.7 * size;
    for item in items {
        match item {
            Item::Text(t) => {
                let (g, w, a, d) = m.text(t, size);
                last_ascent = a;
                out.append(Boxed::text(g, w, a, d), 0.0, 0.0);
            }
            Item::Sub(i) => {
                let b = layout(i, (size * SCRIPT_SCALE).max(6.0), m);
                out.append(b, 0.5, 0.22 * size);
            }
            Item::Sup(i) => {
                let b = layout(i, (size * SCRIPT_SCALE).max(6.0), m);
                let lift = (last_ascent - 0.6 * b.ascent).max(0.35 * size);
                out.append(b, 0.5, -lift);
            }
            Item::Frac(n, d) => {
                let (n, d) = (layout(n, size * 0.85, m), layout(d, size * 0.85, m));
                let width = n.width.max(d.width) + 0.3 * size;
                let gap = 0.12 * size;
                let mut f = Boxed {
                    width,
                    ascent: axis + gap + n.height(),
                    descent: (d.height() + gap - axis).max(0.0),
                    parts: vec![Part::Line {
                        from: Vec2::new(0.0, -axis),
                        to: Vec2::new(width, -axis),
                    }],
                };
                let nx = (width - n.width) / 2.0;
                let ny = -axis - gap - n.descent;
                f.parts
                    .extend(n.parts.into_iter().map(|p| p.shifted(Vec2::new(nx, ny))));
                let dx = (width - d.width) / 2.0;
                let dy = -axis + gap + d.ascent;
                f.parts
                    .extend(d.parts.into_iter().map(|p| p.shifted(Vec2::new(dx, dy))));
                out.append(f, 0.15 * size, 0.0);
            }
            Item::Matrix(rows) => {
                let b = matrix_box(rows, size, m);
                out.append(b, 0.15 * size, 0.0);
            }
        }
    }
    out
}

fn matrix_box<M: Measure>(rows: &[Vec<Vec<Item>>], size: f32, m: &mut M) -> Boxed<M::Text> {
    let cells: Vec<Vec<Boxed<M::Text>>> = rows
        .iter()
        .map(|r| r.iter().map(|c| layout(c, size, m)).collect())
        .collect();
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let col_w: Vec<f32> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .filter_map(|r| r.get(c))
                .map(|b| b.width)
                .fold(0.0, f32::max)
        })
        .collect();
    let (pad, col_gap, row_gap) = (0.35 * size, 0.8 * size, 0.15 * size);
    let row_dims: Vec<(f32, f32)> = cells
        .iter()
        .map(|r| {
            r.iter().fold((0.6 * size, 0.2 * size), |(a, d), b| {
                (a.max(b.ascent), d.max(b.descent))
            })
        })
        .collect();
    let height: f32 =
        row_dims.iter().map(|(a, d)| a + d).sum::<f32>() + row_gap * (rows.len().max(1) - 1) as f32;
    let width = 2.0 * pad + col_w.iter().sum::<f32>() + col_gap * (columns.max(1) - 1) as f32;
    // Centred on the maths axis.
    let top = -0.3 * size - height / 2.0;
    let mut out = Boxed {
        width,
        ascent: -top,
        descent: height + top,
        parts: Vec::new(),
    };
    let mut y = top;
    for (r, row) in cells.into_iter().enumerate() {
        let (a, d) = row_dims[r];
        let mut x = pad;
        for (c, cell) in row.into_iter().enumerate() {
            let w = col_w.get(c).copied().unwrap_or(0.0);
            let at = Vec2::new(x + (w - cell.width) / 2.0, y + a);
            out.parts
                .extend(cell.parts.into_iter().map(|p| p.shifted(at)));
            x += w + col_gap;
        }
        y += a + d + row_gap;
    }
    // Brackets: a vertical stroke with short serifs at each end.
    let serif = 0.25 * size;
    let (t, b) = (top, top + height);
    for (x, dir) in [(0.5, 1.0), (width - 0.5, -1.0)] {
        out.parts.push(Part::Line {
            from: Vec2::new(x, t),
            to: Vec2::new(x, b),
        });
        for yy in [t, b] {
            out.parts.push(Part::Line {
                from: Vec2::new(x, yy),
                to: Vec2::new(x + dir * serif, yy),
            });
        }
    }
    out
}

/// Measures with egui's fonts.
struct EguiMeasure<'a> {
    painter: &'a egui::Painter,
    family: FontFamily,
    color: Color32,
}

impl Measure for EguiMeasure<'_> {
    /// The run and its baseline below the galley's top.
    type Text = (Arc<egui::Galley>, f32);
    fn text(&mut self, s: &str, size: f32) -> (Self::Text, f32, f32, f32) {
        let g = self.painter.layout_no_wrap(
            s.to_string(),
            FontId::new(size, self.family.clone()),
            self.color,
        );
        // The baseline, from the first glyph when there is one.
        let ascent = g
            .rows
            .first()
            .and_then(|r| r.row.glyphs.first().map(|gl| r.pos.y + gl.pos.y))
            .unwrap_or(0.8 * size);
        let descent = (g.size().y - ascent).max(0.0);
        let width = g.size().x;
        ((g, ascent), width, ascent, descent)
    }
}

/// A display formula: as large as `size`, shrunk (down to `min_size`) to fit the width
/// available, fractions and matrices stacked.
pub struct Formula<'a> {
    pub src: &'a str,
    pub size: f32,
    pub min_size: f32,
    pub color: Color32,
    pub family: FontFamily,
}

impl<'a> Formula<'a> {
    pub fn new(src: &'a str, size: f32, color: Color32) -> Self {
        Formula {
            src,
            size,
            min_size: size,
            color,
            family: FontFamily::Proportional,
        }
    }

    /// Lays the formula out and paints it (a response for hover text).
    pub fn show(self, ui: &mut egui::Ui) -> egui::Response {
        let items = parse(self.src);
        let painter = ui.painter().clone();
        let mut m = EguiMeasure {
            painter: &painter,
            family: self.family.clone(),
            color: self.color,
        };
        let mut size = self.size;
        let mut b = layout(&items, size, &mut m);
        let avail = ui.available_width();
        if b.width > avail && self.min_size < size {
            size = (size * avail / b.width).max(self.min_size);
            b = layout(&items, size, &mut m);
        }
        let (rect, response) =
            ui.allocate_exact_size(Vec2::new(b.width, b.height()), egui::Sense::hover());
        if ui.is_rect_visible(rect) {
            let origin = Pos2::new(rect.left(), rect.top() + b.ascent);
            let stroke = Stroke::new((size / 16.0).max(1.0), self.color);
            for part in b.parts {
                match part {
                    Part::Text {
                        at,
                        text: (galley, ascent),
                    } => {
                        // A galley is placed by its top; `at` is its baseline.
                        painter.galley(origin + at - Vec2::new(0.0, ascent), galley, self.color);
                    }
                    Part::Line { from, to } => {
                        painter.line_segment([origin + from, origin + to], stroke);
                    }
                }
            }
        }
        response.on_hover_text(plain(self.src))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character is 0.5 em wide, ascent 0.8 em, descent 0.2 em.
    struct Fake;
    impl Measure for Fake {
        type Text = String;
        fn text(&mut self, s: &str, size: f32) -> (String, f32, f32, f32) {
            (
                s.to_string(),
                0.5 * size * s.chars().count() as f32,
                0.8 * size,
                0.2 * size,
            )
        }
    }

    fn texts(b: &Boxed<String>) -> Vec<(String, Vec2)> {
        b.parts
            .iter()
            .filter_map(|p| match p {
                Part::Text { at, text } => Some((text.clone(), *at)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn scripts_are_smaller_and_moved_off_the_baseline() {
        let b = layout(&parse("x_t^2"), 20.0, &mut Fake);
        let parts = texts(&b);
        assert_eq!(parts[0], ("x".into(), Vec2::ZERO));
        let (sub, sup) = (parts[1].1, parts[2].1);
        assert!(sub.y > 0.0, "a subscript sits below the baseline");
        assert!(sup.y < 0.0, "a superscript above it");
        // Smaller: "t" at 20·0.72 is 7.2 wide against 10 for "x".
        assert!((b.width - (10.0 + 0.5 + 7.2 + 0.5 + 7.2)).abs() < 1e-3);
        assert!(b.descent > 0.2 * 20.0 && b.ascent > 0.8 * 20.0);
    }

    #[test]
    fn a_fraction_stacks_its_numerator_over_its_denominator() {
        let b = layout(&parse("\\frac{ab}{c}"), 20.0, &mut Fake);
        let parts = texts(&b);
        let (num, den) = (parts[0].1, parts[1].1);
        assert!(num.y < 0.0 && den.y > num.y);
        let bar = b
            .parts
            .iter()
            .find_map(|p| match p {
                Part::Line { from, to } => Some((*from, *to)),
                _ => None,
            })
            .expect("a bar");
        // The bar lies between them, and is as wide as the wider part plus a margin.
        assert!(bar.0.y > num.y && bar.0.y < den.y - 0.8 * 17.0 + 1e-3);
        assert!(bar.1.x - bar.0.x >= 17.0);
        // Centred: the narrower denominator starts further right.
        assert!(den.x > num.x);
    }

    #[test]
    fn a_matrix_aligns_its_columns_inside_brackets() {
        let b = layout(&parse("\\mat{a & bbb ; cc & d}"), 10.0, &mut Fake);
        let parts = texts(&b);
        let x = |name: &str| parts.iter().find(|(t, _)| t == name).unwrap().1;
        // Column centres agree; rows are one above the other.
        let centre = |name: &str| x(name).x + 5.0 * name.chars().count() as f32 / 2.0;
        assert!((centre("a") - centre("cc")).abs() < 1e-3);
        assert!((centre("bbb") - centre("d")).abs() < 1e-3);
        assert!(x("cc").y > x("a").y);
        // Two brackets of three strokes each.
        let lines = b
            .parts
            .iter()
            .filter(|p| matches!(p, Part::Line { .. }))
            .count();
        assert_eq!(lines, 6);
        assert!(parts.iter().all(|(_, at)| at.x > 0.0 && at.x < b.width));
    }
}
