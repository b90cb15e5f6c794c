//! `inspect`: what a robot file holds (links, joints, limits, mass), as text with the tree, or
//! JSON.

use super::*;

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The URDF file.
    pub file: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct InspectJson<'a> {
    schema: &'static str,
    robot: &'a str,
    root: &'a str,
    dof: usize,
    total_mass: f64,
    default_tip: &'a str,
    tool: &'a str,
    start_q: Vec<f64>,
    warnings: &'a [String],
    links: Vec<LinkJson<'a>>,
    joints: Vec<JointJson<'a>>,
}

#[derive(Serialize)]
struct LinkJson<'a> {
    name: &'a str,
    mass: f64,
    parent_joint: Option<&'a str>,
}

#[derive(Serialize)]
struct JointJson<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    parent: &'a str,
    child: &'a str,
    axis: [f64; 3],
    lower: Option<f64>,
    upper: Option<f64>,
    effort: Option<f64>,
    velocity: Option<f64>,
    q_index: Option<usize>,
    mimic: Option<&'a str>,
}

pub(super) fn inspect(a: &InspectArgs) -> Result<String, String> {
    let m = load(&a.file)?;
    let tip = &m.links[m.default_tip()].name;
    let tool = start_pose::tool_link(&m);
    let start = start_pose::for_model(&m);
    // Beyond what loading repaired: meshes that cannot be drawn, and a start pose not searched.
    let mut more = crate::robot::mesh_path::mesh_problems(&m);
    more.extend(start.skipped.clone());
    for w in &more {
        eprintln!("armtutor: warning: {w}");
    }
    let warnings: Vec<String> = m.warnings.iter().chain(&more).cloned().collect();
    if a.json {
        let doc = InspectJson {
            schema: "armtutor.inspect/1",
            robot: &m.name,
            root: &m.links[0].name,
            dof: m.dof(),
            total_mass: m.total_mass(),
            default_tip: tip,
            tool: &m.links[tool].name,
            start_q: start.q.clone(),
            warnings: &warnings,
            links: m
                .links
                .iter()
                .map(|l| LinkJson {
                    name: &l.name,
                    mass: l.inertia.mass,
                    parent_joint: l.parent_joint.map(|j| m.joints[j].name.as_str()),
                })
                .collect(),
            joints: m
                .joints
                .iter()
                .map(|j| JointJson {
                    name: &j.name,
                    kind: j.kind.name(),
                    parent: &m.links[j.parent].name,
                    child: &m.links[j.child].name,
                    axis: j.axis.into(),
                    lower: finite(j.limits.0).filter(|_| j.kind.is_movable()),
                    upper: finite(j.limits.1).filter(|_| j.kind.is_movable()),
                    effort: finite(j.effort).filter(|_| j.kind.is_movable()),
                    velocity: finite(j.velocity).filter(|_| j.kind.is_movable()),
                    q_index: j.q_index,
                    mimic: j.mimic.as_ref().map(|mm| m.joints[mm.master].name.as_str()),
                })
                .collect(),
        };
        return serde_json::to_string_pretty(&doc).map_err(|e| e.to_string());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "robot '{}': {} links, {} joints, {} DoF, total mass {:.3} kg",
        m.name,
        m.links.len(),
        m.joints.len(),
        m.dof(),
        m.total_mass()
    );
    let _ = writeln!(
        out,
        "default tip: {tip} ({} joints on its chain)",
        Chain::new(&m, m.default_tip()).dof()
    );
    let fmt: Vec<String> = start.q.iter().map(|x| format!("{x:.3}")).collect();
    let _ = writeln!(
        out,
        "tool: {} (reach {:.3} m); start pose q = {} (σ_min of [J_v/reach; J_ω] {:.3}, tool at x {:.3}, y {:.3}, z {:.3} m)",
        m.links[tool].name,
        start.reach,
        fmt.join(","),
        start.sigma_min,
        start.tool.x,
        start.tool.y,
        start.tool.z
    );
    let _ = writeln!(out);
    tree(&m, &mut out);
    let _ = writeln!(out);
    let _ = writeln!(out, "configuration order (--q for the whole robot):");
    for (i, &ji) in m.dof_joints.iter().enumerate() {
        let _ = writeln!(out, "  q{} = {}", i + 1, m.joints[ji].name);
    }
    Ok(out)
}

fn joint_summary(m: &Model, ji: usize) -> String {
    let j = &m.joints[ji];
    let unit = if j.kind == JointKind::Prismatic {
        ("m", "N", "m/s")
    } else {
        ("rad", "N·m", "rad/s")
    };
    let mut s = format!("{} [{}", j.name, j.kind.name());
    if j.kind.is_movable() {
        let _ = write!(
            s,
            ", axis ({:.3} {:.3} {:.3})",
            j.axis.x, j.axis.y, j.axis.z
        );
        if j.limits.0.is_finite() || j.limits.1.is_finite() {
            let _ = write!(s, ", {:.4}..{:.4} {}", j.limits.0, j.limits.1, unit.0);
        } else {
            let _ = write!(s, ", unlimited");
        }
        if j.effort.is_finite() {
            let _ = write!(s, ", {} {}", j.effort, unit.1);
        }
        if j.velocity.is_finite() {
            let _ = write!(s, ", {} {}", j.velocity, unit.2);
        }
        if let Some(mm) = &j.mimic {
            let _ = write!(
                s,
                ", mimics {} ×{} {:+}",
                m.joints[mm.master].name, mm.multiplier, mm.offset
            );
        }
    }
    s.push(']');
    s
}

/// Indentation stops growing at this depth (a chain of thousands of joints would otherwise
/// print lines thousands of characters wide: output quadratic in the chain); deeper lines
/// show their depth instead.
const TREE_INDENT: usize = 24;

/// The kinematic tree as an indented list, root first, depth first. Iterative: a chain of
/// any length is printed without recursion.
fn tree(m: &Model, out: &mut String) {
    let _ = writeln!(
        out,
        "{} ({:.3} kg)",
        m.links[0].name, m.links[0].inertia.mass
    );
    // (joint, depth, last among its siblings); the prefix is rebuilt from the `last` flags of
    // the joints above, kept for the current path only.
    let mut stack: Vec<(usize, usize, bool)> = Vec::new();
    let push_children = |stack: &mut Vec<(usize, usize, bool)>, link: usize, depth: usize| {
        let kids = &m.links[link].child_joints;
        for (k, &ji) in kids.iter().enumerate().rev() {
            stack.push((ji, depth, k + 1 == kids.len()));
        }
    };
    push_children(&mut stack, 0, 0);
    let mut path_last: Vec<bool> = Vec::new();
    while let Some((ji, depth, last)) = stack.pop() {
        path_last.truncate(depth);
        let mut prefix = String::new();
        for &l in path_last.iter().take(TREE_INDENT) {
            prefix.push_str(if l { "   " } else { "│  " });
        }
        if depth > TREE_INDENT {
            let _ = write!(prefix, "[depth {}] ", depth + 1);
        }
        let child = m.joints[ji].child;
        let _ = writeln!(
            out,
            "{prefix}{} {} → {} ({:.3} kg)",
            if last { "└─" } else { "├─" },
            joint_summary(m, ji),
            m.links[child].name,
            m.links[child].inertia.mass
        );
        path_last.push(last);
        push_children(&mut stack, child, depth + 1);
    }
}
