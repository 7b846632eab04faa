//! Composing and sending a campaign through Appgain, beside the campaigns sent before.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        form::{form_error, Field, FormAlert},
        show_more::ShowMore,
        status::LoadFailed,
    },
    functions::campaigns::{list_campaigns, SendCampaign},
    models::CampaignRow,
};

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let action = ServerAction::<SendCampaign>::new();
    let error = form_error(action.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let query = use_query_map();
    let sent_plain = query.with_untracked(|q| q.get("sent"));
    // Loaded again after each send, which adds a campaign on top.
    // Without JavaScript, "Show more" loads the page from `?cursor=`.
    let from = Memo::new(move |_| query.with(|q| q.get("cursor")));
    let history = Resource::new(move || (action.version().get(), from.get()), |(_, cursor)| list_campaigns(cursor));
    let more = Action::new(|cursor: &String| list_campaigns(Some(cursor.clone())));
    Effect::new(move |_| {
        if let Some(Ok(next)) = more.value().get() {
            history.update(|loaded| {
                if let Some(Ok(page)) = loaded {
                    page.data.extend(next.data);
                    page.next_cursor = next.next_cursor;
                }
            });
        }
    });

    view! {
        <Title text="Campaigns"/>
        <section class="panel narrow">
            <h1>"Send a campaign"</h1>
            <p class="muted">"Sent through Appgain with your organization's credentials, from the server."</p>
            <FormAlert error=general/>
            {sent_plain.map(|status| view! { <div class="alert alert-ok" role="status">{format!("Appgain answered HTTP {status}.")}</div> })}
            {move || action.value().get().and_then(Result::ok).map(|r| {
                let tone = if r.accepted { "alert-ok" } else { "alert-error" };
                view! {
                    <div class=format!("alert {tone} campaign-result") role="status">
                        <strong>{format!("Appgain answered HTTP {}", r.status)}</strong>
                        <pre class="response">{r.response}</pre>
                    </div>
                }
            })}
            <ActionForm action attr:class="form">
                <Field name="name" label="Campaign name" required=true autocomplete="off" error/>
                <div class="field">
                    <label for="field-channel">"Channel"</label>
                    <select id="field-channel" name="channel">
                        <option value="push">"Push notification"</option>
                        <option value="sms">"SMS"</option>
                        <option value="whatsapp">"WhatsApp"</option>
                        <option value="email">"E-mail"</option>
                    </select>
                    <p class="field-error">{move || error.get().and_then(|e| e.field("channel"))}</p>
                </div>
                <div class="field" class:has-error=move || error.get().and_then(|e| e.field("message")).is_some()>
                    <label for="field-message">"Message"</label>
                    <textarea id="field-message" name="message" rows="5" required=true></textarea>
                    <p class="field-error" role="alert">{move || error.get().and_then(|e| e.field("message"))}</p>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Sending…" } else { "Send campaign" }}
                </button>
            </ActionForm>
        </section>
        <section class="panel campaign-history">
            <h2>"Sent campaigns"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(page) if page.data.is_empty() => view! {
                            <p class="muted">"No campaigns sent yet. Write one above: it goes out through Appgain and shows here with its outcome."</p>
                        }.into_any(),
                        Ok(page) => view! {
                            <div class="table-scroll" tabindex="0" role="region" aria-label="Sent campaigns">
                                <table class="table">
                                    <thead><tr><th>"Campaign"</th><th>"Channel"</th><th>"Status"</th><th>"Sent (UTC)"</th></tr></thead>
                                    <tbody>{page.data.into_iter().map(|c| view! { <HistoryRow c/> }).collect_view()}</tbody>
                                </table>
                            </div>
                            {page.next_cursor.map(|cursor| view! {
                                <ShowMore action="/campaigns" cursor pending=more.pending() more=Callback::new(move |cursor| { more.dispatch(cursor); })/>
                            })}
                        }.into_any(),
                        Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn HistoryRow(c: CampaignRow) -> impl IntoView {
    let tone = match c.status.as_str() {
        "completed" => "tone-ok",
        "failed" => "tone-bad",
        _ => "tone-muted",
    };
    let status = match c.provider_status {
        Some(http) => format!("{} (HTTP {http})", c.status),
        None => c.status.clone(),
    };
    view! {
        <tr>
            <td>{c.name}</td>
            <td>{c.channel}</td>
            <td class=tone><span class="badge">{status}</span></td>
            <td>{c.sent_at}</td>
        </tr>
    }
}
