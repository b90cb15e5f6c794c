//! `dynamics`: the mass matrix, gravity, Coriolis and the torques (RNEA, CRBA) at a
//! configuration, as text or JSON.

use super::*;

#[derive(Args, Debug)]
pub struct DynamicsArgs {
    /// The URDF file.
    pub file: PathBuf,
    /// Joint positions (radians or metres): one per movable joint in `inspect` order, or one
    /// per joint of the arm's chain (to the default tip), the others 0.
    #[arg(long, value_name = "q1,...,qn", allow_hyphen_values = true)]
    pub q: String,
    /// Joint rates, in either form --q takes (default: all zero).
    #[arg(long, value_name = "qd1,...,qdn", allow_hyphen_values = true)]
    pub qd: Option<String>,
    /// Joint accelerations, in either form --q takes (default: all zero).
    #[arg(long, value_name = "qdd1,...,qddn", allow_hyphen_values = true)]
    pub qdd: Option<String>,
    /// Machine-readable output (schema in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct DynamicsJson<'a> {
    schema: &'static str,
    robot: &'a str,
    /// The configuration's order, as in `inspect`.
    joint_names: Vec<&'a str>,
    q: &'a [f64],
    qd: &'a [f64],
    qdd: &'a [f64],
    /// Gravity in the root link's frame (m/s²).
    gravity: [f64; 3],
    /// g(q): the torques (forces for prismatic joints) that hold q still.
    gravity_torques: &'a [f64],
    /// τ = M(q)q̈ + C(q, q̇)q̇ + g(q).
    inverse_dynamics: &'a [f64],
    /// M(q), row-major, n × n.
    mass_matrix: Vec<Vec<f64>>,
    /// ½ q̇ᵀ M(q) q̇.
    kinetic_energy: f64,
}

/// The most movable joints `dynamics` takes (it prints the n × n mass matrix).
pub const MAX_DYNAMICS_DOF: usize = 512;

/// Parses an optional joint vector for `flag`, zeros when it is absent.
fn joint_vector(
    m: &Model,
    arm: &Chain,
    text: Option<&str>,
    flag: &str,
) -> Result<Vec<f64>, String> {
    let Some(text) = text else {
        return Ok(vec![0.0; m.dof()]);
    };
    joint_values(m, arm, text, flag, false)
}

pub(super) fn dynamics(a: &DynamicsArgs) -> Result<String, String> {
    use crate::robot::dynamics::{GRAVITY, gravity_torques, inverse_dynamics, mass_matrix};
    let m = load(&a.file)?;
    if m.dof() == 0 {
        return Err(format!(
            "{}: the robot has no movable joint",
            a.file.display()
        ));
    }
    if m.dof() > MAX_DYNAMICS_DOF {
        return Err(format!(
            "{}: the robot has {} movable joints; dynamics prints robots of up to {MAX_DYNAMICS_DOF} (its mass matrix alone would be {} numbers)",
            a.file.display(),
            m.dof(),
            m.dof() * m.dof()
        ));
    }
    let arm = Chain::new(&m, m.default_tip());
    let q = joint_values(&m, &arm, &a.q, "--q", false)?;
    let qd = joint_vector(&m, &arm, a.qd.as_deref(), "--qd")?;
    let qdd = joint_vector(&m, &arm, a.qdd.as_deref(), "--qdd")?;
    if let Some(w) = outside_limits(&m, &q, "--q") {
        eprintln!("armtutor: warning: {w}");
    }
    m.check_finite_poses(&q).map_err(|e| e.to_string())?;
    let g = gravity_torques(&m, &q, &GRAVITY);
    let tau = inverse_dynamics(&m, &q, &qd, &qdd, &GRAVITY);
    let mm = mass_matrix(&m, &q);
    let n = m.dof();
    let qd_vec = nalgebra::DVector::from_column_slice(&qd);
    let kinetic = 0.5 * qd_vec.dot(&(&mm * &qd_vec));
    let names: Vec<&str> = m.dof_joint_names();
    // Huge but finite inputs (--qd 1e300) overflow here: refused like NaN, naming the joint.
    let names_ref = &names;
    let joint = |what: &'static str| move |i: usize| format!("{what} of joint '{}'", names_ref[i]);
    finite_items(&g, 1, joint("g(q)"))?;
    finite_items(&tau, 1, joint("τ"))?;
    // M is stored column by column.
    finite_items(mm.as_slice(), n, joint("M(q)'s column"))?;
    finite_items(&[kinetic], 1, |_| "the kinetic energy".into())?;
    if a.json {
        let doc = DynamicsJson {
            schema: "armtutor.dynamics/1",
            robot: &m.name,
            joint_names: names,
            q: &q,
            qd: &qd,
            qdd: &qdd,
            gravity: [GRAVITY.x, GRAVITY.y, GRAVITY.z],
            gravity_torques: &g,
            inverse_dynamics: &tau,
            mass_matrix: (0..n)
                .map(|r| (0..n).map(|c| mm[(r, c)]).collect())
                .collect(),
            kinetic_energy: kinetic,
        };
        return serde_json::to_string_pretty(&doc).map_err(|e| format!("JSON: {e}"));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} DoF, gravity {:?} m/s² (root frame)",
        m.name,
        n,
        [GRAVITY.x, GRAVITY.y, GRAVITY.z]
    );
    let width = names
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:width$}  {:>10}  {:>10}  {:>10}  {:>12}  {:>12}",
        "joint", "q", "qd", "qdd", "g(q)", "tau"
    );
    for i in 0..n {
        let _ = writeln!(
            out,
            "{:width$}  {:>10.4}  {:>10.4}  {:>10.4}  {:>12.5}  {:>12.5}",
            names[i], q[i], qd[i], qdd[i], g[i], tau[i]
        );
    }
    let _ = writeln!(out, "M(q) (kg·m² for revolute joints):");
    for r in 0..n {
        let row: Vec<String> = (0..n).map(|c| format!("{:>10.5}", mm[(r, c)])).collect();
        let _ = writeln!(out, "  {}", row.join(" "));
    }
    let _ = writeln!(out, "kinetic energy ½ q̇ᵀMq̇ = {kinetic:.6} J");
    Ok(out)
}
