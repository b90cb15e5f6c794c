//! Data: where each scripted transport passed the post (the lateral offset), near side and
//! far side, as a histogram.

use super::*;

pub(super) fn data_section(ui: &mut egui::Ui, data: &CourseData, l: Lang) {
    note(ui, l.t("loss_data_intro"));
    let (near_side, far_side) = data.sides();
    offsets_plot("loss_data_plot", l).show_logged(ui, "loss_data_plot", |p| {
        for b in data_bars(data, 1.0) {
            p.bars(b);
        }
        p.vline(VLine::new(l.t("loss_post"), -3.0).color(GREY));
        p.vline(VLine::new("", 3.0).color(GREY));
    });
    let mean = |v: &[f64]| cm(v.iter().sum::<f64>() / v.len().max(1) as f64);
    ui.monospace(format!(
        "{}: {}   {} {} ({:+.1} cm)   {} {} ({:+.1} cm)",
        l.t("loss_demos"),
        data.offsets.len(),
        l.t("loss_near"),
        near_side.len(),
        mean(&near_side),
        l.t("loss_far"),
        far_side.len(),
        mean(&far_side),
    ));
    note(ui, l.t("loss_data_note"));
}
