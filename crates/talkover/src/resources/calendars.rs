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
    UpdateCalendar,
};
use talkover_core::time::DateTime;
use talkover_core::{Ack, Page};

use crate::resources::{entry_point, handler, root_handler};
use talkover_core::execute::{Execute, Pending};

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

impl<'c, C: Execute> Calendars<'c, C> {
    /// [List calendars](https://docs.talkover.ai/api-reference/endpoints/list-calendars); set the page size on
    /// the returned request, then `send()`.
    ///
    /// Its query parameters are the fields of [`ListCalendarsQuery`](crate::calendars::ListCalendarsQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("list-calendars")]
    pub fn list(&self) -> Pending<'c, C, ListCalendars> {
        Pending::new(self.client, ListCalendars::new())
    }

    /// [Create a calendar](https://docs.talkover.ai/api-reference/endpoints/create-calendar). Never retried
    /// once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-calendar")]
    pub fn create(&self, calendar: NewCalendar) -> C::Call<Calendar> {
        self.client.call(CreateCalendar::new(calendar))
    }

    /// [Get a calendar](https://docs.talkover.ai/api-reference/endpoints/get-calendar).
    ///
    #[doc = talkover_core::errors_section!("get-calendar")]
    pub fn get(&self, calendar_id: impl Into<CalendarId>) -> C::Call<Calendar> {
        self.client.call(GetCalendar::new(calendar_id))
    }

    /// [Update a calendar](https://docs.talkover.ai/api-reference/endpoints/update-calendar): its name, time
    /// zone or metadata. The answer holds the id and the fields that changed.
    ///
    #[doc = talkover_core::errors_section!("update-calendar")]
    pub fn update(&self, calendar_id: impl Into<CalendarId>, update: CalendarUpdate) -> C::Call<Calendar> {
        self.client.call(UpdateCalendar::new(calendar_id, update))
    }

    /// [Delete a calendar](https://docs.talkover.ai/api-reference/endpoints/delete-calendar) for good, with its
    /// events, members, availability rules and provider connections.
    ///
    #[doc = talkover_core::errors_section!("delete-calendar")]
    pub fn delete(&self, calendar_id: impl Into<CalendarId>) -> C::Call<Ack> {
        self.client.call(DeleteCalendar::new(calendar_id))
    }

    /// [Get the events of several calendars](https://docs.talkover.ai/api-reference/endpoints/get-calendar-events-batch)
    /// (at least one) in one call; set a time window on the returned request, then `send()`.
    ///
    /// Its query parameters are the fields of [`CalendarEventsBatchQuery`](crate::calendars::CalendarEventsBatchQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("get-calendar-events-batch")]
    pub fn events_batch<I: Into<CalendarId>>(
        &self,
        calendar_ids: impl IntoIterator<Item = I>,
    ) -> Pending<'c, C, GetCalendarEventsBatch> {
        Pending::new(self.client, GetCalendarEventsBatch::new(calendar_ids))
    }

    /// [Sync every calendar with its providers](https://docs.talkover.ai/api-reference/endpoints/trigger-calendars-sync)
    /// in the background; follow it with [`sync_status`](Calendars::sync_status). Never retried once it may
    /// have reached the server.
    ///
    #[doc = talkover_core::errors_section!("trigger-calendars-sync")]
    pub fn sync(&self) -> C::Call<CalendarsSync> {
        self.client.call(TriggerCalendarsSync::new())
    }

    /// [Get the sync status of calendars](https://docs.talkover.ai/api-reference/endpoints/get-calendars-sync-status)
    /// that have a provider connection.
    ///
    #[doc = talkover_core::errors_section!("get-calendars-sync-status")]
    pub fn sync_status(&self) -> C::Call<Page<CalendarSyncStatus>> {
        self.client.call(GetCalendarsSyncStatus::new())
    }

    /// The members of one calendar.
    pub fn members(&self, calendar_id: impl Into<CalendarId>) -> CalendarMembers<'c, C> {
        CalendarMembers { client: self.client, calendar_id: calendar_id.into() }
    }

    /// The events of one calendar.
    pub fn events(&self, calendar_id: impl Into<CalendarId>) -> CalendarEvents<'c, C> {
        CalendarEvents { client: self.client, calendar_id: calendar_id.into() }
    }

    /// The availability rules and free slots of one calendar.
    pub fn availability(&self, calendar_id: impl Into<CalendarId>) -> CalendarAvailability<'c, C> {
        CalendarAvailability { client: self.client, calendar_id: calendar_id.into() }
    }

    /// The provider connections of one calendar.
    pub fn providers(&self, calendar_id: impl Into<CalendarId>) -> CalendarProviders<'c, C> {
        CalendarProviders { client: self.client, calendar_id: calendar_id.into() }
    }
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
}

impl<C: Execute> CalendarMembers<'_, C> {
    /// [List the calendar's members](https://docs.talkover.ai/api-reference/endpoints/list-calendar-members).
    ///
    #[doc = talkover_core::errors_section!("list-calendar-members")]
    pub fn list(&self) -> C::Call<Page<CalendarMember>> {
        self.client.call(ListCalendarMembers::new(&self.calendar_id))
    }

    /// [Add a member](https://docs.talkover.ai/api-reference/endpoints/add-calendar-member) with a role. Never
    /// retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("add-calendar-member")]
    pub fn add(&self, member: NewCalendarMember) -> C::Call<CalendarMember> {
        self.client.call(AddCalendarMember::new(&self.calendar_id, member))
    }

    /// [Update a member](https://docs.talkover.ai/api-reference/endpoints/update-calendar-member): change
    /// their role (a [`CalendarRole`](crate::calendars::members::CalendarRole) will do).
    ///
    #[doc = talkover_core::errors_section!("update-calendar-member")]
    pub fn update(
        &self,
        member_id: impl Into<CalendarMemberId>,
        update: impl Into<CalendarMemberUpdate>,
    ) -> C::Call<CalendarMember> {
        self.client.call(UpdateCalendarMember::new(&self.calendar_id, member_id, update))
    }

    /// [Remove a member](https://docs.talkover.ai/api-reference/endpoints/remove-calendar-member).
    ///
    #[doc = talkover_core::errors_section!("remove-calendar-member")]
    pub fn remove(&self, member_id: impl Into<CalendarMemberId>) -> C::Call<Ack> {
        self.client.call(RemoveCalendarMember::new(&self.calendar_id, member_id))
    }
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
}

impl<'c, C: Execute> CalendarEvents<'c, C> {
    /// [List the calendar's events](https://docs.talkover.ai/api-reference/endpoints/list-calendar-events); set
    /// a time window or status on the returned request, then `send()`.
    ///
    /// Its query parameters are the fields of [`ListCalendarEventsQuery`](crate::calendars::events::ListCalendarEventsQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("list-calendar-events")]
    pub fn list(&self) -> Pending<'c, C, ListCalendarEvents> {
        Pending::new(self.client, ListCalendarEvents::new(&self.calendar_id))
    }

    /// [Create an event](https://docs.talkover.ai/api-reference/endpoints/create-calendar-event). Never retried
    /// once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-calendar-event")]
    pub fn create(&self, event: NewCalendarEvent) -> C::Call<CalendarEvent> {
        self.client.call(CreateCalendarEvent::new(&self.calendar_id, event))
    }

    /// [Get an event](https://docs.talkover.ai/api-reference/endpoints/get-calendar-event) with its attendees.
    ///
    #[doc = talkover_core::errors_section!("get-calendar-event")]
    pub fn get(&self, event_id: impl Into<EventId>) -> C::Call<CalendarEvent> {
        self.client.call(GetCalendarEvent::new(&self.calendar_id, event_id))
    }

    /// [Update an event](https://docs.talkover.ai/api-reference/endpoints/update-calendar-event): only the
    /// fields set change. The answer holds the id and the fields that changed.
    ///
    #[doc = talkover_core::errors_section!("update-calendar-event")]
    pub fn update(&self, event_id: impl Into<EventId>, update: CalendarEventUpdate) -> C::Call<UpdatedCalendarEvent> {
        self.client.call(UpdateCalendarEvent::new(&self.calendar_id, event_id, update))
    }

    /// [Delete an event](https://docs.talkover.ai/api-reference/endpoints/delete-calendar-event).
    ///
    #[doc = talkover_core::errors_section!("delete-calendar-event")]
    pub fn delete(&self, event_id: impl Into<EventId>) -> C::Call<Ack> {
        self.client.call(DeleteCalendarEvent::new(&self.calendar_id, event_id))
    }

    /// [Create a meeting link for an event](https://docs.talkover.ai/api-reference/endpoints/create-event-meeting)
    /// through the calendar's provider connection. Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-event-meeting")]
    pub fn create_meeting(&self, event_id: impl Into<EventId>) -> C::Call<EventMeeting> {
        self.client.call(CreateEventMeeting::new(&self.calendar_id, event_id))
    }

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

impl<C: Execute> EventAttendees<'_, C> {
    /// [Add an attendee to the event](https://docs.talkover.ai/api-reference/endpoints/add-event-attendee).
    /// Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("add-event-attendee")]
    pub fn add(&self, attendee: NewEventAttendee) -> C::Call<EventAttendee> {
        self.client.call(AddEventAttendee::new(&self.calendar_id, &self.event_id, attendee))
    }

    /// [Remove an attendee from the event](https://docs.talkover.ai/api-reference/endpoints/remove-event-attendee).
    ///
    #[doc = talkover_core::errors_section!("remove-event-attendee")]
    pub fn remove(&self, attendee_id: impl Into<AttendeeId>) -> C::Call<Ack> {
        self.client.call(RemoveEventAttendee::new(&self.calendar_id, &self.event_id, attendee_id))
    }
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
}

impl<'c, C: Execute> CalendarAvailability<'c, C> {
    /// [List the calendar's availability rules](https://docs.talkover.ai/api-reference/endpoints/list-availability-rules).
    ///
    #[doc = talkover_core::errors_section!("list-availability-rules")]
    pub fn list(&self) -> C::Call<Page<AvailabilityRule>> {
        self.client.call(ListAvailabilityRules::new(&self.calendar_id))
    }

    /// [Create an availability rule](https://docs.talkover.ai/api-reference/endpoints/create-availability-rule):
    /// a [`RecurringAvailability`](crate::calendars::availability::RecurringAvailability) or an
    /// [`AvailabilityException`](crate::calendars::availability::AvailabilityException). Never retried
    /// once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-availability-rule")]
    pub fn create(&self, rule: impl Into<NewAvailabilityRule>) -> C::Call<AvailabilityRule> {
        self.client.call(CreateAvailabilityRule::new(&self.calendar_id, rule))
    }

    /// [Update an availability rule](https://docs.talkover.ai/api-reference/endpoints/update-availability-rule):
    /// only the fields set change. The answer holds the id and the fields that changed.
    ///
    #[doc = talkover_core::errors_section!("update-availability-rule")]
    pub fn update(
        &self,
        rule_id: impl Into<AvailabilityRuleId>,
        update: AvailabilityRuleUpdate,
    ) -> C::Call<UpdatedAvailabilityRule> {
        self.client.call(UpdateAvailabilityRule::new(&self.calendar_id, rule_id, update))
    }

    /// [Delete an availability rule](https://docs.talkover.ai/api-reference/endpoints/delete-availability-rule).
    ///
    #[doc = talkover_core::errors_section!("delete-availability-rule")]
    pub fn delete(&self, rule_id: impl Into<AvailabilityRuleId>) -> C::Call<Ack> {
        self.client.call(DeleteAvailabilityRule::new(&self.calendar_id, rule_id))
    }

    /// [Query availability](https://docs.talkover.ai/api-reference/endpoints/query-availability): the free
    /// slots between `from` and `to`; set the slot length on the returned request, then `send()`.
    ///
    /// Its query parameters are the fields of [`AvailabilityQuery`](crate::calendars::availability::AvailabilityQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("query-availability")]
    pub fn query(&self, from: DateTime, to: DateTime) -> Pending<'c, C, QueryAvailability> {
        Pending::new(self.client, QueryAvailability::new(&self.calendar_id, from, to))
    }
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
}

impl<C: Execute> CalendarProviders<'_, C> {
    /// [List the calendar's provider connections](https://docs.talkover.ai/api-reference/endpoints/list-provider-connections).
    ///
    #[doc = talkover_core::errors_section!("list-provider-connections")]
    pub fn list(&self) -> C::Call<Page<ProviderConnection>> {
        self.client.call(ListProviderConnections::new(&self.calendar_id))
    }

    /// [Create a provider connection](https://docs.talkover.ai/api-reference/endpoints/create-provider-connection):
    /// it stays inactive until the user authorizes it at the returned `authorization_url`. Never retried
    /// once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("create-provider-connection")]
    pub fn connect(&self, connection: NewProviderConnection) -> C::Call<ProviderConnection> {
        self.client.call(CreateProviderConnection::new(&self.calendar_id, connection))
    }

    /// [Disconnect a provider](https://docs.talkover.ai/api-reference/endpoints/disconnect-provider): events
    /// already synced stay, but no longer change with the provider.
    ///
    #[doc = talkover_core::errors_section!("disconnect-provider")]
    pub fn disconnect(&self, provider_id: impl Into<ProviderConnectionId>) -> C::Call<Ack> {
        self.client.call(DisconnectProvider::new(&self.calendar_id, provider_id))
    }

    /// [Sync one provider connection now](https://docs.talkover.ai/api-reference/endpoints/trigger-provider-sync).
    /// Never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("trigger-provider-sync")]
    pub fn sync(&self, provider_id: impl Into<ProviderConnectionId>) -> C::Call<QueuedSync> {
        self.client.call(TriggerProviderSync::new(&self.calendar_id, provider_id))
    }
}
