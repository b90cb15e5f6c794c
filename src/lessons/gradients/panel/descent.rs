//! Gradient descent on one input: the step size decides whether the error shrinks, swings
//! or grows.

use super::*;

pub(super) fn descent_section(ui: &mut egui::Ui, state: &mut GradientsState, l: Lang) {
    note(ui, l.t("grad_descent_intro"));
    let toy0 = crate::math::backprop::LinearToy::lesson();
    let (smooth, diverge) = regime_bounds(&toy0.x);
    ui.add(egui::Slider::new(&mut state.lr, 0.0..=super::state::MAX_LR).text("η"));
    ui.horizontal(|ui| {
        if ui.button(l.t("grad_one_step")).clicked() {
            state.steps = (state.steps + 1).min(super::state::MAX_TOY_STEPS);
        }
        if ui.button(l.t("grad_ten_steps")).clicked() {
            state.steps = (state.steps + 10).min(super::state::MAX_TOY_STEPS);
        }
        if ui.button(l.t("grad_reset_w")).clicked() {
            state.steps = 0;
        }
    });
    let c = toy0.contraction(state.lr);
    let (key, color) = match regime(c) {
        Regime::Smooth => ("grad_regime_smooth", TEAL),
        Regime::Oscillating => ("grad_regime_osc", GOLD),
        Regime::Diverging => ("grad_regime_div", RED),
    };
    ui.monospace(format!(
        "e ← (1 − η‖x‖²)·e = {c:+.3}·e   (‖x‖² = {:.2})",
        toy0.x.norm_squared()
    ));
    ui.colored_label(color, l.t(key));
    ui.monospace(format!(
        "{} η < {smooth:.3} · {} η < {diverge:.3}",
        l.t("grad_bound_smooth"),
        l.t("grad_bound_converge")
    ));
    let losses = toy0.descent(state.lr, super::state::MAX_TOY_STEPS);
    let t = state.toy();
    ui.monospace(format!(
        "{} {}: L = {}",
        l.t("grad_after_steps"),
        state.steps,
        short(t.loss())
    ));
    let pts: Vec<[f64; 2]> = losses
        .iter()
        .enumerate()
        .map(|(i, v)| [i as f64, v.max(1e-30).log10()])
        .collect();
    let now = [state.steps as f64, losses[state.steps].max(1e-30).log10()];
    fixed_plot("grad_descent_plot", 130.0)
        .x_axis_label(l.t("grad_step_axis"))
        .y_axis_label("log₁₀ L")
        .show_logged(ui, "grad_descent_plot", |p| {
            p.line(Line::new("L", pts).color(color));
            p.points(
                Points::new("", vec![now])
                    .radius(5.0)
                    .color(egui::Color32::WHITE),
            );
        });
    ui.horizontal(|ui| {
        matrix(ui, "W", &col(&t.w), 3, 4, 0.0, None);
        matrix(ui, "e", t.error().as_slice(), 3, 1, 0.0, None);
    });
}
