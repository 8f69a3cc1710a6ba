//! Handlers for calendars, their members, events (with attendees), availability rules and provider
//! connections.

use talkover_core::calendars::availability::{
    AvailabilityRule, AvailabilityRuleId, AvailabilityRuleUpdate, CreateAvailabilityRule, DeleteAvailabilityRule,
    ListAvailabilityRules, NewAvailabilityRule, QueryAvailability, UpdateAvailabilityRule, UpdatedAvailabilityRule,
};
use talkover_core::calendars::events::{
    AddEventAttendee, AttendeeId, CalendarEvent, CalendarEventUpdate, CreateCalendarEvent, CreateEventMeeting,
    DeleteCalendarEvent, EventAttendee, EventId, EventMeeting, GetCalendarEvent, ListCalendarEvents, NewCalendarEvent,
    NewEventAttendee, RemoveEventAttendee, UpdateCalendarEvent, UpdatedCalendarEvent,
};
use talkover_core::calendars::members::{
    AddCalendarMember, CalendarMember, CalendarMemberId, CalendarMemberUpdate, ListCalendarMembers, NewCalendarMember,
    RemoveCalendarMember, UpdateCalendarMember,
};
use talkover_core::calendars::providers::{
    CreateProviderConnection, DisconnectProvider, ListProviderConnections, NewProviderConnection, ProviderConnection,
    ProviderConnectionId, QueuedSync, TriggerProviderSync,
};
use talkover_core::calendars::{
    Calendar, CalendarId, CalendarSyncStatus, CalendarUpdate, CalendarsSync, CreateCalendar, DeleteCalendar,
    GetCalendar, GetCalendarEventsBatch, GetCalendarsSyncStatus, ListCalendars, NewCalendar, TriggerCalendarsSync,
    UpdateCalendar, UpdatedCalendar,
};
use talkover_core::time::CalendarTime;

use crate::resources::{entry_point, handler, root_handler};
use talkover_core::execute::Execute;

entry_point! {
    /// Calendars, and through them their members, events, availability rules and provider connections.
    calendars -> Calendars
}

root_handler! {
    /// Calendars: `client.calendars()`.
    ///
    /// What belongs to one calendar hangs off it: [`members`](Calendars::members),
    /// [`events`](Calendars::events) (and their [`attendees`](CalendarEvents::attendees)),
    /// [`availability`](Calendars::availability) and [`providers`](Calendars::providers).
    ///
    /// ```no_run
    /// use talkover::calendars::NewCalendar;
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let calendar = client
    ///     .calendars()
    ///     .create(NewCalendar::new("Sales Demo Calendar", "user-uuid-1").timezone("America/New_York"))
    ///     .await?;
    /// for calendar in client.calendars().list().per_page(50).send().await?.items {
    ///     println!("{} {}", calendar.id, calendar.name);
    /// }
    /// client.calendars().delete(&calendar.id).await?;
    /// # Ok(()) }
    /// ```
    Calendars
}

handler! {
    /// The members of a calendar: `client.calendars().members(&calendar_id)`.
    ///
    /// ```no_run
    /// use talkover::calendars::members::{CalendarRole, NewCalendarMember};
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let members = client.calendars().members("calendar-uuid-1");
    /// let member = members.add(NewCalendarMember::new("user-uuid-2", CalendarRole::Editor))?;
    /// members.update(&member.id, CalendarRole::Viewer)?;
    /// members.remove(&member.id)?;
    /// # Ok(()) }
    /// ```
    CalendarMembers { calendar_id: CalendarId }
    /// The members of one calendar.
    from Calendars::members
}

handler! {
    /// The events of a calendar: `client.calendars().events(&calendar_id)`.
    ///
    /// ```no_run
    /// use talkover::calendars::events::{CalendarEventUpdate, EventStatus, NewCalendarEvent, NewEventAttendee};
    /// use talkover::time::DateTime;
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = talkover::Client::from_env()?;
    /// let events = client.calendars().events("calendar-uuid-1");
    /// let demo = NewCalendarEvent::new(
    ///     "Demo with Acme",
    ///     DateTime::new("2024-01-20T15:00:00Z")?,
    ///     DateTime::new("2024-01-20T15:30:00Z")?,
    /// )
    /// .event_type("meeting");
    /// let event = events.create(demo).await?;
    /// events.attendees(&event.id).add(NewEventAttendee::new("Jane Doe", "jane@acme.com")).await?;
    /// let meeting = events.create_meeting(&event.id).await?;
    /// println!("join at {}", meeting.meeting_url);
    /// events.update(&event.id, CalendarEventUpdate::new().status(EventStatus::Cancelled)).await?;
    /// # Ok(()) }
    /// ```
    CalendarEvents { calendar_id: CalendarId }
    /// The events of one calendar.
    from Calendars::events
}

impl<'c, C: Execute> CalendarEvents<'c, C> {
    /// The attendees of one event.
    pub fn attendees(&self, event_id: impl Into<EventId>) -> EventAttendees<'c, C> {
        EventAttendees { client: self.client, calendar_id: self.calendar_id.clone(), event_id: event_id.into() }
    }
}

handler! {
    /// The attendees of an event: `client.calendars().events(&calendar_id).attendees(&event_id)`.
    ///
    /// ```no_run
    /// use talkover::calendars::events::NewEventAttendee;
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let attendees = client.calendars().events("calendar-uuid-1").attendees("event-uuid-1");
    /// let jane = attendees.add(NewEventAttendee::new("Jane Doe", "jane@acme.com"))?;
    /// attendees.remove(&jane.id)?;
    /// # Ok(()) }
    /// ```
    EventAttendees { calendar_id: CalendarId, event_id: EventId }
}

handler! {
    /// The availability of a calendar, `client.calendars().availability(&calendar_id)`: its rules (weekly
    /// windows and exception dates) and the free slots they leave.
    ///
    /// ```no_run
    /// use talkover::calendars::availability::{AvailabilityException, RecurringAvailability, TimeOfDay, Weekday};
    /// use talkover::time::{Date, DateTime};
    ///
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let availability = client.calendars().availability("calendar-uuid-1");
    /// // Open Monday to Friday, 09:00 to 17:00 New York time; closed on Christmas Day.
    /// let hours = RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, TimeOfDay::new(9, 0)?, TimeOfDay::new(17, 0)?)
    ///     .timezone("America/New_York");
    /// availability.create(hours)?;
    /// availability.create(AvailabilityException::new(Date::new("2024-12-25")?, false))?;
    /// // The 45-minute slots left free in a week.
    /// let from = DateTime::new("2024-01-15T00:00:00-05:00")?;
    /// let to = DateTime::new("2024-01-22T00:00:00-05:00")?;
    /// for slot in availability.query(from, to).duration_minutes(45).send()?.items {
    ///     println!("{} to {}", slot.start_at, slot.end_at);
    /// }
    /// # Ok(()) }
    /// ```
    CalendarAvailability { calendar_id: CalendarId }
    /// The availability rules and free slots of one calendar.
    from Calendars::availability
}

handler! {
    /// The provider connections of a calendar: `client.calendars().providers(&calendar_id)`.
    ///
    /// ```no_run
    /// use talkover::calendars::providers::NewProviderConnection;
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let providers = client.calendars().providers("calendar-uuid-1");
    /// let connection = providers
    ///     .connect(NewProviderConnection::new("calendar_provider_a", "https://example.com/oauth/calendar/callback"))
    ///     .await?;
    /// // Send the user to `authorization_url`; the connection syncs once they have granted access.
    /// println!("{:?}", connection.authorization_url);
    /// providers.sync(&connection.id).await?;
    /// # Ok(()) }
    /// ```
    CalendarProviders { calendar_id: CalendarId }
    /// The provider connections of one calendar.
    from Calendars::providers
}

// The methods of the operations whose declaration names a handler here.
talkover_core::calendars_operations!(handlers Calendars $);
talkover_core::calendar_members_operations!(handlers CalendarMembers $);
talkover_core::calendar_events_operations!(handlers CalendarEvents $);
talkover_core::calendar_events_operations!(handlers EventAttendees $);
talkover_core::calendar_availability_operations!(handlers CalendarAvailability $);
talkover_core::calendar_providers_operations!(handlers CalendarProviders $);
