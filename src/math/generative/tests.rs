use super::*;

/// Two modes 2 apart in 8 dimensions: "pass on the left or on the right".
fn two_modes() -> Mixture {
    let mut a = vec![0.3; 8];
    let mut b = vec![0.3; 8];
    a[0] = 1.0;
    b[0] = -1.0;
    Mixture::new(vec![a, b], 0.02)
}

#[test]
fn the_exact_epsilon_is_the_scaled_score() {
    let mut mix = two_modes();
    mix.log_weights = vec![0.0, -1.0];
    let x: Vec<f64> = (0..8).map(|i| 0.1 * i as f64 - 0.3).collect();
    for ab in [0.9, 0.5, 0.05] {
        let eps = mix.exact_epsilon(&x, ab);
        let var = ab * mix.spread * mix.spread + 1.0 - ab;
        let h = 1e-6;
        for j in 0..8 {
            let (mut xp, mut xm) = (x.clone(), x.clone());
            xp[j] += h;
            xm[j] -= h;
            let score = (mix.log_density(&xp, ab.sqrt(), var)
                - mix.log_density(&xm, ab.sqrt(), var))
                / (2.0 * h);
            assert!(
                (eps[j] + (1.0 - ab).sqrt() * score).abs() < 1e-6,
                "ᾱ {ab}, j {j}"
            );
        }
    }
}

/// A field known only through its velocity: the trait's change of variables.
struct VelocityOnly<'a>(&'a Mixture);

impl Field for VelocityOnly<'_> {
    fn dim(&self) -> usize {
        self.0.dim()
    }
    fn velocity(&self, x: &[f64], tau: f64) -> Vec<f64> {
        self.0.velocity(x, tau)
    }
}

#[test]
fn epsilon_from_the_velocity_equals_the_exact_epsilon() {
    let mut mix = two_modes();
    mix.log_weights = vec![0.3, -0.2];
    let x: Vec<f64> = (0..8).map(|i| 0.2 * i as f64 - 0.5).collect();
    for ab in [0.999, 0.9, 0.5, 0.1, 0.001] {
        let exact = mix.exact_epsilon(&x, ab);
        let via = VelocityOnly(&mix).epsilon(&x, ab);
        for j in 0..8 {
            assert!(
                (exact[j] - via[j]).abs() < 1e-10,
                "ᾱ {ab}: {exact:?} {via:?}"
            );
        }
    }
}

#[test]
fn the_velocity_is_the_conditional_mean_of_x1_minus_x0_by_monte_carlo() {
    // Draw (x₀, x₁), keep pairs whose x_τ falls in a small ball around a point, average.
    let mix = Mixture::new(vec![vec![1.0, 0.0], vec![-1.0, 0.5]], 0.3);
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let (tau, at, r) = (0.5, [0.1, 0.2], 0.05);
    let (mut sum, mut n) = ([0.0; 2], 0);
    for _ in 0..2_000_000 {
        let i = usize::from(rng.random::<bool>());
        let x0 = normal_vec(&mut rng, 2);
        let x1: Vec<f64> = (0..2)
            .map(|j| mix.means[i][j] + mix.spread * normal(&mut rng))
            .collect();
        let xt: Vec<f64> = (0..2).map(|j| (1.0 - tau) * x0[j] + tau * x1[j]).collect();
        if dist2(&xt, &at) < r * r {
            for j in 0..2 {
                sum[j] += x1[j] - x0[j];
            }
            n += 1;
        }
    }
    let v = mix.velocity(&at, tau);
    for j in 0..2 {
        let mc = sum[j] / n as f64;
        assert!(
            (mc - v[j]).abs() < 0.03,
            "{j}: {mc} vs {} ({n} pairs)",
            v[j]
        );
    }
}

#[test]
fn one_gaussian_flows_straight_to_its_optimal_transport_image() {
    // For one mode the exact flow is x(τ) = τμ + √(τ²s² + (1−τ)²)·x₀: x(1) = μ + s·x₀.
    let mix = Mixture::new(vec![vec![0.5, -0.2, 0.8]], 0.1);
    let x0 = vec![0.7, -1.2, 0.3];
    let error = |method, k| {
        let end = sample(&mix, &Sampler::Flow(k, method), &x0, 0)
            .pop()
            .unwrap();
        (0..3)
            .map(|j| (end[j] - (mix.means[0][j] + mix.spread * x0[j])).abs())
            .fold(0.0, f64::max)
    };
    // Converges to the closed form, Heun at second order, Euler at first.
    let (h1, h2) = (error(OdeMethod::Heun, 40), error(OdeMethod::Heun, 80));
    let (e1, e2) = (error(OdeMethod::Euler, 200), error(OdeMethod::Euler, 400));
    assert!(h2 < 1e-3, "{h2}");
    assert!(h1 / h2 > 3.0, "Heun order: {h1} / {h2}");
    assert!((e1 / e2 - 2.0).abs() < 0.3, "Euler order: {e1} / {e2}");
}

#[test]
fn ddim_with_every_step_on_one_gaussian_reaches_the_flow_image() {
    // DDIM (η = 0) is an ODE solver for the same deterministic map; with many steps it
    // lands where the exact flow does for a single Gaussian: μ + s·x_T.
    let mix = Mixture::new(vec![vec![0.4, -0.3]], 0.2);
    let noise = vec![1.1, -0.4];
    let end = sample(
        &mix,
        &Sampler::Ddim(Schedule::cosine(1000), 1000),
        &noise,
        0,
    )
    .pop()
    .unwrap();
    for j in 0..2 {
        let want = mix.means[0][j] + mix.spread * noise[j];
        assert!((end[j] - want).abs() < 2e-3, "{j}: {} vs {want}", end[j]);
    }
}

#[test]
fn schedules_decrease_from_one_to_nearly_pure_noise() {
    for s in [Schedule::linear(100), Schedule::cosine(100)] {
        assert_eq!(s.steps(), 100);
        assert_eq!(s.alpha_bar[0], 1.0);
        assert!(s.alpha_bar.windows(2).all(|w| w[1] < w[0]));
        assert!(s.alpha_bar[100] < 1e-3, "{}", s.alpha_bar[100]);
    }
    // Ho et al.'s T = 1000 schedule ends at ᾱ_T ≈ 4.0e-5 (Π(1 − β_t), β 1e-4…0.02).
    let l = Schedule::linear(1000).alpha_bar[1000];
    assert!((l - 4.04e-5).abs() < 0.1e-5, "{l}");
}

#[test]
fn a_run_counts_steps_and_evaluations() {
    let mix = two_modes();
    let mut run = Run::from_seed(Sampler::Flow(4, OdeMethod::Heun), 3, 8, 1);
    assert_eq!((run.done_steps(), run.nfe()), (0, 0));
    assert!(run.step(&mix));
    assert_eq!((run.done_steps(), run.nfe()), (1, 2));
    let run = run.finish(&mix);
    assert!(run.finished());
    // Heun's last step is an Euler step: 2 + 2 + 2 + 1.
    assert_eq!(run.nfe(), 7);
    assert!(run.paths.iter().all(|p| p.len() == 5));
    assert_eq!(run.states(99).len(), 3);
}

#[test]
fn ddpm_ddim_and_flow_matching_all_find_both_modes_and_flow_is_straighter() {
    let mix = two_modes();
    let labels = [0, 1];
    let n = 256;
    let ddpm = Run::from_seed(Sampler::Ddpm(Schedule::cosine(100)), n, 8, 5).finish(&mix);
    let fm = Run::from_seed(Sampler::Flow(10, OdeMethod::Euler), n, 8, 5).finish(&mix);
    let ddim = Run::from_seed(Sampler::Ddim(Schedule::cosine(100), 10), n, 8, 5).finish(&mix);
    let mean_nearest =
        |run: &Run| run.ends().iter().map(|e| mix.nearest(e).1).sum::<f64>() / n as f64;
    let mean_straightness =
        |run: &Run| run.paths.iter().map(|p| straightness(p)).sum::<f64>() / n as f64;
    let (d_ddpm, d_fm, d_ddim) = (mean_nearest(&ddpm), mean_nearest(&fm), mean_nearest(&ddim));
    // Samples land within a few spreads of a demonstration (the data itself averages
    // s·√d ≈ 0.057 from its mode).
    assert!(d_ddpm < 0.1, "ddpm {d_ddpm}");
    assert!(d_fm < d_ddpm + 0.05, "flow {d_fm} vs ddpm {d_ddpm}");
    assert!(d_ddim < 0.15, "ddim {d_ddim}");
    for run in [&ddpm, &fm, &ddim] {
        assert!(mode_coverage(&mix, &labels, 2, &run.ends(), 0.2) >= 0.9);
    }
    // Straight-line paths: flow matching is near 1, DDPM's noisy walk far from it.
    let (s_fm, s_ddpm) = (mean_straightness(&fm), mean_straightness(&ddpm));
    assert!(s_fm < 1.2, "{s_fm}");
    assert!(s_ddpm > 2.0 * s_fm, "{s_ddpm} vs {s_fm}");
    // The regression baseline lands between the modes, far from both.
    let r = mix.regression();
    assert!(mix.nearest(&r).1 > 0.9);
}

#[test]
fn weights_shift_the_samples_and_the_regression() {
    let mut mix = two_modes();
    mix.log_weights = vec![(0.9f64).ln(), (0.1f64).ln()];
    let run = Run::from_seed(Sampler::Flow(10, OdeMethod::Euler), 400, 8, 3).finish(&mix);
    let first = run.ends().iter().filter(|e| mix.nearest(e).0 == 0).count();
    assert!((first as f64 / 400.0 - 0.9).abs() < 0.05, "{first}/400");
    assert!((mix.regression()[0] - 0.8).abs() < 1e-12);
}

/// At τ = 0 the noise says nothing about the data, so the exact velocity is
/// `E[x₁] − x`: one Euler step lands every sample on the mean, the regression, between
/// the modes. With ten steps the paths bend towards the modes and cover both.
#[test]
fn one_flow_step_collapses_every_sample_onto_the_regression() {
    let mut mix = two_modes();
    mix.log_weights = vec![(0.6f64).ln(), (0.4f64).ln()];
    let labels = [0, 1];
    let r = mix.regression();
    for method in [OdeMethod::Euler, OdeMethod::Heun] {
        let one = Run::from_seed(Sampler::Flow(1, method), 128, 8, 9).finish(&mix);
        let worst = one
            .ends()
            .iter()
            .map(|e| dist2(e, &r).sqrt())
            .fold(0.0, f64::max);
        assert!(worst < 1e-12, "{method:?}: {worst}");
        assert_eq!(mode_coverage(&mix, &labels, 2, &one.ends(), 0.2), 0.0);
        let ten = Run::from_seed(Sampler::Flow(10, method), 128, 8, 9).finish(&mix);
        assert_eq!(mode_coverage(&mix, &labels, 2, &ten.ends(), 0.2), 1.0);
        let near = ten
            .ends()
            .iter()
            .map(|e| dist2(e, &r).sqrt())
            .fold(f64::INFINITY, f64::min);
        assert!(
            near > 0.5,
            "{method:?}: a 10-step sample {near} from the mean"
        );
    }
}
