//! Building the page views from domain objects.

use connectgain_domain::{accounts::User, organizations, Domain, Error};

use crate::models::{AppgainView, Viewer};

/// A time as the pages show it: `2026-12-07 14:05 UTC`.
pub fn minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The viewer; `with_masked_key` adds the masked API key (for owners' settings).
pub async fn viewer(d: &Domain, user: &User, with_masked_key: bool) -> Result<Viewer, Error> {
    let (organization_name, appgain) = match user.organization_id {
        Some(org) => {
            let name = organizations::find(&d.db, org).await?.map(|o| o.name);
            let state = organizations::appgain_state(&d.db, &d.keys, org).await?;
            let view = state.map(|s| AppgainView {
                provisioned: s.provisioned(),
                status: s.status.as_str().to_owned(),
                suit_id: s.suit_id.clone(),
                api_key_masked: if with_masked_key { s.api_key_masked.clone() } else { None },
                last_error: s.last_error.clone(),
            });
            (name, view)
        }
        None => (None, None),
    };
    Ok(Viewer {
        user_id: user.id.to_string(),
        email: user.email.clone(),
        name: user.display_name(),
        role: user.role.as_str().to_owned(),
        organization_name,
        appgain,
    })
}
