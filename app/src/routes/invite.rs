//! Joining an organization through an invitation link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    components::form::{form_error, Field, FormAlert},
    functions::members::{invitation_preview, AcceptInvitation},
};

#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let preview = Resource::new(token, invitation_preview);
    let action = ServerAction::<AcceptInvitation>::new();
    let error = form_error(action.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));

    view! {
        <Title text="Join an organization"/>
        <section class="panel narrow auth-panel">
            <Suspense fallback=|| view! { <p class="muted">"Checking the invitation…"</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(org) => view! {
                            <h1>{format!("Join {org}")}</h1>
                            <p class="muted">"Set up your login to join as a member."</p>
                            <FormAlert error=general/>
                            <ActionForm action attr:class="form">
                                <input type="hidden" name="token" value=token()/>
                                <Field name="email" label="E-mail" kind="email" autocomplete="email" required=true error/>
                                <Field name="password" label="Password" kind="password" autocomplete="new-password" required=true
                                    hint="At least 8 characters." error/>
                                <div class="field-row">
                                    <Field name="first_name" label="First name" autocomplete="given-name" error/>
                                    <Field name="last_name" label="Last name" autocomplete="family-name" error/>
                                </div>
                                <button type="submit" class="button wide">"Join"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Err(e) => {
                            crate::components::status::set_status(404);
                            view! {
                                <h1>"Invitation not valid"</h1>
                                <p>{e.message}</p>
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
