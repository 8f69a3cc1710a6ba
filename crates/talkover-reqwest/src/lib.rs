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

use std::time::Duration;

use talkover_core::transport::{HttpRequest, HttpResponse, Transport};
use talkover_core::{TransportError, TransportErrorKind};

pub use talkover_core::transport::DEFAULT_MAX_RESPONSE_BYTES;
use talkover_core::transport::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};

/// Timeouts and limits of a [`ReqwestTransport`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ReqwestConfig {
    /// Time to open a connection.
    pub connect_timeout: Option<Duration>,
    /// Time for a whole exchange, from sending to the last byte of the answer.
    pub timeout: Option<Duration>,
    /// The largest answer accepted.
    pub max_response_bytes: u64,
}

impl Default for ReqwestConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            timeout: Some(DEFAULT_TIMEOUT),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

/// A [`Transport`] on a [`reqwest::Client`] (which pools connections).
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: u64,
}

impl ReqwestTransport {
    /// A transport with the default timeouts and limits.
    pub fn new() -> Result<Self, TransportError> {
        Self::with_config(&ReqwestConfig::default())
    }

    /// A transport with the given timeouts and limits.
    pub fn with_config(config: &ReqwestConfig) -> Result<Self, TransportError> {
        let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
        #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
        {
            builder = builder.tls_backend_preconfigured(rustls_config()?);
        }
        if let Some(timeout) = config.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        if let Some(timeout) = config.timeout {
            builder = builder.timeout(timeout);
        }
        let client = builder
            .build()
            .map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()).with_source(e))?;
        Ok(Self { client, max_response_bytes: config.max_response_bytes })
    }

    /// A transport on a client you configured. Disable redirects on it
    /// (`redirect::Policy::none()`) unless you have a reason not to.
    pub fn from_client(client: reqwest::Client, max_response_bytes: u64) -> Self {
        Self { client, max_response_bytes }
    }

    /// Sends one request, as [`Transport::send`] does, without boxing its future: a caller that knows it
    /// holds this transport (the SDK's async client on its built-in transport) saves an allocation per
    /// request.
    pub async fn send_request(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        // The conversion is a plain function and the body is read by another `async fn`, so that no local
        // of either is kept in this future: one lives per request in flight, and its size counts.
        let response = self.client.execute(to_reqwest(request)?).await.map_err(map_error)?;
        read_answer(response, self.max_response_bytes).await
    }
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
        .map_err(|e| TransportError::new(TransportErrorKind::Tls, e.to_string()).with_source(e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

#[async_trait::async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.send_request(request).await
    }
}

/// The request for reqwest, built in place: `reqwest::Request::try_from` formats the URI with `Display`
/// before parsing it, and gives a body-less GET an empty body to poll.
fn to_reqwest(request: HttpRequest) -> Result<reqwest::Request, TransportError> {
    let (parts, body) = request.into_parts();
    let url = reqwest::Url::parse(&uri_text(&parts.uri))
        .map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()).with_source(e))?;
    let mut request = reqwest::Request::new(parts.method, url);
    *request.headers_mut() = parts.headers;
    *request.version_mut() = parts.version;
    if !body.is_empty() {
        *request.body_mut() = Some(body.into());
    }
    Ok(request)
}

/// Reads the whole answer, up to `limit` bytes.
async fn read_answer(mut response: reqwest::Response, limit: u64) -> Result<HttpResponse, TransportError> {
    let (status, version) = (response.status(), response.version());
    let headers = std::mem::take(response.headers_mut());
    let mut body = Vec::with_capacity(response.content_length().unwrap_or(0).min(limit) as usize);
    while let Some(chunk) = response.chunk().await.map_err(map_error)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(TransportError::new(
                TransportErrorKind::BodyTooLarge,
                format!("the answer is larger than the limit of {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let mut answer = http::Response::new(body);
    *answer.status_mut() = status;
    *answer.version_mut() = version;
    *answer.headers_mut() = headers;
    Ok(answer)
}

/// The URI as text, from its parts (no formatting machinery).
fn uri_text(uri: &http::Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("https");
    let authority = uri.authority().map_or("", |a| a.as_str());
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut text = String::with_capacity(scheme.len() + 3 + authority.len() + path.len());
    text.push_str(scheme);
    text.push_str("://");
    text.push_str(authority);
    text.push_str(path);
    text
}

fn map_error(error: reqwest::Error) -> TransportError {
    let kind = if error.is_connect() {
        // Includes DNS failures and TLS handshakes: nothing of the request was sent.
        TransportErrorKind::Connect
    } else if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_request() || error.is_body() || error.is_decode() {
        TransportErrorKind::Io
    } else {
        TransportErrorKind::Other
    };
    TransportError::new(kind, error.to_string()).with_source(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_default_transport_builds_and_reports_a_refused_connection() {
        // Building configures TLS (rustls and the webpki roots, under `rustls`), and an HTTPS request to a
        // closed loopback port fails as a connection error.
        let transport = ReqwestTransport::new().expect("the default transport builds");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let request = http::Request::get(format!("https://127.0.0.1:{port}/api/v1/health")).body(Vec::new()).unwrap();
        let error = transport.send_request(request).await.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
    }
}
