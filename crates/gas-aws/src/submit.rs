//! `submit_job`: the one way a job enters the system.

use gas_core::keys::FileName;
use gas_core::messages::{JobRequest, Version};
use gas_core::{Job, JobId, Timestamp, UserId};

use crate::{AnnotationsTable, AwsError, Publisher};

/// What the submitter knows: who, which job id (chosen when the upload form was made), and where the
/// uploaded input is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobSubmission {
    pub job_id: JobId,
    pub user_id: UserId,
    pub input_file_name: FileName,
    pub s3_inputs_bucket: String,
    pub s3_key_input_file: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// The job is new: its row was written and its request published.
    New(Job),
    /// The same job was submitted before (a reloaded page, a retried request); nothing was duplicated.
    /// If the earlier attempt stopped before publishing, the request was published now.
    Again(Job),
}

impl Submitted {
    pub fn job(&self) -> &Job {
        match self {
            Submitted::New(job) | Submitted::Again(job) => job,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("job {0} already exists with a different owner or input")]
    Conflict(JobId),
    #[error("could not submit the job")]
    Aws(#[from] AwsError),
}

/// Writes the PENDING row (only if the job id is new), then publishes the job request and records that
/// it did. Safe to repeat: a second call with the same submission neither writes a second row nor
/// publishes a second request, unless the first call stopped between writing and publishing, in which
/// case this call finishes its work.
pub async fn submit_job(
    annotations: &AnnotationsTable,
    publisher: &Publisher,
    submission: JobSubmission,
) -> Result<Submitted, SubmitError> {
    let job = Job::pending(
        submission.job_id,
        submission.user_id,
        submission.input_file_name.to_string(),
        submission.s3_inputs_bucket,
        submission.s3_key_input_file,
        Timestamp::now(),
    );
    if annotations.insert_new(&job).await? {
        let job = publish_request(annotations, publisher, job).await?;
        tracing::info!(job_id = %job.job_id, user_id = %job.user_id, "job submitted");
        return Ok(Submitted::New(job));
    }

    let existing = annotations.get(&job.job_id).await?.ok_or(SubmitError::Conflict(job.job_id))?;
    let same = existing.user_id == job.user_id
        && existing.s3_inputs_bucket == job.s3_inputs_bucket
        && existing.s3_key_input_file == job.s3_key_input_file;
    if !same {
        return Err(SubmitError::Conflict(job.job_id));
    }
    if existing.request_published_time.is_some() {
        tracing::info!(job_id = %existing.job_id, "job was already submitted");
        return Ok(Submitted::Again(existing));
    }
    tracing::info!(job_id = %existing.job_id, "job was written but not published; publishing now");
    Ok(Submitted::Again(publish_request(annotations, publisher, existing).await?))
}

async fn publish_request(
    annotations: &AnnotationsTable,
    publisher: &Publisher,
    mut job: Job,
) -> Result<Job, AwsError> {
    let request = JobRequest {
        version: Version,
        job_id: job.job_id,
        user_id: job.user_id.clone(),
        input_file_name: job.input_file_name.clone(),
        s3_inputs_bucket: job.s3_inputs_bucket.clone(),
        s3_key_input_file: job.s3_key_input_file.clone(),
        submit_time: job.submit_time,
    };
    publisher.publish(&request).await?;
    let now = Timestamp::now();
    annotations.mark_request_published(&job.job_id, now).await?;
    job.request_published_time = Some(now);
    Ok(job)
}
