//! A message type and handler whose behaviour each test chooses per message.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gas_aws::{Publisher, Queue};
use gas_core::Topic;
use gas_core::config::WorkerConfig;
use gas_core::messages::{Message, Version};
use gas_testkit::TestDeployment;
use gas_worker::{Delivery, Handler, HandlerError, Worker};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Published on the archive topic, so the runtime reads it from the archive queue.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    pub version: Version<1>,
    pub id: u32,
    /// Fail this many deliveries before succeeding.
    #[serde(default)]
    pub fail_times: u32,
    #[serde(default)]
    pub sleep_ms: u64,
}

impl Message for Probe {
    const TOPIC: Topic = Topic::Archive;
}

impl Probe {
    pub fn new(id: u32) -> Self {
        Self { id, ..Self::default() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: u32,
    pub receive_count: u32,
    pub last_attempt: bool,
    pub at: Instant,
}

/// Records every attempt; tracks how many handlers run at once. With a marker directory it also writes
/// `started-<id>` and `finished-<id>` files, which another process can watch.
#[derive(Clone, Default)]
pub struct Recorder {
    pub attempts: Arc<Mutex<Vec<Attempt>>>,
    pub finished: Arc<Mutex<Vec<u32>>>,
    /// (running now, most ever running at once)
    pub running: Arc<Mutex<(usize, usize)>>,
    pub markers: Option<PathBuf>,
}

impl Recorder {
    pub fn attempts(&self) -> Vec<Attempt> {
        self.attempts.lock().unwrap().clone()
    }

    /// Ids whose handler succeeded, in completion order.
    pub fn finished(&self) -> Vec<u32> {
        self.finished.lock().unwrap().clone()
    }

    pub fn max_running(&self) -> usize {
        self.running.lock().unwrap().1
    }
}

impl Handler for Recorder {
    type Message = Probe;

    async fn handle(&self, probe: Probe, delivery: &Delivery) -> Result<(), HandlerError> {
        let previous = {
            let mut attempts = self.attempts.lock().unwrap();
            let previous = attempts.iter().filter(|a| a.id == probe.id).count() as u32;
            attempts.push(Attempt {
                id: probe.id,
                receive_count: delivery.receive_count,
                last_attempt: delivery.is_last_attempt(),
                at: Instant::now(),
            });
            previous
        };
        {
            let mut running = self.running.lock().unwrap();
            running.0 += 1;
            running.1 = running.1.max(running.0);
        }
        if let Some(dir) = &self.markers {
            std::fs::write(dir.join(format!("started-{}", probe.id)), b"").unwrap();
        }
        tokio::time::sleep(Duration::from_millis(probe.sleep_ms)).await;
        self.running.lock().unwrap().0 -= 1;
        if previous < probe.fail_times {
            return Err(format!("probe {} fails on purpose", probe.id).into());
        }
        self.finished.lock().unwrap().push(probe.id);
        if let Some(dir) = &self.markers {
            std::fs::write(dir.join(format!("finished-{}", probe.id)), b"").unwrap();
        }
        Ok(())
    }
}

/// A worker running in this process, stopped by [`RunningWorker::stop`].
pub struct RunningWorker {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), gas_aws::AwsError>>,
}

impl RunningWorker {
    pub async fn start(t: &TestDeployment, recorder: Recorder, concurrency: usize) -> Self {
        let queue = Queue::connect(&t.aws, &t.deployment, Topic::Archive).await.unwrap();
        let config = WorkerConfig { concurrency, drain: Duration::from_secs(10) };
        let (stop, stopped) = oneshot::channel::<()>();
        let worker = Worker::new(queue, recorder, config);
        let task = tokio::spawn(worker.run(async move {
            let _ = stopped.await;
        }));
        Self { stop: Some(stop), task }
    }

    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap().unwrap();
    }
}

pub async fn publish_all(t: &TestDeployment, probes: impl IntoIterator<Item = Probe>) {
    let publisher = Publisher::connect(&t.aws, &t.deployment).await.unwrap();
    for probe in probes {
        publisher.publish(&probe).await.unwrap();
    }
}
