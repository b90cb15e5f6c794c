//! Rigid-body dynamics of the whole tree with spatial vectors (Featherstone).
//!
//! * [`inverse_dynamics`]: the recursive Newton–Euler algorithm (RNEA). Outward, each link's
//!   twist and spatial acceleration are its parent's, moved into the link frame by `X`, plus its
//!   joint's contribution `S·q̇`; gravity enters as a base acceleration of `−g`. Inward, each
//!   link's net wrench `I·a + v×*·I·v` is passed to its parent by `Xᵀ` and projected onto the
//!   joint axis, `τ = Sᵀf`.
//! * [`gravity_torques`]: RNEA at rest, the torques that hold a pose against gravity;
//!   [`inverse_dynamics_at_rest`]: `M(q)·q̈ + g(q)` in the same single pass.
//! * [`mass_matrix`]: the composite rigid-body algorithm (CRBA): `M(q)` with kinetic energy
//!   `½q̇ᵀMq̇`.
//!
//! Six-vectors are linear first, as in [`crate::math::spatial`]. Mimic joints contribute to
//! their master's generalized force with their multiplier.

use super::model::{JointKind, Model};
use crate::math::spatial::{crf, crm};
use crate::math::{Mat6, Transform, Vec3, Vec6};
use nalgebra::DMatrix;

/// Standard gravity in the REP-103 world (Z up), m/s².
pub const GRAVITY: Vec3 = Vec3::new(0.0, 0.0, -9.81);

/// Per-link quantities shared by the algorithms.
struct Kinematics {
    /// Motion transform from the parent link's coordinates to this link's.
    x_up: Vec<Mat6>,
    /// Joint motion subspace in link coordinates (zero for fixed joints).
    s: Vec<Vec6>,
}

fn kinematics(model: &Model, q: &[f64]) -> Kinematics {
    let n = model.links.len();
    let mut x_up = vec![Mat6::identity(); n];
    let mut s = vec![Vec6::zeros(); n];
    for (ji, j) in model.joints.iter().enumerate() {
        let t_parent_child: Transform = j.origin * j.motion(model.joint_value(ji, q));
        x_up[j.child] = t_parent_child.inverse().adjoint();
        let a = j.axis;
        s[j.child] = match j.kind {
            JointKind::Revolute | JointKind::Continuous => Vec6::new(0.0, 0.0, 0.0, a.x, a.y, a.z),
            JointKind::Prismatic => Vec6::new(a.x, a.y, a.z, 0.0, 0.0, 0.0),
            JointKind::Fixed => Vec6::zeros(),
        };
    }
    Kinematics { x_up, s }
}

/// Joint-space rate of joint `ji` from the generalized rates (mimic offsets do not move).
fn joint_rate(model: &Model, ji: usize, qd: &[f64]) -> f64 {
    model.driver(ji).map_or(0.0, |(i, k)| k * qd[i])
}

/// RNEA: the generalized forces `τ = M(q)q̈ + C(q, q̇)q̇ + g(q)` for a fixed base under
/// `gravity` (world frame = root link frame). All slices have [`Model::dof`] entries.
pub fn inverse_dynamics(
    model: &Model,
    q: &[f64],
    qd: &[f64],
    qdd: &[f64],
    gravity: &Vec3,
) -> Vec<f64> {
    rnea_passes(model, q, qd, qdd, gravity).tau
}

/// What the recursive Newton–Euler algorithm computes on its way, per link, each a spatial
/// vector in the link's own frame (linear part first): the outward pass's velocity `v` and
/// acceleration `a` (gravity enters as the base accelerating upwards at `−g`), the force `f`
/// each link needs for its own motion (`I a + v ×* I v`), the force `f_joint` its parent
/// joint transmits once the inward pass has added the children's, and the joint torques.
#[derive(Clone, Debug)]
pub struct RneaPasses {
    pub v: Vec<Vec6>,
    pub a: Vec<Vec6>,
    pub f: Vec<Vec6>,
    pub f_joint: Vec<Vec6>,
    pub tau: Vec<f64>,
}

/// The RNEA with its intermediate results (see [`RneaPasses`]); `tau` is
/// [`inverse_dynamics`].
pub fn rnea_passes(
    model: &Model,
    q: &[f64],
    qd: &[f64],
    qdd: &[f64],
    gravity: &Vec3,
) -> RneaPasses {
    let kin = kinematics(model, q);
    let n = model.links.len();
    let mut v = vec![Vec6::zeros(); n];
    let mut a = vec![Vec6::zeros(); n];
    let mut f = vec![Vec6::zeros(); n];
    a[0] = Vec6::new(-gravity.x, -gravity.y, -gravity.z, 0.0, 0.0, 0.0);
    for (ji, j) in model.joints.iter().enumerate() {
        let (c, p) = (j.child, j.parent);
        let vj = kin.s[c] * joint_rate(model, ji, qd);
        v[c] = kin.x_up[c] * v[p] + vj;
        a[c] = kin.x_up[c] * a[p] + kin.s[c] * joint_rate(model, ji, qdd) + crm(&v[c]) * vj;
        let inertia = model.links[c].inertia.to_matrix();
        f[c] = inertia * a[c] + crf(&v[c]) * (inertia * v[c]);
    }
    let mut f_joint = f.clone();
    let tau = inward_pass(model, &kin, &mut f_joint);
    RneaPasses {
        v,
        a,
        f,
        f_joint,
        tau,
    }
}

/// `M(q)·q̈ + g(q)`: the inverse dynamics of the arm at rest (`q̇ = 0`), the velocity terms
/// left out rather than multiplied by zero. A controller that wants a mass-weighted
/// acceleration plus the gravity load gets both from this one O(n) pass.
pub fn inverse_dynamics_at_rest(model: &Model, q: &[f64], qdd: &[f64], gravity: &Vec3) -> Vec<f64> {
    let kin = kinematics(model, q);
    let n = model.links.len();
    let mut a = vec![Vec6::zeros(); n];
    let mut f = vec![Vec6::zeros(); n];
    a[0] = Vec6::new(-gravity.x, -gravity.y, -gravity.z, 0.0, 0.0, 0.0);
    for (ji, j) in model.joints.iter().enumerate() {
        let (c, p) = (j.child, j.parent);
        a[c] = kin.x_up[c] * a[p] + kin.s[c] * joint_rate(model, ji, qdd);
        f[c] = model.links[c].inertia.to_matrix() * a[c];
    }
    inward_pass(model, &kin, &mut f)
}

/// RNEA's inward pass, leaves first: each link's force (`f`, its own on entry) passes to its
/// parent by `Xᵀ` once its children's have been added, and its projection on the joint axis is
/// the joint's generalized force (a mimic adds to its master's, times its multiplier).
fn inward_pass(model: &Model, kin: &Kinematics, f: &mut [Vec6]) -> Vec<f64> {
    let mut tau = vec![0.0; model.dof()];
    for (ji, j) in model.joints.iter().enumerate().rev() {
        let c = j.child;
        if let Some((i, k)) = model.driver(ji) {
            tau[i] += k * kin.s[c].dot(&f[c]);
        }
        let up = kin.x_up[c].transpose() * f[c];
        f[j.parent] += up;
    }
    tau
}

/// The torques that hold configuration `q` still against `gravity`: `g(q)`.
pub fn gravity_torques(model: &Model, q: &[f64], gravity: &Vec3) -> Vec<f64> {
    inverse_dynamics_at_rest(model, q, &vec![0.0; model.dof()], gravity)
}

/// CRBA: the joint-space mass matrix `M(q)` (symmetric positive definite when every moving
/// body has mass), `dof × dof`.
pub fn mass_matrix(model: &Model, q: &[f64]) -> DMatrix<f64> {
    let kin = kinematics(model, q);
    // Composite inertias, leaves first.
    let mut ic: Vec<Mat6> = model.links.iter().map(|l| l.inertia.to_matrix()).collect();
    for j in model.joints.iter().rev() {
        let x = &kin.x_up[j.child];
        let moved = x.transpose() * ic[j.child] * x;
        ic[j.parent] += moved;
    }
    let dof = model.dof();
    let mut m = DMatrix::zeros(dof, dof);
    for (ji, j) in model.joints.iter().enumerate() {
        let Some((qi, ki)) = model.driver(ji) else {
            continue;
        };
        let mut force = ic[j.child] * kin.s[j.child];
        // The diagonal block, then up the tree to every ancestor joint.
        m[(qi, qi)] += ki * ki * kin.s[j.child].dot(&force);
        let mut link = j.child;
        while let Some(pj) = model.links[link].parent_joint {
            force = kin.x_up[link].transpose() * force;
            link = model.joints[pj].parent;
            let Some(parent_joint) = model.links[link].parent_joint else {
                break;
            };
            if let Some((qk, kk)) = model.driver(parent_joint) {
                let h = ki * kk * kin.s[link].dot(&force);
                m[(qi, qk)] += h;
                m[(qk, qi)] += h;
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// A pendulum: point-like mass m at distance l below a Y-axis hinge.
    fn pendulum(m: f64, l: f64) -> Model {
        Model::from_urdf_str(&format!(
            r#"<robot name="p"><link name="base"/>
            <link name="bob"><inertial><origin xyz="0 0 {neg}"/><mass value="{m}"/>
              <inertia ixx="0" ixy="0" ixz="0" iyy="0" iyz="0" izz="0"/></inertial></link>
            <joint name="hinge" type="continuous"><parent link="base"/><child link="bob"/><axis xyz="0 1 0"/></joint></robot>"#,
            neg = -l
        ))
        .expect("valid pendulum")
    }

    #[test]
    fn pendulum_closed_form() {
        let (m, l) = (2.0, 0.5);
        let model = pendulum(m, l);
        for th in [0.0, 0.4, 1.3, -2.0] {
            // Rotating about +Y by θ swings the bob (0,0,−l) to (−l sin θ, 0, −l cos θ).
            // Holding torque: τ = m g l sin θ (restoring), M = m l².
            let g = gravity_torques(&model, &[th], &GRAVITY);
            assert_relative_eq!(g[0], m * 9.81 * l * th.sin(), epsilon = 1e-12);
            let mm = mass_matrix(&model, &[th]);
            assert_relative_eq!(mm[(0, 0)], m * l * l, epsilon = 1e-12);
            let tau = inverse_dynamics(&model, &[th], &[1.5], &[0.7], &GRAVITY);
            assert_relative_eq!(
                tau[0],
                m * l * l * 0.7 + m * 9.81 * l * th.sin(),
                epsilon = 1e-12
            );
        }
    }

    fn panda() -> Model {
        Model::from_urdf_str(include_str!("../../urdf/panda.urdf")).expect("bundled arm")
    }

    fn configs(model: &Model, count: usize) -> Vec<Vec<f64>> {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(42);
        (0..count)
            .map(|_| {
                model
                    .dof_joints
                    .iter()
                    .map(|&ji| {
                        let (lo, hi) = model.joints[ji].limits;
                        rng.random_range(lo..=hi)
                    })
                    .collect()
            })
            .collect()
    }

    /// Potential energy `V(q) = −Σ mᵢ g·cᵢ(q)` from forward kinematics alone.
    fn potential(model: &Model, q: &[f64]) -> f64 {
        let poses = model.link_poses(q);
        model
            .links
            .iter()
            .zip(&poses)
            .map(|(l, t)| -l.inertia.mass * GRAVITY.dot(&t.transform_point(&l.inertia.com)))
            .sum()
    }

    /// Kinetic energy `Σ ½mᵢ|v_cᵢ|² + ½ωᵢᵀI_cᵢωᵢ`, with velocities from finite differences of
    /// forward kinematics along q̇.
    fn kinetic(model: &Model, q: &[f64], qd: &[f64]) -> f64 {
        let h = 1e-6;
        let qp: Vec<f64> = q.iter().zip(qd).map(|(a, b)| a + h * b).collect();
        let qm: Vec<f64> = q.iter().zip(qd).map(|(a, b)| a - h * b).collect();
        let (pp, pm, p0) = (
            model.link_poses(&qp),
            model.link_poses(&qm),
            model.link_poses(q),
        );
        let mut t = 0.0;
        for (i, l) in model.links.iter().enumerate() {
            let vc = (pp[i].transform_point(&l.inertia.com)
                - pm[i].transform_point(&l.inertia.com))
                / (2.0 * h);
            let w =
                crate::math::so3::log(&(pp[i].rotation * pm[i].rotation.transpose())) / (2.0 * h);
            let i_world = p0[i].rotation * l.inertia.inertia_com * p0[i].rotation.transpose();
            t += 0.5 * l.inertia.mass * vc.norm_squared() + 0.5 * w.dot(&(i_world * w));
        }
        t
    }

    #[test]
    fn gravity_torques_are_the_gradient_of_potential_energy() {
        let model = panda();
        let h = 1e-6;
        for q in configs(&model, 50) {
            let g = gravity_torques(&model, &q, &GRAVITY);
            for i in 0..model.dof() {
                let (mut qp, mut qm) = (q.clone(), q.clone());
                qp[i] += h;
                qm[i] -= h;
                let dv = (potential(&model, &qp) - potential(&model, &qm)) / (2.0 * h);
                assert!(
                    (g[i] - dv).abs() < 1e-6,
                    "joint {i}: RNEA {} vs ∂V/∂q {dv}",
                    g[i]
                );
            }
        }
    }

    #[test]
    fn mass_matrix_gives_the_kinetic_energy() {
        let model = panda();
        let qds = configs(&model, 50);
        for (q, qd) in configs(&model, 50).iter().zip(&qds) {
            let m = mass_matrix(&model, q);
            assert!((&m - m.transpose()).amax() < 1e-12, "symmetric");
            assert!(m.clone().cholesky().is_some(), "positive definite");
            let v = nalgebra::DVector::from_column_slice(qd);
            let t = 0.5 * v.dot(&(&m * &v));
            let oracle = kinetic(&model, q, qd);
            assert!(
                (t - oracle).abs() < 1e-6 * oracle.max(1.0),
                "½q̇ᵀMq̇ = {t}, Σ½mv² = {oracle}"
            );
        }
    }

    #[test]
    fn crba_matches_rnea_columns() {
        // Column i of M is RNEA with q̇ = 0, q̈ = eᵢ and no gravity.
        let model = panda();
        for q in configs(&model, 20) {
            let m = mass_matrix(&model, &q);
            let zero = vec![0.0; model.dof()];
            for i in 0..model.dof() {
                let mut e = zero.clone();
                e[i] = 1.0;
                let col = inverse_dynamics(&model, &q, &zero, &e, &Vec3::zeros());
                for r in 0..model.dof() {
                    assert!((m[(r, i)] - col[r]).abs() < 1e-12);
                }
            }
        }
    }

    #[test]
    fn at_rest_the_inverse_dynamics_is_the_mass_matrix_times_the_acceleration_plus_gravity() {
        // The oracle: CRBA's M(q), checked against the kinetic energy above, and g(q) from the
        // full RNEA with q̇ = q̈ = 0 (not the at-rest pass, which `gravity_torques` now is).
        let model = panda();
        let all = configs(&model, 40);
        let zero = vec![0.0; model.dof()];
        for k in 0..20 {
            let (q, qdd) = (&all[k], &all[k + 20]);
            let tau = inverse_dynamics_at_rest(&model, q, qdd, &GRAVITY);
            let want = mass_matrix(&model, q) * nalgebra::DVector::from_column_slice(qdd);
            let g = inverse_dynamics(&model, q, &zero, &zero, &GRAVITY);
            for i in 0..model.dof() {
                assert!((tau[i] - want[i] - g[i]).abs() < 1e-10, "{i}");
            }
        }
    }

    #[test]
    fn power_balance_checks_the_velocity_terms() {
        // Along q(t) with q̈ given, d/dt(½q̇ᵀMq̇) = q̇ᵀ(τ − g(q)): an energy check of the
        // Coriolis/centrifugal terms that never looks inside RNEA.
        let model = panda();
        let all = configs(&model, 60);
        for k in 0..20 {
            let (q, qd, qdd) = (&all[k], &all[k + 20], &all[k + 40]);
            let qd: Vec<f64> = qd.iter().map(|x| 0.5 * x).collect();
            let tau = inverse_dynamics(&model, q, &qd, qdd, &GRAVITY);
            let g = gravity_torques(&model, q, &GRAVITY);
            let power: f64 = qd
                .iter()
                .zip(tau.iter().zip(&g))
                .map(|(v, (t, gg))| v * (t - gg))
                .sum();
            let energy = |dt: f64| {
                let qt: Vec<f64> = (0..q.len())
                    .map(|i| q[i] + qd[i] * dt + 0.5 * qdd[i] * dt * dt)
                    .collect();
                let vt: Vec<f64> = (0..q.len()).map(|i| qd[i] + qdd[i] * dt).collect();
                let m = mass_matrix(&model, &qt);
                let v = nalgebra::DVector::from_vec(vt);
                0.5 * v.dot(&(&m * &v))
            };
            let h = 1e-5;
            let dtdt = (energy(h) - energy(-h)) / (2.0 * h);
            assert!(
                (power - dtdt).abs() < 1e-6 * power.abs().max(1.0),
                "{power} vs {dtdt}"
            );
        }
    }
}
