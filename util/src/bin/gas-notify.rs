use std::process::ExitCode;

use clap::Parser;

/// Sends an email to the user when their job completes or fails (job_results queue, through SES).
///
/// NOT IMPLEMENTED YET: it arrives with its own issue. It consumes no messages.
#[derive(Parser)]
#[command(version)]
struct Cli {}

fn main() -> ExitCode {
    Cli::parse();
    eprintln!("gas-notify is not implemented yet; it consumes no messages.");
    ExitCode::from(2)
}
