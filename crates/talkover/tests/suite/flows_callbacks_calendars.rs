//! The flow, callback and calendar handlers on closure transports: every handler method sends the request
//! its reference page documents and decodes the documented answer. Requests and answers come from the
//! recorded fixtures (tests/fixtures/<operation>/ok-*.json).

use crate::common;

use std::sync::{Arc, Mutex};

use common::{acknowledged, blocking, config, exchange, Seen};
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
    let (flow, _) = exchange(fixture!("get-agent-flow/ok-flow-driven.json"), |c| c.agents().flow("agent-uuid").get());
    assert_eq!(flow.conversation_mode, ConversationMode::FlowDriven);
    assert_eq!(flow.flow_config.unwrap().initial_node_id.unwrap().as_str(), "node-greet");
}

#[test]
fn flow_update_to_flow_driven() {
    let flow = intake_flow().meta("Intake v1", "1.0.0").global_function("end_conversation", "Ends the call");
    let (saved, _) = exchange(fixture!("update-agent-flow/ok-set-flow-driven.json"), |c| {
        c.agents().flow("agent-uuid").update(AgentFlow::flow_driven(flow))
    });
    assert_eq!(saved.conversation_mode, ConversationMode::FlowDriven);
}

#[test]
fn flow_update_to_llm_driven() {
    let (saved, _) = exchange(fixture!("update-agent-flow/ok-switch-to-llm-driven.json"), |c| {
        c.agents().flow("agent-uuid").update(AgentFlow::llm_driven())
    });
    // The page's answer shows flow_driven even here; the SDK reports what the API says.
    assert_eq!(saved.conversation_mode, ConversationMode::FlowDriven);
}

#[test]
fn flow_validate_valid() {
    let (outcome, _) = exchange(fixture!("validate-agent-flow/ok-valid.json"), |c| {
        c.agents().flow("agent-uuid").validate(intake_flow())
    });
    assert!(outcome.is_valid());
    assert_eq!(outcome.message(), Some("Flow is valid"));
}

#[test]
fn flow_validate_invalid_reads_as_a_typed_outcome() {
    let (outcome, _) = exchange(fixture!("validate-agent-flow/error-200-invalid.json"), |c| {
        c.agents().flow("agent-uuid").validate(intake_flow())
    });
    assert!(!outcome.is_valid());
    assert_eq!(outcome.problems(), ["Duplicate node id: 'node-greet'", "Node 'node-end' is unreachable"]);
}

#[test]
fn flow_versions() {
    let (versions, _) = exchange(fixture!("list-agent-flow-versions/ok-three-versions.json"), |c| {
        c.agents().flow("agent-uuid").versions()
    });
    assert_eq!(versions.versions.len(), 3);
    assert_eq!(versions.versions[0].is_current, Some(true));
}

// ---------------------------------------------------------------------------------------------------
// client.callback_agents()

#[test]
fn callback_agents_list() {
    let (page, _) = exchange(fixture!("list-callback-agents/ok-one-agent.json"), |c| c.callback_agents().list());
    assert_eq!(page.items[0].callback_config.as_ref().unwrap().source_agent_ids.len(), 2);
}

#[test]
fn callback_agents_source_agents() {
    let (page, _) =
        exchange(fixture!("list-callback-source-agents/ok-two-sources.json"), |c| c.callback_agents().source_agents());
    assert_eq!(page.items[1].name.as_deref(), Some("Survey Outbound"));
}

#[test]
fn callback_agents_stats() {
    let (stats, _) = exchange(fixture!("get-callback-stats/ok-january.json"), |c| {
        c.callback_agents()
            .stats()
            .start_date(Date::new("2024-01-01").unwrap())
            .end_date(Date::from_ymd(2024, 1, 31).unwrap())
            .send()
    });
    assert_eq!(stats.total_callbacks_received, 184);
}

#[test]
fn callback_agents_get() {
    let (details, _) =
        exchange(fixture!("get-callback-agent/ok-callback-handler.json"), |c| c.callback_agents().get("agent-uuid-1"));
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
    let (check, _) = exchange(fixture!("check-callback-constraints/ok-valid.json"), |c| {
        c.callback_agents().check_constraints("agent-uuid-1", proposal())
    });
    assert_eq!(check.message(), Some("Configuration is valid"));
}

#[test]
fn callback_agents_check_constraints_invalid_reads_as_a_typed_outcome() {
    let (check, _): (ConstraintCheck, _) =
        exchange(fixture!("check-callback-constraints/error-200-invalid.json"), |c| {
            c.callback_agents().check_constraints("agent-uuid-1", proposal())
        });
    assert_eq!(check.problems().len(), 2);
    assert_eq!(check.message(), Some("Configuration has errors"));
}

#[test]
fn callback_agents_set() {
    let (agent, _) = exchange(fixture!("set-agent-as-callback/ok-two-sources.json"), |c| {
        c.callback_agents().set("agent-uuid-1", ["agent-uuid-2", "agent-uuid-3"])
    });
    assert_eq!(agent.callback_config.unwrap().source_agent_ids[1].as_str(), "agent-uuid-3");
}

#[test]
fn callback_agents_update_sources() {
    let (agent, _) = exchange(fixture!("update-callback-sources/ok-replace-sources.json"), |c| {
        c.callback_agents().update_sources("agent-uuid-1", vec![String::from("agent-uuid-2")])
    });
    assert_eq!(agent.callback_config.unwrap().source_agent_ids.len(), 1);
}

#[test]
fn callback_agents_remove() {
    acknowledged(fixture!("remove-callback-role/ok-removed.json"), "Callback role removed", |c| {
        c.callback_agents().remove("agent-uuid-1")
    });
}

// ---------------------------------------------------------------------------------------------------
// client.calendars()

#[test]
fn calendars_list() {
    let (page, _) = exchange(fixture!("list-calendars/ok-one-calendar.json"), |c| c.calendars().list().send());
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
    let (calendar, _) = exchange(fixture!("create-calendar/ok-created.json"), |c| {
        c.calendars().create(NewCalendar::new("Sales Demo Calendar", "user-uuid-1").timezone("America/New_York"))
    });
    assert_eq!(calendar.id.as_str(), "calendar-uuid-1");
}

#[test]
fn calendars_get() {
    let (calendar, _) = exchange(fixture!("get-calendar/ok-calendar.json"), |c| c.calendars().get("calendar-uuid-1"));
    assert_eq!(calendar.timezone.as_deref(), Some("America/New_York"));
}

#[test]
fn calendars_update() {
    let (calendar, _) = exchange(fixture!("update-calendar/ok-rename.json"), |c| {
        c.calendars().update("calendar-uuid-1", CalendarUpdate::new().name("Updated Calendar Name"))
    });
    assert_eq!(calendar.name.as_deref(), Some("Updated Calendar Name"));
    // The answer holds the fields that changed: a new time zone alone is read too.
    let client = talkover::blocking::Client::with_transport(common::config(), |_: talkover::HttpRequest| {
        let body = r#"{"success":true,"data":{"id":"calendar-uuid-1","timezone":"Europe/Paris","updated_at":"2024-01-15T18:30:00Z"}}"#;
        Ok(common::json(200, body))
    });
    let changed = client.calendars().update("calendar-uuid-1", CalendarUpdate::new().timezone("Europe/Paris")).unwrap();
    assert_eq!((changed.name, changed.timezone.as_deref()), (None, Some("Europe/Paris")));
}

#[test]
fn calendars_delete() {
    acknowledged(fixture!("delete-calendar/ok-deleted.json"), "Calendar deleted", |c| {
        c.calendars().delete("calendar-uuid-1")
    });
}

#[test]
fn calendars_events_batch() {
    let (page, _) = exchange(fixture!("get-calendar-events-batch/ok-two-calendars-one-week.json"), |c| {
        c.calendars()
            .events_batch(["cal-1", "cal-2"])
            .from(date_time("2024-01-15T00:00:00Z"))
            .to(date_time("2024-01-22T00:00:00Z"))
            .send()
    });
    assert_eq!(page.items[0].title, "Demo with Acme");
}

#[test]
fn calendars_sync() {
    let (sync, _) = exchange(fixture!("trigger-calendars-sync/ok-sync-started.json"), |c| c.calendars().sync());
    assert_eq!(sync.up_to_date[0].as_str(), "calendar-uuid-3");
}

#[test]
fn calendars_sync_status() {
    let (page, _) =
        exchange(fixture!("get-calendars-sync-status/ok-one-calendar.json"), |c| c.calendars().sync_status());
    assert_eq!(page.items[0].events_synced, Some(142));
}

// ---------------------------------------------------------------------------------------------------
// client.calendars().members(&calendar_id)

#[test]
fn members_list() {
    let (page, _) = exchange(fixture!("list-calendar-members/ok-list-members.json"), |c| {
        c.calendars().members("calendar-uuid-1").list()
    });
    assert_eq!(page.items[1].role, CalendarRole::Editor);
}

#[test]
fn members_add() {
    let (member, _) = exchange(fixture!("add-calendar-member/ok-add-editor.json"), |c| {
        c.calendars().members("calendar-uuid-1").add(NewCalendarMember::new("user-uuid-2", CalendarRole::Editor))
    });
    assert_eq!(member.id.as_str(), "member-uuid-2");
}

#[test]
fn members_update() {
    let (member, _) = exchange(fixture!("update-calendar-member/ok-change-role-viewer.json"), |c| {
        c.calendars().members("calendar-uuid-1").update("member-uuid-2", CalendarRole::Viewer)
    });
    assert_eq!(member.role, CalendarRole::Viewer);
}

#[test]
fn members_remove() {
    acknowledged(fixture!("remove-calendar-member/ok-remove-member.json"), "Member removed", |c| {
        c.calendars().members("calendar-uuid-1").remove("member-uuid-2")
    });
}

// ---------------------------------------------------------------------------------------------------
// client.calendars().events(&calendar_id)

#[test]
fn events_list() {
    let (page, _) = exchange(fixture!("list-calendar-events/ok-list-events-in-range.json"), |c| {
        c.calendars()
            .events("calendar-uuid-1")
            .list()
            .from(date_time("2024-01-15T00:00:00Z"))
            .to(date_time("2024-01-22T00:00:00Z"))
            .send()
    });
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
    let demo =
        NewCalendarEvent::new("Demo with Acme", date_time("2024-01-20T15:00:00Z"), date_time("2024-01-20T15:30:00Z"))
            .event_type("meeting")
            .attendee("Jane Doe", "jane@acme.com");
    let (event, _) = exchange(fixture!("create-calendar-event/ok-create-meeting-with-attendee.json"), |c| {
        c.calendars().events("calendar-uuid-1").create(demo)
    });
    assert_eq!(event.id.as_str(), "event-uuid-1");
}

#[test]
fn events_get() {
    let (event, _) = exchange(fixture!("get-calendar-event/ok-get-event-with-attendees.json"), |c| {
        c.calendars().events("calendar-uuid-1").get("event-uuid-1")
    });
    assert_eq!(event.attendees.unwrap()[0].email, "jane@acme.com");
}

#[test]
fn events_update() {
    let (event, _) = exchange(fixture!("update-calendar-event/ok-cancel-event.json"), |c| {
        c.calendars()
            .events("calendar-uuid-1")
            .update("event-uuid-1", CalendarEventUpdate::new().status(EventStatus::Cancelled))
    });
    assert_eq!(event.status, Some(EventStatus::Cancelled));
}

#[test]
fn events_delete() {
    acknowledged(fixture!("delete-calendar-event/ok-delete-event.json"), "Event deleted", |c| {
        c.calendars().events("calendar-uuid-1").delete("event-uuid-1")
    });
}

#[test]
fn events_create_meeting() {
    let (meeting, _) = exchange(fixture!("create-event-meeting/ok-create-meeting-link.json"), |c| {
        c.calendars().events("calendar-uuid-1").create_meeting("event-uuid-1")
    });
    assert_eq!(meeting.meeting_url, "https://meet.example.com/abc-123");
}

#[test]
fn attendees_add() {
    let (attendee, _) = exchange(fixture!("add-event-attendee/ok-add-attendee.json"), |c| {
        c.calendars()
            .events("calendar-uuid-1")
            .attendees("event-uuid-1")
            .add(NewEventAttendee::new("Jane Doe", "jane@acme.com"))
    });
    assert_eq!(attendee.id.as_str(), "att-uuid-1");
}

#[test]
fn attendees_remove() {
    acknowledged(fixture!("remove-event-attendee/ok-remove-attendee.json"), "Attendee removed", |c| {
        c.calendars().events("calendar-uuid-1").attendees("event-uuid-1").remove("att-uuid-1")
    });
}

// ---------------------------------------------------------------------------------------------------
// client.calendars().availability(&calendar_id)

#[test]
fn availability_list() {
    let (page, _) = exchange(fixture!("list-availability-rules/ok-list-recurring-and-exception.json"), |c| {
        c.calendars().availability("calendar-uuid-1").list()
    });
    assert_eq!(page.items[1].rule_type, AvailabilityRuleType::Exception);
}

#[test]
fn availability_create_recurring() {
    let hours =
        RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, TimeOfDay::new(9, 0).unwrap(), "17:00".parse().unwrap());
    let (rule, _) = exchange(fixture!("create-availability-rule/ok-create-recurring.json"), |c| {
        c.calendars().availability("calendar-uuid-1").create(hours)
    });
    assert_eq!(rule.days_of_week.unwrap().len(), 5);
}

#[test]
fn availability_create_exception() {
    let christmas = AvailabilityException::new(Date::new("2024-12-25").unwrap(), false);
    let (rule, _) = exchange(fixture!("create-availability-rule/ok-create-exception.json"), |c| {
        c.calendars().availability("calendar-uuid-1").create(christmas)
    });
    assert_eq!(rule.id.as_str(), "rule-uuid-1");
}

#[test]
fn availability_update() {
    let (rule, _) = exchange(fixture!("update-availability-rule/ok-update-end-time.json"), |c| {
        c.calendars()
            .availability("calendar-uuid-1")
            .update("rule-uuid-1", AvailabilityRuleUpdate::new().end_time(TimeOfDay::new(18, 0).unwrap()))
    });
    assert_eq!(rule.end_time, Some(TimeOfDay::new(18, 0).unwrap()));
}

#[test]
fn availability_delete() {
    acknowledged(fixture!("delete-availability-rule/ok-delete-rule.json"), "Availability rule deleted", |c| {
        c.calendars().availability("calendar-uuid-1").delete("rule-uuid-1")
    });
}

#[test]
fn availability_query() {
    let (slots, _) = exchange(fixture!("query-availability/ok-thirty-minute-slots.json"), |c| {
        c.calendars()
            .availability("calendar-uuid-1")
            .query(date_time("2024-01-15T00:00:00Z"), date_time("2024-01-22T00:00:00Z"))
            .duration_minutes(30)
            .send()
    });
    assert_eq!(slots.items[2].end_at.as_str(), "2024-01-15T10:30:00Z");
}

// ---------------------------------------------------------------------------------------------------
// client.calendars().providers(&calendar_id)

#[test]
fn providers_list() {
    let (page, _) = exchange(fixture!("list-provider-connections/ok-list-connections.json"), |c| {
        c.calendars().providers("calendar-uuid-1").list()
    });
    assert!(page.items[0].is_active);
}

#[test]
fn providers_connect() {
    let (connection, _) = exchange(fixture!("create-provider-connection/ok-start-oauth-connection.json"), |c| {
        c.calendars()
            .providers("calendar-uuid-1")
            .connect(NewProviderConnection::new("calendar_provider_a", "https://example.com/oauth/calendar/callback"))
    });
    assert!(!connection.is_active);
    assert!(connection.authorization_url.unwrap().starts_with("https://provider.example.com/"));
}

#[test]
fn providers_disconnect() {
    acknowledged(fixture!("disconnect-provider/ok-disconnect.json"), "Provider connection removed", |c| {
        c.calendars().providers("calendar-uuid-1").disconnect("conn-uuid-1")
    });
}

#[test]
fn providers_sync() {
    let (sync, _) = exchange(fixture!("trigger-provider-sync/ok-sync-queued.json"), |c| {
        c.calendars().providers("calendar-uuid-1").sync("conn-uuid-1")
    });
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
