//! An agent's actions are checked as create-action documents: `post_call` runs only `external` actions.

use crate::common;

use common::agent;
use common::raw::{error_fields, send};
use talkover::actions::{ActionType, ExecutionMode, NewAction};

#[test]
fn only_an_external_action_runs_after_the_call() {
    let (server, client) = common::start_blocking();
    let created = client.agents().create(agent("After the call")).unwrap();
    let actions = client.agents().actions(&created.id);
    let path = format!("/agents/{}/actions", created.id);

    let webhook = r#"{"node_id":"n1","name":"Log","description":"Logs the call","type":"webhook",
        "url":"https://example.com/log","execution_mode":"post_call"}"#;
    let (status, body) = send(&server, "POST", &path, webhook);
    assert_eq!((status, error_fields(&body)), (422, vec!["execution_mode".to_owned()]), "{body}");
    let refused = "The execution mode post_call is only valid for an action of type external, not webhook.";
    assert_eq!(body["errors"]["execution_mode"], serde_json::json!([refused]), "{body}");
    for kind in ["transfer", "hold"] {
        let later = format!(
            r#"{{"node_id":"n2","name":"Later","description":"Runs later","type":"{kind}","execution_mode":"post_call"}}"#
        );
        let (status, body) = send(&server, "POST", &path, &later);
        assert_eq!((status, error_fields(&body)), (422, vec!["execution_mode".to_owned()]), "{body}");
        // The SDK refuses it before sending, with the same words.
        let action = NewAction::new("n2", "Later", "Runs later", ActionType::from_text(kind))
            .execution_mode(ExecutionMode::PostCall);
        let refused = actions.create(action).unwrap_err();
        assert_eq!(refused.kind(), talkover::ErrorKind::InvalidRequest, "{refused}");
        assert!(refused
            .to_string()
            .contains(&format!("post_call is only valid for an action of type external, not {kind}")));
    }
    assert!(actions.list().send().unwrap().items.is_empty(), "nothing refused was kept");

    // An external action may run after the call; any action during it.
    let external = NewAction::new("n3", "Sync", "Syncs the CRM", ActionType::External)
        .integration("crm")
        .execution_mode(ExecutionMode::PostCall);
    actions.create(external).unwrap();
    let during = NewAction::new("n4", "Ask", "Asks the CRM", ActionType::Webhook)
        .url("https://example.com/ask")
        .execution_mode(ExecutionMode::DuringCall);
    actions.create(during).unwrap();
    assert_eq!(actions.list().send().unwrap().items.len(), 2);

    // A type the API does not list is refused as such, not compared with the mode.
    let unknown = r#"{"node_id":"n5","name":"X","description":"Y","type":"fax","execution_mode":"post_call"}"#;
    let (status, body) = send(&server, "POST", &path, unknown);
    assert_eq!((status, error_fields(&body)), (422, vec!["type".to_owned()]), "{body}");
}
