//! The Jacobian lesson as a guided sequence: the columns, the velocity and force ellipsoids,
//! the singularity and what the pseudo-inverse does there, the damped fix, twists and
//! wrenches in two frames, and why a policy that outputs tool motions cares.

use crate::kit::{Shot, SimSetup, Step, tr};

const READY: &[f64] = &crate::robot::panda::READY;
pub const NEAR_SINGULAR: &[f64] = &crate::robot::panda::NEAR_SINGULAR;

const TOOL: Shot = Shot {
    target: [0.35, 0.0, 0.4],
    distance: 1.3,
    yaw: 1.0,
    pitch: 0.3,
};
/// The whole arm near its singular pose, base off to the right of the step card, with
/// room below for the ghost arms the pseudo-inverse throws about.
const HIGH_TOOL: Shot = Shot {
    target: [-0.04, -0.16, 0.55],
    distance: 2.4,
    yaw: 0.7,
    pitch: 0.12,
};

/// Close to the tool, from the arm's side: joint 4 moves it in the x–z plane.
const TOOL_SIDE: Shot = Shot {
    target: [0.5, 0.0, 0.46],
    distance: 0.9,
    yaw: 0.0,
    pitch: 0.1,
};

const TEACH_READY: SimSetup = SimSetup {
    teach: Some(true),
    q: Some(READY),
    ..SimSetup::NONE
};
const TEACH_SINGULAR: SimSetup = SimSetup {
    teach: Some(true),
    q: Some(NEAR_SINGULAR),
    ..SimSetup::NONE
};

pub const STEPS: &[Step] = &[
    Step {
        title: tr("Each joint's share of the motion", "每个关节对运动的贡献"),
        body: tr(
            "The Jacobian J has one column per joint: the tool's velocity when that joint alone turns at 1 rad/s. The arrows J1…J7 are the linear parts (m/s). Any joint motion moves the tool by the weighted sum of the columns.",
            "雅可比矩阵 J 每个关节对应一列：只有该关节以 1 rad/s 转动时工具的速度。箭头 J1…J7 是其中的线速度部分（m/s）。任何关节运动带来的工具速度，都是这些列的加权和。",
        ),
        formula: "\\frac{dx}{dt} = J(q)·\\frac{dq}{dt} = J₁·\\frac{dq₁}{dt} + … + J₇·\\frac{dq₇}{dt}",
        try_this: tr(
            "Find J7: it is a dot. Joint 7 spins about an axis through the tool point, so it turns the tool without moving that point. Now drag joint 4 and watch J1…J6 swing.",
            "找到 J7：它只是一个点。关节 7 绕穿过工具点的轴转动，只让工具转、不让这个点移动。再拖动关节 4，看 J1…J6 怎样摆动。",
        ),
        shot: TOOL,
        params: &[
            ("section", "columns"),
            ("columns", "1"),
            ("dq", "0"),
            ("velocity", "0"),
            ("force", "0"),
            ("rotational", "0"),
            ("ghosts", "0"),
        ],
        sim: TEACH_READY,
    },
    Step {
        title: tr("A local linear approximation", "局部线性近似"),
        body: tr(
            "J is the derivative of the forward kinematics, so J_v·Δq predicts the tool point's motion exactly only for tiny steps. We linearize because p(q) is nonlinear, not because it is implicit: it is an explicit formula. Joint 4 steps by Δq: the white dot is where the tool goes, the cyan dot the prediction, and the gap grows as Δq².",
            "J 是正运动学的导数，所以 J_v·Δq 只有在极小的步长下才能准确预测工具点的运动。我们做线性化是因为 p(q) 是非线性的，而不是因为它是隐函数：它有显式的表达式。让关节 4 走 Δq：白点是工具真正到达的位置，青色点是预测，两者的差距按 Δq² 增长。",
        ),
        formula: "p(q + Δq) = p(q) + J_v·Δq + O(|Δq|²)",
        try_this: tr(
            "Double Δq from 0.2 to 0.4 rad: the error in mm roughly quadruples, and |error|/Δq² hardly changes.",
            "把 Δq 从 0.2 rad 加倍到 0.4 rad：以毫米计的误差大约变成四倍，而 |error|/Δq² 几乎不变。",
        ),
        shot: TOOL_SIDE,
        params: &[
            ("section", "columns"),
            ("columns", "0"),
            ("joint", "4"),
            ("dq", "0.2"),
            ("velocity", "0"),
            ("ghosts", "0"),
        ],
        sim: TEACH_READY,
    },
    Step {
        title: tr("The velocity ellipsoid", "速度椭球"),
        body: tr(
            "Push every joint speed vector of length 1 through J_v, the top three rows of J: the tool velocities fill an ellipsoid. Its semi-axes are σᵢuᵢ: the SVD J_v = UΣVᵀ sends a unit joint speed along vᵢ to σᵢuᵢ, with σᵢ the singular values (m/s per rad/s) and uᵢ the columns of U. Long axes are easy directions, short ones slow.",
            "把所有长度为 1 的关节速度向量都经过 J_v（J 的前三行）映射：得到的工具速度填满一个椭球。它的半轴是 σᵢuᵢ：奇异值分解 J_v = UΣVᵀ 把沿 vᵢ 的单位关节速度变成 σᵢuᵢ，σᵢ 是奇异值（单位是每 rad/s 对应的 m/s），uᵢ 是 U 的列。长轴方向容易动，短轴方向慢。",
        ),
        formula: "{ J_v·dq/dt : |dq/dt| ≤ 1 }:  σᵢ(J_v)·uᵢ",
        try_this: tr(
            "Drag the tool handle straight out, away from the base, as far as the arm will reach: at the edge of its reach the blue ellipsoid flattens to a disc, thin along the reach.",
            "把工具手柄径直向外拖、远离基座，一直拖到手臂够不着为止：在可达范围的边缘，蓝色椭球被压成一个圆盘，沿伸展方向很薄。",
        ),
        shot: TOOL,
        params: &[
            ("section", "ellipsoids"),
            ("velocity", "1"),
            ("force", "0"),
            ("rotational", "0"),
            ("columns", "0"),
            ("ghosts", "0"),
        ],
        sim: TEACH_READY,
    },
    Step {
        title: tr("The force ellipsoid", "力椭球"),
        body: tr(
            "Read backwards, J maps a force the tool exerts to the joint torques that produce it: τ = JᵀF (not F = Jᵀτ, as some notes write: the sizes do not even match). Unit joint torques give forces in the orange ellipsoid, with semi-axes uᵢ/σᵢ: long where the velocity ellipsoid is short. To hold an external load F_ext, the joints need τ = −JᵀF_ext.",
            "反过来读，J 把工具施加的力映射为产生它所需的关节力矩：τ = JᵀF（不是有些笔记写的 F = Jᵀτ；对七个关节来说连维数都对不上）。单位关节力矩能产生的力构成橙色椭球，半轴为 uᵢ/σᵢ：恰好在速度椭球短的方向上长。要承受外部负载 F_ext，关节需要 τ = −JᵀF_ext。",
        ),
        formula: "τ = Jᵀ·F:  uᵢ/σᵢ",
        try_this: tr(
            "Drag the handle out to the edge of the reach again: as the blue ellipsoid flattens, the orange one grows along the same axis. There the arm pushes hard outwards and hardly moves that way.",
            "再把手柄拖到可达范围的边缘：蓝色椭球变扁的同时，橙色椭球沿同一轴变长。在那里，手臂向外推得很有力，却几乎不能往那个方向动。",
        ),
        shot: TOOL,
        params: &[
            ("section", "ellipsoids"),
            ("velocity", "1"),
            ("force", "1"),
            ("rotational", "0"),
            ("columns", "0"),
            ("ghosts", "0"),
        ],
        sim: TEACH_READY,
    },
    Step {
        title: tr("One inverse among many", "许多逆中的一个"),
        body: tr(
            "A 6 × 7 J has no inverse, and many matrices undo it in part: J·G·J = J and G·J·G = G hold for a whole family, so a definition that stops at these two, as some notes do, names no single matrix. The two symmetry conditions pick one, J⁺: its J⁺V is the shortest joint speed that delivers V.",
            "6 × 7 的 J 没有逆，能部分抵消它的矩阵却有很多：J·G·J = J 和 G·J·G = G 对一大类矩阵都成立，所以像有些笔记那样只用这两个条件来定义，并不能确定唯一的矩阵。再加上两个对称条件才选出唯一的 J⁺：J⁺V 是实现 V 的最短关节速度。",
        ),
        formula: "JJ⁺J = J,  J⁺JJ⁺ = J⁺,  (JJ⁺)ᵀ = JJ⁺,  (J⁺J)ᵀ = J⁺J",
        try_this: tr(
            "In the panel's table, read both columns: J⁺ and G both deliver V (|J·dq/dt − V| near 1e-16), G's joint speed is longer, and only the fourth condition tells them apart.",
            "读面板表格中的两列：J⁺ 和 G 都实现了 V（|J·dq/dt − V| 接近 1e-16），G 给出的关节速度更长，只有第四个条件能把两者区分开。",
        ),
        shot: TOOL,
        params: &[("section", "inverse"), ("demand", "up"), ("ghosts", "0")],
        sim: TEACH_READY,
    },
    Step {
        title: tr("Near a singularity", "靠近奇异位形"),
        body: tr(
            "Here the wrist is almost above the shoulder axis, and one direction of tool motion is nearly impossible: the smallest singular value of J, σ_min in the panel, is close to zero. The pseudo-inverse divides by it, so a modest request (the white arrow) becomes a huge joint speed (the red ghost arm).",
            "此时手腕几乎位于肩部轴线正上方，工具在某个方向上几乎无法运动：J 的最小奇异值（面板中的 σ_min）接近零。伪逆要除以它，于是一个不大的速度请求（白色箭头）就变成巨大的关节速度（红色虚影手臂）。",
        ),
        formula: "\\frac{dq}{dt} = J⁺V = Σᵢ vᵢ·\\frac{uᵢᵀV}{σᵢ}",
        try_this: tr(
            "Read |dq/dt| for J⁺ in the panel, then drag joint 4 a little: as σ_min grows, the red bars shrink fast.",
            "读出面板中 J⁺ 的 |dq/dt|，然后稍微拖动关节 4：随着 σ_min 增大，红色柱子迅速变短。",
        ),
        shot: HIGH_TOOL,
        params: &[
            ("section", "singularity"),
            ("demand", "weakest"),
            ("ghosts", "1"),
            ("velocity", "1"),
            ("force", "0"),
            ("columns", "0"),
        ],
        sim: TEACH_SINGULAR,
    },
    Step {
        title: tr("Damped least squares", "阻尼最小二乘"),
        body: tr(
            "DLS replaces 1/σᵢ by σᵢ/(σᵢ² + λ²): joint speeds stay bounded, at the price of not quite delivering V near the singularity, so |J·dq/dt − V| grows. Here λ turns on below σ_min = 0.04. The green ghost arm is where DLS goes in 0.25 s.",
            "DLS 把 1/σᵢ 换成 σᵢ/(σᵢ² + λ²)：关节速度保持有界，代价是在奇异位形附近不能完全实现 V，|J·dq/dt − V| 变大。这里当 σ_min 低于 0.04 时 λ 才开启。绿色虚影手臂是 DLS 在 0.25 s 后到达的位置。",
        ),
        formula: "\\frac{dq}{dt} = Jᵀ(JJᵀ + λ²I)⁻¹V",
        try_this: tr(
            "Compare the red and green bars, then drag joint 4 away from the singularity: λ drops to 0 and the two answers become the same.",
            "比较红色与绿色的柱子，再把关节 4 拖离奇异位形：λ 降到 0，两种解变得一样。",
        ),
        shot: HIGH_TOOL,
        params: &[
            ("section", "singularity"),
            ("demand", "weakest"),
            ("ghosts", "1"),
        ],
        sim: TEACH_SINGULAR,
    },
    Step {
        title: tr(
            "Twists and wrenches in two frames",
            "两个坐标系中的运动旋量与力旋量",
        ),
        body: tr(
            "A twist (v, ω) is a body's velocity, a wrench (f, τ) a force with a torque. To another frame, twists move with the adjoint X = Ad_T, wrenches with X* = X⁻ᵀ. That is forced: the power fᵀv + τᵀω is a physical quantity and cannot depend on the frame.",
            "运动旋量 (v, ω) 表示刚体的速度，力旋量 (f, τ) 表示一个力连同力矩。换到另一个坐标系时，运动旋量用伴随矩阵 X = Ad_T 变换，力旋量用 X* = X⁻ᵀ。这是必然的：功率 fᵀv + τᵀω 是物理量，不能依赖坐标系。",
        ),
        formula: "(X*f)ᵀ(Xv) = fᵀv  ⇒  X* = X⁻ᵀ",
        try_this: tr(
            "Change any entry of the twist or the wrench: every base-frame number changes, but the two power readings stay equal.",
            "修改运动旋量或力旋量的任意一项：基座坐标系中的数字全都变了，但两个功率读数始终相等。",
        ),
        shot: TOOL,
        params: &[
            ("section", "twist"),
            ("ghosts", "0"),
            ("velocity", "0"),
            ("force", "0"),
            ("columns", "0"),
        ],
        sim: TEACH_READY,
    },
    Step {
        title: tr("Why a policy cares", "策略为什么在意这些"),
        body: tr(
            "Many robot policies output tool motions Δx and leave the joints to a controller that inverts J. Near a singularity a small, reasonable Δx becomes a violent joint motion, which is why controllers damp and why demonstrations stay away from these poses.",
            "许多机器人策略输出工具位移 Δx，再交给一个对 J 求逆的控制器去算关节运动。在奇异位形附近，一个很小、很合理的 Δx 会变成剧烈的关节运动，这就是控制器要加阻尼、示教数据要避开这些位形的原因。",
        ),
        formula: "Δq = J⁺(q)·Δx",
        try_this: tr(
            "Switch the demand between up and forward: near the singularity one of them needs far faster joints than the other.",
            "把速度请求在向上和向前之间切换：在奇异位形附近，其中一个需要的关节速度远大于另一个。",
        ),
        shot: HIGH_TOOL,
        params: &[
            ("section", "singularity"),
            ("demand", "up"),
            ("ghosts", "1"),
        ],
        sim: TEACH_SINGULAR,
    },
];

/// What the steps say about the Panda, measured.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::prelude::*;
    use crate::lessons::jacobian::{Demand, compare, demanded_twist};

    fn panda_at(q: &[f64]) -> Robot {
        let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let mut robot = Robot::new(model);
        assert!(robot.set_chain_q(q) || robot.set_q(q));
        robot
    }

    fn speed(v: &[f64]) -> f64 {
        v.iter().map(|x| x * x).sum::<f64>().sqrt()
    }

    /// "J7 is a dot": joint 7's axis passes through the tool point.
    #[test]
    fn the_last_joint_does_not_move_the_tool_point() {
        let robot = panda_at(READY);
        let j = &robot.kin.as_ref().unwrap().jacobian;
        let linear = (0..3).map(|r| j[(r, 6)].powi(2)).sum::<f64>().sqrt();
        let angular = (3..6).map(|r| j[(r, 6)].powi(2)).sum::<f64>().sqrt();
        assert!(linear < 1e-9, "{linear}");
        assert!((angular - 1.0).abs() < 1e-9);
        for c in 0..6 {
            let l = (0..3).map(|r| j[(r, c)].powi(2)).sum::<f64>().sqrt();
            assert!(l > 0.02, "J{} is {l} m/s", c + 1);
        }
    }

    /// At the edge of the reach (the handle dragged out as far as it goes) the velocity
    /// ellipsoid is a disc whose thin axis points out along the reach, and the force
    /// ellipsoid is long on that same axis.
    #[test]
    fn at_the_edge_of_its_reach_the_arm_is_slow_and_strong_outwards() {
        let ready = panda_at(READY);
        let reach = panda_at(&[0.0, 1.2, 0.0, -0.4, 0.0, 3.0, 0.785]);
        let thin = |r: &Robot| {
            let e = &r.kin.as_ref().unwrap().translational;
            let i = (0..3)
                .min_by(|&a, &b| e.radii[a].total_cmp(&e.radii[b]))
                .unwrap();
            (e.radii[i], e.directions.column(i).into_owned())
        };
        let long_force = |r: &Robot| {
            let e = r.kin.as_ref().unwrap().translational.dual();
            e.radii.iter().cloned().fold(0.0, f64::max)
        };
        let ((r_ready, _), (r_reach, axis)) = (thin(&ready), thin(&reach));
        assert!(
            r_reach < 0.1 * r_ready,
            "{r_reach} vs {r_ready} m/s per rad/s"
        );
        assert!(long_force(&reach) > 5.0 * long_force(&ready));
        // Out along the reach: from the shoulder (0.333 m above the base) to the tool.
        let tool = reach.kin.as_ref().unwrap().pose.translation;
        let out = (tool - crate::math::Vec3::new(0.0, 0.0, 0.333)).normalize();
        let cos = axis.dot(&out).abs();
        assert!(
            cos > 0.7,
            "thin axis {:.0}° from the reach",
            cos.acos().to_degrees()
        );
    }

    /// Near the singularity the pseudo-inverse asks for over 10 rad/s where DLS asks for
    /// under 1; away from it λ is 0 and the two agree; "up" and "forward" differ greatly.
    #[test]
    fn the_pseudo_inverse_explodes_where_the_steps_say() {
        let near = panda_at(NEAR_SINGULAR);
        let kin = near.kin.as_ref().unwrap();
        let c = compare(kin, demanded_twist(Demand::Weakest, kin));
        assert!(c.sigma_min < 0.01, "{}", c.sigma_min);
        assert!(c.lambda > 0.0);
        assert!(speed(&c.pinv) > 10.0, "J⁺ {} rad/s", speed(&c.pinv));
        assert!(speed(&c.dls) < 1.0, "DLS {} rad/s", speed(&c.dls));
        assert!(c.dls_error > 10.0 * c.pinv_error);
        let up = speed(&compare(kin, demanded_twist(Demand::Up, kin)).pinv);
        let forward = speed(&compare(kin, demanded_twist(Demand::Forward, kin)).pinv);
        let ratio = up.max(forward) / up.min(forward);
        assert!(ratio > 3.0, "up {up} vs forward {forward} rad/s");

        let ready = panda_at(READY);
        let kin = ready.kin.as_ref().unwrap();
        let c = compare(kin, demanded_twist(Demand::Weakest, kin));
        assert_eq!(c.lambda, 0.0);
        assert!(c.pinv.iter().zip(&c.dls).all(|(a, b)| (a - b).abs() < 1e-9));
    }
}
