//! The action pipeline between the policy and the robot, named as in ACT: action chunking (a
//! chunk of `k` actions per query, an execution horizon of `h` of them), latency (a chunk runs
//! `latency` periods after it was planned, optionally compensated) and temporal ensembling
//! (every prediction for a period averaged with weights `exp(−m·i)`); and the imperfections a
//! learned policy's chunks have (noise, a penalty on their jumps).

use super::action::Phase;
use super::action::{Action, ActionMode, Reading, apply};
use super::episode::Episode;
use super::metrics::PredictedChunk;
use crate::math::smoothing;
use rand::Rng;

/// Predicted chunks kept for drawing.
const CHUNK_LOG: usize = 400;

/// ACT's weights for `n` predictions, oldest first, normalised: `wᵢ = exp(−m·i) / Σⱼ exp(−m·j)`.
pub(super) fn ensemble_weights(n: usize, m: f64) -> Vec<f64> {
    let w: Vec<f64> = (0..n).map(|i| (-m * i as f64).exp()).collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|w| w / total).collect()
}

/// A standard normal draw (Box–Muller).
fn gauss(rng: &mut impl Rng) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

impl Episode {
    /// Chunking and latency: plans a chunk every period when ensembling, otherwise when
    /// everything planned so far has been handed to the pipeline. A chunk planned now runs
    /// `latency` periods later; with compensation the policy plans from where the arm will be
    /// then, without it from what has been executed.
    pub(super) fn plan_if_due(&mut self) {
        let cfg = &self.planner.cfg;
        let (latency, horizon, keep, compensate) = (
            cfg.latency,
            cfg.chunk.max(1),
            cfg.execution_horizon(),
            cfg.latency_compensation,
        );
        let (ensemble, record_live) = (cfg.ensemble, cfg.record_live);
        let due = ensemble.is_some() || self.queue.len() <= latency;
        if !due || self.planner.phase == Phase::Done {
            return;
        }
        let first = if ensemble.is_some() {
            self.period + latency
        } else {
            self.period + latency + self.queue.len().saturating_sub(latency)
        };
        self.planner.q = if compensate {
            self.command_at(first)
        } else {
            self.q_cmd.clone()
        };
        let belief = self.planner.q.clone();
        let mut chunk = self.planner.plan(horizon, keep);
        self.perturb(&mut chunk);
        self.penalise(&mut chunk);
        if record_live {
            self.log_chunk(&chunk, belief, first, keep);
        }
        if ensemble.is_some() {
            for (i, a) in chunk.into_iter().enumerate() {
                self.predictions.entry(first + i).or_default().push(a);
            }
        } else {
            for (i, a) in chunk.into_iter().take(keep).enumerate() {
                self.queue.push_back((first + i, a));
            }
        }
    }

    /// Keeps where the chunk would take the tool (from `belief`), for drawing.
    fn log_chunk(&mut self, chunk: &[Action], belief: Vec<f64>, first: usize, keep: usize) {
        let chain = &self.planner.chain;
        let mut q = belief;
        let tool = chunk
            .iter()
            .map(|a| {
                apply(chain, &mut q, a, Reading::AsSent);
                chain.tip_pose(&q).translation
            })
            .collect();
        if self.out.chunks.len() >= CHUNK_LOG {
            self.out.chunks.remove(0);
        }
        self.out.chunks.push(PredictedChunk {
            planned_at: self.period,
            first,
            tool,
            executed: keep.min(chunk.len()),
        });
    }

    /// The action due now, if any (otherwise the command holds): with temporal ensembling the
    /// weighted mean of every prediction made for this period, else the queue's next.
    pub(super) fn action_due(&mut self) -> Option<Action> {
        if let Some(m) = self.planner.cfg.ensemble {
            let a = self.ensemble_at(self.period, m);
            if self.planner.cfg.record_live {
                let members = self.ensemble_members(self.period);
                let weights = ensemble_weights(members.len(), m);
                self.last_ensemble = weights.into_iter().zip(members).collect();
            }
            // Predictions for this period and any earlier are used up.
            self.predictions = self.predictions.split_off(&(self.period + 1));
            a
        } else if self
            .queue
            .front()
            .is_some_and(|(due, _)| *due <= self.period)
        {
            self.queue.pop_front().map(|(_, a)| a)
        } else {
            None
        }
    }

    /// Where the command will be at period `first`: the command now with every action already
    /// on its way applied (what a latency-compensating policy plans from).
    fn command_at(&self, first: usize) -> Vec<f64> {
        let mut q = self.q_cmd.clone();
        let chain = &self.planner.chain;
        let reading = self.planner.cfg.reading;
        for (due, a) in &self.queue {
            if *due < first {
                apply(chain, &mut q, a, reading);
            }
        }
        if let Some(m) = self.planner.cfg.ensemble {
            for t in self.period..first {
                if let Some(a) = self.ensemble_at(t, m) {
                    apply(chain, &mut q, &a, reading);
                }
            }
        }
        q
    }

    /// The predictions for period `t` that can be averaged: those in the newest one's action
    /// space and phase of the task, oldest first. (An old chunk that foresaw the next phase
    /// already would otherwise pull the arm on before this phase's target is reached.)
    fn ensemble_members(&self, t: usize) -> Vec<Action> {
        let Some(newest) = self.predictions.get(&t).and_then(|p| p.last()) else {
            return Vec::new();
        };
        self.predictions[&t]
            .iter()
            .filter(|a| a.mode == newest.mode && a.phase == newest.phase)
            .copied()
            .collect()
    }

    /// The ensembled action for period `t`: the weighted mean of its
    /// [members](Self::ensemble_members); the gripper comes from the newest prediction.
    fn ensemble_at(&self, t: usize, m: f64) -> Option<Action> {
        let members = self.ensemble_members(t);
        let newest = *members.last()?;
        let mut values = [0.0; 7];
        for (w, a) in ensemble_weights(members.len(), m).iter().zip(&members) {
            for (s, v) in values.iter_mut().zip(&a.values) {
                *s += w * v;
            }
        }
        if newest.mode == ActionMode::Task {
            values[6] = newest.values[6];
        }
        Some(Action { values, ..newest })
    }

    /// Replaces the chunk's motion by its smoothed version ([`smoothing::smooth`]), each
    /// dimension joined to the last two actions executed in the same action space.
    fn penalise(&self, chunk: &mut [Action]) {
        let (Some((lambda, mu)), Some(first)) = (self.planner.cfg.chunk_penalty, chunk.first())
        else {
            return;
        };
        let mode = first.mode;
        let dims = match mode {
            ActionMode::Task => 6,
            ActionMode::Joint => 7,
        };
        let past: Vec<&Action> = self
            .out
            .actions
            .iter()
            .rev()
            .take(2)
            .take_while(|a| a.mode == mode)
            .collect();
        let n = chunk.iter().take_while(|a| a.mode == mode).count();
        for d in 0..dims {
            let before: Vec<f64> = past.iter().rev().map(|a| a.values[d]).collect();
            let a: Vec<f64> = chunk[..n].iter().map(|a| a.values[d]).collect();
            for (act, v) in chunk[..n]
                .iter_mut()
                .zip(smoothing::smooth(&a, &before, lambda, mu))
            {
                act.values[d] = v;
            }
        }
    }

    /// An imperfect policy's chunk: each action's motion is perturbed in proportion to its
    /// size, by a bias shared by the whole chunk plus a jitter of half that spread per action.
    /// Proportional, so a policy that has arrived stays put and phases still complete.
    fn perturb(&mut self, chunk: &mut [Action]) {
        let k = self.planner.cfg.chunk_noise;
        if k <= 0.0 {
            return;
        }
        let bias: [f64; 7] = std::array::from_fn(|_| gauss(&mut self.noise));
        for a in chunk.iter_mut() {
            // (start, end) of each group sized together: translation and rotation, or joints.
            let groups: &[(usize, usize)] = match a.mode {
                ActionMode::Task => &[(0, 3), (3, 6)],
                ActionMode::Joint => &[(0, 7)],
            };
            for &(lo, hi) in groups {
                let size = a.values[lo..hi].iter().map(|v| v * v).sum::<f64>().sqrt();
                for (v, b) in a.values[lo..hi].iter_mut().zip(&bias[lo..hi]) {
                    *v += k * size * (b + 0.5 * gauss(&mut self.noise));
                }
            }
        }
    }
}
