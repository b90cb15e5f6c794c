//! The layers import one way: math → robot → sim → kit → app, and the lessons → kit; the
//! start options (`options`) are below both the command line and the app, which never name
//! each other; `main.rs` composes them. Read from the sources: every `crate::…` and `super::…`
//! path outside comments and tests.
//!
//! A lesson takes the Bevy side only from the kit (its prelude), and what lessons share from
//! `lessons/shared`; the lessons' own tests may compose the app's plugins, as `main.rs` does.
//! No two files import each other, directly or round a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which top-level modules each may import.
const ALLOWED: &[(&str, &[&str])] = &[
    ("math", &[]),
    ("robot", &["math"]),
    ("sim", &["math", "robot"]),
    ("options", &[]),
    ("cli", &["math", "robot", "sim", "options"]),
    ("kit", &["math", "robot", "sim"]),
    ("app", &["math", "robot", "sim", "kit", "options"]),
    ("lessons", &["math", "robot", "sim", "kit"]),
];

/// What lessons share lives here; a lesson names no other lesson.
const SHARED: &str = "shared";

struct Sources {
    /// Module path (`lessons::frames::panel`) → its text, comments and tests left out.
    code: BTreeMap<String, String>,
    /// Modules that are `mod.rs` (their `super` is their parent's parent).
    folders: BTreeSet<String>,
}

fn walk(dir: &Path, rel: &mut Vec<String>, out: &mut Vec<(Vec<String>, String, bool)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src readable")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            rel.push(name);
            walk(&p, rel, out);
            rel.pop();
        } else if let Some(stem) = name.strip_suffix(".rs") {
            let text = std::fs::read_to_string(&p).expect("source readable");
            let mut m = rel.clone();
            let folder = stem == "mod";
            if !folder {
                m.push(stem.to_string());
            }
            out.push((m, text, folder));
        }
    }
}

/// The text without line comments, and without an inline `#[cfg(test)] mod tests { … }`.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn sources() -> Sources {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    walk(&root, &mut Vec::new(), &mut found);
    // Modules declared only for tests (`#[cfg(test)] mod x;`).
    let mut test_only = BTreeSet::new();
    for (m, text, _) in &found {
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim();
            let declared = t
                .strip_prefix("pub(crate) mod ")
                .or_else(|| t.strip_prefix("pub mod "))
                .or_else(|| t.strip_prefix("mod "))
                .and_then(|r| r.strip_suffix(';'));
            let tested = lines[..i]
                .iter()
                .rev()
                .take_while(|p| p.trim().starts_with("#["))
                .any(|p| p.contains("cfg(test)"));
            if let (Some(name), true) = (declared, tested) {
                let mut child = m.clone();
                child.push(name.to_string());
                test_only.insert(child.join("::"));
            }
        }
    }
    let mut code = BTreeMap::new();
    let mut folders = BTreeSet::new();
    for (m, text, folder) in found {
        let path = m.join("::");
        // The crate root and the binary compose the layers: they may name any.
        if m.is_empty()
            || path == "lib"
            || path == "main"
            || test_only
                .iter()
                .any(|t| path == *t || path.starts_with(&format!("{t}::")))
        {
            continue;
        }
        if folder {
            folders.insert(path.clone());
        }
        code.insert(path, code_of(&text));
    }
    Sources { code, folders }
}

/// The modules each module names, with how often.
fn edges(s: &Sources) -> BTreeMap<(String, String), usize> {
    let known: BTreeSet<&str> = s.code.keys().map(String::as_str).collect();
    let resolve = |path: &str| -> Option<String> {
        let segs: Vec<&str> = path.split("::").filter(|x| !x.is_empty()).collect();
        (1..=segs.len())
            .map(|k| segs[..k].join("::"))
            .rfind(|c| known.contains(c.as_str()))
    };
    let mut out = BTreeMap::new();
    for (m, text) in &s.code {
        let parent: Vec<&str> = m.split("::").collect();
        let sup = if s.folders.contains(m) || parent.len() > 1 {
            parent[..parent.len() - 1].join("::")
        } else {
            String::new()
        };
        for base in ["crate::", "super::"] {
            for (i, _) in text.match_indices(base) {
                if i > 0 && text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &text[i + base.len()..];
                let path: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                let path = path.trim_end_matches(':');
                let full = if base == "crate::" {
                    path.to_string()
                } else {
                    format!("{sup}::{path}")
                };
                let mut targets = vec![full.clone()];
                // `crate::a::{b, c::d}`: each item.
                let after = &rest[path.len()..];
                if let Some(group) = after.strip_prefix("::{").and_then(|g| g.split('}').next()) {
                    for item in group.split(',') {
                        let first = item.trim().split("::").next().unwrap_or("");
                        if !first.is_empty() && first != "self" {
                            targets.push(format!("{full}::{first}"));
                        }
                    }
                }
                for t in targets {
                    if let Some(r) = resolve(&t)
                        && r != *m
                    {
                        *out.entry((m.clone(), r)).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    out
}

fn top(m: &str) -> &str {
    m.split("::").next().unwrap_or(m)
}

#[test]
fn the_layers_import_one_way() {
    let s = sources();
    assert!(s.code.len() > 100, "{} modules", s.code.len());
    let e = edges(&s);
    let mut forbidden = Vec::new();
    for ((a, b), n) in &e {
        let (ta, tb) = (top(a), top(b));
        if ta == tb {
            continue;
        }
        let allowed = ALLOWED
            .iter()
            .find(|(m, _)| *m == ta)
            .is_some_and(|(_, ok)| ok.contains(&tb));
        if !allowed {
            forbidden.push(format!("{a} → {b} ({n})"));
        }
    }
    assert!(
        forbidden.is_empty(),
        "imports against the layers:\n{}",
        forbidden.join("\n")
    );
}

#[test]
fn no_lesson_reaches_into_another() {
    let s = sources();
    let mut found = Vec::new();
    let e = edges(&s);
    for (a, b) in e.keys() {
        let (pa, pb): (Vec<_>, Vec<_>) = (a.split("::").collect(), b.split("::").collect());
        if pa[0] == "lessons"
            && pb[0] == "lessons"
            && pa.len() > 1
            && pb.len() > 1
            && pa[1] != pb[1]
            && pb[1] != SHARED
        {
            found.push((a.as_str(), b.as_str()));
        }
    }
    assert!(
        found.is_empty(),
        "a lesson names another: {found:?} (share it through lessons/shared)"
    );
}

/// Strongly connected groups of the graph between files that are not each other's ancestors.
fn cycles(e: &BTreeMap<(String, String), usize>) -> Vec<Vec<String>> {
    let mut g: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in e.keys() {
        let nested = b.starts_with(&format!("{a}::")) || a.starts_with(&format!("{b}::"));
        if !nested {
            g.entry(a).or_default().push(b);
            g.entry(b).or_default();
        }
    }
    // Kosaraju: order by finish time, then collect on the reversed graph.
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for &v in g.keys() {
        let mut stack = vec![(v, 0usize)];
        if !seen.insert(v) {
            continue;
        }
        while let Some((u, i)) = stack.pop() {
            if let Some(&w) = g[u].get(i) {
                stack.push((u, i + 1));
                if seen.insert(w) {
                    stack.push((w, 0));
                }
            } else {
                order.push(u);
            }
        }
    }
    let mut rev: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (&a, bs) in &g {
        for &b in bs {
            rev.entry(b).or_default().push(a);
        }
    }
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for &v in order.iter().rev() {
        if !done.insert(v) {
            continue;
        }
        let mut comp = vec![v.to_string()];
        let mut stack = vec![v];
        while let Some(u) = stack.pop() {
            for &w in rev.get(u).map(Vec::as_slice).unwrap_or(&[]) {
                if done.insert(w) {
                    comp.push(w.to_string());
                    stack.push(w);
                }
            }
        }
        if comp.len() > 1 {
            comp.sort();
            out.push(comp);
        }
    }
    out.sort();
    out
}

#[test]
fn no_import_cycles() {
    let s = sources();
    let e = edges(&s);
    // Between the top-level modules: none at all.
    let tops: BTreeMap<(String, String), usize> = e
        .iter()
        .filter(|((a, b), _)| top(a) != top(b))
        .map(|((a, b), n)| ((top(a).to_string(), top(b).to_string()), *n))
        .collect();
    let top_cycles = cycles(&tops);
    assert!(
        top_cycles.is_empty(),
        "cycles between layers: {top_cycles:?}"
    );
    // Between files: none either (a folder's files and the folder itself aside).
    let found = cycles(&e);
    assert!(found.is_empty(), "import cycles between files: {found:?}");
}
