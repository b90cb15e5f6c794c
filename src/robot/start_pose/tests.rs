use super::super::test_arms::{hobby4, scara, ur_style};
use super::*;

/// The bundled Panda under another name, so the general search runs on its geometry.
fn panda_style() -> Model {
    let text = super::super::panda::URDF.replacen(r#"name="panda""#, r#"name="franka""#, 1);
    Model::from_urdf_str(&text).expect("renamed Panda")
}

fn arms() -> Vec<Model> {
    vec![
        ur_style(),
        panda_style(),
        scara(),
        hobby4(),
        Model::from_urdf_str(include_str!("../../../urdf/kuka_iiwa14.urdf")).expect("iiwa"),
        Model::from_urdf_str(include_str!("../../../urdf/kinova_gen3.urdf")).expect("kinova"),
    ]
}

fn assert_good(model: &Model, p: &StartPose) {
    let name = &model.name;
    for (&ji, &q) in model.dof_joints.iter().zip(&p.q) {
        let (lo, hi) = model.joints[ji].limits;
        assert!(
            q >= lo && q <= hi,
            "{name}: {} = {q}",
            model.joints[ji].name
        );
    }
    assert!(p.sigma_min >= 0.05, "{name}: σ_min {:.3}", p.sigma_min);
    assert!(
        p.lowest >= TABLE_CLEARANCE * p.reach,
        "{name}: lowest point {:.3} m",
        p.lowest
    );
    assert!(
        p.closest >= SELF_CLEARANCE * p.reach,
        "{name}: segments {:.3} m apart",
        p.closest
    );
    assert!(p.tool.x >= FRONT * p.reach, "{name}: tool at {}", p.tool);
}

#[test]
fn every_arm_starts_inside_its_limits_above_the_table_and_away_from_singularities() {
    for model in arms() {
        let tool = tool_link(&model);
        let p = start_pose(&model, tool);
        eprintln!(
            "{}: reach {:.3} m, σ_min {:.3}, lowest {:.3} m, closest {:.3} m, tool {:.3?}, q {:.2?}",
            model.name,
            p.reach,
            p.sigma_min,
            p.lowest,
            p.closest,
            p.tool.as_slice(),
            p.q
        );
        assert_good(&model, &p);
        // What the search reports is what the pose is.
        assert_eq!(judge(&model, tool, &p.q), p);
    }
}

/// The reason for the search: a UR arm at zero lies along the table with its wrist
/// singular, and mid-range is zero for it.
#[test]
fn a_ur_arm_at_zero_is_singular_and_its_start_pose_is_not() {
    let model = ur_style();
    let tool = tool_link(&model);
    assert_eq!(model.links[tool].name, "tool");
    let zero = judge(&model, tool, &[0.0; 6]);
    assert!(zero.sigma_min < 1e-9, "{}", zero.sigma_min);
    let p = start_pose(&model, tool);
    assert!(p.sigma_min > 0.05, "{}", p.sigma_min);
    // Deterministic: the same pose every time the arm opens.
    assert_eq!(start_pose(&model, tool), p);
}

#[test]
fn the_bundled_pandas_ready_pose_meets_the_same_rules() {
    let model = Model::from_urdf_str(super::super::panda::URDF).expect("panda");
    let tool = tool_link(&model);
    assert_eq!(model.links[tool].name, "panda_tcp");
    let p = judge(&model, tool, &super::super::panda::READY);
    eprintln!(
        "READY: σ_min {:.3}, lowest {:.3}, closest {:.3}, tool {:.3?}",
        p.sigma_min,
        p.lowest,
        p.closest,
        p.tool.as_slice()
    );
    assert_good(&model, &p);
}

#[test]
fn segment_distance_matches_dense_sampling() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let mut v = || Vec3::new(rng.random(), rng.random(), rng.random());
    for _ in 0..300 {
        let (a, b, c, d) = (v(), v(), v(), v());
        let exact = segment_distance(&a, &b, &c, &d);
        let mut sampled = f64::INFINITY;
        for i in 0..=100 {
            for k in 0..=100 {
                let p = a + (b - a) * (i as f64 / 100.0);
                let q = c + (d - c) * (k as f64 / 100.0);
                sampled = sampled.min((p - q).norm());
            }
        }
        assert!(exact <= sampled + 1e-12, "{exact} > {sampled}");
        assert!(sampled - exact < 0.02, "{exact} vs {sampled}");
    }
    // Parallel and degenerate cases.
    let (o, x) = (Vec3::zeros(), Vec3::x());
    let y = Vec3::y();
    assert!((segment_distance(&o, &x, &y, &(y + x)) - 1.0).abs() < 1e-15);
    assert!((segment_distance(&o, &o, &y, &y) - 1.0).abs() < 1e-15);
    assert!((segment_distance(&o, &x, &(x * 2.0), &(x * 3.0)) - 1.0).abs() < 1e-15);
}
