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
        let limit = Self {
            limit: number("x-ratelimit-limit"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
        };
        (limit != Self::default()).then_some(limit)
    }
}

/// The delay a `Retry-After` header asks for, in seconds or as an HTTP date (relative to `now`).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
