use std::process::ExitCode;

use clap::Parser;

/// The annotator worker: takes jobs from the job_requests queue, annotates their VCF files and stores
/// the results in S3.
///
/// NOT IMPLEMENTED YET: it arrives with the annotator pipeline issue. It consumes no messages.
#[derive(Parser)]
#[command(version)]
struct Cli {}

fn main() -> ExitCode {
    Cli::parse();
    eprintln!("gas-annotator is not implemented yet; it consumes no messages.");
    ExitCode::from(2)
}
