//! The lesson panel, one function per section.

use crate::kit::i18n::Lang;
use crate::kit::widgets::math;
use crate::kit::widgets::{Bars, ShowLogged};
use crate::kit::widgets::{egui_color, fixed_plot, lesson_panel, moment_line, note, section_tabs};
use crate::math::euler::{EulerSequence, rate_singular_values};
use crate::math::orientation_control::TrackingRun;
use crate::math::rotation::Quat as RQuat;
use crate::math::rotation_paths::{
    QuatStep, encode, integration_drift_series, misread_order, path, step_angles,
};
use crate::math::{Vec3 as RVec3, so3};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Bar, Legend, Line};

use super::*;

pub(super) fn panel(
    mut contexts: EguiContexts,
    mut state: ResMut<RotationsState>,
    lang: Res<Lang>,
    robot: Res<Robot>,
    mut actions: MessageWriter<Request>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    lesson_panel(ctx, l.t("lesson_rotations"), |ui| {
        section_tabs(ui, &mut state.section, &Section::ALL, l);
        match state.section {
            Section::Gimbal => gimbal_section(ui, &mut state, l),
            Section::LostAxis => lost_axis_section(ui, &mut state, l),
            Section::Interpolation => interpolation_section(ui, &mut state, l),
            Section::Integration => integration_section(ui, &mut state, l),
            Section::Continuity => continuity_section(ui, &state, l),
            Section::Arm => {
                if arm_section(ui, &mut state, &robot, l) {
                    actions.write(Request::Drive(DriveMode::Teach));
                }
            }
        }
    });
    Ok(())
}

pub(super) fn sequence_picker(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    let all = EulerSequence::all();
    ui.horizontal(|ui| {
        ui.label(l.t("sequence"));
        egui::ComboBox::from_id_salt("euler_sequence")
            .selected_text(describe(state.sequence(), l))
            .height(420.0)
            .show_ui(ui, |ui| {
                for (i, s) in all.iter().enumerate() {
                    ui.selectable_value(&mut state.sequence, i, describe(*s, l));
                }
            });
    });
}

pub(super) fn describe(seq: EulerSequence, l: Lang) -> String {
    let kind = if seq.is_proper() {
        l.t("proper_euler")
    } else {
        l.t("tait_bryan")
    };
    let frame = match seq.frame {
        crate::math::euler::EulerFrame::Intrinsic => l.t("intrinsic"),
        crate::math::euler::EulerFrame::Extrinsic => l.t("extrinsic"),
    };
    format!("{} — {frame}, {kind}", seq.name())
}

pub(super) fn angle_sliders(ui: &mut egui::Ui, state: &mut RotationsState) {
    let seq = state.sequence();
    let letters: Vec<char> = seq.name().chars().collect();
    // The middle angle's natural range: ±90° (Tait–Bryan) or 0…180° (proper Euler).
    let middle = if seq.is_proper() {
        0.0..=180.0
    } else {
        -90.0..=90.0
    };
    for i in 0..3 {
        let range = if i == 1 {
            middle.clone()
        } else {
            -180.0..=180.0
        };
        let mut v = state.angles_deg[i];
        if ui
            .add(
                egui::Slider::new(&mut v, range)
                    .text(format!("{} ({})", ["a", "b", "c"][i], letters[i]))
                    .suffix("°")
                    .fixed_decimals(1),
            )
            .changed()
        {
            state.angles_deg[i] = v;
            state.spin = None;
        }
    }
}

pub(super) fn gimbal_section(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    ui.label(l.t("gimbal_intro"));
    sequence_picker(ui, state, l);
    angle_sliders(ui, state);
    let seq = state.sequence();
    let e = seq.rate_matrix(state.angles());
    let sigma = rate_singular_values(&e);
    let locked = state.lock_distance() < LOCK_WARNING;
    ui.horizontal(|ui| {
        let (text, color) = if locked {
            (l.t("gimbal_lock"), egui::Color32::from_rgb(255, 80, 80))
        } else {
            (l.t("no_lock"), egui::Color32::from_rgb(120, 220, 120))
        };
        ui.colored_label(color, egui::RichText::new(format!("● {text}")).strong());
        ui.monospace(format!(
            "{} = {:.3}",
            if seq.is_proper() {
                "|sin b|"
            } else {
                "|cos b|"
            },
            state.lock_distance()
        ));
    });
    if ui.button(l.t("go_lock")).clicked() {
        state.angles_deg[1] = if seq.is_proper() { 0.0 } else { 90.0 };
        state.spin = None;
    }
    ui.label(l.t("e_sigma"));
    let bars: Vec<Bar> = sigma
        .iter()
        .enumerate()
        .map(|(i, s)| Bar::new(i as f64 + 1.0, *s).width(0.6))
        .collect();
    fixed_plot("e_sigma", 90.0)
        .include_y(0.0)
        .include_y(2.0)
        .show_x(false)
        .show_logged(ui, "e_sigma", |p| {
            p.bars(Bars::new("σ(E)", bars).color(egui::Color32::from_rgb(255, 170, 80)))
        });
    ui.monospace(format!(
        "σ(E) = {:.3}, {:.3}, {:.3}",
        sigma[0], sigma[1], sigma[2]
    ));
    note(ui, l.t("gimbal_note"));
}

pub(super) fn lost_axis_section(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    ui.label(l.t("lost_axis_intro"));
    sequence_picker(ui, state, l);
    ui.horizontal(|ui| {
        if ui.button(l.t("spin_start")).clicked() {
            state.start_spin();
        }
        if ui.button(l.t("spin_stop")).clicked() {
            state.spin = None;
        }
    });
    let Some(spin) = &state.spin else {
        return;
    };
    ui.monospace(format!(
        "ω = {:.0}°/s · ({:.2}, {:.2}, {:.2})",
        spin.speed.to_degrees(),
        spin.axis.x,
        spin.axis.y,
        spin.axis.z
    ));
    // Rates are clipped at 10 rad/s so the bounded ones stay visible.
    let clip = |x: f64| x.min(10.0);
    let series = |i: usize| -> Vec<[f64; 2]> {
        spin.history
            .iter()
            .map(|(t, r, _)| [*t, clip(r[i])])
            .collect()
    };
    let q: Vec<[f64; 2]> = spin.history.iter().map(|(t, _, q)| [*t, *q]).collect();
    fixed_plot("lost_axis_rates", 140.0)
        .include_y(0.0)
        .legend(Legend::default())
        .show_logged(ui, "lost_axis_rates", |p| {
            for (i, color) in RING_COLORS.iter().enumerate() {
                p.line(Line::new(format!("|dθ{}/dt|", i + 1), series(i)).color(egui_color(*color)));
            }
            p.line(Line::new("|dq/dt|", q).color(egui::Color32::WHITE));
            if state.past {
                moment_line(p, spin.t);
            }
        });
    // The rates at the spin's clock: the newest, or those of the moment the timeline shows.
    if let Some((_, r, _)) = spin
        .history
        .iter()
        .rev()
        .find(|(t, _, _)| *t <= spin.t + 1e-9)
    {
        ui.monospace(format!(
            "|dθ/dt| = {:.2}, {:.2}, {:.2} rad/s",
            r[0], r[1], r[2]
        ));
    }
    // Tait–Bryan sequences lock at b = ±90° (rates ~ 1/cos b), proper Euler ones at 0° and
    // 180° (rates ~ 1/sin b).
    let key = if state.sequence().is_proper() {
        "lost_axis_note_proper"
    } else {
        "lost_axis_note"
    };
    note(ui, l.t(key));
}

pub(super) fn interpolation_section(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    ui.label(l.t("interp_intro"));
    sequence_picker(ui, state, l);
    ui.horizontal(|ui| {
        if ui.button(l.t("set_a")).clicked() {
            state.from = state.rotation();
        }
        if ui.button(l.t("set_b")).clicked() {
            state.to = state.rotation();
        }
        if ui.button(l.t("near_lock_pair")).clicked() {
            let d = RotationsState::default();
            state.from = d.from;
            state.to = d.to;
        }
    });
    angle_sliders(ui, state);
    let seq = state.sequence();
    let methods = methods(seq);
    let mut lines = Vec::new();
    for (k, how) in methods.iter().enumerate() {
        let steps = step_angles(&path(&state.from, &state.to, 64, *how));
        let total: f64 = steps.iter().sum();
        ui.horizontal(|ui| {
            ui.checkbox(&mut state.show[k], "");
            ui.colored_label(egui_color(METHOD_COLORS[k]), l.t(METHOD_KEYS[k]));
            ui.monospace(format!("{:.1}°", total.to_degrees()));
        });
        lines.push(
            steps
                .iter()
                .enumerate()
                .map(|(i, s)| [i as f64 / 64.0, s.to_degrees() * 64.0])
                .collect::<Vec<[f64; 2]>>(),
        );
    }
    ui.checkbox(&mut state.long_way, l.t("long_way"));
    ui.label(l.t("speed_along_path"));
    fixed_plot("interp_speed", 110.0)
        .include_y(0.0)
        .show_logged(ui, "interp_speed", |p| {
            for (k, pts) in lines.into_iter().enumerate() {
                if state.show[k] {
                    p.line(Line::new(l.t(METHOD_KEYS[k]), pts).color(egui_color(METHOD_COLORS[k])));
                }
            }
        });
    // The same orientation, its double cover, and the order mix-up.
    let q = RQuat::from_matrix(&state.from);
    let wxyz = q.to_wxyz();
    ui.separator();
    math(
        ui,
        &format!(
            "q_A  [w,x,y,z] = [{:.3}, {:.3}, {:.3}, {:.3}]",
            wxyz[0], wxyz[1], wxyz[2], wxyz[3]
        ),
    );
    math(
        ui,
        &format!(
            "−q_A [w,x,y,z] = [{:.3}, {:.3}, {:.3}, {:.3}]",
            -wxyz[0], -wxyz[1], -wxyz[2], -wxyz[3]
        ),
    );
    let wrong = misread_order(wxyz);
    ui.monospace(format!(
        "{}: {:.1}°",
        l.t("misread"),
        wrong.angle_to(q).to_degrees()
    ));
    note(ui, l.t("interp_note"));
}

pub(super) fn integration_section(ui: &mut egui::Ui, state: &mut RotationsState, l: Lang) {
    ui.label(l.t("integration_intro"));
    ui.horizontal(|ui| {
        ui.label("ω");
        for v in state.omega.iter_mut() {
            ui.add(
                egui::DragValue::new(v)
                    .speed(0.02)
                    .range(-5.0..=5.0)
                    .fixed_decimals(2),
            );
        }
        ui.label("rad/s");
    });
    ui.add(
        egui::Slider::new(&mut state.dt, 0.002..=0.2)
            .logarithmic(true)
            .text("dt (s)"),
    );
    let omega = RVec3::from(state.omega);
    let schemes = [
        (QuatStep::Exact, "int_exact"),
        (QuatStep::FirstOrderNormalized, "int_normalized"),
        (QuatStep::FirstOrder, "int_unnormalized"),
        (QuatStep::FirstOrderMissingHalf, "int_no_half"),
    ];
    let horizon = 5.0;
    let steps = (horizon / state.dt).round().max(1.0) as usize;
    // One run per scheme feeds both the table (its end) and the plot (every 1/50th).
    let runs: Vec<_> = schemes
        .iter()
        .map(|(how, _)| integration_drift_series(&omega, state.dt, steps, *how))
        .collect();
    egui::Grid::new("drift").striped(true).show(ui, |ui| {
        ui.label("");
        ui.label(l.t("angle_error"));
        ui.label(l.t("norm_error"));
        ui.end_row();
        for ((_, key), run) in schemes.iter().zip(&runs) {
            let d = run[steps];
            ui.label(l.t(key));
            ui.monospace(format!("{:.2e}°", d.angle.to_degrees()));
            ui.monospace(format!("{:.2e}", d.norm_error));
            ui.end_row();
        }
    });
    // Angle error over time for the three approximate schemes.
    fixed_plot("drift_plot", 110.0)
        .legend(Legend::default())
        .include_y(0.0)
        .show_logged(ui, "drift_plot", |p| {
            for (k, ((_, key), run)) in schemes.iter().zip(&runs).enumerate().skip(1) {
                let pts: Vec<[f64; 2]> = (0..=50)
                    .map(|i| {
                        let n = (steps * i) / 50;
                        [n as f64 * state.dt, run[n].angle.to_degrees()]
                    })
                    .collect();
                p.line(Line::new(l.t(key), pts).color(egui_color(METHOD_COLORS[k])));
            }
        });
    note(ui, l.t("integration_note"));
}

pub(super) fn continuity_section(ui: &mut egui::Ui, state: &RotationsState, l: Lang) {
    ui.label(l.t("continuity_intro"));
    // One full turn about a tilted axis.
    let axis = RVec3::new(0.3, 0.5, 0.8).normalize();
    let seq = state.sequence();
    let samples: Vec<(f64, crate::math::rotation_paths::Encodings)> = (0..=360)
        .map(|k| {
            let a = (k as f64).to_radians();
            (k as f64, encode(&so3::exp(&(axis * a)), seq))
        })
        .collect();
    let plot =
        |ui: &mut egui::Ui, id: &str, title: &str, n: usize, get: &dyn Fn(usize, usize) -> f64| {
            ui.label(title);
            fixed_plot(id, 80.0).show_logged(ui, id, |p| {
                for c in 0..n {
                    let pts: Vec<[f64; 2]> = (0..samples.len())
                        .map(|k| [samples[k].0, get(k, c)])
                        .collect();
                    p.line(
                        Line::new(format!("{title} {c}"), pts).color(egui_color(
                            [
                                METHOD_COLORS,
                                [Color::WHITE, Color::WHITE, Color::WHITE, Color::WHITE],
                            ]
                            .concat()[c % 8],
                        )),
                    );
                }
            });
        };
    plot(
        ui,
        "cont_euler",
        &format!("Euler {}", seq.name()),
        3,
        &|k, c| samples[k].1.euler[c],
    );
    plot(ui, "cont_quat", "q (w ≥ 0)", 4, &|k, c| {
        samples[k].1.quat[c]
    });
    plot(ui, "cont_6d", "6D", 6, &|k, c| samples[k].1.sixd[c]);
    note(ui, l.t("continuity_note"));
}

/// Returns true when a playback starts (the caller switches to teach mode).
pub(super) fn arm_section(
    ui: &mut egui::Ui,
    state: &mut RotationsState,
    robot: &Robot,
    l: Lang,
) -> bool {
    ui.label(l.t("arm_demo_intro"));
    if ui.button(l.t("arm_demo_run")).clicked() {
        match ArmDemo::compute(robot) {
            Ok(d) => state.arm = Some(d),
            Err(e) => {
                state.arm = None;
                ui.colored_label(egui::Color32::from_rgb(255, 200, 90), e);
            }
        }
    }
    let past = state.past;
    let Some(demo) = &mut state.arm else {
        return false;
    };
    let mut started = false;
    ui.horizontal(|ui| {
        if ui.button(l.t("play_euler")).clicked() {
            demo.playing = Some((true, 0.0));
            started = true;
        }
        if ui.button(l.t("play_rotvec")).clicked() {
            demo.playing = Some((false, 0.0));
            started = true;
        }
    });
    ui.monospace(format!(
        "{}: Euler {:.1} rad/s, {} {:.2} rad/s",
        l.t("peak_joint_speed"),
        demo.euler.peak_joint_speed(),
        l.t("rotvec_controller"),
        demo.rotation_vector.peak_joint_speed()
    ));
    // Clipped at 5 rad/s: the Euler spike is thousands.
    let series = |r: &TrackingRun| -> Vec<[f64; 2]> {
        r.t.iter()
            .zip(&r.joint_speed)
            .map(|(t, v)| [*t, v.min(5.0)])
            .collect()
    };
    fixed_plot("arm_demo_speed", 120.0)
        .include_y(0.0)
        .legend(Legend::default())
        .show_logged(ui, "arm_demo_speed", |p| {
            p.line(Line::new("Euler", series(&demo.euler)).color(egui_color(METHOD_COLORS[0])));
            p.line(
                Line::new(l.t("rotvec_controller"), series(&demo.rotation_vector))
                    .color(egui_color(METHOD_COLORS[3])),
            );
            if let (true, Some((_, t))) = (past, demo.playing) {
                moment_line(p, t);
            }
        });
    note(ui, l.t("arm_demo_note"));
    started
}
