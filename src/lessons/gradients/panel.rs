//! The lesson panel: the section tabs, then one function per section.

use super::arm::{Descent, gradient};
use super::draw::{GraphLayer, contour, graph, matrix, op, short};
use super::network::pass;
use super::policy::ReachTallies;
use super::*;
use crate::kit::i18n::Lang;
use crate::kit::widgets::math;
use crate::kit::widgets::{Bars, ShowLogged};
use crate::kit::widgets::{fixed_plot, lesson_panel, moment_line, note, section_tabs};
use crate::lessons::shared::reaching::PolicyData;
use crate::math::backprop::{Regime, depth_profile, regime, regime_bounds};
use crate::math::bc::{ClipRun, clip_experiment, unit_mixup};
use crate::sim::reach::{DEMO_EPISODES, TRAIN_STEPS, policy_config};
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Bar, Line, Points, VLine};

const TEAL: egui::Color32 = egui::Color32::from_rgb(60, 200, 190);
const RED: egui::Color32 = egui::Color32::from_rgb(235, 70, 60);
const GOLD: egui::Color32 = egui::Color32::from_rgb(255, 215, 60);

/// The clip experiment's settings: step size, steps before and after the outlier.
pub const CLIP_LR: f64 = 0.2;
pub const CLIP_BEFORE: usize = 30;
pub const CLIP_AFTER: usize = 30;

/// The two clip runs (without, with `c`) for the threshold they were made with.
#[derive(Default)]
pub(super) struct ClipCache(Option<(f64, ClipRun, ClipRun)>);

#[allow(clippy::too_many_arguments)]
pub(super) fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<GradientsState>,
    mut data: ResMut<PolicyData>,
    tallies: Res<ReachTallies>,
    cost: Res<Cost>,
    descent: Res<Descent>,
    robot: Option<Res<Robot>>,
    sim: Option<Res<Sim>>,
    lang: Res<Lang>,
    mut clip_cache: Local<ClipCache>,
    mut actions: MessageWriter<Request>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let live = live_pair(sim.as_deref());
    lesson_panel(ctx, l.t("lesson_gradients"), |ui| {
        section_tabs(ui, &mut state.section, &Section::ALL, l);
        match state.section {
            Section::Toy => toy_section(ui, &mut state, l),
            Section::Descent => descent_section(ui, &mut state, l),
            Section::Linear => linear_section(ui, &mut state, l),
            Section::Graph => graph_section(ui, &mut state, &data, live, l),
            Section::Cost => cost_section(ui, &data, &cost, l),
            Section::Depth => depth_section(ui, &mut state, l),
            Section::Clip => clip_section(ui, &mut state, &data, &mut clip_cache, l),
            Section::Arm => {
                arm_section(ui, &mut state, robot.as_deref(), &descent, &mut actions, l)
            }
            Section::Clone => clone_section(ui, &mut state, &mut data, &tallies, l),
        }
    });
    Ok(())
}

/// The newest (position error, scripted translation) pair of the running episode.
pub(super) fn live_pair(sim: Option<&Sim>) -> Option<([f64; 3], [f64; 3])> {
    sim?.episode()?.reach_pairs().last().copied()
}

fn col(m: &nalgebra::DMatrix<f64>) -> Vec<f64> {
    // Row-major, as the heat maps read them.
    (0..m.nrows())
        .flat_map(|r| (0..m.ncols()).map(move |c| (r, c)))
        .map(|(r, c)| m[(r, c)])
        .collect()
}

fn toy_section(ui: &mut egui::Ui, state: &mut GradientsState, l: Lang) {
    note(ui, l.t("grad_toy_intro"));
    let t = state.toy();
    let (w, x, wx, a, e) = (
        col(&t.w),
        t.x.as_slice().to_vec(),
        (&t.w * &t.x).as_slice().to_vec(),
        t.target.as_slice().to_vec(),
        t.error().as_slice().to_vec(),
    );
    ui.horizontal(|ui| {
        matrix(ui, "W", &w, 3, 4, 0.0, None);
        op(ui, "·");
        matrix(ui, "x", &x, 4, 1, 0.0, None);
        op(ui, "=");
        matrix(ui, "Wx", &wx, 3, 1, 0.0, None);
    });
    ui.horizontal(|ui| {
        matrix(ui, "Wx", &wx, 3, 1, 0.0, None);
        op(ui, "−");
        matrix(ui, "a*", &a, 3, 1, 0.0, None);
        op(ui, "=");
        matrix(ui, "e", &e, 3, 1, 0.0, None);
        ui.vertical(|ui| {
            ui.add_space(20.0);
            ui.monospace(format!("L = ½‖e‖² = {:.4}", t.loss()));
        });
    });
    ui.checkbox(&mut state.show_grad, l.t("grad_show_grad"));
    if !state.show_grad {
        return;
    }
    let g = col(&t.gradient());
    // The row the error is largest in: the row the gradient changes most.
    let row = (0..3)
        .max_by(|&i, &j| e[i].abs().total_cmp(&e[j].abs()))
        .unwrap_or(0);
    ui.horizontal(|ui| {
        matrix(ui, "e", &e, 3, 1, 0.0, Some(row));
        op(ui, "·");
        matrix(ui, "xᵀ", &x, 1, 4, 0.0, None);
        op(ui, "=");
        matrix(ui, "∇W L", &g, 3, 4, 0.0, Some(row));
    });
    ui.monospace(format!("(3×1)·(1×4) = 3×4 {}", l.t("grad_shape_of")));
    note(
        ui,
        &format!(
            "{} {}: e{} = {:+.3}, {} ({}).",
            l.t("grad_row_reading"),
            row + 1,
            row + 1,
            e[row],
            l.t("grad_row_times_x"),
            (0..4)
                .map(|j| format!("{:+.3}", g[row * 4 + j]))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
}

fn descent_section(ui: &mut egui::Ui, state: &mut GradientsState, l: Lang) {
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

fn linear_section(ui: &mut egui::Ui, state: &mut GradientsState, l: Lang) {
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

/// Column sizes and a caption for each stage of the pass.
fn stage_caption(stage: usize, l: Lang) -> String {
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

fn graph_section(
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

/// One stage further through the pass (B), wrapping after the last backward stage; the first
/// press takes the moment's observation.
pub(super) fn advance(state: &mut GradientsState, live: Option<([f64; 3], [f64; 3])>) {
    if state.stage == 0 && live.is_some() {
        state.captured = live;
    }
    state.stage = if state.stage >= 6 { 0 } else { state.stage + 1 };
}

fn recording(ui: &mut egui::Ui, data: &PolicyData, l: Lang) {
    if data.unavailable {
        note(ui, l.t("grad_needs_panda"));
        return;
    }
    ui.label(l.t("grad_recording"));
    ui.add(
        egui::ProgressBar::new(data.recorded as f32 / DEMO_EPISODES as f32)
            .text(format!("{}/{DEMO_EPISODES}", data.recorded)),
    );
}

fn cost_section(ui: &mut egui::Ui, data: &PolicyData, cost: &Cost, l: Lang) {
    note(ui, l.t("grad_cost_intro"));
    if data.network().is_none() {
        recording(ui, data, l);
        return;
    }
    let Some(r) = cost.0 else {
        note(ui, l.t("grad_need_physics"));
        return;
    };
    let forward_ms = r.forward_ms;
    ui.monospace(format!("P = {} {}", r.params, l.t("grad_parameters")));
    egui::Grid::new("grad_cost_grid")
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            ui.label(l.t("grad_passes"));
            ui.label(l.t("grad_time"));
            ui.end_row();
            ui.label(l.t("grad_fd_one_sided"));
            ui.monospace(format!("P + 1 = {}", r.params + 1));
            ui.monospace(format!("≈{:.1} ms", forward_ms * (r.params + 1) as f64));
            ui.end_row();
            ui.label(l.t("grad_fd_central"));
            ui.monospace(format!("2P = {}", r.fd_passes));
            ui.monospace(format!("{:.1} ms", r.fd_ms));
            ui.end_row();
            ui.label(l.t("grad_backprop"));
            ui.monospace(l.t("grad_fwd_bwd"));
            ui.monospace(format!("{:.3} ms", r.bp_ms));
            ui.end_row();
        });
    ui.monospace(format!(
        "{}: {:.1}× · {} {:.1} {}",
        l.t("grad_speedup"),
        r.fd_ms / r.bp_ms.max(1e-9),
        l.t("grad_backprop_costs"),
        r.bp_ms / forward_ms.max(1e-12),
        l.t("grad_forward_passes")
    ));
    math(
        ui,
        &format!("max|g_fd − g_bp| / max|g_bp| = {:.1e}", r.rel_diff),
    );
    note(ui, l.t("grad_cost_note"));
}

fn depth_section(ui: &mut egui::Ui, state: &mut GradientsState, l: Lang) {
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

/// A number in scientific notation when it is very large or small.
fn sci(v: f64) -> String {
    if !v.is_finite() {
        "NaN".into()
    } else if (1e-2..1e3).contains(&v.abs()) {
        format!("{v:.3}")
    } else {
        format!("{v:.2e}")
    }
}

fn clip_section(
    ui: &mut egui::Ui,
    state: &mut GradientsState,
    data: &PolicyData,
    cache: &mut ClipCache,
    l: Lang,
) {
    note(ui, l.t("grad_clip_intro"));
    if !data.ready() {
        recording(ui, data, l);
        return;
    }
    ui.add(
        egui::Slider::new(&mut state.threshold, 0.01..=100.0)
            .logarithmic(true)
            .text("c"),
    );
    let c = state.threshold;
    if cache.0.as_ref().is_none_or(|(k, ..)| *k != c) {
        let cfg = crate::math::bc::BcConfig {
            lr: CLIP_LR,
            batch: 32,
            ..policy_config()
        };
        let bad = unit_mixup(&data.demos);
        let free = clip_experiment(&data.demos, &bad, &cfg, None, CLIP_BEFORE, CLIP_AFTER);
        let clipped = clip_experiment(&data.demos, &bad, &cfg, Some(c), CLIP_BEFORE, CLIP_AFTER);
        if let (Some(f), Some(k)) = (free, clipped) {
            cache.0 = Some((c, f, k));
        }
    }
    let Some((_, free, clipped)) = &cache.0 else {
        return;
    };
    let curve = |r: &ClipRun| -> Vec<[f64; 2]> {
        r.losses
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .map(|(i, v)| [i as f64, v.max(1e-30).log10()])
            .collect()
    };
    fixed_plot("grad_clip_plot", 140.0)
        .x_axis_label(l.t("grad_step_axis"))
        .y_axis_label("log₁₀ L")
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "grad_clip_plot", |p| {
            p.line(Line::new(l.t("grad_no_clip"), curve(free)).color(RED));
            p.line(Line::new(l.t("grad_with_clip"), curve(clipped)).color(TEAL));
            p.vline(VLine::new(l.t("grad_outlier"), CLIP_BEFORE as f64).color(GOLD));
        });
    let typical = free.grad_norms[..CLIP_BEFORE.min(free.grad_norms.len())]
        .iter()
        .cloned()
        .fold(0.0, f64::max);
    let spike = free
        .grad_norms
        .get(CLIP_BEFORE)
        .copied()
        .unwrap_or(f64::NAN);
    ui.monospace(format!(
        "‖g‖ {}: ≤ {} · {}: {}",
        l.t("grad_before"),
        sci(typical),
        l.t("grad_outlier"),
        sci(spike)
    ));
    ui.monospace(format!(
        "‖Δθ‖ {}: {} · {} c = {}: {} (≤ η·c = {})",
        l.t("grad_no_clip"),
        sci(free.jump),
        l.t("grad_with_clip"),
        sci(c),
        sci(clipped.jump),
        sci(CLIP_LR * c)
    ));
    match free.first_nan() {
        Some(k) => {
            ui.colored_label(RED, format!("{} {k}", l.t("grad_nan_at")));
        }
        None => {
            ui.monospace(format!(
                "MSE {}: {} · {}: {}",
                l.t("grad_no_clip"),
                sci(free.final_mse),
                l.t("grad_with_clip"),
                sci(clipped.final_mse)
            ));
        }
    }
    note(ui, l.t("grad_clip_note"));
}

fn arm_section(
    ui: &mut egui::Ui,
    state: &mut GradientsState,
    robot: Option<&Robot>,
    descent: &Descent,
    actions: &mut MessageWriter<Request>,
    l: Lang,
) {
    note(ui, l.t("grad_arm_intro"));
    let Some(robot) = robot else { return };
    ui.horizontal(|ui| {
        ui.checkbox(&mut state.descend, l.t("grad_descend"));
        if ui.button(l.t("grad_reset_pose")).clicked() {
            state.descend = false;
            actions.write(Request::Pose {
                q: start_configuration(&robot.model),
                teach: true,
            });
        }
    });
    ui.add(egui::Slider::new(&mut state.eta, 0.05..=5.0).text("η (rad/m²)"));
    for (i, axis) in ["x*", "y*", "z*"].iter().enumerate() {
        let range = if i == 2 { 0.0..=1.0 } else { -0.8..=0.8 };
        ui.add(egui::Slider::new(&mut state.target[i], range).text(format!("{axis} (m)")));
    }
    let Some((e, g)) = gradient(robot, state.target) else {
        note(ui, l.t("grad_no_chain"));
        return;
    };
    ui.monospace(format!(
        "‖x − x*‖ = {:.1} mm   L = ½‖x − x*‖² = {:.2e} m²",
        e.norm() * 1e3,
        0.5 * e.norm_squared()
    ));
    ui.label(l.t("grad_per_joint"));
    let bars: Vec<Bar> = g
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Bar::new(i as f64 + 1.0, *v)
                .width(0.6)
                .name(format!("q{}", i + 1))
        })
        .collect();
    fixed_plot("grad_arm_bars", 90.0)
        .show_x(false)
        .y_axis_label("m")
        .show_logged(ui, "grad_arm_bars", |p| {
            p.bars(Bars::new("Jᵀ(x − x*)", bars).color(GOLD));
        });
    if descent.losses.len() > 1 {
        let pts: Vec<[f64; 2]> = descent
            .losses
            .iter()
            .enumerate()
            .map(|(i, v)| [i as f64, v.max(1e-30).log10()])
            .collect();
        fixed_plot("grad_arm_loss", 90.0)
            .x_axis_label(l.t("grad_step_axis"))
            .y_axis_label("log₁₀ L")
            .show_logged(ui, "grad_arm_loss", |p| {
                p.line(Line::new("L", pts).color(TEAL));
                if let Some(x) = descent.cursor() {
                    moment_line(p, x);
                }
            });
    }
    note(ui, l.t("grad_arm_note"));
    if ui.button(l.t("grad_open_jacobian")).clicked() {
        // By its public name, as a link would: a lesson does not import another.
        actions.write(Request::Lesson(Some("jacobian")));
    }
}

fn clone_section(
    ui: &mut egui::Ui,
    state: &mut GradientsState,
    data: &mut PolicyData,
    tallies: &ReachTallies,
    l: Lang,
) {
    note(ui, l.t("grad_clone_intro"));
    if !data.ready() {
        recording(ui, data, l);
        return;
    }
    ui.monospace(format!(
        "{} {} {} · {} 3 → 16 → 16 → 3",
        data.demos.len(),
        l.t("grad_pairs_from"),
        DEMO_EPISODES,
        l.t("grad_network")
    ));
    let label = if data.trained.is_some() {
        l.t("grad_train_again")
    } else {
        l.t("grad_train")
    };
    if !data.training && ui.button(label).clicked() {
        data.start_training();
    }
    // At a past moment of the timeline: the step training had reached then.
    let steps = data.past_step.unwrap_or(data.steps());
    ui.add(
        egui::ProgressBar::new(steps as f32 / TRAIN_STEPS as f32)
            .text(format!("{} {steps}/{TRAIN_STEPS}", l.t("grad_train_step"))),
    );
    let losses = data.record().map(|t| &t.losses);
    if let Some(losses) = losses.filter(|v| !v.is_empty()) {
        // Every 10th minibatch: the curve, not its noise.
        let pts: Vec<[f64; 2]> = losses
            .chunks(10)
            .enumerate()
            .map(|(i, c)| {
                [
                    (i * 10) as f64,
                    (c.iter().sum::<f64>() / c.len() as f64).max(1e-30).log10(),
                ]
            })
            .collect();
        fixed_plot("grad_bc_loss", 110.0)
            .x_axis_label(l.t("grad_step_axis"))
            .y_axis_label("log₁₀ L")
            .include_x(TRAIN_STEPS as f64)
            .show_logged(ui, "grad_bc_loss", |p| {
                p.line(Line::new("L", pts).color(TEAL));
                if let Some(step) = data.past_step {
                    moment_line(p, step as f64);
                }
            });
    }
    ui.label(l.t("grad_driver"));
    ui.horizontal_wrapped(|ui| {
        for (d, _) in Driver::ALL {
            let enabled = match d {
                Driver::Trained => data.trained.is_some(),
                _ => true,
            };
            ui.add_enabled_ui(enabled, |ui| {
                ui.selectable_value(&mut state.driver, d, l.t(d.key()));
            });
        }
    });
    egui::Grid::new("grad_tally").striped(true).show(ui, |ui| {
        ui.label("");
        ui.label(l.t("grad_placed"));
        ui.end_row();
        for (d, _) in Driver::ALL {
            let t = tallies.get(d);
            ui.label(l.t(d.key()));
            ui.monospace(format!("{}/{}", t.successes, t.episodes));
            ui.end_row();
        }
    });
    note(ui, l.t("grad_clone_note"));
}
