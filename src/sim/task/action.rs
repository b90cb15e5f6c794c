//! The action a policy sends every control period, in joint space (Δq) or task space (Δx),
//! with a gripper command; and how the robot reads it.

use crate::math::euler::EulerSequence;
use crate::math::ik::{KinematicChain, dls_step};
use crate::math::{Vec3, Vec6, so3};
use crate::robot::Chain;

/// The steps of the task, in order; every action belongs to one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Approach,
    Descend,
    Close,
    Lift,
    Transport,
    Lower,
    Release,
    Retreat,
    Done,
}

/// How the policy's actions are expressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionMode {
    /// Δq for the 7 arm joints.
    Joint,
    /// Δx: translation (m) then rotation vector (rad) of the tool, in the base frame.
    Task,
}

/// One action: the 7-vector a policy head would output, and the gripper command.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Action {
    /// Joint mode: Δq₁…Δq₇. Task mode: Δx, Δy, Δz, Δφx, Δφy, Δφz and, last, the gripper
    /// command as ±1 (−1 close).
    pub values: [f64; 7],
    pub close_gripper: bool,
    /// The phase the policy was in when it emitted this action.
    pub phase: Phase,
    /// The action space `values` is expressed in.
    pub mode: ActionMode,
}

/// How the executor interprets the 7-vector it receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Reading {
    /// As the policy meant it.
    #[default]
    AsSent,
    /// Task-space Δx read as joint Δq (the first six numbers go to joints 1–6).
    TaskAsJoint,
    /// The rotation part of Δx read in the tool frame instead of the base frame.
    RotationInToolFrame,
    /// The rotation part of Δx read as increments of the tool's ZYX Euler angles instead of a
    /// rotation vector: the two agree only where the Euler rate matrix is the identity.
    RotationAsEuler,
}

/// Applies an action to a commanded configuration: Δq directly, Δx through damped least
/// squares at that configuration, each read as `reading` says. Joint limits are respected.
pub(super) fn apply(chain: &Chain, q: &mut [f64], a: &Action, reading: Reading) {
    match (a.mode, reading) {
        (ActionMode::Joint, _) => {
            for (qi, d) in q.iter_mut().zip(&a.values) {
                *qi += d;
            }
        }
        (ActionMode::Task, Reading::TaskAsJoint) => {
            // Metres and radians of the tool added to joint angles: joint 7 gets nothing.
            for (qi, d) in q.iter_mut().zip(&a.values[..6]) {
                *qi += d;
            }
        }
        (ActionMode::Task, _) => {
            let mut dx = Vec6::from_column_slice(&a.values[..6]);
            let sent = Vec3::new(dx[3], dx[4], dx[5]);
            let read = match reading {
                Reading::RotationInToolFrame => chain.tip_pose(q).rotation * sent,
                Reading::RotationAsEuler => {
                    let zyx = EulerSequence::parse("ZYX").unwrap_or(EulerSequence::all()[0]);
                    let r = chain.tip_pose(q).rotation;
                    let e = zyx.from_matrix(&r).angles;
                    // (φx, φy, φz) taken as (Δroll, Δpitch, Δyaw); ZYX lists yaw, pitch, roll.
                    let turned = zyx.to_matrix([e[0] + sent.z, e[1] + sent.y, e[2] + sent.x]);
                    so3::log(&(turned * r.transpose()))
                }
                _ => sent,
            };
            dx.fixed_rows_mut::<3>(3).copy_from(&read);
            let dq = dls_step(&chain.jacobian(q), &dx, 0.02);
            for (qi, d) in q.iter_mut().zip(dq.iter()) {
                *qi += d;
            }
        }
    }
    for (i, qi) in q.iter_mut().enumerate() {
        let (lo, hi) = chain.joint_limits(i);
        *qi = qi.clamp(lo, hi);
    }
}
