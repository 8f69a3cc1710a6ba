//! Agents' conversation flows are kept by the emulator: a saved flow is returned and becomes the current
//! version; a broken graph is refused with the API's list of problems, and validated without being saved.

use crate::common;

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

    // Back to llm_driven: no flow (get-agent-flow's `flow_config` is null in that mode); the versions stay,
    // none of them current, each with its flow to restore.
    let switched = flow.update(AgentFlow::llm_driven()).unwrap();
    assert_eq!(switched.conversation_mode, ConversationMode::LlmDriven);
    assert_eq!(switched.flow_config, None);
    assert_eq!(flow.get().unwrap().flow_config, None);
    let versions = flow.versions().unwrap().versions;
    assert_eq!(versions.len(), 2);
    assert!(versions.iter().all(|v| v.is_current == Some(false) && v.flow_config.is_some()), "{versions:?}");
    let restored = flow.update(AgentFlow::flow_driven(versions[1].flow_config.clone().unwrap())).unwrap();
    assert_eq!(restored.flow_config.and_then(|c| c.meta).and_then(|m| m.version).as_deref(), Some("1.0.0"));
    assert_eq!(flow.versions().unwrap().versions[0].is_current, Some(true));

    // A flow sent with `llm_driven` (the page says to send none) is not run, so no version is made of it
    // and none is current.
    let path = format!("/agents/{}/flow", created.id);
    let ignored = serde_json::json!({"conversation_mode": "llm_driven", "flow_config": intake("3.0.0")});
    let (status, raw) = send(&server, "PUT", &path, &ignored.to_string());
    assert_eq!(status, 200, "{raw}");
    assert_eq!(raw["data"]["flow_config"], serde_json::Value::Null, "{raw}");
    let versions = flow.versions().unwrap().versions;
    assert_eq!(versions.len(), 3, "{versions:?}");
    assert!(versions.iter().all(|v| v.is_current == Some(false) && v.flow_config.is_some()), "{versions:?}");

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

/// The problems update-agent-flow (422, nothing saved) and validate-agent-flow (200, `success: false`) give
/// for `nodes` entered at `initial`.
fn problems_of(server: &Server, agent: &str, initial: &str, nodes: serde_json::Value) -> serde_json::Value {
    let flow = serde_json::json!({ "initial_node_id": initial, "nodes": nodes });
    let save = serde_json::json!({ "conversation_mode": "flow_driven", "flow_config": flow }).to_string();
    let (status, saved) = send(server, "PUT", &format!("/agents/{agent}/flow"), &save);
    assert_eq!(status, 422, "{saved}");
    assert_eq!((saved["success"].as_bool(), saved["message"].as_str()), (Some(false), Some("Flow validation failed")));
    let check = serde_json::json!({ "flow_config": flow }).to_string();
    let (status, checked) = send(server, "POST", &format!("/agents/{agent}/flow/validate"), &check);
    assert_eq!((status, checked["success"].as_bool()), (200, Some(false)), "{checked}");
    assert_eq!(checked["errors"], saved["errors"], "validating finds what saving refuses");
    saved["errors"].clone()
}

#[test]
fn each_node_needs_the_fields_of_its_type() {
    let server = Server::start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let created = client.agents().create(agent("Typed nodes")).unwrap();
    let id = created.id.as_str();
    let end = serde_json::json!({ "id": "end", "type": "end" });

    let say = serde_json::json!([{ "id": "hi", "type": "say", "next": "end" }, end]);
    assert_eq!(problems_of(&server, id, "hi", say), serde_json::json!(["Node 'hi' of type 'say' requires content"]));
    let blank = serde_json::json!([{ "id": "hi", "type": "say", "content": "  ", "next": "end" }, end]);
    assert_eq!(problems_of(&server, id, "hi", blank), serde_json::json!(["Node 'hi' of type 'say' requires content"]));
    let decision = serde_json::json!([{ "id": "pick", "type": "decision" }]);
    assert_eq!(
        problems_of(&server, id, "pick", decision),
        serde_json::json!(["Node 'pick' of type 'decision' requires at least one branch"])
    );
    let unknown = serde_json::json!([
        {
            "id": "pick",
            "type": "decision",
            "branches": [{ "match": "yes", "next": "gone" }, { "match": "no", "next": "end" }]
        },
        end
    ]);
    assert_eq!(
        problems_of(&server, id, "pick", unknown),
        serde_json::json!(["Node 'pick' references unknown next node 'gone'"])
    );
    let nowhere = serde_json::json!([
        { "id": "pick", "type": "decision", "branches": [{ "match": "yes" }, { "match": "no", "next": "end" }] },
        end
    ]);
    assert_eq!(problems_of(&server, id, "pick", nowhere), serde_json::json!(["Node 'pick' branch 0 has no next node"]));
    assert!(client.agents().flow(id).versions().unwrap().versions.is_empty(), "nothing refused was saved");
}

#[test]
fn an_action_node_names_one_of_the_agent_s_actions() {
    let server = Server::start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let created = client.agents().create(agent("Acting")).unwrap();
    let action = client.agents().actions(&created.id).create(common::action()).unwrap();
    let flow = |action_id: &str| {
        FlowConfig::new("book")
            .node(FlowNode::action("book").field("action_id", action_id).next("end"))
            .node(FlowNode::end("end"))
    };

    let nodes = serde_json::to_value(flow("no-such-action").nodes).unwrap();
    let problems = problems_of(&server, created.id.as_str(), "book", nodes);
    assert_eq!(problems, serde_json::json!(["Node 'book' references unknown action 'no-such-action'"]));
    // Another agent's action is not this one's.
    let other = client.agents().create(agent("Other")).unwrap();
    let nodes = serde_json::to_value(flow(action.id.as_str()).nodes).unwrap();
    problems_of(&server, other.id.as_str(), "book", nodes);

    let agent_flow = client.agents().flow(&created.id);
    assert!(agent_flow.validate(flow(action.id.as_str())).unwrap().is_valid());
    let saved = agent_flow.update(AgentFlow::flow_driven(flow(action.id.as_str()))).unwrap();
    assert_eq!(saved.conversation_mode, ConversationMode::FlowDriven);
}

/// Reachability over a long flow: a chain of thousands of nodes, a branch back to its start, and two nodes
/// nothing leads to (one of them leading on into the chain), each of those named once, the rest not.
#[test]
fn a_long_flows_unreachable_nodes_are_found() {
    let (_server, client) = common::start_blocking();
    let created = client.agents().create(agent("Long flow")).unwrap();
    const LENGTH: usize = 5_000;
    let id = |n: usize| format!("n{n}");
    let mut config = FlowConfig::new(id(0));
    for n in 0..LENGTH {
        config = config.node(FlowNode::say(id(n), "x").next(id(n + 1)));
    }
    config = config
        .node(FlowNode::say(id(LENGTH), "back").next(id(0)))
        .node(FlowNode::say("orphan-a", "x").next("orphan-b"))
        .node(FlowNode::say("orphan-b", "x").next(id(LENGTH / 2)));
    let outcome = client.agents().flow(&created.id).validate(config).unwrap();
    let talkover::flows::FlowValidation::Invalid { problems: mut errors, .. } = outcome else {
        panic!("a flow with unreachable nodes passed: {outcome:?}");
    };
    errors.sort();
    assert_eq!(errors, ["Node 'orphan-a' is unreachable", "Node 'orphan-b' is unreachable"]);
}
