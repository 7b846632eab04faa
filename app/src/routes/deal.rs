//! A deal: every field in one form (title, amount and currency, stage, contact, assignee),
//! saved together. Works without JavaScript (a plain post, then back to this page).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    components::{
        assignee::AssigneeSelect,
        form::{form_error, Field, FormAlert},
        status::LoadFailed,
    },
    functions::deals::{get_deal_page, UpdateDeal},
    models::deals::{stage_label, DealDetail, STAGES},
};

#[component]
pub fn DealPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateDeal>::new();
    let deal = Resource::new(move || (id(), update.version().get()), |(id, _)| get_deal_page(id));
    view! {
        <Title text="Deal"/>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match deal.await {
                    Ok(d) => view! { <Deal d update/> }.into_any(),
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Deal(d: DealDetail, update: ServerAction<UpdateDeal>) -> impl IntoView {
    let query = use_query_map();
    let error = form_error(update.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(()))) || query.with(|q| q.get("saved").is_some()));
    view! {
        <section class="deal-page">
            <p class="eyebrow"><a href="/deals">"Deals"</a></p>
            <h1>{d.title.clone()}</h1>
            <p class="lead">
                {d.value.clone()}" · "<span class="badge">{stage_label(&d.stage).to_owned()}</span>
                {d.contact.clone().map(|(id, name)| view! { " · with "<a href=format!("/contacts/{id}")>{name}</a> })}
            </p>
            <div class="panel">
                <h2>"Details"</h2>
                <p class="muted">{format!("Added {}, last changed {}.", d.created_at, d.updated_at)}</p>
                {move || saved.get().then(|| view! { <div class="alert alert-ok" role="status">"Saved."</div> })}
                <FormAlert error=general/>
                <ActionForm action=update attr:class="form">
                    <input type="hidden" name="id" value=d.id.clone()/>
                    <Field name="title" label="Title" required=true value=Some(d.title.clone()) error/>
                    <div class="field-row">
                        <Field name="amount" label="Amount" value=Some(d.amount.clone()) error/>
                        <Field name="currency" label="Currency" value=Some(d.currency.clone()) error/>
                    </div>
                    <div class="field-row">
                        <div class="field">
                            <label for="field-stage">"Stage"</label>
                            <select id="field-stage" name="stage">
                                {STAGES.iter().map(|(value, label)| view! { <option value=*value selected=*value == d.stage>{*label}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="field-assigned">"Assigned to"</label>
                            <AssigneeSelect id="field-assigned" name="assigned_to" members=d.members.clone() assigned_to=d.assigned_to.clone()/>
                        </div>
                    </div>
                    <Field name="contact" label="Contact" placeholder="E-mail address or phone number" value=Some(d.contact_address.clone())
                        hint="Blank for none." error/>
                    <button type="submit" class="button">"Save"</button>
                </ActionForm>
            </div>
        </section>
    }
}
