//! armtutor: an interactive 3D simulator and visual tutor for the math behind robot learning.
//!
//! The math core ([`math`], [`robot`]) is plain `f64` nalgebra with no Bevy and no rapier, so
//! `cargo test --no-default-features` builds and checks it in seconds.

// Tests index and unwrap freely; the library itself never unwraps user input.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::needless_range_loop))]

#[cfg(feature = "app")]
pub mod app;
pub mod cli;
#[cfg(feature = "app")]
pub mod kit;
#[cfg(feature = "app")]
pub mod lessons;
pub mod math;
pub mod options;
pub mod robot;
#[cfg(feature = "sim")]
pub mod sim;
