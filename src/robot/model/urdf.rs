//! Building the validated tree from a parsed URDF: the tree's shape (one root, no cycle),
//! each link's inertia and geometry, each joint's type, axis, limits and dynamics, and the
//! mimics; every number checked finite and within range.

use super::{Geometry, Joint, JointKind, Link, Mimic, Model, ModelError, Shape};
use crate::math::{Mat3, SpatialInertia, Transform, Vec3};
use crate::robot::lenient::{self, Cause, InertiaCheck, Repairs};
use std::collections::HashMap;

/// The largest length (an origin, a box side, a radius, a mesh scale) armtutor takes, m.
pub const MAX_LENGTH: f64 = 1e6;
/// The largest mass of one link, kg.
pub const MAX_MASS: f64 = 1e9;
/// The largest entry of an inertia tensor, kg·m².
pub const MAX_INERTIA: f64 = 1e12;
/// Joint limits beyond this (rad or m) mean "no limit" in practice, and are taken as none.
pub const MAX_LIMIT: f64 = 1e6;

/// `Err` when `x` lies beyond `±limit`.
fn within(x: f64, limit: f64, unit: &'static str, what: &str) -> Result<f64, ModelError> {
    if x.abs() <= limit {
        Ok(x)
    } else {
        Err(ModelError::OutOfRange {
            what: what.to_string(),
            value: x,
            limit,
            unit,
        })
    }
}

impl Model {
    /// Validates a parsed URDF robot and builds the tree.
    pub fn from_urdf(robot: &urdf_rs::Robot) -> Result<Model, ModelError> {
        Model::build(robot, Repairs::default())
    }

    /// Validates a parsed robot, with the repairs made before parsing, and builds the tree.
    pub(in crate::robot) fn build(
        robot: &urdf_rs::Robot,
        mut repairs: Repairs,
    ) -> Result<Model, ModelError> {
        let tree = Tree::of(robot)?;
        let mut links = build_links(robot, &tree.order, &mut repairs)?;
        let mut joints = Vec::with_capacity(tree.joint_order.len());
        for &old in &tree.joint_order {
            let j = &robot.joints[old];
            let parent = tree.new_link[tree.link_index[j.parent.link.as_str()]];
            let child = tree.new_link[tree.link_index[j.child.link.as_str()]];
            joints.push(build_joint(j, parent, child, &mut repairs)?);
        }
        link_mimics(robot, &tree, &mut joints, &mut repairs)?;
        let mut dof_joints = Vec::new();
        for (ji, j) in joints.iter_mut().enumerate() {
            if j.kind.is_movable() && j.mimic.is_none() {
                j.q_index = Some(dof_joints.len());
                dof_joints.push(ji);
            }
        }
        for (ji, j) in joints.iter().enumerate() {
            links[j.child].parent_joint = Some(ji);
            links[j.parent].child_joints.push(ji);
        }
        let model = Model {
            name: robot.name.clone(),
            links,
            joints,
            dof_joints,
            source_dir: None,
            warnings: repairs
                .lines()
                .iter()
                .map(|w| crate::robot::names::elide_long_words(w))
                .collect(),
        };
        // Every number is within range, but long enough chains of them could still add up
        // past the largest float: the robot as the file draws it must be computable.
        model.check_finite_poses(&vec![0.0; model.dof()])?;
        Ok(model)
    }
}

/// The tree's shape: each link and joint by name, and the order they are kept in (depth first
/// from the root, so parents come before their children).
struct Tree<'a> {
    link_index: HashMap<&'a str, usize>,
    joint_index: HashMap<&'a str, usize>,
    /// URDF link indices, depth first from the root.
    order: Vec<usize>,
    /// URDF joint indices, in the order their child links were reached.
    joint_order: Vec<usize>,
    /// The new index of each URDF link and joint.
    new_link: Vec<usize>,
    new_joint: Vec<usize>,
}

impl<'a> Tree<'a> {
    /// Checks that the links and joints form one tree (unique names, known links, one parent
    /// each, one root, no cycle) and orders it.
    fn of(robot: &'a urdf_rs::Robot) -> Result<Tree<'a>, ModelError> {
        if robot.links.is_empty() {
            return Err(ModelError::NoLinks);
        }
        let mut link_index = HashMap::new();
        for (i, l) in robot.links.iter().enumerate() {
            if link_index.insert(l.name.as_str(), i).is_some() {
                return Err(ModelError::DuplicateLink(l.name.clone()));
            }
        }
        let mut joint_index = HashMap::new();
        for (i, j) in robot.joints.iter().enumerate() {
            if joint_index.insert(j.name.as_str(), i).is_some() {
                return Err(ModelError::DuplicateJoint(j.name.clone()));
            }
        }
        let root = root(robot, &link_index)?;
        // Depth-first order from the root; links never reached sit on a cycle.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); robot.links.len()];
        for (ji, j) in robot.joints.iter().enumerate() {
            children[link_index[j.parent.link.as_str()]].push(ji);
        }
        let mut order = Vec::with_capacity(robot.links.len());
        let mut joint_order = Vec::with_capacity(robot.joints.len());
        let mut stack = vec![root];
        while let Some(l) = stack.pop() {
            order.push(l);
            for &ji in children[l].iter().rev() {
                joint_order.push(ji);
                stack.push(link_index[robot.joints[ji].child.link.as_str()]);
            }
        }
        if order.len() != robot.links.len() {
            let mut reached = vec![false; robot.links.len()];
            for &l in &order {
                reached[l] = true;
            }
            let stray = reached.iter().position(|r| !r).unwrap_or(0);
            return Err(ModelError::Cycle(robot.links[stray].name.clone()));
        }
        // Joints in the order their child links were reached keeps parents first.
        let mut new_link = vec![0usize; robot.links.len()];
        for (new, &old) in order.iter().enumerate() {
            new_link[old] = new;
        }
        joint_order.sort_by_key(|&ji| new_link[link_index[robot.joints[ji].child.link.as_str()]]);
        let mut new_joint = vec![0usize; robot.joints.len()];
        for (new, &old) in joint_order.iter().enumerate() {
            new_joint[old] = new;
        }
        Ok(Tree {
            link_index,
            joint_index,
            order,
            joint_order,
            new_link,
            new_joint,
        })
    }
}

/// The one link no joint has as its child (every joint's links must exist, and no link may
/// be the child of two joints).
fn root(robot: &urdf_rs::Robot, link_index: &HashMap<&str, usize>) -> Result<usize, ModelError> {
    // Parent joint of every link, by URDF index.
    let mut parent_of: Vec<Option<usize>> = vec![None; robot.links.len()];
    for (ji, j) in robot.joints.iter().enumerate() {
        let lookup = |name: &str, role| {
            link_index
                .get(name)
                .copied()
                .ok_or_else(|| ModelError::UnknownLink {
                    joint: j.name.clone(),
                    role,
                    link: name.to_string(),
                })
        };
        lookup(&j.parent.link, "parent")?;
        let c = lookup(&j.child.link, "child")?;
        if let Some(prev) = parent_of[c] {
            return Err(ModelError::MultipleParents {
                link: j.child.link.clone(),
                first: robot.joints[prev].name.clone(),
                second: j.name.clone(),
            });
        }
        parent_of[c] = Some(ji);
    }
    let roots: Vec<usize> = (0..robot.links.len())
        .filter(|&i| parent_of[i].is_none())
        .collect();
    match roots.len() {
        // Every link has a parent: there is a cycle somewhere.
        0 => Err(ModelError::Cycle(robot.links[0].name.clone())),
        1 => Ok(roots[0]),
        _ => Err(ModelError::MultipleRoots(
            roots.iter().map(|&i| robot.links[i].name.clone()).collect(),
        )),
    }
}

/// The links in `order`, with their inertias checked (or repaired) and their geometry.
fn build_links(
    robot: &urdf_rs::Robot,
    order: &[usize],
    repairs: &mut Repairs,
) -> Result<Vec<Link>, ModelError> {
    let materials: HashMap<&str, [f64; 4]> = robot
        .materials
        .iter()
        .filter_map(|m| m.color.as_ref().map(|c| (m.name.as_str(), c.rgba.0)))
        .collect();
    let mut links = Vec::with_capacity(order.len());
    for &old in order {
        let l = &robot.links[old];
        links.push(Link {
            name: l.name.clone(),
            inertia: inertial(l, repairs)?,
            visuals: l
                .visual
                .iter()
                .map(|v| {
                    geometry(
                        &l.name,
                        &v.origin,
                        &v.geometry,
                        v.material.as_ref(),
                        &materials,
                    )
                })
                .collect::<Result<_, _>>()?,
            collisions: l
                .collision
                .iter()
                .map(|c| geometry(&l.name, &c.origin, &c.geometry, None, &materials))
                .collect::<Result<_, _>>()?,
            parent_joint: None,
            child_joints: Vec::new(),
        });
    }
    Ok(links)
}

/// One joint between the links at `parent` and `child` (new indices), checked: a supported
/// type, a finite origin, a non-zero axis, ordered limits, non-negative dynamics.
fn build_joint(
    j: &urdf_rs::Joint,
    parent: usize,
    child: usize,
    repairs: &mut Repairs,
) -> Result<Joint, ModelError> {
    let kind = match j.joint_type {
        urdf_rs::JointType::Revolute => JointKind::Revolute,
        urdf_rs::JointType::Continuous => JointKind::Continuous,
        urdf_rs::JointType::Prismatic => JointKind::Prismatic,
        urdf_rs::JointType::Fixed => JointKind::Fixed,
        ref other => {
            return Err(ModelError::UnsupportedJoint {
                joint: j.name.clone(),
                kind: format!("{other:?}").to_lowercase(),
            });
        }
    };
    let what = |field: &str| format!("joint '{}' {field}", j.name);
    let origin = pose(&j.origin, &what("origin"))?;
    let axis = finite3(j.axis.xyz.0, &what("axis"))?;
    let axis = if kind.is_movable() {
        // Scaled by its largest entry first: the norm of (1e308, 1e308, 0) overflows,
        // though it names a direction like any other.
        let n = axis.norm();
        if n < 1e-12 {
            return Err(ModelError::ZeroAxis(j.name.clone()));
        }
        if n.is_finite() {
            axis / n
        } else {
            let scaled = axis / axis.amax();
            scaled / scaled.norm()
        }
    } else {
        Vec3::z()
    };
    let (limits, limitless) = joint_limits(j, kind, repairs)?;
    let nonneg = |x: f64, field: &str| -> Result<f64, ModelError> {
        if x.is_nan() || x < 0.0 {
            Err(ModelError::NonFinite(what(field)))
        } else {
            Ok(x)
        }
    };
    let effort = if j.limit.effort > 0.0 && !limitless {
        j.limit.effort
    } else {
        f64::INFINITY
    };
    let velocity = if j.limit.velocity > 0.0 && !limitless {
        j.limit.velocity
    } else {
        f64::INFINITY
    };
    nonneg(effort, "effort limit")?;
    nonneg(velocity, "velocity limit")?;
    let (damping, friction) = match &j.dynamics {
        Some(d) => (
            nonneg(d.damping, "damping")?,
            nonneg(d.friction, "friction")?,
        ),
        None => (0.0, 0.0),
    };
    Ok(Joint {
        name: j.name.clone(),
        kind,
        parent,
        child,
        origin,
        axis,
        limits,
        effort,
        velocity,
        damping,
        friction,
        mimic: None,
        q_index: None,
    })
}

/// A joint's limits, and whether it has none in the file (a revolute or prismatic joint
/// without `<limit>`). Missing and huge limits are taken as none, with a warning; a NaN limit
/// or a lower limit above the upper is an error.
fn joint_limits(
    j: &urdf_rs::Joint,
    kind: JointKind,
    repairs: &mut Repairs,
) -> Result<((f64, f64), bool), ModelError> {
    let (mut lower, mut upper) = (j.limit.lower, j.limit.upper);
    let limitless =
        repairs.lacks_limit(&j.name) && matches!(kind, JointKind::Revolute | JointKind::Prismatic);
    if limitless {
        repairs.add(Cause::MissingLimit, format!("'{}'", j.name));
    }
    if kind == JointKind::Continuous || limitless {
        (lower, upper) = (f64::NEG_INFINITY, f64::INFINITY);
    }
    if kind.is_movable()
        && lower.is_finite()
        && upper.is_finite()
        && (lower.abs() > MAX_LIMIT || upper.abs() > MAX_LIMIT)
    {
        repairs.add(
            Cause::HugeLimit,
            format!("'{}' ({lower:e}..{upper:e})", j.name),
        );
        (lower, upper) = (f64::NEG_INFINITY, f64::INFINITY);
    }
    if kind.is_movable() {
        if lower.is_nan() || upper.is_nan() {
            return Err(ModelError::NonFinite(format!("joint '{}' limit", j.name)));
        }
        if lower > upper {
            return Err(ModelError::BadLimits {
                joint: j.name.clone(),
                lower,
                upper,
            });
        }
    }
    Ok(((lower, upper), limitless))
}

/// Mimics: the master must exist, be another movable joint, and not itself follow a master.
/// Where it does not, the mimic is dropped (the joint moves on its own), as other URDF tools
/// do.
fn link_mimics(
    robot: &urdf_rs::Robot,
    tree: &Tree,
    joints: &mut [Joint],
    repairs: &mut Repairs,
) -> Result<(), ModelError> {
    let mut broken = |j: &urdf_rs::Joint, problem: &str| {
        let master = j.mimic.as_ref().map_or("", |m| m.joint.as_str());
        repairs.add(
            Cause::BrokenMimic,
            format!("'{}' ({})", j.name, problem.replace("{master}", master)),
        );
    };
    for &old in &tree.joint_order {
        let j = &robot.joints[old];
        let Some(m) = &j.mimic else { continue };
        let me = tree.new_joint[old];
        let Some(&master_old) = tree.joint_index.get(m.joint.as_str()) else {
            broken(j, "its master '{master}' does not exist");
            continue;
        };
        let master = tree.new_joint[master_old];
        let problem = if master == me {
            Some("it names itself as its master")
        } else if !joints[me].kind.is_movable() {
            Some("a fixed joint cannot follow '{master}'")
        } else if !joints[master].kind.is_movable() {
            Some("its master '{master}' is fixed")
        } else {
            None
        };
        if let Some(problem) = problem {
            broken(j, problem);
            continue;
        }
        let multiplier = m.multiplier.unwrap_or(1.0);
        let offset = m.offset.unwrap_or(0.0);
        if !multiplier.is_finite() || !offset.is_finite() {
            return Err(ModelError::NonFinite(format!("joint '{}' mimic", j.name)));
        }
        joints[me].mimic = Some(Mimic {
            master,
            multiplier,
            offset,
        });
    }
    // A master that follows a master of its own (judged on the mimics kept above, so a chain
    // keeps its first link and a cycle loses both).
    let follows: Vec<bool> = joints.iter().map(|j| j.mimic.is_some()).collect();
    for &old in &tree.joint_order {
        let me = tree.new_joint[old];
        if joints[me].mimic.as_ref().is_some_and(|m| follows[m.master]) {
            joints[me].mimic = None;
            broken(
                &robot.joints[old],
                "its master '{master}' is itself a mimic",
            );
        }
    }
    Ok(())
}

fn finite3(v: [f64; 3], what: &str) -> Result<Vec3, ModelError> {
    if v.iter().all(|x| x.is_finite()) {
        Ok(Vec3::new(v[0], v[1], v[2]))
    } else {
        Err(ModelError::NonFinite(what.to_string()))
    }
}

/// Three finite lengths, each within [`MAX_LENGTH`].
fn length3(v: [f64; 3], what: &str) -> Result<Vec3, ModelError> {
    let v = finite3(v, what)?;
    for x in v.iter() {
        within(*x, MAX_LENGTH, "m", what)?;
    }
    Ok(v)
}

fn pose(p: &urdf_rs::Pose, what: &str) -> Result<Transform, ModelError> {
    let xyz = length3(p.xyz.0, what)?;
    let rpy = finite3(p.rpy.0, what)?;
    Ok(Transform::from_xyz_rpy(xyz.into(), rpy.into()))
}

fn inertial(l: &urdf_rs::Link, repairs: &mut Repairs) -> Result<SpatialInertia, ModelError> {
    let i = &l.inertial;
    let bad = |reason: &str| ModelError::BadInertial {
        link: l.name.clone(),
        reason: reason.to_string(),
    };
    let origin = pose(&i.origin, &format!("link '{}' inertial origin", l.name))?;
    let m = i.mass.value;
    if !m.is_finite() || m < 0.0 {
        return Err(bad("mass must be a finite number ≥ 0"));
    }
    within(m, MAX_MASS, "kg", &format!("link '{}' mass", l.name))?;
    let t = &i.inertia;
    let vals = [t.ixx, t.ixy, t.ixz, t.iyy, t.iyz, t.izz];
    if vals.iter().any(|x| !x.is_finite()) {
        return Err(bad("inertia has a non-finite entry"));
    }
    // Before the eigen-decomposition, which overflows (and may never converge) on huge entries.
    for v in vals {
        within(
            v,
            MAX_INERTIA,
            "kg·m²",
            &format!("link '{}' inertia", l.name),
        )?;
    }
    let tensor = Mat3::new(
        t.ixx, t.ixy, t.ixz, t.ixy, t.iyy, t.iyz, t.ixz, t.iyz, t.izz,
    );
    let check = lenient::check_inertia(&tensor);
    let projected = matches!(check, InertiaCheck::Projected { .. });
    let tensor = match check {
        InertiaCheck::Valid => tensor,
        InertiaCheck::Projected {
            tensor,
            min_eigenvalue,
        } => {
            repairs.add(
                Cause::InertiaProjected,
                format!(
                    "'{}' (smallest eigenvalue {min_eigenvalue:.2e} kg·m²)",
                    l.name
                ),
            );
            tensor
        }
        InertiaCheck::Invalid => {
            return Err(bad("inertia tensor is not positive semi-definite"));
        }
    };
    // (A projected tensor is already reported: the projection may leave it flat or worse.)
    if let (false, Some([a, b, c])) = (projected, lenient::triangle_violation(&tensor)) {
        repairs.add(
            Cause::InertiaTriangle,
            format!("'{}' ({a:.3e} + {b:.3e} < {c:.3e} kg·m²)", l.name),
        );
    }
    // The URDF inertia is about the centre of mass, in the axes of the inertial origin frame.
    let r = origin.rotation;
    Ok(SpatialInertia {
        mass: m,
        com: origin.translation,
        inertia_com: r * tensor * r.transpose(),
    })
}

fn geometry(
    link: &str,
    origin: &urdf_rs::Pose,
    g: &urdf_rs::Geometry,
    material: Option<&urdf_rs::Material>,
    named: &HashMap<&str, [f64; 4]>,
) -> Result<Geometry, ModelError> {
    let what = format!("link '{link}' geometry");
    let positive = |x: f64| -> Result<f64, ModelError> {
        if x.is_finite() && x >= 0.0 {
            within(x, MAX_LENGTH, "m", &what)
        } else {
            Err(ModelError::NonFinite(what.clone()))
        }
    };
    let shape = match g {
        urdf_rs::Geometry::Box { size } => {
            let s = length3(size.0, &what)?;
            Shape::Box {
                size: Vec3::new(positive(s.x)?, positive(s.y)?, positive(s.z)?),
            }
        }
        urdf_rs::Geometry::Cylinder { radius, length } => Shape::Cylinder {
            radius: positive(*radius)?,
            length: positive(*length)?,
        },
        urdf_rs::Geometry::Capsule { radius, length } => Shape::Capsule {
            radius: positive(*radius)?,
            length: positive(*length)?,
        },
        urdf_rs::Geometry::Sphere { radius } => Shape::Sphere {
            radius: positive(*radius)?,
        },
        urdf_rs::Geometry::Mesh { filename, scale } => Shape::Mesh {
            filename: filename.clone(),
            scale: match scale {
                Some(s) => length3(s.0, &what)?,
                None => Vec3::new(1.0, 1.0, 1.0),
            },
        },
    };
    let color = material.and_then(|m| {
        m.color
            .as_ref()
            .map(|c| c.rgba.0)
            .or_else(|| named.get(m.name.as_str()).copied())
    });
    Ok(Geometry {
        origin: pose(origin, &what)?,
        shape,
        color,
    })
}
