//! Reading a robot's meshes: STL / OBJ / COLLADA files (with `mesh-loader`) and primitives
//! turned into Bevy meshes (Y up), found on disk or among the files uploaded with the URDF,
//! and decoded ahead of spawning, one file a step.

use crate::robot::mesh_path::resolve_mesh_path;
use crate::robot::{Model, Shape};
use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// The files that came with the URDF shown, when it was uploaded in the browser: there is no
/// directory to look for its meshes in, so they are looked up here by file name.
#[derive(Resource, Default, Debug, Clone)]
pub struct UploadedFiles(pub HashMap<String, Vec<u8>>);

impl UploadedFiles {
    /// The bytes of the file a URDF `<mesh filename>` (or a material file) names, by its last
    /// path component, ignoring case (`package://arm/meshes/Link1.STL` finds `link1.stl`).
    pub fn find(&self, filename: &str) -> Option<(&str, &[u8])> {
        let name = file_name(filename);
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// The last component of a path or URL, `/` or `\` separated.
pub(super) fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A triangle mesh in robot coordinates turned into a Bevy mesh (Y up), scaled.
pub fn mesh_from_triangles(
    positions: &[[f32; 3]],
    normals: Option<&[[f32; 3]]>,
    faces: &[[u32; 3]],
    scale: [f32; 3],
) -> Mesh {
    let to_bevy = |v: &[f32; 3], s: [f32; 3]| [v[0] * s[0], v[2] * s[2], -v[1] * s[1]];
    let p: Vec<[f32; 3]> = positions.iter().map(|v| to_bevy(v, scale)).collect();
    let mut mesh = Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, p)
    .with_inserted_indices(Indices::U32(faces.iter().flatten().copied().collect()));
    // A negative scale mirrors the mesh: flip the winding so faces still point outwards.
    let mirrored = scale.iter().filter(|s| **s < 0.0).count() % 2 == 1;
    if mirrored && let Some(Indices::U32(ix)) = mesh.indices_mut() {
        for tri in ix.chunks_exact_mut(3) {
            tri.swap(1, 2);
        }
    }
    match normals {
        Some(n) if n.len() == positions.len() && !mirrored && scale.iter().all(|s| *s > 0.0) => {
            let n: Vec<[f32; 3]> = n.iter().map(|v| to_bevy(v, [1.0; 3])).collect();
            mesh.insert_attribute(Mesh::ATTRIBUTE_NORMAL, n);
        }
        _ => mesh.compute_normals(),
    }
    mesh
}

/// Reads a mesh file into one Bevy mesh (all its sub-meshes merged) and its first diffuse
/// colour, if the file has one.
pub fn load_mesh_file(
    path: &std::path::Path,
    scale: [f32; 3],
) -> Result<(Mesh, Option<Color>), String> {
    let name = path.display().to_string();
    // A regular file of a bounded size only: a pipe would block this read forever.
    crate::robot::mesh_path::check_mesh_file(path)?;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read mesh {name}: {e}"))?;
    // mesh-loader finds an OBJ's material library beside it and reads it with this.
    let scene = read_scene(&name, &bytes, |p| std::fs::read(p))?;
    mesh_from_scene(scene, &name, scale)
}

/// [`load_mesh_file`] for a file uploaded in the browser: its bytes, and the other uploaded
/// files for what it refers to (an OBJ's material library).
pub fn load_uploaded_mesh(
    name: &str,
    bytes: &[u8],
    files: &UploadedFiles,
    scale: [f32; 3],
) -> Result<(Mesh, Option<Color>), String> {
    let scene = read_scene(name, bytes, upload_reader(files))?;
    mesh_from_scene(scene, name, scale)
}

/// Reads what an uploaded mesh refers to (an OBJ's material library) from the other uploaded
/// files, by name.
fn upload_reader(
    files: &UploadedFiles,
) -> impl FnMut(&std::path::Path) -> std::io::Result<Vec<u8>> + '_ {
    |p| {
        files
            .find(&p.to_string_lossy())
            .map(|(_, b)| b.to_vec())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not uploaded"))
    }
}

/// mesh-loader on a file's bytes. COLLADA is checked first (mesh-loader panics on some
/// malformed files, and in the browser a panic ends the page); on the desktop a panic that
/// still happens is caught and reported like any other error.
fn read_scene(
    name: &str,
    bytes: &[u8],
    read: impl FnMut(&std::path::Path) -> std::io::Result<Vec<u8>>,
) -> Result<mesh_loader::Scene, String> {
    check_before_loading(name, bytes)?;
    let load = std::panic::AssertUnwindSafe(|| load_scene(name, bytes, read));
    let fail = |why: &dyn std::fmt::Display| format!("cannot read mesh {name}: {why}");
    match std::panic::catch_unwind(load) {
        Ok(scene) => scene.map_err(|e| fail(&e)),
        Err(_) => Err(fail(&"the mesh reader gave up on it (malformed file)")),
    }
}

/// Turns away the files mesh-loader would panic on (COLLADA only; see `robot::collada`).
fn check_before_loading(name: &str, bytes: &[u8]) -> Result<(), String> {
    if !looks_like_collada(name, bytes) {
        return Ok(());
    }
    let fail = |why: &dyn std::fmt::Display| format!("cannot read mesh {name}: {why}");
    let text = std::str::from_utf8(bytes).map_err(|_| fail(&"not UTF-8 text"))?;
    crate::robot::collada::check_collada(text).map_err(|e| fail(&e))
}

/// mesh-loader itself, every sub-mesh merged into one.
fn load_scene(
    name: &str,
    bytes: &[u8],
    read: impl FnMut(&std::path::Path) -> std::io::Result<Vec<u8>>,
) -> std::io::Result<mesh_loader::Scene> {
    mesh_loader::Loader::default()
        .merge_meshes(true)
        .load_from_slice_with_reader(bytes, name, read)
}

/// Whether mesh-loader will read these bytes as COLLADA: by the extension, or for a name
/// without a known one, by `<COLLADA` in the first kilobyte (as mesh-loader decides).
fn looks_like_collada(name: &str, bytes: &[u8]) -> bool {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    if ext.eq_ignore_ascii_case("dae") {
        return true;
    }
    !matches!(ext, "stl" | "STL" | "obj" | "OBJ")
        && bytes[..bytes.len().min(1024)]
            .windows(8)
            .any(|w| w == b"<COLLADA")
}

fn mesh_from_scene(
    scene: mesh_loader::Scene,
    name: &str,
    scale: [f32; 3],
) -> Result<(Mesh, Option<Color>), String> {
    let color = scene
        .materials
        .iter()
        .find_map(|m| m.color.diffuse)
        .map(|c| Color::srgba(c[0], c[1], c[2], c[3]));
    let mesh = scene
        .meshes
        .into_iter()
        .find(|m| !m.faces.is_empty())
        .ok_or_else(|| format!("mesh {name} has no triangles"))?;
    let normals = (!mesh.normals.is_empty()).then_some(mesh.normals.as_slice());
    Ok((
        mesh_from_triangles(&mesh.vertices, normals, &mesh.faces, scale),
        color,
    ))
}

/// A URDF primitive as a Bevy mesh (axes converted: URDF cylinders run along Z, Bevy's along
/// Y, which is where Z goes).
pub fn primitive_mesh(shape: &Shape) -> Option<Mesh> {
    Some(match shape {
        Shape::Box { size } => Cuboid::new(size.x as f32, size.z as f32, size.y as f32).into(),
        Shape::Cylinder { radius, length } => Cylinder::new(*radius as f32, *length as f32)
            .mesh()
            .resolution(32)
            .into(),
        Shape::Capsule { radius, length } => Capsule3d::new(*radius as f32, *length as f32).into(),
        Shape::Sphere { radius } => Sphere::new(*radius as f32).mesh().uv(32, 18),
        Shape::Mesh { .. } => return None,
    })
}

/// A mesh file at one scale (bit patterns, so it can be hashed).
pub(super) type MeshKey = (PathBuf, [u32; 3]);

/// An uploaded file: its name and bytes.
pub(super) type Upload<'a> = (&'a str, &'a [u8]);

/// Where a `<mesh>` comes from: an uploaded file (browser) by name, or a file on disk beside
/// the URDF or in a ROS package; and its key in the cache.
pub(super) fn mesh_source<'a>(
    filename: &str,
    scale: &crate::math::Vec3,
    model: &Model,
    uploaded: &'a UploadedFiles,
) -> Result<(MeshKey, Option<Upload<'a>>), String> {
    let s = [scale.x as f32, scale.y as f32, scale.z as f32];
    let upload = uploaded.find(filename);
    let path = match upload {
        Some((name, _)) => PathBuf::from(name),
        None => resolve_mesh_path(filename, model.source_dir.as_deref())?,
    };
    Ok(((path, s.map(f32::to_bits)), upload))
}

/// Reads and decodes one mesh.
pub(super) fn decode(
    key: &MeshKey,
    upload: Option<Upload>,
    uploaded: &UploadedFiles,
) -> Result<(Mesh, Option<Color>), String> {
    let s = key.1.map(f32::from_bits);
    match upload {
        Some((name, bytes)) => load_uploaded_mesh(name, bytes, uploaded, s),
        None => load_mesh_file(&key.0, s),
    }
}

/// A robot's meshes read and decoded ahead of spawning it: on the compute threads while a
/// newly loaded robot is prepared (a detailed arm's meshes take longer than a frame), so that
/// spawning only hands them to the renderer. What could not be decoded is kept as its error.
#[derive(Default)]
pub struct PreparedMeshes(pub(super) HashMap<MeshKey, Result<(Mesh, Option<Color>), String>>);

/// A robot's meshes being decoded, one file a step (a load in the browser spreads them over
/// frames).
pub struct MeshDecoding {
    /// Each mesh still to decode, with the name of the uploaded file it comes from.
    todo: std::vec::IntoIter<(MeshKey, Option<String>)>,
    done: PreparedMeshes,
}

impl MeshDecoding {
    /// The mesh files `model` names, each file and scale once; nothing is read yet.
    pub fn new(model: &Model, uploaded: &UploadedFiles) -> MeshDecoding {
        let mut seen = std::collections::HashSet::new();
        let mut todo = Vec::new();
        for g in model.links.iter().flat_map(|l| &l.visuals) {
            let Shape::Mesh { filename, scale } = &g.shape else {
                continue;
            };
            // Unresolvable paths are reported when spawning, with their link.
            if let Ok((key, upload)) = mesh_source(filename, scale, model, uploaded)
                && seen.insert(key.clone())
            {
                todo.push((key, upload.map(|(name, _)| name.to_string())));
            }
        }
        MeshDecoding {
            todo: todo.into_iter(),
            done: PreparedMeshes::default(),
        }
    }

    /// The files left to decode.
    pub fn left(&self) -> usize {
        self.todo.len()
    }

    /// Decodes the next file; `true` once none is left.
    pub fn step(&mut self, uploaded: &UploadedFiles) -> bool {
        let Some((key, upload)) = self.todo.next() else {
            return true;
        };
        let upload = upload.as_deref().and_then(|name| uploaded.find(name));
        let decoded = decode(&key, upload, uploaded);
        self.done.0.insert(key, decoded);
        self.todo.len() == 0
    }

    /// What has been decoded.
    pub fn finish(self) -> PreparedMeshes {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangles_keep_their_outward_normals_in_bevy_axes() {
        // One triangle in the robot's XY plane, counter-clockwise seen from +Z: normal +Z,
        // which must come out as Bevy +Y.
        let m = mesh_from_triangles(
            &[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
            None,
            &[[0, 1, 2]],
            [1.0, 1.0, 1.0],
        );
        let Some(bevy::mesh::VertexAttributeValues::Float32x3(n)) =
            m.attribute(Mesh::ATTRIBUTE_NORMAL)
        else {
            panic!("no normals")
        };
        for v in n {
            assert!((Vec3::from(*v) - Vec3::Y).length() < 1e-6, "{v:?}");
        }
        // Mirrored by a negative scale: still outward.
        let m = mesh_from_triangles(
            &[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
            None,
            &[[0, 1, 2]],
            [-1.0, 1.0, 1.0],
        );
        let Some(bevy::mesh::VertexAttributeValues::Float32x3(n)) =
            m.attribute(Mesh::ATTRIBUTE_NORMAL)
        else {
            panic!("no normals")
        };
        assert!((Vec3::from(n[0]) - Vec3::Y).length() < 1e-6, "{:?}", n[0]);
    }

    #[test]
    fn stl_obj_and_collada_files_load() {
        let dir = tempfile::tempdir().unwrap();
        let stl = dir.path().join("t.stl");
        std::fs::write(
            &stl,
            "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n",
        )
        .unwrap();
        let obj = dir.path().join("t.obj");
        std::fs::write(
            &obj,
            "mtllib t.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nusemtl red\nf 1 2 3\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("t.mtl"), "newmtl red\nKd 1 0 0\n").unwrap();
        let dae = dir.path().join("t.dae");
        std::fs::write(&dae, include_str!("../../tests/data/triangle.dae")).unwrap();
        for path in [&stl, &obj, &dae] {
            let (m, color) =
                load_mesh_file(path, [0.001, 0.001, 0.001]).unwrap_or_else(|e| panic!("{e}"));
            if path == &obj {
                // The material library beside the OBJ was read.
                assert_eq!(color, Some(Color::srgba(1.0, 0.0, 0.0, 1.0)));
            }
            assert_eq!(m.count_vertices(), 3, "{}", path.display());
            let Some(bevy::mesh::VertexAttributeValues::Float32x3(p)) =
                m.attribute(Mesh::ATTRIBUTE_POSITION)
            else {
                panic!("no positions")
            };
            // Scaled (mm → m) and in Bevy axes: robot y = 1 becomes Bevy z = −0.001.
            assert!(p.iter().any(|v| (v[2] + 0.001).abs() < 1e-9), "{p:?}");
        }
        let bad = dir.path().join("bad.stl");
        std::fs::write(&bad, "not a mesh").unwrap();
        let e = load_mesh_file(&bad, [1.0; 3]).unwrap_err();
        assert!(!e.contains('\n'), "{e}");
        let e = load_mesh_file(&dir.path().join("absent.obj"), [1.0; 3]).unwrap_err();
        assert!(e.contains("absent.obj"), "{e}");
    }

    /// Thousands of damaged STL, OBJ and COLLADA files (every truncation, and random splices
    /// of XML and number fragments): mesh-loader must not panic on any that reaches it, since
    /// in the browser a panic ends the page. COLLADA goes through the check first, which must
    /// turn away every file mesh-loader would panic on.
    #[test]
    fn damaged_mesh_files_are_errors_never_panics() {
        use rand::{Rng, SeedableRng};
        let obj = "mtllib m.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nvn 0 0 1\nusemtl red\nf 1//1 2//1 3//1\nf 1 3 4\n";
        let stl = "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nendloop\nendfacet\nendsolid t\n";
        let mut binary_stl = vec![0u8; 80];
        binary_stl.extend(1u32.to_le_bytes());
        for f in [0f32, 0., 1., 0., 0., 0., 1., 0., 0., 0., 1., 0.] {
            binary_stl.extend(f.to_le_bytes());
        }
        binary_stl.extend([0, 0]);
        let dae = include_str!("../../tests/data/triangle.dae");
        // A polylist quad with normals at their own offset, texture coordinates on its
        // vertices and a material.
        let quad = include_str!("../../tests/data/quad.dae");
        let (mesh, color) = load_uploaded_mesh(
            "q.dae",
            quad.as_bytes(),
            &UploadedFiles::default(),
            [1.0; 3],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mesh.indices().map(|i| i.len()), Some(6), "two triangles");
        assert!(color.is_some());
        let files =
            UploadedFiles([("m.mtl".to_string(), b"newmtl red\nKd 1 0 0\n".to_vec())].into());
        // The last four are counts that lie (mesh-loader would reserve gigabytes for them, and
        // a failed allocation aborts rather than panics): the check must turn them away.
        let splices: [&[u8]; 25] = [
            b"<",
            b">",
            b" ",
            b"-1",
            b"99",
            b"nan",
            b"\n",
            b"f 1 2 9\n",
            b"f -9 1 2\n",
            b"v 1\n",
            b"/",
            b"\xff\xff\xff\x7f",
            b"\0",
            b"",
            b"1e40",
            b"<p>0 1 7</p>",
            b"#tri",
            b"#quad-vtx",
            b"offset=\"2\"",
            b"<vcount>5</vcount>",
            b"stride=\"1\"",
            b" count=\"4000000000\"",
            b"<vcount>4000000000 3</vcount>",
            b"offset=\"4000000000\"",
            b"stride=\"4000000000\"",
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let (mut tried, mut rejected, mut loaded) = (0, 0, 0);
        for (name, good) in [
            ("a.obj", obj.as_bytes().to_vec()),
            ("a.stl", stl.as_bytes().to_vec()),
            ("b.stl", binary_stl),
            ("a.dae", dae.as_bytes().to_vec()),
            ("b.dae", quad.as_bytes().to_vec()),
        ] {
            let cuts = (0..good.len()).map(|cut| good[..cut].to_vec());
            let spliced: Vec<Vec<u8>> = (0..3000)
                .map(|_| {
                    let mut s = good.clone();
                    for _ in 0..rng.random_range(1..4) {
                        let i = rng.random_range(0..s.len());
                        let j = (i + rng.random_range(0..8)).min(s.len());
                        s.splice(
                            i..j,
                            splices[rng.random_range(0..splices.len())].iter().copied(),
                        );
                    }
                    s
                })
                .collect();
            for bytes in cuts.chain(spliced) {
                tried += 1;
                if check_before_loading(name, &bytes).is_err() {
                    rejected += 1;
                    continue;
                }
                // Without `read_scene`'s catch_unwind, so that a panic shows.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    load_scene(name, &bytes, upload_reader(&files))
                        .map(|scene| mesh_from_scene(scene, name, [1.0; 3]).is_ok())
                }));
                match outcome {
                    Err(_) => panic!(
                        "mesh-loader panicked on this {name}:\n{}",
                        String::from_utf8_lossy(&bytes)
                    ),
                    Ok(Ok(true)) => loaded += 1,
                    Ok(_) => {}
                }
            }
        }
        eprintln!(
            "{tried} damaged files: {rejected} turned away by the COLLADA check, {loaded} still loaded"
        );
        assert!(
            rejected > 100 && loaded > 100,
            "{tried} {rejected} {loaded}"
        );
    }
}
