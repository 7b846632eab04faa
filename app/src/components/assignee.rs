//! Choosing who a contact, deal or conversation is assigned to.

use leptos::prelude::*;

/// A select of the organization's people, "Nobody" first, with `assigned_to` chosen. The
/// label is the caller's (`id` ties it).
#[component]
pub fn AssigneeSelect(
    id: &'static str,
    name: &'static str,
    /// (id, name) of each person.
    members: Vec<(String, String)>,
    assigned_to: Option<String>,
) -> impl IntoView {
    view! {
        <select id=id name=name>
            <option value="" selected=assigned_to.is_none()>"Nobody"</option>
            {members.into_iter().map(|(user, person)| {
                let selected = assigned_to.as_deref() == Some(user.as_str());
                view! { <option value=user selected=selected>{person}</option> }
            }).collect_view()}
        </select>
    }
}
