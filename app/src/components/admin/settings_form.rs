//! Saving one channel's settings: the action, its toasts, and the field errors it returns.

use std::future::Future;

use leptos::prelude::*;

use crate::{components::toast::Toasts, error::AppError};

/// An action that saves a form's input with `save`; says how it went in a toast.
pub fn save_action<I, O, F, Fut>(saved_text: &'static str, save: F) -> Action<I, Result<O, AppError>>
where
    I: Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
    F: Fn(I) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, AppError>> + Send + 'static,
{
    let toasts = expect_context::<Toasts>();
    let action = Action::new(move |input: &I| save(input.clone()));
    Effect::new(move |_| match action.value().get() {
        Some(Ok(_)) => toasts.ok(saved_text),
        Some(Err(e)) => toasts.error(e.message),
        None => {}
    });
    action
}

/// The settings the last successful save answered with (`None` before one): the form shows
/// them instead of loading everything again. A failed save leaves the form as typed.
pub fn last_saved<I, O>(save: Action<I, Result<O, AppError>>) -> RwSignal<Option<O>>
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let saved = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Ok(answer)) = save.value().get() {
            saved.set(Some(answer));
        }
    });
    saved
}

/// The last save's error, for the fields to show.
pub fn save_error<I, O>(save: Action<I, Result<O, AppError>>) -> Signal<Option<AppError>>
where
    I: Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || save.value().get().and_then(Result::err))
}
