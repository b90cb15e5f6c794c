//! Diffusion and flow matching on a set of demonstrations, with the denoiser in closed form:
//! the data distribution is a Gaussian mixture around the demonstrations,
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

//! * **One field, every sampler**: the three samplers need only the flow velocity. The VP state
//!   at `ᾱ` rescaled by `1/(√ᾱ + √(1−ᾱ))` is the linear-path state at
//!   `τ = √ᾱ/(√ᾱ + √(1−ᾱ))`, and there `ε̂ = E[x₀ | x_τ] = x_τ − τ·v̂`. So a network trained
//!   for velocity serves DDPM and DDIM too; for the mixture both are also exact in closed form,
//!   and a test checks they agree.

use rand::{Rng, SeedableRng};

/// A denoising field: the flow-matching velocity, and the noise prediction derived from it.
pub trait Field {
    fn dim(&self) -> usize;

    /// `v(x, τ) = E[x₁ − x₀ | x_τ = x]` on the linear path from noise (τ = 0) to data (τ = 1).
    fn velocity(&self, x: &[f64], tau: f64) -> Vec<f64>;

    /// `ε̂(x_t) = E[ε | x_t]` of the VP diffusion at `ᾱ`, through the change of variables above.
    fn epsilon(&self, x: &[f64], alpha_bar: f64) -> Vec<f64> {
        let (a, b) = (alpha_bar.sqrt(), (1.0 - alpha_bar).sqrt());
        let tau = a / (a + b);
        let x_tau: Vec<f64> = x.iter().map(|xi| xi / (a + b)).collect();
        let v = self.velocity(&x_tau, tau);
        x_tau.iter().zip(&v).map(|(xt, vi)| xt - tau * vi).collect()
    }
}

/// The demonstrations as a Gaussian mixture with spread `s` (per coordinate) and, optionally,
/// weights: `p_data = Σ wᵢ·N(μᵢ, s²I)`. Conditioning on an observation reweights the
/// components (see `chunks::ChunkSet::conditional`).
#[derive(Clone, Debug, PartialEq)]
pub struct Mixture {
    pub means: Vec<Vec<f64>>,
    pub spread: f64,
    /// `log wᵢ` up to a constant; empty means equal weights.
    pub log_weights: Vec<f64>,
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

pub fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

impl Mixture {
    /// Equal weights.
    pub fn new(means: Vec<Vec<f64>>, spread: f64) -> Mixture {
        Mixture {
            means,
            spread,
            log_weights: Vec::new(),
        }
    }

    pub fn dim(&self) -> usize {
        self.means.first().map_or(0, Vec::len)
    }

    /// The normalized weights `wᵢ`.
    pub fn weights(&self) -> Vec<f64> {
        let n = self.means.len();
        if self.log_weights.len() != n {
            return vec![1.0 / n.max(1) as f64; n];
        }
        softmax(self.log_weights.clone())
    }

    /// `log wᵢ + log N(x; c·μᵢ, var·I)` of every component, up to the shared constant.
    fn component_logs(&self, x: &[f64], c: f64, var: f64) -> Vec<f64> {
        let weighted = self.log_weights.len() == self.means.len();
        self.means
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let quad = x
                    .iter()
                    .zip(m)
                    .map(|(xi, mi)| (xi - c * mi).powi(2))
                    .sum::<f64>();
                let lw = if weighted { self.log_weights[i] } else { 0.0 };
                lw - 0.5 * quad / var
            })
            .collect()
    }

    /// Posterior weights of the components given `x ~ Σ wᵢ N(c·μᵢ, var·I)`, by log-sum-exp.
    fn responsibilities(&self, x: &[f64], c: f64, var: f64) -> Vec<f64> {
        softmax(self.component_logs(x, c, var))
    }

    /// `log p(x)` (up to a constant) of `x ~ Σ wᵢ N(c·μᵢ, var·I)`, for tests of the scores.
    pub fn log_density(&self, x: &[f64], c: f64, var: f64) -> f64 {
        let logs = self.component_logs(x, c, var);
        let top = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        top + logs.iter().map(|l| (l - top).exp()).sum::<f64>().ln()
    }

    /// The exact noise prediction `ε̂(x_t) = E[ε | x_t] = −√(1−ᾱ)·∇log p_t(x_t)` of the VP
    /// diffusion at `ᾱ`, where `p_t = Σ wᵢ N(√ᾱ·μᵢ, (ᾱs² + 1 − ᾱ)I)`.
    pub fn exact_epsilon(&self, x: &[f64], alpha_bar: f64) -> Vec<f64> {
        let c = alpha_bar.sqrt();
        let var = alpha_bar * self.spread * self.spread + 1.0 - alpha_bar;
        let r = self.responsibilities(x, c, var);
        let k = (1.0 - alpha_bar).sqrt() / var;
        // E[μ | x], skipping components with no say (most of them once x is near a mode).
        let mut mean = vec![0.0; x.len()];
        for (ri, m) in r.iter().zip(&self.means) {
            if *ri < 1e-12 {
                continue;
            }
            for (a, mj) in mean.iter_mut().zip(m) {
                *a += ri * mj;
            }
        }
        x.iter()
            .zip(&mean)
            .map(|(xj, mj)| k * (xj - c * mj))
            .collect()
    }

    /// The index of the nearest component mean and the distance to it.
    pub fn nearest(&self, x: &[f64]) -> (usize, f64) {
        self.means
            .iter()
            .enumerate()
            .map(|(i, m)| (i, dist2(x, m).sqrt()))
            .fold((0, f64::INFINITY), |a, b| if b.1 < a.1 { b } else { a })
    }

    /// What a mean-squared-error regression on the same data predicts: the weighted mean
    /// `Σ wᵢ μᵢ`, which for several modes lies between them.
    pub fn regression(&self) -> Vec<f64> {
        let w = self.weights();
        (0..self.dim())
            .map(|j| w.iter().zip(&self.means).map(|(wi, m)| wi * m[j]).sum())
            .collect()
    }
}

fn softmax(logs: Vec<f64>) -> Vec<f64> {
    let top = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = logs.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|x| x / total).collect()
}

impl Field for Mixture {
    fn dim(&self) -> usize {
        Mixture::dim(self)
    }

    /// The exact velocity for `x₀ ~ N(0, I)`, `x₁ ~ p_data`. Per component i, with
    /// `V = τ²s² + (1−τ)²`: `E[x₁ − x₀ | x, i] = μᵢ + (τs² − (1−τ))/V · (x − τμᵢ)`.
    fn velocity(&self, x: &[f64], tau: f64) -> Vec<f64> {
        let s2 = self.spread * self.spread;
        let var = tau * tau * s2 + (1.0 - tau).powi(2);
        let r = self.responsibilities(x, tau, var);
        let k = (tau * s2 - (1.0 - tau)) / var;
        let mut v = vec![0.0; x.len()];
        for (ri, m) in r.iter().zip(&self.means) {
            if *ri < 1e-12 {
                continue;
            }
            for j in 0..x.len() {
                v[j] += ri * (m[j] + k * (x[j] - tau * m[j]));
            }
        }
        v
    }

    fn epsilon(&self, x: &[f64], alpha_bar: f64) -> Vec<f64> {
        self.exact_epsilon(x, alpha_bar)
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OdeMethod {
    Euler,
    /// Heun's second-order method (2 evaluations per step).
    Heun,
}

/// A sampler and its step count.
#[derive(Clone, Debug, PartialEq)]
pub enum Sampler {
    /// DDPM ancestral sampling over every step of the schedule:
    /// `x_{t−1} = (x_t − β_t/√(1−ᾱ_t)·ε̂)/√α_t + σ_t·z`, `σ_t² = β_t(1−ᾱ_{t−1})/(1−ᾱ_t)`.
    Ddpm(Schedule),
    /// DDIM (η = 0) in K evenly spaced deterministic jumps:
    /// `x_{t'} = √ᾱ_{t'}·x̂₀ + √(1−ᾱ_{t'})·ε̂`, `x̂₀ = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t`.
    Ddim(Schedule, usize),
    /// Flow matching: `dx/dτ = v(x, τ)` from τ = 0 to 1 in K steps.
    Flow(usize, OdeMethod),
}

impl Sampler {
    /// Denoising steps from noise to data.
    pub fn steps(&self) -> usize {
        match self {
            Sampler::Ddpm(s) => s.steps(),
            Sampler::Ddim(s, k) => (*k).clamp(1, s.steps()),
            Sampler::Flow(k, _) => (*k).max(1),
        }
    }

    /// Network (field) evaluations of step `i`: two for Heun except on the last step, which
    /// ends at τ = 1 where the exact field is stiff (`−1/(1−τ)` off the data), so it is a plain
    /// Euler step there, as in Karras et al.'s EDM sampler.
    pub fn evaluations(&self, i: usize) -> usize {
        match self {
            Sampler::Flow(k, OdeMethod::Heun) if i + 1 < (*k).max(1) => 2,
            _ => 1,
        }
    }

    /// DDIM's time subsequence T = t₀ > t₁ > … > t_K = 0.
    fn ddim_times(schedule: &Schedule, k: usize) -> Vec<usize> {
        let t_max = schedule.steps();
        (0..=k)
            .map(|i| ((t_max as f64) * (1.0 - i as f64 / k as f64)).round() as usize)
            .collect()
    }

    /// Step `i` (0-based) of this sampler applied to `x`.
    fn step(&self, field: &dyn Field, i: usize, x: &mut [f64], rng: &mut impl Rng) {
        match self {
            Sampler::Ddpm(sched) => {
                let t = sched.steps() - i;
                let (ab, ab_prev) = (sched.alpha_bar[t], sched.alpha_bar[t - 1]);
                let alpha = ab / ab_prev;
                let beta = 1.0 - alpha;
                let eps = field.epsilon(x, ab);
                let sigma = if t > 1 {
                    (beta * (1.0 - ab_prev) / (1.0 - ab)).sqrt()
                } else {
                    0.0
                };
                for j in 0..x.len() {
                    x[j] = (x[j] - beta / (1.0 - ab).sqrt() * eps[j]) / alpha.sqrt()
                        + sigma * normal(rng);
                }
            }
            Sampler::Ddim(sched, _) => {
                let times = Sampler::ddim_times(sched, self.steps());
                let (ab, ab_next) = (sched.alpha_bar[times[i]], sched.alpha_bar[times[i + 1]]);
                let eps = field.epsilon(x, ab);
                for j in 0..x.len() {
                    let x0 = (x[j] - (1.0 - ab).sqrt() * eps[j]) / ab.sqrt();
                    x[j] = ab_next.sqrt() * x0 + (1.0 - ab_next).sqrt() * eps[j];
                }
            }
            Sampler::Flow(k, method) => {
                let h = 1.0 / (*k).max(1) as f64;
                let tau = i as f64 * h;
                let v = field.velocity(x, tau);
                match method {
                    _ if self.evaluations(i) == 1 => {
                        for j in 0..x.len() {
                            x[j] += h * v[j];
                        }
                    }
                    _ => {
                        let euler: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a + h * b).collect();
                        let v2 = field.velocity(&euler, tau + h);
                        for j in 0..x.len() {
                            x[j] += 0.5 * h * (v[j] + v2[j]);
                        }
                    }
                }
            }
        }
    }
}

/// A batch of samples being denoised one step at a time (the lesson advances it as its
/// animation plays), keeping every intermediate state.
#[derive(Clone, Debug)]
pub struct Run {
    pub sampler: Sampler,
    /// One trajectory per sample: noise first, one more state per completed step.
    pub paths: Vec<Trajectory>,
    rng: rand::rngs::StdRng,
}

impl Run {
    pub fn new(sampler: Sampler, noise: Vec<Vec<f64>>, seed: u64) -> Run {
        Run {
            sampler,
            paths: noise.into_iter().map(|n| vec![n]).collect(),
            rng: rand::rngs::StdRng::seed_from_u64(seed),
        }
    }

    /// `n` samples of dimension `d` from `N(0, I)`, drawn from `seed`.
    pub fn from_seed(sampler: Sampler, n: usize, d: usize, seed: u64) -> Run {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let noise = (0..n).map(|_| normal_vec(&mut rng, d)).collect();
        Run::new(sampler, noise, seed.wrapping_add(1))
    }

    /// Steps completed so far.
    pub fn done_steps(&self) -> usize {
        self.paths.first().map_or(0, |p| p.len() - 1)
    }

    pub fn finished(&self) -> bool {
        self.done_steps() >= self.sampler.steps()
    }

    /// Field evaluations per sample in the first `steps` steps.
    pub fn nfe_upto(&self, steps: usize) -> usize {
        (0..steps).map(|i| self.sampler.evaluations(i)).sum()
    }

    /// Field evaluations per sample so far (the NFE).
    pub fn nfe(&self) -> usize {
        self.nfe_upto(self.done_steps())
    }

    /// One denoising step of every sample; false once finished.
    pub fn step(&mut self, field: &dyn Field) -> bool {
        if self.finished() {
            return false;
        }
        let i = self.done_steps();
        for path in &mut self.paths {
            let mut x = path.last().cloned().unwrap_or_default();
            self.sampler.step(field, i, &mut x, &mut self.rng);
            path.push(x);
        }
        true
    }

    /// Runs to the end.
    pub fn finish(mut self, field: &dyn Field) -> Run {
        while self.step(field) {}
        self
    }

    /// The samples at step `i` (clamped to what is done).
    pub fn states(&self, i: usize) -> Vec<&[f64]> {
        self.paths
            .iter()
            .map(|p| p[i.min(p.len() - 1)].as_slice())
            .collect()
    }

    /// The final samples (or the latest states, if not finished).
    pub fn ends(&self) -> Vec<Vec<f64>> {
        self.paths
            .iter()
            .filter_map(|p| p.last().cloned())
            .collect()
    }
}

/// One sample's whole trajectory from `noise`.
pub fn sample(field: &dyn Field, sampler: &Sampler, noise: &[f64], seed: u64) -> Trajectory {
    let run = Run::new(sampler.clone(), vec![noise.to_vec()], seed).finish(field);
    run.paths.into_iter().next().unwrap_or_default()
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

/// The fraction of modes that some sample lands on: a sample hits the mode `labels[i]` of its
/// nearest component i when it is within `radius` of it. `labels.len()` must equal the number
/// of components; modes are numbered 0…n_modes−1.
pub fn mode_coverage(
    mix: &Mixture,
    labels: &[usize],
    n_modes: usize,
    samples: &[Vec<f64>],
    radius: f64,
) -> f64 {
    let mut hit = vec![false; n_modes];
    for s in samples {
        let (i, d) = mix.nearest(s);
        if d <= radius
            && let Some(&m) = labels.get(i)
            && m < n_modes
        {
            hit[m] = true;
        }
    }
    hit.iter().filter(|h| **h).count() as f64 / n_modes.max(1) as f64
}

#[cfg(test)]
mod tests;
