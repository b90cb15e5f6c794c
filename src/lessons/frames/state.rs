//! The lesson's state: the open section, the three frames picked (by link name in a link or
//! a step, so a new robot keeps sensible picks), the overlays, the calibration point.

use crate::kit::prelude::*;
use crate::lessons::{LessonSettings, param_choice, param_flag, param_name, write_flag};
use bevy::prelude::*;
use std::collections::BTreeMap;

/// A frame the lesson can pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameRef {
    Link(usize),
    /// The calibration camera on its stand (optical convention: z forward, y down).
    Camera,
    /// The cube (or a marker on the table when there is no physics).
    Target,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Chain,
    Calibration,
    Basis,
}

#[derive(Resource, Debug, Clone)]
pub struct FramesState {
    pub triads: bool,
    pub triad_scale: f32,
    pub names: bool,
    pub a: FrameRef,
    pub b: FrameRef,
    pub c: FrameRef,
    pub section: Section,
    /// The point of the calibration and basis sections, in the target frame.
    pub point: [f64; 3],
    /// Calibration with the inverse transform by mistake (`T_cam_base` for `T_base_cam`).
    pub inverted: bool,
    pub(super) generation: Option<u32>,
    /// Frames a link or a step named (`a=base`), resolved once the robot is known.
    pub(super) wanted: [Option<String>; 3],
}

impl Default for FramesState {
    fn default() -> Self {
        FramesState {
            triads: true,
            triad_scale: 1.0,
            names: false,
            a: FrameRef::Link(0),
            b: FrameRef::Link(0),
            c: FrameRef::Link(0),
            section: Section::Chain,
            point: [0.02, 0.02, 0.02],
            inverted: false,
            generation: None,
            wanted: [None, None, None],
        }
    }
}

pub(super) const SECTION_NAMES: [(Section, &str); 3] = [
    (Section::Chain, "chain"),
    (Section::Calibration, "calibration"),
    (Section::Basis, "basis"),
];

/// `section=chain|calibration|basis`, `a=`/`b=`/`c=` a link name, `base`, `mid`, `tool`,
/// `camera` or `target`, `triads=0|1`, `names=0|1`, `point=x,y,z` (metres, in the target),
/// `inverted=0|1` (the calibration used the wrong way round).
impl LessonSettings for FramesState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(s) = param_choice(&SECTION_NAMES, given.get("section").map(String::as_str)) {
            self.section = s;
        }
        param_flag(given, "triads", &mut self.triads);
        param_flag(given, "names", &mut self.names);
        param_flag(given, "inverted", &mut self.inverted);
        for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
            if let Some(name) = given.get(key).filter(|n| !n.trim().is_empty()) {
                self.wanted[i] = Some(name.trim().to_string());
            }
        }
        if let Some(p) = given.get("point") {
            let v: Vec<f64> = p
                .split(',')
                .filter_map(|x| x.trim().parse().ok())
                .filter(|x: &f64| x.is_finite())
                .collect();
            if let Ok(v) = <[f64; 3]>::try_from(v) {
                self.point = v.map(|x| x.clamp(-0.2, 0.2));
            }
        }
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        if let Some(n) = param_name(&SECTION_NAMES, self.section) {
            out.insert("section".into(), n.into());
        }
        write_flag(out, "triads", self.triads);
        write_flag(out, "names", self.names);
        if self.section == Section::Calibration {
            write_flag(out, "inverted", self.inverted);
        }
        let [x, y, z] = self.point;
        out.insert("point".into(), format!("{x},{y},{z}"));
    }
}

/// The frame a name picks on this robot: a link name, or `base`, `mid` (halfway along the
/// chain to the tool), `tool`, `camera`, `target`.
pub fn frame_named(robot: &Robot, name: &str) -> Option<FrameRef> {
    match name {
        "base" => Some(FrameRef::Link(0)),
        "mid" => Some(FrameRef::Link(middle_link(robot))),
        "tool" => Some(FrameRef::Link(robot.tool)),
        "camera" => Some(FrameRef::Camera),
        "target" => Some(FrameRef::Target),
        link => robot.model.link_index(link).map(FrameRef::Link),
    }
}

/// The link halfway along the path from the base to the tool.
pub(super) fn middle_link(robot: &Robot) -> usize {
    let path = robot.model.path_to(robot.tool);
    path.get(path.len() / 2)
        .map(|&j| robot.model.joints[j].child)
        .unwrap_or(0)
}

pub(super) fn resolve_picks(robot: Res<Robot>, mut state: ResMut<FramesState>) {
    if state.wanted.iter().all(Option::is_none) {
        return;
    }
    let wanted = std::mem::take(&mut state.wanted);
    for (i, name) in wanted.iter().enumerate() {
        // An unknown name (another robot's link) keeps the current pick.
        if let Some(f) = name.as_deref().and_then(|n| frame_named(&robot, n)) {
            match i {
                0 => state.a = f,
                1 => state.b = f,
                _ => state.c = f,
            }
        }
    }
}

pub(super) fn reset_on_new_model(robot: Res<Robot>, mut state: ResMut<FramesState>) {
    if state.generation == Some(robot.generation) {
        return;
    }
    state.generation = Some(robot.generation);
    // a = base, b = the middle of the chain to the tool, c = the tool.
    state.a = FrameRef::Link(0);
    state.b = FrameRef::Link(middle_link(&robot));
    state.c = FrameRef::Link(robot.tool);
}
