//! The signal the n8n tab's parts share: the webhook list and the analytics reload when it
//! is bumped.

use leptos::prelude::*;

/// Bumped whenever webhooks or their calls change, so the lists and analytics reload.
#[derive(Clone, Copy)]
pub struct WebhooksChanged(pub RwSignal<u32>);

impl WebhooksChanged {
    pub fn bump(&self) {
        self.0.update(|v| *v += 1);
    }
}
