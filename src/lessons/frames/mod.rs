//! Lesson: coordinate frames and chains of transforms.
//!
//! Every link carries a frame; `T_ab` is frame b's pose in frame a. Pick a, b, c and watch
//! `T_ac = T_ab·T_bc` hold live while the arm moves, see that `T_bc·T_ab` is something else,
//! and that `T_ba = T_ab⁻¹ = [Rᵀ, −Rᵀp]`. Then the calibration chain (a camera on a stand sees
//! the cube) and basis change versus coordinate change.

use crate::kit::prelude::*;
use crate::lessons::{LessonInfo, ShowEverything, lesson_panel_shown};
use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

mod measure;
mod overlays;
mod panel;
mod state;

pub use measure::*;
use overlays::*;
pub use panel::*;
pub use state::*;

mod steps;

mod strings;

pub const ID: &str = "frames";

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_frames",
    steps: steps::STEPS,
    strings: strings::STRINGS,
    plugin,
};

fn plugin(app: &mut App) {
    crate::kit::add_settings::<FramesState>(app, ID);
    app.add_systems(
        Update,
        (
            (reset_on_new_model, show_everything, resolve_picks).chain(),
            draw.in_set(LessonSystems(ID)),
        )
            .chain()
            .in_set(ArmSet::Views),
    )
    .add_systems(EguiPrimaryContextPass, panel.run_if(lesson_panel_shown(ID)));
}

fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<FramesState>) {
    if msgs.read().count() > 0 {
        state.triads = true;
        state.names = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n::Lang;
    use crate::kit::widgets::Labels;
    use crate::math::Vec3 as RVec3;
    use crate::robot::Model;

    fn robot() -> Robot {
        Robot::new(Model::from_urdf_str(crate::robot::panda::URDF).unwrap())
    }

    #[test]
    fn the_chain_closes_and_the_order_matters_on_the_arm() {
        let robot = robot();
        let f = FramePoses::new(&robot, None);
        let n = robot.model.links.len();
        let check = ChainCheck::new(
            &f.pose(FrameRef::Link(0)),
            &f.pose(FrameRef::Link(4)),
            &f.pose(FrameRef::Link(n - 1)),
        );
        assert!(check.chain_error < 1e-12, "{}", check.chain_error);
        assert!(check.inverse_error < 1e-12);
        assert!(check.order_gap > 0.05, "{}", check.order_gap);
        // The closed-form inverse is the matrix inverse.
        let inv = check.t_ab.to_matrix().try_inverse().unwrap();
        assert!((inv - check.t_ba.to_matrix()).amax() < 1e-12);
    }

    #[test]
    fn the_calibration_chain_recovers_the_point() {
        let robot = robot();
        let f = FramePoses::new(&robot, None);
        let cal = Calibration::new(&f.camera, &f.target, RVec3::new(0.02, -0.01, 0.02));
        assert!(cal.error < 1e-12);
        // The target is in front of the camera (optical z > 0).
        assert!(cal.p_cam.z > 0.3);
        // The inverse by mistake puts P far away, and exactly where T_base_cam⁻¹ sends it.
        assert!(cal.inverted_error > 0.5, "{}", cal.inverted_error);
        let by_matrix = f.camera.to_matrix().try_inverse().unwrap()
            * nalgebra::Vector4::new(cal.p_cam.x, cal.p_cam.y, cal.p_cam.z, 1.0);
        assert!((by_matrix.xyz() - cal.p_base_inverted).norm() < 1e-12);
    }

    /// The calibration step says the inverse sends P "well over a metre away": so it does,
    /// wherever in its ±0.2 m box the point is put.
    #[test]
    fn the_inverted_calibration_moves_p_well_over_a_metre() {
        let robot = robot();
        let f = FramePoses::new(&robot, None);
        let step = super::steps::STEPS
            .iter()
            .find(|s| s.params.contains(&("inverted", "1")))
            .expect("the inverted-calibration step");
        assert!(step.try_this.en.contains("well over a metre"));
        // |Δ| is |M·P + c| with ‖M‖ ≤ 2 (M a difference of two rotations): on a 5 × 5 × 5 grid
        // 0.1 m apart every point of the box is within 0.087 m of a grid point, so |Δ| anywhere
        // is at least the grid's least less 0.18 m.
        let mut range = (f64::INFINITY, 0.0f64);
        let at = |k: usize| -0.2 + 0.1 * k as f64;
        for (i, j, k) in (0..125).map(|n| (n % 5, n / 5 % 5, n / 25)) {
            let p = RVec3::new(at(i), at(j), at(k));
            let error = Calibration::new(&f.camera, &f.target, p).inverted_error;
            range = (range.0.min(error), range.1.max(error));
        }
        let error = Calibration::new(&f.camera, &f.target, RVec3::new(0.02, 0.02, 0.02));
        assert!(error.inverted_error > 1.2, "{}", error.inverted_error);
        assert!(range.0 - 0.18 > 1.0, "{range:?}");
        assert!(range.1 < 2.5, "{range:?}");
    }

    #[test]
    fn coordinates_change_with_the_inverse_of_the_basis_change() {
        let robot = robot();
        let f = FramePoses::new(&robot, None);
        let (wa, wb) = (f.pose(FrameRef::Link(2)), f.pose(FrameRef::Link(6)));
        let p = RVec3::new(0.4, 0.1, 0.3);
        let bc = BasisChange::new(&wa, &wb, &p);
        assert!(bc.error < 1e-12);
        assert!((bc.t_ab.inverse().transform_point(&bc.p_a) - bc.p_b).norm() < 1e-12);
        // The columns of R_ab are b's axes written in a.
        let x_b_in_world = wb.rotation.column(0).clone_owned();
        let x_b_in_a = wa.rotation.transpose() * x_b_in_world;
        assert!((x_b_in_a - bc.t_ab.rotation.column(0)).norm() < 1e-12);
    }

    #[test]
    fn picks_follow_a_new_model() {
        use bevy::state::app::StatesPlugin;
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin))
            .insert_resource(robot())
            .insert_resource(Lang::En)
            .init_resource::<Labels>()
            .add_plugins(crate::app::robot::RobotPlugin);
        // No lesson open (no drawing without a renderer): only the lesson state is under test.
        crate::kit::register_lessons(&mut app, crate::lessons::ALL, None);
        app.update();
        let tool = app.world().resource::<Robot>().tool;
        assert_eq!(
            app.world().resource::<FramesState>().c,
            FrameRef::Link(tool)
        );
        let iiwa = Model::from_urdf_str(include_str!("../../../urdf/kuka_iiwa14.urdf")).unwrap();
        app.world_mut().resource_mut::<Robot>().replace_model(iiwa);
        app.update();
        let robot = app.world().resource::<Robot>();
        let state = app.world().resource::<FramesState>();
        assert_eq!(state.c, FrameRef::Link(robot.tool));
        assert_eq!(robot.model.name, "iiwa14");
    }
}
