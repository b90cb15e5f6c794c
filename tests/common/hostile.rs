//! A generator of hostile robot files: every kind of file a student might open that is meant
//! to break the tool, or does so by accident. Shared by the command-line test (each file
//! through every command, in a child process) and the app's loader test.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One generated file.
pub struct Case {
    pub name: &'static str,
    pub path: PathBuf,
    /// The movable joints when the file loads (for `--q` of the right length).
    pub dof: Option<usize>,
    /// Whether armtutor must load it (with warnings at most); otherwise either is fine.
    pub loads: bool,
}

const INERTIAL: &str = r#"<inertial><mass value="0.5"/><inertia ixx="1e-3" iyy="1e-3" izz="1e-3" ixy="0" ixz="0" iyz="0"/></inertial>"#;

fn link(name: &str, inner: &str) -> String {
    format!(r#"<link name="{name}">{inner}</link>"#)
}

fn joint(name: &str, kind: &str, parent: &str, child: &str, inner: &str) -> String {
    format!(
        r#"<joint name="{name}" type="{kind}"><parent link="{parent}"/><child link="{child}"/>{inner}</joint>"#
    )
}

const LIMIT: &str = r#"<limit lower="-2" upper="2" effort="10" velocity="2"/>"#;

/// A chain of `n` revolute joints, 1 cm apart, alternating axes.
fn chain(n: usize, origin: &str) -> String {
    let mut s = String::from(r#"<robot name="chain">"#);
    for i in 0..=n {
        s.push_str(&link(&format!("l{i}"), INERTIAL));
    }
    for i in 0..n {
        let axis = if i % 2 == 0 { "0 1 0" } else { "0 0 1" };
        s.push_str(&joint(
            &format!("j{i}"),
            "revolute",
            &format!("l{i}"),
            &format!("l{}", i + 1),
            &format!(r#"<origin xyz="{origin}"/><axis xyz="{axis}"/>{LIMIT}"#),
        ));
    }
    s.push_str("</robot>");
    s
}

/// `n` links hanging off one parent by joints of `kind`.
fn wide(n: usize, kind: &str) -> String {
    let mut s = String::from(r#"<robot name="wide"><link name="base"/>"#);
    for i in 0..n {
        let _ = write!(s, r#"<link name="l{i}"/>"#);
    }
    for i in 0..n {
        let inner = if kind == "fixed" {
            String::new()
        } else {
            format!(r#"<axis xyz="0 0 1"/>{LIMIT}"#)
        };
        s.push_str(&joint(
            &format!("j{i}"),
            kind,
            "base",
            &format!("l{i}"),
            &inner,
        ));
    }
    s.push_str("</robot>");
    s
}

/// A two-link arm with `joint_inner` in its joint and `link_inner` in its second link.
fn one_joint(joint_inner: &str, link_inner: &str) -> String {
    format!(
        r#"<robot name="one"><link name="a"/>{}{}</robot>"#,
        link("b", link_inner),
        joint("j", "revolute", "a", "b", joint_inner)
    )
}

/// A seven-joint arm (1 kg links, 0.2 m apart) with `extra` added inside `<robot>`.
fn arm(extra: &str, tool_visual: &str) -> String {
    let mut s = String::from(r#"<robot name="arm"><link name="base"/>"#);
    for i in 1..=7 {
        let inner = if i == 7 {
            format!("{INERTIAL}{tool_visual}")
        } else {
            INERTIAL.to_string()
        };
        s.push_str(&link(&format!("l{i}"), &inner));
        let parent = if i == 1 {
            "base".to_string()
        } else {
            format!("l{}", i - 1)
        };
        let axis = if i % 2 == 1 { "0 0 1" } else { "0 1 0" };
        s.push_str(&joint(
            &format!("j{i}"),
            "revolute",
            &parent,
            &format!("l{i}"),
            &format!(r#"<origin xyz="0 0 0.2"/><axis xyz="{axis}"/>{LIMIT}"#),
        ));
    }
    s.push_str(extra);
    s.push_str("</robot>");
    s
}

fn mesh_visual(filename: &str) -> String {
    format!(r#"<visual><geometry><mesh filename="{filename}"/></geometry></visual>"#)
}

/// Writes every hostile file (and the mesh files they name) into `dir`.
pub fn write_all(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |name: &'static str, text: &[u8], dof: Option<usize>, loads: bool| {
        let path = dir.join(format!("{name}.urdf"));
        std::fs::write(&path, text).expect("write a hostile file");
        cases.push(Case {
            name,
            path,
            dof,
            loads,
        });
    };
    // Size: long chains and wide trees.
    add(
        "chain_10000",
        chain(10_000, "0 0 0.01").as_bytes(),
        Some(10_000),
        true,
    );
    add(
        "wide_50000_fixed",
        wide(50_000, "fixed").as_bytes(),
        None,
        false,
    );
    add(
        "wide_5000_revolute",
        wide(5_000, "revolute").as_bytes(),
        Some(5_000),
        true,
    );
    let fixed_crowd: String = (0..3000)
        .map(|i| {
            link(&format!("x{i}"), "")
                + &joint(&format!("xj{i}"), "fixed", "base", &format!("x{i}"), "")
        })
        .collect();
    add(
        "arm_with_3000_fixed_links",
        arm(&fixed_crowd, "").as_bytes(),
        Some(7),
        true,
    );
    // Cycles over many links: every link a child, or a ring beside a root.
    let mut ring = String::from(r#"<robot name="ring"><link name="root"/>"#);
    for i in 0..5000 {
        let _ = write!(ring, r#"<link name="r{i}"/>"#);
        ring.push_str(&joint(
            &format!("c{i}"),
            "fixed",
            &format!("r{i}"),
            &format!("r{}", (i + 1) % 5000),
            "",
        ));
    }
    ring.push_str("</robot>");
    add("ring_5000", ring.as_bytes(), None, false);
    // Depth.
    let deep = |n: usize| {
        format!(
            r#"<robot name="d"><link name="a">{}{}</link></robot>"#,
            "<x>".repeat(n),
            "</x>".repeat(n)
        )
    };
    add("nested_100000", deep(100_000).as_bytes(), None, false);
    add(
        "nested_100000_unclosed",
        "<a>".repeat(100_000).as_bytes(),
        None,
        false,
    );
    // Numbers at the edges of f64.
    let lim = r#"<axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/>"#;
    add(
        "origin_1e308",
        one_joint(&format!(r#"<origin xyz="1e308 1e308 0"/>{lim}"#), "").as_bytes(),
        None,
        false,
    );
    add(
        "origin_max_rpy",
        one_joint(
            &format!(r#"<origin rpy="1.7976931348623157e308 0 -1e308"/>{lim}"#),
            INERTIAL,
        )
        .as_bytes(),
        Some(1),
        true,
    );
    add(
        "axis_1e308",
        one_joint(
            r#"<axis xyz="1e308 1e308 0"/><limit lower="-1" upper="1" effort="1" velocity="1"/>"#,
            INERTIAL,
        )
        .as_bytes(),
        Some(1),
        true,
    );
    add(
        "axis_subnormal",
        one_joint(
            r#"<axis xyz="5e-324 0 0"/><limit lower="-1" upper="1" effort="1" velocity="1"/>"#,
            "",
        )
        .as_bytes(),
        None,
        false,
    );
    add(
        "mass_1e308",
        one_joint(lim, r#"<inertial><mass value="1e308"/><inertia ixx="1" iyy="1" izz="1" ixy="0" ixz="0" iyz="0"/></inertial>"#)
            .as_bytes(),
        None,
        false,
    );
    add(
        "inertia_1e308",
        one_joint(lim, r#"<inertial><mass value="1"/><inertia ixx="1e308" iyy="1e308" izz="1e308" ixy="1e308" ixz="0" iyz="0"/></inertial>"#)
            .as_bytes(),
        None,
        false,
    );
    add(
        "limits_max_float",
        one_joint(r#"<axis xyz="0 0 1"/><limit lower="-1.7976931348623157e308" upper="1.7976931348623157e308" effort="1e308" velocity="1e308"/>"#, INERTIAL)
            .as_bytes(),
        Some(1),
        true,
    );
    add(
        "overflowing_literal",
        one_joint(r#"<origin xyz="1e309 0 0"/><axis xyz="0 0 1"/>"#, "").as_bytes(),
        None,
        false,
    );
    add(
        "chain_of_max_lengths",
        chain(200, "1e6 -1e6 1e6").as_bytes(),
        Some(200),
        true,
    );
    add(
        "box_1e300",
        one_joint(
            lim,
            r#"<visual><geometry><box size="1e300 1 1"/></geometry></visual>"#,
        )
        .as_bytes(),
        None,
        false,
    );
    // Names and attributes.
    let long = "n".repeat(4 << 20);
    add(
        "link_name_4mb",
        format!(
            r#"<robot name="r"><link name="{long}"/><link name="b"/>{}</robot>"#,
            joint("j", "revolute", &long, "b", lim)
        )
        .as_bytes(),
        Some(1),
        true,
    );
    let many: String = (0..100_000).map(|i| format!(r#" a{i}="{i}""#)).collect();
    add(
        "attributes_100000",
        format!(r#"<robot name="r"><link name="a"{many}/></robot>"#).as_bytes(),
        None,
        false,
    );
    let elements: String = (0..200_000).map(|_| "<gazebo/>").collect();
    add(
        "elements_200000",
        format!(r#"<robot name="r"><link name="a"/>{elements}</robot>"#).as_bytes(),
        None,
        false,
    );
    // Mimic cycles and chains.
    let mimic = |of: &str| format!(r#"<axis xyz="0 0 1"/>{LIMIT}<mimic joint="{of}"/>"#);
    add(
        "mimic_cycle",
        format!(
            r#"<robot name="m"><link name="a"/><link name="b"/><link name="c"/>{}{}</robot>"#,
            joint("j1", "revolute", "a", "b", &mimic("j2")),
            joint("j2", "revolute", "b", "c", &mimic("j1"))
        )
        .as_bytes(),
        Some(2),
        true,
    );
    // Not a URDF, or not a robot.
    add(
        "xacro",
        br#"<robot xmlns:xacro="http://www.ros.org/wiki/xacro" name="r"><xacro:property name="l" value="1"/></robot>"#,
        None,
        false,
    );
    add(
        "mujoco",
        br#"<mujoco model="m"><worldbody/></mujoco>"#,
        None,
        false,
    );
    add(
        "billion_laughs",
        br#"<?xml version="1.0"?><!DOCTYPE robot [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><robot name="&c;"><link name="&c;"/></robot>"#,
        None,
        false,
    );
    add("empty", b"", None, false);
    add(
        "not_utf8",
        &[0xff, 0xfe, 0x3c, 0x00, 0x72, 0x00, 0x80, 0x81],
        None,
        false,
    );
    add(
        "no_limit_element",
        one_joint(r#"<axis xyz="0 0 1"/>"#, INERTIAL).as_bytes(),
        Some(1),
        true,
    );
    add(
        "impossible_inertia",
        one_joint(lim, r#"<inertial><mass value="1"/><inertia ixx="0.1" iyy="0.1" izz="0.5" ixy="0" ixz="0" iyz="0"/></inertial>"#)
            .as_bytes(),
        Some(1),
        true,
    );
    // Meshes that lie or are not files: the robot loads; the meshes are reported.
    let mut stl = vec![0u8; 80];
    stl.extend_from_slice(&u32::MAX.to_le_bytes()); // claims four billion triangles
    stl.extend_from_slice(&[0u8; 50]); // holds one
    std::fs::write(dir.join("lying.stl"), &stl).expect("write");
    std::fs::write(
        dir.join("lying.dae"),
        r##"<COLLADA><library_geometries><geometry id="g"><mesh><source id="p"><float_array id="a" count="4000000000">0 0 0</float_array><technique_common><accessor source="#a" count="1" stride="3"><param type="float"/><param type="float"/><param type="float"/></accessor></technique_common></source><vertices id="v"><input semantic="POSITION" source="#p"/></vertices><triangles count="4000000000"><input semantic="VERTEX" source="#v" offset="0"/><p>0 0 0</p></triangles></mesh></geometry></library_geometries></COLLADA>"##,
    )
    .expect("write");
    std::fs::create_dir_all(dir.join("folder.stl")).expect("mkdir");
    let big = std::fs::File::create(dir.join("huge.stl")).expect("create");
    big.set_len(300 << 20).expect("a sparse 300 MB file");
    #[cfg(unix)]
    {
        let _ = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe.stl"))
            .status();
    }
    let meshes: String = [
        "lying.stl",
        "lying.dae",
        "folder.stl",
        "huge.stl",
        "pipe.stl",
        "/dev/zero",
        "/dev/urandom",
        "missing.stl",
        "package://nowhere/meshes/x.stl",
    ]
    .iter()
    .map(|f| mesh_visual(f))
    .collect();
    add(
        "meshes_that_lie",
        arm("", &meshes).as_bytes(),
        Some(7),
        true,
    );
    cases
}
