//! The scrub bar, a row of the transport window: step back and forward, the slider over every
//! moment kept (a tick where each run starts), what the moment shown is, live and branch, the
//! run kept for A/B, and the exports (CSV, plots, screenshot, clip). Its controls send
//! [`Request::Timeline`].

use super::clip::Clip;
use super::timeline::{PINNED_COLOR, Pinned};
use crate::kit::commands::{Request, TimelineCmd};
use crate::kit::i18n::Lang;
use crate::kit::sim::Sim;
use crate::sim::history::Source;
use bevy::prelude::*;
use bevy_egui::egui;

/// The scrub bar's length on screen (points).
const SLIDER_WIDTH: f32 = 420.0;

/// Monospaced text that is never wrapped (a number in a row must not break). Callers give it
/// a fixed width: text whose width changes moves by fractions of a pixel, and each new glyph
/// position is a new font-atlas entry that shows only from the next frame.
fn fixed(ui: &mut egui::Ui, text: String) {
    ui.add(egui::Label::new(egui::RichText::new(text).monospace()).extend());
}

/// The indices where a run starts, at most one per pixel of the bar.
fn run_starts(sim: &Sim) -> Vec<usize> {
    let len = sim.history.len();
    let per_pixel = (len as f32 / SLIDER_WIDTH).ceil().max(1.0) as usize;
    let mut out: Vec<usize> = Vec::new();
    for (i, f) in sim.history.frames().enumerate() {
        if i > 0 && f.period == 0 && out.last().is_none_or(|&j| i - j >= per_pixel) {
            out.push(i);
        }
    }
    out
}

/// The scrub bar: a row of the transport window. Its controls send [`Request::Timeline`].
pub fn scrub_row(
    ui: &mut egui::Ui,
    l: Lang,
    sim: &Sim,
    pinned: &Pinned,
    clip: Option<&mut Clip>,
    actions: &mut MessageWriter<Request>,
) {
    let len = sim.history.len();
    if len == 0 {
        return;
    }
    let mut plots = None;
    let mut send = |cmd| {
        actions.write(Request::Timeline(cmd));
    };
    ui.horizontal(|ui| {
        slider(ui, l, sim, &mut send);
        moment(ui, l, sim, &mut send);
        ui.separator();
        pin(ui, l, pinned, &mut send);
        plots = exports(ui, l, &mut send);
        // Clips are saved as files: the desktop only (the browser would download each frame).
        if let Some(clip) = clip {
            clip_controls(ui, l, clip, &mut send);
        }
    });
    if let Some(text) = plots {
        actions.write(Request::Save {
            stem: "armtutor-plots",
            ext: "csv",
            text,
        });
    }
}

/// Back a period, the slider over every moment kept (a tick where each run starts), forward.
fn slider(ui: &mut egui::Ui, l: Lang, sim: &Sim, send: &mut impl FnMut(TimelineCmd)) {
    let len = sim.history.len();
    if ui.button("⏴").on_hover_text(l.t("timeline_back")).clicked() {
        send(TimelineCmd::Step(-1));
    }
    let mut at = sim.viewed().map_or(len - 1, |(i, _)| i);
    let slider = egui::Slider::new(&mut at, 0..=len - 1)
        .show_value(false)
        .handle_shape(egui::style::HandleShape::Rect { aspect_ratio: 0.5 });
    ui.spacing_mut().slider_width = SLIDER_WIDTH;
    let response = ui.add(slider).on_hover_text(l.t("timeline_scrub"));
    if response.changed() {
        send(TimelineCmd::Show(at));
    }
    // A tick where each run starts (an episode, or a stretch of teach mode).
    let rect = response.rect;
    let painter = ui.painter_at(rect);
    let stroke = egui::Stroke::new(1.0, ui.visuals().weak_text_color());
    for i in run_starts(sim) {
        let x = rect.left() + rect.width() * i as f32 / (len - 1).max(1) as f32;
        painter.vline(x, rect.y_range(), stroke);
    }
    if ui
        .button("⏵")
        .on_hover_text(l.t("timeline_forward"))
        .clicked()
    {
        send(TimelineCmd::Step(1));
    }
}

/// How far back the moment shown is and what it is, with live and branch; or, live, how many
/// seconds are kept.
fn moment(ui: &mut egui::Ui, l: Lang, sim: &Sim, send: &mut impl FnMut(TimelineCmd)) {
    let Some((i, frame)) = sim.viewed() else {
        fixed(
            ui,
            format!(
                "{} {:3.0} s",
                l.t("timeline_kept"),
                sim.history.seconds_back(0)
            ),
        );
        return;
    };
    fixed(ui, format!("−{:6.2} s", sim.history.seconds_back(i)));
    let what = match (frame.source, frame.seed) {
        (Source::Physics, Some(seed)) => {
            format!("{} {seed} · t = {:.2} s", l.t("seed"), frame.row.t)
        }
        (Source::Lesson, _) => {
            format!("{} · t = {:.2} s", l.t("timeline_lesson"), frame.row.t)
        }
        _ => format!("{} · t = {:.2} s", l.t("teach"), frame.row.t),
    };
    ui.label(what);
    if ui
        .button(l.t("timeline_live"))
        .on_hover_text(l.t("timeline_live_tip"))
        .clicked()
    {
        send(TimelineCmd::Live);
    }
    if ui
        .button(l.t("timeline_branch"))
        .on_hover_text(l.t("timeline_branch_tip"))
        .clicked()
    {
        send(TimelineCmd::Branch);
    }
}

/// Keep a run for A/B, or the run kept and a button to drop it.
fn pin(ui: &mut egui::Ui, l: Lang, pinned: &Pinned, send: &mut impl FnMut(TimelineCmd)) {
    match &pinned.0 {
        None => {
            if ui
                .button(l.t("timeline_pin"))
                .on_hover_text(l.t("timeline_pin_tip"))
                .clicked()
            {
                send(TimelineCmd::Pin);
            }
        }
        Some(run) => {
            let seed = run.seed.map_or(String::new(), |s| format!(" {s}"));
            ui.colored_label(
                crate::kit::widgets::egui_color(PINNED_COLOR),
                format!("{}{seed}", l.t("timeline_pinned")),
            )
            .on_hover_text(l.t("timeline_pinned_tip"));
            if ui
                .small_button("✖")
                .on_hover_text(l.t("timeline_unpin"))
                .clicked()
            {
                send(TimelineCmd::Unpin);
            }
        }
    }
}

/// The timeline as CSV, the plots as CSV (when a lesson shows plots), a screenshot. The plots'
/// CSV, once they have copied their series.
fn exports(ui: &mut egui::Ui, l: Lang, send: &mut impl FnMut(TimelineCmd)) -> Option<String> {
    if ui
        .button("CSV")
        .on_hover_text(l.t("timeline_csv_tip"))
        .clicked()
    {
        send(TimelineCmd::ExportCsv);
    }
    if crate::kit::widgets::has_plots(ui.ctx())
        && ui
            .button(l.t("plots_csv"))
            .on_hover_text(l.t("plots_csv_tip"))
            .clicked()
    {
        // The plots copy their series only from now on, for the next pass.
        crate::kit::widgets::request_plots_csv(ui.ctx());
    }
    let plots = crate::kit::widgets::take_plots_csv(ui.ctx());
    if ui
        .button("📷")
        .on_hover_text(l.t("screenshot_tip"))
        .clicked()
    {
        send(TimelineCmd::Screenshot);
    }
    plots
}

/// Record a clip of so many seconds, or the frames it has left to record.
fn clip_controls(ui: &mut egui::Ui, l: Lang, clip: &mut Clip, send: &mut impl FnMut(TimelineCmd)) {
    if clip.recording() {
        ui.colored_label(
            egui::Color32::from_rgb(255, 90, 90),
            format!("⏺ {:4}", clip.left),
        );
    } else {
        if ui.button("⏺").on_hover_text(l.t("clip_tip")).clicked() {
            send(TimelineCmd::Clip);
        }
        ui.add(
            egui::DragValue::new(&mut clip.seconds)
                .range(1.0..=60.0)
                .speed(0.2)
                .max_decimals(0)
                .suffix(" s"),
        );
    }
}
