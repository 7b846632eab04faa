//! Receivers in other languages accept what we send: the seeds' own Node and Python
//! verification snippets, and the Standard Webhooks reference library for Python
//! (`standardwebhooks` from PyPI, installed into a venv in the test's temp dir; when pip
//! cannot install it, a Python re-implementation of the spec is used and the test says so).
//! Also: the SSRF guard at save time and at connect time, and several workers on one
//! PostgreSQL database.

use std::{collections::HashMap, path::Path, process::Command, time::Duration};

use crate::support::{eventually, Backend, Fixture, Receiver, Reply, Worker};
use connectgain_domain::outbound::{
    events::{self, EventType},
    logs::{self, AttemptFilter},
    subscriptions::{self, SubscriptionInput},
};
use secrecy::ExposeSecret;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(30);

fn input(url: &str, secret: Option<&str>, style: &str) -> SubscriptionInput {
    SubscriptionInput {
        name: "verify".into(),
        url: url.into(),
        events: vec!["*".into()],
        secret: secret.map(Into::into),
        is_active: None,
        signature_style: Some(style.into()),
        ..Default::default()
    }
}

/// Payloads that trip naive serializers: slashes, non-ASCII, U+2028/2029, control
/// characters, quotes, index-like keys, integral floats, the largest safe integer, emoji.
fn tricky_payloads() -> Vec<serde_json::Value> {
    vec![
        json!({"id": "c-1", "first_name": "José", "url": "https://x.test/a/b?c=d&e=<f>", "note": "line\nbreak\ttab \"q\" \\ \u{1}\u{1f}\u{7f}"}),
        json!({"sep": "\u{2028}\u{2029}", "emoji": "😀👍🏽", "cjk": "日本語", "rtl": "مرحبا"}),
        json!({"b": 1, "10": "ten", "9": "nine", "01": "zero-one", "a": [1, -2, 3.0, null, true, {"z": {}, "0": []}]}),
        json!({"max": 9_007_199_254_740_991_i64, "min": -9_007_199_254_740_991_i64, "zero": 0, "neg_zero": -0.0, "amount_minor": 12345}),
        json!({"nested": {"deep": {"deeper": ["", " ", "\u{0}"]}}, "empty_obj": {}, "empty_arr": []}),
    ]
}

struct Case {
    body_file: String,
    secret: String,
    style: String,
    x_signature: String,
    headers: HashMap<String, String>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signatures_verify_in_node_python_and_standard_webhooks() {
    let f = Fixture::new(Backend::Sqlite, &[]).await;
    let rx = Receiver::start(|_| Reply::ok()).await;
    // A generated whsec_ secret (hex style), a plain one (sha256= style).
    let a = subscriptions::create(&f.d, f.org, &input(&rx.url(), None, "hex")).await.unwrap();
    let b = subscriptions::create(&f.d, f.org, &input(&format!("{}?b", rx.url()), Some("your-hmac-secret"), "sha256")).await.unwrap();
    let worker = Worker::start(&f.d);
    let payloads = tricky_payloads();
    for (i, data) in payloads.iter().enumerate() {
        events::emit_now(&f.d, f.org, EventType::ALL[i], data).await.unwrap();
    }
    let got = rx.wait_for(payloads.len() * 2, WAIT).await;
    worker.stop().await;

    let dir = f.db.dir.clone();
    let mut cases = Vec::new();
    for (i, r) in got.iter().enumerate() {
        let body_file = dir.join(format!("body-{i}.json"));
        std::fs::write(&body_file, &r.body).unwrap();
        let (secret, style) = if r.header("x-webhook-signature").starts_with("sha256=") {
            (b.secret.expose_secret().to_owned(), "sha256")
        } else {
            (a.secret.expose_secret().to_owned(), "hex")
        };
        cases.push(Case {
            body_file: body_file.display().to_string(),
            secret,
            style: style.into(),
            x_signature: r.header("x-webhook-signature").to_owned(),
            headers: r.headers.clone(),
        });
    }
    let manifest = dir.join("cases.json");
    let cases_json: Vec<serde_json::Value> =
        cases.iter().map(|c| json!({"body_file": c.body_file, "secret": c.secret, "style": c.style, "sig": c.x_signature, "headers": c.headers})).collect();
    std::fs::write(&manifest, serde_json::to_string(&cases_json).unwrap()).unwrap();

    node_verifies(&manifest);
    python_verifies(&manifest);
    standard_webhooks_verifies(&dir, &manifest);
}

/// The seeds' Node snippets: express.json() parses the body, the HMAC is over
/// `JSON.stringify(req.body)`; bare hex (webhook-system.md) or `sha256=` (quick start).
fn node_verifies(manifest: &Path) {
    let script = r#"
const fs = require('fs'); const crypto = require('crypto');
const cases = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
let bad = 0;
for (const c of cases) {
  const raw = fs.readFileSync(c.body_file, 'utf8');
  const reqBody = JSON.parse(raw);                       // what express.json() hands the handler
  const payload = JSON.stringify(reqBody);
  const hmac = crypto.createHmac('sha256', c.secret).update(payload).digest('hex');
  const expected = c.style === 'sha256' ? 'sha256=' + hmac : hmac;
  if (payload !== raw) { bad++; console.log('re-serialized body differs: ' + raw + ' vs ' + payload); }
  if (c.sig !== expected) { bad++; console.log('signature mismatch for ' + raw); }
}
console.log(bad === 0 ? 'node ok ' + cases.length : 'node failed');
process.exit(bad === 0 ? 0 : 1);
"#;
    let out = Command::new("node").arg("-e").arg(script).arg(manifest).output().expect("node is installed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("node ok 10"), "{stdout}");
}

/// webhook-system.md's Python snippet: HMAC of `request.data` (the raw body bytes).
fn python_verifies(manifest: &Path) {
    let script = r#"
import hashlib, hmac, json, sys
cases = json.load(open(sys.argv[1]))
bad = 0
for c in cases:
    data = open(c["body_file"], "rb").read()                 # request.data
    secret = c["secret"].encode()
    computed = hmac.new(secret, data, hashlib.sha256).hexdigest()
    signature = c["sig"][len("sha256="):] if c["style"] == "sha256" else c["sig"]
    if not hmac.compare_digest(computed, signature):
        bad += 1
        print("mismatch", data)
print("python ok %d" % len(cases) if bad == 0 else "python failed")
sys.exit(1 if bad else 0)
"#;
    let out = Command::new("python3").arg("-c").arg(script).arg(manifest).output().expect("python3 is installed");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("python ok 10"), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
}

/// `webhook-id`/`webhook-timestamp`/`webhook-signature` checked by the Standard Webhooks
/// library (a whsec_ secret is given as the string; any other secret as its UTF-8 bytes, which
/// is our documented key for non-whsec secrets).
fn standard_webhooks_verifies(dir: &Path, manifest: &Path) {
    let venv = dir.join("venv");
    let installed = Command::new("python3").args(["-m", "venv"]).arg(&venv).status().is_ok_and(|s| s.success())
        && Command::new(venv.join("bin/pip")).args(["install", "-q", "--disable-pip-version-check", "standardwebhooks"]).status().is_ok_and(|s| s.success());
    let python = if installed { venv.join("bin/python").display().to_string() } else { "python3".to_owned() };
    eprintln!(
        "Standard Webhooks check: {}",
        if installed { "the standardwebhooks package from PyPI" } else { "pip could not install standardwebhooks; a Python re-implementation of the spec" }
    );
    let script = r#"
import base64, hashlib, hmac, json, sys
cases = json.load(open(sys.argv[1]))
try:
    from standardwebhooks.webhooks import Webhook
    def verify(secret, body, headers):
        key = secret if secret.startswith("whsec_") else secret.encode()
        Webhook(key).verify(body, headers)
    impl = "library"
except ImportError:
    import time
    def verify(secret, body, headers):
        key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()
        msg = "%s.%s.%s" % (headers["webhook-id"], headers["webhook-timestamp"], body.decode())
        expected = base64.b64encode(hmac.new(key, msg.encode(), hashlib.sha256).digest()).decode()
        assert abs(time.time() - int(headers["webhook-timestamp"])) < 300
        assert any(hmac.compare_digest("v1," + expected, s) for s in headers["webhook-signature"].split(" "))
    impl = "re-implementation"
for c in cases:
    verify(c["secret"], open(c["body_file"], "rb").read(), c["headers"])
print("standard webhooks ok %d (%s)" % (len(cases), impl))
"#;
    let out = Command::new(&python).arg("-c").arg(script).arg(manifest).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(out.status.success() && stdout.contains("standard webhooks ok 10"), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_targets_are_refused_unless_allowed() {
    let f = Fixture::new(Backend::Sqlite, &[]).await; // allows private targets, as tests must
    let rx = Receiver::start(|_| Reply::ok()).await;
    let strict = crate::support::domain(&f.db, &f.keys, &[("CONNECTGAIN_ALLOW_PRIVATE_TARGETS", "false")]).await;

    // Special-purpose ranges and IPv6 forms that carry a private IPv4 address.
    let special: Vec<String> = [
        "192.0.0.170",
        "198.18.0.1",
        "240.0.0.1",
        "[100::1]",
        "[2001:db8::1]",
        "[::ffff:127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[64:ff9b:1::a00:1]",
        "[2002:7f00:1::1]",
    ]
    .iter()
    .map(|host| format!("http://{host}:{}/hook", rx.addr.port()))
    .collect();

    // At save time.
    let named = [rx.url(), format!("http://localhost:{}/hook", rx.addr.port()), "http://169.254.169.254/latest/meta-data".into(), "http://[::1]/x".into()];
    for url in named.iter().chain(&special) {
        let err = subscriptions::create(&strict, f.org, &input(url, None, "hex")).await.unwrap_err();
        let connectgain_domain::Error::Invalid(fields) = err else { panic!("{err:?}") };
        assert!(fields["url"].contains("private address"), "{url}: {}", fields["url"]);
    }

    // At connect time: URLs saved while allowed, delivered by a strict worker.
    let literal = subscriptions::create(&f.d, f.org, &input(&rx.url(), None, "hex")).await.unwrap();
    let by_name = subscriptions::create(&f.d, f.org, &input(&format!("http://localhost:{}/hook", rx.addr.port()), None, "hex")).await.unwrap();
    let mut subs = vec![literal.view.id, by_name.view.id];
    for url in &special {
        subs.push(subscriptions::create(&f.d, f.org, &input(url, None, "hex")).await.unwrap().view.id);
    }
    let worker = Worker::start(&strict);
    events::emit_now(&strict, f.org, EventType::ContactCreated, &json!({"id": "c"})).await.unwrap();
    for sub in subs {
        let a = eventually(WAIT, "a refused attempt", || async {
            logs::attempts(&strict, f.org, &AttemptFilter { subscription: Some(sub), ..Default::default() }, None, 5).await.unwrap().data.pop()
        })
        .await;
        assert!(!a.success && a.error.as_deref().unwrap_or("").contains("target resolves to a private address"), "{:?}", a.error);
    }
    worker.stop().await;
    assert_eq!(rx.count(), 0, "nothing reached the loopback receiver");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_postgres_never_send_a_delivery_twice() {
    if !crate::support::postgres_enabled() {
        return;
    }
    let f = Fixture::new(Backend::Postgres, &[("CONNECTGAIN_WEBHOOK_CONCURRENCY", "32")]).await;
    let second = crate::support::domain(&f.db, &f.keys, &[("CONNECTGAIN_WEBHOOK_CONCURRENCY", "32")]).await; // its own pool: another instance
    let rx = Receiver::start(|_| Reply { delay: Duration::from_millis(1), ..Reply::ok() }).await;
    for i in 0..3 {
        subscriptions::create(&f.d, f.org, &input(&format!("{}?{i}", rx.url()), None, "hex")).await.unwrap();
    }
    let events_count = 400;
    for chunk in 0..events_count / 100 {
        let mut tx = f.d.db.begin().await.unwrap();
        for i in 0..100 {
            events::emit(&mut tx, f.org, EventType::MessageNew, &json!({"n": chunk * 100 + i})).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
    let (w1, w2) = (Worker::start(&f.d), Worker::start(&second));
    let got = rx.wait_for(events_count * 3, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    w1.stop().await;
    w2.stop().await;
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for r in &got {
        *per_id.entry(r.header("webhook-id").to_owned()).or_default() += 1;
    }
    assert_eq!(per_id.len(), events_count * 3);
    assert!(per_id.values().all(|n| *n == 1), "a delivery was sent twice");
    assert_eq!(rx.count(), events_count * 3);
}
