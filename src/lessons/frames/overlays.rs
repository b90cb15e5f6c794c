//! The lesson drawn over the scene: a triad per frame, the chain's arrows, the camera.

use crate::kit::convert;
use crate::kit::i18n::Lang;
use crate::kit::prelude::*;
use crate::kit::widgets::{Labels, egui_color};
use crate::math::{Transform as Pose, Vec3 as RVec3};
use bevy::prelude::*;
use bevy_egui::egui;

use super::*;

pub(super) fn triad(gizmos: &mut Gizmos, pose: &Pose, length: f64) {
    let o = convert::point(&pose.translation);
    for (i, color) in AXIS_COLORS.iter().enumerate() {
        let tip = pose.transform_point(&RVec3::ith(i, length));
        gizmos.line(o, convert::point(&tip), *color);
    }
}

pub(super) fn fat_triad(gizmos: &mut Gizmos, pose: &Pose, length: f64) {
    let o = convert::point(&pose.translation);
    for (i, color) in AXIS_COLORS.iter().enumerate() {
        let tip = pose.transform_point(&RVec3::ith(i, length));
        gizmos
            .arrow(o, convert::point(&tip), *color)
            .with_tip_length(length as f32 * 0.25);
    }
}

pub(super) const CHAIN_AB: Color = Color::srgb(1.0, 0.85, 0.2);

pub(super) const CHAIN_BC: Color = Color::srgb(0.3, 0.9, 0.95);

pub(super) const CHAIN_AC: Color = Color::srgb(0.95, 0.4, 0.95);

pub(super) fn draw(
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
                labels.name(
                    convert::point(&pose.translation),
                    &robot.model.links[i].name,
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
pub(super) fn draw_camera(gizmos: &mut Gizmos, cam: &Pose) {
    let color = Color::srgb(0.85, 0.85, 0.9);
    let o = convert::point(&cam.translation);
    let (w, h, d) = (0.05, 0.035, 0.08);
    let corners = [(-w, -h), (w, -h), (w, h), (-w, h)]
        .map(|(x, y)| convert::point(&cam.transform_point(&RVec3::new(x, y, d))));
    for i in 0..4 {
        gizmos.line(o, corners[i], color);
        gizmos.line(corners[i], corners[(i + 1) % 4], color);
    }
    let foot = RVec3::new(cam.translation.x, cam.translation.y, FLOOR_Z);
    gizmos.line(o, convert::point(&foot), Color::srgb(0.5, 0.5, 0.55));
}
