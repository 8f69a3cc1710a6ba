//! Time zones of calendars and their rules: the IANA zones, from jiff's bundled copy of the time zone
//! database (so every machine answers alike), and fixed offsets (`+02:00`, `UTC-5`, `GMT-0800`).

use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use talkover_core::time::{Date, DateTime};

use crate::reply::{words, Invalid};

const DAY: i64 = 86_400;

/// A time zone a calendar or a rule names.
#[derive(Clone, Debug)]
pub(crate) struct Zone(TimeZone);

impl Zone {
    /// The zone a name gives; UTC for no name or a name that is no zone.
    pub(crate) fn named_or_utc(name: Option<&str>) -> Zone {
        name.and_then(Self::named).unwrap_or(Zone(TimeZone::UTC))
    }

    /// The zone a name gives: an IANA zone (`America/New_York`, `Etc/GMT+5`; any case), or a fixed offset
    /// from UTC (`+02:00`, `UTC-5`, `GMT-0800`). An empty name (or white space) names none.
    pub(crate) fn named(name: &str) -> Option<Zone> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        if let Ok(zone) = TimeZone::get(name) {
            return Some(Zone(zone));
        }
        let upper = name.to_ascii_uppercase();
        let rest = ["UTC", "GMT", "Z"].iter().find_map(|prefix| upper.strip_prefix(prefix)).unwrap_or(&upper);
        if rest.is_empty() {
            return Some(Zone(TimeZone::UTC));
        }
        let offset = Offset::from_seconds(offset_minutes(rest)? * 60).ok()?;
        Some(Zone(TimeZone::fixed(offset)))
    }

    /// The wall-clock time in this zone of an instant, both as seconds since 1970-01-01T00:00 (the
    /// instant's on UTC's clock, the result on this zone's).
    pub(crate) fn to_local(&self, utc: i64) -> i64 {
        let Ok(instant) = Timestamp::from_second(utc) else { return utc };
        utc + i64::from(self.0.to_offset(instant).seconds())
    }

    /// The instant (seconds since the epoch) of a wall-clock time in this zone, given as the seconds since
    /// 1970-01-01T00:00 on that wall clock. A time the clocks skip in spring is read on the winter clock
    /// (02:30 is 03:30 summer time); a time they show twice in autumn is its first, summer-time showing.
    pub(crate) fn to_utc(&self, local: i64) -> i64 {
        let Ok(wall) = Timestamp::from_second(local).map(|t| TimeZone::UTC.to_datetime(t)) else { return local };
        self.0.to_ambiguous_timestamp(wall).compatible().map_or(local, |t| t.as_second())
    }

    /// Every instant (seconds since the epoch) a wall-clock time of this zone can be read as: one, or two
    /// where the clocks show it twice (autumn) or skip it (spring: its reading on either clock).
    pub(crate) fn readings(&self, local: i64) -> Vec<i64> {
        let Ok(wall) = Timestamp::from_second(local).map(|t| TimeZone::UTC.to_datetime(t)) else { return vec![local] };
        let ambiguous = self.0.to_ambiguous_timestamp(wall);
        let mut found: Vec<i64> =
            [ambiguous.earlier(), ambiguous.later()].into_iter().flatten().map(|t| t.as_second()).collect();
        found.dedup();
        found
    }

    /// The instants (seconds since the epoch) after `from` and up to `until` at which the zone's clocks
    /// change, at most `limit` of them.
    pub(crate) fn changes(&self, from: i64, until: i64, limit: usize) -> Vec<i64> {
        let Ok(start) = Timestamp::from_second(from) else { return Vec::new() };
        self.0
            .following(start)
            .map(|change| change.timestamp().as_second())
            .take_while(|&at| at <= until)
            .take(limit)
            .collect()
    }
}

impl Invalid {
    /// Refuses a time zone that is neither an IANA zone nor a fixed offset from UTC (an empty one
    /// included), where the pages ask for an IANA time zone; a field refused already (a required one
    /// given empty) is not refused twice.
    pub(crate) fn zone(&mut self, field: &str, name: Option<&str>) {
        if name.is_some_and(|name| Zone::named(name).is_none()) && !self.has(field) {
            self.add(field, format!("The {} must be a valid timezone.", words(field)));
        }
    }
}

/// `+HH:MM`, `-HH:MM`, `+HHMM`, `+HH` or `+H`, in minutes east (at most 18 hours).
fn offset_minutes(text: &str) -> Option<i32> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    let small = |part: &str, max: i32| {
        let ok = (1..=2).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| part.parse::<i32>().ok()).flatten().filter(|n| *n <= max)
    };
    let minutes = small(hours, 18)? * 60 + small(minutes, 59)?;
    (minutes <= 18 * 60).then_some(sign * minutes)
}

/// The day number (days since 1970-01-01) of a date.
pub(crate) fn day_number(date: &Date) -> Option<i64> {
    let midnight = DateTime::new(&format!("{}T00:00:00Z", date.as_str())).ok()?;
    Some(midnight.unix_timestamp().div_euclid(DAY))
}

/// The day of the week of a day number, as the API numbers it: 1 (Monday) to 7 (Sunday).
pub(crate) fn weekday_number(day: i64) -> u8 {
    // 1970-01-01 was a Thursday.
    ((day + 3).rem_euclid(7) + 1) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> i64 {
        DateTime::new(text).unwrap().unix_timestamp()
    }

    fn local(text: &str) -> i64 {
        at(&format!("{text}Z"))
    }

    #[test]
    fn fixed_offsets_and_utc_are_read_from_their_names() {
        let noon = local("2024-07-01T12:00:00");
        for (name, minutes) in [
            ("UTC", 0),
            ("Etc/UTC", 0),
            ("GMT", 0),
            ("Z", 0),
            ("+02:00", 120),
            ("-05:30", -330),
            ("UTC+3", 180),
            ("GMT-0800", -480),
            ("Etc/GMT+5", -300),
            ("Etc/GMT-14", 840),
        ] {
            let zone = Zone::named(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(zone.to_utc(noon), noon - minutes * 60, "{name}");
        }
        for name in ["Mars/Olympus_Mons", "+25:00", "UTC+", "+1:2:3", "+٣", "", "  "] {
            assert!(Zone::named(name).is_none(), "{name}");
        }
        assert_eq!(Zone::named_or_utc(Some("Mars/Olympus_Mons")).to_utc(noon), noon);
        assert_eq!(Zone::named_or_utc(None).to_utc(noon), noon);
    }

    #[test]
    fn wall_clock_times_follow_the_time_zone_database() {
        let cases = [
            ("America/New_York", "2024-01-15T09:00:00", "2024-01-15T14:00:00Z"),
            ("America/New_York", "2024-07-15T09:00:00", "2024-07-15T13:00:00Z"),
            // 2024-03-10: 02:00 becomes 03:00; 02:30 does not exist and is read on the winter clock.
            ("America/New_York", "2024-03-10T01:59:00", "2024-03-10T06:59:00Z"),
            ("America/New_York", "2024-03-10T02:30:00", "2024-03-10T07:30:00Z"),
            ("America/New_York", "2024-03-10T03:00:00", "2024-03-10T07:00:00Z"),
            // 2024-11-03: 01:30 happens twice; the first (summer) one is taken.
            ("America/New_York", "2024-11-03T01:30:00", "2024-11-03T05:30:00Z"),
            ("America/New_York", "2024-11-03T03:00:00", "2024-11-03T08:00:00Z"),
            // Before 2007 the United States changed clocks on other dates: 2006-04-02 and 2006-10-29.
            ("America/New_York", "2006-03-20T09:00:00", "2006-03-20T14:00:00Z"),
            ("America/New_York", "2006-10-30T09:00:00", "2006-10-30T14:00:00Z"),
            // The European dates, and a name in any case.
            ("europe/paris", "2024-03-30T09:00:00", "2024-03-30T08:00:00Z"),
            ("europe/paris", "2024-03-31T09:00:00", "2024-03-31T07:00:00Z"),
            ("europe/paris", "2024-10-26T09:00:00", "2024-10-26T07:00:00Z"),
            ("europe/paris", "2024-10-27T09:00:00", "2024-10-27T08:00:00Z"),
            ("Asia/Tokyo", "2024-07-01T09:00:00", "2024-07-01T00:00:00Z"),
            // A quarter-hour offset, and the southern summer.
            ("Asia/Kathmandu", "2024-07-01T09:00:00", "2024-07-01T03:15:00Z"),
            ("Australia/Sydney", "2024-01-15T09:00:00", "2024-01-14T22:00:00Z"),
            ("Australia/Sydney", "2024-07-15T09:00:00", "2024-07-14T23:00:00Z"),
        ];
        for (name, wall, instant) in cases {
            let zone = Zone::named(name).unwrap_or_else(|| panic!("{name}"));
            assert_eq!(zone.to_utc(local(wall)), at(instant), "{name} {wall}");
        }
    }

    #[test]
    fn weekdays_count_from_monday() {
        let monday = day_number(&Date::new("2024-01-15").unwrap()).unwrap();
        assert_eq!(weekday_number(monday), 1);
        assert_eq!(weekday_number(monday + 6), 7);
        assert_eq!(weekday_number(0), 4, "1970-01-01 was a Thursday");
    }
}
