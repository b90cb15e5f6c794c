//! The headless CLI as a user runs it: bad input gives one line and exit code 2; the JSON
//! output is reproduced by an independent library.

#![allow(clippy::unwrap_used, clippy::needless_range_loop)]

use std::process::Command;

fn armtutor(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_armtutor"))
        .args(args)
        .output()
        .expect("run armtutor");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, text).expect("write temp URDF");
    p.display().to_string()
}

fn assert_one_line_error(args: &[&str], needle: &str) {
    let (code, stdout, stderr) = armtutor(args);
    assert_eq!(code, 2, "{args:?}: exit code (stderr {stderr:?})");
    assert!(stdout.is_empty(), "{args:?}: nothing on stdout");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{args:?}: one line, got {stderr:?}"
    );
    assert!(stderr.starts_with("armtutor: error: "), "{stderr:?}");
    assert!(
        stderr.contains(needle),
        "{args:?}: {stderr:?} should mention {needle:?}"
    );
    assert!(!stderr.contains("panicked") && !stderr.contains("backtrace"));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let r = |body: &str| format!(r#"<robot name="t">{body}</robot>"#);
    let malformed = write(
        &dir,
        "malformed.urdf",
        "<robot name='x'><link name='a'></robot",
    );
    let unknown = write(
        &dir,
        "unknown.urdf",
        &r(
            r#"<link name="a"/><joint name="j" type="fixed"><parent link="a"/><child link="b"/></joint>"#,
        ),
    );
    let cycle = write(
        &dir,
        "cycle.urdf",
        &r(r#"<link name="a"/><link name="b"/>
        <joint name="j1" type="fixed"><parent link="a"/><child link="b"/></joint>
        <joint name="j2" type="fixed"><parent link="b"/><child link="a"/></joint>"#),
    );
    let roots = write(
        &dir,
        "roots.urdf",
        &r(r#"<link name="a"/><link name="b"/>"#),
    );
    let floating = write(
        &dir,
        "floating.urdf",
        &r(r#"<link name="a"/><link name="b"/>
        <joint name="j" type="floating"><parent link="a"/><child link="b"/></joint>"#),
    );
    let planar = write(
        &dir,
        "planar.urdf",
        &r(r#"<link name="a"/><link name="b"/>
        <joint name="j" type="planar"><parent link="a"/><child link="b"/></joint>"#),
    );
    let empty = write(&dir, "empty.urdf", "");
    let arm = "urdf/panda.urdf";
    for (args, needle) in [
        (vec!["inspect", "/no/such/file.urdf"], "cannot read"),
        (
            vec!["kinematics", "/no/such/file.urdf", "--q", "0"],
            "cannot read",
        ),
        (vec!["inspect", &malformed], "not valid URDF"),
        (vec!["inspect", &empty], "not valid URDF"),
        (vec!["inspect", &unknown], "does not exist"),
        (vec!["inspect", &cycle], "cycle"),
        (vec!["inspect", &roots], "several root links"),
        (vec!["inspect", &floating], "does not support"),
        (vec!["inspect", &planar], "does not support"),
        (vec!["kinematics", arm, "--q", "0,0,0"], "expected 7"),
        (
            vec!["kinematics", arm, "--q", "0,0,0,nan,0,0,0"],
            "not a finite number",
        ),
        (
            vec!["kinematics", arm, "--q", "0,0,0,x,0,0,0"],
            "not a number",
        ),
        (
            vec!["kinematics", arm, "--q", "0,0,0,0,0,0,0", "--tip", "nope"],
            "no link named",
        ),
    ] {
        assert_one_line_error(&args, needle);
    }
}

#[test]
fn help_exists_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["inspect", "--help"],
        vec!["kinematics", "--help"],
    ] {
        let (code, stdout, _) = armtutor(&args);
        assert_eq!(code, 0);
        assert!(stdout.contains("Usage"));
    }
}

#[test]
fn inspect_lists_the_tree() {
    let (code, stdout, _) = armtutor(&["inspect", "urdf/panda.urdf"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("8 DoF"), "{stdout}");
    assert!(stdout.contains("panda_joint4 [revolute"));
    assert!(stdout.contains("mimics panda_finger_joint1"));
    assert!(stdout.contains("default tip: panda_hand (7 joints"));
    let (code, json, _) = armtutor(&["inspect", "urdf/panda.urdf", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["dof"], 8);
    assert!((v["total_mass"].as_f64().expect("mass") - 17.451901).abs() < 1e-9);
}

/// What published files get wrong and other tools pass over loads: one warning line per
/// cause on stderr, the same lines in `inspect --json`, and the output itself unchanged.
#[test]
fn small_defects_load_with_warnings_on_stderr_and_in_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(
        &dir,
        "defects.urdf",
        r#"<robot name="t">
        <material name="skin"><color rgba="1 1 1 1"/><texture/></material>
        <link name="a"/><link name="b"/>
        <link name="c"><inertial><mass value="0.1"/>
          <inertia ixx="1e-4" ixy="2e-4" ixz="0" iyy="1e-4" iyz="0" izz="1e-4"/></inertial></link>
        <joint name="j1" type="revolute"><parent link="a"/><child link="b"/>
          <limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
        <joint name="j2" type="revolute"><parent link="b"/><child link="c"/><origin xyz="0 0 0.5"/>
          <limit lower="-1" upper="1" effort="1" velocity="1"/><mimic joint="gone"/></joint>
        </robot>"#,
    );
    let (code, stdout, stderr) = armtutor(&["inspect", &file]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2 DoF"), "{stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    for (line, needle) in lines
        .iter()
        .zip(["material 'skin'", "joint 'j2'", "link 'c'"])
    {
        assert!(line.starts_with("armtutor: warning: "), "{line}");
        assert!(line.contains(needle), "{line} should name {needle}");
    }
    let (code, json, _) = armtutor(&["inspect", &file, "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let warnings = v["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 3);
    assert!(
        warnings[1]
            .as_str()
            .expect("text")
            .contains("moves on its own")
    );
    // The repaired file is usable: kinematics and dynamics run on it.
    for cmd in ["kinematics", "dynamics"] {
        let (code, _, stderr) = armtutor(&[cmd, &file, "--q", "0.3,-0.2", "--json"]);
        assert_eq!(code, 0, "{cmd}: {stderr}");
    }
    // A clean file warns of nothing.
    let (_, _, stderr) = armtutor(&["inspect", "urdf/kinova_gen3.urdf"]);
    assert!(stderr.is_empty(), "{stderr}");
    let (_, json, _) = armtutor(&["inspect", "urdf/panda.urdf", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["warnings"], serde_json::json!([]));
}

/// `inspect` names the tool link and the pose the app opens the robot in: the Panda's ready
/// pose for the bundled arm, a searched pose inside the limits for any other.
#[test]
fn inspect_gives_the_tool_and_the_start_pose() {
    let (_, json, _) = armtutor(&["inspect", "urdf/panda.urdf", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["tool"], "panda_tcp");
    assert_eq!(
        v["start_q"],
        serde_json::json!([0.0, -0.3, 0.0, -2.2, 0.0, 2.0, 0.785, 0.04])
    );
    let (code, text, _) = armtutor(&["inspect", "urdf/kuka_iiwa14.urdf"]);
    assert_eq!(code, 0);
    assert!(text.contains("tool: iiwa_link8"), "{text}");
    let (_, json, _) = armtutor(&["inspect", "urdf/kuka_iiwa14.urdf", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let q: Vec<f64> = v["start_q"]
        .as_array()
        .expect("start_q")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect();
    assert_eq!(q.len(), 7);
    for (x, j) in q.iter().zip(v["joints"].as_array().expect("joints")) {
        let (lo, hi) = (
            j["lower"].as_f64().expect("lo"),
            j["upper"].as_f64().expect("hi"),
        );
        assert!(lo < *x && *x < hi, "{x} outside {lo}..{hi}");
    }
    // Bent, not the stretched zero pose.
    assert!(q[3] < -0.5, "{q:?}");
}

/// The JSON of `kinematics` against k, computed here from the same file.
#[test]
fn kinematics_json_is_reproduced_by_k() {
    let cases = [
        (
            "urdf/panda.urdf",
            "panda_hand",
            "0.1,-0.5,0.3,-2.0,0.2,1.6,0.7",
        ),
        (
            "urdf/kuka_iiwa14.urdf",
            "iiwa_link8",
            "0.4,0.6,-0.2,-1.1,0.5,0.8,-0.3",
        ),
        (
            "urdf/kinova_gen3.urdf",
            "gen3_link8",
            "0.3,0.9,-1.0,1.4,0.2,-0.7,2.0",
        ),
    ];
    for (file, tip, q) in cases {
        let (code, stdout, stderr) =
            armtutor(&["kinematics", file, "--q", q, "--tip", tip, "--json"]);
        assert_eq!(code, 0, "{stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
        assert_eq!(v["schema"], "armtutor.kinematics/1");
        let qv: Vec<f64> = q.split(',').map(|s| s.parse().expect("number")).collect();
        let kc = k::Chain::<f64>::from_urdf_file(file).expect("k reads it");
        let serial = k::SerialChain::from_end(kc.find_link(tip).expect("tip"));
        serial.set_joint_positions(&qv).expect("in limits");
        serial.update_transforms();
        // Every link's pose.
        for link in v["links"].as_array().expect("links") {
            let name = link["name"].as_str().expect("name");
            let Some(node) = kc.find_link(name) else {
                continue;
            };
            let Some(t) = node.world_transform() else {
                continue;
            };
            let m = t.to_homogeneous();
            for r in 0..4 {
                for c in 0..4 {
                    let ours = link["pose"][r][c].as_f64().expect("number");
                    assert!((ours - m[(r, c)]).abs() < 1e-9, "{file} {name} [{r}][{c}]");
                }
            }
        }
        let kj = k::jacobian(&serial);
        for r in 0..6 {
            for c in 0..7 {
                let ours = v["jacobian"]["base_frame"][r][c].as_f64().expect("number");
                assert!((ours - kj[(r, c)]).abs() < 1e-9, "{file} J[{r}][{c}]");
            }
        }
        // Singular values against an SVD computed here.
        let svd = kj.svd(false, false);
        let mut s: Vec<f64> = svd.singular_values.iter().copied().collect();
        s.sort_by(|a, b| b.total_cmp(a));
        for i in 0..6 {
            let ours = v["singular_values"][i].as_f64().expect("number");
            assert!(
                (ours - s[i]).abs() < 1e-9,
                "{file} σ{i}: {ours} vs {}",
                s[i]
            );
        }
        let w: f64 = s.iter().product();
        assert!((v["manipulability"].as_f64().expect("w") - w).abs() < 1e-9);
    }
}

#[test]
fn q_for_the_whole_robot_is_accepted() {
    let (code, stdout, stderr) = armtutor(&[
        "kinematics",
        "urdf/panda.urdf",
        "--q",
        "0,-0.3,0,-2.2,0,2,0.785,0.03",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("singular values"));
    assert!(stdout.contains("panda_leftfinger"));
}

#[cfg(feature = "sim")]
#[test]
fn passive_simulation_reports_joint_angles_over_time() {
    let q0 = "0,-0.3,0,-2.2,0,2,0.785,0.02";
    let (code, stdout, stderr) = armtutor(&[
        "simulate",
        "urdf/panda.urdf",
        "--passive",
        "--q0",
        q0,
        "--duration",
        "0.2",
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(v["schema"], "armtutor.passive/1");
    let samples = v["samples"].as_array().expect("samples");
    assert_eq!(samples.len(), 21, "t = 0, 0.01, …, 0.2");
    let last = &samples[20];
    assert!((last["t"].as_f64().expect("t") - 0.2).abs() < 1e-9);
    // The arm falls: the elbow (joint 4) moves under gravity.
    let q4 = last["q"][3].as_f64().expect("q4");
    assert!((q4 + 2.2).abs() > 0.01, "{q4}");
    for (args, needle) in [
        (
            vec!["simulate", "urdf/panda.urdf", "--passive", "--q0", "0,0"],
            "expected 8",
        ),
        (
            vec![
                "simulate",
                "urdf/panda.urdf",
                "--passive",
                "--q0",
                q0,
                "--duration",
                "-1",
            ],
            "--duration",
        ),
        (
            vec![
                "simulate",
                "urdf/panda.urdf",
                "--passive",
                "--q0",
                q0,
                "--rate",
                "nan",
            ],
            "--rate",
        ),
        (
            vec!["simulate", "/no/file.urdf", "--passive", "--q0", q0],
            "cannot read",
        ),
    ] {
        assert_one_line_error(&args, needle);
    }
}

#[cfg(feature = "sim")]
#[test]
fn pick_place_succeeds_in_both_modes() {
    // The bundled Panda (no file) with its fingers, and another arm with a suction cup at its
    // tool link.
    for arm in [None, Some("urdf/kuka_iiwa14.urdf")] {
        for mode in ["task", "joint"] {
            let mut args = vec!["simulate"];
            args.extend(arm);
            args.extend([
                "--task",
                "pick-place",
                "--seed",
                "1",
                "--mode",
                mode,
                "--json",
            ]);
            let (code, stdout, stderr) = armtutor(&args);
            assert_eq!(code, 0, "{stderr}");
            let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
            assert_eq!(v["schema"], "armtutor.pickplace/1");
            assert_eq!(v["success"], true, "{arm:?}, {mode}: {stdout}");
            assert!(v["time_to_success"].as_f64().expect("time") > 1.0);
        }
    }
    // One that cannot (two joints) says why in one line.
    let dir = tempfile::tempdir().expect("temp dir");
    let two = write(
        &dir,
        "two.urdf",
        r#"<robot name="two"><link name="a"/><link name="b"/><link name="c"/>
        <joint name="j1" type="revolute"><parent link="a"/><child link="b"/>
          <limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
        <joint name="j2" type="revolute"><parent link="b"/><child link="c"/><origin xyz="0 0 0.3"/>
          <axis xyz="0 1 0"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint></robot>"#,
    );
    assert_one_line_error(&["simulate", &two, "--task", "pick-place"], "6 or 7 joints");
    // A chosen tool link with too few joints above it, and one that is not there.
    assert_one_line_error(
        &["simulate", "--task", "pick-place", "--tool", "panda_link3"],
        "has 3",
    );
    assert_one_line_error(
        &["simulate", "--task", "pick-place", "--tool", "nope"],
        "no link named 'nope'",
    );
}

#[cfg(feature = "sim")]
#[test]
fn pick_place_trace_and_options() {
    let dir = tempfile::tempdir().expect("temp dir");
    let trace = dir.path().join("trace.csv");
    let trace_s = trace.display().to_string();
    let (code, stdout, stderr) = armtutor(&[
        "simulate",
        "--task",
        "pick-place",
        "--seed",
        "2",
        "--mode",
        "joint",
        "--chunk",
        "4",
        "--json",
        "--trace",
        &trace_s,
    ]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(v["success"], true);
    assert_eq!(v["chunk"], 4);
    assert!(v["rms_command_jerk"].as_f64().expect("jerk") > 0.0);
    let csv = std::fs::read_to_string(&trace).expect("trace written");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header[0], "t");
    assert!(header.contains(&"tau_panda_joint4") && header.contains(&"tool_qw"));
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() > 100);
    assert!(rows.iter().all(|r| r.split(',').count() == header.len()));
    // --steps stops early: the task cannot finish in 100 steps.
    let (code, stdout, _) = armtutor(&[
        "simulate",
        "--task",
        "pick-place",
        "--steps",
        "100",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(v["success"], false);
    assert_one_line_error(
        &["simulate", "--task", "pick-place", "--chunk", "0"],
        "--chunk",
    );
    assert_one_line_error(
        &[
            "simulate",
            "--task",
            "pick-place",
            "--trace",
            "/no/such/dir/t.csv",
        ],
        "cannot write",
    );
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Two point masses on two Y-axis hinges hanging down: the textbook planar double pendulum.
fn double_pendulum(m1: f64, m2: f64, l1: f64, l2: f64) -> String {
    format!(
        r#"<robot name="dp"><link name="base"/>
        <link name="upper"><inertial><origin xyz="0 0 {n1}"/><mass value="{m1}"/>
          <inertia ixx="0" ixy="0" ixz="0" iyy="0" iyz="0" izz="0"/></inertial></link>
        <link name="lower"><inertial><origin xyz="0 0 {n2}"/><mass value="{m2}"/>
          <inertia ixx="0" ixy="0" ixz="0" iyy="0" iyz="0" izz="0"/></inertial></link>
        <joint name="shoulder" type="continuous"><parent link="base"/><child link="upper"/><axis xyz="0 1 0"/></joint>
        <joint name="elbow" type="continuous"><parent link="upper"/><child link="lower"/>
          <origin xyz="0 0 {n1}"/><axis xyz="0 1 0"/></joint></robot>"#,
        n1 = -l1,
        n2 = -l2
    )
}

/// `dynamics --json` against the double pendulum's closed forms: rotating about +Y by q swings
/// a point at depth l to (−l sin q, ·, −l cos q), so V = −m₁gl₁cos q₁ − m₂g(l₁cos q₁ +
/// l₂cos(q₁+q₂)), g = ∂V/∂q, and M, C from the Lagrangian.
#[test]
fn dynamics_json_matches_the_double_pendulum_closed_form() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (m1, m2, l1, l2, g0) = (1.5, 0.8, 0.6, 0.4, 9.81);
    let file = write(&dir, "dp.urdf", &double_pendulum(m1, m2, l1, l2));
    for (q, qd, qdd) in [
        ([0.3, -0.7], [1.2, -0.5], [0.4, 2.0]),
        ([-1.9, 2.4], [-0.3, 1.7], [-1.1, 0.6]),
        ([0.0, 0.0], [0.0, 0.0], [0.0, 0.0]),
    ] {
        let s = |v: [f64; 2]| format!("{},{}", v[0], v[1]);
        let (code, stdout, stderr) = armtutor(&[
            "dynamics",
            &file,
            "--q",
            &s(q),
            "--qd",
            &s(qd),
            "--qdd",
            &s(qdd),
            "--json",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
        assert_eq!(v["schema"], "armtutor.dynamics/1");
        assert_eq!(v["joint_names"], serde_json::json!(["shoulder", "elbow"]));
        let c2 = q[1].cos();
        let m11 = m1 * l1 * l1 + m2 * (l1 * l1 + l2 * l2 + 2.0 * l1 * l2 * c2);
        let m12 = m2 * (l2 * l2 + l1 * l2 * c2);
        let m22 = m2 * l2 * l2;
        let g1 = (m1 + m2) * g0 * l1 * q[0].sin() + m2 * g0 * l2 * (q[0] + q[1]).sin();
        let g2 = m2 * g0 * l2 * (q[0] + q[1]).sin();
        let h = m2 * l1 * l2 * q[1].sin();
        let tau1 = m11 * qdd[0] + m12 * qdd[1] - h * (2.0 * qd[0] * qd[1] + qd[1] * qd[1]) + g1;
        let tau2 = m12 * qdd[0] + m22 * qdd[1] + h * qd[0] * qd[0] + g2;
        let close = |a: f64, b: f64, what: &str| {
            assert!(
                (a - b).abs() < 1e-9 * (1.0 + b.abs()),
                "{what}: {a} vs {b} at q {q:?}"
            );
        };
        let mm: Vec<Vec<f64>> = v["mass_matrix"]
            .as_array()
            .expect("rows")
            .iter()
            .map(numbers)
            .collect();
        close(mm[0][0], m11, "M11");
        close(mm[0][1], m12, "M12");
        close(mm[1][0], m12, "M21");
        close(mm[1][1], m22, "M22");
        let g = numbers(&v["gravity_torques"]);
        close(g[0], g1, "g1");
        close(g[1], g2, "g2");
        let tau = numbers(&v["inverse_dynamics"]);
        close(tau[0], tau1, "tau1");
        close(tau[1], tau2, "tau2");
        let ke = 0.5 * (m11 * qd[0] * qd[0] + 2.0 * m12 * qd[0] * qd[1] + m22 * qd[1] * qd[1]);
        close(v["kinetic_energy"].as_f64().expect("number"), ke, "T");
    }
}

/// On the bundled Panda: with q̇ = 0, τ − g = M q̈ (the two algorithms agree), M is symmetric,
/// and the text form lists every joint.
#[test]
fn dynamics_on_the_panda_is_consistent_and_bad_input_is_one_line() {
    let arm = "urdf/panda.urdf";
    let q = "0.1,-0.5,0.3,-2.0,0.2,1.6,0.7,0.02";
    let qdd = "0.5,-1,0.3,0.8,-0.2,1.1,0.4,0";
    let (code, stdout, stderr) = armtutor(&["dynamics", arm, "--q", q, "--qdd", qdd, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let mm: Vec<Vec<f64>> = v["mass_matrix"]
        .as_array()
        .expect("rows")
        .iter()
        .map(numbers)
        .collect();
    let (g, tau) = (
        numbers(&v["gravity_torques"]),
        numbers(&v["inverse_dynamics"]),
    );
    let a: Vec<f64> = qdd.split(',').map(|s| s.parse().expect("number")).collect();
    assert_eq!(mm.len(), 8);
    for r in 0..8 {
        let ma: f64 = (0..8).map(|c| mm[r][c] * a[c]).sum();
        assert!((tau[r] - g[r] - ma).abs() < 1e-9, "row {r}");
        for c in 0..8 {
            assert!(
                (mm[r][c] - mm[c][r]).abs() < 1e-12,
                "M symmetric at {r},{c}"
            );
        }
        assert!(mm[r][r] > 0.0);
    }
    assert_eq!(v["kinetic_energy"].as_f64(), Some(0.0));
    let (code, text, _) = armtutor(&["dynamics", arm, "--q", q]);
    assert_eq!(code, 0);
    for name in [
        "panda_joint1",
        "panda_joint7",
        "panda_finger_joint1",
        "M(q)",
    ] {
        assert!(text.contains(name), "{name} in {text}");
    }
    assert_one_line_error(&["dynamics", arm, "--q", "0,0,0"], "expected 8");
    assert_one_line_error(
        &["dynamics", arm, "--q", q, "--qd", "0,0,nan,0,0,0,0,0"],
        "--qd",
    );
    assert_one_line_error(&["dynamics", arm, "--q", q, "--qdd", "1,2"], "--qdd");
    assert_one_line_error(&["dynamics", "/no/such/file.urdf", "--q", "0"], "file.urdf");
}

// `simulate` writes the most (the core-only build has no simulator).
#[cfg(feature = "sim")]
#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    // Over 64 KB of JSON (the pipe's buffer) to a reader that has already gone, as with
    // `armtutor simulate ... | head -c 100`: the write fails with a broken pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_armtutor"))
        .args([
            "simulate",
            "urdf/kuka_iiwa14.urdf",
            "--passive",
            "--q0",
            "0,0.5,0,-1,0,1,0",
            "--duration",
            "5",
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// Every command takes joint values in the same two forms (every movable joint, or the arm's
/// chain with the fingers left at 0), and a count that fits neither names the joints each form
/// wants.
#[test]
fn joint_values_take_the_same_forms_in_every_command() {
    let arm = "urdf/panda.urdf";
    let seven = "0,-0.3,0,-2.2,0,2,0.8";
    let eight = "0,-0.3,0,-2.2,0,2,0.8,0";
    for q in [seven, eight] {
        for args in [
            vec!["kinematics", arm, "--q", q, "--json"],
            vec!["dynamics", arm, "--q", q, "--json"],
            vec!["dynamics", arm, "--q", q, "--qd", q, "--qdd", q, "--json"],
        ] {
            let (code, _, stderr) = armtutor(&args);
            assert_eq!(code, 0, "{args:?}: {stderr}");
        }
    }
    // The seven-value form is the eight-value one with the finger at 0.
    let json = |q: &str| armtutor(&["dynamics", arm, "--q", q, "--json"]).1;
    assert_eq!(json(seven), json(eight));
    #[allow(unused_mut)]
    let mut wrong = vec![
        vec!["kinematics", arm, "--q", "0,0,0"],
        vec!["dynamics", arm, "--q", "0,0,0"],
        vec!["dynamics", arm, "--q", seven, "--qd", "0,0"],
    ];
    #[cfg(feature = "sim")]
    wrong.push(vec!["simulate", arm, "--passive", "--q0", "0,0"]);
    for args in wrong {
        let (code, _, err) = armtutor(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        for needle in [
            "expected",
            "7 (the chain to",
            "panda_joint1",
            "panda_joint7",
            "8 (every movable joint: the chain's and panda_finger_joint1)",
        ] {
            assert!(err.contains(needle), "{args:?}: {needle} not in {err}");
        }
    }
}
