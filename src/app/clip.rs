//! A short clip for a teacher's slides: the next N seconds saved as numbered PNG frames
//! (desktop). While it records, every frame advances the app's clock by exactly 1/30 s, so
//! the frames play back at the right speed at 30 frames per second however slowly they were
//! drawn; the clock goes back to real time afterwards. The README says how to make a video.

use crate::kit::robot::Notice;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use std::path::PathBuf;
use std::time::Duration;

/// Frames per second of a clip.
pub const CLIP_FPS: u32 = 30;

/// The clip being recorded.
#[derive(Resource)]
pub struct Clip {
    /// The length the next clip will have (s).
    pub seconds: f64,
    /// Frames still to save (0: not recording).
    pub left: u32,
    /// Frames saved so far.
    pub saved: u32,
    pub dir: PathBuf,
    /// The clock's strategy before the clip, put back after it.
    before: Option<TimeUpdateStrategy>,
}

impl Default for Clip {
    fn default() -> Self {
        Clip {
            seconds: 5.0,
            left: 0,
            saved: 0,
            dir: PathBuf::new(),
            before: None,
        }
    }
}

impl Clip {
    pub fn recording(&self) -> bool {
        self.left > 0
    }
}

/// Starts recording `seconds` of frames into a new folder `armtutor-clip-N` in `base` (the
/// first N not taken); returns the folder, or a one-line error.
pub fn start(
    world_clip: &mut Clip,
    strategy: &mut TimeUpdateStrategy,
    seconds: f64,
    base: &std::path::Path,
) -> Result<PathBuf, String> {
    if !(seconds.is_finite() && seconds > 0.0) {
        return Err(format!("a clip needs a positive length, got {seconds}"));
    }
    let dir = super::export::free_name(base, "armtutor-clip", "", |p| p.exists());
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    world_clip.left = (seconds * CLIP_FPS as f64).round().max(1.0) as u32;
    world_clip.saved = 0;
    world_clip.dir = dir.clone();
    let old = std::mem::replace(
        strategy,
        TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(1.0 / CLIP_FPS as f64)),
    );
    if world_clip.before.is_none() {
        world_clip.before = Some(old);
    }
    Ok(dir)
}

pub struct ClipPlugin;

impl Plugin for ClipPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Clip>()
            .init_resource::<TimeUpdateStrategy>()
            .add_systems(Last, save_frame);
    }
}

/// Asks for this frame's PNG while a clip records; the last one puts the clock back.
fn save_frame(
    mut commands: Commands,
    mut clip: ResMut<Clip>,
    mut strategy: ResMut<TimeUpdateStrategy>,
    mut notice: ResMut<Notice>,
    time: Res<Time<Real>>,
) {
    if !clip.recording() {
        return;
    }
    clip.saved += 1;
    clip.left -= 1;
    let path = clip.dir.join(format!("frame-{:05}.png", clip.saved));
    super::export::save_screenshot(&mut commands, path);
    if clip.left == 0 {
        if let Some(before) = clip.before.take() {
            *strategy = before;
        }
        notice.post(
            "notice_clip_saved",
            format!("{} ({} frames)", clip.dir.display(), clip.saved),
            time.elapsed_secs_f64(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bevy::render::view::screenshot::Screenshot;

    #[test]
    fn a_clip_saves_one_frame_per_thirtieth_of_a_second_then_gives_the_clock_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .init_resource::<Notice>()
            .add_plugins(ClipPlugin);
        app.update();
        let started = {
            let world = app.world_mut();
            let mut strategy = world.remove_resource::<TimeUpdateStrategy>().unwrap();
            let mut clip = world.remove_resource::<Clip>().unwrap();
            let r = start(&mut clip, &mut strategy, 0.5, dir.path());
            world.insert_resource(strategy);
            world.insert_resource(clip);
            r
        };
        let folder = started.unwrap();
        assert!(folder.is_dir() && folder.starts_with(dir.path()));
        let t0 = app.world().resource::<Time>().elapsed_secs_f64();
        for _ in 0..15 {
            app.update();
        }
        let t1 = app.world().resource::<Time>().elapsed_secs_f64();
        assert!((t1 - t0 - 0.5).abs() < 1e-6, "{}", t1 - t0);
        let clip = app.world().resource::<Clip>();
        assert_eq!((clip.saved, clip.left), (15, 0));
        assert!(matches!(
            app.world().resource::<TimeUpdateStrategy>(),
            TimeUpdateStrategy::Automatic
        ));
        let shots = app
            .world_mut()
            .query::<&Screenshot>()
            .iter(app.world())
            .count();
        assert_eq!(shots, 15);
        assert!(app.world().resource::<Notice>().text.is_some());
        let mut c = Clip::default();
        let mut s = TimeUpdateStrategy::Automatic;
        assert!(start(&mut c, &mut s, f64::NAN, dir.path()).is_err());
        assert!(!c.recording());
    }
}
