//! The blocking client: the same operations and handlers, with no async runtime.
//!
//! Its built-in transport is ureq, with the `ureq` feature (off by default: `features = ["ureq"]`, or
//! `ureq-native-tls`). Without it, a client needs a transport of yours
//! ([`ClientBuilder::transport`](crate::builder::ClientBuilder::transport)), and building one without it
//! fails with an `Error::Config` naming `transport`.

use std::sync::Arc;
use std::time::Duration;

use talkover_core::{BlockingTransport, Error, Operation, Output, PagedOperation, Paginator, WithResponse};

use crate::builder::Side;
use crate::client_core::{client_api, span, Answer, ClientCore, Next, Wait};
#[cfg(feature = "registry")]
use crate::client_core::{span_of, Registered};
use talkover_core::execute::Execute;
#[cfg(feature = "registry")]
use talkover_core::registry::{OperationInfo, Params};

/// The blocking client's builder ([`Client::builder`]). Its settings (token, base URL, timeouts, retries,
/// user agent, transport) are the methods of [`crate::builder::ClientBuilder`].
pub type ClientBuilder = crate::builder::ClientBuilder<Arc<dyn BlockingTransport>>;

/// The blocking Talkover client. Cheap to clone: clones share the connection pool. Its built-in transport
/// needs the `ureq` feature (off by default); without it, give one with `builder().transport(..)`. It blocks
/// the thread it runs on, its waits between retries included: from async code, call it inside
/// `tokio::task::spawn_blocking`, never on a runtime's own threads.
///
/// Logging: ureq's `ureq_proto` crate writes every byte it sends and reads at the `log` crate's TRACE
/// level, the `Authorization` header and an answer's secrets included. Keep that target at DEBUG or
/// quieter wherever TRACE is on for everything (`RUST_LOG=trace,ureq_proto=debug`); the SDK's own events
/// record no token, header value or body.
///
/// ```no_run
/// # fn run() -> Result<(), talkover::Error> {
/// let client = talkover::blocking::Client::from_env()?;
/// client.agents().actions("550e8400-e29b-41d4-a716-446655440000").delete("action-uuid")?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientCore<dyn BlockingTransport, ThreadSleep>>,
}

client_api!(
    Client,
    "blocking::Client",
    ClientBuilder,
    BlockingTransport,
    "blocking ",
    any(feature = "ureq", feature = "ureq-native-tls"),
    "`ureq` (or `ureq-native-tls`)",
    "the blocking client has no built-in transport without the `ureq` feature: this fails when run; turn the \
     feature on, or give a transport with `builder().transport(..)`"
);

/// The blocking client waits between attempts by sleeping the thread, or with the builder's
/// [`sleep`](ClientBuilder::sleep).
#[derive(Clone)]
pub(crate) struct ThreadSleep(Option<Arc<dyn Fn(Duration) + Send + Sync>>);

impl Wait for ThreadSleep {
    fn default_wait() -> Self {
        Self(None)
    }

    fn can_wait(&self, _: Duration) -> bool {
        true
    }
}

impl Client {
    /// Runs any operation, retrying as the client's policy allows.
    pub fn execute<O: Operation>(&self, operation: O) -> Result<Output<O>, Error> {
        let _span = span::<O>().entered();
        self.inner.output::<O>(self.send_call(&operation)).map_err(|e| self.inner.without_secrets_of(&operation, e))
    }

    /// Runs any operation and keeps the answer's status and headers (rate limits, request id) beside the
    /// value.
    pub fn execute_with_response<O: Operation>(&self, operation: O) -> Result<WithResponse<Output<O>>, Error> {
        let _span = span::<O>().entered();
        self.inner
            .output_with_response::<O>(self.send_call(&operation))
            .map_err(|e| self.inner.without_secrets_of(&operation, e))
    }

    /// Runs a registry operation from its JSON parameters (path parameters by placeholder name, query
    /// parameters by documented name, the body), retrying as the client's policy allows for that operation
    /// (never an operation that is not safe to repeat, unless the answer proves it was not processed).
    /// The value is the answer's JSON body as the server wrote it, once decoding it through the
    /// operation's types has shown it is the documented answer: fields the API adds stay, none is made
    /// up (an answer that does not decode is an `Error::Decode`, its raw body kept).
    ///
    /// For tools that work from an operation id rather than from Rust types (command lines, scripts):
    ///
    /// ```no_run
    /// # fn run(client: talkover::blocking::Client) -> Result<(), talkover::Error> {
    /// use talkover::registry::{self, Params};
    /// let op = registry::operation("get-agent").expect("a known operation");
    /// let mut params = Params::default();
    /// params.path.insert("agent_id".into(), "550e8400-e29b-41d4-a716-446655440000".into());
    /// let answer = client.execute_registered(op, &params)?;
    /// println!("{} {}", answer.status, answer.value);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "registry")]
    #[cfg_attr(docsrs, doc(cfg(feature = "registry")))]
    pub fn execute_registered(
        &self,
        operation: &OperationInfo,
        params: &Params,
    ) -> Result<WithResponse<serde_json::Value>, Error> {
        let _span = span_of(operation).entered();
        let call = Registered { operation, params };
        let answer = self.send_call(&call);
        self.inner.registered_output(operation, answer).map_err(|e| self.inner.without_secrets_of(&call, e))
    }

    /// Waits `delay` before an attempt: on the builder's `sleep`, else by sleeping the thread.
    fn pause(&self, delay: Duration) {
        match &self.inner.wait().0 {
            Some(sleep) => sleep(delay),
            None => std::thread::sleep(delay),
        }
    }

    fn send_call<C: crate::client_core::Call + ?Sized>(&self, operation: &C) -> Answer {
        let mut attempts = self.inner.attempts(operation);
        loop {
            let request = match attempts.request() {
                Ok(request) => request,
                Err(error) => return attempts.refused(error),
            };
            if let Some(wait) = attempts.turn() {
                self.pause(wait);
                attempts.waited();
            }
            match attempts.after(self.inner.transport().send(request)) {
                Next::Retry(delay, withdrawal) => {
                    self.pause(delay);
                    withdrawal.spent();
                }
                Next::Done(answer) => return answer,
            }
        }
    }
}

/// The blocking builder's own setting is its [`sleep`](ClientBuilder::sleep); its built-in transport is
/// ureq.
impl Side for Arc<dyn BlockingTransport> {
    type Settings = Option<Arc<dyn Fn(Duration) + Send + Sync>>;

    #[cfg(ureq_transport)]
    fn default_transport(builder: &ClientBuilder) -> Result<Self, Error> {
        let mut settings = talkover_ureq::UreqConfig::default();
        settings.connect_timeout = Some(builder.builtin_connect_timeout());
        settings.timeout = Some(builder.builtin_timeout());
        settings.max_response_bytes = builder.builtin_max_response_bytes();
        settings.proxy_from_env = builder.builtin_proxy_from_env();
        Ok(Arc::new(talkover_ureq::UreqTransport::with_config(&settings)))
    }

    #[cfg(not(ureq_transport))]
    fn default_transport(_: &ClientBuilder) -> Result<Self, Error> {
        Err(crate::builder::config_error(
            "transport",
            "no built-in blocking transport: enable the `ureq` feature or pass one with `transport`",
        ))
    }
}

impl ClientBuilder {
    /// How to wait between attempts instead of sleeping the thread: called with each wait the client
    /// decides on (a `Retry-After`, a backoff) before the next attempt, which follows when it returns. For
    /// tests that check a retry's wait without waiting it, or a worker that waits its own way (watching a
    /// shutdown signal, say). The client's bounds on its retries (`max_elapsed`, `max_retry_after`) are
    /// reckoned as before, from the waits it asks for.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// let waits = Arc::new(Mutex::new(Vec::new()));
    /// let seen = waits.clone();
    /// let client = talkover::blocking::Client::builder()
    ///     .token("talq_test")
    ///     .sleep(move |delay| seen.lock().unwrap().push(delay))
    ///     # .transport(|_: talkover::HttpRequest| -> Result<talkover::HttpResponse, talkover::TransportError> { unreachable!() })
    ///     .build()?;
    /// # Ok::<(), talkover::Error>(())
    /// ```
    pub fn sleep(mut self, sleep: impl Fn(Duration) + Send + Sync + 'static) -> Self {
        self.side = Some(Arc::new(sleep));
        self
    }

    /// Sends requests through this transport instead of the built-in one. The transport keeps its own
    /// timeouts and answer limit: [`timeout`](Self::timeout), [`connect_timeout`](Self::connect_timeout)
    /// and [`max_response_bytes`](Self::max_response_bytes) are for the built-in transport, and
    /// [`build`](Self::build) refuses them beside this one.
    pub fn transport(mut self, transport: impl BlockingTransport + 'static) -> Self {
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
    /// transport at all (`transport`: neither one given nor the `ureq` feature's built-in one).
    pub fn build(self) -> Result<Client, Error> {
        self.check_transport_settings()?;
        Ok(Client { inner: Arc::new(ClientCore::build(self, ThreadSleep)?) })
    }
}

impl Execute for Client {
    type Call<T: Send + 'static> = Result<T, Error>;
    type Items<O: PagedOperation + Send + 'static>
        = Items<O>
    where
        O::Item: Send + 'static;

    fn call<O>(&self, operation: O) -> Result<Output<O>, Error>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
    {
        self.execute(operation)
    }

    fn call_with_response<O>(&self, operation: O) -> Result<WithResponse<Output<O>>, Error>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
    {
        self.execute_with_response(operation)
    }

    fn call_then<O, T>(&self, operation: O, then: fn(Result<Output<O>, Error>) -> Result<T, Error>) -> Result<T, Error>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
        T: Send + 'static,
    {
        then(self.execute(operation))
    }

    fn items<O>(&self, operation: O) -> Items<O>
    where
        O: PagedOperation + Send + 'static,
        O::Item: Send + 'static,
    {
        Items { client: self.clone(), pages: Paginator::new(operation) }
    }
}

/// Every item of a list operation, fetched page by page as the iterator advances: a blocking driver of a
/// [`Paginator`].
#[must_use = "iterators do nothing unless advanced"]
pub struct Items<O: PagedOperation> {
    client: Client,
    pages: Paginator<O>,
}

impl<O: PagedOperation> std::fmt::Debug for Items<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").field("operation", &O::ID).finish_non_exhaustive()
    }
}

impl<O: PagedOperation> Items<O> {
    /// After an error ended the list: the request of the page that failed, to go on from later with
    /// `client.items(operation.clone())` (with `use talkover::Execute`), the items already read kept. `None`
    /// before.
    pub fn failed_operation(&self) -> Option<&O> {
        self.pages.failed_operation()
    }
}

impl<O: PagedOperation> Iterator for Items<O> {
    type Item = Result<O::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pages.next_item() {
                return Some(Ok(item));
            }
            let operation = self.pages.next_operation()?;
            if let Err(error) = self.pages.on_page(self.client.execute(operation)) {
                return Some(Err(error));
            }
        }
    }
}
