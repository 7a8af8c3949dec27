use aws_sdk_dynamodb::types::{KeyType, ProjectionType};
use aws_sdk_s3::types::ServerSideEncryption;
use aws_sdk_sqs::types::QueueAttributeName;
use gas_aws::provision::{Outcome, ProvisionSettings, provision, teardown};
use gas_core::Topic;
use gas_testkit::{TestDeployment, WEB_ORIGIN, fast_queues};
use serde_json::Value;

#[tokio::test]
async fn second_provision_changes_nothing_and_resources_have_their_attributes() {
    let queues = fast_queues(4, 7);
    let t = TestDeployment::new(queues).await;
    let (aws, d) = (&t.aws, &t.deployment);

    // 2 buckets, 2 tables, and per topic: topic, DLQ, queue, subscription.
    assert_eq!(t.report.steps.len(), 2 + 2 + 5 * 4);
    assert!(t.report.steps.iter().all(|s| s.outcome == Outcome::Created), "{}", t.report);

    let settings = ProvisionSettings { queues, web_origin: WEB_ORIGIN.to_owned() };
    let again = provision(aws, d, &settings).await.unwrap();
    assert!(!again.changed(), "second run changed something:\n{again}");
    assert!(again.steps.iter().all(|s| s.outcome == Outcome::Unchanged));
    assert_eq!(again.steps.len(), t.report.steps.len());

    // Buckets: public access blocked, encrypted by default, CORS for the web origin.
    for (bucket, method) in [(d.inputs_bucket(), "POST"), (d.results_bucket(), "GET")] {
        let pab = aws.s3.get_public_access_block().bucket(&bucket).send().await.unwrap();
        let pab = pab.public_access_block_configuration.unwrap();
        assert_eq!(
            (
                pab.block_public_acls,
                pab.ignore_public_acls,
                pab.block_public_policy,
                pab.restrict_public_buckets
            ),
            (Some(true), Some(true), Some(true), Some(true)),
            "{bucket}"
        );
        let enc = aws.s3.get_bucket_encryption().bucket(&bucket).send().await.unwrap();
        let rule = &enc.server_side_encryption_configuration.unwrap().rules[0];
        let algorithm = &rule.apply_server_side_encryption_by_default.as_ref().unwrap().sse_algorithm;
        assert_eq!(algorithm, &ServerSideEncryption::Aes256, "{bucket}");
        let cors = aws.s3.get_bucket_cors().bucket(&bucket).send().await.unwrap().cors_rules.unwrap();
        assert_eq!(cors.len(), 1, "{bucket}");
        assert_eq!(cors[0].allowed_origins, vec![WEB_ORIGIN.to_owned()]);
        assert_eq!(cors[0].allowed_methods, vec![method.to_owned()]);
    }

    // The annotations table: job_id key, user_id_index on (user_id, submit_time).
    let table =
        aws.dynamodb.describe_table().table_name(d.annotations_table()).send().await.unwrap().table.unwrap();
    let key: Vec<_> =
        table.key_schema().iter().map(|k| (k.attribute_name.as_str(), k.key_type.clone())).collect();
    assert_eq!(key, [("job_id", KeyType::Hash)]);
    let index = &table.global_secondary_indexes()[0];
    assert_eq!(index.index_name(), Some("user_id_index"));
    let index_key: Vec<_> =
        index.key_schema().iter().map(|k| (k.attribute_name.as_str(), k.key_type.clone())).collect();
    assert_eq!(index_key, [("user_id", KeyType::Hash), ("submit_time", KeyType::Range)]);
    assert_eq!(index.projection().unwrap().projection_type(), Some(&ProjectionType::All));
    let profiles =
        aws.dynamodb.describe_table().table_name(d.profiles_table()).send().await.unwrap().table.unwrap();
    assert_eq!(profiles.key_schema()[0].attribute_name, "user_id");

    // Queues: visibility timeout, redrive to their own DLQ, a policy that lets only their topic send.
    for topic in Topic::ALL {
        let url = aws.sqs.get_queue_url().queue_name(d.queue(topic)).send().await.unwrap().queue_url.unwrap();
        let attrs = aws
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::All)
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap();
        assert_eq!(attrs[&QueueAttributeName::VisibilityTimeout], "7");
        let redrive: Value = serde_json::from_str(&attrs[&QueueAttributeName::RedrivePolicy]).unwrap();
        assert!(
            redrive["deadLetterTargetArn"]
                .as_str()
                .unwrap()
                .ends_with(&format!(":{}", d.dead_letter_queue(topic)))
        );
        assert_eq!(redrive["maxReceiveCount"].to_string().trim_matches('"'), "4");
        let policy: Value = serde_json::from_str(&attrs[&QueueAttributeName::Policy]).unwrap();
        let statement = &policy["Statement"][0];
        assert_eq!(statement["Principal"]["Service"], "sns.amazonaws.com");
        assert_eq!(statement["Action"], "sqs:SendMessage");
        let source = statement["Condition"]["ArnEquals"]["aws:SourceArn"].as_str().unwrap();
        assert!(source.ends_with(&format!(":{}", d.topic(topic))), "{source}");
    }
}

#[tokio::test]
async fn changed_settings_update_only_the_queues() {
    let t = TestDeployment::new(fast_queues(5, 60)).await;
    let settings = ProvisionSettings { queues: fast_queues(3, 60), web_origin: WEB_ORIGIN.to_owned() };
    let report = provision(&t.aws, &t.deployment, &settings).await.unwrap();
    let updated: Vec<_> = report.steps.iter().filter(|s| s.outcome != Outcome::Unchanged).collect();
    assert_eq!(updated.len(), 5, "{report}");
    for step in updated {
        assert_eq!(step.kind, "queue");
        assert_eq!(step.outcome, Outcome::Updated(vec!["RedrivePolicy".to_owned()]));
    }
}

#[tokio::test]
async fn teardown_removes_everything_and_a_second_teardown_finds_nothing() {
    let t = TestDeployment::new(fast_queues(5, 60)).await;
    let (aws, d) = (&t.aws, &t.deployment);
    aws.s3
        .put_object()
        .bucket(d.inputs_bucket())
        .key("u/j~a.vcf")
        .body(b"x".to_vec().into())
        .send()
        .await
        .unwrap();

    let report = teardown(aws, d).await.unwrap();
    assert!(report.steps.iter().all(|s| s.outcome == Outcome::Deleted), "{report}");
    assert_eq!(report.steps.len(), 5 * 3 + 2 + 2);
    assert!(aws.s3.head_bucket().bucket(d.inputs_bucket()).send().await.is_err());
    assert!(aws.sqs.get_queue_url().queue_name(d.queue(Topic::Thaw)).send().await.is_err());

    let again = teardown(aws, d).await.unwrap();
    assert!(again.steps.iter().all(|s| s.outcome == Outcome::Absent), "{again}");
}
