//! Behaviour cloning: fit a policy network `π_θ(o) ≈ a` to demonstration pairs by minimising the
//! mean squared error over minibatches, with the gradient from backpropagation and an optional
//! clip on its norm. Inputs and targets are standardised per dimension (the network sees
//! numbers near 1 whatever their units) and the prediction is mapped back.
//!
//! Training runs in slices (`train(steps)`), so an app can spread it over frames.

use super::backprop::clip_by_norm;
use super::mlp::{Adam, Mlp, Tape};
use rand::{Rng, SeedableRng, rngs::StdRng};

/// Demonstrations: observation and action vectors of fixed widths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Demos {
    pub obs: Vec<Vec<f64>>,
    pub act: Vec<Vec<f64>>,
}

impl Demos {
    pub fn push(&mut self, o: Vec<f64>, a: Vec<f64>) {
        self.obs.push(o);
        self.act.push(a);
    }

    pub fn len(&self) -> usize {
        self.obs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.obs.is_empty()
    }
}

/// Per-dimension mean and standard deviation.
#[derive(Clone, Debug, PartialEq)]
pub struct Scaler {
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
}

impl Scaler {
    pub fn fit(rows: &[Vec<f64>]) -> Scaler {
        let d = rows.first().map_or(0, Vec::len);
        let n = rows.len().max(1) as f64;
        let mean: Vec<f64> = (0..d)
            .map(|j| rows.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let std = (0..d)
            .map(|j| {
                let v = rows.iter().map(|r| (r[j] - mean[j]).powi(2)).sum::<f64>() / n;
                // A constant column stays as it is rather than dividing by zero.
                if v > 1e-18 { v.sqrt() } else { 1.0 }
            })
            .collect();
        Scaler { mean, std }
    }

    pub fn apply(&self, x: &[f64]) -> Vec<f64> {
        x.iter()
            .zip(self.mean.iter().zip(&self.std))
            .map(|(v, (m, s))| (v - m) / s)
            .collect()
    }

    pub fn invert(&self, x: &[f64]) -> Vec<f64> {
        x.iter()
            .zip(self.mean.iter().zip(&self.std))
            .map(|(v, (m, s))| v * s + m)
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    Adam,
    /// Plain gradient descent, `θ ← θ − η·g`: the step is as large as the gradient, so a
    /// spike in the gradient is a spike in the weights (Adam divides most of it away).
    Sgd,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BcConfig {
    pub optimizer: Optimizer,
    pub hidden: Vec<usize>,
    pub batch: usize,
    pub lr: f64,
    /// Clip the minibatch gradient to this norm (`None`: no clipping).
    pub clip: Option<f64>,
    pub seed: u64,
}

impl Default for BcConfig {
    fn default() -> Self {
        BcConfig {
            optimizer: Optimizer::Adam,
            hidden: vec![64, 64],
            batch: 64,
            lr: 1e-3,
            clip: Some(1.0),
            seed: 0,
        }
    }
}

/// A policy network being fitted to demonstrations.
#[derive(Clone, Debug)]
pub struct BcTrainer {
    pub net: Mlp,
    pub obs_scale: Scaler,
    pub act_scale: Scaler,
    pub cfg: BcConfig,
    adam: Adam,
    rng: StdRng,
    /// The minibatch loss (standardised units) of every step so far.
    pub losses: Vec<f64>,
    /// The gradient norm of every step, before clipping.
    pub grad_norms: Vec<f64>,
}

impl BcTrainer {
    /// `None` without demonstrations or with rows of uneven width.
    pub fn new(demos: &Demos, cfg: BcConfig) -> Option<BcTrainer> {
        let d_in = demos.obs.first()?.len();
        let d_out = demos.act.first()?.len();
        let even = demos.obs.iter().all(|o| o.len() == d_in)
            && demos.act.iter().all(|a| a.len() == d_out)
            && demos.obs.len() == demos.act.len();
        if !even || d_in == 0 || d_out == 0 {
            return None;
        }
        let mut rng = StdRng::seed_from_u64(cfg.seed);
        let mut sizes = vec![d_in];
        sizes.extend(&cfg.hidden);
        sizes.push(d_out);
        let net = Mlp::new(&sizes, &mut rng);
        let adam = Adam::new(net.params.len());
        Some(BcTrainer {
            obs_scale: Scaler::fit(&demos.obs),
            act_scale: Scaler::fit(&demos.act),
            net,
            cfg,
            adam,
            rng,
            losses: Vec::new(),
            grad_norms: Vec::new(),
        })
    }

    /// The policy's action for an observation, in the demonstrations' units.
    pub fn act(&self, obs: &[f64]) -> Vec<f64> {
        self.act_scale
            .invert(&self.net.forward(&self.obs_scale.apply(obs)))
    }

    /// Mean squared error (demonstration units) over a data set.
    pub fn mse(&self, demos: &Demos) -> f64 {
        let n = demos.len().max(1) as f64;
        demos
            .obs
            .iter()
            .zip(&demos.act)
            .map(|(o, a)| {
                self.act(o)
                    .iter()
                    .zip(a)
                    .map(|(p, t)| (p - t).powi(2))
                    .sum::<f64>()
            })
            .sum::<f64>()
            / n
    }

    /// Adds the gradient of `L = 1/(2B) Σ‖π(o) − a‖²` (standardised units) over the pairs
    /// `rows` of `demos` (B of them) to `grad`, and returns L.
    pub fn batch_gradient(
        &self,
        demos: &Demos,
        rows: &[usize],
        tape: &mut Tape,
        grad: &mut [f64],
    ) -> f64 {
        let b = rows.len().max(1) as f64;
        let mut loss = 0.0;
        for &i in rows {
            let x = self.obs_scale.apply(&demos.obs[i]);
            let y = self.act_scale.apply(&demos.act[i]);
            let out = self.net.forward_tape(&x, tape);
            let d: Vec<f64> = out.iter().zip(&y).map(|(o, t)| (o - t) / b).collect();
            loss += out
                .iter()
                .zip(&y)
                .map(|(o, t)| (o - t).powi(2))
                .sum::<f64>()
                / (2.0 * b);
            self.net.backward(tape, &d, grad);
        }
        loss
    }

    /// `steps` minibatch steps of `L = 1/(2B) Σ‖π(o) − a‖²` (standardised units).
    pub fn train(&mut self, demos: &Demos, steps: usize) {
        if demos.is_empty() {
            return;
        }
        let mut tape = Tape::default();
        let mut grad = vec![0.0; self.net.params.len()];
        let b = self.cfg.batch.max(1);
        for _ in 0..steps {
            grad.iter_mut().for_each(|g| *g = 0.0);
            let rows: Vec<usize> = (0..b)
                .map(|_| self.rng.random_range(0..demos.len()))
                .collect();
            let loss = self.batch_gradient(demos, &rows, &mut tape, &mut grad);
            let norm = match self.cfg.clip {
                Some(c) => clip_by_norm(&mut grad, c),
                None => grad.iter().map(|g| g * g).sum::<f64>().sqrt(),
            };
            match self.cfg.optimizer {
                Optimizer::Adam => self.adam.update(&mut self.net.params, &grad, self.cfg.lr),
                Optimizer::Sgd => {
                    let lr = self.cfg.lr;
                    self.net
                        .params
                        .iter_mut()
                        .zip(&grad)
                        .for_each(|(p, g)| *p -= lr * g);
                }
            }
            self.losses.push(loss);
            self.grad_norms.push(norm);
        }
    }
}

/// A training run interrupted by one wild demonstration: `before` steps on the data, one step
/// on the outlier alone, then `after` steps on the data again.
#[derive(Clone, Debug, PartialEq)]
pub struct ClipRun {
    /// The minibatch loss of every step (standardised units); the outlier's step is
    /// `losses[before]`.
    pub losses: Vec<f64>,
    /// The gradient norm of every step, before clipping.
    pub grad_norms: Vec<f64>,
    /// How far the outlier's step moved the weights, `‖Δθ‖`.
    pub jump: f64,
    /// The mean squared error on the data at the end (demonstration units).
    pub final_mse: f64,
}

impl ClipRun {
    /// The first step whose loss is not a finite number.
    pub fn first_nan(&self) -> Option<usize> {
        self.losses.iter().position(|l| !l.is_finite())
    }
}

/// Trains a fresh network by plain gradient descent (`cfg` with SGD), with the gradient clipped
/// to `clip` or not, and one step on `outlier` after `before` steps.
pub fn clip_experiment(
    demos: &Demos,
    outlier: &Demos,
    cfg: &BcConfig,
    clip: Option<f64>,
    before: usize,
    after: usize,
) -> Option<ClipRun> {
    let cfg = BcConfig {
        optimizer: Optimizer::Sgd,
        clip,
        ..cfg.clone()
    };
    let mut t = BcTrainer::new(demos, cfg)?;
    t.train(demos, before);
    let start = t.net.params.clone();
    t.train(outlier, 1);
    let jump = t
        .net
        .params
        .iter()
        .zip(&start)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        .sqrt();
    t.train(demos, after);
    Some(ClipRun {
        final_mse: t.mse(demos),
        losses: t.losses,
        grad_norms: t.grad_norms,
        jump,
    })
}

/// One demonstration logged in the wrong unit: the first action ×1000 (millimetres read as
/// metres), for the same observation.
pub fn unit_mixup(demos: &Demos) -> Demos {
    let mut bad = Demos::default();
    if let (Some(o), Some(a)) = (demos.obs.first(), demos.act.first()) {
        bad.push(o.clone(), a.iter().map(|v| v * 1000.0).collect());
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reaching expert: move towards the goal at most 2 cm a period.
    fn expert(o: &[f64]) -> Vec<f64> {
        let d = [o[3] - o[0], o[4] - o[1], o[5] - o[2]];
        let n = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        let s = if n > 0.02 { 0.02 / n } else { 1.0 };
        d.iter().map(|v| v * s).collect()
    }

    fn demos(n: usize, seed: u64) -> Demos {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut d = Demos::default();
        for _ in 0..n {
            let o: Vec<f64> = (0..6).map(|_| rng.random_range(-0.3..0.3)).collect();
            let a = expert(&o);
            d.push(o, a);
        }
        d
    }

    #[test]
    fn cloning_learns_the_expert_on_held_out_observations() {
        let train = demos(2000, 1);
        let test = demos(300, 2);
        let mut t = BcTrainer::new(&train, BcConfig::default()).expect("demos");
        let before = t.mse(&test);
        t.train(&train, 1500);
        let after = t.mse(&test);
        // Against always answering the mean action: a fraction of the actions' variance.
        let var = Scaler::fit(&test.act)
            .std
            .iter()
            .map(|s| s * s)
            .sum::<f64>();
        assert!(after < 0.05 * var, "held-out MSE {after} vs variance {var}");
        assert!(after < 0.1 * before, "{before} → {after}");
        let early: f64 = t.losses[..50].iter().sum();
        let late: f64 = t.losses[t.losses.len() - 50..].iter().sum();
        assert!(late < 0.2 * early);
    }

    /// Plain gradient descent on a batch with one wild demonstration: without a clip the
    /// weights jump by far more than `η·c` and the loss blows up; with it every step is at
    /// most `η·c` long.
    #[test]
    fn clipping_bounds_every_step_and_without_it_an_outlier_blows_up() {
        let train = demos(400, 3);
        let cfg = BcConfig {
            lr: 0.5,
            batch: 32,
            ..BcConfig::default()
        };
        // The outlier arrives in standardised units a thousand times too large.
        let t = BcTrainer::new(&train, cfg.clone()).expect("demos");
        let mut bad = Demos::default();
        bad.push(vec![0.0; 6], t.act_scale.invert(&[1000.0, 0.0, 0.0]));
        let free = clip_experiment(&train, &bad, &cfg, None, 20, 20).expect("demos");
        let clipped = clip_experiment(&train, &bad, &cfg, Some(1.0), 20, 20).expect("demos");
        let norms = &free.grad_norms;
        assert!(norms[20] > 100.0, "the outlier's gradient: {}", norms[20]);
        assert!(clipped.jump <= 0.5 * 1.0 + 1e-12, "{}", clipped.jump);
        assert!(
            free.jump > 50.0 * clipped.jump,
            "{} vs {}",
            free.jump,
            clipped.jump
        );
        assert!(
            !free.final_mse.is_finite() || free.final_mse > 100.0 * clipped.final_mse,
            "{} vs {}",
            free.final_mse,
            clipped.final_mse
        );
        assert_eq!(clipped.first_nan(), None);
    }

    /// The lesson's outlier: a demonstration in millimetres among metres.
    #[test]
    fn a_unit_mixup_is_a_gradient_spike_that_the_clip_bounds() {
        let train = demos(400, 3);
        let bad = unit_mixup(&train);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad.act[0][0], train.act[0][0] * 1000.0);
        let cfg = BcConfig {
            hidden: vec![16, 16],
            lr: 0.2,
            batch: 32,
            ..BcConfig::default()
        };
        let free = clip_experiment(&train, &bad, &cfg, None, 30, 30).expect("demos");
        let clipped = clip_experiment(&train, &bad, &cfg, Some(1.0), 30, 30).expect("demos");
        let typical = free.grad_norms[..30].iter().cloned().fold(0.0, f64::max);
        assert!(
            free.grad_norms[30] > 100.0 * typical,
            "{} vs {typical}",
            free.grad_norms[30]
        );
        assert!(clipped.jump <= 0.2 + 1e-12);
        assert!(
            free.jump > 20.0 * clipped.jump,
            "{} vs {}",
            free.jump,
            clipped.jump
        );
        assert!(clipped.final_mse.is_finite());
        assert!(
            !free.final_mse.is_finite() || free.final_mse > 10.0 * clipped.final_mse,
            "{} vs {}",
            free.final_mse,
            clipped.final_mse
        );
        assert!(unit_mixup(&Demos::default()).is_empty());
    }

    #[test]
    fn uneven_or_missing_demonstrations_are_refused() {
        assert!(BcTrainer::new(&Demos::default(), BcConfig::default()).is_none());
        let mut d = demos(3, 4);
        d.obs[1].pop();
        assert!(BcTrainer::new(&d, BcConfig::default()).is_none());
    }

    #[test]
    fn scaler_round_trips() {
        let d = demos(50, 5);
        let s = Scaler::fit(&d.obs);
        let x = &d.obs[7];
        let back = s.invert(&s.apply(x));
        assert!(x.iter().zip(&back).all(|(a, b)| (a - b).abs() < 1e-12));
    }
}
