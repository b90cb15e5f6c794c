//! Live physics: the plugin that starts the episode, restarts it on a new model and drives the
//! arm from it ([`Sim`] itself is the kit's).

use crate::kit::ArmSet;
use crate::kit::robot::ModelReplaced;
use crate::kit::robot::Notice;
use crate::kit::robot::Robot;
use crate::robot::panda;
use crate::sim::task::Episode;
use bevy::prelude::*;

use crate::kit::sim::*;

pub struct SimPlugin;

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Sim>()
            .init_state::<DriveMode>()
            .add_message::<EpisodeEnded>()
            .add_message::<ModelReplaced>()
            .add_systems(Startup, start_episode)
            .add_systems(
                Update,
                (
                    restart_on_new_model,
                    drive_from_physics.run_if(in_state(DriveMode::Simulate)),
                )
                    .chain()
                    .in_set(ArmSet::Drive),
            );
    }
}

fn start_episode(
    mut sim: ResMut<Sim>,
    robot: Res<Robot>,
    mut notice: ResMut<Notice>,
    mut next: ResMut<NextState<DriveMode>>,
) {
    let seed = sim.seed;
    if let Err(e) = sim.restart(&robot.model, seed) {
        if panda::is_bundled(&robot.model) {
            notice.post("notice_physics", e, 0.0);
        } else {
            notice.post("notice_teach_only", e, 0.0);
        }
        next.set(DriveMode::Teach);
    }
}

/// A new URDF: restart the task if it can run, else switch to teach mode.
fn restart_on_new_model(
    mut sim: ResMut<Sim>,
    robot: Res<Robot>,
    mut replaced: MessageReader<ModelReplaced>,
    mut next: ResMut<NextState<DriveMode>>,
) {
    if replaced.read().count() == 0 {
        return;
    }
    // The timeline's moments are the old robot's: forget them.
    sim.go_live();
    sim.history.clear();
    let seed = sim.seed;
    // A tool link chosen on the old robot means nothing on the new one.
    sim.set_tool(None);
    if sim.restart(&robot.model, seed).is_err() {
        next.set(DriveMode::Teach);
    }
}

fn drive_from_physics(
    mut sim: ResMut<Sim>,
    mut robot: ResMut<Robot>,
    mut notice: ResMut<Notice>,
    mut ended: MessageWriter<EpisodeEnded>,
    time: Res<Time>,
) {
    let now = time.elapsed_secs_f64();
    if let Some(e) = sim.advance(time.delta_secs_f64(), 8) {
        notice.post("notice_physics", e, now);
    }
    if let Some(q) = sim.shown_q() {
        robot.set_q(&q);
    }
    if sim.viewed().is_some() {
        // A past moment is shown: the live episode's ending waits too.
        return;
    }
    if sim.finished() {
        if sim.finished_for == 0.0 {
            let outcome = sim.episode.as_ref().map(Episode::outcome);
            if let Some(o) = outcome {
                // One line per episode: the browser smoke test reads these from the console.
                info!(
                    "seed {}: {} ({}{})",
                    sim.seed,
                    if o.success { "success" } else { "failure" },
                    sim.driver(),
                    if o.collided { ", hit the post" } else { "" }
                );
                ended.write(EpisodeEnded {
                    seed: sim.seed,
                    outcome: o.clone(),
                    driver: sim.scenario.as_ref().map(|s| s.driver),
                });
                sim.episodes += 1;
                sim.successes += u32::from(o.success);
                sim.last = Some((sim.seed, o));
            }
        }
        sim.finished_for += time.delta_secs_f64();
        // Hold the result on screen for a moment, then try the next seed.
        if sim.auto_restart && sim.playing && sim.finished_for > 1.5 {
            let seed = if sim.repeat_seed {
                sim.seed
            } else {
                sim.seed + 1
            };
            if let Err(e) = sim.restart(&robot.model, seed) {
                notice.post("notice_physics", e, now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::Model;

    #[test]
    fn the_app_runs_an_episode_to_the_end_and_starts_the_next_seed() {
        runs_an_episode_to_the_end(Model::from_urdf_str(panda::URDF).unwrap());
    }

    /// Another arm, with a suction cup instead of the Panda's fingers, in the app as well.
    #[test]
    fn the_app_runs_the_task_on_the_bundled_iiwa() {
        runs_an_episode_to_the_end(
            Model::from_urdf_str(include_str!("../../urdf/kuka_iiwa14.urdf")).unwrap(),
        );
    }

    fn runs_an_episode_to_the_end(model: Model) {
        use bevy::state::app::StatesPlugin;
        use bevy::time::TimeUpdateStrategy;
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin))
            .insert_resource(Robot::new(model))
            .add_plugins((super::super::robot::RobotPlugin, SimPlugin))
            .insert_resource(TimeUpdateStrategy::ManualDuration(
                std::time::Duration::from_millis(100),
            ));
        app.world_mut().resource_mut::<Sim>().speed = 4.0;
        let mut frames = 0;
        while app.world().resource::<Sim>().episodes == 0 && frames < 400 {
            app.update();
            frames += 1;
        }
        let sim = app.world().resource::<Sim>();
        assert_eq!(sim.episodes, 1, "no episode finished in {frames} frames");
        assert_eq!(sim.successes, 1);
        // The arm shown is the physics arm.
        let robot = app.world().resource::<Robot>();
        assert_eq!(Some(robot.q.clone()), sim.shown_q());
        for _ in 0..20 {
            app.update();
        }
        assert_eq!(app.world().resource::<Sim>().seed, 2);
    }
}
