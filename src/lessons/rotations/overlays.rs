//! The lesson drawn over the scene: the gimbal rig, the interpolated and integrated
//! orientation paths, each method in its own colour.

use crate::kit::convert;
use crate::kit::i18n::Lang;
use crate::kit::prelude::*;
use crate::kit::widgets::Labels;
use crate::math::Vec3 as RVec3;
use crate::math::euler::EulerSequence;
use crate::math::rotation::Quat as RQuat;
use crate::math::rotation_paths::{Interpolation, path};
use bevy::prelude::*;
use bevy_egui::egui;

use super::*;

/// Where the rig stands (base frame, m) and its outer radius.
pub const RIG_CENTER: [f64; 3] = [0.15, -0.7, 0.35];

pub const RIG_RADIUS: f64 = 0.2;

pub(super) const RING_COLORS: [Color; 3] = [
    Color::srgb(0.95, 0.45, 0.35),
    Color::srgb(0.4, 0.85, 0.45),
    Color::srgb(0.4, 0.6, 1.0),
];

pub(super) const METHOD_COLORS: [Color; 4] = [
    Color::srgb(1.0, 0.55, 0.2),
    Color::srgb(0.35, 0.85, 1.0),
    Color::srgb(0.6, 1.0, 0.4),
    Color::srgb(0.9, 0.5, 1.0),
];

pub(super) fn draw(
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
            for (i, color) in AXIS_COLORS.iter().enumerate() {
                let tip = center_r + r.column(i) * (RIG_RADIUS * 0.55);
                gizmos
                    .arrow(center, convert::point(&tip), *color)
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
pub(super) fn draw_paths(
    state: &RotationsState,
    gizmos: &mut Gizmos,
    labels: &mut Labels,
    center_r: RVec3,
) {
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

pub(super) const METHOD_KEYS: [&str; 4] = [
    "interp_euler",
    "interp_slerp",
    "interp_sixd",
    "interp_rotvec",
];
