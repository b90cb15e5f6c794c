//! The frame-time overlay (F2), as simulators' profilers show it: frames per second, and the
//! main thread's time per frame split into the app's phases: physics (the user's actions and
//! whatever drives the arm), kinematics, overlays (every lesson's drawing), the interface
//! (egui's pass, every panel), and the rest (Bevy's own work: transforms, visibility,
//! extraction for the renderer). Each phase is timed between marks at its edges.

use crate::kit::ArmSet;
use crate::kit::i18n::Lang;
use bevy::platform::time::Instant;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPostUpdateSet, EguiPrimaryContextPass, egui};
use std::collections::VecDeque;

/// Frames kept for the overlay's plot and averages.
pub const KEPT: usize = 240;

/// One frame's times (ms).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Split {
    /// From this frame's start to the next one's (what sets the frame rate).
    pub frame: f64,
    /// The main thread's work, from Bevy's `First` to `Last`.
    pub main: f64,
    pub physics: f64,
    pub kinematics: f64,
    pub overlays: f64,
    pub ui: f64,
}

impl Split {
    /// The main thread's time outside the four phases.
    pub fn other(&self) -> f64 {
        (self.main - self.physics - self.kinematics - self.overlays - self.ui).max(0.0)
    }
}

/// Where a mark is taken.
#[derive(Clone, Copy)]
enum Mark {
    Start,
    DriveStart,
    DriveEnd,
    KinematicsEnd,
    ViewsEnd,
    UiStart,
    UiEnd,
    End,
}

const MARKS: usize = 8;

#[derive(Resource, Default)]
pub struct FrameTimes {
    /// The overlay is shown.
    pub shown: bool,
    marks: [Option<Instant>; MARKS],
    pub history: VecDeque<Split>,
}

impl FrameTimes {
    /// The mean of the last `n` frames.
    pub fn mean(&self, n: usize) -> Split {
        let n = n.min(self.history.len()).max(1);
        let mut m = Split::default();
        for s in self.history.iter().rev().take(n) {
            m.frame += s.frame;
            m.main += s.main;
            m.physics += s.physics;
            m.kinematics += s.kinematics;
            m.overlays += s.overlays;
            m.ui += s.ui;
        }
        let k = 1.0 / n as f64;
        Split {
            frame: m.frame * k,
            main: m.main * k,
            physics: m.physics * k,
            kinematics: m.kinematics * k,
            overlays: m.overlays * k,
            ui: m.ui * k,
        }
    }

    /// The last frame's split from its marks, as the next frame starts at `now`.
    fn close(&mut self, now: Instant) -> Option<Split> {
        let m = &self.marks;
        let ms = |a: Mark, b: Mark| -> f64 {
            match (m[a as usize], m[b as usize]) {
                (Some(a), Some(b)) if b >= a => (b - a).as_secs_f64() * 1e3,
                _ => 0.0,
            }
        };
        let start = m[Mark::Start as usize]?;
        Some(Split {
            frame: (now - start).as_secs_f64() * 1e3,
            main: ms(Mark::Start, Mark::End),
            physics: ms(Mark::DriveStart, Mark::DriveEnd),
            kinematics: ms(Mark::DriveEnd, Mark::KinematicsEnd),
            overlays: ms(Mark::KinematicsEnd, Mark::ViewsEnd),
            ui: ms(Mark::UiStart, Mark::UiEnd),
        })
    }
}

fn mark<const K: usize>(mut times: ResMut<FrameTimes>) {
    times.marks[K] = Some(Instant::now());
}

fn frame_start(mut times: ResMut<FrameTimes>) {
    let now = Instant::now();
    if let Some(split) = times.close(now) {
        times.history.push_back(split);
        while times.history.len() > KEPT {
            times.history.pop_front();
        }
    }
    times.marks = [None; MARKS];
    times.marks[Mark::Start as usize] = Some(now);
}

pub struct ProfilerPlugin;

impl Plugin for ProfilerPlugin {
    fn build(&self, app: &mut App) {
        add_marks(app);
        app.add_systems(EguiPrimaryContextPass, overlay);
    }
}

/// The resource and the marks at the edges of each phase.
fn add_marks(app: &mut App) {
    app.init_resource::<FrameTimes>()
        .add_systems(First, frame_start)
        .add_systems(
            Update,
            (
                mark::<{ Mark::DriveStart as usize }>.before(ArmSet::Actions),
                mark::<{ Mark::DriveEnd as usize }>
                    .after(ArmSet::Drive)
                    .before(ArmSet::Kinematics),
                mark::<{ Mark::KinematicsEnd as usize }>
                    .after(ArmSet::Kinematics)
                    .before(ArmSet::Views),
                mark::<{ Mark::ViewsEnd as usize }>.after(ArmSet::Views),
            ),
        )
        .add_systems(
            PostUpdate,
            (
                mark::<{ Mark::UiStart as usize }>.before(EguiPostUpdateSet::EndPass),
                mark::<{ Mark::UiEnd as usize }>.after(EguiPostUpdateSet::EndPass),
            ),
        )
        .add_systems(Last, mark::<{ Mark::End as usize }>);
}

/// The colours of the phases, in the plot and the table.
const PHASES: [(&str, egui::Color32); 5] = [
    ("profiler_physics", egui::Color32::from_rgb(90, 170, 255)),
    (
        "profiler_kinematics",
        egui::Color32::from_rgb(120, 220, 120),
    ),
    ("profiler_overlays", egui::Color32::from_rgb(255, 190, 60)),
    ("profiler_ui", egui::Color32::from_rgb(230, 110, 230)),
    ("profiler_other", egui::Color32::from_gray(170)),
];

fn overlay(mut contexts: EguiContexts, times: Res<FrameTimes>, lang: Res<Lang>) -> Result {
    if !times.shown {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let mean = times.mean(60);
    egui::Window::new(l.t("profiler_title"))
        .id(egui::Id::new("profiler"))
        .anchor(egui::Align2::CENTER_TOP, [0.0, 8.0])
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            let fps = if mean.frame > 0.0 {
                1e3 / mean.frame
            } else {
                0.0
            };
            ui.monospace(format!(
                "{fps:5.1} {}   {:5.2} ms {}",
                l.t("profiler_fps"),
                mean.frame,
                l.t("profiler_per_frame")
            ));
            ui.monospace(format!("{}: {:5.2} ms", l.t("profiler_main"), mean.main));
            let parts = [
                mean.physics,
                mean.kinematics,
                mean.overlays,
                mean.ui,
                mean.other(),
            ];
            egui::Grid::new("profiler_split").show(ui, |ui| {
                for ((key, color), v) in PHASES.iter().zip(parts) {
                    ui.colored_label(*color, l.t(key));
                    ui.monospace(format!("{v:6.2} ms"));
                    ui.end_row();
                }
            });
            // The last frames, each a column stacked from the phases.
            let mut lines: Vec<Vec<[f64; 2]>> = vec![Vec::new(); PHASES.len()];
            for (i, s) in times.history.iter().enumerate() {
                let mut top = 0.0;
                for (k, v) in [s.physics, s.kinematics, s.overlays, s.ui, s.other()]
                    .into_iter()
                    .enumerate()
                {
                    top += v;
                    lines[k].push([i as f64, top]);
                }
            }
            crate::kit::widgets::fixed_plot("profiler_plot", 90.0)
                .width(260.0)
                .include_y(0.0)
                .show_x(false)
                .show(ui, |p| {
                    for (k, line) in lines.into_iter().enumerate().rev() {
                        p.line(
                            egui_plot::Line::new(l.t(PHASES[k].0), line)
                                .color(PHASES[k].1)
                                .fill(0.0),
                        );
                    }
                });
            ui.label(l.t("profiler_note"));
        });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::Model;
    use bevy::state::app::StatesPlugin;

    /// The marks give every frame a split whose phases fit inside the main thread's time.
    #[test]
    fn each_frame_is_split_into_phases_that_fit_inside_it() {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin));
        let model = Model::from_urdf_str(crate::robot::panda::URDF).expect("the bundled Panda");
        app.insert_resource(crate::kit::robot::Robot::new(model))
            .add_plugins((
                super::super::robot::RobotPlugin,
                super::super::sim::SimPlugin,
            ));
        // The marks without the egui window (no egui here).
        add_marks(&mut app);
        for _ in 0..30 {
            app.update();
        }
        let times = app.world().resource::<FrameTimes>();
        assert_eq!(times.history.len(), 29);
        for s in &times.history {
            assert!(s.main > 0.0 && s.frame >= s.main, "{s:?}");
            let phases = s.physics + s.kinematics + s.overlays + s.ui;
            assert!(phases <= s.main + 1e-9, "{s:?}");
            assert!(s.physics > 0.0, "{s:?}");
        }
        let m = times.mean(10);
        assert!(m.main > 0.0 && m.other() >= 0.0);
    }
}
