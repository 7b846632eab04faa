//! Short-lived notices in the corner of the page: a save worked, a call failed.

use std::time::Duration;

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toast {
    id: u64,
    ok: bool,
    text: String,
}

/// The page's toasts; components push with [`Toasts::ok`] and [`Toasts::error`].
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    pub fn provide() -> Self {
        let toasts = Self { list: RwSignal::new(Vec::new()), next: StoredValue::new(0) };
        provide_context(toasts);
        toasts
    }

    pub fn ok(&self, text: impl Into<String>) {
        self.push(true, text.into());
    }

    pub fn error(&self, text: impl Into<String>) {
        self.push(false, text.into());
    }

    fn push(&self, ok: bool, text: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|list| list.push(Toast { id, ok, text }));
        let list = self.list;
        // Errors stay a little longer: they are the ones someone needs to read.
        let shown = Duration::from_secs(if ok { 5 } else { 10 });
        set_timeout(move || list.update(|l| l.retain(|t| t.id != id)), shown);
    }
}

#[component]
pub fn ToastStack() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    view! {
        <div class="toasts" aria-live="polite">
            <For each=move || toasts.list.get() key=|t| t.id let:toast>
                <div class="toast" class:toast-error=!toast.ok role=if toast.ok { "status" } else { "alert" }>
                    <span>{toast.text.clone()}</span>
                    <button type="button" class="toast-close" aria-label="Dismiss"
                        on:click=move |_| toasts.list.update(|l| l.retain(|t| t.id != toast.id))>"×"</button>
                </div>
            </For>
        </div>
    }
}
