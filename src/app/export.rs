//! What a run can leave the app as: a file (the timeline or the plots as CSV), a screenshot;
//! new names that never overwrite, a download in the browser.

use crate::kit::robot::Notice;
use bevy::prelude::*;

/// Saves `bytes` as a new file named `stem-N.ext` (the first N not taken) in the working
/// directory; in the browser, downloads it. Returns where it went, or a one-line error.
pub fn save_file(stem: &str, ext: &str, bytes: &[u8]) -> Result<String, String> {
    #[cfg(target_arch = "wasm32")]
    {
        let name = format!("{stem}.{ext}");
        crate::app::web::download(&name, bytes)?;
        Ok(name)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let path = free_name(std::path::Path::new(""), stem, ext, |p| p.exists());
        std::fs::write(&path, bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path.display().to_string())
    }
}

/// `stem-N.ext` in `base` for the first N from 1 that `taken` says is free (`stem-N`, a
/// folder name, when `ext` is empty).
pub fn free_name(
    base: &std::path::Path,
    stem: &str,
    ext: &str,
    taken: impl Fn(&std::path::Path) -> bool,
) -> std::path::PathBuf {
    let dot = if ext.is_empty() { "" } else { "." };
    (1u32..)
        .map(|n| base.join(format!("{stem}-{n}{dot}{ext}")))
        .find(|p| !taken(p))
        .unwrap_or_else(|| base.join(format!("{stem}{dot}{ext}")))
}

/// Asks Bevy for a PNG of the window: a new file on the desktop, a download in the browser.
pub fn take_screenshot(commands: &mut Commands, notice: &mut Notice, now: f64) {
    #[cfg(target_arch = "wasm32")]
    let path = std::path::PathBuf::from("armtutor.png");
    #[cfg(not(target_arch = "wasm32"))]
    let path = free_name(std::path::Path::new(""), "armtutor", "png", |p| p.exists());
    notice.post("notice_saved", path.display().to_string(), now);
    save_screenshot(commands, path);
}

/// The window's next frame as a PNG at `path` (a download in the browser).
pub fn save_screenshot(commands: &mut Commands, path: std::path::PathBuf) {
    use bevy::render::view::screenshot::{Screenshot, save_to_disk};
    commands
        .spawn(Screenshot::primary_window())
        .observe(save_to_disk(path));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_not_reused() {
        let taken = ["shot-1.png", "shot-2.png"];
        let p = free_name(std::path::Path::new(""), "shot", "png", |p| {
            taken.iter().any(|t| p == std::path::Path::new(t))
        });
        assert_eq!(p, std::path::PathBuf::from("shot-3.png"));
    }
}
