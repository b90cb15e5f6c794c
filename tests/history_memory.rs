//! The timeline's memory, measured with a counting allocator (its own test binary, so no other
//! test's allocations are counted): bounded however long the app runs, and what five minutes
//! cost.

use armtutor::robot::Model;
use armtutor::sim::history::History;
use armtutor::sim::task::{Episode, PickPlaceConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only the byte count of
// live allocations is kept beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Records `seconds` of the pick-and-place (episode after episode, as the app runs them) into
/// `history`; returns the bytes the history holds at the end (what dropping it frees).
fn bytes_after(model: &Model, mut history: History, seconds: f64, live: bool) -> usize {
    // `record_live`: the episode also keeps 10 s of its 240 Hz signals for the plots (the
    // actions lesson), and every checkpoint copies them.
    let cfg = PickPlaceConfig {
        record_live: live,
        ..PickPlaceConfig::default()
    };
    let periods = (seconds / cfg.control_period).round() as usize;
    let mut seed = 0;
    let mut episode = Episode::new(model, seed, &cfg).expect("episode");
    let mut run = history.start_run(&episode, seed);
    for _ in 0..periods {
        if episode.finished() {
            seed += 1;
            episode = Episode::new(model, seed, &cfg).expect("episode");
            run = history.start_run(&episode, seed);
        }
        episode.step_period().expect("step");
        history.record(run, &episode, seed);
    }
    let before = LIVE.load(Ordering::Relaxed);
    drop(history);
    before - LIVE.load(Ordering::Relaxed)
}

#[test]
fn the_timeline_stays_bounded_and_five_minutes_take_under_64_mb() {
    let model = Model::from_urdf_str(armtutor::robot::panda::URDF).expect("the bundled Panda");
    // A ring of 20 s: after one minute and after three, the same size (within one checkpoint,
    // and the one run whose start happens to be kept).
    let one = bytes_after(&model, History::new(400, 40), 60.0, false);
    let three = bytes_after(&model, History::new(400, 40), 180.0, false);
    let mb = |b: usize| b as f64 / 1e6;
    eprintln!(
        "20 s ring: {:.2} MB after 1 min, {:.2} MB after 3 min",
        mb(one),
        mb(three)
    );
    assert!(
        (three as f64) < 1.3 * one as f64 && (one as f64) < 1.3 * three as f64,
        "{one} vs {three} bytes"
    );
    // The app's ring: five minutes at 20 Hz, a checkpoint every 2 s.
    let full = bytes_after(&model, History::default(), 300.0, false);
    let plotted = bytes_after(&model, History::default(), 300.0, true);
    eprintln!(
        "five minutes: {:.1} MB; with the live signals for plots: {:.1} MB",
        mb(full),
        mb(plotted)
    );
    assert!(full < 32_000_000, "{full} bytes");
    assert!(plotted < 64_000_000, "{plotted} bytes");
}
