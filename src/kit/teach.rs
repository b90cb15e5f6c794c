//! Teach mode's public face: where the tool should be, the self-motion slider, what the last
//! solve left. The app's teach plugin owns the handle and the solving.

use crate::math::Transform as Pose;
use crate::math::ik::IkSolver;
use bevy::prelude::*;

/// The teach-mode state.
#[derive(Resource, Debug, Clone)]
pub struct Teach {
    /// Where the tool should be (base frame).
    pub target: Pose,
    /// The self-motion slider, in radians of joint-space arc length.
    pub self_motion: f64,
    pub(crate) applied_self_motion: f64,
    /// Put the target back on the tool (after the joints were moved directly).
    pub sync_target: bool,
    pub(crate) solve: bool,
    /// Position (m) and orientation (rad) error left after the last solve.
    pub residual: (f64, f64),
    /// How far the tool moved during the last self-motion, before IK pulled it back (m·rad).
    pub last_drift: f64,
    /// The handle's transform as last written from the target: anything else is a drag.
    pub(crate) handle: Option<Transform>,
    /// The chain joint whose null-space direction the self-motion slider follows.
    pub elbow_joint: usize,
    pub solver: IkSolver,
}

impl Default for Teach {
    fn default() -> Self {
        Teach {
            target: Pose::identity(),
            self_motion: 0.0,
            applied_self_motion: 0.0,
            sync_target: true,
            solve: false,
            residual: (0.0, 0.0),
            last_drift: 0.0,
            handle: None,
            // Joint 3 of a 7-DoF arm is the upper-arm roll: its null-space part is the elbow
            // swinging about the shoulder–wrist line.
            elbow_joint: 2,
            solver: IkSolver {
                max_iterations: 30,
                position_tolerance: 1e-5,
                orientation_tolerance: 1e-4,
                ..IkSolver::default()
            },
        }
    }
}

impl Teach {
    /// Moves the target (the drag handle does this); the arm follows on the next frame.
    pub fn set_target(&mut self, target: Pose) {
        if target.is_finite() {
            self.target = target;
            self.solve = true;
        }
    }
}
