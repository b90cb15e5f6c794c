//! The Jacobian lesson's strings (key, English, 中文), added to the app's table when the lesson
//! is registered.

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("lesson_jacobian", "The Jacobian", "雅可比矩阵"),
    ("sec_ellipsoids", "Ellipsoids", "椭球"),
    ("sec_columns", "Columns", "列向量"),
    ("sec_inverse", "J⁺", "J⁺"),
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
        "The full J, 6 rows × one column per joint (m/s and rad/s mixed; these figures depend on the unit of length):",
        "完整的 J，6 行 × 每个关节一列（m/s 与 rad/s 混在一起；这些数值依赖于长度单位）：",
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
        "columns_cut",
        "Only the first columns are drawn and listed; this robot has more joints than a table can show:",
        "只画出并列出前面的列；这个机器人的关节多于表格能显示的：",
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
        "penrose_intro",
        "A 6 × 7 J has many inverses in part. Ask for a tool twist V: each column is one matrix X, J⁺ or another one G, with how far it is from each of the four Penrose conditions (0 where it holds), then its joint speed X·V and whether that delivers V.",
        "6 × 7 的 J 有许多部分意义上的逆。给定末端运动旋量 V：每一列是一个矩阵 X（J⁺ 或另一个 G），给出它离四个 Penrose 条件各差多少（满足时为 0），然后是它的关节速度 X·V 以及它是否实现了 V。",
    ),
    (
        "penrose_note",
        "G = J⁺ + (I − J⁺J)·E·JJ⁺ (E: 4·I over zeros) meets the first three conditions and delivers V too, through a longer joint speed: it adds a motion of the null space, which the tool does not feel. Only the fourth condition rules it out; a definition of J⁺ by the first two alone names no single matrix. With six joints of full rank there is no null space and G = J⁺ = J⁻¹.",
        "G = J⁺ + (I − J⁺J)·E·JJ⁺（E 为 4·I 下接零块）满足前三个条件，也能实现 V，只是关节速度更长：它加上了零空间中的运动，这部分不会让工具动。只有第四个条件把它排除；只用前两个条件定义 J⁺，并不能确定唯一的矩阵。若有六个满秩的关节，就没有零空间，G = J⁺ = J⁻¹。",
    ),
    (
        "singularity_note",
        "λ switches on only when σ_min < 0.04 (λ² = (1 − (σ_min/0.04)²)·0.08²), so far from singularities both answers are the same. Drag the handle towards full stretch and watch the red bars.",
        "只有当 σ_min < 0.04 时才启用阻尼（λ² = (1 − (σ_min/0.04)²)·0.08²），所以远离奇异位形时两种解相同。把手柄拖向完全伸展的位置，观察红色柱条。",
    ),
    (
        "twist_intro",
        "A twist (v, ω) is a body's linear and angular velocity together; a wrench (f, τ) is a force and a torque together. Given at the tool, both are re-expressed in the base frame: twists with X = Ad_T, the 6×6 adjoint of the tool pose T = (R, p), [[R, [p]×R], [0, R]]; wrenches with X* = X⁻ᵀ. The power fᵀv + τᵀω comes out the same in both frames.",
        "运动旋量 (v, ω) 是刚体的线速度与角速度合在一起；力旋量 (f, τ) 是力与力矩合在一起。在末端给定后，两者都变换到基坐标系：运动旋量用 X = Ad_T，即末端位姿 T = (R, p) 的 6×6 伴随矩阵 [[R, [p]×R], [0, R]]；力旋量用 X* = X⁻ᵀ。功率 fᵀv + τᵀω 在两个坐标系中相同。",
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
];
