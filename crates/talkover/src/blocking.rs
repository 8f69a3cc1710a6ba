//! The blocking client: the same operations and handlers, with no async runtime.

use std::sync::Arc;

use std::time::Instant;

use talkover_core::{
    build_request, decode_response, decode_with_response, BlockingTransport, ClientConfig, Error, HttpResponse,
    Operation, Output, PagedOperation, RetryPolicy, WithResponse,
};

use talkover_core::execute::Execute;

/// The blocking builder's type.
pub type ClientBuilder = crate::builder::ClientBuilder<Arc<dyn BlockingTransport>>;

/// The blocking Talkover client. Cheap to clone: clones share the connection pool.
///
/// ```no_run
/// # fn run() -> Result<(), talkover::Error> {
/// let client = talkover::blocking::Client::from_env()?;
/// client.agents().actions("550e8400-e29b-41d4-a716-446655440000").delete("action-uuid-1")?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    config: ClientConfig,
    transport: Arc<dyn BlockingTransport>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("blocking::Client").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for this token on the production API, with the default transport.
    pub fn new(token: impl Into<talkover_core::SecretString>) -> Result<Self, Error> {
        Self::builder().token(token).build()
    }

    /// A client configured from `TALKOVER_TOKEN` and, when set, `TALKOVER_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().from_env()?.build()
    }

    /// A client on any blocking transport (a closure in tests, your own HTTP stack in production), with
    /// the default retry policy.
    pub fn with_transport(config: ClientConfig, transport: impl BlockingTransport + 'static) -> Self {
        Self { inner: Arc::new(Inner { config, transport: Arc::new(transport), retry: RetryPolicy::default() }) }
    }

    /// A client that shares this one's connections and retry budget but retries by `policy`: use it for
    /// one call (`client.with_retry_policy(RetryPolicy::none()).agents().get(..)`) or keep it.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Self {
        let mut inner = (*self.inner).clone();
        inner.retry = policy.sharing_budget_of(&self.inner.retry);
        Self { inner: Arc::new(inner) }
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The configuration requests are built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Runs any operation, retrying as the client's policy allows.
    pub fn execute<O: Operation>(&self, operation: O) -> Result<Output<O>, Error> {
        // An answer may echo the token: it never reaches the caller's error.
        self.send(&operation).and_then(decode_response::<O>).map_err(|e| self.inner.config.redact(e))
    }

    /// Runs any operation and keeps the answer's status and headers (rate limits, request id) beside the
    /// value.
    pub fn execute_with_response<O: Operation>(&self, operation: O) -> Result<WithResponse<Output<O>>, Error> {
        // An answer may echo the token: it never reaches the caller's error.
        self.send(&operation).and_then(decode_with_response::<O>).map_err(|e| self.inner.config.redact(e))
    }

    fn send<O: Operation>(&self, operation: &O) -> Result<HttpResponse, Error> {
        let _span = tracing::debug_span!("talkover", operation = O::ID).entered();
        let mut retries = 0;
        loop {
            let request = build_request(operation, &self.inner.config)?;
            let started = Instant::now();
            let result = self.inner.transport.send(request);
            let decision = crate::attempts::after_attempt::<O>(&self.inner.retry, retries, started, &result);
            match crate::attempts::retry_delay(decision) {
                Some(delay) => std::thread::sleep(delay),
                None => return result.map_err(Error::from),
            }
            retries += 1;
        }
    }
}

impl ClientBuilder {
    /// Sends requests through this transport instead of the built-in one.
    pub fn transport(mut self, transport: impl BlockingTransport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let config = self.client_config()?;
        let transport = match self.transport {
            Some(transport) => transport,
            None => default_transport(&self)?,
        };
        Ok(Client { inner: Arc::new(Inner { config, transport, retry: self.retry.clone() }) })
    }
}

#[cfg(any(feature = "ureq", feature = "ureq-native-tls"))]
fn default_transport(builder: &ClientBuilder) -> Result<Arc<dyn BlockingTransport>, Error> {
    let mut settings = talkover_ureq::UreqConfig::default();
    settings.connect_timeout = Some(builder.connect_timeout);
    settings.timeout = Some(builder.timeout);
    settings.max_response_bytes = builder.max_response_bytes;
    Ok(Arc::new(talkover_ureq::UreqTransport::with_config(&settings)))
}

#[cfg(not(any(feature = "ureq", feature = "ureq-native-tls")))]
fn default_transport(_: &ClientBuilder) -> Result<Arc<dyn BlockingTransport>, Error> {
    Err(crate::builder::config_error(
        "transport",
        "no built-in blocking transport: enable the `ureq` feature or pass one with `transport`",
    ))
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
        Items { client: self.clone(), next: Some(operation), buffer: Vec::new().into_iter() }
    }
}

/// Every item of a list operation, fetched page by page as the iterator advances.
#[must_use = "iterators do nothing unless advanced"]
pub struct Items<O: PagedOperation> {
    client: Client,
    next: Option<O>,
    buffer: std::vec::IntoIter<O::Item>,
}

impl<O: PagedOperation> Iterator for Items<O> {
    type Item = Result<O::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.next() {
                return Some(Ok(item));
            }
            let op = self.next.take()?;
            match self.client.execute(op.clone()) {
                Ok(page) => {
                    if let Some(next) = page.next_page() {
                        let mut op = op;
                        op.set_page(next);
                        self.next = Some(op);
                    }
                    self.buffer = page.items.into_iter();
                }
                Err(error) => return Some(Err(error)),
            }
        }
    }
}
