//! Calendars, their members, events, availability rules and provider connections.
//!
//! From the `talkover` crate, these operations run through `client.calendars()` (`Calendars`) and the
//! handlers it leads to: the methods of `talkover::resources`, on either client. The types here are what
//! those methods take and give.
//!
//! This module holds the calendars themselves, events across several calendars at once, and provider
//! syncs across all calendars; the submodules hold what belongs to one calendar.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-calendars> and the pages beside it.

pub mod availability;
pub mod events;
pub mod members;
pub mod providers;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use self::events::CalendarEvent;
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::UserId;
use crate::macros::optional_fields;
use crate::operation::Operation as _;
use crate::time::CalendarTime;
use crate::validate::{self, Problems};
use crate::Timestamp;

pub use crate::ids::CalendarId;

optional_fields! {
    /// A calendar.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Calendar {
        /// The calendar's id.
        pub id: CalendarId,
        /// Its name.
        pub name: String,
    }
    pub fn new;
    optional {
        /// Its IANA time zone (`America/New_York`).
        timezone: String,
        /// The user who owns it.
        owner_id: UserId,
        /// Free-form data the caller attached.
        metadata: Value,
        /// When it was created.
        created_at: Timestamp,
        /// When it last changed.
        updated_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// list-calendars

impl ListCalendars {
    /// How many calendars one answer holds when `per_page` is not given (the page's default). The list has
    /// no pages: an answer holding this many (or the `per_page` asked for) may have left some out, which
    /// only a larger `per_page`, up to 100, reaches.
    pub const DEFAULT_PER_PAGE: u32 = 25;

    fn check(&self, problems: &mut Problems) {
        problems.check(validate::pagination(Self::ID, self.query.per_page, None));
    }
}

// ---------------------------------------------------------------------------------------------------
// create-calendar

optional_fields! {
    /// The body of [`CreateCalendar`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewCalendar {
        /// Its name (up to 255 characters).
        pub name: String,
        /// The user who will own it.
        pub owner_id: UserId,
    }
    /// A calendar with a name and an owner.
    pub fn new;
    settable {
        /// Its IANA time zone (the API's default is the environment's).
        timezone: impl Into<String>,
        /// Free-form data to attach, as its keys and values (`[("team", "sales")]`, values of any JSON, or a
        /// whole `serde_json::Map`): an object, as the page types it.
        metadata: impl IntoIterator<Item = (impl Into<String>, impl Into<Value>)>,
    }
}

impl CreateCalendar {
    fn check(&self, problems: &mut Problems) {
        problems.length("name", self.body.name.as_str(), 1, 255);
    }
}

// ---------------------------------------------------------------------------------------------------
// update-calendar

optional_fields! {
    /// The body of [`UpdateCalendar`]: the fields to change; unset ones are left as they are.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CalendarUpdate {}
    settable {
        /// A new name (up to 255 characters).
        name: impl Into<String>,
        /// A new IANA time zone.
        timezone: impl Into<String>,
        /// New free-form data, as its keys and values (or a whole `serde_json::Map`): an object, as the
        /// page types it.
        metadata: impl IntoIterator<Item = (impl Into<String>, impl Into<Value>)>,
    }
}

optional_fields! {
    /// What the API gives back after [`UpdateCalendar`]: the calendar's id and the fields that changed (the
    /// page's example holds its name and `updated_at` alone).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct UpdatedCalendar {
        /// The calendar's id.
        pub id: CalendarId,
    }
    pub fn new;
    optional {
        /// Its name.
        name: String,
        /// Its IANA time zone.
        timezone: String,
        /// The user who owns it.
        owner_id: UserId,
        /// Free-form data the caller attached.
        metadata: Value,
        /// When it changed.
        updated_at: Timestamp,
    }
}

impl UpdateCalendar {
    fn check(&self, problems: &mut Problems) {
        // The limit is documented on create; a name the API would refuse there is refused here too.
        problems.length("name", self.body.name.as_deref(), 1, 255);
    }
}

// ---------------------------------------------------------------------------------------------------
// get-calendar-events-batch

optional_fields! {
    /// The calendars and time window of [`GetCalendarEventsBatch`].
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CalendarEventsBatchQuery {
        /// The calendars (at least one), sent as `calendar_ids[]` once per calendar.
        #[serde(default)]
        pub calendar_ids: Vec<CalendarId>,
    }
    optional {
        /// Only events starting at or after this instant (a date or a date-time without an offset is one
        /// on each calendar's clock: [`CalendarTime`]).
        from: CalendarTime,
        /// Only events ending at or before this instant.
        to: CalendarTime,
    }
}

impl GetCalendarEventsBatch {
    /// The events of these calendars.
    pub fn new<I: Into<CalendarId>>(calendar_ids: impl IntoIterator<Item = I>) -> Self {
        Self {
            query: CalendarEventsBatchQuery {
                calendar_ids: calendar_ids.into_iter().map(Into::into).collect(),
                from: None,
                to: None,
            },
        }
    }

    fn check(&self, problems: &mut Problems) {
        let q = &self.query;
        if q.calendar_ids.is_empty() {
            problems.add("calendar_ids", "must name at least one calendar");
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// trigger-calendars-sync, get-calendars-sync-status

/// Which calendars a sync started for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CalendarsSync {
    /// Calendars now syncing.
    #[serde(default)]
    pub syncing: Vec<CalendarId>,
    /// Calendars that needed no sync.
    #[serde(default)]
    pub up_to_date: Vec<CalendarId>,
}

optional_fields! {
    /// Where one calendar's provider sync stands.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CalendarSyncStatus {
        /// The calendar.
        pub calendar_id: CalendarId,
        /// Whether a sync is running.
        pub is_syncing: bool,
    }
    pub fn new;
    optional {
        /// The provider it syncs with, by the identifier the environment's configuration gives it.
        provider: String,
        /// When the last sync finished (absent before the first).
        last_sync_at: Timestamp,
        /// Events brought in by syncing.
        events_synced: u64,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! calendars_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List calendars](https://docs.talkover.ai/api-reference/endpoints/list-calendars) of the environment.
        ListCalendars {
            id: "list-calendars",
            method: GET,
            path: "/api/v1/calendars",
            query: ListCalendarsQuery {
                /// Items per page, 1 to 100 (the API's default is 25).
                per_page: u32,
            },
            response: ListEnvelope<Calendar>,
            safe_to_repeat: true,
            validate: ListCalendars::check,
            handler: Calendars::list,
        }

        /// [Create a calendar](https://docs.talkover.ai/api-reference/endpoints/create-calendar).
        CreateCalendar {
            id: "create-calendar",
            method: POST,
            path: "/api/v1/calendars",
            body: NewCalendar,
            response: Envelope<Calendar>,
            safe_to_repeat: false,
            validate: CreateCalendar::check,
            handler: Calendars::create(calendar),
        }

        /// [Get a calendar](https://docs.talkover.ai/api-reference/endpoints/get-calendar).
        GetCalendar {
            id: "get-calendar",
            method: GET,
            path: "/api/v1/calendars/{calendar_id}",
            params: { calendar_id: CalendarId },
            response: Envelope<Calendar>,
            safe_to_repeat: true,
            handler: Calendars::get,
        }

        /// [Delete a calendar](https://docs.talkover.ai/api-reference/endpoints/delete-calendar) for good, with its
        /// events, members, availability rules and provider connections.
        DeleteCalendar {
            id: "delete-calendar",
            method: DELETE,
            path: "/api/v1/calendars/{calendar_id}",
            params: { calendar_id: CalendarId },
            response: Ack,
            safe_to_repeat: true,
            handler: Calendars::delete,
        }

        /// [Update a calendar](https://docs.talkover.ai/api-reference/endpoints/update-calendar): its name, time
        /// zone or metadata. The answer holds the id and the fields that changed.
        UpdateCalendar {
            id: "update-calendar",
            method: PUT,
            path: "/api/v1/calendars/{calendar_id}",
            params: { calendar_id: CalendarId },
            body: CalendarUpdate,
            response: Envelope<UpdatedCalendar>,
            safe_to_repeat: true,
            validate: UpdateCalendar::check,
            handler: Calendars::update(update),
        }

        /// [Get the events of several calendars](https://docs.talkover.ai/api-reference/endpoints/get-calendar-events-batch)
        /// (at least one) in one call, optionally within a time window.
        GetCalendarEventsBatch {
            id: "get-calendar-events-batch",
            method: GET,
            path: "/api/v1/calendars/events",
            query_type: CalendarEventsBatchQuery => {
                /// Only events starting at or after `from`.
                from: CalendarTime,
                /// Only events ending at or before `to`.
                to: CalendarTime,
            },
            response: ListEnvelope<CalendarEvent>,
            safe_to_repeat: true,
            validate: GetCalendarEventsBatch::check,
            constructor: manual,
            handler: Calendars::events_batch(calendar_ids: impl IntoIterator<Item = impl Into<CalendarId>>),
        }

        /// [Sync every calendar with its providers](https://docs.talkover.ai/api-reference/endpoints/trigger-calendars-sync).
        /// The sync runs in the background; follow it with [`GetCalendarsSyncStatus`]
        /// (`client.calendars().sync_status()`).
        TriggerCalendarsSync {
            id: "trigger-calendars-sync",
            method: POST,
            path: "/api/v1/calendars/sync",
            response: Envelope<CalendarsSync>,
            safe_to_repeat: false,
            handler: Calendars::sync,
        }

        /// [Get the sync status of calendars](https://docs.talkover.ai/api-reference/endpoints/get-calendars-sync-status)
        /// that have a provider connection.
        GetCalendarsSyncStatus {
            id: "get-calendars-sync-status",
            method: GET,
            path: "/api/v1/calendars/sync-status",
            response: ListEnvelope<CalendarSyncStatus>,
            safe_to_repeat: true,
            handler: Calendars::sync_status,
        }
        }
    };
}
calendars_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::build_request;
    use crate::operation::testing::config;
    use crate::time::DateTime;
    use crate::ErrorKind;

    /// A calendar's metadata goes out as the object its keys and values make, on create and on update.
    #[test]
    fn metadata_is_sent_as_an_object() {
        let new = NewCalendar::new("Sales", "user-1").metadata([("team", "sales")]).metadata([("floor", 3)]);
        let sent: Value =
            serde_json::from_slice(build_request(&CreateCalendar::new(new), &config()).unwrap().body()).unwrap();
        assert_eq!(sent["metadata"], serde_json::json!({ "floor": 3 }), "the last call sets it whole");
        let update =
            CalendarUpdate::new().metadata(serde_json::json!({ "team": "support" }).as_object().unwrap().clone());
        let sent: Value =
            serde_json::from_slice(build_request(&UpdateCalendar::new("cal-1", update), &config()).unwrap().body())
                .unwrap();
        assert_eq!(sent["metadata"], serde_json::json!({ "team": "support" }));
    }

    #[test]
    fn batch_events_repeat_calendar_ids_and_escape_offsets() {
        let op = GetCalendarEventsBatch::new(["cal-1", "cal/2"])
            .from(DateTime::new("2024-01-15T00:00:00+02:00").unwrap())
            .to(DateTime::new("2024-01-22T00:00:00Z").unwrap());
        let request = build_request(&op, &config()).unwrap();
        assert_eq!(
            request.uri(),
            "https://app.talkover.ai/api/v1/calendars/events\
             ?calendar_ids%5B%5D=cal-1&calendar_ids%5B%5D=cal%2F2\
             &from=2024-01-15T00%3A00%3A00%2B02%3A00&to=2024-01-22T00%3A00%3A00Z"
        );
        let pairs = crate::encode::parse_query(request.uri().query().unwrap());
        assert_eq!(pairs[0], ("calendar_ids[]".to_owned(), "cal-1".to_owned()));
        assert_eq!(pairs[1], ("calendar_ids[]".to_owned(), "cal/2".to_owned()));
        assert_eq!(pairs[2], ("from".to_owned(), "2024-01-15T00:00:00+02:00".to_owned()));
    }

    #[test]
    fn batch_events_need_calendars_and_send_the_window_as_given() {
        let none: [&str; 0] = [];
        let err = build_request(&GetCalendarEventsBatch::new(none), &config()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("`calendar_ids`"), "{err}");

        let backwards = GetCalendarEventsBatch::new(["cal-1"])
            .from(DateTime::new("2024-01-15T10:00:00Z").unwrap())
            .to(DateTime::new("2024-01-15T11:00:00+02:00").unwrap());
        assert!(build_request(&backwards, &config()).is_ok(), "the page gives the window no order rule");

        // "ISO 8601": a date and a time without an offset are sent as written; a time without seconds or
        // an offset without its colon in the extended form; other text is refused when a caller's JSON
        // becomes the typed operation.
        let short =
            serde_json::json!({"calendar_ids": ["cal-1"], "from": "2024-01-15T09:30", "to": "2024-01-15T18:00+0530"});
        let query = serde_json::from_value::<CalendarEventsBatchQuery>(short).unwrap();
        assert_eq!(query.from.as_ref().map(CalendarTime::as_str), Some("2024-01-15T09:30:00"));
        assert_eq!(query.to.as_ref().map(CalendarTime::as_str), Some("2024-01-15T18:00:00+05:30"));
        let untyped = serde_json::json!({"calendar_ids": ["cal-1"], "from": "2024-01-15", "to": "2024-01-22T09:30:00"});
        let query = serde_json::from_value::<CalendarEventsBatchQuery>(untyped).unwrap();
        let request = build_request(&GetCalendarEventsBatch { query }, &config()).unwrap();
        let pairs = crate::encode::parse_query(request.uri().query().unwrap());
        assert_eq!(
            pairs[1..],
            [("from".to_owned(), "2024-01-15".to_owned()), ("to".to_owned(), "2024-01-22T09:30:00".to_owned())]
        );
        for text in ["2024-01-15T9:30", "15/01/2024", "2024-01-15 09:30:00", "2024-02-30", "2024-01-15T09:30:00+2"] {
            let untyped = serde_json::json!({"calendar_ids": ["cal-1"], "from": text});
            assert!(serde_json::from_value::<CalendarEventsBatchQuery>(untyped).is_err(), "{text}");
        }
    }

    #[test]
    fn calendar_names_and_page_sizes_are_bounded() {
        let long = "x".repeat(256);
        let err =
            build_request(&CreateCalendar::new(NewCalendar::new(long.as_str(), "user-1")), &config()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("`name`"), "{err}");
        let err = build_request(&UpdateCalendar::new("cal-1", CalendarUpdate::new().name("")), &config()).unwrap_err();
        assert!(err.to_string().contains("`name`"), "{err}");
        let err = build_request(&ListCalendars::new().per_page(101), &config()).unwrap_err();
        assert!(err.to_string().contains("`per_page`"), "{err}");
        let request = build_request(
            &CreateCalendar::new(NewCalendar::new("Sales", "user-1").timezone("America/New_York")),
            &config(),
        )
        .unwrap();
        let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(body, serde_json::json!({"name": "Sales", "timezone": "America/New_York", "owner_id": "user-1"}));
    }
}
