//! A scripted pick-and-place policy that acts the way a VLA model's output does: one action
//! every control period (50 ms by default), in joint space (Δq, 7 joints) or task space
//! (Δx: 3 translation + 3 rotation-vector components, turned into joint motion by damped least
//! squares), plus a gripper command (seed 000 §0, seed 001).
//!
//! The phases: approach above the cube, descend, close, lift, transport, lower, release,
//! retreat. Each phase has a tool pose target; the policy steps towards it at bounded speed
//! and moves on when it is reached (or, for the gripper phases, when their time is up).

use super::{ArmWorld, JointPd, SimError};
use crate::math::ik::{IkSolver, KinematicChain, dls_step, pose_error};
use crate::math::{Transform, Vec3, Vec6, so3};
use crate::robot::{Chain, Model};
use rand::{Rng, SeedableRng};

/// How the policy's actions are expressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionMode {
    /// Δq for the 7 arm joints.
    Joint,
    /// Δx: translation (m) then rotation vector (rad) of the tool, in the base frame.
    Task,
}

/// One action: the 7-vector a policy head would output, and the gripper command.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Action {
    /// Joint mode: Δq₁…Δq₇. Task mode: Δx, Δy, Δz, Δφx, Δφy, Δφz and, last, the gripper
    /// command as ±1 (−1 close).
    pub values: [f64; 7],
    pub close_gripper: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Approach,
    Descend,
    Close,
    Lift,
    Transport,
    Lower,
    Release,
    Retreat,
    Done,
}

/// Settings of the task and of the policy.
#[derive(Clone, Debug, PartialEq)]
pub struct PickPlaceConfig {
    pub mode: ActionMode,
    /// Seconds between actions (0.05 = 20 Hz).
    pub control_period: f64,
    /// Physics rate (Hz).
    pub physics_rate: f64,
    /// Tool speed limits: m/s and rad/s (task space), rad/s (joint space).
    pub max_linear_speed: f64,
    pub max_angular_speed: f64,
    pub max_joint_speed: f64,
    pub cube_side: f64,
    pub cube_mass: f64,
    /// Grip force per finger (N).
    pub grip_force: f64,
    /// Give up after this many simulated seconds.
    pub timeout: f64,
}

impl Default for PickPlaceConfig {
    fn default() -> Self {
        PickPlaceConfig {
            mode: ActionMode::Task,
            control_period: 0.05,
            physics_rate: 240.0,
            max_linear_speed: 0.25,
            max_angular_speed: 1.0,
            max_joint_speed: 1.0,
            cube_side: 0.04,
            cube_mass: 0.1,
            grip_force: 10.0,
            timeout: 25.0,
        }
    }
}

/// Where the cube starts and where it must go, drawn from a seed inside the reachable
/// workspace in front of the arm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scenario {
    pub cube: Vec3,
    pub cube_yaw: f64,
    pub place: Vec3,
}

impl Scenario {
    pub fn from_seed(seed: u64, side: f64) -> Scenario {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let y: f64 = rng.random_range(-0.2..0.2);
        let cube = Vec3::new(rng.random_range(0.4..0.6), y, side / 2.0);
        // Place on the other side of the centre line, at least 0.15 m away.
        let place_y = if y >= 0.0 {
            rng.random_range(-0.25..-0.1)
        } else {
            rng.random_range(0.1..0.25)
        };
        let place = Vec3::new(rng.random_range(0.4..0.6), place_y, side / 2.0);
        let cube_yaw = rng.random_range(-0.6..0.6);
        Scenario {
            cube,
            cube_yaw,
            place,
        }
    }
}

/// The outcome of one episode.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub success: bool,
    /// Simulated seconds until the cube was released at the target (if it was).
    pub time_to_success: Option<f64>,
    /// Final distance of the cube from the place target in the table plane (m).
    pub place_error: f64,
    /// Largest |q* − q| seen on the arm joints while tracking (rad).
    pub max_tracking_error: f64,
    /// Largest |τ| applied on an arm joint (N·m).
    pub max_torque: f64,
    /// Every action the policy emitted, in order.
    pub actions: Vec<Action>,
}

const ARM: usize = 7;
/// Hover height above the cube and place targets for approach, lift and retreat (m).
const HOVER: f64 = 0.12;

/// Runs one pick-and-place episode headless.
pub fn run_episode(model: &Model, seed: u64, cfg: &PickPlaceConfig) -> Result<Outcome, SimError> {
    let chain = Chain::to_link(model, "panda_tcp").ok_or(SimError::BadJoint("panda_tcp".into()))?;
    let scenario = Scenario::from_seed(seed, cfg.cube_side);
    let ready = [0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785, 0.04];
    let dt = 1.0 / cfg.physics_rate;
    let mut arm = ArmWorld::new(model.clone(), &ready, dt)?;
    arm.add_table(Vec3::new(0.5, 0.0, 0.0), Vec3::new(0.8, 1.2, 0.05));
    let cube = arm.add_cube(scenario.cube, cfg.cube_side, cfg.cube_mass);
    if let Some(rb) = arm.world.bodies.get_mut(cube) {
        rb.set_rotation(
            rapier3d_f64::math::Rotation::from_rotation_z(scenario.cube_yaw),
            true,
        );
    }
    let pd = JointPd::default();
    // Tool pointing down, fingers across the cube's faces.
    let down = |yaw: f64| so3::rot_z(yaw) * so3::rot_x(std::f64::consts::PI);
    let at = |p: Vec3, yaw: f64| Transform::new(down(yaw), p);
    let pick_yaw = scenario.cube_yaw;
    let lift = |p: Vec3| p + Vec3::new(0.0, 0.0, HOVER);
    let mut phase = Phase::Approach;
    let mut phase_time = 0.0;
    let mut q_cmd: Vec<f64> = ready[..ARM].to_vec();
    let mut q_prev_cmd = q_cmd.clone();
    let mut close = false;
    let steps_per_action = (cfg.control_period * cfg.physics_rate).round().max(1.0) as usize;
    let mut out = Outcome {
        success: false,
        time_to_success: None,
        place_error: f64::INFINITY,
        max_tracking_error: 0.0,
        max_torque: 0.0,
        actions: Vec::new(),
    };
    let ik = IkSolver::default();
    while arm.time() < cfg.timeout && phase != Phase::Done {
        // The phase's tool target.
        let target = match phase {
            Phase::Approach => at(lift(scenario.cube), pick_yaw),
            Phase::Descend | Phase::Close => at(scenario.cube, pick_yaw),
            Phase::Lift => at(lift(scenario.cube), pick_yaw),
            Phase::Transport => at(lift(scenario.place), 0.0),
            Phase::Lower | Phase::Release => at(scenario.place + Vec3::new(0.0, 0.0, 0.002), 0.0),
            Phase::Retreat | Phase::Done => at(lift(scenario.place), 0.0),
        };
        close = match phase {
            Phase::Close | Phase::Lift | Phase::Transport | Phase::Lower => true,
            Phase::Release | Phase::Retreat | Phase::Done => false,
            _ => close,
        };
        let current = chain.tip_pose(&q_cmd);
        let e = pose_error(&current, &target);
        let reached = e.fixed_rows::<3>(0).norm() < 2e-3 && e.fixed_rows::<3>(3).norm() < 0.02;
        // One action.
        let mut values = [0.0; 7];
        match cfg.mode {
            ActionMode::Task => {
                let h = cfg.control_period;
                let mut dx: Vec6 = e;
                let (lin, ang) = (dx.fixed_rows::<3>(0).norm(), dx.fixed_rows::<3>(3).norm());
                let (lmax, amax) = (cfg.max_linear_speed * h, cfg.max_angular_speed * h);
                let s = (if lin > lmax { lmax / lin } else { 1.0 }).min(if ang > amax {
                    amax / ang
                } else {
                    1.0
                });
                dx *= s;
                values[..6].copy_from_slice(dx.as_slice());
                values[6] = if close { -1.0 } else { 1.0 };
                let j = chain.jacobian(&q_cmd);
                let dq = dls_step(&j, &dx, 0.02);
                for i in 0..ARM {
                    q_cmd[i] += dq[i];
                }
            }
            ActionMode::Joint => {
                let goal = ik
                    .solve(&chain, &target, &q_cmd)
                    .map(|s| s.q)
                    .unwrap_or_else(|_| q_cmd.clone());
                let step = cfg.max_joint_speed * cfg.control_period;
                for i in 0..ARM {
                    let d = (goal[i] - q_cmd[i]).clamp(-step, step);
                    values[i] = d;
                    q_cmd[i] += d;
                }
            }
        }
        for (i, qi) in q_cmd.iter_mut().enumerate() {
            let (lo, hi) = chain.joint_limits(i);
            *qi = qi.clamp(lo, hi);
        }
        out.actions.push(Action {
            values,
            close_gripper: close,
        });
        // Execute: interpolate the joint target to the physics rate and track it.
        for k in 1..=steps_per_action {
            let s = k as f64 / steps_per_action as f64;
            let mut target_q: Vec<f64> = (0..ARM)
                .map(|i| q_prev_cmd[i] + s * (q_cmd[i] - q_prev_cmd[i]))
                .collect();
            let (q, qd) = (arm.q(), arm.qd());
            target_q.push(if close { q[ARM] } else { 0.04 });
            let mut tau = pd.torques(model, &q, &qd, &target_q);
            if close {
                tau[ARM] = -cfg.grip_force;
            }
            for i in 0..ARM {
                out.max_tracking_error = out.max_tracking_error.max((target_q[i] - q[i]).abs());
                out.max_torque = out.max_torque.max(tau[i].abs());
            }
            arm.apply_joint_torques(&tau)?;
            arm.step()?;
        }
        q_prev_cmd = q_cmd.clone();
        phase_time += cfg.control_period;
        // Phase transitions.
        let next = match phase {
            Phase::Approach if reached => Some(Phase::Descend),
            Phase::Descend if reached => Some(Phase::Close),
            Phase::Close if phase_time >= 0.6 => Some(Phase::Lift),
            Phase::Lift if reached => Some(Phase::Transport),
            Phase::Transport if reached => Some(Phase::Lower),
            Phase::Lower if reached => Some(Phase::Release),
            Phase::Release if phase_time >= 0.5 => Some(Phase::Retreat),
            Phase::Retreat if reached => Some(Phase::Done),
            _ => None,
        };
        if let Some(n) = next {
            if n == Phase::Retreat {
                out.time_to_success = Some(arm.time());
            }
            phase = n;
            phase_time = 0.0;
        }
    }
    let c = arm
        .body_pose(cube)
        .map(|t| t.translation)
        .unwrap_or_else(|| Vec3::repeat(f64::INFINITY));
    out.place_error = ((c.x - scenario.place.x).powi(2) + (c.y - scenario.place.y).powi(2)).sqrt();
    let resting = (c.z - cfg.cube_side / 2.0).abs() < 5e-3;
    out.success = phase == Phase::Done && out.place_error < 0.02 && resting;
    if !out.success {
        out.time_to_success = None;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_rate_over_50_seeds_in_each_mode() {
        let model = Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap();
        for mode in [ActionMode::Task, ActionMode::Joint] {
            let cfg = PickPlaceConfig {
                mode,
                ..PickPlaceConfig::default()
            };
            let mut ok = 0;
            let mut times = Vec::new();
            let mut failures = Vec::new();
            for seed in 0..50 {
                let o = run_episode(&model, seed, &cfg).unwrap();
                if o.success {
                    ok += 1;
                    times.push(o.time_to_success.unwrap_or(0.0));
                } else {
                    failures.push((seed, o.place_error));
                }
            }
            let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
            eprintln!(
                "{mode:?}: {ok}/50 succeeded, mean time to success {mean:.2} s, failures {failures:?}"
            );
            assert!(ok >= 48, "{mode:?}: {ok}/50");
        }
    }
}
