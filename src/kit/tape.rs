//! What a lesson showed at each moment of the timeline. A lesson whose picture moves by its own
//! clock (a spinning frame, denoising, training) keeps a small copy of that state beside every
//! frame the timeline records, and shows it again when the scrub bar goes there: the arm comes
//! from the timeline's frame, the rest of the picture from the lesson's tape.
//!
//! While a past moment is shown the lesson's live state is held aside, and what advances the
//! lesson's clock does not run ([`live`]); going live brings the held state back, branching
//! makes the moment shown the live state. While the physics waits (paused, or the robot has
//! no task) and a lesson animates, the timeline records frames of the lesson's animation.

use super::robot::Robot;
use super::sim::{DriveMode, Sim, TEACH_PERIOD};
use super::{ArmSet, lesson_is};
use crate::sim::history::Source;
use bevy::prelude::*;
use std::collections::VecDeque;

/// A lesson's state that moves with time.
pub trait Taped: Resource + Component<Mutability = bevy::ecs::component::Mutable> {
    /// What the lesson shows at one moment. Kept for every recorded frame: keep it small.
    type Moment: Clone + Send + Sync + 'static;
    /// The state now, kept beside the frame being recorded.
    fn moment(&self) -> Self::Moment;
    /// The live state, held aside while a past moment is shown (by default the same as
    /// [`Taped::moment`]; larger, when the live state has more than a moment needs).
    fn live(&self) -> Self::Moment {
        self.moment()
    }
    /// Shows `moment`: a recorded one (`past`), or the live state coming back (not `past`).
    fn show_moment(&mut self, moment: &Self::Moment, past: bool);
    /// True while the lesson moves by its own clock: the timeline then records frames even
    /// while the physics waits.
    fn animating(&self) -> bool {
        false
    }
}

/// The moments of one lesson's state, by the serial of the timeline's frame they go with.
#[derive(Resource)]
pub struct TimelineTape<R: Taped> {
    /// (frame serial, what the lesson showed then), serials increasing.
    moments: VecDeque<(u64, R::Moment)>,
    /// The live state while a past moment is shown.
    held: Option<R::Moment>,
    /// The serial of the frame shown and the timeline's branch count when it was shown.
    shown: Option<(u64, u64)>,
    /// The newest frame seen by the last recording pass.
    seen: Option<u64>,
}

impl<R: Taped> Default for TimelineTape<R> {
    fn default() -> Self {
        TimelineTape {
            moments: VecDeque::new(),
            held: None,
            shown: None,
            seen: None,
        }
    }
}

impl<R: Taped> TimelineTape<R> {
    /// Moments kept.
    pub fn len(&self) -> usize {
        self.moments.len()
    }

    pub fn is_empty(&self) -> bool {
        self.moments.is_empty()
    }

    /// What the lesson showed at the frame with serial `serial`, if it was open then.
    pub fn at(&self, serial: u64) -> Option<&R::Moment> {
        let i = self.moments.binary_search_by_key(&serial, |m| m.0).ok()?;
        Some(&self.moments[i].1)
    }

    /// True while a past moment is shown instead of the live state.
    pub fn showing_past(&self) -> bool {
        self.held.is_some()
    }
}

/// True unless the timeline shows a past moment: what advances a lesson's own clock runs
/// only then.
pub fn live(sim: Option<Res<Sim>>) -> bool {
    sim.is_none_or(|s| s.viewed().is_none())
}

#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum TapeSet {
    Ask,
    Frame,
    Record,
}

/// Whether an open lesson animated this frame, and the real seconds since the last frame of
/// its animation was recorded.
#[derive(Resource, Default)]
struct LessonFrames {
    wants: bool,
    clock: f64,
}

/// Keeps the moments of lesson state `R` (of the lesson `lesson`) with the timeline.
pub fn tape<R: Taped>(app: &mut App, lesson: &'static str) {
    if !app.world().contains_resource::<LessonFrames>() {
        app.init_resource::<LessonFrames>()
            .configure_sets(
                PostUpdate,
                (TapeSet::Ask, TapeSet::Frame, TapeSet::Record).chain(),
            )
            .add_systems(PostUpdate, record_lesson_frames.in_set(TapeSet::Frame));
    }
    app.init_resource::<TimelineTape<R>>()
        .add_systems(
            Update,
            show::<R>
                .after(ArmSet::Kinematics)
                .before(ArmSet::Views)
                .run_if(lesson_is(lesson)),
        )
        .add_systems(
            PostUpdate,
            (
                ask::<R>.in_set(TapeSet::Ask).run_if(lesson_is(lesson)),
                record::<R>
                    .in_set(TapeSet::Record)
                    .run_if(lesson_is(lesson)),
                skip::<R>
                    .in_set(TapeSet::Record)
                    .run_if(not(lesson_is(lesson))),
            ),
        );
}

/// Shows the lesson's moment of the frame the timeline shows; the live state when it goes
/// live again, or the moment shown when it branched from it.
fn show<R: Taped>(sim: Option<Res<Sim>>, mut tape: ResMut<TimelineTape<R>>, mut state: ResMut<R>) {
    let Some(sim) = sim else { return };
    let tape = &mut *tape;
    match sim.viewed() {
        Some((_, frame)) => {
            let serial = frame.serial;
            if tape.shown.is_some_and(|s| s.0 == serial) {
                return;
            }
            match tape.at(serial).cloned() {
                Some(moment) => {
                    if tape.held.is_none() {
                        tape.held = Some(state.live());
                    }
                    state.show_moment(&moment, true);
                    tape.shown = Some((serial, sim.branches));
                }
                None => {
                    // The lesson was not open then: it shows its live state.
                    if let Some(held) = tape.held.take() {
                        state.show_moment(&held, false);
                    }
                    tape.shown = None;
                }
            }
        }
        None => {
            let Some((serial, branches)) = tape.shown.take() else {
                return;
            };
            let held = tape.held.take();
            if sim.branches != branches
                && let Some(moment) = tape.at(serial).cloned()
            {
                // Branched: the moment shown goes on as the live state; what was recorded
                // after it and is no longer in the timeline is forgotten.
                let history = &sim.history;
                tape.moments
                    .retain(|(s, _)| *s <= serial || history.index_of_serial(*s).is_some());
                state.show_moment(&moment, false);
            } else if let Some(held) = held {
                state.show_moment(&held, false);
            }
        }
    }
}

fn ask<R: Taped>(sim: Option<Res<Sim>>, state: Res<R>, mut frames: ResMut<LessonFrames>) {
    if live(sim) && state.animating() {
        frames.wants = true;
    }
}

/// Records a frame of the lesson's animation every control period of real time while the
/// physics waits (physics and teach mode record their own).
fn record_lesson_frames(
    mut frames: ResMut<LessonFrames>,
    sim: Option<ResMut<Sim>>,
    robot: Option<Res<Robot>>,
    mode: Option<Res<State<DriveMode>>>,
    time: Res<Time>,
) {
    let wants = std::mem::take(&mut frames.wants);
    let (Some(mut sim), Some(robot)) = (sim, robot) else {
        return;
    };
    let physics = sim.playing && sim.available() && !sim.finished();
    let teach = mode.is_some_and(|m| *m.get() == DriveMode::Teach);
    if !wants || physics || teach || sim.viewed().is_some() {
        frames.clock = 0.0;
        return;
    }
    frames.clock += time.delta_secs_f64();
    let fresh = sim
        .history
        .last()
        .is_none_or(|f| f.source != Source::Lesson);
    if fresh || frames.clock >= TEACH_PERIOD {
        let dt = if fresh { 0.0 } else { frames.clock };
        sim.history.record_lesson(&robot.q, dt);
        frames.clock = 0.0;
    }
}

/// Keeps the lesson's state beside every frame recorded while it is open, and forgets the
/// moments of frames the timeline no longer keeps.
fn record<R: Taped>(sim: Option<Res<Sim>>, mut tape: ResMut<TimelineTape<R>>, state: Res<R>) {
    let Some(sim) = sim else { return };
    if sim.viewed().is_some() {
        return;
    }
    let history = &sim.history;
    let front = history.frame(0).map(|f| f.serial);
    while tape
        .moments
        .front()
        .is_some_and(|m| front.is_none_or(|f| m.0 < f))
    {
        tape.moments.pop_front();
    }
    let seen = tape.seen;
    let new: Vec<u64> = history
        .frames()
        .rev()
        .map(|f| f.serial)
        .take_while(|&s| seen.is_none_or(|seen| s > seen))
        .collect();
    let Some(&newest) = new.first() else {
        return;
    };
    tape.seen = Some(newest);
    let moment = state.moment();
    for serial in new.into_iter().rev() {
        tape.moments.push_back((serial, moment.clone()));
    }
}

/// While the lesson is closed its state does not change: the frames recorded meanwhile get no
/// moment (the lesson shows its live state there).
fn skip<R: Taped>(sim: Option<Res<Sim>>, mut tape: ResMut<TimelineTape<R>>) {
    if let Some(last) = sim.as_ref().and_then(|s| s.history.last()) {
        tape.seen = Some(last.serial);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::ActiveLesson;
    use crate::kit::commands::TimelineCmd;
    use crate::sim::history::History;

    /// A lesson's state that turns by its own clock while it runs.
    #[derive(Resource, Default)]
    struct Dial {
        angle: f64,
        running: bool,
        past: bool,
    }

    impl Taped for Dial {
        type Moment = f64;
        fn moment(&self) -> f64 {
            self.angle
        }
        fn show_moment(&mut self, moment: &f64, past: bool) {
            self.angle = *moment;
            self.past = past;
        }
        fn animating(&self) -> bool {
            self.running
        }
    }

    fn turn(mut dial: ResMut<Dial>, time: Res<Time>) {
        if dial.running {
            dial.angle += time.delta_secs_f64();
        }
    }

    /// The app's timeline on `MinimalPlugins` with the dial's lesson open, 50 ms per update.
    fn app(physics: bool) -> App {
        let mut app = crate::app::test_app::test_app();
        app.insert_resource(Dial {
            running: true,
            ..default()
        })
        .add_systems(Update, turn.run_if(live).in_set(ArmSet::Views));
        tape::<Dial>(&mut app, "dial");
        app.world_mut()
            .resource_mut::<NextState<ActiveLesson>>()
            .set(ActiveLesson(Some("dial")));
        app.update();
        app.world_mut().resource_mut::<Sim>().playing = physics;
        app
    }

    use crate::app::test_app::{run, send};

    fn angle(app: &App) -> (f64, bool) {
        let d = app.world().resource::<Dial>();
        (d.angle, d.past)
    }

    #[test]
    fn a_lessons_animation_is_recorded_while_the_physics_waits_and_shown_again() {
        let mut app = app(false);
        run(&mut app, 40);
        let (len, serial) = {
            let sim = app.world().resource::<Sim>();
            let lesson = sim
                .history
                .frames()
                .filter(|f| f.source == Source::Lesson)
                .count();
            assert!(lesson >= 39, "{lesson} frames of the animation");
            (sim.history.len(), sim.history.frame(20).unwrap().serial)
        };
        let recorded = *app
            .world()
            .resource::<TimelineTape<Dial>>()
            .at(serial)
            .unwrap();
        let live = angle(&app);
        assert!(live.0 > recorded + 0.9, "{live:?} {recorded}");
        send(&mut app, TimelineCmd::Show(20));
        assert_eq!(angle(&app), (recorded, true));
        // The lesson's clock waits while a past moment is shown, and nothing is recorded.
        run(&mut app, 5);
        assert_eq!(angle(&app), (recorded, true));
        assert_eq!(app.world().resource::<Sim>().history.len(), len);
        send(&mut app, TimelineCmd::Step(-1));
        assert!(angle(&app).0 < recorded);
        // Live again: the held state, and the clock goes on (one update of 50 ms).
        send(&mut app, TimelineCmd::Live);
        let (a, past) = angle(&app);
        assert!(!past && (a - live.0 - 0.05).abs() < 1e-12, "{a} {live:?}");
        // Branching goes on from the moment shown.
        send(&mut app, TimelineCmd::Show(20));
        send(&mut app, TimelineCmd::Branch);
        let (a, past) = angle(&app);
        assert!(!past);
        assert!((a - recorded).abs() <= 0.05 + 1e-12, "{a} {recorded}");
        assert!(app.world().resource::<Sim>().history.len() <= 23);
        run(&mut app, 10);
        assert!((angle(&app).0 - recorded - 0.55).abs() < 0.051);
        let sim = app.world().resource::<Sim>();
        let tape = app.world().resource::<TimelineTape<Dial>>();
        assert!(sim.history.frames().all(|f| tape.at(f.serial).is_some()));
        assert_eq!(tape.len(), sim.history.len());
    }

    #[test]
    fn with_the_physics_running_the_moments_ride_on_its_frames() {
        let mut app = app(true);
        run(&mut app, 30);
        let sim = app.world().resource::<Sim>();
        assert!(sim.history.len() >= 29);
        assert!(sim.history.frames().all(|f| f.source == Source::Physics));
        let tape = app.world().resource::<TimelineTape<Dial>>();
        assert!(sim.history.frames().all(|f| tape.at(f.serial).is_some()));
    }

    #[test]
    fn the_tape_stays_as_short_as_the_timeline() {
        let mut app = app(false);
        app.world_mut().resource_mut::<Sim>().history = History::new(100, 40);
        run(&mut app, 1500);
        let sim = app.world().resource::<Sim>();
        let tape = app.world().resource::<TimelineTape<Dial>>();
        assert_eq!(sim.history.len(), 100);
        assert_eq!(tape.len(), 100);
        assert!(sim.history.frames().all(|f| tape.at(f.serial).is_some()));
    }

    /// Frames recorded while another lesson is open have no moment: the lesson shows its live
    /// state there.
    #[test]
    fn moments_from_before_the_lesson_opened_are_its_live_state() {
        let mut app = app(false);
        app.world_mut()
            .resource_mut::<NextState<ActiveLesson>>()
            .set(ActiveLesson(None));
        app.world_mut().resource_mut::<Sim>().playing = true;
        run(&mut app, 10);
        app.world_mut()
            .resource_mut::<NextState<ActiveLesson>>()
            .set(ActiveLesson(Some("dial")));
        run(&mut app, 10);
        let live = angle(&app);
        send(&mut app, TimelineCmd::Show(3));
        assert_eq!(angle(&app), live);
        send(&mut app, TimelineCmd::Show(15));
        assert!(angle(&app).1);
        send(&mut app, TimelineCmd::Show(4));
        assert_eq!(angle(&app), live);
    }
}
