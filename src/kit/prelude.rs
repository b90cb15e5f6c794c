//! Everything a lesson takes from the Bevy side, in one import: `use crate::kit::prelude::*;`
//! (beside the headless core it teaches: `crate::math`, `crate::robot` and `crate::sim`).
//!
//! The robot and the simulation as the app keeps them, the requests a lesson may send, the
//! timeline's tape, what a lesson draws with, its settings and steps, widgets and strings,
//! background work. The app's plugins implement all of it; a lesson never names them.

pub use super::commands::{Request, Shortcut, TimelineCmd};
pub use super::convert;
pub use super::draw::{AXIS_COLORS, FLOOR_Z, draw_skeleton};
pub use super::i18n::Lang;
pub use super::lesson_ui::LessonUi;
pub use super::robot::{Notice, Robot, ToolKinematics, start_configuration};
pub use super::sim::{DriveMode, EpisodeEnded, LessonTask, ReachFactory, Sim};
pub use super::tally::{Tallies, Tally};
pub use super::tape::{Taped, live, tape};
pub use super::teach::Teach;
pub use super::widgets;
pub use super::{
    ActiveLesson, ArmSet, Background, Headless, LessonInfo, LessonParams, LessonSettings,
    LessonSystems, Shot, SimSetup, Step, StepCommand, StepState, add_settings, frame_budget_ms,
    lesson_is, lesson_panel_shown, lesson_state, param_choice, param_f64, param_flag, param_name,
    param_usize, reset_through_link, tr, write_flag,
};
