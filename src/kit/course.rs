//! The course around the lessons: a glossary of the terms the steps use, where each term is
//! taught, and what a step needs from another (its "you will need" links). The content is
//! declared with the lessons; the app draws the glossary, the course map and the links.

use crate::kit::i18n::Lang;
use crate::kit::steps::{Step, Text};
use bevy::prelude::*;

/// A small drawing that goes with a definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picture {
    /// ω, v and ω × v = ω^ v: the skew matrix as a cross product.
    Cross,
    /// A point (w = 1) moved by a translation, a direction (w = 0) not.
    PointAndDirection,
}

/// A term of the glossary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    /// Stable name, for links and tests.
    pub id: &'static str,
    pub name: Text,
    /// Two to four sentences (typeset).
    pub definition: Text,
    /// A display formula (typeset), or "".
    pub formula: &'static str,
    /// The lesson and step (0-based) that teach it, if one does.
    pub taught: Option<(&'static str, usize)>,
    /// How a step's text shows the term: exact substrings, in either language.
    pub spotted_by: &'static [&'static str],
    pub picture: Option<Picture>,
}

impl Term {
    /// Whether `text` uses the term.
    pub fn spotted_in(&self, text: &str) -> bool {
        self.spotted_by.iter().any(|p| text.contains(p))
    }
}

/// A step that relies on a term taught elsewhere: its card links to the step that teaches it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    pub lesson: &'static str,
    /// 0-based.
    pub step: usize,
    /// A [`Term::id`].
    pub term: &'static str,
}

/// The glossary and the links between steps, as the lessons declare them.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Course {
    pub terms: &'static [Term],
    pub needs: &'static [Need],
}

impl Course {
    pub fn term(&self, id: &str) -> Option<&'static Term> {
        self.terms.iter().find(|t| t.id == id)
    }

    /// The terms a step uses (in either language), in glossary order.
    pub fn terms_in(&self, step: &Step) -> Vec<&'static Term> {
        let texts = [
            step.title.en,
            step.title.zh,
            step.body.en,
            step.body.zh,
            step.formula,
            step.try_this.en,
            step.try_this.zh,
        ];
        self.terms
            .iter()
            .filter(|t| texts.iter().any(|s| t.spotted_in(s)))
            .collect()
    }

    /// What step `step` of `lesson` needs, each term once.
    pub fn needs_of(&self, lesson: &str, step: usize) -> Vec<&'static Term> {
        self.unique_terms(|n| n.lesson == lesson && n.step == step)
    }

    /// The terms of the needs `keep` selects, each once, in declaration order.
    fn unique_terms(&self, keep: impl Fn(&Need) -> bool) -> Vec<&'static Term> {
        let mut v: Vec<&'static Term> = Vec::new();
        for n in self.needs.iter().filter(|n| keep(n)) {
            if let Some(t) = self.term(n.term)
                && !v.iter().any(|x| x.id == t.id)
            {
                v.push(t);
            }
        }
        v
    }

    /// The terms a lesson teaches, in the order of its steps.
    pub fn taught_by(&self, lesson: &str) -> Vec<&'static Term> {
        let mut v: Vec<_> = self
            .terms
            .iter()
            .filter(|t| t.taught.is_some_and(|(l, _)| l == lesson))
            .collect();
        v.sort_by_key(|t| t.taught.map(|(_, s)| s));
        v
    }

    /// The terms a lesson's steps need from other lessons, without repeats.
    pub fn needed_by(&self, lesson: &str) -> Vec<&'static Term> {
        self.unique_terms(|n| n.lesson == lesson)
            .into_iter()
            .filter(|t| t.taught.is_none_or(|(l, _)| l != lesson))
            .collect()
    }
}

/// What the course's windows show.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct CourseView {
    pub glossary: bool,
    /// The term the glossary shows.
    pub term: Option<&'static str>,
    /// The glossary's filter text.
    pub filter: String,
    pub map: bool,
}

/// Opens the glossary at a term, the course map, or a lesson at a step.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourseCommand {
    Glossary(Option<&'static str>),
    Map,
    /// A lesson, at a step (0-based).
    Open(&'static str, usize),
}

/// A term's name with where it is taught, for a link: "exponential map (8.4)".
pub fn link_text(term: &Term, lang: Lang, lesson_number: impl Fn(&str) -> Option<usize>) -> String {
    let name = term.name.get(lang);
    match term
        .taught
        .and_then(|(l, s)| lesson_number(l).map(|n| (n, s)))
    {
        Some((n, s)) => format!("{name} ({n}.{})", s + 1),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::steps::{Shot, SimSetup, tr};

    const TERMS: &[Term] = &[
        Term {
            id: "a",
            name: tr("alpha", "阿"),
            definition: tr("A.", "阿。"),
            formula: "",
            taught: Some(("one", 1)),
            spotted_by: &["alpha", "α"],
            picture: None,
        },
        Term {
            id: "b",
            name: tr("beta", "贝"),
            definition: tr("B.", "贝。"),
            formula: "",
            taught: Some(("one", 0)),
            spotted_by: &["beta"],
            picture: None,
        },
        Term {
            id: "c",
            name: tr("gamma", "伽"),
            definition: tr("C.", "伽。"),
            formula: "",
            taught: None,
            spotted_by: &["gamma"],
            picture: None,
        },
    ];

    const NEEDS: &[Need] = &[
        Need {
            lesson: "one",
            step: 2,
            term: "b",
        },
        Need {
            lesson: "two",
            step: 3,
            term: "a",
        },
        Need {
            lesson: "two",
            step: 1,
            term: "c",
        },
        Need {
            lesson: "two",
            step: 3,
            term: "a",
        },
    ];

    fn step(body: &'static str, formula: &'static str) -> Step {
        Step {
            title: tr("t", "t"),
            body: tr(body, "中"),
            formula,
            try_this: tr("x", "x"),
            shot: Shot::HOME,
            params: &[],
            sim: SimSetup::NONE,
        }
    }

    #[test]
    fn a_step_lists_the_terms_its_text_uses() {
        let course = Course {
            terms: TERMS,
            needs: NEEDS,
        };
        let ids = |s: &Step| course.terms_in(s).iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(ids(&step("uses beta and gamma", "")), ["b", "c"]);
        // Found in the formula too.
        assert_eq!(ids(&step("nothing", "y = α x")), ["a"]);
        assert!(ids(&step("nothing here", "y = x")).is_empty());
    }

    #[test]
    fn the_course_map_reads_the_declarations() {
        let course = Course {
            terms: TERMS,
            needs: NEEDS,
        };
        // Taught in step order; needed without repeats.
        let ids = |v: Vec<&Term>| v.iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(ids(course.taught_by("one")), ["b", "a"]);
        assert_eq!(ids(course.needed_by("two")), ["a", "c"]);
        // A step that needs what an earlier step of its own lesson taught: on its card, not
        // on the map.
        assert_eq!(ids(course.needs_of("one", 2)), ["b"]);
        assert!(course.needed_by("one").is_empty());
        assert_eq!(ids(course.needs_of("two", 3)), ["a"]);
        assert!(course.needs_of("two", 0).is_empty());
        let number = |l: &str| (l == "one").then_some(3);
        assert_eq!(link_text(&TERMS[0], Lang::En, number), "alpha (3.2)");
        assert_eq!(link_text(&TERMS[2], Lang::Zh, number), "伽");
    }
}
