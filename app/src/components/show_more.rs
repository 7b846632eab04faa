//! "Show more" under a list that pages by cursor.

use leptos::prelude::*;

/// With JavaScript, runs `more` with the cursor (the page appends the next rows in place);
/// without, it is a plain GET of `action` from `cursor`, keeping the page's other query
/// fields (`keep`), so every row can be reached either way.
#[component]
pub fn ShowMore(
    action: &'static str,
    #[prop(optional)] keep: Vec<(&'static str, String)>,
    cursor: String,
    #[prop(into)] pending: Signal<bool>,
    more: Callback<String>,
) -> impl IntoView {
    let next = cursor.clone();
    view! {
        <form method="get" action=action class="show-more">
            {keep.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value/> }).collect_view()}
            <input type="hidden" name="cursor" value=cursor/>
            <button type="submit" class="button secondary small" disabled=move || pending.get()
                on:click=move |ev| {
                    ev.prevent_default();
                    more.run(next.clone());
                }>"Show more"</button>
        </form>
    }
}
