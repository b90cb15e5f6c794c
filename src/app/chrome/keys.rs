//! The keys: what each does (one table the F1 sheet and the README list), the digits that open
//! lessons, and the F1 sheet itself.

use crate::kit::LessonRegistry;
use crate::kit::StepCommand;
use crate::kit::commands::{Request, Shortcut, TimelineCmd};
use crate::kit::i18n::Lang;
use crate::kit::widgets::UiState;
use bevy::gizmos::transform_gizmo::{TransformGizmoMode, TransformGizmoSettings};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use bevy_panorbit_camera::PanOrbitCamera;

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

/// Keys: the camera, the handle and the steps here; everything else is an [`Request`].
pub(super) fn keyboard(
    keys: Res<ButtonInput<KeyCode>>,
    mut contexts: EguiContexts,
    mut ui: ResMut<UiState>,
    registry: Res<LessonRegistry>,
    mut cameras: Query<&mut PanOrbitCamera>,
    mut handle: ResMut<TransformGizmoSettings>,
    (mut steps, mut actions): (MessageWriter<StepCommand>, MessageWriter<Request>),
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
                actions.write(Request::Timeline(TimelineCmd::Seconds(s)));
            }
            Shortcut::NextStep => {
                steps.write(StepCommand::Next);
            }
            Shortcut::PreviousStep => {
                steps.write(StepCommand::Previous);
            }
            Shortcut::CameraHome => {
                for mut cam in &mut cameras {
                    crate::app::scene::home(&mut cam);
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

pub(super) fn help_sheet(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::i18n;

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
