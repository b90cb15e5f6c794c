//! A scripted pick-and-place policy that acts the way a VLA model's output does: one action
//! every control period (50 ms by default), in joint space (Δq, 7 joints) or task space
//! (Δx: 3 translation + 3 rotation-vector components, turned into joint motion by damped least
//! squares), plus a gripper command.
//!
//! The phases: approach above the cube, descend, close, lift, transport, lower, release,
//! retreat. Each phase has a tool pose target; the policy steps towards it at bounded speed
//! and moves on when it is reached (or, for the gripper phases, when their time is up).
//!
//! The task in files by concept: the scene drawn from a seed (`scene`), the action and how it
//! is read (`action`), the task's settings (`config`), the scripted planner and the learned
//! policies it can hand over to (`planner`), the action pipeline of chunking, latency and
//! temporal ensembling as in ACT (`pipeline`), tracking the command in physics (`tracking`),
//! what an episode measures (`metrics`), the episode itself (`episode`), and what the task
//! needs to know about an arm (`arm`).

pub mod action;
pub mod arm;
pub mod config;
pub mod episode;
pub mod metrics;
mod pipeline;
pub mod planner;
pub mod scene;
mod tracking;

pub use action::{Action, ActionMode, Phase, Reading};
pub use arm::TaskArm;
pub use config::PickPlaceConfig;
pub use episode::{Episode, run_episode};
pub use metrics::{LIVE_SECONDS, LiveSample, Outcome, PredictedChunk, TraceRow};
pub use planner::{ChunkPolicy, ReachPair, ReachPolicy};
pub use scene::{COURSE_POST, CUBE_SIDES, HOVER, Obstacle, SCENE_REGION, Scenario, Side};

#[cfg(test)]
mod tests;
