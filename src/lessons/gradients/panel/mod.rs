//! The lesson panel: the section tabs, then one file per section.

mod arm;
mod clip;
mod clone;
mod cost;
mod depth;
mod descent;
mod graph;
mod linear;
mod toy;

use arm::arm_section;
use clip::{ClipCache, clip_section};
use clone::clone_section;
use cost::cost_section;
use depth::depth_section;
use descent::descent_section;
use graph::graph_section;
use linear::linear_section;
use toy::toy_section;

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
use bevy_egui::egui;
use egui_plot::{Bar, Line, Points, VLine};

const TEAL: egui::Color32 = egui::Color32::from_rgb(60, 200, 190);
const RED: egui::Color32 = egui::Color32::from_rgb(235, 70, 60);
const GOLD: egui::Color32 = egui::Color32::from_rgb(255, 215, 60);

/// The clip experiment's settings: step size, steps before and after the outlier.
pub const CLIP_LR: f64 = 0.2;
pub const CLIP_BEFORE: usize = 30;
pub const CLIP_AFTER: usize = 30;

pub(super) fn panel(
    mut lesson_ui: LessonUi,
    mut state: ResMut<GradientsState>,
    mut data: ResMut<PolicyData>,
    (tallies, cost, descent): (Res<ReachTallies>, Res<Cost>, Res<Descent>),
    mut clip_cache: Local<ClipCache>,
    mut actions: MessageWriter<Request>,
) -> Result {
    let (robot, sim) = (lesson_ui.robot, lesson_ui.sim);
    let ctx = lesson_ui.contexts.ctx_mut()?;
    let l = *lesson_ui.lang;
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
