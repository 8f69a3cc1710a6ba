//! The async client.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use talkover_core::{
    build_request, decode_response, ClientConfig, Error, Operation, Output, Page, PagedOperation, Transport,
};

use crate::builder::ClientBuilder;
use crate::execute::{Execute, Sealed};

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

struct Inner {
    config: ClientConfig,
    transport: Arc<dyn Transport>,
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

    /// A client on any transport (a closure in tests, your own HTTP stack in production).
    pub fn with_transport(config: ClientConfig, transport: impl Transport + 'static) -> Self {
        Self { inner: Arc::new(Inner { config, transport: Arc::new(transport) }) }
    }

    /// The configuration requests are built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Runs any operation.
    pub async fn execute<O: Operation>(&self, operation: O) -> Result<Output<O>, Error> {
        let request = build_request(&operation, &self.inner.config)?;
        let response = self.inner.transport.send(request).await?;
        decode_response::<O>(response)
    }
}

impl ClientBuilder<Arc<dyn Transport>> {
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
        Ok(Client { inner: Arc::new(Inner { config, transport }) })
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

impl Sealed for Client {}

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
