//! What openapi.json adds to the pages, end to end: the lists the pages show whole and openapi.json pages
//! (an agent's trainings and actions, the phone numbers) come whole when no page is asked for and a page
//! with `meta` when one is; the settings only openapi.json lists (a campaign's call limits, an action's
//! trigger) are sent and read back; an external call keeps its own sid, number and direction.

use crate::common;

use common::raw::send;
use common::{agent, campaign, start_blocking};
use talkover::actions::{ActionType, NewAction};
use talkover::agents::Direction;
use talkover::calls::{CallStatus, NewCall};
use talkover::trainings::NewTraining;

#[test]
fn an_agents_trainings_come_whole_or_a_page_at_a_time() {
    let (server, client) = start_blocking();
    let agent = client.agents().create(agent("Paged Trainings")).unwrap();
    let trainings = client.agents().trainings(&agent.id);
    for subject in ["Refunds", "Shipping", "Returns"] {
        trainings.create(NewTraining::new(subject, "As the policy says.")).unwrap();
    }

    // No page asked for: the whole list, as the page shows it, with no page block.
    let (status, whole) = send(&server, "GET", &format!("/agents/{}/trainings", agent.id), "");
    assert_eq!(status, 200);
    assert_eq!(whole["data"].as_array().map(Vec::len), Some(3));
    assert!(whole.get("meta").is_none() && whole.get("pagination").is_none(), "{whole}");

    // A page asked for: that page, and `meta` saying where it stands.
    let second = trainings.list().per_page(2).page(2).send().unwrap();
    assert_eq!(second.items.iter().map(|t| t.subject.as_str()).collect::<Vec<_>>(), ["Returns"]);
    let meta = second.pagination.as_ref().expect("a page block");
    assert_eq!((meta.current_page, meta.per_page, meta.total, meta.last_page), (2, 2, 3, Some(2)));

    let every: Vec<String> =
        trainings.list().per_page(2).items().map(|t| t.map(|t| t.subject)).collect::<Result<_, _>>().unwrap();
    assert_eq!(every, ["Refunds", "Shipping", "Returns"]);
}

#[test]
fn an_agents_actions_and_the_phone_numbers_page_on_request() {
    let (_server, client) = start_blocking();
    let agent = client.agents().create(agent("Paged Actions")).unwrap();
    let actions = client.agents().actions(&agent.id);
    let mut names = Vec::new();
    for (node, name) in [("node-1", "Book"), ("node-2", "Cancel")] {
        let action = NewAction::new(node, name, "Books a meeting", ActionType::Webhook)
            .url("https://example.com/hook")
            .trigger("caller asks to book")
            .config([("calendar", serde_json::json!("main"))]);
        let created = actions.create(action).unwrap();
        assert_eq!(created.trigger.as_deref(), Some("caller asks to book"), "openapi.json's trigger is kept");
        names.push(created.name);
    }
    let first = actions.list().per_page(1).send().unwrap();
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.pagination.as_ref().map(|m| (m.total, m.last_page)), Some((2, Some(2))));
    let every: Vec<String> =
        actions.list().per_page(1).items().map(|a| a.map(|a| a.name)).collect::<Result<_, _>>().unwrap();
    assert_eq!(every, names);

    let numbers = client.phone_numbers().list().send().unwrap();
    assert!(numbers.items.len() >= 2, "the emulator starts with the reference's numbers");
    let paged: Vec<_> = client.phone_numbers().list().per_page(1).items().collect::<Result<_, _>>().unwrap();
    assert_eq!(paged, numbers.items, "one number a page, every number in the end");
    assert!(numbers.pagination.is_none(), "the whole list, as the page shows it");
}

#[test]
fn a_page_size_past_the_bound_is_refused_before_it_is_sent() {
    let (_server, client) = start_blocking();
    let agent = client.agents().create(agent("Paged Bound")).unwrap();
    let refused = client.agents().trainings(&agent.id).list().per_page(0).send().unwrap_err();
    assert_eq!(refused.kind(), talkover::ErrorKind::InvalidRequest, "{refused}");
}

#[test]
fn a_campaigns_openapi_settings_are_sent_and_read_back() {
    let (_server, client) = start_blocking();
    let agent = client.agents().create(agent("Limited Campaign")).unwrap();
    let numbers = client.phone_numbers().list().send().unwrap();
    let number = numbers.items[0].id.clone();
    let body = campaign(&agent.id)
        .phone_number_id(number.clone())
        .max_calls_per_hour(10)
        .max_calls_per_day(100)
        .voicemail_hours(24)
        .auto_add_to_dnc([CallStatus::Completed, CallStatus::Voicemail]);
    let created = client.campaigns().create(body).unwrap();
    assert_eq!(created.phone_number_id.as_ref(), Some(&number));
    assert_eq!(
        (created.max_calls_per_hour, created.max_calls_per_day, created.voicemail_hours),
        (Some(10), Some(100), Some(24))
    );

    let changed = client
        .campaigns()
        .update(&created.id, talkover::campaigns::CampaignChanges::new().max_calls_per_hour(5))
        .unwrap();
    assert_eq!(changed.max_calls_per_hour, Some(5));
    let read = client.campaigns().get(&created.id).unwrap();
    assert_eq!((read.max_calls_per_hour, read.max_calls_per_day), (Some(5), Some(100)));
    assert_eq!(read.auto_add_to_dnc, Some(vec![CallStatus::Completed, CallStatus::Voicemail]));
}

#[test]
fn an_external_call_keeps_its_own_sid_number_and_direction() {
    let (_server, client) = start_blocking();
    let agents = client.agents();
    let agent = agents.create(agent("External Transport")).unwrap();
    agents.update_voice(&agent.id, common::voice()).unwrap();
    agents.publish(&agent.id).unwrap();

    let call =
        NewCall::external("EX123456789", "+1 (555) 010-0000", "+15551234567", Direction::Inbound).is_testing(true);
    let placed = agents.call(&agent.id, call).unwrap();
    assert_eq!(
        (placed.sid.as_ref().map(|sid| sid.as_str()), placed.from.as_deref()),
        (Some("EX123456789"), Some("+15550100000"))
    );
    assert_eq!(placed.external_url(), None, "the emulator serves no WebSocket");

    let listed = agents.calls(&agent.id).send().unwrap();
    let kept = listed.items.iter().find(|c| c.id == placed.id).expect("listed");
    assert_eq!((kept.sid.as_str(), kept.from.as_str()), ("EX123456789", "+15550100000"));
    assert_eq!(kept.direction, Direction::Inbound);

    // Half of the external form is refused before it is sent.
    let half = NewCall::new("+15551234567").sid("EX1");
    let refused = agents.call(&agent.id, half).unwrap_err();
    assert_eq!(refused.kind(), talkover::ErrorKind::InvalidRequest, "{refused}");
}
