//! Both clients on closure transports: the exact requests they build and what they make of answers.

use crate::common;

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{config, json, pairs, sent_query, Seen, TOKEN};
use futures_core::Stream;
use talkover::agents::{AgentStatus, Direction, InterruptSensitivity, NewAgent, NewAgentRequired, WhoSpeaksFirst};
use talkover::{Error, ErrorKind, HttpRequest, HttpResponse, TransportError};

/// A blocking transport that records requests and answers with `answer`.
fn recording(
    answer: impl Fn(&HttpRequest) -> HttpResponse + Send + Sync + 'static,
) -> (Seen, impl Fn(HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let transport = move |request: HttpRequest| {
        let response = answer(&request);
        log.lock().unwrap().push(request);
        Ok(response)
    };
    (seen, transport)
}

/// A transport, blocking or async as `respond` is, that counts the requests it is sent.
fn counting<R>(
    respond: impl Fn(HttpRequest) -> R + Send + Sync,
) -> (Arc<AtomicUsize>, impl Fn(HttpRequest) -> R + Send + Sync) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let transport = move |request: HttpRequest| {
        counter.fetch_add(1, Ordering::SeqCst);
        respond(request)
    };
    (calls, transport)
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request.headers().get(name).map(|v| v.to_str().unwrap())
}

const UNPUBLISHED: &str = r#"{"success":true,"message":"Agent unpublished successfully","data":{"id":"550e8400-e29b-41d4-a716-446655440000","name":"SupportBot","current_status":"draft","is_ready_to_publish":false,"updated_at":"2024-01-15T10:55:00Z"}}"#;

#[tokio::test]
async fn async_unpublish_sends_exactly_the_documented_request() {
    let seen = Arc::new(Mutex::new(Vec::<HttpRequest>::new()));
    let log = seen.clone();
    let client = talkover::Client::with_transport(config(), move |request: HttpRequest| {
        log.lock().unwrap().push(request);
        async { Ok(json(200, UNPUBLISHED)) }
    });

    let agent = client.agents().unpublish("550e8400-e29b-41d4-a716-446655440000").await.unwrap();

    assert_eq!(agent.current_status, AgentStatus::Draft);
    let seen = seen.lock().unwrap();
    let request = &seen[0];
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri(), "https://app.talkover.ai/api/v1/agents/550e8400-e29b-41d4-a716-446655440000/unpublish");
    assert_eq!(header(request, "authorization"), Some(&*format!("Bearer {TOKEN}")));
    assert_eq!(header(request, "accept"), Some("application/json"));
    assert_eq!(header(request, "user-agent"), Some(talkover::DEFAULT_USER_AGENT));
    assert!(talkover::DEFAULT_USER_AGENT.starts_with("talkover-rust/"));
    assert_eq!(header(request, "content-type"), None, "no body, no content type");
    assert!(request.body().is_empty());
}

/// `execute`'s future borrows nothing: it is spawned, and runs after the client it came from is gone.
#[tokio::test]
async fn an_executed_operation_can_be_spawned_and_outlive_its_client() {
    let client = talkover::Client::with_transport(config(), |_: HttpRequest| async { Ok(json(200, UNPUBLISHED)) });
    let id = "550e8400-e29b-41d4-a716-446655440000";
    let plain = tokio::spawn(client.execute(talkover::agents::UnpublishAgent::new(id)));
    let with_response = tokio::spawn(client.execute_with_response(talkover::agents::UnpublishAgent::new(id)));
    drop(client);
    assert_eq!(plain.await.unwrap().unwrap().current_status, AgentStatus::Draft);
    assert_eq!(with_response.await.unwrap().unwrap().status, 200);
}

#[test]
fn blocking_delete_action_escapes_each_id_as_one_segment() {
    let (seen, transport) =
        recording(|_| json(200, r#"{"success":true,"message":"Agent action deleted successfully"}"#));
    let client = talkover::blocking::Client::with_transport(config(), transport);

    let ack = client.agents().actions("agent/../1").delete("a b?c#d+%").unwrap();

    assert_eq!(ack.message.as_deref(), Some("Agent action deleted successfully"));
    let request = &seen.lock().unwrap()[0];
    assert_eq!(request.method(), "DELETE");
    assert_eq!(request.uri().path(), "/api/v1/agents/agent%2F..%2F1/actions/a%20b%3Fc%23d%2B%25");
    assert_eq!(request.uri().query(), None);
}

#[test]
fn the_user_agent_names_the_application_before_the_sdk() {
    let (seen, transport) = recording(|_| json(200, UNPUBLISHED));
    let token = TOKEN.to_string();
    let client = talkover::blocking::Client::builder()
        .token(&token)
        .user_agent("billing-svc/2.3")
        .transport(transport)
        .build()
        .unwrap();
    client.agents().unpublish("a").unwrap();
    let expected = format!("billing-svc/2.3 {}", talkover::DEFAULT_USER_AGENT);
    assert_eq!(header(&seen.lock().unwrap()[0], "user-agent"), Some(expected.as_str()));
    let line_break = talkover::blocking::Client::builder().token(TOKEN).user_agent("svc\r\nX-Evil: 1").build();
    assert!(line_break.unwrap_err().to_string().contains("user_agent"));
}

#[test]
fn a_dot_dot_id_cannot_climb_the_path() {
    let (seen, transport) = recording(|_| json(200, UNPUBLISHED));
    let client = talkover::blocking::Client::with_transport(config(), transport);
    client.agents().unpublish("..").unwrap();
    assert_eq!(seen.lock().unwrap()[0].uri().path(), "/api/v1/agents/%2E%2E/unpublish");
}

/// A page of agents with the headers the API sends beside it.
fn listed_with_headers() -> HttpResponse {
    let mut answer =
        json(200, r#"{"success":true,"data":[],"meta":{"current_page":2,"per_page":5,"total":7,"last_page":2}}"#);
    // The window resets 30 s after the answer's `Date` (in 2023: this machine's clock is years past it).
    let headers = [
        ("x-request-id", "req-7"),
        ("x-ratelimit-limit", "100"),
        ("x-ratelimit-remaining", "41"),
        ("x-ratelimit-reset", "1700000030"),
        ("date", "Tue, 14 Nov 2023 22:13:20 GMT"),
    ];
    for (name, value) in headers {
        answer.headers_mut().insert(name, value.parse().unwrap());
    }
    answer
}

#[tokio::test]
async fn a_request_sent_with_its_response_keeps_status_and_headers_on_both_clients() {
    let asynchronous = talkover::Client::with_transport(config(), |_: HttpRequest| async { Ok(listed_with_headers()) });
    let answer = asynchronous.agents().list().page(2).per_page(5).send_with_response().await.unwrap();
    let limit = answer.rate_limit().unwrap();
    assert_eq!((answer.status.as_u16(), answer.request_id().as_deref()), (200, Some("req-7")));
    assert_eq!(answer.until_rate_limit_reset(), Some(Duration::from_secs(30)), "from the answer's Date");
    assert_eq!(
        (limit.limit, limit.remaining, answer.value.pagination.map(|p| p.current_page)),
        (Some(100), Some(41), Some(2))
    );

    let (seen, transport) = recording(|_| listed_with_headers());
    let blocking = talkover::blocking::Client::with_transport(config(), transport);
    let answer = blocking.agents().list().page(2).send_with_response().unwrap();
    assert_eq!((answer.request_id().as_deref(), answer.rate_limit().unwrap().remaining), (Some("req-7"), Some(41)));
    assert_eq!(seen.lock().unwrap()[0].uri().query(), Some("page=2"));
    // Generic code over `Execute` gets the same, for an operation with no query too.
    let got = talkover::Execute::call_with_response(&blocking, talkover::agents::ListAgents::new()).unwrap();
    assert_eq!(got.request_id().as_deref(), Some("req-7"));
}

#[test]
fn list_filters_are_typed_and_form_encoded() {
    let (seen, transport) = recording(|_| {
        json(200, r#"{"success":true,"data":[],"meta":{"current_page":1,"per_page":5,"total":0,"last_page":1}}"#)
    });
    let client = talkover::blocking::Client::with_transport(config(), transport);

    let page = client
        .agents()
        .list()
        .status(AgentStatus::Published)
        .direction(Direction::Inbound)
        .search("+33 support & sales")
        .per_page(5)
        .send()
        .unwrap();

    assert!(page.items.is_empty());
    let request = &seen.lock().unwrap()[0];
    assert_eq!(
        sent_query(request),
        pairs(&[
            ("direction", "inbound"),
            ("per_page", "5"),
            ("search", "+33 support & sales"),
            ("status", "published")
        ])
    );
    assert!(request.uri().query().unwrap().contains("search=%2B33%20support%20%26%20sales"));
}

/// An agent with every field create-agent requires and none of the optional ones.
fn support_agent() -> NewAgent {
    NewAgent::new(NewAgentRequired {
        label: "Support".into(),
        name: "SupportBot".into(),
        language: talkover::language::Language::EnUs,
        direction: Direction::Inbound,
        who_speaks_first: WhoSpeaksFirst::Agent,
        interrupt_sensitivity: InterruptSensitivity::Medium,
        endpointing_sensitivity: "auto".into(),
        ivr_navigation_mode: "off".into(),
        conversation_speed: 1.0,
        initial_message_delay: 0,
        ask_if_human_present_on_idle: false,
        idle_time_seconds: 5,
        llm_temperature: 0.7,
        enable_recording: true,
    })
}

#[test]
fn create_sends_json_and_leaves_unset_fields_out() {
    let (seen, transport) = recording(|_| {
        json(201, r#"{"success":true,"message":"Agent created successfully","data":{"id":"a1","name":"SupportBot"}}"#)
    });
    let client = talkover::blocking::Client::with_transport(config(), transport);
    let body = support_agent();

    let agent = client.agents().create(body).unwrap();

    assert_eq!(agent.id.as_str(), "a1");
    let request = &seen.lock().unwrap()[0];
    assert_eq!(header(request, "content-type"), Some("application/json"));
    let sent: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    let object = sent.as_object().unwrap();
    assert_eq!(object.len(), 14, "only the fields that were set: {sent}");
    assert!(!object.contains_key("description"));
    assert_eq!(sent["who_speaks_first"], "agent");
}

#[test]
fn invalid_input_is_refused_before_anything_is_sent() {
    let (calls, transport) = counting(|_: HttpRequest| Ok(json(200, UNPUBLISHED)));
    let client = talkover::blocking::Client::with_transport(config(), transport);

    let empty = client.agents().unpublish("").unwrap_err();
    assert_eq!(empty.kind(), ErrorKind::InvalidRequest);
    assert!(empty.to_string().contains("agent_id"), "{empty}");

    // Every problem of the request is reported at once, each with its field.
    let mut body = support_agent().max_call_duration_seconds(0);
    body.name = String::new();
    body.llm_temperature = 2.5;
    let Error::InvalidRequest(several) = client.agents().create(body).unwrap_err() else { panic!("not refused") };
    assert_eq!(several.operation, "create-agent");
    let fields: Vec<&str> = several.problems().iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["name", "max_call_duration_seconds", "llm_temperature"]);
    assert_eq!(several.problems()[2].message, "must be between 0 and 2, got 2.5");
    let text = several.to_string();
    assert!(
        text.contains("`name`") && text.contains("`max_call_duration_seconds`") && text.contains("`llm_temperature`"),
        "{text}"
    );

    let too_many = client.agents().list().per_page(1000).send().unwrap_err();
    assert!(too_many.to_string().contains("per_page"), "{too_many}");

    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn error_answers_keep_status_kind_and_request_id() {
    let answers = [
        (404, "application/json", r#"{"success":false,"message":"Action not found"}"#),
        (502, "text/html", "<html><body>Bad Gateway</body></html>"),
        (200, "application/json", r#"{"success":false,"message":"Test failed"}"#),
        (200, "application/json", r#"{"success":true,"message":"ok","data":{"id": 5}}"#),
        (200, "application/json", "{\"success\":true,\"data\":"),
    ];
    let expected = [
        (ErrorKind::NotFound, Some("Action not found")),
        (ErrorKind::Server, None),
        (ErrorKind::Unsuccessful, Some("Test failed")),
        (ErrorKind::Decode, None),
        (ErrorKind::Decode, None),
    ];
    for ((status, content_type, body), (kind, message)) in answers.into_iter().zip(expected) {
        let client = talkover::blocking::Client::with_transport(config(), move |_: HttpRequest| {
            Ok(http::Response::builder()
                .status(status)
                .header("content-type", content_type)
                .header("x-request-id", "req-42")
                .body(body.as_bytes().to_vec())
                .unwrap())
        });
        let error = client.with_retry_policy(talkover::RetryPolicy::none()).agents().get("a1").unwrap_err();
        assert_eq!(error.kind(), kind, "{status} {body}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.message(), message);
        assert_eq!(error.request_id(), Some("req-42"));
        assert!(!format!("{error:?}").contains(TOKEN));
    }
}

#[test]
fn a_transport_failure_is_a_transport_error() {
    let (calls, transport) = counting(|_: HttpRequest| {
        Err(TransportError::new(talkover::TransportErrorKind::Connect, "connection refused"))
    });
    let client = talkover::blocking::Client::with_transport(config(), transport).with_retry_policy(
        talkover::RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)),
    );
    let error = client.agents().get("a1").unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 3, "the first attempt and two retries");
    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
}

fn page_answer(request: &HttpRequest) -> HttpResponse {
    let page: u64 = talkover::encode::parse_query(request.uri().query().unwrap_or(""))
        .into_iter()
        .find(|(k, _)| k == "page")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(1);
    let items: Vec<String> =
        (0..2).map(|i| format!(r#"{{"id":"agent-{}","name":"Agent {}"}}"#, page * 10 + i, page * 10 + i)).collect();
    json(
        200,
        &format!(
            r#"{{"success":true,"data":[{}],"meta":{{"current_page":{page},"per_page":2,"total":6,"last_page":3}}}}"#,
            items.join(",")
        ),
    )
}

#[test]
fn blocking_items_fetch_every_page_lazily() {
    let (seen, transport) = recording(page_answer);
    let client = talkover::blocking::Client::with_transport(config(), transport);

    let mut items = client.agents().list().per_page(2).items();
    let first = items.next().unwrap().unwrap();
    assert_eq!(first.id.as_str(), "agent-10");
    assert_eq!(seen.lock().unwrap().len(), 1, "only the first page is fetched so far");

    let rest: Vec<String> = items.map(|a| a.unwrap().id.into_string()).collect();
    assert_eq!(rest, ["agent-11", "agent-20", "agent-21", "agent-30", "agent-31"]);
    assert_eq!(seen.lock().unwrap().len(), 3);
}

/// An error says whether its operation may be sent again as it is, on both clients: a read may, placing a
/// call may not, whatever failed.
#[tokio::test]
async fn an_error_says_whether_its_operation_is_safe_to_repeat() {
    use talkover::calls::{MakeCall, NewCall};
    let failing = |_: &HttpRequest| json(500, r#"{"success":false,"message":"Upstream failed"}"#);
    let (_, transport) = recording(failing);
    let client =
        talkover::blocking::Client::builder().token(TOKEN).max_retries(0).transport(transport).build().unwrap();
    let read = client.agents().get("a1").unwrap_err();
    let call = client.execute(MakeCall::new("a1", NewCall::new("+15550101234"))).unwrap_err();
    assert_eq!((read.safe_to_repeat(), call.safe_to_repeat()), (Some(true), Some(false)));
    assert!(call.may_have_taken_effect());
    // Why neither was sent again: the read had no retries left, the call was not safe to send again.
    use talkover::retry::StopReason;
    assert_eq!(
        (read.stop_reason(), call.stop_reason()),
        (Some(StopReason::OutOfAttempts), Some(StopReason::NotSafeToRepeat))
    );

    let client = talkover::Client::builder()
        .token(TOKEN)
        .max_retries(0)
        .transport(move |request: HttpRequest| {
            let response = failing(&request);
            async move { Ok(response) }
        })
        .build()
        .unwrap();
    assert_eq!(client.agents().get("a1").await.unwrap_err().safe_to_repeat(), Some(true));
    let call = client.execute(MakeCall::new("a1", NewCall::new("+15550101234"))).await.unwrap_err();
    assert_eq!(call.safe_to_repeat(), Some(false));
    assert_eq!(call.stop_reason(), Some(StopReason::NotSafeToRepeat));
    // A request refused before sending was not sent: there is nothing to repeat.
    let refused =
        client.execute(MakeCall::new("a1", NewCall::new("+15550101234").delay_seconds(3601))).await.unwrap_err();
    assert_eq!((refused.kind(), refused.safe_to_repeat()), (ErrorKind::InvalidRequest, None));
}

/// A server that ignores `page` (page 1 every time): the list ends with a decoding error after the first
/// page, its items given once, on both clients.
#[tokio::test]
async fn items_end_with_an_error_when_the_server_ignores_page() {
    let ignoring = |_: &HttpRequest| {
        json(
            200,
            r#"{"success":true,"data":[{"id":"agent-1","name":"A"}],"meta":{"current_page":1,"per_page":1,"total":3,"last_page":3}}"#,
        )
    };
    let (seen, transport) = recording(ignoring);
    let client = talkover::blocking::Client::with_transport(config(), transport);
    let items: Vec<_> = client.agents().list().per_page(1).items().collect();
    assert_eq!(items.len(), 2, "one item, then the error");
    assert_eq!(items[0].as_ref().unwrap().id.as_str(), "agent-1");
    let error = items[1].as_ref().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
    assert!(error.to_string().contains("page 1 came back where page 2 was asked for"), "{error}");
    assert_eq!(seen.lock().unwrap().len(), 2);

    let client = talkover::Client::with_transport(config(), move |request: HttpRequest| {
        let response = ignoring(&request);
        async move { Ok(response) }
    });
    let mut stream = client.agents().list().per_page(1).items();
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), "agent-1");
    assert_eq!(stream.next().await.unwrap().unwrap_err().kind(), ErrorKind::Decode);
    assert!(stream.next().await.is_none());
}

/// A server of 45 agents whose pages carry no page block (or one the SDK cannot read: `page` where
/// `current_page` belongs): every agent is given, on both clients, a page at a time.
#[tokio::test]
async fn items_follow_full_pages_that_have_no_readable_block() {
    let agents = |request: &HttpRequest, block: &str| {
        let query = talkover::encode::parse_query(request.uri().query().unwrap_or(""));
        let number = |name: &str| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.parse::<usize>().unwrap());
        let (page, per_page) = (number("page").unwrap_or(1), number("per_page").unwrap_or(20));
        let items: Vec<String> = ((page - 1) * per_page..(page * per_page).min(45))
            .map(|i| format!(r#"{{"id":"agent-{i}","name":"Agent {i}"}}"#))
            .collect();
        json(200, &format!(r#"{{"success":true,"data":[{}]{block}}}"#, items.join(",")))
    };
    for block in ["", r#","meta":{"page":1,"per_page":20}"#] {
        let (seen, transport) = recording(move |request| agents(request, block));
        let client = talkover::blocking::Client::with_transport(config(), transport);
        let ids: Vec<String> = client.agents().list().items().map(|agent| agent.unwrap().id.to_string()).collect();
        assert_eq!(ids.len(), 45, "{block}: {ids:?}");
        assert_eq!((ids[0].as_str(), ids[44].as_str()), ("agent-0", "agent-44"));
        assert_eq!(seen.lock().unwrap().len(), 3, "pages of 20, 20 and 5");

        let client = talkover::Client::with_transport(config(), move |request: HttpRequest| {
            let response = agents(&request, block);
            async move { Ok(response) }
        });
        let all = client.agents().list().per_page(10).items().try_collect().await.unwrap();
        assert_eq!(all.len(), 45, "{block}");
    }
}

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

#[tokio::test]
async fn async_items_stream_every_page() {
    let (calls, transport) = counting(|request: HttpRequest| {
        let response = page_answer(&request);
        async move { Ok(response) }
    });
    let client = talkover::Client::with_transport(config(), transport);

    let mut stream = client.agents().list().per_page(2).items();
    let mut ids = Vec::new();
    while let Some(agent) = next(&mut stream).await {
        ids.push(agent.unwrap().id.into_string());
    }
    assert_eq!(ids, ["agent-10", "agent-11", "agent-20", "agent-21", "agent-30", "agent-31"]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_list_is_awaited_as_it_is_and_its_page_read_by_reference() -> talkover::Result<()> {
    let client = talkover::Client::with_transport(config(), |request: HttpRequest| {
        let response = page_answer(&request);
        async move { Ok(response) }
    });
    // Awaiting the request sends it, as `.send().await` does.
    let page = client.agents().list().per_page(2).await?;
    assert_eq!((page.len(), page.is_empty()), (2, false));
    let ids: Vec<&str> = (&page).into_iter().map(|agent| agent.id.as_str()).collect();
    assert_eq!(ids, ["agent-10", "agent-11"]);
    assert!(page.iter().any(|agent| agent.id == "agent-11"), "an id compares with its text");
    let stream = client.agents().list().items();
    assert_eq!(format!("{stream:?}"), "ItemStream { operation: \"list-agents\", .. }");
    Ok(())
}

#[tokio::test]
async fn async_items_need_nothing_but_the_sdk() {
    let client = talkover::Client::with_transport(config(), |request: HttpRequest| {
        let response = page_answer(&request);
        async move { Ok(response) }
    });
    // `next()` and `try_collect()` are the stream's own methods: no combinator trait is in scope here.
    let mut stream = client.agents().list().per_page(2).items();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.into_string(), "agent-10");
    let rest = stream.try_collect().await.unwrap();
    let ids: Vec<String> = rest.into_iter().map(|agent| agent.id.into_string()).collect();
    assert_eq!(ids, ["agent-11", "agent-20", "agent-21", "agent-30", "agent-31"]);

    let failing = talkover::Client::with_transport(config(), |_: HttpRequest| async { Ok(json(404, "{}")) });
    let error = failing.agents().list().items().try_collect().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    // The stream keeps the request that failed, to go on from (here the first page's, as it was asked).
    let mut stream = failing.agents().list().per_page(2).items();
    assert!(stream.next().await.unwrap().is_err());
    assert!(stream.next().await.is_none(), "the error ends the list");
    let failed = stream.failed_operation().expect("the request that failed");
    assert_eq!((failed.query.page, failed.query.per_page), (None, Some(2)));
}

#[test]
fn pagination_stops_on_an_error_and_on_an_empty_page() {
    let (calls, transport) = counting(|_: HttpRequest| {
        // A server that claims more pages but sends none: one request, and an error that says so.
        Ok(json(200, r#"{"success":true,"data":[],"meta":{"current_page":1,"per_page":2,"total":99,"last_page":50}}"#))
    });
    let client = talkover::blocking::Client::with_transport(config(), transport);
    let results: Vec<_> = client.agents().list().items().collect();
    assert_eq!(results.len(), 1);
    let error = results.into_iter().next().unwrap().unwrap_err();
    assert!(error.to_string().contains("page 1 came back empty, though its block counts 50 pages"), "{error}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    let client = talkover::blocking::Client::with_transport(config(), |_: HttpRequest| Ok(json(500, "{}")))
        .with_retry_policy(talkover::RetryPolicy::none());
    let results: Vec<_> = client.agents().list().items().collect();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap_err().kind(), ErrorKind::Server);
}

/// A list cut short by a failed page goes on from that page later, the items already read kept.
#[test]
fn a_list_cut_short_by_an_error_goes_on_from_the_page_that_failed() {
    use talkover::execute::Execute as _;
    let failures = Arc::new(AtomicUsize::new(0));
    let failed = Arc::clone(&failures);
    // Page 2 fails the first time it is asked for.
    let transport = move |request: HttpRequest| {
        let query = talkover::encode::parse_query(request.uri().query().unwrap_or(""));
        let page_two = query.iter().any(|(name, value)| name == "page" && value == "2");
        if page_two && failed.fetch_add(1, Ordering::SeqCst) == 0 {
            return Ok(json(503, "{}"));
        }
        Ok(page_answer(&request))
    };
    let client = talkover::blocking::Client::with_transport(config(), transport)
        .with_retry_policy(talkover::RetryPolicy::none());
    let mut items = client.agents().list().per_page(2).items();
    assert!(items.failed_operation().is_none());
    let read: Vec<_> = items.by_ref().collect();
    assert_eq!(read.len(), 3, "two items, then the error: {read:?}");
    assert_eq!(read[2].as_ref().unwrap_err().kind(), ErrorKind::Server);
    let resume = items.failed_operation().expect("the page that failed").clone();
    assert_eq!(resume.query.page, Some(2));
    let rest: Vec<String> = client.items(resume).map(|item| item.unwrap().id.into_string()).collect();
    assert_eq!(rest, ["agent-20", "agent-21", "agent-30", "agent-31"]);
}

#[test]
fn clients_and_builders_never_print_the_token() {
    let client = talkover::blocking::Client::with_transport(config(), |_: HttpRequest| Ok(json(200, "{}")));
    assert!(!format!("{client:?}").contains(TOKEN));
    let builder = talkover::Client::builder().token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
}

/// What bounds an exchange is readable on the client, whichever setting gave it.
#[cfg(all(ureq_transport, reqwest_transport))]
#[test]
fn a_client_says_the_timeout_its_exchanges_have() {
    use std::time::Duration;
    let blocking = talkover::blocking::Client::builder().token(TOKEN).timeout(Duration::from_secs(7)).build().unwrap();
    assert_eq!(blocking.timeout(), Some(Duration::from_secs(7)));
    assert!(format!("{blocking:?}").contains("timeout: Some(7s)"), "{blocking:?}");
    assert_eq!(blocking.with_timeout(Duration::from_secs(2)).timeout(), Some(Duration::from_secs(2)));
    let asynchronous = talkover::Client::builder().token(TOKEN).build().unwrap();
    assert_eq!(asynchronous.timeout(), Some(Duration::from_secs(60)), "the default");
    let given = talkover::blocking::Client::with_transport(config(), |_: HttpRequest| Ok(json(200, "{}")));
    assert_eq!(given.timeout(), None, "a transport given whole keeps its own");
    assert_eq!(given.with_timeout(Duration::from_secs(3)).timeout(), Some(Duration::from_secs(3)));
}

#[test]
fn builders_check_their_settings() {
    // A setting to fix, told apart from a request the SDK refused (`Error::Config`, kind `config`).
    let err = talkover::blocking::Client::builder().build().unwrap_err();
    assert!(err.to_string().contains("token"), "{err}");
    assert_eq!(err.kind(), ErrorKind::Config);
    let err = talkover::Client::builder().token(TOKEN).base_url("http://api.example.com/api/v1").build().unwrap_err();
    match &err {
        Error::Config(config) => assert_eq!(config.setting(), "base_url", "{err}"),
        other => panic!("not a settings error: {other}"),
    }
    assert_eq!((err.attempts(), err.field_errors()[0].field.as_str()), (0, "base_url"));
    let built = talkover::blocking::Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:9/api/v1")
        .transport(|_: HttpRequest| Ok(json(200, "{}")))
        .build();
    assert!(built.is_ok());
    // Settings no call could succeed with are refused when the client is built, on both clients.
    let zero = std::time::Duration::ZERO;
    let setting = |err: Error| match err {
        Error::Config(config) => config.setting().to_owned(),
        other => panic!("not a settings error: {other}"),
    };
    let blocking = || talkover::blocking::Client::builder().token(TOKEN);
    assert_eq!(setting(blocking().timeout(zero).build().unwrap_err()), "timeout");
    assert_eq!(setting(blocking().connect_timeout(zero).build().unwrap_err()), "connect_timeout");
    assert_eq!(setting(blocking().max_response_bytes(0).build().unwrap_err()), "max_response_bytes");
    let asynchronous = || talkover::Client::builder().token(TOKEN);
    assert_eq!(setting(asynchronous().timeout(zero).build().unwrap_err()), "timeout");
    assert_eq!(setting(asynchronous().max_response_bytes(0).build().unwrap_err()), "max_response_bytes");
    // A header of one's own that the SDK or the connection writes, or that no header can be, is refused
    // naming `header`, its value never in the message.
    for (name, value) in
        [("Authorization", "Basic c2VjcmV0X3ZhbHVl"), ("user-agent", "me"), ("content-length", "0"), ("host", "x")]
            .into_iter()
            .chain([("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0"), ("accept-encoding", "gzip"), ("TE", "trailers")])
            .chain([("x-http-method-override", "DELETE"), ("range", "bytes=0-10")])
            .chain([("bad name", "value"), ("x-ok", "line\nbreak_secret_value"), ("", "v")])
            .chain([("x-key", "clé_secrète_0123456789"), ("Authorization: Bearer talq_pasted_line_0123456789", "")])
    {
        let err = blocking().header(name, value).build().unwrap_err();
        assert!(value.len() < 3 || !err.to_string().contains(value), "{err}");
        assert!(!err.to_string().contains("talq_pasted"), "a header line given as the name is not quoted: {err}");
        assert_eq!(setting(err), "header", "{name:?}");
        let derived = talkover::Client::with_transport(config(), |_| async { Ok(json(200, "{}")) });
        assert_eq!(setting(derived.with_header(name, value).unwrap_err()), "header", "{name:?}");
    }
}

#[cfg(ureq_transport)]
#[test]
fn the_blocking_client_has_a_built_in_transport_with_ureq() {
    assert!(talkover::blocking::Client::new(TOKEN).is_ok());
}

/// Without ureq, `blocking::Client::new` and `from_env` are deprecated (a warning of what fails when run);
/// the builder, which also takes a transport of one's own, says what is missing.
#[cfg(not(ureq_transport))]
#[test]
fn without_ureq_the_blocking_client_asks_for_a_transport() {
    let err = talkover::blocking::Client::builder().token(TOKEN).build().unwrap_err();
    assert!(err.to_string().contains("transport"), "{err}");
}

#[cfg(reqwest_transport)]
#[test]
fn the_async_client_has_a_built_in_transport_with_reqwest() {
    assert!(talkover::Client::new(TOKEN).is_ok());
}

/// Without reqwest, `Client::new` and `from_env` are deprecated; the builder says what is missing.
#[cfg(not(reqwest_transport))]
#[test]
fn without_reqwest_the_async_client_asks_for_a_transport() {
    let err = talkover::Client::builder().token(TOKEN).build().unwrap_err();
    assert!(err.to_string().contains("transport"), "{err}");
}

/// delete-agent's documented refusal of a published agent (its page's error table: 409 `AGENT_IS_PUBLISHED`).
const AGENT_IS_PUBLISHED: &str =
    r#"{"success":false,"message":"Published agents must be unpublished first.","code":"AGENT_IS_PUBLISHED"}"#;

#[test]
fn a_documented_conflict_is_sent_exactly_once() {
    let quick = talkover::RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2));
    let mut listing_409 = quick.clone();
    listing_409.retry_statuses.push(409);
    for policy in [quick, listing_409] {
        let (seen, transport) = recording(|_| json(409, AGENT_IS_PUBLISHED));
        let client = talkover::blocking::Client::with_transport(config(), transport).with_retry_policy(policy);
        let error = client.agents().delete("550e8400-e29b-41d4-a716-446655440000").unwrap_err();
        assert_eq!(seen.lock().unwrap().len(), 1, "sent once, never retried");
        assert_eq!(error.kind(), ErrorKind::Conflict);
        assert_eq!(error.error_code(), Some(talkover::ErrorCode::AgentIsPublished));
    }
    // The page's own 409 example carries no code: 409 is not among the statuses retried by default.
    let (seen, transport) =
        recording(|_| json(409, r#"{"success":false,"message":"Cannot delete agent while it has active calls."}"#));
    let client = talkover::blocking::Client::with_transport(config(), transport);
    assert_eq!(client.agents().delete("a1").unwrap_err().kind(), ErrorKind::Conflict);
    assert_eq!(seen.lock().unwrap().len(), 1, "sent once, never retried");
}

#[tokio::test]
async fn a_documented_conflict_is_sent_exactly_once_by_the_async_client() {
    let (calls, transport) = counting(|_: HttpRequest| async { Ok(json(409, AGENT_IS_PUBLISHED)) });
    let client = talkover::Client::with_transport(config(), transport);
    let error = client.agents().delete("550e8400-e29b-41d4-a716-446655440000").await.unwrap_err();
    assert_eq!(calls.load(Ordering::SeqCst), 1, "sent once, never retried");
    assert_eq!(error.code(), Some("AGENT_IS_PUBLISHED"));
}

const AGENT_NOT_FOUND: &str = r#"{"success":false,"message":"Agent not found","code":"AGENT_NOT_FOUND"}"#;

/// A transport whose first answer is lost (a timeout: the request may have been carried out) and whose
/// next ones are 404s, as for a DELETE that an attempt whose answer was lost carried out.
fn lost_then_not_found(calls: &AtomicUsize) -> Result<HttpResponse, TransportError> {
    match calls.fetch_add(1, Ordering::SeqCst) {
        0 => Err(TransportError::new(talkover::TransportErrorKind::Timeout, "no answer in time")),
        _ => Ok(json(404, AGENT_NOT_FOUND)),
    }
}

#[test]
fn an_error_says_how_many_attempts_were_sent() {
    let quick = talkover::RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2));
    let calls = Arc::new(AtomicUsize::new(0));
    let count = calls.clone();
    let client = talkover::blocking::Client::with_transport(config(), move |_| lost_then_not_found(&count))
        .with_retry_policy(quick.clone());
    let error = client.agents().delete("550e8400-e29b-41d4-a716-446655440000").unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::NotFound, 2));
    assert_eq!(error.as_api().map(talkover::ApiError::attempts), Some(2));
    // The first attempt, whose answer was lost, may have deleted it: the 404 may follow from that.
    assert!(error.earlier_attempt_may_have_taken_effect() && !error.may_have_taken_effect(), "{error}");
    assert!(error.to_string().ends_with("(after 2 attempts; an earlier one may have been carried out)"), "{error}");

    // A read has nothing to carry out: its retries say only how many they were.
    calls.store(0, Ordering::SeqCst);
    let count = calls.clone();
    let client = talkover::blocking::Client::with_transport(config(), move |_| lost_then_not_found(&count))
        .with_retry_policy(quick.clone());
    let error = client.agents().get("550e8400-e29b-41d4-a716-446655440000").unwrap_err();
    assert_eq!(error.attempts(), 2);
    assert!(!error.earlier_attempt_may_have_taken_effect(), "{error}");
    assert!(error.to_string().ends_with("(after 2 attempts)"), "{error}");

    // Answered at once: one attempt, and Display says nothing of it.
    let client = talkover::blocking::Client::with_transport(config(), |_| Ok(json(404, AGENT_NOT_FOUND)));
    let error = client.agents().get("550e8400-e29b-41d4-a716-446655440000").unwrap_err();
    assert_eq!(error.attempts(), 1);
    assert!(!error.to_string().contains("attempts"), "{error}");

    // A transport failure after every retry allowed counts them all.
    let client = talkover::blocking::Client::with_transport(config(), |_| {
        Err(TransportError::new(talkover::TransportErrorKind::Io, "reset"))
    })
    .with_retry_policy(quick.max_retries(2));
    let error = client.agents().get("550e8400-e29b-41d4-a716-446655440000").unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::Transport, 3));
    assert!(error.to_string().ends_with("(after 3 attempts)"), "{error}");

    // Refused before sending: nothing was sent.
    let error = client.agents().get("").unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::InvalidRequest, 0));
}

/// One policy given to the builders of many clients (a client an account): with the default budget, each
/// client built draws on a budget of its own, so one account's outage leaves the others their retries; a
/// client's clones and the clients derived from it share its budget. A budget given to the policy is shared
/// by every client given it, as given.
#[test]
fn clients_built_with_one_policy_have_a_retry_budget_each_unless_one_is_given() {
    use talkover::retry::{RetryBudget, StopReason};
    let policy = talkover::RetryPolicy::default().backoff(Duration::ZERO, Duration::ZERO);
    let unavailable = || json(503, r#"{"success":false,"message":"Service unavailable"}"#);
    let build = |policy: &talkover::RetryPolicy, transport: Box<dyn Fn() -> HttpResponse + Send + Sync>| {
        talkover::blocking::Client::builder()
            .token(TOKEN)
            .retry_policy(policy.clone())
            .transport(move |_: HttpRequest| Ok(transport()))
            .build()
            .unwrap()
    };
    // An outage: calls are retried until the budget (500 tokens, 5 a retry) is spent.
    let failing = build(&policy, Box::new(unavailable));
    let spent = (0..100).position(|_| {
        let error = failing.agents().delete("agent-1").unwrap_err();
        error.stop_reason() == Some(StopReason::BudgetExhausted)
    });
    assert_eq!(spent, Some(50), "two retries a call, a hundred in all");
    let again = failing.clone().agents().delete("agent-1").unwrap_err();
    assert_eq!((again.attempts(), again.stop_reason()), (1, Some(StopReason::BudgetExhausted)), "a clone shares it");
    let derived = failing.with_timeout(Duration::from_secs(5)).agents().delete("agent-1").unwrap_err();
    assert_eq!(
        (derived.attempts(), derived.stop_reason()),
        (1, Some(StopReason::BudgetExhausted)),
        "so does a derived client"
    );

    // Another client of the same policy: its transient failure is retried.
    let calls = AtomicUsize::new(0);
    let other = build(
        &policy,
        Box::new(move || match calls.fetch_add(1, Ordering::SeqCst) {
            0 => unavailable(),
            _ => fixture!("delete-agent/ok-delete.json").response(),
        }),
    );
    other.agents().delete("agent-1").unwrap();

    // A budget given (one retry) is the one budget of every client given it.
    let budget = RetryBudget::new(5);
    let pooled = policy.clone().budget(Some(budget.clone()));
    let (first, second) = (build(&pooled, Box::new(unavailable)), build(&pooled, Box::new(unavailable)));
    assert_eq!(first.agents().delete("agent-1").unwrap_err().attempts(), 2);
    let refused = second.agents().delete("agent-1").unwrap_err();
    assert_eq!((refused.attempts(), refused.stop_reason()), (1, Some(StopReason::BudgetExhausted)));
    assert_eq!(budget.available(), 0);
}

/// A service holding many accounts derives a client an account from one client: each request carries its
/// account's token (and base URL), all through the one transport, each client with a budget of its own.
#[test]
fn a_client_of_another_account_shares_the_transport_and_not_the_budget() {
    use talkover::retry::RetryBudget;
    let (seen, transport) = recording(|request| match request.uri().host() {
        Some("sandbox.example.com") => fixture!("delete-agent/ok-delete.json").response(),
        _ => json(503, r#"{"success":false,"message":"Service unavailable"}"#),
    });
    let client = talkover::blocking::Client::builder()
        .token(TOKEN)
        .user_agent("agency/2.0")
        .retry_policy(talkover::RetryPolicy::default().backoff(Duration::ZERO, Duration::ZERO))
        .transport(transport)
        .build()
        .unwrap();
    let second = client.with_token("talq_second_account_token").unwrap();
    let sandbox = talkover::BaseUrl::parse("https://sandbox.example.com").unwrap();
    let third = client
        .with_config(client.config().clone().with_token("talq_third_account_token").unwrap().with_base_url(sandbox));
    assert_eq!(client.agents().delete("agent-1").unwrap_err().attempts(), 3);
    assert_eq!(second.agents().delete("agent-1").unwrap_err().attempts(), 3);
    third.agents().delete("agent-1").unwrap();

    // A budget each; one given to be shared stays shared.
    let budget = |client: &talkover::blocking::Client| client.retry_policy().shared_budget().unwrap().clone();
    assert!(!budget(&client).is_shared_with(&budget(&second)) && !budget(&second).is_shared_with(&budget(&third)));
    assert!(budget(&client).is_shared_with(&budget(&client.with_timeout(Duration::from_secs(1)))));
    let given = talkover::blocking::Client::builder()
        .token(TOKEN)
        .retry_policy(talkover::RetryPolicy::default().budget(Some(RetryBudget::new(50))))
        .transport(|_: HttpRequest| Ok(json(200, "{}")))
        .build()
        .unwrap();
    assert!(budget(&given).is_shared_with(&budget(&given.with_token("talq_fourth_account_token").unwrap())));

    // A client without a budget, given a policy with the default one: its own, not the policy value's.
    let unbudgeted = talkover::blocking::Client::builder()
        .token(TOKEN)
        .retry_policy(talkover::RetryPolicy::default().budget(None))
        .transport(|_: HttpRequest| Ok(json(200, "{}")))
        .build()
        .unwrap();
    let template = talkover::RetryPolicy::default();
    let (one, two) = (unbudgeted.with_retry_policy(template.clone()), unbudgeted.with_retry_policy(template.clone()));
    assert!(!budget(&one).is_shared_with(&budget(&two)));
    assert!(!budget(&one).is_shared_with(template.shared_budget().unwrap()));

    let seen = seen.lock().unwrap();
    let sent: Vec<(Option<&str>, Option<&str>, Option<&str>)> = seen
        .iter()
        .map(|request| (request.uri().host(), header(request, "authorization"), header(request, "user-agent")))
        .collect();
    let agent = Some(format!("agency/2.0 {}", talkover::config::DEFAULT_USER_AGENT));
    let (first, second) = (Some("Bearer talq_test_token_0123456789"), Some("Bearer talq_second_account_token"));
    let api = Some("app.talkover.ai");
    assert_eq!(
        sent,
        [
            (api, first, agent.as_deref()),
            (api, first, agent.as_deref()),
            (api, first, agent.as_deref()),
            (api, second, agent.as_deref()),
            (api, second, agent.as_deref()),
            (api, second, agent.as_deref()),
            (Some("sandbox.example.com"), Some("Bearer talq_third_account_token"), agent.as_deref()),
        ]
    );
}

/// A token another account's client is given is checked as a new client's is, and never shown.
#[test]
fn a_client_of_another_account_refuses_a_malformed_token() {
    let client = talkover::blocking::Client::with_transport(config(), |_| Ok(json(200, "{}")));
    for token in ["", "Bearer talq_pasted_with_its_prefix", "talq_with a space"] {
        let error = client.with_token(token).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{token:?}");
        assert!(token.is_empty() || !format!("{error} {error:?}").contains(token), "{error}");
        assert!(error.to_string().contains("token"), "{error}");
    }
}

#[test]
fn max_elapsed_bounds_the_waits_between_attempts() {
    let calls = Arc::new(AtomicUsize::new(0));
    let count = calls.clone();
    let limited = move |_: HttpRequest| {
        count.fetch_add(1, Ordering::SeqCst);
        let mut answer = json(429, r#"{"success":false,"message":"Too many requests"}"#);
        answer.headers_mut().insert("retry-after", "30".parse().unwrap());
        Ok(answer)
    };
    // A 30-second wait does not fit in a 1-second call: the 429 stands at once.
    let client = talkover::blocking::Client::with_transport(config(), limited)
        .with_retry_policy(talkover::RetryPolicy::default().max_elapsed(Duration::from_secs(1)));
    let error = client.agents().get("550e8400-e29b-41d4-a716-446655440000").unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::RateLimited, 1));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Short backoffs that fit are made as before.
    let quick = talkover::RetryPolicy::default()
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .max_elapsed(Duration::from_secs(30));
    let client = talkover::blocking::Client::with_transport(config(), |_| Ok(json(503, "{}"))).with_retry_policy(quick);
    let error = client.agents().get("550e8400-e29b-41d4-a716-446655440000").unwrap_err();
    assert_eq!(error.attempts(), 3);
}

/// The async client waits between attempts on tokio, which comes with its reqwest feature.
#[tokio::test]
#[cfg(reqwest_transport)]
async fn the_async_client_says_how_many_attempts_were_sent() {
    let quick = talkover::RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2));
    let calls = Arc::new(AtomicUsize::new(0));
    let count = calls.clone();
    let client = talkover::Client::with_transport(config(), move |_: HttpRequest| {
        let answer = lost_then_not_found(&count);
        async move { answer }
    })
    .with_retry_policy(quick);
    let error = client.agents().delete("550e8400-e29b-41d4-a716-446655440000").await.unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::NotFound, 2));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
#[cfg(feature = "registry")]
fn a_registry_operation_runs_through_the_blocking_retry_loop() {
    use talkover::registry::{self, Params};
    use talkover::RetryPolicy;

    // A safe operation is tried again after a 503; the value is the body as the server wrote it.
    let calls = Arc::new(AtomicUsize::new(0));
    let count = calls.clone();
    let (seen, transport) = recording(move |_| match count.fetch_add(1, Ordering::SeqCst) {
        0 => json(503, r#"{"success":false,"message":"busy"}"#),
        _ => json(200, UNPUBLISHED),
    });
    let client = talkover::blocking::Client::with_transport(config(), transport)
        .with_retry_policy(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1)));
    let op = registry::operation("unpublish-agent").unwrap();
    let mut params = Params::default();
    params.path.insert("agent_id".into(), "550e8400-e29b-41d4-a716-446655440000".into());
    let answer = client.execute_registered(op, &params).unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.value["data"]["current_status"], "draft");
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_eq!(seen.lock().unwrap()[1].uri().path(), "/api/v1/agents/550e8400-e29b-41d4-a716-446655440000/unpublish");

    // An operation that is not safe to repeat is not tried again after a 500, and the error is the API's.
    let (seen, transport) = recording(|_| json(500, r#"{"success":false,"message":"Internal server error."}"#));
    let client = talkover::blocking::Client::with_transport(config(), transport);
    let op = registry::operation("make-campaign-call").unwrap();
    let mut params = Params::default();
    params.path.insert("campaign_id".into(), "campaign-uuid-1".into());
    params.body = Some(serde_json::json!({"to": "+1234567890"}));
    let error = client.execute_registered(op, &params).unwrap_err();
    assert_eq!((error.kind(), error.message()), (ErrorKind::Server, Some("Internal server error.")));
    assert_eq!(seen.lock().unwrap().len(), 1);

    // Parameters that do not fit are refused before sending, naming the field.
    let mut params = Params::default();
    params.path.insert("campaign_id".into(), "campaign-uuid-1".into());
    params.body = Some(serde_json::json!({"to": 5}));
    let error = client.execute_registered(op, &params).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
#[cfg(feature = "registry")]
fn a_registry_operations_value_is_the_body_the_server_wrote() {
    use talkover::registry::{self, Params};

    // A field the API added is kept, and one it left out is not made up as null.
    let body = r#"{"success":true,"data":{"id":"a1","name":"SupportBot","brand_new_field":{"x":1}}}"#;
    let client = talkover::blocking::Client::with_transport(config(), move |_| Ok(json(200, body)));
    let op = registry::operation("get-agent").unwrap();
    let mut params = Params::default();
    params.path.insert("agent_id".into(), "a1".into());
    let answer = client.execute_registered(op, &params).unwrap();
    assert_eq!(answer.value, serde_json::from_str::<serde_json::Value>(body).unwrap());

    // An answer that is not the documented one is still a decode error.
    let client = talkover::blocking::Client::with_transport(config(), |_| Ok(json(200, r#"{"data":{"id":5}}"#)));
    let error = client.execute_registered(op, &params).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode, "{error}");
}

/// The setting a builder refused, with its message.
fn refused_setting(err: Error) -> (String, String) {
    match err {
        Error::Config(config) => (config.setting().to_owned(), config.message().to_owned()),
        other => panic!("not a settings error: {other}"),
    }
}

#[test]
fn transport_settings_beside_a_transport_of_ones_own_are_refused_on_both_builders() {
    let second = Duration::from_millis(500);
    // Whichever order the builder is given them in.
    let blocking =
        || talkover::blocking::Client::builder().token(TOKEN).transport(|_: HttpRequest| Ok(json(200, "{}")));
    let asynchronous = || {
        talkover::Client::builder()
            .token(TOKEN)
            .transport(|_: HttpRequest| async { Ok::<_, TransportError>(json(200, "{}")) })
    };
    let cases = [
        (refused_setting(blocking().timeout(second).build().unwrap_err()), "timeout"),
        (refused_setting(blocking().connect_timeout(second).build().unwrap_err()), "connect_timeout"),
        (refused_setting(blocking().max_response_bytes(1024).build().unwrap_err()), "max_response_bytes"),
        (refused_setting(asynchronous().timeout(second).build().unwrap_err()), "timeout"),
        (refused_setting(asynchronous().connect_timeout(second).build().unwrap_err()), "connect_timeout"),
        (refused_setting(asynchronous().max_response_bytes(1024).build().unwrap_err()), "max_response_bytes"),
        (
            refused_setting(
                talkover::Client::builder()
                    .timeout(second)
                    .token(TOKEN)
                    .transport(|_: HttpRequest| async { Ok::<_, TransportError>(json(200, "{}")) })
                    .build()
                    .unwrap_err(),
            ),
            "timeout",
        ),
    ];
    for ((setting, message), expected) in cases {
        assert_eq!(setting, expected);
        assert!(message.contains("set it on that transport"), "{message}");
    }
    // A transport of one's own with the settings that apply to every transport is built.
    assert!(blocking().max_retries(0).max_elapsed(second).build().is_ok());
    assert!(asynchronous().max_retries(0).max_elapsed(second).build().is_ok());
}

#[cfg(reqwest_transport)]
#[test]
fn a_timeout_beside_a_reqwest_client_of_ones_own_is_refused_and_set_on_the_client_instead() {
    use talkover::reqwest_transport::{reqwest, ReqwestTransport};

    let own = || reqwest::Client::builder().timeout(Duration::from_millis(500)).build().unwrap();
    let builder = || talkover::Client::builder().token(TOKEN);
    let transport = ReqwestTransport::from_client(own(), talkover::DEFAULT_MAX_RESPONSE_BYTES);
    let err = builder().transport(transport).timeout(Duration::from_millis(500)).build().unwrap_err();
    assert_eq!(refused_setting(err).0, "timeout");
    let transport = ReqwestTransport::from_client(own(), talkover::DEFAULT_MAX_RESPONSE_BYTES);
    assert!(builder().transport(transport).build().is_ok());
    // On the built-in transport, the builder's settings are its own.
    assert!(builder().timeout(Duration::from_millis(500)).max_response_bytes(1024).build().is_ok());
}

#[cfg(ureq_transport)]
#[test]
fn a_timeout_beside_a_ureq_agent_of_ones_own_is_refused() {
    use talkover::ureq_transport::{ureq, UreqTransport};

    let agent = ureq::Agent::config_builder().http_status_as_error(false).build().new_agent();
    let transport = UreqTransport::from_agent(agent, talkover::DEFAULT_MAX_RESPONSE_BYTES);
    let err = talkover::blocking::Client::builder()
        .token(TOKEN)
        .connect_timeout(Duration::from_secs(1))
        .transport(transport)
        .build()
        .unwrap_err();
    assert_eq!(refused_setting(err).0, "connect_timeout");
    assert!(talkover::blocking::Client::builder().token(TOKEN).timeout(Duration::from_secs(1)).build().is_ok());
}

/// A ureq agent built with ureq's defaults (statuses as errors, ten redirects followed) still gives the SDK
/// each answer as it came: a 404 is the API's 404, not a retried transport failure, and a redirect is not
/// followed (the token would go with it).
#[cfg(ureq_transport)]
#[test]
fn a_ureq_agent_with_its_defaults_gives_statuses_as_answers_and_follows_no_redirect() {
    use std::io::{BufRead as _, BufReader, Write as _};
    use talkover::ureq_transport::{ureq, UreqTransport};

    /// Answers each request with `status`, `headers` and `body`, for at most 4 connections over 10 s.
    fn serve(status: &'static str, headers: &'static str, body: &'static str) -> std::net::SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(4).flatten() {
                stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let answer = format!(
                    "HTTP/1.1 {status}\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = (&stream).write_all(answer.as_bytes());
            }
        });
        addr
    }
    let client = |addr: std::net::SocketAddr| {
        let agent = ureq::Agent::config_builder().build().new_agent();
        talkover::blocking::Client::builder()
            .token(TOKEN)
            .base_url(format!("http://{addr}/api/v1"))
            .transport(UreqTransport::from_agent(agent, talkover::DEFAULT_MAX_RESPONSE_BYTES))
            .build()
            .unwrap()
    };
    let body = r#"{"success": false, "message": "Agent not found"}"#;
    let missing = serve("404 Not Found", "content-type: application/json\r\n", body);
    let err = client(missing).agents().get("agent-1").unwrap_err();
    assert_eq!((err.kind(), err.status().map(|s| s.as_u16()), err.attempts()), (ErrorKind::NotFound, Some(404), 1));
    let elsewhere = serve("302 Found", "location: http://127.0.0.1:9/api/v1/agents/agent-1\r\n", "");
    let err = client(elsewhere).agents().get("agent-1").unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err}");
}

#[test]
fn a_token_pasted_with_its_bearer_prefix_is_refused_by_both_builders() {
    let token = "Bearer talq_pasted_from_curl_0123";
    let errors = [
        talkover::blocking::Client::builder()
            .token(token)
            .transport(|_: HttpRequest| Ok(json(200, "{}")))
            .build()
            .unwrap_err(),
        talkover::Client::builder()
            .token(token)
            .transport(|_: HttpRequest| async { Ok::<_, TransportError>(json(200, "{}")) })
            .build()
            .unwrap_err(),
    ];
    for err in errors {
        let shown = format!("{err} {err:?}");
        let (setting, message) = refused_setting(err);
        assert_eq!(setting, "token");
        assert!(message.contains("without `Bearer `"), "{message}");
        assert!(!shown.contains("pasted_from_curl"), "the token is never echoed: {shown}");
    }
}

#[test]
fn a_base_url_naming_another_api_version_is_refused_by_both_builders() {
    let url = "http://127.0.0.1:8080/api/v2";
    let blocking = talkover::blocking::Client::builder()
        .token(TOKEN)
        .base_url(url)
        .transport(|_: HttpRequest| Ok(json(200, "{}")))
        .build()
        .unwrap_err();
    let asynchronous = talkover::Client::builder()
        .token(TOKEN)
        .base_url(url)
        .transport(|_: HttpRequest| async { Ok::<_, TransportError>(json(200, "{}")) })
        .build()
        .unwrap_err();
    for err in [blocking, asynchronous] {
        let (setting, message) = refused_setting(err);
        assert_eq!(setting, "base_url");
        assert!(message.contains("/api/v2") && message.contains("/api/v1"), "{message}");
    }
    // A mount prefix is kept: a gateway path reaches the documented paths under it.
    let (seen, transport) = recording(|_| json(200, UNPUBLISHED));
    let client = talkover::blocking::Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:8080/gateway/api/v1")
        .transport(transport)
        .build()
        .unwrap();
    client.agents().unpublish("a1").unwrap();
    assert_eq!(seen.lock().unwrap()[0].uri().path(), "/gateway/api/v1/agents/a1/unpublish");
}

/// A transport of the user's own, implemented with the attribute the SDK re-exports: it adds a header to
/// every request and hands it to the transport it wraps.
struct WithTraceHeader<T> {
    inner: T,
}

#[talkover::async_trait]
impl<T: talkover::Transport> talkover::Transport for WithTraceHeader<T> {
    async fn send(&self, mut request: HttpRequest) -> Result<HttpResponse, TransportError> {
        request.headers_mut().insert("x-trace", http::HeaderValue::from_static("on"));
        self.inner.send(request).await
    }
}

#[tokio::test]
async fn a_transport_of_ones_own_implemented_with_the_reexported_attribute_runs() {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let inner = move |request: HttpRequest| {
        log.lock().unwrap().push(request);
        async { Ok::<_, TransportError>(json(200, UNPUBLISHED)) }
    };
    let client = talkover::Client::builder().token(TOKEN).transport(WithTraceHeader { inner }).build().unwrap();
    let agent = client.agents().unpublish("550e8400-e29b-41d4-a716-446655440000").await.unwrap();
    assert_eq!(agent.current_status, AgentStatus::Draft);
    assert_eq!(header(&seen.lock().unwrap()[0], "x-trace"), Some("on"));
}

#[test]
fn idle_time_seconds_is_checked_against_the_bound_the_api_enforces() {
    let build = |seconds: u32| {
        let mut body = support_agent();
        body.idle_time_seconds = seconds;
        talkover::build_request(&talkover::agents::CreateAgent::new(body), &config())
    };
    assert!(build(1).is_ok() && build(300).is_ok(), "1 to 300, as the API's own refusal says");
    for seconds in [0, 301] {
        let err = build(seconds).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "idle_time_seconds", "{seconds}: {err}");
    }
}

/// Polled on an executor that is not Tokio's, a call of the async client on its built-in transport fails
/// without sending, and says why, where reqwest's timers and Tokio's sleep would panic.
#[cfg(reqwest_transport)]
#[test]
fn an_async_call_polled_outside_a_tokio_runtime_fails_without_a_panic() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}/api/v1", listener.local_addr().unwrap().port());
    let client = talkover::Client::builder().base_url(base).token(TOKEN).build().unwrap();
    let mut call = client.agents().list().send();
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    let std::task::Poll::Ready(Err(error)) = std::future::Future::poll(call.as_mut(), &mut context) else {
        panic!("the call did not fail at once");
    };
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.to_string().contains("outside a Tokio runtime"), "{error}");
    assert!(!error.may_have_taken_effect(), "{error}");
    // Nothing to try again from here: a retry loop of the caller's own stops.
    assert!(!error.is_retryable() && !error.should_retry(), "{error}");
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_err(), "nothing was sent");
}

/// A listener on loopback that takes `connections` connections and answers none of them, holding each
/// for a few seconds: its base URL and the thread to join.
#[cfg(all(reqwest_transport, ureq_transport))]
fn silent_server(connections: usize) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}/api/v1", listener.local_addr().unwrap().port());
    let server = std::thread::spawn(move || {
        let held: Vec<_> = (0..connections).map_while(|_| listener.accept().ok()).collect();
        std::thread::sleep(Duration::from_secs(3));
        drop(held);
    });
    (base, server)
}

/// A timeout while the body of an answer arrives (its head in, the rest held back) reads as a timeout of
/// the exchange, not as a body that could not be decoded.
#[cfg(reqwest_transport)]
#[tokio::test]
async fn a_body_that_stops_coming_times_out_in_words_of_a_timeout() {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}/api/v1", listener.local_addr().unwrap().port());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let _ = stream.read(&mut [0; 4096]);
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"success\":";
        stream.write_all(head.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_secs(2));
    });
    let client = talkover::Client::builder().base_url(base).token(TOKEN).build().unwrap();
    let client = client.with_retry_policy(talkover::RetryPolicy::none());
    let error = client.with_timeout(Duration::from_millis(300)).agents().get("a1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    let shown = error.to_string();
    assert!(shown.contains("while the answer's body was read") && !shown.contains("decoding"), "{shown}");
    server.join().unwrap();
}

/// `with_timeout` bounds the calls of the client it makes, on both built-in transports, and not those of
/// the client it was made from; the bound travels in the request, for a transport of one's own too.
#[cfg(all(reqwest_transport, ureq_transport))]
#[tokio::test]
async fn with_timeout_bounds_the_calls_of_the_client_it_makes() {
    use talkover::transport::RequestTimeout;

    let bound = Duration::from_millis(300);
    let (base, server) = silent_server(1);
    let client = talkover::Client::builder().base_url(base).token(TOKEN).build().unwrap();
    let error = client.with_timeout(bound).agents().get("a1").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.to_string().contains("timeout"), "{error}");
    assert_eq!((client.config().timeout(), client.with_timeout(bound).config().timeout()), (None, Some(bound)));
    let unbounded = client.with_timeout(bound).with_timeout(Duration::ZERO);
    assert_eq!(unbounded.config().timeout(), None, "zero: the transport's bound again");
    server.join().unwrap();

    let (base, server) = silent_server(1);
    let blocking = talkover::blocking::Client::builder().base_url(base).token(TOKEN).build().unwrap();
    let error = tokio::task::spawn_blocking(move || blocking.with_timeout(bound).agents().get("a1").unwrap_err());
    let error = error.await.unwrap();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.to_string().contains("within 300 ms"), "{error}");
    server.join().unwrap();

    let seen: Arc<Mutex<Vec<Option<RequestTimeout>>>> = Arc::default();
    let record = Arc::clone(&seen);
    let own = talkover::blocking::Client::with_transport(config(), move |request: HttpRequest| {
        record.lock().unwrap().push(request.extensions().get::<RequestTimeout>().copied());
        Ok(json(200, r#"{"success":true,"data":{"id":"a1","name":"Support"}}"#))
    });
    own.with_timeout(bound).agents().get("a1").unwrap();
    own.agents().get("a1").unwrap();
    assert_eq!(*seen.lock().unwrap(), [Some(RequestTimeout(bound)), None]);
}

/// A handler's `# Errors` section, the core's generated `errors_section!`, is the text the core writes for
/// its operation, whichever of the macro's arms gives it (none documented, failures, failures with codes).
#[test]
fn a_handler_s_errors_section_is_the_one_the_core_writes() {
    let written = |id: &str| {
        talkover::documented_errors::errors_section(id).iter().map(|line| format!("{line}\n")).collect::<String>()
    };
    assert_eq!(talkover_core::errors_section!("add-calendar-member"), written("add-calendar-member"));
    assert_eq!(talkover_core::errors_section!("create-agent"), written("create-agent"));
    assert_eq!(talkover_core::errors_section!("delete-agent"), written("delete-agent"));
    assert!(talkover_core::errors_section!("delete-agent").contains("| 409 | `AGENT_IS_PUBLISHED` |"));
}

/// update-campaign-status is safe to repeat (the campaign ends in the status asked either way), but the API
/// refuses a move from a status to itself: a retry after a 502 whose request was carried out answers 400.
/// The error says an earlier attempt may have done it, on both clients; after an attempt that certainly
/// never left, or a 429, it does not.
#[test]
fn a_refusal_after_an_attempt_that_may_have_been_carried_out_says_so() {
    use talkover::campaigns::CampaignStatus;
    let quick = talkover::RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2));
    let same_status = r#"{"success": false, "message": "Cannot transition from active to active status"}"#;
    let first_answers = [
        (Ok(json(502, r#"{"message": "Bad Gateway"}"#)), true),
        (Err(TransportError::new(talkover::TransportErrorKind::Timeout, "no answer in time")), true),
        (Err(TransportError::new(talkover::TransportErrorKind::Connect, "connection refused")), false),
        (Ok(json(429, r#"{"message": "Too Many Attempts."}"#)), false),
    ];
    for (first, earlier) in first_answers {
        let first = Mutex::new(Some(first));
        let transport =
            move |_: HttpRequest| first.lock().unwrap().take().unwrap_or_else(|| Ok(json(400, same_status)));
        let client = talkover::blocking::Client::with_transport(config(), transport).with_retry_policy(quick.clone());
        let error = client.campaigns().update_status("camp-1", CampaignStatus::Active).unwrap_err();
        assert_eq!((error.kind(), error.attempts()), (ErrorKind::BadRequest, 2), "{error}");
        assert_eq!(error.earlier_attempt_may_have_taken_effect(), earlier, "{error}");
        assert_eq!(error.to_string().contains("an earlier one may have been carried out"), earlier, "{error}");
    }

    // A dry run saves nothing, so its earlier attempts did nothing either.
    let answers = Mutex::new(vec![json(422, r#"{"message": "Invalid"}"#), json(502, r#"{"message": "Bad Gateway"}"#)]);
    let transport = move |_: HttpRequest| Ok(answers.lock().unwrap().pop().expect("two answers"));
    let client = talkover::blocking::Client::with_transport(config(), transport).with_retry_policy(quick);
    let check = talkover::callbacks::CheckCallbackConstraints::new(
        "agent-1",
        talkover::callbacks::ProposedCallbackConfig::default(),
    );
    let error = client.execute(check).unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::Validation, 2), "{error}");
    assert!(!error.earlier_attempt_may_have_taken_effect(), "{error}");
}

/// A call by operation id reads the same declaration: a dry run's earlier attempt did nothing, a move of
/// status's may have.
#[cfg(feature = "registry")]
#[test]
fn a_registry_call_reads_whether_its_operation_is_a_dry_run() {
    use talkover::registry::{self, Params};
    let quick = talkover::RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2));
    let cases = [
        (
            "check-callback-constraints",
            serde_json::json!({ "agent_id": "agent-1" }),
            serde_json::json!({ "source_agent_ids": ["a"] }),
            false,
        ),
        (
            "update-campaign-status",
            serde_json::json!({ "campaign_id": "camp-1" }),
            serde_json::json!({ "status": "active" }),
            true,
        ),
    ];
    for (id, path, body, earlier) in cases {
        let answers =
            Mutex::new(vec![json(400, r#"{"message": "Refused"}"#), json(502, r#"{"message": "Bad Gateway"}"#)]);
        let transport = move |_: HttpRequest| Ok(answers.lock().unwrap().pop().expect("two answers"));
        let client = talkover::blocking::Client::with_transport(config(), transport).with_retry_policy(quick.clone());
        let op = registry::operation(id).expect("a known operation");
        assert_eq!(op.dry_run, !earlier, "{id}");
        let params = Params { path: path.as_object().unwrap().clone(), body: Some(body), ..Params::default() };
        let error = client.execute_registered(op, &params).unwrap_err();
        assert_eq!(error.attempts(), 2, "{id}: {error}");
        assert_eq!(error.earlier_attempt_may_have_taken_effect(), earlier, "{id}: {error}");
    }
}

/// The async client says it as the blocking one does.
#[cfg(reqwest_transport)]
#[tokio::test]
async fn an_async_refusal_after_an_attempt_that_may_have_been_carried_out_says_so() {
    use talkover::campaigns::CampaignStatus;
    let quick = talkover::RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2));
    let same_status = r#"{"success": false, "message": "Cannot transition from active to active status"}"#;
    let calls = Arc::new(AtomicUsize::new(0));
    let transport = move |_: HttpRequest| {
        let answer = match calls.fetch_add(1, Ordering::SeqCst) {
            0 => Ok(json(503, r#"{"message": "Service Unavailable"}"#)),
            _ => Ok(json(400, same_status)),
        };
        std::future::ready(answer)
    };
    let client = talkover::Client::with_transport(config(), transport).with_retry_policy(quick);
    let error = client.campaigns().update_status("camp-1", CampaignStatus::Active).await.unwrap_err();
    assert_eq!(error.attempts(), 2);
    assert!(error.earlier_attempt_may_have_taken_effect(), "{error}");
}

/// A fake transport kept in an `Arc` by the test is handed to a client as a clone, and tells afterwards
/// what was sent, on both clients.
#[test]
fn a_shared_fake_transport_tells_what_was_sent() {
    #[derive(Default)]
    struct Fake(Mutex<Vec<HttpRequest>>);
    impl talkover::BlockingTransport for Fake {
        fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            self.0.lock().unwrap().push(request);
            Ok(json(200, r#"{"success": true, "data": {"id": "agent-1", "name": "Front desk"}}"#))
        }
    }
    #[talkover::async_trait]
    impl talkover::Transport for Fake {
        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
            talkover::BlockingTransport::send(self, request)
        }
    }
    let fake = Arc::new(Fake::default());
    let blocking = talkover::blocking::Client::with_transport(config(), fake.clone());
    assert_eq!(blocking.agents().get("agent-1").unwrap().name, "Front desk");
    let client = talkover::Client::with_transport(config(), fake.clone());
    let mut call = client.agents().get("agent-2");
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(std::future::Future::poll(call.as_mut(), &mut context).is_ready(), "the fake answers at once");
    let sent = fake.0.lock().unwrap();
    let paths: Vec<&str> = sent.iter().map(|r| r.uri().path()).collect();
    assert_eq!(paths, ["/api/v1/agents/agent-1", "/api/v1/agents/agent-2"]);
}

/// `max_elapsed` holds on the clock the client's waits run on: with a sleep that returns at once (a Tokio
/// clock paused in a test), the waits still count, and the retries stop where a service's would.
#[cfg(reqwest_transport)]
#[tokio::test]
async fn max_elapsed_counts_the_waits_on_the_sleeps_own_clock() {
    let slept = Arc::new(Mutex::new(Vec::new()));
    let record = slept.clone();
    let calls = Arc::new(AtomicUsize::new(0));
    let count = calls.clone();
    let policy = talkover::RetryPolicy::default()
        .max_retries(10)
        .backoff(Duration::from_millis(1500), Duration::from_millis(1500))
        .jitter(0.0)
        .max_elapsed(Duration::from_secs(5));
    let client = talkover::Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:9/api/v1")
        .transport(move |_: HttpRequest| {
            count.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(json(500, r#"{"message": "Server Error"}"#)))
        })
        .sleep(move |delay| {
            record.lock().unwrap().push(delay);
            Box::pin(std::future::ready(()))
        })
        .retry_policy(policy)
        .build()
        .unwrap();
    let error = client.agents().get("agent-1").await.unwrap_err();
    // Waits of 1.5 s: three fit in 5 s (4.5 s), a fourth would end past it.
    assert_eq!(*slept.lock().unwrap(), [Duration::from_millis(1500); 3]);
    assert_eq!((calls.load(Ordering::SeqCst), error.attempts()), (4, 4), "{error}");
    assert_eq!(error.stop_reason(), Some(talkover::retry::StopReason::OutOfTime), "{error}");
}

/// get-agent's answer, with an account's rate-limit window: `remaining` left, resetting `reset_in` from now.
fn agent_answer(remaining: u64, reset_in: u64) -> HttpResponse {
    let mut answer = json(200, r#"{"success": true, "data": {"id": "a", "name": "Support"}}"#);
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + reset_in;
    talkover::rate_limit::RateLimit::new(60, remaining, reset).write_to(answer.headers_mut());
    answer
}

/// A 429 asking for `seconds`.
fn limited(seconds: u32) -> HttpResponse {
    let mut answer = json(429, r#"{"success": false, "message": "Too Many Attempts."}"#);
    answer.headers_mut().insert("retry-after", seconds.into());
    answer
}

/// A blocking client on `pacer` and `transport`, whose waits are seen (and not waited) on the returned list.
fn paced(
    pacer: Arc<talkover::rate_limit::Pacer>,
    transport: impl talkover::BlockingTransport + 'static,
) -> (talkover::blocking::Client, Arc<Mutex<Vec<Duration>>>) {
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let client = talkover::blocking::Client::builder()
        .token(TOKEN)
        .pacer(pacer)
        .sleep(move |delay| seen.lock().unwrap().push(delay))
        .transport(transport)
        .build()
        .unwrap();
    (client, waits)
}

/// Two clients of one account given one pacer: the 429 one of them meets holds the other's next request
/// until the wait it asked for ends, rather than sending it into the same limit; a window running low
/// spreads the requests left over it. Each wait is seen on the builders' `sleep`, none waited.
#[test]
fn clients_sharing_a_pacer_wait_their_turn_after_a_429_and_spread_a_window_running_low() {
    let pacer = Arc::new(talkover::rate_limit::Pacer::new());
    let sent = Arc::new(AtomicUsize::new(0));
    let client = |answer: fn(usize) -> HttpResponse, waits: &Arc<Mutex<Vec<Duration>>>| {
        let (sent, seen) = (sent.clone(), waits.clone());
        talkover::blocking::Client::builder()
            .token(TOKEN)
            .max_retries(0)
            .pacer(pacer.clone())
            .sleep(move |delay| seen.lock().unwrap().push(delay))
            .transport(move |_: HttpRequest| Ok(answer(sent.fetch_add(1, Ordering::SeqCst))))
            .build()
            .unwrap()
    };
    let (first_waits, other_waits) = (Arc::new(Mutex::new(Vec::new())), Arc::new(Mutex::new(Vec::new())));
    let first = client(|_| limited(30), &first_waits);
    let other = client(|_| agent_answer(59, 60), &other_waits);

    let error = first.agents().get("a").unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited, "{error}");
    assert!(first_waits.lock().unwrap().is_empty(), "nothing held the first request");
    other.agents().get("a").unwrap();
    let held = other_waits.lock().unwrap()[0];
    assert!(held > Duration::from_secs(25) && held <= Duration::from_secs(30), "{held:?}");
    assert_eq!(sent.load(Ordering::SeqCst), 2, "each request sent once");

    // 4 requests left for 8 s: one every 2 s.
    let pacer = Arc::new(talkover::rate_limit::Pacer::new());
    let (low, waits) = paced(pacer, |_: HttpRequest| Ok(agent_answer(4, 8)));
    for _ in 0..4 {
        low.agents().get("a").unwrap();
    }
    let waits = waits.lock().unwrap().clone();
    assert_eq!(waits.len(), 2, "{waits:?}");
    // Each a spacing after the turn before it (this test's sleep waits nothing, so the clock has not moved).
    let spaced = |wait: &Duration| *wait > Duration::from_secs(1) && *wait <= Duration::from_secs(2);
    assert!(waits.iter().all(spaced), "{waits:?}");
}

/// The async client waits its turn on the pacer too, and the wait counts toward `max_elapsed`, which
/// bounds it: past it, the request goes.
#[tokio::test]
async fn an_async_client_waits_its_turn_within_max_elapsed() {
    let pacer = Arc::new(talkover::rate_limit::Pacer::new());
    pacer.hold(Duration::from_secs(120), std::time::Instant::now());
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let client = talkover::Client::builder()
        .token(TOKEN)
        .pacer(pacer)
        .max_elapsed(Duration::from_secs(45))
        .sleep(move |delay| {
            seen.lock().unwrap().push(delay);
            Box::pin(std::future::ready(()))
        })
        .transport(|_: HttpRequest| async { Ok::<_, TransportError>(agent_answer(59, 60)) })
        .build()
        .unwrap();
    client.agents().get("a").await.unwrap();
    let waits = waits.lock().unwrap().clone();
    assert!(waits.len() == 1 && waits[0] > Duration::from_secs(40) && waits[0] <= Duration::from_secs(45), "{waits:?}");
}

/// A request the SDK refuses before sending fails at once, without waiting its turn on a pacer that holds
/// every request.
#[test]
fn a_request_refused_before_sending_does_not_wait_its_turn() {
    let pacer = Arc::new(talkover::rate_limit::Pacer::new());
    pacer.hold(Duration::from_secs(300), std::time::Instant::now());
    let (client, waits) =
        paced(pacer, |_: HttpRequest| -> Result<HttpResponse, TransportError> { panic!("nothing is sent") });
    let call = talkover::calls::NewCall::new("+15551234567").delay_seconds(99_999);
    let error = client.execute(talkover::calls::MakeCall::new("a", call)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
    assert!(waits.lock().unwrap().is_empty(), "{:?}", waits.lock().unwrap());
}

/// A retry's wait ended early (a test's sleep) and the pacer's hold from the same 429 are one wait: the
/// call is not held again for it, nor charged it twice against `max_elapsed`.
#[test]
fn a_retrys_wait_and_the_pacers_hold_of_the_same_429_are_waited_once() {
    let sent = Arc::new(AtomicUsize::new(0));
    let waits = Arc::new(Mutex::new(Vec::new()));
    let (count, seen) = (sent.clone(), waits.clone());
    let client = talkover::blocking::Client::builder()
        .token(TOKEN)
        .pacer(Arc::new(talkover::rate_limit::Pacer::new()))
        .retry_policy(talkover::RetryPolicy::default().jitter(0.0))
        .max_elapsed(Duration::from_secs(70))
        .sleep(move |delay| seen.lock().unwrap().push(delay))
        .transport(move |_: HttpRequest| {
            Ok(if count.fetch_add(1, Ordering::SeqCst) < 2 { limited(30) } else { agent_answer(59, 60) })
        })
        .build()
        .unwrap();
    client.agents().get("a").unwrap();
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(30); 2]);
    assert_eq!(sent.load(Ordering::SeqCst), 3);
}

/// Polled outside Tokio, an async client whose pacer holds its requests sends at once rather than panic
/// in Tokio's sleep, and its 429 ends the call as one it cannot wait for.
#[test]
fn an_async_client_outside_tokio_does_not_wait_its_turn() {
    let pacer = Arc::new(talkover::rate_limit::Pacer::new());
    pacer.hold(Duration::from_secs(2), std::time::Instant::now());
    let client = talkover::Client::builder()
        .token(TOKEN)
        .pacer(pacer)
        .transport(|_: HttpRequest| async { Ok::<_, TransportError>(limited(1)) })
        .build()
        .unwrap();
    let mut call = std::pin::pin!(client.agents().get("a"));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    let std::task::Poll::Ready(Err(error)) = std::future::Future::poll(call.as_mut(), &mut context) else {
        panic!("the call did not end at once");
    };
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::RateLimited, 1), "{error}");
}

/// The make-call page's 429 and its success, recorded for the same request: a replay of them.
#[cfg(feature = "registry")]
fn make_call_recordings() -> Arc<talkover::replay::Replay> {
    let fixture = |name: &str| {
        let path = format!("{}/../talkover-mock/fixtures/make-call/{name}", env!("CARGO_MANIFEST_DIR"));
        (format!("make-call/{name}"), std::fs::read_to_string(path).unwrap())
    };
    let recorded = [fixture("error-429-rate-limit-exceeded.json"), fixture("ok-initiated.json")];
    Arc::new(talkover::replay::Replay::from_fixtures(recorded).unwrap())
}

/// The make-call of those recordings, to `to`.
#[cfg(feature = "registry")]
fn recorded_make_call(to: &str) -> talkover::calls::MakeCall {
    talkover::calls::MakeCall::new("agent_123456", common::example_call(to))
}

/// The recorded 429 and success replay as the API answered: the call is refused, waited for as the
/// answer asks (on the client's `sleep`, so no test waits a minute), then placed; a call of another number
/// is no recording's, and the message says where it differs.
#[cfg(feature = "registry")]
#[test]
fn a_replay_answers_a_retried_call_in_turn_and_refuses_another_body() {
    let replay = make_call_recordings();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let client = talkover::blocking::Client::builder()
        .token(TOKEN)
        .transport(replay.clone())
        // No random share added to the wait the answer asks for, so that the test knows it.
        .retry_policy(talkover::RetryPolicy::default().jitter(0.0))
        .sleep(move |delay| seen.lock().unwrap().push(delay))
        .build()
        .unwrap();
    let placed = client.execute(recorded_make_call("+1234567890")).unwrap();
    assert_eq!(placed.id.as_str(), "call_789012");
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(60)]);
    assert!(replay.unplayed().is_empty(), "{:?}", replay.unplayed());

    let error = client.execute(recorded_make_call("+1234567899")).unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::Transport, 1), "{error}");
    let said = error.to_string();
    assert!(
        said.contains("the closest recording, make-call/") && said.contains(r#"$.to: expected "+1234567890""#),
        "{said}"
    );
}

/// The same on the async client, its `sleep` recording the wait.
#[cfg(feature = "registry")]
#[tokio::test]
async fn a_replay_answers_an_async_retried_call_in_turn() {
    let replay = make_call_recordings();
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let client = talkover::Client::builder()
        .token(TOKEN)
        .transport(replay.clone())
        // No random share added to the wait the answer asks for, so that the test knows it.
        .retry_policy(talkover::RetryPolicy::default().jitter(0.0))
        .sleep(move |delay| {
            seen.lock().unwrap().push(delay);
            Box::pin(std::future::ready(()))
        })
        .build()
        .unwrap();
    let placed = client.execute(recorded_make_call("+1234567890")).await.unwrap();
    assert_eq!(placed.id.as_str(), "call_789012");
    assert_eq!(*waits.lock().unwrap(), [Duration::from_secs(60)]);
    assert!(replay.unplayed().is_empty(), "{:?}", replay.unplayed());
}

/// A request a `Replay` has no recording for fails at once, through a client, as no answer of the API's:
/// not a 404 that code under test would take for "already gone", and not retried.
#[cfg(feature = "registry")]
#[test]
fn a_request_a_replay_has_no_recording_for_fails_at_once_as_no_answer() {
    let recorded =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../talkover-mock/fixtures/delete-action/ok-delete.json"));
    let replay = talkover::replay::Replay::from_fixtures([("delete-action/ok-delete.json", recorded)]).unwrap();
    let client = talkover::blocking::Client::with_transport(config(), replay);
    let error = client.agents().get("a").unwrap_err();
    assert_eq!((error.kind(), error.attempts()), (ErrorKind::Transport, 1), "{error}");
    assert!(!error.is_resource_not_found() && !error.is_retryable() && !error.may_have_taken_effect(), "{error}");
    assert!(error.to_string().contains("no recorded exchange for GET /api/v1/agents/a"), "{error}");
}

/// A transport that wraps another sees which call and which attempt each request is (to count by
/// operation, or let a circuit breaker tell a retry from a new call), and may decline a request by a rule
/// of its own: nothing sent, not retried, no retry budget spent, and the caller may try again later.
#[tokio::test]
async fn a_wrapping_transport_sees_the_call_and_may_decline_it_on_both_clients() {
    use talkover::retry::{RetryBudget, StopReason};
    use talkover::transport::CallContext;
    use talkover::TransportErrorKind;
    let budget = RetryBudget::new(100);
    let policy = talkover::RetryPolicy::default().backoff(Duration::ZERO, Duration::ZERO).budget(Some(budget.clone()));
    let seen = Arc::new(Mutex::new(Vec::<CallContext>::new()));
    // A get-agent answered 503 twice, then its agent; any make-call declined, as a breaker would.
    let answer = {
        let seen = seen.clone();
        move |request: HttpRequest| {
            let call = *request.extensions().get::<CallContext>().expect("every request carries its call");
            seen.lock().unwrap().push(call);
            match (call.operation, call.attempt) {
                ("make-call", _) => Err(TransportError::new(TransportErrorKind::Declined, "circuit open")),
                ("get-agent", 1 | 2) => Ok(json(503, r#"{"success":false,"message":"Service unavailable"}"#)),
                _ => Ok(fixture!("get-agent/ok-get-by-id.json").response()),
            }
        }
    };
    let make_call = || talkover::calls::MakeCall::new("a1", talkover::calls::NewCall::new("+15550101234"));
    let check = |declined: Error, seen: &Mutex<Vec<CallContext>>| {
        let calls: Vec<_> =
            seen.lock().unwrap().drain(..).map(|c| (c.operation, c.attempt, c.safe_to_repeat)).collect();
        assert_eq!(
            calls,
            [("get-agent", 1, true), ("get-agent", 2, true), ("get-agent", 3, true), ("make-call", 1, false)]
        );
        assert_eq!((declined.kind(), declined.attempts()), (ErrorKind::Transport, 1));
        assert_eq!(declined.stop_reason(), Some(StopReason::Declined));
        assert!(declined.is_retryable() && !declined.may_have_taken_effect(), "{declined}");
        assert!(!declined.to_string().contains("may have"), "{declined}");
    };

    let blocking = talkover::blocking::Client::builder()
        .token(TOKEN)
        .retry_policy(policy.clone())
        .transport(answer.clone())
        .build()
        .unwrap();
    blocking.agents().get("550e8400-e29b-41d4-a716-446655440000").unwrap();
    let before = budget.available();
    for _ in 0..50 {
        let declined = blocking.execute(make_call()).unwrap_err();
        assert_eq!(declined.stop_reason(), Some(StopReason::Declined));
    }
    assert_eq!(budget.available(), before, "declined requests spend no retry budget");
    seen.lock().unwrap().truncate(3);
    check(blocking.execute(make_call()).unwrap_err(), &seen);

    let client = talkover::Client::builder()
        .token(TOKEN)
        .retry_policy(policy)
        .transport(move |request| std::future::ready(answer(request)))
        .build()
        .unwrap();
    client.agents().get("550e8400-e29b-41d4-a716-446655440000").await.unwrap();
    check(client.execute(make_call()).await.unwrap_err(), &seen);
}

/// A loopback listener answering each connection with `answer` (one request each, closed after), until
/// `connections` came or ten seconds passed: its address, and the thread giving each request's first line.
#[cfg(all(reqwest_transport, ureq_transport))]
fn answering_server(connections: usize, answer: &'static str) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{BufRead as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    listener.set_nonblocking(true).unwrap();
    let server = std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let mut lines = Vec::new();
        while lines.len() < connections && std::time::Instant::now() < deadline {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut reader = std::io::BufReader::new(stream);
            let mut head = String::new();
            while reader.read_line(&mut head).is_ok_and(|n| n > 2) {}
            lines.push(head.lines().next().unwrap_or_default().to_owned());
            let body = answer.as_bytes();
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let mut stream = reader.into_inner();
            let _ = stream.write_all(reply.as_bytes()).and_then(|()| stream.write_all(body));
        }
        lines
    });
    (address, server)
}

/// With a proxy in the environment (`HTTP_PROXY`, `ALL_PROXY`, as on many build machines), the built-in
/// transports of both clients send a loopback base URL's requests straight to it (the emulator: a proxy
/// elsewhere cannot reach this machine's loopback), and another host's through the proxy. The calls run in
/// a process of this test binary's own ([`builtin_transports_under_a_proxy_in_the_environment`]), as the
/// environment is the whole process's.
#[cfg(all(reqwest_transport, ureq_transport))]
#[test]
fn builtin_transports_send_a_loopback_base_urls_requests_past_the_environments_proxy() {
    const AGENT: &str = r#"{"success":true,"data":{"id":"a1","name":"SupportBot"}}"#;
    let (api, api_seen) = answering_server(2, AGENT);
    let (proxy, proxy_seen) = answering_server(2, AGENT);
    let proxy_url = format!("http://{proxy}");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child.args([
        "--exact",
        "clients::builtin_transports_under_a_proxy_in_the_environment",
        "--ignored",
        "--test-threads=1",
    ]);
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        child.env(name, &proxy_url);
    }
    let child = child.env_remove("NO_PROXY").env_remove("no_proxy").env("TALKOVER_TEST_API", &api).output().unwrap();
    let shown = format!("{}{}", String::from_utf8_lossy(&child.stdout), String::from_utf8_lossy(&child.stderr));
    assert!(child.status.success() && shown.contains("1 passed"), "{shown}");
    assert_eq!(api_seen.join().unwrap(), ["GET /api/v1/agents/a1 HTTP/1.1"; 2], "straight to the loopback API");
    let through = proxy_seen.join().unwrap();
    let expected = ["GET http://api.talkover.test/api/v1/agents/a1 HTTP/1.1", "CONNECT api.talkover.test:80 HTTP/1.1"];
    assert_eq!(through, expected, "another host through the proxy (reqwest's request, ureq's tunnel)");
}

/// The calls of the test above, in the process it starts with a proxy in the environment.
#[cfg(all(reqwest_transport, ureq_transport))]
#[tokio::test]
#[ignore = "run by builtin_transports_send_a_loopback_base_urls_requests_past_the_environments_proxy"]
async fn builtin_transports_under_a_proxy_in_the_environment() {
    // A client of either kind on `base`, plain http allowed, tried once.
    macro_rules! client_on {
        ($client:ty, $base:expr) => {{
            let builder = <$client>::builder().base_url($base).token(TOKEN).danger_accept_insecure_http();
            builder.retry_policy(talkover::RetryPolicy::none()).build().unwrap()
        }};
    }
    let api = std::env::var("TALKOVER_TEST_API").expect("started by the test above");
    for base in [format!("http://{api}"), "http://api.talkover.test".to_owned()] {
        let loopback = base.contains("127.0.0.1");
        let agent = client_on!(talkover::Client, &base).agents().get("a1").await;
        let blocking = client_on!(talkover::blocking::Client, &base);
        let again = tokio::task::spawn_blocking(move || blocking.agents().get("a1")).await.unwrap();
        // Through the proxy, which answers a tunnel's CONNECT (ureq's way) with no tunnel: only where the
        // request went is asked.
        if loopback {
            assert_eq!((agent.unwrap().name, again.unwrap().name), ("SupportBot".into(), "SupportBot".into()));
        }
    }
}
