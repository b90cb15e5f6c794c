//! English and 中文: every user-facing string comes from a string table, looked up by key at
//! run time so the language switches instantly (L). The app's own strings are [`TABLE`]; each
//! lesson adds its table when it is registered ([`add_strings`]).
//!
//! The fonts are subsets compiled into the binary (DejaVu for Latin, Greek and math, egui's
//! icons, Droid Sans Fallback for exactly the Chinese characters of this table), so the text
//! looks the same on the desktop and in the browser. After editing text outside ASCII, run
//! `python3 assets/fonts/subset.py` (a test fails until every character is covered).

use crate::sim::task::Phase;
use bevy::prelude::Resource;
use bevy_egui::egui;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The string for `key` in this language (the key itself if it is missing, so a gap is
    /// visible rather than fatal; a test keeps the table complete).
    pub fn t(self, key: &'static str) -> &'static str {
        lookup(self, key).unwrap_or(key)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }

    /// The language's own name, for the switch button.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }
}

/// A string table: key, English, 中文.
pub type Strings = &'static [(&'static str, &'static str, &'static str)];

type Index = HashMap<&'static str, (&'static str, &'static str)>;

/// The tables added by lessons (each lesson keeps its strings in its own folder).
static ADDED: RwLock<Option<Index>> = RwLock::new(None);

/// Adds a table to the lookup (a key already there keeps its first text; a test keeps keys
/// unique across tables).
pub fn add_strings(table: Strings) {
    let Ok(mut added) = ADDED.write() else { return };
    let index = added.get_or_insert_with(HashMap::new);
    for &(k, en, zh) in table {
        index.entry(k).or_insert((en, zh));
    }
}

pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    static INDEX: OnceLock<Index> = OnceLock::new();
    let index = INDEX.get_or_init(|| TABLE.iter().map(|&(k, en, zh)| (k, (en, zh))).collect());
    let pick = |&(en, zh): &(&'static str, &'static str)| match lang {
        Lang::En => en,
        Lang::Zh => zh,
    };
    if let Some(found) = index.get(key) {
        return Some(pick(found));
    }
    let added = ADDED.read().ok()?;
    added.as_ref()?.get(key).map(pick)
}

pub fn phase_key(p: Phase) -> &'static str {
    match p {
        Phase::Approach => "phase_approach",
        Phase::Descend => "phase_descend",
        Phase::Close => "phase_close",
        Phase::Lift => "phase_lift",
        Phase::Transport => "phase_transport",
        Phase::Lower => "phase_lower",
        Phase::Release => "phase_release",
        Phase::Retreat => "phase_retreat",
        Phase::Done => "phase_done",
    }
}

/// The proportional font: a subset of DejaVu Sans (see `assets/README.md`).
pub const SANS_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");
/// The monospace font (matrices and numbers): a subset of DejaVu Sans Mono.
pub const MONO_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono-subset.ttf");
/// The transport icons (⏵ ⏸ ⏭ 🖵 …), from egui's icon font.
pub const ICON_FONT: &[u8] = include_bytes!("../../assets/fonts/EguiIcons-subset.ttf");
/// The CJK subset font (see the module docs).
pub const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/DroidSansFallback-subset.ttf");

/// The app's fonts: egui's own are not built in (they would add 1.4 MB to the browser's
/// download), so each family is its DejaVu subset, then the icons, then the CJK subset.
pub fn fonts() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::empty();
    for (name, data) in [
        ("dejavu-sans", SANS_FONT),
        ("dejavu-sans-mono", MONO_FONT),
        ("egui-icons", ICON_FONT),
        ("droid-sans-fallback", CJK_FONT),
    ] {
        fonts.font_data.insert(
            name.into(),
            std::sync::Arc::new(egui::FontData::from_static(data)),
        );
    }
    let chain = |first: &[&str]| {
        first
            .iter()
            .chain(&["egui-icons", "droid-sans-fallback"])
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    fonts
        .families
        .insert(egui::FontFamily::Proportional, chain(&["dejavu-sans"]));
    fonts.families.insert(
        egui::FontFamily::Monospace,
        chain(&["dejavu-sans-mono", "dejavu-sans"]),
    );
    fonts
}

/// key, English, 中文.
pub const TABLE: &[(&str, &str, &str)] = &[
    // Transport and chrome.
    ("tally_placed", "placed", "放置成功"),
    ("tally_hit", "hit the post", "撞到立柱"),
    ("reset_tallies", "Reset counts", "清零计数"),
    ("play", "Play (Space)", "播放（空格）"),
    ("pause", "Pause (Space)", "暂停（空格）"),
    (
        "step",
        "Single step: one 50 ms control period (.)",
        "单步：前进一个 50 毫秒控制周期（.）",
    ),
    ("reset", "Reset this episode (R)", "重置本回合（R）"),
    ("speed", "Speed", "速度"),
    ("seed", "Seed", "随机种子"),
    ("task_space", "Δx actions", "Δx 动作"),
    (
        "task_space_tip",
        "The policy outputs tool motions Δx (translation + rotation vector); DLS IK turns them into joint motion (M)",
        "策略输出末端位姿增量 Δx（平移 + 旋转向量），由阻尼最小二乘逆运动学转换为关节运动（M）",
    ),
    ("joint_space", "Δq actions", "Δq 动作"),
    (
        "joint_space_tip",
        "The policy outputs joint motions Δq for the arm's joints directly (M)",
        "策略直接输出机械臂各关节的增量 Δq（M）",
    ),
    ("simulate", "Simulate", "仿真"),
    ("teach", "Teach", "示教"),
    (
        "teach_only",
        "Teach mode (the pick-and-place task cannot run on this robot)",
        "示教模式（该机器人无法运行抓放任务）",
    ),
    ("no_lesson", "No lesson", "不选课程"),
    ("switch_language", "Switch language (L)", "切换语言（L）"),
    (
        "presenter",
        "Presenter mode: large text, minimal chrome (P)",
        "演示模式：大字号、精简界面（P）",
    ),
    ("phase", "Phase", "阶段"),
    ("successes", "Successes", "成功次数"),
    ("success", "success", "成功"),
    ("failure", "failure", "失败"),
    ("place_error", "placed within", "放置误差"),
    ("phase_approach", "approach", "接近"),
    ("phase_descend", "descend", "下降"),
    ("phase_close", "close gripper", "闭合夹爪"),
    ("phase_lift", "lift", "抬起"),
    ("phase_transport", "transport", "搬运"),
    ("phase_lower", "lower", "放下"),
    ("phase_release", "release", "松开"),
    ("phase_retreat", "retreat", "撤回"),
    ("phase_done", "done", "完成"),
    ("notice_loaded", "Loaded", "已加载"),
    ("notice_loading", "Loading…", "加载中…"),
    (
        "notice_link_ignored",
        "Settings from the link not used:",
        "链接中的设置未用：",
    ),
    (
        "notice_urdf_error",
        "Could not load that URDF:",
        "无法加载该 URDF：",
    ),
    (
        "notice_geometry",
        "Some geometry cannot be shown:",
        "部分几何体无法显示：",
    ),
    ("notice_physics", "Physics:", "物理仿真："),
    (
        "notice_repaired",
        "This URDF loaded; what was repaired, assumed or left out:",
        "该 URDF 已加载；以下内容做了修复、设定或略过：",
    ),
    (
        "notice_repaired_close",
        "Hide these warnings",
        "隐藏这些警告",
    ),
    (
        "notice_teach_only",
        "The pick-and-place task cannot run on this robot:",
        "该机器人无法运行抓放任务：",
    ),
    // The arm panel.
    ("arm", "Arm", "机械臂"),
    ("tool_link", "Tool link", "工具连杆"),
    (
        "tool_link_tip",
        "The link the task and the overlays treat as the tool (chosen automatically: a TCP link by name, else the end of the arm)",
        "任务和叠加图把该连杆视为工具（自动选择：按名称找 TCP 连杆，否则取机械臂末端）",
    ),
    ("links", "links", "个连杆"),
    ("joint_now", "now", "当前"),
    ("geometry_show", "Show", "显示"),
    ("geometry_visual", "visual", "外观"),
    (
        "geometry_visual_tip",
        "The shapes the URDF gives for looking at (<visual>)",
        "URDF 中用于显示的形状（<visual>）",
    ),
    ("geometry_collision", "collision", "碰撞"),
    (
        "geometry_collision_tip",
        "The shapes the physics collides (<collision>), as green wireframes; mesh collision shapes are not simulated and not drawn",
        "物理仿真用来碰撞的形状（<collision>），以绿色线框显示；网格碰撞形状不参与仿真，也不显示",
    ),
    ("geometry_both", "both", "两者"),
    (
        "geometry_contacts",
        "Contacts with the cube",
        "与方块的接触",
    ),
    (
        "geometry_contacts_tip",
        "Where the arm touches the cube: a yellow dot on the arm's surface and the normal into the cube (at the moment shown)",
        "机械臂接触方块之处：机械臂表面上的黄点，以及指向方块内部的法线（所示时刻）",
    ),
    (
        "joint_type_tip",
        "its limits either side of the slider; click the value to type one; amber within 5 % of a limit",
        "滑块两侧为其限位；点击数值可直接输入；距限位 5 % 以内时显示为琥珀色",
    ),
    (
        "teach_hint",
        "Drag the sliders, or drag the handle at the tool: IK (damped least squares) follows.",
        "拖动滑块，或拖动末端的操纵手柄：逆运动学（阻尼最小二乘）会实时跟随。",
    ),
    ("self_motion", "Elbow (null space)", "肘部（零空间）"),
    (
        "self_motion_tip",
        "Moves the joints along (I − J⁺J)·e₃: the elbow swings, the tool stays where it is.",
        "沿 (I − J⁺J)·e₃ 移动关节：肘部摆动，末端保持不动。",
    ),
    ("ik_residual", "IK residual", "逆运动学残差"),
    (
        "self_motion_drift",
        "Tool drift during the null-space move (before IK correction)",
        "零空间运动中的末端漂移（逆运动学修正前）",
    ),
    // Shortcuts.
    ("shortcuts", "Keyboard and mouse", "键盘与鼠标"),
    (
        "key_help",
        "Show or hide this sheet (F1)",
        "显示或隐藏本页（F1）",
    ),
    (
        "key_play",
        "Play / pause the physics",
        "播放 / 暂停物理仿真",
    ),
    (
        "key_step",
        "One control period forward: a single physics step when paused, or the next moment of the timeline (Shift: one second)",
        "前进一个控制周期：暂停时单步物理仿真，或时间轴上的下一时刻（Shift：一秒）",
    ),
    (
        "key_back",
        "One control period back on the timeline (Shift: one second)",
        "时间轴后退一个控制周期（Shift：一秒）",
    ),
    (
        "key_branch",
        "Play on from the moment the timeline shows (the later moments are dropped)",
        "从时间轴所示时刻继续运行（其后的记录被舍弃）",
    ),
    (
        "key_screenshot",
        "Save a screenshot (PNG)",
        "保存截图（PNG）",
    ),
    (
        "timeline_back",
        "One control period back (,)",
        "后退一个控制周期（,）",
    ),
    (
        "timeline_forward",
        "One control period forward (.)",
        "前进一个控制周期（.）",
    ),
    (
        "timeline_scrub",
        "The last five minutes: drag to show any moment (arm, cube and readouts as they were)",
        "最近五分钟：拖动以查看任一时刻（机械臂、方块和读数都回到当时）",
    ),
    ("timeline_live", "Live", "实时"),
    ("timeline_lesson", "Lesson animation", "课程动画"),
    (
        "timeline_live_tip",
        "Back to the present of the running episode (Space plays it)",
        "回到正在运行的回合的当前时刻（空格键播放）",
    ),
    ("timeline_branch", "Play from here", "从此处运行"),
    (
        "timeline_branch_tip",
        "Go on from this moment: the physics restarts from the state shown, exactly (Enter)",
        "从此刻继续：物理仿真从所示状态精确地重新开始（Enter）",
    ),
    ("timeline_kept", "kept:", "已记录："),
    (
        "timeline_csv_tip",
        "Save the timeline as CSV (the columns of simulate --trace, one row per control period)",
        "将时间轴保存为 CSV（与 simulate --trace 相同的列，每个控制周期一行）",
    ),
    (
        "screenshot_tip",
        "Save a screenshot of the window (F12)",
        "保存窗口截图（F12）",
    ),
    (
        "key_pin",
        "A/B: pin a run and replay its seed beside it (again: unpin)",
        "A/B：固定一个回合并在其旁重放同一种子（再按：取消）",
    ),
    ("timeline_pin", "Pin for A/B", "固定以作 A/B 对比"),
    (
        "timeline_pin_tip",
        "Keep this run (the one shown, else the last finished) and replay its seed: it is drawn as a pink ghost beside the new run. Change a setting, then compare.",
        "保留这一回合（所示的，否则为上一个结束的）并以同一种子重放：它以粉色虚影画在新回合旁。改变某个设置后即可对比。",
    ),
    ("timeline_pinned", "A/B: pinned seed", "A/B：已固定种子"),
    (
        "timeline_pinned_tip",
        "The pinned run is the pink ghost arm and cube, at the same time into its run as the arm shown.",
        "固定的回合是粉色的虚影机械臂和方块，与所示机械臂处于回合中的同一时刻。",
    ),
    ("timeline_unpin", "Drop the pinned run", "取消固定"),
    (
        "key_profiler",
        "Frame time: frames per second and where each frame's time goes",
        "帧时间：每秒帧数及每帧时间的去向",
    ),
    (
        "key_glossary",
        "Glossary: every term, its definition and the step that teaches it",
        "术语表：每个术语、它的定义以及讲它的那一步",
    ),
    (
        "key_course_map",
        "Course map: the lessons in order, what each needs and what it teaches",
        "课程地图：按顺序列出各课，每课需要什么、讲什么",
    ),
    ("glossary", "Glossary", "术语表"),
    ("course_map", "Course map", "课程地图"),
    ("glossary_filter", "Find:", "查找："),
    ("glossary_none", "No term matches.", "没有匹配的术语。"),
    ("taught_in", "Taught in", "讲解于"),
    ("used_in", "Also used in", "也用于"),
    (
        "course_map_intro",
        "The lessons in teaching order. A lesson may use a term that another one teaches: each need opens the glossary there, and a step's card links straight to the step that teaches it.",
        "各课按教学顺序排列。一课可能用到另一课讲的术语：点需要的术语会打开术语表中的条目，步骤卡片上的链接则直接打开讲它的那一步。",
    ),
    (
        "course_map_open",
        "Open the lesson at its first step",
        "打开这一课的第一步",
    ),
    ("course_map_steps", "steps", "步"),
    ("needs", "Needs:", "需要："),
    ("teaches", "Teaches:", "讲解："),
    (
        "course_map_later",
        "↷ taught in a later lesson: open that step first, or read the glossary entry.",
        "↷ 表示在后面的课中讲到：可以先打开那一步，或先读术语表中的条目。",
    ),
    ("you_will_need", "You will need:", "你需要："),
    ("terms_here", "Terms:", "术语："),
    (
        "picture_cross",
        "ω × v is at right angles to both",
        "ω × v 与两者都垂直",
    ),
    (
        "picture_point",
        "point, w = 1: moved by p",
        "点，w = 1：随 p 平移",
    ),
    (
        "picture_direction",
        "direction, w = 0: not moved",
        "方向，w = 0：不平移",
    ),
    ("profiler_title", "Frame time", "帧时间"),
    ("profiler_fps", "frames/s", "帧/秒"),
    ("profiler_per_frame", "per frame", "每帧"),
    (
        "profiler_main",
        "main thread, First → Last",
        "主线程，First → Last",
    ),
    ("profiler_physics", "physics and input", "物理与输入"),
    ("profiler_kinematics", "kinematics", "运动学"),
    ("profiler_overlays", "overlays", "叠加图形"),
    ("profiler_ui", "interface (egui)", "界面（egui）"),
    (
        "profiler_other",
        "Bevy (transforms, rendering set-up)",
        "Bevy（变换、渲染准备）",
    ),
    (
        "profiler_note",
        "Means over the last 60 frames; the plot stacks the last 240 frames' phases. Rendering is not among the phases (it runs after Last: on a thread of its own on the desktop, on the same thread in the browser); the time per frame includes any wait for it.",
        "最近 60 帧的平均值；图中叠加显示最近 240 帧的各阶段。渲染不在这些阶段之内（它在 Last 之后运行：桌面版在单独的线程上，浏览器中在同一线程上）；每帧时间包含等待渲染的时间。",
    ),
    (
        "clip_tip",
        "Record a clip: the next seconds (set beside) as numbered PNG frames at 30 per second, in a new folder armtutor-clip-N (the README says how to make a video of them)",
        "录制短片：接下来的若干秒（在旁边设置）保存为每秒 30 帧的编号 PNG，放在新文件夹 armtutor-clip-N 中（README 说明如何制成视频）",
    ),
    (
        "key_clip",
        "Record a clip of the next seconds as PNG frames (desktop)",
        "将接下来的几秒录制为 PNG 帧序列（桌面版）",
    ),
    (
        "notice_clip_started",
        "Recording a clip into",
        "正在录制短片到",
    ),
    ("notice_clip_saved", "Clip saved:", "短片已保存："),
    ("plots_csv", "Plots CSV", "图表 CSV"),
    (
        "plots_csv_tip",
        "Save the lesson panel's plots as CSV: one row per point (plot, series, x, y)",
        "将课程面板中的图表保存为 CSV：每个数据点一行（图表、序列、x、y）",
    ),
    ("notice_saved", "Saved:", "已保存："),
    ("notice_not_saved", "Not saved:", "未保存："),
    ("key_reset", "Reset the episode", "重置本回合"),
    (
        "key_seed",
        "Next seed (a new cube placement)",
        "下一个随机种子（新的方块位置）",
    ),
    ("key_slower", "Slower (down to 0.1×)", "减速（最低 0.1×）"),
    ("key_faster", "Faster (up to 4×)", "加速（最高 4×）"),
    (
        "key_teach",
        "Switch between simulate and teach",
        "在仿真与示教之间切换",
    ),
    (
        "key_action_space",
        "Switch the policy's action space (Δx / Δq)",
        "切换策略的动作空间（Δx / Δq）",
    ),
    ("key_lang", "English / 中文", "English / 中文"),
    ("key_presenter", "Presenter mode", "演示模式"),
    ("key_hide", "Hide or show all panels", "隐藏或显示所有面板"),
    (
        "key_camera",
        "Camera back to the start view",
        "相机回到初始视角",
    ),
    (
        "key_handle",
        "Drag handle: move / rotate",
        "操纵手柄：平移 / 旋转",
    ),
    ("handle", "Handle (G):", "手柄（G）："),
    ("handle_move", "move", "平移"),
    ("handle_rotate", "rotate", "旋转"),
    ("key_no_lesson", "Close the lesson", "关闭课程"),
    ("key_lesson", "Open lesson 1, 2, …", "打开第 1、2……课"),
    ("key_next_step", "Next guided step", "下一步（引导）"),
    (
        "key_previous_step",
        "Previous guided step",
        "上一步（引导）",
    ),
    ("step_label", "Step", "步骤"),
    ("steps_start", "▶ Guided steps", "▶ 分步讲解"),
    (
        "steps_start_tip",
        "Walk through the lesson one idea at a time (PageDown or →)",
        "一次一个概念地走完本课（PageDown 或 →）",
    ),
    (
        "steps_next",
        "Next step (PageDown, →)",
        "下一步（PageDown、→）",
    ),
    (
        "steps_previous",
        "Previous step (PageUp, ←)",
        "上一步（PageUp、←）",
    ),
    (
        "steps_again",
        "Set this step's scene up again",
        "重新布置这一步的场景",
    ),
    (
        "steps_leave",
        "Leave the steps: explore freely",
        "退出分步：自由探索",
    ),
    ("try_this", "Try this:", "试一试："),
    ("mouse_left", "Left drag", "左键拖动"),
    ("mouse_orbit", "Orbit the camera", "环绕旋转相机"),
    ("mouse_right", "Right drag", "右键拖动"),
    ("mouse_pan", "Pan", "平移视角"),
    ("mouse_wheel", "Wheel", "滚轮"),
    ("mouse_zoom", "Zoom", "缩放"),
    ("drop_file", "Drop a .urdf", "拖入 .urdf 文件"),
    (
        "drop_file_tip",
        "Load another robot (meshes resolved next to the file, package:// too)",
        "加载其他机器人（网格路径相对该文件解析，支持 package://）",
    ),
    // Scenes, links and files.
    ("policy_scripted", "scripted", "脚本"),
    ("copy_link", "Copy link", "复制链接"),
    ("open_urdf", "Open URDF…", "打开 URDF…"),
    (
        "open_urdf_tip",
        "Choose a .urdf file (O); in the browser choose the mesh files it names (STL, OBJ, DAE) with it. Dropping the files on the window works too.",
        "选择一个 .urdf 文件（O）；在浏览器中请同时选择它引用的网格文件（STL、OBJ、DAE）。也可以把文件拖放到窗口上。",
    ),
    (
        "key_open_urdf",
        "Open a URDF (the system's file dialog; in the browser, the page's)",
        "打开 URDF（系统的文件对话框；浏览器中为页面的选择框）",
    ),
    ("notice_no_dialog", "No file dialog:", "没有文件对话框："),
];

/// The characters of `text` that the app's fonts cannot draw (per family), and any
/// combining mark: egui lays those out as separate glyphs (q̇ shows as q and a dot beside it),
/// so text uses precomposed letters or words instead. Tests call this for every string.
pub fn missing_glyphs(text: &str) -> std::collections::BTreeSet<(String, char)> {
    let ctx = egui::Context::default();
    ctx.set_fonts(fonts());
    ctx.run_ui(egui::RawInput::default(), |_| {})
        .textures_delta
        .clear();
    let mut missing = std::collections::BTreeSet::new();
    for c in text.chars() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            missing.insert(("combining mark".to_string(), c));
        }
    }
    // What the fonts of each family cover (egui's own `has_glyph` says no for every character
    // of the font that also holds the replacement glyph ◻, here DejaVu Sans).
    ctx.fonts_mut(|f| {
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            let covered = f.fonts.font(&family).characters().clone();
            for c in text.chars() {
                if !c.is_whitespace() && !covered.contains_key(&c) {
                    missing.insert((family.to_string(), c));
                }
            }
        }
    });
    missing
}

/// Every Rust file under `dir`, into `out` (for the tests that read the sources).
#[cfg(test)]
pub(crate) fn collect_rs(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The string keys named in the Rust files under `dirs` (relative to the crate): literal keys
/// passed to `t`, lesson titles, and keys named by prefix anywhere. For the tests that keep
/// the tables complete.
#[cfg(test)]
pub(crate) fn keys_used_in(dirs: &[&str]) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in dirs {
        collect_rs(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
            &mut files,
        );
    }
    assert!(!files.is_empty(), "no sources under {dirs:?}");
    let mut keys = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for pat in [".t(\"", "title: \"", "\"key_", "\"notice_", "\"policy_"] {
            for (i, _) in text.match_indices(pat) {
                let start = if pat.starts_with('"') {
                    i + 1
                } else {
                    i + pat.len()
                };
                let key: String = text[start..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !matches!(key.as_str(), "armtutor" | "key_" | "notice_" | "policy_") {
                    keys.push((f.display().to_string(), key));
                }
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_are_filled() {
        let mut keys: Vec<&str> = TABLE.iter().map(|r| r.0).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys");
        for (k, en, zh) in TABLE {
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{k}");
        }
    }

    /// Every key the app's own code asks for is in the table (a missing one would show as its
    /// key); the lessons check theirs against their tables.
    #[test]
    fn every_key_used_in_the_source_exists() {
        let missing: Vec<_> = keys_used_in(&["src/app", "src/kit"])
            .into_iter()
            .filter(|(_, key)| lookup(Lang::En, key).is_none())
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
    }

    /// The fonts egui will use have a glyph for every character of every string.
    #[test]
    fn every_character_has_a_glyph() {
        let text: String = TABLE
            .iter()
            .flat_map(|(_, en, zh)| [*en, *zh])
            .chain(["⏸⏵⏴⏭⟲🖵📷×◻−·中文"])
            .collect();
        let missing = missing_glyphs(&text);
        assert!(
            missing.is_empty(),
            "no glyph for {missing:?}: run `python3 assets/fonts/subset.py`"
        );
    }
}
