//! What moves on its own: signed webhook deliveries to a receiver on 127.0.0.1, calls that progress on
//! the emulator's clock to the outcome their number chooses, campaign calls and campaign webhooks, and the
//! rate limit. Driven through both of the SDK's clients and over plain HTTP, with the clock advanced by
//! the tests (never slept on).

use crate::common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{agent, api, assert_api, voice};
use serde_json::{json, Map, Value};
use talkover::agents::AgentId;
use talkover::calls::{
    CallStatus, EndCall, GetActiveCall, ListCalls, MakeCall, MakeCampaignCall, NewCall, NewCampaignCall,
};
use talkover::campaigns::{
    CallTimeRange, CampaignChanges, CampaignStatus, CampaignType, CreateCampaign, GetCampaign, NewCampaign,
    NewCampaignRequired, UpdateCampaign, UpdateCampaignStatus,
};
use talkover::http::HeaderMap;
use talkover::time::Date;
use talkover::webhooks::{
    AgentWebhookEvent, CampaignWebhookChanges, CampaignWebhookEvent, CreateCampaignWebhook, CreateWebhook,
    DeleteCampaignWebhook, DeleteWebhook, DeliveryStatus, GetCampaignWebhook, GetWebhookDetails, ListAgentWebhooks,
    ListCampaignWebhookLogs, ListCampaignWebhooks, ListWebhookLogs, NewAgentWebhook, NewCampaignWebhook,
    RetryWebhookLog, TestCampaignWebhook, TestWebhook, ToggleCampaignWebhook, ToggleWebhookStatus,
    UpdateCampaignWebhook, WebhookHttpMethod, WebhookStatus,
};
use talkover::ErrorKind;
use talkover_core::webhook_delivery::{verify_delivery, SignatureError, WebhookDelivery};
use talkover_mock::Server;

const SECRET: &str = "whsec_live_tests";

/// How long a test waits for something the emulator does in the background.
const DEADLINE: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------------
// A webhook receiver on 127.0.0.1

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    method: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a delivery's body is JSON")
    }

    fn event(&self) -> String {
        self.json()["event"].as_str().unwrap_or_default().to_owned()
    }
}

/// A webhook target: answers every request with its current status and keeps what it got.
struct Receiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<AtomicU16>,
    /// Bytes of padding in each answer's JSON body, beside `"received": true`.
    padding: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (received, status, stop) =
            (Arc::new(Mutex::new(Vec::new())), Arc::new(AtomicU16::new(200)), Arc::new(AtomicBool::new(false)));
        let padding = Arc::new(AtomicUsize::new(0));
        let (kept, answer, pad, stopped) = (received.clone(), status.clone(), padding.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(120);
            while !stopped.load(Ordering::Relaxed) && Instant::now() < until {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (status, padding) = (answer.load(Ordering::Relaxed), pad.load(Ordering::Relaxed));
                        if status == 0 {
                            // Told to hang: the connection is held, unanswered, until the receiver stops.
                            while !stopped.load(Ordering::Relaxed) && Instant::now() < until {
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            drop(stream);
                            continue;
                        }
                        if let Some(request) = read_request(stream, status, padding) {
                            kept.lock().unwrap().push(request);
                        }
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self { addr, received, status, padding, stop, thread: Some(thread) }
    }

    fn url(&self) -> String {
        format!("http://{}/hooks", self.addr)
    }

    /// Answers every later request with `status`; 0 holds each connection unanswered instead.
    fn answer_with(&self, status: u16) {
        self.status.store(status, Ordering::Relaxed);
    }

    /// Makes every answer's body about `bytes` long.
    fn answer_padded(&self, bytes: usize) {
        self.padding.store(bytes, Ordering::Relaxed);
    }

    /// Waits (up to [`DEADLINE`]) until `count` requests have arrived, and returns them all.
    fn wait_for(&self, count: usize) -> Vec<Received> {
        let until = Instant::now() + DEADLINE;
        loop {
            let received = self.received.lock().unwrap().clone();
            if received.len() >= count {
                return received;
            }
            assert!(Instant::now() < until, "{} deliveries arrived, {count} expected", received.len());
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one HTTP/1.1 request and answers it with `status`.
fn read_request(mut stream: TcpStream, status: u16, padding: usize) -> Option<Received> {
    stream.set_nonblocking(false).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 || data.len() > 1 << 20 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let method = lines.next()?.split(' ').next()?.to_owned();
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let name = talkover::http::HeaderName::from_bytes(name.trim().as_bytes()).ok()?;
        headers.append(name, value.trim().parse().ok()?);
    }
    let length: usize = headers.get("content-length").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let answer = if padding == 0 {
        r#"{"received":true}"#.to_owned()
    } else {
        format!(r#"{{"received":true,"padding":"{}"}}"#, "x".repeat(padding))
    };
    let head = format!(
        "HTTP/1.1 {status} Answer\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        answer.len()
    );
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(answer.as_bytes()).ok()?;
    Some(Received { method, headers, body })
}

/// Every delivery is signed with the webhook's secret, and only with it.
fn assert_signed(deliveries: &[Received]) {
    for delivery in deliveries {
        assert_eq!(verify_delivery(&delivery.headers, &delivery.body, SECRET), Ok(()), "{delivery:?}");
        assert_eq!(verify_delivery(&delivery.headers, &delivery.body, "whsec_other"), Err(SignatureError::Mismatch));
        assert!(delivery.headers.contains_key("x-talkover-signature"));
    }
}

// ---------------------------------------------------------------------------------------------------
// Plain HTTP, as a script in another language would speak it

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn plain(server: &Server, method: &str, path: &str, body: Option<Value>) -> Answer {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    plain_typed(server, method, path, Some("application/json"), &body)
}

/// [`plain`] with the `Content-Type` given (none when `None`) and the body as text.
fn plain_typed(server: &Server, method: &str, path: &str, content_type: Option<&str>, body: &str) -> Answer {
    let mut stream = TcpStream::connect(server.addr()).expect("the emulator answers");
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let content_type = content_type.map(|t| format!("content-type: {t}\r\n")).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {}\r\naccept: application/json\r\n{content_type}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        server.addr(),
        server.token(),
        body.len(),
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8(raw).expect("a UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status");
    let mut headers = HeaderMap::new();
    for (name, value) in lines.filter_map(|l| l.split_once(':')) {
        headers.append(
            talkover::http::HeaderName::from_bytes(name.trim().as_bytes()).unwrap(),
            value.trim().parse().unwrap(),
        );
    }
    Answer { status, headers, body: serde_json::from_str(body).unwrap_or(Value::Null) }
}

// ---------------------------------------------------------------------------------------------------
// The clients

/// An emulator whose clock stands still until the test advances it, and a never-retrying blocking client
/// of it.
fn stopped_clock() -> (Server, talkover::blocking::Client) {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    (server, client)
}

/// A campaign of `agent` that dials at any hour of any day, in UTC.
fn always_on(agent: &AgentId, name: &str) -> NewCampaign {
    NewCampaign::new(always_on_required(agent, name))
}

/// The required fields of [`always_on`].
fn always_on_required(agent: &AgentId, name: &str) -> NewCampaignRequired {
    NewCampaignRequired {
        name: name.into(),
        campaign_type: CampaignType::Reminder,
        agent_id: agent.clone(),
        start_date: Date::new("2020-01-01").unwrap(),
        days_of_week: talkover::time::Weekday::ALL.to_vec(),
        call_time_ranges: vec![CallTimeRange::parse("00:00", "23:59").unwrap()],
        timezone: "UTC".into(),
    }
}

fn published_agent(client: &talkover::blocking::Client, name: &str) -> AgentId {
    let created = client.agents().create(agent(name)).unwrap();
    client.agents().update_voice(&created.id, voice()).unwrap();
    client.agents().publish(&created.id).unwrap();
    created.id
}

/// A [`published_agent`] named `name` with a webhook to `receiver` for calls starting, whose failed
/// deliveries are retried `max_retries` times.
fn agent_with_webhook(
    client: &talkover::blocking::Client,
    name: &str,
    receiver: &Receiver,
    max_retries: u32,
) -> (AgentId, talkover::webhooks::AgentWebhook) {
    let agent = published_agent(client, name);
    let hook =
        NewAgentWebhook::new("Hook", receiver.url(), [AgentWebhookEvent::PhoneCallStarted]).max_retries(max_retries);
    let webhook = client.execute(CreateWebhook::new(&agent, hook)).unwrap();
    (agent, webhook)
}

/// A receiver that answers every delivery 500 (until told otherwise).
fn refusing_receiver() -> Receiver {
    let receiver = Receiver::start();
    receiver.answer_with(500);
    receiver
}

/// A stopped clock and a receiver that answers 500, with an [`agent_with_webhook`] named `name` whose
/// webhook (retried `max_retries` times) is sent the start of a call just made: its deliveries fail.
fn failing_deliveries(
    name: &str,
    max_retries: u32,
) -> (Server, talkover::blocking::Client, Receiver, AgentId, talkover::webhooks::AgentWebhook) {
    let (server, client) = stopped_clock();
    let receiver = refusing_receiver();
    let (agent, webhook) = agent_with_webhook(&client, name, &receiver, max_retries);
    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
    (server, client, receiver, agent, webhook)
}

/// [`published_agent`] on the async client.
async fn published_agent_async(client: &talkover::Client, name: &str) -> AgentId {
    let created = client.agents().create(agent(name)).await.unwrap();
    client.agents().update_voice(&created.id, voice()).await.unwrap();
    client.agents().publish(&created.id).await.unwrap();
    created.id
}

/// `campaign`, created with `hook` as its webhook, then made active (its `campaign.started` delivery is the
/// hook's to take or leave).
fn active_with_webhook(
    client: &talkover::blocking::Client,
    campaign: NewCampaign,
    hook: NewCampaignWebhook,
) -> talkover::campaigns::CampaignId {
    let id = client.execute(CreateCampaign::new(campaign)).unwrap().id;
    client.execute(CreateCampaignWebhook::new(&id, hook)).unwrap();
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    id
}

/// A published agent whose webhook (signed with `SECRET`) sends `events` to a new receiver.
fn watched_agent(
    client: &talkover::blocking::Client,
    name: &str,
    events: impl IntoIterator<Item = AgentWebhookEvent>,
) -> (AgentId, Receiver) {
    let receiver = Receiver::start();
    let agent = published_agent(client, name);
    let hook = NewAgentWebhook::new(name, receiver.url(), events).webhook_secret(SECRET);
    client.execute(CreateWebhook::new(&agent, hook)).unwrap();
    (agent, receiver)
}

fn statuses(client: &talkover::blocking::Client, agent: &AgentId) -> Vec<(String, CallStatus, u64)> {
    let calls = client.execute(ListCalls::new().agent_id(agent).per_page(100)).unwrap();
    let mut found: Vec<_> = calls.items.into_iter().map(|c| (c.to, c.status, c.duration)).collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

// ---------------------------------------------------------------------------------------------------
// The tests

#[tokio::test(flavor = "current_thread")]
async fn test_webhook_delivers_a_signed_test_payload() {
    let (server, client) = common::start_async().await;
    let receiver = Receiver::start();
    let agent = client.agents().create(agent("Receiving")).await.unwrap();
    let hook = NewAgentWebhook::new("Receiver", receiver.url(), [AgentWebhookEvent::PhoneCallEnded])
        .webhook_secret(SECRET)
        .http_method(WebhookHttpMethod::Put)
        .custom_header("X-Team", "calls")
        // The delivery's own headers are its own: a custom header of the same name is left out.
        .custom_header("x-talkover-signature", "forged")
        .custom_header("Content-Type", "text/plain")
        .max_retries(1);
    let webhook = client.execute(CreateWebhook::new(&agent.id, hook)).await.unwrap();

    let result = client.execute(TestWebhook::new(&agent.id, &webhook.id)).await.unwrap();
    assert_eq!(result.status_code, 200);
    assert_eq!(server.pending_deliveries(), 0, "the test delivery is over once its answer came");
    let received = receiver.wait_for(1);
    assert_eq!(received.len(), 1);
    assert_signed(&received);
    assert_eq!(received[0].method, "PUT");
    assert_eq!(received[0].headers.get("x-team").and_then(|v| v.to_str().ok()), Some("calls"));
    for own in ["x-talkover-signature", "content-type"] {
        assert_eq!(received[0].headers.get_all(own).iter().count(), 1, "one {own}");
    }
    assert_eq!(received[0].headers["content-type"], "application/json");
    let delivery: WebhookDelivery = WebhookDelivery::from_slice(&received[0].body).unwrap();
    assert!(delivery.is_test());
    assert_eq!(delivery.agent_id.as_ref(), Some(&agent.id));
    assert_eq!(delivery.webhook_id.as_ref(), Some(&webhook.id));
    assert_eq!(delivery.webhook_name.as_deref(), Some("Receiver"));

    let logs = client.execute(ListWebhookLogs::new(&agent.id, &webhook.id)).await.unwrap();
    assert_eq!(logs.items.len(), 1);
    assert_eq!((logs.items[0].status.clone(), logs.items[0].http_status), (DeliveryStatus::Success, Some(200)));
    assert_eq!(logs.items[0].request_payload.as_ref().map(|p| p["test"].clone()), Some(json!(true)));

    // A target that refuses makes the test fail, in the documented shape.
    receiver.answer_with(500);
    let failed = client.execute(TestWebhook::new(&agent.id, &webhook.id)).await.unwrap_err();
    assert_eq!(api(&failed).kind, ErrorKind::Unsuccessful);
    assert_eq!(api(&failed).message.as_deref(), Some("Webhook test failed: HTTP 500 Internal Server Error"));
    // It was tried again as the webhook's `max_retries` says, before the answer came.
    assert_eq!(receiver.wait_for(3).len(), 3, "the first test, then the failing one and its retry");
}

#[test]
fn a_test_delivery_is_logged_from_when_it_was_sent_and_stamped_to_the_millisecond() {
    let server = Server::start_blocking().unwrap();
    let client = common::blocking_client(&server);
    // A target that takes the connection (into its backlog) and never answers: the attempt times out.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", silent.local_addr().unwrap());
    let agent = client.agents().create(agent("Slow target")).unwrap();
    let hook = NewAgentWebhook::new("Slow", url, [AgentWebhookEvent::PhoneCallEnded]).timeout(5).max_retries(0);
    let webhook = client.execute(CreateWebhook::new(&agent.id, hook)).unwrap();
    let failed = client.execute(TestWebhook::new(&agent.id, &webhook.id)).unwrap_err();
    assert_eq!(api(&failed).message.as_deref(), Some("Webhook test failed: Connection timeout"));

    let logs = client.execute(ListWebhookLogs::new(&agent.id, &webhook.id)).unwrap();
    let log = &logs.items[0];
    let payload = log.request_payload.as_ref().expect("the payload sent");
    // As test-webhook's example writes it: `2025-09-03T23:19:51.000Z`.
    let stamp = payload["timestamp"].as_str().expect("a timestamp");
    assert!(stamp.len() == 24 && stamp.ends_with('Z') && stamp.as_bytes()[19] == b'.', "{stamp}");
    let seconds = |text: &str| talkover::time::DateTime::new(text).unwrap().unix_timestamp();
    // Logged when the attempt began, not 5 s later when it timed out.
    let created = log.created_at.as_ref().expect("a creation time").as_str();
    let late = seconds(created) - seconds(stamp);
    assert!((0..=1).contains(&late), "created {created} for a delivery sent at {stamp}");
}

#[test]
fn calls_reach_the_outcome_their_number_chooses() {
    let (server, client) = stopped_clock();
    let events = [AgentWebhookEvent::PhoneCallStarted, AgentWebhookEvent::PhoneCallEnded];
    let (agent, receiver) = watched_agent(&client, "Outcomes", events);

    let numbers = ["+15550001111", "+15550002222", "+15550003333", "+15550004444", "+15550009876"];
    for number in numbers {
        let placed = client.execute(MakeCall::new(&agent, NewCall::new(number))).unwrap();
        assert_eq!(placed.status, CallStatus::Initiated);
    }
    server.advance_clock(Duration::from_millis(1500));
    let ringing = statuses(&client, &agent);
    assert_eq!(ringing.iter().find(|c| c.0 == "+15550009876").map(|c| c.1.clone()), Some(CallStatus::Ringing));
    assert_eq!(ringing.iter().find(|c| c.0 == "+15550002222").map(|c| c.1.clone()), Some(CallStatus::Busy));

    server.advance_clock(Duration::from_secs(10));
    let ended = statuses(&client, &agent);
    assert_eq!(
        ended,
        [
            ("+15550001111".to_owned(), CallStatus::NoAnswer, 0),
            ("+15550002222".to_owned(), CallStatus::Busy, 0),
            ("+15550003333".to_owned(), CallStatus::Failed, 0),
            ("+15550004444".to_owned(), CallStatus::Completed, 2),
            ("+15550009876".to_owned(), CallStatus::Completed, 2),
        ]
    );

    // Each call was announced when placed and when it ended, signed.
    let received = receiver.wait_for(2 * numbers.len());
    assert_signed(&received);
    let seen: BTreeSet<(String, String)> =
        received.iter().map(|r| (r.event(), r.json()["to"].as_str().unwrap_or_default().to_owned())).collect();
    for number in numbers {
        assert!(seen.contains(&("event_phone_call_started".to_owned(), number.to_owned())), "{seen:?}");
        assert!(seen.contains(&("event_phone_call_ended".to_owned(), number.to_owned())), "{seen:?}");
    }
    // A webhook receives a call's events in the order they happened.
    for number in numbers {
        let at = |event: &str| received.iter().position(|r| r.event() == event && r.json()["to"] == number);
        assert!(at("event_phone_call_started") < at("event_phone_call_ended"), "{number}: {seen:?}");
    }
    let no_answer = received.iter().find(|r| r.event() == "event_phone_call_ended" && r.json()["to"] == "+15550001111");
    assert_eq!(no_answer.map(|r| r.json()["status"].clone()), Some(json!("no-answer")));
}

/// The events of each step of a call, in order.
fn every_step_of_a_call() -> [AgentWebhookEvent; 5] {
    [
        AgentWebhookEvent::PhoneCallStarted,
        AgentWebhookEvent::PhoneCallConnected,
        AgentWebhookEvent::ConversationStarted,
        AgentWebhookEvent::ConversationEnded,
        AgentWebhookEvent::PhoneCallEnded,
    ]
}

#[test]
fn a_calls_context_comes_back_in_every_event_of_the_call() {
    let (server, client) = stopped_clock();
    let events = every_step_of_a_call();
    let (agent, receiver) = watched_agent(&client, "Context", events);

    // One call runs its course; another is ended by the caller; a third has no context.
    let ours = NewCall::new("+15550009876").context_value("user_id", "user_123").context_value("attempt", 2);
    let placed = client.execute(MakeCall::new(&agent, ours)).unwrap();
    let long = NewCall::new("+15550005555").context_value("ticket", json!({ "id": 7 }));
    let ended_by_us = client.execute(MakeCall::new(&agent, long)).unwrap();
    let plain = client.execute(MakeCall::new(&agent, NewCall::new("+15550001111"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    client.execute(EndCall::new(&agent, ended_by_us.id.clone())).unwrap();

    // 5 events of the answered call, 5 of the ended one, started and ended of the unanswered one.
    let received = receiver.wait_for(12);
    assert_signed(&received);
    let of_call = |id: &talkover::calls::CallId| -> Vec<WebhookDelivery> {
        let deliveries = received.iter().map(|r| WebhookDelivery::from_slice(&r.body).unwrap());
        deliveries.filter(|d| d.call_id().as_ref() == Some(id)).collect()
    };
    let answered = of_call(&placed.id);
    let names: Vec<_> = answered.iter().map(|d| d.event_name().unwrap_or_default()).collect();
    assert_eq!(
        names,
        [
            "event_phone_call_started",
            "event_phone_call_connected",
            "event_conversation_started",
            "event_conversation_ended",
            "event_phone_call_ended",
        ]
    );
    for delivery in &answered {
        let context = delivery.context().map(|c| Value::Object(c.clone()));
        assert_eq!(context, Some(json!({ "user_id": "user_123", "attempt": 2 })), "{delivery:?}");
    }
    let ended = of_call(&ended_by_us.id);
    assert_eq!(ended.len(), 5);
    assert!(ended.iter().all(|d| d.context().and_then(|c| c.get("ticket")) == Some(&json!({ "id": 7 }))), "{ended:?}");
    let without = of_call(&plain.id);
    assert_eq!(without.len(), 2);
    assert!(without.iter().all(|d| d.context().is_none()), "{without:?}");
}

#[test]
fn a_delayed_call_waits_before_it_is_placed() {
    let (server, client) = stopped_clock();
    let events = [AgentWebhookEvent::PhoneCallStarted, AgentWebhookEvent::PhoneCallEnded];
    let (agent, receiver) = watched_agent(&client, "Later", events);
    let made_at = server.clock_now();
    let placed = client.execute(MakeCall::new(&agent, NewCall::new("+15550009876").delay_seconds(30))).unwrap();
    assert_eq!((placed.status, placed.created_at.as_str()), (CallStatus::Initiated, made_at.as_str()));

    // The clock is driven over HTTP, as a script would: the call is `initiated` until it is placed, 30 s on.
    let advance = |seconds: f64| {
        let answer = plain(&server, "POST", "/_emulator/clock/advance", Some(json!({ "seconds": seconds })));
        assert_eq!(answer.status, 200, "{}", answer.body);
    };
    let status = || statuses(&client, &agent).into_iter().map(|(_, status, _)| status).collect::<Vec<_>>();
    advance(29.5);
    assert_eq!(status(), [CallStatus::Initiated]);
    let active = client.execute(GetActiveCall::new(&agent, "+15550009876")).unwrap();
    assert_eq!(active.items.iter().map(|c| &c.status).collect::<Vec<_>>(), [&CallStatus::Initiated]);
    advance(1.0);
    assert_eq!(status(), [CallStatus::Initiated], "placed, not ringing yet");
    advance(1.0);
    assert_eq!(status(), [CallStatus::Ringing], "ringing 1 s after it was placed");
    advance(10.0);
    let ended = statuses(&client, &agent);
    assert_eq!(ended, [("+15550009876".to_owned(), CallStatus::Completed, 2)]);

    // Its start was announced when it was placed, not when it was made.
    let received = receiver.wait_for(2);
    let deliveries: Vec<WebhookDelivery> =
        received.iter().map(|r| WebhookDelivery::from_slice(&r.body).unwrap()).collect();
    let names: Vec<_> = deliveries.iter().map(|d| d.event_name().unwrap_or_default()).collect();
    assert_eq!(names, ["event_phone_call_started", "event_phone_call_ended"]);
    let seconds = |text: &str| talkover::time::DateTime::new(text).unwrap().unix_timestamp();
    let started_at = deliveries[0].timestamp.as_ref().map(|t| seconds(t.as_str())).unwrap();
    assert!(started_at >= seconds(&made_at) + 30, "started {started_at}, made {made_at}");
}

/// A jump of the clock brings about a call's events at once; each is in the logs from when it happened
/// (README: "in the webhook's logs from its event on"), not from when the clock got there.
#[test]
fn a_delivery_is_logged_from_its_event_after_a_jump_of_the_clock() {
    let (server, client) = stopped_clock();
    let events = [AgentWebhookEvent::PhoneCallStarted, AgentWebhookEvent::PhoneCallEnded];
    let (agent, receiver) = watched_agent(&client, "Jumped", events);
    let webhook = client.execute(ListAgentWebhooks::new(&agent)).unwrap().webhooks[0].id.clone();
    client.execute(MakeCall::new(&agent, NewCall::new("+15550009876"))).unwrap();
    server.advance_clock(Duration::from_secs(3600));
    receiver.wait_for(2);
    let logs = poll_logs(&client, &agent, &webhook, |logs| logs.len() == 2);
    let seconds = |text: &str| talkover::time::DateTime::new(text).unwrap().unix_timestamp();
    for log in &logs {
        let payload = log.request_payload.as_ref().expect("the payload sent");
        let happened = seconds(payload["timestamp"].as_str().expect("a timestamp"));
        let logged = seconds(log.created_at.as_ref().expect("a creation time").as_str());
        assert_eq!(logged, happened, "{:?} logged at {logged}, its event at {happened}", log.event);
    }
    assert!(
        seconds(&server.clock_now())
            >= logs.iter().map(|l| seconds(l.created_at.as_ref().unwrap().as_str())).max().unwrap() + 3000
    );
}

/// A payload template that makes a body past the emulator's limit (a long field written many times over)
/// is not sent and not kept: its one attempt is logged failed, saying why, and the receiver gets nothing.
#[test]
fn a_delivery_its_template_makes_too_large_is_not_sent() {
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Amplified");
    let name = "n".repeat(255);
    let template = json!({ "a": "{{webhook_name}}".repeat(20_000), "call": "{{call.id}}" });
    let hook = NewAgentWebhook::new(
        name,
        receiver.url(),
        [AgentWebhookEvent::PhoneCallStarted, AgentWebhookEvent::PhoneCallEnded],
    )
    .payload_template(AgentWebhookEvent::PhoneCallEnded, template)
    .max_retries(3);
    let webhook = client.execute(CreateWebhook::new(&agent, hook)).unwrap().id;
    client.execute(MakeCall::new(&agent, NewCall::new("+15550009876"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    // The start, which has no template, arrives; the end does not.
    let received = receiver.wait_for(1);
    let logs = poll_logs(&client, &agent, &webhook, |logs| {
        logs.len() == 2 && logs.iter().all(|l| l.status != DeliveryStatus::Pending)
    });
    let ended = logs.iter().find(|l| l.event == AgentWebhookEvent::PhoneCallEnded).expect("the end's log");
    assert_eq!(ended.status, DeliveryStatus::Failed, "{ended:?}");
    let error = ended.error.as_deref().unwrap_or_default();
    assert_eq!(
        error,
        "not sent: the body the payload template makes is larger than the emulator's limit of 1048576 bytes"
    );
    assert_eq!(ended.request_payload, None, "nothing of it is kept");
    // Retried, it is made again from the event with the webhook's template, and refused again: nothing
    // made up is sent in its place.
    let retry = client.execute(RetryWebhookLog::new(&agent, &webhook, &ended.id)).unwrap();
    let logs = poll_logs(&client, &agent, &webhook, |logs| {
        logs.iter().any(|l| l.id == retry.log_id && l.status != DeliveryStatus::Pending)
    });
    let retried = logs.iter().find(|l| l.id == retry.log_id).unwrap();
    assert_eq!((&retried.status, retried.error.as_deref()), (&DeliveryStatus::Failed, Some(error)));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(receiver.received.lock().unwrap().len(), received.len(), "it was not sent, nor tried again");
}

/// A retried delivery of a templated webhook is made again from its event with the webhook's template,
/// not from the body sent the first time (whose placeholders are filled in already).
#[test]
fn a_retried_templated_delivery_is_made_from_its_event_again() {
    let (server, client) = stopped_clock();
    let receiver = refusing_receiver();
    let agent = published_agent(&client, "Templated");
    let template = json!({ "summary": "{{call.to}} {{call.status}}", "call": "{{call.id}}" });
    let hook = NewAgentWebhook::new("Templated", receiver.url(), [AgentWebhookEvent::PhoneCallEnded])
        .payload_template(AgentWebhookEvent::PhoneCallEnded, template)
        .max_retries(0);
    let webhook = client.execute(CreateWebhook::new(&agent, hook)).unwrap().id;
    let call = client.execute(MakeCall::new(&agent, NewCall::new("+15550003333"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    let logs = poll_logs(&client, &agent, &webhook, |logs| logs.iter().any(|l| l.status == DeliveryStatus::Failed));
    receiver.answer_with(200);
    let retry = client.execute(RetryWebhookLog::new(&agent, &webhook, &logs[0].id)).unwrap();
    poll_logs(&client, &agent, &webhook, |logs| {
        logs.iter().any(|l| l.id == retry.log_id && l.status == DeliveryStatus::Success)
    });
    let received = receiver.wait_for(2);
    let bodies: Vec<Value> = received.iter().map(|r| r.json()).collect();
    let expected = json!({ "summary": "+15550003333 failed", "call": call.id.as_str() });
    assert_eq!(bodies, [expected.clone(), expected]);
}

#[tokio::test(flavor = "current_thread")]
async fn end_call_ends_an_active_call() {
    let server = Server::builder().clock_scale(0.0).start().await.unwrap();
    let client = common::async_client(&server);
    let agent = published_agent_async(&client, "Hanging up").await;
    let number = "+15550005555";
    let placed = client.execute(MakeCall::new(&agent, NewCall::new(number))).await.unwrap();

    server.advance_clock(Duration::from_secs(30));
    let active = client.execute(GetActiveCall::new(&agent, number)).await.unwrap();
    assert_eq!(
        active.items.iter().map(|c| (&c.id, &c.status)).collect::<Vec<_>>(),
        [(&placed.id, &CallStatus::Answered)]
    );
    // Answered 2 s after it was placed: its talk time so far, from then.
    assert_eq!(active.items[0].duration_seconds, Some(28));

    let ended = client.execute(EndCall::new(&agent, placed.id.clone())).await.unwrap();
    assert_eq!(ended.status, CallStatus::Completed);
    let gone = client.execute(GetActiveCall::new(&agent, number)).await.unwrap_err();
    assert_eq!(api(&gone).status.as_u16(), 404);
    let again = client.execute(EndCall::new(&agent, placed.id.clone())).await.unwrap_err();
    assert_eq!(api(&again).code.as_deref(), Some("CALL_NOT_ACTIVE"));
    // An hour later the call is still the one that was ended, with its talk time.
    server.advance_clock(Duration::from_secs(3600));
    let calls = client.execute(ListCalls::new().agent_id(&agent)).await.unwrap();
    assert_eq!(calls.items.iter().map(|c| (&c.status, c.duration)).collect::<Vec<_>>(), [(&CallStatus::Completed, 28)]);
}

/// end-call takes the call's `id` ("the `id` returned by Make a Call", its page), not the sid the call
/// lists show beside it: a program that sends the sid gets the page's 404, and the call goes on.
#[test]
fn end_call_takes_the_calls_id_not_its_sid() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Strict");
    let placed = client.execute(MakeCall::new(&agent, NewCall::new("+15550005555"))).unwrap();
    server.advance_clock(Duration::from_secs(30));
    let listed = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_ne!(listed[0].sid, placed.id.as_str(), "the call's sid is not its id");

    let by_sid = client.execute(EndCall::new(&agent, listed[0].sid.as_str())).unwrap_err();
    assert_api(&by_sid, 404, ErrorKind::NotFound, "Call not found for this agent");
    let calls = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items;
    assert_eq!(calls[0].status, CallStatus::Answered, "the call goes on");

    let ended = client.execute(EndCall::new(&agent, placed.id.clone())).unwrap();
    assert_eq!((ended.id, ended.status), (placed.id, CallStatus::Completed));
}

#[test]
fn rate_limit_headers_on_every_answer_and_429_past_the_limit() {
    let server = Server::builder().rate_limit(3).start_blocking().unwrap();
    let mut resets = BTreeSet::new();
    for remaining in ["2", "1", "0"] {
        let answer = plain(&server, "GET", "/api/v1/agents", None);
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("x-ratelimit-limit"), Some("3"));
        assert_eq!(answer.header("x-ratelimit-remaining"), Some(remaining));
        let reset: u64 = answer.header("x-ratelimit-reset").and_then(|r| r.parse().ok()).expect("a reset time");
        assert!(reset > 1_700_000_000, "{reset}");
        resets.insert(reset);
    }
    assert_eq!(resets.len(), 1, "one window, one reset time: {resets:?}");
    let refused = plain(&server, "GET", "/api/v1/agents", None);
    assert_eq!(refused.status, 429);
    let retry_after: u64 = refused.header("retry-after").and_then(|r| r.parse().ok()).expect("a Retry-After");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(refused.body["message"], "Too many requests. Please try again later.");
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));

    // The SDK reads the same: a rate-limited error with its delay and the headers' state.
    let error = common::blocking_client(&server).agents().list().send().unwrap_err();
    assert_eq!(api(&error).kind, ErrorKind::RateLimited);
    assert_eq!(api(&error).retry_after.map(|d| d.as_secs() >= 1), Some(true));
    let state = api(&error).rate_limit().expect("rate-limit headers");
    assert_eq!((state.limit, state.remaining), (Some(3), Some(0)));

    // make-call's documented 429 names its code and the same wait.
    let agent = "550e8400-e29b-41d4-a716-446655440000";
    let call = plain(&server, "POST", &format!("/api/v1/agents/{agent}/call"), Some(json!({ "to": "+15550001234" })));
    assert_eq!((call.status, call.body["error"]["code"].clone()), (429, json!("RATE_LIMIT_EXCEEDED")));
    let wait = call.header("retry-after").and_then(|r| r.parse::<u64>().ok());
    assert_eq!(call.body["error"]["details"]["retry_after"].as_u64(), wait);

    // Without a limit the headers report the Standard plan's and nothing is refused.
    let open = Server::start_blocking().unwrap();
    let answer = plain(&open, "GET", "/api/v1/agents", None);
    assert_eq!((answer.status, answer.header("x-ratelimit-limit")), (200, Some("100")));
}

#[test]
fn an_injected_burst_of_429s_agrees_with_itself() {
    let server = Server::builder().rate_limit_burst(4, 7).start_blocking().unwrap();
    let agent = "550e8400-e29b-41d4-a716-446655440000";
    let call = plain(&server, "POST", &format!("/api/v1/agents/{agent}/call"), Some(json!({ "to": "+15550001234" })));
    assert_eq!((call.status, call.body["error"]["code"].clone()), (429, json!("RATE_LIMIT_EXCEEDED")));
    // The body's wait is the header's, and a refused request leaves none in the window.
    assert_eq!(call.header("retry-after"), Some("7"));
    assert_eq!(call.body["error"]["details"]["retry_after"], json!(7));
    assert_eq!(call.header("x-ratelimit-remaining"), Some("0"));
    let listed = plain(&server, "GET", "/api/v1/agents", None);
    assert_eq!((listed.status, listed.header("retry-after")), (429, Some("7")));
    assert_eq!(listed.header("x-ratelimit-remaining"), Some("0"));

    // The SDK waits what the body and the header both say.
    let error =
        common::blocking_client(&server).execute(MakeCall::new(agent, NewCall::new("+15550001234"))).unwrap_err();
    assert_eq!(api(&error).retry_after, Some(Duration::from_secs(7)));
}

#[test]
fn refused_requests_leave_the_rate_limits_quota_as_it_was() {
    // An injected burst stands for a limiter the requests did not pass: after it, the whole quota is left.
    let server = Server::builder().rate_limit(3).rate_limit_burst(2, 7).start_blocking().unwrap();
    for _ in 0..2 {
        assert_eq!(plain(&server, "GET", "/api/v1/agents", None).status, 429);
    }
    let mut left = Vec::new();
    for _ in 0..3 {
        let answer = plain(&server, "GET", "/api/v1/agents", None);
        assert_eq!(answer.status, 200, "{}", answer.body);
        left.push(answer.header("x-ratelimit-remaining").unwrap_or_default().to_owned());
    }
    assert_eq!(left, ["2", "1", "0"]);
    // Past the limit, a refused request reports none left and the window's end as it stands.
    let first = plain(&server, "GET", "/api/v1/agents", None);
    let second = plain(&server, "GET", "/api/v1/agents", None);
    for refused in [&first, &second] {
        assert_eq!((refused.status, refused.header("x-ratelimit-remaining")), (429, Some("0")));
    }
    assert_eq!(first.header("x-ratelimit-reset"), second.header("x-ratelimit-reset"));
}

#[test]
fn requests_without_an_accepted_token_or_an_operation_use_none_of_the_rate_limits_quota() {
    // Authentication comes first: a stranger gets 401 however many times it asks, and the caller's quota
    // is whole afterwards.
    let server = Server::builder().rate_limit(2).start_blocking().unwrap();
    let stranger =
        talkover::blocking::Client::builder().base_url(server.base_url()).token("talq_not_it").max_retries(0).build();
    let stranger = stranger.unwrap();
    for _ in 0..4 {
        let refused = stranger.execute(talkover::agents::ListAgents::new()).unwrap_err();
        assert_eq!(api(&refused).status.as_u16(), 401, "{refused}");
    }
    // The limiter is the routes' own: a path no operation has (404) and a method its path does not take
    // (405, health's included) are answered before it, whoever asks.
    for _ in 0..3 {
        assert_eq!(plain(&server, "GET", "/api/v1/agentz", None).status, 404);
        assert_eq!(plain(&server, "DELETE", "/api/v1/health", None).status, 405);
        assert_eq!(plain(&server, "PATCH", "/api/v1/agents", None).status, 405);
    }
    // A path with a trailing slash is its operation's, and counts.
    let left: Vec<String> = (0..2)
        .map(|_| {
            let answer = plain(&server, "GET", "/api/v1/agents/", None);
            assert_eq!(answer.status, 200, "{}", answer.body);
            answer.header("x-ratelimit-remaining").unwrap_or_default().to_owned()
        })
        .collect();
    assert_eq!(left, ["1", "0"]);
    assert_eq!(plain(&server, "GET", "/api/v1/agents", None).status, 429);
}

#[test]
fn health_is_exempt_from_the_rate_limit() {
    let server = Server::builder().rate_limit(2).start_blocking().unwrap();
    // With a trailing slash it is health as well, which the router reads without it.
    for path in ["/api/v1/health", "/api/v1/health/", "/api/v1/health", "/api/v1/health//", "/api/v1/health"] {
        let health = plain(&server, "GET", path, None);
        assert_eq!((health.status, health.body["status"].clone()), (200, json!("ok")));
        // Like every answer it reports the window, which it leaves as it was.
        assert_eq!(health.header("x-ratelimit-limit"), Some("2"));
        assert_eq!(health.header("x-ratelimit-remaining"), Some("2"));
        assert!(health.header("x-ratelimit-reset").and_then(|r| r.parse::<u64>().ok()).is_some());
    }
    // The probes took nothing from the window.
    let mut resets = BTreeSet::new();
    for remaining in ["1", "0"] {
        let answer = plain(&server, "GET", "/api/v1/agents", None);
        assert_eq!((answer.status, answer.header("x-ratelimit-remaining")), (200, Some(remaining)));
        resets.insert(answer.header("x-ratelimit-reset").unwrap().to_owned());
        let health = plain(&server, "HEAD", "/api/v1/health", None);
        assert_eq!((health.status, health.header("x-ratelimit-remaining")), (200, Some(remaining)));
        // A preflight is answered before the API, as a CORS layer answers it: not counted either.
        let preflight = plain(&server, "OPTIONS", "/api/v1/agents", None);
        assert_eq!(preflight.header("x-ratelimit-remaining"), Some(remaining));
        resets.insert(health.header("x-ratelimit-reset").unwrap().to_owned());
    }
    assert_eq!(resets.len(), 1, "health reports the same window: {resets:?}");
    assert_eq!(plain(&server, "GET", "/api/v1/agents", None).status, 429);
    let past = plain(&server, "GET", "/api/v1/health", None);
    assert_eq!((past.status, past.header("x-ratelimit-remaining")), (200, Some("0")), "exempt past the limit too");

    // An injected burst of 429s stands for the rate limit: health passes it, and leaves it whole.
    let bursting = Server::builder().rate_limit_burst(1, 1).start_blocking().unwrap();
    assert_eq!(plain(&bursting, "GET", "/api/v1/health", None).status, 200);
    assert_eq!(plain(&bursting, "GET", "/api/v1/agents", None).status, 429);
}

/// Health is never failed by an injected error rate either (nor by a lost answer or a burst): its page says
/// it is safe to poll, and a readiness probe that polls it sees the emulator up while the API fails.
#[test]
fn health_is_never_failed_by_injected_faults() {
    let server = Server::builder().error_rate(1.0).lost_answer_rate(1.0).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    for _ in 0..5 {
        let health = client.health();
        assert!(health.is_ok(), "{health:?}");
    }
    // The faults are in force for the rest of the API.
    let failed = client.agents().list().send().unwrap_err();
    assert_eq!(api(&failed).kind, ErrorKind::Server);
}

/// A body is read as JSON only when it says it is (`Content-Type: application/json`, as the reference
/// requires): sent as text or a form, or untyped, it is refused with a 415 that says so, and nothing is
/// created; a request without a body needs no type.
#[test]
fn a_body_not_sent_as_json_is_refused_and_changes_nothing() {
    let server = Server::start_blocking().unwrap();
    let count = || plain(&server, "GET", "/api/v1/agents", None).body["meta"]["total"].as_u64().expect("a total");
    let before = count();
    let body = serde_json::to_string(&agent("Typed")).unwrap();
    for content_type in [Some("text/plain;charset=UTF-8"), Some("application/x-www-form-urlencoded"), None] {
        let refused = plain_typed(&server, "POST", "/api/v1/agents", content_type, &body);
        assert_eq!(refused.status, 415, "{content_type:?}: {}", refused.body);
        assert_eq!(refused.body["success"], json!(false), "{content_type:?}");
        assert!(refused.body["message"].as_str().unwrap().contains("Content-Type: application/json"));
    }
    assert_eq!(count(), before, "nothing was created");
    let created = plain_typed(&server, "POST", "/api/v1/agents", Some("Application/JSON; charset=utf-8"), &body);
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(count(), before + 1);
    let id = created.body["data"]["id"].as_str().unwrap().to_owned();
    // Publishing takes no body, so no type: its answer is its own (no voice yet), not a 415.
    let publish = plain_typed(&server, "POST", &format!("/api/v1/agents/{id}/publish"), None, "");
    assert_ne!(publish.status, 415, "{}", publish.body);
}

/// `{"until": …}` moves the clock to that moment to the millisecond, from a clock standing at any
/// millisecond; a clock told where to start (`clock_start`) starts there, and there again on a reset, with
/// the records the emulator starts with and those made after stamped from it.
#[test]
fn the_clock_lands_on_the_moment_asked_and_starts_where_it_is_told() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let until = "2030-01-07T09:00:00Z";
    for _ in 0..10 {
        assert_eq!(plain(&server, "POST", "/_emulator/reset", None).status, 200);
        let moved = plain(&server, "POST", "/_emulator/clock/advance", Some(json!({ "until": until }))).body;
        let now = (moved["data"]["now"].as_str(), moved["data"]["now_ms"].as_i64());
        assert_eq!(now, (Some(until), Some(1_894_006_800_000)), "{moved}");
    }

    let start = talkover::time::DateTime::new(until).unwrap();
    let server = Server::builder().clock_start(start).clock_scale(0.0).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let numbers = plain(&server, "GET", "/api/v1/phone-numbers?per_page=100", None).body;
    let stamps: BTreeSet<&str> = numbers["data"]
        .as_array()
        .expect("numbers")
        .iter()
        .filter(|n| n["id"] == "phone-uuid-3" || n["id"] == "phone-uuid-4")
        .map(|n| n["created_at"].as_str().expect("created_at"))
        .collect();
    assert_eq!(stamps, BTreeSet::from([until]), "{numbers}");
    server.advance_clock(Duration::from_secs(90));
    let created = client.agents().create(agent("Stamped")).unwrap();
    assert_eq!(created.created_at.as_ref().map(|t| t.as_str()), Some("2030-01-07T09:01:30Z"));
    server.reset();
    assert_eq!(server.clock_now(), until);

    // Started at the last second the API writes, the trunk's numbers are still there, renewed at it.
    let last = talkover::time::DateTime::new("9999-12-31T23:59:59Z").unwrap();
    let server = Server::builder().clock_start(last).clock_scale(0.0).start_blocking().unwrap();
    let numbers = plain(&server, "GET", "/api/v1/phone-numbers?per_page=100", None).body;
    assert_eq!(numbers["data"].as_array().map(Vec::len), Some(4), "{numbers}");
}

#[test]
fn a_script_drives_calls_and_the_clock_over_plain_http() {
    let server = Server::start_blocking().unwrap();
    let receiver = Receiver::start();
    let frozen = plain(&server, "POST", "/_emulator/clock/scale", Some(json!({ "scale": 0 })));
    assert_eq!((frozen.status, frozen.body["data"]["scale"].clone()), (200, json!(0.0)));
    // The reference's example agent, published.
    let agent = "550e8400-e29b-41d4-a716-446655440000";
    // A scheme is case-insensitive: `HTTP://` is taken and delivered to.
    let url = receiver.url().replacen("http://", "HTTP://", 1);
    let hook = json!({
        "name": "Script", "webhook_url": url, "webhook_secret": SECRET,
        "events": ["event_phone_call_ended"],
        "payload_templates": {
            "event_phone_call_ended": { "event": "{{event}}", "call_id": "{{call.id}}", "summary": "{{call.to}} {{call.status}}" },
        },
    });
    let created = plain(&server, "POST", &format!("/api/v1/agents/{agent}/webhooks"), Some(hook));
    assert_eq!(created.status, 200, "{}", created.body);
    let placed = plain(&server, "POST", &format!("/api/v1/agents/{agent}/call"), Some(json!({ "to": "+15550003333" })));
    assert_eq!(placed.status, 200, "{}", placed.body);
    let call_id = placed.body["data"]["id"].clone();

    let before = plain(&server, "GET", "/_emulator/clock", None).body["data"].clone();
    let advanced = plain(&server, "POST", "/_emulator/clock/advance", Some(json!({ "seconds": 60 })));
    assert_eq!(advanced.status, 200);
    assert_ne!(advanced.body["data"]["now"], before["now"]);
    // Half a second shows to the millisecond, where `now` keeps the second.
    let half = plain(&server, "POST", "/_emulator/clock/advance", Some(json!({ "seconds": 0.5 }))).body["data"].clone();
    let ms = |data: &Value| data["now_ms"].as_i64().expect("now_ms");
    assert_eq!((ms(&advanced.body["data"]) - ms(&before), ms(&half) - ms(&advanced.body["data"])), (60_000, 500));
    let seconds = talkover::time::DateTime::new(half["now"].as_str().unwrap()).unwrap().unix_timestamp();
    assert_eq!(seconds, ms(&half).div_euclid(1000));
    let refused = plain(&server, "POST", "/_emulator/clock/advance", Some(json!({ "seconds": "soon" })));
    assert_eq!(refused.status, 422);
    // A pace past the fastest is refused, not taken as another; a control asked with the wrong method is a
    // 405 naming the right one.
    let too_fast = plain(&server, "POST", "/_emulator/clock/scale", Some(json!({ "scale": 1e9 })));
    assert_eq!(too_fast.status, 422, "{}", too_fast.body);
    assert_eq!(plain(&server, "GET", "/_emulator/clock", None).body["data"]["scale"], json!(0.0));
    let wrong = plain(&server, "GET", "/_emulator/clock/advance", None);
    assert_eq!((wrong.status, wrong.header("allow")), (405, Some("POST")), "{}", wrong.body);

    let failed = plain(&server, "GET", "/api/v1/calls?status=failed", None);
    let ids: Vec<&Value> = failed.body["data"].as_array().unwrap().iter().map(|c| &c["id"]).collect();
    assert_eq!(ids, [&call_id]);
    let received = receiver.wait_for(1);
    assert_signed(&received);
    assert_eq!(
        (received[0].event(), received[0].json()["call_id"].clone()),
        ("event_phone_call_ended".to_owned(), call_id)
    );
    // The webhook's payload template shaped the body.
    assert_eq!(received[0].json()["summary"], "+15550003333 failed");
    assert_eq!(received[0].json().as_object().map(|o| o.len()), Some(3));
}

#[test]
fn webhook_logs_record_attempts_and_a_retry_resends() {
    let (_server, client) = stopped_clock();
    let receiver = refusing_receiver();
    let agent = published_agent(&client, "Retrying");
    let hook = NewAgentWebhook::new("Flaky", receiver.url(), [AgentWebhookEvent::PhoneCallStarted])
        .webhook_secret(SECRET)
        .max_retries(1);
    let webhook = client.execute(CreateWebhook::new(&agent, hook)).unwrap();
    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();

    // The first attempt and its one retry both fail, and both are logged (newest first).
    receiver.wait_for(2);
    let logs = poll_logs(&client, &agent, &webhook.id, |logs| logs.len() == 2);
    let seen: Vec<_> = logs.iter().map(|l| (l.attempt, l.status.clone(), l.http_status)).collect();
    assert_eq!(seen, [(2, DeliveryStatus::Failed, Some(500)), (1, DeliveryStatus::Retrying, Some(500))]);
    assert!(logs.iter().all(|l| l.error.is_some() && l.duration_ms.is_some()));
    let details = client.execute(GetWebhookDetails::new(&agent, &webhook.id)).unwrap();
    assert_eq!(details.status, Some(WebhookStatus::Error), "its deliveries fail");

    // A disabled webhook's log is not retried (retry-webhook-log: not retriable when it is disabled).
    client.execute(ToggleWebhookStatus::new(&agent, &webhook.id)).unwrap();
    let disabled = client.execute(RetryWebhookLog::new(&agent, &webhook.id, &logs[0].id)).unwrap_err();
    assert_eq!((api(&disabled).status.as_u16(), api(&disabled).code.as_deref()), (422, Some("LOG_NOT_RETRIABLE")));
    client.execute(ToggleWebhookStatus::new(&agent, &webhook.id)).unwrap();

    // Retried once the target is back: a new attempt, logged apart, delivered with the same payload.
    receiver.answer_with(200);
    let retry = client.execute(RetryWebhookLog::new(&agent, &webhook.id, &logs[0].id)).unwrap();
    assert_eq!(retry.original_log_id, logs[0].id);
    let logs = poll_logs(&client, &agent, &webhook.id, |logs| {
        logs.iter().any(|l| l.id == retry.log_id && l.status == DeliveryStatus::Success)
    });
    let retried = logs.iter().find(|l| l.id == retry.log_id).unwrap();
    assert_eq!((retried.attempt, retried.http_status), (3, Some(200)));
    let received = receiver.wait_for(3);
    assert_signed(&received);
    assert_eq!(received[2].body, received[0].body);

    let details = client.execute(GetWebhookDetails::new(&agent, &webhook.id)).unwrap();
    assert_eq!(details.status, Some(WebhookStatus::Active), "delivering again");

    let again = client.execute(RetryWebhookLog::new(&agent, &webhook.id, &retry.log_id)).unwrap_err();
    assert_api(&again, 422, ErrorKind::Validation, "Log cannot be retried");
    assert_eq!(api(&again).code.as_deref(), Some("LOG_NOT_RETRIABLE"));
    // Nor is an earlier attempt of the delivery that succeeded: the target would get it twice.
    let first = logs.iter().find(|l| l.attempt == 1).unwrap();
    let twice = client.execute(RetryWebhookLog::new(&agent, &webhook.id, &first.id)).unwrap_err();
    assert_eq!(api(&twice).code.as_deref(), Some("LOG_NOT_RETRIABLE"));
}

/// A call placed by a [`published_agent`] named `name` whose webhook (never retried, timing out after
/// `timeout` seconds) takes calls starting to a target that takes the connection and never answers: the
/// attempt lasts the webhook's timeout. The target listens as long as it is held.
fn call_to_a_silent_webhook(
    client: &talkover::blocking::Client,
    name: &str,
    timeout: u32,
) -> (TcpListener, AgentId, talkover::webhooks::AgentWebhook) {
    let silent = TcpListener::bind("127.0.0.1:0").expect("a port on 127.0.0.1");
    let url = format!("http://{}/hooks", silent.local_addr().unwrap());
    let agent = published_agent(client, name);
    let hook = NewAgentWebhook::new("Slow", url, [AgentWebhookEvent::PhoneCallStarted]).max_retries(0).timeout(timeout);
    let webhook = client.execute(CreateWebhook::new(&agent, hook)).unwrap();
    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
    (silent, agent, webhook)
}

/// A delivery is in its webhook's logs from when its event happens: `pending` (list-webhook-logs: "queued
/// for delivery") until its target answers, and its attempt then fills in that same entry.
#[test]
fn a_delivery_is_logged_pending_from_its_event_until_its_attempt_ends() {
    let (_server, client) = stopped_clock();
    let (silent, agent, webhook) = call_to_a_silent_webhook(&client, "Waiting", 5);

    let queued = client.execute(ListWebhookLogs::new(&agent, &webhook.id)).unwrap().items;
    let seen: Vec<_> = queued.iter().map(|l| (l.event.clone(), l.attempt, l.status.clone(), l.http_status)).collect();
    assert_eq!(seen, [(AgentWebhookEvent::PhoneCallStarted, 1, DeliveryStatus::Pending, None)]);
    assert!(queued[0].created_at.is_some() && queued[0].delivered_at.is_none(), "{queued:?}");

    let ended = poll_logs(&client, &agent, &webhook.id, |logs| logs[0].status != DeliveryStatus::Pending);
    let seen: Vec<_> = ended.iter().map(|l| (l.id.clone(), l.status.clone(), l.error.clone())).collect();
    assert_eq!(seen, [(queued[0].id.clone(), DeliveryStatus::Failed, Some("Connection timeout".to_owned()))]);
    drop(silent);
}

/// After a reset, a webhook's deliveries go at once, though the webhook of the state before that had its id
/// (ids start again) still has an attempt in flight to a target that never answers: a test suite sharing
/// one emulator is not held up by the test before it.
#[test]
fn a_reset_leaves_no_delivery_waiting_behind_an_attempt_of_the_state_before() {
    let (server, client) = stopped_clock();
    let (silent, _, before) = call_to_a_silent_webhook(&client, "Before", 60);
    // The attempt is in flight once its connection is taken.
    silent.set_nonblocking(true).unwrap();
    let until = Instant::now() + DEADLINE;
    let _held = loop {
        match silent.accept() {
            Ok((stream, _)) => break stream,
            Err(_) if Instant::now() < until => std::thread::sleep(Duration::from_millis(10)),
            Err(error) => panic!("no delivery attempt: {error}"),
        }
    };

    server.reset();
    assert_eq!(server.pending_deliveries(), 0, "the attempt in flight is the state before's");
    let receiver = Receiver::start();
    let (agent, after) = agent_with_webhook(&client, "After", &receiver, 0);
    assert_eq!(after.id, before.id, "ids start again after a reset");
    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
    let delivered = receiver.wait_for(1);
    assert_eq!(delivered[0].event(), "event_phone_call_started");
    assert!(server.wait_for_deliveries(DEADLINE), "waits for none of the state before's");
}

/// `wait_for_deliveries` returns once every delivery due is over, its retries included, so that a test
/// reads the logs (or finds nothing delivered) without sleeping for a guess; and says so when one is not.
#[test]
fn wait_for_deliveries_returns_once_every_delivery_due_is_over() {
    let (server, client, _receiver, agent, webhook) = failing_deliveries("Counted", 1);
    assert!(server.pending_deliveries() >= 1, "the call's start is due at once");
    assert!(server.wait_for_deliveries(DEADLINE), "{} still pending", server.pending_deliveries());
    assert_eq!(server.pending_deliveries(), 0);
    assert!(server.wait_for_deliveries(Duration::MAX), "as long as it takes, which is no time now");
    let logs = client.execute(ListWebhookLogs::new(&agent, &webhook.id)).unwrap().items;
    let mut seen: Vec<_> = logs.iter().map(|l| (l.attempt, l.status.clone())).collect();
    seen.sort_by_key(|(attempt, _)| *attempt);
    assert_eq!(seen, [(1, DeliveryStatus::Retrying), (2, DeliveryStatus::Failed)]);

    let settled = plain(&server, "GET", "/_emulator/deliveries", None);
    assert_eq!((settled.status, settled.body["data"]["pending"].clone()), (200, json!(0)), "{}", settled.body);

    // An attempt that lasts its webhook's timeout holds the wait until then.
    let (_silent, _, _) = call_to_a_silent_webhook(&client, "Held", 60);
    assert!(!server.wait_for_deliveries(Duration::from_millis(300)));
    assert!(server.pending_deliveries() >= 1);
    let pending = plain(&server, "GET", "/_emulator/deliveries", None).body;
    assert!(pending["data"]["pending"].as_u64() >= Some(1), "{pending}");
}

/// A delivery whose own retries are not over ("retrying: will retry according to max_retries") is not
/// retried by hand: the target would get it once more than it asked.
#[test]
fn a_delivery_still_retrying_is_not_retried_by_hand() {
    // Ten retries, 0.2 s to 2 s apart: 11 s of retrying, well past the look below.
    let (_server, client, receiver, agent, webhook) = failing_deliveries("Patient hook", 10);
    receiver.wait_for(1);
    let logs = poll_logs(&client, &agent, &webhook.id, |logs| !logs.is_empty());
    assert_eq!(logs[0].status, DeliveryStatus::Retrying, "{logs:?}");
    let early = client.execute(RetryWebhookLog::new(&agent, &webhook.id, &logs[0].id)).unwrap_err();
    assert_eq!((api(&early).status.as_u16(), api(&early).code.as_deref()), (422, Some("LOG_NOT_RETRIABLE")));
}

/// The ids requests get depend on the requests alone: the same requests make the same ids whether a
/// delivery failed and was retried in the background between them (each attempt logged) or went through
/// at once, and whether the clock moved on meanwhile, dialling a campaign's call.
#[test]
fn retried_deliveries_and_the_clock_take_none_of_the_ids_requests_get() {
    let run = |target_status: u16, clock_moves: bool| {
        let (server, client) = stopped_clock();
        let receiver = Receiver::start();
        receiver.answer_with(target_status);
        let (agent, webhook) = agent_with_webhook(&client, "Counted", &receiver, 2);
        let call = client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
        let settled = |logs: &[talkover::webhooks::AgentWebhookLog]| {
            logs.first().is_some_and(|l| matches!(l.status, DeliveryStatus::Success | DeliveryStatus::Failed))
        };
        let attempts = poll_logs(&client, &agent, &webhook.id, settled).len();
        let campaign = always_on(&agent, "Counted").initial_call_delay(60).max_retries(0);
        let campaign = activated(&client, campaign);
        let queued = client.execute(MakeCampaignCall::new(&campaign, NewCampaignCall::new("+15550005678"))).unwrap();
        if clock_moves {
            server.advance_clock(Duration::from_secs(120));
        }
        let second = published_agent(&client, "Counted after");
        let later = client.execute(MakeCall::new(&second, NewCall::new("+15550009876"))).unwrap();
        let ids = [
            agent.to_string(),
            webhook.id.to_string(),
            call.id.to_string(),
            campaign.to_string(),
            queued.campaign_call.id.to_string(),
            second.to_string(),
            later.id.to_string(),
        ];
        (attempts, ids)
    };
    let (delivered_at_once, ids) = run(200, false);
    let (tried_three_times, ids_after_retries) = run(500, true);
    assert_eq!((delivered_at_once, tried_three_times), (1, 3), "the second run's delivery was retried");
    assert_eq!(ids, ids_after_retries);
}

/// A long answer is kept in the log as far as the log keeps one (64 KiB), not dropped.
#[test]
fn a_long_answer_is_logged_cut_to_its_first_64_kib() {
    let (_server, client) = stopped_clock();
    let receiver = Receiver::start();
    receiver.answer_padded(200_000);
    let (agent, webhook) = agent_with_webhook(&client, "Talkative", &receiver, 0);
    client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap();
    let logs = poll_logs(&client, &agent, &webhook.id, |logs| logs.len() == 1);
    let body = logs[0].response_body.as_deref().expect("the answer is logged");
    assert_eq!(body.len(), 64 * 1024);
    assert!(body.starts_with(r#"{"received":true,"padding":"xxx"#), "{}", &body[..40]);
    assert_eq!(logs[0].http_status, Some(200));
}

#[test]
fn two_deliveries_with_the_same_body_are_retried_apart_under_a_stopped_clock() {
    let (_server, client) = stopped_clock();
    let receiver = Receiver::start();
    let (agent, webhook) = agent_with_webhook(&client, "Twice", &receiver, 0);
    // Two test deliveries at one instant carry the same body: the first succeeds, the second fails.
    client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap();
    receiver.answer_with(500);
    client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap_err();
    let received = receiver.wait_for(2);
    assert_eq!(received[0].body, received[1].body, "the clock stood still");
    let logs = poll_logs(&client, &agent, &webhook.id, |logs| logs.len() == 2);
    let failed = logs.iter().find(|l| l.status == DeliveryStatus::Failed).expect("a failed delivery");
    // The failed one is a delivery of its own: the other's success does not make it done.
    receiver.answer_with(200);
    let retry = client.execute(RetryWebhookLog::new(&agent, &webhook.id, &failed.id)).unwrap();
    let logs = poll_logs(&client, &agent, &webhook.id, |logs| {
        logs.iter().any(|l| l.id == retry.log_id && l.status == DeliveryStatus::Success)
    });
    assert_eq!(logs.iter().find(|l| l.id == retry.log_id).map(|l| l.attempt), Some(2));
}

#[test]
fn a_retried_attempt_is_numbered_after_the_last_attempt_of_its_delivery() {
    let (_server, client, _receiver, agent, webhook) = failing_deliveries("Numbered", 1);
    let logs = poll_logs(&client, &agent, &webhook.id, |logs| logs.len() == 2);
    // The second attempt, then the first, retried while the target still fails: attempts 3 and 4.
    let first = logs.iter().find(|l| l.attempt == 1).unwrap().id.clone();
    let second = logs.iter().find(|l| l.attempt == 2).unwrap().id.clone();
    let mut numbers = Vec::new();
    for log in [second, first] {
        let retry = client.execute(RetryWebhookLog::new(&agent, &webhook.id, &log)).unwrap();
        let logs = poll_logs(&client, &agent, &webhook.id, |logs| {
            logs.iter().any(|l| l.id == retry.log_id && l.status == DeliveryStatus::Failed)
        });
        numbers.push(logs.iter().find(|l| l.id == retry.log_id).unwrap().attempt);
    }
    assert_eq!(numbers, [3, 4]);
}

#[test]
fn a_webhook_disabled_or_deleted_while_retried_receives_no_more_attempts() {
    let (_server, client) = stopped_clock();
    let agent = published_agent(&client, "Cut off");
    let (to_disable, to_delete) = (Receiver::start(), Receiver::start());
    let mut webhooks = Vec::new();
    for receiver in [&to_disable, &to_delete] {
        receiver.answer_with(500);
        // Ten retries, 0.2 s apart and growing: about eleven seconds of attempts if nothing stops them.
        let hook =
            NewAgentWebhook::new("Failing", receiver.url(), [AgentWebhookEvent::PhoneCallStarted]).max_retries(10);
        webhooks.push(client.execute(CreateWebhook::new(&agent, hook)).unwrap().id);
    }
    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
    to_disable.wait_for(1);
    to_delete.wait_for(1);
    client.execute(ToggleWebhookStatus::new(&agent, &webhooks[0])).unwrap();
    client.execute(DeleteWebhook::new(&agent, &webhooks[1])).unwrap();
    let at_cut = (to_disable.received.lock().unwrap().len(), to_delete.received.lock().unwrap().len());

    // Four more retries would fall in the next three seconds; at most one attempt under way when the
    // webhook changed may still arrive.
    std::thread::sleep(Duration::from_secs(3));
    let after = (to_disable.received.lock().unwrap().len(), to_delete.received.lock().unwrap().len());
    assert!(after.0 <= at_cut.0 + 1 && after.1 <= at_cut.1 + 1, "attempts went on: {at_cut:?} then {after:?}");
    let logs = client.execute(ListWebhookLogs::new(&agent, &webhooks[0])).unwrap().items;
    assert!(logs.len() <= after.0, "no attempt is logged that was not made: {logs:?}");
}

fn poll_logs(
    client: &talkover::blocking::Client,
    agent: &AgentId,
    webhook: &talkover::webhooks::WebhookId,
    done: impl Fn(&[talkover::webhooks::AgentWebhookLog]) -> bool,
) -> Vec<talkover::webhooks::AgentWebhookLog> {
    poll(|| client.execute(ListWebhookLogs::new(agent, webhook)).unwrap().items, done)
}

/// A campaign webhook's logs, once `done` holds of them.
fn poll_campaign_logs(
    client: &talkover::blocking::Client,
    campaign: &talkover::campaigns::CampaignId,
    webhook: &talkover::webhooks::CampaignWebhookId,
    done: impl Fn(&[talkover::webhooks::CampaignWebhookLog]) -> bool,
) -> Vec<talkover::webhooks::CampaignWebhookLog> {
    poll(|| client.execute(ListCampaignWebhookLogs::new(campaign, webhook)).unwrap().items, done)
}

/// Fetches logs until `done` holds of them, within the deadline.
fn poll<T: std::fmt::Debug>(fetch: impl Fn() -> Vec<T>, done: impl Fn(&[T]) -> bool) -> Vec<T> {
    let until = Instant::now() + DEADLINE;
    loop {
        let logs = fetch();
        if done(&logs) {
            return logs;
        }
        assert!(Instant::now() < until, "the logs never settled: {logs:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A URL on 127.0.0.1 that refuses every connection while the streams are held.
fn refused_url() -> (String, [TcpStream; 2]) {
    let (refusing, held) = common::refusing_address();
    (format!("http://{refusing}/hook"), held)
}

#[test]
fn a_campaign_webhook_test_is_logged_from_dispatch_to_its_outcome() {
    let (_server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Tested");
    let campaign = client.execute(CreateCampaign::new(common::campaign(&agent))).unwrap();
    let id = campaign.id;
    let new = NewCampaignWebhook::new("Tested", receiver.url(), [CampaignWebhookEvent::CampaignStarted]).max_retries(0);
    let webhook = client.execute(CreateCampaignWebhook::new(&id, new)).unwrap();

    // The page's one answer: the payload is dispatched. The logs hold the delivery at once, and then
    // how it went: delivered, with the target's status and when.
    let test = || client.execute(TestCampaignWebhook::new(&id, &webhook.id)).unwrap();
    assert_eq!(test().message.as_deref(), Some("Test payload dispatched"));
    let first = client.execute(ListCampaignWebhookLogs::new(&id, &webhook.id)).unwrap().items;
    assert_eq!(first.len(), 1, "logged when dispatched: {first:?}");
    let logs = poll_campaign_logs(&client, &id, &webhook.id, |l| l[0].status == DeliveryStatus::Success);
    assert_eq!((logs.len(), logs[0].http_status), (1, Some(200)));
    assert!(logs[0].delivered_at.is_some(), "{logs:?}");
    assert_eq!(receiver.wait_for(1).len(), 1);

    // A target that answers 500: failed, with the status it answered, and not delivered.
    receiver.answer_with(500);
    assert_eq!(test().success, Some(true));
    let logs =
        poll_campaign_logs(&client, &id, &webhook.id, |l| l.len() == 2 && l[0].status != DeliveryStatus::Pending);
    assert_eq!((logs[0].status.clone(), logs[0].http_status), (DeliveryStatus::Failed, Some(500)));
    assert_eq!((logs[0].error.as_deref(), logs[0].delivered_at.as_ref()), (Some("Internal Server Error"), None));

    // A target nobody answers for: failed, with no HTTP status at all, and the reason.
    let (refused, _held) = refused_url();
    let changes = CampaignWebhookChanges::new().webhook_url(refused);
    client.execute(UpdateCampaignWebhook::new(&id, &webhook.id, changes)).unwrap();
    assert_eq!(test().message.as_deref(), Some("Test payload dispatched"));
    let logs =
        poll_campaign_logs(&client, &id, &webhook.id, |l| l.len() == 3 && l[0].status != DeliveryStatus::Pending);
    assert_eq!((logs[0].status.clone(), logs[0].http_status), (DeliveryStatus::Failed, None));
    assert!(logs[0].error.as_deref().is_some_and(|e| e.starts_with("cannot connect")), "{logs:?}");

    // The test keeps to the webhook's retries, as an agent webhook's does: one retry, two attempts.
    let changes = CampaignWebhookChanges::new().max_retries(1);
    client.execute(UpdateCampaignWebhook::new(&id, &webhook.id, changes)).unwrap();
    test();
    let logs = poll_campaign_logs(&client, &id, &webhook.id, |l| l.len() == 5 && l[0].status == DeliveryStatus::Failed);
    let attempts: Vec<_> = logs[..2].iter().map(|l| (l.attempt, l.status.clone())).collect();
    assert_eq!(attempts, [(2, DeliveryStatus::Failed), (1, DeliveryStatus::Retrying)]);
}

#[test]
fn a_failed_agent_webhook_delivery_keeps_the_status_its_target_answered() {
    let (_server, client) = stopped_clock();
    let receiver = Receiver::start();
    receiver.answer_with(503);
    // Not retried, so that each test is one attempt (test-webhook keeps to the webhook's retries).
    let (agent, webhook) = agent_with_webhook(&client, "Unavailable", &receiver, 0);
    let failed = client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap_err();
    assert_eq!(api(&failed).message.as_deref(), Some("Webhook test failed: HTTP 503 Service Unavailable"));
    let logs = poll_logs(&client, &agent, &webhook.id, |l| l.len() == 1);
    assert_eq!((logs[0].status.clone(), logs[0].http_status), (DeliveryStatus::Failed, Some(503)));
    assert_eq!(logs[0].delivered_at, None);

    // Refused: no HTTP answer, so no status, and the test says why.
    let (refused, _held) = refused_url();
    let changes = talkover::webhooks::WebhookChanges::new().webhook_url(refused);
    client.execute(talkover::webhooks::UpdateWebhook::new(&agent, &webhook.id, changes)).unwrap();
    let refused = client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap_err();
    assert!(api(&refused).message.as_deref().is_some_and(|m| m.starts_with("Webhook test failed: cannot connect")));
    let logs = poll_logs(&client, &agent, &webhook.id, |l| l.len() == 2);
    assert_eq!((logs[0].status.clone(), logs[0].http_status), (DeliveryStatus::Failed, None));

    // A public address (the documentation range's, which routes nowhere) is not delivered to: nothing
    // leaves the machine, and the test says why.
    let changes = talkover::webhooks::WebhookChanges::new().webhook_url("http://203.0.113.7/hooks");
    client.execute(talkover::webhooks::UpdateWebhook::new(&agent, &webhook.id, changes)).unwrap();
    let public = client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap_err();
    let message = api(&public).message.clone().unwrap_or_default();
    assert!(message.contains("203.0.113.7 is no loopback or private address"), "{message}");
    let logs = poll_logs(&client, &agent, &webhook.id, |l| l.len() == 3);
    assert_eq!((logs[0].status.clone(), logs[0].http_status), (DeliveryStatus::Failed, None));
}

/// A webhook pointed at the emulator's own API is not delivered to: its test-webhook or make-call would be
/// called, and that bring about another delivery, without end. Whatever leads to the emulator's listener
/// (`127.0.0.1`, the unspecified address, with its port), the attempt is logged failed, saying why, and
/// nothing is done through it; `localhost`, which may also lead to `::1`, fails without a loop either way.
#[test]
fn a_webhook_pointed_at_the_emulator_itself_is_not_delivered_to() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Looping");
    let port = server.addr().port();
    let (refused, _held) = refused_url();
    let hook = NewAgentWebhook::new("Loop", refused, [AgentWebhookEvent::PhoneCallStarted])
        .custom_header("Authorization", format!("Bearer {}", server.token()))
        .payload_template(AgentWebhookEvent::PhoneCallStarted, json!({ "to": "+15550001234" }))
        .timeout(5)
        .max_retries(0);
    let webhook = client.execute(CreateWebhook::new(&agent, hook)).unwrap();
    let point_at = |url: String| {
        let changes = talkover::webhooks::WebhookChanges::new().webhook_url(url);
        client.execute(talkover::webhooks::UpdateWebhook::new(&agent, &webhook.id, changes)).unwrap();
    };
    let itself = "the emulator does not deliver to itself";

    let test = format!("/api/v1/agents/{agent}/webhooks/{}/test", webhook.id);
    let hosts = ["127.0.0.1", "0.0.0.0"];
    for host in hosts {
        point_at(format!("http://{host}:{port}{test}"));
        let refused = client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap_err();
        let message = api(&refused).message.clone().unwrap_or_default();
        assert!(message.starts_with("Webhook test failed: ") && message.contains(itself), "{host}: {message}");
    }
    let logs = poll_logs(&client, &agent, &webhook.id, |l| l.len() == hosts.len());
    for log in &logs {
        assert_eq!((log.status.clone(), log.http_status), (DeliveryStatus::Failed, None), "{log:?}");
        assert!(log.error.as_deref().is_some_and(|e| e.contains(itself)), "{log:?}");
    }
    // `localhost`: refused as itself where it leads to 127.0.0.1 alone, else tried on `::1`, where nothing
    // listens on that port here; one attempt either way, and no other.
    point_at(format!("http://localhost:{port}{test}"));
    let refused = client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap_err();
    let message = api(&refused).message.clone().unwrap_or_default();
    assert!(message.contains(itself) || message.contains("cannot connect"), "localhost: {message}");
    let logs = poll_logs(&client, &agent, &webhook.id, |l| l.len() == hosts.len() + 1);
    assert_eq!(logs.len(), hosts.len() + 1, "{logs:?}");
    let hosts = [hosts[0], hosts[1], "localhost"];

    // A call's start sent to make-call (its template a body make-call takes): one call is made, the one
    // asked for, and its delivery is refused.
    point_at(format!("http://127.0.0.1:{port}/api/v1/agents/{agent}/call"));
    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
    let logs = poll_logs(&client, &agent, &webhook.id, |l| {
        l.len() == hosts.len() + 1 && l[0].status != DeliveryStatus::Pending
    });
    assert!(logs[0].error.as_deref().is_some_and(|e| e.contains(itself)), "{:?}", logs[0]);
    assert_eq!(client.execute(ListCalls::new().agent_id(&agent)).unwrap().items.len(), 1);
    // A receiver elsewhere on this machine is still delivered to.
    let receiver = Receiver::start();
    point_at(receiver.url());
    client.execute(TestWebhook::new(&agent, &webhook.id)).unwrap();
    assert_eq!(receiver.wait_for(1).len(), 1);
}

/// Two emulators whose webhooks point at each other's test-webhook do not deliver to each other without
/// end: an emulator refuses, with a 403, a request an emulator's delivery makes (its `User-Agent`), so the
/// first delivery fails and the other emulator sends nothing.
#[test]
fn an_emulator_refuses_a_request_another_emulators_delivery_makes() {
    let ((a, a_client), (b, b_client)) = (stopped_clock(), stopped_clock());
    let (a_agent, b_agent) = (published_agent(&a_client, "A"), published_agent(&b_client, "B"));
    let (refused, _held) = refused_url();
    let hook = |server: &Server| {
        NewAgentWebhook::new("Other", refused.clone(), [AgentWebhookEvent::PhoneCallStarted])
            .custom_header("Authorization", format!("Bearer {}", server.token()))
            .timeout(5)
            .max_retries(0)
    };
    // Each webhook carries the other emulator's token, as a test-webhook request to it needs.
    let a_hook = a_client.execute(CreateWebhook::new(&a_agent, hook(&b))).unwrap();
    let b_hook = b_client.execute(CreateWebhook::new(&b_agent, hook(&a))).unwrap();
    let test_of = |server: &Server, agent: &AgentId, id: &talkover::webhooks::WebhookId| {
        format!("{}/agents/{agent}/webhooks/{id}/test", server.base_url())
    };
    let changes = |url: String| talkover::webhooks::WebhookChanges::new().webhook_url(url);
    let to_b = changes(test_of(&b, &b_agent, &b_hook.id));
    a_client.execute(talkover::webhooks::UpdateWebhook::new(&a_agent, &a_hook.id, to_b)).unwrap();
    let to_a = changes(test_of(&a, &a_agent, &a_hook.id));
    b_client.execute(talkover::webhooks::UpdateWebhook::new(&b_agent, &b_hook.id, to_a)).unwrap();

    let refused = a_client.execute(TestWebhook::new(&a_agent, &a_hook.id)).unwrap_err();
    assert_eq!(api(&refused).message.as_deref(), Some("Webhook test failed: HTTP 403 Forbidden"));
    let logs = poll_logs(&a_client, &a_agent, &a_hook.id, |l| l.len() == 1);
    let body: Value = serde_json::from_str(logs[0].response_body.as_deref().unwrap_or_default()).unwrap_or_default();
    assert!(body["message"].as_str().is_some_and(|m| m.contains("webhook delivery")), "{body}");
    assert!(b_client.execute(ListWebhookLogs::new(&b_agent, &b_hook.id)).unwrap().items.is_empty(), "B sent nothing");
}

#[test]
fn a_campaign_of_an_unpublished_agent_takes_no_call_and_dials_none_until_it_is_published() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Paused agent");
    // The campaign starts tomorrow on the emulator's clock, so that its call waits for the date.
    let now = talkover::time::DateTime::new(&server.clock_now()).unwrap().unix_timestamp();
    let tomorrow = talkover::time::DateTime::from_unix_timestamp(now + 86_400).unwrap().date();
    let campaign =
        NewCampaign::new(NewCampaignRequired { start_date: tomorrow, ..always_on_required(&agent, "Waits") });
    let id = activated(&client, campaign.max_retries(0));
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550001234"))).unwrap();
    client.agents().unpublish(&agent).unwrap();

    // A new call is refused with the page's 403; the one queued before waits past its time, not dialled.
    let refused = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550002345"))).unwrap_err();
    assert_api(&refused, 403, ErrorKind::Forbidden, "Cannot make calls for this campaign");
    server.advance_clock(Duration::from_secs(2 * 86_400));
    let waiting = client.execute(GetCampaign::new(&id)).unwrap().calls.unwrap_or_default();
    assert_eq!(waiting.iter().map(|c| c.status.clone()).collect::<Vec<_>>(), [CallStatus::Scheduled]);
    assert!(statuses(&client, &agent).is_empty(), "no call went out through the unpublished agent");

    // Published again, the agent dials it.
    client.agents().publish(&agent).unwrap();
    server.advance_clock(Duration::from_secs(10));
    assert_eq!(statuses(&client, &agent), [("+15550001234".to_owned(), CallStatus::Completed, 2)]);
}

#[test]
fn a_campaign_with_a_call_under_way_is_not_deleted_and_once_deleted_its_calls_are_gone() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Long calls");
    let id = activated(&client, always_on(&agent, "Deleted").max_retries(0));
    // A number ending 5555 is answered and talks for an hour of the emulator's time.
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550005555"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Paused)).unwrap();
    let busy = client.execute(talkover::campaigns::DeleteCampaign::new(&id)).unwrap_err();
    assert_api(&busy, 409, ErrorKind::Conflict, "Campaign has active calls in progress");

    server.advance_clock(Duration::from_secs(3600));
    assert_eq!(statuses(&client, &agent).len(), 1, "the call ended and is listed");
    client.execute(talkover::campaigns::DeleteCampaign::new(&id)).unwrap();
    assert!(statuses(&client, &agent).is_empty(), "the campaign's calls went with it");
}

/// Deleting an agent deletes its campaigns with it ("all its associated data"): none is left `active`
/// with a queued call that nothing can dial, naming an agent that is not there. Another agent's stays.
#[test]
fn an_agents_campaigns_go_with_it() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Leaving");
    let other = published_agent(&client, "Staying");
    // Tomorrow's start keeps the call queued: the agent has no call under way to refuse the delete for.
    let now = talkover::time::DateTime::new(&server.clock_now()).unwrap().unix_timestamp();
    let tomorrow = talkover::time::DateTime::from_unix_timestamp(now + 86_400).unwrap().date();
    let campaign = NewCampaign::new(NewCampaignRequired { start_date: tomorrow, ..always_on_required(&agent, "Goes") });
    let gone = activated(&client, campaign);
    client.execute(MakeCampaignCall::new(&gone, NewCampaignCall::new("+15550001234"))).unwrap();
    let kept = activated(&client, always_on(&other, "Stays"));

    client.agents().unpublish(&agent).unwrap();
    client.agents().delete(&agent).unwrap();
    let missing = client.execute(GetCampaign::new(&gone)).unwrap_err();
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404), "{missing}");
    let listed = client.campaigns().list().send().unwrap();
    let ids: Vec<_> = listed.items.iter().map(|c| c.id.clone()).collect();
    assert_eq!(ids.as_slice(), std::slice::from_ref(&kept), "only the other agent's campaign is listed");
    assert_eq!(client.execute(GetCampaign::new(&kept)).unwrap().status, CampaignStatus::Active);
}

#[test]
fn campaign_webhooks_are_kept_and_campaign_calls_are_dialled() {
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Dialler");
    let campaign = always_on(&agent, "Always on").max_retries(0);
    let campaign = client.execute(CreateCampaign::new(campaign)).unwrap();
    let id = campaign.id.clone();

    let events = [
        CampaignWebhookEvent::CampaignStarted,
        CampaignWebhookEvent::CampaignCallCompleted,
        CampaignWebhookEvent::CampaignCallFailed,
    ];
    let new = NewCampaignWebhook::new("Mine", receiver.url(), events).webhook_secret(SECRET);
    let webhook = client.execute(CreateCampaignWebhook::new(&id, new)).unwrap();
    assert_eq!(webhook.name.as_deref(), Some("Mine"));
    let listed = client.execute(ListCampaignWebhooks::new(&id)).unwrap();
    assert_eq!(listed.webhooks.iter().map(|w| &w.id).collect::<Vec<_>>(), [&webhook.id]);
    // Beside them, the events a campaign webhook can subscribe to, as the reference's example lists them.
    assert!(listed.available_events.contains(&CampaignWebhookEvent::CampaignCallFailed), "{listed:?}");
    let renamed = client
        .execute(UpdateCampaignWebhook::new(&id, &webhook.id, CampaignWebhookChanges::new().name("Ours")))
        .unwrap();
    assert_eq!(client.execute(GetCampaignWebhook::new(&id, &webhook.id)).unwrap(), renamed);

    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    for number in ["+15550001234", "+15550003333"] {
        client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new(number))).unwrap();
    }
    // Its schedule cannot change under its calls while it is active.
    let reschedule = UpdateCampaign::new(&id, CampaignChanges::new().days_of_week([talkover::time::Weekday::Monday]));
    let busy = client.execute(reschedule).unwrap_err();
    assert_eq!((api(&busy).status.as_u16(), api(&busy).code.as_deref()), (409, Some("CAMPAIGN_HAS_ACTIVE_CALLS")));
    server.advance_clock(Duration::from_secs(10));
    let campaign = client.execute(GetCampaign::new(&id)).unwrap();
    // The stats count the outcomes: one completed call of 2 s, one failed.
    let stats = campaign.stats.expect("stats");
    assert_eq!((stats.total_calls, stats.completed_calls, stats.failed_calls), (2, 1, 1));
    assert_eq!((stats.success_rate, stats.average_duration), (50.0, Some(2)));
    let calls = campaign.calls.unwrap_or_default();
    let mut outcomes: Vec<_> = calls.iter().map(|c| (c.to.as_str(), c.status.clone())).collect();
    outcomes.sort_by(|a, b| a.0.cmp(b.0));
    assert_eq!(outcomes, [("+15550001234", CallStatus::Completed), ("+15550003333", CallStatus::Failed)]);
    // Each was placed as a call of the campaign's agent.
    let placed = statuses(&client, &agent);
    assert_eq!(
        placed,
        [("+15550001234".to_owned(), CallStatus::Completed, 2), ("+15550003333".to_owned(), CallStatus::Failed, 0)]
    );

    let received = receiver.wait_for(3);
    assert_signed(&received);
    let seen: BTreeSet<String> = received.iter().map(Received::event).collect();
    let expected = ["campaign.started", "campaign_call.completed", "campaign_call.failed"];
    assert_eq!(seen, expected.iter().map(|e| e.to_string()).collect());
    assert!(received.iter().all(|r| r.json()["campaign_id"] == json!(id) && r.json()["webhook_name"] == "Ours"));

    // A paused campaign takes no calls, with the documented code.
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Paused)).unwrap();
    let paused = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550007777"))).unwrap_err();
    assert_api(&paused, 400, ErrorKind::BadRequest, "Campaign is not active");
    assert_eq!(api(&paused).code.as_deref(), Some("CAMPAIGN_NOT_ACTIVE"));

    let toggled = client.execute(ToggleCampaignWebhook::new(&id, &webhook.id)).unwrap();
    assert_eq!(toggled.enabled, Some(false));
    client.execute(DeleteCampaignWebhook::new(&id, &webhook.id)).unwrap();
    let gone = client.execute(GetCampaignWebhook::new(&id, &webhook.id)).unwrap_err();
    assert_eq!(api(&gone).status.as_u16(), 404);
    assert!(client.execute(ListCampaignWebhooks::new(&id)).unwrap().webhooks.is_empty());
}

/// A campaign webhook with `include_call_events` also gets the per-call events of the calls its campaign
/// places, from the first (`event_phone_call_started`) to the last, with the campaign and the agent named;
/// one without gets the campaign's events only.
#[test]
fn a_campaign_webhook_taking_call_events_gets_those_of_its_calls() {
    let (server, client) = stopped_clock();
    let (with_calls, without) = (Receiver::start(), Receiver::start());
    let agent = published_agent(&client, "Dialler");
    let id = client.execute(CreateCampaign::new(always_on(&agent, "Calls").max_retries(0))).unwrap().id;
    for (receiver, include) in [(&with_calls, true), (&without, false)] {
        let new = NewCampaignWebhook::new("Hook", receiver.url(), [CampaignWebhookEvent::CampaignCallCompleted])
            .webhook_secret(SECRET)
            .include_call_events(include);
        client.execute(CreateCampaignWebhook::new(&id, new)).unwrap();
    }
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550001234"))).unwrap();
    server.advance_clock(Duration::from_secs(10));

    with_calls.wait_for(6);
    // Each once: none more comes.
    std::thread::sleep(Duration::from_millis(200));
    let received = with_calls.wait_for(6);
    assert_signed(&received);
    let mut seen: Vec<String> = received.iter().map(Received::event).collect();
    seen.sort();
    let expected = [
        "campaign_call.completed",
        "event_conversation_ended",
        "event_conversation_started",
        "event_phone_call_connected",
        "event_phone_call_ended",
        "event_phone_call_started",
    ];
    assert_eq!(seen, expected);
    for call_event in received.iter().filter(|r| r.event().starts_with("event_")) {
        let body = call_event.json();
        assert_eq!((&body["campaign_id"], &body["agent_id"]), (&json!(id), &json!(agent)), "{body}");
        assert_eq!(body["to"], "+15550001234", "{body}");
    }
    let only_campaign = without.wait_for(1);
    std::thread::sleep(Duration::from_millis(200));
    let only_campaign: Vec<String> = without.wait_for(only_campaign.len()).iter().map(Received::event).collect();
    assert_eq!(only_campaign, ["campaign_call.completed"]);
}

#[test]
fn a_campaign_calls_start_names_the_call_its_end_names() {
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Named");
    let id = client.execute(CreateCampaign::new(always_on(&agent, "Named calls").max_retries(0))).unwrap().id;
    let events = [CampaignWebhookEvent::CampaignCallStarted, CampaignWebhookEvent::CampaignCallCompleted];
    client.execute(CreateCampaignWebhook::new(&id, NewCampaignWebhook::new("Hook", receiver.url(), events))).unwrap();
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550001234"))).unwrap();
    server.advance_clock(Duration::from_secs(10));

    let received = receiver.wait_for(2);
    let call_of = |event: &str| received.iter().find(|r| r.event() == event).map(|r| r.json()["call_id"].clone());
    let started = call_of("campaign_call.started").expect("the start was delivered");
    assert!(started.is_string(), "{started}");
    assert_eq!(Some(started.clone()), call_of("campaign_call.completed"));
    let listed = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items;
    assert_eq!(listed.iter().map(|c| json!(c.id)).collect::<Vec<_>>(), [started]);
}

/// One jump of the clock past several cooldowns plays the retries out as if that time had passed step by
/// step: a contact that never answers is dialled once and retried `max_retries` times, each retry at its
/// time, as advancing an hour at a time does.
#[test]
fn one_jump_of_the_clock_plays_out_every_retry_due() {
    let run = |steps: u64, seconds: u64| {
        let (server, client) = stopped_clock();
        let agent = published_agent(&client, "Retrier");
        let campaign = always_on(&agent, "Retries").max_retries(3).retry_cooldown_hours(1);
        let id = activated(&client, campaign);
        client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550001111"))).unwrap();
        for _ in 0..steps {
            server.advance_clock(Duration::from_secs(seconds));
        }
        let calls = client.execute(GetCampaign::new(&id)).unwrap().calls.unwrap_or_default();
        let call = calls.first().expect("the queued call").clone();
        let placed = client.execute(ListCalls::new().agent_id(&agent).per_page(100)).unwrap().items;
        let mut at: Vec<i64> = placed.iter().filter_map(|c| Some(c.created_at.date_time()?.unix_timestamp())).collect();
        at.sort_unstable();
        (call.retries, call.status, at)
    };
    let (retries, status, placed) = run(48, 3_600);
    assert_eq!((retries, status, placed.len()), (Some(3), CallStatus::NoAnswer, 4), "an hour at a time");
    let (retries, status, placed) = run(1, 48 * 3_600);
    assert_eq!((retries, status, placed.len()), (Some(3), CallStatus::NoAnswer, 4), "two days at once");
    // Each retry at its time: an hour's cooldown after the unanswered call before it ended.
    for pair in placed.windows(2) {
        let gap = pair[1] - pair[0];
        assert!((3_600..3_600 + 120).contains(&gap), "a retry {gap} s after the call before it: {placed:?}");
    }
}

#[test]
fn on_the_default_clock_a_call_completes_by_itself() {
    let server = Server::start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let (agent, receiver) = watched_agent(&client, "Wall clock", [AgentWebhookEvent::PhoneCallEnded]);
    let placed = client.execute(MakeCall::new(&agent, NewCall::new("+15550006789"))).unwrap();

    // Nobody advances the clock: the call ends on its own, and its end is delivered.
    let received = receiver.wait_for(1);
    assert_signed(&received);
    assert_eq!(received[0].json()["call_id"], json!(placed.id));
    assert_eq!(received[0].json()["status"], "completed");
    let calls = client.execute(ListCalls::new().agent_id(&agent)).unwrap();
    assert_eq!(calls.items.iter().map(|c| (&c.status, c.duration)).collect::<Vec<_>>(), [(&CallStatus::Completed, 2)]);
}

/// The credit balance, in ten-thousandths of its currency.
fn balance_in_ten_thousandths(client: &talkover::blocking::Client) -> i128 {
    client.credits().balance().unwrap().balance.to_minor_units(4).expect("a balance in range")
}

#[test]
fn a_finished_call_is_paid_from_the_balance() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Paying");
    let before = balance_in_ten_thousandths(&client);
    client.execute(MakeCall::new(&agent, NewCall::new("+15550009876"))).unwrap();
    client.execute(MakeCall::new(&agent, NewCall::new("+15550002222"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    // The answered call talked 2 s: 2 / 60 of 0.0855, rounded up to 0.0029. The busy one costs nothing.
    assert_eq!(balance_in_ten_thousandths(&client), before - 29);
}

#[test]
fn a_call_past_the_balance_is_refused_with_the_pages_402_and_a_test_call_still_goes() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Spender");
    client.execute(talkover::auto_topup::DisableAutoTopup::new()).unwrap();
    // Long calls (an hour each, about 5.13 of credit) until the balance is spent: bounded by what it holds.
    let calls = balance_in_ten_thousandths(&client) / 51_300 + 1;
    assert!(calls < 200, "a balance of {} ten-thousandths", balance_in_ten_thousandths(&client));
    for n in 0..calls {
        client.execute(MakeCall::new(&agent, NewCall::new(format!("+1555{n:03}5555")))).unwrap();
    }
    server.advance_clock(Duration::from_secs(3700));
    assert!(balance_in_ten_thousandths(&client) <= 0, "the calls that happened are owed");

    let refused = client.execute(MakeCall::new(&agent, NewCall::new("+15550009876"))).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::PaymentRequired);
    assert_eq!(api(&refused).code.as_deref(), Some("INSUFFICIENT_CREDITS"));
    client.execute(MakeCall::new(&agent, NewCall::new("+15550009876").is_testing(true))).unwrap();
}

#[test]
fn the_pages_search_example_with_an_unescaped_plus_finds_the_number() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Searched");
    client.execute(MakeCall::new(&agent, NewCall::new("+15550009876"))).unwrap();
    // As list-calls and get-agent-calls write it: the `+` unescaped, which a query string reads as a space.
    for path in ["/api/v1/calls?search=+15550009876", &format!("/api/v1/agents/{agent}/calls?search=+15550009876")] {
        let answer = plain(&server, "GET", path, None);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let found: Vec<&Value> = answer.body["data"].as_array().unwrap().iter().map(|c| &c["to"]).collect();
        assert_eq!(found, [&json!("+15550009876")], "{path}");
    }
}

#[test]
fn optimized_costs_follow_the_agents_calls_of_the_last_seven_days() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Cheap");
    for n in 0..2 {
        client.execute(MakeCall::new(&agent, NewCall::new(format!("+1555000{n}876")))).unwrap();
    }
    let eligibility = client.agents().optimized_costs_eligibility(&agent).unwrap();
    let counted = (eligibility.eligible, eligibility.current_calls, eligibility.required_calls);
    assert_eq!((counted, eligibility.calls_remaining), ((false, 2, 700), Some(698)));

    // Turning optimized costs on for it is refused with the page's 422, which says why.
    let cache = talkover::agents::AdvancedSettings::new().enable_initial_message_cache(true);
    let refused = client.agents().update_advanced_settings(&agent, cache.clone()).unwrap_err();
    assert_eq!(
        (api(&refused).status.as_u16(), api(&refused).code.as_deref()),
        (422, Some("OPTIMIZED_COSTS_NOT_ELIGIBLE"))
    );
    let shortfall = talkover::agents::eligibility_shortfall(&refused).expect("the 422 says what is missing");
    let counted = (shortfall.current_calls, shortfall.required_calls, shortfall.threshold_days);
    assert_eq!(counted, (2, 700, eligibility.threshold_days));
    assert_eq!(talkover::agents::eligibility_shortfall(&client.agents().get("no-such-agent").unwrap_err()), None);
    assert_eq!(client.agents().pricing_summary(&agent).unwrap().optimized_costs_enabled, Some(false));
    // An update that sets nothing answers the one setting there is, as the page's answer shows it.
    let unchanged =
        client.agents().update_advanced_settings(&agent, talkover::agents::AdvancedSettings::new()).unwrap();
    assert_eq!(unchanged.advanced_settings.enable_initial_message_cache, Some(false));

    // A week later the calls are out of the window.
    server.advance_clock(Duration::from_secs(8 * 86_400));
    assert_eq!(client.agents().optimized_costs_eligibility(&agent).unwrap().current_calls, 0);

    // The reference's example agent has the example's volume: it is eligible, and its summary says so.
    let example: AgentId = "550e8400-e29b-41d4-a716-446655440000".into();
    assert!(client.agents().optimized_costs_eligibility(&example).unwrap().eligible);
    client.agents().update_advanced_settings(&example, cache).unwrap();
    assert_eq!(client.agents().pricing_summary(&example).unwrap().optimized_costs_enabled, Some(true));
}

#[test]
fn a_required_text_given_empty_or_blank_is_missing() {
    let (server, _client) = stopped_clock();
    let trunk =
        json!({ "name": "Carrier", "provider_name": "carrier-x", "domain": "", "username": "u", "password": "  " });
    let answer = plain(&server, "POST", "/api/v1/sip-trunks", Some(trunk));
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert_eq!(answer.body["errors"]["domain"], json!(["The domain field is required."]));
    assert_eq!(answer.body["errors"]["password"], json!(["The password field is required."]));
    assert!(answer.body["errors"].get("name").is_none(), "{}", answer.body);
    // An optional text may be empty.
    let trunk = json!({
        "name": "Carrier", "provider_name": "carrier-x", "domain": "sip.carrier-x.com", "username": "u",
        "password": "secret-password", "outbound_proxy": ""
    });
    assert_eq!(plain(&server, "POST", "/api/v1/sip-trunks", Some(trunk)).status, 200);
}

#[test]
fn a_call_watch_follows_a_placed_call_to_its_end() {
    use talkover::calls::{CallWatch, WatchStep};
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Watched");
    let placed = client.agents().call(&agent, NewCall::new("+15550009876")).unwrap();
    let mut watch = CallWatch::of_placed(&agent, &placed);
    // Not over yet: the look ends and says to wait.
    assert_eq!(watch.on_page(client.execute(watch.request()).unwrap()), WatchStep::Wait);
    assert_eq!(watch.last_status(), Some(&CallStatus::Initiated));
    server.advance_clock(Duration::from_secs(10));
    let WatchStep::Ended(call) = watch.on_page(client.execute(watch.request()).unwrap()) else { panic!("not over") };
    assert_eq!((call.id, call.status, call.duration), (placed.id, CallStatus::Completed, 2));
    // A call the agent never placed is not found, once the looks that may miss a new call are over.
    let other = published_agent(&client, "Other");
    let mut wrong = CallWatch::new(&other, "not-a-call");
    let steps: Vec<WatchStep> = (0..CallWatch::LOOKS_BEFORE_NOT_FOUND)
        .map(|_| wrong.on_page(client.execute(wrong.request()).unwrap()))
        .collect();
    assert_eq!(steps.last(), Some(&WatchStep::NotFound), "{steps:?}");
}

#[test]
fn wait_for_end_says_whether_the_call_ended_went_on_or_is_not_there() {
    use talkover::calls::{CallWaitOutcome, CallWatch, WaitLimits};
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Awaited");
    let placed = client.agents().call(&agent, NewCall::new("+15550009876")).unwrap();
    let short = WaitLimits::default().interval(Duration::from_millis(100)).max_wait(Duration::from_millis(250));
    // The clock stands still: the call is still being placed when the time is up.
    let outcome = client.calls().wait_for_end(CallWatch::of_placed(&agent, &placed), short).unwrap();
    let CallWaitOutcome::NotEnded { last_status, waited } = outcome else { panic!("{outcome:?}") };
    assert_eq!(last_status, Some(CallStatus::Initiated));
    assert!(waited >= Duration::from_millis(250), "the last look is at max_wait: {waited:?}");
    assert!(waited < Duration::from_secs(5), "and none after it: {waited:?}");
    server.advance_clock(Duration::from_secs(10));
    let call = client.calls().wait_for_end(CallWatch::of_placed(&agent, &placed), short).unwrap().ended();
    let call = call.expect("ended");
    let ended_at = call.ended_at.as_ref().map(|t| t.as_str().to_owned());
    assert!(ended_at.as_deref() > Some(placed.created_at.as_str()), "ended after it was placed: {ended_at:?}");
    assert_eq!((call.id, call.status, call.duration), (placed.id, CallStatus::Completed, 2));
    // An id the agent's calls never hold is given up on once NOT_FOUND_AFTER has passed, before max_wait.
    let patient = short.max_wait(Duration::from_secs(60));
    let outcome = client.calls().wait_for_end(CallWatch::new(&agent, "not-a-call"), patient).unwrap();
    assert_eq!(outcome, CallWaitOutcome::NotFound);
}

/// A look that fails for a reason that may pass is made again until `max_wait`, and the wait then ends
/// with its error; a server that never answers holds the wait about `max_wait`, not the client's timeout,
/// and no look takes longer than the client's timeout.
#[test]
fn wait_for_end_looks_again_after_a_failure_that_may_pass_and_ends_at_max_wait() {
    use talkover::calls::{CallWatch, WaitLimits};
    let limits = WaitLimits::default().interval(Duration::from_millis(100)).max_wait(Duration::from_millis(800));
    let failing = Server::builder().error_rate(1.0).start_blocking().unwrap();
    let started = Instant::now();
    let error = common::blocking_client(&failing).calls().wait_for_end(CallWatch::new("a-1", "c-1"), limits);
    let error = error.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500), "{error}");
    assert!(started.elapsed() >= Duration::from_millis(800), "gave up before max_wait: {:?}", started.elapsed());

    // Taken in, never answered.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = talkover::blocking::Client::builder()
        .base_url(format!("http://{}/api/v1", silent.local_addr().unwrap()))
        .token("talq_token")
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.calls().wait_for_end(CallWatch::new("a-1", "c-1"), limits).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(started.elapsed() < Duration::from_secs(15), "held past max_wait: {:?}", started.elapsed());

    // Nor does a look outlast the client's timeout (the builder's, here) when more of the wait is left: an
    // API slower than it fails each look, as it fails any other call of that client.
    let slow = Server::builder().latency(Duration::from_millis(2500)).start_blocking().unwrap();
    let client = talkover::blocking::Client::builder()
        .base_url(slow.base_url())
        .token(slow.token())
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let limits = WaitLimits::default().interval(Duration::from_millis(100)).max_wait(Duration::from_secs(3));
    let error = client.calls().wait_for_end(CallWatch::new("a-1", "c-1"), limits).unwrap_err();
    let timed_out =
        matches!(&error, talkover::Error::Transport(t) if t.kind() == talkover::TransportErrorKind::Timeout);
    assert!(timed_out, "{error}");
    assert!(error.to_string().contains("within 1 s"), "{error}");
}

/// A look refused with 429 is made again after the `Retry-After` the answer asked for, not after the
/// (shorter) interval.
#[test]
fn wait_for_end_waits_out_a_rate_limit_before_looking_again() {
    use talkover::calls::{CallWaitOutcome, CallWatch, WaitLimits};
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Limited");
    let placed = client.agents().call(&agent, NewCall::new("+15550009876")).unwrap();
    server.advance_clock(Duration::from_secs(10));
    server.set_faults(talkover_mock::Faults::new().rate_limit_burst(1, 1));
    let limits = WaitLimits::default().interval(Duration::from_millis(100)).max_wait(Duration::from_secs(20));
    let started = Instant::now();
    let outcome = client.calls().wait_for_end(CallWatch::of_placed(&agent, &placed), limits).unwrap();
    assert!(matches!(outcome, CallWaitOutcome::Ended(_)), "{outcome:?}");
    assert!(started.elapsed() >= Duration::from_secs(1), "looked again before Retry-After: {:?}", started.elapsed());
}

#[tokio::test(flavor = "current_thread")]
async fn wait_for_end_on_the_async_client_looks_again_after_a_failure_that_may_pass() {
    use talkover::calls::{CallWatch, WaitLimits};
    let failing = Server::builder().error_rate(1.0).start().await.unwrap();
    let limits = WaitLimits::default().interval(Duration::from_millis(100)).max_wait(Duration::from_millis(500));
    let started = Instant::now();
    let error = common::async_client(&failing).calls().wait_for_end(CallWatch::new("a-1", "c-1"), limits).await;
    assert_eq!(error.unwrap_err().status().map(|s| s.as_u16()), Some(500));
    assert!(started.elapsed() >= Duration::from_millis(500), "gave up before max_wait: {:?}", started.elapsed());
}

/// `max_wait` counts from the wait's first poll, not from when its future was made: a wait made and
/// awaited later (queued, or spawned on a busy runtime) still looks again for all of it.
#[tokio::test(flavor = "current_thread")]
async fn wait_for_end_on_the_async_client_counts_max_wait_from_its_first_poll() {
    use talkover::calls::{CallWatch, WaitLimits};
    let failing = Server::builder().error_rate(1.0).start().await.unwrap();
    let limits = WaitLimits::default().interval(Duration::from_millis(100)).max_wait(Duration::from_millis(500));
    let waiting = common::async_client(&failing).calls().wait_for_end(CallWatch::new("a-1", "c-1"), limits);
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(failing.received().is_empty(), "nothing is sent before the wait is polled");
    let started = Instant::now();
    let error = waiting.await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(started.elapsed() >= Duration::from_millis(500), "gave up before max_wait: {:?}", started.elapsed());
    assert!(failing.received().len() >= 2, "looked once: {:?}", failing.received().len());
}

#[tokio::test(flavor = "current_thread")]
async fn wait_for_end_on_the_async_client_sleeps_between_looks_until_the_call_ends() {
    use talkover::calls::{CallWaitOutcome, CallWatch, WaitLimits};
    // Emulated time runs 100 times faster: the call ends a fraction of a second after it is placed.
    let server = Server::builder().clock_scale(100.0).start().await.unwrap();
    let client = common::async_client(&server);
    let agent = published_agent_async(&client, "Awaited").await;
    let placed = client.agents().call(&agent, NewCall::new("+15550009876")).await.unwrap();
    let limits = WaitLimits::default().interval(Duration::from_millis(100)).max_wait(Duration::from_secs(20));
    // The wait owns what it needs: it runs as a task of its own, the handler long gone.
    let waiting = tokio::spawn(client.calls().wait_for_end(CallWatch::of_placed(&agent, &placed), limits));
    let outcome = waiting.await.expect("the task ran").unwrap();
    let CallWaitOutcome::Ended(call) = outcome else { panic!("{outcome:?}") };
    assert_eq!((&call.id, &call.status), (&placed.id, &CallStatus::Completed));
}

/// A sleep set on the client counts as the time it was asked to wait, whatever clock it runs on: a sleep
/// that returns at once (a test's, Tokio's paused time) ends the wait after `max_wait / interval` looks,
/// not after as many looks as fit in `max_wait` of real time.
#[tokio::test(flavor = "current_thread")]
async fn wait_for_end_counts_the_time_its_sleep_was_asked_for() {
    use std::sync::atomic::AtomicUsize;
    use talkover::calls::{CallWaitOutcome, CallWatch, WaitLimits};
    let server = Server::builder().clock_scale(0.0).start().await.unwrap();
    let sleeps = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&sleeps);
    let client = talkover::Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .sleep(move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            Box::pin(async {})
        })
        .build()
        .unwrap();
    let agent = published_agent_async(&client, "Awaited").await;
    let placed = client.agents().call(&agent, NewCall::new("+15550009876")).await.unwrap();
    let limits = WaitLimits::default().interval(Duration::from_secs(10)).max_wait(Duration::from_secs(60));
    let outcome = client.calls().wait_for_end(CallWatch::of_placed(&agent, &placed), limits).await.unwrap();
    let CallWaitOutcome::NotEnded { last_status, waited } = outcome else { panic!("{outcome:?}") };
    assert_eq!(last_status, Some(CallStatus::Initiated), "the emulator's clock stands still");
    assert!(waited >= Duration::from_secs(60), "{waited:?}");
    assert_eq!(sleeps.load(Ordering::SeqCst), 6, "one sleep between each of the 7 looks");
}

#[test]
fn test_calls_are_not_billed() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Testing");
    let before = balance_in_ten_thousandths(&client);
    // One test call completes on its own; another, a long one, is ended by the caller after a minute.
    client.execute(MakeCall::new(&agent, NewCall::new("+15550009876").is_testing(true))).unwrap();
    let long = client.execute(MakeCall::new(&agent, NewCall::new("+15550005555").is_testing(true))).unwrap();
    server.advance_clock(Duration::from_secs(60));
    let ended = client.execute(EndCall::new(&agent, long.id.clone())).unwrap();
    assert_eq!(ended.status, CallStatus::Completed);
    let talked: Vec<u64> = statuses(&client, &agent).into_iter().map(|(_, _, duration)| duration).collect();
    assert_eq!(talked, [58, 2], "both calls talked");
    assert_eq!(balance_in_ten_thousandths(&client), before, "and cost nothing");

    // The same call, not a test, is paid for.
    client.execute(MakeCall::new(&agent, NewCall::new("+15550009876"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    assert_eq!(balance_in_ten_thousandths(&client), before - 29);
}

#[test]
fn a_campaigns_test_calls_are_left_out_of_its_statistics() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Rehearsing");
    let id = client.execute(CreateCampaign::new(always_on(&agent, "Rehearsal").max_retries(0))).unwrap().id;
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    // A test call that completes and one that fails, then a real call that completes.
    for number in ["+15550001234", "+15550003333"] {
        client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new(number).is_testing(true))).unwrap();
    }
    server.advance_clock(Duration::from_secs(10));
    let stats = client.execute(GetCampaign::new(&id)).unwrap().stats.expect("stats");
    assert_eq!((stats.total_calls, stats.completed_calls, stats.failed_calls), (0, 0, 0), "{stats:?}");
    assert_eq!(stats.success_rate, 0.0);

    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550001234"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    let campaign = client.execute(GetCampaign::new(&id)).unwrap();
    let stats = campaign.stats.expect("stats");
    assert_eq!((stats.total_calls, stats.completed_calls, stats.failed_calls), (1, 1, 0), "{stats:?}");
    assert_eq!((stats.success_rate, stats.average_duration), (100.0, Some(2)));
    // The test calls are still the campaign's calls.
    assert_eq!(campaign.calls.unwrap_or_default().len(), 3);
}

#[test]
fn a_campaign_webhook_with_call_events_gets_its_calls_events_typed_as_an_agents() {
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Chatty");
    let hook = NewCampaignWebhook::new("All", receiver.url(), [CampaignWebhookEvent::CampaignCallCompleted])
        .include_call_events(true);
    let id = active_with_webhook(&client, always_on(&agent, "Everything").max_retries(0), hook);
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550001234"))).unwrap();
    server.advance_clock(Duration::from_secs(10));

    // The call's five (started, connected, conversation started and ended, ended), and the campaign's one.
    let received = receiver.wait_for(6);
    let deliveries: Vec<WebhookDelivery<CampaignWebhookEvent>> =
        received.iter().map(|r| WebhookDelivery::from_slice(&r.body).unwrap()).collect();
    let call_events: Vec<_> = deliveries.iter().filter_map(|d| d.event.as_ref()?.call_event()).collect();
    assert!(call_events.contains(&AgentWebhookEvent::PhoneCallStarted), "{call_events:?}");
    assert!(call_events.contains(&AgentWebhookEvent::PhoneCallEnded), "{call_events:?}");
    assert_eq!(call_events.len(), 5, "{call_events:?}");
    // The campaign's own event is one of its own kind.
    let own: Vec<_> = deliveries.iter().filter_map(|d| d.event.clone().filter(|e| e.call_event().is_none())).collect();
    assert_eq!(own, [CampaignWebhookEvent::CampaignCallCompleted]);
}

#[test]
fn calls_and_campaigns_are_listed_in_the_order_they_were_made() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Orderly");
    for number in ["+15550000001", "+15550000002", "+15550000003"] {
        client.execute(MakeCall::new(&agent, NewCall::new(number))).unwrap();
        server.advance_clock(Duration::from_secs(1));
    }
    let calls = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items;
    let numbers: Vec<_> = calls.iter().map(|c| c.to.as_str()).collect();
    assert_eq!(numbers, ["+15550000001", "+15550000002", "+15550000003"], "as list-calls' example orders them");

    for name in ["First", "Second"] {
        client.execute(CreateCampaign::new(always_on(&agent, name))).unwrap();
    }
    let campaigns = client.execute(talkover::campaigns::ListCampaigns::new()).unwrap().items;
    assert_eq!(campaigns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["First", "Second"]);
}

#[test]
fn per_status_cooldowns_left_out_follow_the_retry_cooldown() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Patient");
    let always_on = |name: &str| always_on(&agent, name);
    let cooldowns = |id| {
        let c = client.execute(GetCampaign::new(id)).unwrap();
        [
            c.success_cooldown_hours,
            c.voicemail_cooldown_hours,
            c.no_answer_cooldown_hours,
            c.busy_cooldown_hours,
            c.failed_cooldown_hours,
        ]
    };

    // Without either, every per-status cooldown is the documented 24.
    let plain_one = client.execute(CreateCampaign::new(always_on("Defaults"))).unwrap();
    assert_eq!(cooldowns(&plain_one.id), [Some(24); 5]);

    // With only `retry_cooldown_hours`, each one is that, and a busy line is tried again after it.
    let hourly = always_on("Hourly").max_retries(1).retry_cooldown_hours(1);
    let id = client.execute(CreateCampaign::new(hourly)).unwrap().id;
    assert_eq!(cooldowns(&id), [Some(1); 5]);
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550002222"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    let call = |id| client.execute(GetCampaign::new(id)).unwrap().calls.unwrap_or_default().remove(0);
    let waiting = call(&id);
    assert_eq!((waiting.status.clone(), waiting.retries), (CallStatus::Scheduled, Some(1)));
    let seconds = |text: &str| talkover::time::DateTime::new(text).unwrap().unix_timestamp();
    let retry_at = seconds(waiting.scheduled_at.as_ref().unwrap().as_str());
    let created = seconds(waiting.created_at.as_str());
    assert!((3600..3600 + 10).contains(&(retry_at - created)), "retried {}s after it was queued", retry_at - created);
    server.advance_clock(Duration::from_secs(3600));
    let retried = call(&id);
    assert_eq!((retried.status, retried.retries), (CallStatus::Busy, Some(1)), "dialled again an hour later");

    // A value given stays; those left out follow a new `retry_cooldown_hours`.
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Paused)).unwrap();
    let changes = CampaignChanges::new().busy_cooldown_hours(2);
    client.execute(UpdateCampaign::new(&id, changes)).unwrap();
    client.execute(UpdateCampaign::new(&id, CampaignChanges::new().retry_cooldown_hours(6))).unwrap();
    assert_eq!(cooldowns(&id), [Some(6), Some(6), Some(6), Some(2), Some(6)]);
    let own = always_on("Own").retry_cooldown_hours(48).no_answer_cooldown_hours(12);
    let own = client.execute(CreateCampaign::new(own)).unwrap().id;
    assert_eq!(cooldowns(&own), [Some(48), Some(48), Some(12), Some(48), Some(48)]);
}

#[test]
fn an_active_calls_talk_time_counts_from_when_it_was_answered() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Talker");
    let seconds = |text: &str| talkover::time::DateTime::new(text).unwrap().unix_timestamp();
    let number = "+15550001234";
    let placed = client.execute(MakeCall::new(&agent, NewCall::new(number))).unwrap();
    let created = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items.remove(0).created_at;

    // Ringing: no talk yet.
    server.advance_clock(Duration::from_millis(1500));
    let ringing = client.execute(GetActiveCall::new(&agent, number)).unwrap().items.remove(0);
    assert_eq!((ringing.status, ringing.duration_seconds), (CallStatus::Ringing, Some(0)));

    // Answered 2 s after it was made, 1 s of talk since.
    server.advance_clock(Duration::from_millis(1500));
    let answered = client.execute(GetActiveCall::new(&agent, number)).unwrap().items.remove(0);
    assert_eq!((answered.id, answered.status), (placed.id.clone(), CallStatus::Answered));
    let started_at = seconds(answered.started_at.expect("when it was answered").as_str());
    assert_eq!(started_at - seconds(created.as_str()), 2);
    let seen = answered.duration_seconds.expect("its talk time");
    assert_eq!(seen, 1);

    // The ended call lasted at least what was seen of it.
    server.advance_clock(Duration::from_secs(10));
    let ended = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items.remove(0);
    assert_eq!(ended.status, CallStatus::Completed);
    assert!(ended.duration >= seen, "lasted {} s, {seen} s seen while active", ended.duration);

    // A number not in E.164 form, which a client sends as given, is refused naming `phone`.
    let refused = client.execute(GetActiveCall::new(&agent, "15550001234")).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Validation, "{refused}");
    assert_eq!(api(&refused).field_errors.keys().collect::<Vec<_>>(), ["phone"], "{refused}");
}

#[test]
fn an_agent_on_a_call_is_not_deleted_and_the_conflict_names_its_code() {
    let (_server, client) = stopped_clock();
    let agent = published_agent(&client, "Busy talker");
    let published = client.agents().delete(&agent).unwrap_err();
    assert_eq!(api(&published).code.as_deref(), Some("AGENT_IS_PUBLISHED"));

    // Answered for an hour; unpublishing keeps the call going.
    let number = "+15550005555";
    let placed = client.execute(MakeCall::new(&agent, NewCall::new(number))).unwrap();
    client.agents().unpublish(&agent).unwrap();
    let on_a_call = client.agents().delete(&agent).unwrap_err();
    assert_api(&on_a_call, 409, ErrorKind::Conflict, "Cannot delete agent while it has active calls.");
    assert_eq!(api(&on_a_call).code.as_deref(), Some("AGENT_HAS_ACTIVE_CALLS"));

    client.execute(EndCall::new(&agent, placed.id)).unwrap();
    client.agents().delete(&agent).unwrap();
}

/// The emulator's clock, in seconds since the epoch.
fn clock_seconds(server: &Server) -> i64 {
    talkover::time::DateTime::new(&server.clock_now()).unwrap().unix_timestamp()
}

fn at(seconds: i64) -> String {
    talkover::time::DateTime::from_unix_timestamp(seconds).unwrap().as_str().to_owned()
}

/// A campaign of `agent` in UTC, without retries, whose one window opens at `opens` (seconds since the
/// epoch) for `minutes` (to 23:59 at the latest).
fn one_window(agent: &AgentId, name: &str, opens: i64, minutes: i64) -> NewCampaign {
    let start = at(opens)[11..16].to_owned();
    let end = at(opens + minutes * 60)[11..16].to_owned();
    let end = if end <= start { "23:59".to_owned() } else { end };
    let required = NewCampaignRequired {
        call_time_ranges: vec![CallTimeRange::parse(&start, &end).unwrap()],
        ..always_on_required(agent, name)
    };
    NewCampaign::new(required).max_retries(0)
}

/// Creates `campaign` and makes it active.
fn activated(client: &talkover::blocking::Client, campaign: NewCampaign) -> talkover::campaigns::CampaignId {
    let id = client.execute(CreateCampaign::new(campaign)).unwrap().id;
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    id
}

#[test]
fn a_call_of_a_campaign_that_starts_years_ahead_is_scheduled_for_its_start_and_one_past_its_end_is_refused() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Dates");
    // Its first day, midnight UTC, three years (and a bit) from now: further than a year ahead.
    let first_day = (clock_seconds(&server).div_euclid(86_400) + 3 * 366) * 86_400;
    let later = NewCampaign::new(NewCampaignRequired {
        start_date: Date::new(&at(first_day)[..10]).unwrap(),
        ..always_on_required(&agent, "Later")
    });
    let id = activated(&client, later);
    let call = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550409876"))).unwrap().campaign_call;
    assert_eq!(call.status, CallStatus::Scheduled, "not before its start date");
    assert_eq!(call.scheduled_at.as_ref().map(|t| t.as_str().to_owned()), Some(at(first_day)));

    // A campaign whose last day was yesterday places no call again.
    let yesterday = clock_seconds(&server) - 86_400;
    let over = always_on(&agent, "Over").end_date(Date::new(&at(yesterday)[..10]).unwrap());
    let id = activated(&client, over);
    let refused = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550409876"))).unwrap_err();
    assert_api(&refused, 400, ErrorKind::BadRequest, "Campaign is not active: its end date has passed");
    assert_eq!(api(&refused).code.as_deref(), Some("CAMPAIGN_NOT_ACTIVE"));
}

/// A campaign whose days of the week fall on none of the days between its start and end dates would never
/// dial a call: one made is refused as after its end date, not queued to fail when that date passes.
#[test]
fn a_call_of_a_campaign_whose_schedule_never_opens_before_its_end_is_refused() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Never");
    // Two days a year ahead, and only the weekday three days after the first (1970-01-01 was a Thursday).
    let first = clock_seconds(&server).div_euclid(86_400) + 366;
    let weekday = talkover::time::Weekday::ALL[usize::try_from((first + 3 + 3).rem_euclid(7)).unwrap()];
    let never = NewCampaign::new(NewCampaignRequired {
        start_date: Date::new(&at(first * 86_400)[..10]).unwrap(),
        days_of_week: vec![weekday],
        ..always_on_required(&agent, "Never")
    })
    .end_date(Date::new(&at((first + 1) * 86_400)[..10]).unwrap());
    let id = activated(&client, never);
    let refused = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550409876"))).unwrap_err();
    assert_api(
        &refused,
        400,
        ErrorKind::BadRequest,
        "Campaign is not active: no time its schedule allows is left before its end date",
    );
    assert_eq!(api(&refused).code.as_deref(), Some("CAMPAIGN_NOT_ACTIVE"));
    let campaign = client.execute(talkover::campaigns::GetCampaign::new(&id)).unwrap();
    assert!(campaign.calls.unwrap_or_default().is_empty(), "no call is kept");

    // The same dates with the weekday of its first day take the call, for that day.
    let open = NewCampaign::new(NewCampaignRequired {
        start_date: Date::new(&at(first * 86_400)[..10]).unwrap(),
        days_of_week: vec![talkover::time::Weekday::ALL[usize::try_from((first + 3).rem_euclid(7)).unwrap()]],
        ..always_on_required(&agent, "Open")
    })
    .end_date(Date::new(&at((first + 1) * 86_400)[..10]).unwrap());
    let id = activated(&client, open);
    let call = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550409876"))).unwrap().campaign_call;
    assert_eq!(call.status, CallStatus::Scheduled);
    assert_eq!(call.scheduled_at.as_ref().map(|t| t.as_str().to_owned()), Some(at(first * 86_400)));
}

/// A campaign's first attempts wait its `initial_call_delay`; when its hours change while it is paused, the
/// calls it holds move to the new hours' first opening (sooner here); a retry that could only come after its
/// end date is not scheduled: the contact fails, and an auto-completing campaign completes.
#[test]
fn a_campaign_s_calls_follow_its_delay_its_new_hours_and_its_end_date() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Timely");
    let now = clock_seconds(&server);

    // The delay: the first attempt ten minutes on.
    let delayed = always_on(&agent, "Delayed").initial_call_delay(600).max_retries(0);
    let id = activated(&client, delayed);
    let call = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550140001"))).unwrap().campaign_call;
    assert_eq!(
        (call.status, call.scheduled_at.map(|t| t.as_str().to_owned())),
        (CallStatus::Scheduled, Some(at(now + 600)))
    );
    server.advance_clock(Duration::from_secs(10));
    assert!(client.execute(ListCalls::new().agent_id(&agent)).unwrap().items.is_empty(), "not before the delay");
    server.advance_clock(Duration::from_secs(600));
    assert_eq!(client.execute(ListCalls::new().agent_id(&agent)).unwrap().items.len(), 1, "dialled after it");

    // New hours that open sooner: the held call is dialled in them.
    let opens = (now + 610).div_euclid(3600) * 3600 + 2 * 3600;
    let id = activated(&client, one_window(&agent, "Later", opens, 1));
    let call = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550140002"))).unwrap().campaign_call;
    assert_eq!(call.scheduled_at.map(|t| t.as_str().to_owned()), Some(at(opens)));
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Paused)).unwrap();
    let all_day = CampaignChanges::new().call_time_ranges([CallTimeRange::parse("00:00", "23:59").unwrap()]);
    client.execute(UpdateCampaign::new(&id, all_day)).unwrap();
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    server.advance_clock(Duration::from_secs(10));
    let rung: Vec<String> = statuses(&client, &agent).into_iter().map(|(to, ..)| to).collect();
    assert_eq!(rung, ["+15550140001", "+15550140002"], "dialled in the new hours, not at the old opening");

    // A retry whose cooldown ends after the end date: none; the contact fails and the campaign completes.
    let today = at(clock_seconds(&server))[..10].to_owned();
    let ending = always_on(&agent, "Ending")
        .end_date(Date::new(&today).unwrap())
        .max_retries(3)
        .retry_cooldown_hours(72)
        .auto_complete(true);
    let id = activated(&client, ending);
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550141111"))).unwrap();
    server.advance_clock(Duration::from_secs(60));
    let campaign = client.execute(GetCampaign::new(&id)).unwrap();
    let calls = campaign.calls.unwrap_or_default();
    assert_eq!((calls[0].status.clone(), calls[0].retries), (CallStatus::NoAnswer, Some(0)), "{calls:?}");
    assert_eq!(campaign.status, CampaignStatus::Completed);
    assert_eq!(campaign.stats.map(|s| s.failed_calls), Some(1));
}

#[test]
fn a_call_queued_outside_the_hours_waits_for_them_and_a_jump_of_the_clock_does_not_skip_them() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Window");
    // A one-hour window (UTC) that opens two whole hours after the present hour.
    let opens = clock_seconds(&server).div_euclid(3600) * 3600 + 2 * 3600;
    let id = activated(&client, one_window(&agent, "One window", opens, 60));

    let queued = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550409876"))).unwrap();
    let call = queued.campaign_call;
    assert_eq!(call.status, CallStatus::Scheduled, "outside its campaign's hours");
    assert_eq!(call.scheduled_at.as_ref().map(|t| t.as_str().to_owned()), Some(at(opens)), "their next opening");

    // One jump of a day, from before the window to after it: the call was dialled when it opened.
    server.advance_clock(Duration::from_secs(86_400));
    let calls = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items;
    assert_eq!(calls.len(), 1, "dialled once");
    assert_eq!(calls[0].created_at.as_str(), at(opens), "placed at the window's opening, not after the jump");
    assert_eq!(calls[0].status, CallStatus::Completed);
    let campaign = client.execute(GetCampaign::new(&id)).unwrap();
    assert_eq!(campaign.calls.unwrap_or_default()[0].status, CallStatus::Completed);
}

#[test]
fn a_campaign_keeps_its_do_not_call_list_passes_on_context_and_completes_by_itself() {
    use talkover::campaigns::DoNotCallListSource;
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Careful");
    let blocked = "+15550120001";
    let campaign = always_on(&agent, "Careful")
        .max_retries(0)
        .auto_complete(true)
        .do_not_call_enabled(true)
        .do_not_call_list_source(DoNotCallListSource::Custom)
        .do_not_call_custom_list([blocked]);
    let events = [
        CampaignWebhookEvent::CampaignCallCompleted,
        CampaignWebhookEvent::CampaignCallFailed,
        CampaignWebhookEvent::CampaignCompleted,
    ];
    let hook = NewCampaignWebhook::new("Watch", receiver.url(), events).webhook_secret(SECRET);
    let id = active_with_webhook(&client, campaign, hook);
    // (The call that goes through first: once every call is over, the campaign completes and takes no more.)
    let with_context = NewCampaignCall::new("+15550120002").context_value("crm_id", "abc");
    client.execute(MakeCampaignCall::new(&id, with_context)).unwrap();
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new(blocked))).unwrap();
    server.advance_clock(Duration::from_secs(10));

    // The blocked number was never rung; the other call went through.
    let rung: Vec<String> = statuses(&client, &agent).into_iter().map(|(to, ..)| to).collect();
    assert_eq!(rung, ["+15550120002"]);
    let campaign = client.execute(GetCampaign::new(&id)).unwrap();
    let mut outcomes: Vec<_> = campaign.calls.unwrap_or_default().into_iter().map(|c| (c.to, c.status)).collect();
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        outcomes,
        [(blocked.to_owned(), CallStatus::Failed), ("+15550120002".to_owned(), CallStatus::Completed)]
    );
    // Every call over: the auto-completing campaign completed.
    assert_eq!(campaign.status, CampaignStatus::Completed);

    let received = receiver.wait_for(3);
    assert_signed(&received);
    let event = |name: &str| received.iter().find(|r| r.event() == name).map(Received::json);
    assert_eq!(event("campaign_call.failed").unwrap()["to"], blocked);
    assert_eq!(event("campaign_call.completed").unwrap()["context"], json!({ "crm_id": "abc" }));
    // The call's event says what the campaign was when the call ended; the campaign's own, what it became.
    assert_eq!(event("campaign_call.completed").unwrap()["campaign_status"], "active");
    assert_eq!(event("campaign.completed").unwrap()["campaign_status"], "completed");
}

/// A campaign that ends (completed or cancelled) stops all future calls: a call still waiting for its turn
/// ends `failed`, with its event, rather than staying `scheduled` past its time.
#[test]
fn the_waiting_calls_of_a_campaign_that_ends_fail() {
    for end in [CampaignStatus::Cancelled, CampaignStatus::Completed] {
        let (server, client) = stopped_clock();
        let receiver = Receiver::start();
        let agent = published_agent(&client, "Ending");
        let campaign = always_on(&agent, "Ending").initial_call_delay(600).max_retries(0);
        let hook = NewCampaignWebhook::new("Watch", receiver.url(), [CampaignWebhookEvent::CampaignCallFailed])
            .webhook_secret(SECRET);
        let id = active_with_webhook(&client, campaign, hook);
        client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550120005"))).unwrap();
        client.execute(UpdateCampaignStatus::new(&id, end.clone())).unwrap();
        server.advance_clock(Duration::from_secs(1200));

        let campaign = client.execute(GetCampaign::new(&id)).unwrap();
        let outcomes: Vec<CallStatus> = campaign.calls.unwrap_or_default().into_iter().map(|c| c.status).collect();
        assert_eq!(outcomes, [CallStatus::Failed], "{end:?}");
        assert!(statuses(&client, &agent).is_empty(), "{end:?}: nothing was rung");
        let received = receiver.wait_for(1);
        assert_eq!(received[0].json()["to"], "+15550120005", "{end:?}");
    }
}

/// Auto-DNC: a call that ended in a trigger status puts its number on the list the campaign's source names
/// (its own list, as get-campaign shows it, or the environment's), and the do-not-call check then blocks
/// the next call to it.
#[test]
fn auto_dnc_puts_a_number_on_the_list_and_the_next_call_to_it_is_blocked() {
    use talkover::campaigns::DoNotCallListSource;
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Once only");
    let sources = [(DoNotCallListSource::Custom, "+15550120003"), (DoNotCallListSource::Environment, "+15550120004")];
    for (source, number) in sources {
        let campaign = always_on(&agent, "Once only")
            .max_retries(0)
            .do_not_call_enabled(true)
            .do_not_call_list_source(source.clone())
            .auto_add_to_dnc_enabled(true)
            .auto_dnc_trigger_statuses([CallStatus::Completed]);
        let id = client.execute(CreateCampaign::new(campaign)).unwrap().id;
        client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
        client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new(number))).unwrap();
        server.advance_clock(Duration::from_secs(10));
        let listed = client.execute(GetCampaign::new(&id)).unwrap().do_not_call_custom_list.unwrap_or_default();
        let own = source == DoNotCallListSource::Custom;
        assert_eq!(listed, if own { vec![number.to_owned()] } else { Vec::new() }, "{source:?}");

        let again = NewCampaignCall::new(number).allow_duplicates(true);
        client.execute(MakeCampaignCall::new(&id, again)).unwrap();
        server.advance_clock(Duration::from_secs(10));
        let calls = client.execute(GetCampaign::new(&id)).unwrap().calls.unwrap_or_default();
        let outcomes: Vec<CallStatus> = calls.into_iter().map(|c| c.status).collect();
        assert_eq!(outcomes.iter().filter(|s| **s == CallStatus::Completed).count(), 1, "{source:?}: {outcomes:?}");
        assert_eq!(outcomes.iter().filter(|s| **s == CallStatus::Failed).count(), 1, "{source:?}: {outcomes:?}");
        let rung = statuses(&client, &agent).into_iter().filter(|(to, ..)| to == number).count();
        assert_eq!(rung, 1, "{source:?}: the number was rung once");
    }
}

/// One jump of the clock over several calls of a campaign: its webhook receives their events in the order
/// they happened, as each `timestamp` says, not campaign call by campaign call.
#[test]
fn a_campaign_webhook_receives_the_events_of_several_calls_in_time_order() {
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Ordered");
    let campaign = always_on(&agent, "Ordered").max_retries(1);
    let events = [
        CampaignWebhookEvent::CampaignCallStarted,
        CampaignWebhookEvent::CampaignCallCompleted,
        CampaignWebhookEvent::CampaignCallRetryScheduled,
    ];
    let hook = NewCampaignWebhook::new("Order", receiver.url(), events).webhook_secret(SECRET);
    let id = active_with_webhook(&client, campaign, hook);
    // The first completes after a few seconds; the second is busy at once, and its retry is scheduled.
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550132000"))).unwrap();
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550132222"))).unwrap();
    server.advance_clock(Duration::from_secs(10));

    let received = receiver.wait_for(4);
    let told: Vec<(String, String)> =
        received.iter().map(|r| (r.json()["timestamp"].as_str().unwrap().to_owned(), r.event())).collect();
    let mut in_order = told.clone();
    in_order.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(told, in_order, "sent in the order they happened");
    let names: Vec<&str> = told.iter().map(|(_, event)| event.as_str()).collect();
    assert_eq!(
        names,
        ["campaign_call.started", "campaign_call.started", "campaign_call.retry_scheduled", "campaign_call.completed"]
    );
}

/// What follows a campaign call's end is stamped with the instant it ended, to the millisecond, as the
/// call's own events are: `campaign_call.completed` (or `retry_scheduled`) is never before the call's
/// `event_phone_call_ended`, on a clock whose instant is not a whole second.
#[test]
fn a_campaign_calls_outcome_is_stamped_when_its_call_ended() {
    let (server, client) = stopped_clock();
    // The stopped clock stands where the real one was, between two seconds (but one time in a thousand).
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Stamped");
    let campaign = always_on(&agent, "Stamped").max_retries(1);
    let events = [CampaignWebhookEvent::CampaignCallCompleted, CampaignWebhookEvent::CampaignCallRetryScheduled];
    let hook = NewCampaignWebhook::new("Stamped", receiver.url(), events).include_call_events(true);
    let id = active_with_webhook(&client, campaign, hook);
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550132000"))).unwrap();
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550132222"))).unwrap();
    server.advance_clock(Duration::from_secs(10));

    let wanted = [
        ("event_phone_call_ended", "+15550132000"),
        ("campaign_call.completed", "+15550132000"),
        ("event_phone_call_ended", "+15550132222"),
        ("campaign_call.retry_scheduled", "+15550132222"),
    ];
    let find = |received: &[Received], event: &str, to: &str| {
        received
            .iter()
            .find(|r| r.event() == event && r.json()["to"] == to)
            .map(|r| r.json()["timestamp"].as_str().unwrap().to_owned())
    };
    // The deliveries come in their own order: wait, one more at a time, until the four are there.
    let mut received = Vec::new();
    for count in 4..=20 {
        received = receiver.wait_for(count);
        if wanted.iter().all(|(event, to)| find(&received, event, to).is_some()) {
            break;
        }
    }
    let stamp = |event: &str, to: &str| find(&received, event, to).unwrap_or_else(|| panic!("no {event} for {to}"));
    let ended = stamp("event_phone_call_ended", "+15550132000");
    assert_eq!(stamp("campaign_call.completed", "+15550132000"), ended);
    assert_eq!(stamp("campaign_call.retry_scheduled", "+15550132222"), stamp("event_phone_call_ended", "+15550132222"));
}

#[test]
fn an_update_that_puts_a_campaigns_end_before_its_start_is_refused() {
    let (_server, client) = stopped_clock();
    let agent = published_agent(&client, "Dates");
    let id = client.execute(CreateCampaign::new(always_on(&agent, "Dates"))).unwrap().id;
    let before_start = CampaignChanges::new().end_date(Date::new("2019-12-31").unwrap());
    let refused = client.execute(UpdateCampaign::new(&id, before_start)).unwrap_err();
    assert_eq!(api(&refused).status.as_u16(), 422);
    assert!(api(&refused).field_errors.contains_key("end_date"), "{refused}");
    let later = CampaignChanges::new().end_date(Date::new("2030-12-31").unwrap());
    assert!(client.execute(UpdateCampaign::new(&id, later)).is_ok());
}

#[test]
fn records_are_stamped_on_the_emulators_clock() {
    let (server, client) = stopped_clock();
    server.advance_clock(Duration::from_secs(3 * 86_400));
    let now = server.clock_now();
    let created = client.agents().create(agent("Stamped")).unwrap();
    assert_eq!(created.created_at.as_ref().map(|t| t.as_str()), Some(now.as_str()));

    // The balance is read on that clock: `as_of` is the moment it was read, the call's charge in it.
    let agent = published_agent(&client, "Charging");
    let before = client.credits().balance().unwrap();
    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    let charged = client.credits().balance().unwrap();
    assert_ne!(charged.balance, before.balance, "the call's talk time is charged");
    assert_eq!(charged.as_of.as_ref().map(|t| t.as_str()), Some(server.clock_now().as_str()));
    server.advance_clock(Duration::from_secs(60));
    let later = client.credits().balance().unwrap();
    assert_eq!(later.as_of.as_ref().map(|t| t.as_str()), Some(server.clock_now().as_str()));
}

#[test]
fn a_voice_must_exist_and_an_agents_calls_go_with_it() {
    let (server, client) = stopped_clock();
    let agent = published_agent(&client, "Leaving");
    let unknown =
        talkover::agents::AgentVoiceSettings::new("no-such-voice", 1.2, talkover::agents::WhoSpeaksFirst::Agent);
    let refused = client.agents().update_voice(&agent, unknown).unwrap_err();
    assert_eq!((api(&refused).status.as_u16(), api(&refused).code.as_deref()), (404, Some("VOICE_NOT_FOUND")));
    // A language sent with it must be the voice's own (the recorded voices speak pt-BR).
    let english = voice().language(talkover::language::Language::EnUs);
    let refused = client.agents().update_voice(&agent, english).unwrap_err();
    assert_eq!(common::fields(&refused), ["language"], "{refused}");
    let said = &refused.field_errors()[0].message;
    assert_eq!(said, "The selected voice does not support the language en-US.");
    client.agents().update_voice(&agent, voice().language(talkover::language::Language::PtBr)).unwrap();
    // Similarity and stability are required for a high-fidelity template (the recorded pro and ultra ones)
    // and not taken for a basic one.
    let settings = |template: &str| {
        talkover::agents::AgentVoiceSettings::new(template, 1.2, talkover::agents::WhoSpeaksFirst::Agent)
    };
    let refused = client.agents().update_voice(&agent, settings("voice-template-uuid-3")).unwrap_err();
    assert_eq!(common::fields(&refused), ["similarity", "stability"], "{refused}");
    let tuned = settings("voice-template-uuid-2").similarity(0.75).stability(0.8);
    let voice_of = |agent: talkover::agents::Agent| agent.voice.expect("the agent's voice");
    let pro = voice_of(client.agents().update_voice(&agent, tuned).unwrap());
    assert_eq!((pro.similarity_boost, pro.stability), (Some(0.75), Some(0.8)));
    let untuned = settings("voice-template-uuid-1").similarity(0.75).stability(0.8);
    let basic = voice_of(client.agents().update_voice(&agent, untuned).unwrap());
    assert_eq!((basic.similarity_boost, basic.stability), (None, None));
    // A new voice takes the agent back to draft.
    client.agents().publish(&agent).unwrap();

    // A phone number written as a JSON number is there, and is no phone number.
    let path = format!("/api/v1/agents/{agent}/call");
    let numeric = plain(&server, "POST", &path, Some(json!({ "to": 15551234567_u64 })));
    assert_eq!((numeric.status, &numeric.body["error"]["code"]), (400, &json!("INVALID_PHONE_NUMBER")));

    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    assert_eq!(statuses(&client, &agent).len(), 1);
    client.agents().unpublish(&agent).unwrap();
    client.agents().delete(&agent).unwrap();
    // Its call history was deleted with it (delete-agent).
    let calls = client.execute(ListCalls::new().agent_id(&agent)).unwrap();
    assert!(calls.items.is_empty(), "{:?}", calls.items);
}

/// The `timestamp` of a delivery, in seconds since the epoch.
fn stamped(received: &Received) -> i64 {
    let body = received.json();
    talkover::time::DateTime::new(body["timestamp"].as_str().expect("a timestamp")).unwrap().unix_timestamp()
}

#[test]
fn after_a_jump_of_the_clock_each_call_event_carries_the_time_of_its_step() {
    let (server, client) = stopped_clock();
    let events = every_step_of_a_call();
    let (agent, receiver) = watched_agent(&client, "Jumped", events);
    client.execute(MakeCall::new(&agent, NewCall::new("+15550001234"))).unwrap();
    // One jump past the whole call: each step is told at its own time, not at the clock's after the jump.
    server.advance_clock(Duration::from_secs(10));

    let received = receiver.wait_for(5);
    let call = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items.remove(0);
    assert_eq!((call.status.clone(), call.duration), (CallStatus::Completed, 2));
    let seconds = |t: &talkover::Timestamp| talkover::time::DateTime::new(t.as_str()).unwrap().unix_timestamp();
    let (created, ended) = (seconds(&call.created_at), seconds(&call.updated_at));
    let at = |event: &str| {
        received.iter().find(|r| r.event() == event).map(|r| stamped(r) - created).expect("the event was delivered")
    };
    let seen = [
        at("event_phone_call_started"),
        at("event_phone_call_connected"),
        at("event_conversation_started"),
        at("event_conversation_ended"),
        at("event_phone_call_ended"),
    ];
    assert_eq!(seen, [0, 2, 2, 4, 4], "seconds after the call was made");
    assert_eq!(created + at("event_phone_call_ended"), ended, "the end is told when list-calls says it ended");
    let talk = at("event_phone_call_ended") - at("event_phone_call_connected");
    assert_eq!(talk, call.duration as i64, "connected to ended is the call's duration");
}

/// An event the emulator never brings about itself is sent when a test asks, over HTTP or from Rust: to the
/// webhooks that subscribe to it, signed and logged as any delivery, with the data the test gave; to a
/// campaign's webhooks that take call events when its `call_id` is one of the campaign's calls.
#[test]
fn an_event_asked_for_is_delivered_as_any_other() {
    let (server, client) = stopped_clock();
    let (agent, receiver) = watched_agent(&client, "Recorded", [AgentWebhookEvent::Recording]);
    let placed = client.agents().call(&agent, NewCall::new("+15550001234")).unwrap();
    let data = json!({ "call_id": placed.id, "recording_url": "https://example.com/r.mp3" });
    let asked = plain(
        &server,
        "POST",
        "/_emulator/events",
        Some(json!({ "event": "event_recording", "agent_id": agent, "data": data })),
    );
    assert_eq!((asked.status, &asked.body["data"]), (200, &json!({ "event": "event_recording", "deliveries": 1 })));
    let received = receiver.wait_for(1);
    assert_signed(&received);
    let delivery: WebhookDelivery = WebhookDelivery::from_slice(&received[0].body).unwrap();
    assert_eq!(delivery.event, Some(AgentWebhookEvent::Recording));
    assert_eq!((delivery.agent_id.as_ref(), delivery.call_id().as_ref()), (Some(&agent), Some(&placed.id)));
    assert_eq!(delivery.payload["recording_url"], "https://example.com/r.mp3");
    let hook = client.execute(ListAgentWebhooks::new(&agent)).unwrap().webhooks[0].id.clone();
    let logs = client.execute(ListWebhookLogs::new(&agent, &hook)).unwrap().items;
    let recorded = |log: &&talkover::webhooks::AgentWebhookLog| log.event == AgentWebhookEvent::Recording;
    assert!(logs.iter().filter(recorded).all(|log| log.status == DeliveryStatus::Success), "{logs:?}");
    assert_eq!(logs.iter().filter(recorded).count(), 1, "{logs:?}");

    // An event no webhook subscribes to goes nowhere; what is not there, or not documented, is refused.
    assert_eq!(server.emit_agent_event(agent.as_str(), AgentWebhookEvent::ActionFailed, Map::new()), Some(0));
    assert_eq!(server.emit_agent_event("no-such-agent", AgentWebhookEvent::Recording, Map::new()), None);
    let refused = [
        (json!({ "event": "event_recording", "agent_id": "no-such-agent" }), 404),
        (json!({ "event": "campaign.started", "agent_id": agent }), 422),
        (json!({ "event": "event_recording", "agent_id": agent, "campaign_id": "c" }), 422),
        (json!({ "event": "event_recording", "agent_id": agent, "data": [1] }), 422),
        (json!({ "agent_id": agent }), 422),
    ];
    for (body, status) in refused {
        let answer = plain(&server, "POST", "/_emulator/events", Some(body.clone()));
        assert_eq!(answer.status, status, "{body}: {:?}", answer.body);
    }
    assert_eq!(plain(&server, "GET", "/_emulator/events", None).status, 405);

    // A campaign's report, to its webhook; a call event of a campaign's call, to its webhook that takes them.
    let campaign_receiver = Receiver::start();
    let events = [CampaignWebhookEvent::CallReport];
    let hook = NewCampaignWebhook::new("Reports", campaign_receiver.url(), events).include_call_events(true);
    let campaign = active_with_webhook(&client, always_on(&agent, "Reported"), hook);
    client.execute(MakeCampaignCall::new(&campaign, NewCampaignCall::new("+15550004321"))).unwrap();
    server.advance_clock(Duration::from_secs(10));
    let calls = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items;
    let dialled: Vec<_> = calls.into_iter().filter(|c| c.to == "+15550004321").collect();
    let report = json!({ "call_id": dialled[0].id, "summary": "Booked" });
    let asked = plain(
        &server,
        "POST",
        "/_emulator/events",
        Some(json!({ "event": "event_call_report", "campaign_id": campaign, "data": report })),
    );
    assert_eq!(asked.body["data"]["deliveries"], 1, "{:?}", asked.body);
    let call_event = Map::from_iter([("call_id".to_owned(), json!(dialled[0].id))]);
    assert_eq!(server.emit_agent_event(agent.as_str(), AgentWebhookEvent::Recording, call_event), Some(2));
    // The call's own five events (it was answered and ended), then the two asked for.
    let received = campaign_receiver.wait_for(5 + 2);
    let names: Vec<String> =
        received.iter().filter(|r| r.json()["call_id"] == json!(dialled[0].id)).map(Received::event).collect();
    assert!(
        names.contains(&"event_call_report".to_owned()) && names.contains(&"event_recording".to_owned()),
        "{names:?}"
    );
}

/// On a running clock, a campaign call is never told started before it was queued: its `scheduled_at` is
/// written to the second, the queue's time to the millisecond, and the start is not earlier than either.
#[test]
fn a_campaign_call_is_told_started_no_earlier_than_queued() {
    // A fast clock, so that the milliseconds between a request's tick and its own reading of the clock count.
    let server = Server::builder().clock_scale(50.0).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Queue order");
    let events = [CampaignWebhookEvent::CampaignCallQueued, CampaignWebhookEvent::CampaignCallStarted];
    let id = active_with_webhook(
        &client,
        always_on(&agent, "Order"),
        NewCampaignWebhook::new("Order", receiver.url(), events),
    );
    let numbers: Vec<String> = (0..12).map(|i| format!("+1555000{:04}", 1000 + i)).collect();
    for number in &numbers {
        client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new(number.as_str()))).unwrap();
    }
    let received = receiver.wait_for(2 * numbers.len());
    let at = |number: &str, event: &str| {
        let found = received.iter().find(|r| r.json()["to"] == json!(number) && r.event() == event);
        let body = found.unwrap_or_else(|| panic!("{event} for {number}")).json();
        talkover::Timestamp::from(body["timestamp"].as_str().expect("a timestamp"))
    };
    for number in &numbers {
        let (queued, started) = (at(number, "campaign_call.queued"), at(number, "campaign_call.started"));
        let instant = |t: &talkover::Timestamp| talkover::time::DateTime::new(t.as_str()).unwrap();
        assert!(instant(&queued) <= instant(&started), "{number}: queued {queued:?}, started {started:?}");
    }
}

#[test]
fn after_a_jump_of_the_clock_campaign_events_carry_the_time_of_the_call_they_tell_of() {
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Campaign jump");
    let campaign = always_on(&agent, "Jumped").max_retries(1).retry_cooldown_hours(1);
    let events = [
        CampaignWebhookEvent::CampaignCallStarted,
        CampaignWebhookEvent::CampaignCallCompleted,
        CampaignWebhookEvent::CampaignCallRetryScheduled,
    ];
    let hook = NewCampaignWebhook::new("Times", receiver.url(), events).include_call_events(true);
    let id = active_with_webhook(&client, campaign, hook);
    for number in ["+15550001234", "+15550002222"] {
        client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new(number))).unwrap();
    }
    server.advance_clock(Duration::from_secs(10));

    // Per number: its two campaign call events and the call events of its call (started, connected,
    // conversation started and ended, ended; or started, did not connect, ended).
    let received = receiver.wait_for(2 + 5 + 2 + 3);
    let calls = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items;
    assert_eq!(calls.len(), 2);
    for call in &calls {
        let of_call: Vec<&Received> = received.iter().filter(|r| r.json()["to"] == json!(call.to)).collect();
        // A delivery's time is written to the millisecond (`…:51.000Z`), a call's to the second: the
        // instants are compared.
        let at = |event: &str| {
            let found = of_call.iter().find(|r| r.event() == event);
            found.map(|r| stamped(r)).unwrap_or_else(|| panic!("{event} for {}", call.to))
        };
        let seconds = |t: &talkover::Timestamp| talkover::time::DateTime::new(t.as_str()).unwrap().unix_timestamp();
        let (created, ended) = (seconds(&call.created_at), seconds(&call.updated_at));
        assert_eq!(at("campaign_call.started"), created, "dialled when the call was made");
        assert_eq!(at("event_phone_call_started"), created);
        assert_eq!(at("event_phone_call_ended"), ended, "the call's end, as list-calls shows it");
        let outcome = if call.status == CallStatus::Completed {
            "campaign_call.completed"
        } else {
            "campaign_call.retry_scheduled"
        };
        assert_eq!(at(outcome), ended, "{outcome} when the call ended");
        assert_ne!(
            ended,
            talkover::time::DateTime::new(&server.clock_now()).unwrap().unix_timestamp(),
            "the clock jumped past the call's end"
        );
    }
}

#[test]
fn a_retry_that_cools_down_after_the_hours_close_is_scheduled_for_their_next_opening() {
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Windowed retry");
    // In UTC, 09:00 to 10:00 every day; one retry, an hour after a busy line.
    let campaign = NewCampaign::new(NewCampaignRequired {
        call_time_ranges: vec![CallTimeRange::parse("09:00", "10:00").unwrap()],
        ..always_on_required(&agent, "Mornings")
    })
    .max_retries(1)
    .retry_cooldown_hours(1);
    let id = client.execute(CreateCampaign::new(campaign)).unwrap().id;
    let hook = NewCampaignWebhook::new("Retries", receiver.url(), [CampaignWebhookEvent::CampaignCallRetryScheduled]);
    client.execute(CreateCampaignWebhook::new(&id, hook)).unwrap();
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    // The clock to 09:00:30 of the next morning, inside the window.
    let now = clock_seconds(&server);
    let nine = (now - 9 * 3600).div_euclid(86_400) * 86_400 + 86_400 + 9 * 3600;
    server.advance_clock(Duration::from_secs((nine + 30 - now) as u64));
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550002222"))).unwrap();
    server.advance_clock(Duration::from_secs(10));

    // Busy at 09:00:31: the cooldown ends at 10:00:31, after the window closed, so the retry waits for
    // 09:00 the next day, and says so.
    let next_morning = at(nine + 86_400);
    let retry = receiver.wait_for(1)[0].json();
    assert_eq!(retry["scheduled_at"], json!(next_morning), "{retry}");
    let waiting = client.execute(GetCampaign::new(&id)).unwrap().calls.unwrap_or_default().remove(0);
    assert_eq!((waiting.status, waiting.retries), (CallStatus::Scheduled, Some(1)));
    assert_eq!(waiting.scheduled_at.as_ref().map(|t| t.as_str().to_owned()), Some(next_morning.clone()));

    // It is dialled then.
    server.advance_clock(Duration::from_secs(86_400));
    let mut placed: Vec<String> = client
        .execute(ListCalls::new().agent_id(&agent))
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.created_at.as_str().to_owned())
        .collect();
    placed.sort();
    assert_eq!(placed, [at(nine + 30), next_morning]);
}

#[test]
fn the_call_lists_refuse_a_status_filter_their_pages_do_not_list() {
    let (server, _client) = stopped_clock();
    let agent = "550e8400-e29b-41d4-a716-446655440000"; // the reference's example agent
    for list in ["/api/v1/calls", &format!("/api/v1/agents/{agent}/calls")] {
        let bogus = plain(&server, "GET", &format!("{list}?status=bogus"), None);
        assert_eq!(bogus.status, 422, "{list}: {}", bogus.body);
        assert_eq!(bogus.body["errors"]["status"], json!(["The selected status is invalid."]), "{}", bogus.body);
        // A campaign call's statuses are no call list's filters: refused as a value no call has.
        for status in ["voicemail", "queued", "scheduled"] {
            let refused = plain(&server, "GET", &format!("{list}?status={status}"), None);
            assert_eq!((refused.status, &refused.body), (422, &bogus.body), "{list}?status={status}");
        }
        // The seven the pages list are taken.
        for status in ["initiated", "ringing", "answered", "completed", "failed", "busy", "no-answer"] {
            let listed = plain(&server, "GET", &format!("{list}?status={status}"), None);
            assert_eq!(listed.status, 200, "{list}?status={status}: {}", listed.body);
        }
        // A filter given empty is none, as a query parameter not given.
        let unfiltered = plain(&server, "GET", list, None);
        assert!(unfiltered.body["pagination"]["per_page"].is_u64(), "{}", unfiltered.body);
        let empty = plain(&server, "GET", &format!("{list}?status=&per_page="), None);
        assert_eq!((empty.status, &empty.body["pagination"]), (200, &unfiltered.body["pagination"]), "{}", empty.body);
    }
}

#[test]
fn a_campaign_webhooks_template_names_the_agent_and_its_test_is_a_templated_test_event() {
    let (server, client) = stopped_clock();
    let receiver = Receiver::start();
    let agent = published_agent(&client, "Templated agent");
    let id = client.execute(CreateCampaign::new(always_on(&agent, "Templated").max_retries(0))).unwrap().id;
    let template = json!({
        "agent": "{{agent.name}}", "status": "{{call.status}}", "to": "{{to}}", "call": "{{call.id}}",
        "campaign": "{{campaign.name}}",
    });
    let hook = NewCampaignWebhook::new("Shaped", receiver.url(), [CampaignWebhookEvent::CampaignCallCompleted])
        .payload_template(CampaignWebhookEvent::CampaignCallCompleted, template);
    let webhook = client.execute(CreateCampaignWebhook::new(&id, hook)).unwrap();
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15550001234"))).unwrap();
    server.advance_clock(Duration::from_secs(10));

    // A real delivery: the template's placeholders filled, the campaign's agent among them.
    let real = receiver.wait_for(1)[0].json();
    let placed = client.execute(ListCalls::new().agent_id(&agent)).unwrap().items.remove(0);
    assert_eq!(
        real,
        json!({
            "agent": "Templated agent", "status": "completed", "to": "+15550001234", "call": placed.id,
            "campaign": "Templated",
        })
    );

    // The test: a synthetic event of the webhook's first, shaped by the same template, and marked a test.
    client.execute(TestCampaignWebhook::new(&id, &webhook.id)).unwrap();
    let test = receiver.wait_for(2)[1].json();
    assert_eq!(test["test"], json!(true), "{test}");
    assert_eq!(
        (&test["agent"], &test["status"], &test["campaign"]),
        (&json!("Templated agent"), &json!("completed"), &json!("Templated"))
    );
    assert!(test["to"].is_string() && test["call"].is_string(), "{test}");
    assert_eq!(test.as_object().map(|o| o.len()), Some(6), "the template's fields and `test`: {test}");
}

/// A receiver that never answers, while events keep coming: its queue holds 1 000 deliveries and no more,
/// the later ones logged `failed` at once, and its logs keep the latest 1 000 entries, so that a
/// long-lived emulator's memory stays bounded.
#[test]
fn a_receiver_that_never_answers_holds_a_bounded_queue_and_log() {
    let (server, client) = stopped_clock();
    let hanging = Receiver::start();
    hanging.answer_with(0);
    let agent = published_agent(&client, "Busy agent");
    let hook = NewAgentWebhook::new("Hanging", hanging.url(), [AgentWebhookEvent::PhoneCallStarted])
        .timeout(120)
        .max_retries(0);
    let webhook = client.execute(CreateWebhook::new(&agent, hook)).unwrap();
    // Ten past the bound: the last event's delivery is refused, whatever becomes of the attempt in flight.
    // (How many refusals stay in the log depends on timing: one logged before a later event came is then
    // the oldest finished entry, which goes first to keep the log at 1 000.)
    for _ in 0..1_010 {
        assert_eq!(server.emit_agent_event(agent.as_str(), AgentWebhookEvent::PhoneCallStarted, Map::new()), Some(1));
    }
    let until = Instant::now() + DEADLINE;
    let logs = loop {
        let page = client.execute(ListWebhookLogs::new(&agent, &webhook.id).per_page(100)).unwrap();
        let newest = page.items.first().and_then(|l| l.error.clone());
        if newest.as_deref().is_some_and(|e| e.contains("too many")) {
            break page;
        }
        assert!(Instant::now() < until, "the newest delivery is not refused: {newest:?}");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(logs.pagination.map(|p| p.total), Some(1_000), "the latest 1 000 entries are kept");
    assert!(server.pending_deliveries() <= 1_000, "{}", server.pending_deliveries());
    drop(hanging);
}
