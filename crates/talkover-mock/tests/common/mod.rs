//! What the end-to-end tests share: the bodies a user sends, and reading an API error.

#![allow(dead_code)]

pub mod raw;

use talkover::actions::{ActionInput, ActionType, NewAction};
use talkover::agents::{AgentVoiceSettings, CreateAgentBody, Direction, InterruptSensitivity, WhoSpeaksFirst};
use talkover::calls::NewCall;
use talkover::{ApiError, Error, ErrorKind};

/// The agent a user creates (every field the reference requires).
pub fn agent(name: &str) -> CreateAgentBody {
    let mut agent = CreateAgentBody::default();
    agent.name = Some(name.into());
    agent.label = Some(format!("{name} label"));
    agent.description = Some("Calls customers back about their orders".into());
    agent.language = Some("en-US".into());
    agent.initial_message = Some("Hello, this is a test call.".into());
    agent.interrupt_sensitivity = Some(InterruptSensitivity::Medium);
    agent.endpointing_sensitivity = Some("auto".into());
    agent.ivr_navigation_mode = Some("off".into());
    agent.conversation_speed = Some(1.0);
    agent.initial_message_delay = Some(0);
    agent.ask_if_human_present_on_idle = Some(false);
    agent.idle_time_seconds = Some(5);
    agent.llm_temperature = Some(0.7);
    agent.enable_recording = Some(false);
    agent.direction = Some(Direction::Outbound);
    agent.who_speaks_first = Some(WhoSpeaksFirst::Agent);
    agent
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
