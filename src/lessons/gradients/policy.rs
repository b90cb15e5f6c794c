//! The arm's own policy: scripted reaching recorded in physics as (position error →
//! translation) pairs, a small network cloned from them a share of each frame at a time, and
//! then the physics driven by the scripted policy, the untrained network or the trained one,
//! every episode tallied per driver.

use super::{Driver, GradientsState, ID};
use crate::kit::prelude::*;
use crate::kit::{frame_budget_ms, lesson_is, lesson_state};
use crate::math::bc::{BcTrainer, Demos};
use crate::robot::panda;
use crate::sim::policy::{ActionMode, Episode, PickPlaceConfig};
use crate::sim::reach::{Cloned, DEMO_EPISODES, TRAIN_STEPS, policy_config};
use bevy::platform::time::Instant;
use std::sync::Arc;

use bevy::prelude::*;

/// Wall-clock budget per frame for recording or training (ms) at a normal frame rate.
pub(super) const BUDGET_MS: f64 = 6.0;
/// Episodes of the tally start here: seeds the demonstrations never saw.
pub const HELD_OUT_SEED: u64 = 100;

/// The demonstrations, the network being trained and its snapshots.
#[derive(Resource, Default)]
pub struct PolicyData {
    pub demos: Demos,
    /// Episodes recorded so far (of [`DEMO_EPISODES`]).
    pub recorded: u64,
    recording: Option<Episode>,
    /// Record everything in one frame (tests).
    pub at_once: bool,
    pub trainer: Option<BcTrainer>,
    /// The network before any training (the same initial weights as the trainer's).
    pub untrained: Option<Arc<BcTrainer>>,
    pub trained: Option<Arc<BcTrainer>>,
    pub training: bool,
    /// Bumps with every new trained snapshot, so the running policy is replaced.
    pub generation: u32,
    /// Why there is no data (another robot), shown in the panel.
    pub unavailable: bool,
    /// The training steps taken at the moment the timeline shows (`None` while live).
    pub past_step: Option<usize>,
}

impl PolicyData {
    pub fn ready(&self) -> bool {
        self.recorded >= DEMO_EPISODES && self.untrained.is_some()
    }

    /// The network training now, else the last one trained: whose steps and losses are shown.
    pub fn record(&self) -> Option<&BcTrainer> {
        self.trainer.as_ref().or(self.trained.as_deref())
    }

    /// Training steps taken by [`Self::record`].
    pub fn steps(&self) -> usize {
        self.record().map_or(0, |t| t.losses.len())
    }

    /// Training progress in [0, 1].
    pub fn progress(&self) -> f64 {
        self.steps() as f64 / TRAIN_STEPS as f64
    }

    /// The network to draw: the one in training, else the trained one, else the untrained.
    pub fn network(&self) -> Option<&BcTrainer> {
        self.trainer
            .as_ref()
            .filter(|_| self.training)
            .or(self.trained.as_deref())
            .or(self.untrained.as_deref())
    }

    /// Starts (or restarts) training from the untrained network.
    pub fn start_training(&mut self) {
        if let Some(u) = &self.untrained {
            self.trainer = Some((**u).clone());
            self.training = true;
        }
    }

    /// Stops training and keeps what it has learned as the trained network.
    fn finish_training(&mut self) {
        self.training = false;
        if let Some(t) = self.trainer.take() {
            self.trained = Some(Arc::new(t));
            self.generation += 1;
        }
    }
}

/// The recording's task: the table scenes in task space.
fn recording_config() -> PickPlaceConfig {
    PickPlaceConfig {
        mode: ActionMode::Task,
        ..PickPlaceConfig::default()
    }
}

/// Records the scripted demonstrations, a few control periods per frame (all at once in
/// headless runs).
pub(crate) fn record(
    mut data: ResMut<PolicyData>,
    robot: Option<Res<Robot>>,
    headless: Option<Res<Headless>>,
    time: Res<Time<Real>>,
) {
    let Some(robot) = robot else { return };
    if data.recorded >= DEMO_EPISODES {
        return;
    }
    if !panda::is_bundled(&robot.model) {
        data.unavailable = true;
        return;
    }
    data.unavailable = false;
    let at_once = headless.is_some() || data.at_once;
    let budget = frame_budget_ms(BUDGET_MS, time.delta_secs_f64());
    let clock = Instant::now();
    while data.recorded < DEMO_EPISODES && (at_once || clock.elapsed().as_secs_f64() * 1e3 < budget)
    {
        if data.recording.is_none() {
            match Episode::new(&robot.model, data.recorded, &recording_config()) {
                Ok(e) => data.recording = Some(e),
                Err(_) => {
                    data.unavailable = true;
                    return;
                }
            }
        }
        let Some(episode) = &mut data.recording else {
            return;
        };
        // A physics reset ends this demonstration early; its pairs so far are still good.
        if episode.finished() || episode.step_period().is_err() {
            let pairs: Vec<_> = episode.reach_pairs().to_vec();
            for (e, t) in pairs {
                data.demos.push(e.to_vec(), t.to_vec());
            }
            data.recording = None;
            data.recorded += 1;
        }
    }
    if data.recorded >= DEMO_EPISODES {
        data.untrained = BcTrainer::new(&data.demos, policy_config()).map(Arc::new);
        info!(
            "recorded {DEMO_EPISODES} scripted episodes: {} (error, translation) pairs",
            data.demos.len()
        );
    }
}

/// Trains a share of each frame; a step or link that asks for training starts it once the
/// data is in.
pub(crate) fn train(
    mut data: ResMut<PolicyData>,
    mut state: ResMut<GradientsState>,
    time: Res<Time<Real>>,
) {
    if state.train && data.ready() {
        state.train = false;
        if data.trained.is_none() && !data.training {
            data.start_training();
        }
    }
    if !data.training {
        return;
    }
    let budget = frame_budget_ms(BUDGET_MS, time.delta_secs_f64());
    let clock = Instant::now();
    let data = &mut *data;
    let Some(trainer) = &mut data.trainer else {
        data.training = false;
        return;
    };
    while trainer.losses.len() < TRAIN_STEPS && clock.elapsed().as_secs_f64() * 1e3 < budget {
        trainer.train(&data.demos, 1);
    }
    if trainer.losses.len() >= TRAIN_STEPS {
        info!(
            "trained the reaching policy: {TRAIN_STEPS} steps, final loss {:.4}",
            trainer.losses.last().copied().unwrap_or(f64::NAN)
        );
        data.finish_training();
    }
}

/// Episodes and successes of one driver.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReachTally {
    pub successes: u32,
    pub episodes: u32,
}

/// The tallies, per driver.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct ReachTallies(pub Vec<(Driver, ReachTally)>);

impl ReachTallies {
    pub fn get(&self, d: Driver) -> ReachTally {
        self.0
            .iter()
            .find(|(n, _)| *n == d)
            .map(|(_, t)| *t)
            .unwrap_or_default()
    }

    fn count(&mut self, d: Driver, success: bool) {
        let i = match self.0.iter().position(|(n, _)| *n == d) {
            Some(i) => i,
            None => {
                self.0.push((d, ReachTally::default()));
                self.0.len() - 1
            }
        };
        self.0[i].1.episodes += 1;
        self.0[i].1.successes += u32::from(success);
    }
}

/// The driver and network generation the running scenario was built with.
#[derive(Resource, Default, Debug, Clone, Copy, PartialEq)]
struct Installed(Option<(Driver, u32)>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PolicyData>()
        .init_resource::<ReachTallies>()
        .init_resource::<Installed>()
        .add_systems(OnExit(lesson_state(ID)), leave)
        .add_systems(
            Update,
            (record, train.run_if(live), follow_the_choice, tally)
                .chain()
                .run_if(lesson_is(ID))
                .before(ArmSet::Actions),
        );
}

/// The physics task for a driver (`None` while that network does not exist yet).
pub fn scenario(driver: Driver, data: &PolicyData) -> Option<LessonTask> {
    let net = match driver {
        Driver::Scripted => None,
        Driver::Untrained => Some(data.untrained.clone()?),
        Driver::Trained => Some(data.trained.clone()?),
    };
    Some(LessonTask {
        driver: driver.key(),
        configure: Arc::new(|cfg: &mut PickPlaceConfig| cfg.mode = ActionMode::Task),
        policy: None,
        reach: net.map(|n| {
            Arc::new(move || {
                Box::new(Cloned((*n).clone())) as Box<dyn crate::sim::policy::ReachPolicy>
            }) as ReachFactory
        }),
    })
}

/// The network asked for is not there yet: drive with the scripted policy meanwhile.
fn effective(driver: Driver, data: &PolicyData) -> Driver {
    match driver {
        Driver::Untrained if data.untrained.is_none() => Driver::Scripted,
        Driver::Trained if data.trained.is_none() => Driver::Scripted,
        d => d,
    }
}

/// Installs the task of the chosen driver whenever the choice or the trained network changes
/// (the bundled Panda only), on held-out seeds.
fn follow_the_choice(
    sim: Option<Res<Sim>>,
    robot: Option<Res<Robot>>,
    state: Res<GradientsState>,
    data: Res<PolicyData>,
    mut installed: ResMut<Installed>,
    mut actions: MessageWriter<Request>,
) {
    let (Some(sim), Some(robot)) = (sim, robot) else {
        return;
    };
    if !panda::is_bundled(&robot.model) {
        return;
    }
    let driver = effective(state.driver, &data);
    let want = (driver, data.generation);
    let running = sim.scenario().map(|s| s.driver);
    if installed.0 == Some(want) && running == Some(driver.key()) {
        return;
    }
    let Some(scenario) = scenario(driver, &data) else {
        return;
    };
    installed.0 = Some(want);
    actions.write(Request::Scenario(Some(scenario)));
    if sim.seed < HELD_OUT_SEED {
        actions.write(Request::Seed(HELD_OUT_SEED));
    }
}

fn tally(mut ended: MessageReader<EpisodeEnded>, mut tallies: ResMut<ReachTallies>) {
    for e in ended.read() {
        if let Some(d) = Driver::ALL
            .iter()
            .map(|(d, _)| *d)
            .find(|d| Some(d.key()) == e.driver)
        {
            tallies.count(d, e.outcome.success);
        }
    }
}

/// Leaving puts the table scenes back.
fn leave(
    sim: Option<Res<Sim>>,
    mut installed: ResMut<Installed>,
    mut actions: MessageWriter<Request>,
) {
    installed.0 = None;
    if sim.is_some_and(|s| s.scenario().is_some()) {
        actions.write(Request::Scenario(None));
    }
}
