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

/// The largest answer head (status line and headers) the built-in transports read: 64 KiB, ureq's own
/// bound, which the reqwest transport checks too ([`answer_head_refused`]), so that both clients take
/// the same answers.
pub const MAX_ANSWER_HEAD_BYTES: usize = 64 * 1024;
/// The most header lines of an answer the built-in transports read: 100, hyper's own bound, which the
/// ureq transport checks too ([`answer_head_refused`]).
pub const MAX_ANSWER_HEADERS: usize = 100;

/// The failure of an answer whose head is larger than a transport reads ([`MAX_ANSWER_HEAD_BYTES`],
/// [`MAX_ANSWER_HEADERS`]): of kind `BodyTooLarge`, as the same answer would come again (not retried),
/// and it may have been carried out (its head had begun to arrive).
#[doc(hidden)]
pub fn head_too_large(source: impl std::error::Error + Send + Sync + 'static) -> TransportError {
    let message = format!(
        "the answer's head (status line and headers) is larger than this client reads: more than \
         {MAX_ANSWER_HEAD_BYTES} bytes or {MAX_ANSWER_HEADERS} header lines"
    );
    TransportError::new(crate::error::TransportErrorKind::BodyTooLarge, message).maybe_sent().with_source(source)
}

/// The failure of an answer whose head has more than [`MAX_ANSWER_HEADERS`] header lines or (status line
/// aside) [`MAX_ANSWER_HEAD_BYTES`] bytes (`head_too_large`), or whose `Content-Length` declares more
/// than `limit` bytes (`declared_too_large`): for a transport to call when the head has arrived, as both
/// built-in transports do. `None` for an answer within every bound.
pub fn answer_head_refused(status: http::StatusCode, headers: &http::HeaderMap, limit: u64) -> Option<TransportError> {
    // Each line as it came: name, `: `, value, CRLF; and the blank line that ends the head.
    let bytes = || headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum::<usize>() + 2;
    if headers.len() > MAX_ANSWER_HEADERS || bytes() > MAX_ANSWER_HEAD_BYTES {
        let counted = format!("{} header lines, {} bytes", headers.len(), bytes());
        // Without the head's status: a transport that stops at its own bound before parsing cannot give it.
        return Some(head_too_large(std::io::Error::other(counted)));
    }
    declared_too_large(status, headers, limit)
}

/// The failure of an answer whose `Content-Length` declares more than `limit` bytes, with its status and
/// request id: for a transport to refuse it before reading its body (whose bytes may never come), as both
/// built-in transports do. `None` for an answer within the limit or declaring no length.
#[doc(hidden)]
pub fn declared_too_large(status: http::StatusCode, headers: &http::HeaderMap, limit: u64) -> Option<TransportError> {
    let declared = headers.get(http::header::CONTENT_LENGTH)?.to_str().ok()?.parse::<u64>().ok()?;
    (declared > limit).then(|| {
        let message = format!("the answer declares {declared} bytes, more than the limit of {limit}");
        TransportError::new(crate::error::TransportErrorKind::BodyTooLarge, message).with_answer_head(status, headers)
    })
}

/// Whether a request of `method` without a body still says `content-length: 0`: a POST, PUT or PATCH
/// does (RFC 9110, 8.6: a front end may answer 411 Length Required without it, and an empty chunked body
/// is refused by some proxies); other methods send no body framing at all. Both transports follow it.
#[doc(hidden)]
pub fn says_empty_length(method: &http::Method) -> bool {
    matches!(*method, http::Method::POST | http::Method::PUT | http::Method::PATCH)
}

/// What a transport says when the time for a whole exchange ran out: `no complete answer within 60 s (the
/// timeout of the whole exchange)`, naming `bound` when it knows it, in the same words on both built-in
/// transports. The request may have been carried out: the error's kind, `Timeout`, says so.
#[doc(hidden)]
pub fn exchange_timed_out(bound: Option<Duration>) -> String {
    match bound {
        Some(bound) => {
            format!("no complete answer within {} (the timeout of the whole exchange)", duration_text(bound))
        }
        None => "no complete answer (the timeout of the whole exchange)".to_owned(),
    }
}

/// What a transport says of an answer whose body grew past `limit` bytes as it was read, in the same words
/// on both built-in transports.
#[doc(hidden)]
pub fn body_over_limit(limit: u64) -> String {
    format!("the answer is larger than the limit of {limit} bytes")
}

/// What a transport says of an answer whose body stopped before its end (the connection closed or broke
/// while it came), `detail` being the HTTP client's account, in the same words on both built-in
/// transports: not a `Decode` failure, as some clients' words read, since the bytes never arrived.
#[doc(hidden)]
pub fn body_cut_off(detail: &str) -> String {
    match detail {
        "" => "the answer's body could not be read to its end".to_owned(),
        detail => format!("the answer's body could not be read to its end: {detail}"),
    }
}

/// The connect timeout a built-in transport gives its HTTP client: `connect`, held under nine tenths of
/// `whole`, the bound of the whole exchange. An HTTP client whose bound of the whole exchange runs out
/// while the connection is still being opened says only that it timed out (reqwest), or says so now and
/// then, as the two deadlines fall (ureq): as it says once the request is on the wire, when the request
/// may have been carried out. Its connect timeout says the connection was never made. Kept the shorter of
/// the two, it is the one that runs out when no connection can be opened in time, so that such a failure
/// reads as certainly not sent (a call is not placed, and can be retried). A connection opened later than
/// that would leave the exchange a tenth of its time at most.
///
/// ```
/// # use talkover_core as talkover;
/// use std::time::Duration;
/// use talkover::transport::connect_bound;
///
/// let secs = |s: u64| Some(Duration::from_secs(s));
/// assert_eq!(connect_bound(secs(10), secs(60)), secs(10));
/// assert_eq!(connect_bound(secs(10), secs(5)), Some(Duration::from_millis(4500)));
/// assert_eq!(connect_bound(None, secs(1)), Some(Duration::from_millis(900)));
/// assert_eq!(connect_bound(secs(3), None), secs(3));
/// ```
#[doc(hidden)]
pub fn connect_bound(connect: Option<Duration>, whole: Option<Duration>) -> Option<Duration> {
    let under_whole = whole.map(|whole| whole - whole / 10);
    match (connect, under_whole) {
        (Some(connect), Some(under)) => Some(connect.min(under)),
        (connect, under) => connect.or(under),
    }
}

/// The first segment of `path` that a WHATWG URL parser (the `url` crate's, which reqwest uses) reads as
/// `.` or `..`: the dots as they are or escaped, in any case. A base URL holding one is refused; a
/// transport on such a parser refuses a request path holding one rather than send it elsewhere.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::transport::dot_segment;
///
/// assert_eq!(dot_segment("/gw/%2E%2e/api/v1"), Some("%2E%2e"));
/// assert_eq!(dot_segment("/v1.2/.well/..."), None);
/// ```
#[doc(hidden)]
pub fn dot_segment(path: &str) -> Option<&str> {
    // Most paths (ids, names) have neither a dot nor an escape: one pass over the bytes answers for them.
    if !path.bytes().any(|b| b == b'.' || b == b'%') {
        return None;
    }
    const DOTS: [&str; 6] = [".", "%2e", "..", ".%2e", "%2e.", "%2e%2e"];
    path.split('/').find(|segment| DOTS.iter().any(|dots| segment.eq_ignore_ascii_case(dots)))
}

/// Whether a TLS alert from the server, by its description's number (RFC 8446, section 6), refuses the
/// handshake: a certificate missing, refused or expired (the server's own judged by the client comes as a
/// certificate error, not an alert; the client's is judged by a TLS 1.3 server after the client has done
/// its part and may already have written its request, which the server then never reads), no terms in
/// common, access denied. A request cut short by one was not processed, and is refused again until a
/// certificate or the configuration changes: a transport marks its failure neither sent nor worth
/// trying again ([`TransportError::lasting`]).
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::transport::alert_refuses_handshake;
///
/// assert!(alert_refuses_handshake(116)); // certificate_required
/// assert!(!alert_refuses_handshake(20)); // bad_record_mac: a record broken on the way, at any time
/// ```
#[doc(hidden)]
pub fn alert_refuses_handshake(description: u8) -> bool {
    // handshake_failure, bad_certificate, unsupported_certificate, certificate_revoked,
    // certificate_expired, certificate_unknown, unknown_ca, access_denied, protocol_version,
    // insufficient_security, certificate_required.
    matches!(description, 40 | 42..=46 | 48 | 49 | 70 | 71 | 116)
}

/// What a transport says when no connection was opened within `bound`, the connect timeout it gave its
/// HTTP client (`connect_bound` of the one configured and `whole`): `could not connect within 10 s (the
/// connect timeout)`, saying when the whole exchange's bound made it shorter. `what` is what failed
/// (`connect`, `resolve the host`). Nothing was sent.
#[doc(hidden)]
pub fn connect_timed_out(what: &str, bound: Option<Duration>, whole: Option<Duration>) -> String {
    let Some(bound) = bound else { return format!("could not {what} in time (the connect timeout)") };
    let held = whole.filter(|&whole| connect_bound(None, Some(whole)) == Some(bound));
    match held {
        Some(whole) => format!(
            "could not {what} within {} (the connect timeout, held under the whole exchange's {})",
            duration_text(bound),
            duration_text(whole)
        ),
        None => format!("could not {what} within {} (the connect timeout)", duration_text(bound)),
    }
}

/// A duration as a person reads it in an error: `60 s`, `2.5 s`, `500 ms`.
///
/// ```
/// # use talkover_core as talkover;
/// use std::time::Duration;
/// use talkover::transport::duration_text;
///
/// let texts = [60_000, 2_500, 500].map(|ms| duration_text(Duration::from_millis(ms)));
/// assert_eq!(texts, ["60 s", "2.5 s", "500 ms"]);
/// ```
#[doc(hidden)]
pub fn duration_text(duration: Duration) -> String {
    match duration.as_millis() {
        ms if ms < 1000 => format!("{ms} ms"),
        ms if ms % 1000 == 0 => format!("{} s", ms / 1000),
        ms => format!("{:.1} s", ms as f64 / 1000.0),
    }
}

/// Whether `error`, or an error it was caused by, is an `E`: for a transport that sorts its HTTP client's
/// errors by what lies under them (a TLS library's error, say). See [`find_cause`].
pub fn caused_by<E: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    find_cause::<E>(error).is_some()
}

/// The first `E` among `error` and the errors it was caused by. An `std::io::Error` is looked into too,
/// since its `source` skips the error it wraps, and so is the HTTP client's error under a
/// [`TransportError`] (or an [`Error`](crate::Error) of that kind), which is not its `source`. Follows at
/// most 32 causes.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::error::{Error, TransportError, TransportErrorKind};
/// use talkover::transport::find_cause;
///
/// let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
/// let err = Error::from(TransportError::new(TransportErrorKind::Connect, "refused").with_source(refused));
/// let io = find_cause::<std::io::Error>(&err).unwrap();
/// assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
/// ```
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
        let transport = match cause.downcast_ref::<crate::Error>() {
            Some(crate::Error::Transport(transport)) => Some(transport),
            _ => cause.downcast_ref::<TransportError>(),
        };
        next = match transport {
            Some(transport) => transport.underlying().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    None
}

/// The text of `error` followed by those of its causes that it does not already contain, each after `: `
/// (at most eight): the message of a [`TransportError`] made from an HTTP client's error, so that one line
/// says why (`error sending request …: tcp connect error: Connection refused (os error 111)`).
pub fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    for _ in 0..8 {
        let Some(inner) = cause else { break };
        let part = inner.to_string();
        if !part.is_empty() && !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        cause = inner.source();
    }
    text
}

/// A request as the SDK builds it.
pub type HttpRequest = http::Request<Vec<u8>>;
/// An answer as a transport returns it.
pub type HttpResponse = http::Response<Vec<u8>>;

/// How long one request's whole exchange may take, from sending to the last byte of the answer, in place
/// of the transport's own bound: in the extensions of an [`HttpRequest`] built by a client made with
/// `with_timeout` (or a [`ClientConfig::with_timeout`](crate::ClientConfig::with_timeout)). The SDK's
/// transports honour it; a transport of your own should too:
///
/// ```
/// # use talkover_core as talkover;
/// use std::time::Duration;
/// use talkover::transport::{HttpRequest, RequestTimeout};
///
/// fn bound(request: &HttpRequest, own: Duration) -> Duration {
///     request.extensions().get::<RequestTimeout>().map_or(own, |t| t.0)
/// }
/// # assert_eq!(bound(&HttpRequest::new(Vec::new()), Duration::from_secs(1)), Duration::from_secs(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestTimeout(pub Duration);

/// Which call and which attempt of it a request is: in the extensions of every [`HttpRequest`] the SDK's
/// clients send through a transport given to them (`.transport(..)`, which may wrap the built-in ones; the
/// built-in transports a client makes itself do not read it, and their requests go without it), for a
/// transport that wraps another to count by operation (its path holds ids), to tell a retry from a new
/// call (a circuit breaker that counts one call's three attempts against a 503 as three failures opens too
/// soon), or to leave an operation not safe to repeat alone.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::transport::{CallContext, HttpRequest};
///
/// fn label(request: &HttpRequest) -> String {
///     match request.extensions().get::<CallContext>() {
///         Some(call) => format!("{} #{}", call.operation, call.attempt),
///         None => "a request built outside a client".to_owned(),
///     }
/// }
/// let mut request = HttpRequest::new(Vec::new());
/// request.extensions_mut().insert(CallContext::new("get-agent", 2, true));
/// assert_eq!(label(&request), "get-agent #2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CallContext {
    /// The operation's id (`make-call`), as its reference page names it.
    pub operation: &'static str,
    /// Which attempt of the call this is: 1, then 2 for its first retry.
    pub attempt: u32,
    /// Whether the operation may be sent again without doing it twice
    /// ([`Operation::SAFE_TO_REPEAT`](crate::Operation::SAFE_TO_REPEAT)).
    pub safe_to_repeat: bool,
}

impl CallContext {
    /// The context of attempt `attempt` (from 1) of a call of `operation`.
    pub fn new(operation: &'static str, attempt: u32, safe_to_repeat: bool) -> Self {
        Self { operation, attempt, safe_to_repeat }
    }
}

/// An asynchronous HTTP transport.
///
/// A transport moves bytes and loses nothing: every method, every header and every status comes back as a
/// response (a 404 is `Ok`); only failures to exchange the request are errors. A request may carry a
/// [`RequestTimeout`] in its extensions (a client made with `with_timeout`): the bound of its whole
/// exchange, in place of the transport's own, which a transport should honour. A client's requests to a
/// transport given to it carry their [`CallContext`] too (operation, attempt). A transport that wraps another may decline a request
/// by a rule of its own (a circuit breaker) with an error of kind
/// [`Declined`](crate::TransportErrorKind::Declined): nothing sent, not retried, no retry budget spent
/// (with a pacer, the request has waited its turn before the transport saw it).
///
/// Any `Fn(HttpRequest) -> impl Future<Output = Result<HttpResponse, TransportError>>` is a transport, so a
/// test can stand in for the network with a closure.
///
/// The trait's method is `async` through the [`async_trait`](crate::async_trait) attribute, which an
/// implementation takes too: `#[talkover_core::async_trait]`, or `#[talkover::async_trait]` from the
/// `talkover` crate (both re-export it, so no dependency of your own is needed). A transport that wraps
/// another, adding a header to every request:
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::http::HeaderValue;
/// use talkover::transport::{HttpRequest, HttpResponse, Transport};
/// use talkover::TransportError;
///
/// struct WithTraceHeader<T> {
///     inner: T,
/// }
///
/// #[talkover::async_trait]
/// impl<T: Transport> Transport for WithTraceHeader<T> {
///     async fn send(&self, mut request: HttpRequest) -> Result<HttpResponse, TransportError> {
///         request.headers_mut().insert("x-trace", HeaderValue::from_static("on"));
///         self.inner.send(request).await
///     }
/// }
///
/// // On any transport: a closure here, `ReqwestTransport` in production
/// // (`talkover::Client::builder().transport(WithTraceHeader { inner })`).
/// let traced = WithTraceHeader {
///     inner: |request: HttpRequest| async move {
///         let traced = request.headers().get("x-trace").is_some();
///         Ok::<_, TransportError>(HttpResponse::new(if traced { b"traced".to_vec() } else { Vec::new() }))
///     },
/// };
/// # // Polled by hand (its future is ready at once), so that the example needs no runtime.
/// # use std::future::Future;
/// # let mut answer = traced.send(HttpRequest::new(Vec::new()));
/// # let mut context = std::task::Context::from_waker(std::task::Waker::noop());
/// # let std::task::Poll::Ready(Ok(answer)) = answer.as_mut().poll(&mut context) else { panic!("not ready") };
/// # assert_eq!(answer.body(), b"traced");
/// ```
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

/// A transport shared: a test keeps an `Arc` of its fake to look at what was sent, and hands the client a
/// clone (`Client::with_transport(config, fake.clone())`).
#[async_trait::async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
}

/// A blocking transport shared, as for [`Transport`].
impl<T: BlockingTransport + ?Sized> BlockingTransport for Arc<T> {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request)
    }
}
