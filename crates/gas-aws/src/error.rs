use std::error::Error;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;

type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// An AWS call failed. Names the operation and the resource; the SDK's error, with its code and message,
/// is the source (print with [`gas_core::error::Chain`] to see it all).
#[derive(Debug, thiserror::Error)]
#[error("AWS {operation} on {resource} failed")]
pub struct AwsError {
    operation: &'static str,
    resource: String,
    code: Option<String>,
    #[source]
    source: BoxError,
}

impl AwsError {
    pub fn new(operation: &'static str, resource: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self { operation, resource: resource.into(), code: None, source: source.into() }
    }

    /// The AWS error code (`ThrottlingException`, `NoSuchKey`, …) when the service sent one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

/// Attaches the operation and resource to an SDK result.
pub(crate) trait Context<T> {
    fn context(self, operation: &'static str, resource: &str) -> Result<T, AwsError>;
}

impl<T, E> Context<T> for Result<T, E>
where
    E: Error + ProvideErrorMetadata + Send + Sync + 'static,
{
    fn context(self, operation: &'static str, resource: &str) -> Result<T, AwsError> {
        self.map_err(|e| {
            let code = e.code().map(str::to_owned);
            AwsError { code, ..AwsError::new(operation, resource, e) }
        })
    }
}

/// The error code of an SDK error, for the few places that branch on one (`NotFound` while provisioning).
pub(crate) fn code_of(e: &impl ProvideErrorMetadata) -> &str {
    e.code().unwrap_or_default()
}
