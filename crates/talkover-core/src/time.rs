//! Calendar dates, instants, times of day and weekdays, in requests and in responses.
//!
//! The API reads `from`, `to`, `start_date`, `end_date` and the like as text. A bare `2024-01-15T10:30:00`
//! would leave the server to guess the time zone, so [`DateTime`] insists on an offset (`Z` or `+02:00`)
//! and [`Date`] on the `YYYY-MM-DD` form. Both keep the text exactly as given and serialize as a string.
//! The calendar pages' times (a query's range, an event's start and end), which they document as ISO 8601,
//! are [`CalendarTime`]s: a [`DateTime`], a [`Date`], or a date-time without an offset, for a caller who
//! means the calendar's own clock.
//! A response's date-times are [`Timestamp`]s: the API's text as sent, with the [`DateTime`] it denotes.
//! [`TimeOfDay`] is an `HH:MM` time on a 24-hour clock, without a zone, and [`Weekday`] the API's day number,
//! 1 (Monday) to 7 (Sunday). With the `chrono` feature, dates, date-times and times of day convert to and
//! from chrono's types (module `chrono_support`).

use std::fmt;
use std::str::FromStr;

/// Why a text is not a [`Date`] or a [`DateTime`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a valid {expected}: {reason}")]
pub struct TimeError {
    input: String,
    expected: &'static str,
    reason: &'static str,
}

impl TimeError {
    fn new(input: &str, expected: &'static str, reason: &'static str) -> Self {
        Self { input: input.to_owned(), expected, reason }
    }

    /// The text that was rejected.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// What was wrong with it.
    pub fn reason(&self) -> &str {
        self.reason
    }

    /// What a decoder expected where it met the rejected text, without the text: a decoding error of an
    /// answer quotes no value of the body (it may be a secret), unless through the form the error type
    /// hides (`invalid value: string "…"`).
    fn expecting(&self) -> String {
        format!("a valid {}: {}", self.expected, self.reason)
    }
}

/// A calendar date without a time of day, written `YYYY-MM-DD` (`2024-01-15`).
///
/// Dates compare in calendar order (`<` on two dates is `earlier than`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(String);

impl Date {
    /// Builds a date from its parts, checking that it exists.
    pub fn from_ymd(year: u16, month: u8, day: u8) -> Result<Self, TimeError> {
        Self::new(&format!("{year:04}-{month:02}-{day:02}"))
    }

    /// The year.
    pub fn year(&self) -> u16 {
        digits(&self.0.as_bytes()[0..4]) as u16
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        digits(&self.0.as_bytes()[5..7]) as u8
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        digits(&self.0.as_bytes()[8..10]) as u8
    }
}

/// An instant written in RFC 3339 with an explicit offset: `2024-01-15T10:30:00Z`,
/// `2024-01-15T10:30:00.250+02:00`. A text without `Z` or `±HH:MM` is refused, so the instant is never
/// ambiguous. The text is kept verbatim (offset and fractional seconds included).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DateTime(String);

impl DateTime {
    /// The calendar date part, in the date-time's own offset.
    pub fn date(&self) -> Date {
        Date(self.0[..10].to_owned())
    }

    /// An instant given as seconds since 1970-01-01T00:00:00Z, written in UTC (`…Z`). Fails outside the
    /// years 0000 to 9999.
    pub fn from_unix_timestamp(seconds: i64) -> Result<Self, TimeError> {
        let days = seconds.div_euclid(86_400);
        let secs = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        if !(0..=9999).contains(&year) {
            return Err(TimeError::new(&seconds.to_string(), "Unix timestamp", "outside the years 0000 to 9999"));
        }
        Ok(Self(format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)))
    }

    /// Seconds since 1970-01-01T00:00:00Z (fractional seconds dropped; a leap second counts as the next
    /// second).
    pub fn unix_timestamp(&self) -> i64 {
        let b = self.0.as_bytes();
        let date = self.date();
        let days = days_from_civil(i64::from(date.year()), u32::from(date.month()), u32::from(date.day()));
        let time = i64::from(digits(&b[11..13]) * 3600 + digits(&b[14..16]) * 60 + digits(&b[17..19]));
        days * 86_400 + time - i64::from(self.offset_minutes()) * 60
    }

    /// The instant as the standard library's `SystemTime` (to the nanosecond; a leap second counts as the
    /// next second), to compare with `SystemTime::now()` or hand to a timer.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use talkover::time::DateTime;
    ///
    /// let at = DateTime::new("2024-01-15T12:30:00.5+02:00").unwrap().to_system_time();
    /// assert_eq!(at, UNIX_EPOCH + Duration::from_millis(1_705_314_600_500));
    /// ```
    pub fn to_system_time(&self) -> std::time::SystemTime {
        use std::time::{Duration, UNIX_EPOCH};
        let seconds = self.unix_timestamp();
        let fraction = Duration::from_nanos(u64::from(self.nanos()));
        match u64::try_from(seconds) {
            Ok(after) => UNIX_EPOCH + Duration::from_secs(after) + fraction,
            Err(_) => UNIX_EPOCH - Duration::from_secs(seconds.unsigned_abs()) + fraction,
        }
    }

    /// Compares the instants two date-times denote, whatever their offsets (`==` compares the text:
    /// `10:00:00Z` and `11:00:00+01:00` are the same instant but not equal values).
    pub fn cmp_instant(&self, other: &DateTime) -> std::cmp::Ordering {
        self.unix_timestamp().cmp(&other.unix_timestamp()).then_with(|| self.nanos().cmp(&other.nanos()))
    }

    fn nanos(&self) -> u32 {
        nanos_of(&self.0)
    }

    /// An instant of the standard library's clock, written in UTC to the second (`…Z`): with
    /// `SystemTime::now()`, the time of a filter (`DateTime::from_system_time(SystemTime::now())?.date()` is
    /// today's date in UTC). Fails outside the years 0000 to 9999.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use talkover::time::DateTime;
    ///
    /// let at = DateTime::from_system_time(UNIX_EPOCH + Duration::from_millis(1_705_314_600_500)).unwrap();
    /// assert_eq!(at.as_str(), "2024-01-15T10:30:00Z");
    /// assert_eq!(at.date().as_str(), "2024-01-15");
    /// ```
    pub fn from_system_time(time: std::time::SystemTime) -> Result<Self, TimeError> {
        use std::time::UNIX_EPOCH;
        let seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            // Before 1970: whole seconds towards the past, as a timestamp counts them.
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                -whole - i64::from(before.subsec_nanos() > 0)
            }
        };
        Self::from_unix_timestamp(seconds)
    }

    /// The offset from UTC in minutes (`0` for `Z`, `120` for `+02:00`, `-300` for `-05:00`).
    pub fn offset_minutes(&self) -> i32 {
        let bytes = self.0.as_bytes();
        match bytes[bytes.len() - 1] {
            b'Z' | b'z' => 0,
            _ => {
                let offset = &bytes[bytes.len() - 6..];
                let minutes = (digits(&offset[1..3]) * 60 + digits(&offset[4..6])) as i32;
                if offset[0] == b'-' {
                    -minutes
                } else {
                    minutes
                }
            }
        }
    }

    /// The same instant written in UTC (`…Z`), its fractional seconds kept as written, as the API writes
    /// the instants it stores: `2024-03-11T12:00:00+01:00` is `2024-03-11T11:00:00Z`. Fails only where the
    /// UTC date falls outside the years 0000 to 9999 (`0000-01-01T00:30:00+01:00`).
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::time::DateTime;
    ///
    /// let local = DateTime::new("2024-03-11T00:30:00.250+01:00").unwrap();
    /// assert_eq!(local.to_utc().unwrap().as_str(), "2024-03-10T23:30:00.250Z");
    /// assert_eq!(local.to_utc().unwrap().cmp_instant(&local), std::cmp::Ordering::Equal);
    /// ```
    pub fn to_utc(&self) -> Result<DateTime, TimeError> {
        let utc = Self::from_unix_timestamp(self.unix_timestamp())
            .map_err(|e| TimeError::new(&self.0, "UTC date-time", e.reason))?;
        // The fraction as written, between the seconds and the offset.
        let fraction = self.0[19..].strip_prefix('.').map(|rest| rest.bytes().take_while(u8::is_ascii_digit).count());
        Ok(match fraction {
            Some(digits) => {
                let mut text = utc.0;
                text.insert_str(19, &self.0[19..20 + digits]);
                Self(text)
            }
            None => utc,
        })
    }
}

/// The nanoseconds of the fraction after the seconds of a parsed date-time (`0` without one, or for a date).
fn nanos_of(text: &str) -> u32 {
    let fraction = text.get(19..).and_then(|rest| rest.strip_prefix('.')).unwrap_or("");
    let digits_only = fraction.bytes().take_while(u8::is_ascii_digit).take(9);
    let (value, count) = digits_only.fold((0u32, 0u32), |(n, c), b| (n * 10 + u32::from(b - b'0'), c + 1));
    value * 10u32.pow(9 - count)
}

// Howard Hinnant's days-from-civil algorithm: days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// The inverse of `days_from_civil`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn digits(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

fn number(bytes: &[u8], range: std::ops::RangeInclusive<u32>, reason: &'static str) -> Result<u32, &'static str> {
    if !bytes.iter().all(u8::is_ascii_digit) {
        return Err(reason);
    }
    let n = digits(bytes);
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(reason)
    }
}

fn parse_date(bytes: &[u8]) -> Result<(), &'static str> {
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err("expected YYYY-MM-DD");
    }
    let year = number(&bytes[0..4], 0..=9999, "the year is not four digits")?;
    let month = number(&bytes[5..7], 1..=12, "the month is not 01 to 12")?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    number(&bytes[8..10], 1..=days, "the day does not exist in that month")?;
    Ok(())
}

fn parse_date_time(bytes: &[u8]) -> Result<(), &'static str> {
    if bytes.len() < 20 {
        return Err("expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset");
    }
    match parse_wall_clock(bytes)? {
        [b'Z' | b'z'] => Ok(()),
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            number(&[*h1, *h2], 0..=23, "the offset hour is not 00 to 23")?;
            number(&[*m1, *m2], 0..=59, "the offset minute is not 00 to 59")?;
            Ok(())
        }
        [] => Err("the time zone offset is missing (add Z or ±HH:MM)"),
        _ => Err("expected Z or an offset ±HH:MM at the end"),
    }
}

/// Parses `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` with an optional fraction and an optional offset.
fn parse_calendar_time(bytes: &[u8]) -> Result<(), &'static str> {
    if bytes.len() == 10 {
        return parse_date(bytes);
    }
    if bytes.len() < 19 {
        return Err("expected YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS] with or without an offset");
    }
    match parse_wall_clock(bytes)? {
        [] => Ok(()),
        _ => parse_date_time(bytes),
    }
}

/// Parses the `YYYY-MM-DDTHH:MM:SS[.fraction]` a date-time starts with (at least 19 bytes), giving what
/// follows it.
fn parse_wall_clock(bytes: &[u8]) -> Result<&[u8], &'static str> {
    parse_date(&bytes[..10])?;
    if !matches!(bytes[10], b'T' | b't') {
        return Err("expected T between the date and the time");
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return Err("expected HH:MM:SS");
    }
    number(&bytes[11..13], 0..=23, "the hour is not 00 to 23")?;
    number(&bytes[14..16], 0..=59, "the minute is not 00 to 59")?;
    // 60 allows a leap second, as RFC 3339 does.
    number(&bytes[17..19], 0..=60, "the second is not 00 to 60")?;
    let mut rest = &bytes[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return Err("expected digits after the decimal point");
        }
        rest = &fraction[count..];
    }
    Ok(rest)
}

/// The parts a checked text type shares: `new` (parsing with `$parse`; a refusal names `$what`), `as_str`,
/// the conversions, and serde as a string (a decoder that meets another value says it expected
/// `$expecting`).
macro_rules! text_type {
    ($name:ident, $parse:ident, $what:literal, $expecting:literal, #[doc = $new_doc:literal]) => {
        text_type!($name, $parse, as_written, $what, $expecting, #[doc = $new_doc]);
    };
    ($name:ident, $parse:ident, $widen:ident, $what:literal, $expecting:literal, #[doc = $new_doc:literal]) => {
        impl $name {
            #[doc = $new_doc]
            pub fn new(text: &str) -> Result<Self, TimeError> {
                let widened = $widen(text);
                $parse(widened.as_bytes()).map_err(|reason| TimeError::new(text, $what, reason))?;
                Ok(Self(widened.into_owned()))
            }

            /// The text as written (a [`CalendarTime`]'s in the extended form it is kept in).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = TimeError;

            fn from_str(text: &str) -> Result<Self, TimeError> {
                Self::new(text)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = TimeError;

            fn try_from(text: &str) -> Result<Self, TimeError> {
                Self::new(text)
            }
        }

        impl TryFrom<String> for $name {
            type Error = TimeError;

            fn try_from(text: String) -> Result<Self, TimeError> {
                Self::new(&text)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // A visitor of its own, so that a value of another type is refused as not this one (and
                // help that reads the types says what is wanted).
                struct Text;
                impl serde::de::Visitor<'_> for Text {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        $name::new(text)
                            .map_err(|e| E::invalid_value(serde::de::Unexpected::Str(text), &e.expecting().as_str()))
                    }
                }
                deserializer.deserialize_str(Text)
            }
        }
    };
}

text_type!(
    Date,
    parse_date,
    "date (YYYY-MM-DD)",
    "a date written YYYY-MM-DD",
    #[doc = "Parses `YYYY-MM-DD`, checking that the month and the day exist (`2023-02-29` is refused)."]
);
text_type!(
    DateTime,
    parse_date_time,
    "RFC 3339 date-time with offset",
    "a date-time with an offset (RFC 3339)",
    #[doc = "Parses an RFC 3339 date-time with a mandatory offset."]
);
text_type!(
    CalendarTime,
    parse_calendar_time,
    extended_calendar_time,
    "ISO 8601 date or date-time",
    "an ISO 8601 date or date-time (2024-01-15, 2024-01-15T09:00:00, 2024-01-15T09:00:00Z)",
    #[doc = "Parses a date (`YYYY-MM-DD`) or a date-time (`YYYY-MM-DDTHH:MM:SS`, a fraction allowed; \
             `YYYY-MM-DDTHH:MM` taken as `:00` seconds) with or without an offset (`Z`, `±HH:MM`; `±HHMM` \
             and `±HH` taken as `±HH:MM`)."]
);

/// A text as it is: what the text types other than [`CalendarTime`] parse.
fn as_written(text: &str) -> std::borrow::Cow<'_, str> {
    std::borrow::Cow::Borrowed(text)
}

/// A calendar time in the extended form [`CalendarTime`] keeps: a time of day without seconds
/// (`2024-01-15T09:30`, as an HTML `datetime-local` input writes it) given `:00`, and an offset written
/// `+0200` or `+02` written `+02:00`. Any other text is left as it is, for the parser to take or refuse.
fn extended_calendar_time(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let is_digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|b| b.iter().all(u8::is_ascii_digit));
    // `YYYY-MM-DDTHH:MM`, then nothing, `Z` or an offset.
    let minutes_only = bytes.len() >= 16
        && matches!(bytes[10], b'T' | b't')
        && bytes[13] == b':'
        && is_digits(11..13)
        && is_digits(14..16)
        && matches!(bytes.get(16), None | Some(b'Z' | b'z' | b'+' | b'-'));
    let mut widened = if minutes_only { format!("{}:00{}", &text[..16], &text[16..]) } else { text.to_owned() };
    // The offset after `YYYY-MM-DDTHH:MM:SS[.fraction]`.
    let wide = widened.as_bytes();
    if wide.len() > 19 && matches!(wide[10], b'T' | b't') {
        let fraction = match wide[19] {
            b'.' => 1 + wide[20..].iter().take_while(|b| b.is_ascii_digit()).count(),
            _ => 0,
        };
        let at = 19 + fraction;
        let offset = &wide[at..];
        let sign = matches!(offset.first(), Some(b'+' | b'-'));
        let all_digits = offset.len() > 1 && offset[1..].iter().all(u8::is_ascii_digit);
        match offset.len() {
            5 if sign && all_digits => widened.insert(at + 3, ':'),
            3 if sign && all_digits => widened.push_str(":00"),
            _ => {}
        }
    }
    if widened == text {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(widened)
    }
}

/// A time as the calendar pages take it: the `from` and `to` of query-availability, list-calendar-events
/// and get-calendar-events-batch, and an event's `start_at` and `end_at` in create-calendar-event and
/// update-calendar-event, which their pages document as ISO 8601. It takes three forms:
/// - an instant with an offset, a [`DateTime`] (`2024-01-15T00:00:00Z`, `2024-01-15T09:00:00+02:00`), as
///   in every example of those pages;
/// - a date and time of day without an offset (`2024-01-15T09:00:00`, a fraction allowed);
/// - a date (`2024-01-15`), which stands for its start, midnight.
///
/// The pages do not say in which time zone the API reads the last two. The emulator reads them in the
/// calendar's time zone. Give a [`DateTime`] for an instant that does not depend on that. A time of day
/// without seconds (`2024-01-15T09:30`, as an HTML `datetime-local` input writes it) and an offset written
/// `+0200` or `+02` are taken and kept in the extended form (`2024-01-15T09:30:00`, `+02:00`); other
/// ISO 8601 forms (week dates, the basic `20240115T093000Z`, a comma before a fraction) are refused. The
/// text is otherwise kept and sent as written.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::time::{CalendarTime, Date, DateTime};
///
/// let day = CalendarTime::from(Date::new("2024-01-15")?);
/// assert_eq!((day.date().as_str(), day.seconds_of_day(), day.date_time()), ("2024-01-15", 0, None));
/// let local: CalendarTime = "2024-01-15T09:30:00".parse()?;
/// assert_eq!(local.seconds_of_day(), 9 * 3600 + 30 * 60);
/// let instant = CalendarTime::from(DateTime::new("2024-01-15T09:30:00+02:00")?);
/// assert_eq!(instant.date_time().map(|at| at.unix_timestamp()), Some(1_705_303_800));
/// assert_eq!(CalendarTime::new("2024-01-15T09:30")?.as_str(), "2024-01-15T09:30:00");
/// assert_eq!(CalendarTime::new("2024-01-15T09:30+0200")?.as_str(), "2024-01-15T09:30:00+02:00");
/// assert!(CalendarTime::new("20240115T093000Z").is_err());
/// # Ok::<(), talkover::time::TimeError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CalendarTime(String);

impl CalendarTime {
    /// The instant it names, when it has an offset; `None` for a date or a date-time without an offset,
    /// whose instant depends on the time zone it is read in.
    pub fn date_time(&self) -> Option<DateTime> {
        DateTime::new(&self.0).ok()
    }

    /// The date as written.
    pub fn date(&self) -> Date {
        Date(self.0[..10].to_owned())
    }

    /// The time of day as written, in seconds after midnight (a fraction dropped); `0` for a date.
    pub fn seconds_of_day(&self) -> u32 {
        match self.0.as_bytes() {
            b if b.len() >= 19 => digits(&b[11..13]) * 3600 + digits(&b[14..16]) * 60 + digits(&b[17..19]),
            _ => 0,
        }
    }

    /// Compares the dates and times of day as written, offsets aside: the order of two times read on one
    /// clock (a date is its midnight).
    pub fn cmp_on_clock(&self, other: &CalendarTime) -> std::cmp::Ordering {
        let key = |time: &CalendarTime| (time.date(), time.seconds_of_day(), nanos_of(&time.0));
        key(self).cmp(&key(other))
    }
}

/// A date-time or a date, owned or borrowed, is a [`CalendarTime`] as it is written, and a setter of one
/// takes it as it is ([`IntoParam`](crate::execute::IntoParam)).
macro_rules! calendar_time_from {
    ($($from:ident),+) => {$(
        impl From<$from> for CalendarTime {
            fn from(value: $from) -> Self {
                Self(value.0)
            }
        }

        impl From<&$from> for CalendarTime {
            fn from(value: &$from) -> Self {
                Self(value.0.clone())
            }
        }

        impl crate::execute::IntoParam<CalendarTime> for $from {
            fn into_param(self) -> CalendarTime {
                self.into()
            }
        }

        impl crate::execute::IntoParam<CalendarTime> for &$from {
            fn into_param(self) -> CalendarTime {
                self.into()
            }
        }
    )+};
}

calendar_time_from!(DateTime, Date);

/// What a time of day is, in words.
const TIME_OF_DAY_EXPECTED: &str = "a time of day (HH:MM, 00:00 to 23:59)";

/// Why a text is not a [`TimeOfDay`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not {}", TIME_OF_DAY_EXPECTED)]
pub struct TimeOfDayError {
    input: String,
}

impl TimeOfDayError {
    /// The text that was rejected.
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// A time of day to the minute, written `HH:MM` on a 24-hour clock (`09:00`, `17:30`).
///
/// It has no time zone of its own: a campaign's calling windows are read in the campaign's `timezone`, an
/// availability rule's hours in the rule's `timezone` or the calendar's.
/// Values order from `00:00` to `23:59`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay {
    hour: u8,
    minute: u8,
}

impl TimeOfDay {
    /// The time `hour:minute`, with `hour` 0 to 23 and `minute` 0 to 59.
    pub fn new(hour: u8, minute: u8) -> Result<Self, TimeOfDayError> {
        if hour < 24 && minute < 60 {
            Ok(Self { hour, minute })
        } else {
            Err(TimeOfDayError { input: format!("{hour:02}:{minute:02}") })
        }
    }

    /// Parses exactly `HH:MM`.
    pub fn parse(text: &str) -> Result<Self, TimeOfDayError> {
        let invalid = || TimeOfDayError { input: text.to_owned() };
        let bytes = text.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' || !bytes[..2].iter().chain(&bytes[3..]).all(u8::is_ascii_digit) {
            return Err(invalid());
        }
        let hour = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        let minute = (bytes[3] - b'0') * 10 + (bytes[4] - b'0');
        Self::new(hour, minute).map_err(|_| invalid())
    }

    /// The hour, 0 to 23.
    pub fn hour(self) -> u8 {
        self.hour
    }

    /// The minute, 0 to 59.
    pub fn minute(self) -> u8 {
        self.minute
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

impl fmt::Debug for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeOfDay({self})")
    }
}

impl FromStr for TimeOfDay {
    type Err = TimeOfDayError;
    fn from_str(text: &str) -> Result<Self, TimeOfDayError> {
        Self::parse(text)
    }
}

impl TryFrom<&str> for TimeOfDay {
    type Error = TimeOfDayError;
    fn try_from(text: &str) -> Result<Self, TimeOfDayError> {
        Self::parse(text)
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = TimeOfDayError;
    fn try_from(text: String) -> Result<Self, TimeOfDayError> {
        Self::parse(&text)
    }
}

impl serde::Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        // `invalid value: string "…", expected …`: the form a decoding error hides the value of.
        let unexpected = || serde::de::Unexpected::Str(&text);
        Self::parse(&text).map_err(|_| serde::de::Error::invalid_value(unexpected(), &TIME_OF_DAY_EXPECTED))
    }
}

/// A day of the week, written as the API's number: `1` = Monday … `7` = Sunday (ISO 8601).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Weekday {
    /// `1`.
    Monday = 1,
    /// `2`.
    Tuesday = 2,
    /// `3`.
    Wednesday = 3,
    /// `4`.
    Thursday = 4,
    /// `5`.
    Friday = 5,
    /// `6`.
    Saturday = 6,
    /// `7`.
    Sunday = 7,
}

impl Weekday {
    /// Monday to Sunday.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// Monday to Friday.
    pub const MONDAY_TO_FRIDAY: [Weekday; 5] =
        [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday];

    /// The API's number for the day, 1 (Monday) to 7 (Sunday).
    pub fn number(self) -> u8 {
        self as u8
    }

    /// The day with the API's number, if it is 1 to 7.
    pub fn from_number(number: u8) -> Option<Self> {
        Self::ALL.get(usize::from(number).checked_sub(1)?).copied()
    }
}

impl serde::Serialize for Weekday {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.number())
    }
}

impl<'de> serde::Deserialize<'de> for Weekday {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Weekday;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a weekday number from 1 (Monday) to 7 (Sunday)")
            }
            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Weekday, E> {
                u8::try_from(value)
                    .ok()
                    .and_then(Weekday::from_number)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Unsigned(value), &self))
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Weekday, E> {
                match u64::try_from(value) {
                    Ok(value) => self.visit_u64(value),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(value), &self)),
                }
            }
        }
        deserializer.deserialize_u8(Visitor)
    }
}

impl fmt::Display for Weekday {
    /// The day's English name (`Monday`); serialization writes the API's number instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl From<Weekday> for u8 {
    fn from(day: Weekday) -> u8 {
        day.number()
    }
}

impl TryFrom<u8> for Weekday {
    type Error = WeekdayError;

    /// The day with the API's number; fails outside 1 to 7.
    fn try_from(number: u8) -> Result<Self, WeekdayError> {
        Self::from_number(number).ok_or(WeekdayError(number))
    }
}

/// A number that is no weekday of the API (which counts 1 = Monday to 7 = Sunday).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a weekday number (1 = Monday to 7 = Sunday)")]
pub struct WeekdayError(pub u8);

/// A date-time as a response carries it (`created_at`, `updated_at`, …): the API's text kept verbatim, and
/// the [`DateTime`] it denotes when that text is RFC 3339 with an offset, as every documented example is.
///
/// Decoding never fails on the text's shape: a server that writes `2024-01-15 10:30:00` still yields the
/// rest of its answer, and that field reads back as written with [`Timestamp::date_time`] giving `None`.
/// Serializing writes the text unchanged, so a decoded response encodes back to the same JSON.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::time::{DateTime, Timestamp};
///
/// let created: Timestamp = serde_json::from_str("\"2024-01-15T10:30:00.000000Z\"")?;
/// assert_eq!(created, "2024-01-15T10:30:00.000000Z");
/// assert_eq!(created.date_time().map(DateTime::unix_timestamp), Some(1_705_314_600));
/// assert_eq!(serde_json::to_string(&created)?, "\"2024-01-15T10:30:00.000000Z\"");
///
/// let odd = Timestamp::from("2024-01-15 10:30:00");
/// assert_eq!((odd.as_str(), odd.date_time()), ("2024-01-15 10:30:00", None));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp(Stamp);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Stamp {
    Valid(DateTime),
    Other(String),
}

impl Timestamp {
    /// Wraps a text, reading it as a [`DateTime`] when it is one.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        if parse_date_time(text.as_bytes()).is_ok() {
            Self(Stamp::Valid(DateTime(text)))
        } else {
            Self(Stamp::Other(text))
        }
    }

    /// The text as the API wrote it.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Stamp::Valid(instant) => instant.as_str(),
            Stamp::Other(text) => text,
        }
    }

    /// The instant, when the text is an RFC 3339 date-time with an offset; `None` for any other shape.
    pub fn date_time(&self) -> Option<&DateTime> {
        match &self.0 {
            Stamp::Valid(instant) => Some(instant),
            Stamp::Other(_) => None,
        }
    }

    /// The instant, or why the text is not one.
    pub fn to_date_time(&self) -> Result<DateTime, TimeError> {
        match &self.0 {
            Stamp::Valid(instant) => Ok(instant.clone()),
            Stamp::Other(text) => DateTime::new(text),
        }
    }

    /// The instant as a `SystemTime` ([`DateTime::to_system_time`]), when the text is a date-time.
    pub fn to_system_time(&self) -> Option<std::time::SystemTime> {
        self.date_time().map(DateTime::to_system_time)
    }

    /// The calendar date part, in the date-time's own offset, when the text is a date-time.
    pub fn date(&self) -> Option<Date> {
        self.date_time().map(DateTime::date)
    }

    /// Unwraps the text.
    pub fn into_string(self) -> String {
        match self.0 {
            Stamp::Valid(instant) => instant.0,
            Stamp::Other(text) => text,
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.as_str())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The same as [`From<&str>`](#impl-From%3C%26str%3E-for-Timestamp): any text is a timestamp, a date-time
/// when it reads as one, so `"…".parse::<Timestamp>()` never fails.
impl std::str::FromStr for Timestamp {
    type Err = std::convert::Infallible;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(text))
    }
}

impl From<String> for Timestamp {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<&str> for Timestamp {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<&String> for Timestamp {
    fn from(text: &String) -> Self {
        Self::new(text.as_str())
    }
}

impl From<DateTime> for Timestamp {
    fn from(instant: DateTime) -> Self {
        Self(Stamp::Valid(instant))
    }
}

impl From<&DateTime> for Timestamp {
    fn from(instant: &DateTime) -> Self {
        Self(Stamp::Valid(instant.clone()))
    }
}

impl TryFrom<Timestamp> for DateTime {
    type Error = TimeError;

    fn try_from(stamp: Timestamp) -> Result<Self, TimeError> {
        match stamp.0 {
            Stamp::Valid(instant) => Ok(instant),
            Stamp::Other(text) => DateTime::new(&text),
        }
    }
}

impl TryFrom<&Timestamp> for DateTime {
    type Error = TimeError;

    fn try_from(stamp: &Timestamp) -> Result<Self, TimeError> {
        stamp.to_date_time()
    }
}

impl From<Timestamp> for String {
    fn from(stamp: Timestamp) -> String {
        stamp.into_string()
    }
}

impl AsRef<str> for Timestamp {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Timestamp {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Timestamp {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Timestamp {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

/// Chronological: by the instant (whatever the offsets), then, for two texts of one instant
/// (`10:00:00Z` and `11:00:00+01:00`), by the text, so that the order agrees with `==`. Sorting a list by
/// it sorts by time: `calls.sort_by(|a, b| a.created_at.cmp(&b.created_at))`.
impl Ord for DateTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.cmp_instant(other).then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for DateTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Chronological for date-times ([`Ord` of `DateTime`](DateTime#impl-Ord-for-DateTime)). A text that is no
/// date-time (a shape the API does not document) comes before every date-time, as `None` before `Some`,
/// so that the latest (`max`) is a date-time whenever there is one; such texts among themselves in the
/// order of their text.
impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (&self.0, &other.0) {
            (Stamp::Valid(a), Stamp::Valid(b)) => a.cmp(b),
            (Stamp::Valid(_), Stamp::Other(_)) => Ordering::Greater,
            (Stamp::Other(_), Stamp::Valid(_)) => Ordering::Less,
            (Stamp::Other(a), Stamp::Other(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<DateTime> for Timestamp {
    /// The same text (as `==` on two [`DateTime`]s); [`DateTime::cmp_instant`] compares instants.
    fn eq(&self, other: &DateTime) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Timestamp> for DateTime {
    fn eq(&self, other: &Timestamp) -> bool {
        self.as_str() == other.as_str()
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl From<TimeError> for crate::Error {
    /// A date or time that does not parse is an invalid request: nothing was sent.
    fn from(error: TimeError) -> Self {
        crate::Error::invalid_request("time", None, error.to_string())
    }
}

impl From<TimeOfDayError> for crate::Error {
    /// A time of day that does not parse is an invalid request: nothing was sent.
    fn from(error: TimeOfDayError) -> Self {
        crate::Error::invalid_request("time", None, error.to_string())
    }
}

/// Conversions to and from [`chrono`]'s types (feature `chrono`).
///
/// A [`DateTime`] becomes a `chrono::DateTime<FixedOffset>` keeping its offset, or a
/// `chrono::DateTime<Utc>`; a [`Date`] a `NaiveDate`; a [`TimeOfDay`] a `NaiveTime`. The other way is
/// fallible ([`TryFrom`]): the API's texts hold the years 0000 to 9999 only, and its times of day are on
/// the minute. A leap second (`23:59:60`) becomes
/// chrono's leap-second representation.
///
/// ```
/// # use talkover_core as talkover;
/// # #[cfg(feature = "chrono")] {
/// use chrono::{FixedOffset, NaiveDate, Utc};
/// use talkover::time::{Date, DateTime, Timestamp};
///
/// let created = Timestamp::from("2024-01-15T11:30:00+01:00");
/// let instant = created.date_time().map(chrono::DateTime::<FixedOffset>::from).unwrap();
/// assert_eq!(instant.with_timezone(&Utc).to_rfc3339(), "2024-01-15T10:30:00+00:00");
///
/// let due = DateTime::try_from(chrono::DateTime::<Utc>::from_timestamp(1_705_314_600, 0).unwrap())?;
/// assert_eq!(due.as_str(), "2024-01-15T10:30:00Z");
/// let day = Date::try_from(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())?;
/// assert_eq!(NaiveDate::from(&day).to_string(), "2024-02-29");
/// let opening = talkover::time::TimeOfDay::try_from(chrono::NaiveTime::from_hms_opt(9, 30, 0).unwrap());
/// assert_eq!(opening.unwrap().to_string(), "09:30");
/// # }
/// # Ok::<(), talkover::time::TimeError>(())
/// ```
#[cfg(feature = "chrono")]
#[cfg_attr(docsrs, doc(cfg(feature = "chrono")))]
pub mod chrono_support {
    use super::{digits, CalendarTime, Date, DateTime, TimeError, TimeOfDay, TimeOfDayError};
    use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};

    // Every part was range-checked when the text was parsed (years 0000 to 9999, an offset under 24 h,
    // fewer than 10^9 nanoseconds), and chrono covers all of it, so the conversion cannot fail.
    const CHECKED: &str = "a parsed date-time lies within chrono's range";

    impl From<&Date> for NaiveDate {
        fn from(date: &Date) -> Self {
            NaiveDate::from_ymd_opt(i32::from(date.year()), u32::from(date.month()), u32::from(date.day()))
                .expect(CHECKED)
        }
    }

    impl From<Date> for NaiveDate {
        fn from(date: Date) -> Self {
            NaiveDate::from(&date)
        }
    }

    impl TryFrom<NaiveDate> for Date {
        type Error = TimeError;

        /// Fails outside the years 0000 to 9999.
        fn try_from(date: NaiveDate) -> Result<Self, TimeError> {
            Date::new(&date.format("%Y-%m-%d").to_string())
        }
    }

    impl TryFrom<NaiveDateTime> for CalendarTime {
        type Error = TimeError;

        /// A date and time of day without an offset (`2024-01-15T09:30:00`, with as many fractional digits
        /// as it needs), which the API reads in a time zone of its own ([`CalendarTime`]). Fails outside the
        /// years 0000 to 9999.
        fn try_from(local: NaiveDateTime) -> Result<Self, TimeError> {
            CalendarTime::new(&local.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
        }
    }

    impl From<TimeOfDay> for NaiveTime {
        fn from(time: TimeOfDay) -> Self {
            NaiveTime::from_hms_opt(u32::from(time.hour()), u32::from(time.minute()), 0).expect(CHECKED)
        }
    }

    impl TryFrom<NaiveTime> for TimeOfDay {
        type Error = TimeOfDayError;

        /// The hour and minute of a time on the minute; one with seconds, or a fraction of one, is refused
        /// rather than moved (the API's times are to the minute).
        fn try_from(time: NaiveTime) -> Result<Self, TimeOfDayError> {
            if time.second() != 0 || time.nanosecond() != 0 {
                return Err(TimeOfDayError { input: time.to_string() });
            }
            // chrono's hours are below 24 and its minutes below 60.
            Ok(Self { hour: time.hour() as u8, minute: time.minute() as u8 })
        }
    }

    impl From<&DateTime> for chrono::DateTime<FixedOffset> {
        fn from(instant: &DateTime) -> Self {
            let b = instant.0.as_bytes();
            let (hour, minute, second) = (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19]));
            // chrono writes a leap second as second 59 with a nanosecond count of one second or more.
            let (second, nanos) =
                if second == 60 { (59, instant.nanos() + 1_000_000_000) } else { (second, instant.nanos()) };
            let local = NaiveDate::from(instant.date()).and_hms_nano_opt(hour, minute, second, nanos).expect(CHECKED);
            let offset = FixedOffset::east_opt(instant.offset_minutes() * 60).expect(CHECKED);
            offset.from_local_datetime(&local).single().expect(CHECKED)
        }
    }

    impl From<DateTime> for chrono::DateTime<FixedOffset> {
        fn from(instant: DateTime) -> Self {
            Self::from(&instant)
        }
    }

    impl From<&DateTime> for chrono::DateTime<Utc> {
        fn from(instant: &DateTime) -> Self {
            chrono::DateTime::<FixedOffset>::from(instant).with_timezone(&Utc)
        }
    }

    impl From<DateTime> for chrono::DateTime<Utc> {
        fn from(instant: DateTime) -> Self {
            Self::from(&instant)
        }
    }

    impl<Tz: TimeZone> TryFrom<chrono::DateTime<Tz>> for DateTime
    where
        Tz::Offset: std::fmt::Display,
    {
        type Error = TimeError;

        /// Written in RFC 3339 with the value's own offset (`Z` for UTC) and as many fractional digits as
        /// it needs. Fails outside the years 0000 to 9999.
        fn try_from(instant: chrono::DateTime<Tz>) -> Result<Self, TimeError> {
            DateTime::new(&instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_time_is_written_again_in_utc() {
        let utc = |text: &str| DateTime::new(text).unwrap().to_utc().map(|t| t.as_str().to_owned());
        assert_eq!(utc("2024-03-11T12:00:00+01:00").unwrap(), "2024-03-11T11:00:00Z");
        assert_eq!(utc("2024-12-31T20:15:00-05:30").unwrap(), "2025-01-01T01:45:00Z");
        assert_eq!(utc("2024-01-15T10:30:00.5+00:00").unwrap(), "2024-01-15T10:30:00.5Z");
        assert_eq!(utc("2024-01-15T10:30:00z").unwrap(), "2024-01-15T10:30:00Z");
        let error = utc("0000-01-01T00:30:00+01:00").unwrap_err();
        assert_eq!(error.input(), "0000-01-01T00:30:00+01:00");
    }

    #[test]
    fn dates_are_checked() {
        let date = Date::new("2024-02-29").unwrap();
        assert_eq!((date.year(), date.month(), date.day()), (2024, 2, 29));
        assert_eq!(date.to_string(), "2024-02-29");
        assert_eq!(Date::from_ymd(2024, 1, 5).unwrap().as_str(), "2024-01-05");
        for bad in [
            "2023-02-29",
            "2100-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "2024-1-15",
            "24-01-15",
            "2024/01/15",
            "2024-01-15T00:00:00Z",
            "",
            "２０２４-01-15",
        ] {
            assert!(Date::new(bad).is_err(), "{bad} accepted");
        }
        assert!(Date::new("2000-02-29").is_ok());
    }

    #[test]
    fn date_times_need_an_offset() {
        for good in [
            "2024-01-15T10:30:00Z",
            "2024-01-15t10:30:00z",
            "2024-01-15T10:30:00.123456Z",
            "2024-01-15T10:30:00+02:00",
            "2024-01-15T23:59:60-05:30",
        ] {
            assert_eq!(DateTime::new(good).unwrap().as_str(), good);
        }
        for bad in [
            "2024-01-15T10:30:00",
            "2024-01-15 10:30:00Z",
            "2024-01-15T10:30Z",
            "2024-01-15T24:00:00Z",
            "2024-01-15T10:60:00Z",
            "2024-01-15T10:30:00.Z",
            "2024-01-15T10:30:00+0200",
            "2024-01-15T10:30:00+24:00",
            "2024-02-30T10:30:00Z",
            "2024-01-15T10:30:00Zjunk",
            "2024-01-15",
        ] {
            let error = DateTime::new(bad).unwrap_err();
            assert_eq!(error.input(), bad);
        }
        assert!(DateTime::new("2024-01-15T10:30:00").unwrap_err().reason().contains("offset"));
    }

    /// The calendar queries' range: "ISO 8601", in the three forms [`CalendarTime`] names.
    #[test]
    fn calendar_times_take_a_date_or_a_date_time_with_or_without_an_offset() {
        for (good, date, seconds, instant) in [
            ("2024-01-15", "2024-01-15", 0, None),
            ("2024-01-15T10:30:00", "2024-01-15", 37_800, None),
            ("2024-01-15T23:59:59.999", "2024-01-15", 86_399, None),
            ("2024-01-15T10:30:00Z", "2024-01-15", 37_800, Some(1_705_314_600)),
            ("2024-01-15T10:30:00-05:00", "2024-01-15", 37_800, Some(1_705_332_600)),
        ] {
            let time = CalendarTime::new(good).unwrap();
            assert_eq!(time.as_str(), good);
            assert_eq!((time.date().as_str(), time.seconds_of_day()), (date, seconds), "{good}");
            assert_eq!(time.date_time().map(|at| at.unix_timestamp()), instant, "{good}");
            assert_eq!(serde_json::to_value(&time).unwrap(), serde_json::json!(good));
        }
        for bad in [
            "",
            "2024-01",
            "2024-1-15",
            "2024-02-30",
            "2024-01-15 10:30:00",
            "2024-01-15T24:00:00",
            "2024-01-15T10:30:00.",
            "2024-01-15T10:30:00+020",
            "2024-01-15T10:30:00+2",
            "2024-01-15T10:30:00+2400",
            "2024-01-15T10:3",
            "2024-01-15T25:30",
            "2024-01-15T10:30:00 ",
            "2024-01-15T10:30:00,5Z",
            "20240115T103000Z",
            "20240115",
            "2024-01-15T1é:30",
            "2024-é1-15T10:30+0200",
        ] {
            let error = CalendarTime::new(bad).unwrap_err();
            assert_eq!(error.input(), bad);
            assert!(serde_json::from_value::<CalendarTime>(serde_json::json!(bad)).is_err(), "{bad}");
        }
        // A time without seconds, and an offset without its colon or minutes, are kept in the extended
        // form, which is what is sent.
        for (short, kept) in [
            ("2024-01-15T10:30", "2024-01-15T10:30:00"),
            ("2024-01-15t10:30z", "2024-01-15t10:30:00z"),
            ("2024-01-15T10:30-05", "2024-01-15T10:30:00-05:00"),
            ("2024-01-15T10:30:00+0530", "2024-01-15T10:30:00+05:30"),
            ("2024-01-15T10:30:00.25+0200", "2024-01-15T10:30:00.25+02:00"),
        ] {
            let time = CalendarTime::new(short).unwrap();
            assert_eq!(time.as_str(), kept);
            assert_eq!(time.seconds_of_day(), 37_800, "{short}");
            assert_eq!(serde_json::from_value::<CalendarTime>(serde_json::json!(short)).unwrap(), time);
        }
        let date = Date::new("2024-01-15").unwrap();
        assert_eq!(CalendarTime::from(&date).as_str(), "2024-01-15");
        let instant = DateTime::new("2024-01-15T10:30:00Z").unwrap();
        assert_eq!(CalendarTime::from(instant.clone()).date_time(), Some(instant));
    }

    #[test]
    fn offsets_and_dates_are_read_back() {
        let instant = DateTime::new("2024-03-01T08:00:00.5-05:30").unwrap();
        assert_eq!(instant.offset_minutes(), -330);
        assert_eq!(instant.date(), Date::new("2024-03-01").unwrap());
        assert_eq!(DateTime::new("2024-03-01T08:00:00Z").unwrap().offset_minutes(), 0);
        assert_eq!(DateTime::new("2024-03-01T08:00:00+02:00").unwrap().offset_minutes(), 120);
    }

    #[test]
    fn unix_timestamps_and_instant_order() {
        let epoch = DateTime::from_unix_timestamp(0).unwrap();
        assert_eq!(epoch.as_str(), "1970-01-01T00:00:00Z");
        let instant = DateTime::from_unix_timestamp(1_705_314_600).unwrap();
        assert_eq!(instant.as_str(), "2024-01-15T10:30:00Z");
        assert_eq!(DateTime::from_unix_timestamp(951_782_400).unwrap().as_str(), "2000-02-29T00:00:00Z");
        assert_eq!(DateTime::from_unix_timestamp(-1).unwrap().as_str(), "1969-12-31T23:59:59Z");
        assert!(DateTime::from_unix_timestamp(i64::MAX / 2).is_err());
        let shifted = DateTime::new("2024-01-15T12:30:00+02:00").unwrap();
        assert_eq!(shifted.unix_timestamp(), 1_705_314_600);
        assert_ne!(shifted, instant);
        assert_eq!(shifted.cmp_instant(&instant), std::cmp::Ordering::Equal);
        let later = DateTime::new("2024-01-15T10:30:00.001Z").unwrap();
        assert_eq!(instant.cmp_instant(&later), std::cmp::Ordering::Less);
        assert_eq!(DateTime::new("2024-01-15T05:30:00-05:00").unwrap().unix_timestamp(), 1_705_314_600);
    }

    #[test]
    fn instants_before_1970_are_system_times_too() {
        use std::time::{Duration, UNIX_EPOCH};
        let before = DateTime::new("1969-12-31T23:59:59.25Z").unwrap();
        assert_eq!(before.to_system_time(), UNIX_EPOCH - Duration::from_millis(750));
        assert_eq!(Timestamp::from("not a time").to_system_time(), None);
        // And back, to the second, towards the past.
        let back = DateTime::from_system_time(UNIX_EPOCH - Duration::from_millis(750)).unwrap();
        assert_eq!(back.as_str(), "1969-12-31T23:59:59Z");
        let exact = DateTime::from_system_time(UNIX_EPOCH - Duration::from_secs(86_400)).unwrap();
        assert_eq!(exact.as_str(), "1969-12-31T00:00:00Z");
        assert!(DateTime::from_system_time(UNIX_EPOCH + Duration::from_secs(400_000_000_000)).is_err());
        let now = std::time::SystemTime::now();
        let today = DateTime::from_system_time(now).unwrap();
        assert!(today.to_system_time() <= now && now < today.to_system_time() + Duration::from_secs(1));
    }

    #[test]
    fn date_times_and_timestamps_sort_by_time() {
        use std::cmp::Ordering;
        let ten = DateTime::new("2024-01-15T10:00:00Z").unwrap();
        let ten_in_paris = DateTime::new("2024-01-15T11:00:00+01:00").unwrap();
        let nine_in_new_york = DateTime::new("2024-01-15T09:30:00-05:00").unwrap(); // 14:30Z
        let half_past_ten = DateTime::new("2024-01-15T10:30:00.5Z").unwrap();
        // By text, New York's 09:30 would come first and Paris's 11:00 last.
        let mut sorted = vec![nine_in_new_york.clone(), ten_in_paris.clone(), half_past_ten.clone(), ten.clone()];
        sorted.sort();
        assert_eq!(sorted, [ten.clone(), ten_in_paris.clone(), half_past_ten.clone(), nine_in_new_york.clone()]);
        // One instant written twice is ordered, not equal, as `==` says.
        assert_ne!(ten.cmp(&ten_in_paris), Ordering::Equal);
        assert_eq!(ten.cmp(&ten.clone()), Ordering::Equal);

        let stamps = ["2024-01-15 08:00:00", "2024-01-15T09:30:00-05:00", "2024-01-15T10:00:00Z", "later"];
        let mut stamps: Vec<Timestamp> = stamps.into_iter().map(Timestamp::from).collect();
        stamps.sort();
        let texts: Vec<&str> = stamps.iter().map(Timestamp::as_str).collect();
        assert_eq!(texts, ["2024-01-15 08:00:00", "later", "2024-01-15T10:00:00Z", "2024-01-15T09:30:00-05:00"]);
        assert_eq!(stamps.iter().max().map(Timestamp::as_str), Some("2024-01-15T09:30:00-05:00"));
    }

    #[test]
    fn serde_is_a_checked_string() {
        let instant: DateTime = serde_json::from_str("\"2024-01-15T10:30:00.000+01:00\"").unwrap();
        assert_eq!(serde_json::to_string(&instant).unwrap(), "\"2024-01-15T10:30:00.000+01:00\"");
        assert!(serde_json::from_str::<DateTime>("\"2024-01-15T10:30:00\"").is_err());
        let date: Date = serde_json::from_str("\"2024-01-15\"").unwrap();
        assert_eq!(serde_json::to_value(&date).unwrap(), "2024-01-15");
        assert!(serde_json::from_str::<Date>("\"2024-02-30\"").is_err());
        assert_eq!(format!("{date:?}"), "Date(2024-01-15)");
    }

    #[test]
    fn timestamps_keep_the_text_and_read_the_instant() {
        for text in ["2024-01-15T10:30:00Z", "2024-01-15T10:30:00.000000Z", "2024-01-15T11:30:00.5+01:00"] {
            let json = format!("{{\"created_at\":\"{text}\"}}");
            let value: std::collections::BTreeMap<String, Timestamp> = serde_json::from_str(&json).unwrap();
            let stamp = &value["created_at"];
            assert_eq!(stamp, text);
            assert_eq!(stamp.as_str(), text);
            assert_eq!(stamp.to_string(), text);
            assert_eq!(stamp.date_time().unwrap().as_str(), text);
            assert_eq!(serde_json::to_string(&value).unwrap(), json, "not byte-exact");
        }
        let utc: Timestamp = serde_json::from_str("\"2024-01-15T10:30:00Z\"").unwrap();
        assert_eq!(utc.date_time().map(DateTime::unix_timestamp), Some(1_705_314_600));
        assert_eq!(utc.date(), Some(Date::new("2024-01-15").unwrap()));
        assert_eq!(DateTime::try_from(&utc).unwrap(), DateTime::new("2024-01-15T10:30:00Z").unwrap());
        assert_eq!(format!("{utc:?}"), "Timestamp(2024-01-15T10:30:00Z)");
    }

    #[test]
    fn a_timestamp_of_another_shape_still_decodes() {
        let json = "{\"updated_at\":\"2024-01-15 10:30:00\"}";
        let value: std::collections::BTreeMap<String, Timestamp> = serde_json::from_str(json).unwrap();
        let stamp = &value["updated_at"];
        assert_eq!(stamp, "2024-01-15 10:30:00");
        assert_eq!(stamp.date_time(), None);
        assert_eq!(stamp.date(), None);
        assert!(stamp.to_date_time().unwrap_err().reason().contains("T"));
        assert!(DateTime::try_from(stamp.clone()).is_err());
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
        // Not a string at all is still an error: the field's type is text.
        assert!(serde_json::from_str::<Timestamp>("17053146").is_err());
    }

    #[test]
    fn timestamps_are_made_from_text_or_instants() {
        let from_text: Timestamp = "2024-01-15T10:30:00Z".into();
        let from_string = Timestamp::from(String::from("2024-01-15T10:30:00Z"));
        let instant = DateTime::new("2024-01-15T10:30:00Z").unwrap();
        assert_eq!(from_text, from_string);
        assert_eq!(from_text, Timestamp::from(instant.clone()));
        assert_eq!(from_text, instant);
        assert_eq!(instant, from_text);
        assert_eq!(String::from(from_text.clone()), "2024-01-15T10:30:00Z");
        assert_ne!(from_text, Timestamp::from("2024-01-15T11:30:00+01:00"));
    }

    #[test]
    fn weekdays_round_trip_as_the_api_numbers() {
        let days: Vec<Weekday> = serde_json::from_str("[2,3,4,7]").unwrap();
        assert_eq!(days, [Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Sunday]);
        assert_eq!(serde_json::to_string(&days).unwrap(), "[2,3,4,7]");
        for day in Weekday::ALL {
            let text = serde_json::to_string(&day).unwrap();
            assert_eq!(serde_json::from_str::<Weekday>(&text).unwrap(), day);
            assert_eq!(Weekday::try_from(u8::from(day)), Ok(day));
        }
        assert_eq!(Weekday::Monday.to_string(), "Monday");
        assert_eq!(
            Weekday::try_from(8).unwrap_err().to_string(),
            "8 is not a weekday number (1 = Monday to 7 = Sunday)"
        );
        for bad in ["0", "8", "-1", "\"1\"", "1.5", "256"] {
            assert!(serde_json::from_str::<Weekday>(bad).is_err(), "{bad} accepted");
        }
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_conversions_keep_the_instant_and_the_offset() {
        use chrono::{FixedOffset, NaiveDate, Timelike, Utc};

        let instant = DateTime::new("2024-01-15T12:30:00.250+02:00").unwrap();
        let fixed = chrono::DateTime::<FixedOffset>::from(&instant);
        assert_eq!(fixed.to_rfc3339(), "2024-01-15T12:30:00.250+02:00");
        assert_eq!(fixed.offset().local_minus_utc(), 7200);
        assert_eq!(fixed.timestamp(), instant.unix_timestamp());
        let utc = chrono::DateTime::<Utc>::from(instant.clone());
        assert_eq!(utc.to_rfc3339(), "2024-01-15T10:30:00.250+00:00");
        // Back: the offset is kept, UTC is written with Z.
        assert_eq!(DateTime::try_from(fixed).unwrap().as_str(), "2024-01-15T12:30:00.250+02:00");
        assert_eq!(DateTime::try_from(utc).unwrap().as_str(), "2024-01-15T10:30:00.250Z");
        let whole = chrono::DateTime::<Utc>::from_timestamp(1_705_314_600, 0).unwrap();
        assert_eq!(DateTime::try_from(whole).unwrap().as_str(), "2024-01-15T10:30:00Z");

        // The ends of the range and the widest offsets convert without failing.
        for text in
            ["0000-01-01T00:00:00+23:59", "9999-12-31T23:59:59.999999999-23:59", "2024-02-29T00:00:00.123456789012Z"]
        {
            let instant = DateTime::new(text).unwrap();
            let converted = chrono::DateTime::<FixedOffset>::from(&instant);
            assert_eq!(converted.timestamp(), instant.unix_timestamp(), "{text}");
        }
        // A leap second: chrono keeps it as second 59 and more than 10^9 nanoseconds.
        let leap = chrono::DateTime::<FixedOffset>::from(DateTime::new("2016-12-31T23:59:60.5Z").unwrap());
        assert_eq!((leap.second(), leap.nanosecond()), (59, 1_500_000_000));
        assert_eq!(DateTime::try_from(leap).unwrap().as_str(), "2016-12-31T23:59:60.500Z");

        // A time of day: to the minute both ways.
        let opening: TimeOfDay = "09:05".parse().unwrap();
        assert_eq!(chrono::NaiveTime::from(opening).to_string(), "09:05:00");
        let late = chrono::NaiveTime::from_hms_opt(23, 59, 0).unwrap();
        assert_eq!(TimeOfDay::try_from(late).unwrap().to_string(), "23:59");
        for moved in [chrono::NaiveTime::from_hms_opt(8, 59, 30), chrono::NaiveTime::from_hms_milli_opt(9, 0, 0, 1)] {
            let error = TimeOfDay::try_from(moved.unwrap()).unwrap_err();
            assert!(error.input().starts_with("08:59:30") || error.input().starts_with("09:00:00.001"), "{error}");
        }

        // A local date-time, for a calendar query's range.
        let local = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap().and_hms_milli_opt(9, 30, 0, 250).unwrap();
        assert_eq!(CalendarTime::try_from(local).unwrap().as_str(), "2024-01-15T09:30:00.250");
        let whole = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap().and_hms_opt(9, 30, 0).unwrap();
        assert_eq!(CalendarTime::try_from(whole).unwrap().as_str(), "2024-01-15T09:30:00");

        let far = chrono::DateTime::<Utc>::from_timestamp(253_402_300_800, 0).unwrap();
        assert!(DateTime::try_from(far).is_err(), "year 10000 accepted");

        let date = Date::new("2024-02-29").unwrap();
        assert_eq!(NaiveDate::from(&date), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(
            Date::try_from(NaiveDate::from_ymd_opt(2024, 1, 5).unwrap()).unwrap(),
            Date::new("2024-01-05").unwrap()
        );
        assert!(Date::try_from(NaiveDate::from_ymd_opt(-1, 1, 1).unwrap()).is_err());
        assert!(Date::try_from(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()).is_err());
    }
}
