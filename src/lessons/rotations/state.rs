//! The lesson's state: the open section, the Euler sequence and angles, the spinning ring,
//! the interpolation and integration choices, and the settings a link carries.

use crate::lessons::{LessonSettings, param_choice, param_name};
use crate::math::euler::EulerSequence;
use crate::math::{Mat3, Vec3 as RVec3, so3};
use bevy::prelude::*;
use std::collections::{BTreeMap, VecDeque};

use super::*;

/// Below this `|cos b|` (or `|sin b|`) the lock indicator lights: within about 3° of lock.
pub const LOCK_WARNING: f64 = 0.05;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Gimbal,
    LostAxis,
    Interpolation,
    Integration,
    Continuity,
    Arm,
}

/// A constant spin about a world axis, integrated exactly, with the rates each
/// representation needs.
#[derive(Clone, Debug)]
pub struct Spin {
    pub axis: RVec3,
    /// rad/s
    pub speed: f64,
    pub rotation: Mat3,
    pub t: f64,
    /// (t, |θ̇| per Euler angle, |q̇|)
    pub history: VecDeque<(f64, [f64; 3], f64)>,
}

#[derive(Resource, Debug, Clone)]
pub struct RotationsState {
    /// Index into [`EulerSequence::all`].
    pub sequence: usize,
    /// Degrees, for the sliders.
    pub angles_deg: [f64; 3],
    pub section: Section,
    pub spin: Option<Spin>,
    /// Interpolation end points (rotation matrices, base frame).
    pub from: Mat3,
    pub to: Mat3,
    pub show: [bool; 4],
    pub long_way: bool,
    /// Integration demo: body rate (rad/s) and step (s).
    pub omega: [f64; 3],
    pub dt: f64,
    pub arm: Option<ArmDemo>,
    /// True while the timeline shows a past moment (the plots mark it).
    pub past: bool,
}

impl Default for RotationsState {
    fn default() -> Self {
        RotationsState {
            // Intrinsic ZYX (yaw, pitch, roll), the aerospace convention.
            sequence: EulerSequence::all()
                .iter()
                .position(|s| s.name() == "ZYX")
                .unwrap_or(0),
            angles_deg: [30.0, 60.0, 20.0],
            section: Section::Gimbal,
            spin: None,
            // Pitch 65° → 115°: a 50° turn that passes over ZYX's lock.
            from: so3::exp(&(RVec3::y() * 65f64.to_radians())),
            to: so3::exp(&(RVec3::y() * 115f64.to_radians())),
            show: [true; 4],
            long_way: false,
            omega: [0.4, -1.0, 0.7],
            dt: 0.05,
            arm: None,
            past: false,
        }
    }
}

impl RotationsState {
    pub fn sequence(&self) -> EulerSequence {
        let all = EulerSequence::all();
        all[self.sequence.min(all.len() - 1)]
    }

    pub fn angles(&self) -> [f64; 3] {
        self.angles_deg.map(f64::to_radians)
    }

    pub fn rotation(&self) -> Mat3 {
        self.sequence().to_matrix(self.angles())
    }

    /// How far from lock (0 = locked): `|cos b|` or `|sin b|`.
    pub fn lock_distance(&self) -> f64 {
        self.sequence().lock_measure(self.angles()).abs()
    }

    /// Starts a spin about a world axis chosen to carry the current orientation through the
    /// lock: the axis of the middle angle (E's second column), at 30°/s.
    pub fn start_spin(&mut self) {
        let seq = self.sequence();
        let axis = seq.rate_matrix(self.angles()).column(1).normalize();
        self.spin = Some(Spin {
            axis,
            speed: 30f64.to_radians(),
            rotation: self.rotation(),
            t: 0.0,
            history: VecDeque::new(),
        });
    }

    /// Advances the spin by `dt`: the orientation turns exactly, the sliders follow the Euler
    /// angles of the new orientation, and the rates each representation needs are recorded.
    pub fn advance_spin(&mut self, dt: f64) {
        let seq = self.sequence();
        let Some(spin) = &mut self.spin else { return };
        let omega = spin.axis * spin.speed;
        spin.rotation = so3::exp(&(omega * dt)) * spin.rotation;
        spin.t += dt;
        let angles = seq.from_matrix(&spin.rotation).angles;
        // At exact lock no finite rates exist: record infinity (the plot clips it).
        let rates = seq
            .rates_for(angles, &omega)
            .map_or([f64::INFINITY; 3], |r| [r.x.abs(), r.y.abs(), r.z.abs()]);
        // |q̇| = ½|ω| for a unit quaternion, whatever the orientation.
        spin.history.push_back((spin.t, rates, 0.5 * omega.norm()));
        while spin.history.len() > 1200 {
            spin.history.pop_front();
        }
        self.angles_deg = angles.map(f64::to_degrees);
    }
}

impl Section {
    /// Each section with its name in a link and its tab's string key, in tab order.
    pub(super) const ALL: [(Section, &'static str, &'static str); 6] = [
        (Section::Gimbal, "gimbal", "sec_gimbal"),
        (Section::LostAxis, "lost-axis", "sec_lost_axis"),
        (Section::Interpolation, "interpolation", "sec_interp"),
        (Section::Integration, "integration", "sec_integration"),
        (Section::Continuity, "continuity", "sec_continuity"),
        (Section::Arm, "arm", "sec_arm"),
    ];

    /// (section, link name) pairs.
    pub(super) fn link_names() -> [(Section, &'static str); 6] {
        Section::ALL.map(|(s, name, _)| (s, name))
    }
}

/// `euler=ZYX` (upper case intrinsic, lower case extrinsic), `angles=30,60,20` (degrees),
/// `section=gimbal|lost-axis|interpolation|integration|continuity|arm`.
impl LessonSettings for RotationsState {
    fn apply_params(&mut self, given: &BTreeMap<String, String>) {
        if let Some(i) = given
            .get("euler")
            .and_then(|name| EulerSequence::all().iter().position(|s| s.name() == *name))
        {
            self.sequence = i;
        }
        if let Some(angles) = given.get("angles") {
            let v: Vec<f64> = angles
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .filter(|a: &f64| a.is_finite())
                .collect();
            if let Ok(v) = <[f64; 3]>::try_from(v) {
                self.angles_deg = v.map(|a| a.clamp(-180.0, 180.0));
            }
        }
        if let Some(section) = param_choice(
            &Section::link_names(),
            given.get("section").map(String::as_str),
        ) {
            self.section = section;
        }
    }

    fn write_params(&self, out: &mut BTreeMap<String, String>) {
        if let Some(seq) = EulerSequence::all().get(self.sequence) {
            out.insert("euler".into(), seq.name());
        }
        let [a, b, c] = self.angles_deg.map(|a| (a * 100.0).round() / 100.0);
        out.insert("angles".into(), format!("{a},{b},{c}"));
        if let Some(name) = param_name(&Section::link_names(), self.section) {
            out.insert("section".into(), name.into());
        }
    }
}

pub(super) fn spin(mut state: ResMut<RotationsState>, time: Res<Time>) {
    if state.spin.is_some() {
        state.advance_spin(time.delta_secs_f64().min(0.1));
    }
}
