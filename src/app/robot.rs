//! The arm on screen: its model, configuration, link poses and tool kinematics, recomputed once
//! per frame from the math core; and loading another URDF (drag-and-drop).

use super::meshes::{MeshDecoding, PreparedMeshes, UploadedFiles, file_name};
use crate::robot::Model;
use crate::robot::reader::UrdfReader;
use bevy::prelude::*;
use bevy::window::FileDragAndDrop;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::kit::ArmSet;
use crate::kit::robot::{ModelReplaced, Notice, Robot};

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
            .add_message::<ModelReplaced>()
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
                    announce_new_model,
                )
                    .chain()
                    .before(ArmSet::Actions),
            );
    }
}

/// The one place that watches the robot's generation: a new one is announced as
/// [`ModelReplaced`], however it came (a file loaded, a robot replaced by a test).
fn announce_new_model(
    robot: Res<Robot>,
    mut seen: Local<u32>,
    mut replaced: MessageWriter<ModelReplaced>,
) {
    if robot.generation != *seen {
        *seen = robot.generation;
        replaced.write(ModelReplaced {
            generation: robot.generation,
        });
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
pub(crate) mod tests;
