//! Bounds on a robot file, checked before any XML parser sees it.
//!
//! The parsers behind the loader (urdf-rs through RustyXML and serde-xml-rs, roxmltree) build
//! trees recursively: a file nested tens of thousands of levels deep overflows the stack, which
//! aborts the program (the browser's page too). A flat scan over the bytes, with no recursion
//! and constant memory, measures the size, the nesting depth, the number of elements and of
//! attributes, finds entity declarations, and reads the root element's name, so that a file
//! beyond any real robot description is refused with one line naming the limit, and a file that
//! is not URDF (a xacro source, a MuJoCo model, an SDF world) is named for what it is.

/// The largest robot file read, in bytes. URDF parsing (urdf-rs through two XML libraries and
/// serde) takes about 0.1 s per MB and 9 µs per element in a release build here, so these two
/// bounds keep any file's load within about 2 s; the largest published arms are under 1 MB and
/// 5 000 elements.
pub const MAX_BYTES: usize = 12 << 20;
/// The deepest nesting of elements (a URDF needs six: robot, link, visual, geometry, mesh, and
/// a vendor extension's one more).
pub const MAX_DEPTH: usize = 64;
/// The most elements in one file (a 10 000-link chain with inertias has 110 000).
pub const MAX_ELEMENTS: usize = 120_000;
/// The most attributes on one element (URDF's widest, `<inertia>`, has six).
pub const MAX_ATTRIBUTES: usize = 256;

/// Why a file was refused before parsing: one line, the limit named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    TooLarge { bytes: usize },
    TooDeep { line: usize },
    TooManyElements,
    TooManyAttributes { element: String, line: usize },
    Entities { line: usize },
    Xacro,
    NotRobot { root: String },
    NoElement,
    Unterminated { what: &'static str, line: usize },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::TooLarge { bytes } => write!(
                f,
                "the file is {:.1} MB; armtutor reads robot files of up to {} MB",
                *bytes as f64 / (1 << 20) as f64,
                MAX_BYTES >> 20
            ),
            Refusal::TooDeep { line } => write!(
                f,
                "its elements are nested more than {MAX_DEPTH} levels deep (line {line}); a URDF needs six"
            ),
            Refusal::TooManyElements => write!(
                f,
                "it has more than {MAX_ELEMENTS} elements, the most armtutor reads"
            ),
            Refusal::TooManyAttributes { element, line } => write!(
                f,
                "element <{element}> on line {line} has more than {MAX_ATTRIBUTES} attributes"
            ),
            Refusal::Entities { line } => write!(
                f,
                "it declares XML entities (<!ENTITY> on line {line}), which armtutor does not expand"
            ),
            Refusal::Xacro => write!(
                f,
                "it is a xacro file, not URDF: run xacro first (xacro FILE.urdf.xacro > FILE.urdf) and open its output"
            ),
            Refusal::NotRobot { root } => write!(
                f,
                "its root element is <{root}>, not <robot>: armtutor reads URDF robot descriptions"
            ),
            Refusal::NoElement => write!(f, "it holds no XML element"),
            Refusal::Unterminated { what, line } => {
                write!(f, "a {what} opened on line {line} is never closed")
            }
        }
    }
}

/// What the scan found in a file that passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan {
    pub depth: usize,
    pub elements: usize,
}

/// Where the parts of a file that passed lie, as byte ranges: what a reader needs to parse the
/// file in pieces, one batch of the root's children at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The root element's start tag, `<robot …>` (or the whole root when it is empty, `<robot/>`).
    pub root_tag: std::ops::Range<usize>,
    /// The root's child elements, each from its `<` to the end of its closing tag.
    pub children: Vec<std::ops::Range<usize>>,
    /// Where the root's closing tag starts (`None`: never closed, or the root is empty).
    pub root_end: Option<usize>,
    /// The first element or text after the root was closed, which XML does not allow.
    pub trailing: Option<usize>,
}

/// Scans `text` without parsing it into a tree: refuses what no parser should be given, and
/// what is plainly not a URDF robot.
pub fn check(text: &str) -> Result<Scan, Refusal> {
    scan(text).map(|(scan, _)| scan)
}

/// [`check`], and where the root and its children lie.
pub fn scan(text: &str) -> Result<(Scan, Layout), Refusal> {
    if text.len() > MAX_BYTES {
        return Err(Refusal::TooLarge { bytes: text.len() });
    }
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut elements = 0usize;
    let mut root: Option<String> = None;
    let mut xacro = false;
    let mut layout = Layout::default();
    let mut root_closed = false;
    // Where the root's child being scanned started.
    let mut child_start = 0usize;
    while i < b.len() {
        let Some(off) = b[i..].iter().position(|&c| c == b'<') else {
            break;
        };
        let start = i + off;
        if root_closed
            && layout.trailing.is_none()
            && !b[i..start].iter().all(u8::is_ascii_whitespace)
        {
            layout.trailing = Some(i);
        }
        let rest = &b[start..];
        if let Some(next) = skip_markup(text, start)? {
            i = next;
        } else if rest.starts_with(b"</") {
            i = skip_past(b, start + 2, b">").ok_or_else(|| Refusal::Unterminated {
                what: "closing tag",
                line: line_at(text, start),
            })?;
            match depth {
                2 => layout.children.push(child_start..i),
                1 => {
                    layout.root_end = Some(start);
                    root_closed = true;
                }
                _ => {}
            }
            depth = depth.saturating_sub(1);
        } else {
            // An element's start tag: its name, then attributes up to `>` or `/>`, with quoted
            // values skipped whole (they may hold `>`).
            let (name_end, j, closed_empty) = start_tag(text, start)?;
            let name = &text[start + 1..name_end];
            if name.starts_with("xacro:") {
                xacro = true;
            }
            if depth == 0 && root.is_none() {
                root = Some(short(name));
                xacro |= text[name_end..j].contains("xmlns:xacro");
                layout.root_tag = start..j;
                root_closed = closed_empty;
            } else if depth == 0 && layout.trailing.is_none() {
                layout.trailing = Some(start);
            } else if depth == 1 {
                if closed_empty {
                    layout.children.push(start..j);
                } else {
                    child_start = start;
                }
            }
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(Refusal::TooManyElements);
            }
            if !closed_empty {
                depth += 1;
                deepest = deepest.max(depth);
                if depth > MAX_DEPTH {
                    return Err(Refusal::TooDeep {
                        line: line_at(text, start),
                    });
                }
            }
            i = j;
        }
    }
    if xacro {
        return Err(Refusal::Xacro);
    }
    match root {
        None => Err(Refusal::NoElement),
        Some(r) if r != "robot" => Err(Refusal::NotRobot { root: r }),
        Some(_) => {
            if layout.trailing.is_none() && root_closed {
                let tail = &b[i.min(b.len())..];
                if let Some(p) = tail.iter().position(|c| !c.is_ascii_whitespace()) {
                    layout.trailing = Some(i + p);
                }
            }
            Ok((
                Scan {
                    depth: deepest,
                    elements,
                },
                layout,
            ))
        }
    }
}

/// Past the comment, CDATA section, processing instruction or declaration at `start`, or
/// `None` when a tag starts there. An entity declaration is refused, in a document type
/// declaration's internal subset too.
fn skip_markup(text: &str, start: usize) -> Result<Option<usize>, Refusal> {
    let b = text.as_bytes();
    let rest = &b[start..];
    let unterminated = |what| Refusal::Unterminated {
        what,
        line: line_at(text, start),
    };
    let past = if rest.starts_with(b"<!--") {
        skip_past(b, start + 4, b"-->").ok_or_else(|| unterminated("comment"))?
    } else if rest.starts_with(b"<![CDATA[") {
        skip_past(b, start + 9, b"]]>").ok_or_else(|| unterminated("CDATA section"))?
    } else if rest.starts_with(b"<?") {
        skip_past(b, start + 2, b"?>").ok_or_else(|| unterminated("processing instruction"))?
    } else if rest.starts_with(b"<!ENTITY") {
        return Err(Refusal::Entities {
            line: line_at(text, start),
        });
    } else if rest.starts_with(b"<!") {
        // A document type declaration: its internal subset may hold entity declarations.
        let end = skip_declaration(b, start + 2).ok_or_else(|| unterminated("declaration"))?;
        if b[start..end].windows(8).any(|w| w == b"<!ENTITY") {
            return Err(Refusal::Entities {
                line: line_at(text, start),
            });
        }
        end
    } else {
        return Ok(None);
    };
    Ok(Some(past))
}

/// The start tag at `start`: where its name ends, the index past its `>`, and whether it is
/// empty (`/>`). Attributes are counted, and quoted values skipped whole (they may hold `>`).
fn start_tag(text: &str, start: usize) -> Result<(usize, usize, bool), Refusal> {
    let b = text.as_bytes();
    let name_end = start
        + 1
        + b[start + 1..]
            .iter()
            .position(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
            .unwrap_or(b.len() - start - 1);
    let name = &text[start + 1..name_end];
    let mut j = name_end;
    let mut attributes = 0usize;
    let closed_empty;
    loop {
        let Some(&c) = b.get(j) else {
            return Err(Refusal::Unterminated {
                what: "tag",
                line: line_at(text, start),
            });
        };
        match c {
            b'"' | b'\'' => {
                j = b[j + 1..]
                    .iter()
                    .position(|&d| d == c)
                    .map(|p| j + 1 + p + 1)
                    .ok_or_else(|| Refusal::Unterminated {
                        what: "attribute value",
                        line: line_at(text, start),
                    })?;
            }
            b'=' => {
                attributes += 1;
                if attributes > MAX_ATTRIBUTES {
                    return Err(Refusal::TooManyAttributes {
                        element: short(name),
                        line: line_at(text, start),
                    });
                }
                j += 1;
            }
            b'>' => {
                closed_empty = j > name_end && b[j - 1] == b'/';
                j += 1;
                break;
            }
            _ => j += 1,
        }
    }
    Ok((name_end, j, closed_empty))
}

/// The line (from 1) that byte `at` of `text` is on: counted only when a message needs one.
pub fn line_at(text: &str, at: usize) -> usize {
    1 + text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
}

/// The index just past the first `end` at or after `from`.
fn skip_past(b: &[u8], from: usize, end: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(end.len())
        .position(|w| w == end)
        .map(|p| from + p + end.len())
}

/// The index just past a `<!…>` declaration that starts before `from`, with its bracketed
/// internal subset and quoted strings skipped whole.
fn skip_declaration(b: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    let mut brackets = 0usize;
    while let Some(&c) = b.get(j) {
        match c {
            b'"' | b'\'' => {
                j += 1 + b.get(j + 1..)?.iter().position(|&d| d == c)?;
            }
            b'[' => brackets += 1,
            b']' => brackets = brackets.saturating_sub(1),
            b'>' if brackets == 0 => return Some(j + 1),
            _ => {}
        }
        j += 1;
    }
    None
}

/// A name as a message shows it: at most 40 characters.
fn short(name: &str) -> String {
    let mut s: String = name.chars().take(40).collect();
    if name.chars().nth(40).is_some() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_urdf_passes_with_its_depth_and_element_count() {
        let text = r#"<?xml version="1.0"?>
            <!-- a comment with <robot> in it -->
            <!DOCTYPE robot>
            <robot name="r"><link name="a"><visual><geometry><box size="1 1 1"/></geometry>
            </visual></link><joint name="j" type="fixed"><parent link="a"/><child link="b"/>
            </joint><link name="b"/></robot>"#;
        assert_eq!(
            check(text),
            Ok(Scan {
                depth: 4,
                elements: 9
            })
        );
    }

    #[test]
    fn the_layout_gives_the_root_tag_and_each_child_whole() {
        let text = "<?xml version=\"1.0\"?>\n<robot name=\"r > s\">\n  <link name=\"a\"/>\n  <!-- <link name=\"no\"/> -->\n  <joint name=\"j\" type=\"fixed\"><parent link=\"a\"/><child link=\"b\"/></joint>\n  <link name=\"b\"><visual><geometry><box size=\"1 1 1\"/></geometry></visual></link>\n</robot>\n<!-- after -->\n";
        let (_, layout) = scan(text).unwrap();
        let part = |r: &std::ops::Range<usize>| &text[r.clone()];
        assert_eq!(part(&layout.root_tag), "<robot name=\"r > s\">");
        let children: Vec<&str> = layout.children.iter().map(part).collect();
        assert_eq!(children.len(), 3);
        assert_eq!(children[0], "<link name=\"a\"/>");
        assert!(children[1].starts_with("<joint") && children[1].ends_with("</joint>"));
        assert!(children[2].starts_with("<link name=\"b\">") && children[2].ends_with("</link>"));
        assert_eq!(&text[layout.root_end.unwrap()..][..8], "</robot>");
        assert_eq!(layout.trailing, None);
        let (_, layout) = scan("<robot name=\"r\"/>  \n").unwrap();
        assert!(layout.children.is_empty() && layout.trailing.is_none());
        let (_, layout) = scan("<robot name=\"r\"></robot>x").unwrap();
        assert_eq!(layout.trailing, Some(24));
        let (_, layout) = scan("<robot name=\"r\"></robot><robot/>").unwrap();
        assert_eq!(layout.trailing, Some(24));
    }

    #[test]
    fn a_quoted_angle_bracket_and_cdata_do_not_confuse_the_scan() {
        let text = r#"<robot name="a > b"><link name='x/>'/><![CDATA[<link>]]></robot>"#;
        assert_eq!(
            check(text),
            Ok(Scan {
                depth: 1,
                elements: 2
            })
        );
    }

    #[test]
    fn deep_nesting_is_refused_at_the_limit_and_not_before() {
        let nest = |n: usize| {
            format!(
                "<robot name=\"r\">{}{}</robot>",
                "<a>".repeat(n - 1),
                "</a>".repeat(n - 1)
            )
        };
        assert!(check(&nest(MAX_DEPTH)).is_ok());
        assert_eq!(
            check(&nest(MAX_DEPTH + 1)),
            Err(Refusal::TooDeep { line: 1 })
        );
        // A hundred thousand levels: refused in one pass, no recursion.
        let err = check(&nest(100_000)).unwrap_err();
        assert!(err.to_string().contains("nested more than 64"), "{err}");
    }

    #[test]
    fn what_is_not_a_urdf_is_named() {
        let err = |t: &str| check(t).unwrap_err().to_string();
        assert!(err("<mujoco model=\"m\"><worldbody/></mujoco>").contains("<mujoco>"));
        assert!(
            err("<robot xmlns:xacro=\"http://www.ros.org/wiki/xacro\" name=\"r\"/>")
                .contains("run xacro first")
        );
        assert!(err("<robot name=\"r\"><xacro:include filename=\"x\"/></robot>").contains("xacro"));
        assert_eq!(check("just text"), Err(Refusal::NoElement));
        assert!(err("<robot name=\"r\"><link").contains("never closed"));
        assert!(err("<robot name=\"r\"><!-- open").contains("comment"));
    }

    #[test]
    fn entity_declarations_are_refused_before_any_expansion() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE robot [
  <!ENTITY a "aaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
]>
<robot name="&b;"/>"#;
        assert_eq!(check(laughs), Err(Refusal::Entities { line: 2 }));
    }

    #[test]
    fn attribute_and_element_counts_are_bounded() {
        let wide: String = (0..MAX_ATTRIBUTES + 1)
            .map(|i| format!(" a{i}=\"1\""))
            .collect();
        let text = format!("<robot name=\"r\"><link{wide}/></robot>");
        assert!(matches!(
            check(&text),
            Err(Refusal::TooManyAttributes { ref element, line: 1 }) if element == "link"
        ));
        let many = format!("<robot>{}</robot>", "<a/>".repeat(MAX_ELEMENTS));
        assert_eq!(check(&many), Err(Refusal::TooManyElements));
    }

    #[test]
    fn size_is_checked_first() {
        let big = " ".repeat(MAX_BYTES + 1);
        assert!(matches!(check(&big), Err(Refusal::TooLarge { .. })));
    }

    /// Structure-aware fuzzing of the whole loader: random trees (chains and fans of random
    /// depth and width), extra nesting, and numbers from the edges of f64 in every numeric
    /// field. Nothing panics; what loads has finite poses at zero and at its start pose, and a
    /// finite Jacobian there.
    #[test]
    fn random_robots_with_edge_numbers_load_or_are_refused_never_panic() {
        use crate::robot::{Chain, Model, start_pose};
        use rand::{Rng, SeedableRng};
        let edges = [
            "0",
            "-0",
            "1",
            "-1",
            "0.3",
            "5e-324",
            "1e-300",
            "1e6",
            "-1e6",
            "1000001",
            "1e300",
            "1.7976931348623157e308",
            "-1.7976931348623157e308",
            "1e309",
            "nan",
            "inf",
            "-inf",
            "",
            "1,2",
            "0x10",
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(41);
        // An edge value with probability `rate`, else the field's ordinary value.
        let pick = |rng: &mut rand::rngs::StdRng, rate: f64, ordinary: &'static str| {
            if rng.random_bool(rate) {
                edges[rng.random_range(0..edges.len())]
            } else {
                ordinary
            }
        };
        let (mut loaded, mut refused) = (0, 0);
        for _ in 0..400 {
            // Some robots clean, some with a few edge numbers, some with many.
            let rate = [0.0, 0.003, 0.01, 0.05][rng.random_range(0..4)];
            let links = rng.random_range(1..60);
            let mut text = String::from("<robot name=\"f\">");
            for i in 0..links {
                let m = pick(&mut rng, rate, "0.5");
                let ixx = pick(&mut rng, rate, "1e-3");
                let size = pick(&mut rng, rate, "0.1");
                let nest = if rng.random_bool(0.01) {
                    rng.random_range(0..(MAX_DEPTH + 3))
                } else {
                    0
                };
                text.push_str(&format!(
                    "<link name=\"l{i}\"><inertial><mass value=\"{m}\"/><inertia ixx=\"{ixx}\" iyy=\"1e-3\" izz=\"1e-3\" ixy=\"0\" ixz=\"0\" iyz=\"0\"/></inertial><visual><geometry><box size=\"{size} 0.1 0.1\"/></geometry></visual>{}{}</link>",
                    "<gazebo>".repeat(nest),
                    "</gazebo>".repeat(nest)
                ));
            }
            for i in 1..links {
                // A chain, a fan off the root, or anything between.
                let parent = if rng.random_bool(0.5) {
                    i - 1
                } else {
                    rng.random_range(0..i)
                };
                let kind = ["revolute", "continuous", "prismatic", "fixed"][rng.random_range(0..4)];
                let xyz = format!(
                    "{} {} {}",
                    pick(&mut rng, rate, "0.1"),
                    pick(&mut rng, rate, "-0.05"),
                    pick(&mut rng, rate, "0.2")
                );
                let rpy = format!(
                    "{} 0 {}",
                    pick(&mut rng, rate, "0.3"),
                    pick(&mut rng, rate, "0")
                );
                let axis = format!(
                    "{} {} 1",
                    pick(&mut rng, rate, "0"),
                    pick(&mut rng, rate, "1")
                );
                let (lo, hi) = (pick(&mut rng, rate, "-1.5"), pick(&mut rng, rate, "1.5"));
                let limit = if rng.random_bool(0.9) {
                    format!("<limit lower=\"{lo}\" upper=\"{hi}\" effort=\"1\" velocity=\"1\"/>")
                } else {
                    String::new()
                };
                text.push_str(&format!(
                    "<joint name=\"j{i}\" type=\"{kind}\"><parent link=\"l{parent}\"/><child link=\"l{i}\"/><origin xyz=\"{xyz}\" rpy=\"{rpy}\"/><axis xyz=\"{axis}\"/>{limit}</joint>"
                ));
            }
            text.push_str("</robot>");
            let outcome = std::panic::catch_unwind(|| {
                let Ok(model) = Model::from_urdf_str(&text) else {
                    return false;
                };
                let zero = model.link_poses(&vec![0.0; model.dof()]);
                assert!(model.first_nonfinite_pose(&zero).is_none());
                let start = start_pose::for_model(&model);
                assert!(start.q.iter().all(|x| x.is_finite()), "{:?}", start.q);
                let poses = model.link_poses(&start.q);
                assert!(model.first_nonfinite_pose(&poses).is_none());
                let tool = start_pose::tool_link(&model);
                let chain = Chain::new(&model, tool);
                let j = chain.jacobian(&chain.q_from_model(&model, &start.q));
                assert!(j.iter().all(|x| x.is_finite()));
                true
            });
            match outcome {
                Ok(true) => loaded += 1,
                Ok(false) => refused += 1,
                Err(_) => panic!("the loader panicked on:\n{text}"),
            }
        }
        assert!(
            loaded > 20 && refused > 20,
            "{loaded} loaded, {refused} refused"
        );
    }
}
