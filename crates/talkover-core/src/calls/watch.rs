//! Following one call to its end, with no I/O: the API has no get-call, so a call is found among its
//! agent's calls (get-agent-calls), narrowed to the number called when it is known. A
//! [`CallWatch`] says which page to read next and what a page means; the caller sends the requests and
//! waits between looks, on whichever client it uses.

use std::time::{Duration, Instant};

use super::{Call, CallId, CallStatus, GetAgentCalls, PlacedCall};
use crate::error::{Error, TransportErrorKind};
use crate::ids::AgentId;
use crate::page::Page;

/// Follows one call until its status [is final](CallStatus::is_terminal).
///
/// Each look reads the agent's calls, a hundred a page, up to [`PAGES_PER_LOOK`](Self::PAGES_PER_LOOK)
/// pages, until the call is among them. The reference does not say in which order the list comes (its
/// example lists the older call first), so a list longer than those pages is read at both ends: the first
/// half of them from its start, the rest from its last page down, where a new call stands whichever the
/// order. Send
/// [`request`](Self::request), give the page to [`on_page`](Self::on_page), and do what it says. Waiting
/// between looks, and how long to go on, are the caller's: the API says nothing of how long a call lasts.
///
/// The `talkover` crate's calls handler shows it on a client. Here it is driven by hand:
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::agents::Direction;
/// use talkover::calls::{Call, CallRequired, CallStatus, CallWatch, WatchStep};
/// use talkover::Page;
///
/// let call = |status| {
///     let (from, to) = ("+15550100000".into(), "+15551234567".into());
///     let (direction, created_at) = (Direction::Outbound, "2024-01-01T00:00:00Z".into());
///     Call::new(CallRequired { id: "c1".into(), sid: "CA1".into(), from, to, direction, status, created_at })
/// };
/// let mut watch = CallWatch::new("a1", "c1").to("+15551234567");
/// assert_eq!(watch.request().query.search.as_deref(), Some("+15551234567"));
/// // What `client.execute(watch.request())` answered: the call is under way; wait, then look again.
/// assert_eq!(watch.on_page(Page::new(vec![call(CallStatus::Answered)], None)), WatchStep::Wait);
/// let step = watch.on_page(Page::new(vec![call(CallStatus::Completed)], None));
/// assert!(matches!(step, WatchStep::Ended(call) if call.status == CallStatus::Completed));
/// ```
#[derive(Clone, Debug)]
pub struct CallWatch {
    agent_id: AgentId,
    call_id: CallId,
    to: Option<String>,
    /// The page of the look under way, from 1.
    page: u64,
    /// The pages the look under way has read.
    read: u64,
    /// Of a long list, once the look has gone to its end: the lowest and the highest page read there.
    tail: Option<(u64, u64)>,
    /// Looks finished.
    looks: u64,
    last_status: Option<CallStatus>,
}

/// What to do after a page of the agent's calls ([`CallWatch::on_page`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum WatchStep {
    /// The call has ended: here it is, with its final status.
    Ended(Box<Call>),
    /// The look goes on: read the next page ([`CallWatch::request`]) now.
    NextPage,
    /// The look is over and the call has not ended (or is not listed on the pages read): wait, then look
    /// again from the first page ([`CallWatch::request`]).
    Wait,
    /// [`CallWatch::LOOKS_BEFORE_NOT_FOUND`] looks did not find the call, never seen before: the call,
    /// agent or number is not the one that placed it, or the call stands in the middle of a list longer
    /// than the pages a look reads (see [`CallWatch::new`]).
    NotFound,
}

impl CallWatch {
    /// The pages of a hundred calls each look reads at most: all of a list that has no more, else the
    /// first half of them and the last half (from the last page down).
    pub const PAGES_PER_LOOK: u64 = 10;

    /// The looks that must miss a call never seen before it is taken for a wrong id
    /// ([`WatchStep::NotFound`]): nothing says a call is listed the moment make-call answers.
    pub const LOOKS_BEFORE_NOT_FOUND: u64 = 3;

    /// How long a wait ([`next_move`](Self::next_move)) gives a call never seen to be listed before it is
    /// taken for a wrong id: 10 s, however short its interval: looks that come fast do not decide it sooner.
    /// (With the default 5 s interval, the third look comes at this time.)
    pub const NOT_FOUND_AFTER: Duration = Duration::from_secs(10);

    /// Follows call `call_id` of agent `agent_id`, reading all of the agent's calls: of an agent with
    /// more than [`PAGES_PER_LOOK`](Self::PAGES_PER_LOOK) pages of them, the first and last pages only, so
    /// that a call in the middle of its list is not seen ([`WatchStep::NotFound`]). Narrow the list to
    /// the number called ([`to`](Self::to), or [`of_placed`](Self::of_placed)) where the agent has many
    /// calls.
    pub fn new(agent_id: impl Into<AgentId>, call_id: impl Into<CallId>) -> Self {
        Self {
            agent_id: agent_id.into(),
            call_id: call_id.into(),
            to: None,
            page: 1,
            read: 0,
            tail: None,
            looks: 0,
            last_status: None,
        }
    }

    /// Follows a call make-call placed, reading only the agent's calls to its number (all of them when
    /// the answer gave none, as an external call's may not).
    pub fn of_placed(agent_id: impl Into<AgentId>, placed: &PlacedCall) -> Self {
        let watch = Self::new(agent_id, placed.id.clone());
        if placed.to.is_empty() {
            watch
        } else {
            watch.to(placed.to.clone())
        }
    }

    /// Reads only the agent's calls to `number`, as the API keeps it (E.164: `placed.to`). A number
    /// written as make-call takes it in international form (`+1 (555) 123-4567`) is read as the API keeps
    /// it (`+15551234567`), as [`e164_of_international`](crate::validate::e164_of_international) reads it;
    /// any other text (one with a trunk prefix, `+49 (0)151 …`, among them) is searched for as given.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::calls::CallWatch;
    ///
    /// let watch = CallWatch::new("agent-uuid", "call-uuid-1").to("+1 (555) 123-4567");
    /// assert_eq!(watch.request().query.search.as_deref(), Some("+15551234567"));
    /// ```
    pub fn to(mut self, number: impl Into<String>) -> Self {
        let number = number.into();
        self.to = Some(crate::validate::e164_of_international(&number).unwrap_or(number));
        self
    }

    /// The page to read now.
    pub fn request(&self) -> GetAgentCalls {
        let look = GetAgentCalls::new(self.agent_id.clone()).per_page(100).page(self.page);
        match &self.to {
            Some(to) => look.search(to.clone()),
            None => look,
        }
    }

    /// What a page read with [`request`](Self::request) means.
    pub fn on_page(&mut self, page: Page<Call>) -> WatchStep {
        self.read += 1;
        let next = self.next_in_look(&page);
        if let Some(call) = page.items.into_iter().find(|call| call.id == self.call_id) {
            if call.status.is_terminal() {
                return WatchStep::Ended(Box::new(call));
            }
            self.last_status = Some(call.status);
            return self.look_over();
        }
        if let Some(next) = next {
            self.page = next;
            return WatchStep::NextPage;
        }
        if self.last_status.is_none() && self.looks + 1 >= Self::LOOKS_BEFORE_NOT_FOUND {
            return WatchStep::NotFound;
        }
        self.look_over()
    }

    /// The status the call had when last seen, before it ended.
    pub fn last_status(&self) -> Option<&CallStatus> {
        self.last_status.as_ref()
    }

    /// The looks finished so far.
    pub fn looks(&self) -> u64 {
        self.looks
    }

    /// The page the look reads after `page` (the page just read, the look's `read`th): the next, up to the
    /// list's last; of a list longer than [`PAGES_PER_LOOK`](Self::PAGES_PER_LOOK), after the first half of
    /// them, its last page, then down from there. A list that has grown meanwhile (its last page is past
    /// the highest read at its end) has that page read first. `None` once the look has read its pages, or
    /// the list has no more.
    fn next_in_look(&mut self, page: &Page<Call>) -> Option<u64> {
        let half = Self::PAGES_PER_LOOK / 2;
        if self.read >= Self::PAGES_PER_LOOK || page.items.is_empty() {
            return None;
        }
        let last = page.pagination.as_ref()?.last_page_number();
        match self.tail {
            Some((bottom, top)) if last > top => {
                self.tail = Some((bottom, last));
                Some(last)
            }
            Some((bottom, top)) => {
                let down = bottom.checked_sub(1).filter(|&down| down > half)?;
                self.tail = Some((down, top));
                Some(down)
            }
            None if page.next_page().is_none() => None,
            None if last <= Self::PAGES_PER_LOOK || self.page < half => Some(self.page + 1),
            None => {
                self.tail = Some((last, last));
                Some(last)
            }
        }
    }

    fn look_over(&mut self) -> WatchStep {
        self.page = 1;
        self.read = 0;
        self.tail = None;
        self.looks += 1;
        WatchStep::Wait
    }

    /// [`on_page`](Self::on_page) for a caller that waits by itself within `limits`, `waited` after it
    /// began: what to do next, and at the end how the wait came out. The looks come every
    /// [`WaitLimits::interval`], and the last at [`WaitLimits::max_wait`] (the sleep before it is cut
    /// short to end there): a wait gives up only once the whole of `max_wait` has passed.
    pub fn next_move(&mut self, page: Page<Call>, waited: Duration, limits: WaitLimits) -> WaitMove {
        let interval = limits.interval.max(WaitLimits::MIN_INTERVAL);
        let left = limits.max_wait.saturating_sub(waited);
        match self.on_page(page) {
            WatchStep::Ended(call) => WaitMove::Done(CallWaitOutcome::Ended(call)),
            // Missed by enough looks, but not yet for long enough (and the wait goes on): one more look.
            WatchStep::NotFound if waited < Self::NOT_FOUND_AFTER && !left.is_zero() => {
                self.look_over();
                WaitMove::Sleep(interval.min(left))
            }
            WatchStep::NotFound => WaitMove::Done(CallWaitOutcome::NotFound),
            WatchStep::NextPage => WaitMove::Read,
            WatchStep::Wait => match left {
                left if left.is_zero() => {
                    WaitMove::Done(CallWaitOutcome::NotEnded { last_status: self.last_status.clone(), waited })
                }
                left => WaitMove::Sleep(interval.min(left)),
            },
        }
    }
}

/// How often and how long a wait for a call's end looks ([`CallWatch::next_move`]; the `talkover` crate's
/// `client.calls().wait_for_end(…)`): by default every 5 seconds, for up to 10 minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitLimits {
    /// The time between the end of one look and the start of the next; at least
    /// [`MIN_INTERVAL`](Self::MIN_INTERVAL) is waited whatever it says. Default 5 s.
    pub interval: Duration,
    /// How long the wait may go on: the last look is at its end. Default 10 minutes.
    pub max_wait: Duration,
}

impl Default for WaitLimits {
    fn default() -> Self {
        Self { interval: Duration::from_secs(5), max_wait: Duration::from_secs(600) }
    }
}

impl WaitLimits {
    /// The shortest time between looks, 100 ms: a shorter interval is raised to it, so that a wait does not
    /// spend the account's rate limit.
    pub const MIN_INTERVAL: Duration = Duration::from_millis(100);

    /// Sets [`interval`](Self::interval).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Sets [`max_wait`](Self::max_wait).
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The least time a look has ([`look_timeout`](Self::look_timeout)), so that the look made when
    /// `max_wait` is up can still be answered.
    pub const LOOK_AT_LEAST: Duration = Duration::from_secs(1);

    /// The time a look made `waited` into the wait may take: what is left of the wait, at least
    /// [`LOOK_AT_LEAST`](Self::LOOK_AT_LEAST), and never more than `timeout` (the client's own bound, when
    /// it has one). A look is made once, with this bound, so that a server that never answers holds the
    /// wait about `max_wait`, not the client's timeout times its attempts.
    pub fn look_timeout(&self, waited: Duration, timeout: Option<Duration>) -> Duration {
        let left = self.max_wait.saturating_sub(waited).max(Self::LOOK_AT_LEAST);
        timeout.map_or(left, |timeout| timeout.min(left))
    }

    /// What a wait does after a look, made `waited` into it, that failed with `error`: `Some(pause)`, look
    /// again after the pause, for a failure that may pass ([`Error::is_retryable`]: a 5xx, 429, a timeout,
    /// a lost connection) while time is left (the interval, or the wait the server asked for with
    /// `Retry-After` when that is longer, never past `max_wait`); `None`, end the wait with the error, for
    /// one that will not pass (401, 404) or once `max_wait` is up.
    pub fn after_failure(&self, error: &Error, waited: Duration) -> Option<Duration> {
        let left = self.max_wait.checked_sub(waited).filter(|left| !left.is_zero())?;
        let asked = error.retry_after().unwrap_or_default();
        error.is_retryable().then(|| self.interval.max(Self::MIN_INTERVAL).max(asked).min(left))
    }
}

/// Whether `error` says the API could not be reached at all: no connection opened, TLS refused, or a URL
/// the transport cannot send.
fn cannot_reach(error: &Error) -> bool {
    use TransportErrorKind::{Connect, InvalidUrl, Tls};
    matches!(error, Error::Transport(failure) if matches!(failure.kind(), Connect | Tls | InvalidUrl))
}

/// A whole wait for a call's end within [`WaitLimits`], with no I/O: which request to send and how long it
/// may take ([`look`](Self::look)), what its page or its failure means ([`on_page`](Self::on_page),
/// [`after_failure`](Self::after_failure)), and the time waited, counted on the clock and on the sleeps
/// the caller reports ([`slept`](Self::slept)). Both clients' `wait_for_end` and the command line's
/// `calls wait` are this loop on their own I/O.
///
/// ```
/// # use talkover_core as talkover;
/// # use std::time::Duration;
/// use talkover::calls::{CallWait, CallWatch, WaitLimits, WaitMove};
/// use talkover::Page;
///
/// let limits = WaitLimits::default().interval(Duration::from_secs(5)).max_wait(Duration::from_secs(60));
/// let mut wait = CallWait::new(CallWatch::new("a1", "c1"), limits, Some(Duration::from_secs(30)));
/// let (request, timeout) = wait.look();
/// assert_eq!((request.query.page, timeout), (Some(1), Duration::from_secs(30)));
/// // The page `client.with_retry_policy(RetryPolicy::none()).with_timeout(timeout).execute(request)` gave:
/// // the call is not listed yet, so sleep, report it, and look again.
/// let WaitMove::Sleep(pause) = wait.on_page(Page::new(Vec::new(), None)) else { unreachable!() };
/// wait.slept(pause);
/// assert!(wait.waited() >= Duration::from_secs(5));
/// ```
#[derive(Clone, Debug)]
pub struct CallWait {
    watch: CallWatch,
    limits: WaitLimits,
    timeout: Option<Duration>,
    started: Instant,
    slept: Duration,
    /// Whether a look has been answered: until one is, a failure to reach the API ends the wait.
    answered: bool,
}

impl CallWait {
    /// A wait for the call `watch` follows, within `limits`, by a client whose requests take at most
    /// `timeout` (its own bound, when it has one). The time waited starts now.
    pub fn new(watch: CallWatch, limits: WaitLimits, timeout: Option<Duration>) -> Self {
        Self { watch, limits, timeout, started: Instant::now(), slept: Duration::ZERO, answered: false }
    }

    /// The request to send now, once (without the client's retries: a failed look is made again by the
    /// wait, [`after_failure`](Self::after_failure)), and the time it may take
    /// ([`WaitLimits::look_timeout`]).
    pub fn look(&self) -> (GetAgentCalls, Duration) {
        (self.watch.request(), self.limits.look_timeout(self.waited(), self.timeout))
    }

    /// What to do after the page the last [`look`](Self::look) read ([`CallWatch::next_move`]). After a
    /// [`WaitMove::Sleep`], report the sleep with [`slept`](Self::slept).
    pub fn on_page(&mut self, page: Page<Call>) -> WaitMove {
        self.answered = true;
        let waited = self.waited();
        self.watch.next_move(page, waited, self.limits)
    }

    /// What to do after the last look failed with `error` ([`WaitLimits::after_failure`]): `Some(pause)`,
    /// sleep, report it with [`slept`](Self::slept) and look again; `None`, end the wait with the error.
    ///
    /// Before any look has been answered, a failure to reach the API at all (no connection, a TLS
    /// handshake refused, a URL the transport cannot send) ends the wait at once: it says the base URL or
    /// the network is wrong, not that the call is slow, and waiting out `max_wait` would only hide it. Once
    /// a look has been answered, the same failure is waited out like any other that may pass.
    pub fn after_failure(&self, error: &Error) -> Option<Duration> {
        if !self.answered && cannot_reach(error) {
            return None;
        }
        self.limits.after_failure(error, self.waited())
    }

    /// Reports a sleep the wait asked for, done. The time waited is the longer of the clock's and the
    /// sleeps', so that a sleep on another clock (a runtime's paused time, a test double that returns at
    /// once) still brings the wait to its end after `max_wait / interval` looks.
    pub fn slept(&mut self, pause: Duration) {
        self.slept = self.slept.saturating_add(pause);
    }

    /// The time waited so far.
    pub fn waited(&self) -> Duration {
        self.started.elapsed().max(self.slept)
    }

    /// The time left until [`WaitLimits::max_wait`].
    pub fn left(&self) -> Duration {
        self.limits.max_wait.saturating_sub(self.waited())
    }

    /// The call it follows.
    pub fn watch(&self) -> &CallWatch {
        &self.watch
    }
}

/// What to do after a page, in a wait within [`WaitLimits`] ([`CallWatch::next_move`]). These three are
/// all a wait does; the outcome is in [`CallWaitOutcome`].
#[derive(Clone, Debug, PartialEq)]
pub enum WaitMove {
    /// Read the next page ([`CallWatch::request`]) now: the look goes on.
    Read,
    /// Wait this long, then read [`CallWatch::request`] (the first page again).
    Sleep(Duration),
    /// The wait is over.
    Done(CallWaitOutcome),
}

/// How a wait for a call's end came out.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CallWaitOutcome {
    /// The call has ended: here it is, with its final status.
    Ended(Box<Call>),
    /// [`WaitLimits::max_wait`] came first: at the last look the call had not ended.
    NotEnded {
        /// Its status at the last look it was seen at; `None` if no look found it (it may not be listed
        /// yet).
        last_status: Option<CallStatus>,
        /// How long the wait went on.
        waited: Duration,
    },
    /// The first [`CallWatch::LOOKS_BEFORE_NOT_FOUND`] looks, over at least
    /// [`CallWatch::NOT_FOUND_AFTER`] (or all of a shorter [`WaitLimits::max_wait`]), did not find the
    /// call: the call, agent or number is not the one that placed it, or the call stands in the middle of
    /// a list longer than the pages a look reads (see [`CallWatch::new`]).
    NotFound,
}

impl CallWaitOutcome {
    /// The call, if it has ended.
    pub fn ended(self) -> Option<Call> {
        match self {
            Self::Ended(call) => Some(*call),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::Direction;
    use crate::calls::CallRequired;
    use crate::page::Pagination;

    #[test]
    fn a_failed_look_is_made_again_after_the_interval_or_the_asked_wait_while_time_is_left() {
        use crate::http::{header::RETRY_AFTER, HeaderMap, HeaderValue, StatusCode};
        let answered = |status: u16, retry_after: Option<&'static str>| {
            let mut headers = HeaderMap::new();
            if let Some(after) = retry_after {
                headers.insert(RETRY_AFTER, HeaderValue::from_static(after));
            }
            let status = StatusCode::from_u16(status).unwrap();
            Error::Api(Box::new(crate::ApiError::from_parts("get-agent-calls", status, headers, b"{}".to_vec())))
        };
        let limits = WaitLimits::default().interval(Duration::from_secs(5)).max_wait(Duration::from_secs(60));
        let at = Duration::from_secs;
        assert_eq!(limits.after_failure(&answered(502, None), at(10)), Some(at(5)));
        assert_eq!(limits.after_failure(&answered(429, Some("30")), at(10)), Some(at(30)), "the asked wait");
        assert_eq!(limits.after_failure(&answered(429, Some("30")), at(50)), Some(at(10)), "not past max_wait");
        assert_eq!(limits.after_failure(&answered(502, None), at(60)), None, "the time is up");
        assert_eq!(limits.after_failure(&answered(401, None), at(0)), None, "will not pass");
        assert_eq!(limits.after_failure(&answered(404, None), at(0)), None);

        assert_eq!(limits.look_timeout(at(10), Some(at(30))), at(30));
        assert_eq!(limits.look_timeout(at(50), Some(at(30))), at(10), "the time left");
        assert_eq!(limits.look_timeout(at(60), Some(at(30))), WaitLimits::LOOK_AT_LEAST, "the last look");
        assert_eq!(limits.look_timeout(at(0), None), at(60));
    }

    fn call(id: &str, status: CallStatus) -> Call {
        let (from, to) = ("+15550100000".into(), "+15551234567".into());
        let (direction, created_at) = (Direction::Outbound, "2024-01-01T00:00:00Z".into());
        let mut call =
            Call::new(CallRequired { id: id.into(), sid: "CA1".into(), from, to, direction, status, created_at });
        call.duration = 2;
        call
    }

    fn page(calls: Vec<Call>, current: u64, last: u64) -> Page<Call> {
        let mut pagination = Pagination::new(current, 100, last * 100);
        pagination.last_page = Some(last);
        Page::new(calls, Some(pagination))
    }

    #[test]
    fn a_watch_reads_pages_until_the_call_then_waits_for_its_end() {
        let mut watch = CallWatch::new("a1", "c2").to("+15551234567");
        let request = watch.request();
        assert_eq!(
            (request.query.page, request.query.per_page, request.query.search.as_deref()),
            (Some(1), Some(100), Some("+15551234567"))
        );
        // Not on the first page of two: the second is read in the same look.
        assert_eq!(watch.on_page(page(vec![call("c1", CallStatus::Completed)], 1, 2)), WatchStep::NextPage);
        assert_eq!(watch.request().query.page, Some(2));
        assert_eq!(watch.on_page(page(vec![call("c2", CallStatus::Ringing)], 2, 2)), WatchStep::Wait);
        assert_eq!(
            (watch.last_status(), watch.looks(), watch.request().query.page),
            (Some(&CallStatus::Ringing), 1, Some(1))
        );
        // Later it has ended.
        let ended = call("c2", CallStatus::Completed);
        assert_eq!(watch.on_page(page(vec![ended.clone()], 1, 1)), WatchStep::Ended(Box::new(ended)));
    }

    #[test]
    fn a_call_the_first_looks_do_not_find_is_not_found_and_a_later_miss_waits() {
        let mut watch = CallWatch::new("a1", "nope");
        for _ in 1..CallWatch::LOOKS_BEFORE_NOT_FOUND {
            assert_eq!(watch.on_page(page(vec![call("c1", CallStatus::Answered)], 1, 1)), WatchStep::Wait);
        }
        assert_eq!(watch.on_page(page(vec![call("c1", CallStatus::Answered)], 1, 1)), WatchStep::NotFound);
        let mut seen = CallWatch::new("a1", "c1");
        assert_eq!(seen.on_page(page(vec![call("c1", CallStatus::Answered)], 1, 1)), WatchStep::Wait);
        assert_eq!(seen.on_page(page(Vec::new(), 1, 1)), WatchStep::Wait, "seen before: not a wrong id");
    }

    #[test]
    fn a_wait_sleeps_between_looks_and_takes_its_last_look_at_its_limit() {
        let limits = WaitLimits::default().interval(Duration::from_secs(5)).max_wait(Duration::from_secs(12));
        let mut watch = CallWatch::new("a1", "c1");
        let going = || page(vec![call("c1", CallStatus::Answered)], 1, 1);
        assert_eq!(watch.next_move(going(), Duration::ZERO, limits), WaitMove::Sleep(Duration::from_secs(5)));
        assert_eq!(watch.next_move(going(), Duration::from_secs(7), limits), WaitMove::Sleep(Duration::from_secs(5)));
        // 8 s in, a whole interval would pass the 12 s: the sleep ends at them, for a last look there.
        assert_eq!(watch.next_move(going(), Duration::from_secs(8), limits), WaitMove::Sleep(Duration::from_secs(4)));
        let over = watch.next_move(going(), Duration::from_secs(12), limits);
        let expected =
            CallWaitOutcome::NotEnded { last_status: Some(CallStatus::Answered), waited: Duration::from_secs(12) };
        assert_eq!(over, WaitMove::Done(expected));
        // A limit shorter than the interval still waits it out.
        let short = limits.max_wait(Duration::from_secs(2));
        let mut watch = CallWatch::new("a1", "c1");
        assert_eq!(watch.next_move(going(), Duration::ZERO, short), WaitMove::Sleep(Duration::from_secs(2)));
        // A page that ends it ends the wait whatever the time.
        let ended = call("c1", CallStatus::Busy);
        let done = watch.next_move(page(vec![ended.clone()], 1, 1), Duration::from_secs(60), limits);
        assert_eq!(done, WaitMove::Done(CallWaitOutcome::Ended(Box::new(ended.clone()))));
        assert_eq!(CallWaitOutcome::Ended(Box::new(ended.clone())).ended(), Some(ended));
    }

    #[test]
    fn a_wait_reads_on_within_a_look_and_gives_up_on_a_call_never_found() {
        let limits = WaitLimits::default();
        let mut watch = CallWatch::new("a1", "nope");
        let others = |n| page(vec![call("other", CallStatus::Completed)], n, 2);
        assert_eq!(watch.next_move(others(1), Duration::ZERO, limits), WaitMove::Read);
        for _ in 1..CallWatch::LOOKS_BEFORE_NOT_FOUND {
            assert_eq!(watch.next_move(others(2), Duration::ZERO, limits), WaitMove::Sleep(Duration::from_secs(5)));
            assert_eq!(watch.next_move(others(1), Duration::ZERO, limits), WaitMove::Read);
        }
        // Missed by every look, but the looks came within NOT_FOUND_AFTER: one more, later.
        let early = Duration::from_secs(9);
        assert_eq!(watch.next_move(others(2), early, limits), WaitMove::Sleep(Duration::from_secs(5)));
        assert_eq!(watch.next_move(others(1), early, limits), WaitMove::Read);
        let after = CallWatch::NOT_FOUND_AFTER;
        assert_eq!(watch.next_move(others(2), after, limits), WaitMove::Done(CallWaitOutcome::NotFound));

        // Fast looks (a 200 ms interval) do not decide it sooner; a wait ending first does.
        let fast = limits.interval(Duration::from_millis(200));
        let mut watch = CallWatch::new("a1", "nope");
        let mut waited = Duration::ZERO;
        while let WaitMove::Sleep(sleep) = watch.next_move(others(2), waited, fast) {
            waited += sleep;
            assert!(waited <= after, "{waited:?}");
        }
        assert_eq!(waited, after, "not found only after {after:?}");
        let short = fast.max_wait(Duration::from_secs(1));
        let mut watch = CallWatch::new("a1", "nope");
        let mut waited = Duration::ZERO;
        let outcome = loop {
            match watch.next_move(others(2), waited, short) {
                WaitMove::Sleep(sleep) => waited += sleep,
                other => break other,
            }
        };
        assert_eq!((outcome, waited), (WaitMove::Done(CallWaitOutcome::NotFound), Duration::from_secs(1)));
    }

    #[test]
    fn a_wait_keeps_a_floor_under_the_interval() {
        let limits = WaitLimits::default().interval(Duration::ZERO);
        let mut watch = CallWatch::new("a1", "c1");
        let going = page(vec![call("c1", CallStatus::Ringing)], 1, 1);
        assert_eq!(watch.next_move(going, Duration::ZERO, limits), WaitMove::Sleep(WaitLimits::MIN_INTERVAL));
    }

    /// The whole loop as a client runs it, on sleeps that take no time: the time waited is the sleeps'.
    #[test]
    fn a_wait_counts_its_sleeps_and_looks_again_after_a_failure_until_its_limit() {
        use crate::http::{HeaderMap, StatusCode};
        let failed = || {
            let status = StatusCode::BAD_GATEWAY;
            Error::Api(Box::new(crate::ApiError::from_parts("get-agent-calls", status, HeaderMap::new(), Vec::new())))
        };
        let minutes = |n: u64| Duration::from_secs(60 * n);
        let limits = WaitLimits::default().interval(minutes(1)).max_wait(minutes(3));
        let mut wait = CallWait::new(CallWatch::new("a1", "c1"), limits, Some(minutes(2)));
        assert_eq!(wait.look().1, minutes(2), "the client's timeout, under the time left");
        // A failure that may pass: an interval's pause, then the same first page again.
        assert_eq!(wait.after_failure(&failed()), Some(minutes(1)));
        wait.slept(minutes(1));
        assert_eq!((wait.look().0.query.page, wait.left()), (Some(1), minutes(2)));
        // The call is going: sleep, then the last look is bounded by what is left of the wait.
        assert_eq!(wait.on_page(page(vec![call("c1", CallStatus::Answered)], 1, 1)), WaitMove::Sleep(minutes(1)));
        wait.slept(minutes(1));
        assert_eq!(wait.look().1, minutes(1), "the time left");
        assert_eq!(wait.after_failure(&failed()), Some(minutes(1)));
        wait.slept(minutes(1));
        assert_eq!((wait.look().1, wait.left()), (WaitLimits::LOOK_AT_LEAST, Duration::ZERO));
        // At the limit, a failure ends the wait, and a page that still shows the call going does too.
        assert_eq!(wait.after_failure(&failed()), None);
        let last = wait.on_page(page(vec![call("c1", CallStatus::Answered)], 1, 1));
        let not_ended = CallWaitOutcome::NotEnded { last_status: Some(CallStatus::Answered), waited: minutes(3) };
        assert_eq!(last, WaitMove::Done(not_ended));
        assert_eq!(wait.watch().looks(), 2);
    }

    #[test]
    fn a_wait_that_cannot_reach_the_api_at_its_first_look_ends_there() {
        let refused = || Error::from(crate::TransportError::new(TransportErrorKind::Connect, "connection refused"));
        let timed_out = || Error::from(crate::TransportError::new(TransportErrorKind::Timeout, "no answer"));
        let limits = WaitLimits::default().interval(Duration::from_secs(5)).max_wait(Duration::from_secs(600));
        let mut wait = CallWait::new(CallWatch::new("a1", "c1"), limits, None);
        // A wrong base URL: ten minutes of looks would only hide it.
        assert_eq!(wait.after_failure(&refused()), None);
        // A look that timed out may have reached a slow server: looked again.
        assert_eq!(wait.after_failure(&timed_out()), Some(Duration::from_secs(5)));
        // Once a look was answered, the network failing is waited out.
        assert_eq!(
            wait.on_page(page(vec![call("c1", CallStatus::Ringing)], 1, 1)),
            WaitMove::Sleep(Duration::from_secs(5))
        );
        assert_eq!(wait.after_failure(&refused()), Some(Duration::from_secs(5)));
    }

    #[test]
    fn a_look_reads_at_most_its_pages_at_both_ends_of_a_long_list() {
        let others = || vec![call("other", CallStatus::Completed)];
        // The pages one look reads of a list whose last page is `last_of(page)` when that page is read.
        let look = |watch: &mut CallWatch, last_of: &dyn Fn(u64) -> u64| {
            let mut read = vec![watch.request().query.page.unwrap()];
            loop {
                let current = *read.last().unwrap();
                match watch.on_page(page(others(), current, last_of(current))) {
                    WatchStep::NextPage => read.push(watch.request().query.page.unwrap()),
                    step => {
                        assert_eq!(step, WatchStep::Wait);
                        return read;
                    }
                }
                assert!(read.len() <= 20, "{read:?}");
            }
        };
        // 50 pages: the first five, then from the last down, where a list of oldest first has its new calls.
        let mut watch = CallWatch::new("a1", "new");
        assert_eq!(look(&mut watch, &|_| 50), [1, 2, 3, 4, 5, 50, 49, 48, 47, 46]);
        assert_eq!(watch.request().query.page, Some(1), "the next look starts again from the first");
        // A list that grows by a page while the look reads it: its new last page is read at once.
        let grows = |page| if page <= 5 { 50 } else { 51 };
        assert_eq!(look(&mut watch, &grows), [1, 2, 3, 4, 5, 50, 51, 49, 48, 47]);
        // A shorter list is read whole.
        assert_eq!(look(&mut CallWatch::new("a1", "new"), &|_| 7), [1, 2, 3, 4, 5, 6, 7]);
        // Found on the last page.
        let mut watch = CallWatch::new("a1", "new");
        for n in 1..=5 {
            assert_eq!(watch.on_page(page(others(), n, 50)), WatchStep::NextPage);
        }
        assert_eq!(watch.request().query.page, Some(50));
        let with_it = vec![call("other", CallStatus::Completed), call("new", CallStatus::Completed)];
        assert!(matches!(watch.on_page(page(with_it, 50, 50)), WatchStep::Ended(_)));
        // A list of ten pages or fewer is read whole, in order.
        let mut watch = CallWatch::new("a1", "new");
        assert_eq!(look(&mut watch, &|_| 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(look(&mut watch, &|_| 3), [1, 2, 3]);
        // A list that shrinks under a look at its end: down from where it is, never into its first pages.
        let mut watch = CallWatch::new("a1", "new");
        assert_eq!(look(&mut watch, &|page| if page <= 5 { 50 } else { 8 }), [1, 2, 3, 4, 5, 50, 49, 48, 47, 46]);
    }
}
