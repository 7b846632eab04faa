//! Where a user lands after signing up or logging in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    components::{appgain_status::AppgainStatus, endpoint_notices::EndpointNotices, layout::ViewerResource, status::LoginRequired},
    functions::webhooks::webhook_notices,
};

#[component]
pub fn DashboardPage() -> impl IntoView {
    let ViewerResource(viewer) = expect_context::<ViewerResource>();
    let welcome = use_query_map().with_untracked(|q| q.get("welcome").is_some());
    // Failing or turned-off webhook endpoints (owners only; empty for everyone else).
    let notices = Resource::new(|| (), |_| webhook_notices());

    view! {
        <Title text="Dashboard"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match viewer.await {
                    Ok(Some(v)) => {
                        let notices = notices.await.unwrap_or_default();
                        let pending = v.appgain.as_ref().is_some_and(|a| !a.provisioned);
                        view! {
                            <section class="dashboard">
                                <p class="eyebrow">{v.organization_name.clone().unwrap_or_else(|| "Platform administration".into())}</p>
                                <h1>{format!("Welcome, {}", v.name)}</h1>
                                <EndpointNotices rows=notices/>
                                {(welcome && pending).then(|| view! {
                                    <div class="alert alert-warn" role="status">
                                        "Your account is ready, but your Appgain credentials could not be set up yet. "
                                        "We keep retrying in the background; you can also enter them in Settings."
                                    </div>
                                })}
                                {(welcome && !pending).then(|| view! {
                                    <div class="alert alert-ok" role="status">"Your account is ready and your Appgain credentials are set up."</div>
                                })}
                                {v.appgain.clone().map(|appgain| view! {
                                    <div class="panel">
                                        <h2>"Appgain messaging"</h2>
                                        <AppgainStatus appgain/>
                                        {v.is_owner().then(|| view! {
                                            <p><A href="/settings" attr:class="button secondary">"Manage credentials"</A></p>
                                        })}
                                    </div>
                                })}
                            </section>
                        }
                        .into_any()
                    }
                    _ => view! { <LoginRequired/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
