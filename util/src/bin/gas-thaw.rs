use std::process::ExitCode;

use clap::Parser;

/// Puts retrieved results back in S3 for download once a cold-storage retrieval is done (thaw queue).
///
/// NOT IMPLEMENTED YET: it arrives with its own issue. It consumes no messages.
#[derive(Parser)]
#[command(version)]
struct Cli {}

fn main() -> ExitCode {
    Cli::parse();
    eprintln!("gas-thaw is not implemented yet; it consumes no messages.");
    ExitCode::from(2)
}
