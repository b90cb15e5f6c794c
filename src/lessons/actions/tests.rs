use super::task::{DRIVER, Results};
use super::*;
use crate::kit::LessonSettings;
use crate::lessons::test_support::link;
use crate::sim::task::{ActionMode, PickPlaceConfig, Reading};
use std::collections::BTreeMap;

/// A link opens the same settings; a hand-edited link with bad values changes nothing.
#[test]
fn the_settings_round_trip_through_a_link() {
    let mut s = ActionsState {
        section: Section::Latency,
        rate: 5,
        horizon: 12,
        execute: 4,
        ensemble: true,
        m: 0.35,
        latency: 3,
        compensate: false,
        low_pass: false,
        tau: 0.12,
        penalty: true,
        lambda: 0.4,
        mu: 2.5,
        noise: 0.3,
        reading: Reading::RotationAsEuler,
        joint: 5,
        show_chunks: false,
        show_paths: false,
        repeat: true,
    };
    let mut out = BTreeMap::new();
    s.write_params(&mut out);
    let mut back = ActionsState::default();
    back.apply_params(&out);
    assert_eq!(back, s);
    let before = s.clone();
    s.apply_params(&link(&[
        ("rate", "7"),
        ("H", "x"),
        ("m", "NaN"),
        ("noise", "inf"),
        ("read", "sideways"),
        ("section", "nowhere"),
    ]));
    assert_eq!(s, before);
    // Out of range is clamped, and h never exceeds H.
    s.apply_params(&link(&[("H", "500"), ("h", "3"), ("latency", "99")]));
    assert_eq!(
        (s.horizon, s.execute, s.latency),
        (MAX_HORIZON, 3, MAX_LATENCY)
    );
    s.apply_params(&link(&[("H", "2")]));
    assert_eq!((s.horizon, s.execute), (2, 2));
}

#[test]
fn the_settings_become_the_tasks_configuration() {
    let s = ActionsState {
        rate: 50,
        horizon: 8,
        execute: 3,
        latency: 2,
        compensate: false,
        penalty: true,
        noise: 0.25,
        reading: Reading::TaskAsJoint,
        ..Default::default()
    };
    let mut cfg = PickPlaceConfig::default();
    s.configure(&mut cfg);
    assert!((cfg.control_period - 0.02).abs() < 1e-15);
    assert_eq!((cfg.chunk, cfg.execute, cfg.latency), (8, Some(3), 2));
    assert!(!cfg.latency_compensation);
    assert_eq!(cfg.chunk_penalty, Some((s.lambda, s.mu)));
    assert_eq!(cfg.ensemble, None);
    assert_eq!((cfg.chunk_noise, cfg.reading), (0.25, Reading::TaskAsJoint));
    assert!(cfg.record_live && !cfg.course);
    let ens = ActionsState {
        ensemble: true,
        m: 0.5,
        ..s
    };
    ens.configure(&mut cfg);
    assert_eq!(cfg.ensemble, Some(0.5));
    assert_eq!(cfg.execution_horizon(), 1);
}

#[test]
fn only_what_changes_the_episode_changes_its_row() {
    let a = ActionsState::default();
    let shown = ActionsState {
        section: Section::Compare,
        joint: 6,
        show_chunks: false,
        show_paths: false,
        repeat: true,
        ..a.clone()
    };
    assert_eq!(a.label(), shown.label());
    for changed in [
        ActionsState {
            rate: 5,
            ..a.clone()
        },
        ActionsState {
            execute: 2,
            ..a.clone()
        },
        ActionsState {
            ensemble: true,
            ..a.clone()
        },
        ActionsState {
            latency: 1,
            ..a.clone()
        },
        ActionsState {
            low_pass: false,
            ..a.clone()
        },
        ActionsState {
            penalty: true,
            ..a.clone()
        },
        ActionsState {
            noise: 0.1,
            ..a.clone()
        },
        ActionsState {
            reading: Reading::TaskAsJoint,
            ..a.clone()
        },
    ] {
        assert_ne!(a.label(), changed.label(), "{changed:?}");
    }
}

#[test]
fn every_step_opens_valid_settings() {
    crate::lessons::test_support::assert_steps_open_valid_settings::<ActionsState>(
        super::steps::STEPS,
    );
}

/// In the app: opening the lesson runs the task with its settings, a change restarts it with
/// the new ones, episodes land in the table under their settings, and leaving puts the plain
/// task back.
#[test]
fn in_the_app_the_settings_drive_the_physics_and_fill_the_table() {
    let mut app = crate::lessons::physics_app::physics_app(ID);
    app.update();
    app.update();
    let config = |app: &App| {
        app.world()
            .resource::<Sim>()
            .episode()
            .map(|e| e.config().clone())
    };
    assert_eq!(app.world().resource::<Sim>().driver(), DRIVER);
    assert_eq!(config(&app).map(|c| c.chunk), Some(10));
    {
        let mut s = app.world_mut().resource_mut::<ActionsState>();
        s.horizon = 6;
        s.execute = 2;
        s.repeat = true;
    }
    app.update();
    app.update();
    let c = config(&app).unwrap();
    assert_eq!((c.chunk, c.execute), (6, Some(2)));
    assert!(app.world().resource::<Sim>().repeat_seed);
    // Run one episode to the end, fast.
    app.world_mut().resource_mut::<Sim>().speed = 4.0;
    let seed = app.world().resource::<Sim>().seed;
    let mut frames = 0;
    while app.world().resource::<Results>().rows.is_empty() && frames < 400 {
        app.update();
        frames += 1;
    }
    let results = app.world().resource::<Results>();
    assert_eq!(results.rows.len(), 1, "{frames} frames");
    let row = &results.rows[0];
    assert_eq!(row.label, app.world().resource::<ActionsState>().label());
    assert_eq!(
        (row.episodes, row.successes, row.mode),
        (1, 1, ActionMode::Task)
    );
    assert!(row.mean_time().is_some_and(|t| t > 1.0));
    // The chunks and the live signals were recorded for drawing.
    let sim = app.world().resource::<Sim>();
    let e = sim.episode().unwrap();
    assert!(!e.chunks().is_empty() && !e.recent().is_empty());
    // Replaying: the next episode is on the same seed.
    for _ in 0..40 {
        app.update();
    }
    assert_eq!(app.world().resource::<Sim>().seed, seed);
    app.world_mut()
        .resource_mut::<NextState<crate::kit::ActiveLesson>>()
        .set(crate::kit::ActiveLesson(None));
    app.update();
    let sim = app.world().resource::<Sim>();
    assert!(sim.scenario().is_none() && !sim.repeat_seed);
}

/// With a moment of the timeline shown, the plots over time centre on it (as far as the
/// samples go) instead of ending at the newest sample.
#[test]
fn the_plots_centre_on_the_moment_the_timeline_shows() {
    let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let cfg = PickPlaceConfig {
        record_live: true,
        ..PickPlaceConfig::default()
    };
    let mut e = crate::sim::task::Episode::new(&model, 2, &cfg).unwrap();
    for _ in 0..100 {
        e.step_period().unwrap();
    }
    let span = |s: &[&crate::sim::task::LiveSample]| (s[0].t, s[s.len() - 1].t);
    let (a, b) = span(&super::panel::plotted(&e, None));
    assert!(
        (b - 5.0).abs() < 1e-9 && (b - a - 3.0).abs() < 0.01,
        "{a} {b}"
    );
    let (a, b) = span(&super::panel::plotted(&e, Some(2.0)));
    assert!((a - 0.5).abs() < 0.01 && (b - 3.5).abs() < 0.01, "{a} {b}");
    // Near the newest sample the window ends there.
    let (_, b) = span(&super::panel::plotted(&e, Some(4.9)));
    assert!((b - 5.0).abs() < 1e-9);
}
