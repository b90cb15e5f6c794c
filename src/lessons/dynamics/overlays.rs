//! Drawn over the scene: the exponential map's two motions (a triad turned at the body rate
//! and one at the world rate, with the paths their x axes trace) and the free body spinning
//! above the table, with its principal axes.

use super::panel::PATH_COLORS;
use super::*;
use crate::kit::convert;
use crate::math::{Mat3, Vec3 as RVec3};

/// Where the exponential map's triads turn, and the free body spins (base frame, m).
pub const EXP_AT: [f64; 3] = [-0.1, -0.75, 0.6];
pub const BODY_AT: [f64; 3] = [-0.1, 0.75, 0.6];
/// The triads' axis length (m).
const TRIAD: f64 = 0.15;

fn triad(gizmos: &mut Gizmos, at: &RVec3, r: &Mat3, len: f64, alpha: f32) {
    for (k, color) in AXIS_COLORS.iter().enumerate() {
        let tip = at + r.column(k) * len;
        gizmos.line(
            convert::point(at),
            convert::point(&tip),
            color.with_alpha(alpha),
        );
    }
}

pub(super) fn draw(state: Res<DynamicsState>, robot: Option<Res<Robot>>, mut gizmos: Gizmos) {
    match state.section {
        Section::Ik => {
            if let Some(robot) = robot {
                draw_ik(&state, &robot, &mut gizmos);
            }
        }
        Section::Rnea => {
            if let Some(robot) = robot {
                draw_rnea(&state, &robot, &mut gizmos);
            }
        }
        Section::Exp => draw_exp(&state, &mut gizmos),
        Section::Body => draw_body(&state, &mut gizmos),
        _ => {}
    }
}

/// The iterates up to the one shown as ghost arms (fainter the older), and the target's axes.
fn draw_ik(state: &DynamicsState, robot: &Robot, gizmos: &mut Gizmos) {
    let Some(runs) = &state.ik else { return };
    if runs.generation != robot.generation {
        return;
    }
    let run = if state.ik_dls {
        &runs.dls
    } else {
        &runs.newton
    };
    let color = if state.ik_dls {
        PATH_COLORS[0]
    } else {
        Color::srgb(1.0, 0.75, 0.25)
    };
    let shown = state.ik_shown.min(run.len().saturating_sub(1));
    for (k, (q, _)) in run.iter().enumerate().take(shown + 1) {
        let alpha = if k == shown { 1.0 } else { 0.25 };
        let full = robot.q_with_chain(q);
        if full.len() == robot.model.dof() {
            draw_skeleton(gizmos, &robot.model, &full, color.with_alpha(alpha));
        }
    }
    triad(
        gizmos,
        &runs.target.translation,
        &runs.target.rotation,
        0.1,
        1.0,
    );
}

/// Metres of arrow per m/s² of acceleration and per newton of force.
const ACCEL_SCALE: f64 = 0.02;
const FORCE_SCALE: f64 = 0.004;

/// The walk so far: each reached link's acceleration (amber) at its origin, then, on the way
/// back, the force its joint transmits (red).
fn draw_rnea(state: &DynamicsState, robot: &Robot, gizmos: &mut Gizmos) {
    let model = &robot.model;
    if robot.q.len() != model.dof() {
        return;
    }
    let walk = rnea_walk(model, &robot.q, state.rnea_stage);
    let poses = model.link_poses(&robot.q);
    let n = model.joints.len();
    let arrow = |gizmos: &mut Gizmos, c: usize, v: &RVec3, scale: f64, color: Color| {
        let at = poses[c].translation;
        let world = poses[c].rotation * v;
        if world.norm() * scale > 1e-4 {
            gizmos.arrow(
                convert::point(&at),
                convert::point(&(at + world * scale)),
                color,
            );
        }
    };
    for j in model.joints.iter().take(walk.outward) {
        let a = walk.passes.a[j.child];
        let linear = RVec3::new(a[0], a[1], a[2]);
        let color = Color::srgba(1.0, 0.75, 0.25, if walk.inward > 0 { 0.2 } else { 1.0 });
        arrow(gizmos, j.child, &linear, ACCEL_SCALE, color);
    }
    for j in model.joints.iter().skip(n - walk.inward) {
        let f = walk.passes.f_joint[j.child];
        let linear = RVec3::new(f[0], f[1], f[2]);
        arrow(
            gizmos,
            j.child,
            &linear,
            FORCE_SCALE,
            Color::srgb(0.95, 0.25, 0.2),
        );
    }
}

fn draw_exp(state: &DynamicsState, gizmos: &mut Gizmos) {
    let at = RVec3::from(EXP_AT);
    // The x axis's tip over the time turned so far (both motions), then the two triads.
    let n = ((state.spin_t / 0.05).ceil() as usize).clamp(1, 1200);
    for (which, color) in PATH_COLORS.iter().enumerate() {
        let pts = (0..=n).map(|i| {
            let (body, world) = turned(state.spin_t * i as f64 / n as f64);
            let r = if which == 0 { body } else { world };
            convert::point(&(at + r.column(0) * TRIAD))
        });
        gizmos.linestrip(pts, *color);
    }
    let (body, world) = turned(state.spin_t);
    triad(gizmos, &at, &start_rotation(), TRIAD, 0.25);
    triad(gizmos, &at, &body, TRIAD, 1.0);
    triad(gizmos, &at, &world, TRIAD * 0.8, 0.6);
    gizmos.sphere(
        Isometry3d::from_translation(convert::point(&(at + body.column(0) * TRIAD))),
        0.012,
        PATH_COLORS[0],
    );
    gizmos.sphere(
        Isometry3d::from_translation(convert::point(&(at + world.column(0) * TRIAD * 0.8))),
        0.012,
        PATH_COLORS[1],
    );
}

fn draw_body(state: &DynamicsState, gizmos: &mut Gizmos) {
    let at = RVec3::from(BODY_AT);
    let r = state.body.as_ref().map_or(Mat3::identity(), |b| b.rotation);
    let half = RVec3::from(BODY_SIDES) * 0.5;
    let corner = |i: usize| {
        let s = |bit: usize| if i & bit == 0 { -1.0 } else { 1.0 };
        at + r * RVec3::new(s(1) * half.x, s(2) * half.y, s(4) * half.z)
    };
    let white = Color::srgb(0.9, 0.9, 0.9);
    for i in 0..8usize {
        for bit in [1usize, 2, 4] {
            if i & bit == 0 {
                gizmos.line(
                    convert::point(&corner(i)),
                    convert::point(&corner(i | bit)),
                    white,
                );
            }
        }
    }
    triad(gizmos, &at, &r, 0.25, 1.0);
}
