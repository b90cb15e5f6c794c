//! `kinematics`: the tool's pose, the Jacobian and its manipulability at a configuration, as
//! text or JSON.

use super::*;

#[derive(Args, Debug)]
pub struct KinematicsArgs {
    /// The URDF file.
    pub file: PathBuf,
    /// Joint values, comma-separated (radians or metres): either one per joint on the chain to
    /// the tip, or one per movable joint of the whole robot in `inspect` order.
    #[arg(long, value_name = "q1,...,qn", allow_hyphen_values = true)]
    pub q: String,
    /// The tool link whose Jacobian is computed (default: the end of the trunk, see README).
    #[arg(long, value_name = "LINK")]
    pub tip: Option<String>,
    /// Machine-readable output (schema in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct KinematicsJson<'a> {
    schema: &'static str,
    robot: &'a str,
    base: &'a str,
    tip: &'a str,
    /// The whole robot's configuration, in `inspect` order.
    joint_names: Vec<&'a str>,
    q: Vec<f64>,
    /// `T_base_link` for every link, 4×4, row-major.
    links: Vec<PoseJson<'a>>,
    tip_pose: [[f64; 4]; 4],
    jacobian: JacobianJson<'a>,
    singular_values: [f64; 6],
    manipulability: f64,
    condition_number: Option<f64>,
    sigma_min: f64,
}

#[derive(Serialize)]
struct PoseJson<'a> {
    name: &'a str,
    pose: [[f64; 4]; 4],
}

#[derive(Serialize)]
struct JacobianJson<'a> {
    rows: [&'static str; 6],
    columns: Vec<&'a str>,
    /// In the base frame, at the tip origin.
    base_frame: Vec<Vec<f64>>,
    /// In the tip frame, at the tip origin.
    tip_frame: Vec<Vec<f64>>,
}

fn rows4(t: &Transform) -> [[f64; 4]; 4] {
    let m = t.to_matrix();
    std::array::from_fn(|r| std::array::from_fn(|c| m[(r, c)]))
}

fn rows(j: &crate::math::Jacobian) -> Vec<Vec<f64>> {
    (0..6)
        .map(|r| (0..j.ncols()).map(|c| j[(r, c)]).collect())
        .collect()
}

pub(super) fn kinematics(a: &KinematicsArgs) -> Result<String, String> {
    let m = load(&a.file)?;
    let tip = match &a.tip {
        Some(name) => m
            .link_index(name)
            .ok_or_else(|| format!("--tip: no link named '{name}' in {}", a.file.display()))?,
        None => m.default_tip(),
    };
    let chain = Chain::new(&m, tip);
    let q_model = joint_values(&m, &chain, &a.q, "--q", true)?;
    if let Some(w) = outside_limits(&m, &q_model, "--q") {
        eprintln!("armtutor: warning: {w}");
    }
    let poses = m.link_poses(&q_model);
    if let Some(l) = m.first_nonfinite_pose(&poses) {
        return Err(format!(
            "{} is not finite at this q (the numbers overflow); nothing was printed",
            m.pose_name(l)
        ));
    }
    let q_chain = chain.q_from_model(&m, &q_model);
    let j = chain.jacobian(&q_chain);
    let jt = chain.jacobian_tip_frame(&q_chain);
    let tip_pose = chain.tip_pose(&q_chain);
    // Jacobians are stored column by column: six numbers a joint.
    let column = |what: &'static str| {
        let names = &chain.joint_names;
        move |c: usize| format!("{what} column of joint '{}'", names[c])
    };
    finite_items(j.as_slice(), 6, column("the Jacobian's"))?;
    finite_items(jt.as_slice(), 6, column("the tip-frame Jacobian's"))?;
    finite_items(tip_pose.to_matrix().as_slice(), 16, |_| {
        "the tip pose".into()
    })?;
    let svd = Manipulability::from_jacobian(&j);
    let k = Kinematics {
        m,
        tip,
        chain,
        q_model,
        poses,
        j,
        jt,
        tip_pose,
        svd,
    };
    if a.json { json(&k) } else { Ok(text(&k)) }
}

/// What the command computed, for either output.
struct Kinematics {
    m: Model,
    tip: usize,
    chain: Chain,
    q_model: Vec<f64>,
    poses: Vec<Transform>,
    j: crate::math::Jacobian,
    jt: crate::math::Jacobian,
    tip_pose: Transform,
    svd: Manipulability,
}

/// The `armtutor.kinematics/1` document.
fn json(k: &Kinematics) -> Result<String, String> {
    let Kinematics {
        m,
        tip,
        chain,
        q_model,
        poses,
        j,
        jt,
        tip_pose,
        svd,
    } = k;
    let tip = *tip;
    let doc = KinematicsJson {
        schema: "armtutor.kinematics/1",
        robot: &m.name,
        base: &m.links[0].name,
        tip: &m.links[tip].name,
        joint_names: m.dof_joint_names(),
        q: q_model.clone(),
        links: m
            .links
            .iter()
            .zip(poses)
            .map(|(l, t)| PoseJson {
                name: &l.name,
                pose: rows4(t),
            })
            .collect(),
        tip_pose: rows4(tip_pose),
        jacobian: JacobianJson {
            rows: ["vx", "vy", "vz", "wx", "wy", "wz"],
            columns: chain.joint_names.iter().map(String::as_str).collect(),
            base_frame: rows(j),
            tip_frame: rows(jt),
        },
        singular_values: svd.sigma,
        manipulability: svd.manipulability(),
        condition_number: finite(svd.condition_number()),
        sigma_min: svd.sigma_min(),
    };
    serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())
}

/// The report for people: link poses, the tip pose, the Jacobian and its singular values.
fn text(k: &Kinematics) -> String {
    let Kinematics {
        m,
        tip,
        chain,
        q_model,
        poses,
        j,
        tip_pose,
        svd,
        ..
    } = k;
    let tip = *tip;
    let mut out = String::new();
    let rpy = EulerSequence::parse("xyz").expect("xyz is a valid sequence");
    let _ = writeln!(
        out,
        "robot '{}', tip '{}', q = {:?}",
        m.name, m.links[tip].name, q_model
    );
    let _ = writeln!(
        out,
        "\nlink poses T_{}_link (position m, URDF rpy rad):",
        m.links[0].name
    );
    for (l, t) in m.links.iter().zip(poses) {
        let e = rpy.from_matrix(&t.rotation).angles;
        let _ = writeln!(
            out,
            "  {:<24} p = ({:+.6} {:+.6} {:+.6})  rpy = ({:+.6} {:+.6} {:+.6})",
            l.name, t.translation.x, t.translation.y, t.translation.z, e[0], e[1], e[2]
        );
    }
    let _ = writeln!(out, "\ntip pose (4×4):");
    for r in rows4(tip_pose) {
        let _ = writeln!(
            out,
            "  [{:+.6} {:+.6} {:+.6} {:+.6}]",
            r[0], r[1], r[2], r[3]
        );
    }
    let _ = writeln!(
        out,
        "\ngeometric Jacobian at the tip, base frame (rows vx vy vz wx wy wz; columns {}):",
        chain.joint_names.join(" ")
    );
    for (r, name) in ["vx", "vy", "vz", "wx", "wy", "wz"].iter().enumerate() {
        let row: Vec<String> = (0..j.ncols())
            .map(|c| format!("{:+.5}", j[(r, c)]))
            .collect();
        let _ = writeln!(out, "  {name} [{}]", row.join(" "));
    }
    let _ = writeln!(
        out,
        "\nsingular values: {}",
        svd.sigma
            .iter()
            .map(|s| format!("{s:.6}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = writeln!(
        out,
        "manipulability √det(JJᵀ): {:.6e}",
        svd.manipulability()
    );
    let _ = writeln!(
        out,
        "condition number σmax/σmin: {:.4}",
        svd.condition_number()
    );
    let _ = writeln!(out, "σmin: {:.6e}", svd.sigma_min());
    out
}
