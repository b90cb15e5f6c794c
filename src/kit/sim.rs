//! Live physics, the simulation's public face: the scripted pick-and-place episode (rapier, 240 Hz, a new action every
//! 50 ms) advanced by real time × speed, with play / pause / single step / reset / seed.
//!
//! The episode moves one control period at a time, so the arm shown is interpolated between
//! the last two periods: smooth at any frame rate, at most one period (50 ms) behind.

use crate::math::Transform as Pose;
use crate::robot::Model;
use crate::sim::history::{Frame, History, Source};
use crate::sim::task::{
    ActionMode, ChunkPolicy, Episode, Obstacle, Outcome, Phase, PickPlaceConfig, ReachPolicy,
};
use bevy::prelude::*;
use std::sync::Arc;

/// Builds the learned transport policy for an episode of the obstacle course, from its seed.
pub type PolicyFactory = Arc<dyn Fn(u64) -> Box<dyn ChunkPolicy> + Send + Sync>;

/// Builds the learned reaching policy (the translation of every task-space action) for an
/// episode.
pub type ReachFactory = Arc<dyn Fn() -> Box<dyn ReachPolicy> + Send + Sync>;

/// Changes the task's configuration for a lesson's scenario.
pub type Configure = Arc<dyn Fn(&mut PickPlaceConfig) + Send + Sync>;

/// A task of a lesson's own for the physics, instead of the random table scenes: the scene it
/// sets and who drives the transport. The lesson installs it (see [`crate::kit::commands::Request::Scenario`])
/// and hears how each episode ended through [`EpisodeEnded`].
#[derive(Clone)]
pub struct LessonTask {
    /// Who drives, as a string-table key: in the log line of every episode and in
    /// [`EpisodeEnded`].
    pub driver: &'static str,
    /// Sets the scene (and any policy settings the lesson chose) on the task's configuration.
    pub configure: Configure,
    /// Builds the transport policy for an episode from its seed (`None`: the scripted route).
    pub policy: Option<PolicyFactory>,
    /// Builds the policy that chooses every task-space translation (`None`: scripted).
    pub reach: Option<ReachFactory>,
}

impl std::fmt::Debug for LessonTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LessonTask")
            .field("driver", &self.driver)
            .field("learned", &self.policy.is_some())
            .field("reach", &self.reach.is_some())
            .finish()
    }
}

/// Sent when an episode finishes (once per episode).
#[derive(Message, Clone, Debug)]
pub struct EpisodeEnded {
    pub seed: u64,
    pub outcome: Outcome,
    /// The scenario's driver (`None`: the usual table scenes).
    pub driver: Option<&'static str>,
}

/// Who moves the arm: the physics with the scripted policy, or the user (teach mode).
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DriveMode {
    #[default]
    Simulate,
    Teach,
}

/// Teach mode records at the task's control rate (20 Hz).
pub const TEACH_PERIOD: f64 = 0.05;

/// The speeds offered: 0.1× to 4×.
pub const SPEEDS: [f64; 7] = [0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 4.0];

#[derive(Clone, Debug)]
struct Snapshot {
    q: Vec<f64>,
    cube: Pose,
}

/// A moment of the timeline being shown instead of the live run.
struct View {
    /// The frame's number in the history (see [`History::number`]).
    number: u64,
    /// The episode as it was then (physics frames), for everything that reads the episode.
    pub(crate) episode: Option<Episode>,
}

impl Snapshot {
    fn of(episode: &Episode) -> Snapshot {
        Snapshot {
            q: episode.arm.q(),
            cube: episode
                .arm
                .body_pose(episode.cube)
                .unwrap_or_else(Pose::identity),
        }
    }
}

/// The running episode and the transport controls.
#[derive(Resource)]
pub struct Sim {
    pub(crate) episode: Option<Episode>,
    pub playing: bool,
    /// Simulated seconds per real second, one of [`SPEEDS`].
    pub speed: f64,
    pub seed: u64,
    pub mode: ActionMode,
    /// Start the next seed automatically a moment after an episode ends.
    pub auto_restart: bool,
    /// Restart on the same seed instead of the next (to compare settings on one scene).
    pub repeat_seed: bool,
    accumulator: f64,
    previous: Option<Snapshot>,
    current: Option<Snapshot>,
    /// Real seconds since the episode finished.
    pub(crate) finished_for: f64,
    pub last: Option<(u64, Outcome)>,
    pub successes: u32,
    pub episodes: u32,
    step_requested: bool,
    period: f64,
    /// A lesson's task instead of the table scenes.
    pub(crate) scenario: Option<LessonTask>,
    /// The tool link the task steers, when the user chose one (else the automatic choice).
    tool: Option<usize>,
    /// Every control period of the last five minutes, for the timeline.
    pub history: History,
    /// The live episode's run in the history.
    run: Option<u64>,
    /// The moment shown instead of the live run, while the timeline is scrubbed.
    view: Option<View>,
    /// Branches taken from the timeline so far: a lesson's state shown at that moment then
    /// becomes its live state (see `app::tape`).
    pub branches: u64,
}

impl Default for Sim {
    fn default() -> Self {
        Sim {
            episode: None,
            playing: true,
            speed: 1.0,
            seed: 1,
            mode: ActionMode::Task,
            auto_restart: true,
            repeat_seed: false,
            accumulator: 0.0,
            previous: None,
            current: None,
            finished_for: 0.0,
            last: None,
            successes: 0,
            episodes: 0,
            step_requested: false,
            period: PickPlaceConfig::default().control_period,
            scenario: None,
            tool: None,
            history: History::default(),
            run: None,
            view: None,
            branches: 0,
        }
    }
}

impl Sim {
    /// True when the loaded robot can run the task.
    pub fn available(&self) -> bool {
        self.episode.is_some()
    }

    /// (Re)starts the episode for `seed` on `model`; returns a one-line error if it cannot.
    pub fn restart(&mut self, model: &Model, seed: u64) -> Result<(), String> {
        self.seed = seed;
        self.accumulator = 0.0;
        self.finished_for = 0.0;
        self.previous = None;
        self.current = None;
        let tool = self
            .tool
            .filter(|&t| t < model.links.len())
            .unwrap_or_else(|| crate::robot::start_pose::tool_link(model));
        let arm = match crate::sim::TaskArm::with_tool(model, tool) {
            Ok(arm) => arm,
            Err(e) => {
                self.episode = None;
                return Err(e);
            }
        };
        let mut cfg = PickPlaceConfig {
            mode: self.mode,
            ..PickPlaceConfig::default()
        };
        if let Some(scenario) = &self.scenario {
            (scenario.configure)(&mut cfg);
        }
        let mut episode = Episode::with_arm(model, arm, seed, &cfg).map_err(|e| e.to_string())?;
        if let Some(factory) = self.scenario.as_ref().and_then(|s| s.policy.as_ref()) {
            episode.set_chunk_policy(factory(seed));
        }
        if let Some(factory) = self.scenario.as_ref().and_then(|s| s.reach.as_ref()) {
            episode.set_reach_policy(factory());
        }
        self.period = cfg.control_period;
        let snap = Snapshot::of(&episode);
        self.previous = Some(snap.clone());
        self.current = Some(snap);
        self.run = Some(self.history.start_run(&episode, seed));
        self.view = None;
        self.episode = Some(episode);
        Ok(())
    }

    /// The frame of the timeline shown instead of the live run, if any.
    pub fn viewed(&self) -> Option<(usize, &Frame)> {
        let i = self.history.index_of(self.view.as_ref()?.number)?;
        Some((i, self.history.frame(i)?))
    }

    /// Shows the moment at `index` of the history (pausing the physics); an index past the
    /// newest frame goes back to the live run.
    pub fn show(&mut self, index: usize) {
        if index + 1 >= self.history.len() {
            // The newest frame is the present of the live run (or of teach mode).
            self.view = None;
            return;
        }
        let Some(frame) = self.history.frame(index) else {
            return;
        };
        let episode = match frame.source {
            Source::Physics => self.history.episode_at(index).ok(),
            Source::Teach | Source::Lesson => None,
        };
        self.playing = false;
        self.view = Some(View {
            number: self.history.number(index),
            episode,
        });
    }

    /// Moves the moment shown by `frames` control periods (negative: back); forward from the
    /// live run's present steps the physics when paused.
    pub fn step_timeline(&mut self, frames: i64) {
        let len = self.history.len();
        if len == 0 {
            return;
        }
        let now = self.viewed().map_or(len - 1, |(i, _)| i);
        let to = (now as i64 + frames).clamp(0, len as i64 - 1) as usize;
        if self.view.is_none() && frames > 0 {
            self.playing = false;
            self.request_step();
        } else {
            self.move_view(to);
        }
    }

    /// Moves the moment shown by `seconds` of recorded time (negative: back).
    pub fn step_timeline_seconds(&mut self, seconds: f64) {
        let len = self.history.len();
        if len == 0 {
            return;
        }
        let now = self.viewed().map_or(len - 1, |(i, _)| i);
        self.move_view(self.history.index_after_seconds(now, seconds));
    }

    /// Shows the moment at `to` unless it is already shown (showing replays the episode).
    fn move_view(&mut self, to: usize) {
        if self.viewed().map(|(i, _)| i) != Some(to) {
            self.show(to);
        }
    }

    /// Back to the live run's present (the moment shown is left as it was).
    pub fn go_live(&mut self) {
        self.view = None;
    }

    /// Makes the moment shown the live run's present: the frames after it are forgotten and
    /// the physics goes on from it. Returns false for a moment without physics.
    pub fn branch(&mut self) -> bool {
        let Some((index, frame)) = self.viewed() else {
            return false;
        };
        let (run, seed) = (frame.run, frame.seed);
        let Some(episode) = self.view.take().and_then(|v| v.episode) else {
            return false;
        };
        self.history.truncate_after(index);
        let snap = Snapshot::of(&episode);
        self.previous = Some(snap.clone());
        self.current = Some(snap);
        self.accumulator = 0.0;
        self.finished_for = 0.0;
        self.run = Some(run);
        if let Some(seed) = seed {
            self.seed = seed;
        }
        self.mode = episode.mode();
        self.episode = Some(episode);
        self.playing = true;
        true
    }

    /// Steers `tool` (a link index of the model; `None`: the automatic choice) from the next
    /// restart on.
    pub fn set_tool(&mut self, tool: Option<usize>) {
        self.tool = tool;
    }

    /// The obstacle of the running episode, if it has one.
    pub fn obstacle(&self) -> Option<Obstacle> {
        self.episode()?.scenario.obstacle
    }

    /// Runs `scenario` instead of the table scenes (`None`: the table scenes again), restarting
    /// the episode on the current seed.
    pub fn set_scenario(
        &mut self,
        scenario: Option<LessonTask>,
        model: &Model,
    ) -> Result<(), String> {
        self.scenario = scenario;
        let seed = self.seed;
        self.restart(model, seed)
    }

    /// The lesson task running, if any.
    pub fn scenario(&self) -> Option<&LessonTask> {
        self.scenario.as_ref()
    }

    /// Who drives the transport (a string-table key).
    pub fn driver(&self) -> &'static str {
        self.scenario
            .as_ref()
            .map_or("policy_scripted", |s| s.driver)
    }

    /// Advance one control period the next frame (used while paused).
    pub fn request_step(&mut self) {
        self.step_requested = true;
    }

    pub fn set_mode(&mut self, mode: ActionMode) {
        self.mode = mode;
        if let Some(e) = &mut self.episode {
            e.set_mode(mode);
        }
    }

    pub fn time(&self) -> f64 {
        self.episode().map_or(0.0, |e| e.arm.time())
    }

    pub fn phase(&self) -> Option<Phase> {
        self.episode().map(|e| e.phase())
    }

    pub fn finished(&self) -> bool {
        self.episode().is_some_and(|e| e.finished())
    }

    /// The running episode, whatever the timeline shows.
    pub fn live_episode(&self) -> Option<&Episode> {
        self.episode.as_ref()
    }

    /// The running episode's run in the history.
    pub fn live_run(&self) -> Option<u64> {
        self.run
    }

    /// The moment the timeline shows, as the plots of a run need it: its time in the run, and
    /// whether it belongs to the running episode (whose signals then surround it).
    pub fn moment(&self) -> Option<(f64, bool)> {
        let (_, f) = self.viewed()?;
        Some((
            f.row.t,
            f.source == Source::Physics && Some(f.run) == self.run,
        ))
    }

    /// The episode shown: the one at the moment the timeline is scrubbed to, else the live one.
    pub fn episode(&self) -> Option<&Episode> {
        match &self.view {
            Some(View {
                episode: Some(e), ..
            }) => Some(e),
            _ => self.episode.as_ref(),
        }
    }

    /// How far between the last two control periods the shown state is, in [0, 1].
    fn alpha(&self) -> f64 {
        (self.accumulator / self.period).clamp(0.0, 1.0)
    }

    /// The joint values to show: interpolated between the last two periods (or those of the
    /// moment the timeline shows).
    pub fn shown_q(&self) -> Option<Vec<f64>> {
        if let Some((_, frame)) = self.viewed() {
            return Some(frame.row.q.clone());
        }
        let (a, b) = (self.previous.as_ref()?, self.current.as_ref()?);
        let t = self.alpha();
        Some(a.q.iter().zip(&b.q).map(|(x, y)| x + t * (y - x)).collect())
    }

    /// The cube pose to show (interpolated like the arm) and its edge length.
    pub fn shown_cube(&self) -> Option<(Pose, Pose, f64, f64)> {
        if let Some((_, Frame { cube: Some(c), .. })) = self.viewed() {
            let side = self.episode()?.scenario.cube_side;
            return Some((*c, *c, 1.0, side));
        }
        let (a, b) = (self.previous.as_ref()?, self.current.as_ref()?);
        let side = self.episode.as_ref()?.scenario.cube_side;
        Some((a.cube, b.cube, self.alpha(), side))
    }

    /// Steps whole control periods for `dt` real seconds; at most `max_periods` per call so
    /// a slow frame cannot snowball. Returns an error line if the physics had to reset.
    pub fn advance(&mut self, dt: f64, max_periods: usize) -> Option<String> {
        if self.view.is_some() {
            // A past moment is shown: the live run waits.
            self.step_requested = false;
            return None;
        }
        let episode = self.episode.as_mut()?;
        let mut periods = 0;
        let budget = if self.playing {
            self.accumulator += dt.clamp(0.0, 0.25) * self.speed;
            max_periods
        } else if self.step_requested {
            // One period forward, shown at its end.
            self.accumulator = self.period;
            1
        } else {
            0
        };
        self.step_requested = false;
        let mut error = None;
        while self.accumulator >= self.period && periods < budget {
            if episode.finished() {
                self.accumulator = self.accumulator.min(self.period);
                break;
            }
            if let Err(e) = episode.step_period() {
                error = Some(e.to_string());
            }
            if let Some(run) = self.run {
                self.history.record(run, episode, self.seed);
            }
            self.previous = self.current.take();
            self.current = Some(Snapshot::of(episode));
            self.accumulator -= self.period;
            periods += 1;
        }
        if periods == max_periods && self.playing {
            // Too slow to keep up: drop the backlog rather than fall further behind.
            self.accumulator = self.accumulator.min(self.period);
        }
        if !self.playing && periods > 0 {
            self.accumulator = self.period;
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panda() -> Model {
        Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
    }

    #[test]
    fn real_time_drives_whole_periods_and_interpolates_between_them() {
        let mut sim = Sim::default();
        sim.restart(&panda(), 3).unwrap();
        assert!(sim.advance(0.12, 8).is_none());
        // 0.12 s at 1× = two 50 ms periods and 20 ms towards the third.
        assert!((sim.time() - 0.1).abs() < 1e-9, "{}", sim.time());
        assert!((sim.alpha() - 0.4).abs() < 1e-9);
        let (a, b) = (sim.previous.clone().unwrap(), sim.current.clone().unwrap());
        let shown = sim.shown_q().unwrap();
        for i in 0..shown.len() {
            assert!((shown[i] - (a.q[i] + 0.4 * (b.q[i] - a.q[i]))).abs() < 1e-12);
        }
        sim.speed = 4.0;
        sim.advance(0.05, 8);
        assert!((sim.time() - 0.3).abs() < 1e-9, "{}", sim.time());
    }

    #[test]
    fn paused_it_moves_only_on_a_single_step() {
        let mut sim = Sim::default();
        sim.restart(&panda(), 3).unwrap();
        sim.playing = false;
        sim.advance(1.0, 8);
        assert_eq!(sim.time(), 0.0);
        sim.request_step();
        sim.advance(0.016, 8);
        assert!((sim.time() - 0.05).abs() < 1e-9);
        assert_eq!(sim.shown_q(), Some(sim.current.clone().unwrap().q));
        sim.advance(0.016, 8);
        assert!((sim.time() - 0.05).abs() < 1e-9);
    }

    #[test]
    fn a_slow_frame_is_capped() {
        let mut sim = Sim::default();
        sim.restart(&panda(), 3).unwrap();
        sim.speed = 4.0;
        sim.advance(10.0, 8);
        assert!((sim.time() - 0.4).abs() < 1e-9, "{}", sim.time());
        assert!(sim.alpha() <= 1.0);
    }

    #[test]
    fn robots_the_task_cannot_run_on_get_teach_mode_with_a_reason() {
        // Two joints: no six directions at the tool.
        let two = Model::from_urdf_str(
            r#"<robot name="two"><link name="a"/><link name="b"/><link name="c"/>
            <joint name="j1" type="revolute"><parent link="a"/><child link="b"/>
              <limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
            <joint name="j2" type="revolute"><parent link="b"/><child link="c"/>
              <origin xyz="0 0 0.3"/><axis xyz="0 1 0"/>
              <limit lower="-1" upper="1" effort="1" velocity="1"/></joint></robot>"#,
        )
        .unwrap();
        let mut sim = Sim::default();
        let e = sim.restart(&two, 1).unwrap_err();
        assert!(!e.contains('\n'));
        assert!(!sim.available());
        assert!(sim.advance(1.0, 8).is_none());
    }
}
