//! A contact's page: its fields, who it is assigned to, its deals and conversations.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetail {
    pub id: String,
    /// What a person calls it: its name, else its e-mail address or phone number.
    pub name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The other fields as indented JSON, or `None` when there are none.
    pub attributes: Option<String>,
    pub assigned_to: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The people it can be assigned to: (id, name).
    pub members: Vec<(String, String)>,
    pub deals: Vec<DealSummary>,
    pub conversations: Vec<ConversationSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealSummary {
    pub id: String,
    pub title: String,
    /// In the deal's currency, e.g. `1,200.00 USD`.
    pub value: String,
    pub stage: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: String,
    pub channel: String,
    pub subject: Option<String>,
    /// `OPEN` or `CLOSED`.
    pub status: String,
    pub updated_at: String,
}
