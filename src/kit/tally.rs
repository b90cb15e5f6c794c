//! Episodes counted per driver of a scenario (the scripted policy, a sampled one, …), for the
//! tables lessons show beside a task.

use bevy::prelude::*;

/// Episodes and successes of one driver of a scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub successes: u32,
    pub episodes: u32,
    /// Episodes in which the arm or the cube touched an obstacle.
    pub collisions: u32,
}

/// The tallies, per driver (a string-table key), in the order the drivers first ran.
#[derive(Resource, Default, Debug, Clone, PartialEq)]
pub struct Tallies(pub Vec<(&'static str, Tally)>);

impl Tallies {
    pub fn get(&self, driver: &str) -> Tally {
        self.0
            .iter()
            .find(|(n, _)| *n == driver)
            .map(|(_, t)| *t)
            .unwrap_or_default()
    }

    /// Counts a finished episode under its driver (`None`: the table scenes, not counted).
    pub fn count(&mut self, driver: Option<&'static str>, success: bool, collided: bool) {
        let Some(name) = driver else { return };
        let i = match self.0.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                self.0.push((name, Tally::default()));
                self.0.len() - 1
            }
        };
        let t = &mut self.0[i].1;
        t.episodes += 1;
        t.successes += u32::from(success);
        t.collisions += u32::from(collided);
    }
}
