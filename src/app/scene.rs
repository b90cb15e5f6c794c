//! The stage: orbit camera, lights, floor and grid, the table and the arm's stand, the cube
//! from the physics, and the REP-103 axes at the base.

use crate::kit::ArmSet;
use crate::kit::convert;
use crate::kit::draw::{AXIS_COLORS, FLOOR_Z};
use crate::kit::sim::Sim;
use crate::math::Vec3 as RVec3;
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::light::{CascadeShadowConfigBuilder, light_consts::lux};
use bevy::prelude::*;
use bevy_panorbit_camera::PanOrbitCamera;

const TABLE_CENTER: [f64; 2] = [0.5, 0.0];
const TABLE_SIZE: [f64; 3] = [0.8, 1.2, 0.05];

#[derive(Component)]
pub struct SimCube;

/// The obstacle of the course, shown while the running episode has one.
#[derive(Component)]
pub struct SimObstacle;

pub struct ScenePlugin;

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(ClearColor(Color::srgb(0.11, 0.12, 0.14)))
            .insert_resource(GlobalAmbientLight {
                color: Color::WHITE,
                brightness: 300.0,
                ..default()
            })
            .add_systems(Startup, setup)
            .add_systems(
                Update,
                (place_cube, place_obstacle, draw_floor_and_axes).in_set(ArmSet::Views),
            );
        // The browser build leaves out the tone-mapping look-up tables (Cargo.toml) to keep
        // the download small, so every camera there, the transform gizmo's overlay camera
        // included (Bevy spawns it with the default, table-based curve), gets a curve without
        // tables.
        if cfg!(target_arch = "wasm32") {
            app.add_systems(PostUpdate, table_free_tone_mapping);
        }
    }
}

/// The tone curve of the browser build: like the desktop's default it keeps hues steady, and
/// it needs no look-up tables.
pub const WEB_TONE_MAPPING: Tonemapping = Tonemapping::SomewhatBoringDisplayTransform;

/// Gives every new camera that uses a table-based tone curve [`WEB_TONE_MAPPING`] instead.
fn table_free_tone_mapping(mut cameras: Query<&mut Tonemapping, Added<Tonemapping>>) {
    for mut curve in &mut cameras {
        // The curves Bevy documents as needing the tables.
        if matches!(
            *curve,
            Tonemapping::TonyMcMapface | Tonemapping::AgX | Tonemapping::BlenderFilmic
        ) {
            *curve = WEB_TONE_MAPPING;
        }
    }
}

/// Puts the camera back where it starts: three-quarter view of the arm and the table.
pub fn home(cam: &mut PanOrbitCamera) {
    super::steps::frame_shot(cam, &crate::kit::Shot::HOME);
}

fn setup(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    spawn_camera_and_lights(&mut commands);
    spawn_floor_and_table(&mut commands, &mut meshes, &mut materials);
    spawn_task_bodies(&mut commands, &mut meshes, &mut materials);
}

/// The orbit camera at its home view, a warm key light with shadows and a cool fill.
fn spawn_camera_and_lights(commands: &mut Commands) {
    let mut cam = PanOrbitCamera {
        button_orbit: MouseButton::Left,
        button_pan: MouseButton::Right,
        ..default()
    };
    home(&mut cam);
    commands.spawn((
        Name::new("Camera"),
        Camera3d::default(),
        Msaa::Sample4,
        bevy::gizmos::transform_gizmo::TransformGizmoCamera,
        Transform::from_xyz(1.6, 1.1, 1.6).looking_at(Vec3::ZERO, Vec3::Y),
        cam,
    ));
    // A warm key light with shadows and a cool fill from the other side (not in the browser:
    // WebGL2 draws one directional light).
    commands.spawn((
        Name::new("Key light"),
        super::graphics::KeyLight,
        DirectionalLight {
            illuminance: lux::OVERCAST_DAY,
            shadow_maps_enabled: true,
            ..default()
        },
        Transform::from_xyz(2.0, 4.0, 2.5).looking_at(Vec3::ZERO, Vec3::Y),
        CascadeShadowConfigBuilder {
            maximum_distance: 6.0,
            first_cascade_far_bound: 2.0,
            ..default()
        }
        .build(),
    ));
    #[cfg(not(target_arch = "wasm32"))]
    commands.spawn((
        Name::new("Fill light"),
        DirectionalLight {
            illuminance: lux::OVERCAST_DAY * 0.25,
            color: Color::srgb(0.8, 0.87, 1.0),
            ..default()
        },
        Transform::from_xyz(-3.0, 2.0, -2.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

/// The floor, the table on its legs and the arm's pedestal.
fn spawn_floor_and_table(
    commands: &mut Commands,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<StandardMaterial>,
) {
    let floor = materials.add(StandardMaterial {
        base_color: Color::srgb(0.2, 0.21, 0.23),
        perceptual_roughness: 0.95,
        ..default()
    });
    commands.spawn((
        Name::new("Floor"),
        Mesh3d(meshes.add(Plane3d::default().mesh().size(8.0, 8.0))),
        MeshMaterial3d(floor),
        Transform::from_translation(convert::point(&RVec3::new(0.0, 0.0, FLOOR_Z - 0.001))),
    ));
    let wood = materials.add(StandardMaterial {
        base_color: Color::srgb(0.62, 0.5, 0.38),
        perceptual_roughness: 0.7,
        ..default()
    });
    let steel = materials.add(StandardMaterial {
        base_color: Color::srgb(0.45, 0.47, 0.5),
        metallic: 0.6,
        perceptual_roughness: 0.4,
        ..default()
    });
    let [cx, cy] = TABLE_CENTER;
    let [sx, sy, sz] = TABLE_SIZE;
    let mut block =
        |name: &str, center: RVec3, size: RVec3, material: &Handle<StandardMaterial>| {
            // Robot axes (x, y, z) become Bevy's (x, z, y) extents.
            commands.spawn((
                Name::new(name.to_string()),
                Mesh3d(meshes.add(Cuboid::new(size.x as f32, size.z as f32, size.y as f32))),
                MeshMaterial3d(material.clone()),
                Transform::from_translation(convert::point(&center)),
            ));
        };
    block(
        "Table top",
        RVec3::new(cx, cy, -sz / 2.0),
        RVec3::new(sx, sy, sz),
        &wood,
    );
    let leg = 0.05;
    let leg_h = -FLOOR_Z - sz;
    for (dx, dy) in [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)] {
        block(
            "Table leg",
            RVec3::new(
                cx + dx * (sx / 2.0 - leg),
                cy + dy * (sy / 2.0 - leg),
                FLOOR_Z + leg_h / 2.0,
            ),
            RVec3::new(leg, leg, leg_h),
            &steel,
        );
    }
    // The arm stands on a pedestal just behind the table's edge.
    block(
        "Pedestal",
        RVec3::new(-0.02, 0.0, FLOOR_Z / 2.0 - 0.0005),
        RVec3::new(0.22, 0.22, -FLOOR_Z - 0.001),
        &steel,
    );
}

/// The course's post and the cube, hidden until the physics has them.
fn spawn_task_bodies(
    commands: &mut Commands,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<StandardMaterial>,
) {
    let cube = materials.add(StandardMaterial {
        base_color: Color::srgb(0.95, 0.55, 0.12),
        perceptual_roughness: 0.5,
        ..default()
    });
    commands.spawn((
        Name::new("Obstacle"),
        SimObstacle,
        Mesh3d(meshes.add(Cuboid::new(1.0, 1.0, 1.0))),
        MeshMaterial3d(materials.add(StandardMaterial {
            base_color: Color::srgb(0.55, 0.25, 0.6),
            perceptual_roughness: 0.7,
            ..default()
        })),
        Transform::default(),
        Visibility::Hidden,
    ));
    commands.spawn((
        Name::new("Cube"),
        SimCube,
        Mesh3d(meshes.add(Cuboid::new(1.0, 1.0, 1.0))),
        MeshMaterial3d(cube),
        Transform::default(),
        Visibility::Hidden,
    ));
}

/// The cube follows the physics, interpolated like the arm.
fn place_cube(sim: Res<Sim>, mut cube: Query<(&mut Transform, &mut Visibility), With<SimCube>>) {
    let Ok((mut t, mut vis)) = cube.single_mut() else {
        return;
    };
    match sim.shown_cube() {
        Some((a, b, alpha, side)) => {
            let (ta, tb) = (convert::transform(&a), convert::transform(&b));
            t.translation = ta.translation.lerp(tb.translation, alpha as f32);
            t.rotation = ta.rotation.slerp(tb.rotation, alpha as f32);
            t.scale = Vec3::splat(side as f32);
            vis.set_if_neq(Visibility::Inherited);
        }
        None => {
            vis.set_if_neq(Visibility::Hidden);
        }
    }
}

fn place_obstacle(
    sim: Res<Sim>,
    mut post: Query<(&mut Transform, &mut Visibility), With<SimObstacle>>,
) {
    let Ok((mut t, mut vis)) = post.single_mut() else {
        return;
    };
    match sim.obstacle() {
        Some(o) => {
            t.translation = convert::point(&o.center);
            t.scale = convert::point(&o.size).abs();
            vis.set_if_neq(Visibility::Inherited);
        }
        None => {
            vis.set_if_neq(Visibility::Hidden);
        }
    }
}

/// A fine grid on the table plane, a coarse one on the floor, and the base frame's axes.
fn draw_floor_and_axes(mut gizmos: Gizmos) {
    let floor = convert::point(&RVec3::new(0.0, 0.0, FLOOR_Z));
    gizmos.grid(
        Isometry3d::new(floor, Quat::from_rotation_x(std::f32::consts::FRAC_PI_2)),
        UVec2::splat(16),
        Vec2::splat(0.5),
        LinearRgba::gray(0.32),
    );
    let o = Vec3::ZERO;
    for (i, color) in AXIS_COLORS.iter().enumerate() {
        let tip = convert::point(&RVec3::ith(i, 0.25));
        gizmos.arrow(o, tip, *color).with_tip_length(0.04);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the browser build does to every camera (there the system is registered): a curve
    /// that needs the look-up tables is replaced, one that needs none is left alone.
    #[test]
    fn web_cameras_get_a_curve_without_tables() {
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .add_systems(PostUpdate, table_free_tone_mapping);
        let gizmo = app.world_mut().spawn(Tonemapping::TonyMcMapface).id();
        let plain = app.world_mut().spawn(Tonemapping::Reinhard).id();
        app.update();
        let world = app.world();
        assert_eq!(world.get::<Tonemapping>(gizmo), Some(&WEB_TONE_MAPPING));
        assert_eq!(
            world.get::<Tonemapping>(plain),
            Some(&Tonemapping::Reinhard)
        );
    }
}
