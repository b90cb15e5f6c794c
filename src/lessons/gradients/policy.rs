//! The arm's own policy: scripted reaching recorded in physics as (position error →
//! translation) pairs, a small network cloned from them a share of each frame at a time, and
//! then the physics driven by the scripted policy, the untrained network or the trained one,
//! every episode tallied per driver.

use super::{Driver, GradientsState, ID};
use crate::kit::lesson_state;
use crate::kit::prelude::*;
use crate::lessons::shared::reaching::{PolicyData, record, train};
use crate::robot::panda;
use crate::sim::reach::Cloned;
use crate::sim::task::{ActionMode, PickPlaceConfig};
use std::sync::Arc;

use bevy::prelude::*;

/// Episodes of the tally start here: seeds the demonstrations never saw.
pub const HELD_OUT_SEED: u64 = 100;

/// A step or link that asks for training starts it once the demonstrations are in.
fn start_when_asked(mut data: ResMut<PolicyData>, mut state: ResMut<GradientsState>) {
    if state.train && data.ready() {
        state.train = false;
        if data.trained.is_none() && !data.training {
            data.start_training();
        }
    }
}

/// Episodes and successes of one driver.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReachTally {
    pub successes: u32,
    pub episodes: u32,
}

/// The tallies, per driver.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct ReachTallies(pub Vec<(Driver, ReachTally)>);

impl ReachTallies {
    pub fn get(&self, d: Driver) -> ReachTally {
        self.0
            .iter()
            .find(|(n, _)| *n == d)
            .map(|(_, t)| *t)
            .unwrap_or_default()
    }

    fn count(&mut self, d: Driver, success: bool) {
        let i = match self.0.iter().position(|(n, _)| *n == d) {
            Some(i) => i,
            None => {
                self.0.push((d, ReachTally::default()));
                self.0.len() - 1
            }
        };
        self.0[i].1.episodes += 1;
        self.0[i].1.successes += u32::from(success);
    }
}

/// The driver and network generation the running scenario was built with.
#[derive(Resource, Default, Debug, Clone, Copy, PartialEq)]
struct Installed(Option<(Driver, u32)>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PolicyData>()
        .init_resource::<ReachTallies>()
        .init_resource::<Installed>()
        .add_systems(OnExit(lesson_state(ID)), leave)
        .add_systems(
            Update,
            (
                record,
                (start_when_asked, train).chain().run_if(live),
                follow_the_choice,
                tally,
            )
                .chain()
                .in_set(LessonSystems(ID))
                .before(ArmSet::Actions),
        );
}

/// The physics task for a driver (`None` while that network does not exist yet).
pub fn scenario(driver: Driver, data: &PolicyData) -> Option<LessonTask> {
    let net = match driver {
        Driver::Scripted => None,
        Driver::Untrained => Some(data.untrained.clone()?),
        Driver::Trained => Some(data.trained.clone()?),
    };
    Some(LessonTask {
        driver: driver.key(),
        configure: Arc::new(|cfg: &mut PickPlaceConfig| cfg.mode = ActionMode::Task),
        policy: None,
        reach: net.map(|n| {
            Arc::new(move || {
                Box::new(Cloned((*n).clone())) as Box<dyn crate::sim::task::ReachPolicy>
            }) as ReachFactory
        }),
    })
}

/// The network asked for is not there yet: drive with the scripted policy meanwhile.
fn effective(driver: Driver, data: &PolicyData) -> Driver {
    match driver {
        Driver::Untrained if data.untrained.is_none() => Driver::Scripted,
        Driver::Trained if data.trained.is_none() => Driver::Scripted,
        d => d,
    }
}

/// Installs the task of the chosen driver whenever the choice or the trained network changes
/// (the bundled Panda only), on held-out seeds.
fn follow_the_choice(
    sim: Option<Res<Sim>>,
    robot: Option<Res<Robot>>,
    state: Res<GradientsState>,
    data: Res<PolicyData>,
    mut installed: ResMut<Installed>,
    mut actions: MessageWriter<Request>,
) {
    let (Some(sim), Some(robot)) = (sim, robot) else {
        return;
    };
    if !panda::is_bundled(&robot.model) {
        return;
    }
    let driver = effective(state.driver, &data);
    let want = (driver, data.generation);
    let running = sim.scenario().map(|s| s.driver);
    if installed.0 == Some(want) && running == Some(driver.key()) {
        return;
    }
    let Some(scenario) = scenario(driver, &data) else {
        return;
    };
    installed.0 = Some(want);
    actions.write(Request::Scenario(Some(scenario)));
    if sim.seed < HELD_OUT_SEED {
        actions.write(Request::Seed(HELD_OUT_SEED));
    }
}

fn tally(mut ended: MessageReader<EpisodeEnded>, mut tallies: ResMut<ReachTallies>) {
    for e in ended.read() {
        if let Some(d) = Driver::ALL
            .iter()
            .map(|(d, _)| *d)
            .find(|d| Some(d.key()) == e.driver)
        {
            tallies.count(d, e.outcome.success);
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
