//! Webhook deliveries: each event the state emits becomes a [`Job`], sent in the background by a thread of
//! the emulator's own (with its own tokio runtime), so that no answer waits for a webhook's target.
//!
//! A delivery is an HTTP request with the webhook's method and custom headers, a JSON body, and, when the
//! webhook has a secret, the header [`SIGNATURE_HEADER`]: the HMAC-SHA256 of the exact body under the
//! secret, in lowercase hex (`talkover_core::webhook_delivery::sign`). Every attempt is logged on the
//! webhook (status, HTTP status, latency, error); a failed one is tried again, up to the webhook's
//! `max_retries` times, each within the webhook's `timeout`, for as long as the webhook exists and is
//! enabled. A custom header never stands beside or over the delivery's own (`Content-Type`, the event, the
//! signature, …): it is left out.
//!
//! Deliveries go to loopback and private addresses only (not link-local ones), unless the emulator is
//! told otherwise (`--public-webhooks`): a test that registers a documented example URL sends nothing out.
//! They never go to the emulator's own listening address (its port on `127.0.0.1` or `0.0.0.0`, or on a
//! name such as `localhost` that resolves to one): a delivery there would call the emulator's API, whose
//! test-webhook or make-call would bring about another delivery, and so on without end.
//!
//! The same thread ticks the emulator's clock every [`TICK`], so that calls progress and their events
//! are delivered with no request to drive them. Each webhook has its own queue: it receives its events
//! in the order they happened.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde::Serialize;
use serde_json::Value;
use talkover_core::SecretString;
use tokio::sync::{mpsc, oneshot};

use crate::emulator::lock;
use crate::state::State;

/// The header that carries a delivery's signature.
pub const SIGNATURE_HEADER: &str = "X-Talkover-Signature";

/// The header that names a delivery's event.
pub(crate) const EVENT_HEADER: &str = "X-Talkover-Event";

/// What a delivery's `User-Agent` starts with (the emulator's version follows), which no custom header
/// replaces: an emulator refuses an incoming request that carries it ([`crate::emulator::delivery_problem`]).
pub(crate) const USER_AGENT_PREFIX: &str = "talkover-mock/";

/// How often the delivery thread moves calls on.
pub(crate) const TICK: Duration = Duration::from_millis(100);

/// The most attempts after the first, whatever a webhook says (the API allows 0 to 10).
pub(crate) const MAX_RETRIES: u32 = 10;

/// The most deliveries one webhook's queue holds, the one being attempted among them: past it (a receiver
/// that is gone or hangs, while events keep coming), a new delivery is not queued but logged `failed` at
/// once, so that a long-lived emulator's memory stays bounded. A receiver that answers drains its queue
/// long before.
pub(crate) const MAX_QUEUED_DELIVERIES: usize = 1_000;

/// The longest a target may take, whatever a webhook says (the API allows 5 to 120 seconds).
pub(crate) const MAX_TIMEOUT: Duration = Duration::from_secs(120);

/// The most of a target's answer kept in a log.
const MAX_RESPONSE: usize = 64 * 1024;

/// The largest delivery body sent. A payload template can make a body far larger than itself (a long
/// field written many times over): one past this is not sent, and not kept, so that requests cannot grow
/// the emulator's memory without bound.
pub(crate) const MAX_PAYLOAD: usize = 1024 * 1024;

/// The headers a delivery sets itself, which no custom header may repeat or replace (compared without
/// regard to case, as HTTP compares them).
const OWN_HEADERS: [&str; 7] =
    ["host", "content-type", "content-length", "transfer-encoding", "user-agent", EVENT_HEADER, SIGNATURE_HEADER];

/// One event to deliver to one webhook.
pub(crate) struct Job {
    /// The state that queued it ([`State::born`](crate::state::State::born)).
    pub(crate) born: u64,
    pub(crate) webhook_id: String,
    pub(crate) event: String,
    pub(crate) url: String,
    pub(crate) method: http::Method,
    pub(crate) headers: Vec<(String, SecretString)>,
    pub(crate) secret: Option<SecretString>,
    pub(crate) timeout: Duration,
    pub(crate) max_retries: u32,
    pub(crate) payload: Value,
    /// The event's own payload when a template made `payload` of it: what a retry renders again.
    pub(crate) source: Option<Value>,
    /// Why the delivery is not sent at all (its body past [`MAX_PAYLOAD`]; `payload` is then `null`): its
    /// one attempt fails so.
    pub(crate) unsendable: Option<String>,
    /// The log entry the first attempt fills in (a queued retry), instead of a new one.
    pub(crate) log_id: Option<String>,
    /// The number of the first attempt (1, or the retried attempt's plus one).
    pub(crate) first_attempt: u32,
    /// Told how the first attempt went (test-webhook answers with it).
    pub(crate) waiter: Option<Waiter>,
    /// The delivery this job makes attempts at ([`new_delivery`]): a retry asked for keeps its original's.
    pub(crate) delivery: u64,
    /// When its event happened on the emulator's clock (the default payload's `timestamp`, whatever a
    /// template makes of it): the deliveries one tick brings about are sent in that order.
    pub(crate) happened: String,
}

/// A number no other delivery of this process has: a delivery's attempts are told from another's by it,
/// not by their payload, which two deliveries share when the emulator's clock stands still.
pub(crate) fn new_delivery() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No secret, no header value.
        f.debug_struct("Job")
            .field("webhook_id", &self.webhook_id)
            .field("event", &self.event)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Who waits for a delivery's first attempt.
pub(crate) enum Waiter {
    Blocking(std::sync::mpsc::Sender<Attempt>),
    Async(oneshot::Sender<Attempt>),
}

impl Waiter {
    fn tell(self, attempt: Attempt) {
        match self {
            Self::Blocking(tx) => drop(tx.send(attempt)),
            Self::Async(tx) => drop(tx.send(attempt)),
        }
    }
}

/// How one attempt went.
#[derive(Clone, Debug, Default)]
pub(crate) struct Attempt {
    pub(crate) http_status: Option<u16>,
    pub(crate) response_body: Option<String>,
    pub(crate) response_headers: Option<BTreeMap<String, String>>,
    pub(crate) error: Option<String>,
    pub(crate) duration_ms: u64,
    /// When it began, on the emulator's clock (its log entry's `created_at`), if known.
    pub(crate) started_at: Option<String>,
}

impl Attempt {
    pub(crate) fn succeeded(&self) -> bool {
        self.http_status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// One attempt as a webhook's logs list it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LogEntry {
    pub(crate) id: String,
    pub(crate) webhook_id: String,
    pub(crate) event: String,
    pub(crate) attempt: u32,
    pub(crate) status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) http_status: Option<u16>,
    pub(crate) request_payload: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) response_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) response_headers: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) duration_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) delivered_at: Option<String>,
    pub(crate) created_at: String,
    /// What a retry of this entry re-sends.
    #[serde(skip)]
    pub(crate) resend: Option<Resend>,
    /// The delivery it is an attempt at ([`Job::delivery`]).
    #[serde(skip)]
    pub(crate) delivery: u64,
}

/// What a retry needs beyond the webhook's current settings.
#[derive(Clone, Debug)]
pub(crate) struct Resend {
    pub(crate) payload: Value,
}

/// The handle on the delivery thread. Dropping it ends the thread (deliveries under way are dropped).
#[derive(Debug)]
pub(crate) struct Deliveries {
    jobs: mpsc::UnboundedSender<Job>,
    /// How many deliveries handed over are not over yet, by the state that made them.
    outstanding: Outstanding,
}

/// How many deliveries handed over are not over yet (their last attempt made, or dropped), by the state
/// that made them ([`State::born`](crate::state::State::born)): after a reset, an attempt of the state
/// before still in flight is not the new state's.
#[derive(Clone, Debug, Default)]
struct Outstanding(Arc<Mutex<HashMap<u64, usize>>>);

impl Outstanding {
    fn add(&self, born: u64, count: usize) {
        if count > 0 {
            *lock(&self.0).entry(born).or_default() += count;
        }
    }

    fn of(&self, born: u64) -> usize {
        lock(&self.0).get(&born).copied().unwrap_or_default()
    }

    /// The count of one job of `born`, taken off when the guard is dropped: when its delivery is over,
    /// however it ends.
    fn guard(&self, born: u64) -> Counted {
        Counted { outstanding: self.clone(), born }
    }
}

/// One delivery counted in [`Outstanding`], until it is dropped.
struct Counted {
    outstanding: Outstanding,
    born: u64,
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut counts = lock(&self.outstanding.0);
        if let Some(count) = counts.get_mut(&self.born) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&self.born);
            }
        }
    }
}

impl Deliveries {
    /// Starts the delivery thread, which logs on `state` and ticks its clock while it exists.
    /// Deliveries go where `reach` allows.
    pub(crate) fn start(state: Weak<Mutex<State>>, reach: Reach) -> std::io::Result<Self> {
        let (jobs, mut incoming) = mpsc::unbounded_channel::<Job>();
        let outstanding = Outstanding::default();
        let counted = outstanding.clone();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        std::thread::Builder::new().name("talkover-mock-deliveries".into()).spawn(move || {
            runtime.block_on(async move {
                let mut queues =
                    Queues { state: state.clone(), by_webhook: HashMap::new(), reach, outstanding: counted };
                let mut ticks = tokio::time::interval(TICK);
                loop {
                    tokio::select! {
                        job = incoming.recv() => match job {
                            Some(job) => queues.dispatch(job),
                            None => return,
                        },
                        _ = ticks.tick() => {
                            let Some(shared) = state.upgrade() else { return };
                            let mut locked = lock(&shared);
                            locked.tick();
                            let jobs = locked.take_outbox();
                            // Counted under the state's lock, so that a wait for the deliveries sees them
                            // either in the state or here.
                            queues.outstanding.add(locked.born(), jobs.len());
                            // Whatever was sent before this tick took the state is older: it goes first.
                            while let Ok(job) = incoming.try_recv() {
                                queues.dispatch(job);
                            }
                            drop(locked);
                            jobs.into_iter().for_each(|job| queues.dispatch(job));
                        }
                    }
                }
            });
        })?;
        Ok(Self { jobs, outstanding })
    }

    /// Hands jobs to the delivery thread. Call it with the state locked, so that the thread sees events
    /// in the order the state emitted them.
    pub(crate) fn send(&self, jobs: impl IntoIterator<Item = Job>) {
        for job in jobs {
            let born = job.born;
            self.outstanding.add(born, 1);
            // The thread only stops once this handle is dropped.
            if let Err(mpsc::error::SendError(job)) = self.jobs.send(job) {
                drop(self.outstanding.guard(job.born));
            }
        }
    }

    /// How many deliveries the state `born` made are not over yet: queued, being attempted, or waiting
    /// to be tried again. Read with the state locked, with the state's own outbox, for every delivery due.
    pub(crate) fn outstanding(&self, born: u64) -> usize {
        self.outstanding.of(born)
    }
}

/// Where deliveries may go.
#[derive(Clone, Debug, Default)]
pub(crate) struct Reach {
    /// Whether deliveries may go to public addresses.
    pub(crate) public: bool,
    /// The port the emulator's server listens on (0 while it listens nowhere): no delivery goes to this
    /// machine at that port.
    pub(crate) own_port: Arc<AtomicU16>,
}

/// Where a webhook's deliveries wait, each with its count among those not over.
type Queue = mpsc::UnboundedSender<(Job, Counted)>;

/// One queue of deliveries per webhook, so that a webhook receives its events in the order they
/// happened (a call's start before its end); a test delivery, which its caller waits for, goes at once.
/// A queue is the webhook's in one state ([`State::born`](crate::state::State::born)): after a reset, a
/// webhook that has an old one's id (ids start again) has a queue of its own, so that its deliveries never
/// wait behind an attempt of the state before still in flight (to a receiver that never answers).
struct Queues {
    state: Weak<Mutex<State>>,
    /// Each webhook's queue, with how many deliveries wait in it.
    by_webhook: HashMap<(u64, String), (Queue, Arc<AtomicUsize>)>,
    reach: Reach,
    /// [`Deliveries::outstanding`]: each job is counted off once its delivery is over.
    outstanding: Outstanding,
}

impl Queues {
    fn dispatch(&mut self, job: Job) {
        let counted = self.outstanding.guard(job.born);
        if job.waiter.is_some() {
            tokio::spawn(deliver(job, counted, self.state.clone(), self.reach.clone()));
            return;
        }
        // The queues of states before this job's are let go: each ends once its attempt in flight has. So are
        // drained ones (a deleted webhook's among them): a webhook's next delivery starts a new one.
        self.by_webhook.retain(|(born, _), (_, waiting)| *born >= job.born && waiting.load(Ordering::Relaxed) > 0);
        let key = (job.born, job.webhook_id.clone());
        let job = match self.by_webhook.get(&key) {
            Some((queue, waiting))
                if waiting.load(Ordering::Relaxed) >= MAX_QUEUED_DELIVERIES && !queue.is_closed() =>
            {
                // Logged once the state is free (this may run with it locked): a task of this thread's,
                // which runs after this turn of its loop.
                let state = self.state.clone();
                tokio::spawn(async move {
                    if let Some(shared) = state.upgrade() {
                        lock(&shared).withdraw(&job, "not sent: the receiver keeps too many deliveries waiting");
                    }
                    drop(counted);
                });
                return;
            }
            Some((queue, waiting)) => {
                waiting.fetch_add(1, Ordering::Relaxed);
                match queue.send((job, counted)) {
                    Ok(()) => return,
                    Err(mpsc::error::SendError(job)) => {
                        waiting.fetch_sub(1, Ordering::Relaxed);
                        job
                    }
                }
            }
            None => (job, counted),
        };
        let (queue, mut jobs) = mpsc::unbounded_channel::<(Job, Counted)>();
        let waiting = Arc::new(AtomicUsize::new(1));
        let (state, reach, left) = (self.state.clone(), self.reach.clone(), waiting.clone());
        tokio::spawn(async move {
            while let Some((job, counted)) = jobs.recv().await {
                deliver(job, counted, state.clone(), reach.clone()).await;
                left.fetch_sub(1, Ordering::Relaxed);
            }
        });
        let _ = queue.send(job);
        self.by_webhook.insert(key, (queue, waiting));
    }
}

/// Delivers one job: attempts until one succeeds or the retries run out, logging each.
/// `counted` is its count among the deliveries not over, dropped as it ends (before a test delivery's
/// caller hears of it, so that its caller then finds it over).
async fn deliver(mut job: Job, counted: Counted, state: Weak<Mutex<State>>, reach: Reach) {
    let body = Bytes::from(serde_json::to_vec(&job.payload).unwrap_or_default());
    // Not sent, and not tried again: sent again, it would be as large.
    let retries = if job.unsendable.is_some() { 0 } else { job.max_retries.min(MAX_RETRIES) };
    for n in 0..=retries {
        // A webhook disabled or deleted since the event was queued receives nothing more of it, retries
        // included. A test delivery, which its caller waits for, goes as asked. Under the same lock: when
        // the attempt begins, on the emulator's clock.
        let started_at = match state.upgrade() {
            Some(shared) => {
                let mut locked = lock(&shared);
                // Queued before the emulator was reset: the webhook it was for is gone with its state,
                // whatever webhook has its id now.
                if job.waiter.is_none() && locked.born() != job.born {
                    return;
                }
                if job.waiter.is_none() && !locked.delivers_to(&job.webhook_id) {
                    locked.withdraw(&job, "not sent: the webhook is disabled");
                    return;
                }
                Some(locked.clock().timestamp())
            }
            None if job.waiter.is_none() => return,
            None => None,
        };
        let started = Instant::now();
        let timeout = job.timeout.clamp(Duration::from_millis(1), MAX_TIMEOUT);
        let sending = async {
            match &job.unsendable {
                Some(reason) => Err(reason.clone()),
                None => send(&job, body.clone(), &reach).await,
            }
        };
        let mut attempt = match tokio::time::timeout(timeout, sending).await {
            Ok(Ok(answered)) => answered,
            Ok(Err(error)) => Attempt { error: Some(error), ..Attempt::default() },
            // The reference's words for it (test-webhook's "Webhook test failed: Connection timeout").
            Err(_) => Attempt { error: Some("Connection timeout".to_owned()), ..Attempt::default() },
        };
        attempt.duration_ms = started.elapsed().as_millis() as u64;
        attempt.started_at = started_at;
        let last = attempt.succeeded() || n == retries;
        if let Some(shared) = state.upgrade() {
            let mut locked = lock(&shared);
            if locked.born() == job.born {
                locked.record_attempt(&job, job.first_attempt + n, &attempt, last);
            }
        }
        job.log_id = None;
        if last {
            drop(counted);
            // A test's caller hears of the delivery's outcome: its last attempt.
            if let Some(waiter) = job.waiter.take() {
                waiter.tell(attempt);
            }
            return;
        }
        tokio::time::sleep(pause_after(n)).await;
    }
}

/// Whether a delivery to `ip` needs `--public-webhooks`: anything but loopback, private (RFC 1918,
/// shared address space, IPv6 unique local) or unspecified, which is where a test environment (a
/// container network, a VM's host) reaches a receiver. Link-local addresses (169.254.0.0/16, fe80::/10)
/// need it too: cloud metadata services answer there, and a delivery's answer is kept in its log for
/// any client of the emulator to read; so do the two metadata addresses inside the allowed ranges.
fn is_public(ip: IpAddr) -> bool {
    use std::net::{Ipv4Addr, Ipv6Addr};
    // Metadata services that answer inside the ranges a test environment uses: Alibaba Cloud's in the
    // shared address space, AWS's IPv6 one among the unique local addresses.
    const METADATA_V4: [Ipv4Addr; 1] = [Ipv4Addr::new(100, 100, 100, 200)];
    const METADATA_V6: [Ipv6Addr; 1] = [Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)];
    match ip {
        IpAddr::V4(v4) if METADATA_V4.contains(&v4) => true,
        IpAddr::V6(v6) if METADATA_V6.contains(&v6) => true,
        IpAddr::V4(v4) => {
            let shared = v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64; // 100.64.0.0/10
            !(v4.is_loopback() || v4.is_private() || v4.is_unspecified() || shared)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let unique_local = (v6.segments()[0] & 0xfe00) == 0xfc00; // fc00::/7
                !(v6.is_loopback() || v6.is_unspecified() || unique_local)
            }
        },
    }
}

/// Whether a connection to `ip` reaches the emulator's listener, which is on 127.0.0.1 alone: that address,
/// or the unspecified `0.0.0.0`, which a client connects to as this machine's; written as IPv6 too
/// (`::ffff:127.0.0.1`). Another loopback address (`127.0.0.2`, `::1`) is another listener's, maybe a
/// user's receiver on the same port number.
fn is_the_emulators(ip: IpAddr) -> bool {
    let listened = |v4: std::net::Ipv4Addr| v4 == std::net::Ipv4Addr::LOCALHOST || v4.is_unspecified();
    match ip {
        IpAddr::V4(v4) => listened(v4),
        IpAddr::V6(v6) => v6.to_ipv4_mapped().is_some_and(listened),
    }
}

/// The pause after a delivery's attempt `n` (from 0) failed, before the next.
pub(crate) fn pause_after(n: u32) -> Duration {
    Duration::from_millis(200) * (n + 1)
}

/// One HTTP request to the webhook's URL, where `reach` allows.
async fn send(job: &Job, body: Bytes, reach: &Reach) -> Result<Attempt, String> {
    let uri: http::Uri = job.url.parse().map_err(|e| format!("not a URL: {e}"))?;
    if !uri.scheme_str().is_some_and(|scheme| scheme.eq_ignore_ascii_case("http")) {
        return Err("the emulator delivers to http:// URLs only".into());
    }
    let host = uri.host().ok_or("the URL has no host")?.trim_matches(['[', ']']).to_owned();
    let port = uri.port_u16().unwrap_or(80);
    // Host and port only: credentials in the URL are never repeated in a header or a log.
    let authority = match uri.port_u16() {
        Some(port) => format!("{}:{port}", uri.host().unwrap_or_default()),
        None => uri.host().unwrap_or_default().to_owned(),
    };
    // Not to the emulator itself: its port on an address that reaches its listener (`127.0.0.1`, `0.0.0.0`)
    // is left out of those a name resolves to, and a name that leads there alone is refused. `localhost`
    // may lead to `::1` too, where a receiver of the user's may listen on the same port number.
    let own_port = reach.own_port.load(Ordering::Relaxed);
    let itself = || {
        format!(
            "{authority} is the emulator's own address: the emulator does not deliver to itself (a delivery to \
             its own API would bring about another, without end)"
        )
    };
    let mut found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|e| format!("cannot resolve {authority}: {e}"))?
        .collect();
    let resolved = found.len();
    found.retain(|a| own_port == 0 || a.port() != own_port || !is_the_emulators(a.ip()));
    if resolved > 0 && found.is_empty() {
        return Err(itself());
    }
    let addresses: Vec<SocketAddr> = found.into_iter().filter(|a| reach.public || !is_public(a.ip())).collect();
    if addresses.is_empty() {
        return Err(format!(
            "{authority} is no loopback or private address: the emulator delivers to those only, \
             link-local ones not included (--public-webhooks, ServerBuilder::public_webhooks, to deliver \
             anywhere)"
        ));
    }
    let stream = tokio::net::TcpStream::connect(&addresses[..])
        .await
        .map_err(|e| format!("cannot connect to {authority}: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .map_err(|e| format!("cannot talk HTTP to {authority}: {e}"))?;
    tokio::spawn(connection);
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = http::Request::builder()
        .method(job.method.clone())
        .uri(path)
        .header(http::header::HOST, authority)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::USER_AGENT, format!("{USER_AGENT_PREFIX}{}", env!("CARGO_PKG_VERSION")))
        .header(EVENT_HEADER, job.event.as_str());
    let own = |name: &str| OWN_HEADERS.iter().any(|own| own.eq_ignore_ascii_case(name.trim()));
    for (name, value) in job.headers.iter().filter(|(name, _)| !own(name)) {
        request = request.header(name.as_str(), value.expose_secret());
    }
    if let Some(secret) = job.secret.as_ref().filter(|s| !s.expose_secret().is_empty()) {
        request = request.header(SIGNATURE_HEADER, talkover_core::webhook_delivery::sign(secret, &body));
    }
    let request = request.body(Full::new(body)).map_err(|e| format!("cannot build the request: {e}"))?;
    let response = sender.send_request(request).await.map_err(|e| format!("no answer: {e}"))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
        .collect();
    let error = (!(200..300).contains(&status))
        .then(|| response.status().canonical_reason().unwrap_or("unsuccessful answer").to_owned());
    let text =
        first_bytes(response.into_body(), MAX_RESPONSE).await.map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    Ok(Attempt {
        http_status: Some(status),
        response_body: text,
        response_headers: Some(headers),
        error,
        ..Attempt::default()
    })
}

/// The first `limit` bytes of a receiver's answer (a longer one is cut there and read no further), or
/// `None` when it breaks off before its end or the limit.
async fn first_bytes(mut body: hyper::body::Incoming, limit: usize) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    // Bounded: the delivery's timeout wraps it, and it ends at the limit.
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.ok()?.into_data() {
            let room = limit - bytes.len();
            bytes.extend_from_slice(&data[..data.len().min(room)]);
            if bytes.len() == limit {
                break;
            }
        }
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::{is_public, is_the_emulators};

    #[test]
    fn deliveries_go_to_test_networks_but_not_to_link_local_addresses() {
        for local in
            ["127.0.0.1", "10.1.2.3", "172.17.0.2", "192.168.1.5", "100.64.0.1", "::1", "fd00::1", "::ffff:10.0.0.1"]
        {
            assert!(!is_public(local.parse().unwrap()), "{local}");
        }
        for outside in [
            "169.254.169.254",
            "fe80::1",
            "::ffff:169.254.169.254",
            "100.100.100.200",
            "fd00:ec2::254",
            "93.184.216.34",
            "2606:2800::1",
        ] {
            assert!(is_public(outside.parse().unwrap()), "{outside}");
        }
    }

    #[test]
    fn the_emulators_listener_is_reached_at_127_0_0_1_and_the_unspecified_address() {
        for local in ["127.0.0.1", "0.0.0.0", "::ffff:127.0.0.1", "::ffff:0.0.0.0"] {
            assert!(is_the_emulators(local.parse().unwrap()), "{local}");
        }
        // Other loopback addresses are other listeners' (a receiver on `::1` at the same port number).
        for other in ["127.0.0.2", "::1", "::", "10.0.0.1", "fd00::1", "::ffff:10.0.0.1", "93.184.216.34"] {
            assert!(!is_the_emulators(other.parse().unwrap()), "{other}");
        }
    }
}
