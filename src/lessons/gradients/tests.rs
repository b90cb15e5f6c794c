use super::policy::{HELD_OUT_SEED, ReachTallies};
use super::*;
use crate::kit::LessonSettings;
use crate::kit::frame_budget_ms;
use crate::lessons::shared::reaching::{BUDGET_MS, PolicyData};
use crate::lessons::test_support::link;
use crate::math::backprop::{Activation, LinearToy, Regime, depth_profile, regime};
use std::collections::BTreeMap;

/// A link opens the same settings; a hand-edited link with bad values changes nothing.
#[test]
fn the_settings_round_trip_through_a_link() {
    let mut s = GradientsState {
        section: Section::Clip,
        show_grad: true,
        lr: 1.1,
        steps: 7,
        reach: 0.6,
        stage: 5,
        depth: 42,
        activation: Activation::Tanh,
        gain: 2.5,
        residual: true,
        threshold: 3.0,
        descend: true,
        eta: 2.0,
        target: [0.3, -0.2, 0.5],
        driver: Driver::Untrained,
        train: true,
        captured: None,
    };
    let mut out = BTreeMap::new();
    s.write_params(&mut out);
    let mut back = GradientsState::default();
    back.apply_params(&out);
    assert_eq!(back, s);
    let before = s.clone();
    s.apply_params(&link(&[
        ("lr", "NaN"),
        ("depth", "x"),
        ("act", "softmax"),
        ("target", "1,2"),
        ("target", "a,b,c"),
        ("driver", "nobody"),
        ("section", "nowhere"),
        ("c", "inf"),
    ]));
    assert_eq!(s, before);
    s.apply_params(&link(&[
        ("depth", "500"),
        ("lr", "9"),
        ("target", "5,-5,5"),
    ]));
    assert_eq!(
        (s.depth, s.lr),
        (super::state::MAX_DEPTH, super::state::MAX_LR)
    );
    assert_eq!(s.target, [0.8, -0.8, 1.0]);
}

#[test]
fn every_step_opens_valid_settings() {
    crate::lessons::test_support::assert_steps_open_valid_settings::<GradientsState>(
        super::steps::STEPS,
    );
}

/// The step-size step's prompt: η = 0.3 smooth, 1.1 oscillating, 1.6 diverging.
#[test]
fn the_step_size_prompt_shows_all_three_regimes() {
    let t = LinearToy::lesson();
    assert_eq!(regime(t.contraction(0.3)), Regime::Smooth);
    assert_eq!(regime(t.contraction(1.1)), Regime::Oscillating);
    assert_eq!(regime(t.contraction(1.6)), Regime::Diverging);
    const { assert!(1.6 < super::state::MAX_LR) };
    // Ten steps at 0.3 lower the loss by orders of magnitude.
    let l = t.descent(0.3, 10);
    assert!(l[10] < 1e-2 * l[0]);
}

/// The linear-approximation step: at ‖Δw‖ = 0.4 the gap at half the step is a quarter, as
/// the readout's "×4.00" says.
#[test]
fn the_linear_gap_readout_is_four() {
    let t = LinearToy::lesson();
    for s in [0.1, 0.4, 0.8] {
        let (a, b) = t.along_descent(s);
        let (c, d) = t.along_descent(s / 2.0);
        assert_eq!(format!("{:.2}", (a - b) / (c - d)), "4.00");
    }
}

/// The depth step's "about 10¹⁹" for thirty sigmoid layers, and the presets' shapes.
#[test]
fn the_depth_steps_numbers() {
    let n = |act, gain, res| {
        let p = depth_profile(30, act, gain, res);
        p.deltas[0].norm() / p.deltas[30].norm()
    };
    let sigmoid = n(Activation::Sigmoid, 1.0, false);
    assert!((1e-20..1e-19).contains(&sigmoid), "{sigmoid}");
    assert!((0.1..10.0).contains(&n(Activation::Sigmoid, 1.0, true)));
    assert!((0.1..10.0).contains(&n(Activation::Relu, 2f64.sqrt(), false)));
    assert!(n(Activation::Relu, 2.0 * 2f64.sqrt(), false) > 1e6);
    // The slope of a sigmoid is at most ¼.
    let top = (-400..=400)
        .map(|i| Activation::Sigmoid.derivative(i as f64 / 40.0))
        .fold(0.0, f64::max);
    assert!((top - 0.25).abs() < 1e-12);
}

/// The arm step: from the ready pose, descending `Jᵀ(x − x*)` at η = 1 brings the tool to
/// the step's target, and every step lowers the loss.
#[test]
fn the_arm_step_descends_to_its_target() {
    use crate::math::backprop::position_loss_gradient;
    let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
    let chain = crate::robot::Chain::to_link(&model, crate::robot::panda::TOOL).unwrap();
    let target = crate::math::Vec3::from(GradientsState::default().target);
    let mut q = crate::robot::panda::READY[..7].to_vec();
    let loss = |q: &[f64]| 0.5 * (chain.tip_pose(q).translation - target).norm_squared();
    let start = loss(&q);
    let mut last = start;
    for _ in 0..300 {
        let j = chain.jacobian(&q);
        let g = position_loss_gradient(&j, &(chain.tip_pose(&q).translation - target));
        q.iter_mut().zip(&g).for_each(|(qi, gi)| *qi -= gi);
        let now = loss(&q);
        assert!(now <= last + 1e-15);
        last = now;
    }
    assert!(
        last.sqrt() * 2f64.sqrt() < 0.005,
        "{} m left",
        (2.0 * last).sqrt()
    );
    assert!(start > 0.005);
}

#[test]
fn slow_frames_give_the_work_a_share_within_bounds() {
    assert_eq!(frame_budget_ms(BUDGET_MS, 1.0 / 60.0), 8.333333333333334);
    assert_eq!(frame_budget_ms(BUDGET_MS, 1.0 / 240.0), 6.0);
    assert_eq!(frame_budget_ms(BUDGET_MS, 1.4), 700.0);
    assert_eq!(frame_budget_ms(BUDGET_MS, 5.0), 1000.0);
}

/// In the app: opening the lesson records the scripted moves, the stage key walks the pass,
/// a step that asks for training trains, the trained network takes the physics over on
/// held-out seeds, episodes are tallied, and the clip experiment on the recorded data shows
/// the spike the clip step describes.
#[test]
fn in_the_app_the_policy_is_recorded_trained_and_drives_the_arm() {
    let mut app = crate::lessons::physics_app::physics_app(ID);
    app.world_mut().resource_mut::<PolicyData>().at_once = true;
    app.update();
    app.update();
    let data = app.world().resource::<PolicyData>();
    assert!(data.ready());
    assert!(data.demos.len() > 500, "{} pairs", data.demos.len());
    // The graph's pass on the untrained network, and the cost readout's agreement.
    let (e, a) = (
        <[f64; 3]>::try_from(data.demos.obs[40].as_slice()).unwrap(),
        <[f64; 3]>::try_from(data.demos.act[40].as_slice()).unwrap(),
    );
    let untrained = data.untrained.clone().unwrap();
    let r = network::measure(&untrained, &e, &a);
    assert!(r.rel_diff < 1e-6, "{}", r.rel_diff);
    // The clip step on this data: a spike of hundreds of times the usual gradient, and the
    // unclipped step far longer than the clipped one's η·c.
    {
        use crate::math::bc::{BcConfig, clip_experiment, unit_mixup};
        let cfg = BcConfig {
            lr: panel::CLIP_LR,
            batch: 32,
            ..crate::sim::reach::policy_config()
        };
        let bad = unit_mixup(&data.demos);
        let b = panel::CLIP_BEFORE;
        let free = clip_experiment(&data.demos, &bad, &cfg, None, b, panel::CLIP_AFTER).unwrap();
        let clip =
            clip_experiment(&data.demos, &bad, &cfg, Some(1.0), b, panel::CLIP_AFTER).unwrap();
        let typical = free.grad_norms[..b].iter().cloned().fold(0.0, f64::max);
        assert!(
            free.grad_norms[b] > 100.0 * typical,
            "{} vs {typical}",
            free.grad_norms[b]
        );
        assert!(clip.jump <= panel::CLIP_LR + 1e-12);
        assert!(
            free.jump > 20.0 * clip.jump,
            "{} vs {}",
            free.jump,
            clip.jump
        );
    }
    // B walks the pass: the first press takes the moment.
    {
        let mut s = app.world_mut().resource_mut::<GradientsState>();
        s.section = Section::Graph;
        panel::advance(&mut s, Some((e, a)));
        assert_eq!((s.stage, s.captured), (1, Some((e, a))));
        for _ in 0..6 {
            panel::advance(&mut s, None);
        }
        assert_eq!(s.stage, 0, "wraps after the last backward stage");
    }
    // The clone step: train, then the trained network drives.
    {
        let mut s = app.world_mut().resource_mut::<GradientsState>();
        s.apply_params(&link(super::steps::STEPS[9].params));
    }
    app.update();
    assert!(app.world().resource::<PolicyData>().training);
    let mut frames = 0;
    while app.world().resource::<PolicyData>().trained.is_none() && frames < 2000 {
        app.update();
        frames += 1;
    }
    let data = app.world().resource::<PolicyData>();
    let trained = data.trained.clone().expect("trained");
    assert_eq!(trained.losses.len(), crate::sim::reach::TRAIN_STEPS);
    // The last step's prompt: the trained network's δ at the output is smaller than the
    // untrained one's, over the demonstrations.
    let mean_loss = |net: &crate::math::bc::BcTrainer| {
        (0..data.demos.len())
            .step_by(10)
            .map(|i| {
                let e = <[f64; 3]>::try_from(data.demos.obs[i].as_slice()).unwrap();
                let a = <[f64; 3]>::try_from(data.demos.act[i].as_slice()).unwrap();
                network::pass(net, &e, &a).loss
            })
            .sum::<f64>()
    };
    assert!(mean_loss(&trained) < 0.2 * mean_loss(&untrained));
    app.update();
    app.update();
    let sim = app.world().resource::<Sim>();
    assert_eq!(sim.driver(), Driver::Trained.key());
    assert!(sim.seed >= HELD_OUT_SEED);
    // One episode to its end, tallied under the trained network.
    app.world_mut().resource_mut::<Sim>().speed = 4.0;
    let mut frames = 0;
    while app
        .world()
        .resource::<ReachTallies>()
        .get(Driver::Trained)
        .episodes
        == 0
        && frames < 600
    {
        app.update();
        frames += 1;
    }
    let t = app.world().resource::<ReachTallies>().get(Driver::Trained);
    assert_eq!(t.episodes, 1, "{frames} frames");
    // Leaving puts the table scenes back.
    app.world_mut()
        .resource_mut::<NextState<crate::kit::ActiveLesson>>()
        .set(crate::kit::ActiveLesson(None));
    app.update();
    assert!(app.world().resource::<Sim>().scenario().is_none());
}

/// The B key, in the app: B steps the pass forward on the graph, Shift+B back, and on another
/// section it does nothing.
#[test]
fn the_b_key_steps_the_pass() {
    let mut app = crate::lessons::physics_app::physics_app(ID);
    app.init_resource::<ButtonInput<KeyCode>>();
    app.world_mut().resource_mut::<PolicyData>().at_once = true;
    app.world_mut().resource_mut::<GradientsState>().section = Section::Graph;
    app.update();
    let press = crate::lessons::test_support::press;
    let stage = |app: &App| app.world().resource::<GradientsState>().stage;
    press(&mut app, &[KeyCode::KeyB]);
    assert_eq!(stage(&app), 1);
    press(&mut app, &[KeyCode::KeyB]);
    press(&mut app, &[KeyCode::KeyB]);
    assert_eq!(stage(&app), 3);
    press(&mut app, &[KeyCode::ShiftLeft, KeyCode::KeyB]);
    assert_eq!(stage(&app), 2);
    app.world_mut().resource_mut::<GradientsState>().section = Section::Toy;
    app.update();
    press(&mut app, &[KeyCode::KeyB]);
    assert_eq!(stage(&app), 2, "B means nothing outside the graph");
}
