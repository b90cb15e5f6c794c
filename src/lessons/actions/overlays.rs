//! What the lesson draws over the scene: the predicted chunks as ghost tool paths (the
//! executed part solid, the seams marked), the predictions overlapping the current period, and
//! the commanded against the measured tool path.

use super::ActionsState;
use crate::kit::convert;
use crate::kit::prelude::*;
use bevy::prelude::*;

/// Chunks drawn: the newest few, enough to see the seams without a tangle.
pub const CHUNKS_DRAWN: usize = 12;
/// The executed part of a chunk and its seam; the part thrown away, faint.
pub const EXECUTED_COLOR: Color = Color::srgb(1.0, 0.75, 0.2);
pub const DROPPED_COLOR: Color = Color::srgba(1.0, 0.75, 0.2, 0.25);
/// Where the command puts the tool, and where the tool is.
pub const COMMANDED_COLOR: Color = Color::srgba(1.0, 1.0, 1.0, 0.7);
pub const MEASURED_COLOR: Color = Color::srgb(0.3, 0.85, 0.8);

pub(super) fn draw(state: Res<ActionsState>, sim: Option<Res<Sim>>, mut gizmos: Gizmos) {
    let Some(episode) = sim.as_ref().and_then(|s| s.episode()) else {
        return;
    };
    if state.show_chunks {
        let chunks = episode.chunks();
        let start = chunks.len().saturating_sub(CHUNKS_DRAWN);
        for c in &chunks[start..] {
            let points: Vec<Vec3> = c.tool.iter().map(convert::point).collect();
            let cut = c.executed.min(points.len());
            if cut > 0 {
                gizmos.linestrip(points[..cut].iter().copied(), EXECUTED_COLOR);
                // The seam: where this chunk takes over.
                gizmos.sphere(
                    Isometry3d::from_translation(points[0]),
                    0.004,
                    EXECUTED_COLOR,
                );
            }
            if cut < points.len() {
                gizmos.linestrip(
                    points[cut.saturating_sub(1)..].iter().copied(),
                    DROPPED_COLOR,
                );
            }
        }
        // With ensembling: every prediction for the period just executed.
        if state.ensemble {
            let now = episode.period().saturating_sub(1);
            for c in chunks {
                if let Some(p) = now.checked_sub(c.first).and_then(|i| c.tool.get(i)) {
                    gizmos.sphere(
                        Isometry3d::from_translation(convert::point(p)),
                        0.003,
                        Color::WHITE,
                    );
                }
            }
        }
    }
    if state.show_paths {
        let recent = episode.recent();
        // One point in eight is plenty at 240 samples a second.
        gizmos.linestrip(
            recent
                .iter()
                .step_by(8)
                .map(|s| convert::point(&s.tool_commanded)),
            COMMANDED_COLOR,
        );
        gizmos.linestrip(
            recent.iter().step_by(8).map(|s| convert::point(&s.tool)),
            MEASURED_COLOR,
        );
    }
}
