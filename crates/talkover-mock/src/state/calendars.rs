//! Calendars with their members, events (and the events' attendees and meeting links), availability rules
//! and provider connections.
//!
//! A body is held to the types the pages give where the core's are looser: `owner_id` is text (the core's
//! ids read numbers too, for answers), `metadata` an object, a time zone not empty; an update, whose page
//! gives create's fields "all optional", cannot blank a field create requires (a calendar's `name`, an
//! event's `title`); each attendee of an event needs a name and a valid email address, as
//! add-event-attendee asks; and an availability rule without a `type` the page lists is refused on `type`
//! alone, as its type picks the fields it needs.
//!
//! Creating a calendar makes its owner a member with the `owner` role; adding a user who is already a
//! member gives them the new role. A calendar keeps an owner: its last `owner` member can be neither
//! removed nor given another role (remove-calendar-member: ownership is transferred first, by making
//! another member an owner with update-calendar-member); once another member is an owner, the former
//! one can go, and the calendar's `owner_id` follows to the owner that stays. An event's end must come
//! after its start, also when an update moves only one of them. An availability rule, once updated, must
//! be one create-availability-rule would accept (a rule turned `recurring` needs its weekdays and hours,
//! one turned `exception` its date and whether it is available). A meeting link needs an active provider
//! connection (422 `MEETING_PROVIDER_REQUIRED`); a new provider connection is inactive until its
//! authorization completes, which the emulator leaves to the recorded connections. Free slots
//! (query-availability) are computed from the calendar's availability rules, exception dates and events
//! ([`super::slots`]). The environment-wide sync operations read the connections: the sync status has
//! one entry per connection (its provider and last sync; the events it brought in, as recorded for the
//! recorded connection, none for a new one), and a sync covers the calendars with an active connection,
//! which it syncs at once (as trigger-provider-sync does one connection).

use serde_json::json;
use talkover_core::calendars::availability::{
    AvailabilityRule, AvailabilityRuleType, CreateAvailabilityRule, ListAvailabilityRules, NewAvailabilityRule,
    QueryAvailability, UpdateAvailabilityRule, UpdatedAvailabilityRule,
};
use talkover_core::calendars::events::{
    AddEventAttendee, CalendarEvent, CalendarEventRequired, CalendarEventUpdate, CreateCalendarEvent, EventAttendee,
    EventMeeting, EventStatus, GetCalendarEvent, ListCalendarEvents, NewCalendarEvent, NewEventAttendee,
    UpdateCalendarEvent, UpdatedCalendarEvent,
};
use talkover_core::calendars::members::{
    AddCalendarMember, CalendarMember, CalendarRole, ListCalendarMembers, NewCalendarMember, UpdateCalendarMember,
};
use talkover_core::calendars::providers::{
    CreateProviderConnection, ListProviderConnections, NewProviderConnection, ProviderConnection, QueuedSync,
};
use talkover_core::calendars::{
    Calendar, CalendarSyncStatus, CalendarUpdate, CalendarsSync, CreateCalendar, GetCalendar, GetCalendarEventsBatch,
    GetCalendarsSyncStatus, ListCalendars, NewCalendar, UpdateCalendar,
};
use talkover_core::error::ErrorCode;
use talkover_core::ids::ProviderConnectionId;
use talkover_core::time::{CalendarTime, DateTime, Timestamp};
use talkover_core::Operation;

use super::slots::{Schedule, TooMuch, MAX_RANGE_DAYS, MAX_SLOTS};
use super::zones::{day_number, Zone};
use super::{
    coded, documented, has_id, is_url, now, position_by_id, remove_by_id, timestamp, unix_now, Answer, HasId, Request,
    State,
};
use crate::fixtures::Catalog;
use crate::reply::{from_json, merge, to_json, words, Invalid, Reply};

/// The slot length of a free-slot query that does not give one, in minutes (the reference's default).
const DEFAULT_SLOT_MINUTES: u32 = 30;

/// One calendar and everything below it.
struct CalendarEntry {
    calendar: Calendar,
    members: Vec<CalendarMember>,
    events: Vec<CalendarEvent>,
    rules: Vec<AvailabilityRule>,
    providers: Vec<ProviderConnection>,
}

impl CalendarEntry {
    fn new(calendar: Calendar) -> Self {
        Self { calendar, members: Vec::new(), events: Vec::new(), rules: Vec::new(), providers: Vec::new() }
    }

    /// Whether member `m` is the calendar's only `owner`.
    fn is_last_owner(&self, m: usize) -> bool {
        let owners = self.members.iter().filter(|member| member.role == CalendarRole::Owner).count();
        self.members.get(m).is_some_and(|member| member.role == CalendarRole::Owner) && owners == 1
    }

    /// Gives member `m` `role`, refused when it would take the calendar's last owner away, with the 422
    /// the emulator answers for removing the owner (remove-calendar-member's note says the owner cannot be
    /// removed before ownership is transferred, without an answer of its own; no page speaks of demotion).
    /// Making a member the owner transfers ownership (the note's "transfer ownership first via Update
    /// Calendar Member"): a calendar has one owner, and the one before is an editor from then on.
    fn set_role(&mut self, m: usize, role: CalendarRole) -> Result<(), Reply> {
        if role != CalendarRole::Owner && self.is_last_owner(m) {
            return Err(Reply::fail(422, "The calendar owner cannot be given another role. Transfer ownership first."));
        }
        if role == CalendarRole::Owner {
            for (i, member) in self.members.iter_mut().enumerate() {
                if i != m && member.role == CalendarRole::Owner {
                    member.role = CalendarRole::Editor;
                }
            }
        }
        if let Some(member) = self.members.get_mut(m) {
            member.role = role;
        }
        self.follow_owner();
        Ok(())
    }

    /// Keeps the calendar's `owner_id` on a member who owns it: when the user it names is no longer an
    /// `owner` member, it names the first one that is (left as it is when none is, as for a calendar whose
    /// members the emulator was not given, and when the calendar names no owner). A new owner is a change
    /// of the calendar's: its `updated_at` moves.
    fn follow_owner(&mut self) {
        let owners: Vec<&CalendarMember> =
            self.members.iter().filter(|member| member.role == CalendarRole::Owner).collect();
        let Some(current) = &self.calendar.owner_id else { return };
        if owners.iter().any(|member| member.user_id.as_ref() == Some(current)) {
            return;
        }
        if let Some(user) = owners.first().and_then(|member| member.user_id.clone()) {
            self.calendar.owner_id = Some(user);
            self.calendar.updated_at = Some(timestamp(now()));
        }
    }
}

impl HasId for CalendarEntry {
    fn id(&self) -> &str {
        self.calendar.id.as_str()
    }
}

has_id!(CalendarMember, CalendarEvent, EventAttendee, AvailabilityRule, ProviderConnection);

/// The lists a calendar holds (members, events, availability rules, provider connections): where each is
/// in the calendar's entry, the path parameter that names one of its items, and the documented 404 for an
/// id the calendar does not hold.
trait Child: HasId + Clone + serde::Serialize {
    const PARAM: &'static str;
    const HINT: &'static str;
    const NOT_FOUND: &'static str;
    fn of(entry: &CalendarEntry) -> &Vec<Self>;
    fn of_mut(entry: &mut CalendarEntry) -> &mut Vec<Self>;
}

macro_rules! child {
    ($item:ty, $list:ident, $param:literal, $hint:literal, $not_found:literal) => {
        impl Child for $item {
            const PARAM: &'static str = $param;
            const HINT: &'static str = $hint;
            const NOT_FOUND: &'static str = $not_found;
            fn of(entry: &CalendarEntry) -> &Vec<Self> {
                &entry.$list
            }
            fn of_mut(entry: &mut CalendarEntry) -> &mut Vec<Self> {
                &mut entry.$list
            }
        }
    };
}

child!(CalendarMember, members, "member_id", "member", "Member not found");
child!(CalendarEvent, events, "event_id", "event", "Event not found");
child!(AvailabilityRule, rules, "rule_id", "rule", "Availability rule not found");
child!(ProviderConnection, providers, "provider_id", "provider", "Provider connection not found");

/// The calendars of the environment.
#[derive(Default)]
pub(crate) struct Calendars {
    calendars: Vec<CalendarEntry>,
    /// The recorded sync status (get-calendars-sync-status), for the events each recorded connection
    /// brought in.
    recorded_syncs: Vec<CalendarSyncStatus>,
    /// The connections the emulator started with, the only ones the recorded status speaks of.
    recorded_connections: Vec<ProviderConnectionId>,
    /// The syncs running now, each for [`SYNC_SECONDS`] on the emulator's clock.
    syncs: Vec<RunningSync>,
}

/// How long a sync runs on the emulator's clock: trigger-calendars-sync "runs asynchronously — poll Get
/// Sync Status for progress", so a poll sees `is_syncing` before it sees the sync's `last_sync_at`.
pub(crate) const SYNC_SECONDS: i64 = 2;

/// A provider connection's sync, running until `ends_at` (seconds since the epoch, the emulator's clock).
struct RunningSync {
    connection: ProviderConnectionId,
    ends_at: i64,
}

/// Adds `item` unless one with the same id is there.
fn add_new<T: HasId>(items: &mut Vec<T>, item: T) {
    if position_by_id(items, item.id()).is_none() {
        items.push(item);
    }
}

impl Calendars {
    /// The calendar of the recorded examples, with its members, events, rules and connections.
    pub(crate) fn seed(catalog: &Catalog) -> Self {
        let mut seeded =
            Self { recorded_syncs: catalog.documented_items::<GetCalendarsSyncStatus, _>(), ..Self::default() };
        let full = catalog.documented::<GetCalendar>();
        for calendar in full.into_iter().chain(catalog.documented_items::<ListCalendars, _>()) {
            add_new(&mut seeded.calendars, CalendarEntry::new(calendar));
        }
        let Some(entry) = seeded.calendars.first_mut() else { return seeded };
        for member in catalog.documented_items::<ListCalendarMembers, _>() {
            add_new(&mut entry.members, member);
        }
        let full_event = catalog.documented::<GetCalendarEvent>();
        for event in full_event.into_iter().chain(catalog.documented_items::<ListCalendarEvents, _>()) {
            if event.calendar_id == entry.calendar.id {
                add_new(&mut entry.events, event);
            }
        }
        for rule in catalog.documented_items::<ListAvailabilityRules, _>() {
            add_new(&mut entry.rules, rule);
        }
        for provider in catalog.documented_items::<ListProviderConnections, _>() {
            add_new(&mut entry.providers, provider);
        }
        seeded.recorded_connections = entry.providers.iter().map(|p| p.id.clone()).collect();
        seeded
    }
}

// --- what requests ask for, read in one place each --------------------------------------------------

fn new_calendar(id: String, body: &NewCalendar) -> Result<Calendar, Reply> {
    let mut calendar = Calendar::new(id, "");
    merge(&mut calendar, body)?;
    calendar.timezone.get_or_insert_with(|| "UTC".to_owned());
    calendar.metadata.get_or_insert_with(|| json!({}));
    calendar.created_at = Some(timestamp(now()));
    calendar.updated_at = calendar.created_at.clone();
    Ok(calendar)
}

fn apply_calendar(calendar: &mut Calendar, update: &CalendarUpdate) -> Result<(), Reply> {
    merge(calendar, update)?;
    calendar.updated_at = Some(timestamp(now()));
    Ok(())
}

fn new_member(id: String, body: NewCalendarMember) -> CalendarMember {
    let mut member = CalendarMember::new(id, body.role);
    member.user_id = Some(body.user_id);
    member.added_at = Some(timestamp(now()));
    member
}

fn new_attendee(id: String, body: NewEventAttendee) -> EventAttendee {
    let mut attendee = EventAttendee::new(id, body.email);
    attendee.name = Some(body.name);
    attendee
}

fn new_event(state: &mut State, calendar: &Calendar, mut body: NewCalendarEvent) -> Result<CalendarEvent, Reply> {
    let zone = Zone::named_or_utc(calendar.timezone.as_deref());
    let start_at = on_clock(&mut body.start_at, &zone, "start_at")?;
    let end_at = on_clock(&mut body.end_at, &zone, "end_at")?;
    // The core compares two instants or two times on one clock; one of each is compared here, on the
    // calendar's clock.
    check_end_after_start(&start_at, &end_at)?;
    let attendees = body.attendees.take().unwrap_or_default().into_iter().map(|a| new_attendee(state.new_id(), a));
    let attendees = attendees.collect();
    let (id, calendar_id) = (state.new_id().into(), calendar.id.clone());
    let required = CalendarEventRequired {
        id,
        calendar_id,
        title: String::new(),
        start_at,
        end_at,
        status: EventStatus::Confirmed,
    };
    let mut event = CalendarEvent::new(required);
    merge(&mut event, &body)?;
    in_utc(&mut event);
    event.attendees = Some(attendees);
    Ok(event)
}

/// Writes an event's times in UTC, as the API answers them whatever offset they were given in (every
/// example of the event pages is in `Z`).
fn in_utc(event: &mut CalendarEvent) {
    for at in [&mut event.start_at, &mut event.end_at] {
        if let Ok(utc) = at.to_utc() {
            *at = utc;
        }
    }
}

/// An event time as the instant it names, read on the clock of `zone` (the calendar's) when it has no
/// offset, and written back as that instant; a 422 on `field` for one outside the years a date-time is
/// written in.
fn on_clock(time: &mut CalendarTime, zone: &Zone, field: &str) -> Result<DateTime, Reply> {
    let Some(instant) = instant_of(time, zone) else {
        return Err(Reply::invalid(field, format!("The {} is not a time the calendar can read.", words(field))));
    };
    *time = CalendarTime::from(&instant);
    Ok(instant)
}

/// A 422 on `end_at` unless the event ends after it starts.
fn check_end_after_start(start_at: &DateTime, end_at: &DateTime) -> Result<(), Reply> {
    if end_at.cmp_instant(start_at).is_gt() {
        return Ok(());
    }
    Err(Reply::invalid("end_at", "The end at must be a date after start at."))
}

/// Applies an event update, its times read on the clock of `zone` (new attendees get ids from `ids`).
fn apply_event(
    event: &mut CalendarEvent,
    zone: &Zone,
    mut update: CalendarEventUpdate,
    mut ids: impl FnMut() -> String,
) -> Result<(), Reply> {
    for (time, field) in [(&mut update.start_at, "start_at"), (&mut update.end_at, "end_at")] {
        if let Some(time) = time {
            on_clock(time, zone, field)?;
        }
    }
    let attendees = update.attendees.take();
    merge(event, &update)?;
    in_utc(event);
    if let Some(attendees) = attendees {
        event.attendees = Some(attendees.into_iter().map(|a| new_attendee(ids(), a)).collect());
    }
    Ok(())
}

/// The rule a create request describes: its `type` and the fields of that kind.
/// A rule as `body` gives it; a recurring one without a time zone takes the calendar's (`zone`), as
/// create-availability-rule's page says it defaults to, and is listed with it.
fn new_rule(id: String, body: &NewAvailabilityRule, zone: Option<&str>) -> Result<AvailabilityRule, Reply> {
    let mut rule = AvailabilityRule::new(id, AvailabilityRuleType::Recurring);
    merge(&mut rule, body)?;
    if rule.rule_type == AvailabilityRuleType::Recurring && rule.timezone.is_none() {
        rule.timezone = zone.map(str::to_owned);
    }
    Ok(rule)
}

fn new_provider(id: String, body: NewProviderConnection) -> ProviderConnection {
    let mut url = "https://provider.example.com/oauth/authorize".to_owned();
    let pairs = [("connection".to_owned(), id.clone()), ("redirect_uri".to_owned(), body.redirect_uri)];
    talkover_core::encode::push_query(&mut url, &pairs);
    let mut connection = ProviderConnection::new(id, body.provider, false);
    connection.authorization_url = Some(url);
    connection
}

/// Starts a sync of `connection` for [`SYNC_SECONDS`], unless one runs.
fn start_sync(syncs: &mut Vec<RunningSync>, connection: &ProviderConnectionId) {
    if !syncs.iter().any(|sync| &sync.connection == connection) {
        syncs.push(RunningSync { connection: connection.clone(), ends_at: unix_now().saturating_add(SYNC_SECONDS) });
    }
}

/// Whether an event lies in `[from, to]`.
fn in_range(event: &CalendarEvent, (from, to): &(Option<DateTime>, Option<DateTime>)) -> bool {
    from.as_ref().is_none_or(|f| event.start_at.cmp_instant(f).is_ge())
        && to.as_ref().is_none_or(|t| event.end_at.cmp_instant(t).is_le())
}

/// Events in the order of their start, as an agenda reads them (the pages do not say; the order they were
/// made in is no order a reader expects), those starting at once in the order they were made.
fn by_start(mut events: Vec<CalendarEvent>) -> Vec<CalendarEvent> {
    events.sort_by(|a, b| a.start_at.cmp_instant(&b.start_at));
    events
}

/// The instants a query's `from` and `to` name for a calendar (see [`instant_of`]).
fn window(
    calendar: &Calendar,
    from: Option<&CalendarTime>,
    to: Option<&CalendarTime>,
) -> (Option<DateTime>, Option<DateTime>) {
    let zone = Zone::named_or_utc(calendar.timezone.as_deref());
    (from.and_then(|f| instant_of(f, &zone)), to.and_then(|t| instant_of(t, &zone)))
}

/// The instant a query's bound names: its own when it has an offset; else its date and time of day on the
/// clock of `zone`, the calendar's (a date: its midnight). A wall-clock time at either end of the years a
/// date-time is written in (0000 to 9999) is moved to that end when it falls outside them in UTC, so
/// `None` is only for a bound the core let through with a date it cannot number.
fn instant_of(bound: &CalendarTime, zone: &Zone) -> Option<DateTime> {
    // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    const FIRST: i64 = -62_167_219_200;
    const LAST: i64 = 253_402_300_799;
    if let Some(instant) = bound.date_time() {
        return Some(instant);
    }
    let local = day_number(&bound.date())? * 86_400 + i64::from(bound.seconds_of_day());
    DateTime::from_unix_timestamp(zone.to_utc(local).clamp(FIRST, LAST)).ok()
}

// --- what the types let through and the pages do not -----------------------------------------------

/// Refuses a `metadata` the caller gave that is not a JSON object (the pages type it `object`; the core
/// keeps any JSON there). `null` reads as not given.
fn check_metadata(req: &Request<'_>, invalid: &mut Invalid) {
    let given = req.body.and_then(|body| body.get("metadata"));
    if given.is_some_and(|metadata| !metadata.is_object() && !metadata.is_null()) {
        invalid.add("metadata", "The metadata must be an object.");
    }
}

/// Refuses an attendee with no name or no valid email address, its fields named below `prefix`
/// (`attendees.0.`, or nothing for add-event-attendee's own body); a field refused already is not
/// refused again.
fn check_attendee(invalid: &mut Invalid, prefix: &str, attendee: &NewEventAttendee) {
    let (name, email) = (format!("{prefix}name"), format!("{prefix}email"));
    if attendee.name.trim().is_empty() && !invalid.has(&name) {
        invalid.required(&name);
    }
    if invalid.has(&email) {
        return;
    }
    if attendee.email.trim().is_empty() {
        invalid.required(&email);
    } else if !talkover_core::validate::is_email(&attendee.email) {
        invalid.add(&email, format!("The {} must be a valid email address.", words(&email)));
    }
}

/// [`check_attendee`] for each attendee of an event's body (`attendees.0.email`, …).
fn check_attendees(invalid: &mut Invalid, attendees: Option<&Vec<NewEventAttendee>>) {
    for (i, attendee) in attendees.into_iter().flatten().enumerate() {
        check_attendee(invalid, &format!("attendees.{i}."), attendee);
    }
}

/// The refusal of an availability rule whose `type` is missing or not one the page lists (`recurring`,
/// `exception`): the type picks the fields the rule needs, so with no known type the answer names
/// `type` alone, rather than the fields of a kind the caller did not ask for.
fn unknown_rule_type(req: &Request<'_>) -> Option<Reply> {
    let given = req.body.and_then(|body| body.get("type")).filter(|t| !t.is_null());
    let mut invalid = Invalid::default();
    match given.map(|t| t.as_str().map(str::trim)) {
        None | Some(Some("")) => invalid.required("type"),
        Some(Some(kind)) if AvailabilityRuleType::VALUES.contains(&kind) => return None,
        Some(_) => invalid.selected("type"),
    }
    invalid.check().err()
}

// --- the handlers ----------------------------------------------------------------------------------

impl State {
    fn calendar_index(&self, req: &Request<'_>) -> Result<usize, Reply> {
        let found = position_by_id(&self.calendars.calendars, req.param("calendar_id"));
        found.ok_or_else(|| documented(req, 404, Some("calendar"), "Calendar not found"))
    }

    /// The calendar the path names and the position in it of the `T` the path names, or their documented
    /// 404s.
    fn child_index<T: Child>(&self, req: &Request<'_>) -> Result<(usize, usize), Reply> {
        let c = self.calendar_index(req)?;
        let found = position_by_id(T::of(&self.calendars.calendars[c]), req.param(T::PARAM));
        found.map(|i| (c, i)).ok_or_else(|| documented(req, 404, Some(T::HINT), T::NOT_FOUND))
    }

    /// The whole list of a calendar's `T`s.
    fn list_children<T: Child>(&self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        Ok(Reply::list(T::of(&self.calendars.calendars[c]).clone()))
    }

    /// Adds a new item to calendar `c` and answers with it.
    fn add_child<T: Child>(&mut self, c: usize, item: T) -> Answer {
        T::of_mut(&mut self.calendars.calendars[c]).push(item.clone());
        Ok(Reply::data(200, None, item))
    }

    /// Removes the `T` the path names from its calendar.
    fn remove_child<T: Child>(&mut self, req: &Request<'_>, message: &str) -> Answer {
        let (c, i) = self.child_index::<T>(req)?;
        T::of_mut(&mut self.calendars.calendars[c]).remove(i);
        Ok(Reply::ack(message))
    }

    pub(super) fn list_calendars(&mut self, req: &Request<'_>) -> Answer {
        let list = req.valid::<ListCalendars>()?;
        let per_page = list.query.per_page.unwrap_or(25).clamp(1, 100) as usize;
        // The emulator's reading: the page documents `per_page` alone and answers no page block, but every
        // list takes `page` (list-calls' and list-campaigns' pages), so a later page is read, not the first
        // again. It is read as the other lists read one (a whole number of theirs, `+` or not), else refused
        // as they refuse it; one past the last is empty.
        let page = match req.query.iter().rev().find(|(name, _)| name == "page") {
            None => 1,
            Some((_, text)) => match text.parse::<u32>() {
                Ok(page) => page as usize,
                Err(_) => return Err(Reply::invalid("page", "The page must be an integer.")),
            },
        };
        let skip = page.max(1).saturating_sub(1).saturating_mul(per_page);
        let calendars = self.calendars.calendars.iter().skip(skip).take(per_page);
        let items: Vec<Calendar> = calendars.map(|c| c.calendar.clone()).collect();
        Ok(Reply::list(items))
    }

    pub(super) fn create_calendar(&mut self, req: &Request<'_>) -> Answer {
        let (create, mut invalid) = req.decode::<CreateCalendar>()?;
        invalid.zone("timezone", create.body.timezone.as_deref());
        check_metadata(req, &mut invalid);
        invalid.check()?;
        let owner = NewCalendarMember::new(create.body.owner_id.clone(), CalendarRole::Owner);
        let calendar = new_calendar(self.new_id(), &create.body)?;
        let mut entry = CalendarEntry::new(calendar.clone());
        entry.members.push(new_member(self.new_id(), owner));
        self.calendars.calendars.push(entry);
        Ok(Reply::data(200, None, calendar))
    }

    pub(super) fn get_calendar(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        Ok(Reply::data(200, None, &self.calendars.calendars[c].calendar))
    }

    pub(super) fn update_calendar(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        let (update, mut invalid) = req.decode::<UpdateCalendar>()?;
        req.refuse_blanks_create_requires(CreateCalendar::ID, &mut invalid)?;
        invalid.zone("timezone", update.body.timezone.as_deref());
        check_metadata(req, &mut invalid);
        invalid.check()?;
        let calendar = &mut self.calendars.calendars[c].calendar;
        apply_calendar(calendar, &update.body)?;
        Ok(Reply::data(200, None, &*calendar))
    }

    pub(super) fn delete_calendar(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        self.calendars.calendars.remove(c);
        Ok(Reply::ack("Calendar deleted"))
    }

    pub(super) fn calendar_events_batch(&mut self, req: &Request<'_>) -> Answer {
        let q = req.valid::<GetCalendarEventsBatch>()?.query;
        let events: Vec<CalendarEvent> = self
            .calendars
            .calendars
            .iter()
            .filter(|c| q.calendar_ids.contains(&c.calendar.id))
            .flat_map(|c| {
                let window = window(&c.calendar, q.from.as_ref(), q.to.as_ref());
                c.events.iter().filter(move |e| in_range(e, &window))
            })
            .cloned()
            .collect();
        Ok(Reply::list(by_start(events)))
    }

    // members

    pub(super) fn list_calendar_members(&mut self, req: &Request<'_>) -> Answer {
        self.list_children::<CalendarMember>(req)
    }

    pub(super) fn add_calendar_member(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        let add = req.valid::<AddCalendarMember>()?;
        // Adding someone who is already a member gives them the role asked for.
        let user = &add.body.user_id;
        let entry = &mut self.calendars.calendars[c];
        if let Some(m) = entry.members.iter().position(|m| m.user_id.as_ref() == Some(user)) {
            entry.set_role(m, add.body.role)?;
            return Ok(Reply::data(200, None, &entry.members[m]));
        }
        let role = add.body.role.clone();
        let member = new_member(self.new_id(), add.body);
        let entry = &mut self.calendars.calendars[c];
        entry.members.push(member);
        let m = entry.members.len() - 1;
        entry.set_role(m, role)?;
        Ok(Reply::data(200, None, &entry.members[m]))
    }

    pub(super) fn update_calendar_member(&mut self, req: &Request<'_>) -> Answer {
        let (c, m) = self.child_index::<CalendarMember>(req)?;
        let update = req.valid::<UpdateCalendarMember>()?;
        let entry = &mut self.calendars.calendars[c];
        entry.set_role(m, update.body.role)?;
        Ok(Reply::data(200, None, &entry.members[m]))
    }

    pub(super) fn remove_calendar_member(&mut self, req: &Request<'_>) -> Answer {
        let (c, m) = self.child_index::<CalendarMember>(req)?;
        let entry = &mut self.calendars.calendars[c];
        if entry.is_last_owner(m) {
            // remove-calendar-member: the owner stays until ownership is handed to another member.
            return Err(Reply::fail(422, "The calendar owner cannot be removed. Transfer ownership first."));
        }
        entry.members.remove(m);
        entry.follow_owner();
        Ok(Reply::ack("Member removed"))
    }

    // events

    pub(super) fn list_calendar_events(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        let list = req.valid::<ListCalendarEvents>()?;
        let q = list.query;
        let entry = &self.calendars.calendars[c];
        let window = window(&entry.calendar, q.from.as_ref(), q.to.as_ref());
        let events: Vec<CalendarEvent> = entry
            .events
            .iter()
            .filter(|e| in_range(e, &window))
            .filter(|e| q.status.as_ref().is_none_or(|s| &e.status == s))
            .cloned()
            .collect();
        Ok(Reply::list(by_start(events)))
    }

    pub(super) fn create_calendar_event(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        let (create, mut invalid) = req.decode::<CreateCalendarEvent>()?;
        check_attendees(&mut invalid, create.body.attendees.as_ref());
        invalid.check()?;
        let calendar = self.calendars.calendars[c].calendar.clone();
        let event = new_event(self, &calendar, create.body)?;
        self.add_child(c, event)
    }

    pub(super) fn get_calendar_event(&mut self, req: &Request<'_>) -> Answer {
        let (c, e) = self.child_index::<CalendarEvent>(req)?;
        Ok(Reply::data(200, None, &self.calendars.calendars[c].events[e]))
    }

    pub(super) fn update_calendar_event(&mut self, req: &Request<'_>) -> Answer {
        let (c, e) = self.child_index::<CalendarEvent>(req)?;
        let (update, mut invalid) = req.decode::<UpdateCalendarEvent>()?;
        req.refuse_blanks_create_requires(CreateCalendarEvent::ID, &mut invalid)?;
        check_attendees(&mut invalid, update.body.attendees.as_ref());
        invalid.check()?;
        let mut event = self.calendars.calendars[c].events[e].clone();
        let mut ids = Vec::new();
        for _ in 0..update.body.attendees.as_ref().map_or(0, Vec::len) {
            ids.push(self.new_id());
        }
        let mut ids = ids.into_iter();
        let zone = Zone::named_or_utc(self.calendars.calendars[c].calendar.timezone.as_deref());
        apply_event(&mut event, &zone, update.body, || ids.next().unwrap_or_default())?;
        check_end_after_start(&event.start_at, &event.end_at)?;
        self.calendars.calendars[c].events[e] = event.clone();
        let mut updated: UpdatedCalendarEvent = from_json(to_json(&event)?)?;
        updated.updated_at = Some(timestamp(now()));
        Ok(Reply::data(200, None, updated))
    }

    pub(super) fn delete_calendar_event(&mut self, req: &Request<'_>) -> Answer {
        self.remove_child::<CalendarEvent>(req, "Event deleted")
    }

    pub(super) fn create_event_meeting(&mut self, req: &Request<'_>) -> Answer {
        let (c, e) = self.child_index::<CalendarEvent>(req)?;
        if !self.calendars.calendars[c].providers.iter().any(|p| p.is_active) {
            return Err(coded(
                req,
                ErrorCode::MeetingProviderRequired,
                "Calendar has no connected provider that supports meeting links",
            ));
        }
        let event = &mut self.calendars.calendars[c].events[e];
        let meeting_id = format!("meeting-{}", event.id.as_str());
        let url = event.meeting_url.clone().unwrap_or_else(|| format!("https://meet.example.com/{meeting_id}"));
        event.meeting_url = Some(url.clone());
        let mut meeting = EventMeeting::new(event.id.clone(), url);
        meeting.meeting_id = Some(meeting_id);
        Ok(Reply::data(200, None, meeting))
    }

    pub(super) fn add_event_attendee(&mut self, req: &Request<'_>) -> Answer {
        let (c, e) = self.child_index::<CalendarEvent>(req)?;
        let (add, mut invalid) = req.decode::<AddEventAttendee>()?;
        check_attendee(&mut invalid, "", &add.body);
        invalid.check()?;
        let attendee = new_attendee(self.new_id(), add.body);
        self.calendars.calendars[c].events[e].attendees.get_or_insert_with(Vec::new).push(attendee.clone());
        Ok(Reply::data(200, None, attendee))
    }

    pub(super) fn remove_event_attendee(&mut self, req: &Request<'_>) -> Answer {
        let (c, e) = self.child_index::<CalendarEvent>(req)?;
        let attendees = self.calendars.calendars[c].events[e].attendees.get_or_insert_with(Vec::new);
        remove_by_id(attendees, req.param("attendee_id"), || {
            documented(req, 404, Some("attendee"), "Attendee not found")
        })?;
        Ok(Reply::ack("Attendee removed"))
    }

    // availability rules

    pub(super) fn list_availability_rules(&mut self, req: &Request<'_>) -> Answer {
        self.list_children::<AvailabilityRule>(req)
    }

    pub(super) fn create_availability_rule(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        if let Some(refusal) = unknown_rule_type(req) {
            return Err(refusal);
        }
        let (create, mut invalid) = req.decode::<CreateAvailabilityRule>()?;
        if let NewAvailabilityRule::Recurring(recurring) = &create.body {
            invalid.zone("timezone", recurring.timezone.as_deref());
        }
        invalid.check()?;
        let zone = self.calendars.calendars[c].calendar.timezone.clone();
        let rule = new_rule(self.new_id(), &create.body, zone.as_deref())?;
        self.add_child(c, rule)
    }

    pub(super) fn update_availability_rule(&mut self, req: &Request<'_>) -> Answer {
        let (c, r) = self.child_index::<AvailabilityRule>(req)?;
        let (update, mut invalid) = req.decode::<UpdateAvailabilityRule>()?;
        invalid.zone("timezone", update.body.timezone.as_deref());
        invalid.check()?;
        let mut rule = self.calendars.calendars[c].rules[r].clone();
        merge(&mut rule, &update.body)?;
        // The rule the update leaves must be one create would accept: checked as create's body, with
        // create's refusals (a rule turned `recurring` without hours, `exception` without `available`).
        // No order is asked of `start_time` and `end_time`, as on create: a window that closes before it
        // opens (22:00 to 02:00) closes the next day.
        let mut as_created = to_json(&rule)?;
        if let Some(fields) = as_created.as_object_mut() {
            fields.remove("id");
        }
        let create = talkover_core::registry::operation(CreateAvailabilityRule::ID)
            .ok_or_else(|| Reply::bug::<CreateAvailabilityRule>("not in the registry"))?;
        let as_create = Request { operation: create, body: Some(&as_created), query: &[], ..*req };
        // Stored as create would store it: a rule whose type changed keeps none of its old type's fields.
        let zone = self.calendars.calendars[c].calendar.timezone.clone();
        let rule =
            new_rule(rule.id.as_str().to_owned(), &as_create.valid::<CreateAvailabilityRule>()?.body, zone.as_deref())?;
        self.calendars.calendars[c].rules[r] = rule.clone();
        let updated: UpdatedAvailabilityRule = from_json(to_json(&rule)?)?;
        Ok(Reply::data(200, None, updated))
    }

    pub(super) fn delete_availability_rule(&mut self, req: &Request<'_>) -> Answer {
        self.remove_child::<AvailabilityRule>(req, "Availability rule deleted")
    }

    // provider connections

    pub(super) fn list_provider_connections(&mut self, req: &Request<'_>) -> Answer {
        self.list_children::<ProviderConnection>(req)
    }

    pub(super) fn create_provider_connection(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        let (create, mut invalid) = req.decode::<CreateProviderConnection>()?;
        if !is_url(&create.body.redirect_uri) {
            invalid.add("redirect_uri", "The redirect uri must be a valid URL.");
        }
        invalid.check()?;
        let provider = new_provider(self.new_id(), create.body);
        self.add_child(c, provider)
    }

    pub(super) fn disconnect_provider(&mut self, req: &Request<'_>) -> Answer {
        self.remove_child::<ProviderConnection>(req, "Provider connection removed")
    }

    /// get-calendars-sync-status: one entry for each provider connection of each calendar; the events the
    /// recorded status counts go to the recorded connection only (a new one has synced none).
    pub(super) fn calendars_sync_status(&mut self, _req: &Request<'_>) -> Answer {
        let Calendars { recorded_syncs: recorded, recorded_connections, syncs, .. } = &self.calendars;
        let mut statuses = Vec::new();
        for entry in &self.calendars.calendars {
            for connection in &entry.providers {
                let id = &entry.calendar.id;
                let same =
                    |s: &&CalendarSyncStatus| &s.calendar_id == id && s.provider == Some(connection.provider.clone());
                let events = match recorded_connections.contains(&connection.id) {
                    true => recorded.iter().find(same).and_then(|s| s.events_synced).unwrap_or(0),
                    false => 0,
                };
                let syncing = syncs.iter().any(|sync| sync.connection == connection.id);
                let mut status = CalendarSyncStatus::new(id.clone(), syncing);
                status.provider = Some(connection.provider.clone());
                status.last_sync_at.clone_from(&connection.last_sync_at);
                status.events_synced = Some(events);
                statuses.push(status);
            }
        }
        Ok(Reply::list(statuses))
    }

    /// trigger-calendars-sync: every calendar with an active connection syncs (a connection already
    /// syncing goes on with the sync it runs), for [`SYNC_SECONDS`].
    pub(super) fn trigger_calendars_sync(&mut self, _req: &Request<'_>) -> Answer {
        let mut sync = CalendarsSync::default();
        let Calendars { calendars, syncs, .. } = &mut self.calendars;
        for entry in calendars.iter() {
            let mut active = entry.providers.iter().filter(|p| p.is_active).peekable();
            if active.peek().is_none() {
                continue;
            }
            active.for_each(|connection| start_sync(syncs, &connection.id));
            sync.syncing.push(entry.calendar.id.clone());
        }
        Ok(Reply::data(200, None, sync))
    }

    /// Ends the syncs whose time has come by `now` (seconds since the epoch on the emulator's clock): their
    /// connections' `last_sync_at` is the moment each ended. A sync of a connection removed meanwhile ends
    /// with nothing to record.
    pub(crate) fn settle_calendar_syncs(&mut self, now: i64) {
        let Calendars { calendars, syncs, .. } = &mut self.calendars;
        let (ended, running): (Vec<_>, Vec<_>) = syncs.drain(..).partition(|sync| sync.ends_at <= now);
        *syncs = running;
        for sync in ended {
            let connection =
                calendars.iter_mut().flat_map(|e| e.providers.iter_mut()).find(|p| p.id == sync.connection);
            if let (Some(connection), Ok(at)) = (connection, DateTime::from_unix_timestamp(sync.ends_at)) {
                connection.last_sync_at = Some(Timestamp::from(at));
            }
        }
    }

    /// Free slots, computed from the calendar's rules and events (see [`super::slots`]). A range longer
    /// than a year, or holding more slots than one answer carries, is refused with a 422 naming `to`.
    pub(super) fn query_availability(&mut self, req: &Request<'_>) -> Answer {
        let c = self.calendar_index(req)?;
        let q = req.valid::<QueryAvailability>()?.query;
        let entry = &self.calendars.calendars[c];
        let schedule =
            Schedule { timezone: entry.calendar.timezone.as_deref(), rules: &entry.rules, events: &entry.events };
        let duration = q.duration_minutes.unwrap_or(DEFAULT_SLOT_MINUTES);
        let (field, refusal) = match window(&entry.calendar, Some(&q.from), Some(&q.to)) {
            (Some(from), Some(to)) => match schedule.free_slots(&from, &to, duration) {
                Ok(slots) => return Ok(Reply::list(slots)),
                Err(TooMuch::Range) => ("to", format!("The to must be at most {MAX_RANGE_DAYS} days after from.")),
                Err(TooMuch::Slots) => (
                    "to",
                    format!("The range holds more than {MAX_SLOTS} slots: ask for a shorter range or longer slots."),
                ),
            },
            (None, _) => ("from", "The from is not a date the calendar can read.".to_owned()),
            (_, None) => ("to", "The to is not a date the calendar can read.".to_owned()),
        };
        Err(Reply::invalid(field, refusal))
    }

    pub(super) fn trigger_provider_sync(&mut self, req: &Request<'_>) -> Answer {
        let (c, p) = self.child_index::<ProviderConnection>(req)?;
        let connection = &self.calendars.calendars[c].providers[p];
        // A connection whose OAuth flow was never completed is not active, and has nothing to sync from
        // (create-provider-connection: it "becomes active and the first sync runs" after the flow): the
        // sync is not queued, and the connection keeps its `last_sync_at`.
        if !connection.is_active {
            return Ok(Reply::data(200, None, QueuedSync::new(false)));
        }
        start_sync(&mut self.calendars.syncs, &connection.id);
        let now = now();
        let mut queued = QueuedSync::new(true);
        queued.queued_at = Some(timestamp(now));
        Ok(Reply::data(200, None, queued))
    }
}
