//! Fine-tuning with a reward under a KL penalty: the base policy tilted by exp(r/β).

use super::*;

pub(super) fn base_section(ui: &mut egui::Ui, state: &mut LossesState, data: &CourseData, l: Lang) {
    note(ui, l.t("loss_base_intro"));
    ui.add(
        egui::Slider::new(&mut state.beta, 0.01..=10.0)
            .logarithmic(true)
            .text("β"),
    );
    let comps: Vec<Component> = data.mixture();
    let (grid, _) = data.density();
    let base = grid.tabulate(|x| mixture_pdf(x, &comps));
    let reward = grid.tabulate(|x| REWARD_PER_M * x);
    let q = tilt(&grid, &base, &reward, state.beta);
    offsets_plot("loss_base_plot", l).show_logged(ui, "loss_base_plot", |p| {
        p.line(density_line("π_base", &grid, &base, GREY));
        p.line(density_line("π_β", &grid, &q, GOLD));
    });
    let far_mass = |d: &[f64]| {
        grid.x
            .iter()
            .zip(d)
            .filter(|(x, _)| **x > 0.0)
            .map(|(_, v)| v)
            .sum::<f64>()
            * grid.dx
    };
    math(
        ui,
        &format!(
            "E[r]: π_base {:+.2}  π_β {:+.2}   KL(π_β‖π_base) = {:.3}",
            expectation(&grid, &base, &reward),
            expectation(&grid, &q, &reward),
            kl(&grid, &q, &base)
        ),
    );
    math(
        ui,
        &format!(
            "{}: π_base {:.0} %  π_β {:.0} %   {} π_β: {:+.1} cm",
            l.t("loss_far_mass"),
            far_mass(&base) * 100.0,
            far_mass(&q) * 100.0,
            l.t("loss_mean_word"),
            cm(expectation(&grid, &q, &grid.x))
        ),
    );
    note(ui, l.t("loss_base_note"));
}
