//! Headless runs of the real app: `--screenshot OUT.png --frames N` renders N frames and saves
//! the window; `bench --frames N` measures the main-world CPU time per frame with every overlay
//! of every lesson on.

use crate::lessons::{ActiveLesson, LessonRegistry, ShowEverything};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a headless run hands back to [`super::run`] once the app has exited: the text to print,
/// or a one-line error.
#[derive(Resource, Clone, Default)]
pub struct Report(Arc<Mutex<Option<Result<String, String>>>>);

impl Report {
    pub fn set(&self, result: Result<String, String>) {
        if let Ok(mut r) = self.0.lock() {
            *r = Some(result);
        }
    }
    pub fn take(&self) -> Option<Result<String, String>> {
        self.0.lock().ok().and_then(|mut r| r.take())
    }
}

pub struct ScreenshotPlugin {
    pub path: PathBuf,
    pub frames: u32,
}

#[derive(Resource)]
struct ScreenshotJob {
    path: PathBuf,
    frames: u32,
    seen: u32,
    requested: bool,
}

/// Give up if the renderer has not delivered the image this many frames after asking.
const SCREENSHOT_PATIENCE: u32 = 600;

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ScreenshotJob {
            path: self.path.clone(),
            frames: self.frames,
            seen: 0,
            requested: false,
        })
        .add_systems(Last, take_screenshot);
    }
}

fn take_screenshot(
    mut commands: Commands,
    mut job: ResMut<ScreenshotJob>,
    report: Res<Report>,
    mut exit: MessageWriter<AppExit>,
) {
    job.seen += 1;
    if !job.requested && job.seen >= job.frames {
        job.requested = true;
        let path = job.path.clone();
        let report = report.clone();
        commands.spawn(Screenshot::primary_window()).observe(
            move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
                let result = captured
                    .image
                    .clone()
                    .try_into_dynamic()
                    .map_err(|e| format!("cannot convert the screenshot: {e}"))
                    .and_then(|img| {
                        img.to_rgb8()
                            .save(&path)
                            .map_err(|e| format!("cannot write {}: {e}", path.display()))
                    })
                    .map(|()| String::new());
                report.set(result);
                exit.write(AppExit::Success);
            },
        );
    }
    if job.requested && job.seen > job.frames + SCREENSHOT_PATIENCE {
        report.set(Err(format!(
            "no screenshot after {} frames: is there a working Vulkan/GL driver?",
            job.seen
        )));
        exit.write(AppExit::error());
    }
}

pub struct BenchPlugin {
    pub frames: u32,
    pub json: bool,
}

/// Frames discarded before measuring each lesson (shader compilation, first layouts).
const WARM_UP: u32 = 30;

#[derive(Resource)]
struct Bench {
    frames: u32,
    json: bool,
    /// Lessons still to measure (`None` = no lesson).
    queue: Vec<Option<&'static str>>,
    current: Option<Option<&'static str>>,
    frame: u32,
    started: Option<Instant>,
    samples: Vec<Duration>,
    results: Vec<(String, Vec<Duration>)>,
    wall: Instant,
}

impl Plugin for BenchPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Bench {
            frames: self.frames,
            json: self.json,
            queue: Vec::new(),
            current: None,
            frame: 0,
            started: None,
            samples: Vec::new(),
            results: Vec::new(),
            wall: Instant::now(),
        })
        .add_systems(First, bench_frame_start)
        .add_systems(Last, bench_frame_end);
    }
}

fn bench_frame_start(mut bench: ResMut<Bench>) {
    bench.started = Some(Instant::now());
}

/// The median and 95th percentile of a set of durations, in milliseconds.
pub fn median_p95(samples: &[Duration]) -> (f64, f64) {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    if ms.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

#[allow(clippy::too_many_arguments)]
fn bench_frame_end(
    mut bench: ResMut<Bench>,
    registry: Res<LessonRegistry>,
    mut lesson: ResMut<ActiveLesson>,
    mut everything: MessageWriter<ShowEverything>,
    report: Res<Report>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(start) = bench.started else { return };
    let elapsed = start.elapsed();
    if bench.current.is_none() && bench.queue.is_empty() && bench.results.is_empty() {
        // First frame: plan one run per lesson.
        bench.queue = registry.lessons.iter().map(|l| Some(l.id)).collect();
        bench.queue.reverse();
    }
    if bench.current.is_none() {
        let Some(next) = bench.queue.pop() else {
            finish(&bench, &report);
            exit.write(AppExit::Success);
            return;
        };
        lesson.0 = next;
        everything.write(ShowEverything);
        bench.current = Some(next);
        bench.frame = 0;
        bench.samples.clear();
        return;
    }
    bench.frame += 1;
    if bench.frame > WARM_UP {
        bench.samples.push(elapsed);
    }
    if bench.samples.len() as u32 >= bench.frames {
        let name = bench.current.flatten().unwrap_or("none").to_string();
        let samples = std::mem::take(&mut bench.samples);
        bench.results.push((name, samples));
        bench.current = None;
    }
}

fn finish(bench: &Bench, report: &Report) {
    let wall = bench.wall.elapsed().as_secs_f64();
    let total: usize = bench.results.iter().map(|(_, s)| s.len()).sum();
    let mut out = String::new();
    if bench.json {
        let rows: Vec<String> = bench
            .results
            .iter()
            .map(|(name, s)| {
                let (m, p) = median_p95(s);
                format!(
                    "{{\"lesson\":\"{name}\",\"frames\":{},\"median_ms\":{m:.4},\"p95_ms\":{p:.4}}}",
                    s.len()
                )
            })
            .collect();
        out.push_str(&format!(
            "{{\"metric\":\"main-world CPU time per frame, every overlay on\",\"lessons\":[{}],\"wall_s\":{wall:.2},\"frames\":{total}}}\n",
            rows.join(",")
        ));
    } else {
        out.push_str("main-world CPU time per frame (First → Last), every overlay on\n");
        out.push_str("lesson      frames   median ms   p95 ms\n");
        for (name, s) in &bench.results {
            let (m, p) = median_p95(s);
            out.push_str(&format!("{name:<10} {:>7} {m:>11.3} {p:>8.3}\n", s.len()));
        }
        out.push_str(&format!(
            "{total} frames in {wall:.1} s of wall time (including rendering)\n"
        ));
    }
    report.set(Ok(out));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_p95() {
        let s: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let (m, p) = median_p95(&s);
        assert!((m - 50.0).abs() <= 1.0, "{m}");
        assert!((p - 95.0).abs() <= 1.0, "{p}");
        assert!(median_p95(&[]).0.is_nan());
    }
}
