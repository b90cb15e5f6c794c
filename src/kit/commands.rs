//! What a lesson or the chrome may ask of the app: a [`Request`] message (a key, a button, a
//! slider, a lesson's "show me"), applied by the app at the start of the frame's drive phase,
//! in the order sent, so no panel changes the robot or the physics while egui lays out a frame.

use super::sim::{DriveMode, LessonTask};
use crate::sim::task::ActionMode;
use bevy::prelude::*;

/// A request to the app.
#[derive(Message, Clone, Debug)]
pub enum Request {
    /// What a key does (its button in the transport bar sends the same).
    Shortcut(Shortcut),
    /// Simulated seconds per real second (the nearest of [`super::sim::SPEEDS`]).
    Speed(f64),
    /// Restart the episode with this seed.
    Seed(u64),
    ActionSpace(ActionMode),
    Drive(DriveMode),
    /// Open a lesson (`None`: just the arm).
    Lesson(Option<&'static str>),
    /// One joint to a value (a slider in teach mode).
    Joint(usize, f64),
    /// Every joint at once (a lesson's "show me" button); `teach` switches to teach mode so
    /// the physics does not move the arm away again.
    Pose {
        q: Vec<f64>,
        teach: bool,
    },
    /// A lesson's task for the physics (`None`: back to the table scenes), restarted at once
    /// on the current seed.
    Scenario(Option<LessonTask>),
    /// Play or pause the physics.
    Playing(bool),
    /// Make this link the tool (the arm panel's choice): the overlays follow it and the task
    /// restarts steering it, or falls back to teach mode with the reason.
    Tool(usize),
    /// The timeline: show a moment, step, go live, branch, export.
    Timeline(TimelineCmd),
    /// Save text as a new file `stem-N.ext` (a download in the browser).
    Save {
        stem: &'static str,
        ext: &'static str,
        text: String,
    },
}

/// What the timeline's controls and keys ask for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimelineCmd {
    /// Show the moment at this index of the history.
    Show(usize),
    /// Move the moment shown by this many control periods (negative: back).
    Step(i64),
    /// Move the moment shown by this many seconds (negative: back).
    Seconds(f64),
    /// Back to the live run.
    Live,
    /// Play on from the moment shown (the later moments are forgotten).
    Branch,
    /// Save the timeline as CSV.
    ExportCsv,
    /// Save a PNG of the window.
    Screenshot,
    /// Keep a run aside and replay its seed: the kept run is drawn as a ghost beside the new one
    /// (A/B). Pins the run of the moment shown, else the last finished run, else the live one.
    Pin,
    /// Drop the kept run.
    Unpin,
    /// Save the next seconds as numbered PNG frames (desktop).
    Clip,
}

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    Help,
    Glossary,
    CourseMap,
    PlayPause,
    Step,
    Reset,
    NextSeed,
    Slower,
    Faster,
    ToggleTeach,
    ToggleActionSpace,
    Language,
    Presenter,
    HidePanels,
    CameraHome,
    HandleMode,
    NextStep,
    PreviousStep,
    Lesson(usize),
    NoLesson,
    Back,
    Branch,
    Screenshot,
    Pin,
    Profiler,
    Clip,
    OpenUrdf,
}
