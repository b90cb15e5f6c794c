//! The lesson's settings: everything about how actions meet time, each a live control and a
//! link key, turned into the task's configuration for the physics.

use crate::kit::{
    LessonSettings, param_choice, param_f64, param_flag, param_name, param_usize, write_flag,
};
use crate::sim::task::{PickPlaceConfig, Reading};
use bevy::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Space,
    Rate,
    Chunks,
    Ensemble,
    Latency,
    Smooth,
    Compare,
}

impl Section {
    /// Each section with its name in a link and its tab's string key, in tab order.
    pub const ALL: [(Section, &'static str, &'static str); 7] = [
        (Section::Space, "space", "act_sec_space"),
        (Section::Rate, "rate", "act_sec_rate"),
        (Section::Chunks, "chunks", "act_sec_chunks"),
        (Section::Ensemble, "ensemble", "act_sec_ensemble"),
        (Section::Latency, "latency", "act_sec_latency"),
        (Section::Smooth, "smooth", "act_sec_smooth"),
        (Section::Compare, "compare", "act_sec_compare"),
    ];

    pub fn link_names() -> [(Section, &'static str); 7] {
        Section::ALL.map(|(s, name, _)| (s, name))
    }
}

/// The control rates offered (Hz), all on the same 240 Hz physics.
pub const RATES: [u32; 4] = [5, 10, 20, 50];
/// The longest chunk offered (H).
pub const MAX_HORIZON: usize = 20;
/// The longest latency offered (control periods).
pub const MAX_LATENCY: usize = 5;

/// How the executor reads the 7-vector, with link names.
pub const READINGS: [(Reading, &str); 4] = [
    (Reading::AsSent, "as-sent"),
    (Reading::TaskAsJoint, "as-joints"),
    (Reading::RotationInToolFrame, "tool-frame"),
    (Reading::RotationAsEuler, "euler"),
];

#[derive(Resource, Debug, Clone, PartialEq)]
pub struct ActionsState {
    pub section: Section,
    /// Control rate (Hz), one of [`RATES`].
    pub rate: u32,
    /// Actions predicted at once (H).
    pub horizon: usize,
    /// Actions executed of each chunk (h ≤ H).
    pub execute: usize,
    /// Temporal ensembling and its weight exponent m.
    pub ensemble: bool,
    pub m: f64,
    /// Latency (control periods) and whether the policy plans for when its action will run.
    pub latency: usize,
    pub compensate: bool,
    /// The low-pass filter on the joint command and its time constant (s).
    pub low_pass: bool,
    pub tau: f64,
    /// The smoothness penalty on each chunk, λ‖Δs‖² + μ‖Δ²s‖².
    pub penalty: bool,
    pub lambda: f64,
    pub mu: f64,
    /// The imperfection of the policy (0 = exact).
    pub noise: f64,
    pub reading: Reading,
    /// The joint plotted (0-based).
    pub joint: usize,
    /// Draw the predicted chunks; the commanded and measured tool paths.
    pub show_chunks: bool,
    pub show_paths: bool,
    /// Replay the same seed after each episode (to compare settings on one scene).
    pub repeat: bool,
}

impl Default for ActionsState {
    fn default() -> Self {
        ActionsState {
            section: Section::Space,
            rate: 20,
            horizon: 10,
            execute: 1,
            ensemble: false,
            m: 0.1,
            latency: 0,
            compensate: true,
            low_pass: true,
            tau: 0.05,
            penalty: false,
            lambda: 0.2,
            mu: 0.5,
            noise: 0.0,
            reading: Reading::AsSent,
            joint: 1,
            show_chunks: true,
            show_paths: true,
            repeat: false,
        }
    }
}

impl ActionsState {
    /// The task's configuration for these settings (the scene is the usual table task).
    pub fn configure(&self, cfg: &mut PickPlaceConfig) {
        cfg.control_period = 1.0 / f64::from(self.rate.max(1));
        cfg.chunk = self.horizon.max(1);
        cfg.execute = Some(self.execute.clamp(1, cfg.chunk));
        cfg.ensemble = self.ensemble.then_some(self.m);
        cfg.latency = self.latency;
        cfg.latency_compensation = self.compensate;
        cfg.smoothing = self.low_pass.then_some(self.tau);
        cfg.chunk_penalty = self.penalty.then_some((self.lambda, self.mu));
        cfg.chunk_noise = self.noise;
        cfg.reading = self.reading;
        cfg.record_live = true;
    }

    /// The settings a run is tallied under: what changes the outcome, in one short line.
    pub fn label(&self) -> String {
        let mut parts = vec![format!("{} Hz", self.rate)];
        if self.ensemble {
            parts.push(format!("H {} ens m {:.2}", self.horizon, self.m));
        } else {
            parts.push(format!(
                "H {} h {}",
                self.horizon,
                self.execute.min(self.horizon)
            ));
        }
        if self.noise > 0.0 {
            parts.push(format!("noise {:.2}", self.noise));
        }
        if self.latency > 0 {
            let how = if self.compensate { "comp" } else { "stale" };
            parts.push(format!("lat {} {how}", self.latency));
        }
        if self.low_pass {
            parts.push(format!("LP {:.0} ms", self.tau * 1e3));
        }
        if self.penalty {
            parts.push(format!("λ {:.2} μ {:.2}", self.lambda, self.mu));
        }
        if let Some(name) = param_name(&READINGS, self.reading)
            && self.reading != Reading::AsSent
        {
            parts.push(format!("read {name}"));
        }
        parts.join(" · ")
    }
}

/// `section=space|rate|chunks|ensemble|latency|smooth|compare`, `rate=5|10|20|50` (Hz),
/// `H=1..20`, `h=1..H`, `ensemble=0|1`, `m=0..2`, `latency=0..5`, `compensate=0|1`,
/// `lowpass=0|1`, `tau=0.01..0.5` (s), `penalty=0|1`, `lambda=0..5`, `mu=0..20`,
/// `noise=0..0.6`, `read=as-sent|as-joints|tool-frame|euler`, `joint=1..7`, `chunks=0|1`,
/// `paths=0|1`, `repeat=0|1`.
impl LessonSettings for ActionsState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(s) = param_choice(
            &Section::link_names(),
            given.get("section").map(String::as_str),
        ) {
            self.section = s;
        }
        if let Some(r) = given
            .get("rate")
            .and_then(|r| r.trim().parse::<u32>().ok())
            .filter(|r| RATES.contains(r))
        {
            self.rate = r;
        }
        param_usize(given, "H", &mut self.horizon, 1, MAX_HORIZON);
        param_usize(given, "h", &mut self.execute, 1, MAX_HORIZON);
        self.execute = self.execute.min(self.horizon);
        param_flag(given, "ensemble", &mut self.ensemble);
        param_f64(given, "m", &mut self.m, 0.0, 2.0);
        param_usize(given, "latency", &mut self.latency, 0, MAX_LATENCY);
        param_flag(given, "compensate", &mut self.compensate);
        param_flag(given, "lowpass", &mut self.low_pass);
        param_f64(given, "tau", &mut self.tau, 0.01, 0.5);
        param_flag(given, "penalty", &mut self.penalty);
        param_f64(given, "lambda", &mut self.lambda, 0.0, 5.0);
        param_f64(given, "mu", &mut self.mu, 0.0, 20.0);
        param_f64(given, "noise", &mut self.noise, 0.0, 0.6);
        if let Some(r) = param_choice(&READINGS, given.get("read").map(String::as_str)) {
            self.reading = r;
        }
        let mut joint = self.joint + 1;
        param_usize(given, "joint", &mut joint, 1, 7);
        self.joint = joint - 1;
        param_flag(given, "chunks", &mut self.show_chunks);
        param_flag(given, "paths", &mut self.show_paths);
        param_flag(given, "repeat", &mut self.repeat);
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        let round = |x: f64| format!("{}", (x * 1000.0).round() / 1000.0);
        if let Some(name) = param_name(&Section::link_names(), self.section) {
            out.insert("section".into(), name.into());
        }
        out.insert("rate".into(), self.rate.to_string());
        out.insert("H".into(), self.horizon.to_string());
        out.insert("h".into(), self.execute.to_string());
        write_flag(out, "ensemble", self.ensemble);
        out.insert("m".into(), round(self.m));
        out.insert("latency".into(), self.latency.to_string());
        write_flag(out, "compensate", self.compensate);
        write_flag(out, "lowpass", self.low_pass);
        out.insert("tau".into(), round(self.tau));
        write_flag(out, "penalty", self.penalty);
        out.insert("lambda".into(), round(self.lambda));
        out.insert("mu".into(), round(self.mu));
        out.insert("noise".into(), round(self.noise));
        if let Some(name) = param_name(&READINGS, self.reading) {
            out.insert("read".into(), name.into());
        }
        out.insert("joint".into(), (self.joint + 1).to_string());
        write_flag(out, "chunks", self.show_chunks);
        write_flag(out, "paths", self.show_paths);
        write_flag(out, "repeat", self.repeat);
    }
}
