//! Behaviour cloning: the network trained on the scripted moves, then driving the arm.

use super::*;

pub(super) fn clone_section(
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
