//! English and 中文: every user-facing string comes from [`TABLE`], looked up by key at run
//! time so the language switches instantly (L).
//!
//! The fonts are subsets compiled into the binary (DejaVu for Latin, Greek and math, egui's
//! icons, Droid Sans Fallback for exactly the Chinese characters of this table), so the text
//! looks the same on the desktop and in the browser. After editing text outside ASCII, run
//! `python3 assets/fonts/subset.py` (a test fails until every character is covered).

use crate::sim::policy::Phase;
use bevy::prelude::Resource;
use bevy_egui::egui;
use std::collections::HashMap;
use std::sync::OnceLock;

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

pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    static INDEX: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    let index = INDEX.get_or_init(|| TABLE.iter().map(|&(k, en, zh)| (k, (en, zh))).collect());
    index.get(key).map(|&(en, zh)| match lang {
        Lang::En => en,
        Lang::Zh => zh,
    })
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
        "The policy outputs joint motions Δq for the 7 joints directly (M)",
        "策略直接输出 7 个关节的增量 Δq（M）",
    ),
    ("simulate", "Simulate", "仿真"),
    ("teach", "Teach", "示教"),
    (
        "teach_only",
        "Teach mode (the pick-and-place task needs the bundled Panda)",
        "示教模式（抓放任务需要内置的 Panda 机械臂）",
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
        "notice_teach_only",
        "The pick-and-place task needs the bundled Panda: this robot opens in teach mode.",
        "抓放任务需要内置的 Panda 机械臂：该机器人以示教模式打开。",
    ),
    // The arm panel.
    ("arm", "Arm", "机械臂"),
    ("links", "links", "个连杆"),
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
        "Single step (one control period)",
        "单步（一个控制周期）",
    ),
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
    // Lesson: frames.
    (
        "lesson_frames",
        "Frames and transform chains",
        "坐标系与变换链",
    ),
    ("frame_camera", "camera (optical)", "相机（光学坐标系）"),
    ("frame_target", "cube", "方块"),
    ("triads", "Axes on every link", "每个连杆的坐标轴"),
    ("scale", "size", "大小"),
    ("link_names", "Link names", "连杆名称"),
    ("sec_chain", "T_ab·T_bc", "T_ab·T_bc"),
    ("sec_calibration", "Calibration", "标定"),
    ("sec_basis", "Basis vs coordinates", "基变换与坐标变换"),
    (
        "chain_intro",
        "Every link carries a frame (X red, Y green, Z blue). T_ab is frame b's pose written in frame a: its columns are b's axes and origin in a's coordinates. Pick three frames and the chain closes: T_ac = T_ab·T_bc, live while the arm moves.",
        "每个连杆都带有一个坐标系（X 红、Y 绿、Z 蓝）。T_ab 表示坐标系 b 在坐标系 a 中的位姿：它的各列就是 b 的坐标轴和原点在 a 中的坐标。任选三个坐标系，变换链闭合：T_ac = T_ab·T_bc，机械臂运动时实时成立。",
    ),
    (
        "order_matters",
        "The order matters: T_bc·T_ab is a different transform (rigid motions do not commute). A chain reads two ways: frames compose left to right (from a, move to b, then from b to c), while a point's coordinates are transformed right to left (T_bc takes p_c into b, then T_ab into a).",
        "顺序很重要：T_bc·T_ab 是另一个变换（刚体运动不满足交换律）。一条变换链有两种读法：坐标系从左往右复合（从 a 移到 b，再从 b 移到 c），而点的坐标从右往左变换（先由 T_bc 把 p_c 变到 b，再由 T_ab 变到 a）。",
    ),
    (
        "inverse_intro",
        "Going back is the inverse, in closed form: R becomes Rᵀ (orthonormal) and the origin becomes −Rᵀp. No general 4×4 inversion is needed.",
        "反方向就是求逆，而且有闭式解：R 变为 Rᵀ（正交矩阵），原点变为 −Rᵀp，无需一般的 4×4 矩阵求逆。",
    ),
    (
        "calibration_intro",
        "A camera on a stand sees the cube and measures T_cam_target. Calibration gives T_base_cam. A point P on the cube, known in the cube's frame, lands in the robot's base frame through the chain P_base = T_base_cam·T_cam_target·P. This is how a detection becomes a grasp target.",
        "支架上的相机看到方块，测得 T_cam_target；标定给出 T_base_cam。方块上一点 P（在方块坐标系中已知）经过变换链 P_base = T_base_cam·T_cam_target·P 得到它在机器人基坐标系中的位置。检测结果就是这样变成抓取目标的。",
    ),
    (
        "point_in_target",
        "Point P in the cube's frame (m):",
        "方块坐标系中的点 P（米）：",
    ),
    (
        "calibration_check",
        "P_base minus the cube's true pose applied to P (only rounding: here the camera's measurement is computed from the true poses, so this check cannot fail)",
        "P_base 与方块真实位姿作用于 P 的差（只有舍入误差：这里相机的测量值是由真实位姿算出来的，所以这项检查不可能失败）",
    ),
    (
        "calibration_inverted",
        "Use the inverse by mistake: T_cam_base where T_base_cam is meant",
        "误用逆矩阵：本该用 T_base_cam 的地方用了 T_cam_base",
    ),
    (
        "calibration_inverted_note",
        "A common bug: calibration files store one direction, code expects the other, and both are valid 4×4 transforms, so nothing reports an error. The red point is where the robot would reach for P.",
        "常见错误：标定文件存的是一个方向，代码要的是另一个方向，而两者都是合法的 4×4 变换，所以不会有任何报错。红点就是机器人会去抓 P 的位置。",
    ),
    (
        "optical_note",
        "The camera frame follows the ROS optical convention: z forward along the line of sight, x to the right of the image, y down. That is why its axes look rotated against the robot's.",
        "相机坐标系采用 ROS 光学约定：z 沿视线向前，x 指向图像右侧，y 向下。这就是它的坐标轴看起来与机器人坐标轴不同的原因。",
    ),
    (
        "basis_intro",
        "One point, two frames, two sets of coordinates. T_ab carries b-coordinates to a-coordinates: p_a = T_ab·p_b.",
        "同一个点，两个坐标系，两组坐标。T_ab 把 b 中的坐标变成 a 中的坐标：p_a = T_ab·p_b。",
    ),
    (
        "basis_columns",
        "The columns of R_ab are b's axes written in a (the basis change):",
        "R_ab 的各列是 b 的坐标轴在 a 中的表示（基变换）：",
    ),
    ("in", "in", "在"),
    (
        "basis_why",
        "Why inverses? T_ab describes how b's axes sit inside a (a change of basis). Coordinates go the other way: to find p_b from p_a you undo that placement, p_b = T_ab⁻¹·p_a = T_ba·p_a. Moving the axes one way moves the numbers the opposite way.",
        "为什么互为逆矩阵？T_ab 描述 b 的坐标轴在 a 中如何摆放（基变换）。坐标则反方向变化：要由 p_a 求 p_b，就要撤销这个摆放，p_b = T_ab⁻¹·p_a = T_ba·p_a。坐标轴往一个方向转，数值就往相反方向变。",
    ),
    // Lesson: the Jacobian.
    ("lesson_jacobian", "The Jacobian", "雅可比矩阵"),
    ("sec_ellipsoids", "Ellipsoids", "椭球"),
    ("sec_columns", "Columns", "列向量"),
    ("sec_singularity", "Singularity", "奇异位形"),
    ("sec_twist", "Twist & wrench", "运动旋量与力旋量"),
    (
        "ellipsoid_intro",
        "ẋ = J(q)·dq/dt. The tool point's velocity takes J's three linear rows, J_v. With J_v = UΣVᵀ, unit joint speeds (|dq/dt| ≤ 1) reach the velocity ellipsoid: semi-axes σᵢ·uᵢ of J_v. Long axes are easy directions, short ones hard.",
        "ẋ = J(q)·dq/dt。工具点的线速度只用到 J 的前三行 J_v。令 J_v = UΣVᵀ，单位关节速度（|dq/dt| ≤ 1）所能达到的末端速度构成速度椭球，半轴为 J_v 的 σᵢ·uᵢ。长轴方向容易运动，短轴方向困难。",
    ),
    (
        "velocity_ellipsoid",
        "Velocity ellipsoid (σᵢuᵢ of J_v)",
        "速度椭球（J_v 的 σᵢuᵢ）",
    ),
    (
        "force_ellipsoid",
        "Force ellipsoid (uᵢ/σᵢ, from τ = JᵀF)",
        "力椭球（uᵢ/σᵢ，由 τ = JᵀF 得到）",
    ),
    (
        "rotational_ellipsoid",
        "Rotational velocity ellipsoid",
        "角速度椭球",
    ),
    ("velocity_scale", "velocity scale", "速度比例"),
    ("force_scale", "force scale", "力比例"),
    (
        "sigma_translational",
        "Linear block J_v (J's top three rows), the blue ellipsoid's semi-axes, m/s per rad/s:",
        "线速度块 J_v（J 的前三行），即蓝色椭球的半轴，单位为每 rad/s 对应的 m/s：",
    ),
    (
        "sigma_rotational",
        "Angular block J_ω (J's bottom three rows), the purple ellipsoid's semi-axes, rad/s per rad/s:",
        "角速度块 J_ω（J 的后三行），即紫色椭球的半轴，单位为每 rad/s 对应的 rad/s：",
    ),
    (
        "sigma_units_note",
        "Why two sets: a 6-D \"length\" of (v, ω) adds m/s to rad/s, so it changes when metres become millimetres. Velocities and forces have no unit-free inner product of their own; only the pairing fᵀv + τᵀω (power) is free of units and frames.",
        "为什么分成两组：(v, ω) 的六维\"长度\"把 m/s 和 rad/s 加在一起，米换成毫米它就变了。速度和力各自没有与单位无关的内积；只有二者的配对 fᵀv + τᵀω（功率）与单位和坐标系都无关。",
    ),
    (
        "sigma_full",
        "The full 6×7 J (m/s and rad/s mixed; these figures depend on the unit of length):",
        "完整的 6×7 J（m/s 与 rad/s 混在一起；这些数值依赖于长度单位）：",
    ),
    ("manipulability", "w", "w"),
    ("condition_number", "κ", "κ"),
    (
        "ellipsoid_note",
        "w = √det(JJᵀ) is the ellipsoid's volume up to a constant; κ = σ_max/σ_min says how round it is (κ plotted up to 1000). The force ellipsoid is the velocity one turned inside out: the arm is strong where it is slow.",
        "w = √det(JJᵀ) 与椭球体积成正比；κ = σ_max/σ_min 表示椭球有多\"圆\"（图中 κ 截断于 1000）。力椭球是速度椭球的\"倒置\"：机械臂在运动慢的方向上出力大。",
    ),
    (
        "columns_intro",
        "Column i of J is the tool twist that joint i alone produces at unit speed: the lever ratio from that joint to the tool. The arrows show the linear part.",
        "J 的第 i 列是关节 i 以单位速度单独转动时末端产生的运动旋量，即该关节到末端的\"杠杆比\"。箭头显示其线速度部分。",
    ),
    (
        "show_columns",
        "Draw the columns at the tool",
        "在末端画出各列",
    ),
    (
        "columns_note",
        "A revolute column is (zᵢ × (p_tool − pᵢ), zᵢ): the farther the tool from the axis, the longer the arrow. Units: m/s and rad/s per rad/s.",
        "转动关节的列为 (zᵢ × (p_tool − pᵢ), zᵢ)：末端离转轴越远，箭头越长。单位：每 rad/s 对应的 m/s 和 rad/s。",
    ),
    (
        "linear_intro",
        "J is the derivative of the forward kinematics, so J_v·Δq predicts the tool point's motion only for small steps. Step one joint by Δq: the white dot is where the tool really goes, the cyan one the prediction; the gap grows as Δq².",
        "J 是正运动学的导数，所以 J_v·Δq 只能在小步长下预测工具点的运动。让一个关节走 Δq：白点是工具真正到达的位置，青色点是预测；两者的差距按 Δq² 增长。",
    ),
    ("linear_joint", "joint", "关节"),
    (
        "singularity_intro",
        "Ask for a tool twist V and solve for joint speeds. The pseudo-inverse J⁺V is exact but grows like 1/σ_min; damped least squares Jᵀ(JJᵀ + λ²I)⁻¹V stays bounded by |V|/(2λ) and gives up a little accuracy.",
        "给定末端运动旋量 V，求关节速度。伪逆 J⁺V 精确，但随 1/σ_min 增长；阻尼最小二乘 Jᵀ(JJᵀ + λ²I)⁻¹V 始终不超过 |V|/(2λ)，代价是略微损失精度。",
    ),
    ("demand", "Demand", "期望运动"),
    ("demand_weakest", "along u₆ of the full J", "沿完整 J 的 u₆"),
    ("demand_up", "up", "向上"),
    ("demand_forward", "forward", "向前"),
    (
        "ghosts",
        "Ghost arms 0.25 s ahead (red: J⁺, green: DLS)",
        "0.25 秒后的虚影机械臂（红：J⁺，绿：DLS）",
    ),
    (
        "go_singular",
        "Go near a singularity (wrist above the shoulder axis)",
        "移到奇异位形附近（腕部几乎位于肩部转轴正上方）",
    ),
    (
        "singularity_note",
        "λ switches on only when σ_min < 0.04 (λ² = (1 − (σ_min/0.04)²)·0.08²), so far from singularities both answers are the same. Drag the handle towards full stretch and watch the red bars.",
        "只有当 σ_min < 0.04 时才启用阻尼（λ² = (1 − (σ_min/0.04)²)·0.08²），所以远离奇异位形时两种解相同。把手柄拖向完全伸展的位置，观察红色柱条。",
    ),
    (
        "twist_intro",
        "A twist (v, ω) and a wrench (f, τ) given at the tool, re-expressed in the base frame: twists with X = Ad_T, wrenches with X* = X⁻ᵀ. The power fᵀv + τᵀω comes out the same in both frames.",
        "在末端给定运动旋量 (v, ω) 和力旋量 (f, τ)，变换到基坐标系：运动旋量用 X = Ad_T，力旋量用 X* = X⁻ᵀ。功率 fᵀv + τᵀω 在两个坐标系中相同。",
    ),
    (
        "twist_in_tool",
        "Twist in the tool frame (m/s, rad/s):",
        "末端坐标系中的运动旋量（m/s，rad/s）：",
    ),
    (
        "wrench_in_tool",
        "Wrench in the tool frame (N, N·m):",
        "末端坐标系中的力旋量（N，N·m）：",
    ),
    (
        "twist_note",
        "In the base frame v is the velocity of the body point at the base origin, not of the tool: that is what Ad_T's [p]×R block adds.",
        "在基坐标系中，v 是刚体上位于基座原点处那一点的速度，而不是末端的速度：这正是 Ad_T 中 [p]×R 块的作用。",
    ),
    (
        "joint_torques",
        "Joint torques with which the tool exerts this wrench, τ = JᵀF (N·m):",
        "末端施加该力旋量所需的关节力矩 τ = JᵀF（N·m）：",
    ),
    (
        "joint_torques_hold",
        "Joint torques that hold this wrench applied to the tool as a load, τ = −JᵀF (N·m):",
        "把该力旋量当作作用在末端上的负载来承受时所需的关节力矩 τ = −JᵀF（N·m）：",
    ),
    (
        "joint_torques_note",
        "Jᵀ maps a tool wrench to joint torques (power: dq/dtᵀτ = Vᵀ F). Some notes write the relation as F = Jᵀτ; that is wrong: the dimensions do not even match for a 7-joint arm.",
        "Jᵀ 把末端力旋量映射为关节力矩（功率相等：dq/dtᵀτ = VᵀF）。有些笔记把这个关系写成 F = Jᵀτ，这是错的：对 7 关节的机械臂来说，连维数都对不上。",
    ),
    // Lesson: rotations.
    (
        "lesson_rotations",
        "Rotations: Euler, quaternions, 6D",
        "旋转：欧拉角、四元数与 6D 表示",
    ),
    ("sec_gimbal", "Gimbal", "万向节"),
    ("sec_lost_axis", "Lost axis", "丢失的自由度"),
    ("sec_interp", "Interpolation", "插值"),
    ("sec_integration", "Integration", "积分"),
    ("sec_continuity", "Continuity", "连续性"),
    ("sequence", "Convention:", "约定："),
    ("proper_euler", "proper Euler", "经典欧拉角"),
    ("tait_bryan", "Tait–Bryan", "泰特–布莱恩角"),
    ("intrinsic", "intrinsic (moving axes)", "内旋（绕动轴）"),
    ("extrinsic", "extrinsic (fixed axes)", "外旋（绕定轴）"),
    (
        "gimbal_intro",
        "Three rings, one per angle: each ring is perpendicular to the world axis its angle turns about. The object rides on all three. Move the middle angle to its lock and watch the outer and inner rings become one.",
        "三个圆环，每个角度一个：每个圆环垂直于该角度所绕的世界坐标轴，物体由三个圆环共同带动。把中间角移到锁定位置，观察外环与内环合而为一。",
    ),
    ("gimbal_lock", "GIMBAL LOCK", "万向节锁"),
    ("no_lock", "no lock", "未锁定"),
    ("go_lock", "Go to the lock", "移到锁定位置"),
    (
        "e_sigma",
        "Singular values of E(θ), where ω = E(θ)·dθ/dt:",
        "E(θ) 的奇异值（ω = E(θ)·dθ/dt）：",
    ),
    (
        "gimbal_note",
        "At the lock two columns of E(θ) are parallel, so one singular value is zero: one direction of ω cannot be produced by any finite angle rates. The orientation itself is fine; only its description in these three angles breaks down.",
        "锁定时 E(θ) 有两列平行，因此一个奇异值为零：有一个方向的角速度无法由任何有限的角速率产生。姿态本身没有问题，只是用这三个角来描述它失效了。",
    ),
    (
        "lost_axis_intro",
        "Spin the object at a constant 30°/s about a world axis that carries it through the lock, and ask what rates each description needs.",
        "让物体以恒定的 30°/s 绕一个会经过锁定位置的世界轴旋转，看看每种描述需要怎样的变化率。",
    ),
    ("spin_start", "Spin through the lock", "旋转经过锁定位置"),
    ("spin_stop", "Stop", "停止"),
    (
        "lost_axis_note",
        "For this Tait–Bryan sequence (three different axes) the lock is at b = ±90°: the Euler rates E(θ)⁻¹ω grow like 1/cos b and are infinite there (plot clipped at 10 rad/s); the quaternion rate |dq/dt| = ½|ω| never changes. A controller or a network that outputs Euler rates fails exactly here.",
        "对这种泰特–布莱恩序列（三根轴各不相同），锁定发生在 b = ±90°：欧拉角速率 E(θ)⁻¹ω 按 1/cos b 增长，在那里为无穷大（图中截断于 10 rad/s）；四元数的变化率 |dq/dt| = ½|ω| 始终不变。输出欧拉角速率的控制器或网络恰恰在这里失效。",
    ),
    (
        "lost_axis_note_proper",
        "For this proper Euler sequence (first and last axes the same) the lock is at b = 0° and 180°: the Euler rates E(θ)⁻¹ω grow like 1/sin b and are infinite there (plot clipped at 10 rad/s); the quaternion rate |dq/dt| = ½|ω| never changes. A controller or a network that outputs Euler rates fails exactly here.",
        "对这种经典欧拉角序列（第一根轴与最后一根轴相同），锁定发生在 b = 0° 和 180°：欧拉角速率 E(θ)⁻¹ω 按 1/sin b 增长，在那里为无穷大（图中截断于 10 rad/s）；四元数的变化率 |dq/dt| = ½|ω| 始终不变。输出欧拉角速率的控制器或网络恰恰在这里失效。",
    ),
    (
        "interp_intro",
        "Four ways from orientation A to B, traced by the tip of the body x axis on a sphere. The default pair is a 50° turn that passes over ZYX's lock.",
        "从姿态 A 到 B 的四种插值，用物体 x 轴末端在球面上的轨迹表示。默认的一对姿态是经过 ZYX 锁定位置的 50° 转动。",
    ),
    ("set_a", "Sliders → A", "滑块 → A"),
    ("set_b", "Sliders → B", "滑块 → B"),
    ("near_lock_pair", "Pair across the lock", "跨越锁定的一对"),
    ("interp_euler", "Euler angles, linear", "欧拉角线性插值"),
    ("interp_slerp", "quaternion slerp", "四元数球面插值"),
    (
        "interp_sixd",
        "6D linear + Gram–Schmidt",
        "6D 线性插值 + 施密特正交化",
    ),
    (
        "interp_rotvec",
        "rotation vector, linear",
        "旋转向量线性插值",
    ),
    (
        "long_way",
        "Also slerp from −q: the long way round (double cover)",
        "同时显示从 −q 出发的球面插值：绕远路（双重覆盖）",
    ),
    (
        "speed_along_path",
        "Angular speed along each path (°/unit t):",
        "沿各路径的角速度（°/单位 t）：",
    ),
    (
        "misread",
        "The same four numbers read as [x,y,z,w] are off by",
        "同样四个数按 [x,y,z,w] 读取，误差为",
    ),
    (
        "interp_note",
        "Slerp is the geodesic at constant speed. q and −q are the same rotation: slerp must pick the sign with q_A·q_B ≥ 0 or it goes the long way. Mixing up w-first and w-last silently gives another rotation.",
        "球面插值是匀速的测地线。q 与 −q 表示同一个旋转：球面插值必须选择使 q_A·q_B ≥ 0 的符号，否则会绕远路。把 w 在前和 w 在后弄混，会悄无声息地得到另一个旋转。",
    ),
    (
        "integration_intro",
        "Integrate a constant body rate ω for 5 s: q ← q ⊗ [1, ½ω·dt] against the exact q ← q ⊗ exp(½ω·dt).",
        "对恒定的本体角速度 ω 积分 5 秒：q ← q ⊗ [1, ½ω·dt]，与精确的 q ← q ⊗ exp(½ω·dt) 对比。",
    ),
    ("int_exact", "exact exponential", "精确指数映射"),
    ("int_normalized", "first order, normalised", "一阶，归一化"),
    (
        "int_unnormalized",
        "first order, not normalised",
        "一阶，未归一化",
    ),
    ("int_no_half", "first order without the ½", "一阶，漏掉 ½"),
    ("angle_error", "angle error", "角度误差"),
    ("norm_error", "| |q| − 1 |", "| |q| − 1 |"),
    (
        "integration_note",
        "Normalising keeps |q| = 1 and leaves an error that falls with dt² ; without it |q| grows with every step. Dropping the ½ turns twice as fast: quaternions carry half angles.",
        "归一化使 |q| = 1，剩余误差随 dt² 减小；不归一化则 |q| 每一步都在增长。漏掉 ½ 会转快一倍：四元数携带的是半角。",
    ),
    (
        "continuity_intro",
        "One smooth full turn about a fixed axis, written as Euler angles, as a quaternion with w ≥ 0, and in 6D. A network regressing these targets must fit every jump.",
        "绕固定轴平滑地转一整圈，分别写成欧拉角、w ≥ 0 的四元数和 6D 表示。回归这些目标的网络必须拟合其中的每一次跳变。",
    ),
    (
        "continuity_note",
        "Euler angles wrap at ±180°, and the w ≥ 0 quaternion flips sign at 180°: both jump while the rotation moves smoothly. The 6D representation (two columns of R) is continuous, which is why it is used as a learning target.",
        "欧拉角在 ±180° 处回绕，w ≥ 0 的四元数在 180° 处变号：姿态平滑变化时它们却发生跳变。6D 表示（R 的两列）是连续的，这正是它被用作学习目标的原因。",
    ),
    ("sec_arm", "On the arm", "在机械臂上"),
    (
        "arm_demo_intro",
        "The Panda holds its tool at one point while the tool turns 60° from pointing forward-down to forward-up, through ZYX pitch −90°. Two tracking controllers: feedforward of the target's motion plus feedback, written once with Euler angles (ω = E(θ)·(dθ*/dt + K·Δθ)) and once with the rotation vector.",
        "Panda 保持末端位置不变，让末端从朝前下方转 60° 到朝前上方，途经 ZYX 俯仰角 −90°。两个跟踪控制器：目标运动的前馈加反馈，一个用欧拉角表示（ω = E(θ)·(dθ*/dt + K·Δθ)），一个用旋转向量表示。",
    ),
    ("arm_demo_run", "Run both controllers", "运行两个控制器"),
    (
        "play_euler",
        "Play the Euler controller",
        "播放欧拉角控制器",
    ),
    (
        "play_rotvec",
        "Play the rotation-vector controller",
        "播放旋转向量控制器",
    ),
    ("peak_joint_speed", "Peak joint speed", "关节速度峰值"),
    ("rotvec_controller", "rotation vector", "旋转向量"),
    (
        "arm_demo_note",
        "Where the target crosses the lock its Euler angles switch branch in one step (yaw and roll jump by 180°), so dθ*/dt is enormous for one control period: the Euler controller commands thousands of rad/s and the arm whips round before it recovers. The rotation-vector controller never sees the lock (plot clipped at 5 rad/s).",
        "目标经过锁定位置时，它的欧拉角在一步之内切换分支（偏航角和滚转角各跳变 180°），因此在一个控制周期内 dθ*/dt 极大：欧拉角控制器要求数千 rad/s 的关节速度，机械臂猛甩一圈后才恢复。旋转向量控制器根本感受不到锁定（图中截断于 5 rad/s）。",
    ), // Lesson: diffusion vs flow matching.
    (
        "lesson_generative",
        "Diffusion vs flow matching",
        "扩散模型与流匹配",
    ),
    (
        "gen_intro",
        "The scripted policy carries the cube round the purple post, on the near side (teal) or the far side (orange): two modes. Each transport is cut into action chunks, the next 12 tool positions. A generative policy turns noise into a chunk step by step; the ghost paths are 64 samples on their way, the faint trails follow each chunk's middle point through denoising time. Regression, trained on the same data, predicts the average of the modes (red): a path straight through the post.",
        "脚本策略把方块绕过紫色立柱搬运：从近侧（青色）或远侧（橙色）绕行，这就是两个模态。每次搬运被切成动作块，即接下来 12 个末端位置。生成式策略一步步把噪声变成动作块；半透明路径是正在去噪的 64 个样本，淡色轨迹记录每个动作块中点在去噪过程中的移动。用同样数据训练的回归模型只会预测各模态的平均（红色）：一条直穿立柱的路径。",
    ),
    (
        "gen_recording",
        "Recording the scripted demonstrations in physics…",
        "正在物理仿真中录制脚本演示……",
    ),
    ("gen_demos", "demonstrations", "条演示"),
    ("side_near", "near", "近侧"),
    ("side_far", "far", "远侧"),
    ("gen_chunk", "Action chunk", "动作块"),
    ("gen_field", "Denoiser:", "去噪器："),
    ("field_exact", "exact (mixture)", "精确（混合分布）"),
    ("field_network", "trained network", "训练的网络"),
    (
        "field_exact_note",
        "In closed form: the data are a Gaussian mixture around the demonstrated chunks (3 mm spread), weighted by how close each window's start is to the tool. So the predicted noise ε and the velocity v are exact, and the paths are the true ones.",
        "闭式解：数据是围绕演示动作块的高斯混合（扩展 3 mm），按每个窗口的起点与末端的距离加权。因此预测的噪声 ε 和速度 v 都是精确的，画出的路径就是真实路径。",
    ),
    (
        "field_network_note",
        "A 128-128 MLP with hand-written backpropagation learns the velocity v(x, τ, o) by flow matching; DDPM and DDIM use it through the predicted noise ε = x_τ − τ·v, where x_τ = (1−τ)·ε + τ·x₁ is the flow's point at time τ (a diffusion state x_t = √ᾱ·x₁ + √(1−ᾱ)·ε is rescaled to it: τ = √ᾱ/(√ᾱ + √(1−ᾱ))). A second MLP learns the chunk by plain mean-squared error: the regression baseline.",
        "一个 128-128 的多层感知机（手写反向传播）用流匹配学习速度场 v(x, τ, o)；DDPM 和 DDIM 通过预测噪声 ε = x_τ − τ·v 使用它，其中 x_τ = (1−τ)·ε + τ·x₁ 是流在时刻 τ 的位置（扩散状态 x_t = √ᾱ·x₁ + √(1−ᾱ)·ε 经缩放换算过来：τ = √ᾱ/(√ᾱ + √(1−ᾱ))）。另一个多层感知机用均方误差直接回归动作块：这就是回归基线。",
    ),
    ("train", "Train (4000 steps)", "训练（4000 步）"),
    (
        "untrained",
        "Not trained yet: the samplers use the exact field until training finishes.",
        "尚未训练完成：训练结束前采样器使用精确场。",
    ),
    ("train_step", "step", "步"),
    ("loss_flow", "log₁₀ flow-matching loss", "log₁₀ 流匹配损失"),
    ("loss_regression", "log₁₀ regression loss", "log₁₀ 回归损失"),
    ("fm_euler", "Flow (Euler)", "流匹配（欧拉）"),
    ("fm_heun", "Flow (Heun)", "流匹配（Heun）"),
    (
        "ddpm_note",
        "DDPM: predict the noise ε, remove a little of it, add fresh noise, 100 times. The paths wander before they settle. Its convention: x₀ is the data and x_T the noise, so t counts down towards the data.",
        "DDPM：预测噪声 ε，去掉一点，再加入新的噪声，重复 100 次。路径先四处游走，最后才落定。它的约定：x₀ 是数据，x_T 是噪声，所以 t 朝数据方向倒数。",
    ),
    (
        "ddim_note",
        "DDIM: the same trained ε, but deterministic jumps along a subsequence of K steps. Same convention as DDPM: x₀ is the data, x_T the noise.",
        "DDIM：同一个 ε 预测，但沿 K 步子序列做确定性跳跃。约定与 DDPM 相同：x₀ 是数据，x_T 是噪声。",
    ),
    (
        "fm_note",
        "Flow matching: follow the velocity v from noise (τ = 0) to data (τ = 1). The paths are nearly straight, so a few steps do, but not one: at τ = 0 the exact v is E[x₁] − x, so K = 1 lands every sample on the mean, the red regression through the post. (Some notes draw the noise at x₁ instead: here noise is at τ = 0 and data at τ = 1, the reverse of DDPM's x₀.)",
        "流匹配：沿速度场 v 从噪声（τ = 0）走到数据（τ = 1）。路径几乎是直线，所以几步就够，但一步不行：τ = 0 处精确的 v 等于 E[x₁] − x，K = 1 会把每个样本都送到均值上，也就是穿过立柱的红色回归路径。（有的笔记把噪声画在 x₁ 处；这里噪声在 τ = 0，数据在 τ = 1，与 DDPM 的 x₀ 相反。）",
    ),
    ("ddpm_steps", "T = 100 steps", "T = 100 步"),
    ("steps_k", "steps K", "步数 K"),
    (
        "cosine_schedule",
        "cosine schedule (else linear)",
        "余弦调度（否则为线性）",
    ),
    ("samples", "samples", "样本数"),
    ("denoise_step", "denoising step", "去噪步"),
    ("new_noise", "New noise", "新的噪声"),
    ("show_demos", "demos", "演示"),
    ("show_trails", "trails", "轨迹"),
    ("show_regression", "regression", "回归"),
    (
        "metric_straightness",
        "Straightness (length ÷ chord)",
        "直线度（路径长 ÷ 弦长）",
    ),
    (
        "metric_nearest",
        "Nearest demo (RMS)",
        "到最近演示的距离（RMS）",
    ),
    ("metric_coverage", "Modes covered", "覆盖的模态"),
    ("metric_regression", "Regression's miss", "回归的偏差"),
    (
        "pca_title",
        "The same paths, projected on the demonstrations' two principal components:",
        "同样的路径，投影到演示数据的两个主成分上：",
    ),
    (
        "policy_title",
        "Who carries the cube in physics:",
        "谁在物理仿真中搬运方块：",
    ),
    ("policy_scripted", "scripted", "脚本"),
    ("policy_generative", "sampled chunks", "采样动作块"),
    ("policy_regression", "regression", "回归"),
    (
        "policy_note",
        "A learned policy samples a chunk at the tool, executes its first 4 positions (white dots) and samples again: a receding horizon. It uses the sampler chosen above.",
        "学习到的策略在当前末端位置采样一个动作块，执行前 4 个位置（白点）后再重新采样：滚动时域。它使用上面选定的采样器。",
    ),
    ("tally_placed", "placed", "放置成功"),
    ("tally_hit", "hit the post", "撞到立柱"),
    ("reset_tallies", "Reset counts", "清零计数"),
    ("copy_link", "Copy link", "复制链接"),
    ("open_urdf", "Open URDF…", "打开 URDF…"),
    (
        "open_urdf_tip",
        "Choose a .urdf file and the mesh files it names (STL, OBJ, DAE), or drop them on the page",
        "选择一个 .urdf 文件及其引用的网格文件（STL、OBJ、DAE），或把它们拖放到页面上",
    ),
    (
        "policy_generative_exact",
        "sampled, exact field",
        "采样，精确场",
    ),
    (
        "policy_generative_network",
        "sampled, network",
        "采样，网络",
    ),
    (
        "policy_regression_exact",
        "regression, exact mean",
        "回归，精确均值",
    ),
    (
        "policy_regression_network",
        "regression, network",
        "回归，网络",
    ),
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

    /// Every key the code asks for is in the table (a missing one would show as its key).
    #[test]
    fn every_key_used_in_the_source_exists() {
        let mut missing = Vec::new();
        let mut files = Vec::new();
        for dir in ["src/app", "src/lessons"] {
            collect_rs(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir),
                &mut files,
            );
        }
        assert!(files.len() > 5);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            // Literal keys passed to `t`, lesson titles, and keys named by prefix anywhere.
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
                    if !matches!(key.as_str(), "armtutor" | "key_" | "notice_" | "policy_")
                        && lookup(Lang::En, &key).is_none()
                    {
                        missing.push(format!("{}: {key}", f.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "{missing:?}");
    }

    fn collect_rs(dir: std::path::PathBuf, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                collect_rs(p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    /// The fonts egui will use have a glyph for every character of every string.
    #[test]
    fn every_character_has_a_glyph() {
        let text: String = TABLE
            .iter()
            .flat_map(|(_, en, zh)| [*en, *zh])
            .chain(["⏸⏵⏭⟲🖵×◻中文"])
            .collect();
        let missing = missing_glyphs(&text);
        assert!(
            missing.is_empty(),
            "no glyph for {missing:?}: run `python3 assets/fonts/subset.py`"
        );
    }
}
