//! How the app starts: the options the command line and a shared link both give (`--lesson`,
//! `--step`, `--lang`, … and `?lesson=…&step=…`), with their parsers. No Bevy here, so the
//! command line and the app both import it and neither imports the other.

use clap::Args;
use std::path::PathBuf;

/// How the app starts (ignored by the headless commands).
#[derive(Args, Debug, Clone, Default)]
pub struct AppArgs {
    /// Render `--frames` frames, write this PNG, and exit (works under Xvfb).
    #[arg(long, value_name = "OUT.png")]
    pub screenshot: Option<PathBuf>,
    /// Frames to render before the screenshot.
    #[arg(long, default_value_t = 60, requires = "screenshot")]
    pub frames: u32,
    /// Open this lesson (the command line's help lists them: see `crate::cli::command`).
    #[arg(long, value_name = "NAME")]
    pub lesson: Option<String>,
    /// Open the lesson at this guided step (1 is the first; PageDown / PageUp move on).
    #[arg(long, value_name = "N", value_parser = parse_step)]
    pub step: Option<usize>,
    /// Start the pick-and-place at this seed (the scene a shared link names).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Window size in logical pixels, e.g. 1280x720.
    #[arg(long, value_name = "WxH", value_parser = parse_size)]
    pub size: Option<(u32, u32)>,
    /// Start in presenter mode (large UI, minimal chrome, keyboard-driven; P toggles it).
    #[arg(long)]
    pub presenter: bool,
    /// Start in teach mode (joint sliders and the IK drag handle; T toggles it).
    #[arg(long)]
    pub teach: bool,
    /// Interface language.
    #[arg(long, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
    /// How much the 3D view draws: `full` (4x multisampling, the key light's shadows),
    /// `light` (neither: for software rendering), or `auto` (light on a software renderer).
    #[arg(long, value_enum, default_value_t = GraphicsArg::Auto)]
    pub graphics: GraphicsArg,
    /// A setting of the start lesson, as in a shared link (repeatable): `--param euler=ZYX
    /// --param angles=0,90,0`. Unknown keys and malformed values are ignored.
    #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// Open the glossary (F3), at this term if one is named: `--glossary skew`. An unknown
    /// term opens the glossary at its first entry, with a notice.
    #[arg(long, value_name = "TERM", num_args = 0..=1, default_missing_value = "")]
    pub glossary: Option<String>,
    /// Open the course map (F4): the lessons in order, what each needs and teaches.
    #[arg(long)]
    pub course_map: bool,
}

/// A guided step number, 1 to 99.
pub fn parse_step(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=99).contains(&n) => Ok(n),
        _ => Err(format!("step {s:?} is not a number from 1 to 99")),
    }
}

/// `KEY=VALUE`, the key non-empty.
pub fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("{s:?} is not KEY=VALUE (e.g. euler=ZYX)")),
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LangArg {
    /// English.
    #[default]
    En,
    /// 中文 (简体).
    Zh,
}

/// How much the 3D view draws (see `--graphics`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GraphicsArg {
    /// Light where the GPU is a software rasterizer, full otherwise.
    #[default]
    Auto,
    /// 4x multisampling and the key light's shadows.
    Full,
    /// Neither: several times fewer pixels shaded, for software rendering.
    Light,
}

/// Parses `WxH` (e.g. `1280x720`) into a window size, each side 64 to 16384 pixels.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let (w, h) = s
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("size {s:?} is not WxH (e.g. 1280x720)"))?;
    let side = |t: &str| -> Result<u32, String> {
        let v: u32 = t
            .trim()
            .parse()
            .map_err(|_| format!("size {s:?} is not WxH (e.g. 1280x720)"))?;
        if (64..=16384).contains(&v) {
            Ok(v)
        } else {
            Err(format!("size {s:?}: each side must be 64 to 16384 pixels"))
        }
    };
    Ok((side(w)?, side(h)?))
}
