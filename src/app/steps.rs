//! The guided steps in the app: the keys and buttons that move through them, the one system
//! that applies a step's set-up when it is entered, and the step card drawn over the view.

use crate::kit::ArmSet;
use crate::kit::convert;
use crate::kit::i18n::Lang;
use crate::kit::robot::Robot;
use crate::kit::sim::DriveMode;
use crate::kit::sim::Sim;
use crate::kit::teach::Teach;
use crate::kit::typeset;
use crate::kit::widgets::UiState;
use crate::kit::{ActiveLesson, LessonParams, LessonRegistry, Shot, Step, StepCommand, StepState};
use crate::math::Vec3 as RVec3;
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use bevy_panorbit_camera::PanOrbitCamera;

pub struct StepsPlugin {
    /// The step to open first (0-based), in the start lesson.
    pub start: Option<usize>,
}

/// The step a link or `--step` opens, and the settings given with it: a link copied after a
/// setting was changed inside a step must reopen that scene, so they go on top of the step's
/// own set-up (which would otherwise replace them when the step is entered).
#[derive(Resource, Default)]
struct StartStep {
    index: Option<usize>,
    params: std::collections::BTreeMap<String, String>,
}

impl Plugin for StepsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<StepState>()
            .add_message::<StepCommand>()
            .insert_resource(StartStep {
                index: self.start,
                ..default()
            })
            .add_systems(Startup, open_start_step)
            .add_systems(
                Update,
                (follow_steps, report_ignored_settings)
                    .chain()
                    .after(ArmSet::Drive)
                    .before(ArmSet::Kinematics),
            );
    }
}

/// A link's (or `--param`'s) settings that the lesson did not take as given, named in one
/// line of the status bar, so a hand-edited or stale link does not fail silently.
fn report_ignored_settings(
    mut params: ResMut<LessonParams>,
    mut notice: ResMut<crate::kit::robot::Notice>,
    time: Res<Time>,
) {
    if params.ignored.is_empty() {
        return;
    }
    let ignored = std::mem::take(&mut params.ignored);
    let mut line = ignored[..ignored.len().min(4)].join(", ");
    if ignored.len() > 4 {
        line.push_str(&format!(" and {} more", ignored.len() - 4));
    }
    // Logged too (the browser's console), so the smoke test can tell.
    info!("settings from the link not used: {line}");
    notice.post("notice_link_ignored", line, time.elapsed_secs_f64());
}

fn open_start_step(
    mut start: ResMut<StartStep>,
    params: Res<LessonParams>,
    mut commands: MessageWriter<StepCommand>,
) {
    if let Some(i) = start.index {
        // (They are applied on their own too, the first frame, in case the step is not there.)
        start.params = params.given.clone();
        commands.write(StepCommand::Go(i));
    }
}

/// What entering a step may change.
#[derive(SystemParam)]
pub struct StepScene<'w, 's> {
    sim: Option<ResMut<'w, Sim>>,
    robot: ResMut<'w, Robot>,
    teach: Option<ResMut<'w, Teach>>,
    params: ResMut<'w, LessonParams>,
    start: ResMut<'w, StartStep>,
    mode: Res<'w, State<DriveMode>>,
    next_mode: ResMut<'w, NextState<DriveMode>>,
    cameras: Query<'w, 's, &'static mut PanOrbitCamera>,
}

/// Points the orbit camera at a shot: it glides there, or starts there when it has not
/// drawn a frame yet (on its first frame the camera takes its targets from its current
/// values, which would undo the shot).
pub fn frame_shot(cam: &mut PanOrbitCamera, shot: &Shot) {
    cam.target_focus = convert::point(&RVec3::from(shot.target));
    cam.target_radius = shot.distance;
    cam.target_yaw = shot.yaw;
    cam.target_pitch = shot.pitch;
    if !cam.initialized {
        cam.focus = cam.target_focus;
        cam.radius = Some(shot.distance);
        cam.yaw = Some(shot.yaw);
        cam.pitch = Some(shot.pitch);
    }
}

/// The one place step commands act: follows the active lesson, moves through its steps, and
/// applies a step's set-up once when it is entered.
fn follow_steps(
    mut commands: MessageReader<StepCommand>,
    mut state: ResMut<StepState>,
    active: Res<State<ActiveLesson>>,
    registry: Res<LessonRegistry>,
    mut scene: StepScene,
) {
    let steps = registry.steps(active.0);
    if !state.update(active.0, steps.len(), commands.read().copied()) {
        return;
    }
    state.pending = false;
    if let Some(step) = state.current.and_then(|i| steps.get(i)) {
        enter(step, &mut scene);
    }
}

fn enter(step: &Step, scene: &mut StepScene) {
    for mut cam in &mut scene.cameras {
        frame_shot(&mut cam, &step.shot);
    }
    scene.params.given = step
        .params
        .iter()
        .map(|&(k, v)| (k.to_string(), v.to_string()))
        .collect();
    scene.params.given_by_step = true;
    // The start step's link settings, once, on top.
    scene.params.on_top = std::mem::take(&mut scene.start.params);
    let setup = step.sim;
    if let (Some(seed), Some(sim)) = (setup.seed, scene.sim.as_deref_mut()) {
        // A robot the task cannot run on keeps teach mode; nothing to restart.
        let _ = sim.restart(&scene.robot.model, seed);
    }
    if let (Some(playing), Some(sim)) = (setup.playing, scene.sim.as_deref_mut()) {
        sim.playing = playing;
    }
    let available = scene.sim.as_deref().is_some_and(Sim::available);
    let mut teach = setup.teach;
    // Steps are written for the bundled Panda; another arm keeps its own pose.
    if let Some(q) = setup.q
        && crate::robot::panda::is_bundled(&scene.robot.model)
        && (scene.robot.set_chain_q(q) || scene.robot.set_q(q))
    {
        if let Some(t) = scene.teach.as_deref_mut() {
            t.sync_target = true;
        }
        teach = Some(true);
    }
    let want = match teach {
        Some(true) => Some(DriveMode::Teach),
        Some(false) if available => Some(DriveMode::Simulate),
        _ => None,
    };
    if let Some(mode) = want
        && mode != *scene.mode.get()
    {
        scene.next_mode.set(mode);
    }
}

/// Text sizes of the step card (points, before presenter mode's zoom).
struct CardSizes {
    title: f32,
    formula: f32,
    body: f32,
    width: f32,
}

fn card_sizes(presenter: bool) -> CardSizes {
    if presenter {
        // With the presenter zoom (1.65 at 1080 lines) the formula is about 50 px high.
        CardSizes {
            title: 26.0,
            formula: 30.0,
            body: 17.0,
            width: 620.0,
        }
    } else {
        CardSizes {
            title: 20.0,
            formula: 22.0,
            body: 15.0,
            width: 470.0,
        }
    }
}

/// The step card's window (its title, hidden, is its egui id).
const STEP_CARD: &str = "step_card";

/// The card's left edge, and the gap it keeps to the lesson panel (points).
const CARD_LEFT: f32 = 8.0;
const CARD_GAP: f32 = 8.0;
/// Narrower than this the card's sentences would be a few words a line (points).
const MIN_CARD_WIDTH: f32 = 300.0;

/// The card's content width: what it wants, or what is left between its left edge and the
/// lesson panel (`panel_left`, points) less its frame (`frame`, both sides), but not below
/// [`MIN_CARD_WIDTH`].
fn card_width(wanted: f32, panel_left: Option<f32>, frame: f32) -> f32 {
    match panel_left {
        Some(x) => (x - CARD_LEFT - CARD_GAP - frame)
            .min(wanted)
            .max(MIN_CARD_WIDTH.min(wanted)),
        None => wanted,
    }
}

/// The formula's size: as large as the card allows on one line (a DejaVu Sans character is
/// at most about 0.6 em wide), but no larger than the card's formula size.
fn formula_size(formula: &str, sizes: &CardSizes) -> f32 {
    let chars = formula.chars().count().max(1) as f32;
    sizes
        .formula
        .min(sizes.width / (0.6 * chars))
        .max(sizes.body)
}

/// How far above the window's bottom edge the card sits: over the transport bar (points).
fn above_bar(bar: Option<&super::chrome::layout::BarHeight>) -> f32 {
    let height = bar.map_or(super::chrome::layout::BarHeight::default().0, |b| b.0);
    height + super::chrome::layout::BAR_MARGIN + 4.0
}

/// The step card: "Step k of n", the title, the sentences, the formula large, the prompt,
/// and the buttons; a lesson with steps and none chosen offers to start them.
pub fn step_card(
    mut contexts: EguiContexts,
    (ui_state, lang): (Res<UiState>, Res<Lang>),
    (state, active, registry): (
        Res<StepState>,
        Res<State<ActiveLesson>>,
        Res<LessonRegistry>,
    ),
    bar: Option<Res<super::chrome::layout::BarHeight>>,
    mut commands: MessageWriter<StepCommand>,
    (course, mut links): (
        Option<Res<crate::kit::course::Course>>,
        MessageWriter<crate::kit::course::CourseCommand>,
    ),
) -> Result {
    if ui_state.hide_panels {
        return Ok(());
    }
    let steps = registry.steps(active.0);
    if steps.is_empty() {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let l = *lang;
    let mut sizes = card_sizes(ui_state.presenter);
    // Beside the lesson panel: on a projector's 1024 or 1280 pixels at the presenter zoom the
    // card would run under the panel (and its buttons with it); it narrows instead. Only a
    // panel that reaches down beside the card counts, judged against the card's last frame: a
    // card that narrowed grew taller, so it widens again only once the panel is clear even of
    // that, and cannot flicker between the two.
    let card = ctx.memory(|m| m.area_rect(egui::Id::new(STEP_CARD)));
    let panel_left = crate::kit::widgets::lesson_panel_rect(ctx)
        .filter(|p| card.is_none_or(|c| p.max.y + CARD_GAP > c.min.y))
        .map(|r| r.min.x);
    let frame = ctx.global_style().spacing.window_margin.sum().x;
    sizes.width = card_width(sizes.width, panel_left, frame);
    let window = egui::Window::new(STEP_CARD)
        .title_bar(false)
        .resizable(false)
        .anchor(
            egui::Align2::LEFT_BOTTOM,
            [CARD_LEFT, -above_bar(bar.as_deref())],
        );
    let Some(i) = state.current.filter(|&i| i < steps.len()) else {
        window.show(ctx, |ui| {
            if ui
                .button(egui::RichText::new(l.t("steps_start")).size(sizes.body))
                .on_hover_text(l.t("steps_start_tip"))
                .clicked()
            {
                commands.write(StepCommand::Go(0));
            }
        });
        return Ok(());
    };
    let step = &steps[i];
    window.show(ctx, |ui| {
        ui.set_width(sizes.width);
        step_nav(ui, l, i, steps.len(), &sizes, &mut commands);
        let text = |s: &str, size: f32, color: egui::Color32| {
            typeset::inline_job(s, egui::FontId::proportional(size), color)
        };
        let title = text(step.title.get(l), sizes.title, egui::Color32::WHITE);
        ui.add(egui::Label::new(title).wrap());
        if !ui_state.presenter {
            ui.add(
                egui::Label::new(text(
                    step.body.get(l),
                    sizes.body,
                    egui::Color32::from_gray(225),
                ))
                .wrap(),
            );
        }
        ui.add_space(4.0);
        // As large as the card allows, measured; a stacked fraction is narrower than its text
        // on one line, which sets the floor (that always fits).
        let mut formula = typeset::Formula::new(
            step.formula,
            sizes.formula,
            egui::Color32::from_rgb(255, 230, 150),
        );
        formula.min_size = formula_size(&typeset::plain(step.formula), &sizes);
        formula.show(ui);
        ui.add_space(4.0);
        ui.add(
            egui::Label::new(text(
                &format!("{} {}", l.t("try_this"), step.try_this.get(l)),
                sizes.body,
                egui::Color32::from_rgb(170, 220, 255),
            ))
            .wrap(),
        );
        if let (Some(course), Some(lesson)) = (course.as_deref(), active.0) {
            ui.add_space(2.0);
            super::course::step_links(ui, course, &registry, (lesson, i, step), l, &mut links);
        }
    });
    Ok(())
}

/// The card's top row: which step of how many, and leave, next, previous, again.
fn step_nav(
    ui: &mut egui::Ui,
    l: Lang,
    i: usize,
    n: usize,
    sizes: &CardSizes,
    commands: &mut MessageWriter<StepCommand>,
) {
    ui.horizontal(|ui| {
        ui.label(
            egui::RichText::new(format!("{} {} / {}", l.t("step_label"), i + 1, n))
                .size(sizes.body)
                .weak(),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button(egui::RichText::new("✕").size(sizes.body))
                .on_hover_text(l.t("steps_leave"))
                .clicked()
            {
                commands.write(StepCommand::Leave);
            }
            if ui
                .add_enabled(
                    i + 1 < n,
                    egui::Button::new(egui::RichText::new("▶").size(sizes.body)),
                )
                .on_hover_text(l.t("steps_next"))
                .clicked()
            {
                commands.write(StepCommand::Next);
            }
            if ui
                .add_enabled(
                    i > 0,
                    egui::Button::new(egui::RichText::new("◀").size(sizes.body)),
                )
                .on_hover_text(l.t("steps_previous"))
                .clicked()
            {
                commands.write(StepCommand::Previous);
            }
            if ui
                .button(egui::RichText::new("⟲").size(sizes.body))
                .on_hover_text(l.t("steps_again"))
                .clicked()
            {
                commands.write(StepCommand::Go(i));
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_narrows_to_stay_clear_of_the_lesson_panel() {
        // No panel, or a panel far to the right: the card's own width.
        assert_eq!(card_width(620.0, None, 12.0), 620.0);
        assert_eq!(card_width(620.0, Some(1100.0), 12.0), 620.0);
        // A panel from x = 600: the card ends 8 points short of it, frame included.
        let w = card_width(620.0, Some(600.0), 12.0);
        assert_eq!(CARD_LEFT + w + 12.0 + CARD_GAP, 600.0);
        // Never narrower than the least readable width, nor wider than it wants.
        assert_eq!(card_width(620.0, Some(200.0), 12.0), MIN_CARD_WIDTH);
        assert_eq!(card_width(250.0, Some(200.0), 12.0), 250.0);
    }

    #[test]
    fn the_card_sits_above_the_bar_however_tall_it_is() {
        use super::super::chrome::layout::{BAR_MARGIN, BarHeight};
        // Before the bar is first drawn: where three rows of it end.
        assert_eq!(above_bar(None), 86.0);
        // A bar wrapped onto a fourth row pushes the card up by that row.
        let (three, four) = (
            above_bar(Some(&BarHeight(74.0))),
            above_bar(Some(&BarHeight(97.0))),
        );
        assert_eq!(four - three, 23.0);
        assert!(
            three > 74.0 + BAR_MARGIN,
            "a gap between the card and the bar"
        );
    }

    #[test]
    fn presenter_text_is_larger() {
        let (a, b) = (card_sizes(false), card_sizes(true));
        assert!(b.title > a.title && b.formula > a.formula && b.body > a.body);
        // At 1920×1080 the presenter zoom is 1.65: the formula is at least 45 px high, and
        // the card still fits beside the lesson panel.
        let zoom = super::super::chrome::layout::presenter_zoom(1080.0);
        assert!(b.formula * zoom >= 45.0);
        assert!(b.width * zoom < 0.6 * 1920.0);
    }

    #[test]
    fn long_formulas_shrink_to_one_line_but_stay_above_body_text() {
        let s = card_sizes(false);
        assert_eq!(formula_size("T_ac = T_ab · T_bc", &s), s.formula);
        let long = "T_base_target = T_base_cam · T_cam_target";
        let size = formula_size(long, &s);
        assert!(size < s.formula && size * 0.6 * long.chars().count() as f32 <= s.width + 1e-3);
        assert_eq!(formula_size(&"x".repeat(200), &s), s.body);
    }

    #[test]
    fn a_shot_points_the_camera() {
        let mut cam = PanOrbitCamera::default();
        let shot = Shot {
            target: [0.5, -0.2, 0.1],
            distance: 0.8,
            yaw: 1.2,
            pitch: 0.5,
        };
        frame_shot(&mut cam, &shot);
        assert_eq!(
            convert::point_to_robot(cam.target_focus),
            RVec3::new(0.5, -0.2, 0.1).map(|x| x as f32 as f64)
        );
        assert_eq!(
            (cam.target_radius, cam.target_yaw, cam.target_pitch),
            (0.8, 1.2, 0.5)
        );
    }
}
