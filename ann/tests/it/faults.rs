//! Transient AWS faults the local cloud cannot produce (throttling), injected into otherwise real calls:
//! a job is retried through SQS, never failed, until its last allowed delivery.

use aws_sdk_s3::error::ErrorMetadata;
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::put_object::PutObjectError;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock};
use gas_aws::Bucket;
use gas_core::messages::JobResult;
use gas_core::{JobStatus, Topic};

use crate::pipeline::{Stack, expected_output};

/// S3's throttling answer, which the SDK retries with backoff before giving up.
fn slow_down() -> ErrorMetadata {
    ErrorMetadata::builder().code("SlowDown").message("Please reduce your request rate.").build()
}

/// The annotator's S3 client with `rule` in front of the real endpoint; calls it does not match (and
/// calls after it is used up) reach the local cloud.
fn throttled_s3(aws: &gas_aws::Aws, rule: &Rule) -> gas_aws::Aws {
    let faults =
        MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny).with_rule(rule).allow_passthrough();
    let config =
        aws_sdk_s3::config::Builder::from(&aws.sdk).force_path_style(true).interceptor(faults).build();
    gas_aws::Aws { s3: aws_sdk_s3::Client::from_conf(config), ..aws.clone() }
}

#[tokio::test]
async fn a_throttled_upload_is_retried_through_the_queue_and_completes_once() {
    // Every SDK attempt of the first result upload is throttled (3 attempts); later uploads go through.
    let rule = mock!(aws_sdk_s3::Client::put_object)
        .sequence()
        .error(|| PutObjectError::generic(slow_down()))
        .times(3)
        .build();
    let stack = Stack::start_with(|a| {
        a.aws = throttled_s3(&a.aws, &rule);
        a.results = Bucket::new(&a.aws, a.results.name());
    })
    .await;
    let input = std::fs::read(crate::testdata("anntools/test.vcf")).unwrap();
    let job_id = stack.submit("busy-user", "test.vcf", input.clone()).await;

    let job = stack.ended(&job_id).await;
    assert_eq!(job.job_status, JobStatus::Completed, "{:?}", job.failure_reason);
    assert!(rule.is_exhausted(), "the upload was throttled {} times", rule.num_calls());
    let results = Bucket::new(&stack.t.aws, job.s3_results_bucket.clone().unwrap());
    let stored = results.get_bytes(job.s3_key_result_file.as_deref().unwrap()).await.unwrap().unwrap();
    assert!(stored == expected_output(&input).0, "the retried job's result is the right one");
    let results: Vec<JobResult> = stack.drain(Topic::JobResults).await;
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].job_status, JobStatus::Completed);
    stack.stop().await;
}

#[tokio::test]
async fn a_download_throttled_on_every_delivery_fails_the_job_on_its_last_one() {
    let rule = mock!(aws_sdk_s3::Client::get_object)
        .sequence()
        .error(|| GetObjectError::generic(slow_down()))
        .repeatedly()
        .build();
    let stack = Stack::start_with(|a| a.aws = throttled_s3(&a.aws, &rule)).await;
    let input = std::fs::read(crate::testdata("anntools/free_1.vcf")).unwrap();
    let job_id = stack.submit("unlucky-user", "free_1.vcf", input).await;

    let job = stack.ended(&job_id).await;
    assert_eq!(job.job_status, JobStatus::Failed);
    assert_eq!(job.failure_reason.as_deref(), Some("the job could not be processed; please resubmit it"));
    // 3 deliveries (the queue's max receive count) of 3 SDK attempts each.
    assert_eq!(rule.num_calls(), 9);
    stack.dead_letters(1).await;
    let results: Vec<JobResult> = stack.drain(Topic::JobResults).await;
    assert_eq!(results.iter().map(|r| r.job_status).collect::<Vec<_>>(), [JobStatus::Failed]);
    stack.stop().await;
}
