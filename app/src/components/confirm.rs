//! A confirmation dialog for actions that cannot be undone.

use leptos::prelude::*;

use super::focus_trap::FocusTrap;

#[derive(Clone)]
pub struct Confirmation {
    pub title: String,
    pub message: String,
    pub confirm_label: &'static str,
    pub on_confirm: Callback<()>,
}

/// Asks before an action: `confirm.ask(Confirmation { .. })` opens the dialog.
#[derive(Clone, Copy)]
pub struct Confirm(RwSignal<Option<Confirmation>>);

impl Confirm {
    pub fn provide() -> Self {
        let confirm = Self(RwSignal::new(None));
        provide_context(confirm);
        confirm
    }

    pub fn ask(&self, confirmation: Confirmation) {
        self.0.set(Some(confirmation));
    }
}

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let Confirm(open) = expect_context::<Confirm>();
    move || {
        open.get().map(|c| {
            let on_confirm = c.on_confirm;
            view! {
                <div class="modal-backdrop">
                    <div class="modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-message">
                        // Focus starts on Cancel: Enter alone never destroys anything.
                        <FocusTrap on_escape=move |()| open.set(None)>
                            <h2 id="confirm-title">{c.title}</h2>
                            <p id="confirm-message">{c.message}</p>
                            <div class="modal-actions">
                                <button type="button" class="button secondary" autofocus on:click=move |_| open.set(None)>"Cancel"</button>
                                <button type="button" class="button danger" on:click=move |_| {
                                    open.set(None);
                                    on_confirm.run(());
                                }>{c.confirm_label}</button>
                            </div>
                        </FocusTrap>
                    </div>
                </div>
            }
        })
    }
}

/// A submit button that asks the browser's own confirmation first (with JavaScript; the
/// page's Content-Security-Policy forbids inline `onsubmit` handlers). Cancelled, the form
/// is not sent. Without JavaScript the form is sent as it is.
#[component]
pub fn ConfirmSubmit(
    /// What the button says.
    label: &'static str,
    /// The question asked.
    #[prop(into)]
    question: String,
    #[prop(default = "button danger")] class: &'static str,
    /// The button's accessible name, when the label alone does not say what it acts on.
    #[prop(optional, into)]
    aria_label: Option<String>,
) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if !window().confirm_with_message(&question).unwrap_or(false) {
            ev.prevent_default();
        }
    };
    view! { <button type="submit" class=class aria-label=aria_label on:click=on_click>{label}</button> }
}
