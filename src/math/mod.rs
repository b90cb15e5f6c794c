//! The math core: pure `f64` linear algebra on nalgebra, with no Bevy and no rapier.
//!
//! Every formula the lessons show lives here, tested against independent oracles.
//!
//! Conventions used throughout (and shown in the UI):
//! - `T_ab` is the pose of frame *b* expressed in frame *a*: it maps coordinates of a point in
//!   *b* to coordinates in *a* (`p_a = T_ab · p_b`), so `T_ac = T_ab · T_bc`.
//! - Six-vectors are **linear first**: a twist is `(v, ω)`, a wrench is `(f, τ)`, and a geometric
//!   Jacobian's rows are `(ẋ, ẏ, ż, ωx, ωy, ωz)`.
//! - Quaternions are Hamilton quaternions. Every boundary names its storage order: `wxyz`
//!   (w first) or `xyzw` (w last).
//! - Angles are radians, lengths metres (ROS REP-103).

pub mod backprop;
pub mod bc;
pub mod chunks;
pub mod curved;
pub mod ellipsoid;
pub mod euler;
pub mod free_body;
pub mod generative;
pub mod ik;
pub mod losses;
pub mod lowrank;
pub mod mlp;
pub mod orientation_control;
pub mod proportion;
pub mod rotation;
pub mod rotation_paths;
pub mod se3;
pub mod smoothing;
pub mod so3;
pub mod spatial;
pub mod symeig;

pub use ellipsoid::Manipulability;
pub use euler::{Axis, EulerFrame, EulerSequence};
pub use rotation::Quat;
pub use se3::Transform;
pub use spatial::{SpatialInertia, Twist, Wrench};

/// A column 3-vector (a point, a direction, an angular velocity, …).
pub type Vec3 = nalgebra::Vector3<f64>;
/// A 3×3 matrix; when orthonormal with determinant +1, an element of SO(3).
pub type Mat3 = nalgebra::Matrix3<f64>;
/// A 4×4 homogeneous matrix `[R p; 0 1]`.
pub type Mat4 = nalgebra::Matrix4<f64>;
/// A six-vector, linear part first.
pub type Vec6 = nalgebra::Vector6<f64>;
/// A 6×6 matrix acting on six-vectors (linear part first).
pub type Mat6 = nalgebra::Matrix6<f64>;
/// A geometric Jacobian: 6 rows (linear first), one column per joint.
pub type Jacobian = nalgebra::Matrix6xX<f64>;
