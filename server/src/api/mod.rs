//! The JSON API under `/api`.

pub mod auth;
pub mod error;
pub mod json;
pub mod organization;
pub mod platform;
pub mod platform_webhooks;

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
        .route("/api/v1/campaigns/send", post(organization::send_campaign))
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
        .route(
            "/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}",
            put(platform_webhooks::update).delete(platform_webhooks::delete),
        )
        .route("/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}/call", post(platform_webhooks::call))
        .route("/api/platform/tenants/{tenant_id}/webhooks/{webhook_id}/analytics", get(platform_webhooks::webhook_analytics))
}
