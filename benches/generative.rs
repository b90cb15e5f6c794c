//! The samplers with the exact mixture denoiser, at the lesson's size: 64 samples of 24-D
//! action chunks (8 tool positions) around 16 demonstrations. Run:
//! `cargo bench --no-default-features --bench generative`.

use armtutor::math::generative::{Mixture, OdeMethod, Schedule, ddpm, flow, normal_vec};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use std::hint::black_box;

fn mixture() -> Mixture {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    Mixture {
        means: (0..16).map(|_| normal_vec(&mut rng, 24)).collect(),
        spread: 0.02,
    }
}

fn bench(c: &mut Criterion) {
    let mix = mixture();
    let sched = Schedule::cosine(100);
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let noise: Vec<Vec<f64>> = (0..64).map(|_| normal_vec(&mut rng, 24)).collect();
    c.bench_function("one exact ε evaluation (24-D, 16 demos)", |b| {
        b.iter(|| black_box(mix.epsilon(black_box(&noise[0]), 0.5)))
    });
    c.bench_function("64 samples × 100 DDPM steps", |b| {
        b.iter(|| {
            for n in &noise {
                black_box(ddpm(&mix, &sched, n, &mut rng));
            }
        })
    });
    c.bench_function("64 samples × 10 flow-matching Euler steps", |b| {
        b.iter(|| {
            for n in &noise {
                black_box(flow(&mix, n, 10, OdeMethod::Euler));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
