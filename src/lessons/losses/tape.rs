//! What the timeline keeps of this lesson: the two KL searches (where each had got to, and
//! after how many moves) and how far each low-rank fine-tuning run had trained, so a scrubbed
//! moment shows the fitted Gaussians of then and a cursor in the fine-tuning loss plot. The
//! fine-tuned networks are not rewound.

use crate::kit::prelude::*;
use crate::math::losses::KlFit;

use super::data::KlLive;
use super::lowrank::LowRankData;

#[derive(Clone, Debug, PartialEq)]
pub struct KlMoment {
    fits: Option<[KlFit; 2]>,
    start: f64,
    /// Points on each search's path.
    lens: [usize; 2],
}

impl Taped for KlLive {
    type Moment = KlMoment;

    fn moment(&self) -> KlMoment {
        KlMoment {
            fits: self.fits.clone(),
            start: self.start,
            lens: [self.paths[0].len(), self.paths[1].len()],
        }
    }

    fn show_moment(&mut self, m: &KlMoment, past: bool) {
        self.fits = m.fits.clone();
        self.start = m.start;
        self.past_lens = past.then_some(m.lens);
        if !past {
            // Live again, or branched from an earlier moment: the paths as they were then.
            for (path, &len) in self.paths.iter_mut().zip(&m.lens) {
                path.truncate(len);
            }
        }
    }

    fn animating(&self) -> bool {
        self.moving
    }
}

impl Taped for LowRankData {
    /// Steps each run had trained.
    type Moment = Vec<usize>;

    fn moment(&self) -> Vec<usize> {
        self.runs.iter().map(|r| r.steps).collect()
    }

    fn show_moment(&mut self, steps: &Vec<usize>, past: bool) {
        self.past = past.then(|| steps.clone());
    }

    fn animating(&self) -> bool {
        !self.runs.is_empty() && !self.finished()
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use crate::kit::commands::TimelineCmd;

    /// The KL searches move once per frame; a scrubbed moment shows each fit as it was and
    /// its move count then; live again, the searches go on from where they were.
    #[test]
    fn a_scrubbed_moment_shows_the_kl_searches_of_then() {
        let mut app = crate::lessons::physics_app::physics_app(ID);
        app.world_mut().resource_mut::<data::CourseData>().at_once = true;
        app.update();
        app.world_mut().resource_mut::<Sim>().playing = false;
        app.world_mut().resource_mut::<LossesState>().section = Section::Kl;
        let mut seen = Vec::new();
        for _ in 0..25 {
            app.update();
            let serial = app.world().resource::<Sim>().history.last().unwrap().serial;
            let kl = app.world().resource::<data::KlLive>();
            seen.push((serial, kl.fits.clone(), [kl.moves(0), kl.moves(1)]));
        }
        let live = {
            let kl = app.world().resource::<data::KlLive>();
            (kl.fits.clone(), [kl.moves(0), kl.moves(1)])
        };
        let (serial, fits, moves) = seen[6].clone();
        assert!(fits.is_some() && moves != live.1, "{moves:?} {:?}", live.1);
        crate::lessons::test_support::show_serial(&mut app, serial);
        let kl = app.world().resource::<data::KlLive>();
        assert_eq!(kl.fits, fits);
        assert_eq!([kl.moves(0), kl.moves(1)], moves);
        app.world_mut()
            .write_message(Request::Timeline(TimelineCmd::Live));
        app.update();
        let kl = app.world().resource::<data::KlLive>();
        assert!(kl.moves(0) >= live.1[0] && kl.moves(1) >= live.1[1]);
        assert!(kl.past_lens.is_none());
    }
}
