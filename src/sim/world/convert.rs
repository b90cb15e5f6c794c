//! Our math types to rapier's and back, and URDF shapes to colliders.

use crate::math::{Mat3, SpatialInertia, Transform, Vec3, symeig};
use crate::robot::Shape;
use rapier3d_f64::prelude::*;

pub(super) fn vector(v: &Vec3) -> Vector {
    Vector::new(v.x, v.y, v.z)
}

pub(super) fn rotation(r: &Mat3) -> Rotation {
    let [x, y, z, w] = crate::math::Quat::from_matrix(r).to_xyzw();
    Rotation::from_xyzw(x, y, z, w)
}

pub(super) fn pose(t: &Transform) -> Pose {
    Pose::from_parts(vector(&t.translation), rotation(&t.rotation))
}

pub(super) fn from_pose(p: &Pose) -> Transform {
    let q = crate::math::Quat::from_xyzw([p.rotation.x, p.rotation.y, p.rotation.z, p.rotation.w]);
    Transform::new(
        q.to_matrix(),
        Vec3::new(p.translation.x, p.translation.y, p.translation.z),
    )
}

/// A rotation whose X axis is the unit vector `a`.
pub(super) fn x_onto(a: &Vec3) -> Mat3 {
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
pub(super) fn mass_properties(i: &SpatialInertia) -> MassProperties {
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

/// A collider for a URDF shape; `None` for meshes (no mesh loader in the physics yet).
pub(super) fn collider(shape: &Shape) -> Option<ColliderBuilder> {
    Some(match shape {
        Shape::Box { size } => ColliderBuilder::cuboid(size.x / 2.0, size.y / 2.0, size.z / 2.0),
        Shape::Sphere { radius } => ColliderBuilder::ball(*radius),
        Shape::Cylinder { radius, length } => ColliderBuilder::cylinder(length / 2.0, *radius),
        Shape::Capsule { radius, length } => ColliderBuilder::capsule_z(length / 2.0, *radius),
        Shape::Mesh { .. } => return None,
    })
}

/// rapier's cylinders run along their local Y axis, URDF's along Z.
pub(super) fn shape_frame(shape: &Shape) -> Transform {
    match shape {
        Shape::Cylinder { .. } => {
            Transform::from_rotation(crate::math::so3::rot_x(std::f64::consts::FRAC_PI_2))
        }
        _ => Transform::identity(),
    }
}
