//! The bundled Franka Panda, in one place: its URDF, its tool link, the poses the task and the
//! lessons use, and whether a loaded model is this arm (the lessons' scenes are set up around
//! it; the table task runs on any arm with 6 or 7 joints, see `sim::task_arm`).

use super::Model;

/// The URDF compiled into the binary (what opens when no file is named).
pub const URDF: &str = include_str!("../../urdf/panda.urdf");

/// The tool-centre-point link, between the fingertips.
pub const TOOL: &str = "panda_tcp";

/// Joint values of the model: seven arm joints, then the finger opening (m; the second finger
/// mimics the first).
pub const DOF: usize = 8;

/// The arm joints (the rest is the gripper).
pub const ARM: usize = 7;

/// The ready pose, fingers open (the task's start and the lessons' usual scene).
pub const READY: [f64; DOF] = [0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785, 0.04];

/// The arm joints with the wrist centre almost on the shoulder axis: the Jacobian loses rank
/// nearby (a wrist-over-shoulder singularity).
pub const NEAR_SINGULAR: [f64; ARM] = [0.0, -0.2, 0.0, -0.42, 0.375, 1.0, 0.785];

/// The bundled arm, parsed.
pub fn model() -> Result<Model, String> {
    Model::from_urdf_str(URDF).map_err(|e| e.to_string())
}

/// True when `model` is the bundled Panda (the task knows its gripper and tool link).
pub fn is_bundled(model: &Model) -> bool {
    model.name == "panda" && model.link_index(TOOL).is_some() && model.dof() == DOF
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_arm_is_recognised_and_others_are_not() {
        let panda = model().expect("bundled URDF parses");
        assert!(is_bundled(&panda));
        assert_eq!(panda.dof(), DOF);
        let iiwa = Model::from_urdf_str(include_str!("../../urdf/kuka_iiwa14.urdf"))
            .expect("bundled iiwa parses");
        assert!(!is_bundled(&iiwa));
        // Every pose is inside the joint limits.
        for q in [&READY[..], &NEAR_SINGULAR[..]] {
            for (i, &v) in q.iter().enumerate() {
                let (lo, hi) = panda.joints[panda.dof_joints[i]].limits;
                assert!(lo <= v && v <= hi, "joint {i}: {v} outside [{lo}, {hi}]");
            }
        }
    }
}
