//! Attention: the tool's position as the query, the demonstrated windows as keys and
//! values.

use super::*;

pub(super) fn attention_section(
    ui: &mut egui::Ui,
    state: &mut LossesState,
    data: &CourseData,
    robot: Option<&Robot>,
    l: Lang,
) {
    note(ui, l.t("loss_att_intro"));
    ui.checkbox(&mut state.key_bias, l.t("loss_key_bias"));
    let Some(query) = robot
        .and_then(|r| r.kin.as_ref())
        .map(|k| k.pose.translation)
    else {
        return;
    };
    let Some(att) = Attention::at(data, &query, state.key_bias) else {
        return;
    };
    let top = att.top(12);
    let bars: Vec<Bar> = top
        .iter()
        .enumerate()
        .map(|(rank, (i, w))| {
            let color = if att.side(*i) == 0 { near() } else { far() };
            Bar::new(rank as f64 + 1.0, *w * 100.0)
                .width(0.7)
                .fill(color)
        })
        .collect();
    let kernel: Vec<[f64; 2]> = top
        .iter()
        .enumerate()
        .map(|(rank, (i, _))| [rank as f64 + 1.0, att.kernel[*i] * 100.0])
        .collect();
    // Headroom above the tallest bar or dot, so the legend does not cover them.
    let tallest = top
        .iter()
        .zip(&kernel)
        .map(|((_, w), k)| (w * 100.0).max(k[1]))
        .fold(0.0, f64::max);
    let name = if state.key_bias {
        "softmax(q·k/s² + b)"
    } else {
        "softmax(q·k/s²)"
    };
    fixed_plot("loss_att_plot", 140.0)
        .x_axis_label(l.t("loss_att_rank"))
        .y_axis_label("w (%)")
        .include_y(0.0)
        .include_y(1.7 * tallest)
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "loss_att_plot", |p| {
            p.bars(Bars::new(name, bars).color(near()));
            p.points(
                Points::new(l.t("loss_kernel"), kernel)
                    .radius(4.0)
                    .color(egui::Color32::WHITE),
            );
        });
    let demos: Vec<String> = top
        .iter()
        .take(6)
        .map(|(i, _)| format!("#{}", att.demo(*i)))
        .collect();
    ui.monospace(format!(
        "{}: {}   s = {:.2}   {}: {}",
        l.t("loss_keys"),
        att.keys(),
        att.s,
        l.t("loss_att_demos"),
        demos.join(" ")
    ));
    math(
        ui,
        &format!(
            "max |w − w_kernel| = {:.1e}   {}: {:.0} %",
            att.max_difference(),
            l.t("loss_far_mass"),
            att.far_share() * 100.0
        ),
    );
    note(ui, l.t("loss_att_note"));
}
