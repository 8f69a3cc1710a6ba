//! Recording a session through the emulator, then replaying the recording with `Replay`, gives the same
//! results; and the recording is valid fixture data with no secret in it.

use crate::common;

use serde_json::{json, Value};
use talkover::actions::{CreateAction, DeleteAction};
use talkover::agents::{AgentStatus, GetAgent, ListAgents, PublishAgent, UnpublishAgent, UpdateAgentVoice};
use talkover::calls::{GetAgentCalls, ListCalls, MakeCall};
use talkover::record::{Recorder, Recording, REDACTED};
use talkover::replay::Replay;
use talkover::webhooks::{AgentWebhookEvent, CreateWebhook, NewAgentWebhook};
use talkover::{ClientConfig, Error, Operation, Output};

const WEBHOOK_SECRET: &str = "whsec_do_not_write_me";

/// What a call gave: the typed value, or the error's status, kind, code, message and fields.
fn outcome<T: std::fmt::Debug>(result: Result<T, Error>) -> Value {
    match result {
        Ok(value) => json!({ "ok": format!("{value:?}") }),
        Err(error) => match error.as_api() {
            Some(api) => json!({ "error": {
                "status": api.status.as_u16(), "kind": api.kind.fixture_kind(), "code": api.code, "message": api.message,
                "fields": api.field_errors.keys().collect::<Vec<_>>(),
            }}),
            None => json!({ "failed": error.to_string() }),
        },
    }
}

/// Runs one operation on the blocking client and keeps its outcome.
fn run<O>(client: &talkover::blocking::Client, outcomes: &mut Vec<Value>, op: O) -> Option<Output<O>>
where
    O: Operation + 'static,
    Output<O>: std::fmt::Debug + Clone,
{
    let result = client.execute(op);
    let kept = result.as_ref().ok().cloned();
    outcomes.push(outcome(result));
    kept
}

/// The lifecycle as one session of distinct requests.
fn session(client: &talkover::blocking::Client) -> Vec<Value> {
    let mut out = Vec::new();
    let agent = run(client, &mut out, talkover::agents::CreateAgent::new(common::agent("Recorded"))).unwrap();
    let id = agent.id.clone();
    run(client, &mut out, UpdateAgentVoice::new(&id, common::voice()));
    let action = run(client, &mut out, CreateAction::new(&id, common::action())).unwrap();
    let webhook = NewAgentWebhook::new("Calls", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded])
        .webhook_secret(WEBHOOK_SECRET);
    run(client, &mut out, CreateWebhook::new(&id, webhook));
    run(client, &mut out, PublishAgent::new(&id));
    run(client, &mut out, ListAgents::new().status(AgentStatus::Published).search("Recorded").per_page(10));
    run(client, &mut out, MakeCall::new(&id, common::test_call()));
    run(client, &mut out, GetAgentCalls::new(&id));
    run(client, &mut out, ListCalls::new().agent_id(&id));
    run(client, &mut out, UnpublishAgent::new(&id));
    run(client, &mut out, DeleteAction::new(&id, &action.id));
    run(client, &mut out, GetAgent::new(&id));
    run(client, &mut out, GetAgent::new("no-such-agent"));
    run(client, &mut out, talkover::agents::GetAgentPricingSummary::new(&id));
    out
}

fn replay_of(fixtures: &[(String, String)]) -> Replay {
    Replay::from_fixtures(fixtures.iter().map(|(p, t)| (p.as_str(), t.as_str()))).expect("recorded fixtures load")
}

fn parsed(fixtures: &[(String, String)]) -> Vec<(String, Value)> {
    fixtures.iter().map(|(p, t)| (p.clone(), serde_json::from_str(t).expect("a fixture is JSON"))).collect()
}

fn check_fixtures(texts: &[(String, String)], token: &str) {
    assert!(texts.len() >= 14, "{} fixtures", texts.len());
    let fixtures = parsed(texts);
    for ((path, fixture), (_, text)) in fixtures.iter().zip(texts) {
        assert!(!text.contains(token), "{path} holds the token");
        assert!(!text.contains(WEBHOOK_SECRET), "{path} holds the webhook secret");
        let operation = fixture["operation"].as_str().unwrap();
        assert!(path.starts_with(&format!("{operation}/")), "{path} is not under {operation}/");
        assert!(talkover::registry::operation(operation).is_some(), "{operation}");
        for key in ["params", "request", "response", "expect"] {
            assert!(fixture.get(key).is_some(), "{path} has no {key}");
        }
    }
    let webhook = fixtures.iter().find(|(p, _)| p.starts_with("create-webhook/")).expect("the webhook was recorded");
    assert_eq!(webhook.1["request"]["body"]["webhook_secret"], REDACTED);
    let missing = fixtures.iter().find(|(_, f)| f["response"]["status"] == 404).expect("the 404 was recorded");
    assert_eq!(missing.1["expect"]["error"]["kind"], "not_found");
    assert_eq!(missing.1["expect"]["error"]["message"], "Agent not found");
}

#[test]
fn a_blocking_session_replays_with_the_same_results() {
    let server = talkover_mock::Server::builder().token("talq_recording_secret").start_blocking().unwrap();
    let recorder = Recorder::new(talkover_ureq::UreqTransport::new());
    let recording = recorder.recording();
    let live = talkover::blocking::Client::builder()
        .base_url(server.base_url())
        .token(server.token())
        .max_retries(0)
        .transport(recorder)
        .build()
        .unwrap();
    let recorded_outcomes = session(&live);
    let published = recorded_outcomes[4]["ok"].as_str().unwrap();
    assert!(published.contains("current_status: Published"), "{published}");
    assert_eq!(recorded_outcomes[12]["error"]["status"], 404);

    let fixtures = recording.take();
    check_fixtures(&fixtures, server.token());
    drop(server);

    // The same session on the recording alone: no server, another token.
    let config = ClientConfig::new("talq_anything").unwrap();
    let replayed = talkover::blocking::Client::with_transport(config, replay_of(&fixtures));
    let replayed_outcomes = session(&replayed);
    assert_eq!(replayed_outcomes, recorded_outcomes);
}

#[tokio::test(flavor = "current_thread")]
async fn an_async_session_is_recorded_and_written_as_fixture_files() {
    let server = talkover_mock::Server::start().await.unwrap();
    let recording = Recording::new();
    let transport = Recorder::with_recording(talkover_reqwest::ReqwestTransport::new().unwrap(), recording.clone())
        .case_prefix("session");
    let client = talkover::Client::builder()
        .base_url(server.base_url())
        .token(server.token())
        .max_retries(0)
        .transport(transport)
        .build()
        .unwrap();
    let agent = client.agents().create(common::agent("Async Recorded")).await.unwrap();
    let published = client.agents().publish(&agent.id).await.unwrap_err();
    let listed = client.agents().list().search("Async Recorded").send().await.unwrap();
    let balance = client.credits().balance().await.unwrap();

    let fixtures = recording.take();
    let paths: Vec<&str> = fixtures.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "create-agent/ok-session-001.json",
            "publish-agent/error-422-session-002.json",
            "list-agents/ok-session-003.json",
            "get-credits-balance/ok-session-004.json",
        ]
    );
    let values = parsed(&fixtures);
    assert_eq!(values[1].1["expect"]["error"]["fields"], json!(["voice_id"]));
    assert_eq!(values[2].1["params"]["query"], json!({ "search": "Async Recorded" }));

    let dir = std::env::temp_dir().join(format!("talkover-mock-record-{}", std::process::id()));
    let written = talkover_mock::write_fixtures(&dir, &fixtures).unwrap();
    assert_eq!(written.len(), 4);
    assert_eq!(std::fs::read_to_string(&written[3]).unwrap(), fixtures[3].1);
    assert!(fixtures[3].1.contains("250.00"), "the balance keeps its digits: {}", fixtures[3].1);
    assert!(talkover_mock::write_fixtures(&dir, &[("../escape.json".into(), "{}".into())]).is_err());

    // An emulator serving the written folder answers from it, and from nothing else.
    let from_files = talkover_mock::Server::builder().fixtures_dir(&dir).start().await.unwrap();
    assert_eq!(from_files.emulator().fixture_count(), 4);
    let replayed = talkover::Client::builder()
        .base_url(from_files.base_url())
        .token(from_files.token())
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(replayed.credits().balance().await.unwrap(), balance);
    let unrecorded = replayed.auto_topup().payment_methods().await.unwrap_err();
    assert_eq!(unrecorded.status().map(|s| s.as_u16()), Some(501), "{unrecorded}");
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(listed.items.len(), 1);
    assert_eq!(common::api(&published).status.as_u16(), 422);
}
