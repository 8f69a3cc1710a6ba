//! Hostile input, as property tests over every registered operation.
//!
//! - Decoding any operation's answer from arbitrary bytes, arbitrary JSON, arbitrary statuses and headers,
//!   and from the recorded fixtures mutated (bytes flipped, inserted or cut, values replaced by other JSON
//!   types, keys removed) never panics, always yields a value or an error of a decoding phase, and allocates
//!   in proportion to the body, never more.
//! - Building a request from hostile IDs and strings (`/`, `..`, `%2F`, `?`, `#`, NUL, CR/LF, unicode, very
//!   long values) never yields a path outside the operation's template nor another host, never puts a raw
//!   CR, LF or NUL in a header, and query values go out escaped and come back intact.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use talkover_core::registry::{self, OperationInfo, Params};
use talkover_core::{encode, ClientConfig, Error, ErrorKind, HttpRequest, HttpResponse};

// ---------------------------------------------------------------------------------------------------
// Allocation accounting, per thread, so that parallel tests do not disturb each other.

struct CountingAllocator;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn note(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            note(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            note(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        note(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            note(new_size as isize - layout.size() as isize);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The most memory `f` held at once on this thread, beyond what was held before it ran.
fn peak_allocation(f: impl FnOnce()) -> usize {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    f();
    (PEAK.with(Cell::get) - start).max(0) as usize
}

/// What decoding a body of `len` bytes may hold at once: the body is parsed to a tree (for error bodies)
/// and the typed value is written back to a tree (by the registry), each a small multiple of the input.
fn allocation_bound(len: usize) -> usize {
    128 * len + 1024 * 1024
}

// ---------------------------------------------------------------------------------------------------
// The operations and the recorded fixtures.

fn operations() -> &'static [&'static OperationInfo] {
    static OPS: OnceLock<Vec<&'static OperationInfo>> = OnceLock::new();
    OPS.get_or_init(|| registry::operations().collect())
}

#[derive(Deserialize)]
struct FixtureFile {
    operation: String,
    #[serde(default)]
    params: Option<Params>,
    #[serde(default)]
    response: Option<FixtureResponse>,
}

#[derive(Deserialize)]
struct FixtureResponse {
    status: u16,
    #[serde(default)]
    body: Option<Box<RawValue>>,
    #[serde(default)]
    body_text: Option<String>,
}

/// One recorded exchange.
struct Fixture {
    op: &'static OperationInfo,
    params: Params,
    /// Status and body bytes exactly as recorded, when the fixture has an answer.
    answer: Option<(u16, Vec<u8>)>,
}

fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../talkover-mock/fixtures");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
            .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
            .flat_map(|dir| std::fs::read_dir(dir.unwrap().path()).unwrap())
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        let fixtures: Vec<Fixture> = files
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).unwrap();
                let file: FixtureFile =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let op = registry::operation(&file.operation)
                    .unwrap_or_else(|| panic!("{}: unknown operation {}", path.display(), file.operation));
                let answer = file.response.map(|r| {
                    let bytes = match (r.body, r.body_text) {
                        (Some(raw), _) => raw.get().as_bytes().to_vec(),
                        (None, Some(text)) => text.into_bytes(),
                        (None, None) => Vec::new(),
                    };
                    (r.status, bytes)
                });
                Fixture { op, params: file.params.unwrap_or_default(), answer }
            })
            .collect();
        assert!(fixtures.len() >= operations().len(), "fixtures are missing: {}", fixtures.len());
        fixtures
    })
}

/// The fixtures that hold an answer.
fn answered() -> &'static [&'static Fixture] {
    static ANSWERED: OnceLock<Vec<&'static Fixture>> = OnceLock::new();
    ANSWERED.get_or_init(|| fixtures().iter().filter(|f| f.answer.is_some()).collect())
}

/// For each operation with path parameters, a fixture whose parameters build a valid request.
fn buildable_with_path_params() -> &'static [&'static Fixture] {
    static BUILDABLE: OnceLock<Vec<&'static Fixture>> = OnceLock::new();
    BUILDABLE.get_or_init(|| {
        let config = config();
        let mut chosen: Vec<&'static Fixture> = Vec::new();
        for op in operations().iter().filter(|op| op.path.contains('{')) {
            let fixture = fixtures()
                .iter()
                .find(|f| f.op.id == op.id && op.build_request(&f.params, &config).is_ok())
                .unwrap_or_else(|| panic!("no fixture builds a request for {}", op.id));
            chosen.push(fixture);
        }
        chosen
    })
}

/// The fixtures whose valid parameters include a query.
fn buildable_with_query() -> &'static [&'static Fixture] {
    static BUILDABLE: OnceLock<Vec<&'static Fixture>> = OnceLock::new();
    BUILDABLE.get_or_init(|| {
        let config = config();
        fixtures()
            .iter()
            .filter(|f| {
                matches!(&f.params.query, Some(Value::Object(q)) if q.values().any(|v| v.is_string() || v.is_array()))
            })
            .filter(|f| f.op.build_request(&f.params, &config).is_ok())
            .collect()
    })
}

fn config() -> ClientConfig {
    ClientConfig::new("talq_hostile_test_token").unwrap()
}

fn response(status: u16, headers: &[(String, Vec<u8>)], body: Vec<u8>) -> HttpResponse {
    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
    for (name, value) in headers {
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            response.headers_mut().append(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value);
        }
    }
    response
}

/// Decodes `body` as the answer of `op`: it must not panic, must end in a value or an error of an answer's
/// phase, and must stay within the allocation bound.
fn decode_checked(op: &OperationInfo, status: u16, headers: &[(String, Vec<u8>)], body: &[u8]) {
    let len = body.len();
    let mut outcome = None;
    let peak = peak_allocation(|| outcome = Some(op.decode(response(status, headers, body.to_vec()))));
    if let Some(Err(error)) = outcome {
        let kind = error.kind();
        assert!(!matches!(kind, ErrorKind::Transport), "{}: decoding gave a transport error: {error}", op.id);
        // Where decoding stopped is said in a bounded path, however deep the body: errors are logged.
        if let talkover_core::Error::Decode(decode) = &error {
            assert!(decode.path.len() <= 1024, "{}: a path of {} bytes", op.id, decode.path.len());
        }
        if (200..300).contains(&status) {
            assert!(error.status().is_some(), "{}: {error}", op.id);
        } else {
            assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{}: {error}", op.id);
        }
    }
    assert!(peak <= allocation_bound(len), "{}: decoding {len} bytes held {peak} bytes at once", op.id);
}

// ---------------------------------------------------------------------------------------------------
// Strategies.

/// Pieces hostile strings are made of.
const ATOMS: &[&str] = &[
    "/",
    "//",
    "..",
    ".",
    "./",
    "../",
    "%2F",
    "%2f",
    "%2E%2E",
    "%2e",
    "%",
    "%%",
    "%zz",
    "%0",
    "%00",
    "%0D%0A",
    "?",
    "#",
    "&",
    "=",
    "+",
    " ",
    ";",
    ",",
    ":",
    "@",
    "\\",
    "\0",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u{7f}",
    "é",
    "日本",
    "😀",
    "\u{202e}",
    "\u{feff}",
    "\u{fffd}",
    "\u{2215}",
    "\u{ff0f}",
    "{agent_id}",
    "}",
    "{",
    "a",
    "Z",
    "9",
    "-",
    "_",
    "~",
    "api",
    "v1",
    "agents",
    "X-Evil: 1",
    "https://evil.example/",
    "@evil.example",
    "[::1]",
];

fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(prop::sample::select(ATOMS), 1..24).prop_map(|parts| parts.concat()),
        3 => any::<String>(),
        1 => (prop::sample::select(ATOMS), 1usize..1000).prop_map(|(atom, n)| atom.repeat(n)),
        1 => prop::sample::select(vec![".", "..", "/", "%2F", "?", "#", "\r\n", "\0", " "]).prop_map(str::to_owned),
    ]
}

/// Keys the API's bodies use, so that arbitrary JSON reaches typed fields and not only the top level.
const KEYS: &[&str] = &[
    "success",
    "data",
    "message",
    "meta",
    "pagination",
    "links",
    "id",
    "name",
    "items",
    "total",
    "current_page",
    "per_page",
    "last_page",
    "status",
    "error",
    "errors",
    "code",
    "token",
    "amount",
    "balance",
    "created_at",
    "agent_id",
    "webhook_id",
    "events",
    "event",
    "abilities",
    "details",
    "status_code",
    "price",
    "currency",
    "calls",
    "actions",
    "phone_number",
    "type",
    "value",
    "enabled",
    "timeout",
    "max_retries",
    "current_status",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        hostile_string().prop_map(Value::String),
        prop::sample::select(KEYS).prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(
                (prop_oneof![3 => prop::sample::select(KEYS).prop_map(str::to_owned), 1 => any::<String>()], inner),
                0..8
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Response headers the error decoding reads, with hostile values.
fn response_headers() -> impl Strategy<Value = Vec<(String, Vec<u8>)>> {
    let name = prop::sample::select(vec![
        "retry-after",
        "x-request-id",
        "request-id",
        "content-type",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ]);
    let value = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        any::<i64>().prop_map(|n| n.to_string().into_bytes()),
        Just(b"Wed, 21 Oct 2015 07:28:00 GMT".to_vec()),
        Just(b"Fri, 31 Dec 9999 23:59:59 GMT".to_vec()),
        Just(b"18446744073709551616".to_vec()),
    ];
    prop::collection::vec((name.prop_map(str::to_owned), value), 0..4)
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![200u16, 201, 202, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503]),
        1 => 100u16..1000,
    ]
}

/// Other JSON values to put in place of a fixture's value.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => prop::sample::select(vec![
            Value::Null,
            Value::Bool(true),
            Value::from(0),
            Value::from(-1),
            Value::from(u64::MAX),
            Value::from(i64::MIN),
            Value::from(1.5),
            Value::from(-1e308),
            Value::from(""),
            Value::from("x"),
            Value::from("9999999999999999999999999999"),
            Value::from("not-a-date"),
            Value::Array(Vec::new()),
            Value::Array(vec![Value::Null]),
            Value::Object(Map::new()),
            serde_json::json!({"a": null, "data": []}),
        ]),
        1 => json_value(),
        1 => (1usize..20_000).prop_map(|n| Value::from("a".repeat(n))),
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(Index, u8),
    Insert(Index, u8),
    Truncate(Index),
    Cut(Index, usize),
    Replace(Index, Value),
    RemoveKey(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert(at, byte)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 1usize..16).prop_map(|(at, len)| Mutation::Cut(at, len)),
        3 => (any::<Index>(), replacement()).prop_map(|(at, with)| Mutation::Replace(at, with)),
        1 => any::<Index>().prop_map(Mutation::RemoveKey),
    ]
}

/// Every node of a JSON tree, as a JSON pointer.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                pointers(item, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn apply(mutation: &Mutation, body: &[u8]) -> Vec<u8> {
    let mut bytes = body.to_vec();
    match mutation {
        Mutation::Flip(at, mask) if !bytes.is_empty() => bytes[at.index(body.len())] ^= mask,
        Mutation::Insert(at, byte) => bytes.insert(at.index(body.len() + 1), *byte),
        Mutation::Truncate(at) if !bytes.is_empty() => bytes.truncate(at.index(body.len())),
        Mutation::Cut(at, len) if !bytes.is_empty() => {
            let start = at.index(body.len());
            bytes.drain(start..(start + len).min(body.len()));
        }
        Mutation::Replace(at, with) => {
            if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
                let mut all = Vec::new();
                pointers(&value, String::new(), &mut all);
                if let Some(node) = value.pointer_mut(&all[at.index(all.len())]) {
                    *node = with.clone();
                }
                bytes = serde_json::to_vec(&value).unwrap();
            }
        }
        Mutation::RemoveKey(at) => {
            if let Ok(mut value) = serde_json::from_slice::<Value>(body) {
                let mut all = Vec::new();
                pointers(&value, String::new(), &mut all);
                let pointer = &all[at.index(all.len())];
                if let Some((parent, key)) = pointer.rsplit_once('/') {
                    let key = key.replace("~1", "/").replace("~0", "~");
                    match value.pointer_mut(parent) {
                        Some(Value::Object(map)) => {
                            map.remove(&key);
                        }
                        Some(Value::Array(items)) => {
                            items.remove(key.parse::<usize>().unwrap());
                        }
                        _ => {}
                    }
                }
                bytes = serde_json::to_vec(&value).unwrap();
            }
        }
        _ => {}
    }
    bytes
}

fn proptest_config() -> ProptestConfig {
    ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------------
// Decoding.

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn arbitrary_bytes_never_panic_any_decoder(
        status in status(),
        headers in response_headers(),
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        for op in operations() {
            decode_checked(op, status, &headers, &body);
        }
    }

    #[test]
    fn arbitrary_json_never_panics_any_decoder(status in status(), headers in response_headers(), value in json_value()) {
        let body = serde_json::to_vec(&value).unwrap();
        for op in operations() {
            decode_checked(op, status, &headers, &body);
        }
    }

    #[test]
    fn mutated_fixtures_never_panic_their_decoder(
        which in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
        success in any::<bool>(),
    ) {
        let fixture = answered()[which.index(answered().len())];
        let (recorded_status, recorded) = fixture.answer.as_ref().unwrap();
        let mut body = recorded.clone();
        for mutation in &mutations {
            body = apply(mutation, &body);
        }
        // Error fixtures' bodies are tried as successes too, and successes as errors.
        let status = if success { 200 } else { *recorded_status };
        decode_checked(fixture.op, status, &[], &body);
        decode_checked(fixture.op, if success { 500 } else { 200 }, &[], &body);
    }
}

#[test]
fn the_harness_reaches_every_operation() {
    // Every operation has a recorded answer to mutate (that the registry holds every documented operation
    // is `cargo xtask lint`'s check, against the reference pages).
    for op in operations() {
        assert!(answered().iter().any(|f| f.op.id == op.id), "{}: no recorded answer", op.id);
    }
    assert_eq!(buildable_with_path_params().len(), operations().iter().filter(|op| op.path.contains('{')).count());
    assert!(buildable_with_query().len() >= 5, "{}", buildable_with_query().len());
    assert!(answered().len() > 300);
    assert!(peak_allocation(|| drop(vec![1u8; 1 << 20])) >= 1 << 20, "the allocator does not count");
}

#[test]
fn every_recorded_answer_decodes_within_bounds() {
    for fixture in answered() {
        let (status, body) = fixture.answer.as_ref().unwrap();
        decode_checked(fixture.op, *status, &[], body);
    }
}

/// A list where the API answers an object (a proxy's answer, another endpoint's) is refused: read as a
/// struct, its values would fill the fields in order, whatever their names. A list operation reads its
/// items bare too (openapi.json's shape for one of them): there the first item that is not one is named.
#[test]
fn a_success_answer_that_is_a_list_is_a_decode_error_for_every_operation() {
    for fixture in answered() {
        let (status, body) = fixture.answer.as_ref().unwrap();
        if !(200..300).contains(status) || body.is_empty() {
            continue;
        }
        let lists = serde_json::from_slice::<Value>(body).is_ok_and(|answer| answer["data"].is_array());
        let mut listed = b"[".to_vec();
        listed.extend_from_slice(body);
        listed.push(b']');
        for body in [listed, br#" ["call_1", "agent_1", "+15550001111", "initiated"]"#.to_vec()] {
            let error = fixture.op.decode(response(*status, &[], body)).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Decode, "{}: {error}", fixture.op.id);
            match &error {
                Error::Decode(decode) if lists && decode.path.starts_with("[0]") => {}
                _ => assert!(error.to_string().contains("a JSON list where the API answers an object"), "{error}"),
            }
        }
    }
}

/// The same below the top: an answer's `data`, or a field, that is a list where the API writes an object
/// is refused where it stands, not read into the fields in order.
#[test]
fn a_list_where_an_object_is_documented_is_a_decode_error_where_it_stands() {
    let op = |id: &str| *operations().iter().find(|op| op.id == id).unwrap();
    let cases = [
        (
            "make-call",
            r#"{"success": true, "data": ["call_1", "agent_1", "+15550001111", "initiated", "2024-01-15T10:30:00Z"]}"#,
            "data",
        ),
        ("get-agent", r#"{"success": true, "data": [{"id": "a1", "name": "Support"}]}"#, "data"),
        (
            "get-agent",
            r#"{"success": true, "data": {"id": "a1", "name": "Support", "voice": ["v1", 0.5]}}"#,
            "data.voice",
        ),
    ];
    for (id, body, path) in cases {
        let error = op(id).decode(response(200, &[], body.as_bytes().to_vec())).unwrap_err();
        let Error::Decode(decode) = &error else { panic!("{id}: {error}") };
        assert_eq!(decode.path, path, "{id}: {error}");
        assert!(decode.message.starts_with("invalid type: sequence, expected"), "{id}: {error}");
    }
}

/// An empty 2xx where an operation answers with a body says so, not where in the missing text it failed.
#[test]
fn an_empty_answer_where_one_is_expected_says_the_body_is_empty() {
    let get_agent = operations().iter().find(|op| op.id == "get-agent").unwrap();
    for status in [200, 204] {
        let error = get_agent.decode(response(status, &[], Vec::new())).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        let text = error.to_string();
        assert!(text.contains("the answer has no body") && text.contains("missing field `data`"), "{text}");
        assert!(!text.contains("line 1"), "{text}");
    }
}

#[test]
fn deep_nesting_and_huge_values_are_refused_without_overflowing_the_stack() {
    // serde_json stops at 128 levels; far deeper input must end there, not in a stack overflow.
    let depth = 20_000;
    let bodies: Vec<Vec<u8>> = vec![
        "[".repeat(depth).into_bytes(),
        r#"{"data":"#.repeat(depth).into_bytes(),
        format!(r#"{{"success":true,"data":{}null{}}}"#, "[".repeat(depth), "]".repeat(depth)).into_bytes(),
        format!(r#"{{"message":{}"x"{}}}"#, r#"{"a":"#.repeat(depth), "}".repeat(depth)).into_bytes(),
        format!(r#"{{"success":true,"data":{{"id":"1e{}"}}}}"#, "9".repeat(5_000)).into_bytes(),
        format!(r#"{{"success":true,"data":[{}0]}}"#, "0,".repeat(10_000)).into_bytes(),
        format!(r#"{{"success":true,"data":{{"amount":1{}}}}}"#, "0".repeat(20_000)).into_bytes(),
        format!(r#"{{"message":"{}"}}"#, "\\u0000".repeat(5_000)).into_bytes(),
    ];
    for body in &bodies {
        for op in operations() {
            for status in [200, 422, 500] {
                decode_checked(op, status, &[], body);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Building requests.

fn placeholder(segment: &str) -> Option<&str> {
    segment.strip_prefix('{')?.strip_suffix('}')
}

/// The path of `request` has the template's segments, each literal one unchanged and each parameter exactly
/// its value, and the request goes to the configured host.
fn check_path(op: &OperationInfo, values: &Map<String, Value>, request: &HttpRequest) {
    let uri = request.uri();
    assert_eq!((uri.scheme_str(), uri.host(), uri.port_u16()), (Some("https"), Some("app.talkover.ai"), None));
    let path = uri.path();
    let template: Vec<&str> = op.path.split('/').collect();
    let actual: Vec<&str> = path.split('/').collect();
    assert_eq!(actual.len(), template.len(), "{}: {path} does not fit {}", op.id, op.path);
    for (t, a) in template.iter().zip(&actual) {
        match placeholder(t) {
            Some(name) => {
                assert!(!a.is_empty() && *a != "." && *a != "..", "{}: segment {a:?}", op.id);
                assert!(a.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)), "{}: {a:?}", op.id);
                let decoded = encode::percent_decode(a);
                assert_eq!(Some(decoded.as_slice()), values[name].as_str().map(str::as_bytes), "{}: {name}", op.id);
            }
            None => assert_eq!(t, a, "{}: literal segment changed in {path}", op.id),
        }
    }
    assert_eq!(op.match_path(path).as_ref(), Some(values), "{}: {path}", op.id);
}

fn check_headers(request: &HttpRequest) {
    for (name, value) in request.headers() {
        assert!(!value.as_bytes().iter().any(|b| matches!(b, b'\r' | b'\n' | b'\0')), "raw CR, LF or NUL in {name}");
    }
}

fn check_query(request: &HttpRequest) {
    if let Some(query) = request.uri().query() {
        assert!(
            query.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%&=".contains(&b)),
            "unescaped byte in the query {query:?}"
        );
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    #[test]
    fn hostile_path_parameters_stay_one_segment_of_the_template(values in prop::collection::vec(hostile_string(), 4)) {
        let config = config();
        // Each value as drawn, then without its control characters and the white space at its ends (which
        // are refused), so that the rest of it is sent and checked too.
        let cleaned: Vec<String> = values
            .iter()
            .map(|v| {
                let kept: String = v.chars().filter(|c| !c.is_control()).collect();
                kept.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').to_owned()
            })
            .collect();
        for (values, raw) in [(&values, true), (&cleaned, false)] {
        for fixture in buildable_with_path_params() {
            let op = fixture.op;
            let mut params = fixture.params.clone();
            let mut expected = Map::new();
            for (i, name) in encode::path_placeholders(op.path).enumerate() {
                let value = Value::String(values[i % values.len()].clone());
                params.path.insert(name.to_owned(), value.clone());
                expected.insert(name.to_owned(), value);
            }
            match op.build_request(&params, &config) {
                Ok(request) => {
                    check_path(op, &expected, &request);
                    check_headers(&request);
                    check_query(&request);
                }
                Err(error) => {
                    prop_assert_eq!(error.kind(), ErrorKind::InvalidRequest);
                    // A path parameter is refused when it is empty, holds a control character or has white
                    // space at an end (or a byte order mark at its start); a phone number's form
                    // (get-active-call's `phone`) is the API's to judge, and never refused here.
                    let texts = || expected.values().filter_map(Value::as_str);
                    let empty = texts().any(str::is_empty);
                    let unclean = raw
                        && texts().any(|v| {
                            v.chars().any(char::is_control)
                                || v.starts_with(|c: char| c.is_whitespace() || c == '\u{feff}')
                                || v.ends_with(char::is_whitespace)
                        });
                    prop_assert!(empty || unclean, "{}: {}", op.id, error);
                }
            }
        }
        }
    }

    #[test]
    fn hostile_query_values_are_escaped_and_come_back_intact(value in hostile_string()) {
        let config = config();
        for fixture in buildable_with_query() {
            let op = fixture.op;
            let mut params = fixture.params.clone();
            let Some(Value::Object(query)) = params.query.as_mut() else { unreachable!() };
            let mut replaced = Vec::new();
            for (name, field) in query.iter_mut() {
                match field {
                    Value::String(text) => {
                        *text = value.clone();
                        replaced.push(name.clone());
                    }
                    Value::Array(items) if items.iter().all(Value::is_string) && !items.is_empty() => {
                        items[0] = Value::String(value.clone());
                        replaced.push(format!("{name}[]"));
                    }
                    _ => {}
                }
            }
            match op.build_request(&params, &config) {
                Ok(request) => {
                    check_headers(&request);
                    check_query(&request);
                    let pairs = encode::parse_query(request.uri().query().unwrap_or(""));
                    for name in &replaced {
                        prop_assert!(
                            pairs.iter().any(|(n, v)| n == name && *v == value),
                            "{}: {} did not come back as sent: {:?}", op.id, name, pairs
                        );
                    }
                }
                Err(error) => prop_assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{}: {}", op.id, error),
            }
        }
    }

    #[test]
    fn hostile_tokens_and_user_agents_never_reach_a_header_raw(token in hostile_string(), agent in hostile_string()) {
        let op = registry::operation("unpublish-agent").unwrap();
        let mut params = Params::default();
        params.path.insert("agent_id".to_owned(), Value::from("a"));
        let configs = [
            ClientConfig::new(token.as_str()),
            ClientConfig::new("talq_ok").and_then(|c| c.with_user_agent(&agent)),
        ];
        for config in configs {
            match config {
                Ok(config) => {
                    let request = op.build_request(&params, &config).unwrap();
                    check_headers(&request);
                }
                // A token or user agent that is no header value is a setting to fix.
                Err(error) => prop_assert_eq!(error.kind(), ErrorKind::Config),
            }
        }
    }
}
