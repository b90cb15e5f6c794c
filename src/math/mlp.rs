//! A small multilayer perceptron with hand-written backpropagation and Adam, and the two
//! models the generative lesson trains on the demonstrations:
//!
//! * a **velocity network** `v_θ(x_τ, τ, o)` trained by conditional flow matching: draw a
//!   window (o, chunk), `x₁ = chunk + s·z`, noise `x₀ ~ N(0, I)`, `τ ~ U(0, 1)`,
//!   `x_τ = (1−τ)x₀ + τx₁`, and minimize `|v_θ(x_τ, τ, o) − (x₁ − x₀)|²`. Through
//!   [`Field::epsilon`] the same network drives DDPM and DDIM.
//! * a **regression network** `f_θ(o)` trained by plain mean squared error on the chunk: the
//!   baseline whose optimum is the conditional mean, between the modes.
//!
//! Layers are dense, `y = W·x + b`, with SiLU `x·σ(x)` between them and a linear output.
//! The parameters live in one flat vector (per layer W row-major, then b), so Adam and the
//! finite-difference test see a single array.

use super::chunks::{ChunkSet, Point};
use super::generative::{Field, normal, normal_vec};
use rand::{Rng, SeedableRng};

#[derive(Clone, Debug, PartialEq)]
pub struct Mlp {
    /// Widths: input, hidden…, output.
    pub sizes: Vec<usize>,
    pub params: Vec<f64>,
}

fn silu(z: f64) -> f64 {
    z / (1.0 + (-z).exp())
}

/// d/dz of z·σ(z) = σ(z)·(1 + z·(1 − σ(z))).
fn silu_slope(z: f64) -> f64 {
    let s = 1.0 / (1.0 + (-z).exp());
    s * (1.0 + z * (1.0 - s))
}

/// Activations of one forward pass, kept for the backward pass.
#[derive(Default)]
pub struct Tape {
    /// The input of every layer (the network input first).
    inputs: Vec<Vec<f64>>,
    /// Pre-activations of the hidden layers.
    pre: Vec<Vec<f64>>,
}

impl Mlp {
    /// Weights ~ N(0, 1/fan_in) (the output layer ×0.1), biases 0.
    pub fn new(sizes: &[usize], rng: &mut impl Rng) -> Mlp {
        let mut params = Vec::new();
        for (l, w) in sizes.windows(2).enumerate() {
            let gain = if l + 2 == sizes.len() { 0.1 } else { 1.0 };
            let std = gain / (w[0] as f64).sqrt();
            params.extend((0..w[0] * w[1]).map(|_| std * normal(rng)));
            params.extend(std::iter::repeat_n(0.0, w[1]));
        }
        Mlp {
            sizes: sizes.to_vec(),
            params,
        }
    }

    pub fn inputs(&self) -> usize {
        self.sizes.first().copied().unwrap_or(0)
    }

    pub fn outputs(&self) -> usize {
        self.sizes.last().copied().unwrap_or(0)
    }

    /// Offsets of layer l's W and b in `params`.
    fn layer(&self, l: usize) -> (usize, usize) {
        let mut at = 0;
        for w in self.sizes.windows(2).take(l) {
            at += w[0] * w[1] + w[1];
        }
        (at, at + self.sizes[l] * self.sizes[l + 1])
    }

    /// Where layer l's weight matrix starts in `params` (its biases follow it).
    pub fn weight_offset(&self, l: usize) -> usize {
        self.layer(l).0
    }

    /// Layer l's weight matrix, row-major (`sizes[l+1]` rows of `sizes[l]`).
    pub fn weights(&self, l: usize) -> &[f64] {
        let (w, b) = self.layer(l);
        &self.params[w..b]
    }

    pub fn forward(&self, x: &[f64]) -> Vec<f64> {
        self.forward_tape(x, &mut Tape::default())
    }

    /// Forward pass recording what the backward pass needs.
    pub fn forward_tape(&self, x: &[f64], tape: &mut Tape) -> Vec<f64> {
        tape.inputs.clear();
        tape.pre.clear();
        let layers = self.sizes.len() - 1;
        let mut a = x.to_vec();
        for l in 0..layers {
            let (n_in, n_out) = (self.sizes[l], self.sizes[l + 1]);
            let (w, b) = self.layer(l);
            let z: Vec<f64> = (0..n_out)
                .map(|r| {
                    let row = &self.params[w + r * n_in..w + (r + 1) * n_in];
                    self.params[b + r] + row.iter().zip(&a).map(|(p, x)| p * x).sum::<f64>()
                })
                .collect();
            tape.inputs.push(std::mem::take(&mut a));
            if l + 1 < layers {
                a = z.iter().map(|&v| silu(v)).collect();
                tape.pre.push(z);
            } else {
                a = z;
            }
        }
        a
    }

    /// Adds `∂L/∂θ` to `grad` given `∂L/∂output`, for the pass recorded in `tape`.
    pub fn backward(&self, tape: &Tape, d_out: &[f64], grad: &mut [f64]) {
        self.backward_recording(tape, d_out, grad, None);
    }

    /// One forward and one backward pass, keeping what a drawing of the network needs: every
    /// layer's input (the network input first, the output last) and the δ at each of them,
    /// `∂L/∂(that vector)`, the output's δ being `d_out(output)`.
    pub fn trace(&self, x: &[f64], d_out: impl Fn(&[f64]) -> Vec<f64>) -> LayerTrace {
        let mut tape = Tape::default();
        let out = self.forward_tape(x, &mut tape);
        let d = d_out(&out);
        let mut grad = vec![0.0; self.params.len()];
        let mut deltas = vec![d.clone()];
        self.backward_recording(&tape, &d, &mut grad, Some(&mut deltas));
        deltas.reverse();
        let mut values = tape.inputs;
        values.push(out);
        LayerTrace {
            values,
            deltas,
            grad,
        }
    }

    /// The gradient of `loss` by central differences: two forward passes per parameter, where
    /// backpropagation needs one forward and one backward pass for all of them.
    pub fn finite_difference_gradient(&self, loss: impl Fn(&Mlp) -> f64, h: f64) -> Vec<f64> {
        let mut probe = self.clone();
        (0..self.params.len())
            .map(|i| {
                let p = self.params[i];
                probe.params[i] = p + h;
                let up = loss(&probe);
                probe.params[i] = p - h;
                let down = loss(&probe);
                probe.params[i] = p;
                (up - down) / (2.0 * h)
            })
            .collect()
    }

    fn backward_recording(
        &self,
        tape: &Tape,
        d_out: &[f64],
        grad: &mut [f64],
        mut deltas: Option<&mut Vec<Vec<f64>>>,
    ) {
        let layers = self.sizes.len() - 1;
        let mut delta = d_out.to_vec();
        for l in (0..layers).rev() {
            let (n_in, n_out) = (self.sizes[l], self.sizes[l + 1]);
            let (w, b) = self.layer(l);
            let input = &tape.inputs[l];
            for r in 0..n_out {
                let d = delta[r];
                grad[b + r] += d;
                let row = &mut grad[w + r * n_in..w + (r + 1) * n_in];
                for (g, x) in row.iter_mut().zip(input) {
                    *g += d * x;
                }
            }
            if l > 0 {
                let mut back = vec![0.0; n_in];
                for (r, d) in delta.iter().enumerate() {
                    let row = &self.params[w + r * n_in..w + (r + 1) * n_in];
                    for (bk, p) in back.iter_mut().zip(row) {
                        *bk += d * p;
                    }
                }
                if let Some(d) = deltas.as_deref_mut() {
                    // δ at this layer's input, before the activation's slope folds it back.
                    d.push(back.clone());
                }
                for (bk, z) in back.iter_mut().zip(&tape.pre[l - 1]) {
                    *bk *= silu_slope(*z);
                }
                delta = back;
            }
        }
    }
}

/// A network's forward and backward pass, layer by layer.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerTrace {
    /// The input of every layer, then the output.
    pub values: Vec<Vec<f64>>,
    /// `∂L/∂values[l]` for every layer after the input, then for the output.
    pub deltas: Vec<Vec<f64>>,
    /// `∂L/∂θ`.
    pub grad: Vec<f64>,
}

/// Adam (Kingma & Ba) with the usual β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
#[derive(Clone, Debug)]
pub struct Adam {
    m: Vec<f64>,
    v: Vec<f64>,
    t: i32,
}

impl Adam {
    pub fn new(n: usize) -> Adam {
        Adam {
            m: vec![0.0; n],
            v: vec![0.0; n],
            t: 0,
        }
    }

    pub fn update(&mut self, params: &mut [f64], grad: &[f64], lr: f64) {
        let (b1, b2) = (0.9f64, 0.999f64);
        self.t += 1;
        let (c1, c2) = (1.0 - b1.powi(self.t), 1.0 - b2.powi(self.t));
        for i in 0..params.len() {
            self.m[i] = b1 * self.m[i] + (1.0 - b1) * grad[i];
            self.v[i] = b2 * self.v[i] + (1.0 - b2) * grad[i] * grad[i];
            params[i] -= lr * (self.m[i] / c1) / ((self.v[i] / c2).sqrt() + 1e-8);
        }
    }
}

/// Features of the flow time τ: τ, and sin/cos of kπτ for k = 1…3.
pub const TIME_FEATURES: usize = 7;

fn time_features(tau: f64) -> [f64; TIME_FEATURES] {
    let p = std::f64::consts::PI * tau;
    [
        tau,
        p.sin(),
        p.cos(),
        (2.0 * p).sin(),
        (2.0 * p).cos(),
        (3.0 * p).sin(),
        (3.0 * p).cos(),
    ]
}

/// The velocity network's input: the noisy chunk, the (normalized) observation, τ features.
fn flow_input(x: &[f64], o: &Point, tau: f64) -> Vec<f64> {
    let mut input = Vec::with_capacity(x.len() + 3 + TIME_FEATURES);
    input.extend_from_slice(x);
    input.extend_from_slice(o);
    input.extend_from_slice(&time_features(tau));
    input
}

/// A trained velocity network conditioned on one observation: a [`Field`] for every sampler.
pub struct NetField<'a> {
    pub net: &'a Mlp,
    /// The normalized observation.
    pub obs: Point,
}

impl Field for NetField<'_> {
    fn dim(&self) -> usize {
        self.net.outputs()
    }

    fn velocity(&self, x: &[f64], tau: f64) -> Vec<f64> {
        self.net.forward(&flow_input(x, &self.obs, tau))
    }
}

/// Training settings. The defaults finish in well under a minute on two cores (release).
#[derive(Clone, Debug, PartialEq)]
pub struct TrainConfig {
    pub hidden: usize,
    pub steps: usize,
    pub batch: usize,
    /// Peak learning rate; it decays by a cosine to 5 % of it.
    pub learning_rate: f64,
    /// The mixture spread s (normalized units) added to the chunks, as in the exact field.
    pub spread: f64,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            hidden: 128,
            steps: 4000,
            batch: 64,
            learning_rate: 5e-3,
            spread: 0.1,
            seed: 7,
        }
    }
}

/// The velocity and regression networks, trained together a few steps at a time (the app calls
/// `train` every frame, so training runs without threads and shows its progress).
pub struct Trainer {
    pub cfg: TrainConfig,
    pub velocity: Mlp,
    pub regression: Mlp,
    adam_v: Adam,
    adam_r: Adam,
    rng: rand::rngs::StdRng,
    pub step: usize,
    /// (step, mean flow-matching loss, mean regression loss) every few steps.
    pub losses: Vec<(usize, f64, f64)>,
    window: (f64, f64, usize),
}

impl Trainer {
    pub fn new(set: &ChunkSet, cfg: TrainConfig) -> Trainer {
        let mut rng = rand::rngs::StdRng::seed_from_u64(cfg.seed);
        let d = set.dim();
        let h = cfg.hidden;
        let velocity = Mlp::new(&[d + 3 + TIME_FEATURES, h, h, d], &mut rng);
        let regression = Mlp::new(&[3, h / 2, h / 2, d], &mut rng);
        Trainer {
            adam_v: Adam::new(velocity.params.len()),
            adam_r: Adam::new(regression.params.len()),
            velocity,
            regression,
            rng,
            step: 0,
            losses: Vec::new(),
            window: (0.0, 0.0, 0),
            cfg,
        }
    }

    pub fn finished(&self) -> bool {
        self.step >= self.cfg.steps
    }

    pub fn progress(&self) -> f64 {
        self.step as f64 / self.cfg.steps.max(1) as f64
    }

    fn learning_rate(&self) -> f64 {
        let p = self.progress().min(1.0);
        let lr = self.cfg.learning_rate;
        lr * (0.05 + 0.95 * 0.5 * (1.0 + (std::f64::consts::PI * p).cos()))
    }

    /// Up to `steps` more optimizer steps (of both networks). Returns the steps taken.
    pub fn train(&mut self, set: &ChunkSet, steps: usize) -> usize {
        let n = set.chunks.len();
        if n == 0 {
            return 0;
        }
        let d = set.dim();
        let mut taken = 0;
        let mut tape = Tape::default();
        while taken < steps && !self.finished() {
            let lr = self.learning_rate();
            let mut gv = vec![0.0; self.velocity.params.len()];
            let mut gr = vec![0.0; self.regression.params.len()];
            let (mut lv, mut lr_loss) = (0.0, 0.0);
            let scale = 1.0 / self.cfg.batch as f64;
            for _ in 0..self.cfg.batch {
                let i = self.rng.random_range(0..n);
                let tau: f64 = self.rng.random();
                let x0 = normal_vec(&mut self.rng, d);
                let x1: Vec<f64> = set.chunks[i]
                    .iter()
                    .map(|m| m + self.cfg.spread * normal(&mut self.rng))
                    .collect();
                let xt: Vec<f64> = (0..d).map(|j| (1.0 - tau) * x0[j] + tau * x1[j]).collect();
                let out = self
                    .velocity
                    .forward_tape(&flow_input(&xt, &set.obs[i], tau), &mut tape);
                let diff: Vec<f64> = (0..d).map(|j| out[j] - (x1[j] - x0[j])).collect();
                lv += diff.iter().map(|e| e * e).sum::<f64>() / d as f64 * scale;
                let d_out: Vec<f64> = diff.iter().map(|e| 2.0 * e / d as f64 * scale).collect();
                self.velocity.backward(&tape, &d_out, &mut gv);

                let out = self.regression.forward_tape(&set.obs[i], &mut tape);
                let diff: Vec<f64> = (0..d).map(|j| out[j] - set.chunks[i][j]).collect();
                lr_loss += diff.iter().map(|e| e * e).sum::<f64>() / d as f64 * scale;
                let d_out: Vec<f64> = diff.iter().map(|e| 2.0 * e / d as f64 * scale).collect();
                self.regression.backward(&tape, &d_out, &mut gr);
            }
            self.adam_v.update(&mut self.velocity.params, &gv, lr);
            self.adam_r.update(&mut self.regression.params, &gr, lr);
            self.step += 1;
            taken += 1;
            self.window = (
                self.window.0 + lv,
                self.window.1 + lr_loss,
                self.window.2 + 1,
            );
            if self.window.2 == 25 || self.finished() {
                let k = self.window.2 as f64;
                self.losses
                    .push((self.step, self.window.0 / k, self.window.1 / k));
                self.window = (0.0, 0.0, 0);
            }
        }
        taken
    }

    /// The velocity network conditioned on `o` (metres).
    pub fn field(&self, set: &ChunkSet, o: &Point) -> NetField<'_> {
        NetField {
            net: &self.velocity,
            obs: set.normalize(o),
        }
    }

    /// The regression network's chunk for `o` (metres), normalized.
    pub fn regress(&self, set: &ChunkSet, o: &Point) -> Vec<f64> {
        self.regression.forward(&set.normalize(o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::generative::{OdeMethod, Run, Sampler};

    #[test]
    fn backpropagation_matches_finite_differences() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let mut net = Mlp::new(&[5, 7, 6, 3], &mut rng);
        // Non-zero biases and a larger output layer, so every path carries gradient.
        for p in net.params.iter_mut() {
            *p += 0.3 * normal(&mut rng);
        }
        let x = normal_vec(&mut rng, 5);
        let target = normal_vec(&mut rng, 3);
        let loss = |net: &Mlp| {
            let y = net.forward(&x);
            0.5 * y
                .iter()
                .zip(&target)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
        };
        let mut tape = Tape::default();
        let y = net.forward_tape(&x, &mut tape);
        let d_out: Vec<f64> = y.iter().zip(&target).map(|(a, b)| a - b).collect();
        let mut grad = vec![0.0; net.params.len()];
        net.backward(&tape, &d_out, &mut grad);
        let fd = net.finite_difference_gradient(loss, 1e-6);
        let mut worst: f64 = 0.0;
        for (fd, g) in fd.iter().zip(&grad) {
            worst = worst.max((fd - g).abs() / (1e-6 + fd.abs().max(g.abs())));
        }
        assert!(worst < 1e-5, "worst relative error {worst}");
        assert_eq!(grad.len(), 5 * 7 + 7 + 7 * 6 + 6 + 6 * 3 + 3);
    }

    #[test]
    fn trace_deltas_are_the_gradients_at_each_layer() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let mut net = Mlp::new(&[4, 6, 5, 2], &mut rng);
        for p in net.params.iter_mut() {
            *p += 0.3 * normal(&mut rng);
        }
        let x = normal_vec(&mut rng, 4);
        let target = normal_vec(&mut rng, 2);
        let half_sq = |y: &[f64]| {
            0.5 * y
                .iter()
                .zip(&target)
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f64>()
        };
        let t = net.trace(&x, |y| y.iter().zip(&target).map(|(a, b)| a - b).collect());
        assert_eq!(t.values.len(), 4);
        assert_eq!(t.deltas.len(), 3);
        // The full gradient agrees with central differences (2 passes per parameter).
        let fd = net.finite_difference_gradient(|n| half_sq(&n.forward(&x)), 1e-6);
        for (a, b) in fd.iter().zip(&t.grad) {
            assert!((a - b).abs() < 1e-6 * a.abs().max(b.abs()).max(1e-3));
        }
        // δ at a hidden layer: differentiate the rest of the network, from that layer on, in
        // its input.
        for l in 1..3 {
            let (start, _) = net.layer(l);
            let rest = Mlp {
                sizes: net.sizes[l..].to_vec(),
                params: net.params[start..].to_vec(),
            };
            let v = &t.values[l];
            for i in 0..v.len() {
                let (mut up, mut down) = (v.clone(), v.clone());
                up[i] += 1e-6;
                down[i] -= 1e-6;
                let fd = (half_sq(&rest.forward(&up)) - half_sq(&rest.forward(&down))) / 2e-6;
                let d = t.deltas[l - 1][i];
                assert!(
                    (fd - d).abs() < 1e-6 * fd.abs().max(1e-3),
                    "layer {l}: {fd} vs {d}"
                );
            }
        }
    }

    #[test]
    fn adam_minimizes_a_quadratic() {
        let mut p = vec![3.0, -2.0];
        let mut adam = Adam::new(2);
        for _ in 0..2000 {
            let g = vec![2.0 * (p[0] - 1.0), 20.0 * (p[1] + 0.5)];
            adam.update(&mut p, &g, 0.01);
        }
        assert!(
            (p[0] - 1.0).abs() < 1e-3 && (p[1] + 0.5).abs() < 1e-3,
            "{p:?}"
        );
    }

    /// Two paths that part left and right at the origin.
    fn fork() -> ChunkSet {
        let path = |side: f64| {
            (0..16)
                .map(|k| [0.01 * k as f64, side * 0.008 * k as f64, 0.2])
                .collect::<Vec<Point>>()
        };
        ChunkSet::from_paths(&[(0, path(1.0)), (1, path(-1.0))], 4, 3, 0.05).unwrap()
    }

    #[test]
    fn the_trained_networks_learn_both_branches_and_the_regression_averages_them() {
        let set = fork();
        let cfg = TrainConfig {
            hidden: 64,
            steps: 1500,
            batch: 32,
            ..TrainConfig::default()
        };
        let mut trainer = Trainer::new(&set, cfg);
        while trainer.train(&set, 100) > 0 {}
        let first = trainer.losses[0].1;
        let last = trainer.losses[trainer.losses.len() - 1].1;
        assert!(last < 0.5 * first, "flow loss {first} → {last}");
        // Sampled at the fork, the velocity network puts chunks on both branches; the
        // regression network puts its chunk in the middle, on neither.
        let start = [0.0, 0.0, 0.2];
        let field = trainer.field(&set, &start);
        let run =
            Run::from_seed(Sampler::Flow(10, OdeMethod::Euler), 64, set.dim(), 1).finish(&field);
        let last_y = |x: &[f64]| set.decode(x)[3][1];
        let left = run.ends().iter().filter(|e| last_y(e) > 0.03).count();
        let right = run.ends().iter().filter(|e| last_y(e) < -0.03).count();
        assert!(
            left >= 10 && right >= 10,
            "left {left}, right {right} of 64"
        );
        let reg = trainer.regress(&set, &start);
        assert!(last_y(&reg).abs() < 0.02, "regression y {}", last_y(&reg));
    }
}
