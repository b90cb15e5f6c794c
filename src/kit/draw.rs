//! What a lesson draws with: the REP-103 axis colours, the floor's height, and a ghost arm.

use super::convert;
use crate::robot::Model;
use bevy::prelude::*;

/// The table top is flush with the arm's base (z = 0) and 5 cm thick; the floor is 0.75 m
/// below, like a lab bench.
pub const FLOOR_Z: f64 = -0.75;

/// REP-103 axis colours: X red, Y green, Z blue.
pub const AXIS_COLORS: [Color; 3] = [
    Color::srgb(0.92, 0.22, 0.2),
    Color::srgb(0.3, 0.82, 0.3),
    Color::srgb(0.25, 0.5, 1.0),
];

/// An arm at `q` drawn as a skeleton in `color`: a line from each joint to the next and a dot
/// at each joint (ghost arms: another solution, a compared run).
pub fn draw_skeleton(gizmos: &mut Gizmos, model: &Model, q: &[f64], color: Color) {
    let poses = model.link_poses(q);
    for j in &model.joints {
        let (a, b) = (
            convert::point(&poses[j.parent].translation),
            convert::point(&poses[j.child].translation),
        );
        gizmos.line(a, b, color);
        if a.distance(b) > 1e-4 {
            gizmos.sphere(Isometry3d::from_translation(b), 0.012, color);
        }
    }
}
