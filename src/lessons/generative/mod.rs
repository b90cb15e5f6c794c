//! Lesson: diffusion vs flow matching — denoising paths in the arm's own action space.
//!
//! The scripted policy carries the cube round a post, on the near or the far side: two modes.
//! Its transports become action chunks (the next 12 tool positions). Samples start as noise and
//! are denoised into chunks by DDPM, DDIM or flow matching, drawn as ghost tool paths over the
//! scene with their trails through denoising time and a PCA view; the regression baseline's
//! average of the modes is drawn in red, through the post. The chunks can also drive the arm in
//! physics. The math is in `crate::math::{generative, chunks, mlp}` and `crate::sim::course`.

use crate::kit::prelude::*;
use crate::kit::{LessonInfo, ShowEverything, lesson_panel_shown};
use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

mod data;
mod overlays;
mod panel;
mod state;
mod steps;
mod strings;
mod tape;
mod task;

use crate::kit::tally::Tallies;
use data::*;
use overlays::*;
use panel::*;
pub use state::*;

pub const ID: &str = "generative";

pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_generative",
    steps: steps::STEPS,
    strings: strings::STRINGS,
    plugin,
};

fn plugin(app: &mut App) {
    crate::kit::add_settings::<GenerativeState>(app, ID);
    task::plugin(app);
    app.add_systems(
        Update,
        (
            show_everything.before(ArmSet::Actions),
            (record_demos, train.run_if(live), animate.run_if(live), draw)
                .chain()
                .in_set(LessonSystems(ID))
                .in_set(ArmSet::Views),
        ),
    )
    .add_systems(EguiPrimaryContextPass, panel.run_if(lesson_panel_shown(ID)));
    tape::<GenerativeState>(app, ID);
}

fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<GenerativeState>) {
    if msgs.read().count() > 0 {
        state.show_demos = true;
        state.show_ghosts = true;
        state.show_trails = true;
        state.show_regression = true;
        state.record_at_once = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::LessonSettings;
    use crate::kit::prelude::*;
    use crate::math::Vec3 as RVec3;
    use crate::sim::course::{self, Demo};
    use std::collections::BTreeMap;

    #[test]
    fn the_sampler_and_driver_round_trip_through_link_parameters() {
        let mut state = GenerativeState {
            sampler: SamplerChoice::FlowHeun,
            k: 4,
            samples: 128,
            noise_seed: 9,
            driver: DriverChoice::Generative,
            show_ghosts: false,
            ..default()
        };
        let mut out = BTreeMap::new();
        state.write_params(&mut out);
        let text: Vec<_> = out.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            text,
            [
                "demos=1",
                "driver=sampled",
                "field=exact",
                "ghosts=0",
                "k=4",
                "noise=9",
                "regression=1",
                "sampler=heun",
                "samples=128",
                "trails=1"
            ]
        );
        let mut fresh = GenerativeState::default();
        fresh.apply_params(&out);
        assert_eq!(
            (
                fresh.sampler,
                fresh.k,
                fresh.samples,
                fresh.noise_seed,
                fresh.driver
            ),
            (SamplerChoice::FlowHeun, 4, 128, 9, DriverChoice::Generative)
        );
        assert!(!fresh.show_ghosts);
        assert!(!fresh.train_when_ready);
        // A link to the network view trains one once the demonstrations are in.
        let network: BTreeMap<String, String> = [("field".into(), "network".into())].into();
        fresh.apply_params(&network);
        assert_eq!(fresh.field, FieldChoice::Network);
        assert!(fresh.train_when_ready);
        out.clear();
        fresh.write_params(&mut out);
        assert_eq!(out.get("field").map(String::as_str), Some("network"));
        // Out of range is clamped, nonsense ignored.
        let wild: BTreeMap<String, String> = [
            ("sampler", "gan"),
            ("k", "99"),
            ("samples", "1"),
            ("driver", "?"),
            ("cosine", "0"),
            ("field", "gan"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into();
        state.apply_params(&wild);
        assert_eq!(
            (
                state.sampler,
                state.k,
                state.samples,
                state.driver,
                state.cosine
            ),
            (
                SamplerChoice::FlowHeun,
                10,
                MIN_SAMPLES,
                DriverChoice::Generative,
                false
            )
        );
        assert_eq!(state.field, FieldChoice::Exact);
    }

    #[test]
    fn slow_frames_give_recording_a_share_of_the_frame_within_bounds() {
        // 60 frames per second: the base budget.
        assert!((frame_budget_ms(8.0, 1.0 / 60.0) - 25.0 / 3.0).abs() < 1e-12);
        assert_eq!(frame_budget_ms(12.0, 1.0 / 60.0), 12.0);
        // Software rendering at 5 frames per second: half of the frame.
        assert_eq!(frame_budget_ms(8.0, 0.2), 100.0);
        assert_eq!(frame_budget_ms(8.0, 1.4), 700.0);
        // The first frame after a long load: capped, so the page still answers.
        assert_eq!(frame_budget_ms(8.0, 5.0), crate::kit::MAX_FRAME_BUDGET_MS);
    }

    #[test]
    fn a_link_to_the_network_starts_training_when_the_demonstrations_are_in() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(GenerativeState::default())
            .add_systems(Update, train);
        let network: BTreeMap<String, String> = [("field".into(), "network".into())].into();
        app.world_mut()
            .resource_mut::<GenerativeState>()
            .apply_params(&network);
        app.update();
        // No demonstrations yet: nothing to train on, and the wish is kept.
        let state = app.world().resource::<GenerativeState>();
        assert!(!state.training && state.train_when_ready);
        let ready = ready_state();
        let mut state = app.world_mut().resource_mut::<GenerativeState>();
        state.demos = ready.demos;
        state.set = ready.set;
        app.update();
        let state = app.world().resource::<GenerativeState>();
        assert!(state.training && !state.train_when_ready);
        assert!(state.trainer.as_ref().is_some_and(|t| t.step > 0));
    }

    fn ready_state() -> GenerativeState {
        let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let demos: Vec<Demo> = (0..DEMOS)
            .map(|s| course::demonstration(&model, s).unwrap())
            .collect();
        let mut state = GenerativeState {
            demos,
            ..GenerativeState::default()
        };
        state.use_demos();
        assert!(state.set.is_some() && state.plane.is_some());
        state
    }

    #[test]
    fn a_finished_run_reports_metrics_for_every_sampler() {
        let mut state = ready_state();
        for (sampler, k) in [
            (SamplerChoice::Ddpm, 10),
            (SamplerChoice::Ddim, 10),
            (SamplerChoice::FlowEuler, 10),
            (SamplerChoice::FlowHeun, 5),
        ] {
            state.sampler = sampler;
            state.k = k;
            state.restart_run();
            let steps = state.sampler().steps();
            state.advance_run(steps, usize::MAX);
            let m = state.metrics.clone().unwrap();
            eprintln!("{sampler:?}: {m:?}");
            assert_eq!(
                m.nfe,
                if sampler == SamplerChoice::FlowHeun {
                    9
                } else {
                    steps
                }
            );
            assert_eq!(m.per_side.iter().sum::<usize>(), 64);
            assert_eq!(m.sides, 1.0, "{sampler:?}");
            assert!(
                m.nearest < 0.01 && m.regression > 0.03,
                "{sampler:?}: {m:?}"
            );
        }
    }

    #[test]
    fn in_the_app_the_sampled_policy_carries_the_cube_and_is_tallied() {
        let mut app = crate::lessons::physics_app::physics_app(ID);
        app.init_resource::<Headless>();
        app.update();
        app.update();
        assert!(app.world().resource::<GenerativeState>().set.is_some());
        assert!(app.world().resource::<Sim>().obstacle().is_some());
        app.world_mut().resource_mut::<GenerativeState>().driver = DriverChoice::Generative;
        app.world_mut().resource_mut::<Sim>().speed = 4.0;
        let mut frames = 0;
        while app
            .world()
            .resource::<Tallies>()
            .get("policy_generative_exact")
            .episodes
            == 0
            && frames < 400
        {
            app.update();
            frames += 1;
        }
        let t = app
            .world()
            .resource::<Tallies>()
            .get("policy_generative_exact");
        assert_eq!(
            (t.episodes, t.successes, t.collisions),
            (1, 1, 0),
            "{frames} frames"
        );
        let state = app.world().resource::<GenerativeState>();
        assert!(
            state.policy_log.lock().unwrap().len() >= 3,
            "receding horizon"
        );
        // Leaving the lesson puts the ordinary scenes back.
        app.world_mut()
            .resource_mut::<NextState<crate::kit::ActiveLesson>>()
            .set(crate::kit::ActiveLesson(None));
        app.update();
        assert!(app.world().resource::<Sim>().obstacle().is_none());
        assert!(app.world().resource::<Sim>().scenario().is_none());
    }

    #[test]
    fn the_driver_matches_the_choice() {
        // Before the demonstrations are in, the scripted policy drives under its own name (a
        // name that disagreed with the driver would restart the physics every frame).
        let waiting = GenerativeState {
            driver: DriverChoice::Generative,
            ..default()
        };
        assert_eq!(waiting.driver_name(), "policy_scripted");
        assert_eq!(waiting.scenario().driver, waiting.driver_name());
        let mut state = ready_state();
        assert!(state.scenario().policy.is_none());
        state.driver = DriverChoice::Generative;
        let d = state.scenario();
        assert_eq!(d.driver, "policy_generative_exact");
        let mut cfg = crate::sim::task::PickPlaceConfig::default();
        (d.configure)(&mut cfg);
        assert!(cfg.course, "the lesson's task is the obstacle course");
        let mut policy = (d.policy.unwrap())(3);
        let start = state.start().unwrap();
        let chunk = policy.chunk(RVec3::new(start[0], start[1], start[2]));
        assert_eq!(chunk.len(), course::EXECUTE);
        assert_eq!(state.policy_log.lock().unwrap().len(), 1);
        state.driver = DriverChoice::Regression;
        assert_eq!(state.scenario().driver, "policy_regression_exact");
        assert_eq!(state.scenario().driver, state.driver_name());
    }
}
