//! A user's profile: one row of the profiles table.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{Timestamp, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    #[default]
    Free,
    Premium,
}

impl Plan {
    pub const fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Premium => "premium",
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The identity's `sub` claim.
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub institution: String,
    pub plan: Plan,
    pub created: Timestamp,
    pub updated: Timestamp,
}
