//! Guided steps: a lesson as an ordered sequence a teacher can walk through.
//!
//! A [`Step`] is data: a title, two to four sentences, the formula it is about, one "try
//! this" prompt with a visible answer, and the scene it needs (camera framing, the lesson's
//! settings as link `key=value` pairs, the simulation). Entering a step applies its set-up
//! once; the student may then change anything. No step chosen is free exploration.

use crate::kit::i18n::Lang;
use bevy::prelude::*;

/// A sentence in both languages, written side by side so neither can be forgotten.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        }
    }
}

/// Shorthand for a [`Text`].
pub const fn tr(en: &'static str, zh: &'static str) -> Text {
    Text { en, zh }
}

/// Where the camera looks from: a point of the scene (REP-103, metres), the distance to it,
/// and the orbit angles (radians; yaw 0 looks from the arm's right, −Y, and π/2 from the
/// front, +X; pitch is the elevation above the table).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shot {
    pub target: [f64; 3],
    pub distance: f32,
    pub yaw: f32,
    pub pitch: f32,
}

impl Shot {
    /// The app's opening view: three-quarter, the whole arm and table.
    pub const HOME: Shot = Shot {
        target: [0.35, 0.0, 0.3],
        distance: 1.9,
        yaw: 0.9,
        pitch: 0.35,
    };
}

/// What the simulation does on entering a step (`None`: leave it as it is).
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct SimSetup {
    /// Play or pause the physics.
    pub playing: Option<bool>,
    /// Teach mode (the user moves the arm) or the physics.
    pub teach: Option<bool>,
    /// A configuration of the bundled Panda, of its tool chain or of the whole robot
    /// (another arm keeps its pose; implies teach mode).
    pub q: Option<&'static [f64]>,
    /// Restart the task at this seed.
    pub seed: Option<u64>,
}

impl SimSetup {
    pub const NONE: SimSetup = SimSetup {
        playing: None,
        teach: None,
        q: None,
        seed: None,
    };
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub title: Text,
    /// Two to four sentences.
    pub body: Text,
    /// The formula, one line, shown large (language-neutral).
    pub formula: &'static str,
    /// What to move and what will be seen.
    pub try_this: Text,
    pub shot: Shot,
    /// The lesson's settings, as in a link.
    pub params: &'static [(&'static str, &'static str)],
    pub sim: SimSetup,
}

/// Which step of the active lesson is on screen.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct StepState {
    /// The lesson `current` belongs to; another lesson opening ends the sequence.
    pub lesson: Option<&'static str>,
    /// 0-based; `None`: free exploration.
    pub current: Option<usize>,
    /// Set when `current` changed and its set-up is still to be applied.
    pub pending: bool,
}

/// Moves through the active lesson's steps (keys, buttons, `--step`, the address).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepCommand {
    Next,
    Previous,
    /// 0-based; past the end means the last step.
    Go(usize),
    /// Back to free exploration.
    Leave,
}

/// The step a command leads to, in a lesson of `count` steps.
pub fn navigate(current: Option<usize>, count: usize, command: StepCommand) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match command {
        StepCommand::Next => Some(current.map_or(0, |i| (i + 1).min(count - 1))),
        StepCommand::Previous => Some(current.map_or(0, |i| i.saturating_sub(1))),
        StepCommand::Go(i) => Some(i.min(count - 1)),
        StepCommand::Leave => None,
    }
}

impl StepState {
    /// Follows the active lesson, then applies `commands`; true when a step is to be
    /// (re-)entered.
    pub fn update(
        &mut self,
        active: Option<&'static str>,
        count: usize,
        commands: impl IntoIterator<Item = StepCommand>,
    ) -> bool {
        if self.lesson != active {
            self.lesson = active;
            self.current = None;
        }
        for command in commands {
            let next = navigate(self.current, count, command);
            // Going to the step on screen again re-applies it (a reset of the scene).
            if next.is_some() {
                self.pending = true;
            }
            self.current = next;
        }
        self.pending && self.current.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigation_stays_inside_the_lesson() {
        use StepCommand::*;
        assert_eq!(navigate(None, 6, Next), Some(0));
        assert_eq!(navigate(Some(0), 6, Next), Some(1));
        assert_eq!(navigate(Some(5), 6, Next), Some(5));
        assert_eq!(navigate(Some(0), 6, Previous), Some(0));
        assert_eq!(navigate(Some(3), 6, Previous), Some(2));
        assert_eq!(navigate(Some(3), 6, Go(17)), Some(5));
        assert_eq!(navigate(Some(3), 6, Leave), None);
        assert_eq!(navigate(None, 0, Next), None);
    }

    #[test]
    fn another_lesson_ends_the_sequence() {
        let mut s = StepState::default();
        assert!(s.update(Some("a"), 4, [StepCommand::Go(2)]));
        assert_eq!(s.current, Some(2));
        s.pending = false;
        assert!(!s.update(Some("a"), 4, []));
        assert_eq!(s.current, Some(2));
        assert!(!s.update(Some("b"), 7, []));
        assert_eq!(s.current, None);
        assert!(s.update(Some("b"), 7, [StepCommand::Next]));
        assert_eq!(s.current, Some(0));
    }
}
