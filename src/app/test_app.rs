//! The app's drive and timeline on `MinimalPlugins`, for the tests of the timeline, the kit's
//! tape and the lessons.

use super::robot::RobotPlugin;
use super::sim::SimPlugin;
use super::teach::TeachPlugin;
use super::timeline::TimelinePlugin;
use crate::kit::commands::{Request, TimelineCmd};
use crate::kit::i18n::Lang;
use crate::kit::robot::{Notice, Robot};
use bevy::prelude::*;

/// The app's drive and timeline on `MinimalPlugins`, one control period (50 ms) per update
/// (for the timeline's tests and the lessons' tapes).
pub(crate) fn test_app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, bevy::state::app::StatesPlugin));
    let model =
        crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).expect("the bundled Panda");
    crate::kit::register_lessons(&mut app, &[], None);
    app.insert_resource(Robot::new(model))
        .insert_resource(Lang::En)
        .insert_resource(crate::kit::widgets::UiState {
            presenter: false,
            help: false,
            hide_panels: false,
        })
        .init_resource::<Notice>()
        .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_millis(50),
        ))
        .add_plugins((
            RobotPlugin,
            SimPlugin,
            TeachPlugin,
            TimelinePlugin,
            super::actions::ActionsPlugin,
        ));
    app.update();
    app
}

/// Sends a timeline command, as a control would, and runs one update.
pub(crate) fn send(app: &mut App, cmd: TimelineCmd) {
    app.world_mut().write_message(Request::Timeline(cmd));
    app.update();
}

/// Runs `updates` updates.
pub(crate) fn run(app: &mut App, updates: usize) {
    for _ in 0..updates {
        app.update();
    }
}
