//! Lesson: the Jacobian (seeds 000 §2.2, 001, 002, 003).
//!
//! `ẋ = J(q)·q̇`: at the tool, the velocity ellipsoid (axes σᵢuᵢ) shows what unit joint speeds
//! can do, the force ellipsoid (axes uᵢ/σᵢ, from `τ = JᵀF`) what unit joint torques can hold,
//! and each column of J is the tool velocity that one joint alone produces. Near a singularity
//! σ_min → 0: the pseudo-inverse asks for huge joint speeds, damped least squares does not.
//! Twists and wrenches change frame with X = Ad_T and X* = X⁻ᵀ, and their power is the same.

use crate::app::convert;
use crate::app::i18n::Lang;
use crate::app::robot::{ArmSet, Robot};
use crate::app::sim::{DriveMode, is_bundled_panda};
use crate::app::teach::Teach;
use crate::app::ui::{Labels, UiState, egui_color, fixed_plot, lesson_panel};
use crate::lessons::{
    LessonInfo, LessonSettings, ShowEverything, lesson_is, param_choice, param_flag, param_name,
    sync_params, write_flag,
};
use crate::math::ellipsoid::Ellipsoid3;
use crate::math::ik::{adaptive_damping, dls_step, pinv_step};
use crate::math::spatial::{Twist, Wrench};
use crate::math::{Mat3, Transform as Pose, Vec3 as RVec3, Vec6};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Bar, BarChart, Line};
use std::collections::BTreeMap;
use std::collections::VecDeque;

mod steps;

pub const ID: &str = "jacobian";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Ellipsoids,
    Columns,
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

/// Joint speeds from the pseudo-inverse and from DLS for one demanded tool twist.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub demand: Vec6,
    pub pinv: Vec<f64>,
    pub dls: Vec<f64>,
    pub lambda: f64,
    pub sigma_min: f64,
    /// |J·q̇ − V| for each: DLS gives up a little accuracy for bounded speeds.
    pub pinv_error: f64,
    pub dls_error: f64,
}

/// DLS damping used by the comparison: on below σ = 0.04, at most λ = 0.08 (as the IK).
pub const DLS_EPSILON: f64 = 0.04;
pub const DLS_LAMBDA_MAX: f64 = 0.08;

pub fn demanded_twist(demand: Demand, kin: &crate::app::robot::ToolKinematics) -> Vec6 {
    match demand {
        Demand::Weakest => {
            let u = kin.manip.u_axis(5);
            // The sign of a singular vector is arbitrary: pick the one pointing up-ish so the
            // demand does not flicker between frames.
            let s = if u[2] + 1e-3 * u[0] >= 0.0 { 0.1 } else { -0.1 };
            u * s
        }
        Demand::Up => Vec6::new(0.0, 0.0, 0.1, 0.0, 0.0, 0.0),
        Demand::Forward => Vec6::new(0.1, 0.0, 0.0, 0.0, 0.0, 0.0),
    }
}

pub fn compare(kin: &crate::app::robot::ToolKinematics, demand: Vec6) -> Comparison {
    let j = &kin.jacobian;
    let sigma_min = kin.manip.sigma_min();
    let lambda = adaptive_damping(sigma_min, DLS_EPSILON, DLS_LAMBDA_MAX);
    let pinv = pinv_step(j, &demand);
    let dls = dls_step(j, &demand, lambda);
    let err = |dq: &nalgebra::DVector<f64>| (j * dq - demand).norm();
    Comparison {
        demand,
        pinv_error: err(&pinv),
        dls_error: err(&dls),
        pinv: pinv.iter().copied().collect(),
        dls: dls.iter().copied().collect(),
        lambda,
        sigma_min,
    }
}

/// The tool twist and wrench in the tool frame and the base frame, and the power in each.
#[derive(Clone, Copy, Debug)]
pub struct FrameChange {
    pub twist_base: Twist,
    pub wrench_base: Wrench,
    pub power_tool: f64,
    pub power_base: f64,
}

pub fn change_frames(tool: &Pose, twist_tool: &[f64; 6], wrench_tool: &[f64; 6]) -> FrameChange {
    let v = Twist::from_vec6(&Vec6::from_row_slice(twist_tool));
    let f = Wrench::from_vec6(&Vec6::from_row_slice(wrench_tool));
    let (vb, fb) = (v.transform(tool), f.transform(tool));
    FrameChange {
        twist_base: vb,
        wrench_base: fb,
        power_tool: v.power(&f),
        power_base: vb.power(&fb),
    }
}

/// Joint torques with which the tool exerts a wrench (given in the tool frame): `τ = Jᵀ·F`,
/// with F re-expressed in base axes about the tool origin, which is where J's rows are taken.
/// Holding the same wrench applied to the tool as an external load takes `−Jᵀ·F`.
pub fn joint_torques(kin: &crate::app::robot::ToolKinematics, wrench_tool: &[f64; 6]) -> Vec<f64> {
    let r = kin.pose.rotation;
    let f = r * RVec3::new(wrench_tool[0], wrench_tool[1], wrench_tool[2]);
    let m = r * RVec3::new(wrench_tool[3], wrench_tool[4], wrench_tool[5]);
    let w = Vec6::new(f.x, f.y, f.z, m.x, m.y, m.z);
    (kin.jacobian.transpose() * w).iter().copied().collect()
}

/// The linear-approximation demo at the current pose: the tool point's true displacement
/// and `J_v·Δq` for a step of `dq` on chain joint `joint`.
pub fn linear_step(robot: &Robot, joint: usize, dq: f64) -> Option<(RVec3, RVec3)> {
    let (chain, kin) = (robot.chain.as_ref()?, robot.kin.as_ref()?);
    let mut step = vec![0.0; chain.dof()];
    *step.get_mut(joint)? = dq;
    chain.first_order_step(&kin.q_chain, &step)
}

/// A "near a singularity" configuration for the chain: the Panda with its wrist almost above
/// the shoulder axis (σ_min ≈ 0.006: joint 1 barely moves the wrist); other arms near zero,
/// where most are stretched out, clamped to the limits.
pub fn near_singular_q(robot: &Robot) -> Option<Vec<f64>> {
    let chain = robot.chain.as_ref()?;
    let mut q: Vec<f64> = if is_bundled_panda(&robot.model) && chain.dof() == 7 {
        steps::NEAR_SINGULAR.to_vec()
    } else {
        vec![0.05; chain.dof()]
    };
    for (i, qi) in q.iter_mut().enumerate() {
        let (lo, hi) = crate::math::ik::KinematicChain::joint_limits(chain, i);
        *qi = qi.clamp(lo, hi);
    }
    Some(q)
}

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_jacobian",
    steps: steps::STEPS,
    plugin,
};

fn plugin(app: &mut App) {
    app.init_resource::<JacobianState>()
        .add_systems(
            Update,
            ((show_everything, record), draw.run_if(lesson_is(ID)))
                .chain()
                .in_set(ArmSet::Views),
        )
        .add_systems(
            Update,
            sync_params::<JacobianState>
                .run_if(lesson_is(ID))
                .before(ArmSet::Drive),
        )
        .add_systems(EguiPrimaryContextPass, panel.run_if(lesson_is(ID)));
}

const SECTION_NAMES: [(Section, &str); 4] = [
    (Section::Ellipsoids, "ellipsoids"),
    (Section::Columns, "columns"),
    (Section::Singularity, "singularity"),
    (Section::TwistWrench, "twist"),
];
const DEMAND_NAMES: [(Demand, &str); 3] = [
    (Demand::Weakest, "weakest"),
    (Demand::Up, "up"),
    (Demand::Forward, "forward"),
];
/// The overlays, each with its key in a link.
const OVERLAY_NAMES: [&str; 5] = ["velocity", "force", "rotational", "columns", "ghosts"];

impl JacobianState {
    fn overlays_mut(&mut self) -> [&mut bool; 5] {
        [
            &mut self.velocity,
            &mut self.force,
            &mut self.rotational,
            &mut self.columns,
            &mut self.ghosts,
        ]
    }
}

/// `section=ellipsoids|columns|singularity|twist`, `demand=weakest|up|forward`, the
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
}

fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<JacobianState>) {
    if msgs.read().count() > 0 {
        state.velocity = true;
        state.force = true;
        state.rotational = true;
        state.columns = true;
        state.ghosts = true;
    }
}

/// Keeps [`HISTORY_SECONDS`] of σ, manipulability and condition number for the plots
/// (recorded even while another lesson is open, so the plot has a past when you switch).
fn record(mut state: ResMut<JacobianState>, robot: Res<Robot>, time: Res<Time>) {
    let Some(kin) = &robot.kin else { return };
    let t = time.elapsed_secs_f64();
    state.history.push_back(Sample {
        t,
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

/// Bevy rotation whose X, Y, Z are the ellipsoid's principal directions (made right-handed:
/// an ellipsoid does not care about the sign of an axis).
fn principal_frame(e: &Ellipsoid3) -> Quat {
    let mut d: Mat3 = e.directions;
    if d.determinant() < 0.0 {
        d.set_column(2, &(-d.column(2)));
    }
    convert::rotation(&d)
}

fn draw_ellipsoid(
    gizmos: &mut Gizmos,
    center: Vec3,
    e: &Ellipsoid3,
    scale: f32,
    max: f32,
    color: Color,
) {
    let rot = principal_frame(e);
    let r = e.radii.map(|x| ((x as f32) * scale).clamp(0.002, max));
    // Three principal sections: (1,2), (2,3), (1,3).
    let planes = [
        (Quat::IDENTITY, Vec2::new(r[0], r[1])),
        (
            Quat::from_rotation_y(std::f32::consts::FRAC_PI_2),
            Vec2::new(r[2], r[1]),
        ),
        (
            Quat::from_rotation_x(std::f32::consts::FRAC_PI_2),
            Vec2::new(r[0], r[2]),
        ),
    ];
    for (local, half) in planes {
        gizmos
            .ellipse(Isometry3d::new(center, rot * local), half, color)
            .resolution(48);
    }
    for (i, ri) in r.iter().enumerate() {
        let axis = rot * Vec3::AXES[i] * *ri;
        gizmos.line(center - axis, center + axis, color.with_alpha(0.6));
    }
}

/// Colours for joints 1…n (columns, bars).
pub const JOINT_COLORS: [Color; 8] = [
    Color::srgb(0.95, 0.35, 0.35),
    Color::srgb(0.98, 0.62, 0.25),
    Color::srgb(0.95, 0.88, 0.3),
    Color::srgb(0.45, 0.85, 0.4),
    Color::srgb(0.3, 0.8, 0.9),
    Color::srgb(0.4, 0.55, 1.0),
    Color::srgb(0.75, 0.45, 0.95),
    Color::srgb(0.9, 0.9, 0.9),
];

fn draw_skeleton(gizmos: &mut Gizmos, robot: &Robot, q: &[f64], color: Color) {
    let poses = robot.model.link_poses(q);
    for j in &robot.model.joints {
        gizmos.line(
            convert::point(&poses[j.parent].translation),
            convert::point(&poses[j.child].translation),
            color,
        );
    }
}

/// How far ahead the ghost arms look: q + h·q̇.
pub const GHOST_HORIZON: f64 = 0.25;

fn draw(
    state: Res<JacobianState>,
    robot: Res<Robot>,
    mut gizmos: Gizmos,
    mut labels: ResMut<Labels>,
) {
    let Some(kin) = &robot.kin else { return };
    let tool = convert::point(&kin.pose.translation);
    if state.velocity {
        draw_ellipsoid(
            &mut gizmos,
            tool,
            &kin.translational,
            state.velocity_scale,
            1.5,
            Color::srgb(0.3, 0.85, 1.0),
        );
    }
    if state.force {
        let dual = kin.translational.dual();
        draw_ellipsoid(
            &mut gizmos,
            tool,
            &dual,
            state.force_scale,
            1.0,
            Color::srgb(1.0, 0.55, 0.2),
        );
    }
    if state.rotational {
        draw_ellipsoid(
            &mut gizmos,
            tool,
            &kin.rotational,
            state.velocity_scale * 0.15,
            1.0,
            Color::srgb(0.8, 0.5, 1.0),
        );
    }
    if state.columns {
        for i in 0..kin.jacobian.ncols() {
            let col = kin.jacobian.column(i);
            let v = RVec3::new(col[0], col[1], col[2]) * state.velocity_scale as f64;
            let tip = tool + convert::point(&v);
            let color = JOINT_COLORS[i % JOINT_COLORS.len()];
            gizmos.arrow(tool, tip, color).with_tip_length(0.02);
            labels.add(tip, format!("J{}", i + 1), egui_color(color));
        }
    }
    if state.section == Section::Columns
        && state.linear_dq != 0.0
        && let Some((actual, predicted)) = linear_step(&robot, state.linear_joint, state.linear_dq)
    {
        let p = kin.pose.translation;
        let (real, guess) = (
            convert::point(&(p + actual)),
            convert::point(&(p + predicted)),
        );
        let white = Color::WHITE;
        let cyan = Color::srgb(0.3, 0.85, 1.0);
        gizmos.sphere(Isometry3d::from_translation(real), 0.01, white);
        gizmos.sphere(Isometry3d::from_translation(guess), 0.01, cyan);
        gizmos.line(tool, guess, cyan);
        gizmos.line(real, guess, Color::srgb(1.0, 0.3, 0.3));
        labels.add(real, "p(q + Δq)", egui::Color32::WHITE);
        labels.add(guess, "p + J_v·Δq", egui_color(cyan));
    }
    if state.ghosts {
        let c = compare(kin, demanded_twist(state.demand, kin));
        let step = |dq: &[f64]| -> Vec<f64> {
            kin.q_chain
                .iter()
                .zip(dq)
                .map(|(q, d)| q + GHOST_HORIZON * d)
                .collect()
        };
        draw_skeleton(
            &mut gizmos,
            &robot,
            &robot.q_with_chain(&step(&c.pinv)),
            Color::srgb(1.0, 0.3, 0.3),
        );
        draw_skeleton(
            &mut gizmos,
            &robot,
            &robot.q_with_chain(&step(&c.dls)),
            Color::srgb(0.3, 1.0, 0.45),
        );
        let d = RVec3::new(c.demand[0], c.demand[1], c.demand[2]) * 2.0;
        gizmos.arrow(tool, tool + convert::point(&d), Color::WHITE);
    }
}

#[allow(clippy::too_many_arguments)]
fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<JacobianState>,
    mut robot: ResMut<Robot>,
    mut teach: ResMut<Teach>,
    lang: Res<Lang>,
    ui_state: Res<UiState>,
    mode: Res<State<DriveMode>>,
    mut next_mode: ResMut<NextState<DriveMode>>,
) -> Result {
    if ui_state.hide_panels {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let Some(kin) = robot.kin.clone() else {
        return Ok(());
    };
    let mut preset = None;
    lesson_panel(ctx, l.t("lesson_jacobian"), |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(
                &mut state.section,
                Section::Ellipsoids,
                l.t("sec_ellipsoids"),
            );
            ui.selectable_value(&mut state.section, Section::Columns, l.t("sec_columns"));
            ui.selectable_value(
                &mut state.section,
                Section::Singularity,
                l.t("sec_singularity"),
            );
            ui.selectable_value(&mut state.section, Section::TwistWrench, l.t("sec_twist"));
        });
        ui.separator();
        match state.section {
            Section::Ellipsoids => ellipsoid_section(ui, &mut state, &kin, l),
            Section::Columns => columns_section(ui, &mut state, &kin, &robot, l),
            Section::Singularity => {
                preset = singularity_section(ui, &mut state, &kin, l);
            }
            Section::TwistWrench => twist_section(ui, &mut state, &kin, l),
        }
    });
    if preset == Some(true)
        && let Some(q) = near_singular_q(&robot)
    {
        state.ghosts = true;
        if *mode.get() != DriveMode::Teach {
            next_mode.set(DriveMode::Teach);
        }
        robot.set_chain_q(&q);
        teach.sync_target = true;
    }
    Ok(())
}

/// The singular values of the Jacobian's two 3×n blocks, each in its own unit: J_v (linear
/// rows, m/s per rad/s: the semi-axes of the drawn velocity ellipsoid) and J_ω (angular rows,
/// rad/s per rad/s), largest first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BlockSigmas {
    pub translational: [f64; 3],
    pub rotational: [f64; 3],
}

impl BlockSigmas {
    pub fn of(kin: &crate::app::robot::ToolKinematics) -> BlockSigmas {
        BlockSigmas {
            translational: kin.translational.radii,
            rotational: kin.rotational.radii,
        }
    }

    /// How round the drawn velocity ellipsoid is: σ₁/σ₃ of J_v (a pure ratio of m/s).
    pub fn kappa_translational(&self) -> f64 {
        let [a, _, c] = self.translational;
        if c > 0.0 { a / c } else { f64::INFINITY }
    }
}

fn sigma_bars(ui: &mut egui::Ui, id: &str, sigma: &[f64], color: egui::Color32) {
    let bars: Vec<Bar> = sigma
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Bar::new(i as f64 + 1.0, *s)
                .width(0.6)
                .name(format!("σ{}", i + 1))
        })
        .collect();
    fixed_plot(id, 70.0)
        .include_y(0.0)
        .show_x(false)
        .show(ui, |p| p.bar_chart(BarChart::new("σ", bars).color(color)));
}

fn history_plot(
    ui: &mut egui::Ui,
    id: &str,
    label: &str,
    points: Vec<[f64; 2]>,
    color: egui::Color32,
) {
    fixed_plot(id, 80.0)
        .include_y(0.0)
        .y_axis_label(label.to_string())
        .show(ui, |p| {
            p.line(Line::new(label.to_string(), points).color(color))
        });
}

fn ellipsoid_section(
    ui: &mut egui::Ui,
    state: &mut JacobianState,
    kin: &crate::app::robot::ToolKinematics,
    l: Lang,
) {
    ui.label(l.t("ellipsoid_intro"));
    ui.checkbox(&mut state.velocity, l.t("velocity_ellipsoid"));
    ui.checkbox(&mut state.force, l.t("force_ellipsoid"));
    ui.checkbox(&mut state.rotational, l.t("rotational_ellipsoid"));
    ui.add(egui::Slider::new(&mut state.velocity_scale, 0.05..=1.0).text(l.t("velocity_scale")));
    ui.add(
        egui::Slider::new(&mut state.force_scale, 0.005..=0.3)
            .logarithmic(true)
            .text(l.t("force_scale")),
    );
    ui.separator();
    // What is drawn: each block on its own, in its own unit.
    let blocks = BlockSigmas::of(kin);
    ui.label(l.t("sigma_translational"));
    sigma_bars(
        ui,
        "sigma_v",
        &blocks.translational,
        egui::Color32::from_rgb(80, 200, 255),
    );
    ui.monospace(format!(
        "σ(J_v) = {:.3}, {:.3}, {:.3} m/s per rad/s    κ_v = {:.1}",
        blocks.translational[0],
        blocks.translational[1],
        blocks.translational[2],
        blocks.kappa_translational()
    ));
    ui.label(l.t("sigma_rotational"));
    sigma_bars(
        ui,
        "sigma_w",
        &blocks.rotational,
        egui::Color32::from_rgb(200, 130, 255),
    );
    ui.monospace(format!(
        "σ(J_ω) = {:.3}, {:.3}, {:.3} rad/s per rad/s",
        blocks.rotational[0], blocks.rotational[1], blocks.rotational[2]
    ));
    ui.label(egui::RichText::new(l.t("sigma_units_note")).small());
    ui.separator();
    ui.label(l.t("sigma_full"));
    ui.monospace(format!(
        "w = Πσᵢ = {:.2e}    κ = σ₁/σ₆ = {:.1}",
        kin.manip.manipulability(),
        kin.manip.condition_number()
    ));
    let t0 = state.history.back().map_or(0.0, |s| s.t);
    let w: Vec<[f64; 2]> = state.history.iter().map(|s| [s.t - t0, s.w]).collect();
    // κ is unbounded at a singularity; the plot clips it so the rest stays readable.
    let k: Vec<[f64; 2]> = state
        .history
        .iter()
        .map(|s| [s.t - t0, s.kappa.min(1000.0)])
        .collect();
    history_plot(
        ui,
        "w_plot",
        l.t("manipulability"),
        w,
        egui::Color32::LIGHT_GREEN,
    );
    history_plot(
        ui,
        "kappa_plot",
        l.t("condition_number"),
        k,
        egui::Color32::from_rgb(255, 170, 80),
    );
    ui.label(egui::RichText::new(l.t("ellipsoid_note")).small());
}

fn columns_section(
    ui: &mut egui::Ui,
    state: &mut JacobianState,
    kin: &crate::app::robot::ToolKinematics,
    robot: &Robot,
    l: Lang,
) {
    ui.label(l.t("columns_intro"));
    ui.checkbox(&mut state.columns, l.t("show_columns"));
    egui::Grid::new("jac").spacing([6.0, 1.0]).show(ui, |ui| {
        ui.label("");
        for i in 0..kin.jacobian.ncols() {
            ui.colored_label(
                egui_color(JOINT_COLORS[i % JOINT_COLORS.len()]),
                format!("dq{}", i + 1),
            );
        }
        ui.end_row();
        for (r, name) in ["vx", "vy", "vz", "ωx", "ωy", "ωz"].iter().enumerate() {
            ui.monospace(*name);
            for c in 0..kin.jacobian.ncols() {
                ui.monospace(format!("{:>6.3}", kin.jacobian[(r, c)]));
            }
            ui.end_row();
        }
    });
    ui.label(egui::RichText::new(l.t("columns_note")).small());
    ui.separator();
    ui.label(l.t("linear_intro"));
    let n = kin.jacobian.ncols().max(1);
    let mut joint = state.linear_joint.min(n - 1) + 1;
    ui.horizontal(|ui| {
        ui.label(l.t("linear_joint"));
        ui.add(egui::DragValue::new(&mut joint).range(1..=n));
        ui.add(egui::Slider::new(&mut state.linear_dq, -1.0..=1.0).text("Δq (rad)"));
    });
    state.linear_joint = joint - 1;
    if let Some((actual, predicted)) = linear_step(robot, state.linear_joint, state.linear_dq) {
        let v3 = |v: &RVec3| format!("({:>7.4}, {:>7.4}, {:>7.4})", v.x, v.y, v.z);
        let error = (actual - predicted).norm();
        ui.monospace(format!("p(q + Δq) − p(q) = {} m", v3(&actual)));
        ui.monospace(format!("J_v·Δq           = {} m", v3(&predicted)));
        ui.monospace(format!(
            "|error| = {:.1} mm    |error|/Δq² = {:.3} m/rad²",
            error * 1e3,
            if state.linear_dq != 0.0 {
                error / state.linear_dq.powi(2)
            } else {
                0.0
            }
        ));
    }
}

fn speed_bars(ui: &mut egui::Ui, c: &Comparison) {
    let n = c.pinv.len();
    let pinv: Vec<Bar> = (0..n)
        .map(|i| Bar::new(i as f64 + 0.8, c.pinv[i]).width(0.35))
        .collect();
    let dls: Vec<Bar> = (0..n)
        .map(|i| Bar::new(i as f64 + 1.2, c.dls[i]).width(0.35))
        .collect();
    fixed_plot("speed_bars", 120.0)
        .legend(egui_plot::Legend::default())
        .show(ui, |p| {
            p.bar_chart(BarChart::new("J⁺", pinv).color(egui::Color32::from_rgb(255, 90, 90)));
            p.bar_chart(BarChart::new("DLS", dls).color(egui::Color32::from_rgb(90, 230, 120)));
        });
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Returns `Some(true)` when the user asked for the near-singular preset.
fn singularity_section(
    ui: &mut egui::Ui,
    state: &mut JacobianState,
    kin: &crate::app::robot::ToolKinematics,
    l: Lang,
) -> Option<bool> {
    ui.label(l.t("singularity_intro"));
    ui.horizontal(|ui| {
        ui.label(l.t("demand"));
        ui.selectable_value(&mut state.demand, Demand::Weakest, l.t("demand_weakest"));
        ui.selectable_value(&mut state.demand, Demand::Up, l.t("demand_up"));
        ui.selectable_value(&mut state.demand, Demand::Forward, l.t("demand_forward"));
    });
    ui.checkbox(&mut state.ghosts, l.t("ghosts"));
    let pressed = ui.button(l.t("go_singular")).clicked();
    let c = compare(kin, demanded_twist(state.demand, kin));
    ui.monospace(format!(
        "σ_min (full J) = {:.2e}   λ = {:.3}",
        c.sigma_min, c.lambda
    ));
    speed_bars(ui, &c);
    ui.monospace(format!(
        "|dq/dt| J⁺: {:>9.3} rad/s   |J·dq/dt − V| = {:.1e}",
        norm(&c.pinv),
        c.pinv_error
    ));
    ui.monospace(format!(
        "|dq/dt| DLS: {:>8.3} rad/s   |J·dq/dt − V| = {:.1e}",
        norm(&c.dls),
        c.dls_error
    ));
    ui.label(egui::RichText::new(l.t("singularity_note")).small());
    pressed.then_some(true)
}

fn twist_section(
    ui: &mut egui::Ui,
    state: &mut JacobianState,
    kin: &crate::app::robot::ToolKinematics,
    l: Lang,
) {
    ui.label(l.t("twist_intro"));
    ui.label(l.t("twist_in_tool"));
    six_editor(
        ui,
        "twist",
        &mut state.twist_tool,
        ["vx", "vy", "vz", "ωx", "ωy", "ωz"],
        0.01,
    );
    ui.label(l.t("wrench_in_tool"));
    six_editor(
        ui,
        "wrench",
        &mut state.wrench_tool,
        ["fx", "fy", "fz", "τx", "τy", "τz"],
        0.1,
    );
    let fc = change_frames(&kin.pose, &state.twist_tool, &state.wrench_tool);
    let v3 = |v: &RVec3| format!("({:>7.3}, {:>7.3}, {:>7.3})", v.x, v.y, v.z);
    ui.separator();
    ui.monospace(format!(
        "V_base = X·V_tool:  v {}",
        v3(&fc.twist_base.linear)
    ));
    ui.monospace(format!(
        "                    ω {}",
        v3(&fc.twist_base.angular)
    ));
    ui.monospace(format!(
        "F_base = X*·F_tool: f {}",
        v3(&fc.wrench_base.force)
    ));
    ui.monospace(format!(
        "                    τ {}",
        v3(&fc.wrench_base.torque)
    ));
    ui.monospace(format!(
        "P_tool = {:.6} W    P_base = {:.6} W",
        fc.power_tool, fc.power_base
    ));
    ui.label(egui::RichText::new(l.t("twist_note")).small());
    ui.separator();
    let tau = joint_torques(kin, &state.wrench_tool);
    let row = |sign: f64| {
        tau.iter()
            .enumerate()
            .map(|(i, t)| format!("τ{}={:.2}", i + 1, sign * t))
            .collect::<Vec<_>>()
            .join("  ")
    };
    ui.label(l.t("joint_torques"));
    ui.monospace(row(1.0));
    ui.label(l.t("joint_torques_hold"));
    ui.monospace(row(-1.0));
    ui.label(egui::RichText::new(l.t("joint_torques_note")).small());
}

fn six_editor(ui: &mut egui::Ui, id: &str, v: &mut [f64; 6], names: [&str; 6], speed: f64) {
    egui::Grid::new(id).show(ui, |ui| {
        for (i, name) in names.iter().enumerate() {
            ui.label(*name);
            ui.add(
                egui::DragValue::new(&mut v[i])
                    .speed(speed)
                    .range(-100.0..=100.0)
                    .fixed_decimals(2),
            );
            if i == 2 {
                ui.end_row();
            }
        }
        ui.end_row();
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::Model;

    fn robot() -> Robot {
        Robot::new(Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap())
    }

    #[test]
    fn near_the_singularity_the_pseudo_inverse_blows_up_and_dls_does_not() {
        let mut robot = robot();
        let far = compare(
            robot.kin.as_ref().unwrap(),
            Vec6::new(0.0, 0.0, 0.1, 0.0, 0.0, 0.0),
        );
        // Away from singularities the two agree (no damping) and both are exact.
        assert_eq!(far.lambda, 0.0);
        assert!(far.pinv_error < 1e-9 && far.dls_error < 1e-9);
        let q = near_singular_q(&robot).unwrap();
        assert!(robot.set_chain_q(&q));
        let kin = robot.kin.clone().unwrap();
        assert!(
            kin.manip.sigma_min() < DLS_EPSILON,
            "σ_min {}",
            kin.manip.sigma_min()
        );
        let near = compare(&kin, demanded_twist(Demand::Weakest, &kin));
        assert!(near.lambda > 0.0);
        assert!(
            norm(&near.pinv) > 5.0 * norm(&near.dls),
            "{} vs {}",
            norm(&near.pinv),
            norm(&near.dls)
        );
        // The DLS bound |q̇| ≤ |V|/(2λ).
        assert!(norm(&near.dls) <= near.demand.norm() / (2.0 * near.lambda) + 1e-12);
    }

    #[test]
    fn power_is_the_same_in_both_frames_and_matches_the_joint_side() {
        let robot = robot();
        let kin = robot.kin.as_ref().unwrap();
        let twist = [0.05, -0.02, 0.1, 0.3, -0.2, 0.4];
        let wrench = [1.0, 2.0, -10.0, 0.3, 0.1, -0.2];
        let fc = change_frames(&kin.pose, &twist, &wrench);
        assert!((fc.power_tool - fc.power_base).abs() < 1e-12);
        // X and X* as matrices agree with the vector actions.
        let x = kin.pose.adjoint();
        let xs = kin.pose.force_transform();
        let vb = x * Vec6::from_row_slice(&twist);
        let fb = xs * Vec6::from_row_slice(&wrench);
        assert!((vb - fc.twist_base.to_vec6()).norm() < 1e-12);
        assert!((fb - fc.wrench_base.to_vec6()).norm() < 1e-12);
        assert!((xs - x.try_inverse().unwrap().transpose()).amax() < 1e-12);
        // Joint side: q̇ᵀτ = (Jq̇)·F for any q̇.
        let tau = joint_torques(kin, &wrench);
        let qd = Vec6::new(0.1, -0.2, 0.3, 0.05, 0.0, -0.1);
        let qd: Vec<f64> = qd.iter().copied().chain([0.2]).collect();
        let dq = nalgebra::DVector::from_vec(qd.clone());
        let v = &kin.jacobian * dq;
        let r = kin.pose.rotation;
        let f = r * RVec3::new(wrench[0], wrench[1], wrench[2]);
        let m = r * RVec3::new(wrench[3], wrench[4], wrench[5]);
        let p_cart = v[0] * f.x + v[1] * f.y + v[2] * f.z + v[3] * m.x + v[4] * m.y + v[5] * m.z;
        let p_joint: f64 = qd.iter().zip(&tau).map(|(a, b)| a * b).sum();
        assert!((p_cart - p_joint).abs() < 1e-12);
    }

    /// The sign, against an independent oracle: a 2 kg payload at the tool changes the
    /// gravity torques (recursive Newton–Euler) by exactly what holding its weight takes,
    /// `−JᵀF_ext` with `F_ext = (0, 0, −m·g)`; `JᵀF_ext` would push the wrong way.
    #[test]
    fn holding_a_load_takes_minus_j_transpose_f() {
        use crate::robot::dynamics::gravity_torques;
        let model = crate::robot::Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap();
        let robot = Robot::new(model.clone());
        let kin = robot.kin.as_ref().unwrap();
        let (m, g) = (2.0, 9.81);
        let mut loaded = model.clone();
        let tcp = loaded.link_index("panda_tcp").unwrap();
        loaded.links[tcp].inertia.mass = m;
        loaded.links[tcp].inertia.com = RVec3::zeros();
        let gravity = RVec3::new(0.0, 0.0, -g);
        let (g0, g1) = (
            gravity_torques(&model, &robot.q, &gravity),
            gravity_torques(&loaded, &robot.q, &gravity),
        );
        // The load in the tool frame.
        let f_tool = kin.pose.rotation.transpose() * RVec3::new(0.0, 0.0, -m * g);
        let exert = joint_torques(kin, &[f_tool.x, f_tool.y, f_tool.z, 0.0, 0.0, 0.0]);
        for i in 0..exert.len() {
            let hold = g1[i] - g0[i];
            assert!(
                (hold + exert[i]).abs() < 1e-9,
                "joint {}: {hold} vs {}",
                i + 1,
                -exert[i]
            );
        }
        assert!(exert.iter().any(|t| t.abs() > 1.0));
    }

    /// The bars are the singular values of each block (checked against nalgebra's SVD of the
    /// rows themselves), and only the blocks' figures survive a change of length unit: in
    /// millimetres σ(J_v) scales by 1000 and κ_v stays, while κ of the full J changes.
    #[test]
    fn each_block_has_its_own_singular_values_and_unit() {
        let robot =
            Robot::new(crate::robot::Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap());
        let kin = robot.kin.as_ref().unwrap();
        let b = BlockSigmas::of(kin);
        let j = &kin.jacobian;
        let sv = |m: &crate::math::Jacobian, first: usize, n: usize| {
            let mut s: Vec<f64> = m
                .rows(first, n)
                .clone_owned()
                .svd(false, false)
                .singular_values
                .iter()
                .copied()
                .collect();
            s.sort_by(|x, y| y.total_cmp(x));
            s
        };
        for (got, want) in [(b.translational, sv(j, 0, 3)), (b.rotational, sv(j, 3, 3))] {
            for i in 0..3 {
                assert!((got[i] - want[i]).abs() < 1e-9, "{got:?} vs {want:?}");
            }
        }
        let mut mm = j.clone_owned();
        for r in 0..3 {
            for c in 0..mm.ncols() {
                mm[(r, c)] *= 1000.0;
            }
        }
        let kappa_v_mm = sv(&mm, 0, 3)[0] / sv(&mm, 0, 3)[2];
        assert!((kappa_v_mm - b.kappa_translational()).abs() < 1e-6 * kappa_v_mm);
        assert!((sv(&mm, 0, 3)[0] - 1000.0 * b.translational[0]).abs() < 1e-6);
        let full = sv(&j.clone_owned(), 0, 6);
        let full_mm = sv(&mm, 0, 6);
        let (k_m, k_mm) = (full[0] / full[5], full_mm[0] / full_mm[5]);
        assert!((k_m / k_mm - 1.0).abs() > 0.5, "κ {k_m} in m, {k_mm} in mm");
    }

    #[test]
    fn history_keeps_twenty_seconds() {
        use bevy::time::TimeUpdateStrategy;
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(robot())
            .insert_resource(Lang::En)
            .init_resource::<Labels>()
            .insert_resource(TimeUpdateStrategy::ManualDuration(
                std::time::Duration::from_millis(500),
            ))
            .add_plugins(crate::app::robot::RobotPlugin)
            .add_plugins(crate::lessons::LessonsPlugin { start: None })
            .insert_resource(crate::lessons::ActiveLesson(None));
        for _ in 0..100 {
            app.update();
        }
        let h = &app.world().resource::<JacobianState>().history;
        let span = h.back().unwrap().t - h.front().unwrap().t;
        assert!(
            span <= HISTORY_SECONDS && span > HISTORY_SECONDS - 1.0,
            "{span}"
        );
        app.world_mut().write_message(ShowEverything);
        app.update();
        let s = app.world().resource::<JacobianState>();
        assert!(s.velocity && s.force && s.rotational && s.columns && s.ghosts);
    }
}
