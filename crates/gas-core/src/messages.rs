//! The messages on each topic. Every message carries a `version`; a consumer that receives a version it
//! does not know fails to parse it, so the message goes to the dead-letter queue instead of being
//! misread.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::{JobId, JobStatus, Timestamp, Topic, UserId};

/// A message published on one topic.
pub trait Message: Serialize + DeserializeOwned + Send + 'static {
    const TOPIC: Topic;
}

/// A message's format version: serializes as the number `V` and refuses any other number.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Version<const V: u32>;

impl<const V: u32> fmt::Debug for Version<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{V}")
    }
}

impl<const V: u32> Serialize for Version<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(V)
    }
}

impl<'de, const V: u32> Deserialize<'de> for Version<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let found = u32::deserialize(deserializer)?;
        if found == V {
            Ok(Version)
        } else {
            Err(de::Error::custom(format_args!("unsupported message version {found}, expected {V}")))
        }
    }
}

/// job_requests: a job was submitted and waits for an annotator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobRequest {
    pub version: Version<1>,
    pub job_id: JobId,
    pub user_id: UserId,
    pub input_file_name: String,
    pub s3_inputs_bucket: String,
    pub s3_key_input_file: String,
    pub submit_time: Timestamp,
}

impl Message for JobRequest {
    const TOPIC: Topic = Topic::JobRequests;
}

/// job_results: a job reached a final status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobResult {
    pub version: Version<1>,
    pub job_id: JobId,
    pub user_id: UserId,
    pub job_status: JobStatus,
    pub complete_time: Timestamp,
}

impl Message for JobResult {
    const TOPIC: Topic = Topic::JobResults;
}

/// archive: a free user's job completed; its results go to cold storage after the grace period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchiveRequest {
    pub version: Version<1>,
    pub job_id: JobId,
    pub user_id: UserId,
    pub complete_time: Timestamp,
}

impl Message for ArchiveRequest {
    const TOPIC: Topic = Topic::Archive;
}

/// restore: a user became premium; every archived result of theirs should come back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    pub version: Version<1>,
    pub user_id: UserId,
}

impl Message for RestoreRequest {
    const TOPIC: Topic = Topic::Restore;
}

/// thaw: a cold-storage retrieval was started for one job's results; thaw puts them back once ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThawRequest {
    pub version: Version<1>,
    pub job_id: JobId,
    pub user_id: UserId,
    pub archive_id: String,
    pub retrieval_job_id: String,
}

impl Message for ThawRequest {
    const TOPIC: Topic = Topic::Thaw;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_request_has_a_stable_wire_form() {
        let user_id: UserId = "u-1".parse().unwrap();
        let msg = RestoreRequest { version: Version, user_id };
        assert_eq!(serde_json::to_string(&msg).unwrap(), r#"{"version":1,"user_id":"u-1"}"#);
    }

    #[test]
    fn unknown_versions_are_refused() {
        let err = serde_json::from_str::<RestoreRequest>(r#"{"version":2,"user_id":"u-1"}"#).unwrap_err();
        assert!(err.to_string().contains("unsupported message version 2, expected 1"), "{err}");
        assert!(serde_json::from_str::<RestoreRequest>(r#"{"user_id":"u-1"}"#).is_err());
    }

    #[test]
    fn job_request_round_trips() {
        let msg = JobRequest {
            version: Version,
            job_id: JobId::new(),
            user_id: "u-1".parse().unwrap(),
            input_file_name: "a.vcf".into(),
            s3_inputs_bucket: "gas-dev-inputs".into(),
            s3_key_input_file: "u-1/x~a.vcf".into(),
            submit_time: Timestamp::from_unix_seconds(1_700_000_000),
        };
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(serde_json::from_str::<JobRequest>(&text).unwrap(), msg);
    }
}
