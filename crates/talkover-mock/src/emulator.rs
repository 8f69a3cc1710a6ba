//! The emulator without its HTTP server: a request in, the API's answer out.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::{HeaderValue, StatusCode};
use serde_json::{json, Map, Value};
use talkover_core::account::HealthCheck;
use talkover_core::calls::{Call, MakeCall};
use talkover_core::fixture::{self, Route};
use talkover_core::rate_limit::RateLimit;
use talkover_core::registry::OperationInfo;
use talkover_core::webhooks::{AgentWebhookEvent, CampaignWebhookEvent, TestWebhook};
use talkover_core::{BlockingTransport, HttpRequest, HttpResponse, Operation as _, Transport, TransportError};

use crate::deliver::{Deliveries, Job, Reach, Waiter};
use crate::fault_control::FaultsJson;
use crate::fixtures::{query_pairs, Catalog};
use crate::journal::{Journal, ReceivedRequest};
use crate::reply::Reply;
use crate::state::{self, State};

/// The operations of the account API, which their pages say a user's token authenticates (a personal
/// access token is used "as `Authorization: Bearer <token>` in subsequent requests"); the others want
/// the environment token.
const ACCOUNT_API: &[&str] = talkover_core::account::ACCOUNT_API_OPERATIONS;

/// The token the emulator accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "talq_mock_token";

/// The largest request body the emulator reads.
pub(crate) const MAX_BODY: usize = 4 * 1024 * 1024;

/// How long the emulator waits for more of a request's body before it answers 408.
pub(crate) const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Faults to inject, so that code using the SDK can be tested against a misbehaving API. The latency
/// applies to every answer (the controls' at `/_emulator/` excepted); the `429`s and `500`s to requests
/// that passed the token check, health's excepted (its page says it is safe to poll), with the
/// operation's documented body when the reference shows one. With [`Faults::only_for`], all of them
/// apply to the operations named alone, so that a test can fail one step and let the others through.
/// Over HTTP, `GET`, `PUT` and `DELETE /_emulator/faults` read, replace and remove them.
///
/// ```
/// use std::time::Duration;
/// use talkover_mock::Faults;
///
/// let faults = Faults::new().latency(Duration::from_millis(50)).error_rate(0.1).rate_limit_burst(3, 1);
/// assert_eq!(faults.rate_limit_burst, 3);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Faults {
    /// Added to every answer, after the request is carried out: a client that stops waiting (its timeout,
    /// a dropped future) has still done what it asked, as it may have with the API.
    pub latency: Duration,
    /// The share of requests answered `500` instead of being carried out, from 0 (none, the default) to 1
    /// (all): nothing changes. Health is never failed (its page says it is safe to poll).
    pub error_rate: f64,
    /// The share of requests carried out and then answered `500`, as when an answer is lost on its way
    /// back: a call placed, an agent created, and the caller told it failed. Where code must find out
    /// before sending again what a request not safe to repeat did
    /// ([`may_have_taken_effect`](talkover_core::Error::may_have_taken_effect)), this tests that it does.
    pub lost_answer_rate: f64,
    /// How many requests, from when the faults take effect, are answered `429`.
    pub rate_limit_burst: u32,
    /// How many requests, from when the faults take effect (after a burst of `429`s), are answered `500`
    /// instead of being carried out: the next make-call fails once, and the one after it goes through.
    pub error_burst: u32,
    /// The `Retry-After` of those `429`s, in seconds.
    pub retry_after_secs: u64,
    /// The seed of the error-rate draw, so that a run can be repeated.
    pub seed: u64,
    /// The operations the faults are for, by id (`make-call`); empty (the default) for every operation.
    /// A request to another operation is answered as without faults, and takes nothing of a burst.
    pub operations: Vec<String>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency: Duration::ZERO,
            error_rate: 0.0,
            lost_answer_rate: 0.0,
            rate_limit_burst: 0,
            error_burst: 0,
            retry_after_secs: 1,
            seed: 0x5eed,
            operations: Vec::new(),
        }
    }
}

impl Faults {
    /// No faults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `latency` to every answer, after the request is carried out.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Answers this share of requests (0 to 1) with `500`, without carrying them out (health excepted).
    /// Another share is refused where the faults are given ([`Faults::problem`]).
    pub fn error_rate(mut self, rate: f64) -> Self {
        self.error_rate = rate;
        self
    }

    /// Carries out this share of requests (0 to 1), then answers them `500` (the answer lost on its way
    /// back) in place of a success. Another share is refused where the faults are given
    /// ([`Faults::problem`]).
    pub fn lost_answer_rate(mut self, rate: f64) -> Self {
        self.lost_answer_rate = rate;
        self
    }

    /// Answers the next `requests` requests with `429` and `Retry-After: retry_after_secs`.
    pub fn rate_limit_burst(mut self, requests: u32, retry_after_secs: u64) -> Self {
        self.rate_limit_burst = requests;
        self.retry_after_secs = retry_after_secs;
        self
    }

    /// Answers the next `requests` requests (after a burst of `429`s) with `500`, without carrying them
    /// out (health excepted).
    pub fn error_burst(mut self, requests: u32) -> Self {
        self.error_burst = requests;
        self
    }

    /// The seed of the error-rate draw.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The faults for these operations alone (by id, `"make-call"`): requests to the others are answered
    /// as without faults. An empty list is every operation, as without this.
    ///
    /// # Panics
    ///
    /// On an id no operation has (`"make_call"`): faults aimed at nothing would let a test of failure
    /// handling pass for the wrong reason (over HTTP, the same is a 422).
    pub fn only_for<I>(mut self, operations: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.operations = operations.into_iter().map(Into::into).collect();
        if let Some(unknown) = self.unknown_operation() {
            panic!("Faults::only_for: no operation has the id {unknown:?} (name operations as the reference does: make-call)");
        }
        self
    }

    /// What makes these faults ones the emulator refuses, in words: a share outside 0 to 1, an operation
    /// id no operation has (`make_call`), or health among the operations of faults that fail requests
    /// (health is never failed: they would fail nothing). Faults aimed at nothing would let a test of
    /// failure handling pass for the wrong reason, so [`Emulator::set_faults`] panics with this, a
    /// [`ServerBuilder`](crate::ServerBuilder) given them fails to start, and `PUT /_emulator/faults`
    /// answers it with a 422.
    pub fn problem(&self) -> Option<String> {
        for (name, rate) in [("error_rate", self.error_rate), ("lost_answer_rate", self.lost_answer_rate)] {
            if !(0.0..=1.0).contains(&rate) {
                return Some(format!("The {name} must be a share from 0 to 1, got {rate}."));
            }
        }
        if let Some(unknown) = self.unknown_operation() {
            return Some(format!(
                "No operation has the id {unknown:?}: name operations as the reference does (make-call)."
            ));
        }
        let fails =
            self.error_rate > 0.0 || self.lost_answer_rate > 0.0 || self.rate_limit_burst > 0 || self.error_burst > 0;
        if fails && self.operations.iter().any(|id| id == HealthCheck::ID) {
            return Some(
                "Health is never failed (its page says it is safe to poll): leave it out of the operations.".into(),
            );
        }
        None
    }

    /// The first of [`Faults::operations`] that no operation has as its id, if any.
    pub(crate) fn unknown_operation(&self) -> Option<&str> {
        self.operations.iter().map(String::as_str).find(|id| talkover_core::registry::operation(id).is_none())
    }

    /// Whether the faults are for requests to `operation`.
    fn are_for(&self, operation: &str) -> bool {
        self.operations.is_empty() || self.operations.iter().any(|named| named == operation)
    }
}

struct FaultState {
    faults: Faults,
    burst_left: u32,
    errors_left: u32,
    rng: u64,
}

impl FaultState {
    fn new(faults: Faults) -> Self {
        let (burst_left, errors_left) = (faults.rate_limit_burst, faults.error_burst);
        Self { burst_left, errors_left, rng: first_state(faults.seed), faults }
    }

    /// xorshift64*: good enough to spread injected errors, with no dependency.
    fn draw(&mut self) -> f64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The generator's first state for `seed`: splitmix64's mix of it, so that every seed starts its own sequence
/// (xorshift needs a state other than zero; `seed | 1` made seeds 2k and 2k + 1 the same).
fn first_state(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    match z ^ (z >> 31) {
        0 => 1,
        state => state,
    }
}

/// How to set up an [`Emulator`] (and through [`crate::ServerBuilder`], a server).
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) token: String,
    /// The user's session token the Account API wants instead of `token`, when given.
    pub(crate) user_token: Option<String>,
    pub(crate) fixtures_dir: Option<PathBuf>,
    pub(crate) seed_agent: bool,
    pub(crate) faults: Faults,
    pub(crate) rate_limit: Option<u32>,
    pub(crate) clock_scale: f64,
    /// Where the clock starts (and starts again on a reset), in milliseconds since the epoch; `None` for
    /// the wall clock's time then.
    pub(crate) clock_start_ms: Option<i64>,
    pub(crate) public_webhooks: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.to_owned(),
            user_token: None,
            fixtures_dir: None,
            seed_agent: true,
            faults: Faults::default(),
            rate_limit: None,
            clock_scale: 1.0,
            clock_start_ms: None,
            public_webhooks: false,
        }
    }
}

/// The requests per minute the rate-limit headers report when no limit is set: the Standard plan's.
pub const DEFAULT_RATE_LIMIT: u32 = 100;

/// The rate-limit window: a minute from its first request.
const RATE_WINDOW: Duration = Duration::from_secs(60);

/// Where the emulator's control endpoints live (outside the API's `/api/v1`).
pub const CONTROL_PREFIX: &str = "/_emulator/";

struct RateWindow {
    /// When the window ends, in seconds since the epoch: the window ends there exactly, so that the
    /// `X-RateLimit-Reset` and `Retry-After` it gives are never a moment before its true end.
    reset_at: u64,
    count: u32,
}

impl RateWindow {
    /// A window from now, ending a minute after the whole second it starts in (as a limiter keeping whole
    /// seconds does), so that its end is the `X-RateLimit-Reset` it reports.
    fn new() -> Self {
        Self { reset_at: window_end_from(unix_now_ms()), count: 0 }
    }

    fn is_over(&self, now_ms: u64) -> bool {
        now_ms >= self.reset_at.saturating_mul(1000)
    }

    /// Whole seconds from `now_ms` to the window's end, rounded up (at least 1): waiting them, a client
    /// arrives in the next window.
    fn seconds_left(&self, now_ms: u64) -> u64 {
        self.reset_at.saturating_mul(1000).saturating_sub(now_ms).div_ceil(1000).max(1)
    }
}

/// The end of a window that starts at `now_ms`, in seconds since the epoch: a minute after the whole second
/// it starts in.
fn window_end_from(now_ms: u64) -> u64 {
    now_ms / 1000 + RATE_WINDOW.as_secs()
}

fn unix_now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or_default()
}

/// How a request stands against the rate limit.
struct RateCount {
    limit: u32,
    remaining: u32,
    /// When the window resets, in seconds since the epoch.
    reset_at: u64,
    /// Seconds until then, from 1.
    reset_in: u64,
    exceeded: bool,
}

impl RateCount {
    /// What the answer's `X-RateLimit-*` headers say.
    fn reported(&self) -> RateLimit {
        RateLimit::new(self.limit.into(), self.remaining.into(), self.reset_at)
    }
}

/// What answering a request takes: an answer now, or a test delivery to wait for first.
enum Step {
    Done(Reply),
    Test(Box<Job>),
}

/// The Talkover API emulated in memory: agents, actions, trainings, agent webhooks, calls and campaigns
/// are kept and changed by the documented rules; every other operation answers from recorded fixtures.
///
/// A [`crate::Server`] puts it behind HTTP on 127.0.0.1. It is also a [`Transport`] and a
/// [`BlockingTransport`] itself, for tests that want the emulator's behaviour without a socket.
pub struct Emulator {
    token: String,
    user_token: Option<String>,
    catalog: Catalog,
    state: Arc<Mutex<State>>,
    faults: Mutex<FaultState>,
    requests: AtomicU64,
    rate_limit: Option<u32>,
    rate: Mutex<RateWindow>,
    deliveries: Deliveries,
    /// The port its server listens on, 0 while none does: its deliveries never go there.
    own_port: Arc<AtomicU16>,
    /// The latest API requests it answered.
    journal: Journal,
    /// What it was made with that [`Emulator::reset`] starts from again.
    made_with: MadeWith,
}

/// The settings an emulator starts from, and starts from again when reset.
struct MadeWith {
    seed_agent: bool,
    clock_scale: f64,
    clock_start_ms: Option<i64>,
    faults: Faults,
}

impl MadeWith {
    /// What the API holds when the emulator starts (or starts over): the recorded data of `catalog`, the
    /// example agent if it is seeded, the clock at its start (this moment, or the one it was made with) at
    /// its pace. What the state is made with is stamped at the clock's start, as a request's records are
    /// at the time it is answered.
    fn state(&self, catalog: &Catalog) -> State {
        let mut state = match self.clock_start_ms {
            Some(ms) => {
                let mut state = crate::clock::answering_at(ms, || State::new(catalog, self.seed_agent));
                state.clock().set_now_ms(ms);
                state
            }
            None => State::new(catalog, self.seed_agent),
        };
        state.clock().set_scale(self.clock_scale);
        state
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("fixtures", &self.catalog.len())
            .field("requests", &self.requests.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked (an emulator bug, or one of its checks in debug builds) may have left a change
    // made: the state is kept as it is, and the emulator goes on answering.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Emulator {
    /// An emulator with the default settings: the token [`DEFAULT_TOKEN`], the embedded fixtures, the
    /// reference's example agent, no faults.
    pub fn new() -> Self {
        Self::with_settings(Settings::default()).expect("the embedded fixtures load")
    }

    pub(crate) fn with_settings(settings: Settings) -> Result<Self, String> {
        if let Some(problem) = settings.faults.problem() {
            return Err(problem);
        }
        // An empty token matches no request (a client refuses to send one), so the API would be closed; a
        // user token equal to the environment's would let that one through, the mix-up it is there to show.
        if settings.token.is_empty() {
            return Err("The token is empty.".to_owned());
        }
        // A token no client sends (quoted, `Bearer …`, a character a header cannot carry) would close it too.
        for (which, token) in [("token", Some(&settings.token)), ("user token", settings.user_token.as_ref())] {
            // An empty user token is said so below.
            let Some(token) = token.filter(|t| !t.is_empty()) else { continue };
            if let Err(e) = talkover_core::ClientConfig::new(token.as_str()) {
                return Err(format!("The {which} is one the clients cannot send: {e}"));
            }
        }
        match settings.user_token.as_deref() {
            Some("") => return Err("The user token is empty.".to_owned()),
            Some(user) if user == settings.token => {
                return Err("The user token is the environment token: give another one, or none.".to_owned())
            }
            _ => {}
        }
        if settings.clock_scale.is_nan() || settings.clock_scale < 0.0 {
            return Err(format!(
                "The clock scale must be from 0 to {}, got {}.",
                crate::clock::MAX_SCALE,
                settings.clock_scale
            ));
        }
        let catalog = match &settings.fixtures_dir {
            Some(dir) => Catalog::from_dir(dir)?,
            None => Catalog::embedded(),
        };
        let made_with = MadeWith {
            seed_agent: settings.seed_agent,
            clock_scale: settings.clock_scale,
            clock_start_ms: settings.clock_start_ms,
            faults: settings.faults,
        };
        let state = Arc::new(Mutex::new(made_with.state(&catalog)));
        let own_port = Arc::new(AtomicU16::new(0));
        let reach = Reach { public: settings.public_webhooks, own_port: own_port.clone() };
        let deliveries =
            Deliveries::start(Arc::downgrade(&state), reach).map_err(|e| format!("cannot start deliveries: {e}"))?;
        Ok(Self {
            token: settings.token,
            user_token: settings.user_token,
            catalog,
            state,
            faults: Mutex::new(FaultState::new(made_with.faults.clone())),
            requests: AtomicU64::new(0),
            rate_limit: settings.rate_limit.filter(|n| *n > 0),
            rate: Mutex::new(RateWindow::new()),
            deliveries,
            own_port,
            journal: Journal::default(),
            made_with,
        })
    }

    /// Starts the emulator over, as it was made: what the API holds (the reference's example agent and
    /// recorded data again, nothing created since), its clock (this moment, or the start it was made with,
    /// at the pace it was made with), its faults (those it was made with), its rate-limit window and the
    /// journal of what it received.
    /// Its ids start again too, so that the same requests get the same ids as on a new emulator, and
    /// deliveries not yet made are dropped. Its token and port stay, so a test suite that shares one
    /// emulator starts each test from the same state. `POST /_emulator/reset` does the same over HTTP.
    pub fn reset(&self) {
        *lock(&self.state) = self.made_with.state(&self.catalog);
        self.set_faults(self.made_with.faults.clone());
        *lock(&self.rate) = RateWindow::new();
        self.journal.take();
    }

    /// Tells the emulator the port its server listens on (on loopback), so that no webhook delivery goes
    /// there: one to its own API would bring about another, without end.
    pub(crate) fn serving_on(&self, port: u16) {
        self.own_port.store(port, Ordering::Relaxed);
    }

    /// The token requests must carry (`Authorization: Bearer <token>`): the environment token, which the
    /// Account API's operations take too unless a [`user_token`](Self::user_token) was given.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The user's session token the Account API's operations want instead of [`token`](Self::token), when
    /// one was given (`ServerBuilder::user_token`, `--user-token`).
    pub fn user_token(&self) -> Option<&str> {
        self.user_token.as_deref()
    }

    /// How many recorded exchanges the emulator can replay.
    pub fn fixture_count(&self) -> usize {
        self.catalog.len()
    }

    /// How many requests it has numbered, each answer's `X-Request-Id` (`mock-7`) carrying its request's
    /// number: every request it answered, those to the control endpoints (`/_emulator/…`) and those refused
    /// before the API (for their `Host` or `Origin`, or a body too large, stalled or broken) included; not
    /// what the HTTP layer refused before the emulator saw it (a malformed request line, say).
    /// [`Emulator::received`] lists the API requests alone.
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The latest API requests it answered (at most [`JOURNAL_LENGTH`](crate::JOURNAL_LENGTH)), oldest
    /// first: what the code under test sent, and the status each was answered with. Requests to the
    /// control endpoints (`/_emulator/…`) are not kept, nor any credential ([`ReceivedRequest`]).
    /// `GET /_emulator/requests` answers the same over HTTP.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.journal.entries()
    }

    /// Empties the list of requests [`Emulator::received`] gives, as `DELETE /_emulator/requests` does.
    pub fn clear_received(&self) {
        self.journal.take();
    }

    /// Replaces the faults to inject, from the next request on (a rate-limit burst starts again).
    ///
    /// # Panics
    ///
    /// On faults the emulator refuses ([`Faults::problem`]: a share outside 0 to 1, an unknown operation
    /// id, health among faults that fail requests), as [`Faults::only_for`] does on an unknown id.
    pub fn set_faults(&self, faults: Faults) {
        if let Some(problem) = faults.problem() {
            panic!("Emulator::set_faults: {problem}");
        }
        *lock(&self.faults) = FaultState::new(faults);
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        lock(&self.faults).faults.clone()
    }

    /// The latency to add before the answer to `request`: none for a control request, nor for one to an
    /// operation the faults are not for.
    pub(crate) fn latency_for(&self, request: &HttpRequest) -> Duration {
        let faults = &lock(&self.faults).faults;
        if faults.latency.is_zero() || request.uri().path().starts_with(CONTROL_PREFIX) {
            return Duration::ZERO;
        }
        match operation_of(request) {
            Some(op) if !faults.are_for(op.id) => Duration::ZERO,
            None if !faults.operations.is_empty() => Duration::ZERO,
            _ => faults.latency,
        }
    }

    /// The emulator's clock now, as the API writes instants (RFC 3339, UTC).
    pub fn clock_now(&self) -> String {
        lock(&self.state).clock().timestamp()
    }

    /// Moves the emulator's clock forward by `by` at once: the calls and campaigns move on as if that
    /// time had passed, and the webhook events of each step are sent (in the background).
    ///
    /// The clock stops at 9999-12-31T23:59:59Z, the last second the API's times can say; over HTTP, an
    /// advance past it is refused.
    pub fn advance_clock(&self, by: Duration) {
        self.move_clock(|clock| clock.advance(by));
    }

    /// Moves the clock as `step` does, then brings about what the time passed brings.
    fn move_clock(&self, step: impl FnOnce(&mut crate::clock::Clock)) {
        self.sending(|state| {
            step(state.clock());
            state.tick();
        });
    }

    /// How many webhook deliveries are not over yet: due, queued, being attempted, or waiting to be tried
    /// again (a test delivery included). What the clock has brought about so far counts; a call's steps
    /// still to come on a running clock do not.
    pub fn pending_deliveries(&self) -> usize {
        let state = lock(&self.state);
        state.outbox_len() + self.deliveries.outstanding(state.born())
    }

    /// Waits, at most `timeout`, until no webhook delivery is pending ([`Emulator::pending_deliveries`]):
    /// whether none is. For a test that checks what was delivered, or that nothing was, without sleeping
    /// for a guess; a delivery still retrying holds it until its last attempt. It blocks the thread: from
    /// async code with the server on the same current-thread runtime, poll `pending_deliveries` between
    /// sleeps of the runtime instead.
    pub fn wait_for_deliveries(&self, timeout: Duration) -> bool {
        let until = Instant::now() + timeout.min(crate::LONGEST_WAIT);
        // Bounded by `timeout`: each turn sleeps 5 ms.
        loop {
            if self.pending_deliveries() == 0 {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Sends `event` now to the agent's webhooks that subscribe to it, as the API would (signed, logged,
    /// tried again on failure; to a campaign's webhooks that take call events too, when `data`'s `call_id`
    /// is a call the campaign placed): for a test of an event the emulator does not bring about itself
    /// (a recording, an action, a connection's). `data` is the event's own fields, beside the envelope
    /// (`call_id`, `recording_url`, …; a key naming one of the envelope's fields is left out). How many
    /// deliveries were queued; `None` when there is no such agent. `POST /_emulator/events` does the
    /// same over HTTP.
    pub fn emit_agent_event(
        &self,
        agent_id: &str,
        event: AgentWebhookEvent,
        data: Map<String, Value>,
    ) -> Option<usize> {
        self.sending(|state| state.emit_agent_now(agent_id, event, &data))
    }

    /// Sends `event` now to the campaign's webhooks that subscribe to it, as
    /// [`Emulator::emit_agent_event`] does for an agent's (`event_call_report`, say). How many deliveries
    /// were queued; `None` when there is no such campaign.
    pub fn emit_campaign_event(
        &self,
        campaign_id: &str,
        event: CampaignWebhookEvent,
        data: Map<String, Value>,
    ) -> Option<usize> {
        self.sending(|state| state.emit_campaign_now(campaign_id, event, &data))
    }

    /// Rings a published agent with an inbound call from `from` (a number in international form), as a
    /// caller would: its own number (its first, else the emulator's) rings, the agent answers, and the call
    /// goes on as an answered call does on the emulator's clock, listed with `direction` `inbound` and its
    /// events sent to the agent's webhooks, so that a test of an inbound agent (and of the call lists'
    /// `direction` filter) has calls to see. `POST /_emulator/calls/inbound` does the same over HTTP.
    pub fn inbound_call(&self, agent_id: &str, from: &str) -> Result<Call, crate::InboundRefused> {
        self.sending(|state| {
            // What the clock has brought about so far comes first, as before any request.
            state.tick();
            state.ring_inbound(agent_id, from)
        })
    }

    /// Runs `act` on the locked state and sends the deliveries it queued, whatever `act` answers.
    fn sending<T>(&self, act: impl FnOnce(&mut State) -> T) -> T {
        let mut state = lock(&self.state);
        let answer = act(&mut state);
        self.deliveries.send(state.take_outbox());
        answer
    }

    /// Sets how many seconds of the emulator's clock pass per wall-clock second, from now on: 1 (the
    /// default) runs at the wall clock's pace, 0 freezes it (only [`Emulator::advance_clock`] moves
    /// it), 60 makes a second a minute.
    ///
    /// # Panics
    ///
    /// On a negative scale or NaN (a pace above a million runs at a million).
    pub fn set_clock_scale(&self, scale: f64) {
        assert!(scale >= 0.0, "Emulator::set_clock_scale: a scale from 0 to a million, not {scale}");
        lock(&self.state).clock().set_scale(scale);
    }

    /// How many seconds of the emulator's clock pass per wall-clock second.
    pub fn clock_scale(&self) -> f64 {
        lock(&self.state).clock().scale()
    }

    /// Answers one request, without the injected latency (the server and the transports add it). A
    /// test-webhook request waits here for its delivery, blocking the calling thread: from async code
    /// use the server or the [`Transport`] implementation, which wait without blocking. It does not
    /// check the `Host` and `Origin` of a request as the server does: it is for requests made in the
    /// same process.
    pub fn handle(&self, request: &HttpRequest) -> HttpResponse {
        let (number, rate, step) = self.begin(request);
        let reply = match step {
            Step::Done(reply) => reply,
            Step::Test(job) => {
                let (tx, rx) = std::sync::mpsc::channel();
                let wait = self.send_test(*job, Waiter::Blocking(tx));
                state::test_answer(rx.recv_timeout(wait).ok())
            }
        };
        self.answered(request, number, reply, rate)
    }

    /// [`Emulator::handle`] for async callers: a test-webhook request waits for its delivery without
    /// blocking the thread.
    pub(crate) async fn handle_async(&self, request: &HttpRequest) -> HttpResponse {
        let (number, rate, step) = self.begin(request);
        let reply = match step {
            Step::Done(reply) => reply,
            Step::Test(job) => {
                let (tx, rx) = tokio::sync::oneshot::channel();
                let wait = self.send_test(*job, Waiter::Async(tx));
                state::test_answer(tokio::time::timeout(wait, rx).await.ok().and_then(Result::ok))
            }
        };
        self.answered(request, number, reply, rate)
    }

    /// The answer to request `number` (without a body for HEAD), the request journaled with its status.
    fn answered(&self, request: &HttpRequest, number: u64, reply: Reply, rate: Option<RateCount>) -> HttpResponse {
        let response = without_body_for_head(request, self.finish(number, reply, rate));
        self.journal(number, request.method(), request.uri(), request.body(), response.status());
        response
    }

    /// Keeps an API request in the journal ([`Emulator::received`]) with the status it was answered with;
    /// a request to a control endpoint is not kept.
    fn journal(&self, number: u64, method: &http::Method, uri: &http::Uri, body: &[u8], status: StatusCode) {
        if uri.path().starts_with(CONTROL_PREFIX) {
            return;
        }
        let operation = operation_at(method, uri.path()).map(|op| op.id);
        let tokens: Vec<&str> = std::iter::once(self.token.as_str()).chain(self.user_token.as_deref()).collect();
        let entry = ReceivedRequest::new(number, method, uri, body, operation, status.as_u16(), &tokens);
        self.journal.keep(entry);
    }

    /// The answer to a request whose body stopped coming before its end (nothing for [`BODY_TIMEOUT`]). It counts
    /// against the rate limit and says so, as every answer does.
    pub(crate) fn body_timed_out(&self, head: &http::request::Parts) -> HttpResponse {
        let message = format!(
            "The request body stopped coming: nothing of it arrived for {} seconds (or it took too long in all).",
            BODY_TIMEOUT.as_secs()
        );
        let mut response = self.refuse_body(head, Reply::fail(408, &message));
        response.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
        response
    }

    /// The answer to a request whose body could not be read to its end (a malformed chunked encoding, a
    /// body that ended before its `Content-Length`): a 400, as HTTP has it for a malformed or incomplete
    /// message, not a 408 a client might send again.
    pub(crate) fn body_broken(&self, head: &http::request::Parts) -> HttpResponse {
        let message =
            "The request body could not be read: its framing is malformed, or it ended before its declared length.";
        let mut response = self.refuse_body(head, Reply::fail(400, message));
        response.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
        response
    }

    /// The 400 of a request whose `Host` is not as HTTP requires, or the 403 of one that names another host
    /// than this machine or that a web page not served from this machine sent,
    /// saying why ([`host_problem`]), or that an emulator's webhook delivery made ([`delivery_problem`]): numbered,
    /// in the API's `{success, message}` shape, the last on its connection (its body is not read), and not
    /// counted against the rate limit (it is refused before the API, as a front server refuses it), though
    /// it reports the window as every answer does.
    pub(crate) fn host_refused(&self, head: &http::request::Parts, (status, message): (u16, &str)) -> HttpResponse {
        let number = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let mut response = self.finish(number, Reply::fail(status, message), Some(self.tally(true)));
        response.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
        self.journal(number, &head.method, &head.uri, &[], response.status());
        response
    }

    /// The 413 of a request whose body is larger than [`MAX_BODY`], which the server does not keep: numbered
    /// like any answer, JSON in the API's `{success, message}` shape (make-call's in its own), and the last
    /// on its connection (the rest of a body may still be on its way).
    pub(crate) fn too_large(&self, head: &http::request::Parts) -> HttpResponse {
        let message = format!("The request body is too large (more than {MAX_BODY} bytes).");
        let mut response = self.refuse_body(head, Reply::fail(413, &message));
        response.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
        response
    }

    /// Answers a request refused for its body, which was not read, counted against the rate limit, in
    /// the shape of the operation's errors ([`in_pages_error_shape`]).
    fn refuse_body(&self, head: &http::request::Parts, reply: Reply) -> HttpResponse {
        let number = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let request = http::Request::from_parts(head.clone(), Vec::new());
        let rate = self.count(&request);
        let reply = match operation_of(&request) {
            Some(op) => in_pages_error_shape(op.id, reply),
            None => reply,
        };
        let response = self.finish(number, reply, rate);
        self.journal(number, &head.method, &head.uri, &[], response.status());
        response
    }

    /// Numbers and counts a request, and takes its step: what both ways of handling it share.
    fn begin(&self, request: &HttpRequest) -> (u64, Option<RateCount>, Step) {
        let number = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        let rate = self.count(request);
        let step = self.step(request, rate.as_ref());
        (number, rate, step)
    }

    /// Sends a test-webhook delivery whose result goes to `waiter`; returns how long to wait for it.
    fn send_test(&self, mut job: Job, waiter: Waiter) -> Duration {
        let wait = state::test_wait(&job);
        job.waiter = Some(waiter);
        self.deliveries.send([job]);
        wait
    }

    /// Counts an API request against the rate limit. The control endpoints are not the API's and are
    /// neither counted nor told the count. Health is exempt (its page) but, as every API answer carries the
    /// rate-limit headers (the introduction), it reports the window as it stands without counting itself.
    fn count(&self, request: &HttpRequest) -> Option<RateCount> {
        if request.uri().path().starts_with(CONTROL_PREFIX) {
            return None;
        }
        Some(self.tally(!self.counted(request)))
    }

    /// Counts a request against the rate limit unless it is `exempt`, and reports the window.
    fn tally(&self, exempt: bool) -> RateCount {
        let mut window = lock(&self.rate);
        let limit = self.rate_limit.unwrap_or(DEFAULT_RATE_LIMIT);
        let now_ms = unix_now_ms();
        if window.is_over(now_ms) {
            if exempt {
                // The window is over: a whole one lies ahead, which only a counted request starts.
                let ahead = RateWindow { reset_at: window_end_from(now_ms), count: 0 };
                let (reset_at, reset_in) = (ahead.reset_at, ahead.seconds_left(now_ms));
                return RateCount { limit, remaining: limit, reset_at, reset_in, exceeded: false };
            }
            *window = RateWindow::new();
        }
        // A request over the limit is refused before it counts, as a Laravel-style limiter refuses it: the
        // window's count stays what the requests let through make it.
        let exceeded = !exempt && self.rate_limit.is_some_and(|limit| window.count >= limit);
        if !exempt && !exceeded {
            window.count = window.count.saturating_add(1);
        }
        RateCount {
            limit,
            remaining: limit.saturating_sub(window.count),
            reset_at: window.reset_at,
            reset_in: window.seconds_left(now_ms),
            exceeded,
        }
    }

    /// Takes back the count of a request refused by an injected 429: it stands for a limiter the request
    /// did not pass, so it leaves the window's quota as it was.
    fn uncount(&self) {
        let mut window = lock(&self.rate);
        window.count = window.count.saturating_sub(1);
    }

    fn step(&self, request: &HttpRequest, rate: Option<&RateCount>) -> Step {
        if request.method() == http::Method::HEAD {
            // HEAD is GET without the answer's body (RFC 9110, 9.3.2), on every route GET has.
            return self.step(&as_get(request), rate);
        }
        if request.uri().path().starts_with(CONTROL_PREFIX) {
            return Step::Done(self.control(request));
        }
        if let Some(read) = as_read(request) {
            // The API's router reads a path without its trailing slashes (`/agents/` is `/agents`), and its
            // store a UUID in any case (`550E8400-…` is `550e8400-…`).
            return self.step(&read, rate);
        }
        match self.answer(request, rate) {
            Ok(reply) => Step::Done(reply),
            Err(job) => Step::Test(job),
        }
    }

    /// The answer's bytes, status and headers.
    fn finish(&self, number: u64, reply: Reply, rate: Option<RateCount>) -> HttpResponse {
        let bytes = match reply.raw {
            Some(raw) => raw,
            None => serde_json::to_vec(&reply.body).unwrap_or_default(),
        };
        let mut response = http::Response::new(bytes);
        *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let empty = response.body().is_empty();
        let headers = response.headers_mut();
        if !empty {
            headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        if let Ok(id) = HeaderValue::from_str(&format!("mock-{number}")) {
            headers.insert("x-request-id", id);
        }
        if let Some(rate) = rate {
            rate.reported().write_to(headers);
        }
        for (name, value) in reply.headers {
            if let (Ok(name), Ok(value)) =
                (http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
            {
                headers.insert(name, value);
            }
        }
        response
    }

    /// The emulator's control endpoints: `GET /_emulator/clock`, `POST /_emulator/clock/advance`
    /// (`{"seconds": N}`, or `{"until": "<RFC 3339 time>"}`), `POST /_emulator/clock/scale`
    /// (`{"scale": S}`), each answering the clock (`now` to the second, `now_ms`, milliseconds since the
    /// epoch, and `scale`); `GET` and `DELETE /_emulator/requests`, which answer the journal of API requests
    /// ([`Emulator::received`]), the second emptying it; `GET`, `PUT` and `DELETE /_emulator/faults`;
    /// `POST /_emulator/events` ([`Emulator::emit_agent_event`], [`Emulator::emit_campaign_event`]);
    /// `GET /_emulator/deliveries` (`{"pending": N}`, [`Emulator::pending_deliveries`]);
    /// `POST /_emulator/calls/inbound` (`{"agent_id", "from"}`, [`Emulator::inbound_call`]); and
    /// `POST /_emulator/reset` ([`Emulator::reset`]).
    fn control(&self, request: &HttpRequest) -> Reply {
        let path = request.uri().path().trim_end_matches('/');
        let method = request.method();
        if path == "/_emulator/requests" {
            return self.journal_control(method);
        }
        if path == "/_emulator/faults" {
            return self.faults_control(method, request.body());
        }
        if path == "/_emulator/events" {
            if method != http::Method::POST {
                return wrong_control_method(path, "POST", method);
            }
            return self.emit_control(request.body());
        }
        if path == "/_emulator/calls/inbound" {
            if method != http::Method::POST {
                return wrong_control_method(path, "POST", method);
            }
            return self.inbound_control(request.body());
        }
        if path == "/_emulator/deliveries" {
            if method != http::Method::GET {
                return wrong_control_method(path, "GET", method);
            }
            return Reply::new(200, json!({ "success": true, "data": { "pending": self.pending_deliveries() } }));
        }
        if path == "/_emulator/reset" {
            if method != http::Method::POST {
                return wrong_control_method(path, "POST", method);
            }
            self.reset();
            return Reply::new(200, json!({ "success": true, "message": "The emulator starts over." }));
        }
        let body: Value = serde_json::from_slice(request.body()).unwrap_or(Value::Null);
        let query = query_pairs(request.uri().query());
        let number = |name: &str| {
            body.get(name)
                .and_then(Value::as_f64)
                .or_else(|| query.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.parse().ok()))
                .filter(|n: &f64| n.is_finite() && *n >= 0.0)
        };
        match (method.as_str(), path) {
            ("GET", "/_emulator/clock") => {}
            ("POST", "/_emulator/clock/advance") => match self.seconds_until(&body).unwrap_or_else(|| number("seconds"))
            {
                Some(seconds) if seconds * 1000.0 > lock(&self.state).clock().room_ms() as f64 => return Reply::fail(
                    422,
                    "The clock cannot pass 9999-12-31T23:59:59Z, the last second the API writes: advance it by less.",
                ),
                Some(seconds) if seconds <= 10.0 * 365.0 * 86_400.0 => match until_ms(&body) {
                    // To the moment itself, read and moved under one lock: a running clock moves on between two.
                    Some(target) => self.move_clock(|clock| clock.set_now_ms(target.max(clock.now_ms()))),
                    None => self.advance_clock(Duration::from_secs_f64(seconds)),
                },
                _ => {
                    return Reply::fail(
                        422,
                        "Send the seconds to advance by, {\"seconds\": N}, N from 0 to ten years, or the moment to \
                         advance to, {\"until\": \"2027-01-04T09:00:00Z\"}, from now to ten years on.",
                    )
                }
            },
            ("POST", "/_emulator/clock/scale") => match number("scale").filter(|s| crate::clock::is_scale(*s)) {
                Some(scale) => self.set_clock_scale(scale),
                None => return Reply::fail(422, "Send the clock's new pace: {\"scale\": S}, S from 0 to 1000000."),
            },
            (_, "/_emulator/clock" | "/_emulator/clock/advance" | "/_emulator/clock/scale") => {
                let allowed = if path == "/_emulator/clock" { "GET" } else { "POST" };
                return wrong_control_method(path, allowed, method);
            }
            _ => return Reply::fail(404, &format!("No emulator control at {method} {path}.")),
        }
        let (now, now_ms, scale) = {
            let mut state = lock(&self.state);
            (state.clock().timestamp(), state.clock().now_ms(), state.clock().scale())
        };
        // `now` as the API writes times, to the second; `now_ms` to the millisecond, as events' `timestamp`.
        Reply::new(200, json!({ "success": true, "data": { "now": now, "now_ms": now_ms, "scale": scale } }))
    }

    /// `POST /_emulator/events`: `{"event": "event_recording", "agent_id": "…", "data": {…}}` sends an
    /// agent webhook event, `{"event": "event_call_report", "campaign_id": "…", "data": {…}}` a campaign
    /// webhook event (`data` optional; the id as the emulator gave it, in its case). Answers the event and
    /// how many deliveries were queued (`{"event": …, "deliveries": N}`); 404 when the agent or campaign is
    /// not there, 422 for an event name its kind of webhook does not document, or a body not so shaped.
    fn emit_control(&self, body: &[u8]) -> Reply {
        const SHAPE: &str = "Send {\"event\": \"<event name>\", \"agent_id\": \"<id>\", \"data\": {…}} for an agent \
            webhook event, or {\"event\": …, \"campaign_id\": \"<id>\", \"data\": {…}} for a campaign webhook \
            event; data, the event's own fields, is optional.";
        let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else { return Reply::fail(422, SHAPE) };
        let text = |name: &str| body.get(name).and_then(Value::as_str);
        let data = match body.get("data") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(data)) => data.clone(),
            Some(_) => return Reply::fail(422, SHAPE),
        };
        let (Some(name), agent, campaign) = (text("event"), text("agent_id"), text("campaign_id")) else {
            return Reply::fail(422, SHAPE);
        };
        let queued = match (agent, campaign) {
            (Some(agent), None) => match AgentWebhookEvent::documented(name) {
                Some(event) => self.emit_agent_event(agent, event, data).ok_or(("agent", agent)),
                None => return unknown_event(name, AgentWebhookEvent::VALUES),
            },
            (None, Some(campaign)) => match CampaignWebhookEvent::documented(name) {
                Some(event) => self.emit_campaign_event(campaign, event, data).ok_or(("campaign", campaign)),
                None => return unknown_event(name, CampaignWebhookEvent::VALUES),
            },
            _ => return Reply::fail(422, SHAPE),
        };
        match queued {
            Ok(deliveries) => {
                Reply::new(200, json!({ "success": true, "data": { "event": name, "deliveries": deliveries } }))
            }
            Err((kind, id)) => Reply::fail(404, &format!("No {kind} {:?} in the emulator.", cut(id))),
        }
    }

    /// `POST /_emulator/calls/inbound`: `{"agent_id": "…", "from": "+15551234567"}` rings the agent with an
    /// inbound call ([`Emulator::inbound_call`]) and answers it (`{"success": true, "data": <call>}`); 404
    /// when the agent is not there, 422 when it is not published, the number is not in international
    /// form, or the body is not so shaped.
    fn inbound_control(&self, body: &[u8]) -> Reply {
        const SHAPE: &str = "Send {\"agent_id\": \"<id>\", \"from\": \"+15551234567\"}: the published agent to ring, \
            and the number calling it.";
        let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else { return Reply::fail(422, SHAPE) };
        let text = |name: &str| body.get(name).and_then(Value::as_str);
        let (Some(agent), Some(from)) = (text("agent_id"), text("from")) else { return Reply::fail(422, SHAPE) };
        // An id in any case, as the API's paths take one.
        match self.inbound_call(&lower_uuid(agent), from) {
            Ok(call) => Reply::new(200, json!({ "success": true, "data": call })),
            Err(crate::InboundRefused::NoAgent) => {
                Reply::fail(404, &format!("No agent {:?} in the emulator.", cut(agent)))
            }
            Err(refused) => Reply::fail(422, &format!("Not rung: {refused}.")),
        }
    }

    /// `/_emulator/requests`: `GET` answers the journal of API requests, oldest first, and `DELETE` answers
    /// it and empties it (so that a test can take the requests of one step at a time).
    fn journal_control(&self, method: &http::Method) -> Reply {
        let entries = match method.as_str() {
            "GET" => self.journal.entries(),
            "DELETE" => self.journal.take(),
            _ => return wrong_control_method("/_emulator/requests", "GET, DELETE", method),
        };
        // Written from the bodies' text as kept: no body is read into a JSON tree again.
        Reply::list(entries)
    }

    /// For `POST /_emulator/clock/advance` with `{"until": "…"}` (an RFC 3339 time): the seconds from the
    /// clock's now to it, `Some(None)` for a time that is no RFC 3339 time or is already past (refused
    /// as a bad number of seconds is), and `None` without `until` (the seconds are then read).
    fn seconds_until(&self, body: &Value) -> Option<Option<f64>> {
        body.get("until")?;
        let now_ms = lock(&self.state).clock().now_ms();
        Some(until_ms(body).map(|at| at.saturating_sub(now_ms)).and_then(|ms| {
            // A moment within the second the clock is in counts as now.
            (ms > -1000).then(|| ms.max(0) as f64 / 1000.0)
        }))
    }

    /// `/_emulator/faults`: `GET` answers the faults in force, `PUT` replaces them with the body's (each
    /// field optional, as [`Faults::default`] has it; an empty body is no faults), `DELETE` removes them.
    /// Each answers the faults then in force, and what is left of their bursts (`rate_limit_burst_left`,
    /// `error_burst_left`).
    fn faults_control(&self, method: &http::Method, body: &[u8]) -> Reply {
        match method.as_str() {
            "GET" => {}
            "PUT" => match FaultsJson::read(body) {
                Ok(faults) => self.set_faults(faults),
                Err(problem) => return Reply::fail(422, &problem),
            },
            "DELETE" => self.set_faults(Faults::new()),
            _ => return wrong_control_method("/_emulator/faults", "GET, PUT, DELETE", method),
        }
        let (faults, burst_left, errors_left) = {
            let state = lock(&self.faults);
            (FaultsJson::of(&state.faults), state.burst_left, state.errors_left)
        };
        let mut data = serde_json::to_value(faults).unwrap_or_default();
        if let Some(data) = data.as_object_mut() {
            data.insert("rate_limit_burst_left".to_owned(), burst_left.into());
            data.insert("error_burst_left".to_owned(), errors_left.into());
        }
        Reply::new(200, json!({ "success": true, "data": data }))
    }

    fn answer(&self, request: &HttpRequest, rate: Option<&RateCount>) -> Result<Reply, Box<Job>> {
        let method = request.method().as_str();
        let path = request.uri().path();
        let (op, params) = match fixture::route(method, path) {
            Route::Found { operation, params } => (operation, params),
            Route::WrongMethod if method == "OPTIONS" => {
                // What the path takes, as a preflight asks it: 200 with `Allow` and no body, no token needed
                // (RFC 9110, 9.3.7).
                let mut reply = Reply::new(200, Value::Null);
                reply.raw = Some(Vec::new());
                reply.headers.push((http::header::ALLOW.to_string(), allowed_methods(path)));
                return Ok(reply);
            }
            Route::WrongMethod => {
                // The API's error envelope, as its 404 for a route that is not one.
                let mut reply = Reply::fail(405, &format!("The {method} method is not supported for route {path}."));
                // RFC 9110, 15.5.6: a 405 says which methods the path has.
                reply.headers.push((http::header::ALLOW.to_string(), allowed_methods(path)));
                return Ok(reply);
            }
            // `Route::Unknown`, and whatever a later version adds.
            _ => {
                // The API's error envelope (`success: false`), as every other 404; no page documents a code
                // for a path that is no operation's, so none is made up.
                return Ok(Reply::fail(404, &format!("The route {path} could not be found.")));
            }
        };
        self.answer_operation(request, op, &params, rate).map(|reply| in_pages_error_shape(op.id, reply))
    }

    /// Answers a request routed to `op`: its token, its rate, the faults, then the operation.
    fn answer_operation(
        &self,
        request: &HttpRequest,
        op: &'static OperationInfo,
        params: &Map<String, Value>,
        rate: Option<&RateCount>,
    ) -> Result<Reply, Box<Job>> {
        if op.id != HealthCheck::ID && !self.authorized(op.id, request) {
            // The page's own 401, else the ones the authentication page documents for every operation: no
            // header at all, or a token that is not accepted.
            let body = self.catalog.documented_error(op.id, 401, None).unwrap_or_else(|| {
                if request.headers().contains_key(http::header::AUTHORIZATION) {
                    json!({ "error": "UNAUTHORIZED", "message": "Invalid or missing authentication token", "status_code": 401 })
                } else {
                    json!({ "error": "MISSING_TOKEN", "message": "Authorization header is required", "status_code": 401 })
                }
            });
            let mut reply = Reply::new(401, body);
            // RFC 9110, 15.5.2: a 401 names the scheme that would be accepted.
            reply.headers.push((http::header::WWW_AUTHENTICATE.to_string(), "Bearer".to_owned()));
            return Ok(reply);
        }
        if let Some(rate) = rate.filter(|r| r.exceeded) {
            return Ok(self.too_many_requests(op.id, rate.reset_in));
        }
        if let Some(fault) = self.fault(op.id) {
            return Ok(fault);
        }
        let lost = self.loses_answer(op.id);
        match self.carry_out(request, op, params) {
            // Carried out, and its answer lost on the way back: what `Error::may_have_taken_effect` is about.
            Ok(reply) if lost && (200..300).contains(&reply.status) => Ok(self.server_error(op.id)),
            Ok(reply) if reply.status == 422 => Ok(self.in_documented_422_shape(op.id, reply)),
            answered => answered,
        }
    }

    /// A 422 as the operation's reference page writes it: create-webhook's and update-webhook's show
    /// `{"message", "errors"}` without the `success` flag every other page's 422 has, so theirs leaves it
    /// out (the message first, then the rest as it was).
    fn in_documented_422_shape(&self, operation: &str, reply: Reply) -> Reply {
        let documented = self.catalog.documented_error(operation, 422, None);
        if !documented.is_some_and(|body| body.is_object() && body.get("success").is_none()) {
            return reply;
        }
        let body = match &reply.raw {
            Some(raw) => serde_json::from_slice::<Value>(raw).unwrap_or_default(),
            None => reply.body.clone(),
        };
        let Some(object) = body.as_object().filter(|o| o.get("success") == Some(&Value::Bool(false))) else {
            return reply;
        };
        let keys = ["message"]
            .into_iter()
            .chain(object.keys().map(String::as_str).filter(|k| !matches!(*k, "message" | "success")));
        let members: Vec<String> = keys
            .filter_map(|key| Some(format!("{}:{}", Value::from(key), serde_json::to_string(object.get(key)?).ok()?)))
            .collect();
        Reply { raw: Some(format!("{{{}}}", members.join(",")).into_bytes()), body: Value::Null, ..reply }
    }

    /// Carries out a request routed to `op`, whose token and rate passed: the operation's answer, or the
    /// test delivery a test-webhook request waits for.
    fn carry_out(
        &self,
        request: &HttpRequest,
        op: &'static OperationInfo,
        params: &Map<String, Value>,
    ) -> Result<Reply, Box<Job>> {
        let path = request.uri().path();
        // An operation that takes no body reads none: what a client sends along (a DELETE with a body) is
        // left unread, as a server ignores it, so that the answer is the operation's own (a 404, say).
        let body = if !op.has_body() || request.body().iter().all(u8::is_ascii_whitespace) {
            None
        } else if !is_json(request.headers().get(http::header::CONTENT_TYPE)) {
            // The reference requires `Content-Type: application/json` on a body; a server that reads its
            // input by type would not see a body sent as a form or as text. The reference documents no
            // answer for it: the emulator refuses it with a 415 that says so rather than guess.
            return Ok(Reply::fail(415, "The request body must be JSON, sent with `Content-Type: application/json`."));
        } else if request
            .headers()
            .get_all(http::header::CONTENT_ENCODING)
            .iter()
            .flat_map(|codings| codings.as_bytes().split(|b| *b == b','))
            .map(<[u8]>::trim_ascii)
            // Empty elements of the list are no coding (RFC 9110, 5.6.1).
            .any(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case(b"identity"))
        {
            // A compressed body read as sent would be refused as JSON that is not, or, sent uncompressed
            // under the header, taken where a server that decodes it would refuse it (RFC 9110, 15.5.16).
            return Ok(Reply::fail(
                415,
                "The request body is sent with a Content-Encoding, which the emulator does not read: send it as it is.",
            ));
        } else {
            match serde_json::from_slice::<Value>(request.body()) {
                Ok(body) => Some(body),
                Err(_) => return Ok(Reply::fail(400, "The request body is not valid JSON.")),
            }
        };
        let mut query = query_pairs(request.uri().query());
        // Read as a Laravel-style API reads its input: a value's spaces around it trimmed (`?page=%202`), and
        // a parameter given empty or blank (`?status=`) is one not given (an empty text is null): no filter,
        // the default page size.
        for (_, value) in &mut query {
            let trimmed = value.trim();
            if trimmed.len() != value.len() {
                *value = trimmed.to_owned();
            }
        }
        query.retain(|(_, value)| !value.is_empty());
        below_one_is_first_page(&mut query);
        let req =
            state::Request { operation: op, path: params, query: &query, body: body.as_ref(), catalog: &self.catalog };
        let mut state = lock(&self.state);
        state.tick();
        if op.id == TestWebhook::ID {
            let job = state.test_webhook(&req);
            self.deliveries.send(state.take_outbox());
            drop(state);
            return job.map(|job| Err(Box::new(job))).unwrap_or_else(Ok);
        }
        let handled = state.handle(&req);
        let jobs = state.take_outbox();
        self.deliveries.send(jobs);
        if let Some(reply) = handled {
            return Ok(reply);
        }
        // A documented example answers as recorded, unless the state knows its ids are gone (deleted, or
        // the example agent when started without it); for the caller's own ids, the state decides first
        // whether they exist.
        let recorded = self.catalog.has_path(op.id, path);
        let param = |name: &str| params.get(name).and_then(Value::as_str);
        let checked = |id: &str| !recorded || state.is_gone(id);
        if param("agent_id").is_some_and(|id| checked(id) && !state.has_agent(id)) {
            return Ok(state::agent_not_found(&req));
        }
        if param("campaign_id").is_some_and(|id| checked(id) && !state.has_campaign(id)) {
            return Ok(state::campaign_not_found(&req));
        }
        if state::is_agent_webhook_operation(op) {
            if let (Some(agent), Some(webhook)) = (param("agent_id"), param("webhook_id")) {
                if checked(webhook) && !state.has_webhook(agent, webhook) {
                    return Ok(state::webhook_not_found(&req));
                }
            }
        }
        drop(state);
        // The request is checked as a modelled one is: what the API refuses is not answered with an example.
        if let Err(refused) = req.check() {
            return Ok(refused);
        }
        Ok(match self.catalog.replay(op.id, path, &query, body.as_ref(), params) {
            Some(replayed) => Reply {
                status: replayed.status,
                body: Value::Null,
                headers: replayed.headers,
                raw: Some(replayed.body),
            },
            None => Reply::fail(501, &format!("talkover-mock has no recorded answer for {}", op.id)),
        })
    }

    /// Whether the request counts against the rate limit: the limiter is the API routes' own (a Laravel-style
    /// `auth` then `throttle` on each route), so only a request that reaches an operation other than health
    /// with an accepted token counts. A path no operation has (404), a method its path does not take (405),
    /// a preflight (OPTIONS, answered before the API as a CORS layer answers it) and a request whose token
    /// is refused (401: a stranger's requests use none of the caller's quota) do not.
    fn counted(&self, request: &HttpRequest) -> bool {
        operation_of(request).is_some_and(|op| op.id != HealthCheck::ID && self.authorized(op.id, request))
    }

    /// Whether the request carries the environment token, or, for an operation of the account API, the
    /// user's session token (the environment token when none was given) or a personal access token
    /// created through the API and not revoked.
    fn authorized(&self, operation: &str, request: &HttpRequest) -> bool {
        let Some(value) = request.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            return false;
        };
        // The scheme's name is case-insensitive (RFC 9110, 11.1): `bearer` and `BEARER` are `Bearer`.
        let Some(token) = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
        else {
            return false;
        };
        if !ACCOUNT_API.contains(&operation) {
            return token == self.token;
        }
        token == self.user_token.as_deref().unwrap_or(&self.token) || lock(&self.state).use_api_token(token)
    }

    /// The `429` of a request over the limit, real or injected: the operation's documented body, whose
    /// wait (make-call's `error.details.retry_after`) says what `Retry-After` says, and no request left in
    /// the window (`X-RateLimit-Remaining: 0`, over the count the request made).
    fn too_many_requests(&self, operation: &str, wait_secs: u64) -> Reply {
        let mut body = self
            .catalog
            .documented_error(operation, 429, None)
            .unwrap_or_else(|| json!({ "success": false, "message": "Too many requests. Please try again later." }));
        if let Some(wait) = body.pointer_mut("/error/details/retry_after") {
            *wait = json!(wait_secs);
        }
        let mut reply = Reply::new(429, body);
        reply.headers.push((http::header::RETRY_AFTER.to_string(), wait_secs.to_string()));
        reply.headers.push(("x-ratelimit-remaining".to_owned(), "0".to_owned()));
        reply
    }

    fn fault(&self, operation: &str) -> Option<Reply> {
        let mut faults = lock(&self.faults);
        if !faults.faults.are_for(operation) {
            return None;
        }
        // A burst of 429s stands for the rate limit, which health is exempt from.
        if faults.burst_left > 0 && operation != HealthCheck::ID {
            faults.burst_left -= 1;
            self.uncount();
            let wait = faults.faults.retry_after_secs;
            let mut reply = self.too_many_requests(operation, wait);
            // The burst stands for a window that ends when `Retry-After` says, not for the emulator's own.
            let reset = (unix_now_ms() / 1000).saturating_add(wait);
            reply.headers.push(("x-ratelimit-reset".to_owned(), reset.to_string()));
            return Some(reply);
        }
        // Health is never failed either: its page says it is safe to poll, whatever the faults.
        if operation != HealthCheck::ID && faults.errors_left > 0 {
            faults.errors_left -= 1;
            drop(faults);
            return Some(self.server_error(operation));
        }
        if operation != HealthCheck::ID && faults.faults.error_rate > 0.0 && faults.draw() < faults.faults.error_rate {
            drop(faults);
            return Some(self.server_error(operation));
        }
        None
    }

    /// Whether this request's answer is to be lost once it is carried out ([`Faults::lost_answer_rate`]);
    /// health is exempt.
    fn loses_answer(&self, operation: &str) -> bool {
        let mut faults = lock(&self.faults);
        let rate = faults.faults.lost_answer_rate;
        operation != HealthCheck::ID && faults.faults.are_for(operation) && rate > 0.0 && faults.draw() < rate
    }

    /// A `500` with the operation's documented body, if its page shows one.
    fn server_error(&self, operation: &str) -> Reply {
        let body = self
            .catalog
            .documented_error(operation, 500, None)
            .unwrap_or_else(|| json!({ "success": false, "message": "Internal server error." }));
        Reply::new(500, body)
    }
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockingTransport for Emulator {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // Carried out, then answered late (see `Faults::latency`).
        let answer = self.handle(&request);
        let latency = self.latency_for(&request);
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        Ok(answer)
    }
}

#[async_trait::async_trait]
impl Transport for Emulator {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let answer = self.handle_async(&request).await;
        let latency = self.latency_for(&request);
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        Ok(answer)
    }
}

/// The operation a request reaches, if any: HEAD runs on GET's route, and the router reads a path without
/// its trailing slashes.
fn operation_of(request: &HttpRequest) -> Option<&'static OperationInfo> {
    operation_at(request.method(), request.uri().path())
}

/// The operation `method` reaches at `path`, as [`operation_of`] finds it.
fn operation_at(method: &http::Method, path: &str) -> Option<&'static OperationInfo> {
    let method = if method == http::Method::HEAD { "GET" } else { method.as_str() };
    match fixture::route(method, router_path(path)) {
        Route::Found { operation, .. } => Some(operation),
        _ => None,
    }
}

/// An error of make-call in its page's shape, `{"error": {"code", "message", "details"?}}`, which every
/// error the page documents has (its 400, 401, 402, 404 and 429): what the emulator answers in the API's
/// other shape (`{"success": false, "message"}`) is written in it, its status kept (a 415, a 413, a 408, a
/// fault's 500); a failed check keeps its 422 and its fields, as the API's checks answer elsewhere (the page
/// documents no 422). Its code is the page's where one fits, else the reference's (`SERVER_ERROR`), else
/// the emulator's own, named after its status. The other operations' answers are left as they are.
fn in_pages_error_shape(operation: &str, reply: Reply) -> Reply {
    // A failed check keeps its 422 with the fields at fault (`{"message", "errors"}`), as the API's other
    // checks answer: the page documents no 422 nor the shape of one, and the SDK and its users read a
    // field's problems there.
    if operation != MakeCall::ID || reply.status < 400 || reply.status == 422 {
        return reply;
    }
    let body = match &reply.raw {
        Some(raw) => serde_json::from_slice::<Value>(raw).unwrap_or_default(),
        None => reply.body.clone(),
    };
    if body.get("error").is_some_and(Value::is_object) {
        return reply;
    }
    let message = body.get("message").and_then(Value::as_str).unwrap_or("The request was refused.");
    let (status, code) = match reply.status {
        400 => (400, "INVALID_REQUEST_BODY"),
        408 => (408, "REQUEST_TIMEOUT"),
        413 => (413, "PAYLOAD_TOO_LARGE"),
        415 => (415, "UNSUPPORTED_MEDIA_TYPE"),
        500 => (500, "SERVER_ERROR"),
        other => (other, body.get("code").and_then(Value::as_str).unwrap_or("REQUEST_REFUSED")),
    };
    let mut refused = talkover_core::ErrorObjectBody::new(code, message);
    if let Some(errors) = body.get("errors").and_then(Value::as_object).filter(|e| !e.is_empty()) {
        // The first field at fault, as the page's 400 names it, and every problem, as the 422 listed them;
        // the message is the problem's own when there is one.
        let first = errors.iter().next().map(|(field, messages)| (field.clone(), messages.clone()));
        if let Some((field, messages)) = first {
            let only = errors.len() == 1 && messages.as_array().is_some_and(|m| m.len() == 1);
            if let Some(own) = messages.get(0).and_then(Value::as_str).filter(|_| only) {
                refused.error.message = own.to_owned();
            }
            refused = refused.detail("field", Value::String(field));
        }
        refused = refused.detail("errors", Value::Object(errors.clone()));
    }
    // The headers it had go with it.
    Reply { headers: reply.headers, ..Reply::error_object(status, refused) }
}

/// The 422 of `POST /_emulator/events` for an event its kind of webhook does not document, listing those
/// it does.
fn unknown_event(name: &str, documented: &[&str]) -> Reply {
    Reply::fail(
        422,
        &format!("No such event for this kind of webhook: {:?}. It takes {}.", cut(name), documented.join(", ")),
    )
}

/// At most 80 characters of a text a control request sent, to show in its answer.
fn cut(text: &str) -> String {
    text.chars().take(80).collect()
}

/// The moment a clock advance's `{"until": "…"}` names, in milliseconds since the epoch (to the second);
/// `None` without one, or for one that is no RFC 3339 time.
fn until_ms(body: &Value) -> Option<i64> {
    let text = body.get("until")?.as_str()?;
    talkover_core::time::DateTime::new(text).ok().map(|at| crate::clock::ms_of(&at))
}

/// A control endpoint that exists, asked with another method than the ones it takes (`allowed`, as an
/// `Allow` header lists them): RFC 9110's 405, naming them.
fn wrong_control_method(path: &str, allowed: &str, method: &http::Method) -> Reply {
    let takes = allowed.replace(", ", " or ");
    let mut reply = Reply::fail(405, &format!("The emulator's {path} takes {takes}, not {method}."));
    reply.headers.push((http::header::ALLOW.to_string(), allowed.to_owned()));
    reply
}

/// The methods of the operations at `path`, and HEAD wherever GET is, as an `Allow` header lists them.
fn allowed_methods(path: &str) -> String {
    let mut methods: Vec<&str> = talkover_core::registry::operations()
        .filter(|op| op.match_path(path).is_some())
        .flat_map(|op| {
            let head = (op.method == http::Method::GET).then_some("HEAD");
            std::iter::once(op.method.as_str()).chain(head)
        })
        .collect();
    // Every path answers a preflight too.
    if !methods.is_empty() {
        methods.push("OPTIONS");
    }
    methods.sort_unstable();
    methods.dedup();
    methods.join(", ")
}

/// The answer to a HEAD request has no body: its `Content-Length` says how long the GET's is.
fn without_body_for_head(request: &HttpRequest, mut response: HttpResponse) -> HttpResponse {
    if request.method() == http::Method::HEAD {
        let body = std::mem::take(response.body_mut());
        response.headers_mut().insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
    }
    response
}

/// A `page` below 1 is the first page, as a Laravel-style paginator reads it: `page=0` and `page=-1` alike
/// (the types count pages without a sign, and would refuse the second with their own bound).
fn below_one_is_first_page(query: &mut [(String, String)]) {
    for (name, value) in query.iter_mut() {
        let negative = value
            .strip_prefix('-')
            .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
        if name == "page" && negative {
            "1".clone_into(value);
        }
    }
}

/// A path as the API's router reads it: without its trailing slashes (`/agents/` is `/agents`), unless
/// that leaves nothing.
fn router_path(path: &str) -> &str {
    match path.trim_end_matches('/') {
        "" => path,
        trimmed => trimmed,
    }
}

/// The request as the API reads it, when that differs from what was sent: its path's trailing slashes taken
/// away (past the root), and each UUID in lower case, in a path segment or as the value of an id query
/// parameter (`agent_id`, `calendar_ids[]`). A UUID is read in either case (RFC 9562, section 4), as a
/// store that keeps ids as UUIDs, or compares text without regard to case, finds it; the ids the emulator
/// makes and records are lower-case. Ids in a body are read as sent.
fn as_read(request: &HttpRequest) -> Option<HttpRequest> {
    let mut target = lower_uuids(router_path(request.uri().path()));
    if let Some(query) = request.uri().query() {
        let pair = |pair: &str| match pair.split_once('=') {
            Some((name, value)) if is_id_name(name) => format!("{name}={}", lower_uuid(value)),
            _ => pair.to_owned(),
        };
        target = format!("{target}?{}", query.split('&').map(pair).collect::<Vec<_>>().join("&"));
    }
    if request.uri().path_and_query().is_none_or(|sent| sent.as_str() == target) {
        return None;
    }
    let mut parts = request.uri().clone().into_parts();
    parts.path_and_query = Some(target.parse().ok()?);
    let mut read = http::Request::new(request.body().clone());
    *read.method_mut() = request.method().clone();
    *read.uri_mut() = http::Uri::from_parts(parts).ok()?;
    *read.headers_mut() = request.headers().clone();
    Some(read)
}

/// `path` with each segment that is a UUID in lower case.
pub(crate) fn lower_uuids(path: &str) -> String {
    path.split('/').map(lower_uuid).collect::<Vec<_>>().join("/")
}

/// `text` in lower case if it is a UUID, else as it is.
fn lower_uuid(text: &str) -> String {
    if is_uuid(text) {
        text.to_ascii_lowercase()
    } else {
        text.to_owned()
    }
}

/// Whether a query parameter's name, as sent, names ids: it ends in `_id` or `_ids`, with `[]` (or its
/// percent-encoding) for a list.
fn is_id_name(name: &str) -> bool {
    let name = ["[]", "%5B%5D", "%5b%5d"].into_iter().find_map(|list| name.strip_suffix(list)).unwrap_or(name);
    name.ends_with("_id") || name.ends_with("_ids")
}

/// Whether a path segment is a UUID: 32 hexadecimal digits in groups of 8, 4, 4, 4 and 12, in any case.
fn is_uuid(segment: &str) -> bool {
    segment.len() == 36
        && segment.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// What is wrong with a request's `Host`, where it is not as RFC 9112 (section 3.2) has a server require
/// it, answering 400: an HTTP/1.1 request carries one, no request carries more than one, and its value is
/// a host with an optional port (`127.0.0.1:8080`; not empty, as an `http` URI's host may not be, RFC
/// 9110, section 4.2.1). HTTP/1.0 may go without. A request with two `Authorization` headers is a 400 too. As the emulator listens on loopback only, the host the
/// request names must be this machine ([`is_loopback_host`]), and a request a web page not served from
/// this machine sent is refused: a page that points a name of its own at 127.0.0.1 (DNS rebinding), or posts a form there,
/// cannot reach the emulator's state, its clock, or through its webhooks the services beside it. `None`
/// for a request as required.
pub(crate) fn host_problem(head: &http::request::Parts) -> Option<(u16, &'static str)> {
    let mut hosts = head.headers.get_all(http::header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (None, _) if head.version < http::Version::HTTP_11 => None,
        (None, _) => return Some((400, "The request has no Host header, which HTTP/1.1 requires.")),
        (Some(host), None) => {
            let authority = host
                .to_str()
                .ok()
                .filter(|text| is_authority(text))
                .and_then(|t| t.parse::<http::uri::Authority>().ok());
            match authority {
                None => {
                    return Some((
                        400,
                        "The request's Host header is not a host name or address with an optional port.",
                    ))
                }
                some => some,
            }
        }
        _ => return Some((400, "The request has more than one Host header.")),
    };
    // One token: of two `Authorization` headers (a field that is no list, RFC 9110, 5.3), which one a
    // server reads is its own choice, so the emulator reads neither.
    if head.headers.get_all(http::header::AUTHORIZATION).iter().nth(1).is_some() {
        return Some((400, "The request has more than one Authorization header."));
    }
    // A request whose target is in absolute form names its host there, which a server follows over the
    // `Host` header (RFC 9112, section 3.2.2).
    let named = head.uri.authority().or(host.as_ref());
    if named.is_some_and(|authority| !is_loopback_host(authority.host())) {
        return Some((
            403,
            "The request names another host than this machine, where the emulator answers: localhost (or a name \
             under it), a loopback address (127.0.0.0/8, [::1]) or 0.0.0.0 ([::]) (a name a web page points at \
             127.0.0.1 is refused; a proxy or tunnel in front of the emulator passes Host: localhost).",
        ));
    }
    foreign_origin(head)
}

/// Whether `text` can be a `Host` header's value where the `http` crate is lenient: no user part, and an
/// IPv6 address in brackets followed by nothing or its port (`[::1].` is neither).
fn is_authority(text: &str) -> bool {
    let after_address = text.strip_prefix('[').map(|rest| rest.split_once(']').map_or("x", |(_, after)| after));
    !text.contains('@') && after_address.is_none_or(|after| after.is_empty() || after.starts_with(':'))
}

/// Whether `host` (a `Host` header's host, IPv6 in brackets) names this machine: `localhost` or a name
/// under it, an address of 127.0.0.0/8, `::1`, or the unspecified address (`0.0.0.0`, `[::]`), which
/// clients connect to as this machine's.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    // A name may end in the one dot of its fully qualified form (`localhost.`), not in two; an address in
    // brackets in none.
    let host = host.strip_suffix('.').filter(|name| !name.ends_with('.') && !name.starts_with('[')).unwrap_or(&host);
    let local_v4 = |ip: std::net::Ipv4Addr| ip.is_loopback() || ip.is_unspecified();
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<std::net::Ipv4Addr>().is_ok_and(local_v4)
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .and_then(|h| h.parse::<std::net::Ipv6Addr>().ok())
            .is_some_and(|ip| ip.is_loopback() || ip.is_unspecified() || ip.to_ipv4_mapped().is_some_and(local_v4))
}

/// The refusal of a request a web page not served from this machine made (its `Origin` header, which
/// browsers send and HTTP clients do not): a page cannot move the emulator's clock with a form posted to 127.0.0.1.
fn foreign_origin(head: &http::request::Parts) -> Option<(u16, &'static str)> {
    let local = |origin: &http::HeaderValue| {
        origin
            .to_str()
            .ok()
            .and_then(|text| text.parse::<http::Uri>().ok())
            .is_some_and(|uri| uri.host().is_some_and(is_loopback_host))
    };
    // Every `Origin` (a browser sends one), so that a second cannot hide the first.
    (!head.headers.get_all(http::header::ORIGIN).iter().all(local)).then_some((
        403,
        "The request comes from a web page not served from this machine (its Origin header): the emulator \
         answers programs on this machine, and pages served from it, only.",
    ))
}

/// The refusal of a request a Talkover emulator's webhook delivery made (its `User-Agent`,
/// `talkover-mock/…`, which a webhook's custom headers cannot replace), this one's or another's: a webhook
/// pointed at one emulator's API from another (test-webhook, make-call) would have each deliver to the
/// other without end. What a receiver of the caller's own sends on carries its own `User-Agent`.
pub(crate) fn delivery_problem(head: &http::request::Parts) -> Option<(u16, &'static str)> {
    let prefix = crate::deliver::USER_AGENT_PREFIX.as_bytes();
    let delivered = head
        .headers
        .get_all(http::header::USER_AGENT)
        .iter()
        .any(|agent| agent.as_bytes().get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix)));
    delivered.then_some((
        403,
        "The request is a webhook delivery of a Talkover emulator (its User-Agent): the emulator does not take \
         one as a request of its own, so that two emulators cannot deliver to each other without end.",
    ))
}

/// `request` as a GET, for a HEAD request's answer.
fn as_get(request: &HttpRequest) -> HttpRequest {
    let mut get = http::Request::new(request.body().clone());
    *get.method_mut() = http::Method::GET;
    *get.uri_mut() = request.uri().clone();
    *get.headers_mut() = request.headers().clone();
    get
}

/// Whether a `Content-Type` names JSON, as a Laravel-style server tells (`/json` or `+json` in it):
/// `application/json`, `text/json`, a `+json` type, in any case, with any parameters.
fn is_json(content_type: Option<&HeaderValue>) -> bool {
    let Some(essence) = content_type.and_then(|value| value.to_str().ok()).and_then(|v| v.split(';').next()) else {
        return false;
    };
    let essence = essence.trim().to_ascii_lowercase();
    essence.contains("/json") || essence.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The injected latency is for the API's answers, and of those for the operations the faults are for:
    /// never for the controls at `/_emulator/`.
    #[test]
    fn the_latency_spares_the_controls_and_the_operations_left_out() {
        let emulator = Emulator::new();
        let get = |path: &str| http::Request::get(format!("http://127.0.0.1{path}")).body(Vec::new()).unwrap();
        let slow = Duration::from_millis(300);
        emulator.set_faults(Faults::new().latency(slow));
        assert_eq!(emulator.latency_for(&get("/api/v1/agents")), slow);
        assert_eq!(emulator.latency_for(&get("/_emulator/faults")), Duration::ZERO);
        assert_eq!(emulator.latency_for(&get("/_emulator/clock")), Duration::ZERO);
        emulator.set_faults(Faults::new().latency(slow).only_for(["get-agent"]));
        assert_eq!(emulator.latency_for(&get("/api/v1/agents")), Duration::ZERO);
        assert_eq!(emulator.latency_for(&get("/api/v1/agents/550e8400-e29b-41d4-a716-446655440000")), slow);
        assert_eq!(emulator.latency_for(&get("/no/such/path")), Duration::ZERO);
    }

    #[test]
    #[should_panic(expected = "make_call")]
    fn faults_for_an_operation_no_one_has_are_refused() {
        let _ = Faults::new().error_rate(1.0).only_for(["make_call"]);
    }

    /// A body that stalls is refused before the API (no test waits the 30 s a server does): make-call's
    /// 408 is in its page's shape, with a code, and another operation's in the API's other shape.
    #[test]
    fn a_stalled_body_of_make_call_is_refused_in_its_pages_shape() {
        let emulator = Emulator::new();
        let head = |path: &str| http::Request::post(path).body(()).unwrap().into_parts().0;
        let call = head("/api/v1/agents/550e8400-e29b-41d4-a716-446655440000/call");
        let answer = emulator.body_timed_out(&call);
        let body: Value = serde_json::from_slice(answer.body()).unwrap();
        assert_eq!((answer.status().as_u16(), &body["error"]["code"]), (408, &json!("REQUEST_TIMEOUT")), "{body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("stopped coming")), "{body}");
        let agents = emulator.body_timed_out(&head("/api/v1/agents"));
        let body: Value = serde_json::from_slice(agents.body()).unwrap();
        assert_eq!((agents.status().as_u16(), &body["success"]), (408, &json!(false)), "{body}");
    }

    /// A client that waits what `Retry-After` says arrives once the window is over, wherever in a second
    /// the window began and the 429 was answered; and the wait is never a second more than needed.
    #[test]
    fn retry_after_never_ends_before_the_window() {
        for started_ms in (1_000_000..1_001_000).step_by(37) {
            let window = RateWindow { reset_at: window_end_from(started_ms), count: 0 };
            let length = window.reset_at * 1000 - started_ms;
            assert!((59_001..=60_000).contains(&length), "a minute, less what the start second had run: {length}");
            for answered_ms in (started_ms..window.reset_at * 1000).step_by(997) {
                let wait = window.seconds_left(answered_ms);
                assert!(window.is_over(answered_ms + wait * 1000), "{started_ms} {answered_ms}: {wait}");
                assert!(!window.is_over(answered_ms + wait * 1000 - 1000) || wait == 1, "{started_ms} {answered_ms}");
            }
        }
    }
}
