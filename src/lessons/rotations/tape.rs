//! What the timeline keeps of this lesson: the rig's angles, the spin (its orientation and
//! clock) and the arm demo's playback, so a scrubbed moment shows the rig, the rates plot's
//! cursor and the arm as they were.

use crate::kit::prelude::*;

use super::*;

#[derive(Clone, Debug)]
pub struct RotationsMoment {
    angles_deg: [f64; 3],
    /// The spin; kept without its rates history (the live state keeps that).
    spin: Option<Spin>,
    /// The arm demo's playback: (the Euler run?, seconds into it).
    arm: Option<(bool, f64)>,
}

impl Spin {
    /// The same spin without its rates history.
    fn bare(&self) -> Spin {
        Spin {
            axis: self.axis,
            speed: self.speed,
            rotation: self.rotation,
            t: self.t,
            history: Default::default(),
        }
    }

    fn same_motion(&self, other: &Spin) -> bool {
        self.axis == other.axis && self.speed == other.speed
    }
}

impl Taped for RotationsState {
    type Moment = RotationsMoment;

    fn moment(&self) -> RotationsMoment {
        RotationsMoment {
            angles_deg: self.angles_deg,
            spin: self.spin.as_ref().map(Spin::bare),
            arm: self.arm.as_ref().and_then(|a| a.playing),
        }
    }

    fn live(&self) -> RotationsMoment {
        RotationsMoment {
            spin: self.spin.clone(),
            ..self.moment()
        }
    }

    fn show_moment(&mut self, m: &RotationsMoment, past: bool) {
        self.angles_deg = m.angles_deg;
        self.spin = match (&m.spin, self.spin.take()) {
            // A recorded moment of the spin shown now: its orientation and clock, over the
            // rates plotted so far (the plot's cursor marks the moment).
            (Some(s), Some(mut now)) if s.history.is_empty() && s.same_motion(&now) => {
                now.rotation = s.rotation;
                now.t = s.t;
                Some(now)
            }
            (Some(s), _) => Some(s.clone()),
            (None, _) => None,
        };
        if let Some(demo) = &mut self.arm {
            demo.playing = m.arm;
        }
        self.past = past;
    }

    fn animating(&self) -> bool {
        self.spin.is_some() || self.arm.as_ref().is_some_and(|a| a.playing.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::commands::TimelineCmd;
    use crate::math::Mat3;

    /// The spin's orientation and the rig's angles after each update, by the serial of the
    /// frame recorded in it.
    #[test]
    fn a_scrubbed_moment_shows_the_spin_as_it_was_then() {
        let mut app = crate::lessons::physics_app::physics_app(ID);
        app.update();
        app.world_mut().resource_mut::<Sim>().playing = false;
        app.world_mut()
            .resource_mut::<RotationsState>()
            .start_spin();
        let mut seen: Vec<(u64, Mat3, [f64; 3])> = Vec::new();
        for _ in 0..30 {
            app.update();
            let serial = app.world().resource::<Sim>().history.last().unwrap().serial;
            let state = app.world().resource::<RotationsState>();
            let spin = state.spin.as_ref().unwrap();
            seen.push((serial, spin.rotation, state.angles_deg));
        }
        let live = app
            .world()
            .resource::<RotationsState>()
            .spin
            .clone()
            .unwrap();
        let (serial, rotation, angles) = seen[12];
        crate::lessons::test_support::show_serial(&mut app, serial);
        let state = app.world().resource::<RotationsState>();
        let spin = state.spin.as_ref().unwrap();
        assert_eq!(spin.rotation, rotation);
        assert_eq!(state.angles_deg, angles);
        assert!(state.past);
        // The rates plotted so far stay, with the cursor at the moment's clock.
        assert_eq!(spin.history.len(), live.history.len());
        assert!(spin.t < live.t);
        app.world_mut()
            .write_message(Request::Timeline(TimelineCmd::Live));
        app.update();
        let state = app.world().resource::<RotationsState>();
        let spin = state.spin.as_ref().unwrap();
        assert!(!state.past);
        // The live spin comes back and turns on for one more update.
        assert!(
            (spin.t - live.t - 0.1).abs() < 1e-9,
            "{} {}",
            spin.t,
            live.t
        );
    }
}
