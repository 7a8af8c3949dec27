//! The profiles table: one row per user.

use aws_sdk_dynamodb::types::AttributeValue;
use gas_core::{Profile, UserId};

use crate::Aws;
use crate::error::{AwsError, Context};

#[derive(Clone, Debug)]
pub struct ProfilesTable {
    client: aws_sdk_dynamodb::Client,
    name: String,
}

impl ProfilesTable {
    pub fn new(aws: &Aws, name: impl Into<String>) -> Self {
        Self { client: aws.dynamodb.clone(), name: name.into() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub async fn get(&self, user_id: &UserId) -> Result<Option<Profile>, AwsError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.name)
            .key("user_id", AttributeValue::S(user_id.to_string()))
            .consistent_read(true)
            .send()
            .await
            .context("GetItem", &self.name)?;
        output
            .item
            .map(|item| {
                serde_dynamo::from_item(item).map_err(|e| AwsError::new("deserialize profile", &self.name, e))
            })
            .transpose()
    }

    /// Creates or replaces the profile.
    pub async fn put(&self, profile: &Profile) -> Result<(), AwsError> {
        let item =
            serde_dynamo::to_item(profile).map_err(|e| AwsError::new("serialize profile", &self.name, e))?;
        self.client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(item))
            .send()
            .await
            .context("PutItem", &self.name)?;
        Ok(())
    }
}
