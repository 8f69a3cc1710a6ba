//! Campaigns: batches of outbound calls with schedules, retries and do-not-call rules.
//!
//! From the `talkover` crate, these operations run through `client.campaigns()` (`Campaigns`): the methods
//! of `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-campaigns> and the pages beside it.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::campaigns::{CallTimeRange, CampaignType, CreateCampaign, NewCampaign, NewCampaignRequired};
//! use talkover::time::{Date, Weekday};
//! use talkover::{build_request, ClientConfig};
//!
//! let campaign = NewCampaign::new(NewCampaignRequired {
//!     name: "Sales Campaign Q1".into(),
//!     campaign_type: CampaignType::Sales,
//!     agent_id: "agent-uuid-1".into(),
//!     start_date: Date::new("2024-01-01").unwrap(),
//!     days_of_week: Weekday::MONDAY_TO_FRIDAY.to_vec(),
//!     call_time_ranges: vec![CallTimeRange::parse("09:00", "17:00").unwrap()],
//!     timezone: "America/New_York".into(),
//! })
//! .max_retries(3);
//! let request = build_request(&CreateCampaign::new(campaign), &ClientConfig::new("talq_example").unwrap());
//! assert!(request.is_ok());
//! ```

use serde::{Deserialize, Serialize};

use crate::calls::{AgentSummary, CallStatus, CampaignCall};
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::{AgentId, PhoneNumberId};
use crate::macros::{optional_fields, string_enum};
pub use crate::time::Weekday;
use crate::time::{Date, TimeOfDay, TimeOfDayError};
use crate::validate::{self, Problems};
use crate::Timestamp;

pub use crate::campaign_status::{CampaignStatus, CampaignSummary};
pub use crate::ids::{CampaignFileId, CampaignId};

string_enum! {
    /// What a campaign is for.
    pub enum CampaignType {
        /// Sales outreach.
        Sales = "sales",
        /// Following up earlier contacts.
        FollowUp = "follow_up",
        /// Reminders.
        Reminder = "reminder",
        /// Anything else.
        Custom = "custom",
    }
}

string_enum! {
    /// Which do-not-call list a campaign checks.
    pub enum DoNotCallListSource {
        /// The list shared by every campaign of the environment.
        Environment = "environment",
        /// The platform-wide list.
        Global = "global",
        /// The campaign's own `do_not_call_custom_list`.
        Custom = "custom",
        /// The campaign's own list, as get-campaign names it.
        Campaign = "campaign",
    }
}

string_enum! {
    /// How far the processing of an uploaded contact file has gone.
    pub enum CampaignFileStatus {
        /// Still uploading.
        Uploading = "uploading",
        /// Being read.
        Processing = "processing",
        /// Read.
        Processed = "processed",
        /// Could not be read.
        Failed = "failed",
    }
}

/// A daily window in which a campaign may place calls, read in the campaign's time zone; sent as
/// `{"start": "09:00", "end": "17:00"}`.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::campaigns::CallTimeRange;
/// use talkover::time::TimeOfDay;
///
/// let morning = CallTimeRange::new(TimeOfDay::new(9, 0)?, TimeOfDay::new(12, 30)?);
/// let afternoon = CallTimeRange::parse("14:00", "17:00")?;
/// assert_eq!(afternoon.start.hour(), 14);
/// assert!(CallTimeRange::parse("9am", "17:00").is_err());
/// # let _ = morning;
/// # Ok::<(), talkover::time::TimeOfDayError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallTimeRange {
    /// Opening time.
    pub start: TimeOfDay,
    /// Closing time, after `start` (the page: "Each window's `end` must be after its `start`"; the API
    /// refuses a window that closes at or before it opens, with a 422 naming it, and so does the
    /// emulator: the order of two values is left to the API).
    pub end: TimeOfDay,
}

impl CallTimeRange {
    /// A window from `start` to `end`.
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Self {
        Self { start, end }
    }

    /// A window from two `HH:MM` texts (`"09:00"`, `"17:30"`).
    pub fn parse(start: &str, end: &str) -> Result<Self, TimeOfDayError> {
        Ok(Self::new(start.parse()?, end.parse()?))
    }
}

// ---------------------------------------------------------------------------------------------------
// Settings shared by create-campaign, update-campaign and the campaign itself

/// Declares a struct with the campaign settings [`NewCampaign`] and [`CampaignChanges`] carry and
/// [`Campaign`] reports, each written once, after the struct's own fields. `settable` gives the bodies their
/// setters and the settings' checks; `optional` declares the fields only, for the answer.
macro_rules! campaign_settings {
    ($kind:ident; $(#[$meta:meta])* pub struct $name:ident { $($own:tt)* } $($groups:tt)*) => {
        optional_fields! {
            $(#[$meta])*
            pub struct $name { $($own)* }
            $($groups)*
            $kind {
                /// Seconds before the first attempt (the API's default is 0).
                initial_call_delay(seconds): u32,
                /// Most retries per contact, 0 to 10 (the API's default is 3).
                max_retries(retries): u32,
                /// Hours between retries, 1 to 168 (the API's default is 24).
                retry_cooldown_hours(hours): u32,
                /// Complete the campaign once every contact is processed.
                auto_complete(enabled): bool,
                /// Retry calls that completed without converting, after the cooldown.
                retry_on_no_conversion(enabled): bool,
                /// Let contacts rest after the campaign completes, so another campaign does not call them
                /// at once.
                enable_post_completion_cooldown(enabled): bool,
                /// How long contacts rest after completion, 1 to 168 hours (the API's default is 168).
                post_completion_cooldown_hours(hours): u32,
                /// Hours to wait after a successful call, 1 to 168.
                success_cooldown_hours(hours): u32,
                /// Hours to wait after reaching voicemail, 1 to 168.
                voicemail_cooldown_hours(hours): u32,
                /// Hours to wait after no answer, 1 to 168.
                no_answer_cooldown_hours(hours): u32,
                /// Hours to wait after a busy line, 1 to 168.
                busy_cooldown_hours(hours): u32,
                /// Hours to wait after a failed call, 1 to 168.
                failed_cooldown_hours(hours): u32,
                /// Check contacts against a do-not-call list (the API's default is `false`).
                do_not_call_enabled(enabled): bool,
                /// Which do-not-call list.
                #[null_when_unset]
                do_not_call_list_source(source): DoNotCallListSource,
            }
            $kind {
                /// The campaign's own blocked numbers (E.164), used with the `custom` source.
                do_not_call_custom_list(numbers): impl IntoIterator<Item = impl Into<String>>,
            }
            $kind {
                /// Add contacts to the do-not-call list automatically on the trigger statuses and errors.
                auto_add_to_dnc_enabled(enabled): bool,
            }
            $kind {
                /// Call outcomes that add a contact to the do-not-call list (`completed`, `voicemail`, …).
                auto_dnc_trigger_statuses(statuses): impl IntoIterator<Item = CallStatus>,
                /// Call errors that add a contact to the do-not-call list (`invalid_number`, …).
                auto_dnc_trigger_errors(errors): impl IntoIterator<Item = impl Into<String>>,
            }
            // The settings below are those of openapi.json's campaign schema, which the endpoint pages do not
            // list: optional, so that a campaign carrying them reads back whole and a caller can send them.
            $kind {
                /// Most calls the campaign places in an hour.
                max_calls_per_hour(calls): u32,
                /// Most calls the campaign places in a day.
                max_calls_per_day(calls): u32,
                /// Hours to wait before calling a contact again after reaching its voicemail.
                voicemail_hours(hours): u32,
            }
            $kind {
                /// Call outcomes that add a contact to the do-not-call list (`completed`, `voicemail`), in
                /// openapi.json's form; the pages' form is `auto_dnc_trigger_statuses`.
                auto_add_to_dnc(statuses): impl IntoIterator<Item = CallStatus>,
            }
        }
        campaign_settings!(@$kind $name);
    };
    (@optional $name:ident) => {};
    (@changes $name:ident) => {
        campaign_settings!(@settable $name);
    };
    (@settable $name:ident) => {
        impl $name {
            fn check_settings(&self, problems: &mut Problems) {
                problems.range("max_retries", self.max_retries, 0, 10);
                for (i, number) in self.do_not_call_custom_list.iter().flatten().enumerate() {
                    if !validate::is_e164(number) {
                        problems.e164(&format!("do_not_call_custom_list.{i}"), number.as_str());
                    }
                }
                let hours = [
                    ("retry_cooldown_hours", self.retry_cooldown_hours),
                    ("post_completion_cooldown_hours", self.post_completion_cooldown_hours),
                    ("success_cooldown_hours", self.success_cooldown_hours),
                    ("voicemail_cooldown_hours", self.voicemail_cooldown_hours),
                    ("no_answer_cooldown_hours", self.no_answer_cooldown_hours),
                    ("busy_cooldown_hours", self.busy_cooldown_hours),
                    ("failed_cooldown_hours", self.failed_cooldown_hours),
                ];
                for (field, value) in hours {
                    problems.range(field, value, 1, 168);
                }
                // openapi.json lists the outcomes `auto_add_to_dnc` takes.
                for (i, status) in self.auto_add_to_dnc.iter().flatten().enumerate() {
                    if !matches!(status, CallStatus::Completed | CallStatus::Voicemail) {
                        problems.add(format!("auto_add_to_dnc.{i}"), "must be `completed` or `voicemail`");
                    }
                }
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------------
// The campaign

campaign_settings! {
    optional;
    /// A campaign, as the campaign endpoints return it. Which fields are present depends on the endpoint
    /// (get-campaign returns the most; update-campaign a subset).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Campaign {
        /// The campaign's id.
        pub id: CampaignId,
        /// Its name.
        pub name: String,
        /// Where it is in its life.
        pub status: CampaignStatus,
        /// What it is for.
        pub campaign_type: CampaignType,
        /// The agent placing its calls.
        pub agent_id: AgentId,
        /// First day it may call.
        pub start_date: Date,
        /// Weekdays it may call.
        #[serde(default)]
        pub days_of_week: Vec<Weekday>,
        /// IANA time zone of the schedule.
        pub timezone: String,
    }
    required {
        /// The fields every [`Campaign`] carries, by name, for [`Campaign::new`].
        #[derive(Clone, Debug, PartialEq)]
        pub struct CampaignRequired;
    }
    optional {
        /// What it is about.
        #[null_when_unset]
        description: String,
        /// Last day it may call, if set.
        #[null_when_unset]
        end_date: Date,
        /// Daily calling windows.
        call_time_ranges: Vec<CallTimeRange>,
        /// Earliest calling time (`HH:MM:SS`), the single-window form older campaigns report (text: it
        /// carries seconds, which a [`TimeOfDay`] does not).
        earliest_call_time: String,
        /// Latest calling time (`HH:MM:SS`), the single-window form older campaigns report.
        latest_call_time: String,
        /// The campaign's agent, in short.
        agent: AgentSummary,
        /// The campaign's calls (get-campaign).
        calls: Vec<CampaignCall>,
        /// The contact files uploaded to it (get-campaign).
        files: Vec<CampaignFile>,
        /// Call statistics.
        stats: CampaignStats,
        /// When it was created.
        created_at: Timestamp,
        /// When it last changed.
        updated_at: Timestamp,
        /// The number it calls from (openapi.json's campaign schema has it; the pages do not).
        phone_number_id: PhoneNumberId,
    }
}

optional_fields! {
    /// A contact file uploaded to a campaign.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CampaignFile {
        /// The file's id.
        pub id: CampaignFileId,
        /// Its name as uploaded.
        pub original_filename: String,
        /// How far its processing has gone.
        pub status: CampaignFileStatus,
    }
    pub fn new;
    optional {
        /// Its name after conversion.
        processed_filename: String,
        /// Records in the file.
        total_records: u64,
        /// Records read successfully.
        processed_records: u64,
    }
}

optional_fields! {
    /// A campaign's call statistics.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CampaignStats {
        /// Calls in the campaign.
        pub total_calls: u64,
        /// Calls completed.
        pub completed_calls: u64,
        /// Calls failed.
        pub failed_calls: u64,
        /// Share of successful calls, in percent.
        pub success_rate: f64,
    }
    pub fn new;
    optional {
        /// Average call length in seconds (get-campaign).
        average_duration: u64,
    }
}

/// The fields create-campaign and update-campaign both check, with the same bounds. On an update only the
/// fields it sets are given (`None` skips a check); a create gives them all.
struct Schedule<'a> {
    name: Option<&'a str>,
    start_date: Option<&'a Date>,
    end_date: Option<&'a Date>,
    days_of_week: Option<&'a [Weekday]>,
    call_time_ranges: Option<&'a [CallTimeRange]>,
    timezone: Option<&'a str>,
}

impl Schedule<'_> {
    fn check(&self, problems: &mut Problems) {
        problems.length("name", self.name, 1, 255);
        // `YYYY-MM-DD` texts order like the dates they name. The order of two values is checked where the
        // request is received; a client leaves it to the API.
        if let (Some(start), Some(end)) = (self.start_date, self.end_date) {
            if end.as_str() <= start.as_str() {
                problems.add_form("end_date", format!("must be after start_date ({start})"));
            }
        }
        // Each day is in range by its type; only an empty list is left to refuse.
        if self.days_of_week.is_some_and(<[Weekday]>::is_empty) {
            problems.add("days_of_week", "needs at least one day");
        }
        if let Some(ranges) = self.call_time_ranges {
            check_call_time_ranges(problems, ranges);
        }
        problems.length("timezone", self.timezone, 1, 50);
    }
}

fn check_call_time_ranges(problems: &mut Problems, ranges: &[CallTimeRange]) {
    if ranges.is_empty() {
        problems.add("call_time_ranges", "needs at least one window");
    }
    // Each window's order, where the request is received (a client leaves it to the API).
    for (i, range) in ranges.iter().enumerate() {
        if range.end <= range.start {
            problems.add_form(
                format!("call_time_ranges.{i}.end"),
                format!("must be after the window's start ({})", range.start),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// create-campaign

campaign_settings! {
    settable;
    /// The body of [`CreateCampaign`]. The campaign starts as a draft.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewCampaign {
        /// Name, up to 255 characters.
        pub name: String,
        /// What it is for.
        pub campaign_type: CampaignType,
        /// The agent placing its calls (must exist in the environment).
        pub agent_id: AgentId,
        /// First day it may call.
        pub start_date: Date,
        /// Weekdays it may call; at least one.
        pub days_of_week: Vec<Weekday>,
        /// Daily calling windows; at least one.
        pub call_time_ranges: Vec<CallTimeRange>,
        /// IANA time zone of the windows (`America/New_York`), up to 50 characters.
        pub timezone: String,
    }
    required {
        /// The fields create-campaign requires, by name, for [`NewCampaign::new`].
        ///
        /// Written as a struct literal, so that leaving one out is a compile error that names it (deliberately not
        /// `#[non_exhaustive]`).
        ///
        /// ```compile_fail,E0063
        /// # use talkover_core as talkover;
        /// use talkover::campaigns::{CallTimeRange, CampaignType, NewCampaign, NewCampaignRequired};
        /// use talkover::time::{Date, Weekday};
        ///
        /// // `call_time_ranges` is missing: this does not compile.
        /// let campaign = NewCampaign::new(NewCampaignRequired {
        ///     name: "Renewals".into(),
        ///     campaign_type: CampaignType::Reminder,
        ///     agent_id: "agent-uuid-1".into(),
        ///     start_date: Date::new("2030-01-01").unwrap(),
        ///     days_of_week: Weekday::MONDAY_TO_FRIDAY.to_vec(),
        ///     timezone: "Europe/Paris".into(),
        /// });
        /// ```
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct NewCampaignRequired;
    }
    settable {
        /// What it is about.
        description: impl Into<String>,
        /// Last day it may call, after `start_date`.
        end_date(date): Date,
        /// The number the campaign calls from (openapi.json's create-campaign body has it; the page does
        /// not list it, and no update takes it).
        phone_number_id(number): impl Into<PhoneNumberId>,
    }
}

impl NewCampaign {
    /// Replaces the weekdays it may call (sent as the API's numbers, 1 = Monday to 7 = Sunday).
    pub fn days_of_week(mut self, days: impl IntoIterator<Item = Weekday>) -> Self {
        self.days_of_week = days.into_iter().collect();
        self
    }

    /// Adds another daily calling window.
    pub fn call_time_range(mut self, start: TimeOfDay, end: TimeOfDay) -> Self {
        self.call_time_ranges.push(CallTimeRange::new(start, end));
        self
    }
}

impl CreateCampaign {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        problems.length("agent_id", b.agent_id.as_str(), 1, usize::MAX);
        let schedule = Schedule {
            name: Some(&b.name),
            start_date: Some(&b.start_date),
            end_date: b.end_date.as_ref(),
            days_of_week: Some(&b.days_of_week),
            call_time_ranges: Some(&b.call_time_ranges),
            timezone: Some(&b.timezone),
        };
        schedule.check(problems);
        b.check_settings(problems);
    }
}

// ---------------------------------------------------------------------------------------------------
// update-campaign

campaign_settings! {
    changes;
    /// The body of [`UpdateCampaign`]: only the fields set are sent, and only those change.
    ///
    /// The end date can be removed as well, sent as `null`, which the reference documents as "clear a
    /// previously set end date" ([`CampaignChanges::clear_end_date`]). The description can be sent as
    /// `null` too ([`CampaignChanges::clear_description`]), where the reference says nothing of a `null`:
    /// the API decides what it does with it.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CampaignChanges {}
    changes {
        /// New name, up to 255 characters.
        name: impl Into<String>,
        /// New description.
        #[clear_with(clear_description)]
        description: impl Into<String>,
        /// New type.
        campaign_type: CampaignType,
        /// New agent.
        agent_id: impl Into<AgentId>,
        /// New first day.
        start_date(date): Date,
        /// New last day.
        #[clear_with(clear_end_date)]
        end_date(date): Date,
    }
    changes {
        /// New weekdays, at least one (sent as the API's numbers, 1 = Monday to 7 = Sunday).
        days_of_week(days): impl IntoIterator<Item = Weekday>,
        /// New calling windows, at least one (replacing the old ones).
        call_time_ranges(ranges): impl IntoIterator<Item = CallTimeRange>,
        /// New IANA time zone, up to 50 characters.
        timezone: impl Into<String>,
    }
}

impl UpdateCampaign {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        let schedule = Schedule {
            name: b.name.as_deref(),
            start_date: b.start_date.as_ref(),
            end_date: b.end_date.as_ref().and_then(Option::as_ref),
            days_of_week: b.days_of_week.as_deref(),
            call_time_ranges: b.call_time_ranges.as_deref(),
            timezone: b.timezone.as_deref(),
        };
        schedule.check(problems);
        b.check_settings(problems);
    }
}

// ---------------------------------------------------------------------------------------------------
// update-campaign-status

/// The body of [`UpdateCampaignStatus`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CampaignStatusBody {
    /// The new status.
    pub status: CampaignStatus,
}

impl CampaignStatusBody {
    /// The body moving a campaign to `status`.
    pub fn new(status: CampaignStatus) -> Self {
        Self { status }
    }
}

impl UpdateCampaignStatus {
    /// Moves the campaign to `status`.
    pub fn new(campaign_id: impl Into<CampaignId>, status: CampaignStatus) -> Self {
        Self { campaign_id: campaign_id.into(), body: CampaignStatusBody::new(status) }
    }
}

optional_fields! {
    /// A campaign's status after [`UpdateCampaignStatus`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CampaignStatusChange {
        /// The campaign's id.
        pub id: CampaignId,
        /// Its status now.
        pub status: CampaignStatus,
    }
    pub fn new;
    optional {
        /// When it changed.
        updated_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! campaigns_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List campaigns](https://docs.talkover.ai/api-reference/endpoints/list-campaigns), with filters, their
        /// agent and call statistics.
        ListCampaigns {
            id: "list-campaigns",
            method: GET,
            path: "/api/v1/campaigns",
            query: ListCampaignsQuery {
                /// Only campaigns with this status.
                status: CampaignStatus,
                /// Only campaigns of this type.
                campaign_type: CampaignType,
                /// Only campaigns of this agent.
                agent_id: AgentId,
                /// Only campaigns from this date on. The reference does not say in which time zone a date
                /// is a day; the emulator takes the calendar day of `created_at` in UTC. Away from UTC, ask
                /// for a day more at each end and keep those whose `created_at` falls in your own days.
                date_from: Date,
                /// Only campaigns up to this date (a day as `date_from` says).
                date_to: Date,
                /// Search in names and descriptions.
                search: String,
            },
            response: ListEnvelope<Campaign>,
            items: Campaign,
            default_per_page: 20,
            page_block: PaginationWithPositions,
            safe_to_repeat: true,
            handler: Campaigns::list,
        }

        /// [Create a campaign](https://docs.talkover.ai/api-reference/endpoints/create-campaign), as a draft: it
        /// calls once its status is made `active` (update-campaign-status).
        ///
        /// Activate it with [`UpdateCampaignStatus`], `client.campaigns().update_status(..)`.
        CreateCampaign {
            id: "create-campaign",
            method: POST,
            path: "/api/v1/campaigns",
            body: NewCampaign,
            response: Envelope<Campaign>,
            success_status: 201,
            safe_to_repeat: false,
            validate: CreateCampaign::check,
            handler: Campaigns::create(campaign),
        }

        /// [Get a campaign](https://docs.talkover.ai/api-reference/endpoints/get-campaign) with its calls, files
        /// and statistics. This is how to see a campaign's calls (in [`Campaign::calls`]): the API has no paged
        /// list of them.
        GetCampaign {
            id: "get-campaign",
            method: GET,
            path: "/api/v1/campaigns/{campaign_id}",
            params: { campaign_id: CampaignId },
            response: Envelope<Campaign>,
            safe_to_repeat: true,
            handler: Campaigns::get,
        }

        /// [Update a campaign](https://docs.talkover.ai/api-reference/endpoints/update-campaign): change only the
        /// settings given (its status changes with update-campaign-status).
        ///
        /// The status changes with [`UpdateCampaignStatus`], `client.campaigns().update_status(..)`.
        UpdateCampaign {
            id: "update-campaign",
            method: PUT,
            path: "/api/v1/campaigns/{campaign_id}",
            params: { campaign_id: CampaignId },
            body: CampaignChanges,
            response: Envelope<Campaign>,
            safe_to_repeat: true,
            validate: UpdateCampaign::check,
            handler: Campaigns::update(changes),
        }

        /// [Update a campaign's status](https://docs.talkover.ai/api-reference/endpoints/update-campaign-status):
        /// activate, pause, complete or cancel it.
        ///
        /// Allowed moves: draft → active or cancelled; active → paused, completed or cancelled; paused → active,
        /// completed or cancelled. `completed` and `cancelled` are final; the API answers 400 to anything else,
        /// a move to the status the campaign has included. So a retry after an attempt whose answer was lost
        /// (a 5xx, a timeout) and that made the move is refused 400: the client retries it, as the campaign
        /// ends in the status asked either way, and the error says so
        /// ([`Error::earlier_attempt_may_have_taken_effect`](crate::Error::earlier_attempt_may_have_taken_effect)).
        UpdateCampaignStatus {
            id: "update-campaign-status",
            method: PATCH,
            path: "/api/v1/campaigns/{campaign_id}/status",
            params: { campaign_id: CampaignId },
            body: CampaignStatusBody,
            response: Envelope<CampaignStatusChange>,
            safe_to_repeat: true,
            constructor: manual,
            handler: Campaigns::update_status(status: CampaignStatus),
        }

        /// [Delete a campaign](https://docs.talkover.ai/api-reference/endpoints/delete-campaign) with its calls,
        /// files and statistics, for good. An active campaign must be paused or cancelled first.
        DeleteCampaign {
            id: "delete-campaign",
            method: DELETE,
            path: "/api/v1/campaigns/{campaign_id}",
            params: { campaign_id: CampaignId },
            response: Ack,
            safe_to_repeat: true,
            handler: Campaigns::delete,
        }
        }
    };
}
campaigns_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;

    use crate::operation::testing::{config, invalid_field, refused_on_receipt};
    use crate::page::PagedOperation;
    use crate::{build_request, Operation};
    use serde_json::{json, Value};

    fn date(text: &str) -> Date {
        Date::new(text).unwrap()
    }

    fn time(text: &str) -> TimeOfDay {
        text.parse().unwrap()
    }

    #[test]
    fn a_campaign_built_by_name_is_the_one_decoded() {
        let decoded: Campaign = serde_json::from_value(json!({
            "id": "c-1", "name": "Renewals", "status": "draft", "campaign_type": "sales",
            "agent_id": "a-1", "start_date": "2024-01-01", "days_of_week": [1], "timezone": "UTC",
            "max_retries": 3,
        }))
        .unwrap();
        let mut built = Campaign::new(CampaignRequired {
            id: "c-1".into(),
            name: "Renewals".into(),
            status: CampaignStatus::Draft,
            campaign_type: CampaignType::Sales,
            agent_id: "a-1".into(),
            start_date: date("2024-01-01"),
            days_of_week: vec![Weekday::Monday],
            timezone: "UTC".into(),
        });
        assert_eq!(built.max_retries, None);
        built.max_retries = Some(3);
        assert_eq!(built, decoded);
    }

    fn basic() -> NewCampaign {
        NewCampaign::new(NewCampaignRequired {
            name: "Sales".into(),
            campaign_type: CampaignType::Sales,
            agent_id: "agent-1".into(),
            start_date: date("2024-01-01"),
            days_of_week: Weekday::MONDAY_TO_FRIDAY.to_vec(),
            call_time_ranges: vec![CallTimeRange::parse("09:00", "17:00").unwrap()],
            timezone: "America/New_York".into(),
        })
    }

    #[test]
    fn openapis_settings_are_sent_and_only_its_two_outcomes_add_to_the_dnc_list() {
        let campaign = basic()
            .phone_number_id("number-1")
            .max_calls_per_hour(10)
            .max_calls_per_day(100)
            .voicemail_hours(24)
            .auto_add_to_dnc([CallStatus::Completed, CallStatus::Voicemail]);
        let sent = serde_json::to_value(&campaign).unwrap();
        assert_eq!(
            (&sent["phone_number_id"], &sent["max_calls_per_hour"], &sent["voicemail_hours"]),
            (&json!("number-1"), &json!(10), &json!(24))
        );
        assert_eq!(sent["auto_add_to_dnc"], json!(["completed", "voicemail"]));
        assert!(build_request(&CreateCampaign::new(campaign), &config()).is_ok());

        let ringing = basic().auto_add_to_dnc([CallStatus::Completed, CallStatus::Ringing]);
        assert_eq!(invalid_field(&CreateCampaign::new(ringing)), "auto_add_to_dnc.1");
        let changes = CampaignChanges::new().auto_add_to_dnc([CallStatus::Busy]);
        assert_eq!(invalid_field(&UpdateCampaign::new("c-1", changes)), "auto_add_to_dnc.0");
    }

    fn sent_body<O: Operation>(op: &O) -> Value {
        serde_json::from_slice(build_request(op, &config()).unwrap().body()).unwrap()
    }

    #[test]
    fn create_sends_only_what_is_set() {
        let body = sent_body(&CreateCampaign::new(basic()));
        assert_eq!(
            body,
            json!({
                "name": "Sales", "campaign_type": "sales", "agent_id": "agent-1", "start_date": "2024-01-01",
                "days_of_week": [1, 2, 3, 4, 5], "call_time_ranges": [{"start": "09:00", "end": "17:00"}],
                "timezone": "America/New_York"
            })
        );
    }

    #[test]
    fn create_bounds_are_checked_before_sending() {
        let create = |b: NewCampaign| CreateCampaign::new(b);
        assert!(build_request(&create(basic()), &config()).is_ok());
        assert_eq!(invalid_field(&create(basic().max_retries(11))), "max_retries");
        assert_eq!(invalid_field(&create(basic().retry_cooldown_hours(0))), "retry_cooldown_hours");
        assert_eq!(invalid_field(&create(basic().busy_cooldown_hours(169))), "busy_cooldown_hours");
        assert_eq!(invalid_field(&create(basic().post_completion_cooldown_hours(0))), "post_completion_cooldown_hours");
        assert_eq!(invalid_field(&create(basic().days_of_week(Vec::<Weekday>::new()))), "days_of_week");
        let dnc = basic().do_not_call_custom_list(["+15551234567", "555-123-4567"]);
        // The forms of numbers and the order of two values are the API's to judge (create-campaign's page
        // shows its 422 for a window that ends before it starts): sent, and refused on receipt.
        assert_eq!(refused_on_receipt(&create(dnc)), "do_not_call_custom_list.1");
        assert!(create(basic().do_not_call_custom_list(["+15551234567"])).validate_received().is_ok());
        let backwards = basic().call_time_range(time("14:00"), time("13:00"));
        assert_eq!(refused_on_receipt(&create(backwards)), "call_time_ranges.1.end");
        assert_eq!(
            refused_on_receipt(&create(basic().call_time_range(time("14:00"), time("14:00")))),
            "call_time_ranges.1.end"
        );
        assert!(create(basic().call_time_range(time("14:00"), time("14:01"))).validate_received().is_ok());
        assert_eq!(refused_on_receipt(&create(basic().end_date(date("2023-12-31")))), "end_date");
        let mut no_windows = basic();
        no_windows.call_time_ranges.clear();
        assert_eq!(invalid_field(&create(no_windows)), "call_time_ranges");
        let mut long = basic();
        long.timezone = "x".repeat(51);
        assert_eq!(invalid_field(&create(long)), "timezone");
        let mut long = basic();
        long.name = "x".repeat(256);
        assert_eq!(invalid_field(&create(long)), "name");
    }

    #[test]
    fn update_sends_only_the_changes_and_can_clear_the_end_date() {
        let update = UpdateCampaign::new("c", CampaignChanges::new().timezone("Europe/London").max_retries(2));
        assert_eq!(sent_body(&update), json!({"timezone": "Europe/London", "max_retries": 2}));
        assert_eq!(sent_body(&UpdateCampaign::new("c", CampaignChanges::new())), json!({}));

        let cleared = UpdateCampaign::new("c", CampaignChanges::new().clear_end_date());
        assert_eq!(sent_body(&cleared), json!({"end_date": null}));
        let set = UpdateCampaign::new("c", CampaignChanges::new().end_date(date("2024-03-31")));
        assert_eq!(sent_body(&set), json!({"end_date": "2024-03-31"}));

        // The three states read back from JSON the same way.
        let read = |v: Value| serde_json::from_value::<CampaignChanges>(v).unwrap().end_date;
        assert_eq!(read(json!({})), None);
        assert_eq!(read(json!({"end_date": null})), Some(None));
        assert_eq!(read(json!({"end_date": "2024-03-31"})), Some(Some(date("2024-03-31"))));
    }

    #[test]
    fn update_bounds_are_checked_before_sending() {
        let update = |c: CampaignChanges| UpdateCampaign::new("c", c);
        assert_eq!(invalid_field(&update(CampaignChanges::new().days_of_week(Vec::<Weekday>::new()))), "days_of_week");
        assert_eq!(invalid_field(&update(CampaignChanges::new().call_time_ranges([]))), "call_time_ranges");
        assert_eq!(invalid_field(&update(CampaignChanges::new().failed_cooldown_hours(200))), "failed_cooldown_hours");
        assert_eq!(invalid_field(&update(CampaignChanges::new().name(""))), "name");
        // The same bounds as on create.
        assert_eq!(invalid_field(&update(CampaignChanges::new().timezone("x".repeat(51)))), "timezone");
        assert_eq!(invalid_field(&update(CampaignChanges::new().name("x".repeat(256)))), "name");
        let windows = CampaignChanges::new().call_time_ranges([CallTimeRange::parse("10:00", "09:59").unwrap()]);
        assert_eq!(refused_on_receipt(&update(windows)), "call_time_ranges.0.end");
        assert!(build_request(&update(CampaignChanges::new().timezone("x".repeat(50))), &config()).is_ok());
        let backwards = CampaignChanges::new().start_date(date("2024-02-01")).end_date(date("2024-01-01"));
        assert_eq!(refused_on_receipt(&update(backwards)), "end_date");
        assert!(build_request(&update(CampaignChanges::new().clear_end_date()), &config()).is_ok());
    }

    /// An answer's calling windows are read in the forms a server may write a time of day in (`9:00`,
    /// `17:30:00`); one that does not fit is named, even after another was read in its other form.
    #[test]
    fn an_answers_windows_in_other_forms() {
        let answer = |windows: Value| {
            let data = json!({"id": "c-1", "name": "R", "status": "draft", "campaign_type": "sales", "agent_id": "a-1",
                "start_date": "2024-01-01", "days_of_week": [1], "timezone": "UTC", "call_time_ranges": windows});
            let body = serde_json::to_vec(&json!({"success": true, "data": data})).unwrap();
            http::Response::builder().status(200).body(body).unwrap()
        };
        let read = crate::decode_response::<GetCampaign>(answer(json!([{"start": "9:00", "end": "17:30:00"}])));
        let windows = read.unwrap().call_time_ranges.unwrap();
        assert_eq!(windows, [CallTimeRange::parse("09:00", "17:30").unwrap()]);
        match crate::decode_response::<GetCampaign>(answer(json!([{"start": "09:00:00", "end": "17:30:45"}]))) {
            Err(crate::Error::Decode(e)) => {
                assert_eq!(e.path, "data.call_time_ranges[0].end", "{e}");
                assert!(e.message.contains("expected a time of day (HH:MM"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn list_filters_are_typed() {
        let list = ListCampaigns::new()
            .status(CampaignStatus::Active)
            .campaign_type(CampaignType::FollowUp)
            .search("Sales Campaign")
            .date_to(date("2024-02-01"));
        let request = build_request(&list, &config()).unwrap();
        let query = request.uri().query().unwrap();
        assert!(query.contains("campaign_type=follow_up"), "{query}");
        assert!(query.contains("search=Sales%20Campaign"), "{query}");
        assert!(query.contains("date_to=2024-02-01"), "{query}");
        assert_eq!(invalid_field(&ListCampaigns::new().per_page(0)), "per_page");
        let mut paged = ListCampaigns::new();
        paged.set_page(2);
        assert_eq!(build_request(&paged, &config()).unwrap().uri().query(), Some("page=2"));
    }

    #[test]
    #[cfg(feature = "registry")]
    fn safe_to_repeat_follows_what_each_operation_does() {
        let safe = |id: &str| crate::registry::operation(id).unwrap().safe_to_repeat;
        assert!(!safe("create-campaign"));
        for id in ["list-campaigns", "get-campaign", "update-campaign", "update-campaign-status", "delete-campaign"] {
            assert!(safe(id), "{id}");
        }
    }
}
