//! The model's checks: malformed input gives one-line errors, small defects are repaired
//! with one warning per cause, and the tree is ordered parents first.

use super::*;

fn wrap(body: &str) -> String {
    format!(r#"<robot name="t">{body}</robot>"#)
}

const TWO_LINKS: &str = r#"
        <link name="a"/><link name="b"/>
        <joint name="j" type="revolute"><parent link="a"/><child link="b"/>
          <axis xyz="0 0 2"/><limit lower="-1" upper="1" effort="3" velocity="2"/></joint>"#;

fn err(body: &str) -> ModelError {
    match Model::from_urdf_str(&wrap(body)) {
        Err(e) => e,
        Ok(_) => panic!("expected an error for {body}"),
    }
}

#[test]
fn a_minimal_robot_parses() {
    let m = Model::from_urdf_str(&wrap(TWO_LINKS)).expect("valid");
    assert_eq!(m.dof(), 1);
    assert_eq!(m.joints[0].axis, Vec3::z());
    assert_eq!(m.joints[0].limits, (-1.0, 1.0));
    assert_eq!(m.default_tip(), 1);
}

#[test]
fn malformed_inputs_give_one_line_errors() {
    let cases = [
        (r#"<link name="a"/><link name="a"/>"#, "defined twice"),
        (
            r#"<link name="a"/><joint name="j" type="fixed"><parent link="a"/><child link="zz"/></joint>"#,
            "does not exist",
        ),
        (r#"<link name="a"/><link name="b"/>"#, "several root links"),
        (
            r#"<link name="a"/><link name="b"/><link name="c"/>
                <joint name="j1" type="fixed"><parent link="a"/><child link="b"/></joint>
                <joint name="j2" type="fixed"><parent link="b"/><child link="c"/></joint>
                <joint name="j3" type="fixed"><parent link="c"/><child link="b"/></joint>"#,
            "child of two joints",
        ),
        (
            r#"<link name="a"/><link name="b"/>
                <joint name="j1" type="fixed"><parent link="a"/><child link="b"/></joint>
                <joint name="j2" type="fixed"><parent link="b"/><child link="a"/></joint>"#,
            "cycle",
        ),
        (
            r#"<link name="a"/><link name="b"/>
                <joint name="j" type="floating"><parent link="a"/><child link="b"/></joint>"#,
            "does not support",
        ),
        (
            r#"<link name="a"/><link name="b"/>
                <joint name="j" type="revolute"><parent link="a"/><child link="b"/><axis xyz="0 0 0"/>
                <limit lower="-1" upper="1" effort="1" velocity="1"/></joint>"#,
            "zero axis",
        ),
        (
            r#"<link name="a"/><link name="b"/>
                <joint name="j" type="revolute"><parent link="a"/><child link="b"/>
                <limit lower="1" upper="-1" effort="1" velocity="1"/></joint>"#,
            "above upper",
        ),
        (
            r#"<link name="a"/><link name="b"/>
                <joint name="j" type="revolute"><origin xyz="nan 0 0"/><parent link="a"/><child link="b"/>
                <limit lower="-1" upper="1" effort="1" velocity="1"/></joint>"#,
            "not a finite number",
        ),
        (
            r#"<link name="a"><inertial><mass value="-1"/><inertia ixx="1" ixy="0" ixz="0" iyy="1" iyz="0" izz="1"/></inertial></link>"#,
            "mass",
        ),
        (
            r#"<link name="a"><inertial><mass value="1"/><inertia ixx="-1" ixy="0" ixz="0" iyy="1" iyz="0" izz="1"/></inertial></link>"#,
            "positive semi-definite",
        ),
        ("<link", "not valid URDF"),
    ];
    for (body, needle) in cases {
        let msg = err(body).to_string();
        assert!(msg.contains(needle), "{msg:?} should mention {needle:?}");
        assert!(!msg.contains('\n'), "one line: {msg:?}");
    }
    assert!(matches!(
        Model::from_urdf_str("not xml at all"),
        Err(ModelError::Parse { .. })
    ));
    assert!(matches!(
        Model::from_urdf_file("/definitely/not/here.urdf"),
        Err(ModelError::Io { .. })
    ));
}

/// In the browser a panic ends the page (`panic = "abort"`, where `catch_unwind` cannot
/// help), so urdf-rs itself must not panic on damaged files: every truncation of the three
/// bundled arms and thousands of random splices of XML and number fragments.
#[test]
fn urdf_rs_does_not_panic_on_damaged_urdfs() {
    use rand::{Rng, SeedableRng};
    let splices = [
        "<",
        ">",
        "/",
        "\"",
        "=",
        " ",
        "nan",
        "-",
        "1e999",
        "<joint>",
        "</link>",
        "<robot>",
        "",
        "&",
        "&amp;",
        "<!--",
        "]]>",
        "<![CDATA[",
        "\u{0}",
        "é",
        "<?xml?>",
        "xmlns:a='b'",
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut tried = 0;
    for good in [
        include_str!("../../../urdf/panda.urdf"),
        include_str!("../../../urdf/kuka_iiwa14.urdf"),
        include_str!("../../../urdf/kinova_gen3.urdf"),
    ] {
        let cuts = (0..good.len())
            .step_by(23)
            .filter(|&c| good.is_char_boundary(c))
            .map(|c| good[..c].to_string());
        let spliced: Vec<String> = (0..2000)
            .map(|_| {
                let mut s = good.to_string();
                for _ in 0..rng.random_range(1..4) {
                    let mut i = rng.random_range(0..s.len());
                    while !s.is_char_boundary(i) {
                        i -= 1;
                    }
                    let mut j = (i + rng.random_range(0..20)).min(s.len());
                    while !s.is_char_boundary(j) {
                        j -= 1;
                    }
                    s.replace_range(i..j, splices[rng.random_range(0..splices.len())]);
                }
                s
            })
            .collect();
        for text in cuts.chain(spliced) {
            tried += 1;
            let parsed = std::panic::catch_unwind(|| urdf_rs::read_from_string(&text));
            assert!(parsed.is_ok(), "urdf-rs panicked on:\n{text}");
            // And what parses is then validated without panicking either.
            if let Ok(Ok(robot)) = parsed {
                let _ = Model::from_urdf(&robot);
            }
        }
    }
    assert!(tried > 6000, "{tried}");
}

#[test]
fn mimic_joints_follow_their_master() {
    let m = Model::from_urdf_str(&wrap(
            r#"<link name="a"/><link name="b"/><link name="c"/>
            <joint name="j1" type="prismatic"><parent link="a"/><child link="b"/><axis xyz="0 1 0"/>
              <limit lower="0" upper="0.04" effort="1" velocity="1"/></joint>
            <joint name="j2" type="prismatic"><parent link="a"/><child link="c"/><axis xyz="0 -1 0"/>
              <limit lower="0" upper="0.04" effort="1" velocity="1"/><mimic joint="j1" multiplier="2" offset="0.01"/></joint>"#,
        ))
        .expect("valid");
    assert_eq!(m.dof(), 1);
    let c = m.link_index("c").expect("c");
    let poses = m.link_poses(&[0.02]);
    assert!((poses[c].translation.y + 0.05).abs() < 1e-15);
}

/// Each defect that other URDF tools pass over loads, with one warning line per cause.
#[test]
fn small_defects_load_with_one_warning_per_cause() {
    let joint = |name: &str, kind: &str, child: &str, mimic: &str| {
        format!(
            r#"<joint name="{name}" type="{kind}"><parent link="a"/><child link="{child}"/>
                <limit lower="-1" upper="1" effort="1" velocity="1"/>{mimic}</joint>"#
        )
    };
    let body = format!(
        r#"<material name="skin"><color rgba="0.2 0.4 0.6 1"/><texture/></material>
            <link name="a"/><link name="b"/><link name="c"/><link name="d"/><link name="e"/>
            <link name="f"><inertial><mass value="0.01"/>
              <inertia ixx="1e-5" ixy="1.02e-5" ixz="0" iyy="1e-5" iyz="0" izz="1e-5"/></inertial>
              <visual><geometry><sphere radius="0.1"/></geometry><material name="skin"/></visual></link>
            {}{}{}{}{}"#,
        joint("j0", "fixed", "b", ""),
        joint("j1", "revolute", "c", r#"<mimic joint="nope"/>"#),
        joint("j2", "revolute", "d", r#"<mimic joint="j0"/>"#),
        joint("j3", "revolute", "e", r#"<mimic joint="j1"/>"#),
        joint("j4", "revolute", "f", r#"<mimic joint="j4"/>"#),
    );
    let m = Model::from_urdf_str(&wrap(&body)).expect("loads with repairs");
    assert_eq!(m.warnings.len(), 3, "{:?}", m.warnings);
    assert!(
        m.warnings[0].starts_with("material 'skin': ignored"),
        "{:?}",
        m.warnings
    );
    assert!(
            m.warnings[1].starts_with(
                "joints 'j1' (its master 'nope' does not exist), 'j2' (its master 'j0' is fixed), 'j4' (it names itself as its master): the mimic is ignored"
            ),
            "{:?}",
            m.warnings
        );
    assert!(m.warnings[2].starts_with("inertia of link 'f' (smallest eigenvalue -2.00e-7"));
    for w in &m.warnings {
        assert!(!w.contains('\n'), "one line: {w}");
    }
    // j1 and j2 and j4 move on their own; j3 mimics j1, which is valid (j1 is no mimic now).
    assert_eq!(m.dof(), 3);
    let j3 = m.joint_index("j3").expect("j3");
    assert_eq!(
        m.joints[j3].mimic.as_ref().map(|mm| mm.master),
        m.joint_index("j1")
    );
    // The colour survives the texture's removal, and the inertia is physical.
    let f = m.link_index("f").expect("f");
    assert_eq!(m.links[f].visuals[0].color, Some([0.2, 0.4, 0.6, 1.0]));
    assert!(m.links[f].inertia.inertia_com.symmetric_eigenvalues().min() >= -1e-20);
}

/// What the file leaves out or overstates is assumed as other tools do, and said.
#[test]
fn missing_and_huge_limits_are_unlimited_with_a_warning() {
    let m = Model::from_urdf_str(&wrap(
            r#"<link name="a"/><link name="b"/><link name="c"/>
            <joint name="free" type="revolute"><parent link="a"/><child link="b"/><axis xyz="0 0 1"/></joint>
            <joint name="wide" type="prismatic"><parent link="b"/><child link="c"/><axis xyz="1 0 0"/>
              <limit lower="-1e16" upper="1e16" effort="5" velocity="1"/></joint>"#,
        ))
        .expect("loads");
    for j in &m.joints {
        assert_eq!(j.limits, (f64::NEG_INFINITY, f64::INFINITY), "{}", j.name);
    }
    // Without <limit> there is no effort or velocity limit either; the huge range keeps
    // the file's effort.
    assert_eq!(
        (m.joints[0].effort, m.joints[0].velocity),
        (f64::INFINITY, f64::INFINITY)
    );
    assert_eq!(m.joints[1].effort, 5.0);
    assert_eq!(m.warnings.len(), 2, "{:?}", m.warnings);
    assert!(
        m.warnings
            .iter()
            .any(|w| w.starts_with("joint 'free'") && w.contains("<limit>"))
    );
    assert!(
        m.warnings
            .iter()
            .any(|w| w.starts_with("joint 'wide'") && w.contains("no limit"))
    );
    // A huge axis still names a direction.
    let m = Model::from_urdf_str(&wrap(
            r#"<link name="a"/><link name="b"/><joint name="j" type="continuous"><parent link="a"/><child link="b"/><axis xyz="1e308 -1e308 0"/></joint>"#,
        ))
        .expect("loads");
    let h = std::f64::consts::FRAC_1_SQRT_2;
    assert!((m.joints[0].axis - Vec3::new(h, -h, 0.0)).norm() < 1e-15);
}

#[test]
fn a_clean_file_has_no_warnings() {
    for text in [
        include_str!("../../../urdf/panda.urdf"),
        include_str!("../../../urdf/kuka_iiwa14.urdf"),
        include_str!("../../../urdf/kinova_gen3.urdf"),
    ] {
        let m = Model::from_urdf_str(text).expect("bundled");
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    }
}

#[test]
fn topological_order_puts_parents_first() {
    // Joints listed child-first in the file.
    let m = Model::from_urdf_str(&wrap(
        r#"<link name="c"/><link name="b"/><link name="a"/>
            <joint name="bc" type="fixed"><parent link="b"/><child link="c"/></joint>
            <joint name="ab" type="fixed"><parent link="a"/><child link="b"/></joint>"#,
    ))
    .expect("valid");
    assert_eq!(m.links[0].name, "a");
    for j in &m.joints {
        assert!(j.parent < j.child);
    }
}
