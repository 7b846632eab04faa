//! The Platform Administration page's parts: per-channel settings forms, n8n workflow
//! webhooks, and the analytics dashboard.

pub mod active_badge;
pub mod analytics;
pub mod chart;
pub mod n8n;
pub mod settings_form;
pub mod sms;
pub mod test_message;
pub mod webhooks;
pub mod webhooks_changed;
pub mod whatsapp;
