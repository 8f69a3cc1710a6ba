//! Calendars and what belongs to them are kept by the emulator: members, events with attendees and meeting
//! links, availability rules and provider connections.

use crate::common;

use common::raw::{error_fields, send};
use common::{api, assert_api};
use serde_json::json;
use talkover::calendars::availability::{
    AvailabilityException, AvailabilityRuleUpdate, RecurringAvailability, TimeOfDay, Weekday,
};
use talkover::calendars::events::{CalendarEventUpdate, EventStatus, NewCalendarEvent, NewEventAttendee};
use talkover::calendars::members::{CalendarRole, NewCalendarMember};
use talkover::calendars::providers::NewProviderConnection;
use talkover::calendars::{CalendarSyncStatus, CalendarUpdate, NewCalendar};
use talkover::time::{CalendarTime, Date, DateTime};
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
    assert_eq!(renamed.name.as_deref(), Some("Support rota (EU)"));
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
    // The owner cannot be removed (remove-calendar-member: transfer ownership first).
    let owner = members.list().unwrap().items.remove(0);
    let refused = members.remove(&owner.id).unwrap_err();
    assert_eq!(api(&refused).status.as_u16(), 422, "{refused}");
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
    // An end before the start is a window past midnight, on update as on create.
    let overnight = rules.update(&rule.id, AvailabilityRuleUpdate::new().end_time(time("08:00"))).unwrap();
    assert_eq!(overnight.end_time, Some(time("08:00")));
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
    assert!(!providers.sync(&connection.id).unwrap().queued, "not active before its OAuth flow is done");
    providers.disconnect(&connection.id).unwrap();
    assert!(providers.list().unwrap().items.is_empty());

    events.delete(&event.id).unwrap();
    assert_eq!(api(&events.get(&event.id).unwrap_err()).status.as_u16(), 404);
    calendars.delete(&calendar.id).unwrap();
    assert_eq!(calendars.list().send().unwrap().items.len(), seeded.len());
    assert_api(&calendars.get(&calendar.id).unwrap_err(), 404, ErrorKind::NotFound, "Calendar not found");
}

/// The environment-wide sync operations read the calendars' connections: the recorded one as recorded, a
/// new one until it is removed; a sync covers the calendars with an active connection, and runs for a
/// while on the emulator's clock (`is_syncing`), as "runs asynchronously — poll for progress" says.
#[test]
fn the_sync_status_and_a_sync_follow_the_provider_connections() {
    let (server, client) = common::start_blocking();
    server.set_clock_scale(0.0);
    let calendars = client.calendars();
    let recorded = calendars.sync_status().unwrap().items;
    let [status] = recorded.as_slice() else { panic!("{recorded:?}") };
    assert_eq!(status.calendar_id.as_str(), "calendar-uuid-1");
    assert_eq!(status.provider.as_deref(), Some("calendar_provider_a"));
    assert_eq!(status.last_sync_at.as_ref().map(|t| t.as_str()), Some("2024-01-15T17:30:00Z"));
    assert_eq!((status.is_syncing, status.events_synced), (false, Some(142)));

    let calendar = calendars.create(NewCalendar::new("Synced", "user-uuid-9")).unwrap();
    let providers = calendars.providers(&calendar.id);
    let pending = NewProviderConnection::new("calendar_provider_b", "https://example.com/oauth/callback");
    let connection = providers.connect(pending).unwrap();
    let statuses = calendars.sync_status().unwrap().items;
    let new = statuses.iter().find(|s| s.calendar_id == calendar.id).expect("the new connection is listed");
    assert_eq!(
        (new.provider.as_deref(), new.last_sync_at.as_ref(), new.events_synced),
        (Some("calendar_provider_b"), None, Some(0))
    );

    // Only the recorded connection is active: its calendar syncs, and the pending one waits. A poll sees
    // it syncing, its last sync still the recorded one; once the sync has run, its end.
    let sync = calendars.sync().unwrap();
    assert_eq!(sync.syncing.iter().map(|id| id.as_str()).collect::<Vec<_>>(), ["calendar-uuid-1"]);
    assert!(sync.up_to_date.is_empty(), "{sync:?}");
    let recorded_status = |statuses: Vec<CalendarSyncStatus>| {
        statuses.into_iter().find(|s| s.calendar_id.as_str() == "calendar-uuid-1").unwrap()
    };
    let syncing = recorded_status(calendars.sync_status().unwrap().items);
    assert!(syncing.is_syncing, "{syncing:?}");
    assert_eq!(syncing.last_sync_at.as_ref().map(|t| t.as_str()), Some("2024-01-15T17:30:00Z"));
    let started = server.clock_now();
    server.advance_clock(std::time::Duration::from_secs(2));
    let synced = recorded_status(calendars.sync_status().unwrap().items);
    assert!(!synced.is_syncing, "{synced:?}");
    let ended = synced.last_sync_at.as_ref().map(|t| t.as_str().to_owned()).unwrap();
    assert!(ended > started && ended <= server.clock_now(), "{ended} after {started}");
    assert!(!recorded_status(calendars.sync_status().unwrap().items).is_syncing, "a poll does not start one");

    // A new connection of the recorded provider has synced no events: the recorded 142 are the recorded
    // connection's.
    let again = NewProviderConnection::new("calendar_provider_a", "https://example.com/oauth/callback");
    let second = calendars.providers("calendar-uuid-1").connect(again).unwrap();
    let statuses = calendars.sync_status().unwrap().items;
    let new = statuses.iter().find(|s| s.calendar_id.as_str() == "calendar-uuid-1" && s.last_sync_at.is_none());
    assert_eq!(new.and_then(|s| s.events_synced), Some(0), "{statuses:?}");
    calendars.providers("calendar-uuid-1").disconnect(&second.id).unwrap();

    providers.disconnect(&connection.id).unwrap();
    calendars.providers("calendar-uuid-1").disconnect("conn-uuid-1").unwrap();
    assert!(calendars.sync_status().unwrap().items.is_empty());
    assert!(calendars.sync().unwrap().syncing.is_empty());
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

/// The slots as `(start, end)` texts.
fn spans(slots: &[talkover::calendars::availability::AvailableSlot]) -> Vec<(String, String)> {
    slots.iter().map(|s| (s.start_at.to_string(), s.end_at.to_string())).collect()
}

fn span(start: &str, end: &str) -> (String, String) {
    (start.to_owned(), end.to_owned())
}

#[test]
fn free_slots_are_cut_from_the_rules_minus_events_and_exceptions() {
    let (_server, client) = common::start_blocking();
    let calendars = client.calendars();
    let calendar = calendars.create(NewCalendar::new("Clinic", "user-uuid-9").timezone("UTC")).unwrap();
    let rules = calendars.availability(&calendar.id);
    rules.create(RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, time("09:00"), time("12:00"))).unwrap();
    let events = calendars.events(&calendar.id);
    let busy = events.create(NewCalendarEvent::new("Busy", at("2030-03-04T09:30:00Z"), at("2030-03-04T10:00:00Z")));
    let busy = busy.unwrap();
    // 2030-03-04 is a Monday.
    let monday = (at("2030-03-04T00:00:00Z"), at("2030-03-05T00:00:00Z"));

    // 45-minute slots from 09:00; the two that would overlap 09:30-10:00 are left out.
    let slots = rules.query(monday.0.clone(), monday.1.clone()).duration_minutes(45).send().unwrap().items;
    assert_eq!(
        spans(&slots),
        [span("2030-03-04T10:30:00Z", "2030-03-04T11:15:00Z"), span("2030-03-04T11:15:00Z", "2030-03-04T12:00:00Z")]
    );
    // 30 minutes by default: 09:00 is free, 09:30 is taken.
    let slots = rules.query(monday.0.clone(), monday.1.clone()).send().unwrap().items;
    let starts: Vec<String> = slots.iter().map(|s| s.start_at.to_string()).collect();
    assert_eq!(
        starts,
        [
            "2030-03-04T09:00:00Z",
            "2030-03-04T10:00:00Z",
            "2030-03-04T10:30:00Z",
            "2030-03-04T11:00:00Z",
            "2030-03-04T11:30:00Z"
        ]
    );
    // A cancelled event is no longer busy time.
    events.update(&busy.id, CalendarEventUpdate::new().status(EventStatus::Cancelled)).unwrap();
    assert_eq!(rules.query(monday.0.clone(), monday.1.clone()).send().unwrap().items.len(), 6);

    // Only within the range asked for: from 10:10 to 11:00, the 10:30 slot alone.
    let slots = rules.query(at("2030-03-04T10:10:00Z"), at("2030-03-04T11:00:00Z")).send().unwrap().items;
    assert_eq!(spans(&slots), [span("2030-03-04T10:30:00Z", "2030-03-04T11:00:00Z")]);
    // No rule for the weekend.
    let weekend = rules.query(at("2030-03-09T00:00:00Z"), at("2030-03-11T00:00:00Z")).send().unwrap().items;
    assert!(weekend.is_empty(), "{weekend:?}");

    // A blocked date has no slot; an open one is open all day, even on a Saturday.
    rules.create(AvailabilityException::new(Date::new("2030-03-05").unwrap(), false)).unwrap();
    let tuesday = rules.query(at("2030-03-05T00:00:00Z"), at("2030-03-06T00:00:00Z")).send().unwrap().items;
    assert!(tuesday.is_empty(), "{tuesday:?}");
    rules.create(AvailabilityException::new(Date::new("2030-03-09").unwrap(), true)).unwrap();
    let saturday = rules.query(at("2030-03-09T00:00:00Z"), at("2030-03-10T00:00:00Z")).duration_minutes(60);
    let saturday = saturday.send().unwrap().items;
    assert_eq!(saturday.len(), 24);
    assert_eq!(saturday[0].start_at.as_str(), "2030-03-09T00:00:00Z");
}

/// A window that closes before it opens runs past midnight into the next day.
#[test]
fn an_overnight_window_closes_the_next_day() {
    let (_server, client) = common::start_blocking();
    let calendars = client.calendars();
    let calendar = calendars.create(NewCalendar::new("Night desk", "user-uuid-9").timezone("UTC")).unwrap();
    let rules = calendars.availability(&calendar.id);
    // 2030-03-08 is a Friday.
    let rule = rules.create(RecurringAvailability::new([Weekday::Friday], time("22:00"), time("02:00"))).unwrap();
    let night = || {
        let night = rules.query(at("2030-03-08T20:00:00Z"), at("2030-03-09T06:00:00Z")).duration_minutes(60);
        night.send().unwrap().items.iter().map(|s| s.start_at.to_string()).collect::<Vec<String>>()
    };
    assert_eq!(
        night(),
        ["2030-03-08T22:00:00Z", "2030-03-08T23:00:00Z", "2030-03-09T00:00:00Z", "2030-03-09T01:00:00Z"]
    );
    // Moved further past midnight by an update, which takes it as create does.
    rules.update(&rule.id, AvailabilityRuleUpdate::new().end_time(time("03:00"))).unwrap();
    assert_eq!(night().len(), 5);
    assert_eq!(night()[4], "2030-03-09T02:00:00Z");
}

#[test]
fn free_slots_are_read_in_the_rule_s_or_the_calendar_s_time_zone() {
    let (_server, client) = common::start_blocking();
    let calendars = client.calendars();
    let calendar =
        calendars.create(NewCalendar::new("New York office", "user-uuid-9").timezone("America/New_York")).unwrap();
    let rules = calendars.availability(&calendar.id);
    let rule = rules.create(RecurringAvailability::new([Weekday::Monday], time("09:00"), time("10:00"))).unwrap();
    // Created without a zone, it takes the calendar's, and is listed with it (the page: "Defaults to
    // calendar's timezone").
    assert_eq!(rule.timezone.as_deref(), Some("America/New_York"));
    assert_eq!(rules.list().unwrap().items[0].timezone.as_deref(), Some("America/New_York"));
    let first = |from: &str, to: &str| {
        let slots = rules.query(at(from), at(to)).send().unwrap().items;
        spans(&slots)
    };
    // 09:00 in New York is 14:00 UTC in winter, 13:00 UTC in summer.
    assert_eq!(
        first("2030-01-07T00:00:00Z", "2030-01-08T00:00:00Z"),
        [span("2030-01-07T14:00:00Z", "2030-01-07T14:30:00Z"), span("2030-01-07T14:30:00Z", "2030-01-07T15:00:00Z")]
    );
    assert_eq!(
        first("2030-07-01T00:00:00-04:00", "2030-07-02T00:00:00-04:00"),
        [span("2030-07-01T13:00:00Z", "2030-07-01T13:30:00Z"), span("2030-07-01T13:30:00Z", "2030-07-01T14:00:00Z")]
    );
    // A rule's own zone wins over the calendar's; a fixed offset is read as it is.
    rules.update(&rule.id, AvailabilityRuleUpdate::new().timezone("+02:00")).unwrap();
    assert_eq!(
        first("2030-01-07T00:00:00Z", "2030-01-08T00:00:00Z"),
        [span("2030-01-07T07:00:00Z", "2030-01-07T07:30:00Z"), span("2030-01-07T07:30:00Z", "2030-01-07T08:00:00Z")]
    );
}

/// The calendar queries' `from` and `to` are "ISO 8601": a date, or a date-time without an offset, is read
/// on the calendar's clock (a date: its midnight), each calendar's own in a batch.
#[test]
fn a_range_without_an_offset_is_read_on_the_calendar_s_clock() {
    let (server, client) = common::start_blocking();
    let calendars = client.calendars();
    let new_york = calendars.create(NewCalendar::new("New York", "user-uuid-9").timezone("America/New_York")).unwrap();
    let tokyo = calendars.create(NewCalendar::new("Tokyo", "user-uuid-9").timezone("Asia/Tokyo")).unwrap();
    // 2030-01-15T03:00:00Z is 22:00 on the 14th in New York and 12:00 on the 15th in Tokyo.
    for calendar in [&new_york, &tokyo] {
        let event = NewCalendarEvent::new("Late", at("2030-01-15T03:00:00Z"), at("2030-01-15T03:30:00Z"));
        calendars.events(&calendar.id).create(event).unwrap();
    }
    let titles = |calendar, from: &str, to: &str| {
        let list = calendars.events(calendar).list().from(CalendarTime::new(from).unwrap());
        list.to(CalendarTime::new(to).unwrap()).send().unwrap().items.len()
    };
    assert_eq!(titles(&new_york.id, "2030-01-15", "2030-01-16"), 0, "the 14th on New York's clock");
    assert_eq!(titles(&new_york.id, "2030-01-14", "2030-01-15"), 1);
    assert_eq!(titles(&new_york.id, "2030-01-14T21:59:59", "2030-01-14T22:30:00"), 1);
    assert_eq!(titles(&new_york.id, "2030-01-14T22:00:01", "2030-01-15"), 0);
    assert_eq!(titles(&tokyo.id, "2030-01-15", "2030-01-16"), 1, "the 15th on Tokyo's clock");

    let batch = |from: &str, to: &str| {
        let batch = calendars.events_batch([&new_york.id, &tokyo.id]).from(CalendarTime::new(from).unwrap());
        let events = batch.to(CalendarTime::new(to).unwrap()).send().unwrap().items;
        events.iter().map(|e| e.calendar_id.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(batch("2030-01-15", "2030-01-16"), [tokyo.id.to_string()]);
    assert_eq!(batch("2030-01-15T03:00:00Z", "2030-01-15T03:30:00Z").len(), 2, "an offset names one instant");

    // Free slots of a day on the calendar's clock: 09:00 in New York is 14:00 UTC in January.
    let rules = calendars.availability(&new_york.id);
    rules.create(RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, time("09:00"), time("10:00"))).unwrap();
    let day = |date: &str| CalendarTime::from(Date::new(date).unwrap());
    let slots = rules.query(day("2030-01-15"), day("2030-01-16")).duration_minutes(60).send().unwrap().items;
    assert_eq!(spans(&slots), [span("2030-01-15T14:00:00Z", "2030-01-15T15:00:00Z")]);
    let morning = rules.query(CalendarTime::new("2030-01-15T09:30:00").unwrap(), day("2030-01-16")).send().unwrap();
    assert_eq!(spans(&morning.items), [span("2030-01-15T14:30:00Z", "2030-01-15T15:00:00Z")]);

    // Over plain HTTP, as any client sends it; text that is no ISO 8601 form the API takes is refused.
    let path = format!("/calendars/{}/availability?from=2030-01-15&to=2030-01-16&duration_minutes=60", new_york.id);
    let (status, body) = send(&server, "GET", &path, "");
    assert_eq!((status, body["data"].as_array().map(Vec::len)), (200, Some(1)), "{body}");
    let path = format!("/calendars/{}/events?from=15%2F01%2F2030", new_york.id);
    let (status, body) = send(&server, "GET", &path, "");
    assert_eq!((status, error_fields(&body)), (422, vec!["from".to_owned()]), "{body}");
}

#[test]
fn the_recorded_calendar_s_slots_follow_its_recorded_rules() {
    let (_server, client) = common::start_blocking();
    let rules = client.calendars().availability("calendar-uuid-1");
    // The reference's own request: a week of 30-minute slots. The recorded rule opens Monday to Friday,
    // 09:00 to 17:00 New York time (14:00 to 22:00 UTC in January); the recorded event is on Saturday.
    let week = rules.query(at("2024-01-15T00:00:00Z"), at("2024-01-22T00:00:00Z")).duration_minutes(30);
    let slots = week.send().unwrap().items;
    assert_eq!(slots.len(), 5 * 16);
    assert_eq!(spans(&slots[..1]), [span("2024-01-15T14:00:00Z", "2024-01-15T14:30:00Z")]);
    assert_eq!(spans(&slots[79..]), [span("2024-01-19T21:30:00Z", "2024-01-19T22:00:00Z")]);
    // The recorded holiday (2024-12-25, a Wednesday) has no slot.
    let christmas = rules.query(at("2024-12-25T05:00:00Z"), at("2024-12-26T05:00:00Z")).send().unwrap().items;
    assert!(christmas.is_empty(), "{christmas:?}");
}

/// list-calendars gives 25 a page unless asked otherwise.
#[test]
fn calendars_come_25_a_page_by_default() {
    let server = Server::start_blocking().unwrap();
    for i in 0..30 {
        let body = format!(r#"{{"name": "Rota {i}", "owner_id": "user-{i}", "timezone": "UTC"}}"#);
        assert_eq!(send(&server, "POST", "/calendars", &body).0, 200);
    }
    let (status, body) = send(&server, "GET", "/calendars", "");
    assert_eq!((status, body["data"].as_array().map(Vec::len)), (200, Some(25)), "{body}");
    let (_, body) = send(&server, "GET", "/calendars?per_page=3", "");
    assert_eq!(body["data"].as_array().map(Vec::len), Some(3));
    // A later page is read, not the first again (31 calendars: the recorded one and 30).
    let (_, second) = send(&server, "GET", "/calendars?page=2", "");
    let names: Vec<&str> = second["data"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["Rota 24", "Rota 25", "Rota 26", "Rota 27", "Rota 28", "Rota 29"], "{second}");
    // A value's spaces around it are trimmed, as the API reads its input.
    let (status, padded) = send(&server, "GET", "/calendars?per_page=%202%20&page=%203", "");
    let names: Vec<&str> = padded["data"].as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!((status, names), (200, vec!["Rota 3", "Rota 4"]), "{padded}");
    // A page that is no whole number is refused as other lists refuse one; one past every count is empty.
    for page in ["abc", "1.5", "2e0", "99999999999999999999"] {
        assert_eq!(send(&server, "GET", &format!("/calendars?page={page}"), "").0, 422, "{page}");
        assert_eq!(send(&server, "GET", &format!("/calls?page={page}"), "").0, 422, "{page}");
    }
    let (status, past) = send(&server, "GET", "/calendars?page=4000000000", "");
    assert_eq!((status, past["data"].as_array().map(Vec::len)), (200, Some(0)), "{past}");
    let (status, plus) = send(&server, "GET", "/calendars?page=%2B2", "");
    assert_eq!((status, plus["data"].as_array().map(Vec::len)), (200, Some(6)), "{plus}");
}

/// A calendar's events are listed by their start, whatever order they were made in.
#[test]
fn events_are_listed_by_their_start() {
    let server = Server::start_blocking().unwrap();
    let calendar = raw_calendar(&server, "user-uuid-7");
    for (title, start, end) in [
        ("Wed", "2030-01-16T10:00:00Z", "2030-01-16T11:00:00Z"),
        ("Mon", "2030-01-14T08:00:00+01:00", "2030-01-14T09:00:00+01:00"),
        ("Tue", "2030-01-15T15:00:00Z", "2030-01-15T16:00:00Z"),
    ] {
        let body = json!({ "title": title, "start_at": start, "end_at": end }).to_string();
        let (status, created) = send(&server, "POST", &format!("/calendars/{calendar}/events"), &body);
        assert_eq!(status, 200, "{created}");
    }
    let titles = |path: String| {
        let (status, listed) = send(&server, "GET", &path, "");
        assert_eq!(status, 200, "{listed}");
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["title"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert_eq!(titles(format!("/calendars/{calendar}/events")), ["Mon", "Tue", "Wed"]);
    assert_eq!(titles(format!("/calendars/events?calendar_ids[]={calendar}")), ["Mon", "Tue", "Wed"]);
}

#[test]
fn free_slot_queries_are_bounded_and_checked() {
    let server = Server::start_blocking().unwrap();
    let calendar = "/calendars/calendar-uuid-1/availability";
    let refused = [
        ("more than a year", "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
        (
            "no number of minutes",
            "from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00Z&duration_minutes=abc",
            "duration_minutes",
        ),
    ];
    for (case, query, field) in refused {
        let (status, body) = send(&server, "GET", &format!("{calendar}?{query}"), "");
        assert_eq!((status, error_fields(&body)), (422, vec![field.to_owned()]), "{case}: {body}");
    }
    // The page gives the range no order rule: one that ends before it starts holds no slot.
    let (status, body) =
        send(&server, "GET", &format!("{calendar}?from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z"), "");
    assert_eq!((status, &body["data"]), (200, &json!([])), "{body}");

    // A year of one-minute slots of a calendar open all week holds far more than one answer carries.
    let (_, created) = send(&server, "POST", "/calendars", r#"{"name":"Always","owner_id":"u","timezone":"UTC"}"#);
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    let rule = r#"{"type":"recurring","days_of_week":[1,2,3,4,5,6,7],"start_time":"00:00","end_time":"23:59"}"#;
    assert_eq!(send(&server, "POST", &format!("/calendars/{id}/availability-rules"), rule).0, 200);
    let minutes_until = |to: &str| {
        let query = format!("from=2030-01-01T00:00:00Z&to={to}&duration_minutes=1");
        send(&server, "GET", &format!("/calendars/{id}/availability?{query}"), "")
    };
    let (status, body) = minutes_until("2030-12-31T00:00:00Z");
    assert_eq!((status, error_fields(&body)), (422, vec!["to".to_owned()]), "{body}");
    // A day of them is answered.
    let (status, body) = minutes_until("2030-01-02T00:00:00Z");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"].as_array().map(Vec::len), Some(1439));
}

/// Creates a calendar owned by `owner` with raw HTTP; its id.
fn raw_calendar(server: &Server, owner: &str) -> String {
    let body = json!({ "name": "Front desk", "owner_id": owner, "timezone": "UTC" }).to_string();
    let (status, created) = send(server, "POST", "/calendars", &body);
    assert_eq!(status, 200, "{created}");
    created["data"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn an_updated_rule_must_be_one_create_would_accept() {
    let server = Server::start_blocking().unwrap();
    let calendar = raw_calendar(&server, "user-uuid-1");
    let rules = format!("/calendars/{calendar}/availability-rules");
    let recurring = r#"{"type":"recurring","days_of_week":[1,2,3],"start_time":"09:00","end_time":"17:00"}"#;
    let (_, created) = send(&server, "POST", &rules, recurring);
    let rule = format!("{rules}/{}", created["data"]["id"].as_str().unwrap());
    let (_, created) = send(&server, "POST", &rules, r#"{"type":"exception","date":"2030-12-25","available":false}"#);
    let exception = format!("{rules}/{}", created["data"]["id"].as_str().unwrap());

    // A recurring rule turned into an exception without its date: refused as create refuses it.
    let (status, body) = send(&server, "PUT", &rule, r#"{"type":"exception","available":true}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["date".to_owned()]), "{body}");
    assert_eq!(body["errors"]["date"][0], "The date field is required.", "{body}");
    // ... nor without whether the date is available.
    let (status, body) = send(&server, "PUT", &rule, r#"{"type":"exception","date":"2030-01-01"}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["available".to_owned()]), "{body}");
    // An exception turned recurring needs its weekdays and its hours.
    let (status, body) = send(&server, "PUT", &exception, r#"{"type":"recurring","days_of_week":[1]}"#);
    assert_eq!(status, 422, "{body}");
    assert!(error_fields(&body).contains(&"start_time".to_owned()), "{body}");
    let (status, body) =
        send(&server, "PUT", &exception, r#"{"type":"recurring","start_time":"09:00","end_time":"12:00"}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["days_of_week".to_owned()]), "{body}");
    // Nothing refused was kept.
    let (_, listed) = send(&server, "GET", &rules, "");
    assert_eq!(listed["data"][0]["type"], "recurring", "{listed}");
    assert_eq!(listed["data"][1]["type"], "exception", "{listed}");

    // With what create asks for, the change is made.
    let (status, body) = send(&server, "PUT", &rule, r#"{"type":"exception","date":"2030-01-01","available":true}"#);
    assert_eq!(status, 200, "{body}");
    let whole = r#"{"type":"recurring","days_of_week":[6,7],"start_time":"10:00","end_time":"14:00"}"#;
    let (status, body) = send(&server, "PUT", &exception, whole);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["days_of_week"], json!([6, 7]), "{body}");
    // Each rule keeps only the fields of its new type, as create would have stored it.
    let (_, listed) = send(&server, "GET", &rules, "");
    let turned = listed["data"].as_array().unwrap();
    let exception_now = turned.iter().find(|r| r["type"] == "exception").unwrap();
    for gone in ["days_of_week", "start_time", "end_time"] {
        assert!(exception_now.get(gone).is_none_or(serde_json::Value::is_null), "{gone} left: {listed}");
    }
    let recurring_now = turned.iter().find(|r| r["type"] == "recurring").unwrap();
    for gone in ["date", "available"] {
        assert!(recurring_now.get(gone).is_none_or(serde_json::Value::is_null), "{gone} left: {listed}");
    }
}

#[test]
fn a_calendar_keeps_an_owner_until_ownership_is_handed_over() {
    let server = Server::start_blocking().unwrap();
    let calendar = raw_calendar(&server, "user-uuid-1");
    let members = format!("/calendars/{calendar}/members");
    let (_, listed) = send(&server, "GET", &members, "");
    let alice = format!("{members}/{}", listed["data"][0]["id"].as_str().unwrap());

    // The only owner can be given no other role, by update or by adding the same user again.
    let demoted = "The calendar owner cannot be given another role. Transfer ownership first.";
    let (status, body) = send(&server, "PUT", &alice, r#"{"role":"editor"}"#);
    assert_eq!((status, body["message"].as_str()), (422, Some(demoted)), "{body}");
    let (status, body) = send(&server, "POST", &members, r#"{"user_id":"user-uuid-1","role":"viewer"}"#);
    assert_eq!((status, body["message"].as_str()), (422, Some(demoted)), "{body}");
    // Nor removed.
    let (status, body) = send(&server, "DELETE", &alice, "");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["message"], "The calendar owner cannot be removed. Transfer ownership first.", "{body}");
    let (_, listed) = send(&server, "GET", &members, "");
    assert_eq!(listed["data"][0]["role"], "owner", "{listed}");

    // Ownership handed to Bob: the calendar is Bob's at once, Alice an editor (a calendar has one
    // owner), who can then go.
    let (_, bob) = send(&server, "POST", &members, r#"{"user_id":"user-uuid-2","role":"editor"}"#);
    let bob = format!("{members}/{}", bob["data"]["id"].as_str().unwrap());
    let (_, before) = send(&server, "GET", &format!("/calendars/{calendar}"), "");
    server.advance_clock(std::time::Duration::from_secs(60));
    let (status, body) = send(&server, "PUT", &bob, r#"{"role":"owner"}"#);
    assert_eq!((status, body["data"]["role"].as_str()), (200, Some("owner")), "{body}");
    let (_, listed) = send(&server, "GET", &members, "");
    let roles: Vec<(&str, &str)> = listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user_id"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, [("user-uuid-1", "editor"), ("user-uuid-2", "owner")], "{listed}");
    let (_, got) = send(&server, "GET", &format!("/calendars/{calendar}"), "");
    assert_eq!(got["data"]["owner_id"], "user-uuid-2", "{got}");
    // A new owner is a change of the calendar's.
    assert_ne!(got["data"]["updated_at"], before["data"]["updated_at"], "{got}");
    let (status, body) = send(&server, "DELETE", &alice, "");
    assert_eq!(status, 200, "{body}");
    // Adding a member as owner hands it over too.
    let (_, carol) = send(&server, "POST", &members, r#"{"user_id":"user-uuid-3","role":"owner"}"#);
    assert_eq!(carol["data"]["role"], "owner", "{carol}");
    let (_, listed) = send(&server, "GET", &members, "");
    assert_eq!(listed["data"][0]["role"], "editor", "{listed}");
    let (_, got) = send(&server, "GET", &format!("/calendars/{calendar}"), "");
    assert_eq!(got["data"]["owner_id"], "user-uuid-3", "{got}");
    // Bob is an editor now; Carol hands it back to him.
    let (status, _) = send(&server, "PUT", &bob, r#"{"role":"owner"}"#);
    assert_eq!(status, 200);
    // Bob is now the one owner the calendar keeps.
    let (status, body) = send(&server, "PUT", &bob, r#"{"role":"viewer"}"#);
    assert_eq!((status, body["message"].as_str()), (422, Some(demoted)), "{body}");
    let (status, _) = send(&server, "DELETE", &bob, "");
    assert_eq!(status, 422);
}

/// The status and the fields a 422 names, of `body` sent with `method` to `path`.
fn refused(server: &Server, method: &str, path: &str, body: &str) -> (u16, Vec<String>) {
    let (status, answer) = send(server, method, path, body);
    (status, error_fields(&answer))
}

fn named(fields: &[&str]) -> (u16, Vec<String>) {
    (422, fields.iter().map(|f| (*f).to_owned()).collect())
}

#[test]
fn a_calendar_takes_an_owner_id_as_text_metadata_as_an_object_and_no_empty_time_zone() {
    let server = Server::start_blocking().unwrap();
    // owner_id is a required string: not a number, not empty.
    let (status, body) = send(&server, "POST", "/calendars", r#"{"name":"x","owner_id":123}"#);
    assert_eq!((status, error_fields(&body)), named(&["owner_id"]), "{body}");
    assert_eq!(body["errors"]["owner_id"][0], "The owner id must be a string.", "{body}");
    let (status, body) = send(&server, "POST", "/calendars", r#"{"name":"x","owner_id":"  "}"#);
    assert_eq!((status, error_fields(&body)), named(&["owner_id"]), "{body}");
    assert_eq!(body["errors"]["owner_id"][0], "The owner id field is required.", "{body}");
    // metadata is an object.
    for metadata in [r#""str""#, "5", "[1,2]", "true"] {
        let create = format!(r#"{{"name":"x","owner_id":"user-1","metadata":{metadata}}}"#);
        let (status, body) = send(&server, "POST", "/calendars", &create);
        assert_eq!((status, error_fields(&body)), named(&["metadata"]), "{metadata}: {body}");
    }
    // An empty time zone names no zone.
    assert_eq!(
        refused(&server, "POST", "/calendars", r#"{"name":"x","owner_id":"user-1","timezone":""}"#),
        named(&["timezone"])
    );
    // Everything at fault is named at once.
    let all = r#"{"name":"x","owner_id":7,"metadata":"m","timezone":""}"#;
    assert_eq!(refused(&server, "POST", "/calendars", all), named(&["metadata", "owner_id", "timezone"]));
    let (_, listed) = send(&server, "GET", "/calendars", "");
    assert!(listed["data"].as_array().unwrap().iter().all(|c| c["name"] != "x"), "nothing refused was kept: {listed}");

    // What the page describes is taken, and an update is held to the same types.
    let good = r#"{"name":"x","owner_id":"user-1","metadata":{"team":"support"},"timezone":"UTC"}"#;
    let (status, created) = send(&server, "POST", "/calendars", good);
    assert_eq!((status, &created["data"]["metadata"]), (200, &json!({"team": "support"})), "{created}");
    let calendar = format!("/calendars/{}", created["data"]["id"].as_str().unwrap());
    assert_eq!(refused(&server, "PUT", &calendar, r#"{"timezone":""}"#), named(&["timezone"]));
    assert_eq!(refused(&server, "PUT", &calendar, r#"{"metadata":[1,2]}"#), named(&["metadata"]));
    let rules = format!("{calendar}/availability-rules");
    let rule = r#"{"type":"recurring","days_of_week":[1],"start_time":"09:00","end_time":"17:00","timezone":""}"#;
    assert_eq!(refused(&server, "POST", &rules, rule), named(&["timezone"]));
    let (_, got) = send(&server, "GET", &calendar, "");
    assert_eq!((&got["data"]["timezone"], &got["data"]["metadata"]), (&json!("UTC"), &json!({"team": "support"})));
    // A zone that is no zone is refused as before.
    assert_eq!(refused(&server, "PUT", &calendar, r#"{"timezone":"Mars/Olympus"}"#), named(&["timezone"]));
}

#[test]
fn an_update_cannot_blank_a_field_create_requires() {
    let server = Server::start_blocking().unwrap();
    let calendar = raw_calendar(&server, "user-uuid-1");
    let events = format!("/calendars/{calendar}/events");
    let (_, created) = send(
        &server,
        "POST",
        &events,
        r#"{"title":"Handover","start_at":"2030-03-04T09:00:00Z","end_at":"2030-03-04T10:00:00Z"}"#,
    );
    let event = format!("{events}/{}", created["data"]["id"].as_str().unwrap());
    // A null is no title either (it was read as not given: 200, nothing changed).
    for blank in [r#"{"title":""}"#, r#"{"title":"   "}"#, r#"{"title":null}"#] {
        let (status, body) = send(&server, "PUT", &event, blank);
        assert_eq!((status, error_fields(&body)), named(&["title"]), "{blank}: {body}");
        assert_eq!(body["errors"]["title"], json!(["The title field is required."]), "{body}");
    }
    let (_, got) = send(&server, "GET", &event, "");
    assert_eq!(got["data"]["title"], "Handover", "{got}");
    // A calendar's name likewise, said as create says it.
    let (status, body) = send(&server, "PUT", &format!("/calendars/{calendar}"), r#"{"name":""}"#);
    assert_eq!((status, error_fields(&body)), named(&["name"]), "{body}");
    assert_eq!(body["errors"]["name"], json!(["The name field is required."]), "{body}");
    // A required field that is no text, given as null, likewise: an event's start.
    let (status, body) = send(&server, "PUT", &event, r#"{"start_at":null}"#);
    assert_eq!((status, error_fields(&body)), named(&["start_at"]), "{body}");
    // Optional fields may still be emptied, and a given title changes.
    let (status, body) = send(&server, "PUT", &event, r#"{"title":"Renamed","description":""}"#);
    assert_eq!((status, &body["data"]["title"]), (200, &json!("Renamed")), "{body}");
}

#[test]
fn a_rule_missing_fields_names_them_all_and_an_unknown_type_names_only_type() {
    let server = Server::start_blocking().unwrap();
    let rules = "/calendars/calendar-uuid-1/availability-rules";
    let (status, body) = send(&server, "POST", rules, r#"{"type":"recurring"}"#);
    assert_eq!((status, error_fields(&body)), named(&["days_of_week", "end_time", "start_time"]), "{body}");
    assert_eq!(body["errors"]["start_time"], json!(["The start time field is required."]), "{body}");
    assert_eq!(refused(&server, "POST", rules, r#"{"type":"exception"}"#), named(&["available", "date"]));
    assert_eq!(
        refused(&server, "POST", rules, r#"{"type":"recurring","days_of_week":[1],"start_time":"9"}"#),
        named(&["end_time", "start_time"])
    );
    // The type picks the fields: one the page does not list, or none, is refused alone.
    let (status, body) = send(&server, "POST", rules, r#"{"type":"weekly"}"#);
    assert_eq!((status, error_fields(&body)), named(&["type"]), "{body}");
    assert_eq!(body["errors"]["type"], json!(["The selected type is invalid."]), "{body}");
    let (status, body) = send(&server, "POST", rules, r#"{"days_of_week":[1]}"#);
    assert_eq!((status, error_fields(&body)), named(&["type"]), "{body}");
    assert_eq!(body["errors"]["type"], json!(["The type field is required."]), "{body}");
    assert_eq!(refused(&server, "POST", rules, r#"{"type":5}"#), named(&["type"]));
    // A field of the rule's kind given as null is named, not the type that picks the kind.
    let (status, body) = send(&server, "POST", rules, r#"{"type":"exception","date":null,"available":false}"#);
    assert_eq!((status, error_fields(&body)), named(&["date"]), "{body}");
    let recurring = r#"{"type":"recurring","days_of_week":null,"start_time":"09:00","end_time":"10:00"}"#;
    assert_eq!(refused(&server, "POST", rules, recurring), named(&["days_of_week"]));
}

#[test]
fn attendees_of_a_new_or_changed_event_need_a_valid_email_address() {
    let server = Server::start_blocking().unwrap();
    let events = "/calendars/calendar-uuid-1/events";
    let event = |attendees: &str| {
        let times = r#""start_at":"2030-03-04T09:00:00Z","end_at":"2030-03-04T10:00:00Z""#;
        format!(r#"{{"title":"Demo",{times},"attendees":{attendees}}}"#)
    };
    let bad = r#"[{"name":"Jane","email":"jane@example.com"},{"name":"Max","email":"not-an-email"}]"#;
    let (status, body) = send(&server, "POST", events, &event(bad));
    assert_eq!((status, error_fields(&body)), named(&["attendees.1.email"]), "{body}");
    assert_eq!(body["errors"]["attendees.1.email"], json!(["The attendees.1.email must be a valid email address."]));
    let blank = r#"[{"name":"","email":""}]"#;
    assert_eq!(refused(&server, "POST", events, &event(blank)), named(&["attendees.0.email", "attendees.0.name"]));

    let (status, created) = send(&server, "POST", events, &event(r#"[{"name":"Jane","email":"jane@example.com"}]"#));
    assert_eq!(status, 200, "{created}");
    let path = format!("{events}/{}", created["data"]["id"].as_str().unwrap());
    let update = r#"{"attendees":[{"name":"Max","email":"max.example.com"}]}"#;
    assert_eq!(refused(&server, "PUT", &path, update), named(&["attendees.0.email"]));
    // An `@` alone is not an address: the SDK's check (`validate::is_email`) is the emulator's.
    for email in ["max@", "@example.com", "max doe@example.com"] {
        let update = format!(r#"{{"attendees":[{{"name":"Max","email":"{email}"}}]}}"#);
        assert_eq!(refused(&server, "PUT", &path, &update), named(&["attendees.0.email"]), "{email}");
    }
    let (_, got) = send(&server, "GET", &path, "");
    assert_eq!(got["data"]["attendees"][0]["email"], "jane@example.com", "{got}");
    // add-event-attendee says it as before, once.
    let (status, body) = send(&server, "POST", &format!("{path}/attendees"), r#"{"name":"Max","email":""}"#);
    assert_eq!((status, &body["errors"]["email"]), (422, &json!(["The email field is required."])), "{body}");
}

/// An event's times are answered in UTC whatever offset they were given in, as every example of the event
/// pages writes them; the instant is the one given.
#[test]
fn event_times_are_answered_in_utc() {
    let (_server, client) = common::start_blocking();
    let events = client.calendars().events("calendar-uuid-1");
    let event = events
        .create(NewCalendarEvent::new("Offsets", at("2030-03-11T12:00:00+01:00"), at("2030-03-11T12:30:00.5+01:00")))
        .unwrap();
    assert_eq!((event.start_at.as_str(), event.end_at.as_str()), ("2030-03-11T11:00:00Z", "2030-03-11T11:30:00.5Z"));
    let moved = events.update(&event.id, CalendarEventUpdate::new().end_at(at("2030-03-11T07:45:00-05:00"))).unwrap();
    assert_eq!(moved.end_at.as_ref().map(DateTime::as_str), Some("2030-03-11T12:45:00Z"));
    let listed = events.list().send().unwrap().items;
    let stored = listed.iter().find(|e| e.id == event.id).unwrap();
    assert_eq!((stored.start_at.as_str(), stored.end_at.as_str()), ("2030-03-11T11:00:00Z", "2030-03-11T12:45:00Z"));
}

/// An event's times are "ISO 8601" too: one without an offset is on the calendar's clock, and is answered
/// as the instant it names, in UTC.
#[test]
fn event_times_without_an_offset_are_on_the_calendar_s_clock() {
    let (server, client) = common::start_blocking();
    let calendars = client.calendars();
    let new_york = calendars.create(NewCalendar::new("New York", "user-uuid-9").timezone("America/New_York")).unwrap();
    let events = calendars.events(&new_york.id);
    let local = |text: &str| CalendarTime::new(text).unwrap();
    let event =
        events.create(NewCalendarEvent::new("Stand-up", local("2030-01-15T09:00:00"), local("2030-01-15T09:15:00")));
    let event = event.unwrap();
    assert_eq!((event.start_at.as_str(), event.end_at.as_str()), ("2030-01-15T14:00:00Z", "2030-01-15T14:15:00Z"));
    // July is summer time: 09:30 is 13:30 UTC.
    let moved = CalendarEventUpdate::new().start_at(local("2030-07-01T09:00:00")).end_at(local("2030-07-01T09:30:00"));
    let moved = events.update(&event.id, moved).unwrap();
    assert_eq!(moved.end_at.as_ref().map(DateTime::as_str), Some("2030-07-01T13:30:00Z"));
    assert_eq!(events.get(&event.id).unwrap().start_at.as_str(), "2030-07-01T13:00:00Z");

    // Both on the calendar's clock, the end first: sent (the order is the API's to judge), and refused
    // with the field named.
    let backwards = NewCalendarEvent::new("Backwards", local("2030-01-15T10:00:00"), local("2030-01-15T09:00:00"));
    let refused = events.create(backwards).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Validation, "{refused}");
    assert_eq!(api(&refused).field_errors.keys().collect::<Vec<_>>(), ["end_at"], "{refused}");
    // One of each: the emulator compares them on the calendar's clock (10:00 in New York is 15:00 UTC).
    let mixed = NewCalendarEvent::new("Mixed", local("2030-01-15T10:00:00"), at("2030-01-15T14:30:00Z"));
    let refused = events.create(mixed).unwrap_err();
    assert_eq!(api(&refused).field_errors.keys().collect::<Vec<_>>(), ["end_at"], "{refused}");
    let mixed = NewCalendarEvent::new("Mixed", local("2030-01-15T10:00:00"), at("2030-01-15T15:30:00Z"));
    assert_eq!(events.create(mixed).unwrap().start_at.as_str(), "2030-01-15T15:00:00Z");

    // Over plain HTTP: a date stands for its midnight; text that is no ISO 8601 form is refused.
    let path = format!("/calendars/{}/events", new_york.id);
    let body = r#"{"title":"All day","start_at":"2030-01-16","end_at":"2030-01-17"}"#;
    let (status, answer) = send(&server, "POST", &path, body);
    assert_eq!((status, answer["data"]["start_at"].as_str()), (200, Some("2030-01-16T05:00:00Z")), "{answer}");
    let (status, answer) =
        send(&server, "POST", &path, r#"{"title":"x","start_at":"16/01/2030","end_at":"2030-01-17"}"#);
    assert_eq!((status, error_fields(&answer)), (422, vec!["start_at".to_owned()]), "{answer}");
}

/// A provider connection syncs once its OAuth flow is done (create-provider-connection): one just made is
/// not active, and a sync of it is not queued, where one of the documented active connections is.
#[test]
fn only_an_active_provider_connection_syncs() {
    let server = Server::start_blocking().unwrap();
    let providers = "/calendars/calendar-uuid-1/providers";
    let body = r#"{"provider":"google","redirect_uri":"https://example.com/oauth/calendar/callback"}"#;
    let (status, created) = send(&server, "POST", providers, body);
    assert_eq!((status, created["data"]["is_active"].as_bool()), (200, Some(false)), "{created}");
    let new = created["data"]["id"].as_str().unwrap().to_owned();
    let (status, sync) = send(&server, "POST", &format!("{providers}/{new}/sync"), "");
    assert_eq!((status, sync["data"]["queued"].as_bool()), (200, Some(false)), "{sync}");
    let (status, sync) = send(&server, "POST", &format!("{providers}/conn-uuid-1/sync"), "");
    assert_eq!((status, sync["data"]["queued"].as_bool()), (200, Some(true)), "{sync}");
    let (_, listed) = send(&server, "GET", providers, "");
    let synced = |id: &str| {
        let connection = listed["data"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
        !connection["last_sync_at"].is_null()
    };
    assert!(synced("conn-uuid-1") && !synced(&new), "{listed}");
}
