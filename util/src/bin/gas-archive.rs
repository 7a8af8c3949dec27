use std::process::ExitCode;

use clap::Parser;

/// Moves a free user's results to cold storage (Glacier) five minutes after their job completes (archive queue).
///
/// NOT IMPLEMENTED YET: it arrives with its own issue. It consumes no messages.
#[derive(Parser)]
#[command(version)]
struct Cli {}

fn main() -> ExitCode {
    Cli::parse();
    eprintln!("gas-archive is not implemented yet; it consumes no messages.");
    ExitCode::from(2)
}
