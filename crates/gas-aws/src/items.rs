//! What both tables do the same way: read one item by its key, consistently, as a typed row.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;

use crate::error::{AwsError, Context};

/// The item whose partition key `key` is the string `value`, or `None`.
pub(crate) async fn get_item<T: DeserializeOwned>(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    key: &str,
    value: String,
) -> Result<Option<T>, AwsError> {
    let output = client
        .get_item()
        .table_name(table)
        .key(key, AttributeValue::S(value))
        .consistent_read(true)
        .send()
        .await
        .context("GetItem", table)?;
    output.item.map(|item| from_item(table, item)).transpose()
}

pub(crate) fn from_item<T: DeserializeOwned>(
    table: &str,
    item: std::collections::HashMap<String, AttributeValue>,
) -> Result<T, AwsError> {
    serde_dynamo::from_item(item).map_err(|e| AwsError::new("read item", table, e))
}

/// The outcome of a conditional write: `Ok(false)` when its condition did not hold.
pub(crate) fn condition_met<T, E>(
    result: Result<T, E>,
    operation: &'static str,
    table: &str,
) -> Result<bool, AwsError>
where
    E: std::error::Error + aws_sdk_dynamodb::error::ProvideErrorMetadata + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if e.code() == Some("ConditionalCheckFailedException") => Ok(false),
        Err(e) => Err(e).context(operation, table),
    }
}
