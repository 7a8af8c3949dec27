//! `cargo xtask <command>`: the developer commands. See README.md.

mod bench;
mod cloud;
mod demo;
mod dev;
mod env;
mod http;
mod setup;
mod supervisor;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "GAS developer commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what is missing, start the local cloud, provision, build and run every implemented service.
    /// Ctrl-C stops everything it started.
    Dev {
        /// Use the binaries already in the target directory instead of building them.
        #[arg(long)]
        no_build: bool,
    },
    /// Install what is missing, then run the format check, clippy and every test against the local cloud.
    Test {
        /// Extra arguments for the test runner (a filter, for example).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Benchmarks against their peers (release builds; not part of `test`): the engine against bcftools,
    /// the annotator pipeline under load. Both unless one is named.
    Bench {
        #[arg(value_enum)]
        which: Option<bench::Which>,
    },
    /// Run only the local AWS stand-in, printing the variables that point tools and tests at it.
    Moto,
    /// Install what is missing (the Python venv with moto, the demo annotation bundle) and nothing else.
    Setup,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Dev { no_build } => dev::run(no_build),
        Command::Test { args } => test::run(&args),
        Command::Moto => cloud::run_alone(),
        Command::Bench { which } => bench::run(which),
        Command::Setup => setup::ensure_all(),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
