//! SIGTERM against a real process: this test binary starts itself again as a worker (see
//! [`worker_process`]) and signals it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use gas_aws::{Aws, Queue};
use gas_core::Topic;
use gas_core::config::{Deployment, WorkerConfig};
use gas_testkit::{TestDeployment, child_env, eventually, fast_queues};
use gas_worker::{Worker, shutdown_signal};

use crate::probe::{Probe, Recorder, publish_all};

/// Not a test: the body of the child process the SIGTERM tests start. It does nothing when run by hand.
#[test]
#[ignore = "entry point of the worker process started by the SIGTERM tests"]
fn worker_process() {
    let Ok(markers) = std::env::var("GAS_TEST_MARKER_DIR") else { return };
    gas_core::telemetry::init();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let aws = Aws::from_env().await;
        let deployment = Deployment::from_env().unwrap();
        let queue = Queue::connect(&aws, &deployment, Topic::Archive).await.unwrap();
        let recorder = Recorder { markers: Some(PathBuf::from(markers)), ..Recorder::default() };
        Worker::new(queue, recorder, WorkerConfig::from_env().unwrap()).run(shutdown_signal()).await.unwrap();
    });
}

struct Child {
    process: std::process::Child,
    markers: PathBuf,
}

impl Child {
    fn start(t: &TestDeployment, drain_seconds: u64) -> Self {
        let markers = std::env::temp_dir().join(format!("gas-worker-{}", t.deployment.name()));
        std::fs::create_dir_all(&markers).unwrap();
        let process = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "shutdown::worker_process", "--ignored", "--nocapture"])
            .envs(child_env(&t.deployment))
            .env("GAS_TEST_MARKER_DIR", &markers)
            .env("GAS_DRAIN_SECONDS", drain_seconds.to_string())
            .env("GAS_WORKER_CONCURRENCY", "2")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        Self { process, markers }
    }

    fn marker(&self, name: &str) -> bool {
        Path::new(&self.markers).join(name).exists()
    }

    fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.process.id().to_string()]).status().unwrap();
        assert!(status.success());
    }

    async fn wait(&mut self, limit: Duration) -> ExitStatus {
        eventually(limit, "the worker process to exit", || {
            let status = self.process.try_wait().unwrap();
            async move { status }
        })
        .await
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.markers);
    }
}

#[tokio::test]
async fn sigterm_lets_a_running_handler_finish_and_exits_zero() {
    let t = TestDeployment::new(fast_queues(3, 30)).await;
    let mut child = Child::start(&t, 10);
    publish_all(&t, [Probe { sleep_ms: 2000, ..Probe::new(1) }]).await;
    eventually(Duration::from_secs(30), "the handler to start", || async {
        child.marker("started-1").then_some(())
    })
    .await;

    child.terminate();
    let status = child.wait(Duration::from_secs(15)).await;
    assert!(status.success(), "exit status {status}");
    assert!(child.marker("finished-1"), "the running handler was cut short");
    let queue = Queue::connect(&t.aws, &t.deployment, Topic::Archive).await.unwrap();
    assert_eq!(queue.depth().await.unwrap(), (0, 0), "the finished message was not deleted");
}

#[tokio::test]
async fn sigterm_releases_a_handler_that_outlasts_the_drain_time() {
    // A 30 s visibility timeout: the message can only be back within seconds if it was released.
    let t = TestDeployment::new(fast_queues(3, 30)).await;
    let mut child = Child::start(&t, 1);
    publish_all(&t, [Probe { sleep_ms: 120_000, ..Probe::new(2) }]).await;
    eventually(Duration::from_secs(30), "the handler to start", || async {
        child.marker("started-2").then_some(())
    })
    .await;

    let signalled = Instant::now();
    child.terminate();
    let status = child.wait(Duration::from_secs(10)).await;
    assert!(status.success(), "exit status {status}");
    assert!(!child.marker("finished-2"));
    let exit_after = signalled.elapsed();
    assert!(
        exit_after < Duration::from_secs(6),
        "exited {exit_after:?} after SIGTERM with a 1 s drain limit"
    );

    let queue = Queue::connect(&t.aws, &t.deployment, Topic::Archive).await.unwrap();
    let back = queue.receive(1, Duration::from_secs(5)).await.unwrap();
    assert_eq!(back.len(), 1, "the unfinished message was not released");
    assert_eq!(back[0].receive_count, 2);
}
