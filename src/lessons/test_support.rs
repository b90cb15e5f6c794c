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

/// Shows the timeline's frame with serial `serial`, as a drag of the scrub bar would, and
/// runs one update.
pub fn show_serial(app: &mut bevy::prelude::App, serial: u64) {
    use crate::kit::commands::TimelineCmd;
    use crate::kit::prelude::*;
    let index = app
        .world()
        .resource::<Sim>()
        .history
        .index_of_serial(serial)
        .expect("the frame is still kept");
    app.world_mut()
        .write_message(Request::Timeline(TimelineCmd::Show(index)));
    app.update();
}

/// Holds `keys` down for one update, then releases them (the app needs a
/// `ButtonInput<KeyCode>` resource).
pub fn press(app: &mut bevy::prelude::App, keys: &[bevy::prelude::KeyCode]) {
    use bevy::prelude::{ButtonInput, KeyCode};
    {
        let mut input = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        input.reset_all();
        for k in keys {
            input.press(*k);
        }
    }
    app.update();
    let mut input = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
    input.release_all();
    input.clear();
}
