//! Every number the lesson shows, checked against an oracle; the settings round trip; the
//! free body in the app.

use super::*;
use crate::lessons::LessonSettings;
use crate::math::Vec3 as RVec3;
use crate::math::spatial::{crf, crm};
use std::collections::BTreeMap;

#[test]
fn the_area_readout_is_the_determinant() {
    for q2 in [-150.0, -60.0, 30.0, 60.0, 120.0, 170.0] {
        let (det, measured) = area_readout(25.0, q2);
        let exact = ARM.l1 * ARM.l2 * f64::to_radians(q2).sin();
        assert!((det - exact).abs() < 1e-15);
        // Over a 10° cell the measured scale is within a quarter of a per cent of |det J|.
        assert!(
            (measured - det.abs()).abs() < 2.5e-3 * ARM.l1 * ARM.l2,
            "{q2}: {measured} {det}"
        );
    }
    // At the straight arm the 10° cell straddles the singularity: its area is that of the
    // fold, ∫|sin| over ±5°, a quarter of a per cent of the arm's largest scale.
    let (det, measured) = area_readout(0.0, 0.0);
    assert_eq!(det, 0.0);
    assert!(measured < 0.05 * ARM.l1 * ARM.l2, "{measured}");
}

/// The step's prompt quotes the errors from x₀ = 3: 0.9, 0.27, 0.03, 6e-4, 2e-7.
#[test]
fn the_newton_table_is_the_quoted_one() {
    let e: Vec<f64> = newton_iterates(3.0)
        .iter()
        .map(|x| (x - NEWTON_ROOT).abs())
        .collect();
    let quoted = [0.9, 0.27, 0.03, 6e-4, 2e-7];
    for (k, q) in quoted.iter().enumerate() {
        let ratio = e[k] / q;
        assert!((0.85..1.15).contains(&ratio), "e{k} = {} vs {q}", e[k]);
    }
    // From 0.82 the first step lands far away.
    let far = newton_iterates(0.82);
    assert!((far[1] - far[0]).abs() > 10.0, "{far:?}");
}

#[test]
fn the_exponential_readouts() {
    let (gap0, log0, euler0) = exp_readout(0.0);
    assert!(gap0 < 1e-15 && log0.norm() < 1e-15 && euler0 < 1e-15);
    let w = RVec3::from(OMEGA);
    let (gap, log, euler) = exp_readout(2.0);
    assert!(gap > 0.5, "{gap}");
    // |ω t| = 2.57 rad < π: the logarithm is ω t itself.
    assert!((log - w * 2.0).norm() < 1e-12);
    let (_, _, euler_later) = exp_readout(6.0);
    assert!(
        euler > 1e-2 && euler_later > 2.0 * euler,
        "{euler} {euler_later}"
    );
    // Past π the logarithm returns the shorter rotation: |log| ≤ π.
    let (_, wrapped, _) = exp_readout(3.0);
    assert!(wrapped.norm() <= std::f64::consts::PI + 1e-12);
    assert!((wrapped - w * 3.0).norm() > 1.0);
}

/// The prompt: at 0° every error vanishes; at 90° the naive error is about ½‖a×b‖ and the
/// second-order series removes most of it; for b first, the Jacobian correction beats a + b.
#[test]
fn the_bch_readouts_bear_out_the_prompt() {
    let (a, b) = bch_vectors(30.0, 20.0, 0.0);
    let r = bch_readout(&a, &b);
    assert!(r.naive < 1e-15 && r.half_cross < 1e-15 && r.before_jacobian < 1e-15);
    let (a, b) = bch_vectors(30.0, 20.0, 90.0);
    let r = bch_readout(&a, &b);
    assert!((r.naive / r.half_cross - 1.0).abs() < 0.1, "{r:?}");
    assert!(r.second_order < 0.2 * r.naive, "{r:?}");
    assert!(r.before_jacobian < 0.5 * r.before_naive, "{r:?}");
}

#[test]
fn the_power_is_the_same_in_every_frame_and_the_length_is_not() {
    let (_, _, p0, _) = spatial_readout(0.0);
    assert!((p0 - 3.2).abs() < 1e-12, "the prompt quotes 3.2 W: {p0}");
    let mut lengths = Vec::new();
    for offset in [-1.5, -0.5, 0.0, 0.5, 1.5] {
        let (na, nb, pa, pb) = spatial_readout(offset);
        assert!((pa - pb).abs() < 1e-12, "{pa} {pb}");
        assert!((na - RVec3::new(0.2, 0.0, 1.0).norm()).abs() < 1e-15);
        lengths.push(nb);
    }
    assert!(lengths[4] - lengths[2] > 0.5, "{lengths:?}");
    // The cross products' duality: what v× does to m and v×* to f cancels in the pairing.
    let v = crate::math::Vec6::new(0.3, -0.2, 0.1, 1.0, 0.5, -0.7);
    let m = crate::math::Vec6::new(0.1, 0.4, -0.3, 0.2, -0.6, 0.9);
    let f = crate::math::Vec6::new(2.0, -1.0, 0.5, 0.3, 0.8, -0.2);
    let rate = (crm(&v) * m).dot(&f) + m.dot(&(crf(&v) * f));
    assert!(rate.abs() < 1e-14, "{rate}");
    // The dual basis: in frame B, the wrench's components are its power against B's unit
    // twists, each of them a twist of A carried into B.
    let (_, wrench) = spatial_pair();
    let t = frame_b(0.5);
    let fb = wrench.transform(&t.inverse());
    for k in 0..6 {
        let mut e = crate::math::Vec6::zeros();
        e[k] = 1.0;
        let unit_b = crate::math::Twist::from_vec6(&e);
        let unit_a = unit_b.transform(&t);
        assert!(
            (unit_a.power(&wrench) - fb.to_vec6()[k]).abs() < 1e-12,
            "{k}"
        );
    }
}

/// The prompt: about the middle axis ω_y swings between +5 and −5 rad/s and the energy drift
/// stays below 1e-10; about the others the spin stays.
#[test]
fn the_free_body_flips_about_the_middle_axis_only() {
    for axis in 0..3 {
        let mut state = DynamicsState {
            axis,
            ..Default::default()
        };
        state.launch();
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for _ in 0..1200 {
            state.advance_body(1.0 / 60.0);
            let w = state.trace.back().unwrap().1[axis];
            lo = lo.min(w);
            hi = hi.max(w);
        }
        let (energy, momentum) = state.drift().unwrap();
        assert!(energy < 1e-10 && momentum < 1e-9, "{energy} {momentum}");
        assert!((state.body_t - 20.0).abs() < 1.5e-3, "{}", state.body_t);
        if axis == 1 {
            assert!(lo < -4.9 && hi > 4.99, "{lo} {hi}");
        } else {
            assert!(lo > 4.99, "axis {axis}: {lo}");
        }
        // The plot keeps the last 20 s.
        assert!(state.trace.front().unwrap().0 >= state.body_t - BODY_HISTORY_S);
    }
}

#[test]
fn the_settings_round_trip_through_a_link() {
    let mut state = DynamicsState {
        section: Section::Bch,
        q1_deg: -12.5,
        q2_deg: 33.0,
        x0: 0.82,
        shown: 5,
        a_deg: 45.0,
        b_deg: 10.0,
        between_deg: 60.0,
        offset: -0.75,
        axis: 2,
        ..Default::default()
    };
    let mut out = BTreeMap::new();
    state.write_params(&mut out);
    let mut back = DynamicsState::default();
    back.apply_params(&out);
    let mut again = BTreeMap::new();
    back.write_params(&mut again);
    assert_eq!(out, again);
    assert_eq!(back.section, Section::Bch);
    assert_eq!((back.shown, back.axis), (5, 2));
    // A hand-edited link: nonsense is ignored, out-of-range values are clamped.
    let bad: BTreeMap<String, String> = [
        ("section".into(), "nowhere".into()),
        ("q2".into(), "NaN".into()),
        ("shown".into(), "99".into()),
        ("axis".into(), "-4".into()),
    ]
    .into();
    state.apply_params(&bad);
    assert_eq!(state.section, Section::Bch);
    assert_eq!(state.q2_deg, 33.0);
    assert_eq!(state.shown, NEWTON_STEPS);
    assert_eq!(state.axis, 0);
}

#[test]
fn every_step_opens_valid_settings() {
    crate::lessons::test_support::assert_steps_open_valid_settings::<DynamicsState>(LESSON.steps);
}

/// In the app: the body section spins the slab by the frame's clock, the timeline keeps its
/// moments, and a scrubbed moment shows the slab as it was.
#[test]
fn in_the_app_the_free_body_is_on_the_timeline() {
    use crate::kit::prelude::*;
    let mut app = crate::lessons::physics_app::physics_app(ID);
    app.update();
    app.world_mut().resource_mut::<Sim>().playing = false;
    app.world_mut().resource_mut::<DynamicsState>().section = Section::Body;
    let mut seen = Vec::new();
    for _ in 0..30 {
        app.update();
        let serial = app.world().resource::<Sim>().history.last().unwrap().serial;
        let state = app.world().resource::<DynamicsState>();
        seen.push((serial, state.body.as_ref().unwrap().rotation, state.body_t));
    }
    let (serial, rotation, t) = seen[10];
    crate::lessons::test_support::show_serial(&mut app, serial);
    let state = app.world().resource::<DynamicsState>();
    assert_eq!(state.body.as_ref().unwrap().rotation, rotation);
    assert_eq!(state.body_t, t);
    assert!(state.past);
    assert!(state.body_t < seen[29].2);
}

fn panda_runs() -> IkRuns {
    let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let chain = crate::robot::Chain::new(&model, crate::robot::start_pose::tool_link(&model));
    let q0 = chain.q_from_model(&model, &crate::robot::panda::READY);
    ik_runs(&chain, &q0, 0)
}

/// The prompt quotes Newton's errors on the Panda (0.54, 0.10, 0.015, 6e-5, 3e-9) and says
/// damping divides the error by about 4 per step.
#[test]
fn newton_on_the_arm_is_quadratic_and_damping_is_linear() {
    let r = panda_runs();
    let e: Vec<f64> = r.newton.iter().map(|x| x.1).collect();
    let quoted = [0.54, 0.10, 0.015, 6e-5, 3e-9];
    for (k, q) in quoted.iter().enumerate() {
        assert!((0.85..1.15).contains(&(e[k] / q)), "e{k} = {} vs {q}", e[k]);
    }
    assert!(e[5] < 1e-14, "{e:?}");
    for k in 1..4 {
        let c = e[k + 1] / (e[k] * e[k]);
        assert!(c < 3.0, "e{} / e{k}² = {c}", k + 1);
    }
    let d: Vec<f64> = r.dls.iter().map(|x| x.1).collect();
    for k in 4..IK_STEPS {
        let factor = d[k] / d[k + 1];
        assert!((3.5..5.0).contains(&factor), "step {k}: ÷{factor}");
    }
    assert!(d[IK_STEPS] > 1e-8, "damping is still short of the solution");
    // The damped step's bound, ‖Δq‖ ≤ ‖e‖ / 2λ.
    let dq: f64 = r.dls[1]
        .0
        .iter()
        .zip(&r.dls[0].0)
        .map(|(a, b)| (a - b).powi(2))
        .sum::<f64>()
        .sqrt();
    assert!(dq <= d[0] / (2.0 * IK_LAMBDA) + 1e-12, "{dq}");
    // The target is where Newton ends.
    let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let chain = crate::robot::Chain::new(&model, crate::robot::start_pose::tool_link(&model));
    let end = chain.tip_pose(&r.newton[IK_STEPS].0);
    assert!((end.translation - r.target.translation).norm() < 1e-12);
}

/// The area note: for a square Jacobian the manipulability √det(J Jᵀ) is |det J|.
#[test]
fn for_a_square_jacobian_the_manipulability_is_det_j() {
    let j = ARM.jacobian(0.3, 1.1);
    let m = nalgebra::Matrix2::new(j[0][0], j[0][1], j[1][0], j[1][1]);
    let w = (m * m.transpose()).determinant().sqrt();
    assert!((w - ARM.det_j(1.1).abs()).abs() < 1e-12, "{w}");
}

/// The walk at rest: every link's acceleration is g upwards (seen in the world); the force
/// the first joint transmits is the weight of everything it carries (the prompt's 165 N); the
/// torques are the controller's g(q) (the prompt's τ₂ = −20.2 N·m), and appear only once the
/// inward pass has reached them.
#[test]
fn the_newton_euler_walk_ends_in_the_gravity_torques() {
    let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let q = crate::robot::panda::READY;
    let n = model.joints.len();
    let poses = model.link_poses(&q);
    let walk = rnea_walk(&model, &q, 2 * n);
    for j in &model.joints {
        let a = walk.passes.a[j.child];
        let up = poses[j.child].rotation * RVec3::new(a[0], a[1], a[2]);
        assert!(
            (up - RVec3::new(0.0, 0.0, 9.81)).norm() < 1e-9,
            "{}: {up}",
            j.name
        );
    }
    let mass: f64 = model.links.iter().skip(1).map(|l| l.inertia.mass).sum();
    let f = walk.passes.f_joint[model.joints[0].child];
    let weight = mass * 9.81;
    let base = poses[model.joints[0].child].rotation * RVec3::new(f[0], f[1], f[2]);
    assert!(
        (base - RVec3::new(0.0, 0.0, weight)).norm() < 1e-9,
        "{base}"
    );
    assert!((weight - 165.0).abs() < 0.5, "{weight}");
    let g = crate::robot::dynamics::gravity_torques(&model, &q, &crate::robot::dynamics::GRAVITY);
    let tau: Vec<f64> = walk.tau.iter().map(|t| t.unwrap()).collect();
    assert_eq!(tau, g);
    assert!((tau[1] + 20.2).abs() < 0.05, "{}", tau[1]);
    // Halfway back only the joints nearest the tip have their torque.
    let half = rnea_walk(&model, &q, n + 6);
    assert!(half.tau[0].is_none() && half.tau[5].is_none());
    assert!(half.tau[6].is_some() && half.tau[7].is_some());
    let start = rnea_walk(&model, &q, 0);
    assert!(start.tau.iter().all(Option::is_none));
    assert_eq!((start.outward, start.inward), (0, 0));
}

/// The W key, in the app: W walks the Newton–Euler passes one joint on, Shift+W one back, never
/// past the end, and outside that section it does nothing.
#[test]
fn the_w_key_walks_the_passes() {
    let mut app = crate::lessons::physics_app::physics_app(ID);
    app.init_resource::<ButtonInput<KeyCode>>();
    app.world_mut().resource_mut::<DynamicsState>().section = Section::Rnea;
    app.update();
    let press = crate::lessons::test_support::press;
    let stage = |app: &App| app.world().resource::<DynamicsState>().rnea_stage;
    press(&mut app, &[KeyCode::KeyW]);
    press(&mut app, &[KeyCode::KeyW]);
    assert_eq!(stage(&app), 2);
    press(&mut app, &[KeyCode::ShiftLeft, KeyCode::KeyW]);
    assert_eq!(stage(&app), 1);
    let joints = app.world().resource::<Robot>().model.joints.len();
    for _ in 0..3 * joints {
        press(&mut app, &[KeyCode::KeyW]);
    }
    assert_eq!(stage(&app), 2 * joints);
    app.world_mut().resource_mut::<DynamicsState>().section = Section::Bch;
    app.update();
    press(&mut app, &[KeyCode::ShiftLeft, KeyCode::KeyW]);
    assert_eq!(stage(&app), 2 * joints, "W means nothing outside the walk");
}
