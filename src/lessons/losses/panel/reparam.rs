//! The gradient of an expected loss by reparameterization and by the score function.

use super::*;

/// The estimators' draws for the count and seed they were made with: reparameterization's
/// and the score function's, each `[∂/∂μ, ∂/∂σ]`.
#[derive(Default)]
pub(in crate::lessons::losses) struct DrawCache(Option<((usize, u64), Estimates, Estimates)>);

/// One estimator's draws of `[∂/∂μ, ∂/∂σ]`.
pub(super) type Estimates = [Vec<f64>; 2];

/// `f(z) = ((z − t)/w)²` with the PPO toy's target and width, and its derivative.
pub(super) fn reparam_loss() -> (impl Fn(f64) -> f64, impl Fn(f64) -> f64) {
    let c = PpoConfig::lesson(None);
    let (t, w) = (c.target, c.width);
    (
        move |z: f64| ((z - t) / w).powi(2),
        move |z: f64| 2.0 * (z - t) / (w * w),
    )
}

/// `draws` draws of both estimators of `[∂/∂μ, ∂/∂σ]` on the toy: (reparameterization, score
/// function).
pub(in crate::lessons::losses) fn estimator_draws(
    draws: usize,
    seed: u64,
) -> (Estimates, Estimates) {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (f, df) = reparam_loss();
    let (mu, sigma) = REPARAM;
    let (mut rp, mut sf) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for _ in 0..draws {
        let e = crate::math::backprop::gaussian(&mut rng);
        let (r, s) = gradient_estimates(&f, &df, mu, sigma, e);
        for k in 0..2 {
            rp[k].push(r[k]);
            sf[k].push(s[k]);
        }
    }
    (rp, sf)
}

pub(super) fn reparam_section(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    cache: &mut DrawCache,
    l: Lang,
) {
    note(ui, l.t("loss_reparam_intro"));
    ui.horizontal(|ui| {
        ui.add(
            egui::Slider::new(&mut state.draws, 10..=MAX_DRAWS)
                .logarithmic(true)
                .text(l.t("loss_draws")),
        );
        if ui.button(l.t("loss_new_draws")).clicked() {
            state.ppo_seed = state.ppo_seed % 1000 + 1;
        }
    });
    let key = (state.draws, state.ppo_seed);
    let (mu, sigma) = REPARAM;
    if cache.0.as_ref().is_none_or(|(k, ..)| *k != key) {
        let (rp, sf) = estimator_draws(state.draws, state.ppo_seed);
        cache.0 = Some((key, rp, sf));
    }
    let Some((_, rp, sf)) = &cache.0 else { return };
    let c = PpoConfig::lesson(None);
    let exact = [
        2.0 * (mu - c.target) / c.width.powi(2),
        2.0 * sigma / c.width.powi(2),
    ];
    for (k, name) in ["∂/∂μ", "∂/∂σ"].into_iter().enumerate() {
        let (mr, vr) = mean_var(&rp[k]);
        let (ms, vs) = mean_var(&sf[k]);
        // The bins span the score estimates' middle 98 %.
        let mut sorted = sf[k].clone();
        sorted.sort_by(f64::total_cmp);
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q) as usize];
        let (lo, hi) = (at(0.01).min(mr - 1.0), at(0.99).max(mr + 1.0));
        let width = (hi - lo) / 40.0;
        let counts = |xs: &[f64]| {
            let mut counts = vec![0.0; 40];
            for x in xs {
                let i = ((x - lo) / width).floor();
                if (0.0..40.0).contains(&i) {
                    counts[i as usize] += 1.0 / xs.len() as f64;
                }
            }
            counts
        };
        let hist = |counts: &[f64], color: egui::Color32, name: &str| {
            Bars::new(
                name,
                counts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Bar::new(lo + (i as f64 + 0.5) * width, *c).width(width))
                    .collect(),
            )
            .color(color.gamma_multiply(0.8))
        };
        let (score_counts, reparam_counts) = (counts(&sf[k]), counts(&rp[k]));
        // The legend goes in the top corner away from the narrow teal peak, with headroom
        // above the bars, so it never covers them.
        let corner = if mr > 0.5 * (lo + hi) {
            egui_plot::Corner::LeftTop
        } else {
            egui_plot::Corner::RightTop
        };
        let tallest = score_counts
            .iter()
            .chain(&reparam_counts)
            .fold(0.0_f64, |a, &b| a.max(b));
        fixed_plot(&format!("loss_reparam_{k}"), 110.0)
            .x_axis_label(name)
            .include_y(0.0)
            .include_y(1.8 * tallest)
            .legend(egui_plot::Legend::default().position(corner))
            .show_logged(ui, &format!("loss_reparam_{k}"), |p| {
                p.bars(hist(&score_counts, red(), l.t("loss_score")));
                p.bars(hist(&reparam_counts, near(), l.t("loss_reparam_word")));
                p.vline(VLine::new(l.t("loss_exact"), exact[k]).color(GOLD));
            });
        ui.monospace(format!(
            "{name} {} {:+.1}: reparam {:+.1} ± {:.1} · score {:+.1} ± {:.1} · var ×{:.0}",
            l.t("loss_exact"),
            exact[k],
            mr,
            vr.sqrt(),
            ms,
            vs.sqrt(),
            vs / vr.max(1e-300)
        ));
    }
    note(ui, l.t("loss_reparam_note"));
}
