//! Lesson: coordinate frames and chains of transforms (seeds 000 §4.1, 002, 003).
//!
//! Every link carries a frame; `T_ab` is frame b's pose in frame a. Pick a, b, c and watch
//! `T_ac = T_ab·T_bc` hold live while the arm moves, see that `T_bc·T_ab` is something else,
//! and that `T_ba = T_ab⁻¹ = [Rᵀ, −Rᵀp]`. Then the calibration chain (a camera on a stand sees
//! the cube) and basis change versus coordinate change.

use crate::app::convert;
use crate::app::i18n::Lang;
use crate::app::robot::{ArmSet, Robot};
use crate::app::scene::AXIS_COLORS;
use crate::app::sim::Sim;
use crate::app::ui::{Labels, UiState, egui_color, lesson_panel};
use crate::lessons::{
    LessonInfo, LessonSettings, ShowEverything, lesson_is, param_choice, param_flag, param_name,
    sync_params, write_flag,
};
use crate::math::{Mat4, Transform as Pose, Vec3 as RVec3};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use std::collections::BTreeMap;

mod steps;

pub const ID: &str = "frames";

/// A frame the lesson can pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameRef {
    Link(usize),
    /// The calibration camera on its stand (optical convention: z forward, y down).
    Camera,
    /// The cube (or a marker on the table when there is no physics).
    Target,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Chain,
    Calibration,
    Basis,
}

#[derive(Resource, Debug, Clone)]
pub struct FramesState {
    pub triads: bool,
    pub triad_scale: f32,
    pub names: bool,
    pub a: FrameRef,
    pub b: FrameRef,
    pub c: FrameRef,
    pub section: Section,
    /// The point of the calibration and basis sections, in the target frame.
    pub point: [f64; 3],
    /// Calibration with the inverse transform by mistake (`T_cam_base` for `T_base_cam`).
    pub inverted: bool,
    generation: Option<u32>,
    /// Frames a link or a step named (`a=base`), resolved once the robot is known.
    wanted: [Option<String>; 3],
}

impl Default for FramesState {
    fn default() -> Self {
        FramesState {
            triads: true,
            triad_scale: 1.0,
            names: false,
            a: FrameRef::Link(0),
            b: FrameRef::Link(0),
            c: FrameRef::Link(0),
            section: Section::Chain,
            point: [0.02, 0.02, 0.02],
            inverted: false,
            generation: None,
            wanted: [None, None, None],
        }
    }
}

/// Where the calibration camera stands (base frame), and what it looks at.
pub const CAMERA_EYE: [f64; 3] = [1.15, -0.75, 0.55];
pub const CAMERA_LOOK: [f64; 3] = [0.5, 0.0, 0.02];

/// The frames' poses in the base frame, for the current robot and physics.
pub struct FramePoses<'a> {
    pub robot: &'a Robot,
    pub target: Pose,
    pub camera: Pose,
}

impl FramePoses<'_> {
    pub fn new<'a>(robot: &'a Robot, sim: Option<&Sim>) -> FramePoses<'a> {
        let target = sim
            .and_then(Sim::shown_cube)
            .map(|(_, b, _, _)| b)
            .unwrap_or_else(|| {
                Pose::new(crate::math::so3::rot_z(0.4), RVec3::new(0.55, 0.15, 0.02))
            });
        let camera = Pose::look_at_optical(
            &RVec3::from(CAMERA_EYE),
            &RVec3::from(CAMERA_LOOK),
            &RVec3::z(),
        )
        .unwrap_or_else(Pose::identity);
        FramePoses {
            robot,
            target,
            camera,
        }
    }

    pub fn pose(&self, f: FrameRef) -> Pose {
        match f {
            FrameRef::Link(i) => self
                .robot
                .poses
                .get(i)
                .copied()
                .unwrap_or_else(Pose::identity),
            FrameRef::Camera => self.camera,
            FrameRef::Target => self.target,
        }
    }

    pub fn name(&self, f: FrameRef, lang: Lang) -> String {
        match f {
            FrameRef::Link(i) => self
                .robot
                .model
                .links
                .get(i)
                .map_or_else(|| "?".into(), |l| l.name.clone()),
            FrameRef::Camera => lang.t("frame_camera").into(),
            FrameRef::Target => lang.t("frame_target").into(),
        }
    }
}

/// `T_ab`, `T_bc`, `T_ac` and the checks the panel shows.
#[derive(Clone, Copy, Debug)]
pub struct ChainCheck {
    pub t_ab: Pose,
    pub t_bc: Pose,
    pub t_ac: Pose,
    /// `T_bc·T_ab`: the wrong order.
    pub swapped: Pose,
    /// `T_ba` in closed form.
    pub t_ba: Pose,
    /// max |T_ab·T_bc − T_ac|.
    pub chain_error: f64,
    /// max |T_bc·T_ab − T_ac|: large unless the frames happen to commute.
    pub order_gap: f64,
    /// max |T_ab·T_ba − I|.
    pub inverse_error: f64,
}

impl ChainCheck {
    pub fn new(w_a: &Pose, w_b: &Pose, w_c: &Pose) -> ChainCheck {
        let t_ab = Pose::relative(w_a, w_b);
        let t_bc = Pose::relative(w_b, w_c);
        let t_ac = Pose::relative(w_a, w_c);
        let t_ba = t_ab.inverse();
        let gap = |x: Mat4, y: Mat4| (x - y).amax();
        ChainCheck {
            t_ab,
            t_bc,
            t_ac,
            swapped: t_bc * t_ab,
            t_ba,
            chain_error: gap((t_ab * t_bc).to_matrix(), t_ac.to_matrix()),
            order_gap: gap((t_bc * t_ab).to_matrix(), t_ac.to_matrix()),
            inverse_error: gap((t_ab * t_ba).to_matrix(), Mat4::identity()),
        }
    }
}

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_frames",
    steps: steps::STEPS,
    plugin,
};

fn plugin(app: &mut App) {
    app.init_resource::<FramesState>()
        .add_systems(
            Update,
            (
                (reset_on_new_model, show_everything, resolve_picks).chain(),
                draw.run_if(lesson_is(ID)),
            )
                .chain()
                .in_set(ArmSet::Views),
        )
        .add_systems(
            Update,
            sync_params::<FramesState>
                .run_if(lesson_is(ID))
                .before(ArmSet::Drive),
        )
        .add_systems(EguiPrimaryContextPass, panel.run_if(lesson_is(ID)));
}

const SECTION_NAMES: [(Section, &str); 3] = [
    (Section::Chain, "chain"),
    (Section::Calibration, "calibration"),
    (Section::Basis, "basis"),
];

/// `section=chain|calibration|basis`, `a=`/`b=`/`c=` a link name, `base`, `mid`, `tool`,
/// `camera` or `target`, `triads=0|1`, `names=0|1`, `point=x,y,z` (metres, in the target),
/// `inverted=0|1` (the calibration used the wrong way round).
impl LessonSettings for FramesState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(s) = param_choice(&SECTION_NAMES, given.get("section").map(String::as_str)) {
            self.section = s;
        }
        param_flag(given, "triads", &mut self.triads);
        param_flag(given, "names", &mut self.names);
        param_flag(given, "inverted", &mut self.inverted);
        for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
            if let Some(name) = given.get(key).filter(|n| !n.trim().is_empty()) {
                self.wanted[i] = Some(name.trim().to_string());
            }
        }
        if let Some(p) = given.get("point") {
            let v: Vec<f64> = p
                .split(',')
                .filter_map(|x| x.trim().parse().ok())
                .filter(|x: &f64| x.is_finite())
                .collect();
            if let Ok(v) = <[f64; 3]>::try_from(v) {
                self.point = v.map(|x| x.clamp(-0.2, 0.2));
            }
        }
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        if let Some(n) = param_name(&SECTION_NAMES, self.section) {
            out.insert("section".into(), n.into());
        }
        write_flag(out, "triads", self.triads);
        write_flag(out, "names", self.names);
        if self.section == Section::Calibration {
            write_flag(out, "inverted", self.inverted);
        }
        let [x, y, z] = self.point;
        out.insert("point".into(), format!("{x},{y},{z}"));
    }
}

/// The frame a name picks on this robot: a link name, or `base`, `mid` (halfway along the
/// chain to the tool), `tool`, `camera`, `target`.
pub fn frame_named(robot: &Robot, name: &str) -> Option<FrameRef> {
    match name {
        "base" => Some(FrameRef::Link(0)),
        "mid" => Some(FrameRef::Link(middle_link(robot))),
        "tool" => Some(FrameRef::Link(robot.tool)),
        "camera" => Some(FrameRef::Camera),
        "target" => Some(FrameRef::Target),
        link => robot.model.link_index(link).map(FrameRef::Link),
    }
}

/// The link halfway along the path from the base to the tool.
fn middle_link(robot: &Robot) -> usize {
    let path = robot.model.path_to(robot.tool);
    path.get(path.len() / 2)
        .map(|&j| robot.model.joints[j].child)
        .unwrap_or(0)
}

fn resolve_picks(robot: Res<Robot>, mut state: ResMut<FramesState>) {
    if state.wanted.iter().all(Option::is_none) {
        return;
    }
    let wanted = std::mem::take(&mut state.wanted);
    for (i, name) in wanted.iter().enumerate() {
        // An unknown name (another robot's link) keeps the current pick.
        if let Some(f) = name.as_deref().and_then(|n| frame_named(&robot, n)) {
            match i {
                0 => state.a = f,
                1 => state.b = f,
                _ => state.c = f,
            }
        }
    }
}

fn reset_on_new_model(robot: Res<Robot>, mut state: ResMut<FramesState>) {
    if state.generation == Some(robot.generation) {
        return;
    }
    state.generation = Some(robot.generation);
    // a = base, b = the middle of the chain to the tool, c = the tool.
    state.a = FrameRef::Link(0);
    state.b = FrameRef::Link(middle_link(&robot));
    state.c = FrameRef::Link(robot.tool);
}

fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<FramesState>) {
    if msgs.read().count() > 0 {
        state.triads = true;
        state.names = true;
    }
}

fn triad(gizmos: &mut Gizmos, pose: &Pose, length: f64) {
    let o = convert::point(&pose.translation);
    for (i, color) in AXIS_COLORS.iter().enumerate() {
        let tip = pose.transform_point(&RVec3::ith(i, length));
        gizmos.line(o, convert::point(&tip), *color);
    }
}

fn fat_triad(gizmos: &mut Gizmos, pose: &Pose, length: f64) {
    let o = convert::point(&pose.translation);
    for (i, color) in AXIS_COLORS.iter().enumerate() {
        let tip = pose.transform_point(&RVec3::ith(i, length));
        gizmos
            .arrow(o, convert::point(&tip), *color)
            .with_tip_length(length as f32 * 0.25);
    }
}

const CHAIN_AB: Color = Color::srgb(1.0, 0.85, 0.2);
const CHAIN_BC: Color = Color::srgb(0.3, 0.9, 0.95);
const CHAIN_AC: Color = Color::srgb(0.95, 0.4, 0.95);

fn draw(
    state: Res<FramesState>,
    robot: Res<Robot>,
    sim: Option<Res<Sim>>,
    lang: Res<Lang>,
    mut gizmos: Gizmos,
    mut labels: ResMut<Labels>,
) {
    let frames = FramePoses::new(&robot, sim.as_deref());
    let s = state.triad_scale as f64;
    // The skeleton: parent origin → child origin.
    for j in &robot.model.joints {
        gizmos.line(
            convert::point(&robot.poses[j.parent].translation),
            convert::point(&robot.poses[j.child].translation),
            Color::srgba(0.9, 0.9, 0.85, 0.35),
        );
    }
    if state.triads {
        for (i, pose) in robot.poses.iter().enumerate() {
            triad(&mut gizmos, pose, 0.07 * s);
            if state.names {
                labels.add(
                    convert::point(&pose.translation),
                    robot.model.links[i].name.clone(),
                    egui::Color32::from_gray(220),
                );
            }
        }
    }
    match state.section {
        Section::Chain => {
            let (wa, wb, wc) = (
                frames.pose(state.a),
                frames.pose(state.b),
                frames.pose(state.c),
            );
            for (f, name) in [(&wa, "a"), (&wb, "b"), (&wc, "c")] {
                fat_triad(&mut gizmos, f, 0.12 * s);
                labels.add(convert::point(&f.translation), name, egui::Color32::WHITE);
            }
            let (pa, pb, pc) = (
                convert::point(&wa.translation),
                convert::point(&wb.translation),
                convert::point(&wc.translation),
            );
            gizmos.arrow(pa, pb, CHAIN_AB);
            gizmos.arrow(pb, pc, CHAIN_BC);
            gizmos.arrow(pa, pc, CHAIN_AC);
            labels.add(pa.lerp(pb, 0.5), "T_ab", egui_color(CHAIN_AB));
            labels.add(pb.lerp(pc, 0.5), "T_bc", egui_color(CHAIN_BC));
            labels.add(pa.lerp(pc, 0.5), "T_ac", egui_color(CHAIN_AC));
        }
        Section::Calibration | Section::Basis => {
            draw_camera(&mut gizmos, &frames.camera);
            fat_triad(&mut gizmos, &frames.camera, 0.1 * s);
            fat_triad(&mut gizmos, &frames.target, 0.08 * s);
            let p_world = frames.target.transform_point(&RVec3::from(state.point));
            let cam = convert::point(&frames.camera.translation);
            let tgt = convert::point(&frames.target.translation);
            let p = convert::point(&p_world);
            gizmos.sphere(Isometry3d::from_translation(p), 0.008, Color::WHITE);
            labels.add(p, "P", egui::Color32::WHITE);
            if state.section == Section::Calibration {
                gizmos.arrow(Vec3::ZERO, cam, CHAIN_AB);
                gizmos.arrow(cam, tgt, CHAIN_BC);
                gizmos.line(tgt, p, CHAIN_AC);
                labels.add(
                    Vec3::ZERO.lerp(cam, 0.5),
                    "T_base_cam",
                    egui_color(CHAIN_AB),
                );
                labels.add(cam.lerp(tgt, 0.5), "T_cam_target", egui_color(CHAIN_BC));
                labels.add(cam, lang.t("frame_camera"), egui::Color32::WHITE);
                if state.inverted {
                    let cal =
                        Calibration::new(&frames.camera, &frames.target, RVec3::from(state.point));
                    let wrong = convert::point(&cal.p_base_inverted);
                    let red = Color::srgb(1.0, 0.25, 0.25);
                    gizmos.sphere(Isometry3d::from_translation(wrong), 0.012, red);
                    gizmos.line(p, wrong, red);
                    labels.add(
                        wrong,
                        format!("T_cam_base·P_cam ({:.2} m)", cal.inverted_error),
                        egui_color(red),
                    );
                }
            } else {
                let (wa, wb) = (frames.pose(state.a), frames.pose(state.b));
                fat_triad(&mut gizmos, &wa, 0.12 * s);
                fat_triad(&mut gizmos, &wb, 0.12 * s);
                let (pa, pb) = (
                    convert::point(&wa.translation),
                    convert::point(&wb.translation),
                );
                gizmos.line(pa, p, CHAIN_AB);
                gizmos.line(pb, p, CHAIN_BC);
                labels.add(pa, "a", egui::Color32::WHITE);
                labels.add(pb, "b", egui::Color32::WHITE);
                labels.add(pa.lerp(p, 0.5), "p_a", egui_color(CHAIN_AB));
                labels.add(pb.lerp(p, 0.5), "p_b", egui_color(CHAIN_BC));
            }
        }
    }
}

/// The calibration camera: a pyramid along its optical axis, and the stand it sits on.
fn draw_camera(gizmos: &mut Gizmos, cam: &Pose) {
    let color = Color::srgb(0.85, 0.85, 0.9);
    let o = convert::point(&cam.translation);
    let (w, h, d) = (0.05, 0.035, 0.08);
    let corners = [(-w, -h), (w, -h), (w, h), (-w, h)]
        .map(|(x, y)| convert::point(&cam.transform_point(&RVec3::new(x, y, d))));
    for i in 0..4 {
        gizmos.line(o, corners[i], color);
        gizmos.line(corners[i], corners[(i + 1) % 4], color);
    }
    let foot = RVec3::new(
        cam.translation.x,
        cam.translation.y,
        crate::app::scene::FLOOR_Z,
    );
    gizmos.line(o, convert::point(&foot), Color::srgb(0.5, 0.5, 0.55));
}

/// A 4×4 homogeneous matrix as a monospace grid.
pub fn matrix_ui(ui: &mut egui::Ui, id: &str, title: &str, color: egui::Color32, t: &Pose) {
    ui.vertical(|ui| {
        ui.colored_label(color, egui::RichText::new(title).strong());
        egui::Grid::new(id).spacing([6.0, 0.0]).show(ui, |ui| {
            let m = t.to_matrix();
            for r in 0..4 {
                for c in 0..4 {
                    ui.monospace(format!("{:>7.3}", m[(r, c)]));
                }
                ui.end_row();
            }
        });
    });
}

fn vec_text(v: &RVec3) -> String {
    format!("({:.3}, {:.3}, {:.3})", v.x, v.y, v.z)
}

fn frame_picker(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut FrameRef,
    frames: &FramePoses,
    lang: Lang,
) {
    ui.horizontal(|ui| {
        ui.label(label);
        egui::ComboBox::from_id_salt(label)
            .selected_text(frames.name(*value, lang))
            .height(400.0)
            .show_ui(ui, |ui| {
                for i in 0..frames.robot.model.links.len() {
                    let f = FrameRef::Link(i);
                    ui.selectable_value(value, f, frames.name(f, lang));
                }
                ui.selectable_value(value, FrameRef::Camera, lang.t("frame_camera"));
                ui.selectable_value(value, FrameRef::Target, lang.t("frame_target"));
            });
    });
}

fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<FramesState>,
    robot: Res<Robot>,
    sim: Option<Res<Sim>>,
    lang: Res<Lang>,
    ui_state: Res<UiState>,
) -> Result {
    if ui_state.hide_panels {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let frames = FramePoses::new(&robot, sim.as_deref());
    lesson_panel(ctx, l.t("lesson_frames"), |ui| {
        ui.horizontal(|ui| {
            ui.checkbox(&mut state.triads, l.t("triads"));
            ui.add(egui::Slider::new(&mut state.triad_scale, 0.3..=3.0).text(l.t("scale")));
        });
        ui.checkbox(&mut state.names, l.t("link_names"));
        ui.separator();
        ui.horizontal(|ui| {
            ui.selectable_value(&mut state.section, Section::Chain, l.t("sec_chain"));
            ui.selectable_value(
                &mut state.section,
                Section::Calibration,
                l.t("sec_calibration"),
            );
            ui.selectable_value(&mut state.section, Section::Basis, l.t("sec_basis"));
        });
        ui.separator();
        match state.section {
            Section::Chain => chain_section(ui, &mut state, &frames, l),
            Section::Calibration => calibration_section(ui, &mut state, &frames, l),
            Section::Basis => basis_section(ui, &mut state, &frames, l),
        }
    });
    Ok(())
}

fn chain_section(ui: &mut egui::Ui, state: &mut FramesState, frames: &FramePoses, l: Lang) {
    ui.label(l.t("chain_intro"));
    frame_picker(ui, "a", &mut state.a, frames, l);
    frame_picker(ui, "b", &mut state.b, frames, l);
    frame_picker(ui, "c", &mut state.c, frames, l);
    let check = ChainCheck::new(
        &frames.pose(state.a),
        &frames.pose(state.b),
        &frames.pose(state.c),
    );
    ui.horizontal(|ui| {
        matrix_ui(ui, "t_ab", "T_ab", egui_color(CHAIN_AB), &check.t_ab);
        matrix_ui(ui, "t_bc", "T_bc", egui_color(CHAIN_BC), &check.t_bc);
    });
    ui.horizontal(|ui| {
        matrix_ui(
            ui,
            "t_ac",
            "T_ac = T_ab·T_bc",
            egui_color(CHAIN_AC),
            &check.t_ac,
        );
        matrix_ui(
            ui,
            "swapped",
            "T_bc·T_ab",
            egui::Color32::GRAY,
            &check.swapped,
        );
    });
    ui.label(format!(
        "max|T_ab·T_bc − T_ac| = {:.1e}    max|T_bc·T_ab − T_ac| = {:.3}",
        check.chain_error, check.order_gap
    ));
    ui.label(l.t("order_matters"));
    ui.separator();
    ui.label(l.t("inverse_intro"));
    matrix_ui(
        ui,
        "t_ba",
        "T_ba = T_ab⁻¹ = [Rᵀ, −Rᵀp]",
        egui::Color32::LIGHT_GRAY,
        &check.t_ba,
    );
    ui.label(format!("max|T_ab·T_ba − I| = {:.1e}", check.inverse_error));
}

/// The calibration chain's numbers.
#[derive(Clone, Copy, Debug)]
pub struct Calibration {
    pub t_base_cam: Pose,
    /// What the camera measures (here: computed from the true poses).
    pub t_cam_target: Pose,
    pub p_target: RVec3,
    pub p_cam: RVec3,
    pub p_base: RVec3,
    /// |T_base_cam·T_cam_target·P − T_base_target·P|.
    pub error: f64,
    /// Where P lands with the inverse by mistake: `T_cam_base·P_cam`.
    pub p_base_inverted: RVec3,
    /// How far that is from P (m).
    pub inverted_error: f64,
}

impl Calibration {
    pub fn new(t_base_cam: &Pose, t_base_target: &Pose, p_target: RVec3) -> Calibration {
        let t_cam_target = Pose::relative(t_base_cam, t_base_target);
        let p_cam = t_cam_target.transform_point(&p_target);
        let p_base = t_base_cam.transform_point(&p_cam);
        let p_base_inverted = t_base_cam.inverse().transform_point(&p_cam);
        Calibration {
            t_base_cam: *t_base_cam,
            t_cam_target,
            p_target,
            p_cam,
            p_base,
            error: (p_base - t_base_target.transform_point(&p_target)).norm(),
            p_base_inverted,
            inverted_error: (p_base_inverted - p_base).norm(),
        }
    }
}

fn point_editor(ui: &mut egui::Ui, p: &mut [f64; 3]) {
    ui.horizontal(|ui| {
        for (v, axis) in p.iter_mut().zip(["x", "y", "z"]) {
            ui.label(axis);
            ui.add(
                egui::DragValue::new(v)
                    .speed(0.002)
                    .range(-0.2..=0.2)
                    .fixed_decimals(3),
            );
        }
    });
}

fn calibration_section(ui: &mut egui::Ui, state: &mut FramesState, frames: &FramePoses, l: Lang) {
    ui.label(l.t("calibration_intro"));
    ui.label(l.t("point_in_target"));
    point_editor(ui, &mut state.point);
    let cal = Calibration::new(&frames.camera, &frames.target, RVec3::from(state.point));
    ui.horizontal(|ui| {
        matrix_ui(
            ui,
            "t_base_cam",
            "T_base_cam",
            egui_color(CHAIN_AB),
            &cal.t_base_cam,
        );
        matrix_ui(
            ui,
            "t_cam_target",
            "T_cam_target",
            egui_color(CHAIN_BC),
            &cal.t_cam_target,
        );
    });
    ui.monospace(format!("P        = {}", vec_text(&cal.p_target)));
    ui.monospace(format!(
        "P_cam    = T_cam_target·P = {}",
        vec_text(&cal.p_cam)
    ));
    ui.monospace(format!(
        "P_base   = T_base_cam·P_cam = {}",
        vec_text(&cal.p_base)
    ));
    ui.label(format!("{}: {:.1e} m", l.t("calibration_check"), cal.error));
    ui.separator();
    ui.checkbox(&mut state.inverted, l.t("calibration_inverted"));
    if state.inverted {
        ui.colored_label(
            egui::Color32::from_rgb(255, 110, 110),
            format!(
                "T_cam_base·P_cam = {}   |Δ| = {:.3} m",
                vec_text(&cal.p_base_inverted),
                cal.inverted_error
            ),
        );
        ui.label(l.t("calibration_inverted_note"));
    }
    ui.label(l.t("optical_note"));
}

/// Coordinates of one point in two frames.
#[derive(Clone, Copy, Debug)]
pub struct BasisChange {
    pub t_ab: Pose,
    pub p_a: RVec3,
    pub p_b: RVec3,
    /// |T_ab·p_b − p_a|.
    pub error: f64,
}

impl BasisChange {
    pub fn new(w_a: &Pose, w_b: &Pose, p_world: &RVec3) -> BasisChange {
        let p_a = w_a.inverse().transform_point(p_world);
        let p_b = w_b.inverse().transform_point(p_world);
        let t_ab = Pose::relative(w_a, w_b);
        BasisChange {
            t_ab,
            p_a,
            p_b,
            error: (t_ab.transform_point(&p_b) - p_a).norm(),
        }
    }
}

fn basis_section(ui: &mut egui::Ui, state: &mut FramesState, frames: &FramePoses, l: Lang) {
    ui.label(l.t("basis_intro"));
    frame_picker(ui, "a", &mut state.a, frames, l);
    frame_picker(ui, "b", &mut state.b, frames, l);
    ui.label(l.t("point_in_target"));
    point_editor(ui, &mut state.point);
    let p_world = frames.target.transform_point(&RVec3::from(state.point));
    let bc = BasisChange::new(&frames.pose(state.a), &frames.pose(state.b), &p_world);
    ui.monospace(format!("p_a = {}", vec_text(&bc.p_a)));
    ui.monospace(format!("p_b = {}", vec_text(&bc.p_b)));
    ui.label(l.t("basis_columns"));
    let r = bc.t_ab.rotation;
    for (i, axis) in ["x_b", "y_b", "z_b"].iter().enumerate() {
        ui.colored_label(
            egui_color(AXIS_COLORS[i]),
            format!("{axis} {} a: {}", l.t("in"), vec_text(&r.column(i).into())),
        );
    }
    ui.monospace(format!(
        "|T_ab·p_b − p_a| = {:.1e}   p_b = T_ab⁻¹·p_a",
        bc.error
    ));
    ui.label(l.t("basis_why"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::Model;

    fn robot() -> Robot {
        Robot::new(Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap())
    }

    #[test]
    fn the_chain_closes_and_the_order_matters_on_the_arm() {
        let robot = robot();
        let f = FramePoses::new(&robot, None);
        let n = robot.model.links.len();
        let check = ChainCheck::new(
            &f.pose(FrameRef::Link(0)),
            &f.pose(FrameRef::Link(4)),
            &f.pose(FrameRef::Link(n - 1)),
        );
        assert!(check.chain_error < 1e-12, "{}", check.chain_error);
        assert!(check.inverse_error < 1e-12);
        assert!(check.order_gap > 0.05, "{}", check.order_gap);
        // The closed-form inverse is the matrix inverse.
        let inv = check.t_ab.to_matrix().try_inverse().unwrap();
        assert!((inv - check.t_ba.to_matrix()).amax() < 1e-12);
    }

    #[test]
    fn the_calibration_chain_recovers_the_point() {
        let robot = robot();
        let f = FramePoses::new(&robot, None);
        let cal = Calibration::new(&f.camera, &f.target, RVec3::new(0.02, -0.01, 0.02));
        assert!(cal.error < 1e-12);
        // The target is in front of the camera (optical z > 0).
        assert!(cal.p_cam.z > 0.3);
        // The inverse by mistake puts P far away, and exactly where T_base_cam⁻¹ sends it.
        assert!(cal.inverted_error > 0.5, "{}", cal.inverted_error);
        let by_matrix = f.camera.to_matrix().try_inverse().unwrap()
            * nalgebra::Vector4::new(cal.p_cam.x, cal.p_cam.y, cal.p_cam.z, 1.0);
        assert!((by_matrix.xyz() - cal.p_base_inverted).norm() < 1e-12);
    }

    #[test]
    fn coordinates_change_with_the_inverse_of_the_basis_change() {
        let robot = robot();
        let f = FramePoses::new(&robot, None);
        let (wa, wb) = (f.pose(FrameRef::Link(2)), f.pose(FrameRef::Link(6)));
        let p = RVec3::new(0.4, 0.1, 0.3);
        let bc = BasisChange::new(&wa, &wb, &p);
        assert!(bc.error < 1e-12);
        assert!((bc.t_ab.inverse().transform_point(&bc.p_a) - bc.p_b).norm() < 1e-12);
        // The columns of R_ab are b's axes written in a.
        let x_b_in_world = wb.rotation.column(0).clone_owned();
        let x_b_in_a = wa.rotation.transpose() * x_b_in_world;
        assert!((x_b_in_a - bc.t_ab.rotation.column(0)).norm() < 1e-12);
    }

    #[test]
    fn picks_follow_a_new_model() {
        use bevy::state::app::StatesPlugin;
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin))
            .insert_resource(robot())
            .insert_resource(Lang::En)
            .init_resource::<Labels>()
            .add_plugins(crate::app::robot::RobotPlugin)
            .add_plugins(crate::lessons::LessonsPlugin { start: None })
            // No drawing without a renderer: only the lesson state is under test.
            .insert_resource(crate::lessons::ActiveLesson(None));
        app.update();
        let tool = app.world().resource::<Robot>().tool;
        assert_eq!(
            app.world().resource::<FramesState>().c,
            FrameRef::Link(tool)
        );
        let iiwa = Model::from_urdf_str(include_str!("../../../urdf/kuka_iiwa14.urdf")).unwrap();
        app.world_mut().resource_mut::<Robot>().replace_model(iiwa);
        app.update();
        let robot = app.world().resource::<Robot>();
        let state = app.world().resource::<FramesState>();
        assert_eq!(state.c, FrameRef::Link(robot.tool));
        assert_eq!(robot.model.name, "iiwa14");
    }
}
