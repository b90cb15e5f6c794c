//! One pass through the policy network for the graph, and backpropagation against finite
//! differences on the same network: what the panel shows, computed here so it can be tested.

use crate::math::bc::BcTrainer;
use crate::math::mlp::LayerTrace;
use bevy::platform::time::Instant;

/// The pass drawn: the observation and target in the network's standardised units, the
/// trace, and the loss `½‖π(x) − y‖²`.
#[derive(Clone, Debug)]
pub struct PassView {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub trace: LayerTrace,
    pub loss: f64,
}

/// The network's forward and backward pass on one (position error, scripted translation)
/// pair.
pub fn pass(net: &BcTrainer, error: &[f64; 3], target: &[f64; 3]) -> PassView {
    let x = net.obs_scale.apply(error);
    let y = net.act_scale.apply(target);
    let trace = net
        .net
        .trace(&x, |out| out.iter().zip(&y).map(|(o, t)| o - t).collect());
    let out = trace.values.last().cloned().unwrap_or_default();
    let loss = 0.5
        * out
            .iter()
            .zip(&y)
            .map(|(o, t)| (o - t).powi(2))
            .sum::<f64>();
    PassView { x, y, trace, loss }
}

/// Backpropagation against central differences on the drawn pass.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostReadout {
    pub params: usize,
    /// Forward passes: central differences (2 per parameter), and one-sided (`P + 1`).
    pub fd_passes: usize,
    pub fd_ms: f64,
    /// One forward pass alone.
    pub forward_ms: f64,
    /// One forward and one backward pass.
    pub bp_ms: f64,
    /// `max |g_fd − g_bp| / max |g_bp|`.
    pub rel_diff: f64,
}

/// Times both ways of getting the gradient of the pass's loss (each repeated to be
/// measurable) and compares them.
pub fn measure(net: &BcTrainer, error: &[f64; 3], target: &[f64; 3]) -> CostReadout {
    let view = pass(net, error, target);
    let (x, y) = (&view.x, &view.y);
    let loss = |m: &crate::math::mlp::Mlp| {
        let out = m.forward(x);
        0.5 * out.iter().zip(y).map(|(o, t)| (o - t).powi(2)).sum::<f64>()
    };
    // The fastest of several runs: the others were interrupted (drawing, other threads).
    fn fastest_ms(repeat: usize, mut f: impl FnMut()) -> f64 {
        (0..repeat)
            .map(|_| {
                let clock = Instant::now();
                f();
                clock.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::INFINITY, f64::min)
    }
    let mut sink = 0.0;
    let forward_ms = fastest_ms(30, || sink += loss(&net.net));
    let mut bp = Vec::new();
    let bp_ms = fastest_ms(30, || {
        bp = net
            .net
            .trace(x, |out| out.iter().zip(y).map(|(o, t)| o - t).collect())
            .grad;
    });
    let mut fd = Vec::new();
    let fd_ms = fastest_ms(3, || fd = net.net.finite_difference_gradient(loss, 1e-6));
    std::hint::black_box(sink);
    let scale = bp.iter().map(|g| g.abs()).fold(0.0, f64::max).max(1e-300);
    let diff = fd
        .iter()
        .zip(&bp)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    CostReadout {
        params: net.net.params.len(),
        fd_passes: 2 * net.net.params.len(),
        forward_ms,
        fd_ms,
        bp_ms,
        rel_diff: diff / scale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::bc::Demos;
    use crate::sim::reach::policy_config;

    fn net() -> (BcTrainer, Demos) {
        let mut d = Demos::default();
        for i in 0..50 {
            let e = [0.01 * i as f64, -0.004 * i as f64, 0.1 - 0.002 * i as f64];
            let n = (e[0] * e[0] + e[1] * e[1] + e[2] * e[2]).sqrt().max(1e-9);
            let s = (0.01 / n).min(1.0);
            d.push(e.to_vec(), e.iter().map(|v| v * s).collect());
        }
        let mut t = BcTrainer::new(&d, policy_config()).expect("demos");
        t.train(&d, 50);
        (t, d)
    }

    /// The graph's numbers: one value vector per column (3, 16, 16, 3), one δ per column after
    /// the input, the output's δ the error `π(x) − y`, and the loss its half squared norm.
    #[test]
    fn the_drawn_pass_has_every_layer_and_the_right_output_delta() {
        let (t, _) = net();
        let v = pass(&t, &[0.1, -0.05, 0.08], &[0.01, -0.005, 0.008]);
        let widths: Vec<usize> = v.trace.values.iter().map(Vec::len).collect();
        assert_eq!(widths, vec![3, 16, 16, 3]);
        assert_eq!(v.trace.deltas.len(), 3);
        let out = &v.trace.values[3];
        for i in 0..3 {
            assert!((v.trace.deltas[2][i] - (out[i] - v.y[i])).abs() < 1e-15);
        }
        let l: f64 = v.trace.deltas[2].iter().map(|d| d * d).sum::<f64>() / 2.0;
        assert!((l - v.loss).abs() < 1e-15);
        assert_eq!(v.trace.grad.len(), t.net.params.len());
    }

    /// Backpropagation and finite differences agree to 1e-6 relative on the policy network,
    /// and finite differences take 2P passes.
    #[test]
    fn finite_differences_agree_with_backprop_on_the_policy() {
        let (t, _) = net();
        let r = measure(&t, &[0.1, -0.05, 0.08], &[0.01, -0.005, 0.008]);
        assert_eq!(r.params, 3 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3);
        assert_eq!(r.fd_passes, 2 * r.params);
        assert!(r.rel_diff < 1e-6, "{}", r.rel_diff);
        assert!(r.fd_ms >= 0.0 && r.bp_ms >= 0.0 && r.forward_ms >= 0.0);
    }
}
