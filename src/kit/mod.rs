//! The lesson kit: what the app and every lesson share, so that neither names the other.
//!
//! A lesson is one [`LessonInfo`] (its id, title, guided [`Step`]s and plugin), declared once
//! in `crate::lessons::ALL`; the picker, the digit keys, the help sheet, `--lesson`, the
//! address keys, the screenshot test and the frame-time bench all read that list through the
//! [`LessonRegistry`]. Lessons keep their settings in a [`LessonSettings`] resource, written to
//! and read from `key=value` text ([`LessonParams`]) so that a link, `--param` and a guided
//! step all set a scene the same way.

pub mod steps;

pub use steps::{Shot, SimSetup, Step, StepCommand, StepState, Text, tr};

use bevy::prelude::*;
use std::collections::BTreeMap;

/// A lesson, declared once.
#[derive(Clone, Copy, Debug)]
pub struct LessonInfo {
    /// The name used on the command line and in links (`--lesson frames`, `?lesson=frames`).
    pub id: &'static str,
    /// Key of the lesson's title in the string table.
    pub title: &'static str,
    /// The guided sequence, in teaching order.
    pub steps: &'static [Step],
    /// Adds the lesson's systems and resources.
    pub plugin: fn(&mut App),
}

impl PartialEq for LessonInfo {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// Every registered lesson, in picker order.
#[derive(Resource, Default, Debug)]
pub struct LessonRegistry {
    pub lessons: Vec<LessonInfo>,
}

impl LessonRegistry {
    pub fn get(&self, id: &str) -> Option<&LessonInfo> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// The lesson's guided steps (none for an unknown id).
    pub fn steps(&self, id: Option<&str>) -> &'static [Step] {
        id.and_then(|id| self.get(id)).map_or(&[], |l| l.steps)
    }
}

/// The lesson on screen (`None`: just the arm).
#[derive(Resource, Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveLesson(pub Option<&'static str>);

/// Run condition: `id` is the active lesson.
pub fn lesson_is(id: &'static str) -> impl FnMut(Res<ActiveLesson>) -> bool + Clone {
    move |active: Res<ActiveLesson>| active.0 == Some(id)
}

/// A lesson's settings as `key=value` text, so that a link (the browser's address,
/// `?lesson=rotations&euler=ZYX&angles=0,90,0`), `--param` or a guided step opens the same
/// scene again.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct LessonParams {
    /// Given at start or by a step; the active lesson applies what it knows and the rest is
    /// dropped.
    pub given: BTreeMap<String, String>,
    /// The settings of the lesson named, as it wrote them this frame.
    pub now: BTreeMap<String, String>,
    pub owner: Option<&'static str>,
}

/// A lesson state that can be written as, and read back from, [`LessonParams`].
pub trait LessonSettings: Resource + Component<Mutability = bevy::ecs::component::Mutable> {
    /// Takes the settings it knows from `given`; unknown keys and malformed values are ignored
    /// (a hand-edited link must not stop the lesson from opening).
    fn apply_params(&mut self, given: &BTreeMap<String, String>);
    /// Writes the settings that define the scene.
    fn write_params(&self, out: &mut BTreeMap<String, String>);
}

/// The link name of `choice` in a table of (choice, name) pairs.
pub fn param_name<T: PartialEq>(table: &[(T, &'static str)], choice: T) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == choice).map(|(_, n)| *n)
}

/// The choice a link names in a table of (choice, name) pairs.
pub fn param_choice<T: Copy>(table: &[(T, &'static str)], name: Option<&str>) -> Option<T> {
    table
        .iter()
        .find(|(_, n)| Some(*n) == name)
        .map(|(c, _)| *c)
}

/// A switch in a link: `1`/`0` (anything but `0` is on).
pub fn param_flag(given: &BTreeMap<String, String>, key: &str, flag: &mut bool) {
    if let Some(v) = given.get(key) {
        *flag = v.trim() != "0";
    }
}

/// Writes a switch as `1`/`0`.
pub fn write_flag(out: &mut BTreeMap<String, String>, key: &str, flag: bool) {
    out.insert(key.into(), u8::from(flag).to_string());
}

/// Keeps [`LessonParams`] in step with the active lesson's state `S` (run it only while that
/// lesson is active).
pub fn sync_params<S: LessonSettings>(
    mut state: ResMut<S>,
    mut params: ResMut<LessonParams>,
    active: Res<ActiveLesson>,
) {
    if !params.given.is_empty() {
        let given = std::mem::take(&mut params.given);
        state.apply_params(&given);
    }
    let mut now = BTreeMap::new();
    state.write_params(&mut now);
    if params.owner != active.0 || params.now != now {
        params.owner = active.0;
        params.now = now;
    }
}

/// Sent to turn on every overlay of every lesson (the frame-time bench, a demo).
#[derive(Message, Debug, Clone, Copy)]
pub struct ShowEverything;

/// Sets up what every lesson relies on and registers `lessons`, in order: each one's plugin
/// runs once.
pub fn register_lessons(app: &mut App, lessons: &[LessonInfo]) {
    app.init_resource::<LessonRegistry>()
        .init_resource::<LessonParams>()
        .init_resource::<ActiveLesson>()
        .init_resource::<StepState>()
        .add_message::<ShowEverything>()
        .add_message::<StepCommand>();
    for info in lessons {
        let mut registry = app.world_mut().resource_mut::<LessonRegistry>();
        if registry.get(info.id).is_some() {
            continue;
        }
        registry.lessons.push(*info);
        (info.plugin)(app);
    }
}
