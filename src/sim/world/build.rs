//! Building the world from the model: links grouped into rigid bodies (fixed joints merge
//! them), their collision shapes, and one multibody joint per movable joint.

use super::convert::{collider, mass_properties, pose, shape_frame, vector, x_onto};
use super::{
    ARM_GROUPS, ArmWorld, FRICTION, SimError, SimJoint, fits_the_physics, solver_substeps,
};
use crate::math::{SpatialInertia, Transform};
use crate::robot::{JointKind, Model};
use rapier3d_f64::prelude::*;

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
        let mut world = physics_world(dt);
        let Grouping {
            link_body,
            inertias,
            root_links,
        } = Grouping::of(&model);
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
        let joints = insert_joints(&mut world, &model, &link_body, &bodies)?;
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
}

/// An empty world stepping `dt`, with our gravity and solver settings.
fn physics_world(dt: f64) -> PhysicsWorld {
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
    world
}

/// Links grouped into rigid bodies: a link starts a body unless its parent joint is fixed.
struct Grouping {
    /// Each link's body, and the link's pose in that body's frame.
    link_body: Vec<(usize, Transform)>,
    /// Each body's inertia, in its root link's frame.
    inertias: Vec<SpatialInertia>,
    /// Each body's root link.
    root_links: Vec<usize>,
}

impl Grouping {
    fn of(model: &Model) -> Grouping {
        let mut link_body: Vec<(usize, Transform)> =
            vec![(0, Transform::identity()); model.links.len()];
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
        Grouping {
            link_body,
            inertias,
            root_links,
        }
    }
}

/// One multibody joint per movable joint, its free axis (rapier's X) turned onto the URDF
/// axis, with the URDF limits.
fn insert_joints(
    world: &mut PhysicsWorld,
    model: &Model,
    link_body: &[(usize, Transform)],
    bodies: &[RigidBodyHandle],
) -> Result<Vec<SimJoint>, SimError> {
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
    Ok(joints)
}
