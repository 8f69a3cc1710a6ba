//! Calendars: create one, open it on weekdays, find the free slots of a week and book one with an attendee.
//!
//! `cargo run --example calendars` runs on the local emulator: no token, no network (it keeps the calendar,
//! its rules and events, and computes the free slots from the rules and the events booked). With `TALKOVER_TOKEN` set it
//! creates the calendar in your account and deletes it at the end; the calendar's owner is the current
//! user, which the Account API gives for a user's session token: set `TALKOVER_USER_TOKEN` too.

use talkover::calendars::availability::{RecurringAvailability, TimeOfDay, Weekday};
use talkover::calendars::events::{NewCalendarEvent, NewEventAttendee};
use talkover::calendars::NewCalendar;
use talkover::time::DateTime;
use talkover_examples::{account_client, connect};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = connect().await?;
    let user = account_client(&client, emulator.as_ref())?.current_user().await?;
    let calendar = client
        .calendars()
        .create(NewCalendar::new("Demo bookings", user.id.to_string()).timezone("America/New_York"))
        .await?;
    println!("calendar {} ({})", calendar.name, calendar.id);

    // Open Monday to Friday, 09:00 to 17:00 New York time.
    let availability = client.calendars().availability(&calendar.id);
    let hours = RecurringAvailability::new(Weekday::MONDAY_TO_FRIDAY, TimeOfDay::new(9, 0)?, TimeOfDay::new(17, 0)?)
        .timezone("America/New_York");
    let rule = availability.create(hours).await?;
    println!("availability rule {}", rule.id);

    // The free 30-minute slots of a week.
    let from = DateTime::new("2030-01-07T00:00:00-05:00")?;
    let to = DateTime::new("2030-01-14T00:00:00-05:00")?;
    let slots = availability.query(from, to).duration_minutes(30).send().await?.items;
    println!("{} free slots", slots.len());
    for slot in slots.iter().take(3) {
        println!("  {} to {}", slot.start_at, slot.end_at);
    }

    // Book the first one, and invite the customer.
    let Some(slot) = slots.first() else { return Ok(()) };
    let events = client.calendars().events(&calendar.id);
    let booking =
        NewCalendarEvent::new("Demo with Acme", slot.start_at.clone(), slot.end_at.clone()).event_type("meeting");
    let event = events.create(booking).await?;
    let attendee = events.attendees(&event.id).add(NewEventAttendee::new("Jane Doe", "jane@acme.example")).await?;
    println!("booked {} ({}) {} to {}, attendee {}", event.title, event.id, event.start_at, event.end_at, attendee.id);

    client.calendars().delete(&calendar.id).await?;
    println!("calendar deleted");
    Ok(())
}
