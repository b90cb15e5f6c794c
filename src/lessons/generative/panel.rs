//! The lesson panel, one function per section.

use super::*;
use crate::kit::i18n::Lang;
use crate::kit::widgets::ShowLogged;
use crate::kit::widgets::{egui_color, fixed_plot, lesson_panel, moment_line, note, tally_table};
use crate::sim::course::Demo;
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Line, Points};

pub(super) fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<GenerativeState>,
    mut tallies: ResMut<Tallies>,
    lang: Res<Lang>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    lesson_panel(ctx, l.t("lesson_generative"), |ui| {
        ui.label(l.t("gen_intro"));
        ui.separator();
        if state.set.is_none() {
            let done = state.demos.len() as f32 / DEMOS as f32;
            ui.label(l.t("gen_recording"));
            ui.add(egui::ProgressBar::new(done).show_percentage());
            return;
        }
        data_section(ui, &state, l);
        ui.separator();
        field_section(ui, &mut state, l);
        ui.separator();
        sampler_section(ui, &mut state, l);
        ui.separator();
        metrics_section(ui, &state, l);
        pca_plot(ui, &state, l);
        ui.separator();
        policy_section(ui, &mut state, &mut tallies, l);
    });
    Ok(())
}

pub(super) fn data_section(ui: &mut egui::Ui, state: &GenerativeState, l: Lang) {
    let ok: Vec<&Demo> = state.demos.iter().filter(|d| d.success).collect();
    let near = ok
        .iter()
        .filter(|d| d.side == crate::sim::task::Side::Near)
        .count();
    ui.label(format!(
        "{} {}  ({} {near}, {} {})",
        ok.len(),
        l.t("gen_demos"),
        l.t("side_near"),
        l.t("side_far"),
        ok.len() - near
    ));
    if let Some(set) = &state.set {
        ui.label(format!(
            "{}: H = {} × 3 = {}",
            l.t("gen_chunk"),
            set.horizon,
            set.dim()
        ));
    }
}

pub(super) fn field_section(ui: &mut egui::Ui, state: &mut GenerativeState, l: Lang) {
    ui.horizontal(|ui| {
        ui.label(l.t("gen_field"));
        let before = state.field;
        ui.selectable_value(&mut state.field, FieldChoice::Exact, l.t("field_exact"));
        ui.selectable_value(&mut state.field, FieldChoice::Network, l.t("field_network"));
        if state.field != before {
            state.dirty = true;
        }
    });
    if state.field == FieldChoice::Exact {
        ui.label(l.t("field_exact_note"));
        return;
    }
    note(ui, l.t("field_network_note"));
    if !state.training && ui.button(l.t("train")).clicked() {
        state.start_training();
    }
    let trainer = state.trainer.as_ref().or(state.trained.as_deref());
    let Some(trainer) = trainer else {
        ui.label(l.t("untrained"));
        return;
    };
    // At a past moment of the timeline: the step training had reached then.
    let step = state.past_train_step().unwrap_or(trainer.step);
    ui.add(
        egui::ProgressBar::new((step as f64 / trainer.cfg.steps.max(1) as f64) as f32).text(
            format!("{} {}/{}", l.t("train_step"), step, trainer.cfg.steps),
        ),
    );
    let flow: Vec<[f64; 2]> = trainer
        .losses
        .iter()
        .map(|(s, f, _)| [*s as f64, f.log10()])
        .collect();
    let reg: Vec<[f64; 2]> = trainer
        .losses
        .iter()
        .map(|(s, _, r)| [*s as f64, r.log10()])
        .collect();
    fixed_plot("loss_plot", 110.0)
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "loss_plot", |p| {
            p.line(Line::new(l.t("loss_flow"), flow).color(egui::Color32::LIGHT_BLUE));
            p.line(Line::new(l.t("loss_regression"), reg).color(egui_color(REGRESSION_COLOR)));
            if let Some(step) = state.past_train_step() {
                moment_line(p, step as f64);
            }
        });
    if state.trained.is_none() {
        ui.label(l.t("untrained"));
    }
}

pub(super) fn sampler_section(ui: &mut egui::Ui, state: &mut GenerativeState, l: Lang) {
    let before = (state.sampler, state.k, state.cosine, state.samples);
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut state.sampler, SamplerChoice::Ddpm, "DDPM");
        ui.selectable_value(&mut state.sampler, SamplerChoice::Ddim, "DDIM");
        ui.selectable_value(
            &mut state.sampler,
            SamplerChoice::FlowEuler,
            l.t("fm_euler"),
        );
        ui.selectable_value(&mut state.sampler, SamplerChoice::FlowHeun, l.t("fm_heun"));
    });
    let key = match state.sampler {
        SamplerChoice::Ddpm => "ddpm_note",
        SamplerChoice::Ddim => "ddim_note",
        _ => "fm_note",
    };
    note(ui, l.t(key));
    if state.sampler == SamplerChoice::FlowHeun {
        note(ui, l.t("heun_note"));
    }
    if state.sampler == SamplerChoice::Ddpm {
        ui.label(l.t("ddpm_steps"));
    } else {
        ui.add(egui::Slider::new(&mut state.k, 1..=10).text(l.t("steps_k")));
    }
    if matches!(state.sampler, SamplerChoice::Ddpm | SamplerChoice::Ddim) {
        ui.checkbox(&mut state.cosine, l.t("cosine_schedule"));
    }
    ui.add(egui::Slider::new(&mut state.samples, MIN_SAMPLES..=MAX_SAMPLES).text(l.t("samples")));
    if before != (state.sampler, state.k, state.cosine, state.samples) {
        state.dirty = true;
    }
    let steps = state.sampler().steps();
    ui.horizontal(|ui| {
        let label = if state.playing { "⏸" } else { "▶" };
        if ui.button(label).clicked() {
            state.playing = !state.playing;
        }
        let mut shown = state.shown.min(steps);
        if ui
            .add(egui::Slider::new(&mut shown, 0..=steps).text(l.t("denoise_step")))
            .changed()
        {
            state.playing = false;
            state.shown = shown;
        }
        if ui.button(l.t("new_noise")).clicked() {
            state.noise_seed += 1;
            state.dirty = true;
        }
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut state.show_demos, l.t("show_demos"));
        ui.checkbox(&mut state.show_ghosts, l.t("show_ghosts"));
        ui.checkbox(&mut state.show_trails, l.t("show_trails"));
        ui.checkbox(&mut state.show_regression, l.t("show_regression"));
    });
}

pub(super) fn metrics_section(ui: &mut egui::Ui, state: &GenerativeState, l: Lang) {
    let nfe_now = state
        .run
        .as_ref()
        .map_or(0, |r| r.nfe_upto(state.shown.min(r.done_steps())));
    let Some(m) = &state.metrics else {
        ui.monospace(format!("NFE {nfe_now}"));
        return;
    };
    egui::Grid::new("gen_metrics")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label(l.t("metric_nfe"));
            ui.monospace(format!("{nfe_now} / {}", m.nfe));
            ui.end_row();
            ui.label(l.t("metric_straightness"));
            ui.monospace(format!("{:.3}", m.straightness));
            ui.end_row();
            ui.label(l.t("metric_nearest"));
            ui.monospace(format!("{:.1} mm", m.nearest * 1e3));
            ui.end_row();
            ui.label(l.t("metric_coverage"));
            ui.monospace(format!(
                "{:.0} % ({} {}, {} {})",
                m.sides * 100.0,
                m.per_side[0],
                l.t("side_near"),
                m.per_side[1],
                l.t("side_far"),
            ));
            ui.end_row();
            ui.label(l.t("metric_demo_coverage"));
            ui.monospace(format!("{:.0} %", m.demos * 100.0));
            ui.end_row();
            ui.colored_label(egui_color(REGRESSION_COLOR), l.t("metric_regression"));
            ui.monospace(format!("{:.1} mm", m.regression * 1e3));
            ui.end_row();
        });
    note(ui, l.t("metric_nfe_note"));
}

/// The same paths in the plane of the demonstrations' two principal components.
pub(super) fn pca_plot(ui: &mut egui::Ui, state: &GenerativeState, l: Lang) {
    let (Some(plane), Some(set)) = (&state.plane, &state.set) else {
        return;
    };
    ui.label(l.t("pca_title"));
    fixed_plot("pca_plot", 170.0)
        .data_aspect(1.0)
        .show_logged(ui, "pca_plot", |p| {
            if let Some(run) = &state.run {
                let shown = state.shown.min(run.done_steps());
                for ghosts in &state.views.ghosts {
                    let Some(g) = ghosts.get(shown) else { continue };
                    let pts: Vec<[f64; 2]> = ghosts[..=shown].iter().map(|g| g.pca).collect();
                    p.line(
                        Line::new("", pts)
                            .color(egui_color(SIDE_COLORS[g.side]).gamma_multiply(0.5)),
                    );
                }
            }
            let demos: Vec<[f64; 2]> = set
                .starts
                .iter()
                .map(|&i| plane.project(&set.chunks[i]))
                .collect();
            p.points(
                Points::new(l.t("gen_demos"), demos)
                    .radius(3.0)
                    .color(egui::Color32::WHITE),
            );
            if let Some(r) = state.regression() {
                p.points(
                    Points::new(l.t("metric_regression"), vec![plane.project(r)])
                        .radius(5.0)
                        .color(egui_color(REGRESSION_COLOR)),
                );
            }
        });
}

pub(super) fn policy_section(
    ui: &mut egui::Ui,
    state: &mut GenerativeState,
    tallies: &mut Tallies,
    l: Lang,
) {
    ui.label(l.t("policy_title"));
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(
            &mut state.driver,
            DriverChoice::Scripted,
            l.t("policy_scripted"),
        );
        ui.selectable_value(
            &mut state.driver,
            DriverChoice::Generative,
            l.t("policy_generative"),
        );
        ui.selectable_value(
            &mut state.driver,
            DriverChoice::Regression,
            l.t("policy_regression"),
        );
    });
    ui.label(l.t("policy_note"));
    tally_table(ui, "tallies", tallies, &DRIVER_KEYS, l);
}
