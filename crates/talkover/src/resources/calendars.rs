//! Handlers for calendars.
