//! The transport bar along the bottom: the scrub bar, play / pause / step / reset, speed,
//! seed, action space, simulate or teach, the lesson picker, language, presenter mode, the
//! glossary and course map, help, opening a URDF; and the status line under it.

use super::layout::{BAR_MARGIN, BarHeight};
use crate::app::clip::Clip;
use crate::app::scrub::scrub_row;
use crate::app::timeline::Pinned;
use crate::kit::commands::{Request, Shortcut};
use crate::kit::i18n::{self, Lang};
use crate::kit::robot::Notice;
use crate::kit::sim::{DriveMode, SPEEDS, Sim};
use crate::kit::widgets::UiState;
use crate::kit::{ActiveLesson, LessonRegistry};
use crate::sim::task::ActionMode;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

/// The bar's controls in one row: how wide they were, and for what (lesson, language,
/// presenter mode, whether the physics runs).
#[derive(Default)]
pub(super) struct BarFit {
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

/// The width of the closed lesson box in the bar (points).
const LESSON_BOX_WIDTH: f32 = 230.0;

/// What the bar reads.
#[derive(SystemParam)]
pub(super) struct BarInputs<'w> {
    ui_state: Res<'w, UiState>,
    sim: Res<'w, Sim>,
    lang: Res<'w, Lang>,
    lesson: Res<'w, State<ActiveLesson>>,
    registry: Res<'w, LessonRegistry>,
    mode: Res<'w, State<DriveMode>>,
    notice: Res<'w, Notice>,
    time: Res<'w, Time>,
    pinned: Res<'w, Pinned>,
}

/// The row of controls along the bottom. Its buttons send [`Request`]s, like the keys.
pub(super) fn transport_bar(
    mut contexts: EguiContexts,
    bar_in: BarInputs,
    mut clip: Option<ResMut<Clip>>,
    mut actions: MessageWriter<Request>,
    mut fit: Local<BarFit>,
    mut bar: ResMut<BarHeight>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let b = &bar_in;
    let (l, sim, presenter) = (*b.lang, &*b.sim, b.ui_state.presenter);
    let mut pressed = None;
    // The room for the row: the window less the margins either side and the bar's own frame.
    let room = ctx.content_rect().width() - 4.0 * BAR_MARGIN;
    let key = (b.lesson.0, l, presenter, sim.available());
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
                scrub_row(ui, l, sim, &b.pinned, clip.as_deref_mut(), &mut actions);
            }
            let row = |ui: &mut egui::Ui| {
                let teach = *b.mode.get() == DriveMode::Teach;
                if sim.available() {
                    physics_controls(ui, b, teach, &mut pressed, &mut actions);
                } else {
                    ui.label(l.t("teach_only"));
                }
                ui.separator();
                lesson_box(ui, b, &mut actions);
                ui.separator();
                chrome_buttons(ui, l, presenter, &mut pressed);
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
                status_line(ui, l, sim, &b.notice, b.time.elapsed_secs_f64());
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

/// A button that sends `shortcut` when clicked (`enabled` false: greyed out).
fn shortcut_button(
    ui: &mut egui::Ui,
    enabled: bool,
    button: impl egui::Widget,
    tip: &str,
    shortcut: Shortcut,
    pressed: &mut Option<Shortcut>,
) {
    if ui.add_enabled(enabled, button).on_hover_text(tip).clicked() {
        *pressed = Some(shortcut);
    }
}

/// Play / pause, step, reset; speed, seed and action space (not in presenter mode); simulate
/// or teach.
fn physics_controls(
    ui: &mut egui::Ui,
    b: &BarInputs,
    teach: bool,
    pressed: &mut Option<Shortcut>,
    actions: &mut MessageWriter<Request>,
) {
    let (l, sim) = (*b.lang, &*b.sim);
    let (play, tip) = if sim.playing {
        ("⏸", l.t("pause"))
    } else {
        ("⏵", l.t("play"))
    };
    let buttons = [
        (play, tip, Shortcut::PlayPause),
        ("⏭", l.t("step"), Shortcut::Step),
        ("⟲", l.t("reset"), Shortcut::Reset),
    ];
    for (text, tip, shortcut) in buttons {
        shortcut_button(ui, !teach, egui::Button::new(text), tip, shortcut, pressed);
    }
    if !b.ui_state.presenter {
        ui.separator();
        run_settings(ui, l, sim, actions);
    } else {
        ui.label(format!("{}×", sim.speed));
    }
    ui.separator();
    let mut m = *b.mode.get();
    ui.selectable_value(&mut m, DriveMode::Simulate, l.t("simulate"));
    ui.selectable_value(&mut m, DriveMode::Teach, l.t("teach"));
    if m != *b.mode.get() {
        actions.write(Request::Drive(m));
    }
}

/// Speed, seed and action space.
fn run_settings(ui: &mut egui::Ui, l: Lang, sim: &Sim, actions: &mut MessageWriter<Request>) {
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
}

/// The lesson picker.
fn lesson_box(ui: &mut egui::Ui, b: &BarInputs, actions: &mut MessageWriter<Request>) {
    let (l, lesson, registry) = (*b.lang, b.lesson.0, &*b.registry);
    let current = lesson
        .and_then(|id| registry.get(id))
        .map_or(l.t("no_lesson"), |info| l.t(info.title));
    let mut pick = lesson;
    // The longest titles would widen the whole bar past a 1280-pixel screen: the closed box
    // is cut to a fixed width (the open list and the tooltip say it all). (A combo box's
    // width is its least; the text is cut at the room it is given.)
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
    if pick != lesson {
        actions.write(Request::Lesson(pick));
    }
}

/// Language, presenter mode, glossary, course map, help, copy link (browser), open a URDF.
fn chrome_buttons(ui: &mut egui::Ui, l: Lang, presenter: bool, pressed: &mut Option<Shortcut>) {
    let language = egui::Button::new(l.other().name());
    shortcut_button(
        ui,
        true,
        language,
        l.t("switch_language"),
        Shortcut::Language,
        pressed,
    );
    let screen = egui::Button::selectable(presenter, "🖵");
    shortcut_button(
        ui,
        true,
        screen,
        l.t("presenter"),
        Shortcut::Presenter,
        pressed,
    );
    let glossary = egui::Button::new(l.t("glossary"));
    shortcut_button(
        ui,
        true,
        glossary,
        l.t("key_glossary"),
        Shortcut::Glossary,
        pressed,
    );
    let map = egui::Button::new(l.t("course_map"));
    shortcut_button(
        ui,
        true,
        map,
        l.t("key_course_map"),
        Shortcut::CourseMap,
        pressed,
    );
    shortcut_button(
        ui,
        true,
        egui::Button::new("?"),
        l.t("key_help"),
        Shortcut::Help,
        pressed,
    );
    // In the browser: the page's address names this scene; copy it to share.
    #[cfg(target_arch = "wasm32")]
    if ui.button(l.t("copy_link")).clicked() {
        crate::app::web::copy_link();
    }
    // The system's dialog on the desktop; in the browser (no paths) the page's picker, for
    // the URDF and its meshes together.
    let open = egui::Button::new(l.t("open_urdf"));
    shortcut_button(
        ui,
        true,
        open,
        l.t("open_urdf_tip"),
        Shortcut::OpenUrdf,
        pressed,
    );
}

/// The colour of notices and load warnings below and over the view.
pub(super) const NOTICE_AMBER: egui::Color32 = egui::Color32::from_rgb(255, 200, 90);

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
}
