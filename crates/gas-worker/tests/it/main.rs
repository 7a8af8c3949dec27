//! The worker runtime against the local AWS stand-in.

mod delivery;
mod probe;
mod shutdown;
