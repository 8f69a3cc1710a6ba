//! The flow, callback and calendar handlers on closure transports: every handler method sends the request
//! its reference page documents and decodes the documented answer. Requests and answers come from the
//! recorded fixtures (tests/fixtures/<operation>/ok-*.json).

#[macro_use]
mod common;

use std::sync::{Arc, Mutex};

use common::{blocking, config, sent, Fixture, Seen};
use talkover::calendars::availability::{
    AvailabilityException, AvailabilityRuleType, AvailabilityRuleUpdate, RecurringAvailability, TimeOfDay, Weekday,
};
use talkover::calendars::events::{CalendarEventUpdate, EventStatus, NewCalendarEvent, NewEventAttendee};
use talkover::calendars::members::{CalendarRole, NewCalendarMember};
use talkover::calendars::providers::NewProviderConnection;
use talkover::calendars::{CalendarUpdate, NewCalendar};
use talkover::callbacks::{CallbackTriggerStatus, ConstraintCheck, ProposedCallbackConfig};
use talkover::flows::{AgentFlow, ConversationMode, FlowConfig, FlowNode};
use talkover::time::{Date, DateTime};
use talkover::HttpRequest;

/// The one request a test sent, checked against the fixture.
fn assert_one_sent(seen: &Seen, fixture: &Fixture) {
    fixture.assert_sent(&sent(seen));
}

fn date_time(text: &str) -> DateTime {
    DateTime::new(text).unwrap()
}

fn intake_flow() -> FlowConfig {
    FlowConfig::new("node-greet")
        .node(FlowNode::say("node-greet", "Hi!").next("node-end"))
        .node(FlowNode::end("node-end"))
}

// ---------------------------------------------------------------------------------------------------
// client.agents().flow(&agent_id)

#[test]
fn flow_get() {
    let fx = fixture!("get-agent-flow/ok-flow-driven.json");
    let (seen, client) = blocking(&fx);
    let flow = client.agents().flow("agent-uuid").get().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(flow.conversation_mode, ConversationMode::FlowDriven);
    assert_eq!(flow.flow_config.unwrap().initial_node_id.unwrap().as_str(), "node-greet");
}

#[test]
fn flow_update_to_flow_driven() {
    let fx = fixture!("update-agent-flow/ok-set-flow-driven.json");
    let (seen, client) = blocking(&fx);
    let flow = intake_flow().meta("Intake v1", "1.0.0").global_function("end_conversation", "Ends the call");
    let saved = client.agents().flow("agent-uuid").update(AgentFlow::flow_driven(flow)).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(saved.conversation_mode, ConversationMode::FlowDriven);
}

#[test]
fn flow_update_to_llm_driven() {
    let fx = fixture!("update-agent-flow/ok-switch-to-llm-driven.json");
    let (seen, client) = blocking(&fx);
    let saved = client.agents().flow("agent-uuid").update(AgentFlow::llm_driven()).unwrap();
    assert_one_sent(&seen, &fx);
    // The page's answer shows flow_driven even here; the SDK reports what the API says.
    assert_eq!(saved.conversation_mode, ConversationMode::FlowDriven);
}

#[test]
fn flow_validate_valid() {
    let fx = fixture!("validate-agent-flow/ok-valid.json");
    let (seen, client) = blocking(&fx);
    let outcome = client.agents().flow("agent-uuid").validate(intake_flow()).unwrap();
    assert_one_sent(&seen, &fx);
    assert!(outcome.is_valid());
    assert_eq!(outcome.message(), Some("Flow is valid"));
}

#[test]
fn flow_validate_invalid_reads_as_a_typed_outcome() {
    let fx = fixture!("validate-agent-flow/error-200-invalid.json");
    let (seen, client) = blocking(&fx);
    let outcome = client.agents().flow("agent-uuid").validate(intake_flow()).unwrap();
    assert_one_sent(&seen, &fx);
    assert!(!outcome.is_valid());
    assert_eq!(outcome.problems(), ["Duplicate node id: 'node-greet'", "Node 'node-end' is unreachable"]);
}

#[test]
fn flow_versions() {
    let fx = fixture!("list-agent-flow-versions/ok-three-versions.json");
    let (seen, client) = blocking(&fx);
    let versions = client.agents().flow("agent-uuid").versions().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(versions.versions.len(), 3);
    assert_eq!(versions.versions[0].is_current, Some(true));
}

// ---------------------------------------------------------------------------------------------------
// client.callback_agents()

#[test]
fn callback_agents_list() {
    let fx = fixture!("list-callback-agents/ok-one-agent.json");
    let (seen, client) = blocking(&fx);
    let page = client.callback_agents().list().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(page.items[0].callback_config.as_ref().unwrap().source_agent_ids.len(), 2);
}

#[test]
fn callback_agents_source_agents() {
    let fx = fixture!("list-callback-source-agents/ok-two-sources.json");
    let (seen, client) = blocking(&fx);
    let page = client.callback_agents().source_agents().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(page.items[1].name.as_deref(), Some("Survey Outbound"));
}

#[test]
fn callback_agents_stats() {
    let fx = fixture!("get-callback-stats/ok-january.json");
    let (seen, client) = blocking(&fx);
    let stats = client
        .callback_agents()
        .stats()
        .start_date(Date::new("2024-01-01").unwrap())
        .end_date(Date::from_ymd(2024, 1, 31).unwrap())
        .send()
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(stats.total_callbacks_received, 184);
}

#[test]
fn callback_agents_get() {
    let fx = fixture!("get-callback-agent/ok-callback-handler.json");
    let (seen, client) = blocking(&fx);
    let details = client.callback_agents().get("agent-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(details.agent.name.as_deref(), Some("Callback Handler"));
}

fn proposal() -> ProposedCallbackConfig {
    ProposedCallbackConfig::new()
        .is_callback_agent(true)
        .callback_source_agents(["agent-uuid-2", "agent-uuid-3"])
        .callback_trigger_statuses([
            CallbackTriggerStatus::NoAnswer,
            CallbackTriggerStatus::Voicemail,
            CallbackTriggerStatus::Busy,
        ])
}

#[test]
fn callback_agents_check_constraints_valid() {
    let fx = fixture!("check-callback-constraints/ok-valid.json");
    let (seen, client) = blocking(&fx);
    let check = client.callback_agents().check_constraints("agent-uuid-1", proposal()).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(check.message(), Some("Configuration is valid"));
}

#[test]
fn callback_agents_check_constraints_invalid_reads_as_a_typed_outcome() {
    let fx = fixture!("check-callback-constraints/error-200-invalid.json");
    let (seen, client) = blocking(&fx);
    let check: ConstraintCheck = client.callback_agents().check_constraints("agent-uuid-1", proposal()).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(check.problems().len(), 2);
    assert_eq!(check.message(), Some("Configuration has errors"));
}

#[test]
fn callback_agents_set() {
    let fx = fixture!("set-agent-as-callback/ok-two-sources.json");
    let (seen, client) = blocking(&fx);
    let agent = client.callback_agents().set("agent-uuid-1", ["agent-uuid-2", "agent-uuid-3"]).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(agent.callback_config.unwrap().source_agent_ids[1].as_str(), "agent-uuid-3");
}

#[test]
fn callback_agents_update_sources() {
    let fx = fixture!("update-callback-sources/ok-replace-sources.json");
    let (seen, client) = blocking(&fx);
    let agent = client.callback_agents().update_sources("agent-uuid-1", vec![String::from("agent-uuid-2")]).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(agent.callback_config.unwrap().source_agent_ids.len(), 1);
}

#[test]
fn callback_agents_remove() {
    let fx = fixture!("remove-callback-role/ok-removed.json");
    let (seen, client) = blocking(&fx);
    let ack = client.callback_agents().remove("agent-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(ack.message.as_deref(), Some("Callback role removed"));
}

// ---------------------------------------------------------------------------------------------------
// client.calendars()

#[test]
fn calendars_list() {
    let fx = fixture!("list-calendars/ok-one-calendar.json");
    let (seen, client) = blocking(&fx);
    let page = client.calendars().list().send().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(page.items[0].name, "Sales Demo Calendar");
}

#[test]
fn calendars_list_per_page() {
    let fx = fixture!("list-calendars/ok-one-calendar.json");
    let (seen, client) = blocking(&fx);
    let page = client.calendars().list().per_page(50).send().unwrap();
    assert_eq!(page.items.len(), 1);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].uri().path(), "/api/v1/calendars");
    assert_eq!(seen[0].uri().query(), Some("per_page=50"));
}

#[test]
fn calendars_create() {
    let fx = fixture!("create-calendar/ok-created.json");
    let (seen, client) = blocking(&fx);
    let calendar = client
        .calendars()
        .create(NewCalendar::new("Sales Demo Calendar", "user-uuid-1").timezone("America/New_York"))
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(calendar.id.as_str(), "calendar-uuid-1");
}

#[test]
fn calendars_get() {
    let fx = fixture!("get-calendar/ok-calendar.json");
    let (seen, client) = blocking(&fx);
    let calendar = client.calendars().get("calendar-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(calendar.timezone.as_deref(), Some("America/New_York"));
}

#[test]
fn calendars_update() {
    let fx = fixture!("update-calendar/ok-rename.json");
    let (seen, client) = blocking(&fx);
    let calendar =
        client.calendars().update("calendar-uuid-1", CalendarUpdate::new().name("Updated Calendar Name")).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(calendar.name, "Updated Calendar Name");
}

#[test]
fn calendars_delete() {
    let fx = fixture!("delete-calendar/ok-deleted.json");
    let (seen, client) = blocking(&fx);
    let ack = client.calendars().delete("calendar-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(ack.message.as_deref(), Some("Calendar deleted"));
}

#[test]
fn calendars_events_batch() {
    let fx = fixture!("get-calendar-events-batch/ok-two-calendars-one-week.json");
    let (seen, client) = blocking(&fx);
    let page = client
        .calendars()
        .events_batch(["cal-1", "cal-2"])
        .from(date_time("2024-01-15T00:00:00Z"))
        .to(date_time("2024-01-22T00:00:00Z"))
        .send()
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(page.items[0].title, "Demo with Acme");
}

#[test]
fn calendars_sync() {
    let fx = fixture!("trigger-calendars-sync/ok-sync-started.json");
    let (seen, client) = blocking(&fx);
    let sync = client.calendars().sync().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(sync.up_to_date[0].as_str(), "calendar-uuid-3");
}

#[test]
fn calendars_sync_status() {
    let fx = fixture!("get-calendars-sync-status/ok-one-calendar.json");
    let (seen, client) = blocking(&fx);
    let page = client.calendars().sync_status().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(page.items[0].events_synced, Some(142));
}

// ---------------------------------------------------------------------------------------------------
// client.calendars().members(&calendar_id)

#[test]
fn members_list() {
    let fx = fixture!("list-calendar-members/ok-list-members.json");
    let (seen, client) = blocking(&fx);
    let page = client.calendars().members("calendar-uuid-1").list().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(page.items[1].role, CalendarRole::Editor);
}

#[test]
fn members_add() {
    let fx = fixture!("add-calendar-member/ok-add-editor.json");
    let (seen, client) = blocking(&fx);
    let member = client
        .calendars()
        .members("calendar-uuid-1")
        .add(NewCalendarMember::new("user-uuid-2", CalendarRole::Editor))
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(member.id.as_str(), "member-uuid-2");
}

#[test]
fn members_update() {
    let fx = fixture!("update-calendar-member/ok-change-role-viewer.json");
    let (seen, client) = blocking(&fx);
    let member = client.calendars().members("calendar-uuid-1").update("member-uuid-2", CalendarRole::Viewer).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(member.role, CalendarRole::Viewer);
}

#[test]
fn members_remove() {
    let fx = fixture!("remove-calendar-member/ok-remove-member.json");
    let (seen, client) = blocking(&fx);
    let ack = client.calendars().members("calendar-uuid-1").remove("member-uuid-2").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(ack.message.as_deref(), Some("Member removed"));
}

// ---------------------------------------------------------------------------------------------------
// client.calendars().events(&calendar_id)

#[test]
fn events_list() {
    let fx = fixture!("list-calendar-events/ok-list-events-in-range.json");
    let (seen, client) = blocking(&fx);
    let page = client
        .calendars()
        .events("calendar-uuid-1")
        .list()
        .from(date_time("2024-01-15T00:00:00Z"))
        .to(date_time("2024-01-22T00:00:00Z"))
        .send()
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(page.items[0].event_type.as_deref(), Some("meeting"));
}

#[test]
fn events_list_by_status() {
    let fx = fixture!("list-calendar-events/ok-list-events-in-range.json");
    let (seen, client) = blocking(&fx);
    let page = client.calendars().events("calendar-uuid-1").list().status(EventStatus::Confirmed).send().unwrap();
    assert_eq!(page.items[0].status, EventStatus::Confirmed);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].uri().path(), "/api/v1/calendars/calendar-uuid-1/events");
    assert_eq!(seen[0].uri().query(), Some("status=confirmed"));
}

#[test]
fn events_create() {
    let fx = fixture!("create-calendar-event/ok-create-meeting-with-attendee.json");
    let (seen, client) = blocking(&fx);
    let demo =
        NewCalendarEvent::new("Demo with Acme", date_time("2024-01-20T15:00:00Z"), date_time("2024-01-20T15:30:00Z"))
            .event_type("meeting")
            .attendee("Jane Doe", "jane@acme.com");
    let event = client.calendars().events("calendar-uuid-1").create(demo).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(event.id.as_str(), "event-uuid-1");
}

#[test]
fn events_get() {
    let fx = fixture!("get-calendar-event/ok-get-event-with-attendees.json");
    let (seen, client) = blocking(&fx);
    let event = client.calendars().events("calendar-uuid-1").get("event-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(event.attendees.unwrap()[0].email, "jane@acme.com");
}

#[test]
fn events_update() {
    let fx = fixture!("update-calendar-event/ok-cancel-event.json");
    let (seen, client) = blocking(&fx);
    let event = client
        .calendars()
        .events("calendar-uuid-1")
        .update("event-uuid-1", CalendarEventUpdate::new().status(EventStatus::Cancelled))
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(event.status, Some(EventStatus::Cancelled));
}

#[test]
fn events_delete() {
    let fx = fixture!("delete-calendar-event/ok-delete-event.json");
    let (seen, client) = blocking(&fx);
    let ack = client.calendars().events("calendar-uuid-1").delete("event-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(ack.message.as_deref(), Some("Event deleted"));
}

#[test]
fn events_create_meeting() {
    let fx = fixture!("create-event-meeting/ok-create-meeting-link.json");
    let (seen, client) = blocking(&fx);
    let meeting = client.calendars().events("calendar-uuid-1").create_meeting("event-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(meeting.meeting_url, "https://meet.example.com/abc-123");
}

#[test]
fn attendees_add() {
    let fx = fixture!("add-event-attendee/ok-add-attendee.json");
    let (seen, client) = blocking(&fx);
    let attendee = client
        .calendars()
        .events("calendar-uuid-1")
        .attendees("event-uuid-1")
        .add(NewEventAttendee::new("Jane Doe", "jane@acme.com"))
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(attendee.id.as_str(), "att-uuid-1");
}

#[test]
fn attendees_remove() {
    let fx = fixture!("remove-event-attendee/ok-remove-attendee.json");
    let (seen, client) = blocking(&fx);
    let ack = client.calendars().events("calendar-uuid-1").attendees("event-uuid-1").remove("att-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(ack.message.as_deref(), Some("Attendee removed"));
}

// ---------------------------------------------------------------------------------------------------
// client.calendars().availability(&calendar_id)

#[test]
fn availability_list() {
    let fx = fixture!("list-availability-rules/ok-list-recurring-and-exception.json");
    let (seen, client) = blocking(&fx);
    let page = client.calendars().availability("calendar-uuid-1").list().unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(page.items[1].rule_type, AvailabilityRuleType::Exception);
}

#[test]
fn availability_create_recurring() {
    let fx = fixture!("create-availability-rule/ok-create-recurring.json");
    let (seen, client) = blocking(&fx);
    let hours =
        RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, TimeOfDay::new(9, 0).unwrap(), "17:00".parse().unwrap());
    let rule = client.calendars().availability("calendar-uuid-1").create(hours).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(rule.days_of_week.unwrap().len(), 5);
}

#[test]
fn availability_create_exception() {
    let fx = fixture!("create-availability-rule/ok-create-exception.json");
    let (seen, client) = blocking(&fx);
    let christmas = AvailabilityException::new(Date::new("2024-12-25").unwrap(), false);
    let rule = client.calendars().availability("calendar-uuid-1").create(christmas).unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(rule.id.as_str(), "rule-uuid-1");
}

#[test]
fn availability_update() {
    let fx = fixture!("update-availability-rule/ok-update-end-time.json");
    let (seen, client) = blocking(&fx);
    let rule = client
        .calendars()
        .availability("calendar-uuid-1")
        .update("rule-uuid-1", AvailabilityRuleUpdate::new().end_time(TimeOfDay::new(18, 0).unwrap()))
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(rule.end_time, Some(TimeOfDay::new(18, 0).unwrap()));
}

#[test]
fn availability_delete() {
    let fx = fixture!("delete-availability-rule/ok-delete-rule.json");
    let (seen, client) = blocking(&fx);
    let ack = client.calendars().availability("calendar-uuid-1").delete("rule-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(ack.message.as_deref(), Some("Availability rule deleted"));
}

#[test]
fn availability_query() {
    let fx = fixture!("query-availability/ok-thirty-minute-slots.json");
    let (seen, client) = blocking(&fx);
    let slots = client
        .calendars()
        .availability("calendar-uuid-1")
        .query(date_time("2024-01-15T00:00:00Z"), date_time("2024-01-22T00:00:00Z"))
        .duration_minutes(30)
        .send()
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(slots.items[2].end_at.as_str(), "2024-01-15T10:30:00Z");
}

// ---------------------------------------------------------------------------------------------------
// client.calendars().providers(&calendar_id)

#[test]
fn providers_list() {
    let fx = fixture!("list-provider-connections/ok-list-connections.json");
    let (seen, client) = blocking(&fx);
    let page = client.calendars().providers("calendar-uuid-1").list().unwrap();
    assert_one_sent(&seen, &fx);
    assert!(page.items[0].is_active);
}

#[test]
fn providers_connect() {
    let fx = fixture!("create-provider-connection/ok-start-oauth-connection.json");
    let (seen, client) = blocking(&fx);
    let connection = client
        .calendars()
        .providers("calendar-uuid-1")
        .connect(NewProviderConnection::new("calendar_provider_a", "https://example.com/oauth/calendar/callback"))
        .unwrap();
    assert_one_sent(&seen, &fx);
    assert!(!connection.is_active);
    assert!(connection.authorization_url.unwrap().starts_with("https://provider.example.com/"));
}

#[test]
fn providers_disconnect() {
    let fx = fixture!("disconnect-provider/ok-disconnect.json");
    let (seen, client) = blocking(&fx);
    let ack = client.calendars().providers("calendar-uuid-1").disconnect("conn-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert_eq!(ack.message.as_deref(), Some("Provider connection removed"));
}

#[test]
fn providers_sync() {
    let fx = fixture!("trigger-provider-sync/ok-sync-queued.json");
    let (seen, client) = blocking(&fx);
    let sync = client.calendars().providers("calendar-uuid-1").sync("conn-uuid-1").unwrap();
    assert_one_sent(&seen, &fx);
    assert!(sync.queued);
}

// ---------------------------------------------------------------------------------------------------
// The async client runs the same handlers.

#[tokio::test]
async fn async_client_validates_a_flow_and_adds_an_attendee() {
    let invalid = fixture!("validate-agent-flow/error-200-invalid.json");
    let added = fixture!("add-event-attendee/ok-add-attendee.json");
    let answers = Arc::new(Mutex::new(vec![added.response(), invalid.response()]));
    let seen = Seen::default();
    let log = seen.clone();
    let client = talkover::Client::with_transport(config(), move |request: HttpRequest| {
        log.lock().unwrap().push(request);
        let response = answers.lock().unwrap().pop().expect("one answer per request");
        async move { Ok(response) }
    });

    let outcome = client.agents().flow("agent-uuid").validate(intake_flow()).await.unwrap();
    assert_eq!(outcome.problems().len(), 2);

    let attendee = client
        .calendars()
        .events("calendar-uuid-1")
        .attendees("event-uuid-1")
        .add(NewEventAttendee::new("Jane Doe", "jane@acme.com"))
        .await
        .unwrap();
    assert_eq!(attendee.name.as_deref(), Some("Jane Doe"));

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    invalid.assert_sent(&seen[0]);
    added.assert_sent(&seen[1]);
}
