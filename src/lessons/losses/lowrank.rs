//! Low rank on the arm's own policy: the reaching network the gradients lesson clones from
//! scripted episodes (recorded and trained here too when it does not exist yet), adapted to a
//! target moved 5 cm up by full fine-tuning and by rank-r updates for every r, a share of each
//! frame at a time; then each adapted policy run from the recorded errors to see whether it
//! reaches the moved target.

use super::{LossesState, Section};
use crate::kit::frame_budget_ms;
use crate::kit::prelude::*;
use crate::lessons::shared::reaching::PolicyData;
use crate::math::bc::{BcTrainer, Demos};
use crate::math::lowrank::{FineTune, Tuning, reach_errors, reach_miss, relabel};
use crate::sim::task::PickPlaceConfig;
use bevy::platform::time::Instant;
use bevy::prelude::*;
use std::sync::Arc;

/// The moved target: 5 cm above the old one (m).
pub const SHIFT: [f64; 3] = [0.0, 0.0, 0.05];
/// Adam steps (minibatches of 64) of every fine-tuning run.
pub const TUNE_STEPS: usize = 600;
/// Steps a run takes before the next run's turn.
const SLICE: usize = FineTune::EVERY;
/// A reach counts when it ends this close to the moved target (m): a grasp's tolerance.
pub const REACH_TOL: f64 = 0.003;
/// Control periods a reach may take.
pub const REACH_STEPS: usize = 120;
/// Initial errors of the reach test: every so many recorded errors at least 5 cm long.
const START_EVERY: usize = 10;
const MIN_START: f64 = 0.05;
/// Wall-clock budget per frame (ms) at a normal frame rate.
const BUDGET_MS: f64 = 6.0;

/// The scripted step's size limit: the task-space speed limit over one control period (m).
pub fn max_step() -> f64 {
    let c = PickPlaceConfig::default();
    c.max_linear_speed * c.control_period
}

/// The fine-tuning runs on one trained network.
#[derive(Resource, Default)]
pub struct LowRankData {
    /// The network adapted (the gradients lesson's trained policy) and its generation.
    pub base: Option<(Arc<BcTrainer>, u32)>,
    /// The new task's pairs: the recorded errors, relabelled towards the moved target.
    pub data: Demos,
    /// Full fine-tuning first, then rank 1 … [`super::state::MAX_RANK`].
    pub runs: Vec<FineTune>,
    /// The initial errors of the reach test.
    pub starts: Vec<Vec<f64>>,
    /// Each run's reaches of the moved target, once it is finished.
    pub reaches: Vec<Option<Reach>>,
    /// The base policy's reaches of the moved target.
    pub base_reach: Option<Reach>,
    /// The base policy's reaches (within [`REACH_TOL`]) of the old target.
    pub base_old_reached: usize,
    /// Do everything in one frame (tests).
    pub at_once: bool,
    /// Steps each run had trained at the moment the timeline shows (`None` while live).
    pub past: Option<Vec<usize>>,
}

impl LowRankData {
    pub fn finished(&self) -> bool {
        !self.runs.is_empty() && self.reaches.iter().all(Option::is_some)
    }

    /// Steps the run of `tuning` had trained at the moment the timeline shows.
    pub fn past_steps(&self, tuning: Tuning) -> Option<usize> {
        let k = self.runs.iter().position(|r| r.tuning == tuning)?;
        self.past.as_ref()?.get(k).copied()
    }

    /// The run of a tuning, if it exists.
    pub fn run(&self, tuning: Tuning) -> Option<&FineTune> {
        self.runs.iter().find(|r| r.tuning == tuning)
    }

    /// The reaches of a tuning's run, once it is finished.
    pub fn reach(&self, tuning: Tuning) -> Option<Reach> {
        self.runs
            .iter()
            .zip(&self.reaches)
            .find(|(r, _)| r.tuning == tuning)
            .and_then(|(_, x)| *x)
    }

    /// Steps taken over steps to take, all runs together.
    pub fn progress(&self) -> f32 {
        let done: usize = match &self.past {
            Some(steps) => steps.iter().sum(),
            None => self.runs.iter().map(|r| r.steps).sum(),
        };
        done as f32 / (self.runs.len().max(1) * TUNE_STEPS) as f32
    }

    /// Builds the runs for a newly trained network.
    pub fn start(&mut self, base: Arc<BcTrainer>, generation: u32, demos: &Demos) {
        self.data = relabel(demos, SHIFT, max_step());
        self.starts = demos
            .obs
            .iter()
            .filter(|e| e.iter().map(|v| v * v).sum::<f64>().sqrt() >= MIN_START)
            .step_by(START_EVERY)
            .cloned()
            .collect();
        let tunings =
            std::iter::once(Tuning::Full).chain((1..=super::state::MAX_RANK).map(Tuning::Rank));
        self.runs = tunings
            .enumerate()
            .map(|(k, t)| FineTune::new(&base, t, 100 + k as u64, &self.data))
            .collect();
        self.reaches = vec![None; self.runs.len()];
        self.base_reach = Some(Reach::of(&misses(&base, &self.starts, SHIFT)));
        self.base_old_reached = Reach::of(&misses(&base, &self.starts, [0.0; 3])).reached;
        self.base = Some((base, generation));
    }
}

/// How far each reach from `starts` ends from the target moved by `shift` (m).
pub fn misses(policy: &BcTrainer, starts: &[Vec<f64>], shift: [f64; 3]) -> Vec<f64> {
    starts
        .iter()
        .map(|s| reach_miss(|e| policy.act(e), s, shift, REACH_STEPS))
        .collect()
}

/// A finished run's reaches of the moved target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    /// Reaches that end within [`REACH_TOL`], out of the starts.
    pub reached: usize,
    /// The median distance left at the end (m).
    pub miss: f64,
}

impl Reach {
    pub fn of(misses: &[f64]) -> Reach {
        let mut m = misses.to_vec();
        m.sort_by(f64::total_cmp);
        Reach {
            reached: m.iter().filter(|d| **d < REACH_TOL).count(),
            miss: m.get(m.len() / 2).copied().unwrap_or(f64::NAN),
        }
    }
}

/// The path the tool takes under a policy from `start` (errors, the target at the origin).
pub fn reach_path(policy: &BcTrainer, start: &[f64]) -> Vec<[f64; 3]> {
    reach_errors(|e| policy.act(e), start, REACH_STEPS)
        .iter()
        .filter_map(|e| match e[..] {
            [x, y, z] => Some([-x, -y, -z]),
            _ => None,
        })
        .collect()
}

/// Starts training the reaching policy once its demonstrations are in, adopts it when it is
/// trained, and advances the fine-tuning runs.
pub(super) fn advance(
    mut lr: ResMut<LowRankData>,
    mut policy: ResMut<PolicyData>,
    state: Res<LossesState>,
    headless: Option<Res<Headless>>,
    time: Res<Time<Real>>,
) {
    if policy.ready() && policy.trained.is_none() && !policy.training {
        policy.start_training();
    }
    if let Some(trained) = &policy.trained
        && lr
            .base
            .as_ref()
            .is_none_or(|(_, g)| *g != policy.generation)
    {
        let demos = policy.demos.clone();
        lr.start(trained.clone(), policy.generation, &demos);
    }
    // Training runs only while the section is open (it costs frames); it resumes there.
    if state.section != Section::LowRank || lr.finished() {
        return;
    }
    let at_once = headless.is_some() || lr.at_once;
    let budget = frame_budget_ms(BUDGET_MS, time.delta_secs_f64());
    let clock = Instant::now();
    let lr = &mut *lr;
    while !lr.finished() && (at_once || clock.elapsed().as_secs_f64() * 1e3 < budget) {
        // The least trained run goes next, so every curve grows together.
        let Some(k) = (0..lr.runs.len())
            .filter(|k| lr.reaches[*k].is_none())
            .min_by_key(|k| lr.runs[*k].steps)
        else {
            break;
        };
        let run = &mut lr.runs[k];
        run.train(&lr.data, SLICE.min(TUNE_STEPS - run.steps));
        if run.steps >= TUNE_STEPS {
            lr.reaches[k] = Some(Reach::of(&misses(&run.policy, &lr.starts, SHIFT)));
        }
    }
}

/// Where the reaches are drawn: the old target, beside the course (m, world frame).
pub const DRAWN_TARGET: [f64; 3] = [0.45, -0.3, 0.3];
/// Reaches drawn in the scene.
const DRAWN: usize = 4;

/// The drawn reaches for the rank and run progress they were made with.
#[derive(Default)]
pub(super) struct Paths(Option<((usize, usize), Vec<DrawnPath>)>);

/// Which policy (0 base, 1 the chosen rank, 2 full) and the tool's path.
type DrawnPath = (usize, Vec<[f64; 3]>);

/// The base policy's reaches (red), the chosen rank's (teal) and the full fine-tune's
/// (orange) from a few recorded errors, with the old and the moved target.
pub(super) fn draw(
    lr: Res<LowRankData>,
    state: Res<LossesState>,
    mut gizmos: Gizmos,
    mut cache: Local<Paths>,
) {
    use crate::kit::convert;
    use crate::kit::widgets::{BASELINE_COLOR, SIDE_COLORS};
    use crate::math::Vec3 as RVec3;
    if state.section != Section::LowRank {
        return;
    }
    let Some((base, _)) = &lr.base else { return };
    let chosen = Tuning::Rank(state.rank);
    let key = (state.rank, lr.run(chosen).map_or(0, |r| r.steps));
    if cache.0.as_ref().is_none_or(|(k, _)| *k != key) {
        let every = (lr.starts.len() / DRAWN).max(1);
        let mut paths = Vec::new();
        for s in lr.starts.iter().step_by(every).take(DRAWN) {
            paths.push((0, reach_path(base, s)));
            if let Some(r) = lr.run(chosen) {
                paths.push((1, reach_path(&r.policy, s)));
            }
            if let Some(r) = lr.run(Tuning::Full) {
                paths.push((2, reach_path(&r.policy, s)));
            }
        }
        cache.0 = Some((key, paths));
    }
    let t = RVec3::from(DRAWN_TARGET);
    let colors = [BASELINE_COLOR, SIDE_COLORS[0], SIDE_COLORS[1]];
    if let Some((_, paths)) = &cache.0 {
        for (kind, path) in paths {
            gizmos.linestrip(
                path.iter().map(|p| convert::point(&(t + RVec3::from(*p)))),
                colors[*kind],
            );
        }
    }
    gizmos.sphere(convert::point(&t), 0.008, BASELINE_COLOR);
    gizmos.sphere(
        convert::point(&(t + RVec3::from(SHIFT))),
        0.012,
        super::overlays::GOLD,
    );
}
