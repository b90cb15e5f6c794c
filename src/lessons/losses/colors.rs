//! The lesson's plot colours, shared by its panel sections.

use bevy_egui::egui::Color32;

pub(super) const GOLD: Color32 = Color32::from_rgb(255, 215, 60);
pub(super) const SKY: Color32 = Color32::from_rgb(120, 170, 255);
pub(super) const GREY: Color32 = Color32::from_rgb(170, 170, 170);
