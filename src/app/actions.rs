//! What the user asks for (a key, a button, a slider, a lesson's own button) is a [`Request`]
//! message. One system applies them all at the start of the drive phase, in the order they
//! were sent, so no panel changes the robot or the physics while egui lays out a frame.

use super::timeline;
use crate::kit::ArmSet;
use crate::kit::commands::{Request, Shortcut, TimelineCmd};
use crate::kit::i18n::Lang;
use crate::kit::robot::Notice;
use crate::kit::robot::Robot;
use crate::kit::sim::DriveMode;
use crate::kit::sim::SPEEDS;
use crate::kit::sim::Sim;
use crate::kit::teach::Teach;
use crate::kit::widgets::UiState;
use crate::kit::{ActiveLesson, LessonRegistry};
use crate::sim::history::Source;
use crate::sim::task::ActionMode;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

pub struct ActionsPlugin;

impl Plugin for ActionsPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<Request>()
            .init_resource::<PendingPose>()
            .add_systems(Update, apply_actions.in_set(ArmSet::Actions));
    }
}

/// A pose asked for with `teach` while the physics drives the arm: the physics would move the
/// arm back this frame, so the pose is applied again once teach mode has begun.
#[derive(Resource, Default)]
struct PendingPose(Option<Vec<f64>>);

/// Everything an action can change.
#[derive(SystemParam)]
pub struct Targets<'w, 's> {
    sim: ResMut<'w, Sim>,
    robot: ResMut<'w, Robot>,
    teach: Option<ResMut<'w, Teach>>,
    ui: Option<ResMut<'w, UiState>>,
    course: Option<ResMut<'w, crate::kit::course::CourseView>>,
    lang: Option<ResMut<'w, Lang>>,
    registry: Option<Res<'w, LessonRegistry>>,
    next_lesson: Option<ResMut<'w, NextState<ActiveLesson>>>,
    mode: Option<Res<'w, State<DriveMode>>>,
    next_mode: Option<ResMut<'w, NextState<DriveMode>>>,
    pending: ResMut<'w, PendingPose>,
    held: Option<ResMut<'w, timeline::Held>>,
    pinned: Option<ResMut<'w, timeline::Pinned>>,
    frame_times: Option<ResMut<'w, super::profiler::FrameTimes>>,
    clip: Option<ResMut<'w, super::clip::Clip>>,
    strategy: Option<ResMut<'w, bevy::time::TimeUpdateStrategy>>,
    #[cfg(not(target_arch = "wasm32"))]
    dialog: Option<ResMut<'w, super::open_dialog::OpenDialog>>,
    notice: Option<ResMut<'w, Notice>>,
    time: Option<Res<'w, Time>>,
    commands: Commands<'w, 's>,
}

fn apply_actions(mut actions: MessageReader<Request>, mut targets: Targets) {
    if targets.mode() == DriveMode::Teach
        && let Some(q) = targets.pending.0.take()
    {
        targets.set_q(&q);
    }
    for action in actions.read() {
        targets.apply(action.clone());
    }
}

impl Targets<'_, '_> {
    fn set_mode(&mut self, want: DriveMode) {
        // Without the task there is only teach mode.
        let want = if self.sim.available() {
            want
        } else {
            DriveMode::Teach
        };
        if let Some(next) = &mut self.next_mode {
            next.set(want);
        }
    }

    fn mode(&self) -> DriveMode {
        self.mode.as_ref().map_or(DriveMode::Simulate, |m| *m.get())
    }

    /// Moves the arm to `q` if it is a whole, finite pose (says whether it did).
    fn set_q(&mut self, q: &[f64]) -> bool {
        if q.len() != self.robot.q.len() || q.iter().any(|v| !v.is_finite()) {
            return false;
        }
        self.robot.set_q(q);
        if let Some(teach) = &mut self.teach {
            teach.sync_target = true;
        }
        true
    }

    fn apply(&mut self, action: Request) {
        match action {
            Request::Shortcut(s) => self.shortcut(s),
            Request::Speed(v) => {
                let nearest = SPEEDS
                    .iter()
                    .copied()
                    .min_by(|a, b| (a - v).abs().total_cmp(&(b - v).abs()));
                if let Some(s) = nearest {
                    self.sim.speed = s;
                }
            }
            Request::Seed(seed) => {
                let _ = self.sim.restart(&self.robot.model, seed);
            }
            Request::ActionSpace(m) => self.sim.set_mode(m),
            Request::Drive(m) => self.set_mode(m),
            Request::Lesson(id) => {
                let known =
                    id.is_none_or(|id| self.registry.as_ref().is_some_and(|r| r.get(id).is_some()));
                if let (true, Some(next)) = (known, &mut self.next_lesson) {
                    next.set(ActiveLesson(id));
                }
            }
            Request::Joint(i, v) => {
                if i < self.robot.q.len() {
                    let mut q = self.robot.q.clone();
                    q[i] = v;
                    self.set_q(&q);
                }
            }
            Request::Pose { q, teach } => {
                if self.set_q(&q) && teach && self.mode() != DriveMode::Teach {
                    if let Some(next) = &mut self.next_mode {
                        next.set(DriveMode::Teach);
                    }
                    self.pending.0 = Some(q);
                }
            }
            Request::Scenario(scenario) => {
                let _ = self.sim.set_scenario(scenario, &self.robot.model);
            }
            Request::Playing(p) => self.sim.playing = p,
            Request::Tool(link) => {
                if self.robot.set_tool(link) {
                    self.sim.set_tool(Some(link));
                    let seed = self.sim.seed;
                    if self.sim.restart(&self.robot.model, seed).is_err() {
                        self.set_mode(DriveMode::Teach);
                    }
                }
            }
            Request::Timeline(cmd) => self.timeline(cmd),
            Request::Save { stem, ext, text } => {
                match super::export::save_file(stem, ext, text.as_bytes()) {
                    Ok(place) => self.post("notice_saved", place),
                    Err(e) => self.post("notice_not_saved", e),
                }
            }
        }
    }

    fn post(&mut self, key: &'static str, text: String) {
        let now = self.time.as_ref().map_or(0.0, |t| t.elapsed_secs_f64());
        if let Some(n) = &mut self.notice {
            n.post(key, text, now);
        }
    }

    fn timeline(&mut self, cmd: TimelineCmd) {
        match cmd {
            TimelineCmd::Show(i) => self.sim.show(i),
            TimelineCmd::Step(n) => self.sim.step_timeline(n),
            TimelineCmd::Seconds(s) => self.sim.step_timeline_seconds(s),
            TimelineCmd::Live => self.sim.go_live(),
            TimelineCmd::Branch => {
                let Some((index, frame)) = self.sim.viewed() else {
                    return;
                };
                match frame.source {
                    Source::Physics => {
                        if !self.sim.branch() {
                            return;
                        }
                        self.set_mode(DriveMode::Simulate);
                    }
                    Source::Teach => {
                        // The user's arm goes on from the pose shown.
                        let q = frame.row.q.clone();
                        self.sim.go_live();
                        if let Some(held) = &mut self.held {
                            held.0 = None;
                        }
                        self.apply(Request::Pose { q, teach: true });
                    }
                    Source::Lesson => {
                        // The lesson's animation goes on from the moment shown.
                        self.sim.history.truncate_after(index);
                        self.sim.go_live();
                    }
                }
                self.sim.branches += 1;
            }
            TimelineCmd::ExportCsv => {
                let text = timeline::timeline_csv(&self.sim, &self.robot);
                self.apply(Request::Save {
                    stem: "armtutor-timeline",
                    ext: "csv",
                    text,
                });
            }
            TimelineCmd::Pin => {
                let Some(run) = timeline::run_to_pin(&self.sim) else {
                    return;
                };
                let kept = timeline::PinnedRun::from_history(&self.sim.history, run);
                let seed = kept.as_ref().and_then(|k| k.seed);
                if let Some(pinned) = &mut self.pinned {
                    pinned.0 = kept;
                }
                // The same seed again, and again after it ends, so a changed setting is
                // compared on the same scene.
                if let Some(seed) = seed {
                    self.sim.repeat_seed = true;
                    let _ = self.sim.restart(&self.robot.model, seed);
                    self.set_mode(DriveMode::Simulate);
                }
            }
            TimelineCmd::Clip => {
                let started = match (&mut self.clip, &mut self.strategy) {
                    (Some(clip), Some(strategy)) if !clip.recording() => {
                        let seconds = clip.seconds;
                        Some(super::clip::start(
                            clip,
                            strategy,
                            seconds,
                            std::path::Path::new("."),
                        ))
                    }
                    _ => None,
                };
                match started {
                    Some(Ok(dir)) => self.post("notice_clip_started", dir.display().to_string()),
                    Some(Err(e)) => self.post("notice_not_saved", e),
                    None => {}
                }
            }
            TimelineCmd::Unpin => {
                if let Some(pinned) = &mut self.pinned {
                    pinned.0 = None;
                }
                self.sim.repeat_seed = false;
            }
            TimelineCmd::Screenshot => {
                let now = self.time.as_ref().map_or(0.0, |t| t.elapsed_secs_f64());
                if let Some(notice) = &mut self.notice {
                    super::export::take_screenshot(&mut self.commands, notice, now);
                }
            }
        }
    }

    fn shortcut(&mut self, shortcut: Shortcut) {
        match shortcut {
            Shortcut::Help
            | Shortcut::Glossary
            | Shortcut::CourseMap
            | Shortcut::OpenUrdf
            | Shortcut::Profiler
            | Shortcut::Language
            | Shortcut::Presenter
            | Shortcut::HidePanels => self.view_shortcut(shortcut),
            Shortcut::PlayPause
            | Shortcut::Step
            | Shortcut::Back
            | Shortcut::Reset
            | Shortcut::NextSeed
            | Shortcut::Slower
            | Shortcut::Faster
            | Shortcut::ToggleTeach
            | Shortcut::ToggleActionSpace => self.run_shortcut(shortcut),
            Shortcut::Branch => self.timeline(TimelineCmd::Branch),
            Shortcut::Screenshot => self.timeline(TimelineCmd::Screenshot),
            Shortcut::Clip => self.timeline(TimelineCmd::Clip),
            Shortcut::Pin => {
                let pinned = self.pinned.as_ref().is_some_and(|p| p.0.is_some());
                self.timeline(if pinned {
                    TimelineCmd::Unpin
                } else {
                    TimelineCmd::Pin
                });
            }
            // The camera, the handle and the steps are the keyboard's own (see `chrome::keys::keyboard`).
            Shortcut::CameraHome
            | Shortcut::HandleMode
            | Shortcut::NextStep
            | Shortcut::PreviousStep => {}
            Shortcut::Lesson(i) => {
                let id = self
                    .registry
                    .as_ref()
                    .and_then(|r| r.lessons.get(i))
                    .map(|l| l.id);
                if let Some(id) = id {
                    self.apply(Request::Lesson(Some(id)));
                }
            }
            Shortcut::NoLesson => self.apply(Request::Lesson(None)),
        }
    }

    /// What a key shows or hides: the help sheet, the glossary, the course map, the profiler,
    /// the language, presenter mode, the panels, the "Open URDF" dialog.
    fn view_shortcut(&mut self, shortcut: Shortcut) {
        match shortcut {
            Shortcut::Help => {
                if let Some(ui) = &mut self.ui {
                    ui.help = !ui.help;
                }
            }
            Shortcut::Glossary => {
                if let Some(c) = &mut self.course {
                    c.glossary = !c.glossary;
                }
            }
            Shortcut::CourseMap => {
                if let Some(c) = &mut self.course {
                    c.map = !c.map;
                }
            }
            Shortcut::OpenUrdf => {
                #[cfg(not(target_arch = "wasm32"))]
                if let Some(dialog) = &mut self.dialog {
                    let title = self
                        .lang
                        .as_deref()
                        .copied()
                        .unwrap_or(Lang::En)
                        .t("open_urdf");
                    super::open_dialog::ask(dialog, title);
                }
                #[cfg(target_arch = "wasm32")]
                super::web::open_file_picker();
            }
            Shortcut::Profiler => {
                if let Some(t) = &mut self.frame_times {
                    t.shown = !t.shown;
                }
            }
            Shortcut::Language => {
                if let Some(lang) = &mut self.lang {
                    **lang = lang.other();
                }
            }
            Shortcut::Presenter => {
                if let Some(ui) = &mut self.ui {
                    ui.presenter = !ui.presenter;
                }
            }
            Shortcut::HidePanels => {
                if let Some(ui) = &mut self.ui {
                    ui.hide_panels = !ui.hide_panels;
                }
            }
            _ => {}
        }
    }

    /// What a key does to the run: play, step, reset, the seed, the speed, teach mode, the
    /// action space.
    fn run_shortcut(&mut self, shortcut: Shortcut) {
        let sim = &mut self.sim;
        match shortcut {
            Shortcut::PlayPause => {
                if sim.viewed().is_some() {
                    // Play resumes the live run (Enter plays on from the moment shown instead).
                    sim.go_live();
                    sim.playing = true;
                } else {
                    sim.playing = !sim.playing;
                }
            }
            Shortcut::Step => sim.step_timeline(1),
            Shortcut::Back => sim.step_timeline(-1),
            Shortcut::Reset => {
                let seed = sim.seed;
                let _ = sim.restart(&self.robot.model, seed);
            }
            Shortcut::NextSeed => {
                let seed = sim.seed + 1;
                let _ = sim.restart(&self.robot.model, seed);
            }
            Shortcut::Slower | Shortcut::Faster => {
                let i = SPEEDS
                    .iter()
                    .position(|&s| s >= sim.speed - 1e-9)
                    .unwrap_or(SPEEDS.len() - 1);
                let j = if shortcut == Shortcut::Slower {
                    i.saturating_sub(1)
                } else {
                    (i + 1).min(SPEEDS.len() - 1)
                };
                sim.speed = SPEEDS[j];
            }
            Shortcut::ToggleTeach => {
                let want = match self.mode() {
                    DriveMode::Simulate => DriveMode::Teach,
                    DriveMode::Teach => DriveMode::Simulate,
                };
                self.set_mode(want);
            }
            Shortcut::ToggleActionSpace => {
                let want = match sim.mode {
                    ActionMode::Task => ActionMode::Joint,
                    ActionMode::Joint => ActionMode::Task,
                };
                sim.set_mode(want);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::Model;
    use bevy::state::app::StatesPlugin;

    fn app() -> App {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin));
        let model = Model::from_urdf_str(crate::robot::panda::URDF).expect("the bundled Panda");
        let info = |id| crate::kit::LessonInfo {
            id,
            title: "no_lesson",
            steps: &[],
            strings: &[],
            plugin: |_| {},
        };
        crate::kit::register_lessons(&mut app, &[info("a"), info("b")], None);
        app.insert_resource(Robot::new(model))
            .insert_resource(Lang::En)
            .insert_resource(UiState {
                presenter: false,
                help: false,
                hide_panels: false,
            })
            .add_plugins((
                super::super::robot::RobotPlugin,
                super::super::sim::SimPlugin,
                super::super::teach::TeachPlugin,
                ActionsPlugin,
            ));
        app.update();
        app
    }

    fn send(app: &mut App, actions: impl IntoIterator<Item = Request>) {
        for a in actions {
            app.world_mut().write_message(a);
        }
        app.update();
    }

    #[test]
    fn keys_and_buttons_drive_the_transport_and_the_lessons_through_one_system() {
        let mut app = app();
        let key = Request::Shortcut;
        send(
            &mut app,
            [
                key(Shortcut::PlayPause),
                key(Shortcut::Faster),
                key(Shortcut::Faster),
            ],
        );
        let sim = app.world().resource::<Sim>();
        assert!(!sim.playing);
        assert_eq!(sim.speed, 2.0);
        send(&mut app, (0..10).map(|_| key(Shortcut::Slower)));
        assert_eq!(app.world().resource::<Sim>().speed, 0.1);
        send(
            &mut app,
            [key(Shortcut::NextSeed), key(Shortcut::ToggleActionSpace)],
        );
        let sim = app.world().resource::<Sim>();
        assert_eq!(sim.seed, 2);
        assert_eq!(sim.mode, ActionMode::Joint);
        // A lesson key beyond the lessons does nothing; the last valid one wins.
        send(
            &mut app,
            [
                key(Shortcut::Lesson(1)),
                key(Shortcut::Lesson(7)),
                key(Shortcut::Language),
                key(Shortcut::Presenter),
                key(Shortcut::ToggleTeach),
            ],
        );
        app.update();
        assert_eq!(app.world().resource::<State<ActiveLesson>>().0, Some("b"));
        assert_eq!(*app.world().resource::<Lang>(), Lang::Zh);
        assert!(app.world().resource::<UiState>().presenter);
        assert_eq!(
            *app.world().resource::<State<DriveMode>>().get(),
            DriveMode::Teach
        );
        send(&mut app, [Request::Lesson(Some("nope"))]);
        app.update();
        assert_eq!(app.world().resource::<State<ActiveLesson>>().0, Some("b"));
    }

    #[test]
    fn a_pose_is_taken_whole_or_not_at_all() {
        let mut app = app();
        let dof = app.world().resource::<Robot>().q.len();
        let q: Vec<f64> = (0..dof).map(|i| 0.01 * i as f64).collect();
        send(
            &mut app,
            [Request::Pose {
                q: q.clone(),
                teach: true,
            }],
        );
        app.update();
        assert_eq!(app.world().resource::<Robot>().q, q);
        assert_eq!(
            *app.world().resource::<State<DriveMode>>().get(),
            DriveMode::Teach
        );
        // Wrong length, NaN, a joint that is not there: ignored.
        let mut bad = q.clone();
        bad[0] = f64::NAN;
        send(
            &mut app,
            [
                Request::Pose {
                    q: vec![0.0; dof + 1],
                    teach: false,
                },
                Request::Pose {
                    q: bad,
                    teach: false,
                },
                Request::Joint(dof, 1.0),
                Request::Joint(0, f64::INFINITY),
            ],
        );
        assert_eq!(app.world().resource::<Robot>().q, q);
        send(&mut app, [Request::Joint(1, 0.3)]);
        assert_eq!(app.world().resource::<Robot>().q[1], 0.3);
    }

    /// Choosing the tool link moves the overlays and the task to it; a link the task cannot
    /// steer (too few joints above it) leaves teach mode and no episode.
    #[test]
    fn choosing_the_tool_link_restarts_the_task_on_it() {
        let mut app = app();
        let hand = {
            let robot = app.world().resource::<Robot>();
            assert_eq!(robot.model.links[robot.tool].name, "panda_tcp");
            robot.model.link_index("panda_hand").expect("hand")
        };
        send(&mut app, [Request::Tool(hand)]);
        let robot = app.world().resource::<Robot>();
        assert_eq!(robot.tool, hand);
        let kin = robot.kin.as_ref().expect("a chain");
        let gap = (kin.pose.to_matrix() - robot.poses[hand].to_matrix()).amax();
        assert!(gap < 1e-12, "{gap}");
        assert!(app.world().resource::<Sim>().available());
        let link3 = robot.model.link_index("panda_link3").expect("link 3");
        send(&mut app, [Request::Tool(link3)]);
        app.update();
        assert!(!app.world().resource::<Sim>().available());
        assert_eq!(
            *app.world().resource::<State<DriveMode>>().get(),
            DriveMode::Teach
        );
        // The root is no tool: nothing changes.
        send(&mut app, [Request::Tool(0)]);
        assert_eq!(app.world().resource::<Robot>().tool, link3);
    }
}
