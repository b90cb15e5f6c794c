//! Actions in time, measured: execution horizon, temporal ensembling and latency with an
//! imperfect (noisy) chunking policy, over 20 seeds each in physics. The assertions are the
//! directions a user expects, not the figures (those are printed).

use super::task::{Outcome, PickPlaceConfig, run_episode};
use crate::robot::Model;

const SEEDS: u64 = 20;
/// The chunk noise of the imperfect policy (a fraction of each action's size).
const NOISE: f64 = 0.3;

fn noisy() -> PickPlaceConfig {
    PickPlaceConfig {
        chunk: 10,
        chunk_noise: NOISE,
        ..Default::default()
    }
}

struct Tally {
    ok: usize,
    command_jerk: f64,
    jerk: f64,
}

fn measure(name: &str, cfg: &PickPlaceConfig) -> Tally {
    let m = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    // A runaway (the guard stopping the physics) counts as a failure.
    let outs: Vec<Outcome> = (0..SEEDS)
        .filter_map(|s| run_episode(&m, s, cfg).ok())
        .collect();
    let n = outs.len().max(1) as f64;
    let t = Tally {
        ok: outs.iter().filter(|o| o.success).count(),
        command_jerk: outs.iter().map(|o| o.rms_command_jerk).sum::<f64>() / n,
        jerk: outs.iter().map(|o| o.rms_jerk).sum::<f64>() / n,
    };
    eprintln!(
        "{name}: {}/{SEEDS} placed, RMS command jerk {:.0} rad/s³, measured {:.0} rad/s³",
        t.ok, t.command_jerk, t.jerk
    );
    t
}

#[test]
fn executing_the_whole_noisy_chunk_open_loop_fails_more_often() {
    let closed = measure(
        "H = 10, h = 1",
        &PickPlaceConfig {
            execute: Some(1),
            ..noisy()
        },
    );
    let open = measure("H = 10, h = 10", &noisy());
    assert!(closed.ok >= SEEDS as usize - 3, "{}", closed.ok);
    assert!(open.ok + 5 <= closed.ok, "{} vs {}", open.ok, closed.ok);
    // The open-loop drift is corrected in a jump at every seam: the arm shakes more.
    assert!(open.jerk > closed.jerk);
}

#[test]
fn temporal_ensembling_smooths_the_commands_without_losing_cubes() {
    let replan = measure(
        "H = 10, h = 1",
        &PickPlaceConfig {
            execute: Some(1),
            ..noisy()
        },
    );
    for m in [0.1, 1.0] {
        let ens = measure(
            &format!("ensembling m = {m}"),
            &PickPlaceConfig {
                ensemble: Some(m),
                ..noisy()
            },
        );
        assert!(ens.command_jerk < 0.8 * replan.command_jerk, "m = {m}");
        assert!(
            ens.ok + 2 >= replan.ok,
            "m = {m}: {} vs {}",
            ens.ok,
            replan.ok
        );
    }
}

#[test]
fn latency_without_compensation_loses_the_cube() {
    let late = |compensate: bool| PickPlaceConfig {
        execute: Some(1),
        latency: 3,
        latency_compensation: compensate,
        ..noisy()
    };
    let compensated = measure("latency 3 periods, compensated", &late(true));
    let stale = measure("latency 3 periods, not compensated", &late(false));
    assert!(compensated.ok >= SEEDS as usize - 3, "{}", compensated.ok);
    assert!(
        stale.ok + 10 <= compensated.ok,
        "{} vs {}",
        stale.ok,
        compensated.ok
    );
}

#[test]
fn a_smoothness_penalty_on_each_chunk_lowers_the_command_jerk() {
    // Replanning every period with a fresh noisy chunk jitters; executing whole chunks jumps
    // at every seam. The penalty joins each chunk to the actions before it and evens it out.
    for h in [Some(1), None] {
        let cfg = PickPlaceConfig {
            execute: h,
            ..noisy()
        };
        let name = if h.is_some() { "h = 1" } else { "h = H" };
        let raw = measure(&format!("H = 10, {name}"), &cfg);
        let smooth = measure(
            &format!("H = 10, {name}, λ = 0.2, μ = 0.5"),
            &PickPlaceConfig {
                chunk_penalty: Some((0.2, 0.5)),
                ..cfg
            },
        );
        assert!(smooth.command_jerk < 0.7 * raw.command_jerk, "{name}");
        assert!(
            smooth.ok + 2 >= raw.ok,
            "{name}: {} vs {}",
            smooth.ok,
            raw.ok
        );
    }
}

/// The largest gap between the latest commanded target and the measured joints over an
/// episode (rad), and whether the cube was placed.
fn lag(m: &Model, seed: u64, hz: f64) -> (f64, bool) {
    let cfg = PickPlaceConfig {
        control_period: 1.0 / hz,
        record_live: true,
        ..Default::default()
    };
    let mut ep = super::task::Episode::new(m, seed, &cfg).unwrap();
    let mut worst = 0f64;
    while !ep.finished() {
        ep.step_period().unwrap();
        for s in ep.recent().iter().rev().take(48) {
            for j in 0..7 {
                worst = worst.max((s.target[j] - s.measured[j]).abs());
            }
        }
    }
    (worst, ep.outcome().success)
}

#[test]
fn the_arm_trails_the_latest_target_by_up_to_a_period() {
    // The same speed limits at every rate: each target is one period's worth of motion ahead,
    // so the gap between the newest target and the arm shrinks as the rate goes up.
    let m = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let mut gaps = Vec::new();
    for hz in [5.0, 10.0, 20.0, 50.0] {
        let (gap, ok) = lag(&m, 3, hz);
        eprintln!(
            "{hz} Hz: largest |target − measured| {:.0} mrad, placed {ok}",
            gap * 1e3
        );
        assert!(ok, "{hz} Hz");
        gaps.push(gap);
    }
    for w in gaps.windows(2) {
        assert!(w[1] < w[0], "{gaps:?}");
    }
}

#[test]
fn too_strong_a_penalty_lags_the_corrections_and_misses() {
    let cfg = |mu: f64| PickPlaceConfig {
        execute: Some(1),
        chunk_penalty: Some((0.2, mu)),
        ..noisy()
    };
    let gentle = measure("h = 1, λ = 0.2, μ = 0.5", &cfg(0.5));
    let strong = measure("h = 1, λ = 0.2, μ = 20", &cfg(20.0));
    assert!(
        strong.ok + 10 <= gentle.ok,
        "{} vs {}",
        strong.ok,
        gentle.ok
    );
}
