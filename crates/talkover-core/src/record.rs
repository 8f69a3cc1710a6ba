//! A transport wrapper that records each exchange as a fixture in the conformance format (`FIXTURES.md`),
//! so that a session against the live API (or an emulator) can be replayed later with
//! [`Replay`](crate::replay::Replay) or run by the conformance suite.
//!
//! The token is never written, and secret fields (`password`, `secret`, `webhook_secret`, `token`,
//! `private_key`, `private_key_passphrase`, `api_key`, an external call's `websocket_url` and
//! `websocketCallUrl`, whose query carries a token, any field whose name ends in a word credentials go by,
//! such as an action's `config.client_secret` or `refresh_token` ([`is_secret_field`](crate::secret::is_secret_field)),
//! and the values of `custom_headers`) are replaced by
//! [`REDACTED`] in request and response bodies alike. The core does no I/O: fixtures are handed out as
//! `(suggested relative path, fixture JSON text)` pairs through [`Recording::take`] or a callback
//! ([`Recorder::on_record`]); writing them to files is the caller's business. The text keeps numbers as
//! the server wrote them (`250.00` stays `250.00`), which a `serde_json::Value` would not.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::agents::UnpublishAgent;
//! use talkover::record::Recorder;
//! use talkover::{build_request, decode_response, BlockingTransport, ClientConfig, HttpRequest};
//!
//! let network = |_request: HttpRequest| {
//!     let body = br#"{"success":true,"data":{"id":"a1","current_status":"draft"}}"#;
//!     Ok(http::Response::builder().status(200).header("content-type", "application/json").body(body.to_vec()).unwrap())
//! };
//! let recorder = Recorder::new(network);
//! let recording = recorder.recording();
//!
//! let config = ClientConfig::new("talq_secret_token").unwrap();
//! let request = build_request(&UnpublishAgent::new("a1"), &config).unwrap();
//! let agent = decode_response::<UnpublishAgent>(recorder.send(request).unwrap()).unwrap();
//! assert_eq!(agent.id.as_str(), "a1");
//!
//! let fixtures = recording.take();
//! let (path, text) = &fixtures[0];
//! assert_eq!(path, "unpublish-agent/ok-recorded-001.json");
//! let fixture: serde_json::Value = serde_json::from_str(text).unwrap();
//! assert_eq!(fixture["params"]["path"]["agent_id"], "a1");
//! assert!(!text.contains("talq_secret_token"));
//! ```

use serde_json::{json, Map, Value};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::encode;
use crate::error::{Error, TransportError};
use crate::fixture::{self, Nulls};
use crate::registry::OperationInfo;
use crate::transport::{BlockingTransport, HttpRequest, HttpResponse, Transport};

/// What a secret value is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The body fields whose values are secrets, wherever they appear. The values of `custom_headers` are
/// secrets too.
pub use crate::secret::SECRET_FIELDS;

/// The response headers a fixture keeps.
const KEPT_RESPONSE_HEADERS: &[&str] = &["content-type", "retry-after", "x-request-id", "request-id"];

/// The request headers a fixture lists (the rest are not checked by the runner).
const KEPT_REQUEST_HEADERS: &[&str] = &["accept", "content-type"];

type Sink = Arc<dyn Fn(&str, &str) + Send + Sync>;

/// The fixtures recorded so far: a cheap handle shared between a [`Recorder`] and whoever reads them.
#[derive(Clone, Default)]
pub struct Recording {
    inner: Arc<Mutex<RecordingState>>,
}

#[derive(Default)]
struct RecordingState {
    fixtures: Vec<(String, String)>,
    count: u64,
    skipped: Vec<String>,
}

impl fmt::Debug for Recording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Recording")
            .field("fixtures", &state.fixtures.len())
            .field("skipped", &state.skipped.len())
            .finish()
    }
}

impl Recording {
    /// An empty recording.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, RecordingState> {
        // A panic while recording leaves the list usable: it is only ever appended to.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Removes and returns the fixtures recorded so far: each one's suggested relative path
    /// (`<operation-id>/<case>.json`) and its JSON text (pretty-printed, ready to be written to that file or
    /// handed to [`Replay::from_fixtures`](crate::replay::Replay::from_fixtures)).
    pub fn take(&self) -> Vec<(String, String)> {
        std::mem::take(&mut self.lock().fixtures)
    }

    /// A copy of the fixtures recorded so far, left in place.
    pub fn fixtures(&self) -> Vec<(String, String)> {
        self.lock().fixtures.clone()
    }

    /// How many fixtures are waiting to be taken.
    pub fn len(&self) -> usize {
        self.lock().fixtures.len()
    }

    /// Whether no fixture is waiting to be taken.
    pub fn is_empty(&self) -> bool {
        self.lock().fixtures.is_empty()
    }

    /// The exchanges that could not be recorded (no operation of the registry has their method and path),
    /// as `METHOD /path: reason`.
    pub fn skipped(&self) -> Vec<String> {
        self.lock().skipped.clone()
    }

    fn push(&self, prefix: &str, operation: &str, status: u16, fixture: String) -> (String, String) {
        let mut state = self.lock();
        state.count += 1;
        let outcome = if (200..300).contains(&status) { "ok".to_owned() } else { format!("error-{status}") };
        let path = format!("{operation}/{outcome}-{prefix}-{:03}.json", state.count);
        state.fixtures.push((path.clone(), fixture.clone()));
        (path, fixture)
    }

    fn skip(&self, what: String) {
        self.lock().skipped.push(what);
    }
}

/// Wraps a [`Transport`] or [`BlockingTransport`] and records every exchange that went through it.
///
/// The wrapped transport's answers are passed on unchanged; recording happens beside them. Exchanges that
/// failed in the transport (no answer) are not recorded.
pub struct Recorder<T> {
    inner: T,
    recording: Recording,
    sink: Option<Sink>,
    case_prefix: String,
}

impl<T> fmt::Debug for Recorder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recorder")
            .field("recording", &self.recording)
            .field("case_prefix", &self.case_prefix)
            .finish_non_exhaustive()
    }
}

impl<T> Recorder<T> {
    /// Records every exchange of `inner`.
    pub fn new(inner: T) -> Self {
        Self::with_recording(inner, Recording::new())
    }

    /// Records into an existing [`Recording`] (to gather several transports' exchanges in one list).
    pub fn with_recording(inner: T, recording: Recording) -> Self {
        Self { inner, recording, sink: None, case_prefix: "recorded".to_owned() }
    }

    /// A handle on the fixtures recorded so far. Take it before handing the recorder to a client.
    pub fn recording(&self) -> Recording {
        self.recording.clone()
    }

    /// Calls `sink` with each fixture as soon as it is recorded (its suggested relative path, and its JSON
    /// text). The fixture is kept in the [`Recording`] as well.
    pub fn on_record(mut self, sink: impl Fn(&str, &str) + Send + Sync + 'static) -> Self {
        self.sink = Some(Arc::new(sink));
        self
    }

    /// The word in each case name (`ok-<prefix>-001.json`); `recorded` by default.
    pub fn case_prefix(mut self, prefix: impl Into<String>) -> Self {
        let prefix: String = prefix.into();
        let clean: String =
            prefix.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
        self.case_prefix = if clean.is_empty() { "recorded".to_owned() } else { clean };
        self
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    fn record(&self, request: &Snapshot, response: &HttpResponse) {
        match fixture_of(request, response) {
            Ok((operation, fixture)) => {
                let (path, fixture) =
                    self.recording.push(&self.case_prefix, operation, response.status().as_u16(), fixture);
                if let Some(sink) = &self.sink {
                    sink(&path, &fixture);
                }
            }
            Err(reason) => self.recording.skip(format!("{} {}: {reason}", request.method, request.path)),
        }
    }
}

impl<T: BlockingTransport> BlockingTransport for Recorder<T> {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let snapshot = Snapshot::of(&request);
        let response = self.inner.send(request)?;
        self.record(&snapshot, &response);
        Ok(response)
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for Recorder<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let snapshot = Snapshot::of(&request);
        let response = self.inner.send(request).await?;
        self.record(&snapshot, &response);
        Ok(response)
    }
}

/// Builds the fixture of one exchange: its operation id (found in the registry by method and path) and the
/// fixture's JSON text, with the token and secret fields redacted. Fails when no operation has the
/// request's method and path.
pub fn fixture_from_exchange(request: &HttpRequest, response: &HttpResponse) -> Result<(&'static str, String), String> {
    fixture_of(&Snapshot::of(request), response)
}

/// What is kept of a request before it is handed to the transport.
struct Snapshot {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    token: Option<String>,
    /// The values of the request's other headers (a client's headers of its own: a gateway's key), which
    /// are never written either.
    others: Vec<String>,
}

impl Snapshot {
    fn of(request: &HttpRequest) -> Self {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let token = header("authorization")
            .and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_owned()))
            .filter(|t| !t.is_empty());
        Self {
            method: request.method().as_str().to_owned(),
            path: request.uri().path().to_owned(),
            query: request.uri().query().unwrap_or_default().to_owned(),
            headers: KEPT_REQUEST_HEADERS.iter().filter_map(|n| header(n).map(|v| ((*n).to_owned(), v))).collect(),
            body: request.body().clone(),
            token,
            others: request
                .headers()
                .iter()
                // Those a caller cannot set are the SDK's (or the connection's): the rest are the caller's.
                .filter(|(name, _)| !crate::config::RESERVED_HEADERS.contains(&name.as_str()))
                .map(|(_, value)| String::from_utf8_lossy(value.as_bytes()).trim().to_owned())
                .filter(|value| !value.is_empty())
                .collect(),
        }
    }
}

/// A JSON body, redacted, and its text as sent when redacting changed nothing in it.
struct JsonBody {
    value: Value,
    verbatim: Option<String>,
}

impl JsonBody {
    fn read(bytes: &[u8], secrets: &[&str]) -> Result<Self, serde_json::Error> {
        let original: Value = serde_json::from_slice(bytes)?;
        let mut value = original.clone();
        crate::secret::hide_secret_fields(&mut value, secrets);
        let verbatim = (value == original).then(|| String::from_utf8_lossy(bytes).trim().to_owned());
        Ok(Self { value, verbatim })
    }

    fn bytes(&self) -> Vec<u8> {
        match &self.verbatim {
            Some(text) => text.clone().into_bytes(),
            None => serde_json::to_vec(&self.value).unwrap_or_default(),
        }
    }
}

/// Marks where a verbatim body goes in the fixture's text.
fn marker(place: &str) -> String {
    format!("\u{1}talkover-record:{place}\u{1}")
}

fn fixture_of(request: &Snapshot, response: &HttpResponse) -> Result<(&'static str, String), String> {
    // A base URL's mount prefix (`http://host/mock/api/v1`) is left out, so the fixture replays on any
    // base URL.
    let (op, path, path_params) = fixture::route_mounted(&request.method, &request.path)
        .ok_or("no documented operation has this method and path")?;
    // What is never written: the token, and the secrets the request's body carried, wherever an answer
    // echoes them (as is, escaped, or percent-encoded).
    let carried = crate::secret::secrets_in_json(&request.body);
    let mut secrets: Vec<&str> = carried.iter().map(crate::secret::SecretString::expose_secret).collect();
    secrets.extend(request.token.as_deref());
    secrets.extend(request.others.iter().map(String::as_str));

    let pairs = encode::parse_query(&request.query);
    let body = if request.body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        Some(JsonBody::read(&request.body, &secrets).map_err(|e| format!("the request body is not JSON: {e}"))?)
    };
    let query = typed_query(op, &pairs);

    let mut headers = Map::new();
    for (name, value) in &request.headers {
        headers.insert(name.clone(), Value::String(redact_text(value, &secrets)));
    }
    let wire_query: Vec<Value> = pairs.iter().map(|(n, v)| json!([n, redact_text(v, &secrets)])).collect();

    let status = response.status().as_u16();
    let mut response_headers = Map::new();
    for name in KEPT_RESPONSE_HEADERS {
        if let Some(value) = response.headers().get(*name).and_then(|v| v.to_str().ok()) {
            response_headers.insert((*name).to_owned(), Value::String(redact_text(value, &secrets)));
        }
    }
    let mut verbatim: Vec<(String, String)> = Vec::new();
    let mut recorded_response = json!({ "status": status, "headers": response_headers });
    let answer = match JsonBody::read(response.body(), &secrets) {
        Ok(answer) => {
            let bytes = answer.bytes();
            recorded_response["body"] = match answer.verbatim.clone() {
                Some(text) => {
                    verbatim.push((marker("response"), text));
                    Value::String(marker("response"))
                }
                None => answer.value.clone(),
            };
            Some((answer, bytes))
        }
        Err(_) if response.body().is_empty() => None,
        Err(_) => {
            let text = redact_text(&String::from_utf8_lossy(response.body()), &secrets);
            recorded_response["body_text"] = Value::String(text);
            None
        }
    };
    let (answer, answer_bytes) = match answer {
        Some((answer, bytes)) => (Some(answer.value), bytes),
        None => (None, recorded_response.get("body_text").and_then(Value::as_str).unwrap_or("").as_bytes().to_vec()),
    };
    let expect = expectation(op, response, answer_bytes, answer.as_ref());

    let request_body = match &body {
        Some(JsonBody { verbatim: Some(text), .. }) => {
            verbatim.push((marker("request"), text.clone()));
            Value::String(marker("request"))
        }
        Some(body) => body.value.clone(),
        None => Value::Null,
    };
    let fixture = json!({
        "operation": op.id,
        "description": format!("recorded: {} {path} answered {status}", request.method),
        "params": { "path": path_params, "query": query, "body": request_body },
        "request": {
            "method": request.method,
            "path": path,
            "query": wire_query,
            "headers": headers,
            "body": request_body,
        },
        "response": recorded_response,
        "expect": expect,
    });
    let mut text = serde_json::to_string_pretty(&fixture).map_err(|e| e.to_string())?;
    for (place, body) in verbatim {
        let quoted = serde_json::to_string(&place).map_err(|e| e.to_string())?;
        text = text.replace(&quoted, &body);
    }
    text.push('\n');
    Ok((op.id, text))
}

/// The query as the fixture's `params.query`: numbers and booleans where the operation's types read a
/// number or a boolean (as [`OperationInfo::query_fields`] describes them), text otherwise, as it came.
fn typed_query(op: &OperationInfo, pairs: &[(String, String)]) -> Value {
    let fields = op.query_fields();
    let scalar = |name: &str| {
        fields.iter().find(|f| f.name == name).is_some_and(|f| {
            let reads = f.reads.trim_start_matches("null or ").trim_start_matches("list of ");
            ["integer", "number", "boolean", "decimal"].iter().any(|kind| reads.starts_with(kind))
        })
    };
    let as_text: Vec<String> =
        pairs.iter().map(|(name, _)| name.trim_end_matches("[]").to_owned()).filter(|name| !scalar(name)).collect();
    query_object(pairs, &as_text)
}

fn query_object(pairs: &[(String, String)], as_text: &[String]) -> Value {
    let mut object = Map::new();
    for (raw_name, value) in pairs {
        let repeated = raw_name.ends_with("[]");
        let name = raw_name.trim_end_matches("[]");
        let value = if as_text.iter().any(|n| n == name) { Value::String(value.clone()) } else { guess_scalar(value) };
        match object.get_mut(name) {
            Some(Value::Array(items)) => items.push(value),
            Some(previous) => {
                let first = previous.take();
                *previous = Value::Array(vec![first, value]);
            }
            None if repeated => {
                object.insert(name.to_owned(), Value::Array(vec![value]));
            }
            None => {
                object.insert(name.to_owned(), value);
            }
        }
    }
    Value::Object(object)
}

fn guess_scalar(text: &str) -> Value {
    match text {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    // Only plain integers: `+1234` or `007` are phone numbers and codes, not numbers.
    let plain = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
        && text.len() < 16;
    match text.parse::<u64>() {
        Ok(n) if plain => Value::from(n),
        _ => Value::String(text.to_owned()),
    }
}

/// What the SDK makes of the (redacted) answer, in the fixture's `expect` form.
fn expectation(op: &OperationInfo, original: &HttpResponse, bytes: Vec<u8>, body: Option<&Value>) -> Value {
    let mut builder = http::Response::builder().status(original.status());
    for (name, value) in original.headers() {
        builder = builder.header(name, value);
    }
    let Ok(response) = builder.body(bytes) else {
        return json!({ "ok": "lenient" });
    };
    match op.decode(response) {
        Ok(typed) => match body {
            Some(body) if fixture::json_equal(body, &typed, Nulls::Absent) => json!({ "ok": "strict" }),
            _ => json!({ "ok": "lenient" }),
        },
        Err(Error::Api(e)) => {
            let mut error = json!({ "status": e.status.as_u16(), "kind": e.kind.fixture_kind() });
            if let Some(code) = &e.code {
                error["code"] = Value::String(code.clone());
            }
            if let Some(message) = &e.message {
                error["message"] = Value::String(message.clone());
            }
            // The fields that have messages, as FIXTURES.md gives `fields` and the runner reads them.
            let fields: Vec<&String> = e.field_errors.iter().filter(|(_, m)| !m.is_empty()).map(|(f, _)| f).collect();
            if e.kind == crate::ErrorKind::Validation && !fields.is_empty() {
                error["fields"] = fields.into_iter().cloned().collect();
            }
            if let (crate::ErrorKind::RateLimited, Some(after)) = (e.kind, e.retry_after) {
                error["retry_after_secs"] = Value::from(after.as_secs());
            }
            json!({ "error": error })
        }
        Err(other) => {
            let mut error = json!({ "kind": other.kind().fixture_kind() });
            if let Some(status) = other.status() {
                error["status"] = Value::from(status.as_u16());
            }
            json!({ "error": error })
        }
    }
}

/// Replaces secret fields and every occurrence of the token in a JSON value.
pub fn redact(value: &mut Value, token: Option<&str>) {
    crate::secret::hide_secret_fields(value, token.as_slice());
}

fn redact_text(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    crate::secret::hide_in(&mut text, secrets);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, uri: &str, body: Option<Value>) -> HttpRequest {
        let mut builder = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("authorization", "Bearer talq_live_secret")
            .header("accept", "application/json");
        if body.is_some() {
            builder = builder.header("content-type", "application/json");
        }
        builder.body(body.map(|b| b.to_string().into_bytes()).unwrap_or_default()).unwrap()
    }

    fn response(status: u16, body: Value) -> HttpResponse {
        http::Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .header("set-cookie", "session=abc")
            .body(body.to_string().into_bytes())
            .unwrap()
    }

    #[test]
    fn finds_the_operation_and_strips_a_mount_prefix() {
        let req = request("DELETE", "http://127.0.0.1:9/mock/api/v1/agents/a%2Fb/actions/x", None);
        let (id, text) =
            fixture_from_exchange(&req, &response(200, json!({"success": true, "message": "deleted"}))).unwrap();
        let fixture: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(id, "delete-action");
        assert_eq!(fixture["request"]["path"], "/api/v1/agents/a%2Fb/actions/x");
        assert_eq!(fixture["params"]["path"], json!({"agent_id": "a/b", "action_id": "x"}));
        assert_eq!(fixture["expect"], json!({"ok": "strict"}));
        assert_eq!(fixture["response"]["headers"], json!({"content-type": "application/json"}));
        let parsed = crate::fixture::Fixture::parse(&text).unwrap();
        assert!(parsed.fits("DELETE", "/api/v1/agents/a%2fb/actions/x"));
        assert!(fixture_from_exchange(&request("GET", "http://h/nowhere", None), &response(200, json!({}))).is_err());
    }

    #[test]
    fn credentials_in_free_form_maps_are_never_written() {
        let body = json!({
            "node_id": "n1", "name": "CRM", "description": "Logs the call", "type": "external",
            "config": {"client_secret": "cs-123456789", "refreshToken": "rt-123456789", "X-Api-Key": "k-123456789",
                "signing_key": "sk-123456789", "pin_password": 73914682, "max_tokens": 256, "region": "eu", "requires_authorization": true},
            "integration": {"id": "crm", "settings": {"access_token": "at-123456789"}},
        });
        let req = request("POST", "https://h/api/v1/agents/a1/actions", Some(body));
        let answer = json!({"success": false, "message": "The given data was invalid.", "errors": {"name": ["bad"]}});
        let (_, text) = fixture_from_exchange(&req, &response(422, answer)).unwrap();
        for secret in ["cs-123456789", "rt-123456789", "k-123456789", "at-123456789", "sk-123456789", "73914682"] {
            assert!(!text.contains(secret), "{secret} written in {text}");
        }
        let fixture: Value = serde_json::from_str(&text).unwrap();
        let config = &fixture["params"]["body"]["config"];
        assert_eq!(
            (&config["client_secret"], &config["max_tokens"], &config["region"], &config["requires_authorization"]),
            (&json!(REDACTED), &json!(256), &json!("eu"), &json!(true)),
            "a count, a text and a flag beside them are kept"
        );
    }

    #[test]
    fn query_values_take_the_types_the_operation_needs() {
        let req = request("GET", "https://h/api/v1/agents?search=12345&per_page=5&status=draft", None);
        let body = json!({"success": true, "data": [], "meta": {"current_page": 1, "per_page": 5, "total": 0}});
        let (_, text) = fixture_from_exchange(&req, &response(200, body)).unwrap();
        let fixture: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(fixture["params"]["query"], json!({"search": "12345", "per_page": 5, "status": "draft"}));
        assert_eq!(fixture["request"]["query"], json!([["search", "12345"], ["per_page", "5"], ["status", "draft"]]));
    }

    /// A header of the client's own (a gateway's key) is a secret too: an answer that echoes it is
    /// recorded without it.
    #[test]
    fn a_header_of_the_clients_own_is_never_written() {
        let mut req = request("GET", "https://h/api/v1/agents/a1", None);
        req.headers_mut().insert("x-gateway-key", "gw_key_0123456789abcdef".parse().unwrap());
        let mut answer =
            response(403, json!({"success": false, "message": "Unknown gateway key gw_key_0123456789abcdef"}));
        answer.headers_mut().insert("x-request-id", "req-gw_key_0123456789abcdef".parse().unwrap());
        let (_, text) = fixture_from_exchange(&req, &answer).unwrap();
        assert!(!text.contains("gw_key_0123456789abcdef"), "{text}");
        assert!(text.contains("Unknown gateway key"), "{text}");
    }

    #[test]
    fn secrets_and_the_token_are_never_written() {
        let body = json!({
            "name": "Hook", "webhook_url": "https://example.com/talq_live_secret", "webhook_secret": "s3cret",
            "events": ["event_phone_call_started"],
            "custom_headers": [{"key": "X-Api-Key", "value": "k3y"}],
        });
        let req = request("POST", "https://h/api/v1/agents/a1/webhooks", Some(body));
        // A field listed with no message is not one of `fields` (FIXTURES.md: "field names that have
        // messages", as the runner reads them).
        let answer = json!({"success": false, "message": "The given data was invalid.",
            "errors": {"webhook_url": ["bad"], "events": []}, "token": "talq_other"});
        let recorder = Recorder::new(move |_: HttpRequest| Ok(response(422, answer.clone())));
        let recording = recorder.recording();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink_seen = seen.clone();
        let recorder = recorder.on_record(move |path, _| sink_seen.lock().unwrap().push(path.to_owned()));
        let answered = BlockingTransport::send(&recorder, req).unwrap();
        assert_eq!(answered.status(), 422);

        let fixtures = recording.take();
        assert_eq!(fixtures.len(), 1);
        let (path, text) = &fixtures[0];
        assert_eq!(path, "create-webhook/error-422-recorded-001.json");
        assert_eq!(seen.lock().unwrap().as_slice(), std::slice::from_ref(path));
        let fixture: Value = serde_json::from_str(text).unwrap();
        for secret in ["talq_live_secret", "s3cret", "k3y", "talq_other", "authorization", "session=abc"] {
            assert!(!text.contains(secret), "{secret} was written: {text}");
        }
        assert_eq!(fixture["params"]["body"]["webhook_secret"], REDACTED);
        assert_eq!(fixture["request"]["body"]["custom_headers"][0]["key"], "X-Api-Key");
        assert_eq!(fixture["expect"]["error"]["kind"], "validation");
        assert_eq!(fixture["expect"]["error"]["fields"], json!(["webhook_url"]));
        crate::fixture::Fixture::parse(text).unwrap();
        assert!(recording.is_empty());
    }

    /// An answer that echoes a secret the request carried (in its message, percent-encoded, in a body that
    /// is no JSON) keeps it out of the fixture, as it does the token.
    #[test]
    fn secrets_an_answer_echoes_are_never_written() {
        let body = json!({"name": "Primary", "provider_name": "Carrier", "domain": "sip.example.com",
            "username": "acme", "password": "SIPPASSWORD_zz99"});
        let echo = json!({"success": false,
            "message": "The password SIPPASSWORD_zz99 is invalid for %74alq_live_secret",
            "errors": {"password": ["SIPPASSWORD%5Fzz99 is too weak"]}});
        for answer in [
            response(422, echo),
            http::Response::builder()
                .status(500)
                .body(b"<html>\"password\":\"SIPPASSWORD_zz99\" talq_live_secret</html>".to_vec())
                .unwrap(),
        ] {
            let req = request("POST", "https://h/api/v1/sip-trunks", Some(body.clone()));
            let recorder = Recorder::new(move |_: HttpRequest| Ok(answer.clone()));
            let recording = recorder.recording();
            BlockingTransport::send(&recorder, req).unwrap();
            let (_, text) = &recording.take()[0];
            for secret in ["SIPPASSWORD", "alq_live_secret"] {
                assert!(!text.contains(secret), "{secret} was written: {text}");
            }
            assert!(text.contains("[redacted]"), "{text}");
            crate::fixture::Fixture::parse(text).unwrap();
        }
        // An integration's `api_key` is a secret field too.
        let action = json!({"node_id": "n1", "name": "CRM", "description": "Looks up", "type": "external",
            "integration": {"identifier": "crm", "api_key": "INTEGRATION_APIKEY_77"}});
        let req = request("POST", "https://h/api/v1/agents/a1/actions", Some(action));
        let echo = json!({"success": false, "message": "Bad key INTEGRATION_APIKEY_77"});
        let recorder = Recorder::new(move |_: HttpRequest| Ok(response(422, echo.clone())));
        let recording = recorder.recording();
        BlockingTransport::send(&recorder, req).unwrap();
        let (_, text) = &recording.take()[0];
        assert!(!text.contains("INTEGRATION_APIKEY"), "{text}");
    }

    #[test]
    fn an_external_calls_websocket_urls_are_not_written() {
        let body = json!({"to": "+15550101234", "sid": "EX1", "from": "+15550100000", "direction": "outbound"});
        let req = request("POST", "https://h/api/v1/agents/a1/call", Some(body));
        let text = r#"{"success":true,"data":{"id":"c1","status":"external","to":"+15550101234",
            "websocket_url":"wss://agent.example/c1?x-talq=tok_one","created_at":"2024-01-01T00:00:00Z",
            "transport":{"provider":"external.websocket","websocketCallUrl":"wss://agent.example/c1?x-talq=tok_two"}}}"#;
        let answer = http::Response::builder().status(200).body(text.as_bytes().to_vec()).unwrap();
        let (id, fixture) = fixture_from_exchange(&req, &answer).unwrap();
        assert_eq!(id, "make-call");
        for secret in ["tok_one", "tok_two"] {
            assert!(!fixture.contains(secret), "{secret} was written: {fixture}");
        }
        let parsed: Value = serde_json::from_str(&fixture).unwrap();
        assert_eq!(parsed["response"]["body"]["data"]["websocket_url"], REDACTED);
    }

    #[test]
    fn numbers_keep_the_digits_the_server_wrote() {
        let req = request("GET", "https://h/api/v1/credits/balance", None);
        let text = r#"{"success":true,"data":{"balance":250.00,"currency":"USD"}}"#;
        let answer = http::Response::builder().status(200).body(text.as_bytes().to_vec()).unwrap();
        let (id, fixture) = fixture_from_exchange(&req, &answer).unwrap();
        assert_eq!(id, "get-credits-balance");
        assert!(fixture.contains(r#""balance":250.00"#), "{fixture}");
        let parsed: Value = serde_json::from_str(&fixture).unwrap();
        assert_eq!(parsed["expect"], json!({"ok": "strict"}));
    }

    #[test]
    fn non_json_answers_are_kept_as_text() {
        let req = request("GET", "https://h/api/v1/agents/a1", None);
        let html = http::Response::builder().status(502).body(b"<html>bad gateway</html>".to_vec()).unwrap();
        let (_, text) = fixture_from_exchange(&req, &html).unwrap();
        let fixture: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(fixture["response"]["body_text"], "<html>bad gateway</html>");
        assert_eq!(fixture["expect"], json!({"error": {"status": 502, "kind": "server"}}));
    }
}
