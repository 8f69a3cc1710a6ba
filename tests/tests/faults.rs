//! Fault injection over real loopback HTTP, through both built-in transports: what the caller sees and
//! what the server received when the network or the API misbehaves.
//!
//! The server answers connection by connection from a script; it listens on 127.0.0.1 only, every read
//! and every hold is bounded, and it stops when the case ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use talkover::calls::{MakeCall, NewCall};
use talkover::retry::StopReason;
use talkover::{Error, ErrorKind, RetryBudget, RetryPolicy, TransportErrorKind};
use talkover_conformance::server::AcceptLoop;

const TOKEN: &str = "talq_fault_token";
const AGENT: &str = r#"{"success":true,"data":{"id":"a1","name":"SupportBot"}}"#;
const CALL: &str = r#"{"success":true,"data":{"id":"c1","agent_id":"a1","to":"+15551234567","status":"initiated","created_at":"2024-01-15T10:30:00Z"}}"#;
/// The client's per-attempt timeout in these cases.
const TIMEOUT: Duration = Duration::from_millis(400);
/// How long a stalling server holds a connection (bounded, longer than the client's timeout).
const HOLD: Duration = Duration::from_millis(1200);
const SIZE_LIMIT: u64 = 1024;

#[derive(Clone, Debug)]
enum Fault {
    /// A complete answer.
    Answer { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Read the request, then close without answering.
    CloseBeforeResponse,
    /// Send the head and part of the body, then close.
    CloseMidBody,
    /// Read the request and send nothing until the hold ends.
    NoHeaders,
    /// Send the head and part of the body, then stall until the hold ends.
    StallBody,
}

fn answer(status: u16, content_type: &str, body: &[u8]) -> Fault {
    Fault::Answer { status, headers: vec![("content-type".into(), content_type.into())], body: body.to_vec() }
}

fn json(status: u16, body: &str) -> Fault {
    answer(status, "application/json", body.as_bytes())
}

fn with_header(mut fault: Fault, name: &str, value: &str) -> Fault {
    if let Fault::Answer { headers, .. } = &mut fault {
        headers.push((name.into(), value.into()));
    }
    fault
}

struct FaultServer {
    accept: Option<AcceptLoop>,
    received: Arc<Mutex<Vec<String>>>,
    /// Releases the connections a fault holds open, when the case ends.
    stop: Arc<AtomicBool>,
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl FaultServer {
    /// Answers the n-th request with `script[n]`, and the last entry again once the script is used up.
    fn start(script: Vec<Fault>) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let workers = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let (received, stop, workers) = (received.clone(), stop.clone(), workers.clone());
            AcceptLoop::start("fault-server", 64, move |stream| {
                // One thread per connection, so a held connection does not block the client's retry.
                let (received, stop, script) = (received.clone(), stop.clone(), script.clone());
                let worker = std::thread::spawn(move || {
                    let Some(line) = read_request(&stream) else { return };
                    let n = {
                        let mut received = received.lock().unwrap();
                        received.push(line);
                        received.len() - 1
                    };
                    let fault = script[n.min(script.len() - 1)].clone();
                    serve(stream, fault, n, &stop);
                });
                workers.lock().unwrap().push(worker);
            })
            .unwrap()
        };
        Self { accept: Some(accept), received, stop, workers }
    }

    fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.accept.as_ref().map(AcceptLoop::addr).unwrap())
    }

    fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        // Release held connections, stop accepting, then wait for every connection's thread.
        self.stop.store(true, Ordering::SeqCst);
        drop(self.accept.take());
        for worker in std::mem::take(&mut *self.workers.lock().unwrap()) {
            let _ = worker.join();
        }
    }
}

/// Reads one request; returns `METHOD /path`.
fn read_request(stream: &TcpStream) -> Option<String> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream.take(1 << 20));
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let mut parts = first.split_whitespace();
    Some(format!("{} {}", parts.next()?, parts.next()?.split('?').next()?))
}

fn hold(stop: &AtomicBool) {
    let mut waited = Duration::ZERO;
    while waited < HOLD && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(20));
        waited += Duration::from_millis(20);
    }
}

fn serve(mut stream: TcpStream, fault: Fault, n: usize, stop: &AtomicBool) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let head = |status: u16, headers: &[(String, String)], length: usize| {
        let mut head = format!("HTTP/1.1 {status} Status\r\nx-request-id: req-{n}\r\ncontent-length: {length}\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("connection: close\r\n\r\n");
        head.into_bytes()
    };
    match fault {
        Fault::Answer { status, headers, body } => {
            let _ = stream.write_all(&head(status, &headers, body.len()));
            let _ = stream.write_all(&body);
        }
        Fault::CloseBeforeResponse => {}
        Fault::CloseMidBody => {
            let _ = stream.write_all(&head(200, &[("content-type".into(), "application/json".into())], 200));
            let _ = stream.write_all(br#"{"success":true,"da"#);
        }
        Fault::NoHeaders => hold(stop),
        Fault::StallBody => {
            let _ = stream.write_all(&head(200, &[("content-type".into(), "application/json".into())], 200));
            let _ = stream.write_all(br#"{"success":true,"da"#);
            let _ = stream.flush();
            hold(stop);
        }
    }
    let _ = stream.flush();
}

#[derive(Clone, Copy, Debug)]
enum Via {
    Reqwest,
    Ureq,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Call {
    /// get-agent: safe to repeat.
    GetAgent,
    /// make-call: rings a phone, never repeated once it may have been sent.
    MakeCall,
}

fn policy() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(40)).jitter(0.0)
}

/// Builds a client of either kind with the settings every fault case runs under (a macro, as the async and
/// blocking builders are different types).
macro_rules! configured {
    ($builder:expr, $base_url:expr, $policy:expr) => {
        $builder
            .token(TOKEN)
            .base_url($base_url)
            .timeout(TIMEOUT)
            .max_response_bytes(SIZE_LIMIT)
            .retry_policy($policy)
            .build()
    };
}

/// Runs one call through one transport against `base_url`; gives the outcome (the decoded id or the error).
fn run(via: Via, base_url: &str, call: Call, policy: RetryPolicy) -> Result<String, Error> {
    let make_call = || MakeCall::new("a1", NewCall::new("+15551234567"));
    match via {
        Via::Reqwest => {
            let client = configured!(talkover::Client::builder(), base_url, policy)?;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                match call {
                    Call::GetAgent => client.agents().get("a1").await.map(|a| a.id.into_string()),
                    Call::MakeCall => client.execute(make_call()).await.map(|c| c.id.into_string()),
                }
            })
        }
        Via::Ureq => {
            let client = configured!(talkover::blocking::Client::builder(), base_url, policy)?;
            match call {
                Call::GetAgent => client.agents().get("a1").map(|a| a.id.into_string()),
                Call::MakeCall => client.execute(make_call()).map(|c| c.id.into_string()),
            }
        }
    }
}

struct Case {
    name: &'static str,
    call: Call,
    script: Vec<Fault>,
    /// The requests the server must receive.
    requests: usize,
    /// `Ok(id)` or the error's kind (and transport kind for transport errors).
    expect: Result<&'static str, (ErrorKind, Option<TransportErrorKind>)>,
}

fn transport(kind: TransportErrorKind) -> Result<&'static str, (ErrorKind, Option<TransportErrorKind>)> {
    Err((ErrorKind::Transport, Some(kind)))
}

fn api(kind: ErrorKind) -> Result<&'static str, (ErrorKind, Option<TransportErrorKind>)> {
    Err((kind, None))
}

fn cases() -> Vec<Case> {
    let in_a_second = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
    let mut invalid_utf8 = br#"{"success":true,"data":{"id":"a1","name":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, b'"', b'}', b'}']);
    let with_bom = |json: &str| [b"\xEF\xBB\xBF".as_slice(), json.as_bytes()].concat();
    vec![
        Case {
            name: "connection reset before any response, safe call",
            call: Call::GetAgent,
            script: vec![Fault::CloseBeforeResponse],
            requests: 3,
            expect: transport(TransportErrorKind::Io),
        },
        Case {
            name: "connection reset before any response, make-call",
            call: Call::MakeCall,
            script: vec![Fault::CloseBeforeResponse, json(200, CALL)],
            requests: 1,
            expect: transport(TransportErrorKind::Io),
        },
        Case {
            name: "reset mid-body",
            call: Call::GetAgent,
            script: vec![Fault::CloseMidBody, json(200, AGENT)],
            requests: 2,
            expect: Ok("a1"),
        },
        Case {
            name: "headers that never come",
            call: Call::GetAgent,
            script: vec![Fault::NoHeaders, json(200, AGENT)],
            requests: 2,
            expect: Ok("a1"),
        },
        Case {
            name: "body that stalls",
            call: Call::GetAgent,
            script: vec![Fault::StallBody],
            requests: 3,
            expect: transport(TransportErrorKind::Timeout),
        },
        Case {
            name: "429 with Retry-After in seconds, then 200",
            call: Call::GetAgent,
            script: vec![
                with_header(json(429, r#"{"success":false,"message":"Too many requests."}"#), "retry-after", "1"),
                json(200, AGENT),
            ],
            requests: 2,
            expect: Ok("a1"),
        },
        Case {
            name: "429 with Retry-After as an HTTP date, then 200",
            call: Call::GetAgent,
            script: vec![
                with_header(
                    json(429, r#"{"success":false,"message":"Too many requests."}"#),
                    "retry-after",
                    &in_a_second,
                ),
                json(200, AGENT),
            ],
            requests: 2,
            expect: Ok("a1"),
        },
        Case {
            name: "429 on make-call: refused, so retried",
            call: Call::MakeCall,
            script: vec![json(429, r#"{"success":false,"message":"Too many requests."}"#), json(200, CALL)],
            requests: 2,
            expect: Ok("c1"),
        },
        Case {
            name: "503, 503, 200",
            call: Call::GetAgent,
            script: vec![json(503, "{}"), json(503, "{}"), json(200, AGENT)],
            requests: 3,
            expect: Ok("a1"),
        },
        Case {
            name: "500 on make-call",
            call: Call::MakeCall,
            script: vec![
                json(500, r#"{"success":false,"error":{"code":"SERVER_ERROR","message":"boom"}}"#),
                json(200, CALL),
            ],
            requests: 1,
            expect: api(ErrorKind::Server),
        },
        Case {
            name: "timeout on make-call",
            call: Call::MakeCall,
            script: vec![Fault::NoHeaders, json(200, CALL)],
            requests: 1,
            expect: transport(TransportErrorKind::Timeout),
        },
        Case {
            name: "502 with an HTML body",
            call: Call::GetAgent,
            script: vec![answer(502, "text/html", b"<html><body>502 Bad Gateway</body></html>")],
            requests: 3,
            expect: api(ErrorKind::Server),
        },
        Case {
            name: "200 with truncated JSON",
            call: Call::GetAgent,
            script: vec![json(200, r#"{"success":true,"data":{"id":"a1","na"#)],
            requests: 1,
            expect: api(ErrorKind::Decode),
        },
        Case {
            name: "200 with invalid UTF-8",
            call: Call::GetAgent,
            script: vec![answer(200, "application/json", &invalid_utf8)],
            requests: 1,
            expect: api(ErrorKind::Decode),
        },
        Case {
            name: "200 with a byte-order mark before the JSON",
            call: Call::GetAgent,
            script: vec![answer(200, "application/json; charset=utf-8", &with_bom(AGENT))],
            requests: 1,
            expect: Ok("a1"),
        },
        Case {
            name: "409 with a byte-order mark: its documented code is read, so it is not retried",
            call: Call::GetAgent,
            script: vec![
                answer(
                    409,
                    "application/json",
                    &with_bom(r#"{"success":false,"message":"Busy","code":"AGENT_IS_PUBLISHED"}"#),
                ),
                json(200, AGENT),
            ],
            requests: 1,
            expect: api(ErrorKind::Conflict),
        },
        Case {
            name: "200 with success: false",
            call: Call::GetAgent,
            script: vec![json(200, r#"{"success":false,"message":"Agent is locked"}"#)],
            requests: 1,
            expect: api(ErrorKind::Unsuccessful),
        },
        Case {
            name: "a body over the size limit",
            call: Call::GetAgent,
            script: vec![json(
                200,
                &format!(r#"{{"success":true,"data":{{"id":"a1","name":"{}"}}}}"#, "x".repeat(4096)),
            )],
            requests: 1,
            expect: transport(TransportErrorKind::BodyTooLarge),
        },
        // Answer heads: both transports read the same ones (up to 64 KiB and 100 header lines), and a
        // larger one is not asked for again, the same answer would come (a call placed is not placed twice).
        Case {
            name: "a head of 90 header lines and 60 KiB",
            call: Call::GetAgent,
            script: vec![(0..90).fold(json(200, AGENT), |fault, i| {
                with_header(fault, &format!("x-extra-{i}"), &"v".repeat(if i == 0 { 60 * 1024 } else { 8 }))
            })],
            requests: 1,
            expect: Ok("a1"),
        },
        Case {
            name: "a head larger than 64 KiB",
            call: Call::MakeCall,
            script: vec![with_header(json(200, CALL), "x-huge", &"v".repeat(100 * 1024)), json(200, CALL)],
            requests: 1,
            expect: transport(TransportErrorKind::BodyTooLarge),
        },
        Case {
            name: "a head of more than 100 header lines",
            call: Call::GetAgent,
            script: vec![
                (0..110).fold(json(200, AGENT), |fault, i| with_header(fault, &format!("x-extra-{i}"), "v")),
                json(200, AGENT),
            ],
            requests: 1,
            expect: transport(TransportErrorKind::BodyTooLarge),
        },
        Case {
            name: "a head of more than ureq's 128 header lines",
            call: Call::MakeCall,
            script: vec![
                (0..200).fold(json(200, CALL), |fault, i| with_header(fault, &format!("x-extra-{i}"), "v")),
                json(200, CALL),
            ],
            requests: 1,
            expect: transport(TransportErrorKind::BodyTooLarge),
        },
    ]
}

fn check(via: Via, case: &Case) {
    let server = FaultServer::start(case.script.clone());
    let outcome = run(via, &server.base_url(), case.call, policy());
    let received = server.received();
    let label = format!("{via:?}: {}", case.name);
    assert_eq!(received.len(), case.requests, "{label}: requests received {received:?}, outcome {outcome:?}");
    match (&case.expect, &outcome) {
        (Ok(id), Ok(got)) => assert_eq!(id, got, "{label}"),
        (Err((kind, transport_kind)), Err(error)) => {
            assert_eq!(error.kind(), *kind, "{label}: {error}");
            match (transport_kind, error) {
                (Some(expected), Error::Transport(e)) => assert_eq!(e.kind(), *expected, "{label}: {e}"),
                (None, _) => {
                    // The server answered: the error carries its status and request id.
                    assert!(error.status().is_some(), "{label}: {error}");
                    let last = received.len() - 1;
                    assert_eq!(error.request_id(), Some(format!("req-{last}").as_str()), "{label}");
                }
                (Some(_), other) => panic!("{label}: expected a transport error, got {other}"),
            }
        }
        _ => panic!("{label}: expected {:?}, got {outcome:?}", case.expect),
    }
    if case.call == Call::MakeCall {
        let placed = received.iter().filter(|r| r.ends_with("/call")).count();
        assert!(placed <= case.requests, "{label}: duplicate make-call requests");
    }
}

/// Runs every case through one transport (one test each, so the two run side by side).
fn every_fault_through(via: Via, name: &str) {
    let cases = cases();
    for case in &cases {
        check(via, case);
    }
    println!("fault cases through {name}: {}", cases.len() + 2);
}

#[test]
fn every_fault_through_reqwest() {
    every_fault_through(Via::Reqwest, "reqwest");
}

#[test]
fn every_fault_through_ureq() {
    every_fault_through(Via::Ureq, "ureq");
}

/// A base URL on loopback that refuses every connection while the streams are held: the near end of a
/// connection, whose port no listener can take (a port let go could be taken meanwhile by another test's).
fn refused_address() -> (String, [TcpStream; 2]) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let near = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    (format!("http://{}/api/v1", near.local_addr().unwrap()), [near, listener.accept().unwrap().0])
}

#[test]
fn connection_refused_is_a_connect_error_and_is_retried_even_for_make_call() {
    for via in [Via::Reqwest, Via::Ureq] {
        for call in [Call::GetAgent, Call::MakeCall] {
            let (refused, _held) = refused_address();
            let error = run(via, &refused, call, policy()).unwrap_err();
            match &error {
                Error::Transport(e) => {
                    assert_eq!(e.kind(), TransportErrorKind::Connect, "{via:?} {call:?}: {e}");
                    assert!(e.certainly_not_sent());
                }
                other => panic!("{via:?} {call:?}: {other}"),
            }
            // What a log shows: the operation and why, in one line; a chain printer shows each cause once.
            let line = error.to_string();
            let operation = if call == Call::GetAgent { "get-agent: " } else { "make-call: " };
            assert!(line.starts_with(operation), "{via:?}: {line}");
            assert!(line.to_lowercase().contains("refused"), "{via:?}: {line}");
            assert!(std::error::Error::source(&error).is_none(), "{via:?}: the causes are in the message");
            // The HTTP client's error is still there to look into.
            let io = talkover::transport::find_cause::<std::io::Error>(&error);
            assert_eq!(io.map(std::io::Error::kind), Some(std::io::ErrorKind::ConnectionRefused), "{via:?}: {line}");
        }
    }
}

#[test]
fn the_retry_budget_stops_a_burst_of_failures() {
    for via in [Via::Reqwest, Via::Ureq] {
        let server = FaultServer::start(vec![json(503, "{}")]);
        // Room for exactly two retries across all calls of this client.
        let policy = policy().budget(Some(RetryBudget::new(10)));
        let calls = 6;
        let mut reasons = Vec::new();
        for _ in 0..calls {
            let error = run(via, &server.base_url(), Call::GetAgent, policy.clone()).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Server, "{via:?}");
            reasons.push((error.attempts(), error.stop_reason()));
        }
        // The first call retries twice, its attempts used up and the budget spent; each later one says why it
        // was not retried.
        let spent = (1, Some(StopReason::BudgetExhausted));
        assert_eq!(reasons, [(3, Some(StopReason::OutOfAttempts)), spent, spent, spent, spent, spent], "{via:?}");
        assert_eq!(server.received().len(), calls + 2, "{via:?}: only two retries fit in the budget");
    }
}

#[test]
fn a_retry_never_sent_costs_the_budget_nothing() {
    let server = FaultServer::start(vec![with_header(json(429, "{}"), "retry-after", "5")]);
    // A wait that would end past the policy's time: the retry is not made, and not paid for.
    for via in [Via::Reqwest, Via::Ureq] {
        let budget = RetryBudget::new(10);
        let policy = policy().budget(Some(budget.clone())).max_elapsed(Duration::from_secs(1));
        for _ in 0..3 {
            let error = run(via, &server.base_url(), Call::GetAgent, policy.clone()).unwrap_err();
            assert_eq!((error.kind(), error.attempts()), (ErrorKind::RateLimited, 1), "{via:?}");
            // It says why the retry the 429 called for was not made.
            assert_eq!(error.stop_reason(), Some(StopReason::OutOfTime), "{via:?}");
            let why = "(not retried: the wait before it would end past the retry policy's max_elapsed)";
            assert!(error.to_string().ends_with(why), "{via:?}: {error}");
        }
        assert_eq!(budget.available(), 10, "{via:?}");
    }
    assert_eq!(server.received().len(), 6);
    // A call dropped while it waits for its retry (a caller's own timeout): the retry's cost comes back.
    let budget = RetryBudget::new(10);
    let policy = policy().budget(Some(budget.clone()));
    let client = configured!(talkover::Client::builder(), &server.base_url(), policy).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        for _ in 0..3 {
            let dropped = tokio::time::timeout(Duration::from_millis(300), client.agents().get("a1")).await;
            assert!(dropped.is_err(), "still waiting for its retry");
        }
    });
    assert_eq!(budget.available(), 10);
    assert_eq!(server.received().len(), 9, "one attempt each");
}

#[test]
fn max_retries_zero_turns_retrying_off() {
    for via in [Via::Reqwest, Via::Ureq] {
        let server = FaultServer::start(vec![json(503, "{}"), json(200, AGENT)]);
        let error = run(via, &server.base_url(), Call::GetAgent, RetryPolicy::none()).unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(server.received().len(), 1, "{via:?}");
    }
}
