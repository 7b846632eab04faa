//! The frame of every page: header with the product name and navigation, main, footer.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::{
    error::AppError,
    functions::auth::{get_viewer, Logout},
    models::Viewer,
};

/// The logged-in user (or `None`), reloaded on every navigation so logging in or out
/// shows at once. Pages read it from context.
#[derive(Clone, Copy)]
pub struct ViewerResource(pub Resource<Result<Option<Viewer>, AppError>>);

/// Wraps a page. `data-hydrated` turns `true` once the WASM has taken over the page, which
/// the browser tests (and the CSS for JavaScript-only controls) rely on.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| hydrated.set(true));

    let location = use_location();
    let viewer = Resource::new(move || location.pathname.get(), |_| get_viewer());
    provide_context(ViewerResource(viewer));
    // On small screens (with JavaScript) the navigation folds behind a Menu button; a new
    // page closes it, and so does Escape, giving focus back to the button.
    let menu_open = RwSignal::new(false);
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let menu_button = NodeRef::<leptos::html::Button>::new();
    let close_on_escape = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && menu_open.get_untracked() {
            menu_open.set(false);
            if let Some(button) = menu_button.get_untracked() {
                let _ = button.focus();
            }
        }
    };

    view! {
        <div class="app" data-hydrated=move || hydrated.get().to_string()>
            <header class="site-header" on:keydown=close_on_escape>
                <div class="container header-row">
                    <A href="/" attr:class="brand">
                        <span class="brand-mark" aria-hidden="true">"⇄"</span>
                        <span class="brand-name">"ConnectGain"</span>
                    </A>
                    <button
                        type="button"
                        class="menu-button nav-button"
                        node_ref=menu_button
                        aria-controls="site-nav"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|open| *open = !*open)
                    >
                        "Menu"
                    </button>
                    <nav id="site-nav" class="site-nav" class:open=move || menu_open.get() aria-label="Main">
                        <Transition fallback=|| view! { <AnonymousNav/> }>
                            {move || viewer.get().map(|result| match result {
                                Ok(Some(viewer)) => view! { <UserNav viewer/> }.into_any(),
                                _ => view! { <AnonymousNav/> }.into_any(),
                            })}
                        </Transition>
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

#[component]
fn AnonymousNav() -> impl IntoView {
    view! {
        <a href="/#events">"Events"</a>
        <A href="/login">"Log in"</A>
        <A href="/signup" attr:class="nav-cta">"Sign up"</A>
    }
}

#[component]
fn UserNav(viewer: Viewer) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    let owner = viewer.is_owner();
    view! {
        <A href="/dashboard">"Dashboard"</A>
        {viewer.organization_name.is_some().then(|| view! {
            <A href="/contacts">"Contacts"</A>
            <A href="/deals">"Deals"</A>
            <A href="/conversations">"Inbox"</A>
            <A href="/campaigns">"Campaigns"</A>
        })}
        {owner.then(|| view! { <A href="/settings">"Settings"</A> })}
        {(viewer.role == "admin").then(|| view! { <A href="/admin">"Platform Administration"</A> })}
        <span class="nav-user" title=viewer.email.clone()>{viewer.name.clone()}</span>
        <ActionForm action=logout attr:class="inline-form">
            <button type="submit" class="nav-button">"Log out"</button>
        </ActionForm>
    }
}
