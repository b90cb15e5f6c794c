//! What else is in the world: the table, the cube, the course's post; contacts, touching, and
//! holding a body to a link (a suction cup).

use super::convert::{from_pose, pose, vector};
use super::{ArmWorld, ENVIRONMENT_GROUPS, FRICTION, Item};
use crate::math::{Transform, Vec3};
use rapier3d_f64::prelude::*;

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

impl ArmWorld {
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
}
