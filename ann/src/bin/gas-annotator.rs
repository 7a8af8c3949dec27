use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use gas_aws::{AnnotationsTable, Aws, Bucket, ProfilesTable, Publisher, Queue};
use gas_core::Topic;
use gas_core::config::{AnnotatorConfig, Deployment, WorkerConfig};
use gas_core::error::Chain;
use gas_engine::Bundle;
use gas_worker::{Worker, shutdown_signal};

/// The annotator worker: takes jobs from the job_requests queue, annotates their VCF files with the
/// annotation bundle (GAS_ANNOTATION_BUNDLE) and stores the results in S3. Configuration comes from the
/// environment; see .env.example.
#[derive(Parser)]
#[command(version)]
struct Cli {}

#[tokio::main]
async fn main() -> ExitCode {
    Cli::parse();
    gas_core::telemetry::init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let deployment = Deployment::from_env().map_err(|e| e.to_string())?;
    let worker_config = WorkerConfig::from_env().map_err(|e| e.to_string())?;
    let config = AnnotatorConfig::from_env().map_err(|e| e.to_string())?;
    // Directories left by a killed process hold nothing anyone needs.
    let _ = std::fs::remove_dir_all(&config.work_dir);
    std::fs::create_dir_all(&config.work_dir).map_err(|e| format!("{}: {e}", config.work_dir.display()))?;

    let aws = Aws::from_env().await;
    let bundle_dir = gas_ann::bundle_source::local_bundle(&aws, &config.bundle, &config.bundle_cache).await?;
    let bundle = Bundle::open(&bundle_dir).map_err(|e| format!("{}: {e}", bundle_dir.display()))?;
    let publisher = Publisher::connect(&aws, &deployment).await.map_err(|e| Chain(&e).to_string())?;
    let queue =
        Queue::connect(&aws, &deployment, Topic::JobRequests).await.map_err(|e| Chain(&e).to_string())?;
    let annotator = gas_ann::Annotator {
        annotations: AnnotationsTable::new(&aws, deployment.annotations_table()),
        profiles: ProfilesTable::new(&aws, deployment.profiles_table()),
        results: Bucket::new(&aws, deployment.results_bucket()),
        publisher,
        bundle: Arc::new(bundle),
        work_dir: config.work_dir,
        max_input_bytes: config.max_input_bytes,
        time_limit: config.time_limit,
        min_free_bytes: config.min_free_bytes,
        publish_lease: config.publish_lease,
        failpoint: std::env::var("GAS_FAILPOINT").ok().filter(|f| !f.is_empty()),
        skip_annotation: std::env::var("GAS_SKIP_ANNOTATION").is_ok_and(|v| v == "1"),
        aws,
    };
    let requests = Arc::clone(&annotator.aws.requests);
    let stopped = Worker::new(queue, annotator, worker_config).run(shutdown_signal()).await;
    // What this process cost in AWS calls (`gas-admin loadgen` reads it from the JSON log).
    let counts = serde_json::to_string(&requests.snapshot()).unwrap_or_default();
    tracing::info!(aws_requests = %counts, total = requests.total(), "annotator stopped");
    stopped.map_err(|e| Chain(&e).to_string())
}
