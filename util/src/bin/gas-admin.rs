use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gas_aws::Aws;
use gas_aws::provision::{Outcome, ProvisionSettings, Report, provision, teardown};
use gas_core::config::{Deployment, QueueSettings, WebConfig};
use gas_core::error::Chain;

/// Operator tool for a GAS deployment. Which deployment, account and region come from the environment
/// (GAS_DEPLOYMENT and the standard AWS variables; see .env.example).
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the deployment's buckets, tables, topics and queues, or bring them up to date. Safe to
    /// run again: it changes only what differs and prints what it did.
    Provision,
    /// Delete every resource of the deployment, including all uploaded inputs and results.
    Teardown {
        /// Confirm that everything, user data included, may be deleted.
        #[arg(long)]
        yes: bool,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    gas_core::telemetry::init();
    match run(cli.command).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("gas-admin: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<ExitCode, String> {
    let deployment = Deployment::from_env().map_err(|e| e.to_string())?;
    let aws = Aws::from_env().await;
    let region = aws.sdk.region().map_or_else(|| "(no region)".to_owned(), ToString::to_string);
    let endpoint = aws.sdk.endpoint_url().map(|e| format!(" at {e}")).unwrap_or_default();
    match command {
        Command::Provision => {
            let queues = QueueSettings::from_env().map_err(|e| e.to_string())?;
            let web_origin = WebConfig::from_env().map_err(|e| e.to_string())?.origin;
            println!("Provisioning deployment {} in {region}{endpoint}", deployment.name());
            let settings = ProvisionSettings { queues, web_origin };
            let report = provision(&aws, &deployment, &settings).await.map_err(|e| Chain(&e).to_string())?;
            print!("{report}");
            println!("{}", summary(&report));
        }
        Command::Teardown { yes: false } => {
            eprintln!(
                "gas-admin: teardown deletes every resource of deployment {} in {region}{endpoint}, including all \
                 uploaded inputs and results. Run again with --yes to confirm.",
                deployment.name()
            );
            return Ok(ExitCode::from(2));
        }
        Command::Teardown { yes: true } => {
            println!("Tearing down deployment {} in {region}{endpoint}", deployment.name());
            let report = teardown(&aws, &deployment).await.map_err(|e| Chain(&e).to_string())?;
            print!("{report}");
            println!("{}", summary(&report));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(report: &Report) -> String {
    let count = |wanted: fn(&Outcome) -> bool| report.steps.iter().filter(|s| wanted(&s.outcome)).count();
    format!(
        "{} created, {} updated, {} unchanged, {} deleted, {} absent",
        count(|o| *o == Outcome::Created),
        count(|o| matches!(o, Outcome::Updated(_))),
        count(|o| *o == Outcome::Unchanged),
        count(|o| *o == Outcome::Deleted),
        count(|o| *o == Outcome::Absent),
    )
}
