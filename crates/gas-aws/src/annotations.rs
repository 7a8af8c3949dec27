//! The annotations table: one row per job.

use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use gas_core::{Job, JobId, JobStatus, ResultSummary, Timestamp, UserId};

use crate::Aws;
use crate::error::{AwsError, Context};
use crate::items::{condition_met, from_item, get_item};

/// The GSI that lists a user's jobs by submit time.
pub const USER_ID_INDEX: &str = "user_id_index";

#[derive(Clone, Debug)]
pub struct AnnotationsTable {
    client: aws_sdk_dynamodb::Client,
    name: String,
}

impl AnnotationsTable {
    pub fn new(aws: &Aws, name: impl Into<String>) -> Self {
        Self { client: aws.dynamodb.clone(), name: name.into() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Writes a new row unless one with the same job_id exists. Returns whether it was written.
    pub async fn insert_new(&self, job: &Job) -> Result<bool, AwsError> {
        let item = serde_dynamo::to_item(job).map_err(|e| AwsError::new("serialize job", &self.name, e))?;
        let result = self
            .client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(job_id)")
            .send()
            .await;
        condition_met(result, "PutItem", &self.name)
    }

    /// The job's row, read consistently.
    pub async fn get(&self, job_id: &JobId) -> Result<Option<Job>, AwsError> {
        get_item(&self.client, &self.name, "job_id", job_id.to_string()).await
    }

    /// Records that the job request message was published.
    pub async fn mark_request_published(&self, job_id: &JobId, at: Timestamp) -> Result<(), AwsError> {
        self.set_time(job_id, "request_published_time", at).await
    }

    /// Every job of one user, newest first.
    pub async fn list_for_user(&self, user_id: &UserId) -> Result<Vec<Job>, AwsError> {
        let mut pages = self
            .client
            .query()
            .table_name(&self.name)
            .index_name(USER_ID_INDEX)
            .key_condition_expression("user_id = :u")
            .expression_attribute_values(":u", AttributeValue::S(user_id.to_string()))
            .scan_index_forward(false)
            .into_paginator()
            .send();
        let mut jobs = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.context("Query", &self.name)?;
            for item in page.items.unwrap_or_default() {
                jobs.push(from_item(&self.name, item)?);
            }
        }
        Ok(jobs)
    }
}

/// What [`AnnotationsTable::claim`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This attempt now holds the job (RUNNING, with its attempt id and start time).
    Claimed(Job),
    /// The job is COMPLETED or FAILED already: a redelivered request.
    Final(Job),
    /// Another attempt holds it and this delivery may not take it over.
    HeldElsewhere(Job),
    /// No such job.
    Missing,
}

/// How an attempt ends a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    Completed {
        s3_results_bucket: String,
        s3_key_result_file: String,
        s3_key_log_file: String,
        summary: ResultSummary,
    },
    Failed {
        reason: String,
    },
}

impl AnnotationsTable {
    /// Moves the job to RUNNING under `attempt_id`: from PENDING always, from RUNNING only when
    /// `take_over` (its message came back, so the previous attempt is presumed dead).
    pub async fn claim(
        &self,
        job_id: &JobId,
        attempt_id: &str,
        now: Timestamp,
        take_over: bool,
    ) -> Result<Claim, AwsError> {
        let condition =
            if take_over { "job_status IN (:pending, :running)" } else { "job_status = :pending" };
        let result = self
            .client
            .update_item()
            .table_name(&self.name)
            .key("job_id", AttributeValue::S(job_id.to_string()))
            .update_expression("SET job_status = :running, attempt_id = :attempt, start_time = :now")
            .condition_expression(condition)
            .expression_attribute_values(
                ":pending",
                AttributeValue::S(JobStatus::Pending.as_str().to_owned()),
            )
            .expression_attribute_values(
                ":running",
                AttributeValue::S(JobStatus::Running.as_str().to_owned()),
            )
            .expression_attribute_values(":attempt", AttributeValue::S(attempt_id.to_owned()))
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => Ok(Claim::Claimed(from_item(&self.name, output.attributes.unwrap_or_default())?)),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Ok(match self.get(job_id).await? {
                    None => Claim::Missing,
                    Some(job) if job.job_status.is_final() => Claim::Final(job),
                    Some(job) => Claim::HeldElsewhere(job),
                })
            }
            Err(e) => Err(e).context("UpdateItem", &self.name),
        }
    }

    /// Ends the job as `finish` says, only if `attempt_id` still holds it, taking the publish lease until
    /// `lease_until`. Returns the ended row, or `None` when a newer attempt took the job over and this
    /// one must not publish anything.
    pub async fn finish(
        &self,
        job_id: &JobId,
        attempt_id: &str,
        finish: &Finish,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>, AwsError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.name)
            .key("job_id", AttributeValue::S(job_id.to_string()))
            .condition_expression("job_status = :running AND attempt_id = :attempt")
            .expression_attribute_values(
                ":running",
                AttributeValue::S(JobStatus::Running.as_str().to_owned()),
            )
            .expression_attribute_values(":attempt", AttributeValue::S(attempt_id.to_owned()))
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .expression_attribute_values(":lease", AttributeValue::N(lease_until.to_string()));
        update = match finish {
            Finish::Completed { s3_results_bucket, s3_key_result_file, s3_key_log_file, summary } => update
                .update_expression(
                    "SET job_status = :status, complete_time = :now, publish_lease_until = :lease, \
                     s3_results_bucket = :bucket, s3_key_result_file = :result, s3_key_log_file = :log, \
                     summary = :summary",
                )
                .expression_attribute_values(
                    ":summary",
                    serde_dynamo::to_attribute_value(summary)
                        .map_err(|e| AwsError::new("write summary", &self.name, e))?,
                )
                .expression_attribute_values(
                    ":status",
                    AttributeValue::S(JobStatus::Completed.as_str().to_owned()),
                )
                .expression_attribute_values(":bucket", AttributeValue::S(s3_results_bucket.clone()))
                .expression_attribute_values(":result", AttributeValue::S(s3_key_result_file.clone()))
                .expression_attribute_values(":log", AttributeValue::S(s3_key_log_file.clone())),
            Finish::Failed { reason } => update
                .update_expression(
                    "SET job_status = :status, complete_time = :now, publish_lease_until = :lease, \
                     failure_reason = :reason",
                )
                .expression_attribute_values(
                    ":status",
                    AttributeValue::S(JobStatus::Failed.as_str().to_owned()),
                )
                .expression_attribute_values(":reason", AttributeValue::S(reason.clone())),
        };
        match update.return_values(ReturnValue::AllNew).send().await {
            Ok(output) => Ok(Some(from_item(&self.name, output.attributes.unwrap_or_default())?)),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Ok(None)
            }
            Err(e) => Err(e).context("UpdateItem", &self.name),
        }
    }
}

impl AnnotationsTable {
    /// Takes the right to publish the job's result messages until `until`, if they are not published
    /// and nobody holds an unexpired lease. Returns whether it was taken.
    pub async fn take_publish_lease(
        &self,
        job_id: &JobId,
        now: Timestamp,
        until: Timestamp,
    ) -> Result<bool, AwsError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.name)
            .key("job_id", AttributeValue::S(job_id.to_string()))
            .update_expression("SET publish_lease_until = :until")
            .condition_expression(
                "attribute_exists(job_id) AND attribute_not_exists(results_published_time) \
                 AND (attribute_not_exists(publish_lease_until) OR publish_lease_until < :now)",
            )
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .expression_attribute_values(":until", AttributeValue::N(until.to_string()))
            .send()
            .await;
        condition_met(result, "UpdateItem", &self.name)
    }

    /// Records that the job's result messages were published.
    pub async fn mark_results_published(&self, job_id: &JobId, at: Timestamp) -> Result<(), AwsError> {
        self.set_time(job_id, "results_published_time", at).await
    }

    /// Sets a timestamp attribute of an existing row.
    async fn set_time(&self, job_id: &JobId, attribute: &str, at: Timestamp) -> Result<(), AwsError> {
        self.client
            .update_item()
            .table_name(&self.name)
            .key("job_id", AttributeValue::S(job_id.to_string()))
            .update_expression(format!("SET {attribute} = :t"))
            .condition_expression("attribute_exists(job_id)")
            .expression_attribute_values(":t", AttributeValue::N(at.to_string()))
            .send()
            .await
            .context("UpdateItem", &self.name)?;
        Ok(())
    }
}
