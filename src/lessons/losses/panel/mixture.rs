//! A mixture of two Gaussians fitted by expectation–maximisation.

use super::*;

pub(super) fn mixture_section(ui: &mut egui::Ui, data: &CourseData, l: Lang) {
    note(ui, l.t("loss_mix_intro"));
    let comps = data.mixture();
    let (grid, _) = data.density();
    let mix = grid.tabulate(|x| mixture_pdf(x, &comps));
    offsets_plot("loss_mix_plot", l).show_logged(ui, "loss_mix_plot", |p| {
        for b in data_bars(data, 0.6) {
            p.bars(b);
        }
        p.line(density_line(l.t("loss_mixture_word"), &grid, &mix, GOLD));
        for c in &comps {
            let one = grid.tabulate(|x| c.w * gaussian_pdf(x, c.mu, c.sigma));
            let color = if c.mu < 0.0 { near() } else { far() };
            p.line(density_line("", &grid, &one, color).style(LineStyle::dashed_loose()));
        }
    });
    egui::Grid::new("loss_components")
        .num_columns(4)
        .show(ui, |ui| {
            for h in ["", "w", "μ", "σ"] {
                ui.label(h);
            }
            ui.end_row();
            for (i, c) in comps.iter().enumerate() {
                ui.label(format!("{}", i + 1));
                ui.monospace(format!("{:.2}", c.w));
                ui.monospace(format!("{:+.1} cm", cm(c.mu)));
                ui.monospace(format!("{:.1} cm", cm(c.sigma)));
                ui.end_row();
            }
        });
    let (mu, sigma) = data.gaussian();
    ui.monospace(format!(
        "NLL: {} {:.3}   {} {:.3}",
        l.t("loss_gaussian_word"),
        mean_nll(&data.offsets, mu, sigma),
        l.t("loss_mixture_word"),
        mixture_nll(&data.offsets, &comps)
    ));
    note(ui, l.t("loss_mix_note"));
}
