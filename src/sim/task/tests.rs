//! The task's tests: success rates in both action spaces, and the behaviour of each piece of
//! the pipeline (chunking, latency, ensembling, smoothing, noise, tracking, the grasp).

use super::episode::Episode;
use super::tracking::substeps_for;
use super::*;
use crate::robot::Model;

mod runs {
    use super::*;

    #[test]
    fn success_rate_over_50_seeds_in_each_mode() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        for mode in [ActionMode::Task, ActionMode::Joint] {
            let cfg = PickPlaceConfig {
                mode,
                ..PickPlaceConfig::default()
            };
            let mut ok = 0;
            let mut times = Vec::new();
            let mut failures = Vec::new();
            for seed in 0..50 {
                let o = run_episode(&model, seed, &cfg).unwrap();
                if o.success {
                    ok += 1;
                    times.push(o.time_to_success.unwrap_or(0.0));
                } else {
                    failures.push((seed, o.place_error));
                }
            }
            let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
            eprintln!(
                "{mode:?}: {ok}/50 succeeded, mean time to success {mean:.2} s, failures {failures:?}"
            );
            assert!(ok >= 48, "{mode:?}: {ok}/50");
        }
    }
}

mod behaviour {
    use super::*;

    fn model() -> Model {
        Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
    }

    fn successes(model: &Model, cfg: &PickPlaceConfig, seeds: std::ops::Range<u64>) -> usize {
        seeds
            .filter(|&s| run_episode(model, s, cfg).unwrap().success)
            .count()
    }

    #[test]
    fn smoothing_cuts_the_command_jerk() {
        let m = model();
        for mode in [ActionMode::Task, ActionMode::Joint] {
            let smooth = run_episode(
                &m,
                0,
                &PickPlaceConfig {
                    mode,
                    ..Default::default()
                },
            )
            .unwrap();
            let raw = run_episode(
                &m,
                0,
                &PickPlaceConfig {
                    mode,
                    smoothing: None,
                    ..Default::default()
                },
            )
            .unwrap();
            eprintln!(
                "{mode:?}: command jerk {:.0} → {:.0} rad/s³ with smoothing; measured {:.0} → {:.0}",
                raw.rms_command_jerk, smooth.rms_command_jerk, raw.rms_jerk, smooth.rms_jerk
            );
            assert!(smooth.success && raw.success);
            assert!(raw.rms_command_jerk > 5.0 * smooth.rms_command_jerk);
        }
    }

    #[test]
    fn latency_needs_compensation_or_chunking() {
        let m = model();
        let late = |compensation: bool, chunk: usize| PickPlaceConfig {
            latency: 3,
            latency_compensation: compensation,
            chunk,
            ..Default::default()
        };
        let compensated = successes(&m, &late(true, 1), 0..5);
        let stale = successes(&m, &late(false, 1), 0..5);
        let chunked = successes(&m, &late(false, 8), 0..5);
        eprintln!(
            "latency 150 ms: compensated {compensated}/5, stale {stale}/5, stale with chunks of 8 {chunked}/5"
        );
        assert_eq!(compensated, 5);
        assert!(stale <= 1, "{stale}");
        assert!(chunked >= 4, "{chunked}");
    }

    #[test]
    fn the_trace_has_one_finite_row_per_physics_step() {
        let m = model();
        let o = run_episode(
            &m,
            3,
            &PickPlaceConfig {
                record_trace: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(o.success);
        let dt = 1.0 / 240.0;
        for (k, row) in o.trace.iter().enumerate() {
            assert!((row.t - (k + 1) as f64 * dt).abs() < 1e-9);
            assert!(
                row.q
                    .iter()
                    .chain(&row.qd)
                    .chain(&row.tau)
                    .chain(&row.tool)
                    .all(|x| x.is_finite())
            );
            let qn = (row.tool[3..].iter().map(|x| x * x).sum::<f64>()).sqrt();
            assert!((qn - 1.0).abs() < 1e-9, "unit quaternion");
        }
        // Without latency or chunking one action is executed per 50 ms period: 12 steps each.
        assert_eq!(o.trace.len(), o.actions.len() * 12);
    }

    #[test]
    fn the_same_seed_gives_a_bit_identical_episode() {
        let m = model();
        let cfg = PickPlaceConfig {
            record_trace: true,
            ..Default::default()
        };
        let a = run_episode(&m, 11, &cfg).unwrap();
        let b = run_episode(&m, 11, &cfg).unwrap();
        let bits = |o: &Outcome| -> Vec<u64> {
            o.trace
                .iter()
                .flat_map(|r| {
                    r.q.iter()
                        .chain(&r.tau)
                        .chain(&r.tool)
                        .map(|x| x.to_bits())
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        assert_eq!(bits(&a), bits(&b));
        assert_ne!(bits(&a), bits(&run_episode(&m, 12, &cfg).unwrap()));
    }

    #[test]
    fn the_action_mode_can_switch_during_an_episode() {
        let m = model();
        for (first, second) in [
            (ActionMode::Task, ActionMode::Joint),
            (ActionMode::Joint, ActionMode::Task),
        ] {
            let mut ep = Episode::new(
                &m,
                4,
                &PickPlaceConfig {
                    mode: first,
                    ..Default::default()
                },
            )
            .unwrap();
            for _ in 0..30 {
                ep.step_period().unwrap();
            }
            ep.set_mode(second);
            while !ep.finished() {
                ep.step_period().unwrap();
            }
            let o = ep.outcome();
            assert!(o.success, "{first:?} then {second:?}");
            assert!(
                o.actions.iter().any(|a| a.mode == first)
                    && o.actions.iter().any(|a| a.mode == second)
            );
        }
    }

    #[test]
    fn every_cube_size_is_used_and_picked() {
        let m = model();
        for &side in &CUBE_SIDES {
            let cfg = PickPlaceConfig {
                cube_side: Some(side),
                ..Default::default()
            };
            let ok = successes(&m, &cfg, 20..25);
            eprintln!("cube of {:.0} mm: {ok}/5", side * 1e3);
            assert!(ok >= 4, "cube of {side} m: {ok}/5");
        }
        let drawn: std::collections::BTreeSet<u64> = (0..30)
            .map(|s| (Scenario::from_seed(s, None).cube_side * 1000.0).round() as u64)
            .collect();
        assert_eq!(drawn.len(), CUBE_SIDES.len());
    }

    #[test]
    fn ten_minutes_of_repeated_pick_and_place_stay_finite() {
        // Episodes back to back (alternating modes) until 600 simulated seconds: any NaN or
        // runaway would come back as an error from the guard.
        let m = model();
        let (mut simulated, mut episodes, mut ok) = (0.0, 0, 0);
        let mut seed = 1000;
        while simulated < 600.0 {
            let mode = if seed % 2 == 0 {
                ActionMode::Task
            } else {
                ActionMode::Joint
            };
            let cfg = PickPlaceConfig {
                mode,
                ..Default::default()
            };
            let o = run_episode(&m, seed, &cfg).unwrap();
            simulated += o.actions.len() as f64 * cfg.control_period;
            episodes += 1;
            ok += usize::from(o.success);
            seed += 1;
        }
        eprintln!("{simulated:.0} s simulated in {episodes} episodes, {ok} successful, no NaN");
        assert!(ok as f64 >= 0.95 * episodes as f64);
    }
    #[test]
    fn a_chunk_cut_to_its_first_action_is_the_one_step_policy() {
        // Predicting ten and executing one, without noise, must replan exactly as a policy
        // that predicts one: the rest of each chunk is thrown away, including its phase changes.
        let m = model();
        let one = run_episode(&m, 5, &PickPlaceConfig::default()).unwrap();
        let cut = run_episode(
            &m,
            5,
            &PickPlaceConfig {
                chunk: 10,
                execute: Some(1),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(one.success);
        assert_eq!(one.actions, cut.actions);
        assert_eq!(one.rms_jerk.to_bits(), cut.rms_jerk.to_bits());
    }

    #[test]
    fn an_execution_horizon_keeps_h_actions_of_every_chunk() {
        let m = model();
        let o = run_episode(
            &m,
            2,
            &PickPlaceConfig {
                chunk: 8,
                execute: Some(3),
                record_live: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(o.success);
        let chunks = &o.chunks;
        assert!(chunks.len() > 10);
        for w in chunks.windows(2) {
            assert_eq!(w[0].executed, 3.min(w[0].tool.len()));
            // The next chunk is asked for once the three before it have been executed.
            assert_eq!(w[1].planned_at, w[0].planned_at + 3);
            assert!(w[0].tool.len() <= 8);
        }
    }

    #[test]
    fn temporal_ensembling_weights_follow_act() {
        let m = model();
        let cfg = PickPlaceConfig {
            chunk: 6,
            ensemble: Some(0.5),
            record_live: true,
            ..Default::default()
        };
        let mut ep = Episode::new(&m, 1, &cfg).unwrap();
        for _ in 0..10 {
            ep.step_period().unwrap();
        }
        // Ten periods in, six chunks overlap the period just executed (all in the approach).
        let w = ep.last_ensemble();
        assert_eq!(w.len(), 6);
        let total: f64 = w.iter().map(|(w, _)| w).sum();
        assert!((total - 1.0).abs() < 1e-12);
        // wᵢ = exp(−m·i) with i = 0 the oldest prediction: each weight is e^−0.5 of the last.
        for pair in w.windows(2) {
            assert!((pair[1].0 / pair[0].0 - (-0.5f64).exp()).abs() < 1e-12);
        }
        // The executed action is their weighted mean.
        let mean: f64 = w.iter().map(|(wi, a)| wi * a.values[0]).sum();
        assert!((ep.current_action().values[0] - mean).abs() < 1e-15);
        while !ep.finished() {
            ep.step_period().unwrap();
        }
        assert!(ep.outcome().success);
    }

    #[test]
    fn the_same_seed_draws_the_same_chunk_noise() {
        let m = model();
        let cfg = PickPlaceConfig {
            chunk: 10,
            execute: Some(2),
            chunk_noise: 0.3,
            ..Default::default()
        };
        let a = run_episode(&m, 7, &cfg).unwrap();
        let b = run_episode(&m, 7, &cfg).unwrap();
        assert_eq!(a.actions, b.actions);
        let clean = run_episode(
            &m,
            7,
            &PickPlaceConfig {
                chunk_noise: 0.0,
                ..cfg
            },
        )
        .unwrap();
        assert_ne!(a.actions, clean.actions);
    }

    #[test]
    fn misreading_the_action_loses_the_cube_unless_the_loop_hides_it() {
        let m = model();
        let run = |reading: Reading, seed: u64| {
            run_episode(
                &m,
                seed,
                &PickPlaceConfig {
                    reading,
                    ..Default::default()
                },
            )
            .map(|o| o.success)
            // The guard stopping a runaway is a failure too.
            .unwrap_or(false)
        };
        for seed in 0..4 {
            assert!(!run(Reading::TaskAsJoint, seed), "seed {seed}");
            assert!(!run(Reading::RotationInToolFrame, seed), "seed {seed}");
            // With the tool pointing down and little yaw the Euler rate matrix is close to the
            // identity, and replanning every period corrects the rest: the mistake hides.
            assert!(run(Reading::RotationAsEuler, seed), "seed {seed}");
        }
    }

    #[test]
    fn fifty_hertz_on_240_hertz_physics_keeps_the_exact_rate() {
        let m = model();
        let cfg = PickPlaceConfig {
            control_period: 0.02,
            record_trace: true,
            ..Default::default()
        };
        let mut ep = Episode::new(&m, 0, &cfg).unwrap();
        for _ in 0..50 {
            ep.step_period().unwrap();
        }
        // 50 periods of 20 ms are one second: 240 physics steps (periods of 5 and 4 steps).
        assert!((ep.arm.time() - 1.0).abs() < 1e-9, "{}", ep.arm.time());
    }
}

#[cfg(test)]
mod clone_tests {
    use super::*;

    /// Steps `episode` to its end, returning every period's joint values and cube pose.
    fn run(mut episode: Episode) -> (Vec<Vec<f64>>, Outcome) {
        let mut path = Vec::new();
        while !episode.finished() {
            episode.step_period().unwrap();
            let mut row = episode.arm.q();
            let cube = episode.arm.body_pose(episode.cube).unwrap();
            row.extend(cube.translation.iter());
            path.push(row);
        }
        (path, episode.outcome())
    }

    #[test]
    fn a_copy_taken_mid_grasp_goes_on_bit_for_bit_as_the_original() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let cfg = PickPlaceConfig {
            record_trace: true,
            ..PickPlaceConfig::default()
        };
        let mut episode = Episode::new(&model, 4, &cfg).unwrap();
        // Into the lift: the fingers hold the cube, contacts and warm-start impulses are live.
        while episode.phase() != Phase::Lift {
            episode.step_period().unwrap();
        }
        for _ in 0..5 {
            episode.step_period().unwrap();
        }
        let copy = episode.clone();
        let (a, oa) = run(episode);
        let (b, ob) = run(copy);
        assert!(oa.success, "{oa:?}");
        assert_eq!(a, b);
        assert_eq!(oa, ob);
    }

    #[test]
    fn limits_left_out_away_from_them_change_no_episode() {
        // The world switches a joint's limit on only near it; with every limit on in every
        // step, whole episodes (grasp, transport, release; both action spaces, the course)
        // come out bit for bit the same.
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let joint = PickPlaceConfig {
            mode: ActionMode::Joint,
            record_trace: true,
            ..PickPlaceConfig::default()
        };
        let course = PickPlaceConfig {
            record_trace: true,
            ..crate::sim::course::config()
        };
        for (seed, cfg) in [(0, &joint), (3, &course), (21, &course)] {
            let episode = Episode::new(&model, seed, cfg).unwrap();
            let mut every = episode.clone();
            every.arm.all_limits = true;
            let (a, oa) = run(episode);
            let (b, ob) = run(every);
            assert!(a == b, "seed {seed}: the paths differ");
            assert!(oa == ob, "seed {seed}: the outcomes differ");
        }
    }

    #[test]
    fn a_copy_of_a_sampling_policy_draws_the_same_chunks() {
        use crate::sim::course;
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let demos: Vec<course::Demo> = (0..6)
            .map(|seed| course::demonstration(&model, seed).unwrap())
            .collect();
        let set = std::sync::Arc::new(course::chunk_set(&demos).unwrap());
        let policy = course::SampledPolicy::new(
            set,
            course::ChunkSource::Exact,
            course::default_sampler(),
            9,
        );
        let mut episode = Episode::new(&model, 9, &course::config()).unwrap();
        episode.set_chunk_policy(Box::new(policy));
        for _ in 0..60 {
            episode.step_period().unwrap();
        }
        let copy = episode.clone();
        let (a, oa) = run(episode);
        let (b, ob) = run(copy);
        assert_eq!(a, b);
        assert_eq!(oa, ob);
    }
}

#[cfg(test)]
mod contact_tests {
    use super::*;

    /// While the fingers carry the cube, the arm touches it in every period, on the cube's
    /// surface, and at times the two fingers press from opposite sides. (At other times one
    /// finger carries it while the other is up to a centimetre off: the coupled fingers stop
    /// where the first one meets the cube, and the cube sits off centre between them.)
    #[test]
    fn the_fingers_touch_the_cube_while_they_carry_it() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let mut e = Episode::new(&model, 4, &PickPlaceConfig::default()).unwrap();
        assert!(
            e.gripper_contacts().is_empty(),
            "nothing touches at the start"
        );
        // Until the cube is off the table by 2 cm (the planner's phase runs ahead of the
        // actions executed, so the phase cannot say when).
        let z0 = e.arm.body_pose(e.cube).unwrap().translation.z;
        while e.arm.body_pose(e.cube).unwrap().translation.z < z0 + 0.02 {
            assert!(!e.finished(), "the cube was never lifted");
            e.step_period().unwrap();
        }
        let half = e.scenario.cube_side / 2.0;
        let mut opposite = 0;
        for _ in 0..40 {
            e.step_period().unwrap();
            let contacts = e.gripper_contacts();
            assert!(
                !contacts.is_empty(),
                "the cube is carried without a contact"
            );
            let cube = e.arm.body_pose(e.cube).unwrap();
            for c in &contacts {
                assert!((c.normal.norm() - 1.0).abs() < 1e-9);
                assert!(c.depth > -5e-4 && c.depth < 0.01, "{c:?}");
                let local = cube.inverse().transform_point(&c.point);
                assert!(local.amax() < half + 0.002, "{local:?} outside the cube");
            }
            if contacts
                .iter()
                .any(|a| contacts.iter().any(|b| a.normal.dot(&b.normal) < -0.9))
            {
                opposite += 1;
            }
        }
        eprintln!("both fingers in {opposite} of 40 periods");
        assert!(opposite > 0, "the fingers never pressed from both sides");
    }

    #[test]
    fn the_grasp_runs_at_the_contact_rate_and_free_motion_at_one_substep() {
        let dt = 1.0 / 240.0;
        assert_eq!(substeps_for(Phase::Approach, dt), 1);
        assert_eq!(substeps_for(Phase::Retreat, dt), 1);
        for phase in [
            Phase::Descend,
            Phase::Close,
            Phase::Lift,
            Phase::Transport,
            Phase::Lower,
            Phase::Release,
        ] {
            assert_eq!(substeps_for(phase, dt), 3, "{phase:?}");
        }
        // At 1000 Hz a single substep is already above the contact rate.
        assert_eq!(substeps_for(Phase::Transport, 1e-3), 1);
        // In an episode the world follows the phase being executed.
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let mut ep = Episode::new(&model, 0, &PickPlaceConfig::default()).unwrap();
        let mut seen = std::collections::BTreeMap::new();
        while !ep.finished() {
            ep.step_period().unwrap();
            seen.insert(format!("{:?}", ep.current.phase), ep.arm.substeps());
        }
        assert_eq!(seen.get("Approach"), Some(&1));
        assert_eq!(seen.get("Transport"), Some(&3));
        assert_eq!(seen.get("Retreat"), Some(&1));
        assert!(ep.outcome().success);
    }
}
