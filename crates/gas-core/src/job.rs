//! An annotation job: one row of the annotations table.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Timestamp;

/// A job's id: a random UUID, chosen when the upload form is rendered so that the input's S3 key and
/// the job row agree, and so that submitting the same upload twice is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(Uuid);

impl JobId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for JobId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

impl FromStr for JobId {
    type Err = uuid::Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// A user's id: the `sub` claim of their identity (Globus Auth). Opaque, but it becomes an S3 key
/// segment, so it is checked to be a plain token.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid user id {0:?}: expected 1-128 characters from A-Z a-z 0-9 - _ . @ |")]
pub struct InvalidUserId(String);

impl UserId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserId {
    type Error = InvalidUserId;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '|');
        let plain = !value.is_empty()
            && value.len() <= 128
            && value.chars().all(allowed)
            && value != "."
            && value != "..";
        if plain { Ok(Self(value)) } else { Err(InvalidUserId(value)) }
    }
}

impl FromStr for UserId {
    type Err = InvalidUserId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::try_from(s.to_owned())
    }
}

impl From<UserId> for String {
    fn from(value: UserId) -> Self {
        value.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Pending,
    Running,
    Completed,
    Failed,
}

impl JobStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "PENDING",
            JobStatus::Running => "RUNNING",
            JobStatus::Completed => "COMPLETED",
            JobStatus::Failed => "FAILED",
        }
    }

    /// COMPLETED and FAILED are final: nothing moves a job out of them.
    pub const fn is_final(self) -> bool {
        matches!(self, JobStatus::Completed | JobStatus::Failed)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the annotations table. Attribute names are the table's; optional attributes are absent
/// from the row until the step that sets them has happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub job_id: JobId,
    pub user_id: UserId,
    /// The sanitized name the user's file had when they uploaded it.
    pub input_file_name: String,
    pub s3_inputs_bucket: String,
    pub s3_key_input_file: String,
    pub submit_time: Timestamp,
    pub job_status: JobStatus,
    /// When the job request message was published; absent means a retry of the submission must
    /// publish it (see `gas_aws::submit_job`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_published_time: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_results_bucket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_result_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_log_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete_time: Option<Timestamp>,
    /// What a COMPLETED job found, for the job page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ResultSummary>,
    /// The attempt (fencing token) that holds the job while RUNNING; every later write of that attempt is
    /// conditional on it, so a stalled attempt that wakes up cannot overwrite a newer one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    /// Why a FAILED job failed, in words safe to show its owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// Until when one attempt alone may publish the result messages (taken with the final status, or by
    /// a later delivery once the finisher's lease ran out without publishing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publish_lease_until: Option<Timestamp>,
    /// When the job_results (and, for a free user, archive) messages were published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_published_time: Option<Timestamp>,
    /// Set once a free user's results are in cold storage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_file_archive_id: Option<String>,
}

impl Job {
    /// A just-submitted job: PENDING, with none of the later steps' attributes.
    pub fn pending(
        job_id: JobId,
        user_id: UserId,
        input_file_name: String,
        s3_inputs_bucket: String,
        s3_key_input_file: String,
        submit_time: Timestamp,
    ) -> Self {
        Self {
            job_id,
            user_id,
            input_file_name,
            s3_inputs_bucket,
            s3_key_input_file,
            submit_time,
            job_status: JobStatus::Pending,
            request_published_time: None,
            s3_results_bucket: None,
            s3_key_result_file: None,
            s3_key_log_file: None,
            complete_time: None,
            summary: None,
            attempt_id: None,
            start_time: None,
            failure_reason: None,
            publish_lease_until: None,
            results_published_time: None,
            results_file_archive_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_must_be_plain_tokens() {
        for good in ["b9a0c5d2-4c1e-4a3c-9d1f-0e2f3a4b5c6d", "alice@example.org", "a|b", "A.b_c"] {
            assert!(UserId::from_str(good).is_ok(), "{good}");
        }
        for bad in ["", ".", "..", "a/b", "a~b", "a b", "é", &"x".repeat(129)] {
            assert!(UserId::from_str(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn job_status_uses_the_tables_spelling() {
        assert_eq!(serde_json::to_string(&JobStatus::Completed).unwrap(), "\"COMPLETED\"");
        assert_eq!(serde_json::from_str::<JobStatus>("\"PENDING\"").unwrap(), JobStatus::Pending);
        assert!(JobStatus::Failed.is_final() && !JobStatus::Running.is_final());
    }

    #[test]
    fn a_summary_stored_before_consequences_were_counted_still_reads() {
        let old = r#"{"variants":2,"known":1,"regions":[],"tracks":[],"warnings":[],"annotation_ms":3}"#;
        let summary: ResultSummary = serde_json::from_str(old).unwrap();
        assert_eq!((summary.variants, summary.consequences.len()), (2, 0));
    }

    #[test]
    fn job_ids_round_trip_through_text() {
        let id = JobId::new();
        assert_eq!(id.to_string().parse::<JobId>().unwrap(), id);
        assert!("not-a-uuid".parse::<JobId>().is_err());
    }
}

/// The counts a completed job's page shows (the count log has the same numbers as text).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultSummary {
    /// Variant records in the file.
    pub variants: u64,
    /// Records with an allele in the known-variants set (dbSNP rsIDs in the standard bundle).
    pub known: u64,
    /// Records by their most severe region class, in severity order, `intergenic` last.
    pub regions: Vec<NamedCount>,
    /// Records inside each of the bundle's tracks (e.g. CpG islands).
    pub tracks: Vec<NamedCount>,
    /// Records with each consequence type (BCSQ, e.g. `missense`), in order of first appearance;
    /// empty when the bundle has no transcripts. Absent from rows written before it existed.
    #[serde(default)]
    pub consequences: Vec<NamedCount>,
    /// Warnings the user should read, e.g. an assembly other than the bundle's.
    pub warnings: Vec<String>,
    /// How long the annotation itself took, without the transfers around it.
    pub annotation_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedCount {
    pub name: String,
    pub count: u64,
}
