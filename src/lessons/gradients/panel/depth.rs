//! A deep stack of layers: the size of δ at every layer, on a log scale.

use super::*;

pub(super) fn depth_section(ui: &mut egui::Ui, state: &mut GradientsState, l: Lang) {
    note(ui, l.t("grad_depth_intro"));
    ui.add(
        egui::Slider::new(&mut state.depth, 1..=super::state::MAX_DEPTH).text(l.t("grad_depth")),
    );
    ui.horizontal(|ui| {
        for (a, name) in super::state::ACTIVATIONS {
            ui.selectable_value(&mut state.activation, a, name);
        }
    });
    ui.add(egui::Slider::new(&mut state.gain, 0.1..=4.0).text(l.t("grad_gain")));
    ui.checkbox(&mut state.residual, l.t("grad_residual"));
    ui.horizontal_wrapped(|ui| {
        use crate::math::backprop::Activation;
        let he = 2f64.sqrt();
        for (label, act, gain, res) in [
            ("sigmoid", Activation::Sigmoid, 1.0, false),
            ("sigmoid + res", Activation::Sigmoid, 1.0, true),
            ("ReLU, He", Activation::Relu, he, false),
            ("ReLU, 2×He", Activation::Relu, 2.0 * he, false),
        ] {
            if ui.button(label).clicked() {
                state.activation = act;
                state.gain = gain;
                state.residual = res;
            }
        }
    });
    let p = depth_profile(state.depth, state.activation, state.gain, state.residual);
    let norms: Vec<f64> = p.deltas.iter().map(|d| d.norm()).collect();
    let pts: Vec<[f64; 2]> = norms
        .iter()
        .enumerate()
        .map(|(i, n)| [i as f64, n.max(1e-300).log10()])
        .collect();
    let first = norms.first().copied().unwrap_or(f64::NAN);
    let last = norms.last().copied().unwrap_or(f64::NAN);
    let ratio = first / last;
    let color = if !ratio.is_finite() || !(1e-3..=1e3).contains(&ratio) {
        RED
    } else {
        TEAL
    };
    fixed_plot("grad_depth_plot", 140.0)
        .x_axis_label(l.t("grad_layer_axis"))
        .y_axis_label("log₁₀ ‖δₗ‖")
        .show_logged(ui, "grad_depth_plot", |p| {
            p.line(Line::new("‖δ‖", pts.clone()).color(color));
            p.points(Points::new("", pts).radius(2.0).color(color));
        });
    math(ui, &format!("‖δ₀‖ / ‖δ_{}‖ = {}", state.depth, sci(ratio)));
    note(ui, l.t("grad_depth_note"));
}
