//! Counts the AWS requests a process makes, by service and operation, every attempt (retries
//! included): what an operator needs to see what a job costs in calls, and what `gas-admin loadgen`
//! reports per job.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Requests sent so far, keyed `service.Operation` (e.g. `s3.PutObject`).
#[derive(Debug, Default)]
pub struct RequestCounts(Mutex<BTreeMap<String, u64>>);

impl RequestCounts {
    pub fn snapshot(&self) -> BTreeMap<String, u64> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }

    fn add(&self, operation: String) {
        *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry(operation).or_default() += 1;
    }
}

/// The interceptor every client of an [`Aws`](crate::Aws) carries.
#[derive(Debug, Clone)]
pub(crate) struct CountRequests(pub(crate) Arc<RequestCounts>);

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map_or_else(|| "unknown".to_owned(), |m| format!("{}.{}", m.service(), m.name()));
        self.0.add(operation);
        Ok(())
    }
}
