//! Reading a large URDF: whole, and in the steps a frame takes in the browser (one batch of
//! the root's children; the last step validates and builds the model). The largest step bounds
//! how long a load holds a frame there. Run:
//! `cargo bench --no-default-features --bench loading`.

use armtutor::robot::reader::UrdfReader;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// A chain of `n` revolute joints with inertias, 3.2 MB at 10 000 (the largest kind of file
/// the tests load).
fn chain(n: usize) -> String {
    let mut s = String::from(r#"<robot name="chain">"#);
    for i in 0..=n {
        s.push_str(&format!(
            r#"<link name="l{i}"><inertial><mass value="0.5"/><inertia ixx="1e-3" iyy="1e-3" izz="1e-3" ixy="0" ixz="0" iyz="0"/></inertial></link>"#
        ));
    }
    for i in 0..n {
        s.push_str(&format!(
            r#"<joint name="j{i}" type="revolute"><parent link="l{i}"/><child link="l{}"/><origin xyz="0 0 0.01"/><axis xyz="0 1 0"/><limit lower="-2" upper="2" effort="10" velocity="2"/></joint>"#,
            i + 1
        ));
    }
    s.push_str("</robot>");
    s
}

fn bench(c: &mut Criterion) {
    let text = chain(10_000);
    let mut g = c.benchmark_group("urdf_10000_joints");
    g.sample_size(10);
    g.bench_function("whole file, all steps", |b| {
        b.iter(|| black_box(UrdfReader::new(text.clone(), "chain").and_then(UrdfReader::finish)))
    });
    g.bench_function("check and plan (before the first step)", |b| {
        b.iter(|| black_box(UrdfReader::new(text.clone(), "chain")))
    });
    g.bench_function("one step: a batch parsed", |b| {
        b.iter_batched(
            || UrdfReader::new(text.clone(), "chain").expect("reads"),
            |mut r| black_box(r.step().is_none()),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("last step: the model validated and built", |b| {
        b.iter_batched(
            || {
                let mut r = UrdfReader::new(text.clone(), "chain").expect("reads");
                while r.steps_left() > 1 {
                    let _ = r.step();
                }
                r
            },
            |mut r| black_box(r.step()),
            BatchSize::LargeInput,
        )
    });
    g.finish();
    // A 4 MB link name: its element is compacted (the name swapped for a token) before the
    // parser reads it, so its step costs a scan of the bytes, not a parse of them.
    let name = "n".repeat(4 << 20);
    let huge = format!(
        r#"<robot name="r"><link name="{name}"/><link name="b"/><joint name="j" type="fixed"><parent link="{name}"/><child link="b"/></joint></robot>"#
    );
    let mut g = c.benchmark_group("urdf_4mb_name");
    g.sample_size(10);
    g.bench_function("check and plan", |b| {
        b.iter(|| black_box(UrdfReader::new(huge.clone(), "huge")))
    });
    g.bench_function("one step: the element with the name", |b| {
        b.iter_batched(
            || UrdfReader::new(huge.clone(), "huge").expect("reads"),
            |mut r| black_box(r.step().is_none()),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("whole file, all steps", |b| {
        b.iter(|| black_box(UrdfReader::new(huge.clone(), "huge").and_then(UrdfReader::finish)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
