//! Joint-space control: PD on position with gravity feed-forward from our RNEA.
//!
//! `τ = M(q)·(ω²·(q* − q) − 2ζω·q̇) + g(q)`, clamped to the URDF effort limits.
//!
//! The gain matrices `K_p = ω²M(q)` and `K_d = 2ζωM(q)` are symmetric positive definite, so this
//! is a PD law; weighting by the mass matrix gives every mode of the arm the same natural
//! frequency ω. Per-joint (diagonal) gains do not: where two joint axes nearly line up (joints 1
//! and 3 of the Panda at small q₂) their opposite-motion mode has almost no inertia, its
//! frequency under diagonal gains lies far above the control rate, and the loop chatters into
//! the torque limits.

use crate::robot::Model;
use crate::robot::dynamics::{GRAVITY, inverse_dynamics_at_rest};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct JointPd {
    /// Closed-loop natural frequency ω (rad/s).
    pub omega: f64,
    /// Damping ratio ζ (1 = critical).
    pub zeta: f64,
}

impl Default for JointPd {
    /// 5 Hz, critically damped: well below a 240 Hz physics rate.
    fn default() -> Self {
        JointPd {
            omega: 2.0 * std::f64::consts::PI * 5.0,
            zeta: 1.0,
        }
    }
}

impl JointPd {
    /// Joint torques (one per [`Model::dof`]) that drive `q` towards `target`.
    pub fn torques(&self, model: &Model, q: &[f64], qd: &[f64], target: &[f64]) -> Vec<f64> {
        let n = model.dof();
        let a: Vec<f64> = (0..n)
            .map(|i| {
                self.omega * self.omega * (target[i] - q[i]) - 2.0 * self.zeta * self.omega * qd[i]
            })
            .collect();
        // M(q)·a + g(q) is the inverse dynamics of acceleration a at rest: one O(n) RNEA pass
        // instead of building the mass matrix.
        let tau = inverse_dynamics_at_rest(model, q, &a, &GRAVITY);
        model
            .dof_joints
            .iter()
            .zip(tau)
            .map(|(&ji, t)| {
                let limit = model.joints[ji].effort;
                t.clamp(-limit, limit)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::ArmWorld;
    use crate::sim::world::tests::READY;

    /// Also the check that our RNEA gravity torques equal rapier's own gravity load at rest:
    /// any mismatch would show up here as a steady joint error and tool drift.
    #[test]
    fn holding_a_pose_drifts_less_than_a_millimetre_in_ten_seconds() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let dt = 1.0 / 240.0;
        let mut arm = ArmWorld::new(model.clone(), &READY, dt).unwrap();
        let tcp = model.link_index("panda_tcp").unwrap();
        let start = arm.link_pose(tcp).translation;
        let pd = JointPd::default();
        let mut worst: f64 = 0.0;
        for _ in 0..(10.0 / dt) as usize {
            let tau = pd.torques(&model, &arm.q(), &arm.qd(), &READY);
            arm.apply_joint_torques(&tau).unwrap();
            arm.step().unwrap();
            worst = worst.max((arm.link_pose(tcp).translation - start).norm());
        }
        eprintln!("hold drift over 10 s at 240 Hz: {:.2e} mm", worst * 1e3);
        assert!(worst < 1e-3, "tool drifted {worst} m");
    }

    #[test]
    fn it_tracks_a_step_and_settles() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let dt = 1.0 / 240.0;
        let mut arm = ArmWorld::new(model.clone(), &READY, dt).unwrap();
        let mut target = READY;
        target[0] += 0.3;
        target[3] += 0.2;
        let pd = JointPd::default();
        for _ in 0..480 {
            let tau = pd.torques(&model, &arm.q(), &arm.qd(), &target);
            arm.apply_joint_torques(&tau).unwrap();
            arm.step().unwrap();
        }
        let q = arm.q();
        let err: f64 = (0..8).map(|i| (q[i] - target[i]).abs()).fold(0.0, f64::max);
        eprintln!("step of 0.3 rad: error after 2 s = {err:.2e} rad");
        assert!(err < 1e-3, "{err}");
    }

    #[test]
    fn the_torques_are_the_mass_matrix_times_the_pd_acceleration_plus_gravity() {
        // The controller computes M(q)·a + g(q) as one inverse-dynamics pass at rest; the
        // oracle builds the mass matrix (CRBA) and the gravity torques (the full RNEA at zero
        // rates) separately.
        use crate::robot::dynamics::{inverse_dynamics, mass_matrix};
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let pd = JointPd::default();
        let q = [0.3, -0.6, 0.4, -2.1, 0.2, 1.7, 0.9, 0.02];
        let qd = [0.5, -0.2, 0.1, 0.4, -0.3, 0.2, 0.6, 0.01];
        let target = [0.35, -0.55, 0.38, -2.0, 0.25, 1.72, 0.85, 0.03];
        let a: Vec<f64> = (0..8)
            .map(|i| pd.omega * pd.omega * (target[i] - q[i]) - 2.0 * pd.zeta * pd.omega * qd[i])
            .collect();
        let want = mass_matrix(&model, &q) * nalgebra::DVector::from_column_slice(&a);
        let g = inverse_dynamics(&model, &q, &[0.0; 8], &[0.0; 8], &GRAVITY);
        let got = pd.torques(&model, &q, &qd, &target);
        for i in 0..8 {
            let limit = model.joints[model.dof_joints[i]].effort;
            let w = (want[i] + g[i]).clamp(-limit, limit);
            assert!(
                (got[i] - w).abs() < 1e-9 * (1.0 + w.abs()),
                "{i}: {} vs {w}",
                got[i]
            );
        }
    }
}
