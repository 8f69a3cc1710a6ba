//! What both clients do around each attempt: decide whether to retry, and trace it.

use std::time::{Duration, Instant};

use talkover_core::retry::{jitter_sample, Attempt, Decision, RetryPolicy};
use talkover_core::{HttpResponse, TransportError};

use crate::client_core::Call;

/// Decides what follows an attempt of `call` (begun at `started`, in a call begun at `began`), and records
/// it as a tracing event (operation, method, path template, attempt, status or failure kind, latency,
/// retry delay). No token, header value or body is recorded.
pub(crate) fn after_attempt<C: Call + ?Sized>(
    call: &C,
    policy: &RetryPolicy,
    retries_done: u32,
    (began, started): (Instant, Instant),
    result: &Result<HttpResponse, TransportError>,
) -> Decision {
    let attempt = match result {
        Ok(response) => {
            Attempt::Answered { status: response.status(), headers: response.headers(), body: response.body() }
        }
        Err(error) => Attempt::Failed(error),
    };
    // A success is never retried, so it needs no jitter (a hash per call).
    let answered_ok = matches!(result, Ok(response) if response.status().is_success());
    let random = if answered_ok { 0.0 } else { jitter_sample() };
    let decision = policy.decide(retries_done, &attempt, call.safe_to_repeat(), random);
    let decision = policy.within_time(decision, began.elapsed());
    if decision == Decision::Done {
        policy.record_success();
    }
    let latency_ms = started.elapsed().as_millis() as u64;
    let retry_in_ms = match decision {
        Decision::Retry(delay) => delay.as_millis() as u64,
        _ => 0,
    };
    match result {
        Ok(response) => tracing::debug!(
            operation = call.id(),
            method = %call.method(),
            path = call.path(),
            attempt = retries_done + 1,
            status = response.status().as_u16(),
            latency_ms,
            retry_in_ms,
            decision = ?decision,
            "talkover attempt"
        ),
        Err(error) => tracing::debug!(
            operation = call.id(),
            method = %call.method(),
            path = call.path(),
            attempt = retries_done + 1,
            failure = ?error.kind(),
            latency_ms,
            retry_in_ms,
            decision = ?decision,
            "talkover attempt"
        ),
    }
    decision
}

/// The delay of a retry decision, if it is one.
pub(crate) fn retry_delay(decision: Decision) -> Option<Duration> {
    match decision {
        Decision::Retry(delay) => Some(delay),
        _ => None,
    }
}
