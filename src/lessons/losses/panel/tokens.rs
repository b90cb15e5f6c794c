//! The offset's range cut into bins used as tokens: the categorical that minimises
//! cross-entropy.

use super::*;

pub(super) fn tokens_section(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    data: &CourseData,
    l: Lang,
) {
    note(ui, l.t("loss_tokens_intro"));
    ui.add(
        egui::Slider::new(&mut state.bins, 1..=MAX_BINS)
            .logarithmic(true)
            .text(l.t("loss_bins")),
    );
    let bins = CourseData::bins(state.bins);
    let p = data.tokens(state.bins);
    let w = cm(bins.width());
    let bars: Vec<Bar> = p
        .iter()
        .enumerate()
        // Tokens no demonstration fell in hold only the smoothing: not drawn.
        .filter(|(_, v)| **v > 1e-3)
        .map(|(k, v)| {
            let c = bins.center(k);
            let color = if c < 0.0 { near() } else { far() };
            Bar::new(cm(c), v * 100.0).width(w).fill(color)
        })
        .collect();
    fixed_plot("loss_tokens_plot", 150.0)
        .x_axis_label(l.t("loss_offset_axis"))
        .y_axis_label("p (%)")
        .include_y(0.0)
        .show_logged(ui, "loss_tokens_plot", |pl| {
            pl.bars(Bars::new("p(token)", bars));
            pl.vline(VLine::new("", -3.0).color(GREY));
            pl.vline(VLine::new("", 3.0).color(GREY));
        });
    let ce = cross_entropy(&data.offsets, &bins, &p);
    let (mu, sigma) = data.gaussian();
    ui.monospace(format!(
        "CE = {ce:.3} nats   ({} log N = {:.3})",
        l.t("loss_uniform"),
        (state.bins as f64).ln()
    ));
    ui.monospace(format!(
        "CE + log Δ = {:.3}   (Δ = {:.2} cm = {:.4} m)",
        ce + bins.width().ln(),
        w,
        bins.width()
    ));
    ui.monospace(format!(
        "{} NLL = {:.3}",
        l.t("loss_gaussian_word"),
        mean_nll(&data.offsets, mu, sigma)
    ));
    let radius = (state.bins / 16).max(1);
    let modes: Vec<String> = peaks(&p, radius, 0.1)
        .into_iter()
        .map(|k| format!("{:+.1}", cm(bins.center(k))))
        .collect();
    ui.monospace(format!(
        "{}: {} cm   argmax: {:+.1} cm",
        l.t("loss_peaks"),
        modes.join(", "),
        cm(bins.center(crate::math::losses::argmax(&p)))
    ));
    ui.horizontal(|ui| {
        ui.label(l.t("loss_pick"));
        ui.radio_value(&mut state.sample, false, "argmax");
        ui.radio_value(&mut state.sample, true, l.t("loss_sample"));
    });
    note(ui, l.t("loss_tokens_note"));
}
