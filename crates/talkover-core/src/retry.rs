//! Retry policy as data, and the decision the clients run after every attempt.
//!
//! The rules: a request that is safe to repeat ([`crate::Operation::SAFE_TO_REPEAT`]) is retried after
//! connection failures, timeouts, broken connections, and answers 408, 429 and 5xx. A request that is
//! *not* safe to repeat (placing a call, creating, toggling, testing, triggering, purchasing) is retried only
//! when it certainly never reached the server (the connection or the TLS handshake failed) or when the
//! server refused it with 429; never after a timeout, a reset or a 5xx, since it may have been carried out.
//!
//! A documented business answer is never retried, whatever the statuses configured: a 4xx whose body
//! carries one of the reference's error codes ([`crate::ErrorCode::is_business_answer`]), such as
//! delete-agent's 409 `AGENT_IS_PUBLISHED`. A 409 is the API's considered answer about the resource's
//! state, so it is not among the default retried statuses either.

use http::{HeaderMap, StatusCode};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::error::{TransportError, TransportErrorKind};
use crate::rate_limit::wait_asked;

pub use crate::rate_limit::RateLimit;

/// How a client retries.
#[derive(Clone)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 turns retrying off). Default 2.
    pub max_retries: u32,
    /// The delay before the first retry. Default 0.5 s.
    pub initial_backoff: Duration,
    /// The longest delay between attempts. Default 8 s.
    pub max_backoff: Duration,
    /// The fraction of each delay taken off at random (0 to 1), so that clients do not retry in step.
    /// Default 0.25. A wait the server asked for (`Retry-After`) is never shortened: it is lengthened by
    /// up to the same fraction, at most one second ([`RETRY_AFTER_SPREAD`]), so that clients told the
    /// same moment do not all come back at it.
    pub jitter: f64,
    /// The longest `Retry-After` honoured; an answer asking for a longer wait is not retried. Default 60 s.
    /// One asking for no wait (`0`, a date already past) is retried after the backoff.
    pub max_retry_after: Duration,
    /// Statuses retried for requests that are safe to repeat. Default 408, 429 and every 5xx. A 4xx
    /// answer carrying a documented business code is not retried even when its status is listed.
    pub retry_statuses: Vec<u16>,
    /// The budget shared by every call of a client, so a failing API is not hammered. Set it with
    /// [`budget`](Self::budget), which makes it one to share: a budget put here from another policy keeps
    /// that policy's kind (the default policy's is each built client's own).
    pub budget: Option<RetryBudget>,
    /// The longest a call may spend across its attempts and the waits between them: a retry whose wait
    /// would end later is not made, and the last answer stands. The attempt under way is bounded by the
    /// transport's timeout, so a call takes at most about this plus one timeout. Default none: the
    /// retries and `Retry-After` caps alone bound it.
    pub max_elapsed: Option<Duration>,
}

// The statuses as runs (`[408, 429, 500..=599]`), not a hundred numbers in every client's `Debug`.
impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let statuses = StatusRuns(&self.retry_statuses);
        let fields: [(&str, &dyn std::fmt::Debug); 8] = [
            ("max_retries", &self.max_retries),
            ("initial_backoff", &self.initial_backoff),
            ("max_backoff", &self.max_backoff),
            ("jitter", &self.jitter),
            ("max_retry_after", &self.max_retry_after),
            ("retry_statuses", &statuses),
            ("budget", &self.budget),
            ("max_elapsed", &self.max_elapsed),
        ];
        let mut out = f.debug_struct("RetryPolicy");
        for (name, value) in fields {
            out.field(name, value);
        }
        out.finish()
    }
}

/// Statuses written as runs of consecutive ones: `[408, 429, 500..=599]`.
struct StatusRuns<'a>(&'a [u16]);

impl std::fmt::Debug for StatusRuns<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut sorted = self.0.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut runs: Vec<(u16, u16)> = Vec::new();
        for status in sorted {
            match runs.last_mut() {
                Some((_, last)) if last.checked_add(1) == Some(status) => *last = status,
                _ => runs.push((status, status)),
            }
        }
        f.write_str("[")?;
        for (i, (first, last)) in runs.iter().enumerate() {
            let separator = if i == 0 { "" } else { ", " };
            match first == last {
                true => write!(f, "{separator}{first}")?,
                false => write!(f, "{separator}{first}..={last}")?,
            }
        }
        f.write_str("]")
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            jitter: 0.25,
            max_retry_after: Duration::from_secs(60),
            retry_statuses: [408, 429].into_iter().chain(500..=599).collect(),
            budget: Some(RetryBudget { per_client: true, ..RetryBudget::default() }),
            max_elapsed: None,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    /// Sets the number of retries after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Sets the first delay and the longest one.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the jitter fraction (clamped to 0..=1).
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        self
    }

    /// Sets the longest a call may spend across attempts and waits (see [`RetryPolicy::max_elapsed`]).
    pub fn max_elapsed(mut self, max: Duration) -> Self {
        self.max_elapsed = Some(max);
        self
    }

    /// A retry `decision` made `elapsed` after the call's first attempt began, held to
    /// [`RetryPolicy::max_elapsed`]: a retry whose wait would end past it becomes
    /// [`StopReason::OutOfTime`]; any other decision is kept.
    pub fn within_time(&self, decision: Decision, elapsed: Duration) -> Decision {
        match (decision, self.max_elapsed) {
            (Decision::Retry(delay), Some(max)) if elapsed.saturating_add(delay) > max => {
                Decision::Stop(StopReason::OutOfTime)
            }
            _ => decision,
        }
    }

    /// Sets the longest `Retry-After` honoured.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Sets (or removes) the retry budget. A budget given here (even one taken from another policy or
    /// client, `shared_budget().cloned()`) is shared by every client built with this policy or a clone of
    /// it, and by the clients derived from them, another account's included: to pool the retries of
    /// several clients, or to read [`RetryBudget::available`] from outside. The default policy's budget
    /// is each client's own instead ([`for_new_client`](Self::for_new_client)); to give many clients a
    /// budget each of another size, give each builder `policy.clone().with_own_budget()`.
    pub fn budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.budget = budget.map(|budget| RetryBudget { per_client: false, ..budget });
        self
    }

    /// The retry budget this policy draws on (shared by a client and its clones), if it has one.
    pub fn shared_budget(&self) -> Option<&RetryBudget> {
        self.budget.as_ref()
    }

    /// This policy with a budget of its own: a full one of the same capacity, shared with no other
    /// policy, where it has one.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::RetryPolicy;
    ///
    /// let template = RetryPolicy::default();
    /// let shared = template.clone(); // a clone draws on the same budget
    /// let own = template.clone().with_own_budget();
    /// let (template, shared, own) = (template.shared_budget().unwrap(), shared.shared_budget().unwrap(), own.shared_budget().unwrap());
    /// assert!(template.is_shared_with(shared) && !template.is_shared_with(own));
    /// assert_eq!(own.capacity(), template.capacity());
    /// ```
    pub fn with_own_budget(mut self) -> Self {
        self.budget = self
            .budget
            .map(|budget| RetryBudget { per_client: budget.per_client, ..RetryBudget::new(budget.capacity) });
        self
    }

    /// This policy as a newly built client takes it: the default policy's budget, which is each client's
    /// own, becomes a new one ([`with_own_budget`](Self::with_own_budget)), so that one policy value given
    /// to many builders (a client an account, each with its token) does not let one account's failures
    /// spend the retries of the others; a budget given with [`budget`](Self::budget) is kept, shared as
    /// given. The clients' builders, and their `with_token` and `with_config`, take their policy so.
    pub fn for_new_client(self) -> Self {
        match &self.budget {
            Some(budget) if budget.per_client => self.with_own_budget(),
            _ => self,
        }
    }

    /// This policy, drawing on `other`'s budget when both have one (so clients derived from one client
    /// share a single budget).
    pub fn sharing_budget_of(mut self, other: &RetryPolicy) -> Self {
        if self.budget.is_some() && other.budget.is_some() {
            self.budget = other.budget.clone();
        }
        self
    }

    /// Decides what to do after attempt number `retries_done + 1` of an operation ended with `outcome`.
    /// `random` is a number in `0..1` for the jitter. A retry is drawn from the budget at once: a client
    /// with more to check before it retries (its [`max_elapsed`](Self::max_elapsed), whether it can wait)
    /// uses [`plan`](Self::plan), then [`withdraw`](Self::withdraw) once the retry is certain.
    pub fn decide(&self, retries_done: u32, outcome: &Attempt<'_>, safe_to_repeat: bool, random: f64) -> Decision {
        match self.plan(retries_done, outcome, safe_to_repeat, random) {
            Decision::Retry(delay) => match self.withdraw(outcome) {
                Some(withdrawal) => {
                    withdrawal.spent();
                    Decision::Retry(delay)
                }
                None => Decision::Stop(StopReason::BudgetExhausted),
            },
            other => other,
        }
    }

    /// What [`decide`](Self::decide) decides, without drawing on the budget: a retry is only planned, and
    /// costs nothing until [`withdraw`](Self::withdraw) takes its cost.
    pub fn plan(&self, retries_done: u32, outcome: &Attempt<'_>, safe_to_repeat: bool, random: f64) -> Decision {
        // Whether the outcome calls for another attempt of an operation safe to repeat, and whether this
        // one may be sent again after it.
        let (retryable, repeatable) = match outcome {
            Attempt::Answered { status, .. } if status.is_success() => return Decision::Done,
            Attempt::Answered { status, body, .. } if status.is_client_error() && is_business_answer(body) => {
                (false, true)
            }
            // A 429 is a refusal: nothing was done, whatever the operation, which waits it out even where
            // `retry_statuses` leaves it out (the list is for operations safe to repeat).
            Attempt::Answered { status, .. } => {
                let refused = *status == StatusCode::TOO_MANY_REQUESTS;
                (self.retry_statuses.contains(&status.as_u16()) || (refused && !safe_to_repeat), refused)
            }
            // The transport's own rule declined it: trying again now meets the same rule.
            Attempt::Failed(error) if error.kind() == TransportErrorKind::Declined => {
                return Decision::Stop(StopReason::Declined);
            }
            // So is a 429 whose body was lost.
            Attempt::Failed(error) if error.status() == Some(StatusCode::TOO_MANY_REQUESTS) => {
                (error.may_succeed_again(), true)
            }
            Attempt::Failed(error) => (error.may_succeed_again(), error.certainly_not_sent()),
        };
        if !retryable {
            return Decision::Stop(StopReason::NotRetryable);
        }
        if !safe_to_repeat && !repeatable {
            // Said as the error will say it: an answer whose status shows nothing was done (a 409 the
            // policy lists) is not retried either, but not for fear of doing it twice.
            let done = match outcome {
                Attempt::Answered { status, .. } => crate::error::status_may_have_taken_effect(*status),
                Attempt::Failed(_) => true,
            };
            return Decision::Stop(if done { StopReason::NotSafeToRepeat } else { StopReason::NotRetryable });
        }
        if retries_done >= self.max_retries {
            return Decision::Stop(StopReason::OutOfAttempts);
        }
        let delay = match outcome.wait_asked() {
            Some(wait) if wait > self.max_retry_after => return Decision::Stop(StopReason::RetryAfterTooLong),
            Some(wait) => wait.saturating_add(self.spread(wait, random)),
            None => self.backoff_for(retries_done, random),
        };
        Decision::Retry(delay)
    }

    /// Draws the cost of retrying after `outcome` from the budget (5 tokens, 10 after a timeout, nothing
    /// after a 429 that says how long to wait; nothing without a budget), or `None` when the budget cannot
    /// pay it ([`StopReason::BudgetExhausted`]). The cost goes back to the budget if the [`Withdrawal`] is
    /// dropped before [`Withdrawal::spent`]: a retry never sent (its call dropped while it waited) costs
    /// nothing.
    pub fn withdraw(&self, outcome: &Attempt<'_>) -> Option<Withdrawal> {
        let cost = outcome.cost();
        match &self.budget {
            Some(budget) if !budget.try_withdraw(cost) => None,
            budget => Some(Withdrawal { budget: budget.clone(), cost }),
        }
    }

    /// The delay before retry number `retries_done + 1`: doubling from the initial backoff up to the
    /// maximum, less a random share of up to `jitter`.
    pub fn backoff_for(&self, retries_done: u32, random: f64) -> Duration {
        let doubled = self.initial_backoff.saturating_mul(1u32.checked_shl(retries_done.min(31)).unwrap_or(u32::MAX));
        let capped = doubled.min(self.max_backoff);
        let random = in_unit_range(random);
        // Not `mul_f64`, which panics when the product passes `Duration::MAX` (a maximal backoff).
        let share = (1.0 - self.jitter * random).clamp(0.0, 1.0);
        Duration::try_from_secs_f64(capped.as_secs_f64() * share).unwrap_or(capped)
    }

    /// What is added at random to a wait of `wait` the server asked for: up to `jitter` of it, at most
    /// [`RETRY_AFTER_SPREAD`].
    fn spread(&self, wait: Duration, random: f64) -> Duration {
        let share = (self.jitter * in_unit_range(random)).clamp(0.0, 1.0);
        Duration::try_from_secs_f64(wait.as_secs_f64() * share).unwrap_or(RETRY_AFTER_SPREAD).min(RETRY_AFTER_SPREAD)
    }

    /// Records a successful call, refunding the budget a little.
    pub fn record_success(&self) {
        if let Some(budget) = &self.budget {
            budget.deposit(1);
        }
    }
}

/// A random draw for the jitter held to `0..=1` (0 for one that is not a number).
fn in_unit_range(random: f64) -> f64 {
    if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The most a `Retry-After` wait is lengthened at random (see [`RetryPolicy::jitter`]).
pub const RETRY_AFTER_SPREAD: Duration = Duration::from_secs(1);

/// How an attempt ended, as the retry decision sees it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Attempt<'a> {
    /// The server answered.
    Answered {
        /// Its status.
        status: StatusCode,
        /// Its headers (for `Retry-After`).
        headers: &'a HeaderMap,
        /// Its body (for the error code of a refusal).
        body: &'a [u8],
    },
    /// The exchange failed.
    Failed(&'a TransportError),
}

impl Attempt<'_> {
    /// The wait the attempt's answer asks for before another attempt, which [`RetryPolicy::plan`] keeps to
    /// (with its spread): its `Retry-After`, else a `retry_after` in its body, else, on a 429 whose window
    /// is spent, the time until the window resets. `None` after a success, where the answer asks none, and
    /// for a wait of nothing (`Retry-After: 0`, a date already past), for which the backoff stands in, so a
    /// server that keeps saying so is not asked again at once.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use std::time::Duration;
    /// use talkover::http::{HeaderMap, StatusCode};
    /// use talkover::retry::Attempt;
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("retry-after", "30".parse().unwrap());
    /// let limited = Attempt::Answered { status: StatusCode::TOO_MANY_REQUESTS, headers: &headers, body: b"{}" };
    /// assert_eq!(limited.wait_asked(), Some(Duration::from_secs(30)));
    /// headers.insert("retry-after", "0".parse().unwrap());
    /// let at_once = Attempt::Answered { status: StatusCode::TOO_MANY_REQUESTS, headers: &headers, body: b"{}" };
    /// assert_eq!(at_once.wait_asked(), None);
    /// ```
    pub fn wait_asked(&self) -> Option<Duration> {
        let asked = match self {
            Attempt::Answered { status, .. } if status.is_success() => None,
            Attempt::Answered { status, headers, body } => wait_asked(*status, headers, body, SystemTime::now()),
            Attempt::Failed(error) => error.retry_after(),
        };
        asked.filter(|wait| !wait.is_zero())
    }

    /// The attempt's status, when its answer's head arrived.
    fn status(&self) -> Option<StatusCode> {
        match self {
            Attempt::Answered { status, .. } => Some(*status),
            Attempt::Failed(error) => error.status(),
        }
    }

    /// What retrying after this attempt draws from the budget: nothing for a 429 that says how long to
    /// wait (its `Retry-After` or rate-limit reset): the server paces that retry itself, so a burst of rate
    /// limiting leaves the budget, and the retries after failures it guards, as they were.
    fn cost(&self) -> u32 {
        let waits_as_asked = self.status() == Some(StatusCode::TOO_MANY_REQUESTS) && self.wait_asked().is_some();
        match self {
            _ if waits_as_asked => 0,
            Attempt::Failed(e) if e.kind() == TransportErrorKind::Timeout => TIMEOUT_RETRY_COST,
            _ => RETRY_COST,
        }
    }
}

/// Whether an error body carries a documented code that asking again cannot change.
fn is_business_answer(body: &[u8]) -> bool {
    crate::error::code_in_body(body).is_some_and(|code| crate::ErrorCode::from_text(code.as_str()).is_business_answer())
}

/// What to do after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// The call succeeded.
    Done,
    /// Try again after this delay.
    Retry(Duration),
    /// Give the outcome to the caller.
    Stop(StopReason),
}

pub use crate::error::StopReason;

/// A retry's cost, drawn from a [`RetryBudget`] by [`RetryPolicy::withdraw`]: given back when dropped,
/// kept once [`spent`](Self::spent) (when the retry's request goes out).
#[derive(Debug)]
#[must_use = "dropping a withdrawal gives its cost back to the budget"]
pub struct Withdrawal {
    budget: Option<RetryBudget>,
    cost: u32,
}

impl Withdrawal {
    /// The retry is made: its cost stays withdrawn.
    pub fn spent(mut self) {
        self.budget = None;
    }
}

impl Drop for Withdrawal {
    fn drop(&mut self) {
        if let Some(budget) = self.budget.take() {
            budget.deposit(self.cost);
        }
    }
}

const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;

/// A token bucket shared by every call of a client (and its clones): each retry withdraws tokens (5, or 10
/// after a timeout), each success deposits one, and retries stop while the bucket is empty. With the
/// default 500 tokens a client makes at most 100 retries in a row against a failing API. A retry after a
/// 429 that says how long to wait costs nothing: the server paces it, and a burst of rate limiting would
/// otherwise leave no retries for the failures the budget is for.
///
/// A clone draws on the same tokens: a budget given to a policy ([`RetryPolicy::budget`]) is shared by
/// every client built with it. The default policy's budget is each built client's own
/// ([`RetryPolicy::for_new_client`]), so that clients built apart (one an account's token) do not spend
/// each other's retries.
#[derive(Clone)]
pub struct RetryBudget {
    tokens: Arc<AtomicU32>,
    capacity: u32,
    /// Whether a retry was refused since the bucket was last at least half full.
    refused: Arc<AtomicBool>,
    /// Whether this is the default policy's budget, which a client built takes a new one of.
    per_client: bool,
}

impl std::fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryBudget").field("available", &self.available()).field("capacity", &self.capacity).finish()
    }
}

impl RetryBudget {
    /// A budget of `capacity` tokens, full.
    pub fn new(capacity: u32) -> Self {
        Self {
            tokens: Arc::new(AtomicU32::new(capacity)),
            capacity,
            refused: Arc::new(AtomicBool::new(false)),
            per_client: false,
        }
    }

    /// Records that a retry was refused for want of tokens: `true` for the first refusal since the bucket
    /// was last at least half full, so that a client says once that its budget ran dry, not at every call
    /// of the outage that emptied it.
    pub fn first_refusal(&self) -> bool {
        !self.refused.swap(true, Ordering::Relaxed)
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// The tokens the budget holds when full.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// Whether `other` draws on the same tokens as this budget (one is a clone of the other).
    pub fn is_shared_with(&self, other: &RetryBudget) -> bool {
        Arc::ptr_eq(&self.tokens, &other.tokens)
    }

    fn try_withdraw(&self, cost: u32) -> bool {
        self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost)).is_ok()
    }

    fn deposit(&self, amount: u32) {
        let capacity = self.capacity;
        // A full bucket, as a healthy client's always is, is only read: concurrent successful calls then
        // share the counter's cache line rather than each writing it.
        if self.tokens.load(Ordering::Relaxed) >= capacity {
            return;
        }
        let before =
            self.tokens.fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| Some((t + amount).min(capacity)));
        if before.is_ok_and(|t| t.saturating_add(amount) >= capacity / 2) {
            self.refused.store(false, Ordering::Relaxed);
        }
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(500)
    }
}

/// A number in `0..1` for jitter, from a per-process random seed and a counter (no dependency needed; the
/// values only have to differ between clients and attempts).
#[doc(hidden)]
pub fn jitter_sample() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: std::sync::OnceLock<std::collections::hash_map::RandomState> = std::sync::OnceLock::new();
    let mut hasher = SEED.get_or_init(Default::default).build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(status: u16, headers: &HeaderMap) -> Attempt<'_> {
        Attempt::Answered { status: StatusCode::from_u16(status).unwrap(), headers, body: b"" }
    }

    #[test]
    fn a_new_client_takes_a_budget_of_its_own_unless_one_was_given() {
        let template = RetryPolicy::default();
        let budget = |policy: &RetryPolicy| policy.shared_budget().unwrap().clone();
        let (one, two) = (template.clone().for_new_client(), template.clone().for_new_client());
        assert!(!budget(&one).is_shared_with(&budget(&two)) && !budget(&one).is_shared_with(&budget(&template)));
        assert_eq!((budget(&one).capacity(), budget(&one).available()), (500, 500));
        // Still the default kind: a client derived from one for another account takes its own again.
        assert!(!budget(&one).is_shared_with(&budget(&one.clone().for_new_client())));

        let given = RetryPolicy::default().budget(Some(RetryBudget::new(20)));
        assert!(budget(&given).is_shared_with(&budget(&given.clone().for_new_client())));
        let own = given.clone().with_own_budget();
        assert!(!budget(&own).is_shared_with(&budget(&given)) && budget(&own).capacity() == 20);
        assert!(RetryPolicy::default().budget(None).for_new_client().shared_budget().is_none());
        // A default policy's budget given with `budget` is one given: shared.
        let taken = RetryPolicy::default().shared_budget().cloned();
        let pooled = RetryPolicy::default().budget(taken.clone());
        assert!(budget(&pooled.clone().for_new_client()).is_shared_with(taken.as_ref().unwrap()));
    }

    fn no_jitter() -> RetryPolicy {
        RetryPolicy::default().jitter(0.0).budget(None)
    }

    #[test]
    fn safe_requests_retry_on_transient_failures_with_doubling_backoff() {
        let policy = no_jitter();
        let h = HeaderMap::new();
        for status in [408, 429, 500, 502, 503, 504] {
            assert_eq!(policy.decide(0, &answered(status, &h), true, 0.0), Decision::Retry(Duration::from_millis(500)));
        }
        assert_eq!(policy.decide(1, &answered(503, &h), true, 0.0), Decision::Retry(Duration::from_secs(1)));
        assert_eq!(policy.decide(2, &answered(503, &h), true, 0.0), Decision::Stop(StopReason::OutOfAttempts));
        for status in [400, 401, 402, 403, 404, 409, 422] {
            assert_eq!(policy.decide(0, &answered(status, &h), true, 0.0), Decision::Stop(StopReason::NotRetryable));
        }
        assert_eq!(policy.decide(0, &answered(200, &h), true, 0.0), Decision::Done);
        let timeout = TransportError::new(TransportErrorKind::Timeout, "t");
        assert!(matches!(policy.decide(0, &Attempt::Failed(&timeout), true, 0.0), Decision::Retry(_)));
    }

    #[test]
    fn unsafe_requests_retry_only_when_never_sent_or_refused_with_429() {
        let policy = no_jitter();
        let h = HeaderMap::new();
        let refused = TransportError::new(TransportErrorKind::Connect, "refused");
        let tls = TransportError::new(TransportErrorKind::Tls, "handshake");
        let timeout = TransportError::new(TransportErrorKind::Timeout, "t");
        let reset = TransportError::new(TransportErrorKind::Io, "reset");
        assert!(matches!(policy.decide(0, &Attempt::Failed(&refused), false, 0.0), Decision::Retry(_)));
        assert!(matches!(policy.decide(0, &Attempt::Failed(&tls), false, 0.0), Decision::Retry(_)));
        assert!(matches!(policy.decide(0, &answered(429, &h), false, 0.0), Decision::Retry(_)));
        for outcome in [Attempt::Failed(&timeout), Attempt::Failed(&reset), answered(500, &h), answered(503, &h)] {
            assert_eq!(
                policy.decide(0, &outcome, false, 0.0),
                Decision::Stop(StopReason::NotSafeToRepeat),
                "{outcome:?}"
            );
        }
        // What no operation retries stays not retryable; so does a status listed for operations safe to
        // repeat that shows nothing was done (the error says it may not have taken effect).
        assert_eq!(policy.decide(0, &answered(409, &h), false, 0.0), Decision::Stop(StopReason::NotRetryable));
        let mut listed = no_jitter();
        listed.retry_statuses.push(409);
        assert!(matches!(listed.decide(0, &answered(409, &h), true, 0.0), Decision::Retry(_)));
        assert_eq!(listed.decide(0, &answered(409, &h), false, 0.0), Decision::Stop(StopReason::NotRetryable));
        // A 429 whose body was cut off is still a refusal, waited out as its head asks.
        let mut asked = HeaderMap::new();
        asked.insert("retry-after", "2".parse().unwrap());
        let cut = TransportError::new(TransportErrorKind::Io, "body cut off")
            .with_answer_head(StatusCode::TOO_MANY_REQUESTS, &asked);
        assert_eq!(cut.retry_after(), Some(Duration::from_secs(2)));
        assert_eq!(policy.decide(0, &Attempt::Failed(&cut), false, 0.0), Decision::Retry(Duration::from_secs(2)));
        assert_eq!(crate::Error::from(cut).retry_after(), Some(Duration::from_secs(2)));
        let cut_500 = TransportError::new(TransportErrorKind::Io, "body cut off")
            .with_answer_head(StatusCode::INTERNAL_SERVER_ERROR, &asked);
        assert_eq!(
            policy.decide(0, &Attempt::Failed(&cut_500), false, 0.0),
            Decision::Stop(StopReason::NotSafeToRepeat)
        );
    }

    #[test]
    fn a_documented_business_answer_is_never_retried() {
        let h = HeaderMap::new();
        let mut policy = no_jitter();
        policy.retry_statuses.extend([400, 409]);
        let conflict = |body: &'static [u8]| Attempt::Answered { status: StatusCode::CONFLICT, headers: &h, body };
        // delete-agent's documented refusal: not retried even with 409 listed.
        let published = br#"{"success":false,"message":"Unpublish first","code":"AGENT_IS_PUBLISHED"}"#;
        assert_eq!(policy.decide(0, &conflict(published), true, 0.0), Decision::Stop(StopReason::NotRetryable));
        let nested = br#"{"error":{"code":"CAMPAIGN_NOT_ACTIVE","message":"Not active"}}"#;
        let bad = Attempt::Answered { status: StatusCode::BAD_REQUEST, headers: &h, body: nested };
        assert_eq!(policy.decide(0, &bad, true, 0.0), Decision::Stop(StopReason::NotRetryable));
        // A listed status without a documented code is the caller's choice to retry.
        assert!(matches!(policy.decide(0, &conflict(br#"{"message":"busy"}"#), true, 0.0), Decision::Retry(_)));
        assert!(matches!(policy.decide(0, &conflict(br#"{"code":"NEW_CODE"}"#), true, 0.0), Decision::Retry(_)));
        // The documented rate-limit code is no business answer: a 429 is retried still.
        let limited = br#"{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"Slow down"}}"#;
        let attempt = Attempt::Answered { status: StatusCode::TOO_MANY_REQUESTS, headers: &h, body: limited };
        assert!(matches!(policy.decide(0, &attempt, false, 0.0), Decision::Retry(_)));
    }

    #[test]
    fn debug_writes_the_retried_statuses_as_runs() {
        let shown = format!("{:?}", RetryPolicy::default());
        assert!(shown.contains("retry_statuses: [408, 429, 500..=599]"), "{shown}");
        let odd = RetryPolicy { retry_statuses: vec![503, 502, 500, 503], ..RetryPolicy::default() };
        assert!(format!("{odd:?}").contains("retry_statuses: [500, 502..=503]"), "{odd:?}");
    }

    #[test]
    fn max_elapsed_holds_back_a_retry_whose_wait_ends_past_it() {
        let policy = no_jitter().max_elapsed(Duration::from_secs(10));
        let retry = Decision::Retry(Duration::from_secs(3));
        assert_eq!(policy.within_time(retry, Duration::from_secs(7)), retry);
        assert_eq!(policy.within_time(retry, Duration::from_secs(8)), Decision::Stop(StopReason::OutOfTime));
        assert_eq!(policy.within_time(Decision::Done, Duration::from_secs(60)), Decision::Done);
        assert_eq!(no_jitter().within_time(retry, Duration::from_secs(3600)), retry, "no bound by default");
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let policy = no_jitter();
        let mut h = HeaderMap::new();
        h.insert("retry-after", "3".parse().unwrap());
        assert_eq!(policy.decide(0, &answered(429, &h), true, 0.0), Decision::Retry(Duration::from_secs(3)));
        h.insert("retry-after", "3600".parse().unwrap());
        assert_eq!(policy.decide(0, &answered(429, &h), true, 0.0), Decision::Stop(StopReason::RetryAfterTooLong));
        // A fraction is waited in full, in a header as in a body; what is no number is no wait asked.
        h.insert("retry-after", "1.5".parse().unwrap());
        assert_eq!(policy.decide(0, &answered(429, &h), true, 0.0), Decision::Retry(Duration::from_secs(2)));
        h.insert("retry-after", "2.000".parse().unwrap());
        assert_eq!(policy.decide(0, &answered(429, &h), true, 0.0), Decision::Retry(Duration::from_secs(2)));
        for odd in ["1.", ".5", "1.5.2", "-1", "1e3"] {
            h.insert("retry-after", odd.parse().unwrap());
            assert_eq!(crate::rate_limit::retry_after(&h, std::time::SystemTime::now()), None, "{odd}");
        }
        // With jitter, the wait asked for is lengthened, never shortened, by up to the jitter's share and
        // at most a second.
        h.insert("retry-after", "3".parse().unwrap());
        let spread = RetryPolicy::default().jitter(0.25).budget(None);
        assert_eq!(spread.decide(0, &answered(429, &h), true, 0.0), Decision::Retry(Duration::from_secs(3)));
        assert_eq!(spread.decide(0, &answered(429, &h), true, 0.5), Decision::Retry(Duration::from_millis(3375)));
        h.insert("retry-after", "60".parse().unwrap());
        assert_eq!(spread.decide(0, &answered(429, &h), true, 0.999), Decision::Retry(Duration::from_secs(61)));
        // A 429 that names no wait is retried when its rate-limit window resets (`X-RateLimit-Reset`, here
        // a count of seconds), up to the same cap; a window that has reset already leaves the backoff.
        let mut window = HeaderMap::new();
        crate::rate_limit::RateLimit::new(100, 0, 20).write_to(&mut window);
        assert_eq!(policy.decide(0, &answered(429, &window), false, 0.0), Decision::Retry(Duration::from_secs(20)));
        assert_eq!(policy.decide(0, &answered(503, &window), true, 0.0), Decision::Retry(policy.backoff_for(0, 0.0)));
        crate::rate_limit::RateLimit::new(100, 0, 3600).write_to(&mut window);
        assert_eq!(policy.decide(0, &answered(429, &window), true, 0.0), Decision::Stop(StopReason::RetryAfterTooLong));
        crate::rate_limit::RateLimit::new(100, 0, 1_600_000_000).write_to(&mut window);
        assert_eq!(policy.decide(0, &answered(429, &window), true, 0.0), Decision::Retry(policy.backoff_for(0, 0.0)));
        // No wait at all, or a moment already past, is not taken at its word: the backoff stands in.
        for none in ["0", "Wed, 21 Oct 2015 07:28:00 GMT"] {
            h.insert("retry-after", none.parse().unwrap());
            assert_eq!(policy.decide(0, &answered(429, &h), true, 0.0), Decision::Retry(policy.backoff_for(0, 0.0)));
            assert!(policy.backoff_for(0, 0.0) > Duration::ZERO);
        }
    }

    #[test]
    fn a_wait_asked_for_in_the_body_or_too_long_to_hold_is_honoured() {
        let policy = no_jitter();
        let none = HeaderMap::new();
        let in_body = |status: u16, body: &'static [u8]| Attempt::Answered {
            status: StatusCode::from_u16(status).unwrap(),
            headers: &none,
            body,
        };
        // make-call's documented 429: the wait is in the body only.
        let make_call = br#"{"error": {"code": "RATE_LIMIT_EXCEEDED", "details": {"retry_after": 60}}}"#;
        assert_eq!(policy.decide(0, &in_body(429, make_call), false, 0.0), Decision::Retry(Duration::from_secs(60)));
        let hour = br#"{"error": {"details": {"retry_after": 3600}}}"#;
        assert_eq!(policy.decide(0, &in_body(429, hour), false, 0.0), Decision::Stop(StopReason::RetryAfterTooLong));
        let short = br#"{"success": false, "details": {"retry_after": "2"}}"#;
        assert_eq!(policy.decide(0, &in_body(429, short), true, 0.0), Decision::Retry(Duration::from_secs(2)));
        let top = br#"{"retry_after": 3}"#;
        assert_eq!(policy.decide(0, &in_body(503, top), true, 0.0), Decision::Retry(Duration::from_secs(3)));
        // A header wins over the body.
        let mut h = HeaderMap::new();
        h.insert("retry-after", "1".parse().unwrap());
        let both = Attempt::Answered { status: StatusCode::TOO_MANY_REQUESTS, headers: &h, body: make_call };
        assert_eq!(policy.decide(0, &both, true, 0.0), Decision::Retry(Duration::from_secs(1)));
        // Seconds too many to hold are the longest wait, not none.
        h.insert("retry-after", "99999999999999999999".parse().unwrap());
        assert_eq!(policy.decide(0, &answered(429, &h), true, 0.0), Decision::Stop(StopReason::RetryAfterTooLong));
        let huge = br#"{"retry_after": 99999999999999999999}"#;
        assert_eq!(policy.decide(0, &in_body(429, huge), true, 0.0), Decision::Stop(StopReason::RetryAfterTooLong));
    }

    #[test]
    fn jitter_takes_off_at_most_its_share_and_max_retries_zero_turns_retrying_off() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_for(0, 1.0), Duration::from_millis(375));
        assert_eq!(policy.backoff_for(10, 0.0), Duration::from_secs(8));
        assert_eq!(policy.backoff_for(u32::MAX, 0.0), Duration::from_secs(8));
        // A maximal backoff is waited as it is, without overflowing.
        let longest = RetryPolicy::default().backoff(Duration::MAX, Duration::MAX).jitter(0.0);
        assert!(longest.backoff_for(3, 0.5) >= Duration::from_secs(u64::MAX / 2));
        let h = HeaderMap::new();
        assert_eq!(
            RetryPolicy::none().decide(0, &answered(503, &h), true, 0.5),
            Decision::Stop(StopReason::OutOfAttempts)
        );
        let sample = jitter_sample();
        assert!((0.0..1.0).contains(&sample));
    }

    #[test]
    fn the_budget_stops_retries_and_refills_on_success() {
        let budget = RetryBudget::new(10);
        let policy = no_jitter().budget(Some(budget.clone()));
        let h = HeaderMap::new();
        assert!(matches!(policy.decide(0, &answered(503, &h), true, 0.0), Decision::Retry(_)));
        assert!(matches!(policy.decide(0, &answered(503, &h), true, 0.0), Decision::Retry(_)));
        assert_eq!(policy.decide(0, &answered(503, &h), true, 0.0), Decision::Stop(StopReason::BudgetExhausted));
        assert!(budget.first_refusal() && !budget.first_refusal(), "said once a dry spell");
        for _ in 0..5 {
            policy.record_success();
        }
        assert_eq!(budget.available(), 5);
        assert!(budget.first_refusal(), "half full again: a new dry spell is said again");
        assert!(matches!(policy.decide(0, &answered(503, &h), true, 0.0), Decision::Retry(_)));
    }

    #[test]
    fn a_planned_retry_costs_nothing_until_withdrawn_and_a_withdrawal_never_spent_is_given_back() {
        let budget = RetryBudget::new(10);
        let policy = no_jitter().budget(Some(budget.clone()));
        let h = HeaderMap::new();
        let failed = answered(503, &h);
        assert!(matches!(policy.plan(0, &failed, true, 0.0), Decision::Retry(_)));
        assert_eq!(budget.available(), 10, "planned, not paid");
        // Dropped (the call was dropped while it waited): given back.
        drop(policy.withdraw(&failed).unwrap());
        assert_eq!(budget.available(), 10);
        policy.withdraw(&failed).unwrap().spent();
        assert_eq!(budget.available(), 5);
        let timeout = TransportError::new(TransportErrorKind::Timeout, "timed out");
        assert!(policy.withdraw(&Attempt::Failed(&timeout)).is_none(), "a timeout's retry costs 10");
        assert_eq!(budget.available(), 5, "a refused withdrawal takes nothing");
        // Without a budget, a retry costs nothing and is always paid.
        no_jitter().withdraw(&failed).unwrap().spent();
    }

    #[test]
    fn a_429_that_says_how_long_to_wait_costs_the_budget_nothing() {
        let budget = RetryBudget::new(5);
        let policy = no_jitter().budget(Some(budget.clone()));
        let mut asked = HeaderMap::new();
        asked.insert("retry-after", "1".parse().unwrap());
        for _ in 0..20 {
            assert!(matches!(policy.decide(0, &answered(429, &asked), false, 0.0), Decision::Retry(_)));
        }
        assert_eq!(budget.available(), 5, "retries the server paced left the budget whole");
        // Its head alone (the body cut off) keeps the wait, and costs nothing either.
        let cut = TransportError::new(TransportErrorKind::Io, "cut off")
            .with_answer_head(StatusCode::TOO_MANY_REQUESTS, &asked);
        assert_eq!(cut.retry_after(), Some(Duration::from_secs(1)));
        policy.withdraw(&Attempt::Failed(&cut)).unwrap().spent();
        assert_eq!(budget.available(), 5);
        // A 429 that names no wait (or a wait of nothing) is retried on the backoff, and pays for it.
        let none = HeaderMap::new();
        assert!(matches!(policy.decide(0, &answered(429, &none), false, 0.0), Decision::Retry(_)));
        assert_eq!(budget.available(), 0);
        let mut zero = HeaderMap::new();
        zero.insert("retry-after", "0".parse().unwrap());
        assert_eq!(policy.decide(0, &answered(429, &zero), false, 0.0), Decision::Stop(StopReason::BudgetExhausted));
        // A 503's `Retry-After` is the server's too, but a failure: it pays.
        budget.deposit(5);
        policy.withdraw(&answered(503, &asked)).unwrap().spent();
        assert_eq!(budget.available(), 0);
    }

    #[test]
    fn rate_limit_headers_are_read() {
        let mut h = HeaderMap::new();
        assert_eq!(RateLimit::from_headers(&h), None);
        h.insert("x-ratelimit-limit", "100".parse().unwrap());
        h.insert("x-ratelimit-remaining", "99".parse().unwrap());
        h.insert("x-ratelimit-reset", "1700000000".parse().unwrap());
        assert_eq!(
            RateLimit::from_headers(&h),
            Some(RateLimit { limit: Some(100), remaining: Some(99), reset: Some(1_700_000_000) })
        );
    }
}
