//! Reading a submitted form in the browser as the input a server function takes.

use leptos::{ev::SubmitEvent, wasm_bindgen::JsCast, web_sys};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The form that fired `ev` as the input type `T` (its fields named as `T`'s JSON names):
/// the named text fields (absent or disabled ones left out) and checkboxes (as booleans).
/// `None`, logged, only when the field lists do not fit `T`: a mistake in the page.
pub fn form_input<T: DeserializeOwned>(ev: &SubmitEvent, texts: &[&str], checks: &[&str]) -> Option<T> {
    serde_json::from_value(form_json(ev, texts, checks)).map_err(|e| leptos::logging::error!("the form does not fit its input: {e}")).ok()
}

/// The named text fields (absent or disabled ones left out) and checkboxes (as booleans) of
/// the form that fired `ev`.
pub fn form_json(ev: &SubmitEvent, texts: &[&str], checks: &[&str]) -> Value {
    let mut object = Map::new();
    let form = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok());
    if let Some(data) = form.and_then(|form| web_sys::FormData::new_with_form(&form).ok()) {
        for name in texts {
            if let Some(value) = data.get(name).as_string() {
                object.insert((*name).to_owned(), Value::String(value));
            }
        }
        for name in checks {
            object.insert((*name).to_owned(), Value::Bool(data.has(name)));
        }
    }
    Value::Object(object)
}

/// One text field of the submitted form (empty when absent).
pub fn form_text(ev: &SubmitEvent, name: &str) -> String {
    form_json(ev, &[name], &[]).get(name).and_then(Value::as_str).unwrap_or_default().to_owned()
}

/// Empties the password inputs of the form that fired `ev`, so a secret typed for a save
/// does not linger in the page (the form then shows it masked, as stored).
pub fn clear_secrets(ev: &SubmitEvent) {
    let Some(form) = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
    if let Ok(inputs) = form.query_selector_all("input[type=password]") {
        for i in 0..inputs.length() {
            if let Some(input) = inputs.item(i).and_then(|node| node.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                input.set_value("");
            }
        }
    }
}
