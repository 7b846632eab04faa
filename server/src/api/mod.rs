//! The JSON API under `/api`.

pub mod api_keys;
pub mod auth;
pub mod callbacks;
pub mod crm;
pub mod doc;
pub mod error;
pub mod inbound;
pub mod json;
pub mod organization;
pub mod platform;
pub mod platform_webhooks;
pub mod query;
pub mod webhooks;

use axum::{http::header, routing::get, Router};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

/// Every route of the API. Each is registered with `routes!`, which brings its
/// `#[utoipa::path]` documentation along: together they make `/api/openapi.json`.
pub fn router() -> Router<AppState> {
    let (router, _) = routes().split_for_parts();
    router.route("/api/openapi.json", get(|| std::future::ready(([(header::CONTENT_TYPE, "application/json")], document()))))
}

/// The OpenAPI document of [`router`], built once.
pub fn document() -> &'static str {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| doc::document(routes().split_for_parts().1))
}

fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(doc::ApiDoc::openapi())
        .routes(routes!(auth::signup))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::me_v1))
        .routes(routes!(organization::get_appgain, organization::put_appgain))
        .routes(routes!(organization::retry_appgain))
        .routes(routes!(organization::list_members))
        .routes(routes!(organization::remove_member))
        .routes(routes!(organization::create_invitation))
        .routes(routes!(organization::accept_invitation))
        .routes(routes!(api_keys::list, api_keys::create))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(organization::send_campaign))
        .routes(routes!(crm::list_contacts, crm::create_contact))
        .routes(routes!(crm::get_contact, crm::update_contact, crm::delete_contact))
        .routes(routes!(crm::assign_contact))
        .routes(routes!(crm::list_deals, crm::create_deal))
        .routes(routes!(crm::get_deal, crm::update_deal))
        .routes(routes!(crm::stage_deal))
        .routes(routes!(crm::assign_deal))
        .routes(routes!(crm::list_conversations, crm::create_conversation))
        .routes(routes!(crm::get_conversation))
        .routes(routes!(crm::assign_conversation))
        .routes(routes!(crm::conversation_status))
        .routes(routes!(crm::list_messages, crm::record_message))
        .routes(routes!(crm::send_message))
        .routes(routes!(crm::message_status))
        .routes(routes!(crm::list_campaigns))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::catalogue))
        .routes(routes!(webhooks::all_logs))
        .routes(routes!(webhooks::replay_failed))
        .routes(routes!(webhooks::delivery))
        .routes(routes!(webhooks::replay_delivery))
        .routes(routes!(webhooks::get, webhooks::update, webhooks::patch, webhooks::delete))
        .routes(routes!(webhooks::secret))
        .routes(routes!(webhooks::test))
        .routes(routes!(webhooks::logs_of))
        .routes(routes!(webhooks::stats))
        .routes(routes!(webhooks::series))
        .routes(routes!(webhooks::rotate))
        .routes(routes!(webhooks::seed_list, webhooks::seed_create))
        .routes(routes!(webhooks::seed_get, webhooks::seed_update, webhooks::seed_delete))
        .routes(routes!(inbound::receive))
        .routes(routes!(inbound::generate_key))
        .routes(routes!(inbound::get_settings, inbound::put_settings))
        .routes(routes!(inbound::list_events))
        .routes(routes!(inbound::get_event))
        .routes(routes!(inbound::retry_event))
        .routes(routes!(callbacks::whatsapp_handshake, callbacks::whatsapp_notification))
        .routes(routes!(callbacks::twilio))
        .routes(routes!(callbacks::vonage_get, callbacks::vonage_post))
        .routes(routes!(callbacks::zoom))
        .routes(routes!(platform::list_tenants))
        .routes(routes!(platform::get_integrations))
        .routes(routes!(platform::put_whatsapp))
        .routes(routes!(platform::put_sms))
        .routes(routes!(platform::put_n8n))
        .routes(routes!(platform::test_message))
        .routes(routes!(platform_webhooks::list, platform_webhooks::create))
        .routes(routes!(platform_webhooks::broadcast))
        .routes(routes!(platform_webhooks::summary))
        .routes(routes!(platform_webhooks::series))
        .routes(routes!(platform_webhooks::recent_calls))
        .routes(routes!(platform_webhooks::call_by_name))
        .routes(routes!(platform_webhooks::update, platform_webhooks::delete))
        .routes(routes!(platform_webhooks::call))
        .routes(routes!(platform_webhooks::webhook_analytics))
}
