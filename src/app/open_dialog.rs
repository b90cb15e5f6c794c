//! "Open URDF…" on the desktop: the system's file dialog (the XDG desktop portal on Linux,
//! through `rfd`, so nothing GTK is built or installed; Windows' and macOS' own dialogs), run
//! as a task so the app keeps drawing while it is open. The file picked is loaded like a file
//! dropped on the window. A desktop without a portal shows no dialog; the notice says so and
//! drag-and-drop and `--urdf` still work.

use super::robot::LoadUrdf;
use crate::kit::robot::Notice;
use bevy::prelude::*;
use bevy::tasks::{IoTaskPool, Task, futures::check_ready};
use std::path::PathBuf;

/// What the dialog came back with: a file, nothing (cancelled), or why there was no dialog.
pub type Picked = Result<Option<PathBuf>, String>;

/// The dialog being shown, if one is.
#[derive(Resource, Default)]
pub struct OpenDialog {
    task: Option<Task<Picked>>,
}

impl OpenDialog {
    pub fn open(&self) -> bool {
        self.task.is_some()
    }

    /// Waits for `task` (a dialog, or in tests anything that picks a file).
    pub fn wait_for(&mut self, task: Task<Picked>) {
        self.task = Some(task);
    }
}

/// Shows the system's dialog for a URDF (nothing if one is already open).
pub fn ask(dialog: &mut OpenDialog, title: &str) {
    if dialog.open() {
        return;
    }
    let title = title.to_string();
    let bus = portal_bus();
    let task = IoTaskPool::get().spawn(async move {
        bus?;
        let picked = rfd::AsyncFileDialog::new()
            .set_title(title)
            .add_filter("URDF", &["urdf", "xml"])
            .pick_file()
            .await;
        Ok(picked.map(|f| f.path().to_path_buf()))
    });
    dialog.wait_for(task);
}

/// On Linux the dialog is the desktop portal's, reached over the D-Bus session bus; without one
/// (a bare X server, a console) there is no dialog, and the reason is given instead.
fn portal_bus() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let has_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|d| std::path::Path::new(&d).join("bus").exists());
    if has_bus {
        Ok(())
    } else {
        Err("no D-Bus session for the desktop's file dialog: drop the .urdf on the window, or start with --urdf FILE".into())
    }
}

pub struct OpenDialogPlugin;

impl Plugin for OpenDialogPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<OpenDialog>()
            .add_systems(Update, collect);
    }
}

/// A picked file is loaded as a dropped one is.
fn collect(
    mut dialog: ResMut<OpenDialog>,
    mut load: MessageWriter<LoadUrdf>,
    mut notice: ResMut<Notice>,
    time: Res<Time>,
) {
    let Some(task) = dialog.task.as_mut() else {
        return;
    };
    let Some(picked) = check_ready(task) else {
        return;
    };
    dialog.task = None;
    match picked {
        Ok(Some(path)) => {
            load.write(LoadUrdf::File(path));
        }
        Ok(None) => {}
        Err(e) => notice.post("notice_no_dialog", e, time.elapsed_secs_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picked_file_is_loaded_like_a_dropped_one() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .init_resource::<Notice>()
            .add_message::<LoadUrdf>()
            .add_plugins(OpenDialogPlugin);
        app.update();
        let picked = PathBuf::from("arm.urdf");
        let answer = picked.clone();
        let task = IoTaskPool::get().spawn(async move { Ok(Some(answer)) });
        app.world_mut().resource_mut::<OpenDialog>().wait_for(task);
        let mut loads = Vec::new();
        for _ in 0..100 {
            app.update();
            let msgs = app.world().resource::<Messages<LoadUrdf>>();
            loads.extend(msgs.iter_current_update_messages().cloned());
            if !app.world().resource::<OpenDialog>().open() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(!app.world().resource::<OpenDialog>().open());
        assert!(
            matches!(loads.as_slice(), [LoadUrdf::File(p)] if *p == picked),
            "{loads:?}"
        );
        // A cancelled dialog loads nothing; a missing one says why.
        let task = IoTaskPool::get().spawn(async { Err("no portal".to_string()) });
        app.world_mut().resource_mut::<OpenDialog>().wait_for(task);
        for _ in 0..100 {
            app.update();
            if !app.world().resource::<OpenDialog>().open() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(
            app.world().resource::<Notice>().text.as_deref(),
            Some("no portal")
        );
    }
}
