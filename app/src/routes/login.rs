//! Logging in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    components::form::{form_error, Field, FormAlert},
    functions::auth::Login,
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let error = form_error(action.value().into());

    view! {
        <Title text="Log in"/>
        <section class="panel narrow auth-panel">
            <h1>"Log in"</h1>
            <FormAlert error/>
            <ActionForm action attr:class="form">
                <Field name="email" label="E-mail" kind="email" autocomplete="email" required=true error/>
                <Field name="password" label="Password" kind="password" autocomplete="current-password" required=true error/>
                <button type="submit" class="button wide" disabled=move || action.pending().get()>"Log in"</button>
            </ActionForm>
            <p class="muted center">"New to ConnectGain? " <A href="/signup">"Create an organization"</A></p>
        </section>
    }
}
