//! Where a URDF's mesh file is: `package://pkg/rest` (ROS), `file://` or a path relative to
//! the URDF's directory.

use std::path::{Path, PathBuf};

/// Why a mesh cannot be read. Every message is one line.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum MeshError {
    #[error("mesh not found: {0}")]
    NotFound(String),
    #[error("mesh path {0:?} names a package but no file")]
    PackageOnly(String),
    #[error("mesh {filename} is {what}, not a mesh file")]
    NotAFile {
        filename: String,
        what: &'static str,
    },
    #[error("cannot read mesh {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("mesh {0} is not a regular file")]
    NotRegular(String),
    #[error("mesh {path} is {mb} MB; armtutor reads meshes of up to {limit_mb} MB")]
    TooLarge {
        path: String,
        mb: u64,
        limit_mb: u64,
    },
}

/// Where a one-line message is all a caller keeps (the app's warnings, the loader's errors).
impl From<MeshError> for String {
    fn from(e: MeshError) -> String {
        e.to_string()
    }
}

/// Resolves a `<mesh filename>` to an existing file, or says in one line why it cannot.
///
/// `package://pkg/rest` is looked up, in order, in: an ancestor of the URDF's directory named
/// `pkg`; a folder `pkg` beside any ancestor (a workspace `src/`); each `ROS_PACKAGE_PATH`
/// entry. That covers a description package used in place and one inside a ROS workspace.
pub fn resolve_mesh_path(filename: &str, urdf_dir: Option<&Path>) -> Result<PathBuf, MeshError> {
    let ros_path = std::env::var_os("ROS_PACKAGE_PATH");
    let roots: Vec<PathBuf> = ros_path
        .as_deref()
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    resolve_with(filename, urdf_dir, &roots)
}

/// [`resolve_mesh_path`] with the package search path given explicitly (for tests).
pub fn resolve_with(
    filename: &str,
    urdf_dir: Option<&Path>,
    package_roots: &[PathBuf],
) -> Result<PathBuf, MeshError> {
    let not_found = || MeshError::NotFound(filename.to_string());
    if let Some(rest) = filename.strip_prefix("package://") {
        let (pkg, inner) = rest
            .split_once('/')
            .ok_or_else(|| MeshError::PackageOnly(filename.to_string()))?;
        let mut candidates = Vec::new();
        if let Some(dir) = urdf_dir {
            for a in dir.ancestors() {
                if a.file_name().is_some_and(|n| n == pkg) {
                    candidates.push(a.join(inner));
                }
                candidates.push(a.join(pkg).join(inner));
            }
        }
        for root in package_roots {
            candidates.push(root.join(pkg).join(inner));
        }
        return candidates
            .into_iter()
            .find(|c| c.is_file())
            .ok_or_else(not_found);
    }
    let path = Path::new(filename.strip_prefix("file://").unwrap_or(filename));
    let full = match (path.is_absolute(), urdf_dir) {
        (false, Some(dir)) => dir.join(path),
        _ => path.to_path_buf(),
    };
    if full.is_file() {
        Ok(full)
    } else if full.exists() {
        Err(MeshError::NotAFile {
            filename: filename.to_string(),
            what: if full.is_dir() {
                "a folder"
            } else {
                "a device, pipe or socket"
            },
        })
    } else {
        Err(not_found())
    }
}

/// The largest mesh file read, in bytes (a detailed arm link is a few MB).
pub const MAX_MESH_BYTES: u64 = 256 << 20;

/// Whether `path` may be read as a mesh: a regular file (a FIFO would block the reader
/// forever, a device never ends) of at most [`MAX_MESH_BYTES`]. One line when not.
pub fn check_mesh_file(path: &Path) -> Result<(), MeshError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| MeshError::Unreadable {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    if !meta.is_file() {
        return Err(MeshError::NotRegular(name));
    }
    if meta.len() > MAX_MESH_BYTES {
        return Err(MeshError::TooLarge {
            path: name,
            mb: meta.len() >> 20,
            limit_mb: MAX_MESH_BYTES >> 20,
        });
    }
    Ok(())
}

/// What is wrong with the meshes a model names, one line per mesh file (each named once,
/// with the first link that uses it), for a loader's warnings: the robot still loads, and
/// those links are drawn without them.
pub fn mesh_problems(model: &super::Model) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut problems = Vec::new();
    for link in &model.links {
        for g in link.visuals.iter().chain(&link.collisions) {
            let super::Shape::Mesh { filename, .. } = &g.shape else {
                continue;
            };
            if !seen.insert(filename.as_str()) {
                continue;
            }
            let checked = resolve_mesh_path(filename, model.source_dir.as_deref())
                .and_then(|p| check_mesh_file(&p));
            if let Err(e) = checked {
                problems.push(format!("link '{}': {e}; drawn without it", link.name));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_relative_and_file_paths_resolve() {
        let ws = tempfile::tempdir().unwrap();
        let pkg = ws.path().join("src/my_arm_description");
        std::fs::create_dir_all(pkg.join("urdf")).unwrap();
        std::fs::create_dir_all(pkg.join("meshes")).unwrap();
        std::fs::write(pkg.join("meshes/link1.stl"), b"solid x\nendsolid x\n").unwrap();
        let urdf_dir = pkg.join("urdf");
        let want = pkg.join("meshes/link1.stl");
        // The package is an ancestor of the URDF.
        let got = resolve_with(
            "package://my_arm_description/meshes/link1.stl",
            Some(&urdf_dir),
            &[],
        );
        assert_eq!(got.unwrap(), want);
        // Relative to the URDF, and file://.
        assert_eq!(
            resolve_with("../meshes/link1.stl", Some(&urdf_dir), &[]).unwrap(),
            urdf_dir.join("../meshes/link1.stl")
        );
        let abs = format!("file://{}", want.display());
        assert_eq!(resolve_with(&abs, None, &[]).unwrap(), want);
        // Found through the package path when the URDF lives elsewhere.
        let elsewhere = tempfile::tempdir().unwrap();
        let got = resolve_with(
            "package://my_arm_description/meshes/link1.stl",
            Some(elsewhere.path()),
            &[ws.path().join("src")],
        );
        assert_eq!(got.unwrap(), want);
    }

    #[test]
    fn missing_meshes_are_one_line_errors() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "package://nothing/here.stl",
            "package://nofile",
            "meshes/absent.dae",
        ] {
            let e = resolve_with(name, Some(dir.path()), &[])
                .unwrap_err()
                .to_string();
            assert!(e.contains(name) && !e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn folders_devices_pipes_and_huge_files_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("folder.stl")).unwrap();
        let e = resolve_with("folder.stl", Some(d), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a folder"), "{e}");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/dev/zero", d.join("zero.stl")).unwrap();
            let e = resolve_with("zero.stl", Some(d), &[])
                .unwrap_err()
                .to_string();
            assert!(e.contains("device, pipe or socket"), "{e}");
            // A named pipe: reading it would block until a writer came.
            let made = std::process::Command::new("mkfifo")
                .arg(d.join("pipe.stl"))
                .status()
                .is_ok_and(|s| s.success());
            if made {
                let e = resolve_with("pipe.stl", Some(d), &[])
                    .unwrap_err()
                    .to_string();
                assert!(e.contains("device, pipe or socket"), "{e}");
                let e = check_mesh_file(&d.join("pipe.stl"))
                    .unwrap_err()
                    .to_string();
                assert!(e.contains("not a regular file"), "{e}");
            }
        }
        // A sparse file larger than the limit: refused by its size, not read.
        let big = d.join("big.stl");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_MESH_BYTES + 1)
            .unwrap();
        let e = check_mesh_file(&big).unwrap_err().to_string();
        assert!(e.contains("up to 256 MB"), "{e}");
        std::fs::write(d.join("ok.stl"), b"solid x\nendsolid x\n").unwrap();
        assert_eq!(check_mesh_file(&d.join("ok.stl")), Ok(()));
    }
}
