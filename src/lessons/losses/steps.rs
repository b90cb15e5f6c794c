//! The losses lesson as a guided sequence: the offset at the post, one Gaussian (MSE), tokens,
//! a mixture, forward and reverse KL, KL to the base, PPO's clip and why it matters, the
//! reparameterization trick, and attention over the demonstrations.

use crate::kit::{Shot, SimSetup, Step, tr};

/// The 40 cm course from above the front edge of the table, the post in the middle.
const COURSE: Shot = Shot {
    target: [0.5, 0.0, 0.08],
    distance: 1.0,
    yaw: 1.25,
    pitch: 0.8,
};
/// The reaches beside the course, from the side.
const REACH: Shot = Shot {
    target: [0.45, -0.3, 0.3],
    distance: 0.7,
    yaw: 0.35,
    pitch: 0.25,
};
const PAUSED: SimSetup = SimSetup {
    playing: Some(false),
    teach: Some(false),
    ..SimSetup::NONE
};
const PLAYING: SimSetup = SimSetup {
    playing: Some(true),
    teach: Some(false),
    ..SimSetup::NONE
};

pub const STEPS: &[Step] = &[
    Step {
        title: tr("One number at the post", "立柱处的一个数"),
        body: tr(
            "The scripted policy carries the cube round the post on the near side or the far side. Where the tool passes the post, its lateral offset is one action dimension: the demonstrations give it two clusters of values and nothing in between. Every loss in this lesson is fitted to these offsets.",
            "脚本策略把方块从近侧或远侧绕过立柱。末端经过立柱时的横向偏移是一个动作维度：演示给出两簇取值，中间什么也没有。本课的每个损失都拟合这些偏移。",
        ),
        formula: "d = x_tool − x_post",
        try_this: tr(
            "Press Space: each episode's tool crosses the white line at one of the dots, teal or orange, never at the post.",
            "按空格键：每个回合中末端都在某个青色或橙色的点处穿过白线，从不经过立柱。",
        ),
        shot: COURSE,
        params: &[("section", "data"), ("driver", "scripted")],
        sim: PAUSED,
    },
    Step {
        title: tr(
            "One Gaussian: NLL is squared error",
            "一个高斯：NLL 就是平方误差",
        ),
        body: tr(
            "Fit one Gaussian to the offsets by maximum likelihood and its mean is the data's mean, between the modes. For a fixed σ its negative log-likelihood is the squared error over 2σ² plus a constant, so MSE training finds the same mean. Following that mean, the arm drives the cube into the post.",
            "用最大似然给偏移拟合一个高斯，它的均值就是数据的均值，落在两个模态之间。固定 σ 时，它的负对数似然等于平方误差除以 2σ² 再加常数，所以 MSE 训练得到同一个均值。按这个均值走，机械臂把方块撞向立柱。",
        ),
        formula: "−log N(a; μ, σ²) = \\frac{(a − μ)²}{2σ²} + log σ + ½ log 2π",
        try_this: tr(
            "Press Space: the gold marker sits on the red mean at the post, and the tally counts a hit for every episode.",
            "按空格键：金色标记落在立柱处的红色均值上，计数表每个回合都记一次撞击。",
        ),
        shot: COURSE,
        params: &[("section", "gaussian"), ("driver", "gaussian")],
        sim: PAUSED,
    },
    Step {
        title: tr("Action tokens keep both modes", "动作令牌保留两个模态"),
        body: tr(
            "Cut the offset's range into 256 bins, as RT-1 and OpenVLA do for each action dimension, and learn a categorical by cross-entropy. Its probability sits where the data are: a peak at each mode, none at the post. The most likely token, or a sampled one, is a bin at one of the modes.",
            "把偏移的范围切成 256 个区间（RT-1 和 OpenVLA 对每个动作维度都这样做），用交叉熵学习一个类别分布。它的概率落在数据所在之处：每个模态一个峰，立柱处没有。最可能的令牌或采样的令牌，都是某个模态处的区间。",
        ),
        formula: "L = −log p(token(a)),   p = softmax(logits)",
        try_this: tr(
            "Press Space: the arm goes round the post. Then drag N down to 1: the only token is 0 cm, through the post.",
            "按空格键：机械臂绕过立柱。然后把 N 拖到 1：唯一的令牌是 0 cm，穿过立柱。",
        ),
        shot: COURSE,
        params: &[
            ("section", "tokens"),
            ("driver", "tokens"),
            ("bins", "256"),
            ("pick", "argmax"),
        ],
        sim: PAUSED,
    },
    Step {
        title: tr("A mixture density", "混合密度"),
        body: tr(
            "A mixture of two Gaussians, fitted by expectation–maximisation, is continuous like the Gaussian and keeps both modes like the tokens. Sampling picks a component by its weight, then an offset from it. Its NLL on the demonstrations is far below one Gaussian's.",
            "两个高斯的混合用期望最大化拟合，它像高斯一样连续，又像令牌一样保留两个模态。采样先按权重选一个分量，再从中抽取偏移。它在演示上的 NLL 远低于单个高斯。",
        ),
        formula: "p(a) = Σₖ wₖ · N(a; μₖ, σₖ²)",
        try_this: tr(
            "Press Space, and N for the next seed: the gold marker lands near or far at random, never on the post.",
            "按空格键，再按 N 换下一个种子：金色标记随机落在近侧或远侧，从不落在立柱上。",
        ),
        shot: COURSE,
        params: &[("section", "mixture"), ("driver", "mixture")],
        sim: PAUSED,
    },
    Step {
        title: tr("Forward and reverse KL", "正向 KL 与反向 KL"),
        body: tr(
            "Fit one Gaussian q to the data's density p by minimising KL, from the same start. Forward KL(p‖q) must cover all of p, so q spreads over both modes with its mean at the post. Reverse KL(q‖p) must avoid where p is empty, so q settles on one mode. KL is not a distance: the two directions differ, as the two fits show.",
            "从同一个起点出发，最小化 KL 把一个高斯 q 拟合到数据密度 p。正向 KL(p‖q) 必须覆盖 p 的全部，所以 q 铺开覆盖两个模态，均值在立柱处。反向 KL(q‖p) 必须避开 p 为空的地方，所以 q 停在一个模态上。KL 不是距离：两个方向的值不同，两个拟合结果就说明了这一点。",
        ),
        formula: "KL(p‖q) = ∫ p(a) log \\frac{p(a)}{q(a)} da",
        try_this: tr(
            "Drag the start μ from −5 cm to +5 cm: the gold reverse fit moves to the other mode, the blue forward fit stays where it was.",
            "把起点 μ 从 −5 cm 拖到 +5 cm：金色的反向拟合移到另一个模态，蓝色的正向拟合留在原处。",
        ),
        shot: COURSE,
        params: &[("section", "kl"), ("start", "-0.05")],
        sim: PAUSED,
    },
    Step {
        title: tr("KL to the base policy", "对基础策略的 KL"),
        body: tr(
            "RL fine-tuning pulls the policy towards a reward, here one unit per 10 cm towards the far side, while a penalty β·KL keeps it near the cloned base policy. The best policy has a closed form: the base tilted by exp(r/β). Large β stays on the demonstrations; small β leaves them.",
            "强化学习微调把策略拉向奖励（这里每向远侧 10 cm 得一个单位），而惩罚项 β·KL 让它靠近克隆得到的基础策略。最优策略有闭式解：基础策略乘以 exp(r/β)。β 大时留在演示上；β 小时离开演示。",
        ),
        formula: "max E_π[r] − β·KL(π‖π_base)  ⇒  π ∝ π_base · exp(r/β)",
        try_this: tr(
            "Drag β from 10 down to 0.01: the near mode empties first, then the gold policy slides beyond every demonstration.",
            "把 β 从 10 拖到 0.01：近侧模态先被清空，然后金色策略滑到所有演示之外。",
        ),
        shot: COURSE,
        params: &[("section", "base"), ("beta", "1")],
        sim: PAUSED,
    },
    Step {
        title: tr("PPO's clipped ratio", "PPO 的裁剪比率"),
        body: tr(
            "PPO compares the new policy with the old one (the policy before this update) through the ratio r of their probabilities of an action; this trust region is not the KL to the base policy. With advantage A > 0 (better than average) nothing is gained once r passes 1 + ε; with A < 0, once r falls below 1 − ε.",
            "PPO 通过新旧策略对同一动作的概率之比 r 来比较两者，这里的旧策略是本次更新之前的策略；这个信任域不是对基础策略的 KL。优势 A > 0（比平均好）时，r 超过 1 + ε 后不再有收益；A < 0 时，r 低于 1 − ε 后不再有收益。",
        ),
        formula: "L = min(r·A, clip(r, 1 − ε, 1 + ε)·A)",
        try_this: tr(
            "Drag ε from 0.2 to 0.05: the gold lines close in on r = 1 and the flat parts follow them. Each curve is flat on one side only, not the plateau falling on both sides that some drawings show.",
            "把 ε 从 0.2 拖到 0.05：金色竖线向 r = 1 靠拢，平坦部分跟着移动。每条曲线只在一侧平坦，而不是有些图里画的那种两侧都下降的平台。",
        ),
        shot: COURSE,
        params: &[("section", "clip"), ("eps", "0.2")],
        sim: PAUSED,
    },
    Step {
        title: tr(
            "Why the clip: a toy PPO run",
            "为什么要裁剪：一次玩具 PPO 训练",
        ),
        body: tr(
            "A Gaussian policy for the offset starts at the average, and the reward peaks at the far mode. Without the clip, the first batch of 64 samples throws the policy several centimetres on ratios far above 1 + ε. With it, each batch moves the policy a bounded step and it settles at the peak.",
            "偏移的高斯策略从平均值出发，奖励在远侧模态处最大。不裁剪时，第一批 64 个样本就凭远超 1 + ε 的比率把策略推出好几厘米。裁剪后，每批只把策略移动有界的一步，最终停在峰值处。",
        ),
        formula: "∇_μ L = mean(\\frac{dL}{dr}·r·\\frac{a − μ}{σ²})",
        try_this: tr(
            "Press New batches a few times: the red run's first jump changes with every batch, the teal run climbs in small steps each time.",
            "多按几次“换一批样本”：红色训练的第一跳每次都不同，青色训练每次都小步上升。",
        ),
        shot: COURSE,
        params: &[("section", "ppo"), ("eps", "0.2"), ("rng", "1")],
        sim: PAUSED,
    },
    Step {
        title: tr("The reparameterization trick", "重参数化技巧"),
        body: tr(
            "To differentiate an expected loss through a sample, write it as z = μ + σ·ε with ε from N(0, 1): the noise no longer depends on μ or σ, so f can be differentiated. The score-function estimator needs no derivative of f, but its estimates spread far wider around the same mean.",
            "要穿过采样对期望损失求导，把样本写成 z = μ + σ·ε，ε 取自 N(0, 1)：噪声不再依赖 μ 和 σ，于是可以对 f 求导。得分函数估计不需要 f 的导数，但它的估计值围绕同一个均值分散得宽得多。",
        ),
        formula: "∇_μ E[f(z)] = E[f′(μ + σε)] = E[f(z)·\\frac{z − μ}{σ²}]",
        try_this: tr(
            "Drag the draws from 2000 down to 20 and back: at every count the red score-function histogram is several times wider than the teal one.",
            "把抽样数从 2000 拖到 20 再拖回来：无论抽样多少，红色得分函数的直方图都比青色的宽好几倍。",
        ),
        shot: COURSE,
        params: &[("section", "reparam"), ("draws", "2000")],
        sim: PAUSED,
    },
    Step {
        title: tr("Attention is a dot product", "注意力就是点积"),
        body: tr(
            "Attention weights values by the softmax of query·key. Here the query is the tool's position, each key a demonstration window's start and each value its chunk. With a bias of −‖k‖²/(2s²) per key, the weights are the diffusion lesson's kernel weights by distance.",
            "注意力用查询·键的 softmax 给值加权。这里查询是末端位置，每个键是一个演示窗口的起点，每个值是它的动作块。每个键加上偏置 −‖k‖²/(2s²) 后，权重就是扩散课中按距离的核权重。",
        ),
        formula: "wᵢ = softmax(q·kᵢ/s² − ‖kᵢ‖²/(2s²)) ∝ exp(−‖q − kᵢ‖²/(2s²))",
        try_this: tr(
            "Press Space and watch the bars follow the tool; then untick the key-length bias: the bars leave the white kernel dots.",
            "按空格键，看柱子跟着末端变化；然后取消键长度偏置：柱子与白色核权重点不再重合。",
        ),
        shot: COURSE,
        params: &[("section", "attention"), ("bias", "1")],
        sim: PLAYING,
    },
    Step {
        title: tr(
            "Low rank: adapting with few numbers",
            "低秩：用很少的参数做适配",
        ),
        body: tr(
            "The reaching policy's weights have singular values spread over every direction. Yet when full fine-tuning teaches it a target 5 cm higher, most of the 16 × 16 layer's update ΔW lies in a handful of directions. LoRA trains only ΔW = B·A: 140 numbers instead of 387 at rank 2; in a large model's 4096 × 4096 layer, rank 16 is 0.78 %.",
            "到达策略权重的奇异值分布在所有方向上。可是当完全微调教它到达高 5 cm 的目标时，16 × 16 那一层的更新 ΔW 大部分只落在少数几个方向上。LoRA 只训练 ΔW = B·A：秩为 2 时是 140 个参数而不是 387 个；在大模型的 4096 × 4096 层中，秩 16 只占该层的 0.78 %。",
        ),
        formula: "W′ = W + B·A,   params = Σ min(r, in, out)·(in + out)",
        try_this: tr(
            "Drag r from 1 to 8: the teal loss curve comes down towards the orange full fine-tune's; at r = 1 the teal reaches stop short of the gold moved target, from r = 2 they end on it.",
            "把 r 从 1 拖到 8：青色的损失曲线向橙色的完全微调曲线靠拢；r = 1 时青色的到达停在金色新目标之前，从 r = 2 起它们都停在目标上。",
        ),
        shot: REACH,
        params: &[("section", "lowrank"), ("rank", "1")],
        sim: PAUSED,
    },
];
