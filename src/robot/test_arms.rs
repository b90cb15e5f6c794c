//! Serial arms of other geometries, generated for tests: what the start pose and the task are
//! checked on besides the bundled arms.

use super::Model;
use std::f64::consts::{FRAC_PI_2, PI};

/// One joint of a generated serial arm: origin in the parent link, axis, type, limits.
pub struct J {
    pub xyz: [f64; 3],
    pub rpy: [f64; 3],
    pub axis: [f64; 3],
    pub kind: &'static str,
    pub lim: (f64, f64),
}

pub fn rev(xyz: [f64; 3], rpy: [f64; 3], axis: [f64; 3], lim: f64) -> J {
    J {
        xyz,
        rpy,
        axis,
        kind: "revolute",
        lim: (-lim, lim),
    }
}

/// A serial arm: links l0 … ln and a fixed link `tool` at `tool` from the last. Each moving
/// link is a rod from its joint to the next joint (10 kg/m plus a 0.5 kg motor at the joint),
/// so the dynamics are an arm's; efforts 300 N·m, speeds 2 rad/s.
pub fn serial(name: &str, joints: &[J], tool: ([f64; 3], [f64; 3])) -> Model {
    let v = |a: [f64; 3]| format!("{} {} {}", a[0], a[1], a[2]);
    let mut body = String::from(r#"<link name="l0"/>"#);
    for (i, j) in joints.iter().enumerate() {
        // The rod runs to the next joint's origin (or the tool's), in this link's frame.
        let next = joints.get(i + 1).map_or(tool.0, |n| n.xyz);
        let d = nalgebra::Vector3::from(next);
        let len = d.norm();
        let m = 0.5 + 10.0 * len;
        let com = d * (10.0 * len / m) * 0.5;
        // A thin rod of the rod's mass about its centre, plus a 4 cm-radius spread for the
        // motor, shifted to the link's centre of mass (parallel axes).
        let rod = 10.0 * len;
        let u = if len > 1e-9 { d / len } else { d };
        let mut inertia = (nalgebra::Matrix3::identity() - u * u.transpose())
            * (rod * len * len / 12.0)
            + nalgebra::Matrix3::identity() * (m * 0.04 * 0.04 / 2.0);
        let mid = d * 0.5 - com;
        inertia +=
            (nalgebra::Matrix3::identity() * mid.norm_squared() - mid * mid.transpose()) * rod;
        let motor = -com;
        inertia += (nalgebra::Matrix3::identity() * motor.norm_squared()
            - motor * motor.transpose())
            * 0.5;
        body += &format!(
            r#"<link name="l{c}"><inertial><origin xyz="{com}"/><mass value="{m}"/>
              <inertia ixx="{}" ixy="{}" ixz="{}" iyy="{}" iyz="{}" izz="{}"/></inertial></link>
            <joint name="j{c}" type="{k}"><parent link="l{i}"/><child link="l{c}"/>
              <origin xyz="{xyz}" rpy="{rpy}"/><axis xyz="{axis}"/>
              <limit lower="{lo}" upper="{hi}" effort="300" velocity="2"/></joint>"#,
            inertia[(0, 0)],
            inertia[(0, 1)],
            inertia[(0, 2)],
            inertia[(1, 1)],
            inertia[(1, 2)],
            inertia[(2, 2)],
            c = i + 1,
            com = v([com.x, com.y, com.z]),
            k = j.kind,
            xyz = v(j.xyz),
            rpy = v(j.rpy),
            axis = v(j.axis),
            lo = j.lim.0,
            hi = j.lim.1,
        );
    }
    body += &format!(
        r#"<link name="tool"/><joint name="tool_joint" type="fixed"><parent link="l{}"/>
        <child link="tool"/><origin xyz="{}" rpy="{}"/></joint>"#,
        joints.len(),
        v(tool.0),
        v(tool.1)
    );
    Model::from_urdf_str(&format!(r#"<robot name="{name}">{body}</robot>"#)).expect(name)
}

/// A UR5-like arm: the published link lengths (shoulder offset, offset wrist), ±2π on every
/// joint; the tool link's z points out of the flange.
pub fn ur_style() -> Model {
    ur_style_scaled(1.0)
}

/// The same arm with every length scaled by `k`.
pub fn ur_style_scaled(k: f64) -> Model {
    let (y, z) = ([0.0, 1.0, 0.0], [0.0, 0.0, 1.0]);
    let l = 2.0 * PI;
    let p = |x: f64, y: f64, z: f64| [k * x, k * y, k * z];
    serial(
        "ur_style",
        &[
            rev(p(0.0, 0.0, 0.089159), [0.0; 3], z, l),
            rev(p(0.0, 0.13585, 0.0), [0.0, FRAC_PI_2, 0.0], y, l),
            rev(p(0.0, -0.1197, 0.425), [0.0; 3], y, l),
            rev(p(0.0, 0.0, 0.39225), [0.0, FRAC_PI_2, 0.0], y, l),
            rev(p(0.0, 0.093, 0.0), [0.0; 3], z, l),
            rev(p(0.0, 0.0, 0.09465), [0.0; 3], y, l),
        ],
        (p(0.0, 0.0823, 0.0), [-FRAC_PI_2, 0.0, 0.0]),
    )
}

/// A PUMA-like arm: waist, shoulder and elbow, then a spherical wrist (roll, pitch, roll
/// through one point) at the end of a 43 cm forearm; the tool's z continues the wrist.
pub fn spherical_wrist() -> Model {
    let (x, y, z) = ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]);
    serial(
        "spherical_wrist",
        &[
            rev([0.0, 0.0, 0.3], [0.0; 3], z, 2.8),
            rev([0.0, 0.0, 0.2], [0.0; 3], y, 2.0),
            rev([0.0, 0.0, 0.43], [0.0; 3], y, 2.6),
            rev([0.43, 0.0, 0.0], [0.0; 3], x, 3.0),
            rev([0.0, 0.0, 0.0], [0.0; 3], y, 2.0),
            rev([0.0, 0.0, 0.0], [0.0; 3], x, 3.0),
        ],
        ([0.1, 0.0, 0.0], [0.0, FRAC_PI_2, 0.0]),
    )
}

/// A SCARA: two vertical revolute joints, a vertical slide, a wrist roll; tool pointing down.
pub fn scara() -> Model {
    let z = [0.0, 0.0, 1.0];
    serial(
        "scara",
        &[
            rev([0.0, 0.0, 0.4], [0.0; 3], z, 2.5),
            rev([0.325, 0.0, 0.0], [0.0; 3], z, 2.5),
            J {
                xyz: [0.275, 0.0, 0.0],
                rpy: [0.0; 3],
                axis: z,
                kind: "prismatic",
                lim: (-0.2, 0.0),
            },
            rev([0.0; 3], [0.0; 3], z, PI),
        ],
        ([0.0, 0.0, -0.1], [PI, 0.0, 0.0]),
    )
}

/// A 4-joint hobby arm: base yaw, shoulder, elbow and wrist pitch, 10–13 cm links.
pub fn hobby4() -> Model {
    let (y, z) = ([0.0, 1.0, 0.0], [0.0, 0.0, 1.0]);
    serial(
        "hobby4",
        &[
            rev([0.0, 0.0, 0.05], [0.0; 3], z, 2.0),
            rev([0.0, 0.0, 0.04], [0.0; 3], y, 1.8),
            rev([0.0, 0.0, 0.11], [0.0; 3], y, 1.8),
            rev([0.13, 0.0, 0.0], [0.0; 3], y, 1.8),
        ],
        ([0.1, 0.0, 0.0], [0.0, FRAC_PI_2, 0.0]),
    )
}
