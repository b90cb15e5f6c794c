//! The lessons. Each lives in its own folder as one Bevy plugin that registers itself, owns
//! its panel, overlays and state, and runs only while it is the active lesson. Adding one is a
//! new folder plus one line in [`LessonsPlugin`].

pub mod frames;
pub mod generative;
pub mod jacobian;
pub mod rotations;

use bevy::prelude::*;
use std::collections::BTreeMap;

/// What the lesson picker shows for a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonInfo {
    /// The name used on the command line (`--lesson frames`).
    pub id: &'static str,
    /// Key of the lesson's title in the string table.
    pub title: &'static str,
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
}

/// The lesson on screen (`None`: just the arm).
#[derive(Resource, Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveLesson(pub Option<&'static str>);

/// Run condition: `id` is the active lesson.
pub fn lesson_is(id: &'static str) -> impl FnMut(Res<ActiveLesson>) -> bool + Clone {
    move |active: Res<ActiveLesson>| active.0 == Some(id)
}

/// A lesson's settings as `key=value` text, so that a link (the browser's address,
/// `?lesson=rotations&euler=ZYX&angles=0,90,0`) or `--param` opens the same scene again.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct LessonParams {
    /// Given at start; the first lesson to open applies what it knows and the rest is dropped.
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

pub trait RegisterLesson {
    fn register_lesson(&mut self, info: LessonInfo) -> &mut Self;
}

impl RegisterLesson for App {
    fn register_lesson(&mut self, info: LessonInfo) -> &mut Self {
        let mut registry = self
            .world_mut()
            .get_resource_or_insert_with(LessonRegistry::default);
        if registry.get(info.id).is_none() {
            registry.lessons.push(info);
        }
        self
    }
}

/// The lesson names the command line accepts, in picker order.
pub const LESSON_IDS: &[&str] = &[frames::ID, jacobian::ID, rotations::ID, generative::ID];

pub struct LessonsPlugin {
    /// The lesson to open first (default: the first one).
    pub start: Option<String>,
}

impl Plugin for LessonsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<LessonRegistry>()
            .init_resource::<LessonParams>()
            .add_message::<ShowEverything>()
            .add_plugins((
                frames::FramesLesson,
                jacobian::JacobianLesson,
                rotations::RotationsLesson,
                generative::GenerativeLesson,
            ));
        let start = match &self.start {
            Some(name) => LESSON_IDS.iter().copied().find(|id| id == name),
            None => LESSON_IDS.first().copied(),
        };
        app.insert_resource(ActiveLesson(start));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_registers_once_under_its_command_line_name() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins);
        app.add_plugins(LessonsPlugin { start: None });
        let registry = app.world().resource::<LessonRegistry>();
        let ids: Vec<_> = registry.lessons.iter().map(|l| l.id).collect();
        assert_eq!(ids, LESSON_IDS);
        assert_eq!(
            app.world().resource::<ActiveLesson>().0,
            Some(LESSON_IDS[0])
        );
    }
}
