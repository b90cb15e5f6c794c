//! Why a robot file was rejected: one error per cause, each message one line.

use crate::robot::guard::Refusal;

/// Why a URDF was rejected. Every message is one line.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum ModelError {
    #[error("cannot read {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("{source_name} is not valid URDF: {reason}")]
    Parse { source_name: String, reason: String },
    #[error("the robot has no links")]
    NoLinks,
    #[error("link '{0}' is defined twice")]
    DuplicateLink(String),
    #[error("joint '{0}' is defined twice")]
    DuplicateJoint(String),
    #[error("joint '{joint}' names {role} link '{link}', which does not exist")]
    UnknownLink {
        joint: String,
        role: &'static str,
        link: String,
    },
    #[error(
        "link '{link}' is the child of two joints ('{first}' and '{second}'): URDF must be a tree"
    )]
    MultipleParents {
        link: String,
        first: String,
        second: String,
    },
    #[error("the robot has several root links ({}): URDF needs exactly one", .0.join(", "))]
    MultipleRoots(Vec<String>),
    #[error("the joints form a cycle through link '{0}'")]
    Cycle(String),
    #[error(
        "joint '{joint}' is of type {kind}, which armtutor does not support (revolute, continuous, prismatic and fixed only)"
    )]
    UnsupportedJoint { joint: String, kind: String },
    #[error("joint '{0}' has a zero axis")]
    ZeroAxis(String),
    #[error("joint '{joint}' has lower limit {lower} above upper limit {upper}")]
    BadLimits {
        joint: String,
        lower: f64,
        upper: f64,
    },
    #[error("{0} is not a finite number")]
    NonFinite(String),
    #[error("link '{link}' has an invalid inertial: {reason}")]
    BadInertial { link: String, reason: String },
    #[error("{source_name} was not read: {reason}")]
    Refused { source_name: String, reason: String },
    #[error("{what} is {value:e}, beyond the ±{limit:e} {unit} armtutor takes (a unit mistake?)")]
    OutOfRange {
        what: String,
        value: f64,
        limit: f64,
        unit: &'static str,
    },
    #[error("{0} overflows: the numbers in the file are too large to compute with")]
    Overflow(String),
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The error for a file the guard refused before parsing.
pub(crate) fn refused(source_name: &str, r: Refusal) -> ModelError {
    let (source_name, reason) = (source_name.to_string(), r.to_string());
    match r {
        // Text that is not XML at all is a parse error, as the parser would say.
        Refusal::NoElement | Refusal::Unterminated { .. } => ModelError::Parse {
            source_name,
            reason,
        },
        _ => ModelError::Refused {
            source_name,
            reason,
        },
    }
}
