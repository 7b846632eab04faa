//! The landing page: what ConnectGain does, and a look at a signed delivery.

use leptos::prelude::*;
use leptos_meta::Title;

/// One area of the product, shown as a tab on the landing page.
struct Capability {
    key: &'static str,
    title: &'static str,
    summary: &'static str,
    points: &'static [&'static str],
}

const CAPABILITIES: &[Capability] = &[
    Capability {
        key: "outbound",
        title: "Outbound webhooks",
        summary: "Every CRM event, delivered to your systems as a signed, durable webhook.",
        points: &[
            "HMAC SHA-256 and Standard Webhooks signatures on every request",
            "Written in the same transaction as the change: a crash loses nothing",
            "Retries with backoff for a day, a log of every attempt, replay on demand",
        ],
    },
    Capability {
        key: "messaging",
        title: "WhatsApp & SMS",
        summary: "Connect WhatsApp Cloud API, Twilio, Vonage or AWS SNS per organization.",
        points: &[
            "Credentials encrypted at rest with AES-256-GCM, only ever shown masked",
            "A test message per channel shows the provider's own answer",
            "Delivery and read receipts become CRM events",
        ],
    },
    Capability {
        key: "automation",
        title: "n8n workflows",
        summary: "Call n8n workflow webhooks by id, by name or all at once, with retries.",
        points: &[
            "Bearer-token authentication, decrypted only at call time",
            "Every attempt recorded: status, duration, error",
            "Analytics per workflow: success rate, latency, last call",
        ],
    },
    Capability {
        key: "inbound",
        title: "Inbound webhooks",
        summary: "Let automation platforms push leads and payments into the CRM.",
        points: &[
            "Per-organization API keys, stored hashed, rotated from Settings",
            "Rate limits, size limits and idempotency keys",
            "A captured lead becomes a contact, and a contact.created webhook",
        ],
    },
];

const EVENT_GROUPS: &[(&str, &[&str])] = &[
    ("Contacts", &["contact.created", "contact.updated", "contact.assigned", "contact.deleted"]),
    ("Deals", &["deal.created", "deal.updated", "deal.stage.changed", "deal.assigned"]),
    ("Conversations", &["conversation.created", "conversation.assigned", "conversation.status.changed"]),
    ("Messages", &["message.received", "message.new", "message.sent", "message.delivered", "message.read", "message.failed"]),
    ("Campaigns", &["campaign.started", "campaign.completed", "broadcast.response"]),
    ("Other", &["user.created", "zoom.recording.completed"]),
];

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text=""/>
        <section class="hero">
            <p class="eyebrow">"Self-hosted CRM integration platform"</p>
            <h1>"Every CRM event, where your systems need it."</h1>
            <p class="lead">
                "ConnectGain provisions your Appgain messaging credentials at signup, connects WhatsApp, SMS and n8n, "
                "and delivers each contact, deal and message event to your endpoints — signed, retried and logged."
            </p>
        </section>
        <CapabilityTabs/>
        <EventCatalogue/>
        <SignedDelivery/>
    }
}

/// Tabs once the page is interactive; before hydration (or without JavaScript) every panel
/// is shown, one after another, so nothing is out of reach.
#[component]
fn CapabilityTabs() -> impl IntoView {
    let selected = RwSignal::new(CAPABILITIES[0].key);
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));

    view! {
        <section class="capabilities" aria-label="What ConnectGain does">
            <div class="tab-list" role="tablist">
                {CAPABILITIES.iter().map(|c| {
                    let key = c.key;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=format!("tab-{key}")
                            class="tab"
                            aria-selected=move || (selected.get() == key).to_string()
                            on:click=move |_| selected.set(key)
                        >
                            {c.title}
                        </button>
                    }
                }).collect_view()}
            </div>
            {CAPABILITIES.iter().map(|c| {
                let key = c.key;
                view! {
                    <article
                        class="panel tab-panel"
                        role="tabpanel"
                        id=format!("panel-{key}")
                        aria-labelledby=format!("tab-{key}")
                        hidden=move || interactive.get() && selected.get() != key
                    >
                        <h2>{c.title}</h2>
                        <p>{c.summary}</p>
                        <ul class="checks">
                            {c.points.iter().map(|p| view! { <li>{*p}</li> }).collect_view()}
                        </ul>
                    </article>
                }
            }).collect_view()}
        </section>
    }
}

#[component]
fn EventCatalogue() -> impl IntoView {
    view! {
        <section id="events" class="section">
            <h2>"Events you can subscribe to"</h2>
            <p class="muted">"Subscribe to any of them, or to " <code>"*"</code> " for all."</p>
            <div class="event-grid">
                {EVENT_GROUPS.iter().map(|(group, events)| view! {
                    <div class="panel event-group">
                        <h3>{*group}</h3>
                        <ul>{events.iter().map(|e| view! { <li><code>{*e}</code></li> }).collect_view()}</ul>
                    </div>
                }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn SignedDelivery() -> impl IntoView {
    view! {
        <section id="security" class="section">
            <h2>"A delivery, as your endpoint sees it"</h2>
            <pre class="code">
"POST /webhooks HTTP/1.1
Content-Type: application/json
X-Webhook-Event: contact.created
X-Webhook-Timestamp: 2026-11-22T10:30:00.120Z
X-Webhook-Signature: 5d41402abc4b2a76b9719d911017c592…
webhook-id: msg_2f1c…
webhook-timestamp: 1795343400
webhook-signature: v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=

{\"event\":\"contact.created\",\"timestamp\":\"2026-11-22T10:30:00Z\",\"data\":{…}}"
            </pre>
            <p class="muted">
                "Verify " <code>"X-Webhook-Signature"</code> " as the HMAC SHA-256 of the raw body with your secret, "
                "or use any Standard Webhooks library. Secrets are stored encrypted and never shown again after creation."
            </p>
        </section>
    }
}
