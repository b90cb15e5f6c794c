//! `simulate`: the arm falling under gravity (passive) or the pick-and-place task, as JSON
//! or a CSV trace.

use super::*;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskName {
    /// Pick a cube up and place it elsewhere on the table (the bundled Panda, or the arm in
    /// FILE: one with fingers grasps, one without holds the cube with a suction cup).
    PickPlace,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeName {
    /// Actions are Δq, a change of each arm joint (seven on the Panda), then the gripper.
    Joint,
    /// Actions are Δx (3 translation + 3 rotation), turned into joint motion by DLS IK.
    Task,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["task", "passive"])))]
pub struct SimulateArgs {
    /// The URDF file: required with --passive; --task uses the bundled Panda by default.
    pub file: Option<PathBuf>,
    /// Run a scripted task.
    #[arg(long, value_enum)]
    pub task: Option<TaskName>,
    /// The task's tool link (default: a TCP link by name, else the end of the arm; see
    /// `inspect`). Arms without fingers hold the cube with a suction cup there.
    #[arg(long, value_name = "LINK", requires = "task")]
    pub tool: Option<String>,
    /// Seed for the task's randomized object placement.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Action space of the scripted policy.
    #[arg(long, value_enum, default_value_t = ModeName::Task)]
    pub mode: ModeName,
    /// Actions planned at once (action chunking horizon H).
    #[arg(long, default_value_t = 1)]
    pub chunk: usize,
    /// Simulated latency, in control periods (50 ms each).
    #[arg(long, default_value_t = 0)]
    pub latency: usize,
    /// Plan from the stale executed command instead of predicting the actions in flight.
    #[arg(long)]
    pub no_latency_compensation: bool,
    /// Track the piecewise-linear command directly instead of low-pass filtering it (0.05 s).
    #[arg(long)]
    pub no_smoothing: bool,
    /// Stop after this many physics steps (240 Hz) even if the task is not finished.
    #[arg(long)]
    pub steps: Option<u64>,
    /// Write a per-step CSV trace (q, q̇, τ, tool pose, action) to this file.
    #[arg(long, value_name = "FILE.csv")]
    pub trace: Option<PathBuf>,
    /// Release the arm from --q0 with zero joint torque and record the joint angles (to compare
    /// the dynamics with another simulator's).
    #[arg(long, requires = "q0")]
    pub passive: bool,
    /// Start configuration for --passive: one value per movable joint in `inspect` order, or
    /// one per joint of the arm's chain (to the default tip), the others 0.
    #[arg(long, value_name = "q1,...,qn", allow_hyphen_values = true)]
    pub q0: Option<String>,
    /// Simulated time in seconds.
    #[arg(long, default_value_t = 1.0, allow_negative_numbers = true)]
    pub duration: f64,
    /// Physics rate in Hz.
    #[arg(long, default_value_t = 1000.0, allow_negative_numbers = true)]
    pub rate: f64,
    /// Interval between recorded samples in seconds.
    #[arg(long, default_value_t = 0.01, allow_negative_numbers = true)]
    pub sample: f64,
    /// Machine-readable output (schema in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct PassiveJson<'a> {
    schema: &'static str,
    robot: &'a str,
    rate_hz: f64,
    gravity: [f64; 3],
    joint_names: Vec<&'a str>,
    samples: Vec<SampleJson>,
}

#[derive(Serialize)]
struct SampleJson {
    t: f64,
    q: Vec<f64>,
    qd: Vec<f64>,
}

#[derive(Serialize)]
struct PickPlaceJson {
    schema: &'static str,
    task: &'static str,
    seed: u64,
    mode: &'static str,
    success: bool,
    time_to_success: Option<f64>,
    place_error: f64,
    max_tracking_error: f64,
    max_joint_torque: f64,
    rms_jerk: f64,
    rms_command_jerk: f64,
    actions: usize,
    chunk: usize,
    latency_periods: usize,
    latency_compensation: bool,
    smoothing: bool,
    control_rate_hz: f64,
    physics_rate_hz: f64,
}

pub(super) fn simulate(a: &SimulateArgs) -> Result<String, String> {
    match a.task {
        Some(TaskName::PickPlace) => pick_place(a),
        None => passive(a),
    }
}

fn pick_place(a: &SimulateArgs) -> Result<String, String> {
    use crate::sim::task::{ActionMode, Episode, PickPlaceConfig};
    let m = match &a.file {
        Some(f) => load(f)?,
        None => crate::robot::panda::model()?,
    };
    let arm = match &a.tool {
        Some(name) => {
            let link = m
                .link_index(name)
                .ok_or_else(|| format!("--tool: no link named '{name}' in {}", m.name))?;
            crate::sim::TaskArm::with_tool(&m, link)?
        }
        None => crate::sim::TaskArm::for_model(&m)?,
    };
    let (mode, mode_name) = match a.mode {
        ModeName::Joint => (ActionMode::Joint, "joint"),
        ModeName::Task => (ActionMode::Task, "task"),
    };
    if a.chunk == 0 {
        return Err("--chunk must be at least 1".into());
    }
    let mut cfg = PickPlaceConfig {
        mode,
        chunk: a.chunk,
        latency: a.latency,
        latency_compensation: !a.no_latency_compensation,
        record_trace: a.trace.is_some(),
        ..PickPlaceConfig::default()
    };
    if a.no_smoothing {
        cfg.smoothing = None;
    }
    if let Some(n) = a.steps {
        cfg.timeout = n as f64 / cfg.physics_rate;
    }
    let o = Episode::with_arm(&m, arm, a.seed, &cfg)
        .and_then(Episode::run_to_end)
        .map_err(|e| e.to_string())?;
    if let Some(path) = &a.trace {
        write_trace(path, &m, &o.trace)?;
    }
    let doc = PickPlaceJson {
        schema: "armtutor.pickplace/1",
        task: "pick-place",
        seed: a.seed,
        mode: mode_name,
        success: o.success,
        time_to_success: o.time_to_success,
        place_error: o.place_error,
        max_tracking_error: o.max_tracking_error,
        max_joint_torque: o.max_torque,
        rms_jerk: o.rms_jerk,
        rms_command_jerk: o.rms_command_jerk,
        actions: o.actions.len(),
        chunk: cfg.chunk,
        latency_periods: cfg.latency,
        latency_compensation: cfg.latency_compensation,
        smoothing: cfg.smoothing.is_some(),
        control_rate_hz: 1.0 / cfg.control_period,
        physics_rate_hz: cfg.physics_rate,
    };
    if a.json {
        return serde_json::to_string_pretty(&doc).map_err(|e| e.to_string());
    }
    Ok(format!(
        "pick-place, seed {}, {} actions at {} Hz, physics {} Hz\nsuccess: {}\ntime to success: {}\nplace error: {:.1} mm\nmax tracking error: {:.4} rad\nmax joint torque: {:.1} N·m\nRMS jerk (measured / commanded): {:.1} / {:.1} rad/s³\nactions: {}\n",
        doc.seed,
        doc.mode,
        doc.control_rate_hz,
        doc.physics_rate_hz,
        doc.success,
        doc.time_to_success
            .map_or("-".to_string(), |t| format!("{t:.2} s")),
        doc.place_error * 1e3,
        doc.max_tracking_error,
        doc.max_joint_torque,
        doc.rms_jerk,
        doc.rms_command_jerk,
        doc.actions
    ))
}

fn write_trace(
    path: &std::path::Path,
    m: &Model,
    rows: &[crate::sim::task::TraceRow],
) -> Result<(), String> {
    let names: Vec<&str> = m.dof_joint_names();
    let mut out = crate::sim::history::csv_header(&names);
    out.push('\n');
    for r in rows {
        out.push_str(&crate::sim::history::csv_row(r, names.len()));
        out.push('\n');
    }
    std::fs::write(path, out).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn passive(a: &SimulateArgs) -> Result<String, String> {
    let Some(file) = &a.file else {
        return Err("--passive needs a URDF file".into());
    };
    let m = load(file)?;
    let arm = Chain::new(&m, m.default_tip());
    let q0 = joint_values(&m, &arm, a.q0.as_deref().unwrap_or(""), "--q0", false)?;
    // The physics would snap a joint outside its limits back at the first step: a different
    // experiment from the one asked for, so it is refused rather than silently changed.
    if let Some(w) = outside_limits(&m, &q0, "--q0") {
        return Err(w.replace("computed as given", "the physics would snap them back"));
    }
    m.check_finite_poses(&q0).map_err(|e| e.to_string())?;
    let positive = |x: f64, name: &str| {
        if x.is_finite() && x > 0.0 {
            Ok(x)
        } else {
            Err(format!("{name} must be a positive number, got {x}"))
        }
    };
    let duration = positive(a.duration, "--duration")?;
    let rate = positive(a.rate, "--rate")?;
    let sample = positive(a.sample, "--sample")?;
    if duration * rate > 1e8 {
        return Err(format!(
            "--duration × --rate asks for {:.0} steps; the limit is 1e8",
            duration * rate
        ));
    }
    let dt = 1.0 / rate;
    let mut arm = crate::sim::ArmWorld::new(m, &q0, dt).map_err(|e| e.to_string())?;
    let steps = (duration * rate).round() as usize;
    let every = ((sample * rate).round() as usize).max(1);
    let mut samples = vec![SampleJson {
        t: 0.0,
        q: arm.q(),
        qd: arm.qd(),
    }];
    // No torque is applied: forces are cleared after every step, so the arm just falls.
    for k in 1..=steps {
        arm.step().map_err(|e| e.to_string())?;
        if k % every == 0 || k == steps {
            samples.push(SampleJson {
                t: k as f64 * dt,
                q: arm.q(),
                qd: arm.qd(),
            });
        }
    }
    let m = &arm.model;
    let names: Vec<&str> = m.dof_joint_names();
    if a.json {
        let doc = PassiveJson {
            schema: "armtutor.passive/1",
            robot: &m.name,
            rate_hz: rate,
            gravity: crate::robot::dynamics::GRAVITY.into(),
            joint_names: names,
            samples,
        };
        return serde_json::to_string(&doc).map_err(|e| e.to_string());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "passive release of '{}' at {rate} Hz, gravity (0, 0, -9.81) m/s²; joint angles (rad):",
        m.name
    );
    let _ = writeln!(out, "{:>8}  {}", "t (s)", names.join("  "));
    for s in &samples {
        let row: Vec<String> = s.q.iter().map(|x| format!("{x:+.5}")).collect();
        let _ = writeln!(out, "{:>8.3}  {}", s.t, row.join("  "));
    }
    Ok(out)
}
