//! The curved-spaces lesson as a guided sequence: the Jacobian's determinant as an area
//! scale, Newton's method, the exponential map, BCH, the duality of twists and wrenches, the
//! rigid body's equation of motion, and what a policy's rotation actions owe to all of it.

use super::overlays::{BODY_AT, EXP_AT};
use crate::kit::{Shot, SimSetup, Step, tr};

const ARM: Shot = Shot {
    target: [0.3, 0.0, 0.4],
    distance: 1.8,
    yaw: 0.9,
    pitch: 0.3,
};
const EXP: Shot = Shot {
    target: EXP_AT,
    distance: 0.9,
    yaw: 0.6,
    pitch: 0.35,
};
const BODY: Shot = Shot {
    target: BODY_AT,
    distance: 1.1,
    yaw: 1.1,
    pitch: 0.35,
};

/// The Panda at rest in its ready pose, where the inverse kinematics starts.
const READY_TEACH: SimSetup = SimSetup {
    teach: Some(true),
    q: Some(&crate::robot::panda::READY),
    ..SimSetup::NONE
};

pub const STEPS: &[Step] = &[
    Step {
        title: tr("The Jacobian scales area", "雅可比缩放面积"),
        body: tr(
            "Each cell of the grid is 10° × 10° of the two joints, mapped into the plane by the arm. Its area there is |det J| times its joint area, and det J = l₁l₂ sin q₂. Where sin q₂ = 0 the cells flatten into lines: the tip cannot move across them.",
            "网格的每个格子是两个关节的 10° × 10°，经由机械臂映射到平面上。它在平面上的面积等于 |det J| 乘以关节空间面积，而 det J = l₁l₂ sin q₂。在 sin q₂ = 0 处格子被压成线：末端无法横穿这条线运动。",
        ),
        formula: "area ≈ |det J| Δq₁Δq₂,   det J = l₁ l₂ sin q₂",
        try_this: tr(
            "Drag q₂ towards 0°: the amber cell thins to a sliver and the measured area per rad² follows l₁l₂|sin q₂| down to zero.",
            "把 q₂ 拖向 0°：琥珀色格子变成细条，每 rad² 的实测面积随 l₁l₂|sin q₂| 一起降到零。",
        ),
        shot: ARM,
        params: &[("section", "area"), ("q1", "30"), ("q2", "60")],
        sim: SimSetup::NONE,
    },
    Step {
        title: tr("Newton: follow the tangent", "牛顿法：沿切线走"),
        body: tr(
            "Newton's method replaces the curve by its tangent at x and jumps to the tangent's zero. Near the root the error is squared at each step, so the correct digits double. Far from it, a nearly flat tangent can throw the iterate anywhere.",
            "牛顿法在 x 处用切线代替曲线，跳到切线的零点。在根附近，每一步误差都被平方，正确的位数翻倍。离根较远时，几乎水平的切线会把迭代点甩到任何地方。",
        ),
        formula: "xₖ₊₁ = xₖ − f(xₖ) / f′(xₖ),   eₖ₊₁ ≈ C eₖ²",
        try_this: tr(
            "Press ▶ four times from x₀ = 3 and read the error column: 0.9, 0.27, 0.03, 6e-4, 2e-7. Then set x₀ to 0.82 and watch the first step fly off.",
            "从 x₀ = 3 出发按四次 ▶，看误差一列：0.9、0.27、0.03、6e-4、2e-7。再把 x₀ 设为 0.82，看第一步飞出去。",
        ),
        shot: ARM,
        params: &[("section", "newton"), ("x0", "3"), ("shown", "1")],
        sim: SimSetup::NONE,
    },
    Step {
        title: tr("Newton on the arm", "机械臂上的牛顿法"),
        body: tr(
            "Inverse kinematics is Newton's method: the pose error e plays f, the Jacobian J plays f′, and each step takes Δq = J⁺e, the shortest Δq that best solves J Δq = e (the Panda's J is 6 × 7: a line of solutions). The ghost arms are the iterates; near the solution the error is squared at each step, as on the curve.",
            "逆运动学就是牛顿法：位姿误差 e 相当于 f，雅可比 J 相当于 f′，每一步取 Δq = J⁺e，即最能满足 J Δq = e 的解中最短的一个（Panda 的 J 是 6 × 7 的：解有一整条直线）。半透明的机械臂是各次迭代；在解附近，误差每一步都被平方，和曲线上一样。",
        ),
        formula: "Δq = J(qₖ)⁺ e(qₖ),   qₖ₊₁ = qₖ + Δq",
        try_this: tr(
            "Press ▶ with Newton: ‖e‖ goes 0.54, 0.10, 0.015, 6e-5, 3e-9. Switch to damped least squares: each step only divides it by about 4.",
            "选牛顿法按 ▶：‖e‖ 依次为 0.54、0.10、0.015、6e-5、3e-9。换成阻尼最小二乘：每一步只把它缩小约 4 倍。",
        ),
        shot: ARM,
        params: &[("section", "ik"), ("method", "newton"), ("iterate", "2")],
        sim: READY_TEACH,
    },
    Step {
        title: tr("Rotations integrate by exp", "旋转用 exp 积分"),
        body: tr(
            "A body turning at a constant rate ω in its own frame obeys Ṙ = R ω^, whose solution is R₀ exp(ω^ t). So R ← R exp(ω^ dt) integrates it exactly and stays a rotation. The same ω read as a world rate gives exp(ω^ t) R₀, a different motion.",
            "在自身坐标系中以恒定角速度 ω 转动的物体满足 Ṙ = R ω^，其解为 R₀ exp(ω^ t)。因此 R ← R exp(ω^ dt) 能精确积分，并始终是旋转矩阵。把同一个 ω 当作世界系角速度，得到 exp(ω^ t) R₀，是另一种运动。",
        ),
        formula: "Ṙ = R ω^   ⇒   R(t) = R₀ exp(ω^ t)",
        try_this: tr(
            "Press Turn: the teal path (body rate) and the orange one (world rate) part ways at once, while forward Euler's ‖RᵀR − I‖ keeps growing.",
            "按“转动”：青色路径（物体系角速度）和橙色路径（世界系角速度）立即分开，而前向欧拉的 ‖RᵀR − I‖ 不断增大。",
        ),
        shot: EXP,
        params: &[("section", "exp")],
        sim: SimSetup::NONE,
    },
    Step {
        title: tr(
            "exp(a)·exp(b) is not exp(a + b)",
            "exp(a)·exp(b) 不等于 exp(a + b)",
        ),
        body: tr(
            "Rotations do not commute, so their rotation vectors do not simply add. The error of a + b is about ½|a × b|, the first bracket of the Baker–Campbell–Hausdorff series. For a small b the left Jacobian fixes it to first order, which is how an update is added to an orientation.",
            "旋转不满足交换律，所以旋转向量不能简单相加。a + b 的误差约为 ½|a × b|，即 Baker–Campbell–Hausdorff 级数的第一个括号项。当 b 很小时，左雅可比可以一阶修正它，这正是把更新量加到姿态上的方法。",
        ),
        formula: "log(eᵃeᵇ) = a + b + ½ a×b + …",
        try_this: tr(
            "Set the angle between a and b to 0°: every error drops to zero. At 90° the naive error matches ½‖a × b‖ and the second-order term removes most of it.",
            "把 a 与 b 的夹角设为 0°：所有误差降为零。在 90° 时，直接相加的误差与 ½‖a × b‖ 相当，而二阶项消去了其中大部分。",
        ),
        shot: ARM,
        params: &[
            ("section", "bch"),
            ("a", "30"),
            ("b", "20"),
            ("between", "90"),
        ],
        sim: SimSetup::NONE,
    },
    Step {
        title: tr("Twists and wrenches are dual", "运动旋量与力旋量互为对偶"),
        body: tr(
            "A twist is a motion vector and a wrench a force vector; they change frame by X and by X* = X⁻ᵀ. Their one meaningful product is power, the same in every frame. The length of a twist adds m/s to rad/s and changes with the frame, so it means nothing.",
            "运动旋量是运动向量，力旋量是力向量；它们分别按 X 和 X* = X⁻ᵀ 变换坐标系。二者唯一有意义的乘积是功率，在任何坐标系下都相同。运动旋量的长度把 m/s 与 rad/s 相加，并随坐标系改变，因此没有意义。",
        ),
        formula: "P = Vᵀ F = (X V)ᵀ (X* F)",
        try_this: tr(
            "Slide frame B along y: the twist's numbers and its length change with every move, while the power stays at 3.2 W.",
            "沿 y 轴滑动坐标系 B：运动旋量的分量和长度随之改变，而功率始终是 3.2 W。",
        ),
        shot: ARM,
        params: &[("section", "spatial"), ("offset", "0.5")],
        sim: SimSetup::NONE,
    },
    Step {
        title: tr("The rigid body's equation", "刚体运动方程"),
        body: tr(
            "With no force, f = I a + v ×* I v = 0 moves a free body: the v ×* term is the body frame turning, so the momentum stays fixed in the world while the rates in the body change. Spun about its largest or smallest principal axis the slab keeps spinning. About the middle axis the smallest wobble grows and it tumbles.",
            "不受外力时，f = I a + v ×* I v = 0 决定自由刚体的运动：v ×* 项来自体坐标系自身的转动，因此体坐标系中的角速度变化时，动量在世界系中保持不变。绕最大或最小主轴旋转时，板保持稳定旋转。绕中间轴旋转时，最小的扰动也会增长，板开始翻滚。",
        ),
        formula: "f = I a + v ×* I v",
        try_this: tr(
            "Pick the middle moment and press Spin it: ω_y swings between +5 and −5 rad/s as the slab flips, while the energy drift stays below 1e-10.",
            "选中间主惯量并按“让它转起来”：板翻转时 ω_y 在 +5 与 −5 rad/s 之间摆动，而能量漂移始终低于 1e-10。",
        ),
        shot: BODY,
        params: &[("section", "body"), ("axis", "1")],
        sim: SimSetup::NONE,
    },
    Step {
        title: tr("Newton–Euler, link by link", "牛顿–欧拉，逐个连杆"),
        body: tr(
            "The recursive Newton–Euler algorithm finds the joint torques in two passes. Outward from the base it carries each link's velocity and acceleration; inward from the tip it adds up the force each joint must transmit, and reads each torque off as τ = Sᵀ f. At rest it gives g(q), what the controller adds to hold the arm.",
            "递归牛顿–欧拉算法用两遍求出关节力矩。向外从基座开始，逐个传递连杆的速度和加速度；向内从末端开始，累加每个关节必须传递的力，并由 τ = Sᵀ f 读出各关节力矩。静止时它给出 g(q)，即控制器为保持机械臂而加上的力矩。",
        ),
        formula: "out: aᵢ = Xᵢ aₚ + …    in: fₚ += Xᵢᵀ fᵢ,   τᵢ = Sᵢᵀ fᵢ",
        try_this: tr(
            "Press W to walk out: every amber arrow is 9.81 m/s² up. Walk back: the red force at the base grows to 165 N, the arm's weight, and τ₂ settles at −20.2 N·m.",
            "按 W 向外走：每个琥珀色箭头都是向上的 9.81 m/s²。再往回走：基座处的红色力增长到 165 N，即机械臂的重量，τ₂ 最终为 −20.2 N·m。",
        ),
        shot: ARM,
        params: &[("section", "rnea"), ("stage", "0")],
        sim: READY_TEACH,
    },
    Step {
        title: tr("Rotations in a policy's actions", "策略动作中的旋转"),
        body: tr(
            "A policy that outputs rotation changes composes them with exp, in the frame it was trained in: Δφ on the right is a body-frame change, on the left a world-frame one. Adding rotation vectors is exact only for parallel ones, and close only for small ones. Every section stays one tab away.",
            "输出旋转变化量的策略要用 exp 把它们复合起来，并且使用训练时的坐标系：Δφ 右乘是物体系的变化，左乘是世界系的变化。直接相加旋转向量只对平行的向量精确，对很小的向量才近似成立。每个部分都在一个标签页之内。",
        ),
        formula: "Rₖ₊₁ = Rₖ exp(Δφₖ^)",
        try_this: tr(
            "In exp map, turn for 2 s and compare the teal and orange dots: the same three numbers, applied on the other side, send the x axis elsewhere.",
            "在“指数映射”中转动 2 s，比较青色和橙色的点：同样的三个数，作用在另一侧，x 轴就指向了别处。",
        ),
        shot: EXP,
        params: &[("section", "exp")],
        sim: SimSetup::NONE,
    },
];
