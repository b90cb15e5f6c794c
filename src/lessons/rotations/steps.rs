//! The rotations lesson as a guided sequence: three angles on the rig, the lock, the lost
//! axis, interpolation, integration, continuity as a learning target, and the lock on the arm.

use crate::kit::{Shot, SimSetup, Step, tr};

/// The rig (centre 0.35 m up) a little above the middle of the view, clear of the step card.
const RIG: Shot = Shot {
    target: [0.15, -0.7, 0.22],
    distance: 1.3,
    yaw: 0.55,
    pitch: 0.35,
};
const ARM: Shot = Shot {
    target: [0.4, 0.0, 0.4],
    distance: 1.5,
    yaw: 0.25,
    pitch: 0.25,
};
const STILL: SimSetup = SimSetup {
    teach: Some(true),
    ..SimSetup::NONE
};

pub const STEPS: &[Step] = &[
    Step {
        title: tr("Three angles, three rings", "三个角，三个环"),
        body: tr(
            "Euler angles write an orientation as three turns in a fixed order. Intrinsic ZYX (yaw a, pitch b, roll c) turns about z, then about the new y, then about the newest x. Each ring of the rig is one of those turns.",
            "欧拉角把一个姿态写成按固定顺序进行的三次转动。内旋 ZYX（偏航 a、俯仰 b、滚转 c）先绕 z 轴转，再绕新的 y 轴转，最后绕最新的 x 轴转。支架上的每个环对应其中一次转动。",
        ),
        formula: "R = R_z(a) · R_y(b) · R_x(c)",
        try_this: tr(
            "Drag each angle slider in turn: one ring follows each angle, and the body rides on all three.",
            "依次拖动三个角度滑块：每个角带动一个环，物体同时骑在三个环上。",
        ),
        shot: RIG,
        params: &[
            ("section", "gimbal"),
            ("euler", "ZYX"),
            ("angles", "30,20,10"),
        ],
        sim: STILL,
    },
    Step {
        title: tr("Gimbal lock", "万向节锁"),
        body: tr(
            "At b = 90° the first and last turns are about the same axis, so only the difference a − c changes the orientation. One of the three degrees of freedom is gone from the description; the orientation itself is an ordinary one.",
            "当 b = 90° 时，第一次和最后一次转动绕的是同一根轴，只有差值 a − c 会改变姿态。三个自由度在这种描述里少了一个；而这个姿态本身再普通不过。",
        ),
        formula: "b = 90°:  R = R_z(a − c) · R_y(90°)",
        try_this: tr(
            "Add 20° to a, then add 20° to c: the body turns one way, then straight back to where it started, about the same axis.",
            "把 a 加 20°，再把 c 加 20°：物体先朝一个方向转，再绕同一根轴转回原来的位置。",
        ),
        shot: RIG,
        params: &[
            ("section", "gimbal"),
            ("euler", "ZYX"),
            ("angles", "30,90,20"),
        ],
        sim: STILL,
    },
    Step {
        title: tr("The lost axis", "丢失的轴"),
        body: tr(
            "The angle rates dθ/dt and the angular velocity ω are related by a matrix E whose determinant is ±cos b for Tait–Bryan sequences such as ZYX (±sin b for proper Euler ones such as ZYZ). Near the lock E is nearly singular, so a steady spin needs enormous angle rates.",
            "角速率 dθ/dt 与角速度 ω 之间由矩阵 E 联系，对 ZYX 这类泰特–布莱恩序列其行列式为 ±cos b（对 ZYZ 这类经典欧拉序列为 ±sin b）。在锁定附近 E 几乎奇异，所以匀速转动也需要极大的角速率。",
        ),
        formula: "ω = E(θ)·\\frac{dθ}{dt},   |det E| = |cos b|",
        try_this: tr(
            "Press \"Spin through the lock\": the body turns at a steady 30°/s, the |dθ/dt| curves spike as it passes b = 90°, and |dq/dt| stays flat.",
            "按下“旋转经过锁定位置”：物体以恒定的 30°/s 转动，经过 b = 90° 时 |dθ/dt| 曲线出现尖峰，而 |dq/dt| 保持平直。",
        ),
        shot: RIG,
        params: &[
            ("section", "lost-axis"),
            ("euler", "ZYX"),
            ("angles", "30,60,20"),
        ],
        sim: STILL,
    },
    Step {
        title: tr("Interpolating orientations", "姿态插值"),
        body: tr(
            "Blending two orientations angle by angle takes a curved path that turns further than it needs to, worst near the lock. Slerp follows the geodesic, the shortest arc on the sphere of rotations, at constant speed. q and −q are the same rotation, so slerp must pick the nearer sign.",
            "逐个角度地混合两个姿态，会走一条弯曲、多转了角度的路径，在锁定附近尤其糟。球面插值 slerp 沿测地线（旋转球面上最短的弧）匀速前进。q 与 −q 表示同一个旋转，所以 slerp 必须选更近的那个符号。",
        ),
        formula: "slerp(q₀, q₁, t) = q₀ · (q₀⁻¹ q₁)^t",
        try_this: tr(
            "Compare the angle beside each method: all four end at B, but the Euler-angle path bulges away and turns about 78° for a 50° turn, while slerp takes the 50° geodesic at a steady speed (a flat line in the plot). Tick the long way round and see slerp from −q.",
            "比较每种方法旁边的角度：四条路径都到达 B，但欧拉角插值的路径向外鼓出，为了 50° 的转动转了约 78°；slerp 则沿 50° 的测地线匀速前进（速度图里的一条水平线）。勾选“绕远路”，看看从 −q 出发的 slerp。",
        ),
        shot: RIG,
        params: &[("section", "interpolation"), ("euler", "ZYX")],
        sim: STILL,
    },
    Step {
        title: tr("Integrating an angular velocity", "角速度的积分"),
        body: tr(
            "A gyroscope gives ω; the orientation follows by integrating the quaternion. The exact step multiplies by exp(½ω·dt): q holds half the angle because a rotation uses it twice, v ↦ q v q*, and neither product alone turns v by half the angle. The first-order shortcut drifts off |q| = 1 unless normalised after every step.",
            "陀螺仪给出 ω，姿态要靠对四元数积分得到。精确的一步是乘以 exp(½ω·dt)：q 只含半个角，因为一次旋转要用它两次，v ↦ q v q*；并不是其中每一次乘法把 v 转了半个角。一阶近似如果不在每步之后归一化，就会偏离 |q| = 1。",
        ),
        formula: "q ← q ⊗ exp(½ ω·dt)",
        try_this: tr(
            "Drag dt up and read the table: the unnormalised row's | |q| − 1 | climbs, and the normalised row's angle error grows like dt². The plot shows what dropping the ½ does: the error climbs to 180° and back.",
            "把 dt 调大并看表格：未归一化那一行的 | |q| − 1 | 不断上升，归一化那一行的角度误差按 dt² 增长。曲线图显示丢掉 ½ 的后果：误差一路升到 180° 再回落。",
        ),
        shot: RIG,
        params: &[("section", "integration")],
        sim: STILL,
    },
    Step {
        title: tr("What a network should predict", "网络应该预测什么"),
        body: tr(
            "A policy that outputs rotations learns a function, and a function with jumps is hard to fit. Euler angles wrap at ±180°, and a quaternion kept at w ≥ 0 flips sign at 180°. The 6D representation, two columns of R, is continuous.",
            "输出旋转的策略要学习一个函数，而带跳变的函数很难拟合。欧拉角在 ±180° 处回绕，保持 w ≥ 0 的四元数在 180° 处翻转符号。6D 表示（R 的两列）是连续的。",
        ),
        formula: "r₆ = (R₁, R₂),  R = GramSchmidt(r₆)",
        try_this: tr(
            "Follow one smooth full turn in the plots: count the jumps in the Euler and quaternion curves, then in the 6D curves (none).",
            "在图中跟着一次平滑的整圈转动：数一数欧拉角和四元数曲线里的跳变，再数 6D 曲线里的（没有）。",
        ),
        shot: RIG,
        params: &[("section", "continuity")],
        sim: STILL,
    },
    Step {
        title: tr("The lock on the arm", "机械臂上的万向节锁"),
        body: tr(
            "The Panda keeps its tool at one point and turns it 60° through ZYX pitch −90°. A controller written in Euler-angle differences sees the target's angles jump at the lock and commands a huge joint speed; one written with the rotation vector does not.",
            "Panda 把工具保持在一点，让它转过 60°，途经 ZYX 俯仰角 −90°。用欧拉角差写的控制器在锁定处看到目标角度突变，于是下达巨大的关节速度；用旋转向量写的控制器则不会。",
        ),
        formula: "ω = E(θ)·(dθ*/dt + K·Δθ)   ↔   ω = ω* + K·log(R*Rᵀ)",
        try_this: tr(
            "Press \"Run both controllers\", then play the Euler one and watch the wrist whip round at the lock; play the rotation-vector one: a smooth turn. The plot gives each one's joint speed.",
            "按“运行两个控制器”，然后播放欧拉角控制器，看手腕在锁定处猛地甩一圈；再播放旋转向量控制器：转动平滑。曲线图给出两者的关节速度。",
        ),
        shot: ARM,
        params: &[("section", "arm"), ("euler", "ZYX")],
        sim: STILL,
    },
];

#[cfg(test)]
mod tests {
    use crate::math::euler::EulerSequence;

    /// At b = 90° only a − c matters for ZYX: R_z(a)·R_y(90°)·R_x(c) = R_z(a − c)·R_y(90°).
    #[test]
    fn at_the_lock_only_the_difference_of_a_and_c_counts() {
        let zyx = EulerSequence::parse("ZYX").unwrap();
        let deg = |a: [f64; 3]| a.map(f64::to_radians);
        let r = zyx.to_matrix(deg([30.0, 90.0, 20.0]));
        let same = zyx.to_matrix(deg([50.0, 90.0, 40.0]));
        let turned = zyx.to_matrix(deg([50.0, 90.0, 20.0]));
        let expected = zyx.to_matrix(deg([10.0, 90.0, 0.0]));
        assert!((r - same).amax() < 1e-12);
        assert!((r - expected).amax() < 1e-12);
        assert!((r - turned).amax() > 0.1);
    }

    /// |det E| is |cos b| for Tait–Bryan sequences and |sin b| for proper Euler ones.
    #[test]
    fn the_rate_matrix_loses_rank_at_each_kind_of_lock() {
        for (name, f) in [("ZYX", f64::cos as fn(f64) -> f64), ("ZYZ", f64::sin)] {
            let seq = EulerSequence::parse(name).unwrap();
            for b in [0.1, 0.7, 1.3, 1.5, 2.2, 3.0] {
                let e = seq.rate_matrix([0.4, b, -0.9]);
                assert!(
                    (e.determinant().abs() - f(b).abs()).abs() < 1e-12,
                    "{name} {b}"
                );
            }
        }
    }
}
