//! Lesson: rotations — Euler angles and gimbal lock, quaternions, the 6D representation,
//! conventions that flip, and quaternion kinematics.
//!
//! A gimbal rig driven by any of the 24 Euler conventions, with its lock made visible; the
//! Euler rates a constant spin needs; four interpolations traced on a sphere; quaternion
//! integration and its shortcuts; and how continuous each representation is as a network
//! target. The math is in `crate::math::{euler, rotation, rotation_paths}`.

use crate::kit::prelude::*;
use crate::lessons::{LessonInfo, ShowEverything, lesson_panel_shown};
use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

mod arm_demo;
mod overlays;
mod panel;
mod state;
mod tape;

pub use arm_demo::*;
pub use overlays::*;
use panel::*;
pub use state::*;

mod steps;

mod strings;

pub const ID: &str = "rotations";

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_rotations",
    steps: steps::STEPS,
    strings: strings::STRINGS,
    plugin,
};

fn plugin(app: &mut App) {
    crate::kit::add_settings::<RotationsState>(app, ID);
    app.add_systems(
        Update,
        (
            (
                show_everything,
                spin.in_set(LessonSystems(ID)).run_if(live),
                play_arm_demo.run_if(live),
            ),
            draw.in_set(LessonSystems(ID)),
        )
            .chain()
            .in_set(ArmSet::Views),
    )
    .add_systems(EguiPrimaryContextPass, panel.run_if(lesson_panel_shown(ID)));
    tape::<RotationsState>(app, ID);
}

fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<RotationsState>) {
    if msgs.read().count() > 0 {
        state.show = [true; 4];
        state.long_way = true;
        if state.spin.is_none() {
            state.start_spin();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::LessonSettings;
    use crate::math::euler::{EulerSequence, rate_singular_values};
    use crate::math::rotation_paths::Interpolation;
    use crate::math::rotation_paths::interpolate;
    use crate::math::{Vec3 as RVec3, so3};
    use std::collections::BTreeMap;

    /// A link's settings open the same scene: applied by the lesson when it opens, written
    /// back every frame; a hand-edited link with bad values changes nothing.
    #[test]
    fn the_scene_round_trips_through_link_parameters() {
        use crate::lessons::{ActiveLesson, LessonParams, sync_params};
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, bevy::state::app::StatesPlugin))
            .init_resource::<RotationsState>()
            .insert_state(ActiveLesson(Some(ID)))
            .insert_resource(LessonParams {
                given: [
                    ("euler", "xyz"),
                    ("angles", "10,90.5,-20"),
                    ("section", "arm"),
                    ("unknown", "1"),
                ]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into(),
                ..default()
            })
            .add_systems(Update, sync_params::<RotationsState>);
        app.update();
        let state = app.world().resource::<RotationsState>();
        assert_eq!(EulerSequence::all()[state.sequence].name(), "xyz");
        assert_eq!(state.angles_deg, [10.0, 90.5, -20.0]);
        assert_eq!(state.section, Section::Arm);
        let params = app.world().resource::<LessonParams>();
        assert!(params.given.is_empty());
        assert_eq!(params.owner, Some(ID));
        let now: Vec<_> = params.now.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(now, ["angles=10,90.5,-20", "euler=xyz", "section=arm"]);

        let mut fresh = RotationsState::default();
        let before = (fresh.sequence, fresh.angles_deg, fresh.section);
        let bad: BTreeMap<String, String> =
            [("euler", "XXY"), ("angles", "1,2"), ("section", "nowhere")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into();
        fresh.apply_params(&bad);
        assert_eq!((fresh.sequence, fresh.angles_deg, fresh.section), before);
        fresh.apply_params(&[("angles".to_string(), "1,NaN,3".to_string())].into());
        assert_eq!(fresh.angles_deg, before.1);
    }

    #[test]
    fn the_default_convention_is_zyx_and_locks_at_ninety_degrees() {
        let mut s = RotationsState::default();
        assert_eq!(s.sequence().name(), "ZYX");
        assert!(s.lock_distance() > LOCK_WARNING);
        s.angles_deg[1] = 90.0;
        assert!(s.lock_distance() < 1e-12);
        let sigma = rate_singular_values(&s.sequence().rate_matrix(s.angles()));
        assert!(sigma[2] < 1e-12, "{sigma:?}");
        // Proper Euler sequences lock at 0° instead.
        s.sequence = EulerSequence::all()
            .iter()
            .position(|q| q.name() == "ZXZ")
            .unwrap();
        s.angles_deg = [10.0, 0.0, 20.0];
        assert!(s.lock_distance() < 1e-12);
    }

    #[test]
    fn spinning_about_the_middle_axis_runs_into_the_lock_and_euler_rates_blow_up() {
        let mut s = RotationsState {
            angles_deg: [20.0, 60.0, 10.0],
            ..RotationsState::default()
        };
        s.start_spin();
        let mut peak: f64 = 0.0;
        let mut first = None;
        for _ in 0..200 {
            s.advance_spin(0.01);
            let (_, r, q) = *s.spin.as_ref().unwrap().history.back().unwrap();
            first.get_or_insert(r);
            peak = peak.max(r.iter().cloned().fold(0.0, f64::max));
            // The quaternion rate never changes: ½|ω|.
            assert!((q - 0.5 * 30f64.to_radians()).abs() < 1e-12);
        }
        // 2 s at 30°/s carries pitch 60° through 90°: the outer rates explode there.
        let first = first.unwrap().iter().cloned().fold(0.0, f64::max);
        assert!(peak > 20.0 * first.max(0.5), "peak {peak}, start {first}");
        // The orientation itself turned exactly 60°.
        let spin = s.spin.as_ref().unwrap();
        let start =
            s.sequence()
                .to_matrix([20f64.to_radians(), 60f64.to_radians(), 10f64.to_radians()]);
        let turned = so3::log(&(spin.rotation * start.transpose())).norm();
        assert!((turned - 60f64.to_radians()).abs() < 1e-9, "{turned}");
    }

    #[test]
    fn the_arm_demo_runs_on_the_panda_and_shows_the_spike() {
        let robot =
            Robot::new(crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap());
        let demo = ArmDemo::compute(&robot).unwrap();
        assert!(demo.euler.peak_joint_speed() > 100.0 * demo.rotation_vector.peak_joint_speed());
        assert_eq!(demo.euler.q.len(), demo.euler.t.len());
    }

    #[test]
    fn the_default_interpolation_pair_straddles_the_lock() {
        let s = RotationsState::default();
        let seq = s.sequence();
        let a = seq.from_matrix(&s.from).angles;
        let b = seq.from_matrix(&s.to).angles;
        assert!(a[0].abs() < 1e-9 && (b[0].abs() - std::f64::consts::PI).abs() < 1e-9);
        let mid = interpolate(&s.from, &s.to, 0.5, Interpolation::Slerp);
        assert!((so3::log(&mid) - RVec3::y() * 90f64.to_radians()).norm() < 1e-9);
    }

    /// The interpolation step's numbers: on the default pair the angle-by-angle path turns
    /// about 78° for a 50° turn, and slerp's speed is constant.
    #[test]
    fn euler_interpolation_turns_further_than_the_geodesic() {
        use crate::math::rotation_paths::{path, step_angles};
        let s = RotationsState::default();
        let total = |how| -> (f64, Vec<f64>) {
            let steps = step_angles(&path(&s.from, &s.to, 64, how));
            (steps.iter().sum::<f64>().to_degrees(), steps)
        };
        let (euler, _) = total(Interpolation::EulerLinear(s.sequence()));
        let (slerp, steps) = total(Interpolation::Slerp);
        assert!((slerp - 50.0).abs() < 1e-6, "{slerp}");
        assert!((euler - 78.0).abs() < 0.5, "{euler}");
        let (lo, hi) = steps
            .iter()
            .fold((f64::MAX, 0f64), |(l, h), x| (l.min(*x), h.max(*x)));
        assert!(hi - lo < 1e-9, "slerp speed varies: {lo} .. {hi}");
    }
}
