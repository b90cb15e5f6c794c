//! The lesson drawn over the scene: the velocity, force and rotational ellipsoids, the
//! Jacobian's columns as arrows, the ghost arms of J⁺ and DLS, the linear approximation.

use crate::kit::convert;
use crate::kit::widgets::{Labels, egui_color};
use crate::math::ellipsoid::Ellipsoid3;
use crate::math::{Mat3, Vec3 as RVec3};
use bevy::prelude::*;
use bevy_egui::egui;

use super::*;

/// Bevy rotation whose X, Y, Z are the ellipsoid's principal directions (made right-handed:
/// an ellipsoid does not care about the sign of an axis).
pub(super) fn principal_frame(e: &Ellipsoid3) -> Quat {
    let mut d: Mat3 = e.directions;
    if d.determinant() < 0.0 {
        d.set_column(2, &(-d.column(2)));
    }
    convert::rotation(&d)
}

pub(super) fn draw_ellipsoid(
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
/// The most columns drawn at the tool and listed in the panel: an arm has six or seven; a
/// robot of thousands of joints would cost a frame per hundred milliseconds in arrows, labels
/// and table cells alone.
pub const MAX_SHOWN_COLUMNS: usize = 24;

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

pub(super) fn draw_skeleton(gizmos: &mut Gizmos, robot: &Robot, q: &[f64], color: Color) {
    crate::kit::draw::draw_skeleton(gizmos, &robot.model, q, color);
}

/// How far ahead the ghost arms look: q + h·q̇.
pub const GHOST_HORIZON: f64 = 0.25;

pub(super) fn draw(
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
        for i in 0..kin.jacobian.ncols().min(MAX_SHOWN_COLUMNS) {
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
