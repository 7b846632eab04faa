//! What the n8n tab's parts share: the tenant's workflow webhooks, loaded once for the
//! table and the analytics filter, and the signal that makes the analytics reload.

use leptos::prelude::*;

use crate::{error::AppError, functions::admin::admin_webhooks, models::admin::WebhookView};

/// Bumped whenever webhooks or their calls change, so the analytics reload.
#[derive(Clone, Copy)]
pub struct WebhooksChanged(pub RwSignal<u32>);

impl WebhooksChanged {
    pub fn bump(&self) {
        self.0.update(|v| *v += 1);
    }
}

/// The tenant's workflow webhooks. Saves and deletes update it from their answers; a call
/// changes counters that only the server knows, so [`WebhookList::reload`] asks again.
#[derive(Clone, Copy)]
pub struct WebhookList {
    pub list: Resource<Result<Vec<WebhookView>, AppError>>,
    calls: RwSignal<u32>,
}

impl WebhookList {
    pub fn new(tenant: String) -> Self {
        let calls = RwSignal::new(0u32);
        let list = Resource::new(move || (tenant.clone(), calls.get()), |(t, _)| admin_webhooks(t));
        Self { list, calls }
    }

    /// Shows `saved` in place of the webhook with its id, or adds it.
    pub fn put(&self, saved: WebhookView) {
        self.list.update(|loaded| {
            if let Some(Ok(hooks)) = loaded {
                match hooks.iter_mut().find(|w| w.id == saved.id) {
                    Some(w) => *w = saved,
                    None => hooks.push(saved),
                }
            }
        });
    }

    pub fn remove(&self, id: &str) {
        self.list.update(|loaded| {
            if let Some(Ok(hooks)) = loaded {
                hooks.retain(|w| w.id != id);
            }
        });
    }

    pub fn reload(&self) {
        self.calls.update(|n| *n += 1);
    }
}
