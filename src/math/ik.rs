//! Inverse kinematics by Newton iterations on the pose error (each step solves the
//! local linear model `J Δq = e` instead of inverting `J`).
//!
//! Three steps are offered, as in the lessons:
//! * the **pseudo-inverse** `Δq = J⁺e` (minimum-norm, exact, and explosive near singularities:
//!   `|Δq|` grows like `1/σ_min`);
//! * **damped least squares** `Δq = Jᵀ(JJᵀ + λ²I)⁻¹e`, which trades a little accuracy for bounded
//!   steps, `|Δq| ≤ |e|/(2λ)`; the damping switches on only near a singularity:
//!   `λ² = (1 − (σ_min/ε)²)·λ_max²` when `σ_min < ε`, else 0 (Nakamura–Hanafusa, Maciejewski);
//! * a **null-space** term `(I − J⁺J)·Δq₀` that moves a redundant arm's 7th degree of freedom
//!   (e.g. the elbow) towards a rest posture without disturbing the tool.

use super::{Jacobian, Manipulability, Mat6, Transform, Vec3, Vec6, so3};
use nalgebra::{DMatrix, DVector};

/// What an IK solver needs from a serial chain.
pub trait KinematicChain {
    /// Number of joint variables.
    fn dof(&self) -> usize;
    /// `(lower, upper)` of joint `i`; infinite for continuous joints.
    fn joint_limits(&self, i: usize) -> (f64, f64);
    /// The tip's pose in the base frame.
    fn tip_pose(&self, q: &[f64]) -> Transform;
    /// The geometric Jacobian of the tip in the base frame, linear rows first.
    fn tip_jacobian(&self, q: &[f64], out: &mut Jacobian);
}

/// The pose error `e = (p* − p, log(R*·Rᵀ))` in base coordinates: the twist that, held for one
/// second, carries `current` to `target`, to first order.
pub fn pose_error(current: &Transform, target: &Transform) -> Vec6 {
    let dp = target.translation - current.translation;
    let dr = so3::log(&(target.rotation * current.rotation.transpose()));
    Vec6::new(dp.x, dp.y, dp.z, dr.x, dr.y, dr.z)
}

/// `J⁺` by SVD, dropping singular values below `tol`.
pub fn pseudo_inverse(j: &Jacobian, tol: f64) -> DMatrix<f64> {
    let dj = DMatrix::from_column_slice(6, j.ncols(), j.as_slice());
    match dj.pseudo_inverse(tol) {
        Ok(p) => p,
        Err(_) => DMatrix::zeros(j.ncols(), 6),
    }
}

/// How far `g` is from meeting each of the four Penrose conditions for `a`: the largest entry
/// of `A G A − A`, `G A G − G`, `(A G)ᵀ − A G` and `(G A)ᵀ − G A`. The pseudo-inverse is the one
/// matrix with all four zero; the first two alone (a "reflexive generalized inverse") hold for
/// a whole family when `A` is not square and invertible.
pub fn penrose_residuals(a: &DMatrix<f64>, g: &DMatrix<f64>) -> [f64; 4] {
    let ag = a * g;
    let ga = g * a;
    [
        (&ag * a - a).amax(),
        (&ga * g - g).amax(),
        (ag.transpose() - &ag).amax(),
        (ga.transpose() - &ga).amax(),
    ]
}

/// Another inverse of `J` beside `J⁺`: `G = J⁺ + (I − J⁺J)·E·(JJ⁺)`, with `E` the n × 6
/// matrix whose top block is 4·I (any E would do; 4 makes the difference plain on the arm). It
/// meets the first three Penrose conditions (`JGJ = J`, `GJG = G`, `JG` symmetric) for every
/// `J`, and so solves `J q̇ = V` wherever `J⁺` does, but not the fourth: `GJ` is not symmetric,
/// and `G·V` adds a motion in the null space of `J`, so it is longer than `J⁺V`. Where `J` has
/// no null space (six joints, full rank) it is `J⁺`.
pub fn another_inverse(j: &Jacobian) -> DMatrix<f64> {
    let dj = DMatrix::from_column_slice(6, j.ncols(), j.as_slice());
    another_inverse_from(&dj, &pseudo_inverse(j, 1e-12))
}

/// [`another_inverse`] of the 6 × n matrix `j` whose pseudo-inverse `pinv` is already known.
pub fn another_inverse_from(j: &DMatrix<f64>, pinv: &DMatrix<f64>) -> DMatrix<f64> {
    let n = j.ncols();
    let null = DMatrix::identity(n, n) - pinv * j;
    let e = DMatrix::from_fn(n, 6, |r, c| if r == c { 4.0 } else { 0.0 });
    pinv + null * e * (j * pinv)
}

/// The pseudo-inverse step `Δq = J⁺e`.
pub fn pinv_step(j: &Jacobian, e: &Vec6) -> DVector<f64> {
    pseudo_inverse(j, 1e-12) * DVector::from_column_slice(e.as_slice())
}

/// The damped-least-squares step `Δq = Jᵀ(JJᵀ + λ²I)⁻¹e`, written into `out` (no allocation).
pub fn dls_step_into(j: &Jacobian, e: &Vec6, lambda: f64, out: &mut [f64]) {
    let n = j.ncols();
    let mut a = Mat6::zeros();
    for r in 0..6 {
        for c in r..6 {
            let mut s = 0.0;
            for k in 0..n {
                s += j[(r, k)] * j[(c, k)];
            }
            a[(r, c)] = s;
            a[(c, r)] = s;
        }
        a[(r, r)] += lambda * lambda;
    }
    // JJᵀ + λ²I is symmetric positive definite when λ > 0 or J has full row rank; otherwise
    // fall back to LU, which solves any non-singular system.
    let y = match a.cholesky() {
        Some(ch) => ch.solve(e),
        None => a.lu().solve(e).unwrap_or_else(Vec6::zeros),
    };
    for (k, o) in out.iter_mut().enumerate().take(n) {
        *o = (0..6).map(|r| j[(r, k)] * y[r]).sum();
    }
}

/// See [`dls_step_into`].
pub fn dls_step(j: &Jacobian, e: &Vec6, lambda: f64) -> DVector<f64> {
    let mut out = DVector::zeros(j.ncols());
    dls_step_into(j, e, lambda, out.as_mut_slice());
    out
}

/// Damping that grows smoothly from 0 at `σ_min = ε` to `λ_max` at `σ_min = 0`.
pub fn adaptive_damping(sigma_min: f64, epsilon: f64, lambda_max: f64) -> f64 {
    if sigma_min >= epsilon {
        0.0
    } else {
        let r = sigma_min / epsilon;
        lambda_max * (1.0 - r * r).sqrt()
    }
}

/// The null-space projector `N = I − J⁺J`: `J·N = 0`, so `N·Δq₀` moves the joints without
/// moving the tool.
pub fn nullspace_projector(j: &Jacobian) -> DMatrix<f64> {
    let n = j.ncols();
    let dj = DMatrix::from_column_slice(6, n, j.as_slice());
    DMatrix::identity(n, n) - pseudo_inverse(j, 1e-9) * dj
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IkMethod {
    PseudoInverse,
    /// Damped least squares with adaptive damping.
    DampedLeastSquares {
        epsilon: f64,
        lambda_max: f64,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct IkSolver {
    pub method: IkMethod,
    pub max_iterations: usize,
    /// Converged when the position error is below this (m)…
    pub position_tolerance: f64,
    /// …and the orientation error below this (rad).
    pub orientation_tolerance: f64,
    /// Largest joint step per iteration (rad or m, infinity norm); keeps Newton in its basin.
    pub max_step: f64,
    /// Clamp every iterate into the joint limits.
    pub respect_limits: bool,
    /// A rest posture the redundant DoF drifts towards through the null space, with its gain.
    pub rest: Option<(Vec<f64>, f64)>,
}

impl Default for IkSolver {
    fn default() -> Self {
        IkSolver {
            method: IkMethod::DampedLeastSquares {
                epsilon: 0.04,
                lambda_max: 0.08,
            },
            max_iterations: 200,
            position_tolerance: 1e-6,
            orientation_tolerance: 1e-6,
            max_step: 0.2,
            respect_limits: true,
            rest: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct IkSolution {
    pub q: Vec<f64>,
    pub iterations: usize,
    pub position_error: f64,
    pub orientation_error: f64,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IkError {
    #[error(
        "IK did not converge after {iterations} iterations (position error {position_error:.3e} m, orientation error {orientation_error:.3e} rad)"
    )]
    NotConverged {
        iterations: usize,
        position_error: f64,
        orientation_error: f64,
        /// The best iterate found.
        q: Vec<f64>,
    },
    #[error("IK needs {expected} joint values, got {got}")]
    WrongJointCount { expected: usize, got: usize },
    #[error("IK input is not finite (NaN or infinity in the target or the start)")]
    NonFinite,
}

impl IkSolver {
    pub fn solve(
        &self,
        chain: &impl KinematicChain,
        target: &Transform,
        q0: &[f64],
    ) -> Result<IkSolution, IkError> {
        let n = chain.dof();
        if q0.len() != n {
            return Err(IkError::WrongJointCount {
                expected: n,
                got: q0.len(),
            });
        }
        if !target.is_finite() || q0.iter().any(|x| !x.is_finite()) {
            return Err(IkError::NonFinite);
        }
        let mut q = q0.to_vec();
        self.clamp(chain, &mut q);
        let mut j = Jacobian::zeros(n);
        let mut dq = vec![0.0; n];
        let mut best = (f64::INFINITY, q.clone(), 0.0, 0.0);
        for it in 0..=self.max_iterations {
            let e = pose_error(&chain.tip_pose(&q), target);
            let (pe, oe) = error_norms(&e);
            if pe + oe < best.0 {
                best = (pe + oe, q.clone(), pe, oe);
            }
            if pe <= self.position_tolerance && oe <= self.orientation_tolerance {
                return Ok(IkSolution {
                    q,
                    iterations: it,
                    position_error: pe,
                    orientation_error: oe,
                });
            }
            if it == self.max_iterations {
                break;
            }
            self.advance(chain, &mut q, &e, &mut j, &mut dq);
        }
        Err(IkError::NotConverged {
            iterations: self.max_iterations,
            position_error: best.2,
            orientation_error: best.3,
            q: best.1,
        })
    }

    /// Moves `q` by one step for the pose error `e` at `q`: the step scaled down to
    /// `max_step`, then clamped into the limits.
    fn advance(
        &self,
        chain: &impl KinematicChain,
        q: &mut [f64],
        e: &Vec6,
        j: &mut Jacobian,
        dq: &mut [f64],
    ) {
        chain.tip_jacobian(q, j);
        self.step(j, e, q, dq);
        let biggest = dq.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        let scale = if biggest > self.max_step {
            self.max_step / biggest
        } else {
            1.0
        };
        for (qi, d) in q.iter_mut().zip(dq.iter()) {
            *qi += d * scale;
        }
        self.clamp(chain, q);
    }

    /// The iterates [`IkSolver::solve`] would take, all of them: `q0` and `iterations` more,
    /// each with the norm of its whole pose error `‖e‖` (m and rad together, as the solver
    /// drives them). Empty for a wrong joint count or a non-finite input.
    pub fn trace(
        &self,
        chain: &impl KinematicChain,
        target: &Transform,
        q0: &[f64],
        iterations: usize,
    ) -> Vec<(Vec<f64>, f64)> {
        let n = chain.dof();
        if q0.len() != n || !target.is_finite() || q0.iter().any(|x| !x.is_finite()) {
            return Vec::new();
        }
        let mut q = q0.to_vec();
        self.clamp(chain, &mut q);
        let (mut j, mut dq) = (Jacobian::zeros(n), vec![0.0; n]);
        let mut out = Vec::with_capacity(iterations + 1);
        for it in 0..=iterations {
            let e = pose_error(&chain.tip_pose(&q), target);
            out.push((q.clone(), e.norm()));
            if it < iterations {
                self.advance(chain, &mut q, &e, &mut j, &mut dq);
            }
        }
        out
    }

    /// One Newton step for the current Jacobian and error, including the null-space term.
    pub fn step(&self, j: &Jacobian, e: &Vec6, q: &[f64], out: &mut [f64]) {
        match self.method {
            IkMethod::PseudoInverse => {
                let s = pinv_step(j, e);
                out.copy_from_slice(s.as_slice());
            }
            IkMethod::DampedLeastSquares {
                epsilon,
                lambda_max,
            } => {
                let sigma_min = Manipulability::from_jacobian(j).sigma_min();
                let lambda = adaptive_damping(sigma_min, epsilon, lambda_max);
                dls_step_into(j, e, lambda, out);
            }
        }
        if let Some((rest, gain)) = &self.rest {
            let dq0 =
                DVector::from_iterator(q.len(), q.iter().zip(rest).map(|(a, r)| gain * (r - a)));
            let ns = nullspace_projector(j) * dq0;
            for (o, d) in out.iter_mut().zip(ns.iter()) {
                *o += d;
            }
        }
    }

    fn clamp(&self, chain: &impl KinematicChain, q: &mut [f64]) {
        if self.respect_limits {
            for (i, qi) in q.iter_mut().enumerate() {
                let (lo, hi) = chain.joint_limits(i);
                *qi = qi.clamp(lo, hi);
            }
        }
    }
}

/// The position error's norm and orientation error's angle of a pose error.
pub fn error_norms(e: &Vec6) -> (f64, f64) {
    (
        Vec3::new(e[0], e[1], e[2]).norm(),
        Vec3::new(e[3], e[4], e[5]).norm(),
    )
}

/// Self-motion of a redundant arm: moves `q` a joint-space distance `amount` along the unit
/// null-space direction `q̇ = n/|n|`, `n = (I − J⁺J)·e_joint` (the part of "joint `joint`
/// alone" that leaves the tool still), in `steps` Euler steps with the projector refreshed
/// each step. The tool stays put to second order in the step size; the returned drift (pose
/// error norm, tool before → after) says how well. Stops early where `e_joint` has no
/// null-space component left (`|n| < 1e-6`).
pub fn self_motion(
    chain: &impl KinematicChain,
    q: &[f64],
    joint: usize,
    amount: f64,
    steps: usize,
) -> (Vec<f64>, f64) {
    let n = chain.dof();
    let mut q = q.to_vec();
    if joint >= n || !amount.is_finite() || steps == 0 {
        return (q, 0.0);
    }
    let start = chain.tip_pose(&q);
    let mut j = Jacobian::zeros(n);
    let h = amount / steps as f64;
    for _ in 0..steps {
        chain.tip_jacobian(&q, &mut j);
        let column = nullspace_projector(&j).column(joint).clone_owned();
        let norm = column.norm();
        if norm < 1e-6 {
            break;
        }
        for (qi, d) in q.iter_mut().zip(column.iter()) {
            *qi += h * d / norm;
        }
    }
    let drift = pose_error(&start, &chain.tip_pose(&q)).norm();
    (q, drift)
}

#[cfg(test)]
mod penrose_tests {
    use super::*;

    /// A 6 × n Jacobian with entries from a fixed pseudo-random sequence.
    fn jacobian(n: usize, seed: u64) -> Jacobian {
        let mut x = seed;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        let mut j = Jacobian::zeros(n);
        for c in 0..n {
            for r in 0..6 {
                j[(r, c)] = next();
            }
        }
        j
    }

    #[test]
    fn the_pseudo_inverse_meets_all_four_conditions_and_is_the_closed_form() {
        for seed in 0..20 {
            let j = jacobian(7, seed);
            let a = DMatrix::from_column_slice(6, 7, j.as_slice());
            let p = pseudo_inverse(&j, 1e-12);
            assert!(
                penrose_residuals(&a, &p).iter().all(|r| *r < 1e-10),
                "{seed}"
            );
            // Independent of the SVD: for full row rank, J⁺ = Jᵀ(JJᵀ)⁻¹.
            let closed = a.transpose() * (&a * a.transpose()).try_inverse().unwrap();
            assert!((&p - closed).amax() < 1e-9, "{seed}");
        }
    }

    #[test]
    fn two_conditions_leave_a_family_and_the_other_member_is_longer() {
        for seed in 0..20 {
            let j = jacobian(7, seed);
            let a = DMatrix::from_column_slice(6, 7, j.as_slice());
            let p = pseudo_inverse(&j, 1e-12);
            let g = another_inverse(&j);
            let r = penrose_residuals(&a, &g);
            assert!(
                r[0] < 1e-10 && r[1] < 1e-10 && r[2] < 1e-10,
                "{seed}: {r:?}"
            );
            assert!(r[3] > 1e-3, "{seed}: the fourth condition holds: {r:?}");
            assert!((&g - &p).amax() > 1e-3, "{seed}: G is J⁺");
            let v = DVector::from_column_slice(&[0.1, -0.05, 0.02, 0.3, 0.0, -0.1]);
            let (dq_p, dq_g) = (&p * &v, &g * &v);
            // Both deliver V; the difference lies in the null space, orthogonal to J⁺V.
            assert!((&a * &dq_p - &v).amax() < 1e-10);
            assert!((&a * &dq_g - &v).amax() < 1e-10);
            let extra = &dq_g - &dq_p;
            assert!((&a * &extra).amax() < 1e-10);
            assert!(dq_p.dot(&extra).abs() < 1e-10);
            assert!(dq_g.norm() > dq_p.norm());
        }
        // Six joints of full rank: no null space, one inverse.
        let j = jacobian(6, 3);
        assert!((another_inverse(&j) - pseudo_inverse(&j, 1e-12)).amax() < 1e-9);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// A planar 3R arm in the XY plane (link lengths 1, 0.8, 0.5): redundant for position.
    struct Planar3;
    const L: [f64; 3] = [1.0, 0.8, 0.5];
    impl KinematicChain for Planar3 {
        fn dof(&self) -> usize {
            3
        }
        fn joint_limits(&self, _: usize) -> (f64, f64) {
            (-3.0, 3.0)
        }
        fn tip_pose(&self, q: &[f64]) -> Transform {
            let (mut x, mut y, mut a) = (0.0, 0.0, 0.0);
            for i in 0..3 {
                a += q[i];
                x += L[i] * a.cos();
                y += L[i] * a.sin();
            }
            Transform::new(so3::rot_z(a), Vec3::new(x, y, 0.0))
        }
        fn tip_jacobian(&self, q: &[f64], out: &mut Jacobian) {
            let tip = self.tip_pose(q).translation;
            let (mut x, mut y, mut a) = (0.0, 0.0, 0.0);
            for i in 0..3 {
                let p = Vec3::new(x, y, 0.0);
                let v = Vec3::z().cross(&(tip - p));
                out.set_column(i, &Vec6::new(v.x, v.y, 0.0, 0.0, 0.0, 1.0));
                a += q[i];
                x += L[i] * a.cos();
                y += L[i] * a.sin();
            }
        }
    }

    #[test]
    fn dls_equals_pinv_without_damping_and_is_bounded_with_it() {
        let mut j = Jacobian::zeros(3);
        Planar3.tip_jacobian(&[0.3, 0.5, -0.2], &mut j);
        let e = Vec6::new(0.01, -0.02, 0.0, 0.0, 0.0, 0.03);
        // J has rank 3 here, so JJᵀ is singular: use a tiny λ for the limit check.
        let dls = dls_step(&j, &e, 1e-7);
        let pinv = pinv_step(&j, &e);
        assert_relative_eq!(dls, pinv, epsilon = 1e-6);
        let lambda = 0.5;
        let damped = dls_step(&j, &e, lambda);
        assert!(damped.norm() <= e.norm() / (2.0 * lambda) + 1e-12);
    }

    /// The traced iterates are the solver's: they reach its solution in as many steps.
    #[test]
    fn the_trace_follows_the_solver() {
        let target = Planar3.tip_pose(&[0.4, -0.9, 0.7]);
        let solver = IkSolver::default();
        let sol = solver.solve(&Planar3, &target, &[0.0, 0.1, 0.0]).unwrap();
        let trace = solver.trace(&Planar3, &target, &[0.0, 0.1, 0.0], sol.iterations);
        assert_eq!(trace.len(), sol.iterations + 1);
        assert_eq!(trace.last().unwrap().0, sol.q);
        assert!(trace[0].1 > 0.1 && trace.last().unwrap().1 < 2e-6);
        assert!(solver.trace(&Planar3, &target, &[0.0], 3).is_empty());
    }

    #[test]
    fn damping_grows_only_near_singularity() {
        assert_eq!(adaptive_damping(0.1, 0.05, 0.1), 0.0);
        assert!(adaptive_damping(0.01, 0.05, 0.1) > 0.09);
        assert_relative_eq!(adaptive_damping(0.0, 0.05, 0.1), 0.1);
    }

    #[test]
    fn solves_a_reachable_target_and_reports_an_unreachable_one() {
        let target = Planar3.tip_pose(&[0.4, -0.9, 0.7]);
        let solver = IkSolver::default();
        let sol = solver
            .solve(&Planar3, &target, &[0.0, 0.1, 0.0])
            .expect("converges");
        assert!(sol.position_error < 1e-6);
        let far = Transform::from_translation(Vec3::new(5.0, 0.0, 0.0));
        match solver.solve(&Planar3, &far, &[0.0, 0.1, 0.0]) {
            Err(IkError::NotConverged { position_error, .. }) => {
                // The arm reaches 2.3 m, so no iterate can be closer than 2.7 m; the best one
                // trades a little distance for orientation, so it is near but not at the bound.
                assert!(
                    (2.7 - 1e-9..2.75).contains(&position_error),
                    "{position_error}"
                );
            }
            other => panic!("expected NotConverged, got {other:?}"),
        }
        assert!(matches!(
            solver.solve(&Planar3, &target, &[0.0]),
            Err(IkError::WrongJointCount {
                expected: 3,
                got: 1
            })
        ));
        assert!(matches!(
            solver.solve(&Planar3, &target, &[f64::NAN, 0.0, 0.0]),
            Err(IkError::NonFinite)
        ));
    }

    #[test]
    fn nullspace_motion_leaves_the_tool_still() {
        let q = [0.3, 0.9, -0.6];
        let mut j = Jacobian::zeros(3);
        Planar3.tip_jacobian(&q, &mut j);
        // Only x, y and yaw rows matter for a planar arm; project onto the position rows.
        let mut jp = Jacobian::zeros(3);
        for c in 0..3 {
            jp[(0, c)] = j[(0, c)];
            jp[(1, c)] = j[(1, c)];
        }
        let n = nullspace_projector(&jp);
        let dq = &n * DVector::from_vec(vec![0.5, -0.2, 0.3]);
        let dj = DMatrix::from_column_slice(6, 3, jp.as_slice());
        assert!((dj * &dq).amax() < 1e-12);
        assert!(dq.norm() > 1e-3);
    }
}
