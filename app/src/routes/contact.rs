//! A contact (anyone in the organization): its fields to change, who it is assigned to,
//! its other fields, its deals and conversations, and deleting it after a confirmation.
//! Every form works without JavaScript (a plain post, then back to this page).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::{
    components::{
        assignee::AssigneeSelect,
        confirm::ConfirmSubmit,
        form::{form_error, Field, FormAlert},
        status::LoadFailed,
    },
    functions::contacts::{get_contact_page, AssignContact, DeleteContact, UpdateContact},
    models::{contacts::ContactDetail, conversations::channel_label, deals::stage_label},
};

#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateContact>::new();
    let assign = ServerAction::<AssignContact>::new();
    let delete = ServerAction::<DeleteContact>::new();
    let contact = Resource::new(move || (id(), update.version().get(), assign.version().get()), |(id, _, _)| get_contact_page(id));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/contacts?deleted=1", Default::default());
        }
    });
    view! {
        <Title text="Contact"/>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match contact.await {
                    Ok(c) => view! { <Contact c update assign delete/> }.into_any(),
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Contact(c: ContactDetail, update: ServerAction<UpdateContact>, assign: ServerAction<AssignContact>, delete: ServerAction<DeleteContact>) -> impl IntoView {
    let query = use_query_map();
    let error = form_error(update.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(()))) || query.with(|q| q.get("saved").is_some()));
    let assigned = Signal::derive(move || matches!(assign.value().get(), Some(Ok(()))) || query.with(|q| q.get("assigned").is_some()));
    let assign_error = Signal::derive(move || assign.value().get().and_then(Result::err));
    let delete_error = Signal::derive(move || delete.value().get().and_then(Result::err));
    let name = c.name.clone();
    let question = format!("Delete {name}? Its deals and conversations stay, without a contact.");
    // One copy per form (the view takes each by value).
    let (id_update, id_assign, id_delete) = (c.id.clone(), c.id.clone(), c.id.clone());
    view! {
        <section class="contact-page">
            <p class="eyebrow"><a href="/contacts">"Contacts"</a></p>
            <h1>{name.clone()}</h1>
            <div class="panel">
                <h2>"Details"</h2>
                <p class="muted">{format!("Added {}, last changed {}.", c.created_at, c.updated_at)}</p>
                {move || saved.get().then(|| view! { <div class="alert alert-ok" role="status">"Saved."</div> })}
                <FormAlert error=general/>
                <ActionForm action=update attr:class="form">
                    <input type="hidden" name="id" value=id_update/>
                    <div class="field-row">
                        <Field name="first_name" label="First name" value=c.first_name.clone() error/>
                        <Field name="last_name" label="Last name" value=c.last_name.clone() error/>
                    </div>
                    <div class="field-row">
                        <Field name="email" label="E-mail" kind="email" value=c.email.clone() error/>
                        <Field name="phone" label="Phone" placeholder="+15551234567" value=c.phone.clone() error/>
                    </div>
                    <button type="submit" class="button">"Save"</button>
                </ActionForm>
            </div>
            <div class="panel">
                <h2>"Assigned to"</h2>
                {move || assigned.get().then(|| view! { <div class="alert alert-ok" role="status">"Assignment saved."</div> })}
                <FormAlert error=assign_error/>
                <ActionForm action=assign attr:class="inline-form">
                    <input type="hidden" name="id" value=id_assign/>
                    <label for="field-assignee" class="visually-hidden">"Person"</label>
                    <AssigneeSelect id="field-assignee" name="user_id" members=c.members.clone() assigned_to=c.assigned_to.clone()/>
                    <button type="submit" class="button secondary">"Assign"</button>
                </ActionForm>
            </div>
            <div class="panel">
                <h2>"Other fields"</h2>
                {match c.attributes.clone() {
                    Some(json) => view! { <pre class="attributes" tabindex="0" aria-label="Other fields">{json}</pre> }.into_any(),
                    None => view! { <p class="muted">"None. Fields sent with a lead or through the API's "<code>"attributes"</code>" show here."</p> }.into_any(),
                }}
            </div>
            <div class="panel">
                <h2>"Deals"</h2>
                {if c.deals.is_empty() {
                    view! { <p class="muted">"No deals with this contact yet. Add one on the "<a href="/deals">"deals board"</a>" with this contact's e-mail address or number."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {c.deals.iter().map(|deal| view! {
                                <li><a href=format!("/deals/{}", deal.id)><strong>{deal.title.clone()}</strong></a>" · "{deal.value.clone()}" · "<span class="badge">{stage_label(&deal.stage).to_owned()}</span></li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </div>
            <div class="panel">
                <h2>"Conversations"</h2>
                {if c.conversations.is_empty() {
                    view! { <p class="muted">"No conversations yet. A WhatsApp or SMS message from this contact starts one."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {c.conversations.iter().map(|conversation| view! {
                                <li>
                                    <span class="badge">{channel_label(&conversation.channel).to_owned()}</span>" "
                                    <a href=format!("/conversations/{}", conversation.id)>{conversation.subject.clone().unwrap_or_else(|| "Conversation".into())}</a>
                                    {format!(" · {} · {}", conversation.status.to_lowercase(), conversation.updated_at)}
                                </li>
                            }).collect_view()}
                        </ul>
                        <p><a href=format!("/conversations?status=all&contact={}", c.id)>"All of this contact's conversations in the inbox"</a></p>
                    }.into_any()
                }}
            </div>
            <div class="panel">
                <h2>"Delete"</h2>
                <FormAlert error=delete_error/>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id_delete/>
                    <ConfirmSubmit label="Delete contact" question/>
                </ActionForm>
            </div>
        </section>
    }
}
