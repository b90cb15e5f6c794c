//! Why the physics could not be built or stepped, and the largest robot it takes.

use crate::robot::Model;

#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum SimError {
    #[error("expected {expected} joint values, got {got}")]
    WrongJointCount { expected: usize, got: usize },
    #[error("joint value {0} is not a finite number")]
    NonFinite(usize),
    #[error(
        "the robot has {links} links and {dof} movable joints; the physics runs robots of up to {MAX_PHYSICS_LINKS} links and {MAX_PHYSICS_DOF} joints"
    )]
    TooLarge { links: usize, dof: usize },
    #[error("rapier refused the joint '{0}'")]
    BadJoint(String),
    /// The task cannot run on this arm (too few joints, a mimic on the chain): the reason.
    #[error("{0}")]
    Unsupported(String),
    #[error("the torque command for joint {joint} is not finite; the world was reset")]
    NonFiniteCommand { joint: usize },
    #[error("the physics state became non-finite at t = {t:.4} s; the world was reset")]
    NonFiniteState { t: f64 },
    #[error(
        "joint '{joint}' ran away at {speed:.1} (limit {limit:.1}) at t = {t:.4} s; the world was reset"
    )]
    Runaway {
        joint: String,
        speed: f64,
        limit: f64,
        t: f64,
    },
    #[error(
        "the arm gained energy nothing supplied: {kinetic:.2} J of motion from {available:.2} J released by gravity or done by the joint torques, at t = {t:.4} s; the world was reset"
    )]
    EnergyGain {
        kinetic: f64,
        available: f64,
        t: f64,
    },
}

/// The most links the physics builds: rapier's multibody factorizes a mass matrix as large as
/// the robot's joints every substep (cubic in the joints), and every link is a collider.
pub const MAX_PHYSICS_LINKS: usize = 256;
/// The most movable joints the physics builds (see [`MAX_PHYSICS_LINKS`]).
pub const MAX_PHYSICS_DOF: usize = 64;

/// `Err` for a robot larger than the physics builds ([`MAX_PHYSICS_LINKS`], [`MAX_PHYSICS_DOF`]).
pub fn fits_the_physics(model: &Model) -> Result<(), SimError> {
    if model.links.len() > MAX_PHYSICS_LINKS || model.dof() > MAX_PHYSICS_DOF {
        return Err(SimError::TooLarge {
            links: model.links.len(),
            dof: model.dof(),
        });
    }
    Ok(())
}
