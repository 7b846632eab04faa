//! Settings → Webhooks (owners): event subscriptions, their delivery logs, test sends and
//! replays; and the contacts page (anyone in the organization). Thin wrappers over the same
//! domain services as the REST API.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use connectgain_types::{crm::ContactInput, outbound::SubscriptionInput};

use crate::{
    error::AppError,
    models::webhooks::{AttemptPage, ContactRow, EventDocView, RevealedSecret, StatsView, SubscriptionRow},
};

#[cfg(feature = "ssr")]
use crate::server::{
    require_owner,
    webhooks::{member_org, subscription_of},
};

#[server(endpoint = "webhooks/list")]
pub async fn list_subscriptions() -> Result<Vec<SubscriptionRow>, AppError> {
    let (d, _, org) = require_owner().await?;
    Ok(connectgain_domain::outbound::subscriptions::list(&d, org).await?.into_iter().map(Into::into).collect())
}

/// Creates a subscription from the form's fields (`name`, `url`, `events`, `secret`,
/// `signature_style`); answers its secret, shown this once.
#[server(endpoint = "webhooks/create", input = Json)]
pub async fn create_subscription(input: SubscriptionInput) -> Result<RevealedSecret, AppError> {
    use secrecy::ExposeSecret;
    let (d, _, org) = require_owner().await?;
    let created = connectgain_domain::outbound::subscriptions::create(&d, org, &input).await?;
    Ok(RevealedSecret { subscription: created.view.name.clone(), secret: created.secret.expose_secret().to_owned(), row: created.view.into() })
}

/// Turns a subscription on or off; answers it as saved.
#[server(endpoint = "webhooks/active")]
pub async fn set_subscription_active(id: String, active: bool) -> Result<SubscriptionRow, AppError> {
    let (d, _, org) = require_owner().await?;
    Ok(connectgain_domain::outbound::subscriptions::set_active(&d, org, subscription_of(&id)?, active).await?.into())
}

#[server(endpoint = "webhooks/delete")]
pub async fn delete_subscription(id: String) -> Result<(), AppError> {
    let (d, _, org) = require_owner().await?;
    Ok(connectgain_domain::outbound::subscriptions::delete(&d, org, subscription_of(&id)?).await?)
}

/// A new secret; the old one keeps signing for a day.
#[server(endpoint = "webhooks/rotate")]
pub async fn rotate_subscription_secret(id: String) -> Result<RevealedSecret, AppError> {
    use secrecy::ExposeSecret;
    let (d, _, org) = require_owner().await?;
    let id = subscription_of(&id)?;
    let secret = connectgain_domain::outbound::subscriptions::rotate_secret(&d, org, id, std::time::Duration::from_secs(24 * 3600)).await?;
    let view = connectgain_domain::outbound::subscriptions::get(&d, org, id).await?;
    Ok(RevealedSecret { subscription: view.name.clone(), secret: secret.expose_secret().to_owned(), row: view.into() })
}

/// Sends a sample of `event` (its catalogue example) to the subscription.
#[server(endpoint = "webhooks/test")]
pub async fn send_test_event(id: String, event: String) -> Result<(), AppError> {
    use connectgain_domain::outbound::{events::EventType, logs};
    let (d, _, org) = require_owner().await?;
    let event = EventType::parse(&event).ok_or_else(|| AppError::from(connectgain_domain::Error::invalid("event", "Choose an event of the catalogue.")))?;
    let example =
        connectgain_domain::crm::catalogue::catalogue().into_iter().find(|doc| doc.event == event.as_str()).map(|doc| doc.example).unwrap_or_default();
    logs::send_test(&d, org, subscription_of(&id)?, event, &example).await?;
    Ok(())
}

#[server(endpoint = "webhooks/stats")]
pub async fn subscription_stats(id: String) -> Result<StatsView, AppError> {
    let (d, _, org) = require_owner().await?;
    Ok(connectgain_domain::outbound::logs::stats(&d, org, subscription_of(&id)?).await?.into())
}

/// Delivery attempts, newest first. Empty filters mean all; `status` is `success` or `failed`.
#[server(endpoint = "webhooks/logs")]
pub async fn list_attempts(subscription: String, status: String, event: String, cursor: Option<String>) -> Result<AttemptPage, AppError> {
    use connectgain_domain::outbound::{
        events::EventType,
        logs::{self, AttemptFilter},
    };
    let (d, _, org) = require_owner().await?;
    let filter = AttemptFilter {
        subscription: (!subscription.is_empty()).then(|| subscription_of(&subscription)).transpose()?,
        succeeded: match status.as_str() {
            "success" => Some(true),
            "failed" => Some(false),
            _ => None,
        },
        event_type: EventType::parse(&event),
        since: None,
        until: None,
        delivery: None,
        delivery_state: None,
    };
    let cursor = cursor.as_deref().and_then(logs::Cursor::parse);
    Ok(logs::attempts(&d, org, &filter, cursor, 50).await?.into())
}

#[server(endpoint = "webhooks/replay")]
pub async fn replay_delivery(delivery: String) -> Result<(), AppError> {
    let (d, _, org) = require_owner().await?;
    let id = delivery.parse().map_err(|_| AppError::from(connectgain_domain::Error::NotFound))?;
    Ok(connectgain_domain::outbound::logs::replay_delivery(&d, org, id).await?)
}

/// Replays every failed (dead) delivery of the last `hours` hours; answers how many.
#[server(endpoint = "webhooks/replay-failed")]
pub async fn replay_failed(hours: i64) -> Result<u64, AppError> {
    let (d, _, org) = require_owner().await?;
    let until = chrono::Utc::now();
    let since = until - chrono::Duration::hours(hours.clamp(1, 24 * 30));
    Ok(connectgain_domain::outbound::logs::replay_failed(&d, org, since, until, None).await?)
}

#[server(endpoint = "webhooks/catalogue")]
pub async fn event_catalogue() -> Result<Vec<EventDocView>, AppError> {
    Ok(connectgain_domain::crm::catalogue::catalogue()
        .into_iter()
        .map(|doc| EventDocView {
            event: doc.event.to_owned(),
            description: doc.description.to_owned(),
            object: doc.object.to_owned(),
            example: serde_json::to_string_pretty(&doc.example).unwrap_or_default(),
        })
        .collect())
}

#[server(endpoint = "contacts/list")]
pub async fn list_contacts() -> Result<Vec<ContactRow>, AppError> {
    let (d, org) = member_org().await?;
    Ok(connectgain_domain::crm::contacts::list(&d, org, None, None, Some(100)).await?.data.into_iter().map(Into::into).collect())
}

#[server(endpoint = "contacts/create", input = Json)]
pub async fn create_contact(input: ContactInput) -> Result<ContactRow, AppError> {
    let (d, org) = member_org().await?;
    Ok(connectgain_domain::crm::contacts::create(&d, org, &input).await?.into())
}
