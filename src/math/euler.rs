//! Euler and Tait–Bryan angles: all 12 axis sequences, intrinsic (about the moving axes) or
//! extrinsic (about the fixed axes), to and from rotation matrices, and the Euler-rate matrix
//! `E(θ)` with `ω = E(θ)·θ̇`.
//!
//! * Intrinsic `ABC` with angles `(a, b, c)`: `R = R_A(a)·R_B(b)·R_C(c)`.
//! * Extrinsic `abc` with angles `(a, b, c)`: first `a` about the fixed `A`, then `b` about the
//!   fixed `B`, then `c` about the fixed `C`: `R = R_C(c)·R_B(b)·R_A(a)`. So extrinsic `xyz` is
//!   intrinsic `ZYX` with the angles reversed — URDF's `rpy` is extrinsic `xyz`.
//!
//! Gimbal lock happens when the middle angle makes the first and third axes coincide:
//! `b = ±90°` for Tait–Bryan sequences (three different axes), `b = 0°` or `180°` for proper
//! Euler sequences (first axis = third axis). There only the sum (or difference) of the outer
//! angles is determined; [`EulerSequence::from_matrix`] then sets the **third** angle of the
//! sequence to zero and puts the whole rotation into the first, and reports `locked = true`.

use super::{Mat3, Vec3, so3};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Axis {
    X,
    Y,
    Z,
}

impl Axis {
    pub const ALL: [Axis; 3] = [Axis::X, Axis::Y, Axis::Z];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn unit(self) -> Vec3 {
        let mut v = Vec3::zeros();
        v[self.index()] = 1.0;
        v
    }

    /// The elementary rotation about this axis.
    pub fn rotation(self, angle: f64) -> Mat3 {
        match self {
            Axis::X => so3::rot_x(angle),
            Axis::Y => so3::rot_y(angle),
            Axis::Z => so3::rot_z(angle),
        }
    }

    fn letter(self) -> char {
        ['X', 'Y', 'Z'][self.index()]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EulerFrame {
    /// About the body's own, moving axes (each rotation applied on the right).
    Intrinsic,
    /// About the fixed world axes (each rotation applied on the left).
    Extrinsic,
}

/// One of the 12 axis sequences, intrinsic or extrinsic (24 conventions in all).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EulerSequence {
    pub axes: [Axis; 3],
    pub frame: EulerFrame,
}

/// Angles decomposed from a matrix, with whether the sequence was at gimbal lock.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EulerAngles {
    pub angles: [f64; 3],
    pub locked: bool,
}

/// How close to lock a decomposition must be before the outer angles are treated as one:
/// below this, `|cos b|` (Tait–Bryan) or `|sin b|` (proper Euler) is indistinguishable from
/// round-off in the matrix entries.
pub const LOCK_TOLERANCE: f64 = 1e-9;

impl EulerSequence {
    /// `None` unless consecutive axes differ (XXY and XYY are not valid sequences).
    pub fn new(axes: [Axis; 3], frame: EulerFrame) -> Option<EulerSequence> {
        (axes[0] != axes[1] && axes[1] != axes[2]).then_some(EulerSequence { axes, frame })
    }

    /// All 12 sequences × {intrinsic, extrinsic}.
    pub fn all() -> Vec<EulerSequence> {
        let mut out = Vec::with_capacity(24);
        for frame in [EulerFrame::Intrinsic, EulerFrame::Extrinsic] {
            for a in Axis::ALL {
                for b in Axis::ALL {
                    for c in Axis::ALL {
                        if let Some(s) = EulerSequence::new([a, b, c], frame) {
                            out.push(s);
                        }
                    }
                }
            }
        }
        out
    }

    /// Intrinsic sequences in upper case ("ZYX"), extrinsic in lower case ("xyz"), the
    /// convention SciPy uses.
    pub fn name(self) -> String {
        let s: String = self.axes.iter().map(|a| a.letter()).collect();
        match self.frame {
            EulerFrame::Intrinsic => s,
            EulerFrame::Extrinsic => s.to_lowercase(),
        }
    }

    /// Parses a name as written by [`EulerSequence::name`].
    pub fn parse(name: &str) -> Option<EulerSequence> {
        let chars: Vec<char> = name.chars().collect();
        if chars.len() != 3 {
            return None;
        }
        let upper = chars.iter().all(|c| c.is_ascii_uppercase());
        let lower = chars.iter().all(|c| c.is_ascii_lowercase());
        let frame = match (upper, lower) {
            (true, false) => EulerFrame::Intrinsic,
            (false, true) => EulerFrame::Extrinsic,
            _ => return None,
        };
        let mut axes = [Axis::X; 3];
        for (slot, c) in axes.iter_mut().zip(&chars) {
            *slot = match c.to_ascii_uppercase() {
                'X' => Axis::X,
                'Y' => Axis::Y,
                'Z' => Axis::Z,
                _ => return None,
            };
        }
        EulerSequence::new(axes, frame)
    }

    /// Proper Euler (first axis = third axis, e.g. ZYZ) as opposed to Tait–Bryan (e.g. XYZ).
    pub fn is_proper(self) -> bool {
        self.axes[0] == self.axes[2]
    }

    /// The rotation matrix of the angles `[a, b, c]`.
    pub fn to_matrix(self, angles: [f64; 3]) -> Mat3 {
        let [a, b, c] = angles;
        let [i, j, k] = self.axes;
        match self.frame {
            EulerFrame::Intrinsic => i.rotation(a) * j.rotation(b) * k.rotation(c),
            EulerFrame::Extrinsic => k.rotation(c) * j.rotation(b) * i.rotation(a),
        }
    }

    /// The angles of `r`: the first and third in (−π, π], the middle one in [−π/2, π/2]
    /// (Tait–Bryan) or [0, π] (proper Euler). At gimbal lock the third angle is 0.
    pub fn from_matrix(self, r: &Mat3) -> EulerAngles {
        match self.frame {
            EulerFrame::Intrinsic => intrinsic_angles(self.axes, r, LockZero::Last),
            EulerFrame::Extrinsic => {
                // R = R_C(c)R_B(b)R_A(a) is the intrinsic CBA sequence with angles (c, b, a).
                let [a, b, c] = self.axes;
                let e = intrinsic_angles([c, b, a], r, LockZero::First);
                let [x, y, z] = e.angles;
                EulerAngles {
                    angles: [z, y, x],
                    locked: e.locked,
                }
            }
        }
    }

    /// The middle angle at which this sequence locks is where this function is zero:
    /// `cos b` for Tait–Bryan, `sin b` for proper Euler sequences.
    pub fn lock_measure(self, angles: [f64; 3]) -> f64 {
        if self.is_proper() {
            angles[1].sin()
        } else {
            angles[1].cos()
        }
    }

    /// `E(θ)` with `ω = E(θ)·θ̇`, ω the angular velocity in **world** coordinates.
    ///
    /// Column `n` is the world-frame axis about which the `n`-th angle turns, for the current
    /// angles. `det E = ±cos b` (Tait–Bryan) or `±sin b` (proper Euler): it vanishes at lock,
    /// where two columns become parallel.
    pub fn rate_matrix(self, angles: [f64; 3]) -> Mat3 {
        let [a, b, c] = angles;
        let [i, j, k] = self.axes;
        let (c0, c1, c2) = match self.frame {
            EulerFrame::Intrinsic => {
                let ra = i.rotation(a);
                (i.unit(), ra * j.unit(), ra * j.rotation(b) * k.unit())
            }
            EulerFrame::Extrinsic => {
                let rc = k.rotation(c);
                (rc * j.rotation(b) * i.unit(), rc * j.unit(), k.unit())
            }
        };
        Mat3::from_columns(&[c0, c1, c2])
    }

    /// `E_body(θ) = Rᵀ·E(θ)`, for the angular velocity in body coordinates.
    pub fn rate_matrix_body(self, angles: [f64; 3]) -> Mat3 {
        self.to_matrix(angles).transpose() * self.rate_matrix(angles)
    }

    /// The Euler rates `θ̇ = E(θ)⁻¹·ω` that produce the world angular velocity `ω`; `None` at
    /// lock, where no finite rates exist for most ω.
    pub fn rates_for(self, angles: [f64; 3], omega_world: &Vec3) -> Option<Vec3> {
        let e = self.rate_matrix(angles);
        if e.determinant().abs() < LOCK_TOLERANCE {
            return None;
        }
        e.lu().solve(omega_world)
    }
}

/// The singular values of `E(θ)`, largest first. One of them goes to zero at gimbal lock.
pub fn rate_singular_values(e: &Mat3) -> [f64; 3] {
    let s = e.singular_values();
    let mut v = [s[0], s[1], s[2]];
    v.sort_by(|a, b| b.total_cmp(a));
    v
}

#[derive(Clone, Copy)]
enum LockZero {
    First,
    Last,
}

/// The angle θ of an elementary rotation `R_axis(θ)` read from any matrix that is one.
fn elementary_angle(axis: Axis, m: &Mat3) -> f64 {
    let p = (axis.index() + 1) % 3;
    let r = (axis.index() + 2) % 3;
    m[(r, p)].atan2(m[(p, p)])
}

fn is_even_permutation(i: usize, j: usize, k: usize) -> bool {
    (i, j, k) == (0, 1, 2) || (i, j, k) == (1, 2, 0) || (i, j, k) == (2, 0, 1)
}

fn intrinsic_angles(axes: [Axis; 3], r: &Mat3, lock_zero: LockZero) -> EulerAngles {
    let [ai, aj, ak] = axes;
    let (i, j, k) = (ai.index(), aj.index(), ak.index());
    let (mut a, b, mut c, locked);
    if i == k {
        // Proper Euler: R = R_i(a)R_j(b)R_i(c); m is the remaining axis.
        let m = 3 - i - j;
        let s = if is_even_permutation(i, j, m) {
            1.0
        } else {
            -1.0
        };
        let sb = r[(i, j)].hypot(r[(i, m)]);
        b = sb.atan2(r[(i, i)]);
        locked = sb < LOCK_TOLERANCE;
        a = r[(j, i)].atan2(-s * r[(m, i)]);
        c = r[(i, j)].atan2(s * r[(i, m)]);
    } else {
        // Tait–Bryan: R = R_i(a)R_j(b)R_k(c), s the sign of the permutation (i, j, k).
        let s = if is_even_permutation(i, j, k) {
            1.0
        } else {
            -1.0
        };
        let cb = r[(i, i)].hypot(r[(i, j)]);
        b = (s * r[(i, k)]).atan2(cb);
        locked = cb < LOCK_TOLERANCE;
        a = (-s * r[(j, k)]).atan2(r[(k, k)]);
        c = (-s * r[(i, j)]).atan2(r[(i, i)]);
    }
    if locked {
        // Only a ± c is determined: zero one outer angle and solve for the other exactly.
        let rb = aj.rotation(b);
        match lock_zero {
            LockZero::Last => {
                c = 0.0;
                a = elementary_angle(ai, &(r * rb.transpose()));
            }
            LockZero::First => {
                a = 0.0;
                c = elementary_angle(ak, &(rb.transpose() * r));
            }
        }
    }
    EulerAngles {
        angles: [a, b, c],
        locked,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use proptest::prelude::*;
    use std::f64::consts::{FRAC_PI_2, PI};

    #[test]
    fn there_are_24_conventions_and_names_round_trip() {
        let all = EulerSequence::all();
        assert_eq!(all.len(), 24);
        for s in &all {
            assert_eq!(EulerSequence::parse(&s.name()), Some(*s));
        }
        assert_eq!(all.iter().filter(|s| s.is_proper()).count(), 12);
        assert!(EulerSequence::parse("XXY").is_none());
        assert!(EulerSequence::parse("Xyz").is_none());
    }

    #[test]
    fn extrinsic_xyz_is_urdf_rpy() {
        let seq = EulerSequence::parse("xyz").expect("valid");
        let (r, p, y) = (0.2, -0.7, 1.3);
        assert_relative_eq!(
            seq.to_matrix([r, p, y]),
            so3::from_rpy(r, p, y),
            epsilon = 1e-15
        );
    }

    #[test]
    fn matches_nalgebra_roll_pitch_yaw() {
        // nalgebra's from_euler_angles(roll, pitch, yaw) is extrinsic xyz (= intrinsic ZYX).
        let seq = EulerSequence::parse("ZYX").expect("valid");
        let (r, p, y) = (0.4, 0.3, -2.0);
        let oracle = nalgebra::Rotation3::from_euler_angles(r, p, y).into_inner();
        assert_relative_eq!(seq.to_matrix([y, p, r]), oracle, epsilon = 1e-15);
        let back = seq.from_matrix(&oracle);
        assert_relative_eq!(back.angles[0], y, epsilon = 1e-12);
        assert_relative_eq!(back.angles[1], p, epsilon = 1e-12);
        assert_relative_eq!(back.angles[2], r, epsilon = 1e-12);
    }

    #[test]
    fn lock_gives_a_defined_result_that_reproduces_the_matrix() {
        for seq in EulerSequence::all() {
            let locks: &[f64] = if seq.is_proper() {
                &[0.0, PI]
            } else {
                &[FRAC_PI_2, -FRAC_PI_2]
            };
            for &b in locks {
                let r = seq.to_matrix([0.7, b, -0.4]);
                let e = seq.from_matrix(&r);
                assert!(e.locked, "{} at b = {b} should be locked", seq.name());
                assert_eq!(
                    e.angles[2],
                    0.0,
                    "{}: third angle zeroed at lock",
                    seq.name()
                );
                assert_relative_eq!(seq.to_matrix(e.angles), r, epsilon = 1e-12);
                let again = seq.from_matrix(&r);
                assert_eq!(again, e, "deterministic");
            }
        }
    }

    #[test]
    fn rate_matrix_determinant_is_cos_or_sin_of_the_middle_angle() {
        for seq in EulerSequence::all() {
            for b in [0.3, 1.0, 1.5, 2.5] {
                let angles = [0.4, b, -1.1];
                let det = seq.rate_matrix(angles).determinant().abs();
                let expected = seq.lock_measure(angles).abs();
                assert_relative_eq!(det, expected, epsilon = 1e-12);
            }
            let lock = if seq.is_proper() { 0.0 } else { FRAC_PI_2 };
            let sv = rate_singular_values(&seq.rate_matrix([0.2, lock, 0.5]));
            assert!(sv[2] < 1e-12, "{}: σ_min at lock = {}", seq.name(), sv[2]);
            assert!(seq.rates_for([0.2, lock, 0.5], &Vec3::x()).is_none());
        }
    }

    #[test]
    fn euler_rates_blow_up_near_lock() {
        let seq = EulerSequence::parse("ZYX").expect("valid");
        let omega = Vec3::new(1.0, 0.0, 0.0); // about the world X axis
        let far = seq.rates_for([0.0, 0.2, 0.0], &omega).expect("regular");
        let near = seq
            .rates_for([0.0, FRAC_PI_2 - 1e-4, 0.0], &omega)
            .expect("regular");
        assert!(far.amax() < 2.0);
        assert!(near.amax() > 1e3);
    }

    fn angles() -> impl Strategy<Value = [f64; 3]> {
        (-3.1..3.1f64, -3.1..3.1f64, -3.1..3.1f64).prop_map(|(a, b, c)| [a, b, c])
    }

    proptest! {
        #[test]
        fn round_trips_away_from_lock(idx in 0usize..24, raw in angles()) {
            let seq = EulerSequence::all()[idx];
            // Put the middle angle in its principal range, at least 0.01 rad from lock.
            let b = if seq.is_proper() {
                0.01 + (raw[1].abs() / 3.1) * (PI - 0.02)
            } else {
                raw[1] / 3.1 * (FRAC_PI_2 - 0.01)
            };
            let want = [raw[0], b, raw[2]];
            let r = seq.to_matrix(want);
            let got = seq.from_matrix(&r);
            prop_assert!(!got.locked);
            for n in 0..3 {
                prop_assert!((got.angles[n] - want[n]).abs() < 1e-9,
                    "{} angle {n}: {} vs {}", seq.name(), got.angles[n], want[n]);
            }
        }

        #[test]
        fn any_rotation_decomposes_exactly(idx in 0usize..24, raw in angles()) {
            let seq = EulerSequence::all()[idx];
            let r = so3::exp(&(Vec3::new(raw[0], raw[1], raw[2]) * 0.5));
            let got = seq.from_matrix(&r);
            prop_assert!((seq.to_matrix(got.angles) - r).amax() < 1e-12);
        }

        #[test]
        fn rate_matrix_matches_finite_differences(idx in 0usize..24, th in angles(), d in angles()) {
            let seq = EulerSequence::all()[idx];
            let h = 1e-6;
            let plus = seq.to_matrix([th[0] + h * d[0], th[1] + h * d[1], th[2] + h * d[2]]);
            let minus = seq.to_matrix([th[0] - h * d[0], th[1] - h * d[1], th[2] - h * d[2]]);
            let rdot = (plus - minus) / (2.0 * h);
            let omega = so3::vee(&(rdot * seq.to_matrix(th).transpose()));
            let predicted = seq.rate_matrix(th) * Vec3::new(d[0], d[1], d[2]);
            prop_assert!((omega - predicted).amax() < 1e-6);
            let body = seq.rate_matrix_body(th) * Vec3::new(d[0], d[1], d[2]);
            prop_assert!((seq.to_matrix(th) * body - predicted).amax() < 1e-12);
        }
    }
}
