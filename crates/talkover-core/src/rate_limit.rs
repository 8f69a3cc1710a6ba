//! What an answer says about pacing: the `X-RateLimit-*` headers and `Retry-After`. Errors and the retry
//! policy both read them.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// The rate-limit state an answer reports (`X-RateLimit-Limit`, `-Remaining`, `-Reset`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
    /// When the window resets, as the server wrote it (seconds, usually a Unix time).
    pub reset: Option<u64>,
}

impl RateLimit {
    /// Reads the rate-limit headers; `None` when the answer carries none.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        let limit = Self { limit: number(LIMIT), remaining: number(REMAINING), reset: number(RESET) };
        (limit != Self::default()).then_some(limit)
    }

    /// `limit` requests a window, `remaining` of them left, the window resetting at `reset` (Unix seconds):
    /// what a server or a test double reports, with [`RateLimit::write_to`].
    pub fn new(limit: u64, remaining: u64, reset: u64) -> Self {
        Self { limit: Some(limit), remaining: Some(remaining), reset: Some(reset) }
    }

    /// How long from `now` until the window resets: `reset` read as a Unix time when it is one (at least
    /// 1 000 000 000, a moment of 2001 or later; from 10¹², in milliseconds), else as a number of seconds
    /// from now, as some servers write it. Zero for a moment already past; `None` without `reset`.
    ///
    /// The wait a `429` asks for when it names none (no `Retry-After`, no `retry_after` in its body) and
    /// its window is spent (`remaining` 0 or not given; a 429 while requests remain comes from another
    /// limit, whose end these headers do not give): the retry policy and
    /// [`Error::retry_after`](crate::Error::retry_after) take it then, measured from the answer's `Date`.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use std::time::{Duration, SystemTime};
    /// use talkover::rate_limit::RateLimit;
    ///
    /// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// assert_eq!(RateLimit::new(60, 0, 1_700_000_030).until_reset(now), Some(Duration::from_secs(30)));
    /// assert_eq!(RateLimit::new(60, 0, 45).until_reset(now), Some(Duration::from_secs(45)));
    /// assert_eq!(RateLimit::new(60, 0, 1_600_000_000).until_reset(now), Some(Duration::ZERO));
    /// assert_eq!(RateLimit::new(60, 0, 1_700_000_030_500).until_reset(now), Some(Duration::from_millis(30_500)));
    /// ```
    pub fn until_reset(&self, now: SystemTime) -> Option<Duration> {
        let reset = self.reset?;
        let at = match reset {
            reset if reset < UNIX_TIME_FROM => return Some(Duration::from_secs(reset)),
            reset if reset < UNIX_MILLIS_FROM => Duration::from_secs(reset),
            millis => Duration::from_millis(millis),
        };
        let at = SystemTime::UNIX_EPOCH.checked_add(at)?;
        Some(at.duration_since(now).unwrap_or(Duration::ZERO))
    }

    /// Writes the headers of the values it has (`x-ratelimit-limit`, `-remaining`, `-reset`) into `headers`,
    /// replacing any of those names there: what [`RateLimit::from_headers`] reads back.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::rate_limit::RateLimit;
    ///
    /// let mut headers = talkover::http::HeaderMap::new();
    /// RateLimit::new(60, 59, 1_700_000_060).write_to(&mut headers);
    /// assert_eq!(headers["x-ratelimit-remaining"], "59");
    /// assert_eq!(RateLimit::from_headers(&headers), Some(RateLimit::new(60, 59, 1_700_000_060)));
    /// ```
    pub fn write_to(&self, headers: &mut HeaderMap) {
        for (name, value) in [(LIMIT, self.limit), (REMAINING, self.remaining), (RESET, self.reset)] {
            if let Some(value) = value {
                headers.insert(name, http::HeaderValue::from(value));
            }
        }
    }
}

/// The smallest `X-RateLimit-Reset` read as a Unix time (2001-09-09); a smaller one is a count of seconds.
const UNIX_TIME_FROM: u64 = 1_000_000_000;

/// The smallest `X-RateLimit-Reset` read as a Unix time in milliseconds (1970-01-12 in seconds, 2001 in
/// milliseconds).
const UNIX_MILLIS_FROM: u64 = 1_000_000_000_000;

/// The wait an answer asks for before a request is sent again: its `Retry-After`, else a `retry_after` in
/// its body, else, on a `429`, the time until its rate-limit window resets ([`reset_wait`]).
pub(crate) fn wait_asked(
    status: http::StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
) -> Option<Duration> {
    retry_after(headers, now).or_else(|| retry_after_in_body(body)).or_else(|| reset_wait(status, headers, now))
}

/// The wait a `429` that names none implies: until its rate-limit window resets, when the answer says the
/// window is spent (`X-RateLimit-Remaining: 0`, or not given; a 429 while requests remain comes from
/// another limit, whose end the headers do not give). The reset is measured from the answer's `Date`
/// when it has one, so that a client's clock set otherwise than the server's does not lengthen or shorten
/// it; from `now` else. `None` for another status, without a reset, or for a reset already past.
fn reset_wait(status: http::StatusCode, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if status != http::StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let limit = RateLimit::from_headers(headers)?;
    if limit.remaining.is_some_and(|left| left > 0) {
        return None;
    }
    limit.until_reset(answer_date(headers).unwrap_or(now)).filter(|wait| !wait.is_zero())
}

/// When the server wrote the answer, by its `Date` header: what a time it gives is measured from, so that
/// a client's clock set otherwise than the server's does not lengthen or shorten a wait.
pub(crate) fn answer_date(headers: &HeaderMap) -> Option<SystemTime> {
    headers.get(http::header::DATE).and_then(|d| httpdate::parse_http_date(d.to_str().ok()?).ok())
}

const LIMIT: &str = "x-ratelimit-limit";
const REMAINING: &str = "x-ratelimit-remaining";
const RESET: &str = "x-ratelimit-reset";

/// The delay a `Retry-After` header asks for, in seconds or as an HTTP date (measured from the answer's
/// `Date` when it has one, as the reset is, from `now` else: a server clock an hour ahead does not turn a
/// wait of 2 s into one of an hour). A number of seconds too large to hold is the longest wait there is,
/// not no wait.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Some(secs) = seconds(value) {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(answer_date(headers).unwrap_or(now)).unwrap_or(Duration::ZERO))
}

/// The delay an answer's body asks for, where the API puts one: a `retry_after` number of seconds (or
/// numeric text) under `error.details`, `details`, or at the top (make-call's 429 says
/// `{"error": {"details": {"retry_after": 60}}}` and no `Retry-After` header).
pub(crate) fn retry_after_in_body(body: &[u8]) -> Option<Duration> {
    if !crate::json_body::json_text(body).trim_ascii_start().starts_with(b"{") {
        return None;
    }
    let body = crate::json_body::answer_json(body)?;
    let body = body.as_object()?;
    let details = crate::json_body::error_details(body);
    let wait = details.and_then(|d| d.get("retry_after")).or_else(|| body.get("retry_after"))?;
    let secs = match wait {
        // A fraction of a second is waited in full; a number beyond u64 is the longest wait.
        serde_json::Value::Number(n) => {
            n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f.ceil().min(u64::MAX as f64) as u64))
        }
        serde_json::Value::String(text) => seconds(text.trim()),
        _ => None,
    }?;
    Some(Duration::from_secs(secs))
}

/// Seconds written in digits; a number too large to hold is `u64::MAX`. RFC 9110 writes whole seconds,
/// but a server that writes a fraction (`1.5`) is read as asking for the next whole second, as a
/// fraction in a body is, rather than not asking at all.
fn seconds(text: &str) -> Option<u64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || (text.contains('.') && fraction.is_empty()) {
        return None;
    }
    let secs: u64 = whole.parse().unwrap_or(u64::MAX);
    let rounds_up = fraction.bytes().any(|b| b != b'0');
    Some(if rounds_up { secs.saturating_add(1) } else { secs })
}
