//! Form building blocks: a labelled input with its error beside it, and the page-level
//! error of a form (from the server function, or from the query after a plain post).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

/// The error to show for a form: the last submission's (with JavaScript), or the one the
/// server put in `?form_error=` after a plain form post.
pub fn form_error<T: Clone + Send + Sync + 'static>(result: Signal<Option<Result<T, AppError>>>) -> Memo<Option<AppError>> {
    let query = use_query_map();
    Memo::new(move |_| match result.get() {
        Some(Err(e)) => Some(e),
        Some(Ok(_)) => None,
        None => query.with(|q| q.get("form_error").and_then(|json| serde_json::from_str::<AppError>(&json).ok())),
    })
}

/// A labelled input whose error (if any) shows right under it.
#[component]
pub fn Field(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional, into)] hint: String,
    /// The current value, for forms that edit something stored.
    #[prop(default = None)]
    value: Option<String>,
    #[prop(optional)] disabled: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = move || error.get().and_then(|e| e.field(name));
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=move || message().is_some()>
            <label for=id.clone()>{label}{(!required).then(|| view! { <span class="optional">" (optional)"</span> })}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                placeholder=placeholder
                value=value
                disabled=disabled
                required=required
                aria-invalid=move || message().is_some().to_string()
                aria-describedby=error_id.clone()
            />
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
            <p class="field-error" id=error_id role="alert">{message}</p>
        </div>
    }
}

/// A labelled checkbox.
#[component]
pub fn Toggle(name: &'static str, label: &'static str, checked: bool) -> impl IntoView {
    view! {
        <label class="toggle">
            <input type="checkbox" name=name checked=checked/>
            <span>{label}</span>
        </label>
    }
}

/// The form's overall message, when it has one and no field carries it.
#[component]
pub fn FormAlert(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! { <div class="alert alert-error" role="alert">{e.message}</div> }
        })
    }
}
