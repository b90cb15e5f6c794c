//! The pick-and-place task on arms other than the bundled Panda: the bundled iiwa and Kinova
//! with a suction cup, and two generated 6-joint geometries (a UR-like offset wrist and a
//! PUMA-like spherical wrist), each over ten seeds in physics.

use super::task::arm::{Gripper, TaskArm};
use super::task::{ActionMode, PickPlaceConfig, run_episode};
use crate::robot::Model;
use crate::robot::test_arms::{spherical_wrist, ur_style};

fn arms() -> Vec<Model> {
    vec![
        Model::from_urdf_str(include_str!("../../urdf/kuka_iiwa14.urdf")).expect("iiwa"),
        Model::from_urdf_str(include_str!("../../urdf/kinova_gen3.urdf")).expect("kinova"),
        ur_style(),
        spherical_wrist(),
    ]
}

#[test]
fn other_arms_pick_and_place_with_a_suction_cup() {
    let cfg = PickPlaceConfig {
        mode: ActionMode::Task,
        ..PickPlaceConfig::default()
    };
    for model in arms() {
        let arm = TaskArm::for_model(&model).expect("6 or 7 joints");
        assert_eq!(arm.gripper, Gripper::Suction, "{}", model.name);
        let mut placed = 0;
        let mut errors = Vec::new();
        for seed in 1..=10 {
            let o = run_episode(&model, seed, &cfg).expect("runs");
            placed += usize::from(o.success);
            errors.push(format!("{:.1}", o.place_error * 1e3));
        }
        eprintln!(
            "{}: {placed}/10 placed, place errors (mm) {}",
            model.name,
            errors.join(" ")
        );
        assert!(placed >= 9, "{}: {placed}/10", model.name);
    }
}
