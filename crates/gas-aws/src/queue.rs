//! One SQS queue: what the worker runtime needs, and what tests need to look inside.

use std::time::Duration;

use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use gas_core::Topic;
use gas_core::config::Deployment;

use crate::Aws;
use crate::error::{AwsError, Context};

#[derive(Clone, Debug)]
pub struct Queue {
    client: aws_sdk_sqs::Client,
    name: String,
    url: String,
}

/// A received message, with what the runtime needs to handle and acknowledge it.
#[derive(Clone, Debug)]
pub struct ReceivedMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    /// How many times SQS has delivered this message, this delivery included.
    pub receive_count: u32,
}

/// The queue attributes that govern redelivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueAttributes {
    pub visibility_timeout: Duration,
    /// Receives before SQS moves the message to the dead-letter queue; `None` without a redrive policy.
    pub max_receive_count: Option<u32>,
}

impl Queue {
    /// The deployment's queue for `topic`'s consumer.
    pub async fn connect(aws: &Aws, deployment: &Deployment, topic: Topic) -> Result<Self, AwsError> {
        Self::by_name(aws, &deployment.queue(topic)).await
    }

    /// The deployment's dead-letter queue for `topic`'s consumer.
    pub async fn connect_dead_letter(
        aws: &Aws,
        deployment: &Deployment,
        topic: Topic,
    ) -> Result<Self, AwsError> {
        Self::by_name(aws, &deployment.dead_letter_queue(topic)).await
    }

    pub async fn by_name(aws: &Aws, name: &str) -> Result<Self, AwsError> {
        let output = aws.sqs.get_queue_url().queue_name(name).send().await.context("GetQueueUrl", name)?;
        Ok(Self { client: aws.sqs.clone(), name: name.to_owned(), url: output.queue_url.unwrap_or_default() })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Long-polls for up to `max` (1-10) messages, waiting up to `wait` for the first.
    pub async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<ReceivedMessage>, AwsError> {
        let output = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(max.clamp(1, 10) as i32)
            .wait_time_seconds(wait.as_secs().min(20) as i32)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .context("ReceiveMessage", &self.name)?;
        let messages = output.messages.unwrap_or_default().into_iter().map(|m| {
            let receive_count = m
                .attributes
                .as_ref()
                .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            ReceivedMessage {
                message_id: m.message_id.unwrap_or_default(),
                receipt_handle: m.receipt_handle.unwrap_or_default(),
                body: m.body.unwrap_or_default(),
                receive_count,
            }
        });
        Ok(messages.collect())
    }

    pub async fn delete(&self, receipt_handle: &str) -> Result<(), AwsError> {
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(receipt_handle)
            .send()
            .await
            .context("DeleteMessage", &self.name)?;
        Ok(())
    }

    /// Hides the message for `timeout` from now; zero makes it visible again at once.
    pub async fn change_visibility(&self, receipt_handle: &str, timeout: Duration) -> Result<(), AwsError> {
        self.client
            .change_message_visibility()
            .queue_url(&self.url)
            .receipt_handle(receipt_handle)
            .visibility_timeout(timeout.as_secs().min(43_200) as i32)
            .send()
            .await
            .context("ChangeMessageVisibility", &self.name)?;
        Ok(())
    }

    pub async fn send(&self, body: &str) -> Result<(), AwsError> {
        self.client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .send()
            .await
            .context("SendMessage", &self.name)?;
        Ok(())
    }

    pub async fn attributes(&self) -> Result<QueueAttributes, AwsError> {
        let output = self
            .client
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(QueueAttributeName::VisibilityTimeout)
            .attribute_names(QueueAttributeName::RedrivePolicy)
            .send()
            .await
            .context("GetQueueAttributes", &self.name)?;
        let attributes = output.attributes.unwrap_or_default();
        let visibility_seconds =
            attributes.get(&QueueAttributeName::VisibilityTimeout).and_then(|v| v.parse().ok()).unwrap_or(30);
        let max_receive_count = attributes
            .get(&QueueAttributeName::RedrivePolicy)
            .and_then(|p| crate::provision::max_receive_count(p));
        Ok(QueueAttributes { visibility_timeout: Duration::from_secs(visibility_seconds), max_receive_count })
    }

    /// Approximate (visible, in flight) message counts.
    pub async fn depth(&self) -> Result<(u64, u64), AwsError> {
        let output = self
            .client
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .context("GetQueueAttributes", &self.name)?;
        let attributes = output.attributes.unwrap_or_default();
        let count = |name| attributes.get(&name).and_then(|v| v.parse().ok()).unwrap_or(0);
        Ok((
            count(QueueAttributeName::ApproximateNumberOfMessages),
            count(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        ))
    }
}
