//! Lesson: rotations — Euler angles and gimbal lock, quaternions, the 6D representation
//! (seed 000 §4.2, seed 001's warning about flipped conventions, seed 003's quaternion
//! kinematics).
//!
//! A gimbal rig driven by any of the 24 Euler conventions, with its lock made visible; the
//! Euler rates a constant spin needs; four interpolations traced on a sphere; quaternion
//! integration and its shortcuts; and how continuous each representation is as a network
//! target. The math is in `crate::math::{euler, rotation, rotation_paths}`.

use crate::app::convert;
use crate::app::i18n::Lang;
use crate::app::robot::ArmSet;
use crate::app::ui::{Labels, UiState, egui_color, fixed_plot, lesson_panel};
use crate::lessons::{
    LessonInfo, LessonSettings, ShowEverything, lesson_is, param_choice, param_name, sync_params,
};
use crate::math::euler::{EulerSequence, rate_singular_values};
use crate::math::orientation_control::{
    OrientationError, SweepSettings, TrackingRun, track_orientation_sweep,
};
use crate::math::rotation::Quat as RQuat;
use crate::math::rotation_paths::{
    Interpolation, QuatStep, encode, integration_drift_series, misread_order, path, step_angles,
};
use crate::math::{Mat3, Vec3 as RVec3, so3};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Bar, BarChart, Legend, Line};
use std::collections::{BTreeMap, VecDeque};

mod steps;

pub const ID: &str = "rotations";

/// Where the rig stands (base frame, m) and its outer radius.
pub const RIG_CENTER: [f64; 3] = [0.15, -0.7, 0.35];
pub const RIG_RADIUS: f64 = 0.2;

/// Below this `|cos b|` (or `|sin b|`) the lock indicator lights: within about 3° of lock.
pub const LOCK_WARNING: f64 = 0.05;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Gimbal,
    LostAxis,
    Interpolation,
    Integration,
    Continuity,
    Arm,
}

/// A constant spin about a world axis, integrated exactly, with the rates each
/// representation needs.
#[derive(Clone, Debug)]
pub struct Spin {
    pub axis: RVec3,
    /// rad/s
    pub speed: f64,
    pub rotation: Mat3,
    pub t: f64,
    /// (t, |θ̇| per Euler angle, |q̇|)
    pub history: VecDeque<(f64, [f64; 3], f64)>,
}

#[derive(Resource, Debug, Clone)]
pub struct RotationsState {
    /// Index into [`EulerSequence::all`].
    pub sequence: usize,
    /// Degrees, for the sliders.
    pub angles_deg: [f64; 3],
    pub section: Section,
    pub spin: Option<Spin>,
    /// Interpolation end points (rotation matrices, base frame).
    pub from: Mat3,
    pub to: Mat3,
    pub show: [bool; 4],
    pub long_way: bool,
    /// Integration demo: body rate (rad/s) and step (s).
    pub omega: [f64; 3],
    pub dt: f64,
    pub arm: Option<ArmDemo>,
}

/// The wrist turning through the lock under both controllers, precomputed, and which one is
/// being played back on the arm.
#[derive(Debug, Clone)]
pub struct ArmDemo {
    pub euler: TrackingRun,
    pub rotation_vector: TrackingRun,
    /// (playing the Euler run?, seconds into it)
    pub playing: Option<(bool, f64)>,
}

/// Where the demo holds the tool (base frame, m) while it turns 60° through pitch −90°.
pub const ARM_DEMO_POSITION: [f64; 3] = [0.5, 0.0, 0.45];

impl ArmDemo {
    /// Runs both controllers on the robot's tool chain from an IK solution at the start pose;
    /// a one-line reason if the robot cannot.
    pub fn compute(robot: &crate::app::robot::Robot) -> Result<ArmDemo, String> {
        let chain = robot.chain.as_ref().ok_or("this robot has no tool chain")?;
        let kin = robot.kin.as_ref().ok_or("this robot has no tool chain")?;
        let down = so3::rot_x(std::f64::consts::PI);
        let from = so3::exp(&(RVec3::y() * (-60f64).to_radians())) * down;
        let to = so3::exp(&(RVec3::y() * (-120f64).to_radians())) * down;
        let position = RVec3::from(ARM_DEMO_POSITION);
        let start = crate::math::Transform::new(from, position);
        let q0 = crate::math::ik::IkSolver::default()
            .solve(chain, &start, &kin.q_chain)
            .map_err(|e| e.to_string())?
            .q;
        let settings = SweepSettings::default();
        let run = |how| track_orientation_sweep(chain, &q0, &position, &from, &to, &settings, how);
        let zyx = EulerSequence::parse("ZYX").ok_or("no ZYX")?;
        Ok(ArmDemo {
            euler: run(OrientationError::EulerDifference(zyx)),
            rotation_vector: run(OrientationError::RotationVector),
            playing: None,
        })
    }
}

impl Default for RotationsState {
    fn default() -> Self {
        RotationsState {
            // Intrinsic ZYX (yaw, pitch, roll), the aerospace convention.
            sequence: EulerSequence::all()
                .iter()
                .position(|s| s.name() == "ZYX")
                .unwrap_or(0),
            angles_deg: [30.0, 60.0, 20.0],
            section: Section::Gimbal,
            spin: None,
            // Pitch 65° → 115°: a 50° turn that passes over ZYX's lock.
            from: so3::exp(&(RVec3::y() * 65f64.to_radians())),
            to: so3::exp(&(RVec3::y() * 115f64.to_radians())),
            show: [true; 4],
            long_way: false,
            omega: [0.4, -1.0, 0.7],
            dt: 0.05,
            arm: None,
        }
    }
}

impl RotationsState {
    pub fn sequence(&self) -> EulerSequence {
        let all = EulerSequence::all();
        all[self.sequence.min(all.len() - 1)]
    }

    pub fn angles(&self) -> [f64; 3] {
        self.angles_deg.map(f64::to_radians)
    }

    pub fn rotation(&self) -> Mat3 {
        self.sequence().to_matrix(self.angles())
    }

    /// How far from lock (0 = locked): `|cos b|` or `|sin b|`.
    pub fn lock_distance(&self) -> f64 {
        self.sequence().lock_measure(self.angles()).abs()
    }

    /// Starts a spin about a world axis chosen to carry the current orientation through the
    /// lock: the axis of the middle angle (E's second column), at 30°/s.
    pub fn start_spin(&mut self) {
        let seq = self.sequence();
        let axis = seq.rate_matrix(self.angles()).column(1).normalize();
        self.spin = Some(Spin {
            axis,
            speed: 30f64.to_radians(),
            rotation: self.rotation(),
            t: 0.0,
            history: VecDeque::new(),
        });
    }

    /// Advances the spin by `dt`: the orientation turns exactly, the sliders follow the Euler
    /// angles of the new orientation, and the rates each representation needs are recorded.
    pub fn advance_spin(&mut self, dt: f64) {
        let seq = self.sequence();
        let Some(spin) = &mut self.spin else { return };
        let omega = spin.axis * spin.speed;
        spin.rotation = so3::exp(&(omega * dt)) * spin.rotation;
        spin.t += dt;
        let angles = seq.from_matrix(&spin.rotation).angles;
        // At exact lock no finite rates exist: record infinity (the plot clips it).
        let rates = seq
            .rates_for(angles, &omega)
            .map_or([f64::INFINITY; 3], |r| [r.x.abs(), r.y.abs(), r.z.abs()]);
        // |q̇| = ½|ω| for a unit quaternion, whatever the orientation.
        spin.history.push_back((spin.t, rates, 0.5 * omega.norm()));
        while spin.history.len() > 1200 {
            spin.history.pop_front();
        }
        self.angles_deg = angles.map(f64::to_degrees);
    }
}

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_rotations",
    steps: steps::STEPS,
    plugin,
};

fn plugin(app: &mut App) {
    app.init_resource::<RotationsState>()
        .add_systems(
            Update,
            (
                (show_everything, spin.run_if(lesson_is(ID)), play_arm_demo),
                draw.run_if(lesson_is(ID)),
            )
                .chain()
                .in_set(ArmSet::Views),
        )
        .add_systems(
            Update,
            sync_params::<RotationsState>
                .run_if(lesson_is(ID))
                .before(ArmSet::Drive),
        )
        .add_systems(EguiPrimaryContextPass, panel.run_if(lesson_is(ID)));
}

impl Section {
    /// Each section with its name in a link and its tab's string key, in tab order.
    const ALL: [(Section, &'static str, &'static str); 6] = [
        (Section::Gimbal, "gimbal", "sec_gimbal"),
        (Section::LostAxis, "lost-axis", "sec_lost_axis"),
        (Section::Interpolation, "interpolation", "sec_interp"),
        (Section::Integration, "integration", "sec_integration"),
        (Section::Continuity, "continuity", "sec_continuity"),
        (Section::Arm, "arm", "sec_arm"),
    ];

    /// (section, link name) pairs.
    fn link_names() -> [(Section, &'static str); 6] {
        Section::ALL.map(|(s, name, _)| (s, name))
    }
}

/// `euler=ZYX` (upper case intrinsic, lower case extrinsic), `angles=30,60,20` (degrees),
/// `section=gimbal|lost-axis|interpolation|integration|continuity|arm`.
impl LessonSettings for RotationsState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(i) = given
            .get("euler")
            .and_then(|name| EulerSequence::all().iter().position(|s| s.name() == *name))
        {
            self.sequence = i;
        }
        if let Some(angles) = given.get("angles") {
            let v: Vec<f64> = angles
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .filter(|a: &f64| a.is_finite())
                .collect();
            if let Ok(v) = <[f64; 3]>::try_from(v) {
                self.angles_deg = v.map(|a| a.clamp(-180.0, 180.0));
            }
        }
        if let Some(section) = param_choice(
            &Section::link_names(),
            given.get("section").map(String::as_str),
        ) {
            self.section = section;
        }
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        if let Some(seq) = EulerSequence::all().get(self.sequence) {
            out.insert("euler".into(), seq.name());
        }
        let [a, b, c] = self.angles_deg.map(|a| (a * 100.0).round() / 100.0);
        out.insert("angles".into(), format!("{a},{b},{c}"));
        if let Some(name) = param_name(&Section::link_names(), self.section) {
            out.insert("section".into(), name.into());
        }
    }
}

fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<RotationsState>) {
    if msgs.read().count() > 0 {
        state.show = [true; 4];
        state.long_way = true;
        if state.spin.is_none() {
            state.start_spin();
        }
    }
}

/// Plays a precomputed run back on the arm, in real time (teach mode, so the physics does not
/// fight it), then hands the arm back to teach mode's handle.
fn play_arm_demo(
    mut state: ResMut<RotationsState>,
    mut robot: ResMut<crate::app::robot::Robot>,
    teach: Option<ResMut<crate::app::teach::Teach>>,
    time: Res<Time>,
) {
    let Some(demo) = &mut state.arm else { return };
    let Some((euler, t)) = demo.playing else {
        return;
    };
    let run = if euler {
        &demo.euler
    } else {
        &demo.rotation_vector
    };
    let t = t + time.delta_secs_f64();
    let k = run.t.partition_point(|x| *x < t);
    if let Some(q) = run.q.get(k.min(run.q.len().saturating_sub(1))) {
        robot.set_chain_q(q);
    }
    demo.playing = (k < run.t.len()).then_some((euler, t));
    if demo.playing.is_none()
        && let Some(mut teach) = teach
    {
        teach.sync_target = true;
    }
}

fn spin(mut state: ResMut<RotationsState>, time: Res<Time>) {
    if state.spin.is_some() {
        state.advance_spin(time.delta_secs_f64().min(0.1));
    }
}

const RING_COLORS: [Color; 3] = [
    Color::srgb(0.95, 0.45, 0.35),
    Color::srgb(0.4, 0.85, 0.45),
    Color::srgb(0.4, 0.6, 1.0),
];
const METHOD_COLORS: [Color; 4] = [
    Color::srgb(1.0, 0.55, 0.2),
    Color::srgb(0.35, 0.85, 1.0),
    Color::srgb(0.6, 1.0, 0.4),
    Color::srgb(0.9, 0.5, 1.0),
];

fn draw(
    state: Res<RotationsState>,
    lang: Res<Lang>,
    mut gizmos: Gizmos,
    mut labels: ResMut<Labels>,
) {
    let center_r = RVec3::from(RIG_CENTER);
    let center = convert::point(&center_r);
    let seq = state.sequence();
    let angles = state.angles();
    let r = state.rotation();
    match state.section {
        Section::Interpolation => draw_paths(&state, &mut gizmos, &mut labels, center_r),
        _ => {
            // The rings: ring n is perpendicular to the world axis angle n turns about
            // (column n of E(θ)); at lock the first and third coincide.
            let e = seq.rate_matrix(angles);
            for n in 0..3 {
                let normal = convert::point(&e.column(n).into()).normalize_or_zero();
                if normal == Vec3::ZERO {
                    continue;
                }
                let radius = (RIG_RADIUS * [1.0, 0.86, 0.72][n]) as f32;
                let rot = Quat::from_rotation_arc(Vec3::Z, normal);
                gizmos
                    .circle(Isometry3d::new(center, rot), radius, RING_COLORS[n])
                    .resolution(64);
                // A second circle, slightly larger, makes each ring read as a band.
                gizmos
                    .circle(Isometry3d::new(center, rot), radius * 1.02, RING_COLORS[n])
                    .resolution(64);
            }
            // The carried object: its body axes and a box.
            for i in 0..3 {
                let tip = center_r + r.column(i) * (RIG_RADIUS * 0.55);
                gizmos
                    .arrow(
                        center,
                        convert::point(&tip),
                        crate::app::scene::AXIS_COLORS[i],
                    )
                    .with_tip_length(0.03);
            }
            let body = Transform {
                translation: center,
                rotation: convert::rotation(&r),
                scale: Vec3::new(0.16, 0.03, 0.08),
            };
            gizmos.cube(body, Color::srgb(0.9, 0.9, 0.85));
            if state.lock_distance() < LOCK_WARNING {
                labels.add(
                    center + Vec3::Y * (RIG_RADIUS as f32 + 0.05),
                    lang.t("gimbal_lock"),
                    egui::Color32::from_rgb(255, 80, 80),
                );
            }
        }
    }
}

/// The tip of the body x axis along each interpolation, on a sphere around the rig.
fn draw_paths(state: &RotationsState, gizmos: &mut Gizmos, labels: &mut Labels, center_r: RVec3) {
    let center = convert::point(&center_r);
    let radius = RIG_RADIUS;
    gizmos
        .sphere(
            Isometry3d::from_translation(center),
            radius as f32,
            Color::srgba(1.0, 1.0, 1.0, 0.15),
        )
        .resolution(24);
    let methods = methods(state.sequence());
    for (k, how) in methods.iter().enumerate() {
        if !state.show[k] {
            continue;
        }
        let points: Vec<Vec3> = path(&state.from, &state.to, 64, *how)
            .iter()
            .map(|r| convert::point(&(center_r + r.column(0) * radius)))
            .collect();
        gizmos.linestrip(points, METHOD_COLORS[k]);
    }
    if state.long_way {
        let (qa, qb) = (
            RQuat::from_matrix(&state.from),
            RQuat::from_matrix(&state.to),
        );
        let points: Vec<Vec3> = (0..=64)
            .map(|i| {
                let r = qa.slerp_long(qb, i as f64 / 64.0).to_matrix();
                convert::point(&(center_r + r.column(0) * radius))
            })
            .collect();
        gizmos.linestrip(points, Color::srgba(0.35, 0.85, 1.0, 0.4));
    }
    for (m, name) in [(&state.from, "A"), (&state.to, "B")] {
        let tip = convert::point(&(center_r + m.column(0) * radius));
        gizmos.sphere(Isometry3d::from_translation(tip), 0.008, Color::WHITE);
        labels.add(tip, name, egui::Color32::WHITE);
    }
}

pub fn methods(seq: EulerSequence) -> [Interpolation; 4] {
    [
        Interpolation::EulerLinear(seq),
        Interpolation::Slerp,
        Interpolation::SixDLinear,
        Interpolation::RotationVectorLinear,
    ]
}

const METHOD_KEYS: [&str; 4] = [
    "interp_euler",
    "interp_slerp",
    "interp_sixd",
    "interp_rotvec",
];

fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<RotationsState>,
    lang: Res<Lang>,
    ui_state: Res<UiState>,
    robot: Res<crate::app::robot::Robot>,
    mut next_mode: ResMut<NextState<crate::app::sim::DriveMode>>,
) -> Result {
    if ui_state.hide_panels {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    lesson_panel(ctx, l.t("lesson_rotations"), |ui| {
        ui.horizontal_wrapped(|ui| {
            for (s, _, key) in Section::ALL {
                ui.selectable_value(&mut state.section, s, l.t(key));
            }
        });
        ui.separator();
        match state.section {
            Section::Gimbal => gimbal_section(ui, &mut state, l),
            Section::LostAxis => lost_axis_section(ui, &mut state, l),
            Section::Interpolation => interpolation_section(ui, &mut state, l),
            Section::Integration => integration_section(ui, &mut state, l),
            Section::Continuity => continuity_section(ui, &state, l),
            Section::Arm => {
                if arm_section(ui, &mut state, &robot, l) {
                    next_mode.set(crate::app::sim::DriveMode::Teach);
                }
            }
        }
    });
    Ok(())
}

fn sequence_picker(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    let all = EulerSequence::all();
    ui.horizontal(|ui| {
        ui.label(l.t("sequence"));
        egui::ComboBox::from_id_salt("euler_sequence")
            .selected_text(describe(state.sequence(), l))
            .height(420.0)
            .show_ui(ui, |ui| {
                for (i, s) in all.iter().enumerate() {
                    ui.selectable_value(&mut state.sequence, i, describe(*s, l));
                }
            });
    });
}

fn describe(seq: EulerSequence, l: Lang) -> String {
    let kind = if seq.is_proper() {
        l.t("proper_euler")
    } else {
        l.t("tait_bryan")
    };
    let frame = match seq.frame {
        crate::math::euler::EulerFrame::Intrinsic => l.t("intrinsic"),
        crate::math::euler::EulerFrame::Extrinsic => l.t("extrinsic"),
    };
    format!("{} — {frame}, {kind}", seq.name())
}

fn angle_sliders(ui: &mut egui::Ui, state: &mut RotationsState) {
    let seq = state.sequence();
    let letters: Vec<char> = seq.name().chars().collect();
    // The middle angle's natural range: ±90° (Tait–Bryan) or 0…180° (proper Euler).
    let middle = if seq.is_proper() {
        0.0..=180.0
    } else {
        -90.0..=90.0
    };
    for i in 0..3 {
        let range = if i == 1 {
            middle.clone()
        } else {
            -180.0..=180.0
        };
        let mut v = state.angles_deg[i];
        if ui
            .add(
                egui::Slider::new(&mut v, range)
                    .text(format!("{} ({})", ["a", "b", "c"][i], letters[i]))
                    .suffix("°")
                    .fixed_decimals(1),
            )
            .changed()
        {
            state.angles_deg[i] = v;
            state.spin = None;
        }
    }
}

fn gimbal_section(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    ui.label(l.t("gimbal_intro"));
    sequence_picker(ui, state, l);
    angle_sliders(ui, state);
    let seq = state.sequence();
    let e = seq.rate_matrix(state.angles());
    let sigma = rate_singular_values(&e);
    let locked = state.lock_distance() < LOCK_WARNING;
    ui.horizontal(|ui| {
        let (text, color) = if locked {
            (l.t("gimbal_lock"), egui::Color32::from_rgb(255, 80, 80))
        } else {
            (l.t("no_lock"), egui::Color32::from_rgb(120, 220, 120))
        };
        ui.colored_label(color, egui::RichText::new(format!("● {text}")).strong());
        ui.monospace(format!(
            "{} = {:.3}",
            if seq.is_proper() {
                "|sin b|"
            } else {
                "|cos b|"
            },
            state.lock_distance()
        ));
    });
    if ui.button(l.t("go_lock")).clicked() {
        state.angles_deg[1] = if seq.is_proper() { 0.0 } else { 90.0 };
        state.spin = None;
    }
    ui.label(l.t("e_sigma"));
    let bars: Vec<Bar> = sigma
        .iter()
        .enumerate()
        .map(|(i, s)| Bar::new(i as f64 + 1.0, *s).width(0.6))
        .collect();
    fixed_plot("e_sigma", 90.0)
        .include_y(0.0)
        .include_y(2.0)
        .show_x(false)
        .show(ui, |p| {
            p.bar_chart(BarChart::new("σ(E)", bars).color(egui::Color32::from_rgb(255, 170, 80)))
        });
    ui.monospace(format!(
        "σ(E) = {:.3}, {:.3}, {:.3}",
        sigma[0], sigma[1], sigma[2]
    ));
    ui.label(egui::RichText::new(l.t("gimbal_note")).small());
}

fn lost_axis_section(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    ui.label(l.t("lost_axis_intro"));
    sequence_picker(ui, state, l);
    ui.horizontal(|ui| {
        if ui.button(l.t("spin_start")).clicked() {
            state.start_spin();
        }
        if ui.button(l.t("spin_stop")).clicked() {
            state.spin = None;
        }
    });
    let Some(spin) = &state.spin else {
        return;
    };
    ui.monospace(format!(
        "ω = {:.0}°/s · ({:.2}, {:.2}, {:.2})",
        spin.speed.to_degrees(),
        spin.axis.x,
        spin.axis.y,
        spin.axis.z
    ));
    // Rates are clipped at 10 rad/s so the bounded ones stay visible.
    let clip = |x: f64| x.min(10.0);
    let series = |i: usize| -> Vec<[f64; 2]> {
        spin.history
            .iter()
            .map(|(t, r, _)| [*t, clip(r[i])])
            .collect()
    };
    let q: Vec<[f64; 2]> = spin.history.iter().map(|(t, _, q)| [*t, *q]).collect();
    fixed_plot("lost_axis_rates", 140.0)
        .include_y(0.0)
        .legend(Legend::default())
        .show(ui, |p| {
            for (i, color) in RING_COLORS.iter().enumerate() {
                p.line(Line::new(format!("|dθ{}/dt|", i + 1), series(i)).color(egui_color(*color)));
            }
            p.line(Line::new("|dq/dt|", q).color(egui::Color32::WHITE));
        });
    if let Some((_, r, _)) = spin.history.back() {
        ui.monospace(format!(
            "|dθ/dt| = {:.2}, {:.2}, {:.2} rad/s",
            r[0], r[1], r[2]
        ));
    }
    // Tait–Bryan sequences lock at b = ±90° (rates ~ 1/cos b), proper Euler ones at 0° and
    // 180° (rates ~ 1/sin b).
    let note = if state.sequence().is_proper() {
        "lost_axis_note_proper"
    } else {
        "lost_axis_note"
    };
    ui.label(egui::RichText::new(l.t(note)).small());
}

fn interpolation_section(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    ui.label(l.t("interp_intro"));
    sequence_picker(ui, state, l);
    ui.horizontal(|ui| {
        if ui.button(l.t("set_a")).clicked() {
            state.from = state.rotation();
        }
        if ui.button(l.t("set_b")).clicked() {
            state.to = state.rotation();
        }
        if ui.button(l.t("near_lock_pair")).clicked() {
            let d = RotationsState::default();
            state.from = d.from;
            state.to = d.to;
        }
    });
    angle_sliders(ui, state);
    let seq = state.sequence();
    let methods = methods(seq);
    let mut lines = Vec::new();
    for (k, how) in methods.iter().enumerate() {
        let steps = step_angles(&path(&state.from, &state.to, 64, *how));
        let total: f64 = steps.iter().sum();
        ui.horizontal(|ui| {
            ui.checkbox(&mut state.show[k], "");
            ui.colored_label(egui_color(METHOD_COLORS[k]), l.t(METHOD_KEYS[k]));
            ui.monospace(format!("{:.1}°", total.to_degrees()));
        });
        lines.push(
            steps
                .iter()
                .enumerate()
                .map(|(i, s)| [i as f64 / 64.0, s.to_degrees() * 64.0])
                .collect::<Vec<[f64; 2]>>(),
        );
    }
    ui.checkbox(&mut state.long_way, l.t("long_way"));
    ui.label(l.t("speed_along_path"));
    fixed_plot("interp_speed", 110.0)
        .include_y(0.0)
        .show(ui, |p| {
            for (k, pts) in lines.into_iter().enumerate() {
                if state.show[k] {
                    p.line(Line::new(l.t(METHOD_KEYS[k]), pts).color(egui_color(METHOD_COLORS[k])));
                }
            }
        });
    // The same orientation, its double cover, and the order mix-up.
    let q = RQuat::from_matrix(&state.from);
    let wxyz = q.to_wxyz();
    ui.separator();
    ui.monospace(format!(
        "q_A  [w,x,y,z] = [{:.3}, {:.3}, {:.3}, {:.3}]",
        wxyz[0], wxyz[1], wxyz[2], wxyz[3]
    ));
    ui.monospace(format!(
        "−q_A [w,x,y,z] = [{:.3}, {:.3}, {:.3}, {:.3}]",
        -wxyz[0], -wxyz[1], -wxyz[2], -wxyz[3]
    ));
    let wrong = misread_order(wxyz);
    ui.monospace(format!(
        "{}: {:.1}°",
        l.t("misread"),
        wrong.angle_to(q).to_degrees()
    ));
    ui.label(egui::RichText::new(l.t("interp_note")).small());
}

fn integration_section(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    ui.label(l.t("integration_intro"));
    ui.horizontal(|ui| {
        ui.label("ω");
        for v in state.omega.iter_mut() {
            ui.add(
                egui::DragValue::new(v)
                    .speed(0.02)
                    .range(-5.0..=5.0)
                    .fixed_decimals(2),
            );
        }
        ui.label("rad/s");
    });
    ui.add(
        egui::Slider::new(&mut state.dt, 0.002..=0.2)
            .logarithmic(true)
            .text("dt (s)"),
    );
    let omega = RVec3::from(state.omega);
    let schemes = [
        (QuatStep::Exact, "int_exact"),
        (QuatStep::FirstOrderNormalized, "int_normalized"),
        (QuatStep::FirstOrder, "int_unnormalized"),
        (QuatStep::FirstOrderMissingHalf, "int_no_half"),
    ];
    let horizon = 5.0;
    let steps = (horizon / state.dt).round().max(1.0) as usize;
    // One run per scheme feeds both the table (its end) and the plot (every 1/50th).
    let runs: Vec<_> = schemes
        .iter()
        .map(|(how, _)| integration_drift_series(&omega, state.dt, steps, *how))
        .collect();
    egui::Grid::new("drift").striped(true).show(ui, |ui| {
        ui.label("");
        ui.label(l.t("angle_error"));
        ui.label(l.t("norm_error"));
        ui.end_row();
        for ((_, key), run) in schemes.iter().zip(&runs) {
            let d = run[steps];
            ui.label(l.t(key));
            ui.monospace(format!("{:.2e}°", d.angle.to_degrees()));
            ui.monospace(format!("{:.2e}", d.norm_error));
            ui.end_row();
        }
    });
    // Angle error over time for the three approximate schemes.
    fixed_plot("drift_plot", 110.0)
        .legend(Legend::default())
        .include_y(0.0)
        .show(ui, |p| {
            for (k, ((_, key), run)) in schemes.iter().zip(&runs).enumerate().skip(1) {
                let pts: Vec<[f64; 2]> = (0..=50)
                    .map(|i| {
                        let n = (steps * i) / 50;
                        [n as f64 * state.dt, run[n].angle.to_degrees()]
                    })
                    .collect();
                p.line(Line::new(l.t(key), pts).color(egui_color(METHOD_COLORS[k])));
            }
        });
    ui.label(egui::RichText::new(l.t("integration_note")).small());
}

fn continuity_section(ui: &mut egui::Ui, state: &RotationsState, l: Lang) {
    ui.label(l.t("continuity_intro"));
    // One full turn about a tilted axis.
    let axis = RVec3::new(0.3, 0.5, 0.8).normalize();
    let seq = state.sequence();
    let samples: Vec<(f64, crate::math::rotation_paths::Encodings)> = (0..=360)
        .map(|k| {
            let a = (k as f64).to_radians();
            (k as f64, encode(&so3::exp(&(axis * a)), seq))
        })
        .collect();
    let plot =
        |ui: &mut egui::Ui, id: &str, title: &str, n: usize, get: &dyn Fn(usize, usize) -> f64| {
            ui.label(title);
            fixed_plot(id, 80.0).show(ui, |p| {
                for c in 0..n {
                    let pts: Vec<[f64; 2]> = (0..samples.len())
                        .map(|k| [samples[k].0, get(k, c)])
                        .collect();
                    p.line(
                        Line::new(format!("{title} {c}"), pts).color(egui_color(
                            [
                                METHOD_COLORS,
                                [Color::WHITE, Color::WHITE, Color::WHITE, Color::WHITE],
                            ]
                            .concat()[c % 8],
                        )),
                    );
                }
            });
        };
    plot(
        ui,
        "cont_euler",
        &format!("Euler {}", seq.name()),
        3,
        &|k, c| samples[k].1.euler[c],
    );
    plot(ui, "cont_quat", "q (w ≥ 0)", 4, &|k, c| {
        samples[k].1.quat[c]
    });
    plot(ui, "cont_6d", "6D", 6, &|k, c| samples[k].1.sixd[c]);
    ui.label(egui::RichText::new(l.t("continuity_note")).small());
}

/// Returns true when a playback starts (the caller switches to teach mode).
fn arm_section(
    ui: &mut egui::Ui,
    state: &mut RotationsState,
    robot: &crate::app::robot::Robot,
    l: Lang,
) -> bool {
    ui.label(l.t("arm_demo_intro"));
    if ui.button(l.t("arm_demo_run")).clicked() {
        match ArmDemo::compute(robot) {
            Ok(d) => state.arm = Some(d),
            Err(e) => {
                state.arm = None;
                ui.colored_label(egui::Color32::from_rgb(255, 200, 90), e);
            }
        }
    }
    let Some(demo) = &mut state.arm else {
        return false;
    };
    let mut started = false;
    ui.horizontal(|ui| {
        if ui.button(l.t("play_euler")).clicked() {
            demo.playing = Some((true, 0.0));
            started = true;
        }
        if ui.button(l.t("play_rotvec")).clicked() {
            demo.playing = Some((false, 0.0));
            started = true;
        }
    });
    ui.monospace(format!(
        "{}: Euler {:.1} rad/s, {} {:.2} rad/s",
        l.t("peak_joint_speed"),
        demo.euler.peak_joint_speed(),
        l.t("rotvec_controller"),
        demo.rotation_vector.peak_joint_speed()
    ));
    // Clipped at 5 rad/s: the Euler spike is thousands.
    let series = |r: &TrackingRun| -> Vec<[f64; 2]> {
        r.t.iter()
            .zip(&r.joint_speed)
            .map(|(t, v)| [*t, v.min(5.0)])
            .collect()
    };
    fixed_plot("arm_demo_speed", 120.0)
        .include_y(0.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("Euler", series(&demo.euler)).color(egui_color(METHOD_COLORS[0])));
            p.line(
                Line::new(l.t("rotvec_controller"), series(&demo.rotation_vector))
                    .color(egui_color(METHOD_COLORS[3])),
            );
        });
    ui.label(egui::RichText::new(l.t("arm_demo_note")).small());
    started
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::rotation_paths::interpolate;

    /// A link's settings open the same scene: applied by the lesson when it opens, written
    /// back every frame; a hand-edited link with bad values changes nothing.
    #[test]
    fn the_scene_round_trips_through_link_parameters() {
        use crate::lessons::{ActiveLesson, LessonParams, sync_params};
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .init_resource::<RotationsState>()
            .insert_resource(ActiveLesson(Some(ID)))
            .insert_resource(LessonParams {
                given: [
                    ("euler", "xyz"),
                    ("angles", "10,90.5,-20"),
                    ("section", "arm"),
                    ("unknown", "1"),
                ]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into(),
                ..default()
            })
            .add_systems(Update, sync_params::<RotationsState>);
        app.update();
        let state = app.world().resource::<RotationsState>();
        assert_eq!(EulerSequence::all()[state.sequence].name(), "xyz");
        assert_eq!(state.angles_deg, [10.0, 90.5, -20.0]);
        assert_eq!(state.section, Section::Arm);
        let params = app.world().resource::<LessonParams>();
        assert!(params.given.is_empty());
        assert_eq!(params.owner, Some(ID));
        let now: Vec<_> = params.now.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(now, ["angles=10,90.5,-20", "euler=xyz", "section=arm"]);

        let mut fresh = RotationsState::default();
        let before = (fresh.sequence, fresh.angles_deg, fresh.section);
        let bad: BTreeMap<String, String> =
            [("euler", "XXY"), ("angles", "1,2"), ("section", "nowhere")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into();
        fresh.apply_params(&bad);
        assert_eq!((fresh.sequence, fresh.angles_deg, fresh.section), before);
        fresh.apply_params(&[("angles".to_string(), "1,NaN,3".to_string())].into());
        assert_eq!(fresh.angles_deg, before.1);
    }

    #[test]
    fn the_default_convention_is_zyx_and_locks_at_ninety_degrees() {
        let mut s = RotationsState::default();
        assert_eq!(s.sequence().name(), "ZYX");
        assert!(s.lock_distance() > LOCK_WARNING);
        s.angles_deg[1] = 90.0;
        assert!(s.lock_distance() < 1e-12);
        let sigma = rate_singular_values(&s.sequence().rate_matrix(s.angles()));
        assert!(sigma[2] < 1e-12, "{sigma:?}");
        // Proper Euler sequences lock at 0° instead.
        s.sequence = EulerSequence::all()
            .iter()
            .position(|q| q.name() == "ZXZ")
            .unwrap();
        s.angles_deg = [10.0, 0.0, 20.0];
        assert!(s.lock_distance() < 1e-12);
    }

    #[test]
    fn spinning_about_the_middle_axis_runs_into_the_lock_and_euler_rates_blow_up() {
        let mut s = RotationsState {
            angles_deg: [20.0, 60.0, 10.0],
            ..RotationsState::default()
        };
        s.start_spin();
        let mut peak: f64 = 0.0;
        let mut first = None;
        for _ in 0..200 {
            s.advance_spin(0.01);
            let (_, r, q) = *s.spin.as_ref().unwrap().history.back().unwrap();
            first.get_or_insert(r);
            peak = peak.max(r.iter().cloned().fold(0.0, f64::max));
            // The quaternion rate never changes: ½|ω|.
            assert!((q - 0.5 * 30f64.to_radians()).abs() < 1e-12);
        }
        // 2 s at 30°/s carries pitch 60° through 90°: the outer rates explode there.
        let first = first.unwrap().iter().cloned().fold(0.0, f64::max);
        assert!(peak > 20.0 * first.max(0.5), "peak {peak}, start {first}");
        // The orientation itself turned exactly 60°.
        let spin = s.spin.as_ref().unwrap();
        let start =
            s.sequence()
                .to_matrix([20f64.to_radians(), 60f64.to_radians(), 10f64.to_radians()]);
        let turned = so3::log(&(spin.rotation * start.transpose())).norm();
        assert!((turned - 60f64.to_radians()).abs() < 1e-9, "{turned}");
    }

    #[test]
    fn the_arm_demo_runs_on_the_panda_and_shows_the_spike() {
        let robot = crate::app::robot::Robot::new(
            crate::robot::Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap(),
        );
        let demo = ArmDemo::compute(&robot).unwrap();
        assert!(demo.euler.peak_joint_speed() > 100.0 * demo.rotation_vector.peak_joint_speed());
        assert_eq!(demo.euler.q.len(), demo.euler.t.len());
    }

    #[test]
    fn the_default_interpolation_pair_straddles_the_lock() {
        let s = RotationsState::default();
        let seq = s.sequence();
        let a = seq.from_matrix(&s.from).angles;
        let b = seq.from_matrix(&s.to).angles;
        assert!(a[0].abs() < 1e-9 && (b[0].abs() - std::f64::consts::PI).abs() < 1e-9);
        let mid = interpolate(&s.from, &s.to, 0.5, Interpolation::Slerp);
        assert!((so3::log(&mid) - RVec3::y() * 90f64.to_radians()).norm() < 1e-9);
    }
}
