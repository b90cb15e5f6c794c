//! Spatial vector algebra (Featherstone), written linear part first to match the
//! Jacobian's row order.
//!
//! Motion vectors (twists `(v, ω)`) and force vectors (wrenches `(f, τ)`) live in dual spaces:
//! their only meaningful product is power, `P = fᵀv + τᵀω`. A motion vector changes frame with
//! `X = Ad_T`, a force vector with `X* = X⁻ᵀ`, and then `(X*f)ᵀ(Xv) = fᵀX⁻¹Xv = fᵀv`: power is
//! the same in every frame.
//!
//! Featherstone writes the angular part first; his `ᴬX_B = [R 0; [p]×R R]` is the same matrix
//! as [`Transform::adjoint`] here with its blocks swapped.

use super::{Mat3, Mat6, Transform, Vec3, Vec6, so3};

/// A spatial velocity: the linear velocity of the point at the frame's origin, then ω.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Twist {
    pub linear: Vec3,
    pub angular: Vec3,
}

/// A spatial force: the force, then the moment about the frame's origin.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Wrench {
    pub force: Vec3,
    pub torque: Vec3,
}

impl Twist {
    pub fn new(linear: Vec3, angular: Vec3) -> Twist {
        Twist { linear, angular }
    }
    pub fn from_vec6(v: &Vec6) -> Twist {
        Twist::new(v.fixed_rows::<3>(0).into(), v.fixed_rows::<3>(3).into())
    }
    pub fn to_vec6(self) -> Vec6 {
        Vec6::new(
            self.linear.x,
            self.linear.y,
            self.linear.z,
            self.angular.x,
            self.angular.y,
            self.angular.z,
        )
    }
    /// Re-expresses a twist given in frame *b* in frame *a*, where `t_ab` is *b*'s pose in *a*
    /// (the action of `X = Ad_T`, without building the 6×6 matrix).
    pub fn transform(self, t_ab: &Transform) -> Twist {
        let angular = t_ab.rotation * self.angular;
        Twist::new(
            t_ab.rotation * self.linear + t_ab.translation.cross(&angular),
            angular,
        )
    }
    /// The power a wrench delivers on this motion, `fᵀv + τᵀω` (watts).
    pub fn power(self, w: &Wrench) -> f64 {
        w.force.dot(&self.linear) + w.torque.dot(&self.angular)
    }
}

impl Wrench {
    pub fn new(force: Vec3, torque: Vec3) -> Wrench {
        Wrench { force, torque }
    }
    pub fn from_vec6(v: &Vec6) -> Wrench {
        Wrench::new(v.fixed_rows::<3>(0).into(), v.fixed_rows::<3>(3).into())
    }
    pub fn to_vec6(self) -> Vec6 {
        Vec6::new(
            self.force.x,
            self.force.y,
            self.force.z,
            self.torque.x,
            self.torque.y,
            self.torque.z,
        )
    }
    /// Re-expresses a wrench given in frame *b* in frame *a* (the action of `X* = X⁻ᵀ`).
    pub fn transform(self, t_ab: &Transform) -> Wrench {
        let force = t_ab.rotation * self.force;
        Wrench::new(
            force,
            t_ab.rotation * self.torque + t_ab.translation.cross(&force),
        )
    }
}

/// The spatial cross product for motion vectors, `v×` (linear first):
/// `[[ω]×  [v]×; 0  [ω]×]`. `crm(v)·m` is the rate of change of a motion vector `m` fixed in a
/// body moving with twist `v`.
pub fn crm(v: &Vec6) -> Mat6 {
    let lin = so3::hat(&Vec3::new(v[0], v[1], v[2]));
    let ang = so3::hat(&Vec3::new(v[3], v[4], v[5]));
    let mut m = Mat6::zeros();
    m.fixed_view_mut::<3, 3>(0, 0).copy_from(&ang);
    m.fixed_view_mut::<3, 3>(0, 3).copy_from(&lin);
    m.fixed_view_mut::<3, 3>(3, 3).copy_from(&ang);
    m
}

/// The spatial cross product for force vectors, `v×* = −(v×)ᵀ = [[ω]×  0; [v]×  [ω]×]`.
pub fn crf(v: &Vec6) -> Mat6 {
    let lin = so3::hat(&Vec3::new(v[0], v[1], v[2]));
    let ang = so3::hat(&Vec3::new(v[3], v[4], v[5]));
    let mut m = Mat6::zeros();
    m.fixed_view_mut::<3, 3>(0, 0).copy_from(&ang);
    m.fixed_view_mut::<3, 3>(3, 0).copy_from(&lin);
    m.fixed_view_mut::<3, 3>(3, 3).copy_from(&ang);
    m
}

/// A rigid body's mass properties: mass, centre of mass `c` and rotational inertia about the
/// centre of mass, all in one frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpatialInertia {
    pub mass: f64,
    pub com: Vec3,
    pub inertia_com: Mat3,
}

impl SpatialInertia {
    pub fn zero() -> SpatialInertia {
        SpatialInertia {
            mass: 0.0,
            com: Vec3::zeros(),
            inertia_com: Mat3::zeros(),
        }
    }

    /// The 6×6 spatial inertia about the frame's origin (linear first):
    /// `[[m·1, m[c]×ᵀ]; [m[c]×, I_c + m[c]×[c]×ᵀ]]`, mapping a twist to a momentum (a force
    /// vector).
    pub fn to_matrix(&self) -> Mat6 {
        let m = self.mass;
        let cx = so3::hat(&self.com);
        let mut out = Mat6::zeros();
        out.fixed_view_mut::<3, 3>(0, 0)
            .copy_from(&(Mat3::identity() * m));
        out.fixed_view_mut::<3, 3>(0, 3)
            .copy_from(&(cx.transpose() * m));
        out.fixed_view_mut::<3, 3>(3, 0).copy_from(&(cx * m));
        out.fixed_view_mut::<3, 3>(3, 3)
            .copy_from(&(self.inertia_com + cx * cx.transpose() * m));
        out
    }

    /// The same body's inertia expressed in frame *a*, given `t_ab` (this inertia is in *b*).
    pub fn transformed(&self, t_ab: &Transform) -> SpatialInertia {
        let r = t_ab.rotation;
        SpatialInertia {
            mass: self.mass,
            com: t_ab.transform_point(&self.com),
            inertia_com: r * self.inertia_com * r.transpose(),
        }
    }

    /// Two rigidly joined bodies as one (both in the same frame), by the parallel-axis theorem.
    pub fn combine(&self, o: &SpatialInertia) -> SpatialInertia {
        let m = self.mass + o.mass;
        if m <= 0.0 {
            return SpatialInertia::zero();
        }
        let c = (self.com * self.mass + o.com * o.mass) / m;
        let shift = |i: &SpatialInertia| {
            let d = i.com - c;
            i.inertia_com + (Mat3::identity() * d.norm_squared() - d * d.transpose()) * i.mass
        };
        SpatialInertia {
            mass: m,
            com: c,
            inertia_com: shift(self) + shift(o),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::se3::tests::{transform, vec6};
    use approx::assert_relative_eq;
    use proptest::prelude::*;

    fn body() -> SpatialInertia {
        SpatialInertia {
            mass: 2.5,
            com: Vec3::new(0.1, -0.05, 0.2),
            inertia_com: Mat3::new(
                0.03, 0.001, -0.002, 0.001, 0.02, 0.0005, -0.002, 0.0005, 0.025,
            ),
        }
    }

    /// A twist's Euclidean length mixes metres per second with radians per second, and the
    /// same motion seen from another frame has another length: only the pairing with a wrench
    /// (power) is the same in every frame.
    #[test]
    fn a_twists_length_depends_on_the_frame_and_power_does_not() {
        let v = Twist::new(Vec3::new(0.2, 0.0, 0.0), Vec3::new(0.0, 0.0, 1.0));
        let f = Wrench::new(Vec3::new(1.0, 2.0, 0.0), Vec3::new(0.0, 0.5, 3.0));
        let t = Transform::new(so3::rot_x(0.4), Vec3::new(0.0, 1.5, 0.3));
        let (va, fa) = (v.transform(&t), f.transform(&t));
        let (n, na) = (v.to_vec6().norm(), va.to_vec6().norm());
        assert!((n - na).abs() > 0.5, "{n} vs {na}");
        assert_relative_eq!(va.power(&fa), v.power(&f), epsilon = 1e-12);
    }

    #[test]
    fn crf_is_minus_crm_transpose() {
        let v = Vec6::new(0.1, 0.2, 0.3, -0.4, 0.5, 0.6);
        assert_relative_eq!(crf(&v), -crm(&v).transpose(), epsilon = 0.0);
        // v × v = 0 for motion vectors.
        assert_relative_eq!(crm(&v) * v, Vec6::zeros(), epsilon = 1e-15);
    }

    #[test]
    fn kinetic_energy_matches_the_point_mass_sum() {
        // Oracle: ½mv_c² + ½ωᵀI_cω with v_c = v + ω × c.
        let i = body();
        let v = Vec6::new(0.3, -0.2, 0.1, 0.5, 0.7, -0.4);
        let lin = Vec3::new(v[0], v[1], v[2]);
        let w = Vec3::new(v[3], v[4], v[5]);
        let vc = lin + w.cross(&i.com);
        let expected = 0.5 * i.mass * vc.norm_squared() + 0.5 * w.dot(&(i.inertia_com * w));
        assert_relative_eq!(0.5 * v.dot(&(i.to_matrix() * v)), expected, epsilon = 1e-14);
    }

    #[test]
    fn combining_bodies_adds_their_spatial_inertias() {
        let a = body();
        let b = SpatialInertia {
            mass: 1.0,
            com: Vec3::new(-0.3, 0.2, 0.0),
            inertia_com: Mat3::identity() * 0.01,
        };
        assert_relative_eq!(
            a.combine(&b).to_matrix(),
            a.to_matrix() + b.to_matrix(),
            epsilon = 1e-14
        );
    }

    proptest! {
        #[test]
        fn power_is_invariant_under_change_of_frame(t in transform(), v in vec6(), f in vec6()) {
            let (tw, wr) = (Twist::from_vec6(&v), Wrench::from_vec6(&f));
            let p_b = tw.power(&wr);
            let p_a = tw.transform(&t).power(&wr.transform(&t));
            prop_assert!((p_a - p_b).abs() < 1e-11);
            // The structured actions agree with the 6×6 matrices.
            prop_assert!((tw.transform(&t).to_vec6() - t.adjoint() * v).amax() < 1e-12);
            prop_assert!((wr.transform(&t).to_vec6() - t.force_transform() * f).amax() < 1e-12);
        }

        #[test]
        fn spatial_inertia_transforms_as_a_force_motion_map(t in transform()) {
            // I_a = X*·I_b·X⁻¹.
            let i = body();
            let lhs = i.transformed(&t).to_matrix();
            let x_inv = t.inverse().adjoint();
            let rhs = t.force_transform() * i.to_matrix() * x_inv;
            prop_assert!((lhs - rhs).amax() < 1e-11);
        }

        #[test]
        fn cross_products_transform_covariantly(t in transform(), v in vec6()) {
            // X·(v×)·X⁻¹ = (Xv)×.
            let x = t.adjoint();
            let lhs = x * crm(&v) * t.inverse().adjoint();
            prop_assert!((lhs - crm(&(x * v))).amax() < 1e-10);
        }
    }
}
