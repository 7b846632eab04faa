//! A confirmation dialog for actions that cannot be undone.

use leptos::prelude::*;

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
                        <h2 id="confirm-title">{c.title}</h2>
                        <p id="confirm-message">{c.message}</p>
                        <div class="modal-actions">
                            <button type="button" class="button secondary" on:click=move |_| open.set(None)>"Cancel"</button>
                            <button type="button" class="button danger" on:click=move |_| {
                                open.set(None);
                                on_confirm.run(());
                            }>{c.confirm_label}</button>
                        </div>
                    </div>
                </div>
            }
        })
    }
}
