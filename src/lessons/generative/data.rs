//! Recording the scripted demonstrations and training the velocity network, a share of each
//! frame at a time so the app stays responsive.

use super::*;
use crate::robot::panda;
use bevy::platform::time::Instant;
use std::sync::Arc;

/// Scripted demonstrations recorded (seeds 0…N−1).
pub const DEMOS: u64 = 24;
/// Wall-clock budget per frame for recording demonstrations (ms) at a normal frame rate.
pub(super) const BUDGET_MS: f64 = 8.0;
/// Wall-clock budget per frame for training (ms): about 3 steps of 3.6 ms (release), so the
/// 4000 steps take about 25 s at 60 frames per second.
pub(super) const TRAIN_BUDGET_MS: f64 = 12.0;
pub(super) use crate::kit::frame_budget_ms;

/// Records the scripted demonstrations in physics, a few control periods per frame (all at
/// once in headless runs), then windows them into chunks.
pub(super) fn record_demos(
    mut state: ResMut<GenerativeState>,
    robot: Res<Robot>,
    headless: Option<Res<Headless>>,
    time: Res<Time<Real>>,
) {
    if state.set.is_some() || !panda::is_bundled(&robot.model) {
        return;
    }
    let at_once = headless.is_some() || state.record_at_once;
    let budget = frame_budget_ms(BUDGET_MS, time.delta_secs_f64());
    let clock = Instant::now();
    let since = *state.recording_since.get_or_insert(clock);
    let state = &mut *state;
    let more = || clock.elapsed().as_secs_f64() * 1e3 < budget;
    if state
        .recorder
        .advance(&robot.model, &mut state.demos, DEMOS, at_once, more)
        .is_err()
    {
        return;
    }
    if state.demos.len() as u64 >= DEMOS {
        state.use_demos();
        let ok = state.demos.iter().filter(|d| d.success).count();
        info!(
            "recorded {DEMOS} demonstrations ({ok} succeeded) in {:.1} s",
            since.elapsed().as_secs_f64()
        );
    }
}

pub(super) fn train(mut state: ResMut<GenerativeState>, time: Res<Time<Real>>) {
    if state.train_when_ready && state.set.is_some() {
        state.train_when_ready = false;
        state.start_training();
    }
    if !state.training {
        return;
    }
    let Some(set) = state.set.clone() else { return };
    let budget = frame_budget_ms(TRAIN_BUDGET_MS, time.delta_secs_f64());
    let clock = Instant::now();
    let since = state.training_since;
    let Some(trainer) = &mut state.trainer else {
        state.training = false;
        return;
    };
    while clock.elapsed().as_secs_f64() * 1e3 < budget && trainer.train(&set, 1) > 0 {}
    if trainer.finished() {
        let loss = trainer.losses.last().map_or(f64::NAN, |(_, f, _)| *f);
        info!(
            "trained the velocity network: {} steps in {:.1} s, flow-matching loss {loss:.4}",
            trainer.step,
            since.map_or(0.0, |t| t.elapsed().as_secs_f64())
        );
        state.training = false;
        // The policy and the samplers use a snapshot; training again starts a new network.
        state.trained = state.trainer.take().map(Arc::new);
        state.dirty = true;
    }
}
