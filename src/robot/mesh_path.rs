//! Where a URDF's mesh file is: `package://pkg/rest` (ROS), `file://` or a path relative to
//! the URDF's directory.

use std::path::{Path, PathBuf};

/// Resolves a `<mesh filename>` to an existing file, or says in one line why it cannot.
///
/// `package://pkg/rest` is looked up, in order, in: an ancestor of the URDF's directory named
/// `pkg`; a folder `pkg` beside any ancestor (a workspace `src/`); each `ROS_PACKAGE_PATH`
/// entry. That covers a description package used in place and one inside a ROS workspace.
pub fn resolve_mesh_path(filename: &str, urdf_dir: Option<&Path>) -> Result<PathBuf, String> {
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
) -> Result<PathBuf, String> {
    let not_found = || format!("mesh not found: {filename}");
    if let Some(rest) = filename.strip_prefix("package://") {
        let (pkg, inner) = rest
            .split_once('/')
            .ok_or_else(|| format!("mesh path {filename:?} names a package but no file"))?;
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
    } else {
        Err(not_found())
    }
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
            let e = resolve_with(name, Some(dir.path()), &[]).unwrap_err();
            assert!(e.contains(name) && !e.contains('\n'), "{e}");
        }
    }
}
