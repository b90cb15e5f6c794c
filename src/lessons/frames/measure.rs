//! What the lesson computes: every link's pose and the camera's, the chain T_ac = T_ab·T_bc
//! checked against the direct pose, the hand–eye calibration and its inverted mistake, and
//! a change of basis.

use crate::kit::i18n::Lang;
use crate::math::{Mat4, Transform as Pose, Vec3 as RVec3};
use crate::robot::names::shown;
use bevy::prelude::*;

use super::*;

/// Where the calibration camera stands (base frame), and what it looks at.
pub const CAMERA_EYE: [f64; 3] = [1.15, -0.75, 0.55];

pub const CAMERA_LOOK: [f64; 3] = [0.5, 0.0, 0.02];

/// The frames' poses in the base frame, for the current robot and physics.
pub struct FramePoses<'a> {
    pub robot: &'a Robot,
    pub target: Pose,
    pub camera: Pose,
}

impl FramePoses<'_> {
    pub fn new<'a>(robot: &'a Robot, sim: Option<&Sim>) -> FramePoses<'a> {
        let target = sim
            .and_then(Sim::shown_cube)
            .map(|(_, b, _, _)| b)
            .unwrap_or_else(|| {
                Pose::new(crate::math::so3::rot_z(0.4), RVec3::new(0.55, 0.15, 0.02))
            });
        let camera = Pose::look_at_optical(
            &RVec3::from(CAMERA_EYE),
            &RVec3::from(CAMERA_LOOK),
            &RVec3::z(),
        )
        .unwrap_or_else(Pose::identity);
        FramePoses {
            robot,
            target,
            camera,
        }
    }

    pub fn pose(&self, f: FrameRef) -> Pose {
        match f {
            FrameRef::Link(i) => self
                .robot
                .poses
                .get(i)
                .copied()
                .unwrap_or_else(Pose::identity),
            FrameRef::Camera => self.camera,
            FrameRef::Target => self.target,
        }
    }

    pub fn name(&self, f: FrameRef, lang: Lang) -> String {
        match f {
            FrameRef::Link(i) => self
                .robot
                .model
                .links
                .get(i)
                .map_or_else(|| "?".into(), |l| shown(&l.name).into_owned()),
            FrameRef::Camera => lang.t("frame_camera").into(),
            FrameRef::Target => lang.t("frame_target").into(),
        }
    }
}

/// `T_ab`, `T_bc`, `T_ac` and the checks the panel shows.
#[derive(Clone, Copy, Debug)]
pub struct ChainCheck {
    pub t_ab: Pose,
    pub t_bc: Pose,
    pub t_ac: Pose,
    /// `T_bc·T_ab`: the wrong order.
    pub swapped: Pose,
    /// `T_ba` in closed form.
    pub t_ba: Pose,
    /// max |T_ab·T_bc − T_ac|.
    pub chain_error: f64,
    /// max |T_bc·T_ab − T_ac|: large unless the frames happen to commute.
    pub order_gap: f64,
    /// max |T_ab·T_ba − I|.
    pub inverse_error: f64,
}

impl ChainCheck {
    pub fn new(w_a: &Pose, w_b: &Pose, w_c: &Pose) -> ChainCheck {
        let t_ab = Pose::relative(w_a, w_b);
        let t_bc = Pose::relative(w_b, w_c);
        let t_ac = Pose::relative(w_a, w_c);
        let t_ba = t_ab.inverse();
        let gap = |x: Mat4, y: Mat4| (x - y).amax();
        ChainCheck {
            t_ab,
            t_bc,
            t_ac,
            swapped: t_bc * t_ab,
            t_ba,
            chain_error: gap((t_ab * t_bc).to_matrix(), t_ac.to_matrix()),
            order_gap: gap((t_bc * t_ab).to_matrix(), t_ac.to_matrix()),
            inverse_error: gap((t_ab * t_ba).to_matrix(), Mat4::identity()),
        }
    }
}

/// The calibration chain's numbers.
#[derive(Clone, Copy, Debug)]
pub struct Calibration {
    pub t_base_cam: Pose,
    /// What the camera measures (here: computed from the true poses).
    pub t_cam_target: Pose,
    pub p_target: RVec3,
    pub p_cam: RVec3,
    pub p_base: RVec3,
    /// |T_base_cam·T_cam_target·P − T_base_target·P|.
    pub error: f64,
    /// Where P lands with the inverse by mistake: `T_cam_base·P_cam`.
    pub p_base_inverted: RVec3,
    /// How far that is from P (m).
    pub inverted_error: f64,
}

impl Calibration {
    pub fn new(t_base_cam: &Pose, t_base_target: &Pose, p_target: RVec3) -> Calibration {
        let t_cam_target = Pose::relative(t_base_cam, t_base_target);
        let p_cam = t_cam_target.transform_point(&p_target);
        let p_base = t_base_cam.transform_point(&p_cam);
        let p_base_inverted = t_base_cam.inverse().transform_point(&p_cam);
        Calibration {
            t_base_cam: *t_base_cam,
            t_cam_target,
            p_target,
            p_cam,
            p_base,
            error: (p_base - t_base_target.transform_point(&p_target)).norm(),
            p_base_inverted,
            inverted_error: (p_base_inverted - p_base).norm(),
        }
    }
}

/// Coordinates of one point in two frames.
#[derive(Clone, Copy, Debug)]
pub struct BasisChange {
    pub t_ab: Pose,
    pub p_a: RVec3,
    pub p_b: RVec3,
    /// |T_ab·p_b − p_a|.
    pub error: f64,
}

impl BasisChange {
    pub fn new(w_a: &Pose, w_b: &Pose, p_world: &RVec3) -> BasisChange {
        let p_a = w_a.inverse().transform_point(p_world);
        let p_b = w_b.inverse().transform_point(p_world);
        let t_ab = Pose::relative(w_a, w_b);
        BasisChange {
            t_ab,
            p_a,
            p_b,
            error: (t_ab.transform_point(&p_b) - p_a).norm(),
        }
    }
}
