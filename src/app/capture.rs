//! Headless runs of the real app: `--screenshot OUT.png --frames N` renders N frames and saves
//! the window; `bench --frames N` measures the main-world CPU time per frame with every overlay
//! of every lesson on.

use crate::kit::{ActiveLesson, LessonRegistry, ShowEverything};
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
    /// The frame the image was asked for at.
    requested: Option<u32>,
}

/// Frames past the frames asked for that a screenshot waits for the pipelines to be built.
const SETTLE_PATIENCE: u32 = 600;

/// Give up if the renderer has not delivered the image this many frames after asking.
const SCREENSHOT_PATIENCE: u32 = 600;

use crate::kit::Headless;

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Headless>()
            .insert_resource(ScreenshotJob {
                path: self.path.clone(),
                frames: self.frames,
                seen: 0,
                requested: None,
            })
            .add_systems(Last, take_screenshot);
    }
}

fn take_screenshot(
    mut commands: Commands,
    mut job: ResMut<ScreenshotJob>,
    report: Res<Report>,
    first: Res<super::graphics::FirstFrame>,
    mut exit: MessageWriter<AppExit>,
) {
    job.seen += 1;
    // Not before the whole window has been drawn: the pipelines of the 3D view, the panels and
    // the overlays compile on other threads, and on a busy machine a software renderer can take
    // more than the frames asked for. Should compiling never settle, the image is taken anyway.
    let ready = first.after_updates.is_some() && super::graphics::pipelines_settled();
    if job.requested.is_none()
        && job.seen >= job.frames
        && (ready || job.seen >= job.frames + SETTLE_PATIENCE)
    {
        if !ready {
            warn!(
                "pipelines still compiling after {} frames: taking the screenshot anyway",
                job.seen
            );
        }
        job.requested = Some(job.seen);
        info!("taking the screenshot after update {}", job.seen);
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
    if job
        .requested
        .is_some_and(|at| job.seen > at + SCREENSHOT_PATIENCE)
    {
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
    cpu_at_start: Option<Duration>,
    /// Per frame: CPU time of the app's threads (wall time where that is unavailable), and
    /// wall time.
    samples: Vec<(Duration, Duration)>,
    results: Vec<(String, Vec<(Duration, Duration)>)>,
    wall: Instant,
}

impl Plugin for BenchPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Headless>()
            .insert_resource(Bench {
                frames: self.frames,
                json: self.json,
                queue: Vec::new(),
                current: None,
                frame: 0,
                started: None,
                cpu_at_start: None,
                samples: Vec::new(),
                results: Vec::new(),
                wall: Instant::now(),
            })
            // Simulated time advances 1/60 s per frame, as on a 60 Hz display, however slowly
            // the software renderer draws: the physics per frame is then what a user's is.
            .insert_resource(bevy::time::TimeUpdateStrategy::ManualDuration(
                Duration::from_secs_f64(1.0 / 60.0),
            ))
            .add_systems(First, bench_frame_start)
            .add_systems(Last, bench_frame_end);
    }
}

fn bench_frame_start(mut bench: ResMut<Bench>) {
    bench.cpu_at_start = own_cpu_time();
    bench.started = Some(Instant::now());
}

/// CPU time consumed so far by the app's own threads (Bevy's main thread and task pools), not
/// by a software renderer's worker threads (Mesa's `llvmpipe-N`), which on a machine without a
/// GPU would otherwise compete for the same cores and blur a wall-clock measurement. Linux:
/// the nanosecond run times in `/proc/self/task/*/schedstat`.
pub fn own_cpu_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let mut total = 0u64;
        for task in std::fs::read_dir("/proc/self/task").ok()? {
            let dir = task.ok()?.path();
            let comm = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
            if comm.starts_with("llvmpipe") {
                continue;
            }
            let stat = std::fs::read_to_string(dir.join("schedstat")).unwrap_or_default();
            total += stat
                .split_whitespace()
                .next()
                .and_then(|t| t.parse::<u64>().ok())
                .unwrap_or(0);
        }
        Some(Duration::from_nanos(total))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
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

fn bench_frame_end(
    mut bench: ResMut<Bench>,
    registry: Res<LessonRegistry>,
    mut lesson: ResMut<NextState<ActiveLesson>>,
    mut everything: MessageWriter<ShowEverything>,
    report: Res<Report>,
    mut exit: MessageWriter<AppExit>,
    mut contexts: bevy_egui::EguiContexts,
) {
    let Some(start) = bench.started else { return };
    let elapsed = start.elapsed();
    let cpu = match (bench.cpu_at_start, own_cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => elapsed,
    };
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
        lesson.set(ActiveLesson(next));
        everything.write(ShowEverything);
        bench.current = Some(next);
        bench.frame = 0;
        bench.samples.clear();
        return;
    }
    bench.frame += 1;
    if bench.frame > WARM_UP {
        bench.samples.push((cpu, elapsed));
    }
    if bench.samples.len() as u32 >= bench.frames {
        // The figure means something only if the lesson's panel was really laid out.
        let drawn = contexts
            .ctx_mut()
            .is_ok_and(|ctx| crate::kit::widgets::lesson_panel_rect(ctx).is_some());
        if !drawn && bench.current.flatten().is_some() {
            report.set(Err(
                "bench: the lesson panel was never drawn, so the figure would be meaningless"
                    .into(),
            ));
            exit.write(AppExit::error());
            return;
        }
        let name = bench.current.flatten().unwrap_or("none").to_string();
        let samples = std::mem::take(&mut bench.samples);
        bench.results.push((name, samples));
        bench.current = None;
    }
}

/// `bench --json`: one object, schema `armtutor.bench/1`.
#[derive(serde::Serialize)]
struct BenchJson {
    schema: &'static str,
    /// What was measured, in words.
    metric: String,
    /// Whether the per-frame figures are the CPU time of the app's threads (else wall time).
    cpu_time: bool,
    lessons: Vec<BenchRow>,
    /// The whole run, rendering included.
    wall_s: f64,
    frames: usize,
}

/// One lesson's frames: the main world's time per frame, median and 95th percentile, and the
/// same in wall time.
#[derive(serde::Serialize)]
struct BenchRow {
    lesson: String,
    frames: usize,
    median_ms: f64,
    p95_ms: f64,
    wall_median_ms: f64,
    wall_p95_ms: f64,
}

fn finish(bench: &Bench, report: &Report) {
    let wall = bench.wall.elapsed().as_secs_f64();
    let total: usize = bench.results.iter().map(|(_, s)| s.len()).sum();
    let stats = |s: &[(Duration, Duration)]| {
        let cpu: Vec<Duration> = s.iter().map(|x| x.0).collect();
        let elapsed: Vec<Duration> = s.iter().map(|x| x.1).collect();
        (median_p95(&cpu), median_p95(&elapsed))
    };
    let source = if own_cpu_time().is_some() {
        "CPU time of the app's own threads"
    } else {
        "wall time"
    };
    let mut out = String::new();
    if bench.json {
        let ms = |x: f64| (x * 1e4).round() / 1e4;
        let doc = BenchJson {
            schema: "armtutor.bench/1",
            metric: format!("main world per frame (First to Last), every overlay on; {source}"),
            cpu_time: own_cpu_time().is_some(),
            lessons: bench
                .results
                .iter()
                .map(|(name, s)| {
                    let ((m, p), (wm, wp)) = stats(s);
                    BenchRow {
                        lesson: name.clone(),
                        frames: s.len(),
                        median_ms: ms(m),
                        p95_ms: ms(p),
                        wall_median_ms: ms(wm),
                        wall_p95_ms: ms(wp),
                    }
                })
                .collect(),
            wall_s: (wall * 100.0).round() / 100.0,
            frames: total,
        };
        match serde_json::to_string(&doc) {
            Ok(text) => {
                out.push_str(&text);
                out.push('\n');
            }
            Err(e) => {
                report.set(Err(format!("bench: cannot write the JSON: {e}")));
                return;
            }
        }
    } else {
        out.push_str(&format!(
            "main world per frame (First → Last), every overlay on; {source}\n"
        ));
        out.push_str("lesson      frames   median ms   p95 ms   wall median ms\n");
        for (name, s) in &bench.results {
            let ((m, p), (wm, _)) = stats(s);
            out.push_str(&format!(
                "{name:<10} {:>7} {m:>11.3} {p:>8.3} {wm:>16.3}\n",
                s.len()
            ));
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

    /// The threads alive now (a test thread that ends takes its run time out of the sum).
    #[cfg(target_os = "linux")]
    fn threads() -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir("/proc/self/task")
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        ids.sort();
        ids
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn own_cpu_time_counts_work_not_sleep() {
        // Other test threads start and end meanwhile; one that ends between two readings takes
        // its time out of the sum, so a measurement only counts when the same threads were
        // alive throughout. Sleeping costs little, spinning costs a lot.
        for _ in 0..50 {
            let before = threads();
            let Some(a) = own_cpu_time() else { return };
            std::thread::sleep(Duration::from_millis(30));
            let b = own_cpu_time().unwrap_or_default();
            let spin = Instant::now();
            let mut x = 0u64;
            while spin.elapsed() < Duration::from_millis(40) {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
            let c = own_cpu_time().unwrap_or_default();
            if threads() != before {
                continue;
            }
            assert!(c > b && b >= a);
            assert!(c - b > Duration::from_millis(10), "{:?}", c - b);
            return;
        }
        panic!("threads kept starting and ending: no clean measurement in 50 tries");
    }

    #[test]
    fn median_and_p95() {
        let s: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let (m, p) = median_p95(&s);
        assert!((m - 50.0).abs() <= 1.0, "{m}");
        assert!((p - 95.0).abs() <= 1.0, "{p}");
        assert!(median_p95(&[]).0.is_nan());
    }
}
