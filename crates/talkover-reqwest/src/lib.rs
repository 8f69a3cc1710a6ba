//! The async transport of the Talkover SDK, on [`reqwest`].
//!
//! It moves bytes and knows nothing about endpoints: every method, header and status comes back as a
//! response. Redirects are not followed, so the bearer token never goes to another host. TLS is rustls
//! with the webpki roots by default (`rustls` feature), or the platform's library (`native-tls`).
#![warn(missing_docs)]
#![forbid(unsafe_code)]

use std::time::Duration;

use talkover_core::transport::{HttpRequest, HttpResponse, Transport};
use talkover_core::{TransportError, TransportErrorKind};

/// The default limit on a response body: 32 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

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
            connect_timeout: Some(Duration::from_secs(10)),
            timeout: Some(Duration::from_secs(60)),
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
}

#[async_trait::async_trait]
impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let request = reqwest::Request::try_from(request)
            .map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()).with_source(e))?;
        let mut response = self.client.execute(request).await.map_err(map_error)?;
        let mut builder = http::Response::builder().status(response.status()).version(response.version());
        if let Some(headers) = builder.headers_mut() {
            *headers = std::mem::take(response.headers_mut());
        }
        let limit = self.max_response_bytes;
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
        builder.body(body).map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()).with_source(e))
    }
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
