//! What of the arm is drawn: its visual meshes, the collision shapes the physics uses (as
//! wireframes), or both; and the contacts between the arm and the cube (a dot on the arm's
//! surface and the normal into the cube), from the episode shown, so a scrubbed moment shows
//! its own contacts.

use super::visuals::LinkVisual;
use crate::kit::ArmSet;
use crate::kit::convert;
use crate::kit::robot::Robot;
use crate::kit::sim::Sim;
use crate::robot::Shape;
use bevy::math::primitives::{Capsule3d, Cylinder};
use bevy::prelude::*;

/// Which geometry is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShownGeometry {
    #[default]
    Visual,
    Collision,
    Both,
}

#[derive(Resource, Debug, Default)]
pub struct GeometryView {
    pub geometry: ShownGeometry,
    /// Draw the arm's contacts with the cube.
    pub contacts: bool,
}

/// The colour of collision wireframes.
pub const COLLISION_COLOR: Color = Color::srgb(0.35, 0.95, 0.55);
/// The colour of contact points and normals.
pub const CONTACT_COLOR: Color = Color::srgb(1.0, 0.85, 0.1);
/// How long a contact normal is drawn (m).
const NORMAL_LENGTH: f32 = 0.04;

pub struct GeometryViewPlugin;

impl Plugin for GeometryViewPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<GeometryView>().add_systems(
            Update,
            (
                show_visuals,
                draw.run_if(resource_exists::<bevy::gizmos::config::GizmoConfigStore>),
            )
                .in_set(ArmSet::Views),
        );
    }
}

/// The visual meshes are hidden while only the collision shapes are asked for.
fn show_visuals(view: Res<GeometryView>, mut links: Query<&mut Visibility, With<LinkVisual>>) {
    let want = if view.geometry == ShownGeometry::Collision {
        Visibility::Hidden
    } else {
        Visibility::Inherited
    };
    for mut v in &mut links {
        v.set_if_neq(want);
    }
}

fn draw(view: Res<GeometryView>, robot: Res<Robot>, sim: Res<Sim>, mut gizmos: Gizmos) {
    if view.geometry != ShownGeometry::Visual {
        for (link, pose) in robot.model.links.iter().zip(&robot.poses) {
            for g in &link.collisions {
                let t = convert::transform(&(*pose * g.origin));
                draw_shape(&mut gizmos, &g.shape, t);
            }
        }
    }
    if view.contacts
        && let Some(e) = sim.episode()
    {
        for c in e.gripper_contacts() {
            let p = convert::point(&c.point);
            let n = convert::point(&c.normal);
            gizmos.sphere(Isometry3d::from_translation(p), 0.004, CONTACT_COLOR);
            gizmos.arrow(p, p + n * NORMAL_LENGTH, CONTACT_COLOR);
        }
    }
}

/// A URDF shape as a wireframe at `t` ([`convert::transform`] keeps the shape's own axes, its
/// z as Bevy's local y, the axis Bevy's cylinders and capsules run along). A mesh collision
/// shape is drawn as nothing: the physics does not use meshes either.
fn draw_shape(gizmos: &mut Gizmos, shape: &Shape, t: Transform) {
    let iso = Isometry3d::new(t.translation, t.rotation);
    match shape {
        Shape::Box { size } => {
            let mut cube = t;
            cube.scale = Vec3::new(size.x as f32, size.z as f32, size.y as f32);
            gizmos.cube(cube, COLLISION_COLOR);
        }
        Shape::Sphere { radius } => {
            gizmos.sphere(iso, *radius as f32, COLLISION_COLOR);
        }
        Shape::Cylinder { radius, length } => {
            gizmos.primitive_3d(
                &Cylinder::new(*radius as f32, *length as f32),
                iso,
                COLLISION_COLOR,
            );
        }
        Shape::Capsule { radius, length } => {
            gizmos.primitive_3d(
                &Capsule3d::new(*radius as f32, *length as f32),
                iso,
                COLLISION_COLOR,
            );
        }
        Shape::Mesh { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visual_meshes_hide_only_for_collision_alone() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .add_plugins(GeometryViewPlugin);
        let link = app
            .world_mut()
            .spawn((LinkVisual(0), Visibility::Inherited))
            .id();
        let shown = |app: &App| app.world().get::<Visibility>(link).copied();
        for (geometry, want) in [
            (ShownGeometry::Collision, Visibility::Hidden),
            (ShownGeometry::Both, Visibility::Inherited),
            (ShownGeometry::Collision, Visibility::Hidden),
            (ShownGeometry::Visual, Visibility::Inherited),
        ] {
            app.world_mut().resource_mut::<GeometryView>().geometry = geometry;
            app.update();
            assert_eq!(shown(&app), Some(want), "{geometry:?}");
        }
    }
}
