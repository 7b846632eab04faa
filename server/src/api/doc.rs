//! The API reference: an OpenAPI 3.1 document built from the handlers' own `#[utoipa::path]`
//! annotations and the wire types' `ToSchema`, as the router registers them (see
//! [`super::router`]), so a route cannot exist without its documentation. Served at
//! `/api/openapi.json` and rendered by the `/docs/api` page.

use utoipa::{
    openapi::{
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        ContentBuilder, RefOr, Required, ResponseBuilder,
    },
    Modify, OpenApi,
};

use axum::{
    extract::State,
    http::header,
    response::{Html, IntoResponse},
};
use connectgain_domain::api_reference;

use super::error::ErrorBody;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ConnectGain API",
        description = "The REST API of ConnectGain: the CRM objects (contacts, deals, conversations, messages, campaigns), \
outbound webhook subscriptions and their delivery logs, inbound webhooks, API keys, the organization's settings and the \
platform administration.\n\n\
**Authentication.** Send `Authorization: Bearer <token>` with an API key (`cgk_…`, Settings → API keys) or the token \
that `POST /api/v1/auth/login` answers; pages of the same site use the `cg_session` cookie instead (a state-changing \
request with the cookie must come from the site's own origin). A `read` key is refused writes with 403.\n\n\
**Errors** are `{\"error\": {\"code\", \"message\", \"fields\"?}}`: 401 without valid credentials, 403 for a role or \
scope that may not, 404 for what is not in the caller's organization, 409 for a conflict or a channel that cannot \
send, 413 for a body too large, 415 without `Content-Type: application/json`, 422 naming each invalid field, 429 \
with `Retry-After`.\n\n\
**Bodies** are JSON objects; a request without a body (and without `Content-Type`) counts as `{}`.\n\n\
**Lists** are pages `{\"data\": [...], \"next_cursor\"}`, newest first; pass `next_cursor` back as `?cursor=`.",
        license(name = "MIT"),
    ),
    tags(
        (name = "Accounts", description = "Signing up and in, who is calling, and the organization's API keys."),
        (name = "Organization", description = "Owners' settings: Appgain credentials, members and invitations, campaigns."),
        (name = "Contacts", description = "The people an organization works with. Changes emit `contact.*` events."),
        (name = "Deals", description = "The pipeline, from `lead` to `won` or `lost`. Changes emit `deal.*` events."),
        (name = "Conversations", description = "WhatsApp, SMS, e-mail and web conversations and their messages; replies go out through the organization's provider."),
        (name = "Campaigns", description = "Campaigns sent through Appgain."),
        (name = "Webhooks", description = "Outbound webhook subscriptions: which events go where, the deliveries, their logs and statistics, replays."),
        (name = "Inbound", description = "Events sent in by other systems with the organization's inbound key, and their log."),
        (name = "Callbacks", description = "Where WhatsApp, Twilio, Vonage and Zoom call us; each request is checked against the provider's signature."),
        (name = "Platform", description = "Platform administrators: tenants, their WhatsApp, SMS and n8n integrations, workflow webhooks and their analytics."),
    ),
    components(schemas(ErrorBody)),
    modifiers(&Authentication),
    security(("bearer" = []), ("session" = [])),
)]
pub struct ApiDoc;

/// The document with every route the router registered, finished: the error responses on
/// every operation, a description on every response (OpenAPI requires one), request bodies
/// that may be left out, and an operation id that is unique (a handler that serves PUT and
/// PATCH is one function).
pub fn document(mut api: utoipa::openapi::OpenApi) -> String {
    Errors.modify(&mut api);
    let mut seen = std::collections::HashSet::new();
    for item in api.paths.paths.values_mut() {
        let operations = [("put", &mut item.put), ("post", &mut item.post), ("delete", &mut item.delete), ("patch", &mut item.patch), ("get", &mut item.get)];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            if let Some(id) = operation.operation_id.as_mut() {
                if !seen.insert(id.clone()) {
                    id.push_str(&format!("_{method}"));
                }
            }
            // The API's `Json` reads a request without a body (and without a content type)
            // as `{}`, so no body is ever required: what an empty object lacks is a 422.
            if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
                body.required = Some(Required::False);
            }
            for (status, response) in operation.responses.responses.iter_mut() {
                if let RefOr::T(response) = response {
                    if response.description.is_empty() {
                        response.description = reason(status).into();
                    }
                }
            }
        }
    }
    api.to_json().expect("the OpenAPI document is plain data and always serializes")
}

fn reason(status: &str) -> &'static str {
    status.parse::<u16>().ok().and_then(|s| axum::http::StatusCode::from_u16(s).ok()).and_then(|s| s.canonical_reason()).unwrap_or("The answer.")
}

/// The ways to authenticate, named by each operation's `security`.
struct Authentication;

impl Modify for Authentication {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key (`cgk_…`) or a login token from `POST /api/v1/auth/login`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(crate::csrf::SESSION_COOKIE, "The login session of the site's own pages."))),
        );
        components.add_security_scheme(
            "inbound_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "The organization's inbound key (Settings → Inbound), for sending events in.",
            ))),
        );
    }
}

/// Every operation can fail, and every failure has one shape: each operation gets the
/// `4XX` and `5XX` responses with [`ErrorBody`] unless it documents its own.
struct Errors;

impl Modify for Errors {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("ErrorBody"))).build())
                    .build(),
            )
        };
        for item in api.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses.entry("4XX".into()).or_insert_with(|| error("The request was refused; `error.code` says why."));
                responses.entry("5XX".into()).or_insert_with(|| error("A failure on our side (500) or of a provider we called (502)."));
            }
        }
    }
}

/// `/docs/api`: the reference page, rendered once from the document.
pub async fn reference_page(State(state): State<AppState>) -> impl IntoResponse {
    static PAGE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let page = PAGE.get_or_init(|| {
        let document = serde_json::from_str(super::document()).expect("the document was serialized by serde_json");
        let reference = api_reference::reference(&document);
        leptos::prelude::Owner::new().with(|| connectgain_app::reference_page::render(&reference, state.leptos_options.clone()))
    });
    ([(header::CACHE_CONTROL, "no-cache")], Html(page.as_str()))
}
