use super::*;
use crate::robot::dynamics::{GRAVITY, inverse_dynamics, mass_matrix};

fn panda() -> Model {
    Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
}

pub(crate) const READY: [f64; 8] = [0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785, 0.02];

/// q̈ from our own dynamics: M(q)q̈ = τ − RNEA(q, q̇, 0) − D·q̇.
fn our_qdd(model: &Model, q: &[f64], qd: &[f64]) -> Vec<f64> {
    let zero = vec![0.0; q.len()];
    let bias = inverse_dynamics(model, q, qd, &zero, &GRAVITY);
    let rhs: Vec<f64> = model
        .dof_joints
        .iter()
        .enumerate()
        .map(|(i, &ji)| -bias[i] - model.joints[ji].damping * qd[i])
        .collect();
    let m = mass_matrix(model, q);
    m.cholesky()
        .unwrap()
        .solve(&nalgebra::DVector::from_vec(rhs))
        .as_slice()
        .to_vec()
}

#[test]
fn rapier_starts_where_our_fk_says() {
    let model = panda();
    let arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
    let poses = model.link_poses(&READY);
    for (l, expected) in poses.iter().enumerate() {
        let got = arm.link_pose(l);
        assert!(
            (got.translation - expected.translation).norm() < 1e-9,
            "{}",
            model.links[l].name
        );
        assert!(
            (got.rotation - expected.rotation).amax() < 1e-9,
            "{}",
            model.links[l].name
        );
    }
    let q = arm.q();
    for i in 0..q.len() {
        assert!((q[i] - READY[i]).abs() < 1e-12);
    }
}

/// Substeps keep the solver at 720 Hz or faster: 3 at the task's 240 Hz, 1 at the
/// passive default of 1000 Hz, never more than rapier's default 4.
#[test]
fn substeps_follow_the_physics_rate() {
    let cases = [
        (240.0, 3),
        (1000.0, 1),
        (720.0, 1),
        (500.0, 2),
        (60.0, 4),
        (1e6, 1),
    ];
    for (rate, n) in cases {
        assert_eq!(solver_substeps(1.0 / rate), n, "{rate} Hz");
    }
    assert_eq!(solver_substeps(f64::NAN), 4);
    let arm = ArmWorld::new(panda(), &READY, 1.0 / 240.0).unwrap();
    assert_eq!(arm.world.integration_parameters.num_solver_iterations, 3);
}

#[test]
fn a_passive_fall_matches_our_own_equations_of_motion() {
    let model = panda();
    let dt = 1.0 / 1000.0;
    let mut arm = ArmWorld::new(model.clone(), &READY, dt).unwrap();
    // Our equations integrated by RK4 with a much smaller step, as the reference.
    let (mut q, mut qd) = (READY.to_vec(), vec![0.0; 8]);
    let h = 1e-4;
    let steps = 300; // 0.3 s
    for _ in 0..steps {
        arm.step().unwrap();
    }
    for _ in 0..(steps * 10) {
        let f = |q: &[f64], qd: &[f64]| (qd.to_vec(), our_qdd(&model, q, qd));
        let add = |a: &[f64], b: &[f64], s: f64| {
            a.iter().zip(b).map(|(x, y)| x + s * y).collect::<Vec<_>>()
        };
        let (k1q, k1v) = f(&q, &qd);
        let (k2q, k2v) = f(&add(&q, &k1q, h / 2.0), &add(&qd, &k1v, h / 2.0));
        let (k3q, k3v) = f(&add(&q, &k2q, h / 2.0), &add(&qd, &k2v, h / 2.0));
        let (k4q, k4v) = f(&add(&q, &k3q, h), &add(&qd, &k3v, h));
        for i in 0..8 {
            q[i] += h / 6.0 * (k1q[i] + 2.0 * k2q[i] + 2.0 * k3q[i] + k4q[i]);
            qd[i] += h / 6.0 * (k1v[i] + 2.0 * k2v[i] + 2.0 * k3v[i] + k4v[i]);
        }
    }
    let sim = arm.q();
    let moved: f64 = (0..7).map(|i| (q[i] - READY[i]).abs()).fold(0.0, f64::max);
    let worst: f64 = (0..7).map(|i| (sim[i] - q[i]).abs()).fold(0.0, f64::max);
    eprintln!(
        "passive fall 0.3 s: largest joint motion {moved:.3} rad, rapier vs ours {worst:.2e} rad"
    );
    assert!(moved > 0.1, "the arm should fall noticeably");
    assert!(
        worst < 0.02 * moved,
        "rapier and our dynamics disagree by {worst}"
    );
}

#[test]
fn nan_and_runaway_reset_the_world_and_are_reported() {
    let model = panda();
    let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
    let cube = arm.add_cube(Vec3::new(0.5, 0.0, 0.5), 0.04, 0.1);
    for _ in 0..10 {
        arm.step().unwrap();
    }
    let mut tau = vec![0.0; 8];
    tau[2] = f64::NAN;
    assert!(matches!(
        arm.apply_joint_torques(&tau),
        Err(SimError::NonFiniteCommand { joint: 3 })
    ));
    assert_eq!(arm.resets(), 1);
    assert_eq!(arm.q(), READY.to_vec());
    assert_eq!(arm.time(), 0.0);
    assert_eq!(
        arm.body_pose(cube).unwrap().translation,
        Vec3::new(0.5, 0.0, 0.5)
    );
    arm.step().unwrap();
    // A huge torque on the wrist makes the arm spin past the 100× backstop: physical (the
    // torque did that work), but no arm survives it.
    let mut tau = vec![0.0; 8];
    tau[6] = 1e5;
    let mut err = None;
    for _ in 0..20 {
        arm.apply_joint_torques(&tau).unwrap();
        if let Err(e) = arm.step() {
            err = Some(e);
            break;
        }
    }
    let e = err.expect("runaway detected");
    // The reaction of a 1e5 N·m wrist torque spins the whole arm; whichever joint crosses
    // its limit first is named.
    assert!(matches!(&e, SimError::Runaway { .. }), "{e}");
    assert!(!e.to_string().contains('\n'));
    assert_eq!(arm.resets(), 2);
    assert_eq!(arm.q(), READY.to_vec());
}

#[test]
fn energy_from_nowhere_is_a_runaway_even_below_the_speed_backstop() {
    let model = panda();
    let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
    for _ in 0..10 {
        arm.apply_joint_torques(&[0.0; 8]).unwrap();
        arm.step().unwrap();
    }
    // Kick the shoulder to 10 rad/s without any torque: far below 100× its 2.175 rad/s
    // limit, but about 20 J of motion that nothing supplied.
    let sj = &arm.joints[1];
    let (mb, link) = arm.world.multibody_joints.get_mut(sj.handle).unwrap();
    let i = mb.link(link).unwrap().assembly_id();
    mb.generalized_velocity_mut()[i] = 10.0;
    arm.apply_joint_torques(&[0.0; 8]).unwrap();
    let e = arm.step().expect_err("the kick is caught");
    assert!(matches!(&e, SimError::EnergyGain { .. }), "{e}");
    assert!(!e.to_string().contains('\n'));
    assert_eq!(arm.q(), READY.to_vec());
    // Placing the arm by hand restarts the account: no false alarm afterwards.
    arm.set_q(&[0.0, 0.4, 0.0, -1.0, 0.0, 1.5, 0.0, 0.02]);
    for _ in 0..240 {
        arm.apply_joint_torques(&[0.0; 8]).unwrap();
        arm.step().unwrap();
    }
}

/// The bundled Kinova released from a bent pose falls fast (other simulators reach about
/// 20 rad/s on this file with contacts off): the guard must let a real fall run.
#[test]
fn a_fast_passive_fall_runs_to_the_end() {
    let model = Model::from_urdf_str(include_str!("../../../urdf/kinova_gen3.urdf")).unwrap();
    let q0 = [0.0, -0.5, 0.0, -2.0, 0.0, 1.6, 0.8];
    let mut arm = ArmWorld::new(model.clone(), &q0, 1.0 / 1000.0).unwrap();
    // Rapier fills in the bodies' masses on the first step.
    arm.apply_joint_torques(&[0.0; 7]).unwrap();
    arm.step().unwrap();
    let (k0, v0) = arm.arm_energy();
    let mut fastest = 0.0f64;
    let mut lowest_v = v0;
    for _ in 1..3000 {
        arm.apply_joint_torques(&[0.0; 7]).unwrap();
        arm.step().unwrap();
        fastest = arm.qd().iter().fold(fastest, |m, x| m.max(x.abs()));
        lowest_v = lowest_v.min(arm.arm_energy().1);
    }
    let (k, v) = arm.arm_energy();
    eprintln!(
        "kinova fall: fastest joint {fastest:.1} rad/s, energy {:.2} J -> {:.2} J, lowest V {lowest_v:.2} J",
        k0 + v0,
        k + v
    );
    assert_eq!(arm.resets(), 0);
    assert!(
        fastest > 14.0,
        "faster than the old 10x-limit guard allowed: {fastest}"
    );
    // Damping and limits only take energy out (a little integration error allowed).
    assert!(k + v < k0 + v0 + 0.05 * (v0 - lowest_v).abs() + 0.1);
}

#[test]
fn the_same_inputs_give_a_bit_identical_trace() {
    let run = || {
        let model = panda();
        let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
        arm.add_table(Vec3::new(0.5, 0.0, 0.0), Vec3::new(0.8, 1.0, 0.05));
        let cube = arm.add_cube(Vec3::new(0.5, 0.1, 0.02), 0.04, 0.1);
        let pd = crate::sim::JointPd::default();
        let mut target = READY;
        target[0] = 0.5;
        target[3] = -1.8;
        let mut trace = Vec::new();
        for _ in 0..480 {
            let tau = pd.torques(&model, &arm.q(), &arm.qd(), &target);
            arm.apply_joint_torques(&tau).unwrap();
            arm.step().unwrap();
            trace.extend(arm.q().iter().map(|x| x.to_bits()));
            trace.extend(
                arm.body_pose(cube)
                    .unwrap()
                    .translation
                    .iter()
                    .map(|x| x.to_bits()),
            );
        }
        trace
    };
    assert_eq!(run(), run());
}

/// A Panda trace (joints, cube) under a PD command that folds the elbow onto its lower
/// limit and swings the base, with the gripper open (fingers resting on a limit) beside a
/// cube on the table; the limits as rapier has them when `all` is false.
fn limits_trace(all: bool) -> (Vec<u64>, usize) {
    let model = panda();
    let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
    arm.all_limits = all;
    arm.add_table(Vec3::new(0.5, 0.0, 0.0), Vec3::new(0.8, 1.0, 0.05));
    let cube = arm.add_cube(Vec3::new(0.5, 0.1, 0.02), 0.04, 0.1);
    let pd = crate::sim::JointPd::default();
    let (lo, _) = model.joints[model.dof_joints[3]].limits;
    let mut target = READY;
    target[0] = 0.8;
    target[3] = lo - 0.3;
    let (mut trace, mut limits_off, mut elbow) = (Vec::new(), 0, f64::INFINITY);
    for _ in 0..720 {
        let tau = pd.torques(&model, &arm.q(), &arm.qd(), &target);
        arm.apply_joint_torques(&tau).unwrap();
        arm.step().unwrap();
        let q = arm.q();
        elbow = elbow.min(q[3]);
        trace.extend(q.iter().chain(&arm.qd()).map(|x| x.to_bits()));
        let p = arm.body_pose(cube).unwrap().translation;
        trace.extend(p.iter().map(|x| x.to_bits()));
        for sj in &arm.joints {
            let (mb, link) = arm.world.multibody_joints.get(sj.handle).unwrap();
            let data = &mb.link(link).unwrap().joint().data;
            limits_off += usize::from(sj.limited && data.limit_axes.is_empty());
        }
    }
    assert!(
        elbow < lo + 0.01,
        "the elbow reached its limit: {elbow} vs {lo}"
    );
    (trace, limits_off)
}

#[test]
fn limits_switched_on_only_near_them_change_nothing() {
    let (all, _) = limits_trace(true);
    let (near, off) = limits_trace(false);
    assert!(all == near, "the traces differ");
    // 9 limited DoFs over 720 steps: most of them spend most steps clear of their limits.
    eprintln!("limit constraints left out: {off} of {}", 9 * 720);
    assert!(off > 9 * 720 / 2, "{off}");
}

#[test]
fn joint_limits_stop_a_falling_arm() {
    // Released from the ready pose the elbow folds under gravity until its lower limit.
    let model = panda();
    let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
    let mut lowest = f64::INFINITY;
    for _ in 0..480 {
        arm.apply_joint_torques(&[0.0; 8]).unwrap();
        arm.step().unwrap();
        lowest = lowest.min(arm.q()[3]);
    }
    let (lo, _) = model.joints[model.dof_joints[3]].limits;
    eprintln!("elbow: lowest {lowest:.4} rad, limit {lo:.4} rad");
    assert!(lowest > lo - 0.01, "{lowest} vs limit {lo}");
    assert!(lowest < lo + 0.05, "the elbow did reach its limit");
}

#[test]
fn urdf_damping_and_friction_arrive_in_rapier() {
    let mut model = panda();
    model.joints[model.dof_joints[2]].friction = 0.7;
    let arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
    let sj = &arm.joints[2];
    let (mb, link) = arm.world.multibody_joints.get(sj.handle).unwrap();
    let i = mb.link(link).unwrap().assembly_id();
    assert_eq!(mb.damping()[i], 0.1);
    assert_eq!(mb.frictions()[i], 0.7);
}

#[test]
fn bad_configurations_are_rejected() {
    let model = panda();
    assert!(matches!(
        ArmWorld::new(model.clone(), &[0.0; 3], 0.01),
        Err(SimError::WrongJointCount {
            expected: 8,
            got: 3
        })
    ));
    let mut q = READY;
    q[2] = f64::NAN;
    assert!(matches!(
        ArmWorld::new(model, &q, 0.01),
        Err(SimError::NonFinite(3))
    ));
}

#[test]
fn limits_switched_near_them_change_no_passive_fall() {
    // The three bundled arms released from three poses spread over their ranges, at the
    // passive default of 1000 Hz and at 240 Hz, for 3 s: joints reach 11–40 rad/s and run
    // into their limits, and the traces are bit for bit those with every limit on.
    let arms = [
        include_str!("../../../urdf/kinova_gen3.urdf"),
        include_str!("../../../urdf/kuka_iiwa14.urdf"),
        include_str!("../../../urdf/panda.urdf"),
    ];
    for urdf in arms {
        let model = Model::from_urdf_str(urdf).unwrap();
        for (dt, seed) in [
            (1.0 / 1000.0, 0.0),
            (1.0 / 240.0, 0.3),
            (1.0 / 1000.0, -0.7),
        ] {
            let run = |all: bool| {
                let n = model.dof();
                let q0: Vec<f64> = (0..n)
                    .map(|i| {
                        let (lo, hi) = model.joints[model.dof_joints[i]].limits;
                        let (lo, hi) = if lo.is_finite() {
                            (lo, hi)
                        } else {
                            (-1.0, 1.0)
                        };
                        let mid = 0.5 * (lo + hi);
                        mid + (seed + 0.37 * i as f64).sin() * 0.45 * (hi - lo)
                    })
                    .collect();
                let mut arm = ArmWorld::new(model.clone(), &q0, dt).unwrap();
                arm.all_limits = all;
                let (mut trace, mut fastest, mut past) = (Vec::new(), 0.0f64, 0);
                for _ in 0..(3.0 / dt) as usize {
                    arm.apply_joint_torques(&vec![0.0; n]).unwrap();
                    if arm.step().is_err() {
                        trace.push(u64::MAX);
                        break;
                    }
                    let q = arm.q();
                    fastest = arm.qd().iter().fold(fastest, |m, x| m.max(x.abs()));
                    past += (0..n)
                        .filter(|&i| {
                            let (lo, hi) = model.joints[model.dof_joints[i]].limits;
                            q[i] < lo || q[i] > hi
                        })
                        .count();
                    trace.extend(q.iter().map(|x| x.to_bits()));
                }
                (trace, fastest, past)
            };
            let (a, fastest, past) = run(true);
            let (b, ..) = run(false);
            eprintln!(
                "{} at {:.0} Hz: fastest joint {fastest:.1} rad/s, {past} joint-steps past a limit",
                model.name,
                1.0 / dt
            );
            assert!(past > 0, "{}: the fall never reached a limit", model.name);
            assert!(
                a == b,
                "{} at {:.0} Hz from pose {seed}",
                model.name,
                1.0 / dt
            );
        }
    }
}
