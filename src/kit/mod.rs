//! The lesson kit: what the app and every lesson share, so that neither names the other. A
//! lesson takes all of it through [`prelude`]; the app's plugins implement it.
//!
//! A lesson is one [`LessonInfo`] (its id, title, guided [`Step`]s and plugin), declared once
//! in `crate::lessons::ALL`; the picker, the digit keys, the help sheet, `--lesson`, the
//! address keys, the screenshot test and the frame-time bench all read that list through the
//! [`LessonRegistry`]. Lessons keep their settings in a [`LessonSettings`] resource, written to
//! and read from `key=value` text ([`LessonParams`]) so that a link, `--param` and a guided
//! step all set a scene the same way.

pub mod commands;
pub mod convert;
pub mod course;
pub mod draw;
pub mod i18n;
pub mod lesson_ui;
pub mod prelude;
pub mod robot;
pub mod sim;
pub mod steps;
pub mod tally;
pub mod tape;
pub mod teach;
pub mod typeset;
pub mod widgets;

pub use steps::{Shot, SimSetup, Step, StepCommand, StepState, Text, tr};

use bevy::prelude::*;
use std::collections::BTreeMap;

/// The order of work inside a frame: what the user asked for is applied, something drives `q`
/// (physics or teach mode), then the kinematics are recomputed, then views and lessons read
/// them.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub enum ArmSet {
    Actions,
    Drive,
    Kinematics,
    Views,
}

/// Present in headless runs (screenshot, bench): work a user would watch progress through
/// (recording demonstrations) is done at once instead of spread over frames.
#[derive(Resource, Debug, Default)]
pub struct Headless;

/// A lesson, declared once.
#[derive(Clone, Copy, Debug)]
pub struct LessonInfo {
    /// The name used on the command line and in links (`--lesson frames`, `?lesson=frames`).
    pub id: &'static str,
    /// Key of the lesson's title in the string table.
    pub title: &'static str,
    /// The guided sequence, in teaching order.
    pub steps: &'static [Step],
    /// The lesson's strings (panel text, labels, its title), added to the app's table.
    pub strings: i18n::Strings,
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

/// The lesson on screen (`None`: just the arm), a Bevy state: a lesson sets itself up in
/// `OnEnter(ActiveLesson(Some(ID)))`, its entities carry `DespawnOnExit` of the same state, and
/// [`add_settings`] puts its settings back to their defaults when it closes.
#[derive(States, Default, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActiveLesson(pub Option<&'static str>);

/// The systems a lesson runs while it is open, configured once for every lesson by
/// [`register_lessons`]: a lesson puts its `Update` systems `.in_set(LessonSystems(ID))`
/// instead of naming its run condition on each.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct LessonSystems(pub &'static str);

/// Run condition: `id` is the active lesson.
pub fn lesson_is(id: &'static str) -> impl FnMut(Option<Res<State<ActiveLesson>>>) -> bool + Clone {
    in_state(ActiveLesson(Some(id)))
}

/// Run condition for a lesson's panel: `id` is the active lesson and the panels are shown (the
/// key that hides them sets [`widgets::UiState::hide_panels`]).
pub fn lesson_panel_shown(
    id: &'static str,
) -> impl FnMut(Option<Res<State<ActiveLesson>>>, Option<Res<widgets::UiState>>) -> bool + Clone {
    move |lesson, ui| {
        lesson.is_some_and(|s| *s.get() == ActiveLesson(Some(id)))
            && ui.is_some_and(|u| !u.hide_panels)
    }
}

/// The state of lesson `id` (for `OnEnter`, `OnExit` and `DespawnOnExit`).
pub fn lesson_state(id: &'static str) -> ActiveLesson {
    ActiveLesson(Some(id))
}

/// A lesson's settings as `key=value` text, so that a link (the browser's address,
/// `?lesson=rotations&euler=ZYX&angles=0,90,0`), `--param` or a guided step opens the same
/// scene again.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct LessonParams {
    /// Given at start or by a step; the active lesson applies what it knows and the rest is
    /// dropped.
    pub given: BTreeMap<String, String>,
    /// `given` is a guided step's own set-up, not a link's: checked by the lessons' tests, and
    /// not reported as unused when the lesson writes a setting back in another form (the
    /// frames lesson's `a=base` becomes the link's name).
    pub given_by_step: bool,
    /// Applied right after `given`, on top of it: a link's own settings over its step's
    /// set-up (applied one after the other, so a malformed link value leaves the step's).
    pub on_top: BTreeMap<String, String>,
    /// The settings of the lesson named, as it wrote them this frame.
    pub now: BTreeMap<String, String>,
    pub owner: Option<&'static str>,
    /// Given settings the lesson did not take as given (an unknown key, a malformed or
    /// out-of-range value), `key=value`, for a notice; emptied by whoever shows it.
    pub ignored: Vec<String>,
}

/// The given `key=value`s that a lesson's written settings `now` do not hold as given: the
/// key unknown, or the value dropped or changed (clamped). Numbers are compared as numbers,
/// so `1.50` given and `1.5` written agree.
pub fn not_taken(given: &BTreeMap<String, String>, now: &BTreeMap<String, String>) -> Vec<String> {
    let same = |a: &str, b: &str| {
        let (a, b) = (a.trim(), b.trim());
        if a == b {
            return true;
        }
        let numbers = |t: &str| -> Option<Vec<f64>> {
            t.split(',').map(|x| x.trim().parse::<f64>().ok()).collect()
        };
        matches!((numbers(a), numbers(b)), (Some(x), Some(y)) if x == y)
    };
    given
        .iter()
        .filter(|(k, v)| !now.get(*k).is_some_and(|n| same(v, n)))
        .map(|(k, v)| {
            // A hostile value is shown short: the notice stays one line.
            let v: String = v.chars().take(24).collect();
            let k: String = k.chars().take(24).collect();
            format!("{k}={v}")
        })
        .collect()
}

/// A lesson state that can be written as, and read back from, [`LessonParams`].
pub trait LessonSettings:
    Resource + Component<Mutability = bevy::ecs::component::Mutable> + Default
{
    /// Takes the settings it knows from `given`; unknown keys and malformed values are ignored
    /// (a hand-edited link must not stop the lesson from opening).
    fn apply_params(&mut self, given: &BTreeMap<String, String>);
    /// Writes the settings that define the scene.
    fn write_params(&self, out: &mut BTreeMap<String, String>);
    /// Puts the settings back to their defaults. The default goes through the link form, so
    /// whatever the lesson computed or recorded stays; a lesson whose link leaves out a
    /// setting in some sections (it means nothing there) resets that setting itself.
    fn reset(&mut self) {
        reset_through_link(self);
    }
}

/// Applies the link that [`Default`] writes: every setting the link carries goes back to its
/// default, and nothing else is touched.
pub fn reset_through_link<S: LessonSettings>(state: &mut S) {
    let mut defaults = BTreeMap::new();
    S::default().write_params(&mut defaults);
    state.apply_params(&defaults);
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

/// A number in a link, taken only if it parses and is finite, then clamped to `lo..=hi`.
pub fn param_f64(given: &BTreeMap<String, String>, key: &str, value: &mut f64, lo: f64, hi: f64) {
    if let Some(v) = given.get(key).and_then(|v| v.trim().parse::<f64>().ok())
        && v.is_finite()
    {
        *value = v.clamp(lo, hi);
    }
}

/// A whole number in a link, clamped to `lo..=hi`.
pub fn param_usize(
    given: &BTreeMap<String, String>,
    key: &str,
    value: &mut usize,
    lo: usize,
    hi: usize,
) {
    if let Some(v) = given.get(key).and_then(|v| v.trim().parse::<usize>().ok()) {
        *value = v.clamp(lo, hi);
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
    active: Res<State<ActiveLesson>>,
) {
    // (Taken only when there is something, so the resource is not marked changed each frame.)
    let (given, on_top) = if params.given.is_empty() && params.on_top.is_empty() {
        (BTreeMap::new(), BTreeMap::new())
    } else {
        (
            std::mem::take(&mut params.given),
            std::mem::take(&mut params.on_top),
        )
    };
    if !given.is_empty() {
        state.apply_params(&given);
    }
    if !on_top.is_empty() {
        state.apply_params(&on_top);
    }
    let mut now = BTreeMap::new();
    state.write_params(&mut now);
    let by_step = std::mem::take(&mut params.given_by_step);
    if !given.is_empty() || !on_top.is_empty() {
        let mut asked = if by_step { BTreeMap::new() } else { given };
        asked.extend(on_top);
        let ignored = not_taken(&asked, &now);
        params.ignored.extend(ignored);
    }
    let owner = active.get().0;
    if params.owner != owner || params.now != now {
        params.owner = owner;
        params.now = now;
    }
}

/// Puts the settings that define a scene back to their defaults (what a fresh link would
/// open); what the lesson computed or recorded stays, to be reused when it opens again.
pub fn reset_settings<S: LessonSettings>(mut state: ResMut<S>) {
    state.reset();
}

/// Registers lesson `id`'s settings `S`: kept in step with [`LessonParams`] while it is open
/// (before anything drives the arm, so a link or a step is applied the frame it arrives), and
/// back to their defaults when it closes.
pub fn add_settings<S: LessonSettings>(app: &mut App, id: &'static str) {
    app.init_resource::<S>()
        .add_systems(
            Update,
            sync_params::<S>
                .run_if(lesson_is(id))
                .before(ArmSet::Actions),
        )
        .add_systems(OnExit(lesson_state(id)), reset_settings::<S>);
}

/// The most any one frame gives to a lesson's background work (recording, training), in ms:
/// the page still answers every second however slow its drawing (in headless Chromium's
/// software WebGL2 a frame takes 1.4 s).
pub const MAX_FRAME_BUDGET_MS: f64 = 1000.0;

/// Milliseconds of this frame for a lesson's background work: `base` at a normal frame rate,
/// half the last frame when frames are slow (software rendering, a weak laptop), so the work
/// never more than halves the frame rate and still progresses when drawing alone takes most of
/// a second; never more than [`MAX_FRAME_BUDGET_MS`].
pub fn frame_budget_ms(base: f64, last_frame_s: f64) -> f64 {
    (0.5 * last_frame_s * 1e3).clamp(base, MAX_FRAME_BUDGET_MS)
}

/// Work too long for a frame, done on the other threads of the desktop app (the browser has
/// one thread: there a lesson spreads its work over frames with [`frame_budget_ms`]).
pub struct Background<T>(Option<bevy::tasks::Task<T>>);

impl<T> Default for Background<T> {
    fn default() -> Self {
        Background(None)
    }
}

impl<T: Send + 'static> Background<T> {
    /// Starts `work` on Bevy's compute threads (unless some is running already).
    pub fn start(&mut self, work: impl FnOnce() -> T + Send + 'static) {
        if self.0.is_none() {
            let pool = bevy::tasks::AsyncComputeTaskPool::get();
            self.0 = Some(pool.spawn(async move { work() }));
        }
    }

    pub fn running(&self) -> bool {
        self.0.is_some()
    }

    /// The work's result once it is done (then nothing is running).
    pub fn poll(&mut self) -> Option<T> {
        let done = bevy::tasks::futures::check_ready(self.0.as_mut()?)?;
        self.0 = None;
        Some(done)
    }
}

/// Threads for background work: every core (the work is short, and waited for).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Where a lesson's scripted course demonstrations are being recorded.
#[derive(Default)]
pub struct CourseRecorder {
    /// The unfinished episode, when recording a period at a time (the browser).
    #[cfg(target_arch = "wasm32")]
    recording: Option<crate::sim::course::Recording>,
    /// The demonstrations being recorded on other threads (desktop).
    #[cfg(not(target_arch = "wasm32"))]
    background: Background<Result<Vec<crate::sim::course::Demo>, crate::sim::SimError>>,
}

impl CourseRecorder {
    /// Records the demonstrations of seeds `demos.len()`, … up to `total` on `model`. On the
    /// desktop on every core: `at_once` waits for them (headless runs), else they arrive in a
    /// later frame while the frames go on. In the browser a control period at a time while
    /// `more()` allows (all at once with `at_once`).
    pub fn advance(
        &mut self,
        model: &crate::robot::Model,
        demos: &mut Vec<crate::sim::course::Demo>,
        total: u64,
        at_once: bool,
        more: impl FnMut() -> bool,
    ) -> Result<(), crate::sim::SimError> {
        use crate::sim::course;
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = more;
            let from = demos.len() as u64;
            if from >= total {
                return Ok(());
            }
            if at_once {
                demos.extend(course::record_all(model, from..total, cores())?);
                return Ok(());
            }
            match self.background.poll() {
                Some(recorded) => demos.extend(recorded?),
                None => {
                    let model = model.clone();
                    self.background
                        .start(move || course::record_all(&model, from..total, cores()));
                }
            }
            Ok(())
        }
        #[cfg(target_arch = "wasm32")]
        {
            let mut more = more;
            course::record(model, demos, &mut self.recording, total, || {
                at_once || more()
            })
        }
    }
}

/// Sent to turn on every overlay of every lesson (the frame-time bench, a demo).
#[derive(Message, Debug, Clone, Copy)]
pub struct ShowEverything;

/// Sets up what every lesson relies on, registers `lessons` in order (each one's plugin runs
/// once) and opens `start` (an unknown name opens no lesson).
pub fn register_lessons(app: &mut App, lessons: &[LessonInfo], start: Option<&str>) {
    if !app.is_plugin_added::<bevy::state::app::StatesPlugin>() {
        app.add_plugins(bevy::state::app::StatesPlugin);
    }
    app.init_resource::<LessonRegistry>()
        .init_resource::<LessonParams>()
        .init_resource::<StepState>()
        .add_message::<ShowEverything>()
        .add_message::<StepCommand>();
    for info in lessons {
        let mut registry = app.world_mut().resource_mut::<LessonRegistry>();
        if registry.get(info.id).is_some() {
            continue;
        }
        registry.lessons.push(*info);
        i18n::add_strings(info.strings);
        app.configure_sets(Update, LessonSystems(info.id).run_if(lesson_is(info.id)));
        (info.plugin)(app);
    }
    let start = start.and_then(|name| lessons.iter().find(|l| l.id == name));
    app.insert_state(ActiveLesson(start.map(|l| l.id)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::ecs::system::RunSystemOnce;

    fn shown(world: &mut World) -> bool {
        world
            .run_system_once(lesson_panel_shown("frames"))
            .expect("the condition runs")
    }

    #[test]
    fn a_lessons_panel_shows_while_its_lesson_is_open_and_the_panels_are_not_hidden() {
        let mut world = World::new();
        let ui = |hide_panels| widgets::UiState {
            presenter: false,
            help: false,
            hide_panels,
        };
        world.insert_resource(ui(false));
        assert!(!shown(&mut world), "no lesson state yet");
        world.insert_resource(State::new(ActiveLesson(Some("frames"))));
        assert!(shown(&mut world));
        world.insert_resource(ui(true));
        assert!(!shown(&mut world), "H hides the panels");
        world.insert_resource(ui(false));
        world.insert_resource(State::new(ActiveLesson(Some("jacobian"))));
        assert!(!shown(&mut world), "another lesson is open");
        world.insert_resource(State::new(ActiveLesson(None)));
        assert!(!shown(&mut world), "no lesson is open");
    }
}
