//! How the chrome is laid out: presenter mode's zoom and the transport bar's height, which
//! whatever sits at the bottom of the screen (the step card) goes above.

use bevy::prelude::*;

/// UI scale in presenter mode: text keeps the same size relative to the screen (1.1× per 720
/// lines, at least 1.25×), so it reads from the back of a classroom at any projector
/// resolution.
pub fn presenter_zoom(window_height: f32) -> f32 {
    (1.1 * window_height / 720.0).clamp(1.25, 2.4)
}

/// Space left between the bar and the window's edges (points).
pub const BAR_MARGIN: f32 = 8.0;

/// How tall the transport bar was drawn (points): what sits at the bottom of the screen (the
/// step card) goes above it, however many rows the bar needed.
#[derive(Resource)]
pub struct BarHeight(pub f32);

impl Default for BarHeight {
    /// About three rows: the scrub bar, the controls and the status line.
    fn default() -> Self {
        BarHeight(74.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presenter_text_grows_with_the_projector() {
        assert_eq!(presenter_zoom(720.0), 1.25);
        assert!((presenter_zoom(1080.0) - 1.65).abs() < 1e-6);
        assert_eq!(presenter_zoom(400.0), 1.25);
        assert_eq!(presenter_zoom(4000.0), 2.4);
    }
}
