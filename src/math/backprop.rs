//! The chain rule, made visible: a one-layer toy with its gradient as an outer product, the
//! gradient as the best linear approximation, a deep stack whose per-layer gradient norms show
//! vanishing and exploding gradients, and gradient clipping.
//!
//! Everything is plain `f64` so the lesson can draw each factor.

use nalgebra::{DMatrix, DVector};
use rand::{Rng, SeedableRng, rngs::StdRng};

/// `L(W) = ½‖Wx − a*‖²` for one input `x` and target `a*`.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearToy {
    pub w: DMatrix<f64>,
    pub x: DVector<f64>,
    pub target: DVector<f64>,
}

impl LinearToy {
    /// The prediction error `e = Wx − a*`.
    pub fn error(&self) -> DVector<f64> {
        &self.w * &self.x - &self.target
    }

    pub fn loss(&self) -> f64 {
        0.5 * self.error().norm_squared()
    }

    /// `∇_W L = (Wx − a*)·xᵀ`: k×d, the shape of W; row i is error i times x.
    pub fn gradient(&self) -> DMatrix<f64> {
        self.error() * self.x.transpose()
    }

    /// One step of gradient descent, `W ← W − η∇_W L`.
    pub fn step(&mut self, lr: f64) {
        let g = self.gradient();
        self.w -= g * lr;
    }

    /// The factor each step multiplies the error by: a step changes `Wx` by
    /// `−η·e·xᵀx`, so `e ← (1 − η‖x‖²)·e`. Below `1/‖x‖²` the loss falls smoothly, between
    /// `1/‖x‖²` and `2/‖x‖²` it falls while the error flips sign (oscillates), above it diverges.
    pub fn contraction(&self, lr: f64) -> f64 {
        1.0 - lr * self.x.norm_squared()
    }
}

/// How a learning rate behaves on the toy.
impl LinearToy {
    /// The toy the lesson draws: three action numbers from an observation of three numbers
    /// and a constant 1 (the bias folded into `W`), so `W` is 3×4 and `‖x‖² = 1.38`.
    pub fn lesson() -> LinearToy {
        LinearToy {
            w: DMatrix::from_row_slice(
                3,
                4,
                &[
                    0.6, -0.4, 0.2, 0.1, //
                    -0.3, 0.5, 0.4, -0.2, //
                    0.2, 0.3, -0.5, 0.3,
                ],
            ),
            x: DVector::from_vec(vec![0.3, -0.2, 0.5, 1.0]),
            target: DVector::from_vec(vec![0.4, -0.3, 0.2]),
        }
    }

    /// The loss before each of `n` gradient-descent steps of size `lr`, then after the last.
    pub fn descent(&self, lr: f64, n: usize) -> Vec<f64> {
        let mut t = self.clone();
        let mut out = vec![t.loss()];
        for _ in 0..n {
            t.step(lr);
            out.push(t.loss());
        }
        out
    }

    /// The loss with weight `a` moved by `da` and weight `b` by `db` (a 2-D slice of the loss
    /// through the current `W`; the other weights stay).
    pub fn slice(&self, a: (usize, usize), b: (usize, usize), da: f64, db: f64) -> f64 {
        let mut t = self.clone();
        t.w[a] += da;
        t.w[b] += db;
        t.loss()
    }

    /// Gradient descent on weights `a` and `b` only, from the current `W`: their offsets
    /// `(da, db)` after each of `n` steps of size `lr`, the start `(0, 0)` first.
    pub fn slice_path(
        &self,
        a: (usize, usize),
        b: (usize, usize),
        lr: f64,
        n: usize,
    ) -> Vec<(f64, f64)> {
        let mut t = self.clone();
        let mut out = vec![(0.0, 0.0)];
        for _ in 0..n {
            let g = t.gradient();
            t.w[a] -= lr * g[a];
            t.w[b] -= lr * g[b];
            out.push((t.w[a] - self.w[a], t.w[b] - self.w[b]));
        }
        out
    }

    /// Along the unit direction of steepest descent, `Δw = −s·∇L/‖∇L‖`: the true loss and
    /// its linear prediction `L + ∇Lᵀ Δw`.
    pub fn along_descent(&self, s: f64) -> (f64, f64) {
        let g = self.gradient();
        let n = g.norm();
        if n == 0.0 {
            return (self.loss(), self.loss());
        }
        let dir = &g * (-s / n);
        let mut t = self.clone();
        t.w += &dir;
        let grad: Vec<f64> = g.iter().copied().collect();
        let dw: Vec<f64> = dir.iter().copied().collect();
        (t.loss(), linear_prediction(self.loss(), &grad, &dw))
    }
}

/// The step size at which the toy's gradient descent stops being smooth (`1/‖x‖²`) and the one
/// at which it diverges (`2/‖x‖²`).
pub fn regime_bounds(x: &DVector<f64>) -> (f64, f64) {
    let xx = x.norm_squared();
    (1.0 / xx, 2.0 / xx)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Regime {
    Smooth,
    Oscillating,
    Diverging,
}

pub fn regime(contraction: f64) -> Regime {
    if contraction.abs() >= 1.0 {
        Regime::Diverging
    } else if contraction < 0.0 {
        Regime::Oscillating
    } else {
        Regime::Smooth
    }
}

/// The first-order prediction `L(w) + ∇Lᵀ·Δw` and the true `L(w + Δw)` along a direction, for
/// a scalar function of a vector; the gap is second order in `‖Δw‖`.
pub fn linear_prediction(l0: f64, grad: &[f64], dw: &[f64]) -> f64 {
    l0 + grad.iter().zip(dw).map(|(g, d)| g * d).sum::<f64>()
}

/// Gradient clipping by norm: `g ← g·min(1, c/‖g‖₂)`. Keeps the direction, bounds the step.
pub fn clip_by_norm(g: &mut [f64], c: f64) -> f64 {
    let norm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    if norm > c && norm.is_finite() {
        let s = c / norm;
        g.iter_mut().for_each(|v| *v *= s);
    }
    norm
}

/// The forward passes finite differences need for P parameters (one per parameter plus the
/// base point, forward differences), against backpropagation's one forward and one backward
/// pass (a backward pass costs about as much as a forward one).
pub fn passes(params: usize) -> (usize, usize) {
    (params + 1, 2)
}

/// The same rule through the kinematics: for `L(q) = ½‖p(q) − p*‖²` the chain rule gives
/// `∇_q L = J_vᵀ·(p − p*)`, with `J_v` the linear (top) block of the geometric Jacobian.
pub fn position_loss_gradient(j: &crate::math::Jacobian, error: &crate::math::Vec3) -> Vec<f64> {
    (0..j.ncols())
        .map(|c| (0..3).map(|r| j[(r, c)] * error[r]).sum())
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Sigmoid,
    Tanh,
    Relu,
}

impl Activation {
    pub fn apply(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
            Activation::Tanh => z.tanh(),
            Activation::Relu => z.max(0.0),
        }
    }

    /// The derivative, the diagonal of the layer's local Jacobian.
    pub fn derivative(self, z: f64) -> f64 {
        match self {
            Activation::Sigmoid => {
                let s = self.apply(z);
                s * (1.0 - s)
            }
            Activation::Tanh => 1.0 - z.tanh().powi(2),
            Activation::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// A deep stack of square layers, `h_{l+1} = f(W_l·h_l)`, or with residual connections
/// `h_{l+1} = h_l + f(W_l·h_l)`; `W_l ~ N(0, scale²/width)`.
#[derive(Clone, Debug)]
pub struct DeepStack {
    pub weights: Vec<DMatrix<f64>>,
    pub activation: Activation,
    pub residual: bool,
}

/// What one forward and backward pass through the stack produced, layer by layer.
#[derive(Clone, Debug)]
pub struct StackPass {
    /// `h_0 … h_L`.
    pub activations: Vec<DVector<f64>>,
    /// `δ_l = ∂L/∂h_l` for l = 0 … L.
    pub deltas: Vec<DVector<f64>>,
    /// `‖∂L/∂W_l‖_F` for each layer, first layer first. With ReLU these stay balanced even
    /// when δ explodes, because the activations `h_l` grow forward as fast as δ grows back.
    pub weight_grad_norms: Vec<f64>,
    pub loss: f64,
}

impl DeepStack {
    pub fn new(
        depth: usize,
        width: usize,
        activation: Activation,
        scale: f64,
        residual: bool,
        seed: u64,
    ) -> DeepStack {
        let mut rng = StdRng::seed_from_u64(seed);
        let sd = scale / (width as f64).sqrt();
        let weights = (0..depth)
            .map(|_| DMatrix::from_fn(width, width, |_, _| gaussian(&mut rng) * sd))
            .collect();
        DeepStack {
            weights,
            activation,
            residual,
        }
    }

    /// Forward, then backward from `L = ½‖h_L − y‖²`: each δ is the next δ times one local
    /// Jacobian, `δ_l = W_lᵀ(f′(z_l) ⊙ δ_{l+1})` (plus `δ_{l+1}` through a residual).
    pub fn pass(&self, x: &DVector<f64>, y: &DVector<f64>) -> StackPass {
        let f = self.activation;
        let mut activations = vec![x.clone()];
        let mut pre = Vec::with_capacity(self.weights.len());
        for w in &self.weights {
            let h = activations.last().expect("the input is there");
            let z = w * h;
            let mut out = z.map(|v| f.apply(v));
            if self.residual {
                out += h;
            }
            pre.push(z);
            activations.push(out);
        }
        let last = activations.last().expect("the input is there");
        let loss = 0.5 * (last - y).norm_squared();
        let mut delta = last - y;
        let mut deltas = vec![delta.clone()];
        let mut norms = vec![0.0; self.weights.len()];
        for l in (0..self.weights.len()).rev() {
            let local = pre[l].map(|v| f.derivative(v)).component_mul(&delta);
            // ∂L/∂W_l = (f′ ⊙ δ_{l+1})·h_lᵀ, whose Frobenius norm is the product of the norms.
            norms[l] = local.norm() * activations[l].norm();
            let mut back = self.weights[l].transpose() * &local;
            if self.residual {
                back += &delta;
            }
            delta = back;
            deltas.push(delta.clone());
        }
        deltas.reverse();
        StackPass {
            activations,
            deltas,
            weight_grad_norms: norms,
            loss,
        }
    }

    /// The loss alone, for finite differences.
    pub fn loss(&self, x: &DVector<f64>, y: &DVector<f64>) -> f64 {
        let mut h = x.clone();
        for w in &self.weights {
            let mut out = (w * &h).map(|v| self.activation.apply(v));
            if self.residual {
                out += &h;
            }
            h = out;
        }
        0.5 * (h - y).norm_squared()
    }
}

/// Width of the lesson's deep stack.
pub const STACK_WIDTH: usize = 64;

/// The lesson's deep stack, `depth` layers of width [`STACK_WIDTH`] with weights
/// `N(0, scale²/width)`, run forward and backward on one fixed input and target.
pub fn depth_profile(
    depth: usize,
    activation: Activation,
    scale: f64,
    residual: bool,
) -> StackPass {
    let net = DeepStack::new(depth, STACK_WIDTH, activation, scale, residual, 7);
    let mut rng = StdRng::seed_from_u64(8);
    let x = DVector::from_fn(STACK_WIDTH, |_, _| gaussian(&mut rng));
    let y = DVector::from_fn(STACK_WIDTH, |_, _| gaussian(&mut rng));
    net.pass(&x, &y)
}

/// A standard normal draw (Box–Muller), so the stack needs no distribution crate.
pub fn gaussian(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests;
