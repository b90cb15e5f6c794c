//! The low-rank section: the trained policy's singular values, the full fine-tune's update and
//! how few directions hold it, then rank-r updates against full fine-tuning in loss, reaches
//! and parameter counts.

use super::LossesState;
use super::colors::GOLD;
use super::lowrank::{LowRankData, REACH_TOL, Reach, SHIFT, TUNE_STEPS};
use super::state::MAX_RANK;
use crate::kit::i18n::Lang;
use crate::kit::widgets::math;
use crate::kit::widgets::{BASELINE_COLOR, SIDE_COLORS, egui_color, fixed_plot, moment_line, note};
use crate::kit::widgets::{Bars, ShowLogged};
use crate::lessons::shared::reaching::PolicyData;
use crate::math::bc::BcTrainer;
use crate::math::lowrank::{
    FineTune, Tuning, energy_rank, full_params, lora_params, singular_values,
};
use crate::sim::reach::{DEMO_EPISODES, TRAIN_STEPS};
use bevy_egui::egui;
use egui_plot::{Bar, HLine, Line, Points, VLine};

/// A large model's projection for scale: 4096 × 4096 at rank 16.
pub const VLA_WIDTH: usize = 4096;
pub const VLA_RANK: usize = 16;

const LAYER_COLORS: [egui::Color32; 3] = [
    egui::Color32::from_rgb(120, 170, 255),
    egui::Color32::from_rgb(200, 130, 255),
    egui::Color32::from_rgb(120, 220, 140),
];
const GREY: egui::Color32 = egui::Color32::from_rgb(130, 130, 130);

fn rank_color() -> egui::Color32 {
    egui_color(SIDE_COLORS[0])
}
fn full_color() -> egui::Color32 {
    egui_color(SIDE_COLORS[1])
}

/// A layer's singular values (`out × in` row-major weights).
pub fn layer_sigma(w: &[f64], n_in: usize, n_out: usize) -> Vec<f64> {
    singular_values(w, n_out, n_in)
}

pub(super) fn section(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    lr: &LowRankData,
    policy: &PolicyData,
    l: Lang,
) {
    note(ui, l.t("loss_lr_intro"));
    math(ui, "W′ = W + B·A,   B ∈ ℝ^(out×r), B₀ = 0,   A ∈ ℝ^(r×in)");
    let Some((base, _)) = &lr.base else {
        waiting(ui, policy, l);
        return;
    };
    let sizes = base.net.sizes.clone();
    parameter_counts(ui, state, &sizes, l);
    if !lr.finished() {
        ui.label(l.t("loss_lr_tuning"));
        ui.add(egui::ProgressBar::new(lr.progress()).show_percentage());
    }
    loss_curves(ui, state, lr, l);
    by_rank(ui, state, lr, l);
    results(ui, state, lr, l);
    ui.separator();
    ui.add_space(4.0);
    ui.strong(l.t("loss_lr_sigma_title"));
    note(ui, l.t("loss_lr_sigma_note"));
    singular_value_bars(ui, base, &sizes);
    update_energy(ui, state, lr, &sizes, l);
}

/// The rank slider, and the parameters rank r trains against full fine-tuning (here and for
/// a large model's layer).
fn parameter_counts(ui: &mut egui::Ui, state: &mut LossesState, sizes: &[usize], l: Lang) {
    ui.add(egui::Slider::new(&mut state.rank, 1..=MAX_RANK).text(l.t("loss_lr_rank")));
    let (n_lora, n_full) = (lora_params(sizes, state.rank), full_params(sizes));
    ui.monospace(format!(
        "{}   r = {}: {n_lora}   {}: {n_full}   ({:.0} %)",
        l.t("loss_lr_params"),
        state.rank,
        l.t("loss_lr_full"),
        100.0 * n_lora as f64 / n_full as f64
    ));
    let (vla_lora, vla_full) = (
        lora_params(&[VLA_WIDTH, VLA_WIDTH], VLA_RANK),
        VLA_WIDTH * VLA_WIDTH,
    );
    ui.monospace(format!(
        "{VLA_WIDTH}×{VLA_WIDTH}, r = {VLA_RANK}: {vla_lora} / {vla_full} ({:.2} %)",
        100.0 * vla_lora as f64 / vla_full as f64
    ));
    note(ui, l.t("loss_lr_capped"));
}

/// Training loss against steps: every rank grey, the chosen one and full fine-tuning in
/// colour.
fn loss_curves(ui: &mut egui::Ui, state: &LossesState, lr: &LowRankData, l: Lang) {
    let curve = |r: &FineTune| -> Vec<[f64; 2]> {
        r.losses
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0.0)
            .map(|(k, v)| [(k * FineTune::EVERY) as f64, v.log10()])
            .collect()
    };
    let chosen = Tuning::Rank(state.rank);
    fixed_plot("loss_lr_curves", 130.0)
        .x_axis_label(l.t("loss_lr_steps"))
        .y_axis_label("log₁₀ L")
        .include_x(TUNE_STEPS as f64)
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "loss_lr_curves", |p| {
            for r in &lr.runs {
                if r.tuning != Tuning::Full && r.tuning != chosen {
                    p.line(Line::new("", curve(r)).color(GREY).width(1.0));
                }
            }
            if let Some(r) = lr.run(chosen) {
                p.line(
                    Line::new(format!("r = {}", state.rank), curve(r))
                        .color(rank_color())
                        .width(2.5),
                );
            }
            if let Some(r) = lr.run(Tuning::Full) {
                p.line(
                    Line::new(l.t("loss_lr_full"), curve(r))
                        .color(full_color())
                        .width(2.5),
                );
            }
            if let Some(steps) = lr.past_steps(chosen) {
                moment_line(p, steps as f64);
            }
        });
}

/// The final loss and the reach miss against r, full fine-tuning as a line.
fn by_rank(ui: &mut egui::Ui, state: &LossesState, lr: &LowRankData, l: Lang) {
    // The loss and the reaches against r, full fine-tuning as a line.
    let ranked: Vec<(usize, &FineTune, Option<Reach>)> = lr
        .runs
        .iter()
        .zip(&lr.reaches)
        .filter_map(|(r, x)| match r.tuning {
            Tuning::Rank(k) => Some((k, r, *x)),
            Tuning::Full => None,
        })
        .collect();
    let full = lr.run(Tuning::Full);
    let full_reach = lr.reach(Tuning::Full);
    ui.horizontal(|ui| {
        let w = (ui.available_width() - 8.0) / 2.0;
        ui.vertical(|ui| {
            ui.set_width(w);
            fixed_plot("loss_lr_by_rank", 110.0)
                .x_axis_label("r")
                .y_axis_label("log₁₀ L")
                .width(w)
                .show_logged(ui, "loss_lr_by_rank", |p| {
                    let pts: Vec<[f64; 2]> = ranked
                        .iter()
                        .filter(|(_, r, _)| r.last_loss() > 0.0)
                        .map(|(k, r, _)| [*k as f64, r.last_loss().log10()])
                        .collect();
                    p.line(Line::new("", pts.clone()).color(rank_color()).width(1.5));
                    p.points(Points::new("", pts).color(rank_color()).radius(3.0));
                    if let Some(f) = full.filter(|f| f.last_loss() > 0.0) {
                        p.hline(HLine::new("", f.last_loss().log10()).color(full_color()));
                    }
                    p.vline(VLine::new("", state.rank as f64).color(GREY));
                });
        });
        ui.vertical(|ui| {
            ui.set_width(w);
            fixed_plot("loss_lr_reach", 110.0)
                .x_axis_label("r")
                .y_axis_label(l.t("loss_lr_miss_axis"))
                .include_y(0.0)
                .width(w)
                .show_logged(ui, "loss_lr_reach", |p| {
                    let bars: Vec<Bar> = ranked
                        .iter()
                        .filter_map(|(k, _, x)| x.map(|x| (k, x.miss)))
                        .filter(|(_, m)| m.is_finite())
                        .map(|(k, m)| {
                            let c = if *k == state.rank { rank_color() } else { GREY };
                            Bar::new(*k as f64, 1000.0 * m).width(0.7).fill(c)
                        })
                        .collect();
                    p.bars(Bars::new("", bars));
                    if let Some(x) = full_reach {
                        p.hline(HLine::new("", 1000.0 * x.miss).color(full_color()));
                    }
                    p.hline(HLine::new("", 1000.0 * REACH_TOL).color(GOLD));
                });
        });
    });
}

/// The chosen rank's, full fine-tuning's and the base network's loss and reaches.
fn results(ui: &mut egui::Ui, state: &LossesState, lr: &LowRankData, l: Lang) {
    let chosen = Tuning::Rank(state.rank);
    let (full, full_reach) = (lr.run(Tuning::Full), lr.reach(Tuning::Full));
    let starts = lr.starts.len();
    // "reaches k/n   m mm", or an ellipsis while the run is still training.
    let reached = |x: Option<Reach>| match x {
        Some(x) => format!(
            "{} {}/{starts}   {:.1} mm",
            l.t("loss_lr_reaches"),
            x.reached,
            1000.0 * x.miss
        ),
        None => format!("{} …", l.t("loss_lr_reaches")),
    };
    if let Some(r) = lr.run(chosen) {
        ui.colored_label(
            rank_color(),
            format!(
                "r = {}: L = {:.4}   {}",
                state.rank,
                r.last_loss(),
                reached(lr.reach(chosen))
            ),
        );
    }
    if let Some(f) = full {
        ui.colored_label(
            full_color(),
            format!(
                "{}: L = {:.4}   {}",
                l.t("loss_lr_full"),
                f.last_loss(),
                reached(full_reach)
            ),
        );
        ui.colored_label(
            egui_color(BASELINE_COLOR),
            format!(
                "{}: L = {:.4}   {}   ({} {}/{starts})",
                l.t("loss_lr_base"),
                f.losses.first().copied().unwrap_or(f64::NAN),
                reached(lr.base_reach),
                l.t("loss_lr_old_target"),
                lr.base_old_reached
            ),
        );
    }
    note(
        ui,
        &l.t("loss_lr_reach_note")
            .replace("{tol}", &format!("{:.0}", REACH_TOL * 1000.0))
            .replace("{dz}", &format!("{:.0}", SHIFT[2] * 100.0)),
    );
}

/// Every layer's singular values side by side, a gap between layers.
fn singular_value_bars(ui: &mut egui::Ui, base: &BcTrainer, sizes: &[usize]) {
    // Every layer's singular values side by side, a gap between layers.
    let mut bars = Vec::new();
    let mut x = 0.0;
    let mut shapes = Vec::new();
    for (k, w) in sizes.windows(2).enumerate() {
        let s = layer_sigma(base.net.weights(k), w[0], w[1]);
        let layer: Vec<Bar> = s
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Bar::new(x + i as f64, *v)
                    .width(0.8)
                    .fill(LAYER_COLORS[k % 3])
            })
            .collect();
        x += s.len() as f64 + 1.5;
        shapes.push(format!("{}×{}", w[1], w[0]));
        bars.push(
            Bars::new(format!("W{} ({})", k + 1, shapes[k]), layer).color(LAYER_COLORS[k % 3]),
        );
    }
    fixed_plot("loss_lr_sigma", 110.0)
        .y_axis_label("σ")
        .show_x(false)
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "loss_lr_sigma", |p| {
            for b in bars {
                p.bars(b);
            }
        });
}

/// How much of the full fine-tune's update ‖ΔW‖² its first k directions hold.
fn update_energy(
    ui: &mut egui::Ui,
    state: &LossesState,
    lr: &LowRankData,
    sizes: &[usize],
    l: Lang,
) {
    // The full fine-tune's update: how much of ‖ΔW‖² its first k directions hold.
    if let Some(full) = lr.run(Tuning::Full).filter(|r| r.steps > 0) {
        ui.strong(l.t("loss_lr_delta_title"));
        let mut lines = Vec::new();
        let mut readout = Vec::new();
        for (k, w) in sizes.windows(2).enumerate() {
            let s = layer_sigma(&full.delta(k), w[0], w[1]);
            let total: f64 = s.iter().map(|v| v * v).sum();
            if total <= 0.0 {
                continue;
            }
            let mut acc = 0.0;
            let pts: Vec<[f64; 2]> = std::iter::once([0.0, 0.0])
                .chain(s.iter().enumerate().map(|(i, v)| {
                    acc += v * v;
                    [i as f64 + 1.0, 100.0 * acc / total]
                }))
                .collect();
            lines.push((k, pts));
            readout.push(format!(
                "ΔW{}: 90 % in {} / {}",
                k + 1,
                energy_rank(&s, 0.9),
                s.len()
            ));
        }
        fixed_plot("loss_lr_energy", 110.0)
            .x_axis_label(l.t("loss_lr_directions"))
            .y_axis_label("% ‖ΔW‖²")
            .include_y(0.0)
            .include_y(100.0)
            .show_logged(ui, "loss_lr_energy", |p| {
                for (k, pts) in lines {
                    p.line(
                        Line::new(format!("ΔW{}", k + 1), pts)
                            .color(LAYER_COLORS[k % 3])
                            .width(2.0),
                    );
                }
                p.vline(VLine::new("r", state.rank as f64).color(rank_color()));
            });
        ui.monospace(readout.join("   "));
    }
}

fn waiting(ui: &mut egui::Ui, policy: &PolicyData, l: Lang) {
    if policy.unavailable {
        note(ui, l.t("loss_unavailable"));
        return;
    }
    if policy.recorded < DEMO_EPISODES {
        ui.label(l.t("loss_lr_recording"));
        ui.add(
            egui::ProgressBar::new(policy.recorded as f32 / DEMO_EPISODES as f32).show_percentage(),
        );
    } else {
        ui.label(format!("{} ({TRAIN_STEPS})", l.t("loss_lr_training")));
        ui.add(egui::ProgressBar::new(policy.progress() as f32).show_percentage());
    }
}
