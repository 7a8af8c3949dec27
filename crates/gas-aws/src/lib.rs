//! AWS glue for every GAS service: one [`Aws`] per process built from the standard aws-config chain
//! (so `AWS_ENDPOINT_URL`, `AWS_PROFILE` and instance roles all work), thin typed wrappers for each
//! resource, the one way to submit a job, and provisioning.

mod annotations;
mod arn;
mod error;
mod items;
mod profiles;
pub mod provision;
mod queue;
mod s3;
mod sns;
mod submit;

pub use annotations::{AnnotationsTable, Claim, Finish};
pub use arn::ArnPrefix;
pub use error::AwsError;
pub use profiles::ProfilesTable;
pub use queue::{Queue, QueueAttributes, ReceivedMessage};
pub use s3::Bucket;
pub use sns::Publisher;
pub use submit::{JobSubmission, SubmitError, Submitted, submit_job};

use aws_config::{BehaviorVersion, SdkConfig};

/// The SDK clients of one process, sharing one [`SdkConfig`] (credentials, region, endpoint, retries).
#[derive(Clone, Debug)]
pub struct Aws {
    pub sdk: SdkConfig,
    pub s3: aws_sdk_s3::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub sns: aws_sdk_sns::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sts: aws_sdk_sts::Client,
}

impl Aws {
    /// Loads configuration from the environment, profile files and instance metadata.
    pub async fn from_env() -> Self {
        Self::new(aws_config::defaults(BehaviorVersion::latest()).load().await)
    }

    pub fn new(sdk: SdkConfig) -> Self {
        // With an endpoint override (the local stand-in, or a VPC endpoint by IP) bucket names cannot be
        // host names, so S3 addresses buckets by path.
        let s3_config =
            aws_sdk_s3::config::Builder::from(&sdk).force_path_style(sdk.endpoint_url().is_some()).build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
            sns: aws_sdk_sns::Client::new(&sdk),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            sts: aws_sdk_sts::Client::new(&sdk),
            sdk,
        }
    }
}
