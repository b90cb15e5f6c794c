//! The timeline: every control period of every run (the physics, and the arm moved by hand in
//! teach mode) kept for five minutes (`Sim::history`), any of those moments shown (the arm, the
//! cube and everything read from the episode as they were then), single steps back and
//! forward, a branch (play on from the moment shown), and a run kept aside for A/B. The scrub
//! bar that asks for these is `scrub.rs`; the files a run leaves are `export.rs`.

use crate::kit::ArmSet;
use crate::kit::robot::ModelReplaced;
use crate::kit::robot::Robot;
use crate::kit::sim::DriveMode;
use crate::kit::sim::Sim;
use crate::sim::history::Source;
use bevy::prelude::*;

use crate::kit::sim::TEACH_PERIOD;

/// A run kept aside for comparison: its arm and cube at every control period.
#[derive(Clone, Debug, PartialEq)]
pub struct PinnedRun {
    pub seed: Option<u64>,
    /// (time in the run, joint values, cube pose), one per period.
    pub frames: Vec<(f64, Vec<f64>, Option<crate::math::Transform>)>,
}

impl PinnedRun {
    /// The frames of `run` in `history`.
    pub fn from_history(history: &crate::sim::history::History, run: u64) -> Option<PinnedRun> {
        let frames: Vec<_> = history
            .frames()
            .filter(|f| f.run == run)
            .map(|f| (f.row.t, f.row.q.clone(), f.cube))
            .collect();
        let seed = history.frames().find(|f| f.run == run)?.seed;
        Some(PinnedRun { seed, frames })
    }

    /// The kept arm `t` seconds into its run: the last period at or before `t` (its end after it
    /// ended, its start before it began).
    pub fn at(&self, t: f64) -> Option<&(f64, Vec<f64>, Option<crate::math::Transform>)> {
        let i = self.frames.partition_point(|f| f.0 <= t + 1e-9);
        self.frames.get(i.saturating_sub(1))
    }

    /// How long the kept run lasted (s).
    pub fn duration(&self) -> f64 {
        self.frames.last().map_or(0.0, |f| f.0)
    }
}

/// The run kept for A/B, if any.
#[derive(Resource, Default)]
pub struct Pinned(pub Option<PinnedRun>);

/// The colour of the kept run's ghost.
pub const PINNED_COLOR: Color = Color::srgb(1.0, 0.35, 0.85);

/// The run `Pin` keeps: the moment shown's, else the newest run that has ended (not the live
/// one), else the live one.
pub fn run_to_pin(sim: &Sim) -> Option<u64> {
    if let Some((_, f)) = sim.viewed() {
        return Some(f.run);
    }
    let live = sim.live_run();
    sim.history
        .frames()
        .rev()
        .filter(|f| f.source == Source::Physics)
        .map(|f| f.run)
        .find(|&r| Some(r) != live)
        .or(live)
}

pub struct TimelinePlugin;

impl Plugin for TimelinePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<TeachClock>()
            .init_resource::<Held>()
            .init_resource::<Pinned>()
            .add_message::<ModelReplaced>()
            .add_systems(Update, forget_pinned_on_new_model.in_set(ArmSet::Actions))
            // Drawn where gizmos exist (not in the headless tests).
            .add_systems(
                Update,
                draw_pinned
                    .in_set(ArmSet::Views)
                    .run_if(resource_exists::<bevy::gizmos::config::GizmoConfigStore>),
            )
            .add_systems(
                Update,
                (record_teach.run_if(in_state(DriveMode::Teach)), show_viewed)
                    .chain()
                    .after(ArmSet::Drive)
                    .before(ArmSet::Kinematics),
            );
    }
}

/// Real seconds since the last teach-mode frame was recorded.
#[derive(Resource, Default)]
struct TeachClock(f64);

/// The teach-mode arm held aside while the timeline shows another moment.
#[derive(Resource, Default)]
pub struct Held(pub Option<Vec<f64>>);

/// Records the arm every control period of real time while the user moves it.
fn record_teach(
    mut sim: ResMut<Sim>,
    robot: Res<Robot>,
    time: Res<Time>,
    mut clock: ResMut<TeachClock>,
) {
    if sim.viewed().is_some() {
        return;
    }
    clock.0 += time.delta_secs_f64();
    let period = TEACH_PERIOD;
    let fresh = sim.history.last().is_none_or(|f| f.source != Source::Teach);
    if fresh || clock.0 >= period {
        let dt = if fresh { 0.0 } else { clock.0 };
        sim.history.record_pose(&robot.q, dt);
        clock.0 = 0.0;
    }
}

/// While a moment is shown, the arm is as it was then (in teach mode the user's arm is held
/// aside and comes back when the timeline goes live).
fn show_viewed(
    sim: Res<Sim>,
    mut robot: ResMut<Robot>,
    mode: Res<State<DriveMode>>,
    mut held: ResMut<Held>,
) {
    match sim.viewed() {
        Some((_, frame)) => {
            if *mode.get() == DriveMode::Teach && held.0.is_none() {
                held.0 = Some(robot.q.clone());
            }
            if robot.q != frame.row.q {
                robot.set_q(&frame.row.q);
            }
        }
        None => {
            if let Some(q) = held.0.take()
                && *mode.get() == DriveMode::Teach
            {
                robot.set_q(&q);
            }
        }
    }
}

/// A pinned run of another robot means nothing on a new one.
fn forget_pinned_on_new_model(
    mut replaced: MessageReader<ModelReplaced>,
    mut pinned: ResMut<Pinned>,
) {
    if replaced.read().count() > 0 {
        pinned.0 = None;
    }
}

/// The kept run's arm (and cube) at the time of the episode shown, beside it.
fn draw_pinned(pinned: Res<Pinned>, sim: Res<Sim>, robot: Res<Robot>, mut gizmos: Gizmos) {
    let Some(run) = &pinned.0 else { return };
    let Some((_, q, cube)) = run.at(sim.time()) else {
        return;
    };
    if q.len() != robot.model.dof() {
        return;
    }
    crate::kit::draw::draw_skeleton(&mut gizmos, &robot.model, q, PINNED_COLOR);
    let side = sim.episode().map_or(0.04, |e| e.scenario.cube_side) as f32;
    if let Some(c) = cube {
        let mut t = crate::kit::convert::transform(c);
        t.scale = Vec3::splat(side);
        gizmos.cube(t, PINNED_COLOR);
    }
}

/// The timeline as CSV, with the robot's joint names in the header.
pub fn timeline_csv(sim: &Sim, robot: &Robot) -> String {
    let m = &robot.model;
    let names: Vec<&str> = m.dof_joint_names();
    sim.history.to_csv(&names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_app::{run, send, test_app};
    use crate::kit::commands::{Request, TimelineCmd};
    use bevy::time::TimeUpdateStrategy;

    fn app() -> App {
        test_app()
    }

    /// What the app shows: the arm, the episode's clock and phase, the cube, the tool pose the
    /// kinematics computed from the arm (what the lessons' readouts start from).
    fn shown(app: &App) -> (Vec<f64>, f64, String, Option<[f64; 3]>, [f64; 3]) {
        let sim = app.world().resource::<Sim>();
        let robot = app.world().resource::<Robot>();
        let cube = sim.shown_cube().map(|(a, _, _, _)| a.translation.into());
        let tool = robot.poses[robot.tool].translation.into();
        (
            robot.q.clone(),
            sim.time(),
            format!("{:?}", sim.phase()),
            cube,
            tool,
        )
    }

    #[test]
    fn scrubbing_shows_a_recorded_moment_exactly_and_live_comes_back() {
        let mut app = app();
        run(&mut app, 80);
        let (len, frame) = {
            let sim = app.world().resource::<Sim>();
            (sim.history.len(), sim.history.frame(30).cloned().unwrap())
        };
        assert!(len >= 80, "{len} frames");
        let live = shown(&app);
        send(&mut app, TimelineCmd::Show(30));
        let (q, t, phase, cube, tool) = shown(&app);
        assert_eq!(q, frame.row.q);
        assert_eq!(t, frame.row.t);
        assert_eq!(phase, format!("{:?}", frame.phase));
        let c = frame.cube.unwrap().translation;
        assert_eq!(cube, Some([c.x, c.y, c.z]));
        // The kinematics' tool is the physics tool of that moment (to the FK's rounding).
        for k in 0..3 {
            assert!((tool[k] - frame.row.tool[k]).abs() < 1e-9, "{tool:?}");
        }
        // Shown moments stay put: the live run waits.
        run(&mut app, 10);
        assert_eq!(shown(&app).0, frame.row.q);
        assert_eq!(app.world().resource::<Sim>().history.len(), len);
        // Steps back and forward, by one period and (Shift) by a second.
        send(&mut app, TimelineCmd::Step(-1));
        assert_eq!(
            app.world().resource::<Sim>().viewed().map(|v| v.0),
            Some(29)
        );
        send(&mut app, TimelineCmd::Seconds(1.0));
        assert_eq!(
            app.world().resource::<Sim>().viewed().map(|v| v.0),
            Some(49)
        );
        send(&mut app, TimelineCmd::Live);
        assert_eq!(shown(&app), live);
        app.world_mut()
            .write_message(Request::Shortcut(crate::kit::commands::Shortcut::PlayPause));
        run(&mut app, 5);
        assert!(app.world().resource::<Sim>().history.len() > len);
    }

    /// The joint values of `n` recorded periods from index `from`.
    fn joints(app: &App, from: usize, n: usize) -> Vec<Vec<f64>> {
        app.world()
            .resource::<Sim>()
            .history
            .frames()
            .skip(from)
            .take(n)
            .map(|f| f.row.q.clone())
            .collect()
    }

    /// Two apps branch from the same moment: the same future, and the one recorded.
    #[test]
    fn branching_from_a_moment_continues_deterministically() {
        let branch = || {
            let mut app = app();
            run(&mut app, 120);
            let recorded = joints(&app, 61, 40);
            send(&mut app, TimelineCmd::Show(60));
            send(&mut app, TimelineCmd::Branch);
            let sim = app.world().resource::<Sim>();
            assert!(sim.viewed().is_none() && sim.playing);
            assert_eq!(sim.history.len(), 62, "frames after the moment are gone");
            run(&mut app, 40);
            let after = joints(&app, 61, 40);
            (recorded, after)
        };
        let (recorded, a) = branch();
        let (_, b) = branch();
        assert_eq!(a.len(), 40);
        assert_eq!(a, b);
        assert_eq!(a, recorded);
    }

    #[test]
    fn teach_mode_is_recorded_and_scrubbing_holds_the_users_arm_aside() {
        let mut app = app();
        app.world_mut()
            .write_message(Request::Drive(DriveMode::Teach));
        run(&mut app, 3);
        let dof = app.world().resource::<Robot>().q.len();
        let first = app.world().resource::<Robot>().q.clone();
        for k in 1..=10 {
            let mut q = first.clone();
            q[0] += 0.02 * k as f64;
            app.world_mut().write_message(Request::Joint(0, q[0]));
            app.update();
        }
        let mine = app.world().resource::<Robot>().q.clone();
        assert_eq!(mine.len(), dof);
        let (index, frame) = {
            let sim = app.world().resource::<Sim>();
            let i = sim
                .history
                .frames()
                .position(|f| f.source == Source::Teach)
                .unwrap();
            (i, sim.history.frame(i).cloned().unwrap())
        };
        assert_eq!(frame.row.q, first);
        send(&mut app, TimelineCmd::Show(index));
        assert_eq!(app.world().resource::<Robot>().q, first);
        send(&mut app, TimelineCmd::Live);
        assert_eq!(app.world().resource::<Robot>().q, mine);
        // Branching from a teach moment takes that pose up.
        send(&mut app, TimelineCmd::Show(index + 3));
        let then = app.world().resource::<Robot>().q.clone();
        send(&mut app, TimelineCmd::Branch);
        app.update();
        assert_eq!(app.world().resource::<Robot>().q, then);
        assert!(app.world().resource::<Sim>().viewed().is_none());
    }

    #[test]
    fn the_csv_export_has_a_row_per_period_and_reads_back() {
        let mut app = app();
        run(&mut app, 30);
        let (sim, robot) = (
            app.world().resource::<Sim>(),
            app.world().resource::<Robot>(),
        );
        let csv = timeline_csv(sim, robot);
        let (names, rows) = crate::sim::history::parse_csv(&csv).unwrap();
        assert_eq!(names.len(), robot.model.dof());
        assert_eq!(rows.len(), sim.history.len());
        assert_eq!(
            rows.last().map(|r| r.q.clone()),
            sim.history.last().map(|f| f.row.q.clone())
        );
    }

    /// Pinning a finished run replays its seed; with the same settings the live arm is the
    /// ghost at every period, with another action space it is not.
    #[test]
    fn a_pinned_run_is_the_ghost_of_its_replay() {
        for switch in [false, true] {
            let mut app = app();
            app.world_mut().resource_mut::<Sim>().speed = 4.0;
            while app.world().resource::<Sim>().episodes == 0 {
                app.update();
            }
            run(&mut app, 40);
            let first = app.world().resource::<Sim>().history.frame(0).unwrap().run;
            assert_eq!(run_to_pin(app.world().resource::<Sim>()), Some(first));
            send(&mut app, TimelineCmd::Pin);
            let (pinned, recorded) = {
                let sim = app.world().resource::<Sim>();
                assert_eq!(sim.seed, 1);
                assert!(sim.repeat_seed);
                let pinned = app.world().resource::<Pinned>().0.clone().unwrap();
                let recorded = sim.history.frames().filter(|f| f.run == first).count();
                (pinned, recorded)
            };
            assert_eq!(pinned.frames.len(), recorded);
            if switch {
                app.world_mut()
                    .write_message(Request::ActionSpace(crate::sim::task::ActionMode::Joint));
            }
            let mut differs = false;
            for _ in 0..40 {
                app.update();
                let sim = app.world().resource::<Sim>();
                let live = sim.live_episode().unwrap();
                let (t, q, _) = pinned.at(live.arm.time()).unwrap();
                assert!((t - live.arm.time()).abs() < 1e-9);
                differs |= *q != live.arm.q();
            }
            assert_eq!(differs, switch);
            send(&mut app, TimelineCmd::Unpin);
            assert!(app.world().resource::<Pinned>().0.is_none());
            assert!(!app.world().resource::<Sim>().repeat_seed);
        }
    }

    /// Shift steps go by seconds of recorded time, whatever the frame rate was.
    #[test]
    fn a_second_back_is_a_second_of_recorded_time_at_any_frame_rate() {
        let mut app = app();
        app.insert_resource(TimeUpdateStrategy::ManualDuration(
            std::time::Duration::from_millis(310),
        ));
        app.world_mut()
            .write_message(Request::Drive(DriveMode::Teach));
        run(&mut app, 30);
        send(&mut app, TimelineCmd::Seconds(-1.0));
        send(&mut app, TimelineCmd::Seconds(-1.0));
        let sim = app.world().resource::<Sim>();
        let (i, _) = sim.viewed().unwrap();
        let back = sim.history.seconds_back(i);
        assert!((back - 2.0).abs() <= 0.31, "{back} s back");
    }

    /// A new robot starts a new timeline: the old robot's moments and pinned run are dropped.
    #[test]
    fn a_new_robot_starts_a_new_timeline() {
        let mut app = app();
        run(&mut app, 30);
        send(&mut app, TimelineCmd::Pin);
        send(&mut app, TimelineCmd::Show(10));
        assert!(app.world().resource::<Pinned>().0.is_some());
        let iiwa = crate::robot::Model::from_urdf_str(include_str!("../../urdf/kuka_iiwa14.urdf"))
            .unwrap();
        app.world_mut().resource_mut::<Robot>().replace_model(iiwa);
        run(&mut app, 2);
        let sim = app.world().resource::<Sim>();
        assert!(sim.viewed().is_none());
        assert!(app.world().resource::<Pinned>().0.is_none());
        let dof = app.world().resource::<Robot>().model.dof();
        assert!(sim.history.len() <= 3, "{}", sim.history.len());
        assert!(sim.history.frames().all(|f| f.row.q.len() == dof));
    }
}
