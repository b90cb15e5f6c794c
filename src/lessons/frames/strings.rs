//! The frames lesson's strings (key, English, 中文), added to the app's table when the lesson
//! is registered.

pub const STRINGS: &[(&str, &str, &str)] = &[
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
];
