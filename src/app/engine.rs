//! Bevy's plugins the app runs on: `DefaultPlugins` for the features in Cargo.toml, less the
//! post-processing and anti-aliasing groups (bloom, depth of field, motion blur, auto
//! exposure, FXAA, SMAA, TAA, sharpening), which the app never turns on: it smooths edges with
//! MSAA. Listing the plugins instead of disabling two of `DefaultPlugins` keeps those groups'
//! code and shaders out of the browser module (a disabled plugin is still built in): about
//! 0.4 MB of code and 0.1 MB of shaders before compression.

use bevy::app::PluginGroupBuilder;
use bevy::prelude::*;

/// The engine's plugins, in `DefaultPlugins`' order; configure them with `.set(...)` as one
/// would `DefaultPlugins`.
pub struct EnginePlugins;

impl PluginGroup for EnginePlugins {
    fn build(self) -> PluginGroupBuilder {
        let group = PluginGroupBuilder::start::<Self>()
            .add(bevy::app::PanicHandlerPlugin)
            .add(bevy::log::LogPlugin::default())
            .add(bevy::app::TaskPoolPlugin::default())
            .add(bevy::diagnostic::FrameCountPlugin)
            .add(bevy::time::TimePlugin)
            .add(bevy::transform::TransformPlugin)
            .add(bevy::diagnostic::DiagnosticsPlugin)
            .add(bevy::input::InputPlugin)
            .add(bevy::window::WindowPlugin::default())
            .add(bevy::a11y::AccessibilityPlugin);
        #[cfg(not(target_arch = "wasm32"))]
        let group = group.add(bevy::app::TerminalCtrlCHandlerPlugin);
        let group = group
            .add(bevy::asset::AssetPlugin::default())
            .add(bevy::winit::WinitPlugin::default())
            .add(bevy::render::RenderPlugin::default())
            .add(bevy::image::ImagePlugin::default())
            .add(bevy::mesh::MeshPlugin)
            .add(bevy::camera::CameraPlugin)
            .add(bevy::light::LightPlugin);
        #[cfg(not(target_arch = "wasm32"))]
        let group = group.add(bevy::render::pipelined_rendering::PipelinedRenderingPlugin);
        group
            .add(bevy::core_pipeline::CorePipelinePlugin)
            .add(bevy::pbr::PbrPlugin::default())
            .add(bevy::gizmos::GizmoPlugin)
            .add(bevy::gizmos_render::GizmoRenderPlugin)
            .add(bevy::state::app::StatesPlugin)
    }
}
