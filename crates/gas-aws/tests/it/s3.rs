use gas_aws::Bucket;
use gas_testkit::{TestDeployment, fast_queues};

/// A file larger than one part goes up in parts and comes back byte for byte.
#[tokio::test]
async fn large_files_upload_in_parts_and_download_intact() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let bucket = Bucket::new(&t.aws, t.deployment.results_bucket()).with_part_size(5 * 1024 * 1024);
    let dir = std::env::temp_dir().join(format!("gas-s3-{}", t.deployment.name()));
    std::fs::create_dir_all(&dir).unwrap();
    let upload = dir.join("up.vcf");
    // 12 MiB of varied bytes: three parts, the last one short.
    let content: Vec<u8> =
        (0..12 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    std::fs::write(&upload, &content).unwrap();

    bucket.upload_file("u/j~big.annot.vcf", &upload, "text/plain").await.unwrap();
    let opened = bucket.open("u/j~big.annot.vcf").await.unwrap().unwrap();
    assert_eq!(opened.size, content.len() as u64, "the size is known before the body is read");
    drop(opened);
    let head = t.aws.s3.head_object().bucket(bucket.name()).key("u/j~big.annot.vcf").send().await.unwrap();
    assert!(head.e_tag().unwrap().ends_with("-3\""), "multipart ETag expected, got {:?}", head.e_tag());

    let download = dir.join("down.vcf");
    let written = bucket.download_to_file("u/j~big.annot.vcf", &download).await.unwrap();
    assert_eq!(written, Some(content.len() as u64));
    assert!(std::fs::read(&download).unwrap() == content, "downloaded bytes differ");

    assert_eq!(bucket.download_to_file("u/j~missing.vcf", &download).await.unwrap(), None);
    assert!(bucket.open("u/j~missing.vcf").await.unwrap().is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn small_files_go_up_in_one_request() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let bucket = Bucket::new(&t.aws, t.deployment.results_bucket());
    let path = std::env::temp_dir().join(format!("gas-s3-small-{}.log", t.deployment.name()));
    std::fs::write(&path, "Total: 3\n").unwrap();
    bucket.upload_file("u/j~x.count.log", &path, "text/plain").await.unwrap();
    assert_eq!(bucket.get_bytes("u/j~x.count.log").await.unwrap().as_deref(), Some(&b"Total: 3\n"[..]));
    let head = t.aws.s3.head_object().bucket(bucket.name()).key("u/j~x.count.log").send().await.unwrap();
    assert_eq!(head.content_type(), Some("text/plain"));
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn every_request_is_counted_by_operation() {
    let t = TestDeployment::new(fast_queues(5, 30)).await;
    let aws = gas_aws::Aws::new(t.aws.sdk.clone());
    let bucket = Bucket::new(&aws, t.deployment.results_bucket());
    bucket.put_bytes("u/j~c.count.log", b"Total: 1\n".to_vec(), "text/plain").await.unwrap();
    bucket.get_bytes("u/j~c.count.log").await.unwrap();
    bucket.get_bytes("u/j~absent.log").await.unwrap();
    let table = gas_aws::AnnotationsTable::new(&aws, t.deployment.annotations_table());
    table.get(&gas_core::JobId::new()).await.unwrap();

    let counts: Vec<(String, u64)> = aws.requests.snapshot().into_iter().collect();
    let expected = [("DynamoDB.GetItem", 1), ("S3.GetObject", 2), ("S3.PutObject", 1)];
    assert_eq!(counts, expected.map(|(op, n)| (op.to_owned(), n)));
    assert_eq!(aws.requests.total(), 4);
}
