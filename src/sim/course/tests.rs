use super::*;

fn panda() -> Model {
    Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
}

/// Recorded on several threads, the demonstrations are those recorded a period at a time.
#[test]
fn recording_on_threads_gives_the_same_demonstrations() {
    let m = panda();
    let mut one_by_one = Vec::new();
    let mut current = None;
    record(&m, &mut one_by_one, &mut current, 5, || true).unwrap();
    let threaded = record_all(&m, 0..5, 3).unwrap();
    assert_eq!(threaded, one_by_one);
    assert_eq!(record_all(&m, 2..4, 8).unwrap(), one_by_one[2..4].to_vec());
}

#[test]
fn the_scripted_policy_goes_round_the_post_on_both_sides() {
    let m = panda();
    let demos: Vec<Demo> = (0..8).map(|s| demonstration(&m, s).unwrap()).collect();
    for d in &demos {
        eprintln!(
            "seed {}: {:?}, success {}, {} positions",
            d.seed,
            d.side,
            d.success,
            d.path.len()
        );
    }
    assert!(demos.iter().all(|d| d.success));
    assert!(demos.iter().any(|d| d.side == Side::Near));
    assert!(demos.iter().any(|d| d.side == Side::Far));
    let set = chunk_set(&demos).unwrap();
    assert_eq!(set.modes(), 2);
}

/// 24 scripted demonstrations (both sides), windowed.
fn demo_set(m: &Model) -> ChunkSet {
    let demos: Vec<Demo> = (0..24).map(|s| demonstration(m, s).unwrap()).collect();
    chunk_set(&demos).unwrap()
}

/// The start of the transport, where every demonstration begins.
fn start(set: &ChunkSet) -> Point {
    set.start().unwrap()
}

#[test]
fn with_the_exact_field_flow_matching_in_10_steps_matches_ddpm_in_100() {
    let set = demo_set(&panda());
    let (mix, keep) = exact_conditional(&set, &start(&set));
    let n = 256;
    let ddpm = Run::from_seed(ddpm_sampler(), n, set.dim(), 1).finish(&mix);
    let fm = Run::from_seed(default_sampler(), n, set.dim(), 1).finish(&mix);
    // Nearest demonstrated chunk, as the RMS distance per tool position (m).
    let nearest = |run: &Run| {
        run.ends()
            .iter()
            .map(|e| set.rms_distance(e, &mix.means[mix.nearest(e).0]))
            .sum::<f64>()
            / n as f64
    };
    let straight = |run: &Run| {
        run.paths
            .iter()
            .map(|p| crate::math::generative::straightness(p))
            .sum::<f64>()
            / n as f64
    };
    let (d_ddpm, d_fm) = (nearest(&ddpm), nearest(&fm));
    let (s_ddpm, s_fm) = (straight(&ddpm), straight(&fm));
    // Modes: the two sides, and (stricter) every demonstration.
    let sides: Vec<usize> = keep.iter().map(|&i| set.labels[i]).collect();
    let demos: Vec<usize> = keep.iter().map(|&i| set.demo[i]).collect();
    // A sample hits a demonstration within four spreads (RMS over its coordinates).
    let radius = 4.0 * mix.spread * (set.dim() as f64).sqrt();
    let cover = |run: &Run, labels: &[usize], modes: usize| {
        crate::math::generative::mode_coverage(&mix, labels, modes, &run.ends(), radius)
    };
    eprintln!(
        "nearest demo: DDPM-100 {:.2} mm, FM-10 {:.2} mm; straightness DDPM {s_ddpm:.2}, FM {s_fm:.3}; \
             sides covered {} / {}; demos covered {} / {}",
        d_ddpm * 1e3,
        d_fm * 1e3,
        cover(&ddpm, &sides, 2),
        cover(&fm, &sides, 2),
        cover(&ddpm, &demos, set.demos()),
        cover(&fm, &demos, set.demos()),
    );
    // Tolerance: FM-10's samples are no more than 1 mm (RMS per position) further from a
    // demonstration than DDPM-100's; the data itself lies s·√3 = 5.2 mm from its chunk.
    assert!(d_fm < d_ddpm + 1e-3, "FM {d_fm} vs DDPM {d_ddpm}");
    assert!(d_ddpm < 0.01 && d_fm < 0.01);
    for run in [&ddpm, &fm] {
        assert_eq!(cover(run, &sides, 2), 1.0);
        assert!(cover(run, &demos, set.demos()) >= 0.9);
    }
    assert!(
        (s_fm - 1.0) < 0.5 * (s_ddpm - 1.0),
        "FM {s_fm} vs DDPM {s_ddpm}"
    );
    // The regression baseline is the conditional mean: between the sides, on neither, and
    // (level with the post) through it.
    let regression = mix.regression();
    let d_reg = set.rms_distance(&regression, &mix.means[mix.nearest(&regression).0]);
    assert!(d_reg > 5.0 * d_fm, "regression {d_reg} vs FM {d_fm}");
    let path: Vec<Vec3> = set
        .decode(&regression)
        .iter()
        .map(|p| Vec3::new(p[0], p[1], p[2]))
        .collect();
    let level = path
        .iter()
        .min_by(|a, b| a.y.abs().total_cmp(&b.y.abs()))
        .unwrap();
    assert!((level.x - obstacle().center.x).abs() < 0.05, "{level:?}");
}

#[test]
fn the_generative_policy_carries_the_cube_round_the_post_and_regression_hits_it() {
    let m = panda();
    let set = Arc::new(demo_set(&m));
    let tally = |source: ChunkSource| {
        let (mut ok, mut hit, mut sides) = (0, 0, std::collections::BTreeSet::new());
        for seed in 100..110 {
            let policy = SampledPolicy::new(set.clone(), source.clone(), default_sampler(), seed);
            let o = run_with_policy(&m, seed, Box::new(policy)).unwrap();
            ok += usize::from(o.success);
            hit += usize::from(o.collided);
            if let Some(s) = Side::of(&transport_leg(&o.tool_path), &obstacle()) {
                sides.insert(s);
            }
        }
        (ok, hit, sides.len())
    };
    let (fm_ok, fm_hit, fm_sides) = tally(ChunkSource::Exact);
    let (reg_ok, reg_hit, _) = tally(ChunkSource::ExactRegression);
    eprintln!(
        "flow matching (exact, 10 steps): {fm_ok}/10 placed, {fm_hit} hit the post, {fm_sides} sides; \
             regression: {reg_ok}/10 placed, {reg_hit} hit the post"
    );
    assert!(fm_ok >= 9 && fm_hit == 0);
    assert_eq!(fm_sides, 2);
    assert!(reg_hit >= 9 && reg_ok <= 1);
}

#[test]
fn the_trained_network_learns_both_sides_and_its_regression_twin_averages_them() {
    let set = demo_set(&panda());
    let cfg = crate::math::mlp::TrainConfig {
        spread: SPREAD / SCALE,
        ..Default::default()
    };
    let mut trainer = Trainer::new(&set, cfg);
    let clock = std::time::Instant::now();
    while trainer.train(&set, 200) > 0 {}
    let (first, last) = (trainer.losses[0], trainer.losses[trainer.losses.len() - 1]);
    let o = start(&set);
    let run = Run::from_seed(default_sampler(), 128, set.dim(), 3).finish(&trainer.field(&set, &o));
    let (mix, keep) = exact_conditional(&set, &o);
    let sides: Vec<usize> = keep.iter().map(|&i| set.labels[i]).collect();
    let nearest = run
        .ends()
        .iter()
        .map(|e| set.rms_distance(e, &mix.means[mix.nearest(e).0]))
        .sum::<f64>()
        / 128.0;
    let radius = 0.02 / set.scale * (set.horizon as f64).sqrt();
    let covered = crate::math::generative::mode_coverage(&mix, &sides, 2, &run.ends(), radius);
    let reg = trainer.regress(&set, &o);
    let d_reg = set.rms_distance(&reg, &mix.means[mix.nearest(&reg).0]);
    eprintln!(
        "trained {} steps in {:.1} s; flow loss {:.3} → {:.3}, regression loss {:.4} → {:.4}; \
             network FM-10: nearest demo {:.1} mm, sides covered {covered}; regression net {:.1} mm off",
        trainer.step,
        clock.elapsed().as_secs_f64(),
        first.1,
        last.1,
        first.2,
        last.2,
        nearest * 1e3,
        d_reg * 1e3
    );
    // The trained networks drive the transport in physics too.
    let (set, trainer) = (Arc::new(set), Arc::new(trainer));
    let m = panda();
    let drive = |source: ChunkSource| {
        (100..110)
            .map(|seed| {
                let p = SampledPolicy::new(set.clone(), source.clone(), default_sampler(), seed);
                let o = run_with_policy(&m, seed, Box::new(p)).unwrap();
                (usize::from(o.success), usize::from(o.collided))
            })
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    };
    let (net_ok, net_hit) = drive(ChunkSource::Network(trainer.clone()));
    let (reg_ok, reg_hit) = drive(ChunkSource::NetworkRegression(trainer.clone()));
    eprintln!(
        "in physics: network FM-10 {net_ok}/10 placed, {net_hit} hit the post; \
             regression net {reg_ok}/10 placed, {reg_hit} hit the post"
    );
    assert!(net_ok > reg_ok);
    assert!(last.1 < 0.3 * first.1 && last.2 < 0.05 * first.2);
    // The small network is no exact field: its samples land about 2 cm (RMS per position)
    // from a demonstration, a third of the regression's miss.
    assert!(nearest < 0.035, "{nearest}");
    assert_eq!(covered, 1.0);
    assert!(d_reg > 2.0 * nearest);
}

/// The choice of loss decides what the robot does at the post: one Gaussian fitted to the
/// demonstrations' lateral offsets acts at their mean, between the modes, and the arm
/// hits the post; tokens learned by cross-entropy (256 bins, argmax or a draw) and a
/// mixture density (a draw) act at a mode and go round it.
#[test]
fn a_gaussian_policy_hits_the_post_and_tokens_go_round_it() {
    use crate::math::losses::{Bins, Lateral, fit_categorical, fit_gaussian, fit_mixture};
    use rand::{Rng, SeedableRng};
    let m = panda();
    let demos: Vec<Demo> = (0..12).map(|s| demonstration(&m, s).unwrap()).collect();
    let xs = lateral_offsets(&demos);
    assert!(xs.len() >= 10);
    assert!(
        xs.iter().any(|x| *x < -0.1) && xs.iter().any(|x| *x > 0.1),
        "{xs:?}"
    );
    let bins = Bins {
        lo: -0.25,
        hi: 0.25,
        n: 256,
    };
    let p = fit_categorical(&xs, &bins, TOKEN_SMOOTHING);
    let policies = [
        ("gaussian", Lateral::Mean(fit_gaussian(&xs).0)),
        (
            "tokens argmax",
            Lateral::Tokens {
                bins,
                p: p.clone(),
                sample: false,
            },
        ),
        (
            "tokens sampled",
            Lateral::Tokens {
                bins,
                p,
                sample: true,
            },
        ),
        ("mixture", Lateral::Mixture(fit_mixture(&xs, 2, 50, 0.005))),
    ];
    for (name, policy) in &policies {
        let (mut ok, mut hit, mut sides) = (0, 0, std::collections::BTreeSet::new());
        for seed in 100..110 {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let offset = policy.act(rng.random(), crate::math::backprop::gaussian(&mut rng));
            let o = run_with_policy(&m, seed, Box::new(PassAt::new(offset))).unwrap();
            ok += usize::from(o.success);
            hit += usize::from(o.collided);
            sides.insert(offset > 0.0);
        }
        eprintln!(
            "{name}: {ok}/10 placed, {hit}/10 hit the post, {} sides",
            sides.len()
        );
        if *name == "gaussian" {
            assert_eq!((hit, ok), (10, 0));
        } else {
            assert_eq!((hit, ok), (0, 10), "{name}");
        }
        if name.contains("sampled") || *name == "mixture" {
            assert_eq!(sides.len(), 2, "{name}");
        }
    }
}
