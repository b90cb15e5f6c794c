//! The arm as a rapier multibody (reduced coordinates) built from our [`Model`].
//!
//! * Links joined by fixed joints become one rigid body (their inertias combined), so the
//!   multibody has one link per movable joint and no massless bodies.
//! * Each movable joint becomes a multibody joint whose two local frames coincide at `q = 0`,
//!   with the joint's free axis (rapier's X) turned onto the URDF axis, so rapier's joint
//!   coordinate is exactly the URDF joint value.
//! * Mass properties go in as principal moments plus the principal frame, from the URDF inertia
//!   about the centre of mass (origin rpy included).
//! * URDF joint limits become the multibody joints' limits; `<dynamics damping friction>`
//!   become the multibody's per-DoF viscous damping and Coulomb friction.
//! * Joint torques are applied as equal and opposite torques (forces for prismatic joints) on
//!   the two bodies a joint connects, which is what a motor between them does.

use crate::math::{Mat3, SpatialInertia, Transform, Vec3, symeig};
use crate::robot::{JointKind, Model, Shape};
use rapier3d_f64::prelude::*;

#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum SimError {
    #[error("expected {expected} joint values, got {got}")]
    WrongJointCount { expected: usize, got: usize },
    #[error("joint value {0} is not a finite number")]
    NonFinite(usize),
    #[error(
        "the robot has {links} links and {dof} movable joints; the physics runs robots of up to {MAX_PHYSICS_LINKS} links and {MAX_PHYSICS_DOF} joints"
    )]
    TooLarge { links: usize, dof: usize },
    #[error("rapier refused the joint '{0}'")]
    BadJoint(String),
    /// The task cannot run on this arm (too few joints, a mimic on the chain): the reason.
    #[error("{0}")]
    Unsupported(String),
    #[error("the torque command for joint {joint} is not finite; the world was reset")]
    NonFiniteCommand { joint: usize },
    #[error("the physics state became non-finite at t = {t:.4} s; the world was reset")]
    NonFiniteState { t: f64 },
    #[error(
        "joint '{joint}' ran away at {speed:.1} (limit {limit:.1}) at t = {t:.4} s; the world was reset"
    )]
    Runaway {
        joint: String,
        speed: f64,
        limit: f64,
        t: f64,
    },
    #[error(
        "the arm gained energy nothing supplied: {kinetic:.2} J of motion from {available:.2} J released by gravity or done by the joint torques, at t = {t:.4} s; the world was reset"
    )]
    EnergyGain {
        kinetic: f64,
        available: f64,
        t: f64,
    },
}

/// The most links the physics builds: rapier's multibody factorizes a mass matrix as large as
/// the robot's joints every substep (cubic in the joints), and every link is a collider.
pub const MAX_PHYSICS_LINKS: usize = 256;
/// The most movable joints the physics builds (see [`MAX_PHYSICS_LINKS`]).
pub const MAX_PHYSICS_DOF: usize = 64;

/// `Err` for a robot larger than the physics builds ([`MAX_PHYSICS_LINKS`], [`MAX_PHYSICS_DOF`]).
pub fn fits_the_physics(model: &Model) -> Result<(), SimError> {
    if model.links.len() > MAX_PHYSICS_LINKS || model.dof() > MAX_PHYSICS_DOF {
        return Err(SimError::TooLarge {
            links: model.links.len(),
            dof: model.dof(),
        });
    }
    Ok(())
}

/// A backstop far above any real motion: a joint moving faster than this many times its URDF
/// velocity limit has run away whatever the energy says (a passive fall can reach 15× a
/// limit; the energy check below is the real test).
pub const RUNAWAY_FACTOR: f64 = 100.0;
/// How close (rad for revolute joints, m for prismatic ones) a joint must come to a limit,
/// beyond twice its travel in the coming step at its present rate, for the limit to be
/// switched on for that step: room for an acceleration of thousands of rad/s² within a step.
pub const LIMIT_MARGIN: (f64, f64) = (0.05, 0.005);
/// The speed limit used for joints whose URDF gives none (rad/s or m/s).
pub const RUNAWAY_DEFAULT: f64 = 100.0;

/// The arm's kinetic energy may exceed what gravity released plus what the joint torques did
/// by this share of it plus [`ENERGY_SLACK_J`] (integration error, contacts) before it counts
/// as a blow-up.
pub const ENERGY_SLACK_SHARE: f64 = 0.5;
/// See [`ENERGY_SLACK_SHARE`] (J).
pub const ENERGY_SLACK_J: f64 = 1.0;

/// What was put into the world, so a reset can rebuild it exactly.
#[derive(Clone, Debug, PartialEq)]
enum Item {
    Table { top_center: Vec3, size: Vec3 },
    Cube { center: Vec3, side: f64, mass: f64 },
    Obstacle { center: Vec3, size: Vec3 },
}

/// Collision groups: the arm's links touch the environment but not each other.
const ARM: Group = Group::GROUP_1;
const ENVIRONMENT: Group = Group::GROUP_2;
const ARM_GROUPS: InteractionGroups =
    InteractionGroups::new(ARM, ENVIRONMENT, InteractionTestMode::And);
const ENVIRONMENT_GROUPS: InteractionGroups =
    InteractionGroups::new(ENVIRONMENT, Group::ALL, InteractionTestMode::And);

/// Reflected inertia of a prismatic (gripper) drive, in kg, added to the finger DoFs. URDF has
/// no field for it; without it the 15 g fingers make rapier's mass-scaled contact springs so
/// soft that a 20 N grip sinks a centimetre into the object.
pub const GRIPPER_ARMATURE: f64 = 0.5;

/// Friction of the arm's and the objects' surfaces (rubber finger pads on painted wood).
pub const FRICTION: f64 = 1.0;

/// A collider for a URDF shape; `None` for meshes (no mesh loader in the physics yet).
fn collider(shape: &Shape) -> Option<ColliderBuilder> {
    Some(match shape {
        Shape::Box { size } => ColliderBuilder::cuboid(size.x / 2.0, size.y / 2.0, size.z / 2.0),
        Shape::Sphere { radius } => ColliderBuilder::ball(*radius),
        Shape::Cylinder { radius, length } => ColliderBuilder::cylinder(length / 2.0, *radius),
        Shape::Capsule { radius, length } => ColliderBuilder::capsule_z(length / 2.0, *radius),
        Shape::Mesh { .. } => return None,
    })
}

/// rapier's cylinders run along their local Y axis, URDF's along Z.
fn shape_frame(shape: &Shape) -> Transform {
    match shape {
        Shape::Cylinder { .. } => {
            Transform::from_rotation(crate::math::so3::rot_x(std::f64::consts::FRAC_PI_2))
        }
        _ => Transform::identity(),
    }
}

/// A movable joint in the multibody.
#[derive(Clone)]
struct SimJoint {
    model_joint: usize,
    handle: MultibodyJointHandle,
    parent_body: usize,
    child_body: usize,
    prismatic: bool,
    /// The joint has URDF limits (kept on the multibody joint, switched on only near them).
    limited: bool,
    /// The joint axis in the child body's frame.
    axis_in_child: Vec3,
}

/// A point where the arm touches an object.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Contact {
    /// On the arm's surface (world, m).
    pub point: Vec3,
    /// Unit normal from the arm into the object.
    pub normal: Vec3,
    /// How far the two surfaces overlap (m).
    pub depth: f64,
}

/// The arm in a rapier world, with a fixed base at the world origin.
pub struct ArmWorld {
    pub world: PhysicsWorld,
    pub model: Model,
    /// One rigid body per group of links joined by fixed joints.
    bodies: Vec<RigidBodyHandle>,
    /// For every link: its body and its pose in that body's frame.
    link_body: Vec<(usize, Transform)>,
    joints: Vec<SimJoint>,
    q0: Vec<f64>,
    items: Vec<Item>,
    steps: u64,
    resets: u32,
    /// The torques applied for the coming step, for the work they do.
    applied: Vec<f64>,
    /// The arm's energy at the start plus all work done on it by the joint torques (J); unset
    /// until the first step after a build or `set_q` (rapier fills in the bodies' masses there).
    energy_budget: Option<f64>,
    /// Every limit in every step (the check of [`ArmWorld::switch_limits`]): off by default.
    pub(crate) all_limits: bool,
}

/// A copy of the world at this instant that steps on exactly as the original does: every body,
/// collider, joint, contact and island is copied (with the solver's warm-start impulses);
/// only rapier's per-step scratch space (pipelines, CCD workspace) starts empty, as it does
/// before every step anyway. The timeline keeps such copies to restart a run from a moment.
impl Clone for ArmWorld {
    fn clone(&self) -> ArmWorld {
        let w = &self.world;
        let world = PhysicsWorld {
            gravity: w.gravity,
            integration_parameters: w.integration_parameters,
            physics_pipeline: PhysicsPipeline::new(),
            collision_pipeline: CollisionPipeline::new(),
            islands: w.islands.clone(),
            broad_phase: w.broad_phase.clone(),
            narrow_phase: w.narrow_phase.clone(),
            bodies: w.bodies.clone(),
            colliders: w.colliders.clone(),
            impulse_joints: w.impulse_joints.clone(),
            multibody_joints: w.multibody_joints.clone(),
            soft_bodies: w.soft_bodies.clone(),
            ccd_solver: CCDSolver::new(),
        };
        ArmWorld {
            world,
            model: self.model.clone(),
            bodies: self.bodies.clone(),
            link_body: self.link_body.clone(),
            joints: self.joints.clone(),
            q0: self.q0.clone(),
            items: self.items.clone(),
            steps: self.steps,
            resets: self.resets,
            applied: self.applied.clone(),
            energy_budget: self.energy_budget,
            all_limits: self.all_limits,
        }
    }
}

/// A joint's value in the multibody (rad, or m for a prismatic joint); 0 if rapier lost it.
fn joint_value(set: &MultibodyJointSet, sj: &SimJoint) -> f64 {
    let Some((mb, link)) = set.get(sj.handle) else {
        return 0.0;
    };
    let Some(l) = mb.link(link) else { return 0.0 };
    let c = l.joint().coords();
    if sj.prismatic { c[0] } else { c[3] }
}

/// A joint's rate in the multibody; 0 if rapier lost it.
fn joint_rate(set: &MultibodyJointSet, sj: &SimJoint) -> f64 {
    let Some((mb, link)) = set.get(sj.handle) else {
        return 0.0;
    };
    let Some(l) = mb.link(link) else { return 0.0 };
    mb.joint_velocity(l).get(0).copied().unwrap_or(0.0)
}

fn vector(v: &Vec3) -> Vector {
    Vector::new(v.x, v.y, v.z)
}

fn rotation(r: &Mat3) -> Rotation {
    let [x, y, z, w] = crate::math::Quat::from_matrix(r).to_xyzw();
    Rotation::from_xyzw(x, y, z, w)
}

fn pose(t: &Transform) -> Pose {
    Pose::from_parts(vector(&t.translation), rotation(&t.rotation))
}

fn from_pose(p: &Pose) -> Transform {
    let q = crate::math::Quat::from_xyzw([p.rotation.x, p.rotation.y, p.rotation.z, p.rotation.w]);
    Transform::new(
        q.to_matrix(),
        Vec3::new(p.translation.x, p.translation.y, p.translation.z),
    )
}

/// A rotation whose X axis is the unit vector `a`.
fn x_onto(a: &Vec3) -> Mat3 {
    let x = Vec3::x();
    let c = x.dot(a);
    let axis = x.cross(a);
    let s = axis.norm();
    if s < 1e-12 {
        return if c > 0.0 {
            Mat3::identity()
        } else {
            crate::math::so3::rot_z(std::f64::consts::PI)
        };
    }
    crate::math::so3::about_axis(&(axis / s), s.atan2(c))
}

/// Mass properties of a body from a spatial inertia in the body frame.
fn mass_properties(i: &SpatialInertia) -> MassProperties {
    let a: [[f64; 3]; 3] = std::array::from_fn(|r| std::array::from_fn(|c| i.inertia_com[(r, c)]));
    let (moments, v) = symeig::symmetric_eigen(&a);
    let mut frame = Mat3::from_fn(|r, c| v[r][c]);
    if frame.determinant() < 0.0 {
        frame.set_column(2, &(-frame.column(2)));
    }
    // A body needs some mass and inertia to be simulated: massless links get 1 g and 1e-6 kg·m².
    let mass = i.mass.max(1e-3);
    let floor = 1e-6;
    MassProperties::with_principal_inertia_frame(
        vector(&i.com),
        mass,
        Vector::new(
            moments[0].max(floor),
            moments[1].max(floor),
            moments[2].max(floor),
        ),
        rotation(&frame),
    )
}

/// The rate the solver's substeps run at, at least (Hz). Each substep recomputes the arm's
/// mass matrix and its factorization, about half of a step's time, so substeps cost in
/// proportion; the grasp needs about this rate (measured on the pick-and-place, 50 seeds per
/// action space: 720 Hz keeps 49/50 and 50/50, 480 Hz drops to 46/50 in task space).
pub const SUBSTEP_RATE: f64 = 720.0;

/// Substeps per step of `dt` seconds: enough for [`SUBSTEP_RATE`], between 1 and rapier's
/// default of 4 (so no rate is slower than with the default).
pub fn solver_substeps(dt: f64) -> usize {
    let n = (SUBSTEP_RATE * dt - 1e-9).ceil();
    if n.is_finite() {
        (n as usize).clamp(1, 4)
    } else {
        4
    }
}

impl ArmWorld {
    /// Builds the world with the arm at configuration `q0` (one value per [`Model::dof`]).
    pub fn new(model: Model, q0: &[f64], dt: f64) -> Result<ArmWorld, SimError> {
        fits_the_physics(&model)?;
        if q0.len() != model.dof() {
            return Err(SimError::WrongJointCount {
                expected: model.dof(),
                got: q0.len(),
            });
        }
        if let Some(i) = q0.iter().position(|x| !x.is_finite()) {
            return Err(SimError::NonFinite(i + 1));
        }
        let mut world = PhysicsWorld::new();
        world.gravity = vector(&crate::robot::dynamics::GRAVITY);
        world.integration_parameters.dt = dt;
        world.integration_parameters.num_solver_iterations = solver_substeps(dt);
        // Contacts between moving bodies as stiff as rapier's default against fixed ones
        // (60 Hz instead of 30 Hz), so a gripped object is not squeezed into the fingers.
        world
            .integration_parameters
            .contact_softness
            .natural_frequency = world
            .integration_parameters
            .static_contact_softness
            .natural_frequency;

        // Group links into bodies: a link starts a body unless its parent joint is fixed.
        let mut link_body: Vec<(usize, Transform)> =
            vec![(0, Transform::identity()); model.links.len()];
        // Each body's inertia (in its root link's frame) and root link.
        let mut inertias: Vec<SpatialInertia> = vec![model.links[0].inertia];
        let mut root_links = vec![0];
        for j in &model.joints {
            if j.kind == JointKind::Fixed {
                let (b, t_parent) = link_body[j.parent];
                let t = t_parent * j.origin;
                link_body[j.child] = (b, t);
                inertias[b] = inertias[b].combine(&model.links[j.child].inertia.transformed(&t));
            } else {
                link_body[j.child] = (inertias.len(), Transform::identity());
                inertias.push(model.links[j.child].inertia);
                root_links.push(j.child);
            }
        }
        let poses0 = model.link_poses(&vec![0.0; model.dof()]);
        let mut bodies = Vec::with_capacity(inertias.len());
        for (b, (inertia, &root_link)) in inertias.iter().zip(&root_links).enumerate() {
            let builder = if b == 0 {
                RigidBodyBuilder::fixed()
            } else {
                RigidBodyBuilder::dynamic()
            };
            let rb = builder
                .pose(pose(&poses0[root_link]))
                .additional_mass_properties(mass_properties(inertia))
                .can_sleep(false)
                .build();
            bodies.push(world.insert_body(rb));
        }
        // Collision geometry, massless (the inertials already carry the mass).
        for (l, link) in model.links.iter().enumerate() {
            let (b, t_body_link) = link_body[l];
            for g in &link.collisions {
                let Some(builder) = collider(&g.shape) else {
                    continue;
                };
                let local = t_body_link * g.origin * shape_frame(&g.shape);
                let c = builder
                    .position(pose(&local))
                    .density(0.0)
                    .friction(FRICTION)
                    .collision_groups(ARM_GROUPS);
                world.insert_collider(c, Some(bodies[b]));
            }
        }
        let mut joints = Vec::new();
        for (ji, j) in model.joints.iter().enumerate() {
            if j.kind == JointKind::Fixed {
                continue;
            }
            let (pb, t_parent) = link_body[j.parent];
            let (cb, _) = link_body[j.child];
            let basis = Transform::from_rotation(x_onto(&j.axis));
            let frame1 = t_parent * j.origin * basis;
            let prismatic = j.kind == JointKind::Prismatic;
            let locked = if prismatic {
                JointAxesMask::LOCKED_PRISMATIC_AXES
            } else {
                JointAxesMask::LOCKED_REVOLUTE_AXES
            };
            let mut builder = GenericJointBuilder::new(locked)
                .local_frame1(pose(&frame1))
                .local_frame2(pose(&basis))
                .contacts_enabled(false);
            let (lo, hi) = j.limits;
            let limited = lo.is_finite() && hi.is_finite();
            if limited {
                let free = if prismatic {
                    JointAxis::LinX
                } else {
                    JointAxis::AngX
                };
                builder = builder.limits(free, [lo, hi]);
            }
            let joint = builder.build();
            let handle = world
                .multibody_joints
                .insert(bodies[pb], bodies[cb], joint, true)
                .ok_or_else(|| SimError::BadJoint(j.name.clone()))?;
            joints.push(SimJoint {
                model_joint: ji,
                handle,
                parent_body: pb,
                child_body: cb,
                prismatic,
                limited,
                axis_in_child: j.axis,
            });
        }
        let mut arm = ArmWorld {
            world,
            model,
            bodies,
            link_body,
            joints,
            q0: q0.to_vec(),
            items: Vec::new(),
            steps: 0,
            resets: 0,
            applied: Vec::new(),
            energy_budget: None,
            all_limits: false,
        };
        arm.couple_mimics();
        arm.set_damping();
        arm.set_q(q0);
        Ok(arm)
    }

    /// URDF mimic joints become rapier DoF couplings `q₂ = multiplier·q₁ + offset`.
    fn couple_mimics(&mut self) {
        for sj in &self.joints {
            let Some(m) = self.model.joints[sj.model_joint].mimic.clone() else {
                continue;
            };
            let Some(master) = self.joints.iter().find(|o| o.model_joint == m.master) else {
                continue;
            };
            let (Some(l1), Some((mb, l2))) = (
                self.world
                    .multibody_joints
                    .get(master.handle)
                    .map(|(_, l)| l),
                self.world.multibody_joints.get_mut(sj.handle),
            ) else {
                continue;
            };
            mb.add_dof_coupling(MultibodyDofCoupling {
                link1: l1,
                dof1: 0,
                axis1: if master.prismatic { 0 } else { 3 },
                link2: l2,
                dof2: 0,
                axis2: if sj.prismatic { 0 } else { 3 },
                coeff: m.multiplier,
                offset: m.offset,
            });
        }
    }

    /// URDF damping and friction on every DoF; the gripper drive's armature on prismatic ones.
    fn set_damping(&mut self) {
        for sj in &self.joints {
            let d = self.model.joints[sj.model_joint].damping;
            if let Some((mb, link)) = self.world.multibody_joints.get_mut(sj.handle) {
                let dof = mb.link(link).map(|l| l.assembly_id());
                if let Some(i) = dof {
                    mb.damping_mut()[i] = d;
                    mb.frictions_mut()[i] = self.model.joints[sj.model_joint].friction;
                    if sj.prismatic {
                        mb.armature_mut()[i] = GRIPPER_ARMATURE;
                    }
                }
            }
        }
    }

    /// Teleports the arm to `q` with zero velocity.
    pub fn set_q(&mut self, q: &[f64]) {
        for sj in &self.joints {
            let target = self.model.joint_value(sj.model_joint, q);
            let now = self.joint_value(sj);
            if let Some((mb, link)) = self.world.multibody_joints.get_mut(sj.handle)
                && let Some(l) = mb.link_mut(link)
            {
                l.joint.apply_displacement(&[target - now]);
            }
        }
        // The whole arm is one multibody rooted at the base body: update it once.
        let arm = self
            .world
            .multibody_joints
            .rigid_body_link(self.bodies[0])
            .map(|l| l.multibody);
        if let Some(mb) = arm.and_then(|i| self.world.multibody_joints.get_multibody_mut(i)) {
            mb.generalized_velocity_mut().fill(0.0);
            mb.forward_kinematics(&self.world.bodies, true);
            mb.update_rigid_bodies(&mut self.world.bodies, true);
        }
        // Placed by hand, at rest: the energy account starts again at the next step.
        self.energy_budget = None;
    }

    /// The arm's kinetic and gravitational potential energy (J), potential measured from the
    /// root frame's origin.
    pub fn arm_energy(&self) -> (f64, f64) {
        let g = vector(&crate::robot::dynamics::GRAVITY);
        self.bodies
            .iter()
            .filter_map(|&b| self.world.bodies.get(b))
            .fold((0.0, 0.0), |(k, v), rb| {
                (
                    k + rb.kinetic_energy(),
                    v + rb.gravitational_potential_energy(0.0, g),
                )
            })
    }

    fn joint_value(&self, sj: &SimJoint) -> f64 {
        joint_value(&self.world.multibody_joints, sj)
    }

    fn joint_rate(&self, sj: &SimJoint) -> f64 {
        joint_rate(&self.world.multibody_joints, sj)
    }

    /// Solver substeps per step from the next step on, 1 to 4 (a world starts with
    /// [`solver_substeps`] of its step).
    pub fn set_substeps(&mut self, n: usize) {
        self.world.integration_parameters.num_solver_iterations = n.clamp(1, 4);
    }

    /// Solver substeps per step.
    pub fn substeps(&self) -> usize {
        self.world.integration_parameters.num_solver_iterations
    }

    /// Joint values in [`Model`] order (mimic joints are not part of `q`).
    pub fn q(&self) -> Vec<f64> {
        let mut q = vec![0.0; self.model.dof()];
        for sj in &self.joints {
            if let Some(i) = self.model.joints[sj.model_joint].q_index {
                q[i] = self.joint_value(sj);
            }
        }
        q
    }

    /// Joint rates in [`Model`] order.
    pub fn qd(&self) -> Vec<f64> {
        let mut qd = vec![0.0; self.model.dof()];
        for sj in &self.joints {
            if let Some(i) = self.model.joints[sj.model_joint].q_index {
                qd[i] = self.joint_rate(sj);
            }
        }
        qd
    }

    /// Applies generalized forces for the next step (one per [`Model::dof`]; a mimic joint gets
    /// its master's force times its multiplier). Forces are cleared after every step. A wrong
    /// length is an error; a non-finite command resets the world and is reported.
    pub fn apply_joint_torques(&mut self, tau: &[f64]) -> Result<(), SimError> {
        if tau.len() != self.model.dof() {
            return Err(SimError::WrongJointCount {
                expected: self.model.dof(),
                got: tau.len(),
            });
        }
        if let Some(i) = tau.iter().position(|x| !x.is_finite()) {
            self.reset();
            return Err(SimError::NonFiniteCommand { joint: i + 1 });
        }
        self.applied = tau.to_vec();
        for sj in &self.joints {
            let t = self
                .model
                .driver(sj.model_joint)
                .map_or(0.0, |(i, k)| k * tau[i]);
            let child = self.bodies[sj.child_body];
            let parent = self.bodies[sj.parent_body];
            let Some(rb) = self.world.bodies.get(child) else {
                continue;
            };
            let child_pose = from_pose(rb.position());
            let axis = child_pose.transform_vector(&sj.axis_in_child);
            // The child body's frame sits on the joint (see `new`).
            let point = child_pose.translation;
            if sj.prismatic {
                if let Some(rb) = self.world.bodies.get_mut(child) {
                    rb.add_force_at_point(vector(&(axis * t)), vector(&point), true);
                }
                if let Some(rb) = self.world.bodies.get_mut(parent) {
                    rb.add_force_at_point(vector(&(axis * -t)), vector(&point), true);
                }
            } else {
                if let Some(rb) = self.world.bodies.get_mut(child) {
                    rb.add_torque(vector(&(axis * t)), true);
                }
                if let Some(rb) = self.world.bodies.get_mut(parent) {
                    rb.add_torque(vector(&(axis * -t)), true);
                }
            }
        }
        Ok(())
    }

    /// Advances one fixed step and clears the applied forces. A non-finite state or a runaway
    /// joint resets the world to how it was built (arm at `q0`, objects where they were added)
    /// and is reported as the error; the world is usable again right away.
    pub fn step(&mut self) -> Result<(), SimError> {
        let q_before = self.q();
        self.switch_limits();
        self.world.step();
        self.steps += 1;
        for &b in &self.bodies {
            if let Some(rb) = self.world.bodies.get_mut(b) {
                rb.reset_forces(false);
                rb.reset_torques(false);
            }
        }
        let t = self.time();
        let (q, qd) = (self.q(), self.qd());
        let objects_finite = self.world.bodies.iter().all(|(_, rb)| {
            let p = rb.position();
            p.translation.is_finite() && p.rotation.is_finite() && rb.linvel().is_finite()
        });
        let quarantined = !self.world.quarantine().is_empty();
        if quarantined || !objects_finite || q.iter().chain(&qd).any(|x| !x.is_finite()) {
            self.reset();
            return Err(SimError::NonFiniteState { t });
        }
        for (i, &ji) in self.model.dof_joints.iter().enumerate() {
            let j = &self.model.joints[ji];
            let limit = if j.velocity.is_finite() {
                RUNAWAY_FACTOR * j.velocity
            } else {
                RUNAWAY_DEFAULT
            };
            if qd[i].abs() > limit {
                let joint = j.name.clone();
                self.reset();
                return Err(SimError::Runaway {
                    joint,
                    speed: qd[i].abs(),
                    limit,
                    t,
                });
            }
        }
        // Work of the generalized forces over the step: τ · Δq.
        let work: f64 = self
            .applied
            .iter()
            .zip(q.iter().zip(&q_before))
            .map(|(tau, (a, b))| tau * (a - b))
            .sum();
        self.applied.clear();
        let (kinetic, potential) = self.arm_energy();
        let budget = self.energy_budget.unwrap_or(kinetic + potential - work) + work;
        self.energy_budget = Some(budget);
        let available = (budget - potential).max(0.0);
        if kinetic > (1.0 + ENERGY_SLACK_SHARE) * available + ENERGY_SLACK_J {
            self.reset();
            return Err(SimError::EnergyGain {
                kinetic,
                available,
                t,
            });
        }
        Ok(())
    }

    /// Switches each joint's limit on only where the joint could reach it within this step.
    ///
    /// rapier builds a constraint for every limited DoF in every substep (a solve with the
    /// arm's factorized mass matrix each) and lets it push only while the joint is past its
    /// limit; away from the limit the constraint's impulse is held at exactly zero. Leaving
    /// those out therefore changes nothing (the traces are identical bit for bit, tested)
    /// while the joint stays clear of the limit for the whole step, which
    /// [`LIMIT_MARGIN`] plus twice the joint's travel at its present rate ensures.
    fn switch_limits(&mut self) {
        let dt = self.world.integration_parameters.dt;
        let all = self.all_limits;
        let set = &mut self.world.multibody_joints;
        for sj in self.joints.iter().filter(|sj| sj.limited) {
            let (q, rate) = (joint_value(set, sj), joint_rate(set, sj));
            let (lo, hi) = self.model.joints[sj.model_joint].limits;
            let (mask, margin) = if sj.prismatic {
                (JointAxesMask::LIN_X, LIMIT_MARGIN.1)
            } else {
                (JointAxesMask::ANG_X, LIMIT_MARGIN.0)
            };
            let reach = margin + 2.0 * rate.abs() * dt;
            // A NaN anywhere keeps the limit on: the guard deals with it after the step.
            let clear = q - reach > lo && q + reach < hi;
            if let Some(l) = set
                .get_mut(sj.handle)
                .and_then(|(mb, link)| mb.link_mut(link))
            {
                l.joint.data.limit_axes.set(mask, all || !clear);
            }
        }
    }

    /// Simulated time since the world was built or last reset (s).
    pub fn time(&self) -> f64 {
        self.steps as f64 * self.world.integration_parameters.dt
    }

    /// How many times the guard has reset the world.
    pub fn resets(&self) -> u32 {
        self.resets
    }

    /// Rebuilds the world exactly as it was built: same arm start, same objects, same handles.
    pub fn reset(&mut self) {
        let dt = self.world.integration_parameters.dt;
        // The model and q0 were accepted once, so rebuilding cannot fail on them.
        let Ok(mut fresh) = ArmWorld::new(self.model.clone(), &self.q0, dt) else {
            return;
        };
        for item in &self.items {
            match *item {
                Item::Table { top_center, size } => fresh.add_table(top_center, size),
                Item::Cube { center, side, mass } => {
                    fresh.add_cube(center, side, mass);
                }
                Item::Obstacle { center, size } => {
                    fresh.add_obstacle(center, size);
                }
            }
        }
        fresh.resets = self.resets + 1;
        *self = fresh;
    }

    /// A fixed box (a table) with its top face centred at `top_center`.
    pub fn add_table(&mut self, top_center: Vec3, size: Vec3) {
        self.items.push(Item::Table { top_center, size });
        let center = top_center - Vec3::new(0.0, 0.0, size.z / 2.0);
        let c = ColliderBuilder::cuboid(size.x / 2.0, size.y / 2.0, size.z / 2.0)
            .translation(vector(&center))
            .friction(FRICTION)
            .collision_groups(ENVIRONMENT_GROUPS);
        self.world.insert_collider(c, None);
    }

    /// A dynamic cube of edge `side` and `mass`, centred at `center`, axis-aligned.
    pub fn add_cube(&mut self, center: Vec3, side: f64, mass: f64) -> RigidBodyHandle {
        self.items.push(Item::Cube { center, side, mass });
        let body = self.world.insert_body(
            RigidBodyBuilder::dynamic()
                .translation(vector(&center))
                .can_sleep(false)
                .ccd_enabled(true),
        );
        let h = side / 2.0;
        let c = ColliderBuilder::cuboid(h, h, h)
            .mass(mass)
            .friction(FRICTION)
            .collision_groups(ENVIRONMENT_GROUPS);
        self.world.insert_collider(c, Some(body));
        body
    }

    /// A fixed box obstacle centred at `center` (full edge lengths `size`).
    pub fn add_obstacle(&mut self, center: Vec3, size: Vec3) -> ColliderHandle {
        self.items.push(Item::Obstacle { center, size });
        let c = ColliderBuilder::cuboid(size.x / 2.0, size.y / 2.0, size.z / 2.0)
            .translation(vector(&center))
            .friction(FRICTION)
            .collision_groups(ENVIRONMENT_GROUPS);
        self.world.insert_collider(c, None)
    }

    /// The arm's contacts with `body` (an object it holds or pushes), from the bodies' poses
    /// now: for each arm collider touching it (within 0.5 mm), the deepest point on the arm's
    /// surface and the normal from the arm into the object.
    pub fn contacts_with(&self, body: RigidBodyHandle) -> Vec<Contact> {
        /// Surfaces this close count as touching (the solver keeps resting contacts within
        /// about this gap).
        const TOUCH: f64 = 5e-4;
        let Some(rb) = self.world.bodies.get(body) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &object in rb.colliders() {
            let Some(obj) = self.world.colliders.get(object) else {
                continue;
            };
            for (_, arm) in self.world.colliders.iter() {
                if !arm.parent().is_some_and(|b| self.bodies.contains(&b)) {
                    continue;
                }
                let Ok(Some(c)) = rapier3d_f64::parry::query::contact(
                    arm.position(),
                    arm.shape(),
                    obj.position(),
                    obj.shape(),
                    TOUCH,
                ) else {
                    continue;
                };
                if c.dist <= TOUCH {
                    out.push(Contact {
                        point: Vec3::new(c.point1.x, c.point1.y, c.point1.z),
                        normal: Vec3::new(c.normal1.x, c.normal1.y, c.normal1.z),
                        depth: -c.dist,
                    });
                }
            }
        }
        out
    }

    /// True while anything (a link, an object) is in contact with the collider.
    pub fn touching(&self, collider: ColliderHandle) -> bool {
        self.world
            .contact_pairs_with(collider)
            .any(|pair| pair.has_any_active_contact())
    }

    /// The pose of any rigid body (e.g. an object) in the world.
    pub fn body_pose(&self, handle: RigidBodyHandle) -> Option<Transform> {
        self.world
            .bodies
            .get(handle)
            .map(|rb| from_pose(rb.position()))
    }

    /// Holds `body` fixed to `link` where it is now (a suction cup's grip) until
    /// [`ArmWorld::release`]. A reset drops the hold with everything else.
    pub fn hold(&mut self, link: usize, body: RigidBodyHandle) -> Option<ImpulseJointHandle> {
        let arm_body = self.bodies[self.link_body[link].0];
        let (Some(a), Some(b)) = (self.world.bodies.get(arm_body), self.world.bodies.get(body))
        else {
            return None;
        };
        let relative = from_pose(a.position()).inverse() * from_pose(b.position());
        let joint = FixedJointBuilder::new()
            .local_frame1(pose(&relative))
            .local_frame2(pose(&Transform::identity()))
            .contacts_enabled(false);
        Some(self.world.insert_impulse_joint(arm_body, body, joint))
    }

    /// Lets go of what [`ArmWorld::hold`] held.
    pub fn release(&mut self, hold: ImpulseJointHandle) {
        self.world.remove_impulse_joint(hold);
    }

    /// The pose of a link in the world, as rapier has it.
    pub fn link_pose(&self, link: usize) -> Transform {
        let (b, t) = self.link_body[link];
        match self.world.bodies.get(self.bodies[b]) {
            Some(rb) => from_pose(rb.position()) * t,
            None => Transform::identity(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::robot::dynamics::{GRAVITY, inverse_dynamics, mass_matrix};

    fn panda() -> Model {
        Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
    }

    pub(crate) const READY: [f64; 8] = [0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785, 0.02];

    /// q̈ from our own dynamics: M(q)q̈ = τ − RNEA(q, q̇, 0) − D·q̇.
    fn our_qdd(model: &Model, q: &[f64], qd: &[f64]) -> Vec<f64> {
        let zero = vec![0.0; q.len()];
        let bias = inverse_dynamics(model, q, qd, &zero, &GRAVITY);
        let rhs: Vec<f64> = model
            .dof_joints
            .iter()
            .enumerate()
            .map(|(i, &ji)| -bias[i] - model.joints[ji].damping * qd[i])
            .collect();
        let m = mass_matrix(model, q);
        m.cholesky()
            .unwrap()
            .solve(&nalgebra::DVector::from_vec(rhs))
            .as_slice()
            .to_vec()
    }

    #[test]
    fn rapier_starts_where_our_fk_says() {
        let model = panda();
        let arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
        let poses = model.link_poses(&READY);
        for (l, expected) in poses.iter().enumerate() {
            let got = arm.link_pose(l);
            assert!(
                (got.translation - expected.translation).norm() < 1e-9,
                "{}",
                model.links[l].name
            );
            assert!(
                (got.rotation - expected.rotation).amax() < 1e-9,
                "{}",
                model.links[l].name
            );
        }
        let q = arm.q();
        for i in 0..q.len() {
            assert!((q[i] - READY[i]).abs() < 1e-12);
        }
    }

    /// Substeps keep the solver at 720 Hz or faster: 3 at the task's 240 Hz, 1 at the
    /// passive default of 1000 Hz, never more than rapier's default 4.
    #[test]
    fn substeps_follow_the_physics_rate() {
        let cases = [
            (240.0, 3),
            (1000.0, 1),
            (720.0, 1),
            (500.0, 2),
            (60.0, 4),
            (1e6, 1),
        ];
        for (rate, n) in cases {
            assert_eq!(solver_substeps(1.0 / rate), n, "{rate} Hz");
        }
        assert_eq!(solver_substeps(f64::NAN), 4);
        let arm = ArmWorld::new(panda(), &READY, 1.0 / 240.0).unwrap();
        assert_eq!(arm.world.integration_parameters.num_solver_iterations, 3);
    }

    #[test]
    fn a_passive_fall_matches_our_own_equations_of_motion() {
        let model = panda();
        let dt = 1.0 / 1000.0;
        let mut arm = ArmWorld::new(model.clone(), &READY, dt).unwrap();
        // Our equations integrated by RK4 with a much smaller step, as the reference.
        let (mut q, mut qd) = (READY.to_vec(), vec![0.0; 8]);
        let h = 1e-4;
        let steps = 300; // 0.3 s
        for _ in 0..steps {
            arm.step().unwrap();
        }
        for _ in 0..(steps * 10) {
            let f = |q: &[f64], qd: &[f64]| (qd.to_vec(), our_qdd(&model, q, qd));
            let add = |a: &[f64], b: &[f64], s: f64| {
                a.iter().zip(b).map(|(x, y)| x + s * y).collect::<Vec<_>>()
            };
            let (k1q, k1v) = f(&q, &qd);
            let (k2q, k2v) = f(&add(&q, &k1q, h / 2.0), &add(&qd, &k1v, h / 2.0));
            let (k3q, k3v) = f(&add(&q, &k2q, h / 2.0), &add(&qd, &k2v, h / 2.0));
            let (k4q, k4v) = f(&add(&q, &k3q, h), &add(&qd, &k3v, h));
            for i in 0..8 {
                q[i] += h / 6.0 * (k1q[i] + 2.0 * k2q[i] + 2.0 * k3q[i] + k4q[i]);
                qd[i] += h / 6.0 * (k1v[i] + 2.0 * k2v[i] + 2.0 * k3v[i] + k4v[i]);
            }
        }
        let sim = arm.q();
        let moved: f64 = (0..7).map(|i| (q[i] - READY[i]).abs()).fold(0.0, f64::max);
        let worst: f64 = (0..7).map(|i| (sim[i] - q[i]).abs()).fold(0.0, f64::max);
        eprintln!(
            "passive fall 0.3 s: largest joint motion {moved:.3} rad, rapier vs ours {worst:.2e} rad"
        );
        assert!(moved > 0.1, "the arm should fall noticeably");
        assert!(
            worst < 0.02 * moved,
            "rapier and our dynamics disagree by {worst}"
        );
    }

    #[test]
    fn nan_and_runaway_reset_the_world_and_are_reported() {
        let model = panda();
        let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
        let cube = arm.add_cube(Vec3::new(0.5, 0.0, 0.5), 0.04, 0.1);
        for _ in 0..10 {
            arm.step().unwrap();
        }
        let mut tau = vec![0.0; 8];
        tau[2] = f64::NAN;
        assert!(matches!(
            arm.apply_joint_torques(&tau),
            Err(SimError::NonFiniteCommand { joint: 3 })
        ));
        assert_eq!(arm.resets(), 1);
        assert_eq!(arm.q(), READY.to_vec());
        assert_eq!(arm.time(), 0.0);
        assert_eq!(
            arm.body_pose(cube).unwrap().translation,
            Vec3::new(0.5, 0.0, 0.5)
        );
        arm.step().unwrap();
        // A huge torque on the wrist makes the arm spin past the 100× backstop: physical (the
        // torque did that work), but no arm survives it.
        let mut tau = vec![0.0; 8];
        tau[6] = 1e5;
        let mut err = None;
        for _ in 0..20 {
            arm.apply_joint_torques(&tau).unwrap();
            if let Err(e) = arm.step() {
                err = Some(e);
                break;
            }
        }
        let e = err.expect("runaway detected");
        // The reaction of a 1e5 N·m wrist torque spins the whole arm; whichever joint crosses
        // its limit first is named.
        assert!(matches!(&e, SimError::Runaway { .. }), "{e}");
        assert!(!e.to_string().contains('\n'));
        assert_eq!(arm.resets(), 2);
        assert_eq!(arm.q(), READY.to_vec());
    }

    #[test]
    fn energy_from_nowhere_is_a_runaway_even_below_the_speed_backstop() {
        let model = panda();
        let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
        for _ in 0..10 {
            arm.apply_joint_torques(&[0.0; 8]).unwrap();
            arm.step().unwrap();
        }
        // Kick the shoulder to 10 rad/s without any torque: far below 100× its 2.175 rad/s
        // limit, but about 20 J of motion that nothing supplied.
        let sj = &arm.joints[1];
        let (mb, link) = arm.world.multibody_joints.get_mut(sj.handle).unwrap();
        let i = mb.link(link).unwrap().assembly_id();
        mb.generalized_velocity_mut()[i] = 10.0;
        arm.apply_joint_torques(&[0.0; 8]).unwrap();
        let e = arm.step().expect_err("the kick is caught");
        assert!(matches!(&e, SimError::EnergyGain { .. }), "{e}");
        assert!(!e.to_string().contains('\n'));
        assert_eq!(arm.q(), READY.to_vec());
        // Placing the arm by hand restarts the account: no false alarm afterwards.
        arm.set_q(&[0.0, 0.4, 0.0, -1.0, 0.0, 1.5, 0.0, 0.02]);
        for _ in 0..240 {
            arm.apply_joint_torques(&[0.0; 8]).unwrap();
            arm.step().unwrap();
        }
    }

    /// The bundled Kinova released from a bent pose falls fast (other simulators reach about
    /// 20 rad/s on this file with contacts off): the guard must let a real fall run.
    #[test]
    fn a_fast_passive_fall_runs_to_the_end() {
        let model = Model::from_urdf_str(include_str!("../../urdf/kinova_gen3.urdf")).unwrap();
        let q0 = [0.0, -0.5, 0.0, -2.0, 0.0, 1.6, 0.8];
        let mut arm = ArmWorld::new(model.clone(), &q0, 1.0 / 1000.0).unwrap();
        // Rapier fills in the bodies' masses on the first step.
        arm.apply_joint_torques(&[0.0; 7]).unwrap();
        arm.step().unwrap();
        let (k0, v0) = arm.arm_energy();
        let mut fastest = 0.0f64;
        let mut lowest_v = v0;
        for _ in 1..3000 {
            arm.apply_joint_torques(&[0.0; 7]).unwrap();
            arm.step().unwrap();
            fastest = arm.qd().iter().fold(fastest, |m, x| m.max(x.abs()));
            lowest_v = lowest_v.min(arm.arm_energy().1);
        }
        let (k, v) = arm.arm_energy();
        eprintln!(
            "kinova fall: fastest joint {fastest:.1} rad/s, energy {:.2} J -> {:.2} J, lowest V {lowest_v:.2} J",
            k0 + v0,
            k + v
        );
        assert_eq!(arm.resets(), 0);
        assert!(
            fastest > 14.0,
            "faster than the old 10x-limit guard allowed: {fastest}"
        );
        // Damping and limits only take energy out (a little integration error allowed).
        assert!(k + v < k0 + v0 + 0.05 * (v0 - lowest_v).abs() + 0.1);
    }

    #[test]
    fn the_same_inputs_give_a_bit_identical_trace() {
        let run = || {
            let model = panda();
            let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
            arm.add_table(Vec3::new(0.5, 0.0, 0.0), Vec3::new(0.8, 1.0, 0.05));
            let cube = arm.add_cube(Vec3::new(0.5, 0.1, 0.02), 0.04, 0.1);
            let pd = crate::sim::JointPd::default();
            let mut target = READY;
            target[0] = 0.5;
            target[3] = -1.8;
            let mut trace = Vec::new();
            for _ in 0..480 {
                let tau = pd.torques(&model, &arm.q(), &arm.qd(), &target);
                arm.apply_joint_torques(&tau).unwrap();
                arm.step().unwrap();
                trace.extend(arm.q().iter().map(|x| x.to_bits()));
                trace.extend(
                    arm.body_pose(cube)
                        .unwrap()
                        .translation
                        .iter()
                        .map(|x| x.to_bits()),
                );
            }
            trace
        };
        assert_eq!(run(), run());
    }

    /// A Panda trace (joints, cube) under a PD command that folds the elbow onto its lower
    /// limit and swings the base, with the gripper open (fingers resting on a limit) beside a
    /// cube on the table; the limits as rapier has them when `all` is false.
    fn limits_trace(all: bool) -> (Vec<u64>, usize) {
        let model = panda();
        let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
        arm.all_limits = all;
        arm.add_table(Vec3::new(0.5, 0.0, 0.0), Vec3::new(0.8, 1.0, 0.05));
        let cube = arm.add_cube(Vec3::new(0.5, 0.1, 0.02), 0.04, 0.1);
        let pd = crate::sim::JointPd::default();
        let (lo, _) = model.joints[model.dof_joints[3]].limits;
        let mut target = READY;
        target[0] = 0.8;
        target[3] = lo - 0.3;
        let (mut trace, mut limits_off, mut elbow) = (Vec::new(), 0, f64::INFINITY);
        for _ in 0..720 {
            let tau = pd.torques(&model, &arm.q(), &arm.qd(), &target);
            arm.apply_joint_torques(&tau).unwrap();
            arm.step().unwrap();
            let q = arm.q();
            elbow = elbow.min(q[3]);
            trace.extend(q.iter().chain(&arm.qd()).map(|x| x.to_bits()));
            let p = arm.body_pose(cube).unwrap().translation;
            trace.extend(p.iter().map(|x| x.to_bits()));
            for sj in &arm.joints {
                let (mb, link) = arm.world.multibody_joints.get(sj.handle).unwrap();
                let data = &mb.link(link).unwrap().joint().data;
                limits_off += usize::from(sj.limited && data.limit_axes.is_empty());
            }
        }
        assert!(
            elbow < lo + 0.01,
            "the elbow reached its limit: {elbow} vs {lo}"
        );
        (trace, limits_off)
    }

    #[test]
    fn limits_switched_on_only_near_them_change_nothing() {
        let (all, _) = limits_trace(true);
        let (near, off) = limits_trace(false);
        assert!(all == near, "the traces differ");
        // 9 limited DoFs over 720 steps: most of them spend most steps clear of their limits.
        eprintln!("limit constraints left out: {off} of {}", 9 * 720);
        assert!(off > 9 * 720 / 2, "{off}");
    }

    #[test]
    fn joint_limits_stop_a_falling_arm() {
        // Released from the ready pose the elbow folds under gravity until its lower limit.
        let model = panda();
        let mut arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
        let mut lowest = f64::INFINITY;
        for _ in 0..480 {
            arm.apply_joint_torques(&[0.0; 8]).unwrap();
            arm.step().unwrap();
            lowest = lowest.min(arm.q()[3]);
        }
        let (lo, _) = model.joints[model.dof_joints[3]].limits;
        eprintln!("elbow: lowest {lowest:.4} rad, limit {lo:.4} rad");
        assert!(lowest > lo - 0.01, "{lowest} vs limit {lo}");
        assert!(lowest < lo + 0.05, "the elbow did reach its limit");
    }

    #[test]
    fn urdf_damping_and_friction_arrive_in_rapier() {
        let mut model = panda();
        model.joints[model.dof_joints[2]].friction = 0.7;
        let arm = ArmWorld::new(model.clone(), &READY, 1.0 / 240.0).unwrap();
        let sj = &arm.joints[2];
        let (mb, link) = arm.world.multibody_joints.get(sj.handle).unwrap();
        let i = mb.link(link).unwrap().assembly_id();
        assert_eq!(mb.damping()[i], 0.1);
        assert_eq!(mb.frictions()[i], 0.7);
    }

    #[test]
    fn bad_configurations_are_rejected() {
        let model = panda();
        assert!(matches!(
            ArmWorld::new(model.clone(), &[0.0; 3], 0.01),
            Err(SimError::WrongJointCount {
                expected: 8,
                got: 3
            })
        ));
        let mut q = READY;
        q[2] = f64::NAN;
        assert!(matches!(
            ArmWorld::new(model, &q, 0.01),
            Err(SimError::NonFinite(3))
        ));
    }

    #[test]
    fn limits_switched_near_them_change_no_passive_fall() {
        // The three bundled arms released from three poses spread over their ranges, at the
        // passive default of 1000 Hz and at 240 Hz, for 3 s: joints reach 11–40 rad/s and run
        // into their limits, and the traces are bit for bit those with every limit on.
        let arms = [
            include_str!("../../urdf/kinova_gen3.urdf"),
            include_str!("../../urdf/kuka_iiwa14.urdf"),
            include_str!("../../urdf/panda.urdf"),
        ];
        for urdf in arms {
            let model = Model::from_urdf_str(urdf).unwrap();
            for (dt, seed) in [
                (1.0 / 1000.0, 0.0),
                (1.0 / 240.0, 0.3),
                (1.0 / 1000.0, -0.7),
            ] {
                let run = |all: bool| {
                    let n = model.dof();
                    let q0: Vec<f64> = (0..n)
                        .map(|i| {
                            let (lo, hi) = model.joints[model.dof_joints[i]].limits;
                            let (lo, hi) = if lo.is_finite() {
                                (lo, hi)
                            } else {
                                (-1.0, 1.0)
                            };
                            let mid = 0.5 * (lo + hi);
                            mid + (seed + 0.37 * i as f64).sin() * 0.45 * (hi - lo)
                        })
                        .collect();
                    let mut arm = ArmWorld::new(model.clone(), &q0, dt).unwrap();
                    arm.all_limits = all;
                    let (mut trace, mut fastest, mut past) = (Vec::new(), 0.0f64, 0);
                    for _ in 0..(3.0 / dt) as usize {
                        arm.apply_joint_torques(&vec![0.0; n]).unwrap();
                        if arm.step().is_err() {
                            trace.push(u64::MAX);
                            break;
                        }
                        let q = arm.q();
                        fastest = arm.qd().iter().fold(fastest, |m, x| m.max(x.abs()));
                        past += (0..n)
                            .filter(|&i| {
                                let (lo, hi) = model.joints[model.dof_joints[i]].limits;
                                q[i] < lo || q[i] > hi
                            })
                            .count();
                        trace.extend(q.iter().map(|x| x.to_bits()));
                    }
                    (trace, fastest, past)
                };
                let (a, fastest, past) = run(true);
                let (b, ..) = run(false);
                eprintln!(
                    "{} at {:.0} Hz: fastest joint {fastest:.1} rad/s, {past} joint-steps past a limit",
                    model.name,
                    1.0 / dt
                );
                assert!(past > 0, "{}: the fall never reached a limit", model.name);
                assert!(
                    a == b,
                    "{} at {:.0} Hz from pose {seed}",
                    model.name,
                    1.0 / dt
                );
            }
        }
    }
}
