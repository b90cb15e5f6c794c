//! The widgets and switches every lesson draws with: the lesson panel, fixed plots, colours,
//! 3D labels, and the chrome's state that a panel respects (hidden panels, presenter mode).

use bevy::prelude::*;
use bevy_egui::egui;

/// The egui id of the lesson panel's window, whatever the lesson's title.
const LESSON_PANEL: &str = "lesson_panel";

/// The panel every lesson draws in: a window pinned top right (its id is what
/// `fit_viewport` keeps the 3D view clear of), scrolling above the transport bar.
pub fn lesson_panel(ctx: &egui::Context, title: &str, add_contents: impl FnOnce(&mut egui::Ui)) {
    egui::Window::new(title)
        .id(egui::Id::new(LESSON_PANEL))
        .anchor(egui::Align2::RIGHT_TOP, [-8.0, 8.0])
        .default_width(390.0)
        .resizable(false)
        .show(ctx, |ui| {
            // The screen minus the transport bar.
            let height = (ui.ctx().content_rect().height() - 150.0).max(120.0);
            egui::ScrollArea::vertical()
                .max_height(height)
                .min_scrolled_height(height)
                .show(ui, add_contents);
        });
}

/// Where the lesson panel was last drawn (points); `None` before it has been.
pub fn lesson_panel_rect(ctx: &egui::Context) -> Option<egui::Rect> {
    ctx.memory(|m| m.area_rect(egui::Id::new(LESSON_PANEL)))
}

/// A lesson's section tabs, one per entry of its `Section::ALL` (section, address name, string
/// key), then a separator.
pub fn section_tabs<S: PartialEq + Copy>(
    ui: &mut egui::Ui,
    current: &mut S,
    all: &[(S, &str, &'static str)],
    l: crate::kit::i18n::Lang,
) {
    ui.horizontal_wrapped(|ui| {
        for &(s, _, key) in all {
            ui.selectable_value(current, s, l.t(key));
        }
    });
    ui.separator();
}

/// A plot that shows data rather than being explored: no drag, zoom or scroll, so the mouse
/// wheel scrolls the panel it sits in. Its y axis is wide enough for a label such as -10 in
/// presenter mode's larger text (egui_plot's default cut the minus sign off).
pub fn fixed_plot(id: &str, height: f32) -> egui_plot::Plot<'static> {
    egui_plot::Plot::new(id.to_string())
        .height(height)
        .y_axis_min_width(40.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
}

/// A plot being drawn. While an export is asked for ([`request_plots_csv`]) it keeps every line
/// and point series it gets; otherwise it only passes them on. It derefs to egui_plot's
/// `PlotUi`, so everything else is drawn as usual.
pub struct Logged<'a, 'b> {
    plot: &'a mut egui_plot::PlotUi<'b>,
    /// `None`: nothing asked for, nothing copied.
    series: Option<Series>,
}

impl<'b> std::ops::Deref for Logged<'_, 'b> {
    type Target = egui_plot::PlotUi<'b>;
    fn deref(&self) -> &Self::Target {
        self.plot
    }
}

impl std::ops::DerefMut for Logged<'_, '_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.plot
    }
}

impl<'b> Logged<'_, 'b> {
    fn keep(&mut self, item: &impl egui_plot::PlotItem) {
        if let (Some(series), egui_plot::PlotGeometry::Points(points)) =
            (&mut self.series, item.geometry())
        {
            let xy = points.iter().map(|p| [p.x, p.y]).collect();
            series.push((item.name().to_string(), xy));
        }
    }

    pub fn line(&mut self, line: egui_plot::Line<'b>) {
        self.keep(&line);
        self.plot.line(line);
    }

    pub fn points(&mut self, points: egui_plot::Points<'b>) {
        self.keep(&points);
        self.plot.points(points);
    }

    /// A bar chart; an export keeps each bar as (its argument, its value).
    pub fn bars(&mut self, bars: Bars) {
        if let Some(series) = &mut self.series {
            let xy = bars.bars.iter().map(|b| [b.argument, b.value]).collect();
            series.push((bars.name.clone(), xy));
        }
        let mut chart = egui_plot::BarChart::new(bars.name, bars.bars);
        if let Some(color) = bars.color {
            chart = chart.color(color);
        }
        self.plot.bar_chart(chart);
    }
}

/// A bar chart to draw with [`Logged::bars`] (egui_plot's own chart keeps its bars to itself,
/// so an export could not read them back).
pub struct Bars {
    name: String,
    bars: Vec<egui_plot::Bar>,
    color: Option<egui::Color32>,
}

impl Bars {
    pub fn new(name: impl Into<String>, bars: Vec<egui_plot::Bar>) -> Bars {
        Bars {
            name: name.into(),
            bars,
            color: None,
        }
    }

    pub fn color(mut self, color: impl Into<egui::Color32>) -> Bars {
        self.color = Some(color.into());
        self
    }
}

/// A plot's named series of (x, y) points.
pub type Series = Vec<(String, Vec<[f64; 2]>)>;

/// What the plots drew lately: the last egui pass any plot was drawn in and, while an export
/// is asked for (since the pass in `requested`), every plot's series by plot id.
#[derive(Clone, Default)]
struct PlotLog {
    drawn: Option<u64>,
    requested: Option<u64>,
    plots: std::collections::BTreeMap<String, (u64, Series)>,
}

fn plot_log_id() -> egui::Id {
    egui::Id::new("armtutor_plot_log")
}

/// `Plot::show` that can keep what was drawn, under `id`, for [`take_plots_csv`].
pub trait ShowLogged {
    fn show_logged<R>(
        self,
        ui: &mut egui::Ui,
        id: &str,
        add: impl FnOnce(&mut Logged<'_, '_>) -> R,
    ) -> egui_plot::PlotResponse<R>;
}

impl ShowLogged for egui_plot::Plot<'_> {
    fn show_logged<R>(
        self,
        ui: &mut egui::Ui,
        id: &str,
        add: impl FnOnce(&mut Logged<'_, '_>) -> R,
    ) -> egui_plot::PlotResponse<R> {
        let ctx = ui.ctx().clone();
        let collect = ctx.data_mut(|d| {
            d.get_temp_mut_or_default::<PlotLog>(plot_log_id())
                .requested
                .is_some()
        });
        self.show(ui, |plot| {
            let mut logged = Logged {
                plot,
                series: collect.then(Vec::new),
            };
            let r = add(&mut logged);
            let pass = ctx.cumulative_pass_nr();
            let series = logged.series;
            ctx.data_mut(|d| {
                let log = d.get_temp_mut_or_default::<PlotLog>(plot_log_id());
                log.drawn = Some(pass);
                if let Some(series) = series {
                    log.plots.insert(id.to_string(), (pass, series));
                }
            });
            r
        })
    }
}

/// Whether a plot was drawn in the last two passes.
pub fn has_plots(ctx: &egui::Context) -> bool {
    let now = ctx.cumulative_pass_nr();
    ctx.data_mut(|d| {
        d.get_temp_mut_or_default::<PlotLog>(plot_log_id())
            .drawn
            .is_some_and(|pass| pass + 2 >= now)
    })
}

/// Asks the plots to keep their series from the next pass on, for [`take_plots_csv`].
pub fn request_plots_csv(ctx: &egui::Context) {
    let now = ctx.cumulative_pass_nr();
    ctx.data_mut(|d| {
        let log = d.get_temp_mut_or_default::<PlotLog>(plot_log_id());
        log.requested = Some(now);
        log.plots.clear();
    });
}

/// Once a whole pass has drawn since [`request_plots_csv`]: every line, point and bar series of the
/// plots drawn since (the panel shown), as CSV: `plot,series,x,y`, one row per point; `None`
/// when no plot was drawn. The request is then done. `None` before that, or without a request.
pub fn take_plots_csv(ctx: &egui::Context) -> Option<String> {
    let now = ctx.cumulative_pass_nr();
    let plots = ctx.data_mut(|d| {
        let log = d.get_temp_mut_or_default::<PlotLog>(plot_log_id());
        let asked = log.requested?;
        if now <= asked + 1 {
            return None;
        }
        log.requested = None;
        Some(
            std::mem::take(&mut log.plots)
                .into_iter()
                .filter(|(_, (pass, _))| *pass > asked)
                .collect::<Vec<_>>(),
        )
    })?;
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("plot,series,x,y\n");
    let mut any = false;
    for (plot, (_, series)) in &plots {
        for (name, points) in series {
            for [x, y] in points {
                any = true;
                out.push_str(&format!("{},{},{x},{y}\n", quote(plot), quote(name)));
            }
        }
    }
    any.then_some(out)
}

/// The colour of the timeline's cursor in every plot over time.
pub const MOMENT_COLOR: egui::Color32 = egui::Color32::from_rgb(255, 200, 90);

/// The moment the timeline shows, as a vertical line at `x` in a plot over time.
pub fn moment_line(plot: &mut egui_plot::PlotUi, x: f64) {
    plot.vline(egui_plot::VLine::new("", x).color(MOMENT_COLOR).width(2.0));
}

/// A Bevy colour for egui (sRGB, opaque).
pub fn egui_color(c: Color) -> egui::Color32 {
    let s = c.to_srgba();
    egui::Color32::from_rgb(
        (s.red * 255.0) as u8,
        (s.green * 255.0) as u8,
        (s.blue * 255.0) as u8,
    )
}

/// The two modes of the obstacle course: near side teal, far side orange.
pub const SIDE_COLORS: [Color; 2] = [Color::srgb(0.3, 0.85, 0.8), Color::srgb(1.0, 0.6, 0.2)];
/// What is wrong, or a baseline: red.
pub const BASELINE_COLOR: Color = Color::srgb(1.0, 0.15, 0.15);

#[derive(Resource, Debug, Clone)]
pub struct UiState {
    /// Large UI, minimal chrome, keyboard-driven.
    pub presenter: bool,
    pub help: bool,
    /// Hide every panel (H): just the arm and the overlays.
    pub hide_panels: bool,
}

/// Text placed at a 3D point (REP-103 coordinates are converted by the caller), drawn over
/// the scene this frame. Lessons push labels here in `Update`.
#[derive(Resource, Default, Debug)]
pub struct Labels(pub Vec<(Vec3, String, egui::Color32)>);

impl Labels {
    /// A label, its formulas typeset (`T_ab`).
    pub fn add(&mut self, at: Vec3, text: impl Into<String>, color: egui::Color32) {
        self.0.push((at, text.into(), color));
    }

    /// A name shown as written (a link's `panda_link3`, not a subscript).
    pub fn name(&mut self, at: Vec3, name: &str, color: egui::Color32) {
        let name = crate::robot::names::shown(name);
        self.0
            .push((at, crate::kit::typeset::verbatim(&name), color));
    }
}

/// Explanatory text in a panel: body size (it is read, often from the back of a room), wrapped
/// to the panel's width, its formulas typeset (see [`crate::kit::typeset`]).
pub fn note(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(egui::Label::new(typeset_job(ui, text, egui::TextStyle::Body)).wrap())
}

/// A label whose formulas are typeset, on one line as `ui.label` would lay it out.
pub fn label(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(egui::Label::new(typeset_job(
        ui,
        text,
        egui::TextStyle::Body,
    )))
}

/// A line of numbers and formulas in the monospace font (columns of figures stay aligned), its
/// sub- and superscripts typeset.
pub fn math(ui: &mut egui::Ui, text: &str) -> egui::Response {
    ui.add(egui::Label::new(typeset_job(
        ui,
        text,
        egui::TextStyle::Monospace,
    )))
}

/// A typeset line in a colour of its own, in the body font.
pub fn colored(ui: &mut egui::Ui, color: egui::Color32, text: &str) -> egui::Response {
    let font = egui::TextStyle::Body.resolve(ui.style());
    ui.add(egui::Label::new(crate::kit::typeset::inline_job(
        text, font, color,
    )))
}

/// Text with typeset formulas for any widget that takes text (a button, a hover text).
pub fn typeset_job(ui: &egui::Ui, text: &str, style: egui::TextStyle) -> egui::text::LayoutJob {
    crate::kit::typeset::inline_job(text, style.resolve(ui.style()), ui.visuals().text_color())
}

/// Placed and hit counts per driver of a scenario (only the drivers named in `keys`, in the
/// order they first ran), with a button that clears them.
pub fn tally_table(
    ui: &mut egui::Ui,
    id: &str,
    tallies: &mut crate::kit::tally::Tallies,
    keys: &[&str],
    l: crate::kit::i18n::Lang,
) {
    egui::Grid::new(id).num_columns(3).show(ui, |ui| {
        ui.label("");
        ui.label(l.t("tally_placed"));
        ui.label(l.t("tally_hit"));
        ui.end_row();
        for (name, t) in tallies.0.iter().filter(|(n, _)| keys.contains(n)) {
            ui.label(l.t(name));
            ui.monospace(format!("{}/{}", t.successes, t.episodes));
            ui.monospace(format!("{}", t.collisions));
            ui.end_row();
        }
    });
    if ui.button(l.t("reset_tallies")).clicked() {
        tallies.0.retain(|(n, _)| !keys.contains(n));
    }
}

#[cfg(test)]
mod plot_log_tests {
    use super::*;

    /// What a panel plots is kept and written as CSV; a plot no longer shown is not.
    #[test]
    fn the_plots_shown_export_as_csv() {
        let ctx = egui::Context::default();
        let frame = |ctx: &egui::Context, show: bool| {
            let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
                if show {
                    fixed_plot("speeds", 100.0).show_logged(ui, "speeds", |p| {
                        p.line(egui_plot::Line::new(
                            "q̇, joint 1",
                            vec![[0.0, 1.0], [0.5, 2.0]],
                        ));
                        p.points(egui_plot::Points::new("peaks", vec![[0.25, 3.0]]));
                        p.bars(Bars::new(
                            "σ",
                            vec![
                                egui_plot::Bar::new(1.0, 0.5),
                                egui_plot::Bar::new(2.0, 0.25),
                            ],
                        ));
                        moment_line(p, 0.25);
                    });
                }
            });
            out.textures_delta.clear();
        };
        frame(&ctx, true);
        assert!(has_plots(&ctx));
        // Nothing is copied until an export is asked for; it is ready a whole pass later.
        assert_eq!(take_plots_csv(&ctx), None);
        request_plots_csv(&ctx);
        frame(&ctx, true);
        assert_eq!(take_plots_csv(&ctx), None);
        frame(&ctx, true);
        let csv = take_plots_csv(&ctx).unwrap();
        assert_eq!(
            csv,
            "plot,series,x,y\nspeeds,\"q̇, joint 1\",0,1\nspeeds,\"q̇, joint 1\",0.5,2\nspeeds,peaks,0.25,3\nspeeds,σ,1,0.5\nspeeds,σ,2,0.25\n"
        );
        assert_eq!(take_plots_csv(&ctx), None, "one file per request");
        for _ in 0..3 {
            frame(&ctx, false);
        }
        assert!(!has_plots(&ctx));
        request_plots_csv(&ctx);
        frame(&ctx, false);
        frame(&ctx, false);
        assert_eq!(take_plots_csv(&ctx), None);
    }
}
