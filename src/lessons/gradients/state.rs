//! The lesson's settings (each a live control and a link key) and what it has computed: the
//! toy's descent, the captured pass through the policy network, the arm's descent.

use crate::kit::{
    LessonSettings, param_choice, param_f64, param_flag, param_name, param_usize, write_flag,
};
use crate::math::backprop::{Activation, LinearToy};
use bevy::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Toy,
    Descent,
    Linear,
    Graph,
    Cost,
    Depth,
    Clip,
    Arm,
    Clone,
}

impl Section {
    /// Each section with its name in a link and its tab's string key, in tab order.
    pub const ALL: [(Section, &'static str, &'static str); 9] = [
        (Section::Toy, "toy", "grad_sec_toy"),
        (Section::Descent, "descent", "grad_sec_descent"),
        (Section::Linear, "linear", "grad_sec_linear"),
        (Section::Graph, "graph", "grad_sec_graph"),
        (Section::Cost, "cost", "grad_sec_cost"),
        (Section::Depth, "depth", "grad_sec_depth"),
        (Section::Clip, "clip", "grad_sec_clip"),
        (Section::Arm, "arm", "grad_sec_arm"),
        (Section::Clone, "clone", "grad_sec_clone"),
    ];

    pub fn link_names() -> [(Section, &'static str); 9] {
        Section::ALL.map(|(s, name, _)| (s, name))
    }
}

pub const ACTIVATIONS: [(Activation, &str); 3] = [
    (Activation::Sigmoid, "sigmoid"),
    (Activation::Tanh, "tanh"),
    (Activation::Relu, "relu"),
];

/// Who drives the reaching in physics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    Scripted,
    Untrained,
    Trained,
}

impl Driver {
    pub const ALL: [(Driver, &'static str); 3] = [
        (Driver::Scripted, "scripted"),
        (Driver::Untrained, "untrained"),
        (Driver::Trained, "trained"),
    ];

    /// The string-table key: the driver's name in the log and the tally.
    pub fn key(self) -> &'static str {
        match self {
            Driver::Scripted => "grad_drv_scripted",
            Driver::Untrained => "grad_drv_untrained",
            Driver::Trained => "grad_drv_trained",
        }
    }
}

/// The deepest stack offered.
pub const MAX_DEPTH: usize = 50;
/// The most gradient-descent steps the toy takes.
pub const MAX_TOY_STEPS: usize = 40;
/// The toy's step-size slider's range.
pub const MAX_LR: f64 = 2.0;

/// The two weights of the toy's `W` the loss is sliced through (row, column).
pub const SLICE: [(usize, usize); 2] = [(0, 3), (1, 3)];

#[derive(Resource, Debug, Clone, PartialEq)]
pub struct GradientsState {
    pub section: Section,
    /// Show the gradient beside the forward quantities (the toy).
    pub show_grad: bool,
    /// The toy's step size and how many steps have been applied.
    pub lr: f64,
    pub steps: usize,
    /// How far along the steepest-descent direction the linear approximation is compared.
    pub reach: f64,
    /// The stage of the pass through the network: 0 the input, 1…L the forward pass,
    /// L+1…2L the backward pass.
    pub stage: usize,
    pub depth: usize,
    pub activation: Activation,
    /// Weights `N(0, gain²/width)`.
    pub gain: f64,
    pub residual: bool,
    /// The clip's threshold `c` on the gradient's norm.
    pub threshold: f64,
    /// Gradient descent on the tool's position error: running, and its step size.
    pub descend: bool,
    pub eta: f64,
    /// The target point of the arm's descent (base frame, m).
    pub target: [f64; 3],
    pub driver: Driver,
    /// Start training as soon as the demonstrations are in (a link or a step asks).
    pub train: bool,
    /// The observation and target captured for the drawn pass (standardisation applied at
    /// drawing time), so stepping through it is not disturbed by the arm moving.
    pub captured: Option<([f64; 3], [f64; 3])>,
}

impl Default for GradientsState {
    fn default() -> Self {
        GradientsState {
            section: Section::Toy,
            show_grad: false,
            lr: 0.3,
            steps: 0,
            reach: 0.3,
            stage: 0,
            depth: 30,
            activation: Activation::Sigmoid,
            gain: 1.0,
            residual: false,
            threshold: 1.0,
            descend: false,
            eta: 1.0,
            target: [0.45, 0.25, 0.35],
            driver: Driver::Scripted,
            train: false,
            captured: None,
        }
    }
}

impl GradientsState {
    /// The toy after the steps applied so far.
    pub fn toy(&self) -> LinearToy {
        let mut t = LinearToy::lesson();
        for _ in 0..self.steps {
            t.step(self.lr);
        }
        t
    }
}

/// `section=toy|descent|linear|graph|cost|depth|clip|arm|clone`, `grad=0|1`, `lr=0..2`,
/// `steps=0..40`, `reach=0..1`, `stage=0..6`, `depth=1..50`, `act=sigmoid|tanh|relu`,
/// `gain=0.1..4`, `residual=0|1`, `c=0.01..100`, `descend=0|1`, `eta=0.05..5`,
/// `target=x,y,z` (m), `driver=scripted|untrained|trained`, `train=0|1`.
impl LessonSettings for GradientsState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(s) = param_choice(
            &Section::link_names(),
            given.get("section").map(String::as_str),
        ) {
            self.section = s;
        }
        param_flag(given, "grad", &mut self.show_grad);
        param_f64(given, "lr", &mut self.lr, 0.0, MAX_LR);
        param_usize(given, "steps", &mut self.steps, 0, MAX_TOY_STEPS);
        param_f64(given, "reach", &mut self.reach, 0.0, 1.0);
        param_usize(given, "stage", &mut self.stage, 0, 6);
        param_usize(given, "depth", &mut self.depth, 1, MAX_DEPTH);
        if let Some(a) = param_choice(&ACTIVATIONS, given.get("act").map(String::as_str)) {
            self.activation = a;
        }
        param_f64(given, "gain", &mut self.gain, 0.1, 4.0);
        param_flag(given, "residual", &mut self.residual);
        param_f64(given, "c", &mut self.threshold, 0.01, 100.0);
        param_flag(given, "descend", &mut self.descend);
        param_f64(given, "eta", &mut self.eta, 0.05, 5.0);
        if let Some(t) = given.get("target").and_then(|t| parse3(t)) {
            self.target = [
                t[0].clamp(-0.8, 0.8),
                t[1].clamp(-0.8, 0.8),
                t[2].clamp(0.0, 1.0),
            ];
        }
        if let Some(d) = param_choice(&Driver::ALL, given.get("driver").map(String::as_str)) {
            self.driver = d;
        }
        param_flag(given, "train", &mut self.train);
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        let round = |x: f64| format!("{}", (x * 1000.0).round() / 1000.0);
        if let Some(name) = param_name(&Section::link_names(), self.section) {
            out.insert("section".into(), name.into());
        }
        write_flag(out, "grad", self.show_grad);
        out.insert("lr".into(), round(self.lr));
        out.insert("steps".into(), self.steps.to_string());
        out.insert("reach".into(), round(self.reach));
        out.insert("stage".into(), self.stage.to_string());
        out.insert("depth".into(), self.depth.to_string());
        if let Some(name) = param_name(&ACTIVATIONS, self.activation) {
            out.insert("act".into(), name.into());
        }
        out.insert("gain".into(), round(self.gain));
        write_flag(out, "residual", self.residual);
        out.insert("c".into(), round(self.threshold));
        write_flag(out, "descend", self.descend);
        out.insert("eta".into(), round(self.eta));
        out.insert("target".into(), self.target.map(round).join(","));
        if let Some(name) = param_name(&Driver::ALL, self.driver) {
            out.insert("driver".into(), name.into());
        }
        write_flag(out, "train", self.train);
    }
}

/// Three finite numbers separated by commas.
fn parse3(text: &str) -> Option<[f64; 3]> {
    let v: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()?;
    <[f64; 3]>::try_from(v).ok()
}
