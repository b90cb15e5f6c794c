//! The headless command line: `inspect` and `kinematics` (and, with the `app` feature, the
//! window when no command is given).
//!
//! Every failure is reported as one line on stderr with exit code 2.

mod dynamics;
mod inspect;
mod kinematics;
#[cfg(feature = "sim")]
mod simulate;

use dynamics::{DynamicsArgs, dynamics};
use inspect::{InspectArgs, inspect};
use kinematics::{KinematicsArgs, kinematics};
#[cfg(feature = "sim")]
use simulate::{SimulateArgs, simulate};

use crate::math::{Manipulability, Transform, euler::EulerSequence};
use crate::options::AppArgs;
use crate::robot::names::elide_long_words;
use crate::robot::{Chain, JointKind, Model, start_pose};
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The command line: a headless command, or the app's start options.
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

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
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

/// Joint values given on the command line, in either form every command takes: one per
/// movable joint (in `inspect` order), or one per joint of `chain`, from the root to its tip
/// (the arm without its fingers, say), the others then 0. A count that fits neither is an error
/// that names the joints each form wants; `chain_first` says which form the message leads with.
pub(super) fn joint_values(
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

/// Joints whose value in `q` lies outside their limits, as one warning line (at most four
/// named), or `None`.
pub(super) fn outside_limits(m: &Model, q: &[f64], flag: &str) -> Option<String> {
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
