//! Motion on curved spaces: the Jacobian's determinant as the local area scale of a planar
//! two-link arm, Newton's method from the 1-D tangent on, rotations integrated on SO(3) with
//! the exponential map (body and world rates), and how far `exp(a)·exp(b)` is from
//! `exp(a + b)`.

use super::{Mat3, Vec3, so3};

/// A planar two-link arm with links `l1`, `l2` (m) and joint angles `(q1, q2)` (rad).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanarArm {
    pub l1: f64,
    pub l2: f64,
}

impl PlanarArm {
    /// The tip: `(l1 cos q1 + l2 cos(q1 + q2), l1 sin q1 + l2 sin(q1 + q2))`.
    pub fn tip(&self, q1: f64, q2: f64) -> [f64; 2] {
        [
            self.l1 * q1.cos() + self.l2 * (q1 + q2).cos(),
            self.l1 * q1.sin() + self.l2 * (q1 + q2).sin(),
        ]
    }

    /// `∂tip/∂q`, rows x and y.
    pub fn jacobian(&self, q1: f64, q2: f64) -> [[f64; 2]; 2] {
        let (s1, c1) = q1.sin_cos();
        let (s12, c12) = (q1 + q2).sin_cos();
        [
            [-self.l1 * s1 - self.l2 * s12, -self.l2 * s12],
            [self.l1 * c1 + self.l2 * c12, self.l2 * c12],
        ]
    }

    /// `det J = l1·l2·sin q2`: zero when the arm is straight or folded.
    pub fn det_j(&self, q2: f64) -> f64 {
        self.l1 * self.l2 * q2.sin()
    }

    /// The outline of the image of the joint-space cell `[q1, q1 + d1] × [q2, q2 + d2]`: each
    /// edge mapped at `per_edge` points (the image's edges are arcs).
    pub fn cell_outline(
        &self,
        q1: f64,
        q2: f64,
        d1: f64,
        d2: f64,
        per_edge: usize,
    ) -> Vec<[f64; 2]> {
        let n = per_edge.max(1);
        let corners = [(q1, q2), (q1 + d1, q2), (q1 + d1, q2 + d2), (q1, q2 + d2)];
        let mut out = Vec::with_capacity(4 * n);
        for k in 0..4 {
            let (a, b) = (corners[k], corners[(k + 1) % 4]);
            for i in 0..n {
                let s = i as f64 / n as f64;
                out.push(self.tip(a.0 + s * (b.0 - a.0), a.1 + s * (b.1 - a.1)));
            }
        }
        out
    }

    /// The area of the cell's image, measured on its outline (the shoelace formula).
    pub fn cell_area(&self, q1: f64, q2: f64, d1: f64, d2: f64, per_edge: usize) -> f64 {
        polygon_area(&self.cell_outline(q1, q2, d1, d2, per_edge)).abs()
    }
}

/// The signed area of a polygon (counter-clockwise positive).
pub fn polygon_area(p: &[[f64; 2]]) -> f64 {
    let n = p.len();
    0.5 * (0..n)
        .map(|i| {
            let (a, b) = (p[i], p[(i + 1) % n]);
            a[0] * b[1] - b[0] * a[1]
        })
        .sum::<f64>()
}

/// Newton's method in one dimension: `x ← x − f(x)/f′(x)`, the root of the tangent line.
/// Returns `x0` and up to `steps` iterates (fewer if `f′` vanishes or an iterate is not
/// finite).
pub fn newton_1d(
    f: impl Fn(f64) -> f64,
    df: impl Fn(f64) -> f64,
    x0: f64,
    steps: usize,
) -> Vec<f64> {
    let mut xs = vec![x0];
    let mut x = x0;
    for _ in 0..steps {
        let slope = df(x);
        if slope == 0.0 || !slope.is_finite() {
            break;
        }
        let next = x - f(x) / slope;
        if !next.is_finite() {
            break;
        }
        xs.push(next);
        x = next;
    }
    xs
}

/// The curve the lesson draws Newton's tangents on: `x³ − 2x − 5`, the equation Newton used
/// to show the method (one real root, near 2.0946).
pub fn newton_curve(x: f64) -> f64 {
    x * x * x - 2.0 * x - 5.0
}

/// `d/dx (x³ − 2x − 5) = 3x² − 2`.
pub fn newton_curve_slope(x: f64) -> f64 {
    3.0 * x * x - 2.0
}

/// A rotation turned at a constant rate `omega` for `steps` steps of `dt`, both ways:
/// `omega` in the body frame, `R ← R·exp(ω dt)` (Poisson's `Ṙ = R ω^`), or in the world
/// frame, `R ← exp(ω dt)·R` (`Ṙ = ω^ R`). Returns every orientation from `r0` on.
pub fn integrate_rotation(r0: &Mat3, omega: &Vec3, dt: f64, steps: usize, body: bool) -> Vec<Mat3> {
    let step = so3::exp(&(omega * dt));
    let mut out = Vec::with_capacity(steps + 1);
    let mut r = *r0;
    out.push(r);
    for _ in 0..steps {
        r = if body { r * step } else { step * r };
        out.push(r);
    }
    out
}

/// The same body rate integrated by forward Euler on the matrix, `R ← R·(I + ω^ dt)`: it
/// leaves the group (the columns stop being orthonormal).
pub fn integrate_rotation_euler(r0: &Mat3, omega: &Vec3, dt: f64, steps: usize) -> Mat3 {
    let step = Mat3::identity() + so3::hat(omega) * dt;
    (0..steps).fold(*r0, |r, _| r * step)
}

/// How far `r` is from a rotation: `‖RᵀR − I‖` (Frobenius).
pub fn orthogonality_error(r: &Mat3) -> f64 {
    (r.transpose() * r - Mat3::identity()).norm()
}

/// The rotation vector of `exp(a)·exp(b)` (exactly, through the logarithm).
pub fn compose(a: &Vec3, b: &Vec3) -> Vec3 {
    so3::log(&(so3::exp(a) * so3::exp(b)))
}

/// The Baker–Campbell–Hausdorff series to second order: `log(exp(a)·exp(b)) ≈ a + b + ½ a×b`
/// (on SO(3) the Lie bracket `[a, b]` is the cross product).
pub fn bch2(a: &Vec3, b: &Vec3) -> Vec3 {
    a + b + a.cross(b) * 0.5
}

/// A small rotation `b` applied before a large one `a`, to first order in `b`:
/// `log(exp(b)·exp(a)) ≈ a + J_l(a)⁻¹·b`, from `exp(a + δ) ≈ exp(J_l(a)δ)·exp(a)`.
pub fn left_jacobian_correction(a: &Vec3, b: &Vec3) -> Vec3 {
    a + so3::left_jacobian_inverse(a) * b
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARM: PlanarArm = PlanarArm { l1: 0.4, l2: 0.3 };

    /// The exact area of a cell's image: ∫∫ |det J| dq = l1·l2·d1·|cos q2 − cos(q2 + d2)| while
    /// sin q2 keeps its sign over the cell.
    fn exact_area(q2: f64, d1: f64, d2: f64) -> f64 {
        ARM.l1 * ARM.l2 * d1 * (q2.cos() - (q2 + d2).cos()).abs()
    }

    #[test]
    fn the_jacobian_is_the_derivative_of_the_tip() {
        let (q1, q2, h) = (0.7, -1.1, 1e-6);
        let j = ARM.jacobian(q1, q2);
        for (k, dq) in [(0, [h, 0.0]), (1, [0.0, h])] {
            let (a, b) = (
                ARM.tip(q1 + dq[0], q2 + dq[1]),
                ARM.tip(q1 - dq[0], q2 - dq[1]),
            );
            for r in 0..2 {
                let fd = (a[r] - b[r]) / (2.0 * h);
                assert!((fd - j[r][k]).abs() < 1e-9, "{r},{k}: {fd} vs {}", j[r][k]);
            }
        }
        let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
        assert!((det - ARM.det_j(q2)).abs() < 1e-12);
    }

    #[test]
    fn a_cells_measured_area_is_the_integral_of_det_j() {
        for &(q1, q2) in &[(0.0, 0.3), (1.2, 1.5), (-0.8, 2.6)] {
            let (d1, d2) = (0.2, 0.25);
            let measured = ARM.cell_area(q1, q2, d1, d2, 400);
            let exact = exact_area(q2, d1, d2);
            assert!(
                (measured - exact).abs() < 1e-6 * exact,
                "{measured} vs {exact}"
            );
        }
    }

    /// Area per unit of joint area → |det J| at the cell, the error shrinking as h².
    #[test]
    fn small_cells_scale_by_det_j() {
        let (q1, q2) = (0.4, 1.0);
        let err = |h: f64| {
            let area = ARM.cell_area(q1 - h / 2.0, q2 - h / 2.0, h, h, 16);
            (area / (h * h) - ARM.det_j(q2).abs()).abs() / ARM.det_j(q2)
        };
        let (e1, e2) = (err(0.1), err(0.05));
        assert!(e1 < 2e-3 && e2 < 5e-4, "{e1} {e2}");
        let order = (e1 / e2).log2();
        assert!((order - 2.0).abs() < 0.2, "order {order}");
        // Near the straight arm the cells collapse: their area goes to zero with sin q2.
        let flat = ARM.cell_area(0.0, 0.0, 0.1, 0.01, 64);
        let open = ARM.cell_area(0.0, 1.5, 0.1, 0.01, 64);
        assert!(flat < 0.01 * open, "{flat} vs {open}");
    }

    #[test]
    fn newton_converges_quadratically_to_the_root() {
        // The root by bisection, an oracle that uses no derivative.
        let (mut lo, mut hi) = (2.0, 3.0);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if newton_curve(mid) > 0.0 {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let root = 0.5 * (lo + hi);
        assert!((root - 2.094_551_481_542_326_5).abs() < 1e-14);
        let xs = newton_1d(newton_curve, newton_curve_slope, 3.0, 8);
        let e: Vec<f64> = xs.iter().map(|x| (x - root).abs()).collect();
        // Six steps from 3.0 reach the root to one unit in the last place.
        assert!(e[6] < 1e-15, "{e:?}");
        // e_{k+1} ≈ C·e_k² with C = |f″/(2f′)| at the root.
        let c = (6.0 * root / (2.0 * newton_curve_slope(root))).abs();
        for k in 1..3 {
            let ratio = e[k + 1] / (e[k] * e[k]);
            assert!((ratio / c - 1.0).abs() < 0.2, "step {k}: {ratio} vs {c}");
        }
        // A flat tangent has no root: the iteration stops there.
        assert_eq!(newton_1d(|x| x * x + 1.0, |x| 2.0 * x, 0.0, 5).len(), 1);
        // Started near the flat tangent of the curve, the first step overshoots far away and
        // the iteration takes longer: quadratic convergence is a property near the root.
        let far = newton_1d(newton_curve, newton_curve_slope, 0.82, 60);
        let first = (far[1] - far[0]).abs();
        assert!(first > 10.0, "{far:?}");
        let steps = far.iter().position(|x| (x - root).abs() < 1e-12).unwrap();
        assert!(steps > 8, "{steps}");
    }

    #[test]
    fn the_exponential_integrates_a_constant_rate_exactly() {
        let r0 = so3::from_rpy(0.3, -0.4, 1.1);
        let w = Vec3::new(0.4, -1.0, 0.7);
        let (dt, n) = (0.01, 1000);
        let body = integrate_rotation(&r0, &w, dt, n, true);
        let world = integrate_rotation(&r0, &w, dt, n, false);
        let t = dt * n as f64;
        assert!((body[n] - r0 * so3::exp(&(w * t))).norm() < 1e-11);
        assert!((world[n] - so3::exp(&(w * t)) * r0).norm() < 1e-11);
        // The two are different motions unless ω is along an axis R0 leaves fixed.
        assert!((body[n] - world[n]).norm() > 0.1);
        // The body rate seen in the world is R ω: world integration with it agrees.
        let w_world = r0 * w;
        let same = integrate_rotation(&r0, &w_world, dt, n, false);
        assert!((same[n] - body[n]).norm() < 1e-10);
        // The logarithm recovers the rotation vector turned through.
        let turned = so3::log(&(r0.transpose() * body[100]));
        assert!((turned - w).norm() < 1e-10);
        // Forward Euler on the matrix leaves the group; the exponential does not.
        let euler = integrate_rotation_euler(&r0, &w, dt, n);
        assert!(orthogonality_error(&euler) > 1e-2);
        assert!(orthogonality_error(&body[n]) < 1e-12);
    }

    #[test]
    fn bch_error_grows_with_the_cross_product_and_the_corrections_close_it() {
        let a = Vec3::new(0.3, 0.0, 0.0);
        for &s in &[0.05, 0.1, 0.2] {
            let b = Vec3::new(0.0, s, 0.0);
            let exact = compose(&a, &b);
            let naive = (exact - (a + b)).norm();
            // The naive sum misses ½ a×b (to higher order).
            let half_cross = 0.5 * a.cross(&b).norm();
            assert!(
                (naive / half_cross - 1.0).abs() < 0.05,
                "{naive} vs {half_cross}"
            );
            let second = (exact - bch2(&a, &b)).norm();
            assert!(second < 0.1 * naive, "{second} vs {naive}");
        }
        // Commuting rotations (parallel vectors): exp(a)·exp(b) = exp(a + b) exactly.
        let c = a * 2.5;
        assert!((compose(&a, &c) - (a + c)).norm() < 1e-14);
        // A small b before a large a: the left-Jacobian correction is first-order exact.
        let big = Vec3::new(0.0, 1.2, 0.5);
        let errs: Vec<(f64, f64)> = [1e-2, 5e-3]
            .iter()
            .map(|&s| {
                let b = Vec3::new(s, -s, 0.5 * s);
                let exact = so3::log(&(so3::exp(&b) * so3::exp(&big)));
                let corrected = (exact - left_jacobian_correction(&big, &b)).norm();
                let naive = (exact - (big + b)).norm();
                assert!(corrected < 0.02 * naive, "{corrected} vs {naive}");
                (naive, corrected)
            })
            .collect();
        // Halving b halves the naive error (first order) and quarters the corrected one.
        assert!((errs[0].0 / errs[1].0 - 2.0).abs() < 0.1);
        assert!((errs[0].1 / errs[1].1 - 4.0).abs() < 0.4);
    }
}
