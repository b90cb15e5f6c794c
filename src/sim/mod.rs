//! Physics: the arm in rapier (f64), Z up as in REP-103 (only rendering converts to Y up).

pub mod control;
pub mod course;
pub mod history;
pub mod reach;
pub mod task;
pub mod world;

#[cfg(test)]
mod grasp_tests;
#[cfg(test)]
mod task_tests;
#[cfg(test)]
mod timing_tests;

pub use control::JointPd;
pub use task::TaskArm;
pub use world::{ArmWorld, SimError};
