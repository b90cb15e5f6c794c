use super::attention::Attention;
use super::data::{CourseData, KDE_WIDTH, RANGE};
use super::*;
use crate::kit::LessonSettings;
use crate::kit::tally::Tallies;
use crate::lessons::test_support::link;
use crate::math::losses::{
    Grid, KlFit, argmax, expectation, fit_kl, kl, mean_nll, mean_var, mixture_nll, mixture_pdf,
    peaks, tilt,
};
use std::collections::BTreeMap;

/// A link opens the same settings; a hand-edited link with bad values changes nothing.
#[test]
fn the_settings_round_trip_through_a_link() {
    let mut s = LossesState {
        section: Section::Ppo,
        sigma: 0.12,
        mu: -0.07,
        bins: 17,
        sample: true,
        driver: LossDriver::Mixture,
        start: 0.08,
        beta: 0.3,
        eps: 0.35,
        ppo_seed: 42,
        draws: 500,
        key_bias: false,
        rank: 5,
    };
    let mut out = BTreeMap::new();
    s.write_params(&mut out);
    let mut back = LossesState::default();
    back.apply_params(&out);
    assert_eq!(back, s);
    let before = s.clone();
    s.apply_params(&link(&[
        ("sigma", "NaN"),
        ("bins", "x"),
        ("pick", "best"),
        ("driver", "nobody"),
        ("section", "nowhere"),
        ("beta", "inf"),
        ("rng", "-3"),
        ("rank", "0.5"),
    ]));
    assert_eq!(s, before);
    s.apply_params(&link(&[
        ("bins", "5000"),
        ("beta", "0"),
        ("draws", "1"),
        ("rank", "99"),
    ]));
    assert_eq!(
        (s.bins, s.beta, s.draws, s.rank),
        (MAX_BINS, 0.01, 10, MAX_RANK)
    );
}

#[test]
fn every_step_opens_valid_settings() {
    crate::lessons::test_support::assert_steps_open_valid_settings::<LossesState>(
        super::steps::STEPS,
    );
}

/// The reparameterization step: both estimators around the exact gradient, the score
/// function's histogram several times wider at every count the slider offers.
#[test]
fn the_score_function_spreads_wider_at_every_count() {
    for draws in [20, 200, 2000, 20_000] {
        let (rp, sf) = panel::estimator_draws(draws, 1);
        for k in 0..2 {
            let (_, vr) = mean_var(&rp[k]);
            let (_, vs) = mean_var(&sf[k]);
            assert!(vs > 3.0 * vr, "{draws} draws, {k}: {vs} vs {vr}");
        }
    }
    let (rp, sf) = panel::estimator_draws(20_000, 1);
    let (mr, vr) = mean_var(&rp[0]);
    let (ms, vs) = mean_var(&sf[0]);
    // ∂/∂μ of E[((z − 15 cm)/5 cm)²] at μ = 0: 2(0 − 0.15)/0.05² = −120.
    for (m, v) in [(mr, vr), (ms, vs)] {
        assert!((m + 120.0).abs() < 5.0 * (v / 20_000.0).sqrt(), "{m}");
    }
}

/// Records the course in the app and checks every claim the steps make on that data.
#[test]
fn in_the_app_the_course_data_bear_out_every_step() {
    let mut app = crate::lessons::physics_app::physics_app(ID);
    app.world_mut().resource_mut::<CourseData>().at_once = true;
    app.update();
    app.update();
    let data = app.world().resource::<CourseData>();
    assert!(data.ready());
    let xs = data.offsets.clone();
    let (near, far) = data.sides();
    eprintln!(
        "{} offsets: {} near, {} far: {:?}",
        xs.len(),
        near.len(),
        far.len(),
        xs.iter()
            .map(|x| (x * 1000.0).round() / 10.0)
            .collect::<Vec<_>>()
    );
    // The README's figures: 12 each side, none within 12 cm of the post's axis (so none
    // within its faces, ±3 cm, as the data section says).
    assert_eq!((xs.len(), near.len(), far.len()), (24, 12, 12));
    assert!(xs.iter().all(|x| x.abs() > 0.12));
    let (mu, _) = data.gaussian();
    let comps = data.mixture();
    fits_bear_out_their_steps(data, &xs);
    kl_fits_bear_out_their_step(data, &xs, mu);
    tilting_bears_out_its_step(data, &xs, &comps);
    attention_bears_out_its_step(data);

    // The live KL searches move, one move per frame.
    app.world_mut().resource_mut::<LossesState>().section = Section::Kl;
    for _ in 0..5 {
        app.update();
    }
    let live = app.world().resource::<data::KlLive>();
    assert!(live.paths.iter().all(|p| p.len() >= 4), "{:?}", live.paths);

    // In physics: the Gaussian's mean hits the post, the tokens go round it.
    for (driver, hit) in [(LossDriver::Gaussian, true), (LossDriver::Tokens, false)] {
        app.world_mut().resource_mut::<LossesState>().driver = driver;
        app.update();
        app.update();
        assert_eq!(app.world().resource::<Sim>().driver(), driver.key());
        app.world_mut().resource_mut::<Sim>().speed = 4.0;
        let mut frames = 0;
        let episodes = |app: &App| app.world().resource::<Tallies>().get(driver.key()).episodes;
        while episodes(&app) == 0 && frames < 800 {
            app.update();
            frames += 1;
        }
        let t = app.world().resource::<Tallies>().get(driver.key());
        assert_eq!(t.episodes, 1, "{frames} frames");
        assert_eq!(t.collisions == 1, hit, "{driver:?}: {t:?}");
        assert_eq!(t.successes == 1, !hit, "{driver:?}: {t:?}");
    }
    // Leaving puts the table scenes back.
    app.world_mut()
        .resource_mut::<NextState<crate::kit::ActiveLesson>>()
        .set(crate::kit::ActiveLesson(None));
    app.update();
    assert!(app.world().resource::<Sim>().scenario().is_none());
}

/// One Gaussian, the tokens and the mixture on the course's offsets.
fn fits_bear_out_their_steps(data: &CourseData, xs: &[f64]) {
    // One Gaussian: its mean is the data's, between the modes.
    let (mu, sigma) = data.gaussian();
    assert!((mu - xs.iter().sum::<f64>() / xs.len() as f64).abs() < 1e-15);
    assert!(mu.abs() < 0.03, "{mu}");
    // Tokens: 256 bins peak once per mode, and the argmax is at a mode; one bin is 0 cm.
    let p = data.tokens(256);
    let bins = CourseData::bins(256);
    let modes = peaks(&p, 256 / 16, 0.1);
    assert_eq!(modes.len(), 2, "{modes:?}");
    assert!(bins.center(modes[0]) < -0.1 && bins.center(modes[1]) > 0.1);
    assert!(bins.center(argmax(&p)).abs() > 0.1);
    assert_eq!(CourseData::bins(1).center(0), 0.0);
    // The mixture: both modes, and an NLL far below one Gaussian's.
    let comps = data.mixture();
    assert!(comps[0].mu < -0.1 && comps[1].mu > 0.1, "{comps:?}");
    let (g, m) = (mean_nll(xs, mu, sigma), mixture_nll(xs, &comps));
    eprintln!("NLL: Gaussian {g:.3}, mixture {m:.3}");
    assert!(((g - m) - 1.9).abs() < 0.05, "{}", g - m);
}

/// Forward and reverse KL from either side.
fn kl_fits_bear_out_their_step(data: &CourseData, xs: &[f64], mu: f64) {
    // KL: from ±5 cm the reverse fit sits on the nearer mode, the forward one matches the
    // data's moments from either start.
    let (grid, dens) = data.kl_density();
    let var = xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / xs.len() as f64;
    for start in [-0.05, 0.05] {
        let (fm, fs) = fit_kl(&grid, &dens, false, (start, data::KL_START_SIGMA));
        let (rm, _) = fit_kl(&grid, &dens, true, (start, data::KL_START_SIGMA));
        eprintln!("start {start}: forward {fm:.4} ± {fs:.4}, reverse {rm:.4}");
        assert!((fm - mu).abs() < 2e-3 && (fs - (var + KDE_WIDTH.powi(2)).sqrt()).abs() < 2e-3);
        assert!(rm.signum() == start.signum() && rm.abs() > 0.1, "{rm}");
        assert!(
            kl(
                &grid,
                &dens,
                &grid.tabulate(|x| crate::math::losses::gaussian_pdf(x, rm, 0.02))
            ) > 0.5
        );
    }
}

/// The base policy tilted by the reward under the KL penalty, across the slider.
fn tilting_bears_out_its_step(
    data: &CourseData,
    xs: &[f64],
    comps: &[crate::math::losses::Component],
) {
    // KL to the base: β = 10 keeps both modes; somewhere on the slider the near mode is empty
    // while the policy is still among the demonstrations; at 0.01 it is beyond all of them.
    let (grid, _) = data.density();
    let base = grid.tabulate(|x| mixture_pdf(x, comps));
    let reward = grid.tabulate(|x| panel::REWARD_PER_M * x);
    let far_mass = |q: &[f64]| {
        grid.x
            .iter()
            .zip(q)
            .filter(|(x, _)| **x > 0.0)
            .map(|(_, v)| v)
            .sum::<f64>()
            * grid.dx
    };
    let q10 = tilt(&grid, &base, &reward, 10.0);
    assert!(far_mass(&q10) < 0.95 && far_mass(&q10) > 0.05);
    assert!(kl(&grid, &q10, &base) < 0.05);
    let widest = xs.iter().cloned().fold(f64::MIN, f64::max);
    let betas: Vec<f64> = (0..=60)
        .map(|i| 10f64.powf(1.0 - i as f64 / 20.0))
        .collect();
    let masses: Vec<f64> = betas
        .iter()
        .map(|b| far_mass(&tilt(&grid, &base, &reward, *b)))
        .collect();
    assert!(masses.windows(2).all(|w| w[1] >= w[0] - 1e-12));
    assert!(betas.iter().any(|b| {
        let q = tilt(&grid, &base, &reward, *b);
        far_mass(&q) > 0.99 && expectation(&grid, &q, &grid.x) <= widest
    }));
    let q = tilt(&grid, &base, &reward, 0.01);
    assert!(expectation(&grid, &q, &grid.x) > widest);
}

/// Attention at the start of a demonstration's transport.
fn attention_bears_out_its_step(data: &CourseData) {
    // Attention at the start of a demonstration's transport: the kernel's weights with the
    // bias; without it the weights shift to longer keys.
    let set = data.set.clone().expect("chunks");
    let o = set.denormalize(&set.obs[set.starts[3] + 20]);
    let query = crate::math::Vec3::new(o[0], o[1], o[2]);
    let with = Attention::at(data, &query, true).unwrap();
    let without = Attention::at(data, &query, false).unwrap();
    assert!(with.max_difference() < 1e-3, "{}", with.max_difference());
    assert!(
        without.max_difference() > 0.05,
        "{}",
        without.max_difference()
    );
    let norm = |a: &Attention| {
        a.weights
            .iter()
            .zip(&set.obs)
            .map(|(w, k)| w * k.iter().map(|v| v * v).sum::<f64>().sqrt())
            .sum::<f64>()
    };
    assert!(norm(&without) > norm(&with));
    assert_eq!(with.chunk(0).len(), set.horizon);
    assert!(with.output().iter().all(|p| p.x.is_finite()));
}

/// The reverse search from a start between the modes is still a search of the data: every move
/// lowers its divergence.
#[test]
fn each_kl_move_lowers_the_divergence() {
    let grid = Grid::new(RANGE.0, RANGE.1, 301);
    let p = grid.tabulate(|x| {
        0.5 * crate::math::losses::gaussian_pdf(x, -0.15, 0.01)
            + 0.5 * crate::math::losses::gaussian_pdf(x, 0.15, 0.01)
    });
    let mut fit = KlFit::new(&grid, &p, true, (0.02, 0.03));
    let mut last = fit.cost;
    while !fit.converged() {
        fit.iterate(&grid, &p);
        assert!(fit.cost <= last);
        last = fit.cost;
    }
    assert!((fit.mu - 0.15).abs() < 5e-3, "{}", fit.mu);
}

/// The low-rank step on the arm's own policy: recorded and trained in the app, then adapted
/// to the moved target in full and at every rank.
#[test]
fn in_the_app_rank_r_updates_approach_full_fine_tuning() {
    use crate::lessons::shared::reaching::PolicyData;
    use crate::math::lowrank::{Tuning, energy_rank, lora_params, singular_values};
    use lowrank::LowRankData;
    let mut app = crate::lessons::physics_app::physics_app(ID);
    app.world_mut().resource_mut::<CourseData>().at_once = true;
    app.world_mut().resource_mut::<PolicyData>().at_once = true;
    app.world_mut().resource_mut::<LowRankData>().at_once = true;
    app.world_mut().resource_mut::<LossesState>().section = Section::LowRank;
    for _ in 0..5000 {
        app.update();
        if app.world().resource::<LowRankData>().finished() {
            break;
        }
    }
    let lr = app.world().resource::<LowRankData>();
    assert!(lr.finished(), "{}", lr.progress());
    let (base, _) = lr.base.as_ref().expect("a trained base");
    let sizes = base.net.sizes.clone();
    assert_eq!(sizes, vec![3, 16, 16, 3]);
    let full = lr.run(Tuning::Full).expect("full");
    let loss = |r| lr.run(Tuning::Rank(r)).expect("rank").last_loss();
    let reached = |k: usize| lr.reaches[k].expect("done").reached;
    let n = lr.starts.len();
    eprintln!(
        "{} pairs, {n} starts; start loss {:.4}, full {:.4} ({}/{n}); ranks {:?}; base {:?}",
        lr.data.len(),
        full.losses[0],
        full.last_loss(),
        reached(0),
        (1..=8)
            .map(|r| (r, (loss(r) * 1e4).round() / 1e4, reached(r)))
            .collect::<Vec<_>>(),
        (lr.base_reach, lr.base_old_reached),
    );
    for (k, w) in sizes.windows(2).enumerate() {
        let s = singular_values(base.net.weights(k), w[1], w[0]);
        let d = singular_values(&full.delta(k), w[1], w[0]);
        eprintln!(
            "W{}: σ {:?}; ΔW 90 % in {} of {}, 99 % in {}",
            k + 1,
            s.iter()
                .map(|x| (x * 100.0).round() / 100.0)
                .collect::<Vec<_>>(),
            energy_rank(&d, 0.9),
            d.len(),
            energy_rank(&d, 0.99)
        );
    }
    // The step's claims: the 16 × 16 layer's σ spread over all 16 directions, its full
    // update 90 % in a handful; the loss falls towards the full fine-tune's as r grows; at
    // r = 1 no reach ends within 3 mm of the moved target, from r = 2 every one does (and the
    // full fine-tune's); the base policy reaches the old target and not the new one.
    let s2 = singular_values(base.net.weights(1), 16, 16);
    assert!(s2[15] > 0.01 * s2[0], "{s2:?}");
    assert!(energy_rank(&singular_values(&full.delta(1), 16, 16), 0.9) <= 6);
    assert!(full.last_loss() < 0.1 * full.losses[0]);
    assert!(
        loss(1) > 2.0 * loss(8) && loss(2) > loss(4),
        "{:?}",
        (1..=8).map(loss).collect::<Vec<_>>()
    );
    assert!(loss(8) < 2.0 * full.last_loss());
    assert_eq!(reached(1), 0);
    assert!((2..=8).all(|r| reached(r) == n) && reached(0) == n);
    assert_eq!(
        (lr.base_reach.expect("base").reached, lr.base_old_reached),
        (0, n)
    );
    assert!(n >= 20);
    // The README's figures.
    assert!((loss(1) - 0.10).abs() < 0.01 && (loss(8) - 0.03).abs() < 0.005);
    assert!((full.last_loss() - 0.022).abs() < 0.002);
    assert_eq!(
        energy_rank(&singular_values(&full.delta(1), 16, 16), 0.9),
        5
    );
    let miss1 = lr.reaches[1].expect("rank 1 done").miss;
    assert!((miss1 - 0.007).abs() < 0.001, "{miss1}");
    assert_eq!(lora_params(&sizes, 2), 140);
}

/// The low-rank step's formula counts what the panel counts: each layer's rank capped at
/// min(r, in, out), on the reaching policy's 3 → 16 → 16 → 3 network, for every r the slider
/// gives (at r = 8, 370; r·(in + out) summed would claim 560).
#[test]
fn the_lora_formula_shown_is_the_count_the_panel_shows() {
    use crate::math::lowrank::lora_params;
    let step = super::steps::STEPS
        .iter()
        .find(|s| s.params.contains(&("section", "lowrank")))
        .expect("the low-rank step");
    assert!(
        step.formula.contains("Σ min(r, in, out)·(in + out)"),
        "{}",
        step.formula
    );
    let sizes = [3, 16, 16, 3];
    for r in 1..=8 {
        let by_formula: usize = sizes
            .windows(2)
            .map(|w| r.min(w[0]).min(w[1]) * (w[0] + w[1]))
            .sum();
        assert_eq!(by_formula, lora_params(&sizes, r), "r = {r}");
    }
    assert_eq!(lora_params(&sizes, 8), 370);
    let uncapped: usize = sizes.windows(2).map(|w| 8 * (w[0] + w[1])).sum();
    assert_eq!(uncapped, 560);
}
