//! Inverse kinematics on the bundled 7-DoF arm.

#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use armtutor::math::Transform;
use armtutor::math::ik::{
    IkError, IkMethod, IkSolver, KinematicChain, nullspace_projector, pose_error,
};
use armtutor::robot::{Chain, Model};
use nalgebra::DVector;
use rand::{Rng, SeedableRng};

fn setup() -> (Model, Chain) {
    let model = Model::from_urdf_file("urdf/panda.urdf").expect("bundled arm");
    let chain = Chain::to_link(&model, "panda_tcp").expect("tcp");
    (model, chain)
}

fn random_q(chain: &Chain, rng: &mut impl Rng) -> Vec<f64> {
    (0..chain.dof())
        .map(|i| {
            let (lo, hi) = chain.joint_limits(i);
            rng.random_range(lo..=hi)
        })
        .collect()
}

const HOME: [f64; 7] = [0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785];

#[test]
fn dls_reaches_random_reachable_poses() {
    let (_, chain) = setup();
    let solver = IkSolver {
        max_iterations: 300,
        ..IkSolver::default()
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let trials = 200;
    let mut ok = 0;
    for _ in 0..trials {
        // Targets are poses the arm really reaches, near enough to home that one IK branch
        // connects them (as in teach mode, where the target is dragged from the current pose).
        let q_true: Vec<f64> = HOME
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let (lo, hi) = chain.joint_limits(i);
                (h + rng.random_range(-0.6..0.6)).clamp(lo, hi)
            })
            .collect();
        let target = chain.tip_pose(&q_true);
        match solver.solve(&chain, &target, &HOME) {
            Ok(sol) => {
                ok += 1;
                for (i, q) in sol.q.iter().enumerate() {
                    let (lo, hi) = chain.joint_limits(i);
                    assert!(*q >= lo && *q <= hi, "joint {i} outside its limits");
                }
                let e = pose_error(&chain.tip_pose(&sol.q), &target);
                assert!(e.norm() < 2e-6);
            }
            Err(IkError::NotConverged { .. }) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    let rate = ok as f64 / trials as f64;
    eprintln!("DLS IK success: {ok}/{trials} = {:.1} %", 100.0 * rate);
    assert!(rate >= 0.95, "success rate {rate}");
}

#[test]
fn unreachable_targets_report_failure() {
    let (_, chain) = setup();
    let far = Transform::from_translation(armtutor::math::Vec3::new(2.0, 0.0, 0.5));
    let err = IkSolver::default().solve(&chain, &far, &HOME).unwrap_err();
    match err {
        IkError::NotConverged { position_error, .. } => assert!(position_error > 0.8),
        e => panic!("expected NotConverged, got {e}"),
    }
}

#[test]
fn pseudo_inverse_steps_explode_near_a_singularity_and_dls_does_not() {
    // The Panda's joint limits keep it ~0.04 away from singular; the iiwa, stretched straight
    // with its elbow bent by 2 mrad, has σ_min ≈ 3e-4 (σ_min ∝ elbow angle). Ask for motion along u_min.
    let model = Model::from_urdf_file("urdf/kuka_iiwa14.urdf").expect("bundled arm");
    let chain = Chain::to_link(&model, "iiwa_link8").expect("flange");
    let q = [0.0, 0.4, 0.0, 0.002, 0.0, 0.5, 0.0];
    let j = chain.jacobian(&q);
    let svd = armtutor::math::Manipulability::from_jacobian(&j);
    let e = svd.u_axis(5) * 0.01;
    let pinv = armtutor::math::ik::pinv_step(&j, &e);
    let dls = armtutor::math::ik::dls_step(&j, &e, 0.05);
    eprintln!(
        "σ_min = {:.3e}: |Δq| pinv = {:.3e}, DLS = {:.3e}",
        svd.sigma_min(),
        pinv.norm(),
        dls.norm()
    );
    assert!(svd.sigma_min() < 1e-3);
    // The pseudo-inverse step is |e|/σ_min; damping bounds it by |e|/(2λ).
    assert!((pinv.norm() - 0.01 / svd.sigma_min()).abs() < 1e-6 * pinv.norm());
    assert!(pinv.norm() > 10.0 * dls.norm());
    assert!(dls.norm() <= e.norm() / (2.0 * 0.05) + 1e-12);
}

#[test]
fn nullspace_moves_the_elbow_but_not_the_tool() {
    let (_, chain) = setup();
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    for _ in 0..20 {
        let q = random_q(&chain, &mut rng);
        let j = chain.jacobian(&q);
        let n = nullspace_projector(&j);
        let dq = &n * DVector::from_vec(vec![1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let dj = nalgebra::DMatrix::from_column_slice(6, 7, j.as_slice());
        assert!((dj * &dq).amax() < 1e-9);
        // A small motion along the null space keeps the tool within second order.
        let step = 1e-3;
        let q2: Vec<f64> = q
            .iter()
            .zip(dq.iter())
            .map(|(a, b)| a + step * b / dq.norm())
            .collect();
        let e = pose_error(&chain.tip_pose(&q), &chain.tip_pose(&q2));
        assert!(e.norm() < 1e-5, "{}", e.norm());
    }
}

#[test]
fn rest_posture_through_the_null_space_keeps_the_solution_exact() {
    let (_, chain) = setup();
    let target = chain.tip_pose(&[0.3, -0.2, 0.4, -2.0, 0.1, 1.9, 0.5]);
    let plain = IkSolver::default()
        .solve(&chain, &target, &HOME)
        .expect("converges");
    let with_rest = IkSolver {
        rest: Some((vec![0.0, -0.3, 1.2, -2.2, 0.0, 2.0, 0.785], 0.2)),
        max_iterations: 400,
        ..IkSolver::default()
    }
    .solve(&chain, &target, &HOME)
    .expect("converges with a secondary task");
    assert!(with_rest.position_error < 1e-6);
    // The secondary task pulled joint 3 towards 1.2 rad without moving the tool.
    assert!((with_rest.q[2] - 1.2).abs() < (plain.q[2] - 1.2).abs());
}

#[test]
fn undamped_newton_with_the_pseudo_inverse_converges_away_from_singularities() {
    let (_, chain) = setup();
    let solver = IkSolver {
        method: IkMethod::PseudoInverse,
        ..IkSolver::default()
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    for _ in 0..20 {
        let q_true: Vec<f64> = HOME
            .iter()
            .map(|h| h + rng.random_range(-0.3..0.3))
            .collect();
        let target = chain.tip_pose(&q_true);
        let sol = solver.solve(&chain, &target, &HOME).expect("converges");
        assert!(sol.position_error < 1e-6 && sol.orientation_error < 1e-6);
    }
}

#[test]
fn self_motion_moves_the_elbow_a_long_way_with_the_tool_held() {
    let (model, chain) = setup();
    let elbow = model.link_index("panda_link4").unwrap();
    let q0 = vec![0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785];
    let (q, drift) = armtutor::math::ik::self_motion(&chain, &q0, 2, 0.6, 60);
    // Joint 3's null-space direction swings the elbow by centimetres…
    let to_model = |q: &[f64]| {
        let mut full = q.to_vec();
        full.push(0.04);
        model.link_poses(&full)[elbow].translation
    };
    let moved = (to_model(&q) - to_model(&q0)).norm();
    assert!(moved > 0.03, "elbow moved {moved}");
    // …while the tool moves only by the Euler steps' second-order error.
    assert!(drift < 2e-3, "{drift}");
    let e = pose_error(&chain.tip_pose(&q0), &chain.tip_pose(&q));
    assert!((e.norm() - drift).abs() < 1e-12);
    // Halving the step size shrinks the drift (first-order method: about ×½).
    let (_, finer) = armtutor::math::ik::self_motion(&chain, &q0, 2, 0.6, 120);
    assert!(finer < 0.7 * drift, "{finer} vs {drift}");
}

#[test]
fn the_euler_tracking_controller_spikes_through_gimbal_lock_and_the_rotation_vector_does_not() {
    use armtutor::math::euler::EulerSequence;
    use armtutor::math::orientation_control::{
        OrientationError, SweepSettings, track_orientation_sweep,
    };
    use armtutor::math::{Vec3, so3};
    let (_, chain) = setup();
    let zyx = EulerSequence::parse("ZYX").unwrap();
    // The tool held at one point while it turns from pointing forward-down to forward-up:
    // its ZYX pitch passes −90°, the lock. Also an asymmetric sweep, so nothing hinges on a
    // sample landing exactly on the lock.
    for (start_deg, end_deg) in [(-60.0f64, -120.0f64), (-61.0, -121.3)] {
        let down = so3::rot_x(std::f64::consts::PI);
        let from = so3::exp(&(Vec3::y() * start_deg.to_radians())) * down;
        let to = so3::exp(&(Vec3::y() * end_deg.to_radians())) * down;
        let position = Vec3::new(0.5, 0.0, 0.45);
        let q0 = IkSolver::default()
            .solve(
                &chain,
                &Transform::new(from, position),
                &[0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785],
            )
            .expect("the start pose is reachable")
            .q;
        let settings = SweepSettings::default();
        let run = |how| track_orientation_sweep(&chain, &q0, &position, &from, &to, &settings, how);
        let rv = run(OrientationError::RotationVector);
        let eu = run(OrientationError::EulerDifference(zyx));
        // The rotation-vector controller follows the 60° turn smoothly and ends on target.
        assert!(
            rv.final_orientation_error() < 1e-4,
            "{}",
            rv.final_orientation_error()
        );
        assert!(rv.peak_joint_speed() < 1.0, "{}", rv.peak_joint_speed());
        // The Euler controller asks for a joint-speed spike at the lock (measured: about
        // 3300 rad/s against 0.52) though it ends on target too.
        assert!(
            eu.peak_joint_speed() > 100.0 * rv.peak_joint_speed(),
            "euler peak {} vs rotation vector {}",
            eu.peak_joint_speed(),
            rv.peak_joint_speed()
        );
        assert!(eu.final_orientation_error() < 1e-3);
    }
}
