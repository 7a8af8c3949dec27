//! The worker runtime: long-polls one SQS queue and hands each message to a [`Handler`], with the
//! delivery rules every GAS consumer needs written once:
//!
//! - it never holds more messages than it has free handler slots (`GAS_WORKER_CONCURRENCY`);
//! - SNS envelopes are unwrapped; each message gets its own tracing span;
//! - a message is deleted only after its handler succeeds; a handler error leaves it to come back
//!   after the visibility timeout, and the handler learns the receive count so it can act on the last;
//! - a body that does not parse is logged and left alone, so SQS moves it to the dead-letter queue;
//! - while a handler runs longer than half the visibility timeout, the message is kept hidden;
//! - on shutdown it stops receiving, lets running handlers finish within the drain time
//!   (`GAS_DRAIN_SECONDS`), and makes the rest visible again at once.

mod envelope;
mod runtime;

pub use envelope::{ParseError, parse_body};
pub use gas_core::signal::shutdown_signal;
pub use runtime::{Delivery, Handler, HandlerError, Worker};
