//! Lesson: gradients and the chain rule — a one-layer toy whose gradient is an outer product,
//! the gradient as the best linear approximation, the forward and backward pass through the
//! arm's own reaching policy, why backpropagation beats finite differences, vanishing and
//! exploding gradients, clipping, the same rule through the arm's kinematics (`Jᵀ(x − x*)`),
//! and the policy cloned from scripted demonstrations driving the arm in physics.
//!
//! The math is `crate::math::backprop`, `crate::math::mlp` and `crate::math::bc`; recording and
//! driving in physics are `crate::sim::reach`.

use crate::kit::prelude::*;
use crate::lessons::{LessonInfo, ShowEverything, lesson_panel_shown};
use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

pub mod arm;
mod draw;
pub mod network;
mod panel;
pub mod policy;
mod state;
mod steps;
mod strings;
mod tape;

pub use state::*;

pub const ID: &str = "gradients";

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_gradients",
    steps: steps::STEPS,
    strings: strings::STRINGS,
    plugin,
};

/// The latest comparison of backpropagation with finite differences, and when it was made.
#[derive(Resource, Default)]
pub struct Cost(pub Option<network::CostReadout>, f64);

/// Seconds between two timings of the gradient (each costs a few milliseconds).
const COST_EVERY_S: f64 = 0.5;

fn plugin(app: &mut App) {
    crate::kit::add_settings::<GradientsState>(app, ID);
    policy::plugin(app);
    app.init_resource::<Cost>()
        .init_resource::<arm::Descent>()
        .add_systems(
            Update,
            (keys, arm::descend.run_if(live))
                .chain()
                .in_set(LessonSystems(ID))
                .before(ArmSet::Actions),
        )
        .add_systems(
            Update,
            (
                show_everything,
                (measure_cost, arm::draw, draw_action).in_set(LessonSystems(ID)),
            )
                .chain()
                .in_set(ArmSet::Views),
        )
        .add_systems(
            EguiPrimaryContextPass,
            panel::panel.run_if(lesson_panel_shown(ID)),
        );
    tape::<arm::Descent>(app, ID);
    tape::<crate::lessons::shared::reaching::PolicyData>(app, ID);
}

/// B steps the pass through the network forward, Shift+B back (on the graph).
fn keys(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut state: ResMut<GradientsState>,
    sim: Option<Res<Sim>>,
    egui_input: Option<Res<bevy_egui::input::EguiWantsInput>>,
) {
    let Some(keys) = keys else { return };
    if !keys.just_pressed(KeyCode::KeyB) || state.section != Section::Graph {
        return;
    }
    // Typing in a text field is not a key press for the lesson.
    if egui_input.is_some_and(|e| e.wants_any_keyboard_input()) {
        return;
    }
    if keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]) {
        state.stage = state.stage.saturating_sub(1);
    } else {
        panel::advance(&mut state, panel::live_pair(sim.as_deref()));
    }
}

/// Times backpropagation against finite differences on the drawn pass, twice a second while
/// that section is open.
fn measure_cost(
    state: Res<GradientsState>,
    data: Res<crate::lessons::shared::reaching::PolicyData>,
    sim: Option<Res<Sim>>,
    time: Res<Time<Real>>,
    mut cost: ResMut<Cost>,
) {
    if state.section != Section::Cost {
        return;
    }
    let now = time.elapsed_secs_f64();
    if cost.0.is_some() && now - cost.1 < COST_EVERY_S {
        return;
    }
    let (Some(net), Some((e, a))) = (
        data.network(),
        state.captured.or(panel::live_pair(sim.as_deref())),
    ) else {
        return;
    };
    cost.0 = Some(network::measure(net, &e, &a));
    cost.1 = now;
}

/// The translation the running policy sent last, drawn at the tool ×10 (scripted teal, a
/// network orange).
fn draw_action(
    state: Res<GradientsState>,
    sim: Option<Res<Sim>>,
    robot: Option<Res<Robot>>,
    mut gizmos: Gizmos,
) {
    if state.section != Section::Clone {
        return;
    }
    let Some(episode) = sim.as_ref().and_then(|s| s.episode()) else {
        return;
    };
    let Some((_, t)) = episode.reach_pairs().last() else {
        return;
    };
    let Some(kin) = robot.as_ref().and_then(|r| r.kin.as_ref()) else {
        return;
    };
    let tool = kin.pose.translation;
    let tip = tool + crate::math::Vec3::from(*t) * 10.0;
    let color = match sim.as_ref().map(|s| s.driver()) {
        Some(d) if d == Driver::Scripted.key() => Color::srgb(0.25, 0.8, 0.75),
        _ => Color::srgb(1.0, 0.6, 0.2),
    };
    gizmos.arrow(convert::point(&tool), convert::point(&tip), color);
}

/// The most drawn at once: the network graph with the pass drawn to its end (every edge,
/// every node and every δ ring), recomputed each frame.
fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<GradientsState>) {
    if msgs.read().count() > 0 {
        state.section = Section::Graph;
        state.stage = 6;
        state.show_grad = true;
    }
}

#[cfg(test)]
mod tests;
