//! Robots from URDF: the kinematic tree ([`Model`]), serial chains through it ([`Chain`]) with
//! forward kinematics and Jacobians, and rigid-body dynamics ([`dynamics`]).
//!
//! Frames follow ROS REP-103: Z up, metres, radians.

pub mod chain;
pub mod collada;
pub mod compact;
pub mod dynamics;
pub mod guard;
/// The hostile-file generator the command-line test uses too.
#[cfg(test)]
#[path = "../../tests/common/hostile.rs"]
#[allow(dead_code)] // the core's tests read fewer of its fields than the app's
pub(crate) mod hostile;
pub mod lenient;
pub mod mesh_path;
pub mod model;
pub mod names;
pub mod panda;
pub mod reader;
pub mod start_pose;
#[cfg(test)]
pub mod test_arms;

pub use chain::Chain;
pub use model::{Geometry, Joint, JointKind, Link, Model, ModelError, Shape};
