//! The inbox: the organization's conversations, the most recently active first, filtered
//! by status, channel and assignee (a plain GET form). New messages show up without a
//! reload: the first page follows them every few seconds.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{polling::ticks, status::LoadFailed},
    functions::conversations::get_inbox,
    models::conversations::{channel_label, InboxQuery, InboxRow, CHANNELS},
};

const REFRESH_EVERY: Duration = Duration::from_secs(3);

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        query.with(|q| InboxQuery {
            status: q.get("status").unwrap_or_default(),
            channel: q.get("channel").unwrap_or_default(),
            assigned: q.get("assigned").unwrap_or_default(),
            contact: q.get("contact").unwrap_or_default(),
            cursor: q.get("cursor"),
        })
    });
    let tick = ticks(REFRESH_EVERY);
    // Only the first page follows new messages; an older one stays as it was.
    let follow = Memo::new(move |_| if asked.with(|q| q.cursor.is_none()) { tick.get() } else { 0 });
    let inbox = Resource::new(move || (asked.get(), follow.get()), |(q, _)| get_inbox(q));
    view! {
        <Title text="Inbox"/>
        <section class="inbox">
            <h1>"Inbox"</h1>
            {(!asked.get_untracked().contact.is_empty()).then(|| view! {
                <p class="lead">"One contact's conversations. "<a href="/conversations">"Everyone's"</a></p>
            })}
            <Filters asked=asked.get_untracked()/>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match inbox.await {
                        Ok(page) if page.data.is_empty() => view! { <EmptyInbox asked=asked.get_untracked()/> }.into_any(),
                        Ok(page) => {
                            let more = page.next_cursor.map(|cursor| more_href(&asked.get_untracked(), &cursor));
                            view! {
                                <ul class="inbox-list" aria-label="Conversations">
                                    {page.data.into_iter().map(|row| view! { <Entry row/> }).collect_view()}
                                </ul>
                                {more.map(|href| view! { <a class="button secondary small" href=href>"Older conversations"</a> })}
                            }.into_any()
                        }
                        Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The next page's address, with the same filters.
fn more_href(asked: &InboxQuery, cursor: &str) -> String {
    // The filters are fixed words and the cursor a time and an id: nothing needs encoding.
    format!("/conversations?status={}&channel={}&assigned={}&contact={}&cursor={cursor}", asked.status, asked.channel, asked.assigned, asked.contact)
}

#[component]
fn Filters(asked: InboxQuery) -> impl IntoView {
    let option = |value: &'static str, label: &'static str, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <form method="get" action="/conversations" class="panel filters-form" role="search" aria-label="Filter conversations">
            {(!asked.contact.is_empty()).then(|| view! { <input type="hidden" name="contact" value=asked.contact.clone()/> })}
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    {option("", "Open", &asked.status)}
                    {option("closed", "Closed", &asked.status)}
                    {option("all", "All", &asked.status)}
                </select>
            </div>
            <div class="field">
                <label for="filter-channel">"Channel"</label>
                <select id="filter-channel" name="channel">
                    {option("", "Any channel", &asked.channel)}
                    {CHANNELS.iter().map(|(value, label)| option(value, label, &asked.channel)).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-assigned">"Assigned to"</label>
                <select id="filter-assigned" name="assigned">
                    {option("", "Anyone", &asked.assigned)}
                    {option("me", "Me", &asked.assigned)}
                    {option("none", "Nobody", &asked.assigned)}
                </select>
            </div>
            <button type="submit" class="button secondary">"Show"</button>
        </form>
    }
}

#[component]
fn EmptyInbox(asked: InboxQuery) -> impl IntoView {
    let filtered = !(asked.channel.is_empty() && asked.assigned.is_empty() && asked.status.is_empty() && asked.contact.is_empty());
    let text = if filtered {
        "No conversation matches these filters. Show all statuses, any channel and anyone to see every conversation."
    } else {
        "No open conversations. A WhatsApp or SMS message from a contact starts one here; the platform admin connects the numbers."
    };
    view! { <p class="muted empty-state">{text}</p> }
}

#[component]
fn Entry(row: InboxRow) -> impl IntoView {
    view! {
        <li class="inbox-entry" class:waiting=row.waiting>
            <a href=format!("/conversations/{}", row.id)>
                <span class="entry-head">
                    <strong>{row.contact.clone()}</strong>
                    <span class="badge">{channel_label(&row.channel).to_owned()}</span>
                    {(!row.open).then(|| view! { <span class="badge muted-badge">"Closed"</span> })}
                    {row.waiting.then(|| view! { <span class="dot" title="Waiting for an answer"></span><span class="visually-hidden">"Waiting for an answer"</span> })}
                    <span class="muted small entry-time">{row.updated_at.clone()}</span>
                </span>
                {row.subject.clone().map(|s| view! { <span class="entry-subject">{s}</span> })}
                <span class="entry-preview muted">{row.preview.clone().unwrap_or_else(|| "No messages yet.".into())}</span>
            </a>
        </li>
    }
}
