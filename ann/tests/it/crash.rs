//! The real gas-annotator binary dies at a named step (as `kill -9` would: `abort`, no clean-up); a
//! fresh one finishes the job: COMPLETED once, results correct, each message published once.

use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

use gas_aws::Bucket;
use gas_core::messages::{ArchiveRequest, JobResult};
use gas_core::{JobStatus, Topic};
use gas_testkit::{child_env, eventually};

use crate::pipeline::{Stack, expected_output};

fn annotator(stack: &Stack, failpoint: Option<&str>, name: &str) -> Child {
    let work_dir = std::env::temp_dir().join(format!("gas-annotator-{}-{name}", stack.t.deployment.name()));
    Command::new(env!("CARGO_BIN_EXE_gas-annotator"))
        .envs(child_env(&stack.t.deployment))
        .env("GAS_ANNOTATION_BUNDLE", crate::demo_bundle())
        .env("GAS_ANNOTATOR_WORK_DIR", work_dir)
        .env("GAS_FAILPOINT", failpoint.unwrap_or(""))
        .env("GAS_DRAIN_SECONDS", "5")
        .env("GAS_PUBLISH_LEASE_SECONDS", "2")
        .spawn()
        .unwrap()
}

async fn exit_of(child: &mut Child, limit: Duration) -> ExitStatus {
    eventually(limit, "the annotator to exit", || {
        let status = child.try_wait().unwrap();
        async move { status }
    })
    .await
}

async fn survives_a_crash_at(step: &str) {
    let stack = Stack::without_annotator().await;
    let input = std::fs::read(crate::testdata("anntools/free_1.vcf")).unwrap();
    let job_id = stack.submit("crash-user", "free_1.vcf", input.clone()).await;

    let mut doomed = annotator(&stack, Some(step), "doomed");
    let died = exit_of(&mut doomed, Duration::from_secs(60)).await;
    assert!(!died.success() && died.code().is_none(), "{step}: expected death by signal, got {died}");

    let mut healthy = annotator(&stack, None, "healthy");
    let job = stack.ended(&job_id).await;
    Command::new("kill").args(["-TERM", &healthy.id().to_string()]).status().unwrap();
    assert!(exit_of(&mut healthy, Duration::from_secs(20)).await.success(), "{step}: SIGTERM must exit 0");

    assert_eq!(job.job_status, JobStatus::Completed, "{step}");
    let results = Bucket::new(&stack.t.aws, job.s3_results_bucket.clone().unwrap());
    let (vcf, log) = expected_output(&input);
    assert!(
        results.get_bytes(job.s3_key_result_file.as_deref().unwrap()).await.unwrap().unwrap() == vcf,
        "{step}"
    );
    assert_eq!(
        results.get_bytes(job.s3_key_log_file.as_deref().unwrap()).await.unwrap().unwrap(),
        log.into_bytes()
    );
    let published: Vec<JobResult> = stack.drain(Topic::JobResults).await;
    assert_eq!(published.len(), 1, "{step}: job_results published {} times", published.len());
    assert_eq!(stack.drain::<ArchiveRequest>(Topic::Archive).await.len(), 1, "{step}");
    stack.stop().await;
}

#[tokio::test]
async fn a_crash_while_annotating_is_recovered() {
    survives_a_crash_at("annotating").await;
}

#[tokio::test]
async fn a_crash_after_upload_before_completion_is_recovered() {
    survives_a_crash_at("uploaded").await;
}

#[tokio::test]
async fn a_crash_after_completion_before_publishing_is_recovered() {
    survives_a_crash_at("finished").await;
}
