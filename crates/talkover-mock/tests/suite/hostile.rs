//! Hostile requests: every operation of the registry, from the reference's own example request, sent again
//! with a bounded, deterministic list of broken bodies, fields, path ids, query values, methods and headers,
//! straight to the emulator. Whatever arrives, the emulator must answer without a panic and without a 5xx
//! of its own making; every 4xx must be JSON, said to be JSON, in one of the API's documented error shapes
//! (and read by the SDK as the API's error, with its message); a request without the right token must be
//! answered 401.
//!
//! The emulator answers a 5xx on purpose only when asked to (`Faults::error_rate`, the operation's
//! documented 500) or when a fixture folder of the caller's lacks an operation it does not model (501);
//! neither applies here, so any 5xx below is a bug.
//!
//! An example naming ids a fresh emulator does not hold (the reference's pages make up different ones) is
//! first pointed at what the emulator holds, so that its mutations reach the operation's checks rather
//! than its 404. Webhook targets point at a closed port on loopback: nothing leaves the machine.

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http::Method;
use serde_json::{json, Value};
use talkover::registry::{self, OperationInfo, Params};
use talkover::{ClientConfig, Error, HttpRequest, HttpResponse};
use talkover_mock::Emulator;

use crate::common;

const TOKEN: &str = "talq_hostile";
const HOST: &str = "http://127.0.0.1";

/// What a mutated request is expected to get, besides the checks every answer gets.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// Any answer that is not a 5xx (4xx in the documented shapes).
    Anything,
    /// The 401 of a request without the right token.
    Unauthorized,
    /// A field of the body changed: a 422 names fields (`errors.<field>`), not the body as a whole
    /// (`errors.body`), as the API's validation answers do.
    FieldsNamed,
}

struct Mutation {
    name: String,
    request: HttpRequest,
    expect: Expect,
}

/// Percent-encodes everything but the unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The example request with a new path and query (already encoded), body and headers kept.
fn with_uri(base: &HttpRequest, path: &str, query: Option<&str>) -> HttpRequest {
    let uri = match query {
        Some(query) if !query.is_empty() => format!("{HOST}{path}?{query}"),
        _ => format!("{HOST}{path}"),
    };
    let mut request = base.clone();
    *request.uri_mut() = uri.parse().unwrap_or_else(|e| panic!("{uri}: {e}"));
    request
}

fn with_body(base: &HttpRequest, body: Vec<u8>) -> HttpRequest {
    let mut request = base.clone();
    *request.body_mut() = body;
    if !request.headers().contains_key(CONTENT_TYPE) {
        request.headers_mut().insert(CONTENT_TYPE, "application/json".parse().unwrap());
    }
    request
}

fn with_json(base: &HttpRequest, body: &Value) -> HttpRequest {
    with_body(base, serde_json::to_vec(body).unwrap())
}

/// The operation's path with each placeholder replaced by its segment (already encoded).
fn path_of(op: &OperationInfo, segment: impl Fn(&str) -> String) -> String {
    op.path
        .split('/')
        .map(|part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => segment(name),
            None => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Values of another JSON type than `value`'s, one of each.
fn wrong_types(value: &Value) -> Vec<(&'static str, Value)> {
    let all = [
        ("a string", json!("x")),
        ("a number", json!(12345)),
        ("a boolean", json!(true)),
        ("an array", json!(["x", 1])),
        ("an object", json!({ "x": 1 })),
    ];
    let same = |candidate: &Value| {
        std::mem::discriminant(candidate) == std::mem::discriminant(value)
            || (candidate.is_number() && value.is_number())
    };
    all.into_iter().filter(|(_, candidate)| !same(candidate)).collect()
}

/// A JSON number that fits no integer type (u64::MAX + 1), written as such.
fn beyond_u64() -> Value {
    serde_json::from_str("18446744073709551616").unwrap()
}

/// The hostile values a field of the example body is replaced by (`None`: the field removed); `top` adds
/// the big ones (a 100 000-char string, a 10 000-item list), kept to the top level.
fn variants(value: &Value, top: bool) -> Vec<(String, Option<Value>)> {
    let mut out: Vec<(String, Option<Value>)> = vec![("removed".into(), None), ("null".into(), Some(Value::Null))];
    out.extend(wrong_types(value).into_iter().map(|(what, wrong)| (what.to_owned(), Some(wrong))));
    let numbers = ["1e308", "-1", "0", "0.5", "4294967296", "9223372036854775807", "-9223372036854775808"];
    let mut numbers: Vec<(&str, Value)> = numbers.iter().map(|n| (*n, serde_json::from_str(n).unwrap())).collect();
    numbers.push(("u64::MAX", json!(u64::MAX)));
    numbers.push(("u64::MAX + 1", beyond_u64()));
    out.extend(numbers.into_iter().map(|(what, n)| (what.to_owned(), Some(n))));
    out.push(("an empty string".into(), Some(json!(""))));
    // The same shape out of range: a date, a time, a phone number with every digit a 9, or a 0.
    if let Some(text) = value.as_str().filter(|t| t.bytes().any(|b| b.is_ascii_digit())) {
        for digit in ['9', '0'] {
            let same_shape: String = text.chars().map(|c| if c.is_ascii_digit() { digit } else { c }).collect();
            out.push((format!("{same_shape:?}"), Some(Value::String(same_shape))));
        }
    }
    out.push(("a non-ASCII string".into(), Some(json!("é🔥\u{0}ключ"))));
    if let Value::Array(items) = value {
        out.push(("an empty list".into(), Some(json!([]))));
        if top {
            let item = items.first().cloned().unwrap_or(json!("x"));
            out.push(("a 10 000-item list".into(), Some(Value::Array(vec![item; 10_000]))));
        }
    }
    if top {
        out.push(("a 100 000-char string".into(), Some(Value::String("x".repeat(100_000)))));
    }
    out
}

/// `body` with the value at `at` (keys, or list indexes) replaced, or removed for `None`.
fn replaced(body: &Value, at: &[String], replacement: Option<Value>) -> Value {
    let mut body = body.clone();
    let (last, parents) = at.split_last().expect("a field");
    let mut parent = &mut body;
    for key in parents {
        parent = match parent {
            Value::Object(map) => map.get_mut(key).expect("the field"),
            Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
            _ => unreachable!("{at:?} leads through a scalar"),
        };
    }
    match (parent, replacement) {
        (Value::Object(map), Some(value)) => {
            map.insert(last.clone(), value);
        }
        (Value::Object(map), None) => {
            map.remove(last);
        }
        (Value::Array(items), Some(value)) => items[last.parse::<usize>().unwrap()] = value,
        (Value::Array(items), None) => {
            items.remove(last.parse::<usize>().unwrap());
        }
        _ => unreachable!("{at:?} leads through a scalar"),
    }
    body
}

/// The wrong values each documented query parameter gets (written encoded).
const QUERY_VALUES: &[&str] = &[
    "-1",
    "0",
    "abc",
    "100000",
    "",
    "1e308",
    "0.5",
    "4294967296",
    "9223372036854775807",
    "18446744073709551615",
    "18446744073709551616",
    "%FF",
    "%00",
    "2024-02-30",
    "%C3%A9%F0%9F%94%A5",
];

/// The bounded, deterministic list of hostile variants of one operation's example request.
fn mutations(op: &OperationInfo, params: &Params, base: &HttpRequest) -> Vec<Mutation> {
    let mut out = Vec::new();
    let mut push = |name: String, request: HttpRequest, expect: Expect| out.push(Mutation { name, request, expect });
    let path = base.uri().path().to_owned();
    let query = base.uri().query().unwrap_or_default().to_owned();

    // The whole body.
    let whole: [(&str, &[u8]); 9] = [
        ("body {}", b"{}"),
        ("body []", b"[]"),
        ("body null", b"null"),
        ("body \"x\"", b"\"x\""),
        ("body 1e308", b"1e308"),
        ("body not JSON", b"name=x&this is not JSON"),
        ("body empty", b""),
        ("body invalid UTF-8", b"\xff\xfe\xfd{\"a\":1}"),
        ("body with invalid UTF-8 in a string", b"{\"name\": \"\xff\xfe\"}"),
    ];
    for (name, body) in whole {
        push(name.to_owned(), with_body(base, body.to_vec()), Expect::Anything);
    }
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    push("body nested 10 000 deep".into(), with_body(base, deep.into_bytes()), Expect::Anything);

    if let Some(Value::Object(fields)) = &params.body {
        let mut body = fields.clone();
        body.insert("not_a_documented_field".into(), json!({ "x": [1, "y", null] }));
        push("body with an undocumented field".into(), with_json(base, &Value::Object(body)), Expect::Anything);
    }

    // Each top-level field of the example body, and one level below it: each field of an object, the
    // first item of a list (and each field of that item, when it is an object).
    if let Some(Value::Object(fields)) = &params.body {
        let body = Value::Object(fields.clone());
        for (field, value) in fields {
            let at = vec![field.clone()];
            for (what, replacement) in variants(value, true) {
                push(
                    format!("field {field} {what}"),
                    with_json(base, &replaced(&body, &at, replacement)),
                    Expect::FieldsNamed,
                );
            }
            let mut inner: Vec<(Vec<String>, &Value)> = Vec::new();
            match value {
                Value::Object(children) => {
                    inner.extend(children.iter().map(|(k, v)| (vec![field.clone(), k.clone()], v)));
                }
                Value::Array(items) if !items.is_empty() => {
                    inner.push((vec![field.clone(), "0".into()], &items[0]));
                    if let Value::Object(children) = &items[0] {
                        inner.extend(children.iter().map(|(k, v)| (vec![field.clone(), "0".into(), k.clone()], v)));
                    }
                }
                _ => {}
            }
            for (at, value) in inner {
                for (what, replacement) in variants(value, false) {
                    let name = format!("field {} {what}", at.join("."));
                    push(name, with_json(base, &replaced(&body, &at, replacement)), Expect::FieldsNamed);
                }
            }
        }
    }

    // Each path id.
    let example_segment = |name: &str| {
        let value = params.path.get(name).map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()));
        encode(&value.unwrap_or_else(|| "x".into()))
    };
    let placeholders: Vec<&str> =
        op.path.split('/').filter_map(|p| p.strip_prefix('{').and_then(|p| p.strip_suffix('}'))).collect();
    let rebuilt = path_of(op, example_segment);
    for name in placeholders {
        let ids = [
            ("unknown", encode("00000000-dead-4bad-8bad-000000000000")),
            ("empty", String::new()),
            ("%00", "%00".into()),
            ("..", "..".into()),
            ("%2E%2E", "%2E%2E".into()),
            ("2 000 chars", "a".repeat(2_000)),
            ("non-ASCII", encode("agent-été-ключ-🔥")),
            ("invalid UTF-8", "%FF%FE".into()),
            ("a slash inside", "a%2Fb".into()),
        ];
        for (what, segment) in ids {
            let mutated = path_of(op, |n| if n == name { segment.clone() } else { example_segment(n) });
            push(format!("path {name} {what}"), with_uri(base, &mutated, Some(&query)), Expect::Anything);
        }
    }
    // Sanity: the rebuilt path is the one the SDK sends, so the mutations above differ in one id only.
    assert_eq!(rebuilt, path, "{}: the path rebuilt from the example", op.id);

    // Query parameters.
    // The example's pairs, encoded again: the mutated values below are written encoded.
    let pairs: Vec<(String, String)> =
        talkover::encode::parse_query(&query).iter().map(|(k, v)| (encode(k), encode(v))).collect();
    let joined =
        |pairs: &[(String, String)]| pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let with_pair = |name: &str, value: &str| {
        let mut pairs: Vec<_> = pairs.iter().filter(|(k, _)| *k != encode(name)).cloned().collect();
        pairs.push((encode(name), value.to_owned()));
        joined(&pairs)
    };
    // The documented query parameters get every wrong value; an operation without paging gets the paging
    // parameters' wrong values all the same (an API ignores what it does not document).
    let documented = op.query_names();
    let mut wrong: Vec<(&str, &[&str])> = documented.iter().map(|name| (*name, QUERY_VALUES)).collect();
    for (name, values) in [("page", &["-1"][..]), ("per_page", &["abc", "100000"][..])] {
        if !documented.contains(&name) {
            wrong.push((name, values));
        }
    }
    for (name, values) in wrong {
        for value in values {
            let q = with_pair(name, value);
            push(format!("query {name}={value}"), with_uri(base, &path, Some(&q)), Expect::Anything);
        }
        let q = format!("{1}&{0}=1&{0}=abc", encode(name), joined(&pairs));
        push(format!("query {name} repeated"), with_uri(base, &path, Some(&q)), Expect::Anything);
        if documented.contains(&name) {
            let q = format!("{}&{1}%5B%5D=x&{1}%5B%5D=1", joined(&pairs), encode(name));
            push(format!("query {name}[] as a list"), with_uri(base, &path, Some(&q)), Expect::Anything);
            let q = format!("{}&{1}%5Bx%5D%5By%5D=1", joined(&pairs), encode(name));
            push(format!("query {name}[x][y] nested"), with_uri(base, &path, Some(&q)), Expect::Anything);
        }
    }
    if !pairs.is_empty() {
        let doubled: Vec<_> = pairs.iter().flat_map(|p| [p.clone(), p.clone()]).collect();
        push("query every pair repeated".into(), with_uri(base, &path, Some(&joined(&doubled))), Expect::Anything);
    }

    // The other methods on the operation's path (another operation's, or a 405).
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"] {
        if method != op.method.as_str() {
            let mut request = base.clone();
            *request.method_mut() = method.parse().unwrap();
            push(format!("method {method}"), request, Expect::Anything);
        }
    }

    // Headers.
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"] {
        let mut request = base.clone();
        request.headers_mut().insert(CONTENT_TYPE, content_type.parse().unwrap());
        push(format!("Content-Type {content_type}"), request, Expect::Anything);
    }
    let mut request = base.clone();
    request.headers_mut().remove(CONTENT_TYPE);
    push("no Content-Type".into(), request, Expect::Anything);

    // The token.
    let unauthorized = if op.id == "health" { Expect::Anything } else { Expect::Unauthorized };
    let mut request = base.clone();
    request.headers_mut().remove(AUTHORIZATION);
    push("no Authorization".into(), request, unauthorized);
    for value in ["Bearer talq_wrong", "Bearer ", "Basic dGFscV9ob3N0aWxlOg==", TOKEN] {
        let mut request = base.clone();
        request.headers_mut().insert(AUTHORIZATION, value.parse().unwrap());
        push(format!("Authorization {value:?}"), request, unauthorized);
    }
    out
}

/// Why a 4xx body is not one of the API's documented error shapes, if it is not: `{"success": false,
/// "message", "code"?, "errors"?, "details"?}`, Laravel's `{"message", "errors"?}`, make-call's
/// `{"error": {"code", "message", "details"?}}`, or the authentication page's `{"error": "CODE", "message",
/// "status_code"}`.
fn shape_problem(body: &Value) -> Option<String> {
    let Some(object) = body.as_object() else { return Some(format!("not a JSON object: {body}")) };
    if let Some(Value::String(_)) = object.get("error") {
        let ok =
            object.get("message").is_some_and(Value::is_string) && object.get("status_code").is_some_and(Value::is_u64);
        return (!ok).then(|| format!("an `error` code without its message and status: {body}"));
    }
    if let Some(error) = object.get("error") {
        let ok = error.get("code").is_some_and(Value::is_string) && error.get("message").is_some_and(Value::is_string);
        return (!ok).then(|| format!("an `error` without its code and message: {body}"));
    }
    if !object.get("message").is_some_and(Value::is_string) {
        return Some(format!("no `message`: {body}"));
    }
    if object.get("success").is_some_and(|s| s != &Value::Bool(false)) {
        return Some(format!("`success` is not false: {body}"));
    }
    if let Some(errors) = object.get("errors") {
        let strings = |messages: &Value| messages.as_array().is_some_and(|m| m.iter().all(Value::is_string));
        // Messages by field (`{"field": ["..."]}`), or a list of messages (update-agent-flow's).
        let documented = errors.as_object().is_some_and(|fields| fields.values().all(strings)) || strings(errors);
        if !documented {
            return Some(format!("`errors` neither messages by field nor a list of messages: {body}"));
        }
    }
    None
}

/// What is wrong with an answer, if anything.
/// A HEAD request is answered as its GET without the body (RFC 9110, 9.3.2): never a 5xx, no body, and the
/// body's length still said.
fn head_problem(response: &HttpResponse) -> Option<String> {
    let status = response.status().as_u16();
    if status >= 500 {
        Some(format!("{status} to HEAD"))
    } else if !response.body().is_empty() {
        Some(format!("{status} to HEAD with a body"))
    } else if response.headers().get(CONTENT_LENGTH).is_none() {
        Some(format!("{status} to HEAD without Content-Length"))
    } else {
        None
    }
}

fn problem(op: &OperationInfo, response: HttpResponse, expect: Expect) -> Option<String> {
    let status = response.status().as_u16();
    if status >= 500 {
        let body = String::from_utf8_lossy(response.body());
        return Some(format!("{status}: {}", body.chars().take(300).collect::<String>()));
    }
    if expect == Expect::Unauthorized && status != 401 {
        return Some(format!("{status} instead of 401"));
    }
    if !(400..500).contains(&status) {
        return None;
    }
    let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Some(format!("{status} with Content-Type {content_type:?}"));
    }
    let body: Value = match serde_json::from_slice(response.body()) {
        Ok(body) => body,
        Err(e) => return Some(format!("{status} whose body is not JSON ({e})")),
    };
    if let Some(shape) = shape_problem(&body) {
        return Some(format!("{status}: {shape}"));
    }
    let whole_body = body.get("errors").and_then(Value::as_object).is_some_and(|e| e.keys().eq(["body"]));
    if expect == Expect::FieldsNamed && status == 422 && whole_body {
        return Some(format!("{status} names the body as a whole, not the field: {body}"));
    }
    // The SDK reads the same answer as the API's error, with its message.
    match op.decode(response) {
        Err(Error::Api(e)) if e.message.is_some() => None,
        Err(Error::Api(_)) => Some(format!("{status}: the SDK reads no message in {body}")),
        other => Some(format!("{status}: the SDK does not read it as an API error: {other:?}")),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}

fn emulator() -> Emulator {
    talkover_mock::Server::builder().token(TOKEN).emulator().unwrap()
}

/// Where webhook deliveries go: a closed port on loopback, refused at once, so nothing leaves the machine.
const NOWHERE: &str = "http://127.0.0.1:9/hook";

/// The example's URLs (webhook targets) pointed at [`NOWHERE`].
fn to_loopback(params: &mut Params) {
    if let Some(Value::Object(body)) = &mut params.body {
        for value in body.values_mut() {
            if value.as_str().is_some_and(|v| v.starts_with("http://") || v.starts_with("https://")) {
                *value = json!(NOWHERE);
            }
        }
    }
}

/// Sends an operation's request on `params` to `emulator`; the status and the JSON answer.
fn send(emulator: &Emulator, op: &OperationInfo, params: &Params, config: &ClientConfig) -> Option<(u16, Value)> {
    let response = emulator.handle(&op.build_request(params, config).ok()?);
    Some((response.status().as_u16(), serde_json::from_slice(response.body()).unwrap_or(Value::Null)))
}

/// The example's parameters made to name what a fresh emulator holds, for an example whose ids the
/// emulator does not hold (the reference's pages use different made-up ids): the agent becomes the
/// emulator's example agent (in the path, and in a body's `agent_id`), and every other id of the path is
/// created first, through the operation that creates in the path's collection (`POST .../campaigns` for
/// `{campaign_id}`), from its own example. Each id the emulator hands out is deterministic, so the same
/// setup on another fresh emulator gives the same parameters.
fn set_up(emulator: &Emulator, op: &OperationInfo, documented: &Params, config: &ClientConfig) -> Params {
    let mut params = documented.clone();
    let list_agents = registry::operation("list-agents").unwrap();
    let agent = send(emulator, list_agents, &Params::default(), config)
        .and_then(|(_, body)| body.pointer("/data/0/id").cloned())
        .expect("the emulator holds the example agent");
    let with_agent = |params: &mut Params| {
        if params.path.contains_key("agent_id") {
            params.path.insert("agent_id".into(), agent.clone());
        }
        if let Some(Value::Object(body)) = &mut params.body {
            if body.get("agent_id").is_some_and(Value::is_string) {
                body.insert("agent_id".into(), agent.clone());
            }
        }
    };
    with_agent(&mut params);
    let mut template = String::new();
    for part in op.path.split('/').skip(1) {
        if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')).filter(|n| *n != "agent_id") {
            let create = registry::operations().find(|c| c.method == http::Method::POST && c.path == template);
            let created = create.and_then(|create| {
                let mut inputs = common::first_successful_example(create.id)?;
                for (key, value) in &params.path {
                    if inputs.path.contains_key(key) {
                        inputs.path.insert(key.clone(), value.clone());
                    }
                }
                with_agent(&mut inputs);
                to_loopback(&mut inputs);
                let (status, body) = send(emulator, create, &inputs, config)?;
                (200..300).contains(&status).then(|| body.pointer("/data/id").cloned()).flatten()
            });
            if let Some(id) = created {
                params.path.insert(name.to_owned(), id);
            }
        }
        template.push('/');
        template.push_str(part);
    }
    params
}

/// What the emulator makes of a hostile request it accepted (and keeps): a day passes on its clock (calls
/// and campaigns move on, with what was stored), and the path is read back with a GET (the list or the
/// item). Neither may panic, and the GET gets no 5xx and a documented 4xx. What went wrong, if anything.
fn aftermath(emulator: &Emulator, accepted: &HttpRequest) -> Option<String> {
    let read_back = http::Request::builder()
        .method("GET")
        .uri(accepted.uri().clone())
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Vec::new())
        .unwrap();
    let after = panic::catch_unwind(AssertUnwindSafe(|| {
        emulator.advance_clock(Duration::from_secs(86_400));
        emulator.handle(&read_back)
    }));
    let response = match after {
        Err(payload) => {
            return Some(format!("a day later or read back: panicked: {}", panic_message(payload.as_ref())))
        }
        Ok(response) => response,
    };
    let op = match talkover::fixture::route("GET", read_back.uri().path()) {
        talkover::fixture::Route::Found { operation, .. } => operation,
        // No GET at that path: the 405 still must be a documented 4xx, read as health's would be.
        _ => registry::operation("health").unwrap(),
    };
    problem(op, response, Expect::Anything).map(|found| format!("read back: {found}"))
}

#[test]
fn every_operation_survives_hostile_requests() {
    let started = Instant::now();
    let base_url = talkover::BaseUrl::parse(&format!("{HOST}/api/v1")).unwrap();
    let config = ClientConfig::new(TOKEN).unwrap().with_base_url(base_url);
    let operations: Vec<_> = registry::operations().collect();
    assert!(operations.len() >= 127, "{} operations", operations.len());
    let (mut sent, mut set_up_count, mut problems) = (0usize, 0usize, Vec::new());
    for op in operations {
        let Some(mut params) = common::first_successful_example(op.id) else {
            problems.push(format!("{}: no successful example to start from", op.id));
            continue;
        };
        to_loopback(&mut params);
        // A fresh emulator for each operation, and again after an answer that may have changed its state
        // (a 2xx to anything but a GET: the example's resource may be gone, taken or changed), so that
        // each mutation meets the state the example was recorded against.
        let mut emulator = emulator();
        let accepted = |method: &http::Method, status: u16| (200..300).contains(&status) && method != http::Method::GET;
        let as_documented = send(&emulator, op, &params, &config).map_or(0, |(status, _)| status);
        let needs_set_up = !(200..300).contains(&as_documented);
        if needs_set_up {
            params = set_up(&emulator, op, &params, &config);
            set_up_count += 1;
        } else if accepted(&op.method, as_documented) {
            emulator = self::emulator();
        }
        let base = match op.build_request(&params, &config) {
            Ok(request) => request,
            Err(e) => {
                problems.push(format!("{}: the example does not build: {e}", op.id));
                continue;
            }
        };
        for mutation in mutations(op, &params, &base) {
            sent += 1;
            let answered = panic::catch_unwind(AssertUnwindSafe(|| emulator.handle(&mutation.request)));
            let found = match answered {
                Err(payload) => Some(format!("panicked: {}", panic_message(payload.as_ref()))),
                Ok(response) => {
                    let status = response.status().as_u16();
                    let found = if mutation.request.method() == Method::HEAD {
                        head_problem(&response)
                    } else {
                        problem(op, response, mutation.expect)
                    };
                    if accepted(mutation.request.method(), status) {
                        if let Some(later) = aftermath(&emulator, &mutation.request) {
                            problems.push(format!("{} [{}] accepted, then {later}", op.id, mutation.name));
                        }
                        emulator = self::emulator();
                        if needs_set_up {
                            let again = set_up(&emulator, op, &params, &config);
                            assert_eq!(again, params, "{}: the same setup on a fresh emulator", op.id);
                        }
                    }
                    found
                }
            };
            if let Some(found) = found {
                problems.push(format!("{} [{}]: {found}", op.id, mutation.name));
            }
        }
    }
    let elapsed = started.elapsed();
    eprintln!("{sent} hostile requests in {elapsed:?} ({set_up_count} operations set up first)");
    assert!(sent >= 127 * 20, "only {sent} requests sent");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
}

/// The emulator's own control endpoints (outside the API) refuse what they cannot use with a 4xx in the
/// `{success, message}` shape, and never panic.
#[test]
fn the_control_endpoints_survive_hostile_requests() {
    let emulator = emulator();
    let bodies = [
        "",
        "null",
        "[]",
        "\"x\"",
        "{\"seconds\": -1}",
        "{\"seconds\": 1e308}",
        "{\"seconds\": \"10\"}",
        "{\"seconds\": 18446744073709551616}",
        "{\"seconds\": 315360001}",
        "{\"scale\": -1}",
        "{\"scale\": 1e308}",
        "{\"scale\": 5e-324}",
        "{\"error_rate\": 1e308}",
        "{\"latency_ms\": 18446744073709551616}",
        "{\"operations\": [null]}",
        "{\"seed\": -1}",
        "{\"until\": null}",
        "{\"until\": \"+275760-09-13T00:00:00Z\"}",
        "{\"until\": \"9999-12-31T23:59:59+23:59\"}",
        "\u{ff}not JSON",
    ];
    let queries =
        ["", "seconds=NaN", "seconds=inf", "seconds=-0", "scale=NaN", "scale=inf", "scale=1e308", "seconds=%FF"];
    let mut problems = Vec::new();
    let paths = [
        "/_emulator/clock/advance",
        "/_emulator/clock/scale",
        "/_emulator/clock",
        "/_emulator/requests",
        "/_emulator/reset",
        "/_emulator/faults",
        "/_emulator/nothing",
    ];
    for path in paths {
        for method in ["GET", "POST", "PUT", "DELETE"] {
            for body in bodies {
                for query in queries {
                    let uri = if query.is_empty() { format!("{HOST}{path}") } else { format!("{HOST}{path}?{query}") };
                    let request = http::Request::builder()
                        .method(method)
                        .uri(uri.as_str())
                        .header(CONTENT_TYPE, "application/json")
                        .body(body.as_bytes().to_vec())
                        .unwrap();
                    let name = format!("{method} {uri} {body:?}");
                    match panic::catch_unwind(AssertUnwindSafe(|| emulator.handle(&request))) {
                        Err(payload) => problems.push(format!("{name}: panicked: {}", panic_message(payload.as_ref()))),
                        Ok(response) => {
                            let op = registry::operation("health").unwrap();
                            if let Some(found) = problem(op, response, Expect::Anything) {
                                problems.push(format!("{name}: {found}"));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    // After all that, the API still answers.
    let health = http::Request::builder().uri(format!("{HOST}/api/v1/health")).body(Vec::new()).unwrap();
    assert_eq!(emulator.handle(&health).status(), 200);
}

/// One exchange over a plain socket, as any HTTP client sends it: the status, the headers (names in lower
/// case) and the body. The request asks the server to close the connection, so the answer ends there.
fn raw_exchange(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> (u16, Vec<(String, String)>, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (and close) before the whole body is sent: that is its right.
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    // Interim answers (a `100 Continue`) come first: the final one follows them.
    let mut rest = answer.as_slice();
    let (status, head, split) = loop {
        let split = rest.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer");
        let head = String::from_utf8_lossy(&rest[..split]).into_owned();
        let status: u16 = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        if (100..200).contains(&status) {
            rest = &rest[split + 4..];
            continue;
        }
        break (status, head, split);
    };
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(name, value)| (name.trim().to_lowercase(), value.trim().to_owned()))
        .collect();
    (status, headers, rest[split + 4..].to_vec())
}

/// A connection that sends nothing, one that stops inside its headers, and one left idle after an answer
/// are closed once the head timeout passes, while one that sends its request in time is answered: idle or
/// stalled clients do not hold the server's connections for ever.
#[test]
fn connections_that_send_no_head_in_time_are_closed() {
    use std::io::{Read, Write};
    let server = talkover_mock::Server::builder().head_timeout(Duration::from_secs(1)).start_blocking().unwrap();
    let addr = server.addr();
    let open = || {
        let stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        stream
    };
    // The idle one is answered first (its request sent as it opens), then waits.
    let mut idle = open();
    idle.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut answer = [0u8; 12];
    idle.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    let (mut silent, mut stalled) = (open(), open());
    stalled.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n").unwrap();
    for (name, stream) in [("silent", &mut silent), ("stalled", &mut stalled), ("idle", &mut idle)] {
        let started = Instant::now();
        let mut rest = Vec::new();
        // Closed by the server: the read ends (an answer of its own, a 408, may come first), before the
        // read timeout of ten seconds would.
        let ended = stream.read_to_end(&mut rest);
        assert!(ended.is_ok(), "{name}: {ended:?} after {:?}", started.elapsed());
        assert!(started.elapsed() < Duration::from_secs(10), "{name}");
    }
    // The server goes on serving, and a timeout too long for a timer is taken as a long one.
    let (status, _, _) =
        raw_exchange(addr, "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", b"");
    assert_eq!(status, 200);
    let patient = talkover_mock::Server::builder().head_timeout(Duration::MAX).start_blocking().unwrap();
    let (status, _, _) = raw_exchange(
        patient.addr(),
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        b"",
    );
    assert_eq!(status, 200);
}

/// What only the server sees: a body larger than the emulator reads is refused with a 413 that is JSON,
/// says so, and carries the request id like every other answer.
#[test]
fn the_server_refuses_an_oversized_body_in_json() {
    let server = talkover_mock::Server::builder().token(TOKEN).start_blocking().unwrap();
    let addr = server.addr();
    assert!(addr.ip().is_loopback(), "{addr}");
    let body = vec![b' '; 4 * 1024 * 1024 + 1];
    for (path, expect_continue) in [("/api/v1/agents", false), ("/api/v1/agents", true), ("/nowhere", false)] {
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        if expect_continue {
            head.push_str("Expect: 100-continue\r\n");
        }
        head.push_str("\r\n");
        let (status, headers, answer) = raw_exchange(addr, &head, &body);
        let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        let what = format!("{path} (Expect: 100-continue {expect_continue})");
        assert_eq!(status, 413, "{what}");
        assert!(header("content-type").is_some_and(|t| t.starts_with("application/json")), "{what}: {headers:?}");
        assert!(header("x-request-id").is_some(), "{what}: {headers:?}");
        // Every answer carries the rate-limit headers (the introduction), this one too.
        assert_eq!(header("x-ratelimit-limit"), Some("100"), "{what}: {headers:?}");
        let answer: Value = serde_json::from_slice(&answer).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(shape_problem(&answer), None, "{what}");
    }
    // A body of the largest size read is read, and answered as any other (here: not JSON, a 400).
    let body = vec![b'x'; 4 * 1024 * 1024];
    let head = format!(
        "POST /api/v1/agents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (status, _, answer) = raw_exchange(addr, &head, &body);
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&answer));
}

/// A client that closes its side of the connection once it has sent its request (`shutdown(SHUT_WR)`,
/// `nc -N`) is still answered: the request is carried out, and its answer reaches it.
#[test]
fn a_client_that_closes_its_side_after_sending_is_answered() {
    use std::io::{Read, Write};
    let server =
        talkover_mock::Server::builder().token(TOKEN).latency(Duration::from_millis(100)).start_blocking().unwrap();
    let addr = server.addr();
    let agent = talkover_mock::sample_agent("HalfCloseBot", "Half close", talkover::agents::Direction::Inbound);
    let body = serde_json::to_vec(&agent).unwrap();
    let head = format!(
        "POST /api/v1/agents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer:?}");
    assert!(answer.contains("HalfCloseBot"), "{answer:?}");
}

/// Two `Authorization` headers are a 400 whichever comes first (a server's choice of one is its own), and
/// a body sent with a `Content-Encoding` a 415 (read as sent, it would be taken where a server that
/// decodes it refuses it): nothing is carried out. A path's fixed words sent percent-encoded are the
/// words (`sync%2Dstatus`, RFC 3986, 6.2.2.2).
#[test]
fn two_tokens_or_an_encoded_body_are_refused_and_encoded_words_are_read() {
    let server = talkover_mock::Server::builder().token(TOKEN).start_blocking().unwrap();
    let addr = server.addr();
    let agent = talkover_mock::sample_agent("CodedBot", "Coded", talkover::agents::Direction::Inbound);
    let body = serde_json::to_vec(&agent).unwrap();
    let post = |extra: &str| {
        let head = format!(
            "POST /api/v1/agents HTTP/1.1\r\nHost: {addr}\r\n{extra}Content-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        raw_exchange(addr, &head, &body)
    };
    let good = format!("Authorization: Bearer {TOKEN}\r\n");
    for (extra, status, why) in [
        (format!("{good}Authorization: Bearer other\r\n"), 400, "more than one Authorization"),
        (format!("Authorization: Bearer other\r\n{good}"), 400, "more than one Authorization"),
        (format!("{good}Content-Encoding: br\r\n"), 415, "Content-Encoding"),
        (format!("{good}Content-Encoding: gzip\r\n"), 415, "Content-Encoding"),
        (format!("{good}Content-Encoding: identity\r\nContent-Encoding: gzip\r\n"), 415, "Content-Encoding"),
        (format!("{good}Content-Encoding: identity, br\r\n"), 415, "Content-Encoding"),
    ] {
        let (got, _, answer) = post(&extra);
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(got, status, "{extra:?}: {answer}");
        assert!(answer["message"].as_str().is_some_and(|m| m.contains(why)), "{extra:?}: {answer}");
    }
    let list = |path: &str| {
        let head = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{good}Connection: close\r\n\r\n");
        let (status, _, answer) = raw_exchange(addr, &head, b"");
        (status, serde_json::from_slice::<Value>(&answer).unwrap())
    };
    let (_, agents) = list("/api/v1/agents?per_page=100");
    assert!(!agents.to_string().contains("CodedBot"), "nothing was created: {agents}");
    // As sent plainly, with an identity coding, or an empty list of them: created.
    assert_eq!(post(&format!("{good}Content-Encoding: identity\r\n")).0, 201);
    assert_eq!(post(&format!("{good}Content-Encoding: identity, \r\n")).0, 201);
    assert_eq!(list("/api/v1/calendars/sync%2Dstatus"), list("/api/v1/calendars/sync-status"));
    assert_eq!(list("/api/v1/calendars/sync%2dstatus").0, 200);
}

/// An HTTP/1.1 request without one valid `Host` is a 400 (RFC 9112, section 3.2): JSON in the API's shape,
/// saying which, numbered, the window reported but not counted, nothing carried out. HTTP/1.0 may go
/// without, and a host with a port, an IP address or an IPv6 literal is one.
#[test]
fn a_request_without_one_valid_host_is_a_400() {
    let server = talkover_mock::Server::builder().token(TOKEN).start_blocking().unwrap();
    let addr = server.addr();
    let agents = |hosts: &str, version: &str| {
        let head = format!(
            "GET /api/v1/agents {version}\r\n{hosts}Authorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
        );
        raw_exchange(addr, &head, b"")
    };
    let remaining = |headers: &[(String, String)]| {
        headers.iter().find(|(n, _)| n == "x-ratelimit-remaining").map(|(_, v)| v.parse::<u64>().unwrap())
    };
    let (status, headers, _) = agents(&format!("Host: {addr}\r\n"), "HTTP/1.1");
    assert_eq!(status, 200);
    let before = remaining(&headers).expect("the window");
    for (hosts, why) in [
        ("", "no Host header"),
        ("Host: a.example\r\nHost: b.example\r\n", "more than one Host"),
        ("Host: not a host\r\n", "not a host name"),
        ("Host: user@a.example\r\n", "not a host name"),
        ("Host: \r\n", "not a host name"),
    ] {
        let (status, headers, body) = agents(hosts, "HTTP/1.1");
        let what = format!("{hosts:?}");
        assert_eq!(status, 400, "{what}: {}", String::from_utf8_lossy(&body));
        let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert!(header("content-type").is_some_and(|t| t.starts_with("application/json")), "{what}: {headers:?}");
        assert!(header("x-request-id").is_some(), "{what}: {headers:?}");
        assert_eq!(remaining(&headers), Some(before), "{what}: reported, not counted");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(shape_problem(&body), None, "{what}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains(why)), "{what}: {body}");
    }
    // Nothing is carried out: a whole create-agent body sent without a Host makes no agent.
    let agent = talkover_mock::sample_agent("NoHostBot", "No host", talkover::agents::Direction::Inbound);
    let body = serde_json::to_vec(&agent).unwrap();
    let head = format!(
        "POST /api/v1/agents HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    assert_eq!(raw_exchange(addr, &head, &body).0, 400);
    let (_, _, list) = agents(&format!("Host: {addr}\r\n"), "HTTP/1.1");
    let list: Value = serde_json::from_slice(&list).unwrap();
    let names: Vec<&str> = list["data"].as_array().unwrap().iter().filter_map(|a| a["name"].as_str()).collect();
    assert!(!names.contains(&"NoHostBot"), "{names:?}");
    let head = head.replace("Authorization", &format!("Host: {addr}\r\nAuthorization"));
    assert_eq!(raw_exchange(addr, &head, &body).0, 201, "the same request with a Host creates it");
    for (hosts, version) in [
        ("", "HTTP/1.0"),
        ("Host: [::1]:8080\r\n", "HTTP/1.1"),
        ("Host: localhost\r\n", "HTTP/1.1"),
        (&*format!("Host: {addr}\r\n"), "HTTP/1.1"),
    ] {
        let (status, _, body) = agents(hosts, version);
        assert_eq!(status, 200, "{hosts:?} {version}: {}", String::from_utf8_lossy(&body));
    }
}

/// A web page cannot use the emulator: not through a name of its own pointed at 127.0.0.1 (DNS rebinding,
/// a `Host` other than loopback's), nor with a form posted to 127.0.0.1 (an `Origin` of another site), which
/// needs no token to move the clock. Programs (no `Origin`) and pages served from loopback still can.
#[test]
fn a_web_page_of_another_site_is_refused() {
    let server = talkover_mock::Server::builder().token(TOKEN).start_blocking().unwrap();
    let addr = server.addr();
    let advance = |headers: &str| {
        let body = b"seconds=3600";
        let head = format!(
            "POST /_emulator/clock/advance?seconds=3600 HTTP/1.1\r\n{headers}Content-Type: text/plain\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        raw_exchange(addr, &head, body)
    };
    let now = || {
        let head = format!("GET /_emulator/clock HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        let (_, _, body) = raw_exchange(addr, &head, b"");
        serde_json::from_slice::<Value>(&body).unwrap()["data"]["now_ms"].as_u64().unwrap()
    };
    let before = now();
    for (headers, why) in [
        ("Host: rebound.example\r\n".to_owned(), "names another host"),
        (format!("Host: rebound.example:{}\r\n", addr.port()), "names another host"),
        (format!("Host: {addr}\r\nOrigin: http://attacker.example\r\n"), "not served from this machine"),
        (format!("Host: {addr}\r\nOrigin: null\r\n"), "not served from this machine"),
        (
            format!("Host: {addr}\r\nOrigin: http://localhost:3000\r\nOrigin: http://attacker.example\r\n"),
            "not served from this machine",
        ),
    ] {
        let (status, _, body) = advance(&headers);
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(status, 403, "{headers:?}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains(why)), "{headers:?}: {body}");
    }
    assert_eq!(advance("Host: localhost..\r\n").0, 403, "one dot ends a name, not two");
    assert_eq!(advance("Host: [::1].\r\n").0, 400, "no host after an address in brackets");
    // An HTTP/1.0 request may go without a Host, not without its Origin checked; a target in absolute form
    // names the host that counts (RFC 9112, section 3.2.2).
    let head = "POST /_emulator/clock/advance?seconds=3600 HTTP/1.0\r\nOrigin: http://attacker.example\r\n\
                Content-Length: 0\r\n\r\n";
    assert_eq!(raw_exchange(addr, head, b"").0, 403);
    let head = format!(
        "POST http://rebound.example:{}/_emulator/clock/advance?seconds=3600 HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n",
        addr.port()
    );
    assert_eq!(raw_exchange(addr, &head, b"").0, 403);
    assert!(now() < before + 3_600_000, "the clock did not move");
    for headers in [
        format!("Host: {addr}\r\n"),
        format!("Host: localhost:{}\r\nOrigin: http://localhost:3000\r\n", addr.port()),
        format!("Host: {addr}\r\nOrigin: http://127.0.0.1:5173\r\n"),
        format!("Host: 0.0.0.0:{}\r\n", addr.port()),
        format!("Host: localhost.:{}\r\n", addr.port()),
    ] {
        assert_eq!(advance(&headers).0, 200, "{headers:?}");
    }
    let head = format!(
        "POST http://{addr}/_emulator/clock/advance?seconds=3600 HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(raw_exchange(addr, &head, b"").0, 200, "a target in absolute form naming this machine");
    assert!(now() >= before + 6 * 3_600_000, "each accepted request moved the clock");
}

/// A client that sends the whole of its body before it reads the answer (no `Expect: 100-continue`: Python's
/// http.client and urllib, many hand-written clients) reads the 413 too: the emulator reads what is sent,
/// rather than close the connection on it, which the client sees as a reset while it writes.
#[test]
fn a_client_that_sends_a_whole_oversized_body_reads_the_413() {
    use std::io::{Read, Write};
    let server = talkover_mock::Server::builder().token(TOKEN).start_blocking().unwrap();
    let addr = server.addr();
    for chunked in [false, true] {
        let body = vec![b' '; 8 * 1024 * 1024];
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
        let framing =
            if chunked { "Transfer-Encoding: chunked".to_owned() } else { format!("Content-Length: {}", body.len()) };
        let head = format!(
            "POST /api/v1/agents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
             Content-Type: application/json\r\n{framing}\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).unwrap();
        let sent = if chunked {
            body.chunks(64 * 1024)
                .try_for_each(|chunk| {
                    stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                    stream.write_all(chunk)?;
                    stream.write_all(b"\r\n")
                })
                .and_then(|()| stream.write_all(b"0\r\n\r\n"))
        } else {
            stream.write_all(&body)
        };
        sent.unwrap_or_else(|e| panic!("chunked {chunked}: the body could not be sent whole: {e}"));
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "chunked {chunked}: {answer}");
        assert!(answer.contains("too large"), "chunked {chunked}: {answer}");
    }
}

/// A body whose chunked framing is malformed is a 400 in JSON (HTTP's answer to a malformed message), at
/// once: not the 408 of a body that stopped coming, which a client may send again.
#[test]
fn the_server_answers_a_malformed_chunked_body_with_400() {
    let server = talkover_mock::Server::builder().token(TOKEN).start_blocking().unwrap();
    let addr = server.addr();
    let head = format!(
        "POST /api/v1/agents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let (status, headers, answer) = raw_exchange(addr, &head, b"ZZ\r\n{}\r\n0\r\n\r\n");
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&answer));
    assert!(headers.iter().any(|(n, v)| n == "connection" && v == "close"), "{headers:?}");
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(shape_problem(&answer), None);
    assert!(answer["message"].as_str().is_some_and(|m| m.contains("malformed")), "{answer}");
    // A body declared larger than is read is a 413, though its bytes never come (not a 408 once the wait
    // for them is over).
    let head = format!(
        "POST /api/v1/agents HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        64 * 1024 * 1024
    );
    let (status, _, answer) = raw_exchange(addr, &head, b"{");
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&answer));
}

/// The checks above find what they look for: a 5xx, a 4xx that is not JSON or not said to be, a body in
/// no documented shape, a refused token answered otherwise than 401.
#[test]
fn the_checks_refuse_what_they_should() {
    let op = registry::operation("get-agent").unwrap();
    let answer = |status: u16, content_type: &str, body: &str| {
        let mut response = http::Response::new(body.as_bytes().to_vec());
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        if !content_type.is_empty() {
            response.headers_mut().insert(CONTENT_TYPE, content_type.parse().unwrap());
        }
        response
    };
    let json = "application/json";
    let fine = [
        (404, json, r#"{"success": false, "message": "Agent not found"}"#),
        (422, json, r#"{"success": false, "message": "Invalid", "errors": {"name": ["The name field is required."]}}"#),
        (422, json, r#"{"success": false, "message": "Flow validation failed", "errors": ["initial_node_id"]}"#),
        (405, json, r#"{"message": "The PUT method is not supported for route /api/v1/x."}"#),
        (402, json, r#"{"error": {"code": "INSUFFICIENT_CREDITS", "message": "No credits"}}"#),
        (200, "text/plain", "anything"),
    ];
    for (status, content_type, body) in fine {
        assert_eq!(problem(op, answer(status, content_type, body), Expect::Anything), None, "{status} {body}");
    }
    let wrong = [
        (500, json, r#"{"success": false, "message": "boom"}"#),
        (503, json, r#"{"success": false, "message": "down"}"#),
        (404, "", r#"{"success": false, "message": "Agent not found"}"#),
        (404, "text/html", r#"{"success": false, "message": "Agent not found"}"#),
        (422, json, "not JSON"),
        (422, json, r#"["a list"]"#),
        (404, json, r#"{"success": true, "message": "Agent not found"}"#),
        (404, json, r#"{"success": false}"#),
        (422, json, r#"{"success": false, "message": "Invalid", "errors": {"name": "not a list"}}"#),
        (402, json, r#"{"error": {"message": "No code"}}"#),
        (400, json, r#"{"error": "a bare string"}"#),
    ];
    for (status, content_type, body) in wrong {
        assert!(problem(op, answer(status, content_type, body), Expect::Anything).is_some(), "{status} {body}");
    }
    let whole_body = r#"{"success": false, "message": "Invalid", "errors": {"body": ["The body field is invalid."]}}"#;
    assert_eq!(problem(op, answer(422, json, whole_body), Expect::Anything), None);
    assert!(problem(op, answer(422, json, whole_body), Expect::FieldsNamed).is_some(), "errors.body for a field");
    let named = r#"{"success": false, "message": "Invalid", "errors": {"body": ["x"], "name": ["y"]}}"#;
    assert_eq!(problem(op, answer(422, json, named), Expect::FieldsNamed), None);
    let unauthenticated = r#"{"success": false, "message": "Unauthenticated."}"#;
    assert_eq!(problem(op, answer(401, json, unauthenticated), Expect::Unauthorized), None);
    let answered = answer(200, json, r#"{"success": true, "data": {}}"#);
    assert!(problem(op, answered, Expect::Unauthorized).is_some(), "a 200 where a 401 was due");
}
