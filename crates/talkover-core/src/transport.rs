//! What an HTTP client must do for the SDK: move one request's bytes and bring back the answer's.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::error::TransportError;

/// The default time to open a connection: 10 s. The facade's builder and both built-in transports start
/// from it.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time for one whole exchange, from sending to the last byte of the answer: 60 s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default limit on the size of an answer's body: 32 MiB. A larger answer is a transport error.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// Whether `error`, or an error it was caused by, is an `E`: for a transport that sorts its HTTP client's
/// errors by what lies under them (a TLS library's error, say). See [`find_cause`].
pub fn caused_by<E: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    find_cause::<E>(error).is_some()
}

/// The first `E` among `error` and the errors it was caused by. An `std::io::Error` is looked into too,
/// since its `source` skips the error it wraps. Follows at most 32 causes.
pub fn find_cause<'a, E: std::error::Error + 'static>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a E> {
    let mut next = Some(error);
    for _ in 0..32 {
        let cause = next?;
        if let Some(found) = cause.downcast_ref::<E>() {
            return Some(found);
        }
        let wrapped = cause.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref());
        if let Some(found) = wrapped.and_then(|inner| find_cause::<E>(inner as &(dyn std::error::Error + 'static))) {
            return Some(found);
        }
        next = cause.source();
    }
    None
}

/// A request as the SDK builds it.
pub type HttpRequest = http::Request<Vec<u8>>;
/// An answer as a transport returns it.
pub type HttpResponse = http::Response<Vec<u8>>;

/// An asynchronous HTTP transport.
///
/// A transport moves bytes and loses nothing: every method, every header and every status comes back as a
/// response (a 404 is `Ok`); only failures to exchange the request are errors.
///
/// Any `Fn(HttpRequest) -> impl Future<Output = Result<HttpResponse, TransportError>>` is a transport, so a
/// test can stand in for the network with a closure.
#[async_trait::async_trait]
pub trait Transport: Send + Sync {
    /// Sends the request and returns the whole answer.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

/// A blocking HTTP transport, with the same contract as [`Transport`].
///
/// Any `Fn(HttpRequest) -> Result<HttpResponse, TransportError>` is a blocking transport.
pub trait BlockingTransport: Send + Sync {
    /// Sends the request and returns the whole answer.
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[async_trait::async_trait]
impl<F, Fut> Transport for F
where
    F: Fn(HttpRequest) -> Fut + Send + Sync,
    Fut: Future<Output = Result<HttpResponse, TransportError>> + Send,
{
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self(request).await
    }
}

impl<F> BlockingTransport for F
where
    F: Fn(HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync,
{
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self(request)
    }
}

#[async_trait::async_trait]
impl Transport for Arc<dyn Transport> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

impl BlockingTransport for Arc<dyn BlockingTransport> {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request)
    }
}
