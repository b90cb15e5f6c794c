//! The lessons. Each lives in its own folder as one plugin that owns its panel, overlays,
//! state and guided steps, and runs only while it is the active lesson. A lesson is declared
//! once, in [`ALL`]: adding one is a new folder plus one line there.

pub mod actions;
pub mod course;
pub mod dynamics;
pub mod frames;
pub mod generative;
pub mod gradients;
pub mod jacobian;
pub mod losses;
pub mod rotations;
pub mod shared;

#[cfg(test)]
mod guided_tests;
#[cfg(test)]
mod markup_tests;
#[cfg(test)]
pub(crate) mod physics_app;
#[cfg(test)]
pub(crate) mod test_support;

pub use crate::kit::{
    ActiveLesson, LessonInfo, LessonParams, LessonRegistry, LessonSettings, ShowEverything,
    lesson_is, lesson_panel_shown, param_choice, param_flag, param_name, sync_params, write_flag,
};

use bevy::prelude::*;

/// Every lesson, in picker order (the digit keys 1, 2, … follow it).
pub const ALL: &[LessonInfo] = &[
    frames::LESSON,
    jacobian::LESSON,
    rotations::LESSON,
    generative::LESSON,
    actions::LESSON,
    gradients::LESSON,
    losses::LESSON,
    dynamics::LESSON,
];

/// The glossary and the links between the lessons' steps.
pub const COURSE: crate::kit::course::Course = crate::kit::course::Course {
    terms: course::GLOSSARY,
    needs: course::NEEDS,
};

/// The lesson names the command line and links accept, in picker order.
pub fn ids() -> Vec<&'static str> {
    ALL.iter().map(|l| l.id).collect()
}

/// The lesson called `name`.
pub fn find(name: &str) -> Option<&'static LessonInfo> {
    ALL.iter().find(|l| l.id == name)
}

pub struct LessonsPlugin {
    /// The lesson to open first (default: the first one).
    pub start: Option<String>,
}

impl Plugin for LessonsPlugin {
    fn build(&self, app: &mut App) {
        let start = match &self.start {
            Some(name) => Some(name.as_str()),
            None => ALL.first().map(|l| l.id),
        };
        crate::kit::register_lessons(app, ALL, start);
        app.insert_resource(COURSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_registers_once_under_its_command_line_name() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins);
        app.add_plugins(LessonsPlugin { start: None });
        let registry = app.world().resource::<LessonRegistry>();
        let registered: Vec<_> = registry.lessons.iter().map(|l| l.id).collect();
        assert_eq!(registered, ids());
        assert_eq!(
            app.world().resource::<State<ActiveLesson>>().0,
            Some(ALL[0].id)
        );
    }

    /// Sentences in an English text: a full stop, question or exclamation mark before a
    /// space or the end.
    fn sentences(text: &str) -> usize {
        let b = text.as_bytes();
        (0..b.len())
            .filter(|&i| {
                matches!(b[i], b'.' | b'!' | b'?') && (i + 1 == b.len() || b[i + 1] == b' ')
            })
            .count()
    }

    #[test]
    fn every_lesson_is_a_guided_sequence_in_both_languages() {
        let mut all_text = String::new();
        for lesson in ALL {
            assert!(
                lesson.steps.len() >= 6,
                "{}: {} steps",
                lesson.id,
                lesson.steps.len()
            );
            for (i, step) in lesson.steps.iter().enumerate() {
                let at = format!("{} step {}", lesson.id, i + 1);
                for text in [step.title, step.body, step.try_this] {
                    assert!(
                        !text.en.trim().is_empty() && !text.zh.trim().is_empty(),
                        "{at}"
                    );
                    assert_ne!(text.en, text.zh, "{at}: not translated");
                    all_text.push_str(text.en);
                    all_text.push_str(text.zh);
                }
                assert!(!step.formula.trim().is_empty(), "{at}: no formula");
                assert!(!step.formula.contains('\n'), "{at}: a formula is one line");
                all_text.push_str(step.formula);
                let n = sentences(step.body.en);
                assert!((2..=4).contains(&n), "{at}: {n} sentences");
                let words = step.body.en.split_whitespace().count();
                assert!(words <= 65, "{at}: {words} words");
                assert!(step.shot.distance > 0.2 && step.shot.distance < 4.0, "{at}");
            }
            let titles: std::collections::BTreeSet<_> =
                lesson.steps.iter().map(|s| s.title.en).collect();
            assert_eq!(
                titles.len(),
                lesson.steps.len(),
                "{}: a title twice",
                lesson.id
            );
        }
        let missing = crate::kit::i18n::missing_glyphs(&all_text);
        assert!(
            missing.is_empty(),
            "no glyph for {missing:?}: run `python3 assets/fonts/subset.py`"
        );
    }

    /// Each lesson's strings: keys unique across the app's table and every lesson's, both
    /// languages filled, every key a lesson's code names found in its own table or the app's,
    /// and a glyph for every character.
    #[test]
    fn every_lesson_brings_its_own_strings() {
        use crate::kit::i18n::{TABLE, keys_used_in, missing_glyphs};
        let mut seen: std::collections::BTreeMap<&str, &str> =
            TABLE.iter().map(|r| (r.0, "the app")).collect();
        let mut text = String::new();
        for lesson in ALL {
            for &(k, en, zh) in lesson.strings {
                if let Some(other) = seen.insert(k, lesson.id) {
                    panic!("{k} is in {} and {other}", lesson.id);
                }
                assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{k}");
                text.push_str(en);
                text.push_str(zh);
            }
            let own = |key: &str| TABLE.iter().chain(lesson.strings).any(|r| r.0 == key);
            let dir = format!("src/lessons/{}", lesson.id);
            let missing: Vec<_> = keys_used_in(&[dir.as_str()])
                .into_iter()
                .filter(|(_, key)| !own(key))
                .collect();
            assert!(missing.is_empty(), "{}: {missing:?}", lesson.id);
            assert!(own(lesson.title), "{}: no title", lesson.id);
        }
        let missing = missing_glyphs(&text);
        assert!(
            missing.is_empty(),
            "no glyph for {missing:?}: run `python3 assets/fonts/subset.py`"
        );
    }

    /// The command line's help names every lesson (made from the declaration).
    #[test]
    fn the_lesson_option_names_every_lesson() {
        let mut cmd = crate::cli::command(&ids());
        let help = cmd.render_long_help().to_string();
        for id in ids() {
            assert!(help.contains(id), "--lesson help lacks {id}");
        }
    }

    #[derive(Component)]
    struct ExtraThing;

    /// Opening and closing a lesson are state transitions: what it spawns on entering with
    /// `DespawnOnExit` is gone when another lesson opens.
    #[test]
    fn a_lesson_cleans_up_after_itself() {
        let extra = LessonInfo {
            id: "extra",
            title: "lesson_extra",
            steps: EXTRA_STEPS,
            strings: &[],
            plugin: |app| {
                app.add_systems(
                    OnEnter(crate::kit::lesson_state("extra")),
                    |mut commands: Commands| {
                        commands
                            .spawn((ExtraThing, DespawnOnExit(crate::kit::lesson_state("extra"))));
                    },
                );
            },
        };
        let mut app = App::new();
        app.add_plugins(MinimalPlugins);
        crate::kit::register_lessons(&mut app, &[extra], Some("extra"));
        app.update();
        let count = |app: &mut App| {
            let mut q = app.world_mut().query::<&ExtraThing>();
            q.iter(app.world()).count()
        };
        assert_eq!(count(&mut app), 1);
        app.world_mut()
            .resource_mut::<NextState<ActiveLesson>>()
            .set(ActiveLesson(None));
        app.update();
        assert_eq!(count(&mut app), 0);
        // Open again: entered again.
        app.world_mut()
            .resource_mut::<NextState<ActiveLesson>>()
            .set(ActiveLesson(Some("extra")));
        app.update();
        assert_eq!(count(&mut app), 1);
    }

    #[derive(Resource)]
    struct ExtraRan;

    const EXTRA_STEPS: &[crate::kit::Step] = &[crate::kit::Step {
        title: crate::kit::tr("An extra step", "额外的一步"),
        body: crate::kit::tr("One. Two.", "一。二。"),
        formula: "1 + 1 = 2",
        try_this: crate::kit::tr("Look.", "看。"),
        shot: crate::kit::Shot::HOME,
        params: &[],
        sim: crate::kit::SimSetup::NONE,
    }];

    /// A lesson declared once is in the picker (the registry), the digit keys, the help
    /// sheet, the address round trip and the step navigation, and its plugin runs.
    #[test]
    fn a_new_lesson_is_one_declaration() {
        use crate::app::chrome::{help_rows, shortcut_for};
        use crate::kit::commands::Shortcut;
        let extra = LessonInfo {
            id: "extra",
            title: "lesson_extra",
            steps: EXTRA_STEPS,
            strings: &[("lesson_extra", "An extra lesson", "额外的一课")],
            plugin: |app| {
                app.insert_resource(ExtraRan);
            },
        };
        let lessons: Vec<LessonInfo> = ALL.iter().copied().chain([extra]).collect();
        let mut app = App::new();
        // Only the declaration is under test: the lessons' systems, which need a robot, skip.
        app.set_error_handler(bevy::ecs::error::ignore);
        app.add_plugins(MinimalPlugins);
        crate::kit::register_lessons(&mut app, &lessons, Some("extra"));
        app.update();
        assert!(app.world().contains_resource::<ExtraRan>());
        assert_eq!(
            app.world().resource::<State<ActiveLesson>>().0,
            Some("extra")
        );
        let registry = app.world().resource::<LessonRegistry>();
        let n = registry.lessons.len();
        assert_eq!(n, ALL.len() + 1);
        assert_eq!(registry.lessons[n - 1].id, "extra");
        assert_eq!(registry.steps(Some("extra")).len(), 1);
        // Its strings joined the table: the picker shows its title.
        let title = registry.lessons[n - 1].title;
        assert_eq!(crate::kit::i18n::Lang::Zh.t(title), "额外的一课");
        let key = crate::app::chrome::LESSON_KEYS[n - 1];
        assert_eq!(shortcut_for(key, n), Some(Shortcut::Lesson(n - 1)));
        assert_eq!(
            shortcut_for(key, n - 1),
            None,
            "no key for a lesson that is not there"
        );
        assert!(
            help_rows(n).contains(&(format!("1–{n}"), "key_lesson")),
            "{:?}",
            help_rows(n)
        );
        let scene = crate::app::address::Scene {
            lesson: Some("extra".into()),
            step: Some(0),
            ..Default::default()
        };
        let args = crate::app::address::args(&crate::app::address::pairs(&scene));
        assert_eq!(args.lesson.as_deref(), Some("extra"));
        assert_eq!(args.step, Some(1));
        let mut steps = crate::kit::StepState::default();
        assert!(steps.update(Some("extra"), 1, [crate::kit::StepCommand::Next]));
        assert_eq!(steps.current, Some(0));
    }
}
