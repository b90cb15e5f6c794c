//! The arm panel: the robot's name and size, the tool link, the geometry shown, joint values
//! (sliders in teach mode), the drag handle's IK state and the self-motion slider; and what
//! loading the robot repaired, over the view.

use super::transport::NOTICE_AMBER;
use crate::app::geometry_view::{GeometryView, ShownGeometry};
use crate::app::robot::GeometryWarnings;
use crate::kit::commands::Request;
use crate::kit::i18n::Lang;
use crate::kit::robot::Robot;
use crate::kit::sim::DriveMode;
use crate::kit::teach::Teach;
use crate::kit::widgets::{UiState, note};
use crate::robot::JointKind;
use crate::robot::names::shown;
use bevy::gizmos::transform_gizmo::{TransformGizmoMode, TransformGizmoSettings};
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

/// The unit a joint's value is in.
pub fn joint_unit(kind: JointKind) -> &'static str {
    match kind {
        JointKind::Prismatic => "m",
        _ => "rad",
    }
}

/// Within 5 % of the range from either limit: the joint is about to stop.
pub fn near_limit(v: f64, lo: f64, hi: f64) -> bool {
    let margin = 0.05 * (hi - lo);
    v <= lo + margin || v >= hi - margin
}

/// The tool link: any link with a joint above it; the task and the overlays follow it.
fn tool_picker(ui: &mut egui::Ui, l: Lang, robot: &Robot, actions: &mut MessageWriter<Request>) {
    let model = &robot.model;
    let mut chosen = robot.tool;
    ui.horizontal(|ui| {
        ui.label(l.t("tool_link"));
        egui::ComboBox::from_id_salt("tool_link")
            .selected_text(shown(&model.links[robot.tool].name))
            .show_ui(ui, |ui| {
                for (i, link) in model.links.iter().enumerate() {
                    if link.parent_joint.is_some() {
                        ui.selectable_value(&mut chosen, i, shown(&link.name));
                    }
                }
            })
            .response
            .on_hover_text(l.t("tool_link_tip"));
    });
    if chosen != robot.tool {
        actions.write(Request::Tool(chosen));
    }
}

/// What loading the URDF repaired or ignored, one line per cause, in a window of its own at
/// the top of the view (wrapped, so a long list of links does not widen the transport bar)
/// until closed.
pub(super) fn load_warnings(
    mut contexts: EguiContexts,
    (ui_state, lang): (Res<UiState>, Res<Lang>),
    (robot, geometry): (Res<Robot>, Res<GeometryWarnings>),
    // The model generation whose warnings the user closed.
    mut closed: Local<Option<u32>>,
) -> Result {
    let shown = (geometry.generation == robot.generation).then_some(&geometry.lines);
    let warnings: Vec<&String> = robot
        .model
        .warnings
        .iter()
        .chain(shown.into_iter().flatten())
        .collect();
    if warnings.is_empty() || ui_state.hide_panels || *closed == Some(robot.generation) {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let amber = NOTICE_AMBER;
    egui::Window::new("")
        .id(egui::Id::new("load_warnings"))
        .title_bar(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, [0.0, 8.0])
        .max_width(560.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.colored_label(amber, l.t("notice_repaired"));
                if ui
                    .small_button("✕")
                    .on_hover_text(l.t("notice_repaired_close"))
                    .clicked()
                {
                    *closed = Some(robot.generation);
                }
            });
            for w in warnings {
                ui.add(egui::Label::new(egui::RichText::new(format!("• {w}")).color(amber)).wrap());
            }
        });
    Ok(())
}

/// Joint rows the arm panel lays out in full; a robot with more scrolls through them.
const MAX_JOINT_ROWS: usize = 24;

/// The arm panel: joint values (sliders in teach mode), the drag handle's IK state and the
/// self-motion slider.
pub(super) fn arm_panel(
    mut contexts: EguiContexts,
    (ui_state, lang): (Res<UiState>, Res<Lang>),
    robot: Res<Robot>,
    mut teach: ResMut<Teach>,
    mode: Res<State<DriveMode>>,
    (mut handle, mut view): (ResMut<TransformGizmoSettings>, Option<ResMut<GeometryView>>),
    mut actions: MessageWriter<Request>,
) -> Result {
    if ui_state.hide_panels {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let teaching = *mode.get() == DriveMode::Teach;
    let default_open = !ui_state.presenter || teaching;
    egui::Window::new(l.t("arm"))
        .id(egui::Id::new("arm_panel"))
        .anchor(egui::Align2::LEFT_TOP, [8.0, 8.0])
        .default_open(default_open)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(format!(
                "{} — {} {}, {} DoF",
                shown(&robot.model.name),
                robot.model.links.len(),
                l.t("links"),
                robot.model.dof()
            ));
            if teaching {
                note(ui, l.t("teach_hint"));
            }
            tool_picker(ui, l, &robot, &mut actions);
            if let Some(view) = view.as_deref_mut() {
                geometry_choice(ui, l, view);
            }
            ui.separator();
            ui.spacing_mut().slider_width = 96.0;
            if let Some((i, v)) = joint_rows(ui, l, &robot, teaching) {
                actions.write(Request::Joint(i, v));
            }
            if teaching && robot.chain.is_some() {
                ui.separator();
                teach_controls(ui, l, &mut handle, &mut teach);
            }
        });
    Ok(())
}

/// Which geometry the view shows (visual, collision, both) and whether contacts are drawn.
fn geometry_choice(ui: &mut egui::Ui, l: Lang, view: &mut GeometryView) {
    ui.horizontal(|ui| {
        ui.label(l.t("geometry_show"));
        ui.selectable_value(
            &mut view.geometry,
            ShownGeometry::Visual,
            l.t("geometry_visual"),
        )
        .on_hover_text(l.t("geometry_visual_tip"));
        ui.selectable_value(
            &mut view.geometry,
            ShownGeometry::Collision,
            l.t("geometry_collision"),
        )
        .on_hover_text(l.t("geometry_collision_tip"));
        ui.selectable_value(
            &mut view.geometry,
            ShownGeometry::Both,
            l.t("geometry_both"),
        );
    });
    ui.checkbox(&mut view.contacts, l.t("geometry_contacts"))
        .on_hover_text(l.t("geometry_contacts_tip"));
}

/// One row per joint: its limits, a slider, the value (typed or dragged; amber near a limit)
/// and its name. The joint moved and its new value, if one was.
fn joint_rows(ui: &mut egui::Ui, l: Lang, robot: &Robot, teaching: bool) -> Option<(usize, f64)> {
    let mut changed = None;
    let prefix = format!("{}_", robot.model.name);
    let mut rows = |ui: &mut egui::Ui, range: std::ops::Range<usize>| {
        egui::Grid::new("joints")
            .spacing([4.0, 2.0])
            .show(ui, |ui| {
                for i in range {
                    if let Some(v) = joint_row(ui, l, robot, &prefix, i, teaching) {
                        changed = Some((i, v));
                    }
                }
            });
    };
    let n = robot.q.len();
    if n <= MAX_JOINT_ROWS {
        rows(ui, 0..n);
    } else {
        // A robot of hundreds or thousands of joints: only the rows in view are laid out, so
        // the panel costs the same each frame whatever the robot.
        let row = ui.spacing().interact_size.y + 2.0;
        egui::ScrollArea::vertical()
            .id_salt("joint_rows")
            .max_height(row * MAX_JOINT_ROWS as f32)
            .show_rows(ui, row, n, |ui, range| rows(ui, range));
    }
    changed
}

/// Joint `i`'s row; its new value if the user moved it.
fn joint_row(
    ui: &mut egui::Ui,
    l: Lang,
    robot: &Robot,
    prefix: &str,
    i: usize,
    teaching: bool,
) -> Option<f64> {
    let joint = &robot.model.joints[robot.model.dof_joints[i]];
    let short = shown(joint.name.strip_prefix(prefix).unwrap_or(&joint.name));
    let (lo, hi) = robot.slider_range(i);
    let unit = joint_unit(joint.kind);
    let mut v = robot.q[i];
    let near = near_limit(v, lo, hi);
    let weak = ui.visuals().weak_text_color();
    let small = |x: f64| egui::RichText::new(format!("{x:.2}")).small().color(weak);
    ui.label(small(lo));
    let slider = ui.add_enabled(
        teaching,
        egui::Slider::new(&mut v, lo..=hi).show_value(false),
    );
    ui.label(small(hi));
    // The value: typed in (click it) or dragged; amber near a limit.
    let value = ui.scope(|ui| {
        if near {
            ui.visuals_mut().override_text_color = Some(NOTICE_AMBER);
        }
        ui.add_enabled(
            teaching,
            egui::DragValue::new(&mut v)
                .range(lo..=hi)
                .speed((hi - lo) / 500.0)
                .fixed_decimals(3)
                .suffix(format!(" {unit}")),
        )
    });
    let name = if near {
        egui::RichText::new(short.as_ref()).color(NOTICE_AMBER)
    } else {
        egui::RichText::new(short.as_ref())
    };
    let tip = match joint.kind {
        JointKind::Prismatic => {
            format!("{short}: {lo:.3} … {hi:.3} m ({})", l.t("joint_type_tip"))
        }
        _ => format!(
            "{short}: {lo:.3} … {hi:.3} rad = {:.1}° … {:.1}°, {} {:.1}° ({})",
            lo.to_degrees(),
            hi.to_degrees(),
            l.t("joint_now"),
            v.to_degrees(),
            l.t("joint_type_tip")
        ),
    };
    ui.label(name).on_hover_text(tip);
    ui.end_row();
    (slider.changed() || value.inner.changed()).then_some(v)
}

/// Teach mode's drag handle (move or rotate), the self-motion slider and what the last solve
/// left.
fn teach_controls(
    ui: &mut egui::Ui,
    l: Lang,
    handle: &mut TransformGizmoSettings,
    teach: &mut Teach,
) {
    ui.horizontal(|ui| {
        ui.label(l.t("handle"));
        let mut m = handle.mode;
        ui.selectable_value(&mut m, TransformGizmoMode::Translate, l.t("handle_move"));
        ui.selectable_value(&mut m, TransformGizmoMode::Rotate, l.t("handle_rotate"));
        if m != handle.mode {
            handle.mode = m;
        }
    });
    let mut s = teach.self_motion;
    ui.add(
        egui::Slider::new(&mut s, -1.5..=1.5)
            .text(l.t("self_motion"))
            .fixed_decimals(2),
    )
    .on_hover_text(l.t("self_motion_tip"));
    teach.self_motion = s;
    let (pe, oe) = teach.residual;
    ui.label(format!(
        "{}: {:.2} mm, {:.3}°",
        l.t("ik_residual"),
        pe * 1e3,
        oe.to_degrees()
    ));
    if teach.last_drift > 0.0 {
        ui.label(format!(
            "{}: {:.1e}",
            l.t("self_motion_drift"),
            teach.last_drift
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_joint_is_near_its_limit_within_five_percent_of_its_range() {
        assert!(near_limit(-2.8, -2.9, 2.9));
        assert!(near_limit(2.62, -2.9, 2.9));
        assert!(!near_limit(2.6, -2.9, 2.9));
        assert!(!near_limit(0.0, -2.9, 2.9));
        assert!(near_limit(0.039, 0.0, 0.04), "a finger at its stop");
        assert_eq!(joint_unit(JointKind::Prismatic), "m");
        assert_eq!(joint_unit(JointKind::Revolute), "rad");
    }
}
