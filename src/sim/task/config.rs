//! The task's settings: action space, rates, chunking, latency, ensembling, smoothing, noise,
//! what is recorded.

use super::action::{ActionMode, Reading};

/// Settings of the task and of the policy.
#[derive(Clone, Debug, PartialEq)]
pub struct PickPlaceConfig {
    pub mode: ActionMode,
    /// Seconds between actions (0.05 = 20 Hz).
    pub control_period: f64,
    /// Physics rate (Hz).
    pub physics_rate: f64,
    /// Tool speed limits: m/s and rad/s (task space), rad/s (joint space).
    pub max_linear_speed: f64,
    pub max_angular_speed: f64,
    pub max_joint_speed: f64,
    /// Cube edge (m); `None` draws it from [`CUBE_SIDES`] by seed.
    pub cube_side: Option<f64>,
    pub cube_mass: f64,
    /// Grip force per finger (N).
    pub grip_force: f64,
    /// Give up after this many simulated seconds.
    pub timeout: f64,
    /// Actions planned at once (H, action chunking); the next chunk is planned when the
    /// previous one has been handed over.
    pub chunk: usize,
    /// Simulated latency: an action planned at period p is executed at period p + k.
    pub latency: usize,
    /// With latency, plan from the predicted command (including actions still in flight)
    /// instead of the stale executed one.
    pub latency_compensation: bool,
    /// Time constant (s) of a first-order low-pass on the joint target at the physics rate;
    /// `None` follows the piecewise-linear interpolation of the commands directly.
    pub smoothing: Option<f64>,
    /// Record a per-physics-step trace in the outcome.
    pub record_trace: bool,
    /// The obstacle course ([`Scenario::course`]) instead of a random table scene.
    pub course: bool,
    /// Execution horizon h: actions of each chunk executed before the policy is asked again
    /// (the rest of the chunk is dropped). `None` executes the whole chunk (h = H).
    pub execute: Option<usize>,
    /// Temporal ensembling (as in ACT) with weight exponent m: a chunk is predicted every
    /// period, and the action executed at a period is the average of every prediction for it,
    /// weighted `wᵢ = exp(−m·i)` with i = 0 the oldest. Replaces the execution horizon.
    pub ensemble: Option<f64>,
    /// Imperfection of a learned policy: each predicted chunk is perturbed by a bias drawn
    /// once per chunk plus a smaller per-action jitter, as a fraction of the largest step one
    /// action may take (0 = the exact scripted policy).
    pub chunk_noise: f64,
    /// Smoothness penalty `(λ, μ)` on each predicted chunk: it is replaced by the minimiser of
    /// `‖s − a‖² + λ‖Δs‖² + μ‖Δ²s‖²`, joined to the two actions executed before it.
    pub chunk_penalty: Option<(f64, f64)>,
    /// How the executor reads the actions (a deliberate mismatch shows what it costs).
    pub reading: Reading,
    /// Keep what a live view draws: the predicted chunks and the last seconds of the joint
    /// signals ([`Episode::recent`]).
    pub record_live: bool,
}

impl Default for PickPlaceConfig {
    fn default() -> Self {
        PickPlaceConfig {
            mode: ActionMode::Task,
            control_period: 0.05,
            physics_rate: 240.0,
            max_linear_speed: 0.25,
            max_angular_speed: 1.0,
            max_joint_speed: 1.0,
            cube_side: None,
            cube_mass: 0.1,
            grip_force: 10.0,
            timeout: 25.0,
            chunk: 1,
            latency: 0,
            latency_compensation: true,
            smoothing: Some(0.05),
            record_trace: false,
            course: false,
            execute: None,
            ensemble: None,
            chunk_noise: 0.0,
            chunk_penalty: None,
            reading: Reading::AsSent,
            record_live: false,
        }
    }
}

impl PickPlaceConfig {
    /// Actions of each chunk that are executed (1 ≤ h ≤ H).
    pub fn execution_horizon(&self) -> usize {
        let h = self.chunk.max(1);
        if self.ensemble.is_some() {
            1
        } else {
            self.execute.map_or(h, |e| e.clamp(1, h))
        }
    }
}
