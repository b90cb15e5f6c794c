//! What every lesson panel reads: the egui context, the language, and the robot and the
//! simulation (absent in a test app that has neither).

use super::i18n::Lang;
use super::robot::Robot;
use super::sim::Sim;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::EguiContexts;

/// A lesson panel's common parameters, as one system parameter.
#[derive(SystemParam)]
pub struct LessonUi<'w, 's> {
    pub contexts: EguiContexts<'w, 's>,
    pub lang: Res<'w, Lang>,
    pub robot: Option<Res<'w, Robot>>,
    pub sim: Option<Res<'w, Sim>>,
}
