//! What the end-to-end tests share: the bodies a user sends, and reading an API error.

#![allow(dead_code)]

pub mod raw;

use talkover::actions::{ActionInput, ActionType, NewAction};
use talkover::agents::{AgentId, AgentVoiceSettings, Direction, NewAgent, WhoSpeaksFirst};
use talkover::calls::NewCall;
use talkover::campaigns::{CallTimeRange, CampaignType, NewCampaign, NewCampaignRequired};
use talkover::time::{Date, Weekday};
use talkover::{ApiError, Error, ErrorKind};

/// A blocking client of `server` that never retries: a test sees each answer as the emulator gave it.
pub fn blocking_client(server: &talkover_mock::Server) -> talkover::blocking::Client {
    retrying_client(server, 0)
}

/// A blocking client of `server` that retries up to `retries` times, as the SDK's policy allows.
pub fn retrying_client(server: &talkover_mock::Server, retries: u32) -> talkover::blocking::Client {
    talkover::blocking::Client::builder()
        .base_url(server.base_url())
        .token(server.token())
        .max_retries(retries)
        .build()
        .expect("a client")
}

/// A fresh emulator on loopback, and a never-retrying blocking client of it.
pub fn start_blocking() -> (talkover_mock::Server, talkover::blocking::Client) {
    let server = talkover_mock::Server::start_blocking().expect("an emulator");
    let client = blocking_client(&server);
    (server, client)
}

/// An async client of `server` that never retries.
pub fn async_client(server: &talkover_mock::Server) -> talkover::Client {
    talkover::Client::builder()
        .base_url(server.base_url())
        .token(server.token())
        .max_retries(0)
        .build()
        .expect("a client")
}

/// A fresh emulator on loopback, and a never-retrying async client of it.
pub async fn start_async() -> (talkover_mock::Server, talkover::Client) {
    let server = talkover_mock::Server::start().await.expect("an emulator");
    let client = async_client(&server);
    (server, client)
}

/// The agent a user creates (every field the reference requires).
pub fn agent(name: &str) -> NewAgent {
    agent_in(name, Direction::Outbound)
}

/// An agent that takes (`Inbound`) or places (`Outbound`) calls.
pub fn agent_in(name: &str, direction: Direction) -> NewAgent {
    talkover_mock::sample_agent(name, &format!("{name} label"), direction)
        .description("Calls customers back about their orders")
        .initial_message("Hello, this is a test call.")
}

/// A voice from the reference's voice templates.
pub fn voice() -> AgentVoiceSettings {
    AgentVoiceSettings::new("voice-template-uuid-1", 1.2, WhoSpeaksFirst::Agent)
}

/// A webhook action.
pub fn action() -> NewAction {
    NewAction::new("node-schedule", "Schedule Meeting", "Books a meeting", ActionType::Webhook)
        .inputs([ActionInput::new("date", "string").required(true)])
        .url("https://example.com/schedule")
}

/// A reminder campaign of `agent_id` a user creates (every field the reference requires), starting in 2030.
pub fn campaign(agent_id: impl Into<AgentId>) -> NewCampaign {
    NewCampaign::new(NewCampaignRequired {
        name: "Renewals".into(),
        campaign_type: CampaignType::Reminder,
        agent_id: agent_id.into(),
        start_date: Date::new("2030-01-01").unwrap(),
        days_of_week: Weekday::MONDAY_TO_FRIDAY.to_vec(),
        call_time_ranges: vec![CallTimeRange::parse("09:00", "17:00").unwrap()],
        timezone: "UTC".into(),
    })
}

/// A test call: not billed.
pub fn test_call() -> NewCall {
    NewCall::new("+15551234567").is_testing(true).context_value("ticket", 42)
}

/// The API's answer inside an error, failing the test for any other kind of error.
pub fn api(error: &Error) -> &ApiError {
    error.as_api().unwrap_or_else(|| panic!("expected an answer from the API, got {error}"))
}

/// Checks an error's status, kind and message.
pub fn assert_api(error: &Error, status: u16, kind: ErrorKind, message: &str) {
    let api = api(error);
    assert_eq!(api.status.as_u16(), status, "{error}");
    assert_eq!(api.kind, kind, "{error}");
    assert_eq!(api.message.as_deref(), Some(message), "{error}");
}

/// The fields a 422 names.
pub fn fields(error: &Error) -> Vec<String> {
    api(error).field_errors.keys().cloned().collect()
}

/// The first successful example of an operation in the emulator's fixtures, as the fixture's `params`.
pub fn first_successful_example(operation: &str) -> Option<talkover::registry::Params> {
    use talkover::fixture::{self, Expect};
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")).join(operation);
    let files = fixture::find_files(&dir).ok()?;
    files.iter().filter_map(|path| fixture::load_file(path).ok()).find_map(|fixture| {
        let ok = matches!(fixture.expect, Expect::Strict | Expect::Lenient);
        (ok && fixture.successful()).then_some(fixture.params)
    })
}

/// A loopback address that refuses every connection while the streams are held: the near end of a
/// connection, whose port no listener can take (a port let go could be taken meanwhile by another test's
/// listener, which would answer or hold the request).
pub fn refusing_address() -> (std::net::SocketAddr, [std::net::TcpStream; 2]) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let near = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    (near.local_addr().unwrap(), [near, listener.accept().unwrap().0])
}
