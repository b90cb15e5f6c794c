//! Lesson: diffusion vs flow matching — denoising paths in the arm's own action space
//! (seed 000 §6).
//!
//! The scripted policy carries the cube round a post, on the near or the far side: two modes.
//! Its transports become action chunks (the next 12 tool positions). Samples start as noise and
//! are denoised into chunks by DDPM, DDIM or flow matching, drawn as ghost tool paths over the
//! scene with their trails through denoising time and a PCA view; the regression baseline's
//! average of the modes is drawn in red, through the post. The chunks can also drive the arm in
//! physics. The math is in `crate::math::{generative, chunks, mlp}` and `crate::sim::course`.

use crate::app::capture::Headless;
use crate::app::convert;
use crate::app::i18n::Lang;
use crate::app::robot::{ArmSet, Robot};
use crate::app::sim::{Driver, Sim, is_bundled_panda};
use crate::app::ui::{UiState, egui_color, fixed_plot, lesson_panel};
use crate::lessons::{
    ActiveLesson, LessonInfo, LessonSettings, ShowEverything, lesson_is, param_choice, param_flag,
    param_name, sync_params, write_flag,
};
use crate::math::Vec3 as RVec3;
use crate::math::chunks::{ChunkSet, Plane, Point};
use crate::math::generative::{Mixture, OdeMethod, Run, Sampler, Schedule, straightness};
use crate::math::mlp::{TrainConfig, Trainer};
use crate::sim::course::{self, Demo, SampledPolicy, Source};
use crate::sim::policy::Episode;
use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Line, Points};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

mod steps;

pub const ID: &str = "generative";

/// Scripted demonstrations recorded (seeds 0…N−1).
pub const DEMOS: u64 = 24;
/// Wall-clock budget per frame for recording demonstrations (ms) at a normal frame rate.
const BUDGET_MS: f64 = 8.0;
/// Wall-clock budget per frame for training (ms): about 3 steps of 3.6 ms (release), so the
/// 4000 steps take about 25 s at 60 frames per second.
const TRAIN_BUDGET_MS: f64 = 12.0;
/// The most any one frame gives to recording or training (ms): the page still answers every
/// second however slow its drawing (in headless Chromium's software WebGL2 a frame takes 1.4 s).
const MAX_BUDGET_MS: f64 = 1000.0;
/// Denoising steps computed per frame at most while the animation catches up.
const STEPS_PER_FRAME: usize = 25;
/// Seconds the animation takes from noise to chunks, whatever the step count.
const ANIMATION_SECONDS: f64 = 4.0;

/// Near side teal, far side orange (the two modes); the regression red.
pub const SIDE_COLORS: [Color; 2] = [Color::srgb(0.3, 0.85, 0.8), Color::srgb(1.0, 0.6, 0.2)];
pub const REGRESSION_COLOR: Color = Color::srgb(1.0, 0.15, 0.15);
const DEMO_COLOR: Color = Color::srgba(0.85, 0.85, 0.85, 0.35);

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
    recording: Option<(u64, Episode)>,
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
    pub samples: usize,
    pub noise_seed: u64,
    pub run: Option<Run>,
    /// The denoising step on screen.
    pub shown: usize,
    pub playing: bool,
    clock: f64,
    pub show_demos: bool,
    pub show_trails: bool,
    pub show_regression: bool,
    pub metrics: Option<Metrics>,
    pub driver: DriverChoice,
    /// Chunks the policy sampled, for drawing the one being executed.
    pub policy_log: Arc<Mutex<Vec<Vec<RVec3>>>>,
    /// Set when the run must be recomputed (a setting changed).
    dirty: bool,
    /// Record every demonstration in one frame (headless runs).
    record_at_once: bool,
    /// Train the network as soon as the demonstrations are in (a link asked for it).
    train_when_ready: bool,
    /// When recording and training started, for the log lines that say how long they took.
    recording_since: Option<Instant>,
    training_since: Option<Instant>,
    /// What drawing needs, computed once per run step rather than every frame.
    views: Views,
}

/// One sample at one denoising step, ready to draw.
#[derive(Clone, Debug)]
struct Ghost {
    /// The start, then the chunk's positions (Bevy coordinates).
    line: Vec<Vec3>,
    /// Its point in the PCA plane.
    pca: [f64; 2],
    /// The side of its nearest demonstration.
    side: usize,
}

#[derive(Default)]
struct Views {
    /// The exact conditional at the start, with the window index of each component.
    exact: Option<(Mixture, Vec<usize>)>,
    /// The regression baseline's chunk (normalized) at the start.
    regression: Option<Vec<f64>>,
    /// Per sample, one entry per computed step.
    ghosts: Vec<Vec<Ghost>>,
}

impl Default for GenerativeState {
    fn default() -> Self {
        GenerativeState {
            demos: Vec::new(),
            recording: None,
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
            show_trails: true,
            show_regression: true,
            metrics: None,
            driver: DriverChoice::Scripted,
            policy_log: Arc::default(),
            dirty: true,
            record_at_once: false,
            train_when_ready: false,
            recording_since: None,
            training_since: None,
            views: Views::default(),
        }
    }
}

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
    fn exact(&self) -> Option<&(Mixture, Vec<usize>)> {
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

    /// The physics driver for the current choice.
    pub fn driver(&self) -> Driver {
        let name = self.driver_name();
        let Some(set) = self.set.clone() else {
            return Driver {
                name: "policy_scripted",
                factory: None,
            };
        };
        let network = self
            .trained
            .clone()
            .filter(|_| self.field == FieldChoice::Network);
        let source = match (self.driver, network) {
            (DriverChoice::Scripted, _) => {
                return Driver {
                    name,
                    factory: None,
                };
            }
            (DriverChoice::Generative, Some(t)) => Source::Network(t),
            (DriverChoice::Generative, None) => Source::Exact,
            (DriverChoice::Regression, Some(t)) => Source::NetworkRegression(t),
            (DriverChoice::Regression, None) => Source::ExactRegression,
        };
        let (sampler, log) = (self.sampler(), self.policy_log.clone());
        Driver {
            name,
            factory: Some(Arc::new(move |seed| {
                Box::new(
                    SampledPolicy::new(set.clone(), source.clone(), sampler.clone(), seed)
                        .with_log(log.clone()),
                )
            })),
        }
    }
}

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_generative",
    steps: steps::STEPS,
    plugin,
};

fn plugin(app: &mut App) {
    app.init_resource::<GenerativeState>()
        .add_systems(
            Update,
            (
                sync_params::<GenerativeState>
                    .run_if(lesson_is(ID))
                    .before(ArmSet::Drive),
                (show_everything, use_the_course).in_set(ArmSet::Drive),
                (record_demos, train, animate, draw)
                    .chain()
                    .run_if(lesson_is(ID))
                    .in_set(ArmSet::Views),
            ),
        )
        .add_systems(EguiPrimaryContextPass, panel.run_if(lesson_is(ID)));
}

const SAMPLER_NAMES: [(SamplerChoice, &str); 4] = [
    (SamplerChoice::Ddpm, "ddpm"),
    (SamplerChoice::Ddim, "ddim"),
    (SamplerChoice::FlowEuler, "fm"),
    (SamplerChoice::FlowHeun, "heun"),
];
const DRIVER_NAMES: [(DriverChoice, &str); 3] = [
    (DriverChoice::Scripted, "scripted"),
    (DriverChoice::Generative, "sampled"),
    (DriverChoice::Regression, "regression"),
];
const FIELD_NAMES: [(FieldChoice, &str); 2] = [
    (FieldChoice::Exact, "exact"),
    (FieldChoice::Network, "network"),
];

/// `sampler=ddpm|ddim|fm|heun`, `k=1..10`, `cosine=0|1` (DDPM/DDIM), `samples=64..256`,
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
            self.samples = n.clamp(64, 256);
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
        write_flag(out, "trails", self.show_trails);
        write_flag(out, "regression", self.show_regression);
    }
}

fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<GenerativeState>) {
    if msgs.read().count() > 0 {
        state.show_demos = true;
        state.show_trails = true;
        state.show_regression = true;
        state.record_at_once = true;
    }
}

/// The physics runs the obstacle course while this lesson is open, the usual scenes otherwise.
fn use_the_course(
    active: Res<ActiveLesson>,
    sim: Option<ResMut<Sim>>,
    robot: Option<Res<Robot>>,
    state: Res<GenerativeState>,
) {
    let (Some(mut sim), Some(robot)) = (sim, robot) else {
        return;
    };
    let want = active.0 == Some(ID) && is_bundled_panda(&robot.model);
    if sim.course == want && (!want || sim.driver.name == state.driver_name()) {
        return;
    }
    sim.course = want;
    sim.driver = if want {
        state.driver()
    } else {
        Driver {
            name: "policy_scripted",
            factory: None,
        }
    };
    if let Ok(mut log) = state.policy_log.lock() {
        log.clear();
    }
    let seed = sim.seed;
    // A robot that cannot run the task keeps teach mode; the error was shown when it loaded.
    let _ = sim.restart(&robot.model, seed);
}

/// Milliseconds of this frame for recording or training: `base` at a normal frame rate, half
/// the last frame when frames are slow (software rendering, a weak laptop), so the work never
/// more than halves the frame rate and still progresses when drawing alone takes most of a
/// second; never more than [`MAX_BUDGET_MS`].
fn frame_budget_ms(base: f64, last_frame_s: f64) -> f64 {
    (0.5 * last_frame_s * 1e3).clamp(base, MAX_BUDGET_MS)
}

/// Records the scripted demonstrations in physics, a few control periods per frame (all at
/// once in headless runs), then windows them into chunks.
fn record_demos(
    mut state: ResMut<GenerativeState>,
    robot: Option<Res<Robot>>,
    headless: Option<Res<Headless>>,
    time: Res<Time<Real>>,
) {
    let Some(robot) = robot else { return };
    if state.set.is_some() || !is_bundled_panda(&robot.model) {
        return;
    }
    let at_once = headless.is_some() || state.record_at_once;
    let budget = frame_budget_ms(BUDGET_MS, time.delta_secs_f64());
    let clock = Instant::now();
    let since = *state.recording_since.get_or_insert(clock);
    while at_once || clock.elapsed().as_secs_f64() * 1e3 < budget {
        let seed = state.demos.len() as u64;
        if seed >= DEMOS {
            break;
        }
        if state.recording.is_none() {
            match Episode::new(&robot.model, seed, &course::config()) {
                Ok(e) => state.recording = Some((seed, e)),
                Err(_) => return,
            }
        }
        let Some((seed, episode)) = &mut state.recording else {
            return;
        };
        let seed = *seed;
        if episode.finished() {
            let demo = Demo::from_outcome(seed, &episode.outcome());
            state.demos.push(demo);
            state.recording = None;
        } else if episode.step_period().is_err() {
            // A physics reset spoils this demonstration: keep it as a failure (left out of
            // the data) and go on with the next seed.
            let mut demo = Demo::from_outcome(seed, &episode.outcome());
            demo.success = false;
            state.demos.push(demo);
            state.recording = None;
        }
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

fn train(mut state: ResMut<GenerativeState>, time: Res<Time<Real>>) {
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

/// Plays the denoising from noise to chunks in [`ANIMATION_SECONDS`], computing steps as the
/// animation needs them.
fn animate(mut state: ResMut<GenerativeState>, time: Res<Time>) {
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
fn ghost(
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

fn points(set: &ChunkSet, start: Option<&Point>, x: &[f64]) -> Vec<Vec3> {
    start
        .into_iter()
        .copied()
        .chain(set.decode(x))
        .map(|p| convert::point(&RVec3::new(p[0], p[1], p[2])))
        .collect()
}

fn draw(state: Res<GenerativeState>, sim: Option<Res<Sim>>, mut gizmos: Gizmos) {
    let (Some(set), Some(start)) = (&state.set, state.start()) else {
        return;
    };
    if state.show_demos {
        for d in state.demos.iter().filter(|d| d.success) {
            gizmos.linestrip(d.path.iter().map(convert::point), DEMO_COLOR);
        }
    }
    if let Some(run) = &state.run {
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
    if sim.is_some_and(|s| s.driver.factory.is_some())
        && let Ok(log) = state.policy_log.lock()
        && let Some(chunk) = log.last()
    {
        gizmos.linestrip(chunk.iter().map(convert::point), Color::WHITE);
        for p in chunk.iter().take(course::EXECUTE) {
            gizmos.sphere(convert::point(p), 0.008, Color::WHITE);
        }
    }
}

fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<GenerativeState>,
    mut sim: ResMut<Sim>,
    lang: Res<Lang>,
    ui_state: Res<UiState>,
) -> Result {
    if ui_state.hide_panels {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    lesson_panel(ctx, l.t("lesson_generative"), |ui| {
        ui.label(l.t("gen_intro"));
        ui.separator();
        if state.set.is_none() {
            let done = state.demos.len() as f32 / DEMOS as f32;
            ui.label(l.t("gen_recording"));
            ui.add(egui::ProgressBar::new(done).show_percentage());
            return;
        }
        data_section(ui, &state, l);
        ui.separator();
        field_section(ui, &mut state, l);
        ui.separator();
        sampler_section(ui, &mut state, l);
        ui.separator();
        metrics_section(ui, &state, l);
        pca_plot(ui, &state, l);
        ui.separator();
        policy_section(ui, &mut state, &mut sim, l);
    });
    Ok(())
}

fn data_section(ui: &mut egui::Ui, state: &GenerativeState, l: Lang) {
    let ok: Vec<&Demo> = state.demos.iter().filter(|d| d.success).collect();
    let near = ok
        .iter()
        .filter(|d| d.side == crate::sim::policy::Side::Near)
        .count();
    ui.label(format!(
        "{} {}  ({} {near}, {} {})",
        ok.len(),
        l.t("gen_demos"),
        l.t("side_near"),
        l.t("side_far"),
        ok.len() - near
    ));
    if let Some(set) = &state.set {
        ui.label(format!(
            "{}: H = {} × 3 = {}",
            l.t("gen_chunk"),
            set.horizon,
            set.dim()
        ));
    }
}

fn field_section(ui: &mut egui::Ui, state: &mut GenerativeState, l: Lang) {
    ui.horizontal(|ui| {
        ui.label(l.t("gen_field"));
        let before = state.field;
        ui.selectable_value(&mut state.field, FieldChoice::Exact, l.t("field_exact"));
        ui.selectable_value(&mut state.field, FieldChoice::Network, l.t("field_network"));
        if state.field != before {
            state.dirty = true;
        }
    });
    if state.field == FieldChoice::Exact {
        ui.label(l.t("field_exact_note"));
        return;
    }
    ui.label(l.t("field_network_note"));
    if !state.training && ui.button(l.t("train")).clicked() {
        state.start_training();
    }
    let trainer = state.trainer.as_ref().or(state.trained.as_deref());
    let Some(trainer) = trainer else {
        ui.label(l.t("untrained"));
        return;
    };
    ui.add(
        egui::ProgressBar::new(trainer.progress() as f32).text(format!(
            "{} {}/{}",
            l.t("train_step"),
            trainer.step,
            trainer.cfg.steps
        )),
    );
    let flow: Vec<[f64; 2]> = trainer
        .losses
        .iter()
        .map(|(s, f, _)| [*s as f64, f.log10()])
        .collect();
    let reg: Vec<[f64; 2]> = trainer
        .losses
        .iter()
        .map(|(s, _, r)| [*s as f64, r.log10()])
        .collect();
    fixed_plot("loss_plot", 110.0)
        .legend(egui_plot::Legend::default())
        .show(ui, |p| {
            p.line(Line::new(l.t("loss_flow"), flow).color(egui::Color32::LIGHT_BLUE));
            p.line(Line::new(l.t("loss_regression"), reg).color(egui_color(REGRESSION_COLOR)));
        });
    if state.trained.is_none() {
        ui.label(l.t("untrained"));
    }
}

fn sampler_section(ui: &mut egui::Ui, state: &mut GenerativeState, l: Lang) {
    let before = (state.sampler, state.k, state.cosine, state.samples);
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(&mut state.sampler, SamplerChoice::Ddpm, "DDPM");
        ui.selectable_value(&mut state.sampler, SamplerChoice::Ddim, "DDIM");
        ui.selectable_value(
            &mut state.sampler,
            SamplerChoice::FlowEuler,
            l.t("fm_euler"),
        );
        ui.selectable_value(&mut state.sampler, SamplerChoice::FlowHeun, l.t("fm_heun"));
    });
    let key = match state.sampler {
        SamplerChoice::Ddpm => "ddpm_note",
        SamplerChoice::Ddim => "ddim_note",
        _ => "fm_note",
    };
    ui.label(l.t(key));
    if state.sampler == SamplerChoice::Ddpm {
        ui.label(l.t("ddpm_steps"));
    } else {
        ui.add(egui::Slider::new(&mut state.k, 1..=10).text(l.t("steps_k")));
    }
    if matches!(state.sampler, SamplerChoice::Ddpm | SamplerChoice::Ddim) {
        ui.checkbox(&mut state.cosine, l.t("cosine_schedule"));
    }
    ui.add(egui::Slider::new(&mut state.samples, 64..=256).text(l.t("samples")));
    if before != (state.sampler, state.k, state.cosine, state.samples) {
        state.dirty = true;
    }
    let steps = state.sampler().steps();
    ui.horizontal(|ui| {
        let label = if state.playing { "⏸" } else { "▶" };
        if ui.button(label).clicked() {
            state.playing = !state.playing;
        }
        let mut shown = state.shown.min(steps);
        if ui
            .add(egui::Slider::new(&mut shown, 0..=steps).text(l.t("denoise_step")))
            .changed()
        {
            state.playing = false;
            state.shown = shown;
        }
        if ui.button(l.t("new_noise")).clicked() {
            state.noise_seed += 1;
            state.dirty = true;
        }
    });
    ui.horizontal(|ui| {
        ui.checkbox(&mut state.show_demos, l.t("show_demos"));
        ui.checkbox(&mut state.show_trails, l.t("show_trails"));
        ui.checkbox(&mut state.show_regression, l.t("show_regression"));
    });
}

fn metrics_section(ui: &mut egui::Ui, state: &GenerativeState, l: Lang) {
    let nfe_now = state
        .run
        .as_ref()
        .map_or(0, |r| r.nfe_upto(state.shown.min(r.done_steps())));
    let Some(m) = &state.metrics else {
        ui.monospace(format!("NFE {nfe_now}"));
        return;
    };
    egui::Grid::new("gen_metrics")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("NFE");
            ui.monospace(format!("{nfe_now} / {}", m.nfe));
            ui.end_row();
            ui.label(l.t("metric_straightness"));
            ui.monospace(format!("{:.3}", m.straightness));
            ui.end_row();
            ui.label(l.t("metric_nearest"));
            ui.monospace(format!("{:.1} mm", m.nearest * 1e3));
            ui.end_row();
            ui.label(l.t("metric_coverage"));
            ui.monospace(format!(
                "{:.0} % ({} {}, {} {}); {:.0} % {}",
                m.sides * 100.0,
                m.per_side[0],
                l.t("side_near"),
                m.per_side[1],
                l.t("side_far"),
                m.demos * 100.0,
                l.t("gen_demos")
            ));
            ui.end_row();
            ui.colored_label(egui_color(REGRESSION_COLOR), l.t("metric_regression"));
            ui.monospace(format!("{:.1} mm", m.regression * 1e3));
            ui.end_row();
        });
}

/// The same paths in the plane of the demonstrations' two principal components.
fn pca_plot(ui: &mut egui::Ui, state: &GenerativeState, l: Lang) {
    let (Some(plane), Some(set)) = (&state.plane, &state.set) else {
        return;
    };
    ui.label(l.t("pca_title"));
    fixed_plot("pca_plot", 170.0)
        .data_aspect(1.0)
        .show(ui, |p| {
            if let Some(run) = &state.run {
                let shown = state.shown.min(run.done_steps());
                for ghosts in &state.views.ghosts {
                    let Some(g) = ghosts.get(shown) else { continue };
                    let pts: Vec<[f64; 2]> = ghosts[..=shown].iter().map(|g| g.pca).collect();
                    p.line(
                        Line::new("", pts)
                            .color(egui_color(SIDE_COLORS[g.side]).gamma_multiply(0.5)),
                    );
                }
            }
            let demos: Vec<[f64; 2]> = set
                .starts
                .iter()
                .map(|&i| plane.project(&set.chunks[i]))
                .collect();
            p.points(
                Points::new(l.t("gen_demos"), demos)
                    .radius(3.0)
                    .color(egui::Color32::WHITE),
            );
            if let Some(r) = state.regression() {
                p.points(
                    Points::new(l.t("metric_regression"), vec![plane.project(r)])
                        .radius(5.0)
                        .color(egui_color(REGRESSION_COLOR)),
                );
            }
        });
}

fn policy_section(ui: &mut egui::Ui, state: &mut GenerativeState, sim: &mut Sim, l: Lang) {
    ui.label(l.t("policy_title"));
    ui.horizontal_wrapped(|ui| {
        ui.selectable_value(
            &mut state.driver,
            DriverChoice::Scripted,
            l.t("policy_scripted"),
        );
        ui.selectable_value(
            &mut state.driver,
            DriverChoice::Generative,
            l.t("policy_generative"),
        );
        ui.selectable_value(
            &mut state.driver,
            DriverChoice::Regression,
            l.t("policy_regression"),
        );
    });
    ui.label(l.t("policy_note"));
    egui::Grid::new("tallies").num_columns(3).show(ui, |ui| {
        ui.label("");
        ui.label(l.t("tally_placed"));
        ui.label(l.t("tally_hit"));
        ui.end_row();
        for (name, t) in &sim.tallies {
            ui.label(l.t(name));
            ui.monospace(format!("{}/{}", t.successes, t.episodes));
            ui.monospace(format!("{}", t.collisions));
            ui.end_row();
        }
    });
    if ui.button(l.t("reset_tallies")).clicked() {
        sim.tallies.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sampler_and_driver_round_trip_through_link_parameters() {
        let mut state = GenerativeState {
            sampler: SamplerChoice::FlowHeun,
            k: 4,
            samples: 128,
            noise_seed: 9,
            driver: DriverChoice::Generative,
            ..default()
        };
        let mut out = BTreeMap::new();
        state.write_params(&mut out);
        let text: Vec<_> = out.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            text,
            [
                "demos=1",
                "driver=sampled",
                "field=exact",
                "k=4",
                "noise=9",
                "regression=1",
                "sampler=heun",
                "samples=128",
                "trails=1"
            ]
        );
        let mut fresh = GenerativeState::default();
        fresh.apply_params(&out);
        assert_eq!(
            (
                fresh.sampler,
                fresh.k,
                fresh.samples,
                fresh.noise_seed,
                fresh.driver
            ),
            (SamplerChoice::FlowHeun, 4, 128, 9, DriverChoice::Generative)
        );
        assert!(!fresh.train_when_ready);
        // A link to the network view trains one once the demonstrations are in.
        let network: BTreeMap<String, String> = [("field".into(), "network".into())].into();
        fresh.apply_params(&network);
        assert_eq!(fresh.field, FieldChoice::Network);
        assert!(fresh.train_when_ready);
        out.clear();
        fresh.write_params(&mut out);
        assert_eq!(out.get("field").map(String::as_str), Some("network"));
        // Out of range is clamped, nonsense ignored.
        let wild: BTreeMap<String, String> = [
            ("sampler", "gan"),
            ("k", "99"),
            ("samples", "1"),
            ("driver", "?"),
            ("cosine", "0"),
            ("field", "gan"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
        state.apply_params(&wild);
        assert_eq!(
            (
                state.sampler,
                state.k,
                state.samples,
                state.driver,
                state.cosine
            ),
            (
                SamplerChoice::FlowHeun,
                10,
                64,
                DriverChoice::Generative,
                false
            )
        );
        assert_eq!(state.field, FieldChoice::Exact);
    }

    #[test]
    fn slow_frames_give_recording_a_share_of_the_frame_within_bounds() {
        // 60 frames per second: the base budget.
        assert!((frame_budget_ms(8.0, 1.0 / 60.0) - 25.0 / 3.0).abs() < 1e-12);
        assert_eq!(frame_budget_ms(12.0, 1.0 / 60.0), 12.0);
        // Software rendering at 5 frames per second: half of the frame.
        assert_eq!(frame_budget_ms(8.0, 0.2), 100.0);
        assert_eq!(frame_budget_ms(8.0, 1.4), 700.0);
        // The first frame after a long load: capped, so the page still answers.
        assert_eq!(frame_budget_ms(8.0, 5.0), MAX_BUDGET_MS);
    }

    #[test]
    fn a_link_to_the_network_starts_training_when_the_demonstrations_are_in() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(GenerativeState::default())
            .add_systems(Update, train);
        let network: BTreeMap<String, String> = [("field".into(), "network".into())].into();
        app.world_mut()
            .resource_mut::<GenerativeState>()
            .apply_params(&network);
        app.update();
        // No demonstrations yet: nothing to train on, and the wish is kept.
        let state = app.world().resource::<GenerativeState>();
        assert!(!state.training && state.train_when_ready);
        let ready = ready_state();
        let mut state = app.world_mut().resource_mut::<GenerativeState>();
        state.demos = ready.demos;
        state.set = ready.set;
        app.update();
        let state = app.world().resource::<GenerativeState>();
        assert!(state.training && !state.train_when_ready);
        assert!(state.trainer.as_ref().is_some_and(|t| t.step > 0));
    }

    fn ready_state() -> GenerativeState {
        let model = crate::robot::Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap();
        let demos: Vec<Demo> = (0..DEMOS)
            .map(|s| course::demonstration(&model, s).unwrap())
            .collect();
        let mut state = GenerativeState {
            demos,
            ..GenerativeState::default()
        };
        state.use_demos();
        assert!(state.set.is_some() && state.plane.is_some());
        state
    }

    #[test]
    fn a_finished_run_reports_metrics_for_every_sampler() {
        let mut state = ready_state();
        for (sampler, k) in [
            (SamplerChoice::Ddpm, 10),
            (SamplerChoice::Ddim, 10),
            (SamplerChoice::FlowEuler, 10),
            (SamplerChoice::FlowHeun, 5),
        ] {
            state.sampler = sampler;
            state.k = k;
            state.restart_run();
            let steps = state.sampler().steps();
            state.advance_run(steps, usize::MAX);
            let m = state.metrics.clone().unwrap();
            eprintln!("{sampler:?}: {m:?}");
            assert_eq!(
                m.nfe,
                if sampler == SamplerChoice::FlowHeun {
                    9
                } else {
                    steps
                }
            );
            assert_eq!(m.per_side.iter().sum::<usize>(), 64);
            assert_eq!(m.sides, 1.0, "{sampler:?}");
            assert!(
                m.nearest < 0.01 && m.regression > 0.03,
                "{sampler:?}: {m:?}"
            );
        }
    }

    #[test]
    fn in_the_app_the_sampled_policy_carries_the_cube_and_is_tallied() {
        use crate::app::robot::RobotPlugin;
        use crate::app::sim::SimPlugin;
        use bevy::state::app::StatesPlugin;
        use bevy::time::TimeUpdateStrategy;
        let model = crate::robot::Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap();
        let mut app = App::new();
        // Drawing needs the renderer's gizmo resources: without them its systems are skipped.
        app.set_error_handler(bevy::ecs::error::ignore);
        app.add_plugins((MinimalPlugins, StatesPlugin))
            .insert_resource(Robot::new(model))
            .init_resource::<Headless>()
            .add_plugins((RobotPlugin, SimPlugin))
            .add_plugins(crate::lessons::LessonsPlugin {
                start: Some(ID.into()),
            })
            .insert_resource(TimeUpdateStrategy::ManualDuration(
                std::time::Duration::from_millis(100),
            ));
        app.update();
        assert!(app.world().resource::<GenerativeState>().set.is_some());
        assert!(app.world().resource::<Sim>().obstacle().is_some());
        app.world_mut().resource_mut::<GenerativeState>().driver = DriverChoice::Generative;
        app.world_mut().resource_mut::<Sim>().speed = 4.0;
        let mut frames = 0;
        while app
            .world()
            .resource::<Sim>()
            .tally("policy_generative_exact")
            .episodes
            == 0
            && frames < 400
        {
            app.update();
            frames += 1;
        }
        let sim = app.world().resource::<Sim>();
        let t = sim.tally("policy_generative_exact");
        assert_eq!(
            (t.episodes, t.successes, t.collisions),
            (1, 1, 0),
            "{frames} frames"
        );
        let state = app.world().resource::<GenerativeState>();
        assert!(
            state.policy_log.lock().unwrap().len() >= 3,
            "receding horizon"
        );
        // Leaving the lesson puts the ordinary scenes back.
        app.world_mut().resource_mut::<ActiveLesson>().0 = None;
        app.update();
        assert!(app.world().resource::<Sim>().obstacle().is_none());
    }

    #[test]
    fn the_driver_matches_the_choice() {
        // Before the demonstrations are in, the scripted policy drives under its own name (a
        // name that disagreed with the driver would restart the physics every frame).
        let waiting = GenerativeState {
            driver: DriverChoice::Generative,
            ..default()
        };
        assert_eq!(waiting.driver_name(), "policy_scripted");
        assert_eq!(waiting.driver().name, waiting.driver_name());
        let mut state = ready_state();
        assert!(state.driver().factory.is_none());
        state.driver = DriverChoice::Generative;
        let d = state.driver();
        assert_eq!(d.name, "policy_generative_exact");
        let mut policy = (d.factory.unwrap())(3);
        let start = state.start().unwrap();
        let chunk = policy.chunk(RVec3::new(start[0], start[1], start[2]));
        assert_eq!(chunk.len(), course::EXECUTE);
        assert_eq!(state.policy_log.lock().unwrap().len(), 1);
        state.driver = DriverChoice::Regression;
        assert_eq!(state.driver().name, "policy_regression_exact");
        assert_eq!(state.driver().name, state.driver_name());
    }
}
