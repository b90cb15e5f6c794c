//! One Gaussian fitted to the data's density by minimising KL in both directions.

use super::*;

pub(super) fn kl_section(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    data: &CourseData,
    live: &KlLive,
    l: Lang,
) {
    note(ui, l.t("loss_kl_intro"));
    ui.add(egui::Slider::new(&mut state.start, RANGE.0..=RANGE.1).text(l.t("loss_kl_start")));
    let (grid, p) = data.kl_density();
    let Some([fwd, rev]) = &live.fits else {
        return;
    };
    let q = |mu: f64, s: f64| grid.tabulate(|x| gaussian_pdf(x, mu, s));
    offsets_plot("loss_kl_plot", l).show_logged(ui, "loss_kl_plot", |pl| {
        pl.line(density_line("p", &grid, &p, egui::Color32::WHITE));
        pl.line(density_line("KL(p‖q)", &grid, &q(fwd.mu, fwd.sigma), SKY));
        pl.line(density_line("KL(q‖p)", &grid, &q(rev.mu, rev.sigma), GOLD));
        pl.vline(VLine::new("", cm(state.start)).color(GREY));
    });
    let status = |f: &crate::math::losses::KlFit, moves: usize| {
        if f.converged() {
            format!("{} ({moves})", l.t("loss_converged"))
        } else {
            format!("{} {moves}", l.t("loss_moves"))
        }
    };
    let mean: f64 = expectation(&grid, &p, &grid.x);
    let var = expectation(&grid, &p, &grid.tabulate(|x| (x - mean).powi(2)));
    ui.colored_label(
        SKY,
        format!(
            "{}: μ {:+.1} cm σ {:.1} cm  KL(p‖q) = {:.3}  · {}",
            l.t("loss_forward"),
            cm(fwd.mu),
            cm(fwd.sigma),
            fwd.cost,
            status(fwd, live.moves(0))
        ),
    );
    ui.colored_label(
        GOLD,
        format!(
            "{}: μ {:+.1} cm σ {:.1} cm  KL(q‖p) = {:.3}  · {}",
            l.t("loss_reverse"),
            cm(rev.mu),
            cm(rev.sigma),
            rev.cost,
            status(rev, live.moves(1))
        ),
    );
    ui.monospace(format!(
        "{}: {:+.1} cm, {:.1} cm",
        l.t("loss_data_moments"),
        cm(mean),
        cm(var.sqrt())
    ));
    // The asymmetry itself: each fit measured the other way round.
    let qf = q(fwd.mu, fwd.sigma);
    let qr = q(rev.mu, rev.sigma);
    math(
        ui,
        &format!(
            "KL(p‖q_rev) = {:.2}   KL(q_fwd‖p) = {:.2}",
            kl(&grid, &p, &qr),
            kl(&grid, &qf, &p)
        ),
    );
    note(ui, l.t("loss_kl_note"));
}
