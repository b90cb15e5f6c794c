//! No text on screen shows formula markup: every string that holds some (`x_{τ+h}`, `T_ab`,
//! `e^{ωt}`) is drawn through the typesetter, and none is left in a form it cannot typeset.

use super::ALL;
use crate::kit::i18n::{TABLE, collect_rs};
use crate::kit::typeset::{Item, parse, plain};
use std::collections::BTreeMap;

/// Markup the typesetter would turn into a script, fraction or matrix, or a `^(` it would not.
fn has_markup(s: &str) -> bool {
    s.contains("^(") || parse(s).iter().any(|i| !matches!(i, Item::Text(_)))
}

/// What a reader sees of a typeset string holds no markup left over.
fn assert_typesets_cleanly(what: &str, s: &str) {
    let shown = plain(s);
    for bad in ["_{", "^{", "^(", "\\frac", "\\mat"] {
        assert!(!shown.contains(bad), "{what}: {bad} left in {shown:?}");
    }
    // A script is a run of letters after `_` or `^`: none may be left unparsed.
    let chars: Vec<char> = shown.chars().collect();
    for w in chars.windows(2) {
        if matches!(w[0], '_' | '^') {
            assert!(
                !w[1].is_alphanumeric(),
                "{what}: raw script in {shown:?} (escape a name with typeset::verbatim)"
            );
        }
    }
}

/// Every string of every table, by key.
fn table() -> BTreeMap<&'static str, (&'static str, &'static str)> {
    TABLE
        .iter()
        .chain(ALL.iter().flat_map(|l| l.strings.iter()))
        .map(|&(k, en, zh)| (k, (en, zh)))
        .collect()
}

#[test]
fn every_step_and_string_typesets_without_leftover_markup() {
    for lesson in ALL {
        for (i, step) in lesson.steps.iter().enumerate() {
            let what = format!("{} step {}", lesson.id, i + 1);
            for text in [step.title, step.body, step.try_this] {
                assert_typesets_cleanly(&what, text.en);
                assert_typesets_cleanly(&what, text.zh);
            }
            assert_typesets_cleanly(&what, step.formula);
        }
    }
    for (k, (en, zh)) in table() {
        assert_typesets_cleanly(k, en);
        assert_typesets_cleanly(k, zh);
    }
}

/// The calls that show their text as it is written, untypeset.
const RAW: &[&str] = &[
    "ui.label(",
    "ui.monospace(",
    "ui.heading(",
    "ui.small(",
    "ui.strong(",
    "ui.weak(",
    "ui.colored_label(",
    "RichText::new(",
    "on_hover_text(",
    ".button(",
    "selectable_value(",
    "selectable_label(",
    "checkbox(",
    "Window::new(",
    "CollapsingHeader::new(",
    "Line::new(",
    "Points::new(",
    "Bars::new(",
    "Bar::new(",
    ".text(",
    ".name(",
];

/// The string literals in the text from `at` (just after an opening bracket) to its closing
/// one, each with whether a `t(` call takes it (a key) or not.
fn literals_in_call(src: &str, at: usize) -> Vec<(String, bool)> {
    let b = src.as_bytes();
    let (mut depth, mut i, mut out) = (1usize, at, Vec::new());
    while i < b.len() && depth > 0 {
        match b[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'"' => {
                let key = src[..i].ends_with("t(");
                // An egui id is never shown.
                let id = src[..i].ends_with("Id::new(") || src[..i].ends_with("Id::new((");
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if !id {
                    out.push((src[start..i.min(b.len())].to_string(), key));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// A format string with its `{…}` placeholders filled (`{{` kept as a brace), except a group
/// after `_` or `^`, which is markup whatever fills it.
fn without_placeholders(lit: &str) -> String {
    if lit.contains("\\\\frac") || lit.contains("\\\\mat") {
        return lit.to_string();
    }
    let chars: Vec<char> = lit.chars().collect();
    let (mut out, mut i) = (String::new(), 0);
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            out.push_str("\\{");
            i += 2;
            continue;
        }
        let after_script = i > 0 && matches!(chars[i - 1], '_' | '^');
        if c == '{'
            && !after_script
            && let Some(len) = chars[i..].iter().position(|&c| c == '}')
        {
            out.push('0');
            i += len + 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[test]
fn no_string_with_markup_is_drawn_untypeset() {
    let table = table();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for dir in ["lessons", "app", "kit"] {
        collect_rs(&root.join(dir), &mut files);
    }
    assert!(files.len() > 20);
    let mut found = Vec::new();
    for f in files {
        if f.ends_with("markup_tests.rs") {
            continue;
        }
        let src = std::fs::read_to_string(&f).unwrap_or_default();
        // Tests may write what they like.
        let src = src.split("#[cfg(test)]").next().unwrap_or_default();
        for call in RAW {
            for (at, _) in src.match_indices(call) {
                for (lit, key) in literals_in_call(src, at + call.len()) {
                    let bare = without_placeholders(&lit);
                    let shown = match (key, table.get(lit.as_str())) {
                        (true, Some((en, zh))) => vec![*en, *zh],
                        _ => vec![bare.as_str()],
                    };
                    if shown.iter().any(|s| has_markup(s)) {
                        let line = src[..at].lines().count();
                        let name = f.strip_prefix(&root).unwrap_or(&f).display().to_string();
                        found.push(format!("{name}:{line}: {call} {lit:?}"));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "drawn untypeset:\n{}", found.join("\n"));
}
