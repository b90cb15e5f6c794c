//! Action chunks from demonstrations: a policy that outputs the next H tool
//! positions at once, conditioned on where the tool is now.
//!
//! Every demonstration is a path of tool positions, one per control period. Each period k
//! gives one training pair: the observation `o = P_k` and the chunk
//! `(P_{k+s}, P_{k+2s}, …, P_{k+Hs})` (s = stride, the path's end repeated past its end).
//! Positions are normalized, `(p − centre)/scale`, so noise of unit variance is the right size.
//!
//! The exact conditional distribution is a kernel estimate: with a Gaussian kernel of width
//! `σ_o` on the observation, `p(chunk | o) = Σ wᵢ(o)·N(chunkᵢ, s²I)` with
//! `wᵢ ∝ exp(−|o − oᵢ|²/(2σ_o²))`, a [`Mixture`] whose mean is the MSE regression `E[chunk | o]`
//! (Nadaraya–Watson).

use super::generative::Mixture;

/// A position in the base frame (m).
pub type Point = [f64; 3];

/// Components lighter than this fraction of the heaviest are dropped from a conditional.
const PRUNE: f64 = 1e-4;

#[derive(Clone, Debug, PartialEq)]
pub struct ChunkSet {
    /// Positions per chunk (H).
    pub horizon: usize,
    /// Control periods between a chunk's positions.
    pub stride: usize,
    pub center: Point,
    /// Metres per normalized unit.
    pub scale: f64,
    /// Normalized observations, one per window.
    pub obs: Vec<Point>,
    /// Normalized chunks, `3·horizon` values each (x, y, z per position).
    pub chunks: Vec<Vec<f64>>,
    /// The mode (e.g. which side of the obstacle) of the demonstration of each window.
    pub labels: Vec<usize>,
    /// Which demonstration each window comes from.
    pub demo: Vec<usize>,
    /// Index of each demonstration's first window (its start observation).
    pub starts: Vec<usize>,
}

impl ChunkSet {
    /// Windows over labelled paths. Errors (one line) on no paths, an empty path, a zero
    /// horizon or stride, or a non-finite position.
    pub fn from_paths(
        paths: &[(usize, Vec<Point>)],
        horizon: usize,
        stride: usize,
        scale: f64,
    ) -> Result<ChunkSet, String> {
        if paths.is_empty() || paths.iter().any(|(_, p)| p.is_empty()) {
            return Err("no demonstrations, or an empty one".into());
        }
        if horizon == 0 || stride == 0 || scale.is_nan() || scale <= 0.0 {
            return Err("the horizon, the stride and the scale must be positive".into());
        }
        if paths
            .iter()
            .flat_map(|(_, p)| p)
            .flatten()
            .any(|v| !v.is_finite())
        {
            return Err("a demonstration has a non-finite position".into());
        }
        let count = paths.iter().map(|(_, p)| p.len()).sum::<usize>() as f64;
        let mut center = [0.0; 3];
        for (_, p) in paths {
            for pt in p {
                for j in 0..3 {
                    center[j] += pt[j] / count;
                }
            }
        }
        let mut set = ChunkSet {
            horizon,
            stride,
            center,
            scale,
            obs: Vec::new(),
            chunks: Vec::new(),
            labels: Vec::new(),
            demo: Vec::new(),
            starts: Vec::new(),
        };
        for (d, (label, p)) in paths.iter().enumerate() {
            set.starts.push(set.obs.len());
            for k in 0..p.len() {
                set.obs.push(set.normalize(&p[k]));
                let chunk: Vec<Point> = (1..=horizon)
                    .map(|j| p[(k + j * stride).min(p.len() - 1)])
                    .collect();
                set.chunks.push(set.encode(&chunk));
                set.labels.push(*label);
                set.demo.push(d);
            }
        }
        Ok(set)
    }

    pub fn dim(&self) -> usize {
        3 * self.horizon
    }

    pub fn demos(&self) -> usize {
        self.starts.len()
    }

    pub fn modes(&self) -> usize {
        self.labels.iter().max().map_or(0, |m| m + 1)
    }

    pub fn normalize(&self, p: &Point) -> Point {
        std::array::from_fn(|j| (p[j] - self.center[j]) / self.scale)
    }

    /// A normalized position back to metres.
    pub fn denormalize(&self, p: &Point) -> Point {
        std::array::from_fn(|j| self.center[j] + self.scale * p[j])
    }

    /// Where the first demonstration starts (m): the observation its first window was
    /// drawn for.
    pub fn start(&self) -> Option<Point> {
        Some(self.denormalize(self.obs.get(*self.starts.first()?)?))
    }

    /// Positions (m) to a normalized chunk vector.
    pub fn encode(&self, points: &[Point]) -> Vec<f64> {
        points.iter().flat_map(|p| self.normalize(p)).collect()
    }

    /// A normalized chunk vector back to positions (m).
    pub fn decode(&self, x: &[f64]) -> Vec<Point> {
        x.chunks_exact(3)
            .map(|c| self.denormalize(&[c[0], c[1], c[2]]))
            .collect()
    }

    /// `p(chunk | o)` as a weighted mixture of the windows (pruned to the ones that matter),
    /// with the window index of every component. `o` is in metres; `obs_sigma` and `spread`
    /// are in metres too.
    pub fn conditional(&self, o: &Point, obs_sigma: f64, spread: f64) -> (Mixture, Vec<usize>) {
        let on = self.normalize(o);
        let s2 = (obs_sigma / self.scale).powi(2);
        let logs: Vec<f64> = self
            .obs
            .iter()
            .map(|oi| -0.5 * (0..3).map(|j| (on[j] - oi[j]).powi(2)).sum::<f64>() / s2)
            .collect();
        let top = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let keep: Vec<usize> = (0..logs.len())
            .filter(|&i| logs[i] - top >= PRUNE.ln())
            .collect();
        let mix = Mixture {
            means: keep.iter().map(|&i| self.chunks[i].clone()).collect(),
            spread: spread / self.scale,
            log_weights: keep.iter().map(|&i| logs[i] - top).collect(),
        };
        (mix, keep)
    }

    /// RMS distance per position (m) between two normalized chunks.
    pub fn rms_distance(&self, a: &[f64], b: &[f64]) -> f64 {
        self.scale * (super::generative::dist2(a, b) / self.horizon.max(1) as f64).sqrt()
    }
}

/// The plane of the two largest principal components of a point cloud (PCA), for drawing
/// high-dimensional chunks in 2D.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    pub mean: Vec<f64>,
    /// Unit principal directions, largest variance first.
    pub axes: [Vec<f64>; 2],
    /// The variance along each axis.
    pub variance: [f64; 2],
}

impl Plane {
    /// PCA of `data` (one row per point, all of one length ≥ 2): the covariance's top two
    /// eigenvectors. `None` for fewer than two points or ragged rows.
    pub fn fit(data: &[Vec<f64>]) -> Option<Plane> {
        let d = data.first()?.len();
        if data.len() < 2 || d < 2 || data.iter().any(|r| r.len() != d) {
            return None;
        }
        let n = data.len() as f64;
        let mean: Vec<f64> = (0..d)
            .map(|j| data.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let mut cov = nalgebra::DMatrix::<f64>::zeros(d, d);
        for r in data {
            let c = nalgebra::DVector::from_iterator(d, r.iter().zip(&mean).map(|(x, m)| x - m));
            cov += &c * c.transpose() / (n - 1.0);
        }
        let eig = cov.symmetric_eigen();
        let mut order: Vec<usize> = (0..d).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
        let axis = |k: usize| eig.eigenvectors.column(order[k]).iter().copied().collect();
        Some(Plane {
            mean,
            axes: [axis(0), axis(1)],
            variance: [eig.eigenvalues[order[0]], eig.eigenvalues[order[1]]],
        })
    }

    /// Coordinates of `x` in the plane.
    pub fn project(&self, x: &[f64]) -> [f64; 2] {
        std::array::from_fn(|k| {
            x.iter()
                .zip(&self.mean)
                .zip(&self.axes[k])
                .map(|((xi, m), a)| (xi - m) * a)
                .sum()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::math::generative::Field;

    /// Two straight paths from the origin that part ways: left (+y) and right (−y).
    fn fork() -> Vec<(usize, Vec<Point>)> {
        let path = |side: f64| {
            (0..20)
                .map(|k| [0.01 * k as f64, side * 0.005 * k as f64, 0.2])
                .collect()
        };
        vec![(0, path(1.0)), (1, path(-1.0))]
    }

    #[test]
    fn windows_encode_decode_and_pad_at_the_end() {
        let set = ChunkSet::from_paths(&fork(), 4, 3, 0.1).unwrap();
        assert_eq!(set.obs.len(), 40);
        assert_eq!((set.dim(), set.demos(), set.modes()), (12, 2, 2));
        assert_eq!(set.starts, vec![0, 20]);
        assert_eq!(set.start(), Some([0.0, 0.0, 0.2]));
        let second = set.decode(&set.chunks[1]);
        // Window k = 1 holds P_4, P_7, P_10, P_13.
        assert!((second[0][0] - 0.04).abs() < 1e-12 && (second[3][0] - 0.13).abs() < 1e-12);
        let last = set.decode(&set.chunks[19]);
        assert!(last.iter().all(|p| (p[0] - 0.19).abs() < 1e-12));
        assert_eq!(set.decode(&set.encode(&second)), second);
    }

    #[test]
    fn the_principal_plane_finds_the_spread_directions() {
        // Points spread 3 along (1,1,0,0)/√2 and 1 along (0,0,1,0), nothing else.
        let (u, w) = ([1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]);
        let mut data = Vec::new();
        for i in -5..=5 {
            for k in -5..=5 {
                let (a, b) = (3.0 * i as f64 / 5.0, k as f64 / 5.0);
                data.push(
                    (0..4)
                        .map(|j| 2.0 + a * u[j] / 2f64.sqrt() + b * w[j])
                        .collect::<Vec<f64>>(),
                );
            }
        }
        let plane = Plane::fit(&data).unwrap();
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        assert!((dot(&plane.axes[0], &u).abs() / 2f64.sqrt() - 1.0).abs() < 1e-12);
        assert!((dot(&plane.axes[1], &w).abs() - 1.0).abs() < 1e-12);
        assert!((plane.variance[0] / plane.variance[1] - 9.0).abs() < 1e-9);
        let p = plane.project(&data[0]);
        assert!((p[0].abs() - 3.0).abs() < 1e-12 && (p[1].abs() - 1.0).abs() < 1e-12);
        assert!(Plane::fit(&data[..1]).is_none());
    }

    #[test]
    fn bad_demonstrations_are_one_line_errors() {
        for e in [
            ChunkSet::from_paths(&[], 4, 1, 0.1),
            ChunkSet::from_paths(&[(0, vec![])], 4, 1, 0.1),
            ChunkSet::from_paths(&fork(), 0, 1, 0.1),
            ChunkSet::from_paths(&[(0, vec![[f64::NAN, 0.0, 0.0]])], 4, 1, 0.1),
        ] {
            let msg = e.unwrap_err();
            assert!(!msg.contains('\n'));
        }
    }

    #[test]
    fn the_conditional_weights_windows_by_observation_and_its_mean_is_the_regression() {
        let set = ChunkSet::from_paths(&fork(), 4, 3, 0.1).unwrap();
        // At the fork both branches are equally likely; the regression averages them to y = 0.
        let (mix, keep) = set.conditional(&[0.0, 0.0, 0.2], 0.005, 0.005);
        let sides: std::collections::BTreeSet<usize> =
            keep.iter().map(|&i| set.labels[i]).collect();
        assert_eq!(sides.len(), 2);
        let mean = set.decode(&mix.regression());
        assert!(mean.iter().all(|p| p[1].abs() < 1e-12), "{mean:?}");
        // Further along the left branch only left windows remain.
        let (_, keep) = set.conditional(&[0.1, 0.05, 0.2], 0.005, 0.005);
        assert!(keep.iter().all(|&i| set.labels[i] == 0));
        // Its velocity field is finite everywhere we sample.
        let v = mix.velocity(&[0.0; 12], 0.3);
        assert!(v.iter().all(|x| x.is_finite()));
        assert!((set.rms_distance(&set.chunks[0], &set.chunks[0])).abs() < 1e-15);
    }
}
