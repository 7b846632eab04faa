//! The members section of Settings: who is in the organization, invitation links, removal.

use leptos::prelude::*;

use crate::{
    components::confirm::ConfirmSubmit,
    functions::members::{list_members, CreateInvitation, RemoveMember},
};

#[component]
pub fn Members() -> impl IntoView {
    let invite = ServerAction::<CreateInvitation>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let members = Resource::new(|| (), |_| list_members());
    // A removal's answer drops the row in place (no refetch); without JavaScript the form
    // post reloads the page instead.
    Effect::new(move |_| {
        if let Some(Ok(removed)) = remove.value().get() {
            members.update(|loaded| {
                if let Some(Ok(people)) = loaded {
                    people.retain(|m| m.id != removed);
                }
            });
        }
    });

    view! {
        <div class="panel members">
            <h2>"Members"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(people) => view! {
                            <div class="table-scroll"><table class="table">
                                <thead><tr><th>"Name"</th><th>"E-mail"</th><th>"Role"</th><th><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {people.into_iter().map(|m| {
                                        let removable = m.role == "member";
                                        let id = m.id.clone();
                                        view! {
                                            <tr>
                                                <td>{m.name}</td>
                                                <td>{m.email.clone()}</td>
                                                <td><span class="badge">{m.role}</span></td>
                                                <td class="actions">
                                                    {removable.then(|| view! {
                                                        <ActionForm action=remove attr:class="inline-form">
                                                            <input type="hidden" name="member_id" value=id/>
                                                            <ConfirmSubmit label="Remove" question=format!("Remove {}?", m.email)
                                                                class="button secondary small" aria_label=format!("Remove {}", m.email)/>
                                                        </ActionForm>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }
                        .into_any(),
                        Err(e) => view! { <div class="alert alert-error">{e.message}</div> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=invite attr:class="inline-form">
                <button type="submit" class="button secondary">"Create an invitation link"</button>
            </ActionForm>
            {move || invite.value().get().map(|result| match result {
                Ok(link) => view! {
                    <div class="alert alert-ok invitation" role="status">
                        <p>"Send this link to the person you invite. It works once, until " {link.expires_at} "."</p>
                        <input class="copy-field" readonly=true value=link.url aria-label="Invitation link"/>
                    </div>
                }
                .into_any(),
                Err(e) => view! { <div class="alert alert-error">{e.message}</div> }.into_any(),
            })}
        </div>
    }
}
