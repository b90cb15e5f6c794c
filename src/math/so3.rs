//! The rotation group SO(3) and its Lie algebra so(3), and axis–angle, the rotation vector
//! split into a unit axis and an angle.
//!
//! `hat` and `vee` move between a rotation vector φ ∈ ℝ³ and the skew-symmetric matrix `[φ]×`;
//! `exp` (Rodrigues' formula) and `log` move between so(3) and SO(3). Both are written to stay
//! accurate near θ = 0 and near θ = π, where the textbook formulas divide by sin θ.

use super::{Mat3, Vec3};
use crate::math::rotation::Quat;

/// `[w]×`, the skew-symmetric matrix with `[w]× v = w × v`.
pub fn hat(w: &Vec3) -> Mat3 {
    Mat3::new(0.0, -w.z, w.y, w.z, 0.0, -w.x, -w.y, w.x, 0.0)
}

/// The inverse of [`hat`]: reads `w` from a (nearly) skew-symmetric matrix, using its
/// antisymmetric part so small asymmetric noise averages out.
pub fn vee(m: &Mat3) -> Vec3 {
    Vec3::new(
        0.5 * (m[(2, 1)] - m[(1, 2)]),
        0.5 * (m[(0, 2)] - m[(2, 0)]),
        0.5 * (m[(1, 0)] - m[(0, 1)]),
    )
}

/// Rodrigues' formula: `exp([φ]×) = I + (sin θ/θ)[φ]× + ((1 − cos θ)/θ²)[φ]×²`, θ = |φ|.
///
/// Below θ ≈ 1e-4 the two coefficients come from their Taylor series, so there is no 0/0.
pub fn exp(phi: &Vec3) -> Mat3 {
    let theta2 = phi.norm_squared();
    let (a, b) = if theta2 < 1e-8 {
        // sin θ/θ ≈ 1 − θ²/6, (1 − cos θ)/θ² ≈ 1/2 − θ²/24; error O(θ⁴) < 1e-16.
        (1.0 - theta2 / 6.0, 0.5 - theta2 / 24.0)
    } else {
        let theta = theta2.sqrt();
        (theta.sin() / theta, (1.0 - theta.cos()) / theta2)
    };
    let k = hat(phi);
    Mat3::identity() + k * a + k * k * b
}

/// The logarithm of a rotation matrix: the rotation vector φ = θ·axis with θ ∈ [0, π].
///
/// Goes through the unit quaternion (Shepperd's method) and `θ = 2·atan2(|v|, w)`, which is well
/// conditioned everywhere; the `acos((tr R − 1)/2)` route loses half the digits near 0 and π.
/// At exactly θ = π both `+φ` and `−φ` are valid; the one returned is deterministic.
pub fn log(r: &Mat3) -> Vec3 {
    Quat::from_matrix(r).to_rotation_vector()
}

/// The left Jacobian of SO(3), `J_l(φ) = I + ((1 − cos θ)/θ²)[φ]× + ((θ − sin θ)/θ³)[φ]×²`.
///
/// It appears in the SE(3) exponential (`t = J_l(φ)·ρ`) and in the BCH approximation
/// `exp(φ + δ) ≈ exp(J_l(φ)δ)·exp(φ)`.
pub fn left_jacobian(phi: &Vec3) -> Mat3 {
    let theta2 = phi.norm_squared();
    let (b, c) = if theta2 < 1e-8 {
        (0.5 - theta2 / 24.0, 1.0 / 6.0 - theta2 / 120.0)
    } else {
        let theta = theta2.sqrt();
        (
            (1.0 - theta.cos()) / theta2,
            (theta - theta.sin()) / (theta2 * theta),
        )
    };
    let k = hat(phi);
    Mat3::identity() + k * b + k * k * c
}

/// The inverse of [`left_jacobian`]:
/// `J_l⁻¹(φ) = I − ½[φ]× + (1/θ² − (1 + cos θ)/(2θ sin θ))[φ]×²`.
pub fn left_jacobian_inverse(phi: &Vec3) -> Mat3 {
    let theta2 = phi.norm_squared();
    let c = if theta2 < 1e-8 {
        1.0 / 12.0 + theta2 / 720.0
    } else {
        let theta = theta2.sqrt();
        1.0 / theta2 - (1.0 + theta.cos()) / (2.0 * theta * theta.sin())
    };
    let k = hat(phi);
    Mat3::identity() - k * 0.5 + k * k * c
}

/// True when `r` is orthonormal with determinant +1, to tolerance `tol`.
pub fn is_rotation(r: &Mat3, tol: f64) -> bool {
    r.iter().all(|x| x.is_finite())
        && (r.transpose() * r - Mat3::identity()).amax() <= tol
        && (r.determinant() - 1.0).abs() <= tol
}

/// The rotation about a unit `axis` by `angle` (right-hand rule).
pub fn about_axis(axis: &Vec3, angle: f64) -> Mat3 {
    exp(&(axis * angle))
}

/// The elementary rotations `R_x(θ)`, `R_y(θ)`, `R_z(θ)`.
pub fn rot_x(t: f64) -> Mat3 {
    let (s, c) = t.sin_cos();
    Mat3::new(1.0, 0.0, 0.0, 0.0, c, -s, 0.0, s, c)
}
/// See [`rot_x`].
pub fn rot_y(t: f64) -> Mat3 {
    let (s, c) = t.sin_cos();
    Mat3::new(c, 0.0, s, 0.0, 1.0, 0.0, -s, 0.0, c)
}
/// See [`rot_x`].
pub fn rot_z(t: f64) -> Mat3 {
    let (s, c) = t.sin_cos();
    Mat3::new(c, -s, 0.0, s, c, 0.0, 0.0, 0.0, 1.0)
}

/// The URDF `rpy` convention: fixed-axis roll about X, then pitch about Y, then yaw about Z,
/// i.e. `R = R_z(yaw)·R_y(pitch)·R_x(roll)`.
pub fn from_rpy(roll: f64, pitch: f64, yaw: f64) -> Mat3 {
    let (sr, cr) = roll.sin_cos();
    let (sp, cp) = pitch.sin_cos();
    let (sy, cy) = yaw.sin_cos();
    Mat3::new(
        cy * cp,
        cy * sp * sr - sy * cr,
        cy * sp * cr + sy * sr,
        sy * cp,
        sy * sp * sr + cy * cr,
        sy * sp * cr - cy * sr,
        -sp,
        cp * sr,
        cp * cr,
    )
}

/// The closest rotation to `m` in the Frobenius norm (polar decomposition via SVD); used to
/// clean up matrices that drifted by round-off.
pub fn nearest_rotation(m: &Mat3) -> Mat3 {
    let svd = m.svd(true, true);
    let (Some(u), Some(v_t)) = (svd.u, svd.v_t) else {
        return Mat3::identity();
    };
    let mut d = Mat3::identity();
    if (u * v_t).determinant() < 0.0 {
        d[(2, 2)] = -1.0;
    }
    u * d * v_t
}

/// An axis (unit vector) and an angle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AxisAngle {
    pub axis: Vec3,
    pub angle: f64,
}

impl AxisAngle {
    /// Normalizes `axis`; `None` for a zero or non-finite axis.
    pub fn new(axis: Vec3, angle: f64) -> Option<AxisAngle> {
        let n = axis.norm();
        (n > 1e-12 && n.is_finite() && angle.is_finite()).then(|| AxisAngle {
            axis: axis / n,
            angle,
        })
    }

    pub fn to_matrix(self) -> Mat3 {
        exp(&(self.axis * self.angle))
    }

    /// Angle in [0, π]; for the identity the axis is reported as +Z.
    pub fn from_matrix(r: &Mat3) -> AxisAngle {
        let phi = log(r);
        let angle = phi.norm();
        if angle < 1e-15 {
            AxisAngle {
                axis: Vec3::z(),
                angle: 0.0,
            }
        } else {
            AxisAngle {
                axis: phi / angle,
                angle,
            }
        }
    }

    pub fn to_rotation_vector(self) -> Vec3 {
        self.axis * self.angle
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn vec3() -> impl Strategy<Value = Vec3> {
        (-3.0..3.0f64, -3.0..3.0f64, -3.0..3.0f64).prop_map(|(x, y, z)| Vec3::new(x, y, z))
    }

    #[test]
    fn hat_is_the_cross_product() {
        let a = Vec3::new(0.3, -1.2, 2.0);
        let b = Vec3::new(-0.7, 0.4, 0.9);
        assert_relative_eq!(hat(&a) * b, a.cross(&b), epsilon = 1e-15);
        assert_relative_eq!(vee(&hat(&a)), a, epsilon = 1e-15);
    }

    #[test]
    fn exp_matches_the_closed_form_about_z() {
        let r = exp(&Vec3::new(0.0, 0.0, 0.8));
        assert_relative_eq!(r, rot_z(0.8), epsilon = 1e-15);
    }

    #[test]
    fn exp_matches_nalgebra_and_a_series_sum() {
        // Oracle 1: nalgebra's own Rotation3::new; oracle 2: the matrix power series Σ Kⁿ/n!.
        for phi in [
            Vec3::new(0.1, -0.2, 0.3),
            Vec3::new(1.0, 2.0, -0.5),
            Vec3::new(1e-7, 0.0, 2e-7),
        ] {
            let r = exp(&phi);
            let oracle = nalgebra::Rotation3::new(phi).into_inner();
            assert_relative_eq!(r, oracle, epsilon = 1e-14);
            let k = hat(&phi);
            let mut term = Mat3::identity();
            let mut sum = Mat3::identity();
            for n in 1..40 {
                term = term * k / n as f64;
                sum += term;
            }
            assert_relative_eq!(r, sum, epsilon = 1e-13);
        }
    }

    #[test]
    fn log_is_accurate_near_zero_and_pi() {
        for theta in [
            0.0,
            1e-12,
            1e-7,
            1e-3,
            1.0,
            3.0,
            std::f64::consts::PI - 1e-9,
        ] {
            let axis = Vec3::new(1.0, -2.0, 0.5).normalize();
            let phi = axis * theta;
            let back = log(&exp(&phi));
            assert_relative_eq!(back, phi, epsilon = 1e-12);
        }
        // At exactly π the rotation vector is ±π·axis: both must map back to the same matrix.
        let phi = Vec3::new(0.0, 0.6, 0.8) * std::f64::consts::PI;
        let back = log(&exp(&phi));
        assert_relative_eq!(back.norm(), std::f64::consts::PI, epsilon = 1e-12);
        assert_relative_eq!(exp(&back), exp(&phi), epsilon = 1e-12);
    }

    #[test]
    fn rpy_matches_the_urdf_definition() {
        let (r, p, y) = (0.3, -0.4, 1.1);
        assert_relative_eq!(
            from_rpy(r, p, y),
            rot_z(y) * rot_y(p) * rot_x(r),
            epsilon = 1e-15
        );
    }

    #[test]
    fn nearest_rotation_fixes_drift() {
        let r = exp(&Vec3::new(0.4, 0.1, -0.2));
        let noisy = r + Mat3::from_element(1e-6);
        let fixed = nearest_rotation(&noisy);
        assert!(is_rotation(&fixed, 1e-12));
        assert_relative_eq!(fixed, r, epsilon = 1e-5);
    }

    proptest! {
        #[test]
        fn exp_is_a_rotation(phi in vec3()) {
            prop_assert!(is_rotation(&exp(&phi), 1e-12));
        }

        #[test]
        fn exp_log_round_trip(phi in vec3()) {
            // Wrap into the principal ball |φ| ≤ π before comparing.
            let theta = phi.norm();
            prop_assume!(theta < std::f64::consts::PI - 1e-6);
            let back = log(&exp(&phi));
            prop_assert!((back - phi).amax() < 1e-10);
        }

        #[test]
        fn log_exp_round_trip(phi in vec3()) {
            let r = exp(&phi);
            prop_assert!((exp(&log(&r)) - r).amax() < 1e-12);
        }

        #[test]
        fn left_jacobian_is_the_derivative_of_exp(phi in vec3(), d in vec3()) {
            // exp(φ + εd) ≈ exp(ε·J_l(φ)d)·exp(φ): check by central differences.
            let eps = 1e-6;
            let lhs = (exp(&(phi + d * eps)) - exp(&(phi - d * eps))) / (2.0 * eps);
            let rhs = hat(&(left_jacobian(&phi) * d)) * exp(&phi);
            prop_assert!((lhs - rhs).amax() < 1e-6);
            let round = left_jacobian_inverse(&phi) * left_jacobian(&phi);
            prop_assume!(phi.norm() < 3.0);
            prop_assert!((round - Mat3::identity()).amax() < 1e-9);
        }
    }

    fn rotvec() -> impl Strategy<Value = Vec3> {
        (-2.0..2.0f64, -2.0..2.0f64, -2.0..2.0f64).prop_map(|(x, y, z)| Vec3::new(x, y, z))
    }

    #[test]
    fn axis_angle_rejects_zero_axis() {
        assert!(AxisAngle::new(Vec3::zeros(), 1.0).is_none());
        let aa = AxisAngle::new(Vec3::new(0.0, 0.0, 2.0), 0.5).expect("valid axis");
        assert_relative_eq!(aa.to_matrix(), rot_z(0.5), epsilon = 1e-15);
    }

    proptest! {
        #[test]
        fn axis_angle_round_trip(phi in rotvec()) {
            let r = exp(&phi);
            let aa = AxisAngle::from_matrix(&r);
            prop_assert!((aa.to_matrix() - r).amax() < 1e-12);
        }
    }
}
