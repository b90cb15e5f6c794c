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

mod build;
mod convert;
mod error;
mod scene;

pub use error::{MAX_PHYSICS_DOF, MAX_PHYSICS_LINKS, SimError, fits_the_physics};
pub use scene::Contact;

use crate::math::{Transform, Vec3};
use crate::robot::Model;
use convert::{from_pose, vector};
use rapier3d_f64::prelude::*;

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

impl ArmWorld {
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
pub(crate) mod tests;
