//! The chrome around the 3D view: the transport bar (play / pause / step / speed / reset /
//! seed), the arm panel (mode, joint sliders, self-motion), the lesson picker, language,
//! presenter mode, the F1 shortcut sheet, and 3D labels drawn for the lessons.

use super::robot::{ArmSet, Notice, Robot};
use super::sim::{DriveMode, SPEEDS, Sim};
use super::teach::Teach;
use crate::kit::commands::{Request, Shortcut};
use crate::kit::i18n::{self, Lang};
use crate::kit::widgets::{Labels, UiState, note};
use crate::kit::{ActiveLesson, LessonRegistry, StepCommand};
use crate::robot::JointKind;
use crate::robot::names::shown;
use crate::sim::policy::ActionMode;
use bevy::gizmos::transform_gizmo::{
    TransformGizmoMode, TransformGizmoSettings, TransformGizmoState,
};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use bevy_panorbit_camera::PanOrbitCamera;

/// UI scale in presenter mode: text keeps the same size relative to the screen (1.1× per 720
/// lines, at least 1.25×), so it reads from the back of a classroom at any projector
/// resolution.
pub fn presenter_zoom(window_height: f32) -> f32 {
    (1.1 * window_height / 720.0).clamp(1.25, 2.4)
}

/// Every shortcut: key, what it does, and the key of its description in the string table.
/// The F1 sheet and the README list this table.
pub const SHORTCUTS: &[(KeyCode, &str, Shortcut, &str)] = &[
    (KeyCode::F1, "F1", Shortcut::Help, "key_help"),
    (KeyCode::F2, "F2", Shortcut::Profiler, "key_profiler"),
    (KeyCode::F3, "F3", Shortcut::Glossary, "key_glossary"),
    (KeyCode::F4, "F4", Shortcut::CourseMap, "key_course_map"),
    (KeyCode::Space, "Space", Shortcut::PlayPause, "key_play"),
    (KeyCode::Period, ".", Shortcut::Step, "key_step"),
    (KeyCode::Comma, ",", Shortcut::Back, "key_back"),
    (KeyCode::Enter, "Enter", Shortcut::Branch, "key_branch"),
    (KeyCode::F12, "F12", Shortcut::Screenshot, "key_screenshot"),
    (KeyCode::F10, "F10", Shortcut::Clip, "key_clip"),
    (KeyCode::KeyO, "O", Shortcut::OpenUrdf, "key_open_urdf"),
    (KeyCode::KeyA, "A", Shortcut::Pin, "key_pin"),
    (KeyCode::KeyR, "R", Shortcut::Reset, "key_reset"),
    (KeyCode::KeyN, "N", Shortcut::NextSeed, "key_seed"),
    (KeyCode::BracketLeft, "[", Shortcut::Slower, "key_slower"),
    (KeyCode::BracketRight, "]", Shortcut::Faster, "key_faster"),
    (KeyCode::KeyT, "T", Shortcut::ToggleTeach, "key_teach"),
    (
        KeyCode::KeyM,
        "M",
        Shortcut::ToggleActionSpace,
        "key_action_space",
    ),
    (KeyCode::KeyL, "L", Shortcut::Language, "key_lang"),
    (KeyCode::KeyP, "P", Shortcut::Presenter, "key_presenter"),
    (KeyCode::KeyH, "H", Shortcut::HidePanels, "key_hide"),
    (KeyCode::KeyC, "C", Shortcut::CameraHome, "key_camera"),
    (KeyCode::KeyG, "G", Shortcut::HandleMode, "key_handle"),
    // Presenter clickers send PageDown / PageUp.
    (
        KeyCode::PageDown,
        "PgDn",
        Shortcut::NextStep,
        "key_next_step",
    ),
    (
        KeyCode::ArrowRight,
        "→",
        Shortcut::NextStep,
        "key_next_step",
    ),
    (
        KeyCode::PageUp,
        "PgUp",
        Shortcut::PreviousStep,
        "key_previous_step",
    ),
    (
        KeyCode::ArrowLeft,
        "←",
        Shortcut::PreviousStep,
        "key_previous_step",
    ),
    (KeyCode::Digit0, "0", Shortcut::NoLesson, "key_no_lesson"),
];

/// The digit keys that open lessons 1 to 9, in the registry's order.
pub const LESSON_KEYS: [KeyCode; 9] = [
    KeyCode::Digit1,
    KeyCode::Digit2,
    KeyCode::Digit3,
    KeyCode::Digit4,
    KeyCode::Digit5,
    KeyCode::Digit6,
    KeyCode::Digit7,
    KeyCode::Digit8,
    KeyCode::Digit9,
];

/// The shortcut a key stands for, given the registered lessons (digits beyond them do
/// nothing).
pub fn shortcut_for(key: KeyCode, lessons: usize) -> Option<Shortcut> {
    if let Some(i) = LESSON_KEYS.iter().position(|&k| k == key) {
        return (i < lessons).then_some(Shortcut::Lesson(i));
    }
    SHORTCUTS
        .iter()
        .find(|&&(k, ..)| k == key)
        .map(|&(_, _, s, _)| s)
}

/// The help sheet's rows: (keys, description key), shortcuts sharing a description on one
/// row, and one row for the lesson digits that exist.
pub fn help_rows(lessons: usize) -> Vec<(String, &'static str)> {
    let mut rows: Vec<(String, &'static str)> = Vec::new();
    for &(_, label, _, key) in SHORTCUTS {
        match rows.iter_mut().find(|(_, k)| *k == key) {
            Some((labels, _)) => {
                labels.push_str(" / ");
                labels.push_str(label);
            }
            None => rows.push((label.to_string(), key)),
        }
    }
    match lessons {
        0 => {}
        1 => rows.push(("1".into(), "key_lesson")),
        n => rows.push((format!("1–{}", n.min(LESSON_KEYS.len())), "key_lesson")),
    }
    rows
}

pub struct UiPlugin {
    pub presenter: bool,
}

impl Plugin for UiPlugin {
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
            (keyboard.before(ArmSet::Actions), camera_input_gate),
        )
        .add_systems(
            EguiPrimaryContextPass,
            (
                style,
                transport_bar,
                arm_panel,
                load_warnings,
                help_sheet,
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

/// Keys: the camera, the handle and the steps here; everything else is an [`Request`].
#[allow(clippy::too_many_arguments)]
fn keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    mut contexts: EguiContexts,
    mut ui: ResMut<UiState>,
    registry: Res<LessonRegistry>,
    mut cameras: Query<&mut PanOrbitCamera>,
    mut handle: ResMut<TransformGizmoSettings>,
    mut steps: MessageWriter<StepCommand>,
    mut actions: MessageWriter<Request>,
) {
    // Typing into a text field is not a shortcut.
    if let Ok(ctx) = contexts.ctx_mut()
        && ctx.egui_wants_keyboard_input()
    {
        return;
    }
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    for &key in keys.get_just_pressed() {
        let Some(shortcut) = shortcut_for(key, registry.lessons.len()) else {
            continue;
        };
        match shortcut {
            // With Shift, a second of the timeline at a time.
            Shortcut::Step | Shortcut::Back if shift => {
                let s = if shortcut == Shortcut::Back {
                    -1.0
                } else {
                    1.0
                };
                actions.write(Request::Timeline(
                    crate::kit::commands::TimelineCmd::Seconds(s),
                ));
            }
            Shortcut::NextStep => {
                steps.write(StepCommand::Next);
            }
            Shortcut::PreviousStep => {
                steps.write(StepCommand::Previous);
            }
            Shortcut::CameraHome => {
                for mut cam in &mut cameras {
                    super::scene::home(&mut cam);
                }
            }
            Shortcut::HandleMode => {
                handle.mode = match handle.mode {
                    TransformGizmoMode::Translate => TransformGizmoMode::Rotate,
                    _ => TransformGizmoMode::Translate,
                }
            }
            _ => {
                actions.write(Request::Shortcut(shortcut));
            }
        }
    }
    if keys.just_pressed(KeyCode::Escape) {
        ui.help = false;
    }
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

/// The bar's controls in one row: how wide they were, and for what (lesson, language,
/// presenter mode, whether the physics runs).
#[derive(Default)]
struct BarFit {
    key: Option<BarKey>,
    width: f32,
}

type BarKey = (Option<&'static str>, Lang, bool, bool);

impl BarFit {
    /// Lay the controls out in one row (and measure it): while that row fits in `room`, and
    /// whenever what it holds has changed since it was measured.
    fn one_row(&self, key: BarKey, room: f32) -> bool {
        self.key != Some(key) || self.width <= room
    }
}

/// Space left between the bar and the window's edges (points).
pub const BAR_MARGIN: f32 = 8.0;

/// How tall the transport bar was drawn (points): what sits at the bottom of the screen (the
/// step card) goes above it, however many rows the bar needed.
#[derive(Resource)]
pub struct BarHeight(pub f32);

impl Default for BarHeight {
    /// About three rows: the scrub bar, the controls and the status line.
    fn default() -> Self {
        BarHeight(74.0)
    }
}

/// The width of the closed lesson box in the bar (points).
const LESSON_BOX_WIDTH: f32 = 230.0;

/// The row of controls along the bottom. Its buttons send [`Request`]s, like the keys.
#[allow(clippy::too_many_arguments)]
fn transport_bar(
    mut contexts: EguiContexts,
    ui_state: Res<UiState>,
    sim: Res<Sim>,
    lang: Res<Lang>,
    lesson: Res<State<ActiveLesson>>,
    registry: Res<LessonRegistry>,
    mode: Res<State<DriveMode>>,
    notice: Res<Notice>,
    time: Res<Time>,
    pinned: Res<super::timeline::Pinned>,
    mut clip: Option<ResMut<super::clip::Clip>>,
    mut actions: MessageWriter<Request>,
    mut fit: Local<BarFit>,
    mut bar: ResMut<BarHeight>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let presenter = ui_state.presenter;
    let mut pressed = None;
    // The room for the row: the window less the margins either side and the bar's own frame.
    let room = ctx.content_rect().width() - 4.0 * BAR_MARGIN;
    let key = (lesson.0, l, presenter, sim.available());
    // One row while it fits the window; wrapped at the window's width when it does not.
    // What the row holds changes with the lesson, the language and presenter mode, so it
    // is measured again in one row whenever one of them changes.
    let one_row = fit.one_row(key, room);
    let shown = egui::Window::new("transport")
        .title_bar(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -BAR_MARGIN])
        .show(ctx, |ui| {
            if !presenter || sim.viewed().is_some() {
                super::timeline::scrub_row(ui, l, &sim, &pinned, clip.as_deref_mut(), &mut actions);
            }
            let row = |ui: &mut egui::Ui| {
                let teach = *mode.get() == DriveMode::Teach;
                if sim.available() {
                    let play = if sim.playing { "⏸" } else { "⏵" };
                    let tip = if sim.playing {
                        l.t("pause")
                    } else {
                        l.t("play")
                    };
                    if ui
                        .add_enabled(!teach, egui::Button::new(play))
                        .on_hover_text(tip)
                        .clicked()
                    {
                        pressed = Some(Shortcut::PlayPause);
                    }
                    if ui
                        .add_enabled(!teach, egui::Button::new("⏭"))
                        .on_hover_text(l.t("step"))
                        .clicked()
                    {
                        pressed = Some(Shortcut::Step);
                    }
                    if ui
                        .add_enabled(!teach, egui::Button::new("⟲"))
                        .on_hover_text(l.t("reset"))
                        .clicked()
                    {
                        pressed = Some(Shortcut::Reset);
                    }
                    if !presenter {
                        ui.separator();
                        ui.label(l.t("speed"));
                        let mut i = SPEEDS
                            .iter()
                            .position(|&s| (s - sim.speed).abs() < 1e-9)
                            .unwrap_or(3);
                        egui::ComboBox::from_id_salt("speed")
                            .width(64.0)
                            .selected_text(format!("{}×", SPEEDS[i]))
                            .show_index(ui, &mut i, SPEEDS.len(), |k| format!("{}×", SPEEDS[k]));
                        if (SPEEDS[i] - sim.speed).abs() > 1e-9 {
                            actions.write(Request::Speed(SPEEDS[i]));
                        }
                        ui.label(l.t("seed"));
                        let mut seed = sim.seed;
                        if ui
                            .add(egui::DragValue::new(&mut seed).range(0..=u32::MAX as u64))
                            .changed()
                        {
                            actions.write(Request::Seed(seed));
                        }
                        ui.separator();
                        let mut space = sim.mode;
                        ui.selectable_value(&mut space, ActionMode::Task, l.t("task_space"))
                            .on_hover_text(l.t("task_space_tip"));
                        ui.selectable_value(&mut space, ActionMode::Joint, l.t("joint_space"))
                            .on_hover_text(l.t("joint_space_tip"));
                        if space != sim.mode {
                            actions.write(Request::ActionSpace(space));
                        }
                    } else {
                        ui.label(format!("{}×", sim.speed));
                    }
                    ui.separator();
                    let mut m = *mode.get();
                    ui.selectable_value(&mut m, DriveMode::Simulate, l.t("simulate"));
                    ui.selectable_value(&mut m, DriveMode::Teach, l.t("teach"));
                    if m != *mode.get() {
                        actions.write(Request::Drive(m));
                    }
                } else {
                    ui.label(l.t("teach_only"));
                }
                ui.separator();
                let current = lesson
                    .0
                    .and_then(|id| registry.get(id))
                    .map_or(l.t("no_lesson"), |info| l.t(info.title));
                let mut pick = lesson.0;
                // The longest titles would widen the whole bar past a 1280-pixel screen: the
                // closed box is cut to a fixed width (the open list and the tooltip say it all).
                // (A combo box's width is its least; the text is cut at the room it is given.)
                let size = egui::vec2(LESSON_BOX_WIDTH, ui.spacing().interact_size.y);
                ui.allocate_ui_with_layout(
                    size,
                    egui::Layout::left_to_right(egui::Align::Center),
                    |ui| {
                        egui::ComboBox::from_id_salt("lesson")
                            .truncate()
                            .selected_text(current)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut pick, None, l.t("no_lesson"));
                                for info in &registry.lessons {
                                    ui.selectable_value(&mut pick, Some(info.id), l.t(info.title));
                                }
                            })
                            .response
                            .on_hover_text(current);
                    },
                );
                if pick != lesson.0 {
                    actions.write(Request::Lesson(pick));
                }
                ui.separator();
                if ui
                    .button(l.other().name())
                    .on_hover_text(l.t("switch_language"))
                    .clicked()
                {
                    pressed = Some(Shortcut::Language);
                }
                if ui
                    .selectable_label(ui_state.presenter, "🖵")
                    .on_hover_text(l.t("presenter"))
                    .clicked()
                {
                    pressed = Some(Shortcut::Presenter);
                }
                if ui
                    .button(l.t("glossary"))
                    .on_hover_text(l.t("key_glossary"))
                    .clicked()
                {
                    pressed = Some(Shortcut::Glossary);
                }
                if ui
                    .button(l.t("course_map"))
                    .on_hover_text(l.t("key_course_map"))
                    .clicked()
                {
                    pressed = Some(Shortcut::CourseMap);
                }
                if ui.button("?").on_hover_text(l.t("key_help")).clicked() {
                    pressed = Some(Shortcut::Help);
                }
                // In the browser: the page's address names this scene; copy it to share.
                #[cfg(target_arch = "wasm32")]
                if ui.button(l.t("copy_link")).clicked() {
                    super::web::copy_link();
                }
                // The system's dialog on the desktop; in the browser (no paths) the page's
                // picker, for the URDF and its meshes together.
                if ui
                    .button(l.t("open_urdf"))
                    .on_hover_text(l.t("open_urdf_tip"))
                    .clicked()
                {
                    pressed = Some(Shortcut::OpenUrdf);
                }
            };
            if one_row {
                let width = ui.horizontal(row).response.rect.width();
                *fit = BarFit {
                    key: Some(key),
                    width,
                };
            } else {
                // A small laptop, a projector's 1024 pixels, a zoomed page: the controls go
                // on as a second row instead of both ends being cut off.
                ui.set_width(room);
                ui.horizontal_wrapped(row);
            }
            if !presenter {
                status_line(ui, l, &sim, &notice, time.elapsed_secs_f64());
            }
        });
    if let Some(shown) = shown {
        bar.0 = shown.response.rect.height();
    }
    if let Some(shortcut) = pressed {
        actions.write(Request::Shortcut(shortcut));
    }
    Ok(())
}

/// The unit a joint's value is in.
pub fn joint_unit(kind: JointKind) -> &'static str {
    match kind {
        JointKind::Prismatic => "m",
        _ => "rad",
    }
}

/// Within 5 % of the range from either limit: the joint is about to stop.
pub fn near_limit(v: f64, lo: f64, hi: f64) -> bool {
    let margin = 0.05 * (hi - lo);
    v <= lo + margin || v >= hi - margin
}

/// The colour of notices and load warnings below and over the view.
const NOTICE_AMBER: egui::Color32 = egui::Color32::from_rgb(255, 200, 90);

fn status_line(ui: &mut egui::Ui, l: Lang, sim: &Sim, notice: &Notice, now: f64) {
    ui.horizontal(|ui| {
        if sim.available() {
            // Fixed width: text after a label that changes width every frame would shift by
            // fractions of a pixel, and each new glyph position is a new atlas entry.
            ui.monospace(format!("t = {:6.2} s", sim.time()));
            if let Some(p) = sim.phase() {
                ui.label(format!("{}: {}", l.t("phase"), l.t(i18n::phase_key(p))));
            }
            if sim.episodes > 0 {
                ui.label(format!(
                    "{}: {}/{}",
                    l.t("successes"),
                    sim.successes,
                    sim.episodes
                ));
            }
            if let Some((seed, o)) = &sim.last
                && sim.finished()
            {
                let verdict = if o.success {
                    l.t("success")
                } else {
                    l.t("failure")
                };
                ui.colored_label(
                    if o.success {
                        egui::Color32::LIGHT_GREEN
                    } else {
                        egui::Color32::LIGHT_RED
                    },
                    format!(
                        "{} {seed}: {verdict} ({} {:.1} mm)",
                        l.t("seed"),
                        l.t("place_error"),
                        o.place_error * 1e3
                    ),
                );
            }
        }
        if let Some(text) = &notice.text
            && now - notice.since < 8.0
        {
            ui.colored_label(NOTICE_AMBER, format!("{} {text}", l.t(notice.key)));
        }
    });
}

/// The tool link: any link with a joint above it; the task and the overlays follow it.
fn tool_picker(ui: &mut egui::Ui, l: Lang, robot: &Robot, actions: &mut MessageWriter<Request>) {
    let model = &robot.model;
    let mut chosen = robot.tool;
    ui.horizontal(|ui| {
        ui.label(l.t("tool_link"));
        egui::ComboBox::from_id_salt("tool_link")
            .selected_text(shown(&model.links[robot.tool].name))
            .show_ui(ui, |ui| {
                for (i, link) in model.links.iter().enumerate() {
                    if link.parent_joint.is_some() {
                        ui.selectable_value(&mut chosen, i, shown(&link.name));
                    }
                }
            })
            .response
            .on_hover_text(l.t("tool_link_tip"));
    });
    if chosen != robot.tool {
        actions.write(Request::Tool(chosen));
    }
}

/// What loading the URDF repaired or ignored, one line per cause, in a window of its own at
/// the top of the view (wrapped, so a long list of links does not widen the transport bar)
/// until closed.
fn load_warnings(
    mut contexts: EguiContexts,
    (ui_state, lang): (Res<UiState>, Res<Lang>),
    (robot, geometry): (Res<Robot>, Res<super::robot::GeometryWarnings>),
    // The model generation whose warnings the user closed.
    mut closed: Local<Option<u32>>,
) -> Result {
    let shown = (geometry.generation == robot.generation).then_some(&geometry.lines);
    let warnings: Vec<&String> = robot
        .model
        .warnings
        .iter()
        .chain(shown.into_iter().flatten())
        .collect();
    if warnings.is_empty() || ui_state.hide_panels || *closed == Some(robot.generation) {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let amber = NOTICE_AMBER;
    egui::Window::new("")
        .id(egui::Id::new("load_warnings"))
        .title_bar(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 8.0])
        .max_width(560.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.colored_label(amber, l.t("notice_repaired"));
                if ui
                    .small_button("✕")
                    .on_hover_text(l.t("notice_repaired_close"))
                    .clicked()
                {
                    *closed = Some(robot.generation);
                }
            });
            for w in warnings {
                ui.add(egui::Label::new(egui::RichText::new(format!("• {w}")).color(amber)).wrap());
            }
        });
    Ok(())
}

/// Joint rows the arm panel lays out in full; a robot with more scrolls through them.
const MAX_JOINT_ROWS: usize = 24;

/// The arm panel: joint values (sliders in teach mode), the drag handle's IK state and the
/// self-motion slider.
fn arm_panel(
    mut contexts: EguiContexts,
    (ui_state, lang): (Res<UiState>, Res<Lang>),
    robot: Res<Robot>,
    mut teach: ResMut<Teach>,
    mode: Res<State<DriveMode>>,
    (mut handle, mut view): (
        ResMut<TransformGizmoSettings>,
        Option<ResMut<super::geometry_view::GeometryView>>,
    ),
    mut actions: MessageWriter<Request>,
) -> Result {
    if ui_state.hide_panels {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let teaching = *mode.get() == DriveMode::Teach;
    let default_open = !ui_state.presenter || teaching;
    egui::Window::new(l.t("arm"))
        .id(egui::Id::new("arm_panel"))
        .anchor(egui::Align2::LEFT_TOP, [8.0, 8.0])
        .default_open(default_open)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(format!(
                "{} — {} {}, {} DoF",
                shown(&robot.model.name),
                robot.model.links.len(),
                l.t("links"),
                robot.model.dof()
            ));
            if teaching {
                note(ui, l.t("teach_hint"));
            }
            tool_picker(ui, l, &robot, &mut actions);
            if let Some(view) = view.as_deref_mut() {
                use super::geometry_view::ShownGeometry;
                ui.horizontal(|ui| {
                    ui.label(l.t("geometry_show"));
                    ui.selectable_value(
                        &mut view.geometry,
                        ShownGeometry::Visual,
                        l.t("geometry_visual"),
                    )
                    .on_hover_text(l.t("geometry_visual_tip"));
                    ui.selectable_value(
                        &mut view.geometry,
                        ShownGeometry::Collision,
                        l.t("geometry_collision"),
                    )
                    .on_hover_text(l.t("geometry_collision_tip"));
                    ui.selectable_value(
                        &mut view.geometry,
                        ShownGeometry::Both,
                        l.t("geometry_both"),
                    );
                });
                ui.checkbox(&mut view.contacts, l.t("geometry_contacts"))
                    .on_hover_text(l.t("geometry_contacts_tip"));
            }
            ui.separator();
            ui.spacing_mut().slider_width = 96.0;
            let mut changed = None;
            let prefix = format!("{}_", robot.model.name);
            let mut rows = |ui: &mut egui::Ui, range: std::ops::Range<usize>| {
                egui::Grid::new("joints").spacing([4.0, 2.0]).show(ui, |ui| {
                    for i in range {
                        let joint = &robot.model.joints[robot.model.dof_joints[i]];
                        let short = shown(joint.name.strip_prefix(&prefix).unwrap_or(&joint.name));
                        let (lo, hi) = robot.slider_range(i);
                        let unit = joint_unit(joint.kind);
                        let mut v = robot.q[i];
                        let near = near_limit(v, lo, hi);
                        let weak = ui.visuals().weak_text_color();
                        let small =
                            |x: f64| egui::RichText::new(format!("{x:.2}")).small().color(weak);
                        ui.label(small(lo));
                        let slider = ui.add_enabled(
                            teaching,
                            egui::Slider::new(&mut v, lo..=hi).show_value(false),
                        );
                        ui.label(small(hi));
                        // The value: typed in (click it) or dragged; amber near a limit.
                        let value = ui.scope(|ui| {
                            if near {
                                ui.visuals_mut().override_text_color = Some(NOTICE_AMBER);
                            }
                            ui.add_enabled(
                                teaching,
                                egui::DragValue::new(&mut v)
                                    .range(lo..=hi)
                                    .speed((hi - lo) / 500.0)
                                    .fixed_decimals(3)
                                    .suffix(format!(" {unit}")),
                            )
                        });
                        let name = if near {
                            egui::RichText::new(short.as_ref()).color(NOTICE_AMBER)
                        } else {
                            egui::RichText::new(short.as_ref())
                        };
                        let tip = match joint.kind {
                            JointKind::Prismatic => {
                                format!("{short}: {lo:.3} … {hi:.3} m ({})", l.t("joint_type_tip"))
                            }
                            _ => format!(
                                "{short}: {lo:.3} … {hi:.3} rad = {:.1}° … {:.1}°, {} {:.1}° ({})",
                                lo.to_degrees(),
                                hi.to_degrees(),
                                l.t("joint_now"),
                                v.to_degrees(),
                                l.t("joint_type_tip")
                            ),
                        };
                        ui.label(name).on_hover_text(tip);
                        ui.end_row();
                        if slider.changed() || value.inner.changed() {
                            changed = Some((i, v));
                        }
                    }
                });
            };
            let n = robot.q.len();
            if n <= MAX_JOINT_ROWS {
                rows(ui, 0..n);
            } else {
                // A robot of hundreds or thousands of joints: only the rows in view are laid
                // out, so the panel costs the same each frame whatever the robot.
                let row = ui.spacing().interact_size.y + 2.0;
                egui::ScrollArea::vertical()
                    .id_salt("joint_rows")
                    .max_height(row * MAX_JOINT_ROWS as f32)
                    .show_rows(ui, row, n, |ui, range| rows(ui, range));
            }
            if let Some((i, v)) = changed {
                actions.write(Request::Joint(i, v));
            }
            if teaching && robot.chain.is_some() {
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label(l.t("handle"));
                    let mut m = handle.mode;
                    ui.selectable_value(&mut m, TransformGizmoMode::Translate, l.t("handle_move"));
                    ui.selectable_value(&mut m, TransformGizmoMode::Rotate, l.t("handle_rotate"));
                    if m != handle.mode {
                        handle.mode = m;
                    }
                });
                let mut s = teach.self_motion;
                ui.add(
                    egui::Slider::new(&mut s, -1.5..=1.5)
                        .text(l.t("self_motion"))
                        .fixed_decimals(2),
                )
                .on_hover_text(l.t("self_motion_tip"));
                teach.self_motion = s;
                let (pe, oe) = teach.residual;
                ui.label(format!(
                    "{}: {:.2} mm, {:.3}°",
                    l.t("ik_residual"),
                    pe * 1e3,
                    oe.to_degrees()
                ));
                if teach.last_drift > 0.0 {
                    ui.label(format!(
                        "{}: {:.1e}",
                        l.t("self_motion_drift"),
                        teach.last_drift
                    ));
                }
            }
        });
    Ok(())
}

fn help_sheet(
    mut contexts: EguiContexts,
    mut ui_state: ResMut<UiState>,
    lang: Res<Lang>,
    registry: Res<LessonRegistry>,
) -> Result {
    let lessons = registry.lessons.len();
    if !ui_state.help {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let mut open = true;
    egui::Window::new(l.t("shortcuts"))
        .open(&mut open)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("keys").striped(true).show(ui, |ui| {
                for (keys, what) in help_rows(lessons) {
                    ui.monospace(keys);
                    ui.label(l.t(what));
                    ui.end_row();
                }
                ui.monospace(l.t("mouse_left"));
                ui.label(l.t("mouse_orbit"));
                ui.end_row();
                ui.monospace(l.t("mouse_right"));
                ui.label(l.t("mouse_pan"));
                ui.end_row();
                ui.monospace(l.t("mouse_wheel"));
                ui.label(l.t("mouse_zoom"));
                ui.end_row();
                ui.monospace(l.t("drop_file"));
                ui.label(l.t("drop_file_tip"));
                ui.end_row();
            });
        });
    if !open {
        ui_state.help = false;
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
    fn the_bar_wraps_only_when_its_one_row_is_wider_than_the_window() {
        let key: BarKey = (Some("gradients"), Lang::En, false, true);
        let mut fit = BarFit::default();
        // Never measured: one row, to measure it.
        assert!(fit.one_row(key, 1000.0));
        fit = BarFit {
            key: Some(key),
            width: 1100.0,
        };
        assert!(fit.one_row(key, 1248.0), "fits a 1280-point window");
        assert!(!fit.one_row(key, 992.0), "wraps in a 1024-point one");
        // Another lesson, the other language, presenter mode: measured again in one row.
        assert!(fit.one_row((Some("frames"), Lang::En, false, true), 992.0));
        assert!(fit.one_row((Some("gradients"), Lang::Zh, false, true), 992.0));
        assert!(fit.one_row((Some("gradients"), Lang::En, true, true), 992.0));
    }

    #[test]
    fn the_view_makes_room_for_the_lesson_panel() {
        assert_eq!(view_width(1920.0, Some(1400.0)), 1400.0);
        assert_eq!(view_width(1920.0, None), 1920.0);
        // Too narrow a view: keep it whole and let the panel float.
        assert_eq!(view_width(800.0, Some(300.0)), 800.0);
        assert_eq!(view_width(800.0, Some(340.0)), 340.0);
        assert_eq!(view_width(800.0, Some(900.0)), 800.0);
    }

    #[test]
    fn a_joint_is_near_its_limit_within_five_percent_of_its_range() {
        assert!(near_limit(-2.8, -2.9, 2.9));
        assert!(near_limit(2.62, -2.9, 2.9));
        assert!(!near_limit(2.6, -2.9, 2.9));
        assert!(!near_limit(0.0, -2.9, 2.9));
        assert!(near_limit(0.039, 0.0, 0.04), "a finger at its stop");
        assert_eq!(joint_unit(JointKind::Prismatic), "m");
        assert_eq!(joint_unit(JointKind::Revolute), "rad");
    }

    #[test]
    fn presenter_text_grows_with_the_projector() {
        assert_eq!(presenter_zoom(720.0), 1.25);
        assert!((presenter_zoom(1080.0) - 1.65).abs() < 1e-6);
        assert_eq!(presenter_zoom(400.0), 1.25);
        assert_eq!(presenter_zoom(4000.0), 2.4);
    }

    #[test]
    fn shortcuts_are_unique_and_described_in_both_languages() {
        let mut keys: Vec<_> = SHORTCUTS.iter().map(|s| s.0).collect();
        keys.sort_by_key(|k| format!("{k:?}"));
        keys.dedup();
        assert_eq!(keys.len(), SHORTCUTS.len());
        for &(_, _, _, key) in SHORTCUTS {
            for lang in [Lang::En, Lang::Zh] {
                assert!(i18n::lookup(lang, key).is_some(), "{key} in {lang:?}");
            }
        }
    }
}
