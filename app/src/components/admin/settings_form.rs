//! Saving one channel's settings: the action, its toasts, and the field errors it returns.

use leptos::prelude::*;
use serde_json::Value;

use crate::components::toast::Toasts;
use crate::{error::AppError, functions::admin::admin_save_integration};

/// Saves `channel` for `tenant` from a form's JSON; says how it went in a toast.
pub fn save_action(tenant: String, channel: &'static str, saved_text: &'static str) -> Action<Value, Result<(), AppError>> {
    let toasts = expect_context::<Toasts>();
    let save = Action::new(move |fields: &Value| admin_save_integration(tenant.clone(), channel.to_owned(), fields.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => toasts.ok(saved_text),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    save
}

/// The last save's error, for the fields to show.
pub fn save_error(save: Action<Value, Result<(), AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || save.value().get().and_then(Result::err))
}
