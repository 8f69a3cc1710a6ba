//! Events of a calendar, their video meetings and their attendees.
//!
//! The times of a new or changed event are [`CalendarTime`]s: an instant ([`DateTime`], RFC 3339 with an
//! explicit offset), or a date or a date-time without an offset, for the calendar's own clock (the pages
//! do not say how the API reads those; the emulator reads them in the calendar's time zone). The times the
//! API answers with are [`DateTime`]s.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::calendars::events::{AddEventAttendee, CreateCalendarEvent, NewCalendarEvent, NewEventAttendee};
//! use talkover::time::DateTime;
//!
//! let demo = NewCalendarEvent::new(
//!     "Demo with Acme",
//!     DateTime::new("2024-01-20T15:00:00Z")?,
//!     DateTime::new("2024-01-20T15:30:00Z")?,
//! )
//! .event_type("meeting")
//! .attendee("Jane Doe", "jane@acme.com");
//! let create = CreateCalendarEvent::new("calendar-uuid", demo);
//! let invite = AddEventAttendee::new("calendar-uuid", "event-uuid", NewEventAttendee::new("Bob", "bob@acme.com"));
//! # let _ = (create, invite);
//! # Ok::<(), talkover::time::TimeError>(())
//! ```
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-calendar-events> and the pages beside
//! it.

use serde::{Deserialize, Serialize};

use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::CalendarId;
use crate::ids::UserId;
use crate::macros::{optional_fields, string_enum};
use crate::time::{CalendarTime, DateTime};
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{AttendeeId, EventId};

string_enum! {
    /// Whether an event takes place.
    pub enum EventStatus {
        /// It takes place (the API's default).
        Confirmed = "confirmed",
        /// Not settled yet.
        Tentative = "tentative",
        /// Called off.
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// What kind of party owns an event.
    pub enum EventOwnerType {
        /// A user of the account.
        User = "user",
        /// A voice agent.
        Agent = "agent",
    }
}

/// Declares a struct with the event fields [`NewCalendarEvent`], [`CalendarEventUpdate`] and the answers
/// share, each written once, after the struct's own fields; `settable` gives the bodies their setters.
macro_rules! event_fields {
    ($kind:ident; $($item:tt)*) => {
        optional_fields! {
            $($item)*
            $kind {
                /// Longer description.
                description: impl Into<String>,
                /// A free-form tag (`meeting`, `block`, `appointment`, …).
                #[serde(rename = "type")]
                event_type: impl Into<String>,
                /// The user who created it.
                created_by(user_id): impl Into<UserId>,
                /// The id of its owner: a user or an agent, as `owner_type` says.
                owner_id: impl Into<String>,
                /// What kind of party owns it.
                owner_type: EventOwnerType,
            }
        }
    };
}

/// [`event_fields!`] with the fields a change may leave out and its answer echoes: title, times (of type
/// `$time`: a [`CalendarTime`] in the change, the [`DateTime`] the API answers with), status.
macro_rules! event_changes {
    ($kind:ident $time:ident; $($item:tt)*) => {
        event_fields! {
            $kind;
            $($item)*
            $kind {
                /// Title.
                title: impl Into<String>,
                /// When it starts.
                start_at: impl Into<$time>,
                /// When it ends: after `start_at`.
                end_at: impl Into<$time>,
                /// Whether it takes place.
                status: EventStatus,
            }
        }
    };
}

event_fields! {
    optional;
    /// An event of a calendar.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CalendarEvent {
        /// The event's id.
        pub id: EventId,
        /// The calendar it belongs to.
        pub calendar_id: CalendarId,
        /// Title.
        pub title: String,
        /// When it starts.
        pub start_at: DateTime,
        /// When it ends.
        pub end_at: DateTime,
        /// Whether it takes place.
        pub status: EventStatus,
    }
    required {
        /// The fields of a [`CalendarEvent`] the API always sends, by name for [`CalendarEvent::new`]: its
        /// two times share a type, so a list of arguments would let a reordering swap them.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct CalendarEventRequired;
    }
    optional {
        /// Who takes part (given when a single event is read).
        attendees: Vec<EventAttendee>,
        /// The video meeting link, once one was made ([`CreateEventMeeting`]).
        meeting_url: String,
    }
}

event_changes! {
    optional DateTime;
    /// What the API gives back after [`UpdateCalendarEvent`]: the event's id and the fields that changed.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct UpdatedCalendarEvent {
        /// The event's id.
        pub id: EventId,
    }
    pub fn new;
    optional {
        /// The calendar it belongs to.
        calendar_id: CalendarId,
        /// Who takes part.
        attendees: Vec<EventAttendee>,
        /// The video meeting link.
        meeting_url: String,
        /// When it changed.
        updated_at: Timestamp,
    }
}

optional_fields! {
    /// Someone who takes part in an event.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct EventAttendee {
        /// The attendee's id (used to remove them).
        pub id: AttendeeId,
        /// Email address.
        pub email: String,
    }
    pub fn new;
    optional {
        /// Display name (attendees synced from a provider may have none).
        name: String,
    }
}

/// An attendee to invite: in [`NewCalendarEvent::attendees`], and the body of [`AddEventAttendee`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewEventAttendee {
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
}

impl NewEventAttendee {
    /// An attendee by name and email address.
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Self { name: name.into(), email: email.into() }
    }
}

/// Records a problem with `end_field` unless `end` comes after `start` (both named by their documented field
/// names), where the request is received ([`Problems::add_form`]: a client leaves the order to the API).
/// Two instants, or two times on the calendar's clock, are compared; one of each is left to the server,
/// which knows the calendar's time zone.
pub(crate) fn check_order(
    problems: &mut Problems,
    start_field: &str,
    start: &CalendarTime,
    end_field: &str,
    end: &CalendarTime,
) {
    let after = match (start.date_time(), end.date_time()) {
        (Some(start), Some(end)) => end.cmp_instant(&start).is_gt(),
        (None, None) => end.cmp_on_clock(start).is_gt(),
        _ => return,
    };
    if !after {
        problems.add_form(end_field, format!("must be after `{start_field}` ({end} is not after {start})"));
    }
}

// ---------------------------------------------------------------------------------------------------
// list-calendar-events

// ---------------------------------------------------------------------------------------------------
// create-calendar-event

event_fields! {
    settable;
    /// The body of [`CreateCalendarEvent`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewCalendarEvent {
        /// Title.
        pub title: String,
        /// When it starts: an instant, or a date or date-time on the calendar's clock ([`CalendarTime`]).
        pub start_at: CalendarTime,
        /// When it ends: after `start_at`.
        pub end_at: CalendarTime,
    }
    settable {
        /// Whether it takes place (the API's default is confirmed).
        status: EventStatus,
    }
    settable {
        /// The people to invite (replacing any added with [`attendee`](Self::attendee)).
        attendees: impl IntoIterator<Item = NewEventAttendee>,
    }
}

impl NewCalendarEvent {
    /// An event with its title and time; set the rest with the chaining methods.
    pub fn new(title: impl Into<String>, start_at: impl Into<CalendarTime>, end_at: impl Into<CalendarTime>) -> Self {
        Self::with_fields(title.into(), start_at.into(), end_at.into())
    }

    /// Invites someone.
    pub fn attendee(mut self, name: impl Into<String>, email: impl Into<String>) -> Self {
        self.attendees.get_or_insert_with(Vec::new).push(NewEventAttendee::new(name, email));
        self
    }
}

impl CreateCalendarEvent {
    fn check(&self, problems: &mut Problems) {
        check_order(problems, "start_at", &self.body.start_at, "end_at", &self.body.end_at);
        check_attendees(problems, self.body.attendees.as_deref());
    }
}

/// Each attendee's email address ([`Problems::email`]), named by its place (`attendees.0.email`).
fn check_attendees(problems: &mut Problems, attendees: Option<&[NewEventAttendee]>) {
    for (i, attendee) in attendees.unwrap_or_default().iter().enumerate() {
        problems.email(&format!("attendees.{i}.email"), attendee.email.as_str());
    }
}

// ---------------------------------------------------------------------------------------------------
// update-calendar-event

event_changes! {
    settable CalendarTime;
    /// The body of [`UpdateCalendarEvent`]: the fields of [`NewCalendarEvent`], each optional; unset ones are
    /// left as they are.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CalendarEventUpdate {}
    settable {
        /// The people invited.
        attendees: impl IntoIterator<Item = NewEventAttendee>,
    }
}

impl UpdateCalendarEvent {
    fn check(&self, problems: &mut Problems) {
        // Only both ends can be compared here; the server checks a single one against the stored event.
        if let (Some(start), Some(end)) = (&self.body.start_at, &self.body.end_at) {
            check_order(problems, "start_at", start, "end_at", end);
        }
        check_attendees(problems, self.body.attendees.as_deref());
    }
}

impl AddEventAttendee {
    fn check(&self, problems: &mut Problems) {
        problems.email("email", self.body.email.as_str());
    }
}

// ---------------------------------------------------------------------------------------------------
// create-event-meeting

optional_fields! {
    /// The video meeting made for an event.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct EventMeeting {
        /// The event.
        pub event_id: EventId,
        /// The link to join.
        pub meeting_url: String,
    }
    pub fn new;
    optional {
        /// The meeting's id at the provider.
        meeting_id: String,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! calendar_events_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List the events of a calendar](https://docs.talkover.ai/api-reference/endpoints/list-calendar-events),
        /// optionally within a time range or of one status.
        ListCalendarEvents {
            id: "list-calendar-events",
            method: GET,
            path: "/api/v1/calendars/{calendar_id}/events",
            params: { calendar_id: CalendarId },
            query: ListCalendarEventsQuery {
                /// Only events starting at or after this instant (a date or a date-time without an offset
                /// is one on the calendar's clock: [`CalendarTime`](crate::time::CalendarTime)).
                from: CalendarTime,
                /// Only events ending at or before this instant.
                to: CalendarTime,
                /// Only events with this status.
                status: EventStatus,
            },
            response: ListEnvelope<CalendarEvent>,
            safe_to_repeat: true,
            handler: CalendarEvents[calendar_id]::list,
        }

        /// [Create an event](https://docs.talkover.ai/api-reference/endpoints/create-calendar-event) on a calendar.
        CreateCalendarEvent {
            id: "create-calendar-event",
            method: POST,
            path: "/api/v1/calendars/{calendar_id}/events",
            params: { calendar_id: CalendarId },
            body: NewCalendarEvent,
            response: Envelope<CalendarEvent>,
            safe_to_repeat: false,
            validate: CreateCalendarEvent::check,
            handler: CalendarEvents[calendar_id]::create(event),
        }

        /// [Get an event](https://docs.talkover.ai/api-reference/endpoints/get-calendar-event) with its attendees.
        GetCalendarEvent {
            id: "get-calendar-event",
            method: GET,
            path: "/api/v1/calendars/{calendar_id}/events/{event_id}",
            params: { calendar_id: CalendarId, event_id: EventId },
            response: Envelope<CalendarEvent>,
            safe_to_repeat: true,
            handler: CalendarEvents[calendar_id]::get,
        }

        /// [Update an event](https://docs.talkover.ai/api-reference/endpoints/update-calendar-event): only the
        /// fields set in the changes change. The answer holds the id and the fields that changed.
        UpdateCalendarEvent {
            id: "update-calendar-event",
            method: PUT,
            path: "/api/v1/calendars/{calendar_id}/events/{event_id}",
            params: { calendar_id: CalendarId, event_id: EventId },
            body: CalendarEventUpdate,
            response: Envelope<UpdatedCalendarEvent>,
            safe_to_repeat: true,
            validate: UpdateCalendarEvent::check,
            handler: CalendarEvents[calendar_id]::update(update),
        }

        /// [Delete an event](https://docs.talkover.ai/api-reference/endpoints/delete-calendar-event). Attendees of a
        /// confirmed event are told.
        DeleteCalendarEvent {
            id: "delete-calendar-event",
            method: DELETE,
            path: "/api/v1/calendars/{calendar_id}/events/{event_id}",
            params: { calendar_id: CalendarId, event_id: EventId },
            response: Ack,
            safe_to_repeat: true,
            handler: CalendarEvents[calendar_id]::delete,
        }

        /// [Make a video meeting link for an event](https://docs.talkover.ai/api-reference/endpoints/create-event-meeting)
        /// through the calendar's connected provider; the link is also stored as the event's `meeting_url`.
        CreateEventMeeting {
            id: "create-event-meeting",
            method: POST,
            path: "/api/v1/calendars/{calendar_id}/events/{event_id}/meeting",
            params: { calendar_id: CalendarId, event_id: EventId },
            response: Envelope<EventMeeting>,
            safe_to_repeat: false,
            handler: CalendarEvents[calendar_id]::create_meeting,
        }

        /// [Add an attendee to an event](https://docs.talkover.ai/api-reference/endpoints/add-event-attendee).
        AddEventAttendee {
            id: "add-event-attendee",
            method: POST,
            path: "/api/v1/calendars/{calendar_id}/events/{event_id}/attendees",
            params: { calendar_id: CalendarId, event_id: EventId },
            body: NewEventAttendee,
            response: Envelope<EventAttendee>,
            safe_to_repeat: false,
            validate: AddEventAttendee::check,
            handler: EventAttendees[calendar_id, event_id]::add(attendee),
        }

        /// [Remove an attendee from an event](https://docs.talkover.ai/api-reference/endpoints/remove-event-attendee).
        RemoveEventAttendee {
            id: "remove-event-attendee",
            method: DELETE,
            path: "/api/v1/calendars/{calendar_id}/events/{event_id}/attendees/{attendee_id}",
            params: { calendar_id: CalendarId, event_id: EventId, attendee_id: AttendeeId },
            response: Ack,
            safe_to_repeat: true,
            handler: EventAttendees[calendar_id, event_id]::remove,
        }
        }
    };
}
calendar_events_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;
    use crate::operation::testing::{config, pairs, query_pairs, refused_on_receipt};
    use crate::Operation;

    fn at(text: &str) -> DateTime {
        DateTime::new(text).unwrap()
    }

    #[test]
    fn an_event_must_end_after_it_starts() {
        let body = NewCalendarEvent::new("Demo", at("2024-01-20T15:30:00Z"), at("2024-01-20T15:00:00Z"));
        assert_eq!(refused_on_receipt(&CreateCalendarEvent::new("c", body)), "end_at");

        let body = NewCalendarEvent::new("Demo", at("2024-01-20T16:00:00+01:00"), at("2024-01-20T15:00:00Z"));
        assert_eq!(refused_on_receipt(&CreateCalendarEvent::new("c", body)), "end_at", "equal instants are refused");

        let body = NewCalendarEvent::new("Demo", at("2024-01-20T16:00:00+01:00"), at("2024-01-20T15:30:00Z"));
        assert!(CreateCalendarEvent::new("c", body).validate_received().is_ok());

        let update = CalendarEventUpdate::new().start_at(at("2024-01-20T15:00:00Z")).end_at(at("2024-01-20T14:00:00Z"));
        assert_eq!(refused_on_receipt(&UpdateCalendarEvent::new("c", "e", update)), "end_at");
        let update = CalendarEventUpdate::new().end_at(at("2024-01-20T14:00:00Z"));
        assert!(UpdateCalendarEvent::new("c", "e", update).validate_received().is_ok());

        // Two times on the calendar's clock compare as written; one of each is left to the server, which
        // knows the calendar's time zone.
        let local = |text: &str| CalendarTime::new(text).unwrap();
        let body = NewCalendarEvent::new("Demo", local("2024-01-20T15:00:00"), local("2024-01-20T14:59:59.5"));
        assert_eq!(refused_on_receipt(&CreateCalendarEvent::new("c", body)), "end_at");
        let body = NewCalendarEvent::new("Demo", local("2024-01-20"), local("2024-01-20T00:00:00.001"));
        assert!(CreateCalendarEvent::new("c", body).validate_received().is_ok(), "a date is its midnight");
        let body = NewCalendarEvent::new("Demo", local("2024-01-20T15:00:00"), at("2024-01-20T14:00:00Z"));
        assert!(CreateCalendarEvent::new("c", body).validate_received().is_ok());

        // list-calendar-events gives `from` and `to` no order rule: the range is sent as given.
        let list = ListCalendarEvents::new("c").from(at("2024-01-22T00:00:00Z")).to(at("2024-01-15T00:00:00Z"));
        assert!(list.validate_received().is_ok());
    }

    #[test]
    fn offsets_in_the_query_are_escaped() {
        let list = ListCalendarEvents::new("c")
            .from(at("2024-01-15T00:00:00+01:00"))
            .to(at("2024-01-22T00:00:00-05:00"))
            .status(EventStatus::Tentative);
        let request = build_request(&list, &config()).unwrap();
        let query = request.uri().query().unwrap();
        assert!(query.contains("from=2024-01-15T00%3A00%3A00%2B01%3A00"), "{query}");
        let expected =
            [("from", "2024-01-15T00:00:00+01:00"), ("status", "tentative"), ("to", "2024-01-22T00:00:00-05:00")];
        assert_eq!(query_pairs(&request), pairs(&expected));
    }

    #[test]
    #[cfg(feature = "registry")]
    fn times_without_an_offset_are_sent_as_written_from_json_params_and_other_text_is_refused() {
        let op = crate::registry::operation("create-calendar-event").unwrap();
        let params = |start_at: &str| -> crate::registry::Params {
            serde_json::from_value(serde_json::json!({
                "path": {"calendar_id": "c"},
                "body": {"title": "Demo", "start_at": start_at, "end_at": "2024-01-20T15:30:00Z"}
            }))
            .unwrap()
        };
        let request = op.build_request(&params("2024-01-20T15:00:00"), &config()).unwrap();
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(body["start_at"], "2024-01-20T15:00:00");
        let err = op.build_request(&params("2024-01-20 15:00"), &config()).unwrap_err();
        assert_eq!(crate::operation::testing::field_of(err).as_deref(), Some("body.start_at"));
    }

    #[test]
    fn attendees_are_added_under_the_event() {
        let op = AddEventAttendee::new("cal", "ev", NewEventAttendee::new("Jane Doe", "jane@acme.com"));
        let request = build_request(&op, &config()).unwrap();
        assert_eq!(request.uri().path(), "/api/v1/calendars/cal/events/ev/attendees");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(request.body()).unwrap(),
            serde_json::json!({"name": "Jane Doe", "email": "jane@acme.com"})
        );
    }

    /// An attendee's address is the API's to judge: sent as given, refused where the request is received,
    /// named by its place in an event's list.
    #[test]
    fn an_attendee_without_an_email_address_is_refused_on_receipt() {
        let op = AddEventAttendee::new("cal", "ev", NewEventAttendee::new("Jane Doe", "jane at acme.com"));
        assert_eq!(refused_on_receipt(&op), "email");
        let body = NewCalendarEvent::new("Demo", at("2024-01-20T15:00:00Z"), at("2024-01-20T15:30:00Z"))
            .attendee("Jane", "jane@acme.com")
            .attendee("Bob", "bob@");
        assert_eq!(refused_on_receipt(&CreateCalendarEvent::new("c", body)), "attendees.1.email");
        let update = CalendarEventUpdate::new().attendees([NewEventAttendee::new("Bob", "")]);
        assert_eq!(refused_on_receipt(&UpdateCalendarEvent::new("c", "e", update)), "attendees.0.email");
    }
}
