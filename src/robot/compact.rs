//! A large element made small before the URDF parser reads it: attributes URDF does not define
//! are dropped (the parser ignores them anyway), comments are dropped, and very long attribute
//! values (a 4 MB name) are swapped for short tokens that are put back in what was parsed. The
//! parser's time grows with its text, so without this one element could hold a frame for a
//! long time; the scan here is one pass over the bytes.

/// Values longer than this are swapped for a token (numbers are left alone: a long list of
/// them is malformed, and the parser should say so).
pub const LONG_VALUE: usize = 4096;

/// The attributes URDF's elements have (robot, link, joint, their children), and the ones
/// common in files written for other tools that the parser is also given.
const KNOWN: &[&str] = &[
    "name",
    "type",
    "version",
    "link",
    "joint",
    "xyz",
    "rpy",
    "filename",
    "scale",
    "value",
    "ixx",
    "ixy",
    "ixz",
    "iyy",
    "iyz",
    "izz",
    "lower",
    "upper",
    "effort",
    "velocity",
    "size",
    "radius",
    "length",
    "rgba",
    "multiplier",
    "offset",
    "damping",
    "friction",
    "rising",
    "falling",
    "soft_lower_limit",
    "soft_upper_limit",
    "k_position",
    "k_velocity",
];

/// Marks a token; a file that holds this character anywhere is never tokenised.
pub const MARK: char = '\u{F8FF}';

/// The long values swapped out so far, in token order.
#[derive(Debug, Default, Clone)]
pub struct LongValues(pub Vec<String>);

impl LongValues {
    fn token(&mut self, value: &str) -> String {
        self.0.push(value.to_string());
        format!("{MARK}{}{MARK}", self.0.len() - 1)
    }

    /// The value a token stands for (the text itself if it is not one).
    pub fn restore(&self, s: &mut String) {
        if let Some(v) = self.value_of(s) {
            *s = v.to_string();
        }
    }

    fn value_of(&self, s: &str) -> Option<&str> {
        let inner = s.strip_prefix(MARK)?.strip_suffix(MARK)?;
        self.0.get(inner.parse::<usize>().ok()?).map(String::as_str)
    }

    /// `text` (an error, a warning) with each token shown as the start of its value and its
    /// length ([`super::names::shown`]), so a message stays one short line.
    pub fn describe(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find(MARK) {
            out.push_str(&rest[..start]);
            let after = &rest[start + MARK.len_utf8()..];
            let Some(end) = after.find(MARK) else {
                out.push_str(&rest[start..]);
                return out;
            };
            let token = &rest[start..start + 2 * MARK.len_utf8() + end];
            match self.value_of(token) {
                // As the interface shows any long name.
                Some(v) => out.push_str(&super::names::shown(v)),
                None => out.push_str(token),
            }
            rest = &after[end + MARK.len_utf8()..];
        }
        out.push_str(rest);
        out
    }

    /// Puts every swapped value back into what the parser read.
    pub fn restore_robot(&self, robot: &mut urdf_rs::Robot) {
        if self.0.is_empty() {
            return;
        }
        let geometry = |g: &mut urdf_rs::Geometry| {
            if let urdf_rs::Geometry::Mesh { filename, .. } = g {
                self.restore(filename);
            }
        };
        let material = |m: &mut urdf_rs::Material| {
            self.restore(&mut m.name);
            if let Some(t) = &mut m.texture {
                self.restore(&mut t.filename);
            }
        };
        self.restore(&mut robot.name);
        for link in &mut robot.links {
            self.restore(&mut link.name);
            for v in &mut link.visual {
                if let Some(n) = &mut v.name {
                    self.restore(n);
                }
                geometry(&mut v.geometry);
                if let Some(m) = &mut v.material {
                    material(m);
                }
            }
            for c in &mut link.collision {
                if let Some(n) = &mut c.name {
                    self.restore(n);
                }
                geometry(&mut c.geometry);
            }
        }
        for j in &mut robot.joints {
            self.restore(&mut j.name);
            self.restore(&mut j.parent.link);
            self.restore(&mut j.child.link);
            if let Some(m) = &mut j.mimic {
                self.restore(&mut m.joint);
            }
        }
        for m in &mut robot.materials {
            material(m);
        }
    }
}

fn numeric(v: &str) -> bool {
    v.bytes()
        .all(|b| b.is_ascii_digit() || b" \t\r\n+-.eE".contains(&b))
}

/// `text` (XML elements) made small, or `None` if it does not scan as tags and quoted
/// attributes (then the parser reads it as it is and reports the fault).
pub fn compact(text: &str, long: &mut LongValues) -> Option<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len().min(1 << 16));
    let mut i = 0;
    // Copies of the text are made only at ASCII bytes, so every cut is a char boundary.
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->")? + 3;
            continue;
        }
        if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>")? + 3;
            out.push_str(&rest[..end]);
            i += end;
            continue;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") || rest.starts_with("</") {
            let end = rest.find('>')? + 1;
            out.push_str(&rest[..end]);
            i += end;
            continue;
        }
        if b[i] != b'<' {
            let end = rest.find('<').unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            i += end;
            continue;
        }
        // A start tag: its name, then its attributes.
        let name_len = rest[1..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len() - 1);
        out.push_str(&rest[..1 + name_len]);
        i += 1 + name_len;
        loop {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            match b.get(i)? {
                b'>' => {
                    out.push('>');
                    i += 1;
                    break;
                }
                b'/' => {
                    if b.get(i + 1) != Some(&b'>') {
                        return None;
                    }
                    out.push_str("/>");
                    i += 2;
                    break;
                }
                _ => {}
            }
            let at = &text[i..];
            let key_len = at.find(|c: char| c == '=' || c.is_ascii_whitespace())?;
            let key = &at[..key_len];
            i += key_len;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                return None;
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let quote = *b.get(i)?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let len = text[i + 1..].find(quote as char)?;
            let value = &text[i + 1..i + 1 + len];
            i += len + 2;
            if !KNOWN.contains(&key) && !key.contains(':') {
                continue;
            }
            let q = quote as char;
            out.push(' ');
            out.push_str(key);
            out.push('=');
            out.push(q);
            if value.len() > LONG_VALUE && !numeric(value) {
                out.push_str(&long.token(value));
            } else {
                out.push_str(value);
            }
            out.push(q);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_attributes_and_comments_go_long_values_become_tokens() {
        let name = "n".repeat(LONG_VALUE + 1);
        let text = format!(
            r#"<link name="{name}" a1="1" a2='2'><!-- a note --><visual><geometry><mesh filename="m.stl" scale="1 1 1"/></geometry></visual></link>"#
        );
        let mut long = LongValues::default();
        let out = compact(&text, &mut long).expect("scans");
        assert_eq!(
            out,
            format!(
                r#"<link name="{MARK}0{MARK}"><visual><geometry><mesh filename="m.stl" scale="1 1 1"/></geometry></visual></link>"#
            )
        );
        let mut back = format!("{MARK}0{MARK}");
        long.restore(&mut back);
        assert_eq!(back, name);
        // Messages show a short form.
        let said = long.describe(&format!("no joint '{MARK}0{MARK}' here"));
        assert_eq!(
            said,
            format!("no joint '{}…({} bytes)' here", &name[..24], name.len())
        );
    }

    #[test]
    fn numbers_text_and_namespaces_stay_and_a_broken_tag_is_left_to_the_parser() {
        let xyz = "1 ".repeat(LONG_VALUE);
        let text = format!(r#"<origin xyz="{xyz}" xacro:if="1">text é</origin>"#);
        let mut long = LongValues::default();
        assert_eq!(compact(&text, &mut long).as_deref(), Some(text.as_str()));
        assert!(long.0.is_empty());
        for broken in [
            r#"<a b="1"#,
            "<a b=1>",
            "<a b>",
            "<!-- never closed",
            "<a/ >",
        ] {
            assert_eq!(compact(broken, &mut long), None, "{broken}");
        }
    }

    #[test]
    fn a_parsed_robot_gets_its_names_back() {
        let long_name = "é".repeat(LONG_VALUE);
        let text = format!(
            r#"<robot name="r"><link name="{long_name}"/><link name="b"/><joint name="j" type="fixed"><parent link="{long_name}"/><child link="b"/></joint></robot>"#
        );
        let mut long = LongValues::default();
        let small = compact(&text, &mut long).expect("scans");
        assert!(small.len() < 300, "{}", small.len());
        let mut robot = urdf_rs::read_from_string(&small).expect("parses");
        long.restore_robot(&mut robot);
        assert_eq!(robot.links[0].name, long_name);
        assert_eq!(robot.joints[0].parent.link, long_name);
        assert_eq!(robot.links[1].name, "b");
    }
}
