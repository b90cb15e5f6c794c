//! What the timeline keeps of this lesson: the denoising animation (its noise, clock and
//! step shown) and how far the network had trained, so a scrubbed moment shows the samples
//! as they were and a cursor in the loss plot. The network itself is not rewound: samples
//! drawn from it at a past moment use the network trained since.

use crate::kit::prelude::*;

use super::*;

#[derive(Clone, Debug, PartialEq)]
pub struct GenerativeMoment {
    noise_seed: u64,
    clock: f64,
    shown: usize,
    /// Training steps done (none: no training begun).
    train_step: Option<usize>,
}

impl GenerativeState {
    /// The training step reached at the moment the timeline shows (`None` while live).
    pub fn past_train_step(&self) -> Option<usize> {
        self.past.then_some(self.past_step.unwrap_or(0))
    }
}

impl Taped for GenerativeState {
    type Moment = GenerativeMoment;

    fn moment(&self) -> GenerativeMoment {
        let trainer = self.trainer.as_ref().or(self.trained.as_deref());
        GenerativeMoment {
            noise_seed: self.noise_seed,
            clock: self.clock,
            shown: self.shown,
            train_step: trainer.map(|t| t.step),
        }
    }

    fn show_moment(&mut self, m: &GenerativeMoment, past: bool) {
        if m.noise_seed != self.noise_seed || self.dirty || self.run.is_none() {
            self.noise_seed = m.noise_seed;
            self.restart_run();
        }
        self.clock = m.clock;
        self.shown = m.shown;
        // Every step up to the one shown, now: the animation's clock does not run meanwhile.
        self.advance_run(m.shown, usize::MAX);
        self.past = past;
        self.past_step = m.train_step;
    }

    fn animating(&self) -> bool {
        self.set.is_some() && (self.playing || self.training)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::commands::TimelineCmd;

    /// What the lesson draws: the sample paths' points up to the step shown.
    fn drawn(state: &GenerativeState) -> (u64, usize, Vec<Vec<f64>>, Option<usize>) {
        let run = state.run.as_ref().unwrap();
        let shown = state.shown;
        let points = run
            .paths
            .iter()
            .map(|p| p[shown.min(p.len() - 1)].clone())
            .collect();
        let step = state.trainer.as_ref().map(|t| t.step);
        (state.noise_seed, shown, points, step)
    }

    #[test]
    fn a_scrubbed_moment_shows_the_denoising_step_of_then() {
        let mut app = crate::lessons::physics_app::physics_app(ID);
        app.world_mut()
            .resource_mut::<GenerativeState>()
            .record_at_once = true;
        app.world_mut()
            .resource_mut::<GenerativeState>()
            .train_when_ready = true;
        app.update();
        app.world_mut().resource_mut::<Sim>().playing = false;
        let mut seen = Vec::new();
        // 100 ms per update: the 4 s animation, its pause, and into the next noise.
        for _ in 0..70 {
            app.update();
            let serial = app.world().resource::<Sim>().history.last().unwrap().serial;
            seen.push((serial, drawn(app.world().resource::<GenerativeState>())));
        }
        let live = drawn(app.world().resource::<GenerativeState>());
        assert!(seen.iter().any(|(_, d)| d.0 != live.0), "a new noise began");
        let steps: Vec<_> = seen.iter().filter_map(|(_, d)| d.3).collect();
        assert!(steps.first() < steps.last(), "training went on: {steps:?}");
        for k in [5, 20, 38, 60] {
            let (serial, then) = &seen[k];
            crate::lessons::test_support::show_serial(&mut app, *serial);
            let state = app.world().resource::<GenerativeState>();
            let now = drawn(state);
            assert_eq!(
                (&now.0, now.1, &now.2),
                (&then.0, then.1, &then.2),
                "moment {k}"
            );
            // The loss plot's cursor: the training step reached then.
            assert_eq!(state.past_train_step(), Some(then.3.unwrap_or(0)));
        }
        app.world_mut()
            .write_message(Request::Timeline(TimelineCmd::Live));
        app.update();
        let state = app.world().resource::<GenerativeState>();
        assert!(!state.past && state.past_train_step().is_none());
        assert_eq!(state.noise_seed, live.0);
        assert!(state.shown >= live.1);
    }
}
