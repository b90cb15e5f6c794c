//! SE(3), rigid transforms `T = [R p; 0 1]`, and their action on points, vectors and six-vectors.
//!
//! `T_ab` is frame *b*'s pose in frame *a*. Composition reads right to left like peeling an
//! onion: `p_a = T_ab · T_bc · p_c`. The inverse is closed form, `T⁻¹ = [Rᵀ −Rᵀp; 0 1]`: no
//! general 4×4 inversion is ever needed.

use super::{Mat3, Mat4, Mat6, Vec3, Vec6, so3};

/// An element of SE(3): a rotation followed by a translation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    pub rotation: Mat3,
    pub translation: Vec3,
}

impl Default for Transform {
    fn default() -> Self {
        Transform::identity()
    }
}

impl Transform {
    pub fn identity() -> Transform {
        Transform {
            rotation: Mat3::identity(),
            translation: Vec3::zeros(),
        }
    }

    pub fn new(rotation: Mat3, translation: Vec3) -> Transform {
        Transform {
            rotation,
            translation,
        }
    }

    pub fn from_translation(translation: Vec3) -> Transform {
        Transform::new(Mat3::identity(), translation)
    }

    pub fn from_rotation(rotation: Mat3) -> Transform {
        Transform::new(rotation, Vec3::zeros())
    }

    /// A URDF `<origin xyz rpy>`: translation `xyz`, rotation `R_z(y)·R_y(p)·R_x(r)`.
    pub fn from_xyz_rpy(xyz: [f64; 3], rpy: [f64; 3]) -> Transform {
        Transform::new(
            so3::from_rpy(rpy[0], rpy[1], rpy[2]),
            Vec3::new(xyz[0], xyz[1], xyz[2]),
        )
    }

    /// `self · other`: `T_ac = T_ab · T_bc`.
    #[inline]
    pub fn compose(&self, other: &Transform) -> Transform {
        Transform {
            rotation: self.rotation * other.rotation,
            translation: self.rotation * other.translation + self.translation,
        }
    }

    /// The closed-form inverse `[Rᵀ, −Rᵀp]`: `T_ba = T_ab⁻¹`.
    #[inline]
    pub fn inverse(&self) -> Transform {
        let rt = self.rotation.transpose();
        Transform {
            rotation: rt,
            translation: -(rt * self.translation),
        }
    }

    /// A point moves with the whole transform: `R·p + t` (homogeneous coordinate 1).
    #[inline]
    pub fn transform_point(&self, p: &Vec3) -> Vec3 {
        self.rotation * p + self.translation
    }

    /// A free vector (a direction, a velocity) only rotates: `R·v` (homogeneous coordinate 0).
    #[inline]
    pub fn transform_vector(&self, v: &Vec3) -> Vec3 {
        self.rotation * v
    }

    pub fn to_matrix(&self) -> Mat4 {
        let mut m = Mat4::identity();
        m.fixed_view_mut::<3, 3>(0, 0).copy_from(&self.rotation);
        m.fixed_view_mut::<3, 1>(0, 3).copy_from(&self.translation);
        m
    }

    /// Reads a homogeneous matrix; `None` unless its last row is `[0 0 0 1]` and its
    /// upper-left block is a rotation, both to `tol`.
    pub fn from_matrix(m: &Mat4, tol: f64) -> Option<Transform> {
        let bottom_ok = (m[(3, 0)].abs() <= tol)
            && (m[(3, 1)].abs() <= tol)
            && (m[(3, 2)].abs() <= tol)
            && ((m[(3, 3)] - 1.0).abs() <= tol);
        let r: Mat3 = m.fixed_view::<3, 3>(0, 0).into_owned();
        let t: Vec3 = m.fixed_view::<3, 1>(0, 3).into_owned();
        (bottom_ok && so3::is_rotation(&r, tol) && t.iter().all(|x| x.is_finite()))
            .then_some(Transform::new(r, t))
    }

    /// The pose of a camera at `eye` looking at `target`, in the ROS *optical* convention
    /// (REP-103's `_optical` frames): z forward along the line of sight, x to the image's
    /// right, y down. `up` is the world's up (Z for REP-103). `None` if the eye is on the
    /// target or looks straight along `up`.
    pub fn look_at_optical(eye: &Vec3, target: &Vec3, up: &Vec3) -> Option<Transform> {
        let z = (target - eye).try_normalize(1e-12)?;
        let x = z.cross(up).try_normalize(1e-9)?;
        let y = z.cross(&x);
        Some(Transform::new(Mat3::from_columns(&[x, y, z]), *eye))
    }

    /// `T_ab = T_wa⁻¹·T_wb`: frame *b*'s pose in frame *a*, from both poses in a common frame.
    pub fn relative(t_wa: &Transform, t_wb: &Transform) -> Transform {
        t_wa.inverse() * *t_wb
    }

    pub fn is_finite(&self) -> bool {
        self.rotation
            .iter()
            .chain(self.translation.iter())
            .all(|x| x.is_finite())
    }

    /// The motion transform `X = Ad_T` (6×6, linear part first) that re-expresses a twist given
    /// in frame *b* in frame *a*:
    /// `X = [R  [p]×R; 0  R]`, i.e. `ω_a = R·ω_b`, `v_a = R·v_b + p × (R·ω_b)`.
    pub fn adjoint(&self) -> Mat6 {
        let r = &self.rotation;
        let pr = so3::hat(&self.translation) * r;
        let mut x = Mat6::zeros();
        x.fixed_view_mut::<3, 3>(0, 0).copy_from(r);
        x.fixed_view_mut::<3, 3>(0, 3).copy_from(&pr);
        x.fixed_view_mut::<3, 3>(3, 3).copy_from(r);
        x
    }

    /// The force transform `X* = X⁻ᵀ` for wrenches `(f, τ)`:
    /// `X* = [R  0; [p]×R  R]`, i.e. `f_a = R·f_b`, `τ_a = R·τ_b + p × (R·f_b)`.
    /// It is the unique transform that keeps power `fᵀv + τᵀω` the same in every frame.
    pub fn force_transform(&self) -> Mat6 {
        let r = &self.rotation;
        let pr = so3::hat(&self.translation) * r;
        let mut x = Mat6::zeros();
        x.fixed_view_mut::<3, 3>(0, 0).copy_from(r);
        x.fixed_view_mut::<3, 3>(3, 0).copy_from(&pr);
        x.fixed_view_mut::<3, 3>(3, 3).copy_from(r);
        x
    }

    /// The exponential of a twist `ξ = (ρ, φ)` (linear first) held for unit time:
    /// `exp(ξ) = [exp(φ)  J_l(φ)·ρ; 0 1]`.
    pub fn exp(xi: &Vec6) -> Transform {
        let rho = Vec3::new(xi[0], xi[1], xi[2]);
        let phi = Vec3::new(xi[3], xi[4], xi[5]);
        Transform::new(so3::exp(&phi), so3::left_jacobian(&phi) * rho)
    }

    /// The logarithm: the twist `(ρ, φ)` with `exp(ρ, φ) = T`, `|φ| ≤ π` (ill-conditioned as
    /// `|φ| → π`, where `J_l⁻¹` has a `1/sin θ` term).
    pub fn log(&self) -> Vec6 {
        let phi = so3::log(&self.rotation);
        let rho = so3::left_jacobian_inverse(&phi) * self.translation;
        Vec6::new(rho.x, rho.y, rho.z, phi.x, phi.y, phi.z)
    }
}

impl std::ops::Mul for Transform {
    type Output = Transform;
    fn mul(self, rhs: Transform) -> Transform {
        self.compose(&rhs)
    }
}

impl std::ops::Mul<&Transform> for &Transform {
    type Output = Transform;
    fn mul(self, rhs: &Transform) -> Transform {
        self.compose(rhs)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    #[test]
    fn the_optical_camera_looks_at_its_target_with_y_down() {
        let eye = Vec3::new(1.1, -0.7, 0.6);
        let target = Vec3::new(0.5, 0.0, 0.05);
        let t = Transform::look_at_optical(&eye, &target, &Vec3::z()).unwrap();
        assert!(so3::is_rotation(&t.rotation, 1e-12));
        // The target is straight ahead: on the optical axis at its distance.
        let in_cam = t.inverse().transform_point(&target);
        assert_relative_eq!(in_cam.x, 0.0, epsilon = 1e-12);
        assert_relative_eq!(in_cam.y, 0.0, epsilon = 1e-12);
        assert_relative_eq!(in_cam.z, (target - eye).norm(), epsilon = 1e-12);
        // Image "down" points down in the world, image "right" is level.
        assert!(t.rotation.column(1).z < 0.0);
        assert_relative_eq!(t.rotation.column(0).z, 0.0, epsilon = 1e-12);
        assert!(Transform::look_at_optical(&eye, &eye, &Vec3::z()).is_none());
        let above = eye + Vec3::z();
        assert!(Transform::look_at_optical(&eye, &above, &Vec3::z()).is_none());
    }

    proptest! {
        #[test]
        fn relative_poses_chain(a in transform(), b in transform(), c in transform()) {
            let t_ab = Transform::relative(&a, &b);
            let t_bc = Transform::relative(&b, &c);
            let t_ac = Transform::relative(&a, &c);
            let chained = t_ab * t_bc;
            prop_assert!((chained.to_matrix() - t_ac.to_matrix()).amax() < 1e-9);
            prop_assert!((a * t_ab).to_matrix().relative_eq(&b.to_matrix(), 1e-9, 1e-9));
        }
    }

    pub fn transform() -> impl Strategy<Value = Transform> {
        (
            (-3.0..3.0f64, -3.0..3.0f64, -3.0..3.0f64),
            (-2.0..2.0f64, -2.0..2.0f64, -2.0..2.0f64),
        )
            .prop_map(|((a, b, c), (x, y, z))| {
                Transform::new(so3::exp(&Vec3::new(a, b, c)), Vec3::new(x, y, z))
            })
    }

    pub fn vec6() -> impl Strategy<Value = Vec6> {
        proptest::array::uniform6(-2.0..2.0f64).prop_map(Vec6::from)
    }

    #[test]
    fn calibration_chain_reads_right_to_left() {
        // Camera 1 m above the base looking down (its Z towards −Z of the base); the target is
        // 0.5 m in front of the camera. The point must land 0.5 m above the base.
        let t_base_cam = Transform::new(so3::rot_x(std::f64::consts::PI), Vec3::new(0.0, 0.0, 1.0));
        let t_cam_target = Transform::from_translation(Vec3::new(0.0, 0.0, 0.5));
        let p = (t_base_cam * t_cam_target).transform_point(&Vec3::zeros());
        assert_relative_eq!(p, Vec3::new(0.0, 0.0, 0.5), epsilon = 1e-15);
    }

    #[test]
    fn order_matters() {
        let a = Transform::new(so3::rot_z(1.0), Vec3::new(1.0, 0.0, 0.0));
        let b = Transform::new(so3::rot_x(0.5), Vec3::new(0.0, 2.0, 0.0));
        assert!(((a * b).to_matrix() - (b * a).to_matrix()).amax() > 0.1);
    }

    #[test]
    fn from_matrix_rejects_bad_rows_and_rotations() {
        let mut m = Mat4::identity();
        assert!(Transform::from_matrix(&m, 1e-9).is_some());
        m[(3, 0)] = 0.1;
        assert!(Transform::from_matrix(&m, 1e-9).is_none());
        let mut m = Mat4::identity();
        m[(0, 0)] = 2.0;
        assert!(Transform::from_matrix(&m, 1e-9).is_none());
    }

    proptest! {
        #[test]
        fn group_laws(a in transform(), b in transform(), c in transform()) {
            // Associativity, identity, inverse, and agreement with 4×4 matrix products.
            let lhs = (a * b) * c;
            let rhs = a * (b * c);
            prop_assert!((lhs.to_matrix() - rhs.to_matrix()).amax() < 1e-12);
            prop_assert!(((a * Transform::identity()).to_matrix() - a.to_matrix()).amax() == 0.0);
            prop_assert!(((a * a.inverse()).to_matrix() - Mat4::identity()).amax() < 1e-13);
            prop_assert!(((a.inverse() * a).to_matrix() - Mat4::identity()).amax() < 1e-13);
            prop_assert!(((a * b).to_matrix() - a.to_matrix() * b.to_matrix()).amax() < 1e-12);
            let general = a.to_matrix().try_inverse().expect("invertible");
            prop_assert!((a.inverse().to_matrix() - general).amax() < 1e-12);
            prop_assert!(((a * b).inverse().to_matrix() - (b.inverse() * a.inverse()).to_matrix()).amax() < 1e-12);
        }

        #[test]
        fn points_translate_vectors_do_not(a in transform(), x in -1.0..1.0f64) {
            let p = Vec3::new(x, 2.0 * x, -x);
            let h = a.to_matrix() * nalgebra::Vector4::new(p.x, p.y, p.z, 1.0);
            prop_assert!((a.transform_point(&p) - h.xyz()).amax() < 1e-13);
            let h0 = a.to_matrix() * nalgebra::Vector4::new(p.x, p.y, p.z, 0.0);
            prop_assert!((a.transform_vector(&p) - h0.xyz()).amax() < 1e-13);
        }

        #[test]
        fn force_transform_is_inverse_transpose(a in transform()) {
            let x = a.adjoint();
            let x_inv_t = x.try_inverse().expect("invertible").transpose();
            prop_assert!((a.force_transform() - x_inv_t).amax() < 1e-11);
            // And Ad is a homomorphism with Ad(T⁻¹) = Ad(T)⁻¹.
            prop_assert!((a.inverse().adjoint() * x - Mat6::identity()).amax() < 1e-12);
        }

        #[test]
        fn adjoint_is_a_homomorphism(a in transform(), b in transform()) {
            prop_assert!(((a * b).adjoint() - a.adjoint() * b.adjoint()).amax() < 1e-11);
        }

        #[test]
        fn exp_log_round_trip(xi in vec6()) {
            prop_assume!(Vec3::new(xi[3], xi[4], xi[5]).norm() < 3.0);
            let t = Transform::exp(&xi);
            prop_assert!((t.log() - xi).amax() < 1e-9);
        }

        #[test]
        fn exp_matches_the_matrix_exponential(xi in vec6()) {
            // Oracle: the power series of the 4×4 twist matrix [[φ]× ρ; 0 0].
            let mut m = Mat4::zeros();
            m.fixed_view_mut::<3, 3>(0, 0).copy_from(&so3::hat(&Vec3::new(xi[3], xi[4], xi[5])));
            m[(0, 3)] = xi[0]; m[(1, 3)] = xi[1]; m[(2, 3)] = xi[2];
            let (mut term, mut sum) = (Mat4::identity(), Mat4::identity());
            for n in 1..60 { term = term * m / n as f64; sum += term; }
            prop_assert!((Transform::exp(&xi).to_matrix() - sum).amax() < 1e-10);
        }
    }
}
