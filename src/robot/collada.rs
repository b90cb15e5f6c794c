//! A check of COLLADA (`.dae`) meshes before mesh-loader reads them.
//!
//! mesh-loader 0.1 reports most malformed files as errors, but panics on a few: an input that
//! names a source not in the file, an accessor longer than its array, positions or normals
//! with fewer than three float parameters, a primitive that takes its vertices from another
//! mesh, an index past its array. On the desktop a panic would end the app; in the browser
//! (`panic = "abort"`) it ends the page. This check turns those cases into one-line errors. It
//! reads the document with roxmltree, the XML parser mesh-loader itself uses, so both see the
//! same elements and ids.

use std::collections::HashMap;

type Ids<'a, 'i> = HashMap<&'a str, roxmltree::Node<'a, 'i>>;

/// `Ok` when mesh-loader can read every mesh of the document without panicking; otherwise
/// what is wrong, in one line.
pub fn check_collada(text: &str) -> Result<(), String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not valid XML: {e}"))?;
    let mut ids: Ids = HashMap::new();
    for n in doc.descendants() {
        if let Some(id) = n.attribute("id")
            && ids.insert(id, n).is_some()
        {
            return Err(format!("the id \"{id}\" is used twice"));
        }
    }
    check_counts(&doc, text.len() as u64)?;
    for mesh in doc.descendants().filter(|n| is(n, "mesh")) {
        // mesh-loader 0.1.13 loops forever on a name array with any text in it.
        if let Some(a) = mesh.descendants().find(|n| {
            (is(n, "Name_array") || is(n, "IDREF_array"))
                && !n.text().unwrap_or("").trim().is_empty()
        }) {
            return Err(format!(
                "<{}> in a mesh is not supported",
                a.tag_name().name()
            ));
        }
        check_mesh(mesh, &ids)?;
    }
    Ok(())
}

/// mesh-loader reserves memory for as many items as a file's `count` attributes (and
/// `<vcount>` lists, and input offsets) say, before it reads them: a count the file's text
/// could not hold (every item takes at least one character) would ask for gigabytes, and a
/// failed allocation aborts the program. Such a header lies, and the file is refused.
fn check_counts(doc: &roxmltree::Document, text_len: u64) -> Result<(), String> {
    for n in doc.descendants().filter(|n| n.is_element()) {
        let Some(count) = n.attribute("count") else {
            continue;
        };
        let Ok(count) = count.trim().parse::<u64>() else {
            continue; // mesh-loader reports a malformed number itself
        };
        if count > text_len {
            return Err(format!(
                "<{}> says it holds {count} items, more than its {text_len}-byte file can",
                n.tag_name().name()
            ));
        }
        if !PRIMITIVES.contains(&n.tag_name().name()) {
            continue;
        }
        // Indices per item: the largest input offset plus one, times the vertices per item.
        let mut stride = 1u64;
        for input in n.children().filter(|c| is(c, "input")) {
            if let Some(Ok(offset)) = input.attribute("offset").map(|o| o.trim().parse::<u64>()) {
                stride = stride.max(offset.saturating_add(1));
            }
        }
        let per_item = n
            .children()
            .find(|c| is(c, "vcount"))
            .map(|v| {
                v.text()
                    .unwrap_or("")
                    .split_whitespace()
                    .map(|x| x.parse::<u64>().unwrap_or(0))
                    .fold(0u64, u64::saturating_add)
            })
            .unwrap_or(count.saturating_mul(3));
        if per_item.saturating_mul(stride) > text_len {
            return Err(format!(
                "<{}> says it has {} indices, more than its {text_len}-byte file can hold",
                n.tag_name().name(),
                per_item.saturating_mul(stride)
            ));
        }
    }
    Ok(())
}

fn is(n: &roxmltree::Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name
}

/// One `<input semantic offset source set>`.
struct Input<'a> {
    semantic: &'a str,
    source: &'a str,
    offset: usize,
    set: u32,
}

fn inputs<'a>(parent: roxmltree::Node<'a, '_>) -> Result<Vec<Input<'a>>, String> {
    parent
        .children()
        .filter(|n| is(n, "input"))
        .map(|n| {
            let number = |name: &str| -> Result<u32, String> {
                n.attribute(name).map_or(Ok(0), |v| {
                    v.trim()
                        .parse()
                        .map_err(|_| format!("<input {name}=\"{v}\"> is not a count"))
                })
            };
            Ok(Input {
                semantic: n.attribute("semantic").unwrap_or(""),
                source: reference(n.attribute("source").unwrap_or("")),
                offset: number("offset")? as usize,
                set: number("set")?,
            })
        })
        .collect()
}

/// The number of items of the `<source>` an input names, after checking that mesh-loader can
/// read `width` floats per item from it.
fn items(ids: &Ids, id: &str, semantic: &str, width: u64) -> Result<u64, String> {
    let missing = || format!("{semantic} refers to #{id}, which is not a <source> in the file");
    let source = ids
        .get(id)
        .filter(|n| is(n, "source"))
        .ok_or_else(missing)?;
    let accessor = source
        .descendants()
        .find(|n| is(n, "accessor"))
        .ok_or_else(|| format!("<source id=\"{id}\"> has no <accessor>"))?;
    let count = attribute_count(accessor, "count")?.unwrap_or(0);
    let stride = attribute_count(accessor, "stride")?.unwrap_or(1);
    let params: Vec<_> = accessor.children().filter(|n| is(n, "param")).collect();
    if stride < width
        || (params.len() as u64) < width
        || params.iter().any(|p| p.attribute("type") != Some("float"))
    {
        return Err(format!(
            "{semantic} of #{id} needs {width} float parameters per item"
        ));
    }
    let array_id = reference(accessor.attribute("source").unwrap_or(""));
    let array = ids
        .get(array_id)
        .filter(|n| is(n, "float_array"))
        .ok_or_else(|| format!("the accessor of #{id} does not refer to a <float_array>"))?;
    // mesh-loader reads the array's first text only, and nothing at all when that is blank.
    let values = if array.text().unwrap_or("").trim().is_empty() {
        0
    } else {
        attribute_count(*array, "count")?.unwrap_or(0)
    };
    if count.saturating_mul(stride) > values {
        return Err(format!(
            "the accessor of #{id} reads {count} × {stride} values from an array of {values}"
        ));
    }
    Ok(count)
}

/// The id a `#id` reference names (one `#` removed, as mesh-loader does).
fn reference(uri: &str) -> &str {
    uri.strip_prefix('#').unwrap_or(uri)
}

fn attribute_count(n: roxmltree::Node, name: &str) -> Result<Option<u64>, String> {
    n.attribute(name)
        .map(|v| {
            v.trim()
                .parse()
                .map_err(|_| format!("<{} {name}=\"{v}\"> is not a count", n.tag_name().name()))
        })
        .transpose()
}

const PRIMITIVES: [&str; 7] = [
    "triangles",
    "polylist",
    "polygons",
    "tristrips",
    "trifans",
    "lines",
    "linestrips",
];

fn check_mesh(mesh: roxmltree::Node, ids: &Ids) -> Result<(), String> {
    let primitives: Vec<_> = mesh
        .children()
        .filter(|n| n.is_element() && PRIMITIVES.contains(&n.tag_name().name()))
        .collect();
    if primitives.is_empty() {
        return Ok(());
    }
    let vertices = mesh
        .children()
        .find(|n| is(n, "vertices"))
        .ok_or("a <mesh> has primitives but no <vertices>")?;
    let vertices_id = vertices.attribute("id").unwrap_or("");
    // Per semantic, how many items the <vertices> element gives (what VERTEX indices index).
    let mut per_vertex: HashMap<&str, u64> = HashMap::new();
    for input in inputs(vertices)? {
        let width = match input.semantic {
            "POSITION" | "NORMAL" | "COLOR" => 3,
            "TEXCOORD" => 2,
            _ => continue,
        };
        let n = items(ids, input.source, input.semantic, width)?;
        per_vertex.entry(input.semantic).or_insert(n);
    }
    let positions = *per_vertex
        .get("POSITION")
        .ok_or("a <vertices> element has no POSITION input")?;
    for prim in primitives {
        check_primitive(prim, vertices_id, positions, &per_vertex, ids)?;
    }
    Ok(())
}

fn check_primitive(
    prim: roxmltree::Node,
    vertices_id: &str,
    positions: u64,
    per_vertex: &HashMap<&str, u64>,
    ids: &Ids,
) -> Result<(), String> {
    let name = prim.tag_name().name();
    // mesh-loader skips the indices of an empty primitive.
    let count = attribute_count(prim, "count")?.unwrap_or(0);
    if count == 0 {
        return Ok(());
    }
    let inputs = inputs(prim)?;
    // Of several VERTEX or NORMAL inputs mesh-loader keeps the last of set 0, of several
    // COLOR inputs the last, of several TEXCOORD inputs the lowest set.
    let Some(vertex) = inputs
        .iter()
        .rfind(|i| i.semantic == "VERTEX" && i.set == 0)
    else {
        return Ok(());
    };
    if vertex.source != vertices_id {
        return Err(format!(
            "<{name}> takes its vertices from #{}, not from its own mesh",
            vertex.source
        ));
    }
    let stride = inputs.iter().map(|i| i.offset + 1).max().unwrap_or(1);
    // The largest index each offset may hold: VERTEX indexes the positions and whatever else
    // <vertices> gives that the primitive does not give itself.
    let mut limit = vec![u64::MAX; stride];
    limit[vertex.offset] = positions;
    let own = |s: &str| match s {
        "NORMAL" => inputs.iter().rfind(|i| i.semantic == s && i.set == 0),
        "TEXCOORD" => inputs
            .iter()
            .filter(|i| i.semantic == s)
            .min_by_key(|i| i.set),
        _ => inputs.iter().rfind(|i| i.semantic == s),
    };
    for (semantic, width) in [("NORMAL", 3), ("TEXCOORD", 2), ("COLOR", 3)] {
        match own(semantic) {
            Some(input) => {
                let n = items(ids, input.source, semantic, width)?;
                limit[input.offset] = limit[input.offset].min(n);
            }
            None => {
                if let Some(&n) = per_vertex.get(semantic) {
                    limit[vertex.offset] = limit[vertex.offset].min(n);
                }
            }
        }
    }
    let strips = matches!(name, "tristrips" | "trifans" | "polygons");
    let mut total = 0u64;
    for p in prim.children().filter(|n| is(n, "p")) {
        let mut count = 0usize;
        for (k, word) in p.text().unwrap_or("").split_whitespace().enumerate() {
            let index: u64 = word
                .parse()
                .map_err(|_| format!("<{name}> has the index \"{word}\""))?;
            if index >= limit[k % stride] {
                return Err(format!(
                    "<{name}> has the index {index}, past the {} items it indexes",
                    limit[k % stride]
                ));
            }
            count += 1;
        }
        total += count as u64;
        // Each <p> of these is one polygon or strip: whole vertices, at least a triangle.
        if strips && count > 0 && (!count.is_multiple_of(stride) || count / stride < 3) {
            return Err(format!(
                "a <p> of <{name}> has {count} indices, not whole vertices of a triangle or more"
            ));
        }
    }
    // mesh-loader trusts `count` (and <vcount>) for how many indices to read, even when the
    // <p> holding them is missing.
    let per_vertex_set = stride as u64;
    let expected = match name {
        "triangles" => Some(count.saturating_mul(3)),
        "polylist" => {
            let vcount = prim.children().find(|n| is(n, "vcount"));
            vcount.map(|v| {
                v.text()
                    .unwrap_or("")
                    .split_whitespace()
                    .take(count as usize)
                    .filter_map(|w| w.parse::<u64>().ok())
                    .sum::<u64>()
            })
        }
        _ => None,
    };
    if let Some(vertices) = expected
        && vertices.saturating_mul(per_vertex_set) != total
    {
        return Err(format!(
            "<{name}> needs {} indices and has {total}",
            vertices.saturating_mul(per_vertex_set)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_file_could_not_hold_are_refused_before_any_allocation() {
        let array = |count: &str| {
            format!(
                r#"<COLLADA><library_geometries><geometry><mesh><source id="p"><float_array id="a" count="{count}">0 0 0</float_array></source></mesh></geometry></library_geometries></COLLADA>"#
            )
        };
        let e = check_collada(&array("4000000000")).unwrap_err();
        assert!(
            e.contains("<float_array> says it holds 4000000000 items"),
            "{e}"
        );
        assert!(check_collada(&array("3")).is_ok());
        // A primitive whose offsets or vertex counts promise more indices than the file has.
        let prim = |attrs: &str, vcount: &str| {
            format!(
                r##"<COLLADA><polylist count="1"><input semantic="VERTEX" source="#v" {attrs}/><vcount>{vcount}</vcount><p>0 0 0</p></polylist></COLLADA>"##
            )
        };
        let e = check_collada(&prim(r#"offset="4000000000""#, "3")).unwrap_err();
        assert!(e.contains("indices"), "{e}");
        let e = check_collada(&prim(r#"offset="0""#, "4000000000")).unwrap_err();
        assert!(e.contains("indices"), "{e}");
    }

    const TRIANGLE: &str = include_str!("../../tests/data/triangle.dae");

    #[test]
    fn a_good_mesh_passes() {
        assert_eq!(check_collada(TRIANGLE), Ok(()));
    }

    #[test]
    fn each_case_mesh_loader_would_panic_on_is_a_one_line_error() {
        let cases = [
            (
                r##"source="#tri-pos""##,
                r##"source="#nowhere""##,
                "#nowhere",
            ),
            (
                r##"source="#tri-pos-array""##,
                r##"source="#tri""##,
                "<float_array>",
            ),
            (
                r#"count="9">0 0 0"#,
                r#"count="6">0 0 0"#,
                "3 × 3 values from an array of 6",
            ),
            (
                r#"<param name="Z" type="float"/>"#,
                "",
                "needs 3 float parameters",
            ),
            (
                r##"<input semantic="VERTEX" source="#tri-vtx""##,
                r##"<input semantic="VERTEX" source="#other""##,
                "not from its own mesh",
            ),
            ("<p>0 1 2</p>", "<p>0 1 7</p>", "index 7, past the 3 items"),
            ("<p>0 1 2</p>", "<p>0 1 x</p>", "the index \"x\""),
            (
                r#"<vertices id="tri-vtx">"#,
                r##"<vertices id="tri-vtx"><input semantic="NORMAL" source="#gone"/>"##,
                "#gone",
            ),
            ("<p>0 1 2</p>", "<p>0 1 2</p><", "not valid XML"),
            ("<p>0 1 2</p>", "", "needs 3 indices and has 0"),
            (
                r#"count="9">"#,
                r#"count="9"><x/>"#,
                "3 × 3 values from an array of 0",
            ),
            (r#"<node id="n">"#, r#"<node id="tri">"#, "used twice"),
            (
                "<technique_common>",
                r#"<Name_array id="names" count="1">a</Name_array><technique_common>"#,
                "<Name_array> in a mesh",
            ),
        ];
        for (from, to, says) in cases {
            assert!(TRIANGLE.contains(from), "{from}");
            let broken = TRIANGLE.replacen(from, to, 1);
            let e = check_collada(&broken).expect_err(from);
            assert!(e.contains(says), "{e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn strips_need_whole_triangles() {
        let strips = TRIANGLE
            .replace(r#"<triangles count="1">"#, r#"<tristrips count="1">"#)
            .replace("</triangles>", "</tristrips>");
        assert_eq!(check_collada(&strips), Ok(()));
        let short = strips.replace("<p>0 1 2</p>", "<p>0 1</p>");
        let e = check_collada(&short).unwrap_err();
        assert!(e.contains("2 indices"), "{e}");
    }
}
