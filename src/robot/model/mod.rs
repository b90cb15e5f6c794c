//! A URDF robot as a validated kinematic tree.
//!
//! Everything a user supplies is checked here, once, so the rest of the code can rely on it:
//! one root, no cycles, every joint's links exist, supported joint types, finite numbers,
//! non-zero axes, ordered limits, physical inertias. Each failure is one [`ModelError`] whose
//! message fits on one line. Small defects that other URDF tools pass over (an empty
//! `<texture/>`, a mimic of a joint that cannot be mimicked, an inertia a little outside the
//! physical cone) are repaired instead, each kind listed in one line of [`Model::warnings`].

mod error;
mod urdf;

pub use error::ModelError;
pub(crate) use error::{one_line, refused};
pub use urdf::{MAX_INERTIA, MAX_LENGTH, MAX_LIMIT, MAX_MASS};

use crate::math::{SpatialInertia, Transform, Vec3, so3};
use std::path::PathBuf;

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

impl Model {
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

#[cfg(test)]
mod tests;
