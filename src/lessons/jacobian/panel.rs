//! The lesson panel, one function per section.

use crate::kit::i18n::Lang;
use crate::kit::widgets::math;
use crate::kit::widgets::{Bars, ShowLogged};
use crate::kit::widgets::{egui_color, fixed_plot, lesson_panel, moment_line, note, typeset_job};
use crate::math::Vec3 as RVec3;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Bar, Line};

use super::*;

pub(super) fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<JacobianState>,
    robot: Res<Robot>,
    lang: Res<Lang>,
    mut actions: MessageWriter<Request>,
    sim: Option<Res<Sim>>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let Some(kin) = robot.kin.clone() else {
        return Ok(());
    };
    let mut preset = None;
    lesson_panel(ctx, l.t("lesson_jacobian"), |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.selectable_value(
                &mut state.section,
                Section::Ellipsoids,
                l.t("sec_ellipsoids"),
            );
            ui.selectable_value(&mut state.section, Section::Columns, l.t("sec_columns"));
            ui.selectable_value(&mut state.section, Section::Inverse, l.t("sec_inverse"));
            ui.selectable_value(
                &mut state.section,
                Section::Singularity,
                l.t("sec_singularity"),
            );
            ui.selectable_value(&mut state.section, Section::TwistWrench, l.t("sec_twist"));
        });
        ui.separator();
        match state.section {
            Section::Ellipsoids => ellipsoid_section(ui, &mut state, &kin, sim.as_deref(), l),
            Section::Columns => columns_section(ui, &mut state, &kin, &robot, l),
            Section::Inverse => inverse_section(ui, &mut state, &kin, l),
            Section::Singularity => {
                preset = singularity_section(ui, &mut state, &kin, l);
            }
            Section::TwistWrench => twist_section(ui, &mut state, &kin, l),
        }
    });
    if preset == Some(true)
        && let Some(q) = near_singular_q(&robot)
    {
        state.ghosts = true;
        actions.write(Request::Pose {
            q: robot.q_with_chain(&q),
            teach: true,
        });
    }
    Ok(())
}

pub(super) fn sigma_bars(ui: &mut egui::Ui, id: &str, sigma: &[f64], color: egui::Color32) {
    let bars: Vec<Bar> = sigma
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Bar::new(i as f64 + 1.0, *s)
                .width(0.6)
                .name(format!("σ{}", i + 1))
        })
        .collect();
    fixed_plot(id, 70.0)
        .include_y(0.0)
        .show_x(false)
        .show_logged(ui, id, |p| p.bars(Bars::new("σ", bars).color(color)));
}

pub(super) fn history_plot(
    ui: &mut egui::Ui,
    id: &str,
    label: &str,
    points: Vec<[f64; 2]>,
    color: egui::Color32,
    cursor: Option<f64>,
) {
    fixed_plot(id, 80.0)
        .include_y(0.0)
        .y_axis_label(label.to_string())
        .show_logged(ui, id, |p| {
            p.line(Line::new(label.to_string(), points).color(color));
            if let Some(x) = cursor {
                moment_line(p, x);
            }
        });
}

/// Where the moment the timeline shows falls in the plotted history (seconds from its end).
pub(super) fn moment_x(state: &JacobianState, sim: Option<&Sim>, t0: f64) -> Option<f64> {
    let sim = sim?;
    let (_, frame) = sim.viewed()?;
    let serial = frame.serial;
    state
        .history
        .iter()
        .find(|s| s.moment.is_some_and(|m| m >= serial))
        .map(|s| s.t - t0)
}

pub(super) fn ellipsoid_section(
    ui: &mut egui::Ui,
    state: &mut JacobianState,
    kin: &ToolKinematics,
    sim: Option<&Sim>,
    l: Lang,
) {
    note(ui, l.t("ellipsoid_intro"));
    let velocity = typeset_job(ui, l.t("velocity_ellipsoid"), egui::TextStyle::Body);
    ui.checkbox(&mut state.velocity, velocity);
    ui.checkbox(&mut state.force, l.t("force_ellipsoid"));
    ui.checkbox(&mut state.rotational, l.t("rotational_ellipsoid"));
    ui.add(egui::Slider::new(&mut state.velocity_scale, 0.05..=1.0).text(l.t("velocity_scale")));
    ui.add(
        egui::Slider::new(&mut state.force_scale, 0.005..=0.3)
            .logarithmic(true)
            .text(l.t("force_scale")),
    );
    ui.separator();
    // What is drawn: each block on its own, in its own unit.
    let blocks = BlockSigmas::of(kin);
    note(ui, l.t("sigma_translational"));
    sigma_bars(
        ui,
        "sigma_v",
        &blocks.translational,
        egui::Color32::from_rgb(80, 200, 255),
    );
    math(
        ui,
        &format!(
            "σ(J_v) = {:.3}, {:.3}, {:.3} m/s per rad/s    κ_v = {:.1}",
            blocks.translational[0],
            blocks.translational[1],
            blocks.translational[2],
            blocks.kappa_translational()
        ),
    );
    note(ui, l.t("sigma_rotational"));
    sigma_bars(
        ui,
        "sigma_w",
        &blocks.rotational,
        egui::Color32::from_rgb(200, 130, 255),
    );
    math(
        ui,
        &format!(
            "σ(J_ω) = {:.3}, {:.3}, {:.3} rad/s per rad/s",
            blocks.rotational[0], blocks.rotational[1], blocks.rotational[2]
        ),
    );
    note(ui, l.t("sigma_units_note"));
    ui.separator();
    ui.label(l.t("sigma_full"));
    ui.monospace(format!(
        "w = Πσᵢ = {:.2e}    κ = σ₁/σ₆ = {:.1}",
        kin.manip.manipulability(),
        kin.manip.condition_number()
    ));
    let t0 = state.history.back().map_or(0.0, |s| s.t);
    let w: Vec<[f64; 2]> = state.history.iter().map(|s| [s.t - t0, s.w]).collect();
    // κ is unbounded at a singularity; the plot clips it so the rest stays readable.
    let k: Vec<[f64; 2]> = state
        .history
        .iter()
        .map(|s| [s.t - t0, s.kappa.min(1000.0)])
        .collect();
    let cursor = moment_x(state, sim, t0);
    history_plot(
        ui,
        "w_plot",
        l.t("manipulability"),
        w,
        egui::Color32::LIGHT_GREEN,
        cursor,
    );
    history_plot(
        ui,
        "kappa_plot",
        l.t("condition_number"),
        k,
        egui::Color32::from_rgb(255, 170, 80),
        cursor,
    );
    note(ui, l.t("ellipsoid_note"));
}

pub(super) fn columns_section(
    ui: &mut egui::Ui,
    state: &mut JacobianState,
    kin: &ToolKinematics,
    robot: &Robot,
    l: Lang,
) {
    ui.label(l.t("columns_intro"));
    ui.checkbox(&mut state.columns, l.t("show_columns"));
    let shown = kin.jacobian.ncols().min(MAX_SHOWN_COLUMNS);
    egui::Grid::new("jac").spacing([6.0, 1.0]).show(ui, |ui| {
        ui.label("");
        for i in 0..shown {
            ui.colored_label(
                egui_color(JOINT_COLORS[i % JOINT_COLORS.len()]),
                format!("dq{}", i + 1),
            );
        }
        ui.end_row();
        for (r, name) in ["vx", "vy", "vz", "ωx", "ωy", "ωz"].iter().enumerate() {
            ui.monospace(*name);
            for c in 0..shown {
                ui.monospace(format!("{:>6.3}", kin.jacobian[(r, c)]));
            }
            ui.end_row();
        }
    });
    if shown < kin.jacobian.ncols() {
        note(
            ui,
            &format!("{} {shown} / {}", l.t("columns_cut"), kin.jacobian.ncols()),
        );
    }
    note(ui, l.t("columns_note"));
    ui.separator();
    note(ui, l.t("linear_intro"));
    let n = kin.jacobian.ncols().max(1);
    let mut joint = state.linear_joint.min(n - 1) + 1;
    ui.horizontal(|ui| {
        ui.label(l.t("linear_joint"));
        ui.add(egui::DragValue::new(&mut joint).range(1..=n));
        ui.add(egui::Slider::new(&mut state.linear_dq, -1.0..=1.0).text("Δq (rad)"));
    });
    state.linear_joint = joint - 1;
    if let Some((actual, predicted)) = linear_step(robot, state.linear_joint, state.linear_dq) {
        let v3 = |v: &RVec3| format!("({:>7.4}, {:>7.4}, {:>7.4})", v.x, v.y, v.z);
        let error = (actual - predicted).norm();
        ui.monospace(format!("p(q + Δq) − p(q) = {} m", v3(&actual)));
        math(ui, &format!("J_v·Δq           = {} m", v3(&predicted)));
        ui.monospace(format!(
            "|error| = {:.1} mm    |error|/Δq² = {:.3} m/rad²",
            error * 1e3,
            if state.linear_dq != 0.0 {
                error / state.linear_dq.powi(2)
            } else {
                0.0
            }
        ));
    }
}

pub(super) fn speed_bars(ui: &mut egui::Ui, c: &Comparison) {
    let n = c.pinv.len();
    let pinv: Vec<Bar> = (0..n)
        .map(|i| Bar::new(i as f64 + 0.8, c.pinv[i]).width(0.35))
        .collect();
    let dls: Vec<Bar> = (0..n)
        .map(|i| Bar::new(i as f64 + 1.2, c.dls[i]).width(0.35))
        .collect();
    fixed_plot("speed_bars", 120.0)
        .legend(egui_plot::Legend::default())
        .show_logged(ui, "speed_bars", |p| {
            p.bars(Bars::new("J⁺", pinv).color(egui::Color32::from_rgb(255, 90, 90)));
            p.bars(Bars::new("DLS", dls).color(egui::Color32::from_rgb(90, 230, 120)));
        });
}

/// Returns `Some(true)` when the user asked for the near-singular preset.
/// Which tool twist J⁺ (and DLS) are asked for: shared by the J⁺ and singularity sections.
fn demand_picker(ui: &mut egui::Ui, state: &mut JacobianState, l: Lang) {
    ui.horizontal(|ui| {
        ui.label(l.t("demand"));
        ui.selectable_value(&mut state.demand, Demand::Weakest, l.t("demand_weakest"));
        ui.selectable_value(&mut state.demand, Demand::Up, l.t("demand_up"));
        ui.selectable_value(&mut state.demand, Demand::Forward, l.t("demand_forward"));
    });
}

pub(super) fn singularity_section(
    ui: &mut egui::Ui,
    state: &mut JacobianState,
    kin: &ToolKinematics,
    l: Lang,
) -> Option<bool> {
    note(ui, l.t("singularity_intro"));
    demand_picker(ui, state, l);
    ui.checkbox(&mut state.ghosts, l.t("ghosts"));
    let pressed = ui.button(l.t("go_singular")).clicked();
    let c = compare(kin, demanded_twist(state.demand, kin));
    math(
        ui,
        &format!("σ_min (full J) = {:.2e}   λ = {:.3}", c.sigma_min, c.lambda),
    );
    speed_bars(ui, &c);
    ui.monospace(format!(
        "|dq/dt| J⁺: {:>9.3} rad/s   |J·dq/dt − V| = {:.1e}",
        norm(&c.pinv),
        c.pinv_error
    ));
    ui.monospace(format!(
        "|dq/dt| DLS: {:>8.3} rad/s   |J·dq/dt − V| = {:.1e}",
        norm(&c.dls),
        c.dls_error
    ));
    note(ui, l.t("singularity_note"));
    pressed.then_some(true)
}

/// J⁺ beside another inverse that meets only three of the four Penrose conditions: both
/// deliver V, the other one with a longer joint speed.
fn inverse_section(ui: &mut egui::Ui, state: &mut JacobianState, kin: &ToolKinematics, l: Lang) {
    ui.label(l.t("penrose_intro"));
    demand_picker(ui, state, l);
    let c = inverses(kin, demanded_twist(state.demand, kin));
    egui::Grid::new("penrose").striped(true).show(ui, |ui| {
        ui.label("");
        ui.monospace("J⁺");
        ui.monospace("G");
        ui.end_row();
        let conditions = ["J·X·J = J", "X·J·X = X", "(J·X)ᵀ = J·X", "(X·J)ᵀ = X·J"];
        for (k, name) in conditions.iter().enumerate() {
            ui.monospace(*name);
            ui.monospace(format!("{:.1e}", c.penrose_pinv[k]));
            ui.monospace(format!("{:.1e}", c.penrose_other[k]));
            ui.end_row();
        }
        ui.monospace("|dq/dt|  rad/s");
        ui.monospace(format!("{:.3}", norm(&c.pinv)));
        ui.monospace(format!("{:.3}", norm(&c.other)));
        ui.end_row();
        ui.monospace("|J·dq/dt − V|");
        ui.monospace(format!("{:.1e}", c.pinv_error));
        ui.monospace(format!("{:.1e}", c.other_error));
        ui.end_row();
    });
    note(ui, l.t("penrose_note"));
}

pub(super) fn twist_section(
    ui: &mut egui::Ui,
    state: &mut JacobianState,
    kin: &ToolKinematics,
    l: Lang,
) {
    note(ui, l.t("twist_intro"));
    ui.label(l.t("twist_in_tool"));
    six_editor(
        ui,
        "twist",
        &mut state.twist_tool,
        ["vx", "vy", "vz", "ωx", "ωy", "ωz"],
        0.01,
    );
    ui.label(l.t("wrench_in_tool"));
    six_editor(
        ui,
        "wrench",
        &mut state.wrench_tool,
        ["fx", "fy", "fz", "τx", "τy", "τz"],
        0.1,
    );
    let fc = change_frames(&kin.pose, &state.twist_tool, &state.wrench_tool);
    let v3 = |v: &RVec3| format!("({:>7.3}, {:>7.3}, {:>7.3})", v.x, v.y, v.z);
    ui.separator();
    math(
        ui,
        &format!("V_base = X·V_tool:  v {}", v3(&fc.twist_base.linear)),
    );
    ui.monospace(format!(
        "                    ω {}",
        v3(&fc.twist_base.angular)
    ));
    math(
        ui,
        &format!("F_base = X*·F_tool: f {}", v3(&fc.wrench_base.force)),
    );
    ui.monospace(format!(
        "                    τ {}",
        v3(&fc.wrench_base.torque)
    ));
    math(
        ui,
        &format!(
            "P_tool = {:.6} W    P_base = {:.6} W",
            fc.power_tool, fc.power_base
        ),
    );
    note(ui, l.t("twist_note"));
    ui.separator();
    let tau = joint_torques(kin, &state.wrench_tool);
    let row = |sign: f64| {
        tau.iter()
            .enumerate()
            .map(|(i, t)| format!("τ{}={:.2}", i + 1, sign * t))
            .collect::<Vec<_>>()
            .join("  ")
    };
    ui.label(l.t("joint_torques"));
    ui.monospace(row(1.0));
    ui.label(l.t("joint_torques_hold"));
    ui.monospace(row(-1.0));
    note(ui, l.t("joint_torques_note"));
}

pub(super) fn six_editor(
    ui: &mut egui::Ui,
    id: &str,
    v: &mut [f64; 6],
    names: [&str; 6],
    speed: f64,
) {
    egui::Grid::new(id).show(ui, |ui| {
        for (i, name) in names.iter().enumerate() {
            ui.label(*name);
            ui.add(
                egui::DragValue::new(&mut v[i])
                    .speed(speed)
                    .range(-100.0..=100.0)
                    .fixed_decimals(2),
            );
            if i == 2 {
                ui.end_row();
            }
        }
        ui.end_row();
    });
}
