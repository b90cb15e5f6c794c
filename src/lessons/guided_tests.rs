//! The guided steps in the running app: entering a step applies its scene (camera, settings,
//! pose, drive mode) in a `MinimalPlugins` app, for every step of every lesson.

use crate::kit::convert;
use crate::kit::i18n::Lang;
use crate::kit::prelude::*;
use crate::kit::{ActiveLesson, LessonParams, StepCommand, StepState};
use crate::math::Vec3 as RVec3;
use bevy::prelude::*;
use bevy_panorbit_camera::PanOrbitCamera;

/// The Jacobian lesson's step at the near-singular pose, with the ghost arms on.
fn near_singularity_step() -> usize {
    crate::lessons::jacobian::LESSON
        .steps
        .iter()
        .position(|s| s.title.en == "Near a singularity")
        .expect("the singularity step")
}

fn app(lesson: &str, step: Option<usize>) -> App {
    use bevy::state::app::StatesPlugin;
    let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let mut app = App::new();
    // Drawing needs the renderer's gizmo resources: without them its systems are skipped.
    app.set_error_handler(bevy::ecs::error::ignore);
    app.add_plugins((MinimalPlugins, StatesPlugin))
        .insert_resource(Lang::En)
        .init_resource::<crate::kit::widgets::Labels>()
        .init_resource::<Headless>()
        .add_plugins(crate::app::ArmtutorPlugin {
            model,
            lang: Lang::En,
            lessons: crate::lessons::ALL,
            course: crate::lessons::COURSE,
            lesson: Some(lesson.into()),
            step,
        });
    app.world_mut().spawn(PanOrbitCamera::default());
    app
}

fn camera(app: &mut App) -> PanOrbitCamera {
    let mut q = app.world_mut().query::<&PanOrbitCamera>();
    *q.single(app.world()).unwrap()
}

/// `--step 5` of the Jacobian lesson: the camera frames the high wrist, the singularity
/// section opens with the ghost arms, the arm is put in the near-singular pose in teach
/// mode; PageDown then moves on and applies the next step.
#[test]
fn entering_a_step_applies_its_set_up() {
    use crate::lessons::jacobian::{JacobianState, Section};
    let near = near_singularity_step();
    let mut app = app("jacobian", Some(near));
    for _ in 0..3 {
        app.update();
    }
    let steps = crate::lessons::jacobian::LESSON.steps;
    assert_eq!(app.world().resource::<StepState>().current, Some(near));
    let cam = camera(&mut app);
    let shot = steps[near].shot;
    assert!((convert::point_to_robot(cam.target_focus) - RVec3::from(shot.target)).norm() < 1e-6);
    assert_eq!(cam.target_radius, shot.distance);
    let state = app.world().resource::<JacobianState>();
    assert_eq!(state.section, Section::Singularity);
    assert!(state.ghosts && state.velocity && !state.force);
    assert_eq!(
        *app.world().resource::<State<DriveMode>>().get(),
        DriveMode::Teach
    );
    let robot = app.world().resource::<Robot>();
    let q = robot.kin.as_ref().unwrap().q_chain.clone();
    let want = steps[near].sim.q.unwrap();
    assert!(
        q.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-12),
        "{q:?}"
    );
    // The student changes something; the next step sets its own scene up.
    app.world_mut().resource_mut::<JacobianState>().ghosts = false;
    app.world_mut().write_message(StepCommand::Next);
    app.update();
    app.update();
    assert_eq!(app.world().resource::<StepState>().current, Some(near + 1));
    assert!(app.world().resource::<JacobianState>().ghosts);
    // Going back to the first step: the columns section, with its shot.
    app.world_mut().write_message(StepCommand::Go(0));
    app.update();
    app.update();
    let state = app.world().resource::<JacobianState>();
    assert_eq!(state.section, Section::Columns);
    assert!(state.columns && !state.ghosts);
    assert_eq!(camera(&mut app).target_radius, steps[0].shot.distance);
    // Another lesson ends the sequence: free exploration, nothing re-applied.
    app.world_mut()
        .resource_mut::<NextState<ActiveLesson>>()
        .set(ActiveLesson(Some("rotations")));
    app.update();
    assert_eq!(app.world().resource::<StepState>().current, None);
}

/// A link names a step and a setting changed inside it (`?lesson=jacobian&step=5&ghosts=0`):
/// the step's set-up applies first, the link's setting on top, so the scene reopens as it was.
#[test]
fn a_links_settings_go_on_top_of_its_steps_set_up() {
    use crate::lessons::jacobian::{JacobianState, Section};
    let near = near_singularity_step();
    let mut app = app("jacobian", Some(near));
    // A malformed value in the link leaves the step's own (the section here).
    app.world_mut().resource_mut::<LessonParams>().given =
        crate::lessons::test_support::link(&[("ghosts", "0"), ("section", "%E2")]);
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(app.world().resource::<StepState>().current, Some(near));
    let state = app.world().resource::<JacobianState>();
    assert_eq!(state.section, Section::Singularity, "the step's own set-up");
    assert!(!state.ghosts, "the link's setting, on top");
    // Entering the step again later applies its own set-up alone.
    app.world_mut().write_message(StepCommand::Go(near));
    app.update();
    app.update();
    assert!(app.world().resource::<JacobianState>().ghosts);
}

/// A step's own set-up is not a link's: a setting the lesson writes back in another form
/// (the frames lesson's `a=base` becomes a link's name) is not reported as unused.
#[test]
fn a_steps_own_settings_are_never_reported_unused() {
    for (lesson, info) in crate::lessons::ALL.iter().map(|l| (l.id, l)) {
        for i in 0..info.steps.len() {
            let mut app = app(lesson, Some(i));
            for _ in 0..3 {
                app.update();
            }
            let notice = app.world().resource::<Notice>();
            assert_ne!(
                notice.key,
                "notice_link_ignored",
                "{lesson} step {}: {:?}",
                i + 1,
                notice.text
            );
        }
    }
}

/// Settings a lesson cannot take (unknown keys, malformed or huge values, thousands of keys)
/// leave the defaults and are named in one notice line; good ones still apply.
#[test]
fn a_hostile_links_settings_fall_back_with_one_notice() {
    use crate::lessons::jacobian::JacobianState;
    let mut app = app("jacobian", None);
    let mut given = crate::lessons::test_support::link(&[
        ("ghosts", "1"),
        ("section", "ünïcödé"),
        ("zzz", "1e308"),
        ("elbow", "NaN"),
    ]);
    for i in 0..5000 {
        given.insert(format!("k{i}"), "-1".repeat(50));
    }
    app.world_mut().resource_mut::<LessonParams>().given = given;
    for _ in 0..3 {
        app.update();
    }
    assert!(
        app.world().resource::<JacobianState>().ghosts,
        "a good setting applies"
    );
    let notice = app.world().resource::<Notice>();
    assert_eq!(notice.key, "notice_link_ignored");
    let text = notice.text.clone().unwrap_or_default();
    // Sorted by key: elbow, k0, k1, k10 named; the other 4 999 (section and zzz among them)
    // counted.
    assert!(text.starts_with("elbow=NaN, k0=-1-1"), "{text}");
    assert!(text.ends_with("and 4999 more"), "{text}");
    assert!(!text.contains('\n') && text.chars().count() < 200, "{text}");
    assert!(app.world().resource::<LessonParams>().ignored.is_empty());
}

/// `--step 51` of an eight-step lesson: the last step opens, and the notice says why.
#[test]
fn a_step_past_the_last_opens_the_last_with_a_notice() {
    let mut app = app("jacobian", Some(50));
    for _ in 0..3 {
        app.update();
    }
    let last = crate::lessons::jacobian::LESSON.steps.len();
    assert_eq!(app.world().resource::<StepState>().current, Some(last - 1));
    let notice = app.world().resource::<Notice>();
    assert_eq!(notice.key, "notice_link_ignored");
    assert_eq!(
        notice.text.as_deref(),
        Some(format!("step=51 (of {last})").as_str())
    );
}

/// Every step of every lesson, entered in turn: each setting it names is one its lesson
/// knows and keeps (written back unchanged), and the camera takes its shot.
#[test]
fn every_step_sets_only_settings_its_lesson_knows() {
    for lesson in crate::lessons::ALL {
        let mut app = app(lesson.id, None);
        app.update();
        for (i, step) in lesson.steps.iter().enumerate() {
            app.world_mut().write_message(StepCommand::Go(i));
            app.update();
            app.update();
            let at = format!("{} step {}", lesson.id, i + 1);
            let params = app.world().resource::<LessonParams>();
            assert_eq!(params.owner, Some(lesson.id), "{at}");
            for (k, v) in step.params {
                match params.now.get(*k) {
                    Some(now) => assert_eq!(now, v, "{at}: {k}"),
                    // Frame picks are resolved against the robot, not written back.
                    None => assert!(
                        lesson.id == "frames" && ["a", "b", "c"].contains(k),
                        "{at}: {k} is not a setting of {}",
                        lesson.id
                    ),
                }
            }
            assert_eq!(camera(&mut app).target_yaw, step.shot.yaw, "{at}");
        }
    }
}

/// The frames lesson's named picks land on the robot's links.
#[test]
fn a_step_picks_frames_by_name() {
    use crate::lessons::frames::{FrameRef, FramesState};
    let mut app = app("frames", Some(1));
    for _ in 0..3 {
        app.update();
    }
    let tool = app.world().resource::<Robot>().tool;
    let state = app.world().resource::<FramesState>();
    assert_eq!(state.a, FrameRef::Link(0));
    assert_eq!(state.c, FrameRef::Link(tool));
    assert_ne!(state.b, state.a);
}

/// Leaving a lesson is a state transition: its settings go back to their defaults (what a
/// fresh link opens), and opening it again starts from them.
#[test]
fn leaving_a_lesson_resets_its_settings() {
    use crate::lessons::jacobian::{JacobianState, Section};
    let mut app = app("jacobian", None);
    app.update();
    {
        let mut s = app.world_mut().resource_mut::<JacobianState>();
        s.section = Section::TwistWrench;
        s.ghosts = true;
        s.linear_dq = 0.35;
    }
    app.update();
    assert!(app.world().resource::<LessonParams>().now.get("ghosts") == Some(&"1".into()));
    app.world_mut()
        .resource_mut::<NextState<ActiveLesson>>()
        .set(ActiveLesson(Some("rotations")));
    app.update();
    let (s, d) = (
        app.world().resource::<JacobianState>(),
        JacobianState::default(),
    );
    assert_eq!(
        (s.section, s.ghosts, s.linear_dq),
        (d.section, d.ghosts, d.linear_dq)
    );
}
