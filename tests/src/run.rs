//! Running fixtures through the SDK: in memory, and over loopback HTTP through each transport.

use std::path::Path;
use std::sync::Arc;

use talkover::fixture::{
    self, json_diff, pair_differences, same_path, Expect, ExpectedError, Fixture, Nulls, Request, CONFORMANCE_TOKEN,
};
use talkover::registry::OperationInfo;
use talkover::{Error, FieldError, HttpRequest, HttpResponse};

use crate::server::{Exchange, LoopbackServer};

/// The result of one fixture (through one transport).
#[derive(Debug)]
pub struct Outcome {
    /// Which fixture, and through what.
    pub label: String,
    /// What differed; empty when it passed.
    pub problems: Vec<String>,
}

impl Outcome {
    /// Whether the fixture passed.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// How to run the fixtures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Build and decode in memory.
    InMemory,
    /// Over loopback HTTP through every transport.
    Wire,
}

/// Runs every fixture below `dir`.
pub fn run_dir(dir: &Path, mode: Mode) -> Result<Vec<Outcome>, String> {
    let files = fixture::find_files(dir)?;
    let mut outcomes = Vec::new();
    let mut loaded = Vec::new();
    for file in files {
        match fixture::load_file(&file).and_then(|f| known(&f).map(|op| (f, op))) {
            Ok(pair) => loaded.push(pair),
            Err(problem) => outcomes.push(Outcome { label: file.display().to_string(), problems: vec![problem] }),
        }
    }
    match mode {
        Mode::InMemory => {
            for (fixture, op) in &loaded {
                outcomes.push(run_in_memory(fixture, op));
            }
        }
        Mode::Wire => outcomes.extend(run_wire(&loaded)?),
    }
    Ok(outcomes)
}

/// The failure of a fixture that expects a refusal, naming what the SDK built instead (method, path and
/// query, and the body's start), so that the check it passed shows.
fn unexpectedly_built(request: &HttpRequest) -> String {
    let body = String::from_utf8_lossy(request.body());
    let body = match body.char_indices().nth(200) {
        Some((cut, _)) => format!(" {}…", &body[..cut]),
        None if body.is_empty() => String::new(),
        None => format!(" {body}"),
    };
    format!("the SDK built a request the fixture expects it to refuse: {} {}{body}", request.method(), request.uri())
}

/// The fixture's operation, once the fixture gives each of its path parameters (the format: "each path
/// parameter by the name in the page's path template"): one left out would be read as empty, and the
/// SDK's refusal of an empty parameter would pass for what the fixture meant.
fn known(fixture: &Fixture) -> Result<&'static OperationInfo, String> {
    let op = fixture.operation_info().ok_or_else(|| format!("unknown operation id `{}`", fixture.operation))?;
    let missing: Vec<&str> =
        talkover::encode::path_placeholders(op.path).filter(|name| !fixture.params.path.contains_key(*name)).collect();
    if !missing.is_empty() {
        return Err(format!(
            "`params.path` lacks {}: a fixture gives every path parameter of `{}` (\"\" for an empty one)",
            missing.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", "),
            op.path
        ));
    }
    Ok(op)
}

/// Runs one fixture in memory: build the request, compare it, decode the recorded answer, compare that.
pub fn run_in_memory(fixture: &Fixture, op: &OperationInfo) -> Outcome {
    let label = fixture.name.clone();
    let mut problems = Vec::new();
    match op.build_request(&fixture.params, &fixture::conformance_config()) {
        Err(error) => check_refusal(fixture, op, &error, &mut problems),
        Ok(request) if fixture.expect.refused() => problems.push(unexpectedly_built(&request)),
        Ok(request) => {
            check_params(fixture, op, &request, &mut problems);
            if let Some(expected) = &fixture.request {
                check_request(expected, &request, &mut problems);
            } else {
                problems.push("the fixture has no `request` to compare the built one with".into());
            }
            if let Some(response) = &fixture.response {
                match response.to_http() {
                    Ok(http) => check_decoded(fixture, op.decode(http), &mut problems),
                    Err(e) => problems.push(e),
                }
            }
        }
    }
    Outcome { label, problems }
}

/// Every parameter the fixture gives must reach the typed request: one the operation's types leave out
/// (a misspelt name, a field they do not model) would otherwise pass as if it were unset.
fn check_params(fixture: &Fixture, op: &OperationInfo, request: &HttpRequest, problems: &mut Vec<String>) {
    for lost in op.left_out(&fixture.params, request) {
        problems
            .push(format!("params.{lost}: the operation's types have no such parameter or field, so it is not sent"));
    }
}

fn check_refusal(fixture: &Fixture, op: &OperationInfo, error: &Error, problems: &mut Vec<String>) {
    match &fixture.expect {
        Expect::Error(e) if fixture.expect.refused() => {
            check_error(e, error, problems);
            // A refusal may come from another field than the fixture means: a misspelt name, dropped
            // unread, leaves a required field unset. Names the operation does not have fail the fixture,
            // as they do where a request is built.
            for unknown in op.unknown_names(&fixture.params) {
                problems.push(format!("params.{unknown}: the operation's types have no such parameter or field"));
            }
        }
        _ => {
            let mut problem = format!("the SDK refused to build the request: {error}");
            // A path parameter under another name than the template's (a page's `agent` for `{agent_id}`)
            // is why one reads as missing: say so, as nothing else would.
            let placeholders: Vec<&str> = talkover::encode::path_placeholders(op.path).collect();
            let stray: Vec<String> = fixture
                .params
                .path
                .keys()
                .filter(|name| !placeholders.contains(&name.as_str()))
                .map(|name| format!("`{name}`"))
                .collect();
            if !stray.is_empty() {
                problem.push_str(&format!(
                    "; params.path also gives {}, which the path `{}` has no place for (its parameters are \
                     named as in the template)",
                    stray.join(", "),
                    op.path
                ));
            }
            problems.push(problem);
        }
    }
}

/// Compares a built request with what the fixture expects on the wire.
pub fn check_request(expected: &Request, request: &HttpRequest, problems: &mut Vec<String>) {
    let uri = request.uri();
    let actual_query = talkover::encode::parse_query(uri.query().unwrap_or(""));
    check_wire(
        expected,
        request.method().as_str(),
        uri.path(),
        &actual_query,
        |name| request.headers().get(name).map(|v| v.to_str().unwrap_or("<not text>").to_owned()),
        request.body(),
        problems,
    );
}

/// Compares the parts of a request as sent with what the fixture expects.
pub fn check_wire(
    expected: &Request,
    method: &str,
    path: &str,
    query: &[(String, String)],
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
    problems: &mut Vec<String>,
) {
    if method != expected.method {
        problems.push(format!("method: expected {}, got {method}", expected.method));
    }
    if !same_path(&expected.path, path) {
        problems.push(format!("path: expected {}, got {path}", expected.path));
    }
    let (missing, unexpected) = pair_differences(&expected.query, query);
    if !missing.is_empty() || !unexpected.is_empty() {
        let list = |pairs: &[&(String, String)]| {
            let pairs: Vec<String> = pairs.iter().map(|(name, value)| format!("{name}={value:?}")).collect();
            if pairs.is_empty() {
                "none".to_owned()
            } else {
                pairs.join(", ")
            }
        };
        problems.push(format!(
            "query: expected and not sent: {}; sent and not expected: {}",
            list(&missing),
            list(&unexpected)
        ));
    }
    let auth = format!("Bearer {CONFORMANCE_TOKEN}");
    for (name, value) in expected.headers.iter().chain(std::iter::once(&("authorization".to_owned(), auth))) {
        match header(name) {
            Some(actual) if &actual == value => {}
            // The value is never shown: a recording may hold a real token.
            Some(_) if name == "authorization" && *value != format!("Bearer {CONFORMANCE_TOKEN}") => problems.push(
                format!("header authorization: the fixture lists another value than `Bearer {CONFORMANCE_TOKEN}`, the token requests are built with"),
            ),
            Some(actual) if name == "authorization" => {
                problems.push(format!("header authorization: expected the bearer token, got {} bytes", actual.len()))
            }
            Some(actual) => problems.push(format!("header {name}: expected {value:?}, got {actual:?}")),
            None => problems.push(format!("header {name}: expected {value:?}, missing")),
        }
    }
    match (&expected.body, body.is_empty()) {
        (None, true) => {}
        (None, false) => problems.push(format!("body: expected none, got {}", String::from_utf8_lossy(body))),
        (Some(_), true) => problems.push("body: expected a JSON body, got none".into()),
        (Some(want), false) => match serde_json::from_slice::<serde_json::Value>(body) {
            Ok(got) => {
                for line in json_diff(want, &got, Nulls::Distinct) {
                    problems.push(format!("request body {line}"));
                }
            }
            Err(e) => problems.push(format!("body: not JSON: {e}")),
        },
    }
}

fn check_decoded(fixture: &Fixture, decoded: Result<serde_json::Value, Error>, problems: &mut Vec<String>) {
    match (&fixture.expect, decoded) {
        (Expect::Strict, Ok(value)) => {
            let recorded = fixture.response.as_ref().and_then(|r| r.body.json());
            match recorded {
                Some(body) => {
                    for line in json_diff(body, &value, Nulls::Absent) {
                        problems.push(format!("decoded response {line}"));
                    }
                }
                None => problems.push("a strict fixture needs a JSON `response.body`".into()),
            }
        }
        (Expect::Lenient, Ok(_)) => {}
        (Expect::Strict | Expect::Lenient, Err(error)) => problems.push(format!("expected success, got: {error}")),
        (Expect::Error(_), Ok(value)) => {
            problems.push(format!("expected an error, decoded {}", crate::compare_short(&value)))
        }
        (Expect::Error(expected), Err(error)) => check_error(expected, &error, problems),
        (other, _) => problems.push(format!("this runner does not know the expectation {other:?}")),
    }
}

fn check_error(expected: &ExpectedError, error: &Error, problems: &mut Vec<String>) {
    // Texts are shown quoted, field lists in brackets, numbers as they are, and a property the error lacks
    // as "none". The error itself is shown once, after its mismatches.
    let before = problems.len();
    let mut check = |what: &str, want: Option<String>, got: Option<String>| {
        if let Some(want) = want {
            if got.as_ref() != Some(&want) {
                let show = |v: &str| match what {
                    "kind" | "code" | "message" => format!("{v:?}"),
                    "fields" => format!("[{v}]"),
                    _ => v.to_owned(),
                };
                let got = got.as_deref().map_or_else(|| "none".to_owned(), show);
                problems.push(format!("error {what}: expected {}, got {got}", show(&want)));
            }
        }
    };
    check("status", expected.status.map(|s| s.to_string()), error.status().map(|s| s.as_u16().to_string()));
    // The format's word for the kind; the SDK's own name is accepted too where they differ (402).
    let kind = match &expected.kind {
        Some(want) if want == error.kind().as_str() => want.clone(),
        _ => error.kind().fixture_kind().to_owned(),
    };
    check("kind", expected.kind.clone(), Some(kind));
    check("code", expected.code.clone(), error.code().map(str::to_owned));
    check("message", expected.message.clone(), error.message().map(str::to_owned));
    let fields = match error {
        // The fields that have messages (a field given an empty list has none).
        Error::Api(api) => {
            let named = api.field_errors.iter().filter(|(_, messages)| !messages.is_empty());
            Some(named.map(|(field, _)| field.as_str()).collect::<Vec<_>>().join(","))
        }
        // A refusal names its fields too, as the API does (`port`, not where the runner's parameters held it,
        // `body.port`), sorted as a 422's are.
        Error::InvalidRequest(invalid) => {
            let mut named: Vec<&str> =
                invalid.problems().iter().map(FieldError::api_name).filter(|f| !f.is_empty()).collect();
            named.sort_unstable();
            named.dedup();
            Some(named.join(","))
        }
        _ => None,
    };
    check("fields", expected.fields.as_ref().map(|f| f.join(",")), fields);
    // The delay the answer asked for: its `Retry-After` header, or else the body's `retry_after`, or else
    // (a 429) the time until its rate-limit window resets.
    check(
        "retry_after_secs",
        expected.retry_after_secs.map(|s| s.to_string()),
        error.retry_after().map(|d| d.as_secs().to_string()),
    );
    if problems.len() > before {
        problems.push(format!("the error: {error}"));
    }
}

/// The transports the wire mode runs through.
const TRANSPORTS: [&str; 2] = ["reqwest", "ureq"];

fn run_wire(loaded: &[(Fixture, &'static OperationInfo)]) -> Result<Vec<Outcome>, String> {
    let server = LoopbackServer::start().map_err(|e| format!("cannot start the loopback server: {e}"))?;
    let base = server.base_url();
    let config =
        fixture::conformance_config().with_base_url(talkover::BaseUrl::parse(&base).map_err(|e| e.to_string())?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let reqwest = talkover_reqwest::ReqwestTransport::new().map_err(|e| e.to_string())?;
    let ureq = talkover_ureq::UreqTransport::new();
    let async_send: Arc<dyn talkover::Transport> = Arc::new(reqwest);
    let mut outcomes = Vec::new();
    for (fixture, op) in loaded {
        for transport in TRANSPORTS {
            let label = format!("{} [{transport}]", fixture.name);
            let mut problems = Vec::new();
            match op.build_request(&fixture.params, &config) {
                Err(error) => check_refusal(fixture, op, &error, &mut problems),
                Ok(request) if fixture.expect.refused() => problems.push(unexpectedly_built(&request)),
                Ok(request) => {
                    check_params(fixture, op, &request, &mut problems);
                    let (expected, response) = match (&fixture.request, &fixture.response) {
                        (Some(q), Some(r)) => (q.clone(), r.clone()),
                        _ => {
                            problems.push("the fixture has no `request` or no `response` to send".into());
                            outcomes.push(Outcome { label, problems });
                            continue;
                        }
                    };
                    server.expect(Exchange { request: expected, response });
                    let answer: Result<HttpResponse, talkover::TransportError> = match transport {
                        "reqwest" => runtime.block_on(async_send.send(request)),
                        _ => talkover::BlockingTransport::send(&ureq, request),
                    };
                    problems.extend(server.take_problems());
                    match answer {
                        Ok(http) => check_decoded(fixture, op.decode(http), &mut problems),
                        Err(e) => problems.push(format!("transport failed: {e}")),
                    }
                }
            }
            outcomes.push(Outcome { label, problems });
        }
    }
    server.stop();
    Ok(outcomes)
}
