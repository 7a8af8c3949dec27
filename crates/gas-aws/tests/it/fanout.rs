use std::time::Duration;

use gas_aws::{Publisher, Queue};
use gas_core::Topic;
use gas_core::messages::{
    ArchiveRequest, JobRequest, JobResult, Message, RestoreRequest, ThawRequest, Version,
};
use gas_core::{JobId, JobStatus, Timestamp, UserId};
use gas_testkit::{TestDeployment, fast_queues};

fn user() -> UserId {
    "fanout-user".parse().unwrap()
}

async fn publish_one(publisher: &Publisher, topic: Topic, job_id: JobId) {
    let at = Timestamp::from_unix_seconds(1_700_000_000);
    match topic {
        Topic::JobRequests => {
            publish(
                publisher,
                &JobRequest {
                    version: Version,
                    job_id,
                    user_id: user(),
                    input_file_name: "a.vcf".into(),
                    s3_inputs_bucket: "b".into(),
                    s3_key_input_file: "k".into(),
                    submit_time: at,
                },
            )
            .await
        }
        Topic::JobResults => {
            publish(
                publisher,
                &JobResult {
                    version: Version,
                    job_id,
                    user_id: user(),
                    job_status: JobStatus::Completed,
                    complete_time: at,
                },
            )
            .await
        }
        Topic::Archive => {
            publish(
                publisher,
                &ArchiveRequest { version: Version, job_id, user_id: user(), complete_time: at },
            )
            .await
        }
        Topic::Restore => publish(publisher, &RestoreRequest { version: Version, user_id: user() }).await,
        Topic::Thaw => {
            publish(
                publisher,
                &ThawRequest {
                    version: Version,
                    job_id,
                    user_id: user(),
                    archive_id: "a".into(),
                    retrieval_job_id: "r".into(),
                },
            )
            .await
        }
    }
}

async fn publish<M: Message>(publisher: &Publisher, message: &M) {
    publisher.publish(message).await.unwrap();
}

#[tokio::test]
async fn each_topic_delivers_to_exactly_its_own_queue() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let publisher = Publisher::connect(&t.aws, &t.deployment).await.unwrap();
    let mut queues = Vec::new();
    for topic in Topic::ALL {
        queues.push((topic, Queue::connect(&t.aws, &t.deployment, topic).await.unwrap()));
    }

    for topic in Topic::ALL {
        let job_id = JobId::new();
        publish_one(&publisher, topic, job_id).await;
        for (queue_topic, queue) in &queues {
            let received = queue
                .receive(10, Duration::from_secs(if *queue_topic == topic { 5 } else { 0 }))
                .await
                .unwrap();
            if *queue_topic == topic {
                assert_eq!(received.len(), 1, "{topic} should reach {}", queue.name());
                // SNS wraps the message in its envelope; the published JSON is inside, with its version.
                let envelope: serde_json::Value = serde_json::from_str(&received[0].body).unwrap();
                let inner: serde_json::Value =
                    serde_json::from_str(envelope["Message"].as_str().unwrap()).unwrap();
                assert_eq!(inner["version"], 1);
                assert_eq!(envelope["TopicArn"], publisher.topic_arn(topic));
                queue.delete(&received[0].receipt_handle).await.unwrap();
            } else {
                assert!(received.is_empty(), "{topic} leaked into {}", queue.name());
            }
        }
    }
}
