//! Loading what mainstream URDF tools load: small defects in published robot descriptions are
//! repaired or ignored, and each kind of repair becomes one warning line.
//!
//! A file that is truly malformed (a broken tree, a missing link, a negative mass, an inertia
//! far from physical) is still refused with one error line; this module only covers the
//! defects that other parsers pass over silently, so that a class's own robot opens.

use crate::math::Mat3;
use std::borrow::Cow;

/// One kind of defect found while loading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// `<texture/>` with no file name (urdf-rs requires one; the texture is only decoration).
    EmptyTexture,
    /// A `<mimic>` naming a joint that does not exist, a fixed joint, itself or another mimic.
    BrokenMimic,
    /// An inertia tensor slightly outside the positive semi-definite cone.
    InertiaProjected,
    /// Principal moments no rigid body has: one larger than the other two together.
    InertiaTriangle,
    /// A revolute or prismatic joint without the `<limit>` URDF requires.
    MissingLimit,
    /// Joint limits so large that they mean "none".
    HugeLimit,
}

impl Cause {
    /// What was done, after the list of places.
    fn consequence(self) -> &'static str {
        match self {
            Cause::EmptyTexture => "ignored (a <texture> with no filename; colours are kept)",
            Cause::BrokenMimic => "the mimic is ignored and the joint moves on its own",
            Cause::InertiaProjected => {
                "not positive semi-definite; projected to the nearest valid inertia (negative principal moments set to 0)"
            }
            Cause::InertiaTriangle => {
                "principal moments break the triangle inequality (no rigid body has them); kept as given"
            }
            Cause::MissingLimit => {
                "revolute or prismatic without the <limit> URDF requires; taken as unlimited, with no effort or velocity limit"
            }
            Cause::HugeLimit => "limits beyond ±1e6 taken as no limit",
        }
    }

    fn what(self, n: usize) -> &'static str {
        match (self, n) {
            (Cause::EmptyTexture, 1) => "material",
            (Cause::EmptyTexture, _) => "materials",
            (Cause::BrokenMimic, 1) => "joint",
            (Cause::BrokenMimic, _) => "joints",
            (Cause::InertiaProjected, 1) => "inertia of link",
            (Cause::InertiaProjected, _) => "inertias of links",
            (Cause::InertiaTriangle, 1) => "inertia of link",
            (Cause::InertiaTriangle, _) => "inertias of links",
            (Cause::MissingLimit | Cause::HugeLimit, 1) => "joint",
            (Cause::MissingLimit | Cause::HugeLimit, _) => "joints",
        }
    }
}

/// The repairs made while loading one file, grouped by cause.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Repairs {
    found: Vec<(Cause, String)>,
    /// Joints whose element has no `<limit>` child (urdf-rs reads them as limited to 0..0).
    limitless: std::collections::HashSet<String>,
}

/// At most this many places are named in one warning; the rest are counted.
const NAMED: usize = 4;

impl Repairs {
    /// Records that `place` (a quoted name with any detail) was repaired for `cause`.
    pub fn add(&mut self, cause: Cause, place: String) {
        self.found.push((cause, place));
    }

    pub fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// Names that were read as tokens (see `super::compact`) given back: `full` restores a
    /// name looked up later, `short` writes a place named in a warning.
    pub fn restore_names(&mut self, full: impl Fn(&mut String), short: impl Fn(&str) -> String) {
        for (_, place) in &mut self.found {
            *place = short(place);
        }
        self.limitless = std::mem::take(&mut self.limitless)
            .into_iter()
            .map(|mut n| {
                full(&mut n);
                n
            })
            .collect();
    }

    /// Whether the joint named `joint` was written without a `<limit>` element.
    pub fn lacks_limit(&self, joint: &str) -> bool {
        self.limitless.contains(joint)
    }

    /// One line per cause, causes in a fixed order, places in file order.
    pub fn lines(&self) -> Vec<String> {
        let mut causes: Vec<Cause> = self.found.iter().map(|(c, _)| *c).collect();
        causes.sort();
        causes.dedup();
        causes
            .into_iter()
            .map(|cause| {
                let mut places: Vec<&str> = Vec::new();
                for (c, p) in &self.found {
                    // A material used on many links is named once.
                    if *c == cause && !places.contains(&p.as_str()) {
                        places.push(p);
                    }
                }
                let mut named = places[..places.len().min(NAMED)].join(", ");
                if places.len() > NAMED {
                    named.push_str(&format!(" and {} more", places.len() - NAMED));
                }
                format!(
                    "{} {named}: {}",
                    cause.what(places.len()),
                    cause.consequence()
                )
            })
            .collect()
    }
}

/// Removes what urdf-rs cannot read but other tools ignore, before it parses the text: a
/// `<texture>` with no `filename`. Returns the text unchanged (borrowed) when there is nothing
/// to remove or the XML does not parse (urdf-rs then reports the error in its own words).
pub fn prepare<'a>(text: &'a str, repairs: &mut Repairs) -> Cow<'a, str> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let Ok(doc) = roxmltree::Document::parse_with_options(text, options) else {
        return Cow::Borrowed(text);
    };
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    let root = doc.root_element();
    for joint in root.children().filter(|n| n.has_tag_name("joint")) {
        let needs = matches!(joint.attribute("type"), Some("revolute" | "prismatic"));
        if needs
            && !joint.children().any(|c| c.has_tag_name("limit"))
            && let Some(name) = joint.attribute("name")
        {
            repairs.limitless.insert(name.to_string());
        }
    }
    for node in doc.descendants() {
        if node.has_tag_name("texture") && node.attribute("filename").is_none() {
            let material = node
                .parent_element()
                .filter(|p| p.has_tag_name("material"))
                .and_then(|p| p.attribute("name"))
                .unwrap_or("(unnamed)");
            repairs.add(Cause::EmptyTexture, format!("'{material}'"));
            cut.push(node.range());
        }
    }
    if cut.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in cut {
        out.push_str(&text[at..r.start]);
        at = r.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// What to do with a symmetric inertia tensor.
#[derive(Clone, Debug, PartialEq)]
pub enum InertiaCheck {
    /// Positive semi-definite (up to rounding): keep as it is.
    Valid,
    /// Indefinite through its products of inertia: use this tensor, the nearest positive semi-definite one in the
    /// Frobenius norm (its eigenvalues clamped at zero), and report the smallest eigenvalue.
    Projected { tensor: Mat3, min_eigenvalue: f64 },
    /// A negative moment about an axis of the file's own frame: no rounding or inconsistent
    /// product of inertia explains that, so the file is refused.
    Invalid,
}

/// Checks a symmetric inertia tensor and, when its products of inertia make it indefinite,
/// projects it. Published files have such tensors (a product of inertia copied with the wrong
/// sign or about the wrong point, on a small link or a torso); other tools load them as they
/// are, and physics needs them valid, so they are projected and reported with their smallest
/// eigenvalue. A negative moment on the diagonal is refused.
pub fn check_inertia(tensor: &Mat3) -> InertiaCheck {
    let eig = tensor.symmetric_eigen();
    let smallest = eig.eigenvalues.min();
    // Down to −1e-9 of the largest, or −1e-12 kg·m² (a file's −5e-20 where it means 0), is
    // rounding: accepted as it is.
    let rounding = (1e-9 * eig.eigenvalues.amax()).max(1e-12);
    if smallest >= -rounding {
        return InertiaCheck::Valid;
    }
    if (0..3).any(|i| tensor[(i, i)] < -rounding) {
        return InertiaCheck::Invalid;
    }
    let clamped = eig.eigenvalues.map(|l| l.max(0.0));
    let v = eig.eigenvectors;
    let tensor = v * Mat3::from_diagonal(&clamped) * v.transpose();
    // Exactly symmetric, whatever the rounding of the product.
    let tensor = 0.5 * (tensor + tensor.transpose());
    InertiaCheck::Projected {
        tensor,
        min_eigenvalue: smallest,
    }
}

/// The principal moments `[a, b, c]` (ascending) when `a + b < c` beyond rounding: a body's
/// moment about one axis is at most the sum of the other two (Σ m(y² + z²) ≤ Σ m(x² + z²) +
/// Σ m(x² + y²)), with equality only for a flat body.
pub fn triangle_violation(tensor: &Mat3) -> Option<[f64; 3]> {
    let mut m: Vec<f64> = tensor.symmetric_eigenvalues().iter().copied().collect();
    m.sort_by(f64::total_cmp);
    let [a, b, c] = [m[0], m[1], m[2]];
    // A file's moments are often rounded to three or four digits: 0.1 % of the largest is
    // rounding, not physics.
    (a + b < c - 1e-3 * c - 1e-12).then_some([a, b, c])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_texture_is_cut_and_named_once() {
        let text = r#"<robot name="r"><material name="steel"><color rgba="1 0 0 1"/><texture/></material>
            <link name="a"><visual><geometry><box size="1 1 1"/></geometry>
            <material name="m2"><texture></texture></material></visual></link></robot>"#;
        let mut repairs = Repairs::default();
        let out = prepare(text, &mut repairs);
        assert!(!out.contains("texture"), "{out}");
        assert!(out.contains(r#"<color rgba="1 0 0 1"/>"#));
        let lines = repairs.lines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("materials 'steel', 'm2': ignored"),
            "{lines:?}"
        );
    }

    #[test]
    fn a_texture_with_a_file_and_unparsable_text_are_left_alone() {
        let mut repairs = Repairs::default();
        let good =
            r#"<robot name="r"><material name="m"><texture filename="a.png"/></material></robot>"#;
        assert!(matches!(prepare(good, &mut repairs), Cow::Borrowed(_)));
        assert!(matches!(prepare("<robot", &mut repairs), Cow::Borrowed(_)));
        assert!(repairs.is_empty());
    }

    #[test]
    fn many_places_are_counted_not_listed() {
        let mut repairs = Repairs::default();
        for i in 0..7 {
            repairs.add(Cause::BrokenMimic, format!("'j{i}'"));
        }
        repairs.add(Cause::EmptyTexture, "'m'".into());
        let lines = repairs.lines();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("material 'm'"), "{lines:?}");
        assert!(
            lines[1].starts_with("joints 'j0', 'j1', 'j2', 'j3' and 3 more:"),
            "{lines:?}"
        );
    }

    #[test]
    fn a_slightly_indefinite_inertia_is_projected_to_the_nearest_psd_tensor() {
        // A small link's tensor with a product of inertia a little too large: eigenvalues
        // 1e-5 ± 1.02e-5 and 1e-5, so one is −2e-7.
        let t = Mat3::new(1e-5, 1.02e-5, 0.0, 1.02e-5, 1e-5, 0.0, 0.0, 0.0, 1e-5);
        let InertiaCheck::Projected {
            tensor,
            min_eigenvalue,
        } = check_inertia(&t)
        else {
            panic!("expected a projection");
        };
        assert!((min_eigenvalue + 2e-7).abs() < 1e-12, "{min_eigenvalue}");
        // The closed form: the negative direction (1, −1, 0)/√2 is removed, so the tensor
        // becomes (1e-5 + 1.02e-5)/2 in both diagonal and off-diagonal of the xy block.
        let h = 0.5 * (1e-5 + 1.02e-5);
        let want = Mat3::new(h, h, 0.0, h, h, 0.0, 0.0, 0.0, 1e-5);
        assert!((tensor - want).amax() < 1e-18, "{tensor}");
        let eig = tensor.symmetric_eigenvalues();
        assert!(eig.min() >= -1e-20, "{eig}");
        // Nearest in the Frobenius norm: the distance is |λ_min|, no more.
        assert!(((tensor - t).norm() - 2e-7).abs() < 1e-15);
    }

    #[test]
    fn the_triangle_inequality_of_principal_moments() {
        let d = |a: f64, b: f64, c: f64| Mat3::from_diagonal(&crate::math::Vec3::new(a, b, c));
        // A solid box and a rod: fine; a flat plate sits on the boundary (a + b = c): fine.
        assert_eq!(triangle_violation(&d(2.0, 3.0, 4.0)), None);
        assert_eq!(triangle_violation(&d(1.0, 1.0, 0.0)), None);
        assert_eq!(triangle_violation(&d(1.0, 2.0, 3.0)), None);
        assert_eq!(triangle_violation(&d(1.0, 2.0, 3.002)), None);
        // A point mass at the origin, and zero, are bodies too.
        assert_eq!(triangle_violation(&Mat3::zeros()), None);
        // No body: one moment larger than the other two together, in any axes.
        assert_eq!(triangle_violation(&d(0.1, 0.1, 0.5)), Some([0.1, 0.1, 0.5]));
        let r =
            crate::math::so3::about_axis(&crate::math::Vec3::new(1.0, 2.0, 3.0).normalize(), 0.7);
        let v = triangle_violation(&(r * d(0.1, 0.5, 0.1) * r.transpose())).expect("rotated");
        assert!(
            (v[2] - 0.5).abs() < 1e-12 && (v[0] - 0.1).abs() < 1e-12,
            "{v:?}"
        );
    }

    #[test]
    fn valid_and_far_from_valid_inertias_are_told_apart() {
        assert_eq!(check_inertia(&Mat3::identity()), InertiaCheck::Valid);
        assert_eq!(check_inertia(&Mat3::zeros()), InertiaCheck::Valid);
        // A published file's way of writing zero.
        let noise = Mat3::from_diagonal(&crate::math::Vec3::new(-5.42101e-20, -5.42101e-20, 0.0));
        assert_eq!(check_inertia(&noise), InertiaCheck::Valid);
        // A negative moment about an axis is refused, however small.
        for d in [-1.0, -1e-7] {
            let bad = Mat3::from_diagonal(&crate::math::Vec3::new(d, 1e-6, 1e-6));
            assert_eq!(check_inertia(&bad), InertiaCheck::Invalid, "{d}");
        }
        // A published torso's tensor: positive moments, an xz product too large by far
        // (smallest eigenvalue about −0.021, a fifth of the largest). Projected.
        let torso = Mat3::new(
            0.0564204,
            7.26322e-05,
            -0.0575115,
            7.26322e-05,
            0.0521042,
            -3.39086e-05,
            -0.0575115,
            -3.39086e-05,
            0.021185,
        );
        let InertiaCheck::Projected { min_eigenvalue, .. } = check_inertia(&torso) else {
            panic!("expected a projection");
        };
        assert!((min_eigenvalue + 0.0214).abs() < 5e-4, "{min_eigenvalue}");
    }
}
