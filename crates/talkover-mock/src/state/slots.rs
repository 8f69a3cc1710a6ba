//! The free slots of a calendar, computed from its availability rules and events.
//!
//! Open time is the union of the recurring windows (each weekday the rule names, from its start time to
//! its end time, in the rule's time zone or else the calendar's; an end before the start is the next
//! day's) and of the exception dates marked
//! available (the whole day, in the calendar's time zone). Closed time is the exception dates marked
//! unavailable (the whole day) and every event not cancelled. Slots are `duration` long, laid back to back
//! from the start of each stretch of open time (09:00, 09:30, 10:00 for 30 minutes from 09:00); a slot
//! that would overlap closed time, or fall outside `[from, to)`, is left out. Slots are given in UTC.
//!
//! The work is bounded: a range longer than [`MAX_RANGE_DAYS`] or one holding more than [`MAX_SLOTS`]
//! slots is refused.

use talkover_core::calendars::availability::{AvailabilityRule, AvailabilityRuleType, AvailableSlot, TimeOfDay};
use talkover_core::calendars::events::{CalendarEvent, EventStatus};
use talkover_core::time::DateTime;

use super::zones::{day_number, weekday_number, Zone};

const DAY: i64 = 86_400;

/// The longest range a query may ask about, in days.
pub(crate) const MAX_RANGE_DAYS: i64 = 366;

/// The most slots one answer holds.
pub(crate) const MAX_SLOTS: usize = 10_000;

/// Why slots were not computed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TooMuch {
    /// The range is longer than [`MAX_RANGE_DAYS`].
    Range,
    /// The range holds more than [`MAX_SLOTS`] slots.
    Slots,
}

/// What a calendar holds that decides its free time.
pub(crate) struct Schedule<'a> {
    /// The calendar's time zone (UTC when absent or unknown).
    pub(crate) timezone: Option<&'a str>,
    pub(crate) rules: &'a [AvailabilityRule],
    pub(crate) events: &'a [CalendarEvent],
}

/// A stretch of time, in seconds since the epoch: from `.0` (included) to `.1` (excluded).
type Span = (i64, i64);

/// Seconds since the epoch, the fraction dropped.
fn floor_seconds(time: &DateTime) -> i64 {
    time.unix_timestamp()
}

/// Seconds since the epoch, a fraction counted as a whole second.
fn ceil_seconds(time: &DateTime) -> i64 {
    let seconds = time.unix_timestamp();
    match DateTime::from_unix_timestamp(seconds) {
        Ok(whole) if whole.cmp_instant(time).is_lt() => seconds + 1,
        _ => seconds,
    }
}

/// Seconds after midnight.
pub(super) fn seconds_of(time: TimeOfDay) -> i64 {
    i64::from(time.hour()) * 3600 + i64::from(time.minute()) * 60
}

/// Sorted, with the spans that overlap or touch made one.
fn merged(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for (start, end) in spans {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// `numerator / denominator` rounded up, both positive.
fn div_ceil(numerator: i64, denominator: i64) -> i64 {
    (numerator + denominator - 1).div_euclid(denominator)
}

impl Schedule<'_> {
    /// The free slots of `duration_minutes` between `from` and `to`.
    pub(crate) fn free_slots(
        &self,
        from: &DateTime,
        to: &DateTime,
        duration_minutes: u32,
    ) -> Result<Vec<AvailableSlot>, TooMuch> {
        let (from, to) = (ceil_seconds(from), floor_seconds(to));
        if to - from > MAX_RANGE_DAYS * DAY {
            return Err(TooMuch::Range);
        }
        let step = i64::from(duration_minutes.max(1)) * 60;
        // Local days around the range: a day in any zone (±18 hours) that can reach into it.
        let days = from.div_euclid(DAY) - 1..=to.div_euclid(DAY) + 1;
        let calendar_zone = Zone::named_or_utc(self.timezone);
        let (mut open, mut closed) = (Vec::new(), Vec::new());
        for rule in self.rules {
            let zone = match rule.timezone.as_deref() {
                Some(name) => Zone::named_or_utc(Some(name)),
                None => calendar_zone.clone(),
            };
            match rule.rule_type {
                AvailabilityRuleType::Recurring => {
                    let (Some(weekdays), Some(start), Some(end)) = (&rule.days_of_week, rule.start_time, rule.end_time)
                    else {
                        continue;
                    };
                    for day in days.clone() {
                        if !weekdays.iter().any(|w| w.number() == weekday_number(day)) {
                            continue;
                        }
                        // A window that closes before it opens (22:00 to 02:00) closes the next day.
                        let (opens, mut closes) = (seconds_of(start), seconds_of(end));
                        if closes < opens {
                            closes += DAY;
                        }
                        let span = (zone.to_utc(day * DAY + opens), zone.to_utc(day * DAY + closes));
                        if span.0 < span.1 {
                            open.push(span);
                        }
                    }
                }
                AvailabilityRuleType::Exception => {
                    let (Some(date), Some(available)) = (&rule.date, rule.available) else { continue };
                    let Some(day) = day_number(date).filter(|day| days.contains(day)) else { continue };
                    let span = (zone.to_utc(day * DAY), zone.to_utc((day + 1) * DAY));
                    if available {
                        open.push(span);
                    } else {
                        closed.push(span);
                    }
                }
                _ => {}
            }
        }
        for event in self.events.iter().filter(|e| e.status != EventStatus::Cancelled) {
            let span = (floor_seconds(&event.start_at), ceil_seconds(&event.end_at));
            if span.0 < to && span.1 > from {
                closed.push(span);
            }
        }
        let closed = merged(closed);
        let mut slots = Vec::new();
        for (anchor, open_end) in merged(open) {
            let end = open_end.min(to);
            let mut start = if anchor < from { anchor + div_ceil(from - anchor, step) * step } else { anchor };
            while start + step <= end {
                // The first closed span that ends after this slot starts: if it starts before the slot ends,
                // the next slot that can be free starts on the grid at or after its end.
                let next_closed = closed.partition_point(|c| c.1 <= start);
                if let Some(&(closed_start, closed_end)) = closed.get(next_closed) {
                    if closed_start < start + step {
                        start = anchor + div_ceil(closed_end - anchor, step) * step;
                        continue;
                    }
                }
                if slots.len() == MAX_SLOTS {
                    return Err(TooMuch::Slots);
                }
                let times =
                    DateTime::from_unix_timestamp(start).ok().zip(DateTime::from_unix_timestamp(start + step).ok());
                if let Some((slot_start, slot_end)) = times {
                    slots.push(AvailableSlot::new(slot_start, slot_end));
                }
                start += step;
            }
        }
        Ok(slots)
    }
}
