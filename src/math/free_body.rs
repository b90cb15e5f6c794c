//! A free rigid body under no force, moved by the spatial equation of motion
//! `f = I·a + v ×* I·v` (with `f = 0`), written in the body frame at the centre of mass: the
//! velocity integrated by RK4, the orientation by the exponential map.

use super::spatial::{SpatialInertia, crf};
use super::{Mat3, Mat6, Vec3, Vec6, so3};

/// A uniform box of mass `mass` (kg) and sides `sides` (m, along the body's x, y, z): its
/// principal moments are `m(b² + c²)/12`, `m(a² + c²)/12`, `m(a² + b²)/12`.
pub fn box_inertia(mass: f64, sides: [f64; 3]) -> SpatialInertia {
    let [a, b, c] = sides.map(|s| s * s);
    SpatialInertia {
        mass,
        com: Vec3::zeros(),
        inertia_com: Mat3::from_diagonal(&Vec3::new(b + c, a + c, a + b)) * (mass / 12.0),
    }
}

/// The body: its inertia (body frame, at the centre of mass), orientation and body-frame
/// twist (linear first).
#[derive(Clone, Debug)]
pub struct FreeBody {
    pub inertia: Mat6,
    inverse: Mat6,
    /// Body to world.
    pub rotation: Mat3,
    pub velocity: Vec6,
}

impl FreeBody {
    /// A body with inertia `inertia` (which must have mass and inertia: `None` otherwise).
    pub fn new(inertia: &SpatialInertia, rotation: Mat3, velocity: Vec6) -> Option<FreeBody> {
        let i = inertia.to_matrix();
        let inverse = i.try_inverse()?;
        Some(FreeBody {
            inertia: i,
            inverse,
            rotation,
            velocity,
        })
    }

    /// `a = −I⁻¹ (v ×* I v)`: the body-frame acceleration with no force applied.
    pub fn acceleration(&self, v: &Vec6) -> Vec6 {
        -(self.inverse * (crf(v) * (self.inertia * v)))
    }

    /// One step of `dt`: RK4 for the twist, and the orientation turned by the exponential of
    /// the rotation vector of the step (fourth order, so the world-frame angular momentum stays
    /// put to 1e-11 over 20 s at 1 ms).
    pub fn step(&mut self, dt: f64) {
        let v = self.velocity;
        let k1 = self.acceleration(&v);
        let v2 = v + k1 * (dt / 2.0);
        let k2 = self.acceleration(&v2);
        let v3 = v + k2 * (dt / 2.0);
        let k3 = self.acceleration(&v3);
        let v4 = v + k3 * dt;
        let k4 = self.acceleration(&v4);
        let mean = (v + v2 * 2.0 + v3 * 2.0 + v4) / 6.0;
        self.velocity = v + (k1 + k2 * 2.0 + k3 * 2.0 + k4) * (dt / 6.0);
        // The rotation turned through, to fourth order (Magnus): the mean rate, plus the
        // commutator of the rates at the step's two ends.
        let ang = |x: &Vec6| Vec3::new(x[3], x[4], x[5]);
        let (w_start, w_end) = (ang(&v), ang(&self.velocity));
        let turn = ang(&mean) * dt + w_start.cross(&w_end) * (dt * dt / 12.0);
        self.rotation *= so3::exp(&turn);
    }

    /// The angular velocity in the body frame.
    pub fn omega(&self) -> Vec3 {
        Vec3::new(self.velocity[3], self.velocity[4], self.velocity[5])
    }

    /// Kinetic energy `½ vᵀ I v`.
    pub fn energy(&self) -> f64 {
        0.5 * self.velocity.dot(&(self.inertia * self.velocity))
    }

    /// The angular momentum about the centre of mass, in the world frame (conserved).
    pub fn angular_momentum_world(&self) -> Vec3 {
        let h = self.inertia * self.velocity;
        self.rotation * Vec3::new(h[3], h[4], h[5])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sides 0.1 × 0.2 × 0.3 m: the largest moment about x, the middle about y, the smallest
    /// about z.
    fn slab() -> SpatialInertia {
        box_inertia(2.0, [0.1, 0.2, 0.3])
    }

    fn spun(axis: usize, rate: f64, wobble: f64) -> FreeBody {
        let mut v = Vec6::zeros();
        for k in 0..3 {
            v[3 + k] = if k == axis { rate } else { wobble };
        }
        FreeBody::new(&slab(), Mat3::identity(), v).unwrap()
    }

    /// The spatial equation's angular part is Euler's `I ω̇ = −ω × I ω`; its linear part the
    /// body-frame `m v̇ = −m ω × v`.
    #[test]
    fn the_spatial_equation_is_eulers_equation() {
        let inertia = slab();
        let body = FreeBody::new(&inertia, Mat3::identity(), Vec6::zeros()).unwrap();
        let (lin, w) = (Vec3::new(0.3, -0.2, 0.5), Vec3::new(1.0, 2.0, -0.5));
        let mut v = Vec6::zeros();
        v.fixed_rows_mut::<3>(0).copy_from(&lin);
        v.fixed_rows_mut::<3>(3).copy_from(&w);
        let a = body.acceleration(&v);
        let ic = inertia.inertia_com;
        let euler = -(ic.try_inverse().unwrap() * w.cross(&(ic * w)));
        let linear = -w.cross(&lin);
        for k in 0..3 {
            assert!((a[3 + k] - euler[k]).abs() < 1e-12, "{a} {euler}");
            assert!((a[k] - linear[k]).abs() < 1e-12, "{a} {linear}");
        }
        let ids = [
            inertia.inertia_com[(0, 0)],
            inertia.inertia_com[(1, 1)],
            inertia.inertia_com[(2, 2)],
        ];
        assert!(ids[0] > ids[1] && ids[1] > ids[2], "{ids:?}");
        assert!((ids[0] - 2.0 * (0.04 + 0.09) / 12.0).abs() < 1e-15);
        assert!(FreeBody::new(&SpatialInertia::zero(), Mat3::identity(), v).is_none());
    }

    #[test]
    fn energy_and_angular_momentum_are_conserved() {
        let mut body = spun(1, 5.0, 0.3);
        body.velocity[0] = 0.2;
        let (e0, h0) = (body.energy(), body.angular_momentum_world());
        let mut worst = (0.0f64, 0.0f64);
        for _ in 0..20_000 {
            body.step(1e-3);
            worst.0 = worst.0.max((body.energy() - e0).abs() / e0);
            worst.1 = worst
                .1
                .max((body.angular_momentum_world() - h0).norm() / h0.norm());
        }
        eprintln!(
            "20 s at 1 ms: energy {:.1e}, angular momentum {:.1e}",
            worst.0, worst.1
        );
        assert!(worst.0 < 1e-9, "energy drifts by {}", worst.0);
        assert!(worst.1 < 1e-9, "angular momentum drifts by {}", worst.1);
        assert!(so3::is_rotation(&body.rotation, 1e-9));
    }

    /// Spun about the largest or the smallest principal axis the body keeps spinning; about the
    /// middle one the smallest wobble grows until the body tumbles end over end.
    #[test]
    fn the_middle_axis_is_unstable() {
        let rate = 5.0;
        for axis in 0..3 {
            let mut body = spun(axis, rate, 1e-3);
            let (mut drift, mut lowest) = (0.0f64, rate);
            for _ in 0..10_000 {
                body.step(1e-3);
                let w = body.omega();
                let off = (0..3).filter(|&k| k != axis).map(|k| w[k].abs());
                drift = drift.max(off.fold(0.0, f64::max));
                lowest = lowest.min(w[axis]);
            }
            eprintln!("axis {axis}: largest off-axis rate {drift:.2e}, lowest spin {lowest:.2}");
            if axis == 1 {
                assert!(lowest < -0.9 * rate, "no flip: {lowest}");
            } else {
                assert!(drift < 1e-2 && lowest > 0.99 * rate, "{drift} {lowest}");
            }
        }
    }
}
