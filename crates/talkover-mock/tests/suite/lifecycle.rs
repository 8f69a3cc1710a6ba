//! The agent lifecycle a user runs, through both of the SDK's clients, against the emulator over real
//! loopback HTTP: the async client on reqwest and the blocking client on ureq.

use crate::common;

use common::{action, agent, api, assert_api, fields, test_call, voice};
use serde_json::json;
use talkover::agents::{
    AgentCallingSettings, AgentKnowledge, AgentKnowledgeRequired, AgentStatus, Direction, InterruptSensitivity,
};
use talkover::calls::{CallFilterStatus, CallStatus, GetAgentCalls, ListCalls, MakeCall};
use talkover::trainings::NewTraining;
use talkover::ErrorKind;

fn async_client(server: &talkover_mock::Server, token: &str) -> talkover::Client {
    talkover::Client::builder().base_url(server.base_url()).token(token).max_retries(0).build().expect("a client")
}

fn blocking_client(server: &talkover_mock::Server, token: &str) -> talkover::blocking::Client {
    talkover::blocking::Client::builder()
        .base_url(server.base_url())
        .token(token)
        .max_retries(0)
        .build()
        .expect("a client")
}

#[tokio::test(flavor = "current_thread")]
async fn agent_lifecycle_on_the_async_client() {
    let server = talkover_mock::Server::start().await.expect("the emulator starts");
    assert!(server.base_url().starts_with("http://127.0.0.1:"), "{}", server.base_url());
    let client = async_client(&server, server.token());
    let agents = client.agents();

    // A new agent is a draft, and cannot be published before it has a voice.
    let mut body = agent("Lifecycle Async");
    (body.enable_recording, body.idle_time_seconds, body.ivr_navigation_mode) = (true, 12, "standard".into());
    let created = agents.create(body).await.unwrap();
    assert_eq!(created.current_status, Some(AgentStatus::Draft));
    assert_eq!(created.is_ready_to_publish, Some(false));
    let id = created.id.clone();
    let action = agents.actions(&id).create(action()).await.unwrap();
    assert_eq!(action.name, "Schedule Meeting");
    let training = agents.trainings(&id).create(NewTraining::new("Refunds", "Five business days.")).await.unwrap();
    let refused = agents.publish(&id).await.unwrap_err();
    assert_eq!(api(&refused).kind, ErrorKind::Validation);
    assert_eq!(fields(&refused), ["voice_id"]);

    let with_voice = agents.update_voice(&id, voice()).await.unwrap();
    assert_eq!(with_voice.voice.as_ref().map(|v| v.name.as_str()), Some("Bianca"));
    let published = agents.publish(&id).await.unwrap();
    assert_eq!(published.current_status, AgentStatus::Published);

    // The published agent is listed under its status, and not under the other.
    let listed = agents.list().status(AgentStatus::Published).search("lifecycle async").send().await.unwrap();
    assert_eq!(listed.items.iter().map(|a| &a.id).collect::<Vec<_>>(), [&id]);
    assert_eq!(listed.pagination.as_ref().map(|p| p.total), Some(1));
    let drafts = agents.list().status(AgentStatus::Draft).search("lifecycle async").send().await.unwrap();
    assert!(drafts.items.is_empty());

    // A test call is recorded and shows in both call lists.
    let placed = client.execute(MakeCall::new(&id, test_call())).await.unwrap();
    assert_eq!(placed.status, CallStatus::Initiated);
    let agent_calls = client.execute(GetAgentCalls::new(&id)).await.unwrap();
    assert_eq!(agent_calls.items.len(), 1);
    assert_eq!(agent_calls.items[0].id, placed.id);
    assert!(agent_calls.items[0].is_testing);
    assert_eq!(agent_calls.items[0].to, "+15551234567");
    let all_calls = client.execute(ListCalls::new().agent_id(&id)).await.unwrap();
    assert_eq!(all_calls.items.iter().map(|c| &c.id).collect::<Vec<_>>(), [&placed.id]);

    // Unpublishing keeps everything attached to the agent.
    let unpublished = agents.unpublish(&id).await.unwrap();
    assert_eq!(unpublished.current_status, AgentStatus::Draft);
    let kept = agents.get(&id).await.unwrap();
    assert_eq!(kept.current_status, Some(AgentStatus::Draft));
    assert!(kept.voice.is_some());
    assert_eq!(kept.actions.as_ref().map(Vec::len), Some(1));
    assert_eq!(kept.trainings.as_ref().map(|t| t[0].id.clone()), Some(training.id));
    assert_eq!(kept.description, created.description);
    // The settings the agent was created with read back as given (the Agent schema of openapi.json).
    let settings = (kept.enable_recording, kept.idle_time_seconds, kept.ivr_navigation_mode.as_deref());
    assert_eq!(settings, (Some(true), Some(12), Some("standard")));
    assert_eq!(kept.endpointing_sensitivity.as_deref(), Some("auto"));

    // Deleting an action takes a published agent back to draft.
    assert_eq!(agents.publish(&id).await.unwrap().current_status, AgentStatus::Published);
    let deleted = agents.actions(&id).delete(&action.id).await.unwrap();
    assert_eq!(deleted.message.as_deref(), Some("Agent action deleted successfully"));
    let after = agents.get(&id).await.unwrap();
    assert_eq!(after.current_status, Some(AgentStatus::Draft));
    assert_eq!(after.actions.as_ref().map(Vec::len), Some(0));

    // Unknown ids answer the documented 404 bodies.
    assert_api(&agents.get("no-such-agent").await.unwrap_err(), 404, ErrorKind::NotFound, "Agent not found");
    let missing_action = agents.actions(&id).delete(&action.id).await.unwrap_err();
    assert_api(&missing_action, 404, ErrorKind::NotFound, "Action not found");
    let missing_call = client.execute(MakeCall::new("no-such-agent", test_call())).await.unwrap_err();
    assert_eq!(api(&missing_call).code.as_deref(), Some("AGENT_NOT_FOUND"));

    // A body the API refuses names its fields.
    let invalid = client.execute(raw_create(agent("Incomplete"), &["label", "language"])).await.unwrap_err();
    assert_api(&invalid, 422, ErrorKind::Validation, "The given data was invalid.");
    assert_eq!(fields(&invalid), ["label", "language"]);

    // A wrong token is refused with the documented 401.
    let intruder = async_client(&server, "talq_wrong_token");
    let refused = intruder.agents().get(&id).await.unwrap_err();
    assert_api(&refused, 401, ErrorKind::Unauthorized, "Unauthenticated.");
}

#[test]
fn agent_lifecycle_on_the_blocking_client() {
    let server = talkover_mock::Server::start_blocking().expect("the emulator starts");
    let client = blocking_client(&server, server.token());
    let agents = client.agents();

    let created = agents.create(agent("Lifecycle Blocking")).unwrap();
    assert_eq!(created.current_status, Some(AgentStatus::Draft));
    let id = created.id.clone();
    let action = agents.actions(&id).create(action()).unwrap();
    let refused = agents.publish(&id).unwrap_err();
    assert_eq!(fields(&refused), ["voice_id"]);
    agents.update_voice(&id, voice()).unwrap();
    assert_eq!(agents.publish(&id).unwrap().current_status, AgentStatus::Published);

    let listed = agents.list().status(AgentStatus::Published).search("lifecycle blocking").send().unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].id, id);

    let placed = client.execute(MakeCall::new(&id, test_call())).unwrap();
    let calls = client.execute(GetAgentCalls::new(&id)).unwrap();
    assert_eq!(calls.items.iter().map(|c| &c.id).collect::<Vec<_>>(), [&placed.id]);
    let everywhere = client.execute(ListCalls::new().status(CallFilterStatus::Initiated)).unwrap();
    assert!(everywhere.items.iter().any(|c| c.id == placed.id));

    assert_eq!(agents.unpublish(&id).unwrap().current_status, AgentStatus::Draft);
    let kept = agents.get(&id).unwrap();
    assert!(kept.voice.is_some());
    assert_eq!(kept.actions.as_ref().map(Vec::len), Some(1));

    assert_eq!(agents.publish(&id).unwrap().current_status, AgentStatus::Published);
    agents.actions(&id).delete(&action.id).unwrap();
    assert_eq!(agents.get(&id).unwrap().current_status, Some(AgentStatus::Draft));

    assert_api(&agents.get("no-such-agent").unwrap_err(), 404, ErrorKind::NotFound, "Agent not found");
    let again = agents.actions(&id).delete(&action.id).unwrap_err();
    assert_api(&again, 404, ErrorKind::NotFound, "Action not found");
    let invalid = client.execute(raw_create(agent("Incomplete"), &["who_speaks_first"])).unwrap_err();
    assert_eq!(fields(&invalid), ["who_speaks_first"]);

    let intruder = blocking_client(&server, "talq_wrong_token");
    assert_api(&intruder.agents().list().send().unwrap_err(), 401, ErrorKind::Unauthorized, "Unauthenticated.");
}

/// An async call's future can be made where no runtime runs, kept, and awaited later on one: nothing is
/// sent until it is first polled, so a list made before a create and awaited after it sees the new agent.
#[test]
fn an_async_call_made_outside_a_runtime_is_sent_when_awaited() {
    let server = talkover_mock::Server::start_blocking().expect("the emulator starts");
    let client = async_client(&server, server.token());
    let listing = client.agents().list().search("made early").send();
    let creating = client.agents().create(agent("Made Early"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let created = runtime.block_on(creating).expect("the agent is created");
    let listed = runtime.block_on(listing).expect("the agents are listed");
    assert_eq!(listed.items.iter().map(|a| &a.id).collect::<Vec<_>>(), [&created.id]);
}

/// An action id of `..` names no action: the blocking client sends it escaped and the API answers 404; the
/// async client's URL parser would fold it away and send `DELETE /agents/{id}/`, so it refuses to send it.
/// Either way the agent is still there.
#[test]
fn a_dot_dot_id_never_reaches_another_resource() {
    let server = talkover_mock::Server::start_blocking().expect("the emulator starts");
    let blocking = blocking_client(&server, server.token());
    let agent_id = blocking.agents().create(agent("Dots")).unwrap().id;

    let answered = blocking.agents().actions(&agent_id).delete("..").unwrap_err();
    assert_eq!(answered.status().map(|s| s.as_u16()), Some(404), "{answered}");

    let client = async_client(&server, server.token());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    for id in [".", ".."] {
        let refused = runtime.block_on(client.agents().actions(&agent_id).delete(id)).unwrap_err();
        let talkover::Error::Transport(transport) = &refused else { panic!("{refused:?}") };
        assert_eq!(transport.kind(), talkover::TransportErrorKind::InvalidUrl, "{refused}");
        assert!(!refused.is_retryable(), "{refused}");
    }
    assert_eq!(blocking.agents().get(&agent_id).unwrap().id, agent_id);
}

/// Pages follow `per_page` and `page`, with `meta` counting every match.
#[test]
fn agents_list_in_pages() {
    let server = talkover_mock::Server::builder().example_agent(false).start_blocking().unwrap();
    let client = blocking_client(&server, server.token());
    for n in 0..5 {
        client.agents().create(agent(&format!("Paged {n}"))).unwrap();
    }
    let second = client.agents().list().per_page(2).page(2).send().unwrap();
    let names: Vec<&str> = second.items.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Paged 2", "Paged 3"]);
    let meta = second.pagination.clone().unwrap();
    assert_eq!((meta.current_page, meta.per_page, meta.total, meta.last_page), (2, 2, 5, Some(3)));
    let every: Vec<_> = client.agents().list().per_page(2).items().collect::<Result<_, _>>().unwrap();
    assert_eq!(every.len(), 5);
    let outbound = client.agents().list().direction(talkover::agents::Direction::Inbound).send().unwrap();
    assert!(outbound.items.is_empty());
}

/// A body the SDK would refuse for several reasons is refused by the emulator for all of them, with the
/// core's own checks, in one 422.
#[test]
fn every_problem_of_a_body_is_answered_at_once() {
    let server = talkover_mock::Server::builder().example_agent(false).start_blocking().unwrap();
    let client = blocking_client(&server, server.token());
    let mut body = agent("Out of bounds");
    body.name = String::new();
    body.llm_temperature = 5.0;
    body.idle_time_seconds = 0;
    let refused_here = client.agents().create(body.clone()).unwrap_err();
    assert_eq!(refused_here.kind(), ErrorKind::InvalidRequest);

    let invalid = client.execute(raw_create(body, &[])).unwrap_err();
    assert_api(&invalid, 422, ErrorKind::Validation, "The given data was invalid.");
    let mut refused = fields(&invalid);
    refused.sort();
    assert_eq!(refused, ["idle_time_seconds", "llm_temperature", "name"]);

    // Values of the wrong type are answered with the fields missing and out of bounds, each under its
    // dotted path, as a client in any language sends them.
    let body = r#"{"name": "Q1", "start_date": "soon", "days_of_week": [0, "tue"], "max_retries": "many",
        "do_not_call_enabled": "yes", "retry_cooldown_hours": 500}"#;
    let (status, answer) = common::raw::send(&server, "POST", "/campaigns", body);
    assert_eq!(status, 422, "{answer}");
    let errors = &answer["errors"];
    let named: Vec<&str> = errors.as_object().unwrap().keys().map(String::as_str).collect();
    let expected = [
        "agent_id",
        "call_time_ranges",
        "campaign_type",
        "days_of_week.0",
        "days_of_week.1",
        "do_not_call_enabled",
        "max_retries",
        "retry_cooldown_hours",
        "start_date",
        "timezone",
    ];
    assert_eq!(named, expected, "{answer}");
    assert_eq!(errors["start_date"][0], "The start date must be a valid date.");
    assert_eq!(errors["max_retries"][0], "The max retries must be an integer.");
    assert_eq!(errors["do_not_call_enabled"][0], "The do not call enabled field must be true or false.");
    assert_eq!(errors["agent_id"][0], "The agent id field is required.");
    // Every element of a list at fault is named, not only the first.
    assert_eq!(errors["days_of_week.1"][0], "The days of week.1 field is invalid.", "{answer}");
    // A number that is no weekday, in create-campaign's documented words.
    assert_eq!(errors["days_of_week.0"][0], "The days of week.0 must be between 1 and 7.", "{answer}");
    // The handler's own checks answer beside the missing field (create-action's documented 422).
    let action =
        r#"{"node_id": "n", "description": "d", "type": "teleport", "url": "nope", "authorization_url": "x y"}"#;
    let agent_id = client.agents().create(agent("Actions")).unwrap().id;
    let (status, answer) = common::raw::send(&server, "POST", &format!("/agents/{agent_id}/actions"), action);
    let expected = ["authorization_url", "name", "type", "url"].map(str::to_owned).to_vec();
    assert_eq!((status, common::raw::error_fields(&answer)), (422, expected), "{answer}");
    assert_eq!(answer["errors"]["name"], serde_json::json!(["The name field is required."]), "{answer}");
    // A query value that is no date is named too.
    let (status, answer) = common::raw::send(&server, "GET", "/calls?per_page=5&date_from=2024-13-01", "");
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["date_from".to_owned()]), "{answer}");
    assert_eq!(answer["errors"]["date_from"][0], "The date from must be a valid date.");
    // A calling window's hours are `HH:MM`, and a window closes after it opens.
    let with_windows = |windows: serde_json::Value| {
        let campaign = serde_json::json!({
            "name": "Windows", "campaign_type": "sales", "agent_id": agent_id.as_str(), "start_date": "2030-01-01",
            "days_of_week": [1], "timezone": "UTC", "call_time_ranges": windows,
        });
        common::raw::send(&server, "POST", "/campaigns", &campaign.to_string())
    };
    let (status, answer) =
        with_windows(serde_json::json!([{"start": "09:00", "end": "17:00"}, {"start": "9am", "end": "18:00"}]));
    assert_eq!(
        (status, common::raw::error_fields(&answer)),
        (422, vec!["call_time_ranges.1.start".to_owned()]),
        "{answer}"
    );
    let refused = &answer["errors"]["call_time_ranges.1.start"][0];
    assert_eq!(refused, "The call time ranges.1.start does not match the format H:i.", "{answer}");
    // Both hours of a window that do not fit are named at once.
    let (status, answer) = with_windows(serde_json::json!([{"start": "25:00", "end": "26:00"}]));
    let both = vec!["call_time_ranges.0.end".to_owned(), "call_time_ranges.0.start".to_owned()];
    assert_eq!((status, common::raw::error_fields(&answer)), (422, both), "{answer}");
    // A start that does not fit is named alone: the end is not held against the hour standing in for it.
    let (status, answer) = with_windows(serde_json::json!([{"start": "9am", "end": "08:00"}]));
    let start = vec!["call_time_ranges.0.start".to_owned()];
    assert_eq!((status, common::raw::error_fields(&answer)), (422, start), "{answer}");
    let (status, answer) = with_windows(serde_json::json!([{"start": "10:00", "end": "09:00"}]));
    assert_eq!(
        (status, common::raw::error_fields(&answer)),
        (422, vec!["call_time_ranges.0.end".to_owned()]),
        "{answer}"
    );
}

/// A value that does not fit is refused alone: the example's value that stands in for it while the rest
/// is checked is no value of the caller's, so no other field is held against it.
#[test]
fn no_field_is_held_against_the_stand_in_for_a_misfit() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let event = r#"{"title": "x", "start_at": "not-a-date", "end_at": "2024-01-15T15:00:00Z"}"#;
    let (status, answer) = common::raw::send(&server, "POST", "/calendars/calendar-uuid-1/events", event);
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["start_at".to_owned()]), "{answer}");

    let client = blocking_client(&server, server.token());
    let agent_id = client.agents().create(agent("Dates")).unwrap().id;
    let campaign = client.campaigns().create(common::campaign(&agent_id)).unwrap();
    let path = format!("/campaigns/{}", campaign.id);
    let (status, answer) =
        common::raw::send(&server, "PUT", &path, r#"{"start_date": "bad", "end_date": "2023-06-01"}"#);
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["start_date".to_owned()]), "{answer}");
    // Two values of the caller's are still held against each other.
    let (status, answer) =
        common::raw::send(&server, "PUT", &path, r#"{"start_date": "2030-06-02", "end_date": "2030-06-01"}"#);
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["end_date".to_owned()]), "{answer}");
    assert_eq!(answer["errors"]["end_date"].as_array().map(Vec::len), Some(1), "said once: {answer}");
}

/// JSON has one kind of number: a whole one written as a float (`60.0`, `1e1`, as Python's `json.dumps`
/// writes a float) is the integer an integer field asks for, as the API's `integer` rule reads it, in a
/// list too. A fraction is still no integer.
#[test]
fn a_whole_number_written_as_a_float_is_an_integer() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let client = blocking_client(&server, server.token());
    let agent_id = client.agents().create(agent("Floats")).unwrap().id;
    // The reference's example agent, published.
    let call = "/agents/550e8400-e29b-41d4-a716-446655440000/call";
    let (status, answer) = common::raw::send(&server, "POST", call, r#"{"to": "+15550101234", "delay_seconds": 6e1}"#);
    assert_eq!(status, 200, "{answer}");
    let (status, answer) = common::raw::send(&server, "POST", call, r#"{"to": "+15550101235", "delay_seconds": 60.5}"#);
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["errors"]["delay_seconds"][0], "The delay seconds must be an integer.", "{answer}");

    let mut campaign = serde_json::to_value(common::campaign(&agent_id)).unwrap();
    campaign["days_of_week"] = serde_json::json!([1.0, 2.0, 3.0]);
    campaign["max_retries"] = serde_json::json!(2.0);
    let (status, answer) = common::raw::send(&server, "POST", "/campaigns", &campaign.to_string());
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["data"]["days_of_week"], serde_json::json!([1, 2, 3]), "{answer}");
    assert_eq!(answer["data"]["max_retries"], 2, "{answer}");
    campaign["days_of_week"] = serde_json::json!([1.0, 2.5]);
    let (status, answer) = common::raw::send(&server, "POST", "/campaigns", &campaign.to_string());
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["days_of_week.1".to_owned()]), "{answer}");
}

/// A call from one of the environment's numbers writes it formatted as the list of numbers does.
#[test]
fn a_calls_own_number_is_formatted_as_the_numbers_list_writes_it() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let call = "/agents/550e8400-e29b-41d4-a716-446655440000/call";
    let (status, placed) = common::raw::send(&server, "POST", call, r#"{"to": "+15550101234"}"#);
    assert_eq!(status, 200, "{placed}");
    let from = placed["data"]["from"].as_str().unwrap().to_owned();
    let (_, numbers) = common::raw::send(&server, "GET", "/phone-numbers", "");
    let listed = numbers["data"].as_array().unwrap().iter().find(|n| n["number"] == from.as_str());
    let listed = listed.unwrap_or_else(|| panic!("{from} is one of the environment's numbers: {numbers}"));
    let id = placed["data"]["id"].as_str().unwrap();
    let (_, calls) = common::raw::send(&server, "GET", "/calls", "");
    let got = calls["data"].as_array().unwrap().iter().find(|c| c["id"] == id).expect("the call is listed");
    assert_eq!(got["from_formatted"], listed["formatted_number"], "{got}");
    assert_eq!(got["to_formatted"], "(555) 010-1234", "{got}");
}

/// A required field given as `null` is a missing one: refused, and nothing is made with the documented
/// example's value that stands in for it while the rest of the body is checked.
#[test]
fn a_required_field_given_as_null_is_refused_not_filled_in() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let cases = [
        ("POST", "/calendars", r#"{"name": null, "owner_id": null}"#, &["name", "owner_id"][..]),
        ("POST", "/credits/purchase", r#"{"amount": null}"#, &["amount"][..]),
        (
            "POST",
            "/calendars/calendar-uuid-1/events",
            r#"{"title": null, "start_at": null, "end_at": null}"#,
            &["end_at", "start_at", "title"][..],
        ),
        ("PUT", "/agents/550e8400-e29b-41d4-a716-446655440000/calling", r#"{"direction": null}"#, &["direction"][..]),
    ];
    for (method, path, body, fields) in cases {
        let (status, answer) = common::raw::send(&server, method, path, body);
        let fields: Vec<String> = fields.iter().map(|f| (*f).to_owned()).collect();
        assert_eq!((status, common::raw::error_fields(&answer)), (422, fields), "{method} {path} {body}: {answer}");
        let first = common::raw::error_fields(&answer)[0].clone();
        let said = format!("The {} field is required.", first.replace('_', " "));
        assert_eq!(answer["errors"][&first], json!([said]), "{answer}");
    }
    // Nothing was made nor charged.
    let (_, calendars) = common::raw::send(&server, "GET", "/calendars", "");
    let names: Vec<&str> = calendars["data"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    let (_, balance) = common::raw::send(&server, "GET", "/credits/balance", "");
    let (_, fresh_balance) =
        common::raw::send(&talkover_mock::Server::start_blocking().unwrap(), "GET", "/credits/balance", "");
    assert_eq!(balance["data"], fresh_balance["data"], "{balance}");
    assert_eq!(names.len(), 1, "{calendars}");
    let (_, agent) = common::raw::send(&server, "GET", "/agents/550e8400-e29b-41d4-a716-446655440000", "");
    assert_eq!(agent["data"]["direction"], "inbound", "{agent}");
}
/// An agent created without a description or an initial message carries both keys, as `null`, as the
/// API writes a field it has no value for (the `voice` of a new agent): a client reading the key finds it.
#[test]
fn an_agents_unset_description_and_initial_message_are_null() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let bare = talkover_mock::sample_agent("Terse", "Terse label", talkover::agents::Direction::Outbound);
    let (status, created) = common::raw::send(&server, "POST", "/agents", &serde_json::to_string(&bare).unwrap());
    assert_eq!(status, 201, "{created}");
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    let (_, got) = common::raw::send(&server, "GET", &format!("/agents/{id}"), "");
    for answer in [&created, &got] {
        let data = answer["data"].as_object().unwrap();
        for key in ["description", "initial_message", "voice"] {
            assert_eq!(data.get(key), Some(&serde_json::Value::Null), "{key}: {answer}");
        }
    }
}

/// Only the environment's own numbers can be assigned to an agent: any other id is refused, naming its place
/// in the list, and changes nothing.
#[test]
fn agents_take_only_the_environments_phone_numbers() {
    let (_server, client) = common::start_blocking();
    let agents = client.agents();
    let unknown = agents.create(agent("Made-up number").phone_number_ids(["phone-uuid-1", "phone-nope"])).unwrap_err();
    assert_api(&unknown, 422, ErrorKind::Validation, "The given data was invalid.");
    assert_eq!(fields(&unknown), ["phone_number_ids.1"]);
    assert!(agents.list().search("made-up number").send().unwrap().items.is_empty(), "no agent was created");

    let created = agents.create(agent("Own number").phone_number_ids(["phone-uuid-1"])).unwrap();
    let numbers = |numbers: &[talkover::agents::AgentPhoneNumber]| {
        numbers.iter().map(|n| (n.id.as_str().to_owned(), n.number.clone())).collect::<Vec<_>>()
    };
    let own = vec![("phone-uuid-1".to_owned(), "+1234567890".to_owned())];
    assert_eq!(numbers(created.phone_numbers.as_deref().unwrap_or_default()), own);

    let calling = AgentCallingSettings::new(Direction::Inbound).phone_number_ids(["no-such-number", "phone-uuid-2"]);
    let refused = agents.update_calling(&created.id, calling).unwrap_err();
    assert_eq!(fields(&refused), ["phone_number_ids.0"]);
    let kept = agents.get(&created.id).unwrap();
    assert_eq!(
        (kept.direction, numbers(kept.phone_numbers.as_deref().unwrap_or_default())),
        (Some(Direction::Outbound), own.clone())
    );

    let both = AgentCallingSettings::new(Direction::Inbound).phone_number_ids(["phone-uuid-2", "phone-uuid-1"]);
    let updated = agents.update_calling(&created.id, both).unwrap();
    let ids: Vec<&str> = updated.phone_numbers.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["phone-uuid-2", "phone-uuid-1"]);

    // A number given twice is the agent's once.
    let twice = AgentCallingSettings::new(Direction::Inbound).phone_number_ids(["phone-uuid-2", "phone-uuid-2"]);
    let updated = agents.update_calling(&created.id, twice).unwrap();
    let ids: Vec<&str> = updated.phone_numbers.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, ["phone-uuid-2"]);
    let created = agents.create(agent("Same number twice").phone_number_ids(["phone-uuid-1", "phone-uuid-1"])).unwrap();
    assert_eq!(numbers(created.phone_numbers.as_deref().unwrap_or_default()), own);
}

/// A bound with no upper end is said as "at least": the message never names the largest number a type holds.
#[test]
fn open_ended_bounds_say_at_least() {
    let (server, client) = common::start_blocking();
    let id = client.agents().create(agent("Short description")).unwrap().id;
    let knowledge = AgentKnowledge::new(AgentKnowledgeRequired {
        description: "abc".into(),
        interrupt_sensitivity: InterruptSensitivity::Medium,
        ask_if_human_present_on_idle: false,
        llm_temperature: 0.7,
        initial_message_delay: 0,
    });
    let refused_here = client.agents().update_knowledge(&id, knowledge.clone()).unwrap_err();
    assert!(refused_here.to_string().contains("must be at least 5 characters long, got 3"), "{refused_here}");

    let path = format!("/agents/{id}/knowledge");
    let (status, body) = common::raw::send(&server, "PUT", &path, &serde_json::to_string(&knowledge).unwrap());
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"]["description"], json!(["The description must be at least 5 characters long."]));
    // The rule in the API's words, as list-agents' page shows its 422, without the value refused.
    let (status, body) = common::raw::send(&server, "GET", "/agents?per_page=0", "");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"]["per_page"], json!(["The per page must be between 1 and 100."]));
    // No documented lower bound on `page`: below 1 is the first page, as a Laravel paginator has it.
    for below in ["0", "-1", "-99999999999999999999"] {
        let (status, page) = common::raw::send(&server, "GET", &format!("/calls?page={below}"), "");
        assert_eq!(status, 200, "page={below}: {page}");
        assert_eq!(page["pagination"]["current_page"], json!(1), "page={below}: {page}");
    }
}

/// A create request without the fields named in `without`, which the SDK's types would not let a caller
/// leave out, to see the API's 422.
fn raw_create(body: talkover::agents::NewAgent, without: &[&str]) -> Unchecked {
    let mut body = serde_json::to_value(body).unwrap();
    for field in without {
        body.as_object_mut().unwrap().remove(*field).unwrap_or_else(|| panic!("the body has no `{field}`"));
    }
    Unchecked(body)
}

/// create-agent with a body the types do not check: the emulator must refuse it itself.
struct Unchecked(serde_json::Value);

impl talkover::Operation for Unchecked {
    type Query = ();
    type Body = serde_json::Value;
    type Response = talkover::Envelope<talkover::agents::Agent>;
    const ID: &'static str = "create-agent";
    const METHOD: http::Method = http::Method::POST;
    const PATH: &'static str = "/api/v1/agents";
    const SAFE_TO_REPEAT: bool = false;

    fn body(&self) -> Option<&Self::Body> {
        Some(&self.0)
    }
}

/// Creating an action or a training again for the same flow node replaces it, keeping its id and when it
/// was created; a training for no node is always a new one.
#[test]
fn actions_and_trainings_are_upserted_by_flow_node() {
    let (server, client) = common::start_blocking();
    let agents = client.agents();
    let id = agents.create(agent("Upserts")).unwrap().id;
    let first = agents.actions(&id).create(action()).unwrap();
    let again = agents.actions(&id).create(action().url("https://example.com/other")).unwrap();
    assert_eq!((&again.id, &again.created_at), (&first.id, &first.created_at));
    assert_eq!(again.url.as_deref(), Some("https://example.com/other"));
    assert_eq!(agents.get(&id).unwrap().actions.map(|a| a.len()), Some(1));

    let path = format!("/agents/{id}/trainings");
    let on_node = |instructions: &str| {
        let body = format!(r#"{{"node_id": "node-faq", "subject": "Refunds", "instructions": "{instructions}"}}"#);
        common::raw::send(&server, "POST", &path, &body)
    };
    let (status, first) = on_node("Five business days.");
    assert_eq!(status, 200, "{first}");
    let (_, again) = on_node("Ten business days.");
    assert_eq!(again["data"]["id"], first["data"]["id"]);
    assert_eq!(again["data"]["created_at"], first["data"]["created_at"]);
    assert_eq!(again["data"]["instructions"], "Ten business days.");
    let no_node = r#"{"subject": "Hours", "instructions": "Nine to five."}"#;
    let (_, one) = common::raw::send(&server, "POST", &path, no_node);
    let (_, other) = common::raw::send(&server, "POST", &path, no_node);
    assert_ne!(one["data"]["id"], other["data"]["id"]);
    assert_eq!(agents.get(&id).unwrap().trainings.map(|t| t.len()), Some(3));
}

/// The reference's examples answer for the example agent's recorded paths only while it exists: once it
/// is deleted, or when the emulator starts without it, its recorded pricing is a 404 like any other path
/// of a missing agent.
#[test]
fn an_example_agent_deleted_or_left_out_answers_404_on_its_recorded_paths() {
    const EXAMPLE: &str = "550e8400-e29b-41d4-a716-446655440000";
    let recorded = [
        format!("/agents/{EXAMPLE}/pricing"),
        format!("/agents/{EXAMPLE}/pricing/summary"),
        format!("/agents/{EXAMPLE}/optimized-costs-eligibility"),
    ];
    let server = talkover_mock::Server::start_blocking().unwrap();
    for path in &recorded {
        assert_eq!(common::raw::send(&server, "GET", path, "").0, 200, "{path} while the agent exists");
    }
    let client = blocking_client(&server, server.token());
    client.agents().unpublish(EXAMPLE).unwrap();
    client.agents().delete(EXAMPLE).unwrap();
    for path in &recorded {
        let (status, body) = common::raw::send(&server, "GET", path, "");
        assert_eq!((status, body["message"].as_str()), (404, Some("Agent not found")), "{path} once deleted");
    }

    let without = talkover_mock::Server::builder().example_agent(false).start_blocking().unwrap();
    for path in &recorded {
        assert_eq!(common::raw::send(&without, "GET", path, "").0, 404, "{path} without the example agent");
    }
}

/// An operation that takes no body answers as it does without one when a client sends one along (not
/// JSON, here): a missing agent is the documented 404, not a complaint about a body nobody reads. An
/// operation that takes one still refuses a body that is not JSON.
#[test]
fn a_body_sent_to_an_operation_without_one_is_not_read() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let (status, body) = common::raw::send(&server, "DELETE", "/agents/no-such-agent", "{bad");
    assert_eq!((status, body["message"].as_str()), (404, Some("Agent not found")), "{body}");
    let (status, body) = common::raw::send(&server, "GET", "/agents?per_page=5", "{bad");
    assert_eq!(status, 200, "{body}");
    let (status, body) = common::raw::send(&server, "POST", "/agents", "{bad");
    assert_eq!(status, 400, "{body}");
}

/// A query is answered as a body is: every parameter at fault at once (the documented example's value
/// stands in for one to find the next), and a whole number its type cannot hold with the rule the
/// operation's checks give (list-agents: "The per page must be between 1 and 100."), not the type's bound.
#[test]
fn every_problem_of_a_query_is_answered_at_once() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let (status, answer) = common::raw::send(&server, "GET", "/calendars/calendar-uuid-1/availability", "");
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["from".to_owned(), "to".to_owned()]));
    assert_eq!(answer["errors"]["to"][0], "The to field is required.", "{answer}");
    // The rule is the operation's however the rest stands (here: `from` and `to` missing besides).
    let path = "/calendars/calendar-uuid-1/availability?duration_minutes=-1";
    let (status, answer) = common::raw::send(&server, "GET", path, "");
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["errors"]["duration_minutes"][0], "The duration minutes must be at least 1.", "{answer}");
    assert_eq!(common::raw::error_fields(&answer), ["duration_minutes", "from", "to"], "{answer}");
    for per_page in ["-1", "0", "101", "99999999999"] {
        let (status, answer) = common::raw::send(&server, "GET", &format!("/agents?per_page={per_page}&page=x"), "");
        assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["page".to_owned(), "per_page".to_owned()]));
        assert_eq!(answer["errors"]["per_page"][0], "The per page must be between 1 and 100.", "{per_page}: {answer}");
    }
}

/// update-agent-voice's two examples, sent as its page writes them, set the example agent's voice on a
/// fresh emulator: the templates they name (the example agent's own, and a basic one, both in `en-US`)
/// are in the catalogue beside the listed `pt-BR` voices, at tiers that take what each example sends.
#[test]
fn the_voice_pages_examples_set_a_voice_on_a_fresh_emulator() {
    let server = talkover_mock::Server::start_blocking().unwrap();
    let path = "/agents/550e8400-e29b-41d4-a716-446655440000/voice";
    let high_fidelity = r#"{"voice_id": "voice-template-uuid", "language": "en-US", "conversation_speed": 1.2,
        "ambient_background": "office", "who_speaks_first": "agent", "similarity": 0.75, "stability": 0.8}"#;
    let basic = r#"{"voice_id": "basic-voice-uuid", "language": "en-US", "conversation_speed": 1.0,
        "who_speaks_first": "user"}"#;
    for (body, template) in [(high_fidelity, "voice-template-uuid"), (basic, "basic-voice-uuid")] {
        let (status, answer) = common::raw::send(&server, "PUT", path, body);
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["data"]["voice"]["template"]["id"], template, "{answer}");
        assert_eq!(answer["data"]["language"], "en-US", "{answer}");
    }
    // The high-fidelity one still asks for its tuning, as the page says.
    let untuned = r#"{"voice_id": "voice-template-uuid", "conversation_speed": 1.2, "who_speaks_first": "agent"}"#;
    let (status, answer) = common::raw::send(&server, "PUT", path, untuned);
    assert_eq!((status, common::raw::error_fields(&answer).len()), (422, 2), "{answer}");
    let (status, listed) = common::raw::send(&server, "GET", "/voice-templates?language=en-US", "");
    let mut ids: Vec<&str> = listed["data"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["voices"].as_array().into_iter().flatten())
        .filter_map(|voice| voice["id"].as_str())
        .collect();
    ids.sort_unstable();
    assert_eq!((status, ids), (200, vec!["basic-voice-uuid", "voice-template-uuid"]), "{listed}");
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "one group, Bianca's two tiers: {listed}");
}

/// One client an account, derived from one built client: over each built-in transport, each request
/// carries its own client's token, so the account the emulator knows is served and another is refused.
#[tokio::test(flavor = "current_thread")]
async fn a_client_of_another_account_signs_in_with_its_own_token_on_both_transports() {
    let server = talkover_mock::Server::start().await.expect("the emulator starts");
    let known = async_client(&server, server.token());
    let stranger = known.with_token("talq_another_account").unwrap();
    assert_eq!(stranger.agents().list().send().await.unwrap_err().kind(), ErrorKind::Unauthorized);
    let again = stranger.with_token(server.token()).unwrap();
    assert!(again.agents().list().send().await.is_ok());
    assert!(known.agents().list().send().await.is_ok());

    let base_url = server.base_url().to_owned();
    let token = server.token().to_owned();
    tokio::task::spawn_blocking(move || {
        let blocking =
            talkover::blocking::Client::builder().base_url(base_url).token(token).max_retries(0).build().unwrap();
        let stranger = blocking.with_token("talq_another_account").unwrap();
        assert_eq!(stranger.agents().list().send().unwrap_err().kind(), ErrorKind::Unauthorized);
        assert!(blocking.agents().list().send().is_ok());
    })
    .await
    .unwrap();
}
