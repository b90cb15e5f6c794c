//! The obstacle course for the generative-policy lesson: demonstrations of the
//! scripted policy that carry the cube round a post on one side or the other, turned into
//! action chunks, and learned policies that drive the transport from sampled chunks.

use super::SimError;
use super::task::{
    COURSE_POST, ChunkPolicy, Episode, Obstacle, Phase, PickPlaceConfig, Side, run_episode,
};
use crate::math::Vec3;
use crate::math::chunks::{ChunkSet, Point};
use crate::math::generative::{Field, Mixture, OdeMethod, Run, Sampler, Schedule};
use crate::math::mlp::{NetField, Trainer};
use crate::robot::Model;
use std::sync::Arc;

/// Tool positions per chunk (H).
pub const HORIZON: usize = 12;
/// Control periods between a chunk's positions (4 × 50 ms).
pub const STRIDE: usize = 4;
/// Positions of each sampled chunk executed before the next is sampled (receding horizon).
pub const EXECUTE: usize = 4;
/// Metres per normalized unit of the chunk space.
pub const SCALE: f64 = 0.1;
/// Width of the observation kernel of the exact conditional (m).
pub const OBS_SIGMA: f64 = 0.015;
/// Spread of the mixture around each demonstrated chunk (m).
pub const SPREAD: f64 = 0.003;

/// One scripted run of the course.
#[derive(Clone, Debug, PartialEq)]
pub struct Demo {
    pub seed: u64,
    pub success: bool,
    pub side: Side,
    /// Commanded tool positions over the transport: from the end of the lift to the arrival
    /// above the place target, one per control period.
    pub path: Vec<Vec3>,
}

/// The course's configuration of the pick-and-place task.
pub fn config() -> PickPlaceConfig {
    PickPlaceConfig {
        course: true,
        ..PickPlaceConfig::default()
    }
}

/// The obstacle of the course.
pub fn obstacle() -> Obstacle {
    COURSE_POST
}

/// The transport leg of an episode's commanded tool path.
pub fn transport_leg(tool_path: &[(Phase, Vec3)]) -> Vec<Vec3> {
    let first = tool_path.iter().position(|(p, _)| *p == Phase::Transport);
    let Some(first) = first else {
        return Vec::new();
    };
    let start = first.saturating_sub(1);
    tool_path[start..]
        .iter()
        .take_while(|(p, _)| matches!(p, Phase::Lift | Phase::Transport))
        .map(|(_, x)| *x)
        .collect()
}

impl Demo {
    /// The demonstration recorded by a finished scripted episode of the course.
    pub fn from_outcome(seed: u64, o: &super::task::Outcome) -> Demo {
        let path = transport_leg(&o.tool_path);
        let side = Side::of(&path, &obstacle()).unwrap_or(Side::Near);
        Demo {
            seed,
            success: o.success,
            side,
            path,
        }
    }
}

/// Runs the scripted policy on the course for `seed` in physics.
pub fn demonstration(model: &Model, seed: u64) -> Result<Demo, SimError> {
    Ok(Demo::from_outcome(
        seed,
        &run_episode(model, seed, &config())?,
    ))
}

/// One scripted course episode recorded a control period at a time, so an app can spread the
/// recording over its frames.
pub struct Recording {
    pub seed: u64,
    episode: Episode,
}

impl Recording {
    pub fn new(model: &Model, seed: u64) -> Result<Recording, SimError> {
        Ok(Recording {
            seed,
            episode: Episode::new(model, seed, &config())?,
        })
    }

    /// Advances one control period; the demonstration once the episode is over. A physics
    /// reset spoils it: it ends as a failure, which the data leaves out.
    pub fn step(&mut self) -> Option<Demo> {
        if self.episode.finished() {
            return Some(Demo::from_outcome(self.seed, &self.episode.outcome()));
        }
        if self.episode.step_period().is_err() {
            let mut demo = Demo::from_outcome(self.seed, &self.episode.outcome());
            demo.success = false;
            return Some(demo);
        }
        None
    }
}

/// Records the demonstrations of seeds `demos.len()`, … up to `total`, one control period at a
/// time while `more()` allows, carrying the unfinished episode in `current`.
pub fn record(
    model: &Model,
    demos: &mut Vec<Demo>,
    current: &mut Option<Recording>,
    total: u64,
    mut more: impl FnMut() -> bool,
) -> Result<(), SimError> {
    while (demos.len() as u64) < total && more() {
        let rec = match current {
            Some(r) => r,
            None => current.insert(Recording::new(model, demos.len() as u64)?),
        };
        if let Some(demo) = rec.step() {
            demos.push(demo);
            *current = None;
        }
    }
    Ok(())
}

/// Records the demonstrations of `seeds` on `threads` threads at once, each one as
/// [`record`] would (so the same demonstrations, in seed order), for an app that can wait for
/// them on other threads. Not in the browser, which has one thread.
#[cfg(not(target_arch = "wasm32"))]
pub fn record_all(
    model: &Model,
    seeds: std::ops::Range<u64>,
    threads: usize,
) -> Result<Vec<Demo>, SimError> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};
    let next = AtomicU64::new(seeds.start);
    let done: Mutex<Vec<Result<Demo, SimError>>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= seeds.end {
                        break;
                    }
                    let demo = Recording::new(model, seed).map(|mut rec| {
                        loop {
                            if let Some(demo) = rec.step() {
                                break demo;
                            }
                        }
                    });
                    if let Ok(mut done) = done.lock() {
                        done.push(demo);
                    }
                }
            });
        }
    });
    let mut demos = done
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    demos.sort_by_key(|d| d.seed);
    Ok(demos)
}

/// Pseudo-counts added to every token's count, so no log-probability is infinite; small, so
/// a draw almost never lands between the modes.
pub const TOKEN_SMOOTHING: f64 = 1e-3;

/// Where a transport passed the post: the tool's offset along x from the post's axis when
/// level with it (m; negative on the near side). The one action dimension the two modes
/// differ in.
pub fn lateral_offset(path: &[Vec3]) -> Option<f64> {
    let post = obstacle().center;
    let level = path
        .iter()
        .min_by(|a, b| (a.y - post.y).abs().total_cmp(&(b.y - post.y).abs()))?;
    Some(level.x - post.x)
}

impl Demo {
    pub fn lateral(&self) -> Option<f64> {
        lateral_offset(&self.path)
    }
}

/// The lateral offsets of the successful demonstrations.
pub fn lateral_offsets(demos: &[Demo]) -> Vec<f64> {
    demos
        .iter()
        .filter(|d| d.success)
        .filter_map(Demo::lateral)
        .collect()
}

/// A transport policy with one action: pass the post at a lateral offset (m), level with it
/// and at the height the lift reached, then go on to the place target.
pub struct PassAt {
    pub offset: f64,
    asked: bool,
}

impl PassAt {
    pub fn new(offset: f64) -> PassAt {
        PassAt {
            offset,
            asked: false,
        }
    }
}

impl ChunkPolicy for PassAt {
    fn chunk(&mut self, tool: Vec3) -> Vec<Vec3> {
        if std::mem::replace(&mut self.asked, true) || !self.offset.is_finite() {
            return Vec::new();
        }
        let post = obstacle().center;
        vec![Vec3::new(post.x + self.offset, post.y, tool.z)]
    }

    fn boxed_clone(&self) -> Box<dyn ChunkPolicy> {
        Box::new(PassAt {
            offset: self.offset,
            asked: self.asked,
        })
    }
}

/// Action-chunk windows over the successful demonstrations.
pub fn chunk_set(demos: &[Demo]) -> Result<ChunkSet, String> {
    let paths: Vec<(usize, Vec<Point>)> = demos
        .iter()
        .filter(|d| d.success && !d.path.is_empty())
        .map(|d| {
            (
                d.side as usize,
                d.path.iter().map(|p| [p.x, p.y, p.z]).collect(),
            )
        })
        .collect();
    ChunkSet::from_paths(&paths, HORIZON, STRIDE, SCALE)
}

/// Where the chunks come from.
#[derive(Clone)]
pub enum ChunkSource {
    /// The exact conditional mixture of the demonstrations.
    Exact,
    /// The trained velocity network (a snapshot of its weights).
    Network(Arc<Trainer>),
    /// Mean-squared-error regression: the exact conditional mean.
    ExactRegression,
    /// Mean-squared-error regression: the trained regression network.
    NetworkRegression(Arc<Trainer>),
}

impl ChunkSource {
    pub fn is_regression(&self) -> bool {
        matches!(
            self,
            ChunkSource::ExactRegression | ChunkSource::NetworkRegression(_)
        )
    }
}

/// The exact conditional of the course's chunk set at tool position `o` (m).
pub fn exact_conditional(set: &ChunkSet, o: &Point) -> (Mixture, Vec<usize>) {
    set.conditional(o, OBS_SIGMA, SPREAD)
}

/// One chunk (normalized) for observation `o` from `source`, sampled from `noise`.
pub fn sample_chunk(
    set: &ChunkSet,
    source: &ChunkSource,
    sampler: &Sampler,
    o: &Point,
    noise: Vec<f64>,
    seed: u64,
) -> Vec<f64> {
    let finish = |field: &dyn Field| {
        Run::new(sampler.clone(), vec![noise.clone()], seed)
            .finish(field)
            .ends()
            .pop()
            .unwrap_or_default()
    };
    match source {
        ChunkSource::Exact => finish(&exact_conditional(set, o).0),
        ChunkSource::Network(t) => {
            let field: NetField<'_> = t.field(set, o);
            finish(&field)
        }
        ChunkSource::ExactRegression => exact_conditional(set, o).0.regression(),
        ChunkSource::NetworkRegression(t) => t.regress(set, o),
    }
}

/// A receding-horizon policy: sample a chunk at the current tool position, hand over its first
/// [`EXECUTE`] positions, sample again when they are done.
pub struct SampledPolicy {
    pub set: Arc<ChunkSet>,
    pub source: ChunkSource,
    pub sampler: Sampler,
    rng: rand::rngs::StdRng,
    /// Every chunk sampled so far (positions, m), for drawing.
    pub chunks: Arc<std::sync::Mutex<Vec<Vec<Vec3>>>>,
}

impl SampledPolicy {
    pub fn new(
        set: Arc<ChunkSet>,
        source: ChunkSource,
        sampler: Sampler,
        seed: u64,
    ) -> SampledPolicy {
        use rand::SeedableRng;
        SampledPolicy {
            set,
            source,
            sampler,
            rng: rand::rngs::StdRng::seed_from_u64(seed),
            chunks: Arc::default(),
        }
    }

    /// Logs the sampled chunks into `log` (shared with whoever draws them).
    pub fn with_log(mut self, log: Arc<std::sync::Mutex<Vec<Vec<Vec3>>>>) -> SampledPolicy {
        self.chunks = log;
        self
    }
}

impl ChunkPolicy for SampledPolicy {
    fn chunk(&mut self, tool: Vec3) -> Vec<Vec3> {
        use rand::Rng;
        let o = [tool.x, tool.y, tool.z];
        let noise = crate::math::generative::normal_vec(&mut self.rng, self.set.dim());
        let seed = self.rng.random();
        let x = sample_chunk(&self.set, &self.source, &self.sampler, &o, noise, seed);
        let points: Vec<Vec3> = self
            .set
            .decode(&x)
            .iter()
            .map(|p| Vec3::new(p[0], p[1], p[2]))
            .collect();
        if let Ok(mut log) = self.chunks.lock() {
            log.push(points.clone());
        }
        points.into_iter().take(EXECUTE).collect()
    }

    /// The copy's chunk log is its own (a copy of the chunks so far): what a copy samples
    /// later is not drawn as the original's.
    fn boxed_clone(&self) -> Box<dyn ChunkPolicy> {
        let log = self.chunks.lock().map(|l| l.clone()).unwrap_or_default();
        Box::new(SampledPolicy {
            set: self.set.clone(),
            source: self.source.clone(),
            sampler: self.sampler.clone(),
            rng: self.rng.clone(),
            chunks: Arc::new(std::sync::Mutex::new(log)),
        })
    }
}

/// The default sampler of the generative policy: flow matching, 10 Euler steps.
pub fn default_sampler() -> Sampler {
    Sampler::Flow(10, OdeMethod::Euler)
}

/// DDPM with the cosine schedule over 100 steps.
pub fn ddpm_sampler() -> Sampler {
    Sampler::Ddpm(Schedule::cosine(100))
}

/// Runs one course episode with the transport driven by `policy`.
pub fn run_with_policy(
    model: &Model,
    seed: u64,
    policy: Box<dyn ChunkPolicy>,
) -> Result<super::task::Outcome, SimError> {
    let mut episode = Episode::new(model, seed, &config())?;
    episode.set_chunk_policy(policy);
    while !episode.finished() {
        episode.step_period()?;
    }
    Ok(episode.outcome())
}

#[cfg(test)]
mod tests;
