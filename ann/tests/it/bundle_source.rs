use gas_ann::bundle_source::local_bundle;
use gas_aws::Bucket;
use gas_engine::Bundle;
use gas_testkit::{TestDeployment, fast_queues};

#[tokio::test]
async fn a_bundle_in_s3_is_downloaded_once_checked_and_reused() {
    let t = TestDeployment::new(fast_queues(3, 30)).await;
    let bucket = Bucket::new(&t.aws, t.deployment.results_bucket());
    let demo = crate::demo_bundle();
    for file in ["manifest.json", "bundle.gas"] {
        bucket
            .upload_file(&format!("bundles/demo/{file}"), &demo.join(file), "application/octet-stream")
            .await
            .unwrap();
    }
    let cache = std::env::temp_dir().join(format!("gas-bundles-{}", t.deployment.name()));
    let source = format!("s3://{}/bundles/demo", bucket.name());

    let dir = local_bundle(&t.aws, &source, &cache).await.unwrap();
    let bundle = Bundle::open(&dir).unwrap();
    bundle.verify().unwrap();
    assert_eq!(bundle.manifest, Bundle::open(&demo).unwrap().manifest);
    let modified = std::fs::metadata(dir.join("bundle.gas")).unwrap().modified().unwrap();

    // Started again: the cached copy is reused, not downloaded again.
    assert_eq!(local_bundle(&t.aws, &format!("{source}/"), &cache).await.unwrap(), dir);
    assert_eq!(std::fs::metadata(dir.join("bundle.gas")).unwrap().modified().unwrap(), modified);

    // A local directory is used as it is.
    assert_eq!(local_bundle(&t.aws, demo.to_str().unwrap(), &cache).await.unwrap(), demo);
    std::fs::remove_dir_all(&cache).unwrap();
}

#[tokio::test]
async fn a_damaged_download_is_refused() {
    let t = TestDeployment::new(fast_queues(3, 30)).await;
    let bucket = Bucket::new(&t.aws, t.deployment.results_bucket());
    let demo = crate::demo_bundle();
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(demo.join("manifest.json")).unwrap()).unwrap();
    manifest["data"]["sha256"] = serde_json::json!("0".repeat(64));
    bucket
        .put_bytes("b/manifest.json", serde_json::to_vec(&manifest).unwrap(), "application/json")
        .await
        .unwrap();
    bucket.put_bytes("b/bundle.gas", b"not the bundle".to_vec(), "application/octet-stream").await.unwrap();
    let cache = std::env::temp_dir().join(format!("gas-bundles-{}", t.deployment.name()));

    let err = local_bundle(&t.aws, &format!("s3://{}/b/", bucket.name()), &cache).await.unwrap_err();
    assert!(err.contains("the downloaded bundle's SHA-256 is"), "{err}");
    assert!(!cache.join("0".repeat(64)).join("bundle.gas").exists());
    let missing =
        local_bundle(&t.aws, &format!("s3://{}/nothing/", bucket.name()), &cache).await.unwrap_err();
    assert!(missing.ends_with("no manifest.json there"), "{missing}");
    let _ = std::fs::remove_dir_all(&cache);
}
