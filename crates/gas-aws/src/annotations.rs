//! The annotations table: one row per job.

use aws_sdk_dynamodb::types::AttributeValue;
use gas_core::{Job, JobId, Timestamp, UserId};

use crate::Aws;
use crate::error::{AwsError, Context};
use crate::items::{from_item, get_item};

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
        match result {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {
                Ok(false)
            }
            Err(e) => Err(e).context("PutItem", &self.name),
        }
    }

    /// The job's row, read consistently.
    pub async fn get(&self, job_id: &JobId) -> Result<Option<Job>, AwsError> {
        get_item(&self.client, &self.name, "job_id", job_id.to_string()).await
    }

    /// Records that the job request message was published.
    pub async fn mark_request_published(&self, job_id: &JobId, at: Timestamp) -> Result<(), AwsError> {
        self.client
            .update_item()
            .table_name(&self.name)
            .key("job_id", AttributeValue::S(job_id.to_string()))
            .update_expression("SET request_published_time = :t")
            .condition_expression("attribute_exists(job_id)")
            .expression_attribute_values(":t", AttributeValue::N(at.to_string()))
            .send()
            .await
            .context("UpdateItem", &self.name)?;
        Ok(())
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
