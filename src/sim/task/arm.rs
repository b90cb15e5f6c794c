//! What the pick-and-place task needs to know about an arm: the chain it steers (root to tool
//! link), where each chain variable sits in the robot's configuration, the pose it starts in,
//! and how it holds the cube: the robot's own prismatic fingers when the URDF has them, or a
//! suction cup at the tool link otherwise.

use super::scene::{CUBE_SIDES, HOVER, SCENE_REGION};
use crate::math::ik::IkSolver;
use crate::math::{Transform, Vec3, so3};
use crate::robot::start_pose::{self, tool_link};
use crate::robot::{Chain, JointKind, Model, Shape};
use std::f64::consts::{FRAC_PI_2, PI};

/// How the arm holds the cube.
#[derive(Clone, Debug, PartialEq)]
pub enum Gripper {
    /// Prismatic finger joints below the tool's parent (the configuration entries that drive
    /// them), open at their upper limits; closing pushes them towards the lower ones. Only
    /// fingers with primitive collision shapes count (physics has no mesh colliders).
    Fingers { slots: Vec<usize>, open: Vec<f64> },
    /// A suction cup [`CUP_LENGTH`] long on the tool link's +z axis: it holds whatever is
    /// under its rim when it closes there, and lets go when it opens.
    Suction,
}

/// The suction cup's length from the tool link's origin to its rim (m), and its radius.
pub const CUP_LENGTH: f64 = 0.04;
pub const CUP_RADIUS: f64 = 0.015;

/// The arm as the task sees it.
#[derive(Clone, Debug)]
pub struct TaskArm {
    pub chain: Chain,
    /// The tool link (the chain's tip).
    pub tool: usize,
    /// The configuration entry of each chain variable.
    pub slots: Vec<usize>,
    /// The whole-robot start configuration (the Panda's ready pose, or the searched pose).
    pub start: Vec<f64>,
    pub gripper: Gripper,
}

/// The most chain joints an action can carry (Δq has 7 numbers, as for the Panda).
pub const MAX_JOINTS: usize = 7;
/// The fewest: task-space actions need six independent directions at the tool.
pub const MIN_JOINTS: usize = 6;

impl TaskArm {
    /// The arm of `model`, with its tool link chosen by [`tool_link`]; a one-line reason when
    /// the task cannot run on it.
    pub fn for_model(model: &Model) -> Result<TaskArm, String> {
        TaskArm::with_tool(model, tool_link(model))
    }

    /// The same with a chosen tool link.
    pub fn with_tool(model: &Model, tool: usize) -> Result<TaskArm, String> {
        crate::sim::world::fits_the_physics(model).map_err(|e| format!("{e}: teach mode only"))?;
        let chain = Chain::new(model, tool);
        let n = chain.dof();
        if !(MIN_JOINTS..=MAX_JOINTS).contains(&n) {
            return Err(format!(
                "the pick-and-place task needs {MIN_JOINTS} or {MAX_JOINTS} joints from the base to the tool link; '{}' has {n}: teach mode only",
                model.links[tool].name
            ));
        }
        let slots: Vec<usize> = chain
            .model_joints
            .iter()
            .filter_map(|&ji| model.joints[ji].q_index)
            .collect();
        if slots.len() != n {
            return Err(format!(
                "a joint on the chain to '{}' follows another (a mimic): the task cannot steer it; teach mode only",
                model.links[tool].name
            ));
        }
        let gripper = gripper(model, tool, &chain);
        let mut start = if tool_link(model) == tool {
            start_pose::for_model(model).q
        } else {
            start_pose::start_pose(model, tool).q
        };
        if let Gripper::Fingers { slots, open } = &gripper {
            for (&s, &o) in slots.iter().zip(open) {
                start[s] = o;
            }
        }
        let arm = TaskArm {
            chain,
            tool,
            slots,
            start,
            gripper,
        };
        if let Some(corner) = arm.out_of_reach() {
            return Err(format!(
                "the table scene is out of this arm's reach with '{}' as the tool (it cannot point the tool down at x {:.2}, y {:.2}, z {:.2} m): teach mode only",
                model.links[tool].name, corner.x, corner.y, corner.z
            ));
        }
        Ok(arm)
    }

    /// A corner of the scene the tool cannot reach pointing down (the cube and place region
    /// at table and hover height), if there is one.
    fn out_of_reach(&self) -> Option<Vec3> {
        let solver = IkSolver {
            position_tolerance: 1e-3,
            orientation_tolerance: 1e-2,
            max_iterations: 400,
            ..IkSolver::default()
        };
        let side = CUBE_SIDES.iter().copied().fold(0.0, f64::max);
        let low = side / 2.0 + self.grip_height(side);
        let q0 = self.chain_q(&self.start);
        // Fingers must line up with the cube; a cup may face any way.
        let yaws: &[f64] = match self.gripper {
            Gripper::Fingers { .. } => &[0.0],
            Gripper::Suction => &[0.0, FRAC_PI_2, PI, -FRAC_PI_2],
        };
        let (xs, ys) = SCENE_REGION;
        for x in [xs.0, xs.1] {
            for y in [ys.0, ys.1] {
                for z in [low, low + HOVER] {
                    let p = Vec3::new(x, y, z);
                    let reached = yaws.iter().any(|&yaw| {
                        let down = so3::rot_z(yaw) * so3::rot_x(PI);
                        solver
                            .solve(&self.chain, &Transform::new(down, p), &q0)
                            .is_ok()
                    });
                    if !reached {
                        return Some(p);
                    }
                }
            }
        }
        None
    }

    /// The chain's variables out of a whole-robot configuration.
    pub fn chain_q(&self, q: &[f64]) -> Vec<f64> {
        self.slots.iter().map(|&s| q[s]).collect()
    }

    /// How far above the cube's centre the tool link's origin is when it holds it: 0 for
    /// fingers (the tool link is the point between them), the half cube and the cup for
    /// suction.
    pub fn grip_height(&self, cube_side: f64) -> f64 {
        match self.gripper {
            Gripper::Fingers { .. } => 0.0,
            Gripper::Suction => cube_side / 2.0 + CUP_LENGTH,
        }
    }
}

/// How the arm of `model` holds the cube with `tool` as its tool link: its own fingers (see
/// [`Gripper::Fingers`]) or, without them, a suction cup.
fn gripper(model: &Model, tool: usize, chain: &Chain) -> Gripper {
    // Fingers: independent prismatic joints hanging from a link on the way to the tool
    // (the hand), not on the chain itself.
    let above: Vec<usize> = {
        let mut links = vec![tool];
        links.extend(model.path_to(tool).iter().map(|&j| model.joints[j].parent));
        links
    };
    let fingers: Vec<usize> = model
        .joints
        .iter()
        .enumerate()
        .filter(|(ji, j)| {
            j.kind == JointKind::Prismatic
                && j.q_index.is_some()
                && !chain.model_joints.contains(ji)
                && above.contains(&j.parent)
                && j.limits.0.is_finite()
                && j.limits.1.is_finite()
                // Physics collides primitives only: fingers drawn by meshes alone could
                // not touch the cube.
                && model.links[j.child]
                    .collisions
                    .iter()
                    .any(|g| !matches!(g.shape, Shape::Mesh { .. }))
        })
        .map(|(ji, _)| ji)
        .collect();
    if fingers.is_empty() {
        Gripper::Suction
    } else {
        Gripper::Fingers {
            slots: fingers
                .iter()
                .filter_map(|&ji| model.joints[ji].q_index)
                .collect(),
            open: fingers
                .iter()
                .map(|&ji| model.joints[ji].limits.1)
                .collect(),
        }
    }
}

/// The tool link that carries a suction cup in the task on `model`, if the task runs on it
/// with one (what the app draws at the tool): the same test as the task's own.
pub fn suction_tool(model: &Model) -> Option<usize> {
    TaskArm::for_model(model)
        .ok()
        .filter(|arm| arm.gripper == Gripper::Suction)
        .map(|arm| arm.tool)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panda_holds_with_its_fingers_other_bundled_arms_with_a_cup() {
        let panda = Model::from_urdf_str(crate::robot::panda::URDF).expect("panda");
        let arm = TaskArm::for_model(&panda).expect("panda");
        assert_eq!(panda.links[arm.tool].name, "panda_tcp");
        assert_eq!(arm.slots, (0..7).collect::<Vec<_>>());
        assert_eq!(arm.start, crate::robot::panda::READY.to_vec());
        assert_eq!(
            arm.gripper,
            Gripper::Fingers {
                slots: vec![7],
                open: vec![0.04]
            }
        );
        assert_eq!(arm.grip_height(0.04), 0.0);
        for text in [
            include_str!("../../../urdf/kuka_iiwa14.urdf"),
            include_str!("../../../urdf/kinova_gen3.urdf"),
        ] {
            let model = Model::from_urdf_str(text).expect("bundled");
            let arm = TaskArm::for_model(&model).expect("7 joints");
            assert_eq!(arm.gripper, Gripper::Suction);
            assert_eq!(arm.chain.dof(), 7);
            assert!((arm.grip_height(0.04) - 0.06).abs() < 1e-15);
        }
    }

    #[test]
    fn an_arm_too_small_for_the_table_is_refused_in_one_line() {
        // The generated UR-like arm at a third of its size: 0.44 m of reach.
        let small = crate::robot::test_arms::ur_style_scaled(1.0 / 3.0);
        let e = TaskArm::for_model(&small).expect_err("too small");
        assert!(e.contains("out of this arm's reach"), "{e}");
        assert!(!e.contains('\n'));
        assert!(TaskArm::for_model(&crate::robot::test_arms::ur_style()).is_ok());
    }

    /// The cup is drawn exactly where the task would use one.
    #[test]
    fn the_cup_is_drawn_only_where_the_task_holds_by_suction() {
        let iiwa =
            Model::from_urdf_str(include_str!("../../../urdf/kuka_iiwa14.urdf")).expect("iiwa");
        assert_eq!(suction_tool(&iiwa), iiwa.link_index("iiwa_link8"));
        let panda = Model::from_urdf_str(crate::robot::panda::URDF).expect("panda");
        assert_eq!(suction_tool(&panda), None);
        let small = crate::robot::test_arms::ur_style_scaled(1.0 / 3.0);
        assert_eq!(suction_tool(&small), None);
    }

    #[test]
    fn arms_with_too_few_joints_are_refused_in_one_line() {
        let text = r#"<robot name="two"><link name="a"/><link name="b"/><link name="c"/>
            <joint name="j1" type="revolute"><parent link="a"/><child link="b"/>
              <limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
            <joint name="j2" type="revolute"><parent link="b"/><child link="c"/>
              <origin xyz="0 0 0.3"/><axis xyz="0 1 0"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
            </robot>"#;
        let model = Model::from_urdf_str(text).expect("valid");
        let e = TaskArm::for_model(&model).expect_err("two joints");
        assert!(e.contains("6 or 7 joints") && e.contains("has 2"), "{e}");
        assert!(!e.contains('\n'));
    }
}
