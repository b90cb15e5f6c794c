//! The lesson's state: the open section, the demanded motion, the overlays, the joint being
//! stepped, the history of the manipulability, and the settings a link carries.

use crate::kit::prelude::*;
use crate::kit::reset_through_link;
use crate::lessons::{LessonSettings, param_choice, param_flag, param_name, write_flag};
use bevy::prelude::*;
use std::collections::BTreeMap;
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Ellipsoids,
    Columns,
    /// J⁺ beside another inverse: the four Penrose conditions.
    Inverse,
    Singularity,
    TwistWrench,
}

/// Which tool twist the pseudo-inverse and DLS are asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Demand {
    /// Along u₆, the direction the arm is worst at.
    Weakest,
    /// Straight up (base +Z), 0.1 m/s.
    Up,
    /// Forward (base +X), 0.1 m/s.
    Forward,
}

/// One sample of the plotted history.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub t: f64,
    /// The newest frame of the timeline when the sample was taken (its serial).
    pub moment: Option<u64>,
    pub sigma: [f64; 6],
    pub w: f64,
    pub kappa: f64,
}

/// Seconds of history kept for the plots.
pub const HISTORY_SECONDS: f64 = 20.0;

#[derive(Resource, Debug, Clone)]
pub struct JacobianState {
    pub velocity: bool,
    pub force: bool,
    pub rotational: bool,
    pub columns: bool,
    pub ghosts: bool,
    /// Metres of drawing per (m/s) of tool speed.
    pub velocity_scale: f32,
    /// Metres of drawing per (N per N·m of joint torque).
    pub force_scale: f32,
    pub section: Section,
    pub demand: Demand,
    /// Twist in the tool frame: v (m/s), ω (rad/s).
    pub twist_tool: [f64; 6],
    /// Wrench in the tool frame: f (N), τ (N·m).
    pub wrench_tool: [f64; 6],
    pub history: VecDeque<Sample>,
    /// The linear-approximation demo: the chain joint stepped (0-based) and the step (rad;
    /// 0 hides it).
    pub linear_joint: usize,
    pub linear_dq: f64,
}

impl Default for JacobianState {
    fn default() -> Self {
        JacobianState {
            velocity: true,
            force: false,
            rotational: false,
            columns: false,
            ghosts: false,
            velocity_scale: 0.25,
            force_scale: 0.05,
            section: Section::Ellipsoids,
            demand: Demand::Weakest,
            twist_tool: [0.1, 0.0, 0.0, 0.0, 0.0, 0.5],
            wrench_tool: [0.0, 0.0, -10.0, 0.0, 0.0, 0.0],
            history: VecDeque::new(),
            linear_joint: 3,
            linear_dq: 0.0,
        }
    }
}

pub(super) const SECTION_NAMES: [(Section, &str); 5] = [
    (Section::Ellipsoids, "ellipsoids"),
    (Section::Columns, "columns"),
    (Section::Inverse, "inverse"),
    (Section::Singularity, "singularity"),
    (Section::TwistWrench, "twist"),
];

pub(super) const DEMAND_NAMES: [(Demand, &str); 3] = [
    (Demand::Weakest, "weakest"),
    (Demand::Up, "up"),
    (Demand::Forward, "forward"),
];

/// The overlays, each with its key in a link.
pub(super) const OVERLAY_NAMES: [&str; 5] =
    ["velocity", "force", "rotational", "columns", "ghosts"];

impl JacobianState {
    pub(super) fn overlays_mut(&mut self) -> [&mut bool; 5] {
        [
            &mut self.velocity,
            &mut self.force,
            &mut self.rotational,
            &mut self.columns,
            &mut self.ghosts,
        ]
    }
}

/// `section=ellipsoids|columns|inverse|singularity|twist`, `demand=weakest|up|forward`, the
/// overlays `velocity`, `force`, `rotational`, `columns`, `ghosts` as `0|1`, and the linear
/// approximation's `joint=1..n` and step `dq` (rad, −1 to 1; 0 hides it).
impl LessonSettings for JacobianState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(s) = param_choice(&SECTION_NAMES, given.get("section").map(String::as_str)) {
            self.section = s;
        }
        if let Some(d) = param_choice(&DEMAND_NAMES, given.get("demand").map(String::as_str)) {
            self.demand = d;
        }
        for (flag, key) in self.overlays_mut().into_iter().zip(OVERLAY_NAMES) {
            param_flag(given, key, flag);
        }
        if let Some(j) = given
            .get("joint")
            .and_then(|j| j.trim().parse::<usize>().ok())
        {
            self.linear_joint = j.clamp(1, 12) - 1;
        }
        if let Some(dq) = given
            .get("dq")
            .and_then(|d| d.trim().parse::<f64>().ok())
            .filter(|d| d.is_finite())
        {
            self.linear_dq = dq.clamp(-1.0, 1.0);
        }
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        if let Some(n) = param_name(&SECTION_NAMES, self.section) {
            out.insert("section".into(), n.into());
        }
        if let Some(n) = param_name(&DEMAND_NAMES, self.demand) {
            out.insert("demand".into(), n.into());
        }
        let flags = [
            self.velocity,
            self.force,
            self.rotational,
            self.columns,
            self.ghosts,
        ];
        for (flag, key) in flags.into_iter().zip(OVERLAY_NAMES) {
            write_flag(out, key, flag);
        }
        if self.section == Section::Columns {
            out.insert("joint".into(), (self.linear_joint + 1).to_string());
            out.insert(
                "dq".into(),
                format!("{}", (self.linear_dq * 1000.0).round() / 1000.0),
            );
        }
    }

    // The link names the stepped joint only in the section that shows it, so the defaults'
    // link does not carry it back: reset it here.
    fn reset(&mut self) {
        reset_through_link(self);
        let fresh = Self::default();
        self.linear_joint = fresh.linear_joint;
        self.linear_dq = fresh.linear_dq;
    }
}

/// Keeps [`HISTORY_SECONDS`] of σ, manipulability and condition number for the plots
/// (recorded even while another lesson is open, so the plot has a past when you switch).
/// While the timeline shows a past moment the plot holds still, with a cursor at that moment.
pub(super) fn record(
    mut state: ResMut<JacobianState>,
    robot: Res<Robot>,
    time: Res<Time>,
    sim: Option<Res<Sim>>,
) {
    let Some(kin) = &robot.kin else { return };
    if sim.as_ref().is_some_and(|s| s.viewed().is_some()) {
        return;
    }
    let moment = sim
        .as_ref()
        .and_then(|s| s.history.last().map(|f| f.serial));
    let t = time.elapsed_secs_f64();
    state.history.push_back(Sample {
        t,
        moment,
        sigma: kin.manip.sigma,
        w: kin.manip.manipulability(),
        kappa: kin.manip.condition_number(),
    });
    while state
        .history
        .front()
        .is_some_and(|s| s.t < t - HISTORY_SECONDS)
    {
        state.history.pop_front();
    }
}
