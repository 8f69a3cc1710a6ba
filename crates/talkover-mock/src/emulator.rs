//! The emulator without its HTTP server: a request in, the API's answer out.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use http::{HeaderValue, StatusCode};
use serde_json::{json, Value};
use talkover_core::fixture::{self, Route};
use talkover_core::{BlockingTransport, HttpRequest, HttpResponse, Transport, TransportError};

use crate::fixtures::{query_pairs, Catalog};
use crate::reply::Reply;
use crate::state::{self, State};

/// The token the emulator accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "talq_mock_token";

/// The largest request body the emulator reads.
pub(crate) const MAX_BODY: usize = 4 * 1024 * 1024;

/// Faults to inject, so that code using the SDK can be tested against a misbehaving API. The latency
/// applies to every answer; the `429`s and `500`s to requests that passed the token check, with the
/// operation's documented body when the reference shows one.
///
/// ```
/// use std::time::Duration;
/// use talkover_mock::Faults;
///
/// let faults = Faults::new().latency(Duration::from_millis(50)).error_rate(0.1).rate_limit_burst(3, 1);
/// assert_eq!(faults.rate_limit_burst, 3);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Faults {
    /// Added before every answer.
    pub latency: Duration,
    /// The share of requests answered `500`, from 0 (none, the default) to 1 (all).
    pub error_rate: f64,
    /// How many requests, from when the faults take effect, are answered `429`.
    pub rate_limit_burst: u32,
    /// The `Retry-After` of those `429`s, in seconds.
    pub retry_after_secs: u64,
    /// The seed of the error-rate draw, so that a run can be repeated.
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Self { latency: Duration::ZERO, error_rate: 0.0, rate_limit_burst: 0, retry_after_secs: 1, seed: 0x5eed }
    }
}

impl Faults {
    /// No faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `latency` before every answer.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Answers this share of requests (0 to 1) with `500`.
    pub fn error_rate(mut self, rate: f64) -> Self {
        self.error_rate = if rate.is_finite() { rate.clamp(0.0, 1.0) } else { 0.0 };
        self
    }

    /// Answers the next `requests` requests with `429` and `Retry-After: retry_after_secs`.
    pub fn rate_limit_burst(mut self, requests: u32, retry_after_secs: u64) -> Self {
        self.rate_limit_burst = requests;
        self.retry_after_secs = retry_after_secs;
        self
    }

    /// The seed of the error-rate draw.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
}

struct FaultState {
    faults: Faults,
    burst_left: u32,
    rng: u64,
}

impl FaultState {
    fn new(faults: Faults) -> Self {
        Self { burst_left: faults.rate_limit_burst, rng: faults.seed | 1, faults }
    }

    /// xorshift64*: good enough to spread injected errors, with no dependency.
    fn draw(&mut self) -> f64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// How to set up an [`Emulator`] (and through [`crate::ServerBuilder`], a server).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) token: String,
    pub(crate) fixtures_dir: Option<PathBuf>,
    pub(crate) seed_agent: bool,
    pub(crate) faults: Faults,
}

impl Default for Settings {
    fn default() -> Self {
        Self { token: DEFAULT_TOKEN.to_owned(), fixtures_dir: None, seed_agent: true, faults: Faults::default() }
    }
}

/// The Talkover API emulated in memory: agents, actions, trainings, agent webhooks, calls and campaigns
/// are kept and changed by the documented rules; every other operation answers from recorded fixtures.
///
/// A [`crate::Server`] puts it behind HTTP on 127.0.0.1. It is also a [`Transport`] and a
/// [`BlockingTransport`] itself, for tests that want the emulator's behaviour without a socket.
pub struct Emulator {
    token: String,
    catalog: Catalog,
    state: Mutex<State>,
    faults: Mutex<FaultState>,
    requests: AtomicU64,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("fixtures", &self.catalog.len())
            .field("requests", &self.requests.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked leaves the state as it was before the request.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Emulator {
    /// An emulator with the default settings: the token [`DEFAULT_TOKEN`], the embedded fixtures, the
    /// reference's example agent, no faults.
    pub fn new() -> Self {
        Self::with_settings(Settings::default()).expect("the embedded fixtures load")
    }

    pub(crate) fn with_settings(settings: Settings) -> Result<Self, String> {
        let catalog = match &settings.fixtures_dir {
            Some(dir) => Catalog::from_dir(dir)?,
            None => Catalog::embedded(),
        };
        let state = State::new(&catalog, settings.seed_agent);
        Ok(Self {
            token: settings.token,
            catalog,
            state: Mutex::new(state),
            faults: Mutex::new(FaultState::new(settings.faults)),
            requests: AtomicU64::new(0),
        })
    }

    /// The token requests must carry (`Authorization: Bearer <token>`).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// How many recorded exchanges the emulator can replay.
    pub fn fixture_count(&self) -> usize {
        self.catalog.len()
    }

    /// How many requests it has answered.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Replaces the faults to inject, from the next request on (a rate-limit burst starts again).
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.faults) = FaultState::new(faults);
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        lock(&self.faults).faults.clone()
    }

    /// The latency to add before the next answer.
    pub(crate) fn latency(&self) -> Duration {
        lock(&self.faults).faults.latency
    }

    /// Answers one request, without the injected latency (the server and the transports add it).
    pub fn handle(&self, request: &HttpRequest) -> HttpResponse {
        let number = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let reply = self.answer(request);
        let bytes = match reply.raw {
            Some(raw) => raw,
            None => serde_json::to_vec(&reply.body).unwrap_or_default(),
        };
        let mut response = http::Response::new(bytes);
        *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Ok(id) = HeaderValue::from_str(&format!("mock-{number}")) {
            headers.insert("x-request-id", id);
        }
        for (name, value) in reply.headers {
            if let (Ok(name), Ok(value)) =
                (http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
            {
                headers.insert(name, value);
            }
        }
        response
    }

    fn answer(&self, request: &HttpRequest) -> Reply {
        let method = request.method().as_str();
        let path = request.uri().path();
        let (op, params) = match fixture::route(method, path) {
            Route::Found { operation, params } => (operation, params),
            Route::WrongMethod => {
                return Reply::new(
                    405,
                    json!({ "message": format!("The {method} method is not supported for route {path}.") }),
                )
            }
            Route::Unknown => {
                return Reply::new(404, json!({ "message": format!("The route {path} could not be found.") }))
            }
        };
        if op.id != "health" && !self.authorized(request) {
            let body = self
                .catalog
                .documented_error(op.id, 401, None)
                .unwrap_or_else(|| json!({ "success": false, "message": "Unauthenticated." }));
            return Reply::new(401, body);
        }
        if let Some(fault) = self.fault(op.id) {
            return fault;
        }
        let body = if request.body().iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            match serde_json::from_slice::<Value>(request.body()) {
                Ok(body) => Some(body),
                Err(_) => return Reply::fail(400, "The request body is not valid JSON."),
            }
        };
        let query = query_pairs(request.uri().query());
        let req =
            state::Request { operation: op, path: &params, query: &query, body: body.as_ref(), catalog: &self.catalog };
        let mut state = lock(&self.state);
        if let Some(reply) = state.handle(&req) {
            return reply;
        }
        // A documented example answers as recorded; for the caller's own ids, the state decides first
        // whether they exist.
        if !self.catalog.has_path(op.id, path) {
            let param = |name: &str| params.get(name).and_then(Value::as_str);
            if param("agent_id").is_some_and(|id| !state.has_agent(id)) {
                return state::agent_not_found(&req);
            }
            if param("campaign_id").is_some_and(|id| !state.has_campaign(id)) {
                return state::campaign_not_found(&req);
            }
            if state::is_agent_webhook_operation(op) {
                if let (Some(agent), Some(webhook)) = (param("agent_id"), param("webhook_id")) {
                    if !state.has_webhook(agent, webhook) {
                        return state::webhook_not_found(&req);
                    }
                }
            }
        }
        drop(state);
        match self.catalog.replay(op.id, path, &query, body.as_ref(), &params) {
            Some(replayed) => Reply {
                status: replayed.status,
                body: Value::Null,
                headers: replayed.headers,
                raw: Some(replayed.body),
            },
            None => Reply::fail(501, &format!("talkover-mock has no recorded answer for {}", op.id)),
        }
    }

    fn authorized(&self, request: &HttpRequest) -> bool {
        let Some(value) = request.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        value.strip_prefix("Bearer ").is_some_and(|token| token.trim() == self.token)
    }

    fn fault(&self, operation: &str) -> Option<Reply> {
        let mut faults = lock(&self.faults);
        if faults.burst_left > 0 {
            faults.burst_left -= 1;
            let body = self.catalog.documented_error(operation, 429, None).unwrap_or_else(
                || json!({ "success": false, "message": "Too many requests. Please try again later." }),
            );
            let mut reply = Reply::new(429, body);
            reply.headers.push(("retry-after".to_owned(), faults.faults.retry_after_secs.to_string()));
            return Some(reply);
        }
        if faults.faults.error_rate > 0.0 && faults.draw() < faults.faults.error_rate {
            let body = self
                .catalog
                .documented_error(operation, 500, None)
                .unwrap_or_else(|| json!({ "success": false, "message": "Internal server error." }));
            return Some(Reply::new(500, body));
        }
        None
    }
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockingTransport for Emulator {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let latency = self.latency();
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        Ok(self.handle(&request))
    }
}

#[async_trait::async_trait]
impl Transport for Emulator {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let latency = self.latency();
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        Ok(self.handle(&request))
    }
}
