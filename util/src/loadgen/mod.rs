//! `gas-admin loadgen`: submits jobs at a steady rate through the same `submit_job` the web uses,
//! follows each to its result message, and measures the annotator pipeline. It runs twice on the same
//! local cloud, once annotating and once with the handler skipping annotation, because the stand-in's
//! own CPU cost per job is of the same order as ours and only the difference is the pipeline's.
//!
//! Each phase runs on a scratch deployment of its own (provisioned, then torn down), with real
//! `gas-annotator` processes, so no user's jobs or queues are touched.

mod fleet;
mod report;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gas_aws::provision::{ProvisionSettings, provision, teardown};
use gas_aws::{AnnotationsTable, Aws, Bucket, JobSubmission, Publisher, Queue, submit_job};
use gas_core::config::{Deployment, QueueSettings};
use gas_core::error::Chain;
use gas_core::keys::{FileName, KeyLayout, sanitize_file_name};
use gas_core::messages::JobResult;
use gas_core::{JobId, JobStatus, Topic, UserId};
use tokio::task::JoinSet;

pub use report::{Comparison, Phase, parse_duration, percentile};

use fleet::Fleet;

pub struct Options {
    /// Jobs submitted per second.
    pub rate: f64,
    /// How long each phase submits.
    pub duration: Duration,
    pub files: Vec<PathBuf>,
    pub annotators: usize,
    /// The `gas-annotator` binary.
    pub annotator: PathBuf,
    pub keys: KeyLayout,
    pub web_origin: String,
    /// The local cloud's process, whose CPU per job is reported too.
    pub cloud_pid: Option<i32>,
}

/// How long to wait for the last results after the last submission.
const SETTLE: Duration = Duration::from_secs(120);

/// Runs the full phase, then the skip-annotation phase; returns both.
pub async fn run(aws: &Aws, base: &Deployment, options: &Options) -> Result<Vec<Phase>, String> {
    let inputs = read_inputs(&options.files)?;
    let mut phases = Vec::new();
    for (label, skip) in [("annotating", false), ("skipping", true)] {
        let deployment = scratch_deployment(base)?;
        eprintln!("loadgen: phase '{label}' on scratch deployment {}", deployment.name());
        let settings =
            ProvisionSettings { queues: QueueSettings::default(), web_origin: options.web_origin.clone() };
        provision(aws, &deployment, &settings).await.map_err(|e| Chain(&e).to_string())?;
        let phase = run_phase(aws, &deployment, options, &inputs, label, skip).await;
        teardown(aws, &deployment).await.map_err(|e| Chain(&e).to_string())?;
        phases.push(phase?);
    }
    Ok(phases)
}

/// The files' names and contents, read once.
fn read_inputs(files: &[PathBuf]) -> Result<Vec<(FileName, Vec<u8>)>, String> {
    if files.is_empty() {
        return Err("no input files".into());
    }
    files
        .iter()
        .map(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let name = sanitize_file_name(name).map_err(|e| format!("{}: {e}", path.display()))?;
            let content = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((name, content))
        })
        .collect()
}

fn scratch_deployment(base: &Deployment) -> Result<Deployment, String> {
    let prefix: String = base.name().chars().take(30).collect();
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
    Deployment::new(&format!("{}-lg{suffix}", prefix.trim_end_matches('-')))
}

async fn run_phase(
    aws: &Aws,
    deployment: &Deployment,
    options: &Options,
    inputs: &[(FileName, Vec<u8>)],
    label: &'static str,
    skip: bool,
) -> Result<Phase, String> {
    let work_root = std::env::temp_dir().join(format!("gas-loadgen-{}", deployment.name()));
    let fleet =
        Fleet::start(&options.annotator, options.annotators, deployment.name(), skip, &work_root).await?;
    // Start-up (opening the bundle) is not the jobs' cost.
    let cloud_cpu = || options.cloud_pid.and_then(fleet::cpu_time_of);
    let (cpu_at_start, cloud_at_start) = (fleet.cpu_time(), cloud_cpu());
    let outcome = drive(aws, deployment, options, inputs).await;
    let cpu = fleet.cpu_time().saturating_sub(cpu_at_start);
    let cloud_cpu = cloud_cpu().zip(cloud_at_start).map(|(end, start)| end.saturating_sub(start));
    let aws_requests = fleet.stop().await?;
    let _ = std::fs::remove_dir_all(&work_root);
    let (submitted, results, span) = outcome?;

    let annotations = AnnotationsTable::new(aws, deployment.annotations_table());
    let mut phase = Phase {
        label,
        submitted: submitted.len(),
        span,
        annotator_cpu: cpu,
        cloud_cpu,
        aws_requests,
        ..Phase::default()
    };
    for (job_id, submitted_at) in &submitted {
        let Some((received_at, status)) = results.get(job_id) else { continue };
        if *status != JobStatus::Completed {
            phase.failed += 1;
            continue;
        }
        let job =
            annotations.get(job_id).await.map_err(|e| Chain(&e).to_string())?.ok_or("a job row vanished")?;
        let annotation = Duration::from_millis(job.summary.map_or(0, |s| s.annotation_ms));
        let latency = received_at.saturating_duration_since(*submitted_at);
        phase.completed += 1;
        phase.latencies.push(latency);
        phase.annotation.push(annotation);
        phase.overheads.push(latency.saturating_sub(annotation));
    }
    Ok(phase)
}

type Submitted = HashMap<JobId, Instant>;
type Results = HashMap<JobId, (Instant, JobStatus)>;

/// Submits at the rate for the duration and collects the result messages.
async fn drive(
    aws: &Aws,
    deployment: &Deployment,
    options: &Options,
    inputs: &[(FileName, Vec<u8>)],
) -> Result<(Submitted, Results, Duration), String> {
    let results: Arc<Mutex<Results>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let queue =
        Queue::connect(aws, deployment, Topic::JobResults).await.map_err(|e| Chain(&e).to_string())?;
    let listener = tokio::spawn(listen(queue, Arc::clone(&results), Arc::clone(&stop)));

    let submitter = Submitter {
        inputs: Bucket::new(aws, deployment.inputs_bucket()),
        annotations: AnnotationsTable::new(aws, deployment.annotations_table()),
        publisher: Publisher::connect(aws, deployment).await.map_err(|e| Chain(&e).to_string())?,
        keys: options.keys.clone(),
    };
    let submitter = Arc::new(submitter);
    let total = (options.rate * options.duration.as_secs_f64()).round().max(1.0) as usize;
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..total {
        tokio::time::sleep_until((start + Duration::from_secs_f64(i as f64 / options.rate)).into()).await;
        let (name, content) = inputs[i % inputs.len()].clone();
        let submitter = Arc::clone(&submitter);
        tasks.spawn(async move { submitter.submit(name, content).await });
    }
    let mut submitted = Submitted::new();
    while let Some(done) = tasks.join_next().await {
        let (job_id, at) = done.map_err(|e| e.to_string())??;
        submitted.insert(job_id, at);
    }

    let deadline = Instant::now() + SETTLE;
    loop {
        let seen =
            results.lock().map(|r| submitted.keys().filter(|id| r.contains_key(id)).count()).unwrap_or(0);
        if seen == submitted.len() || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    listener.await.map_err(|e| e.to_string())??;
    let results = std::mem::take(&mut *results.lock().map_err(|e| e.to_string())?);
    let last = results.values().map(|(at, _)| *at).max().unwrap_or(start);
    Ok((submitted, results, last.saturating_duration_since(start)))
}

struct Submitter {
    inputs: Bucket,
    annotations: AnnotationsTable,
    publisher: Publisher,
    keys: KeyLayout,
}

impl Submitter {
    /// Uploads the input as the browser would, then submits; the clock starts at the submission.
    async fn submit(&self, name: FileName, content: Vec<u8>) -> Result<(JobId, Instant), String> {
        let user_id: UserId = "loadgen".parse().map_err(|e| format!("{e}"))?;
        let job_id = JobId::new();
        let key = self.keys.input_key(&user_id, &job_id, &name);
        self.inputs.put_bytes(&key, content, "text/plain").await.map_err(|e| Chain(&e).to_string())?;
        let submission = JobSubmission {
            job_id,
            user_id,
            input_file_name: name,
            s3_inputs_bucket: self.inputs.name().to_owned(),
            s3_key_input_file: key,
        };
        let at = Instant::now();
        submit_job(&self.annotations, &self.publisher, submission)
            .await
            .map_err(|e| Chain(&e).to_string())?;
        Ok((job_id, at))
    }
}

/// Receives job_results messages (long polling, so arrival times are precise) until `stop`.
async fn listen(queue: Queue, results: Arc<Mutex<Results>>, stop: Arc<AtomicBool>) -> Result<(), String> {
    while !stop.load(Ordering::Relaxed) {
        let batch = queue.receive(10, Duration::from_secs(1)).await.map_err(|e| Chain(&e).to_string())?;
        let at = Instant::now();
        for message in batch {
            let result: JobResult = gas_worker::parse_body(&message.body).map_err(|e| e.to_string())?;
            results
                .lock()
                .map_err(|e| e.to_string())?
                .entry(result.job_id)
                .or_insert((at, result.job_status));
            queue.delete(&message.receipt_handle).await.map_err(|e| Chain(&e).to_string())?;
        }
    }
    Ok(())
}

/// The shared sample VCFs: `anntools/*.vcf` under `GAS_TESTDATA`, else `../shared/testdata`.
pub fn sample_files() -> Result<Vec<PathBuf>, String> {
    let root =
        std::env::var_os("GAS_TESTDATA").map_or_else(|| PathBuf::from("../shared/testdata"), PathBuf::from);
    let dir = root.join("anntools");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}; name input files with --files", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "vcf"))
        .collect();
    files.sort();
    Ok(files)
}

/// `gas-annotator` beside the running binary (they are built and installed together).
pub fn sibling_binary(name: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe.parent().unwrap_or(Path::new(".")).join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{} not found: build it with `cargo build --release -p gas-ann`", path.display()))
    }
}
