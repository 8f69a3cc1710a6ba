//! Time zones for the free slots of a calendar, without a time zone database: UTC, fixed offsets
//! (`+02:00`, `UTC-05:00`, `GMT+1`, `Etc/GMT+5`), and a table of common IANA zones with their standard
//! offset and today's daylight-saving rule (the United States' since 2007, the European Union's since
//! 1996), applied to every year. A name the table does not hold is read as UTC.

use talkover_core::time::{Date, DateTime};

const DAY: i64 = 86_400;

/// When a zone moves its clocks an hour forward for the summer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Summer {
    /// Never.
    Never,
    /// From the second Sunday of March, 02:00 local time, to the first Sunday of November, 02:00 local
    /// (summer) time.
    UnitedStates,
    /// From the last Sunday of March to the last Sunday of October, both at 01:00 UTC.
    Europe,
}

/// A time zone: its standard offset from UTC, in minutes east, and its summer rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Zone {
    standard: i32,
    summer: Summer,
}

use Summer::{Europe, Never, UnitedStates};

/// The IANA zones known by name, with their standard offset in minutes and their summer rule.
const NAMED: &[(&str, i32, Summer)] = &[
    ("America/New_York", -300, UnitedStates),
    ("America/Detroit", -300, UnitedStates),
    ("America/Toronto", -300, UnitedStates),
    ("America/Chicago", -360, UnitedStates),
    ("America/Denver", -420, UnitedStates),
    ("America/Phoenix", -420, Never),
    ("America/Los_Angeles", -480, UnitedStates),
    ("America/Vancouver", -480, UnitedStates),
    ("America/Anchorage", -540, UnitedStates),
    ("America/Halifax", -240, UnitedStates),
    ("Pacific/Honolulu", -600, Never),
    ("America/Mexico_City", -360, Never),
    ("America/Bogota", -300, Never),
    ("America/Lima", -300, Never),
    ("America/Sao_Paulo", -180, Never),
    ("America/Argentina/Buenos_Aires", -180, Never),
    ("Atlantic/Reykjavik", 0, Never),
    ("Europe/London", 0, Europe),
    ("Europe/Dublin", 0, Europe),
    ("Europe/Lisbon", 0, Europe),
    ("Europe/Amsterdam", 60, Europe),
    ("Europe/Berlin", 60, Europe),
    ("Europe/Brussels", 60, Europe),
    ("Europe/Copenhagen", 60, Europe),
    ("Europe/Madrid", 60, Europe),
    ("Europe/Oslo", 60, Europe),
    ("Europe/Paris", 60, Europe),
    ("Europe/Prague", 60, Europe),
    ("Europe/Rome", 60, Europe),
    ("Europe/Stockholm", 60, Europe),
    ("Europe/Vienna", 60, Europe),
    ("Europe/Warsaw", 60, Europe),
    ("Europe/Zurich", 60, Europe),
    ("Europe/Athens", 120, Europe),
    ("Europe/Bucharest", 120, Europe),
    ("Europe/Helsinki", 120, Europe),
    ("Europe/Kyiv", 120, Europe),
    ("Europe/Kiev", 120, Europe),
    ("Europe/Istanbul", 180, Never),
    ("Europe/Moscow", 180, Never),
    ("Africa/Lagos", 60, Never),
    ("Africa/Johannesburg", 120, Never),
    ("Africa/Cairo", 120, Never),
    ("Africa/Nairobi", 180, Never),
    ("Asia/Dubai", 240, Never),
    ("Asia/Kolkata", 330, Never),
    ("Asia/Calcutta", 330, Never),
    ("Asia/Bangkok", 420, Never),
    ("Asia/Jakarta", 420, Never),
    ("Asia/Shanghai", 480, Never),
    ("Asia/Hong_Kong", 480, Never),
    ("Asia/Singapore", 480, Never),
    ("Asia/Manila", 480, Never),
    ("Australia/Perth", 480, Never),
    ("Asia/Tokyo", 540, Never),
    ("Asia/Seoul", 540, Never),
    ("Australia/Brisbane", 600, Never),
];

/// The largest fixed offset read, in minutes (the IANA database's offsets stay within ±14 hours).
const MAX_OFFSET: i32 = 18 * 60;

impl Zone {
    pub(crate) const UTC: Zone = Zone { standard: 0, summer: Never };

    /// The zone a name gives: UTC, a fixed offset, or a zone of the table; UTC for any other name.
    pub(crate) fn named_or_utc(name: Option<&str>) -> Zone {
        name.and_then(Self::named).unwrap_or(Self::UTC)
    }

    /// The zone a name gives, if it is UTC, a fixed offset or a zone of the table.
    pub(crate) fn named(name: &str) -> Option<Zone> {
        let name = name.trim();
        if let Some(&(_, standard, summer)) = NAMED.iter().find(|(known, _, _)| known.eq_ignore_ascii_case(name)) {
            return Some(Zone { standard, summer });
        }
        let fixed = |standard| Zone { standard, summer: Never };
        let upper = name.to_ascii_uppercase();
        // `Etc/GMT+5` is five hours west of Greenwich: the POSIX sign, the other way round.
        if let Some(rest) = upper.strip_prefix("ETC/GMT").or_else(|| upper.strip_prefix("ETC/UTC")) {
            return if rest.is_empty() { Some(Self::UTC) } else { offset(rest).map(|m| fixed(-m)) };
        }
        let rest = ["UTC", "GMT", "Z"].iter().find_map(|prefix| upper.strip_prefix(prefix)).unwrap_or(&upper);
        if rest.is_empty() {
            return Some(Self::UTC);
        }
        offset(rest).map(fixed)
    }

    /// The offset from UTC, in minutes, in force at `utc` (seconds since the epoch).
    fn offset_at(self, utc: i64) -> i32 {
        let summer = self.standard + 60;
        let Some(year) = year_of(utc + i64::from(self.standard) * 60) else { return self.standard };
        let starts_ends = match self.summer {
            Never => None,
            UnitedStates => nth_sunday(year, 3, 2).zip(nth_sunday(year, 11, 1)).map(|(start, end)| {
                let two = 2 * 3600;
                (start * DAY + two - i64::from(self.standard) * 60, end * DAY + two - i64::from(summer) * 60)
            }),
            Europe => last_sunday(year, 3)
                .zip(last_sunday(year, 10))
                .map(|(start, end)| (start * DAY + 3600, end * DAY + 3600)),
        };
        match starts_ends {
            Some((start, end)) if (start..end).contains(&utc) => summer,
            _ => self.standard,
        }
    }

    /// The instant (seconds since the epoch) of a wall-clock time in this zone, given as the seconds since
    /// 1970-01-01T00:00 on that wall clock. A time the clocks skip in spring is read on the winter clock
    /// (02:30 is 03:30 summer time); a time they show twice in autumn is its first, summer-time showing.
    pub(crate) fn to_utc(self, local: i64) -> i64 {
        if self.summer == Never {
            return local - i64::from(self.standard) * 60;
        }
        let summer = self.standard + 60;
        [summer, self.standard]
            .into_iter()
            .map(|offset| (offset, local - i64::from(offset) * 60))
            .find(|(offset, utc)| self.offset_at(*utc) == *offset)
            .map_or(local - i64::from(self.standard) * 60, |(_, utc)| utc)
    }
}

/// `+HH:MM`, `-HH:MM`, `+HHMM`, `+HH` or `+H`, in minutes east.
fn offset(text: &str) -> Option<i32> {
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
    (minutes <= MAX_OFFSET).then_some(sign * minutes)
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

fn year_of(seconds: i64) -> Option<u16> {
    DateTime::from_unix_timestamp(seconds).ok().map(|t| t.date().year())
}

fn ymd(year: u16, month: u8, day: u8) -> Option<i64> {
    day_number(&Date::from_ymd(year, month, day).ok()?)
}

/// The day number of the `n`th Sunday of a month.
fn nth_sunday(year: u16, month: u8, n: i64) -> Option<i64> {
    let first = ymd(year, month, 1)?;
    let first_sunday = first + (7 - i64::from(weekday_number(first))) % 7;
    Some(first_sunday + 7 * (n - 1))
}

/// The day number of the last Sunday of a month (March or October: the next month is in the same year).
fn last_sunday(year: u16, month: u8) -> Option<i64> {
    let last = ymd(year, month + 1, 1)? - 1;
    Some(last - i64::from(weekday_number(last)) % 7)
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
        for (name, minutes) in [
            ("UTC", 0),
            ("Etc/UTC", 0),
            ("GMT", 0),
            ("+02:00", 120),
            ("-05:30", -330),
            ("UTC+3", 180),
            ("GMT-0800", -480),
            ("Etc/GMT+5", -300),
            ("Etc/GMT-14", 840),
        ] {
            assert_eq!(Zone::named(name), Some(Zone { standard: minutes, summer: Never }), "{name}");
        }
        for name in ["Mars/Olympus_Mons", "+25:00", "UTC+", "+1:2:3", "+٣"] {
            assert_eq!(Zone::named(name), None, "{name}");
        }
        assert_eq!(Zone::named_or_utc(Some("Mars/Olympus_Mons")), Zone::UTC);
        assert_eq!(Zone::named_or_utc(None), Zone::UTC);
    }

    #[test]
    fn new_york_moves_its_clocks_on_the_united_states_dates() {
        let ny = Zone::named("America/New_York").unwrap();
        assert_eq!(ny.to_utc(local("2024-01-15T09:00:00")), at("2024-01-15T14:00:00Z"));
        assert_eq!(ny.to_utc(local("2024-07-15T09:00:00")), at("2024-07-15T13:00:00Z"));
        // 2024-03-10: 02:00 becomes 03:00; 02:30 does not exist and is read on the winter clock.
        assert_eq!(ny.to_utc(local("2024-03-10T01:59:00")), at("2024-03-10T06:59:00Z"));
        assert_eq!(ny.to_utc(local("2024-03-10T02:30:00")), at("2024-03-10T07:30:00Z"));
        assert_eq!(ny.to_utc(local("2024-03-10T03:00:00")), at("2024-03-10T07:00:00Z"));
        // 2024-11-03: 01:30 happens twice; the first (summer) one is taken.
        assert_eq!(ny.to_utc(local("2024-11-03T01:30:00")), at("2024-11-03T05:30:00Z"));
        assert_eq!(ny.to_utc(local("2024-11-03T03:00:00")), at("2024-11-03T08:00:00Z"));
    }

    #[test]
    fn paris_moves_its_clocks_on_the_european_dates() {
        let paris = Zone::named("europe/paris").unwrap();
        assert_eq!(paris.to_utc(local("2024-03-30T09:00:00")), at("2024-03-30T08:00:00Z"));
        assert_eq!(paris.to_utc(local("2024-03-31T09:00:00")), at("2024-03-31T07:00:00Z"));
        assert_eq!(paris.to_utc(local("2024-10-26T09:00:00")), at("2024-10-26T07:00:00Z"));
        assert_eq!(paris.to_utc(local("2024-10-27T09:00:00")), at("2024-10-27T08:00:00Z"));
        let tokyo = Zone::named("Asia/Tokyo").unwrap();
        assert_eq!(tokyo.to_utc(local("2024-07-01T09:00:00")), at("2024-07-01T00:00:00Z"));
    }

    #[test]
    fn weekdays_count_from_monday() {
        let monday = day_number(&Date::new("2024-01-15").unwrap()).unwrap();
        assert_eq!(weekday_number(monday), 1);
        assert_eq!(weekday_number(monday + 6), 7);
        assert_eq!(weekday_number(0), 4, "1970-01-01 was a Thursday");
        assert_eq!(nth_sunday(2024, 3, 2), day_number(&Date::new("2024-03-10").unwrap()));
        assert_eq!(last_sunday(2024, 10), day_number(&Date::new("2024-10-27").unwrap()));
    }
}
