//! The core both clients share: their state, their construction, their retry loop's decisions and the
//! redaction of their errors. The async client (`client.rs`) and the blocking one (`blocking.rs`) keep only
//! what differs: awaiting or blocking on the transport, and how to wait between attempts.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use talkover_core::http::Method;
#[cfg(feature = "registry")]
use talkover_core::registry::{OperationInfo, Params};
use talkover_core::{
    build_request, decode_response, ClientConfig, Error, HttpRequest, HttpResponse, Operation, Output, RetryPolicy,
    SecretString, TransportError, WithResponse,
};

use talkover_core::error::status_may_have_taken_effect;
use talkover_core::rate_limit::Pacer;
use talkover_core::retry::{StopReason, Withdrawal};
use talkover_core::transport::CallContext;
use tracing::field::Empty;

use crate::attempts::after_attempt;
use crate::builder::{ClientBuilder, Side};

/// How a client waits between attempts, as far as its retry loop must know.
pub(crate) trait Wait: Clone {
    /// How a client built with `with_transport` waits.
    fn default_wait() -> Self;

    /// Whether the client can wait `delay` before the next attempt (if not, the attempt's result stands).
    fn can_wait(&self, delay: Duration) -> bool;
}

/// A client's state, on a transport `T` (`dyn Transport` or `dyn BlockingTransport`), waiting between
/// attempts with `W`. Each client holds one behind an `Arc`, so cloning a client is one reference count.
pub(crate) struct ClientCore<T: ?Sized, W> {
    config: ClientConfig,
    transport: Arc<T>,
    /// The built-in transport's bound on an exchange (the builder's `timeout`); `None` on a transport
    /// given whole, which keeps its own.
    transport_timeout: Option<Duration>,
    retry: RetryPolicy,
    wait: W,
    /// The pacer the builder was given, shared with whatever else spends the same rate limit.
    pacer: Option<Arc<Pacer>>,
}

// Not derived: that would ask for `T: Clone`, and `T` is a trait object.
impl<T: ?Sized, W: Clone> Clone for ClientCore<T, W> {
    fn clone(&self) -> Self {
        Self {
            config: self.config.clone(),
            transport: Arc::clone(&self.transport),
            transport_timeout: self.transport_timeout,
            retry: self.retry.clone(),
            wait: self.wait.clone(),
            pacer: self.pacer.clone(),
        }
    }
}

impl<T: ?Sized, W: Wait> ClientCore<T, W> {
    /// A core on this transport, with the default retry policy and way of waiting.
    pub(crate) fn new(config: ClientConfig, transport: Arc<T>) -> Self {
        let (retry, wait) = (RetryPolicy::default(), W::default_wait());
        Self { config, transport, transport_timeout: None, retry, wait, pacer: None }
    }

    /// A core as `builder` describes it, on the built-in transport unless the builder names one, waiting as
    /// `wait` makes of the builder's own settings.
    pub(crate) fn build(
        builder: ClientBuilder<Arc<T>>,
        wait: impl FnOnce(<Arc<T> as Side>::Settings) -> W,
    ) -> Result<Self, Error>
    where
        Arc<T>: Side,
    {
        let config = builder.client_config()?;
        let (transport, transport_timeout) = match builder.transport {
            Some(transport) => (transport, None),
            None => (Side::default_transport(&builder)?, Some(builder.builtin_timeout())),
        };
        // The default budget is the client's own: a policy given to many builders is not one for them all.
        let retry = builder.retry.for_new_client();
        let pacer = builder.pacer;
        Ok(Self { config, transport, transport_timeout, retry, wait: wait(builder.side), pacer })
    }

    /// This core, its transport the built-in one made with `timeout`.
    pub(crate) fn on_builtin_transport(mut self, timeout: Duration) -> Self {
        self.transport_timeout = Some(timeout);
        self
    }

    /// This core, retrying by `policy` while drawing on this one's retry budget.
    pub(crate) fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        let mut core = self.clone();
        // A client without a budget has none to share: a default budget the policy brings is the derived
        // client's own, as a built client's is.
        core.retry = match self.retry.shared_budget() {
            Some(_) => policy.sharing_budget_of(&self.retry),
            None => policy.for_new_client(),
        };
        core
    }

    /// This core with another configuration (another account's token, another base URL) on the same
    /// transport, with a retry budget of its own unless its budget was given to be shared, and a pacer of
    /// its own where this one has one (another account's limit is another limit).
    pub(crate) fn with_config(&self, config: ClientConfig) -> Self {
        let mut core = self.clone();
        core.config = config;
        core.retry = core.retry.clone().for_new_client();
        core.pacer = core.pacer.as_ref().map(|_| Arc::new(Pacer::new()));
        core
    }

    /// This core, its requests carrying a header of the caller's own.
    pub(crate) fn with_header(&self, name: &str, value: &str) -> Result<Self, Error> {
        let mut core = self.clone();
        core.config = core.config.with_header(name, value)?;
        Ok(core)
    }

    /// This core, its requests carrying `timeout` for the transport.
    pub(crate) fn with_timeout(&self, timeout: Duration) -> Self {
        let mut core = self.clone();
        core.config = core.config.with_timeout(timeout);
        core
    }

    pub(crate) fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The bound on each exchange: `with_timeout`'s, else the built-in transport's.
    pub(crate) fn timeout(&self) -> Option<Duration> {
        self.config.timeout().or(self.transport_timeout)
    }

    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    pub(crate) fn transport(&self) -> &T {
        &self.transport
    }

    pub(crate) fn wait(&self) -> &W {
        &self.wait
    }

    /// The attempts of one call of `operation` (a typed operation, or a [`Registered`] one).
    pub(crate) fn attempts<'c, C: Call + ?Sized>(&'c self, operation: &'c C) -> Attempts<'c, C, T, W> {
        let now = Instant::now();
        Attempts { core: self, operation, retries: 0, earlier_acted: false, began: now, started: now }
    }

    /// `error` without the secrets `operation`'s request carries (a webhook secret, a SIP password), which
    /// an answer may echo: the request is built again to find them, on this error path only.
    pub(crate) fn without_secrets_of<C: Call + ?Sized>(&self, operation: &C, error: Error) -> Error {
        let (_, secrets) = talkover_core::secret::carried_by(|| operation.build(&self.config));
        if secrets.is_empty() {
            return error;
        }
        // With the token again, in one pass: an excerpt of the body is cut anew with all of them hidden.
        let secrets: Vec<&str> = secrets.iter().map(SecretString::expose_secret).collect();
        self.config.redact_with(error, &secrets)
    }

    /// The caller's value from the last attempt's answer. An answer may echo the token: it never reaches
    /// the caller's error.
    ///
    /// Inlined into the call, with the decoding below it: each function the decoded value is returned
    /// through is one more copy of it (BENCHMARKS.md, "The tree the issue was filed on").
    #[inline(always)]
    pub(crate) fn output<O: Operation>(&self, answer: Answer) -> Result<Output<O>, Error> {
        answer.read(decode_response::<O>).map_err(|e| self.config.redact(e))
    }

    /// [`ClientCore::output`], keeping the answer's status and headers beside the value.
    pub(crate) fn output_with_response<O: Operation>(&self, answer: Answer) -> Result<WithResponse<Output<O>>, Error> {
        // The answer's head kept as it came, then marked once, with the token (`decode_with_response` would
        // mark it a first time by name alone).
        let decoded = answer.read(|response| {
            let (status, headers) = (response.status(), response.headers().clone());
            decode_response::<O>(response).map(|value| WithResponse::new(status, headers, value))
        });
        let mut output = decoded.map_err(|e| self.config.redact(e))?;
        self.config.hide_in_headers(&mut output.headers);
        Ok(output)
    }

    /// The answer of a registry operation, with the answer's status and headers: its JSON body as the
    /// server wrote it, once the operation's types have read it ([`OperationInfo::decode_received`]).
    #[cfg(feature = "registry")]
    pub(crate) fn registered_output(
        &self,
        operation: &OperationInfo,
        answer: Answer,
    ) -> Result<WithResponse<serde_json::Value>, Error> {
        let decoded = answer.read(|response| {
            let (status, headers) = (response.status(), response.headers().clone());
            operation.decode_received(response).map(|value| WithResponse::new(status, headers, value))
        });
        let mut output = decoded.map_err(|e| self.config.redact(e))?;
        self.config.hide_in_headers(&mut output.headers);
        Ok(output)
    }
}

/// What the retry loop needs of the thing it sends: a typed [`Operation`], or a [`Registered`] one.
pub(crate) trait Call {
    fn id(&self) -> &'static str;
    fn method(&self) -> Method;
    fn path(&self) -> &'static str;
    fn safe_to_repeat(&self) -> bool;
    fn dry_run(&self) -> bool;
    fn build(&self, config: &ClientConfig) -> Result<HttpRequest, Error>;
}

impl<O: Operation> Call for O {
    fn id(&self) -> &'static str {
        O::ID
    }
    fn method(&self) -> Method {
        O::METHOD
    }
    fn path(&self) -> &'static str {
        O::PATH
    }
    fn safe_to_repeat(&self) -> bool {
        O::SAFE_TO_REPEAT
    }
    fn dry_run(&self) -> bool {
        O::DRY_RUN
    }
    fn build(&self, config: &ClientConfig) -> Result<HttpRequest, Error> {
        build_request(self, config)
    }
}

/// A registry operation with its JSON parameters, sent through the same retry loop as a typed one.
#[cfg(feature = "registry")]
pub(crate) struct Registered<'a> {
    pub(crate) operation: &'a OperationInfo,
    pub(crate) params: &'a Params,
}

#[cfg(feature = "registry")]
impl Call for Registered<'_> {
    fn id(&self) -> &'static str {
        self.operation.id
    }
    fn method(&self) -> Method {
        self.operation.method.clone()
    }
    fn path(&self) -> &'static str {
        self.operation.path
    }
    fn safe_to_repeat(&self) -> bool {
        self.operation.safe_to_repeat
    }
    fn dry_run(&self) -> bool {
        self.operation.dry_run
    }
    fn build(&self, config: &ClientConfig) -> Result<HttpRequest, Error> {
        self.operation.build_request(self.params, config)
    }
}

/// Whether a call may change something on the server: not a read, nor a POST that is a dry run
/// ([`Operation::DRY_RUN`]: a flow checked, a callback setup checked, without saving either).
fn changes_something<C: Call + ?Sized>(call: &C) -> bool {
    let method = call.method();
    method != Method::GET && method != Method::HEAD && !call.dry_run()
}

/// The span a call of `O` runs in: `operation`, and once the call's attempts end, `attempts` (how many
/// were sent), and the last answer's `status` and `request_id` where it had them ([`record_outcome`]).
pub(crate) fn span<O: Operation>() -> tracing::Span {
    tracing::debug_span!(
        SPAN,
        operation = O::ID,
        attempts = Empty,
        status = Empty,
        request_id = Empty,
        "otel.name" = O::ID,
        "otel.kind" = "client"
    )
}

/// The span a call of a registry operation runs in, with the fields of [`span`]'s.
#[cfg(feature = "registry")]
pub(crate) fn span_of(operation: &OperationInfo) -> tracing::Span {
    tracing::debug_span!(
        SPAN,
        operation = operation.id,
        attempts = Empty,
        status = Empty,
        request_id = Empty,
        "otel.name" = operation.id,
        "otel.kind" = "client"
    )
}

/// The name of a call's span.
const SPAN: &str = "talkover";

/// Records the end of a call's attempts on its span: how many were sent, and the last one's status and
/// request id (without the client's token) where its answer gave them. Only on the call's own span: where
/// that is not recorded (its level filtered out), the current span is the caller's, whose fields of the
/// same names are not this call's to set. Found as the subscriber's current span, which tracing-subscriber's
/// registry (and so OpenTelemetry's layer on it) tracks; a subscriber that tracks none gets the attempts'
/// events without these fields. Holding the span in the call's future instead would make every call's
/// future larger, recorded or not.
fn record_outcome(result: Option<&Result<HttpResponse, TransportError>>, sent: u32, config: &ClientConfig) {
    // Nothing asks for the span (one atomic read, where finding the current span is a call into the
    // subscriber).
    if tracing::level_filters::LevelFilter::current() < tracing::Level::DEBUG {
        return;
    }
    let span = tracing::Span::current();
    if !span.metadata().is_some_and(|meta| meta.name() == SPAN && meta.target() == module_path!()) {
        return;
    }
    span.record("attempts", sent);
    let (status, request_id) = match result {
        Some(Ok(response)) => (Some(response.status()), talkover_core::error::request_id(response.headers())),
        Some(Err(error)) => (error.status(), error.request_id().map(str::to_owned)),
        None => (None, None),
    };
    if let Some(status) = status {
        span.record("status", status.as_u16());
    }
    if let Some(id) = request_id {
        span.record("request_id", config.hide_in_text(&id).as_str());
    }
}

/// The retry loop of one call, without its I/O: the client builds each attempt's request with
/// [`Attempts::request`], sends it, and hands the transport's result to [`Attempts::after`], which says
/// whether to wait and try again or what the call's answer is.
pub(crate) struct Attempts<'c, O: ?Sized, T: ?Sized, W> {
    core: &'c ClientCore<T, W>,
    operation: &'c O,
    retries: u32,
    /// Whether an attempt retried may have been carried out (see
    /// [`Error::earlier_attempt_may_have_taken_effect`]).
    earlier_acted: bool,
    /// When the call's first attempt began; moved back by what a wait fell short of on this machine's
    /// clock (see [`Attempts::request`]).
    began: Instant,
    /// When the attempt under way began; while the client waits to retry, when the wait ends.
    started: Instant,
}

/// What follows an attempt.
pub(crate) enum Next {
    /// Wait this long, then make another attempt, whose cost is drawn: spend it when the attempt is sent
    /// (dropped unspent, it goes back to the budget).
    Retry(Duration, Withdrawal),
    /// The call's answer.
    Done(Answer),
}

/// The answer of a call: its last attempt's result, and how many attempts were sent (an error says so, see
/// [`Error::attempts`]).
pub(crate) struct Answer {
    result: Result<HttpResponse, Error>,
    sent: u32,
    /// The operation's `SAFE_TO_REPEAT`, which its error records.
    safe: bool,
    /// Why no further attempt was made, which its error records.
    stopped: Option<StopReason>,
    /// Whether an earlier attempt may have been carried out, which its error records.
    earlier_acted: bool,
}

impl Answer {
    /// The caller's value, read from the answer by `decode`; an error, whichever step it comes from, says
    /// how many attempts were sent.
    #[inline(always)] // one move of the answer fewer (see `ClientCore::output`)
    fn read<T>(self, decode: impl FnOnce(HttpResponse) -> Result<T, Error>) -> Result<T, Error> {
        let (sent, safe, stopped, earlier_acted) = (self.sent, self.safe, self.stopped, self.earlier_acted);
        self.result.and_then(decode).map_err(|e| {
            // The call's outcome, in its span, beside its attempts' events: a failure after a 2xx (an answer
            // that could not be read, `"success": false`) shows here alone. No message: it may quote a value.
            tracing::debug!(
                kind = ?e.kind(),
                status = e.status().map(|status| status.as_u16()),
                attempts = sent,
                stop_reason = ?stopped,
                "talkover call failed"
            );
            let e = e.with_attempts(sent).with_safe_to_repeat(safe);
            let e = if earlier_acted { e.with_earlier_attempt_may_have_taken_effect() } else { e };
            match stopped {
                Some(reason) => e.with_stop_reason(reason),
                None => e,
            }
        })
    }
}

impl<O: Call + ?Sized, T: ?Sized, W: Wait> Attempts<'_, O, T, W> {
    /// The wait for this attempt's turn on the client's pacer, if it has one, asks for any, and the client
    /// can wait here (async: a sleep it can use): at most what the call's `max_elapsed` leaves, after which
    /// the attempt goes (and meets the limit itself). Asked once the request is built, so that a request
    /// the SDK refuses fails at once. After waiting it, [`waited`](Self::waited).
    pub(crate) fn turn(&mut self) -> Option<Duration> {
        let pacer = self.core.pacer.as_deref()?;
        let now = Instant::now();
        // The call's own clock: a retry's wait that ended before its time (a test's sleep, Tokio's paused
        // clock) runs to its end there, so the hold the same answer set is not waited a second time.
        let from = self.started.max(now);
        self.count_short_wait(now);
        let wait = pacer.turn(from);
        let left = self.core.retry.max_elapsed.map(|max| max.saturating_sub(self.began.elapsed()));
        let wait = left.map_or(wait, |left| wait.min(left));
        if wait.is_zero() || !self.core.wait.can_wait(wait) {
            return None;
        }
        // As after a retry's wait: one that ends early, on a clock of its own, counts whole.
        self.started = now + wait;
        Some(wait)
    }

    /// After waiting the [`turn`](Self::turn)'s wait.
    pub(crate) fn waited(&mut self) {
        self.count_short_wait(Instant::now());
    }

    /// The request of the next attempt.
    pub(crate) fn request(&mut self) -> Result<HttpRequest, Error> {
        let mut request = self.operation.build(&self.core.config)?;
        // For a transport given to the client, which may wrap another; the built-in ones do not read it,
        // and a request of theirs is spared the extension's allocations.
        if self.core.transport_timeout.is_none() {
            let (id, safe) = (self.operation.id(), self.operation.safe_to_repeat());
            request.extensions_mut().insert(CallContext::new(id, self.retries + 1, safe));
        }
        // With a pacer, its turn counts the wait before it (see `turn`).
        if self.core.pacer.is_none() {
            self.count_short_wait(Instant::now());
        }
        Ok(request)
    }

    /// At `now`, after a wait that was to end at `started`: a wait that ended before its time on this
    /// machine's clock ran on a clock of its own (Tokio's, paused in a test, or a test's `sleep`): the
    /// call's time so far counts it whole, so `max_elapsed` holds there as in a service (and the future
    /// holds no field more for it).
    fn count_short_wait(&mut self, now: Instant) {
        if let Some(short) = self.started.checked_duration_since(now) {
            self.began = self.began.checked_sub(short).unwrap_or(self.began);
        }
        self.started = now;
    }

    /// Decides what follows the attempt that ended with `result`, and traces it.
    pub(crate) fn after(&mut self, result: Result<HttpResponse, TransportError>) -> Next {
        if let (Some(pacer), Ok(response)) = (&self.core.pacer, &result) {
            pacer.observe(response.status(), response.headers(), response.body(), Instant::now(), SystemTime::now());
        }
        let times = (self.began.elapsed(), self.started);
        let can_wait = |delay| self.core.wait.can_wait(delay);
        let (policy, config) = (&self.core.retry, &self.core.config);
        match after_attempt(self.operation, (policy, config), self.retries, times, &result, can_wait) {
            Ok((delay, withdrawal)) => {
                self.started = Instant::now() + delay;
                // A retry of a request that changes something, after an attempt that may have been
                // carried out: what the next attempts answer may follow from it.
                if changes_something(self.operation) {
                    self.earlier_acted |= match &result {
                        Ok(response) => status_may_have_taken_effect(response.status()),
                        Err(e) => e.status().map_or(!e.certainly_not_sent(), status_may_have_taken_effect),
                    };
                }
                self.retries += 1;
                Next::Retry(delay, withdrawal)
            }
            Err(stopped) => {
                record_outcome(Some(&result), self.retries + 1, config);
                let id = self.operation.id();
                let result = result.map_err(|e| Error::from(e.with_operation(id)));
                let safe = self.operation.safe_to_repeat();
                let earlier_acted = self.earlier_acted;
                Next::Done(Answer { result, sent: self.retries + 1, safe, stopped, earlier_acted })
            }
        }
    }

    /// The answer of a call whose next request could not be built: the attempts sent before it.
    pub(crate) fn refused(&self, error: Error) -> Answer {
        record_outcome(None, self.retries, &self.core.config);
        let safe = self.operation.safe_to_repeat();
        Answer { result: Err(error), sent: self.retries, safe, stopped: None, earlier_acted: self.earlier_acted }
    }
}

/// The public methods both clients share, each a thin wrapper of [`ClientCore`]: `$client` is the client
/// type (with an `inner: Arc<ClientCore<dyn $transport, _>>` field), `$name` its name in `Debug`,
/// `$builder` its builder type, `$kind` the word that names its kind of transport in the docs, and
/// `$builtin` the features under which it has a built-in transport, which its `new` and `from_env` need
/// (`$missing` says so where it has none).
macro_rules! client_api {
    (
        $client:ident, $name:literal, $builder:ty, $transport:path, $kind:literal, $builtin:meta, $feature:literal,
        $missing:literal
    ) => {
        impl ::std::fmt::Debug for $client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct($name)
                    .field("config", self.inner.config())
                    .field("timeout", &self.inner.timeout())
                    .field("retry", self.inner.retry_policy())
                    .finish_non_exhaustive()
            }
        }

        impl $client {
            /// A builder.
            pub fn builder() -> $builder {
                <$builder>::default()
            }

            /// A client for this token on the production API, with the built-in transport.
            #[doc = concat!("Only with the ", $feature, " feature, which brings that transport: without it, this")]
            /// and [`from_env`](Self::from_env) are deprecated, a warning at compile time of what fails when
            /// run; give a transport of your own with `builder().transport(..)` or
            /// [`with_transport`](Self::with_transport).
            ///
            /// # Errors
            ///
            /// [`Error::Config`](::talkover_core::Error::Config) naming the setting at fault: `token` (empty,
            /// or written with its `Bearer ` prefix), or `transport` without the feature.
            #[cfg_attr(not($builtin), deprecated(note = $missing))]
            #[cfg_attr(docsrs, doc(cfg($builtin)))]
            pub fn new(token: impl Into<::talkover_core::SecretString>) -> Result<Self, ::talkover_core::Error> {
                Self::builder().token(token).build()
            }

            /// A client configured from `TALKOVER_TOKEN` and, when set, `TALKOVER_BASE_URL`, with the built-in
            #[doc = concat!("transport: only with the ", $feature, " feature, as [`new`](Self::new).")]
            ///
            /// # Errors
            ///
            /// [`Error::Config`](::talkover_core::Error::Config) naming the setting at fault: `token`
            /// (unset or empty), `base_url` (set but empty, or one it cannot use), or `transport` without the
            /// feature.
            #[cfg_attr(not($builtin), deprecated(note = $missing))]
            #[cfg_attr(docsrs, doc(cfg($builtin)))]
            pub fn from_env() -> Result<Self, ::talkover_core::Error> {
                Self::builder().from_env()?.build()
            }

            #[doc = concat!("A client on any ", $kind, "transport (a closure in tests, your own HTTP stack in")]
            /// production), with the default retry policy.
            pub fn with_transport(config: ::talkover_core::ClientConfig, transport: impl $transport + 'static) -> Self {
                let transport: ::std::sync::Arc<dyn $transport> = ::std::sync::Arc::new(transport);
                Self { inner: ::std::sync::Arc::new($crate::client_core::ClientCore::new(config, transport)) }
            }

            /// A client that shares this one's connections and retry budget but retries by `policy`: use it
            /// for one call (`client.with_retry_policy(RetryPolicy::none()).agents().get(..)`) or keep it.
            /// `policy` replaces the whole policy, the builder's `max_elapsed` included: to change one
            /// setting and keep the others, start from this client's
            /// (`client.with_retry_policy(client.retry_policy().clone().max_retries(5))`). A budget in
            /// `policy` gives way to this client's; where this client has none, it is the policy's (its
            /// default budget made the derived client's own, one given with `RetryPolicy::budget` shared).
            pub fn with_retry_policy(&self, policy: ::talkover_core::RetryPolicy) -> Self {
                Self { inner: ::std::sync::Arc::new(self.inner.with_retry_policy(policy)) }
            }

            /// A client that shares this one's connections, retry policy and budget but bounds each attempt's
            /// whole exchange by `timeout` in place of the transport's bound: for a call known to be slow
            /// (`client.with_timeout(Duration::from_secs(300)).campaigns().list()`), or one that should give up
            /// sooner than the others (with `with_retry_policy(RetryPolicy::none())` too, or each retry has
            /// the whole of it again; `RetryPolicy::max_elapsed` starts no retry whose wait would end past it,
            /// but does not cut an attempt short).
            /// Honoured by the built-in transports, and by a transport of your own that reads
            /// [`RequestTimeout`](::talkover_core::transport::RequestTimeout). `Duration::ZERO` sets no bound
            /// of its own: the transport's applies.
            pub fn with_timeout(&self, timeout: ::std::time::Duration) -> Self {
                Self { inner: ::std::sync::Arc::new(self.inner.with_timeout(timeout)) }
            }

            /// A client of another account, on this one's transport (its connections, and with a transport of
            /// your own, the same one) with its base URL, application name, headers, timeouts and retry policy,
            /// and a retry budget of its own (unless this one's was given to be shared, with
            /// [`RetryPolicy::budget`](::talkover_core::RetryPolicy::budget)), and a pacer of its own where
            /// this one was given one (another account's rate limit is another limit): for a service that holds many
            /// accounts' tokens, one client an account, without a connection pool and TLS set-up each. What
            /// one account's calls meet (a 429, an outage that spends its retry budget) does not hold up
            /// another's.
            ///
            /// # Errors
            ///
            /// [`Error::Config`](::talkover_core::Error::Config) naming `token`, refused as
            /// [`new`](Self::new) refuses it; the message never holds the token.
            pub fn with_token(
                &self,
                token: impl Into<::talkover_core::SecretString>,
            ) -> Result<Self, ::talkover_core::Error> {
                Ok(self.with_config(self.inner.config().clone().with_token(token)?))
            }

            /// A client that builds its requests with `config` (its token, base URL, `User-Agent`, headers
            /// and timeout) on this one's transport, with this one's retry policy and a retry budget of its
            /// own, as [`with_token`](Self::with_token) has: for an account on another base URL. Start from
            /// this client's [`config`](Self::config) to keep its other settings:
            /// `client.with_config(client.config().clone().with_token(token)?.with_base_url(sandbox))`.
            /// The transport is this one's, with its proxying: a built-in transport made for a loopback
            /// base URL sends past the environment's proxy, one made for another host through it,
            /// whatever base URL the derived client has.
            pub fn with_config(&self, config: ::talkover_core::ClientConfig) -> Self {
                Self { inner: ::std::sync::Arc::new(self.inner.with_config(config)) }
            }

            /// A client that sends a header of your own with every request beside this one's (a
            /// correlation id for one piece of work, a tracing context), sharing this one's connections,
            /// retry policy and budget. What is refused, and how the value is kept out of `Debug` and errors:
            /// [`ClientConfig::with_header`](::talkover_core::ClientConfig::with_header).
            ///
            /// # Errors
            ///
            /// [`Error::Config`](::talkover_core::Error::Config) naming `header`.
            pub fn with_header(&self, name: &str, value: &str) -> Result<Self, ::talkover_core::Error> {
                Ok(Self { inner: ::std::sync::Arc::new(self.inner.with_header(name, value)?) })
            }

            /// The retry policy.
            pub fn retry_policy(&self) -> &::talkover_core::RetryPolicy {
                self.inner.retry_policy()
            }

            /// The configuration requests are built with.
            pub fn config(&self) -> &::talkover_core::ClientConfig {
                self.inner.config()
            }

            /// The bound on each attempt's whole exchange: the one [`with_timeout`](Self::with_timeout) set,
            /// else the built-in transport's (the builder's `timeout`, 60 s by default). `None` for a
            /// transport given whole (`with_transport`, the builder's `transport`), which keeps its own.
            pub fn timeout(&self) -> Option<::std::time::Duration> {
                self.inner.timeout()
            }
        }
    };
}

pub(crate) use client_api;
