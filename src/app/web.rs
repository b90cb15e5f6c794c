//! The browser build's glue: the start options come from the page's address
//! (`?lesson=generative&step=2&seed=7&lang=zh&presenter&teach`), the address follows the scene as it
//! changes, and "copy link" puts it on the clipboard, so a teacher can share the exact scene.
//! URDFs (with their mesh files) come from the file picker or are dropped on the page; they are
//! read with the browser's asynchronous file API and handed to the app as bytes.

use super::StartOptions;
use super::robot::LoadUrdf;
use crate::kit::i18n::Lang;
use crate::kit::sim::DriveMode;
use crate::kit::sim::Sim;
use crate::kit::widgets::UiState;
use crate::kit::{ActiveLesson, LessonParams, StepState};
use bevy::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

fn query() -> Option<web_sys::UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()
}

/// Start options from the page's query string (see [`super::address`]).
pub fn options_from_url() -> StartOptions {
    let (args, ignored) = super::address::args_noting(&query_pairs(query().as_ref()));
    StartOptions {
        args,
        ignored,
        ..StartOptions::default()
    }
}

/// Every `key=value` of the address, decoded.
fn query_pairs(q: Option<&web_sys::UrlSearchParams>) -> Vec<(String, String)> {
    // `URLSearchParams` iterates as `[key, value]` pairs.
    let Some(entries) = q.and_then(|q| js_sys::try_iter(q).ok().flatten()) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let pair = js_sys::Array::from(&entry);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// Keeps the address in step with the lesson and its settings, the seed, the language,
/// presenter and teach mode (replacing the history entry, so the back button still leaves
/// the page).
pub struct WebPlugin;

impl Plugin for WebPlugin {
    fn build(&self, app: &mut App) {
        install_file_handlers();
        app.add_systems(Startup, publish_lessons)
            .add_systems(PreUpdate, deliver_uploads)
            .add_systems(Last, (keep_the_address, announce_the_first_frame));
    }
}

/// The id of the page's canvas (wasm/index.html).
pub const CANVAS_ID: &str = "armtutor";

/// The id of the hidden `<input type=file>` behind "Open URDF".
const FILE_INPUT_ID: &str = "armtutor-file";

thread_local! {
    /// Uploads read by the browser, waiting for the next frame (the page has one thread).
    static INBOX: RefCell<Vec<Vec<(String, Vec<u8>)>>> = const { RefCell::new(Vec::new()) };
}

/// Reads every file of a pick or a drop, then queues them as one upload.
fn read_files(list: web_sys::FileList) {
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    if files.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let mut batch = Vec::with_capacity(files.len());
        for file in files {
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => batch.push((file.name(), js_sys::Uint8Array::new(&buffer).to_vec())),
                Err(_) => warn!("the browser could not read {}", file.name()),
            }
        }
        INBOX.with(|inbox| inbox.borrow_mut().push(batch));
    });
}

/// Drag-and-drop on the whole page, and the hidden file input. Without cancelling `dragover`
/// and `drop`, the browser would open a dropped file in place of the app.
fn install_file_handlers() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let over = Closure::<dyn FnMut(web_sys::DragEvent)>::new(|e: web_sys::DragEvent| {
        e.prevent_default();
    });
    let on_drop = Closure::<dyn FnMut(web_sys::DragEvent)>::new(|e: web_sys::DragEvent| {
        e.prevent_default();
        if let Some(files) = e.data_transfer().and_then(|d| d.files()) {
            read_files(files);
        }
    });
    let _ = document.add_event_listener_with_callback("dragover", over.as_ref().unchecked_ref());
    let _ = document.add_event_listener_with_callback("drop", on_drop.as_ref().unchecked_ref());
    // The listeners live as long as the page.
    over.forget();
    on_drop.forget();

    let Some(input) = document
        .create_element("input")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    input.set_type("file");
    input.set_id(FILE_INPUT_ID);
    input.set_multiple(true);
    input.set_accept(".urdf,.xml,.stl,.obj,.mtl,.dae");
    input.set_hidden(true);
    let target = input.clone();
    let change = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        if let Some(files) = target.files() {
            read_files(files);
        }
        // So that picking the same file again (after editing it) fires `change` again.
        target.set_value("");
    });
    let _ = input.add_event_listener_with_callback("change", change.as_ref().unchecked_ref());
    change.forget();
    if let Some(body) = document.body() {
        let _ = body.append_child(&input);
    }
}

/// Opens the browser's file picker (the "Open URDF" button; the click that asked for it still
/// counts as the user's gesture the browser requires).
pub fn open_file_picker() {
    if let Some(input) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(FILE_INPUT_ID))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        input.click();
    }
}

fn deliver_uploads(mut load: MessageWriter<LoadUrdf>) {
    for batch in INBOX.with(|inbox| std::mem::take(&mut *inbox.borrow_mut())) {
        load.write(LoadUrdf::Upload(batch));
    }
}

/// Tells the page (an `armtutor-first-frame` event on `window`) once the first complete frame
/// has been drawn (see [`super::graphics::FirstFrame`]); the loader keeps its overlay, saying
/// what is happening, until then.
fn announce_the_first_frame(first: Res<super::graphics::FirstFrame>, mut said: Local<bool>) {
    if *said || first.after_updates.is_none() {
        return;
    }
    *said = true;
    if let (Some(window), Ok(event)) = (
        web_sys::window(),
        web_sys::Event::new("armtutor-first-frame"),
    ) {
        let _ = window.dispatch_event(&event);
    }
}

/// Puts the lessons on the page as `window.armtutorLessons` (`[{id, steps}]`, in picker
/// order), so the smoke test tours what the app declares rather than a list of its own.
fn publish_lessons(registry: Res<crate::kit::LessonRegistry>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let list = js_sys::Array::new();
    for lesson in &registry.lessons {
        let entry = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&entry, &"id".into(), &lesson.id.into());
        let _ = js_sys::Reflect::set(&entry, &"steps".into(), &(lesson.steps.len() as u32).into());
        list.push(&entry);
    }
    let _ = js_sys::Reflect::set(&window, &"armtutorLessons".into(), &list);
}

fn keep_the_address(
    (lesson, steps, params): (Res<State<ActiveLesson>>, Res<StepState>, Res<LessonParams>),
    (sim, lang, ui): (Res<Sim>, Res<Lang>, Res<UiState>),
    (mode, graphics): (Res<State<DriveMode>>, Res<super::graphics::Graphics>),
    mut last: Local<Vec<(String, String)>>,
) {
    let owned = params.owner.is_some() && params.owner == lesson.0;
    let pairs = super::address::pairs(&super::address::Scene {
        lesson: lesson.0.map(str::to_string),
        step: steps.current,
        seed: sim.seed,
        zh: *lang == Lang::Zh,
        presenter: ui.presenter,
        teach: *mode.get() == DriveMode::Teach,
        graphics: graphics.asked,
        params: if owned {
            params
                .now
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        } else {
            Vec::new()
        },
    });
    // The browser is only called when the scene changed, not every frame.
    if *last == pairs {
        return;
    }
    let Ok(search) = web_sys::UrlSearchParams::new() else {
        return;
    };
    for (k, v) in &pairs {
        search.append(k, v);
    }
    *last = pairs;
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(href) = window.location().href() else {
        return;
    };
    let Ok(url) = web_sys::Url::new(&href) else {
        return;
    };
    url.set_search(&String::from(search.to_string()));
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

/// Hands `bytes` to the browser as a download named `name`.
pub fn download(name: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |what: &str| format!("the browser refused the download ({what})");
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let link = document
        .create_element("a")
        .map_err(|_| fail("link"))?
        .dyn_into::<web_sys::HtmlElement>()
        .map_err(|_| fail("link"))?;
    let _ = link.set_attribute("href", &url);
    let _ = link.set_attribute("download", name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
