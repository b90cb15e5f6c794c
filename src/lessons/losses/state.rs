//! The lesson's settings, each a live control and a link key.

use crate::kit::{
    LessonSettings, param_choice, param_f64, param_flag, param_name, param_usize, write_flag,
};
use bevy::prelude::*;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Data,
    Gaussian,
    Tokens,
    Mixture,
    Kl,
    Base,
    Clip,
    Ppo,
    Reparam,
    Attention,
    LowRank,
}

impl Section {
    /// Each section with its name in a link and its tab's string key, in tab order.
    pub const ALL: [(Section, &'static str, &'static str); 11] = [
        (Section::Data, "data", "loss_sec_data"),
        (Section::Gaussian, "gaussian", "loss_sec_gaussian"),
        (Section::Tokens, "tokens", "loss_sec_tokens"),
        (Section::Mixture, "mixture", "loss_sec_mixture"),
        (Section::Kl, "kl", "loss_sec_kl"),
        (Section::Base, "base", "loss_sec_base"),
        (Section::Clip, "clip", "loss_sec_clip"),
        (Section::Ppo, "ppo", "loss_sec_ppo"),
        (Section::Reparam, "reparam", "loss_sec_reparam"),
        (Section::Attention, "attention", "loss_sec_attention"),
        (Section::LowRank, "lowrank", "loss_sec_lowrank"),
    ];

    pub fn link_names() -> [(Section, &'static str); 11] {
        Section::ALL.map(|(s, name, _)| (s, name))
    }
}

/// Who carries the cube past the post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LossDriver {
    /// The scripted route (the demonstrations).
    Scripted,
    /// One Gaussian fitted by NLL, acting at its mean.
    Gaussian,
    /// Tokens learned by cross-entropy.
    Tokens,
    /// A two-component mixture density, sampled.
    Mixture,
}

impl LossDriver {
    pub const ALL: [(LossDriver, &'static str); 4] = [
        (LossDriver::Scripted, "scripted"),
        (LossDriver::Gaussian, "gaussian"),
        (LossDriver::Tokens, "tokens"),
        (LossDriver::Mixture, "mixture"),
    ];

    /// The string-table key: the driver's name in the log and the tally.
    pub fn key(self) -> &'static str {
        match self {
            LossDriver::Scripted => "loss_drv_scripted",
            LossDriver::Gaussian => "loss_drv_gaussian",
            LossDriver::Tokens => "loss_drv_tokens",
            LossDriver::Mixture => "loss_drv_mixture",
        }
    }

    pub fn keys() -> [&'static str; 4] {
        LossDriver::ALL.map(|(d, _)| d.key())
    }
}

/// How a token is chosen from the categorical.
pub const PICKS: [(bool, &str); 2] = [(false, "argmax"), (true, "sample")];

/// The most tokens offered (RT-1 and OpenVLA use 256 per action dimension).
pub const MAX_BINS: usize = 256;
/// The most draws per histogram of the gradient estimators.
pub const MAX_DRAWS: usize = 20_000;
/// The highest rank of the low-rank update offered.
pub const MAX_RANK: usize = 8;

#[derive(Resource, Debug, Clone, PartialEq)]
pub struct LossesState {
    pub section: Section,
    /// The fixed σ at which the NLL is compared with the squared error (m).
    pub sigma: f64,
    /// The Gaussian's mean as a control, to see NLL and MSE move together (m).
    pub mu: f64,
    pub bins: usize,
    /// Draw a token instead of taking the most likely one.
    pub sample: bool,
    pub driver: LossDriver,
    /// Where the reverse-KL search starts (m).
    pub start: f64,
    /// The KL-to-base weight.
    pub beta: f64,
    /// PPO's clip ε.
    pub eps: f64,
    /// The seed of the PPO runs' batches.
    pub ppo_seed: u64,
    /// Draws per histogram of the gradient estimators.
    pub draws: usize,
    /// Attention with the per-key bias `−‖k‖²/(2s²)` (the kernel's form) or plain dot products.
    pub key_bias: bool,
    /// The rank r of the low-rank update `ΔW = B·A` shown.
    pub rank: usize,
}

impl Default for LossesState {
    fn default() -> Self {
        LossesState {
            section: Section::Data,
            sigma: 0.05,
            mu: 0.0,
            bins: MAX_BINS,
            sample: false,
            driver: LossDriver::Scripted,
            start: -0.05,
            beta: 1.0,
            eps: 0.2,
            ppo_seed: 1,
            draws: 2000,
            key_bias: true,
            rank: 2,
        }
    }
}

/// `section=data|gaussian|tokens|mixture|kl|base|clip|ppo|reparam|attention|lowrank`,
/// `sigma=0.01..0.3`, `mu=-0.25..0.25`, `bins=1..256`, `pick=argmax|sample`,
/// `driver=scripted|gaussian|tokens|mixture`, `start=-0.25..0.25`, `beta=0.01..10`,
/// `eps=0.05..0.5`, `rng=1..1000`, `draws=10..20000`, `bias=0|1`, `rank=1..8`.
impl LessonSettings for LossesState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(s) = param_choice(
            &Section::link_names(),
            given.get("section").map(String::as_str),
        ) {
            self.section = s;
        }
        param_f64(given, "sigma", &mut self.sigma, 0.01, 0.3);
        param_f64(given, "mu", &mut self.mu, -0.25, 0.25);
        param_usize(given, "bins", &mut self.bins, 1, MAX_BINS);
        if let Some(p) = param_choice(&PICKS, given.get("pick").map(String::as_str)) {
            self.sample = p;
        }
        if let Some(d) = param_choice(&LossDriver::ALL, given.get("driver").map(String::as_str)) {
            self.driver = d;
        }
        param_f64(given, "start", &mut self.start, -0.25, 0.25);
        param_f64(given, "beta", &mut self.beta, 0.01, 10.0);
        param_f64(given, "eps", &mut self.eps, 0.05, 0.5);
        let mut seed = self.ppo_seed as usize;
        param_usize(given, "rng", &mut seed, 1, 1000);
        self.ppo_seed = seed as u64;
        param_usize(given, "draws", &mut self.draws, 10, MAX_DRAWS);
        param_flag(given, "bias", &mut self.key_bias);
        param_usize(given, "rank", &mut self.rank, 1, MAX_RANK);
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        let round = |x: f64| format!("{}", (x * 1000.0).round() / 1000.0);
        if let Some(name) = param_name(&Section::link_names(), self.section) {
            out.insert("section".into(), name.into());
        }
        out.insert("sigma".into(), round(self.sigma));
        out.insert("mu".into(), round(self.mu));
        out.insert("bins".into(), self.bins.to_string());
        if let Some(name) = param_name(&PICKS, self.sample) {
            out.insert("pick".into(), name.into());
        }
        if let Some(name) = param_name(&LossDriver::ALL, self.driver) {
            out.insert("driver".into(), name.into());
        }
        out.insert("start".into(), round(self.start));
        out.insert("beta".into(), round(self.beta));
        out.insert("eps".into(), round(self.eps));
        out.insert("rng".into(), self.ppo_seed.to_string());
        out.insert("draws".into(), self.draws.to_string());
        write_flag(out, "bias", self.key_bias);
        out.insert("rank".into(), self.rank.to_string());
    }
}
