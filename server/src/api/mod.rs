//! The JSON API under `/api`.

pub mod api_keys;
pub mod auth;
pub mod callbacks;
pub mod crm;
pub mod error;
pub mod inbound;
pub mod json;
pub mod organization;
pub mod platform;
pub mod platform_webhooks;
pub mod webhooks;

use axum::{
    routing::{delete, get, post, put},
    Router,
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/signup", post(auth::signup))
        .route("/api/v1/auth/login", post(auth::login))
        .route("/api/v1/auth/logout", post(auth::logout))
        .route("/api/auth/me", get(auth::me))
        .route("/api/v1/auth/me", get(auth::me))
        .route("/api/v1/organization/appgain", get(organization::get_appgain).put(organization::put_appgain))
        .route("/api/v1/organization/appgain/retry", post(organization::retry_appgain))
        .route("/api/v1/organization/members", get(organization::list_members))
        .route("/api/v1/organization/members/{id}", delete(organization::remove_member))
        .route("/api/v1/organization/invitations", post(organization::create_invitation))
        .route("/api/v1/invitations/{token}/accept", post(organization::accept_invitation))
        .route("/api/v1/api-keys", get(api_keys::list).post(api_keys::create))
        .route("/api/v1/api-keys/{id}", delete(api_keys::revoke))
        .route("/api/v1/campaigns/send", post(organization::send_campaign))
        .route("/api/contacts", get(crm::list_contacts).post(crm::create_contact))
        .route("/api/contacts/{id}", get(crm::get_contact).put(crm::update_contact).patch(crm::update_contact).delete(crm::delete_contact))
        .route("/api/contacts/{id}/assign", post(crm::assign_contact))
        .route("/api/deals", get(crm::list_deals).post(crm::create_deal))
        .route("/api/deals/{id}", get(crm::get_deal).put(crm::update_deal).patch(crm::update_deal))
        .route("/api/deals/{id}/stage", post(crm::stage_deal))
        .route("/api/deals/{id}/assign", post(crm::assign_deal))
        .route("/api/conversations", get(crm::list_conversations).post(crm::create_conversation))
        .route("/api/conversations/{id}", get(crm::get_conversation))
        .route("/api/conversations/{id}/assign", post(crm::assign_conversation))
        .route("/api/conversations/{id}/status", post(crm::conversation_status))
        .route("/api/conversations/{id}/messages", get(crm::list_messages).post(crm::record_message))
        .route("/api/conversations/{id}/send", post(crm::send_message))
        .route("/api/messages/{id}/status", post(crm::message_status))
        .route("/api/campaigns", get(crm::list_campaigns))
        .route("/api/v1/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/api/v1/webhooks/events", get(webhooks::catalogue))
        .route("/api/v1/webhooks/logs", get(webhooks::all_logs))
        .route("/api/v1/webhooks/replay", post(webhooks::replay_failed))
        .route("/api/v1/webhooks/deliveries/{id}", get(webhooks::delivery))
        .route("/api/v1/webhooks/deliveries/{id}/replay", post(webhooks::replay_delivery))
        .route("/api/v1/webhooks/{id}", get(webhooks::get).put(webhooks::update).patch(webhooks::patch).delete(webhooks::delete))
        .route("/api/v1/webhooks/{id}/secret", get(webhooks::secret))
        .route("/api/v1/webhooks/{id}/test", post(webhooks::test))
        .route("/api/v1/webhooks/{id}/logs", get(webhooks::logs_of))
        .route("/api/v1/webhooks/{id}/stats", get(webhooks::stats))
        .route("/api/v1/webhooks/{id}/stats/series", get(webhooks::series))
        .route("/api/v1/webhooks/{id}/rotate-secret", post(webhooks::rotate))
        .route("/api/webhooks/subscriptions", get(webhooks::seed_list).post(webhooks::seed_create))
        .route("/api/webhooks/subscriptions/{id}", get(webhooks::seed_get).put(webhooks::seed_update).patch(webhooks::seed_update).delete(webhooks::delete))
        .route("/api/webhooks/{event_name}", post(inbound::receive))
        .route("/api/v1/inbound/api-key", post(inbound::generate_key))
        .route("/api/v1/inbound/settings", get(inbound::get_settings).put(inbound::put_settings))
        .route("/api/v1/inbound/events", get(inbound::list_events))
        .route("/api/v1/inbound/events/{id}", get(inbound::get_event))
        .route("/api/v1/inbound/events/{id}/retry", post(inbound::retry_event))
        .route("/api/callbacks/{tenant_id}/whatsapp", get(callbacks::whatsapp_handshake).post(callbacks::whatsapp_notification))
        .route("/api/callbacks/{tenant_id}/twilio", post(callbacks::twilio))
        .route("/api/callbacks/{tenant_id}/vonage", get(callbacks::vonage).post(callbacks::vonage))
        .route("/api/callbacks/{tenant_id}/zoom", post(callbacks::zoom))
        .route("/api/platform/tenants", get(platform::list_tenants))
        .route("/api/platform/tenants/{tenant_id}/integrations", get(platform::get_integrations))
        .route("/api/platform/tenants/{tenant_id}/integrations/whatsapp", put(platform::put_whatsapp))
        .route("/api/platform/tenants/{tenant_id}/integrations/sms", put(platform::put_sms))
        .route("/api/platform/tenants/{tenant_id}/integrations/n8n", put(platform::put_n8n))
        .route("/api/platform/tenants/{tenant_id}/integrations/{channel}/test", post(platform::test_message))
        .route("/api/platform/tenants/{tenant_id}/webhooks", get(platform_webhooks::list).post(platform_webhooks::create))
        .route("/api/platform/tenants/{tenant_id}/webhooks/broadcast", post(platform_webhooks::broadcast))
        .route("/api/platform/tenants/{tenant_id}/webhooks/analytics/summary", get(platform_webhooks::summary))
        .route("/api/platform/tenants/{tenant_id}/webhooks/analytics/series", get(platform_webhooks::series))
        .route("/api/platform/tenants/{tenant_id}/webhooks/analytics/calls", get(platform_webhooks::recent_calls))
        .route("/api/platform/tenants/{tenant_id}/webhooks/by-name/{name}/call", post(platform_webhooks::call_by_name))
        .route("/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}", put(platform_webhooks::update).delete(platform_webhooks::delete))
        .route("/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}/call", post(platform_webhooks::call))
        .route("/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}/analytics", get(platform_webhooks::webhook_analytics))
}
