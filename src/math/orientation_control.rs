//! Task-space orientation control (resolved rate) with two kinds of error; a flipped rotation
//! convention is among the most common bugs in such code.
//!
//! * **Rotation vector**: `ω = K·log(R*·Rᵀ)`, the axis-angle from where the tool is to where it
//!   should be. Defined and continuous everywhere except a half turn away.
//! * **Euler difference**: `ω = E(θ)·K·wrap(θ* − θ)` with `θ`, `θ*` the Euler angles of the
//!   current and target orientations, each difference wrapped to (−π, π]. Near gimbal lock the
//!   decomposition of nearby orientations jumps between branches and the wrapped differences
//!   stop cancelling, so the command spikes.
//!
//! [`track_orientation_sweep`] runs either on a serial chain, kinematically (`q̇` from damped
//! least squares, integrated explicitly), while the target turns through a lock, as a
//! trajectory-tracking controller: feedforward of the target's motion plus feedback. Written
//! in Euler angles, the feedforward is `E(θ)·dθ*/dt`, and where the target crosses the lock its
//! Euler angles switch branch (yaw and roll jump by π) in one step: the commanded joint speed
//! spikes by three to four orders of magnitude. The rotation-vector controller does not notice.

use super::euler::EulerSequence;
use super::ik::{KinematicChain, dls_step_into};
use super::{Jacobian, Mat3, Transform, Vec3, Vec6, so3};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OrientationError {
    RotationVector,
    EulerDifference(EulerSequence),
}

/// An angle wrapped to (−π, π].
pub fn wrap_angle(a: f64) -> f64 {
    let two_pi = std::f64::consts::TAU;
    let w = a - two_pi * (a / two_pi).round();
    if w <= -std::f64::consts::PI {
        w + two_pi
    } else {
        w
    }
}

/// The commanded world angular velocity that turns `current` towards `target` with gain `k`.
pub fn angular_command(current: &Mat3, target: &Mat3, k: f64, how: OrientationError) -> Vec3 {
    match how {
        OrientationError::RotationVector => so3::log(&(target * current.transpose())) * k,
        OrientationError::EulerDifference(seq) => {
            let theta = seq.from_matrix(current).angles;
            let goal = seq.from_matrix(target).angles;
            let d = Vec3::from_fn(|i, _| k * wrap_angle(goal[i] - theta[i]));
            seq.rate_matrix(theta) * d
        }
    }
}

/// What a tracking run did, one entry per control step.
#[derive(Clone, Debug, Default)]
pub struct TrackingRun {
    pub t: Vec<f64>,
    /// Joint speed `|q̇|` (rad/s, Euclidean norm over the chain).
    pub joint_speed: Vec<f64>,
    /// Angle between the tool and the target orientation (rad).
    pub orientation_error: Vec<f64>,
    pub q: Vec<Vec<f64>>,
}

impl TrackingRun {
    pub fn peak_joint_speed(&self) -> f64 {
        self.joint_speed.iter().cloned().fold(0.0, f64::max)
    }
    pub fn final_orientation_error(&self) -> f64 {
        self.orientation_error.last().copied().unwrap_or(f64::NAN)
    }
}

/// Settings of [`track_orientation_sweep`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepSettings {
    /// Seconds for the target to turn from `from` to `to` (then it holds for a quarter of it).
    pub duration: f64,
    pub dt: f64,
    /// Position and orientation gains (1/s).
    pub k_position: f64,
    pub k_orientation: f64,
    /// DLS damping.
    pub lambda: f64,
    /// Add the target's own motion as a feedforward: for the rotation vector the target's
    /// angular velocity, for Euler angles `E(θ)·dθ*/dt` with the target's Euler rates taken by
    /// finite differences, as a trajectory-tracking controller written in Euler angles does.
    pub feedforward: bool,
}

impl Default for SweepSettings {
    fn default() -> Self {
        SweepSettings {
            duration: 4.0,
            dt: 0.005,
            k_position: 5.0,
            k_orientation: 5.0,
            lambda: 0.02,
            feedforward: true,
        }
    }
}

/// Holds the tool at `position` while its target orientation turns from `from` to `to` along
/// the geodesic; the tool's angular velocity command comes from `how`.
pub fn track_orientation_sweep(
    chain: &impl KinematicChain,
    q0: &[f64],
    position: &Vec3,
    from: &Mat3,
    to: &Mat3,
    settings: &SweepSettings,
    how: OrientationError,
) -> TrackingRun {
    let n = chain.dof();
    let mut q = q0.to_vec();
    let mut j = Jacobian::zeros(n);
    let mut qd = vec![0.0; n];
    let mut run = TrackingRun::default();
    let (qa, qb) = (
        super::rotation::Quat::from_matrix(from),
        super::rotation::Quat::from_matrix(to),
    );
    let total = settings.duration * 1.25;
    let steps = (total / settings.dt).round() as usize;
    for k in 0..=steps {
        let t = k as f64 * settings.dt;
        let s = (t / settings.duration).min(1.0);
        let target = qa.slerp(qb, s).to_matrix();
        let tool: Transform = chain.tip_pose(&q);
        let v = (position - tool.translation) * settings.k_position;
        let mut w = angular_command(&tool.rotation, &target, settings.k_orientation, how);
        if settings.feedforward {
            let s_next = ((t + settings.dt) / settings.duration).min(1.0);
            let next = qa.slerp(qb, s_next).to_matrix();
            w += match how {
                OrientationError::RotationVector => {
                    so3::log(&(next * target.transpose())) / settings.dt
                }
                OrientationError::EulerDifference(seq) => {
                    let (a, b) = (
                        seq.from_matrix(&target).angles,
                        seq.from_matrix(&next).angles,
                    );
                    let rates = Vec3::from_fn(|i, _| wrap_angle(b[i] - a[i]) / settings.dt);
                    seq.rate_matrix(seq.from_matrix(&tool.rotation).angles) * rates
                }
            };
        }
        chain.tip_jacobian(&q, &mut j);
        let e = Vec6::new(v.x, v.y, v.z, w.x, w.y, w.z);
        dls_step_into(&j, &e, settings.lambda, &mut qd);
        run.t.push(t);
        run.joint_speed
            .push(qd.iter().map(|x| x * x).sum::<f64>().sqrt());
        run.orientation_error
            .push(so3::log(&(target * tool.rotation.transpose())).norm());
        run.q.push(q.clone());
        for (qi, d) in q.iter_mut().zip(&qd) {
            *qi += d * settings.dt;
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::euler::{Axis, EulerFrame};

    #[test]
    fn wrapping_lands_in_the_half_open_interval() {
        use std::f64::consts::PI;
        assert!((wrap_angle(3.0 * PI) - PI).abs() < 1e-12);
        assert!((wrap_angle(-PI) - PI).abs() < 1e-12);
        assert!((wrap_angle(0.5) - 0.5).abs() < 1e-12);
        assert!((wrap_angle(-7.0) - (-7.0 + 2.0 * PI)).abs() < 1e-12);
    }

    #[test]
    fn both_errors_agree_for_small_turns_away_from_lock() {
        let seq = EulerSequence::new([Axis::Z, Axis::Y, Axis::X], EulerFrame::Intrinsic).unwrap();
        let r = seq.to_matrix([0.3, 0.2, -0.4]);
        let target = so3::exp(&Vec3::new(0.01, -0.02, 0.015)) * r;
        let a = angular_command(&r, &target, 1.0, OrientationError::RotationVector);
        let b = angular_command(&r, &target, 1.0, OrientationError::EulerDifference(seq));
        // First order the same: both are the rotation vector of a small turn (to 2 %).
        assert!((a - b).norm() < 0.02 * a.norm(), "{a} vs {b}");
    }

    #[test]
    fn near_lock_the_euler_command_jumps_and_the_rotation_vector_does_not() {
        let seq = EulerSequence::new([Axis::Z, Axis::Y, Axis::X], EulerFrame::Intrinsic).unwrap();
        // The tool 0.5° short of pitch −90°, the target 0.5° past it: a 1° turn.
        let current = so3::exp(&(Vec3::y() * (-89.5f64).to_radians()));
        let target = so3::exp(&(Vec3::y() * (-90.5f64).to_radians()));
        let rv = angular_command(&current, &target, 1.0, OrientationError::RotationVector);
        let eu = angular_command(
            &current,
            &target,
            1.0,
            OrientationError::EulerDifference(seq),
        );
        assert!((rv.norm() - 1f64.to_radians()).abs() < 1e-9);
        assert!(
            eu.norm() > 50.0 * rv.norm(),
            "euler {} vs {}",
            eu.norm(),
            rv.norm()
        );
    }
}
