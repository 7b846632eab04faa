//! `/docs/api`: the API reference, rendered on the server from the OpenAPI document
//! (`/api/openapi.json`) and sent as plain HTML. Reading it needs no script, and it is the
//! largest page there is, so it comes without the app's WASM: the server renders it once.

use connectgain_types::reference::{ApiReference, FieldDoc, OperationDoc, SchemaDoc, TypeDoc};
use leptos::prelude::*;
use leptos_meta::HashedStylesheet;

/// The whole HTML document.
pub fn render(reference: &ApiReference, options: LeptosOptions) -> String {
    let stylesheet = view! { <HashedStylesheet options id="connectgain"/> }.to_html();
    let body = view! { <Reference reference=reference.clone()/> }.to_html();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
         <title>API reference · ConnectGain</title>\
         <meta name=\"description\" content=\"The ConnectGain REST API: every endpoint, its parameters, bodies and answers.\"/>\
         <link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\"/>\
         {stylesheet}</head><body>{body}</body></html>"
    )
}

#[component]
fn Reference(reference: ApiReference) -> impl IntoView {
    let ApiReference { title, description, groups, schemas } = reference;
    let contents = groups
        .iter()
        .map(|g| {
            let href = format!("#{}", anchor("tag", &g.tag));
            view! { <li><a href=href>{g.tag.clone()}</a>" "<span class="muted">{format!("({})", g.operations.len())}</span></li> }
        })
        .collect_view();
    view! {
        <div class="app">
            <header class="site-header">
                <div class="container header-row">
                    <a href="/" class="brand">
                        <span class="brand-mark" aria-hidden="true">"⇄"</span>
                        <span class="brand-name">"ConnectGain"</span>
                    </a>
                    <nav class="site-nav" aria-label="Main">
                        <a href="/docs/verifying-signatures">"Verifying signatures"</a>
                        <a href="/api/openapi.json">"OpenAPI document"</a>
                        <a href="/login">"Log in"</a>
                    </nav>
                </div>
            </header>
            <main class="container page docs api-reference">
                <p class="eyebrow">"Developers"</p>
                <h1>{title}</h1>
                {description.into_iter().map(|p| view! { <p>{inline(&p)}</p> }).collect_view()}
                <p>"The same document as JSON, for code generators and tools: "<a href="/api/openapi.json"><code>"/api/openapi.json"</code></a>" (OpenAPI 3.1)."</p>
                <nav class="panel" aria-labelledby="contents-title">
                    <h2 id="contents-title">"Contents"</h2>
                    <ul class="plain-list">{contents}<li><a href="#schemas">"Schemas"</a></li></ul>
                </nav>
                {groups.into_iter().map(|g| {
                    let id = anchor("tag", &g.tag);
                    view! {
                        <section class="panel" id=id.clone() aria-labelledby=format!("{id}-title")>
                            <h2 id=format!("{id}-title")>{g.tag}</h2>
                            <p>{inline(&g.description)}</p>
                            {g.operations.into_iter().map(|op| view! { <Operation op/> }).collect_view()}
                        </section>
                    }
                }).collect_view()}
                <section class="panel" id="schemas" aria-labelledby="schemas-title">
                    <h2 id="schemas-title">"Schemas"</h2>
                    {schemas.into_iter().map(|schema| view! { <Schema schema/> }).collect_view()}
                </section>
            </main>
        </div>
    }
}

#[component]
fn Operation(op: OperationDoc) -> impl IntoView {
    let id = anchor("op", &op.id);
    let method_class = format!("method method-{}", op.method.to_lowercase());
    view! {
        <article class="operation" id=id.clone() aria-labelledby=format!("{id}-title")>
            <h3 id=format!("{id}-title")><span class=method_class>{op.method.clone()}</span>" "<code>{op.path.clone()}</code></h3>
            {(!op.summary.is_empty()).then(|| view! { <p>{inline(&op.summary)}</p> })}
            {(!op.description.is_empty()).then(|| view! { <p>{inline(&op.description)}</p> })}
            <p class="muted">"Authentication: "{op.auth.clone()}</p>
            {(!op.parameters.is_empty()).then(|| view! { <Fields caption="Parameters" fields=op.parameters.clone() located=true/> })}
            {op.body.clone().map(|body| view! { <p>"Request body (JSON): "<TypeLink kind=body/></p> })}
            <div class="table-scroll">
                <table>
                    <caption>"Responses"</caption>
                    <thead><tr><th scope="col">"Status"</th><th scope="col">"Meaning"</th><th scope="col">"Body"</th></tr></thead>
                    <tbody>
                        {op.responses.into_iter().map(|r| view! {
                            <tr>
                                <td><code>{r.status}</code></td>
                                <td>{inline(&r.description)}</td>
                                <td>{r.body.map(|kind| view! { <TypeLink kind/> }.into_any()).unwrap_or_else(|| "none".into_any())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </article>
    }
}

#[component]
fn Schema(schema: SchemaDoc) -> impl IntoView {
    let id = anchor("schema", &schema.name);
    view! {
        <article class="operation" id=id.clone() aria-labelledby=format!("{id}-title")>
            <h3 id=format!("{id}-title")><code>{schema.name.clone()}</code></h3>
            {(!schema.description.is_empty()).then(|| view! { <p>{inline(&schema.description)}</p> })}
            {if schema.fields.is_empty() {
                view! { <p><TypeLink kind=schema.kind.clone()/></p> }.into_any()
            } else {
                view! { <Fields caption="Fields" fields=schema.fields.clone() located=false/> }.into_any()
            }}
        </article>
    }
}

#[component]
fn Fields(caption: &'static str, fields: Vec<FieldDoc>, located: bool) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table>
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        {located.then(|| view! { <th scope="col">"In"</th> })}
                        <th scope="col">"Type"</th>
                        <th scope="col">"Required"</th>
                        <th scope="col">"Description"</th>
                    </tr>
                </thead>
                <tbody>
                    {fields.into_iter().map(|f| view! {
                        <tr>
                            <td><code>{f.name}</code></td>
                            {located.then(|| view! { <td>{f.location.clone()}</td> })}
                            <td><TypeLink kind=f.kind/></td>
                            <td>{if f.required { "yes" } else { "no" }}</td>
                            <td>{inline(&f.description)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A type, linked to its schema when it names one.
#[component]
fn TypeLink(kind: TypeDoc) -> impl IntoView {
    match kind.schema {
        Some(schema) => view! { <a href=format!("#{}", anchor("schema", &schema))>{kind.text}</a> }.into_any(),
        None => view! { <span>{kind.text}</span> }.into_any(),
    }
}

/// `text with `code` and **bold**` → text and `<code>` spans (the emphasis marks dropped).
fn inline(text: &str) -> impl IntoView {
    let text = text.replace("**", "");
    text.split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { view! { <code>{part.to_owned()}</code> }.into_any() } else { part.to_owned().into_any() })
        .collect_view()
}

fn anchor(kind: &str, name: &str) -> String {
    let slug: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("{kind}-{slug}")
}
