//! Diffusion and flow matching on a set of demonstrations, with the denoiser in closed form
//! (seed 000 §6): the data distribution is a Gaussian mixture around the demonstrations,
//! `p_data = (1/N)·Σ N(μᵢ, s²I)`, so the noise-prediction of DDPM/DDIM and the velocity of flow
//! matching are exact and the paths drawn are the true ones.
//!
//! * **DDPM** (variance preserving, ε-prediction): `x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε`, sampled
//!   backwards with `x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε̂)/√α_t + σ_t·z`,
//!   `σ_t² = β̃_t = β_t·(1−ᾱ_{t−1})/(1−ᾱ_t)`. Linear or cosine `β` schedules.
//! * **DDIM** (η = 0): deterministic jumps along a subsequence of K steps,
//!   `x_{t'} = √ᾱ_{t'}·x̂₀ + √(1−ᾱ_{t'})·ε̂`.
//! * **Flow matching** (linear / rectified path): `x_τ = (1−τ)·x₀ + τ·x₁` from noise `x₀` at
//!   τ = 0 to data `x₁` at τ = 1, velocity `v = E[x₁ − x₀ | x_τ]`, integrated with Euler or Heun.

use rand::Rng;

/// The demonstrations as a Gaussian mixture with equal weights and spread `s` (per
/// coordinate).
#[derive(Clone, Debug, PartialEq)]
pub struct Mixture {
    pub means: Vec<Vec<f64>>,
    pub spread: f64,
}

/// A standard normal draw (Box–Muller; two uniforms per value keeps it simple).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

pub fn normal_vec(rng: &mut impl Rng, d: usize) -> Vec<f64> {
    (0..d).map(|_| normal(rng)).collect()
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

impl Mixture {
    pub fn dim(&self) -> usize {
        self.means.first().map_or(0, Vec::len)
    }

    /// `log N(x; c·μᵢ, var·I)` of every component, up to the shared constant.
    fn component_logs(&self, x: &[f64], c: f64, var: f64) -> Vec<f64> {
        self.means
            .iter()
            .map(|m| {
                -0.5 * x
                    .iter()
                    .zip(m)
                    .map(|(xi, mi)| (xi - c * mi).powi(2))
                    .sum::<f64>()
                    / var
            })
            .collect()
    }

    /// Posterior weights of the components given `x ~ N(c·μᵢ, var·I)`, by log-sum-exp.
    fn responsibilities(&self, x: &[f64], c: f64, var: f64) -> Vec<f64> {
        let logs = self.component_logs(x, c, var);
        let top = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let w: Vec<f64> = logs.iter().map(|l| (l - top).exp()).collect();
        let total: f64 = w.iter().sum();
        w.into_iter().map(|x| x / total).collect()
    }

    /// `log p(x)` (up to a constant) of `x ~ Σ N(c·μᵢ, var·I)/N`, for tests of the scores.
    pub fn log_density(&self, x: &[f64], c: f64, var: f64) -> f64 {
        let logs = self.component_logs(x, c, var);
        let top = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        top + logs.iter().map(|l| (l - top).exp()).sum::<f64>().ln()
    }

    /// The exact noise prediction `ε̂(x_t) = E[ε | x_t] = −√(1−ᾱ)·∇log p_t(x_t)` of the VP
    /// diffusion at `ᾱ`, where `p_t = Σ N(√ᾱ·μᵢ, (ᾱs² + 1 − ᾱ)I)/N`.
    pub fn epsilon(&self, x: &[f64], alpha_bar: f64) -> Vec<f64> {
        let c = alpha_bar.sqrt();
        let var = alpha_bar * self.spread * self.spread + 1.0 - alpha_bar;
        let r = self.responsibilities(x, c, var);
        let k = (1.0 - alpha_bar).sqrt() / var;
        (0..x.len())
            .map(|j| {
                let mean: f64 = r.iter().zip(&self.means).map(|(ri, m)| ri * m[j]).sum();
                k * (x[j] - c * mean)
            })
            .collect()
    }

    /// The exact flow-matching velocity `v(x, τ) = E[x₁ − x₀ | x_τ = x]` for the linear path
    /// from `x₀ ~ N(0, I)` to `x₁ ~ p_data`. Per component i, with `V = τ²s² + (1−τ)²`:
    /// `E[x₁ − x₀ | x, i] = μᵢ + (τs² − (1−τ))/V · (x − τμᵢ)`.
    pub fn velocity(&self, x: &[f64], tau: f64) -> Vec<f64> {
        let s2 = self.spread * self.spread;
        let var = tau * tau * s2 + (1.0 - tau).powi(2);
        let r = self.responsibilities(x, tau, var);
        let k = (tau * s2 - (1.0 - tau)) / var;
        (0..x.len())
            .map(|j| {
                r.iter()
                    .zip(&self.means)
                    .map(|(ri, m)| ri * (m[j] + k * (x[j] - tau * m[j])))
                    .sum()
            })
            .collect()
    }

    /// The index of the nearest demonstration and the distance to it.
    pub fn nearest(&self, x: &[f64]) -> (usize, f64) {
        self.means
            .iter()
            .enumerate()
            .map(|(i, m)| (i, dist2(x, m).sqrt()))
            .fold((0, f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a })
    }

    /// What a mean-squared-error regression from the same (input-free) data predicts: the mean
    /// of the demonstrations, which for several modes lies between them.
    pub fn regression(&self) -> Vec<f64> {
        let n = self.means.len().max(1) as f64;
        (0..self.dim())
            .map(|j| self.means.iter().map(|m| m[j]).sum::<f64>() / n)
            .collect()
    }
}

/// `ᾱ_t` for t = 0…T (ᾱ₀ = 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    pub alpha_bar: Vec<f64>,
}

impl Schedule {
    /// Linear β (Ho et al. 2020: 1e-4 to 0.02 over T = 1000), scaled by 1000/T so a shorter
    /// chain still ends in noise (as in Nichol & Dhariwal): for T = 100, β runs 1e-3 to 0.2.
    /// Unscaled, 100 steps would stop at ᾱ_T ≈ 0.36, far from noise.
    pub fn linear(t: usize) -> Schedule {
        let t = t.max(1);
        let scale = 1000.0 / t as f64;
        let mut alpha_bar = vec![1.0];
        let mut acc = 1.0;
        for k in 0..t {
            let beta =
                (scale * (1e-4 + (0.02 - 1e-4) * k as f64 / (t - 1).max(1) as f64)).min(0.999);
            acc *= 1.0 - beta;
            alpha_bar.push(acc);
        }
        Schedule { alpha_bar }
    }

    /// Cosine schedule (Nichol & Dhariwal 2021): `ᾱ(t) = f(t)/f(0)`,
    /// `f(t) = cos²((t/T + 0.008)/1.008 · π/2)`, with β clipped at 0.999.
    pub fn cosine(t: usize) -> Schedule {
        let t = t.max(1);
        let f = |k: usize| {
            ((k as f64 / t as f64 + 0.008) / 1.008 * std::f64::consts::FRAC_PI_2)
                .cos()
                .powi(2)
        };
        let mut alpha_bar = vec![1.0];
        let mut prev = 1.0;
        for k in 1..=t {
            let raw = f(k) / f(0);
            let beta = (1.0 - raw / (f(k - 1) / f(0))).min(0.999);
            prev *= 1.0 - beta;
            alpha_bar.push(prev);
        }
        Schedule { alpha_bar }
    }

    pub fn steps(&self) -> usize {
        self.alpha_bar.len() - 1
    }
}

/// Every intermediate state of a sample, noise first.
pub type Trajectory = Vec<Vec<f64>>;

/// DDPM ancestral sampling from `x_T = noise` with the exact ε: T function evaluations.
pub fn ddpm(mix: &Mixture, sched: &Schedule, noise: &[f64], rng: &mut impl Rng) -> Trajectory {
    let mut x = noise.to_vec();
    let mut path = vec![x.clone()];
    for t in (1..=sched.steps()).rev() {
        let (ab, ab_prev) = (sched.alpha_bar[t], sched.alpha_bar[t - 1]);
        let alpha = ab / ab_prev;
        let beta = 1.0 - alpha;
        let eps = mix.epsilon(&x, ab);
        let sigma = if t > 1 {
            (beta * (1.0 - ab_prev) / (1.0 - ab)).sqrt()
        } else {
            0.0
        };
        for j in 0..x.len() {
            x[j] = (x[j] - beta / (1.0 - ab).sqrt() * eps[j]) / alpha.sqrt() + sigma * normal(rng);
        }
        path.push(x.clone());
    }
    path
}

/// DDIM (η = 0) in `k` evenly spaced jumps from T to 0: deterministic, k evaluations.
pub fn ddim(mix: &Mixture, sched: &Schedule, noise: &[f64], k: usize) -> Trajectory {
    let t_max = sched.steps();
    let k = k.clamp(1, t_max);
    let times: Vec<usize> = (0..=k)
        .map(|i| ((t_max as f64) * (1.0 - i as f64 / k as f64)).round() as usize)
        .collect();
    let mut x = noise.to_vec();
    let mut path = vec![x.clone()];
    for w in times.windows(2) {
        let (ab, ab_next) = (sched.alpha_bar[w[0]], sched.alpha_bar[w[1]]);
        let eps = mix.epsilon(&x, ab);
        for j in 0..x.len() {
            let x0 = (x[j] - (1.0 - ab).sqrt() * eps[j]) / ab.sqrt();
            x[j] = ab_next.sqrt() * x0 + (1.0 - ab_next).sqrt() * eps[j];
        }
        path.push(x.clone());
    }
    path
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OdeMethod {
    Euler,
    /// Heun's second-order method (2 evaluations per step).
    Heun,
}

/// Flow matching: integrate `dx/dτ = v(x, τ)` from τ = 0 (noise) to 1 in `k` steps.
pub fn flow(mix: &Mixture, noise: &[f64], k: usize, method: OdeMethod) -> Trajectory {
    let k = k.max(1);
    let h = 1.0 / k as f64;
    let mut x = noise.to_vec();
    let mut path = vec![x.clone()];
    for i in 0..k {
        let tau = i as f64 * h;
        let v = mix.velocity(&x, tau);
        let euler: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a + h * b).collect();
        x = match method {
            OdeMethod::Euler => euler,
            OdeMethod::Heun => {
                let v2 = mix.velocity(&euler, tau + h);
                x.iter()
                    .zip(v.iter().zip(&v2))
                    .map(|(a, (b, c))| a + 0.5 * h * (b + c))
                    .collect()
            }
        };
        path.push(x.clone());
    }
    path
}

/// Path length over the straight-line distance from start to end: 1 for a straight path.
pub fn straightness(path: &[Vec<f64>]) -> f64 {
    let length: f64 = path.windows(2).map(|w| dist2(&w[0], &w[1]).sqrt()).sum();
    let chord = match (path.first(), path.last()) {
        (Some(a), Some(b)) => dist2(a, b).sqrt(),
        _ => 0.0,
    };
    if chord > 0.0 {
        length / chord
    } else {
        f64::INFINITY
    }
}

/// The fraction of the mixture's components that some sample lands within `radius` of.
pub fn mode_coverage(mix: &Mixture, samples: &[Vec<f64>], radius: f64) -> f64 {
    let mut hit = vec![false; mix.means.len()];
    for s in samples {
        let (i, d) = mix.nearest(s);
        if d <= radius {
            hit[i] = true;
        }
    }
    hit.iter().filter(|h| **h).count() as f64 / hit.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Two modes 2 apart in 8 dimensions: "pass on the left or on the right".
    fn two_modes() -> Mixture {
        let mut a = vec![0.3; 8];
        let mut b = vec![0.3; 8];
        a[0] = 1.0;
        b[0] = -1.0;
        Mixture {
            means: vec![a, b],
            spread: 0.02,
        }
    }

    #[test]
    fn the_exact_epsilon_is_the_scaled_score() {
        let mix = two_modes();
        let x: Vec<f64> = (0..8).map(|i| 0.1 * i as f64 - 0.3).collect();
        for ab in [0.9, 0.5, 0.05] {
            let eps = mix.epsilon(&x, ab);
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

    #[test]
    fn one_gaussian_flows_straight_to_its_optimal_transport_image() {
        // For one mode the exact flow is x(τ) = τμ + √(τ²s² + (1−τ)²)·x₀: x(1) = μ + s·x₀.
        let mix = Mixture {
            means: vec![vec![0.5, -0.2, 0.8]],
            spread: 0.1,
        };
        let x0 = vec![0.7, -1.2, 0.3];
        let error = |method, k| {
            let end = flow(&mix, &x0, k, method).pop().unwrap();
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
    fn ddpm_ddim_and_flow_matching_all_find_both_modes_and_flow_is_straighter() {
        let mix = two_modes();
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let sched = Schedule::cosine(100);
        let (mut ddpm_end, mut fm_end, mut ddim_end) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ddpm_straight, mut fm_straight) = (0.0, 0.0);
        let n = 256;
        for _ in 0..n {
            let noise = normal_vec(&mut rng, 8);
            let p = ddpm(&mix, &sched, &noise, &mut rng);
            ddpm_straight += straightness(&p) / n as f64;
            ddpm_end.push(p.last().unwrap().clone());
            let f = flow(&mix, &noise, 10, OdeMethod::Euler);
            fm_straight += straightness(&f) / n as f64;
            fm_end.push(f.last().unwrap().clone());
            ddim_end.push(ddim(&mix, &sched, &noise, 10).pop().unwrap());
        }
        let mean_nearest = |ends: &[Vec<f64>]| {
            ends.iter().map(|e| mix.nearest(e).1).sum::<f64>() / ends.len() as f64
        };
        let (d_ddpm, d_fm, d_ddim) = (
            mean_nearest(&ddpm_end),
            mean_nearest(&fm_end),
            mean_nearest(&ddim_end),
        );
        // Samples land within a few spreads of a demonstration (the data itself averages
        // s·√d ≈ 0.057 from its mode).
        assert!(d_ddpm < 0.1, "ddpm {d_ddpm}");
        assert!(d_fm < d_ddpm + 0.05, "flow {d_fm} vs ddpm {d_ddpm}");
        assert!(d_ddim < 0.15, "ddim {d_ddim}");
        for ends in [&ddpm_end, &fm_end, &ddim_end] {
            assert!(mode_coverage(&mix, ends, 0.2) >= 0.9);
        }
        // Straight-line paths: flow matching is near 1, DDPM's noisy walk far from it.
        assert!(fm_straight < 1.2, "{fm_straight}");
        assert!(
            ddpm_straight > 2.0 * fm_straight,
            "{ddpm_straight} vs {fm_straight}"
        );
        // The regression baseline lands between the modes, far from both.
        let r = mix.regression();
        assert!(mix.nearest(&r).1 > 0.9);
    }
}
