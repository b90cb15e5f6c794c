//! The timeline's memory: the state of every control period of every run in a bounded ring,
//! and copies of the running episode a couple of seconds apart ("checkpoints"). Any moment
//! kept can be shown exactly as it was (a copy of the checkpoint before it, stepped to it: arm,
//! cube, policy, everything a lesson reads from the episode), and a new run can branch from it.
//!
//! Replaying from a checkpoint gives bit-for-bit the state the run had, because an episode is
//! deterministic given its state and the action space it is told to use; the one input that can
//! change during a run (the action space) is logged per run and applied again on replay.

use super::task::{ActionMode, Episode, Phase, TraceRow};
use crate::math::Transform;
use std::collections::VecDeque;

/// What moved the arm during a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The physics, with the task's policy.
    Physics,
    /// The user, in teach mode.
    Teach,
    /// A lesson's own animation (the arm at rest while the physics waits): the lesson keeps
    /// what it shows beside each such frame.
    Lesson,
}

/// One control period of a run, as it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The run it belongs to (an episode from its start, or a stretch of teach mode).
    pub run: u64,
    /// The control periods the run had executed at this frame (0: its start).
    pub period: usize,
    pub source: Source,
    /// The arm: joint values, speeds, torques, tool pose, action, as the CLI's trace has them
    /// (in teach mode the speeds are finite differences and the torques are empty).
    pub row: TraceRow,
    /// The cube's pose (physics runs).
    pub cube: Option<Transform>,
    pub phase: Option<Phase>,
    /// The episode's seed (physics runs).
    pub seed: Option<u64>,
    /// Seconds of recorded time up to this frame, over all runs (a run's start adds none): what
    /// the scrub bar measures in, whatever each run's control rate.
    pub clock: f64,
    /// A number no other frame of this history ever has (not even one recorded after a branch
    /// forgot this one): what the lessons key what they showed at this frame by.
    pub serial: u64,
}

/// A run's seed and the action spaces it was told to use, from which period on.
#[derive(Clone, Debug)]
struct Run {
    id: u64,
    modes: Vec<(usize, ActionMode)>,
}

struct Checkpoint {
    run: u64,
    period: usize,
    episode: Episode,
}

/// The ring and its checkpoints.
pub struct History {
    frames: VecDeque<Frame>,
    checkpoints: VecDeque<Checkpoint>,
    runs: VecDeque<Run>,
    capacity: usize,
    checkpoint_every: usize,
    next_run: u64,
    /// Frames ever dropped from the front, so a frame keeps one number for its whole life.
    dropped: u64,
    /// Frames ever recorded.
    recorded: u64,
}

/// Frames kept by default: five minutes at the task's 20 Hz control rate.
pub const DEFAULT_FRAMES: usize = 5 * 60 * 20;
/// Periods between checkpoints by default (2 s at 20 Hz): a moment is at most this many
/// periods of replay away.
pub const DEFAULT_CHECKPOINT_EVERY: usize = 40;

impl Default for History {
    fn default() -> Self {
        History::new(DEFAULT_FRAMES, DEFAULT_CHECKPOINT_EVERY)
    }
}

impl History {
    /// A history of at most `capacity` frames, with a checkpoint every `checkpoint_every`
    /// periods of a physics run (both at least 1).
    pub fn new(capacity: usize, checkpoint_every: usize) -> History {
        History {
            frames: VecDeque::new(),
            checkpoints: VecDeque::new(),
            runs: VecDeque::new(),
            capacity: capacity.max(1),
            checkpoint_every: checkpoint_every.max(1),
            next_run: 0,
            dropped: 0,
            recorded: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The frame at `index` (0: the oldest kept).
    pub fn frame(&self, index: usize) -> Option<&Frame> {
        self.frames.get(index)
    }

    pub fn frames(&self) -> impl ExactSizeIterator<Item = &Frame> + DoubleEndedIterator {
        self.frames.iter()
    }

    pub fn last(&self) -> Option<&Frame> {
        self.frames.back()
    }

    /// A number for the frame at `index` that stays the same while it is kept (older frames
    /// have smaller numbers).
    pub fn number(&self, index: usize) -> u64 {
        self.dropped + index as u64
    }

    /// The index of the frame with serial `serial`, if it is still kept.
    pub fn index_of_serial(&self, serial: u64) -> Option<usize> {
        // Serials increase along the ring: frames are only added at the back.
        self.frames.binary_search_by_key(&serial, |f| f.serial).ok()
    }

    /// The index of the frame numbered `number`, if it is still kept.
    pub fn index_of(&self, number: u64) -> Option<usize> {
        let i = usize::try_from(number.checked_sub(self.dropped)?).ok()?;
        (i < self.frames.len()).then_some(i)
    }

    /// Seconds from the frame at `index` to the newest.
    pub fn seconds_back(&self, index: usize) -> f64 {
        match (self.frames.get(index), self.frames.back()) {
            (Some(f), Some(last)) => last.clock - f.clock,
            _ => 0.0,
        }
    }

    /// The index of the frame `seconds` later than the one at `index` (earlier if negative):
    /// the nearest, within the frames kept.
    pub fn index_after_seconds(&self, index: usize, seconds: f64) -> usize {
        let Some(from) = self.frames.get(index) else {
            return index;
        };
        let goal = from.clock + seconds;
        // Clocks never decrease along the ring.
        let i = self.frames.partition_point(|f| f.clock < goal);
        let candidates = [i.saturating_sub(1), i.min(self.frames.len() - 1)];
        candidates
            .into_iter()
            .min_by(|&a, &b| {
                (self.frames[a].clock - goal)
                    .abs()
                    .total_cmp(&(self.frames[b].clock - goal).abs())
            })
            .unwrap_or(index)
    }

    /// Checkpoints kept (each a whole copy of an episode).
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// Starts recording a new physics run at `episode`'s present state (usually its start);
    /// returns the run's number, for [`History::record`].
    pub fn start_run(&mut self, episode: &Episode, seed: u64) -> u64 {
        let id = self.new_run(episode.mode());
        self.checkpoints.push_back(Checkpoint {
            run: id,
            period: episode.period(),
            episode: episode.clone(),
        });
        self.push(physics_frame(id, episode, seed));
        id
    }

    /// Records the period `episode` (of run `run`) has just executed.
    pub fn record(&mut self, run: u64, episode: &Episode, seed: u64) {
        let period = episode.period();
        if let Some(r) = self.runs.iter_mut().find(|r| r.id == run)
            && r.modes.last().is_none_or(|&(_, m)| m != episode.mode())
        {
            // The mode in force while this period was planned, which is the mode now.
            r.modes.push((period.saturating_sub(1), episode.mode()));
        }
        if period.is_multiple_of(self.checkpoint_every) {
            self.checkpoints.push_back(Checkpoint {
                run,
                period,
                episode: episode.clone(),
            });
        }
        self.push(physics_frame(run, episode, seed));
    }

    /// Records the arm at `q` in teach mode, `dt` seconds after the previous frame. A new teach
    /// run (its `t` from 0) starts unless the last frame is of teach mode.
    pub fn record_pose(&mut self, q: &[f64], dt: f64) {
        self.record_arm(Source::Teach, q, dt);
    }

    /// Records a period of a lesson's own animation while the physics waits (the arm at `q`),
    /// `dt` seconds after the previous frame; a new run starts unless the last frame is one.
    pub fn record_lesson(&mut self, q: &[f64], dt: f64) {
        self.record_arm(Source::Lesson, q, dt);
    }

    fn record_arm(&mut self, source: Source, q: &[f64], dt: f64) {
        let (run, period, t, qd) = match self.frames.back() {
            Some(f) if f.source == source && f.row.q.len() == q.len() => {
                let qd = if dt > 0.0 {
                    q.iter().zip(&f.row.q).map(|(a, b)| (a - b) / dt).collect()
                } else {
                    vec![0.0; q.len()]
                };
                (f.run, f.period + 1, f.row.t + dt.max(0.0), qd)
            }
            _ => (self.new_run(ActionMode::Task), 0, 0.0, vec![0.0; q.len()]),
        };
        self.push(Frame {
            run,
            period,
            source,
            row: TraceRow {
                t,
                q: q.to_vec(),
                qd,
                tau: Vec::new(),
                tool: [f64::NAN; 7],
                action: [0.0; 7],
                close_gripper: false,
                target: Vec::new(),
                command: Vec::new(),
            },
            cube: None,
            phase: None,
            seed: None,
            clock: 0.0,
            serial: 0,
        });
    }

    /// The episode as it was at the frame `index` (a physics frame): a copy of the checkpoint
    /// before it, stepped to it.
    pub fn episode_at(&self, index: usize) -> Result<Episode, String> {
        let frame = self.frames.get(index).ok_or("no such moment")?;
        if frame.source != Source::Physics {
            return Err("a moment of teach mode or of a lesson's animation has no physics".into());
        }
        let checkpoint = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.run == frame.run && c.period <= frame.period)
            .ok_or("the run's start is no longer kept")?;
        let modes = self
            .runs
            .iter()
            .find(|r| r.id == frame.run)
            .map(|r| r.modes.as_slice())
            .unwrap_or_default();
        let mut episode = checkpoint.episode.clone();
        while episode.period() < frame.period {
            let now = episode.period();
            if let Some(&(_, mode)) = modes.iter().rev().find(|(from, _)| *from <= now) {
                episode.set_mode(mode);
            }
            episode.step_period().map_err(|e| e.to_string())?;
        }
        Ok(episode)
    }

    /// Forgets every frame after `index`: a run branched from that moment records on from it.
    pub fn truncate_after(&mut self, index: usize) {
        let Some(frame) = self.frames.get(index) else {
            return;
        };
        let (run, period) = (frame.run, frame.period);
        self.frames.truncate(index + 1);
        self.checkpoints
            .retain(|c| c.run < run || (c.run == run && c.period <= period));
        self.runs.retain(|r| r.id <= run);
        if let Some(r) = self.runs.iter_mut().find(|r| r.id == run) {
            r.modes.retain(|&(from, _)| from < period.max(1));
        }
    }

    /// Every frame kept, as a trace file (see [`csv_header`]) for the joints `names`: the
    /// runs one after the other, each one's `t` from its own start.
    pub fn to_csv(&self, names: &[&str]) -> String {
        let mut out = csv_header(names);
        out.push('\n');
        for f in &self.frames {
            out.push_str(&csv_row(&f.row, names.len()));
            out.push('\n');
        }
        out
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.dropped += self.frames.len() as u64;
        self.frames.clear();
        self.checkpoints.clear();
        self.runs.clear();
    }

    fn new_run(&mut self, mode: ActionMode) -> u64 {
        let id = self.next_run;
        self.next_run += 1;
        self.runs.push_back(Run {
            id,
            modes: vec![(0, mode)],
        });
        id
    }

    fn push(&mut self, mut frame: Frame) {
        frame.serial = self.recorded;
        self.recorded += 1;
        frame.clock = match self.frames.back() {
            Some(last) if last.run == frame.run => last.clock + (frame.row.t - last.row.t).max(0.0),
            Some(last) => last.clock,
            None => 0.0,
        };
        self.frames.push_back(frame);
        while self.frames.len() > self.capacity {
            self.frames.pop_front();
            self.dropped += 1;
        }
        // Checkpoints and runs that no kept frame needs any more.
        let Some(first) = self.frames.front() else {
            return;
        };
        let (first_run, first_period) = (first.run, first.period);
        while let Some(c) = self.checkpoints.front() {
            let useless = c.run < first_run
                || self.checkpoints.get(1).is_some_and(|next| {
                    next.run == c.run && c.run == first_run && next.period <= first_period
                });
            if !useless {
                break;
            }
            self.checkpoints.pop_front();
        }
        while self.runs.front().is_some_and(|r| r.id < first_run) {
            self.runs.pop_front();
        }
    }
}

fn physics_frame(run: u64, episode: &Episode, seed: u64) -> Frame {
    Frame {
        run,
        period: episode.period(),
        source: Source::Physics,
        row: episode.trace_row(),
        cube: episode.arm.body_pose(episode.cube),
        phase: Some(episode.phase()),
        seed: Some(seed),
        clock: 0.0,
        serial: 0,
    }
}

/// The columns of a trace file for the joints `names`: `t`, then `q_`, `qd_` and `tau_` per
/// joint, the tool pose (`tool_x … tool_qz`, quaternion w first), `action_1 … action_7` and
/// `gripper_closed` (0 or 1).
pub fn csv_header(names: &[&str]) -> String {
    use std::fmt::Write;
    let mut out = String::from("t");
    for prefix in ["q", "qd", "tau"] {
        for n in names {
            let _ = write!(out, ",{prefix}_{n}");
        }
    }
    out.push_str(",tool_x,tool_y,tool_z,tool_qw,tool_qx,tool_qy,tool_qz");
    for i in 1..=7 {
        let _ = write!(out, ",action_{i}");
    }
    out.push_str(",gripper_closed");
    out
}

/// One trace row under [`csv_header`] for `joints` joints: a value that was not measured (the
/// torques and tool pose in teach mode) is an empty field.
pub fn csv_row(row: &TraceRow, joints: usize) -> String {
    use std::fmt::Write;
    let mut out = format!("{}", row.t);
    let mut put = |values: &[f64], n: usize| {
        for i in 0..n {
            match values.get(i) {
                Some(v) if v.is_finite() => {
                    let _ = write!(out, ",{v}");
                }
                _ => out.push(','),
            }
        }
    };
    put(&row.q, joints);
    put(&row.qd, joints);
    put(&row.tau, joints);
    put(&row.tool, 7);
    put(&row.action, 7);
    let _ = write!(out, ",{}", u8::from(row.close_gripper));
    out
}

/// Reads a trace file written with [`csv_header`] back: the joint names and one row per line
/// (empty fields as NaN). Returns a one-line error for anything else.
pub fn parse_csv(text: &str) -> Result<(Vec<String>, Vec<TraceRow>), String> {
    let mut lines = text.lines();
    let header = lines.next().ok_or("empty trace")?;
    let cols: Vec<&str> = header.split(',').collect();
    let names: Vec<String> = cols
        .iter()
        .filter_map(|c| c.strip_prefix("q_"))
        .map(str::to_string)
        .collect();
    let n = names.len();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    if header != csv_header(&refs) {
        return Err("not a trace file (the header differs)".into());
    }
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() != cols.len() {
            return Err(format!(
                "line {}: {} fields, expected {}",
                i + 2,
                fields.len(),
                cols.len()
            ));
        }
        let mut v = Vec::with_capacity(fields.len());
        for f in &fields {
            v.push(if f.is_empty() {
                f64::NAN
            } else {
                f.parse::<f64>()
                    .map_err(|_| format!("line {}: {f:?} is not a number", i + 2))?
            });
        }
        let at = |k: usize| v[k];
        let tool: [f64; 7] = std::array::from_fn(|k| at(1 + 3 * n + k));
        let action: [f64; 7] = std::array::from_fn(|k| at(8 + 3 * n + k));
        rows.push(TraceRow {
            t: at(0),
            q: v[1..1 + n].to_vec(),
            qd: v[1 + n..1 + 2 * n].to_vec(),
            tau: v[1 + 2 * n..1 + 3 * n].to_vec(),
            tool,
            action,
            close_gripper: at(15 + 3 * n) != 0.0,
            target: Vec::new(),
            command: Vec::new(),
        });
    }
    Ok((names, rows))
}

#[cfg(test)]
mod tests;
