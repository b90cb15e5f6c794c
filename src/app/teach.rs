//! Teach mode: the user moves the arm. Joint sliders write `q` directly; the tool target (a
//! translate/rotate handle built on Bevy's own transform gizmo) is solved live by damped least
//! squares; a self-motion slider swings the elbow through the null space while the tool stays.

use crate::kit::ArmSet;
use crate::kit::convert;
use crate::kit::robot::ModelReplaced;
use crate::kit::robot::Robot;
use crate::kit::sim::DriveMode;
use crate::math::Transform as Pose;
use crate::math::ik::{IkError, self_motion};
use bevy::gizmos::transform_gizmo::TransformGizmoFocus;
use bevy::prelude::*;

use crate::kit::teach::Teach;

/// The draggable tool target.
#[derive(Component)]
pub struct IkTarget;

pub struct TeachPlugin;

impl Plugin for TeachPlugin {
    fn build(&self, app: &mut App) {
        // The handle's arrows are the target frame's own axes (see `pose_to_handle`).
        if let Some(mut s) = app
            .world_mut()
            .get_resource_mut::<bevy::gizmos::transform_gizmo::TransformGizmoSettings>()
        {
            s.space = bevy::gizmos::transform_gizmo::TransformGizmoSpace::Local;
        }
        app.init_resource::<Teach>()
            .add_message::<ModelReplaced>()
            .add_systems(Startup, spawn_target)
            .add_systems(OnEnter(DriveMode::Teach), show_handle)
            .add_systems(OnExit(DriveMode::Teach), hide_handle)
            .add_systems(
                Update,
                (
                    resync_on_new_model,
                    (target_from_handle, solve, handle_from_target)
                        .chain()
                        .run_if(in_state(DriveMode::Teach)),
                )
                    .chain()
                    .in_set(ArmSet::Drive),
            );
    }
}

fn spawn_target(mut commands: Commands, mode: Res<State<DriveMode>>) {
    let mut e = commands.spawn((
        Name::new("Tool target"),
        IkTarget,
        Transform::default(),
        Visibility::Hidden,
    ));
    // Starting in teach mode (--teach): OnEnter ran before this entity existed.
    if *mode.get() == DriveMode::Teach {
        e.insert(TransformGizmoFocus);
    }
}

/// The handle appears only in teach mode, starting on the tool.
fn show_handle(
    mut commands: Commands,
    handle: Query<Entity, With<IkTarget>>,
    mut teach: ResMut<Teach>,
) {
    teach.sync_target = true;
    for e in &handle {
        commands.entity(e).insert(TransformGizmoFocus);
    }
}

fn hide_handle(mut commands: Commands, handle: Query<Entity, With<IkTarget>>) {
    for e in &handle {
        commands.entity(e).remove::<TransformGizmoFocus>();
    }
}

/// A new robot: the target goes to its tool (the old one may be out of its reach).
fn resync_on_new_model(mut replaced: MessageReader<ModelReplaced>, mut teach: ResMut<Teach>) {
    if replaced.read().count() > 0 {
        teach.sync_target = true;
        teach.self_motion = 0.0;
        teach.applied_self_motion = 0.0;
    }
}

/// A drag of the handle (its `Transform` no longer matches the target) moves the target.
fn target_from_handle(handle: Query<&Transform, With<IkTarget>>, mut teach: ResMut<Teach>) {
    let Ok(t) = handle.single() else { return };
    if teach.sync_target {
        return;
    }
    if let Some(written) = teach.handle
        && differs(t, &written)
    {
        teach.set_target(handle_to_pose(t));
    }
}

/// The handle shows the target frame's own axes (X red, Y green, Z blue as the tool's x, y,
/// z), so dragging an arrow jogs the tool along its own axis, like a teach pendant.
pub fn pose_to_handle(p: &Pose) -> Transform {
    Transform {
        translation: convert::point(&p.translation),
        rotation: convert::axes_rotation(&p.rotation),
        scale: Vec3::ONE,
    }
}

pub fn handle_to_pose(t: &Transform) -> Pose {
    let r = convert::axes_rotation_to_robot(t.rotation);
    // Re-orthonormalise: f32 round-off must not leak into the IK target.
    let q = crate::math::Quat::from_matrix(&r);
    Pose::new(q.to_matrix(), convert::point_to_robot(t.translation))
}

/// More than 10 µm or 10 µrad apart. (The angle comes from the quaternion's vector part,
/// which is exact for small angles where `acos` of the dot product is not, in f32.)
fn differs(a: &Transform, b: &Transform) -> bool {
    let d = a.rotation.inverse() * b.rotation;
    a.translation.distance(b.translation) > 1e-5 || 2.0 * d.xyz().length() > 1e-5
}

fn solve(mut teach: ResMut<Teach>, mut robot: ResMut<Robot>) {
    let Some(kin) = robot.kin.as_ref() else {
        return;
    };
    if teach.sync_target {
        teach.target = kin.pose;
        teach.sync_target = false;
        teach.solve = false;
        teach.residual = (0.0, 0.0);
        return;
    }
    let mut q = kin.q_chain.clone();
    let delta = teach.self_motion - teach.applied_self_motion;
    if delta != 0.0 {
        teach.applied_self_motion = teach.self_motion;
        if let Some(chain) = &robot.chain {
            // Steps of at most 0.01 rad keep the Euler drift far below a millimetre.
            let steps = (delta.abs() / 0.01).ceil().max(1.0) as usize;
            let (moved, drift) = self_motion(chain, &q, teach.elbow_joint, delta, steps);
            q = moved;
            teach.last_drift = drift;
        }
        teach.solve = true;
    }
    if !teach.solve {
        return;
    }
    teach.solve = false;
    let Some(chain) = &robot.chain else { return };
    let (q, residual) = match teach.solver.solve(chain, &teach.target, &q) {
        Ok(s) => (s.q, (s.position_error, s.orientation_error)),
        // Out of reach: go as close as the solver got, and show how far that is.
        Err(IkError::NotConverged {
            q,
            position_error,
            orientation_error,
            ..
        }) => (q, (position_error, orientation_error)),
        Err(_) => return,
    };
    teach.residual = residual;
    robot.set_chain_q(&q);
}

fn handle_from_target(mut handle: Query<&mut Transform, With<IkTarget>>, mut teach: ResMut<Teach>) {
    let Ok(mut t) = handle.single_mut() else {
        return;
    };
    let want = pose_to_handle(&teach.target);
    if differs(&t, &want) {
        *t = want;
    }
    if teach.handle != Some(*t) {
        teach.handle = Some(*t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::robot::Model;
    use bevy::state::app::StatesPlugin;

    fn app() -> App {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, StatesPlugin))
            .insert_resource(Robot::new(
                Model::from_urdf_str(crate::robot::panda::URDF).unwrap(),
            ))
            .add_plugins((
                super::super::robot::RobotPlugin,
                super::super::sim::SimPlugin,
                TeachPlugin,
            ));
        app.update();
        app.world_mut()
            .resource_mut::<NextState<DriveMode>>()
            .set(DriveMode::Teach);
        app.update();
        app.update();
        app
    }

    fn tool(app: &App) -> Pose {
        app.world().resource::<Robot>().kin.as_ref().unwrap().pose
    }

    #[test]
    fn entering_teach_mode_puts_the_target_on_the_tool() {
        let app = app();
        let teach = app.world().resource::<Teach>();
        assert_eq!(teach.target, tool(&app));
    }

    #[test]
    fn dragging_the_handle_moves_the_tool_there() {
        let mut app = app();
        let mut goal = tool(&app);
        goal.translation += crate::math::Vec3::new(0.05, -0.08, 0.06);
        let mut q = app
            .world_mut()
            .query_filtered::<&mut Transform, With<IkTarget>>();
        *q.single_mut(app.world_mut()).unwrap() = pose_to_handle(&goal);
        app.update();
        let reached = tool(&app);
        // The handle is f32: the goal is met to its precision, not to IK's tolerance.
        assert!((reached.translation - goal.translation).norm() < 1e-4);
        let teach = app.world().resource::<Teach>();
        assert!(teach.residual.0 < 1e-4, "{:?}", teach.residual);
    }

    #[test]
    fn self_motion_moves_the_arm_but_not_the_tool() {
        let mut app = app();
        let before_tool = tool(&app);
        let before_q = app.world().resource::<Robot>().q.clone();
        app.world_mut().resource_mut::<Teach>().self_motion = 0.5;
        app.update();
        let robot = app.world().resource::<Robot>();
        let dq: f64 = robot
            .q
            .iter()
            .zip(&before_q)
            .map(|(a, b)| (a - b).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!(dq > 0.3, "{dq}");
        let e = crate::math::ik::pose_error(&before_tool, &tool(&app));
        assert!(e.norm() < 1e-4, "{}", e.norm());
    }

    #[test]
    fn a_new_robot_puts_the_target_on_its_own_tool() {
        let mut app = app();
        let iiwa = Model::from_urdf_str(include_str!("../../urdf/kuka_iiwa14.urdf")).unwrap();
        app.world_mut().resource_mut::<Robot>().replace_model(iiwa);
        app.update();
        app.update();
        let teach = app.world().resource::<Teach>();
        assert_eq!(teach.target, tool(&app));
        assert_eq!(
            *app.world().resource::<State<DriveMode>>().get(),
            DriveMode::Teach
        );
    }

    #[test]
    fn an_unreachable_target_goes_as_near_as_it_can_and_says_how_far() {
        let mut app = app();
        let far = Pose::from_translation(crate::math::Vec3::new(3.0, 0.0, 0.5));
        app.world_mut().resource_mut::<Teach>().set_target(far);
        app.update();
        let teach = app.world().resource::<Teach>();
        assert!(teach.residual.0 > 1.5, "{:?}", teach.residual);
        assert!(
            app.world()
                .resource::<Robot>()
                .q
                .iter()
                .all(|x| x.is_finite())
        );
    }
}
