//! The deals board and a deal's page, as the browser receives them.

use serde::{Deserialize, Serialize};

/// The pipeline's stages in order: (value, label).
pub const STAGES: [(&str, &str); 6] =
    [("lead", "Lead"), ("qualified", "Qualified"), ("proposal", "Proposal"), ("negotiation", "Negotiation"), ("won", "Won"), ("lost", "Lost")];

/// The label of a stage's value (the value itself when unknown).
pub fn stage_label(stage: &str) -> &str {
    STAGES.iter().find(|(value, _)| *value == stage).map_or(stage, |(_, label)| label)
}

/// A column per stage, in the pipeline's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub columns: Vec<StageColumn>,
}

impl Board {
    pub fn is_empty(&self) -> bool {
        self.columns.iter().all(|c| c.count == 0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageColumn {
    /// `lead` … `lost`.
    pub stage: String,
    /// How many deals the stage holds in all.
    pub count: i64,
    /// What they are worth, one amount per currency, e.g. `["12,000.00 USD", "500.00 EUR"]`.
    pub totals: Vec<String>,
    pub cards: Vec<DealCard>,
    /// Where this column was asked to start (`None`: at its newest deal).
    pub cursor: Option<String>,
    /// The next cards after these, when there are more.
    pub next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealCard {
    pub id: String,
    pub title: String,
    /// In the deal's currency, e.g. `1,200.00 USD`.
    pub value: String,
    pub contact: Option<String>,
    pub stage: String,
}

/// A deal as its page shows it, ready to edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealDetail {
    pub id: String,
    pub title: String,
    /// The value as the form's field holds it, e.g. `1,200.50`.
    pub amount: String,
    pub currency: String,
    /// The value as it reads, e.g. `1,200.50 USD`.
    pub value: String,
    pub stage: String,
    /// The contact: (id, name), with the e-mail address or number the form shows.
    pub contact: Option<(String, String)>,
    pub contact_address: String,
    pub assigned_to: Option<String>,
    /// The people it can be assigned to: (id, name).
    pub members: Vec<(String, String)>,
    pub created_at: String,
    pub updated_at: String,
}
