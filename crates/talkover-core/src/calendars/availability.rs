//! Availability rules of a calendar (recurring weekly windows and exception dates), and the free slots
//! they leave.
//!
//! Rule values are typed the way the API writes them: weekdays as [`Weekday`] (`1` = Monday … `7` =
//! Sunday), hours as [`TimeOfDay`] (`HH:MM`, read in the rule's `timezone`, or the calendar's), dates as
//! [`Date`] (`YYYY-MM-DD`), and the range of a slot query as [`CalendarTime`]s: a
//! [`DateTime`] with an explicit offset, or a date or date-time on the calendar's own clock.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::calendars::availability::{
//!     AvailabilityException, CreateAvailabilityRule, QueryAvailability, RecurringAvailability, TimeOfDay, Weekday,
//! };
//! use talkover::time::{Date, DateTime};
//!
//! // Open Monday to Friday, 09:00 to 17:00 New York time; closed on Christmas Day.
//! let hours = RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, TimeOfDay::new(9, 0)?, "17:00".parse()?)
//!     .timezone("America/New_York");
//! let open = CreateAvailabilityRule::new("calendar-uuid", hours);
//! let christmas = AvailabilityException::new(Date::new("2024-12-25")?, false);
//! let closed = CreateAvailabilityRule::new("calendar-uuid", christmas);
//!
//! // The 45-minute slots left free in a week.
//! let from = DateTime::new("2024-01-15T00:00:00-05:00")?;
//! let to = DateTime::new("2024-01-22T00:00:00-05:00")?;
//! let slots = QueryAvailability::new("calendar-uuid", from, to).duration_minutes(45);
//! # let _ = (open, closed, slots);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-availability-rules> and the pages beside
//! it.

use serde::{Deserialize, Serialize};

use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::CalendarId;
use crate::macros::{optional_fields, string_enum};
use crate::time::{CalendarTime, Date, DateTime};
pub use crate::time::{TimeOfDay, TimeOfDayError, Weekday};
use crate::validate::Problems;

pub use crate::ids::AvailabilityRuleId;

string_enum! {
    /// What an availability rule is.
    pub enum AvailabilityRuleType {
        /// A window repeated every week on some weekdays.
        Recurring = "recurring",
        /// One date, made available or blocked whatever the recurring rules say.
        Exception = "exception",
    }
}

/// Declares a struct with the rule fields [`AvailabilityRule`], [`AvailabilityRuleUpdate`] and the update's
/// answer share, each written once, after the struct's own fields; `settable` gives the body its setters.
macro_rules! rule_fields {
    ($kind:ident; $($item:tt)*) => {
        optional_fields! {
            $($item)*
            $kind {
                /// The weekdays a recurring window applies to (at least one).
                days_of_week(days): impl IntoIterator<Item = Weekday>,
            }
            $kind {
                /// When a recurring window opens.
                start_time: TimeOfDay,
                /// When a recurring window closes (no order rule: a window past midnight closes the next
                /// day).
                end_time: TimeOfDay,
                /// The IANA time zone the hours are read in (`America/New_York`); absent means the
                /// calendar's.
                timezone: impl Into<String>,
                /// The date of an exception.
                date: Date,
                /// Whether an exception date is open (`true`) or blocked (`false`).
                available: bool,
            }
        }
    };
}

rule_fields! {
    optional;
    /// An availability rule as the API returns it. Which fields are set depends on the rule's type: a
    /// recurring rule has weekdays, hours and perhaps a time zone; an exception has a date and whether it is
    /// available.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AvailabilityRule {
        /// The rule's id.
        pub id: AvailabilityRuleId,
        /// Recurring or exception.
        #[serde(rename = "type")]
        pub rule_type: AvailabilityRuleType,
    }
    pub fn new;
}

rule_fields! {
    optional;
    /// What the API gives back after [`UpdateAvailabilityRule`]: the rule's id and the fields that changed.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct UpdatedAvailabilityRule {
        /// The rule's id.
        pub id: AvailabilityRuleId,
    }
    pub fn new;
    optional {
        /// Recurring or exception.
        #[serde(rename = "type")]
        rule_type: AvailabilityRuleType,
    }
}

fn check_days(problems: &mut Problems, days: &[Weekday]) {
    if days.is_empty() {
        problems.add("days_of_week", "must list at least one weekday");
    }
}

// ---------------------------------------------------------------------------------------------------
// create-availability-rule

optional_fields! {
    /// A weekly window: open on `days_of_week` from `start_time` to `end_time`.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct RecurringAvailability {
        /// The weekdays it applies to (at least one).
        pub days_of_week: Vec<Weekday>,
        /// When the window opens.
        pub start_time: TimeOfDay,
        /// When it closes. The page gives no order rule, so a window that closes past midnight (`22:00` to
        /// `02:00`) is sent as it is.
        pub end_time: TimeOfDay,
    }
    settable {
        /// The IANA time zone of the hours (`America/New_York`); the calendar's when unset.
        timezone: impl Into<String>,
    }
}

impl RecurringAvailability {
    /// A window on the given weekdays, in the calendar's time zone unless [`Self::timezone`] is set.
    pub fn new(days_of_week: impl IntoIterator<Item = Weekday>, start_time: TimeOfDay, end_time: TimeOfDay) -> Self {
        Self { days_of_week: days_of_week.into_iter().collect(), start_time, end_time, timezone: None }
    }
}

/// One date made available, or blocked, whatever the recurring windows say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AvailabilityException {
    /// The date.
    pub date: Date,
    /// `true` to open the date, `false` to block it (a holiday).
    pub available: bool,
}

impl AvailabilityException {
    /// An exception for a date.
    pub fn new(date: Date, available: bool) -> Self {
        Self { date, available }
    }
}

/// The body of [`CreateAvailabilityRule`]: a recurring window or an exception date, sent with its `type`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NewAvailabilityRule {
    /// `"type": "recurring"`.
    Recurring(RecurringAvailability),
    /// `"type": "exception"`.
    Exception(AvailabilityException),
}

impl From<RecurringAvailability> for NewAvailabilityRule {
    fn from(rule: RecurringAvailability) -> Self {
        Self::Recurring(rule)
    }
}

impl From<AvailabilityException> for NewAvailabilityRule {
    fn from(rule: AvailabilityException) -> Self {
        Self::Exception(rule)
    }
}

impl CreateAvailabilityRule {
    fn check(&self, problems: &mut Problems) {
        if let NewAvailabilityRule::Recurring(rule) = &self.body {
            check_days(problems, &rule.days_of_week);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// update-availability-rule

rule_fields! {
    settable;
    /// The body of [`UpdateAvailabilityRule`]: the fields of a rule, each optional; unset ones are left as
    /// they are.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AvailabilityRuleUpdate {}
    settable {
        /// New type.
        #[serde(rename = "type")]
        rule_type: AvailabilityRuleType,
    }
}

impl UpdateAvailabilityRule {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        if let Some(days) = &b.days_of_week {
            check_days(problems, days);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// query-availability

optional_fields! {
    /// The range and slot length of [`QueryAvailability`]. Both ends are required, so this query has no
    /// default.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AvailabilityQuery {
        /// Where the range starts.
        pub from: CalendarTime,
        /// Where it ends: after `from`.
        pub to: CalendarTime,
    }
    pub fn new;
    optional {
        /// Slot length in minutes, at least 1 (the API's default is 30).
        duration_minutes: u32,
    }
}

impl QueryAvailability {
    /// The free slots between `from` and `to`, of the API's default length.
    pub fn new(calendar_id: impl Into<CalendarId>, from: impl Into<CalendarTime>, to: impl Into<CalendarTime>) -> Self {
        let (from, to) = (from.into(), to.into());
        Self { calendar_id: calendar_id.into(), query: AvailabilityQuery { from, to, duration_minutes: None } }
    }

    fn check(&self, problems: &mut Problems) {
        // The page gives `from` and `to` no order rule (a range that ends first holds no slot).
        problems.range("duration_minutes", self.query.duration_minutes, 1, u32::MAX);
    }
}

optional_fields! {
    /// A free slot of a calendar: a start and end that can be given to
    /// [`NewCalendarEvent::new`](super::events::NewCalendarEvent::new) as they are.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AvailableSlot {
        /// When the slot starts.
        pub start_at: DateTime,
        /// When it ends.
        pub end_at: DateTime,
    }
    pub fn new;
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! calendar_availability_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List the availability rules of a calendar](https://docs.talkover.ai/api-reference/endpoints/list-availability-rules):
        /// its weekly windows and exception dates.
        ListAvailabilityRules {
            id: "list-availability-rules",
            method: GET,
            path: "/api/v1/calendars/{calendar_id}/availability-rules",
            params: { calendar_id: CalendarId },
            response: ListEnvelope<AvailabilityRule>,
            safe_to_repeat: true,
            handler: CalendarAvailability[calendar_id]::list,
        }

        /// [Add an availability rule to a calendar](https://docs.talkover.ai/api-reference/endpoints/create-availability-rule):
        /// a weekly window ([`RecurringAvailability`](crate::calendars::availability::RecurringAvailability)) or
        /// an exception date ([`AvailabilityException`](crate::calendars::availability::AvailabilityException)).
        CreateAvailabilityRule {
            id: "create-availability-rule",
            method: POST,
            path: "/api/v1/calendars/{calendar_id}/availability-rules",
            params: { calendar_id: CalendarId },
            body: NewAvailabilityRule,
            response: Envelope<AvailabilityRule>,
            safe_to_repeat: false,
            validate: CreateAvailabilityRule::check,
            handler: CalendarAvailability[calendar_id]::create(rule),
        }

        /// [Update an availability rule](https://docs.talkover.ai/api-reference/endpoints/update-availability-rule):
        /// only the fields set in the changes change. The answer holds the id and the fields that changed.
        UpdateAvailabilityRule {
            id: "update-availability-rule",
            method: PUT,
            path: "/api/v1/calendars/{calendar_id}/availability-rules/{rule_id}",
            params: { calendar_id: CalendarId, rule_id: AvailabilityRuleId },
            body: AvailabilityRuleUpdate,
            response: Envelope<UpdatedAvailabilityRule>,
            safe_to_repeat: true,
            validate: UpdateAvailabilityRule::check,
            handler: CalendarAvailability[calendar_id]::update(update),
        }

        /// [Delete an availability rule](https://docs.talkover.ai/api-reference/endpoints/delete-availability-rule).
        DeleteAvailabilityRule {
            id: "delete-availability-rule",
            method: DELETE,
            path: "/api/v1/calendars/{calendar_id}/availability-rules/{rule_id}",
            params: { calendar_id: CalendarId, rule_id: AvailabilityRuleId },
            response: Ack,
            safe_to_repeat: true,
            handler: CalendarAvailability[calendar_id]::delete,
        }

        /// [Compute the free slots of a calendar](https://docs.talkover.ai/api-reference/endpoints/query-availability)
        /// between `from` and `to`: inside its recurring windows, outside its events and blocked dates. The
        /// slot length is a query parameter (`duration_minutes`).
        QueryAvailability {
            id: "query-availability",
            method: GET,
            path: "/api/v1/calendars/{calendar_id}/availability",
            params: { calendar_id: CalendarId },
            query_type: AvailabilityQuery => {
                /// Slot length in minutes, at least 1 (the API's default is 30).
                duration_minutes: u32,
            },
            response: ListEnvelope<AvailableSlot>,
            safe_to_repeat: true,
            validate: QueryAvailability::check,
            constructor: manual,
            handler: CalendarAvailability[calendar_id]::query(from: impl Into<CalendarTime>, to: impl Into<CalendarTime>),
        }
        }
    };
}
calendar_availability_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build_request;
    use crate::operation::testing::{config, field_of, pairs, query_pairs};
    use serde_json::json;

    fn hm(text: &str) -> TimeOfDay {
        text.parse().unwrap()
    }

    #[test]
    fn times_of_day_are_strict_hh_mm() {
        assert_eq!(hm("09:05"), TimeOfDay::new(9, 5).unwrap());
        assert_eq!(hm("23:59").to_string(), "23:59");
        assert_eq!(format!("{:?}", hm("00:00")), "TimeOfDay(00:00)");
        assert!(hm("09:00") < hm("17:00"));
        for bad in ["9:00", "09:0", "24:00", "12:60", "09:00:00", "0900", "09.00", "+9:00", "", "０9:00"] {
            let err = bad.parse::<TimeOfDay>().unwrap_err();
            assert_eq!(err.input(), bad);
        }
        assert!(TimeOfDay::new(24, 0).is_err());
        assert_eq!(serde_json::to_value(hm("17:30")).unwrap(), json!("17:30"));
        assert!(serde_json::from_value::<TimeOfDay>(json!("7:30")).is_err());
    }

    #[test]
    fn weekdays_are_numbers_from_monday() {
        assert_eq!(serde_json::to_value(Weekday::MONDAY_TO_FRIDAY).unwrap(), json!([1, 2, 3, 4, 5]));
        assert_eq!(serde_json::from_value::<Weekday>(json!(7)).unwrap(), Weekday::Sunday);
        for bad in [json!(0), json!(8), json!(-1), json!("1"), json!(1.5)] {
            assert!(serde_json::from_value::<Weekday>(bad.clone()).is_err(), "{bad}");
        }
        assert_eq!(Weekday::from_number(3), Some(Weekday::Wednesday));
        assert_eq!(Weekday::from_number(0), None);
    }

    #[test]
    fn rules_are_sent_with_their_type() {
        let rule =
            RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, hm("09:00"), hm("17:00")).timezone("Europe/Paris");
        let request = build_request(&CreateAvailabilityRule::new("c", rule), &config()).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(request.body()).unwrap(),
            json!({"type": "recurring", "days_of_week": [1, 2, 3, 4, 5], "start_time": "09:00",
                   "end_time": "17:00", "timezone": "Europe/Paris"})
        );
        let holiday = AvailabilityException::new(Date::new("2024-12-25").unwrap(), false);
        let request = build_request(&CreateAvailabilityRule::new("c", holiday), &config()).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(request.body()).unwrap(),
            json!({"type": "exception", "date": "2024-12-25", "available": false})
        );
    }

    #[test]
    fn bad_rules_are_refused_before_sending() {
        let empty = RecurringAvailability::new([], hm("09:00"), hm("17:00"));
        let err = build_request(&CreateAvailabilityRule::new("c", empty), &config()).unwrap_err();
        assert_eq!(field_of(err).as_deref(), Some("days_of_week"));

        // The page gives a window no order rule: one that closes after midnight (22:00 to 02:00) is sent.
        let overnight = RecurringAvailability::new([Weekday::Friday], hm("22:00"), hm("02:00"));
        assert!(build_request(&CreateAvailabilityRule::new("c", overnight), &config()).is_ok());
        let update = AvailabilityRuleUpdate::new().start_time(hm("10:00")).end_time(hm("10:00"));
        assert!(build_request(&UpdateAvailabilityRule::new("c", "r", update), &config()).is_ok());
        let update = AvailabilityRuleUpdate::new().days_of_week([]);
        let err = build_request(&UpdateAvailabilityRule::new("c", "r", update), &config()).unwrap_err();
        assert_eq!(field_of(err).as_deref(), Some("days_of_week"));
        let update = AvailabilityRuleUpdate::new().end_time(hm("18:00"));
        assert!(build_request(&UpdateAvailabilityRule::new("c", "r", update), &config()).is_ok());

        // From JSON: a weekday outside 1..=7, an unknown rule type and an impossible date never make a body.
        for body in [
            json!({"type": "recurring", "days_of_week": [0], "start_time": "09:00", "end_time": "17:00"}),
            json!({"type": "weekly", "days_of_week": [1], "start_time": "09:00", "end_time": "17:00"}),
            json!({"type": "exception", "date": "2024-02-30", "available": false}),
        ] {
            assert!(serde_json::from_value::<NewAvailabilityRule>(body.clone()).is_err(), "{body}");
        }
    }

    #[test]
    fn slot_queries_are_sent_as_given_with_a_slot_length_of_a_minute_or_more() {
        let from = DateTime::new("2024-01-15T00:00:00+01:00").unwrap();
        let to = DateTime::new("2024-01-22T00:00:00Z").unwrap();
        let op = QueryAvailability::new("c", from.clone(), to.clone()).duration_minutes(45);
        let request = build_request(&op, &config()).unwrap();
        let query = request.uri().query().unwrap();
        assert!(query.contains("%2B01%3A00"), "{query}");
        let expected =
            [("duration_minutes", "45"), ("from", "2024-01-15T00:00:00+01:00"), ("to", "2024-01-22T00:00:00Z")];
        assert_eq!(query_pairs(&request), pairs(&expected));

        // No order rule on the page: a range that ends first is the server's to answer (with no slot).
        assert!(build_request(&QueryAvailability::new("c", to.clone(), from.clone()), &config()).is_ok());
        let err = build_request(&QueryAvailability::new("c", from, to).duration_minutes(0), &config()).unwrap_err();
        assert_eq!(field_of(err).as_deref(), Some("duration_minutes"));
    }
}
