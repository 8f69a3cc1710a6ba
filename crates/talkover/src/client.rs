//! The async client.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use talkover_core::{
    build_request, decode_response, decode_with_response, ClientConfig, Error, HttpResponse, Operation, Output, Page,
    PagedOperation, RetryPolicy, Transport, WithResponse,
};
use tracing::Instrument;

use crate::builder::ClientBuilder;
use talkover_core::execute::Execute;

/// A boxed future, as handler methods of the async client return.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// The async Talkover client. Cheap to clone: clones share the connection pool.
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
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    config: ClientConfig,
    transport: Arc<dyn Transport>,
    retry: RetryPolicy,
    sleep: Option<Sleep>,
}

/// How the async client waits between attempts.
pub type Sleep = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

#[cfg(any(feature = "reqwest", feature = "reqwest-native-tls"))]
fn default_sleep() -> Option<Sleep> {
    Some(Arc::new(|delay| Box::pin(tokio::time::sleep(delay))))
}

#[cfg(not(any(feature = "reqwest", feature = "reqwest-native-tls")))]
fn default_sleep() -> Option<Sleep> {
    None
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("config", &self.inner.config).finish_non_exhaustive()
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder<Arc<dyn Transport>> {
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

    /// A client on any transport (a closure in tests, your own HTTP stack in production), with the
    /// default retry policy.
    pub fn with_transport(config: ClientConfig, transport: impl Transport + 'static) -> Self {
        let inner =
            Inner { config, transport: Arc::new(transport), retry: RetryPolicy::default(), sleep: default_sleep() };
        Self { inner: Arc::new(inner) }
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
    pub async fn execute<O: Operation>(&self, operation: O) -> Result<Output<O>, Error> {
        // An answer may echo the token: it never reaches the caller's error.
        self.send(&operation).await.and_then(decode_response::<O>).map_err(|e| self.inner.config.redact(e))
    }

    /// Runs any operation and keeps the answer's status and headers (rate limits, request id) beside the
    /// value.
    pub async fn execute_with_response<O: Operation>(&self, operation: O) -> Result<WithResponse<Output<O>>, Error> {
        // An answer may echo the token: it never reaches the caller's error.
        self.send(&operation).await.and_then(decode_with_response::<O>).map_err(|e| self.inner.config.redact(e))
    }

    async fn send<O: Operation>(&self, operation: &O) -> Result<HttpResponse, Error> {
        let span = tracing::debug_span!("talkover", operation = O::ID);
        async {
            let mut retries = 0;
            loop {
                let request = build_request(operation, &self.inner.config)?;
                let started = Instant::now();
                let result = self.inner.transport.send(request).await;
                let decision = crate::attempts::after_attempt::<O>(&self.inner.retry, retries, started, &result);
                match (crate::attempts::retry_delay(decision), &self.inner.sleep) {
                    (Some(delay), Some(sleep)) => sleep(delay).await,
                    (Some(delay), None) if delay.is_zero() => {}
                    _ => return result.map_err(Error::from),
                }
                retries += 1;
            }
        }
        .instrument(span)
        .await
    }
}

impl ClientBuilder<Arc<dyn Transport>> {
    /// How to wait between attempts, for a client without the `reqwest` feature (which waits on tokio).
    /// Without one, such a client retries only when no wait is needed.
    pub fn sleep(
        mut self,
        sleep: impl Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync + 'static,
    ) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// Sends requests through this transport instead of the built-in one.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
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
        let sleep = self.sleep.clone().or_else(default_sleep);
        Ok(Client { inner: Arc::new(Inner { config, transport, retry: self.retry.clone(), sleep }) })
    }
}

#[cfg(any(feature = "reqwest", feature = "reqwest-native-tls"))]
fn default_transport(builder: &ClientBuilder<Arc<dyn Transport>>) -> Result<Arc<dyn Transport>, Error> {
    let mut settings = talkover_reqwest::ReqwestConfig::default();
    settings.connect_timeout = Some(builder.connect_timeout);
    settings.timeout = Some(builder.timeout);
    settings.max_response_bytes = builder.max_response_bytes;
    Ok(Arc::new(talkover_reqwest::ReqwestTransport::with_config(&settings)?))
}

#[cfg(not(any(feature = "reqwest", feature = "reqwest-native-tls")))]
fn default_transport(_: &ClientBuilder<Arc<dyn Transport>>) -> Result<Arc<dyn Transport>, Error> {
    Err(crate::builder::config_error(
        "transport",
        "no built-in async transport: enable the `reqwest` feature or pass one with `transport`",
    ))
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
        let client = self.clone();
        Box::pin(async move { client.execute(operation).await })
    }

    fn call_then<O, T>(&self, operation: O, then: fn(Result<Output<O>, Error>) -> Result<T, Error>) -> BoxFuture<T>
    where
        O: Operation + 'static,
        Output<O>: Send + 'static,
        T: Send + 'static,
    {
        let client = self.clone();
        Box::pin(async move { then(client.execute(operation).await) })
    }

    fn items<O>(&self, operation: O) -> ItemStream<O>
    where
        O: PagedOperation + Send + 'static,
        O::Item: Send + 'static,
    {
        ItemStream { client: self.clone(), next: Some(operation), pending: None, buffer: Vec::new().into_iter() }
    }
}

/// Every item of a list operation, fetched page by page as the stream is polled.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<O: PagedOperation> {
    client: Client,
    next: Option<O>,
    pending: Option<BoxFuture<Page<O::Item>>>,
    buffer: std::vec::IntoIter<O::Item>,
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
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(pending) = this.pending.as_mut() {
                let page = match pending.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(page) => page,
                };
                this.pending = None;
                match page {
                    Ok(page) => {
                        if let (Some(next), Some(op)) = (page.next_page(), this.next.as_mut()) {
                            op.set_page(next);
                        } else {
                            this.next = None;
                        }
                        this.buffer = page.items.into_iter();
                        continue;
                    }
                    Err(error) => {
                        this.next = None;
                        return Poll::Ready(Some(Err(error)));
                    }
                }
            }
            match this.next.clone() {
                Some(op) => this.pending = Some(this.client.call(op)),
                None => return Poll::Ready(None),
            }
        }
    }
}
