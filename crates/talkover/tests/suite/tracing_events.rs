//! What a service hears of the SDK through `tracing`: each attempt at DEBUG, with the answer's request id
//! and the wait it asked for, the call's outcome on its span, and at WARN what it should act on: a retry refused because the retry budget is spent, and an async call
//! of an operation not safe to repeat dropped with its request in flight (it may have been placed).

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use talkover::agents::{DeleteAgent, GetAgent};
use talkover::calls::{MakeCall, NewCall};
use talkover::retry::{RetryBudget, StopReason};
use talkover::{HttpRequest, HttpResponse, RetryPolicy, TransportError};

use crate::common;

/// The WARN events of what was traced.
fn warnings(shown: &str) -> Vec<&str> {
    shown.lines().filter(|line| line.starts_with("event WARN")).collect()
}

/// An async client whose transport never answers: each request stays in flight until its call is dropped.
fn never_answering() -> talkover::Client {
    talkover::Client::builder()
        .token(common::TOKEN)
        .transport(|_: HttpRequest| std::future::pending::<Result<HttpResponse, TransportError>>())
        .build()
        .unwrap()
}

/// Polls `call` once (its request is then in flight on a transport that never answers) and drops it.
async fn dropped_in_flight<T>(call: impl Future<Output = T>) {
    let mut call = std::pin::pin!(call);
    std::future::poll_fn(|cx| {
        assert!(call.as_mut().poll(cx).is_pending(), "the transport never answers");
        Poll::Ready(())
    })
    .await;
}

#[test]
fn an_async_call_not_safe_to_repeat_dropped_in_flight_is_a_warning() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let client = never_answering();
    let shown = common::Capture::traced(|| {
        runtime.block_on(async {
            dropped_in_flight(client.execute(MakeCall::new("agent-1", NewCall::new("+15551234567")))).await;
            // Safe to repeat: a dropped read leaves nothing behind, and says so at DEBUG alone.
            dropped_in_flight(client.execute(GetAgent::new("agent-1"))).await;
        });
    });
    let warned = warnings(&shown);
    assert_eq!(warned.len(), 1, "{shown}");
    assert!(warned[0].contains("operation=\"make-call\""), "{shown}");
    assert!(warned[0].contains("may have carried it out"), "{shown}");
    let dropped_read = shown.lines().filter(|line| line.starts_with("event DEBUG") && line.contains("call dropped"));
    assert_eq!(dropped_read.filter(|line| line.contains("operation=\"get-agent\"")).count(), 1, "{shown}");
}

#[test]
fn a_call_not_safe_to_repeat_that_is_answered_is_no_warning() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let placed = r#"{"success":true,"data":{"id":"call-1","to":"+15551234567","status":"queued","created_at":"2024-01-15T10:30:00Z"}}"#;
    for answer in
        [common::json(201, placed), common::json(500, r#"{"success":false,"message":"Internal server error."}"#)]
    {
        let client = talkover::Client::builder()
            .token(common::TOKEN)
            .transport(move |_: HttpRequest| {
                let answer = answer.clone();
                async move { Ok(answer) }
            })
            .build()
            .unwrap();
        let shown = common::Capture::traced(|| {
            let _ = runtime.block_on(client.execute(MakeCall::new("agent-1", NewCall::new("+15551234567"))));
        });
        assert!(shown.contains("talkover attempt"), "{shown}");
        assert_eq!(warnings(&shown), Vec::<&str>::new(), "{shown}");
    }
}

#[test]
fn a_retry_refused_for_a_spent_budget_is_a_warning_and_each_attempt_names_its_request_id() {
    let unavailable = || {
        let mut answer = common::json(503, r#"{"success":false,"message":"Service unavailable"}"#);
        answer.headers_mut().insert("x-request-id", "req-503-7".parse().unwrap());
        answer
    };
    let shown = common::Capture::traced(|| {
        // A budget of one retry: the first retry is made, the second refused.
        let policy = RetryPolicy::default().backoff(Duration::ZERO, Duration::ZERO).budget(Some(RetryBudget::new(5)));
        let client = talkover::blocking::Client::builder()
            .token(common::TOKEN)
            .retry_policy(policy)
            .transport(move |_: HttpRequest| Ok(unavailable()))
            .build()
            .unwrap();
        let error = client.execute(GetAgent::new("agent-1")).unwrap_err();
        assert_eq!((error.attempts(), error.stop_reason()), (2, Some(StopReason::BudgetExhausted)));
        // Said once a dry spell: the next call refused a retry is no second warning.
        let again = client.execute(GetAgent::new("agent-1")).unwrap_err();
        assert_eq!((again.attempts(), again.stop_reason()), (1, Some(StopReason::BudgetExhausted)));
    });
    let warned = warnings(&shown);
    assert_eq!(warned.len(), 1, "{shown}");
    assert!(warned[0].contains("operation=\"get-agent\"") && warned[0].contains("retry budget is spent"), "{shown}");
    let attempts: Vec<&str> = shown.lines().filter(|line| line.contains("message=talkover attempt")).collect();
    assert_eq!(attempts.len(), 3, "{shown}");
    assert!(
        attempts.iter().all(|line| line.starts_with("event DEBUG") && line.contains("request_id=\"req-503-7\"")),
        "{shown}"
    );
}

/// A call that fails ends with one DEBUG event saying how, in the call's span, on both clients: a 200 whose
/// body is not the operation's answer shows there alone (its attempt was answered, and is `Done`).
#[test]
fn a_failed_call_ends_with_its_outcome_in_its_span() {
    let garbled = || common::json(200, r#"{"success":true,"data":{"name":"no id"}}"#);
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let shown = common::Capture::traced(|| {
        let blocking = talkover::blocking::Client::builder()
            .token(common::TOKEN)
            .transport(move |_: HttpRequest| Ok(garbled()))
            .build()
            .unwrap();
        assert_eq!(blocking.execute(GetAgent::new("agent-1")).unwrap_err().kind(), talkover::ErrorKind::Decode);
        let asynchronous = talkover::Client::builder()
            .token(common::TOKEN)
            .transport(move |_: HttpRequest| async move { Ok(garbled()) })
            .build()
            .unwrap();
        let error = runtime.block_on(asynchronous.execute(GetAgent::new("agent-1"))).unwrap_err();
        assert_eq!(error.kind(), talkover::ErrorKind::Decode);
    });
    let failed: Vec<&str> = shown.lines().filter(|line| line.contains("talkover call failed")).collect();
    assert_eq!(failed.len(), 2, "one a client: {shown}");
    for line in &failed {
        assert!(
            line.starts_with("event DEBUG") && line.contains("kind=Decode") && line.contains("status=200"),
            "{shown}"
        );
        assert!(line.contains("attempts=1") && !line.contains("no id"), "{shown}");
    }
    // Each inside its call's span: entered before it, left after it.
    let lines: Vec<&str> = shown.lines().collect();
    for (at, _) in lines.iter().enumerate().filter(|(_, line)| line.contains("talkover call failed")) {
        let depth: i32 = lines[..at]
            .iter()
            .map(|line| match *line {
                "enter" => 1,
                "exit" => -1,
                _ => 0,
            })
            .sum();
        assert!(depth > 0, "outside the call's span: {shown}");
    }
}

/// An answer with the request id `id`.
fn with_request_id(mut answer: HttpResponse, id: &str) -> HttpResponse {
    answer.headers_mut().insert("x-request-id", id.parse().unwrap());
    answer
}

/// The lines that record fields on a call's span after it began, in order.
fn recorded(shown: &str) -> Vec<&str> {
    shown.lines().filter(|line| line.starts_with("record talkover ")).map(str::trim_end).collect()
}

/// A call's span ends with how many attempts it sent and its last answer's status and request id, on
/// both clients; an attempt whose answer asked for a wait says how long (a rate limit's `Retry-After`),
/// one retried after the policy's backoff says none.
#[test]
fn a_calls_span_records_its_attempts_and_last_answer_and_each_attempt_the_wait_asked() {
    let deleted = || with_request_id(fixture!("delete-agent/ok-delete.json").response(), "req-2");
    let limited = || {
        let mut answer = common::json(429, r#"{"success":false,"message":"Too Many Attempts."}"#);
        answer.headers_mut().insert("retry-after", "30".parse().unwrap());
        with_request_id(answer, "req-1")
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let shown = common::Capture::traced(|| {
        // Async, rate limited once: the wait is asked for, and not slept here.
        let answers = std::sync::Mutex::new(vec![deleted(), limited()]);
        let asynchronous = talkover::Client::builder()
            .token(common::TOKEN)
            .transport(move |_: HttpRequest| {
                let answer = answers.lock().unwrap().pop().expect("two answers");
                async move { Ok(answer) }
            })
            .sleep(|_| Box::pin(async {}))
            .build()
            .unwrap();
        runtime.block_on(asynchronous.execute(DeleteAgent::new("agent-1"))).unwrap();
        // Blocking, a 503 retried after the backoff.
        let unavailable = with_request_id(common::json(503, r#"{"success":false,"message":"Unavailable"}"#), "req-1");
        let answers = std::sync::Mutex::new(vec![deleted(), unavailable]);
        let blocking = talkover::blocking::Client::builder()
            .token(common::TOKEN)
            .retry_policy(RetryPolicy::default().backoff(Duration::ZERO, Duration::ZERO))
            .transport(move |_: HttpRequest| Ok(answers.lock().unwrap().pop().expect("two answers")))
            .build()
            .unwrap();
        blocking.execute(DeleteAgent::new("agent-1")).unwrap();
    });
    let outcome = ["record talkover attempts=2", "record talkover status=200", "record talkover request_id=\"req-2\""];
    assert_eq!(recorded(&shown), [outcome, outcome].concat(), "{shown}");
    // Each span names its operation as OpenTelemetry's exporters name a span (`otel.name`), a client's.
    let spans: Vec<&str> = shown.lines().filter(|line| line.starts_with("span talkover ")).collect();
    assert_eq!(spans.len(), 2, "{shown}");
    for span in spans {
        assert!(span.contains("otel.name=\"delete-agent\"") && span.contains("otel.kind=\"client\""), "{span}");
    }
    let attempts: Vec<&str> = shown.lines().filter(|line| line.contains("message=talkover attempt")).collect();
    assert_eq!(attempts.len(), 4, "{shown}");
    assert!(attempts[0].contains("status=429") && attempts[0].contains("wait_asked_ms=30000"), "{shown}");
    assert!(attempts[2].contains("status=503") && !attempts[2].contains("wait_asked_ms"), "{shown}");
    assert!(!attempts[1].contains("wait_asked_ms") && !attempts[3].contains("wait_asked_ms"), "{shown}");
}

/// A request refused before it is sent records that none was: `attempts=0`, no status.
#[test]
fn a_request_refused_before_sending_records_no_attempt_on_its_span() {
    let shown = common::Capture::traced(|| {
        let client = talkover::blocking::Client::builder()
            .token(common::TOKEN)
            .transport(|_: HttpRequest| -> Result<HttpResponse, TransportError> { panic!("nothing is sent") })
            .build()
            .unwrap();
        let error = client.execute(DeleteAgent::new("")).unwrap_err();
        assert_eq!(error.kind(), talkover::ErrorKind::InvalidRequest);
    });
    assert_eq!(recorded(&shown), ["record talkover attempts=0"], "{shown}");
}

/// With the SDK's DEBUG spans filtered out, the span a call runs in is the caller's own: its fields of the
/// same names (a handler's `status`) are not the call's to set.
#[test]
fn a_callers_span_keeps_its_fields_when_the_calls_span_is_filtered_out() {
    let shown = common::Capture::traced_up_to(Some(tracing::Level::INFO), || {
        let (_, client) = common::client_answering(vec![fixture!("delete-agent/ok-delete.json").response()]);
        let handler = tracing::info_span!("handler", attempts = tracing::field::Empty, status = tracing::field::Empty);
        let _entered = handler.enter();
        client.execute(DeleteAgent::new("agent-1")).unwrap();
    });
    assert!(shown.contains("span handler") && !shown.contains("span talkover"), "{shown}");
    assert!(!shown.contains("record"), "{shown}");
}
