//! Behaviour cloning in physics: record the scripted policy's task-space translations with the
//! position error they answered, fit a network to them, and let the network move the tool.

use super::SimError;
use super::task::{ActionMode, Episode, Outcome, PickPlaceConfig, ReachPolicy};
use crate::math::Vec3;
use crate::math::bc::{BcConfig, BcTrainer, Demos};
use crate::robot::Model;

/// Scripted episodes recorded as demonstrations (seeds 0…N−1).
pub const DEMO_EPISODES: u64 = 8;
/// Training steps (minibatches of 64) that make the policy.
pub const TRAIN_STEPS: usize = 2000;

/// The reaching policy's network: 3 → 16 → 16 → 3, small enough to draw every weight, trained
/// with Adam and a clip of 1 on the gradient's norm.
pub fn policy_config() -> BcConfig {
    BcConfig {
        hidden: vec![16, 16],
        ..BcConfig::default()
    }
}

/// The scripted policy's (error → translation) pairs over the episodes of `seeds`, run in
/// physics in task space.
pub fn record_demos(
    model: &Model,
    seeds: impl IntoIterator<Item = u64>,
    cfg: &PickPlaceConfig,
) -> Result<Demos, SimError> {
    let cfg = PickPlaceConfig {
        mode: ActionMode::Task,
        ..cfg.clone()
    };
    let mut demos = Demos::default();
    for seed in seeds {
        let mut e = Episode::new(model, seed, &cfg)?;
        while !e.finished() {
            e.step_period()?;
        }
        for (err, t) in e.reach_pairs() {
            demos.push(err.to_vec(), t.to_vec());
        }
    }
    Ok(demos)
}

/// A fitted network as the translation policy.
pub struct Cloned(pub BcTrainer);

impl ReachPolicy for Cloned {
    fn translate(&self, error: Vec3) -> Vec3 {
        let a = self.0.act(error.as_slice());
        match a.as_slice() {
            [x, y, z] => Vec3::new(*x, *y, *z),
            // A network of the wrong width moves nothing.
            _ => Vec3::zeros(),
        }
    }
}

/// One task-space episode with the network choosing every translation.
pub fn run_cloned(
    model: &Model,
    seed: u64,
    cfg: &PickPlaceConfig,
    net: &BcTrainer,
) -> Result<Outcome, SimError> {
    let cfg = PickPlaceConfig {
        mode: ActionMode::Task,
        ..cfg.clone()
    };
    let mut e = Episode::new(model, seed, &cfg)?;
    e.set_reach_policy(Box::new(Cloned(net.clone())));
    while !e.finished() {
        e.step_period()?;
    }
    Ok(e.outcome())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cloned_policy_places_held_out_cubes_and_an_untrained_one_does_not() {
        let model = Model::from_urdf_str(crate::robot::panda::URDF).expect("bundled Panda");
        let cfg = PickPlaceConfig::default();
        let demos = record_demos(&model, 0..DEMO_EPISODES, &cfg).expect("demonstrations");
        assert!(demos.len() > 500, "{} pairs", demos.len());
        let untrained = BcTrainer::new(&demos, policy_config()).expect("demos");
        let mut trained = untrained.clone();
        trained.train(&demos, TRAIN_STEPS);
        let (mut ok_trained, mut ok_untrained) = (0, 0);
        for seed in 100..110 {
            ok_trained += usize::from(
                run_cloned(&model, seed, &cfg, &trained)
                    .expect("run")
                    .success,
            );
            ok_untrained += usize::from(
                run_cloned(&model, seed, &cfg, &untrained)
                    .expect("run")
                    .success,
            );
        }
        eprintln!(
            "cloned policy: {ok_trained}/10 held-out placements, untrained {ok_untrained}/10, from {} pairs",
            demos.len()
        );
        assert!(
            ok_trained >= 7,
            "cloned {ok_trained}/10 from {} pairs",
            demos.len()
        );
        assert!(ok_trained > ok_untrained, "{ok_trained} vs {ok_untrained}");
    }
}
