//! The arm's visual geometry from its URDF, each link an entity whose transform follows the
//! forward kinematics; its meshes come from `meshes.rs`.

use super::meshes::{MeshKey, PreparedMeshes, UploadedFiles, decode, mesh_source, primitive_mesh};
use super::robot::{GeometryWarnings, LoadedMeshes};
use crate::kit::ArmSet;
use crate::kit::convert;
use crate::kit::robot::Notice;
use crate::kit::robot::Robot;
use crate::robot::{Geometry, Model, Shape};
use bevy::prelude::*;
use std::collections::HashMap;

/// The entity that carries link `i`'s visuals.
#[derive(Component)]
pub struct LinkVisual(pub usize);

/// Which model generation the spawned visuals belong to.
#[derive(Resource, Default)]
struct Spawned(Option<u32>);

pub struct VisualsPlugin;

impl Plugin for VisualsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Spawned>().add_systems(
            Update,
            (respawn_on_new_model, follow_kinematics)
                .chain()
                .in_set(ArmSet::Views),
        );
    }
}

fn material_for(geometry: &Geometry, file_color: Option<Color>) -> StandardMaterial {
    let base_color = geometry
        .color
        .map(|c| Color::srgba(c[0] as f32, c[1] as f32, c[2] as f32, c[3] as f32))
        .or(file_color)
        .unwrap_or(Color::srgb(0.86, 0.87, 0.88));
    StandardMaterial {
        base_color,
        perceptual_roughness: 0.45,
        metallic: 0.15,
        alpha_mode: if base_color.alpha() < 1.0 {
            AlphaMode::Blend
        } else {
            AlphaMode::Opaque
        },
        ..default()
    }
}

fn respawn_on_new_model(
    mut commands: Commands,
    robot: Res<Robot>,
    (mut spawned, old): (ResMut<Spawned>, Query<Entity, With<LinkVisual>>),
    (mut meshes, mut materials): (ResMut<Assets<Mesh>>, ResMut<Assets<StandardMaterial>>),
    (mut notice, mut geometry): (ResMut<Notice>, ResMut<GeometryWarnings>),
    (mut prepared, uploaded): (ResMut<LoadedMeshes>, Res<UploadedFiles>),
    time: Res<Time>,
) {
    if spawned.0 == Some(robot.generation) {
        return;
    }
    spawned.0 = Some(robot.generation);
    for e in &old {
        commands.entity(e).despawn();
    }
    let problems = spawn_links(
        &mut commands,
        &robot.model,
        &robot.poses,
        &uploaded,
        std::mem::take(&mut prepared.0),
        &mut meshes,
        &mut materials,
    );
    geometry.generation = robot.generation;
    geometry.lines = problems.clone();
    if let Some(first) = problems.first() {
        let more = if problems.len() > 1 {
            format!(" (and {} more)", problems.len() - 1)
        } else {
            String::new()
        };
        notice.post(
            "notice_geometry",
            format!("{first}{more}"),
            time.elapsed_secs_f64(),
        );
    }
}

/// Spawns one entity per link with its visuals as children; returns what could not be shown.
fn spawn_links(
    commands: &mut Commands,
    model: &Model,
    poses: &[crate::math::Transform],
    uploaded: &UploadedFiles,
    mut prepared: PreparedMeshes,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<StandardMaterial>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut cache: HashMap<MeshKey, (Handle<Mesh>, Option<Color>)> = HashMap::new();
    // An arm without fingers does the task with a suction cup: drawn on its tool link, a
    // dark rubber cylinder along the tool's z, as long and wide as the physics' cup.
    let cup = crate::sim::task::arm::suction_tool(model).map(|tool| {
        use crate::sim::task::arm::{CUP_LENGTH, CUP_RADIUS};
        let geometry = Geometry {
            origin: crate::math::Transform::from_translation(crate::math::Vec3::new(
                0.0,
                0.0,
                CUP_LENGTH / 2.0,
            )),
            shape: Shape::Cylinder {
                radius: CUP_RADIUS,
                length: CUP_LENGTH,
            },
            color: Some([0.15, 0.15, 0.17, 1.0]),
        };
        (tool, geometry)
    });
    for (i, link) in model.links.iter().enumerate() {
        let mut children = Vec::new();
        let extra = cup.as_ref().filter(|(tool, _)| *tool == i).map(|(_, g)| g);
        for g in link.visuals.iter().chain(extra) {
            let (mesh, file_color) = match &g.shape {
                Shape::Mesh { filename, scale } => {
                    // An upload (browser) has its meshes in memory, by file name; a file on
                    // disk has them beside it or in a ROS package.
                    // (`uploaded` is empty unless this model came from an upload.)
                    let (key, upload) = match mesh_source(filename, scale, model, uploaded) {
                        Ok(found) => found,
                        Err(e) => {
                            problems.push(crate::robot::names::elide_long_words(&format!(
                                "{e} (link {})",
                                link.name
                            )));
                            continue;
                        }
                    };
                    if let Some(hit) = cache.get(&key) {
                        hit.clone()
                    } else {
                        // Decoded ahead (a robot loaded while the app runs), else now.
                        let loaded = prepared
                            .0
                            .remove(&key)
                            .unwrap_or_else(|| decode(&key, upload, uploaded));
                        match loaded {
                            Ok((m, c)) => {
                                let entry = (meshes.add(m), c);
                                cache.insert(key, entry.clone());
                                entry
                            }
                            Err(e) => {
                                problems.push(e);
                                continue;
                            }
                        }
                    }
                }
                shape => match primitive_mesh(shape) {
                    Some(m) => (meshes.add(m), None),
                    None => continue,
                },
            };
            children.push((
                Mesh3d(mesh),
                MeshMaterial3d(materials.add(material_for(g, file_color))),
                convert::transform(&g.origin),
            ));
        }
        let mut e = commands.spawn((
            Name::new(link.name.clone()),
            LinkVisual(i),
            poses.get(i).map(convert::transform).unwrap_or_default(),
            Visibility::Inherited,
        ));
        for child in children {
            e.with_child(child);
        }
    }
    problems
}

fn follow_kinematics(robot: Res<Robot>, mut links: Query<(&LinkVisual, &mut Transform)>) {
    for (link, mut t) in &mut links {
        if let Some(pose) = robot.poses.get(link.0) {
            let want = convert::transform(pose);
            t.set_if_neq(want);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An app with the robot plugin and the visuals, one frame in, showing `model`.
    fn app_showing(model: Model) -> App {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, AssetPlugin::default()))
            .init_asset::<Mesh>()
            .init_asset::<StandardMaterial>()
            .insert_resource(Robot::new(model))
            .add_plugins((super::super::robot::RobotPlugin, VisualsPlugin));
        app.update();
        app
    }

    /// The browser's path: a URDF uploaded with its mesh files (no directory), meshes found by
    /// file name whatever their `package://` path, an OBJ's material library too.
    #[test]
    fn an_uploaded_urdf_finds_its_meshes_among_the_uploaded_files() {
        let urdf = r#"<robot name="up">
  <link name="base"><visual><geometry><mesh filename="package://up/meshes/Base.OBJ"/></geometry></visual></link>
  <link name="arm"><visual><geometry><mesh filename="package://up/meshes/gone.stl"/></geometry></visual></link>
  <joint name="j" type="revolute"><parent link="base"/><child link="arm"/>
    <axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
</robot>"#;
        let files = vec![
            ("up.urdf".to_string(), urdf.as_bytes().to_vec()),
            (
                "base.obj".to_string(),
                b"mtllib base.mtl\nusemtl red\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n".to_vec(),
            ),
            ("base.mtl".to_string(), b"newmtl red\nKd 1 0 0\n".to_vec()),
        ];
        let panda = Model::from_urdf_str(crate::robot::panda::URDF).unwrap();
        let mut app = app_showing(panda);
        app.world_mut()
            .write_message(super::super::robot::LoadUrdf::Upload(files));
        super::super::robot::tests::settle_loading(&mut app);
        assert_eq!(app.world().resource::<Robot>().model.name, "up");
        let mut q = app.world_mut().query::<(&LinkVisual, Option<&Children>)>();
        let mut links: Vec<(usize, Vec<Entity>)> = q
            .iter(app.world())
            .map(|(l, c)| (l.0, c.map(|c| c.to_vec()).unwrap_or_default()))
            .collect();
        links.sort_by_key(|l| l.0);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].1.len(), 1, "the uploaded OBJ is shown");
        assert!(links[1].1.is_empty(), "the missing STL is not");
        let material = app
            .world()
            .get::<MeshMaterial3d<StandardMaterial>>(links[0].1[0])
            .unwrap();
        let color = app
            .world()
            .resource::<Assets<StandardMaterial>>()
            .get(&material.0)
            .unwrap()
            .base_color;
        assert_eq!(
            color.to_srgba(),
            Color::srgb(1.0, 0.0, 0.0).to_srgba(),
            "from base.mtl"
        );
        let notice = app.world().resource::<Notice>().text.clone().unwrap();
        assert!(
            notice.contains("gone.stl") && !notice.contains('\n'),
            "{notice}"
        );
    }

    #[test]
    fn a_urdf_with_meshes_spawns_every_link_and_reports_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("meshes")).unwrap();
        std::fs::write(
            dir.path().join("meshes/base.obj"),
            "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n",
        )
        .unwrap();
        let urdf = r#"<robot name="m">
  <link name="base"><visual><geometry><mesh filename="meshes/base.obj"/></geometry></visual></link>
  <link name="arm"><visual><geometry><mesh filename="meshes/missing.stl"/></geometry></visual>
    <visual><geometry><cylinder radius="0.05" length="0.3"/></geometry></visual></link>
  <joint name="j" type="revolute"><parent link="base"/><child link="arm"/>
    <axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint>
</robot>"#;
        let path = dir.path().join("m.urdf");
        std::fs::write(&path, urdf).unwrap();
        let model = Model::from_urdf_file(&path).unwrap();
        let mut app = app_showing(model);
        let mut q = app.world_mut().query::<(&LinkVisual, Option<&Children>)>();
        let counts: Vec<usize> = q
            .iter(app.world())
            .map(|(_, c)| c.map_or(0, |c| c.len()))
            .collect();
        assert_eq!(counts.len(), 2);
        assert_eq!(counts.iter().sum::<usize>(), 2, "{counts:?}");
        let notice = app.world().resource::<Notice>().text.clone().unwrap();
        assert!(notice.contains("missing.stl"), "{notice}");
    }
}
