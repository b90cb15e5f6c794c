//! The interactive app (Bevy). For now a window with the arm's link frames drawn from the
//! math core's forward kinematics; the full tutor (meshes, physics, lessons) builds on this.

pub mod convert;

use crate::math::Transform as Pose;
use crate::robot::Model;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass, egui};
use bevy_panorbit_camera::{PanOrbitCamera, PanOrbitCameraPlugin};

/// The robot shown, with its current configuration.
#[derive(Resource)]
pub struct Robot {
    pub model: Model,
    pub q: Vec<f64>,
    poses: Vec<Pose>,
}

impl Robot {
    pub fn new(model: Model) -> Robot {
        // Start in the middle of every joint's range (0 where a range is unbounded): for the
        // Panda that is close to its "ready" pose, well away from the limits.
        let q = model
            .dof_joints
            .iter()
            .map(|&ji| {
                let (lo, hi) = model.joints[ji].limits;
                if lo.is_finite() && hi.is_finite() {
                    0.5 * (lo + hi)
                } else {
                    0.0
                }
            })
            .collect::<Vec<_>>();
        let poses = model.link_poses(&q);
        Robot { model, q, poses }
    }
}

/// Opens the app window with `urdf` (or the bundled arm).
pub fn run(urdf: Option<&std::path::Path>) -> Result<(), String> {
    let model = match urdf {
        Some(path) => Model::from_urdf_file(path).map_err(|e| e.to_string())?,
        None => Model::from_urdf_str(crate::cli::DEFAULT_URDF).map_err(|e| e.to_string())?,
    };
    App::new()
        .add_plugins(DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window {
                title: "armtutor".into(),
                ..default()
            }),
            ..default()
        }))
        .add_plugins((EguiPlugin::default(), PanOrbitCameraPlugin))
        .insert_resource(Robot::new(model))
        .insert_resource(ClearColor(Color::srgb(0.09, 0.10, 0.12)))
        .add_systems(Startup, setup)
        .add_systems(Update, (update_poses, draw_frames).chain())
        .add_systems(EguiPrimaryContextPass, panel)
        .run();
    Ok(())
}

fn setup(mut commands: Commands) {
    commands.spawn((
        Name::new("Camera"),
        Transform::from_xyz(1.6, 1.1, 1.6).looking_at(Vec3::new(0.0, 0.45, 0.0), Vec3::Y),
        PanOrbitCamera {
            focus: Vec3::new(0.0, 0.45, 0.0),
            ..default()
        },
    ));
}

fn update_poses(mut robot: ResMut<Robot>) {
    if robot.is_changed() {
        let Robot { model, q, poses } = &mut *robot;
        model.link_poses_into(q, poses);
    }
}

/// Ground grid, the links as lines between frame origins, and an RGB triad per link
/// (robot X red, Y green, Z blue — REP-103 colours in robot axes).
fn draw_frames(robot: Res<Robot>, mut gizmos: Gizmos) {
    gizmos.grid(
        Quat::from_rotation_x(std::f32::consts::FRAC_PI_2),
        UVec2::splat(20),
        Vec2::splat(0.1),
        LinearRgba::gray(0.3),
    );
    let colors = [
        Color::srgb(0.9, 0.2, 0.2),
        Color::srgb(0.2, 0.8, 0.3),
        Color::srgb(0.25, 0.45, 1.0),
    ];
    for j in &robot.model.joints {
        let a = convert::point(&robot.poses[j.parent].translation);
        let b = convert::point(&robot.poses[j.child].translation);
        gizmos.line(a, b, Color::srgb(0.85, 0.85, 0.82));
    }
    for pose in &robot.poses {
        let o = convert::point(&pose.translation);
        for (axis, color) in colors.iter().enumerate() {
            let tip = pose.transform_point(&(crate::math::Vec3::ith(axis, 0.06)));
            gizmos.line(o, convert::point(&tip), *color);
        }
    }
}

fn panel(mut contexts: EguiContexts, mut robot: ResMut<Robot>) -> Result {
    let ctx = contexts.ctx_mut()?;
    egui::Window::new("armtutor")
        .default_pos([12.0, 12.0])
        .show(ctx, |ui| {
            ui.label(format!(
                "{}: {} links, {} DoF",
                robot.model.name,
                robot.model.links.len(),
                robot.model.dof()
            ));
            ui.separator();
            let names: Vec<String> = robot
                .model
                .dof_joints
                .iter()
                .map(|&ji| robot.model.joints[ji].name.clone())
                .collect();
            let limits: Vec<(f64, f64)> = robot
                .model
                .dof_joints
                .iter()
                .map(|&ji| robot.model.joints[ji].limits)
                .collect();
            for (i, name) in names.iter().enumerate() {
                let (lo, hi) = limits[i];
                let range = lo.max(-std::f64::consts::PI)..=hi.min(std::f64::consts::PI);
                let mut v = robot.q[i];
                if ui
                    .add(egui::Slider::new(&mut v, range).text(name))
                    .changed()
                {
                    robot.q[i] = v;
                }
            }
        });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_pose_is_inside_every_limit() {
        let model = Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap();
        let robot = Robot::new(model);
        for (&ji, q) in robot.model.dof_joints.iter().zip(&robot.q) {
            let (lo, hi) = robot.model.joints[ji].limits;
            assert!(*q > lo && *q < hi, "{}", robot.model.joints[ji].name);
        }
    }

    #[test]
    fn changing_q_updates_the_link_poses() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins);
        let model = Model::from_urdf_str(crate::cli::DEFAULT_URDF).unwrap();
        app.insert_resource(Robot::new(model));
        app.add_systems(Update, update_poses);
        app.update();
        let tip = app
            .world()
            .resource::<Robot>()
            .model
            .link_index("panda_hand")
            .unwrap();
        let before = app.world().resource::<Robot>().poses[tip];
        app.world_mut().resource_mut::<Robot>().q[0] += 0.5;
        app.update();
        let after = app.world().resource::<Robot>().poses[tip];
        assert!((after.translation - before.translation).norm() > 0.05);
        let expected = app
            .world()
            .resource::<Robot>()
            .model
            .link_poses(&app.world().resource::<Robot>().q)[tip];
        assert_eq!(after, expected);
    }
}
