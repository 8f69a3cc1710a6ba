//! Calendars and what belongs to them are kept by the emulator: members, events with attendees and meeting
//! links, availability rules and provider connections.

mod common;

use common::raw::{error_fields, send};
use common::{api, assert_api};
use talkover::calendars::availability::{AvailabilityRuleUpdate, RecurringAvailability, TimeOfDay, Weekday};
use talkover::calendars::events::{CalendarEventUpdate, EventStatus, NewCalendarEvent, NewEventAttendee};
use talkover::calendars::members::{CalendarRole, NewCalendarMember};
use talkover::calendars::providers::NewProviderConnection;
use talkover::calendars::{CalendarUpdate, NewCalendar};
use talkover::time::DateTime;
use talkover::ErrorKind;
use talkover_mock::Server;

fn at(text: &str) -> DateTime {
    DateTime::new(text).unwrap()
}

fn time(text: &str) -> TimeOfDay {
    TimeOfDay::parse(text).unwrap()
}

#[test]
fn a_calendar_and_its_members_events_and_rules_are_kept() {
    let (_server, client) = common::start_blocking();
    let calendars = client.calendars();
    let seeded = calendars.list().send().unwrap().items;
    assert!(seeded.iter().any(|c| c.id.as_str() == "calendar-uuid-1"));

    let calendar = calendars.create(NewCalendar::new("Support rota", "user-uuid-9").timezone("Europe/Paris")).unwrap();
    assert_eq!(calendars.list().send().unwrap().items.len(), seeded.len() + 1);
    assert_eq!(calendars.get(&calendar.id).unwrap(), calendar);
    let renamed = calendars.update(&calendar.id, CalendarUpdate::new().name("Support rota (EU)")).unwrap();
    assert_eq!(renamed.name, "Support rota (EU)");
    assert_eq!(calendars.get(&calendar.id).unwrap().name, "Support rota (EU)");

    // The owner is a member from the start.
    let members = calendars.members(&calendar.id);
    let listed = members.list().unwrap().items;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].role, CalendarRole::Owner);
    let bob = members.add(NewCalendarMember::new("user-uuid-10", CalendarRole::Editor)).unwrap();
    assert_eq!(members.update(&bob.id, CalendarRole::Viewer).unwrap().role, CalendarRole::Viewer);
    assert_eq!(members.list().unwrap().items[1].role, CalendarRole::Viewer);
    let twice = members.add(NewCalendarMember::new("user-uuid-10", CalendarRole::Editor)).unwrap();
    assert_eq!((twice.id.clone(), twice.role.clone()), (bob.id.clone(), CalendarRole::Editor));
    assert_eq!(members.list().unwrap().items.len(), 2, "the same member, with the new role");
    members.remove(&bob.id).unwrap();
    assert_eq!(members.list().unwrap().items.len(), 1);
    assert_eq!(api(&members.remove(&bob.id).unwrap_err()).status.as_u16(), 404);

    // Events, attendees, meeting links.
    let events = calendars.events(&calendar.id);
    let event = events
        .create(
            NewCalendarEvent::new("Handover", at("2030-03-04T09:00:00Z"), at("2030-03-04T09:30:00Z"))
                .attendee("Jane Doe", "jane@example.com"),
        )
        .unwrap();
    assert_eq!(event.status, EventStatus::Confirmed);
    assert_eq!(event.attendees.as_ref().map(Vec::len), Some(1));
    assert_eq!(events.get(&event.id).unwrap(), event);
    let in_march = events.list().from(at("2030-03-01T00:00:00Z")).to(at("2030-03-31T00:00:00Z")).send().unwrap();
    assert_eq!(in_march.items.len(), 1);
    let in_april = events.list().from(at("2030-04-01T00:00:00Z")).send().unwrap();
    assert!(in_april.items.is_empty());
    let cancelled = events.update(&event.id, CalendarEventUpdate::new().status(EventStatus::Cancelled)).unwrap();
    assert_eq!(cancelled.status, Some(EventStatus::Cancelled));
    assert_eq!(events.get(&event.id).unwrap().status, EventStatus::Cancelled);
    // Only the end moves, before the stored start: refused.
    let backwards = events.update(&event.id, CalendarEventUpdate::new().end_at(at("2030-03-04T08:00:00Z")));
    assert_eq!(api(&backwards.unwrap_err()).field_errors.keys().collect::<Vec<_>>(), ["end_at"]);

    let attendees = events.attendees(&event.id);
    let added = attendees.add(NewEventAttendee::new("Max Roe", "max@example.com")).unwrap();
    assert_eq!(events.get(&event.id).unwrap().attendees.map(|a| a.len()), Some(2));
    attendees.remove(&added.id).unwrap();
    assert_eq!(events.get(&event.id).unwrap().attendees.map(|a| a.len()), Some(1));

    let no_provider = events.create_meeting(&event.id).unwrap_err();
    assert_eq!(api(&no_provider).code.as_deref(), Some("MEETING_PROVIDER_REQUIRED"));

    // Availability rules.
    let rules = calendars.availability(&calendar.id);
    let rule =
        rules.create(RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, time("09:00"), time("17:00"))).unwrap();
    assert_eq!(rules.list().unwrap().items, vec![rule.clone()]);
    let later = rules.update(&rule.id, AvailabilityRuleUpdate::new().end_time(time("18:00"))).unwrap();
    assert_eq!(later.end_time, Some(time("18:00")));
    assert_eq!(rules.list().unwrap().items[0].end_time, Some(time("18:00")));
    let inverted = rules.update(&rule.id, AvailabilityRuleUpdate::new().end_time(time("08:00"))).unwrap_err();
    assert_eq!(api(&inverted).status.as_u16(), 422);
    let window = (at("2030-03-04T00:00:00Z"), at("2030-03-05T00:00:00Z"));
    assert!(rules.query(window.0.clone(), window.1.clone()).send().is_ok());
    let nowhere = calendars.availability("no-such-calendar").query(window.0, window.1).send().unwrap_err();
    assert_eq!(api(&nowhere).status.as_u16(), 404);
    rules.delete(&rule.id).unwrap();
    assert!(rules.list().unwrap().items.is_empty());

    // Provider connections.
    let providers = calendars.providers(&calendar.id);
    let connection = providers
        .connect(NewProviderConnection::new("calendar_provider_a", "https://example.com/oauth/callback"))
        .unwrap();
    assert!(!connection.is_active);
    assert!(connection.authorization_url.as_deref().is_some_and(|u| u.starts_with("https://")));
    assert_eq!(providers.list().unwrap().items.len(), 1);
    assert!(providers.sync(&connection.id).unwrap().queued);
    providers.disconnect(&connection.id).unwrap();
    assert!(providers.list().unwrap().items.is_empty());

    events.delete(&event.id).unwrap();
    assert_eq!(api(&events.get(&event.id).unwrap_err()).status.as_u16(), 404);
    calendars.delete(&calendar.id).unwrap();
    assert_eq!(calendars.list().send().unwrap().items.len(), seeded.len());
    assert_api(&calendars.get(&calendar.id).unwrap_err(), 404, ErrorKind::NotFound, "Calendar not found");
}

#[test]
fn the_recorded_calendar_has_its_recorded_content() {
    let (_server, client) = common::start_blocking();
    let calendars = client.calendars();
    // The recorded calendar has an active provider connection, so a meeting link can be made.
    let meeting = calendars.events("calendar-uuid-1").create_meeting("event-uuid-1").unwrap();
    assert_eq!(meeting.event_id.as_str(), "event-uuid-1");
    let batch = calendars.events_batch(["calendar-uuid-1", "no-such-calendar"]).send().unwrap();
    assert!(batch.items.iter().any(|e| e.id.as_str() == "event-uuid-1"));
    assert_eq!(calendars.members("calendar-uuid-1").list().unwrap().items.len(), 2);
}

#[tokio::test]
async fn the_async_client_sees_the_same_calendars() {
    let (_server, client) = common::start_async().await;
    let calendar = client.calendars().create(NewCalendar::new("Async", "user-uuid-1")).await.unwrap();
    assert_eq!(client.calendars().get(&calendar.id).await.unwrap().name, "Async");
    client.calendars().delete(&calendar.id).await.unwrap();
    assert_eq!(api(&client.calendars().get(&calendar.id).await.unwrap_err()).status.as_u16(), 404);
}

#[test]
fn invalid_calendar_bodies_answer_422() {
    let server = Server::start_blocking().unwrap();
    let (status, body) = send(&server, "POST", "/calendars", "{}");
    assert_eq!((status, error_fields(&body)), (422, vec!["name".to_owned(), "owner_id".to_owned()]), "{body}");
    let (status, body) = send(
        &server,
        "POST",
        "/calendars/calendar-uuid-1/events",
        r#"{"title":"x","start_at":"2030-01-01T10:00:00Z","end_at":"2030-01-01T09:00:00Z"}"#,
    );
    assert_eq!((status, error_fields(&body)), (422, vec!["end_at".to_owned()]), "{body}");
    let (status, body) = send(
        &server,
        "POST",
        "/calendars/calendar-uuid-1/availability-rules",
        r#"{"type":"recurring","days_of_week":[],"start_time":"09:00","end_time":"17:00"}"#,
    );
    assert_eq!((status, error_fields(&body)), (422, vec!["days_of_week".to_owned()]), "{body}");
    let (status, body) =
        send(&server, "POST", "/calendars/calendar-uuid-1/members", r#"{"user_id":"u","role":"boss"}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["role".to_owned()]), "{body}");
}
