//! The scene drawn from a seed: the cube (its size, where it starts and where it goes) and, on
//! the course, the post between them.

use crate::math::Vec3;
use rand::{Rng, SeedableRng};

/// Where the cube starts and where it must go, drawn from a seed inside the reachable
/// workspace in front of the arm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scenario {
    /// The cube's centre at the start (resting on the table).
    pub cube: Vec3,
    /// Edge length (m).
    pub cube_side: f64,
    pub cube_yaw: f64,
    /// Where the cube's centre should end up.
    pub place: Vec3,
    /// A post standing between the cube and the place target, if any.
    pub obstacle: Option<Obstacle>,
    /// A point the scripted transport passes through first (how it goes round the post).
    pub via: Option<Vec3>,
}

/// A fixed box on the table.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Obstacle {
    pub center: Vec3,
    /// Full edge lengths (m).
    pub size: Vec3,
}

/// The obstacle course's post: 6 × 6 cm, 16 cm tall, halfway between cube and target.
pub const COURSE_POST: Obstacle = Obstacle {
    center: Vec3::new(0.5, 0.0, 0.08),
    size: Vec3::new(0.06, 0.06, 0.16),
};

/// Which way round the obstacle a transport went: the two modes of the course.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// Between the post and the robot's base.
    Near = 0,
    /// Beyond the post.
    Far = 1,
}

impl Side {
    /// The side a path of tool positions passed on: where it was when level with the post.
    pub fn of(path: &[Vec3], obstacle: &Obstacle) -> Option<Side> {
        let level = path.iter().min_by(|a, b| {
            let da = (a.y - obstacle.center.y).abs();
            let db = (b.y - obstacle.center.y).abs();
            da.total_cmp(&db)
        })?;
        Some(if level.x < obstacle.center.x {
            Side::Near
        } else {
            Side::Far
        })
    }
}

/// Where cubes start and are placed on the table: x and y ranges (m, base frame). An arm the
/// task runs on must reach all of it with the tool pointing down.
pub const SCENE_REGION: ((f64, f64), (f64, f64)) = ((0.4, 0.6), (-0.25, 0.25));

/// The cube sizes a seed chooses from (edge, m): all fit the 8 cm gripper opening.
pub const CUBE_SIDES: [f64; 3] = [0.03, 0.04, 0.05];

impl Scenario {
    /// A random scenario; `side` fixes the cube size instead of drawing it.
    pub fn from_seed(seed: u64, side: Option<f64>) -> Scenario {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let drawn = CUBE_SIDES[rng.random_range(0..CUBE_SIDES.len())];
        let side = side.unwrap_or(drawn);
        let ((x0, x1), (y0, y1)) = SCENE_REGION;
        let y: f64 = rng.random_range(-0.2..0.2);
        let cube = Vec3::new(rng.random_range(x0..x1), y, side / 2.0);
        // Place across the centre line, at least 0.1 m from it.
        let place_y = if y >= 0.0 {
            rng.random_range(y0..-0.1)
        } else {
            rng.random_range(0.1..y1)
        };
        let place = Vec3::new(rng.random_range(x0..x1), place_y, side / 2.0);
        let cube_yaw = rng.random_range(-0.6..0.6);
        Scenario {
            cube,
            cube_side: side,
            cube_yaw,
            place,
            obstacle: None,
            via: None,
        }
    }

    /// The obstacle course: a 4 cm cube at y = +0.2 m to be placed at y = −0.2 m, with a
    /// 16 cm post between them: the carried cube and the fingers (12–18 cm up at hover height)
    /// cannot pass over it, the hand (18–24 cm) can. The seed
    /// picks the scripted route: near or far side, 13–17 cm from the post's axis, ±3 cm along y.
    pub fn course(seed: u64) -> Scenario {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0xC0_55E);
        let side = 0.04;
        let sign = if rng.random_bool(0.5) { 1.0 } else { -1.0 };
        let offset: f64 = rng.random_range(0.13..0.17);
        let along: f64 = rng.random_range(-0.03..0.03);
        let post = COURSE_POST.center;
        Scenario {
            cube: Vec3::new(0.5, 0.2, side / 2.0),
            cube_side: side,
            cube_yaw: 0.0,
            place: Vec3::new(0.5, -0.2, side / 2.0),
            obstacle: Some(COURSE_POST),
            via: Some(Vec3::new(post.x + sign * offset, along, side / 2.0 + HOVER)),
        }
    }
}

/// Hover height above the cube and place targets for approach, lift and retreat (m).
pub const HOVER: f64 = 0.12;
