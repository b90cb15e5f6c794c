//! The course's windows and links: the glossary (each term's definition, formula and picture,
//! the step that teaches it and the steps that use it), the course map (the lessons in order,
//! what each needs and teaches), and the step card's "you will need" and term links.

use crate::kit::commands::Request;
use crate::kit::course::{Course, CourseCommand, CourseView, Picture, Term, link_text};
use crate::kit::i18n::Lang;
use crate::kit::typeset::{self, Formula};
use crate::kit::widgets::{UiState, note, typeset_job};
use crate::kit::{ActiveLesson, ArmSet, LessonRegistry, Step, StepCommand};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

pub struct CoursePlugin;

/// A step to open once its lesson is on screen (a link into another lesson).
#[derive(Resource, Default, Debug, Clone, Copy, PartialEq, Eq)]
struct PendingStep(Option<(&'static str, usize)>);

impl Plugin for CoursePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Course>()
            .init_resource::<CourseView>()
            .init_resource::<PendingStep>()
            .add_message::<CourseCommand>()
            .add_systems(
                Update,
                (follow_course_commands, open_pending_step)
                    .chain()
                    .before(ArmSet::Actions),
            );
    }
}

/// The windows, drawn with the rest of the chrome (see `ui.rs`).
pub fn course_windows(
    mut contexts: EguiContexts,
    course: Res<Course>,
    mut view: ResMut<CourseView>,
    registry: Res<LessonRegistry>,
    lang: Res<Lang>,
    ui_state: Res<UiState>,
    mut commands: MessageWriter<CourseCommand>,
) -> Result {
    if ui_state.hide_panels || !(view.glossary || view.map) {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    if view.glossary {
        let mut open = true;
        egui::Window::new(l.t("glossary"))
            .id(egui::Id::new("glossary"))
            .open(&mut open)
            .default_size([620.0, 440.0])
            .default_pos([120.0, 60.0])
            .show(ctx, |ui| {
                glossary(ui, &course, &mut view, &registry, l, &mut commands)
            });
        view.glossary &= open;
    }
    if view.map {
        let mut open = true;
        egui::Window::new(l.t("course_map"))
            .id(egui::Id::new("course_map"))
            .open(&mut open)
            .default_size([640.0, 460.0])
            .default_pos([100.0, 40.0])
            .show(ctx, |ui| {
                course_map(ui, &course, &registry, l, &mut commands)
            });
        view.map &= open;
    }
    Ok(())
}

/// A lesson's number in the course (1-based) and its title key.
fn lesson_number(registry: &LessonRegistry, id: &str) -> Option<usize> {
    registry
        .lessons
        .iter()
        .position(|l| l.id == id)
        .map(|i| i + 1)
}

fn term_button(ui: &mut egui::Ui, text: &str, term: &Term, l: Lang) -> egui::Response {
    let job = typeset::inline_job(
        text,
        egui::TextStyle::Button.resolve(ui.style()),
        egui::Color32::from_rgb(170, 220, 255),
    );
    let hover = typeset_job(ui, term.definition.get(l), egui::TextStyle::Body);
    ui.add(egui::Button::new(job).small().frame(false))
        .on_hover_text(hover)
}

fn glossary(
    ui: &mut egui::Ui,
    course: &Course,
    view: &mut CourseView,
    registry: &LessonRegistry,
    l: Lang,
    commands: &mut MessageWriter<CourseCommand>,
) {
    ui.horizontal(|ui| {
        ui.label(l.t("glossary_filter"));
        ui.text_edit_singleline(&mut view.filter);
    });
    ui.separator();
    let filter = view.filter.trim().to_lowercase();
    let shown: Vec<&'static Term> = course
        .terms
        .iter()
        .filter(|t| {
            filter.is_empty()
                || [t.name.en, t.name.zh, t.definition.en, t.definition.zh]
                    .iter()
                    .any(|s| s.to_lowercase().contains(&filter))
        })
        .collect();
    if view.term.is_none_or(|id| !shown.iter().any(|t| t.id == id)) {
        view.term = shown.first().map(|t| t.id);
    }
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.set_width(190.0);
            egui::ScrollArea::vertical()
                .id_salt("glossary_terms")
                .max_height(380.0)
                .show(ui, |ui| {
                    for t in &shown {
                        let job = typeset_job(ui, t.name.get(l), egui::TextStyle::Body);
                        if ui.selectable_label(view.term == Some(t.id), job).clicked() {
                            view.term = Some(t.id);
                        }
                    }
                    if shown.is_empty() {
                        ui.weak(l.t("glossary_none"));
                    }
                });
        });
        ui.separator();
        let Some(term) = view.term.and_then(|id| course.term(id)) else {
            return;
        };
        ui.vertical(|ui| {
            egui::ScrollArea::vertical()
                .id_salt("glossary_entry")
                .max_height(380.0)
                .show(ui, |ui| {
                    entry(ui, course, term, registry, l, commands);
                });
        });
    });
}

/// One term: its name, definition, formula, picture, and where it is taught and used.
fn entry(
    ui: &mut egui::Ui,
    course: &Course,
    term: &'static Term,
    registry: &LessonRegistry,
    l: Lang,
    commands: &mut MessageWriter<CourseCommand>,
) {
    let heading = typeset::inline_job(
        term.name.get(l),
        egui::TextStyle::Heading.resolve(ui.style()),
        egui::Color32::WHITE,
    );
    ui.label(heading);
    note(ui, term.definition.get(l));
    if !term.formula.is_empty() {
        ui.add_space(6.0);
        let mut f = Formula::new(term.formula, 18.0, egui::Color32::from_rgb(255, 230, 150));
        f.min_size = 11.0;
        f.show(ui);
    }
    if let Some(picture) = term.picture {
        ui.add_space(6.0);
        draw_picture(ui, picture, l);
    }
    ui.add_space(6.0);
    if let Some((lesson, step)) = term.taught
        && let Some(info) = registry.get(lesson)
        && let Some(s) = info.steps.get(step)
    {
        ui.horizontal_wrapped(|ui| {
            ui.label(l.t("taught_in"));
            let n = lesson_number(registry, lesson).unwrap_or(0);
            let text = format!("{n}.{} {}", step + 1, s.title.get(l));
            if ui
                .link(typeset::plain(&text))
                .on_hover_text(l.t(info.title))
                .clicked()
            {
                commands.write(CourseCommand::Open(lesson, step));
            }
        });
    }
    let used: Vec<(&'static str, usize, &Step)> = registry
        .lessons
        .iter()
        .flat_map(|info| {
            info.steps
                .iter()
                .enumerate()
                .filter(|(_, s)| course.terms_in(s).iter().any(|t| t.id == term.id))
                .map(move |(i, s)| (info.id, i, s))
        })
        .filter(|&(lesson, i, _)| term.taught != Some((lesson, i)))
        .collect();
    if !used.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(l.t("used_in"));
            for (lesson, i, s) in used {
                let n = lesson_number(registry, lesson).unwrap_or(0);
                if ui
                    .small_button(format!("{n}.{}", i + 1))
                    .on_hover_text(typeset::plain(s.title.get(l)))
                    .clicked()
                {
                    commands.write(CourseCommand::Open(lesson, i));
                }
            }
        });
    }
}

/// The lessons in order: what each needs from elsewhere and what it teaches.
fn course_map(
    ui: &mut egui::Ui,
    course: &Course,
    registry: &LessonRegistry,
    l: Lang,
    commands: &mut MessageWriter<CourseCommand>,
) {
    note(ui, l.t("course_map_intro"));
    ui.separator();
    let number = |id: &str| lesson_number(registry, id);
    egui::ScrollArea::vertical()
        .id_salt("course_map_list")
        .max_height(420.0)
        .show(ui, |ui| {
            for (k, info) in registry.lessons.iter().enumerate() {
                ui.horizontal(|ui| {
                    let title = format!("{}. {}", k + 1, l.t(info.title));
                    if ui
                        .button(egui::RichText::new(title).strong())
                        .on_hover_text(l.t("course_map_open"))
                        .clicked()
                    {
                        commands.write(CourseCommand::Open(info.id, 0));
                    }
                    ui.weak(format!("{} {}", info.steps.len(), l.t("course_map_steps")));
                });
                ui.indent(info.id, |ui| {
                    let needs = course.needed_by(info.id);
                    ui.horizontal_wrapped(|ui| {
                        ui.label(l.t("needs"));
                        if needs.is_empty() {
                            ui.weak("—");
                        }
                        for t in needs {
                            let later = t
                                .taught
                                .and_then(|(lesson, _)| number(lesson))
                                .is_some_and(|n| n > k + 1);
                            let mut text = link_text(t, l, number);
                            if later {
                                text.push_str(" ↷");
                            }
                            let r = term_button(ui, &typeset::verbatim(&text), t, l);
                            if r.clicked() {
                                commands.write(CourseCommand::Glossary(Some(t.id)));
                            }
                        }
                    });
                    ui.horizontal_wrapped(|ui| {
                        ui.label(l.t("teaches"));
                        for t in course.taught_by(info.id) {
                            if term_button(ui, t.name.get(l), t, l).clicked() {
                                commands.write(CourseCommand::Glossary(Some(t.id)));
                            }
                        }
                    });
                });
                ui.add_space(4.0);
            }
        });
    ui.separator();
    ui.weak(l.t("course_map_later"));
}

/// The step card's links: the terms a step needs from elsewhere (opening the step that
/// teaches each), then the terms it uses (opening the glossary there).
pub fn step_links(
    ui: &mut egui::Ui,
    course: &Course,
    registry: &LessonRegistry,
    (lesson, index, step): (&'static str, usize, &Step),
    l: Lang,
    commands: &mut MessageWriter<CourseCommand>,
) {
    let number = |id: &str| lesson_number(registry, id);
    let needs = course.needs_of(lesson, index);
    if !needs.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(l.t("you_will_need")).weak());
            for t in &needs {
                let text = typeset::verbatim(&link_text(t, l, number));
                if term_button(ui, &text, t, l).clicked() {
                    commands.write(match t.taught {
                        Some((lesson, step)) => CourseCommand::Open(lesson, step),
                        None => CourseCommand::Glossary(Some(t.id)),
                    });
                }
            }
        });
    }
    let terms: Vec<_> = course
        .terms_in(step)
        .into_iter()
        .filter(|t| !needs.iter().any(|n| n.id == t.id))
        .collect();
    if !terms.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(l.t("terms_here")).weak());
            for t in terms {
                if term_button(ui, t.name.get(l), t, l).clicked() {
                    commands.write(CourseCommand::Glossary(Some(t.id)));
                }
            }
        });
    }
}

fn follow_course_commands(
    mut commands: MessageReader<CourseCommand>,
    mut view: ResMut<CourseView>,
    mut pending: ResMut<PendingStep>,
    active: Res<State<ActiveLesson>>,
    mut actions: MessageWriter<Request>,
    mut steps: MessageWriter<StepCommand>,
) {
    for command in commands.read() {
        match *command {
            CourseCommand::Glossary(term) => {
                view.glossary = true;
                if term.is_some() {
                    view.term = term;
                    view.filter.clear();
                }
            }
            CourseCommand::Map => view.map = !view.map,
            CourseCommand::Open(lesson, step) => {
                if active.0 == Some(lesson) {
                    steps.write(StepCommand::Go(step));
                } else {
                    actions.write(Request::Lesson(Some(lesson)));
                    pending.0 = Some((lesson, step));
                }
            }
        }
    }
}

/// Enters the step a link asked for once its lesson has opened (a state change takes a frame).
fn open_pending_step(
    mut pending: ResMut<PendingStep>,
    active: Res<State<ActiveLesson>>,
    mut steps: MessageWriter<StepCommand>,
) {
    if let Some((lesson, step)) = pending.0
        && active.0 == Some(lesson)
    {
        steps.write(StepCommand::Go(step));
        pending.0 = None;
    }
}

/// The small drawings that go with some definitions.
fn draw_picture(ui: &mut egui::Ui, picture: Picture, l: Lang) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(300.0, 160.0), egui::Sense::hover());
    let p = ui.painter_at(rect);
    p.rect_filled(rect, 4.0, egui::Color32::from_gray(28));
    let arrow = |from: egui::Pos2, to: egui::Pos2, color: egui::Color32, name: &str| {
        p.arrow(from, to - from, egui::Stroke::new(2.5, color));
        let job = typeset::inline_job(name, egui::FontId::proportional(14.0), color);
        let g = p.layout_job(job);
        p.galley(to + egui::vec2(6.0, -6.0), g, color);
    };
    match picture {
        Picture::Cross => {
            // ω up, v to the right and a little forward: ω × v points out of the page, drawn
            // in oblique projection; its length is |ω||v| sin of the angle between them.
            let o = rect.left_bottom() + egui::vec2(120.0, -60.0);
            let (w, v) = (egui::vec2(0.0, -75.0), egui::vec2(90.0, 0.0));
            let out = egui::vec2(-60.0, 42.0);
            arrow(o, o + w, egui::Color32::from_rgb(255, 210, 90), "ω");
            arrow(o, o + v, egui::Color32::from_rgb(120, 200, 255), "v");
            arrow(
                o,
                o + out,
                egui::Color32::from_rgb(240, 110, 200),
                "ω^ v = ω × v",
            );
            p.text(
                rect.right_top() + egui::vec2(-8.0, 8.0),
                egui::Align2::RIGHT_TOP,
                l.t("picture_cross"),
                egui::FontId::proportional(12.0),
                egui::Color32::GRAY,
            );
        }
        Picture::PointAndDirection => {
            // T = translation by p: the point (w = 1) moves, the direction (w = 0) does not.
            let shift = egui::vec2(120.0, -30.0);
            let x = rect.left_bottom() + egui::vec2(40.0, -40.0);
            let gray = egui::Color32::from_gray(140);
            p.circle_filled(x, 5.0, gray);
            p.circle_filled(x + shift, 5.0, egui::Color32::from_rgb(255, 210, 90));
            p.arrow(x, shift, egui::Stroke::new(1.0, gray));
            p.text(
                x + shift + egui::vec2(8.0, -2.0),
                egui::Align2::LEFT_CENTER,
                l.t("picture_point"),
                egui::FontId::proportional(13.0),
                egui::Color32::from_rgb(255, 210, 90),
            );
            let d0 = rect.left_top() + egui::vec2(40.0, 30.0);
            arrow(d0, d0 + egui::vec2(60.0, 0.0), gray, "");
            arrow(
                d0 + egui::vec2(120.0, 0.0),
                d0 + egui::vec2(180.0, 0.0),
                egui::Color32::from_rgb(120, 200, 255),
                "",
            );
            p.text(
                d0 + egui::vec2(190.0, 0.0),
                egui::Align2::LEFT_CENTER,
                l.t("picture_direction"),
                egui::FontId::proportional(13.0),
                egui::Color32::from_rgb(120, 200, 255),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::course;

    /// The course's systems with the lessons declared (not their plugins) and frames open.
    fn app() -> App {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, bevy::state::app::StatesPlugin))
            .add_message::<Request>()
            .add_message::<StepCommand>()
            .insert_resource(LessonRegistry {
                lessons: crate::lessons::ALL.to_vec(),
            })
            .insert_state(ActiveLesson(Some("frames")))
            .add_plugins(CoursePlugin)
            .insert_resource(crate::lessons::COURSE);
        // Stands in for the actions plugin: a lesson link opens the lesson.
        app.add_systems(
            Update,
            (|mut actions: MessageReader<Request>, mut next: ResMut<NextState<ActiveLesson>>| {
                for a in actions.read() {
                    if let Request::Lesson(l) = a {
                        next.set(ActiveLesson(*l));
                    }
                }
            })
            .in_set(ArmSet::Actions),
        );
        app.update();
        app
    }

    fn step_commands(app: &mut App) -> Vec<StepCommand> {
        let messages = app.world().resource::<Messages<StepCommand>>();
        let mut cursor = messages.get_cursor();
        cursor.read(messages).copied().collect()
    }

    /// A "you will need" link opens the lesson that teaches the term, then its step.
    #[test]
    fn a_link_opens_the_teaching_step_in_its_lesson() {
        let mut app = app();
        assert_eq!(
            app.world().resource::<State<ActiveLesson>>().0,
            Some("frames")
        );
        let c = *app.world().resource::<Course>();
        let exp = c.term("exp_map").expect("term");
        let (lesson, step) = exp.taught.expect("taught");
        app.world_mut()
            .write_message(CourseCommand::Open(lesson, step));
        let mut went = Vec::new();
        for _ in 0..4 {
            app.update();
            went.extend(step_commands(&mut app));
        }
        assert_eq!(
            app.world().resource::<State<ActiveLesson>>().0,
            Some(lesson)
        );
        assert!(went.contains(&StepCommand::Go(step)), "{went:?}");
        assert_eq!(app.world().resource::<PendingStep>().0, None);
    }

    #[test]
    fn the_glossary_opens_at_a_term_and_the_map_toggles() {
        let mut app = app();
        app.world_mut()
            .write_message(CourseCommand::Glossary(Some("skew")));
        app.update();
        let v = app.world().resource::<CourseView>().clone();
        assert!(v.glossary && v.term == Some("skew") && !v.map);
        app.world_mut().write_message(CourseCommand::Map);
        app.update();
        assert!(app.world().resource::<CourseView>().map);
        app.world_mut().write_message(CourseCommand::Map);
        app.update();
        assert!(!app.world().resource::<CourseView>().map);
    }

    /// Every step's needs link to a step that exists, in the lesson list the app shows.
    #[test]
    fn every_need_resolves_to_a_step_on_screen() {
        let app = app();
        let c = *app.world().resource::<Course>();
        let registry = app.world().resource::<LessonRegistry>();
        assert_eq!(c.needs.len(), course::NEEDS.len());
        for n in c.needs {
            let t = c.term(n.term).expect("term");
            let (lesson, step) = t.taught.expect("taught");
            assert!(registry.get(lesson).is_some_and(|i| step < i.steps.len()));
        }
    }
}
