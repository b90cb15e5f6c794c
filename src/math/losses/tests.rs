use super::*;
use crate::math::backprop::gaussian;
use rand::{SeedableRng, rngs::StdRng};

/// Lateral offsets at the post: two modes, near (−8 cm) and far (+8 cm).
fn two_modes(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let c = if i % 2 == 0 { -0.08 } else { 0.08 };
            c + 0.01 * gaussian(&mut rng)
        })
        .collect()
}

#[test]
fn gaussian_nll_is_scaled_mse_plus_constants_and_its_fit_is_the_mean() {
    let xs = two_modes(400, 1);
    let sigma = 0.05;
    for mu in [-0.1, 0.0, 0.03] {
        let mse = xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / xs.len() as f64;
        let nll = mean_nll(&xs, mu, sigma);
        assert!((nll - (mse / (2.0 * sigma * sigma) + sigma.ln() + half_log_tau())).abs() < 1e-12);
    }
    let (mu, s) = fit_gaussian(&xs);
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    assert!((mu - mean).abs() < 1e-15);
    // The fitted mean sits between the modes, where no demonstration is.
    assert!(mu.abs() < 0.01);
    assert!(xs.iter().all(|x| (x - mu).abs() > 0.03));
    // It is the NLL's minimum: nudging μ or σ makes it worse.
    let best = mean_nll(&xs, mu, s);
    for (dm, ds) in [(1e-3, 0.0), (-1e-3, 0.0), (0.0, 1e-3), (0.0, -1e-3)] {
        assert!(mean_nll(&xs, mu + dm, s + ds) > best);
    }
}

#[test]
fn tokens_learned_by_cross_entropy_peak_at_both_modes() {
    let xs = two_modes(2000, 2);
    for n in [16, 64, 256] {
        let bins = Bins {
            lo: -0.15,
            hi: 0.15,
            n,
        };
        let p = fit_categorical(&xs, &bins, 0.0);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        let radius = (n / 10).max(1);
        let modes: Vec<f64> = peaks(&p, radius, 0.2)
            .into_iter()
            .map(|k| bins.center(k))
            .collect();
        assert_eq!(modes.len(), 2, "n = {n}: {modes:?}");
        assert!(
            (modes[0] + 0.08).abs() < 0.015 && (modes[1] - 0.08).abs() < 0.015,
            "{modes:?}"
        );
        // The frequencies are the cross-entropy's minimum: any other categorical is worse.
        let ce = cross_entropy(&xs, &bins, &p);
        let mut q = fit_categorical(&xs, &bins, 1.0);
        let total: f64 = q.iter().sum();
        q.iter_mut().for_each(|v| *v /= total);
        assert!(cross_entropy(&xs, &bins, &q) > ce);
    }
    let b = Bins {
        lo: -1.0,
        hi: 1.0,
        n: 4,
    };
    assert_eq!((b.token(-5.0), b.token(5.0), b.token(f64::NAN)), (0, 3, 0));
    assert_eq!(b.token(0.0), 2);
}

/// Forward KL to one Gaussian matches the mixture's moments (mean between the modes, wide);
/// reverse KL sits on one mode with about that mode's width.
#[test]
fn forward_kl_covers_reverse_kl_picks_a_mode() {
    let mix = TwoModes {
        w: 0.5,
        a: (-0.08, 0.01),
        b: (0.08, 0.01),
    };
    let grid = Grid::new(-0.3, 0.3, 1201);
    let p = grid.tabulate(|x| mix.pdf(x));
    assert!((p.iter().sum::<f64>() * grid.dx - 1.0).abs() < 1e-6);
    let (m, s) = mix.moments();
    let (fm, fs) = fit_kl(&grid, &p, false, (0.05, 0.03));
    assert!(
        (fm - m).abs() < 1e-3 && (fs - s).abs() < 1e-3,
        "{fm} {fs} vs {m} {s}"
    );
    let (rm, rs) = fit_kl(&grid, &p, true, (0.05, 0.03));
    assert!(
        (rm - 0.08).abs() < 2e-3 && (rs - 0.01).abs() < 2e-3,
        "{rm} {rs}"
    );
    let (lm, _) = fit_kl(&grid, &p, true, (-0.05, 0.03));
    assert!((lm + 0.08).abs() < 2e-3, "{lm}");
    // The asymmetry itself: each optimum is poor under the other divergence.
    let q = |mu: f64, s: f64| grid.tabulate(|x| gaussian_pdf(x, mu, s));
    assert!(kl(&grid, &q(rm, rs), &p) < kl(&grid, &q(fm, fs), &p));
    assert!(kl(&grid, &p, &q(fm, fs)) < kl(&grid, &p, &q(rm, rs)));
    assert!(kl(&grid, &p, &p).abs() < 1e-12);
}

#[test]
fn ppo_clip_has_the_textbook_regions() {
    let eps = 0.2;
    // A > 0: grows with r up to 1 + ε, then flat (no gradient).
    assert_eq!(ppo_clip(0.5, 1.0, eps), (0.5, 1.0));
    assert_eq!(ppo_clip(1.1, 1.0, eps), (1.1, 1.0));
    let (v, g) = ppo_clip(1.5, 1.0, eps);
    assert!((v - 1.2).abs() < 1e-15 && g == 0.0);
    // A < 0: flat below 1 − ε, then falls with r (still a gradient above 1 + ε).
    let (v, g) = ppo_clip(0.5, -1.0, eps);
    assert!((v + 0.8).abs() < 1e-15 && g == 0.0);
    assert_eq!(ppo_clip(0.9, -1.0, eps), (-0.9, -1.0));
    assert_eq!(ppo_clip(2.0, -1.0, eps), (-2.0, -1.0));
    // The derivative is the objective's slope wherever it is smooth.
    for &(r, a) in &[
        (0.5, 1.0),
        (1.5, 1.0),
        (0.5, -1.0),
        (1.1, -2.0),
        (3.0, -1.0),
    ] {
        let h = 1e-7;
        let fd = (ppo_clip(r + h, a, eps).0 - ppo_clip(r - h, a, eps).0) / (2.0 * h);
        assert!((fd - ppo_clip(r, a, eps).1).abs() < 1e-6, "r {r} A {a}");
    }
}

/// For `f(z) = (z − 0.3)²` the exact gradients are `2(μ − 0.3)` and `2σ`; both estimators
/// average to them, and reparameterization's variance is far lower.
#[test]
fn both_gradient_estimators_are_unbiased_and_reparameterization_varies_less() {
    let f = |z: f64| (z - 0.3).powi(2);
    let df = |z: f64| 2.0 * (z - 0.3);
    let (mu, sigma) = (0.5, 0.2);
    let mut rng = StdRng::seed_from_u64(3);
    let n = 200_000;
    let (mut rp, mut sf) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for _ in 0..n {
        let (r, s) = gradient_estimates(f, df, mu, sigma, gaussian(&mut rng));
        for k in 0..2 {
            rp[k].push(r[k]);
            sf[k].push(s[k]);
        }
    }
    let exact = [2.0 * (mu - 0.3), 2.0 * sigma];
    for k in 0..2 {
        let (mr, vr) = mean_var(&rp[k]);
        let (ms, vs) = mean_var(&sf[k]);
        // Within five standard errors of the truth.
        assert!(
            (mr - exact[k]).abs() < 5.0 * (vr / n as f64).sqrt() + 1e-12,
            "{k}: {mr}"
        );
        assert!(
            (ms - exact[k]).abs() < 5.0 * (vs / n as f64).sqrt(),
            "{k}: {ms}"
        );
        assert!(vs > 3.0 * vr, "{k}: score {vs} vs reparam {vr}");
    }
}

/// Attention with the key-length bias is the kernel weighting by distance; plain
/// dot-product attention is too when the keys have one length, and not otherwise.
#[test]
fn attention_weights_are_kernel_weights() {
    let mut rng = StdRng::seed_from_u64(4);
    let keys: Vec<Vec<f64>> = (0..12)
        .map(|_| (0..3).map(|_| 0.1 * gaussian(&mut rng)).collect())
        .collect();
    let q = vec![0.03, -0.02, 0.05];
    let s = 0.05;
    let kernel = |keys: &[Vec<f64>]| {
        let w: Vec<f64> = keys
            .iter()
            .map(|k| {
                let d2: f64 = q.iter().zip(k).map(|(a, b)| (a - b).powi(2)).sum();
                (-d2 / (2.0 * s * s)).exp()
            })
            .collect();
        let t: f64 = w.iter().sum();
        w.iter().map(|v| v / t).collect::<Vec<f64>>()
    };
    let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12);
    let att = attention_weights(&q, &keys, s, true);
    assert!((att.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(close(&att, &kernel(&keys)));
    assert!(!close(
        &attention_weights(&q, &keys, s, false),
        &kernel(&keys)
    ));
    // Keys of one length: the bias is the same for all and drops out.
    let unit: Vec<Vec<f64>> = keys
        .iter()
        .map(|k| {
            let n = k.iter().map(|v| v * v).sum::<f64>().sqrt();
            k.iter().map(|v| 0.1 * v / n).collect()
        })
        .collect();
    assert!(close(
        &attention_weights(&q, &unit, s, false),
        &kernel(&unit)
    ));
}

#[test]
fn em_finds_both_modes_and_beats_one_gaussian() {
    let xs = two_modes(400, 5);
    let mut comps = fit_mixture(&xs, 2, 50, 1e-3);
    comps.sort_by(|a, b| a.mu.total_cmp(&b.mu));
    for (c, want) in comps.iter().zip([-0.08, 0.08]) {
        assert!((c.mu - want).abs() < 3e-3, "{c:?}");
        assert!(
            (c.w - 0.5).abs() < 0.02 && (c.sigma - 0.01).abs() < 2e-3,
            "{c:?}"
        );
    }
    let (mu, s) = fit_gaussian(&xs);
    assert!(mixture_nll(&xs, &comps) < mean_nll(&xs, mu, s) - 1.0);
    // Sampling the mixture lands near a mode, never between them.
    let mut rng = StdRng::seed_from_u64(6);
    for _ in 0..200 {
        let u: f64 = rand::Rng::random(&mut rng);
        let x = sample_mixture(&comps, u, gaussian(&mut rng));
        assert!(x.abs() > 0.03, "{x}");
    }
}

#[test]
fn categorical_draws_follow_the_probabilities() {
    let p = [0.1, 0.0, 0.6, 0.3];
    assert_eq!(argmax(&p), 2);
    let mut counts = [0usize; 4];
    let n = 20_000;
    for i in 0..n {
        counts[sample_categorical(&p, (i as f64 + 0.5) / n as f64)] += 1;
    }
    for (c, want) in counts.iter().zip(p) {
        assert!((*c as f64 / n as f64 - want).abs() < 1e-3);
    }
}

/// For a Gaussian base `N(m, s²)` and a linear reward `k·x`, the tilted policy is
/// `N(m + s²k/β, s²)`: the closed form the grid must match. It maximises the objective:
/// moving towards the base or away from it does worse.
#[test]
fn kl_to_base_tilts_the_base_by_the_reward() {
    let grid = Grid::new(-1.0, 1.0, 4001);
    let (m, s, k) = (-0.05, 0.05, 10.0);
    let base = grid.tabulate(|x| gaussian_pdf(x, m, s));
    let reward = grid.tabulate(|x| k * x);
    let objective =
        |q: &[f64], beta: f64| expectation(&grid, q, &reward) - beta * kl(&grid, q, &base);
    for beta in [0.5, 1.0, 4.0] {
        let q = tilt(&grid, &base, &reward, beta);
        let mean = expectation(&grid, &q, &grid.x);
        let var = expectation(&grid, &q, &grid.tabulate(|x| (x - mean).powi(2)));
        assert!(
            (mean - (m + s * s * k / beta)).abs() < 1e-6,
            "β {beta}: {mean}"
        );
        assert!((var.sqrt() - s).abs() < 1e-6);
        let best = objective(&q, beta);
        for t in [0.05, -0.05] {
            let other: Vec<f64> = q
                .iter()
                .zip(&base)
                .map(|(a, b)| (1.0 - t) * a + t * b)
                .collect();
            if t > 0.0 {
                assert!(objective(&other, beta) < best);
            }
        }
        let sharper = tilt(&grid, &base, &reward, beta * 0.9);
        let flatter = tilt(&grid, &base, &reward, beta * 1.1);
        assert!(objective(&sharper, beta) < best && objective(&flatter, beta) < best);
    }
    // β large: the base itself.
    let q = tilt(&grid, &base, &reward, 1e6);
    assert!(kl(&grid, &q, &base) < 1e-8);
}

/// PPO on the toy: with the clip the mean moves a bounded step per batch and settles at
/// the reward's peak; without it the first batch throws it most of the way at once, on
/// ratios far outside the band. (The clip does not bound the ratio itself: a sample outside
/// the band stops pulling, but the other samples' steps still move it.)
#[test]
fn ppo_with_the_clip_takes_bounded_steps_and_without_it_leaps() {
    for seed in 1..6 {
        let cfg = PpoConfig::lesson(Some(0.2));
        let clipped = ppo_run(&cfg, 0.0, 30, seed);
        let free = ppo_run(&PpoConfig { eps: None, ..cfg }, 0.0, 30, seed);
        let steps = |run: &[PpoIter]| -> Vec<f64> {
            std::iter::once(run[0].mu)
                .chain(run.windows(2).map(|w| w[1].mu - w[0].mu))
                .map(f64::abs)
                .collect()
        };
        let biggest = steps(&clipped).iter().cloned().fold(0.0, f64::max);
        let settled = clipped[20..].iter().map(|i| i.mu).sum::<f64>() / 10.0;
        eprintln!(
            "seed {seed}: clip max step {biggest:.3}, settled at {settled:.3}; no clip first step {:.3}, ratio up to {:.1}",
            free[0].mu, free[0].ratio_hi
        );
        assert!(biggest < 0.02, "{biggest}");
        assert!(clipped[..8].windows(2).all(|w| w[1].mu > w[0].mu));
        assert!((settled - cfg.target).abs() < 0.01, "{settled}");
        assert!(free[0].mu > 0.05 && free[0].mu > 3.0 * biggest && free[0].ratio_hi > 4.0);
        assert!(clipped[0].ratio_hi < 0.6 * free[0].ratio_hi);
    }
}
