use std::collections::HashMap;
use std::convert::Infallible;
use std::error::Error;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gas_aws::{AwsError, Queue, ReceivedMessage};
use gas_core::config::WorkerConfig;
use gas_core::error::Chain;
use serde::de::DeserializeOwned;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinError, JoinSet};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::envelope::parse_body;

/// SQS allows at most 20 s of long polling and 10 messages per receive.
const LONG_POLL: Duration = Duration::from_secs(20);
const MAX_BATCH: usize = 10;
const MAX_BACKOFF: Duration = Duration::from_secs(30);

pub type HandlerError = Box<dyn Error + Send + Sync + 'static>;

/// What a handler knows about the delivery of its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub message_id: String,
    /// How many times SQS has delivered this message, this delivery included.
    pub receive_count: u32,
    /// Deliveries before SQS moves the message to the dead-letter queue (the queue's redrive policy).
    pub max_receives: Option<u32>,
}

impl Delivery {
    /// Whether a failure now sends the message to the dead-letter queue: the handler's last chance to
    /// record a final outcome (such as marking a job FAILED).
    pub fn is_last_attempt(&self) -> bool {
        self.max_receives.is_some_and(|max| self.receive_count >= max)
    }
}

/// Handles one message type. Must be idempotent: SQS delivers at least once, and the process may die
/// at any point, so the same message can arrive again after any partial run.
pub trait Handler: Send + Sync + 'static {
    type Message: DeserializeOwned + Send + 'static;

    /// `Ok` deletes the message; `Err` leaves it to be delivered again after the visibility timeout.
    fn handle(
        &self,
        message: Self::Message,
        delivery: &Delivery,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send;
}

/// Runs a [`Handler`] against one queue until shut down.
pub struct Worker<H> {
    queue: Queue,
    handler: Arc<H>,
    config: WorkerConfig,
}

impl<H: Handler> Worker<H> {
    pub fn new(queue: Queue, handler: H, config: WorkerConfig) -> Self {
        Self { queue, handler: Arc::new(handler), config }
    }

    /// Receives and handles messages until `shutdown` resolves, then drains (see the crate docs).
    /// Fails only if the queue cannot be read at start-up.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), AwsError> {
        let attributes = self.queue.attributes().await?;
        let stop = CancellationToken::new();
        tokio::spawn({
            let stop = stop.clone();
            async move {
                shutdown.await;
                stop.cancel();
            }
        });
        tracing::info!(
            queue = self.queue.name(),
            concurrency = self.config.concurrency,
            visibility_timeout_s = attributes.visibility_timeout.as_secs(),
            max_receives = attributes.max_receive_count,
            "worker started"
        );
        let slots = Arc::new(Semaphore::new(self.config.concurrency));
        let in_flight = InFlight::default();
        let mut tasks = JoinSet::new();
        let mut backoff = Duration::from_secs(1);
        loop {
            while let Some(done) = tasks.try_join_next() {
                log_if_panicked(done);
            }
            let Some(permits) = free_slots(&slots, &stop).await else { break };
            let received = tokio::select! {
                () = stop.cancelled() => break,
                received = self.queue.receive(permits.len(), LONG_POLL) => received,
            };
            match received {
                Ok(messages) => {
                    backoff = Duration::from_secs(1);
                    // Never more messages than permits: receive asked for at most permits.len().
                    for (message, permit) in messages.into_iter().zip(permits) {
                        self.dispatch(message, permit, attributes, &in_flight, &mut tasks);
                    }
                }
                Err(e) => {
                    tracing::error!(queue = self.queue.name(), error = %Chain(&e), retry_in_s = backoff.as_secs(), "cannot receive messages");
                    tokio::select! {
                        () = stop.cancelled() => break,
                        () = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        self.drain(tasks, &in_flight).await;
        tracing::info!(queue = self.queue.name(), "worker stopped");
        Ok(())
    }

    fn dispatch(
        &self,
        message: ReceivedMessage,
        permit: OwnedSemaphorePermit,
        attributes: gas_aws::QueueAttributes,
        in_flight: &InFlight,
        tasks: &mut JoinSet<()>,
    ) {
        let span = tracing::info_span!(
            "message",
            queue = self.queue.name(),
            message_id = %message.message_id,
            receive_count = message.receive_count,
        );
        let delivery = Delivery {
            message_id: message.message_id,
            receive_count: message.receive_count,
            max_receives: attributes.max_receive_count,
        };
        let parsed = match parse_body::<H::Message>(&message.body) {
            Ok(parsed) => parsed,
            Err(e) => {
                // Not deleted: after max_receives deliveries SQS moves it to the dead-letter queue, where
                // an operator can read it. The slot is free again at once.
                span.in_scope(|| {
                    tracing::error!(
                        error = %Chain(&e),
                        max_receives = delivery.max_receives,
                        "cannot parse message; leaving it for the dead-letter queue"
                    );
                });
                return;
            }
        };
        let receipt = message.receipt_handle;
        let guard = in_flight.track(receipt.clone());
        let queue = self.queue.clone();
        let handler = Arc::clone(&self.handler);
        let task = async move {
            let _slot = permit;
            let _tracked = guard;
            let outcome = tokio::select! {
                outcome = handler.handle(parsed, &delivery) => outcome,
                never = keep_hidden(&queue, &receipt, attributes.visibility_timeout) => match never {},
            };
            match outcome {
                Ok(()) => match queue.delete(&receipt).await {
                    Ok(()) => tracing::debug!("message handled"),
                    Err(e) => {
                        tracing::warn!(error = %Chain(&e), "handled, but could not delete the message; it will come back")
                    }
                },
                Err(e) if delivery.is_last_attempt() => {
                    tracing::error!(error = %Chain(e.as_ref()), "handler failed on the last attempt; the message goes to the dead-letter queue");
                }
                Err(e) => {
                    tracing::warn!(error = %Chain(e.as_ref()), "handler failed; the message will be delivered again")
                }
            }
        };
        tasks.spawn(task.instrument(span));
    }

    /// Lets running handlers finish within the drain time, then stops the rest and makes their messages
    /// visible again so another worker takes them at once rather than after the visibility timeout.
    async fn drain(&self, mut tasks: JoinSet<()>, in_flight: &InFlight) {
        if tasks.is_empty() {
            return;
        }
        tracing::info!(
            running = tasks.len(),
            drain_s = self.config.drain.as_secs(),
            "draining running handlers"
        );
        let all_done = async {
            while let Some(done) = tasks.join_next().await {
                log_if_panicked(done);
            }
        };
        if tokio::time::timeout(self.config.drain, all_done).await.is_ok() {
            return;
        }
        let unfinished = in_flight.receipts();
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
        for receipt in &unfinished {
            if let Err(e) = self.queue.change_visibility(receipt, Duration::ZERO).await {
                tracing::warn!(error = %Chain(&e), "could not release a message; it comes back after its visibility timeout");
            }
        }
        tracing::warn!(released = unfinished.len(), "drain time over; released unfinished messages");
    }
}

/// Waits for at least one free slot and takes every other free one (up to a receive batch).
/// `None` when shutdown comes first.
async fn free_slots(slots: &Arc<Semaphore>, stop: &CancellationToken) -> Option<Vec<OwnedSemaphorePermit>> {
    let first = tokio::select! {
        () = stop.cancelled() => return None,
        permit = Arc::clone(slots).acquire_owned() => permit.ok()?,
    };
    let mut permits = vec![first];
    while permits.len() < MAX_BATCH {
        match Arc::clone(slots).try_acquire_owned() {
            Ok(permit) => permits.push(permit),
            Err(_) => break,
        }
    }
    Some(permits)
}

/// Keeps the message hidden while its handler runs: every half visibility timeout, hides it for another
/// full timeout. Never returns; it is dropped when the handler ends.
async fn keep_hidden(queue: &Queue, receipt: &str, visibility: Duration) -> Infallible {
    let period = (visibility / 2).max(Duration::from_secs(1));
    loop {
        tokio::time::sleep(period).await;
        match queue.change_visibility(receipt, visibility).await {
            Ok(()) => tracing::debug!("extended the message's visibility timeout"),
            Err(e) => tracing::warn!(error = %Chain(&e), "could not extend the visibility timeout"),
        }
    }
}

fn log_if_panicked(done: Result<(), JoinError>) {
    if let Err(e) = done
        && e.is_panic()
    {
        tracing::error!("handler panicked; the message will be delivered again");
    }
}

/// Receipt handles of messages whose handlers are running, so a drain can release them.
#[derive(Clone, Default)]
struct InFlight {
    next: Arc<AtomicU64>,
    receipts: Arc<Mutex<HashMap<u64, String>>>,
}

impl InFlight {
    fn track(&self, receipt: String) -> Tracked {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.receipts.lock().expect("in-flight map").insert(id, receipt);
        Tracked { id, in_flight: self.clone() }
    }

    fn receipts(&self) -> Vec<String> {
        self.receipts.lock().expect("in-flight map").values().cloned().collect()
    }
}

/// Removes its receipt from [`InFlight`] when the handler's task ends, however it ends.
struct Tracked {
    id: u64,
    in_flight: InFlight,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.in_flight.receipts.lock().expect("in-flight map").remove(&self.id);
    }
}
