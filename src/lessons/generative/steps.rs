//! The generative lesson as a guided sequence: two modes round the post, the regression that
//! averages them, DDPM, DDIM, flow matching, why one step collapses onto the mean, Heun, and
//! sampled chunks driving the arm with a receding horizon.

use crate::kit::{Shot, SimSetup, Step, tr};

/// The 40 cm course, from above the front edge of the table.
const COURSE: Shot = Shot {
    target: [0.5, 0.0, 0.06],
    distance: 0.95,
    yaw: 1.25,
    pitch: 0.9,
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
        title: tr("Two ways round the post", "绕过立柱的两条路"),
        body: tr(
            "The scripted policy carries the cube round the purple post, on the near side (teal) or the far side (orange). Each transport is cut into action chunks, the next 12 tool positions. From the same start, the data say two different things.",
            "脚本策略把方块绕过紫色立柱，走近侧（青色）或远侧（橙色）。每次搬运都切成动作块：接下来的 12 个工具位置。从同一个起点出发，数据给出两种不同的答案。",
        ),
        formula: "p(a | o) = Σᵢ wᵢ(o) · N(aᵢ, s²I)",
        try_this: tr(
            "Press Space and watch a few episodes (N skips to the next seed): some go near, some go far, from the same place.",
            "按空格键观看几个回合（N 跳到下一个种子）：从同一个地方出发，有的走近侧，有的走远侧。",
        ),
        shot: COURSE,
        params: &[
            ("driver", "scripted"),
            ("demos", "1"),
            ("ghosts", "0"),
            ("trails", "0"),
            ("regression", "0"),
            ("samples", "64"),
            ("sampler", "fm"),
            ("k", "10"),
        ],
        sim: PAUSED,
    },
    Step {
        title: tr("The average goes through the post", "平均值穿过立柱"),
        body: tr(
            "Train a network with mean-squared error and it learns the mean of what the data do. The mean of going left and going right is going straight: the red chunk runs through the post.",
            "用均方误差训练网络，它学到的是数据的平均行为。向左绕和向右绕的平均就是直着走：红色动作块正好穿过立柱。",
        ),
        formula: "argmin_f E|f(o) − a|² = E[a | o]",
        try_this: tr(
            "Choose regression under \"who carries the cube\" and press Space: the arm drives the cube into the post.",
            "在“谁来搬方块”中选择回归，然后按空格键：机械臂把方块直接撞向立柱。",
        ),
        shot: COURSE,
        params: &[
            ("driver", "scripted"),
            ("demos", "1"),
            ("ghosts", "0"),
            ("trails", "0"),
            ("regression", "1"),
        ],
        sim: PAUSED,
    },
    Step {
        title: tr("DDPM: remove noise, 100 times", "DDPM：去噪 100 次"),
        body: tr(
            "DDPM starts from pure noise and, over T = 100 steps, predicts the noise ε_θ, removes a little of it and adds fresh noise. In its notation x₀ is the data and x_T the noise: time counts towards the data.",
            "DDPM 从纯噪声出发，在 T = 100 步中每步预测噪声 ε_θ，去掉一点，再加入新的噪声。在它的记号里 x₀ 是数据，x_T 是噪声：时间朝着数据倒数。",
        ),
        formula: "x_{t−1} = \\frac{1}{√α_t}·(x_t − \\frac{β_t}{√(1−ᾱ_t)}·ε_θ) + σ_t·z",
        try_this: tr(
            "Drag the step slider back and forth: the ghost paths wander, then settle on the two sides.",
            "来回拖动步数滑块：虚影路径先四处游走，最后落到两侧。",
        ),
        shot: COURSE,
        params: &[
            ("ghosts", "1"),
            ("sampler", "ddpm"),
            ("samples", "24"),
            ("cosine", "1"),
            ("trails", "1"),
            ("demos", "0"),
            ("regression", "0"),
        ],
        sim: PAUSED,
    },
    Step {
        title: tr(
            "DDIM: the same noise model, no dice",
            "DDIM：同一个噪声模型，不再掷骰子",
        ),
        body: tr(
            "DDIM uses the same ε_θ but jumps deterministically along K of the 100 times: estimate the clean chunk x₀_pred, then move to the next time with the same ε_θ. So diffusion is not random by nature: DDIM samples it without dice, as flow matching's Euler steps do. NFE, the number of network evaluations, is K.",
            "DDIM 使用同一个 ε_θ，但沿着 100 个时刻中的 K 个确定性地跳跃：先估计干净的动作块 x₀_pred，再用同一个 ε_θ 走到下一个时刻。所以扩散模型并非本来就是随机的：DDIM 采样时不掷骰子，和流匹配的欧拉步一样。NFE（网络的调用次数）等于 K。",
        ),
        formula: "x_{t'} = √ᾱ_{t'}·x₀_pred + √(1−ᾱ_{t'})·ε_θ",
        try_this: tr(
            "Change K from 10 to 3: NFE in the metrics falls from 10 to 3 and each path becomes three straight jumps.",
            "把 K 从 10 改成 3：指标里的 NFE 从 10 降到 3，每条路径变成三段直线跳跃。",
        ),
        shot: COURSE,
        params: &[
            ("ghosts", "1"),
            ("sampler", "ddim"),
            ("samples", "24"),
            ("k", "10"),
            ("cosine", "1"),
            ("trails", "1"),
            ("demos", "0"),
            ("regression", "0"),
        ],
        sim: PAUSED,
    },
    Step {
        title: tr("Flow matching: follow a velocity", "流匹配：沿速度场前进"),
        body: tr(
            "Flow matching learns a velocity v that carries noise at τ = 0 to data at τ = 1. It is trained on the straight lines x_τ = (1−τ)·x₀ + τ·x₁ between random noise–data pairs, but the learned field averages the pairs crossing each point, so its sampled paths bend. Here the data are at τ = 1, the reverse of DDPM's x₀.",
            "流匹配学习一个速度场 v，把 τ = 0 处的噪声送到 τ = 1 处的数据。它用随机配对的噪声与数据之间的直线 x_τ = (1−τ)·x₀ + τ·x₁ 来训练，但学到的速度场是经过每一点的所有配对的平均，所以采样时走的路径是弯的。注意方向：这里数据在 τ = 1，与 DDPM 的 x₀ 相反。",
        ),
        formula: "x_{τ+h} = x_τ + h · v(x_τ, τ)",
        try_this: tr(
            "Read the straightness (length ÷ chord): close to 1 for flow matching. Switch the sampler to DDPM and read it again.",
            "读出直线度（路径长度 ÷ 弦长）：流匹配接近 1。把采样器换成 DDPM 再读一次。",
        ),
        shot: COURSE,
        params: &[
            ("ghosts", "1"),
            ("samples", "64"),
            ("sampler", "fm"),
            ("k", "10"),
            ("trails", "1"),
            ("demos", "0"),
            ("regression", "1"),
        ],
        sim: PAUSED,
    },
    Step {
        title: tr("One step is not enough", "一步是不够的"),
        body: tr(
            "At τ = 0 the noise says nothing about which way the data go, so the exact velocity there is E[x₁] − x. One Euler step of size 1 therefore lands every sample on the mean: the regression, through the post.",
            "在 τ = 0 处，噪声对数据往哪边走毫无信息，所以那里的精确速度是 E[x₁] − x。步长为 1 的一次欧拉步因此把每个样本都送到均值上：也就是穿过立柱的回归结果。",
        ),
        formula: "K = 1:  x₁ = x + (E[x₁] − x) = E[x₁]",
        try_this: tr(
            "All ghost chunks lie on the red one. Raise K one step at a time: they leave the red path and split into teal and orange.",
            "所有虚影动作块都压在红色那条上。把 K 一次加一：它们离开红色路径，分成青色和橙色两组。",
        ),
        shot: COURSE,
        params: &[
            ("ghosts", "1"),
            ("samples", "64"),
            ("sampler", "fm"),
            ("k", "1"),
            ("trails", "1"),
            ("demos", "0"),
            ("regression", "1"),
        ],
        sim: PAUSED,
    },
    Step {
        title: tr(
            "Heun: look ahead, then average",
            "Heun 法：先探一步，再取平均",
        ),
        body: tr(
            "Heun's method takes an Euler step to a guess x_E, evaluates the velocity there too, and moves with the average of the two. It costs two evaluations per step; the last step is a plain Euler step, so K = 4 costs 7.",
            "Heun 法先用一次欧拉步得到猜测点 x_E，在那里再求一次速度，然后用两者的平均前进。每步需要两次求值；最后一步是普通的欧拉步，所以 K = 4 共需 7 次。",
        ),
        formula: "x_{τ+h} = x_τ + \\frac{h}{2}·(v(x_τ, τ) + v(x_E, τ+h))",
        try_this: tr(
            "Read NFE = 7 in the metrics, then compare the nearest-demo distance with flow matching's Euler steps at K = 4.",
            "在指标中读出 NFE = 7，再与 K = 4 时流匹配欧拉步的“最近示教距离”比较。",
        ),
        shot: COURSE,
        params: &[
            ("ghosts", "1"),
            ("samples", "64"),
            ("sampler", "heun"),
            ("k", "4"),
            ("trails", "1"),
            ("demos", "0"),
            ("regression", "0"),
        ],
        sim: PAUSED,
    },
    Step {
        title: tr("Sampled chunks drive the arm", "采样的动作块驱动机械臂"),
        body: tr(
            "A generative policy samples a chunk at the tool, executes its first 4 positions and samples again: a receding horizon. Each sample commits to one side, so the arm goes round the post instead of into it.",
            "生成式策略在工具处采样一个动作块，执行其中前 4 个位置，然后重新采样：这叫滚动时域。每个样本都选定一侧，所以机械臂会绕过立柱，而不是撞上去。",
        ),
        formula: "(a₁ … a₁₂) ~ p(· | o)  →  run a₁ … a₄  →  ↻",
        try_this: tr(
            "Watch the white chunk and its dots (the positions being executed) follow one of the two bands of demonstrations, and the tally of placed cubes in the panel as the episodes run.",
            "随着回合进行，观察白色动作块及其白点（正在执行的位置）沿着两束演示中的一束前进，并留意面板中成功放置的计数。",
        ),
        shot: COURSE,
        // The sampled cloud is hidden so the chunk being executed stands out against the
        // demonstrations it was learned from.
        params: &[
            ("ghosts", "0"),
            ("driver", "sampled"),
            ("samples", "64"),
            ("sampler", "fm"),
            ("k", "10"),
            ("trails", "0"),
            ("demos", "1"),
            ("regression", "0"),
        ],
        sim: PLAYING,
    },
];

#[cfg(test)]
mod tests {
    use crate::math::generative::{OdeMethod, Run, Sampler};

    /// Heun costs two evaluations a step and one for the last: 7 at K = 4; DDIM costs K.
    #[test]
    fn the_evaluation_counts_the_steps_quote() {
        let heun = Run::from_seed(Sampler::Flow(4, OdeMethod::Heun), 2, 3, 1);
        assert_eq!(heun.nfe_upto(4), 7);
        let ddim = Sampler::Ddim(crate::math::generative::Schedule::cosine(100), 3);
        assert_eq!(Run::from_seed(ddim, 2, 3, 1).nfe_upto(3), 3);
    }
}
