//! "Verifying signatures" (public): how a receiver checks that a delivery came from
//! ConnectGain, with recipes for Express, Flask, the n8n Code node and the Standard Webhooks
//! libraries. The recipes are the files of `docs/recipes/`, which the browser tests run as
//! real receivers of real deliveries, so what this page shows is what was tested.

use leptos::prelude::*;
use leptos_meta::Title;

const RECIPES: [(&str, &str, &str); 5] = [
    ("express", "Node.js with Express", include_str!("../../../docs/recipes/express.js")),
    ("flask", "Python with Flask", include_str!("../../../docs/recipes/flask_app.py")),
    ("n8n", "n8n Code node", include_str!("../../../docs/recipes/n8n-code-node.js")),
    ("standard-node", "Standard Webhooks library (Node.js)", include_str!("../../../docs/recipes/standard-webhooks.js")),
    ("standard-python", "Standard Webhooks library (Python)", include_str!("../../../docs/recipes/standard_webhooks.py")),
];

#[component]
pub fn VerifyingSignaturesPage() -> impl IntoView {
    view! {
        <Title text="Verifying signatures"/>
        <article class="docs">
            <p class="eyebrow">"Webhooks"</p>
            <h1>"Verifying signatures"</h1>
            <p class="lead">"Every delivery is signed twice, so a receiver can check it came from ConnectGain and was not changed on the way."</p>
            <div class="panel">
                <h2>"What is signed"</h2>
                <ul>
                    <li><code>"X-Webhook-Signature"</code>": HMAC-SHA256 of the exact body bytes, keyed by the signing secret as text (the whole "
                        <code>"whsec_…"</code>" string), written as hex, or as " <code>"sha256=<hex>"</code>
                        " when the webhook's signature format is " <code>"sha256"</code>
                        ". Snippets that compare against " <code>"sha256=…"</code> " need that format (or strip the prefix, as the recipes do)."</li>
                    <li><code>"webhook-id"</code>", "<code>"webhook-timestamp"</code>", "<code>"webhook-signature"</code>
                        ": the Standard Webhooks headers, " <code>"v1,<base64>"</code> " over " <code>"{id}.{timestamp}.{body}"</code>
                        " keyed by the base64 part of a " <code>"whsec_"</code> " secret. Their libraries also reject old timestamps (replays)."</li>
                </ul>
                <h2>"Sign the bytes you received"</h2>
                <p>"The signature covers the body exactly as sent. Parsing it and writing it back gives other bytes: Python's "
                    <code>"json.dumps(request.json)"</code> " puts a space after every " <code>":"</code> " and " <code>","</code>
                    " and escapes non-ASCII letters, so its HMAC can never match. Read the raw body ("
                    <code>"request.get_data()"</code> " in Flask, " <code>"express.raw()"</code> " in Express) and parse it after the check."</p>
                <p>"In n8n the Webhook node hands the Code node the parsed body as " <code>"$json.body"</code> " and the headers as "
                    <code>"$json.headers"</code> " (lower-cased). ConnectGain's compact JSON comes back byte for byte from "
                    <code>"JSON.stringify($json.body)"</code> ". There is no " <code>"$node[\"Webhook\"].context[\"headers\"]"</code>
                    ", and " <code>"JSON.stringify($json)"</code> " signs the whole item, headers included."</p>
                <p>"After a rotation, " <code>"X-Webhook-Signature"</code> " stays signed with the previous secret for 24 hours, so a receiver switches to the new one when it is ready; "
                    <code>"webhook-signature"</code> " carries both signatures meanwhile, which the Standard Webhooks libraries accept. Compare in constant time, and use "
                    <code>"webhook-id"</code> " (the same on every retry of a delivery) to skip duplicates."</p>
            </div>
            {RECIPES.into_iter().map(|(id, title, code)| view! {
                <section class="panel recipe" id=id aria-labelledby=format!("{id}-title")>
                    <h2 id=format!("{id}-title")>{title}</h2>
                    <pre class="code small" tabindex="0" aria-label=format!("{title}, code")><code>{code}</code></pre>
                </section>
            }).collect_view()}
        </article>
    }
}
