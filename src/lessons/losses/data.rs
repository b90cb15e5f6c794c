//! The course's demonstrations, recorded in physics a share of each frame at a time, and what
//! each loss fits to their lateral offsets at the post.

use super::{LossDriver, LossesState, Section};
use crate::kit::frame_budget_ms;
use crate::kit::prelude::*;
use crate::math::chunks::ChunkSet;
use crate::math::losses::{
    Bins, Component, Grid, KlFit, Lateral, fit_categorical, fit_gaussian, fit_mixture, gaussian_pdf,
};
use crate::robot::panda;
use crate::sim::course::{self, Demo, TOKEN_SMOOTHING};
use bevy::platform::time::Instant;
use bevy::prelude::*;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

/// Scripted demonstrations recorded (seeds 0…N−1, the generative lesson's).
pub const DEMOS: u64 = 24;
/// Wall-clock budget per frame for recording (ms) at a normal frame rate.
const BUDGET_MS: f64 = 8.0;
/// The lateral actions the policies choose from (m from the post's axis).
pub const RANGE: (f64, f64) = (-0.25, 0.25);
/// The data's density for the KL fits: a Gaussian of this width (m) on every demonstration.
pub const KDE_WIDTH: f64 = 0.01;
/// Cells of the grid the densities are tabulated on.
pub const GRID_CELLS: usize = 501;
/// Where a Gaussian starts its KL search: 3 cm wide.
pub const KL_START_SIGMA: f64 = 0.03;
/// A mixture component is kept at least this wide (m).
pub const MIN_SIGMA: f64 = 0.005;

#[derive(Resource, Default)]
pub struct CourseData {
    pub demos: Vec<Demo>,
    recorder: crate::kit::CourseRecorder,
    /// Record everything in one frame (tests).
    pub at_once: bool,
    /// The successful demonstrations' lateral offsets (m), once all are recorded.
    pub offsets: Vec<f64>,
    /// Their action chunks, for attention.
    pub set: Option<Arc<ChunkSet>>,
    /// Why there is no data (another robot), shown in the panel.
    pub unavailable: bool,
}

impl CourseData {
    pub fn ready(&self) -> bool {
        !self.offsets.is_empty()
    }

    pub fn progress(&self) -> f32 {
        self.demos.len() as f32 / DEMOS as f32
    }

    /// The demonstrations' offsets on each side (near, far).
    pub fn sides(&self) -> (Vec<f64>, Vec<f64>) {
        self.offsets.iter().partition(|x| **x < 0.0)
    }

    pub fn gaussian(&self) -> (f64, f64) {
        fit_gaussian(&self.offsets)
    }

    pub fn bins(n: usize) -> Bins {
        Bins {
            lo: RANGE.0,
            hi: RANGE.1,
            n: n.max(1),
        }
    }

    pub fn tokens(&self, n: usize) -> Vec<f64> {
        fit_categorical(&self.offsets, &CourseData::bins(n), TOKEN_SMOOTHING)
    }

    pub fn mixture(&self) -> Vec<Component> {
        let mut c = fit_mixture(&self.offsets, 2, 100, MIN_SIGMA);
        c.sort_by(|a, b| a.mu.total_cmp(&b.mu));
        c
    }

    /// The policy a driver acts with (`None`: the scripted route, or no data yet).
    pub fn lateral(&self, driver: LossDriver, state: &LossesState) -> Option<Lateral> {
        if !self.ready() {
            return None;
        }
        Some(match driver {
            LossDriver::Scripted => return None,
            LossDriver::Gaussian => Lateral::Mean(self.gaussian().0),
            LossDriver::Tokens => Lateral::Tokens {
                bins: CourseData::bins(state.bins),
                p: self.tokens(state.bins),
                sample: state.sample,
            },
            LossDriver::Mixture => Lateral::Mixture(self.mixture()),
        })
    }

    /// The action range's grid, and the data's density on it.
    pub fn density(&self) -> (Grid, Vec<f64>) {
        self.density_on(Grid::new(RANGE.0, RANGE.1, GRID_CELLS))
    }

    /// The KL fits' grid, twice the action range: a Gaussian as wide as the data (about
    /// 15 cm) cut off at ±25 cm would lose so much of its tails that a flat density would
    /// beat it for covering the data, and the fit would no longer be the moments'.
    pub fn kl_density(&self) -> (Grid, Vec<f64>) {
        self.density_on(Grid::new(2.0 * RANGE.0, 2.0 * RANGE.1, 2 * GRID_CELLS - 1))
    }

    fn density_on(&self, grid: Grid) -> (Grid, Vec<f64>) {
        let n = self.offsets.len().max(1) as f64;
        let p = grid.tabulate(|x| {
            self.offsets
                .iter()
                .map(|d| gaussian_pdf(x, *d, KDE_WIDTH))
                .sum::<f64>()
                / n
        });
        (grid, p)
    }
}

/// The offset a policy passes the post at in the episode of `seed`: the draws come from the
/// seed, so the panel can say what the running episode chose.
pub fn offset_for(lateral: &Lateral, seed: u64) -> f64 {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x1A7E);
    let u: f64 = rng.random();
    lateral.act(u, crate::math::backprop::gaussian(&mut rng))
}

/// Records the demonstrations (all at once in headless runs), then takes their offsets and
/// chunks.
pub(super) fn record(
    mut data: ResMut<CourseData>,
    robot: Res<Robot>,
    headless: Option<Res<Headless>>,
    time: Res<Time<Real>>,
) {
    if data.ready() {
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
    let data = &mut *data;
    let more = || clock.elapsed().as_secs_f64() * 1e3 < budget;
    if data
        .recorder
        .advance(&robot.model, &mut data.demos, DEMOS, at_once, more)
        .is_err()
    {
        data.unavailable = true;
        return;
    }
    if data.demos.len() as u64 >= DEMOS {
        data.offsets = course::lateral_offsets(&data.demos);
        data.set = course::chunk_set(&data.demos).ok().map(Arc::new);
        info!(
            "recorded {DEMOS} course demonstrations: {} lateral offsets at the post",
            data.offsets.len()
        );
    }
}

/// The forward and reverse KL searches, advanced one move per frame so they can be watched,
/// with the path each has taken.
#[derive(Resource, Default)]
pub struct KlLive {
    pub fits: Option<[KlFit; 2]>,
    /// The start the searches were made from.
    pub start: f64,
    /// (μ, σ) after every move, per search.
    pub paths: [Vec<(f64, f64)>; 2],
    /// Whether a search moved this frame.
    pub moving: bool,
    /// The paths' lengths at the moment the timeline shows (`None` while live).
    pub past_lens: Option<[usize; 2]>,
}

impl KlLive {
    /// Moves search `i` had made (at the moment the timeline shows).
    pub fn moves(&self, i: usize) -> usize {
        let len = self.past_lens.map_or(self.paths[i].len(), |l| l[i]);
        len.saturating_sub(1)
    }
}

pub(super) fn advance_kl(
    state: Res<LossesState>,
    data: Res<CourseData>,
    headless: Option<Res<Headless>>,
    mut live: ResMut<KlLive>,
) {
    live.moving = false;
    if state.section != Section::Kl || !data.ready() {
        return;
    }
    let (grid, p) = data.kl_density();
    if live.fits.is_none() || live.start != state.start {
        let start = (state.start, KL_START_SIGMA);
        live.fits = Some([
            KlFit::new(&grid, &p, false, start),
            KlFit::new(&grid, &p, true, start),
        ]);
        live.start = state.start;
        live.paths = [vec![start], vec![start]];
    }
    let live = &mut *live;
    let Some(fits) = &mut live.fits else { return };
    let moves = if headless.is_some() { 10_000 } else { 1 };
    for _ in 0..moves {
        for (fit, path) in fits.iter_mut().zip(&mut live.paths) {
            if !fit.converged() {
                live.moving = true;
                fit.iterate(&grid, &p);
                if path.last() != Some(&(fit.mu, fit.sigma)) {
                    path.push((fit.mu, fit.sigma));
                }
            }
        }
        if fits.iter().all(KlFit::converged) {
            break;
        }
    }
}
