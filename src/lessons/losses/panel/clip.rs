//! PPO's clipped objective per sample.

use super::*;

pub(super) fn clip_section(ui: &mut egui::Ui, state: &mut LossesState, l: Lang) {
    note(ui, l.t("loss_clip_intro"));
    ui.add(egui::Slider::new(&mut state.eps, 0.05..=0.5).text("ε"));
    let eps = state.eps;
    let rs: Vec<f64> = (0..=200).map(|i| i as f64 * 0.01).collect();
    let curve =
        |a: f64| -> Vec<[f64; 2]> { rs.iter().map(|&r| [r, ppo_clip(r, a, eps).0]).collect() };
    let free = |a: f64| -> Vec<[f64; 2]> { rs.iter().map(|&r| [r, r * a]).collect() };
    fixed_plot("loss_clip_plot", 190.0)
        .x_axis_label("r = π_θ / π_old")
        .y_axis_label("L")
        // The legend in the top left, above the curves' start at the origin: the plot reaches
        // up to 3.2 so the three entries fit over the lines (the dashed r·A ends at 2, top
        // right).
        .include_y(3.2)
        .legend(egui_plot::Legend::default().position(egui_plot::Corner::LeftTop))
        .show_logged(ui, "loss_clip_plot", |p| {
            p.line(Line::new("A = +1", curve(1.0)).color(near()).width(2.5));
            p.line(Line::new("A = −1", curve(-1.0)).color(far()).width(2.5));
            p.line(
                Line::new("r·A", free(1.0))
                    .color(GREY)
                    .style(LineStyle::dashed_loose()),
            );
            p.line(
                Line::new("", free(-1.0))
                    .color(GREY)
                    .style(LineStyle::dashed_loose()),
            );
            // The band's edges are labelled on the plot, not in the legend, so the legend
            // stays small enough for the empty top-left corner.
            for (x, name) in [(1.0 - eps, "1 − ε"), (1.0 + eps, "1 + ε")] {
                p.vline(
                    VLine::new("", x)
                        .id(egui::Id::new(("loss_clip_edge", name)))
                        .color(GOLD),
                );
                p.text(
                    egui_plot::Text::new("", egui_plot::PlotPoint::new(x, 3.15), name)
                        .id(egui::Id::new(("loss_clip_label", name)))
                        .color(GOLD)
                        .anchor(egui::Align2::CENTER_TOP),
                );
            }
        });
    egui::Grid::new("loss_clip_table")
        .num_columns(4)
        .show(ui, |ui| {
            ui.label("");
            for r in [1.0 - 2.0 * eps, 1.0, 1.0 + 2.0 * eps] {
                ui.monospace(format!("r = {r:.2}"));
            }
            ui.end_row();
            for a in [1.0, -1.0] {
                ui.monospace(format!("A = {a:+}: L, dL/dr"));
                for r in [1.0 - 2.0 * eps, 1.0, 1.0 + 2.0 * eps] {
                    let (v, g) = ppo_clip(r, a, eps);
                    ui.monospace(format!("{v:+.2}, {g:+.0}"));
                }
                ui.end_row();
            }
        });
    note(ui, l.t("loss_clip_note"));
}
