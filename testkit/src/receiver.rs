use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{body::Bytes, http::HeaderMap, http::Uri, response::IntoResponse};
use serde_json::Value;

use crate::CEILING;

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: Bytes,
    pub at: Instant,
}

impl Received {
    /// The header's value; panics when it is absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or_else(|| panic!("no {name} header"))
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }

    /// The body as JSON (`null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    /// How long it takes to answer.
    pub delay: Duration,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self { status, delay: Duration::ZERO, headers: vec![], body: String::new() }
    }

    pub fn ok() -> Self {
        Self { body: "ok".into(), ..Self::status(200) }
    }
}

/// Decides the reply from the request's 0-based number and its path.
type Script = Arc<dyn Fn(usize, &str) -> Reply + Send + Sync>;

/// A real HTTP server on 127.0.0.1 that records every request, whatever its method and path,
/// and answers as its script says.
#[derive(Clone)]
pub struct Receiver {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// A receiver answering 200 to everything.
    pub async fn ok() -> Self {
        Self::routed(|_| Reply::ok()).await
    }

    /// A receiver whose n-th request (0-based) gets `script(n)`.
    pub async fn start(script: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Self {
        Self::serve(Arc::new(move |n, _| script(n))).await
    }

    /// A receiver answering by path (`/hooks/fail500`...).
    pub async fn routed(script: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Self {
        Self::serve(Arc::new(move |_, path| script(path))).await
    }

    async fn serve(script: Script) -> Self {
        let log: Arc<Mutex<Vec<Received>>> = Arc::default();
        let state = (log.clone(), script);
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let (log, script) = state.clone();
            async move {
                let path = uri.path().to_owned();
                let n = {
                    let mut log = log.lock().unwrap();
                    let headers = headers.iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
                    log.push(Received { path: path.clone(), headers, body, at: Instant::now() });
                    log.len() - 1
                };
                let reply = script(n, &path);
                if !reply.delay.is_zero() {
                    tokio::time::sleep(reply.delay).await;
                }
                let status = axum::http::StatusCode::from_u16(reply.status).expect("a valid status");
                let mut response = (status, reply.body).into_response();
                for (name, value) in reply.headers {
                    response.headers_mut().insert(name, value.parse().expect("a valid header value"));
                }
                response
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let addr = listener.local_addr().expect("a bound address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("the receiver serves") });
        Self { addr, log }
    }

    /// `http://127.0.0.1:port`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:port/hook`: where subscriptions send.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    /// How many requests arrived at `path`.
    pub fn count_at(&self, path: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|r| r.path == path).count()
    }

    /// The last request that arrived at `path`; panics when none did.
    pub fn last_at(&self, path: &str) -> Received {
        let log = self.log.lock().unwrap();
        log.iter().rev().find(|r| r.path == path).cloned().unwrap_or_else(|| panic!("nothing arrived at {path}"))
    }

    /// The bodies received so far, as JSON.
    pub fn bodies(&self) -> Vec<Value> {
        self.log.lock().unwrap().iter().map(Received::json).collect()
    }

    /// Waits until at least `n` requests arrived; panics after `within`.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            let bodies: Vec<&str> = got.iter().map(Received::body_str).collect();
            assert!(Instant::now() < deadline, "expected {n} requests within {within:?}, got {}: {bodies:?}", got.len());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits (up to [`CEILING`]) for a JSON body whose `field` is `value`, e.g. an event
    /// named `message.received`; answers that body.
    pub async fn wait_for_json(&self, field: &str, value: &str) -> Value {
        let deadline = Instant::now() + CEILING;
        loop {
            let bodies = self.bodies();
            if let Some(found) = bodies.iter().find(|b| b[field] == value) {
                return found.clone();
            }
            let seen: Vec<&Value> = bodies.iter().map(|b| &b[field]).collect();
            assert!(Instant::now() < deadline, "no {field} = {value} within {CEILING:?}; got {seen:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
