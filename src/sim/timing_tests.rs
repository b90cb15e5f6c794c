//! Actions in time, measured: execution horizon, temporal ensembling and latency with an
//! imperfect (noisy) chunking policy, over 20 seeds each in physics. The assertions are the
//! directions a user expects, not the figures (those are printed).

use super::policy::{Outcome, PickPlaceConfig, run_episode};
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
