//! The SNS topics the services talk through. Each topic fans out to one SQS queue, consumed by one
//! service; the AWS names of both derive from the deployment name (see [`crate::config::Resources`]).

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// A job was submitted; consumed by the annotator.
    JobRequests,
    /// A job ended (COMPLETED or FAILED); consumed by notify.
    JobResults,
    /// A free user's results should go to cold storage; consumed by archive.
    Archive,
    /// A user upgraded; their archived results should come back; consumed by restore.
    Restore,
    /// A cold-storage retrieval finished; consumed by thaw.
    Thaw,
}

impl Topic {
    pub const ALL: [Topic; 5] =
        [Topic::JobRequests, Topic::JobResults, Topic::Archive, Topic::Restore, Topic::Thaw];

    /// The logical name, as the design documents call it.
    pub const fn name(self) -> &'static str {
        match self {
            Topic::JobRequests => "job_requests",
            Topic::JobResults => "job_results",
            Topic::Archive => "archive",
            Topic::Restore => "restore",
            Topic::Thaw => "thaw",
        }
    }

    /// The service that consumes this topic's queue; its queue is named after it.
    pub const fn consumer(self) -> &'static str {
        match self {
            Topic::JobRequests => "annotator",
            Topic::JobResults => "notify",
            Topic::Archive => "archive",
            Topic::Restore => "restore",
            Topic::Thaw => "thaw",
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
