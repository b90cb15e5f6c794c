//! FK, Jacobian, SVD ellipsoid and one DLS step on the bundled Panda, ours side by side with
//! the `k` crate on the same URDF. Run: `cargo bench --no-default-features --bench kinematics`.

use armtutor::math::ik::dls_step_into;
use armtutor::math::{Jacobian, Manipulability, Vec6};
use armtutor::robot::{Chain, Model};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const URDF: &str = "urdf/panda.urdf";
const TIP: &str = "panda_hand";
const Q: [f64; 7] = [0.1, -0.5, 0.3, -2.0, 0.2, 1.6, 0.7];

fn ours() -> Chain {
    let model = Model::from_urdf_file(URDF).expect("bundled arm");
    Chain::to_link(&model, TIP).expect("tip")
}

fn theirs() -> k::SerialChain<f64> {
    let chain = k::Chain::<f64>::from_urdf_file(URDF).expect("k reads it");
    let end = chain.find_link(TIP).expect("tip");
    k::SerialChain::from_end(end)
}

fn bench(c: &mut Criterion) {
    let chain = ours();
    let serial = theirs();
    let mut j = Jacobian::zeros(7);
    let e = Vec6::new(0.01, -0.02, 0.005, 0.01, 0.0, -0.01);
    let mut dq = [0.0; 7];

    let mut g = c.benchmark_group("fk");
    g.bench_function("armtutor", |b| {
        b.iter(|| black_box(chain.tip_pose(black_box(&Q))))
    });
    g.bench_function("k", |b| {
        b.iter(|| {
            serial.set_joint_positions_unchecked(black_box(&Q));
            black_box(serial.end_transform())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("jacobian");
    g.bench_function("armtutor", |b| {
        b.iter(|| {
            chain.jacobian_into(black_box(&Q), &mut j);
            black_box(&j);
        })
    });
    g.bench_function("k", |b| {
        b.iter(|| {
            serial.set_joint_positions_unchecked(black_box(&Q));
            black_box(k::jacobian(&serial))
        })
    });
    g.finish();

    chain.jacobian_into(&Q, &mut j);
    serial.set_joint_positions_unchecked(&Q);
    let kj = k::jacobian(&serial);
    let mut g = c.benchmark_group("svd_ellipsoid");
    g.bench_function("armtutor", |b| {
        b.iter(|| black_box(Manipulability::from_jacobian(black_box(&j))))
    });
    g.bench_function("nalgebra_svd_on_k", |b| {
        b.iter(|| black_box(black_box(&kj).clone().svd(true, false)))
    });
    g.finish();

    let mut g = c.benchmark_group("fk_jacobian_svd");
    g.bench_function("armtutor", |b| {
        b.iter(|| {
            let tip = chain.jacobian_into(black_box(&Q), &mut j);
            black_box((tip, Manipulability::from_jacobian(&j)))
        })
    });
    g.bench_function("k", |b| {
        b.iter(|| {
            serial.set_joint_positions_unchecked(black_box(&Q));
            let tip = serial.end_transform();
            let jac = k::jacobian(&serial);
            black_box((tip, jac.svd(true, false)))
        })
    });
    g.finish();

    let mut g = c.benchmark_group("dls_step");
    g.bench_function("armtutor", |b| {
        b.iter(|| {
            chain.jacobian_into(black_box(&Q), &mut j);
            dls_step_into(&j, black_box(&e), 0.05, &mut dq);
            black_box(dq)
        })
    });
    g.bench_function("k", |b| {
        use k::nalgebra as kn;
        let ke = kn::DVector::from_column_slice(e.as_slice());
        b.iter(|| {
            serial.set_joint_positions_unchecked(black_box(&Q));
            let jac = k::jacobian(&serial);
            let a = &jac * jac.transpose() + kn::DMatrix::identity(6, 6) * (0.05 * 0.05);
            let y = a.cholesky().expect("SPD").solve(&ke);
            black_box(jac.transpose() * y)
        })
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
