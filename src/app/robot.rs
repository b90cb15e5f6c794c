//! The arm on screen: its model, configuration, link poses and tool kinematics, recomputed once
//! per frame from the math core; and loading another URDF (drag-and-drop).

use super::meshes::{MeshDecoding, PreparedMeshes, UploadedFiles, file_name};
use crate::robot::Model;
use crate::robot::reader::UrdfReader;
use bevy::prelude::*;
use bevy::window::FileDragAndDrop;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

pub use crate::kit::ArmSet;
pub use crate::kit::robot::{Notice, Robot, ToolKinematics, start_configuration, tool_link};

/// What the visuals could not show of the robot (a mesh missing, unreadable or too large), one
/// line per mesh file: shown with what loading repaired, until closed, not as a passing notice.
#[derive(Resource, Default, Debug, Clone)]
pub struct GeometryWarnings {
    /// The model generation the lines are about.
    pub generation: u32,
    pub lines: Vec<String>,
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

/// An upload is at most this big in all (a URDF with its meshes, not a data set).
const MAX_UPLOAD_BYTES: usize = 200 << 20;

/// Reads an upload: exactly one `.urdf` (or `.xml`) among the files, as UTF-8 text, parsed
/// and validated; the other files are kept for its meshes. Errors are one line.
pub fn read_upload(files: Vec<(String, Vec<u8>)>) -> Result<(Model, UploadedFiles), String> {
    let (reader, files) = open_upload(files)?;
    Ok((reader.finish().map_err(|e| e.to_string())?, files))
}

/// [`read_upload`] up to the parsing: the URDF found and checked, ready to be read step by step.
fn open_upload(files: Vec<(String, Vec<u8>)>) -> Result<(UrdfReader, UploadedFiles), String> {
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
    let reader = UrdfReader::new(text, &name).map_err(|e| e.to_string())?;
    let files = others
        .into_iter()
        .map(|(n, b)| (file_name(&n).to_string(), b))
        .collect();
    Ok((reader, UploadedFiles(files)))
}

/// A loaded robot ready to show (start pose searched, kinematics computed, meshes decoded),
/// with the files that came with it.
type Prepared = (Robot, UploadedFiles, PreparedMeshes);

/// The meshes of the robot just loaded, decoded off the frame, for the visuals to spawn.
#[derive(Resource, Default)]
pub struct LoadedMeshes(pub PreparedMeshes);

/// A robot being loaded. Reading, validating and the start-pose search take up to about two
/// seconds for the largest file armtutor reads. On the desktop they run on the compute threads
/// while the frames go on showing the robot there is; in the browser, which has one thread,
/// the same steps are taken a few milliseconds' worth a frame ([`load_slice`]). A request
/// made meanwhile waits; a later one replaces it.
#[derive(Resource, Default)]
pub struct Loading {
    /// The load run on a compute thread: the robot, or the one-line reason it was refused.
    work: crate::kit::Background<Result<Prepared, String>>,
    /// The load advanced on the frame, a slice at a time.
    stepped: Option<LoadJob>,
    /// Whether loads are stepped on the frame rather than run on a compute thread.
    pub on_the_frame: bool,
    next: Option<LoadUrdf>,
    /// What the load under way reads, as the status line names it.
    source: String,
    /// How far the load under way is, in thousandths (written by the thread doing it).
    progress: Arc<AtomicU32>,
}

/// The time a frame gives a load stepped on the frame, after a frame that took `frame`: as
/// long as that frame, between 12 and 50 ms. A fast page (16 ms a frame) keeps 30 frames a
/// second while it loads; a page drawn by a software renderer (a second a frame) is slowed by
/// a twentieth and loads in tens of frames, not thousands. At least one step is taken, and
/// none starts after the slice (the longest step, parsing one batch or building the model, is
/// a few times shorter than the slice's bound).
pub fn load_slice(frame: std::time::Duration) -> std::time::Duration {
    frame.clamp(
        std::time::Duration::from_millis(12),
        std::time::Duration::from_millis(50),
    )
}

impl Loading {
    /// Whether a load is under way (or waiting for one to end).
    pub fn busy(&self) -> bool {
        self.work.running() || self.stepped.is_some() || self.next.is_some()
    }
}

/// The names a request shows in the status line.
fn source_of(request: &LoadUrdf) -> String {
    match request {
        LoadUrdf::File(path) => path.display().to_string(),
        LoadUrdf::Upload(files) => files
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A load as bounded steps: the file read and checked; its text parsed a batch a step; the
/// model validated and the robot prepared (start pose, kinematics); its meshes decoded a file a
/// step. The largest step is the parse of one batch, or of one element however long.
struct LoadJob {
    stage: Stage,
    progress: Arc<AtomicU32>,
}

enum Stage {
    Open(LoadUrdf),
    Read(Box<UrdfReader>, UploadedFiles),
    Prepare(Model, UploadedFiles),
    /// Boxed: a robot is large beside the other stages.
    Meshes(Box<(Robot, UploadedFiles, MeshDecoding)>),
    Done,
}

impl LoadJob {
    fn new(request: LoadUrdf, progress: Arc<AtomicU32>) -> LoadJob {
        progress.store(0, Ordering::Relaxed);
        LoadJob {
            stage: Stage::Open(request),
            progress,
        }
    }

    /// One step: `Some` with the result once the load has ended.
    fn step(&mut self) -> Option<Result<Prepared, String>> {
        let (next, fraction) = match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Open(request) => {
                let opened = match request {
                    LoadUrdf::File(path) => Model::open_urdf_file(&path)
                        .map(|r| (r, UploadedFiles::default()))
                        .map_err(|e| e.to_string()),
                    LoadUrdf::Upload(files) => open_upload(files),
                };
                match opened {
                    Ok((reader, files)) => (Stage::Read(Box::new(reader), files), 0.0),
                    Err(e) => return Some(Err(e)),
                }
            }
            Stage::Read(mut reader, files) => match reader.step() {
                None => {
                    let fraction = 0.9 * reader.progress();
                    (Stage::Read(reader, files), fraction)
                }
                Some(Ok(model)) => (Stage::Prepare(model, files), 0.9),
                Some(Err(e)) => return Some(Err(e.to_string())),
            },
            Stage::Prepare(model, files) => {
                let robot = Robot::new(model);
                let meshes = MeshDecoding::new(&robot.model, &files);
                (Stage::Meshes(Box::new((robot, files, meshes))), 0.92)
            }
            Stage::Meshes(mut job) => {
                let (_, files, meshes) = &mut *job;
                if meshes.step(files) {
                    let (robot, files, meshes) = *job;
                    return Some(Ok((robot, files, meshes.finish())));
                }
                let left = meshes.left() as f64;
                (Stage::Meshes(job), 1.0 - 0.08 * left / (left + 1.0))
            }
            Stage::Done => return Some(Err("the load had ended already".to_string())),
        };
        self.stage = next;
        self.progress
            .store((fraction * 1000.0) as u32, Ordering::Relaxed);
        None
    }

    /// Every step, to the end.
    fn run(mut self) -> Result<Prepared, String> {
        loop {
            if let Some(done) = self.step() {
                return done;
            }
        }
    }
}

pub struct RobotPlugin;

impl Plugin for RobotPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Notice>()
            .init_resource::<UploadedFiles>()
            .insert_resource(Loading {
                on_the_frame: cfg!(target_arch = "wasm32"),
                ..default()
            })
            .init_resource::<GeometryWarnings>()
            .init_resource::<LoadedMeshes>()
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
    // A mutator, so an upload's bytes are moved into the load rather than copied.
    mut requests: MessageMutator<LoadUrdf>,
    mut loading: ResMut<Loading>,
    mut robot: ResMut<Robot>,
    (mut uploaded, mut meshes): (ResMut<UploadedFiles>, ResMut<LoadedMeshes>),
    mut notice: ResMut<Notice>,
    (time, real): (Res<Time>, Res<Time<Real>>),
) {
    let now = time.elapsed_secs_f64();
    for request in requests.read() {
        // The latest request wins over one still waiting.
        loading.next = Some(std::mem::replace(request, LoadUrdf::Upload(Vec::new())));
    }
    let mut finished = loading.work.poll();
    if let Some(job) = loading.stepped.as_mut() {
        let started = bevy::platform::time::Instant::now();
        let slice = load_slice(real.delta());
        let done = loop {
            if let Some(done) = job.step() {
                break Some(done);
            }
            if started.elapsed() >= slice {
                break None;
            }
        };
        if done.is_some() {
            loading.stepped = None;
            finished = done;
        }
    }
    if let Some(loaded) = finished {
        // One load runs at a time, so the source named when it started is still this one's.
        let source = &loading.source;
        match loaded {
            Ok((new, files, decoded)) => {
                let name = crate::robot::names::shown(&new.model.name).into_owned();
                // The files first: the visuals are rebuilt from them when the model changes.
                *uploaded = files;
                meshes.0 = decoded;
                robot.replace(new);
                // Logged too (the browser's console), so a script can tell the load happened.
                info!("loaded {name} ({source})");
                notice.post("notice_loaded", format!("{name} ({source})"), now);
            }
            Err(e) => {
                warn!("{e}");
                notice.post("notice_urdf_error", e, now);
            }
        }
    } else if loading.busy() && notice.key == "notice_loading" {
        // The status line says how far the load is.
        let permille = loading.progress.load(Ordering::Relaxed);
        notice.text = Some(format!("{} · {}%", loading.source, permille / 10));
        notice.since = now;
    }
    if !loading.work.running()
        && loading.stepped.is_none()
        && let Some(request) = loading.next.take()
    {
        loading.source = source_of(&request);
        notice.post("notice_loading", loading.source.clone(), now);
        let job = LoadJob::new(request, loading.progress.clone());
        if loading.on_the_frame {
            loading.stepped = Some(job);
        } else {
            loading.work.start(move || job.run());
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::robot::hostile;

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
        settle_loading(&mut app);
        let notice = app.world().resource::<Notice>().text.clone().unwrap();
        assert!(!notice.contains('\n'), "{notice}");
        assert_eq!(app.world().resource::<Robot>().model.name, "panda");
        app.world_mut().write_message(LoadUrdf::File(good));
        settle_loading(&mut app);
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
        settle_loading(&mut app);
        let robot = app.world().resource::<Robot>();
        assert_eq!(robot.model.name, "iiwa14");
        assert_eq!(robot.model.warnings.len(), 1, "{:?}", robot.model.warnings);
        assert!(robot.model.warnings[0].contains("'paint'"));
        assert_eq!(robot.q, crate::robot::start_pose::for_model(&robot.model).q);
    }

    /// Frames until the load under way (if any) has ended; the longest frame, in seconds.
    pub(crate) fn settle_loading(app: &mut App) -> f64 {
        let mut longest: f64 = 0.0;
        for _ in 0..20_000 {
            let start = std::time::Instant::now();
            app.update();
            longest = longest.max(start.elapsed().as_secs_f64());
            if !app.world().resource::<Loading>().busy() {
                return longest;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        panic!("a load did not end");
    }

    /// While a robot loads, the frames go on with the robot there was, and the status line
    /// says what is loading.
    #[test]
    fn a_load_runs_off_the_frame_and_the_old_robot_stays_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("iiwa.urdf");
        std::fs::write(&good, include_str!("../../urdf/kuka_iiwa14.urdf")).unwrap();
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(Robot::new(panda()))
            .add_plugins(RobotPlugin);
        app.world_mut().write_message(LoadUrdf::File(good.clone()));
        app.update();
        assert!(app.world().resource::<Loading>().busy());
        let notice = app.world().resource::<Notice>();
        assert_eq!(notice.key, "notice_loading");
        assert!(notice.text.as_deref().unwrap_or("").contains("iiwa.urdf"));
        assert_eq!(app.world().resource::<Robot>().model.name, "panda");
        // Two requests while busy: the later one is what loads next.
        let bad = dir.path().join("bad.urdf");
        std::fs::write(&bad, "<robot name='x'><link name='a'/>").unwrap();
        app.world_mut().write_message(LoadUrdf::File(bad));
        app.world_mut().write_message(LoadUrdf::File(good));
        settle_loading(&mut app);
        let robot = app.world().resource::<Robot>();
        assert_eq!(robot.model.name, "iiwa14");
        assert_eq!(app.world().resource::<Notice>().key, "notice_loaded");
    }

    /// In the browser a load is stepped on the frame: a large file takes many frames, each
    /// giving it a slice; the robot there was stays meanwhile, the status line counts up, and
    /// what loads is what the desktop's thread loads.
    #[test]
    fn a_load_stepped_on_the_frame_takes_slices_and_ends_as_on_a_thread() {
        let dir = tempfile::tempdir().unwrap();
        let cases = hostile::write_all(dir.path());
        let big = cases.iter().find(|c| c.name == "chain_10000").unwrap();
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(Robot::new(panda()))
            .add_plugins(RobotPlugin);
        app.world_mut().resource_mut::<Loading>().on_the_frame = true;
        app.world_mut()
            .write_message(LoadUrdf::File(big.path.clone()));
        let mut frames = 0;
        let mut shown = Vec::new();
        loop {
            app.update();
            frames += 1;
            if !app.world().resource::<Loading>().busy() {
                break;
            }
            let notice = app.world().resource::<Notice>();
            if notice.key == "notice_loading" {
                assert_eq!(app.world().resource::<Robot>().model.name, "panda");
                let text = notice.text.clone().unwrap_or_default();
                let percent: u32 = text
                    .rsplit(" · ")
                    .next()
                    .and_then(|p| p.trim_end_matches('%').parse().ok())
                    .unwrap_or(0);
                shown.push(percent);
            }
            assert!(frames < 10_000, "the load did not end");
        }
        // A 3 MB file is parsed in 32 KB batches at most a slice's worth a frame: a test build
        // takes at least one batch a frame, never the whole file at once.
        assert!(frames > 3, "{frames} frames");
        assert!(shown.windows(2).all(|w| w[0] <= w[1]), "{shown:?}");
        assert!(shown.last().is_some_and(|&p| p >= 50), "{shown:?}");
        let stepped = app.world().resource::<Robot>();
        assert_eq!(app.world().resource::<Notice>().key, "notice_loaded");
        let threaded = Robot::new(Model::from_urdf_file(&big.path).unwrap());
        assert_eq!(stepped.model.dof(), 10_000);
        assert_eq!(stepped.q, threaded.q);
        assert_eq!(
            format!("{:?}", stepped.model),
            format!("{:?}", threaded.model)
        );
    }

    #[test]
    fn a_load_slice_is_the_last_frame_kept_between_12_and_50_ms() {
        let ms = std::time::Duration::from_millis;
        assert_eq!(load_slice(ms(1)), ms(12));
        assert_eq!(load_slice(ms(16)), ms(16));
        assert_eq!(load_slice(ms(1000)), ms(50));
        assert_eq!(load_slice(std::time::Duration::ZERO), ms(12));
    }

    /// Every hostile file through the app's loader: each either loads (with its warnings) or
    /// leaves the robot there was and says why in one line; nothing panics or hangs.
    #[test]
    fn hostile_files_load_or_leave_the_robot_with_one_line() {
        hostile_files_through_the_loader(false);
    }

    /// The same, each load stepped on the frame as in the browser.
    #[test]
    fn hostile_files_stepped_on_the_frame_load_or_leave_the_robot() {
        hostile_files_through_the_loader(true);
    }

    fn hostile_files_through_the_loader(on_the_frame: bool) {
        let dir = tempfile::tempdir().unwrap();
        let cases = hostile::write_all(dir.path());
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .insert_resource(Robot::new(panda()))
            .add_plugins(RobotPlugin);
        app.world_mut().resource_mut::<Loading>().on_the_frame = on_the_frame;
        let mut longest = (0.0, "");
        for case in &cases {
            let before = app.world().resource::<Robot>().generation;
            app.world_mut()
                .write_message(LoadUrdf::File(case.path.clone()));
            let frame = settle_loading(&mut app);
            if frame > longest.0 {
                longest = (frame, case.name);
            }
            let robot = app.world().resource::<Robot>();
            let notice = app.world().resource::<Notice>();
            let text = notice.text.clone().unwrap_or_default();
            assert!(
                !text.contains('\n') && text.len() < 600,
                "{}: {text}",
                case.name
            );
            if robot.generation == before {
                assert!(!case.loads, "{} should load: {text}", case.name);
                assert_eq!(notice.key, "notice_urdf_error", "{}", case.name);
            } else {
                assert_eq!(notice.key, "notice_loaded", "{}", case.name);
                assert_eq!(robot.q.len(), robot.model.dof(), "{}", case.name);
                if let Some(dof) = case.dof {
                    assert_eq!(robot.model.dof(), dof, "{}", case.name);
                }
                assert!(robot.q.iter().all(|x| x.is_finite()), "{}", case.name);
                assert!(
                    robot
                        .poses
                        .iter()
                        .all(|p| p.translation.iter().all(|x| x.is_finite())),
                    "{}",
                    case.name
                );
            }
        }
        eprintln!(
            "longest frame while loading: {:.3} s ({})",
            longest.0, longest.1
        );
    }
}
