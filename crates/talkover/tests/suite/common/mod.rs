//! What the client tests share: the token, its configuration, JSON answers, the log of what a transport
//! was sent, and the recorded fixtures (tests/fixtures/<operation>/<case>.json) a handler test is checked
//! against.

#![allow(dead_code, unused_macros)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::value::RawValue;
use serde_json::Value;
use talkover::{Ack, ClientConfig, Error, HttpRequest, HttpResponse, TransportError};

/// The fixture `tests/fixtures/<operation>/<case>.json`, compiled in (a [`Fixture`]).
macro_rules! fixture {
    ($path:literal) => {
        common::Fixture::new(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../talkover-mock/fixtures/", $path)))
    };
}

/// The token of the tests' clients.
pub const TOKEN: &str = "talq_test_token_0123456789";

/// The requests a recording transport was sent, in order.
pub type Seen = Arc<Mutex<Vec<HttpRequest>>>;

/// The body of make-call's first example on its page (and its recorded fixtures), to `to`.
pub fn example_call(to: &str) -> talkover::calls::NewCall {
    talkover::calls::NewCall::new(to)
        .payload_value("customer_name", "John Doe")
        .payload_value("account_id", "ACC123")
        .context_value("user_id", "user_123")
        .context_value("source", "web_app")
        .delay_seconds(0)
        .is_testing(false)
}

/// A configuration with [`TOKEN`].
pub fn config() -> ClientConfig {
    ClientConfig::new(TOKEN).unwrap()
}

/// A JSON answer, its body byte for byte.
pub fn json(status: u16, body: &str) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// One recorded exchange of an operation: the request its reference page documents and the answer.
#[derive(Clone)]
pub struct Fixture {
    text: &'static str,
    value: Value,
}

impl Fixture {
    /// The fixture of this JSON text (see the `fixture!` macro).
    pub fn new(text: &'static str) -> Self {
        Self { text, value: serde_json::from_str(text).expect("a fixture is JSON") }
    }

    /// The documented answer, its body byte for byte (amounts keep their digits).
    pub fn response(&self) -> HttpResponse {
        let parts: HashMap<&str, &RawValue> = serde_json::from_str(self.text).unwrap();
        let response: HashMap<&str, &RawValue> = serde_json::from_str(parts["response"].get()).unwrap();
        let status: u16 = serde_json::from_str(response["status"].get()).unwrap();
        json(status, response["body"].get())
    }

    /// Asserts that `request` is the documented one: method, host, path, query, and the JSON body with its
    /// content type (neither when the fixture documents no body).
    pub fn assert_sent(&self, request: &HttpRequest) {
        let expected = &self.value["request"];
        let name = self.value["operation"].as_str().unwrap();
        assert_eq!(request.method().as_str(), expected["method"], "{name}: method");
        assert_eq!(request.uri().host(), Some("app.talkover.ai"), "{name}: host");
        assert_eq!(request.uri().path(), expected["path"], "{name}: path");
        assert_eq!(sent_query(request), documented_query(expected), "{name}: query");
        if expected["body"].is_null() {
            assert!(request.body().is_empty(), "{name}: no body expected");
            assert!(request.headers().get("content-type").is_none(), "{name}: no content type expected");
        } else {
            let sent: Value = serde_json::from_slice(request.body()).expect("a JSON body");
            assert_eq!(sent, expected["body"], "{name}: body");
            assert_eq!(request.headers()["content-type"], "application/json", "{name}: content type");
        }
    }
}

/// A blocking client whose transport records each request and answers every one with the fixture's answer.
pub fn blocking(fixture: &Fixture) -> (Seen, talkover::blocking::Client) {
    let seen = Seen::default();
    let log = seen.clone();
    let documented = fixture.clone();
    let client = talkover::blocking::Client::with_transport(config(), move |request: HttpRequest| {
        log.lock().unwrap().push(request);
        Ok(documented.response())
    });
    (seen, client)
}

/// A blocking client whose transport records each request and answers it with the next of `answers`.
pub fn client_answering(answers: Vec<HttpResponse>) -> (Seen, talkover::blocking::Client) {
    let seen = Seen::default();
    let log = seen.clone();
    let answers = Mutex::new(answers.into_iter());
    let transport = move |request: HttpRequest| -> Result<HttpResponse, TransportError> {
        log.lock().unwrap().push(request);
        Ok(answers.lock().unwrap().next().expect("no more answers"))
    };
    (seen, talkover::blocking::Client::with_transport(config(), transport))
}

/// The one request a client sent.
pub fn sent(seen: &Seen) -> HttpRequest {
    let mut seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "exactly one request");
    seen.pop().unwrap()
}

/// Checks the method and path, as the reference page writes them (next to [`exchange`], which checks them
/// against the fixture).
pub fn assert_request(request: &HttpRequest, method: &str, path: &str) {
    assert_eq!(request.method(), method);
    assert_eq!(request.uri().path(), path);
}

/// Runs `call` against the fixture's answer, checks that the one request sent is the fixture's (see
/// [`Fixture::assert_sent`]) and returns the decoded value with the request.
pub fn exchange<T>(
    fixture: Fixture,
    call: impl FnOnce(&talkover::blocking::Client) -> Result<T, Error>,
) -> (T, HttpRequest) {
    let (seen, client) = blocking(&fixture);
    let value = call(&client).unwrap();
    let request = sent(&seen);
    fixture.assert_sent(&request);
    (value, request)
}

/// Runs `call` against the fixture's answer like [`exchange`], for an operation that answers with no data:
/// checks that the acknowledgement carries the documented `message` and returns the request.
pub fn acknowledged(
    fixture: Fixture,
    message: &str,
    call: impl FnOnce(&talkover::blocking::Client) -> Result<Ack, Error>,
) -> HttpRequest {
    let (ack, request) = exchange(fixture, call);
    assert_eq!(ack.message.as_deref(), Some(message));
    request
}

/// The query a request sent, its pairs sorted.
pub fn sent_query(request: &HttpRequest) -> Vec<(String, String)> {
    let mut pairs = talkover::encode::parse_query(request.uri().query().unwrap_or(""));
    pairs.sort();
    pairs
}

/// The query a fixture's `request` documents, its pairs sorted.
pub fn documented_query(request: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = request["query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Query pairs written out, sorted, to compare with [`sent_query`].
pub fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    pairs.sort();
    pairs
}

/// A tracing subscriber that writes every span's and event's fields into one string: a line
/// `span NAME fields…` for each span, `event LEVEL TARGET fields…` for each event, `record NAME fields…`
/// where a span's fields are recorded after it began, and `enter` and `exit` where a span is entered and
/// left. It knows the span a thread is in, as a service's subscriber does (`Span::current()`).
#[derive(Clone, Default)]
pub struct Capture(pub Arc<Mutex<String>>, Arc<Mutex<Spans>>, Option<tracing::Level>);

/// The spans a [`Capture`] has seen, by id, and those entered, innermost last.
#[derive(Default)]
struct Spans {
    known: Vec<&'static tracing::Metadata<'static>>,
    entered: Vec<tracing::span::Id>,
}

impl Spans {
    fn metadata(&self, id: &tracing::span::Id) -> &'static tracing::Metadata<'static> {
        self.known[id.into_u64() as usize - 1]
    }
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        let _ = write!(self.0, "{}={value:?} ", field.name());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        self.2.is_none_or(|level| *metadata.level() <= level)
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut out = self.0.lock().unwrap();
        out.push_str(&format!("\nspan {} ", span.metadata().name()));
        span.record(&mut Fields(&mut out));
        let mut spans = self.1.lock().unwrap();
        spans.known.push(span.metadata());
        tracing::span::Id::from_u64(spans.known.len() as u64)
    }

    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut out = self.0.lock().unwrap();
        out.push_str(&format!("\nrecord {} ", self.1.lock().unwrap().metadata(id).name()));
        values.record(&mut Fields(&mut out));
    }

    fn current_span(&self) -> tracing_core::span::Current {
        let spans = self.1.lock().unwrap();
        match spans.entered.last() {
            Some(id) => tracing_core::span::Current::new(id.clone(), spans.metadata(id)),
            None => tracing_core::span::Current::none(),
        }
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut out = self.0.lock().unwrap();
        let metadata = event.metadata();
        out.push_str(&format!("\nevent {} {} ", metadata.level(), metadata.target()));
        event.record(&mut Fields(&mut out));
    }

    fn enter(&self, id: &tracing::span::Id) {
        self.1.lock().unwrap().entered.push(id.clone());
        self.0.lock().unwrap().push_str("\nenter");
    }

    fn exit(&self, id: &tracing::span::Id) {
        let mut spans = self.1.lock().unwrap();
        if let Some(at) = spans.entered.iter().rposition(|entered| entered == id) {
            spans.entered.remove(at);
        }
        self.0.lock().unwrap().push_str("\nexit");
    }
}

impl Capture {
    /// What `run` traces under this subscriber on this thread. `run` is called twice: other tests of the
    /// binary hit the same call sites on other threads with no subscriber, and one that registered a call
    /// site while this subscriber was being installed leaves it cached as "not interested"; the first
    /// round registers every call site, the interest is computed anew, and the second round is kept.
    pub fn traced(run: impl Fn()) -> String {
        Self::traced_up_to(None, run)
    }

    /// [`Capture::traced`], keeping only what is at `level` or more severe (`None`: everything).
    pub fn traced_up_to(level: Option<tracing::Level>, run: impl Fn()) -> String {
        let capture = Capture(Arc::default(), Arc::default(), level);
        tracing::subscriber::with_default(capture.clone(), || {
            run();
            tracing::callsite::rebuild_interest_cache();
            capture.0.lock().unwrap().clear();
            run();
        });
        let shown = capture.0.lock().unwrap().clone();
        shown
    }
}

/// A loopback address that refuses every connection while the streams are held: the near end of a
/// connection, whose port no listener can take (a port let go could be taken meanwhile by another test's
/// listener, which would answer or hold the request).
pub fn refusing_address() -> (std::net::SocketAddr, [std::net::TcpStream; 2]) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let near = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    (near.local_addr().unwrap(), [near, listener.accept().unwrap().0])
}
