//! The lesson panel, one function per section.

use crate::kit::i18n::Lang;
use crate::kit::prelude::*;
use crate::kit::widgets::math;
use crate::kit::widgets::{colored, egui_color, lesson_panel, note, typeset_job};
use crate::math::{Transform as Pose, Vec3 as RVec3};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::*;

/// A 4×4 homogeneous matrix as a monospace grid.
pub fn matrix_ui(ui: &mut egui::Ui, id: &str, title: &str, color: egui::Color32, t: &Pose) {
    ui.vertical(|ui| {
        // Typeset: the titles are formulas such as T_ab.
        colored(ui, color, title);
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

pub(super) fn vec_text(v: &RVec3) -> String {
    format!("({:.3}, {:.3}, {:.3})", v.x, v.y, v.z)
}

pub(super) fn frame_picker(
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

pub(super) fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<FramesState>,
    robot: Res<Robot>,
    sim: Option<Res<Sim>>,
    lang: Res<Lang>,
) -> Result {
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
            let chain = typeset_job(ui, l.t("sec_chain"), egui::TextStyle::Button);
            ui.selectable_value(&mut state.section, Section::Chain, chain);
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

pub(super) fn chain_section(
    ui: &mut egui::Ui,
    state: &mut FramesState,
    frames: &FramePoses,
    l: Lang,
) {
    note(ui, l.t("chain_intro"));
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
    math(
        ui,
        &format!(
            "max|T_ab·T_bc − T_ac| = {:.1e}    max|T_bc·T_ab − T_ac| = {:.3}",
            check.chain_error, check.order_gap
        ),
    );
    note(ui, l.t("order_matters"));
    ui.separator();
    ui.label(l.t("inverse_intro"));
    matrix_ui(
        ui,
        "t_ba",
        "T_ba = T_ab⁻¹ = [Rᵀ, −Rᵀp]",
        egui::Color32::LIGHT_GRAY,
        &check.t_ba,
    );
    math(
        ui,
        &format!("max|T_ab·T_ba − I| = {:.1e}", check.inverse_error),
    );
}

pub(super) fn point_editor(ui: &mut egui::Ui, p: &mut [f64; 3]) {
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

pub(super) fn calibration_section(
    ui: &mut egui::Ui,
    state: &mut FramesState,
    frames: &FramePoses,
    l: Lang,
) {
    note(ui, l.t("calibration_intro"));
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
    math(
        ui,
        &format!("P_cam    = T_cam_target·P = {}", vec_text(&cal.p_cam)),
    );
    math(
        ui,
        &format!("P_base   = T_base_cam·P_cam = {}", vec_text(&cal.p_base)),
    );
    note(
        ui,
        &format!("{}: {:.1e} m", l.t("calibration_check"), cal.error),
    );
    ui.separator();
    let inverted = typeset_job(ui, l.t("calibration_inverted"), egui::TextStyle::Body);
    ui.checkbox(&mut state.inverted, inverted);
    if state.inverted {
        colored(
            ui,
            egui::Color32::from_rgb(255, 110, 110),
            &format!(
                "T_cam_base·P_cam = {}   |Δ| = {:.3} m",
                vec_text(&cal.p_base_inverted),
                cal.inverted_error
            ),
        );
        ui.label(l.t("calibration_inverted_note"));
    }
    ui.label(l.t("optical_note"));
}

pub(super) fn basis_section(
    ui: &mut egui::Ui,
    state: &mut FramesState,
    frames: &FramePoses,
    l: Lang,
) {
    note(ui, l.t("basis_intro"));
    frame_picker(ui, "a", &mut state.a, frames, l);
    frame_picker(ui, "b", &mut state.b, frames, l);
    ui.label(l.t("point_in_target"));
    point_editor(ui, &mut state.point);
    let p_world = frames.target.transform_point(&RVec3::from(state.point));
    let bc = BasisChange::new(&frames.pose(state.a), &frames.pose(state.b), &p_world);
    math(ui, &format!("p_a = {}", vec_text(&bc.p_a)));
    math(ui, &format!("p_b = {}", vec_text(&bc.p_b)));
    note(ui, l.t("basis_columns"));
    let r = bc.t_ab.rotation;
    for (i, axis) in ["x_b", "y_b", "z_b"].iter().enumerate() {
        colored(
            ui,
            egui_color(AXIS_COLORS[i]),
            &format!("{axis} {} a: {}", l.t("in"), vec_text(&r.column(i).into())),
        );
    }
    math(
        ui,
        &format!("|T_ab·p_b − p_a| = {:.1e}   p_b = T_ab⁻¹·p_a", bc.error),
    );
    note(ui, l.t("basis_why"));
}
