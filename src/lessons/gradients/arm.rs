//! The same chain rule in the arm: the gradient of the tool's position loss with respect to
//! the joints is `Jᵀ(x − x*)`, and stepping down it moves the arm (in teach mode, one step per
//! 50 ms), drawn over the scene.

use super::{GradientsState, Section};
use crate::kit::convert;
use crate::kit::prelude::*;
use crate::math::Vec3;
use crate::math::backprop::position_loss_gradient;
use bevy::prelude::*;

/// Seconds between two descent steps: the control period, so a step size means the same at
/// any frame rate.
pub const PERIOD: f64 = 0.05;
/// Loss values kept for the plot.
const HISTORY: usize = 400;

pub const TARGET_COLOR: Color = Color::WHITE;
pub const ERROR_COLOR: Color = Color::srgb(0.95, 0.25, 0.2);
/// Where one descent step sends the tool (a ghost, magnified).
pub const STEP_COLOR: Color = Color::srgba(1.0, 0.85, 0.25, 0.8);

#[derive(Resource, Default, Debug, Clone)]
pub struct Descent {
    /// `½‖x − x*‖²` after each step taken (the last [`HISTORY`]).
    pub losses: Vec<f64>,
    /// Steps taken in all.
    pub steps: u64,
    /// The steps taken at the moment the timeline shows (`None` while live).
    pub past: Option<u64>,
    accumulator: f64,
}

impl Descent {
    /// Where the loss plot marks the moment the timeline shows: the index in `losses` of the
    /// last step taken then.
    pub fn cursor(&self) -> Option<f64> {
        let first = self.steps - self.losses.len() as u64;
        let n = self.past?;
        (n > first).then(|| (n - first - 1) as f64)
    }
}

/// The tool's position error `x − x*` (m) and the gradient `Jᵀ(x − x*)` (m per rad) for the
/// pose shown.
pub fn gradient(robot: &Robot, target: [f64; 3]) -> Option<(Vec3, Vec<f64>)> {
    let kin = robot.kin.as_ref()?;
    let e = kin.pose.translation - Vec3::from(target);
    Some((e, position_loss_gradient(&kin.jacobian, &e)))
}

/// `q ← q − η·Jᵀ(x − x*)`, one step per control period while running.
pub(super) fn descend(
    state: Res<GradientsState>,
    robot: Res<Robot>,
    time: Res<Time>,
    mut descent: ResMut<Descent>,
    mut actions: MessageWriter<Request>,
) {
    if state.section != Section::Arm || !state.descend {
        descent.accumulator = 0.0;
        return;
    }
    let Some(kin) = robot.kin.as_ref() else {
        return;
    };
    descent.accumulator += time.delta_secs_f64();
    if descent.accumulator < PERIOD {
        return;
    }
    descent.accumulator = (descent.accumulator - PERIOD).min(PERIOD);
    let Some((e, g)) = gradient(&robot, state.target) else {
        return;
    };
    let q: Vec<f64> = kin
        .q_chain
        .iter()
        .zip(&g)
        .map(|(q, g)| q - state.eta * g)
        .collect();
    let full = robot.q_with_chain(&q);
    // Each joint stays inside its limits, as the arm would.
    let full: Vec<f64> = full
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let (lo, hi) = robot.slider_range(i);
            v.clamp(lo, hi)
        })
        .collect();
    descent.losses.push(0.5 * e.norm_squared());
    descent.steps += 1;
    if descent.losses.len() > HISTORY {
        descent.losses.remove(0);
    }
    actions.write(Request::Pose {
        q: full,
        teach: true,
    });
}

/// The target, the error to it, and where the next descent step moves the tool: along
/// `−J Jᵀ(x − x*)`, which is not the straight line to the target.
pub(super) fn draw(state: Res<GradientsState>, robot: Res<Robot>, mut gizmos: Gizmos) {
    if state.section != Section::Arm {
        return;
    }
    let target = Vec3::from(state.target);
    gizmos.sphere(
        Isometry3d::from_translation(convert::point(&target)),
        0.03,
        TARGET_COLOR,
    );
    let (Some(kin), Some((_, g))) = (robot.kin.as_ref(), gradient(&robot, state.target)) else {
        return;
    };
    let tool = kin.pose.translation;
    gizmos.line(convert::point(&tool), convert::point(&target), ERROR_COLOR);
    let j = &kin.jacobian;
    let mut v = Vec3::zeros();
    for (c, gc) in g.iter().enumerate() {
        for r in 0..3 {
            v[r] -= j[(r, c)] * gc * state.eta;
        }
    }
    // Magnified ×5 so a single step is visible.
    gizmos.arrow(
        convert::point(&tool),
        convert::point(&(tool + v * 5.0)),
        STEP_COLOR,
    );
}
