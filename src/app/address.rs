//! A scene as a link: the `key=value` pairs of the browser's address (and what they open),
//! kept apart from the browser so that the desktop tests check the round trip.
//!
//! `?lesson=jacobian&step=3&seed=7&lang=zh&presenter&teach&section=singularity`: the app's
//! own keys, then the lesson's settings (see `crate::kit::LessonParams`).

use crate::options::{AppArgs, GraphicsArg, LangArg};
use clap::ValueEnum;

/// The keys of the address that are not lesson settings.
pub const APP_KEYS: [&str; 9] = [
    "lesson",
    "step",
    "seed",
    "lang",
    "presenter",
    "teach",
    "graphics",
    "glossary",
    "map",
];

/// What the address names.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Scene {
    pub lesson: Option<String>,
    /// 0-based; written 1-based, as `--step` is.
    pub step: Option<usize>,
    pub seed: u64,
    pub zh: bool,
    pub presenter: bool,
    pub teach: bool,
    /// Written only when not `auto`, so a link made on a fast machine stays automatic.
    pub graphics: GraphicsArg,
    /// The lesson's settings.
    pub params: Vec<(String, String)>,
}

/// The address's pairs for a scene, app keys first.
pub fn pairs(scene: &Scene) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| out.push((k.to_string(), v));
    if let Some(id) = &scene.lesson {
        put("lesson", id.clone());
        if let Some(i) = scene.step {
            put("step", (i + 1).to_string());
        }
    }
    put("seed", scene.seed.to_string());
    put("lang", if scene.zh { "zh" } else { "en" }.into());
    if scene.presenter {
        put("presenter", String::new());
    }
    if scene.teach {
        put("teach", String::new());
    }
    // The name `--graphics` takes.
    if let Some(name) = scene.graphics.to_possible_value()
        && scene.graphics != GraphicsArg::Auto
    {
        put("graphics", name.get_name().to_string());
    }
    out.extend(
        scene
            .params
            .iter()
            .filter(|(k, _)| !APP_KEYS.contains(&k.as_str()))
            .cloned(),
    );
    out
}

/// The start arguments an address asks for; anything missing or malformed keeps its
/// default (an unknown lesson name is handled by `run`).
pub fn args(pairs: &[(String, String)]) -> AppArgs {
    args_noting(pairs).0
}

/// [`args`], and the app keys whose value was malformed and fell back to the default, as
/// `key=value` (the value cut short), for the notice the app opens with.
pub fn args_noting(pairs: &[(String, String)]) -> (AppArgs, Vec<String>) {
    let a = read_args(pairs);
    let mut ignored = Vec::new();
    for (k, v) in pairs {
        let bad = match k.as_str() {
            "step" => a.step.is_none(),
            "seed" => a.seed.is_none(),
            "lang" => !matches!(v.as_str(), "zh" | "en"),
            "graphics" => GraphicsArg::from_str(v.trim(), false).is_err(),
            _ => false,
        };
        if bad {
            ignored.push(format!("{k}={}", v.chars().take(24).collect::<String>()));
        }
    }
    (a, ignored)
}

fn read_args(pairs: &[(String, String)]) -> AppArgs {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    AppArgs {
        lesson: get("lesson").filter(|l| !l.is_empty()).map(str::to_string),
        step: get("step")
            .and_then(|s| s.trim().parse::<usize>().ok())
            .filter(|&n| (1..=99).contains(&n)),
        seed: get("seed").and_then(|s| s.trim().parse().ok()),
        lang: if get("lang") == Some("zh") {
            LangArg::Zh
        } else {
            LangArg::En
        },
        presenter: get("presenter").is_some(),
        teach: get("teach").is_some(),
        graphics: get("graphics")
            .and_then(|g| GraphicsArg::from_str(g.trim(), false).ok())
            .unwrap_or_default(),
        glossary: get("glossary").map(str::to_string),
        course_map: get("map").is_some(),
        params: pairs
            .iter()
            .filter(|(k, _)| !k.is_empty() && !APP_KEYS.contains(&k.as_str()))
            .cloned()
            .collect(),
        ..AppArgs::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// `?glossary=skew&map` opens the glossary at a term and the course map; neither is
    /// passed on to the lesson as a setting.
    #[test]
    fn the_glossary_and_the_course_map_open_from_the_address() {
        let a = args(&owned(&[
            ("glossary", "skew"),
            ("map", ""),
            ("ghosts", "1"),
        ]));
        assert_eq!(a.glossary.as_deref(), Some("skew"));
        assert!(a.course_map);
        assert_eq!(a.params, owned(&[("ghosts", "1")]));
        let a = args(&owned(&[("lesson", "frames")]));
        assert!(a.glossary.is_none() && !a.course_map);
    }

    #[test]
    fn a_scene_survives_the_address() {
        let scene = Scene {
            lesson: Some("jacobian".into()),
            step: Some(2),
            seed: 7,
            zh: true,
            presenter: true,
            teach: false,
            graphics: GraphicsArg::Light,
            params: owned(&[("section", "singularity"), ("ghosts", "1")]),
        };
        let p = pairs(&scene);
        assert_eq!(
            p,
            owned(&[
                ("lesson", "jacobian"),
                ("step", "3"),
                ("seed", "7"),
                ("lang", "zh"),
                ("presenter", ""),
                ("graphics", "light"),
                ("section", "singularity"),
                ("ghosts", "1"),
            ])
        );
        let a = args(&p);
        assert_eq!(a.lesson.as_deref(), Some("jacobian"));
        assert_eq!(a.step, Some(3), "1-based, like --step");
        assert_eq!(a.seed, Some(7));
        assert_eq!(a.lang, LangArg::Zh);
        assert!(a.presenter && !a.teach);
        assert_eq!(a.graphics, GraphicsArg::Light);
        assert_eq!(a.params, scene.params);
        // The default is left out of the link.
        let auto = Scene {
            graphics: GraphicsArg::Auto,
            ..scene
        };
        assert!(pairs(&auto).iter().all(|(k, _)| k != "graphics"));
    }

    #[test]
    fn a_hand_edited_address_keeps_the_defaults() {
        let a = args(&owned(&[("step", "zero"), ("seed", "-3"), ("lesson", "")]));
        assert_eq!((a.lesson, a.step, a.seed), (None, None, None));
        assert_eq!(args(&owned(&[("step", "0")])).step, None);
        assert_eq!(args(&owned(&[("step", "400")])).step, None);
        let g = |v: &str| args(&owned(&[("graphics", v)])).graphics;
        assert_eq!(g("light"), GraphicsArg::Light);
        assert_eq!(g(" full"), GraphicsArg::Full);
        assert_eq!(g("ultra"), GraphicsArg::Auto, "unknown: the default");
    }

    /// Any value an address can hold: huge, negative, NaN, unicode, thousands of keys. Each
    /// malformed app key falls back to its default and is named (short) for the notice.
    #[test]
    fn hostile_address_values_fall_back_and_are_named() {
        let mut p = owned(&[
            ("step", "99999999999999999999999"),
            ("seed", "NaN"),
            ("lang", "klingon"),
            ("graphics", "ÿ̶̢"),
            ("lesson", "jacobian"),
        ]);
        let long = "9".repeat(10_000);
        p.push(("seed".into(), long.clone()));
        for i in 0..5000 {
            p.push((format!("k{i}"), "-1e308".into()));
        }
        let (a, ignored) = args_noting(&p);
        assert_eq!((a.step, a.seed), (None, None));
        assert_eq!(a.lang, LangArg::En);
        assert_eq!(a.graphics, GraphicsArg::Auto);
        assert_eq!(a.lesson.as_deref(), Some("jacobian"));
        assert_eq!(a.params.len(), 5000, "the lesson's to judge");
        assert_eq!(
            &ignored[..4],
            [
                "step=99999999999999999999999".to_string(),
                "seed=NaN".into(),
                "lang=klingon".into(),
                "graphics=ÿ̶̢".into()
            ]
        );
        assert!(
            ignored.iter().all(|l| l.chars().count() <= 40),
            "{ignored:?}"
        );
        // A clean address names nothing.
        assert!(
            args_noting(&owned(&[("step", "2"), ("lang", "zh")]))
                .1
                .is_empty()
        );
    }
}
