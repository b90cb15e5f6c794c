//! The widgets and switches every lesson draws with: the lesson panel, fixed plots, colours,
//! 3D labels, and the chrome's state that a panel respects (hidden panels, presenter mode).

use bevy::prelude::*;
use bevy_egui::egui;

/// The panel every lesson draws in: a window pinned top right (its id is what
/// `fit_viewport` keeps the 3D view clear of), scrolling above the transport bar.
pub fn lesson_panel(ctx: &egui::Context, title: &str, add_contents: impl FnOnce(&mut egui::Ui)) {
    egui::Window::new(title)
        .id(egui::Id::new("lesson_panel"))
        .anchor(egui::Align2::RIGHT_TOP, [-8.0, 8.0])
        .default_width(390.0)
        .resizable(false)
        .show(ctx, |ui| {
            // The screen minus the transport bar.
            let height = (ui.ctx().content_rect().height() - 150.0).max(120.0);
            egui::ScrollArea::vertical()
                .max_height(height)
                .min_scrolled_height(height)
                .show(ui, add_contents);
        });
}

/// A plot that shows data rather than being explored: no drag, zoom or scroll, so the mouse
/// wheel scrolls the panel it sits in.
pub fn fixed_plot(id: &str, height: f32) -> egui_plot::Plot<'static> {
    egui_plot::Plot::new(id.to_string())
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
}

/// The colour of the timeline's cursor in every plot over time.
pub const MOMENT_COLOR: egui::Color32 = egui::Color32::from_rgb(255, 200, 90);

/// The moment the timeline shows, as a vertical line at `x` in a plot over time.
pub fn moment_line(plot: &mut egui_plot::PlotUi, x: f64) {
    plot.vline(egui_plot::VLine::new("", x).color(MOMENT_COLOR).width(2.0));
}

/// A Bevy colour for egui (sRGB, opaque).
pub fn egui_color(c: Color) -> egui::Color32 {
    let s = c.to_srgba();
    egui::Color32::from_rgb(
        (s.red * 255.0) as u8,
        (s.green * 255.0) as u8,
        (s.blue * 255.0) as u8,
    )
}

/// The two modes of the obstacle course: near side teal, far side orange.
pub const SIDE_COLORS: [Color; 2] = [Color::srgb(0.3, 0.85, 0.8), Color::srgb(1.0, 0.6, 0.2)];
/// What is wrong, or a baseline: red.
pub const BASELINE_COLOR: Color = Color::srgb(1.0, 0.15, 0.15);

#[derive(Resource, Debug, Clone)]
pub struct UiState {
    /// Large UI, minimal chrome, keyboard-driven.
    pub presenter: bool,
    pub help: bool,
    /// Hide every panel (H): just the arm and the overlays.
    pub hide_panels: bool,
}

/// Text placed at a 3D point (REP-103 coordinates are converted by the caller), drawn over
/// the scene this frame. Lessons push labels here in `Update`.
#[derive(Resource, Default, Debug)]
pub struct Labels(pub Vec<(Vec3, String, egui::Color32)>);

impl Labels {
    pub fn add(&mut self, at: Vec3, text: impl Into<String>, color: egui::Color32) {
        self.0.push((at, text.into(), color));
    }
}

/// Explanatory text in a panel: body size (it is read, often from the back of a room), wrapped
/// to the panel's width.
pub fn note(ui: &mut egui::Ui, text: &str) {
    ui.add(egui::Label::new(egui::RichText::new(text)).wrap());
}

/// Placed and hit counts per driver of a scenario (only the drivers named in `keys`, in the
/// order they first ran), with a button that clears them.
pub fn tally_table(
    ui: &mut egui::Ui,
    id: &str,
    tallies: &mut crate::app::sim::Tallies,
    keys: &[&str],
    l: crate::kit::i18n::Lang,
) {
    egui::Grid::new(id).num_columns(3).show(ui, |ui| {
        ui.label("");
        ui.label(l.t("tally_placed"));
        ui.label(l.t("tally_hit"));
        ui.end_row();
        for (name, t) in tallies.0.iter().filter(|(n, _)| keys.contains(n)) {
            ui.label(l.t(name));
            ui.monospace(format!("{}/{}", t.successes, t.episodes));
            ui.monospace(format!("{}", t.collisions));
            ui.end_row();
        }
    });
    if ui.button(l.t("reset_tallies")).clicked() {
        tallies.0.retain(|(n, _)| !keys.contains(n));
    }
}
