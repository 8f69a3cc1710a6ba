//! The emulator's clock: the time calls and campaigns progress on.
//!
//! It starts at the wall-clock time the emulator starts and runs at the wall clock's pace times a scale
//! (1 by default; 0 freezes it; 60 makes a wall-clock second a minute). A test moves it forward at once
//! with [`Clock::advance`], so that it never has to sleep to see a call end.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use talkover_core::time::DateTime;
use talkover_core::Timestamp;

/// The emulator's clock, in milliseconds since the Unix epoch.
#[derive(Clone, Debug)]
pub(crate) struct Clock {
    /// The wall-clock instant of the last change of pace (or the start).
    anchor: Instant,
    /// The emulator's time at `anchor`, in milliseconds since the epoch.
    at_anchor_ms: i64,
    scale: f64,
}

impl Clock {
    pub(crate) fn new(scale: f64) -> Self {
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default();
        Self { anchor: Instant::now(), at_anchor_ms: wall, scale: sanitize(scale) }
    }

    /// The emulator's time, in milliseconds since the epoch (at most [`LATEST_MS`]).
    pub(crate) fn now_ms(&self) -> i64 {
        let elapsed = self.anchor.elapsed().as_secs_f64() * 1000.0 * self.scale;
        self.at_anchor_ms.saturating_add(elapsed as i64).min(LATEST_MS)
    }

    /// How far the clock can still be moved, in milliseconds: to [`LATEST_MS`].
    pub(crate) fn room_ms(&self) -> i64 {
        LATEST_MS - self.now_ms()
    }

    /// The emulator's time as the API writes it (RFC 3339 in UTC, whole seconds).
    pub(crate) fn timestamp(&self) -> String {
        timestamp(self.now_ms())
    }

    /// Sets the clock to `ms` (since the epoch) from now on, at its pace.
    pub(crate) fn set_now_ms(&mut self, ms: i64) {
        self.anchor = Instant::now();
        self.at_anchor_ms = ms.min(LATEST_MS);
    }

    /// Moves the clock forward by `by`, at once, to [`LATEST_MS`] at the most: to the nearest millisecond,
    /// so that seconds given as a fraction (`{"seconds": 0.001}`) land where they say.
    pub(crate) fn advance(&mut self, by: Duration) {
        let ms = i64::try_from(by.as_nanos().saturating_add(500_000) / 1_000_000).unwrap_or(i64::MAX);
        self.at_anchor_ms = self.at_anchor_ms.saturating_add(ms).min(LATEST_MS);
    }

    /// How many emulator seconds pass per wall-clock second.
    pub(crate) fn scale(&self) -> f64 {
        self.scale
    }

    /// Changes the pace from now on (0 freezes the clock).
    pub(crate) fn set_scale(&mut self, scale: f64) {
        self.at_anchor_ms = self.now_ms();
        self.anchor = Instant::now();
        self.scale = sanitize(scale);
    }
}

thread_local! {
    /// The emulator's time of the request being answered on this thread (see [`answering_at`]).
    static ANSWERING_AT: std::cell::Cell<Option<i64>> = const { std::cell::Cell::new(None) };
}

/// Runs `answer` with `ms` (the emulator's clock, read as a request arrives) as the time every record it
/// makes is stamped with ([`request_ms`]), so that an agent created on a frozen or advanced clock says so,
/// as its calls do.
pub(crate) fn answering_at<T>(ms: i64, answer: impl FnOnce() -> T) -> T {
    struct Restore(Option<i64>);
    impl Drop for Restore {
        fn drop(&mut self) {
            ANSWERING_AT.with(|at| at.set(self.0));
        }
    }
    let _restore = Restore(ANSWERING_AT.with(|at| at.replace(Some(ms))));
    answer()
}

/// The emulator's time of the request being answered, in milliseconds since the epoch; outside a request
/// (the records an emulator starts with), the wall clock's.
pub(crate) fn request_ms() -> i64 {
    ANSWERING_AT.with(std::cell::Cell::get).unwrap_or_else(|| {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
    })
}

/// `at` in milliseconds since the epoch, to the second (as the API writes times).
pub(crate) fn ms_of(at: &DateTime) -> i64 {
    at.unix_timestamp().saturating_mul(1000)
}

/// The fastest the clock runs: a million emulator seconds a second.
pub(crate) const MAX_SCALE: f64 = 1_000_000.0;

/// Whether the clock can run at `scale`: from 0 to [`MAX_SCALE`] (not NaN, not infinite), as the control
/// endpoint and `--clock-scale` take it.
pub(crate) fn is_scale(scale: f64) -> bool {
    (0.0..=MAX_SCALE).contains(&scale)
}

/// A scale the clock can run at: finite, from 0 to [`MAX_SCALE`].
fn sanitize(scale: f64) -> f64 {
    if scale.is_finite() {
        scale.clamp(0.0, MAX_SCALE)
    } else {
        1.0
    }
}

/// The latest time the clock reaches, in milliseconds since the epoch: 9999-12-31T23:59:59Z, the last second
/// the API's four-digit years write (past it, a time would have no text).
pub(crate) const LATEST_MS: i64 = 253_402_300_799_000;

/// The core's timestamp from the emulator's text.
#[allow(clippy::useless_conversion)] // The core may give timestamps a type of their own.
pub(crate) fn stamp(text: String) -> Timestamp {
    Timestamp::from(text)
}

/// Milliseconds since the epoch as the API writes an instant.
pub(crate) fn timestamp(ms: i64) -> String {
    DateTime::from_unix_timestamp(ms.div_euclid(1000)).map(|t| t.as_str().to_owned()).unwrap_or_default()
}

/// Milliseconds since the epoch written to the microsecond, as the agent-webhook pages write a webhook's
/// `created_at` and `updated_at` (`2025-09-03T23:19:51.000000Z`).
pub(crate) fn micros_timestamp(ms: i64) -> String {
    with_fraction(ms, 6)
}

/// Milliseconds since the epoch as a webhook delivery's `timestamp` writes them, to the millisecond
/// (test-webhook's `2025-09-03T23:19:51.000Z`).
pub(crate) fn delivery_timestamp(ms: i64) -> String {
    with_fraction(ms, 3)
}

/// [`timestamp`] with the second's fraction written to `places` digits (3: milliseconds, 6: microseconds).
fn with_fraction(ms: i64, places: usize) -> String {
    let seconds = timestamp(ms);
    match seconds.strip_suffix('Z') {
        Some(whole) => format!("{whole}.{:0<places$}Z", format!("{:03}", ms.rem_euclid(1000))),
        None => seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_clock_moves_only_when_advanced() {
        let mut clock = Clock::new(0.0);
        let before = clock.now_ms();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now_ms(), before);
        clock.advance(Duration::from_secs(90));
        assert_eq!(clock.now_ms(), before + 90_000);
        clock.set_scale(f64::NAN);
        assert_eq!(clock.scale(), 1.0);
        assert!(clock.now_ms() >= before + 90_000);
    }
}
