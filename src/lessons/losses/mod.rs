//! Lesson: what a policy's loss means, on the obstacle course's two modes. The demonstrations
//! pass the post on the near or the far side; their lateral offset at the post is one action
//! dimension, and each loss leaves a different policy on it: one Gaussian (NLL, the same as the
//! squared error) acts between the modes and the arm hits the post, tokens learned by
//! cross-entropy and a mixture density act at a mode. Then forward against reverse KL, KL to a
//! base policy, PPO's clip and a toy policy-gradient run, the reparameterization and
//! score-function gradient estimators, and attention over the demonstrations as the kernel
//! weighting it is. Last, low rank: the gradients lesson's reaching network, its singular
//! values, and adapting it to a moved target with rank-r updates against full fine-tuning.
//!
//! The math is `crate::math::losses` and `crate::math::lowrank`; the course and the one-action
//! transport policy are `crate::sim::course`.

use crate::kit::prelude::*;
use crate::lessons::shared::reaching;
use crate::lessons::{LessonInfo, ShowEverything, lesson_panel_shown};
use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

pub mod attention;
mod colors;
pub mod data;
pub mod lowrank;
mod lowrank_panel;
mod overlays;
mod panel;
mod state;
mod steps;
mod strings;
mod tape;
pub mod task;

pub use state::*;

pub const ID: &str = "losses";

/// The lesson, declared once (listed in `crate::lessons::ALL`).
pub const LESSON: LessonInfo = LessonInfo {
    id: ID,
    title: "lesson_losses",
    steps: steps::STEPS,
    strings: strings::STRINGS,
    plugin,
};

fn plugin(app: &mut App) {
    crate::kit::add_settings::<LossesState>(app, ID);
    task::plugin(app);
    overlays::plugin(app);
    app.init_resource::<data::CourseData>()
        .init_resource::<data::KlLive>()
        .init_resource::<lowrank::LowRankData>()
        .add_systems(
            Update,
            (
                show_everything.before(ArmSet::Actions),
                // The reaching policy low rank adapts: recorded and trained as in the gradients
                // lesson (the same data and network), once the course is in.
                (
                    reaching::record,
                    reaching::train.run_if(live),
                    lowrank::advance.run_if(live),
                )
                    .chain()
                    .in_set(LessonSystems(ID))
                    .run_if(|d: Res<data::CourseData>| d.ready())
                    .before(ArmSet::Actions),
                (
                    data::record,
                    data::advance_kl.run_if(live),
                    overlays::draw,
                    lowrank::draw,
                )
                    .chain()
                    .in_set(LessonSystems(ID))
                    .in_set(ArmSet::Views),
            ),
        )
        .add_systems(
            EguiPrimaryContextPass,
            panel::panel.run_if(lesson_panel_shown(ID)),
        );
    tape::<data::KlLive>(app, ID);
    tape::<lowrank::LowRankData>(app, ID);
}

/// The most drawn at once: attention over every window, its heaviest chunks in the scene.
fn show_everything(
    mut msgs: MessageReader<ShowEverything>,
    mut state: ResMut<LossesState>,
    mut data: ResMut<data::CourseData>,
) {
    if msgs.read().count() > 0 {
        state.section = Section::Attention;
        data.at_once = true;
    }
}

#[cfg(test)]
mod tests;
