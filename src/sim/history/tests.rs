use super::*;
use crate::robot::Model;
use crate::sim::task::PickPlaceConfig;

fn panda() -> Model {
    Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
}

/// Runs the episode of `seed` to its end, recording every period; returns the history and the
/// run's number.
fn recorded(history: &mut History, seed: u64, switch_at: Option<usize>) -> (u64, Episode) {
    let mut episode = Episode::new(&panda(), seed, &PickPlaceConfig::default()).unwrap();
    let run = history.start_run(&episode, seed);
    while !episode.finished() {
        if Some(episode.period()) == switch_at {
            episode.set_mode(ActionMode::Joint);
        }
        episode.step_period().unwrap();
        history.record(run, &episode, seed);
    }
    (run, episode)
}

fn state(e: &Episode) -> (Vec<f64>, Vec<f64>, Option<Transform>) {
    (e.arm.q(), e.arm.qd(), e.arm.body_pose(e.cube))
}

#[test]
fn every_moment_kept_is_restored_exactly() {
    let mut h = History::new(10_000, 40);
    let (run, end) = recorded(&mut h, 3, None);
    let n = h.len();
    assert_eq!(h.frame(n - 1).map(|f| f.period), Some(end.period()));
    assert!(h.checkpoints() >= n / 40, "{} checkpoints", h.checkpoints());
    // The start, moments on and between checkpoints, the end.
    for i in [0, 1, 39, 40, 41, 117, n / 2, n - 1] {
        let f = h.frame(i).unwrap();
        assert_eq!((f.run, f.source), (run, Source::Physics));
        let e = h.episode_at(i).unwrap();
        assert_eq!(e.period(), f.period);
        assert_eq!(e.trace_row(), f.row, "moment {i}");
        assert_eq!(e.arm.body_pose(e.cube), f.cube);
        assert_eq!(Some(e.phase()), f.phase);
    }
    assert_eq!(state(&h.episode_at(n - 1).unwrap()), state(&end));
}

#[test]
fn a_change_of_action_space_mid_run_is_replayed() {
    let mut h = History::new(10_000, 40);
    let (_, end) = recorded(&mut h, 5, Some(50));
    let n = h.len();
    // A different path from the one without the switch, and restored exactly.
    let mut plain = History::new(10_000, 40);
    recorded(&mut plain, 5, None);
    assert_ne!(plain.frame(90).unwrap().row.q, h.frame(90).unwrap().row.q);
    for i in [49, 50, 51, 60, 90, n - 1] {
        let e = h.episode_at(i).unwrap();
        assert_eq!(e.trace_row(), h.frame(i).unwrap().row, "moment {i}");
    }
    assert_eq!(state(&h.episode_at(n - 1).unwrap()), state(&end));
}

#[test]
fn branching_from_a_moment_continues_deterministically() {
    let mut h = History::new(10_000, 40);
    let (run, end) = recorded(&mut h, 2, None);
    let finish = |mut e: Episode| {
        let mut path = Vec::new();
        while !e.finished() {
            e.step_period().unwrap();
            path.push(e.trace_row());
        }
        (path, e.outcome())
    };
    let i = 100;
    let (a, oa) = finish(h.episode_at(i).unwrap());
    let (b, ob) = finish(h.episode_at(i).unwrap());
    assert_eq!(a, b);
    assert_eq!(oa, ob);
    // The same as the run that was recorded.
    let recorded: Vec<TraceRow> = h.frames().skip(i + 1).map(|f| f.row.clone()).collect();
    assert_eq!(a, recorded);
    assert_eq!(oa, end.outcome());

    // A branch: the later frames go, and the run records on from the moment.
    let mut branch = h.episode_at(i).unwrap();
    h.truncate_after(i);
    assert_eq!(h.len(), i + 1);
    branch.set_mode(ActionMode::Joint);
    for _ in 0..30 {
        branch.step_period().unwrap();
        h.record(run, &branch, 2);
    }
    assert_eq!(h.len(), i + 31);
    let last = h.len() - 1;
    assert_eq!(
        h.episode_at(last).unwrap().trace_row(),
        h.frame(last).unwrap().row
    );
}

#[test]
fn the_ring_keeps_the_newest_frames_and_only_the_checkpoints_they_need() {
    let mut h = History::new(120, 20);
    let mut runs = Vec::new();
    for seed in 0..3 {
        runs.push(recorded(&mut h, seed, None).0);
        assert!(h.len() <= 120);
        // At most one checkpoint per 20 frames kept, plus one before the oldest frame and one
        // at the start of each run.
        assert!(h.checkpoints() <= 120 / 20 + 2 + 3, "{}", h.checkpoints());
    }
    assert_eq!(h.len(), 120);
    // Every kept moment, the oldest included, can still be restored.
    for i in [0, 1, 60, 119] {
        let e = h.episode_at(i).unwrap();
        assert_eq!(e.trace_row(), h.frame(i).unwrap().row, "moment {i}");
    }
    // Numbers stay with their frames.
    let first = h.number(0);
    assert_eq!(h.index_of(first), Some(0));
    assert_eq!(h.index_of(first.wrapping_sub(1)), None);
    assert_eq!(h.index_of(first + 120), None);
}

#[test]
fn teach_mode_is_recorded_as_poses_with_speeds_by_difference() {
    let mut h = History::new(100, 40);
    h.record_pose(&[0.0, 1.0], 0.3);
    h.record_pose(&[0.1, 1.0], 0.05);
    let f = h.frame(1).unwrap();
    assert_eq!(f.source, Source::Teach);
    assert_eq!(f.period, 1);
    assert!((f.row.qd[0] - 2.0).abs() < 1e-12);
    assert_eq!((h.frame(0).unwrap().row.t, f.row.t), (0.0, 0.05));
    assert!(h.episode_at(1).is_err());
    // An hour at 20 Hz keeps the last 100.
    for k in 0..72_000 {
        h.record_pose(&[k as f64, 0.0], 0.05);
    }
    assert_eq!(h.len(), 100);
    assert_eq!(h.frame(99).unwrap().row.q[0], 71_999.0);
}

/// A lesson's animation and teach mode are separate runs, each with its own clock from 0.
#[test]
fn lesson_frames_are_runs_of_their_own() {
    let mut h = History::new(100, 40);
    h.record_pose(&[0.0], 0.0);
    h.record_pose(&[0.1], 0.05);
    h.record_lesson(&[0.1], 0.3);
    h.record_lesson(&[0.1], 0.05);
    let (teach, lesson, next) = (
        h.frame(1).unwrap(),
        h.frame(2).unwrap(),
        h.frame(3).unwrap(),
    );
    assert_eq!(
        (lesson.source, next.source),
        (Source::Lesson, Source::Lesson)
    );
    assert_ne!(lesson.run, teach.run);
    assert_eq!((lesson.period, lesson.row.t), (0, 0.0));
    assert_eq!((next.run, next.period, next.row.t), (lesson.run, 1, 0.05));
    // A run's start adds no recorded time.
    assert!((next.clock - 0.1).abs() < 1e-12, "{}", next.clock);
    assert!(h.episode_at(3).is_err());
    // Serials are never reused, not even after a branch forgot frames.
    let last = h.last().unwrap().serial;
    h.truncate_after(1);
    h.record_lesson(&[0.2], 0.05);
    assert_eq!(h.len(), 3);
    let newest = h.last().unwrap().serial;
    assert!(newest > last);
    assert_eq!(h.index_of_serial(newest), Some(2));
    assert_eq!(h.index_of_serial(last), None);
}

#[test]
fn csv_export_round_trips() {
    let mut h = History::new(10_000, 40);
    recorded(&mut h, 1, None);
    let m = panda();
    h.record_pose(&vec![0.5; m.dof()], 0.05);
    let names: Vec<&str> = m.dof_joint_names();
    let text = h.to_csv(&names);
    let (read_names, rows) = parse_csv(&text).unwrap();
    assert_eq!(read_names, names);
    assert_eq!(rows.len(), h.len());
    for (r, f) in rows.iter().zip(h.frames()) {
        assert_eq!(r.t, f.row.t);
        assert_eq!(r.q, f.row.q);
        assert_eq!(r.qd, f.row.qd);
        assert_eq!(r.action, f.row.action);
        assert_eq!(r.close_gripper, f.row.close_gripper);
        if f.source == Source::Physics {
            assert_eq!(r.tau, f.row.tau);
            assert_eq!(r.tool, f.row.tool);
        } else {
            assert!(r.tau.iter().chain(&r.tool).all(|v| v.is_nan()));
        }
    }
    assert!(parse_csv("t,x\n1,2\n").is_err());
    let broken = text.replacen('\n', "\n1,2\n", 1);
    assert!(parse_csv(&broken).unwrap_err().starts_with("line 2:"));
}

#[test]
fn the_clock_measures_recorded_time_across_runs_and_rates() {
    let mut h = History::new(10_000, 40);
    // Teach mode at 20 Hz for 1 s, then an episode at its 20 Hz, then teach again.
    for _ in 0..21 {
        h.record_pose(&[0.0], 0.05);
    }
    assert!((h.seconds_back(0) - 1.0).abs() < 1e-9);
    let (_, end) = recorded(&mut h, 1, None);
    let first_physics = 21;
    assert!((h.frame(first_physics).unwrap().clock - 1.0).abs() < 1e-9);
    let total = 1.0 + end.arm.time();
    assert!((h.seconds_back(0) - total).abs() < 1e-9);
    // A second later is 20 periods later; far past the end stops at the newest frame.
    assert_eq!(
        h.index_after_seconds(first_physics, 1.0),
        first_physics + 20
    );
    assert_eq!(
        h.index_after_seconds(first_physics + 20, -1.0),
        first_physics
    );
    assert_eq!(h.index_after_seconds(5, 1e6), h.len() - 1);
    assert_eq!(h.index_after_seconds(5, -1e6), 0);
}
