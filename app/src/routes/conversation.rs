//! A conversation: its messages oldest first with each one's direction and delivery status,
//! a reply box that sends through the tenant's WhatsApp or SMS provider, assigning, closing
//! and reopening. New messages and status changes appear without a reload (the latest page
//! polls); every form also works as a plain post.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    components::{
        assignee::AssigneeSelect,
        form::{form_error, FormAlert},
        polling::ticks,
        status::LoadFailed,
    },
    functions::conversations::{get_messages, get_thread_head, AssignConversation, SendReply, SetConversationStatus},
    models::conversations::{channel_label, MessageRow, ThreadHead},
};

const REFRESH_EVERY: Duration = Duration::from_secs(2);

#[component]
pub fn ConversationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let earlier = Memo::new(move |_| query.with(|q| q.get("earlier")));
    let assign = ServerAction::<AssignConversation>::new();
    let status = ServerAction::<SetConversationStatus>::new();
    let reply = ServerAction::<SendReply>::new();
    let head = Resource::new(move || (id.get(), assign.version().get(), status.version().get()), |(id, _, _)| get_thread_head(id));
    let tick = ticks(REFRESH_EVERY);
    // Only the latest messages follow new ones; an earlier page stays as it was.
    let follow = Memo::new(move |_| if earlier.with(Option::is_none) { tick.get() } else { 0 });
    let messages = Resource::new(move || (id.get(), earlier.get(), follow.get(), reply.version().get()), |(id, earlier, _, _)| get_messages(id, earlier));
    let loaded = move || messages.get().and_then(Result::ok);
    view! {
        <Title text="Conversation"/>
        <section class="conversation-page">
            <p class="eyebrow"><a href="/conversations">"Inbox"</a></p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match head.await {
                        Ok(h) => view! { <Head h assign status/> }.into_any(),
                        Err(e) => view! { <LoadFailed error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <div class="panel thread-panel">
                <h2 class="visually-hidden">"Messages"</h2>
                <Transition fallback=|| view! { <p class="muted">"Loading messages…"</p> }>
                    {move || loaded().and_then(|page| page.earlier_cursor).map(|cursor| view! {
                        <a class="button secondary small" href=format!("/conversations/{}?earlier={cursor}", id.get())>"Show earlier messages"</a>
                    })}
                    {move || loaded().filter(|page| page.messages.is_empty()).map(|_| view! { <p class="muted">"No messages yet."</p> })}
                    {move || messages.get().and_then(Result::err).map(|e| view! { <LoadFailed error=e/> })}
                    // One list for the page's life: a message arriving is added to it, not the
                    // list redrawn, so a screen reader announces just the new one (role="log").
                    <div role="log" aria-label="Messages">
                        <ol class="thread">
                            <For each=move || loaded().map(|page| page.messages).unwrap_or_default() key=|m| (m.id.clone(), m.status.clone()) let:m>
                                <Bubble m/>
                            </For>
                        </ol>
                    </div>
                    {move || earlier.get().map(|_| view! {
                        <a class="small" href=format!("/conversations/{}", id.get())>"Back to the latest"</a>
                    })}
                </Transition>
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    head.await.ok().map(|h| view! { <ReplyBox h reply/> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Head(h: ThreadHead, assign: ServerAction<AssignConversation>, status: ServerAction<SetConversationStatus>) -> impl IntoView {
    let query = use_query_map();
    let assigned = Signal::derive(move || matches!(assign.value().get(), Some(Ok(()))) || query.with(|q| q.get("assigned").is_some()));
    let assign_error = Signal::derive(move || assign.value().get().and_then(Result::err));
    let status_error = Signal::derive(move || status.value().get().and_then(Result::err));
    let name = h.contact.as_ref().map_or_else(|| "No contact".to_owned(), |(_, name)| name.clone());
    let (next, action) = if h.open { ("closed", "Close conversation") } else { ("open", "Reopen conversation") };
    // One copy per form (the view takes each by value).
    let (id_assign, id_status) = (h.id.clone(), h.id.clone());
    view! {
        <h1>{name}</h1>
        <p class="lead">
            <span class="badge">{channel_label(&h.channel).to_owned()}</span>" "
            <span class="badge" class:muted-badge=!h.open>{if h.open { "Open" } else { "Closed" }}</span>
            {h.subject.clone().map(|s| view! { " · "{s} })}
            {h.contact.clone().map(|(id, _)| view! { " · "<a href=format!("/contacts/{id}")>"Contact page"</a> })}
        </p>
        <div class="thread-actions">
            <ActionForm action=assign attr:class="inline-form">
                <input type="hidden" name="id" value=id_assign/>
                <label for="field-assignee">"Assigned to"</label>
                <AssigneeSelect id="field-assignee" name="user_id" members=h.members.clone() assigned_to=h.assigned_to.clone()/>
                <button type="submit" class="button secondary small">"Assign"</button>
            </ActionForm>
            <ActionForm action=status attr:class="inline-form">
                <input type="hidden" name="id" value=id_status/>
                <input type="hidden" name="status" value=next/>
                <button type="submit" class="button secondary small">{action}</button>
            </ActionForm>
        </div>
        {move || assigned.get().then(|| view! { <div class="alert alert-ok" role="status">"Assignment saved."</div> })}
        <FormAlert error=assign_error/>
        <FormAlert error=status_error/>
    }
}

#[component]
fn Bubble(m: MessageRow) -> impl IntoView {
    let who = if m.inbound { "They wrote" } else { "You wrote" };
    view! {
        <li class="message" class:inbound=m.inbound class:outbound=!m.inbound class:failed=m.status == "failed">
            <span class="visually-hidden">{who}": "</span>
            <p class="message-body">{m.body.clone()}</p>
            <p class="message-meta">
                <span>{m.at.clone()}</span>
                {(!m.inbound).then(|| view! { " · "<span class="message-status">{m.status_label()}</span> })}
            </p>
        </li>
    }
}

#[component]
fn ReplyBox(h: ThreadHead, reply: ServerAction<SendReply>) -> impl IntoView {
    let query = use_query_map();
    let error = form_error(reply.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));
    let body_error = move || error.get().and_then(|e| e.field("body"));
    // Cleared once a reply is sent (with JavaScript; a plain post loads an empty form).
    let draft = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = reply.value().get() {
            draft.set(String::new());
        }
    });
    let sent = query.with_untracked(|q| q.get("sent").is_some());
    if let Some(why) = h.cannot_reply.clone() {
        return view! { <p class="muted panel">{why}</p> }.into_any();
    }
    view! {
        <div class="panel">
            <h2>"Reply"</h2>
            {sent.then(|| view! { <div class="alert alert-ok" role="status">"Sent."</div> })}
            <FormAlert error=general/>
            <ActionForm action=reply attr:class="form reply-form">
                <input type="hidden" name="id" value=h.id.clone()/>
                <div class="field" class:has-error=move || body_error().is_some()>
                    <label for="field-body">{format!("Message on {}", channel_label(&h.channel))}</label>
                    <textarea id="field-body" name="body" rows="3" maxlength="1600" required
                        prop:value=move || draft.get() on:input=move |ev| draft.set(event_target_value(&ev))
                        aria-invalid=move || body_error().is_some().to_string() aria-describedby="field-body-error"></textarea>
                    <p class="field-error" id="field-body-error" role="alert">{body_error}</p>
                </div>
                <button type="submit" class="button" disabled=move || reply.pending().get()>"Send"</button>
            </ActionForm>
        </div>
    }
    .into_any()
}
