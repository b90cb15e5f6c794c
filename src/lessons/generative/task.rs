//! The lesson's task in the physics: while the lesson is open the arm runs the obstacle course,
//! driven by the choice in the panel (the scripted route, sampled chunks, or the regression),
//! and every episode is tallied per driver.

use super::{GenerativeState, ID};
use crate::kit::lesson_state;
use crate::kit::prelude::*;
use crate::kit::tally::Tallies;
use crate::robot::panda;
use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Tallies>()
        .add_systems(OnEnter(lesson_state(ID)), enter)
        .add_systems(OnExit(lesson_state(ID)), leave)
        .add_systems(
            Update,
            (follow_the_choice, tally)
                .in_set(LessonSystems(ID))
                .before(ArmSet::Actions),
        );
}

fn install(state: &GenerativeState, actions: &mut MessageWriter<Request>) {
    if let Ok(mut log) = state.policy_log.lock() {
        log.clear();
    }
    actions.write(Request::Scenario(Some(state.scenario())));
}

/// Opening the lesson puts the arm on the course (the bundled Panda only: another robot keeps
/// teach mode, and the reason was shown when it loaded).
fn enter(
    robot: Option<Res<Robot>>,
    state: Res<GenerativeState>,
    mut actions: MessageWriter<Request>,
) {
    if robot.is_some_and(|r| panda::is_bundled(&r.model)) {
        install(&state, &mut actions);
    }
}

/// Leaving it puts the table scenes back.
fn leave(sim: Option<Res<Sim>>, mut actions: MessageWriter<Request>) {
    if sim.is_some_and(|s| s.scenario().is_some()) {
        actions.write(Request::Scenario(None));
    }
}

/// A new driver choice (or the demonstrations, or a trained network, arriving) restarts the
/// course with the new driver.
fn follow_the_choice(
    sim: Option<Res<Sim>>,
    state: Res<GenerativeState>,
    mut actions: MessageWriter<Request>,
) {
    let Some(running) = sim.as_ref().and_then(|s| s.scenario()) else {
        return;
    };
    if running.driver != state.driver_name() {
        install(&state, &mut actions);
    }
}

fn tally(mut ended: MessageReader<EpisodeEnded>, mut tallies: ResMut<Tallies>) {
    for e in ended.read() {
        tallies.count(e.driver, e.outcome.success, e.outcome.collided);
    }
}
