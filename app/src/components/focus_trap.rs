//! Keeps the keyboard inside an open dialog: focus moves into it when it opens, Tab and
//! Shift+Tab go round its controls without leaving it, Escape closes it, and focus goes
//! back to the control that opened it when it closes.

use leptos::{ev::KeyboardEvent, html, prelude::*};

/// What Tab stops at inside a dialog.
#[cfg(feature = "hydrate")]
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), \
                         textarea:not([disabled]), [tabindex]:not([tabindex=\"-1\"])";

/// Wraps a dialog's content. Mount it only while the dialog is open: opening mounts it
/// (focus moves to its first control, or to one marked `autofocus`), closing unmounts it
/// (focus returns to what had it before).
#[component]
pub fn FocusTrap(
    /// Called on Escape: the dialog closes (as its Cancel button would).
    #[prop(into)]
    on_escape: Callback<()>,
    children: Children,
) -> impl IntoView {
    let area = NodeRef::<html::Div>::new();
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        // The dialog is mounted by the click (or key) that opens it, so what has focus now
        // is the control that opened it.
        let opener = StoredValue::new_local(document().active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()));
        area.on_load(move |area| {
            let controls = focusables(&area);
            let preferred = controls.iter().find(|c| c.has_attribute("autofocus")).or(controls.first());
            if let Some(control) = preferred {
                let _ = control.focus();
            }
        });
        on_cleanup(move || {
            if let Some(opener) = opener.get_value().filter(|o| o.is_connected()) {
                let _ = opener.focus();
            }
        });
    }
    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            on_escape.run(());
        }
        "Tab" => {
            #[cfg(feature = "hydrate")]
            if let Some(area) = area.get_untracked() {
                let controls = focusables(&area);
                let (Some(first), Some(last)) = (controls.first(), controls.last()) else { return };
                let active = document().active_element();
                let at = |c: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == c.as_ref() as &web_sys::Element);
                // Round from the last control to the first and back, never out of the dialog.
                let to = if ev.shift_key() && at(first) {
                    Some(last)
                } else if !ev.shift_key() && at(last) {
                    Some(first)
                } else {
                    None
                };
                if let Some(to) = to {
                    ev.prevent_default();
                    let _ = to.focus();
                }
            }
        }
        _ => {}
    };
    view! { <div class="focus-trap" node_ref=area on:keydown=on_keydown>{children()}</div> }
}

/// The controls inside `area` that Tab stops at, in document order.
#[cfg(feature = "hydrate")]
fn focusables(area: &web_sys::HtmlDivElement) -> Vec<web_sys::HtmlElement> {
    use leptos::wasm_bindgen::JsCast;
    let Ok(found) = area.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..found.length()).filter_map(|i| found.item(i)).filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok()).collect()
}
