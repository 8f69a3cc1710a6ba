//! What the quickstart examples share: where they run, and what they create.
//!
//! With `TALKOVER_TOKEN` set, the examples talk to the API named by `TALKOVER_BASE_URL` (the production
//! API by default). Without it they start the local emulator (`talkover-mock`) on 127.0.0.1 and talk to it
//! over real loopback HTTP: no token, no network, no credits spent.

use talkover::actions::{ActionInput, ActionType, ActiveStatus, NewAction};
use talkover::agents::{Agent, AgentVoiceSettings, Direction, NewAgent, WhoSpeaksFirst};
use talkover::voice_templates::{QualityTier, VoiceTemplate, VoiceTemplateGroup};

/// The environment variable naming the phone to ring with the test call when running against the API.
pub const TEST_PHONE_ENV: &str = "TALKOVER_TEST_PHONE";

/// The environment variable holding a user's session token, which the Account API's operations (the
/// current user, the credit balance) take instead of `TALKOVER_TOKEN`, as their pages say.
pub const USER_TOKEN_ENV: &str = "TALKOVER_USER_TOKEN";

/// The user's session token of the emulator the examples start, which its Account API then wants, as
/// the API does.
const EMULATED_USER_TOKEN: &str = "mock_user_session_token";

/// The number the test call goes to on the emulator (a number reserved for fiction).
pub const EMULATED_TEST_PHONE: &str = "+15555550100";

/// Whether the examples run against a real API.
pub fn live() -> bool {
    std::env::var(talkover::TOKEN_ENV).is_ok_and(|token| !token.trim().is_empty())
}

/// Where the test call goes: the emulator's fictional number, or on the API the number in
/// `TALKOVER_TEST_PHONE` (no call is placed on the API without one: a test call is not billed, but it
/// still rings a phone).
pub fn test_phone(live: bool) -> Option<String> {
    if !live {
        return Some(EMULATED_TEST_PHONE.to_owned());
    }
    std::env::var(TEST_PHONE_ENV).ok().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty())
}

/// The base URL a client talks to, for printing.
pub fn base_url(config: &talkover::ClientConfig) -> String {
    format!("{}{}/api/v1", config.base_url().origin(), config.base_url().prefix())
}

/// The agent the quickstart creates: an outbound agent with every field the reference requires (ordinary
/// values from [`talkover_mock::sample_agent`]), a description and an opening line.
pub fn demo_agent() -> NewAgent {
    talkover_mock::sample_agent("QuickstartBot", "Quickstart Agent", Direction::Outbound)
        .description("Calls customers back to confirm their appointments")
        .initial_message("Hello, I am calling about your appointment.")
}

/// The action the quickstart adds: a webhook the agent calls to book a meeting.
pub fn demo_action() -> NewAction {
    NewAction::new(
        "quickstart-action-node",
        "Schedule Meeting",
        "Schedule a meeting with the customer",
        ActionType::Webhook,
    )
    .inputs([
        ActionInput::new("date", "string").required(true).description("Meeting date"),
        ActionInput::new("time", "string").required(true).description("Meeting time"),
    ])
    .url("https://api.example.com/schedule")
    .current_status(ActiveStatus::Active)
}

/// The voice the quickstart gives its agent: a basic-tier voice (high-fidelity tiers need more settings),
/// one that speaks the agent's language where the API offers one (else the first basic voice, set in the
/// voice's own language, as the reference's examples offer mostly pt-BR voices). Returns the settings and
/// the voice's name.
pub fn demo_voice(groups: &[VoiceTemplateGroup], agent: &Agent) -> Option<(AgentVoiceSettings, String)> {
    let voices = || groups.iter().flat_map(|group| &group.voices);
    let basic = |v: &&VoiceTemplate| v.quality_tier == QualityTier::Basic;
    let speaks = |v: &&VoiceTemplate| agent.language.as_ref() == Some(&v.language);
    let voice = voices()
        .find(|v| basic(v) && speaks(v))
        .or_else(|| voices().find(|v| speaks(v)))
        .or_else(|| voices().find(basic))
        .or_else(|| voices().next())?;
    let settings =
        AgentVoiceSettings::new(voice.id.as_str(), 1.2, WhoSpeaksFirst::Agent).language(voice.language.clone());
    Some((settings, format!("{} ({}, {})", voice.name, voice.language, voice.quality_tier)))
}

/// A status for printing.
pub fn status(status: &Option<talkover::agents::AgentStatus>) -> &str {
    status.as_ref().map(|s| s.as_str()).unwrap_or("unknown")
}

/// Says what the quickstarts talk to: the API, or the emulator they started (`emulated`).
pub fn print_target(config: &talkover::ClientConfig, emulated: bool) {
    if emulated {
        println!("TALKOVER_TOKEN is not set: started the local emulator (no network, no credits)");
    } else {
        println!("TALKOVER_TOKEN is set: talking to the API");
    }
    println!("   base URL {}\n", base_url(config));
}

/// Prints step 5 of the quickstarts: the first page of published agents.
pub fn print_published_agents(page: &talkover::Page<talkover::agents::Agent>) {
    let total = page.pagination.as_ref().map_or(page.items.len() as u64, |p| p.total);
    println!("5. Published agents ({total} in all, first page):");
    for listed in &page.items {
        println!("   - {} {} ({})", listed.id, listed.name, status(&listed.current_status));
    }
}

/// Prints step 7 of the quickstarts: the agent's calls.
pub fn print_calls(calls: &[talkover::calls::Call]) {
    println!("7. The agent's calls:");
    for call in calls {
        let test = if call.is_testing { " (test)" } else { "" };
        println!("   - {} to {} from {}: {}{test}", call.id, call.to, call.from, call.status);
    }
    if calls.is_empty() {
        println!("   (none)");
    }
}

/// Prints step 9 of the quickstarts: the action deleted (`deleted`), and the agent read again afterwards.
pub fn print_action_deleted(deleted: talkover::Ack, after: &talkover::agents::Agent) {
    println!("9. Deleted the action: {}", deleted.message.unwrap_or_default());
    println!(
        "   the agent has {} actions and is {}",
        after.actions.as_ref().map_or(0, Vec::len),
        status(&after.current_status)
    );
}

/// The client an example runs on, and the emulator it talks to when `TALKOVER_TOKEN` is not set. Keep the
/// emulator alive as long as the client is used: dropping it stops it.
pub async fn connect() -> Result<(talkover::Client, Option<talkover_mock::Server>), Box<dyn std::error::Error>> {
    if live() {
        let client = talkover::Client::from_env()?;
        println!("TALKOVER_TOKEN is set: talking to {}\n", base_url(client.config()));
        return Ok((client, None));
    }
    let server = talkover_mock::Server::builder().user_token(EMULATED_USER_TOKEN).start().await?;
    let client = talkover::Client::builder().base_url(server.base_url()).token(server.token()).build()?;
    println!("TALKOVER_TOKEN is not set: talking to the local emulator at {}\n", base_url(client.config()));
    Ok((client, Some(server)))
}

/// The client for the Account API's operations (the current user, the credit balance), whose pages ask
/// for a user's session token, not the environment's: `client` with the token of `TALKOVER_USER_TOKEN`
/// on the API, or the emulator's user token. On the same connections as `client`.
pub fn account_client(
    client: &talkover::Client,
    emulator: Option<&talkover_mock::Server>,
) -> Result<talkover::Client, Box<dyn std::error::Error>> {
    let token = match emulator.and_then(talkover_mock::Server::user_token) {
        Some(token) => token.to_owned(),
        None => std::env::var(USER_TOKEN_ENV)
            .map_err(|_| format!("{USER_TOKEN_ENV} is not set: the Account API wants a user's session token"))?,
    };
    Ok(client.with_token(token)?)
}
