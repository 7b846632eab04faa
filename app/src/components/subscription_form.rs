//! The webhook form: adding one, or editing one in place (prefilled; the secret is not among
//! the fields, so an edit never touches it or the logs). The server checks both the same way.

use connectgain_types::outbound::{SubscriptionInput, SubscriptionPatch};
use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    components::{
        form::{Field, FormAlert},
        form_data::form_json,
    },
    error::AppError,
    models::webhooks::{EventDocView, SubscriptionRow},
};

/// What the form was filled with, as the create input (the edit takes it as a patch).
pub fn into_patch(input: SubscriptionInput) -> SubscriptionPatch {
    SubscriptionPatch {
        name: Some(input.name),
        url: Some(input.url),
        events: Some(input.events),
        description: Some(input.description.unwrap_or_default()),
        is_active: None,
        signature_style: input.signature_style,
        filter: input.filter,
        headers: input.headers,
        rate_limit_per_sec: input.rate_limit_per_sec,
    }
}

/// The headers text: one `Name: value` a line (blank lines skipped); `Err` names the line
/// without a colon.
fn parse_headers(text: &str) -> Result<std::collections::BTreeMap<String, String>, String> {
    let mut headers = std::collections::BTreeMap::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let (name, value) = line.split_once(':').ok_or_else(|| format!("Line {} needs the form Name: value.", n + 1))?;
        headers.insert(name.trim().to_owned(), value.trim().to_owned());
    }
    Ok(headers)
}

/// The headers as the form shows them: each name with the mask, which keeps its value.
fn headers_text(names: &[String]) -> String {
    names.iter().map(|n| format!("{n}: {}", connectgain_types::outbound::MASKED_HEADER_VALUE)).collect::<Vec<_>>().join("\n")
}

/// Adds a webhook (`existing` is `None`) or edits `existing`; `submit` gets the fields.
#[component]
pub fn SubscriptionForm(
    docs: Vec<EventDocView>,
    existing: Option<SubscriptionRow>,
    submit: Callback<SubscriptionInput>,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    /// Shown beside the submit button when editing (closes the form).
    #[prop(optional)]
    cancel: Option<Callback<()>>,
) -> impl IntoView {
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let names: Vec<String> = docs.iter().map(|d| d.event.clone()).collect();
    let editing = existing.is_some();
    // Text that is not JSON never leaves the page; the server checks the filter's shape.
    let filter_text_error = RwSignal::new(None::<String>);
    let headers_text_error = RwSignal::new(None::<String>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let extra = form_json(&ev, &["filter", "headers", "rate_limit_per_sec"], &[]);
        let extra_text = |k: &str| extra.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().trim().to_owned();
        let headers = match parse_headers(&extra_text("headers")) {
            // Emptied while editing: the headers go.
            Ok(h) if h.is_empty() && !editing => None,
            Ok(h) => Some(h),
            Err(message) => {
                headers_text_error.set(Some(message));
                return;
            }
        };
        headers_text_error.set(None);
        let rate_limit_per_sec = match extra_text("rate_limit_per_sec") {
            t if t.is_empty() => editing.then_some(0),
            t => t.parse::<u32>().ok().or(Some(u32::MAX)),
        };
        let filter_text = extra_text("filter");
        let filter = if filter_text.is_empty() {
            // Emptied while editing: the filter goes.
            editing.then(|| serde_json::json!({}))
        } else {
            match serde_json::from_str::<serde_json::Value>(&filter_text) {
                Ok(value) => Some(value),
                Err(e) => {
                    filter_text_error.set(Some(format!("This is not JSON: {e}.")));
                    return;
                }
            }
        };
        filter_text_error.set(None);
        let checks: Vec<String> = std::iter::once("*".to_owned()).chain(names.iter().cloned()).map(|n| format!("event:{n}")).collect();
        let check_refs: Vec<&str> = checks.iter().map(String::as_str).collect();
        let form = form_json(&ev, &["name", "url", "description", "secret", "signature_style"], &check_refs);
        let events: Vec<String> = checks
            .iter()
            .filter(|c| form.get(c.as_str()).and_then(serde_json::Value::as_bool).unwrap_or(false))
            .map(|c| c.trim_start_matches("event:").to_owned())
            .collect();
        let text = |k: &str| form.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
        let (secret, description) = (text("secret"), text("description"));
        submit.run(SubscriptionInput {
            name: text("name"),
            url: text("url"),
            events,
            secret: (!secret.trim().is_empty()).then_some(secret),
            is_active: None,
            signature_style: Some(text("signature_style")),
            description: (!description.trim().is_empty() || editing).then_some(description),
            filter,
            headers,
            rate_limit_per_sec,
        });
    };
    let events_error = move || error.get().and_then(|e| e.field("events"));
    let filter_error = move || filter_text_error.get().or_else(|| error.get().and_then(|e| e.field("filter")));
    let headers_error = move || headers_text_error.get().or_else(|| error.get().and_then(|e| e.field("headers")));
    let (operational, crm): (Vec<EventDocView>, Vec<EventDocView>) = docs.into_iter().partition(|d| d.kind == "operational");
    let checks = move |docs: Vec<EventDocView>, current: SubscriptionRow| {
        docs.into_iter()
            .map(|d| {
                let checked = current.events.contains(&d.event);
                view! {
                    <label class="toggle small" title=d.description>
                        <input type="checkbox" name=format!("event:{}", d.event) checked=checked/><span>{d.event.clone()}</span>
                    </label>
                }
            })
            .collect_view()
    };
    let current = existing.clone().unwrap_or_default();
    let has = |event: &str| current.events.iter().any(|e| e == event);
    let all = has("*");
    let hex = current.signature_style != "sha256";
    // A textarea's text is its value in the server's HTML; one made in the browser (an
    // edit opened on the page) takes it as a property.
    let filter_text = current.filter.clone().unwrap_or_default();
    let header_lines = headers_text(&current.headers);
    let title = match &existing {
        Some(s) => format!("Edit {}", s.name),
        None => "Add a webhook".to_owned(),
    };

    view! {
        <form class="panel form subscription-form" on:submit=on_submit>
            <h2>{title}</h2>
            <FormAlert error=general/>
            <Field name="name" label="Name" required=true placeholder="My integration" value=existing.as_ref().map(|s| s.name.clone()) error/>
            <Field name="url" label="URL" required=true placeholder="https://example.com/webhooks" value=existing.as_ref().map(|s| s.url.clone()) error/>
            <Field name="description" label="Description" placeholder="What this endpoint is for"
                value=existing.as_ref().and_then(|s| s.description.clone()) error/>
            <fieldset class="field events-field" class:has-error=move || events_error().is_some()>
                <legend>"Events"</legend>
                <label class="toggle"><input type="checkbox" name="event:*" checked=all/><span>"All CRM events (*)"</span></label>
                <div class="event-checks">{checks(crm, current.clone())}</div>
                <p class="field-error" role="alert">{events_error}</p>
            </fieldset>
            <fieldset class="field events-field">
                <legend>"Endpoint health events"</legend>
                <p class="hint">"About your other webhooks failing, turned off or recovered; never sent about this endpoint itself, and not included in *."</p>
                <div class="event-checks">{checks(operational, current.clone())}</div>
            </fieldset>
            {(!editing).then(|| view! {
                <Field name="secret" label="Signing secret" kind="password" autocomplete="off"
                    hint="Leave blank to have one generated (whsec_…). It is shown once." error/>
            })}
            <div class="field" class:has-error=move || filter_error().is_some()>
                <label for="field-filter">"Payload filter" <span class="optional">" (optional)"</span></label>
                <textarea id="field-filter" name="filter" class="json-editor" rows="3" spellcheck="false" aria-describedby="field-filter-hint field-filter-error"
                    placeholder="{\"data.stage\": \"won\"}" prop:value=filter_text.clone()>{filter_text.clone()}</textarea>
                <p class="hint" id="field-filter-hint">"Only events whose body matches are sent, e.g. " <code>"{\"data.value_cents\": {\"$gte\": 100000}}"</code>
                    ". Operators: $eq $ne $gt $gte $lt $lte $in $nin $exists, $and, $or. Leave empty for every event."</p>
                <p class="field-error" id="field-filter-error" role="alert">{filter_error}</p>
            </div>
            <div class="field" class:has-error=move || headers_error().is_some()>
                <label for="field-headers">"Custom headers" <span class="optional">" (optional)"</span></label>
                <textarea id="field-headers" name="headers" class="json-editor" rows="2" spellcheck="false" autocomplete="off"
                    aria-describedby="field-headers-hint field-headers-error" placeholder="X-Api-Key: your-key" prop:value=header_lines.clone()>{header_lines.clone()}</textarea>
                <p class="hint" id="field-headers-hint">"Sent with every attempt, one " <code>"Name: value"</code> " a line. Values are stored encrypted and shown as "
                    <code>"********"</code> "; leave a masked value as it is to keep it."</p>
                <p class="field-error" id="field-headers-error" role="alert">{headers_error}</p>
            </div>
            <Field name="rate_limit_per_sec" label="Rate limit (attempts per second)" kind="number" placeholder="No limit"
                value=current.rate_limit_per_sec.map(|n| n.to_string())
                hint="The endpoint never gets more than this many attempts in any one second; the rest wait. Leave empty for no limit." error/>
            <div class="field">
                <label for="field-signature_style">"X-Webhook-Signature format"</label>
                <select id="field-signature_style" name="signature_style">
                    <option value="hex" selected=hex>"hex (HMAC-SHA256 of the body)"</option>
                    <option value="sha256" selected=!hex>"sha256=hex"</option>
                </select>
            </div>
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || pending.get()>{if editing { "Save changes" } else { "Add webhook" }}</button>
                {cancel.map(|cancel| view! {
                    <button type="button" class="button secondary" on:click=move |_| cancel.run(())>"Cancel"</button>
                })}
            </div>
        </form>
    }
}
