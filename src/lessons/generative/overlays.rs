//! The run drawn over the scene: ghost chunks and their trails through denoising time, the
//! demonstrations, the regression, and the chunk the arm is executing.

use super::*;
use crate::kit::convert;
use crate::math::Vec3 as RVec3;
use crate::math::chunks::{ChunkSet, Plane, Point};
use crate::math::generative::Mixture;
use crate::sim::course;

/// Denoising steps computed per frame at most while the animation catches up.
pub(super) const STEPS_PER_FRAME: usize = 25;
/// Seconds the animation takes from noise to chunks, whatever the step count.
pub(super) const ANIMATION_SECONDS: f64 = 4.0;

/// Near side teal, far side orange (the two modes); the regression red.
pub use crate::kit::widgets::{BASELINE_COLOR as REGRESSION_COLOR, SIDE_COLORS};
/// Demonstrations are drawn in their side's colour, fainter than the samples.
pub(super) const DEMO_ALPHA: f32 = 0.55;

/// Plays the denoising from noise to chunks in [`ANIMATION_SECONDS`], computing steps as the
/// animation needs them.
pub(super) fn animate(mut state: ResMut<GenerativeState>, time: Res<Time>) {
    if state.set.is_none() {
        return;
    }
    if state.dirty || state.run.is_none() {
        state.restart_run();
    }
    let steps = state.sampler().steps();
    if state.playing {
        state.clock += time.delta_secs_f64();
        let t = (state.clock / ANIMATION_SECONDS).min(1.0);
        state.shown = (t * steps as f64).round() as usize;
        if state.clock > ANIMATION_SECONDS + 1.5 {
            // Hold the result a moment, then denoise fresh noise.
            state.noise_seed += 1;
            state.restart_run();
        }
    }
    let shown = state.shown;
    state.advance_run(shown, STEPS_PER_FRAME);
}

/// A sample drawn: its tool path, PCA point and side (that of its nearest demonstration).
pub(super) fn ghost(
    set: &ChunkSet,
    start: &Point,
    plane: &Plane,
    (mix, keep): &(Mixture, Vec<usize>),
    x: &[f64],
) -> Ghost {
    Ghost {
        line: points(set, Some(start), x),
        pca: plane.project(x),
        side: set.labels[keep[mix.nearest(x).0]].min(1),
    }
}

pub(super) fn points(set: &ChunkSet, start: Option<&Point>, x: &[f64]) -> Vec<Vec3> {
    start
        .into_iter()
        .copied()
        .chain(set.decode(x))
        .map(|p| convert::point(&RVec3::new(p[0], p[1], p[2])))
        .collect()
}

pub(super) fn draw(state: Res<GenerativeState>, sim: Option<Res<Sim>>, mut gizmos: Gizmos) {
    let (Some(set), Some(start)) = (&state.set, state.start()) else {
        return;
    };
    if state.show_demos {
        for d in state.demos.iter().filter(|d| d.success) {
            let color = SIDE_COLORS[d.side as usize].with_alpha(DEMO_ALPHA);
            gizmos.linestrip(d.path.iter().map(convert::point), color);
        }
    }
    if let Some(run) = state.run.as_ref().filter(|_| state.show_ghosts) {
        let shown = state.shown.min(run.done_steps());
        let progress = shown as f32 / run.sampler.steps().max(1) as f32;
        // Line index of the chunk's middle position (the start comes first).
        let mid = 1 + set.horizon / 2;
        for ghosts in &state.views.ghosts {
            let Some(g) = ghosts.get(shown) else { continue };
            let color = SIDE_COLORS[g.side].with_alpha(0.25 + 0.5 * progress);
            gizmos.linestrip(g.line.iter().copied(), color);
            if state.show_trails {
                // The middle position of the chunk through denoising time.
                let trail = ghosts[..=shown]
                    .iter()
                    .filter_map(|g| g.line.get(mid).copied());
                gizmos.linestrip(trail, SIDE_COLORS[g.side].with_alpha(0.18));
            }
        }
    }
    if state.show_regression
        && let Some(r) = state.regression()
    {
        let line = points(set, Some(&start), r);
        // Drawn twice, a millimetre apart, so it reads thicker than the samples.
        gizmos.linestrip(line.iter().copied(), REGRESSION_COLOR);
        gizmos.linestrip(line.iter().map(|p| *p + Vec3::Y * 0.002), REGRESSION_COLOR);
    }
    // The chunk the arm is executing, when a learned policy drives it.
    if sim.is_some_and(|s| s.scenario().is_some_and(|c| c.policy.is_some()))
        && let Ok(log) = state.policy_log.lock()
        && let Some(chunk) = log.last()
    {
        gizmos.linestrip(chunk.iter().map(convert::point), Color::WHITE);
        for p in chunk.iter().take(course::EXECUTE) {
            gizmos.sphere(convert::point(p), 0.008, Color::WHITE);
        }
    }
}
