//! What the singular values of a Jacobian say about a pose.
//!
//! With `J = U Σ Vᵀ`, unit joint speeds `|q̇| ≤ 1` map to the **velocity ellipsoid** with
//! semi-axes `σᵢ·uᵢ`; unit joint torques `|τ| ≤ 1` balance tool wrenches inside the **force
//! ellipsoid** with semi-axes `uᵢ/σᵢ` (from `τ = Jᵀ F`): the arm is fast where it is weak.
//! `w = √det(J Jᵀ) = Πσᵢ` (Yoshikawa's manipulability) is the ellipsoid's volume up to a constant;
//! the condition number `σ_max/σ_min` says how round it is; `σ_min → 0` is a singularity.
//!
//! `U` and `σ` come from the symmetric eigen-decomposition `J Jᵀ = U Σ² Uᵀ` of a 6×6 (or 3×3)
//! matrix, which lives on the stack, so analysing a pose allocates nothing. Squaring costs
//! accuracy only for `σᵢ ≲ 1e-8·σ_max`, far inside any singularity a lesson shows.

use super::{Jacobian, Mat3, Mat6, Vec3, Vec6};

/// The singular value decomposition of a 6×n Jacobian's column space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Manipulability {
    /// `σ₁ ≥ … ≥ σ₆ ≥ 0`; when `n < 6`, at least `6 − n` of them are 0.
    pub sigma: [f64; 6],
    /// Column `i` is the left singular vector `uᵢ` (a twist direction, linear part first).
    pub u: Mat6,
}

impl Manipulability {
    pub fn from_jacobian(j: &Jacobian) -> Manipulability {
        let mut jjt = Mat6::zeros();
        for r in 0..6 {
            for c in r..6 {
                let mut s = 0.0;
                for k in 0..j.ncols() {
                    s += j[(r, k)] * j[(c, k)];
                }
                jjt[(r, c)] = s;
                jjt[(c, r)] = s;
            }
        }
        let (sigma, u) = sorted_eigen6(jjt);
        Manipulability { sigma, u }
    }

    /// `√det(J Jᵀ) = σ₁σ₂…σ₆`.
    pub fn manipulability(&self) -> f64 {
        self.sigma.iter().product()
    }

    /// `σ_max/σ_min`, infinite at a singularity.
    pub fn condition_number(&self) -> f64 {
        let min = self.sigma_min();
        if min > 0.0 {
            self.sigma[0] / min
        } else {
            f64::INFINITY
        }
    }

    pub fn sigma_min(&self) -> f64 {
        self.sigma[5]
    }

    pub fn u_axis(&self, i: usize) -> Vec6 {
        self.u.column(i).into_owned()
    }

    /// Semi-axis `σᵢ·uᵢ` of the velocity ellipsoid.
    pub fn velocity_axis(&self, i: usize) -> Vec6 {
        self.u_axis(i) * self.sigma[i]
    }

    /// Semi-axis `uᵢ/σᵢ` of the force ellipsoid; `None` along a singular direction, where the
    /// arm holds any wrench with zero torque.
    pub fn force_axis(&self, i: usize) -> Option<Vec6> {
        (self.sigma[i] > 0.0).then(|| self.u_axis(i) / self.sigma[i])
    }
}

/// A 3D ellipsoid: unit directions (columns) and semi-axis lengths, largest first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ellipsoid3 {
    pub directions: Mat3,
    pub radii: [f64; 3],
}

impl Ellipsoid3 {
    /// The velocity ellipsoid of a 3×n block `B` of the Jacobian (`B Bᵀ = U Σ² Uᵀ`).
    pub fn from_block(j: &Jacobian, first_row: usize) -> Ellipsoid3 {
        let mut m = Mat3::zeros();
        for r in 0..3 {
            for c in r..3 {
                let mut s = 0.0;
                for k in 0..j.ncols() {
                    s += j[(first_row + r, k)] * j[(first_row + c, k)];
                }
                m[(r, c)] = s;
                m[(c, r)] = s;
            }
        }
        let (radii, directions) = sorted_eigen3(m);
        Ellipsoid3 { directions, radii }
    }

    /// The dual (force or torque) ellipsoid: same directions, radii `1/σᵢ` (infinite where
    /// `σᵢ = 0`).
    pub fn dual(&self) -> Ellipsoid3 {
        Ellipsoid3 {
            directions: self.directions,
            radii: self
                .radii
                .map(|r| if r > 0.0 { 1.0 / r } else { f64::INFINITY }),
        }
    }

    pub fn axis(&self, i: usize) -> Vec3 {
        self.directions.column(i) * self.radii[i]
    }
}

/// The translational velocity ellipsoid (rows 0–2 of the Jacobian, m/s per rad/s).
pub fn translational_ellipsoid(j: &Jacobian) -> Ellipsoid3 {
    Ellipsoid3::from_block(j, 0)
}

/// The rotational velocity ellipsoid (rows 3–5, rad/s per rad/s).
pub fn rotational_ellipsoid(j: &Jacobian) -> Ellipsoid3 {
    Ellipsoid3::from_block(j, 3)
}

/// `M = U Σ² Uᵀ` for a symmetric positive semi-definite `M`: `σ = √λ` (negative round-off
/// clamped to 0), largest first, and `U` with matching columns.
macro_rules! sorted_eigen {
    ($name:ident, $d:literal) => {
        fn $name(m: nalgebra::SMatrix<f64, $d, $d>) -> ([f64; $d], nalgebra::SMatrix<f64, $d, $d>) {
            let a: [[f64; $d]; $d] = std::array::from_fn(|r| std::array::from_fn(|c| m[(r, c)]));
            let (lambda, v) = super::symeig::symmetric_eigen(&a);
            let sigma = lambda.map(|l| l.max(0.0).sqrt());
            (
                sigma,
                nalgebra::SMatrix::<f64, $d, $d>::from_fn(|r, c| v[r][c]),
            )
        }
    };
}
sorted_eigen!(sorted_eigen6, 6);
sorted_eigen!(sorted_eigen3, 3);

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn sample(n: usize, seed: u64) -> Jacobian {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        Jacobian::from_fn(n, |_, _| rng.random_range(-1.0..1.0))
    }

    #[test]
    fn singular_values_match_nalgebra_svd() {
        for (n, seed) in [(7, 1), (6, 2), (9, 3)] {
            let j = sample(n, seed);
            let m = Manipulability::from_jacobian(&j);
            let mut oracle: Vec<f64> = j
                .clone()
                .svd(false, false)
                .singular_values
                .iter()
                .copied()
                .collect();
            oracle.sort_by(|a, b| b.total_cmp(a));
            for i in 0..6 {
                assert_relative_eq!(m.sigma[i], oracle[i], epsilon = 1e-10, max_relative = 1e-10);
            }
            let jjt = &j * j.transpose();
            assert_relative_eq!(
                m.manipulability(),
                jjt.determinant().sqrt(),
                max_relative = 1e-10
            );
            // U is orthonormal and J Jᵀ uᵢ = σᵢ² uᵢ.
            assert_relative_eq!(m.u.transpose() * m.u, Mat6::identity(), epsilon = 1e-12);
            for i in 0..6 {
                let lhs = Mat6::from_iterator(jjt.iter().copied()) * m.u_axis(i);
                assert_relative_eq!(lhs, m.u_axis(i) * m.sigma[i].powi(2), epsilon = 1e-10);
            }
        }
    }

    #[test]
    fn fewer_joints_than_six_is_singular() {
        let m = Manipulability::from_jacobian(&sample(4, 9));
        assert!(m.sigma[4] < 1e-7 && m.sigma[5] < 1e-7);
        assert!(m.condition_number() > 1e6);
        assert!(m.manipulability() < 1e-12);
    }

    #[test]
    fn force_axes_are_reciprocal() {
        let m = Manipulability::from_jacobian(&sample(7, 4));
        for i in 0..6 {
            let f = m.force_axis(i).expect("regular");
            assert_relative_eq!(f.norm() * m.velocity_axis(i).norm(), 1.0, epsilon = 1e-12);
        }
        let zero = Manipulability::from_jacobian(&Jacobian::zeros(7));
        assert!(zero.force_axis(0).is_none());
        assert_eq!(zero.condition_number(), f64::INFINITY);
    }

    #[test]
    fn block_ellipsoids_match_svd_of_the_block() {
        let j = sample(7, 5);
        for first in [0, 3] {
            let e = Ellipsoid3::from_block(&j, first);
            let block = j.rows(first, 3).into_owned();
            let mut oracle: Vec<f64> = block
                .svd(false, false)
                .singular_values
                .iter()
                .copied()
                .collect();
            oracle.sort_by(|a, b| b.total_cmp(a));
            for i in 0..3 {
                assert_relative_eq!(e.radii[i], oracle[i], max_relative = 1e-10);
                assert_relative_eq!(e.dual().radii[i] * e.radii[i], 1.0, epsilon = 1e-12);
            }
        }
    }
}
