//! One job request, from SQS to COMPLETED or FAILED.
//!
//! Every step is safe to repeat, because SQS delivers at least once and any process may die at any
//! line: the claim is a conditional update carrying this attempt's id (a fencing token), result keys
//! are derived from the input key so a retry overwrites rather than duplicates, the final update only
//! succeeds for the attempt that holds the job, and the result messages are recorded as published so
//! a redelivered request publishes them only if the previous attempt died before doing so.

use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use gas_aws::{AnnotationsTable, AwsError, Bucket, Claim, Finish, ProfilesTable, Publisher};
use gas_core::messages::{ArchiveRequest, JobRequest, JobResult, Version};
use gas_core::{Job, JobStatus, NamedCount, Plan, ResultSummary, Timestamp, keys};
use gas_engine::{AnnotateError, AnnotateOptions, Bundle, Summary};
use gas_worker::{Delivery, Handler, HandlerError};

/// What the annotator needs; built once per process.
pub struct Annotator {
    pub aws: gas_aws::Aws,
    pub annotations: AnnotationsTable,
    pub profiles: ProfilesTable,
    pub results: Bucket,
    pub publisher: Publisher,
    pub bundle: Arc<Bundle>,
    pub work_dir: PathBuf,
    pub max_input_bytes: u64,
    pub time_limit: Duration,
    /// Jobs wait (their message comes back later, perhaps to another host) while the work directory's
    /// file system has less free space than this plus the input's size.
    pub min_free_bytes: u64,
    /// How long the attempt that ended a job has to publish its messages before a redelivery may.
    pub publish_lease: Duration,
    /// Test-only: the step at which the process aborts (`GAS_FAILPOINT`), to prove crash safety, or
    /// `engine-panic` to make every annotation pass panic.
    pub failpoint: Option<String>,
    /// Benchmark-only: copy the input as the result instead of annotating, so `gas-admin loadgen` can
    /// measure the pipeline around the engine (`GAS_SKIP_ANNOTATION=1`).
    pub skip_annotation: bool,
}

/// Why a job failed, in words safe to show its owner (no bucket names, paths or backtraces).
struct Failure(String);

/// Why an annotation pass produced no result.
enum Annotation {
    /// The file's fault (or a panic on it): the job fails with this reason.
    Failed(String),
    /// This host's fault (e.g. its disk): the request is retried.
    Broken(AnnotateError),
}

impl Handler for Annotator {
    type Message = JobRequest;

    async fn handle(&self, request: JobRequest, delivery: &Delivery) -> Result<(), HandlerError> {
        let attempt = uuid::Uuid::new_v4().to_string();
        let take_over = delivery.receive_count > 1;
        let job = match self.annotations.claim(&request.job_id, &attempt, Timestamp::now(), take_over).await?
        {
            Claim::Claimed(job) => job,
            Claim::Final(job) => {
                // A redelivery after the job ended: publish what the finishing attempt may not have, but
                // only once its lease ran out (it may still be publishing).
                if job.results_published_time.is_some() {
                    return Ok(());
                }
                let now = Timestamp::now();
                if !self.annotations.take_publish_lease(&job.job_id, now, self.lease_end(now)).await? {
                    return Err("another attempt is publishing this job's results; retrying later".into());
                }
                self.publish_results(&job).await?;
                return Ok(());
            }
            Claim::HeldElsewhere(_) => {
                return Err("the job is running in another attempt; retrying later".into());
            }
            Claim::Missing => {
                tracing::warn!(job_id = %request.job_id, "no such job; dropping the request");
                return Ok(());
            }
        };
        tracing::info!(job_id = %job.job_id, attempt, "job claimed");
        let dir = self.work_dir.join(job.job_id.to_string());
        let outcome = self.run(&job, &dir).await;
        let _ = tokio::fs::remove_dir_all(&dir).await;
        let finish = match outcome {
            Ok(finish) => finish,
            Err(Ok(Failure(reason))) => Finish::Failed { reason },
            Err(Err(e)) if delivery.is_last_attempt() => {
                tracing::error!(job_id = %job.job_id, error = %gas_core::error::Chain(&e), "last attempt failed");
                let reason = "the job could not be processed; please resubmit it".to_owned();
                self.end(&job, &attempt, &Finish::Failed { reason }).await?;
                return Err(e.into());
            }
            Err(Err(e)) => return Err(e.into()),
        };
        self.end(&job, &attempt, &finish).await
    }
}

impl Annotator {
    /// Downloads, annotates and uploads. `Err(Ok(_))` fails the job; `Err(Err(_))` is transient.
    async fn run(&self, job: &Job, dir: &Path) -> Result<Finish, Result<Failure, AwsError>> {
        let inputs = Bucket::new(&self.aws, &job.s3_inputs_bucket);
        let fail = |reason: &str| Err(Ok(Failure(reason.to_owned())));
        let Some(download) = inputs.open(&job.s3_key_input_file).await.map_err(Err)? else {
            return fail("the uploaded file was not found; please upload it again");
        };
        if download.size > self.max_input_bytes {
            let limit_mb = self.max_input_bytes / (1024 * 1024);
            return fail(&format!("the file is larger than the {limit_mb} MB limit"));
        }
        let free = free_bytes(&self.work_dir).unwrap_or(u64::MAX);
        if free < download.size.saturating_add(self.min_free_bytes) {
            let why = format!("only {} MB free in the work directory", free / (1024 * 1024));
            return Err(Err(AwsError::new("reserve disk space", "annotator", why)));
        }
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| Err(AwsError::new("create work dir", "annotator", e)))?;
        let (input, output, log) = (dir.join("input"), dir.join("result.vcf"), dir.join("count.log"));
        download.save_to(&input).await.map_err(Err)?;
        let result_key = keys::result_key(&job.s3_key_input_file);
        let log_key = keys::log_key(&job.s3_key_input_file);

        self.failpoint("annotating");
        let annotated = match self.annotate(&input, &output).await {
            Ok(annotated) => Ok(annotated),
            Err(Annotation::Failed(reason)) => Err(reason),
            Err(Annotation::Broken(e)) => return Err(Err(AwsError::new("annotate", "annotator", e))),
        };
        match annotated {
            Ok((summary, took)) => {
                tokio::fs::write(&log, summary.count_log())
                    .await
                    .map_err(|e| Err(AwsError::new("write log", "annotator", e)))?;
                self.results
                    .upload_file(&result_key, &output, "text/plain; charset=utf-8")
                    .await
                    .map_err(Err)?;
                self.results.upload_file(&log_key, &log, "text/plain; charset=utf-8").await.map_err(Err)?;
                self.failpoint("uploaded");
                Ok(Finish::Completed {
                    s3_results_bucket: self.results.name().to_owned(),
                    s3_key_result_file: result_key,
                    s3_key_log_file: log_key,
                    summary: result_summary(&summary, took),
                })
            }
            Err(reason) => {
                // The log object is still written, so the user can read why.
                let text = format!("FAILED: {reason}\n");
                self.results
                    .put_bytes(&log_key, text.into_bytes(), "text/plain; charset=utf-8")
                    .await
                    .map_err(Err)?;
                Err(Ok(Failure(reason)))
            }
        }
    }

    /// Runs the engine on a blocking thread under the time limit; a pass over the limit is cancelled so
    /// its thread is free again within milliseconds.
    async fn annotate(&self, input: &Path, output: &Path) -> Result<(Summary, Duration), Annotation> {
        let bundle = Arc::clone(&self.bundle);
        let cancel = Arc::new(AtomicBool::new(false));
        let options = AnnotateOptions { cancel: Some(Arc::clone(&cancel)), ..AnnotateOptions::default() };
        let (input, output) = (input.to_owned(), output.to_owned());
        let skip = self.skip_annotation;
        let panic = self.failpoint.as_deref() == Some("engine-panic");
        let work = tokio::task::spawn_blocking(move || {
            assert!(!panic, "failpoint engine-panic");
            let started = Instant::now();
            let summary = if skip {
                std::fs::copy(&input, &output).map(|_| Summary::default()).map_err(AnnotateError::Output)
            } else {
                annotate_file(&bundle, &input, &output, &options)
            };
            summary.map(|summary| (summary, started.elapsed()))
        });
        match tokio::time::timeout(self.time_limit, work).await {
            Err(_) => {
                cancel.store(true, Ordering::Relaxed);
                let limit = self.time_limit.as_secs();
                Err(Annotation::Failed(format!("annotation took longer than the {limit}-second limit")))
            }
            Ok(Err(_panicked)) => {
                Err(Annotation::Failed("the annotator failed unexpectedly on this file".to_owned()))
            }
            Ok(Ok(Err(AnnotateError::Input(e)))) => Err(Annotation::Failed(e.to_string())),
            Ok(Ok(Err(e))) => Err(Annotation::Broken(e)),
            Ok(Ok(Ok(done))) => Ok(done),
        }
    }

    fn lease_end(&self, now: Timestamp) -> Timestamp {
        let seconds = i64::try_from(self.publish_lease.as_secs()).unwrap_or(i64::MAX);
        Timestamp::from_unix_seconds(now.unix_seconds().saturating_add(seconds))
    }

    /// Dies on the spot, as `kill -9` would, when the test-only failpoint names this step.
    fn failpoint(&self, step: &str) {
        if self.failpoint.as_deref() == Some(step) {
            eprintln!("gas-annotator: failpoint {step}: aborting");
            std::process::abort();
        }
    }

    /// Records the final status (if this attempt still holds the job) and publishes the results.
    async fn end(&self, job: &Job, attempt: &str, finish: &Finish) -> Result<(), HandlerError> {
        let now = Timestamp::now();
        let Some(ended) =
            self.annotations.finish(&job.job_id, attempt, finish, now, self.lease_end(now)).await?
        else {
            tracing::warn!(job_id = %job.job_id, attempt, "another attempt took the job over; this one stops");
            return Ok(());
        };
        self.failpoint("finished");
        tracing::info!(job_id = %job.job_id, status = %ended.job_status, "job ended");
        self.publish_results(&ended).await?;
        Ok(())
    }

    /// Publishes job_results and, for a free user's completed job, archive; once.
    async fn publish_results(&self, job: &Job) -> Result<(), AwsError> {
        if job.results_published_time.is_some() || !job.job_status.is_final() {
            return Ok(());
        }
        let complete_time = job.complete_time.unwrap_or_else(Timestamp::now);
        let result = JobResult {
            version: Version,
            job_id: job.job_id,
            user_id: job.user_id.clone(),
            job_status: job.job_status,
            complete_time,
        };
        self.publisher.publish(&result).await?;
        if job.job_status == JobStatus::Completed {
            // A missing profile counts as free.
            let plan = self.profiles.get(&job.user_id).await?.map_or(Plan::Free, |p| p.plan);
            if plan == Plan::Free {
                let archive = ArchiveRequest {
                    version: Version,
                    job_id: job.job_id,
                    user_id: job.user_id.clone(),
                    complete_time,
                };
                self.publisher.publish(&archive).await?;
            }
        }
        self.annotations.mark_results_published(&job.job_id, Timestamp::now()).await
    }
}

fn annotate_file(
    bundle: &Bundle,
    input: &Path,
    output: &Path,
    options: &AnnotateOptions,
) -> Result<Summary, AnnotateError> {
    let mut reader = gas_engine::input::open(Some(input)).map_err(|e| AnnotateError::Input(e.into()))?.reader;
    let file = std::fs::File::create(output).map_err(AnnotateError::Output)?;
    let mut out = BufWriter::with_capacity(1 << 18, file);
    gas_engine::annotate(bundle, &mut reader, &mut out, options, &mut |_| {})
}

/// The counts the job page shows, from the engine's summary.
fn result_summary(summary: &Summary, took: Duration) -> ResultSummary {
    ResultSummary {
        variants: summary.total,
        known: summary.known,
        regions: summary
            .regions
            .iter()
            .map(|c| NamedCount { name: c.class.to_owned(), count: c.count })
            .collect(),
        tracks: summary.tracks.iter().map(|t| NamedCount { name: t.track.clone(), count: t.count }).collect(),
        consequences: summary
            .consequences
            .iter()
            .map(|c| NamedCount { name: c.consequence.clone(), count: c.count })
            .collect(),
        warnings: summary.warnings.clone(),
        annotation_ms: u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
    }
}

/// Free bytes on the file system that holds (or will hold) `path`, for an unprivileged process.
fn free_bytes(path: &Path) -> Option<u64> {
    path.ancestors().find_map(free_bytes_at)
}

fn free_bytes_at(path: &Path) -> Option<u64> {
    let path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).ok()?;
    // SAFETY: statvfs writes only into the zeroed struct we own; the path is a valid C string.
    #[allow(unsafe_code)]
    let stats = unsafe {
        let mut stats: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(path.as_ptr(), &mut stats) != 0 {
            return None;
        }
        stats
    };
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use gas_engine::csq::flags;

    #[test]
    fn the_job_row_summary_counts_records_per_consequence() {
        let mut summary = Summary::new("GRCh37", &[], Vec::new());
        summary.total = 3;
        summary.count_consequences(flags::MISSENSE | flags::SPLICE_REGION);
        summary.count_consequences(flags::MISSENSE);
        summary.count_consequences(flags::INTRON);
        summary.finish();
        let row = result_summary(&summary, Duration::from_millis(5));
        let counts: Vec<(&str, u64)> = row.consequences.iter().map(|c| (c.name.as_str(), c.count)).collect();
        assert_eq!(counts, [("missense", 2), ("splice_region", 1), ("intron", 1)]);
        assert_eq!(row.annotation_ms, 5);
    }
}
