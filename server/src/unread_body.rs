//! Answers given before the request body was read (401, 413, 415, 429 …) reach every
//! client, and the connection stays usable when it can.
//!
//! A server that answers early and closes with part of the body unread makes the kernel
//! reset the connection, which can destroy the answer before the client reads it: clients
//! that send the whole body before they look for an answer (Python requests; reqwest on a
//! busy machine) then see a reset instead of the 413. And a connection left with a body
//! half read cannot carry the next request, so keeping it alive silently breaks the
//! client's next request on it. So, after the handler, the rest of an unread body is read
//! and thrown away (up to [`DRAIN_AT_MOST`] bytes, within [`DRAIN_WITHIN`]); when that is
//! not possible the answer says `Connection: close`.

use std::{
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes, HttpBody},
    extract::Request,
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};
use http_body::{Frame, SizeHint};

/// At most this much of an unread body is read to keep the answer readable.
const DRAIN_AT_MOST: usize = 16 << 20;
/// Reading the rest of a body gives up after this long (a client that stalls).
const DRAIN_WITHIN: Duration = Duration::from_secs(10);

/// The request body, shared with this layer so that what the handler left can be read
/// after it returned.
struct Shared {
    body: Arc<Mutex<Body>>,
    polled: Arc<AtomicBool>,
}

impl HttpBody for Shared {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.polled.store(true, Ordering::Relaxed);
        let mut body = self.body.lock().unwrap_or_else(|e| e.into_inner());
        Pin::new(&mut *body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.lock().unwrap_or_else(|e| e.into_inner()).is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.lock().unwrap_or_else(|e| e.into_inner()).size_hint()
    }
}

pub async fn drain_unread_body(request: Request, next: Next) -> Response {
    if request.body().is_end_stream() {
        return next.run(request).await;
    }
    let expects_continue = request.headers().get(header::EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let (parts, body) = request.into_parts();
    let body = Arc::new(Mutex::new(body));
    let polled = Arc::new(AtomicBool::new(false));
    let shared = Shared { body: body.clone(), polled: polled.clone() };
    let mut response = next.run(Request::from_parts(parts, Body::new(shared))).await;

    let mut rest = std::mem::take(&mut *body.lock().unwrap_or_else(|e| e.into_inner()));
    if rest.is_end_stream() {
        return response;
    }
    // A client waiting for `100 Continue` has not sent the body and will not once it has
    // the final answer: nothing to read, but the connection cannot be reused.
    let readable = !expects_continue || polled.load(Ordering::Relaxed);
    if !(readable && drain(&mut rest).await) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Reads the body to its end and throws it away; false when it is too large, broken or slow.
async fn drain(body: &mut Body) -> bool {
    let read = async {
        let mut seen = 0usize;
        loop {
            match std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await {
                None => return true,
                Some(Err(_)) => return false,
                Some(Ok(frame)) => {
                    seen += frame.data_ref().map_or(0, Bytes::len);
                    if seen > DRAIN_AT_MOST {
                        return false;
                    }
                }
            }
        }
    };
    tokio::time::timeout(DRAIN_WITHIN, read).await.unwrap_or(false)
}
