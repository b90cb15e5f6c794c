//! The reaching policy's network as a graph: the forward and backward pass, stage by stage.

use super::*;

/// Column sizes and a caption for each stage of the pass.
pub(super) fn stage_caption(stage: usize, l: Lang) -> String {
    let key = match stage {
        0 => "grad_stage_0",
        1 => "grad_stage_1",
        2 => "grad_stage_2",
        3 => "grad_stage_3",
        4 => "grad_stage_4",
        5 => "grad_stage_5",
        _ => "grad_stage_6",
    };
    l.t(key).to_string()
}

/// The per-layer vector–Jacobian product of a stage, written out.
pub fn stage_formula(stage: usize) -> &'static str {
    match stage {
        0 => "x = (e − μ)/σ   (3)",
        1 => "h₁ = silu(W₁x + b₁)   (16×3 · 3 → 16)",
        2 => "h₂ = silu(W₂h₁ + b₂)   (16×16 · 16 → 16)",
        3 => "π(x) = W₃h₂ + b₃   (3×16 · 16 → 3),  L = ½‖π(x) − y‖²",
        4 => "δ₃ = ∂L/∂π = π(x) − y   (3)",
        5 => "δ₂ = W₃ᵀ δ₃   (16×3 · 3 → 16)",
        _ => "δ₁ = W₂ᵀ (δ₂ ⊙ silu′(z₂))   (16×16 · 16 → 16);  ∇W₁ = (δ₁ ⊙ silu′(z₁)) xᵀ",
    }
}

pub(super) fn graph_section(
    ui: &mut egui::Ui,
    state: &mut GradientsState,
    data: &PolicyData,
    live: Option<([f64; 3], [f64; 3])>,
    l: Lang,
) {
    note(ui, l.t("grad_graph_intro"));
    let Some(net) = data.network() else {
        recording(ui, data, l);
        return;
    };
    ui.horizontal(|ui| {
        if ui.button(l.t("grad_back")).clicked() {
            state.stage = state.stage.saturating_sub(1);
        }
        if ui.button(l.t("grad_next")).clicked() {
            advance(state, live);
        }
        if ui.button(l.t("grad_take_now")).clicked() {
            state.captured = live;
            state.stage = 0;
        }
    });
    let Some((e, a)) = state.captured.or(live) else {
        note(ui, l.t("grad_need_physics"));
        return;
    };
    let v = pass(net, &e, &a);
    ui.monospace(format!(
        "e = ({:+.3}, {:+.3}, {:+.3}) m   a* = ({:+.4}, {:+.4}, {:+.4}) m",
        e[0], e[1], e[2], a[0], a[1], a[2]
    ));
    let stage = state.stage.min(6);
    ui.label(egui::RichText::new(stage_caption(stage, l)).strong());
    ui.monospace(stage_formula(stage));
    let values = &v.trace.values;
    let deltas = &v.trace.deltas;
    let layers: Vec<GraphLayer> = (0..values.len())
        .map(|k| GraphLayer {
            values: (k <= stage).then(|| values[k].as_slice()),
            // Backward stage 4 reaches the output (column 3), 5 column 2, 6 column 1.
            deltas: (k >= 1 && stage >= 4 && k + stage >= 7).then(|| deltas[k - 1].as_slice()),
            width: values[k].len(),
        })
        .collect();
    let weights: Vec<&[f64]> = (0..values.len() - 1).map(|k| net.net.weights(k)).collect();
    graph(ui, &layers, &weights, 230.0);
    note(ui, l.t("grad_graph_legend"));
    if stage >= 3 {
        ui.monospace(format!("L = {:.4}", v.loss));
    }
    for k in (1..values.len()).rev() {
        if stage >= 4 && k + stage >= 7 {
            ui.monospace(format!(
                "‖δ{k}‖ = {:.4}",
                deltas[k - 1].iter().map(|d| d * d).sum::<f64>().sqrt()
            ));
        }
    }
}
