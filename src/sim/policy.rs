//! A scripted pick-and-place policy that acts the way a VLA model's output does: one action
//! every control period (50 ms by default), in joint space (Δq, 7 joints) or task space
//! (Δx: 3 translation + 3 rotation-vector components, turned into joint motion by damped least
//! squares), plus a gripper command.
//!
//! The phases: approach above the cube, descend, close, lift, transport, lower, release,
//! retreat. Each phase has a tool pose target; the policy steps towards it at bounded speed
//! and moves on when it is reached (or, for the gripper phases, when their time is up).

use super::task_arm::{CUP_LENGTH, CUP_RADIUS, Gripper, TaskArm};
use super::{ArmWorld, JointPd, SimError};
use crate::math::euler::EulerSequence;
use crate::math::ik::{IkSolver, KinematicChain, dls_step, pose_error};
use crate::math::smoothing;
use crate::math::{Transform, Vec3, Vec6, so3};
use crate::robot::panda;
use crate::robot::{Chain, Model};
use rand::{Rng, SeedableRng};

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

/// Where the cube starts and where it must go, drawn from a seed inside the reachable
/// workspace in front of the arm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scenario {
    /// The cube's centre at the start (resting on the table).
    pub cube: Vec3,
    /// Edge length (m).
    pub cube_side: f64,
    pub cube_yaw: f64,
    /// Where the cube's centre should end up.
    pub place: Vec3,
    /// A post standing between the cube and the place target, if any.
    pub obstacle: Option<Obstacle>,
    /// A point the scripted transport passes through first (how it goes round the post).
    pub via: Option<Vec3>,
}

/// A fixed box on the table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Obstacle {
    pub center: Vec3,
    /// Full edge lengths (m).
    pub size: Vec3,
}

/// The obstacle course's post: 6 × 6 cm, 16 cm tall, halfway between cube and target.
pub const COURSE_POST: Obstacle = Obstacle {
    center: Vec3::new(0.5, 0.0, 0.08),
    size: Vec3::new(0.06, 0.06, 0.16),
};

/// Which way round the obstacle a transport went: the two modes of the course.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// Between the post and the robot's base.
    Near = 0,
    /// Beyond the post.
    Far = 1,
}

impl Side {
    /// The side a path of tool positions passed on: where it was when level with the post.
    pub fn of(path: &[Vec3], obstacle: &Obstacle) -> Option<Side> {
        let level = path.iter().min_by(|a, b| {
            let da = (a.y - obstacle.center.y).abs();
            let db = (b.y - obstacle.center.y).abs();
            da.total_cmp(&db)
        })?;
        Some(if level.x < obstacle.center.x {
            Side::Near
        } else {
            Side::Far
        })
    }
}

/// What a learned chunking policy is asked during the transport of the obstacle course: the
/// tool positions to pass next, given the (commanded) tool position now.
pub trait ChunkPolicy: Send + Sync {
    fn chunk(&mut self, tool: Vec3) -> Vec<Vec3>;
    /// A copy in the same state (its random stream included), that asked the same questions
    /// answers the same: an episode copied mid-run goes on exactly as the original.
    fn boxed_clone(&self) -> Box<dyn ChunkPolicy>;
}

impl Clone for Box<dyn ChunkPolicy> {
    fn clone(&self) -> Self {
        self.boxed_clone()
    }
}

/// Where cubes start and are placed on the table: x and y ranges (m, base frame). An arm the
/// task runs on must reach all of it with the tool pointing down.
pub const SCENE_REGION: ((f64, f64), (f64, f64)) = ((0.4, 0.6), (-0.25, 0.25));

/// The cube sizes a seed chooses from (edge, m): all fit the 8 cm gripper opening.
pub const CUBE_SIDES: [f64; 3] = [0.03, 0.04, 0.05];

impl Scenario {
    /// A random scenario; `side` fixes the cube size instead of drawing it.
    pub fn from_seed(seed: u64, side: Option<f64>) -> Scenario {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let drawn = CUBE_SIDES[rng.random_range(0..CUBE_SIDES.len())];
        let side = side.unwrap_or(drawn);
        let ((x0, x1), (y0, y1)) = SCENE_REGION;
        let y: f64 = rng.random_range(-0.2..0.2);
        let cube = Vec3::new(rng.random_range(x0..x1), y, side / 2.0);
        // Place across the centre line, at least 0.1 m from it.
        let place_y = if y >= 0.0 {
            rng.random_range(y0..-0.1)
        } else {
            rng.random_range(0.1..y1)
        };
        let place = Vec3::new(rng.random_range(x0..x1), place_y, side / 2.0);
        let cube_yaw = rng.random_range(-0.6..0.6);
        Scenario {
            cube,
            cube_side: side,
            cube_yaw,
            place,
            obstacle: None,
            via: None,
        }
    }

    /// The obstacle course: a 4 cm cube at y = +0.2 m to be placed at y = −0.2 m, with a
    /// 16 cm post between them: the carried cube and the fingers (12–18 cm up at hover height)
    /// cannot pass over it, the hand (18–24 cm) can. The seed
    /// picks the scripted route: near or far side, 13–17 cm from the post's axis, ±3 cm along y.
    pub fn course(seed: u64) -> Scenario {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0xC0_55E);
        let side = 0.04;
        let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        let offset: f64 = rng.random_range(0.13..0.17);
        let along: f64 = rng.random_range(-0.03..0.03);
        let post = COURSE_POST.center;
        Scenario {
            cube: Vec3::new(0.5, 0.2, side / 2.0),
            cube_side: side,
            cube_yaw: 0.0,
            place: Vec3::new(0.5, -0.2, side / 2.0),
            obstacle: Some(COURSE_POST),
            via: Some(Vec3::new(post.x + sign * offset, along, side / 2.0 + HOVER)),
        }
    }
}

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
const ARM: usize = panda::ARM;
/// Hover height above the cube and place targets for approach, lift and retreat (m).
pub const HOVER: f64 = 0.12;

/// Running RMS of the third finite difference `(x₃ − 3x₂ + 3x₁ − x₀)/dt³` of a signal.
#[derive(Clone, Default)]
struct Jerk {
    last: Vec<Vec<f64>>,
    sum_sq: f64,
    count: usize,
}

impl Jerk {
    /// Adds a sample; returns the RMS over the joints of this step's jerk (0 for the first
    /// three samples).
    fn push(&mut self, x: &[f64], dt: f64) -> f64 {
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

    fn rms(&self) -> f64 {
        if self.count > 0 {
            (self.sum_sq / self.count as f64).sqrt()
        } else {
            0.0
        }
    }
}

/// The scripted policy: a phase machine over its belief of the commanded arm configuration.
#[derive(Clone)]
struct Planner {
    chain: Chain,
    cfg: PickPlaceConfig,
    mode: ActionMode,
    scenario: Scenario,
    phase: Phase,
    phase_time: f64,
    close: bool,
    /// The commanded configuration the planner believes the arm has been sent.
    q: Vec<f64>,
    ik: IkSolver,
    /// Points the transport passes through, in order, before the place target.
    via: std::collections::VecDeque<Vec3>,
    /// A learned policy that fills `via` chunk by chunk during the transport.
    policy: Option<Box<dyn ChunkPolicy>>,
    chunks_asked: usize,
    /// A learned policy that chooses the translation of every task-space action.
    /// Shared: it has no state of its own (`translate` takes `&self`).
    reach: Option<std::sync::Arc<dyn ReachPolicy>>,
    /// (position error to the phase's target, translation sent) for every task-space action
    /// planned and kept: demonstrations for behaviour cloning.
    pairs: Vec<ReachPair>,
    /// How far above the cube's centre the tool link holds it (0 for fingers).
    grip_height: f64,
    /// A suction cup is round: the tool's turn about its own axis is left where it is
    /// instead of being lined up with the cube (a wrist at the end of its range need not
    /// turn at all).
    free_yaw: bool,
}

/// One demonstration: the tool's position error to its target (m) and the translation the
/// policy sent (m).
pub type ReachPair = ([f64; 3], [f64; 3]);

/// A learned policy for the translation part of a task-space action, given the position
/// error `target − tool` of the phase's target; the orientation and the gripper stay scripted.
pub trait ReachPolicy: Send + Sync {
    fn translate(&self, error: Vec3) -> Vec3;
}

/// A learned transport hands over to the scripted place within this distance of the target.
const HANDOVER: f64 = 0.03;
/// A learned transport that has not arrived after this many chunks is abandoned.
const MAX_CHUNKS: usize = 60;

/// Applies an action to a commanded configuration: Δq directly, Δx through damped least
/// squares at that configuration, each read as `reading` says. Joint limits are respected.
fn apply(chain: &Chain, q: &mut [f64], a: &Action, reading: Reading) {
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

/// What the planner remembers between actions (everything but its fixed set-up).
struct PlanState {
    phase: Phase,
    phase_time: f64,
    close: bool,
    q: Vec<f64>,
    via: std::collections::VecDeque<Vec3>,
    chunks_asked: usize,
    pairs: usize,
}

impl Planner {
    fn save(&self) -> PlanState {
        PlanState {
            phase: self.phase,
            phase_time: self.phase_time,
            close: self.close,
            q: self.q.clone(),
            via: self.via.clone(),
            chunks_asked: self.chunks_asked,
            pairs: self.pairs.len(),
        }
    }

    fn restore(&mut self, s: PlanState) {
        self.phase = s.phase;
        self.phase_time = s.phase_time;
        self.close = s.close;
        self.q = s.q;
        self.via = s.via;
        self.chunks_asked = s.chunks_asked;
        // Actions planned past the executed part are thrown away, and so are their pairs.
        self.pairs.truncate(s.pairs);
    }

    /// Predicts a chunk of up to `horizon` actions (fewer if the task ends) and leaves the
    /// planner as it would be after the first `keep` of them: those are the ones executed.
    fn plan(&mut self, horizon: usize, keep: usize) -> Vec<Action> {
        let mut chunk = Vec::with_capacity(horizon);
        let mut after_keep = None;
        for i in 0..horizon {
            if i == keep {
                after_keep = Some(self.save());
            }
            chunk.push(self.next());
            if self.phase == Phase::Done {
                break;
            }
        }
        if let Some(s) = after_keep {
            self.restore(s);
        }
        chunk
    }

    fn target(&self) -> Transform {
        let down = |yaw: f64| so3::rot_z(yaw) * so3::rot_x(std::f64::consts::PI);
        let at = |p: Vec3, yaw: f64| Transform::new(down(yaw), p);
        let lift = |p: Vec3| p + Vec3::new(0.0, 0.0, HOVER);
        let up = Vec3::new(0.0, 0.0, self.grip_height);
        // The tool's turn about its axis when picking and when placing: lined up with the
        // cube, then square to the table; with a free yaw it keeps the heading of its x axis.
        let (pick_yaw, place_yaw) = if self.free_yaw {
            let x = self.chain.tip_pose(&self.q).rotation.column(0).into_owned();
            let kept = x.y.atan2(x.x);
            (kept, kept)
        } else {
            (self.scenario.cube_yaw, 0.0)
        };
        // Where the tool link is when it holds the cube at the scenario's positions.
        let (cube, place) = (self.scenario.cube + up, self.scenario.place + up);
        if self.phase == Phase::Transport
            && let Some(v) = self.via.front()
        {
            return at(*v + up, place_yaw);
        }
        match self.phase {
            Phase::Approach | Phase::Lift => at(lift(cube), pick_yaw),
            Phase::Descend | Phase::Close => at(cube, pick_yaw),
            Phase::Transport | Phase::Retreat | Phase::Done => at(lift(place), place_yaw),
            Phase::Lower | Phase::Release => at(place + Vec3::new(0.0, 0.0, 0.002), place_yaw),
        }
    }

    /// The next action; the belief advances as if it were executed.
    fn next(&mut self) -> Action {
        let (phase, mode) = (self.phase, self.mode);
        if phase == Phase::Done {
            return Action {
                values: [0.0; 7],
                close_gripper: false,
                phase,
                mode,
            };
        }
        if phase == Phase::Transport && self.via.is_empty() && self.chunks_asked < MAX_CHUNKS {
            let tool = self.chain.tip_pose(&self.q).translation;
            let goal = self.scenario.place + Vec3::new(0.0, 0.0, HOVER + self.grip_height);
            if let Some(policy) = &mut self.policy
                && (tool - goal).norm() > HANDOVER
            {
                self.via.extend(policy.chunk(tool));
                self.chunks_asked += 1;
            }
        }
        let via_active = phase == Phase::Transport && !self.via.is_empty();
        let target = self.target();
        self.close = match phase {
            Phase::Close | Phase::Lift | Phase::Transport | Phase::Lower => true,
            Phase::Release | Phase::Retreat => false,
            _ => self.close,
        };
        let e = pose_error(&self.chain.tip_pose(&self.q), &target);
        let reached = e.fixed_rows::<3>(0).norm() < 2e-3 && e.fixed_rows::<3>(3).norm() < 0.02;
        let h = self.cfg.control_period;
        let mut values = [0.0; 7];
        match mode {
            ActionMode::Task => {
                let (lin, ang) = (e.fixed_rows::<3>(0).norm(), e.fixed_rows::<3>(3).norm());
                let (lmax, amax) = (
                    self.cfg.max_linear_speed * h,
                    self.cfg.max_angular_speed * h,
                );
                let s = (if lin > lmax { lmax / lin } else { 1.0 }).min(if ang > amax {
                    amax / ang
                } else {
                    1.0
                });
                values[..6].copy_from_slice((e * s).as_slice());
                values[6] = if self.close { -1.0 } else { 1.0 };
                if !via_active {
                    let err = Vec3::new(e[0], e[1], e[2]);
                    if let Some(p) = &self.reach {
                        let t = p.translate(err);
                        // A non-finite output holds the tool instead of poisoning the IK.
                        if t.iter().all(|v| v.is_finite()) {
                            values[..3].copy_from_slice(t.as_slice());
                        } else {
                            values[..3].fill(0.0);
                        }
                    }
                    self.pairs
                        .push(([err.x, err.y, err.z], [values[0], values[1], values[2]]));
                }
            }
            ActionMode::Joint => {
                let goal = self
                    .ik
                    .solve(&self.chain, &target, &self.q)
                    .map(|s| s.q)
                    .unwrap_or_else(|_| self.q.clone());
                let step = self.cfg.max_joint_speed * h;
                for ((v, g), q) in values.iter_mut().zip(&goal).zip(&self.q) {
                    *v = (g - q).clamp(-step, step);
                }
            }
        }
        let action = Action {
            values,
            close_gripper: self.close,
            phase,
            mode,
        };
        apply(&self.chain, &mut self.q, &action, Reading::AsSent);
        self.phase_time += h;
        if via_active {
            // A via point is passed when this action reaches it (no stop on it).
            let reach = match mode {
                ActionMode::Task => 2e-3_f64.max(self.cfg.max_linear_speed * h),
                ActionMode::Joint => 2e-3,
            };
            if e.fixed_rows::<3>(0).norm() <= reach {
                self.via.pop_front();
            }
            return action;
        }
        let next = match phase {
            Phase::Approach if reached => Some(Phase::Descend),
            Phase::Descend if reached => Some(Phase::Close),
            Phase::Close if self.phase_time >= 0.6 => Some(Phase::Lift),
            Phase::Lift if reached => Some(Phase::Transport),
            Phase::Transport if reached => Some(Phase::Lower),
            Phase::Lower if reached => Some(Phase::Release),
            Phase::Release if self.phase_time >= 0.5 => Some(Phase::Retreat),
            Phase::Retreat if reached => Some(Phase::Done),
            _ => None,
        };
        if let Some(n) = next {
            self.phase = n;
            self.phase_time = 0.0;
        }
        action
    }
}

/// A pick-and-place episode that advances one control period at a time, so a caller (the app,
/// a test) can watch it, change the action mode between periods, or run it to the end.
///
/// A clone is the episode at this instant (physics, policy, random streams, logs) and steps on
/// exactly as the original would.
#[derive(Clone)]
pub struct Episode {
    pub arm: ArmWorld,
    pub scenario: Scenario,
    pub cube: rapier3d_f64::prelude::RigidBodyHandle,
    /// The obstacle's collider on the course.
    pub obstacle: Option<rapier3d_f64::prelude::ColliderHandle>,
    planner: Planner,
    /// The arm as the task sees it: chain, configuration slots, start, gripper.
    task_arm: TaskArm,
    /// The suction cup's hold on the cube, while it holds it.
    hold: Option<rapier3d_f64::prelude::ImpulseJointHandle>,
    pd: JointPd,
    q_cmd: Vec<f64>,
    q_prev_cmd: Vec<f64>,
    q_filtered: Vec<f64>,
    current: Action,
    queue: std::collections::VecDeque<(usize, Action)>,
    /// With temporal ensembling: every prediction made for each future period, oldest first.
    predictions: std::collections::BTreeMap<usize, Vec<Action>>,
    /// The predictions averaged into the last executed action, with their weights.
    last_ensemble: Vec<(f64, Action)>,
    /// Draws the chunk noise of an imperfect policy.
    noise: rand::rngs::StdRng,
    recent: std::collections::VecDeque<LiveSample>,
    period: usize,
    measured: Jerk,
    commanded: Jerk,
    out: Outcome,
    /// The joint torques of the last physics step (zeros before the first).
    last_tau: Vec<f64>,
}

/// Salt of the chunk noise's seed, so it is independent of the scenario drawn from the seed.
const NOISE_SALT: u64 = 0x5EED_C4A7;
/// Predicted chunks kept for drawing.
const CHUNK_LOG: usize = 400;

/// ACT's weights for `n` predictions, oldest first, normalised: `wᵢ = exp(−m·i) / Σⱼ exp(−m·j)`.
fn ensemble_weights(n: usize, m: f64) -> Vec<f64> {
    let w: Vec<f64> = (0..n).map(|i| (-m * i as f64).exp()).collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|w| w / total).collect()
}

/// A standard normal draw (Box–Muller).
fn gauss(rng: &mut impl Rng) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

impl Episode {
    /// An episode on `model` with its tool link chosen automatically ([`TaskArm::for_model`]).
    pub fn new(model: &Model, seed: u64, cfg: &PickPlaceConfig) -> Result<Episode, SimError> {
        let task_arm = TaskArm::for_model(model).map_err(SimError::Unsupported)?;
        Episode::with_arm(model, task_arm, seed, cfg)
    }

    /// An episode on `model` as `task_arm` describes it (a chosen tool link).
    pub fn with_arm(
        model: &Model,
        task_arm: TaskArm,
        seed: u64,
        cfg: &PickPlaceConfig,
    ) -> Result<Episode, SimError> {
        let chain = task_arm.chain.clone();
        let scenario = if cfg.course {
            Scenario::course(seed)
        } else {
            Scenario::from_seed(seed, cfg.cube_side)
        };
        let side = scenario.cube_side;
        let mut arm = ArmWorld::new(model.clone(), &task_arm.start, 1.0 / cfg.physics_rate)?;
        arm.add_table(Vec3::new(0.5, 0.0, 0.0), Vec3::new(0.8, 1.2, 0.05));
        let cube = arm.add_cube(scenario.cube, side, cfg.cube_mass);
        let obstacle = scenario
            .obstacle
            .map(|o| arm.add_obstacle(o.center, o.size));
        if let Some(rb) = arm.world.bodies.get_mut(cube) {
            rb.set_rotation(
                rapier3d_f64::math::Rotation::from_rotation_z(scenario.cube_yaw),
                true,
            );
        }
        let planner = Planner {
            chain,
            cfg: cfg.clone(),
            mode: cfg.mode,
            scenario,
            phase: Phase::Approach,
            phase_time: 0.0,
            close: false,
            q: task_arm.chain_q(&task_arm.start),
            ik: IkSolver::default(),
            via: scenario.via.into_iter().collect(),
            policy: None,
            chunks_asked: 0,
            reach: None,
            pairs: Vec::new(),
            grip_height: task_arm.grip_height(side),
            free_yaw: task_arm.gripper == Gripper::Suction,
        };
        let q: Vec<f64> = task_arm.chain_q(&task_arm.start);
        Ok(Episode {
            arm,
            scenario,
            cube,
            obstacle,
            planner,
            task_arm,
            hold: None,
            pd: JointPd::default(),
            q_cmd: q.clone(),
            q_prev_cmd: q.clone(),
            q_filtered: q,
            current: Action {
                values: [0.0; 7],
                close_gripper: false,
                phase: Phase::Approach,
                mode: cfg.mode,
            },
            queue: std::collections::VecDeque::new(),
            predictions: std::collections::BTreeMap::new(),
            last_ensemble: Vec::new(),
            noise: rand::rngs::StdRng::seed_from_u64(seed ^ NOISE_SALT),
            recent: std::collections::VecDeque::new(),
            period: 0,
            measured: Jerk::default(),
            commanded: Jerk::default(),
            out: Outcome {
                success: false,
                time_to_success: None,
                place_error: f64::INFINITY,
                max_tracking_error: 0.0,
                max_torque: 0.0,
                actions: Vec::new(),
                rms_jerk: 0.0,
                rms_command_jerk: 0.0,
                trace: Vec::new(),
                tool_path: Vec::new(),
                collided: false,
                chunks: Vec::new(),
            },
            last_tau: vec![0.0; model.dof()],
        })
    }

    /// Lets a learned policy choose the translation of every task-space action.
    pub fn set_reach_policy(&mut self, policy: Box<dyn ReachPolicy>) {
        self.planner.reach = Some(std::sync::Arc::from(policy));
    }

    /// The (position error, translation) pairs of the task-space actions planned and kept.
    pub fn reach_pairs(&self) -> &[ReachPair] {
        &self.planner.pairs
    }

    /// Hands the transport to a learned chunking policy instead of the scripted route.
    pub fn set_chunk_policy(&mut self, policy: Box<dyn ChunkPolicy>) {
        self.planner.via.clear();
        self.planner.policy = Some(policy);
    }

    /// Switches the action space from the next planned action on (joint ↔ task).
    pub fn set_mode(&mut self, mode: ActionMode) {
        self.planner.mode = mode;
    }

    pub fn phase(&self) -> Phase {
        self.planner.phase
    }

    /// Where the arm touches the cube (the fingers' or the cup's contacts while it holds it).
    pub fn gripper_contacts(&self) -> Vec<super::world::Contact> {
        self.arm.contacts_with(self.cube)
    }

    /// The action space the planner sends its actions in.
    pub fn mode(&self) -> ActionMode {
        self.planner.mode
    }

    /// The arm now, as a row of the trace: joint values, speeds, the torques of the last
    /// physics step, the tool pose, the action being executed.
    pub fn trace_row(&self) -> TraceRow {
        let t = self.arm.link_pose(self.task_arm.tool);
        let quat = crate::math::Quat::from_matrix(&t.rotation).to_wxyz();
        TraceRow {
            t: self.arm.time(),
            q: self.arm.q(),
            qd: self.arm.qd(),
            tau: self.last_tau.clone(),
            tool: [
                t.translation.x,
                t.translation.y,
                t.translation.z,
                quat[0],
                quat[1],
                quat[2],
                quat[3],
            ],
            action: self.current.values,
            close_gripper: self.current.close_gripper,
            target: self.q_cmd.clone(),
            command: self.q_filtered.clone(),
        }
    }

    /// True once the policy is done and every planned action has been executed, or time is up.
    pub fn finished(&self) -> bool {
        self.arm.time() >= self.planner.cfg.timeout || self.all_executed()
    }

    fn all_executed(&self) -> bool {
        self.planner.phase == Phase::Done && self.queue.is_empty() && self.predictions.is_empty()
    }

    /// The settings the episode runs with.
    pub fn config(&self) -> &PickPlaceConfig {
        &self.planner.cfg
    }

    /// Control periods executed so far.
    pub fn period(&self) -> usize {
        self.period
    }

    /// The joint configuration commanded now (the step function the controller interpolates).
    pub fn commanded(&self) -> &[f64] {
        &self.q_cmd
    }

    /// What the joint controller tracked at the last physics step.
    pub fn tracked(&self) -> &[f64] {
        &self.q_filtered
    }

    /// The last action executed.
    pub fn current_action(&self) -> &Action {
        &self.current
    }

    /// The joint signals of the last [`LIVE_SECONDS`] (with `record_live`), oldest first.
    pub fn recent(&self) -> &std::collections::VecDeque<LiveSample> {
        &self.recent
    }

    /// Every chunk predicted so far (with `record_live`; the last few hundred).
    pub fn chunks(&self) -> &[PredictedChunk] {
        &self.out.chunks
    }

    /// With temporal ensembling: the predictions that were averaged into the last executed
    /// action, oldest first, each with its normalised weight.
    pub fn last_ensemble(&self) -> &[(f64, Action)] {
        &self.last_ensemble
    }

    /// Where the command will be at period `first`: the command now with every action already
    /// on its way applied (what a latency-compensating policy plans from).
    fn command_at(&self, first: usize) -> Vec<f64> {
        let mut q = self.q_cmd.clone();
        let chain = &self.planner.chain;
        let reading = self.planner.cfg.reading;
        for (due, a) in &self.queue {
            if *due < first {
                apply(chain, &mut q, a, reading);
            }
        }
        if let Some(m) = self.planner.cfg.ensemble {
            for t in self.period..first {
                if let Some(a) = self.ensemble_at(t, m) {
                    apply(chain, &mut q, &a, reading);
                }
            }
        }
        q
    }

    /// The predictions for period `t` that can be averaged: those in the newest one's action
    /// space and phase of the task, oldest first. (An old chunk that foresaw the next phase
    /// already would otherwise pull the arm on before this phase's target is reached.)
    fn ensemble_members(&self, t: usize) -> Vec<Action> {
        let Some(newest) = self.predictions.get(&t).and_then(|p| p.last()) else {
            return Vec::new();
        };
        self.predictions[&t]
            .iter()
            .filter(|a| a.mode == newest.mode && a.phase == newest.phase)
            .copied()
            .collect()
    }

    /// The ensembled action for period `t`: the weighted mean of its
    /// [members](Self::ensemble_members); the gripper comes from the newest prediction.
    fn ensemble_at(&self, t: usize, m: f64) -> Option<Action> {
        let members = self.ensemble_members(t);
        let newest = *members.last()?;
        let mut values = [0.0; 7];
        for (w, a) in ensemble_weights(members.len(), m).iter().zip(&members) {
            for (s, v) in values.iter_mut().zip(&a.values) {
                *s += w * v;
            }
        }
        if newest.mode == ActionMode::Task {
            values[6] = newest.values[6];
        }
        Some(Action { values, ..newest })
    }

    /// Replaces the chunk's motion by its smoothed version ([`smoothing::smooth`]), each
    /// dimension joined to the last two actions executed in the same action space.
    fn penalise(&self, chunk: &mut [Action]) {
        let (Some((lambda, mu)), Some(first)) = (self.planner.cfg.chunk_penalty, chunk.first())
        else {
            return;
        };
        let mode = first.mode;
        let dims = match mode {
            ActionMode::Task => 6,
            ActionMode::Joint => 7,
        };
        let past: Vec<&Action> = self
            .out
            .actions
            .iter()
            .rev()
            .take(2)
            .take_while(|a| a.mode == mode)
            .collect();
        let n = chunk.iter().take_while(|a| a.mode == mode).count();
        for d in 0..dims {
            let before: Vec<f64> = past.iter().rev().map(|a| a.values[d]).collect();
            let a: Vec<f64> = chunk[..n].iter().map(|a| a.values[d]).collect();
            for (act, v) in chunk[..n]
                .iter_mut()
                .zip(smoothing::smooth(&a, &before, lambda, mu))
            {
                act.values[d] = v;
            }
        }
    }

    /// An imperfect policy's chunk: each action's motion is perturbed in proportion to its
    /// size, by a bias shared by the whole chunk plus a jitter of half that spread per action.
    /// Proportional, so a policy that has arrived stays put and phases still complete.
    fn perturb(&mut self, chunk: &mut [Action]) {
        let k = self.planner.cfg.chunk_noise;
        if k <= 0.0 {
            return;
        }
        let bias: [f64; 7] = std::array::from_fn(|_| gauss(&mut self.noise));
        for a in chunk.iter_mut() {
            // (start, end) of each group sized together: translation and rotation, or joints.
            let groups: &[(usize, usize)] = match a.mode {
                ActionMode::Task => &[(0, 3), (3, 6)],
                ActionMode::Joint => &[(0, 7)],
            };
            for &(lo, hi) in groups {
                let size = a.values[lo..hi].iter().map(|v| v * v).sum::<f64>().sqrt();
                for (v, b) in a.values[lo..hi].iter_mut().zip(&bias[lo..hi]) {
                    *v += k * size * (b + 0.5 * gauss(&mut self.noise));
                }
            }
        }
    }

    /// One control period: plan if due, execute the action that is due, and step the physics
    /// through the period.
    pub fn step_period(&mut self) -> Result<(), SimError> {
        let cfg = &self.planner.cfg;
        let (latency, horizon, keep, compensate) = (
            cfg.latency,
            cfg.chunk.max(1),
            cfg.execution_horizon(),
            cfg.latency_compensation,
        );
        let (ensemble, reading, record_live) = (cfg.ensemble, cfg.reading, cfg.record_live);
        let (smoothing, grip_force, record) = (cfg.smoothing, cfg.grip_force, cfg.record_trace);
        // Physics steps in this period: when the period is not a whole number of steps (50 Hz
        // on 240 Hz physics: 4.8), periods of 5 and 4 steps alternate so the rate is exact.
        let ticks = |p: usize| (p as f64 * cfg.control_period * cfg.physics_rate).round() as usize;
        let steps = (ticks(self.period + 1) - ticks(self.period)).max(1);
        let dt = 1.0 / cfg.physics_rate;
        // Plan a chunk every period when ensembling, otherwise when everything planned so far
        // has been handed to the pipeline.
        let due = ensemble.is_some() || self.queue.len() <= latency;
        if due && self.planner.phase != Phase::Done {
            let first = if ensemble.is_some() {
                self.period + latency
            } else {
                self.period + latency + self.queue.len().saturating_sub(latency)
            };
            // With compensation the policy plans for when its chunk will run; without, it
            // sees only what has been executed.
            self.planner.q = if compensate {
                self.command_at(first)
            } else {
                self.q_cmd.clone()
            };
            let belief = self.planner.q.clone();
            let mut chunk = self.planner.plan(horizon, keep);
            self.perturb(&mut chunk);
            self.penalise(&mut chunk);
            if record_live {
                let chain = &self.planner.chain;
                let mut q = belief;
                let tool = chunk
                    .iter()
                    .map(|a| {
                        apply(chain, &mut q, a, Reading::AsSent);
                        chain.tip_pose(&q).translation
                    })
                    .collect();
                if self.out.chunks.len() >= CHUNK_LOG {
                    self.out.chunks.remove(0);
                }
                self.out.chunks.push(PredictedChunk {
                    planned_at: self.period,
                    first,
                    tool,
                    executed: keep.min(chunk.len()),
                });
            }
            if ensemble.is_some() {
                for (i, a) in chunk.into_iter().enumerate() {
                    self.predictions.entry(first + i).or_default().push(a);
                }
            } else {
                for (i, a) in chunk.into_iter().take(keep).enumerate() {
                    self.queue.push_back((first + i, a));
                }
            }
        }
        // Execute the action due now, if any (otherwise hold the command).
        let action = if let Some(m) = ensemble {
            let a = self.ensemble_at(self.period, m);
            if record_live {
                let members = self.ensemble_members(self.period);
                let weights = ensemble_weights(members.len(), m);
                self.last_ensemble = weights.into_iter().zip(members).collect();
            }
            // Predictions for this period and any earlier are used up.
            self.predictions = self.predictions.split_off(&(self.period + 1));
            a
        } else if self
            .queue
            .front()
            .is_some_and(|(due, _)| *due <= self.period)
        {
            self.queue.pop_front().map(|(_, a)| a)
        } else {
            None
        };
        if let Some(a) = action {
            apply(&self.planner.chain, &mut self.q_cmd, &a, reading);
            if a.phase == Phase::Retreat && self.out.time_to_success.is_none() {
                self.out.time_to_success = Some(self.arm.time());
            }
            self.out.actions.push(a);
            let tool = self.planner.chain.tip_pose(&self.q_cmd).translation;
            self.out.tool_path.push((a.phase, tool));
            self.current = a;
        }
        // Where the command puts the tool (it changes once a period).
        let cmd_tool = record_live.then(|| self.planner.chain.tip_pose(&self.q_cmd).translation);
        self.arm.set_substeps(substeps_for(self.current.phase, dt));
        for k in 1..=steps {
            let s = k as f64 / steps as f64;
            let n = self.q_cmd.len();
            let lin: Vec<f64> = (0..n)
                .map(|i| self.q_prev_cmd[i] + s * (self.q_cmd[i] - self.q_prev_cmd[i]))
                .collect();
            match smoothing {
                Some(tau) => {
                    let alpha = (dt / tau).min(1.0);
                    for (f, l) in self.q_filtered.iter_mut().zip(&lin) {
                        *f += alpha * (l - *f);
                    }
                }
                None => self.q_filtered.copy_from_slice(&lin),
            }
            let (q, qd) = (self.arm.q(), self.arm.qd());
            // Every joint off the chain holds its start value; the chain tracks the command.
            let mut target_q = self.task_arm.start.clone();
            for (&slot, &v) in self.task_arm.slots.iter().zip(&self.q_filtered) {
                target_q[slot] = v;
            }
            let closed = self.current.close_gripper;
            // Closed fingers are pushed by the grip force alone, not held at a position.
            let gripping: &[usize] = match &self.task_arm.gripper {
                Gripper::Fingers { slots, .. } if closed => slots,
                _ => &[],
            };
            for &slot in gripping {
                target_q[slot] = q[slot];
            }
            let mut tau = self.pd.torques(&self.arm.model, &q, &qd, &target_q);
            for &slot in gripping {
                tau[slot] = -grip_force;
            }
            for (i, &slot) in self.task_arm.slots.iter().enumerate() {
                self.out.max_tracking_error = self
                    .out
                    .max_tracking_error
                    .max((self.q_filtered[i] - q[slot]).abs());
                self.out.max_torque = self.out.max_torque.max(tau[slot].abs());
            }
            if self.task_arm.gripper == Gripper::Suction {
                self.suction(closed);
            }
            self.arm.apply_joint_torques(&tau)?;
            self.last_tau.clone_from(&tau);
            self.arm.step()?;
            if let Some(o) = self.obstacle
                && self.arm.touching(o)
            {
                self.out.collided = true;
            }
            let q_now = self.arm.q();
            let chain_now = self.task_arm.chain_q(&q_now);
            let jerk = self.measured.push(&chain_now, dt);
            let command_jerk = self.commanded.push(&self.q_filtered, dt);
            if record_live {
                let arr = |v: &[f64]| -> [f64; ARM] {
                    std::array::from_fn(|i| v.get(i).copied().unwrap_or(0.0))
                };
                self.recent.push_back(LiveSample {
                    t: self.arm.time(),
                    target: arr(&self.q_cmd),
                    tracked: arr(&self.q_filtered),
                    measured: arr(&chain_now),
                    tool_commanded: cmd_tool.unwrap_or_default(),
                    tool: self.arm.link_pose(self.task_arm.tool).translation,
                    command_jerk,
                    jerk,
                });
                while self
                    .recent
                    .front()
                    .is_some_and(|f| f.t < self.arm.time() - LIVE_SECONDS)
                {
                    self.recent.pop_front();
                }
            }
            if record {
                let row = self.trace_row();
                self.out.trace.push(row);
            }
        }
        self.q_prev_cmd = self.q_cmd.clone();
        self.period += 1;
        Ok(())
    }

    /// The suction cup: it takes hold of the cube when it closes with its rim on the cube's
    /// top face (within a centimetre, inside the face), and lets go when it opens.
    fn suction(&mut self, closed: bool) {
        match (closed, self.hold) {
            (true, None) => {
                let tool = self.arm.link_pose(self.task_arm.tool);
                let rim = tool.transform_point(&Vec3::new(0.0, 0.0, CUP_LENGTH));
                let Some(cube) = self.arm.body_pose(self.cube) else {
                    return;
                };
                let local = cube.inverse().transform_point(&rim);
                let h = self.scenario.cube_side / 2.0;
                let on_top = (local.z - h).abs() < 0.01
                    && local.x.abs() < h - CUP_RADIUS / 2.0
                    && local.y.abs() < h - CUP_RADIUS / 2.0;
                if on_top {
                    self.hold = self.arm.hold(self.task_arm.tool, self.cube);
                }
            }
            (false, Some(h)) => {
                self.arm.release(h);
                self.hold = None;
            }
            _ => {}
        }
    }

    /// Runs the episode headless to its end and gives the final outcome.
    pub fn run_to_end(mut self) -> Result<Outcome, SimError> {
        while !self.finished() {
            self.step_period()?;
        }
        Ok(self.outcome())
    }

    /// The outcome so far (final once [`Episode::finished`]).
    pub fn outcome(&self) -> Outcome {
        let mut out = self.out.clone();
        out.rms_jerk = self.measured.rms();
        out.rms_command_jerk = self.commanded.rms();
        let side = self.scenario.cube_side;
        let c = self
            .arm
            .body_pose(self.cube)
            .map(|t| t.translation)
            .unwrap_or_else(|| Vec3::repeat(f64::INFINITY));
        out.place_error =
            ((c.x - self.scenario.place.x).powi(2) + (c.y - self.scenario.place.y).powi(2)).sqrt();
        let resting = (c.z - side / 2.0).abs() < 5e-3;
        out.success = !out.collided && self.all_executed() && out.place_error < 0.02 && resting;
        if !out.success {
            out.time_to_success = None;
        }
        out
    }
}

/// Solver substeps for a physics step of `dt` s while the arm executes an action of `phase`.
/// From the descent onto the cube to the release the grasp needs
/// [`SUBSTEP_RATE`](super::world::SUBSTEP_RATE) (the cube's contacts with the fingers and the
/// table); on the way to the cube, on the way up after the release and at rest nothing is
/// gripped, and one substep tracks the command as closely (measured over 20 seeds per action
/// space: the same largest tracking error to 1e-4 rad, the same success counts over 50).
pub fn substeps_for(phase: Phase, dt: f64) -> usize {
    match phase {
        Phase::Approach | Phase::Retreat | Phase::Done => 1,
        _ => super::world::solver_substeps(dt),
    }
}

/// Runs one pick-and-place episode headless, to the end.
pub fn run_episode(model: &Model, seed: u64, cfg: &PickPlaceConfig) -> Result<Outcome, SimError> {
    Episode::new(model, seed, cfg)?.run_to_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_rate_over_50_seeds_in_each_mode() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        for mode in [ActionMode::Task, ActionMode::Joint] {
            let cfg = PickPlaceConfig {
                mode,
                ..PickPlaceConfig::default()
            };
            let mut ok = 0;
            let mut times = Vec::new();
            let mut failures = Vec::new();
            for seed in 0..50 {
                let o = run_episode(&model, seed, &cfg).unwrap();
                if o.success {
                    ok += 1;
                    times.push(o.time_to_success.unwrap_or(0.0));
                } else {
                    failures.push((seed, o.place_error));
                }
            }
            let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
            eprintln!(
                "{mode:?}: {ok}/50 succeeded, mean time to success {mean:.2} s, failures {failures:?}"
            );
            assert!(ok >= 48, "{mode:?}: {ok}/50");
        }
    }
}

#[cfg(test)]
mod behaviour_tests {
    use super::*;

    fn model() -> Model {
        Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
    }

    fn successes(model: &Model, cfg: &PickPlaceConfig, seeds: std::ops::Range<u64>) -> usize {
        seeds
            .filter(|&s| run_episode(model, s, cfg).unwrap().success)
            .count()
    }

    #[test]
    fn smoothing_cuts_the_command_jerk() {
        let m = model();
        for mode in [ActionMode::Task, ActionMode::Joint] {
            let smooth = run_episode(
                &m,
                0,
                &PickPlaceConfig {
                    mode,
                    ..Default::default()
                },
            )
            .unwrap();
            let raw = run_episode(
                &m,
                0,
                &PickPlaceConfig {
                    mode,
                    smoothing: None,
                    ..Default::default()
                },
            )
            .unwrap();
            eprintln!(
                "{mode:?}: command jerk {:.0} → {:.0} rad/s³ with smoothing; measured {:.0} → {:.0}",
                raw.rms_command_jerk, smooth.rms_command_jerk, raw.rms_jerk, smooth.rms_jerk
            );
            assert!(smooth.success && raw.success);
            assert!(raw.rms_command_jerk > 5.0 * smooth.rms_command_jerk);
        }
    }

    #[test]
    fn latency_needs_compensation_or_chunking() {
        let m = model();
        let late = |compensation: bool, chunk: usize| PickPlaceConfig {
            latency: 3,
            latency_compensation: compensation,
            chunk,
            ..Default::default()
        };
        let compensated = successes(&m, &late(true, 1), 0..5);
        let stale = successes(&m, &late(false, 1), 0..5);
        let chunked = successes(&m, &late(false, 8), 0..5);
        eprintln!(
            "latency 150 ms: compensated {compensated}/5, stale {stale}/5, stale with chunks of 8 {chunked}/5"
        );
        assert_eq!(compensated, 5);
        assert!(stale <= 1, "{stale}");
        assert!(chunked >= 4, "{chunked}");
    }

    #[test]
    fn the_trace_has_one_finite_row_per_physics_step() {
        let m = model();
        let o = run_episode(
            &m,
            3,
            &PickPlaceConfig {
                record_trace: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(o.success);
        let dt = 1.0 / 240.0;
        for (k, row) in o.trace.iter().enumerate() {
            assert!((row.t - (k + 1) as f64 * dt).abs() < 1e-9);
            assert!(
                row.q
                    .iter()
                    .chain(&row.qd)
                    .chain(&row.tau)
                    .chain(&row.tool)
                    .all(|x| x.is_finite())
            );
            let qn = (row.tool[3..].iter().map(|x| x * x).sum::<f64>()).sqrt();
            assert!((qn - 1.0).abs() < 1e-9, "unit quaternion");
        }
        // Without latency or chunking one action is executed per 50 ms period: 12 steps each.
        assert_eq!(o.trace.len(), o.actions.len() * 12);
    }

    #[test]
    fn the_same_seed_gives_a_bit_identical_episode() {
        let m = model();
        let cfg = PickPlaceConfig {
            record_trace: true,
            ..Default::default()
        };
        let a = run_episode(&m, 11, &cfg).unwrap();
        let b = run_episode(&m, 11, &cfg).unwrap();
        let bits = |o: &Outcome| -> Vec<u64> {
            o.trace
                .iter()
                .flat_map(|r| {
                    r.q.iter()
                        .chain(&r.tau)
                        .chain(&r.tool)
                        .map(|x| x.to_bits())
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        assert_eq!(bits(&a), bits(&b));
        assert_ne!(bits(&a), bits(&run_episode(&m, 12, &cfg).unwrap()));
    }

    #[test]
    fn the_action_mode_can_switch_during_an_episode() {
        let m = model();
        for (first, second) in [
            (ActionMode::Task, ActionMode::Joint),
            (ActionMode::Joint, ActionMode::Task),
        ] {
            let mut ep = Episode::new(
                &m,
                4,
                &PickPlaceConfig {
                    mode: first,
                    ..Default::default()
                },
            )
            .unwrap();
            for _ in 0..30 {
                ep.step_period().unwrap();
            }
            ep.set_mode(second);
            while !ep.finished() {
                ep.step_period().unwrap();
            }
            let o = ep.outcome();
            assert!(o.success, "{first:?} then {second:?}");
            assert!(
                o.actions.iter().any(|a| a.mode == first)
                    && o.actions.iter().any(|a| a.mode == second)
            );
        }
    }

    #[test]
    fn every_cube_size_is_used_and_picked() {
        let m = model();
        for &side in &CUBE_SIDES {
            let cfg = PickPlaceConfig {
                cube_side: Some(side),
                ..Default::default()
            };
            let ok = successes(&m, &cfg, 20..25);
            eprintln!("cube of {:.0} mm: {ok}/5", side * 1e3);
            assert!(ok >= 4, "cube of {side} m: {ok}/5");
        }
        let drawn: std::collections::BTreeSet<u64> = (0..30)
            .map(|s| (Scenario::from_seed(s, None).cube_side * 1000.0).round() as u64)
            .collect();
        assert_eq!(drawn.len(), CUBE_SIDES.len());
    }

    #[test]
    fn ten_minutes_of_repeated_pick_and_place_stay_finite() {
        // Episodes back to back (alternating modes) until 600 simulated seconds: any NaN or
        // runaway would come back as an error from the guard.
        let m = model();
        let (mut simulated, mut episodes, mut ok) = (0.0, 0, 0);
        let mut seed = 1000;
        while simulated < 600.0 {
            let mode = if seed % 2 == 0 {
                ActionMode::Task
            } else {
                ActionMode::Joint
            };
            let cfg = PickPlaceConfig {
                mode,
                ..Default::default()
            };
            let o = run_episode(&m, seed, &cfg).unwrap();
            simulated += o.actions.len() as f64 * cfg.control_period;
            episodes += 1;
            ok += usize::from(o.success);
            seed += 1;
        }
        eprintln!("{simulated:.0} s simulated in {episodes} episodes, {ok} successful, no NaN");
        assert!(ok as f64 >= 0.95 * episodes as f64);
    }
    #[test]
    fn a_chunk_cut_to_its_first_action_is_the_one_step_policy() {
        // Predicting ten and executing one, without noise, must replan exactly as a policy
        // that predicts one: the rest of each chunk is thrown away, including its phase changes.
        let m = model();
        let one = run_episode(&m, 5, &PickPlaceConfig::default()).unwrap();
        let cut = run_episode(
            &m,
            5,
            &PickPlaceConfig {
                chunk: 10,
                execute: Some(1),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(one.success);
        assert_eq!(one.actions, cut.actions);
        assert_eq!(one.rms_jerk.to_bits(), cut.rms_jerk.to_bits());
    }

    #[test]
    fn an_execution_horizon_keeps_h_actions_of_every_chunk() {
        let m = model();
        let o = run_episode(
            &m,
            2,
            &PickPlaceConfig {
                chunk: 8,
                execute: Some(3),
                record_live: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(o.success);
        let chunks = &o.chunks;
        assert!(chunks.len() > 10);
        for w in chunks.windows(2) {
            assert_eq!(w[0].executed, 3.min(w[0].tool.len()));
            // The next chunk is asked for once the three before it have been executed.
            assert_eq!(w[1].planned_at, w[0].planned_at + 3);
            assert!(w[0].tool.len() <= 8);
        }
    }

    #[test]
    fn temporal_ensembling_weights_follow_act() {
        let m = model();
        let cfg = PickPlaceConfig {
            chunk: 6,
            ensemble: Some(0.5),
            record_live: true,
            ..Default::default()
        };
        let mut ep = Episode::new(&m, 1, &cfg).unwrap();
        for _ in 0..10 {
            ep.step_period().unwrap();
        }
        // Ten periods in, six chunks overlap the period just executed (all in the approach).
        let w = ep.last_ensemble();
        assert_eq!(w.len(), 6);
        let total: f64 = w.iter().map(|(w, _)| w).sum();
        assert!((total - 1.0).abs() < 1e-12);
        // wᵢ = exp(−m·i) with i = 0 the oldest prediction: each weight is e^−0.5 of the last.
        for pair in w.windows(2) {
            assert!((pair[1].0 / pair[0].0 - (-0.5f64).exp()).abs() < 1e-12);
        }
        // The executed action is their weighted mean.
        let mean: f64 = w.iter().map(|(wi, a)| wi * a.values[0]).sum();
        assert!((ep.current_action().values[0] - mean).abs() < 1e-15);
        while !ep.finished() {
            ep.step_period().unwrap();
        }
        assert!(ep.outcome().success);
    }

    #[test]
    fn the_same_seed_draws_the_same_chunk_noise() {
        let m = model();
        let cfg = PickPlaceConfig {
            chunk: 10,
            execute: Some(2),
            chunk_noise: 0.3,
            ..Default::default()
        };
        let a = run_episode(&m, 7, &cfg).unwrap();
        let b = run_episode(&m, 7, &cfg).unwrap();
        assert_eq!(a.actions, b.actions);
        let clean = run_episode(
            &m,
            7,
            &PickPlaceConfig {
                chunk_noise: 0.0,
                ..cfg
            },
        )
        .unwrap();
        assert_ne!(a.actions, clean.actions);
    }

    #[test]
    fn misreading_the_action_loses_the_cube_unless_the_loop_hides_it() {
        let m = model();
        let run = |reading: Reading, seed: u64| {
            run_episode(
                &m,
                seed,
                &PickPlaceConfig {
                    reading,
                    ..Default::default()
                },
            )
            .map(|o| o.success)
            // The guard stopping a runaway is a failure too.
            .unwrap_or(false)
        };
        for seed in 0..4 {
            assert!(!run(Reading::TaskAsJoint, seed), "seed {seed}");
            assert!(!run(Reading::RotationInToolFrame, seed), "seed {seed}");
            // With the tool pointing down and little yaw the Euler rate matrix is close to the
            // identity, and replanning every period corrects the rest: the mistake hides.
            assert!(run(Reading::RotationAsEuler, seed), "seed {seed}");
        }
    }

    #[test]
    fn fifty_hertz_on_240_hertz_physics_keeps_the_exact_rate() {
        let m = model();
        let cfg = PickPlaceConfig {
            control_period: 0.02,
            record_trace: true,
            ..Default::default()
        };
        let mut ep = Episode::new(&m, 0, &cfg).unwrap();
        for _ in 0..50 {
            ep.step_period().unwrap();
        }
        // 50 periods of 20 ms are one second: 240 physics steps (periods of 5 and 4 steps).
        assert!((ep.arm.time() - 1.0).abs() < 1e-9, "{}", ep.arm.time());
    }
}

#[cfg(test)]
mod clone_tests {
    use super::*;

    /// Steps `episode` to its end, returning every period's joint values and cube pose.
    fn run(mut episode: Episode) -> (Vec<Vec<f64>>, Outcome) {
        let mut path = Vec::new();
        while !episode.finished() {
            episode.step_period().unwrap();
            let mut row = episode.arm.q();
            let cube = episode.arm.body_pose(episode.cube).unwrap();
            row.extend(cube.translation.iter());
            path.push(row);
        }
        (path, episode.outcome())
    }

    #[test]
    fn a_copy_taken_mid_grasp_goes_on_bit_for_bit_as_the_original() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let cfg = PickPlaceConfig {
            record_trace: true,
            ..PickPlaceConfig::default()
        };
        let mut episode = Episode::new(&model, 4, &cfg).unwrap();
        // Into the lift: the fingers hold the cube, contacts and warm-start impulses are live.
        while episode.phase() != Phase::Lift {
            episode.step_period().unwrap();
        }
        for _ in 0..5 {
            episode.step_period().unwrap();
        }
        let copy = episode.clone();
        let (a, oa) = run(episode);
        let (b, ob) = run(copy);
        assert!(oa.success, "{oa:?}");
        assert_eq!(a, b);
        assert_eq!(oa, ob);
    }

    #[test]
    fn limits_left_out_away_from_them_change_no_episode() {
        // The world switches a joint's limit on only near it; with every limit on in every
        // step, whole episodes (grasp, transport, release; both action spaces, the course)
        // come out bit for bit the same.
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let joint = PickPlaceConfig {
            mode: ActionMode::Joint,
            record_trace: true,
            ..PickPlaceConfig::default()
        };
        let course = PickPlaceConfig {
            record_trace: true,
            ..crate::sim::course::config()
        };
        for (seed, cfg) in [(0, &joint), (3, &course), (21, &course)] {
            let episode = Episode::new(&model, seed, cfg).unwrap();
            let mut every = episode.clone();
            every.arm.all_limits = true;
            let (a, oa) = run(episode);
            let (b, ob) = run(every);
            assert!(a == b, "seed {seed}: the paths differ");
            assert!(oa == ob, "seed {seed}: the outcomes differ");
        }
    }

    #[test]
    fn a_copy_of_a_sampling_policy_draws_the_same_chunks() {
        use crate::sim::course;
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let demos: Vec<course::Demo> = (0..6)
            .map(|seed| course::demonstration(&model, seed).unwrap())
            .collect();
        let set = std::sync::Arc::new(course::chunk_set(&demos).unwrap());
        let policy = course::SampledPolicy::new(
            set,
            course::ChunkSource::Exact,
            course::default_sampler(),
            9,
        );
        let mut episode = Episode::new(&model, 9, &course::config()).unwrap();
        episode.set_chunk_policy(Box::new(policy));
        for _ in 0..60 {
            episode.step_period().unwrap();
        }
        let copy = episode.clone();
        let (a, oa) = run(episode);
        let (b, ob) = run(copy);
        assert_eq!(a, b);
        assert_eq!(oa, ob);
    }
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    /// While the fingers carry the cube, the arm touches it in every period, on the cube's
    /// surface, and at times the two fingers press from opposite sides. (At other times one
    /// finger carries it while the other is up to a centimetre off: the coupled fingers stop
    /// where the first one meets the cube, and the cube sits off centre between them.)
    #[test]
    fn the_fingers_touch_the_cube_while_they_carry_it() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let mut e = Episode::new(&model, 4, &PickPlaceConfig::default()).unwrap();
        assert!(
            e.gripper_contacts().is_empty(),
            "nothing touches at the start"
        );
        // Until the cube is off the table by 2 cm (the planner's phase runs ahead of the
        // actions executed, so the phase cannot say when).
        let z0 = e.arm.body_pose(e.cube).unwrap().translation.z;
        while e.arm.body_pose(e.cube).unwrap().translation.z < z0 + 0.02 {
            assert!(!e.finished(), "the cube was never lifted");
            e.step_period().unwrap();
        }
        let half = e.scenario.cube_side / 2.0;
        let mut opposite = 0;
        for _ in 0..40 {
            e.step_period().unwrap();
            let contacts = e.gripper_contacts();
            assert!(
                !contacts.is_empty(),
                "the cube is carried without a contact"
            );
            let cube = e.arm.body_pose(e.cube).unwrap();
            for c in &contacts {
                assert!((c.normal.norm() - 1.0).abs() < 1e-9);
                assert!(c.depth > -5e-4 && c.depth < 0.01, "{c:?}");
                let local = cube.inverse().transform_point(&c.point);
                assert!(local.amax() < half + 0.002, "{local:?} outside the cube");
            }
            if contacts
                .iter()
                .any(|a| contacts.iter().any(|b| a.normal.dot(&b.normal) < -0.9))
            {
                opposite += 1;
            }
        }
        eprintln!("both fingers in {opposite} of 40 periods");
        assert!(opposite > 0, "the fingers never pressed from both sides");
    }

    #[test]
    fn the_grasp_runs_at_the_contact_rate_and_free_motion_at_one_substep() {
        let dt = 1.0 / 240.0;
        assert_eq!(substeps_for(Phase::Approach, dt), 1);
        assert_eq!(substeps_for(Phase::Retreat, dt), 1);
        for phase in [
            Phase::Descend,
            Phase::Close,
            Phase::Lift,
            Phase::Transport,
            Phase::Lower,
            Phase::Release,
        ] {
            assert_eq!(substeps_for(phase, dt), 3, "{phase:?}");
        }
        // At 1000 Hz a single substep is already above the contact rate.
        assert_eq!(substeps_for(Phase::Transport, 1e-3), 1);
        // In an episode the world follows the phase being executed.
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let mut ep = Episode::new(&model, 0, &PickPlaceConfig::default()).unwrap();
        let mut seen = std::collections::BTreeMap::new();
        while !ep.finished() {
            ep.step_period().unwrap();
            seen.insert(format!("{:?}", ep.current.phase), ep.arm.substeps());
        }
        assert_eq!(seen.get("Approach"), Some(&1));
        assert_eq!(seen.get("Transport"), Some(&3));
        assert_eq!(seen.get("Retreat"), Some(&1));
        assert!(ep.outcome().success);
    }
}
