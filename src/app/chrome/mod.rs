//! The chrome around the 3D view: the transport bar (play / pause / step / speed / reset /
//! seed), the arm panel (mode, joint sliders, self-motion), the lesson picker, language,
//! presenter mode, the F1 shortcut sheet, and 3D labels drawn for the lessons.

mod arm_panel;
mod keys;
pub mod layout;
mod transport;

pub use keys::{LESSON_KEYS, SHORTCUTS, help_rows, shortcut_for};
pub use layout::{BAR_MARGIN, BarHeight, presenter_zoom};

use crate::kit::ActiveLesson;
use crate::kit::ArmSet;
use crate::kit::i18n;
use crate::kit::widgets::{Labels, UiState};
use bevy::gizmos::transform_gizmo::TransformGizmoState;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use bevy_panorbit_camera::PanOrbitCamera;

/// The chrome: the transport bar, the arm panel, the F1 sheet, the step card, the glossary and
/// course map windows and the lessons' 3D labels, drawn in that order each frame.
pub struct ChromePlugin {
    pub presenter: bool,
}

impl Plugin for ChromePlugin {
    fn build(&self, app: &mut App) {
        // egui gets a camera of its own, so the 3D camera's viewport can shrink beside the
        // lesson panel without moving the panels.
        if let Some(mut settings) = app
            .world_mut()
            .get_resource_mut::<bevy_egui::EguiGlobalSettings>()
        {
            settings.auto_create_primary_context = false;
        }
        app.add_systems(Startup, spawn_ui_camera);
        app.insert_resource(UiState {
            presenter: self.presenter,
            help: false,
            hide_panels: false,
        })
        .init_resource::<Labels>()
        .init_resource::<BarHeight>()
        .add_systems(
            Update,
            (keys::keyboard.before(ArmSet::Actions), camera_input_gate),
        )
        .add_systems(
            EguiPrimaryContextPass,
            (
                style,
                transport::transport_bar,
                arm_panel::arm_panel,
                arm_panel::load_warnings,
                keys::help_sheet,
                super::steps::step_card,
                super::course::course_windows,
                draw_labels,
                fit_viewport,
            )
                .chain(),
        );
    }
}

/// A camera that draws only egui, over the 3D view, across the whole window.
fn spawn_ui_camera(mut commands: Commands) {
    commands.spawn((
        Name::new("UI camera"),
        bevy_egui::PrimaryEguiContext,
        Camera2d,
        // egui smooths its own edges; multisampling would only cost time.
        Msaa::Off,
        bevy::camera::visibility::RenderLayers::none(),
        Camera {
            // Above the 3D view and the transform gizmo's overlay camera.
            order: 10,
            output_mode: bevy::camera::CameraOutputMode::Write {
                blend_state: Some(bevy::render::render_resource::BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
}

/// The orbit camera ignores the mouse while it is over a panel or on the drag handle.
fn camera_input_gate(
    mut contexts: EguiContexts,
    gizmo: Option<Res<TransformGizmoState>>,
    mut cameras: Query<&mut PanOrbitCamera>,
) {
    let over_ui = contexts
        .ctx_mut()
        .map(|c| c.egui_wants_pointer_input() || c.egui_is_using_pointer())
        .unwrap_or(false);
    let on_handle = gizmo.is_some_and(|g| g.active || g.hovered_axis.is_some());
    for mut cam in &mut cameras {
        let enabled = !(over_ui || on_handle);
        if cam.enabled != enabled {
            cam.enabled = enabled;
        }
    }
}

/// Fonts once (with the CJK fallback), then the zoom for presenter mode.
fn style(
    mut contexts: EguiContexts,
    ui: Res<UiState>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    mut installed: Local<bool>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if !*installed {
        ctx.set_fonts(i18n::fonts());
        ctx.all_styles_mut(|s| {
            s.spacing.item_spacing = egui::vec2(8.0, 5.0);
            s.visuals.window_corner_radius = egui::CornerRadius::same(8);
        });
        *installed = true;
    }
    let height = windows.single().map_or(720.0, |w| w.height());
    let zoom = if ui.presenter {
        presenter_zoom(height)
    } else {
        1.0
    };
    if (ctx.zoom_factor() - zoom).abs() > 1e-3 {
        ctx.set_zoom_factor(zoom);
    }
    Ok(())
}

/// The width of 3D view that keeps the arm out from under the lesson panel: everything left
/// of the panel, unless that would leave less than 40 % of the window (a narrow window keeps
/// the full view and lets the panel float over it).
pub fn view_width(window_width: f32, panel_left: Option<f32>) -> f32 {
    match panel_left {
        Some(left) if left >= 0.4 * window_width && left < window_width => left,
        _ => window_width,
    }
}

/// Renders the 3D view beside the lesson panel rather than under it (the panel's rect is
/// last frame's; a one-frame lag is invisible).
fn fit_viewport(
    mut contexts: EguiContexts,
    ui_state: Res<UiState>,
    lesson: Res<State<ActiveLesson>>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    mut cameras: Query<&mut Camera, With<PanOrbitCamera>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Ok(window) = windows.single() else {
        return Ok(());
    };
    let zoom = ctx.zoom_factor();
    let panel_left = (lesson.0.is_some() && !ui_state.hide_panels)
        .then(|| crate::kit::widgets::lesson_panel_rect(ctx))
        .flatten()
        .map(|r| (r.min.x - 8.0) * zoom);
    let width = view_width(window.width(), panel_left);
    let sf = window.scale_factor();
    let physical = UVec2::new(
        ((width * sf) as u32).clamp(1, window.physical_width().max(1)),
        window.physical_height().max(1),
    );
    for mut camera in &mut cameras {
        let want = (physical.x < window.physical_width()).then(|| bevy::camera::Viewport {
            physical_position: UVec2::ZERO,
            physical_size: physical,
            ..default()
        });
        let same = match (&camera.viewport, &want) {
            (None, None) => true,
            (Some(a), Some(b)) => a.physical_size == b.physical_size,
            _ => false,
        };
        if !same {
            camera.viewport = want;
        }
    }
    Ok(())
}

/// Draws the lessons' 3D labels behind every panel, then clears them for the next frame.
fn draw_labels(
    mut contexts: EguiContexts,
    mut labels: ResMut<Labels>,
    cameras: Query<(&Camera, &GlobalTransform), With<PanOrbitCamera>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let Ok((camera, cam_tf)) = cameras.single() else {
        labels.0.clear();
        return Ok(());
    };
    let painter = ctx.layer_painter(egui::LayerId::background());
    let zoom = ctx.zoom_factor();
    let font = egui::FontId::proportional(13.0);
    for (at, text, color) in labels.0.drain(..) {
        if let Ok(p) = camera.world_to_viewport(cam_tf, at) {
            // Viewport coordinates are logical pixels; egui points are those over the zoom.
            let pos = egui::pos2(p.x / zoom, p.y / zoom);
            // Typeset: a label may be a formula (T_ab); a name is escaped by whoever adds it.
            let galley =
                painter.layout_job(crate::kit::typeset::inline_job(&text, font.clone(), color));
            let rect =
                egui::Rect::from_min_size(pos + egui::vec2(6.0, -8.0), galley.size()).expand(2.0);
            painter.rect_filled(rect, 3.0, egui::Color32::from_black_alpha(150));
            painter.galley(rect.min + egui::vec2(2.0, 2.0), galley, color);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_makes_room_for_the_lesson_panel() {
        assert_eq!(view_width(1920.0, Some(1400.0)), 1400.0);
        assert_eq!(view_width(1920.0, None), 1920.0);
        // Too narrow a view: keep it whole and let the panel float.
        assert_eq!(view_width(800.0, Some(300.0)), 800.0);
        assert_eq!(view_width(800.0, Some(340.0)), 340.0);
        assert_eq!(view_width(800.0, Some(900.0)), 800.0);
    }
}
