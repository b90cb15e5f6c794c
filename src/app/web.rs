//! The browser build's glue: the start options come from the page's address
//! (`?lesson=generative&seed=7&lang=zh&presenter&teach`), the address follows the scene as it
//! changes, and "copy link" puts it on the clipboard, so a teacher can share the exact scene.

use super::StartOptions;
use super::i18n::Lang;
use super::sim::Sim;
use crate::cli::{AppArgs, LangArg};
use crate::lessons::ActiveLesson;
use bevy::prelude::*;

fn query() -> Option<web_sys::UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()
}

/// Start options from the page's query string; anything missing or malformed keeps its
/// default (an unknown lesson name is reported by `run` like on the desktop).
pub fn options_from_url() -> StartOptions {
    let q = query();
    let get = |k: &str| q.as_ref().and_then(|q| q.get(k));
    let has = |k: &str| q.as_ref().is_some_and(|q| q.has(k));
    StartOptions {
        args: AppArgs {
            lesson: get("lesson").filter(|l| !l.is_empty()),
            seed: get("seed").and_then(|s| s.parse().ok()),
            lang: if get("lang").as_deref() == Some("zh") {
                LangArg::Zh
            } else {
                LangArg::En
            },
            presenter: has("presenter"),
            teach: has("teach"),
            ..AppArgs::default()
        },
        ..StartOptions::default()
    }
}

/// Keeps the address in step with the lesson, seed and language (replacing the history entry,
/// so the back button still leaves the page).
pub struct WebPlugin;

impl Plugin for WebPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Last, keep_the_address);
    }
}

fn keep_the_address(
    lesson: Res<ActiveLesson>,
    sim: Res<Sim>,
    lang: Res<Lang>,
    mut last: Local<Option<(Option<&'static str>, u64, Lang)>>,
) {
    let now = (lesson.0, sim.seed, *lang);
    if *last == Some(now) {
        return;
    }
    *last = Some(now);
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(href) = window.location().href() else {
        return;
    };
    let Ok(url) = web_sys::Url::new(&href) else {
        return;
    };
    let params = url.search_params();
    match lesson.0 {
        Some(id) => params.set("lesson", id),
        None => params.delete("lesson"),
    }
    params.set("seed", &sim.seed.to_string());
    params.set("lang", if *lang == Lang::Zh { "zh" } else { "en" });
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()));
    }
}

/// Copies the page's address (which names the current scene) to the clipboard.
pub fn copy_link() {
    if let Some(window) = web_sys::window()
        && let Ok(href) = window.location().href()
    {
        let _ = window.navigator().clipboard().write_text(&href);
    }
}
