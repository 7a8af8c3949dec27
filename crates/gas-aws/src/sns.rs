//! Publishing typed messages to the deployment's topics.

use std::collections::BTreeMap;

use gas_core::Topic;
use gas_core::config::Deployment;
use gas_core::messages::Message;

use crate::Aws;
use crate::arn::ArnPrefix;
use crate::error::{AwsError, Context};

/// Publishes each message type to its own topic.
#[derive(Clone, Debug)]
pub struct Publisher {
    client: aws_sdk_sns::Client,
    arns: BTreeMap<Topic, String>,
}

impl Publisher {
    /// Derives the ARNs of the deployment's topics, so a service needs no permission to list or create
    /// topics.
    pub async fn connect(aws: &Aws, deployment: &Deployment) -> Result<Self, AwsError> {
        let prefix = ArnPrefix::of_caller(aws).await?;
        let arns = Topic::ALL.into_iter().map(|t| (t, prefix.arn("sns", &deployment.topic(t)))).collect();
        Ok(Self { client: aws.sns.clone(), arns })
    }

    pub fn topic_arn(&self, topic: Topic) -> &str {
        &self.arns[&topic]
    }

    /// Publishes `message` on its topic; returns the SNS message id.
    pub async fn publish<M: Message>(&self, message: &M) -> Result<String, AwsError> {
        let arn = self.topic_arn(M::TOPIC);
        let body = serde_json::to_string(message).map_err(|e| AwsError::new("serialize message", arn, e))?;
        let output =
            self.client.publish().topic_arn(arn).message(body).send().await.context("Publish", arn)?;
        Ok(output.message_id.unwrap_or_default())
    }
}
