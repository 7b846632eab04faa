//! The frame of every page: header with the product name and navigation, main, footer.

use leptos::prelude::*;
use leptos_router::components::A;

/// Wraps a page. `data-hydrated` turns `true` once the WASM has taken over the page, which
/// the browser tests (and the CSS for JavaScript-only controls) rely on.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| hydrated.set(true));

    view! {
        <div class="app" data-hydrated=move || hydrated.get().to_string()>
            <header class="site-header">
                <div class="container header-row">
                    <A href="/" attr:class="brand">
                        <span class="brand-mark" aria-hidden="true">"⇄"</span>
                        <span class="brand-name">"ConnectGain"</span>
                    </A>
                    <nav class="site-nav" aria-label="Main">
                        <A href="/">"Product"</A>
                        <a href="/#events">"Events"</a>
                        <a href="/#security">"Security"</a>
                    </nav>
                </div>
            </header>
            <main class="container page">{children()}</main>
            <footer class="site-footer">
                <div class="container">
                    "ConnectGain — self-hosted CRM integrations and webhooks."
                </div>
            </footer>
        </div>
    }
}
