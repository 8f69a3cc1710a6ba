//! The blocking transport of the Talkover SDK, on [`ureq`] 3.
//!
//! It moves bytes and knows nothing about endpoints: every method, header and status comes back as a
//! response (ureq is configured not to turn 4xx/5xx into errors, and not to follow redirects, so the
//! bearer token never goes to another host). No async runtime is involved.
#![warn(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::time::Duration;

use talkover_core::transport::{
    body_cut_off, body_over_limit, connect_bound, connect_timed_out, describe, exchange_timed_out, BlockingTransport,
    HttpRequest, HttpResponse, RequestTimeout,
};
use talkover_core::{TransportError, TransportErrorKind};

pub use talkover_core::transport::DEFAULT_MAX_RESPONSE_BYTES;
use talkover_core::transport::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// The `ureq` crate this transport is built on (3.x), for an agent of your own given to
/// [`UreqTransport::from_agent`] without a `ureq` dependency to keep in step: from the `talkover` crate,
/// `talkover::ureq_transport::ureq`.
pub use ureq;

/// The longest timeout given to ureq, which adds a timeout to an instant and so overflows (a panic) for
/// one near `Duration::MAX`: a century stands for any longer one.
const LONGEST: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Timeouts, limits and proxies of a [`UreqTransport`]. `None` for a timeout means no bound of the
/// transport's own (a request's [`RequestTimeout`] still bounds it).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct UreqConfig {
    /// Time to open a connection; held under nine tenths of `timeout` (and of a request's own bound), so
    /// that a connection not opened within the whole exchange's time fails as not sent. Default 10 s.
    pub connect_timeout: Option<Duration>,
    /// Time for a whole exchange, from sending to the last byte of the answer. Default 60 s.
    pub timeout: Option<Duration>,
    /// The largest answer accepted, in bytes. Default 32 MiB.
    pub max_response_bytes: u64,
    /// Idle connections kept per host for reuse. Default 32 (ureq's own default of 3 makes a service
    /// calling from many threads open a new connection for most requests).
    pub max_idle_connections_per_host: usize,
    /// Whether requests go through the proxy the environment names (`ALL_PROXY`, `HTTPS_PROXY`,
    /// `HTTP_PROXY`, less the hosts of `NO_PROXY`), as ureq does by default. Default `true`; the
    /// `talkover` crate's builder sets it to `false` for a base URL on this machine's loopback (the
    /// emulator), which a proxy elsewhere cannot reach.
    pub proxy_from_env: bool,
}

impl Default for UreqConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            timeout: Some(DEFAULT_TIMEOUT),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_idle_connections_per_host: 32,
            proxy_from_env: true,
        }
    }
}

/// A [`BlockingTransport`] on a [`ureq::Agent`] (which pools connections).
#[derive(Clone, Debug)]
pub struct UreqTransport {
    agent: ureq::Agent,
    max_response_bytes: u64,
    /// Whether the agent turns statuses into errors or follows redirects, which each request then undoes.
    overrides: bool,
    /// The connect timeout as configured (the agent's is held under its whole exchange's bound): what a
    /// request's own bound holds under in its place.
    connect_timeout: Option<Duration>,
}

impl UreqTransport {
    /// A transport with the default timeouts and limits.
    pub fn new() -> Self {
        Self::with_config(&UreqConfig::default())
    }

    /// A transport with the given timeouts and limits.
    pub fn with_config(config: &UreqConfig) -> Self {
        let connect = connect_bound(config.connect_timeout, config.timeout).map(|t| t.min(LONGEST));
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_redirects_will_error(false)
            // Held under the whole exchange's, so that ureq says `Connect` or `Resolve` (not sent) when no
            // connection opens in time: with the whole exchange's the earlier deadline, it says `Global`, or
            // `Connect`, as the two deadlines fall. The name's lookup has its own bound, the same.
            .timeout_resolve(connect)
            .timeout_connect(connect)
            .timeout_global(config.timeout.map(|t| t.min(LONGEST)))
            .max_idle_connections_per_host(config.max_idle_connections_per_host)
            .max_idle_connections(config.max_idle_connections_per_host.max(100))
            .max_response_header_size(talkover_core::transport::MAX_ANSWER_HEAD_BYTES);
        // ureq takes rustls unless told otherwise, whatever its features: with `native-tls` on, the
        // platform's TLS library and its roots (the feature wins when both are on, as on reqwest), where
        // an `https` request would otherwise fail, or panic without rustls compiled in.
        #[cfg(feature = "native-tls")]
        let agent = agent.tls_config(
            ureq::tls::TlsConfig::builder()
                .provider(ureq::tls::TlsProvider::NativeTls)
                .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                .build(),
        );
        // ureq's default reads the environment's proxy; `None` sends every request straight.
        let agent = if config.proxy_from_env { agent } else { agent.proxy(None) };
        let agent = agent.build().new_agent();
        Self {
            agent,
            max_response_bytes: config.max_response_bytes,
            overrides: false,
            connect_timeout: config.connect_timeout.map(|t| t.min(LONGEST)),
        }
    }

    /// A transport on an agent you configured. Configure it with `http_status_as_error(false)`, so that error
    /// answers reach the SDK's error decoding, and `max_redirects(0)`, so that the token never goes to
    /// another host: an agent that has either otherwise gets them set on each request it sends for the SDK
    /// (at the cost of a copy of its settings a request), so a 404 is a 404, not a transport failure.
    ///
    /// The agent's own settings are the only ones that apply, but for the bound a request carries from a
    /// client made with `with_timeout` ([`RequestTimeout`]), which replaces the agent's whole-exchange
    /// bound for that request and holds its connect and lookup timeouts under nine tenths of it
    /// (`connect_bound`): set its timeouts on it (the `talkover`
    /// client builder refuses its `timeout`, `connect_timeout` and `max_response_bytes` beside a transport
    /// of your own), and give the largest answer accepted here. Build it with the re-exported
    /// [`ureq`] (`talkover::ureq_transport::ureq` from the `talkover` crate), so that its
    /// version is this transport's:
    ///
    /// ```
    /// use std::time::Duration;
    /// use talkover_ureq::{ureq, UreqTransport, DEFAULT_MAX_RESPONSE_BYTES};
    ///
    /// let agent = ureq::Agent::config_builder()
    ///     .http_status_as_error(false)
    ///     .max_redirects(0)
    ///     .timeout_global(Some(Duration::from_secs(20)))
    ///     .build()
    ///     .new_agent();
    /// let transport = UreqTransport::from_agent(agent, DEFAULT_MAX_RESPONSE_BYTES);
    /// # drop(transport);
    /// ```
    ///
    /// Behind a company's own certificate authority, with a client certificate (mTLS) and a smaller pool:
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use talkover_ureq::ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig};
    /// use talkover_ureq::{ureq, UreqTransport, DEFAULT_MAX_RESPONSE_BYTES};
    ///
    /// let company_root = Certificate::from_pem(&std::fs::read("/etc/company/root-ca.pem")?)?;
    /// let pem = std::fs::read("/etc/company/service.pem")?;
    /// let (certificate, key) = (Certificate::from_pem(&pem)?, PrivateKey::from_pem(&pem)?);
    /// let tls = TlsConfig::builder()
    ///     .root_certs(RootCerts::new_with_certs(&[company_root]))
    ///     .client_cert(Some(ClientCert::new_with_certs(&[certificate], key)))
    ///     .build();
    /// let agent = ureq::Agent::config_builder()
    ///     .tls_config(tls)
    ///     .http_status_as_error(false)
    ///     .max_redirects(0)
    ///     .timeout_connect(Some(Duration::from_secs(10)))
    ///     .timeout_global(Some(Duration::from_secs(60)))
    ///     .max_idle_connections_per_host(8)
    ///     .build()
    ///     .new_agent();
    /// let transport = UreqTransport::from_agent(agent, DEFAULT_MAX_RESPONSE_BYTES);
    /// # drop(transport);
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_agent(agent: ureq::Agent, max_response_bytes: u64) -> Self {
        let config = agent.config();
        let overrides = config.http_status_as_error() || config.max_redirects() > 0;
        let connect_timeout = config.timeouts().connect;
        Self { agent, max_response_bytes, overrides, connect_timeout }
    }
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl BlockingTransport for UreqTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // A bound of the request's own replaces the agent's for this exchange (ureq reads it from the
        // request's extensions).
        let own = request.extensions().get::<RequestTimeout>().map(|t| t.0.min(LONGEST));
        let request = match (own, self.overrides) {
            (None, false) => request,
            (own, overrides) => {
                let mut config = self.agent.configure_request(request);
                if let Some(timeout) = own {
                    let connect = connect_bound(self.connect_timeout, Some(timeout));
                    config = config.timeout_global(Some(timeout)).timeout_resolve(connect).timeout_connect(connect);
                }
                if overrides {
                    config = config.http_status_as_error(false).max_redirects(0).max_redirects_will_error(false);
                }
                config.build()
            }
        };
        let (parts, body) = request.into_parts();
        // A body-less POST, PUT or PATCH still says `content-length: 0` (`says_empty_length`).
        let result = if body.is_empty() && !talkover_core::transport::says_empty_length(&parts.method) {
            self.agent.run(http::Request::from_parts(parts, ()))
        } else {
            self.agent.run(http::Request::from_parts(parts, body))
        };
        let response = result.map_err(|e| self.failure(e, own))?;
        let (parts, mut body) = response.into_parts();
        // Refused before it is read, as the async transport does.
        if let Some(refused) =
            talkover_core::transport::answer_head_refused(parts.status, &parts.headers, self.max_response_bytes)
        {
            return Err(refused);
        }
        // A failure once the head has arrived keeps its status and request id (a 2xx says the request was
        // processed, although its answer is lost).
        let bytes = body.with_config().limit(self.max_response_bytes).read_to_vec().map_err(|error| {
            // In the async transport's words: the bytes failed to arrive (the connection closed or broke).
            let failure = match &error {
                ureq::Error::Io(_) | ureq::Error::Protocol(_) => {
                    let message = body_cut_off(&describe(&error));
                    map_error(error, Some(message))
                }
                _ => self.failure(error, own),
            };
            failure.with_answer_head(parts.status, &parts.headers)
        })?;
        Ok(http::Response::from_parts(parts, bytes))
    }
}

impl UreqTransport {
    /// The error for a failed exchange; a timeout says which bound ran out, and after how long, where ureq
    /// says only `timeout: global`. `own` is the request's own bound of the whole exchange, if it had one.
    fn failure(&self, error: ureq::Error, own: Option<Duration>) -> TransportError {
        let ureq::Error::Timeout(which) = error else { return map_error(error, None) };
        let mut timeouts = self.agent.config().timeouts();
        timeouts.global = own.or(timeouts.global);
        if own.is_some() {
            timeouts.connect = connect_bound(self.connect_timeout, timeouts.global);
            timeouts.resolve = timeouts.connect;
        }
        let message = match which {
            ureq::Timeout::Global | ureq::Timeout::PerCall => exchange_timed_out(timeouts.global),
            ureq::Timeout::Connect => connect_timed_out("connect", timeouts.connect, timeouts.global),
            ureq::Timeout::Resolve => connect_timed_out("resolve the host", timeouts.resolve, timeouts.global),
            other => format!("timed out ({other})"),
        };
        map_error(error, Some(message))
    }
}

/// The error for ureq's `error`, described by `message` when given, else by ureq's own words.
fn map_error(error: ureq::Error, message: Option<String>) -> TransportError {
    use std::io::ErrorKind as Io;
    #[cfg(feature = "rustls")]
    {
        // ureq hands rustls' failures over as I/O errors, whose `source` it does not give, and does not
        // say whether they came in the handshake or later on the open connection.
        let tls = match &error {
            ureq::Error::Rustls(e) => Some(e),
            ureq::Error::Io(io) => talkover_core::transport::find_cause::<rustls::Error>(io),
            other => talkover_core::transport::find_cause::<rustls::Error>(other),
        };
        if let Some(tls) = tls {
            let failure = TransportError::new(TransportErrorKind::Tls, describe(&error));
            let failure = match handshake_only(tls) {
                // A certificate refused, nothing in common: refused again on every try.
                true if !matches!(tls, rustls::Error::HandshakeNotComplete) => failure.lasting(),
                true => failure,
                false => failure.maybe_sent(),
            };
            return failure.with_source(error);
        }
    }
    // ureq's own error for too many header lines has no type of its own to match.
    let too_many_headers = matches!(&error, ureq::Error::Protocol(e) if e.to_string().contains("too many headers"));
    if matches!(error, ureq::Error::LargeResponseHeader(..)) || too_many_headers {
        return talkover_core::transport::head_too_large(error);
    }
    let kind = match &error {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => TransportErrorKind::Connect,
        ureq::Error::Io(e) if matches!(e.kind(), Io::ConnectionRefused | Io::AddrNotAvailable) => {
            TransportErrorKind::Connect
        }
        ureq::Error::Io(e) if lookup_failed(e) => TransportErrorKind::Connect,
        ureq::Error::Timeout(ureq::Timeout::Connect | ureq::Timeout::Resolve) => TransportErrorKind::Connect,
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::Io(e) if matches!(e.kind(), Io::TimedOut | Io::WouldBlock) => TransportErrorKind::Timeout,
        ureq::Error::Io(_) | ureq::Error::Protocol(_) => TransportErrorKind::Io,
        ureq::Error::Tls(_) => TransportErrorKind::Tls,
        #[cfg(feature = "native-tls")]
        ureq::Error::NativeTls(_) => TransportErrorKind::Tls,
        ureq::Error::BodyExceedsLimit(_) => TransportErrorKind::BodyTooLarge,
        ureq::Error::BadUri(_) | ureq::Error::InvalidProxyUrl => TransportErrorKind::InvalidUrl,
        // The proxy refused the tunnel, or it could not be opened: nothing reached the API.
        ureq::Error::ConnectProxyFailed(_) => TransportErrorKind::Connect,
        _ => TransportErrorKind::Other,
    };
    // In the async transport's words, so that both clients say the same of the same answer.
    let message = match &error {
        ureq::Error::BodyExceedsLimit(limit) => Some(body_over_limit(*limit)),
        _ => None,
    }
    .or(message);
    let failure = TransportError::new(kind, message.unwrap_or_else(|| describe(&error)));
    // A proxy asking for credentials asks again on every try (and a proxy that checks them against a
    // directory may lock the account after a few failed ones).
    let failure = match &error {
        ureq::Error::ConnectProxyFailed(reason) if reason.contains(" 407") => failure.lasting(),
        _ => failure,
    };
    match error {
        // ureq's wrapper gives no `source`: the I/O error itself is what a caller looks for.
        ureq::Error::Io(io) => failure.with_source(io),
        other => failure.with_source(other),
    }
}

/// Whether an I/O error is the system's failure to look the host's name up, which ureq's resolver hands
/// over as it is (its `HostNotFound` is only for a name found without an address): nothing was sent. The
/// standard library words it `failed to lookup address information: …` on Unix, and gives the resolver's
/// own error codes on Windows.
fn lookup_failed(error: &std::io::Error) -> bool {
    // WSAHOST_NOT_FOUND, WSATRY_AGAIN, WSANO_RECOVERY, WSANO_DATA.
    if cfg!(windows) && matches!(error.raw_os_error(), Some(11001..=11004)) {
        return true;
    }
    error.to_string().starts_with("failed to lookup address information")
}

/// Whether a TLS failure can only have come from the handshake, before the server read any of the request:
/// the server's certificate refused, nothing offered in common, an alert refusing the handshake (the
/// client's certificate missing or refused, which a TLS 1.3 server says after the client may have
/// written its request, unread: `alert_refuses_handshake`).
/// Any other (a corrupt record, another alert, a malformed message, also what a server that speaks no TLS
/// provokes) may come after the request was sent on the open connection: a request that is not safe to
/// repeat is then not sent again.
#[cfg(feature = "rustls")]
fn handshake_only(error: &rustls::Error) -> bool {
    use rustls::Error as E;
    if let E::AlertReceived(alert) = error {
        return talkover_core::transport::alert_refuses_handshake(u8::from(*alert));
    }
    matches!(
        error,
        E::InvalidCertificate(_)
            | E::NoCertificatesPresented
            | E::UnsupportedNameType
            | E::PeerIncompatible(_)
            | E::NoApplicationProtocol
            | E::InvalidCertRevocationList(_)
            | E::InvalidEncryptedClientHello(_)
            | E::HandshakeNotComplete
            | E::InconsistentKeys(_)
    )
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::thread::JoinHandle;

    use super::*;

    /// A server on loopback for one connection: `answer` gets it (reads bounded by 5 s) and gives what the
    /// test checks.
    fn one_connection<T: Send + 'static>(
        answer: impl FnOnce(&mut TcpStream) -> T + Send + 'static,
    ) -> (SocketAddr, JoinHandle<T>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            answer(&mut stream)
        });
        (address, server)
    }

    /// An `https` request to a server that answers in plain text fails in the TLS handshake, as a TLS
    /// error, on the TLS library the features chose (the platform's with `native-tls`, which ureq takes
    /// only when told): never a panic, nor a request sent in the clear.
    #[test]
    fn https_runs_on_the_tls_library_the_features_chose() {
        let (address, server) = one_connection(|stream| {
            let mut hello = [0u8; 512];
            let read = stream.read(&mut hello).unwrap_or(0);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
            // A TLS handshake starts with a handshake record (22), a plain request with a letter.
            read > 0 && hello[0] == 22
        });
        let config = UreqConfig { timeout: Some(Duration::from_secs(10)), ..UreqConfig::default() };
        let request = http::Request::get(format!("https://{address}/api/v1/agents")).body(Vec::new()).unwrap();
        let error = UreqTransport::with_config(&config).send(request).unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Tls, "{error}");
        assert!(server.join().unwrap(), "the server got no TLS handshake");
    }

    /// A proxy that refuses to open the tunnel to the API (`CONNECT` answered 403, or 407 for credentials)
    /// leaves the request unsent: a connection failure, as the async transport says it, not one that may
    /// have been carried out. A proxy asking for credentials asks again on every try: not tried again.
    #[test]
    fn a_proxy_refusing_the_tunnel_is_a_connection_failure() {
        for (answer, lasting) in [("403 Forbidden", false), ("407 Proxy Authentication Required", true)] {
            let error = refused_tunnel(answer);
            assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
            assert!(error.certainly_not_sent(), "{error}");
            assert_eq!(talkover_core::Error::from(error).is_retryable(), !lasting, "{answer}");
        }
    }

    /// The failure of a request through a proxy that answers its `CONNECT` with `status`.
    fn refused_tunnel(status: &'static str) -> TransportError {
        let (address, proxy) = one_connection(move |stream| {
            // The whole head, then the refusal; the connection is left for the client to close, so that it
            // reads the answer rather than a reset.
            let mut head = Vec::new();
            let mut chunk = [0u8; 1024];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(read) => head.extend_from_slice(&chunk[..read]),
                }
            }
            let _ = stream.write_all(format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n").as_bytes());
            let _ = stream.read(&mut chunk);
            String::from_utf8_lossy(&head).into_owned()
        });
        let proxy_url = ureq::Proxy::new(&format!("http://{address}")).unwrap();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .proxy(Some(proxy_url))
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        let request = http::Request::post("https://127.0.0.1:9/api/v1/calls").body(b"{}".to_vec()).unwrap();
        let error = UreqTransport::from_agent(agent, 1 << 20).send(request).unwrap_err();
        assert!(proxy.join().unwrap().starts_with("CONNECT 127.0.0.1:9 "), "the proxy was asked for a tunnel");
        error
    }

    /// The system's failure to look a host's name up (as the standard library words it on Unix), which
    /// ureq hands over as an I/O error: nothing was sent, so a make-call may be sent again.
    #[test]
    fn a_failed_name_lookup_is_a_connection_failure() {
        let lookup = std::io::Error::other("failed to lookup address information: Name or service not known");
        let error = map_error(ureq::Error::Io(lookup), None);
        assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
        assert!(error.certainly_not_sent(), "{error}");
        let broken = map_error(ureq::Error::Io(std::io::Error::from(std::io::ErrorKind::BrokenPipe)), None);
        assert!(!broken.certainly_not_sent(), "{broken}");
    }
}
