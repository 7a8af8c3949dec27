//! Helpers for tests that talk to the local AWS stand-in (moto in server mode). `cargo xtask test`
//! starts it and exports `AWS_ENDPOINT_URL`; to run tests by hand, start it with `cargo xtask moto` and
//! export what it prints.
//!
//! Each test gets its own deployment name, so tests run in parallel against one stand-in without
//! seeing each other's buckets, tables, topics or queues.

use std::time::Duration;

use aws_config::{BehaviorVersion, Region};
use aws_sdk_sts::config::Credentials;
use gas_aws::Aws;
use gas_aws::provision::{ProvisionSettings, Report, provision};
use gas_core::config::{Deployment, QueueSettings};

pub const REGION: &str = "us-east-1";

/// The stand-in's endpoint. Refuses anything but loopback, so a test can never touch a real account.
pub fn endpoint() -> String {
    let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_default();
    let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"];
    assert!(
        loopback.iter().any(|p| endpoint.starts_with(p)),
        "AWS_ENDPOINT_URL is {endpoint:?}: these tests need the local AWS stand-in. Run `cargo xtask test`, or \
         start it with `cargo xtask moto` and export the variables it prints."
    );
    endpoint
}

/// The environment a child process (a GAS binary under test) needs to reach the stand-in.
pub fn child_env(deployment: &Deployment) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", endpoint()),
        ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
        ("AWS_REGION", REGION.to_owned()),
        ("GAS_DEPLOYMENT", deployment.name().to_owned()),
        // Keep child processes from trying instance metadata or profile files.
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
        ("AWS_CONFIG_FILE", "/dev/null".to_owned()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_owned()),
    ]
}

/// SDK clients pointed at the stand-in, with fixed test credentials.
pub async fn aws() -> Aws {
    init_logging();
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "gas-testkit"))
        .load()
        .await;
    Aws::new(sdk)
}

/// A deployment name no other test uses.
pub fn unique_deployment() -> Deployment {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    Deployment::new(&format!("t-{}", &suffix[..12])).expect("valid deployment name")
}

/// Queue settings for tests: short visibility timeouts so redelivery happens in seconds.
pub fn fast_queues(max_receive_count: u32, visibility_seconds: u64) -> QueueSettings {
    QueueSettings { max_receive_count, visibility_timeout: Duration::from_secs(visibility_seconds) }
}

pub const WEB_ORIGIN: &str = "http://localhost:8080";

/// A freshly provisioned deployment of its own.
pub struct TestDeployment {
    pub aws: Aws,
    pub deployment: Deployment,
    pub report: Report,
}

impl TestDeployment {
    pub async fn new(queues: QueueSettings) -> Self {
        let aws = aws().await;
        let deployment = unique_deployment();
        let settings = ProvisionSettings { queues, web_origin: WEB_ORIGIN.to_owned() };
        let report = provision(&aws, &deployment, &settings).await.expect("provisioning a test deployment");
        Self { aws, deployment, report }
    }
}

/// Polls `check` every 100 ms until it returns `Some`, or panics after `timeout` naming `what`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out after {timeout:?} waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Shows the code under test's logs in a failing test's output (`RUST_LOG` filters, default warn).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
}

/// Every message waiting on `queue` (fed by an SNS topic), unwrapped from its SNS envelope and parsed,
/// deleting each: what a test reads to see what was published, and how often.
pub async fn drain<M: serde::de::DeserializeOwned>(queue: &gas_aws::Queue) -> Vec<M> {
    let mut all = Vec::new();
    loop {
        let batch = queue.receive(10, Duration::from_secs(1)).await.unwrap();
        if batch.is_empty() {
            return all;
        }
        for m in batch {
            let envelope: serde_json::Value = serde_json::from_str(&m.body).unwrap();
            let message = envelope["Message"].as_str().expect("an SNS envelope");
            all.push(serde_json::from_str(message).unwrap());
            queue.delete(&m.receipt_handle).await.unwrap();
        }
    }
}
