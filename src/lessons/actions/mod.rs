//! Lesson: actions in time — what the action vector means and how it must be read, the
//! control rate against the physics rate, action chunks and execution horizons, temporal
//! ensembling, latency and its compensation, and smoothness, each changed live in physics
//! with an imperfect policy, and tallied so that settings can be compared.
//!
//! The policy, chunking, ensembling and latency are in `crate::sim::task`; the smoothness
//! penalty is `crate::math::smoothing`.

use crate::kit::prelude::*;
use crate::lessons::{LessonInfo, ShowEverything, lesson_panel_shown};
use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

mod overlays;
mod panel;
mod state;
mod steps;
mod strings;
pub mod task;

pub use overlays::*;
pub use state::*;

pub const ID: &str = "actions";

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_actions",
    steps: steps::STEPS,
    strings: strings::STRINGS,
    plugin,
};

fn plugin(app: &mut App) {
    crate::kit::add_settings::<ActionsState>(app, ID);
    task::plugin(app);
    app.add_systems(
        Update,
        (show_everything, draw.in_set(LessonSystems(ID)))
            .chain()
            .in_set(ArmSet::Views),
    )
    .add_systems(
        EguiPrimaryContextPass,
        panel::panel.run_if(lesson_panel_shown(ID)),
    );
}

/// Every overlay on: the chunks, the paths, and ensembling (its predictions are drawn too).
fn show_everything(mut msgs: MessageReader<ShowEverything>, mut state: ResMut<ActionsState>) {
    if msgs.read().count() > 0 {
        state.show_chunks = true;
        state.show_paths = true;
        state.ensemble = true;
        state.noise = state.noise.max(0.3);
    }
}

#[cfg(test)]
mod tests;
