//! In the scene: the demonstrations' offsets where the tool passes the post, the offset the
//! running policy chose, the Gaussian's mean and spread, and for attention the demonstrated
//! chunks weighted by their attention.

use super::data::{CourseData, offset_for};
use super::{LossesState, Section, attention};
use crate::kit::convert;
use crate::kit::prelude::*;
use crate::kit::widgets::{BASELINE_COLOR, Labels, SIDE_COLORS, egui_color};
use crate::math::Vec3 as RVec3;
use crate::sim::course::obstacle;
use bevy::prelude::*;

/// The tool's height while it passes the post (the lift's hover height, m).
pub const PASS_HEIGHT: f64 = 0.14;
pub(super) const GOLD: Color = Color::srgb(1.0, 0.84, 0.25);

/// Markers drawn in front of the scene: the tool passes the post below its top, so what it
/// passes at would otherwise be hidden inside the post.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct OnTop;

pub(super) fn plugin(app: &mut App) {
    // Tests run the lessons without a renderer (no gizmos to configure).
    if !app.is_plugin_added::<bevy::gizmos::GizmoPlugin>() {
        return;
    }
    app.insert_gizmo_config(
        OnTop,
        GizmoConfig {
            depth_bias: -1.0,
            ..default()
        },
    );
}

/// The point level with the post at a lateral offset, at the passing height.
pub fn pass_point(offset: f64) -> RVec3 {
    let post = obstacle().center;
    RVec3::new(post.x + offset, post.y, PASS_HEIGHT)
}

pub(super) fn draw(
    state: Res<LossesState>,
    data: Res<CourseData>,
    sim: Option<Res<Sim>>,
    robot: Option<Res<Robot>>,
    mut labels: ResMut<Labels>,
    mut gizmos: Gizmos,
    mut front: Gizmos<OnTop>,
) {
    if !data.ready() {
        return;
    }
    // The line the tool crosses level with the post, and every demonstration on it.
    gizmos.line(
        convert::point(&pass_point(-0.25)),
        convert::point(&pass_point(0.25)),
        Color::srgba(1.0, 1.0, 1.0, 0.35),
    );
    for d in &data.offsets {
        let side = usize::from(*d > 0.0);
        front.sphere(convert::point(&pass_point(*d)), 0.006, SIDE_COLORS[side]);
    }
    if matches!(state.section, Section::Gaussian | Section::Data) {
        let (mu, sigma) = data.gaussian();
        if state.section == Section::Gaussian {
            front.line(
                convert::point(&pass_point(mu - sigma)),
                convert::point(&pass_point(mu + sigma)),
                BASELINE_COLOR,
            );
            front.sphere(convert::point(&pass_point(mu)), 0.012, BASELINE_COLOR);
            labels.add(
                convert::point(&(pass_point(mu) + RVec3::new(0.0, 0.0, 0.04))),
                "μ ± σ",
                egui_color(BASELINE_COLOR),
            );
        }
    }
    // Where the running episode's policy passes.
    if let Some(sim) = sim.as_ref()
        && let Some(lateral) = data.lateral(state.driver, &state)
        && sim
            .scenario()
            .is_some_and(|s| s.driver == state.driver.key())
    {
        let at = pass_point(offset_for(&lateral, sim.seed));
        front.sphere(convert::point(&at), 0.015, GOLD);
        front.line(
            convert::point(&at),
            convert::point(&(at + RVec3::new(0.0, 0.0, 0.08))),
            GOLD,
        );
    }
    if state.section == Section::Attention {
        let Some(query) = robot
            .as_ref()
            .and_then(|r| r.kin.as_ref())
            .map(|k| k.pose.translation)
        else {
            return;
        };
        let Some(att) = attention::Attention::at(&data, &query, state.key_bias) else {
            return;
        };
        gizmos.sphere(convert::point(&query), 0.01, Color::WHITE);
        for (i, w) in att.top(12) {
            let chunk = att.chunk(i);
            let side = att.side(i);
            let alpha = (0.15 + 0.85 * w / att.max_weight()) as f32;
            gizmos.linestrip(
                chunk.iter().map(convert::point),
                SIDE_COLORS[side].with_alpha(alpha),
            );
        }
        gizmos.linestrip(att.output().iter().map(convert::point), BASELINE_COLOR);
    }
}
