//! The reaching policy two lessons share: scripted reaching recorded in physics as (position
//! error → translation) pairs, and a small network cloned from them a share of each frame at a
//! time. The gradients lesson trains it and drives the arm with it; the losses lesson adapts it
//! with a low-rank update.

use crate::kit::prelude::*;
use crate::math::bc::{BcTrainer, Demos};
use crate::robot::panda;
use crate::sim::reach::{DEMO_EPISODES, TRAIN_STEPS, policy_config};
use crate::sim::task::{ActionMode, Episode, PickPlaceConfig};
use bevy::platform::time::Instant;
use bevy::prelude::*;
use std::sync::Arc;

/// Wall-clock budget per frame for recording or training (ms) at a normal frame rate.
pub const BUDGET_MS: f64 = 6.0;

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
pub fn record(
    mut data: ResMut<PolicyData>,
    robot: Res<Robot>,
    headless: Option<Res<Headless>>,
    time: Res<Time<Real>>,
) {
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

/// Trains a share of each frame, once training has been started.
pub fn train(mut data: ResMut<PolicyData>, time: Res<Time<Real>>) {
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
