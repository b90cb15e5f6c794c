//! The frames lesson as a guided sequence: see the frames, compose them, read a chain both
//! ways, break the order, invert, then the calibration chain and the two readings of one
//! matrix, and what a policy's action frame means.

use crate::kit::{Shot, SimSetup, Step, tr};

/// The Panda's ready pose (arm and gripper).
const READY: &[f64] = &crate::robot::panda::READY;

const ARM: Shot = Shot {
    target: [0.25, 0.0, 0.4],
    distance: 1.6,
    yaw: 0.9,
    pitch: 0.3,
};
const CALIBRATION: Shot = Shot {
    target: [0.8, -0.35, 0.25],
    distance: 1.9,
    yaw: 0.35,
    pitch: 0.5,
};

/// Wide enough for where the inverse sends P (well over a metre from the cube).
const CALIBRATION_WIDE: Shot = Shot {
    target: [0.35, -0.5, 0.35],
    distance: 3.2,
    yaw: 0.35,
    pitch: 0.45,
};

const TEACH: SimSetup = SimSetup {
    teach: Some(true),
    q: Some(READY),
    ..SimSetup::NONE
};

pub const STEPS: &[Step] = &[
    Step {
        title: tr("Every link carries a frame", "每个连杆都带着一个坐标系"),
        body: tr(
            "Each link of the arm has its own frame: x red, y green, z blue. T_ab is frame b's pose written in frame a: the columns of R_ab are b's axes in a's coordinates, and p_ab is b's origin.",
            "机械臂的每个连杆都有自己的坐标系：x 红、y 绿、z 蓝。T_ab 是坐标系 b 在坐标系 a 中的位姿：R_ab 的各列是 b 的三根轴在 a 中的坐标，p_ab 是 b 的原点。",
        ),
        formula: "T_ab = \\mat{R_ab & p_ab ; 0 & 1}",
        try_this: tr(
            "Drag the joint 1 slider in the arm panel: every triad after joint 1 turns with it, the base triad stays put.",
            "拖动机械臂面板里关节 1 的滑块：关节 1 之后的所有坐标轴都跟着转，基座的坐标轴不动。",
        ),
        shot: ARM,
        params: &[("section", "chain"), ("triads", "1"), ("names", "1")],
        sim: TEACH,
    },
    Step {
        title: tr("Chaining transforms", "变换的串联"),
        body: tr(
            "To get from a to c, go from a to b, then from b to c: the yellow and cyan arrows add up to the magenta one. The panel builds T_ac from the two poses directly and, separately, as the product T_ab·T_bc.",
            "从 a 到 c，可以先从 a 到 b，再从 b 到 c：黄色和青色箭头首尾相接，合成品红色箭头。面板既直接由两个位姿算出 T_ac，也单独算出乘积 T_ab·T_bc。",
        ),
        formula: "T_ac = T_ab · T_bc",
        try_this: tr(
            "Pick other links for b: T_ab and T_bc both change, but T_ac does not. The frame in the middle is only a stop on the way.",
            "给 b 换几个别的连杆：T_ab 和 T_bc 都变了，T_ac 却不变。中间的坐标系只是途中的一站。",
        ),
        shot: ARM,
        params: &[
            ("section", "chain"),
            ("a", "base"),
            ("b", "mid"),
            ("c", "tool"),
            ("names", "0"),
        ],
        sim: TEACH,
    },
    Step {
        title: tr("Reading a chain: two directions", "读一条变换链：两个方向"),
        body: tr(
            "Frames compose left to right: start at a, move to b, then from b to c. A point's coordinates go right to left: T_bc first takes p from c's coordinates to b's, then T_ab takes it to a's. Both readings describe the same product.",
            "坐标系从左往右复合：从 a 出发，移到 b，再从 b 移到 c。点的坐标从右往左变换：先由 T_bc 把 p 从 c 的坐标变到 b 的坐标，再由 T_ab 变到 a 的坐标。两种读法描述的是同一个乘积。",
        ),
        formula: "p_a = T_ab · (T_bc · p_c)",
        try_this: tr(
            "With c on the tool, read the last column of T_ac: it is where c's origin p_c = (0, 0, 0) lands in a, the tool's position in the base frame.",
            "c 选为工具时，看 T_ac 的最后一列：那就是 c 的原点 p_c = (0, 0, 0) 在 a 中的位置，也就是工具在基座坐标系中的位置。",
        ),
        shot: ARM,
        params: &[("section", "chain"), ("a", "base"), ("c", "tool")],
        sim: TEACH,
    },
    Step {
        title: tr("Order matters", "顺序很重要"),
        body: tr(
            "Rigid motions do not commute. The grey matrix T_bc·T_ab applies the same two moves in the other order and lands somewhere else; the panel shows how far its entries are from T_ac.",
            "刚体运动不满足交换律。灰色矩阵 T_bc·T_ab 把同样两步按相反顺序做，结果落在别处；面板给出它的元素与 T_ac 相差多少。",
        ),
        formula: "T_bc · T_ab ≠ T_ab · T_bc",
        try_this: tr(
            "Set b to the same link as a: T_ab becomes the identity and max|T_bc·T_ab − T_ac| drops to 0. Pick b elsewhere and the gap comes back.",
            "把 b 设成与 a 相同的连杆：T_ab 变成单位矩阵，max|T_bc·T_ab − T_ac| 降为 0。再把 b 换成别的连杆，差距又回来了。",
        ),
        shot: ARM,
        params: &[
            ("section", "chain"),
            ("a", "base"),
            ("b", "mid"),
            ("c", "tool"),
        ],
        sim: TEACH,
    },
    Step {
        title: tr("The inverse in closed form", "逆变换的闭式解"),
        body: tr(
            "Going back from b to a undoes the rotation and then the translation. A rotation matrix is orthonormal, so its inverse is its transpose, and the translation must be written in b's axes: −Rᵀp. No general matrix inverse is needed.",
            "从 b 回到 a，要撤销旋转，再撤销平移。旋转矩阵是正交的，逆就是转置；平移要用 b 的轴来表示，即 −Rᵀp。不需要求一般矩阵的逆。",
        ),
        formula: "T_ba = T_ab⁻¹ = \\mat{Rᵀ & −Rᵀp ; 0 & 1}",
        try_this: tr(
            "Compare the top-left 3×3 block of T_ba with that of T_ab: each row of one is a column of the other.",
            "比较 T_ba 和 T_ab 左上角的 3×3 块：一个的每一行正是另一个的一列。",
        ),
        shot: ARM,
        params: &[("section", "chain"), ("a", "base"), ("b", "tool")],
        sim: TEACH,
    },
    Step {
        title: tr(
            "Calibration: a chain through a camera",
            "标定：经过相机的变换链",
        ),
        body: tr(
            "The camera on its stand measures the cube in its own optical frame (z forward, y down): T_cam_target. Calibration says where the camera is in the robot's base frame: T_base_cam. Their product puts what the camera sees where the robot can reach it.",
            "支架上的相机在自己的光学坐标系（z 朝前、y 朝下）中测量方块：T_cam_target。标定给出相机在机器人基座坐标系中的位置：T_base_cam。二者相乘，就把相机看到的东西放到机器人够得着的坐标里。",
        ),
        formula: "T_base_target = T_base_cam · T_cam_target",
        try_this: tr(
            "Drag the x, y, z of the point P: the white dot moves on the cube, and P_cam and P_base change through one transform each.",
            "拖动点 P 的 x、y、z：白点在方块上移动，P_cam 和 P_base 各经过一次变换跟着变化。",
        ),
        shot: CALIBRATION,
        params: &[
            ("section", "calibration"),
            ("point", "0.02,0.02,0.02"),
            ("inverted", "0"),
        ],
        sim: SimSetup {
            playing: Some(false),
            teach: Some(false),
            ..SimSetup::NONE
        },
    },
    Step {
        title: tr("The calibration the wrong way round", "方向弄反的标定"),
        body: tr(
            "Calibration files store one direction and code expects one. Both T_base_cam and its inverse T_cam_base are valid transforms, so using the wrong one raises no error. The red dot is where the robot would then reach for P.",
            "标定文件存的是一个方向，代码要的也是一个方向。T_base_cam 和它的逆 T_cam_base 都是合法的变换，所以用错了也不会报错。红点就是这时机器人会去抓 P 的位置。",
        ),
        formula: "T_cam_base = T_base_cam⁻¹ ≠ T_base_cam",
        try_this: tr(
            "Untick and tick the switch in the panel: the red dot jumps between P and a point well over a metre away; |Δ| gives the distance.",
            "在面板里取消再勾选这个开关：红点在 P 和一米多以外的一点之间跳动；|Δ| 给出这段距离。",
        ),
        shot: CALIBRATION_WIDE,
        params: &[("section", "calibration"), ("inverted", "1")],
        sim: SimSetup {
            playing: Some(false),
            teach: Some(false),
            ..SimSetup::NONE
        },
    },
    Step {
        title: tr("One matrix, two readings", "一个矩阵，两种读法"),
        body: tr(
            "The same T_ab describes frame b in a (its columns are b's axes) and converts a point's coordinates from b to a. Moving the frame one way changes the coordinates the other way: p_b = T_ab⁻¹·p_a.",
            "同一个 T_ab 既描述坐标系 b 在 a 中的样子（各列是 b 的轴），又把点的坐标从 b 换到 a。坐标系往一个方向动，坐标就往相反方向变：p_b = T_ab⁻¹·p_a。",
        ),
        formula: "p_a = T_ab · p_b",
        try_this: tr(
            "In teach mode drag joint 1: the tool frame b swings, P stays on the cube, so p_b changes while p_a stays the same.",
            "在示教模式下拖动关节 1：工具坐标系 b 转动，P 仍在方块上，所以 p_b 变化而 p_a 不变。",
        ),
        shot: ARM,
        params: &[("section", "basis"), ("a", "base"), ("b", "tool")],
        sim: TEACH,
    },
    Step {
        title: tr("Which frame is an action in?", "动作是在哪个坐标系里？"),
        body: tr(
            "A learned policy often outputs a small tool motion Δx, in the base, the camera or the tool frame. Applied in the wrong frame it moves the arm the wrong way and nothing reports an error, so every dataset must say which frame its actions use.",
            "学到的策略常常输出一个小的工具位移 Δx，可能在基座、相机或工具坐标系中。用错坐标系，机械臂就往错的方向走，而且不会有任何报错，所以每个数据集都必须写明动作所用的坐标系。",
        ),
        formula: "Δx_base = R_base_tool · Δx_tool",
        try_this: tr(
            "Read the red line x_b in a: that is where a +x step in the tool frame goes in the base frame. Turn joint 7 and watch it change direction.",
            "看红色的那一行 x_b 在 a 中的坐标：工具坐标系里沿 +x 的一步，在基座坐标系里就朝这个方向。转动关节 7，看它的方向怎样变化。",
        ),
        shot: ARM,
        params: &[("section", "basis"), ("a", "base"), ("b", "tool")],
        sim: TEACH,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::prelude::*;
    use crate::lessons::frames::{BasisChange, ChainCheck, FramePoses, FrameRef};

    fn panda() -> Robot {
        let model = crate::robot::Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let mut robot = Robot::new(model);
        assert!(robot.set_q(READY));
        robot
    }

    /// "Pick b = a: the gap drops to 0"; "pick other b: the product is still T_ac".
    #[test]
    fn the_middle_frame_is_only_a_stop_and_the_order_gap_needs_two_frames() {
        let robot = panda();
        let f = FramePoses::new(&robot, None);
        let (a, c) = (
            f.pose(FrameRef::Link(0)),
            f.pose(FrameRef::Link(robot.tool)),
        );
        for b in 0..robot.model.links.len() {
            let check = ChainCheck::new(&a, &f.pose(FrameRef::Link(b)), &c);
            assert!(check.chain_error < 1e-12);
        }
        let same = ChainCheck::new(&a, &a, &c);
        assert!(same.order_gap < 1e-12, "{}", same.order_gap);
        let mid = ChainCheck::new(&a, &f.pose(FrameRef::Link(5)), &c);
        assert!(mid.order_gap > 0.05, "{}", mid.order_gap);
        // The tool's origin lands at T_ac's last column.
        let p = mid.t_ac.transform_point(&crate::math::Vec3::zeros());
        assert!((p - c.translation).norm() < 1e-12);
    }

    /// Turning joint 1 moves the tool frame: a fixed point keeps p_a (base) and changes p_b.
    #[test]
    fn moving_the_frame_changes_the_coordinates_not_the_point() {
        let mut robot = panda();
        let p = crate::math::Vec3::new(0.55, 0.15, 0.04);
        let before = {
            let f = FramePoses::new(&robot, None);
            BasisChange::new(
                &f.pose(FrameRef::Link(0)),
                &f.pose(FrameRef::Link(robot.tool)),
                &p,
            )
        };
        let mut q = READY.to_vec();
        q[0] += 0.5;
        assert!(robot.set_q(&q));
        let f = FramePoses::new(&robot, None);
        let after = BasisChange::new(
            &f.pose(FrameRef::Link(0)),
            &f.pose(FrameRef::Link(robot.tool)),
            &p,
        );
        assert!((before.p_a - after.p_a).norm() < 1e-12);
        assert!((before.p_b - after.p_b).norm() > 0.1);
    }
}
