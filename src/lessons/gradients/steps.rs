//! The gradients lesson as a guided sequence: the one-layer toy and its gradient, the step
//! size, the gradient as a linear approximation, the pass through the policy network, its
//! cost, vanishing and exploding, clipping, the chain rule in the arm, and cloning.

use crate::kit::{Shot, SimSetup, Step, tr};

const READY: &[f64] = &crate::robot::panda::READY;

/// The arm from the front right, room on the left for the panel's pictures.
const ARM: Shot = Shot {
    target: [0.35, 0.0, 0.35],
    distance: 1.9,
    yaw: 0.9,
    pitch: 0.35,
};
/// The tool and the target of the arm's descent.
const REACH: Shot = Shot {
    target: [0.4, 0.12, 0.4],
    distance: 1.9,
    yaw: 0.9,
    pitch: 0.35,
};
/// The table, the cube and the place target.
const TABLE: Shot = Shot {
    target: [0.45, 0.0, 0.25],
    distance: 1.75,
    yaw: 0.75,
    pitch: 0.55,
};
const RUN: SimSetup = SimSetup {
    playing: Some(true),
    teach: Some(false),
    q: None,
    seed: None,
};
const HELD_OUT: SimSetup = SimSetup {
    playing: Some(true),
    teach: Some(false),
    q: None,
    seed: Some(super::policy::HELD_OUT_SEED),
};
const POSE: SimSetup = SimSetup {
    playing: None,
    teach: Some(true),
    q: Some(READY),
    seed: None,
};

pub const STEPS: &[Step] = &[
    Step {
        title: tr("One layer, one loss", "一层网络，一个损失"),
        body: tr(
            "The simplest policy is one linear layer, a = Wx. Some notes call it a coordinate transform; it is not one, since W is m × n and need not be invertible. Its loss against the expert's action a* is half the squared error e = Wx − a*. Each square in the panel is one number, orange positive, blue negative.",
            "最简单的策略是一个线性层，a = Wx。有的笔记把它称为坐标变换；其实不是，因为 W 是 m × n 的，不一定可逆。它相对专家动作 a* 的损失是误差 e = Wx − a* 平方的一半。面板中每个方块是一个数，橙色为正，蓝色为负。",
        ),
        formula: "L(W) = ½‖Wx − a*‖²",
        try_this: tr(
            "Find the strongest-coloured square of e, the largest error in size: that action number is the most wrong, and its row of W is the one the gradient will change most.",
            "找出 e 中颜色最深的方块，即绝对值最大的误差：那个动作分量错得最多，W 中对应的那一行就是梯度改变最多的一行。",
        ),
        shot: ARM,
        params: &[
            ("section", "toy"),
            ("grad", "0"),
            ("steps", "0"),
            ("lr", "0.3"),
        ],
        sim: RUN,
    },
    Step {
        title: tr("The gradient is an outer product", "梯度是一个外积"),
        body: tr(
            "The gradient of L with respect to W is the error times the input, transposed: a 3×1 column times a 1×4 row. It has the shape of W, the first check to make of any gradient. Row i is error i times x: the output that is wrong moves, in proportion to the input that fed it.",
            "L 对 W 的梯度是误差乘以输入的转置：一个 3×1 的列乘以一个 1×4 的行。它的形状与 W 相同，这是检查任何梯度的第一步。第 i 行等于误差 i 乘以 x：错了的输出被调整，调整量与喂给它的输入成正比。",
        ),
        formula: "∇_W L = (Wx − a*) xᵀ",
        try_this: tr(
            "Compare the outlined row of ∇W L with the outlined error: each entry is that error times one entry of x, and the last column (x₄ = 1) is the error itself.",
            "比较 ∇W L 中被框出的一行和被框出的误差：每个元素都是这个误差乘以 x 的一个分量，最后一列（x₄ = 1）就是误差本身。",
        ),
        shot: ARM,
        params: &[
            ("section", "toy"),
            ("grad", "1"),
            ("steps", "0"),
            ("lr", "0.3"),
        ],
        sim: RUN,
    },
    Step {
        title: tr("A step downhill, and its size", "下坡一步，以及步长"),
        body: tr(
            "Gradient descent moves W against the gradient. On this toy every step multiplies the error by 1 − η‖x‖², so the step size alone decides what happens. Below 1/‖x‖² the loss falls smoothly; up to 2/‖x‖² the error flips sign each step but shrinks; beyond that it grows.",
            "梯度下降让 W 逆着梯度移动。在这个小例子中，每一步都把误差乘以 1 − η‖x‖²，所以只由步长决定会发生什么。小于 1/‖x‖² 时损失平稳下降；在 2/‖x‖² 以内误差每步变号但仍缩小；超过它误差就会增长。",
        ),
        formula: "W ← W − η ∇_W L,   e ← (1 − η‖x‖²) e",
        try_this: tr(
            "Press 'ten steps' at η = 0.3, then reset W and try η = 1.1 and η = 1.6: smooth, oscillating, diverging, as the coloured label says.",
            "在 η = 0.3 时按“走十步”，再重置 W，分别试 η = 1.1 和 η = 1.6：平稳、振荡、发散，与彩色标签所示一致。",
        ),
        shot: ARM,
        params: &[("section", "descent"), ("lr", "0.3"), ("steps", "0")],
        sim: RUN,
    },
    Step {
        title: tr(
            "The gradient is a linear approximation",
            "梯度是一个线性近似",
        ),
        body: tr(
            "The gradient is the vector whose dot product with any small step predicts the change of the loss. On a slice through two weights it crosses the contour lines at right angles, and descent follows it. The prediction's error grows as the square of the step: halve the step and the gap falls fourfold.",
            "梯度是这样一个向量：它与任意小步长的点积预测损失的变化。在经过两个权重的切片上，它与等高线垂直相交，梯度下降沿着它走。预测的误差随步长的平方增长：步长减半，差距缩小为四分之一。",
        ),
        formula: "L(w + Δw) ≈ L(w) + ∇Lᵀ Δw",
        try_this: tr(
            "Drag ‖Δw‖ from 0.1 to 0.8 and watch the two curves part; the readout shows the gap at half the step is a quarter (×4.00).",
            "把 ‖Δw‖ 从 0.1 拖到 0.8，观察两条曲线分开；读数显示步长减半时差距变为四分之一（×4.00）。",
        ),
        shot: ARM,
        params: &[("section", "linear"), ("reach", "0.4"), ("lr", "0.3")],
        sim: RUN,
    },
    Step {
        title: tr("Forward, then backward", "先前向，再反向"),
        body: tr(
            "The arm's reaching policy is a network 3 → 16 → 16 → 3: the position error in, a translation out. The forward pass computes each column from the one before. The backward pass walks from the loss to the input, each δ the one after it times one local Jacobian: a vector–Jacobian product, never a whole Jacobian.",
            "机械臂的到达策略是一个 3 → 16 → 16 → 3 的网络：输入位置误差，输出平移。前向传播由前一列算出每一列。反向传播从损失走回输入，每个 δ 等于它后面的 δ 乘以一个局部雅可比：这是向量–雅可比积，从不构造完整的雅可比矩阵。",
        ),
        formula: "δₗ = Wₗ₊₁ᵀ (δₗ₊₁ ⊙ f′(zₗ₊₁))",
        try_this: tr(
            "Press B six times: three forward stages fill the nodes, three backward stages ring them in gold, thickest where the loss is most sensitive. Shift+B goes back.",
            "按 B 六次：三个前向阶段填充节点，三个反向阶段给节点加上金色圆环，圆环越粗表示损失对该处越敏感。Shift+B 后退。",
        ),
        shot: TABLE,
        params: &[("section", "graph"), ("stage", "0")],
        sim: RUN,
    },
    Step {
        title: tr("Two passes, not P + 1", "两遍，而不是 P + 1 遍"),
        body: tr(
            "Nudging one weight at a time also gives the gradient, but costs a forward pass per weight: P + 1 passes, or 2P for central differences. Backpropagation gets all P entries from one forward and one backward pass (not “two forward passes”: a backward pass costs one to two forwards). Both are timed here and agree to better than a part in a million.",
            "每次轻推一个权重也能得到梯度，但每个权重都要一次前向传播：共 P + 1 遍，中心差分则要 2P 遍。反向传播只用一次前向和一次反向就得到全部 P 个分量（不是“两次前向”：一次反向的代价相当于一到两次前向）。这里对两者计时，它们的结果相差不到百万分之一。",
        ),
        formula: "N_fd = P + 1,   N_bp = 1 + 1",
        try_this: tr(
            "Read the speed-up and the agreement in the panel; with seven billion weights, as in a large VLA, differences would need seven billion passes for every training step.",
            "读出面板中的加速倍数和一致程度；对于像大型 VLA 那样有七十亿个权重的模型，差分法每个训练步都需要七十亿遍前向传播。",
        ),
        shot: TABLE,
        params: &[("section", "cost")],
        sim: RUN,
    },
    Step {
        title: tr("Vanishing and exploding", "梯度消失与爆炸"),
        body: tr(
            "The backward pass multiplies one local Jacobian per layer, so the gradient's size changes geometrically with depth. A sigmoid's slope is at most ¼, and here thirty sigmoid layers shrink it by a factor of about 10¹⁹; weights twice too large make it grow instead. A residual connection adds the identity to every factor, and the gradient gets through.",
            "反向传播每层乘一个局部雅可比，所以梯度的大小随深度按几何级数变化。sigmoid 的斜率最多为 ¼，这里三十层 sigmoid 把梯度缩小约 10¹⁹ 倍；权重大一倍则会让它反过来增长。残差连接给每个因子加上单位阵，梯度就能传过去。",
        ),
        formula: "δ₀ = J₁ᵀ J₂ᵀ ⋯ J_Lᵀ δ_L",
        try_this: tr(
            "Press the presets in turn: sigmoid (the input's end, on the left, lies far below the output's), sigmoid + res (flat), ReLU, He (flat), ReLU, 2×He (the left end far above). Then drag the depth to 50.",
            "依次按预设：sigmoid（左端即输入端远低于右端的输出端）、sigmoid + res（平直）、ReLU, He（平直）、ReLU, 2×He（左端远高于右端）。然后把层数拖到 50。",
        ),
        shot: ARM,
        params: &[
            ("section", "depth"),
            ("depth", "30"),
            ("act", "sigmoid"),
            ("gain", "1"),
            ("residual", "0"),
        ],
        sim: RUN,
    },
    Step {
        title: tr("A clip on the gradient", "给梯度加上裁剪"),
        body: tr(
            "One demonstration logged in millimetres instead of metres gives a batch whose gradient is over a hundred times the usual. Plain gradient descent takes a step as long as the gradient, and the weights are thrown far away. Clipping rescales the gradient to norm c when it is longer, so no step is longer than η·c.",
            "一条把毫米当成米记录的示范，会使一个批次的梯度超过平常的一百倍。普通梯度下降的步长与梯度一样长，权重被甩到很远的地方。裁剪在梯度范数超过 c 时把它缩放到 c，于是任何一步都不超过 η·c。",
        ),
        formula: "g ← g · min(1, c / ‖g‖₂)",
        try_this: tr(
            "Drag c from 100 down to 1: the smaller c, the smaller the teal run's jump at the gold line, always under η·c, while the red run is thrown off.",
            "把 c 从 100 拖到 1：c 越小，青色曲线在金色竖线处的跳变越小，始终不超过 η·c，而红色曲线被甩飞。",
        ),
        shot: ARM,
        params: &[("section", "clip"), ("c", "1")],
        sim: RUN,
    },
    Step {
        title: tr("The same chain rule in the arm", "机械臂里的同一条链式法则"),
        body: tr(
            "The tool's position is a chain of joint transforms, so its derivative is the Jacobian, each column one joint's share of the tool's velocity. The gradient of the position loss with respect to the joints is Jᵀ times the error. Stepping down it moves the tool towards the white target, along a curve rather than a straight line.",
            "工具位置是一串关节变换的复合，所以它的导数就是雅可比矩阵，每一列是一个关节对工具速度的贡献。位置损失对关节的梯度是 Jᵀ 乘以误差。沿它下降，工具朝白色目标移动，走的是一条曲线而不是直线。",
        ),
        formula: "∇q ½‖x(q) − x*‖² = Jᵀ (x − x*)",
        try_this: tr(
            "Tick 'descend' and watch the gold arrow (the next step, ×5) turn as the red error shrinks; move the target and the arm follows.",
            "勾选“下降”，观察金色箭头（下一步，放大 5 倍）随着红色误差缩短而转向；移动目标，机械臂随之跟去。",
        ),
        shot: REACH,
        params: &[
            ("section", "arm"),
            ("descend", "0"),
            ("eta", "1"),
            ("target", "0.45,0.25,0.35"),
        ],
        sim: POSE,
    },
    Step {
        title: tr("A policy learns to reach", "一个策略学会了到达"),
        body: tr(
            "The scripted policy's moves were recorded in physics as pairs: the tool's position error and the translation it sent. The network is trained on them with backpropagation and Adam, a share of each frame. Then it drives the arm on seeds it never saw, and its placements are counted beside the scripted policy's.",
            "脚本策略的动作在物理仿真中被录成数据对：工具的位置误差和它发出的平移。网络用反向传播和 Adam 在这些数据上训练，每帧训练一小段。然后由它在从未见过的种子上驱动机械臂，它的成功放置次数与脚本策略的并排统计。",
        ),
        formula: "min_θ  Σ ½‖π_θ(e) − a*‖²",
        try_this: tr(
            "Wait for the bar: the trained network then takes over and places cubes; pick 'untrained network' and compare its count.",
            "等进度条走完：训练后的网络会接管并放置方块；再选“未训练的网络”，比较它的次数。",
        ),
        shot: TABLE,
        params: &[("section", "clone"), ("train", "1"), ("driver", "trained")],
        sim: HELD_OUT,
    },
    Step {
        title: tr("Explore the chain rule", "自由探索链式法则"),
        body: tr(
            "Every section stays one tab away. Step through the graph on the trained network, find the smallest clip that still learns, or move the arm's target. Every number in the panel is computed live by the same code the tests check.",
            "每一节都只隔一个标签页。在训练后的网络上逐步查看网络图，找出仍能正常学习的最小裁剪阈值，或者移动机械臂的目标。面板中的每个数都由经过测试的同一段代码实时算出。",
        ),
        formula: "\\frac{∂L}{∂θ} = \\frac{∂L}{∂a}·\\frac{∂a}{∂h}·\\frac{∂h}{∂θ}",
        try_this: tr(
            "Open the graph after training and press B four times: the output's δ is now small, because the trained network's move is close to the scripted one.",
            "训练完成后打开网络图并按 B 四次：输出处的 δ 现在很小，因为训练后网络的动作与脚本动作很接近。",
        ),
        shot: TABLE,
        params: &[("section", "graph"), ("stage", "0")],
        sim: RUN,
    },
];
