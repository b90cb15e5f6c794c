//! Lesson: the Jacobian.
//!
//! `ẋ = J(q)·q̇`: at the tool, the velocity ellipsoid (axes σᵢuᵢ) shows what unit joint speeds
//! can do, the force ellipsoid (axes uᵢ/σᵢ, from `τ = JᵀF`) what unit joint torques can hold,
//! and each column of J is the tool velocity that one joint alone produces. Near a singularity
//! σ_min → 0: the pseudo-inverse asks for huge joint speeds, damped least squares does not.
//! Twists and wrenches change frame with X = Ad_T and X* = X⁻ᵀ, and their power is the same.

use crate::kit::prelude::*;
use crate::lessons::{LessonInfo, ShowEverything, lesson_panel_shown};
use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

mod measure;
mod overlays;
mod panel;
mod state;

pub use measure::*;
pub use overlays::*;
use panel::*;
pub use state::*;

mod steps;

mod strings;

pub const ID: &str = "jacobian";

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_jacobian",
    steps: steps::STEPS,
    strings: strings::STRINGS,
    plugin,
};

fn plugin(app: &mut App) {
    crate::kit::add_settings::<JacobianState>(app, ID);
    app.add_systems(
        Update,
        ((show_everything, record), draw.in_set(LessonSystems(ID)))
            .chain()
            .in_set(ArmSet::Views),
    )
    .add_systems(EguiPrimaryContextPass, panel.run_if(lesson_panel_shown(ID)));
}

fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<JacobianState>) {
    if msgs.read().count() > 0 {
        state.velocity = true;
        state.force = true;
        state.rotational = true;
        state.columns = true;
        state.ghosts = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;
    use crate::kit::widgets::Labels;
    use crate::lessons::ShowEverything;
    use crate::math::{Vec3 as RVec3, Vec6};
    use crate::robot::Model;

    fn robot() -> Robot {
        Robot::new(Model::from_urdf_str(crate::robot::panda::URDF).unwrap())
    }

    #[test]
    fn near_the_singularity_the_pseudo_inverse_blows_up_and_dls_does_not() {
        let mut robot = robot();
        let far = compare(
            robot.kin.as_ref().unwrap(),
            Vec6::new(0.0, 0.0, 0.1, 0.0, 0.0, 0.0),
        );
        // Away from singularities the two agree (no damping) and both are exact.
        assert_eq!(far.lambda, 0.0);
        assert!(far.pinv_error < 1e-9 && far.dls_error < 1e-9);
        let q = near_singular_q(&robot).unwrap();
        assert!(robot.set_chain_q(&q));
        let kin = robot.kin.clone().unwrap();
        assert!(
            kin.manip.sigma_min() < DLS_EPSILON,
            "σ_min {}",
            kin.manip.sigma_min()
        );
        let near = compare(&kin, demanded_twist(Demand::Weakest, &kin));
        assert!(near.lambda > 0.0);
        assert!(
            norm(&near.pinv) > 5.0 * norm(&near.dls),
            "{} vs {}",
            norm(&near.pinv),
            norm(&near.dls)
        );
        // The DLS bound |q̇| ≤ |V|/(2λ).
        assert!(norm(&near.dls) <= near.demand.norm() / (2.0 * near.lambda) + 1e-12);
    }

    /// The step on the Penrose conditions, at its own set-up (the ready pose, V up): both
    /// inverses deliver V to rounding, G's joint speed is longer, and only the fourth
    /// condition tells them apart.
    #[test]
    fn another_inverse_delivers_v_with_a_longer_speed_and_fails_only_the_fourth_condition() {
        let step = steps::STEPS
            .iter()
            .find(|s| s.title.en == "One inverse among many")
            .expect("the Penrose step");
        assert!(
            step.params.contains(&("demand", "up"))
                && step.params.contains(&("section", "inverse"))
        );
        assert_eq!(step.sim.q, Some(&crate::robot::panda::READY[..]));
        let mut robot = robot();
        assert!(robot.set_q(&crate::robot::panda::READY));
        let kin = robot.kin.clone().unwrap();
        let c = inverses(&kin, demanded_twist(Demand::Up, &kin));
        assert!(c.pinv_error < 1e-12 && c.other_error < 1e-12, "{c:?}");
        // The same J⁺ speed as the singularity section's comparison.
        let same = compare(&kin, demanded_twist(Demand::Up, &kin));
        assert!(
            c.pinv
                .iter()
                .zip(&same.pinv)
                .all(|(a, b)| (a - b).abs() < 1e-12)
        );
        assert!(norm(&c.other) > 1.2 * norm(&c.pinv), "{c:?}");
        assert!(c.penrose_pinv.iter().all(|r| *r < 1e-10), "{c:?}");
        assert!(c.penrose_other[..3].iter().all(|r| *r < 1e-10), "{c:?}");
        assert!(c.penrose_other[3] > 1e-2, "{c:?}");
        // The README's figures.
        assert!((norm(&c.pinv) - 0.342).abs() < 5e-4 && (norm(&c.other) - 0.427).abs() < 5e-4);
    }

    #[test]
    fn power_is_the_same_in_both_frames_and_matches_the_joint_side() {
        let robot = robot();
        let kin = robot.kin.as_ref().unwrap();
        let twist = [0.05, -0.02, 0.1, 0.3, -0.2, 0.4];
        let wrench = [1.0, 2.0, -10.0, 0.3, 0.1, -0.2];
        let fc = change_frames(&kin.pose, &twist, &wrench);
        assert!((fc.power_tool - fc.power_base).abs() < 1e-12);
        // X and X* as matrices agree with the vector actions.
        let x = kin.pose.adjoint();
        let xs = kin.pose.force_transform();
        let vb = x * Vec6::from_row_slice(&twist);
        let fb = xs * Vec6::from_row_slice(&wrench);
        assert!((vb - fc.twist_base.to_vec6()).norm() < 1e-12);
        assert!((fb - fc.wrench_base.to_vec6()).norm() < 1e-12);
        assert!((xs - x.try_inverse().unwrap().transpose()).amax() < 1e-12);
        // Joint side: q̇ᵀτ = (Jq̇)·F for any q̇.
        let tau = joint_torques(kin, &wrench);
        let qd = Vec6::new(0.1, -0.2, 0.3, 0.05, 0.0, -0.1);
        let qd: Vec<f64> = qd.iter().copied().chain([0.2]).collect();
        let dq = nalgebra::DVector::from_vec(qd.clone());
        let v = &kin.jacobian * dq;
        let r = kin.pose.rotation;
        let f = r * RVec3::new(wrench[0], wrench[1], wrench[2]);
        let m = r * RVec3::new(wrench[3], wrench[4], wrench[5]);
        let p_cart = v[0] * f.x + v[1] * f.y + v[2] * f.z + v[3] * m.x + v[4] * m.y + v[5] * m.z;
        let p_joint: f64 = qd.iter().zip(&tau).map(|(a, b)| a * b).sum();
        assert!((p_cart - p_joint).abs() < 1e-12);
    }

    /// The sign, against an independent oracle: a 2 kg payload at the tool changes the
    /// gravity torques (recursive Newton–Euler) by exactly what holding its weight takes,
    /// `−JᵀF_ext` with `F_ext = (0, 0, −m·g)`; `JᵀF_ext` would push the wrong way.
    #[test]
    fn holding_a_load_takes_minus_j_transpose_f() {
        use crate::robot::dynamics::gravity_torques;
        let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let robot = Robot::new(model.clone());
        let kin = robot.kin.as_ref().unwrap();
        let (m, g) = (2.0, 9.81);
        let mut loaded = model.clone();
        let tcp = loaded.link_index("panda_tcp").unwrap();
        loaded.links[tcp].inertia.mass = m;
        loaded.links[tcp].inertia.com = RVec3::zeros();
        let gravity = RVec3::new(0.0, 0.0, -g);
        let (g0, g1) = (
            gravity_torques(&model, &robot.q, &gravity),
            gravity_torques(&loaded, &robot.q, &gravity),
        );
        // The load in the tool frame.
        let f_tool = kin.pose.rotation.transpose() * RVec3::new(0.0, 0.0, -m * g);
        let exert = joint_torques(kin, &[f_tool.x, f_tool.y, f_tool.z, 0.0, 0.0, 0.0]);
        for i in 0..exert.len() {
            let hold = g1[i] - g0[i];
            assert!(
                (hold + exert[i]).abs() < 1e-9,
                "joint {}: {hold} vs {}",
                i + 1,
                -exert[i]
            );
        }
        assert!(exert.iter().any(|t| t.abs() > 1.0));
    }

    /// The bars are the singular values of each block (checked against nalgebra's SVD of the
    /// rows themselves), and only the blocks' figures survive a change of length unit: in
    /// millimetres σ(J_v) scales by 1000 and κ_v stays, while κ of the full J changes.
    #[test]
    fn each_block_has_its_own_singular_values_and_unit() {
        let robot =
            Robot::new(crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap());
        let kin = robot.kin.as_ref().unwrap();
        let b = BlockSigmas::of(kin);
        let j = &kin.jacobian;
        let sv = |m: &crate::math::Jacobian, first: usize, n: usize| {
            let mut s: Vec<f64> = m
                .rows(first, n)
                .clone_owned()
                .svd(false, false)
                .singular_values
                .iter()
                .copied()
                .collect();
            s.sort_by(|x, y| y.total_cmp(x));
            s
        };
        for (got, want) in [(b.translational, sv(j, 0, 3)), (b.rotational, sv(j, 3, 3))] {
            for i in 0..3 {
                assert!((got[i] - want[i]).abs() < 1e-9, "{got:?} vs {want:?}");
            }
        }
        let mut mm = j.clone_owned();
        for r in 0..3 {
            for c in 0..mm.ncols() {
                mm[(r, c)] *= 1000.0;
            }
        }
        let kappa_v_mm = sv(&mm, 0, 3)[0] / sv(&mm, 0, 3)[2];
        assert!((kappa_v_mm - b.kappa_translational()).abs() < 1e-6 * kappa_v_mm);
        assert!((sv(&mm, 0, 3)[0] - 1000.0 * b.translational[0]).abs() < 1e-6);
        let full = sv(&j.clone_owned(), 0, 6);
        let full_mm = sv(&mm, 0, 6);
        let (k_m, k_mm) = (full[0] / full[5], full_mm[0] / full_mm[5]);
        assert!((k_m / k_mm - 1.0).abs() > 0.5, "κ {k_m} in m, {k_mm} in mm");
    }

    /// The w and κ plots put the timeline's cursor at the sample taken when the moment shown
    /// was the newest.
    #[test]
    fn the_history_plots_mark_the_moment_the_timeline_shows() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let mut sim = Sim::default();
        sim.restart(&model, 1).unwrap();
        let mut state = JacobianState::default();
        for k in 0..10 {
            sim.advance(0.05, 8);
            let newest = sim.history.last().unwrap().serial;
            state.history.push_back(super::state::Sample {
                t: 100.0 + k as f64,
                moment: Some(newest),
                sigma: [1.0; 6],
                w: 1.0,
                kappa: 1.0,
            });
        }
        assert_eq!(panel::moment_x(&state, Some(&sim), 109.0), None);
        // Frame 4 was the newest after the fourth period: the fourth sample (t = 103).
        sim.show(4);
        assert_eq!(panel::moment_x(&state, Some(&sim), 109.0), Some(-6.0));
    }

    #[test]
    fn history_keeps_twenty_seconds() {
        use bevy::time::TimeUpdateStrategy;
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(robot())
            .insert_resource(Lang::En)
            .init_resource::<Labels>()
            .insert_resource(TimeUpdateStrategy::ManualDuration(
                std::time::Duration::from_millis(500),
            ))
            .add_plugins(crate::app::robot::RobotPlugin);
        crate::kit::register_lessons(&mut app, crate::lessons::ALL, None);
        for _ in 0..100 {
            app.update();
        }
        let h = &app.world().resource::<JacobianState>().history;
        let span = h.back().unwrap().t - h.front().unwrap().t;
        assert!(
            span <= HISTORY_SECONDS && span > HISTORY_SECONDS - 1.0,
            "{span}"
        );
        app.world_mut().write_message(ShowEverything);
        app.update();
        let s = app.world().resource::<JacobianState>();
        assert!(s.velocity && s.force && s.rotational && s.columns && s.ghosts);
    }
}
