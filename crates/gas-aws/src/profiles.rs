//! The profiles table: one row per user.

use gas_core::{Profile, UserId};

use crate::Aws;
use crate::error::{AwsError, Context};
use crate::items::get_item;

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
        get_item(&self.client, &self.name, "user_id", user_id.to_string()).await
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
