//! A real HTTP server standing in for Appgain: the signup webhook (switchable between
//! answering credentials, failing, stalling and talking nonsense) and the notify API.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub enum Mode {
    Credentials { suit_id: String, api_key: String },
    Status(u16),
    Slow(Duration),
    Garbage,
}

#[derive(Default)]
struct Shared {
    mode: Option<Mode>,
    signups: Vec<Value>,
    sends: Vec<(String, Option<String>, Value)>,
}

#[derive(Clone)]
pub struct FakeAppgain {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl FakeAppgain {
    pub async fn start(mode: Mode) -> Self {
        let shared = Arc::new(Mutex::new(Shared { mode: Some(mode), ..Default::default() }));
        let app = Router::new().route("/webhook/connectGain-onSignup", post(signup)).route("/{suit_id}/send", post(send)).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, shared }
    }

    pub fn signup_url(&self) -> String {
        format!("http://{}/webhook/connectGain-onSignup", self.addr)
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        self.shared.lock().unwrap().mode = Some(mode);
    }

    /// The JSON bodies the signup webhook received, in order.
    pub fn signups(&self) -> Vec<Value> {
        self.shared.lock().unwrap().signups.clone()
    }

    /// (suit id, appApiKey header, body) of each campaign send.
    pub fn sends(&self) -> Vec<(String, Option<String>, Value)> {
        self.shared.lock().unwrap().sends.clone()
    }
}

async fn signup(State(shared): State<Arc<Mutex<Shared>>>, Json(body): Json<Value>) -> Response {
    let mode = {
        let mut shared = shared.lock().unwrap();
        shared.signups.push(body);
        shared.mode.clone().unwrap()
    };
    match mode {
        Mode::Credentials { suit_id, api_key } => Json(json!({ "suitId": suit_id, "apiKey": api_key })).into_response(),
        Mode::Status(code) => (StatusCode::from_u16(code).unwrap(), "no").into_response(),
        Mode::Slow(delay) => {
            tokio::time::sleep(delay).await;
            Json(json!({ "suitId": "late", "apiKey": "late-key" })).into_response()
        }
        Mode::Garbage => (StatusCode::OK, "<html>surprise</html>").into_response(),
    }
}

async fn send(State(shared): State<Arc<Mutex<Shared>>>, Path(suit_id): Path<String>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let key = headers.get("appApiKey").and_then(|v| v.to_str().ok()).map(str::to_owned);
    shared.lock().unwrap().sends.push((suit_id, key, body));
    Json(json!({ "status": "queued", "messageId": "m-1" })).into_response()
}
