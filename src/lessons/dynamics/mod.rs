//! Lesson: motion on curved spaces — the Jacobian's determinant as a local area scale,
//! Newton's method, rotations integrated by the exponential map, why `exp(a)·exp(b)` is not
//! `exp(a + b)`, twists and wrenches as dual vectors, and the rigid body's equation of motion
//! (the tennis-racket flip). The math is in `crate::math::{curved, free_body, spatial}`.

use crate::kit::prelude::*;
use crate::lessons::{LessonInfo, ShowEverything, lesson_panel_shown};
use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

mod overlays;
mod panel;
mod state;
mod steps;
mod strings;
mod tape;
#[cfg(test)]
mod tests;

pub use state::*;

pub const ID: &str = "dynamics";

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_dynamics",
    steps: steps::STEPS,
    strings: strings::STRINGS,
    plugin,
};

fn plugin(app: &mut App) {
    crate::kit::add_settings::<DynamicsState>(app, ID);
    app.add_systems(
        Update,
        (
            show_everything,
            (walk_keys, compute_ik).in_set(LessonSystems(ID)),
            animate.in_set(LessonSystems(ID)).run_if(live),
            overlays::draw.in_set(LessonSystems(ID)),
        )
            .chain()
            .in_set(ArmSet::Views),
    )
    .add_systems(
        EguiPrimaryContextPass,
        panel::panel.run_if(lesson_panel_shown(ID)),
    );
    tape::<DynamicsState>(app, ID);
}

/// The most drawn at once: the exponential map turning (the frame-time bench).
fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<DynamicsState>) {
    if msgs.read().count() > 0 {
        state.section = Section::Exp;
        state.spinning = true;
    }
}

/// W walks the Newton–Euler passes one joint on, Shift+W one back (in that section).
fn walk_keys(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    mut state: ResMut<DynamicsState>,
    robot: Option<Res<Robot>>,
    egui_input: Option<Res<bevy_egui::input::EguiWantsInput>>,
) {
    let (Some(keys), Some(robot)) = (keys, robot) else {
        return;
    };
    if !keys.just_pressed(KeyCode::KeyW) || state.section != Section::Rnea {
        return;
    }
    // Typing in a text field is not a key press for the lesson.
    if egui_input.is_some_and(|e| e.wants_any_keyboard_input()) {
        return;
    }
    if keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]) {
        state.rnea_stage = state.rnea_stage.saturating_sub(1);
    } else {
        state.rnea_stage = (state.rnea_stage + 1).min(2 * robot.model.joints.len());
    }
}

/// Solves the arm's inverse kinematics both ways when the section opens or the robot changes:
/// from the Panda's ready pose, or another robot's pose of the moment.
fn compute_ik(mut state: ResMut<DynamicsState>, robot: Res<Robot>) {
    if state.section != Section::Ik
        || state
            .ik
            .as_ref()
            .is_some_and(|r| r.generation == robot.generation)
    {
        return;
    }
    let (Some(chain), Some(kin)) = (&robot.chain, &robot.kin) else {
        state.ik = None;
        return;
    };
    let q0 = if crate::robot::panda::is_bundled(&robot.model) {
        chain.q_from_model(&robot.model, &crate::robot::panda::READY)
    } else {
        kin.q_chain.clone()
    };
    state.ik = Some(ik_runs(chain, &q0, robot.generation));
}

/// Advances the exponential map's clock and the free body by the frame's time (at most 0.1 s,
/// so a stalled frame does not jump).
fn animate(mut state: ResMut<DynamicsState>, time: Res<Time>) {
    let dt = time.delta_secs_f64().min(0.1);
    match state.section {
        Section::Exp if state.spinning => state.spin_t += dt,
        Section::Body => {
            if state.body.is_none() {
                state.launch();
            }
            state.advance_body(dt);
        }
        _ => {}
    }
}
