//! Eigen-decomposition of small symmetric matrices on fixed-size arrays: Householder
//! reduction to tridiagonal form, then the implicit QL algorithm with Wilkinson-type shifts
//! (the EISPACK `tred2`/`tql2` pair). No allocation, no generic dimension machinery: for the
//! 6×6 `J·Jᵀ` of a Jacobian this is faster than nalgebra's generic solver.

// Index loops mirror the algorithm's subscripts; negated comparisons are NaN-aware on purpose.
#![allow(clippy::needless_range_loop, clippy::neg_cmp_op_on_partial_ord)]

/// Eigenvalues (descending) and orthonormal eigenvectors (`vectors[row][k]` is component `row`
/// of eigenvector `k`) of the symmetric matrix `a` (only its lower triangle is read).
pub fn symmetric_eigen<const N: usize>(a: &[[f64; N]; N]) -> ([f64; N], [[f64; N]; N]) {
    let mut v = *a;
    for i in 0..N {
        for j in i + 1..N {
            v[i][j] = v[j][i];
        }
    }
    let mut d = [0.0; N];
    let mut e = [0.0; N];
    tridiagonalize(&mut v, &mut d, &mut e);
    ql_implicit(&mut v, &mut d, &mut e);
    // Sort descending, permuting the eigenvector columns along (selection sort: N ≤ 6).
    for i in 0..N {
        let mut k = i;
        for j in i + 1..N {
            if d[j] > d[k] {
                k = j;
            }
        }
        if k != i {
            d.swap(i, k);
            for row in v.iter_mut() {
                row.swap(i, k);
            }
        }
    }
    (d, v)
}

#[inline]
fn pythag(a: f64, b: f64) -> f64 {
    let r = (a * a + b * b).sqrt();
    if r.is_finite() && r > 0.0 {
        r
    } else {
        a.hypot(b)
    }
}

/// Householder reduction of the symmetric `v` to tridiagonal form: on return `d` holds the
/// diagonal, `e[1..]` the sub-diagonal, and `v` the orthogonal transform.
fn tridiagonalize<const N: usize>(v: &mut [[f64; N]; N], d: &mut [f64; N], e: &mut [f64; N]) {
    let n = N;
    d.copy_from_slice(&v[n - 1]);
    for i in (1..n).rev() {
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[i - 1][j];
                v[i][j] = 0.0;
                v[j][i] = 0.0;
            }
        } else {
            for x in d[..i].iter_mut() {
                *x /= scale;
                h += *x * *x;
            }
            let mut f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            for x in e[..i].iter_mut() {
                *x = 0.0;
            }
            for j in 0..i {
                f = d[j];
                v[j][i] = f;
                g = e[j] + v[j][j] * f;
                for k in j + 1..i {
                    g += v[k][j] * d[k];
                    e[k] += v[k][j] * f;
                }
                e[j] = g;
            }
            f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                f = d[j];
                g = e[j];
                for k in j..i {
                    v[k][j] -= f * e[k] + g * d[k];
                }
                d[j] = v[i - 1][j];
                v[i][j] = 0.0;
            }
        }
        d[i] = h;
    }
    // Accumulate the transformations.
    for i in 0..n - 1 {
        v[n - 1][i] = v[i][i];
        v[i][i] = 1.0;
        let h = d[i + 1];
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[k][i + 1] / h;
            }
            for j in 0..=i {
                let mut g = 0.0;
                for k in 0..=i {
                    g += v[k][i + 1] * v[k][j];
                }
                for k in 0..=i {
                    v[k][j] -= g * d[k];
                }
            }
        }
        for k in 0..=i {
            v[k][i + 1] = 0.0;
        }
    }
    for j in 0..n {
        d[j] = v[n - 1][j];
        v[n - 1][j] = 0.0;
    }
    v[n - 1][n - 1] = 1.0;
    e[0] = 0.0;
}

/// The implicit QL algorithm on the tridiagonal (`d`, `e`), rotating `v` along.
fn ql_implicit<const N: usize>(v: &mut [[f64; N]; N], d: &mut [f64; N], e: &mut [f64; N]) {
    let n = N;
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let mut f = 0.0;
    let mut tst1: f64 = 0.0;
    let eps = f64::EPSILON;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && !(e[m].abs() <= eps * tst1) {
            m += 1;
        }
        if m > l {
            // Converges in 1–3 sweeps per eigenvalue; the cap only stops NaN input.
            for _ in 0..64 {
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = pythag(p, 1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for x in d[l + 2..].iter_mut() {
                    *x -= h;
                }
                f += h;
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0, 1.0, 1.0);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0, 0.0);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = pythag(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    for row in v.iter_mut() {
                        let hk = row[i + 1];
                        row[i + 1] = s * row[i] + c * hk;
                        row[i] = c * row[i] - s * hk;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if !(e[l].abs() > eps * tst1) {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn check<const N: usize>(a: &[[f64; N]; N], tol: f64) {
        let (d, v) = symmetric_eigen(a);
        for i in 0..N - 1 {
            assert!(d[i] >= d[i + 1], "sorted: {d:?}");
        }
        for r in 0..N {
            for c in 0..N {
                // V·diag(d)·Vᵀ = A and Vᵀ·V = I.
                let rec: f64 = (0..N).map(|k| v[r][k] * d[k] * v[c][k]).sum();
                assert!((rec - a[r][c]).abs() <= tol, "reconstruction [{r}][{c}]");
                let ortho: f64 = (0..N).map(|k| v[k][r] * v[k][c]).sum();
                let want = if r == c { 1.0 } else { 0.0 };
                assert!(
                    (ortho - want).abs() <= tol.max(1e-15),
                    "orthonormal [{r}][{c}]"
                );
            }
        }
    }

    #[test]
    fn random_symmetric_matrices() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for _ in 0..500 {
            let mut a = [[0.0; 6]; 6];
            for r in 0..6 {
                for c in 0..=r {
                    let x = rng.random_range(-2.0..2.0);
                    a[r][c] = x;
                    a[c][r] = x;
                }
            }
            check(&a, 1e-12);
            let mut b = [[0.0; 3]; 3];
            for r in 0..3 {
                for c in 0..=r {
                    let x = rng.random_range(-2.0..2.0);
                    b[r][c] = x;
                    b[c][r] = x;
                }
            }
            check(&b, 1e-12);
        }
    }

    #[test]
    fn matches_nalgebra() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        for _ in 0..100 {
            let m = nalgebra::Matrix6::<f64>::from_fn(|_, _| rng.random_range(-1.0..1.0));
            let s = m * m.transpose();
            let a: [[f64; 6]; 6] = std::array::from_fn(|r| std::array::from_fn(|c| s[(r, c)]));
            let (d, _) = symmetric_eigen(&a);
            let mut oracle: Vec<f64> = s.symmetric_eigenvalues().iter().copied().collect();
            oracle.sort_by(|x, y| y.total_cmp(x));
            for i in 0..6 {
                assert!((d[i] - oracle[i]).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn degenerate_inputs() {
        check(&[[0.0; 6]; 6], 0.0);
        let mut diag = [[0.0; 6]; 6];
        for (i, row) in diag.iter_mut().enumerate() {
            row[i] = [3.0, 1.0, 3.0, 0.0, 1.0, 2.0][i];
        }
        check(&diag, 1e-15);
        let (d, _) = symmetric_eigen(&diag);
        assert_eq!(d, [3.0, 3.0, 2.0, 1.0, 1.0, 0.0]);
        // Rank one, repeated zero eigenvalues.
        let u = [1.0, 2.0, -1.0, 0.5, 0.0, 3.0];
        let r1: [[f64; 6]; 6] = std::array::from_fn(|r| std::array::from_fn(|c| u[r] * u[c]));
        check(&r1, 1e-12);
        // NaN must come back (as NaN), not hang or panic.
        let mut bad = diag;
        bad[2][1] = f64::NAN;
        bad[1][2] = f64::NAN;
        let _ = symmetric_eigen(&bad);
    }
}
