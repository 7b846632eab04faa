//! A real HTTP receiver on 127.0.0.1 for the events the server sends: it answers 200 "ok"
//! to every `POST /hook` and keeps each request's headers and body.

use std::sync::{Arc, Mutex};

use axum::{extract::State, http::HeaderMap, routing::post, Router};

#[derive(Clone, Default)]
pub struct Received(pub Arc<Mutex<Vec<(HeaderMap, String)>>>);

impl Received {
    /// The bodies received so far, parsed as JSON.
    pub fn bodies(&self) -> Vec<serde_json::Value> {
        self.0.lock().unwrap().iter().map(|(_, body)| serde_json::from_str(body).unwrap()).collect()
    }
}

/// Starts a receiver; returns its URL and what it receives.
pub async fn receiver() -> (String, Received) {
    let received = Received::default();
    async fn take(State(r): State<Received>, headers: HeaderMap, body: String) -> &'static str {
        r.0.lock().unwrap().push((headers, body));
        "ok"
    }
    let app = Router::new().route("/hook", post(take)).with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), received)
}
