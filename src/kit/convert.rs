//! The one place where robot frames (ROS REP-103: X forward, Y left, Z up, f64) become Bevy
//! frames (Y up, f32). The map is the proper rotation `(x, y, z) ↦ (x, z, −y)`, a −90° turn
//! about X, so handedness and angles are preserved.

use crate::math::{Mat3, Transform, Vec3};
use bevy::math::{Mat3 as BMat3, Quat as BQuat, Vec3 as BVec3};

/// `M` with `p_bevy = M·p_robot`.
pub fn robot_to_bevy_matrix() -> Mat3 {
    Mat3::new(1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, -1.0, 0.0)
}

/// A point or vector from robot coordinates to Bevy coordinates.
pub fn point(p: &Vec3) -> BVec3 {
    BVec3::new(p.x as f32, p.z as f32, -p.y as f32)
}

/// A rotation from robot coordinates to Bevy coordinates: `M·R·Mᵀ`.
pub fn rotation(r: &Mat3) -> BQuat {
    let m = robot_to_bevy_matrix();
    let b = m * r * m.transpose();
    let cols = [0, 1, 2].map(|c| BVec3::new(b[(0, c)] as f32, b[(1, c)] as f32, b[(2, c)] as f32));
    BQuat::from_mat3(&BMat3::from_cols(cols[0], cols[1], cols[2])).normalize()
}

/// A rigid transform from robot coordinates to a Bevy `Transform`.
pub fn transform(t: &Transform) -> bevy::prelude::Transform {
    bevy::prelude::Transform {
        translation: point(&t.translation),
        rotation: rotation(&t.rotation),
        scale: BVec3::ONE,
    }
}

/// A Bevy rotation whose *local* X, Y, Z axes are the robot frame's x, y, z axes (as Bevy
/// vectors): `M·R`. Used for handles that show a robot frame's own axes in RGB, unlike
/// [`rotation`], which keeps Bevy's axis names (its local Y is the frame's z).
pub fn axes_rotation(r: &Mat3) -> BQuat {
    let b = robot_to_bevy_matrix() * r;
    let cols = [0, 1, 2].map(|c| BVec3::new(b[(0, c)] as f32, b[(1, c)] as f32, b[(2, c)] as f32));
    BQuat::from_mat3(&BMat3::from_cols(cols[0], cols[1], cols[2])).normalize()
}

/// The inverse of [`axes_rotation`]: `R = Mᵀ·Q`.
pub fn axes_rotation_to_robot(q: BQuat) -> Mat3 {
    let b = BMat3::from_quat(q.normalize());
    let m = Mat3::from_fn(|i, j| b.col(j)[i] as f64);
    robot_to_bevy_matrix().transpose() * m
}

/// A Bevy point back to robot coordinates (the inverse of [`point`]).
pub fn point_to_robot(p: BVec3) -> Vec3 {
    Vec3::new(p.x as f64, -(p.z as f64), p.y as f64)
}

/// A Bevy rotation back to a robot rotation matrix: `Mᵀ·R·M`.
pub fn rotation_to_robot(q: BQuat) -> Mat3 {
    let b = BMat3::from_quat(q.normalize());
    let r = Mat3::from_fn(|i, j| b.col(j)[i] as f64);
    let m = robot_to_bevy_matrix();
    m.transpose() * r * m
}

/// A Bevy `Transform` (scale ignored) back to a robot pose, re-orthonormalised so f32
/// round-off does not leak into the math.
pub fn transform_to_robot(t: &bevy::prelude::Transform) -> Transform {
    let r = rotation_to_robot(t.rotation);
    let q = crate::math::Quat::from_matrix(&r);
    Transform::new(q.to_matrix(), point_to_robot(t.translation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::so3;

    #[test]
    fn up_is_up_and_the_map_is_a_rotation() {
        assert_eq!(point(&Vec3::z()), BVec3::Y);
        assert_eq!(point(&Vec3::x()), BVec3::X);
        assert_eq!(point(&Vec3::y()), BVec3::NEG_Z);
        assert!(so3::is_rotation(&robot_to_bevy_matrix(), 0.0));
    }

    #[test]
    fn transforms_commute_with_the_conversion() {
        let t = Transform::new(
            so3::exp(&Vec3::new(0.3, -0.5, 1.1)),
            Vec3::new(0.4, -0.2, 0.7),
        );
        let p = Vec3::new(0.1, 0.2, -0.3);
        let via_bevy = transform(&t).transform_point(point(&p));
        let direct = point(&t.transform_point(&p));
        assert!((via_bevy - direct).abs().max_element() < 1e-6);
    }

    #[test]
    fn the_inverse_conversion_round_trips() {
        let t = Transform::new(
            so3::exp(&Vec3::new(-0.7, 0.2, 2.1)),
            Vec3::new(0.5, -0.3, 0.25),
        );
        let back = transform_to_robot(&transform(&t));
        assert!((back.translation - t.translation).norm() < 1e-6);
        assert!((back.rotation - t.rotation).norm() < 1e-6);
        assert!(so3::is_rotation(&back.rotation, 1e-12));
    }

    #[test]
    fn axes_rotation_names_the_robot_axes() {
        let r = so3::exp(&Vec3::new(0.4, -0.9, 0.3));
        let q = axes_rotation(&r);
        for i in 0..3 {
            let local = q * BVec3::AXES[i];
            let want = point(&r.column(i).into());
            assert!((local - want).length() < 1e-6, "axis {i}");
        }
        assert!((axes_rotation_to_robot(q) - r).norm() < 1e-6);
    }
}
