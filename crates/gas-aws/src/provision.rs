//! `gas-admin provision` and `teardown`: create or remove every resource of a deployment. Provisioning
//! is idempotent: it reads what exists, changes only what differs, and reports each step, so a second
//! run reports nothing but `unchanged`.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus,
};
use aws_sdk_s3::types::{
    BucketLocationConstraint, CorsConfiguration, CorsRule, CreateBucketConfiguration, Delete,
    ObjectIdentifier, PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use aws_sdk_sqs::types::QueueAttributeName;
use gas_core::Topic;
use gas_core::config::{Deployment, QueueSettings};
use serde_json::{Value, json};

use crate::Aws;
use crate::annotations::USER_ID_INDEX;
use crate::arn::{ArnPrefix, region_of};
use crate::error::{AwsError, Context, code_of};

/// Dead-letter queues keep messages for the SQS maximum, 14 days, so an operator has time to look.
const DEAD_LETTER_RETENTION_SECONDS: &str = "1209600";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisionSettings {
    pub queues: QueueSettings,
    /// The web origin browsers upload from (the inputs bucket's CORS rule).
    pub web_origin: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    /// Existed, and these settings were changed to the wanted ones.
    Updated(Vec<String>),
    Unchanged,
    Deleted,
    /// Teardown found nothing to delete.
    Absent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub kind: &'static str,
    pub name: String,
    pub outcome: Outcome,
}

/// What a provision or teardown run did, one line per resource.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub steps: Vec<Step>,
}

impl Report {
    fn push(&mut self, kind: &'static str, name: impl Into<String>, outcome: Outcome) {
        self.steps.push(Step { kind, name: name.into(), outcome });
    }

    /// Whether the run changed anything.
    pub fn changed(&self) -> bool {
        self.steps.iter().any(|s| s.outcome != Outcome::Unchanged && s.outcome != Outcome::Absent)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for step in &self.steps {
            let outcome = match &step.outcome {
                Outcome::Created => "created".to_owned(),
                Outcome::Updated(what) => format!("updated ({})", what.join(", ")),
                Outcome::Unchanged => "unchanged".to_owned(),
                Outcome::Deleted => "deleted".to_owned(),
                Outcome::Absent => "absent".to_owned(),
            };
            writeln!(f, "{:<13} {:<48} {outcome}", step.kind, step.name)?;
        }
        Ok(())
    }
}

/// Creates or brings up to date every resource of the deployment.
pub async fn provision(
    aws: &Aws,
    deployment: &Deployment,
    settings: &ProvisionSettings,
) -> Result<Report, AwsError> {
    let arns = ArnPrefix::of_caller(aws).await?;
    let mut report = Report::default();
    let inputs_cors = cors_rule(&settings.web_origin, "POST");
    let results_cors = cors_rule(&settings.web_origin, "GET");
    for (bucket, cors) in
        [(deployment.inputs_bucket(), inputs_cors), (deployment.results_bucket(), results_cors)]
    {
        let outcome = ensure_bucket(aws, &bucket, cors).await?;
        report.push("bucket", bucket, outcome);
    }
    for table in [annotations_table(deployment), profiles_table(deployment)] {
        let outcome = ensure_table(aws, &table).await?;
        report.push("table", table.name, outcome);
    }
    for topic in Topic::ALL {
        let topic_name = deployment.topic(topic);
        let topic_arn = arns.arn("sns", &topic_name);
        report.push("topic", &topic_name, ensure_topic(aws, &topic_name, &topic_arn).await?);

        let dlq_name = deployment.dead_letter_queue(topic);
        let dlq_attributes = HashMap::from([(
            QueueAttributeName::MessageRetentionPeriod,
            DEAD_LETTER_RETENTION_SECONDS.to_owned(),
        )]);
        report.push("queue", &dlq_name, ensure_queue(aws, &dlq_name, dlq_attributes).await?);

        let queue_name = deployment.queue(topic);
        let queue_arn = arns.arn("sqs", &queue_name);
        let attributes =
            queue_attributes(&settings.queues, &arns.arn("sqs", &dlq_name), &queue_arn, &topic_arn);
        report.push("queue", &queue_name, ensure_queue(aws, &queue_name, attributes).await?);

        let outcome = ensure_subscription(aws, &topic_arn, &queue_arn).await?;
        report.push("subscription", format!("{topic_name} -> {queue_name}"), outcome);
    }
    Ok(report)
}

/// Deletes every resource of the deployment, objects in its buckets included.
pub async fn teardown(aws: &Aws, deployment: &Deployment) -> Result<Report, AwsError> {
    let arns = ArnPrefix::of_caller(aws).await?;
    let mut report = Report::default();
    for topic in Topic::ALL {
        let topic_name = deployment.topic(topic);
        report.push("topic", &topic_name, delete_topic(aws, &arns.arn("sns", &topic_name)).await?);
        for queue_name in [deployment.queue(topic), deployment.dead_letter_queue(topic)] {
            let outcome = delete_queue(aws, &queue_name).await?;
            report.push("queue", queue_name, outcome);
        }
    }
    for table in [deployment.annotations_table(), deployment.profiles_table()] {
        let outcome = match aws.dynamodb.delete_table().table_name(&table).send().await {
            Ok(_) => Outcome::Deleted,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => {
                Outcome::Absent
            }
            Err(e) => return Err(e).context("DeleteTable", &table),
        };
        report.push("table", table, outcome);
    }
    for bucket in [deployment.inputs_bucket(), deployment.results_bucket()] {
        let outcome = delete_bucket(aws, &bucket).await?;
        report.push("bucket", bucket, outcome);
    }
    Ok(report)
}

// ---- buckets ----

fn cors_rule(origin: &str, method: &str) -> CorsRule {
    CorsRule::builder()
        .allowed_origins(origin)
        .allowed_methods(method)
        .allowed_headers("*")
        .max_age_seconds(3000)
        .build()
        .expect("origins and methods are set")
}

async fn ensure_bucket(aws: &Aws, name: &str, cors: CorsRule) -> Result<Outcome, AwsError> {
    let s3 = &aws.s3;
    let exists = match s3.head_bucket().bucket(name).send().await {
        Ok(_) => true,
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => false,
        Err(e) => return Err(e).context("HeadBucket", name),
    };
    if !exists {
        let region = region_of(aws);
        let mut create = s3.create_bucket().bucket(name);
        // us-east-1 is the one region that refuses an explicit location constraint.
        if region != "us-east-1" {
            let location = CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region))
                .build();
            create = create.create_bucket_configuration(location);
        }
        create.send().await.context("CreateBucket", name)?;
    }

    let mut changes = Vec::new();
    let public_access_blocked = match s3.get_public_access_block().bucket(name).send().await {
        Ok(out) => out.public_access_block_configuration.is_some_and(|c| {
            [c.block_public_acls, c.ignore_public_acls, c.block_public_policy, c.restrict_public_buckets]
                .iter()
                .all(|b| *b == Some(true))
        }),
        Err(e) if code_of(&e) == "NoSuchPublicAccessBlockConfiguration" => false,
        Err(e) => return Err(e).context("GetPublicAccessBlock", name),
    };
    if !public_access_blocked {
        let all_blocked = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        s3.put_public_access_block()
            .bucket(name)
            .public_access_block_configuration(all_blocked)
            .send()
            .await
            .context("PutPublicAccessBlock", name)?;
        changes.push("public access block".to_owned());
    }

    let encrypted = match s3.get_bucket_encryption().bucket(name).send().await {
        Ok(out) => out.server_side_encryption_configuration.is_some_and(|c| !c.rules.is_empty()),
        Err(e) if code_of(&e) == "ServerSideEncryptionConfigurationNotFoundError" => false,
        Err(e) => return Err(e).context("GetBucketEncryption", name),
    };
    if !encrypted {
        let by_default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()
            .expect("set");
        let config = ServerSideEncryptionConfiguration::builder()
            .rules(
                ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(by_default)
                    .build(),
            )
            .build()
            .expect("rules are set");
        s3.put_bucket_encryption()
            .bucket(name)
            .server_side_encryption_configuration(config)
            .send()
            .await
            .context("PutBucketEncryption", name)?;
        changes.push("default encryption".to_owned());
    }

    let current_cors = match s3.get_bucket_cors().bucket(name).send().await {
        Ok(out) => out.cors_rules.unwrap_or_default(),
        Err(e) if code_of(&e) == "NoSuchCORSConfiguration" => Vec::new(),
        Err(e) => return Err(e).context("GetBucketCors", name),
    };
    if !matches!(current_cors.as_slice(), [rule] if same_cors_rule(rule, &cors)) {
        let config = CorsConfiguration::builder().cors_rules(cors).build().expect("rules are set");
        s3.put_bucket_cors()
            .bucket(name)
            .cors_configuration(config)
            .send()
            .await
            .context("PutBucketCors", name)?;
        changes.push("CORS".to_owned());
    }

    Ok(if !exists {
        Outcome::Created
    } else if changes.is_empty() {
        Outcome::Unchanged
    } else {
        Outcome::Updated(changes)
    })
}

fn same_cors_rule(a: &CorsRule, b: &CorsRule) -> bool {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    sorted(&a.allowed_origins) == sorted(&b.allowed_origins)
        && sorted(&a.allowed_methods) == sorted(&b.allowed_methods)
        && sorted(a.allowed_headers()) == sorted(b.allowed_headers())
        && a.max_age_seconds == b.max_age_seconds
}

async fn delete_bucket(aws: &Aws, name: &str) -> Result<Outcome, AwsError> {
    let s3 = &aws.s3;
    match s3.head_bucket().bucket(name).send().await {
        Ok(_) => {}
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => return Ok(Outcome::Absent),
        Err(e) => return Err(e).context("HeadBucket", name),
    }
    let mut pages = s3.list_objects_v2().bucket(name).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.context("ListObjectsV2", name)?;
        let ids: Vec<ObjectIdentifier> = page
            .contents
            .unwrap_or_default()
            .into_iter()
            .filter_map(|o| ObjectIdentifier::builder().set_key(o.key).build().ok())
            .collect();
        if !ids.is_empty() {
            let delete =
                Delete::builder().set_objects(Some(ids)).quiet(true).build().expect("objects are set");
            s3.delete_objects().bucket(name).delete(delete).send().await.context("DeleteObjects", name)?;
        }
    }
    let uploads =
        s3.list_multipart_uploads().bucket(name).send().await.context("ListMultipartUploads", name)?;
    for upload in uploads.uploads.unwrap_or_default() {
        s3.abort_multipart_upload()
            .bucket(name)
            .set_key(upload.key)
            .set_upload_id(upload.upload_id)
            .send()
            .await
            .context("AbortMultipartUpload", name)?;
    }
    s3.delete_bucket().bucket(name).send().await.context("DeleteBucket", name)?;
    Ok(Outcome::Deleted)
}

// ---- tables ----

struct TableSpec {
    name: String,
    key: &'static str,
    /// (index name, partition key, sort key) with every attribute projected.
    index: Option<(&'static str, &'static str, &'static str)>,
    /// Every key attribute with its type.
    attributes: &'static [(&'static str, ScalarAttributeType)],
}

fn annotations_table(deployment: &Deployment) -> TableSpec {
    TableSpec {
        name: deployment.annotations_table(),
        key: "job_id",
        index: Some((USER_ID_INDEX, "user_id", "submit_time")),
        attributes: &[
            ("job_id", ScalarAttributeType::S),
            ("user_id", ScalarAttributeType::S),
            ("submit_time", ScalarAttributeType::N),
        ],
    }
}

fn profiles_table(deployment: &Deployment) -> TableSpec {
    TableSpec {
        name: deployment.profiles_table(),
        key: "user_id",
        index: None,
        attributes: &[("user_id", ScalarAttributeType::S)],
    }
}

fn key_element(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .expect("name and type are set")
}

async fn ensure_table(aws: &Aws, spec: &TableSpec) -> Result<Outcome, AwsError> {
    let db = &aws.dynamodb;
    match db.describe_table().table_name(&spec.name).send().await {
        Ok(out) => {
            let Some(table) = out.table else {
                return Err(AwsError::new("DescribeTable", &spec.name, "the response describes no table"));
            };
            let key = table
                .key_schema()
                .iter()
                .find(|k| k.key_type == KeyType::Hash)
                .map(|k| k.attribute_name.as_str());
            let has_index = spec.index.is_none_or(|(index, ..)| {
                table.global_secondary_indexes().iter().any(|i| i.index_name() == Some(index))
            });
            if key != Some(spec.key) || !has_index {
                let why = format!(
                    "exists with another schema (partition key {key:?}, wanted {:?}{}); delete it or choose another deployment name",
                    spec.key,
                    spec.index.map(|(i, ..)| format!(" and index {i}")).unwrap_or_default()
                );
                return Err(AwsError::new("DescribeTable", &spec.name, why));
            }
            return Ok(Outcome::Unchanged);
        }
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => {}
        Err(e) => return Err(e).context("DescribeTable", &spec.name),
    }
    let attributes = spec.attributes.iter().map(|(name, kind)| {
        AttributeDefinition::builder()
            .attribute_name(*name)
            .attribute_type(kind.clone())
            .build()
            .expect("set")
    });
    let mut create = db
        .create_table()
        .table_name(&spec.name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key_element(spec.key, KeyType::Hash))
        .set_attribute_definitions(Some(attributes.collect()));
    if let Some((index, partition, sort)) = spec.index {
        let gsi = GlobalSecondaryIndex::builder()
            .index_name(index)
            .key_schema(key_element(partition, KeyType::Hash))
            .key_schema(key_element(sort, KeyType::Range))
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()
            .expect("name and keys are set");
        create = create.global_secondary_indexes(gsi);
    }
    create.send().await.context("CreateTable", &spec.name)?;
    wait_until_active(aws, &spec.name).await?;
    Ok(Outcome::Created)
}

async fn wait_until_active(aws: &Aws, table: &str) -> Result<(), AwsError> {
    for _ in 0..120 {
        let out =
            aws.dynamodb.describe_table().table_name(table).send().await.context("DescribeTable", table)?;
        if out.table.and_then(|t| t.table_status) == Some(TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(AwsError::new("CreateTable", table, "the table did not become ACTIVE within 60 s"))
}

// ---- topics, queues, subscriptions ----

async fn ensure_topic(aws: &Aws, name: &str, arn: &str) -> Result<Outcome, AwsError> {
    match aws.sns.get_topic_attributes().topic_arn(arn).send().await {
        Ok(_) => Ok(Outcome::Unchanged),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found_exception()) => {
            aws.sns.create_topic().name(name).send().await.context("CreateTopic", name)?;
            Ok(Outcome::Created)
        }
        Err(e) => Err(e).context("GetTopicAttributes", arn),
    }
}

async fn delete_topic(aws: &Aws, arn: &str) -> Result<Outcome, AwsError> {
    match aws.sns.get_topic_attributes().topic_arn(arn).send().await {
        Ok(_) => {}
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found_exception()) => {
            return Ok(Outcome::Absent);
        }
        Err(e) => return Err(e).context("GetTopicAttributes", arn),
    }
    // Subscriptions outlive their topic in real SNS; remove them first.
    let mut pages = aws.sns.list_subscriptions_by_topic().topic_arn(arn).into_paginator().send();
    while let Some(page) = pages.next().await {
        for sub in page.context("ListSubscriptionsByTopic", arn)?.subscriptions.unwrap_or_default() {
            if let Some(sub_arn) = sub.subscription_arn.filter(|a| a.starts_with("arn:")) {
                aws.sns
                    .unsubscribe()
                    .subscription_arn(&sub_arn)
                    .send()
                    .await
                    .context("Unsubscribe", &sub_arn)?;
            }
        }
    }
    aws.sns.delete_topic().topic_arn(arn).send().await.context("DeleteTopic", arn)?;
    Ok(Outcome::Deleted)
}

fn queue_attributes(
    settings: &QueueSettings,
    dead_letter_arn: &str,
    queue_arn: &str,
    topic_arn: &str,
) -> HashMap<QueueAttributeName, String> {
    let redrive =
        json!({ "deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": settings.max_receive_count });
    // Only this deployment's topic may send to the queue.
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "topic-delivers",
            "Effect": "Allow",
            "Principal": { "Service": "sns.amazonaws.com" },
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": { "ArnEquals": { "aws:SourceArn": topic_arn } }
        }]
    });
    HashMap::from([
        (QueueAttributeName::VisibilityTimeout, settings.visibility_timeout.as_secs().to_string()),
        (QueueAttributeName::ReceiveMessageWaitTimeSeconds, "20".to_owned()),
        (QueueAttributeName::RedrivePolicy, redrive.to_string()),
        (QueueAttributeName::Policy, policy.to_string()),
    ])
}

/// The `maxReceiveCount` of a redrive policy (SQS has returned it both as a number and as a string).
pub(crate) fn max_receive_count(redrive_policy: &str) -> Option<u32> {
    let policy: Value = serde_json::from_str(redrive_policy).ok()?;
    match &policy["maxReceiveCount"] {
        Value::Number(n) => n.as_u64().and_then(|n| n.try_into().ok()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Whether two attribute values mean the same: JSON documents compare as JSON, redrive policies by
/// their meaning, everything else as text.
fn same_attribute(name: &QueueAttributeName, current: &str, wanted: &str) -> bool {
    match name {
        QueueAttributeName::RedrivePolicy => {
            let target =
                |p: &str| serde_json::from_str::<Value>(p).ok().map(|v| v["deadLetterTargetArn"].clone());
            target(current) == target(wanted) && max_receive_count(current) == max_receive_count(wanted)
        }
        QueueAttributeName::Policy => {
            serde_json::from_str::<Value>(current).ok() == serde_json::from_str::<Value>(wanted).ok()
        }
        _ => current == wanted,
    }
}

async fn ensure_queue(
    aws: &Aws,
    name: &str,
    wanted: HashMap<QueueAttributeName, String>,
) -> Result<Outcome, AwsError> {
    let url = match aws.sqs.get_queue_url().queue_name(name).send().await {
        Ok(out) => out.queue_url.unwrap_or_default(),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_queue_does_not_exist()) => {
            aws.sqs
                .create_queue()
                .queue_name(name)
                .set_attributes(Some(wanted))
                .send()
                .await
                .context("CreateQueue", name)?;
            return Ok(Outcome::Created);
        }
        Err(e) => return Err(e).context("GetQueueUrl", name),
    };
    let current = aws
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::All)
        .send()
        .await
        .context("GetQueueAttributes", name)?
        .attributes
        .unwrap_or_default();
    let differing: HashMap<QueueAttributeName, String> = wanted
        .into_iter()
        .filter(|(attr, value)| !current.get(attr).is_some_and(|c| same_attribute(attr, c, value)))
        .collect();
    if differing.is_empty() {
        return Ok(Outcome::Unchanged);
    }
    let mut changed: Vec<String> = differing.keys().map(|a| a.as_str().to_owned()).collect();
    changed.sort();
    aws.sqs
        .set_queue_attributes()
        .queue_url(&url)
        .set_attributes(Some(differing))
        .send()
        .await
        .context("SetQueueAttributes", name)?;
    Ok(Outcome::Updated(changed))
}

async fn delete_queue(aws: &Aws, name: &str) -> Result<Outcome, AwsError> {
    match aws.sqs.get_queue_url().queue_name(name).send().await {
        Ok(out) => {
            let url = out.queue_url.unwrap_or_default();
            aws.sqs.delete_queue().queue_url(url).send().await.context("DeleteQueue", name)?;
            Ok(Outcome::Deleted)
        }
        Err(e) if e.as_service_error().is_some_and(|s| s.is_queue_does_not_exist()) => Ok(Outcome::Absent),
        Err(e) => Err(e).context("GetQueueUrl", name),
    }
}

async fn ensure_subscription(aws: &Aws, topic_arn: &str, queue_arn: &str) -> Result<Outcome, AwsError> {
    let mut pages = aws.sns.list_subscriptions_by_topic().topic_arn(topic_arn).into_paginator().send();
    while let Some(page) = pages.next().await {
        let subscriptions =
            page.context("ListSubscriptionsByTopic", topic_arn)?.subscriptions.unwrap_or_default();
        if subscriptions.iter().any(|s| s.protocol() == Some("sqs") && s.endpoint() == Some(queue_arn)) {
            return Ok(Outcome::Unchanged);
        }
    }
    aws.sns
        .subscribe()
        .topic_arn(topic_arn)
        .protocol("sqs")
        .endpoint(queue_arn)
        .send()
        .await
        .context("Subscribe", topic_arn)?;
    Ok(Outcome::Created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_receive_count_reads_numbers_and_strings() {
        assert_eq!(max_receive_count(r#"{"deadLetterTargetArn":"a","maxReceiveCount":5}"#), Some(5));
        assert_eq!(max_receive_count(r#"{"deadLetterTargetArn":"a","maxReceiveCount":"7"}"#), Some(7));
        assert_eq!(max_receive_count("not json"), None);
    }

    #[test]
    fn policies_compare_as_json() {
        let name = QueueAttributeName::Policy;
        assert!(same_attribute(&name, r#"{"a": 1, "b": [2]}"#, r#"{"b":[2],"a":1}"#));
        assert!(!same_attribute(&name, r#"{"a": 1}"#, r#"{"a": 2}"#));
        let redrive = QueueAttributeName::RedrivePolicy;
        assert!(same_attribute(
            &redrive,
            r#"{"deadLetterTargetArn":"x","maxReceiveCount":"5"}"#,
            r#"{"deadLetterTargetArn":"x","maxReceiveCount":5}"#
        ));
    }
}
