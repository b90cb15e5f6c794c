//! The arm as a loss: half the squared distance from tool to target, and its gradient in
//! joint space, Jᵀ(x − x*).

use super::*;

pub(super) fn arm_section(
    ui: &mut egui::Ui,
    state: &mut GradientsState,
    robot: Option<&Robot>,
    descent: &Descent,
    actions: &mut MessageWriter<Request>,
    l: Lang,
) {
    note(ui, l.t("grad_arm_intro"));
    let Some(robot) = robot else { return };
    ui.horizontal(|ui| {
        ui.checkbox(&mut state.descend, l.t("grad_descend"));
        if ui.button(l.t("grad_reset_pose")).clicked() {
            state.descend = false;
            actions.write(Request::Pose {
                q: start_configuration(&robot.model),
                teach: true,
            });
        }
    });
    ui.add(egui::Slider::new(&mut state.eta, 0.05..=5.0).text("η (rad/m²)"));
    for (i, axis) in ["x*", "y*", "z*"].iter().enumerate() {
        let range = if i == 2 { 0.0..=1.0 } else { -0.8..=0.8 };
        ui.add(egui::Slider::new(&mut state.target[i], range).text(format!("{axis} (m)")));
    }
    let Some((e, g)) = gradient(robot, state.target) else {
        note(ui, l.t("grad_no_chain"));
        return;
    };
    ui.monospace(format!(
        "‖x − x*‖ = {:.1} mm   L = ½‖x − x*‖² = {:.2e} m²",
        e.norm() * 1e3,
        0.5 * e.norm_squared()
    ));
    ui.label(l.t("grad_per_joint"));
    let bars: Vec<Bar> = g
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Bar::new(i as f64 + 1.0, *v)
                .width(0.6)
                .name(format!("q{}", i + 1))
        })
        .collect();
    fixed_plot("grad_arm_bars", 90.0)
        .show_x(false)
        .y_axis_label("m")
        .show_logged(ui, "grad_arm_bars", |p| {
            p.bars(Bars::new("Jᵀ(x − x*)", bars).color(GOLD));
        });
    if descent.losses.len() > 1 {
        let pts: Vec<[f64; 2]> = descent
            .losses
            .iter()
            .enumerate()
            .map(|(i, v)| [i as f64, v.max(1e-30).log10()])
            .collect();
        fixed_plot("grad_arm_loss", 90.0)
            .x_axis_label(l.t("grad_step_axis"))
            .y_axis_label("log₁₀ L")
            .show_logged(ui, "grad_arm_loss", |p| {
                p.line(Line::new("L", pts).color(TEAL));
                if let Some(x) = descent.cursor() {
                    moment_line(p, x);
                }
            });
    }
    note(ui, l.t("grad_arm_note"));
    if ui.button(l.t("grad_open_jacobian")).clicked() {
        // By its public name, as a link would: a lesson does not import another.
        actions.write(Request::Lesson(Some("jacobian")));
    }
}
