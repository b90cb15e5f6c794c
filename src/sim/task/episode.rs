//! A pick-and-place episode, one control period at a time.

use super::action::Phase;
use super::action::{Action, ActionMode, apply};
use super::arm::Gripper;
use super::arm::TaskArm;
use super::config::PickPlaceConfig;
use super::metrics::{Jerk, LiveSample, Outcome, PredictedChunk, TraceRow};
use super::planner::{ChunkPolicy, Planner, ReachPair, ReachPolicy};
use super::scene::Scenario;
use crate::math::Vec3;
use crate::math::ik::IkSolver;
use crate::robot::Model;
use crate::sim::{ArmWorld, JointPd, SimError};
use rand::SeedableRng;

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
    pub(super) planner: Planner,
    /// The arm as the task sees it: chain, configuration slots, start, gripper.
    pub(super) task_arm: TaskArm,
    /// The suction cup's hold on the cube, while it holds it.
    pub(super) hold: Option<rapier3d_f64::prelude::ImpulseJointHandle>,
    pub(super) pd: JointPd,
    pub(super) q_cmd: Vec<f64>,
    pub(super) q_prev_cmd: Vec<f64>,
    pub(super) q_filtered: Vec<f64>,
    pub(super) current: Action,
    pub(super) queue: std::collections::VecDeque<(usize, Action)>,
    /// With temporal ensembling: every prediction made for each future period, oldest first.
    pub(super) predictions: std::collections::BTreeMap<usize, Vec<Action>>,
    /// The predictions averaged into the last executed action, with their weights.
    pub(super) last_ensemble: Vec<(f64, Action)>,
    /// Draws the chunk noise of an imperfect policy.
    pub(super) noise: rand::rngs::StdRng,
    pub(super) recent: std::collections::VecDeque<LiveSample>,
    pub(super) period: usize,
    pub(super) measured: Jerk,
    pub(super) commanded: Jerk,
    pub(super) out: Outcome,
    /// The joint torques of the last physics step (zeros before the first).
    pub(super) last_tau: Vec<f64>,
}

/// Salt of the chunk noise's seed, so it is independent of the scenario drawn from the seed.
const NOISE_SALT: u64 = 0x5EED_C4A7;

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
    pub fn gripper_contacts(&self) -> Vec<crate::sim::world::Contact> {
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

    /// Advances one control period: the action pipeline (plan a chunk when one is due, take
    /// the action due now), then the physics steps of the period tracking the command.
    pub fn step_period(&mut self) -> Result<(), SimError> {
        let cfg = &self.planner.cfg;
        // Physics steps in this period: when the period is not a whole number of steps (50 Hz
        // on 240 Hz physics: 4.8), periods of 5 and 4 steps alternate so the rate is exact.
        let ticks = |p: usize| (p as f64 * cfg.control_period * cfg.physics_rate).round() as usize;
        let steps = (ticks(self.period + 1) - ticks(self.period)).max(1);
        let dt = 1.0 / cfg.physics_rate;
        self.plan_if_due();
        if let Some(a) = self.action_due() {
            self.execute(a);
        }
        self.track(steps, dt)?;
        self.q_prev_cmd = self.q_cmd.clone();
        self.period += 1;
        Ok(())
    }

    /// Makes `a` the command: applied to the commanded configuration and logged.
    fn execute(&mut self, a: Action) {
        apply(
            &self.planner.chain,
            &mut self.q_cmd,
            &a,
            self.planner.cfg.reading,
        );
        if a.phase == Phase::Retreat && self.out.time_to_success.is_none() {
            self.out.time_to_success = Some(self.arm.time());
        }
        self.out.actions.push(a);
        let tool = self.planner.chain.tip_pose(&self.q_cmd).translation;
        self.out.tool_path.push((a.phase, tool));
        self.current = a;
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

/// Runs one pick-and-place episode headless, to the end.
pub fn run_episode(model: &Model, seed: u64, cfg: &PickPlaceConfig) -> Result<Outcome, SimError> {
    Episode::new(model, seed, cfg)?.run_to_end()
}
