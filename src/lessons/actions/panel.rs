//! The lesson panel: the shared policy settings, then one function per section.

use super::task::Results;
use super::*;
use crate::kit::i18n::Lang;
use crate::kit::widgets::{Bars, ShowLogged};
use crate::kit::widgets::{egui_color, fixed_plot, lesson_panel, moment_line, note, section_tabs};
use crate::math::proportion;
use crate::sim::task::{ActionMode, Episode, LiveSample, Reading};
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Bar, Legend, Line};

/// Seconds of joint signal plotted.
const PLOT_SECONDS: f64 = 3.0;

pub(super) fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<ActionsState>,
    mut results: ResMut<Results>,
    sim: Option<Res<Sim>>,
    lang: Res<Lang>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let episode = sim.as_ref().and_then(|s| s.episode());
    let plots = Plots::of(sim.as_deref());
    let mode = sim.as_ref().map_or(ActionMode::Task, |s| s.mode);
    lesson_panel(ctx, l.t("lesson_actions"), |ui| {
        section_tabs(ui, &mut state.section, &Section::ALL, l);
        ui.add(egui::Slider::new(&mut state.noise, 0.0..=0.6).text(l.t("act_noise")));
        let label = state.label();
        if let Some(row) = results
            .rows
            .iter()
            .find(|r| r.label == label && r.mode == mode)
        {
            ui.monospace(format!(
                "{}: {}/{} {}",
                l.t("act_this_setting"),
                row.successes,
                row.episodes,
                l.t("act_placed")
            ));
        }
        ui.separator();
        match state.section {
            Section::Space => space_section(ui, &mut state, episode, l),
            Section::Rate => rate_section(ui, &mut state, episode, &plots, l),
            Section::Chunks => chunks_section(ui, &mut state, l),
            Section::Ensemble => ensemble_section(ui, &mut state, episode, l),
            Section::Latency => latency_section(ui, &mut state, episode, l),
            Section::Smooth => smooth_section(ui, &mut state, episode, &plots, l),
            Section::Compare => compare_section(ui, &mut state, &mut results, l),
        }
    });
    Ok(())
}

/// The meaning and unit of each entry of the action vector.
fn layout(mode: ActionMode, l: Lang) -> Vec<(String, &'static str)> {
    match mode {
        ActionMode::Task => vec![
            ("Δx".into(), "m"),
            ("Δy".into(), "m"),
            ("Δz".into(), "m"),
            ("Δφx".into(), "rad"),
            ("Δφy".into(), "rad"),
            ("Δφz".into(), "rad"),
            (l.t("act_gripper").into(), l.t("act_grip_units_task")),
        ],
        ActionMode::Joint => (1..=7)
            .map(|i| (format!("Δq{i}"), "rad"))
            .chain(std::iter::once((
                l.t("act_gripper").into(),
                l.t("act_grip_units_joint"),
            )))
            .collect(),
    }
}

fn space_section(ui: &mut egui::Ui, state: &mut ActionsState, episode: Option<&Episode>, l: Lang) {
    note(ui, l.t("act_space_intro"));
    if let Some(e) = episode {
        let a = e.current_action();
        ui.label(format!(
            "{} ({} {:.0} ms):",
            l.t("act_action_now"),
            l.t("act_every"),
            e.config().control_period * 1e3
        ));
        egui::Grid::new("action_vector")
            .num_columns(4)
            .striped(true)
            .show(ui, |ui| {
                for (i, (name, unit)) in layout(a.mode, l).into_iter().enumerate() {
                    ui.monospace(format!("{}", i + 1));
                    ui.monospace(name);
                    let value = match (a.mode, i) {
                        (ActionMode::Joint, 7) => {
                            let key = if a.close_gripper {
                                "act_grip_close"
                            } else {
                                "act_grip_open"
                            };
                            l.t(key).to_string()
                        }
                        _ => format!("{:+.4}", a.values[i]),
                    };
                    ui.monospace(value);
                    ui.label(unit);
                    ui.end_row();
                }
            });
    }
    ui.separator();
    ui.label(l.t("act_reading"));
    for (reading, key) in [
        (Reading::AsSent, "act_read_as_sent"),
        (Reading::TaskAsJoint, "act_read_as_joints"),
        (Reading::RotationInToolFrame, "act_read_tool_frame"),
        (Reading::RotationAsEuler, "act_read_euler"),
    ] {
        ui.radio_value(&mut state.reading, reading, l.t(key));
    }
    note(ui, l.t("act_reading_note"));
}

/// What the plots over time draw: the episode whose signals they show and, while the timeline
/// shows a past moment, that moment's time. A moment of the running episode is drawn in the
/// middle of the running episode's signals, so what came after it shows too; a moment of an
/// earlier episode ends its own plot.
struct Plots<'a> {
    episode: Option<&'a Episode>,
    moment: Option<f64>,
}

impl<'a> Plots<'a> {
    fn of(sim: Option<&'a Sim>) -> Plots<'a> {
        let Some(sim) = sim else {
            return Plots {
                episode: None,
                moment: None,
            };
        };
        match sim.moment() {
            Some((t, true)) => Plots {
                episode: sim
                    .live_episode()
                    .filter(|e| e.recent().front().is_some_and(|s| s.t <= t)),
                moment: Some(t),
            },
            Some((t, false)) => Plots {
                episode: sim.episode(),
                moment: Some(t),
            },
            None => Plots {
                episode: sim.episode(),
                moment: None,
            },
        }
        .or(sim.episode())
    }

    /// Falls back to `episode` when the running one does not reach back to the moment.
    fn or(mut self, episode: Option<&'a Episode>) -> Plots<'a> {
        if self.episode.is_none() {
            self.episode = episode;
        }
        self
    }

    /// Draws the moment's cursor, if a moment is shown.
    fn cursor(&self, p: &mut egui_plot::PlotUi) {
        if let Some(t) = self.moment {
            moment_line(p, t);
        }
    }
}

/// The live samples of the [`PLOT_SECONDS`] plotted, oldest first: the last ones, or, around a
/// moment shown, those with the moment in the middle (as far as the samples go).
pub(super) fn plotted(e: &Episode, moment: Option<f64>) -> Vec<&LiveSample> {
    let recent = e.recent();
    let last = recent.back().map_or(0.0, |s| s.t);
    let end = moment.map_or(last, |t| (t + PLOT_SECONDS / 2.0).min(last));
    recent
        .iter()
        .filter(|s| s.t >= end - PLOT_SECONDS && s.t <= end)
        .collect()
}

/// The plotted [`PLOT_SECONDS`] of joint `j`: the target, what is tracked, the measured angle.
fn joint_lines(e: &Episode, j: usize, moment: Option<f64>) -> [Vec<[f64; 2]>; 3] {
    let mut lines: [Vec<[f64; 2]>; 3] = Default::default();
    for s in plotted(e, moment) {
        lines[0].push([s.t, s.target[j]]);
        lines[1].push([s.t, s.tracked[j]]);
        lines[2].push([s.t, s.measured[j]]);
    }
    lines
}

fn rate_section(
    ui: &mut egui::Ui,
    state: &mut ActionsState,
    episode: Option<&Episode>,
    plots: &Plots,
    l: Lang,
) {
    note(ui, l.t("act_rate_intro"));
    ui.horizontal(|ui| {
        ui.label(l.t("act_control_rate"));
        for hz in RATES {
            ui.selectable_value(&mut state.rate, hz, format!("{hz} Hz"));
        }
    });
    ui.checkbox(&mut state.low_pass, l.t("act_low_pass"));
    let mut joint = state.joint + 1;
    ui.add(egui::Slider::new(&mut joint, 1..=7).text(l.t("act_joint_plotted")));
    state.joint = joint - 1;
    let (Some(e), Some(pe)) = (episode, plots.episode) else {
        return;
    };
    // The readout is the shown episode's own (up to the moment); the plot may go past it.
    let [target, _, measured] = joint_lines(e, state.joint, None);
    let gap = target
        .iter()
        .zip(&measured)
        .map(|(a, b)| (a[1] - b[1]).abs())
        .fold(0.0, f64::max);
    let [target, tracked, measured] = joint_lines(pe, state.joint, plots.moment);
    fixed_plot("actions_joint", 150.0)
        .legend(Legend::default())
        .show_logged(ui, "actions_joint", |p| {
            plots.cursor(p);
            p.line(Line::new(l.t("act_line_target"), target).color(egui::Color32::WHITE));
            p.line(
                Line::new(l.t("act_line_tracked"), tracked)
                    .color(egui::Color32::from_rgb(255, 190, 60)),
            );
            p.line(Line::new(l.t("act_line_measured"), measured).color(egui_color(MEASURED_COLOR)));
        });
    ui.monospace(format!("{}: {:.0} mrad", l.t("act_gap_now"), gap * 1e3));
    note(ui, l.t("act_rate_note"));
}

fn chunks_section(ui: &mut egui::Ui, state: &mut ActionsState, l: Lang) {
    note(ui, l.t("act_chunks_intro"));
    ui.add(egui::Slider::new(&mut state.horizon, 1..=MAX_HORIZON).text(l.t("act_horizon_h_big")));
    let h_max = state.horizon;
    state.execute = state.execute.min(h_max);
    ui.add(egui::Slider::new(&mut state.execute, 1..=h_max).text(l.t("act_horizon_h_small")));
    ui.checkbox(&mut state.show_chunks, l.t("act_show_chunks"));
    if state.ensemble {
        ui.colored_label(
            egui::Color32::from_rgb(255, 200, 90),
            l.t("act_ensemble_overrides"),
        );
    }
    note(ui, l.t("act_chunks_note"));
}

fn ensemble_section(
    ui: &mut egui::Ui,
    state: &mut ActionsState,
    episode: Option<&Episode>,
    l: Lang,
) {
    note(ui, l.t("act_ensemble_intro"));
    ui.checkbox(&mut state.ensemble, l.t("act_ensemble_on"));
    ui.add(egui::Slider::new(&mut state.horizon, 1..=MAX_HORIZON).text(l.t("act_horizon_h_big")));
    ui.add(egui::Slider::new(&mut state.m, 0.0..=2.0).text("m"));
    if let Some(e) = episode.filter(|_| state.ensemble) {
        let weights = e.last_ensemble();
        ui.label(format!("{} ({})", l.t("act_weights_now"), weights.len()));
        let bars: Vec<Bar> = weights
            .iter()
            .enumerate()
            .map(|(i, (w, _))| Bar::new(i as f64, *w).width(0.7))
            .collect();
        fixed_plot("actions_weights", 110.0)
            .include_y(0.0)
            .show_logged(ui, "actions_weights", |p| {
                p.bars(Bars::new("w", bars).color(egui_color(EXECUTED_COLOR)));
            });
    }
    note(ui, l.t("act_ensemble_note"));
}

fn latency_section(
    ui: &mut egui::Ui,
    state: &mut ActionsState,
    episode: Option<&Episode>,
    l: Lang,
) {
    note(ui, l.t("act_latency_intro"));
    ui.add(egui::Slider::new(&mut state.latency, 0..=MAX_LATENCY).text(l.t("act_latency_periods")));
    ui.checkbox(&mut state.compensate, l.t("act_compensate"));
    ui.checkbox(&mut state.show_paths, l.t("act_show_paths"));
    if let Some(e) = episode {
        let recent = e.recent();
        let lag = |s: &LiveSample| (s.tool_commanded - s.tool).norm();
        let now = recent.back().map_or(0.0, lag);
        let worst = recent.iter().map(lag).fold(0.0, f64::max);
        ui.monospace(format!(
            "{}: {:.1} mm ({} {:.1} mm)",
            l.t("act_lag_now"),
            now * 1e3,
            l.t("act_worst_recent"),
            worst * 1e3
        ));
        ui.monospace(format!(
            "{} {:.0} ms",
            l.t("act_latency_is"),
            state.latency as f64 * e.config().control_period * 1e3
        ));
    }
    note(ui, l.t("act_latency_note"));
}

/// RMS jerk per control period of what is tracked and of the arm, over the plotted window.
fn jerk_lines(e: &Episode, moment: Option<f64>) -> [Vec<[f64; 2]>; 2] {
    let steps = (e.config().control_period * e.config().physics_rate)
        .round()
        .max(1.0) as usize;
    let window = plotted(e, moment);
    let mut lines: [Vec<[f64; 2]>; 2] = Default::default();
    for group in window.chunks(steps) {
        let n = group.len() as f64;
        let rms = |f: &dyn Fn(&LiveSample) -> f64| {
            (group.iter().map(|s| f(s).powi(2)).sum::<f64>() / n).sqrt()
        };
        let t = group[0].t;
        lines[0].push([t, rms(&|s| s.command_jerk)]);
        lines[1].push([t, rms(&|s| s.jerk)]);
    }
    lines
}

fn smooth_section(
    ui: &mut egui::Ui,
    state: &mut ActionsState,
    episode: Option<&Episode>,
    plots: &Plots,
    l: Lang,
) {
    note(ui, l.t("act_smooth_intro"));
    ui.checkbox(&mut state.low_pass, l.t("act_low_pass"));
    ui.add_enabled(
        state.low_pass,
        egui::Slider::new(&mut state.tau, 0.01..=0.5).text(l.t("act_tau")),
    );
    ui.checkbox(&mut state.penalty, l.t("act_penalty"));
    ui.add_enabled(
        state.penalty,
        egui::Slider::new(&mut state.lambda, 0.0..=5.0).text("λ"),
    );
    ui.add_enabled(
        state.penalty,
        egui::Slider::new(&mut state.mu, 0.0..=20.0).text("μ"),
    );
    if let (Some(_), Some(pe)) = (episode, plots.episode) {
        let [command, arm] = jerk_lines(pe, plots.moment);
        ui.label(l.t("act_jerk_plot"));
        fixed_plot("actions_jerk", 130.0)
            .include_y(0.0)
            .legend(Legend::default())
            .show_logged(ui, "actions_jerk", |p| {
                plots.cursor(p);
                p.line(
                    Line::new(l.t("act_line_tracked"), command)
                        .color(egui::Color32::from_rgb(255, 190, 60)),
                );
                p.line(Line::new(l.t("act_line_measured"), arm).color(egui_color(MEASURED_COLOR)));
            });
    }
    note(ui, l.t("act_smooth_note"));
}

fn compare_section(ui: &mut egui::Ui, state: &mut ActionsState, results: &mut Results, l: Lang) {
    note(ui, l.t("act_compare_intro"));
    ui.checkbox(&mut state.repeat, l.t("act_repeat_seed"));
    // One entry per setting: its name, then the figures (the panel is narrow).
    ui.label(l.t("act_compare_columns"));
    for r in &results.rows {
        let space = match r.mode {
            ActionMode::Task => "Δx",
            ActionMode::Joint => "Δq",
        };
        ui.separator();
        ui.label(egui::RichText::new(format!("{space} · {}", r.label)).strong());
        // The count with its 95 % interval: a handful of episodes proves little.
        let interval = proportion::wilson(r.successes, r.episodes, proportion::Z95)
            .map_or(String::new(), |(lo, hi)| {
                format!(" ({:.0}–{:.0} %)", lo * 100.0, hi * 100.0)
            });
        ui.monospace(format!(
            "{}/{}{interval}   {}   {:.0} / {:.0}   {:.0} mrad",
            r.successes,
            r.episodes,
            r.mean_time().map_or("–".into(), |t| format!("{t:.1} s")),
            r.mean_jerk(),
            r.mean_command_jerk(),
            r.max_tracking * 1e3
        ));
    }
    if results.rows.is_empty() {
        ui.label(l.t("act_no_rows"));
    } else if ui.button(l.t("act_clear_table")).clicked() {
        results.rows.clear();
    }
    note(ui, l.t("act_compare_note"));
}
