//! The samplers at the generative lesson's size, on the real course demonstrations: 64 samples
//! of 36-D action chunks (12 tool positions) conditioned on the transport's start. Run:
//! `cargo bench --no-default-features --features sim --bench generative`.
//!
//! The lesson computes denoising steps as its animation reaches them, so one animation frame
//! costs one step of all 64 samples ("one DDPM step"); the whole 100-step run is measured too.

use armtutor::math::generative::{Field, Run, normal_vec};
use armtutor::math::mlp::{TrainConfig, Trainer};
use armtutor::robot::Model;
use armtutor::sim::course;
use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let model = match Model::from_urdf_str(armtutor::robot::panda::URDF) {
        Ok(m) => m,
        Err(e) => panic!("the bundled Panda does not load: {e}"),
    };
    let demos: Vec<course::Demo> = (0..24)
        .filter_map(|s| course::demonstration(&model, s).ok())
        .collect();
    let Ok(set) = course::chunk_set(&demos) else {
        panic!("no demonstrations");
    };
    let Some(start) = set.start() else {
        panic!("no demonstration start");
    };
    let (mix, keep) = course::exact_conditional(&set, &start);
    eprintln!(
        "{} windows, {} in the conditional at the start, {}-D chunks",
        set.chunks.len(),
        keep.len(),
        set.dim()
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let x = normal_vec(&mut rng, set.dim());
    c.bench_function("one exact ε evaluation", |b| {
        b.iter(|| black_box(mix.epsilon(black_box(&x), 0.5)))
    });
    c.bench_function("one animation frame: 64 samples × 1 DDPM step", |b| {
        b.iter_batched(
            || Run::from_seed(course::ddpm_sampler(), 64, set.dim(), 3),
            |mut run| {
                run.step(&mix);
                black_box(run)
            },
            criterion::BatchSize::SmallInput,
        )
    });
    c.bench_function("whole run: 64 samples × 100 DDPM steps", |b| {
        b.iter(|| black_box(Run::from_seed(course::ddpm_sampler(), 64, set.dim(), 3).finish(&mix)))
    });
    c.bench_function(
        "whole run: 64 samples × 10 flow-matching Euler steps",
        |b| {
            b.iter(|| {
                black_box(Run::from_seed(course::default_sampler(), 64, set.dim(), 3).finish(&mix))
            })
        },
    );
    let mut trainer = Trainer::new(&set, TrainConfig::default());
    c.bench_function("one training step (batch 64, both networks)", |b| {
        b.iter(|| {
            trainer.cfg.steps = trainer.step + 1;
            black_box(trainer.train(&set, 1))
        })
    });
    let field = trainer.field(&set, &start);
    c.bench_function("one network velocity evaluation", |b| {
        b.iter(|| black_box(field.velocity(black_box(&x), 0.5)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
