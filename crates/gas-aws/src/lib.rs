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
mod usage;

pub use annotations::{AnnotationsTable, Claim, Finish};
pub use arn::ArnPrefix;
pub use error::AwsError;
pub use profiles::ProfilesTable;
pub use queue::{Queue, QueueAttributes, ReceivedMessage};
pub use s3::{Bucket, Download};
pub use sns::Publisher;
pub use submit::{JobSubmission, SubmitError, Submitted, submit_job};
pub use usage::RequestCounts;

use std::sync::Arc;

use aws_config::{BehaviorVersion, SdkConfig};
use usage::CountRequests;

/// The SDK clients of one process, sharing one [`SdkConfig`] (credentials, region, endpoint, retries).
#[derive(Clone, Debug)]
pub struct Aws {
    pub sdk: SdkConfig,
    pub s3: aws_sdk_s3::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub sns: aws_sdk_sns::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sts: aws_sdk_sts::Client,
    /// Every request these clients sent.
    pub requests: Arc<RequestCounts>,
}

impl Aws {
    /// Loads configuration from the environment, profile files and instance metadata.
    pub async fn from_env() -> Self {
        Self::new(aws_config::defaults(BehaviorVersion::latest()).load().await)
    }

    pub fn new(sdk: SdkConfig) -> Self {
        // With an endpoint override (the local stand-in, or a VPC endpoint by IP) bucket names cannot be
        // host names, so S3 addresses buckets by path.
        let requests = Arc::new(RequestCounts::default());
        let count = CountRequests(Arc::clone(&requests));
        let s3_config = aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(sdk.endpoint_url().is_some())
            .interceptor(count.clone())
            .build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            dynamodb: aws_sdk_dynamodb::Client::from_conf(
                aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(count.clone()).build(),
            ),
            sns: aws_sdk_sns::Client::from_conf(
                aws_sdk_sns::config::Builder::from(&sdk).interceptor(count.clone()).build(),
            ),
            sqs: aws_sdk_sqs::Client::from_conf(
                aws_sdk_sqs::config::Builder::from(&sdk).interceptor(count.clone()).build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::config::Builder::from(&sdk).interceptor(count).build(),
            ),
            requests,
            sdk,
        }
    }
}
