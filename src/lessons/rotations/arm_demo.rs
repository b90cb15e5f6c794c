//! The arm turned through gimbal lock twice: once by a controller on Euler-angle errors,
//! once on the rotation vector, both precomputed and played back in real time.

use crate::math::euler::EulerSequence;
use crate::math::orientation_control::{
    OrientationError, SweepSettings, TrackingRun, track_orientation_sweep,
};
use crate::math::{Vec3 as RVec3, so3};
use bevy::prelude::*;

use super::*;

/// The wrist turning through the lock under both controllers, precomputed, and which one is
/// being played back on the arm.
#[derive(Debug, Clone)]
pub struct ArmDemo {
    pub euler: TrackingRun,
    pub rotation_vector: TrackingRun,
    /// (playing the Euler run?, seconds into it)
    pub playing: Option<(bool, f64)>,
}

/// Where the demo holds the tool (base frame, m) while it turns 60° through pitch −90°.
pub const ARM_DEMO_POSITION: [f64; 3] = [0.5, 0.0, 0.45];

impl ArmDemo {
    /// Runs both controllers on the robot's tool chain from an IK solution at the start pose;
    /// a one-line reason if the robot cannot.
    pub fn compute(robot: &Robot) -> Result<ArmDemo, String> {
        let chain = robot.chain.as_ref().ok_or("this robot has no tool chain")?;
        let kin = robot.kin.as_ref().ok_or("this robot has no tool chain")?;
        let down = so3::rot_x(std::f64::consts::PI);
        let from = so3::exp(&(RVec3::y() * (-60f64).to_radians())) * down;
        let to = so3::exp(&(RVec3::y() * (-120f64).to_radians())) * down;
        let position = RVec3::from(ARM_DEMO_POSITION);
        let start = crate::math::Transform::new(from, position);
        let q0 = crate::math::ik::IkSolver::default()
            .solve(chain, &start, &kin.q_chain)
            .map_err(|e| e.to_string())?
            .q;
        let settings = SweepSettings::default();
        let run = |how| track_orientation_sweep(chain, &q0, &position, &from, &to, &settings, how);
        let zyx = EulerSequence::parse("ZYX").ok_or("no ZYX")?;
        Ok(ArmDemo {
            euler: run(OrientationError::EulerDifference(zyx)),
            rotation_vector: run(OrientationError::RotationVector),
            playing: None,
        })
    }
}

/// Plays a precomputed run back on the arm, in real time (teach mode, so the physics does not
/// fight it), then hands the arm back to teach mode's handle.
pub(super) fn play_arm_demo(
    mut state: ResMut<RotationsState>,
    mut robot: ResMut<Robot>,
    teach: Option<ResMut<Teach>>,
    time: Res<Time>,
) {
    let Some(demo) = &mut state.arm else { return };
    let Some((euler, t)) = demo.playing else {
        return;
    };
    let run = if euler {
        &demo.euler
    } else {
        &demo.rotation_vector
    };
    let t = t + time.delta_secs_f64();
    let k = run.t.partition_point(|x| *x < t);
    if let Some(q) = run.q.get(k.min(run.q.len().saturating_sub(1))) {
        robot.set_chain_q(q);
    }
    demo.playing = (k < run.t.len()).then_some((euler, t));
    if demo.playing.is_none()
        && let Some(mut teach) = teach
    {
        teach.sync_target = true;
    }
}
