//! What the lesson computes from the tool kinematics: J⁺ against damped least squares for a
//! demanded twist, twists and wrenches in two frames, joint torques, the linear
//! approximation of one joint's step, the blocks' singular values, the near-singular pose.

use crate::math::ik::{
    adaptive_damping, another_inverse_from, dls_step, penrose_residuals, pinv_step, pseudo_inverse,
};
use crate::math::spatial::{Twist, Wrench};
use crate::math::{Transform as Pose, Vec3 as RVec3, Vec6};
use crate::robot::panda;
use bevy::prelude::*;

use super::*;

/// Joint speeds from the pseudo-inverse and from DLS for one demanded tool twist.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub demand: Vec6,
    pub pinv: Vec<f64>,
    pub dls: Vec<f64>,
    pub lambda: f64,
    pub sigma_min: f64,
    /// |J·q̇ − V| for each: DLS gives up a little accuracy for bounded speeds.
    pub pinv_error: f64,
    pub dls_error: f64,
}

/// J⁺ beside another inverse G that meets only three Penrose conditions, for one demanded
/// tool twist: the joint speed each gives, its error |J·q̇ − V|, and how far each matrix is from
/// each of the four conditions. Computed only where the table is shown (three matrix products
/// and an SVD more than [`compare`]).
#[derive(Clone, Debug)]
pub struct Inverses {
    pub pinv: Vec<f64>,
    pub pinv_error: f64,
    pub other: Vec<f64>,
    pub other_error: f64,
    pub penrose_pinv: [f64; 4],
    pub penrose_other: [f64; 4],
}

pub fn inverses(kin: &ToolKinematics, demand: Vec6) -> Inverses {
    let j = &kin.jacobian;
    let a = nalgebra::DMatrix::from_column_slice(6, j.ncols(), j.as_slice());
    let p = pseudo_inverse(j, 1e-12);
    let g = another_inverse_from(&a, &p);
    let v = nalgebra::DVector::from_column_slice(demand.as_slice());
    let (pinv, other) = (&p * &v, &g * &v);
    let err = |dq: &nalgebra::DVector<f64>| (&a * dq - &v).norm();
    Inverses {
        pinv_error: err(&pinv),
        other_error: err(&other),
        pinv: pinv.iter().copied().collect(),
        other: other.iter().copied().collect(),
        penrose_pinv: penrose_residuals(&a, &p),
        penrose_other: penrose_residuals(&a, &g),
    }
}

/// DLS damping used by the comparison: on below σ = 0.04, at most λ = 0.08 (as the IK).
pub const DLS_EPSILON: f64 = 0.04;

pub const DLS_LAMBDA_MAX: f64 = 0.08;

pub fn demanded_twist(demand: Demand, kin: &ToolKinematics) -> Vec6 {
    match demand {
        Demand::Weakest => {
            let u = kin.manip.u_axis(5);
            // The sign of a singular vector is arbitrary: pick the one pointing up-ish so the
            // demand does not flicker between frames.
            let s = if u[2] + 1e-3 * u[0] >= 0.0 { 0.1 } else { -0.1 };
            u * s
        }
        Demand::Up => Vec6::new(0.0, 0.0, 0.1, 0.0, 0.0, 0.0),
        Demand::Forward => Vec6::new(0.1, 0.0, 0.0, 0.0, 0.0, 0.0),
    }
}

pub fn compare(kin: &ToolKinematics, demand: Vec6) -> Comparison {
    let j = &kin.jacobian;
    let sigma_min = kin.manip.sigma_min();
    let lambda = adaptive_damping(sigma_min, DLS_EPSILON, DLS_LAMBDA_MAX);
    let pinv = pinv_step(j, &demand);
    let dls = dls_step(j, &demand, lambda);
    let err = |dq: &nalgebra::DVector<f64>| (j * dq - demand).norm();
    Comparison {
        demand,
        pinv_error: err(&pinv),
        dls_error: err(&dls),
        pinv: pinv.iter().copied().collect(),
        dls: dls.iter().copied().collect(),
        lambda,
        sigma_min,
    }
}

/// The tool twist and wrench in the tool frame and the base frame, and the power in each.
#[derive(Clone, Copy, Debug)]
pub struct FrameChange {
    pub twist_base: Twist,
    pub wrench_base: Wrench,
    pub power_tool: f64,
    pub power_base: f64,
}

pub fn change_frames(tool: &Pose, twist_tool: &[f64; 6], wrench_tool: &[f64; 6]) -> FrameChange {
    let v = Twist::from_vec6(&Vec6::from_row_slice(twist_tool));
    let f = Wrench::from_vec6(&Vec6::from_row_slice(wrench_tool));
    let (vb, fb) = (v.transform(tool), f.transform(tool));
    FrameChange {
        twist_base: vb,
        wrench_base: fb,
        power_tool: v.power(&f),
        power_base: vb.power(&fb),
    }
}

/// Joint torques with which the tool exerts a wrench (given in the tool frame): `τ = Jᵀ·F`,
/// with F re-expressed in base axes about the tool origin, which is where J's rows are taken.
/// Holding the same wrench applied to the tool as an external load takes `−Jᵀ·F`.
pub fn joint_torques(kin: &ToolKinematics, wrench_tool: &[f64; 6]) -> Vec<f64> {
    let r = kin.pose.rotation;
    let f = r * RVec3::new(wrench_tool[0], wrench_tool[1], wrench_tool[2]);
    let m = r * RVec3::new(wrench_tool[3], wrench_tool[4], wrench_tool[5]);
    let w = Vec6::new(f.x, f.y, f.z, m.x, m.y, m.z);
    (kin.jacobian.transpose() * w).iter().copied().collect()
}

/// The linear-approximation demo at the current pose: the tool point's true displacement
/// and `J_v·Δq` for a step of `dq` on chain joint `joint`.
pub fn linear_step(robot: &Robot, joint: usize, dq: f64) -> Option<(RVec3, RVec3)> {
    let (chain, kin) = (robot.chain.as_ref()?, robot.kin.as_ref()?);
    let mut step = vec![0.0; chain.dof()];
    *step.get_mut(joint)? = dq;
    chain.first_order_step(&kin.q_chain, &step)
}

/// A "near a singularity" configuration for the chain: the Panda with its wrist almost above
/// the shoulder axis (σ_min ≈ 0.006: joint 1 barely moves the wrist); other arms near zero,
/// where most are stretched out, clamped to the limits.
pub fn near_singular_q(robot: &Robot) -> Option<Vec<f64>> {
    let chain = robot.chain.as_ref()?;
    let mut q: Vec<f64> = if panda::is_bundled(&robot.model) && chain.dof() == 7 {
        steps::NEAR_SINGULAR.to_vec()
    } else {
        vec![0.05; chain.dof()]
    };
    for (i, qi) in q.iter_mut().enumerate() {
        let (lo, hi) = crate::math::ik::KinematicChain::joint_limits(chain, i);
        *qi = qi.clamp(lo, hi);
    }
    Some(q)
}

/// The singular values of the Jacobian's two 3×n blocks, each in its own unit: J_v (linear
/// rows, m/s per rad/s: the semi-axes of the drawn velocity ellipsoid) and J_ω (angular rows,
/// rad/s per rad/s), largest first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BlockSigmas {
    pub translational: [f64; 3],
    pub rotational: [f64; 3],
}

impl BlockSigmas {
    pub fn of(kin: &ToolKinematics) -> BlockSigmas {
        BlockSigmas {
            translational: kin.translational.radii,
            rotational: kin.rotational.radii,
        }
    }

    /// How round the drawn velocity ellipsoid is: σ₁/σ₃ of J_v (a pure ratio of m/s).
    pub fn kappa_translational(&self) -> f64 {
        let [a, _, c] = self.translational;
        if c > 0.0 { a / c } else { f64::INFINITY }
    }
}

pub(super) fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}
