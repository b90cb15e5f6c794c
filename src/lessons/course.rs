//! The course: the glossary of the terms the steps use, where each is taught, and what a step
//! needs from another lesson. The app's glossary, course map and "you will need" links read
//! these two tables.

use crate::kit::course::{Need, Picture, Term};
use crate::kit::tr;

pub const GLOSSARY: &[Term] = &[
    Term {
        id: "homogeneous",
        name: tr("homogeneous coordinates", "齐次坐标"),
        definition: tr(
            "A point or direction in 3D written with a fourth number w, so that one 4×4 matrix both rotates and translates. A point has w = 1, so T's last column (the translation) acts on it; a direction (an axis, a velocity) has w = 0, so only the rotation does. That is why T ends in the row (0, 0, 0, 1).",
            "三维的点或方向多写一个数 w，于是一个 4×4 矩阵就能同时旋转和平移。点的 w = 1，所以 T 的最后一列（平移）作用在它上面；方向（轴、速度）的 w = 0，所以只有旋转作用在它上面。这就是 T 的最后一行是 (0, 0, 0, 1) 的原因。",
        ),
        formula: r"\mat{R & p ; 0 & 1}·\mat{x ; 1} = \mat{Rx + p ; 1},   \mat{R & p ; 0 & 1}·\mat{d ; 0} = \mat{Rd ; 0}",
        taught: Some(("frames", 0)),
        spotted_by: &["T_ab = ", "homogeneous", "齐次", "4×4"],
        picture: Some(Picture::PointAndDirection),
    },
    Term {
        id: "se3",
        name: tr("SE(3), rigid motions", "SE(3)，刚体运动"),
        definition: tr(
            "The rigid motions of space: a rotation R and a translation p, written as the 4×4 matrix T. Composing two motions is the matrix product (its order matters), and the inverse is [Rᵀ, −Rᵀp], not a general matrix inverse. Its tangent space se(3) holds the twists.",
            "空间中的刚体运动：一个旋转 R 加一个平移 p，写成 4×4 矩阵 T。两个运动复合就是矩阵相乘（顺序有关），逆是 [Rᵀ, −Rᵀp]，不需要一般的矩阵求逆。它的切空间 se(3) 里是运动旋量。",
        ),
        formula: r"SE(3) = { \mat{R & p ; 0 & 1} : R ∈ SO(3), p ∈ ℝ³ }",
        taught: Some(("frames", 3)),
        spotted_by: &["SE(3)", "se(3)", "rigid motion", "Rigid motion", "刚体运动"],
        picture: None,
    },
    Term {
        id: "jacobian",
        name: tr("Jacobian", "雅可比矩阵"),
        definition: tr(
            "The matrix of first derivatives of a function: column i says how every output moves when input i moves a little. For an arm, J(q) maps joint speeds to the tool's velocity; it is 6×n for n joints and changes with q.",
            "函数一阶导数排成的矩阵：第 i 列说明输入 i 动一点时每个输出怎样动。对机械臂，J(q) 把关节速度映射为工具的速度；n 个关节时它是 6×n，并且随 q 变化。",
        ),
        formula: r"J = \frac{∂x}{∂q},   \frac{dx}{dt} = J(q)·\frac{dq}{dt}",
        taught: Some(("jacobian", 0)),
        spotted_by: &["Jacobian", "雅可比", "J(q)"],
        picture: None,
    },
    Term {
        id: "singular",
        name: tr("singular value, SVD", "奇异值，奇异值分解"),
        definition: tr(
            "Every matrix factors as J = UΣVᵀ, with U and V orthogonal and Σ diagonal, σ₁ ≥ σ₂ ≥ … ≥ 0. A unit input along vᵢ (a column of V) comes out along uᵢ, stretched by σᵢ. So J maps the unit ball to an ellipsoid with semi-axes σᵢuᵢ; a σᵢ near zero is a direction the matrix can hardly produce.",
            "任何矩阵都能分解为 J = UΣVᵀ，U、V 是正交矩阵，Σ 是对角矩阵，σ₁ ≥ σ₂ ≥ … ≥ 0。沿 vᵢ（V 的一列）的单位输入，输出沿 uᵢ，并被拉伸 σᵢ 倍。所以 J 把单位球映射成半轴为 σᵢuᵢ 的椭球；接近零的 σᵢ 是矩阵几乎无法产生的方向。",
        ),
        formula: "J = UΣVᵀ,   J vᵢ = σᵢ uᵢ",
        taught: Some(("jacobian", 2)),
        spotted_by: &["σᵢ", "σ_min", "singular value", "SVD", "奇异值"],
        picture: None,
    },
    Term {
        id: "pseudo_inverse",
        name: tr("pseudo-inverse J⁺", "伪逆 J⁺"),
        definition: tr(
            "The one matrix that meets all four Penrose conditions. For a wide J of full rank (more joints than task directions) it is Jᵀ(JJᵀ)⁻¹, and J⁺v is the smallest joint velocity that produces v. Other right inverses solve the same equation with joint speeds never shorter; the first two conditions alone do not pin J⁺ down.",
            "满足全部四个 Penrose 条件的唯一矩阵。对满秩的宽矩阵 J（关节数多于任务方向数），它等于 Jᵀ(JJᵀ)⁻¹，J⁺v 是产生 v 的最小关节速度。其他右逆也能解同一个方程，但关节速度不会更短；只用前两个条件确定不了 J⁺。",
        ),
        formula: "J⁺ = V Σ⁺ Uᵀ",
        taught: Some(("jacobian", 4)),
        spotted_by: &["J⁺", "pseudo-inverse", "伪逆"],
        picture: None,
    },
    Term {
        id: "plucker",
        name: tr(
            "Plücker coordinates: twists and wrenches",
            "Plücker 坐标：运动旋量与力旋量",
        ),
        definition: tr(
            "Six numbers for a rigid body's velocity, the twist V = (ω, v), or for a force on it, the wrench F = (n, f), each taken at a chosen point. Moving that point changes v and n by cross products; a 6×6 matrix X does it for twists and X* = X⁻ᵀ for wrenches, so the power Fᵀ V is the same in every frame.",
            "用六个数表示刚体的速度，即运动旋量 V = (ω, v)，或作用在它上面的力，即力旋量 F = (n, f)，都相对一个选定的点。换一个点，v 和 n 会按叉乘改变；对运动旋量由 6×6 矩阵 X 完成，对力旋量由 X* = X⁻ᵀ 完成，所以功率 Fᵀ V 在任何坐标系里都一样。",
        ),
        formula: "V = (ω, v),   F = (n, f),   P = Fᵀ V",
        taught: Some(("jacobian", 7)),
        spotted_by: &["Plücker", "twist", "Twist", "wrench", "旋量"],
        picture: None,
    },
    Term {
        id: "so3",
        name: tr("SO(3), rotation matrices", "SO(3)，旋转矩阵"),
        definition: tr(
            "The 3×3 matrices with RᵀR = I and det R = 1. The product of two is again one, and each has an inverse, Rᵀ: they form a group. It is a curved space of dimension three, not a vector space: the sum of two rotation matrices is not a rotation.",
            "满足 RᵀR = I 且 det R = 1 的 3×3 矩阵。两个相乘还是旋转矩阵，每个都有逆 Rᵀ：它们构成一个群。它是三维的弯曲空间，不是向量空间：两个旋转矩阵相加不是旋转。",
        ),
        formula: "SO(3) = { R ∈ ℝ^{3×3} : RᵀR = I,  det R = 1 }",
        taught: Some(("frames", 4)),
        spotted_by: &["SO(3)", "rotation matrix", "旋转矩阵"],
        picture: None,
    },
    Term {
        id: "euler",
        name: tr("Euler angles", "欧拉角"),
        definition: tr(
            "Three angles for a rotation, applied about three axes in a fixed order (here Z, then Y, then X). Easy to read, but as coordinates on SO(3) they fail at the middle angle ±90°, where two of the axes line up.",
            "用三个角表示一个旋转，按固定顺序绕三根轴转（这里先 Z，再 Y，再 X）。容易读，但作为 SO(3) 上的坐标，它们在中间角为 ±90° 时失效，那时两根轴重合。",
        ),
        formula: "R = R_z(a)·R_y(b)·R_x(c)",
        taught: Some(("rotations", 0)),
        spotted_by: &["Euler angle", "欧拉角", "R_z(a)"],
        picture: None,
    },
    Term {
        id: "gimbal_lock",
        name: tr("gimbal lock", "万向节锁"),
        definition: tr(
            "At b = ±90° the first and last Euler rotations turn about the same axis, so only a − c matters (a + c at −90°) and one direction of rotation cannot be reached by small changes of the angles. The rotation itself is fine; the angles, as coordinates, break down there.",
            "当 b = ±90° 时，第一个和最后一个欧拉旋转绕的是同一根轴，只有 a − c 起作用（b = −90° 时是 a + c），有一个转动方向无法通过角度的小变化达到。旋转本身没有问题，是这组角作为坐标在那里失效了。",
        ),
        formula: "b = 90°:  R = R_z(a − c)·R_y(90°)",
        taught: Some(("rotations", 1)),
        spotted_by: &["gimbal", "Gimbal", "万向节"],
        picture: None,
    },
    Term {
        id: "quaternion",
        name: tr("unit quaternion", "单位四元数"),
        definition: tr(
            "Four numbers q = (w, x, y, z) with |q| = 1 that hold a rotation by θ about the unit axis k as (cos θ/2, sin θ/2·k). q and −q are the same rotation. A vector turns by q v q*, where the half angle is used twice.",
            "四个数 q = (w, x, y, z)，|q| = 1，把绕单位轴 k 转 θ 的旋转写成 (cos θ/2, sin θ/2·k)。q 和 −q 是同一个旋转。向量按 q v q* 旋转，半个角在这里被用了两次。",
        ),
        formula: r"q = (cos \frac{θ}{2}, sin \frac{θ}{2}·k),   v ↦ q v q*",
        taught: Some(("rotations", 4)),
        spotted_by: &["quaternion", "四元数"],
        picture: None,
    },
    Term {
        id: "policy",
        name: tr("policy, as a distribution", "策略（一个分布）"),
        definition: tr(
            "A policy π(a | o) is a probability distribution over actions given the observation, not one answer. Sampling it gives an action; its mean is what regression learns. When the data have two good modes, their mean can be a bad action, so the distribution matters.",
            "策略 π(a | o) 是给定观测时动作的概率分布，而不是一个答案。从中采样得到一个动作；它的均值是回归学到的东西。当数据有两个好的模式时，它们的平均可能是一个坏动作，所以分布很重要。",
        ),
        formula: "a ~ π(· | o)",
        taught: Some(("generative", 0)),
        spotted_by: &["policy", "Policy", "策略", "π(", "π_θ"],
        picture: None,
    },
    Term {
        id: "expectation",
        name: tr("expectation E[·]", "期望 E[·]"),
        definition: tr(
            "The average of f(X) over the distribution of X, estimated by the mean over samples. A loss is an expectation over the data; the function that minimises the expected squared error E|f(o) − a|² is the conditional mean E[a | o].",
            "f(X) 在 X 的分布下的平均，用样本的均值来估计。损失是对数据的期望；使期望平方误差 E|f(o) − a|² 最小的函数就是条件均值 E[a | o]。",
        ),
        formula: r"E[f(X)] = ∫ p(x) f(x) dx ≈ \frac{1}{N} Σᵢ f(xᵢ)",
        taught: Some(("generative", 1)),
        spotted_by: &["E[", "E|", "expectation", "期望"],
        picture: None,
    },
    Term {
        id: "chunk",
        name: tr("action chunk", "动作块"),
        definition: tr(
            "H actions predicted at once from one observation, of which the robot runs the first h before it asks again. Chunks keep a motion consistent over time and need fewer calls of the network; running fewer than H reacts sooner to surprises.",
            "从一次观测一次预测 H 个动作，机器人先执行前 h 个再重新预测。动作块让运动在时间上保持一致，也减少网络调用次数；执行少于 H 个能更快应对意外。",
        ),
        formula: "(a_t, …, a_{t+H−1}) = π(o_t)",
        taught: Some(("actions", 3)),
        spotted_by: &["chunk", "动作块"],
        picture: None,
    },
    Term {
        id: "gradient",
        name: tr("gradient ∇L", "梯度 ∇L"),
        definition: tr(
            "The vector of partial derivatives of a number L with respect to every parameter. It points where L grows fastest, and its dot product with a small change Δw is L's first-order change. Backpropagation computes all of it for about the cost of one forward and one backward pass.",
            "一个数 L 对每个参数的偏导数组成的向量。它指向 L 增长最快的方向，它与小变化 Δw 的点积就是 L 的一阶变化。反向传播大约用一次前向和一次反向计算的代价就能算出全部梯度。",
        ),
        formula: "L(w + Δw) ≈ L(w) + ∇Lᵀ Δw",
        taught: Some(("gradients", 3)),
        spotted_by: &["∇", "gradient", "Gradient", "梯度"],
        picture: None,
    },
    Term {
        id: "chain_rule",
        name: tr("chain rule, backpropagation", "链式法则，反向传播"),
        definition: tr(
            "The derivative of a composition is the product of the derivatives, in order. Backpropagation evaluates that product from the loss backwards, one matrix-vector product per layer, which is why it costs about as much as the forward pass.",
            "复合函数的导数是各层导数按顺序的乘积。反向传播从损失开始往回计算这个乘积，每层一次矩阵与向量的乘法，所以它的代价和前向计算差不多。",
        ),
        formula: r"\frac{∂L}{∂θ} = \frac{∂L}{∂a}·\frac{∂a}{∂h}·\frac{∂h}{∂θ}",
        taught: Some(("gradients", 4)),
        spotted_by: &["chain rule", "链式法则", "backprop", "反向传播"],
        picture: None,
    },
    Term {
        id: "mse",
        name: tr("mean squared error", "均方误差"),
        definition: tr(
            "The mean of |prediction − target|² over the data. Minimising it gives the mean of the targets: right for one Gaussian, wrong for data with two modes. Up to a scale and a constant it is the negative log-likelihood of a Gaussian of fixed spread.",
            "预测与目标之差的平方在数据上的平均。使它最小得到的是目标的均值：对单个高斯分布是对的，对有两个模式的数据是错的。除了一个比例和一个常数，它就是固定方差的高斯分布的负对数似然。",
        ),
        formula: r"MSE = \frac{1}{N} Σᵢ ‖f(oᵢ) − aᵢ‖²",
        taught: Some(("losses", 1)),
        spotted_by: &["squared error", "MSE", "平方误差"],
        picture: None,
    },
    Term {
        id: "softmax",
        name: tr("softmax", "softmax"),
        definition: tr(
            "Turns scores into probabilities: each is the exponential of its score over the sum of all of them. The results are positive and add up to one, and adding the same constant to every score changes nothing.",
            "把分数变成概率：每个概率是它的分数取指数，再除以所有分数取指数之和。结果都是正数，加起来等于一；每个分数加上同一个常数不改变结果。",
        ),
        formula: r"pᵢ = \frac{exp(zᵢ)}{Σⱼ exp(zⱼ)}",
        taught: Some(("losses", 2)),
        spotted_by: &["softmax"],
        picture: None,
    },
    Term {
        id: "kl",
        name: tr("KL divergence", "KL 散度"),
        definition: tr(
            "How much a distribution q loses in describing p: the expectation under p of log p/q. It is never negative and zero only when q = p, but it is not a distance: KL(p‖q) and KL(q‖p) differ, and fitting q by the first covers every mode of p while the second tends to pick one.",
            "用分布 q 描述 p 时损失了多少：在 p 下对 log p/q 求期望。它从不为负，只有 q = p 时为零，但它不是距离：KL(p‖q) 与 KL(q‖p) 不同，用前者拟合 q 会覆盖 p 的所有模式，用后者则往往只选其中一个。",
        ),
        formula: r"KL(p‖q) = ∫ p(a) log \frac{p(a)}{q(a)} da ≥ 0",
        taught: Some(("losses", 4)),
        spotted_by: &["KL"],
        picture: None,
    },
    Term {
        id: "advantage",
        name: tr("advantage A", "优势 A"),
        definition: tr(
            "How much better an action did than the policy does on average from the same state. Policy-gradient methods raise the probability of actions with A > 0 and lower it for A < 0; subtracting the average does not change the gradient's expectation, only its noise.",
            "一个动作比策略在同一状态下的平均表现好多少。策略梯度方法增大 A > 0 的动作的概率，降低 A < 0 的动作的概率；减去平均值不改变梯度的期望，只减小它的噪声。",
        ),
        formula: "A(s, a) = Q(s, a) − V(s)",
        taught: Some(("losses", 6)),
        spotted_by: &["advantage", "优势"],
        picture: None,
    },
    Term {
        id: "skew",
        name: tr("ω^ and [p]×, the skew matrix", "ω^ 与 [p]×，反对称矩阵"),
        definition: tr(
            "The 3×3 matrix that does a cross product: ω^ v = ω × v for every v ([p]× is the same thing for p). Its transpose is its negative, so three numbers fill it, the components of ω. A rotation's rate of change lives here: Ṙ = R ω^.",
            "做叉乘的 3×3 矩阵：对每个 v 都有 ω^ v = ω × v（[p]× 对 p 也一样）。它的转置等于它的相反数，所以只由三个数决定，就是 ω 的分量。旋转的变化率就在这里：Ṙ = R ω^。",
        ),
        formula: r"ω^ = \mat{0 & −ω_z & ω_y ; ω_z & 0 & −ω_x ; −ω_y & ω_x & 0}",
        taught: Some(("dynamics", 3)),
        spotted_by: &["ω^", "[p]×", "Δφₖ^", "skew", "反对称"],
        picture: Some(Picture::Cross),
    },
    Term {
        id: "lie",
        name: tr("Lie group, Lie algebra", "李群，李代数"),
        definition: tr(
            "A Lie group is a group that is also a smooth curved space, such as SO(3) or SE(3). Its Lie algebra, so(3) or se(3), is the flat tangent space at the identity, where velocities live and can be added. exp carries the algebra onto the group; composing in the group is adding in the algebra only to first order.",
            "李群是同时为光滑弯曲空间的群，例如 SO(3) 或 SE(3)。它的李代数 so(3) 或 se(3) 是单位元处平坦的切空间，速度就在那里，可以相加。exp 把李代数映到李群上；在群里复合，只在一阶近似下等于在代数里相加。",
        ),
        formula: r"exp(a)·exp(b) = exp(a + b + ½[a, b] + …)",
        taught: Some(("dynamics", 4)),
        spotted_by: &["Lie", "李群", "李代数", "so(3)", "log(eᵃeᵇ)"],
        picture: None,
    },
    Term {
        id: "exp_map",
        name: tr("exponential map", "指数映射"),
        definition: tr(
            "exp turns a velocity held for a unit of time into the motion it makes: exp(ω^ t) turns by the angle |ω|t about ω. With a constant ω, Ṙ = R ω^ integrates exactly to R(t) = R₀ exp(ω^ t), where adding ω·dt to three angles drifts.",
            "exp 把保持一个单位时间的速度变成它产生的运动：exp(ω^ t) 绕 ω 转过角度 |ω|t。ω 不变时，Ṙ = R ω^ 的精确积分是 R(t) = R₀ exp(ω^ t)，而把 ω·dt 加到三个角上会漂移。",
        ),
        formula: r"exp(θ k^) = I + sin θ·k^ + (1 − cos θ)·(k^)²",
        taught: Some(("dynamics", 3)),
        spotted_by: &["exp(ω", "exp(½", "exp(Δφ", "exponential map", "指数映射"],
        picture: None,
    },
];

/// What a step uses before, or away from, the step that teaches it.
pub const NEEDS: &[Need] = &[
    // The Jacobian's ellipsoids and inverse: the SVD.
    Need {
        lesson: "jacobian",
        step: 4,
        term: "singular",
    },
    Need {
        lesson: "jacobian",
        step: 5,
        term: "singular",
    },
    // Rotations: the quaternion step uses exp before the exponential map is taught.
    Need {
        lesson: "rotations",
        step: 4,
        term: "exp_map",
    },
    Need {
        lesson: "rotations",
        step: 5,
        term: "so3",
    },
    // Generative models are trained with losses and gradients (later lessons).
    Need {
        lesson: "generative",
        step: 1,
        term: "mse",
    },
    Need {
        lesson: "generative",
        step: 4,
        term: "gradient",
    },
    Need {
        lesson: "generative",
        step: 4,
        term: "mse",
    },
    Need {
        lesson: "actions",
        step: 3,
        term: "policy",
    },
    Need {
        lesson: "gradients",
        step: 8,
        term: "jacobian",
    },
    Need {
        lesson: "gradients",
        step: 9,
        term: "policy",
    },
    Need {
        lesson: "losses",
        step: 4,
        term: "expectation",
    },
    Need {
        lesson: "losses",
        step: 6,
        term: "gradient",
    },
    Need {
        lesson: "losses",
        step: 10,
        term: "singular",
    },
    Need {
        lesson: "dynamics",
        step: 2,
        term: "pseudo_inverse",
    },
    Need {
        lesson: "dynamics",
        step: 3,
        term: "so3",
    },
    Need {
        lesson: "dynamics",
        step: 5,
        term: "plucker",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::course::Course;
    use crate::lessons::{ALL, find};

    fn course() -> Course {
        Course {
            terms: GLOSSARY,
            needs: NEEDS,
        }
    }

    /// The terms a newcomer meets without a definition today, each in the glossary.
    #[test]
    fn the_glossary_defines_the_terms_the_steps_rely_on() {
        for id in [
            "skew",
            "homogeneous",
            "so3",
            "se3",
            "lie",
            "plucker",
            "singular",
            "jacobian",
            "advantage",
            "policy",
            "expectation",
            "exp_map",
            "pseudo_inverse",
            "kl",
        ] {
            assert!(course().term(id).is_some(), "{id}");
        }
        let mut ids: Vec<_> = GLOSSARY.iter().map(|t| t.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), GLOSSARY.len(), "a term twice");
    }

    /// Each term's teaching step exists and uses the term; each term is used by at least one
    /// step (so its card links to it); each definition is two to four sentences.
    #[test]
    fn every_term_is_taught_where_it_says_and_reachable_from_a_step() {
        let c = course();
        for t in GLOSSARY {
            let (lesson, step) = t.taught.expect("every term is taught somewhere");
            let info = find(lesson).unwrap_or_else(|| panic!("{}: no lesson {lesson}", t.id));
            let s = info
                .steps
                .get(step)
                .unwrap_or_else(|| panic!("{}: no step {} in {lesson}", t.id, step + 1));
            assert!(
                c.terms_in(s).iter().any(|x| x.id == t.id),
                "{}: {lesson} step {} does not use it",
                t.id,
                step + 1
            );
            let sentences = t.definition.en.matches(". ").count() + 1;
            assert!(
                (2..=4).contains(&sentences),
                "{}: {sentences} sentences",
                t.id
            );
            assert!(!t.definition.zh.is_empty() && !t.name.zh.is_empty());
            assert!(
                !crate::kit::typeset::plain(t.formula).contains('\\'),
                "{}",
                t.id
            );
        }
    }

    #[test]
    fn every_need_points_at_a_term_taught_in_another_step() {
        let c = course();
        for n in NEEDS {
            let info = find(n.lesson).expect("lesson");
            assert!(n.step < info.steps.len(), "{n:?}");
            let t = c.term(n.term).unwrap_or_else(|| panic!("{n:?}: no term"));
            assert_ne!(
                t.taught,
                Some((n.lesson, n.step)),
                "{n:?} teaches it itself"
            );
        }
        // The course map: every lesson teaches something.
        for l in ALL {
            assert!(!c.taught_by(l.id).is_empty(), "{} teaches no term", l.id);
        }
    }

    #[test]
    fn the_glossary_has_every_glyph() {
        let mut text = String::new();
        for t in GLOSSARY {
            for s in [t.name.en, t.name.zh, t.definition.en, t.definition.zh] {
                text.push_str(s);
            }
            text.push_str(&crate::kit::typeset::plain(t.formula));
        }
        let missing = crate::kit::i18n::missing_glyphs(&text);
        assert!(
            missing.is_empty(),
            "no glyph for {missing:?}: run `python3 assets/fonts/subset.py`"
        );
    }
}
