//! Helpers for the lessons' settings tests: a link from pairs, and the check that every guided
//! step's settings are ones the lesson reads and writes back unchanged.

use crate::kit::{LessonSettings, Step};
use std::collections::BTreeMap;

/// A link's `key=value` pairs as the settings read them.
pub fn link(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Every step's parameters, applied to the default settings `S`, come back unchanged when the
/// settings are written: no step names a key or a value the lesson would drop or clamp.
pub fn assert_steps_open_valid_settings<S: LessonSettings>(steps: &[Step]) {
    for (i, step) in steps.iter().enumerate() {
        let mut s = S::default();
        s.apply_params(&link(step.params));
        let mut out = BTreeMap::new();
        s.write_params(&mut out);
        for (k, v) in step.params {
            assert_eq!(
                out.get(*k).map(String::as_str),
                Some(*v),
                "step {} key {k}",
                i + 1
            );
        }
    }
}
