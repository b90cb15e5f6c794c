//! The robot's public face: the arm on screen, its configuration, link poses and tool
//! kinematics, recomputed from the math core; and the status line's notice. The app's robot
//! plugin owns the resource (loading, replacing, dragging files in); lessons read it.

use crate::math::{
    Jacobian, Manipulability, Transform as Pose,
    ellipsoid::{Ellipsoid3, rotational_ellipsoid, translational_ellipsoid},
};
use crate::robot::{Chain, Model};
use bevy::prelude::*;

/// Where the tool is and what the Jacobian says there.
#[derive(Clone, Debug)]
pub struct ToolKinematics {
    /// Tool pose in the base frame.
    pub pose: Pose,
    /// Geometric Jacobian in the base frame (linear rows first), one column per chain joint.
    pub jacobian: Jacobian,
    pub manip: Manipulability,
    /// Velocity ellipsoid of the tool origin (σᵢ of the linear block).
    pub translational: Ellipsoid3,
    pub rotational: Ellipsoid3,
    /// The chain's joint values (a subset of [`Robot::q`]).
    pub q_chain: Vec<f64>,
}

/// The robot shown, with its current configuration.
#[derive(Resource)]
pub struct Robot {
    pub model: Model,
    /// One value per movable joint, in [`Model::dof_joints`] order.
    pub q: Vec<f64>,
    /// Every link's pose in the base frame (REP-103).
    pub poses: Vec<Pose>,
    /// The serial chain from the base to the tool link, when the tool is not the root.
    pub chain: Option<Chain>,
    pub tool: usize,
    pub kin: Option<ToolKinematics>,
    /// Bumps whenever the model is replaced, so views can rebuild.
    pub generation: u32,
}

pub use crate::robot::start_pose::tool_link;

/// A start configuration: the Panda's ready pose when this is the bundled arm, otherwise the
/// searched start pose (inside the limits, above the table, the tool in front, away from
/// singularities: `robot::start_pose`).
pub fn start_configuration(model: &Model) -> Vec<f64> {
    crate::robot::start_pose::for_model(model).q
}

impl Robot {
    pub fn new(mut model: Model) -> Robot {
        let start = crate::robot::start_pose::for_model(&model);
        // A robot too large for the start-pose search says so beside what loading repaired.
        model.warnings.extend(start.skipped);
        let q = start.q;
        let tool = tool_link(&model);
        let chain = (tool != 0).then(|| Chain::new(&model, tool));
        let poses = model.link_poses(&q);
        let mut robot = Robot {
            model,
            q,
            poses,
            chain,
            tool,
            kin: None,
            generation: 0,
        };
        robot.recompute();
        robot
    }

    /// Replaces the model (a newly loaded URDF) and starts it at its start configuration.
    pub fn replace_model(&mut self, model: Model) {
        self.replace(Robot::new(model));
    }

    /// Replaces the robot with one prepared elsewhere (off the frame), as a new generation.
    pub fn replace(&mut self, robot: Robot) {
        let generation = self.generation + 1;
        *self = robot;
        self.generation = generation;
    }

    /// Makes `link` the tool (the chain's tip, what the overlays and the task follow); false,
    /// and nothing changes, for a link that is not there or has no joint above it.
    pub fn set_tool(&mut self, link: usize) -> bool {
        if link == 0 || link >= self.model.links.len() {
            return false;
        }
        self.tool = link;
        self.chain = Some(Chain::new(&self.model, link));
        self.recompute();
        true
    }

    /// Sets the configuration, ignoring a wrong length or non-finite values (they would
    /// poison every overlay), and recomputes.
    pub fn set_q(&mut self, q: &[f64]) -> bool {
        if q.len() != self.q.len() || q.iter().any(|x| !x.is_finite()) {
            return false;
        }
        self.q.copy_from_slice(q);
        self.recompute();
        true
    }

    /// Link poses and tool kinematics for the current `q`.
    pub fn recompute(&mut self) {
        self.model.link_poses_into(&self.q, &mut self.poses);
        self.kin = self.chain.as_ref().map(|chain| {
            let q_chain = chain.q_from_model(&self.model, &self.q);
            let mut jacobian = Jacobian::zeros(chain.dof());
            let pose = chain.jacobian_into(&q_chain, &mut jacobian);
            ToolKinematics {
                pose,
                manip: Manipulability::from_jacobian(&jacobian),
                translational: translational_ellipsoid(&jacobian),
                rotational: rotational_ellipsoid(&jacobian),
                jacobian,
                q_chain,
            }
        });
    }

    /// Writes chain joint values back into the whole-robot `q` (mimic joints follow their
    /// masters through the model, so only the chain's own variables are written).
    pub fn set_chain_q(&mut self, q_chain: &[f64]) -> bool {
        let Some(chain) = &self.chain else {
            return false;
        };
        if q_chain.len() != chain.dof() || q_chain.iter().any(|x| !x.is_finite()) {
            return false;
        }
        self.q = self.q_with_chain(q_chain);
        self.recompute();
        true
    }

    /// The whole-robot `q` with the chain's own variables replaced by `q_chain` (the inverse
    /// of [`Chain::q_from_model`]; joints off the chain keep their values).
    pub fn q_with_chain(&self, q_chain: &[f64]) -> Vec<f64> {
        let mut q = self.q.clone();
        if let Some(chain) = &self.chain {
            chain.write_into_model(&self.model, q_chain, &mut q);
        }
        q
    }

    /// The joint limits of the whole-robot `q` entries, clamped to ±π where unbounded so a
    /// slider has a range.
    pub fn slider_range(&self, i: usize) -> (f64, f64) {
        let (lo, hi) = self.model.joints[self.model.dof_joints[i]].limits;
        let pi = std::f64::consts::PI;
        (
            if lo.is_finite() { lo } else { -pi },
            if hi.is_finite() { hi } else { pi },
        )
    }
}

/// Sent once in the frame a new robot replaced the old one (before the frame's requests are
/// applied), so what was about the old robot (the task, the timeline, the teach target) can
/// start again.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelReplaced {
    /// The new robot's [`Robot::generation`].
    pub generation: u32,
}

/// A short message for the status line (a URDF that failed to load, a physics reset), with
/// the time it was posted: a string-table key for the sentence, then the technical detail
/// (a file name, the parser's one-line error), which stays as it is.
#[derive(Resource, Default, Debug, Clone)]
pub struct Notice {
    pub key: &'static str,
    pub text: Option<String>,
    pub since: f64,
}

impl Notice {
    pub fn post(&mut self, key: &'static str, detail: impl Into<String>, now: f64) {
        self.key = key;
        self.text = Some(detail.into());
        self.since = now;
    }
}
