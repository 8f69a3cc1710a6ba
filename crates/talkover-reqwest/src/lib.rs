//! The async transport of the Talkover SDK, on [`reqwest`].
//!
//! It moves bytes and knows nothing about endpoints: every method, header and status comes back as a
//! response. Redirects are not followed, so the bearer token never goes to another host. TLS is rustls
//! with the webpki roots by default (`rustls` feature), or the platform's library
//! (`native-tls`, which wins when both are enabled). It is built on reqwest 0.13: a `reqwest::Client` of
//! your own goes in with [`ReqwestTransport::from_client`].
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use talkover_core::transport::{describe, exchange_timed_out, HttpRequest, HttpResponse, RequestTimeout, Transport};
use talkover_core::{TransportError, TransportErrorKind};

pub use talkover_core::transport::DEFAULT_MAX_RESPONSE_BYTES;
use talkover_core::transport::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// The `reqwest` crate this transport is built on (0.13), for a client of your own given to
/// [`ReqwestTransport::from_client`] without a `reqwest` dependency to keep in step: from the `talkover`
/// crate, `talkover::reqwest_transport::reqwest`.
pub use reqwest;

/// Timeouts, limits and proxies of a [`ReqwestTransport`]. `None` for a timeout means no bound of the
/// transport's own (a request's [`RequestTimeout`] still bounds it).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ReqwestConfig {
    /// Time to open a connection; held under nine tenths of `timeout`, so that a connection not opened
    /// within the whole exchange's time fails as not sent. Default 10 s.
    pub connect_timeout: Option<Duration>,
    /// Time for a whole exchange, from sending to the last byte of the answer. Default 60 s.
    pub timeout: Option<Duration>,
    /// The largest answer accepted, in bytes. Default 32 MiB.
    pub max_response_bytes: u64,
    /// Whether requests go through the proxy the environment names (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, less the hosts of `NO_PROXY`), as reqwest does by default. Default `true`; the
    /// `talkover` crate's builder sets it to `false` for a base URL on this machine's loopback (the
    /// emulator), which a proxy elsewhere cannot reach.
    pub proxy_from_env: bool,
}

impl Default for ReqwestConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            timeout: Some(DEFAULT_TIMEOUT),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            proxy_from_env: true,
        }
    }
}

/// A [`Transport`] on a [`reqwest::Client`] (which pools connections).
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: u64,
    /// The bound of a whole exchange set on the client, when this transport made it (for error messages).
    timeout: Option<Duration>,
    /// The connect timeout set on the client, when this transport made it (for error messages).
    connect_timeout: Option<Duration>,
    origin: OnceLock<Origin>,
}

/// The scheme and authority of the first `http` or `https` request sent, with its parsed URL. A request to
/// the same origin (every request, for a client on one base URL) then takes a copy of that URL and sets
/// only its path and query, instead of parsing the host again: that parse is most of what converting a
/// request to reqwest costs.
#[derive(Clone)]
struct Origin {
    scheme: String,
    authority: String,
    url: reqwest::Url,
}

// Scheme and host only: an authority can carry a password.
impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme, self.url.host_str().unwrap_or(""))
    }
}

impl ReqwestTransport {
    /// A transport with the default timeouts and limits.
    pub fn new() -> Result<Self, TransportError> {
        Self::with_config(&ReqwestConfig::default())
    }

    /// A transport with the given timeouts and limits.
    pub fn with_config(config: &ReqwestConfig) -> Result<Self, TransportError> {
        let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        if !config.proxy_from_env {
            builder = builder.no_proxy();
        }
        #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
        {
            builder = builder.tls_backend_preconfigured(rustls_config()?);
        }
        // Held under the whole exchange's: reqwest's bound of the whole exchange, running out while the
        // connection is still being opened, does not say in which phase it ran out.
        let connect_timeout = talkover_core::transport::connect_bound(config.connect_timeout, config.timeout);
        if let Some(timeout) = connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(timeout) = config.timeout {
            builder = builder.timeout(timeout);
        }
        let client =
            builder.build().map_err(|e| TransportError::new(TransportErrorKind::Other, describe(&e)).with_source(e))?;
        let (max_response_bytes, timeout) = (config.max_response_bytes, config.timeout);
        Ok(Self { client, max_response_bytes, timeout, connect_timeout, origin: OnceLock::new() })
    }

    /// A transport on a client you configured. Disable redirects on it
    /// (`redirect::Policy::none()`) unless you have a reason not to.
    ///
    /// The client's own settings are the only ones that apply, but for the bound a request carries from a
    /// client made with `with_timeout` ([`RequestTimeout`]): set its timeouts on it (the `talkover`
    /// client builder refuses its `timeout`, `connect_timeout` and `max_response_bytes` beside a transport
    /// of your own), and give the largest answer accepted here. Build it with the re-exported
    /// [`reqwest`] (`talkover::reqwest_transport::reqwest` from the `talkover` crate), so
    /// that its version is this transport's:
    ///
    /// ```
    /// use std::time::Duration;
    /// use talkover_reqwest::{reqwest, ReqwestTransport, DEFAULT_MAX_RESPONSE_BYTES};
    ///
    /// let client = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .connect_timeout(Duration::from_secs(5))
    ///     .timeout(Duration::from_secs(20))
    ///     .build()
    ///     .unwrap();
    /// let transport = ReqwestTransport::from_client(client, DEFAULT_MAX_RESPONSE_BYTES);
    /// # drop(transport);
    /// ```
    ///
    /// Behind a company's own certificate authority, with a client certificate (mTLS) and a smaller pool
    /// (with the `rustls` feature; such a client checks certificates with the platform's verifier):
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use talkover_reqwest::{reqwest, ReqwestTransport, DEFAULT_MAX_RESPONSE_BYTES};
    ///
    /// let company_root = std::fs::read("/etc/company/root-ca.pem")?;
    /// let certificate_and_key = std::fs::read("/etc/company/service.pem")?;
    /// let client = reqwest::Client::builder()
    ///     .tls_certs_merge([reqwest::Certificate::from_pem(&company_root)?])
    ///     .identity(reqwest::Identity::from_pem(&certificate_and_key)?)
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .connect_timeout(Duration::from_secs(10))
    ///     .timeout(Duration::from_secs(60))
    ///     .pool_max_idle_per_host(8)
    ///     .build()?;
    /// let transport = ReqwestTransport::from_client(client, DEFAULT_MAX_RESPONSE_BYTES);
    /// # drop(transport);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// A client left on reqwest's default redirect policy follows redirects: it drops `Authorization` on
    /// the way to another host but sends headers of your own there (a gateway's key), and sends a POST
    /// again on a 307 or 308 (for make-call, a second call). One built without timeouts waits for ever on a
    /// server that never answers. The SDK writes `User-Agent` itself: name your application with the SDK
    /// builder's `user_agent`.
    pub fn from_client(client: reqwest::Client, max_response_bytes: u64) -> Self {
        Self { client, max_response_bytes, timeout: None, connect_timeout: None, origin: OnceLock::new() }
    }

    /// Sends one request, as [`Transport::send`] does, without boxing its future: a caller that knows it
    /// holds this transport (the SDK's async client on its built-in transport) saves an allocation per
    /// request.
    ///
    /// Inside a Tokio runtime (from a task, or a future being polled, as the async client calls it), the
    /// request goes to reqwest at once, as with `reqwest::Client::execute`, and the future keeps only
    /// reqwest's pending handle. Outside one, the future keeps the request and hands it to reqwest when it
    /// is first polled, inside the runtime that polls it.
    pub fn send_request(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>> + Send + 'static {
        // A plain `fn` that starts the request before returning: an `async fn` would keep its arguments in
        // its state for as long as it runs, and move them out when first polled. reqwest starts the
        // request's timers when given it, which needs a runtime; without one the request waits, boxed so
        // that the common case's future stays small.
        let start = self.to_reqwest(request).map(|request| {
            // The bound that ends the exchange, which a timeout's message names.
            let bound = Bound::of(request.timeout().copied().or(self.timeout), self.connect_timeout);
            let start = if tokio::runtime::Handle::try_current().is_ok() {
                Start::Sent(self.client.execute(request))
            } else {
                Start::Waiting(Box::new((self.client.clone(), request)))
            };
            (start, bound)
        });
        let limit = self.max_response_bytes;
        async move {
            let (start, bound) = start?;
            let pending = match start {
                Start::Sent(pending) => pending,
                Start::Waiting(waiting) => {
                    // reqwest's timers need Tokio's: polled on another executor, it would panic. Nothing is
                    // sent, and the error says why.
                    if tokio::runtime::Handle::try_current().is_err() {
                        return Err(TransportError::new(TransportErrorKind::NoRuntime, NO_RUNTIME));
                    }
                    let (client, request) = *waiting;
                    client.execute(request)
                }
            };
            let response = pending.await.map_err(|e| map_error(e, bound))?;
            read_answer(response, limit, bound).await
        }
    }
}

/// What a request polled outside a Tokio runtime fails with.
const NO_RUNTIME: &str = "not sent: the reqwest transport runs on Tokio, and this request was polled outside a \
                          Tokio runtime (await it inside `#[tokio::main]`, a Tokio task or `Runtime::block_on`, or \
                          use the blocking client)";

/// A request handed to reqwest (`P`, its pending answer), or one waiting for a runtime.
enum Start<P> {
    Sent(P),
    Waiting(Box<(reqwest::Client, reqwest::Request)>),
}

/// The TLS settings of the `rustls` feature: rustls on reqwest's own provider (`aws-lc-rs`), trusting the
/// webpki roots (Mozilla's, compiled in) as the blocking transport does, rather than reqwest 0.13's
/// default of the platform's verifier.
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
fn rustls_config() -> Result<rustls::ClientConfig, TransportError> {
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::new(TransportErrorKind::Tls, describe(&e)).with_source(e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[async_trait::async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // Called when this future is first polled, inside the caller's runtime.
        self.send_request(request).await
    }
}

impl ReqwestTransport {
    /// The request for reqwest, built in place: `reqwest::Request::try_from` formats the URI with `Display`
    /// before parsing it, and gives a body-less GET an empty body to poll.
    fn to_reqwest(&self, request: HttpRequest) -> Result<reqwest::Request, TransportError> {
        let (parts, body) = request.into_parts();
        let url = self.url_of(&parts.uri)?;
        let mut request = reqwest::Request::new(parts.method, url);
        *request.headers_mut() = parts.headers;
        *request.version_mut() = parts.version;
        // A body-less POST, PUT or PATCH still says `content-length: 0` (`says_empty_length`); hyper writes
        // no length for an empty body, so the header is set here.
        if !body.is_empty() {
            *request.body_mut() = Some(body.into());
        } else if talkover_core::transport::says_empty_length(request.method()) {
            let zero = reqwest::header::HeaderValue::from_static("0");
            request.headers_mut().insert(reqwest::header::CONTENT_LENGTH, zero);
        }
        if let Some(RequestTimeout(timeout)) = parts.extensions.get() {
            *request.timeout_mut() = Some(*timeout);
        }
        Ok(request)
    }

    /// The URL of a request: the cached origin's with this path and query when the origin is the same,
    /// else parsed whole (and cached, if it is the first `http` or `https` origin seen).
    ///
    /// A path with a segment that reqwest's URL type would fold away (`.` or `..`, even escaped as `%2E`) is
    /// refused: sent, it would reach another resource (`DELETE …/actions/%2E%2E` would become
    /// `DELETE …/agents/{id}/`).
    fn url_of(&self, uri: &http::Uri) -> Result<reqwest::Url, TransportError> {
        let scheme = uri.scheme_str().unwrap_or("https");
        let authority = uri.authority().map_or("", |a| a.as_str());
        let (path, query) = uri.path_and_query().map_or(("/", None), |p| (p.path(), p.query()));
        if let Some(segment) = talkover_core::transport::dot_segment(path) {
            return Err(TransportError::new(
                TransportErrorKind::InvalidUrl,
                format!(
                    "the path segment `{segment}` is a dot-segment to reqwest's URL parser, which would send the \
                     request to another path; not sent (the ureq transport sends it as it is)"
                ),
            ));
        }
        if let Some(origin) = self.origin.get() {
            if origin.scheme == scheme && origin.authority == authority {
                let mut url = origin.url.clone();
                url.set_path(path);
                url.set_query(query);
                return Ok(url);
            }
        }
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
        let url = parse_url(&[scheme, "://", authority, path_and_query].concat())?;
        if matches!(scheme, "http" | "https") && self.origin.get().is_none() {
            let mut origin_url = url.clone();
            origin_url.set_path("/");
            origin_url.set_query(None);
            let _ =
                self.origin.set(Origin { scheme: scheme.to_owned(), authority: authority.to_owned(), url: origin_url });
        }
        Ok(url)
    }
}

/// Whether `error` is a TLS failure (`None` when it is not): whether it is a refusal that comes again on
/// every try, a certificate refused (the server's by the client; the client's by the server, in an alert
/// that a TLS 1.3 server sends after the client may have written its request, unread:
/// `alert_refuses_handshake`) or nothing offered in
/// common. Others (an alert of another kind, a record broken) may pass another time.
fn tls_failure(error: &reqwest::Error) -> Option<bool> {
    #[cfg(feature = "rustls")]
    return talkover_core::transport::find_cause::<rustls::Error>(error).map(|tls| {
        use rustls::Error as E;
        match tls {
            E::AlertReceived(alert) => talkover_core::transport::alert_refuses_handshake(u8::from(*alert)),
            // The blocking transport's list of failures that can only come from the handshake, less the state
            // error it may give for a connection cut short.
            E::InvalidCertificate(_) | E::NoCertificatesPresented | E::PeerIncompatible(_) => true,
            E::UnsupportedNameType | E::InconsistentKeys(_) | E::InvalidCertRevocationList(_) => true,
            _ => matches!(tls, E::NoApplicationProtocol | E::InvalidEncryptedClientHello(_)),
        }
    });
    #[cfg(not(feature = "rustls"))]
    return {
        let _ = error;
        None
    };
}

fn parse_url(text: &str) -> Result<reqwest::Url, TransportError> {
    reqwest::Url::parse(text)
        .map_err(|e| TransportError::new(TransportErrorKind::InvalidUrl, describe(&e)).with_source(e))
}

/// The most reserved for an answer before its bytes arrive, whatever its `Content-Length` says.
const PREALLOCATE_AT_MOST: u64 = 1 << 20;

/// Reads the whole answer, up to `limit` bytes. A plain `fn` whose future holds the response once (an
/// `async fn` would keep its argument and a moved copy of it: 448 bytes of future against 208).
#[allow(clippy::manual_async_fn)]
fn read_answer(
    mut response: reqwest::Response,
    limit: u64,
    bound: Bound,
) -> impl Future<Output = Result<HttpResponse, TransportError>> + Send + 'static {
    async move {
        // A failure once the head has arrived keeps its status and request id (a 2xx says the request was
        // processed, although its answer is lost).
        let after_head = |error: TransportError, response: &reqwest::Response| {
            error.with_answer_head(response.status(), response.headers())
        };
        if let Some(refused) =
            talkover_core::transport::answer_head_refused(response.status(), response.headers(), limit)
        {
            return Err(refused);
        }
        // What a server declares is reserved only up to a bound: the bytes themselves may never come.
        let declared = response.content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(declared.min(PREALLOCATE_AT_MOST) as usize);
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) => return Err(after_head(map_error(error, bound), &response)),
            };
            if (body.len() + chunk.len()) as u64 > limit {
                let message = talkover_core::transport::body_over_limit(limit);
                return Err(after_head(TransportError::new(TransportErrorKind::BodyTooLarge, message), &response));
            }
            body.extend_from_slice(&chunk);
        }
        let mut answer = http::Response::new(body);
        *answer.status_mut() = response.status();
        *answer.version_mut() = response.version();
        *answer.headers_mut() = std::mem::take(response.headers_mut());
        Ok(answer)
    }
}

/// The bounds of an exchange, the whole exchange's and the connect timeout, kept beside its pending
/// request for a timeout's message: in milliseconds, 0 for none known, so that they add 8 bytes to each
/// request's future rather than two `Option<Duration>`s' 32 (a bound beyond `u32::MAX` ms, 49 days, is not
/// named).
#[derive(Clone, Copy)]
struct Bound {
    whole: u32,
    connect: u32,
}

impl Bound {
    fn of(whole: Option<Duration>, connect: Option<Duration>) -> Self {
        let millis = |bound: Option<Duration>| bound.map_or(0, |b| u32::try_from(b.as_millis()).unwrap_or(0));
        Self { whole: millis(whole), connect: millis(connect) }
    }

    fn whole(self) -> Option<Duration> {
        (self.whole > 0).then(|| Duration::from_millis(u64::from(self.whole)))
    }

    fn connect(self) -> Option<Duration> {
        (self.connect > 0).then(|| Duration::from_millis(u64::from(self.connect)))
    }
}

/// The error for reqwest's `error`; a timeout names the bound that ran out, when known.
fn map_error(error: reqwest::Error, bound: Bound) -> TransportError {
    // The URL stays out of the message: its path and query hold ids and phone numbers, which the
    // operation's id and path template (in the error beside this) say without them.
    let error = error.without_url();
    // hyper says which parse failure only in words (its `is_parse_too_large` is for servers).
    let head_too_large = |e: &hyper::Error| e.is_parse() && e.to_string().contains("message head is too large");
    if talkover_core::transport::find_cause::<hyper::Error>(&error).is_some_and(head_too_large) {
        return talkover_core::transport::head_too_large(error);
    }
    if let Some(refused) = tls_failure(&error) {
        let failure = TransportError::new(TransportErrorKind::Tls, describe(&error));
        // Refused (a certificate, nothing in common: in the handshake, or an alert ending it) nothing the
        // server read was sent, and the same request is refused again; another failure while connecting (a
        // server that speaks no TLS) sent nothing either; later, on the open connection (a corrupt record,
        // another alert), the request may have been.
        let failure = match (refused, error.is_connect()) {
            (true, _) => failure.lasting(),
            (false, true) => failure,
            (false, false) => failure.maybe_sent(),
        };
        return failure.with_source(error);
    }
    let kind = if error.is_connect() {
        // Includes DNS failures: nothing of the request was sent.
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_request() || error.is_body() || error.is_decode() {
        TransportErrorKind::Io
    } else {
        TransportErrorKind::Other
    };
    let message = match kind {
        // reqwest says `error sending request for url (…): operation timed out`, which reads as if nothing
        // was sent: the request may well have been, and the time for the whole exchange ran out.
        // Once the head is in, reqwest says `error decoding response body: operation timed out`: nothing was
        // decoded, the rest of the body did not come in time.
        TransportErrorKind::Timeout => {
            let text = describe(&error);
            let text = match text.strip_prefix("error decoding response body") {
                Some(rest) => format!("while the answer's body was read{rest}"),
                None => text,
            };
            format!("{} ({text})", exchange_timed_out(bound.whole()))
        }
        // The connect timeout, which the whole exchange's bound holds under: nothing was sent.
        TransportErrorKind::Connect if error.is_timeout() => {
            let says = talkover_core::transport::connect_timed_out("connect", bound.connect(), bound.whole());
            format!("{says} ({})", describe(&error))
        }
        // The same words for a connection closed or reset after the request went out, or an answer hyper
        // cannot parse: the exchange failed, whatever was sent.
        // reqwest's "error decoding response body" for a body cut off on the wire reads as an answer that
        // arrived and could not be decoded (a `Decode` error): the bytes themselves failed to arrive.
        TransportErrorKind::Io => {
            let text = describe(&error);
            if let Some(rest) = text.strip_prefix("error sending request") {
                format!("the exchange failed{rest}")
            } else if let Some(rest) = text.strip_prefix("error decoding response body") {
                talkover_core::transport::body_cut_off(rest.trim_start_matches(": "))
            } else {
                text
            }
        }
        _ => describe(&error),
    };
    // A proxy asking for credentials asks again on every try (and a proxy that checks them against a
    // directory may lock the account after a few failed ones); hyper says so in words only.
    let proxy_refused = kind == TransportErrorKind::Connect && message.contains("proxy authorization required");
    let failure = TransportError::new(kind, message);
    let failure = if proxy_refused { failure.lasting() } else { failure };
    failure.with_source(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_a_dot_segment_is_refused_not_sent_elsewhere() {
        let transport = ReqwestTransport::new().expect("the default transport builds");
        let id = "550e8400-e29b-41d4-a716-446655440000";
        // The first call parses the URL whole, the later ones build it on the cached origin: both refuse.
        for _ in 0..2 {
            for segment in [".", "..", "%2E", "%2e%2E", ".%2E", "%2e."] {
                let uri: http::Uri =
                    format!("https://api.talkover.ai/api/v1/agents/{id}/actions/{segment}").parse().unwrap();
                let error = transport.url_of(&uri).expect_err(segment);
                assert_eq!(error.kind(), TransportErrorKind::InvalidUrl, "{segment}");
                assert!(error.certainly_not_sent(), "{segment}");
                assert!(error.to_string().contains(&format!("`{segment}`")), "{error}");
            }
            let fine: http::Uri = format!("https://api.talkover.ai/api/v1/agents/{id}/actions/...").parse().unwrap();
            assert_eq!(transport.url_of(&fine).unwrap().path(), format!("/api/v1/agents/{id}/actions/..."));
        }
    }

    #[test]
    fn a_url_built_on_the_cached_origin_is_the_url_parsed_whole() {
        let origins =
            ["http://127.0.0.1:8080", "https://api.talkover.ai", "http://[::1]:9000", "https://user:pw@Example.COM"];
        let paths = [
            "/",
            "/api/v1/agents/550e8400-e29b-41d4-a716-446655440000",
            "/api/v1/calls?search=%2B15550100&page=2&per_page=100",
            "/api/v1/agents/a%2Fb/calls",
            "/a.b/...c/.../%2E%2Ex",
            "/x?",
            "/x?q='a'&b=c%20d&e=%7B%7D",
            "/%7Bid%7D/caf%C3%A9",
            "//double/slash",
        ];
        for origin in origins {
            let transport = ReqwestTransport::new().expect("the default transport builds");
            let first = transport.url_of(&format!("{origin}/api/v1/health").parse().unwrap()).unwrap();
            assert_eq!(first, reqwest::Url::parse(&format!("{origin}/api/v1/health")).unwrap());
            assert!(transport.origin.get().is_some(), "{origin} is cached");
            for path in paths {
                let text = format!("{origin}{path}");
                let uri: http::Uri = text.parse().unwrap();
                let expected = reqwest::Url::parse(&text).unwrap();
                assert_eq!(transport.url_of(&uri).unwrap().as_str(), expected.as_str(), "{text}");
            }
            assert!(!format!("{transport:?}").contains("pw@"), "{transport:?}");
            // Another origin is parsed whole and leaves the cached one alone.
            let other = "http://localhost:1/api/v1/agents?page=1";
            assert_eq!(
                transport.url_of(&other.parse().unwrap()).unwrap().as_str(),
                reqwest::Url::parse(other).unwrap().as_str()
            );
            assert_eq!(transport.origin.get().unwrap().authority, origin.split("//").nth(1).unwrap());
        }
    }

    /// On an executor that is not Tokio's, a request fails, unsent and saying why, where reqwest's timers
    /// would panic.
    #[test]
    fn a_request_polled_outside_any_runtime_fails_without_a_panic() {
        let transport = ReqwestTransport::new().expect("the default transport builds");
        let request = http::Request::get("http://127.0.0.1:9/api/v1/health").body(Vec::new()).unwrap();
        let mut sending = std::pin::pin!(transport.send_request(request));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let std::task::Poll::Ready(Err(error)) = sending.as_mut().poll(&mut context) else {
            panic!("the request did not fail at once");
        };
        assert!(error.certainly_not_sent(), "{error}");
        assert_eq!(error.kind(), TransportErrorKind::NoRuntime, "{error}");
        assert!(error.to_string().contains("outside a Tokio runtime"), "{error}");
    }

    /// A proxy that refuses the tunnel leaves the request unsent; one asking for credentials (407) asks
    /// again on every try, so it is not tried again.
    #[tokio::test]
    async fn a_proxy_refusing_the_tunnel_is_a_connection_failure() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        for (answer, lasting) in [("403 Forbidden", false), ("407 Proxy Authentication Required", true)] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let address = listener.local_addr().unwrap();
            let proxy = tokio::spawn(async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut head = Vec::new();
                let mut chunk = [0u8; 1024];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
                    match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await {
                        Ok(Ok(read)) if read > 0 => head.extend_from_slice(&chunk[..read]),
                        _ => break,
                    }
                }
                let _ = stream.write_all(format!("HTTP/1.1 {answer}\r\ncontent-length: 0\r\n\r\n").as_bytes()).await;
                let _ = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut chunk)).await;
                String::from_utf8_lossy(&head).into_owned()
            });
            let client = reqwest::Client::builder()
                .proxy(reqwest::Proxy::https(format!("http://{address}")).unwrap())
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap();
            let request = http::Request::post("https://127.0.0.1:9/api/v1/calls").body(b"{}".to_vec()).unwrap();
            let error = ReqwestTransport::from_client(client, 1 << 20).send_request(request).await.unwrap_err();
            assert_eq!(error.kind(), TransportErrorKind::Connect, "{answer}: {error}");
            assert!(error.certainly_not_sent(), "{answer}: {error}");
            assert_eq!(talkover_core::Error::from(error).is_retryable(), !lasting, "{answer}");
            assert!(proxy.await.unwrap().starts_with("CONNECT 127.0.0.1:9 "), "the proxy was asked for a tunnel");
        }
    }

    #[tokio::test]
    async fn the_default_transport_builds_and_reports_a_refused_connection() {
        // Building configures TLS (rustls and the webpki roots, under `rustls`), and an HTTPS request to a
        // loopback port where nothing listens fails as a connection error. The port is the near end of a
        // connection held for the test, which no other test's listener can take meanwhile.
        let transport = ReqwestTransport::new().expect("the default transport builds");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let near = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let port = near.local_addr().unwrap().port();
        let request = http::Request::get(format!("https://127.0.0.1:{port}/api/v1/health")).body(Vec::new()).unwrap();
        // The future borrows nothing of the transport: it can be spawned, and outlive it.
        let sending = tokio::spawn(transport.send_request(request));
        drop(transport);
        let error = sending.await.expect("the task ends").unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
        // The one line says why, not only that sending failed.
        assert!(error.to_string().to_lowercase().contains("refused"), "{error}");
    }
}
