//! `cargo xtask bench [engine|pipeline]`: the benchmarks, each against its named peer in the same run.
//! Release builds; not part of `cargo xtask test`.

mod engine;
mod floor;
mod pgo;
mod pipeline;

use std::process::{Command, ExitCode};

use crate::env::root;
use crate::setup::run_step;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Which {
    /// gas-annotate against bcftools on generated files.
    Engine,
    /// The annotator pipeline under load (gas-admin loadgen) on the local cloud.
    Pipeline,
}

pub fn run(which: Option<Which>) -> Result<ExitCode, String> {
    if which.is_none_or(|w| w == Which::Engine) {
        engine::run()?;
    }
    if which.is_none_or(|w| w == Which::Pipeline) {
        pipeline::run()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds the named binaries, as `(package, binary)`, with the release profile.
fn build_release(binaries: &[(&str, &str)]) -> Result<(), String> {
    let mut command = Command::new(env!("CARGO"));
    command.current_dir(root()).args(["build", "--release", "--quiet"]);
    for (package, binary) in binaries {
        command.args(["-p", package, "--bin", binary]);
    }
    let names: Vec<&str> = binaries.iter().map(|(_, binary)| *binary).collect();
    run_step(&mut command, &format!("building {} (release)", names.join(", ")))
}
