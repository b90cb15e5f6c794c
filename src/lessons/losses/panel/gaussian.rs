//! One Gaussian fitted to the offsets by maximum likelihood: its mean lies between the two
//! modes.

use super::*;

pub(super) fn gaussian_section(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    data: &CourseData,
    l: Lang,
) {
    note(ui, l.t("loss_gauss_intro"));
    let (mu, sigma) = data.gaussian();
    let (grid, _) = data.density();
    let fitted = grid.tabulate(|x| gaussian_pdf(x, mu, sigma));
    offsets_plot("loss_gauss_plot", l).show_logged(ui, "loss_gauss_plot", |p| {
        for b in data_bars(data, 0.8) {
            p.bars(b);
        }
        p.line(density_line("N(μ, σ²), fitted", &grid, &fitted, red()));
        p.vline(VLine::new("μ (fit)", cm(mu)).color(red()));
    });
    math(
        ui,
        &format!(
            "μ_fit = {:+.1} cm   σ_fit = {:.1} cm   ({})",
            cm(mu),
            cm(sigma),
            l.t("loss_fit_is_mean")
        ),
    );
    ui.separator();
    note(ui, l.t("loss_fixed_sigma"));
    ui.add(egui::Slider::new(&mut state.mu, RANGE.0..=RANGE.1).text("μ (m)"));
    ui.add(egui::Slider::new(&mut state.sigma, 0.01..=0.3).text("σ (m)"));
    let (m, s) = (state.mu, state.sigma);
    let xs = &data.offsets;
    let mse = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len().max(1) as f64;
    let nll = mean_nll(xs, m, s);
    ui.monospace(format!("NLL(μ, σ) = {nll:.4}"));
    ui.monospace(format!(
        "MSE/(2σ²) = {:.4}   log σ = {:.4}   ½ log 2π = {:.4}",
        mse / (2.0 * s * s),
        s.ln(),
        half_log_tau(),
    ));
    ui.monospace(format!(
        "{} = {:.4}",
        l.t("loss_sum"),
        mse / (2.0 * s * s) + s.ln() + half_log_tau()
    ));
    // NLL against μ for this σ: a parabola with its floor at the data's mean.
    let curve: Vec<[f64; 2]> = grid
        .x
        .iter()
        .step_by(5)
        .map(|&x| [cm(x), mean_nll(xs, x, s)])
        .collect();
    fixed_plot("loss_nll_mu", 110.0)
        .x_axis_label("μ (cm)")
        .y_axis_label("NLL")
        .show_logged(ui, "loss_nll_mu", |p| {
            p.line(Line::new("NLL(μ)", curve).color(GOLD));
            p.points(
                Points::new("", vec![[cm(m), nll]])
                    .radius(5.0)
                    .color(egui::Color32::WHITE),
            );
            p.vline(VLine::new("μ (fit)", cm(mu)).color(red()));
        });
    note(ui, l.t("loss_gauss_note"));
}
