//! The lesson's state: the open section, each section's settings, the exponential map's clock
//! and the free body in flight; and the numbers the panel shows, computed here so the tests
//! check exactly what is on screen.

use crate::kit::param_f64;
use crate::lessons::{LessonSettings, param_choice, param_name};
use crate::math::curved::{self, PlanarArm};
use crate::math::free_body::{FreeBody, box_inertia};
use crate::math::{Mat3, Transform, Twist, Vec3 as RVec3, Vec6, Wrench, so3};
use bevy::prelude::*;
use std::collections::{BTreeMap, VecDeque};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Area,
    Newton,
    Ik,
    Exp,
    Bch,
    Spatial,
    Body,
    Rnea,
}

impl Section {
    /// Each section with its name in a link and its tab's string key, in tab order.
    pub const ALL: [(Section, &'static str, &'static str); 8] = [
        (Section::Area, "area", "dyn_sec_area"),
        (Section::Newton, "newton", "dyn_sec_newton"),
        (Section::Ik, "ik", "dyn_sec_ik"),
        (Section::Exp, "exp", "dyn_sec_exp"),
        (Section::Bch, "bch", "dyn_sec_bch"),
        (Section::Spatial, "spatial", "dyn_sec_spatial"),
        (Section::Body, "body", "dyn_sec_body"),
        (Section::Rnea, "rnea", "dyn_sec_rnea"),
    ];

    fn link_names() -> [(Section, &'static str); 8] {
        Section::ALL.map(|(s, n, _)| (s, n))
    }
}

/// The planar two-link arm of the area section (m).
pub const ARM: PlanarArm = PlanarArm { l1: 0.4, l2: 0.3 };
/// The joint-space cell the area readout measures (rad): 10° × 10°.
pub const CELL: f64 = 10.0 * std::f64::consts::PI / 180.0;
/// Newton's iterations computed for the table and the plot.
pub const NEWTON_STEPS: usize = 8;
/// The one root of `x³ − 2x − 5` (checked against bisection in the math tests).
pub const NEWTON_ROOT: f64 = 2.094_551_481_542_326_5;
/// Newton on the arm: iterations computed, and the damping of the damped least squares.
pub const IK_STEPS: usize = 10;
pub const IK_LAMBDA: f64 = 0.1;

/// The arm's inverse kinematics to one target, solved two ways from the same start.
#[derive(Clone, Debug)]
pub struct IkRuns {
    /// The robot it was computed for.
    pub generation: u32,
    pub target: Transform,
    /// (chain joint values, ‖e‖) per iterate: Newton's full step `Δq = J⁺e`, and damped least
    /// squares `Δq = Jᵀ(JJᵀ + λ²I)⁻¹e`.
    pub newton: Vec<(Vec<f64>, f64)>,
    pub dls: Vec<(Vec<f64>, f64)>,
}

/// From `q0`, the target is the tool's pose moved by (0.1, −0.15, −0.1) m and turned 0.5 rad
/// about the vertical; both solvers take [`IK_STEPS`] steps towards it, without step limit.
pub fn ik_runs(
    chain: &impl crate::math::ik::KinematicChain,
    q0: &[f64],
    generation: u32,
) -> IkRuns {
    use crate::math::ik::{IkMethod, IkSolver};
    let start = chain.tip_pose(q0);
    let target = Transform::new(
        so3::rot_z(0.5) * start.rotation,
        start.translation + RVec3::new(0.1, -0.15, -0.1),
    );
    let solver = |method| IkSolver {
        method,
        max_step: f64::INFINITY,
        respect_limits: false,
        rest: None,
        ..IkSolver::default()
    };
    let newton = solver(IkMethod::PseudoInverse).trace(chain, &target, q0, IK_STEPS);
    // An ε no σ reaches: the damping is λ throughout.
    let dls = solver(IkMethod::DampedLeastSquares {
        epsilon: f64::MAX,
        lambda_max: IK_LAMBDA,
    })
    .trace(chain, &target, q0, IK_STEPS);
    IkRuns {
        generation,
        target,
        newton,
        dls,
    }
}

/// The exponential map's constant body rate (rad/s) and start orientation.
pub const OMEGA: [f64; 3] = [0.4, -1.0, 0.7];
pub fn start_rotation() -> Mat3 {
    so3::from_rpy(0.3, -0.4, 1.1)
}
/// The step of the forward-Euler comparison (s).
pub const EULER_DT: f64 = 0.05;
/// The free body: a 2 kg slab, 0.1 × 0.2 × 0.3 m (largest moment about x, middle y, smallest
/// z), spun at 5 rad/s with a wobble of 0.01 rad/s about the other two axes.
pub const BODY_SIDES: [f64; 3] = [0.1, 0.2, 0.3];
pub const BODY_SPIN: f64 = 5.0;
pub const BODY_WOBBLE: f64 = 0.01;
/// The free body's integration step (s) and the seconds of ω kept for the plot.
pub const BODY_DT: f64 = 1e-3;
pub const BODY_HISTORY_S: f64 = 20.0;

#[derive(Resource, Debug, Clone)]
pub struct DynamicsState {
    pub section: Section,
    /// Area: the arm's joint angles (degrees).
    pub q1_deg: f64,
    pub q2_deg: f64,
    /// Newton: the start and how many iterations are drawn.
    pub x0: f64,
    pub shown: usize,
    /// Newton on the arm: both runs, which one is drawn, and how many iterates.
    pub ik: Option<IkRuns>,
    pub ik_dls: bool,
    pub ik_shown: usize,
    /// The exponential map: seconds turned, and whether the clock runs.
    pub spin_t: f64,
    pub spinning: bool,
    /// BCH: |a| and |b| (degrees) and the angle between them (degrees).
    pub a_deg: f64,
    pub b_deg: f64,
    pub between_deg: f64,
    /// Spatial vectors: where frame B sits, along A's y axis (m).
    pub offset: f64,
    /// The free body: the principal axis spun about (0 largest, 1 middle, 2 smallest moment).
    pub axis: usize,
    pub body: Option<FreeBody>,
    pub body_t: f64,
    /// (t, ω in the body frame), the last [`BODY_HISTORY_S`].
    pub trace: VecDeque<(f64, RVec3)>,
    /// The body's energy and angular momentum (world) when it was set spinning.
    pub start: Option<(f64, RVec3)>,
    /// The recursive Newton–Euler walk: how many joints the outward and then the inward pass
    /// have visited (0 … 2 × joints).
    pub rnea_stage: usize,
    /// True while the timeline shows a past moment (the plots mark it).
    pub past: bool,
    /// Time owed to the free body, less than one of its steps.
    pub(super) body_lag: f64,
}

impl Default for DynamicsState {
    fn default() -> Self {
        DynamicsState {
            section: Section::Area,
            q1_deg: 30.0,
            q2_deg: 60.0,
            x0: 3.0,
            shown: 3,
            ik: None,
            ik_dls: false,
            ik_shown: 2,
            spin_t: 0.0,
            spinning: false,
            a_deg: 30.0,
            b_deg: 20.0,
            between_deg: 90.0,
            offset: 0.5,
            axis: 1,
            body: None,
            body_t: 0.0,
            trace: VecDeque::new(),
            start: None,
            rnea_stage: 0,
            past: false,
            body_lag: 0.0,
        }
    }
}

/// `section=area|newton|ik|exp|bch|spatial|body|rnea`, `q1=`, `q2=` (degrees), `x0=`, `shown=`,
/// `method=newton|dls`, `iterate=`, `a=`, `b=`, `between=` (degrees), `offset=` (m),
/// `axis=0|1|2`, `stage=` (the Newton–Euler walk's, 0 … twice the joints).
impl LessonSettings for DynamicsState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(s) = param_choice(
            &Section::link_names(),
            given.get("section").map(String::as_str),
        ) {
            self.section = s;
        }
        param_f64(given, "q1", &mut self.q1_deg, -JOINT_MAX_DEG, JOINT_MAX_DEG);
        param_f64(given, "q2", &mut self.q2_deg, -JOINT_MAX_DEG, JOINT_MAX_DEG);
        param_f64(given, "x0", &mut self.x0, -1.0, 4.0);
        let mut shown = self.shown as f64;
        param_f64(given, "shown", &mut shown, 0.0, NEWTON_STEPS as f64);
        self.shown = shown.round() as usize;
        let mut ik_shown = self.ik_shown as f64;
        param_f64(given, "iterate", &mut ik_shown, 0.0, IK_STEPS as f64);
        self.ik_shown = ik_shown.round() as usize;
        if let Some(m) = given.get("method") {
            self.ik_dls = m.trim() == "dls";
        }
        let mut stage = self.rnea_stage as f64;
        param_f64(given, "stage", &mut stage, 0.0, 200.0);
        self.rnea_stage = stage.round() as usize;
        param_f64(given, "a", &mut self.a_deg, 0.0, BCH_MAX_DEG);
        param_f64(given, "b", &mut self.b_deg, 0.0, BCH_MAX_DEG);
        param_f64(given, "between", &mut self.between_deg, 0.0, 180.0);
        param_f64(given, "offset", &mut self.offset, -OFFSET_MAX, OFFSET_MAX);
        let mut axis = self.axis as f64;
        param_f64(given, "axis", &mut axis, 0.0, 2.0);
        if axis.round() as usize != self.axis {
            self.axis = axis.round() as usize;
            self.body = None;
        }
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        if let Some(name) = param_name(&Section::link_names(), self.section) {
            out.insert("section".into(), name.into());
        }
        let round = |x: f64| ((x * 100.0).round() / 100.0).to_string();
        for (k, v) in [
            ("q1", self.q1_deg),
            ("q2", self.q2_deg),
            ("x0", self.x0),
            ("a", self.a_deg),
            ("b", self.b_deg),
            ("between", self.between_deg),
            ("offset", self.offset),
        ] {
            out.insert(k.into(), round(v));
        }
        out.insert("shown".into(), self.shown.to_string());
        out.insert("iterate".into(), self.ik_shown.to_string());
        let method = if self.ik_dls { "dls" } else { "newton" };
        out.insert("method".into(), method.into());
        out.insert("axis".into(), self.axis.to_string());
        out.insert("stage".into(), self.rnea_stage.to_string());
    }
}

/// `det J = l₁l₂ sin q₂` (m²) and the measured area of the 10° × 10° cell centred on the arm's
/// joints, per unit of joint area (m² per rad²).
pub fn area_readout(q1_deg: f64, q2_deg: f64) -> (f64, f64) {
    let (q1, q2) = (q1_deg.to_radians(), q2_deg.to_radians());
    let measured = ARM.cell_area(q1 - CELL / 2.0, q2 - CELL / 2.0, CELL, CELL, 16) / (CELL * CELL);
    (ARM.det_j(q2), measured)
}

/// Newton's iterates on `x³ − 2x − 5` from `x0`.
pub fn newton_iterates(x0: f64) -> Vec<f64> {
    curved::newton_1d(
        curved::newton_curve,
        curved::newton_curve_slope,
        x0,
        NEWTON_STEPS,
    )
}

/// The exponential map at `t`: the orientation turned at the body rate (`R₀ exp(ωt)`) and at
/// the same vector taken as a world rate (`exp(ωt) R₀`).
pub fn turned(t: f64) -> (Mat3, Mat3) {
    let step = so3::exp(&(RVec3::from(OMEGA) * t));
    let r0 = start_rotation();
    (r0 * step, step * r0)
}

/// What the exponential section shows at `t`: ‖R_body − R_world‖, the rotation vector of
/// `R₀ᵀ R_body` (ωt until |ωt| passes π, then the shorter way), and how far forward Euler at
/// [`EULER_DT`] has left the rotations (`‖RᵀR − I‖`).
pub fn exp_readout(t: f64) -> (f64, RVec3, f64) {
    let (body, world) = turned(t);
    let log = so3::log(&(start_rotation().transpose() * body));
    let steps = (t / EULER_DT).round() as usize;
    let euler =
        curved::integrate_rotation_euler(&start_rotation(), &RVec3::from(OMEGA), EULER_DT, steps);
    (
        (body - world).norm(),
        log,
        curved::orthogonality_error(&euler),
    )
}

/// The planar arm's joints reach this far either way (degrees), on the sliders and in a link.
pub const JOINT_MAX_DEG: f64 = 180.0;
/// The largest |a| and |b| of the BCH section (degrees): short of a half-turn, where a
/// rotation vector's direction flips.
pub const BCH_MAX_DEG: f64 = 170.0;
/// How far frame B is moved from A in the spatial-vector section (m).
pub const OFFSET_MAX: f64 = 2.0;

/// The two rotation vectors of the BCH section (rad): `a` along x, `b` at `between` from it in
/// the xy plane.
pub fn bch_vectors(a_deg: f64, b_deg: f64, between_deg: f64) -> (RVec3, RVec3) {
    let th = between_deg.to_radians();
    (
        RVec3::x() * a_deg.to_radians(),
        RVec3::new(th.cos(), th.sin(), 0.0) * b_deg.to_radians(),
    )
}

/// The BCH readouts (rad): how far `a + b` is from `log(exp a · exp b)`, half of `|a × b|`, the
/// second-order series' error, and for `b` applied before `a` the errors of `a + b` and of
/// `a + J_l(a)⁻¹ b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BchReadout {
    pub naive: f64,
    pub half_cross: f64,
    pub second_order: f64,
    pub before_naive: f64,
    pub before_jacobian: f64,
}

pub fn bch_readout(a: &RVec3, b: &RVec3) -> BchReadout {
    let exact = curved::compose(a, b);
    let before = so3::log(&(so3::exp(b) * so3::exp(a)));
    BchReadout {
        naive: (exact - (a + b)).norm(),
        half_cross: 0.5 * a.cross(b).norm(),
        second_order: (exact - curved::bch2(a, b)).norm(),
        before_naive: (before - (a + b)).norm(),
        before_jacobian: (before - curved::left_jacobian_correction(a, b)).norm(),
    }
}

/// The twist and the wrench of the spatial section, in frame A: a point moving at 0.2 m/s along
/// x while turning at 1 rad/s about z, pushed by (1, 2, 0) N with a moment (0, 0.5, 3) N·m.
pub fn spatial_pair() -> (Twist, Wrench) {
    (
        Twist::new(RVec3::new(0.2, 0.0, 0.0), RVec3::new(0.0, 0.0, 1.0)),
        Wrench::new(RVec3::new(1.0, 2.0, 0.0), RVec3::new(0.0, 0.5, 3.0)),
    )
}

/// Frame B seen from A: `offset` metres along A's y, turned 30° about A's x.
pub fn frame_b(offset: f64) -> Transform {
    Transform::new(so3::rot_x(30f64.to_radians()), RVec3::new(0.0, offset, 0.0))
}

/// The twist's 6-vector length in A and in B (it mixes m/s with rad/s, and changes with the
/// frame) and the power in A and in B (W, the same).
pub fn spatial_readout(offset: f64) -> (f64, f64, f64, f64) {
    let (v, f) = spatial_pair();
    // B's coordinates of the same motion and force: through the inverse of B's pose in A.
    let to_b = frame_b(offset).inverse();
    let (vb, fb) = (v.transform(&to_b), f.transform(&to_b));
    (
        v.to_vec6().norm(),
        vb.to_vec6().norm(),
        v.power(&f),
        vb.power(&fb),
    )
}

impl DynamicsState {
    /// Sets the slab spinning about `self.axis` from rest orientation.
    pub fn launch(&mut self) {
        let mut v = Vec6::zeros();
        for k in 0..3 {
            v[3 + k] = if k == self.axis {
                BODY_SPIN
            } else {
                BODY_WOBBLE
            };
        }
        self.body = FreeBody::new(&box_inertia(2.0, BODY_SIDES), Mat3::identity(), v);
        self.start = self
            .body
            .as_ref()
            .map(|b| (b.energy(), b.angular_momentum_world()));
        self.body_t = 0.0;
        self.body_lag = 0.0;
        self.trace.clear();
    }

    /// Moves the free body on by `dt` seconds, in steps of [`BODY_DT`].
    pub fn advance_body(&mut self, dt: f64) {
        let Some(body) = &mut self.body else { return };
        // Whole steps of the time owed, so the body's clock keeps to the frames' on average.
        let owed = self.body_lag + dt.max(0.0);
        let steps = (owed / BODY_DT + 1e-9).floor() as usize;
        self.body_lag = owed - steps as f64 * BODY_DT;
        for _ in 0..steps {
            body.step(BODY_DT);
        }
        self.body_t += steps as f64 * BODY_DT;
        let w = body.omega();
        self.trace.push_back((self.body_t, w));
        while self
            .trace
            .front()
            .is_some_and(|(t, _)| *t < self.body_t - BODY_HISTORY_S)
        {
            self.trace.pop_front();
        }
    }

    /// The relative drift of energy and of the world angular momentum since launch.
    pub fn drift(&self) -> Option<(f64, f64)> {
        let (body, (e0, h0)) = (self.body.as_ref()?, self.start?);
        Some((
            (body.energy() - e0).abs() / e0,
            (body.angular_momentum_world() - h0).norm() / h0.norm(),
        ))
    }
}

/// The Newton–Euler walk at `stage` on the arm at rest in `q` (gravity only: the torques the
/// controller adds to hold the arm): which joints' accelerations the outward pass has reached,
/// which joints' transmitted forces the inward pass has, and the torques found so far (`None`
/// for a joint not reached yet).
pub struct RneaWalk {
    pub passes: crate::robot::dynamics::RneaPasses,
    /// Joints (in model order) whose child link's acceleration is drawn.
    pub outward: usize,
    /// Joints, counted from the last, whose transmitted force is drawn.
    pub inward: usize,
    pub tau: Vec<Option<f64>>,
}

pub fn rnea_walk(model: &crate::robot::Model, q: &[f64], stage: usize) -> RneaWalk {
    use crate::robot::dynamics::{GRAVITY, rnea_passes};
    let n = model.joints.len();
    let zero = vec![0.0; model.dof()];
    let passes = rnea_passes(model, q, &zero, &zero, &GRAVITY);
    let stage = stage.min(2 * n);
    let (outward, inward) = (stage.min(n), stage.saturating_sub(n));
    let mut tau = vec![None; model.dof()];
    for ji in (n - inward)..n {
        if let Some((i, _)) = model.driver(ji) {
            // A mimic joint adds to its master's torque: the sum is whole only when both are in.
            let done = (0..n)
                .filter(|&k| model.driver(k).is_some_and(|(m, _)| m == i))
                .all(|k| k >= n - inward);
            if done {
                tau[i] = Some(passes.tau[i]);
            }
        }
    }
    RneaWalk {
        passes,
        outward,
        inward,
        tau,
    }
}
