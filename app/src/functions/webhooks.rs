//! Settings → Webhooks (owners): event subscriptions, their delivery logs, test sends and
//! replays; and the contacts page (anyone in the organization). Thin wrappers over the same
//! domain services as the REST API.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use connectgain_types::{
    crm::ContactInput,
    outbound::{SubscriptionInput, SubscriptionPatch},
};

use crate::{
    error::AppError,
    models::webhooks::{
        AttemptPage, ChartView, ContactPage, ContactRow, DeliveryView, EventDocView, LogQuery, RevealedSecret, SecretsView, StatsView, SubscriptionRow,
    },
};

#[cfg(feature = "ssr")]
use crate::server::{
    require_owner,
    webhooks::{member_org, subscription_of},
};

/// The organization's subscriptions, each with its attempts of the last 24 hours.
#[server(endpoint = "webhooks/list")]
pub async fn list_subscriptions() -> Result<Vec<SubscriptionRow>, AppError> {
    use connectgain_domain::outbound::{figures, subscriptions};
    let (d, _, org) = require_owner().await?;
    let day = figures::last_day(&d, org, chrono::Utc::now()).await?;
    Ok(subscriptions::list(&d, org)
        .await?
        .into_iter()
        .map(|s| {
            let (succeeded, failed) = day.iter().find(|(id, ..)| *id == s.id).map(|(_, ok, failed)| (*ok, *failed)).unwrap_or_default();
            SubscriptionRow { day_succeeded: succeeded, day_failed: failed, ..s.into() }
        })
        .collect())
}

/// The endpoints that need their owners' attention (failing, or turned off by the
/// platform), for the notices; empty for anyone but an owner.
#[server(endpoint = "webhooks/notices")]
pub async fn webhook_notices() -> Result<Vec<SubscriptionRow>, AppError> {
    let Ok((d, _, org)) = require_owner().await else { return Ok(Vec::new()) };
    Ok(connectgain_domain::outbound::subscriptions::list(&d, org)
        .await?
        .into_iter()
        .map(SubscriptionRow::from)
        .filter(SubscriptionRow::needs_attention)
        .collect())
}

#[server(endpoint = "webhooks/get")]
pub async fn get_subscription(id: String) -> Result<SubscriptionRow, AppError> {
    let (d, _, org) = require_owner().await?;
    Ok(connectgain_domain::outbound::subscriptions::get(&d, org, subscription_of(&id)?).await?.into())
}

/// Changes the fields given (as `PATCH /api/v1/webhooks/:id`); the secret and logs stay.
#[server(endpoint = "webhooks/update", input = Json)]
pub async fn update_subscription(id: String, patch: SubscriptionPatch) -> Result<SubscriptionRow, AppError> {
    let (d, _, org) = require_owner().await?;
    Ok(connectgain_domain::outbound::subscriptions::patch(&d, org, subscription_of(&id)?, &patch).await?.into())
}

/// The signing secret again (owners only; never cached or logged).
#[server(endpoint = "webhooks/secret")]
pub async fn reveal_secret(id: String) -> Result<SecretsView, AppError> {
    let (d, _, org) = require_owner().await?;
    Ok(connectgain_domain::outbound::subscriptions::reveal_secret(&d, org, subscription_of(&id)?).await?.into())
}

/// The endpoint's figures and chart over `range` (`1h`, `24h`, `7d`, `30d`).
#[server(endpoint = "webhooks/chart")]
pub async fn endpoint_chart(id: String, range: String) -> Result<ChartView, AppError> {
    use connectgain_domain::outbound::figures::{self, Range};
    let (d, _, org) = require_owner().await?;
    let range = Range::parse(&range).unwrap_or_default();
    Ok(figures::chart(&d, org, subscription_of(&id)?, range, chrono::Utc::now()).await?.into())
}

/// Sends `event` with the owner's `payload` (JSON text, the event's `data`) to one endpoint.
#[server(endpoint = "webhooks/test-payload")]
pub async fn send_test_payload(id: String, event: String, payload: String) -> Result<String, AppError> {
    use connectgain_domain::{
        outbound::{events::EventType, logs},
        Error,
    };
    let (d, _, org) = require_owner().await?;
    let event = EventType::parse(&event).ok_or_else(|| AppError::from(Error::invalid("event", "Choose an event of the catalogue.")))?;
    let payload: serde_json::Value =
        serde_json::from_str(&payload).map_err(|e| AppError::from(Error::invalid("payload", format!("This is not JSON: {e}."))))?;
    Ok(logs::send_test(&d, org, subscription_of(&id)?, event, &payload).await?.to_string())
}

/// A delivery whole: state, payload, every attempt.
#[server(endpoint = "webhooks/delivery")]
pub async fn delivery_detail(id: String) -> Result<DeliveryView, AppError> {
    let (d, _, org) = require_owner().await?;
    let id = id.parse().map_err(|_| AppError::from(connectgain_domain::Error::NotFound))?;
    Ok(connectgain_domain::outbound::logs::delivery_detail(&d, org, id).await?.into())
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

/// Delivery attempts, newest first, 50 a page; empty filters mean all.
#[server(endpoint = "webhooks/logs", input = Json)]
pub async fn list_attempts(query: LogQuery) -> Result<AttemptPage, AppError> {
    use connectgain_domain::{
        outbound::{
            delivery_of_message,
            events::EventType,
            logs::{self, AttemptFilter, Cursor, DeliveryState},
        },
        Error,
    };
    let (d, _, org) = require_owner().await?;
    let given = |s: &str| !s.trim().is_empty();
    let time = |field: &'static str, raw: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
        if !given(raw) {
            return Ok(None);
        }
        // `<input type="datetime-local">` sends `2026-12-01T09:30`, read as UTC like the page's times.
        let parsed = chrono::DateTime::parse_from_rfc3339(raw.trim())
            .map(|t| t.to_utc())
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").map(|t| t.and_utc()));
        parsed.map(Some).map_err(|_| Error::invalid(field, "Give a date and time.").into())
    };
    let search = query.search.trim();
    let delivery = if search.is_empty() {
        None
    } else {
        let found = delivery_of_message(search).or_else(|| search.parse().ok());
        Some(found.ok_or_else(|| AppError::from(Error::invalid("search", "Search by a webhook-id (msg_…) or a delivery id.")))?)
    };
    let filter = AttemptFilter {
        subscription: given(&query.subscription).then(|| subscription_of(&query.subscription)).transpose()?,
        succeeded: match query.outcome.as_str() {
            "success" => Some(true),
            "failed" => Some(false),
            _ => None,
        },
        event_type: EventType::parse(&query.event),
        since: time("since", &query.since)?,
        until: time("until", &query.until)?,
        delivery,
        delivery_state: DeliveryState::parse(&query.delivery_status),
    };
    let cursor = match query.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => Some(Cursor::parse(raw).ok_or_else(|| AppError::from(Error::invalid("cursor", "This page no longer exists; start again.")))?),
    };
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
            kind: doc.kind.to_owned(),
            description: doc.description.to_owned(),
            object: doc.object.to_owned(),
            example: serde_json::to_string_pretty(&doc.example).unwrap_or_default(),
        })
        .collect())
}

/// Contacts newest first, 100 a page, from `cursor` (the previous page's `next_cursor`);
/// with `q`, those whose name, e-mail address or phone number contain it.
#[server(endpoint = "contacts/list")]
pub async fn list_contacts(q: Option<String>, cursor: Option<String>) -> Result<ContactPage, AppError> {
    use connectgain_domain::crm::contacts::{self, ContactQuery};
    let (d, org) = member_org().await?;
    let page = contacts::list(&d, org, &ContactQuery { q, cursor, limit: Some(100), ..Default::default() }).await?;
    Ok(ContactPage { data: page.data.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor })
}

#[server(endpoint = "contacts/create", input = Json)]
pub async fn create_contact(input: ContactInput) -> Result<ContactRow, AppError> {
    let (d, org) = member_org().await?;
    Ok(connectgain_domain::crm::contacts::create(&d, org, &input).await?.into())
}
