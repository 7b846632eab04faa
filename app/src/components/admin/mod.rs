//! The Platform Administration page's parts: per-channel settings forms, n8n workflow
//! webhooks, the analytics dashboard, and the toasts and confirmation dialog they share.

pub mod analytics;
pub mod chart;
pub mod confirm;
pub mod form_data;
pub mod n8n;
pub mod settings_form;
pub mod sms;
pub mod test_message;
pub mod toast;
pub mod webhooks;
pub mod whatsapp;
