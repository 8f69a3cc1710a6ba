//! Agents' conversation flows are kept by the emulator: a saved flow is returned and becomes the current
//! version; a broken graph is refused with the API's list of problems, and validated without being saved.

mod common;

use common::raw::send;
use common::{agent, api};
use talkover::flows::{AgentFlow, ConversationMode, FlowConfig, FlowNode};
use talkover_mock::Server;

fn intake(version: &str) -> FlowConfig {
    FlowConfig::new("node-greet")
        .meta("Intake", version)
        .node(FlowNode::say("node-greet", "Hi!").next("node-end"))
        .node(FlowNode::end("node-end"))
}

#[test]
fn a_saved_flow_is_returned_and_versioned() {
    let (server, client) = common::start_blocking();
    let created = client.agents().create(agent("Flow agent")).unwrap();
    let flow = client.agents().flow(&created.id);

    let fresh = flow.get().unwrap();
    assert_eq!(fresh.conversation_mode, ConversationMode::LlmDriven);
    // On the wire, the key is there and `null`, as get-agent-flow writes it in that mode.
    let (status, raw) = send(&server, "GET", &format!("/agents/{}/flow", created.id), "");
    assert_eq!(status, 200);
    assert_eq!(raw["data"].get("flow_config"), Some(&serde_json::Value::Null), "{raw}");
    assert!(flow.versions().unwrap().versions.is_empty());

    let saved = flow.update(AgentFlow::flow_driven(intake("1.0.0"))).unwrap();
    assert_eq!(saved.conversation_mode, ConversationMode::FlowDriven);
    assert_eq!(flow.get().unwrap(), saved);
    flow.update(AgentFlow::flow_driven(intake("1.1.0"))).unwrap();
    let versions = flow.versions().unwrap().versions;
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].version.as_deref(), Some("1.1.0"));
    assert_eq!(versions[0].is_current, Some(true));
    assert_eq!(versions[1].is_current, Some(false));

    // A next node that does not exist: refused, nothing saved.
    let broken = FlowConfig::new("node-greet").node(FlowNode::say("node-greet", "Hi!").next("node-nowhere"));
    let refused = flow.update(AgentFlow::flow_driven(broken.clone())).unwrap_err();
    let refused = api(&refused);
    assert_eq!(refused.status.as_u16(), 422);
    assert_eq!(refused.errors, ["Node 'node-greet' references unknown next node 'node-nowhere'"]);
    assert_eq!(flow.versions().unwrap().versions.len(), 2);

    let outcome = flow.validate(broken).unwrap();
    assert!(!outcome.is_valid());
    assert!(flow.validate(intake("2.0.0")).unwrap().is_valid());
    assert_eq!(flow.versions().unwrap().versions.len(), 2, "validating saves nothing");

    // Back to llm_driven: no flow (get-agent-flow's `flow_config` is null in that mode); the versions stay.
    let switched = flow.update(AgentFlow::llm_driven()).unwrap();
    assert_eq!(switched.conversation_mode, ConversationMode::LlmDriven);
    assert_eq!(switched.flow_config, None);
    assert_eq!(flow.get().unwrap().flow_config, None);
    assert_eq!(flow.versions().unwrap().versions.len(), 2);

    let unknown = client.agents().flow("no-such-agent").get().unwrap_err();
    assert_eq!(api(&unknown).status.as_u16(), 404);
}

#[tokio::test]
async fn the_async_client_sees_the_same_flow() {
    let (_server, client) = common::start_async().await;
    let created = client.agents().create(agent("Async flow")).await.unwrap();
    client.agents().flow(&created.id).update(AgentFlow::flow_driven(intake("3.0.0"))).await.unwrap();
    let got = client.agents().flow(&created.id).get().await.unwrap();
    assert_eq!(got.flow_config.and_then(|c| c.meta).and_then(|m| m.version).as_deref(), Some("3.0.0"));
}

#[test]
fn a_flow_driven_agent_needs_a_flow() {
    let server = Server::start_blocking().unwrap();
    let path = "/agents/550e8400-e29b-41d4-a716-446655440000/flow";
    let (status, body) = send(&server, "PUT", path, r#"{"conversation_mode":"flow_driven"}"#);
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"].get("flow_config").is_some(), "{body}");
    let (status, body) = send(&server, "GET", path, "");
    assert_eq!(status, 200);
    assert_eq!(body["data"]["conversation_mode"], "flow_driven", "the recorded flow is the example agent's");
}
