//! One physics step of the Panda under the PD + gravity controller (torques from our RNEA and
//! CRBA, then a rapier step at 240 Hz); one step of the passive iiwa 14 falling at 1000 Hz (the
//! `simulate --passive` default); and a whole scripted pick-and-place episode (table, cube,
//! grasp), whose physics step count is printed so the time per step can be read off; and the
//! timeline's cost of showing a past moment (a checkpoint copied and stepped to the moment);
//! and the 24 course demonstrations two lessons record, on one thread and on every core.
//! Run: `cargo bench --no-default-features --features sim --bench sim`.
//! Simulated seconds per wall second = (1/240 s) / (time per step).

use armtutor::robot::Model;
use armtutor::sim::course;
use armtutor::sim::history::History;
use armtutor::sim::task::{Episode, PickPlaceConfig, run_episode};
use armtutor::sim::{ArmWorld, JointPd};
use criterion::{Criterion, criterion_group, criterion_main};

const READY: [f64; 8] = [0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785, 0.02];

fn bench(c: &mut Criterion) {
    let model = Model::from_urdf_file("urdf/panda.urdf").expect("bundled arm");
    let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).expect("world");
    let pd = JointPd::default();
    let mut target = READY;
    target[0] = 0.4;
    let mut g = c.benchmark_group("physics_240hz");
    // Constant gravity torques keep the arm near rest, so this times the rapier step alone; the
    // open-loop rest is unstable, so the arm is put back every simulated second.
    let hold = armtutor::robot::dynamics::gravity_torques(
        &model,
        &READY,
        &armtutor::robot::dynamics::GRAVITY,
    );
    let mut n = 0u32;
    g.bench_function("rapier_step_only", |b| {
        b.iter(|| {
            n += 1;
            if n.is_multiple_of(240) {
                arm.set_q(&READY);
            }
            arm.apply_joint_torques(&hold).expect("finite");
            arm.step().expect("finite");
        })
    });
    g.bench_function("controller_and_step", |b| {
        b.iter(|| {
            let tau = pd.torques(&model, &arm.q(), &arm.qd(), &target);
            arm.apply_joint_torques(&tau).expect("finite");
            arm.step().expect("finite");
        })
    });
    g.finish();

    let iiwa = Model::from_urdf_file("urdf/kuka_iiwa14.urdf").expect("bundled arm");
    let q0 = [0.0, 0.5, 0.0, -1.0, 0.0, 1.0, 0.0];
    let mut fall = ArmWorld::new(iiwa, &q0, 1.0 / 1000.0).expect("world");
    let mut g = c.benchmark_group("physics_passive");
    let mut n = 0u32;
    g.bench_function("iiwa14_1000hz_step", |b| {
        b.iter(|| {
            // Two simulated seconds of falling, then from the top again.
            n += 1;
            if n.is_multiple_of(2000) {
                fall.set_q(&q0);
            }
            fall.step().expect("finite");
        })
    });
    g.finish();

    let cfg = PickPlaceConfig::default();
    let traced = PickPlaceConfig {
        record_trace: true,
        ..PickPlaceConfig::default()
    };
    // The trace has one row per physics step.
    let steps = run_episode(&model, 0, &traced)
        .expect("episode")
        .trace
        .len();
    eprintln!("task scene: the seed-0 episode is {steps} physics steps at 240 Hz");
    let mut g = c.benchmark_group("physics_task");
    g.sample_size(10);
    g.bench_function("panda_pick_place_episode_seed0", |b| {
        b.iter(|| run_episode(&model, 0, &cfg).expect("episode"))
    });
    g.finish();

    // The generative and losses lessons' 24 course demonstrations: one after another, and on
    // every core (as the desktop app records them).
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut g = c.benchmark_group("course_demos");
    g.sample_size(10);
    g.bench_function("24_demos_one_thread", |b| {
        b.iter(|| course::record_all(&model, 0..24, 1).expect("demos"))
    });
    g.bench_function(format!("24_demos_{cores}_threads"), |b| {
        b.iter(|| course::record_all(&model, 0..24, cores).expect("demos"))
    });
    g.finish();

    // The timeline: showing a moment copies the checkpoint before it and steps to it. The
    // worst case is the period just before the next checkpoint (39 periods of replay).
    let mut history = History::default();
    let mut episode = Episode::new(&model, 0, &cfg).expect("episode");
    let run = history.start_run(&episode, 0);
    for _ in 0..120 {
        episode.step_period().expect("step");
        history.record(run, &episode, 0);
    }
    let mut g = c.benchmark_group("timeline");
    g.sample_size(10);
    g.bench_function("show_moment_on_a_checkpoint", |b| {
        b.iter(|| history.episode_at(80).expect("kept"))
    });
    g.bench_function("show_moment_worst_case", |b| {
        b.iter(|| history.episode_at(79).expect("kept"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
