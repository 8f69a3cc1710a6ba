//! What both clients do around each attempt: decide whether to retry, and trace it.

use std::time::{Duration, Instant};

use talkover_core::retry::{jitter_sample, Attempt, Decision, RetryBudget, RetryPolicy, StopReason, Withdrawal};
use talkover_core::{ClientConfig, HttpResponse, TransportError};

use crate::client_core::Call;

/// Decides what follows an attempt of `call` (begun at `started`, in a call `elapsed` long so far), and records
/// it as a tracing event at DEBUG (operation, method, path template, attempt, status or failure kind, the
/// answer's request id without the client's token, latency, retry delay, and the wait the answer asked for:
/// none where the delay is the backoff's), and at WARN what stops a retry
/// the policy asked for (the budget spent, said once a dry spell; no way to wait). No token, other header
/// value or body is recorded.
///
/// A retry is the wait before it and its cost, drawn from the budget only once the retry is certain: within
/// the policy's time, and a wait this client can make (`can_wait`). The cost goes back if the retry is
/// never sent (the call dropped while it waits). `Err` gives the attempt's result to the caller, with why
/// it was not retried (`None` for a success).
pub(crate) fn after_attempt<C: Call + ?Sized>(
    call: &C,
    (policy, config): (&RetryPolicy, &ClientConfig),
    retries_done: u32,
    (elapsed, started): (Duration, Instant),
    result: &Result<HttpResponse, TransportError>,
    can_wait: impl FnOnce(Duration) -> bool,
) -> Result<(Duration, Withdrawal), Option<StopReason>> {
    let attempt = match result {
        Ok(response) => {
            Attempt::Answered { status: response.status(), headers: response.headers(), body: response.body() }
        }
        Err(error) => Attempt::Failed(error),
    };
    // A success is never retried, so it needs no jitter (a hash per call).
    let answered_ok = matches!(result, Ok(response) if response.status().is_success());
    let random = if answered_ok { 0.0 } else { jitter_sample() };
    let planned = policy.plan(retries_done, &attempt, call.safe_to_repeat(), random);
    let mut decision = policy.within_time(planned, elapsed);
    let mut retry = Err(None);
    match decision {
        Decision::Done => policy.record_success(),
        Decision::Retry(delay) if !can_wait(delay) => {
            // Not silently: the policy asked for a retry this client cannot wait for.
            tracing::warn!(
                operation = call.id(),
                ?delay,
                "not retried: this client has no way to wait here (no `reqwest` feature, or no Tokio runtime for \
                 its default sleep); give its builder `.sleep(...)`"
            );
            decision = Decision::Stop(StopReason::CannotWait);
        }
        Decision::Retry(delay) => match policy.withdraw(&attempt) {
            Some(withdrawal) => retry = Ok((delay, withdrawal)),
            None => {
                // Said at WARN, once a dry spell: until calls succeed again, no call of this client (or its
                // clones) is retried, and an outage would otherwise write one warning a call.
                if policy.shared_budget().is_some_and(RetryBudget::first_refusal) {
                    tracing::warn!(
                        operation = call.id(),
                        "not retried: the client's retry budget is spent (shared by its clones, refilled by one \
                         token a successful call); failures are returned at once until calls succeed again, and \
                         this is said once until the budget is half full again"
                    );
                }
                decision = Decision::Stop(StopReason::BudgetExhausted);
            }
        },
        _ => {}
    }
    if let Decision::Stop(reason) = decision {
        retry = Err(Some(reason));
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
            request_id = talkover_core::error::request_id(response.headers()).map(|id| config.hide_in_text(&id)),
            latency_ms,
            retry_in_ms,
            wait_asked_ms = attempt.wait_asked().map(|wait| wait.as_millis() as u64),
            decision = ?decision,
            "talkover attempt"
        ),
        Err(error) => tracing::debug!(
            operation = call.id(),
            method = %call.method(),
            path = call.path(),
            attempt = retries_done + 1,
            failure = ?error.kind(),
            request_id = error.request_id().map(|id| config.hide_in_text(id)),
            latency_ms,
            retry_in_ms,
            wait_asked_ms = attempt.wait_asked().map(|wait| wait.as_millis() as u64),
            decision = ?decision,
            "talkover attempt"
        ),
    }
    retry
}
