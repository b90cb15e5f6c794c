//! Rotations over time, for the rotations lesson: four
//! ways to interpolate between two orientations, integrating an angular velocity into a
//! quaternion (and what goes wrong with the shortcuts), how continuous each representation is
//! along a smooth motion, and what a w-first / w-last mix-up does.

use super::euler::EulerSequence;
use super::rotation::{Quat, matrix_from_sixd, sixd_from_matrix};
use super::{Mat3, Vec3, so3};

/// How to get from orientation `a` to orientation `b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Interpolation {
    /// Interpolate the three Euler angles of a sequence linearly. Not a geodesic; near gimbal
    /// lock the angles of nearby orientations can differ by up to π, and so can the path.
    EulerLinear(EulerSequence),
    /// Spherical linear interpolation of unit quaternions along the shorter arc: the geodesic,
    /// at constant angular speed.
    Slerp,
    /// Interpolate the 6D representation (the first two columns of R) linearly and map back
    /// with Gram–Schmidt: continuous everywhere, but not at constant speed.
    SixDLinear,
    /// Interpolate the rotation vectors `log(R)` linearly: a geodesic only when both lie on
    /// one axis through the identity.
    RotationVectorLinear,
}

/// The orientation at fraction `t ∈ [0, 1]` of the way from `a` to `b`.
pub fn interpolate(a: &Mat3, b: &Mat3, t: f64, how: Interpolation) -> Mat3 {
    match how {
        Interpolation::EulerLinear(seq) => {
            let (ea, eb) = (seq.from_matrix(a).angles, seq.from_matrix(b).angles);
            seq.to_matrix(std::array::from_fn(|i| ea[i] + t * (eb[i] - ea[i])))
        }
        Interpolation::Slerp => Quat::from_matrix(a)
            .slerp(Quat::from_matrix(b), t)
            .to_matrix(),
        Interpolation::SixDLinear => {
            let (sa, sb) = (sixd_from_matrix(a), sixd_from_matrix(b));
            let s: [f64; 6] = std::array::from_fn(|i| sa[i] + t * (sb[i] - sa[i]));
            // Only exactly opposite columns make the blend degenerate (at t = ½); fall back
            // to the nearer end rather than fail.
            matrix_from_sixd(&s).unwrap_or(if t < 0.5 { *a } else { *b })
        }
        Interpolation::RotationVectorLinear => {
            let (pa, pb) = (so3::log(a), so3::log(b));
            so3::exp(&(pa + t * (pb - pa)))
        }
    }
}

/// `n + 1` orientations from `a` to `b` (inclusive), evenly spaced in `t`.
pub fn path(a: &Mat3, b: &Mat3, n: usize, how: Interpolation) -> Vec<Mat3> {
    let n = n.max(1);
    (0..=n)
        .map(|k| interpolate(a, b, k as f64 / n as f64, how))
        .collect()
}

/// The angle turned between consecutive orientations of a path (rad per step): constant for
/// a constant-speed path, with a spike where a path jumps.
pub fn step_angles(path: &[Mat3]) -> Vec<f64> {
    path.windows(2)
        .map(|w| so3::log(&(w[0].transpose() * w[1])).norm())
        .collect()
}

/// One step of quaternion integration of a body angular velocity `ω` (rad/s), `q̇ = ½ q ⊗ ω`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuatStep {
    /// `q ⊗ exp(½ ω dt)`: exact for constant ω.
    Exact,
    /// First order, `q ⊗ [1, ½ ω dt]`, then renormalised: the direction is right and the
    /// angle per step is `2·atan(|ω|dt/2)` instead of `|ω|dt`, a third-order error per step.
    FirstOrderNormalized,
    /// The same without renormalising: the norm grows by `√(1 + (|ω|dt/2)²)` every step.
    FirstOrder,
    /// The classic slip: `q ⊗ [1, ω dt]`, without the ½. Quaternions are half-angle objects,
    /// so this turns (about) twice as fast.
    FirstOrderMissingHalf,
}

pub fn quat_step(q: Quat, omega_body: &Vec3, dt: f64, how: QuatStep) -> Quat {
    match how {
        QuatStep::Exact => q * Quat::from_rotation_vector(&(omega_body * dt)),
        QuatStep::FirstOrderNormalized => {
            (q * Quat::from_scalar_vector(1.0, 0.5 * dt * omega_body)).normalize()
        }
        QuatStep::FirstOrder => q * Quat::from_scalar_vector(1.0, 0.5 * dt * omega_body),
        QuatStep::FirstOrderMissingHalf => {
            (q * Quat::from_scalar_vector(1.0, dt * omega_body)).normalize()
        }
    }
}

/// The drift of an integration scheme after `steps` steps of constant `ω`: the angle between
/// its orientation and the exact one (rad), and how far its norm is from 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Drift {
    pub angle: f64,
    pub norm_error: f64,
}

pub fn integration_drift(omega_body: &Vec3, dt: f64, steps: usize, how: QuatStep) -> Drift {
    let series = integration_drift_series(omega_body, dt, steps, how);
    series[series.len() - 1]
}

/// The drift after 0, 1, …, `steps` steps, from one integration run.
pub fn integration_drift_series(
    omega_body: &Vec3,
    dt: f64,
    steps: usize,
    how: QuatStep,
) -> Vec<Drift> {
    let mut q = Quat::IDENTITY;
    let mut out = Vec::with_capacity(steps + 1);
    for k in 0..=steps {
        if k > 0 {
            q = quat_step(q, omega_body, dt, how);
        }
        let exact = Quat::from_rotation_vector(&(omega_body * (dt * k as f64)));
        out.push(Drift {
            angle: q.normalize().angle_to(exact),
            norm_error: (q.norm() - 1.0).abs(),
        });
    }
    out
}

/// One orientation written in the representations a network could be trained to output.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Encodings {
    pub euler: [f64; 3],
    /// `[w, x, y, z]` with `w ≥ 0`: the usual way to pick one of `q` and `−q`.
    pub quat: [f64; 4],
    pub sixd: [f64; 6],
}

pub fn encode(r: &Mat3, seq: EulerSequence) -> Encodings {
    Encodings {
        euler: seq.from_matrix(r).angles,
        quat: Quat::from_matrix(r).canonical().to_wxyz(),
        sixd: sixd_from_matrix(r),
    }
}

/// The largest change of any component between consecutive samples. Along a smooth motion
/// sampled finely this is small for a continuous representation and about the size of the
/// jump for a discontinuous one.
pub fn max_component_jump<const N: usize>(series: &[[f64; N]]) -> f64 {
    series
        .windows(2)
        .flat_map(|w| (0..N).map(move |i| (w[1][i] - w[0][i]).abs()))
        .fold(0.0, f64::max)
}

/// The orientation you get when four numbers stored w-first are read as w-last (or the
/// other way round): the same array, another rotation.
pub fn misread_order(q_wxyz: [f64; 4]) -> Quat {
    Quat::from_xyzw(q_wxyz)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::euler::{Axis, EulerFrame};

    fn zyx() -> EulerSequence {
        EulerSequence::new([Axis::Z, Axis::Y, Axis::X], EulerFrame::Intrinsic).unwrap()
    }

    #[test]
    fn every_method_starts_and_ends_at_the_right_orientation() {
        let a = so3::exp(&Vec3::new(0.3, -0.2, 0.9));
        let b = so3::exp(&Vec3::new(-1.1, 0.7, 0.2));
        for how in [
            Interpolation::EulerLinear(zyx()),
            Interpolation::Slerp,
            Interpolation::SixDLinear,
            Interpolation::RotationVectorLinear,
        ] {
            let p = path(&a, &b, 20, how);
            assert!((p[0] - a).norm() < 1e-9, "{how:?}");
            assert!((p[20] - b).norm() < 1e-9, "{how:?}");
            assert!(p.iter().all(|r| so3::is_rotation(r, 1e-9)), "{how:?}");
        }
    }

    #[test]
    fn slerp_is_the_geodesic_at_constant_speed_and_the_others_are_not() {
        let a = so3::exp(&Vec3::new(0.3, -0.2, 0.9));
        let b = so3::exp(&Vec3::new(-1.1, 0.7, 0.2));
        let total = so3::log(&(a.transpose() * b)).norm();
        let slerp = step_angles(&path(&a, &b, 50, Interpolation::Slerp));
        for s in &slerp {
            assert!((s - total / 50.0).abs() < 1e-9);
        }
        let sixd = step_angles(&path(&a, &b, 50, Interpolation::SixDLinear));
        let spread =
            sixd.iter().cloned().fold(0.0, f64::max) - sixd.iter().cloned().fold(9.0, f64::min);
        assert!(
            spread > 1e-3,
            "6D-linear should speed up and slow down: {spread}"
        );
        // Any other path is at least as long as the geodesic.
        let rv: f64 = step_angles(&path(&a, &b, 200, Interpolation::RotationVectorLinear))
            .iter()
            .sum();
        assert!(rv >= total - 1e-9);
    }

    #[test]
    fn euler_interpolation_jumps_near_gimbal_lock() {
        // Pitching 80° → 100° about y passes over ZYX's lock (pitch 90°). Past it the same
        // orientation reads as yaw π, pitch 80°, roll π, so the Euler path swings yaw and roll
        // half way round; slerp turns the 20° directly.
        let seq = zyx();
        let a = so3::exp(&(Vec3::y() * 80f64.to_radians()));
        let b = so3::exp(&(Vec3::y() * 100f64.to_radians()));
        let eb = seq.from_matrix(&b).angles;
        assert!((eb[0].abs() - std::f64::consts::PI).abs() < 1e-9, "{eb:?}");
        let direct = so3::log(&(a.transpose() * b)).norm();
        let euler: f64 = step_angles(&path(&a, &b, 100, Interpolation::EulerLinear(seq)))
            .iter()
            .sum();
        let slerp: f64 = step_angles(&path(&a, &b, 100, Interpolation::Slerp))
            .iter()
            .sum();
        assert!((slerp - direct).abs() < 1e-9);
        // The Euler path is half as long again as the geodesic, and half way along it is far
        // off: the arm's wrist would wander instead of turning.
        assert!(
            euler > 1.4 * direct,
            "euler path {euler} vs geodesic {direct}"
        );
        let mid_euler = interpolate(&a, &b, 0.5, Interpolation::EulerLinear(seq));
        let mid_slerp = interpolate(&a, &b, 0.5, Interpolation::Slerp);
        let off = so3::log(&(mid_euler.transpose() * mid_slerp)).norm();
        assert!(off > 0.4 * direct, "{off}"); // 10° off a 20° turn
    }

    #[test]
    fn integration_errors_have_the_textbook_orders() {
        let omega = Vec3::new(0.4, -1.0, 0.7);
        let t = 2.0;
        let run = |dt: f64, how| integration_drift(&omega, dt, (t / dt).round() as usize, how);
        // One run gives the drift at every step: its entries are the separate runs'.
        let series = integration_drift_series(&omega, 0.05, 40, QuatStep::FirstOrder);
        for n in [0, 7, 40] {
            assert_eq!(
                series[n],
                integration_drift(&omega, 0.05, n, QuatStep::FirstOrder)
            );
        }
        // Exact stays exact.
        assert!(run(0.01, QuatStep::Exact).angle < 1e-12);
        // Normalised first order: global angle error O(dt²) (halving dt quarters it).
        let (e1, e2) = (
            run(0.02, QuatStep::FirstOrderNormalized).angle,
            run(0.01, QuatStep::FirstOrderNormalized).angle,
        );
        assert!((e1 / e2 - 4.0).abs() < 0.1, "{e1} / {e2}");
        assert!(run(0.01, QuatStep::FirstOrderNormalized).norm_error < 1e-12);
        // Without normalising the norm drifts, O(dt) over a fixed time.
        let (n1, n2) = (
            run(0.02, QuatStep::FirstOrder).norm_error,
            run(0.01, QuatStep::FirstOrder).norm_error,
        );
        assert!(n1 > 1e-3 && (n1 / n2 - 2.0).abs() < 0.1, "{n1} / {n2}");
        // Dropping the ½ turns twice as far: the error is the whole rotation again.
        let wrong = run(0.001, QuatStep::FirstOrderMissingHalf).angle;
        assert!((wrong - omega.norm() * t).abs() < 0.01, "{wrong}");
    }

    #[test]
    fn along_a_full_turn_only_6d_is_continuous() {
        // A smooth rotation about a tilted axis, once round, sampled every 0.5°.
        let axis = Vec3::new(0.3, 0.5, 0.8).normalize();
        let samples: Vec<Encodings> = (0..=720)
            .map(|k| {
                let angle = (k as f64 * 0.5).to_radians();
                encode(&so3::exp(&(axis * angle)), zyx())
            })
            .collect();
        let step = 0.5f64.to_radians();
        let sixd = max_component_jump(&samples.iter().map(|e| e.sixd).collect::<Vec<_>>());
        let quat = max_component_jump(&samples.iter().map(|e| e.quat).collect::<Vec<_>>());
        let euler = max_component_jump(&samples.iter().map(|e| e.euler).collect::<Vec<_>>());
        assert!(sixd < 2.0 * step, "6D {sixd}");
        // w ≥ 0 flips the sign of the vector part at 180°: a jump of about 2·|axis component|.
        assert!(quat > 1.0, "quaternion {quat}");
        // Euler angles wrap at ±π.
        assert!(euler > 3.0, "euler {euler}");
    }

    #[test]
    fn reading_w_first_as_w_last_is_another_rotation() {
        let q = Quat::from_rotation_vector(&Vec3::new(0.2, -0.4, 0.3));
        let wrong = misread_order(q.to_wxyz());
        assert!(wrong.angle_to(q) > 1.0, "{}", wrong.angle_to(q));
        // The identity [1, 0, 0, 0] read w-last is a half turn about x.
        let flipped = misread_order([1.0, 0.0, 0.0, 0.0]);
        assert!((flipped.angle_to(Quat::IDENTITY) - std::f64::consts::PI).abs() < 1e-12);
        // Reading with the right order round-trips.
        assert_eq!(Quat::from_wxyz(q.to_wxyz()), q);
    }
}
