//! What every GAS service shares and that needs no AWS: the domain (jobs, plans, profiles), the S3 key
//! layout, the messages on each topic, typed configuration, and logging set-up.

pub mod config;
pub mod error;
pub mod job;
pub mod keys;
pub mod messages;
pub mod profile;
pub mod secret;
pub mod signal;
pub mod telemetry;
pub mod time;
pub mod topic;

pub use job::{Job, JobId, JobStatus, NamedCount, ResultSummary, UserId};
pub use profile::{Plan, Profile};
pub use secret::Secret;
pub use time::Timestamp;
pub use topic::Topic;
