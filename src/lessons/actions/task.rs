//! The lesson's task in the physics: while it is open the table pick-and-place runs with the
//! lesson's settings (a change restarts the episode on the same seed), and every episode is
//! tallied under the settings it ran with.

use super::{ActionsState, ID};
use crate::kit::lesson_state;
use crate::kit::prelude::*;
use crate::robot::panda;
use crate::sim::task::{ActionMode, Outcome};
use bevy::prelude::*;
use std::sync::Arc;

/// The driver's name in the log line of every episode (a string-table key).
pub const DRIVER: &str = "policy_actions";

/// The episodes run under one setting.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub mode: ActionMode,
    pub episodes: u32,
    pub successes: u32,
    /// Sums over episodes, for the means shown.
    pub time_to_success: f64,
    pub jerk: f64,
    pub command_jerk: f64,
    /// The largest over episodes (rad).
    pub max_tracking: f64,
}

impl Row {
    fn new(label: String, mode: ActionMode) -> Row {
        Row {
            label,
            mode,
            episodes: 0,
            successes: 0,
            time_to_success: 0.0,
            jerk: 0.0,
            command_jerk: 0.0,
            max_tracking: 0.0,
        }
    }

    fn add(&mut self, o: &Outcome) {
        self.episodes += 1;
        self.successes += u32::from(o.success);
        self.time_to_success += o.time_to_success.unwrap_or(0.0);
        self.jerk += o.rms_jerk;
        self.command_jerk += o.rms_command_jerk;
        self.max_tracking = self.max_tracking.max(o.max_tracking_error);
    }

    /// Mean seconds to success over the successful episodes.
    pub fn mean_time(&self) -> Option<f64> {
        (self.successes > 0).then(|| self.time_to_success / f64::from(self.successes))
    }

    pub fn mean_jerk(&self) -> f64 {
        self.jerk / f64::from(self.episodes.max(1))
    }

    pub fn mean_command_jerk(&self) -> f64 {
        self.command_jerk / f64::from(self.episodes.max(1))
    }
}

/// The comparison table: one row per setting tried, in the order they first ran.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct Results {
    pub rows: Vec<Row>,
}

impl Results {
    pub fn add(&mut self, label: &str, mode: ActionMode, o: &Outcome) {
        let i = match self
            .rows
            .iter()
            .position(|r| r.label == label && r.mode == mode)
        {
            Some(i) => i,
            None => {
                self.rows.push(Row::new(label.to_string(), mode));
                self.rows.len() - 1
            }
        };
        self.rows[i].add(o);
    }
}

/// The scenario running, with the settings it was built from.
#[derive(Resource, Default)]
struct Installed(Option<ActionsState>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Results>()
        .init_resource::<Installed>()
        .add_systems(OnEnter(lesson_state(ID)), enter)
        .add_systems(OnExit(lesson_state(ID)), leave)
        .add_systems(
            Update,
            (follow_the_settings, tally)
                .in_set(LessonSystems(ID))
                .before(ArmSet::Actions),
        );
}

/// The scenario for `state`: the usual table task, the lesson's policy settings.
pub fn scenario(state: &ActionsState) -> LessonTask {
    let settings = state.clone();
    LessonTask {
        driver: DRIVER,
        configure: Arc::new(move |cfg| settings.configure(cfg)),
        policy: None,
        reach: None,
    }
}

fn install(state: &ActionsState, installed: &mut Installed, actions: &mut MessageWriter<Request>) {
    installed.0 = Some(state.clone());
    actions.write(Request::Scenario(Some(scenario(state))));
}

/// Opening the lesson runs the task with its settings (the bundled Panda only: another robot
/// keeps teach mode).
fn enter(
    robot: Option<Res<Robot>>,
    state: Res<ActionsState>,
    mut installed: ResMut<Installed>,
    mut actions: MessageWriter<Request>,
) {
    if robot.is_some_and(|r| panda::is_bundled(&r.model)) {
        install(&state, &mut installed, &mut actions);
    }
}

/// Leaving it puts the plain table task back.
fn leave(
    mut sim: Option<ResMut<Sim>>,
    mut installed: ResMut<Installed>,
    mut actions: MessageWriter<Request>,
) {
    installed.0 = None;
    if let Some(sim) = &mut sim {
        sim.repeat_seed = false;
        if sim.scenario().is_some() {
            actions.write(Request::Scenario(None));
        }
    }
}

/// The settings that change the episode: everything but what is only shown.
fn same_task(a: &ActionsState, b: &ActionsState) -> bool {
    a.label() == b.label()
}

/// A change of the policy's settings restarts the episode with them, on the same seed.
fn follow_the_settings(
    mut sim: Option<ResMut<Sim>>,
    state: Res<ActionsState>,
    mut installed: ResMut<Installed>,
    mut actions: MessageWriter<Request>,
) {
    let Some(sim) = sim.as_mut() else { return };
    sim.repeat_seed = state.repeat;
    let Some(running) = &installed.0 else { return };
    if sim.scenario().is_some_and(|s| s.driver == DRIVER) && !same_task(running, &state) {
        install(&state, &mut installed, &mut actions);
    }
}

fn tally(
    mut ended: MessageReader<EpisodeEnded>,
    installed: Res<Installed>,
    sim: Option<Res<Sim>>,
    mut results: ResMut<Results>,
) {
    let mode = sim.map_or(ActionMode::Task, |s| s.mode);
    for e in ended.read() {
        if e.driver == Some(DRIVER)
            && let Some(s) = &installed.0
        {
            results.add(&s.label(), mode, &e.outcome);
        }
    }
}
