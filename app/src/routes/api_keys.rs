//! Settings → API keys (owners): keys for automation (an n8n flow, a script) with a scope
//! and an optional expiry; a new key is shown once; revoking one stops it at once.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        confirm::ConfirmSubmit,
        form::{form_error, Field, FormAlert},
        settings_tabs::SettingsTabs,
        status::LoadFailed,
    },
    functions::api_keys::{get_api_keys, CreateApiKey, RevokeApiKey},
    models::api_keys::{ApiKeyRow, RevealedApiKey},
};

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let page = Resource::new(move || (create.version().get(), revoke.version().get()), |_| get_api_keys());
    let error = form_error(create.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    let query = use_query_map();
    let revoked = Signal::derive(move || matches!(revoke.value().get(), Some(Ok(_))) || query.with(|q| q.get("revoked").is_some()));
    let created = Signal::derive(move || create.value().get().and_then(Result::ok));

    view! {
        <Title text="API keys"/>
        <section class="settings api-keys-page">
            <p class="eyebrow">"Settings"</p>
            <h1>"API keys"</h1>
            <SettingsTabs current="/settings/api-keys"/>
            <div class="panel">
                <h2>"Create a key"</h2>
                <p class="muted">
                    "A key lets a program (an n8n workflow, a script) use the CRM and webhook APIs for this organization: "
                    "send it as " <code>"Authorization: Bearer cgk_…"</code> ". A read key can only read."
                </p>
                <FormAlert error=general/>
                <ActionForm action=create attr:class="form">
                    <Field name="name" label="Name" required=true autocomplete="off" placeholder="n8n production" error/>
                    <div class="field">
                        <label for="field-scope">"Scope"</label>
                        <select id="field-scope" name="scope">
                            <option value="read">"Read: lists and details only"</option>
                            <option value="read_write">"Read and write: also creates, changes and deletes"</option>
                        </select>
                    </div>
                    <Field name="expires_at" label="Expires on" kind="date" hint="The key stops working when this day begins (UTC)." error/>
                    <button type="submit" class="button">"Create key"</button>
                </ActionForm>
            </div>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            let shown = created.get().or(p.revealed);
                            view! {
                                {shown.map(|key| view! { <NewKey key/> })}
                                {move || revoked.get().then(|| view! { <div class="alert alert-ok" role="status">"The key was revoked; it no longer works."</div> })}
                                <FormAlert error=revoke_error/>
                                <KeyList keys=p.keys revoke/>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn NewKey(key: RevealedApiKey) -> impl IntoView {
    view! {
        <div class="alert alert-ok new-key" role="status">
            <p>"Copy the key “" {key.name} "” now: it is not shown again."</p>
            <input class="copy-field" readonly=true value=key.key aria-label="The new API key"/>
        </div>
    }
}

#[component]
fn KeyList(keys: Vec<ApiKeyRow>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    if keys.is_empty() {
        return view! {
            <div class="panel">
                <h2>"Keys"</h2>
                <p class="muted">"No API keys yet. Create one above for each program that should use the API, so that you can revoke it alone."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="panel">
            <h2>"Keys"</h2>
            <div class="table-scroll">
                <table class="table">
                    <thead>
                        <tr><th>"Name"</th><th>"Key"</th><th>"Scope"</th><th>"Created"</th><th>"Expires"</th><th>"Last used"</th><th>"Actions"</th></tr>
                    </thead>
                    <tbody>
                        {keys.into_iter().map(|k| {
                            let scope = k.scope_label();
                            let created = match &k.created_by {
                                Some(by) => format!("{} by {by}", k.created_at),
                                None => k.created_at.clone(),
                            };
                            let expires = match (&k.expires_at, k.expired) {
                                (Some(at), true) => format!("Expired {at}"),
                                (Some(at), false) => at.clone(),
                                (None, _) => "Never".to_owned(),
                            };
                            let question = format!("Revoke the key {}? Programs using it stop working at once.", k.name);
                            view! {
                                <tr class:expired=k.expired>
                                    <td data-label="Name">{k.name.clone()}</td>
                                    <td data-label="Key"><code>{k.hint}</code></td>
                                    <td data-label="Scope"><span class="badge">{scope}</span></td>
                                    <td data-label="Created">{created}</td>
                                    <td data-label="Expires">{expires}</td>
                                    <td data-label="Last used">{k.last_used_at.unwrap_or_else(|| "Never".to_owned())}</td>
                                    <td data-label="Actions" class="actions">
                                        <ActionForm action=revoke attr:class="inline-form">
                                            <input type="hidden" name="key_id" value=k.id/>
                                            <ConfirmSubmit label="Revoke" question class="button secondary small" aria_label=format!("Revoke {}", k.name)/>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}
