use gas_aws::{AnnotationsTable, JobSubmission, Publisher, Queue, SubmitError, Submitted, submit_job};
use gas_core::keys::sanitize_file_name;
use gas_core::messages::JobRequest;
use gas_core::{JobId, JobStatus, Topic, UserId};
use gas_testkit::{TestDeployment, drain, fast_queues};

fn submission(t: &TestDeployment, job_id: JobId, user: &str) -> JobSubmission {
    let user_id: UserId = user.parse().unwrap();
    let name = sanitize_file_name("free_1.vcf").unwrap();
    JobSubmission {
        job_id,
        s3_key_input_file: format!("{user_id}/{job_id}~{name}"),
        user_id,
        input_file_name: name,
        s3_inputs_bucket: t.deployment.inputs_bucket(),
    }
}

#[tokio::test]
async fn submitting_the_same_job_twice_makes_one_row_and_one_message() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let table = AnnotationsTable::new(&t.aws, t.deployment.annotations_table());
    let publisher = Publisher::connect(&t.aws, &t.deployment).await.unwrap();
    let queue = Queue::connect(&t.aws, &t.deployment, Topic::JobRequests).await.unwrap();
    let job_id = JobId::new();

    let first = submit_job(&table, &publisher, submission(&t, job_id, "alice")).await.unwrap();
    let second = submit_job(&table, &publisher, submission(&t, job_id, "alice")).await.unwrap();
    assert!(matches!(first, Submitted::New(_)));
    assert!(matches!(second, Submitted::Again(_)));
    assert_eq!(first.job(), second.job());

    let row = table.get(&job_id).await.unwrap().unwrap();
    assert_eq!(row.job_status, JobStatus::Pending);
    assert_eq!(row.input_file_name, "free_1.vcf");
    assert!(row.request_published_time.is_some());
    assert_eq!(table.list_for_user(&"alice".parse().unwrap()).await.unwrap().len(), 1);

    let messages = drain::<JobRequest>(&queue).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].job_id, job_id);
    assert_eq!(messages[0].s3_key_input_file, row.s3_key_input_file);
    assert_eq!(messages[0].submit_time, row.submit_time);
}

#[tokio::test]
async fn a_submission_interrupted_before_publishing_is_finished_by_the_retry() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let table = AnnotationsTable::new(&t.aws, t.deployment.annotations_table());
    let publisher = Publisher::connect(&t.aws, &t.deployment).await.unwrap();
    let queue = Queue::connect(&t.aws, &t.deployment, Topic::JobRequests).await.unwrap();
    let job_id = JobId::new();

    // The first attempt wrote the row and died before publishing.
    let s = submission(&t, job_id, "bob");
    let mut row = submit_job(&table, &publisher, s.clone()).await.unwrap().job().clone();
    drain::<JobRequest>(&queue).await;
    row.request_published_time = None;
    t.aws
        .dynamodb
        .put_item()
        .table_name(table.name())
        .set_item(Some(serde_dynamo::to_item(&row).unwrap()))
        .send()
        .await
        .unwrap();

    let retried = submit_job(&table, &publisher, s).await.unwrap();
    assert!(matches!(retried, Submitted::Again(_)));
    assert_eq!(drain::<JobRequest>(&queue).await.len(), 1);
    assert!(table.get(&job_id).await.unwrap().unwrap().request_published_time.is_some());
}

#[tokio::test]
async fn reusing_a_job_id_for_another_user_is_refused() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let table = AnnotationsTable::new(&t.aws, t.deployment.annotations_table());
    let publisher = Publisher::connect(&t.aws, &t.deployment).await.unwrap();
    let job_id = JobId::new();
    submit_job(&table, &publisher, submission(&t, job_id, "carol")).await.unwrap();
    let err = submit_job(&table, &publisher, submission(&t, job_id, "mallory")).await.unwrap_err();
    assert!(matches!(err, SubmitError::Conflict(id) if id == job_id));
    assert_eq!(table.get(&job_id).await.unwrap().unwrap().user_id.as_str(), "carol");
}
