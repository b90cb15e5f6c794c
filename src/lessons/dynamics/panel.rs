//! The lesson panel, one function per section.

use crate::kit::i18n::Lang;
use crate::kit::widgets::math;
use crate::kit::widgets::{
    Bars, ShowLogged, egui_color, fixed_plot, lesson_panel, moment_line, note, section_tabs,
};
use crate::math::Vec3 as RVec3;
use crate::math::curved;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Bar, Legend, Line, PlotPoints, Points, Polygon};

use super::*;

/// Body-rate and world-rate paths: teal and orange, as the two modes elsewhere.
pub use crate::kit::widgets::SIDE_COLORS as PATH_COLORS;
const AMBER: egui::Color32 = egui::Color32::from_rgb(255, 190, 60);
const AXIS: [egui::Color32; 3] = [
    egui::Color32::from_rgb(230, 70, 70),
    egui::Color32::from_rgb(80, 200, 90),
    egui::Color32::from_rgb(80, 140, 255),
];

pub(super) fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<DynamicsState>,
    robot: Option<Res<Robot>>,
    lang: Res<Lang>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    lesson_panel(ctx, l.t("lesson_dynamics"), |ui| {
        section_tabs(ui, &mut state.section, &Section::ALL, l);
        match state.section {
            Section::Area => area_section(ui, &mut state, l),
            Section::Newton => newton_section(ui, &mut state, l),
            Section::Ik => ik_section(ui, &mut state, l),
            Section::Exp => exp_section(ui, &mut state, l),
            Section::Bch => bch_section(ui, &mut state, l),
            Section::Spatial => spatial_section(ui, &mut state, l),
            Section::Body => body_section(ui, &mut state, l),
            Section::Rnea => {
                if let Some(robot) = &robot {
                    rnea_section(ui, &mut state, robot, l);
                }
            }
        }
    });
    Ok(())
}

fn area_section(ui: &mut egui::Ui, state: &mut DynamicsState, l: Lang) {
    ui.label(l.t("dyn_area_intro"));
    let q = -JOINT_MAX_DEG..=JOINT_MAX_DEG;
    ui.add(egui::Slider::new(&mut state.q1_deg, q.clone()).text(l.t("dyn_q1")));
    ui.add(egui::Slider::new(&mut state.q2_deg, q).text(l.t("dyn_q2")));
    let (q1, q2) = (state.q1_deg, state.q2_deg);
    // The grid: q₁ over 80° round the arm's, q₂ over the half-turn on the elbow's side.
    let sign = if q2 < 0.0 { -1.0 } else { 1.0 };
    let q1s: Vec<f64> = (-4..=4).map(|k| q1 + 10.0 * k as f64).collect();
    let q2s: Vec<f64> = (0..=18).map(|k| sign * 10.0 * k as f64).collect();
    let tip = |a: f64, b: f64| {
        let p = ARM.tip(a.to_radians(), b.to_radians());
        [p[0], p[1]]
    };
    let cell = counter_clockwise(ARM.cell_outline(
        (q1 - 5.0).to_radians(),
        (q2 - 5.0).to_radians(),
        CELL,
        CELL,
        8,
    ));
    let elbow = [
        ARM.l1 * q1.to_radians().cos(),
        ARM.l1 * q1.to_radians().sin(),
    ];
    fixed_plot("dyn_area_plot", 230.0)
        .data_aspect(1.0)
        .show_logged(ui, "dyn_area_plot", |p| {
            // Each cell filled by |det J| at its centre: bright where the map stretches area,
            // dark where it crushes it. Drawn through its four corners: egui fills convex
            // shapes only, and a cell's curved edges can make it concave.
            for &a in &q1s[..q1s.len() - 1] {
                for &b in &q2s[..q2s.len() - 1] {
                    let centre = (b + sign * 5.0).to_radians();
                    let scale = ARM.det_j(centre).abs() / (ARM.l1 * ARM.l2);
                    let fill = egui::Color32::from_rgb(
                        (30.0 + 60.0 * scale) as u8,
                        (40.0 + 110.0 * scale) as u8,
                        (70.0 + 185.0 * scale) as u8,
                    );
                    let outline = counter_clockwise(ARM.cell_outline(
                        a.to_radians(),
                        b.to_radians(),
                        CELL,
                        sign * CELL,
                        1,
                    ));
                    if scale < 0.25 {
                        // Nearly flat cells as outlines: filled, egui's anti-aliasing of a
                        // sliver draws spikes across the plot.
                        let mut ring = outline.clone();
                        ring.push(outline[0]);
                        p.line(Line::new("", ring).color(fill).width(1.0));
                    } else {
                        p.polygon(
                            Polygon::new("", PlotPoints::from(outline))
                                .fill_color(fill.gamma_multiply(0.8))
                                .stroke(egui::Stroke::new(0.5, egui::Color32::from_gray(20))),
                        );
                    }
                }
            }
            p.polygon(
                Polygon::new("", PlotPoints::from(cell))
                    .fill_color(AMBER.gamma_multiply(0.6))
                    .stroke(egui::Stroke::new(1.5, AMBER)),
            );
            let arm = vec![[0.0, 0.0], elbow, tip(q1, q2)];
            p.line(Line::new("arm", arm).color(egui::Color32::WHITE).width(3.0));
        });
    let (det, measured) = area_readout(q1, q2);
    ui.monospace(format!(
        "det J = l₁l₂ sin q₂ = {det:+.4} m²   |det J| = {:.4} m²",
        det.abs()
    ));
    ui.monospace(format!("{}: {measured:.4} m²", l.t("dyn_area_measured")));
    note(ui, l.t("dyn_area_note"));
}

/// The outline in counter-clockwise order (the cells' images wind either way with the sign of
/// det J; egui's fill expects one).
fn counter_clockwise(mut outline: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    if curved::polygon_area(&outline) < 0.0 {
        outline.reverse();
    }
    outline
}

/// ◀ and ▶ moving `value` within `0..=max`, with `label` and the value between them.
fn stepper(ui: &mut egui::Ui, value: &mut usize, max: usize, label: Option<&str>) {
    if ui.button("◀").clicked() {
        *value = value.saturating_sub(1);
    }
    if let Some(label) = label {
        ui.monospace(format!("{label} {value}"));
    }
    if ui.button("▶").clicked() {
        *value = (*value + 1).min(max);
    }
}

fn newton_section(ui: &mut egui::Ui, state: &mut DynamicsState, l: Lang) {
    ui.label(l.t("dyn_newton_intro"));
    ui.add(egui::Slider::new(&mut state.x0, -1.0..=4.0).text(l.t("dyn_x0")));
    ui.horizontal(|ui| {
        stepper(
            ui,
            &mut state.shown,
            NEWTON_STEPS,
            Some(l.t("dyn_iteration")),
        );
    });
    let xs = newton_iterates(state.x0);
    let shown = state.shown.min(xs.len() - 1);
    let f = curved::newton_curve;
    let curve: Vec<[f64; 2]> = (0..=200)
        .map(|i| {
            let x = -1.0 + 5.0 * i as f64 / 200.0;
            [x, f(x)]
        })
        .collect();
    fixed_plot("dyn_newton_plot", 200.0)
        .include_x(-1.0)
        .include_x(4.0)
        .include_y(-10.0)
        .include_y(30.0)
        .show_logged(ui, "dyn_newton_plot", |p| {
            p.hline(egui_plot::HLine::new("", 0.0).color(egui::Color32::from_gray(100)));
            p.line(Line::new("f(x) = x³ − 2x − 5", curve).color(egui::Color32::WHITE));
            for k in 0..shown {
                let (a, b) = (xs[k], xs[k + 1]);
                p.line(Line::new("", vec![[a, f(a)], [b, 0.0]]).color(AMBER));
                p.line(
                    Line::new("", vec![[b, 0.0], [b, f(b)]])
                        .color(AMBER.gamma_multiply(0.5))
                        .style(egui_plot::LineStyle::dashed_dense()),
                );
            }
            let dots: Vec<[f64; 2]> = xs[..=shown].iter().map(|&x| [x, f(x)]).collect();
            p.points(Points::new("xₖ", dots).radius(4.0).color(AMBER));
            p.points(
                Points::new("root", vec![[NEWTON_ROOT, 0.0]])
                    .radius(4.0)
                    .color(egui_color(PATH_COLORS[0])),
            );
        });
    ui.monospace(format!(
        "k   xₖ                 {}",
        l.t("dyn_newton_error")
    ));
    for (k, x) in xs[..=shown].iter().enumerate() {
        ui.monospace(format!("{k}   {x:<18.15} {:.2e}", (x - NEWTON_ROOT).abs()));
    }
    let e: Vec<f64> = xs.iter().map(|x| (x - NEWTON_ROOT).abs()).collect();
    if shown >= 2 && e[shown - 1] > 1e-7 {
        let c = 6.0 * NEWTON_ROOT / (2.0 * curved::newton_curve_slope(NEWTON_ROOT));
        ui.monospace(format!(
            "{}: {:.3}   |f″/2f′| = {c:.3}",
            l.t("dyn_newton_ratio"),
            e[shown] / (e[shown - 1] * e[shown - 1])
        ));
    }
    note(ui, l.t("dyn_newton_note"));
}

fn ik_section(ui: &mut egui::Ui, state: &mut DynamicsState, l: Lang) {
    ui.label(l.t("dyn_ik_intro"));
    if state.ik.is_none() {
        ui.label(l.t("dyn_ik_none"));
        return;
    }
    ui.horizontal(|ui| {
        ui.selectable_value(&mut state.ik_dls, false, l.t("dyn_ik_newton"));
        ui.selectable_value(&mut state.ik_dls, true, l.t("dyn_ik_dls"));
    });
    ui.horizontal(|ui| {
        stepper(
            ui,
            &mut state.ik_shown,
            IK_STEPS,
            Some(l.t("dyn_iteration")),
        );
    });
    let Some(runs) = &state.ik else { return };
    let log = |run: &[(Vec<f64>, f64)]| -> Vec<[f64; 2]> {
        run.iter()
            .enumerate()
            .map(|(k, (_, e))| [k as f64, e.max(1e-16).log10()])
            .collect()
    };
    let shown = state.ik_shown.min(IK_STEPS);
    fixed_plot("dyn_ik_plot", 150.0)
        .x_axis_label(l.t("dyn_ik_step_axis"))
        .y_axis_label("log₁₀ ‖e‖")
        .legend(Legend::default())
        .show_logged(ui, "dyn_ik_plot", |p| {
            p.line(Line::new(l.t("dyn_ik_newton"), log(&runs.newton)).color(AMBER));
            p.line(Line::new(l.t("dyn_ik_dls"), log(&runs.dls)).color(egui_color(PATH_COLORS[0])));
            p.vline(egui_plot::VLine::new("", shown as f64).color(egui::Color32::from_gray(140)));
        });
    let run = if state.ik_dls {
        &runs.dls
    } else {
        &runs.newton
    };
    let e: Vec<f64> = run.iter().map(|r| r.1).collect();
    for (k, ek) in e.iter().enumerate().take(shown + 1) {
        let ratio = match k {
            0 => String::new(),
            _ if state.ik_dls => format!("   eₖ/eₖ₋₁ = {:.2}", ek / e[k - 1]),
            _ if e[k - 1] > 1e-6 => format!("   eₖ/eₖ₋₁² = {:.2}", ek / (e[k - 1] * e[k - 1])),
            _ => String::new(),
        };
        ui.monospace(format!("{k:>2}  ‖e‖ = {ek:.2e}{ratio}"));
    }
    let first_step = |run: &[(Vec<f64>, f64)]| {
        run.get(1).map_or(0.0, |(q1, _)| {
            q1.iter()
                .zip(&run[0].0)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max)
        })
    };
    ui.monospace(format!(
        "{}: {:.3} / {:.3} rad",
        l.t("dyn_ik_first_step"),
        first_step(&runs.newton),
        first_step(&runs.dls)
    ));
    note(ui, l.t("dyn_ik_note"));
}

fn exp_section(ui: &mut egui::Ui, state: &mut DynamicsState, l: Lang) {
    ui.label(l.t("dyn_exp_intro"));
    ui.horizontal(|ui| {
        let label = if state.spinning {
            l.t("dyn_stop")
        } else {
            l.t("dyn_spin")
        };
        if ui.button(label).clicked() {
            state.spinning = !state.spinning;
        }
        if ui.button(l.t("dyn_reset")).clicked() {
            state.spin_t = 0.0;
        }
        ui.add(
            egui::DragValue::new(&mut state.spin_t)
                .range(0.0..=60.0)
                .speed(0.05)
                .prefix("t = ")
                .suffix(" s"),
        );
    });
    ui.colored_label(egui_color(PATH_COLORS[0]), l.t("dyn_body_path"));
    ui.colored_label(egui_color(PATH_COLORS[1]), l.t("dyn_world_path"));
    let w = RVec3::from(OMEGA);
    ui.monospace(format!(
        "ω = ({:.1}, {:.1}, {:.1}) rad/s   |ω t| = {:.3} rad",
        w.x,
        w.y,
        w.z,
        w.norm() * state.spin_t
    ));
    let (gap, log, euler) = exp_readout(state.spin_t);
    math(ui, &format!("‖R₀e^(ωt) − e^(ωt)R₀‖ = {gap:.4}"));
    ui.monospace(format!(
        "{}: ({:+.3}, {:+.3}, {:+.3}) rad",
        l.t("dyn_exp_log"),
        log.x,
        log.y,
        log.z
    ));
    ui.monospace(format!("{}: {euler:.2e}", l.t("dyn_exp_euler")));
    note(ui, l.t("dyn_exp_note"));
}

fn bch_section(ui: &mut egui::Ui, state: &mut DynamicsState, l: Lang) {
    ui.label(l.t("dyn_bch_intro"));
    ui.add(egui::Slider::new(&mut state.a_deg, 0.0..=BCH_MAX_DEG).text(l.t("dyn_a")));
    ui.add(egui::Slider::new(&mut state.b_deg, 0.0..=BCH_MAX_DEG).text(l.t("dyn_b")));
    ui.add(egui::Slider::new(&mut state.between_deg, 0.0..=180.0).text(l.t("dyn_between")));
    let (a, b) = bch_vectors(state.a_deg, state.b_deg, state.between_deg);
    let r = bch_readout(&a, &b);
    ui.monospace(format!("{}: {:.4} rad", l.t("dyn_bch_naive"), r.naive));
    ui.monospace(format!("{}: {:.4} rad", l.t("dyn_bch_half"), r.half_cross));
    ui.monospace(format!(
        "{}: {:.4} rad",
        l.t("dyn_bch_second"),
        r.second_order
    ));
    note(ui, l.t("dyn_bch_before"));
    math(
        ui,
        &format!(
            "a + b: {:.4} rad    a + J_l(a)⁻¹ b: {:.4} rad",
            r.before_naive, r.before_jacobian
        ),
    );
    let bars = vec![
        Bar::new(0.0, r.naive).name("a + b"),
        Bar::new(1.0, r.second_order).name("+ ½ a×b"),
        Bar::new(2.0, r.before_naive).name("a + b (b first)"),
        Bar::new(3.0, r.before_jacobian).name("a + Jₗ⁻¹ b"),
    ];
    fixed_plot("dyn_bch_bars", 110.0)
        .include_y(0.0)
        .show_x(false)
        .show_logged(ui, "dyn_bch_bars", |p| {
            p.bars(Bars::new("error (rad)", bars).color(AMBER));
        });
    math(
        ui,
        "0: a + b   1: a + b + ½ a×b   2: a + b (b first)   3: a + J_l(a)⁻¹ b",
    );
    note(ui, l.t("dyn_bch_note"));
}

fn spatial_section(ui: &mut egui::Ui, state: &mut DynamicsState, l: Lang) {
    ui.label(l.t("dyn_spatial_intro"));
    ui.add(egui::Slider::new(&mut state.offset, -OFFSET_MAX..=OFFSET_MAX).text(l.t("dyn_offset")));
    let (v, f) = spatial_pair();
    let to_b = frame_b(state.offset).inverse();
    let (vb, fb) = (v.transform(&to_b), f.transform(&to_b));
    let six = |x: crate::math::Vec6| {
        format!(
            "({:+.2}, {:+.2}, {:+.2} | {:+.2}, {:+.2}, {:+.2})",
            x[0], x[1], x[2], x[3], x[4], x[5]
        )
    };
    let (a, b) = (l.t("dyn_in_a"), l.t("dyn_in_b"));
    ui.monospace(format!("V (m/s | rad/s), {a}: {}", six(v.to_vec6())));
    ui.monospace(format!("V (m/s | rad/s), {b}: {}", six(vb.to_vec6())));
    ui.monospace(format!("F (N | N·m), {a}: {}", six(f.to_vec6())));
    ui.monospace(format!("F (N | N·m), {b}: {}", six(fb.to_vec6())));
    let (na, nb, pa, pb) = spatial_readout(state.offset);
    ui.monospace(format!("{}: {na:.3} → {nb:.3}", l.t("dyn_length")));
    ui.monospace(format!("{}: {pa:.4} → {pb:.4}", l.t("dyn_power")));
    note(ui, l.t("dyn_spatial_note"));
}

fn body_section(ui: &mut egui::Ui, state: &mut DynamicsState, l: Lang) {
    ui.label(l.t("dyn_body_intro"));
    ui.horizontal_wrapped(|ui| {
        for (k, key) in ["dyn_axis_large", "dyn_axis_middle", "dyn_axis_small"]
            .into_iter()
            .enumerate()
        {
            if ui.selectable_label(state.axis == k, l.t(key)).clicked() {
                state.axis = k;
                state.launch();
            }
        }
    });
    if ui.button(l.t("dyn_launch")).clicked() {
        state.launch();
    }
    let series =
        |k: usize| -> Vec<[f64; 2]> { state.trace.iter().map(|(t, w)| [*t, w[k]]).collect() };
    fixed_plot("dyn_body_plot", 150.0)
        .include_y(-BODY_SPIN)
        .include_y(BODY_SPIN)
        .legend(Legend::default())
        .show_logged(ui, "dyn_body_plot", |p| {
            for (k, name) in ["ω_x", "ω_y", "ω_z"].into_iter().enumerate() {
                p.line(Line::new(name, series(k)).color(AXIS[k]));
            }
            if state.past {
                moment_line(p, state.body_t);
            }
        });
    if let Some((e, h)) = state.drift() {
        ui.monospace(format!(
            "t = {:.1} s   {}: {e:.1e}, {h:.1e}",
            state.body_t,
            l.t("dyn_drift")
        ));
    }
    note(ui, l.t("dyn_body_note"));
}

fn rnea_section(ui: &mut egui::Ui, state: &mut DynamicsState, robot: &Robot, l: Lang) {
    ui.label(l.t("dyn_rnea_intro"));
    let model = &robot.model;
    let n = model.joints.len();
    ui.horizontal(|ui| {
        stepper(ui, &mut state.rnea_stage, 2 * n, None);
        if ui.button(l.t("dyn_rnea_restart")).clicked() {
            state.rnea_stage = 0;
        }
    });
    state.rnea_stage = state.rnea_stage.min(2 * n);
    let walk = rnea_walk(model, &robot.q, state.rnea_stage);
    let (what, joint) = if walk.inward > 0 {
        (l.t("dyn_rnea_inward"), n - walk.inward)
    } else {
        (l.t("dyn_rnea_outward"), walk.outward.saturating_sub(1))
    };
    if state.rnea_stage > 0 {
        let j = &model.joints[joint];
        ui.monospace(format!(
            "{what}: {} → {}",
            crate::robot::names::shown(&j.name),
            crate::robot::names::shown(&model.links[j.child].name)
        ));
        let c = j.child;
        let (a, f) = (walk.passes.a[c], walk.passes.f_joint[c]);
        if walk.inward > 0 {
            ui.monospace(format!(
                "f = ({:+.1}, {:+.1}, {:+.1}) N   n = ({:+.2}, {:+.2}, {:+.2}) N·m",
                f[0], f[1], f[2], f[3], f[4], f[5]
            ));
        } else {
            ui.monospace(format!(
                "a = ({:+.2}, {:+.2}, {:+.2}) m/s² | ({:+.2}, {:+.2}, {:+.2}) rad/s²",
                a[0], a[1], a[2], a[3], a[4], a[5]
            ));
        }
    }
    ui.label(l.t("dyn_rnea_tau"));
    let names = model.dof_joint_names();
    for (i, t) in walk.tau.iter().enumerate() {
        let value = t.map_or("—".to_string(), |t| format!("{t:+.3}"));
        ui.monospace(format!(
            "τ{} {:<16} {value}",
            i + 1,
            names.get(i).copied().unwrap_or("")
        ));
    }
    note(ui, l.t("dyn_rnea_note"));
}
