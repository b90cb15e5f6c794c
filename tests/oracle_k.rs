//! Forward kinematics and Jacobians checked against an independent implementation: the `k`
//! crate (openrr), which has its own URDF reader (urdf-rs 0.9) and its own nalgebra (0.30).

#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use armtutor::math::Transform;
use armtutor::robot::{Chain, Model};
use rand::{Rng, SeedableRng};

const ARMS: [(&str, &str); 4] = [
    ("urdf/panda.urdf", "panda_hand"),
    ("urdf/panda.urdf", "panda_tcp"),
    ("urdf/kuka_iiwa14.urdf", "iiwa_link8"),
    ("urdf/kinova_gen3.urdf", "gen3_link8"),
];
const CONFIGS: usize = 1000;
const TOL: f64 = 1e-10;

fn k_matrix(iso: &k::nalgebra::Isometry3<f64>) -> [[f64; 4]; 4] {
    let m = iso.to_homogeneous();
    std::array::from_fn(|r| std::array::from_fn(|c| m[(r, c)]))
}

fn ours(t: &Transform) -> [[f64; 4]; 4] {
    let m = t.to_matrix();
    std::array::from_fn(|r| std::array::from_fn(|c| m[(r, c)]))
}

fn max_diff(a: &[[f64; 4]; 4], b: &[[f64; 4]; 4]) -> f64 {
    (0..4)
        .flat_map(|r| (0..4).map(move |c| (r, c)))
        .map(|(r, c)| (a[r][c] - b[r][c]).abs())
        .fold(0.0, f64::max)
}

/// A configuration drawn uniformly inside the joint limits (±π for unlimited joints).
fn random_q(model: &Model, rng: &mut impl Rng) -> Vec<f64> {
    model
        .dof_joints
        .iter()
        .map(|&ji| {
            let (lo, hi) = model.joints[ji].limits;
            let (lo, hi) = (lo.max(-std::f64::consts::PI), hi.min(std::f64::consts::PI));
            rng.random_range(lo..=hi)
        })
        .collect()
}

#[test]
fn every_link_pose_matches_k() {
    for (file, _) in ARMS {
        let model = Model::from_urdf_file(file).expect("bundled URDF");
        let kc = k::Chain::<f64>::from_urdf_file(file).expect("k reads it too");
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut worst: f64 = 0.0;
        for _ in 0..CONFIGS {
            let q = random_q(&model, &mut rng);
            for (ji, j) in model.joints.iter().enumerate() {
                if j.kind.is_movable() {
                    let node = kc.find(&j.name).expect("k has the joint");
                    node.set_joint_position(model.joint_value(ji, &q))
                        .expect("inside k's limits");
                }
            }
            kc.update_transforms();
            let poses = model.link_poses(&q);
            for j in &model.joints {
                let node = kc.find(&j.name).expect("k has the joint");
                let theirs = k_matrix(&node.world_transform().expect("updated"));
                worst = worst.max(max_diff(&ours(&poses[j.child]), &theirs));
            }
        }
        assert!(worst < TOL, "{file}: worst link pose difference {worst:e}");
        eprintln!("{file}: {CONFIGS} configurations, worst link pose difference {worst:.2e}");
    }
}

#[test]
fn tip_pose_and_jacobian_match_k() {
    for (file, tip) in ARMS {
        let model = Model::from_urdf_file(file).expect("bundled URDF");
        let chain = Chain::to_link(&model, tip).expect("tip exists");
        assert_eq!(chain.dof(), 7, "{file} to {tip} is a 7-DoF chain");
        let kc = k::Chain::<f64>::from_urdf_file(file).expect("k reads it too");
        let end = kc.find_link(tip).expect("k finds the tip");
        let serial = k::SerialChain::from_end(end);
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let (mut worst_pose, mut worst_jac): (f64, f64) = (0.0, 0.0);
        for _ in 0..CONFIGS {
            let q = random_q(&model, &mut rng);
            let qc = chain.q_from_model(&model, &q);
            serial.set_joint_positions(&qc).expect("inside k's limits");
            serial.update_transforms();
            let theirs = k_matrix(&serial.end_transform());
            let j = chain.jacobian(&qc);
            worst_pose = worst_pose.max(max_diff(&ours(&chain.tip_pose(&qc)), &theirs));
            let kj = k::jacobian(&serial);
            for r in 0..6 {
                for c in 0..7 {
                    worst_jac = worst_jac.max((j[(r, c)] - kj[(r, c)]).abs());
                }
            }
        }
        assert!(
            worst_pose < TOL,
            "{file}→{tip}: tip pose differs by {worst_pose:e}"
        );
        assert!(
            worst_jac < TOL,
            "{file}→{tip}: Jacobian differs by {worst_jac:e}"
        );
        eprintln!("{file}→{tip}: worst tip pose {worst_pose:.2e}, worst Jacobian {worst_jac:.2e}");
    }
}

#[test]
fn jacobian_matches_central_differences_of_fk() {
    // Column i: (ṗ, ω) from FK at q ± h·eᵢ, with ω from the rotation difference R⁺R⁻ᵀ.
    for (file, tip) in ARMS {
        let model = Model::from_urdf_file(file).expect("bundled URDF");
        let chain = Chain::to_link(&model, tip).expect("tip exists");
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let h = 1e-6;
        let mut worst: f64 = 0.0;
        for _ in 0..100 {
            let q = chain.q_from_model(&model, &random_q(&model, &mut rng));
            let j = chain.jacobian(&q);
            for i in 0..chain.dof() {
                let (mut qp, mut qm) = (q.clone(), q.clone());
                qp[i] += h;
                qm[i] -= h;
                let (tp, tm) = (chain.tip_pose(&qp), chain.tip_pose(&qm));
                let v = (tp.translation - tm.translation) / (2.0 * h);
                let w =
                    armtutor::math::so3::log(&(tp.rotation * tm.rotation.transpose())) / (2.0 * h);
                for r in 0..3 {
                    worst = worst.max((j[(r, i)] - v[r]).abs());
                    worst = worst.max((j[(r + 3, i)] - w[r]).abs());
                }
            }
        }
        assert!(
            worst < 1e-8,
            "{file}→{tip}: finite-difference mismatch {worst:e}"
        );
    }
}
