//! Callback roles are kept by the emulator: an inbound agent takes the role with its sources, is listed
//! and returned with them, and loses the role on removal; the documented refusals answer as documented.

use crate::common;

use common::raw::{error_fields, send};
use common::{agent, agent_in, api, voice};
use serde_json::json;
use talkover::agents::{Agent, AgentCallingSettings, AgentStatus, Direction, PublishAgent, UnpublishAgent};
use talkover::callbacks::{CallbackTriggerStatus, ProposedCallbackConfig};
use talkover_mock::Server;

/// An inbound agent to take the role, and a draft outbound agent to be its source.
fn desk_and_caller(client: &talkover::blocking::Client) -> (Agent, Agent) {
    let inbound = client.agents().create(agent_in("Returns desk", Direction::Inbound)).unwrap();
    let outbound = client.agents().create(agent("Renewals caller")).unwrap();
    (inbound, outbound)
}

#[test]
fn an_inbound_agent_takes_and_loses_the_callback_role() {
    let (_server, client) = common::start_blocking();
    let (inbound, outbound) = desk_and_caller(&client);
    let callbacks = client.callback_agents();

    // A draft source is not ready yet.
    let proposal = ProposedCallbackConfig::new()
        .is_callback_agent(true)
        .callback_source_agents([outbound.id.clone()])
        .callback_trigger_statuses([CallbackTriggerStatus::NoAnswer]);
    let check = callbacks.check_constraints(&inbound.id, proposal.clone()).unwrap();
    assert_eq!(check.problems(), [format!("Source agent {} is not published", outbound.id.as_str())]);
    // Only published outbound agents are offered as sources.
    assert!(!callbacks.source_agents().unwrap().items.iter().any(|s| s.id == outbound.id));
    client.agents().update_voice(&outbound.id, voice()).unwrap();
    let published = client.execute(PublishAgent::new(&outbound.id)).unwrap();
    assert_eq!(published.current_status, AgentStatus::Published);
    assert!(callbacks.check_constraints(&inbound.id, proposal).unwrap().is_valid());
    assert!(callbacks.source_agents().unwrap().items.iter().any(|s| s.id == outbound.id));

    let before = callbacks.list().unwrap().items.len();
    let role = callbacks.set(&inbound.id, [outbound.id.clone()]).unwrap();
    assert_eq!(role.callback_config.map(|c| c.source_agent_ids), Some(vec![outbound.id.clone()]));
    assert_eq!(callbacks.list().unwrap().items.len(), before + 1);
    let details = callbacks.get(&inbound.id).unwrap();
    assert_eq!(details.agent.name.as_deref(), Some("Returns desk"));
    assert_eq!(details.source_agents.len(), 1);

    // An agent named twice is one source.
    let replaced = callbacks.update_sources(&inbound.id, ["agent-uuid-2", "agent-uuid-2"]).unwrap();
    let ids: Vec<String> = replaced.callback_config.unwrap().source_agent_ids.iter().map(|s| s.to_string()).collect();
    assert_eq!(ids, ["agent-uuid-2"]);
    assert_eq!(callbacks.get(&inbound.id).unwrap().source_agents.len(), 1);
    assert_eq!(callbacks.get(&inbound.id).unwrap().source_agents[0].name.as_deref(), Some("Sales Outbound"));

    // An outbound agent cannot take the role.
    let wrong = callbacks.set(&outbound.id, [inbound.id.clone()]).unwrap_err();
    assert_eq!(api(&wrong).code.as_deref(), Some("INVALID_AGENT_DIRECTION"));

    callbacks.remove(&inbound.id).unwrap();
    assert_eq!(callbacks.list().unwrap().items.len(), before);

    // A deleted agent takes its role with it.
    callbacks.set(&inbound.id, [outbound.id.clone()]).unwrap();
    assert_eq!(callbacks.list().unwrap().items.len(), before + 1);
    client.agents().delete(&inbound.id).unwrap();
    assert_eq!(callbacks.list().unwrap().items.len(), before);
    let gone = callbacks.get(&inbound.id).unwrap_err();
    assert_eq!(api(&gone).status.as_u16(), 404);
    assert_eq!(api(&gone).message.as_deref(), Some("Agent is not configured as a callback agent"));
}

#[tokio::test]
async fn the_async_client_sees_the_recorded_callback_agent() {
    let (_server, client) = common::start_async().await;
    let listed = client.callback_agents().list().await.unwrap().items;
    assert!(listed.iter().any(|a| a.id.as_str() == "agent-uuid-1"));
    client.callback_agents().remove("agent-uuid-1").await.unwrap();
    assert!(client.callback_agents().list().await.unwrap().items.iter().all(|a| a.id.as_str() != "agent-uuid-1"));
}

#[test]
fn invalid_sources_answer_422() {
    let server = Server::start_blocking().unwrap();
    let (status, body) = send(&server, "POST", "/agents/agent-uuid-1/callback", r#"{"source_agent_ids":[]}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["source_agent_ids".to_owned()]), "{body}");
    let (status, body) = send(&server, "POST", "/agents/agent-uuid-1/callback", r#"{"source_agent_ids":["nobody"]}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["source_agent_ids.0".to_owned()]), "{body}");
}

/// An emulator with an inbound agent, and the path of check-callback-constraints for it.
fn desk_to_check() -> (Server, String) {
    let server = Server::start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let inbound = client.agents().create(agent_in("Returns desk", Direction::Inbound)).unwrap();
    let path = format!("/callback-agents/{}/check-constraints", inbound.id.as_str());
    (server, path)
}

#[test]
fn an_unknown_trigger_status_is_one_of_the_configurations_errors() {
    let (server, path) = desk_to_check();
    let proposal = r#"{"is_callback_agent": true, "callback_source_agents": ["agent-uuid-2"],
        "callback_trigger_statuses": ["no_answer", "sometimes"]}"#;
    // The page's "Invalid" answer: success false and the errors as a list of sentences.
    let (status, body) = send(&server, "POST", &path, proposal);
    assert_eq!((status, &body["success"], &body["message"]), (200, &json!(false), &json!("Configuration has errors")));
    let errors = body["errors"].as_array().expect("a list of errors");
    assert!(errors.iter().all(serde_json::Value::is_string), "{body}");
    assert_eq!(errors[0], "Trigger status sometimes is not a valid callback trigger", "{body}");
}

#[test]
fn only_published_outbound_agents_can_be_callback_sources() {
    let (server, client) = common::start_blocking();
    let (inbound, draft) = desk_and_caller(&client);
    let callbacks = client.callback_agents();
    let refusal = |error: &talkover::Error| {
        let api = api(error);
        (api.status.as_u16(), api.field_errors.iter().map(|(f, m)| (f.clone(), m.clone())).collect::<Vec<_>>())
    };

    // The inbound agent itself (a draft) is not outbound; a draft outbound agent is not published.
    let itself = callbacks.set(&inbound.id, [inbound.id.clone()]).unwrap_err();
    let not_outbound = format!("Source agent {} is not outbound.", inbound.id.as_str());
    assert_eq!(refusal(&itself), (422, vec![("source_agent_ids.0".to_owned(), vec![not_outbound.clone()])]));
    let unpublished = callbacks.set(&inbound.id, ["agent-uuid-2".into(), draft.id.clone()]).unwrap_err();
    let not_published = format!("Source agent {} is not published.", draft.id.as_str());
    assert_eq!(refusal(&unpublished), (422, vec![("source_agent_ids.1".to_owned(), vec![not_published])]));
    // The same on update, over plain HTTP too.
    let update = json!({ "source_agent_ids": [inbound.id.as_str()] }).to_string();
    let (status, body) = send(&server, "PUT", &format!("/agents/{}/callback", inbound.id.as_str()), &update);
    assert_eq!((status, error_fields(&body)), (422, vec!["source_agent_ids.0".to_owned()]), "{body}");
    assert_eq!(body["errors"]["source_agent_ids.0"][0], not_outbound.as_str(), "{body}");
    // Nothing refused took the role.
    assert!(callbacks.list().unwrap().items.iter().all(|a| a.id != inbound.id));

    // Published, the outbound agent is a source check-constraints and set both accept.
    client.agents().update_voice(&draft.id, voice()).unwrap();
    client.execute(PublishAgent::new(&draft.id)).unwrap();
    let role = callbacks.set(&inbound.id, [draft.id.clone()]).unwrap();
    assert_eq!(role.callback_config.map(|c| c.source_agent_ids), Some(vec![draft.id.clone()]));
    let replaced = callbacks.update_sources(&inbound.id, ["agent-uuid-2", "agent-uuid-3"]).unwrap();
    assert_eq!(replaced.callback_config.map(|c| c.source_agent_ids.len()), Some(2));
    // A new callback agent has had no callback: its counts are there, at zero, as the page shows them.
    let stats = callbacks.get(&inbound.id).unwrap().stats.unwrap();
    assert_eq!((stats.total_callbacks_received, stats.callbacks_answered), (Some(0), Some(0)));
}

#[test]
fn callback_stats_count_the_range_asked_for() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let callbacks = client.callback_agents();
    let day = |text: &str| talkover::time::Date::new(text).unwrap();

    // A range holding the recorded period gives its counts.
    let january = callbacks.stats().start_date(day("2023-12-15")).end_date(day("2024-02-15")).send().unwrap();
    let period = january.period.clone().unwrap();
    assert_eq!((period.start.as_str(), period.end.as_str()), ("2023-12-15", "2024-02-15"));
    assert_eq!((january.total_callbacks_received, january.callbacks_answered), (184, 142));
    assert_eq!(january.callbacks_by_source_agent.iter().map(|s| s.count).sum::<u64>(), 184);

    // Any other range counts nothing, and says which range it is.
    let later = callbacks.stats().start_date(day("2024-01-02")).end_date(day("2024-03-31")).send().unwrap();
    assert_eq!(later.period.unwrap().start.as_str(), "2024-01-02");
    assert_eq!((later.total_callbacks_received, later.callbacks_unmatched), (0, 0));
    assert!(later.callbacks_by_source_agent.is_empty());

    // Without a range: the 30 days up to today, on the emulator's clock.
    let now = talkover::time::DateTime::new(&server.clock_now()).unwrap();
    let month_ago = talkover::time::DateTime::from_unix_timestamp(now.unix_timestamp() - 30 * 86_400).unwrap();
    let recent = callbacks.stats().send().unwrap().period.unwrap();
    assert_eq!((recent.start, recent.end), (month_ago.date(), now.date()));

    let refused = send(&server, "GET", "/callback-agents/stats?end_date=2024-02-30", "");
    assert_eq!(refused.0, 422);
    assert_eq!(error_fields(&refused.1), ["end_date"]);
}

#[test]
fn trigger_statuses_of_the_wrong_type_are_refused_not_read_as_valid() {
    let (server, path) = desk_to_check();
    // The page gives an array of strings: a text, or a list of numbers, is the API's 422 on that field,
    // never "Configuration is valid" as if the example's statuses had been sent.
    for statuses in [json!("busy"), json!([1]), json!({"a": 1})] {
        let proposal = json!({"is_callback_agent": true, "callback_source_agents": ["agent-uuid-2"],
            "callback_trigger_statuses": statuses});
        let (status, body) = send(&server, "POST", &path, &proposal.to_string());
        assert_eq!(status, 422, "{statuses}: {body}");
        let fields = error_fields(&body);
        assert!(fields.iter().all(|f| f.starts_with("callback_trigger_statuses")) && !fields.is_empty(), "{body}");
    }
}

#[test]
fn a_role_follows_its_agents_direction_and_goes_with_its_last_source() {
    let (_server, client) = common::start_blocking();
    let callbacks = client.callback_agents();
    let has_role = |id: &talkover::agents::AgentId| callbacks.list().unwrap().items.iter().any(|a| a.id == *id);
    let (inbound, caller) = desk_and_caller(&client);
    client.agents().update_voice(&caller.id, voice()).unwrap();
    client.execute(PublishAgent::new(&caller.id)).unwrap();

    // Only an inbound agent serves as a callback agent: turned outbound, it has the role no more.
    callbacks.set(&inbound.id, [caller.id.clone()]).unwrap();
    client.agents().update_calling(&inbound.id, AgentCallingSettings::new(Direction::Outbound)).unwrap();
    assert!(!has_role(&inbound.id), "an outbound agent listed as a callback agent");
    client.agents().update_calling(&inbound.id, AgentCallingSettings::new(Direction::Inbound)).unwrap();
    assert!(!has_role(&inbound.id), "turned back, it has no role until one is set");

    // A role whose only source is deleted goes: no role is left with an empty list of sources.
    callbacks.set(&inbound.id, [caller.id.clone()]).unwrap();
    client.execute(UnpublishAgent::new(&caller.id)).unwrap();
    client.agents().delete(&caller.id).unwrap();
    assert!(!has_role(&inbound.id), "a callback agent left without sources");
    // A role with sources left keeps them; a source turned inbound is one no more.
    let publish = |name: &str| {
        let caller = client.agents().create(agent(name)).unwrap();
        client.agents().update_voice(&caller.id, voice()).unwrap();
        client.execute(PublishAgent::new(&caller.id)).unwrap();
        caller.id
    };
    let (first, second) = (publish("First caller"), publish("Second caller"));
    callbacks.set(&inbound.id, [first.clone(), second.clone()]).unwrap();
    client.execute(UnpublishAgent::new(&first)).unwrap();
    client.agents().delete(&first).unwrap();
    let sources: Vec<_> = callbacks.get(&inbound.id).unwrap().source_agents.into_iter().map(|s| s.id).collect();
    assert_eq!(sources, std::slice::from_ref(&second));
    client.agents().update_calling(&second, AgentCallingSettings::new(Direction::Inbound)).unwrap();
    assert!(!has_role(&inbound.id), "its last source turned inbound");
}
