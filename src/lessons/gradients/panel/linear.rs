//! The loss on a slice through two weights, with minus the gradient and the descent path.

use super::*;

pub(super) fn linear_section(ui: &mut egui::Ui, state: &mut GradientsState, l: Lang) {
    note(ui, l.t("grad_linear_intro"));
    let t = crate::math::backprop::LinearToy::lesson();
    let [a, b] = super::state::SLICE;
    let g = t.gradient();
    ui.label(format!(
        "{}: W{}{} ({}), W{}{} ({})",
        l.t("grad_slice_axes"),
        a.0 + 1,
        a.1 + 1,
        l.t("grad_axis_x"),
        b.0 + 1,
        b.1 + 1,
        l.t("grad_axis_y")
    ));
    let path = t.slice_path(a, b, state.lr.clamp(0.05, 1.4), 25);
    contour(
        ui,
        |da, db| t.slice(a, b, da, db),
        0.2,
        &path,
        (g[a], g[b]),
        240.0,
    );
    note(ui, l.t("grad_contour_note"));
    ui.add(egui::Slider::new(&mut state.reach, 0.0..=1.0).text("‖Δw‖"));
    let s = state.reach;
    let (truth, pred) = t.along_descent(s);
    let (truth2, pred2) = t.along_descent(s / 2.0);
    ui.monospace(format!("L(w) = {:.4}   ‖∇L‖ = {:.4}", t.loss(), g.norm()));
    ui.monospace(format!("L(w + Δw) = {truth:.4}   L + ∇Lᵀ Δw = {pred:.4}"));
    let gap = truth - pred;
    let gap2 = truth2 - pred2;
    if gap2 > 1e-12 {
        ui.monospace(format!(
            "{} {gap:.4}; {} ‖Δw‖/2: {gap2:.5} (×{:.2})",
            l.t("grad_gap"),
            l.t("grad_at"),
            gap / gap2
        ));
    }
    let curve = |f: fn(&crate::math::backprop::LinearToy, f64) -> f64| -> Vec<[f64; 2]> {
        (0..=50)
            .map(|i| {
                let s = i as f64 / 50.0;
                [s, f(&t, s)]
            })
            .collect()
    };
    fixed_plot("grad_linear_plot", 120.0)
        .x_axis_label("‖Δw‖")
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "grad_linear_plot", |p| {
            p.line(
                Line::new(l.t("grad_true_loss"), curve(|t, s| t.along_descent(s).0)).color(TEAL),
            );
            p.line(
                Line::new(l.t("grad_linear_pred"), curve(|t, s| t.along_descent(s).1)).color(GOLD),
            );
            p.vline(VLine::new("", s).color(egui::Color32::WHITE));
        });
}
