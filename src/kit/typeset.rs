//! Formulas typeset as math: sub- and superscripts lowered and raised in a smaller size,
//! fractions stacked over a bar, matrices in brackets, drawn with egui's own text layout.
//!
//! Lessons write formulas in a small markup, never shown as such:
//! - `x_t`, `T_ab`, `x_{τ+h}`: a subscript (a run of letters and digits, or a `{…}` group);
//!   `T_base_cam` is one subscript naming two frames, shown `base,cam`;
//! - `e^{ωt}`, `Rᵀ` or `J^T`: a superscript, the same way;
//! - `\frac{a}{b}`: a fraction; `\mat{a & b ; c & d}`: a matrix (`&` between cells, `;` between
//!   rows);
//! - `\_`, `\^`, `\\`, `\{`, `\}`: the character itself (for names such as `panda_link0`, which
//!   [`verbatim`] escapes).
//!
//! Text runs in a paragraph ([`inline_job`]) keep to one line height so they wrap with the
//! sentence; a display formula ([`Formula`]) stacks fractions and matrices.

use bevy_egui::egui;
use egui::text::{LayoutJob, TextFormat};
use egui::{Align, Color32, FontFamily, FontId, Pos2, Stroke, Vec2};
use std::sync::Arc;

/// One piece of a formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Text(String),
    Sub(Vec<Item>),
    Sup(Vec<Item>),
    Frac(Vec<Item>, Vec<Item>),
    /// Rows of cells.
    Matrix(Vec<Vec<Vec<Item>>>),
}

/// Deeper groups than this are kept as text (our strings nest two or three levels).
const MAX_DEPTH: usize = 8;

/// Size of a script relative to the text it hangs on.
pub const SCRIPT_SCALE: f32 = 0.72;

/// The formula in `src` as items. Markup that does not parse (an unclosed group) is kept as
/// text, so nothing is lost.
pub fn parse(src: &str) -> Vec<Item> {
    let chars: Vec<char> = src.chars().collect();
    let mut at = 0;
    parse_row(&chars, &mut at, None, 0)
}

fn is_script_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '′'
}

/// Items up to `stop` (not consumed) or the end.
fn parse_row(s: &[char], at: &mut usize, stop: Option<&[char]>, depth: usize) -> Vec<Item> {
    let mut items = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, items: &mut Vec<Item>| {
        if !text.is_empty() {
            items.push(Item::Text(std::mem::take(text)));
        }
    };
    while *at < s.len() {
        let c = s[*at];
        if stop.is_some_and(|st| st.contains(&c)) {
            break;
        }
        match c {
            '\\' => {
                let next = s.get(*at + 1).copied();
                if matches!(next, Some('_' | '^' | '\\' | '{' | '}' | '&' | ';')) {
                    text.push(next.unwrap_or('\\'));
                    *at += 2;
                    continue;
                }
                let word: String = s[*at + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let after = *at + 1 + word.len();
                let command = match word.as_str() {
                    "frac" if depth < MAX_DEPTH => {
                        let mut p = after;
                        group(s, &mut p, depth).and_then(|num| {
                            group(s, &mut p, depth).map(|den| (Item::Frac(num, den), p))
                        })
                    }
                    "mat" if depth < MAX_DEPTH => {
                        let mut p = after;
                        matrix(s, &mut p, depth).map(|m| (m, p))
                    }
                    _ => None,
                };
                match command {
                    Some((item, p)) => {
                        flush(&mut text, &mut items);
                        items.push(item);
                        *at = p;
                    }
                    None => {
                        text.push('\\');
                        *at += 1;
                    }
                }
            }
            '_' | '^' => {
                let mut p = *at + 1;
                let script = if s.get(p) == Some(&'{') {
                    if depth < MAX_DEPTH {
                        group(s, &mut p, depth)
                    } else {
                        None
                    }
                } else {
                    // A run of letters and digits; `T_base_cam` reads as one subscript of two
                    // names, shown `base,cam`.
                    let mut run = String::new();
                    while p < s.len() {
                        if is_script_char(s[p]) {
                            run.push(s[p]);
                        } else if s[p] == '_'
                            && !run.is_empty()
                            && s.get(p + 1).is_some_and(|c| is_script_char(*c))
                        {
                            run.push(',');
                        } else {
                            break;
                        }
                        p += 1;
                    }
                    (!run.is_empty()).then(|| vec![Item::Text(run)])
                };
                match script {
                    Some(inner) => {
                        flush(&mut text, &mut items);
                        items.push(if c == '_' {
                            Item::Sub(inner)
                        } else {
                            Item::Sup(inner)
                        });
                        *at = p;
                    }
                    None => {
                        text.push(c);
                        *at += 1;
                    }
                }
            }
            _ => {
                text.push(c);
                *at += 1;
            }
        }
    }
    flush(&mut text, &mut items);
    items
}

/// A `{…}` group at `at` (moved past it), or `None` if there is none or it is not closed.
fn group(s: &[char], at: &mut usize, depth: usize) -> Option<Vec<Item>> {
    if s.get(*at) != Some(&'{') {
        return None;
    }
    let mut p = *at + 1;
    let inner = parse_row(s, &mut p, Some(&['}']), depth + 1);
    (s.get(p) == Some(&'}')).then(|| {
        *at = p + 1;
        inner
    })
}

/// `{a & b ; c & d}` at `at` as a matrix.
fn matrix(s: &[char], at: &mut usize, depth: usize) -> Option<Item> {
    if s.get(*at) != Some(&'{') {
        return None;
    }
    let mut p = *at + 1;
    let mut rows = vec![Vec::new()];
    loop {
        let cell = parse_row(s, &mut p, Some(&['&', ';', '}']), depth + 1);
        let cell = trim(cell);
        let row = rows.last_mut()?;
        row.push(cell);
        match s.get(p) {
            Some('&') => p += 1,
            Some(';') => {
                p += 1;
                rows.push(Vec::new());
            }
            Some('}') => break,
            _ => return None,
        }
    }
    *at = p + 1;
    Some(Item::Matrix(rows))
}

/// A cell without the spaces written around it.
fn trim(mut cell: Vec<Item>) -> Vec<Item> {
    if let Some(Item::Text(t)) = cell.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Item::Text(t)) = cell.last_mut() {
        *t = t.trim_end().to_string();
    }
    cell.retain(|i| !matches!(i, Item::Text(t) if t.is_empty()));
    cell
}

/// Escapes a name (a link, a file) so that its underscores are shown as written.
pub fn verbatim(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '_' | '^' | '\\' | '{' | '}' | '&' | ';') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The characters a reader sees, in reading order, scripts included (for tests and for the
/// places that cannot typeset, such as a window title).
pub fn plain(src: &str) -> String {
    let mut out = String::new();
    flatten(&parse(src), &mut out);
    out
}

fn flatten(items: &[Item], out: &mut String) {
    for item in items {
        match item {
            Item::Text(t) => out.push_str(t),
            Item::Sub(i) | Item::Sup(i) => flatten(i, out),
            Item::Frac(n, d) => {
                let (n, d) = (inline_operand(n), inline_operand(d));
                out.push_str(&format!("{n}/{d}"));
            }
            Item::Matrix(rows) => {
                out.push('[');
                for (r, row) in rows.iter().enumerate() {
                    if r > 0 {
                        out.push_str("; ");
                    }
                    for (c, cell) in row.iter().enumerate() {
                        if c > 0 {
                            out.push_str("  ");
                        }
                        flatten(cell, out);
                    }
                }
                out.push(']');
            }
        }
    }
}

/// A fraction's part written on one line: bracketed unless it is a single symbol.
fn inline_operand(items: &[Item]) -> String {
    let mut s = String::new();
    flatten(items, &mut s);
    let simple = items.len() <= 2
        && s.chars()
            .all(|c| c.is_alphanumeric() || "√·ᵀ⁻¹′.".contains(c))
        || s.starts_with('(') && s.ends_with(')');
    if simple { s } else { format!("({s})") }
}

/// A paragraph's text with its formulas typeset, to wrap like any label: scripts smaller and
/// aligned to the top or bottom of the line, fractions and matrices written on one line.
pub fn inline_job(src: &str, font: FontId, color: Color32) -> LayoutJob {
    let mut job = LayoutJob::default();
    append_inline(&mut job, &parse(src), &font, color, Align::Center);
    job
}

fn append_inline(job: &mut LayoutJob, items: &[Item], font: &FontId, color: Color32, v: Align) {
    let format = |font: FontId, valign: Align| TextFormat {
        font_id: font,
        color,
        valign,
        ..Default::default()
    };
    let smaller = |f: &FontId| FontId::new((f.size * SCRIPT_SCALE).max(7.0), f.family.clone());
    for item in items {
        match item {
            Item::Text(t) => job.append(t, 0.0, format(font.clone(), v)),
            Item::Sub(i) => append_inline(job, i, &smaller(font), color, Align::BOTTOM),
            Item::Sup(i) => append_inline(job, i, &smaller(font), color, Align::TOP),
            Item::Frac(..) | Item::Matrix(_) => {
                let mut s = String::new();
                flatten(std::slice::from_ref(item), &mut s);
                job.append(&s, 0.0, format(font.clone(), v));
            }
        }
    }
}

// ---- display formulas -------------------------------------------------------------------

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

    fn t(s: &str) -> Item {
        Item::Text(s.into())
    }

    #[test]
    fn scripts_are_runs_or_groups() {
        assert_eq!(
            parse("T_ab·T_bc"),
            vec![
                t("T"),
                Item::Sub(vec![t("ab")]),
                t("·T"),
                Item::Sub(vec![t("bc")])
            ]
        );
        assert_eq!(
            parse("x_{τ+h} = x_τ"),
            vec![
                t("x"),
                Item::Sub(vec![t("τ+h")]),
                t(" = x"),
                Item::Sub(vec![t("τ")])
            ]
        );
        assert_eq!(
            parse("e^{ωt}R"),
            vec![t("e"), Item::Sup(vec![t("ωt")]), t("R")]
        );
        assert_eq!(plain("T_base_cam·P"), "Tbase,cam·P");
        // Nested: a subscript inside a superscript.
        assert_eq!(
            parse("ℝ^{m_1}"),
            vec![t("ℝ"), Item::Sup(vec![t("m"), Item::Sub(vec![t("1")])])]
        );
    }

    #[test]
    fn what_is_not_markup_stays_as_written() {
        // A lone underscore or caret, an unclosed group, an unknown command, escapes.
        assert_eq!(plain("a _ b ^ c"), "a _ b ^ c");
        assert_eq!(plain("x_{t"), "x_{t");
        assert_eq!(plain("\\alpha"), "\\alpha");
        assert_eq!(plain(&verbatim("panda_link0 {x}")), "panda_link0 {x}");
        assert_eq!(plain("a\\^b"), "a^b");
        assert_eq!(plain(""), "");
    }

    #[test]
    fn fractions_and_matrices_read_on_one_line() {
        assert_eq!(plain("\\frac{t − t_k}{T}"), "(t − tk)/T");
        assert_eq!(plain("\\frac{1}{2}"), "1/2");
        assert_eq!(plain("T = \\mat{R & p ; 0 & 1}"), "T = [R  p; 0  1]");
        let Item::Matrix(rows) = &parse("\\mat{R_{ab} & p ; 0 & 1}")[0] else {
            panic!("a matrix")
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], vec![t("R"), Item::Sub(vec![t("ab")])]);
        assert_eq!(rows[1][1], vec![t("1")]);
        // An unclosed matrix is text.
        assert_eq!(plain("\\mat{a & b"), "\\mat{a & b");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = "x^{".repeat(100) + &"}".repeat(100);
        // Parses without overflowing; beyond the depth bound the rest stays as text.
        let flat = plain(&deep);
        assert!(flat.contains("^{"), "{flat}");
    }

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
