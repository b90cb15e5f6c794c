//! The real app, rendered headless: `armtutor --screenshot` under Xvfb with Mesa's software
//! Vulkan (`.ci/run` installs both). The image must show the scene: not blank, and clearly
//! different from the same stage with an empty robot.

#![cfg(feature = "app")]
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

const EMPTY_ROBOT: &str = r#"<robot name="empty"><link name="base"/></robot>"#;

fn xvfb_run() -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("xvfb-run"))
            .find(|p| p.is_file())
    })
}

/// Runs the app under Xvfb and returns the screenshot's pixels (RGB) and size.
fn shoot(dir: &Path, name: &str, extra: &[&str]) -> (Vec<u8>, u32, u32) {
    let out = dir.join(name);
    let xvfb = xvfb_run().unwrap_or_else(|| {
        panic!("xvfb-run is missing: install Debian's xvfb and mesa-vulkan-drivers (.ci/run does)")
    });
    let mut args: Vec<String> = vec![
        "-a".into(),
        "-s".into(),
        "-screen 0 1280x720x24".into(),
        env!("CARGO_BIN_EXE_armtutor").into(),
        "--screenshot".into(),
        out.display().to_string(),
        "--frames".into(),
        "12".into(),
        "--size".into(),
        "960x540".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let result = Command::new(xvfb)
        .args(&args)
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        result.status.success(),
        "armtutor {extra:?} failed ({}): {stderr}",
        result.status
    );
    let bytes = std::fs::read(&out).unwrap();
    let image = bevy::image::Image::from_buffer(
        &bytes,
        bevy::image::ImageType::Extension("png"),
        bevy::image::CompressedImageFormats::NONE,
        true,
        bevy::image::ImageSampler::Default,
        bevy::asset::RenderAssetUsages::default(),
    )
    .unwrap();
    let rgba = image.clone().try_into_dynamic().unwrap().to_rgb8();
    (rgba.into_raw(), image.width(), image.height())
}

fn distinct_colors(px: &[u8]) -> usize {
    let mut set = std::collections::HashSet::new();
    for p in px.chunks_exact(3) {
        set.insert((p[0] >> 3, p[1] >> 3, p[2] >> 3));
    }
    set.len()
}

#[test]
fn the_screenshot_shows_the_arm_and_the_lessons() {
    if std::env::var_os("ARMTUTOR_SKIP_SCREENSHOT").is_some() {
        eprintln!("ARMTUTOR_SKIP_SCREENSHOT is set: not rendering");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.urdf");
    std::fs::write(&empty, EMPTY_ROBOT).unwrap();

    let (arm, w, h) = shoot(dir.path(), "arm.png", &["--lesson", "frames"]);
    assert_eq!((w, h), (960, 540), "the window size is --size");
    // Not blank: a lit 3D scene with panels has many colours.
    let colors = distinct_colors(&arm);
    assert!(colors > 200, "only {colors} colours: is it blank?");

    // In teach mode the drag handle's overlay camera draws over the 3D view; it once cleared
    // it: the table must be there.
    let (teach, ..) = shoot(dir.path(), "teach.png", &["--teach"]);
    let table = teach
        .chunks_exact(3)
        .filter(|p| {
            let (r, g, b) = (p[0], p[1], p[2]);
            (85..=150).contains(&r)
                && (65..=120).contains(&g)
                && (45..=95).contains(&b)
                && r > g
                && g > b
                && r - b >= 25
        })
        .count();
    assert!(
        table > 500,
        "only {table} table-brown pixels: is the 3D view drawn?"
    );

    let (stage, ..) = shoot(
        dir.path(),
        "empty.png",
        &["--urdf", empty.to_str().unwrap(), "--lesson", "frames"],
    );
    assert_eq!(stage.len(), arm.len());
    let changed = arm
        .chunks_exact(3)
        .zip(stage.chunks_exact(3))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let fraction = changed as f64 / (w * h) as f64;
    // The arm, its frames and the physics cube cover a few percent of the image at least.
    assert!(
        fraction > 0.02,
        "only {:.2}% of pixels differ from the empty stage",
        fraction * 100.0
    );

    // Every lesson, declared once, at the middle step of its guided sequence; one in 中文,
    // one in presenter mode.
    for (i, lesson) in armtutor::lessons::ALL.iter().enumerate() {
        let step = (lesson.steps.len() / 2 + 1).to_string();
        let mut args = vec!["--lesson", lesson.id, "--step", step.as_str()];
        match i % 3 {
            1 => args.extend(["--lang", "zh"]),
            2 => args.push("--presenter"),
            _ => {}
        }
        let (px, ..) = shoot(dir.path(), &format!("{}-step.png", lesson.id), &args);
        let colors = distinct_colors(&px);
        assert!(colors > 200, "{args:?}: only {colors} colours");
    }

    // The generative lesson: demonstrations recorded, samples drawn as teal (near side) and
    // orange ghost paths. Nothing else in the scene is teal.
    let (generative, ..) = shoot(
        dir.path(),
        "generative-free.png",
        &["--lesson", "generative"],
    );
    assert!(distinct_colors(&generative) > 200);
    let teal = generative
        .chunks_exact(3)
        .filter(|p| p[0] < 130 && p[1] > 150 && p[2] > 140 && p[1].abs_diff(p[2]) < 60)
        .count();
    assert!(
        teal > 300,
        "only {teal} teal pixels: no near-side samples drawn?"
    );
}

#[test]
fn bad_app_arguments_are_one_line_errors() {
    for (args, needle) in [
        (vec!["--lesson", "nope"], "unknown lesson"),
        (vec!["--size", "12x"], "WxH"),
        (vec!["--size", "10x10"], "64 to 16384"),
        (
            vec!["--graphics", "ultra"],
            "possible values: auto, full, light",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_armtutor"))
            .args(&args)
            .env("DISPLAY", ":none")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_armtutor"))
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("xvfb-run") && stderr.lines().count() == 1,
        "{stderr}"
    );
}

/// Runs `armtutor bench --frames 3` with `extra` under Xvfb.
fn bench_under_xvfb(extra: &[&str]) -> std::process::Output {
    let xvfb = xvfb_run().unwrap_or_else(|| panic!("xvfb-run is missing"));
    Command::new(xvfb)
        .args(["-a", "-s", "-screen 0 1280x720x24"])
        .arg(env!("CARGO_BIN_EXE_armtutor"))
        .args(["bench", "--frames", "3"])
        .args(extra)
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap()
}

/// `bench` without `--render` runs every lesson with no renderer: a row per lesson, and no
/// ERROR from Bevy's render plugins about the render world left out on purpose.
#[test]
fn the_bench_without_a_renderer_measures_every_lesson_quietly() {
    if std::env::var_os("ARMTUTOR_SKIP_SCREENSHOT").is_some() {
        return;
    }
    let out = bench_under_xvfb(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for lesson in armtutor::lessons::ALL {
        assert!(
            stdout.lines().any(|l| l.starts_with(lesson.id)),
            "{} missing from {stdout}",
            lesson.id
        );
    }
    assert!(!stderr.contains("ERROR"), "{stderr}");
    // The same as JSON, with its schema.
    let out = bench_under_xvfb(&["--json"]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "armtutor.bench/1");
    let lessons = doc["lessons"].as_array().unwrap();
    let ids: Vec<&str> = lessons
        .iter()
        .filter_map(|r| r["lesson"].as_str())
        .collect();
    let all: Vec<&str> = armtutor::lessons::ALL.iter().map(|l| l.id).collect();
    assert_eq!(ids, all, "{doc}");
    for row in lessons {
        assert_eq!(row["frames"], 3, "{row}");
        assert!(row["median_ms"].as_f64().is_some_and(|x| x > 0.0), "{row}");
    }
}
