//! The arm on screen: its model, configuration, link poses and tool kinematics, recomputed once
//! per frame from the math core; and loading another URDF (drag-and-drop).

use crate::math::{
    Jacobian, Manipulability, Transform as Pose,
    ellipsoid::{Ellipsoid3, rotational_ellipsoid, translational_ellipsoid},
};
use crate::robot::{Chain, Model};
use bevy::prelude::*;
use bevy::window::FileDragAndDrop;
use std::collections::HashMap;

pub use crate::kit::ArmSet;

/// Where the tool is and what the Jacobian says there.
#[derive(Clone, Debug)]
pub struct ToolKinematics {
    /// Tool pose in the base frame.
    pub pose: Pose,
    /// Geometric Jacobian in the base frame (linear rows first), one column per chain joint.
    pub jacobian: Jacobian,
    pub manip: Manipulability,
    /// Velocity ellipsoid of the tool origin (σᵢ of the linear block).
    pub translational: Ellipsoid3,
    pub rotational: Ellipsoid3,
    /// The chain's joint values (a subset of [`Robot::q`]).
    pub q_chain: Vec<f64>,
}

/// The robot shown, with its current configuration.
#[derive(Resource)]
pub struct Robot {
    pub model: Model,
    /// One value per movable joint, in [`Model::dof_joints`] order.
    pub q: Vec<f64>,
    /// Every link's pose in the base frame (REP-103).
    pub poses: Vec<Pose>,
    /// The serial chain from the base to the tool link, when the tool is not the root.
    pub chain: Option<Chain>,
    pub tool: usize,
    pub kin: Option<ToolKinematics>,
    /// Bumps whenever the model is replaced, so views can rebuild.
    pub generation: u32,
}

pub use crate::robot::start_pose::tool_link;

/// A start configuration: the Panda's ready pose when this is the bundled arm, otherwise the
/// searched start pose (inside the limits, above the table, the tool in front, away from
/// singularities: `robot::start_pose`).
pub fn start_configuration(model: &Model) -> Vec<f64> {
    crate::robot::start_pose::for_model(model).q
}

impl Robot {
    pub fn new(model: Model) -> Robot {
        let q = start_configuration(&model);
        let tool = tool_link(&model);
        let chain = (tool != 0).then(|| Chain::new(&model, tool));
        let poses = model.link_poses(&q);
        let mut robot = Robot {
            model,
            q,
            poses,
            chain,
            tool,
            kin: None,
            generation: 0,
        };
        robot.recompute();
        robot
    }

    /// Replaces the model (a newly loaded URDF) and starts it at its start configuration.
    pub fn replace_model(&mut self, model: Model) {
        let generation = self.generation + 1;
        *self = Robot::new(model);
        self.generation = generation;
    }

    /// Makes `link` the tool (the chain's tip, what the overlays and the task follow); false,
    /// and nothing changes, for a link that is not there or has no joint above it.
    pub fn set_tool(&mut self, link: usize) -> bool {
        if link == 0 || link >= self.model.links.len() {
            return false;
        }
        self.tool = link;
        self.chain = Some(Chain::new(&self.model, link));
        self.recompute();
        true
    }

    /// Sets the configuration, ignoring a wrong length or non-finite values (they would
    /// poison every overlay), and recomputes.
    pub fn set_q(&mut self, q: &[f64]) -> bool {
        if q.len() != self.q.len() || q.iter().any(|x| !x.is_finite()) {
            return false;
        }
        self.q.copy_from_slice(q);
        self.recompute();
        true
    }

    /// Link poses and tool kinematics for the current `q`.
    pub fn recompute(&mut self) {
        self.model.link_poses_into(&self.q, &mut self.poses);
        self.kin = self.chain.as_ref().map(|chain| {
            let q_chain = chain.q_from_model(&self.model, &self.q);
            let mut jacobian = Jacobian::zeros(chain.dof());
            let pose = chain.jacobian_into(&q_chain, &mut jacobian);
            ToolKinematics {
                pose,
                manip: Manipulability::from_jacobian(&jacobian),
                translational: translational_ellipsoid(&jacobian),
                rotational: rotational_ellipsoid(&jacobian),
                jacobian,
                q_chain,
            }
        });
    }

    /// Writes chain joint values back into the whole-robot `q` (mimic joints follow their
    /// masters through the model, so only the chain's own variables are written).
    pub fn set_chain_q(&mut self, q_chain: &[f64]) -> bool {
        let Some(chain) = &self.chain else {
            return false;
        };
        if q_chain.len() != chain.dof() || q_chain.iter().any(|x| !x.is_finite()) {
            return false;
        }
        self.q = self.q_with_chain(q_chain);
        self.recompute();
        true
    }

    /// The whole-robot `q` with the chain's own variables replaced by `q_chain` (the inverse
    /// of [`Chain::q_from_model`]; joints off the chain keep their values).
    pub fn q_with_chain(&self, q_chain: &[f64]) -> Vec<f64> {
        let mut q = self.q.clone();
        if let Some(chain) = &self.chain {
            for (&ji, &v) in chain.model_joints.iter().zip(q_chain) {
                if let Some(k) = self.model.dof_joints.iter().position(|&d| d == ji) {
                    q[k] = v;
                }
            }
        }
        q
    }

    /// The joint limits of the whole-robot `q` entries, clamped to ±π where unbounded so a
    /// slider has a range.
    pub fn slider_range(&self, i: usize) -> (f64, f64) {
        let (lo, hi) = self.model.joints[self.model.dof_joints[i]].limits;
        let pi = std::f64::consts::PI;
        (
            if lo.is_finite() { lo } else { -pi },
            if hi.is_finite() { hi } else { pi },
        )
    }
}

/// A short message for the status line (a URDF that failed to load, a physics reset), with
/// the time it was posted: a string-table key for the sentence, then the technical detail
/// (a file name, the parser's one-line error), which stays as it is.
#[derive(Resource, Default, Debug, Clone)]
pub struct Notice {
    pub key: &'static str,
    pub text: Option<String>,
    pub since: f64,
}

impl Notice {
    pub fn post(&mut self, key: &'static str, detail: impl Into<String>, now: f64) {
        self.key = key;
        self.text = Some(detail.into());
        self.since = now;
    }
}

/// A request to replace the arm.
#[derive(Message, Debug, Clone)]
pub enum LoadUrdf {
    /// A file on disk (dropped on the desktop window); meshes are found beside it.
    File(std::path::PathBuf),
    /// Files handed over by the browser (picked or dropped together), as names and bytes: one
    /// `.urdf` and, optionally, the mesh files it names, matched by file name.
    Upload(Vec<(String, Vec<u8>)>),
}

/// The files that came with the URDF shown, when it was uploaded in the browser: there is no
/// directory to look for its meshes in, so they are looked up here by file name.
#[derive(Resource, Default, Debug, Clone)]
pub struct UploadedFiles(pub HashMap<String, Vec<u8>>);

impl UploadedFiles {
    /// The bytes of the file a URDF `<mesh filename>` (or a material file) names, by its last
    /// path component, ignoring case (`package://arm/meshes/Link1.STL` finds `link1.stl`).
    pub fn find(&self, filename: &str) -> Option<(&str, &[u8])> {
        let name = file_name(filename);
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// The last component of a path or URL, `/` or `\` separated.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// An upload is at most this big in all (a URDF with its meshes, not a data set).
const MAX_UPLOAD_BYTES: usize = 200 << 20;

/// Reads an upload: exactly one `.urdf` (or `.xml`) among the files, as UTF-8 text, parsed
/// and validated; the other files are kept for its meshes. Errors are one line.
pub fn read_upload(files: Vec<(String, Vec<u8>)>) -> Result<(Model, UploadedFiles), String> {
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    if total > MAX_UPLOAD_BYTES {
        return Err(format!(
            "the files are {} MB in all; the limit is {} MB",
            total >> 20,
            MAX_UPLOAD_BYTES >> 20
        ));
    }
    let is_urdf = |n: &str| {
        let n = n.to_ascii_lowercase();
        n.ends_with(".urdf") || n.ends_with(".xml")
    };
    let (urdfs, others): (Vec<_>, Vec<_>) = files.into_iter().partition(|(n, _)| is_urdf(n));
    let (name, bytes) = match <[_; 1]>::try_from(urdfs) {
        Ok([one]) => one,
        Err(v) if v.is_empty() => {
            return Err("no .urdf file among the files given".to_string());
        }
        Err(v) => {
            let names: Vec<_> = v.iter().map(|(n, _)| n.as_str()).collect();
            return Err(format!(
                "{} URDF files given ({}); give one",
                names.len(),
                names.join(", ")
            ));
        }
    };
    let text = String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))?;
    let model = Model::from_urdf_str_named(&text, &name).map_err(|e| e.to_string())?;
    let files = others
        .into_iter()
        .map(|(n, b)| (file_name(&n).to_string(), b))
        .collect();
    Ok((model, UploadedFiles(files)))
}

pub struct RobotPlugin;

impl Plugin for RobotPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Notice>()
            .init_resource::<UploadedFiles>()
            .add_message::<LoadUrdf>()
            .configure_sets(
                Update,
                (
                    ArmSet::Actions,
                    ArmSet::Drive,
                    ArmSet::Kinematics,
                    ArmSet::Views,
                )
                    .chain(),
            )
            .add_systems(
                Update,
                (
                    forward_dropped_files.run_if(resource_exists::<Messages<FileDragAndDrop>>),
                    load_urdf,
                )
                    .chain()
                    .before(ArmSet::Actions),
            );
    }
}

fn forward_dropped_files(
    mut dropped: MessageReader<FileDragAndDrop>,
    mut load: MessageWriter<LoadUrdf>,
) {
    for d in dropped.read() {
        if let FileDragAndDrop::DroppedFile { path_buf, .. } = d {
            load.write(LoadUrdf::File(path_buf.clone()));
        }
    }
}

fn load_urdf(
    // A mutator, so an upload's bytes are moved into the app rather than copied.
    mut requests: MessageMutator<LoadUrdf>,
    mut robot: ResMut<Robot>,
    mut uploaded: ResMut<UploadedFiles>,
    mut notice: ResMut<Notice>,
    time: Res<Time>,
) {
    for request in requests.read() {
        let now = time.elapsed_secs_f64();
        let (loaded, source) = match request {
            LoadUrdf::File(path) => (
                Model::from_urdf_file(&*path)
                    .map(|m| (m, UploadedFiles::default()))
                    .map_err(|e| e.to_string()),
                path.display().to_string(),
            ),
            LoadUrdf::Upload(files) => {
                let names: Vec<_> = files.iter().map(|(n, _)| n.as_str()).collect();
                let source = names.join(", ");
                (read_upload(std::mem::take(files)), source)
            }
        };
        match loaded {
            Ok((model, files)) => {
                let name = model.name.clone();
                // The files first: the visuals are rebuilt from them when the model changes.
                *uploaded = files;
                robot.replace_model(model);
                // Logged too (the browser's console), so a script can tell the load happened.
                info!("loaded {name} ({source})");
                notice.post("notice_loaded", format!("{name} ({source})"), now);
            }
            Err(e) => {
                warn!("{e}");
                notice.post("notice_urdf_error", e, now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panda() -> Model {
        Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
    }

    /// The sliders span the real limits (the Panda's joint 6 goes to 3.75 rad, past π); only
    /// an unbounded joint gets ±π.
    #[test]
    fn sliders_span_the_joint_limits() {
        let robot = Robot::new(panda());
        let (lo, hi) = robot.slider_range(5);
        assert!(
            (lo + 0.0175).abs() < 1e-9 && (hi - 3.7525).abs() < 1e-9,
            "{lo} {hi}"
        );
        let spin = Model::from_urdf_str(
            r#"<robot name="s"><link name="a"/><link name="b"/>
            <joint name="j" type="continuous"><parent link="a"/><child link="b"/></joint></robot>"#,
        )
        .unwrap();
        let pi = std::f64::consts::PI;
        assert_eq!(Robot::new(spin).slider_range(0), (-pi, pi));
    }

    #[test]
    fn the_start_pose_is_inside_every_limit() {
        for model in [
            panda(),
            Model::from_urdf_str(include_str!("../../urdf/kuka_iiwa14.urdf")).unwrap(),
        ] {
            let robot = Robot::new(model);
            for (&ji, q) in robot.model.dof_joints.iter().zip(&robot.q) {
                let (lo, hi) = robot.model.joints[ji].limits;
                assert!(*q >= lo && *q <= hi, "{}", robot.model.joints[ji].name);
            }
        }
    }

    #[test]
    fn other_arms_start_bent_away_from_singularities() {
        for text in [
            include_str!("../../urdf/kuka_iiwa14.urdf"),
            include_str!("../../urdf/kinova_gen3.urdf"),
        ] {
            let robot = Robot::new(Model::from_urdf_str(text).unwrap());
            let kin = robot.kin.as_ref().unwrap();
            assert!(kin.manip.sigma_min() > 0.02, "{}", kin.manip.sigma_min());
        }
    }

    #[test]
    fn the_panda_tool_is_its_tcp_and_kinematics_match_the_chain() {
        let robot = Robot::new(panda());
        assert_eq!(robot.model.links[robot.tool].name, "panda_tcp");
        let kin = robot.kin.as_ref().unwrap();
        let chain = robot.chain.as_ref().unwrap();
        assert_eq!(kin.q_chain.len(), 7);
        assert_eq!(kin.pose, chain.tip_pose(&kin.q_chain));
        let gap = (kin.pose.to_matrix() - robot.poses[robot.tool].to_matrix()).amax();
        assert!(gap < 1e-14, "{gap}");
        assert_eq!(kin.jacobian, chain.jacobian(&kin.q_chain));
    }

    #[test]
    fn bad_configurations_are_refused() {
        let mut robot = Robot::new(panda());
        let before = robot.q.clone();
        assert!(!robot.set_q(&[0.0; 3]));
        let mut nan = before.clone();
        nan[2] = f64::NAN;
        assert!(!robot.set_q(&nan));
        assert!(!robot.set_chain_q(&[f64::INFINITY; 7]));
        assert_eq!(robot.q, before);
    }

    #[test]
    fn an_upload_needs_one_urdf_and_says_what_is_wrong_in_one_line() {
        let iiwa = include_str!("../../urdf/kuka_iiwa14.urdf")
            .as_bytes()
            .to_vec();
        let file = |n: &str, b: &[u8]| (n.to_string(), b.to_vec());
        // Every error is one line.
        let err = |files| {
            let e = read_upload(files).map(|_| ()).unwrap_err();
            assert!(!e.contains('\n'), "{e}");
            e
        };
        let e = err(vec![file("base.stl", b"solid")]);
        assert!(e.contains("no .urdf"), "{e}");
        let e = err(vec![file("a.urdf", &iiwa), file("b.urdf", &iiwa)]);
        assert!(e.contains("2 URDF files") && e.contains("b.urdf"), "{e}");
        let e = err(vec![file("arm.urdf", &[0xff, 0xfe, 0x00])]);
        assert!(e.contains("arm.urdf is not UTF-8"), "{e}");
        let e = err(vec![file("arm.urdf", b"<robot name='x'><link name='a'/>")]);
        assert!(e.starts_with("arm.urdf is not valid URDF"), "{e}");
        let (model, files) = read_upload(vec![
            file("IIWA.URDF", &iiwa),
            file("meshes/Base.STL", b"solid"),
        ])
        .unwrap();
        assert_eq!(model.name, "iiwa14");
        assert!(model.source_dir.is_none());
        let (name, bytes) = files.find("package://arm/meshes/base.stl").unwrap();
        assert_eq!((name, bytes), ("Base.STL", &b"solid"[..]));
        assert!(files.find("meshes\\other.stl").is_none());
    }

    #[test]
    fn a_dropped_urdf_replaces_the_model_or_posts_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("iiwa.urdf");
        std::fs::write(&good, include_str!("../../urdf/kuka_iiwa14.urdf")).unwrap();
        let bad = dir.path().join("bad.urdf");
        std::fs::write(&bad, "<robot name='x'><link name='a'/>").unwrap();
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(Robot::new(panda()))
            .add_plugins(RobotPlugin);
        app.world_mut().write_message(LoadUrdf::File(bad));
        app.update();
        let notice = app.world().resource::<Notice>().text.clone().unwrap();
        assert!(!notice.contains('\n'), "{notice}");
        assert_eq!(app.world().resource::<Robot>().model.name, "panda");
        app.world_mut().write_message(LoadUrdf::File(good));
        app.update();
        let robot = app.world().resource::<Robot>();
        assert_eq!(robot.model.name, "iiwa14");
        assert_eq!(robot.generation, 1);
        assert_eq!(robot.q.len(), 7);
    }

    /// A published file with a defect other tools pass over opens, with its repairs on the
    /// model for the status area, and in the searched start pose.
    #[test]
    fn a_dropped_urdf_with_small_defects_opens_with_its_warnings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("textured.urdf");
        let text = include_str!("../../urdf/kuka_iiwa14.urdf").replacen(
            "</robot>",
            r#"<material name="paint"><color rgba="1 0.5 0 1"/><texture/></material></robot>"#,
            1,
        );
        std::fs::write(&path, text).unwrap();
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(Robot::new(panda()))
            .add_plugins(RobotPlugin);
        app.world_mut().write_message(LoadUrdf::File(path));
        app.update();
        let robot = app.world().resource::<Robot>();
        assert_eq!(robot.model.name, "iiwa14");
        assert_eq!(robot.model.warnings.len(), 1, "{:?}", robot.model.warnings);
        assert!(robot.model.warnings[0].contains("'paint'"));
        assert_eq!(robot.q, crate::robot::start_pose::for_model(&robot.model).q);
    }
}
