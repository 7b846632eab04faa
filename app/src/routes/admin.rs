//! Platform Administration (platform admins only): per-tenant integrations — WhatsApp, SMS
//! and n8n workflow webhooks with their analytics. The tenant and tab live in the query
//! (`?tenant=…&tab=sms`), so every view has a link and works before hydration.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    components::{
        admin::{n8n::N8nTab, sms::SmsTab, whatsapp::WhatsappTab},
        confirm::{Confirm, ConfirmDialog},
        status::LoadFailed,
        toast::{ToastStack, Toasts},
    },
    functions::admin::admin_tenants,
    models::admin::TenantOption,
};

const TABS: [(&str, &str); 3] = [("whatsapp", "WhatsApp"), ("sms", "SMS"), ("n8n", "N8N Webhooks")];

#[component]
pub fn AdminPage() -> impl IntoView {
    Toasts::provide();
    Confirm::provide();
    let tenants = Resource::new(|| (), |_| admin_tenants());

    view! {
        <Title text="Platform Administration"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match tenants.await {
                    Ok(tenants) => view! { <Console tenants/> }.into_any(),
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <ToastStack/>
        <ConfirmDialog/>
    }
}

#[component]
fn Console(tenants: Vec<TenantOption>) -> impl IntoView {
    let query = use_query_map();
    let first = tenants.first().map(|t| t.id.clone());
    let tenant = Memo::new(move |_| query.with(|q| q.get("tenant")).or_else(|| first.clone()));
    let tab = Memo::new(move |_| query.with(|q| q.get("tab")).filter(|t| TABS.iter().any(|(id, _)| id == t)).unwrap_or_else(|| "whatsapp".into()));
    let navigate = use_navigate();
    let empty = tenants.is_empty();

    view! {
        <section class="admin">
            <p class="eyebrow">"Platform Administration"</p>
            <nav class="admin-sections" aria-label="Platform Administration">
                <a href="/admin" aria-current="page">"Integrations"</a>
            </nav>
            {empty.then(|| view! {
                <p class="panel muted">"No tenants yet. Organizations appear here once they sign up."</p>
            })}
            <form class="tenant-picker" method="get" action="/admin" class:hidden=empty>
                <label for="tenant">"Tenant"</label>
                <select id="tenant" name="tenant" on:change=move |ev| {
                    navigate(&format!("/admin?tenant={}&tab={}", event_target_value(&ev), tab.get_untracked()), Default::default());
                }>
                    {tenants.into_iter().map(|t| {
                        let id = t.id.clone();
                        view! { <option value=t.id selected=move || tenant.get().as_deref() == Some(id.as_str())>{t.name}</option> }
                    }).collect_view()}
                </select>
                <input type="hidden" name="tab" value=move || tab.get()/>
                <noscript><button type="submit" class="button secondary small">"Open"</button></noscript>
            </form>
            {move || tenant.get().map(|t| {
                let current = tab.get();
                view! {
                    <nav class="admin-tabs" aria-label="Integrations">
                        {TABS.into_iter().map(|(id, label)| view! {
                            // A plain link (the router still takes the click): `<A>` would mark every
                            // tab as the current page, since they differ only in the query.
                            <a href=format!("/admin?tenant={t}&tab={id}") class="tab" aria-current=(current == id).then_some("page")>{label}</a>
                        }).collect_view()}
                    </nav>
                    {match current.as_str() {
                        "sms" => view! { <SmsTab tenant=t/> }.into_any(),
                        "n8n" => view! { <N8nTab tenant=t/> }.into_any(),
                        _ => view! { <WhatsappTab tenant=t/> }.into_any(),
                    }}
                }
            })}
        </section>
    }
}
