use super::*;
use crate::robot::hostile;

fn panda() -> Model {
    Model::from_urdf_str(crate::robot::panda::URDF).unwrap()
}

/// The sliders span the real limits (the Panda's joint 6 goes to 3.75 rad, past π); only
/// an unbounded joint gets ±π.
#[test]
fn sliders_span_the_joint_limits() {
    let robot = Robot::new(panda());
    let (lo, hi) = robot.slider_range(5);
    assert!(
        (lo + 0.0175).abs() < 1e-9 && (hi - 3.7525).abs() < 1e-9,
        "{lo} {hi}"
    );
    let spin = Model::from_urdf_str(
        r#"<robot name="s"><link name="a"/><link name="b"/>
            <joint name="j" type="continuous"><parent link="a"/><child link="b"/></joint></robot>"#,
    )
    .unwrap();
    let pi = std::f64::consts::PI;
    assert_eq!(Robot::new(spin).slider_range(0), (-pi, pi));
}

#[test]
fn the_start_pose_is_inside_every_limit() {
    for model in [
        panda(),
        Model::from_urdf_str(include_str!("../../../urdf/kuka_iiwa14.urdf")).unwrap(),
    ] {
        let robot = Robot::new(model);
        for (&ji, q) in robot.model.dof_joints.iter().zip(&robot.q) {
            let (lo, hi) = robot.model.joints[ji].limits;
            assert!(*q >= lo && *q <= hi, "{}", robot.model.joints[ji].name);
        }
    }
}

#[test]
fn other_arms_start_bent_away_from_singularities() {
    for text in [
        include_str!("../../../urdf/kuka_iiwa14.urdf"),
        include_str!("../../../urdf/kinova_gen3.urdf"),
    ] {
        let robot = Robot::new(Model::from_urdf_str(text).unwrap());
        let kin = robot.kin.as_ref().unwrap();
        assert!(kin.manip.sigma_min() > 0.02, "{}", kin.manip.sigma_min());
    }
}

#[test]
fn the_panda_tool_is_its_tcp_and_kinematics_match_the_chain() {
    let robot = Robot::new(panda());
    assert_eq!(robot.model.links[robot.tool].name, "panda_tcp");
    let kin = robot.kin.as_ref().unwrap();
    let chain = robot.chain.as_ref().unwrap();
    assert_eq!(kin.q_chain.len(), 7);
    assert_eq!(kin.pose, chain.tip_pose(&kin.q_chain));
    let gap = (kin.pose.to_matrix() - robot.poses[robot.tool].to_matrix()).amax();
    assert!(gap < 1e-14, "{gap}");
    assert_eq!(kin.jacobian, chain.jacobian(&kin.q_chain));
}

#[test]
fn bad_configurations_are_refused() {
    let mut robot = Robot::new(panda());
    let before = robot.q.clone();
    assert!(!robot.set_q(&[0.0; 3]));
    let mut nan = before.clone();
    nan[2] = f64::NAN;
    assert!(!robot.set_q(&nan));
    assert!(!robot.set_chain_q(&[f64::INFINITY; 7]));
    assert_eq!(robot.q, before);
}

#[test]
fn an_upload_needs_one_urdf_and_says_what_is_wrong_in_one_line() {
    let iiwa = include_str!("../../../urdf/kuka_iiwa14.urdf")
        .as_bytes()
        .to_vec();
    let file = |n: &str, b: &[u8]| (n.to_string(), b.to_vec());
    // Every error is one line.
    let err = |files| {
        let e = read_upload(files).map(|_| ()).unwrap_err();
        assert!(!e.contains('\n'), "{e}");
        e
    };
    let e = err(vec![file("base.stl", b"solid")]);
    assert!(e.contains("no .urdf"), "{e}");
    let e = err(vec![file("a.urdf", &iiwa), file("b.urdf", &iiwa)]);
    assert!(e.contains("2 URDF files") && e.contains("b.urdf"), "{e}");
    let e = err(vec![file("arm.urdf", &[0xff, 0xfe, 0x00])]);
    assert!(e.contains("arm.urdf is not UTF-8"), "{e}");
    let e = err(vec![file("arm.urdf", b"<robot name='x'><link name='a'/>")]);
    assert!(e.starts_with("arm.urdf is not valid URDF"), "{e}");
    let (model, files) = read_upload(vec![
        file("IIWA.URDF", &iiwa),
        file("meshes/Base.STL", b"solid"),
    ])
    .unwrap();
    assert_eq!(model.name, "iiwa14");
    assert!(model.source_dir.is_none());
    let (name, bytes) = files.find("package://arm/meshes/base.stl").unwrap();
    assert_eq!((name, bytes), ("Base.STL", &b"solid"[..]));
    assert!(files.find("meshes\\other.stl").is_none());
}

#[test]
fn a_dropped_urdf_replaces_the_model_or_posts_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("iiwa.urdf");
    std::fs::write(&good, include_str!("../../../urdf/kuka_iiwa14.urdf")).unwrap();
    let bad = dir.path().join("bad.urdf");
    std::fs::write(&bad, "<robot name='x'><link name='a'/>").unwrap();
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(Robot::new(panda()))
        .add_plugins(RobotPlugin);
    app.world_mut().write_message(LoadUrdf::File(bad));
    settle_loading(&mut app);
    let notice = app.world().resource::<Notice>().text.clone().unwrap();
    assert!(!notice.contains('\n'), "{notice}");
    assert_eq!(app.world().resource::<Robot>().model.name, "panda");
    app.world_mut().write_message(LoadUrdf::File(good));
    settle_loading(&mut app);
    let robot = app.world().resource::<Robot>();
    assert_eq!(robot.model.name, "iiwa14");
    assert_eq!(robot.generation, 1);
    assert_eq!(robot.q.len(), 7);
}

/// A published file with a defect other tools pass over opens, with its repairs on the
/// model for the status area, and in the searched start pose.
#[test]
fn a_dropped_urdf_with_small_defects_opens_with_its_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("textured.urdf");
    let text = include_str!("../../../urdf/kuka_iiwa14.urdf").replacen(
        "</robot>",
        r#"<material name="paint"><color rgba="1 0.5 0 1"/><texture/></material></robot>"#,
        1,
    );
    std::fs::write(&path, text).unwrap();
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(Robot::new(panda()))
        .add_plugins(RobotPlugin);
    app.world_mut().write_message(LoadUrdf::File(path));
    settle_loading(&mut app);
    let robot = app.world().resource::<Robot>();
    assert_eq!(robot.model.name, "iiwa14");
    assert_eq!(robot.model.warnings.len(), 1, "{:?}", robot.model.warnings);
    assert!(robot.model.warnings[0].contains("'paint'"));
    assert_eq!(robot.q, crate::robot::start_pose::for_model(&robot.model).q);
}

/// Frames until the load under way (if any) has ended; the longest frame, in seconds.
pub(crate) fn settle_loading(app: &mut App) -> f64 {
    let mut longest: f64 = 0.0;
    for _ in 0..20_000 {
        let start = std::time::Instant::now();
        app.update();
        longest = longest.max(start.elapsed().as_secs_f64());
        if !app.world().resource::<Loading>().busy() {
            return longest;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    panic!("a load did not end");
}

/// While a robot loads, the frames go on with the robot there was, and the status line
/// says what is loading.
#[test]
fn a_load_runs_off_the_frame_and_the_old_robot_stays_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("iiwa.urdf");
    std::fs::write(&good, include_str!("../../../urdf/kuka_iiwa14.urdf")).unwrap();
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(Robot::new(panda()))
        .add_plugins(RobotPlugin);
    app.world_mut().write_message(LoadUrdf::File(good.clone()));
    app.update();
    assert!(app.world().resource::<Loading>().busy());
    let notice = app.world().resource::<Notice>();
    assert_eq!(notice.key, "notice_loading");
    assert!(notice.text.as_deref().unwrap_or("").contains("iiwa.urdf"));
    assert_eq!(app.world().resource::<Robot>().model.name, "panda");
    // Two requests while busy: the later one is what loads next.
    let bad = dir.path().join("bad.urdf");
    std::fs::write(&bad, "<robot name='x'><link name='a'/>").unwrap();
    app.world_mut().write_message(LoadUrdf::File(bad));
    app.world_mut().write_message(LoadUrdf::File(good));
    settle_loading(&mut app);
    let robot = app.world().resource::<Robot>();
    assert_eq!(robot.model.name, "iiwa14");
    assert_eq!(app.world().resource::<Notice>().key, "notice_loaded");
}

/// In the browser a load is stepped on the frame: a large file takes many frames, each
/// giving it a slice; the robot there was stays meanwhile, the status line counts up, and
/// what loads is what the desktop's thread loads.
#[test]
fn a_load_stepped_on_the_frame_takes_slices_and_ends_as_on_a_thread() {
    let dir = tempfile::tempdir().unwrap();
    let cases = hostile::write_all(dir.path());
    let big = cases.iter().find(|c| c.name == "chain_10000").unwrap();
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(Robot::new(panda()))
        .add_plugins(RobotPlugin);
    app.world_mut().resource_mut::<Loading>().on_the_frame = true;
    app.world_mut()
        .write_message(LoadUrdf::File(big.path.clone()));
    let mut frames = 0;
    let mut shown = Vec::new();
    loop {
        app.update();
        frames += 1;
        if !app.world().resource::<Loading>().busy() {
            break;
        }
        let notice = app.world().resource::<Notice>();
        if notice.key == "notice_loading" {
            assert_eq!(app.world().resource::<Robot>().model.name, "panda");
            let text = notice.text.clone().unwrap_or_default();
            let percent: u32 = text
                .rsplit(" · ")
                .next()
                .and_then(|p| p.trim_end_matches('%').parse().ok())
                .unwrap_or(0);
            shown.push(percent);
        }
        assert!(frames < 10_000, "the load did not end");
    }
    // A 3 MB file is parsed in 32 KB batches at most a slice's worth a frame: a test build
    // takes at least one batch a frame, never the whole file at once.
    assert!(frames > 3, "{frames} frames");
    assert!(shown.windows(2).all(|w| w[0] <= w[1]), "{shown:?}");
    assert!(shown.last().is_some_and(|&p| p >= 50), "{shown:?}");
    let stepped = app.world().resource::<Robot>();
    assert_eq!(app.world().resource::<Notice>().key, "notice_loaded");
    let threaded = Robot::new(Model::from_urdf_file(&big.path).unwrap());
    assert_eq!(stepped.model.dof(), 10_000);
    assert_eq!(stepped.q, threaded.q);
    assert_eq!(
        format!("{:?}", stepped.model),
        format!("{:?}", threaded.model)
    );
}

#[test]
fn a_load_slice_is_the_last_frame_kept_between_12_and_50_ms() {
    let ms = std::time::Duration::from_millis;
    assert_eq!(load_slice(ms(1)), ms(12));
    assert_eq!(load_slice(ms(16)), ms(16));
    assert_eq!(load_slice(ms(1000)), ms(50));
    assert_eq!(load_slice(std::time::Duration::ZERO), ms(12));
}

/// Every hostile file through the app's loader: each either loads (with its warnings) or
/// leaves the robot there was and says why in one line; nothing panics or hangs.
#[test]
fn hostile_files_load_or_leave_the_robot_with_one_line() {
    hostile_files_through_the_loader(false);
}

/// The same, each load stepped on the frame as in the browser.
#[test]
fn hostile_files_stepped_on_the_frame_load_or_leave_the_robot() {
    hostile_files_through_the_loader(true);
}

fn hostile_files_through_the_loader(on_the_frame: bool) {
    let dir = tempfile::tempdir().unwrap();
    let cases = hostile::write_all(dir.path());
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(Robot::new(panda()))
        .add_plugins(RobotPlugin);
    app.world_mut().resource_mut::<Loading>().on_the_frame = on_the_frame;
    let mut longest = (0.0, "");
    for case in &cases {
        let before = app.world().resource::<Robot>().generation;
        app.world_mut()
            .write_message(LoadUrdf::File(case.path.clone()));
        let frame = settle_loading(&mut app);
        if frame > longest.0 {
            longest = (frame, case.name);
        }
        let robot = app.world().resource::<Robot>();
        let notice = app.world().resource::<Notice>();
        let text = notice.text.clone().unwrap_or_default();
        assert!(
            !text.contains('\n') && text.len() < 600,
            "{}: {text}",
            case.name
        );
        if robot.generation == before {
            assert!(!case.loads, "{} should load: {text}", case.name);
            assert_eq!(notice.key, "notice_urdf_error", "{}", case.name);
        } else {
            assert_eq!(notice.key, "notice_loaded", "{}", case.name);
            assert_eq!(robot.q.len(), robot.model.dof(), "{}", case.name);
            if let Some(dof) = case.dof {
                assert_eq!(robot.model.dof(), dof, "{}", case.name);
            }
            assert!(robot.q.iter().all(|x| x.is_finite()), "{}", case.name);
            assert!(
                robot
                    .poses
                    .iter()
                    .all(|p| p.translation.iter().all(|x| x.is_finite())),
                "{}",
                case.name
            );
        }
    }
    eprintln!(
        "longest frame while loading: {:.3} s ({})",
        longest.0, longest.1
    );
}
