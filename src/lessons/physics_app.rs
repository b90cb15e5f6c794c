//! A headless app for lesson tests that run the task in physics: the robot, the sim and the
//! lessons on `MinimalPlugins`, opened at one lesson, time advancing 100 ms per update.

use bevy::prelude::*;

pub fn physics_app(lesson: &'static str) -> App {
    use crate::app::robot::RobotPlugin;
    use crate::app::sim::SimPlugin;
    use crate::kit::prelude::*;
    use bevy::state::app::StatesPlugin;
    use bevy::time::TimeUpdateStrategy;
    let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let mut app = App::new();
    // Drawing needs the renderer's gizmo resources: without them its systems are skipped.
    app.set_error_handler(bevy::ecs::error::ignore);
    app.add_plugins((MinimalPlugins, StatesPlugin))
        .insert_resource(Robot::new(model))
        .add_plugins((RobotPlugin, SimPlugin, crate::app::actions::ActionsPlugin))
        .add_plugins(crate::lessons::LessonsPlugin {
            start: Some(lesson.into()),
        })
        .insert_resource(TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_millis(100),
        ));
    app
}
