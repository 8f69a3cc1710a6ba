//! What an answer says about pacing: the `X-RateLimit-*` headers and `Retry-After`. Errors and the retry
//! policy both read them.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

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

/// Paces the requests that spend one rate limit (the tasks and threads of a service sharing an account's
/// token) by what their answers say, so that they do not all meet the limit and wait it out together:
///
/// - a window spent (`X-RateLimit-Remaining: 0`) holds every request until it resets, as does a `429` for
///   the wait it asks for (its `Retry-After`, the `retry_after` of its body, or its window's reset; a
///   second when it names none);
/// - the requests left in a window are spread over what remains of it: with 10 left and 20 s to its
///   reset, one every 2 s (100 left for 60 s: one every 0.6 s; at most [`Pacer::MAX_SPACING`] apart);
///   past the window's reset they are not spread until an answer tells the new window, whose spacing then
///   applies from that answer on;
/// - an answer without rate-limit headers changes nothing.
///
/// It does no waiting itself, as the core does no I/O: [`turn`](Pacer::turn) takes a request's turn and
/// says how long it waits before it is sent, [`observe`](Pacer::observe) reads each answer. The clients
/// do both with one given to their builders' `pacer`; anything else can drive it too (the command line's
/// `campaigns import` does). One pacer is shared, behind an `Arc`, by everything spending the same limit.
/// Resets are read as [`RateLimit::until_reset`] reads them, from the answer's `Date`.
///
/// ```
/// # use talkover_core as talkover;
/// use std::time::{Duration, Instant, SystemTime};
/// use talkover::http::{HeaderMap, StatusCode};
/// use talkover::rate_limit::{Pacer, RateLimit};
///
/// let pacer = Pacer::new();
/// let (now, wall) = (Instant::now(), SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
/// let mut headers = HeaderMap::new();
/// RateLimit::new(60, 10, 1_700_000_020).write_to(&mut headers);
/// pacer.observe(StatusCode::OK, &headers, b"", now, wall);
/// // 10 requests left for 20 s: the first goes now, the next 2 s later, and so on.
/// assert_eq!(pacer.turn(now), Duration::ZERO);
/// assert_eq!(pacer.turn(now), Duration::from_secs(2));
///
/// // A 429 asking for 30 s holds every request until then.
/// let mut limited = HeaderMap::new();
/// limited.insert("retry-after", "30".parse().unwrap());
/// pacer.observe(StatusCode::TOO_MANY_REQUESTS, &limited, b"", now, wall);
/// assert_eq!(pacer.turn(now), Duration::from_secs(30));
/// ```
#[derive(Debug, Default)]
pub struct Pacer {
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    /// Until when every request is held (a 429, a spent window).
    held_until: Option<Instant>,
    /// When the next request's turn comes, by the window's spacing.
    next_send: Option<Instant>,
    /// The time between two requests the last answer's window asks for.
    spacing: Duration,
    /// When that window resets: turns from then on are not spread by it.
    reset_at: Option<Instant>,
}

impl Pacer {
    /// The longest a pacer holds a request at once, whatever an answer asks: 600 s (ten minutes).
    pub const MAX_HOLD: Duration = Duration::from_secs(600);
    /// The most time between two requests that a window's spacing makes: 10 s.
    pub const MAX_SPACING: Duration = Duration::from_secs(10);

    /// A pacer that has read no answer: every request goes at once.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes a request's turn at `now`: how long it waits before it is sent (zero: now). The turn after it
    /// comes the window's spacing later, within the window.
    pub fn turn(&self, now: Instant) -> Duration {
        let mut state = self.state();
        let mut at = state.next_send.map_or(now, |next| next.max(now));
        if let Some(held) = state.held_until {
            at = at.max(held);
        }
        let spaced = state.reset_at.is_none_or(|reset| at < reset);
        state.next_send = Some(if spaced { at + state.spacing } else { at });
        at.saturating_duration_since(now).min(Self::MAX_HOLD)
    }

    /// Holds every request for `delay` from `now` (up to [`MAX_HOLD`](Self::MAX_HOLD)), unless they are held
    /// longer already.
    pub fn hold(&self, delay: Duration, now: Instant) {
        let until = now + delay.min(Self::MAX_HOLD);
        let mut state = self.state();
        if state.held_until.is_none_or(|held| held < until) {
            state.held_until = Some(until);
        }
    }

    /// Reads an answer received at `now` (`wall` on the system's clock, for an answer without `Date`): its
    /// rate-limit headers, and for a `429` the wait it asks for.
    pub fn observe(&self, status: http::StatusCode, headers: &HeaderMap, body: &[u8], now: Instant, wall: SystemTime) {
        if let Some(limit) = RateLimit::from_headers(headers) {
            let reset_in = limit.until_reset(answer_date(headers).unwrap_or(wall)).unwrap_or(Duration::from_secs(1));
            match limit.remaining {
                Some(0) => self.hold(reset_in, now),
                Some(left) => {
                    let spacing = (reset_in / u32::try_from(left).unwrap_or(u32::MAX)).min(Self::MAX_SPACING);
                    let mut state = self.state();
                    state.spacing = spacing;
                    state.reset_at = Some(now + reset_in.min(Self::MAX_HOLD));
                    // Turns handed out by an older window (spread further, or past its reset) do not push
                    // back the ones this window has room for.
                    state.next_send = state.next_send.map(|next| next.min(now + spacing));
                }
                None => {}
            }
        }
        if status == http::StatusCode::TOO_MANY_REQUESTS {
            self.hold(wait_asked(status, headers, body, wall).unwrap_or(Duration::from_secs(1)), now);
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PacerState> {
        // Nothing panics while holding it; a poisoned lock still holds a whole state.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
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

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    const WALL: u64 = 1_700_000_000;

    fn wall() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(WALL)
    }

    fn window(remaining: u64, reset: u64) -> HeaderMap {
        let mut headers = HeaderMap::new();
        RateLimit::new(60, remaining, reset).write_to(&mut headers);
        headers
    }

    #[test]
    fn a_429_while_requests_remain_does_not_wait_for_the_window() {
        // Another limit than the window's: its end is not the reset, so the retry policy's own backoff goes.
        let too_many = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(wait_asked(too_many, &window(1, WALL + 30), b"", wall()), None);
        assert_eq!(wait_asked(too_many, &window(0, WALL + 30), b"", wall()), Some(Duration::from_secs(30)));
    }

    #[test]
    fn a_pacer_spreads_what_is_left_of_a_window_and_holds_when_it_is_spent() {
        let (pacer, now) = (Pacer::new(), Instant::now());
        pacer.observe(StatusCode::OK, &HeaderMap::new(), b"", now, wall());
        assert_eq!([pacer.turn(now), pacer.turn(now)], [Duration::ZERO; 2], "no headers, no pacing");

        let pacer = Pacer::new();
        pacer.observe(StatusCode::OK, &window(10, WALL + 20), b"", now, wall());
        let turns = [pacer.turn(now), pacer.turn(now), pacer.turn(now)];
        assert_eq!(turns, [0, 2, 4].map(Duration::from_secs), "20 s left for 10 requests");

        // A reset in milliseconds since the epoch, as some servers write it, is 30 s away, not 10¹² s.
        let pacer = Pacer::new();
        pacer.observe(StatusCode::OK, &window(0, WALL * 1000 + 30_000), b"", now, wall());
        assert_eq!(pacer.turn(now), Duration::from_secs(30));

        // Measured from the answer's `Date`: a client clock 100 s ahead of the server's waits the 30 s all
        // the same.
        let pacer = Pacer::new();
        let mut headers = window(0, WALL + 30);
        headers.insert(http::header::DATE, httpdate::fmt_http_date(wall()).parse().unwrap());
        pacer.observe(StatusCode::OK, &headers, b"", now, wall() + Duration::from_secs(100));
        assert_eq!(pacer.turn(now), Duration::from_secs(30));
    }

    #[test]
    fn turns_past_a_windows_reset_are_not_spread_and_a_new_window_pulls_them_back() {
        let (pacer, now) = (Pacer::new(), Instant::now());
        // One request left for 60 s: spread 10 s apart up to the reset, then not spread.
        pacer.observe(StatusCode::OK, &window(1, WALL + 60), b"", now, wall());
        let turns: Vec<u64> = (0..10).map(|_| pacer.turn(now).as_secs()).collect();
        assert_eq!(turns, [0, 10, 20, 30, 40, 50, 60, 60, 60, 60]);
        // The new window, 99 left for 60 s: the next turn comes at its spacing, not after the old turns.
        let later = now + Duration::from_secs(61);
        pacer.observe(StatusCode::OK, &window(99, WALL + 121), b"", later, wall() + Duration::from_secs(61));
        assert!(pacer.turn(later) <= Duration::from_millis(700), "{:?}", pacer.turn(later));
    }

    #[test]
    fn a_429_holds_every_request_for_the_wait_it_asks_for_and_never_shortens_a_hold() {
        let (pacer, now) = (Pacer::new(), Instant::now());
        // make-call's 429 asks in its body, with no header.
        let body = br#"{"error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retry_after": 60}}}"#;
        pacer.observe(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), body, now, wall());
        assert_eq!(pacer.turn(now + Duration::from_secs(10)), Duration::from_secs(50));

        let mut soon = HeaderMap::new();
        soon.insert(http::header::RETRY_AFTER, "5".parse().unwrap());
        pacer.observe(StatusCode::TOO_MANY_REQUESTS, &soon, b"", now, wall());
        assert_eq!(pacer.turn(now), Duration::from_secs(60), "a shorter wait leaves the longer hold");

        let pacer = Pacer::new();
        pacer.observe(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new(), b"", now, wall());
        assert_eq!(pacer.turn(now), Duration::from_secs(1), "a 429 naming no wait holds a second");
        pacer.hold(Duration::MAX, now);
        assert_eq!(pacer.turn(now), Pacer::MAX_HOLD);
    }
}
