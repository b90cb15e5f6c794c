//! Pictures drawn with egui's painter: small matrices as heat maps, the loss slice as a
//! contour map, and the network as a graph.

use bevy_egui::egui::{self, Color32, Pos2, Rect, Stroke, Vec2, pos2, vec2};

/// Negative values blue, positive orange, the strength by size against `scale`.
pub fn signed_color(v: f64, scale: f64) -> Color32 {
    if !v.is_finite() {
        return Color32::from_rgb(200, 40, 40);
    }
    let t = (v.abs() / scale.max(1e-12)).min(1.0) as f32;
    let (r, g, b) = if v < 0.0 {
        (60.0, 120.0, 230.0)
    } else {
        (235.0, 140.0, 40.0)
    };
    let base = 38.0;
    let mix = |c: f32| (base + t * (c - base)) as u8;
    Color32::from_rgb(mix(r), mix(g), mix(b))
}

/// A matrix (row-major `rows × cols`) as coloured cells with its numbers, a name above and
/// its shape below; `highlight` outlines one row.
pub fn matrix(
    ui: &mut egui::Ui,
    name: &str,
    values: &[f64],
    rows: usize,
    cols: usize,
    scale: f64,
    highlight: Option<usize>,
) {
    let cell = vec2(38.0, 20.0);
    // Scale 0: the matrix's own largest entry is full strength.
    let scale = if scale > 0.0 {
        scale
    } else {
        values
            .iter()
            .map(|v| v.abs())
            .filter(|v| v.is_finite())
            .fold(1e-12, f64::max)
    };
    ui.vertical(|ui| {
        ui.label(egui::RichText::new(name).strong());
        let (rect, _) = ui.allocate_exact_size(
            vec2(cell.x * cols as f32, cell.y * rows as f32),
            egui::Sense::hover(),
        );
        let p = ui.painter_at(rect);
        for r in 0..rows {
            for c in 0..cols {
                let v = values.get(r * cols + c).copied().unwrap_or(f64::NAN);
                let min = rect.min + vec2(c as f32 * cell.x, r as f32 * cell.y);
                let cr = Rect::from_min_size(min, cell).shrink(1.0);
                p.rect_filled(cr, 2.0, signed_color(v, scale));
                p.text(
                    cr.center(),
                    egui::Align2::CENTER_CENTER,
                    short(v),
                    egui::FontId::monospace(11.0),
                    Color32::WHITE,
                );
            }
        }
        if let Some(r) = highlight.filter(|&r| r < rows) {
            let min = rect.min + vec2(0.0, r as f32 * cell.y);
            p.rect_stroke(
                Rect::from_min_size(min, vec2(rect.width(), cell.y)),
                2.0,
                Stroke::new(2.0, Color32::WHITE),
                egui::StrokeKind::Inside,
            );
        }
        ui.small(format!("{rows}×{cols}"));
    });
}

/// A number in at most five characters.
pub fn short(v: f64) -> String {
    if !v.is_finite() {
        "NaN".into()
    } else if v.abs() >= 99.5 {
        format!("{v:.0e}")
    } else if v.abs() >= 9.95 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// An operator between matrices, centred vertically.
pub fn op(ui: &mut egui::Ui, text: &str) {
    ui.add_space(2.0);
    ui.label(egui::RichText::new(text).size(18.0));
}

/// The loss on a square of the two sliced weights (`f(da, db)`, both in `−r..r`) as filled
/// iso-bands, the descent path in white and the steepest-descent arrow at the start.
pub fn contour(
    ui: &mut egui::Ui,
    f: impl Fn(f64, f64) -> f64,
    r: f64,
    path: &[(f64, f64)],
    grad: (f64, f64),
    size: f32,
) {
    let (rect, _) = ui.allocate_exact_size(Vec2::splat(size), egui::Sense::hover());
    let p = ui.painter_at(rect);
    const N: usize = 40;
    let to_screen = |da: f64, db: f64| -> Pos2 {
        pos2(
            rect.left() + ((da + r) / (2.0 * r)) as f32 * rect.width(),
            rect.bottom() - ((db + r) / (2.0 * r)) as f32 * rect.height(),
        )
    };
    let values: Vec<f64> = (0..N * N)
        .map(|k| {
            let (i, j) = (k % N, k / N);
            let da = -r + (i as f64 + 0.5) / N as f64 * 2.0 * r;
            let db = -r + (j as f64 + 0.5) / N as f64 * 2.0 * r;
            f(da, db)
        })
        .collect();
    let lo = values
        .iter()
        .cloned()
        .fold(f64::INFINITY, f64::min)
        .max(1e-9);
    let hi = values.iter().cloned().fold(0.0, f64::max).max(lo * 1.0001);
    // Twelve bands on a log scale; the edges between bands are the contour lines.
    const BANDS: f64 = 12.0;
    let band = |v: f64| -> usize {
        let t = ((v.max(lo) / lo).ln() / (hi / lo).ln()).clamp(0.0, 1.0);
        ((t * BANDS).floor() as usize).min(BANDS as usize - 1)
    };
    let bands: Vec<usize> = values.iter().map(|&v| band(v)).collect();
    let cell = rect.width() / N as f32;
    let corner = |i: usize, j: usize| {
        pos2(
            rect.left() + i as f32 * cell,
            rect.bottom() - j as f32 * cell,
        )
    };
    for (k, b) in bands.iter().enumerate() {
        let (i, j) = (k % N, k / N);
        let t = *b as f32 / (BANDS as f32 - 1.0);
        let min = pos2(corner(i, j + 1).x, corner(i, j + 1).y);
        p.rect_filled(
            Rect::from_min_size(min, Vec2::splat(cell + 0.5)),
            0.0,
            Color32::from_rgb(
                (20.0 + 60.0 * t) as u8,
                (30.0 + 110.0 * t) as u8,
                (50.0 + 170.0 * t) as u8,
            ),
        );
    }
    let line = Stroke::new(1.0, Color32::from_gray(220));
    for (k, b) in bands.iter().enumerate() {
        let (i, j) = (k % N, k / N);
        if i + 1 < N && bands[k + 1] != *b {
            p.line_segment([corner(i + 1, j), corner(i + 1, j + 1)], line);
        }
        if j + 1 < N && bands[k + N] != *b {
            p.line_segment([corner(i, j + 1), corner(i + 1, j + 1)], line);
        }
    }
    let pts: Vec<Pos2> = path.iter().map(|&(a, b)| to_screen(a, b)).collect();
    p.add(egui::Shape::line(
        pts.clone(),
        Stroke::new(2.0, Color32::WHITE),
    ));
    for q in &pts {
        p.circle_filled(*q, 2.5, Color32::WHITE);
    }
    let n = (grad.0 * grad.0 + grad.1 * grad.1).sqrt();
    if n > 0.0 {
        let start = to_screen(0.0, 0.0);
        let len = 0.3 * r;
        let end = to_screen(-grad.0 / n * len, -grad.1 / n * len);
        p.arrow(
            start,
            end - start,
            Stroke::new(3.0, Color32::from_rgb(255, 215, 60)),
        );
    }
}

/// What the graph shows at each layer.
pub struct GraphLayer<'a> {
    /// The values drawn in the nodes (`None`: not computed yet at this stage).
    pub values: Option<&'a [f64]>,
    /// The δ drawn as a ring round each node (`None`: not reached by the backward pass).
    pub deltas: Option<&'a [f64]>,
    pub width: usize,
}

/// The network as columns of nodes, edges coloured by weight (`weights[l]` row-major,
/// `width[l+1]` rows of `width[l]`); node fill by value, ring by δ.
pub fn graph(ui: &mut egui::Ui, layers: &[GraphLayer], weights: &[&[f64]], height: f32) {
    let width = ui.available_width().min(380.0);
    let (rect, _) = ui.allocate_exact_size(vec2(width, height), egui::Sense::hover());
    let p = ui.painter_at(rect);
    let cols = layers.len();
    let node = |l: usize, i: usize| -> Pos2 {
        let n = layers[l].width.max(1);
        let x = rect.left() + 20.0 + (rect.width() - 40.0) * l as f32 / (cols - 1).max(1) as f32;
        let step = (rect.height() - 16.0) / n as f32;
        let y = rect.top() + 8.0 + step * (i as f32 + 0.5);
        pos2(x, y)
    };
    for (l, w) in weights.iter().enumerate() {
        let (n_in, n_out) = (layers[l].width, layers[l + 1].width);
        let scale = w.iter().map(|v| v.abs()).fold(0.0, f64::max).max(1e-9);
        for r in 0..n_out {
            for c in 0..n_in {
                let v = w.get(r * n_in + c).copied().unwrap_or(0.0);
                let mut col = signed_color(v, scale);
                let a = (40.0 + 180.0 * (v.abs() / scale)) as u8;
                col = Color32::from_rgba_unmultiplied(col.r(), col.g(), col.b(), a);
                p.line_segment([node(l, c), node(l + 1, r)], Stroke::new(1.0, col));
            }
        }
    }
    for (l, layer) in layers.iter().enumerate() {
        let vs = layer
            .values
            .map(|v| v.iter().map(|x| x.abs()).fold(0.0, f64::max));
        let ds = layer
            .deltas
            .map(|v| v.iter().map(|x| x.abs()).fold(0.0, f64::max));
        let radius = if layer.width > 8 { 5.0 } else { 7.0 };
        for i in 0..layer.width {
            let at = node(l, i);
            let fill = match (layer.values, vs) {
                (Some(v), Some(s)) => signed_color(v[i], s.max(1e-9)),
                _ => Color32::from_gray(60),
            };
            p.circle_filled(at, radius, fill);
            if let (Some(d), Some(s)) = (layer.deltas, ds) {
                let t = (d[i].abs() / s.max(1e-12)) as f32;
                p.circle_stroke(
                    at,
                    radius + 2.0,
                    Stroke::new(0.5 + 2.5 * t, Color32::from_rgb(255, 215, 60)),
                );
            }
        }
    }
}
