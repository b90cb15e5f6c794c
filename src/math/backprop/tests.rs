use super::*;
use crate::math::mlp::{Mlp, Tape};

fn toy() -> LinearToy {
    LinearToy {
        w: DMatrix::from_row_slice(2, 3, &[0.5, -0.2, 0.1, 0.3, 0.8, -0.4]),
        x: DVector::from_vec(vec![1.0, -0.5, 2.0]),
        target: DVector::from_vec(vec![0.2, -0.7]),
    }
}

#[test]
fn outer_product_is_the_backprop_gradient_of_a_one_layer_net() {
    let t = toy();
    let mut rng = StdRng::seed_from_u64(1);
    let mut net = Mlp::new(&[3, 2], &mut rng);
    // Copy W into the net (row-major) and zero its bias.
    let mut k = 0;
    for i in 0..2 {
        for j in 0..3 {
            net.params[k] = t.w[(i, j)];
            k += 1;
        }
    }
    net.params[6] = 0.0;
    net.params[7] = 0.0;
    let mut tape = Tape::default();
    let out = net.forward_tape(t.x.as_slice(), &mut tape);
    let d_out: Vec<f64> = out
        .iter()
        .zip(t.target.iter())
        .map(|(o, a)| o - a)
        .collect();
    let mut grad = vec![0.0; net.params.len()];
    net.backward(&tape, &d_out, &mut grad);
    let g = t.gradient();
    assert_eq!(g.shape(), t.w.shape());
    for i in 0..2 {
        for j in 0..3 {
            assert!((grad[i * 3 + j] - g[(i, j)]).abs() < 1e-12);
            // Row i is error i times x.
            assert!((g[(i, j)] - t.error()[i] * t.x[j]).abs() < 1e-15);
        }
    }
}

#[test]
fn gradient_matches_finite_differences() {
    let t = toy();
    let g = t.gradient();
    let h = 1e-6;
    for i in 0..2 {
        for j in 0..3 {
            let mut p = t.clone();
            p.w[(i, j)] += h;
            let mut m = t.clone();
            m.w[(i, j)] -= h;
            let fd = (p.loss() - m.loss()) / (2.0 * h);
            assert!((fd - g[(i, j)]).abs() < 1e-6 * g[(i, j)].abs().max(1.0));
        }
    }
}

#[test]
fn learning_rate_regimes_follow_the_contraction_factor() {
    let t = toy();
    let xx = t.x.norm_squared();
    for (lr, want) in [
        (0.5 / xx, Regime::Smooth),
        (1.5 / xx, Regime::Oscillating),
        (2.2 / xx, Regime::Diverging),
    ] {
        let c = t.contraction(lr);
        assert_eq!(regime(c), want);
        // The error really is multiplied by c each step.
        let mut s = t.clone();
        let e0 = s.error();
        s.step(lr);
        assert!((s.error() - e0 * c).norm() < 1e-12);
        let mut losses = vec![t.loss()];
        let mut s = t.clone();
        for _ in 0..10 {
            s.step(lr);
            losses.push(s.loss());
        }
        match want {
            Regime::Diverging => assert!(losses[10] > losses[0]),
            _ => assert!(losses.windows(2).all(|w| w[1] < w[0])),
        }
    }
}

#[test]
fn linear_approximation_error_is_second_order() {
    let t = toy();
    let g = t.gradient();
    let dir = DMatrix::from_row_slice(2, 3, &[0.3, -0.1, 0.2, 0.5, 0.1, -0.3]);
    let gap = |s: f64| {
        let mut p = t.clone();
        p.w += &dir * s;
        let dw: Vec<f64> = (&dir * s).iter().copied().collect();
        let grad: Vec<f64> = g.iter().copied().collect();
        (p.loss() - linear_prediction(t.loss(), &grad, &dw)).abs()
    };
    // Halving the step quarters the gap.
    for s in [0.4, 0.2, 0.1, 0.05] {
        let r = gap(s) / gap(s / 2.0);
        assert!((r - 4.0).abs() < 1e-6, "{r}");
    }
}

#[test]
fn clipping_bounds_the_norm_and_keeps_the_direction() {
    let mut g = vec![3.0, 4.0];
    assert_eq!(clip_by_norm(&mut g, 1.0), 5.0);
    assert!((g[0] - 0.6).abs() < 1e-15 && (g[1] - 0.8).abs() < 1e-15);
    let mut small = vec![0.1, 0.2];
    clip_by_norm(&mut small, 1.0);
    assert_eq!(small, vec![0.1, 0.2]);
}

#[test]
fn passes_for_finite_differences_grow_with_parameters() {
    assert_eq!(passes(1000), (1001, 2));
}

fn io(width: usize, seed: u64) -> (DVector<f64>, DVector<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let x = DVector::from_fn(width, |_, _| gaussian(&mut rng));
    let y = DVector::from_fn(width, |_, _| gaussian(&mut rng));
    (x, y)
}

#[test]
fn stack_backward_matches_finite_differences() {
    for act in [Activation::Sigmoid, Activation::Tanh, Activation::Relu] {
        for residual in [false, true] {
            let net = DeepStack::new(4, 5, act, 1.0, residual, 3);
            let (x, y) = io(5, 4);
            let pass = net.pass(&x, &y);
            // δ_0 against finite differences of the loss in the input.
            let h = 1e-6;
            for i in 0..5 {
                let mut p = x.clone();
                p[i] += h;
                let mut m = x.clone();
                m[i] -= h;
                let fd = (net.loss(&p, &y) - net.loss(&m, &y)) / (2.0 * h);
                let d = pass.deltas[0][i];
                assert!(
                    (fd - d).abs() < 1e-6 * d.abs().max(1e-3),
                    "{act:?} {fd} {d}"
                );
            }
            // One weight's gradient norm against finite differences of every entry.
            let l = 1;
            let mut sq = 0.0;
            for r in 0..5 {
                for c in 0..5 {
                    let mut p = net.clone();
                    p.weights[l][(r, c)] += h;
                    let mut m = net.clone();
                    m.weights[l][(r, c)] -= h;
                    let fd = (p.loss(&x, &y) - m.loss(&x, &y)) / (2.0 * h);
                    sq += fd * fd;
                }
            }
            let n = pass.weight_grad_norms[l];
            assert!((sq.sqrt() - n).abs() < 1e-6 * n.max(1e-3), "{act:?}");
        }
    }
}

/// `‖δ_0‖ / ‖δ_L‖`: how much the gradient grows or shrinks on its way back.
fn first_over_last(act: Activation, scale: f64, residual: bool) -> f64 {
    let net = DeepStack::new(30, 64, act, scale, residual, 7);
    let (x, y) = io(64, 8);
    let d = net.pass(&x, &y).deltas;
    d[0].norm() / d[d.len() - 1].norm()
}

#[test]
fn sigmoid_weight_gradients_vanish_too() {
    let net = DeepStack::new(30, 16, Activation::Sigmoid, 1.0, false, 7);
    let (x, y) = io(16, 8);
    let n = net.pass(&x, &y).weight_grad_norms;
    assert!(n[0] / n[29] < 1e-6, "{}", n[0] / n[29]);
}

#[test]
fn sigmoid_vanishes_residuals_carry_large_init_explodes() {
    let sigmoid = first_over_last(Activation::Sigmoid, 1.0, false);
    assert!(sigmoid < 1e-6, "sigmoid: {sigmoid}");
    let residual = first_over_last(Activation::Sigmoid, 1.0, true);
    assert!(residual > 0.1 && residual < 100.0, "residual: {residual}");
    let relu_large = first_over_last(Activation::Relu, 2.0 * 2f64.sqrt(), false);
    assert!(relu_large > 1e3, "ReLU at 2× He init: {relu_large}");
    let relu_he = first_over_last(Activation::Relu, 2f64.sqrt(), false);
    assert!(
        relu_he > 0.01 && relu_he < 100.0,
        "ReLU at He init: {relu_he}"
    );
}

#[test]
fn the_lessons_toy_regimes_are_where_the_panel_says() {
    let t = LinearToy::lesson();
    assert_eq!(t.w.shape(), (3, 4));
    assert!((t.x.norm_squared() - 1.38).abs() < 1e-12);
    let (smooth, diverge) = regime_bounds(&t.x);
    assert!((smooth - 1.0 / 1.38).abs() < 1e-12 && (diverge - 2.0 / 1.38).abs() < 1e-12);
    // Below 1/‖x‖² every step lowers the loss; between the bounds too, but the error
    // changes sign each step; beyond, the loss grows.
    let slow = t.descent(0.5 * smooth, 20);
    assert!(slow.windows(2).all(|w| w[1] < w[0]));
    let osc = t.descent(0.5 * (smooth + diverge), 20);
    assert!(osc.windows(2).all(|w| w[1] < w[0]));
    let mut s = t.clone();
    let e0 = s.error();
    s.step(0.5 * (smooth + diverge));
    assert!(s.error().dot(&e0) < 0.0, "the error flips sign");
    let far = t.descent(1.1 * diverge, 20);
    assert!(far[20] > 10.0 * far[0]);
    // At exactly 1/‖x‖² one step lands on the target.
    assert!(t.descent(smooth, 1)[1] < 1e-25);
}

#[test]
fn the_slice_and_its_descent_path_agree_with_the_toy() {
    let t = LinearToy::lesson();
    let (a, b) = ((0, 0), (1, 2));
    assert!((t.slice(a, b, 0.0, 0.0) - t.loss()).abs() < 1e-15);
    // The slice's slope at the origin is the gradient's two entries.
    let g = t.gradient();
    let h = 1e-6;
    let da = (t.slice(a, b, h, 0.0) - t.slice(a, b, -h, 0.0)) / (2.0 * h);
    let db = (t.slice(a, b, 0.0, h) - t.slice(a, b, 0.0, -h)) / (2.0 * h);
    assert!((da - g[a]).abs() < 1e-8 && (db - g[b]).abs() < 1e-8);
    let path = t.slice_path(a, b, 0.5, 40);
    let losses: Vec<f64> = path.iter().map(|&(x, y)| t.slice(a, b, x, y)).collect();
    assert!(losses.windows(2).all(|w| w[1] <= w[0] + 1e-15));
    // The first step goes against the gradient.
    assert!((path[1].0 + 0.5 * g[a]).abs() < 1e-12 && (path[1].1 + 0.5 * g[b]).abs() < 1e-12);
}

#[test]
fn along_descent_the_gap_to_the_linear_prediction_is_quadratic() {
    let t = LinearToy::lesson();
    let (l0, p0) = t.along_descent(0.0);
    assert!((l0 - p0).abs() < 1e-15);
    for s in [0.4, 0.2, 0.1] {
        let gap = |s: f64| {
            let (l, p) = t.along_descent(s);
            l - p
        };
        assert!(gap(s) > 0.0, "a convex loss lies above its tangent");
        assert!((gap(s) / gap(s / 2.0) - 4.0).abs() < 1e-9);
    }
    // For a small step the prediction is the truth to first order.
    let (l, p) = t.along_descent(1e-4);
    assert!((l - p).abs() < 1e-3 * (t.loss() - l));
}

#[test]
fn the_lessons_depth_profiles_fall_for_sigmoid_and_stay_bounded_with_residuals() {
    for depth in [10, 30, 50] {
        let sig = depth_profile(depth, Activation::Sigmoid, 1.0, false);
        let n: Vec<f64> = sig.deltas.iter().map(|d| d.norm()).collect();
        assert_eq!(n.len(), depth + 1);
        // Walking back from the loss, every layer shrinks the gradient.
        assert!(n.windows(2).all(|w| w[0] < w[1]), "{n:?}");
        assert!(n[0] / n[depth] < 0.25f64.powi(depth as i32 / 2));
        let res = depth_profile(depth, Activation::Sigmoid, 1.0, true);
        let last = res.deltas[depth].norm();
        for d in &res.deltas {
            let r = d.norm() / last;
            assert!(r > 0.5 && r < 10.0, "depth {depth}: {r}");
        }
    }
    let he = depth_profile(50, Activation::Relu, 2f64.sqrt(), false);
    let r = he.deltas[0].norm() / he.deltas[50].norm();
    assert!(r > 0.01 && r < 100.0, "{r}");
    let big = depth_profile(50, Activation::Relu, 2.0 * 2f64.sqrt(), false);
    assert!(big.deltas[0].norm() / big.deltas[50].norm() > 1e10);
}
