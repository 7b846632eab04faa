//! Contacts (anyone in the organization): a search by name, e-mail or phone (`?q=`, a plain
//! GET form), the contacts newest first in pages, and a form to add one, which emits
//! contact.created to the organization's webhooks.

use connectgain_types::crm::ContactInput;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        form::{Field, FormAlert},
        form_data::form_input,
        show_more::ShowMore,
        status::LoadFailed,
    },
    functions::webhooks::{create_contact, list_contacts},
    models::admin::short_time,
};

#[component]
pub fn ContactsPage() -> impl IntoView {
    let create = Action::new(|input: &ContactInput| create_contact(input.clone()));
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|q| q.get("q")).filter(|q| !q.trim().is_empty()));
    // Loaded per search; a contact added here goes on top of the list from the answer (no
    // refetch).
    // Without JavaScript, "Show more" loads the page from `?cursor=`.
    let from = Memo::new(move |_| query.with(|q| q.get("cursor")));
    let contacts = Resource::new(move || (search.get(), from.get()), |(q, cursor)| list_contacts(q, cursor));
    Effect::new(move |_| {
        if let Some(Ok(added)) = create.value().get() {
            contacts.update(|loaded| {
                if let Some(Ok(page)) = loaded {
                    page.data.retain(|c| c.id != added.id);
                    page.data.insert(0, added);
                }
            });
        }
    });
    // "Show more" appends the next page to the list shown.
    let more = Action::new(move |cursor: &String| list_contacts(search.get_untracked(), Some(cursor.clone())));
    Effect::new(move |_| {
        if let Some(Ok(next)) = more.value().get() {
            contacts.update(|loaded| {
                if let Some(Ok(page)) = loaded {
                    page.data.extend(next.data);
                    page.next_cursor = next.next_cursor;
                }
            });
        }
    });
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = form_input(&ev, &["first_name", "last_name", "email", "phone"], &[]) {
            create.dispatch(input);
        }
    };

    let deleted = query.with_untracked(|q| q.get("deleted").is_some());
    view! {
        <Title text="Contacts"/>
        {deleted.then(|| view! { <div class="alert alert-ok" role="status">"The contact was deleted."</div> })}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match contacts.await {
                    Ok(page) => {
                        let list = page.data;
                        let next = page.next_cursor;
                        view! {
                        <section class="contacts">
                            <h1>"Contacts"</h1>
                            <form class="panel form" on:submit=on_submit>
                                <h2>"Add a contact"</h2>
                                <FormAlert error=general/>
                                <div class="field-row">
                                    <Field name="first_name" label="First name" error/>
                                    <Field name="last_name" label="Last name" error/>
                                </div>
                                <div class="field-row">
                                    <Field name="email" label="E-mail" kind="email" error/>
                                    <Field name="phone" label="Phone" placeholder="+15551234567" error/>
                                </div>
                                {move || create.value().get().and_then(Result::ok).map(|c| view! {
                                    <div class="alert alert-ok" role="status">{format!("Contact {} added.", c.name())}</div>
                                })}
                                <button type="submit" class="button" disabled=move || create.pending().get()>"Add contact"</button>
                            </form>
                            <div class="panel">
                                // A plain GET form: the same request with or without JavaScript.
                                <form method="get" action="/contacts" class="search-form" role="search">
                                    <label for="contact-search">"Search contacts"</label>
                                    <input id="contact-search" type="search" name="q" value=search.get_untracked().unwrap_or_default()
                                        placeholder="Name, e-mail or phone"/>
                                    <button type="submit" class="button secondary">"Search"</button>
                                </form>
                                {if list.is_empty() {
                                    match search.get_untracked() {
                                        Some(q) => view! { <p class="muted">{format!("No contact matches “{q}”. Check the spelling, or search for part of a name, an address or a number.")}</p> }.into_any(),
                                        None => view! { <p class="muted">"No contacts yet. Add one above, or send them through the API or an inbound lead."</p> }.into_any(),
                                    }
                                } else {
                                    view! {
                                        // Focusable: at 375 px it scrolls sideways, also from the keyboard.
                                        <div class="table-scroll" tabindex="0" role="region" aria-label="Contacts">
                                        <table class="table contact-list">
                                            <thead><tr><th>"Name"</th><th>"E-mail"</th><th>"Phone"</th><th>"Added (UTC)"</th></tr></thead>
                                            <tbody>
                                                {list.into_iter().map(|c| view! {
                                                    <tr><td><a href=format!("/contacts/{}", c.id)>{c.name()}</a></td><td>{c.email.clone().unwrap_or_default()}</td>
                                                        <td>{c.phone.clone().unwrap_or_default()}</td><td>{short_time(&c.created_at)}</td></tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        </div>
                                        {next.map(|cursor| view! {
                                            <ShowMore action="/contacts" keep=search.get_untracked().map(|q| ("q", q)).into_iter().collect() cursor
                                                pending=more.pending() more=Callback::new(move |cursor| { more.dispatch(cursor); })/>
                                        })}
                                        {from.get_untracked().map(|_| view! { <a class="small" href="/contacts">"Back to the newest"</a> })}
                                    }.into_any()
                                }}
                            </div>
                        </section>
                    }.into_any()
                    }
                    Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
