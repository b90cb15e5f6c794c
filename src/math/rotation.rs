//! Rotation representations and the conversions between them: unit quaternions, rotation
//! vectors and the continuous 6D representation (axis–angle is in `so3`, beside `exp` and
//! `log`).
//!
//! The storage order of a quaternion is the most common silent bug when actions cross a
//! library boundary, so it is never implicit here: [`Quat::from_wxyz`] / [`Quat::to_wxyz`] take
//! and give **w first** (Eigen's constructor, ROS's `tf` in older code, MuJoCo), and
//! [`Quat::from_xyzw`] / [`Quat::to_xyzw`] take and give **w last** (ROS messages, SciPy,
//! nalgebra's storage, Bevy/glam).

use super::{Mat3, Vec3};

/// A Hamilton quaternion `w + x·i + y·j + z·k`. Unit quaternions represent rotations, with
/// `q` and `−q` representing the same one (the double cover).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quat {
    pub w: f64,
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

impl Quat {
    pub const IDENTITY: Quat = Quat {
        w: 1.0,
        x: 0.0,
        y: 0.0,
        z: 0.0,
    };

    /// From `[w, x, y, z]` (w first).
    pub fn from_wxyz(q: [f64; 4]) -> Quat {
        Quat {
            w: q[0],
            x: q[1],
            y: q[2],
            z: q[3],
        }
    }

    /// From `[x, y, z, w]` (w last).
    pub fn from_xyzw(q: [f64; 4]) -> Quat {
        Quat {
            w: q[3],
            x: q[0],
            y: q[1],
            z: q[2],
        }
    }

    /// As `[w, x, y, z]` (w first).
    pub fn to_wxyz(self) -> [f64; 4] {
        [self.w, self.x, self.y, self.z]
    }

    /// As `[x, y, z, w]` (w last).
    pub fn to_xyzw(self) -> [f64; 4] {
        [self.x, self.y, self.z, self.w]
    }

    /// The vector part `(x, y, z)`.
    pub fn vector(self) -> Vec3 {
        Vec3::new(self.x, self.y, self.z)
    }

    pub fn from_scalar_vector(w: f64, v: Vec3) -> Quat {
        Quat {
            w,
            x: v.x,
            y: v.y,
            z: v.z,
        }
    }

    pub fn norm(self) -> f64 {
        (self.w * self.w + self.x * self.x + self.y * self.y + self.z * self.z).sqrt()
    }

    /// `q/|q|`; the identity for a zero quaternion, which represents no rotation.
    pub fn normalize(self) -> Quat {
        let n = self.norm();
        if n > 0.0 && n.is_finite() {
            self.scale(1.0 / n)
        } else {
            Quat::IDENTITY
        }
    }

    pub fn scale(self, s: f64) -> Quat {
        Quat {
            w: self.w * s,
            x: self.x * s,
            y: self.y * s,
            z: self.z * s,
        }
    }

    pub fn conjugate(self) -> Quat {
        Quat {
            w: self.w,
            x: -self.x,
            y: -self.y,
            z: -self.z,
        }
    }

    pub fn dot(self, o: Quat) -> f64 {
        self.w * o.w + self.x * o.x + self.y * o.y + self.z * o.z
    }

    /// The representative with `w ≥ 0` (rotation angle in [0, π]).
    pub fn canonical(self) -> Quat {
        if self.w < 0.0 { self.scale(-1.0) } else { self }
    }

    /// Rotates a vector: `q ⊗ (0, v) ⊗ q*` — the quaternion is applied "twice", once on each
    /// side, which is why it carries half the angle.
    pub fn rotate(self, v: &Vec3) -> Vec3 {
        (self * Quat::from_scalar_vector(0.0, *v) * self.conjugate()).vector()
    }

    /// The rotation matrix of a unit quaternion.
    pub fn to_matrix(self) -> Mat3 {
        let Quat { w, x, y, z } = self;
        Mat3::new(
            1.0 - 2.0 * (y * y + z * z),
            2.0 * (x * y - w * z),
            2.0 * (x * z + w * y),
            2.0 * (x * y + w * z),
            1.0 - 2.0 * (x * x + z * z),
            2.0 * (y * z - w * x),
            2.0 * (x * z - w * y),
            2.0 * (y * z + w * x),
            1.0 - 2.0 * (x * x + y * y),
        )
    }

    /// The unit quaternion of a rotation matrix, with `w ≥ 0`, by Shepperd's method: it
    /// divides by the largest of `4w², 4x², 4y², 4z²`, so it never divides by a small number.
    pub fn from_matrix(r: &Mat3) -> Quat {
        let tr = r.trace();
        let d = [tr, r[(0, 0)], r[(1, 1)], r[(2, 2)]];
        let mut k = 0;
        for i in 1..4 {
            if d[i] > d[k] {
                k = i;
            }
        }
        let q = match k {
            0 => {
                let s = 2.0 * (1.0 + tr).max(0.0).sqrt(); // s = 4w
                Quat {
                    w: 0.25 * s,
                    x: (r[(2, 1)] - r[(1, 2)]) / s,
                    y: (r[(0, 2)] - r[(2, 0)]) / s,
                    z: (r[(1, 0)] - r[(0, 1)]) / s,
                }
            }
            1 => {
                let s = 2.0 * (1.0 + r[(0, 0)] - r[(1, 1)] - r[(2, 2)]).max(0.0).sqrt(); // 4x
                Quat {
                    w: (r[(2, 1)] - r[(1, 2)]) / s,
                    x: 0.25 * s,
                    y: (r[(0, 1)] + r[(1, 0)]) / s,
                    z: (r[(0, 2)] + r[(2, 0)]) / s,
                }
            }
            2 => {
                let s = 2.0 * (1.0 - r[(0, 0)] + r[(1, 1)] - r[(2, 2)]).max(0.0).sqrt(); // 4y
                Quat {
                    w: (r[(0, 2)] - r[(2, 0)]) / s,
                    x: (r[(0, 1)] + r[(1, 0)]) / s,
                    y: 0.25 * s,
                    z: (r[(1, 2)] + r[(2, 1)]) / s,
                }
            }
            _ => {
                let s = 2.0 * (1.0 - r[(0, 0)] - r[(1, 1)] + r[(2, 2)]).max(0.0).sqrt(); // 4z
                Quat {
                    w: (r[(1, 0)] - r[(0, 1)]) / s,
                    x: (r[(0, 2)] + r[(2, 0)]) / s,
                    y: (r[(1, 2)] + r[(2, 1)]) / s,
                    z: 0.25 * s,
                }
            }
        };
        q.normalize().canonical()
    }

    /// The quaternion of the rotation vector φ: `(cos(θ/2), sin(θ/2)·φ/θ)`.
    pub fn from_rotation_vector(phi: &Vec3) -> Quat {
        let theta = phi.norm();
        let half = 0.5 * theta;
        // sin(θ/2)/θ → 1/2 − θ²/48 as θ → 0.
        let k = if theta < 1e-6 {
            0.5 - theta * theta / 48.0
        } else {
            half.sin() / theta
        };
        Quat::from_scalar_vector(half.cos(), phi * k)
    }

    /// The rotation vector θ·axis with θ ∈ [0, π] (the canonical, `w ≥ 0` representative),
    /// using `θ = 2·atan2(|v|, w)`, accurate for every angle.
    pub fn to_rotation_vector(self) -> Vec3 {
        let q = self.normalize().canonical();
        let v = q.vector();
        let s = v.norm();
        if s < 1e-12 {
            // θ ≈ 2s/w, so φ ≈ 2v/w.
            return v * (2.0 / q.w);
        }
        v * (2.0 * s.atan2(q.w) / s)
    }

    /// Spherical linear interpolation along the shorter arc (flipping `o` to `−o` when
    /// `q·o < 0`); constant angular speed in `t`.
    pub fn slerp(self, o: Quat, t: f64) -> Quat {
        let mut o = o;
        let mut d = self.dot(o);
        if d < 0.0 {
            o = o.scale(-1.0);
            d = -d;
        }
        self.slerp_raw(o, t, d)
    }

    /// Slerp along the arc from `self` to `o` exactly as given, without the shortest-path flip;
    /// for `q·o < 0` this takes the long way round (more than 180° of rotation).
    pub fn slerp_long(self, o: Quat, t: f64) -> Quat {
        self.slerp_raw(o, t, self.dot(o))
    }

    fn slerp_raw(self, o: Quat, t: f64, d: f64) -> Quat {
        let d = d.clamp(-1.0, 1.0);
        if d > 1.0 - 1e-12 {
            // Nearly parallel: linear interpolation is exact to round-off.
            return Quat {
                w: self.w + (o.w - self.w) * t,
                x: self.x + (o.x - self.x) * t,
                y: self.y + (o.y - self.y) * t,
                z: self.z + (o.z - self.z) * t,
            }
            .normalize();
        }
        let omega = d.acos();
        let so = omega.sin();
        let a = ((1.0 - t) * omega).sin() / so;
        let b = (t * omega).sin() / so;
        Quat {
            w: a * self.w + b * o.w,
            x: a * self.x + b * o.x,
            y: a * self.y + b * o.y,
            z: a * self.z + b * o.z,
        }
    }

    /// The angle of the relative rotation between two unit quaternions, in [0, π].
    pub fn angle_to(self, o: Quat) -> f64 {
        2.0 * self.dot(o).abs().clamp(0.0, 1.0).acos()
    }
}

/// The Hamilton product `a ⊗ b`: `(w₁w₂ − v₁·v₂, w₁v₂ + w₂v₁ + v₁×v₂)`.
impl std::ops::Mul for Quat {
    type Output = Quat;
    fn mul(self, o: Quat) -> Quat {
        let (v1, v2) = (self.vector(), o.vector());
        Quat::from_scalar_vector(
            self.w * o.w - v1.dot(&v2),
            v2 * self.w + v1 * o.w + v1.cross(&v2),
        )
    }
}

/// The 6D representation (Zhou et al., CVPR 2019): the first two columns of R, `[r₁; r₂]`.
pub fn sixd_from_matrix(r: &Mat3) -> [f64; 6] {
    [
        r[(0, 0)],
        r[(1, 0)],
        r[(2, 0)],
        r[(0, 1)],
        r[(1, 1)],
        r[(2, 1)],
    ]
}

/// Back from any 6-vector (e.g. a network's raw output) to a rotation by Gram–Schmidt:
/// `b₁ = a₁/|a₁|`, `b₂ = normalize(a₂ − (b₁·a₂)b₁)`, `b₃ = b₁ × b₂`. Continuous everywhere
/// except where `a₁ = 0` or `a₂ ∥ a₁`, which return `None`.
pub fn matrix_from_sixd(a: &[f64; 6]) -> Option<Mat3> {
    let a1 = Vec3::new(a[0], a[1], a[2]);
    let a2 = Vec3::new(a[3], a[4], a[5]);
    let n1 = a1.norm();
    // Written so NaN fails the test too.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    if !(n1 > 1e-12) || !a2.iter().all(|x| x.is_finite()) {
        return None;
    }
    let b1 = a1 / n1;
    let u2 = a2 - b1 * b1.dot(&a2);
    let n2 = u2.norm();
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    if !(n2 > 1e-12 * a2.norm().max(1.0)) {
        return None;
    }
    let b2 = u2 / n2;
    let b3 = b1.cross(&b2);
    Some(Mat3::from_columns(&[b1, b2, b3]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::so3;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn rotvec() -> impl Strategy<Value = Vec3> {
        (-2.0..2.0f64, -2.0..2.0f64, -2.0..2.0f64).prop_map(|(x, y, z)| Vec3::new(x, y, z))
    }

    #[test]
    fn storage_orders_are_explicit() {
        let q = Quat::from_wxyz([0.5, 0.5, -0.5, 0.5]);
        assert_eq!(q.to_xyzw(), [0.5, -0.5, 0.5, 0.5]);
        assert_eq!(Quat::from_xyzw(q.to_xyzw()), q);
        // Against nalgebra, which stores w last and whose `new` takes w first.
        let n = nalgebra::Quaternion::new(q.w, q.x, q.y, q.z);
        assert_eq!(n.coords.as_slice(), &q.to_xyzw());
    }

    #[test]
    fn a_w_first_w_last_mixup_is_a_different_rotation() {
        // 90° about Z, stored w first, then read back as if it were w last.
        let q = Quat::from_rotation_vector(&Vec3::new(0.0, 0.0, std::f64::consts::FRAC_PI_2));
        let wrong = Quat::from_xyzw(q.to_wxyz()).normalize();
        assert!(q.angle_to(wrong) > 1.0);
    }

    #[test]
    fn matrix_conversion_matches_nalgebra() {
        for phi in [
            Vec3::new(0.3, -0.2, 0.1),
            Vec3::new(3.1, 0.0, 0.0),
            Vec3::new(0.0, -(std::f64::consts::PI - 1e-5), 0.0),
            Vec3::new(0.0, 0.0, std::f64::consts::PI - 1e-5),
        ] {
            let r = so3::exp(&phi);
            let q = Quat::from_matrix(&r);
            let oracle = nalgebra::UnitQuaternion::from_rotation_matrix(
                &nalgebra::Rotation3::from_matrix_unchecked(r),
            );
            let o = Quat::from_xyzw([oracle.i, oracle.j, oracle.k, oracle.w]).canonical();
            assert!(q.dot(o).abs() > 1.0 - 1e-12);
            assert_relative_eq!(q.to_matrix(), r, epsilon = 1e-12);
        }
    }

    #[test]
    fn rotate_matches_matrix() {
        let q = Quat::from_rotation_vector(&Vec3::new(0.2, 0.7, -0.4));
        let v = Vec3::new(1.0, 2.0, 3.0);
        assert_relative_eq!(q.rotate(&v), q.to_matrix() * v, epsilon = 1e-14);
    }

    #[test]
    fn slerp_has_constant_angular_speed_and_takes_the_short_way() {
        let a = Quat::from_rotation_vector(&Vec3::new(0.1, 0.2, 0.3));
        let b = Quat::from_rotation_vector(&Vec3::new(-1.0, 0.5, 2.0));
        let total = a.angle_to(b);
        for i in 0..=10 {
            let t = i as f64 / 10.0;
            let q = a.slerp(b, t);
            assert_relative_eq!(q.norm(), 1.0, epsilon = 1e-14);
            assert_relative_eq!(a.angle_to(q), t * total, epsilon = 1e-12);
        }
        // −b is the same rotation: slerp must not take the long way round.
        let q = a.slerp(b.scale(-1.0), 0.5);
        assert_relative_eq!(a.angle_to(q), 0.5 * total, epsilon = 1e-12);
        // …while following the raw arc does travel more than 180° of rotation in total.
        let long_mid = a.slerp_long(b.scale(-1.0), 0.5);
        assert_relative_eq!(
            a.angle_to(long_mid),
            (2.0 * std::f64::consts::PI - total) / 2.0,
            epsilon = 1e-12
        );
    }

    #[test]
    fn sixd_rejects_degenerate_input() {
        assert!(matrix_from_sixd(&[0.0; 6]).is_none());
        assert!(matrix_from_sixd(&[1.0, 0.0, 0.0, 2.0, 0.0, 0.0]).is_none());
        assert!(matrix_from_sixd(&[f64::NAN, 0.0, 0.0, 0.0, 1.0, 0.0]).is_none());
    }

    proptest! {
        #[test]
        fn quaternion_round_trips(phi in rotvec()) {
            let r = so3::exp(&phi);
            let q = Quat::from_matrix(&r);
            prop_assert!((q.norm() - 1.0).abs() < 1e-14);
            prop_assert!((q.to_matrix() - r).amax() < 1e-13);
            let q2 = Quat::from_rotation_vector(&phi);
            prop_assert!(q.dot(q2).abs() > 1.0 - 1e-13);
            prop_assert!((so3::exp(&q2.to_rotation_vector()) - r).amax() < 1e-13);
        }

        #[test]
        fn quaternion_product_is_matrix_product(a in rotvec(), b in rotvec()) {
            let (qa, qb) = (Quat::from_rotation_vector(&a), Quat::from_rotation_vector(&b));
            let lhs = (qa * qb).to_matrix();
            prop_assert!((lhs - so3::exp(&a) * so3::exp(&b)).amax() < 1e-13);
        }

        #[test]
        fn sixd_round_trips_and_repairs_noise(phi in rotvec(), n in -0.05..0.05f64) {
            let r = so3::exp(&phi);
            let six = sixd_from_matrix(&r);
            let back = matrix_from_sixd(&six).expect("valid 6D");
            prop_assert!((back - r).amax() < 1e-13);
            let mut noisy = six;
            noisy[0] += n; noisy[4] -= n;
            let fixed = matrix_from_sixd(&noisy).expect("still valid");
            prop_assert!(so3::is_rotation(&fixed, 1e-12));
        }
    }
}
