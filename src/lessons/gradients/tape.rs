//! What the timeline keeps of this lesson: how many descent steps the arm had taken (the arm
//! itself is in the timeline's frames) and how far the policy had trained, so a scrubbed
//! moment puts a cursor in the loss plots. The trained network is not rewound.

use crate::kit::prelude::*;

use super::arm::Descent;
use crate::lessons::shared::reaching::PolicyData;

impl Taped for Descent {
    /// Descent steps taken.
    type Moment = u64;

    fn moment(&self) -> u64 {
        self.steps
    }

    fn show_moment(&mut self, steps: &u64, past: bool) {
        if past {
            self.past = Some(*steps);
        } else {
            self.past = None;
            // Branched from an earlier moment: the losses after it did not happen.
            let later = self.steps.saturating_sub(*steps) as usize;
            let keep = self.losses.len().saturating_sub(later);
            self.losses.truncate(keep);
            self.steps = self.steps.min(*steps);
        }
    }
}

impl Taped for PolicyData {
    /// Training steps taken.
    type Moment = usize;

    fn moment(&self) -> usize {
        self.steps()
    }

    fn show_moment(&mut self, steps: &usize, past: bool) {
        self.past_step = past.then_some(*steps);
    }

    fn animating(&self) -> bool {
        self.training
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::kit::commands::TimelineCmd;

    /// The arm descends in teach mode; a scrubbed moment shows the arm of then and the loss
    /// plot's cursor on the step taken then; branching from it forgets the later losses.
    #[test]
    fn a_scrubbed_moment_of_the_descent_marks_its_step() {
        let mut app = crate::lessons::physics_app::physics_app(ID);
        app.add_plugins(crate::app::timeline::TimelinePlugin);
        app.update();
        {
            let mut state = app.world_mut().resource_mut::<GradientsState>();
            state.section = Section::Arm;
            state.descend = true;
        }
        let mut seen = Vec::new();
        for _ in 0..30 {
            app.update();
            let serial = app.world().resource::<Sim>().history.last().unwrap().serial;
            let d = app.world().resource::<arm::Descent>();
            let q = app.world().resource::<Robot>().q.clone();
            seen.push((serial, d.steps, d.losses.last().copied(), q));
        }
        let live = app.world().resource::<arm::Descent>().clone();
        assert!(live.steps >= 25, "{} steps", live.steps);
        let (serial, steps, loss, q) = seen[10].clone();
        crate::lessons::test_support::show_serial(&mut app, serial);
        let d = app.world().resource::<arm::Descent>();
        assert_eq!(d.past, Some(steps));
        let x = d.cursor().unwrap();
        assert_eq!(d.losses.get(x as usize).copied(), loss);
        assert_eq!(app.world().resource::<Robot>().q, q);
        // Nothing descends while the moment is shown (the update that asked for it took
        // one more step before it was shown).
        let held = app.world().resource::<arm::Descent>().steps;
        assert!(held <= live.steps + 1);
        app.update();
        assert_eq!(app.world().resource::<arm::Descent>().steps, held);
        app.world_mut()
            .write_message(Request::Timeline(TimelineCmd::Branch));
        app.update();
        let d = app.world().resource::<arm::Descent>();
        assert_eq!(d.past, None);
        assert!(
            d.steps <= steps + 1,
            "{} after branching at {steps}",
            d.steps
        );
        assert_eq!(d.losses.len() as u64, d.steps);
        assert_eq!(d.losses.get(steps as usize - 1).copied(), loss);
    }
}
