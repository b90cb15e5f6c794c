//! Code two lessons share, so that neither names the other.

pub mod reaching;
