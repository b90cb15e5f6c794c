//! The interactive app (Bevy + egui): the arm on a table, live physics, teach mode, and the
//! lessons. Each file is one small plugin; [`ArmtutorPlugin`] puts them together.
//!
//! Robot data stays in REP-103 (Z up) everywhere; [`crate::kit::convert`] is the one place that turns it
//! into Bevy's Y-up world.

pub mod actions;
pub mod address;
pub mod capture;
pub mod chrome;
pub mod clip;
pub mod course;
pub mod engine;
pub mod export;
pub mod geometry_view;
pub mod graphics;
pub mod meshes;
#[cfg(not(target_arch = "wasm32"))]
pub mod open_dialog;
pub mod profiler;
pub mod robot;
pub mod scene;
pub mod scrub;
pub mod sim;
pub mod steps;
pub mod teach;
#[cfg(test)]
pub(crate) mod test_app;
pub mod timeline;
pub mod visuals;
#[cfg(target_arch = "wasm32")]
pub mod web;

use crate::kit::{LessonInfo, i18n};
use crate::options::AppArgs;
use crate::robot::Model;
use bevy::prelude::*;
use bevy::window::WindowResolution;
use std::path::{Path, PathBuf};

/// Everything the app needs to start.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    pub urdf: Option<PathBuf>,
    pub args: AppArgs,
    /// Measure this many frames instead of running interactively.
    pub bench_frames: Option<u32>,
    pub bench_json: bool,
    /// Render while benchmarking (otherwise the renderer is off: see `armtutor bench --help`).
    pub bench_render: bool,
    /// The lessons to offer, in picker order (the app names none itself: the binary passes
    /// `crate::lessons::ALL`).
    pub lessons: &'static [LessonInfo],
    /// Their glossary and links (`crate::lessons::COURSE`).
    pub course: crate::kit::course::Course,
    /// What of the start options was not usable and fell back to its default (a hand-edited
    /// address), `key=value` each: shown in the status line when the app opens.
    pub ignored: Vec<String>,
}

/// Loads the URDF named on the command line, or the bundled Panda.
pub fn load_model(urdf: Option<&Path>) -> Result<Model, String> {
    match urdf {
        Some(path) => Model::from_urdf_file(path).map_err(|e| e.to_string()),
        None => Model::from_urdf_str(crate::robot::panda::URDF).map_err(|e| e.to_string()),
    }
}

/// The app's own logic and views, without Bevy's default plugins (so tests can run it on
/// `MinimalPlugins`), with the lessons it is given.
pub struct ArmtutorPlugin {
    pub model: Model,
    pub lang: i18n::Lang,
    pub lessons: &'static [LessonInfo],
    pub course: crate::kit::course::Course,
    /// The lesson to open first (default: the first one).
    pub lesson: Option<String>,
    /// The guided step to open (0-based) in the start lesson.
    pub step: Option<usize>,
}

impl Plugin for ArmtutorPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(self.lang)
            .insert_resource(crate::kit::robot::Robot::new(self.model.clone()))
            .add_plugins((
                robot::RobotPlugin,
                sim::SimPlugin,
                teach::TeachPlugin,
                timeline::TimelinePlugin,
                actions::ActionsPlugin,
                steps::StepsPlugin { start: self.step },
                course::CoursePlugin,
            ))
            .insert_resource(self.course);
        let start = match &self.lesson {
            Some(name) => Some(name.as_str()),
            None => self.lessons.first().map(|l| l.id),
        };
        crate::kit::register_lessons(app, self.lessons, start);
        // A step past the lesson's last opens the last (the steps clamp), and says so.
        let info = start.and_then(|id| self.lessons.iter().find(|l| l.id == id));
        if let (Some(i), Some(info)) = (self.step, info)
            && i >= info.steps.len()
        {
            let note = format!("step={} (of {})", i + 1, info.steps.len());
            app.world_mut()
                .resource_mut::<crate::kit::LessonParams>()
                .ignored
                .push(note);
        }
    }
}

/// The page's `<canvas id="armtutor">`, where there is one.
fn web_canvas() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let document = web_sys::window()?.document()?;
        document.get_element_by_id(web::CANVAS_ID)?;
        Some(format!("#{}", web::CANVAS_ID))
    }
    #[cfg(not(target_arch = "wasm32"))]
    None
}

/// Opens the window (or renders a screenshot, or runs the frame-time bench). Returns what to
/// print on standard output (the bench report), or a one-line error.
pub fn run(mut opts: StartOptions) -> Result<String, String> {
    let model = load_model(opts.urdf.as_deref())?;
    check_lesson(&mut opts)?;
    // winit panics without a display; say what to do instead (only X11 is built in).
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
        return Err(
            "no display (DISPLAY is not set); on a headless machine run under xvfb-run".into(),
        );
    }
    let mut app = App::new();
    app.add_plugins(engine_plugins(&opts));
    app.add_plugins((
        bevy_egui::EguiPlugin::default(),
        bevy_panorbit_camera::PanOrbitCameraPlugin,
        bevy::gizmos::transform_gizmo::TransformGizmoPlugin,
    ))
    // A glyph egui draws for the first time is written into its font texture in PostUpdate,
    // and the frame's text already points at it. Unordered, the texture's change could be
    // announced after the asset events had gone out, reach the renderer a frame late, and
    // the new glyph be drawn blank for that frame: a number changing to a digit not drawn
    // before blinked out (a whole second a frame on a software renderer). The bench shows no
    // cost for the order (12-07: 2.3–2.5 ms a frame averaged over the lessons, with it or
    // without it, two runs each).
    .configure_sets(
        PostUpdate,
        bevy_egui::EguiPostUpdateSet::PostProcessOutput.before(bevy::asset::AssetEventSystems),
    );
    let lang = match opts.args.lang {
        crate::options::LangArg::En => i18n::Lang::En,
        crate::options::LangArg::Zh => i18n::Lang::Zh,
    };
    app.add_plugins((
        ArmtutorPlugin {
            model,
            lang,
            lessons: opts.lessons,
            course: opts.course,
            lesson: opts.args.lesson.clone(),
            step: opts.args.step.map(|n| n.saturating_sub(1)),
        },
        scene::ScenePlugin,
        graphics::GraphicsPlugin {
            asked: opts.args.graphics,
        },
        visuals::VisualsPlugin,
        geometry_view::GeometryViewPlugin,
        chrome::ChromePlugin {
            presenter: opts.args.presenter,
        },
        profiler::ProfilerPlugin,
    ));
    #[cfg(not(target_arch = "wasm32"))]
    app.add_plugins((clip::ClipPlugin, open_dialog::OpenDialogPlugin));
    apply_start_options(&mut app, &mut opts);
    #[cfg(target_arch = "wasm32")]
    app.add_plugins(web::WebPlugin);
    if let Some(path) = &opts.args.screenshot {
        app.add_plugins(capture::ScreenshotPlugin {
            path: path.clone(),
            frames: opts.args.frames.max(1),
        });
    }
    if let Some(frames) = opts.bench_frames {
        app.add_plugins(capture::BenchPlugin {
            frames: frames.max(1),
            json: opts.bench_json,
        });
    }
    let report = capture::Report::default();
    app.insert_resource(report.clone());
    let exit = app.run();
    match (exit, report.take()) {
        (_, Some(result)) => result,
        (AppExit::Success, None) => Ok(String::new()),
        (AppExit::Error(code), None) => Err(format!("the app exited with code {code}")),
    }
}

/// The lesson a link or `--lesson` names. In the browser an unknown one opens the first lesson,
/// and the status line says so (a page that stayed blank would tell a student nothing). On the
/// command line a typo is an error that lists the lessons.
fn check_lesson(opts: &mut StartOptions) -> Result<(), String> {
    if cfg!(target_arch = "wasm32")
        && let Some(name) = opts.args.lesson.clone()
        && !opts.lessons.iter().any(|l| l.id == name)
    {
        opts.ignored.insert(
            0,
            format!("lesson={}", name.chars().take(24).collect::<String>()),
        );
        opts.args.lesson = None;
        opts.args.step = None;
    }
    if let Some(name) = &opts.args.lesson
        && !opts.lessons.iter().any(|l| l.id == name)
    {
        let ids: Vec<_> = opts.lessons.iter().map(|l| l.id).collect();
        return Err(format!(
            "unknown lesson {name:?}; the lessons are: {}",
            ids.join(", ")
        ));
    }
    Ok(())
}

/// Bevy's plugins as the app uses them: the window (its size, the page's canvas, no vsync in
/// headless runs) and the renderer (off for the bench without `--render`).
fn engine_plugins(opts: &StartOptions) -> bevy::app::PluginGroupBuilder {
    let (w, h) = opts.args.size.unwrap_or((1280, 720));
    let headless_run = opts.args.screenshot.is_some() || opts.bench_frames.is_some();
    let no_render = opts.bench_frames.is_some() && !opts.bench_render;
    let plugins = engine::EnginePlugins
        .build()
        .set(WindowPlugin {
            primary_window: Some(Window {
                title: "armtutor".into(),
                resolution: WindowResolution::new(w, h),
                // In the browser: draw into the page's canvas and follow its size (on a
                // page without one, such as wasm-server-runner's, into a new canvas).
                canvas: web_canvas(),
                fit_canvas_to_parent: true,
                // Screenshots and benches must not wait for vsync or a focused window.
                present_mode: if headless_run {
                    bevy::window::PresentMode::AutoNoVsync
                } else {
                    bevy::window::PresentMode::AutoVsync
                },
                ..default()
            }),
            ..default()
        })
        .set(bevy::render::RenderPlugin {
            render_creation: bevy::render::settings::WgpuSettings {
                // The bench without --render measures the app's own work only.
                backends: if no_render {
                    None
                } else {
                    bevy::render::settings::WgpuSettings::default().backends
                },
                ..default()
            }
            .into(),
            ..default()
        });
    #[cfg(not(target_arch = "wasm32"))]
    let plugins = if no_render {
        plugins.set(bevy::log::LogPlugin {
            filter: engine::NO_RENDER_LOG_FILTER.into(),
            ..default()
        })
    } else {
        plugins
    };
    plugins
}

/// What the start options set once the app is built: teach mode, the seed, the lesson's
/// parameters, the glossary or the course map, and what fell back.
fn apply_start_options(app: &mut App, opts: &mut StartOptions) {
    if opts.args.teach {
        app.insert_state(crate::kit::sim::DriveMode::Teach);
    }
    if let Some(seed) = opts.args.seed {
        app.world_mut().resource_mut::<crate::kit::sim::Sim>().seed = seed;
    }
    app.world_mut()
        .resource_mut::<crate::kit::LessonParams>()
        .given = opts.args.params.iter().cloned().collect();
    // The glossary or the course map asked for at start (a link to a term).
    if opts.args.glossary.is_some() || opts.args.course_map {
        let mut view = crate::kit::course::CourseView {
            map: opts.args.course_map,
            ..default()
        };
        if let Some(name) = opts.args.glossary.as_deref().map(str::trim) {
            view.glossary = true;
            view.term = opts.course.term(name).map(|t| t.id);
            if view.term.is_none() && !name.is_empty() {
                let name: String = name.chars().take(24).collect();
                opts.ignored.push(format!("glossary={name}"));
            }
        }
        app.insert_resource(view);
    }
    // Start options that fell back: named with whatever the lesson does not take either.
    app.world_mut()
        .resource_mut::<crate::kit::LessonParams>()
        .ignored
        .extend(opts.ignored.iter().cloned());
}
