//! What an episode measures and keeps: its outcome, the live signals for the plots, the chunks
//! it planned, a trace row per physics step, and the jerk of the command and of the arm.

use super::action::Action;
use super::action::Phase;
use crate::math::Vec3;
use crate::robot::panda;

/// The outcome of one episode.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub success: bool,
    /// Simulated seconds until the cube was released at the target (if it was).
    pub time_to_success: Option<f64>,
    /// Final distance of the cube from the place target in the table plane (m).
    pub place_error: f64,
    /// Largest |q* − q| seen on the arm joints while tracking (rad).
    pub max_tracking_error: f64,
    /// Largest |τ| applied on an arm joint (N·m).
    pub max_torque: f64,
    /// Every action the policy emitted, in order.
    pub actions: Vec<Action>,
    /// RMS jerk of the measured arm joints, `d³q/dt³` by finite differences (rad/s³).
    pub rms_jerk: f64,
    /// RMS jerk of the joint target the controller tracks: how abrupt the commands are.
    pub rms_command_jerk: f64,
    /// One row per physics step when `record_trace` is set.
    pub trace: Vec<TraceRow>,
    /// The commanded tool position after every action, with the action's phase.
    pub tool_path: Vec<(Phase, Vec3)>,
    /// Whether the arm or the cube touched the obstacle (a failure).
    pub collided: bool,
    /// Every predicted chunk, when `record_live` is set.
    pub chunks: Vec<PredictedChunk>,
}

/// One physics step of the arm's joint signals, kept for a live view.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveSample {
    pub t: f64,
    /// The commanded configuration (a step function of the control periods).
    pub target: [f64; ARM],
    /// What the joint controller tracks (interpolated, and filtered when smoothing is on).
    pub tracked: [f64; ARM],
    pub measured: [f64; ARM],
    /// The tool's position: where the command puts it, and where it is.
    pub tool_commanded: Vec3,
    pub tool: Vec3,
    /// RMS over the joints of this step's jerk: of what is tracked, and of the arm (rad/s³).
    pub command_jerk: f64,
    pub jerk: f64,
}

/// Seconds of [`LiveSample`]s kept.
pub const LIVE_SECONDS: f64 = 10.0;

/// One chunk as the policy predicted it (noise included), for drawing.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictedChunk {
    /// The control period it was predicted in.
    pub planned_at: usize,
    /// The period its first action is due (later than `planned_at` by the latency).
    pub first: usize,
    /// The commanded tool position after each of its actions, as the policy foresaw them.
    pub tool: Vec<Vec3>,
    /// How many of its actions are executed (h; 1 with temporal ensembling).
    pub executed: usize,
}

/// One physics step of an episode.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    pub t: f64,
    pub q: Vec<f64>,
    pub qd: Vec<f64>,
    pub tau: Vec<f64>,
    /// Tool (TCP) position and orientation quaternion, `[x, y, z, qw, qx, qy, qz]` (w first).
    pub tool: [f64; 7],
    /// The action being executed.
    pub action: [f64; 7],
    pub close_gripper: bool,
    /// The commanded joint configuration: a step function, changing once per control period.
    pub target: Vec<f64>,
    /// What the joint controller tracks at this physics step: the target interpolated between
    /// periods (and low-pass filtered when smoothing is on).
    pub command: Vec<f64>,
}

/// Joint signals kept per sample (the most chain joints a task arm has; a 6-joint arm's
/// seventh entry is 0).
pub(super) const ARM: usize = panda::ARM;

/// Running RMS of the third finite difference `(x₃ − 3x₂ + 3x₁ − x₀)/dt³` of a signal.
#[derive(Clone, Default)]
pub(super) struct Jerk {
    last: Vec<Vec<f64>>,
    sum_sq: f64,
    count: usize,
}

impl Jerk {
    /// Adds a sample; returns the RMS over the joints of this step's jerk (0 for the first
    /// three samples).
    pub(super) fn push(&mut self, x: &[f64], dt: f64) -> f64 {
        let mut now = 0.0;
        if let [a, b, c] = &self.last[..] {
            for (i, xi) in x.iter().enumerate() {
                let j = (xi - 3.0 * c[i] + 3.0 * b[i] - a[i]) / (dt * dt * dt);
                self.sum_sq += j * j;
                self.count += 1;
                now += j * j;
            }
            self.last.remove(0);
        }
        self.last.push(x.to_vec());
        (now / x.len().max(1) as f64).sqrt()
    }

    pub(super) fn rms(&self) -> f64 {
        if self.count > 0 {
            (self.sum_sq / self.count as f64).sqrt()
        } else {
            0.0
        }
    }
}
