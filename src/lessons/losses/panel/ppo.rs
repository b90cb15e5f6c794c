//! PPO iterations on a Gaussian policy for the offset, with and without the clip.

use super::*;

/// The PPO runs (with the clip, without) for the ε and seed they were made with.
#[derive(Default)]
pub(in crate::lessons::losses) struct PpoCache(Option<PpoRuns>);

/// (ε, seed), the run with the clip, the run without.
pub(super) type PpoRuns = ((f64, u64), Vec<PpoIter>, Vec<PpoIter>);

pub(super) fn ppo_section(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    cache: &mut PpoCache,
    l: Lang,
) {
    note(ui, l.t("loss_ppo_intro"));
    ui.horizontal(|ui| {
        ui.add(egui::Slider::new(&mut state.eps, 0.05..=0.5).text("ε"));
        if ui.button(l.t("loss_new_batches")).clicked() {
            state.ppo_seed = state.ppo_seed % 1000 + 1;
        }
    });
    let key = (state.eps, state.ppo_seed);
    if cache.0.as_ref().is_none_or(|(k, ..)| *k != key) {
        let cfg = PpoConfig::lesson(Some(state.eps));
        let clipped = ppo_run(&cfg, 0.0, PPO_ITERS, state.ppo_seed);
        let free = ppo_run(
            &PpoConfig { eps: None, ..cfg },
            0.0,
            PPO_ITERS,
            state.ppo_seed,
        );
        cache.0 = Some((key, clipped, free));
    }
    let Some((_, clipped, free)) = &cache.0 else {
        return;
    };
    let cfg = PpoConfig::lesson(Some(state.eps));
    let means = |run: &[PpoIter]| -> Vec<[f64; 2]> {
        std::iter::once([0.0, 0.0])
            .chain(
                run.iter()
                    .enumerate()
                    .filter(|(_, i)| i.mu.is_finite())
                    .map(|(k, i)| [k as f64 + 1.0, cm(i.mu)]),
            )
            .collect()
    };
    fixed_plot("loss_ppo_mu", 140.0)
        .x_axis_label(l.t("loss_iteration"))
        .y_axis_label("μ (cm)")
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "loss_ppo_mu", |p| {
            p.line(
                Line::new(l.t("loss_with_clip"), means(clipped))
                    .color(near())
                    .width(2.0),
            );
            p.line(
                Line::new(l.t("loss_no_clip"), means(free))
                    .color(red())
                    .width(2.0),
            );
            p.hline(egui_plot::HLine::new(l.t("loss_reward_peak"), cm(cfg.target)).color(GOLD));
        });
    let ratios = |run: &[PpoIter]| -> Vec<[f64; 2]> {
        run.iter()
            .enumerate()
            .filter(|(_, i)| i.ratio_hi.is_finite() && i.ratio_hi > 0.0)
            .map(|(k, i)| [k as f64 + 1.0, i.ratio_hi.log10()])
            .collect()
    };
    fixed_plot("loss_ppo_ratio", 110.0)
        .x_axis_label(l.t("loss_iteration"))
        .y_axis_label("log₁₀ max r")
        .show_logged(ui, "loss_ppo_ratio", |p| {
            p.line(Line::new("", ratios(clipped)).color(near()).width(2.0));
            p.line(Line::new("", ratios(free)).color(red()).width(2.0));
            p.hline(egui_plot::HLine::new("1 + ε", (1.0 + state.eps).log10()).color(GOLD));
        });
    let biggest = |run: &[PpoIter]| {
        std::iter::once(0.0)
            .chain(run.iter().map(|i| i.mu))
            .collect::<Vec<_>>()
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f64::max)
    };
    let first = |run: &[PpoIter]| run.first().map_or(f64::NAN, |i| i.mu);
    ui.colored_label(
        near(),
        format!(
            "{}: {} {:+.1} cm · {} {:.1} cm · max r {:.2}",
            l.t("loss_with_clip"),
            l.t("loss_first_step"),
            cm(first(clipped)),
            l.t("loss_largest_step"),
            cm(biggest(clipped)),
            clipped.first().map_or(f64::NAN, |i| i.ratio_hi)
        ),
    );
    ui.colored_label(
        red(),
        format!(
            "{}: {} {:+.1} cm · {} {:.1} cm · max r {:.2}",
            l.t("loss_no_clip"),
            l.t("loss_first_step"),
            cm(first(free)),
            l.t("loss_largest_step"),
            cm(biggest(free)),
            free.first().map_or(f64::NAN, |i| i.ratio_hi)
        ),
    );
    note(ui, l.t("loss_ppo_note"));
}
