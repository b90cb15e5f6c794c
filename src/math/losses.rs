//! What a policy's loss means, on one action dimension: the Gaussian negative log-likelihood
//! and its relation to the squared error, action tokens learned by cross-entropy, forward and
//! reverse KL divergence against a single Gaussian, PPO's clipped objective, attention as
//! kernel weighting, and the reparameterization and score-function gradient estimators.
//!
//! Densities are 1-D and tabulated on a uniform grid where an integral is needed, so every
//! number can be drawn.

use std::f64::consts::{PI, TAU};

/// `−log N(x; μ, σ²) = (x − μ)²/(2σ²) + log σ + ½ log 2π`.
pub fn gaussian_nll(x: f64, mu: f64, sigma: f64) -> f64 {
    (x - mu).powi(2) / (2.0 * sigma * sigma) + sigma.ln() + 0.5 * TAU.ln()
}

pub fn gaussian_pdf(x: f64, mu: f64, sigma: f64) -> f64 {
    (-(x - mu).powi(2) / (2.0 * sigma * sigma)).exp() / (sigma * TAU.sqrt())
}

/// The mean NLL of samples under one Gaussian.
pub fn mean_nll(xs: &[f64], mu: f64, sigma: f64) -> f64 {
    xs.iter().map(|&x| gaussian_nll(x, mu, sigma)).sum::<f64>() / xs.len().max(1) as f64
}

/// The maximum-likelihood Gaussian of samples: their mean and (population) standard deviation.
pub fn fit_gaussian(xs: &[f64]) -> (f64, f64) {
    let n = xs.len().max(1) as f64;
    let mu = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / n;
    (mu, var.sqrt())
}

/// Actions in `[lo, hi]` cut into `n` equal bins, as RT-1 and OpenVLA tokenize each dimension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bins {
    pub lo: f64,
    pub hi: f64,
    pub n: usize,
}

impl Bins {
    pub fn width(&self) -> f64 {
        (self.hi - self.lo) / self.n.max(1) as f64
    }

    /// The token of an action (values outside the range go to the end bins).
    pub fn token(&self, x: f64) -> usize {
        let i = ((x - self.lo) / self.width()).floor();
        if i.is_nan() {
            return 0;
        }
        (i.max(0.0) as usize).min(self.n.saturating_sub(1))
    }

    /// The action a token stands for: its bin's centre.
    pub fn center(&self, k: usize) -> f64 {
        self.lo + (k as f64 + 0.5) * self.width()
    }
}

/// The categorical over tokens that minimises the cross-entropy `−(1/N) Σ log p(token(xᵢ))`:
/// the tokens' frequencies (with `alpha` added to every count, a smoothing that keeps every
/// log finite).
pub fn fit_categorical(xs: &[f64], bins: &Bins, alpha: f64) -> Vec<f64> {
    let mut counts = vec![alpha; bins.n];
    for &x in xs {
        counts[bins.token(x)] += 1.0;
    }
    let total: f64 = counts.iter().sum();
    counts.iter().map(|c| c / total).collect()
}

/// The mean cross-entropy of samples under a categorical.
pub fn cross_entropy(xs: &[f64], bins: &Bins, p: &[f64]) -> f64 {
    xs.iter()
        .map(|&x| -p.get(bins.token(x)).copied().unwrap_or(0.0).ln())
        .sum::<f64>()
        / xs.len().max(1) as f64
}

/// The local maxima of a categorical that hold at least `min_mass` of the probability within
/// `radius` bins: the modes it has learned.
pub fn peaks(p: &[f64], radius: usize, min_mass: f64) -> Vec<usize> {
    (0..p.len())
        .filter(|&k| {
            let lo = k.saturating_sub(radius);
            let hi = (k + radius + 1).min(p.len());
            let top = p[lo..hi].iter().cloned().fold(0.0, f64::max);
            p[k] == top && p[k] > 0.0 && p[lo..hi].iter().sum::<f64>() >= min_mass
        })
        // A plateau counts once.
        .fold(Vec::new(), |mut acc: Vec<usize>, k| {
            if acc.last().is_none_or(|&j| k > j + radius) {
                acc.push(k);
            }
            acc
        })
}

/// A density tabulated on a uniform grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub x: Vec<f64>,
    pub dx: f64,
}

impl Grid {
    pub fn new(lo: f64, hi: f64, n: usize) -> Grid {
        let n = n.max(2);
        let dx = (hi - lo) / (n - 1) as f64;
        Grid {
            x: (0..n).map(|i| lo + i as f64 * dx).collect(),
            dx,
        }
    }

    pub fn tabulate(&self, f: impl Fn(f64) -> f64) -> Vec<f64> {
        self.x.iter().map(|&x| f(x)).collect()
    }
}

/// A mixture of two Gaussians with weights `w` and `1 − w`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TwoModes {
    pub w: f64,
    pub a: (f64, f64),
    pub b: (f64, f64),
}

impl TwoModes {
    pub fn pdf(&self, x: f64) -> f64 {
        self.w * gaussian_pdf(x, self.a.0, self.a.1)
            + (1.0 - self.w) * gaussian_pdf(x, self.b.0, self.b.1)
    }

    /// The mixture's mean and standard deviation.
    pub fn moments(&self) -> (f64, f64) {
        let m = self.w * self.a.0 + (1.0 - self.w) * self.b.0;
        let second = self.w * (self.a.1.powi(2) + self.a.0.powi(2))
            + (1.0 - self.w) * (self.b.1.powi(2) + self.b.0.powi(2));
        (m, (second - m * m).sqrt())
    }
}

/// `KL(p‖q) = ∫ p log(p/q)` on a grid (cells where p is zero contribute nothing).
pub fn kl(grid: &Grid, p: &[f64], q: &[f64]) -> f64 {
    p.iter()
        .zip(q)
        .filter(|(pi, _)| **pi > 0.0)
        .map(|(pi, qi)| pi * (pi / qi.max(1e-300)).ln())
        .sum::<f64>()
        * grid.dx
}

/// A search for the single Gaussian `(μ, σ)` minimising `KL(p‖q)` (forward, "mass-covering")
/// or `KL(q‖p)` (reverse, "mode-seeking"), one move at a time so it can be watched: a
/// coordinate search with a shrinking step (5 % of the grid's width at first), μ kept on the
/// grid and σ between two cells and its width. Derivative-free and robust on a grid.
#[derive(Clone, Debug, PartialEq)]
pub struct KlFit {
    pub mu: f64,
    pub sigma: f64,
    pub reverse: bool,
    /// The divergence at `(mu, sigma)`.
    pub cost: f64,
    step: f64,
}

impl KlFit {
    pub fn new(grid: &Grid, p: &[f64], reverse: bool, start: (f64, f64)) -> KlFit {
        let mut fit = KlFit {
            mu: start.0,
            sigma: start.1,
            reverse,
            cost: 0.0,
            step: 0.05,
        };
        (fit.mu, fit.sigma) = fit.clamp(grid, start.0, start.1);
        fit.cost = fit.divergence(grid, p, fit.mu, fit.sigma);
        fit
    }

    fn clamp(&self, grid: &Grid, mu: f64, s: f64) -> (f64, f64) {
        let (lo, hi) = (grid.x[0], grid.x[grid.x.len() - 1]);
        (mu.clamp(lo, hi), s.clamp(2.0 * grid.dx, hi - lo))
    }

    /// The divergence of the Gaussian `(mu, s)`, normalised on the grid (so a Gaussian half
    /// off the grid is not a cheap answer).
    pub fn divergence(&self, grid: &Grid, p: &[f64], mu: f64, s: f64) -> f64 {
        let mut q = grid.tabulate(|x| gaussian_pdf(x, mu, s));
        let mass = q.iter().sum::<f64>() * grid.dx;
        q.iter_mut().for_each(|v| *v /= mass.max(1e-300));
        if self.reverse {
            kl(grid, &q, p)
        } else {
            kl(grid, p, &q)
        }
    }

    pub fn converged(&self) -> bool {
        self.step <= 1e-6
    }

    /// One move (or, where no move helps, a halving of the step).
    pub fn iterate(&mut self, grid: &Grid, p: &[f64]) {
        if self.converged() {
            return;
        }
        let width = grid.x[grid.x.len() - 1] - grid.x[0];
        let step = self.step;
        for (dm, ds) in [(step, 0.0), (-step, 0.0), (0.0, step), (0.0, -step)] {
            let (m2, s2) = self.clamp(grid, self.mu + dm * width, self.sigma * (1.0 + ds));
            let c = self.divergence(grid, p, m2, s2);
            if c < self.cost {
                (self.mu, self.sigma, self.cost) = (m2, s2, c);
                return;
            }
        }
        self.step *= 0.5;
    }
}

/// The converged [`KlFit`] from `start`.
pub fn fit_kl(grid: &Grid, p: &[f64], reverse: bool, start: (f64, f64)) -> (f64, f64) {
    let mut fit = KlFit::new(grid, p, reverse, start);
    while !fit.converged() {
        fit.iterate(grid, p);
    }
    (fit.mu, fit.sigma)
}

/// The maximiser of `E_q[r] − β·KL(q‖base)` over all densities: `q ∝ base · exp(r/β)`, the
/// base policy tilted towards the reward (tabulated on the grid, normalised). Large β keeps
/// q at the base; small β lets the reward take over.
pub fn tilt(grid: &Grid, base: &[f64], reward: &[f64], beta: f64) -> Vec<f64> {
    let beta = beta.max(1e-9);
    let logs: Vec<f64> = base
        .iter()
        .zip(reward)
        .map(|(b, r)| {
            if *b > 0.0 {
                b.ln() + r / beta
            } else {
                f64::NEG_INFINITY
            }
        })
        .collect();
    let top = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let mut q: Vec<f64> = logs.iter().map(|l| (l - top).exp()).collect();
    let mass = q.iter().sum::<f64>() * grid.dx;
    q.iter_mut().for_each(|v| *v /= mass.max(1e-300));
    q
}

/// `E_q[f] = ∫ q f` on a grid.
pub fn expectation(grid: &Grid, q: &[f64], f: &[f64]) -> f64 {
    q.iter().zip(f).map(|(a, b)| a * b).sum::<f64>() * grid.dx
}

/// One Gaussian of a mixture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Component {
    pub w: f64,
    pub mu: f64,
    pub sigma: f64,
}

pub fn mixture_pdf(x: f64, comps: &[Component]) -> f64 {
    comps
        .iter()
        .map(|c| c.w * gaussian_pdf(x, c.mu, c.sigma))
        .sum()
}

/// The mean NLL of samples under a mixture (a mixture density network's loss).
pub fn mixture_nll(xs: &[f64], comps: &[Component]) -> f64 {
    xs.iter()
        .map(|&x| -mixture_pdf(x, comps).max(1e-300).ln())
        .sum::<f64>()
        / xs.len().max(1) as f64
}

/// A `k`-component Gaussian mixture fitted to samples by expectation–maximisation (`iters`
/// rounds), started from the samples' quantiles; σ is kept above `min_sigma` so a component
/// cannot collapse onto one sample.
pub fn fit_mixture(xs: &[f64], k: usize, iters: usize, min_sigma: f64) -> Vec<Component> {
    let k = k.max(1);
    if xs.is_empty() {
        return Vec::new();
    }
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (_, spread) = fit_gaussian(xs);
    let mut comps: Vec<Component> = (0..k)
        .map(|i| Component {
            w: 1.0 / k as f64,
            mu: sorted[((i as f64 + 0.5) / k as f64 * sorted.len() as f64) as usize],
            sigma: (spread / k as f64).max(min_sigma),
        })
        .collect();
    let mut resp = vec![vec![0.0; k]; xs.len()];
    for _ in 0..iters {
        // E: each sample's responsibilities.
        for (x, r) in xs.iter().zip(&mut resp) {
            for (j, c) in comps.iter().enumerate() {
                r[j] = c.w * gaussian_pdf(*x, c.mu, c.sigma);
            }
            let t: f64 = r.iter().sum();
            r.iter_mut()
                .for_each(|v| *v = if t > 0.0 { *v / t } else { 1.0 / k as f64 });
        }
        // M: weighted moments.
        for (j, c) in comps.iter_mut().enumerate() {
            let n: f64 = resp.iter().map(|r| r[j]).sum();
            if n <= 1e-12 {
                continue;
            }
            let mu = xs.iter().zip(&resp).map(|(x, r)| r[j] * x).sum::<f64>() / n;
            let var = xs
                .iter()
                .zip(&resp)
                .map(|(x, r)| r[j] * (x - mu).powi(2))
                .sum::<f64>()
                / n;
            *c = Component {
                w: n / xs.len() as f64,
                mu,
                sigma: var.sqrt().max(min_sigma),
            };
        }
    }
    comps
}

/// The index of the largest probability (the first of ties).
pub fn argmax(p: &[f64]) -> usize {
    (0..p.len()).fold(0, |best, i| if p[i] > p[best] { i } else { best })
}

/// A draw from a categorical by the inverse of its cumulative sum, `u` uniform in [0, 1).
pub fn sample_categorical(p: &[f64], u: f64) -> usize {
    let total: f64 = p.iter().sum();
    let mut acc = 0.0;
    for (i, v) in p.iter().enumerate() {
        acc += v / total;
        if u < acc {
            return i;
        }
    }
    p.len().saturating_sub(1)
}

/// A draw from a mixture: the component by `u` uniform in [0, 1), then `μ + σ·ε`.
pub fn sample_mixture(comps: &[Component], u: f64, eps: f64) -> f64 {
    let w: Vec<f64> = comps.iter().map(|c| c.w).collect();
    comps
        .get(sample_categorical(&w, u))
        .map_or(0.0, |c| c.mu + c.sigma * eps)
}

/// PPO's clipped surrogate for one sample, `min(r·A, clip(r, 1−ε, 1+ε)·A)`, and its derivative
/// in `r` (zero where the clip is the smaller term).
pub fn ppo_clip(r: f64, a: f64, eps: f64) -> (f64, f64) {
    let clipped = r.clamp(1.0 - eps, 1.0 + eps);
    let (free, cut) = (r * a, clipped * a);
    if free <= cut { (free, a) } else { (cut, 0.0) }
}

/// A policy over one action dimension, as each loss leaves it.
#[derive(Clone, Debug, PartialEq)]
pub enum Lateral {
    /// One Gaussian fitted by NLL (or MSE): it acts at its mean.
    Mean(f64),
    /// Tokens learned by cross-entropy: the most likely bin, or a draw, acting at the bin's
    /// centre.
    Tokens {
        bins: Bins,
        p: Vec<f64>,
        sample: bool,
    },
    /// A mixture density: a draw.
    Mixture(Vec<Component>),
}

impl Lateral {
    /// The action, from a uniform `u` in [0, 1) and a standard normal `eps` where a draw needs
    /// them.
    pub fn act(&self, u: f64, eps: f64) -> f64 {
        match self {
            Lateral::Mean(m) => *m,
            Lateral::Tokens { bins, p, sample } => {
                let k = if *sample {
                    sample_categorical(p, u)
                } else {
                    argmax(p)
                };
                bins.center(k)
            }
            Lateral::Mixture(c) => sample_mixture(c, u, eps),
        }
    }
}

/// The toy policy-gradient problem: a Gaussian policy `N(μ, σ²)` over the lateral action with
/// σ fixed, a reward `r(x) = −((x − target)/width)²`, and PPO's updates on batches of the old
/// policy's samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PpoConfig {
    /// The clip's ε, or `None` for the plain importance-weighted surrogate `r·A`.
    pub eps: Option<f64>,
    pub sigma: f64,
    pub lr: f64,
    /// Gradient steps on each batch.
    pub epochs: usize,
    pub batch: usize,
    pub target: f64,
    pub width: f64,
}

impl PpoConfig {
    /// The lesson's toy: σ = 5 cm, the reward's peak at the far mode (+15 cm), 10 steps of
    /// 10⁻⁴ on each batch of 64.
    pub fn lesson(eps: Option<f64>) -> PpoConfig {
        PpoConfig {
            eps,
            sigma: 0.05,
            lr: 1e-4,
            epochs: 10,
            batch: 64,
            target: 0.15,
            width: 0.05,
        }
    }

    pub fn reward(&self, x: f64) -> f64 {
        -((x - self.target) / self.width).powi(2)
    }
}

/// One iteration of a PPO run: the policy's mean after it, the extreme ratios
/// `π_new(x)/π_old(x)` over its batch, and the batch's mean reward.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PpoIter {
    pub mu: f64,
    pub ratio_lo: f64,
    pub ratio_hi: f64,
    pub reward: f64,
}

/// `iters` PPO iterations from `mu0`: sample a batch from the current policy, advantages as
/// rewards less their mean (the simplest baseline), then `epochs` steps of gradient
/// ascent on the mean surrogate. `dr/dμ = r·(x − μ)/σ²`.
pub fn ppo_run(cfg: &PpoConfig, mu0: f64, iters: usize, seed: u64) -> Vec<PpoIter> {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let s2 = cfg.sigma * cfg.sigma;
    let mut mu = mu0;
    let mut out = Vec::with_capacity(iters);
    for _ in 0..iters {
        let old = mu;
        let xs: Vec<f64> = (0..cfg.batch)
            .map(|_| old + cfg.sigma * crate::math::backprop::gaussian(&mut rng))
            .collect();
        let rewards: Vec<f64> = xs.iter().map(|&x| cfg.reward(x)).collect();
        let m = rewards.iter().sum::<f64>() / rewards.len().max(1) as f64;
        let adv: Vec<f64> = rewards.iter().map(|r| r - m).collect();
        let ratio = |mu: f64, x: f64| (((x - old).powi(2) - (x - mu).powi(2)) / (2.0 * s2)).exp();
        for _ in 0..cfg.epochs {
            let g = xs
                .iter()
                .zip(&adv)
                .map(|(&x, &a)| {
                    let r = ratio(mu, x);
                    let dl_dr = match cfg.eps {
                        Some(eps) => ppo_clip(r, a, eps).1,
                        None => a,
                    };
                    dl_dr * r * (x - mu) / s2
                })
                .sum::<f64>()
                / cfg.batch.max(1) as f64;
            mu += cfg.lr * g;
            if !mu.is_finite() {
                break;
            }
        }
        let rs: Vec<f64> = xs.iter().map(|&x| ratio(mu, x)).collect();
        out.push(PpoIter {
            mu,
            ratio_lo: rs.iter().cloned().fold(f64::INFINITY, f64::min),
            ratio_hi: rs.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
            reward: m,
        });
        if !mu.is_finite() {
            break;
        }
    }
    out
}

/// One draw of the two estimators of `∂/∂μ` and `∂/∂σ` of `E_{z~N(μ,σ²)}[f(z)]` from the same
/// standard normal `ε`: reparameterization `f′(μ + σε)·(1, ε)` and the score function
/// `f(z)·((z − μ)/σ², ((z − μ)² − σ²)/σ³)`.
pub fn gradient_estimates(
    f: impl Fn(f64) -> f64,
    df: impl Fn(f64) -> f64,
    mu: f64,
    sigma: f64,
    eps: f64,
) -> ([f64; 2], [f64; 2]) {
    let z = mu + sigma * eps;
    let reparam = [df(z), df(z) * eps];
    let score = [
        f(z) * (z - mu) / (sigma * sigma),
        f(z) * ((z - mu).powi(2) - sigma * sigma) / sigma.powi(3),
    ];
    (reparam, score)
}

/// Mean and variance of a set of numbers.
pub fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len().max(1) as f64;
    let m = xs.iter().sum::<f64>() / n;
    (m, xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n)
}

/// `½ log 2π`, the constant between the Gaussian NLL and the scaled squared error.
pub fn half_log_tau() -> f64 {
    0.5 * (2.0 * PI).ln()
}

/// Attention weights `softmax(q·kᵢ/s² + bᵢ)` of a query over keys. With the per-key bias
/// `bᵢ = −‖kᵢ‖²/(2s²)` they equal the Gaussian kernel weights `exp(−‖q − kᵢ‖²/(2s²))`
/// normalised, because `−‖q − k‖²/(2s²) = q·k/s² − ‖k‖²/(2s²) − ‖q‖²/(2s²)` and the last term
/// is the same for every key; without it (plain dot-product attention) the two agree only when
/// every key has the same length.
pub fn attention_weights(q: &[f64], keys: &[Vec<f64>], s: f64, key_bias: bool) -> Vec<f64> {
    let s2 = s * s;
    let logits: Vec<f64> = keys
        .iter()
        .map(|k| {
            let dot: f64 = q.iter().zip(k).map(|(a, b)| a * b).sum();
            let bias = if key_bias {
                -k.iter().map(|v| v * v).sum::<f64>() / (2.0 * s2)
            } else {
                0.0
            };
            dot / s2 + bias
        })
        .collect();
    let top = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = logits.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = e.iter().sum();
    e.iter().map(|v| v / total).collect()
}

#[cfg(test)]
mod tests;
