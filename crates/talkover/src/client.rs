//! The async client.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use talkover_core::{Error, Operation, Output, Page, PagedOperation, Paginator, Transport, WithResponse};
use tracing::Instrument;

use crate::builder::{ClientBuilder, Side};
use crate::client_core::{client_api, span, Answer, ClientCore, Next, Wait};
use talkover_core::execute::Execute;

/// A boxed future, as handler methods of the async client return.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// The async Talkover client. Cheap to clone: clones share the connection pool. Build one client per Tokio
/// runtime: reqwest keeps an idle connection on the runtime that opened it.
///
/// # Panics
///
/// Its calls need a Tokio runtime with both its drivers (`#[tokio::main]`, or a builder with
/// `enable_all()`): on one with its I/O or its timer alone, reqwest panics, and so does Tokio's timer,
/// which the client waits on between attempts unless the builder is given a `sleep` (on any transport,
/// a fake of a test's included: a retry, or a pacer's turn, on a runtime without its timer panics).
/// Awaited outside Tokio, a call on the built-in transport fails at once, unsent, as a transport error of
/// kind `NoRuntime`.
///
/// ```no_run
/// # async fn run() -> Result<(), talkover::Error> {
/// let client = talkover::Client::from_env()?;
/// let agent = client.agents().unpublish("550e8400-e29b-41d4-a716-446655440000").await?;
/// println!("{} is now {:?}", agent.id, agent.current_status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientCore<dyn Transport, AsyncWait>>,
}

client_api!(
    Client,
    "Client",
    ClientBuilder<Arc<dyn Transport>>,
    Transport,
    "",
    any(feature = "reqwest", feature = "reqwest-native-tls"),
    "`reqwest` (or `reqwest-native-tls`)",
    "the async client has no built-in transport without the `reqwest` feature: this fails when run; turn the \
     feature on, or give a transport with `builder().transport(..)`"
);

/// How the async client waits between attempts.
pub type Sleep = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// What only the async client holds: its sleep function, if it has one (without one it retries only when
/// no wait is needed), and its built-in transport when it runs on it.
#[derive(Clone)]
pub(crate) struct AsyncWait {
    sleep: Option<Sleep>,
    /// Called directly rather than through `dyn Transport`, whose `send` boxes each request's future.
    #[cfg(reqwest_transport)]
    builtin: Option<talkover_reqwest::ReqwestTransport>,
    /// Whether `sleep` is the default one, Tokio's.
    #[cfg(reqwest_transport)]
    tokio_sleep: bool,
}

impl AsyncWait {
    fn new(sleep: Option<Sleep>) -> Self {
        Self {
            sleep,
            #[cfg(reqwest_transport)]
            builtin: None,
            #[cfg(reqwest_transport)]
            tokio_sleep: false,
        }
    }
}

impl Wait for AsyncWait {
    fn default_wait() -> Self {
        #[allow(unused_mut)]
        let mut wait = Self::new(default_sleep());
        #[cfg(reqwest_transport)]
        {
            wait.tokio_sleep = true;
        }
        wait
    }

    fn can_wait(&self, delay: Duration) -> bool {
        if delay.is_zero() {
            return true;
        }
        // The default sleep is Tokio's, which panics outside a Tokio runtime (a call polled on another
        // executor): there, the attempt's result stands.
        #[cfg(reqwest_transport)]
        if self.tokio_sleep && tokio::runtime::Handle::try_current().is_err() {
            return false;
        }
        self.sleep.is_some()
    }
}

#[cfg(reqwest_transport)]
fn default_sleep() -> Option<Sleep> {
    Some(Arc::new(|delay| Box::pin(tokio::time::sleep(delay))))
}

#[cfg(not(reqwest_transport))]
fn default_sleep() -> Option<Sleep> {
    None
}

impl Client {
    /// A wait of `delay` on this client's sleep; `None` where it has none it can use here (no sleep set
    /// without the built-in transport, or Tokio's outside a Tokio runtime).
    pub(crate) fn pause(&self, delay: Duration) -> Option<Pin<Box<dyn Future<Output = ()> + Send>>> {
        let wait = self.inner.wait();
        if !wait.can_wait(delay) {
            return None;
        }
        wait.sleep.as_ref().map(|sleep| sleep(delay))
    }

    /// Runs any operation, retrying as the client's policy allows. The future holds a clone of the client
    /// and borrows nothing, so it can be spawned (`tokio::spawn(client.execute(op))`).
    pub fn execute<O: Operation>(
        &self,
        operation: O,
    ) -> impl Future<Output = Result<Output<O>, Error>> + Send + use<O> {
        self.clone().run(operation, ClientCore::output::<O>)
    }

    /// Runs any operation and keeps the answer's status and headers (rate limits, request id) beside the
    /// value. Its future borrows nothing, as [`execute`](Self::execute)'s.
    pub fn execute_with_response<O: Operation>(
        &self,
        operation: O,
    ) -> impl Future<Output = Result<WithResponse<Output<O>>, Error>> + Send + use<O> {
        self.clone().run(operation, ClientCore::output_with_response::<O>)
    }

    /// One call, on a client it owns so that the future borrows nothing: the attempts, then `finish` on
    /// the last answer.
    ///
    /// The retry loop, the transport's future and the decoding make one state machine. A plain `fn`
    /// returning it rather than an `async fn` awaiting a helper's future: every level of futures is one
    /// more copy of the level below it, and these copies, not the work, were most of what this client
    /// cost over a hand-written reqwest call (see BENCHMARKS.md).
    fn run<O, T, F>(self, operation: O, finish: F) -> impl Future<Output = Result<T, Error>>
    where
        O: Operation,
        F: FnOnce(&ClientCore<dyn Transport, AsyncWait>, Answer) -> Result<T, Error>,
    {
        async move {
            let mut attempts = self.inner.attempts(&operation);
            let answer = loop {
                let request = match attempts.request() {
                    Ok(request) => request,
                    Err(error) => break attempts.refused(error),
                };
                if let Some(wait) = attempts.turn() {
                    if let Some(sleep) = &self.inner.wait().sleep {
                        sleep(wait).await;
                    }
                    attempts.waited();
                }
                let in_flight = InFlight::<O>::armed();
                #[cfg(reqwest_transport)]
                let result = match &self.inner.wait().builtin {
                    Some(builtin) => builtin.send_request(request).await,
                    None => self.inner.transport().send(request).await,
                };
                #[cfg(not(reqwest_transport))]
                let result = self.inner.transport().send(request).await;
                in_flight.landed();
                match attempts.after(result) {
                    Next::Retry(delay, withdrawal) => {
                        if let Some(sleep) = &self.inner.wait().sleep {
                            sleep(delay).await;
                        }
                        withdrawal.spent();
                    }
                    Next::Done(answer) => break answer,
                }
            };
            finish(&self.inner, answer).map_err(|error| self.inner.without_secrets_of(&operation, error))
        }
        .instrument(span::<O>())
    }
}

/// A request in flight. Of an operation not safe to repeat, a call dropped with it (its future dropped: a
/// `tokio::time::timeout` or `select!` around it, a cancelled handler) may have been carried out, and no
/// error can say so to anyone: dropped before it [`landed`](Self::landed), it says so at WARN, in the
/// call's span (one safe to repeat, at DEBUG, so that the span does not end without a word). A client's own timeout (`with_timeout`) returns an error that says it instead. Dropped
/// while the call waits to retry, it has landed: the attempt before was one that may be made again. The
/// transport does not say when its request leaves, so a call dropped while its connection was still being
/// opened is reported too: "may have", never "was".
///
/// One byte in the call's future (its operation is known from its type), which padding usually holds.
struct InFlight<O: Operation> {
    armed: bool,
    operation: PhantomData<fn() -> O>,
}

impl<O: Operation> InFlight<O> {
    /// For a request of `O`, as it is sent.
    fn armed() -> Self {
        Self { armed: true, operation: PhantomData }
    }

    /// The transport answered (or failed): the call's result says what became of the request.
    fn landed(mut self) {
        self.armed = false;
    }
}

impl<O: Operation> Drop for InFlight<O> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        if O::SAFE_TO_REPEAT {
            // Nothing to act on, but the call's span would otherwise end with no word of how.
            tracing::debug!(operation = O::ID, "talkover call dropped while its request was in flight");
        } else {
            tracing::warn!(
                operation = O::ID,
                "the call was dropped while its request was in flight: the API may have carried it out; check \
                 before repeating it (a client's own timeout, `with_timeout`, returns an error that says so)"
            );
        }
    }
}

/// The async builder's own setting (how to wait between attempts) and its built-in transport (reqwest).
impl Side for Arc<dyn Transport> {
    type Settings = Option<Sleep>;

    #[cfg(reqwest_transport)]
    fn default_transport(builder: &ClientBuilder<Self>) -> Result<Self, Error> {
        Ok(Arc::new(builtin_transport(builder)?))
    }

    #[cfg(not(reqwest_transport))]
    fn default_transport(_: &ClientBuilder<Self>) -> Result<Self, Error> {
        Err(crate::builder::config_error(
            "transport",
            "no built-in async transport: enable the `reqwest` feature or pass one with `transport`",
        ))
    }
}

impl ClientBuilder<Arc<dyn Transport>> {
    /// How to wait between attempts: the future is awaited with each wait the client decides on (a
    /// `Retry-After`, a backoff) before the next attempt. With the `reqwest` feature the client waits on
    /// Tokio's timer unless this is set; without it, a client given no sleep retries only when no wait is
    /// needed. For a runtime of another kind, and for tests that check a retry's wait without waiting it
    /// (a future that records the delay and is ready at once; the client's `max_elapsed` counts the waits
    /// it asked for, not the time they took).
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// let waits = Arc::new(Mutex::new(Vec::new()));
    /// let seen = waits.clone();
    /// let client = talkover::Client::builder()
    ///     .token("talq_test")
    ///     .sleep(move |delay| {
    ///         seen.lock().unwrap().push(delay);
    ///         Box::pin(std::future::ready(()))
    ///     })
    ///     # .transport(|_: talkover::HttpRequest| async {
    ///     #     Err::<talkover::HttpResponse, _>(talkover::TransportError::new(talkover::TransportErrorKind::Other, ""))
    ///     # })
    ///     .build()?;
    /// # Ok::<(), talkover::Error>(())
    /// ```
    pub fn sleep(
        mut self,
        sleep: impl Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync + 'static,
    ) -> Self {
        self.side = Some(Arc::new(sleep));
        self
    }

    /// Sends requests through this transport instead of the built-in one. The transport keeps its own
    /// timeouts and answer limit: [`timeout`](Self::timeout), [`connect_timeout`](Self::connect_timeout)
    /// and [`max_response_bytes`](Self::max_response_bytes) are for the built-in transport, and
    /// [`build`](Self::build) refuses them beside this one.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// `Error::Config`, naming the setting at fault: no token, a token or base URL it cannot use, a
    /// timeout or limit of zero, `timeout`, `connect_timeout` or `max_response_bytes` set beside a
    /// transport given with [`transport`](Self::transport) (set those on that transport instead), or no
    /// transport at all (`transport`: neither one given nor the `reqwest` feature's built-in one).
    pub fn build(self) -> Result<Client, Error> {
        self.check_transport_settings()?;
        let builder = self;
        // With no transport given, the built-in one, made below: the core is told its bound afterwards, as
        // it is handed the transport made.
        let builtin_timeout = builder.transport.is_none().then(|| builder.builtin_timeout());
        #[cfg(reqwest_transport)]
        let (builtin, builder) = match builder.transport {
            Some(_) => (None, builder),
            None => {
                let builtin = builtin_transport(&builder)?;
                (Some(builtin.clone()), builder.transport(builtin))
            }
        };
        let core = ClientCore::build(builder, |sleep| {
            #[allow(unused_mut)]
            let mut side = match sleep {
                Some(sleep) => AsyncWait::new(Some(sleep)),
                None => AsyncWait::default_wait(),
            };
            #[cfg(reqwest_transport)]
            {
                side.builtin = builtin;
            }
            side
        })?;
        let core = match builtin_timeout {
            Some(timeout) => core.on_builtin_transport(timeout),
            None => core,
        };
        Ok(Client { inner: Arc::new(core) })
    }
}

#[cfg(reqwest_transport)]
fn builtin_transport(builder: &ClientBuilder<Arc<dyn Transport>>) -> Result<talkover_reqwest::ReqwestTransport, Error> {
    let mut settings = talkover_reqwest::ReqwestConfig::default();
    settings.connect_timeout = Some(builder.builtin_connect_timeout());
    settings.timeout = Some(builder.builtin_timeout());
    settings.max_response_bytes = builder.builtin_max_response_bytes();
    settings.proxy_from_env = builder.builtin_proxy_from_env();
    Ok(talkover_reqwest::ReqwestTransport::with_config(&settings)?)
}

impl Execute for Client {
    type Call<T: Send + 'static> = BoxFuture<T>;
    type Items<O: PagedOperation + Send + 'static>
        = ItemStream<O>
    where
        O::Item: Send + 'static;

    fn call<O>(&self, operation: O) -> BoxFuture<Output<O>>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
    {
        // One future for the whole call: the client and the operation move into `run`'s future, with no
        // async block around it to copy the answer through.
        Box::pin(self.clone().run(operation, ClientCore::output::<O>))
    }

    fn call_with_response<O>(&self, operation: O) -> BoxFuture<WithResponse<Output<O>>>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
    {
        Box::pin(self.clone().run(operation, ClientCore::output_with_response::<O>))
    }

    fn call_then<O, T>(&self, operation: O, then: fn(Result<Output<O>, Error>) -> Result<T, Error>) -> BoxFuture<T>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
        T: Send + 'static,
    {
        Box::pin(self.clone().run(operation, move |core, answer| then(core.output::<O>(answer))))
    }

    fn items<O>(&self, operation: O) -> ItemStream<O>
    where
        O: PagedOperation + Send + 'static,
        O::Item: Send + 'static,
    {
        ItemStream { client: self.clone(), pages: Paginator::new(operation), pending: None }
    }
}

/// Every item of a list operation, fetched page by page as the stream is polled: an async driver of a
/// [`Paginator`], returned by `.items()` on the async client.
///
/// It is a [`futures_core::Stream`] (re-exported as [`talkover::Stream`](crate::Stream)), so any stream
/// combinator works on it; it needs none, though: [`ItemStream::next`] gives the next item and
/// [`ItemStream::try_collect`] gathers them all.
///
/// ```no_run
/// use talkover::agents::AgentStatus;
///
/// # async fn run() -> Result<(), talkover::Error> {
/// let client = talkover::Client::from_env()?;
/// let mut agents = client.agents().list().status(AgentStatus::Published).items();
/// while let Some(agent) = agents.next().await {
///     println!("{}", agent?.name);
/// }
/// let every_campaign = client.campaigns().list().items().try_collect().await?;
/// println!("{} campaigns", every_campaign.len());
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<O: PagedOperation> {
    client: Client,
    pages: Paginator<O>,
    pending: Option<BoxFuture<Page<O::Item>>>,
}

impl<O: PagedOperation> std::fmt::Debug for ItemStream<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream").field("operation", &O::ID).finish_non_exhaustive()
    }
}

impl<O> ItemStream<O>
where
    O: PagedOperation + Send + 'static,
    O::Item: Send + 'static,
{
    /// The next item: `None` once the list is done, and after an error (which ends the list).
    ///
    /// Cancel-safe: its future dropped (a `select!` branch not taken, a `timeout` around it), the page it
    /// was reading stays in flight in the stream, and the next `next()` goes on with it; no item is lost,
    /// repeated, or read twice from the API.
    pub async fn next(&mut self) -> Option<Result<O::Item, Error>> {
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut *self), cx)).await
    }

    /// After an error ended the list: the request of the page that failed, to go on from later with
    /// `client.items(operation.clone())` (with `use talkover::Execute`), the items already read kept.
    /// `None` before.
    pub fn failed_operation(&self) -> Option<&O> {
        self.pages.failed_operation()
    }

    /// Every remaining item, in order; the first error ends the list and is returned instead.
    pub async fn try_collect(mut self) -> Result<Vec<O::Item>, Error> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

// No field is pinned structurally: the pending future is boxed.
impl<O: PagedOperation> Unpin for ItemStream<O> {}

impl<O> futures_core::Stream for ItemStream<O>
where
    O: PagedOperation + Send + 'static,
    O::Item: Send + 'static,
{
    type Item = Result<O::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(pending) = this.pending.as_mut() {
                let page = ready!(pending.as_mut().poll(cx));
                this.pending = None;
                if let Err(error) = this.pages.on_page(page) {
                    return Poll::Ready(Some(Err(error)));
                }
            }
            if let Some(item) = this.pages.next_item() {
                return Poll::Ready(Some(Ok(item)));
            }
            match this.pages.next_operation() {
                Some(operation) => this.pending = Some(this.client.call(operation)),
                None => return Poll::Ready(None),
            }
        }
    }
}
