//! Signing up: an account, an organization, and Appgain credentials provisioned for it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    components::form::{form_error, Field, FormAlert},
    functions::auth::Signup,
};

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<Signup>::new();
    let error = form_error(action.value().into());
    let general = Signal::derive(move || error.get().filter(|e| e.fields.is_empty()));

    view! {
        <Title text="Sign up"/>
        <section class="panel narrow auth-panel">
            <h1>"Create your organization"</h1>
            <p class="muted">"Your Appgain messaging credentials are set up for you as part of signing up."</p>
            <FormAlert error=general/>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <Field name="email" label="E-mail" kind="email" autocomplete="email" required=true error/>
                <Field name="password" label="Password" kind="password" autocomplete="new-password" required=true
                    hint="At least 8 characters." error/>
                <Field name="organization_name" label="Organization name" autocomplete="organization" required=true error/>
                <div class="field-row">
                    <Field name="first_name" label="First name" autocomplete="given-name" error/>
                    <Field name="last_name" label="Last name" autocomplete="family-name" error/>
                </div>
                <Field name="phone" label="Phone" kind="tel" autocomplete="tel" placeholder="+201001383533"
                    hint="International format; recommended for WhatsApp." error/>
                <button type="submit" class="button wide" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Creating your account…" } else { "Sign up" }}
                </button>
            </ActionForm>
            <p class="muted center">"Already have an account? " <A href="/login">"Log in"</A></p>
        </section>
    }
}
