use std::process::ExitCode;

use clap::Parser;

/// Annotates a VCF file with rsIDs, genes, region classes and a count log, and builds the annotation
/// bundle it reads.
///
/// NOT IMPLEMENTED YET: it arrives with the annotation engine issue.
#[derive(Parser)]
#[command(version)]
struct Cli {}

fn main() -> ExitCode {
    Cli::parse();
    eprintln!("gas-annotate is not implemented yet.");
    ExitCode::from(2)
}
