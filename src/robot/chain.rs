//! A serial chain from the root to a tip link: forward kinematics and the geometric Jacobian,
//! allocation-free.
//!
//! Fixed joints along the path are folded into the next movable joint's origin once, at
//! construction, so FK costs one rigid-transform product per movable joint.

use super::model::{JointKind, Model};
use crate::math::ik::KinematicChain;
use crate::math::{Jacobian, Mat3, Transform, Vec3, Vec6};

/// Where a chain joint's value comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Source {
    /// Chain variable `i`.
    Variable(usize),
    /// `multiplier·q[i] + offset`, a mimic of chain variable `i`.
    Mimic {
        master: usize,
        multiplier: f64,
        offset: f64,
    },
    /// A mimic whose master is not on this chain: held at its offset.
    Held(f64),
}

/// The joint axis, specialised when it is a coordinate axis (the common case), which makes the
/// rotation update two column combinations instead of a Rodrigues product.
#[derive(Clone, Copy, Debug, PartialEq)]
enum AxisKind {
    X(f64),
    Y(f64),
    Z(f64),
    General(Vec3),
}

#[derive(Clone, Debug, PartialEq)]
struct Element {
    /// Fixed transform from the previous movable joint's frame to this joint's frame.
    pre: Transform,
    axis: Vec3,
    axis_kind: AxisKind,
    prismatic: bool,
    source: Source,
}

/// A serial chain from the model root to `tip`.
#[derive(Clone, Debug, PartialEq)]
pub struct Chain {
    pub tip: usize,
    /// Names of the chain variables, root first.
    pub joint_names: Vec<String>,
    /// Model joint index of each chain variable.
    pub model_joints: Vec<usize>,
    limits: Vec<(f64, f64)>,
    elements: Vec<Element>,
    /// Fixed transform from the last movable joint's frame to the tip link frame.
    post: Transform,
}

impl Chain {
    /// The chain from the model root to link `tip`.
    pub fn new(model: &Model, tip: usize) -> Chain {
        let mut elements = Vec::new();
        let mut model_joints = Vec::new();
        let mut joint_names = Vec::new();
        let mut limits = Vec::new();
        let mut pending = Transform::identity();
        for ji in model.path_to(tip) {
            let j = &model.joints[ji];
            pending = pending * j.origin;
            if j.kind == JointKind::Fixed {
                continue;
            }
            let source = match &j.mimic {
                None => {
                    model_joints.push(ji);
                    joint_names.push(j.name.clone());
                    limits.push(j.limits);
                    Source::Variable(model_joints.len() - 1)
                }
                Some(m) => match model_joints.iter().position(|&mj| mj == m.master) {
                    Some(master) => Source::Mimic {
                        master,
                        multiplier: m.multiplier,
                        offset: m.offset,
                    },
                    None => Source::Held(m.offset),
                },
            };
            elements.push(Element {
                pre: pending,
                axis: j.axis,
                axis_kind: classify(&j.axis),
                prismatic: j.kind == JointKind::Prismatic,
                source,
            });
            pending = Transform::identity();
        }
        Chain {
            tip,
            joint_names,
            model_joints,
            limits,
            elements,
            post: pending,
        }
    }

    /// The chain to a named link.
    pub fn to_link(model: &Model, tip: &str) -> Option<Chain> {
        model.link_index(tip).map(|t| Chain::new(model, t))
    }

    pub fn dof(&self) -> usize {
        self.model_joints.len()
    }

    /// The chain's variables picked out of a full model configuration.
    pub fn q_from_model(&self, model: &Model, q_model: &[f64]) -> Vec<f64> {
        self.model_joints
            .iter()
            .map(|&ji| model.joint_value(ji, q_model))
            .collect()
    }

    /// The inverse of [`q_from_model`](Self::q_from_model): writes the chain's variables into a
    /// full model configuration, leaving the joints off the chain as they are.
    pub fn write_into_model(&self, model: &Model, q_chain: &[f64], q_model: &mut [f64]) {
        for (&ji, &v) in self.model_joints.iter().zip(q_chain) {
            if let Some(slot) = model.joints[ji].q_index.and_then(|i| q_model.get_mut(i)) {
                *slot = v;
            }
        }
    }

    #[inline]
    fn value(&self, e: &Element, q: &[f64]) -> f64 {
        match e.source {
            Source::Variable(i) => q[i],
            Source::Mimic {
                master,
                multiplier,
                offset,
            } => multiplier * q[master] + offset,
            Source::Held(v) => v,
        }
    }

    /// Applies the joint motion to `t` in place: `t ← t · motion(value)`.
    #[inline]
    fn advance(e: &Element, t: &mut Transform, value: f64) {
        if e.prismatic {
            t.translation += t.rotation * (e.axis * value);
            return;
        }
        let r = &mut t.rotation;
        match e.axis_kind {
            AxisKind::X(sign) => rotate_columns(r, 1, 2, sign * value),
            AxisKind::Y(sign) => rotate_columns(r, 2, 0, sign * value),
            AxisKind::Z(sign) => rotate_columns(r, 0, 1, sign * value),
            AxisKind::General(axis) => *r *= crate::math::so3::about_axis(&axis, value),
        }
    }

    /// The tip's pose in the root frame.
    pub fn tip_pose(&self, q: &[f64]) -> Transform {
        let mut t = Transform::identity();
        for e in &self.elements {
            t = t * e.pre;
            Chain::advance(e, &mut t, self.value(e, q));
        }
        t * self.post
    }

    /// The Jacobian as a local linear approximation: for a step `Δq` from `q`, the tip
    /// origin's true displacement `p(q + Δq) − p(q)` and the first-order prediction
    /// `J_v(q)·Δq` (its three linear rows). The gap is `O(|Δq|²)`: halving the step quarters
    /// it. `None` if `Δq` has the wrong length or a non-finite entry.
    pub fn first_order_step(&self, q: &[f64], dq: &[f64]) -> Option<(Vec3, Vec3)> {
        if dq.len() != self.dof() || q.len() != self.dof() || dq.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let j = self.jacobian(q);
        let start = self.tip_pose(q).translation;
        let moved: Vec<f64> = q.iter().zip(dq).map(|(a, b)| a + b).collect();
        let actual = self.tip_pose(&moved).translation - start;
        let mut predicted = Vec3::zeros();
        for (c, d) in dq.iter().enumerate() {
            predicted += Vec3::new(j[(0, c)], j[(1, c)], j[(2, c)]) * *d;
        }
        Some((actual, predicted))
    }

    /// The geometric Jacobian of the tip in the root frame: column `i` is the tip twist
    /// `(v, ω)` (linear first, v of the tip origin) produced by unit speed of variable `i`:
    /// `(zᵢ × (p_tip − pᵢ), zᵢ)` for a revolute joint, `(zᵢ, 0)` for a prismatic one.
    /// Returns the tip pose, which it computes on the way.
    pub fn jacobian_into(&self, q: &[f64], out: &mut Jacobian) -> Transform {
        debug_assert_eq!(out.ncols(), self.dof());
        out.fill(0.0);
        // First pass: FK, remembering each joint's world axis z and origin p.
        let mut zp: [(Vec3, Vec3); 32] = [(Vec3::zeros(), Vec3::zeros()); 32];
        let mut heap: Vec<(Vec3, Vec3)> = Vec::new();
        let store: &mut [(Vec3, Vec3)] = if self.elements.len() <= 32 {
            &mut zp[..self.elements.len()]
        } else {
            heap.resize(self.elements.len(), (Vec3::zeros(), Vec3::zeros()));
            &mut heap
        };
        let mut t = Transform::identity();
        for (k, e) in self.elements.iter().enumerate() {
            t = t * e.pre;
            store[k] = (t.rotation * e.axis, t.translation);
            Chain::advance(e, &mut t, self.value(e, q));
        }
        let tip = t * self.post;
        for (k, e) in self.elements.iter().enumerate() {
            let (z, p) = store[k];
            let col = if e.prismatic {
                Vec6::new(z.x, z.y, z.z, 0.0, 0.0, 0.0)
            } else {
                let v = z.cross(&(tip.translation - p));
                Vec6::new(v.x, v.y, v.z, z.x, z.y, z.z)
            };
            match e.source {
                Source::Variable(i) => {
                    let mut c = out.column_mut(i);
                    c += col;
                }
                Source::Mimic {
                    master, multiplier, ..
                } => {
                    let mut c = out.column_mut(master);
                    c += col * multiplier;
                }
                Source::Held(_) => {}
            }
        }
        tip
    }

    /// The geometric Jacobian in a newly allocated matrix.
    pub fn jacobian(&self, q: &[f64]) -> Jacobian {
        let mut j = Jacobian::zeros(self.dof());
        self.jacobian_into(q, &mut j);
        j
    }

    /// The Jacobian with both blocks expressed in the tip frame (still at the tip origin):
    /// `J_tip = diag(Rᵀ, Rᵀ)·J_base`. Tip-frame velocities are what a wrist camera sees.
    pub fn jacobian_tip_frame(&self, q: &[f64]) -> Jacobian {
        let mut j = Jacobian::zeros(self.dof());
        let tip = self.jacobian_into(q, &mut j);
        let rt: Mat3 = tip.rotation.transpose();
        for mut c in j.column_iter_mut() {
            let v = rt * Vec3::new(c[0], c[1], c[2]);
            let w = rt * Vec3::new(c[3], c[4], c[5]);
            c.copy_from(&Vec6::new(v.x, v.y, v.z, w.x, w.y, w.z));
        }
        j
    }
}

/// `R ← R·R_axis(θ)`, where the axis's two orthogonal columns are `a` and `b` (cyclic order).
#[inline]
fn rotate_columns(r: &mut Mat3, a: usize, b: usize, theta: f64) {
    let (s, c) = theta.sin_cos();
    for row in 0..3 {
        let (ra, rb) = (r[(row, a)], r[(row, b)]);
        r[(row, a)] = c * ra + s * rb;
        r[(row, b)] = -s * ra + c * rb;
    }
}

fn classify(axis: &Vec3) -> AxisKind {
    let exact = |i: usize| {
        (0..3).all(|k| {
            if k == i {
                axis[k].abs() == 1.0
            } else {
                axis[k] == 0.0
            }
        })
    };
    if exact(0) {
        AxisKind::X(axis.x.signum())
    } else if exact(1) {
        AxisKind::Y(axis.y.signum())
    } else if exact(2) {
        AxisKind::Z(axis.z.signum())
    } else {
        AxisKind::General(*axis)
    }
}

impl KinematicChain for Chain {
    fn dof(&self) -> usize {
        Chain::dof(self)
    }
    fn joint_limits(&self, i: usize) -> (f64, f64) {
        self.limits[i]
    }
    fn tip_pose(&self, q: &[f64]) -> Transform {
        Chain::tip_pose(self, q)
    }
    fn tip_jacobian(&self, q: &[f64], out: &mut Jacobian) {
        self.jacobian_into(q, out);
    }
}

#[cfg(test)]
mod tests {
    /// Writing a chain's variables into a model configuration and picking them out again gives
    /// them back, and leaves the joint off the chain (the Panda's finger) as it was.
    #[test]
    fn chain_values_go_into_the_model_configuration_and_back() {
        let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let chain = Chain::to_link(&model, "panda_tcp").unwrap();
        let q_chain = [0.1, -0.3, 0.2, -2.2, 0.4, 2.0, 0.785];
        let mut q = vec![0.02; model.dof()];
        chain.write_into_model(&model, &q_chain, &mut q);
        assert_eq!(chain.q_from_model(&model, &q), q_chain.to_vec());
        assert_eq!(q.len(), 8);
        assert_eq!(q[7], 0.02);
    }

    /// `Jᵀ(p − p*)` is the gradient of `½‖p(q) − p*‖²` (against central differences of the
    /// FK), and stepping down it brings the Panda's tool to the point.
    #[test]
    fn jacobian_transpose_is_the_position_loss_gradient() {
        use crate::math::backprop::position_loss_gradient;
        let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let chain = Chain::to_link(&model, "panda_tcp").unwrap();
        let target = crate::math::Vec3::new(0.45, 0.2, 0.3);
        let loss = |q: &[f64]| 0.5 * (chain.tip_pose(q).translation - target).norm_squared();
        let mut q = vec![0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785];
        let j = chain.jacobian(&q);
        let g = position_loss_gradient(&j, &(chain.tip_pose(&q).translation - target));
        for k in 0..7 {
            let h = 1e-6;
            let (mut a, mut b) = (q.clone(), q.clone());
            a[k] += h;
            b[k] -= h;
            let fd = (loss(&a) - loss(&b)) / (2.0 * h);
            assert!(
                (fd - g[k]).abs() < 1e-7,
                "joint {}: {fd} vs {}",
                k + 1,
                g[k]
            );
        }
        let start = loss(&q);
        for _ in 0..200 {
            let j = chain.jacobian(&q);
            let g = position_loss_gradient(&j, &(chain.tip_pose(&q).translation - target));
            q.iter_mut().zip(&g).for_each(|(qi, gi)| *qi -= 1.0 * gi);
        }
        assert!(loss(&q) < 1e-3 * start, "{} → {}", start, loss(&q));
    }

    /// `J·Δq` against the true FK displacement: the error falls as |Δq|² (a ratio near 4 each
    /// time the step halves) in every joint direction of the Panda, and a wrong-length step
    /// is refused.
    #[test]
    fn the_jacobian_is_first_order_the_error_second_order() {
        let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let chain = Chain::to_link(&model, "panda_tcp").unwrap();
        let q = [0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785];
        let err = |k: usize, h: f64| {
            let mut dq = [0.0; 7];
            dq[k] = h;
            let (actual, predicted) = chain.first_order_step(&q, &dq).unwrap();
            (actual - predicted).norm()
        };
        for k in 0..6 {
            for h in [0.2, 0.1, 0.05] {
                let ratio = err(k, h) / err(k, h / 2.0);
                assert!(
                    (3.5..4.5).contains(&ratio),
                    "joint {}: h {h}: ratio {ratio}",
                    k + 1
                );
            }
        }
        // The lesson's figure: joint 4, 0.2 → 0.4 rad, the error roughly quadruples.
        let r = err(3, 0.4) / err(3, 0.2);
        assert!((3.0..5.0).contains(&r), "{r}");
        assert!(chain.first_order_step(&q, &[0.1; 3]).is_none());
        assert!(chain.first_order_step(&q, &[f64::NAN; 7]).is_none());
    }

    use super::*;
    use crate::math::so3;
    use approx::assert_relative_eq;

    /// Two revolute joints about Z with links of length l₁, l₂ along X: the textbook planar arm.
    fn planar(l1: f64, l2: f64) -> Model {
        Model::from_urdf_str(&format!(
            r#"<robot name="planar"><link name="base"/><link name="l1"/><link name="l2"/><link name="tip"/>
            <joint name="q1" type="continuous"><parent link="base"/><child link="l1"/><axis xyz="0 0 1"/></joint>
            <joint name="q2" type="continuous"><origin xyz="{l1} 0 0"/><parent link="l1"/><child link="l2"/><axis xyz="0 0 1"/></joint>
            <joint name="t" type="fixed"><origin xyz="{l2} 0 0"/><parent link="l2"/><child link="tip"/></joint></robot>"#
        ))
        .expect("valid planar arm")
    }

    #[test]
    fn planar_two_link_closed_form() {
        let (l1, l2) = (0.7, 0.4);
        let m = planar(l1, l2);
        let chain = Chain::to_link(&m, "tip").expect("tip");
        for (q1, q2) in [
            (0.3, 0.9),
            (-1.2, 2.5),
            (0.0, 0.0),
            (1.0, std::f64::consts::PI),
        ] {
            let q = [q1, q2];
            let p = chain.tip_pose(&q).translation;
            assert_relative_eq!(p.x, l1 * q1.cos() + l2 * (q1 + q2).cos(), epsilon = 1e-14);
            assert_relative_eq!(p.y, l1 * q1.sin() + l2 * (q1 + q2).sin(), epsilon = 1e-14);
            let j = chain.jacobian(&q);
            // The planar 2×2 block [ẋ ẏ] has det J = l₁l₂ sin q₂.
            let det = j[(0, 0)] * j[(1, 1)] - j[(0, 1)] * j[(1, 0)];
            assert_relative_eq!(det, l1 * l2 * q2.sin(), epsilon = 1e-14);
            assert_relative_eq!(
                j[(0, 0)],
                -l1 * q1.sin() - l2 * (q1 + q2).sin(),
                epsilon = 1e-14
            );
            assert_relative_eq!(j[(5, 0)], 1.0);
        }
    }

    #[test]
    fn tip_frame_jacobian_rotates_both_blocks() {
        let m = planar(0.5, 0.5);
        let chain = Chain::to_link(&m, "tip").expect("tip");
        let q = [0.7, -0.3];
        let jb = chain.jacobian(&q);
        let jt = chain.jacobian_tip_frame(&q);
        let r = so3::rot_z(0.4);
        for c in 0..2 {
            let vb = Vec3::new(jb[(0, c)], jb[(1, c)], jb[(2, c)]);
            let vt = Vec3::new(jt[(0, c)], jt[(1, c)], jt[(2, c)]);
            assert_relative_eq!(r * vt, vb, epsilon = 1e-14);
        }
    }

    #[test]
    fn axis_classification() {
        assert_eq!(classify(&Vec3::z()), AxisKind::Z(1.0));
        assert_eq!(classify(&-Vec3::y()), AxisKind::Y(-1.0));
        assert!(matches!(
            classify(&Vec3::new(0.6, 0.8, 0.0)),
            AxisKind::General(_)
        ));
    }
}
