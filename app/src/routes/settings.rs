//! Organization settings (owners): the Appgain credentials, masked, with manual entry and
//! a retry of automatic provisioning.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        appgain_status::AppgainStatus,
        form::{form_error, Field, FormAlert},
        members::Members,
        settings_tabs::SettingsTabs,
        status::LoadFailed,
    },
    functions::settings::{get_settings, RetryProvisioning, SaveAppgainCredentials},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<SaveAppgainCredentials>::new();
    let retry = ServerAction::<RetryProvisioning>::new();
    let settings = Resource::new(move || (save.version().get(), retry.version().get()), |_| get_settings());
    let error = form_error(save.value().into());
    let retry_error = Signal::derive(move || retry.value().get().and_then(Result::err));
    let query = use_query_map();
    let saved = Signal::derive(move || matches!(save.value().get(), Some(Ok(()))) || query.with(|q| q.get("saved").is_some()));
    let retrying = Signal::derive(move || matches!(retry.value().get(), Some(Ok(()))) || query.with(|q| q.get("retrying").is_some()));
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));

    view! {
        <Title text="Settings"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(v) => {
                        let appgain = v.appgain.clone();
                        let can_retry = appgain.as_ref().is_some_and(|a| a.status == "pending");
                        view! {
                            <section class="settings">
                                <p class="eyebrow">{v.organization_name.clone().unwrap_or_default()}</p>
                                <h1>"Settings"</h1>
                                <SettingsTabs current="/settings"/>
                                <div class="panel">
                                    <h2>"Appgain credentials"</h2>
                                    {appgain.map(|appgain| view! { <AppgainStatus appgain show_key=true/> })}
                                    {move || saved.get().then(|| view! { <div class="alert alert-ok" role="status">"Credentials saved."</div> })}
                                    {move || retrying.get().then(|| view! { <div class="alert alert-ok" role="status">"Retrying provisioning now."</div> })}
                                    <FormAlert error=retry_error/>
                                    {can_retry.then(|| view! {
                                        <ActionForm action=retry attr:class="inline-form">
                                            <button type="submit" class="button secondary">"Retry provisioning"</button>
                                        </ActionForm>
                                    })}
                                    <h3 class="form-title">"Enter or replace the credentials"</h3>
                                    <FormAlert error=general/>
                                    <ActionForm action=save attr:class="form">
                                        <Field name="suit_id" label="Suit ID" required=true autocomplete="off" error/>
                                        <Field name="api_key" label="API key" kind="password" autocomplete="off"
                                            hint="Leave blank to keep the stored key." error/>
                                        <button type="submit" class="button">"Save credentials"</button>
                                    </ActionForm>
                                </div>
                                <Members/>
                            </section>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
