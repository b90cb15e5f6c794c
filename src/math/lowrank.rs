//! Low-rank adaptation: a trained network's weight matrices, their singular values, and
//! fine-tuning it to a new task either in full or through a rank-r update `W + B·A` per layer
//! (LoRA), with the base weights and biases frozen and `B = 0` at the start, so the adapted
//! network begins exactly where the base one is.

use super::bc::{BcTrainer, Demos};
use super::generative::normal;
use super::mlp::{Adam, Mlp, Tape};
use nalgebra::DMatrix;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Singular values of a `rows × cols` row-major matrix, largest first.
pub fn singular_values(w: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    if rows == 0 || cols == 0 || w.len() != rows * cols {
        return Vec::new();
    }
    let mut s: Vec<f64> = DMatrix::from_row_slice(rows, cols, w)
        .singular_values()
        .iter()
        .copied()
        .collect();
    s.sort_by(|a, b| b.total_cmp(a));
    s
}

/// How many singular values it takes to hold `share` of the squared Frobenius norm `Σσ²`.
pub fn energy_rank(sigma: &[f64], share: f64) -> usize {
    let total: f64 = sigma.iter().map(|s| s * s).sum();
    if total <= 0.0 {
        return 0;
    }
    let mut acc = 0.0;
    for (k, s) in sigma.iter().enumerate() {
        acc += s * s;
        if acc >= share * total {
            return k + 1;
        }
    }
    sigma.len()
}

/// The rank a rank-`r` update can have in each layer: `min(r, inputs, outputs)`.
pub fn layer_ranks(sizes: &[usize], r: usize) -> Vec<usize> {
    sizes.windows(2).map(|w| r.min(w[0]).min(w[1])).collect()
}

/// Trainable numbers of a rank-`r` update: `Σ r_l·(in_l + out_l)` (A is r×in, B is out×r).
pub fn lora_params(sizes: &[usize], r: usize) -> usize {
    sizes
        .windows(2)
        .zip(layer_ranks(sizes, r))
        .map(|(w, rl)| rl * (w[0] + w[1]))
        .sum()
}

/// Every weight and bias: what full fine-tuning trains.
pub fn full_params(sizes: &[usize]) -> usize {
    sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum()
}

/// How to adapt the base network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tuning {
    /// Every weight and bias trained.
    Full,
    /// A rank-r update per weight matrix; base weights and biases frozen.
    Rank(usize),
}

/// A fine-tuning run in progress.
#[derive(Clone, Debug)]
pub struct FineTune {
    pub tuning: Tuning,
    base: Mlp,
    /// The adapted policy (the base's scalers, the merged network).
    pub policy: BcTrainer,
    /// Per layer: A (`r_l × in`, row-major) and B (`out × r_l`); empty for full tuning.
    pub a: Vec<Vec<f64>>,
    pub b: Vec<Vec<f64>>,
    ranks: Vec<usize>,
    adam: Adam,
    rng: StdRng,
    pub batch: usize,
    pub lr: f64,
    /// The loss on all the new pairs (standardised units), every [`FineTune::EVERY`] steps
    /// and at the start.
    pub losses: Vec<f64>,
    pub steps: usize,
}

impl FineTune {
    /// Steps between two recorded losses.
    pub const EVERY: usize = 10;

    pub fn new(base: &BcTrainer, tuning: Tuning, seed: u64, data: &Demos) -> FineTune {
        let mut rng = StdRng::seed_from_u64(seed);
        let sizes = base.net.sizes.clone();
        let (mut a, mut b, mut ranks) = (Vec::new(), Vec::new(), Vec::new());
        if let Tuning::Rank(r) = tuning {
            ranks = layer_ranks(&sizes, r);
            for (w, &rl) in sizes.windows(2).zip(&ranks) {
                // A random, B zero: ΔW = BA starts at 0 and B's gradient is not.
                let std = 1.0 / (w[0] as f64).sqrt();
                a.push((0..rl * w[0]).map(|_| std * normal(&mut rng)).collect());
                b.push(vec![0.0; w[1] * rl]);
            }
        }
        let n = match tuning {
            Tuning::Full => full_params(&sizes),
            Tuning::Rank(r) => lora_params(&sizes, r),
        };
        let mut t = FineTune {
            tuning,
            base: base.net.clone(),
            policy: base.clone(),
            a,
            b,
            ranks,
            adam: Adam::new(n),
            rng,
            batch: 64,
            lr: 3e-3,
            losses: Vec::new(),
            steps: 0,
        };
        t.losses.push(t.loss(data));
        t
    }

    /// Layer l's update `ΔW = W_now − W_base` (row-major, `out × in`).
    pub fn delta(&self, l: usize) -> Vec<f64> {
        self.policy
            .net
            .weights(l)
            .iter()
            .zip(self.base.weights(l))
            .map(|(n, b)| n - b)
            .collect()
    }

    /// `L = 1/(2N) Σ‖π(o) − a‖²` over `data`, in standardised units.
    pub fn loss(&self, data: &Demos) -> f64 {
        let n = data.len().max(1) as f64;
        data.obs
            .iter()
            .zip(&data.act)
            .map(|(o, a)| {
                let out = self.policy.net.forward(&self.policy.obs_scale.apply(o));
                out.iter()
                    .zip(self.policy.act_scale.apply(a))
                    .map(|(p, t)| (p - t).powi(2))
                    .sum::<f64>()
            })
            .sum::<f64>()
            / (2.0 * n)
    }

    /// Writes `W_base + B·A` into the policy's network.
    fn merge(&mut self) {
        let sizes = self.base.sizes.clone();
        for (l, w) in sizes.windows(2).enumerate() {
            let (n_in, n_out, rl) = (w[0], w[1], self.ranks[l]);
            let at = self.policy.net.weight_offset(l);
            let base = self.base.weights(l);
            for o in 0..n_out {
                for i in 0..n_in {
                    let ba: f64 = (0..rl)
                        .map(|k| self.b[l][o * rl + k] * self.a[l][k * n_in + i])
                        .sum();
                    self.policy.net.params[at + o * n_in + i] = base[o * n_in + i] + ba;
                }
            }
        }
    }

    /// The gradient of the merged network's parameters over the pairs `rows` of `data`.
    fn merged_gradient(&self, data: &Demos, rows: &[usize]) -> Vec<f64> {
        let mut grad = vec![0.0; self.policy.net.params.len()];
        self.policy
            .batch_gradient(data, rows, &mut Tape::default(), &mut grad);
        grad
    }

    /// `∂L/∂(A, B)` from `∂L/∂W`: with `W = W₀ + BA`, `∂L/∂B = G·Aᵀ` and `∂L/∂A = Bᵀ·G`.
    fn factor_gradient(&self, merged: &[f64]) -> Vec<f64> {
        let sizes = &self.base.sizes;
        let mut ga = Vec::new();
        let mut gb = Vec::new();
        for (l, w) in sizes.windows(2).enumerate() {
            let (n_in, n_out, rl) = (w[0], w[1], self.ranks[l]);
            let at = self.policy.net.weight_offset(l);
            let g = &merged[at..at + n_in * n_out];
            let (a, b) = (&self.a[l], &self.b[l]);
            let mut da = vec![0.0; rl * n_in];
            let mut db = vec![0.0; n_out * rl];
            for o in 0..n_out {
                for i in 0..n_in {
                    let gi = g[o * n_in + i];
                    for k in 0..rl {
                        db[o * rl + k] += gi * a[k * n_in + i];
                        da[k * n_in + i] += b[o * rl + k] * gi;
                    }
                }
            }
            ga.push(da);
            gb.push(db);
        }
        ga.into_iter().chain(gb).flatten().collect()
    }

    /// The trainable numbers as one vector: every A, then every B.
    fn theta(&self) -> Vec<f64> {
        self.a.iter().chain(&self.b).flatten().copied().collect()
    }

    fn set_theta(&mut self, theta: &[f64]) {
        let mut at = 0;
        for m in self.a.iter_mut().chain(self.b.iter_mut()) {
            let n = m.len();
            m.copy_from_slice(&theta[at..at + n]);
            at += n;
        }
        self.merge();
    }

    /// The gradient of the loss over the pairs `rows` with respect to the trainable numbers.
    fn gradient(&self, data: &Demos, rows: &[usize]) -> Vec<f64> {
        let g = self.merged_gradient(data, rows);
        match self.tuning {
            Tuning::Full => g,
            Tuning::Rank(_) => self.factor_gradient(&g),
        }
    }

    /// `steps` Adam steps on minibatches of `data`.
    pub fn train(&mut self, data: &Demos, steps: usize) {
        if data.is_empty() {
            return;
        }
        for _ in 0..steps {
            let rows: Vec<usize> = (0..self.batch.max(1))
                .map(|_| self.rng.random_range(0..data.len()))
                .collect();
            let g = self.gradient(data, &rows);
            match self.tuning {
                Tuning::Full => self.adam.update(&mut self.policy.net.params, &g, self.lr),
                Tuning::Rank(_) => {
                    let mut theta = self.theta();
                    self.adam.update(&mut theta, &g, self.lr);
                    self.set_theta(&theta);
                }
            }
            self.steps += 1;
            if self.steps.is_multiple_of(Self::EVERY) {
                let l = self.loss(data);
                self.losses.push(l);
            }
        }
    }

    /// The loss now.
    pub fn last_loss(&self) -> f64 {
        self.losses.last().copied().unwrap_or(f64::NAN)
    }
}

/// The new task's labels: the translation a clamped proportional step would take towards the
/// target moved by `shift`, `a' = clamp(e + δ, max)` for every observed error e.
pub fn relabel(demos: &Demos, shift: [f64; 3], max_step: f64) -> Demos {
    let mut out = Demos::default();
    for o in &demos.obs {
        if o.len() != 3 {
            continue;
        }
        let e: Vec<f64> = o.iter().zip(shift).map(|(e, d)| e + d).collect();
        let n = e.iter().map(|v| v * v).sum::<f64>().sqrt();
        let s = if n > max_step { max_step / n } else { 1.0 };
        out.push(o.clone(), e.iter().map(|v| v * s).collect());
    }
    out
}

/// The errors a reach passes through when the tool moves exactly by each action:
/// `e₀ = start`, `e_{k+1} = e_k − π(e_k)`, for `steps` steps, cut short where the policy returns
/// an action of the wrong width or one that is not finite.
pub fn reach_errors(
    policy: impl Fn(&[f64]) -> Vec<f64>,
    start: &[f64],
    steps: usize,
) -> Vec<Vec<f64>> {
    let mut path = vec![start.to_vec()];
    for _ in 0..steps {
        let e = &path[path.len() - 1];
        let a = policy(e);
        if a.len() != e.len() || a.iter().any(|v| !v.is_finite()) {
            break;
        }
        let next = e.iter().zip(&a).map(|(e, a)| e - a).collect();
        path.push(next);
    }
    path
}

/// Runs a translation policy from an initial error (see [`reach_errors`]) and returns the
/// distance left to the target moved by `shift`, `‖e_K + δ‖`; infinite if the reach was cut
/// short.
pub fn reach_miss(
    policy: impl Fn(&[f64]) -> Vec<f64>,
    start: &[f64],
    shift: [f64; 3],
    steps: usize,
) -> f64 {
    let path = reach_errors(policy, start, steps);
    match path.last() {
        Some(e) if path.len() == steps + 1 => e
            .iter()
            .zip(shift)
            .map(|(e, d)| (e + d).powi(2))
            .sum::<f64>()
            .sqrt(),
        _ => f64::INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::bc::BcConfig;

    fn random_matrix(rows: usize, cols: usize, rng: &mut StdRng) -> DMatrix<f64> {
        DMatrix::from_fn(rows, cols, |_, _| normal(rng))
    }

    #[test]
    fn singular_values_of_a_built_matrix_are_the_ones_put_in() {
        let mut rng = StdRng::seed_from_u64(3);
        // U Σ Vᵀ from orthonormal factors (QR of random matrices) with known σ.
        let u = random_matrix(6, 6, &mut rng).qr().q();
        let v = random_matrix(4, 4, &mut rng).qr().q();
        let sigma = [5.0, 2.0, 0.5, 0.0];
        let mut s = DMatrix::zeros(6, 4);
        for (k, x) in sigma.iter().enumerate() {
            s[(k, k)] = *x;
        }
        let m = &u * s * v.transpose();
        let rows: Vec<f64> = (0..6)
            .flat_map(|r| (0..4).map(move |c| (r, c)))
            .map(|(r, c)| m[(r, c)])
            .collect();
        let got = singular_values(&rows, 6, 4);
        for (g, want) in got.iter().zip(sigma) {
            assert!((g - want).abs() < 1e-9, "{got:?}");
        }
        // Σσ² is the squared Frobenius norm.
        let fro: f64 = rows.iter().map(|x| x * x).sum();
        assert!((got.iter().map(|s| s * s).sum::<f64>() - fro).abs() < 1e-9);
        assert_eq!(energy_rank(&got, 0.99), 2);
        assert_eq!(energy_rank(&got, 0.999), 3);
        // An outer product has exactly one non-zero singular value, |x|·|y|.
        let (x, y) = ([1.0, 2.0, 2.0], [3.0, 4.0]);
        let outer: Vec<f64> = x
            .iter()
            .flat_map(|a| y.iter().map(move |b| a * b))
            .collect();
        let s = singular_values(&outer, 3, 2);
        assert!((s[0] - 15.0).abs() < 1e-12 && s[1].abs() < 1e-12, "{s:?}");
        assert!(singular_values(&[1.0], 2, 2).is_empty());
    }

    #[test]
    fn parameter_counts() {
        let sizes = [3, 16, 16, 3];
        assert_eq!(full_params(&sizes), 387);
        assert_eq!(layer_ranks(&sizes, 8), vec![3, 8, 3]);
        assert_eq!(lora_params(&sizes, 1), 70);
        assert_eq!(lora_params(&sizes, 2), 140);
        assert_eq!(lora_params(&sizes, 4), 242);
        assert_eq!(lora_params(&sizes, 8), 370);
        // A 4096 × 4096 projection at rank 16: 131 072 numbers instead of 16.8 million.
        assert_eq!(lora_params(&[4096, 4096], 16), 131_072);
        assert!((131_072.0 / (4096.0f64 * 4096.0) - 0.0078).abs() < 1e-4);
    }

    /// A reaching data set: errors in a box, the clamped step towards 0 as the action.
    fn reach_set(n: usize, rng: &mut StdRng) -> Demos {
        let mut d = Demos::default();
        for _ in 0..n {
            let e: Vec<f64> = (0..3).map(|_| 0.3 * (rng.random::<f64>() - 0.5)).collect();
            d.obs.push(e);
        }
        relabel(&d, [0.0; 3], 0.01)
    }

    fn base(demos: &Demos) -> BcTrainer {
        let cfg = BcConfig {
            hidden: vec![16, 16],
            ..BcConfig::default()
        };
        let mut t = BcTrainer::new(demos, cfg).expect("demos");
        t.train(demos, 1500);
        t
    }

    #[test]
    fn the_factor_gradient_matches_finite_differences_and_the_start_is_the_base() {
        let mut rng = StdRng::seed_from_u64(1);
        let demos = reach_set(40, &mut rng);
        let b = base(&demos);
        let data = relabel(&demos, [0.0, 0.0, 0.05], 0.01);
        let mut t = FineTune::new(&b, Tuning::Rank(2), 7, &data);
        // B = 0: the adapted network is the base network.
        assert_eq!(t.policy.net, b.net);
        // Move off B = 0 so both factors' gradients are non-trivial.
        t.batch = 4000;
        t.train(&data, 3);
        // Finite differences of the loss on every pair against the gradient on every pair.
        let exact = |t: &FineTune| t.loss(&data);
        let theta = t.theta();
        let h = 1e-6;
        let fd: Vec<f64> = (0..theta.len())
            .map(|i| {
                let mut p = t.clone();
                let mut th = theta.clone();
                th[i] += h;
                p.set_theta(&th);
                let up = exact(&p);
                th[i] -= 2.0 * h;
                p.set_theta(&th);
                (up - exact(&p)) / (2.0 * h)
            })
            .collect();
        let every: Vec<usize> = (0..data.len()).collect();
        let g = t.gradient(&data, &every);
        let scale = fd.iter().map(|x| x.abs()).fold(0.0, f64::max);
        assert!(scale > 1e-4, "{scale}");
        for (a, b) in g.iter().zip(&fd) {
            assert!((a - b).abs() < 1e-6 * scale.max(1.0), "{a} vs {b}");
        }
        // The update has the rank asked for, and the biases did not move.
        for l in 0..3 {
            let d = t.delta(l);
            let (i, o) = (b.net.sizes[l], b.net.sizes[l + 1]);
            let s = singular_values(&d, o, i);
            assert!(s.iter().skip(2).all(|x| *x < 1e-10), "{s:?}");
        }
        let frozen = |n: &Mlp| {
            (0..3)
                .flat_map(|l| {
                    let at = n.weight_offset(l) + n.sizes[l] * n.sizes[l + 1];
                    n.params[at..at + n.sizes[l + 1]].to_vec()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(frozen(&t.policy.net), frozen(&b.net));
    }

    #[test]
    fn rank_r_updates_reach_the_full_fine_tunes_loss_as_r_grows() {
        let mut rng = StdRng::seed_from_u64(2);
        let demos = reach_set(600, &mut rng);
        let b = base(&demos);
        let shift = [0.0, 0.0, 0.05];
        let data = relabel(&demos, shift, 0.01);
        let run = |tuning| {
            let mut t = FineTune::new(&b, tuning, 11, &data);
            t.train(&data, 600);
            t
        };
        let full = run(Tuning::Full);
        let ranks: Vec<FineTune> = [1, 2, 4, 8].map(|r| run(Tuning::Rank(r))).into();
        let start = full.losses[0];
        let l: Vec<f64> = ranks.iter().map(FineTune::last_loss).collect();
        eprintln!("start {start:.4} full {:.4} ranks {l:?}", full.last_loss());
        // Every run learns; more rank, lower loss; at rank 8 the full fine-tune's loss is
        // nearly reached, at rank 1 it is not.
        assert!(full.last_loss() < 0.1 * start);
        assert!(l.windows(2).all(|w| w[1] < w[0] * 1.05), "{l:?}");
        assert!(l[3] < 2.0 * full.last_loss() + 1e-3, "{l:?}");
        assert!(l[0] > l[3] * 1.5, "{l:?}");
        // And the adapted policies reach the moved target where the base policy does not.
        let starts: Vec<Vec<f64>> = demos.obs.iter().step_by(20).cloned().collect();
        let rate = |t: &BcTrainer| {
            starts
                .iter()
                .filter(|s| reach_miss(|e| t.act(e), s, shift, 120) < 0.01)
                .count()
        };
        let (base_ok, full_ok) = (rate(&b), rate(&full.policy));
        eprintln!("reach: base {base_ok}, full {full_ok} of {}", starts.len());
        assert_eq!(base_ok, 0);
        assert!(
            full_ok * 10 >= starts.len() * 9,
            "{full_ok}/{}",
            starts.len()
        );
    }

    #[test]
    fn relabelling_and_the_kinematic_reach() {
        let d = Demos {
            obs: vec![vec![0.0, 0.0, 0.0], vec![0.3, 0.0, 0.0]],
            act: vec![vec![0.0; 3]; 2],
        };
        let r = relabel(&d, [0.0, 0.0, 0.05], 0.01);
        assert_eq!(r.act[0], vec![0.0, 0.0, 0.01]);
        let n: f64 = r.act[1].iter().map(|v| v * v).sum::<f64>().sqrt();
        assert!((n - 0.01).abs() < 1e-15);
        // The exact clamped step reaches the moved target in ⌈|e + δ|/max⌉ steps.
        let step = |e: &[f64]| {
            relabel(
                &Demos {
                    obs: vec![e.to_vec()],
                    act: vec![vec![0.0; 3]],
                },
                [0.0, 0.0, 0.05],
                0.01,
            )
            .act[0]
                .clone()
        };
        assert!(reach_miss(step, &[0.3, 0.0, 0.0], [0.0, 0.0, 0.05], 31) < 1e-12);
        assert!(reach_miss(step, &[0.3, 0.0, 0.0], [0.0, 0.0, 0.05], 20) > 0.09);
        assert_eq!(
            reach_miss(|_| vec![f64::NAN; 3], &[0.0; 3], [0.0; 3], 3),
            f64::INFINITY
        );
    }
}
