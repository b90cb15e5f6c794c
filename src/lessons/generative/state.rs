//! The lesson's state: the demonstrations, the chosen sampler and field, the denoising run
//! on screen and what is measured of it, and the settings a link carries.

use super::*;
use crate::kit::{LessonSettings, param_choice, param_flag, param_name, write_flag};
use crate::math::Vec3 as RVec3;
use crate::math::chunks::{ChunkSet, Plane, Point};
use crate::math::generative::{Mixture, OdeMethod, Run, Sampler, Schedule, straightness};
use crate::math::mlp::{TrainConfig, Trainer};
use crate::sim::course::{self, ChunkSource, Demo, SampledPolicy};
use crate::sim::task::PickPlaceConfig;

use bevy::platform::time::Instant;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The samples slider's range: a few to follow one by one, up to enough for steady metrics.
pub const MIN_SAMPLES: usize = 16;
pub const MAX_SAMPLES: usize = 256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldChoice {
    /// The closed-form field of the demonstration mixture.
    Exact,
    /// The trained velocity network.
    Network,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SamplerChoice {
    Ddpm,
    Ddim,
    FlowEuler,
    FlowHeun,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DriverChoice {
    Scripted,
    Generative,
    Regression,
}

/// Averages over the samples of the current run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    pub nfe: usize,
    /// Path length over chord of the denoising paths (1 = straight).
    pub straightness: f64,
    /// RMS distance per tool position to the nearest demonstrated chunk (m).
    pub nearest: f64,
    /// Fraction of the two sides some sample lands on.
    pub sides: f64,
    /// Fraction of the demonstrations some sample lands on.
    pub demos: f64,
    /// Samples on each side.
    pub per_side: [usize; 2],
    /// The regression chunk's RMS distance to the nearest demonstration (m).
    pub regression: f64,
}

#[derive(Resource)]
pub struct GenerativeState {
    pub demos: Vec<Demo>,
    pub(super) recorder: crate::kit::CourseRecorder,
    pub set: Option<Arc<ChunkSet>>,
    pub plane: Option<Plane>,
    pub trainer: Option<Trainer>,
    pub training: bool,
    /// The last finished training, shared with the policy.
    pub trained: Option<Arc<Trainer>>,
    pub field: FieldChoice,
    pub sampler: SamplerChoice,
    pub cosine: bool,
    /// Steps for DDIM and flow matching (1–10).
    pub k: usize,
    /// How many chunks are sampled and drawn ([`MIN_SAMPLES`]..=[`MAX_SAMPLES`]).
    pub samples: usize,
    pub noise_seed: u64,
    pub run: Option<Run>,
    /// The denoising step on screen.
    pub shown: usize,
    pub playing: bool,
    pub(super) clock: f64,
    pub show_demos: bool,
    /// The sampled (ghost) chunks; off where a step is about the data or the regression.
    pub show_ghosts: bool,
    pub show_trails: bool,
    pub show_regression: bool,
    pub metrics: Option<Metrics>,
    pub driver: DriverChoice,
    /// Chunks the policy sampled, for drawing the one being executed.
    pub policy_log: Arc<Mutex<Vec<Vec<RVec3>>>>,
    /// Set when the run must be recomputed (a setting changed).
    pub(super) dirty: bool,
    /// True while the timeline shows a past moment, and the training step reached then.
    pub(super) past: bool,
    pub(super) past_step: Option<usize>,
    /// Record every demonstration in one frame (headless runs).
    pub(super) record_at_once: bool,
    /// Train the network as soon as the demonstrations are in (a link asked for it).
    pub(super) train_when_ready: bool,
    /// When recording and training started, for the log lines that say how long they took.
    pub(super) recording_since: Option<Instant>,
    pub(super) training_since: Option<Instant>,
    /// What drawing needs, computed once per run step rather than every frame.
    pub(super) views: Views,
}

/// One sample at one denoising step, ready to draw.
#[derive(Clone, Debug)]
pub(super) struct Ghost {
    /// The start, then the chunk's positions (Bevy coordinates).
    pub(super) line: Vec<Vec3>,
    /// Its point in the PCA plane.
    pub(super) pca: [f64; 2],
    /// The side of its nearest demonstration.
    pub(super) side: usize,
}

#[derive(Default)]
pub(super) struct Views {
    /// The exact conditional at the start, with the window index of each component.
    pub(super) exact: Option<(Mixture, Vec<usize>)>,
    /// The regression baseline's chunk (normalized) at the start.
    pub(super) regression: Option<Vec<f64>>,
    /// Per sample, one entry per computed step.
    pub(super) ghosts: Vec<Vec<Ghost>>,
}

impl Default for GenerativeState {
    fn default() -> Self {
        GenerativeState {
            demos: Vec::new(),
            recorder: Default::default(),
            set: None,
            plane: None,
            trainer: None,
            training: false,
            trained: None,
            field: FieldChoice::Exact,
            sampler: SamplerChoice::FlowEuler,
            cosine: true,
            k: 10,
            samples: 64,
            noise_seed: 1,
            run: None,
            shown: 0,
            playing: true,
            clock: 0.0,
            show_demos: true,
            show_ghosts: true,
            show_trails: true,
            show_regression: true,
            metrics: None,
            driver: DriverChoice::Scripted,
            policy_log: Arc::default(),
            dirty: true,
            past: false,
            past_step: None,
            record_at_once: false,
            train_when_ready: false,
            recording_since: None,
            training_since: None,
            views: Views::default(),
        }
    }
}

/// Every driver name of [`GenerativeState::driver_name`]: the rows of the lesson's tally.
pub const DRIVER_KEYS: [&str; 5] = [
    "policy_scripted",
    "policy_generative_exact",
    "policy_generative_network",
    "policy_regression_exact",
    "policy_regression_network",
];

impl GenerativeState {
    pub fn sampler(&self) -> Sampler {
        let schedule = || {
            if self.cosine {
                Schedule::cosine(100)
            } else {
                Schedule::linear(100)
            }
        };
        let k = self.k.clamp(1, 10);
        match self.sampler {
            SamplerChoice::Ddpm => Sampler::Ddpm(schedule()),
            SamplerChoice::Ddim => Sampler::Ddim(schedule(), k),
            SamplerChoice::FlowEuler => Sampler::Flow(k, OdeMethod::Euler),
            SamplerChoice::FlowHeun => Sampler::Flow(k, OdeMethod::Heun),
        }
    }

    /// Windows the recorded demonstrations into the chunk set and fits the PCA plane.
    pub fn use_demos(&mut self) {
        if let Ok(set) = course::chunk_set(&self.demos) {
            let starts: Vec<Vec<f64>> = set.starts.iter().map(|&i| set.chunks[i].clone()).collect();
            self.plane = Plane::fit(&starts);
            self.set = Some(Arc::new(set));
            self.dirty = true;
        }
    }

    /// Where every demonstrated transport starts: the observation the samples are drawn for.
    pub fn start(&self) -> Option<Point> {
        self.set.as_ref()?.start()
    }

    /// The exact conditional at the start (cached per run).
    pub(super) fn exact(&self) -> Option<&(Mixture, Vec<usize>)> {
        self.views.exact.as_ref()
    }

    /// The regression baseline's chunk (normalized) at the start (cached per run).
    pub fn regression(&self) -> Option<&Vec<f64>> {
        self.views.regression.as_ref()
    }

    /// Starts a new run from fresh noise with the current settings.
    pub fn restart_run(&mut self) {
        let (Some(set), Some(start)) = (self.set.clone(), self.start()) else {
            return;
        };
        let exact = course::exact_conditional(&set, &start);
        self.views.regression = Some(match (self.field, &self.trained) {
            (FieldChoice::Network, Some(t)) => t.regress(&set, &start),
            _ => exact.0.regression(),
        });
        self.views.exact = Some(exact);
        let run = Run::from_seed(self.sampler(), self.samples, set.dim(), self.noise_seed);
        self.views.ghosts = match (&self.plane, &self.views.exact) {
            (Some(plane), Some(exact)) => run
                .paths
                .iter()
                .map(|p| vec![ghost(&set, &start, plane, exact, &p[0])])
                .collect(),
            _ => Vec::new(),
        };
        self.run = Some(run);
        self.shown = 0;
        self.clock = 0.0;
        self.metrics = None;
        self.dirty = false;
    }

    /// Computes denoising steps until `upto` is done (at most `budget` of them).
    pub fn advance_run(&mut self, upto: usize, budget: usize) {
        if self
            .run
            .as_ref()
            .is_none_or(|r| r.done_steps() >= upto.min(r.sampler.steps()))
        {
            return;
        }
        let (Some(set), Some(start), Some(plane), Some(exact)) = (
            self.set.clone(),
            self.start(),
            self.plane.clone(),
            self.views.exact.clone(),
        ) else {
            return;
        };
        let Some(mut run) = self.run.take() else {
            return;
        };
        let network = match (self.field, &self.trained) {
            (FieldChoice::Network, Some(t)) => Some(t.clone()),
            _ => None,
        };
        let mut n = 0;
        while run.done_steps() < upto && n < budget {
            let stepped = match &network {
                Some(t) => run.step(&t.field(&set, &start)),
                None => run.step(&exact.0),
            };
            if !stepped {
                break;
            }
            n += 1;
            for (path, ghosts) in run.paths.iter().zip(self.views.ghosts.iter_mut()) {
                if let Some(x) = path.last() {
                    ghosts.push(ghost(&set, &start, &plane, &exact, x));
                }
            }
        }
        let finished = run.finished();
        self.run = Some(run);
        if finished && self.metrics.is_none() {
            self.metrics = self.measure();
        }
    }

    /// The metrics of a finished run, against the exact conditional's demonstrations.
    pub fn measure(&self) -> Option<Metrics> {
        let set = self.set.as_ref()?;
        let run = self.run.as_ref()?;
        let (mix, keep) = self.exact()?;
        let ends = run.ends();
        let n = ends.len().max(1) as f64;
        let sides: Vec<usize> = keep.iter().map(|&i| set.labels[i]).collect();
        let demos: Vec<usize> = keep.iter().map(|&i| set.demo[i]).collect();
        // Hit within 2 cm RMS per position of a demonstrated chunk.
        let radius = 0.02 / set.scale * (set.horizon as f64).sqrt();
        let mut per_side = [0; 2];
        for e in &ends {
            per_side[sides[mix.nearest(e).0].min(1)] += 1;
        }
        let regression = self.regression()?.clone();
        Some(Metrics {
            nfe: run.nfe(),
            straightness: run.paths.iter().map(|p| straightness(p)).sum::<f64>() / n,
            nearest: ends
                .iter()
                .map(|e| set.rms_distance(e, &mix.means[mix.nearest(e).0]))
                .sum::<f64>()
                / n,
            sides: crate::math::generative::mode_coverage(mix, &sides, 2, &ends, radius),
            demos: crate::math::generative::mode_coverage(mix, &demos, set.demos(), &ends, radius),
            per_side,
            regression: set.rms_distance(&regression, &mix.means[mix.nearest(&regression).0]),
        })
    }

    /// The string key of the current driver (also its tally's name).
    pub fn driver_name(&self) -> &'static str {
        // Every name here is in DRIVER_KEYS.
        if self.set.is_none() {
            // The scripted policy drives until there are demonstrations to sample from.
            return "policy_scripted";
        }
        let network = self.field == FieldChoice::Network && self.trained.is_some();
        match (self.driver, network) {
            (DriverChoice::Scripted, _) => "policy_scripted",
            (DriverChoice::Generative, false) => "policy_generative_exact",
            (DriverChoice::Generative, true) => "policy_generative_network",
            (DriverChoice::Regression, false) => "policy_regression_exact",
            (DriverChoice::Regression, true) => "policy_regression_network",
        }
    }

    /// Starts training a new network on the demonstrations (the last trained one keeps
    /// serving until this one finishes).
    pub fn start_training(&mut self) {
        let Some(set) = &self.set else { return };
        let cfg = TrainConfig {
            spread: course::SPREAD / course::SCALE,
            ..TrainConfig::default()
        };
        self.trainer = Some(Trainer::new(set, cfg));
        self.training = true;
        self.training_since = Some(Instant::now());
    }

    /// The physics task for the current choice: the obstacle course, driven by the scripted
    /// route or by chunks sampled from the demonstrations.
    pub fn scenario(&self) -> LessonTask {
        let scripted = LessonTask {
            driver: self.driver_name(),
            configure: std::sync::Arc::new(on_the_course),
            policy: None,
            reach: None,
        };
        let Some(set) = self.set.clone() else {
            return scripted;
        };
        let network = self
            .trained
            .clone()
            .filter(|_| self.field == FieldChoice::Network);
        let source = match (self.driver, network) {
            (DriverChoice::Scripted, _) => return scripted,
            (DriverChoice::Generative, Some(t)) => ChunkSource::Network(t),
            (DriverChoice::Generative, None) => ChunkSource::Exact,
            (DriverChoice::Regression, Some(t)) => ChunkSource::NetworkRegression(t),
            (DriverChoice::Regression, None) => ChunkSource::ExactRegression,
        };
        let (sampler, log) = (self.sampler(), self.policy_log.clone());
        LessonTask {
            policy: Some(Arc::new(move |seed| {
                Box::new(
                    SampledPolicy::new(set.clone(), source.clone(), sampler.clone(), seed)
                        .with_log(log.clone()),
                )
            })),
            ..scripted
        }
    }
}

/// The scene of the lesson's task: the cube carried round a post.
fn on_the_course(cfg: &mut PickPlaceConfig) {
    cfg.course = true;
}

pub(super) const SAMPLER_NAMES: [(SamplerChoice, &str); 4] = [
    (SamplerChoice::Ddpm, "ddpm"),
    (SamplerChoice::Ddim, "ddim"),
    (SamplerChoice::FlowEuler, "fm"),
    (SamplerChoice::FlowHeun, "heun"),
];
pub(super) const DRIVER_NAMES: [(DriverChoice, &str); 3] = [
    (DriverChoice::Scripted, "scripted"),
    (DriverChoice::Generative, "sampled"),
    (DriverChoice::Regression, "regression"),
];
pub(super) const FIELD_NAMES: [(FieldChoice, &str); 2] = [
    (FieldChoice::Exact, "exact"),
    (FieldChoice::Network, "network"),
];

/// `sampler=ddpm|ddim|fm|heun`, `k=1..10`, `cosine=0|1` (DDPM/DDIM), `samples=16..256`,
/// `noise=N` (the noise seed), `driver=scripted|sampled|regression` (the physics),
/// `field=exact|network` (the denoiser), `demos`, `trails`, `regression` (overlays, `0|1`). A network is not in the link: `field=network` trains
/// one in the page as soon as the demonstrations are recorded (the same one every time, the
/// training being seeded), and the exact field serves until it is done.
impl LessonSettings for GenerativeState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        let get = |k: &str| given.get(k).map(String::as_str);
        if let Some(c) = param_choice(&SAMPLER_NAMES, get("sampler")) {
            self.sampler = c;
        }
        if let Some(k) = get("k").and_then(|k| k.parse::<usize>().ok()) {
            self.k = k.clamp(1, 10);
        }
        if let Some(c) = get("cosine") {
            self.cosine = c != "0";
        }
        if let Some(n) = get("samples").and_then(|n| n.parse::<usize>().ok()) {
            self.samples = n.clamp(MIN_SAMPLES, MAX_SAMPLES);
        }
        if let Some(n) = get("noise").and_then(|n| n.parse().ok()) {
            self.noise_seed = n;
        }
        if let Some(d) = param_choice(&DRIVER_NAMES, get("driver")) {
            self.driver = d;
        }
        if let Some(f) = param_choice(&FIELD_NAMES, get("field")) {
            self.field = f;
            self.train_when_ready = f == FieldChoice::Network && self.trained.is_none();
        }
        param_flag(given, "demos", &mut self.show_demos);
        param_flag(given, "ghosts", &mut self.show_ghosts);
        param_flag(given, "trails", &mut self.show_trails);
        param_flag(given, "regression", &mut self.show_regression);
        self.dirty = true;
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        if let Some(n) = param_name(&SAMPLER_NAMES, self.sampler) {
            out.insert("sampler".into(), n.into());
        }
        if self.sampler != SamplerChoice::Ddpm {
            out.insert("k".into(), self.k.to_string());
        }
        if matches!(self.sampler, SamplerChoice::Ddpm | SamplerChoice::Ddim) {
            out.insert("cosine".into(), u8::from(self.cosine).to_string());
        }
        out.insert("samples".into(), self.samples.to_string());
        out.insert("noise".into(), self.noise_seed.to_string());
        if let Some(n) = param_name(&DRIVER_NAMES, self.driver) {
            out.insert("driver".into(), n.into());
        }
        if let Some(n) = param_name(&FIELD_NAMES, self.field) {
            out.insert("field".into(), n.into());
        }
        write_flag(out, "demos", self.show_demos);
        write_flag(out, "ghosts", self.show_ghosts);
        write_flag(out, "trails", self.show_trails);
        write_flag(out, "regression", self.show_regression);
    }
}
