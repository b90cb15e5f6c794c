//! The lesson's task in the physics: while it is open the arm runs the obstacle course, the
//! cube carried past the post by the scripted route or at the lateral offset a loss's policy
//! chooses, and every episode is tallied per driver.

use super::data::{CourseData, offset_for};
use super::{ID, LossDriver, LossesState};
use crate::kit::lesson_state;
use crate::kit::prelude::*;
use crate::kit::tally::Tallies;
use crate::math::losses::Lateral;
use crate::robot::panda;
use crate::sim::course::PassAt;
use crate::sim::task::PickPlaceConfig;
use bevy::prelude::*;
use std::sync::Arc;

/// What the running scenario was built from: the driver and the policy it acts with.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct Installed(pub Option<(LossDriver, Option<Lateral>)>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Tallies>()
        .init_resource::<Installed>()
        .add_systems(OnExit(lesson_state(ID)), leave)
        .add_systems(
            Update,
            (follow_the_choice, tally)
                .chain()
                .in_set(LessonSystems(ID))
                .before(ArmSet::Actions),
        );
}

fn on_the_course(cfg: &mut PickPlaceConfig) {
    cfg.course = true;
}

/// The course driven by `driver` (the scripted route while its policy has no data yet).
pub fn scenario(driver: LossDriver, lateral: Option<Lateral>) -> LessonTask {
    let scripted = LessonTask {
        driver: LossDriver::Scripted.key(),
        configure: Arc::new(on_the_course),
        policy: None,
        reach: None,
    };
    let Some(lateral) = lateral.filter(|_| driver != LossDriver::Scripted) else {
        return scripted;
    };
    LessonTask {
        driver: driver.key(),
        policy: Some(Arc::new(move |seed| {
            Box::new(PassAt::new(offset_for(&lateral, seed)))
        })),
        ..scripted
    }
}

/// Installs the course with the chosen driver whenever the choice, its policy or the data
/// change (the bundled Panda only: another robot keeps teach mode).
fn follow_the_choice(
    sim: Option<Res<Sim>>,
    robot: Option<Res<Robot>>,
    state: Res<LossesState>,
    data: Res<CourseData>,
    mut installed: ResMut<Installed>,
    mut actions: MessageWriter<Request>,
) {
    let (Some(sim), Some(robot)) = (sim, robot) else {
        return;
    };
    if !panda::is_bundled(&robot.model) {
        return;
    }
    let lateral = data.lateral(state.driver, &state);
    let driver = if lateral.is_some() {
        state.driver
    } else {
        LossDriver::Scripted
    };
    let want = (driver, lateral.clone());
    let running = sim.scenario().map(|s| s.driver);
    if installed.0.as_ref() == Some(&want) && running == Some(driver.key()) {
        return;
    }
    installed.0 = Some(want);
    actions.write(Request::Scenario(Some(scenario(driver, lateral))));
}

fn tally(mut ended: MessageReader<EpisodeEnded>, mut tallies: ResMut<Tallies>) {
    for e in ended.read() {
        if e.driver.is_some_and(|d| LossDriver::keys().contains(&d)) {
            tallies.count(e.driver, e.outcome.success, e.outcome.collided);
        }
    }
}

/// Leaving puts the table scenes back.
fn leave(
    sim: Option<Res<Sim>>,
    mut installed: ResMut<Installed>,
    mut actions: MessageWriter<Request>,
) {
    installed.0 = None;
    if sim.is_some_and(|s| s.scenario().is_some()) {
        actions.write(Request::Scenario(None));
    }
}
