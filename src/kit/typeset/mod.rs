//! Formulas typeset as math: sub- and superscripts lowered and raised in a smaller size,
//! fractions stacked over a bar, matrices in brackets, drawn with egui's own text layout.
//!
//! Lessons write formulas in a small markup, never shown as such:
//! - `x_t`, `T_ab`, `x_{τ+h}`: a subscript (a run of letters and digits, or a `{…}` group);
//!   `T_base_cam` is one subscript naming two frames, shown `base,cam`;
//! - `e^{ωt}`, `Rᵀ` or `J^T`: a superscript, the same way;
//! - `\frac{a}{b}`: a fraction; `\mat{a & b ; c & d}`: a matrix (`&` between cells, `;` between
//!   rows);
//! - `\_`, `\^`, `\\`, `\{`, `\}`: the character itself (for names such as `panda_link0`, which
//!   [`verbatim`] escapes).
//!
//! Text runs in a paragraph ([`inline_job`]) keep to one line height so they wrap with the
//! sentence; a display formula ([`Formula`]) stacks fractions and matrices.

mod display;

pub use display::{Boxed, Formula, Measure, Part, layout};

use bevy_egui::egui;
use egui::text::{LayoutJob, TextFormat};
use egui::{Align, Color32, FontId};

/// One piece of a formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Text(String),
    Sub(Vec<Item>),
    Sup(Vec<Item>),
    Frac(Vec<Item>, Vec<Item>),
    /// Rows of cells.
    Matrix(Vec<Vec<Vec<Item>>>),
}

/// Deeper groups than this are kept as text (our strings nest two or three levels).
const MAX_DEPTH: usize = 8;

/// Size of a script relative to the text it hangs on.
pub const SCRIPT_SCALE: f32 = 0.72;

/// The formula in `src` as items. Markup that does not parse (an unclosed group) is kept as
/// text, so nothing is lost.
pub fn parse(src: &str) -> Vec<Item> {
    let chars: Vec<char> = src.chars().collect();
    let mut at = 0;
    parse_row(&chars, &mut at, None, 0)
}

fn is_script_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '′'
}

/// Items up to `stop` (not consumed) or the end.
fn parse_row(s: &[char], at: &mut usize, stop: Option<&[char]>, depth: usize) -> Vec<Item> {
    let mut items = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, items: &mut Vec<Item>| {
        if !text.is_empty() {
            items.push(Item::Text(std::mem::take(text)));
        }
    };
    while *at < s.len() {
        let c = s[*at];
        if stop.is_some_and(|st| st.contains(&c)) {
            break;
        }
        match c {
            '\\' => {
                let next = s.get(*at + 1).copied();
                if matches!(next, Some('_' | '^' | '\\' | '{' | '}' | '&' | ';')) {
                    text.push(next.unwrap_or('\\'));
                    *at += 2;
                    continue;
                }
                let word: String = s[*at + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .collect();
                let after = *at + 1 + word.len();
                let command = match word.as_str() {
                    "frac" if depth < MAX_DEPTH => {
                        let mut p = after;
                        group(s, &mut p, depth).and_then(|num| {
                            group(s, &mut p, depth).map(|den| (Item::Frac(num, den), p))
                        })
                    }
                    "mat" if depth < MAX_DEPTH => {
                        let mut p = after;
                        matrix(s, &mut p, depth).map(|m| (m, p))
                    }
                    _ => None,
                };
                match command {
                    Some((item, p)) => {
                        flush(&mut text, &mut items);
                        items.push(item);
                        *at = p;
                    }
                    None => {
                        text.push('\\');
                        *at += 1;
                    }
                }
            }
            '_' | '^' => {
                let mut p = *at + 1;
                let script = if s.get(p) == Some(&'{') {
                    if depth < MAX_DEPTH {
                        group(s, &mut p, depth)
                    } else {
                        None
                    }
                } else {
                    // A run of letters and digits; `T_base_cam` reads as one subscript of two
                    // names, shown `base,cam`.
                    let mut run = String::new();
                    while p < s.len() {
                        if is_script_char(s[p]) {
                            run.push(s[p]);
                        } else if s[p] == '_'
                            && !run.is_empty()
                            && s.get(p + 1).is_some_and(|c| is_script_char(*c))
                        {
                            run.push(',');
                        } else {
                            break;
                        }
                        p += 1;
                    }
                    (!run.is_empty()).then(|| vec![Item::Text(run)])
                };
                match script {
                    Some(inner) => {
                        flush(&mut text, &mut items);
                        items.push(if c == '_' {
                            Item::Sub(inner)
                        } else {
                            Item::Sup(inner)
                        });
                        *at = p;
                    }
                    None => {
                        text.push(c);
                        *at += 1;
                    }
                }
            }
            _ => {
                text.push(c);
                *at += 1;
            }
        }
    }
    flush(&mut text, &mut items);
    items
}

/// A `{…}` group at `at` (moved past it), or `None` if there is none or it is not closed.
fn group(s: &[char], at: &mut usize, depth: usize) -> Option<Vec<Item>> {
    if s.get(*at) != Some(&'{') {
        return None;
    }
    let mut p = *at + 1;
    let inner = parse_row(s, &mut p, Some(&['}']), depth + 1);
    (s.get(p) == Some(&'}')).then(|| {
        *at = p + 1;
        inner
    })
}

/// `{a & b ; c & d}` at `at` as a matrix.
fn matrix(s: &[char], at: &mut usize, depth: usize) -> Option<Item> {
    if s.get(*at) != Some(&'{') {
        return None;
    }
    let mut p = *at + 1;
    let mut rows = vec![Vec::new()];
    loop {
        let cell = parse_row(s, &mut p, Some(&['&', ';', '}']), depth + 1);
        let cell = trim(cell);
        let row = rows.last_mut()?;
        row.push(cell);
        match s.get(p) {
            Some('&') => p += 1,
            Some(';') => {
                p += 1;
                rows.push(Vec::new());
            }
            Some('}') => break,
            _ => return None,
        }
    }
    *at = p + 1;
    Some(Item::Matrix(rows))
}

/// A cell without the spaces written around it.
fn trim(mut cell: Vec<Item>) -> Vec<Item> {
    if let Some(Item::Text(t)) = cell.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Item::Text(t)) = cell.last_mut() {
        *t = t.trim_end().to_string();
    }
    cell.retain(|i| !matches!(i, Item::Text(t) if t.is_empty()));
    cell
}

/// Escapes a name (a link, a file) so that its underscores are shown as written.
pub fn verbatim(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '_' | '^' | '\\' | '{' | '}' | '&' | ';') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The characters a reader sees, in reading order, scripts included (for tests and for the
/// places that cannot typeset, such as a window title).
pub fn plain(src: &str) -> String {
    let mut out = String::new();
    flatten(&parse(src), &mut out);
    out
}

fn flatten(items: &[Item], out: &mut String) {
    for item in items {
        match item {
            Item::Text(t) => out.push_str(t),
            Item::Sub(i) | Item::Sup(i) => flatten(i, out),
            Item::Frac(n, d) => {
                let (n, d) = (inline_operand(n), inline_operand(d));
                out.push_str(&format!("{n}/{d}"));
            }
            Item::Matrix(rows) => {
                out.push('[');
                for (r, row) in rows.iter().enumerate() {
                    if r > 0 {
                        out.push_str("; ");
                    }
                    for (c, cell) in row.iter().enumerate() {
                        if c > 0 {
                            out.push_str("  ");
                        }
                        flatten(cell, out);
                    }
                }
                out.push(']');
            }
        }
    }
}

/// A fraction's part written on one line: bracketed unless it is a single symbol.
fn inline_operand(items: &[Item]) -> String {
    let mut s = String::new();
    flatten(items, &mut s);
    let simple = items.len() <= 2
        && s.chars()
            .all(|c| c.is_alphanumeric() || "√·ᵀ⁻¹′.".contains(c))
        || s.starts_with('(') && s.ends_with(')');
    if simple { s } else { format!("({s})") }
}

/// A paragraph's text with its formulas typeset, to wrap like any label: scripts smaller and
/// aligned to the top or bottom of the line, fractions and matrices written on one line.
pub fn inline_job(src: &str, font: FontId, color: Color32) -> LayoutJob {
    let mut job = LayoutJob::default();
    append_inline(&mut job, &parse(src), &font, color, Align::Center);
    job
}

fn append_inline(job: &mut LayoutJob, items: &[Item], font: &FontId, color: Color32, v: Align) {
    let format = |font: FontId, valign: Align| TextFormat {
        font_id: font,
        color,
        valign,
        ..Default::default()
    };
    let smaller = |f: &FontId| FontId::new((f.size * SCRIPT_SCALE).max(7.0), f.family.clone());
    for item in items {
        match item {
            Item::Text(t) => job.append(t, 0.0, format(font.clone(), v)),
            Item::Sub(i) => append_inline(job, i, &smaller(font), color, Align::BOTTOM),
            Item::Sup(i) => append_inline(job, i, &smaller(font), color, Align::TOP),
            Item::Frac(..) | Item::Matrix(_) => {
                let mut s = String::new();
                flatten(std::slice::from_ref(item), &mut s);
                job.append(&s, 0.0, format(font.clone(), v));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Item {
        Item::Text(s.into())
    }

    #[test]
    fn scripts_are_runs_or_groups() {
        assert_eq!(
            parse("T_ab·T_bc"),
            vec![
                t("T"),
                Item::Sub(vec![t("ab")]),
                t("·T"),
                Item::Sub(vec![t("bc")])
            ]
        );
        assert_eq!(
            parse("x_{τ+h} = x_τ"),
            vec![
                t("x"),
                Item::Sub(vec![t("τ+h")]),
                t(" = x"),
                Item::Sub(vec![t("τ")])
            ]
        );
        assert_eq!(
            parse("e^{ωt}R"),
            vec![t("e"), Item::Sup(vec![t("ωt")]), t("R")]
        );
        assert_eq!(plain("T_base_cam·P"), "Tbase,cam·P");
        // Nested: a subscript inside a superscript.
        assert_eq!(
            parse("ℝ^{m_1}"),
            vec![t("ℝ"), Item::Sup(vec![t("m"), Item::Sub(vec![t("1")])])]
        );
    }

    #[test]
    fn what_is_not_markup_stays_as_written() {
        // A lone underscore or caret, an unclosed group, an unknown command, escapes.
        assert_eq!(plain("a _ b ^ c"), "a _ b ^ c");
        assert_eq!(plain("x_{t"), "x_{t");
        assert_eq!(plain("\\alpha"), "\\alpha");
        assert_eq!(plain(&verbatim("panda_link0 {x}")), "panda_link0 {x}");
        assert_eq!(plain("a\\^b"), "a^b");
        assert_eq!(plain(""), "");
    }

    #[test]
    fn fractions_and_matrices_read_on_one_line() {
        assert_eq!(plain("\\frac{t − t_k}{T}"), "(t − tk)/T");
        assert_eq!(plain("\\frac{1}{2}"), "1/2");
        assert_eq!(plain("T = \\mat{R & p ; 0 & 1}"), "T = [R  p; 0  1]");
        let Item::Matrix(rows) = &parse("\\mat{R_{ab} & p ; 0 & 1}")[0] else {
            panic!("a matrix")
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], vec![t("R"), Item::Sub(vec![t("ab")])]);
        assert_eq!(rows[1][1], vec![t("1")]);
        // An unclosed matrix is text.
        assert_eq!(plain("\\mat{a & b"), "\\mat{a & b");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = "x^{".repeat(100) + &"}".repeat(100);
        // Parses without overflowing; beyond the depth bound the rest stays as text.
        let flat = plain(&deep);
        assert!(flat.contains("^{"), "{flat}");
    }
}
