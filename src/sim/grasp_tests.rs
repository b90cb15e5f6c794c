//! The gripper really grasps: a cube is picked up from a table and held.

use super::{ArmWorld, JointPd};
use crate::math::ik::IkSolver;
use crate::math::{Transform, Vec3, so3};
use crate::robot::{Chain, Model};

const READY: [f64; 8] = [0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785, 0.04];
/// Grip force per finger (N): well inside the Franka Hand's 70 N, and 20× what a 100 g cube
/// needs at friction 1.
const GRIP: f64 = 10.0;

/// Joint values (7 arm + finger) that put the TCP at `p`, pointing straight down.
fn reach(model: &Model, chain: &Chain, p: Vec3, from: &[f64], finger: f64) -> Vec<f64> {
    let target = Transform::new(so3::rot_x(std::f64::consts::PI), p);
    let sol = IkSolver::default()
        .solve(chain, &target, &from[..7])
        .unwrap();
    let mut q = sol.q;
    q.push(finger);
    assert_eq!(q.len(), model.dof());
    q
}

#[test]
fn a_lifted_cube_is_held_for_five_seconds_with_little_slip() {
    let model = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let chain = Chain::to_link(&model, "panda_tcp").unwrap();
    let tcp = model.link_index("panda_tcp").unwrap();
    let side = 0.04;
    let cube_at = Vec3::new(0.5, 0.0, side / 2.0);
    let q_grasp = reach(&model, &chain, cube_at, &READY, 0.04);
    let q_lift = reach(
        &model,
        &chain,
        cube_at + Vec3::new(0.0, 0.0, 0.15),
        &q_grasp,
        0.04,
    );

    let dt = 1.0 / 240.0;
    let mut arm = ArmWorld::new(model.clone(), &q_grasp, dt).unwrap();
    arm.add_table(Vec3::new(0.5, 0.0, 0.0), Vec3::new(0.8, 1.0, 0.05));
    let cube = arm.add_cube(cube_at, side, 0.1);
    let pd = JointPd::default();
    let run = |arm: &mut ArmWorld, target: &[f64], grip: f64| {
        let (q, qd) = (arm.q(), arm.qd());
        let mut hold = target.to_vec();
        hold[7] = q[7];
        let mut tau = pd.torques(&model, &q, &qd, &hold);
        tau[7] = -grip;
        arm.apply_joint_torques(&tau).unwrap();
        arm.step().unwrap();
    };
    // Close for 1 s, lift over 1.5 s.
    for _ in 0..240 {
        run(&mut arm, &q_grasp, GRIP);
    }
    let width = arm.q()[7];
    assert!(
        (width - side / 2.0).abs() < 0.003,
        "fingers stop at the cube: {width}"
    );
    let lift_steps = 360;
    for k in 0..=lift_steps {
        let s = k as f64 / lift_steps as f64;
        let target: Vec<f64> = q_grasp
            .iter()
            .zip(&q_lift)
            .map(|(a, b)| a + s * (b - a))
            .collect();
        run(&mut arm, &target, GRIP);
    }
    // Hold 5 s and watch the cube in the TCP frame.
    let in_tcp = |arm: &ArmWorld| {
        arm.link_pose(tcp)
            .inverse()
            .transform_point(&arm.body_pose(cube).unwrap().translation)
    };
    let start = in_tcp(&arm);
    let mut slip: f64 = 0.0;
    for _ in 0..(5.0 / dt) as usize {
        run(&mut arm, &q_lift, GRIP);
        slip = slip.max((in_tcp(&arm) - start).norm());
    }
    let height = arm.body_pose(cube).unwrap().translation.z;
    eprintln!(
        "grasp: cube at {:.3} m after lifting, slip over 5 s = {:.3} mm",
        height,
        slip * 1e3
    );
    assert!(
        height > cube_at.z + 0.13,
        "the cube was lifted: z = {height}"
    );
    assert!(slip < 5e-3, "slip {slip}");
}
