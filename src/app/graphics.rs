//! How much the 3D view draws. Without a GPU (school laptops whose browser falls back to a
//! software rasterizer, virtual machines) every multisampled pixel is shaded on the CPU: in
//! headless Chromium's software WebGL2 a 1280×720 frame takes over a second with 4×
//! multisampling and the key light's shadows. `light` drops both; `auto`, the default, picks
//! it when the renderer reports a software device. `--graphics` (or `graphics=` in a link)
//! overrides.
//!
//! Two cameras never draw for nothing: Bevy's transform gizmo keeps an overlay camera (a
//! whole extra render pass over the window) that is switched on only while a handle is
//! shown, and the interface camera draws egui, which smooths its own edges, without
//! multisampling.

use crate::options::GraphicsArg;
use bevy::gizmos::transform_gizmo::{TransformGizmoCamera, TransformGizmoFocus};
use bevy::prelude::*;
use bevy::render::renderer::RenderAdapterInfo;

/// The key light: the one light that casts shadows (in full graphics).
#[derive(Component)]
pub struct KeyLight;

/// What was asked for, and what the renderer turned out to be.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Graphics {
    pub asked: GraphicsArg,
    /// Whether the renderer is a software rasterizer; `None` until it is known (in the browser
    /// the renderer starts after the app) or where there is none (the bench without rendering).
    pub software: Option<bool>,
}

impl Graphics {
    /// Light graphics, once that is decided.
    pub fn light(&self) -> Option<bool> {
        match self.asked {
            GraphicsArg::Full => Some(false),
            GraphicsArg::Light => Some(true),
            GraphicsArg::Auto => self.software,
        }
    }
}

pub struct GraphicsPlugin {
    pub asked: GraphicsArg,
}

impl Plugin for GraphicsPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Graphics {
            asked: self.asked,
            software: None,
        })
        .init_resource::<FirstFrame>()
        .add_systems(
            PostUpdate,
            (
                notice_the_renderer,
                apply_graphics,
                overlay_camera_only_with_a_handle,
            )
                .chain(),
        )
        .add_systems(Last, notice_the_first_frame);
        if let Some(render) = app.get_sub_app_mut(bevy::render::RenderApp) {
            render.add_systems(
                bevy::render::Render,
                watch_the_pipelines.in_set(bevy::render::RenderSystems::Cleanup),
            );
        }
    }
}

/// When the first frame with the 3D view was drawn: the first frame rendered with a mesh
/// pipeline built (or, should that never happen, the 120th update). The panels come first,
/// the 3D view a few frames later, once its shaders have loaded and its pipelines are built;
/// in the browser that and drawing the first frames on a software renderer is most of the
/// time to the first frame, so the page keeps its loading overlay until then.
#[derive(Resource, Default, Debug)]
pub struct FirstFrame {
    /// The updates it took.
    pub after_updates: Option<u32>,
}

/// Whether a frame has been rendered with a mesh pipeline built (written by the render world,
/// which may run on its own thread).
static MESHES_DRAWN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Render frames in a row, up to now, in which a mesh pipeline was built and no pipeline was
/// still queued or compiling (written by the render world).
static SETTLED_FRAMES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Render frames in a row without a pipeline compiling before the image counts as complete.
const SETTLED_AFTER: u32 = 3;

/// Whether the last few frames were rendered with every pipeline asked for built: the 3D view,
/// the panels and the overlays all drawn. One mesh pipeline built is not that: the panels' and
/// the other passes' pipelines compile on other threads and can finish frames later.
pub fn pipelines_settled() -> bool {
    SETTLED_FRAMES.load(std::sync::atomic::Ordering::Relaxed) >= SETTLED_AFTER
}

/// Notes the first frame rendered with a mesh pipeline built (it runs after the frame's
/// passes, so that frame drew the meshes), and counts the frames rendered with nothing left to
/// compile.
fn watch_the_pipelines(cache: Option<Res<bevy::render::render_resource::PipelineCache>>) {
    use bevy::render::render_resource::{CachedPipelineState, PipelineDescriptor};
    use std::sync::atomic::Ordering;
    let Some(cache) = cache else {
        return;
    };
    let pending = cache.pipelines().any(|p| {
        matches!(
            p.state,
            CachedPipelineState::Queued | CachedPipelineState::Creating(_)
        )
    });
    let drawn = MESHES_DRAWN.load(Ordering::Relaxed) || {
        let built = cache
            .pipelines()
            .filter_map(|p| match (&p.state, &p.descriptor) {
                (CachedPipelineState::Ok(_), PipelineDescriptor::RenderPipelineDescriptor(d)) => {
                    Some(d.label.as_deref().unwrap_or(""))
                }
                _ => None,
            });
        draws_meshes(built)
    };
    if drawn {
        MESHES_DRAWN.store(true, Ordering::Relaxed);
    }
    if drawn && !pending {
        let n = SETTLED_FRAMES.load(Ordering::Relaxed);
        SETTLED_FRAMES.store(n.saturating_add(1), Ordering::Relaxed);
    } else {
        SETTLED_FRAMES.store(0, Ordering::Relaxed);
    }
}

/// Whether one of the render pipelines built (given by their labels) draws meshes: Bevy labels
/// those `…mesh_pipeline`.
fn draws_meshes<'a>(mut built: impl Iterator<Item = &'a str>) -> bool {
    built.any(|label| label.ends_with("mesh_pipeline"))
}

fn notice_the_first_frame(mut first: ResMut<FirstFrame>, mut updates: Local<u32>) {
    if first.after_updates.is_some() {
        return;
    }
    *updates += 1;
    if MESHES_DRAWN.load(std::sync::atomic::Ordering::Relaxed) || *updates >= 120 {
        first.after_updates = Some(*updates);
        info!("first frame with the 3D view drawn (update {})", *updates);
    }
}

/// Reads the renderer's device type once it exists.
fn notice_the_renderer(adapter: Option<Res<RenderAdapterInfo>>, mut graphics: ResMut<Graphics>) {
    if graphics.software.is_some() {
        return;
    }
    let Some(adapter) = adapter else {
        return;
    };
    let software = adapter.device_type == wgpu_types::DeviceType::Cpu;
    graphics.software = Some(software);
    if let Some(light) = graphics.light() {
        info!(
            "graphics: {} ({}{})",
            if light { "light" } else { "full" },
            adapter.name,
            if software {
                ", a software renderer"
            } else {
                ""
            }
        );
    }
}

/// Puts the decided level on the 3D cameras (the main view and the gizmo's overlay share one
/// multisampling setting: cameras that draw into one window with different settings would not
/// share their image) and on the key light; again whenever a camera or the light is new.
#[allow(clippy::type_complexity)]
fn apply_graphics(
    mut commands: Commands,
    graphics: Res<Graphics>,
    cameras: Query<(Entity, Ref<Camera3d>, Option<&Msaa>)>,
    mut lights: Query<(Ref<KeyLight>, &mut DirectionalLight)>,
) {
    let Some(light) = graphics.light() else {
        return;
    };
    let msaa = if light { Msaa::Off } else { Msaa::Sample4 };
    for (entity, camera, m) in &cameras {
        if (graphics.is_changed() || camera.is_added()) && m != Some(&msaa) {
            commands.entity(entity).insert(msaa);
        }
    }
    for (key, mut l) in &mut lights {
        if (graphics.is_changed() || key.is_added()) && l.shadow_maps_enabled == light {
            l.shadow_maps_enabled = !light;
        }
    }
}

/// The transform gizmo's overlay camera (the 3D camera that is not the main view) draws only
/// while something has the handle, and draws over the view without clearing it first: it is
/// spawned with the default clear, which without multisampling (light graphics) wiped the 3D
/// view whenever a handle was shown (only multisampling's write-back had hidden it).
fn overlay_camera_only_with_a_handle(
    focus: Query<(), With<TransformGizmoFocus>>,
    mut overlays: Query<&mut Camera, (With<Camera3d>, Without<TransformGizmoCamera>)>,
) {
    let on = !focus.is_empty();
    for mut camera in &mut overlays {
        if camera.is_active != on {
            camera.is_active = on;
        }
        if !matches!(camera.clear_color, ClearColorConfig::None) {
            camera.clear_color = ClearColorConfig::None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(asked: GraphicsArg) -> App {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .add_plugins(GraphicsPlugin { asked });
        app
    }

    fn main_view(app: &mut App) -> Entity {
        app.world_mut()
            .spawn((Camera3d::default(), Msaa::Sample4, TransformGizmoCamera))
            .id()
    }

    #[test]
    fn auto_is_light_only_on_a_software_renderer() {
        for (software, msaa, shadows) in [(true, Msaa::Off, false), (false, Msaa::Sample4, true)] {
            let mut app = app(GraphicsArg::Auto);
            let cam = main_view(&mut app);
            let light = app
                .world_mut()
                .spawn((
                    KeyLight,
                    DirectionalLight {
                        shadow_maps_enabled: true,
                        ..default()
                    },
                ))
                .id();
            app.update();
            // Not known yet: nothing changes.
            assert_eq!(app.world().get::<Msaa>(cam), Some(&Msaa::Sample4));
            app.world_mut().resource_mut::<Graphics>().software = Some(software);
            app.update();
            assert_eq!(app.world().get::<Msaa>(cam), Some(&msaa));
            let l = app
                .world()
                .get::<DirectionalLight>(light)
                .map(|l| l.shadow_maps_enabled);
            assert_eq!(l, Some(shadows));
            // A camera that comes later gets the same.
            let late = app.world_mut().spawn(Camera3d::default()).id();
            app.update();
            assert_eq!(app.world().get::<Msaa>(late), Some(&msaa));
        }
    }

    #[test]
    fn asked_for_beats_the_renderer() {
        for (asked, msaa) in [
            (GraphicsArg::Full, Msaa::Sample4),
            (GraphicsArg::Light, Msaa::Off),
        ] {
            let mut app = app(asked);
            let cam = main_view(&mut app);
            // Decided before the renderer is known, and kept when it is.
            app.world_mut().entity_mut(cam).insert(Msaa::Sample2);
            app.update();
            assert_eq!(app.world().get::<Msaa>(cam), Some(&msaa));
            let software = asked == GraphicsArg::Full;
            app.world_mut().resource_mut::<Graphics>().software = Some(software);
            app.update();
            assert_eq!(app.world().get::<Msaa>(cam), Some(&msaa));
        }
    }

    #[test]
    fn the_3d_view_is_drawn_once_a_mesh_pipeline_is_built() {
        // The panels' pipelines, while the 3D view's shaders still load.
        assert!(!draws_meshes(["egui", "tonemapping"].into_iter()));
        assert!(draws_meshes(["egui", "opaque_mesh_pipeline"].into_iter()));
        assert!(draws_meshes(["alpha_blend_mesh_pipeline"].into_iter()));
    }

    #[test]
    fn the_gizmo_overlay_draws_only_with_a_handle() {
        let mut app = app(GraphicsArg::Full);
        let view = main_view(&mut app);
        let overlay = app.world_mut().spawn(Camera3d::default()).id();
        let active = |app: &App, e| app.world().get::<Camera>(e).map(|c| c.is_active);
        app.update();
        assert_eq!(active(&app, overlay), Some(false));
        assert_eq!(active(&app, view), Some(true), "the main view always draws");
        let clears = |app: &App, e| {
            app.world()
                .get::<Camera>(e)
                .is_some_and(|c| !matches!(c.clear_color, ClearColorConfig::None))
        };
        assert!(!clears(&app, overlay), "the overlay draws over the view");
        assert!(clears(&app, view));
        let target = app.world_mut().spawn(TransformGizmoFocus).id();
        app.update();
        assert_eq!(active(&app, overlay), Some(true));
        app.world_mut()
            .entity_mut(target)
            .remove::<TransformGizmoFocus>();
        app.update();
        assert_eq!(active(&app, overlay), Some(false));
    }
}
