//! A local emulator of the Talkover API, built on `talkover-core`'s own request and response types and its
//! operation registry: test code that uses the SDK with no token, no network and no credits spent.
//!
//! - **Stateful** where a test needs it: agents (create, list with filters and pages, get, knowledge, voice,
//!   calling and advanced settings, publish, unpublish, delete), their actions, trainings and webhooks,
//!   calls (make-call records a call; list-calls and get-agent-calls show it; end-call and get-active-call
//!   follow it) and campaigns (with their status rules and campaign calls). The documented rules hold:
//!   unpublishing sets `current_status` to `draft` and keeps knowledge, voice, trainings, actions and
//!   numbers; changing an agent's actions, trainings, knowledge or voice takes it back to `draft`; an agent
//!   is published only with a description, a voice and a direction (422 naming what is missing); unknown
//!   ids answer the documented 404 bodies, invalid bodies a 422 with field errors, a missing or wrong token
//!   the operation's documented 401.
//! - **Stateful too**, from the recorded data on: SIP trunks and their numbers, the environment's phone
//!   numbers (listed with their filters, the trunks' numbers among them), credits and auto top-up
//!   (purchases and test recharges move the balance), API tokens (the plain token in the create answer
//!   only; it signs in to the account API's operations until revoked; abilities are kept, not enforced;
//!   the environment token is taken there too unless a user's session token is given,
//!   [`ServerBuilder::user_token`]), calendars with their members, events, attendees, availability rules (free slots are computed
//!   from them and the events) and provider connections,
//!   agents' conversation flows and versions, callback roles, campaigns' SFTP settings and logs, and
//!   phone-number release requests; each with the reference's documented refusals and codes.
//! - **Every other operation** answers from the recorded fixtures (built in, or a folder of your own):
//!   the example recorded for the same path if there is one, otherwise the operation's documented answer
//!   with your ids in place of the example's.
//! - **Faults on demand**: latency, a share of `500`s, a burst of `429`s with `Retry-After`
//!   ([`Faults`]), to test retry handling, for every operation or some alone ([`Faults::only_for`]), set
//!   in process or over HTTP (`GET`, `PUT`, `DELETE /_emulator/faults`); health, safe to poll, is never
//!   failed.
//! - **Webhook deliveries**, in the background: test-webhook sends the documented test payload and
//!   answers with how the target took it; call and campaign events go to every enabled webhook subscribed
//!   to them, with the webhook's method, custom headers and payload templates (`{{call.id}}`, …),
//!   in order for each webhook, signed in [`SIGNATURE_HEADER`]
//!   (`X-Talkover-Signature`: the lowercase hex HMAC-SHA256 of the exact body under the webhook's secret;
//!   check it with `talkover_core::webhook_delivery::verify_delivery`). Every attempt is logged on the
//!   webhook; `timeout` and `max_retries` hold; retry-webhook-log sends again. Targets are `http://` URLs,
//!   never the emulator's own address (a delivery to its API would bring about another, without end).
//! - **Calls that progress** on the emulator's clock: `initiated`, `ringing` after 1 s, `answered` after
//!   2 s, `completed` after 4 s (2 s of talk), counted from when the call is placed: make-call's
//!   `delay_seconds` later, the call staying `initiated` (as make-call documents a call "created and being
//!   processed") and unannounced until then. The number's last four digits choose another end: `1111`
//!   `no-answer`, `2222` `busy`, `3333` `failed`, `4444` voicemail (`completed`; a campaign call ends
//!   `voicemail`), `5555` stays `answered` for an hour (for get-active-call and end-call). make-call's
//!   `context` comes back, as `context`, in every webhook event of its call (and to payload templates as
//!   `{{context.…}}`); a test call (`is_testing`) costs no credits. Campaign calls are dialled while their
//!   campaign is active and inside its schedule (read on the clock of its `timezone`), each as a call of the campaign's agent.
//! - **A clock tests drive**: it runs at the wall clock's pace unless scaled
//!   ([`ServerBuilder::clock_scale`]; 0 freezes it) and jumps with [`Server::advance_clock`], or over
//!   HTTP outside the API (no token): `GET /_emulator/clock`, `POST /_emulator/clock/advance`
//!   (`{"seconds": N}`, or `{"until": "2027-01-04T09:00:00Z"}`), `POST /_emulator/clock/scale`
//!   (`{"scale": S}`).
//! - **What it received**: the latest [`JOURNAL_LENGTH`] API requests it answered, with their status and
//!   JSON body and without their credentials ([`Server::received`], [`ReceivedRequest`]), or over HTTP
//!   `GET /_emulator/requests` (`DELETE` empties the list).
//! - **Events on request**: the documented webhook events it never brings about itself (a recording, a
//!   report, an action's), delivered as any other when a test asks ([`Server::emit_agent_event`],
//!   [`Server::emit_campaign_event`]), or over HTTP `POST /_emulator/events` (`{"event": …, "agent_id"` or
//!   `"campaign_id": …, "data": {…}}`).
//! - **Inbound calls**: a published agent rung by a caller, the call answered and going on as any
//!   ([`Server::inbound_call`]), or over HTTP `POST /_emulator/calls/inbound` (`{"agent_id", "from"}`).
//! - **Starting over**: [`Server::reset`], or `POST /_emulator/reset`, puts it back as it was started, so
//!   that tests sharing one emulator each start from the same state.
//! - **Rate limits**: every API answer carries `X-RateLimit-Limit`, `-Remaining` and `-Reset` (the Unix
//!   time the one-minute window ends); with [`ServerBuilder::rate_limit`] requests past the limit answer
//!   `429` with `Retry-After`. Health is exempt, as documented: never refused, never counted, its headers
//!   reporting the window as the counted requests left it.
//!
//! ```no_run
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use talkover::calls::{MakeCall, NewCall};
//!
//! let server = talkover_mock::Server::builder().clock_scale(0.0).start_blocking()?;
//! let client = talkover::blocking::Client::builder().base_url(server.base_url()).token(server.token()).build()?;
//! let agent = "550e8400-e29b-41d4-a716-446655440000"; // the reference's example agent, published
//! client.execute(MakeCall::new(agent, NewCall::new("+15550001111")))?;
//! server.advance_clock(Duration::from_secs(10)); // the call has rung out: no-answer
//! # Ok(()) }
//! ```
//!
//! It binds 127.0.0.1 only, on the port you choose or a free one, and answers only a request whose
//! `Host` (or target, in absolute form) names this machine and that no web page served from elsewhere
//! sent (its `Origin`), so that a page a browser visits cannot drive it.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let server = talkover_mock::Server::start().await?;
//! let client = talkover::Client::builder().base_url(server.base_url()).token(server.token()).build()?;
//! let agents = client.agents().list().send().await?;
//! # Ok(()) }
//! ```
//!
//! From a test without an async runtime, [`Server::start_blocking`] runs the server on a thread of its own:
//!
//! ```no_run
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let server = talkover_mock::Server::start_blocking()?;
//! let client = talkover::blocking::Client::builder().base_url(server.base_url()).token(server.token()).build()?;
//! client.agents().unpublish("550e8400-e29b-41d4-a716-446655440000")?;
//! # Ok(()) }
//! ```
//!
//! [`sample_agent`] is a create-agent body with every required field filled in, for a test that needs an
//! agent and not any particular one.
//!
//! As a binary: `cargo run -p talkover-mock -- --port 8080` (`--help` lists the switches).
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub mod cli;
mod clock;
mod deliver;
mod emulator;
mod fault_control;
mod fixtures;
mod journal;
mod reply;
mod sample;
mod state;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use tokio::sync::watch;

pub use deliver::SIGNATURE_HEADER;
pub use emulator::{Emulator, Faults, CONTROL_PREFIX, DEFAULT_RATE_LIMIT, DEFAULT_TOKEN};
pub use journal::{ReceivedRequest, JOURNAL_LENGTH, LONGEST_JOURNALED_BODY};
pub use sample::sample_agent;
pub use state::InboundRefused;

use emulator::{Settings, BODY_TIMEOUT, MAX_BODY};

/// Sets up a [`Server`]: port, token, fixtures, faults.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ServerBuilder {
    settings: Settings,
    port: u16,
    /// How long a connection may take to send a request's head; `None` for [`HEAD_TIMEOUT`].
    head_timeout: Option<Duration>,
}

/// How long a connection may take to send a request's head (request line and headers) by default, from
/// when it opens or its last answer went out: 120 s, longer than the HTTP clients keep an idle connection
/// for reuse (reqwest's 90 s, ureq's 15 s), so that the emulator is not the one to close an idle
/// connection a client may be sending on at that moment.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(120);

/// The longest wait taken where one is added to the present moment (a head timeout, a wait for
/// deliveries): ten years, where a `Duration::MAX` ("never", "as long as it takes") would overflow.
pub(crate) const LONGEST_WAIT: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

impl ServerBuilder {
    /// The port to bind on 127.0.0.1 (default 0: a free port the system picks).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The token requests must carry (default [`DEFAULT_TOKEN`]). Spaces and line ends around it are
    /// dropped, as the clients drop them from theirs (a token read from a file with a CRLF line end).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.settings.token = token.into().trim().to_owned();
        self
    }

    /// A user's session token, which the Account API's operations (the user's API tokens, the current
    /// user, the credit balance and purchases) then want, as their pages say, instead of the environment
    /// token [`token`](Self::token) gives: with it, a test that runs those operations on the environment's
    /// token gets their 401, as it would from the API. Without it (the default), either token is taken
    /// there. Tokens created through the API are taken there either way, until revoked. Trimmed as the
    /// environment token is.
    pub fn user_token(mut self, token: impl Into<String>) -> Self {
        self.settings.user_token = Some(token.into().trim().to_owned());
        self
    }

    /// Answers the operations the emulator does not model from the fixtures below `dir` (every `*.json`,
    /// in the shared fixture format) instead of the built-in ones.
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.settings.fixtures_dir = Some(dir.into());
        self
    }

    /// Whether the reference's example agent (`550e8400-e29b-41d4-a716-446655440000`, published, with a
    /// voice, a training, an action and a number) exists from the start (default yes), so that the
    /// reference's examples run as written.
    pub fn example_agent(mut self, seed: bool) -> Self {
        self.settings.seed_agent = seed;
        self
    }

    /// The faults to inject. Faults the emulator refuses ([`Faults::problem`]) fail the start.
    pub fn faults(mut self, faults: Faults) -> Self {
        self.settings.faults = faults;
        self
    }

    /// Adds `latency` to every answer, after the request is carried out (see [`Faults::latency`]).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.settings.faults = self.settings.faults.latency(latency);
        self
    }

    /// Answers this share of requests (0 to 1) with `500`, without carrying them out (health excepted: it
    /// is safe to poll, as its page says).
    pub fn error_rate(mut self, rate: f64) -> Self {
        self.settings.faults = self.settings.faults.error_rate(rate);
        self
    }

    /// Carries out this share of requests (0 to 1) and answers them `500` all the same, as when an answer
    /// is lost on its way back ([`Faults::lost_answer_rate`]).
    pub fn lost_answer_rate(mut self, rate: f64) -> Self {
        self.settings.faults = self.settings.faults.lost_answer_rate(rate);
        self
    }

    /// Answers the first `requests` requests with `429` and `Retry-After: retry_after_secs`.
    pub fn rate_limit_burst(mut self, requests: u32, retry_after_secs: u64) -> Self {
        self.settings.faults = self.settings.faults.rate_limit_burst(requests, retry_after_secs);
        self
    }

    /// Refuses requests beyond `per_minute` in a minute with `429` and `Retry-After` (default: no limit;
    /// the `X-RateLimit-*` headers then report [`DEFAULT_RATE_LIMIT`]). 0 means no limit.
    pub fn rate_limit(mut self, per_minute: u32) -> Self {
        self.settings.rate_limit = Some(per_minute);
        self
    }

    /// How many seconds of the emulator's clock pass per wall-clock second (default 1: a call completes
    /// within 5 seconds), from 0 to a million (a larger pace runs at a million). 0 freezes the clock, so
    /// that only [`Server::advance_clock`] moves calls on. A negative scale or NaN fails the start.
    pub fn clock_scale(mut self, scale: f64) -> Self {
        self.settings.clock_scale = scale;
        self
    }

    /// Where the emulator's clock starts (to the second), and starts again on a [`reset`](Server::reset)
    /// (default: the wall clock's time then), so that what a test creates is stamped with times it can
    /// write down: with [`clock_scale(0.0)`](Self::clock_scale) and [`Server::advance_clock`], every time
    /// the emulator writes (an agent's `created_at`, a call's steps, a delivery's) is the start plus the
    /// advances. The records it starts with are stamped at it too.
    ///
    /// ```
    /// use talkover::time::DateTime;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let start = DateTime::new("2030-01-07T09:00:00Z")?;
    /// let server = talkover_mock::Server::builder().clock_start(start).clock_scale(0.0).start_blocking()?;
    /// server.advance_clock(std::time::Duration::from_secs(90));
    /// assert_eq!(server.clock_now(), "2030-01-07T09:01:30Z");
    /// # Ok(()) }
    /// ```
    pub fn clock_start(mut self, at: talkover_core::time::DateTime) -> Self {
        self.settings.clock_start_ms = Some(clock::ms_of(&at));
        self
    }

    /// Whether webhook deliveries may go to public internet addresses (default no: loopback and private
    /// addresses only, as a test environment's receivers have, link-local ones and cloud metadata
    /// services not included, so that a test registering a documented example URL sends nothing out). A delivery refused so is logged as a failed attempt, naming why.
    pub fn public_webhooks(mut self, allow: bool) -> Self {
        self.settings.public_webhooks = allow;
        self
    }

    /// How long a connection may take to send a request's head, its request line and headers, from when
    /// it opens or its last answer went out (default [`HEAD_TIMEOUT`], 120 s): one that sends nothing in
    /// that time (an idle keep-alive connection) or its headers too slowly is closed, so that idle or
    /// stalled clients do not hold connections, and the process's file descriptors, for ever. Zero is
    /// taken as a millisecond, and anything past ten years (`Duration::MAX` for "never") as ten years.
    pub fn head_timeout(mut self, timeout: Duration) -> Self {
        self.head_timeout = Some(timeout.clamp(Duration::from_millis(1), LONGEST_WAIT));
        self
    }

    /// The emulator alone, with no server: a transport for in-process tests.
    pub fn emulator(self) -> io::Result<Emulator> {
        Emulator::with_settings(self.settings).map_err(io::Error::other)
    }

    /// Starts the server as a task of the current tokio runtime. Use the async client on that runtime; a
    /// blocking client on the same thread would wait for a server that cannot run, so use
    /// [`ServerBuilder::start_blocking`] for it.
    pub async fn start(self) -> io::Result<Server> {
        let (port, head_timeout) = (self.port, self.head_timeout.unwrap_or(HEAD_TIMEOUT));
        let emulator = Arc::new(self.emulator()?);
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        emulator.serving_on(addr.port());
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(serve(listener, emulator.clone(), head_timeout, stopped));
        Ok(Server { addr, emulator, stop: Some(stop), thread: None })
    }

    /// Starts the server on a thread of its own, with its own runtime: for tests and programs with no
    /// async runtime (the blocking client's).
    pub fn start_blocking(self) -> io::Result<Server> {
        let (port, head_timeout) = (self.port, self.head_timeout.unwrap_or(HEAD_TIMEOUT));
        let emulator = Arc::new(self.emulator()?);
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        emulator.serving_on(addr.port());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (stop, stopped) = watch::channel(false);
        let served = emulator.clone();
        let thread = std::thread::Builder::new().name("talkover-mock".into()).spawn(move || {
            runtime.block_on(async move {
                match tokio::net::TcpListener::from_std(listener) {
                    Ok(listener) => serve(listener, served, head_timeout, stopped).await,
                    Err(e) => eprintln!("talkover-mock: cannot serve on {addr}: {e}"),
                }
            });
        })?;
        Ok(Server { addr, emulator, stop: Some(stop), thread: Some(thread) })
    }
}

/// A running emulator on 127.0.0.1. Dropping it stops it: it takes no more connections, and closes the
/// ones open, a client's idle pooled connections among them, without answering what comes on them.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    emulator: Arc<Emulator>,
    /// Set to `true` to stop the server: its accept loop and every connection end at once.
    stop: Option<watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// A builder, to choose the port, the token, the fixtures or faults.
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// Starts an emulator with the default settings on a free port, on the current tokio runtime.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// Starts an emulator with the default settings on a free port, on a thread of its own.
    pub fn start_blocking() -> io::Result<Self> {
        Self::builder().start_blocking()
    }

    /// The base URL to give a client: `http://127.0.0.1:PORT/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token requests must carry: the environment token, which the Account API's operations take too
    /// unless a [`user_token`](Self::user_token) was given.
    pub fn token(&self) -> &str {
        self.emulator.token()
    }

    /// The user's session token the Account API's operations want, when one was given
    /// ([`ServerBuilder::user_token`]).
    pub fn user_token(&self) -> Option<&str> {
        self.emulator.user_token()
    }

    /// The emulator behind the server (to change its faults, or count its requests).
    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Replaces the faults to inject, from the next request on (see [`Emulator::set_faults`]).
    ///
    /// # Panics
    ///
    /// On faults the emulator refuses ([`Faults::problem`]).
    pub fn set_faults(&self, faults: Faults) {
        self.emulator.set_faults(faults);
    }

    /// Sends an agent webhook event now (see [`Emulator::emit_agent_event`]).
    pub fn emit_agent_event(
        &self,
        agent_id: &str,
        event: talkover_core::webhooks::AgentWebhookEvent,
        data: serde_json::Map<String, serde_json::Value>,
    ) -> Option<usize> {
        self.emulator.emit_agent_event(agent_id, event, data)
    }

    /// Rings a published agent with an inbound call from `from` (see [`Emulator::inbound_call`]).
    pub fn inbound_call(&self, agent_id: &str, from: &str) -> Result<talkover_core::calls::Call, InboundRefused> {
        self.emulator.inbound_call(agent_id, from)
    }

    /// Sends a campaign webhook event now (see [`Emulator::emit_campaign_event`]).
    pub fn emit_campaign_event(
        &self,
        campaign_id: &str,
        event: talkover_core::webhooks::CampaignWebhookEvent,
        data: serde_json::Map<String, serde_json::Value>,
    ) -> Option<usize> {
        self.emulator.emit_campaign_event(campaign_id, event, data)
    }

    /// Moves the emulator's clock forward by `by` at once (see [`Emulator::advance_clock`]).
    pub fn advance_clock(&self, by: Duration) {
        self.emulator.advance_clock(by);
    }

    /// How many webhook deliveries are not over yet (see [`Emulator::pending_deliveries`]).
    pub fn pending_deliveries(&self) -> usize {
        self.emulator.pending_deliveries()
    }

    /// Waits, at most `timeout`, until no webhook delivery is pending: whether none is (see
    /// [`Emulator::wait_for_deliveries`]).
    pub fn wait_for_deliveries(&self, timeout: Duration) -> bool {
        self.emulator.wait_for_deliveries(timeout)
    }

    /// Sets the pace of the emulator's clock from now on (see [`Emulator::set_clock_scale`]).
    ///
    /// # Panics
    ///
    /// On a negative scale or NaN.
    pub fn set_clock_scale(&self, scale: f64) {
        self.emulator.set_clock_scale(scale);
    }

    /// The emulator's clock now (RFC 3339, UTC).
    pub fn clock_now(&self) -> String {
        self.emulator.clock_now()
    }

    /// The latest API requests the emulator answered, oldest first (see [`Emulator::received`]).
    pub fn received(&self) -> Vec<ReceivedRequest> {
        self.emulator.received()
    }

    /// Empties the list of requests [`Server::received`] gives.
    pub fn clear_received(&self) {
        self.emulator.clear_received();
    }

    /// Starts the emulator over, as it was started (see [`Emulator::reset`]): its state, clock, faults,
    /// rate-limit window, journal and ids; its address and token stay.
    pub fn reset(&self) {
        self.emulator.reset();
    }

    /// Stops the server, closing its open connections (dropping it does the same).
    pub fn shutdown(self) {}
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // Seen at once by every task serving: none answers another request from here on.
            stop.send_replace(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Serves HTTP/1.1 on `listener` until `stopped` turns `true` (or its sender is gone), each connection on a
/// task of its own, closed when a request's head does not arrive within `head_timeout`, and closed too
/// when the server stops, so that an open connection does not keep the emulator answering.
async fn serve(
    listener: tokio::net::TcpListener,
    emulator: Arc<Emulator>,
    head_timeout: Duration,
    stopped: watch::Receiver<bool>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    // A client that closes its side once it has sent its request (`shutdown(SHUT_WR)`, `nc -N`) still
    // reads the answer: without `half_close`, hyper takes the end of its input for the end of the
    // connection, and the answer to a request carried out is dropped.
    http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(head_timeout).half_close(true);
    let accepting = async {
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                // A connection that ended before it was taken is the client's affair.
                Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset) => {
                    continue;
                }
                // Out of file descriptors, say: a pause, while the connections being served end.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let emulator = Arc::clone(&emulator);
            let service = hyper::service::service_fn(move |request| answer(Arc::clone(&emulator), request));
            let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                // The stop is looked at first each time the connection is woken, so that once the server
                // is stopped nothing more is read or answered on it: it is dropped, which closes it.
                tokio::select! {
                    biased;
                    _ = stopped.wait_for(|stop| *stop) => {}
                    // A connection's end, however it comes (closed, reset, timed out), is the client's affair.
                    _ = connection => {}
                }
            });
        }
    };
    let mut stopping = stopped.clone();
    tokio::select! {
        biased;
        _ = stopping.wait_for(|stop| *stop) => {}
        () = accepting => {}
    }
}

/// Answers one request on a connection: never an error (hyper would close the connection on one), every
/// failure is an answer.
async fn answer(
    emulator: Arc<Emulator>,
    request: http::Request<Incoming>,
) -> Result<http::Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, mut body) = request.into_parts();
    let body_of = |answer: http::Response<Vec<u8>>| Ok(answer.map(|bytes| Full::new(Bytes::from(bytes))));
    if let Some(problem) = emulator::host_problem(&parts).or_else(|| emulator::delivery_problem(&parts)) {
        return body_of(emulator.host_refused(&parts, problem));
    }
    // A body declared larger than is read is refused without waiting for all of it.
    let declared = parts.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let read = match declared {
        Some(length) if length > MAX_BODY as u64 => Err(BodyError::TooLarge),
        _ => read_body(&mut body).await,
    };
    let response = match read {
        Ok(bytes) => {
            // Carried out first, then answered late: a client that gives up while it waits has still
            // placed its call, as with the API.
            let request = http::Request::from_parts(parts, bytes);
            let answer = emulator.handle_async(&request).await;
            let latency = emulator.latency_for(&request);
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            answer
        }
        Err(BodyError::Stalled) => emulator.body_timed_out(&parts),
        Err(BodyError::Broken) => emulator.body_broken(&parts),
        Err(BodyError::TooLarge) => {
            // A client that sends all of its body before it reads the answer (without `Expect:
            // 100-continue`, as Python's http.client and urllib do) sees a connection reset, not the 413,
            // when the server closes on bytes it has not read: they are read and dropped first, within
            // bounds. One that waits for `100 Continue` is answered at once (reading would ask for the body).
            let waits_to_send = parts
                .headers
                .get(http::header::EXPECT)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
            if !waits_to_send || declared.is_none() {
                drain(&mut body).await;
            }
            emulator.too_large(&parts)
        }
    };
    body_of(response)
}

/// Why a request's body was not read.
enum BodyError {
    /// Nothing more came for [`BODY_TIMEOUT`] (a body shorter than its `Content-Length`, a client gone
    /// quiet), or the whole body took longer than [`BODY_READ_LIMIT`].
    Stalled,
    /// The body could not be read to its end: its framing is broken (a chunk size that is not
    /// hexadecimal, say), or it ended before its declared length (the client closed its side).
    Broken,
    /// More than [`MAX_BODY`] bytes.
    TooLarge,
}

/// The longest a whole body may take to arrive, however steadily it comes.
const BODY_READ_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// The most of a body too large to read that is read and dropped before the 413, so that the client
/// reads the answer; past it (or [`DRAIN_IDLE`] without a byte, or [`BODY_TIMEOUT`] in all) the
/// connection is closed on the rest.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// How long a body being dropped may go without a byte (a body declared larger than is sent).
const DRAIN_IDLE: std::time::Duration = std::time::Duration::from_secs(2);

/// Reads and drops what comes of a body, within [`DRAIN_LIMIT`], [`DRAIN_IDLE`] and [`BODY_TIMEOUT`].
async fn drain(body: &mut Incoming) {
    use http_body_util::BodyExt as _;
    let until = tokio::time::Instant::now() + BODY_TIMEOUT;
    let mut dropped = 0usize;
    // Bounded in count as well as by the deadline: a frame is at least a byte, but for the last.
    for _ in 0..DRAIN_LIMIT {
        let wait = DRAIN_IDLE.min(until.saturating_duration_since(tokio::time::Instant::now()));
        match tokio::time::timeout(wait, body.frame()).await {
            Ok(Some(Ok(frame))) => dropped += frame.data_ref().map_or(0, |data| data.len()),
            _ => return,
        }
        if dropped > DRAIN_LIMIT {
            return;
        }
    }
}

/// Reads a request's body: at most [`MAX_BODY`] bytes, waiting at most [`BODY_TIMEOUT`] for each piece
/// (a slow upload that keeps coming is read) and [`BODY_READ_LIMIT`] in all.
async fn read_body(body: &mut Incoming) -> Result<Vec<u8>, BodyError> {
    use http_body_util::BodyExt as _;
    let until = tokio::time::Instant::now() + BODY_READ_LIMIT;
    let mut bytes = Vec::new();
    // Bounded by the deadline: each turn waits at most BODY_TIMEOUT, and none past `until`.
    loop {
        let wait = BODY_TIMEOUT.min(until.saturating_duration_since(tokio::time::Instant::now()));
        match tokio::time::timeout(wait, body.frame()).await {
            Ok(None) => return Ok(bytes),
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if bytes.len() + data.len() > MAX_BODY {
                        return Err(BodyError::TooLarge);
                    }
                    bytes.extend_from_slice(&data);
                }
            }
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Err(_) => return Err(BodyError::Stalled),
        }
    }
}

/// Writes recorded fixtures (the `(relative path, JSON text)` pairs
/// [`talkover_core::record::Recording::take`] hands out) below `dir`, one file each, creating folders as
/// needed. Returns the files written.
///
/// A path that would leave `dir` (absolute, or with `..`) is refused.
///
/// ```no_run
/// use talkover::record::Recorder;
///
/// # fn run(transport: impl talkover::BlockingTransport + 'static) -> std::io::Result<()> {
/// let recorder = Recorder::new(transport);
/// let recording = recorder.recording();
/// // ... run a session on a client built with `.transport(recorder)` ...
/// talkover_mock::write_fixtures("tests/fixtures".as_ref(), &recording.take())?;
/// # Ok(()) }
/// ```
pub fn write_fixtures(dir: &Path, fixtures: &[(String, String)]) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::with_capacity(fixtures.len());
    for (relative, fixture) in fixtures {
        let relative = Path::new(relative);
        if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is not a relative path inside the folder", relative.display()),
            ));
        }
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, fixture)?;
        written.push(path);
    }
    Ok(written)
}
