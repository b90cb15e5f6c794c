//! The lesson panel: the section tabs, then one function per section. Plots show offsets in
//! centimetres (densities per centimetre); the math works in metres.

use super::attention::Attention;
use super::data::{CourseData, KlLive, RANGE, offset_for};
use super::*;
use crate::kit::i18n::Lang;
use crate::kit::tally::Tallies;
use crate::kit::widgets::math;
use crate::kit::widgets::{
    BASELINE_COLOR, SIDE_COLORS, egui_color, fixed_plot, lesson_panel, note, section_tabs,
    tally_table,
};
use crate::kit::widgets::{Bars, ShowLogged};
use crate::math::losses::{
    Component, Grid, PpoConfig, PpoIter, cross_entropy, expectation, gaussian_pdf,
    gradient_estimates, half_log_tau, kl, mean_nll, mean_var, mixture_nll, mixture_pdf, peaks,
    ppo_clip, ppo_run, tilt,
};
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Bar, Line, LineStyle, Points, VLine};

use super::colors::{GOLD, GREY, SKY};

/// The KL-to-base reward: one unit per 10 cm towards the far side (per metre: 10).
pub const REWARD_PER_M: f64 = 10.0;
/// PPO runs this many iterations.
pub const PPO_ITERS: usize = 30;
/// The reparameterization toy: the policy `N(0, 5 cm)` and the loss `((z − 15 cm)/5 cm)²`.
pub const REPARAM: (f64, f64) = (0.0, 0.05);

fn near() -> egui::Color32 {
    egui_color(SIDE_COLORS[0])
}
fn far() -> egui::Color32 {
    egui_color(SIDE_COLORS[1])
}
fn red() -> egui::Color32 {
    egui_color(BASELINE_COLOR)
}

fn cm(x: f64) -> f64 {
    x * 100.0
}

/// The PPO runs (with the clip, without) for the ε and seed they were made with.
#[derive(Default)]
pub(super) struct PpoCache(Option<PpoRuns>);

/// (ε, seed), the run with the clip, the run without.
type PpoRuns = ((f64, u64), Vec<PpoIter>, Vec<PpoIter>);

/// The estimators' draws for the count and seed they were made with: reparameterization's
/// and the score function's, each `[∂/∂μ, ∂/∂σ]`.
#[derive(Default)]
pub(super) struct DrawCache(Option<((usize, u64), Estimates, Estimates)>);

/// One estimator's draws of `[∂/∂μ, ∂/∂σ]`.
type Estimates = [Vec<f64>; 2];

#[allow(clippy::too_many_arguments)]
pub(super) fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<LossesState>,
    data: Res<CourseData>,
    kl_live: Res<KlLive>,
    mut tallies: ResMut<Tallies>,
    robot: Option<Res<Robot>>,
    sim: Option<Res<Sim>>,
    lang: Res<Lang>,
    mut ppo: Local<PpoCache>,
    mut draws: Local<DrawCache>,
    lr: Res<super::lowrank::LowRankData>,
    policy: Res<crate::lessons::shared::reaching::PolicyData>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    lesson_panel(ctx, l.t("lesson_losses"), |ui| {
        section_tabs(ui, &mut state.section, &Section::ALL, l);
        let needs_data = !matches!(
            state.section,
            Section::Clip | Section::Ppo | Section::Reparam | Section::LowRank
        );
        if needs_data && !data.ready() {
            recording(ui, &data, l);
            return;
        }
        match state.section {
            Section::Data => data_section(ui, &data, l),
            Section::Gaussian => gaussian_section(ui, &mut state, &data, l),
            Section::Tokens => tokens_section(ui, &mut state, &data, l),
            Section::Mixture => mixture_section(ui, &data, l),
            Section::Kl => kl_section(ui, &mut state, &data, &kl_live, l),
            Section::Base => base_section(ui, &mut state, &data, l),
            Section::Clip => clip_section(ui, &mut state, l),
            Section::Ppo => ppo_section(ui, &mut state, &mut ppo, l),
            Section::Reparam => reparam_section(ui, &mut state, &mut draws, l),
            Section::Attention => attention_section(ui, &mut state, &data, robot.as_deref(), l),
            Section::LowRank => super::lowrank_panel::section(ui, &mut state, &lr, &policy, l),
        }
        let driven = matches!(
            state.section,
            Section::Data | Section::Gaussian | Section::Tokens | Section::Mixture
        );
        if driven {
            ui.separator();
            drivers(ui, &mut state, &data, sim.as_deref(), &mut tallies, l);
        }
    });
    Ok(())
}

fn recording(ui: &mut egui::Ui, data: &CourseData, l: Lang) {
    if data.unavailable {
        note(ui, l.t("loss_unavailable"));
        return;
    }
    ui.label(l.t("loss_recording"));
    ui.add(egui::ProgressBar::new(data.progress()).show_percentage());
}

/// Who carries the cube, what the running episode chose, and the tally.
fn drivers(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    data: &CourseData,
    sim: Option<&Sim>,
    tallies: &mut Tallies,
    l: Lang,
) {
    ui.label(l.t("loss_who_drives"));
    ui.horizontal_wrapped(|ui| {
        for (d, _) in LossDriver::ALL {
            ui.selectable_value(&mut state.driver, d, l.t(d.key()));
        }
    });
    if let (Some(lateral), Some(sim)) = (data.lateral(state.driver, state), sim) {
        ui.monospace(format!(
            "{} {}: {:+.1} cm",
            l.t("loss_this_episode"),
            sim.seed,
            cm(offset_for(&lateral, sim.seed))
        ));
    }
    tally_table(ui, "loss_tallies", tallies, &LossDriver::keys(), l);
}

/// The demonstrations' offsets as a histogram of 1 cm bins, as a density per cm, each side in
/// its colour.
fn data_bars(data: &CourseData, alpha: f32) -> [Bars; 2] {
    let n = data.offsets.len().max(1) as f64;
    let mut counts = std::collections::BTreeMap::<i64, f64>::new();
    for d in &data.offsets {
        *counts.entry(cm(*d).floor() as i64).or_default() += 1.0;
    }
    let bars = |near_side: bool| -> Vec<Bar> {
        counts
            .iter()
            .filter(|(k, _)| (**k < 0) == near_side)
            .map(|(k, c)| Bar::new(*k as f64 + 0.5, c / n).width(1.0))
            .collect()
    };
    [
        Bars::new(l_none(), bars(true)).color(near().gamma_multiply(alpha)),
        Bars::new(l_none(), bars(false)).color(far().gamma_multiply(alpha)),
    ]
}

/// Bars without a legend entry.
fn l_none() -> &'static str {
    ""
}

/// A density of the offset (per m) as a curve per cm.
fn density_line<'a>(name: &str, grid: &Grid, p: &[f64], color: egui::Color32) -> Line<'a> {
    Line::new(
        name,
        grid.x
            .iter()
            .zip(p)
            .map(|(x, v)| [cm(*x), v / 100.0])
            .collect::<Vec<_>>(),
    )
    .color(color)
    .width(2.0)
}

fn offsets_plot(id: &str, l: Lang) -> egui_plot::Plot<'static> {
    fixed_plot(id, 150.0)
        .x_axis_label(l.t("loss_offset_axis"))
        // One fixed view for every offset plot: the KL densities are tabulated twice as
        // wide (their tails matter to the integral), and a wider view leaves only 0 labelled.
        .default_x_bounds(cm(RANGE.0), cm(RANGE.1))
        .include_y(0.0)
        .legend(egui_plot::Legend::default())
}

fn data_section(ui: &mut egui::Ui, data: &CourseData, l: Lang) {
    note(ui, l.t("loss_data_intro"));
    let (near_side, far_side) = data.sides();
    offsets_plot("loss_data_plot", l).show_logged(ui, "loss_data_plot", |p| {
        for b in data_bars(data, 1.0) {
            p.bars(b);
        }
        p.vline(VLine::new(l.t("loss_post"), -3.0).color(GREY));
        p.vline(VLine::new("", 3.0).color(GREY));
    });
    let mean = |v: &[f64]| cm(v.iter().sum::<f64>() / v.len().max(1) as f64);
    ui.monospace(format!(
        "{}: {}   {} {} ({:+.1} cm)   {} {} ({:+.1} cm)",
        l.t("loss_demos"),
        data.offsets.len(),
        l.t("loss_near"),
        near_side.len(),
        mean(&near_side),
        l.t("loss_far"),
        far_side.len(),
        mean(&far_side),
    ));
    note(ui, l.t("loss_data_note"));
}

fn gaussian_section(ui: &mut egui::Ui, state: &mut LossesState, data: &CourseData, l: Lang) {
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

fn tokens_section(ui: &mut egui::Ui, state: &mut LossesState, data: &CourseData, l: Lang) {
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

fn mixture_section(ui: &mut egui::Ui, data: &CourseData, l: Lang) {
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

fn kl_section(
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

fn base_section(ui: &mut egui::Ui, state: &mut LossesState, data: &CourseData, l: Lang) {
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

fn clip_section(ui: &mut egui::Ui, state: &mut LossesState, l: Lang) {
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

fn ppo_section(ui: &mut egui::Ui, state: &mut LossesState, cache: &mut PpoCache, l: Lang) {
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

/// `f(z) = ((z − t)/w)²` with the PPO toy's target and width, and its derivative.
fn reparam_loss() -> (impl Fn(f64) -> f64, impl Fn(f64) -> f64) {
    let c = PpoConfig::lesson(None);
    let (t, w) = (c.target, c.width);
    (
        move |z: f64| ((z - t) / w).powi(2),
        move |z: f64| 2.0 * (z - t) / (w * w),
    )
}

/// `draws` draws of both estimators of `[∂/∂μ, ∂/∂σ]` on the toy: (reparameterization, score
/// function).
pub(super) fn estimator_draws(draws: usize, seed: u64) -> (Estimates, Estimates) {
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

fn reparam_section(ui: &mut egui::Ui, state: &mut LossesState, cache: &mut DrawCache, l: Lang) {
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

fn attention_section(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    data: &CourseData,
    robot: Option<&Robot>,
    l: Lang,
) {
    note(ui, l.t("loss_att_intro"));
    ui.checkbox(&mut state.key_bias, l.t("loss_key_bias"));
    let Some(query) = robot
        .and_then(|r| r.kin.as_ref())
        .map(|k| k.pose.translation)
    else {
        return;
    };
    let Some(att) = Attention::at(data, &query, state.key_bias) else {
        return;
    };
    let top = att.top(12);
    let bars: Vec<Bar> = top
        .iter()
        .enumerate()
        .map(|(rank, (i, w))| {
            let color = if att.side(*i) == 0 { near() } else { far() };
            Bar::new(rank as f64 + 1.0, *w * 100.0)
                .width(0.7)
                .fill(color)
        })
        .collect();
    let kernel: Vec<[f64; 2]> = top
        .iter()
        .enumerate()
        .map(|(rank, (i, _))| [rank as f64 + 1.0, att.kernel[*i] * 100.0])
        .collect();
    // Headroom above the tallest bar or dot, so the legend does not cover them.
    let tallest = top
        .iter()
        .zip(&kernel)
        .map(|((_, w), k)| (w * 100.0).max(k[1]))
        .fold(0.0, f64::max);
    let name = if state.key_bias {
        "softmax(q·k/s² + b)"
    } else {
        "softmax(q·k/s²)"
    };
    fixed_plot("loss_att_plot", 140.0)
        .x_axis_label(l.t("loss_att_rank"))
        .y_axis_label("w (%)")
        .include_y(0.0)
        .include_y(1.7 * tallest)
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "loss_att_plot", |p| {
            p.bars(Bars::new(name, bars).color(near()));
            p.points(
                Points::new(l.t("loss_kernel"), kernel)
                    .radius(4.0)
                    .color(egui::Color32::WHITE),
            );
        });
    let demos: Vec<String> = top
        .iter()
        .take(6)
        .map(|(i, _)| format!("#{}", att.demo(*i)))
        .collect();
    ui.monospace(format!(
        "{}: {}   s = {:.2}   {}: {}",
        l.t("loss_keys"),
        att.keys(),
        att.s,
        l.t("loss_att_demos"),
        demos.join(" ")
    ));
    math(
        ui,
        &format!(
            "max |w − w_kernel| = {:.1e}   {}: {:.0} %",
            att.max_difference(),
            l.t("loss_far_mass"),
            att.far_share() * 100.0
        ),
    );
    note(ui, l.t("loss_att_note"));
}
