//! ARNs of the deployment's resources, derived rather than looked up: the account and partition come
//! from STS once, the region from the SDK configuration.

use crate::Aws;
use crate::error::{AwsError, Context};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnPrefix {
    partition: String,
    region: String,
    account: String,
}

impl ArnPrefix {
    pub async fn of_caller(aws: &Aws) -> Result<Self, AwsError> {
        let identity = aws.sts.get_caller_identity().send().await.context("GetCallerIdentity", "sts")?;
        // The caller's own ARN names the partition (aws, aws-cn, aws-us-gov).
        let partition = identity.arn.as_deref().and_then(|arn| arn.split(':').nth(1)).unwrap_or("aws");
        Ok(Self {
            partition: partition.to_owned(),
            region: region_of(aws).to_owned(),
            account: identity.account.unwrap_or_default(),
        })
    }

    /// `arn:<partition>:<service>:<region>:<account>:<name>`
    pub fn arn(&self, service: &str, name: &str) -> String {
        format!("arn:{}:{service}:{}:{}:{name}", self.partition, self.region, self.account)
    }
}

pub(crate) fn region_of(aws: &Aws) -> &str {
    aws.sdk.region().map_or("us-east-1", |r| r.as_ref())
}
