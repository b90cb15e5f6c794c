//! The lesson panel: the section tabs, then one file per section. Plots show offsets in
//! centimetres (densities per centimetre); the math works in metres.

mod attention;
mod base;
mod clip;
mod data;
mod gaussian;
mod kl;
mod mixture;
mod ppo;
mod reparam;
mod tokens;

use attention::attention_section;
use base::base_section;
use clip::clip_section;
use data::data_section;
use gaussian::gaussian_section;
use kl::kl_section;
use mixture::mixture_section;
use ppo::{PpoCache, ppo_section};
#[cfg(test)]
pub(super) use reparam::estimator_draws;
use reparam::{DrawCache, reparam_section};
use tokens::tokens_section;

use super::attention::Attention;
use super::data::{CourseData, KlLive, RANGE, offset_for};
use super::*;
use crate::kit::i18n::Lang;
use crate::kit::tally::Tallies;
use crate::kit::widgets::math;
use crate::kit::widgets::{
    BASELINE_COLOR, SIDE_COLORS, egui_color, fixed_plot, lesson_panel, note, section_tabs,
    tally_table,
};
use crate::kit::widgets::{Bars, ShowLogged};
use crate::math::losses::{
    Component, Grid, PpoConfig, PpoIter, cross_entropy, expectation, gaussian_pdf,
    gradient_estimates, half_log_tau, kl, mean_nll, mean_var, mixture_nll, mixture_pdf, peaks,
    ppo_clip, ppo_run, tilt,
};
use bevy::ecs::system::SystemParam;
use bevy_egui::egui;
use egui_plot::{Bar, Line, LineStyle, Points, VLine};

use super::colors::{GOLD, GREY, SKY};

/// The KL-to-base reward: one unit per 10 cm towards the far side (per metre: 10).
pub const REWARD_PER_M: f64 = 10.0;
/// PPO runs this many iterations.
pub const PPO_ITERS: usize = 30;
/// The reparameterization toy: the policy `N(0, 5 cm)` and the loss `((z − 15 cm)/5 cm)²`.
pub const REPARAM: (f64, f64) = (0.0, 0.05);

fn near() -> egui::Color32 {
    egui_color(SIDE_COLORS[0])
}
fn far() -> egui::Color32 {
    egui_color(SIDE_COLORS[1])
}
fn red() -> egui::Color32 {
    egui_color(BASELINE_COLOR)
}

fn cm(x: f64) -> f64 {
    x * 100.0
}

/// What the panel shows, beside the lesson's state: the course's data, the live KL fit, the
/// low-rank run and the reaching policy it adapts.
#[derive(SystemParam)]
pub(super) struct Shown<'w> {
    data: Res<'w, CourseData>,
    kl_live: Res<'w, KlLive>,
    lr: Res<'w, super::lowrank::LowRankData>,
    policy: Res<'w, crate::lessons::shared::reaching::PolicyData>,
}

pub(super) fn panel(
    mut lesson_ui: LessonUi,
    mut state: ResMut<LossesState>,
    shown: Shown,
    mut tallies: ResMut<Tallies>,
    mut ppo: Local<PpoCache>,
    mut draws: Local<DrawCache>,
) -> Result {
    let (robot, sim) = (lesson_ui.robot, lesson_ui.sim);
    let (data, kl_live, lr, policy) = (shown.data, shown.kl_live, shown.lr, shown.policy);
    let ctx = lesson_ui.contexts.ctx_mut()?;
    let l = *lesson_ui.lang;
    lesson_panel(ctx, l.t("lesson_losses"), |ui| {
        section_tabs(ui, &mut state.section, &Section::ALL, l);
        let needs_data = !matches!(
            state.section,
            Section::Clip | Section::Ppo | Section::Reparam | Section::LowRank
        );
        if needs_data && !data.ready() {
            recording(ui, &data, l);
            return;
        }
        match state.section {
            Section::Data => data_section(ui, &data, l),
            Section::Gaussian => gaussian_section(ui, &mut state, &data, l),
            Section::Tokens => tokens_section(ui, &mut state, &data, l),
            Section::Mixture => mixture_section(ui, &data, l),
            Section::Kl => kl_section(ui, &mut state, &data, &kl_live, l),
            Section::Base => base_section(ui, &mut state, &data, l),
            Section::Clip => clip_section(ui, &mut state, l),
            Section::Ppo => ppo_section(ui, &mut state, &mut ppo, l),
            Section::Reparam => reparam_section(ui, &mut state, &mut draws, l),
            Section::Attention => attention_section(ui, &mut state, &data, robot.as_deref(), l),
            Section::LowRank => super::lowrank_panel::section(ui, &mut state, &lr, &policy, l),
        }
        let driven = matches!(
            state.section,
            Section::Data | Section::Gaussian | Section::Tokens | Section::Mixture
        );
        if driven {
            ui.separator();
            drivers(ui, &mut state, &data, sim.as_deref(), &mut tallies, l);
        }
    });
    Ok(())
}

fn recording(ui: &mut egui::Ui, data: &CourseData, l: Lang) {
    if data.unavailable {
        note(ui, l.t("loss_unavailable"));
        return;
    }
    ui.label(l.t("loss_recording"));
    ui.add(egui::ProgressBar::new(data.progress()).show_percentage());
}

/// Who carries the cube, what the running episode chose, and the tally.
fn drivers(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    data: &CourseData,
    sim: Option<&Sim>,
    tallies: &mut Tallies,
    l: Lang,
) {
    ui.label(l.t("loss_who_drives"));
    ui.horizontal_wrapped(|ui| {
        for (d, _) in LossDriver::ALL {
            ui.selectable_value(&mut state.driver, d, l.t(d.key()));
        }
    });
    if let (Some(lateral), Some(sim)) = (data.lateral(state.driver, state), sim) {
        ui.monospace(format!(
            "{} {}: {:+.1} cm",
            l.t("loss_this_episode"),
            sim.seed,
            cm(offset_for(&lateral, sim.seed))
        ));
    }
    tally_table(ui, "loss_tallies", tallies, &LossDriver::keys(), l);
}

/// The demonstrations' offsets as a histogram of 1 cm bins, as a density per cm, each side in
/// its colour.
fn data_bars(data: &CourseData, alpha: f32) -> [Bars; 2] {
    let n = data.offsets.len().max(1) as f64;
    let mut counts = std::collections::BTreeMap::<i64, f64>::new();
    for d in &data.offsets {
        *counts.entry(cm(*d).floor() as i64).or_default() += 1.0;
    }
    let bars = |near_side: bool| -> Vec<Bar> {
        counts
            .iter()
            .filter(|(k, _)| (**k < 0) == near_side)
            .map(|(k, c)| Bar::new(*k as f64 + 0.5, c / n).width(1.0))
            .collect()
    };
    [
        Bars::new(l_none(), bars(true)).color(near().gamma_multiply(alpha)),
        Bars::new(l_none(), bars(false)).color(far().gamma_multiply(alpha)),
    ]
}

/// Bars without a legend entry.
fn l_none() -> &'static str {
    ""
}

/// A density of the offset (per m) as a curve per cm.
fn density_line<'a>(name: &str, grid: &Grid, p: &[f64], color: egui::Color32) -> Line<'a> {
    Line::new(
        name,
        grid.x
            .iter()
            .zip(p)
            .map(|(x, v)| [cm(*x), v / 100.0])
            .collect::<Vec<_>>(),
    )
    .color(color)
    .width(2.0)
}

fn offsets_plot(id: &str, l: Lang) -> egui_plot::Plot<'static> {
    fixed_plot(id, 150.0)
        .x_axis_label(l.t("loss_offset_axis"))
        // One fixed view for every offset plot: the KL densities are tabulated twice as
        // wide (their tails matter to the integral), and a wider view leaves only 0 labelled.
        .default_x_bounds(cm(RANGE.0), cm(RANGE.1))
        .include_y(0.0)
        .legend(egui_plot::Legend::default())
}
