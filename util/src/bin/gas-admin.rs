use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gas_aws::Aws;
use gas_aws::provision::{Outcome, ProvisionSettings, Report, provision, teardown};
use gas_core::config::{Deployment, QueueSettings, StorageConfig, WebConfig};
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
    /// Measure the annotator pipeline: submit jobs at a steady rate to real gas-annotator processes on
    /// scratch deployments, once annotating and once skipping annotation, and print latency
    /// percentiles, throughput, annotator CPU and AWS calls per job for both.
    Loadgen {
        /// Jobs submitted per second.
        #[arg(long)]
        rate: f64,
        /// How long each of the two phases submits: seconds (90, 90s) or minutes (2m).
        #[arg(long, value_parser = gas_util::loadgen::parse_duration)]
        duration: std::time::Duration,
        /// VCF files to submit in turn [default: the shared sample VCFs, anntools/*.vcf under
        /// GAS_TESTDATA or ../shared/testdata].
        #[arg(long, num_args = 1..)]
        files: Vec<std::path::PathBuf>,
        /// Annotator processes to run (each handles GAS_WORKER_CONCURRENCY jobs at once).
        #[arg(long, default_value_t = 1)]
        annotators: usize,
        /// The local cloud's process id, to report its CPU time per job as well.
        #[arg(long)]
        cloud_pid: Option<i32>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // loadgen's output is its report; the jobs it submits would log one line each.
    gas_core::telemetry::init_with_default(if matches!(cli.command, Command::Loadgen { .. }) {
        "warn"
    } else {
        "info"
    });
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
        Command::Loadgen { rate, duration, files, annotators, cloud_pid } => {
            if !(rate > 0.0 && rate.is_finite()) {
                return Err(format!("--rate {rate}: must be a positive number of jobs per second"));
            }
            let files = if files.is_empty() { gas_util::loadgen::sample_files()? } else { files };
            let options = gas_util::loadgen::Options {
                rate,
                duration,
                annotators: annotators.max(1),
                annotator: gas_util::loadgen::sibling_binary("gas-annotator")?,
                keys: StorageConfig::from_env().map_err(|e| e.to_string())?.keys,
                web_origin: WebConfig::from_env().map_err(|e| e.to_string())?.origin,
                cloud_pid,
                files,
            };
            println!(
                "Load: {rate} jobs/s for {:.0} s per phase, {} annotator(s), {} file(s), in {region}{endpoint}",
                duration.as_secs_f64(),
                options.annotators,
                options.files.len()
            );
            let phases = gas_util::loadgen::run(&aws, &deployment, &options).await?;
            print!("{}", gas_util::loadgen::Comparison(&phases));
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
