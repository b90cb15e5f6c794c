//! Hostile robot files through every command, each in a child process: whatever a file holds,
//! armtutor answers in bounded time with exit code 0 (a result) or 2 (one error line), never a
//! crash, an abort or a hang, and no output holds a non-finite number.

#[path = "common/hostile.rs"]
mod hostile;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A test build is several times slower than a release build; a release build answers every
/// file here within about 2 s.
const LIMIT: Duration = Duration::from_secs(20);

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Runs armtutor with `args`, its output in files (a pipe left unread would block a child
/// that writes megabytes), killed at [`LIMIT`].
fn run(dir: &Path, tag: &str, args: &[String]) -> Outcome {
    let out_path = dir.join(format!("{tag}.out"));
    let err_path = dir.join(format!("{tag}.err"));
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_armtutor"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("out file"))
        .stderr(std::fs::File::create(&err_path).expect("err file"))
        .spawn()
        .expect("start armtutor");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("armtutor {args:?} ran past {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Outcome {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&std::fs::read(&out_path).unwrap_or_default()).into(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err_path).unwrap_or_default()).into(),
        took: start.elapsed(),
    }
}

/// Keys whose value may be null in a JSON output: the absent, never the non-finite.
const MAY_BE_NULL: [&str; 9] = [
    "condition_number",
    "lower",
    "upper",
    "effort",
    "velocity",
    "mimic",
    "parent_joint",
    "q_index",
    "time_to_success",
];

fn nulls(v: &serde_json::Value, key: &str, found: &mut Vec<String>) {
    match v {
        serde_json::Value::Null if !MAY_BE_NULL.contains(&key) => found.push(key.to_string()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| nulls(x, key, found)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| nulls(x, k, found)),
        _ => {}
    }
}

fn check(case: &hostile::Case, args: &[String], o: &Outcome) -> Result<(), String> {
    let what = format!("{} {:?}", case.name, &args[..1]);
    if o.code != 0 && o.code != 2 {
        return Err(format!("{what}: exit {} ({})", o.code, o.stderr));
    }
    if o.stderr.contains("panicked") {
        return Err(format!("{what}: {}", o.stderr));
    }
    if o.code == 2 {
        let errors: Vec<&str> = o
            .stderr
            .lines()
            .filter(|l| !l.starts_with("armtutor: warning:"))
            .collect();
        // clap's own usage errors (a command a core-only build lacks) span a few lines.
        let clap = o.stderr.starts_with("error:");
        if !clap && (errors.len() != 1 || !errors[0].starts_with("armtutor: error: ")) {
            return Err(format!("{what}: not one error line: {:?}", o.stderr));
        }
        if errors.iter().any(|l| l.len() > 600) {
            return Err(format!(
                "{what}: an error line of {} bytes",
                errors[0].len()
            ));
        }
    }
    if o.code == 0 && args.iter().any(|a| a == "--json") {
        let v: serde_json::Value = serde_json::from_str(&o.stdout)
            .map_err(|e| format!("{what}: output is not JSON: {e}"))?;
        let mut found = Vec::new();
        nulls(&v, "", &mut found);
        if !found.is_empty() {
            return Err(format!("{what}: null (non-finite) values under {found:?}"));
        }
    }
    if o.code == 0 && (o.stdout.contains("NaN") || o.stdout.contains(" inf")) {
        return Err(format!("{what}: non-finite numbers printed"));
    }
    Ok(())
}

fn zeros(n: usize) -> String {
    vec!["0"; n.max(1)].join(",")
}

#[test]
fn every_hostile_file_through_every_command_answers_in_bounded_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = hostile::write_all(dir.path());
    let mut failures = Vec::new();
    let mut slowest: Vec<(Duration, String)> = Vec::new();
    for case in &cases {
        let file = case.path.display().to_string();
        let q = zeros(case.dof.unwrap_or(1));
        let commands: Vec<Vec<String>> = vec![
            vec!["inspect".into(), file.clone()],
            vec!["inspect".into(), file.clone(), "--json".into()],
            vec![
                "kinematics".into(),
                file.clone(),
                "--q".into(),
                q.clone(),
                "--json".into(),
            ],
            vec![
                "dynamics".into(),
                file.clone(),
                "--q".into(),
                q.clone(),
                "--json".into(),
            ],
            vec![
                "simulate".into(),
                file.clone(),
                "--passive".into(),
                "--q0".into(),
                q.clone(),
                "--duration".into(),
                "0.02".into(),
                "--json".into(),
            ],
            vec![
                "simulate".into(),
                file.clone(),
                "--task".into(),
                "pick-place".into(),
                "--steps".into(),
                "24".into(),
                "--json".into(),
            ],
        ];
        for (k, args) in commands.iter().enumerate() {
            let o = run(dir.path(), &format!("{}_{k}", case.name), args);
            slowest.push((o.took, format!("{} {}", case.name, args[0])));
            if let Err(e) = check(case, args, &o) {
                failures.push(e);
            }
            if k == 0 && case.loads && o.code != 0 {
                failures.push(format!("{}: should load, but: {}", case.name, o.stderr));
            }
        }
    }
    slowest.sort();
    for (t, what) in slowest.iter().rev().take(5) {
        eprintln!("slowest: {what} {:.2} s", t.as_secs_f64());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What each refusal says: the cause, and the limit where there is one.
#[test]
fn each_refusal_names_its_cause() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = hostile::write_all(dir.path());
    let expect = [
        ("wide_50000_fixed", "more than 120000 elements"),
        ("ring_5000", "cycle"),
        ("nested_100000", "nested more than 64 levels"),
        ("nested_100000_unclosed", "nested more than 64 levels"),
        ("origin_1e308", "beyond the ±1e6 m"),
        ("axis_subnormal", "zero axis"),
        ("mass_1e308", "mass is 1e308"),
        ("inertia_1e308", "inertia is 1e308"),
        ("overflowing_literal", "not a finite number"),
        ("box_1e300", "geometry is 1e300"),
        ("attributes_100000", "more than 256 attributes"),
        ("elements_200000", "more than 120000 elements"),
        ("xacro", "run xacro first"),
        ("mujoco", "root element is <mujoco>"),
        ("billion_laughs", "entities"),
        ("empty", "not valid URDF"),
        ("not_utf8", "not UTF-8"),
    ];
    // Loaded, with what was assumed or skipped said in warnings.
    let warned = [
        ("chain_10000", "start pose not searched"),
        ("wide_5000_revolute", "start pose not searched"),
        ("arm_with_3000_fixed_links", "start pose not searched"),
        ("mimic_cycle", "the mimic is ignored"),
        ("limits_max_float", "taken as no limit"),
        ("no_limit_element", "without the <limit> URDF requires"),
        ("impossible_inertia", "triangle inequality"),
        ("meshes_that_lie", "mesh /dev/zero is a device"),
        ("meshes_that_lie", "folder.stl is a folder"),
        ("meshes_that_lie", "up to 256 MB"),
        ("meshes_that_lie", "mesh not found: package://nowhere"),
    ];
    let refusals = expect.iter().map(|&(n, w)| (n, w, 2));
    for (name, want, code) in refusals.chain(warned.iter().map(|&(n, w)| (n, w, 0))) {
        let case = cases
            .iter()
            .find(|c| c.name == name)
            .expect("a generated case");
        let o = run(
            dir.path(),
            name,
            &["inspect".into(), case.path.display().to_string()],
        );
        assert_eq!(o.code, code, "{name}: {}", o.stderr);
        assert!(
            o.stderr.contains(want),
            "{name}: {:?} lacks {want:?}",
            o.stderr
        );
    }
}

/// Plausible mistakes on a valid arm get a precise answer.
#[test]
fn values_outside_limits_and_overflowing_rates_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = hostile::write_all(dir.path());
    let arm = cases
        .iter()
        .find(|c| c.name == "arm_with_3000_fixed_links")
        .expect("the arm");
    let file = arm.path.display().to_string();
    let s = |x: &str| x.to_string();
    // Outside a limit: computed, with a warning naming the joint.
    let o = run(
        dir.path(),
        "outside",
        &[s("kinematics"), file.clone(), s("--q"), s("3,0,0,0,0,0,0")],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("'j1' = 3 (-2..2 rad)"), "{}", o.stderr);
    // A rate that makes the torques overflow: refused like NaN, naming where.
    let o = run(
        dir.path(),
        "qd",
        &[
            s("dynamics"),
            file.clone(),
            s("--q"),
            s("0,0.5,0,0.5,0,0.5,0"),
            s("--qd"),
            s("1e300,1e300,1e300,1e300,1e300,1e300,1e300"),
        ],
    );
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(
        o.stderr.contains("is not finite at this state"),
        "{}",
        o.stderr
    );
    assert!(o.stdout.is_empty());
    // The physics would snap a start outside the limits: refused, not silently changed.
    let one = cases
        .iter()
        .find(|c| c.name == "impossible_inertia")
        .expect("a one-joint arm");
    let o = run(
        dir.path(),
        "passive",
        &[
            s("simulate"),
            one.path.display().to_string(),
            s("--passive"),
            s("--q0"),
            s("1.5"),
        ],
    );
    assert_eq!(o.code, 2, "{}", o.stdout);
    if !o.stderr.starts_with("error:") {
        // (A build without the physics has no simulate command: clap says so.)
        assert!(
            o.stderr.contains("'j' = 1.5 (-1..1 rad)") && o.stderr.contains("snap"),
            "{}",
            o.stderr
        );
    }
}

/// A name of megabytes is shown short where a person reads it (the text report, an error) and
/// whole in JSON.
#[test]
fn a_huge_name_is_shown_short_to_people_and_whole_in_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = "n".repeat(4 << 20);
    let path = dir.path().join("name.urdf");
    std::fs::write(
        &path,
        format!(
            r#"<robot name="r"><link name="{name}"/><link name="b"/><joint name="j" type="revolute"><parent link="{name}"/><child link="b"/><axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint></robot>"#
        ),
    )
    .expect("write");
    let file = path.display().to_string();
    let text = run(dir.path(), "text", &["inspect".into(), file.clone()]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    let longest = text.stdout.lines().map(str::len).max().unwrap_or(0);
    assert!(longest < 400, "a line of {longest} bytes");
    assert!(text.stdout.contains("(4194304 bytes)"), "{}", text.stdout);
    let json = run(
        dir.path(),
        "json",
        &["inspect".into(), file.clone(), "--json".into()],
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert!(json.stdout.contains(&name));
    // An error naming a long argument (one exec argument holds at most 128 KB).
    let bad = run(
        dir.path(),
        "bad",
        &[
            "kinematics".into(),
            file,
            "--q".into(),
            "0".into(),
            "--tip".into(),
            "x".repeat(100_000),
        ],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.len() < 400 && bad.stderr.lines().count() == 1,
        "{} bytes",
        bad.stderr.len()
    );
}
