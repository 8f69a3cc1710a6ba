//! What the quickstart examples share: the client they run on.
//!
//! With `TALKOVER_TOKEN` set, the examples talk to the API named by `TALKOVER_BASE_URL` (the production
//! API by default). Without it they run on an embedded replay of the API reference's documented
//! exchanges: no token, no network, no credits spent.

use talkover::actions::{ActionInput, ActionType, ActiveStatus, NewAction};
use talkover::agents::{CreateAgentBody, Direction, InterruptSensitivity, WhoSpeaksFirst};
use talkover::replay::Replay;
use talkover::trainings::NewTraining;
use talkover::ClientConfig;

/// The documented exchanges the embedded default answers from.
const RECORDED: &[(&str, &str)] = &[
    ("create-agent/ok-inbound-support.json", include_str!("../../tests/fixtures/create-agent/ok-inbound-support.json")),
    ("create-action/ok-webhook.json", include_str!("../../tests/fixtures/create-action/ok-webhook.json")),
    ("create-training/ok-active.json", include_str!("../../tests/fixtures/create-training/ok-active.json")),
    ("publish-agent/ok-publish.json", include_str!("../../tests/fixtures/publish-agent/ok-publish.json")),
    ("list-agents/ok-list-all.json", include_str!("../../tests/fixtures/list-agents/ok-list-all.json")),
    (
        "get-agent-pricing-summary/ok-summary.json",
        include_str!("../../tests/fixtures/get-agent-pricing-summary/ok-summary.json"),
    ),
    ("get-credits-balance/ok-balance.json", include_str!("../../tests/fixtures/get-credits-balance/ok-balance.json")),
    ("unpublish-agent/ok-unpublish.json", include_str!("../../tests/fixtures/unpublish-agent/ok-unpublish.json")),
    ("delete-action/ok-delete.json", include_str!("../../tests/fixtures/delete-action/ok-delete.json")),
];

/// The agent id of the documented exchanges.
pub const DEMO_AGENT_ID: &str = "550e8400-e29b-41d4-a716-446655440000";

/// The embedded default: the reference's documented answers.
pub fn replay() -> Replay {
    Replay::from_fixtures(RECORDED.iter().copied()).expect("the embedded exchanges are valid fixtures")
}

/// The configuration of the embedded default (its token is a placeholder that never leaves the process).
pub fn replay_config() -> ClientConfig {
    ClientConfig::new("talq_embedded_demo").expect("a valid placeholder token")
}

/// Whether the examples run against a real API.
pub fn live() -> bool {
    std::env::var(talkover::TOKEN_ENV).is_ok_and(|token| !token.trim().is_empty())
}

/// The agent the quickstart creates (the reference's example agent).
pub fn demo_agent() -> CreateAgentBody {
    let mut agent = CreateAgentBody::default();
    agent.name = Some("SupportBot".into());
    agent.label = Some("Customer Support Agent".into());
    agent.description = Some("Handles customer inquiries and support requests".into());
    agent.language = Some("en-US".into());
    agent.initial_message = Some("Hello, how can I help you today?".into());
    agent.interrupt_sensitivity = Some(InterruptSensitivity::Medium);
    agent.endpointing_sensitivity = Some("auto".into());
    agent.ivr_navigation_mode = Some("off".into());
    agent.conversation_speed = Some(1.0);
    agent.initial_message_delay = Some(0);
    agent.ask_if_human_present_on_idle = Some(false);
    agent.idle_time_seconds = Some(5);
    agent.llm_temperature = Some(0.7);
    agent.enable_recording = Some(true);
    agent.direction = Some(Direction::Inbound);
    agent.who_speaks_first = Some(WhoSpeaksFirst::Agent);
    agent
}

/// The action the quickstart adds.
pub fn demo_action() -> NewAction {
    NewAction::new("action-node-456", "Schedule Meeting", "Schedule a meeting with the customer", ActionType::Webhook)
        .inputs([
            ActionInput::new("date", "string").required(true).description("Meeting date"),
            ActionInput::new("time", "string").required(true).description("Meeting time"),
        ])
        .integration("integration-uuid")
        .url("https://api.example.com/schedule")
        .authorization_url("https://api.example.com/auth")
        .current_status(ActiveStatus::Active)
}

/// The training the quickstart adds.
pub fn demo_training() -> NewTraining {
    NewTraining::new(
        "Product Knowledge",
        "Learn about our product features, pricing, and common use cases. Focus on the main benefits and how \
         to address common customer questions. Always provide accurate information about our services.",
    )
    .node_id("training-node-123")
    .current_status(ActiveStatus::Active)
}

/// A status for printing.
pub fn status(status: &Option<talkover::agents::AgentStatus>) -> &str {
    status.as_ref().map(|s| s.as_str()).unwrap_or("unknown")
}
