//! Bevy's plugins the app runs on: `DefaultPlugins` for the features in Cargo.toml, less the
//! post-processing and anti-aliasing groups (bloom, depth of field, motion blur, auto
//! exposure, FXAA, SMAA, TAA, sharpening), which the app never turns on: it smooths edges with
//! MSAA. Listing the plugins instead of disabling two of `DefaultPlugins` keeps those groups'
//! code and shaders out of the browser module (a disabled plugin is still built in): about
//! 0.4 MB of code and 0.1 MB of shaders before compression. In the browser the logger is
//! [`WebLogPlugin`]. (The web build also compiles Bevy's PBR and core-pipeline crates without
//! the plugins that never run in WebGL2 or that no camera here uses: `wasm/lean/`.)

use bevy::app::PluginGroupBuilder;
use bevy::prelude::*;

/// What is logged: warnings and errors, and the app's own information lines.
pub const LOG_FILTER: &str = "warn,armtutor=info";

/// The same for `bench` without `--render`, which leaves out the render world on purpose: the
/// plugins that would feed it say so once each at start-up (an ERROR among them), about
/// nothing wrong, so those three are not shown.
pub const NO_RENDER_LOG_FILTER: &str = "warn,armtutor=info,bevy_render::extract_resource=off,bevy_gizmos_render=off,bevy_render::texture=off";

/// The engine's plugins, in `DefaultPlugins`' order; configure them with `.set(...)` as one
/// would `DefaultPlugins`.
pub struct EnginePlugins;

impl PluginGroup for EnginePlugins {
    fn build(self) -> PluginGroupBuilder {
        let group = PluginGroupBuilder::start::<Self>().add(bevy::app::PanicHandlerPlugin);
        #[cfg(not(target_arch = "wasm32"))]
        let group = group.add(bevy::log::LogPlugin {
            filter: LOG_FILTER.into(),
            ..default()
        });
        #[cfg(target_arch = "wasm32")]
        let group = group.add(WebLogPlugin);
        let group = group
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
            // No deferred lighting pass: every camera renders forward.
            .add(bevy::pbr::PbrPlugin {
                add_default_deferred_lighting_plugin: false,
                ..default()
            })
            .add(bevy::gizmos::GizmoPlugin)
            .add(bevy::gizmos_render::GizmoRenderPlugin)
            .add(bevy::state::app::StatesPlugin)
    }
}

/// The browser's logger: bevy_log's layers for the page's console with [`LOG_FILTER`] read by
/// a target filter, which needs no regular expressions (bevy_log's `EnvFilter` does).
#[cfg(target_arch = "wasm32")]
pub struct WebLogPlugin;

#[cfg(target_arch = "wasm32")]
impl Plugin for WebLogPlugin {
    fn build(&self, _app: &mut App) {
        use tracing_subscriber::layer::SubscriberExt;
        let filter: tracing_subscriber::filter::Targets = LOG_FILTER
            .parse()
            .unwrap_or_else(|_| tracing_subscriber::filter::Targets::new());
        let subscriber =
            tracing_subscriber::registry()
                .with(filter)
                .with(tracing_wasm::WASMLayer::new(
                    tracing_wasm::WASMLayerConfig::default(),
                ));
        // `log` records (wgpu, winit) go through the same filter, as with bevy_log.
        let _ = tracing_log::LogTracer::init();
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_log_filter_parses_as_a_target_filter() {
        let targets: Result<tracing_subscriber::filter::Targets, _> = super::LOG_FILTER.parse();
        let targets = targets.expect("the filter parses");
        use bevy::log::Level;
        assert!(targets.would_enable("armtutor::app::sim", &Level::INFO));
        assert!(!targets.would_enable("wgpu_core::device", &Level::INFO));
        assert!(targets.would_enable("wgpu_core::device", &Level::WARN));
    }
}
