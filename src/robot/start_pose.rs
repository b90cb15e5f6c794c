//! Where a robot's tool is, and the pose it opens in.
//!
//! A URDF's zero configuration is rarely a good first view: a UR arm at zero lies stretched
//! along the table with its wrist at a singularity, and the middle of every range is the
//! straight, singular pose for most arms. The start pose is searched instead, for any serial
//! arm: inside the joint limits with a margin, every moving part above the table, no two
//! non-adjacent segments of the arm closer than a few centimetres, the tool in front of the
//! robot, and as far from a singularity as these allow.

use super::{Chain, JointKind, Model};
use crate::math::{Jacobian, Transform, Vec3};
use rand::{Rng, SeedableRng};

/// Names that common URDFs give a tool-centre-point link, tried before the end of the trunk.
pub const TOOL_NAMES: [&str; 4] = [super::panda::TOOL, "tool0", "tcp", "ee_link"];
/// Endings of such names (`j2s6s200_end_effector`, `link_eef`), tried next.
const TOOL_SUFFIXES: [&str; 5] = ["_tcp", "_tool0", "end_effector", "_eef", "_ee_link"];

/// The tool link: a conventional TCP link if there is one (by name, then by the ending of
/// its name, below at least one movable joint), else the end of the trunk (for a tree that
/// branches at the root, the tip with the most movable joints above it).
pub fn tool_link(model: &Model) -> usize {
    let moves = |l: usize| {
        model
            .path_to(l)
            .iter()
            .any(|&j| model.joints[j].kind.is_movable())
    };
    TOOL_NAMES
        .iter()
        .find_map(|n| model.link_index(n))
        .or_else(|| {
            (0..model.links.len()).find(|&l| {
                let name = model.links[l].name.to_ascii_lowercase();
                TOOL_SUFFIXES.iter().any(|s| name.ends_with(s)) && moves(l)
            })
        })
        .unwrap_or_else(|| model.default_tip())
}

/// How a start pose was judged: what a test or the inspect command reports.
#[derive(Clone, Debug, PartialEq)]
pub struct StartPose {
    /// One value per movable joint, in [`Model::dof_joints`] order.
    pub q: Vec<f64>,
    /// The arm's reach at zero (the sum of the distances between successive joint origins
    /// from the root to the tool), m: the length every test below is scaled by.
    pub reach: f64,
    /// The smallest singular value of the tool Jacobian with its linear rows divided by the
    /// reach, so it has no unit: `σ_min` of `[J_v / L; J_ω]` (the `min(6, n)`-th).
    pub sigma_min: f64,
    /// The lowest point of the moving arm (link origins and points along the segments
    /// between them), m above the root's origin, taken as the table top.
    pub lowest: f64,
    /// The closest two non-adjacent segments of the arm come, m.
    pub closest: f64,
    /// The tool's position in the root frame (REP-103: x forward, z up).
    pub tool: Vec3,
    /// Why the search was not run, when the robot is too large for it (a warning line).
    pub skipped: Option<String>,
}

/// No moving point of the arm below `TABLE_CLEARANCE · reach` above the table…
pub const TABLE_CLEARANCE: f64 = 0.05;
/// …no two non-adjacent segments closer than `SELF_CLEARANCE · reach`…
pub const SELF_CLEARANCE: f64 = 0.02;
/// …the tool at least `FRONT · reach` in front of the base…
pub const FRONT: f64 = 0.2;
/// …and every bounded joint at least this share of its range away from either limit.
pub const LIMIT_MARGIN: f64 = 0.08;
/// Beyond this, more distance from a singularity is not worth a less natural pose.
const SIGMA_ENOUGH: f64 = 0.12;

/// The search's work grows with the chain's joints (its local steps), the moving joints
/// (their segments are checked in pairs) and the links (every pose scored places them all):
/// beyond these it would take seconds to minutes, and no arm comes near them. A larger robot
/// opens with its joints mid-range, and says so.
pub const SEARCH_MAX_CHAIN: usize = 16;
pub const SEARCH_MAX_MOVING: usize = 64;
pub const SEARCH_MAX_LINKS: usize = 512;

/// Why a robot is too large for the search, if it is.
fn too_large(model: &Model, chain: &Chain, moving: usize) -> Option<String> {
    let (what, n, limit) = if chain.dof() > SEARCH_MAX_CHAIN {
        (
            "joints on the chain to its tool",
            chain.dof(),
            SEARCH_MAX_CHAIN,
        )
    } else if moving > SEARCH_MAX_MOVING {
        ("moving joints", moving, SEARCH_MAX_MOVING)
    } else if model.links.len() > SEARCH_MAX_LINKS {
        ("links", model.links.len(), SEARCH_MAX_LINKS)
    } else {
        return None;
    };
    Some(format!(
        "start pose not searched: the robot has {n} {what}, and the search takes up to {limit}; every joint starts mid-range (0 where unbounded), and the arm's clearance from itself is not checked"
    ))
}

/// The start configuration of `model` with `tool` as its tool link: the search described in
/// the module documentation. Deterministic (a fixed seed), about 30 ms for a 7-joint arm.
/// Joints off the tool's chain sit mid-range (0 where unbounded); a tool at the root, or a
/// chain without joints, gives that configuration as it is.
pub fn start_pose(model: &Model, tool: usize) -> StartPose {
    let chain = Chain::new(model, tool);
    let mut base: Vec<f64> = model
        .dof_joints
        .iter()
        .map(|&ji| {
            let (lo, hi) = model.joints[ji].limits;
            if lo.is_finite() && hi.is_finite() {
                0.5 * (lo + hi)
            } else {
                0.0
            }
        })
        .collect();
    let slots: Vec<usize> = chain
        .model_joints
        .iter()
        .filter_map(|&ji| model.joints[ji].q_index)
        .collect();
    let ranges = search_ranges(model, &chain);
    let revolute: Vec<bool> = chain
        .model_joints
        .iter()
        .map(|&ji| {
            matches!(
                model.joints[ji].kind,
                JointKind::Revolute | JointKind::Continuous
            )
        })
        .collect();
    // Linear in the robot's size; the pairs of segments are worked out only for a robot the
    // search takes.
    let judge = Judge::without_self_check(model, &chain, tool);
    if let Some(why) = too_large(model, &chain, judge.moving.len()) {
        let mut pose = judge.evaluate(&base).1;
        pose.skipped = Some(why);
        return pose;
    }
    let judge = judge.with_self_check();
    if slots.is_empty() || slots.len() != chain.dof() {
        return judge.evaluate(&base).1;
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    // Random candidates inside the margins, then a local search from the best few.
    let mut scored: Vec<(f64, Vec<f64>)> = (0..SAMPLES)
        .map(|_| {
            let qc: Vec<f64> = ranges
                .iter()
                .map(|&(lo, hi)| {
                    if hi > lo {
                        rng.random_range(lo..=hi)
                    } else {
                        lo
                    }
                })
                .collect();
            (judge.evaluate(&place(&base, &slots, &qc)).0, qc)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let best = climb(&judge, scored, &ranges, |qc| place(&base, &slots, qc));
    if let Some((_, mut qc)) = best {
        // A turn more or less is the same pose: show the angle nearest the middle of the
        // range (a UR joint allowed ±2π reads −1.6, not 4.7).
        for (i, v) in qc.iter_mut().enumerate() {
            let (lo, hi) = ranges[i];
            if revolute[i] {
                let mid = 0.5 * (lo + hi);
                let turns = ((*v - mid) / std::f64::consts::TAU).round();
                let wrapped = *v - turns * std::f64::consts::TAU;
                if (lo..=hi).contains(&wrapped) {
                    *v = wrapped;
                }
            }
        }
        base = place(&base, &slots, &qc);
    }
    judge.evaluate(&base).1
}

/// The range each chain joint is searched in: inside its limits by a margin, one turn for an
/// unbounded joint.
fn search_ranges(model: &Model, chain: &Chain) -> Vec<(f64, f64)> {
    chain
        .model_joints
        .iter()
        .map(|&ji| {
            let (lo, hi) = model.joints[ji].limits;
            if lo.is_finite() && hi.is_finite() {
                let m = LIMIT_MARGIN * (hi - lo);
                (lo + m, hi - m)
            } else {
                // Unbounded (continuous) joints: one turn covers every orientation.
                (-std::f64::consts::PI, std::f64::consts::PI)
            }
        })
        .collect()
}

/// The whole-robot `q` with the chain's values `qc` written into its `slots`.
fn place(base: &[f64], slots: &[usize], qc: &[f64]) -> Vec<f64> {
    let mut q = base.to_vec();
    for (&s, &v) in slots.iter().zip(qc) {
        q[s] = v;
    }
    q
}

/// Coordinate descent with a halving step from the best few candidates; the best pose it
/// reaches and its score.
fn climb(
    judge: &Judge,
    scored: Vec<(f64, Vec<f64>)>,
    ranges: &[(f64, f64)],
    place: impl Fn(&[f64]) -> Vec<f64>,
) -> Option<(f64, Vec<f64>)> {
    let mut best: Option<(f64, Vec<f64>)> = None;
    for (mut score, mut qc) in scored.into_iter().take(SEEDS) {
        let mut step = 0.2;
        while step > 0.005 {
            let mut improved = false;
            for i in 0..qc.len() {
                for dir in [-1.0, 1.0] {
                    let mut trial = qc.clone();
                    trial[i] = (trial[i] + dir * step).clamp(ranges[i].0, ranges[i].1);
                    let s = judge.evaluate(&place(&trial)).0;
                    if s > score {
                        (score, qc) = (s, trial);
                        improved = true;
                    }
                }
            }
            if !improved {
                step *= 0.5;
            }
        }
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, qc));
        }
    }
    best
}

/// The pose `model` opens in, with its tool link chosen by [`tool_link`]: the bundled Panda's
/// ready pose (the task and the lessons are set up around it), the search for any other.
pub fn for_model(model: &Model) -> StartPose {
    let tool = tool_link(model);
    if super::panda::is_bundled(model) {
        judge(model, tool, &super::panda::READY)
    } else {
        start_pose(model, tool)
    }
}

/// The measurements of [`StartPose`] for a given whole-robot `q` (what the search scores).
pub fn judge(model: &Model, tool: usize, q: &[f64]) -> StartPose {
    let chain = Chain::new(model, tool);
    Judge::new(model, &chain, tool).evaluate(q).1
}

/// Random candidates drawn, and how many of the best are refined.
const SAMPLES: usize = 1500;
const SEEDS: usize = 6;

/// What the score needs, computed once per model.
struct Judge<'a> {
    model: &'a Model,
    chain: &'a Chain,
    tool: usize,
    reach: f64,
    /// Joints whose child moves (a movable joint at or above it): their segments are checked.
    moving: Vec<usize>,
    /// Whether each link's height can change: some joint above it turns about a
    /// non-vertical axis or slides along a non-horizontal one. A point that only swings
    /// about a vertical axis stays where the file put it, whatever the pose.
    lifts: Vec<bool>,
    /// For each pair of `moving` joints (by their index there), whether their segments are
    /// within two segments of each other (see [`within_two_segments`]): fixed by the model,
    /// so worked out once rather than for every pose scored.
    near: Vec<Vec<bool>>,
}

impl<'a> Judge<'a> {
    /// A judge that measures everything but the arm's clearance from itself (`closest` is
    /// infinite): linear in the robot's size, for robots too large for the search.
    fn without_self_check(model: &'a Model, chain: &'a Chain, tool: usize) -> Judge<'a> {
        let zero = model.link_poses(&vec![0.0; model.dof()]);
        let reach = model
            .path_to(tool)
            .iter()
            .map(|&j| {
                let joint = &model.joints[j];
                (zero[joint.child].translation - zero[joint.parent].translation).norm()
            })
            .sum::<f64>()
            .max(1e-3);
        let mut moves = vec![false; model.links.len()];
        let mut lifts = vec![false; model.links.len()];
        let mut moving = Vec::new();
        for (ji, j) in model.joints.iter().enumerate() {
            moves[j.child] = moves[j.parent] || j.kind.is_movable();
            // The axis in the root frame at zero (exact while nothing above it lifts).
            let vertical = ((zero[j.parent] * j.origin).rotation * j.axis).z.abs();
            let lifting = match j.kind {
                JointKind::Revolute | JointKind::Continuous => vertical < 1.0 - 1e-9,
                JointKind::Prismatic => vertical > 1e-9,
                JointKind::Fixed => false,
            };
            lifts[j.child] = lifts[j.parent] || lifting;
            if moves[j.child] {
                moving.push(ji);
            }
        }
        Judge {
            model,
            chain,
            tool,
            reach,
            moving,
            lifts,
            near: Vec::new(),
        }
    }

    fn new(model: &'a Model, chain: &'a Chain, tool: usize) -> Judge<'a> {
        Judge::without_self_check(model, chain, tool).with_self_check()
    }

    /// The judge with the arm's clearance from itself measured too: which pairs of moving
    /// segments are near neighbours in the tree (quadratic in the moving joints).
    fn with_self_check(mut self) -> Judge<'a> {
        let (model, reach) = (self.model, self.reach);
        self.near = self
            .moving
            .iter()
            .map(|&a| {
                self.moving
                    .iter()
                    .map(|&b| within_two_segments(model, reach, a, b))
                    .collect()
            })
            .collect();
        self
    }

    /// The score of a whole-robot `q` (higher is better; a pose that breaks a hard rule
    /// scores below −1 by how far it breaks it) and what was measured.
    fn evaluate(&self, q: &[f64]) -> (f64, StartPose) {
        let l = self.reach;
        let poses = self.model.link_poses(q);
        let tool = poses[self.tool].translation;
        let qc = self.chain.q_from_model(self.model, q);
        let sigma_min = scaled_sigma_min(&self.chain.jacobian(&qc), l);
        let (lowest, closest) = self.clearances(&poses);
        let pose = StartPose {
            q: q.to_vec(),
            reach: l,
            sigma_min,
            lowest,
            closest,
            tool,
            skipped: None,
        };
        // (Models are checked finite at load; a pose beyond the floats is never preferred.)
        if !(sigma_min.is_finite() && tool.iter().all(|x| x.is_finite())) {
            return (f64::NEG_INFINITY, pose);
        }
        // Hard rules, as shortfalls in units of the reach.
        let shortfall = (TABLE_CLEARANCE - lowest / l).max(0.0)
            + (SELF_CLEARANCE - closest / l).max(0.0)
            + (FRONT - tool.x / l).max(0.0);
        if shortfall > 0.0 {
            return (-1.0 - shortfall, pose);
        }
        // Soft preferences: the tool pointing down (the usual approach axis is the tool's z),
        // straight ahead at about a third of the reach forward and up, joints near the middle
        // of their ranges (a natural-looking arm rather than a contorted one).
        let down = 0.5 * (1.0 + poses[self.tool].rotation.column(2).z);
        let place =
            (tool.x / l - 0.35).powi(2) + (tool.y / l).powi(2) + (tool.z / l - 0.35).powi(2);
        let score =
            sigma_min.min(SIGMA_ENOUGH) - 0.05 * down - 0.3 * place - 0.02 * self.centred(q);
        (score, pose)
    }

    /// The mean squared distance of the chain's bounded joints from the middle of their
    /// ranges, in half-ranges (0 in the middle, 1 at a limit).
    fn centred(&self, q: &[f64]) -> f64 {
        let mut sum = 0.0;
        let mut n = 0;
        for &ji in &self.chain.model_joints {
            let joint = &self.model.joints[ji];
            let (lo, hi) = joint.limits;
            if let (Some(i), true) = (joint.q_index, lo.is_finite() && hi.is_finite() && hi > lo) {
                sum += ((q[i] - 0.5 * (lo + hi)) / (0.5 * (hi - lo))).powi(2);
                n += 1;
            }
        }
        if n == 0 { 0.0 } else { sum / n as f64 }
    }

    /// The lowest moving point and the closest approach of two non-adjacent segments.
    fn clearances(&self, poses: &[Transform]) -> (f64, f64) {
        let mut lowest = f64::INFINITY;
        // Segments from each moving joint's parent origin to its child origin; short ones
        // (joints that share an origin) are merged into their neighbours by skipping them.
        let mut segments: Vec<(Vec3, Vec3, usize)> = Vec::new();
        for (k, &ji) in self.moving.iter().enumerate() {
            let j = &self.model.joints[ji];
            let (a, b) = (poses[j.parent].translation, poses[j.child].translation);
            // Points that cannot change height (the base column, a hub turning about a
            // vertical axis) are where the file put them: only the others are checked.
            if self.lifts[j.child] {
                let first = if self.lifts[j.parent] { 0 } else { 1 };
                for step in first..=4 {
                    let p = a + (b - a) * (step as f64 / 4.0);
                    lowest = lowest.min(p.z);
                }
            }
            if (b - a).norm() > 0.01 * self.reach {
                segments.push((a, b, k));
            }
        }
        let mut closest = f64::INFINITY;
        if self.near.is_empty() {
            return (lowest, closest);
        }
        for (i, (a, b, ka)) in segments.iter().enumerate() {
            for (c, d, kb) in &segments[i + 1..] {
                if self.near[*ka][*kb] {
                    continue;
                }
                closest = closest.min(segment_distance(a, b, c, d));
            }
        }
        (lowest, closest)
    }
}

/// Whether two joints' segments are within two segments of each other in the tree (the
/// same joint's neighbours and theirs): compact wrists keep such segments a few centimetres
/// apart in every pose, so only farther pairs say the arm folds onto itself.
fn within_two_segments(m: &Model, reach: f64, a: usize, b: usize) -> bool {
    let depth = |mut l: usize| {
        let mut d = 0;
        while let Some(j) = m.links[l].parent_joint {
            l = m.joints[j].parent;
            d += 1;
        }
        d
    };
    // Joints that sit where their parent link's origin is (a spherical wrist's) join links at
    // one point: they are not counted as hops.
    let hop = |l: usize| {
        m.links[l].parent_joint.map_or((0, 0), |j| {
            let long = m.joints[j].origin.translation.norm() > 0.01 * reach;
            (m.joints[j].parent, usize::from(long))
        })
    };
    let (mut x, mut y) = (m.joints[a].child, m.joints[b].child);
    let (mut dx, mut dy) = (depth(x), depth(y));
    let mut hops = 0;
    while x != y {
        let (up, counted) = if dx >= dy { hop(x) } else { hop(y) };
        if dx >= dy {
            x = up;
            dx -= 1;
        } else {
            y = up;
            dy -= 1;
        }
        hops += counted;
    }
    hops <= 2
}

/// `σ_min` of `[J_v / L; J_ω]`: the `min(6, n)`-th singular value (0 for an empty chain).
pub fn scaled_sigma_min(j: &Jacobian, reach: f64) -> f64 {
    let n = j.ncols();
    if n == 0 {
        return 0.0;
    }
    let mut scaled = j.clone();
    for r in 0..3 {
        for c in 0..n {
            scaled[(r, c)] /= reach;
        }
    }
    // nalgebra's SVD iterates without bound on non-finite input.
    if scaled.iter().any(|x| !x.is_finite()) {
        return f64::NAN;
    }
    let mut sv: Vec<f64> = scaled
        .svd(false, false)
        .singular_values
        .iter()
        .copied()
        .collect();
    sv.sort_by(|a, b| b.total_cmp(a));
    sv.get(n.min(6) - 1).copied().unwrap_or(0.0)
}

/// The shortest distance between segments `ab` and `cd`: the closest points of the two lines,
/// clamped to the segments in the order that keeps them exact.
pub fn segment_distance(a: &Vec3, b: &Vec3, c: &Vec3, d: &Vec3) -> f64 {
    let (u, v, r) = (b - a, d - c, a - c);
    let (uu, vv, vr) = (u.dot(&u), v.dot(&v), v.dot(&r));
    const EPS: f64 = 1e-18;
    let (s, t) = if uu <= EPS && vv <= EPS {
        (0.0, 0.0)
    } else if uu <= EPS {
        (0.0, (vr / vv).clamp(0.0, 1.0))
    } else {
        let ur = u.dot(&r);
        if vv <= EPS {
            ((-ur / uu).clamp(0.0, 1.0), 0.0)
        } else {
            let uv = u.dot(&v);
            let den = uu * vv - uv * uv;
            let s = if den > EPS {
                ((uv * vr - ur * vv) / den).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let t = (uv * s + vr) / vv;
            if t < 0.0 {
                ((-ur / uu).clamp(0.0, 1.0), 0.0)
            } else if t > 1.0 {
                (((uv - ur) / uu).clamp(0.0, 1.0), 1.0)
            } else {
                (s, t)
            }
        }
    };
    ((a + u * s) - (c + v * t)).norm()
}

#[cfg(test)]
mod tests;
