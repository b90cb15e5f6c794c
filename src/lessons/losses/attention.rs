//! Attention over the demonstrations: the tool's position is the query, every demonstrated
//! window's start is a key and its chunk the value. With the per-key bias the softmax of dot
//! products is the generative lesson's kernel weighting by distance.

use super::data::CourseData;
use crate::math::Vec3 as RVec3;
use crate::math::chunks::ChunkSet;
use crate::math::losses::attention_weights;
use crate::sim::course::{OBS_SIGMA, SPREAD};
use std::sync::Arc;

pub struct Attention {
    set: Arc<ChunkSet>,
    /// `softmax(q·kᵢ/s² + bᵢ)` over every window.
    pub weights: Vec<f64>,
    /// The kernel weights of the generative lesson's conditional (windows it prunes as
    /// negligible are zero).
    pub kernel: Vec<f64>,
    /// The kernel's width in the keys' normalized units: the softmax's temperature is s².
    pub s: f64,
}

impl Attention {
    /// Attention from the tool position `query` (m), with or without the key-length bias.
    pub fn at(data: &CourseData, query: &RVec3, key_bias: bool) -> Option<Attention> {
        let set = data.set.clone()?;
        let o = [query.x, query.y, query.z];
        let q = set.normalize(&o).to_vec();
        let keys: Vec<Vec<f64>> = set.obs.iter().map(|k| k.to_vec()).collect();
        let s = OBS_SIGMA / set.scale;
        let weights = attention_weights(&q, &keys, s, key_bias);
        let (mix, keep) = set.conditional(&o, OBS_SIGMA, SPREAD);
        let mut kernel = vec![0.0; keys.len()];
        let total: f64 = mix.log_weights.iter().map(|l| l.exp()).sum();
        for (&i, l) in keep.iter().zip(&mix.log_weights) {
            kernel[i] = l.exp() / total;
        }
        Some(Attention {
            set,
            weights,
            kernel,
            s,
        })
    }

    pub fn keys(&self) -> usize {
        self.weights.len()
    }

    /// The `k` heaviest windows with their weights, heaviest first.
    pub fn top(&self, k: usize) -> Vec<(usize, f64)> {
        let mut order: Vec<usize> = (0..self.weights.len()).collect();
        order.sort_by(|a, b| self.weights[*b].total_cmp(&self.weights[*a]));
        order
            .into_iter()
            .take(k)
            .map(|i| (i, self.weights[i]))
            .collect()
    }

    pub fn max_weight(&self) -> f64 {
        self.weights.iter().cloned().fold(0.0, f64::max)
    }

    /// The largest difference between an attention weight and the kernel's.
    pub fn max_difference(&self) -> f64 {
        self.weights
            .iter()
            .zip(&self.kernel)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    }

    /// The weight on the far side's windows.
    pub fn far_share(&self) -> f64 {
        self.weights
            .iter()
            .zip(&self.set.labels)
            .filter(|(_, l)| **l == 1)
            .map(|(w, _)| w)
            .sum()
    }

    /// Which side window `i`'s demonstration went (0 near, 1 far).
    pub fn side(&self, i: usize) -> usize {
        self.set.labels.get(i).copied().unwrap_or(0).min(1)
    }

    /// Which demonstration window `i` comes from.
    pub fn demo(&self, i: usize) -> usize {
        self.set.demo.get(i).copied().unwrap_or(0)
    }

    fn positions(&self, x: &[f64]) -> Vec<RVec3> {
        self.set
            .decode(x)
            .iter()
            .map(|p| RVec3::new(p[0], p[1], p[2]))
            .collect()
    }

    /// Window `i`'s chunk (the value), in metres.
    pub fn chunk(&self, i: usize) -> Vec<RVec3> {
        self.set
            .chunks
            .get(i)
            .map_or(Vec::new(), |c| self.positions(c))
    }

    /// `Σ wᵢ vᵢ`: attention's output, the weighted mean of the chunks, in metres.
    pub fn output(&self) -> Vec<RVec3> {
        let mut out = vec![0.0; self.set.dim()];
        for (w, c) in self.weights.iter().zip(&self.set.chunks) {
            for (o, v) in out.iter_mut().zip(c) {
                *o += w * v;
            }
        }
        self.positions(&out)
    }
}
