//! The utility services and the operator tool. Their logic lives in the shared crates (provisioning in
//! `gas-aws`); the binaries in `src/bin` wire it to configuration.

pub mod loadgen;
