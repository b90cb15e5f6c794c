//! The scripted policy: a phase machine (approach, descend, close, lift, transport, lower,
//! release, retreat) over its belief of the commanded arm, which can hand the transport to a
//! learned chunk policy or every translation to a learned reaching policy.

use super::action::{Action, ActionMode, Phase, Reading, apply};
use super::config::PickPlaceConfig;
use super::scene::{HOVER, Scenario};
use crate::math::ik::{IkSolver, pose_error};
use crate::math::{Transform, Vec3, so3};
use crate::robot::Chain;

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

/// One demonstration: the tool's position error to its target (m) and the translation the
/// policy sent (m).
pub type ReachPair = ([f64; 3], [f64; 3]);

/// A learned policy for the translation part of a task-space action, given the position
/// error `target − tool` of the phase's target; the orientation and the gripper stay scripted.
pub trait ReachPolicy: Send + Sync {
    fn translate(&self, error: Vec3) -> Vec3;
}

/// The scripted policy: a phase machine over its belief of the commanded arm configuration.
#[derive(Clone)]
pub(super) struct Planner {
    pub(super) chain: Chain,
    pub(super) cfg: PickPlaceConfig,
    pub(super) mode: ActionMode,
    pub(super) scenario: Scenario,
    pub(super) phase: Phase,
    pub(super) phase_time: f64,
    pub(super) close: bool,
    /// The commanded configuration the planner believes the arm has been sent.
    pub(super) q: Vec<f64>,
    pub(super) ik: IkSolver,
    /// Points the transport passes through, in order, before the place target.
    pub(super) via: std::collections::VecDeque<Vec3>,
    /// A learned policy that fills `via` chunk by chunk during the transport.
    pub(super) policy: Option<Box<dyn ChunkPolicy>>,
    pub(super) chunks_asked: usize,
    /// A learned policy that chooses the translation of every task-space action.
    /// Shared: it has no state of its own (`translate` takes `&self`).
    pub(super) reach: Option<std::sync::Arc<dyn ReachPolicy>>,
    /// (position error to the phase's target, translation sent) for every task-space action
    /// planned and kept: demonstrations for behaviour cloning.
    pub(super) pairs: Vec<ReachPair>,
    /// How far above the cube's centre the tool link holds it (0 for fingers).
    pub(super) grip_height: f64,
    /// A suction cup is round: the tool's turn about its own axis is left where it is
    /// instead of being lined up with the cube (a wrist at the end of its range need not
    /// turn at all).
    pub(super) free_yaw: bool,
}

/// A learned transport hands over to the scripted place within this distance of the target.
const HANDOVER: f64 = 0.03;
/// A learned transport that has not arrived after this many chunks is abandoned.
const MAX_CHUNKS: usize = 60;

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
    pub(super) fn plan(&mut self, horizon: usize, keep: usize) -> Vec<Action> {
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
