use std::process::ExitCode;

use clap::Parser;

/// Starts retrieving a user's archived results when they upgrade to premium (restore queue): Expedited first, Standard when capacity is short.
///
/// NOT IMPLEMENTED YET: it arrives with its own issue. It consumes no messages.
#[derive(Parser)]
#[command(version)]
struct Cli {}

fn main() -> ExitCode {
    Cli::parse();
    eprintln!("gas-restore is not implemented yet; it consumes no messages.");
    ExitCode::from(2)
}
