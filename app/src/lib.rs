//! ConnectGain's pages: Leptos components rendered on the server and hydrated in the browser.
//!
//! With the `ssr` feature this crate also holds the server functions; with `hydrate` it is
//! the code the WASM bundle runs. Pages stay readable without JavaScript.

// The endpoint page's view type nests deeper than the default limit lets rustc lay it out.
#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod functions;
pub mod models;
#[cfg(feature = "ssr")]
pub mod reference_page;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

use components::{error_page::ErrorPage, layout::Layout};
use routes::{
    admin::AdminPage, api_keys::ApiKeysPage, campaigns::CampaignsPage, contact::ContactPage, contacts::ContactsPage, conversation::ConversationPage,
    conversations::ConversationsPage, dashboard::DashboardPage, deal::DealPage, deals::DealsPage, home::HomePage, inbound::InboundPage, invite::InvitePage,
    login::LoginPage, not_found::NotFound, settings::SettingsPage, signature_docs::VerifyingSignaturesPage, signup::SignupPage,
    webhook_endpoint::WebhookEndpointPage, webhook_logs::WebhookLogsPage, webhooks::WebhooksPage,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                // `/pkg/connectgain.<hash>.css` once scripts/build.sh has hashed the bundle.
                <HashedStylesheet options=options.clone() id="connectgain"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The root component: metadata, layout, routes and an error boundary around every page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content="ConnectGain: signed, durable CRM webhooks and messaging integrations, self-hosted."/>
        <Title formatter=|page: String| if page.is_empty() { "ConnectGain".to_owned() } else { format!("{page} · ConnectGain") }/>
        <Router>
            <Layout>
                <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                    <Routes fallback=NotFound>
                        <Route path=StaticSegment("") view=HomePage/>
                        <Route path=StaticSegment("signup") view=SignupPage/>
                        <Route path=StaticSegment("login") view=LoginPage/>
                        // Async: the status (401/403) is known only once the data is.
                        <Route path=StaticSegment("dashboard") view=DashboardPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("settings") view=SettingsPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("campaigns") view=CampaignsPage/>
                        <Route path=StaticSegment("admin") view=AdminPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("contacts") view=ContactsPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("contacts"), ParamSegment("id")) view=ContactPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("deals") view=DealsPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("deals"), ParamSegment("id")) view=DealPage ssr=SsrMode::Async/>
                        <Route path=StaticSegment("conversations") view=ConversationsPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("conversations"), ParamSegment("id")) view=ConversationPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("settings"), StaticSegment("webhooks")) view=WebhooksPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("settings"), StaticSegment("inbound")) view=InboundPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("settings"), StaticSegment("api-keys")) view=ApiKeysPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("settings"), StaticSegment("webhooks"), StaticSegment("logs")) view=WebhookLogsPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("settings"), StaticSegment("webhooks"), ParamSegment("id")) view=WebhookEndpointPage ssr=SsrMode::Async/>
                        <Route path=(StaticSegment("docs"), StaticSegment("verifying-signatures")) view=VerifyingSignaturesPage/>
                        <Route path=(StaticSegment("invite"), ParamSegment("token")) view=InvitePage ssr=SsrMode::Async/>
                    </Routes>
                </ErrorBoundary>
            </Layout>
        </Router>
    }
}
