//! What the timeline keeps of this lesson: the exponential map's clock and the free body's
//! orientation, twist and clock, so a scrubbed moment shows the triads and the slab as they
//! were, with a cursor in the rates plot.

use crate::kit::prelude::*;
use crate::math::{Mat3, Vec6};

use super::*;

#[derive(Clone, Debug, PartialEq)]
pub struct DynamicsMoment {
    spin_t: f64,
    body: Option<(Mat3, Vec6, f64)>,
}

impl Taped for DynamicsState {
    type Moment = DynamicsMoment;

    fn moment(&self) -> DynamicsMoment {
        DynamicsMoment {
            spin_t: self.spin_t,
            body: self
                .body
                .as_ref()
                .map(|b| (b.rotation, b.velocity, self.body_t)),
        }
    }

    fn show_moment(&mut self, m: &DynamicsMoment, past: bool) {
        self.spin_t = m.spin_t;
        match (&m.body, &mut self.body) {
            (Some((r, v, t)), Some(body)) => {
                body.rotation = *r;
                body.velocity = *v;
                self.body_t = *t;
            }
            (None, _) => self.body = None,
            // The body was launched again since: the moment's slab is not the one kept.
            (Some(_), None) => {}
        }
        if !past {
            // Live again or branched: the rates after the moment did not happen.
            let t = self.body_t;
            while self.trace.back().is_some_and(|(s, _)| *s > t + 1e-9) {
                self.trace.pop_back();
            }
        }
        self.past = past;
    }

    fn animating(&self) -> bool {
        (self.section == Section::Exp && self.spinning)
            || (self.section == Section::Body && self.body.is_some())
    }
}
