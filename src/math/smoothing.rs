//! Smoothing a predicted action chunk with a penalty on how fast it changes, the way a
//! smoothness term in a training loss shapes what a policy outputs:
//!
//! `min over s:  ‖s − a‖² + λ‖Δs‖² + μ‖Δ²s‖²`
//!
//! for each action dimension, where `a` is the chunk as predicted, `Δ` the difference between
//! consecutive actions and `Δ²` the second difference. The actions already executed before the
//! chunk are fixed and enter the differences, so the smoothed chunk also joins the past
//! without a jump at the seam. The minimiser solves the normal equations
//! `(I + λ D₁ᵀD₁ + μ D₂ᵀD₂) s = a` restricted to the free entries.

use nalgebra::{DMatrix, DVector};

/// The objective, written out term by term (the oracle the solver is tested against).
pub fn objective(s: &[f64], a: &[f64], past: &[f64], lambda: f64, mu: f64) -> f64 {
    let x: Vec<f64> = past.iter().chain(s).copied().collect();
    let fit: f64 = s.iter().zip(a).map(|(s, a)| (s - a) * (s - a)).sum();
    let d1: f64 = x.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum();
    let d2: f64 = x
        .windows(3)
        .map(|w| (w[2] - 2.0 * w[1] + w[0]).powi(2))
        .sum();
    fit + lambda * d1 + mu * d2
}

/// The minimiser of [`objective`] over `s`, given the chunk `a` and the fixed values `past`
/// that precede it (oldest first; any number, usually the last two executed). With
/// `λ = μ = 0` it returns `a`.
pub fn smooth(a: &[f64], past: &[f64], lambda: f64, mu: f64) -> Vec<f64> {
    let (p, n) = (past.len(), a.len());
    if n == 0 || (lambda <= 0.0 && mu <= 0.0) {
        return a.to_vec();
    }
    let m = p + n;
    // Difference operators on the whole sequence x = (past, s).
    let mut d1 = DMatrix::<f64>::zeros(m.saturating_sub(1), m);
    for i in 0..m.saturating_sub(1) {
        d1[(i, i)] = -1.0;
        d1[(i, i + 1)] = 1.0;
    }
    let mut d2 = DMatrix::<f64>::zeros(m.saturating_sub(2), m);
    for i in 0..m.saturating_sub(2) {
        d2[(i, i)] = 1.0;
        d2[(i, i + 1)] = -2.0;
        d2[(i, i + 2)] = 1.0;
    }
    let q = d1.transpose() * &d1 * lambda.max(0.0) + d2.transpose() * &d2 * mu.max(0.0);
    // Free block: (I + Q_ss) s = a − Q_sp·past.
    let q_ss = q.view((p, p), (n, n)).into_owned() + DMatrix::<f64>::identity(n, n);
    let q_sp = q.view((p, 0), (n, p)).into_owned();
    let rhs = DVector::from_column_slice(a) - q_sp * DVector::from_column_slice(past);
    match q_ss.cholesky() {
        Some(c) => c.solve(&rhs).iter().copied().collect(),
        // I + a positive semi-definite matrix is positive definite; keep the chunk if not.
        None => a.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk() -> (Vec<f64>, Vec<f64>) {
        let a = vec![0.3, -0.1, 0.5, 0.45, -0.2, 0.1, 0.0, 0.35];
        (a, vec![0.05, 0.1])
    }

    #[test]
    fn no_penalty_keeps_the_chunk() {
        let (a, past) = chunk();
        assert_eq!(smooth(&a, &past, 0.0, 0.0), a);
    }

    #[test]
    fn the_solution_is_a_minimum_of_the_objective() {
        let (a, past) = chunk();
        for (lambda, mu) in [(1.0, 0.0), (0.0, 2.0), (0.5, 3.0)] {
            let s = smooth(&a, &past, lambda, mu);
            // The gradient, by central differences of the objective as written, is zero.
            let h = 1e-6;
            for i in 0..s.len() {
                let (mut up, mut down) = (s.clone(), s.clone());
                up[i] += h;
                down[i] -= h;
                let g = (objective(&up, &a, &past, lambda, mu)
                    - objective(&down, &a, &past, lambda, mu))
                    / (2.0 * h);
                assert!(g.abs() < 1e-6, "λ {lambda} μ {mu}: ∂J/∂s{i} = {g}");
            }
            // And it beats the chunk itself and small moves away from it.
            let best = objective(&s, &a, &past, lambda, mu);
            assert!(best < objective(&a, &a, &past, lambda, mu));
            for k in 0..s.len() {
                let mut t = s.clone();
                t[k] += 0.01;
                assert!(objective(&t, &a, &past, lambda, mu) > best);
            }
        }
    }

    #[test]
    fn a_strong_penalty_flattens_the_chunk_towards_the_past() {
        let (a, past) = chunk();
        let s = smooth(&a, &past, 1e6, 0.0);
        // Every difference is nearly free of cost only when the chunk continues the last
        // executed value.
        for v in &s {
            assert!((v - past[1]).abs() < 1e-3, "{v}");
        }
        // An acceleration penalty alone keeps a straight continuation of the past.
        let line: Vec<f64> = (2..10).map(|i| 0.05 * (i + 1) as f64).collect();
        let kept = smooth(&line, &past, 0.0, 50.0);
        for (k, l) in kept.iter().zip(&line) {
            assert!((k - l).abs() < 1e-12);
        }
    }

    #[test]
    fn the_penalty_lowers_the_jerk_of_the_chunk() {
        let (a, past) = chunk();
        let jerk = |x: &[f64]| -> f64 {
            let all: Vec<f64> = past.iter().chain(x).copied().collect();
            all.windows(4)
                .map(|w| (w[3] - 3.0 * w[2] + 3.0 * w[1] - w[0]).powi(2))
                .sum::<f64>()
        };
        assert!(jerk(&smooth(&a, &past, 0.5, 2.0)) < 0.2 * jerk(&a));
    }
}
