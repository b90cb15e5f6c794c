//! A URDF robot as a validated kinematic tree.
//!
//! Everything a user supplies is checked here, once, so the rest of the code can rely on it:
//! one root, no cycles, every joint's links exist, supported joint types, finite numbers,
//! non-zero axes, ordered limits, physical inertias. Each failure is one [`ModelError`] whose
//! message fits on one line. Small defects that other URDF tools pass over (an empty
//! `<texture/>`, a mimic of a joint that cannot be mimicked, an inertia a little outside the
//! physical cone) are repaired instead, each kind listed in one line of [`Model::warnings`].

use super::guard::Refusal;
use super::lenient::{self, Cause, InertiaCheck, Repairs};
use crate::math::{Mat3, SpatialInertia, Transform, Vec3, so3};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The motion a joint allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JointKind {
    /// Rotation about `axis`, within limits.
    Revolute,
    /// Rotation about `axis`, unbounded.
    Continuous,
    /// Translation along `axis`, within limits.
    Prismatic,
    /// No motion.
    Fixed,
}

impl JointKind {
    pub fn is_movable(self) -> bool {
        self != JointKind::Fixed
    }
    pub fn name(self) -> &'static str {
        match self {
            JointKind::Revolute => "revolute",
            JointKind::Continuous => "continuous",
            JointKind::Prismatic => "prismatic",
            JointKind::Fixed => "fixed",
        }
    }
}

/// A joint whose value follows another's: `q = multiplier·q_master + offset`.
#[derive(Clone, Debug, PartialEq)]
pub struct Mimic {
    pub master: usize,
    pub multiplier: f64,
    pub offset: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Joint {
    pub name: String,
    pub kind: JointKind,
    pub parent: usize,
    pub child: usize,
    /// The child joint frame in the parent link frame at `q = 0` (URDF `<origin>`).
    pub origin: Transform,
    /// Unit axis in the joint frame.
    pub axis: Vec3,
    /// `(lower, upper)`; infinite for continuous joints and URDF 1.2 omitted limits.
    pub limits: (f64, f64),
    /// Effort limit (N·m or N); infinite when unspecified.
    pub effort: f64,
    /// Velocity limit (rad/s or m/s); infinite when unspecified.
    pub velocity: f64,
    /// Viscous damping and Coulomb friction from `<dynamics>`.
    pub damping: f64,
    pub friction: f64,
    pub mimic: Option<Mimic>,
    /// Index into the configuration vector `q`, for movable joints that are not mimics.
    pub q_index: Option<usize>,
}

impl Joint {
    /// The transform across the joint itself for joint value `value`.
    pub fn motion(&self, value: f64) -> Transform {
        match self.kind {
            JointKind::Revolute | JointKind::Continuous => {
                Transform::from_rotation(so3::about_axis(&self.axis, value))
            }
            JointKind::Prismatic => Transform::from_translation(self.axis * value),
            JointKind::Fixed => Transform::identity(),
        }
    }
}

/// A primitive or a mesh, as URDF describes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Box { size: Vec3 },
    Cylinder { radius: f64, length: f64 },
    Capsule { radius: f64, length: f64 },
    Sphere { radius: f64 },
    Mesh { filename: String, scale: Vec3 },
}

/// A `<visual>` or `<collision>` element.
#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    pub origin: Transform,
    pub shape: Shape,
    /// RGBA from the element's material or a named top-level material.
    pub color: Option<[f64; 4]>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub name: String,
    /// Mass properties in the link frame.
    pub inertia: SpatialInertia,
    pub visuals: Vec<Geometry>,
    pub collisions: Vec<Geometry>,
    /// The joint whose child this link is; `None` for the root.
    pub parent_joint: Option<usize>,
    /// Joints whose parent this link is.
    pub child_joints: Vec<usize>,
}

/// A validated kinematic tree. Links and joints are stored in topological order: the root is
/// link 0, and every joint comes after the joint of its parent link.
#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    pub links: Vec<Link>,
    pub joints: Vec<Joint>,
    /// The joint index of each entry of `q`.
    pub dof_joints: Vec<usize>,
    /// The directory of the URDF file, for resolving relative mesh paths.
    pub source_dir: Option<PathBuf>,
    /// What loading repaired or ignored: one line per kind of defect, for the user to see.
    pub warnings: Vec<String>,
}

/// Why a URDF was rejected. Every message is one line.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum ModelError {
    #[error("cannot read {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("{source_name} is not valid URDF: {reason}")]
    Parse { source_name: String, reason: String },
    #[error("the robot has no links")]
    NoLinks,
    #[error("link '{0}' is defined twice")]
    DuplicateLink(String),
    #[error("joint '{0}' is defined twice")]
    DuplicateJoint(String),
    #[error("joint '{joint}' names {role} link '{link}', which does not exist")]
    UnknownLink {
        joint: String,
        role: &'static str,
        link: String,
    },
    #[error(
        "link '{link}' is the child of two joints ('{first}' and '{second}'): URDF must be a tree"
    )]
    MultipleParents {
        link: String,
        first: String,
        second: String,
    },
    #[error("the robot has several root links ({}): URDF needs exactly one", .0.join(", "))]
    MultipleRoots(Vec<String>),
    #[error("the joints form a cycle through link '{0}'")]
    Cycle(String),
    #[error(
        "joint '{joint}' is of type {kind}, which armtutor does not support (revolute, continuous, prismatic and fixed only)"
    )]
    UnsupportedJoint { joint: String, kind: String },
    #[error("joint '{0}' has a zero axis")]
    ZeroAxis(String),
    #[error("joint '{joint}' has lower limit {lower} above upper limit {upper}")]
    BadLimits {
        joint: String,
        lower: f64,
        upper: f64,
    },
    #[error("{0} is not a finite number")]
    NonFinite(String),
    #[error("link '{link}' has an invalid inertial: {reason}")]
    BadInertial { link: String, reason: String },
    #[error("{source_name} was not read: {reason}")]
    Refused { source_name: String, reason: String },
    #[error("{what} is {value:e}, beyond the ±{limit:e} {unit} armtutor takes (a unit mistake?)")]
    OutOfRange {
        what: String,
        value: f64,
        limit: f64,
        unit: &'static str,
    },
    #[error("{0} overflows: the numbers in the file are too large to compute with")]
    Overflow(String),
}

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
    /// Reads and validates a URDF file.
    pub fn from_urdf_file(path: impl AsRef<Path>) -> Result<Model, ModelError> {
        Model::open_urdf_file(path)?.finish()
    }

    /// Reads a URDF file and checks it, for [`UrdfReader`](super::reader::UrdfReader) to parse
    /// and validate step by step; meshes are looked for beside it.
    pub fn open_urdf_file(path: impl AsRef<Path>) -> Result<super::reader::UrdfReader, ModelError> {
        let path = path.as_ref();
        let text = read_robot_file(path)?;
        let reader = super::reader::UrdfReader::new(text, &path.display().to_string())?;
        Ok(reader.beside(path.parent().map(Path::to_path_buf)))
    }

    /// Reads and validates URDF text.
    pub fn from_urdf_str(text: &str) -> Result<Model, ModelError> {
        Model::from_urdf_str_named(text, "the input")
    }

    /// Reads and validates URDF text, naming it `source_name` in a parse error (an uploaded
    /// file's name).
    pub fn from_urdf_str_named(text: &str, source_name: &str) -> Result<Model, ModelError> {
        super::reader::UrdfReader::new(text.to_string(), source_name)?.finish()
    }

    /// Validates a parsed URDF robot and builds the tree.
    pub fn from_urdf(robot: &urdf_rs::Robot) -> Result<Model, ModelError> {
        Model::build(robot, Repairs::default())
    }

    /// Validates a parsed robot, with the repairs made before parsing, and builds the tree.
    pub(super) fn build(robot: &urdf_rs::Robot, mut repairs: Repairs) -> Result<Model, ModelError> {
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
            0 => {
                // Every link has a parent: there is a cycle somewhere.
                return Err(ModelError::Cycle(robot.links[0].name.clone()));
            }
            1 => {}
            _ => {
                return Err(ModelError::MultipleRoots(
                    roots.iter().map(|&i| robot.links[i].name.clone()).collect(),
                ));
            }
        }
        // Depth-first order from the root; links never reached sit on a cycle.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); robot.links.len()];
        for (ji, j) in robot.joints.iter().enumerate() {
            children[link_index[j.parent.link.as_str()]].push(ji);
        }
        let mut order = Vec::with_capacity(robot.links.len());
        let mut joint_order = Vec::with_capacity(robot.joints.len());
        let mut stack = vec![roots[0]];
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

        let materials: HashMap<&str, [f64; 4]> = robot
            .materials
            .iter()
            .filter_map(|m| m.color.as_ref().map(|c| (m.name.as_str(), c.rgba.0)))
            .collect();

        let mut links = Vec::with_capacity(order.len());
        for &old in &order {
            let l = &robot.links[old];
            links.push(Link {
                name: l.name.clone(),
                inertia: inertial(l, &mut repairs)?,
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

        let mut joints = Vec::with_capacity(joint_order.len());
        for &old in &joint_order {
            let j = &robot.joints[old];
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
            let (mut lower, mut upper) = (j.limit.lower, j.limit.upper);
            let limitless = repairs.lacks_limit(&j.name)
                && matches!(kind, JointKind::Revolute | JointKind::Prismatic);
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
                    return Err(ModelError::NonFinite(what("limit")));
                }
                if lower > upper {
                    return Err(ModelError::BadLimits {
                        joint: j.name.clone(),
                        lower,
                        upper,
                    });
                }
            }
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
            let parent = new_link[link_index[j.parent.link.as_str()]];
            let child = new_link[link_index[j.child.link.as_str()]];
            joints.push(Joint {
                name: j.name.clone(),
                kind,
                parent,
                child,
                origin,
                axis,
                limits: (lower, upper),
                effort,
                velocity,
                damping,
                friction,
                mimic: None,
                q_index: None,
            });
        }
        // Mimics: the master must exist, be another movable joint, and not itself follow a
        // master. Where it does not, the mimic is dropped (the joint moves on its own), as
        // other URDF tools do.
        let mut broken = |j: &urdf_rs::Joint, problem: &str| {
            let master = j.mimic.as_ref().map_or("", |m| m.joint.as_str());
            repairs.add(
                Cause::BrokenMimic,
                format!("'{}' ({})", j.name, problem.replace("{master}", master)),
            );
        };
        for &old in &joint_order {
            let j = &robot.joints[old];
            let Some(m) = &j.mimic else { continue };
            let me = new_joint[old];
            let Some(&master_old) = joint_index.get(m.joint.as_str()) else {
                broken(j, "its master '{master}' does not exist");
                continue;
            };
            let master = new_joint[master_old];
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
        // A master that follows a master of its own (judged on the mimics kept above, so a
        // chain keeps its first link and a cycle loses both).
        let follows: Vec<bool> = joints.iter().map(|j| j.mimic.is_some()).collect();
        for &old in &joint_order {
            let me = new_joint[old];
            if joints[me].mimic.as_ref().is_some_and(|m| follows[m.master]) {
                joints[me].mimic = None;
                broken(
                    &robot.joints[old],
                    "its master '{master}' is itself a mimic",
                );
            }
        }
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
                .map(|w| super::names::elide_long_words(w))
                .collect(),
        };
        // Every number is within range, but long enough chains of them could still add up
        // past the largest float: the robot as the file draws it must be computable.
        model.check_finite_poses(&vec![0.0; model.dof()])?;
        Ok(model)
    }

    /// `Err` naming the first link whose pose at `q` is not finite (numbers that overflow),
    /// and the joint that carries it, so nothing downstream (an SVD, the physics, the
    /// renderer) ever sees one.
    pub fn check_finite_poses(&self, q: &[f64]) -> Result<(), ModelError> {
        let poses = self.link_poses(q);
        match self.first_nonfinite_pose(&poses) {
            None => Ok(()),
            Some(l) => Err(ModelError::Overflow(self.pose_name(l))),
        }
    }

    /// The first link (in tree order) whose pose in `poses` has a non-finite entry.
    pub fn first_nonfinite_pose(&self, poses: &[Transform]) -> Option<usize> {
        poses.iter().position(|t| {
            !(t.translation.iter().all(|x| x.is_finite())
                && t.rotation.iter().all(|x| x.is_finite()))
        })
    }

    /// "the pose of link 'b' (below joint 'j')", for messages.
    pub fn pose_name(&self, link: usize) -> String {
        match self.links[link].parent_joint {
            Some(j) => format!(
                "the pose of link '{}' (below joint '{}')",
                self.links[link].name, self.joints[j].name
            ),
            None => format!("the pose of link '{}'", self.links[link].name),
        }
    }

    /// Number of independent joint variables (movable, non-mimic joints).
    pub fn dof(&self) -> usize {
        self.dof_joints.len()
    }

    /// The names of the joints `q` holds, in its order.
    pub fn dof_joint_names(&self) -> Vec<&str> {
        self.dof_joints
            .iter()
            .map(|&j| self.joints[j].name.as_str())
            .collect()
    }

    pub fn link_index(&self, name: &str) -> Option<usize> {
        self.links.iter().position(|l| l.name == name)
    }

    pub fn joint_index(&self, name: &str) -> Option<usize> {
        self.joints.iter().position(|j| j.name == name)
    }

    /// The entry of `q` that drives joint `ji` and the multiplier it is driven with: `(i, 1)`
    /// for an independent joint, `(i_master, multiplier)` for a mimic, `None` for fixed joints.
    /// Generalized forces flow back the same way: a mimic's torque counts `multiplier` times
    /// towards its master's entry.
    pub fn driver(&self, ji: usize) -> Option<(usize, f64)> {
        let j = &self.joints[ji];
        if let Some(i) = j.q_index {
            return Some((i, 1.0));
        }
        let m = j.mimic.as_ref()?;
        self.joints[m.master].q_index.map(|i| (i, m.multiplier))
    }

    /// The value of joint `ji` for configuration `q` (mimics follow their masters).
    pub fn joint_value(&self, ji: usize, q: &[f64]) -> f64 {
        let j = &self.joints[ji];
        if let Some(i) = j.q_index {
            return q[i];
        }
        match &j.mimic {
            Some(m) => {
                let master = self.joints[m.master].q_index.map_or(0.0, |i| q[i]);
                m.multiplier * master + m.offset
            }
            None => 0.0,
        }
    }

    /// The pose of every link in the root frame (`T_root_link`), in link order. `q` must have
    /// [`Model::dof`] entries.
    pub fn link_poses(&self, q: &[f64]) -> Vec<Transform> {
        let mut out = vec![Transform::identity(); self.links.len()];
        self.link_poses_into(q, &mut out);
        out
    }

    /// [`Model::link_poses`] into a caller-owned buffer of `links.len()` transforms.
    pub fn link_poses_into(&self, q: &[f64], out: &mut [Transform]) {
        out[0] = Transform::identity();
        for (ji, j) in self.joints.iter().enumerate() {
            let parent = out[j.parent];
            out[j.child] = parent * j.origin * j.motion(self.joint_value(ji, q));
        }
    }

    /// Links with no children.
    pub fn leaves(&self) -> Vec<usize> {
        (0..self.links.len())
            .filter(|&l| self.links[l].child_joints.is_empty())
            .collect()
    }

    /// The default tool link: the end of the trunk, i.e. the last link reached from the root
    /// before the tree branches (for an arm with a two-finger hand, the hand). When the root
    /// itself branches, the leaf with the most movable joints above it.
    pub fn default_tip(&self) -> usize {
        let mut l = 0;
        while self.links[l].child_joints.len() == 1 {
            l = self.joints[self.links[l].child_joints[0]].child;
        }
        if l != 0 {
            return l;
        }
        // Movable joints above each link, in one pass down the tree (joints come parents
        // first), rather than a walk up from every leaf.
        let mut above = vec![0usize; self.links.len()];
        for j in &self.joints {
            above[j.child] = above[j.parent] + usize::from(j.kind.is_movable());
        }
        self.leaves()
            .into_iter()
            .max_by_key(|&leaf| above[leaf])
            .unwrap_or(0)
    }

    /// The joints from the root down to `link`, root first.
    pub fn path_to(&self, link: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut l = link;
        while let Some(j) = self.links[l].parent_joint {
            path.push(j);
            l = self.joints[j].parent;
        }
        path.reverse();
        path
    }

    /// Total mass of all links (kg).
    pub fn total_mass(&self) -> f64 {
        self.links.iter().map(|l| l.inertia.mass).sum()
    }

    /// Checks a configuration: the right length and every entry finite.
    pub fn check_q(&self, q: &[f64]) -> Result<(), String> {
        if q.len() != self.dof() {
            return Err(format!(
                "expected {} joint values, got {}",
                self.dof(),
                q.len()
            ));
        }
        if let Some(i) = q.iter().position(|x| !x.is_finite()) {
            return Err(format!("joint value {} is not a finite number", i + 1));
        }
        Ok(())
    }
}

pub(super) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

/// The error for a file the guard refused before parsing.
pub(super) fn refused(source_name: &str, r: Refusal) -> ModelError {
    let (source_name, reason) = (source_name.to_string(), r.to_string());
    match r {
        // Text that is not XML at all is a parse error, as the parser would say.
        Refusal::NoElement | Refusal::Unterminated { .. } => ModelError::Parse {
            source_name,
            reason,
        },
        _ => ModelError::Refused {
            source_name,
            reason,
        },
    }
}

/// Reads a robot file, refusing what is not a regular file (a directory, a device, a pipe
/// that would block forever) and what is beyond [`super::guard::MAX_BYTES`], before reading.
fn read_robot_file(path: &Path) -> Result<String, ModelError> {
    use std::io::Read;
    let io = |reason: String| ModelError::Io {
        path: path.display().to_string(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| io(e.to_string()))?;
    if meta.is_dir() {
        return Err(io("it is a folder, not a file".into()));
    }
    if !meta.is_file() {
        return Err(io(
            "it is not a regular file (a device, a pipe or a socket)".into(),
        ));
    }
    let limit = super::guard::MAX_BYTES;
    let too_large =
        |bytes: usize| refused(&path.display().to_string(), Refusal::TooLarge { bytes });
    if meta.len() > limit as u64 {
        return Err(too_large(usize::try_from(meta.len()).unwrap_or(usize::MAX)));
    }
    let file = std::fs::File::open(path).map_err(|e| io(e.to_string()))?;
    // Read at most one byte past the limit, in case the file grew since it was measured.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io(e.to_string()))?;
    if bytes.len() > limit {
        return Err(too_large(bytes.len()));
    }
    String::from_utf8(bytes).map_err(|e| {
        io(format!(
            "it is not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
    })
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

#[cfg(test)]
mod tests {
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
            include_str!("../../urdf/panda.urdf"),
            include_str!("../../urdf/kuka_iiwa14.urdf"),
            include_str!("../../urdf/kinova_gen3.urdf"),
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
            include_str!("../../urdf/panda.urdf"),
            include_str!("../../urdf/kuka_iiwa14.urdf"),
            include_str!("../../urdf/kinova_gen3.urdf"),
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
}
