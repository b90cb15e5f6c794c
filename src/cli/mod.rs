//! The headless command line: `inspect` and `kinematics` (and, with the `app` feature, the
//! window when no command is given).
//!
//! Every failure is reported as one line on stderr with exit code 2.

use crate::math::{Manipulability, Transform, euler::EulerSequence};
use crate::options::AppArgs;
use crate::robot::names::elide_long_words;
use crate::robot::{Chain, JointKind, Model, start_pose};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The bundled 7-DoF arm, so `armtutor` works from any directory.

#[derive(Parser, Debug)]
#[command(
    name = "armtutor",
    version,
    about = "An interactive 3D simulator and visual tutor for the math behind robot learning",
    long_about = "An interactive 3D simulator and visual tutor for the math behind robot learning.\n\nWith no command, opens the app. The commands below run headless."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Load this URDF in the app instead of the bundled arm.
    #[arg(long, value_name = "FILE", global = false)]
    pub urdf: Option<PathBuf>,
    #[command(flatten)]
    pub app: AppArgs,
}

/// The command line, with `--lesson`'s help naming the lessons the binary offers (the lessons
/// are the binary's to pass: this module knows none).
pub fn command(lessons: &[&str]) -> clap::Command {
    use clap::CommandFactory;
    let names = if lessons.is_empty() {
        "none in this build (it has no app)".to_string()
    } else {
        lessons.join(", ")
    };
    Cli::command().mut_arg("lesson", |a| {
        a.help(format!("Open this lesson: {names} (see the README)"))
    })
}

/// [`command`]'s arguments parsed (clap's errors and `--help` exit the process, as
/// `Cli::parse` would).
pub fn parse(lessons: &[&str]) -> Cli {
    use clap::FromArgMatches;
    let matches = command(lessons).get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print a URDF's kinematic tree: links, joints, joint types and limits, masses, DoF.
    Inspect(InspectArgs),
    /// Forward kinematics and the Jacobian at one configuration.
    Kinematics(KinematicsArgs),
    /// Rigid-body dynamics at one state: gravity torques g(q), inverse dynamics τ(q, q̇, q̈)
    /// (RNEA) and the joint-space mass matrix M(q) (CRBA).
    Dynamics(DynamicsArgs),
    /// Run the arm in physics (rapier): a scripted pick-and-place task, or a passive release.
    #[cfg(feature = "sim")]
    Simulate(SimulateArgs),
    /// Run the app for N frames with every overlay on and report the CPU time per frame
    /// (needs a display; use xvfb-run on a headless machine).
    #[cfg(feature = "app")]
    Bench(BenchArgs),
}

#[cfg(feature = "app")]
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Frames to measure per lesson (after a warm-up of 30).
    #[arg(long, default_value_t = 600)]
    pub frames: u32,
    /// Also render (on this machine: Mesa's software renderer, which competes for the same
    /// cores). Without it the window opens but nothing is drawn, so the figure is the app's
    /// own work: physics, kinematics, overlays, egui layout.
    #[arg(long)]
    pub render: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[cfg(feature = "sim")]
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskName {
    /// Pick a cube up and place it elsewhere on the table (the bundled Panda, or the arm in
    /// FILE: one with fingers grasps, one without holds the cube with a suction cup).
    PickPlace,
}

#[cfg(feature = "sim")]
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModeName {
    /// Actions are Δq, a change of each arm joint (seven on the Panda), then the gripper.
    Joint,
    /// Actions are Δx (3 translation + 3 rotation), turned into joint motion by DLS IK.
    Task,
}

#[cfg(feature = "sim")]
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

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The URDF file.
    pub file: PathBuf,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct KinematicsArgs {
    /// The URDF file.
    pub file: PathBuf,
    /// Joint values, comma-separated (radians or metres): either one per joint on the chain to
    /// the tip, or one per movable joint of the whole robot in `inspect` order.
    #[arg(long, value_name = "q1,...,qn", allow_hyphen_values = true)]
    pub q: String,
    /// The tool link whose Jacobian is computed (default: the end of the trunk, see README).
    #[arg(long, value_name = "LINK")]
    pub tip: Option<String>,
    /// Machine-readable output (schema in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DynamicsArgs {
    /// The URDF file.
    pub file: PathBuf,
    /// Joint positions (radians or metres): one per movable joint in `inspect` order, or one
    /// per joint of the arm's chain (to the default tip), the others 0.
    #[arg(long, value_name = "q1,...,qn", allow_hyphen_values = true)]
    pub q: String,
    /// Joint rates, in either form --q takes (default: all zero).
    #[arg(long, value_name = "qd1,...,qdn", allow_hyphen_values = true)]
    pub qd: Option<String>,
    /// Joint accelerations, in either form --q takes (default: all zero).
    #[arg(long, value_name = "qdd1,...,qddn", allow_hyphen_values = true)]
    pub qdd: Option<String>,
    /// Machine-readable output (schema in the README).
    #[arg(long)]
    pub json: bool,
}

/// Runs a headless command and returns its standard output, or a one-line error.
pub fn run(command: &Command) -> Result<String, String> {
    let (out, for_people) = match command {
        Command::Inspect(a) => (inspect(a), !a.json),
        Command::Kinematics(a) => (kinematics(a), !a.json),
        Command::Dynamics(a) => (dynamics(a), !a.json),
        #[cfg(feature = "sim")]
        Command::Simulate(a) => (simulate(a), false),
        #[cfg(feature = "app")]
        Command::Bench(_) => (
            Err("bench runs the app; call it through the armtutor binary".into()),
            false,
        ),
    };
    // A name of megabytes is shown by its start and length where a person reads it (an error,
    // the text reports); JSON and traces keep every name whole.
    let out = out.map_err(|e| elide_long_words(&e));
    if !for_people {
        return out;
    }
    out.map(|text| {
        let mut lines: Vec<String> = text.lines().map(elide_long_words).collect();
        if text.ends_with('\n') {
            lines.push(String::new());
        }
        lines.join("\n")
    })
}

#[cfg(feature = "sim")]
#[derive(Serialize)]
struct PassiveJson<'a> {
    schema: &'static str,
    robot: &'a str,
    rate_hz: f64,
    gravity: [f64; 3],
    joint_names: Vec<&'a str>,
    samples: Vec<SampleJson>,
}

#[cfg(feature = "sim")]
#[derive(Serialize)]
struct SampleJson {
    t: f64,
    q: Vec<f64>,
    qd: Vec<f64>,
}

#[cfg(feature = "sim")]
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

#[cfg(feature = "sim")]
fn simulate(a: &SimulateArgs) -> Result<String, String> {
    match a.task {
        Some(TaskName::PickPlace) => pick_place(a),
        None => passive(a),
    }
}

#[cfg(feature = "sim")]
fn pick_place(a: &SimulateArgs) -> Result<String, String> {
    use crate::sim::policy::{ActionMode, Episode, PickPlaceConfig};
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

#[cfg(feature = "sim")]
fn write_trace(
    path: &std::path::Path,
    m: &Model,
    rows: &[crate::sim::policy::TraceRow],
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

#[cfg(feature = "sim")]
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

/// Loads a URDF; what loading repaired goes to stderr, one line per cause, so the output
/// itself stays clean for scripts.
fn load(file: &PathBuf) -> Result<Model, String> {
    let model = Model::from_urdf_file(file).map_err(|e| e.to_string())?;
    for w in &model.warnings {
        eprintln!("armtutor: warning: {w}");
    }
    Ok(model)
}

/// Parses "a,b,c" into finite numbers.
pub fn parse_q(text: &str) -> Result<Vec<f64>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("--q is empty: give comma-separated joint values".into());
    }
    trimmed
        .split(',')
        .enumerate()
        .map(|(i, s)| {
            let s = s.trim();
            let v: f64 = s
                .parse()
                .map_err(|_| format!("--q value {} ('{s}') is not a number", i + 1))?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(format!(
                    "--q value {} ('{s}') is not a finite number",
                    i + 1
                ))
            }
        })
        .collect()
}

#[derive(Serialize)]
struct InspectJson<'a> {
    schema: &'static str,
    robot: &'a str,
    root: &'a str,
    dof: usize,
    total_mass: f64,
    default_tip: &'a str,
    tool: &'a str,
    start_q: Vec<f64>,
    warnings: &'a [String],
    links: Vec<LinkJson<'a>>,
    joints: Vec<JointJson<'a>>,
}

#[derive(Serialize)]
struct LinkJson<'a> {
    name: &'a str,
    mass: f64,
    parent_joint: Option<&'a str>,
}

#[derive(Serialize)]
struct JointJson<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    parent: &'a str,
    child: &'a str,
    axis: [f64; 3],
    lower: Option<f64>,
    upper: Option<f64>,
    effort: Option<f64>,
    velocity: Option<f64>,
    q_index: Option<usize>,
    mimic: Option<&'a str>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn inspect(a: &InspectArgs) -> Result<String, String> {
    let m = load(&a.file)?;
    let tip = &m.links[m.default_tip()].name;
    let tool = start_pose::tool_link(&m);
    let start = start_pose::for_model(&m);
    // Beyond what loading repaired: meshes that cannot be drawn, and a start pose not searched.
    let mut more = crate::robot::mesh_path::mesh_problems(&m);
    more.extend(start.skipped.clone());
    for w in &more {
        eprintln!("armtutor: warning: {w}");
    }
    let warnings: Vec<String> = m.warnings.iter().chain(&more).cloned().collect();
    if a.json {
        let doc = InspectJson {
            schema: "armtutor.inspect/1",
            robot: &m.name,
            root: &m.links[0].name,
            dof: m.dof(),
            total_mass: m.total_mass(),
            default_tip: tip,
            tool: &m.links[tool].name,
            start_q: start.q.clone(),
            warnings: &warnings,
            links: m
                .links
                .iter()
                .map(|l| LinkJson {
                    name: &l.name,
                    mass: l.inertia.mass,
                    parent_joint: l.parent_joint.map(|j| m.joints[j].name.as_str()),
                })
                .collect(),
            joints: m
                .joints
                .iter()
                .map(|j| JointJson {
                    name: &j.name,
                    kind: j.kind.name(),
                    parent: &m.links[j.parent].name,
                    child: &m.links[j.child].name,
                    axis: j.axis.into(),
                    lower: finite(j.limits.0).filter(|_| j.kind.is_movable()),
                    upper: finite(j.limits.1).filter(|_| j.kind.is_movable()),
                    effort: finite(j.effort).filter(|_| j.kind.is_movable()),
                    velocity: finite(j.velocity).filter(|_| j.kind.is_movable()),
                    q_index: j.q_index,
                    mimic: j.mimic.as_ref().map(|mm| m.joints[mm.master].name.as_str()),
                })
                .collect(),
        };
        return serde_json::to_string_pretty(&doc).map_err(|e| e.to_string());
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "robot '{}': {} links, {} joints, {} DoF, total mass {:.3} kg",
        m.name,
        m.links.len(),
        m.joints.len(),
        m.dof(),
        m.total_mass()
    );
    let _ = writeln!(
        out,
        "default tip: {tip} ({} joints on its chain)",
        Chain::new(&m, m.default_tip()).dof()
    );
    let fmt: Vec<String> = start.q.iter().map(|x| format!("{x:.3}")).collect();
    let _ = writeln!(
        out,
        "tool: {} (reach {:.3} m); start pose q = {} (σ_min of [J_v/reach; J_ω] {:.3}, tool at x {:.3}, y {:.3}, z {:.3} m)",
        m.links[tool].name,
        start.reach,
        fmt.join(","),
        start.sigma_min,
        start.tool.x,
        start.tool.y,
        start.tool.z
    );
    let _ = writeln!(out);
    tree(&m, &mut out);
    let _ = writeln!(out);
    let _ = writeln!(out, "configuration order (--q for the whole robot):");
    for (i, &ji) in m.dof_joints.iter().enumerate() {
        let _ = writeln!(out, "  q{} = {}", i + 1, m.joints[ji].name);
    }
    Ok(out)
}

fn joint_summary(m: &Model, ji: usize) -> String {
    let j = &m.joints[ji];
    let unit = if j.kind == JointKind::Prismatic {
        ("m", "N", "m/s")
    } else {
        ("rad", "N·m", "rad/s")
    };
    let mut s = format!("{} [{}", j.name, j.kind.name());
    if j.kind.is_movable() {
        let _ = write!(
            s,
            ", axis ({:.3} {:.3} {:.3})",
            j.axis.x, j.axis.y, j.axis.z
        );
        if j.limits.0.is_finite() || j.limits.1.is_finite() {
            let _ = write!(s, ", {:.4}..{:.4} {}", j.limits.0, j.limits.1, unit.0);
        } else {
            let _ = write!(s, ", unlimited");
        }
        if j.effort.is_finite() {
            let _ = write!(s, ", {} {}", j.effort, unit.1);
        }
        if j.velocity.is_finite() {
            let _ = write!(s, ", {} {}", j.velocity, unit.2);
        }
        if let Some(mm) = &j.mimic {
            let _ = write!(
                s,
                ", mimics {} ×{} {:+}",
                m.joints[mm.master].name, mm.multiplier, mm.offset
            );
        }
    }
    s.push(']');
    s
}

/// Indentation stops growing at this depth (a chain of thousands of joints would otherwise
/// print lines thousands of characters wide: output quadratic in the chain); deeper lines
/// show their depth instead.
const TREE_INDENT: usize = 24;

/// The kinematic tree as an indented list, root first, depth first. Iterative: a chain of
/// any length is printed without recursion.
fn tree(m: &Model, out: &mut String) {
    let _ = writeln!(
        out,
        "{} ({:.3} kg)",
        m.links[0].name, m.links[0].inertia.mass
    );
    // (joint, depth, last among its siblings); the prefix is rebuilt from the `last` flags of
    // the joints above, kept for the current path only.
    let mut stack: Vec<(usize, usize, bool)> = Vec::new();
    let push_children = |stack: &mut Vec<(usize, usize, bool)>, link: usize, depth: usize| {
        let kids = &m.links[link].child_joints;
        for (k, &ji) in kids.iter().enumerate().rev() {
            stack.push((ji, depth, k + 1 == kids.len()));
        }
    };
    push_children(&mut stack, 0, 0);
    let mut path_last: Vec<bool> = Vec::new();
    while let Some((ji, depth, last)) = stack.pop() {
        path_last.truncate(depth);
        let mut prefix = String::new();
        for &l in path_last.iter().take(TREE_INDENT) {
            prefix.push_str(if l { "   " } else { "│  " });
        }
        if depth > TREE_INDENT {
            let _ = write!(prefix, "[depth {}] ", depth + 1);
        }
        let child = m.joints[ji].child;
        let _ = writeln!(
            out,
            "{prefix}{} {} → {} ({:.3} kg)",
            if last { "└─" } else { "├─" },
            joint_summary(m, ji),
            m.links[child].name,
            m.links[child].inertia.mass
        );
        path_last.push(last);
        push_children(&mut stack, child, depth + 1);
    }
}

/// Joints whose value in `q` lies outside their limits, as one warning line (at most four
/// named), or `None`.
fn outside_limits(m: &Model, q: &[f64], flag: &str) -> Option<String> {
    let outside: Vec<String> = m
        .dof_joints
        .iter()
        .zip(q)
        .filter_map(|(&ji, &v)| {
            let j = &m.joints[ji];
            let (lo, hi) = j.limits;
            let unit = if j.kind == JointKind::Prismatic {
                "m"
            } else {
                "rad"
            };
            (v < lo || v > hi).then(|| format!("'{}' = {v} ({lo}..{hi} {unit})", j.name))
        })
        .collect();
    if outside.is_empty() {
        return None;
    }
    let mut named = outside[..outside.len().min(4)].join(", ");
    if outside.len() > 4 {
        let _ = write!(named, " and {} more", outside.len() - 4);
    }
    Some(format!(
        "{flag}: {} outside {} limits: {named}; computed as given",
        if outside.len() == 1 {
            "a joint is"
        } else {
            "joints are"
        },
        if outside.len() == 1 { "its" } else { "their" }
    ))
}

/// `Err` when `values` (items of `width` numbers each) hold a non-finite number, naming the
/// first such item with `name(index)`, so no output (text or JSON) ever holds `inf` or `NaN`.
fn finite_items(
    values: &[f64],
    width: usize,
    name: impl Fn(usize) -> String,
) -> Result<(), String> {
    match values.iter().position(|x| !x.is_finite()) {
        None => Ok(()),
        Some(i) => Err(format!(
            "{} is not finite at this state (the numbers overflow); nothing was printed",
            name(i / width)
        )),
    }
}

#[derive(Serialize)]
struct DynamicsJson<'a> {
    schema: &'static str,
    robot: &'a str,
    /// The configuration's order, as in `inspect`.
    joint_names: Vec<&'a str>,
    q: &'a [f64],
    qd: &'a [f64],
    qdd: &'a [f64],
    /// Gravity in the root link's frame (m/s²).
    gravity: [f64; 3],
    /// g(q): the torques (forces for prismatic joints) that hold q still.
    gravity_torques: &'a [f64],
    /// τ = M(q)q̈ + C(q, q̇)q̇ + g(q).
    inverse_dynamics: &'a [f64],
    /// M(q), row-major, n × n.
    mass_matrix: Vec<Vec<f64>>,
    /// ½ q̇ᵀ M(q) q̇.
    kinetic_energy: f64,
}

/// The most movable joints `dynamics` takes (it prints the n × n mass matrix).
pub const MAX_DYNAMICS_DOF: usize = 512;

/// Parses an optional joint vector for `flag`, zeros when it is absent.
fn joint_vector(
    m: &Model,
    arm: &Chain,
    text: Option<&str>,
    flag: &str,
) -> Result<Vec<f64>, String> {
    let Some(text) = text else {
        return Ok(vec![0.0; m.dof()]);
    };
    joint_values(m, arm, text, flag, false)
}

/// Joint values given on the command line, in either form every command takes: one per
/// movable joint (in `inspect` order), or one per joint of `chain`, from the root to its tip
/// (the arm without its fingers, say), the others then 0. A count that fits neither is an error
/// that names the joints each form wants; `chain_first` says which form the message leads with.
fn joint_values(
    m: &Model,
    chain: &Chain,
    text: &str,
    flag: &str,
    chain_first: bool,
) -> Result<Vec<f64>, String> {
    let given = parse_q(text).map_err(|e| e.replace("--q", flag))?;
    if given.len() == m.dof() {
        return Ok(given);
    }
    if given.len() == chain.dof() {
        let mut q = vec![0.0; m.dof()];
        chain.write_into_model(m, &given, &mut q);
        return Ok(q);
    }
    let all = m.dof_joint_names();
    let in_chain: Vec<&str> = chain.joint_names.iter().map(String::as_str).collect();
    let others: Vec<&str> = all
        .iter()
        .copied()
        .filter(|n| !in_chain.contains(n))
        .collect();
    let chain_form = format!(
        "{} (the chain to '{}': {})",
        chain.dof(),
        m.links[chain.tip].name,
        name_list(&in_chain)
    );
    let all_form = if others.is_empty() || others.len() == all.len() {
        format!("{} (every movable joint: {})", m.dof(), name_list(&all))
    } else {
        format!(
            "{} (every movable joint: the chain's and {})",
            m.dof(),
            name_list(&others)
        )
    };
    let forms = if chain.dof() == m.dof() || chain.dof() == 0 {
        all_form
    } else if chain_first {
        format!("{chain_form} or {all_form}")
    } else {
        format!("{all_form} or {chain_form}")
    };
    Err(format!(
        "{flag} has {} values; expected {forms}",
        given.len()
    ))
}

/// Joint names for a message: all of up to eight, else the first three, the count left out and
/// the last.
fn name_list(names: &[&str]) -> String {
    if names.len() <= 8 {
        return names.join(", ");
    }
    format!(
        "{}, … {} more …, {}",
        names[..3].join(", "),
        names.len() - 4,
        names[names.len() - 1]
    )
}

fn dynamics(a: &DynamicsArgs) -> Result<String, String> {
    use crate::robot::dynamics::{GRAVITY, gravity_torques, inverse_dynamics, mass_matrix};
    let m = load(&a.file)?;
    if m.dof() == 0 {
        return Err(format!(
            "{}: the robot has no movable joint",
            a.file.display()
        ));
    }
    if m.dof() > MAX_DYNAMICS_DOF {
        return Err(format!(
            "{}: the robot has {} movable joints; dynamics prints robots of up to {MAX_DYNAMICS_DOF} (its mass matrix alone would be {} numbers)",
            a.file.display(),
            m.dof(),
            m.dof() * m.dof()
        ));
    }
    let arm = Chain::new(&m, m.default_tip());
    let q = joint_values(&m, &arm, &a.q, "--q", false)?;
    let qd = joint_vector(&m, &arm, a.qd.as_deref(), "--qd")?;
    let qdd = joint_vector(&m, &arm, a.qdd.as_deref(), "--qdd")?;
    if let Some(w) = outside_limits(&m, &q, "--q") {
        eprintln!("armtutor: warning: {w}");
    }
    m.check_finite_poses(&q).map_err(|e| e.to_string())?;
    let g = gravity_torques(&m, &q, &GRAVITY);
    let tau = inverse_dynamics(&m, &q, &qd, &qdd, &GRAVITY);
    let mm = mass_matrix(&m, &q);
    let n = m.dof();
    let qd_vec = nalgebra::DVector::from_column_slice(&qd);
    let kinetic = 0.5 * qd_vec.dot(&(&mm * &qd_vec));
    let names: Vec<&str> = m.dof_joint_names();
    // Huge but finite inputs (--qd 1e300) overflow here: refused like NaN, naming the joint.
    let names_ref = &names;
    let joint = |what: &'static str| move |i: usize| format!("{what} of joint '{}'", names_ref[i]);
    finite_items(&g, 1, joint("g(q)"))?;
    finite_items(&tau, 1, joint("τ"))?;
    // M is stored column by column.
    finite_items(mm.as_slice(), n, joint("M(q)'s column"))?;
    finite_items(&[kinetic], 1, |_| "the kinetic energy".into())?;
    if a.json {
        let doc = DynamicsJson {
            schema: "armtutor.dynamics/1",
            robot: &m.name,
            joint_names: names,
            q: &q,
            qd: &qd,
            qdd: &qdd,
            gravity: [GRAVITY.x, GRAVITY.y, GRAVITY.z],
            gravity_torques: &g,
            inverse_dynamics: &tau,
            mass_matrix: (0..n)
                .map(|r| (0..n).map(|c| mm[(r, c)]).collect())
                .collect(),
            kinetic_energy: kinetic,
        };
        return serde_json::to_string_pretty(&doc).map_err(|e| format!("JSON: {e}"));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} DoF, gravity {:?} m/s² (root frame)",
        m.name,
        n,
        [GRAVITY.x, GRAVITY.y, GRAVITY.z]
    );
    let width = names
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "{:width$}  {:>10}  {:>10}  {:>10}  {:>12}  {:>12}",
        "joint", "q", "qd", "qdd", "g(q)", "tau"
    );
    for i in 0..n {
        let _ = writeln!(
            out,
            "{:width$}  {:>10.4}  {:>10.4}  {:>10.4}  {:>12.5}  {:>12.5}",
            names[i], q[i], qd[i], qdd[i], g[i], tau[i]
        );
    }
    let _ = writeln!(out, "M(q) (kg·m² for revolute joints):");
    for r in 0..n {
        let row: Vec<String> = (0..n).map(|c| format!("{:>10.5}", mm[(r, c)])).collect();
        let _ = writeln!(out, "  {}", row.join(" "));
    }
    let _ = writeln!(out, "kinetic energy ½ q̇ᵀMq̇ = {kinetic:.6} J");
    Ok(out)
}

#[derive(Serialize)]
struct KinematicsJson<'a> {
    schema: &'static str,
    robot: &'a str,
    base: &'a str,
    tip: &'a str,
    /// The whole robot's configuration, in `inspect` order.
    joint_names: Vec<&'a str>,
    q: Vec<f64>,
    /// `T_base_link` for every link, 4×4, row-major.
    links: Vec<PoseJson<'a>>,
    tip_pose: [[f64; 4]; 4],
    jacobian: JacobianJson<'a>,
    singular_values: [f64; 6],
    manipulability: f64,
    condition_number: Option<f64>,
    sigma_min: f64,
}

#[derive(Serialize)]
struct PoseJson<'a> {
    name: &'a str,
    pose: [[f64; 4]; 4],
}

#[derive(Serialize)]
struct JacobianJson<'a> {
    rows: [&'static str; 6],
    columns: Vec<&'a str>,
    /// In the base frame, at the tip origin.
    base_frame: Vec<Vec<f64>>,
    /// In the tip frame, at the tip origin.
    tip_frame: Vec<Vec<f64>>,
}

fn rows4(t: &Transform) -> [[f64; 4]; 4] {
    let m = t.to_matrix();
    std::array::from_fn(|r| std::array::from_fn(|c| m[(r, c)]))
}

fn rows(j: &crate::math::Jacobian) -> Vec<Vec<f64>> {
    (0..6)
        .map(|r| (0..j.ncols()).map(|c| j[(r, c)]).collect())
        .collect()
}

fn kinematics(a: &KinematicsArgs) -> Result<String, String> {
    let m = load(&a.file)?;
    let tip = match &a.tip {
        Some(name) => m
            .link_index(name)
            .ok_or_else(|| format!("--tip: no link named '{name}' in {}", a.file.display()))?,
        None => m.default_tip(),
    };
    let chain = Chain::new(&m, tip);
    let q_model = joint_values(&m, &chain, &a.q, "--q", true)?;
    if let Some(w) = outside_limits(&m, &q_model, "--q") {
        eprintln!("armtutor: warning: {w}");
    }
    let poses = m.link_poses(&q_model);
    if let Some(l) = m.first_nonfinite_pose(&poses) {
        return Err(format!(
            "{} is not finite at this q (the numbers overflow); nothing was printed",
            m.pose_name(l)
        ));
    }
    let q_chain = chain.q_from_model(&m, &q_model);
    let j = chain.jacobian(&q_chain);
    let jt = chain.jacobian_tip_frame(&q_chain);
    let tip_pose = chain.tip_pose(&q_chain);
    // Jacobians are stored column by column: six numbers a joint.
    let column = |what: &'static str| {
        let names = &chain.joint_names;
        move |c: usize| format!("{what} column of joint '{}'", names[c])
    };
    finite_items(j.as_slice(), 6, column("the Jacobian's"))?;
    finite_items(jt.as_slice(), 6, column("the tip-frame Jacobian's"))?;
    finite_items(tip_pose.to_matrix().as_slice(), 16, |_| {
        "the tip pose".into()
    })?;
    let svd = Manipulability::from_jacobian(&j);
    if a.json {
        let doc = KinematicsJson {
            schema: "armtutor.kinematics/1",
            robot: &m.name,
            base: &m.links[0].name,
            tip: &m.links[tip].name,
            joint_names: m.dof_joint_names(),
            q: q_model.clone(),
            links: m
                .links
                .iter()
                .zip(&poses)
                .map(|(l, t)| PoseJson {
                    name: &l.name,
                    pose: rows4(t),
                })
                .collect(),
            tip_pose: rows4(&tip_pose),
            jacobian: JacobianJson {
                rows: ["vx", "vy", "vz", "wx", "wy", "wz"],
                columns: chain.joint_names.iter().map(String::as_str).collect(),
                base_frame: rows(&j),
                tip_frame: rows(&jt),
            },
            singular_values: svd.sigma,
            manipulability: svd.manipulability(),
            condition_number: finite(svd.condition_number()),
            sigma_min: svd.sigma_min(),
        };
        return serde_json::to_string_pretty(&doc).map_err(|e| e.to_string());
    }
    let mut out = String::new();
    let rpy = EulerSequence::parse("xyz").expect("xyz is a valid sequence");
    let _ = writeln!(
        out,
        "robot '{}', tip '{}', q = {:?}",
        m.name, m.links[tip].name, q_model
    );
    let _ = writeln!(
        out,
        "\nlink poses T_{}_link (position m, URDF rpy rad):",
        m.links[0].name
    );
    for (l, t) in m.links.iter().zip(&poses) {
        let e = rpy.from_matrix(&t.rotation).angles;
        let _ = writeln!(
            out,
            "  {:<24} p = ({:+.6} {:+.6} {:+.6})  rpy = ({:+.6} {:+.6} {:+.6})",
            l.name, t.translation.x, t.translation.y, t.translation.z, e[0], e[1], e[2]
        );
    }
    let _ = writeln!(out, "\ntip pose (4×4):");
    for r in rows4(&tip_pose) {
        let _ = writeln!(
            out,
            "  [{:+.6} {:+.6} {:+.6} {:+.6}]",
            r[0], r[1], r[2], r[3]
        );
    }
    let _ = writeln!(
        out,
        "\ngeometric Jacobian at the tip, base frame (rows vx vy vz wx wy wz; columns {}):",
        chain.joint_names.join(" ")
    );
    for (r, name) in ["vx", "vy", "vz", "wx", "wy", "wz"].iter().enumerate() {
        let row: Vec<String> = (0..j.ncols())
            .map(|c| format!("{:+.5}", j[(r, c)]))
            .collect();
        let _ = writeln!(out, "  {name} [{}]", row.join(" "));
    }
    let _ = writeln!(
        out,
        "\nsingular values: {}",
        svd.sigma
            .iter()
            .map(|s| format!("{s:.6}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let _ = writeln!(
        out,
        "manipulability √det(JJᵀ): {:.6e}",
        svd.manipulability()
    );
    let _ = writeln!(
        out,
        "condition number σmax/σmin: {:.4}",
        svd.condition_number()
    );
    let _ = writeln!(out, "σmin: {:.6e}", svd.sigma_min());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_options_name_a_scene_like_a_shared_link() {
        use clap::Parser;
        let cli =
            Cli::try_parse_from(["armtutor", "--lesson", "generative", "--seed", "7"]).unwrap();
        assert_eq!(cli.app.lesson.as_deref(), Some("generative"));
        assert_eq!(cli.app.seed, Some(7));
        assert!(Cli::try_parse_from(["armtutor", "--seed", "-1"]).is_err());
        let cli = Cli::try_parse_from([
            "armtutor",
            "--param",
            "euler=ZYX",
            "--param",
            "angles=0,90,0",
        ])
        .unwrap();
        assert_eq!(
            cli.app.params,
            [
                ("euler".to_string(), "ZYX".to_string()),
                ("angles".to_string(), "0,90,0".to_string())
            ]
        );
        assert!(Cli::try_parse_from(["armtutor", "--param", "novalue"]).is_err());
        assert!(Cli::try_parse_from(["armtutor", "--param", "=x"]).is_err());
    }

    #[test]
    fn q_parsing() {
        assert_eq!(parse_q("1, -2.5,3e-1"), Ok(vec![1.0, -2.5, 0.3]));
        assert!(parse_q("1,NaN").unwrap_err().contains("not a finite"));
        assert!(parse_q("1,inf").unwrap_err().contains("not a finite"));
        assert!(parse_q("1,,2").unwrap_err().contains("not a number"));
        assert!(parse_q("").unwrap_err().contains("empty"));
    }

    #[test]
    fn the_bundled_arm_is_valid() {
        let m = crate::robot::panda::model().expect("bundled URDF parses");
        assert_eq!(Chain::new(&m, m.default_tip()).dof(), 7);
    }
}
