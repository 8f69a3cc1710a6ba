//! Building clients: token, base URL, timeouts, retries, user agent, transport. [`crate::ClientBuilder`]
//! (async) and [`crate::blocking::ClientBuilder`] are this module's [`ClientBuilder`], whose methods are
//! the settings of both.

use std::sync::Arc;
use std::time::Duration;

use talkover_core::rate_limit::Pacer;
use talkover_core::transport::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT};
use talkover_core::{BaseUrl, ClientConfig, Error, RetryPolicy, SecretString};

/// The environment variable holding the API token.
pub const TOKEN_ENV: &str = "TALKOVER_TOKEN";
/// The environment variable overriding the base URL.
pub const BASE_URL_ENV: &str = "TALKOVER_BASE_URL";

/// What [`ClientBuilder::from_env`] says of a `TALKOVER_BASE_URL` that is set but empty.
const EMPTY_BASE_URL_ENV: &str =
    "TALKOVER_BASE_URL is set but empty: unset it to use https://app.talkover.ai/api/v1, or give the URL";

mod sealed {
    /// The transport type of one kind of client's builder (`Arc<dyn Transport>` or
    /// `Arc<dyn BlockingTransport>`): the settings only that kind of client takes, and its built-in
    /// transport.
    pub trait Side: Sized {
        /// The settings only this kind of client takes (the async client's `sleep`).
        type Settings: Default;

        /// The built-in transport, for a builder given none.
        fn default_transport(builder: &super::ClientBuilder<Self>) -> Result<Self, super::Error>;
    }
}

pub(crate) use sealed::Side;

/// Builds a client. Get one from [`crate::Client::builder`] or [`crate::blocking::Client::builder`].
#[must_use]
pub struct ClientBuilder<T: Side> {
    pub(crate) token: Option<SecretString>,
    pub(crate) base_url: Option<String>,
    pub(crate) insecure: bool,
    pub(crate) user_agent: Option<String>,
    /// Headers of the caller's own, by name and value, checked when the client is built.
    pub(crate) headers: Vec<(String, String)>,
    /// The built-in transport's settings, `None` when not set (the defaults then apply): set beside a
    /// transport of the caller's own, they would not apply, so `build` refuses them.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_response_bytes: Option<u64>,
    pub(crate) transport: Option<T>,
    pub(crate) retry: RetryPolicy,
    pub(crate) pacer: Option<Arc<Pacer>>,
    pub(crate) side: T::Settings,
}

impl<T: Side> Default for ClientBuilder<T> {
    fn default() -> Self {
        Self {
            token: None,
            base_url: None,
            insecure: false,
            user_agent: None,
            headers: Vec::new(),
            connect_timeout: None,
            timeout: None,
            max_response_bytes: None,
            transport: None,
            retry: RetryPolicy::default(),
            pacer: None,
            side: T::Settings::default(),
        }
    }
}

impl<T: Side> std::fmt::Debug for ClientBuilder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("headers", &self.headers.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>())
            .field("connect_timeout", &self.builtin_connect_timeout())
            .field("timeout", &self.builtin_timeout())
            .field("max_response_bytes", &self.builtin_max_response_bytes())
            .field("custom_transport", &self.transport.is_some())
            .field("retry", &self.retry)
            .field("pacer", &self.pacer.is_some())
            .finish()
    }
}

impl<T: Side> ClientBuilder<T> {
    /// The API token (`talq_…`), alone: the SDK sends it as `Authorization: Bearer <token>`, without the
    /// spaces and line end around it. One that starts with `Bearer ` (copied from a curl line) is refused
    /// when the client is built (`Error::Config` naming `token`, without the token in its message), as are
    /// an empty one, one wrapped in quotes (an env file's, kept by its loader) and one with characters a
    /// header cannot carry.
    pub fn token(mut self, token: impl Into<SecretString>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The base URL (default `https://app.talkover.ai/api/v1`). Plain `http` is accepted only for loopback
    /// hosts.
    ///
    /// It names the API's `/api/v1` root; what its path holds before `/api/v1` (or the whole path, when it
    /// does not end so) is kept as a mount prefix ([`BaseUrl`]). A path ending in another version
    /// (`/api/v2`) or going past the root (`/api/v1/agents`) is refused when the client is built
    /// (`Error::Config` naming `base_url`).
    ///
    /// The built-in transport goes through the proxy the environment names (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, less `NO_PROXY`), but not for a base URL on this machine's loopback (`127.0.0.0/8`,
    /// `[::1]`, `localhost`: the emulator), which a proxy elsewhere cannot reach. Another proxy, a
    /// company's certificate authority or a pool of your own: `.transport(..)` with a client
    /// of your own (`ReqwestTransport::from_client`, `UreqTransport::from_agent`).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Accepts a plain `http` base URL to any host. The token then crosses the network unencrypted.
    pub fn danger_accept_insecure_http(mut self) -> Self {
        self.insecure = true;
        self
    }

    /// Your application's name (and version), sent in the `User-Agent` header before the SDK's own:
    /// `.user_agent("billing-svc/2.3")` sends `billing-svc/2.3 talkover-rust/<version>` (the default is the
    /// SDK's alone). [`ClientConfig::with_user_agent`](talkover_core::ClientConfig::with_user_agent)
    /// replaces the header whole. A value that is not visible ASCII (a line break, a letter beyond ASCII) is
    /// refused when the client is built.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// A header of your own sent with every request (a gateway's key, a correlation id), after any of the
    /// same name given before; see [`ClientConfig::with_header`](talkover_core::ClientConfig::with_header)
    /// for what is refused (the headers the SDK writes itself, those of the connection), when the client
    /// is built. The value is kept out of `Debug` and errors.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Time to open a connection (default 10 s), for the built-in transport; zero is refused when the
    /// client is built. It is held under nine tenths of the [`timeout`](Self::timeout), so that a
    /// connection not opened in time is a `Transport` error of kind `Connect`, certainly not sent (a call
    /// is not placed, and is retried), on both clients: the HTTP clients' bound of the whole exchange,
    /// running out while connecting, does not (reqwest) or not always (ureq) say so.
    ///
    /// A transport given with `transport(...)` (even `ReqwestTransport::from_client` or
    /// `UreqTransport::from_agent`) keeps its own settings: building refuses this setting beside one
    /// (`Error::Config` naming `connect_timeout`) rather than leave it unapplied. Set it on that transport
    /// (on the `reqwest::Client` or `ureq::Agent` it wraps).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time for one whole exchange, from sending to the last byte of the answer (default 60 s), for the
    /// built-in transport. It bounds each attempt: waits between retries (backoff, `Retry-After` up to
    /// 60 s and a second of spread) come on top; [`max_elapsed`](Self::max_elapsed) bounds the whole call. Zero is refused when the
    /// client is built.
    ///
    /// A transport given with `transport(...)` (even `ReqwestTransport::from_client` or
    /// `UreqTransport::from_agent`) keeps its own settings: building refuses this setting beside one
    /// (`Error::Config` naming `timeout`) rather than leave it unapplied. Set the timeout on that transport
    /// (on the `reqwest::Client` or `ureq::Agent` it wraps); [`max_elapsed`](Self::max_elapsed) still
    /// applies to any transport.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The largest answer accepted (default 32 MiB), for the built-in transport; zero is refused when the
    /// client is built.
    ///
    /// A transport given with `transport(...)` keeps its own limit (the one given to
    /// `ReqwestTransport::from_client` or `UreqTransport::from_agent`): building refuses this setting
    /// beside one (`Error::Config` naming `max_response_bytes`) rather than leave it unapplied.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Retries after the first attempt (default 2; 0 turns retrying off).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// The longest a call may spend across its attempts and the waits between them (default none): a
    /// retry whose wait would end later is not made. Each attempt is still bounded by
    /// [`timeout`](Self::timeout), so a call takes at most about this plus one timeout.
    pub fn max_elapsed(mut self, max: Duration) -> Self {
        self.retry.max_elapsed = Some(max);
        self
    }

    /// The whole retry policy (backoff, jitter, `Retry-After` cap, budget), replacing what
    /// [`max_retries`](Self::max_retries) and [`max_elapsed`](Self::max_elapsed) set before it: call them
    /// after this one to change the policy given. With the default budget, each client built takes one of
    /// its own ([`RetryPolicy::for_new_client`]), shared by its clones and the clients derived from it for
    /// the same account, not by other clients built with the same policy; a budget given with
    /// [`RetryPolicy::budget`] is shared by every client given it.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Paces this client's requests by what the answers' rate-limit headers say ([`Pacer`]), so that the
    /// tasks or threads sharing the client (and whatever else is given the same pacer: other clients of
    /// the same account, a worker pool) wait their turn rather than all meet the limit and wait it out
    /// together: after a `429`, or an answer saying the window is spent, every request waits for the
    /// window's reset before it is sent; the requests left in a window are spread over what remains of
    /// it (100 left for 60 s: one every 0.6 s). Off by default: requests then go when they are made, and
    /// each one that meets the limit waits as its own `429` asks.
    ///
    /// A request waits its turn once the SDK's checks have passed (one it refuses fails at once), within
    /// the call's [`max_elapsed`](Self::max_elapsed), after which it is sent. A client derived for another
    /// account (`with_token`, `with_config`) paces on a pacer of its own. The waits are the client's own
    /// (Tokio's timer, the thread's sleep, or the builder's `sleep`); an async client with none it can use
    /// (no `reqwest` feature and no `sleep`, or polled outside Tokio) sends without waiting its turn.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use talkover::rate_limit::Pacer;
    /// let pacer = Arc::new(Pacer::new());
    /// let client = talkover::blocking::Client::builder().token("talq_example").pacer(pacer.clone());
    /// let also = talkover::Client::builder().token("talq_example").pacer(pacer);
    /// ```
    pub fn pacer(mut self, pacer: Arc<Pacer>) -> Self {
        self.pacer = Some(pacer);
        self
    }

    /// Reads `TALKOVER_TOKEN` and, when set, `TALKOVER_BASE_URL`.
    ///
    /// A `TALKOVER_BASE_URL` that is set but empty (`TALKOVER_BASE_URL=$STAGING_URL` with no
    /// `STAGING_URL`) is a configuration error, not the default: taken as unset, it would send the requests
    /// meant for a test server to the API itself. Unset it to use the default. A variable that is not
    /// UTF-8 is an error too.
    // A builder step of the public API (the type is public through the `ClientBuilder` aliases, which
    // clippy does not see as exported): the name says where the settings come from.
    #[allow(clippy::wrong_self_convention)]
    pub fn from_env(mut self) -> Result<Self, Error> {
        use std::env::VarError;
        let token = match std::env::var(TOKEN_ENV) {
            Ok(token) => token,
            Err(VarError::NotPresent) => return Err(config_error("token", "TALKOVER_TOKEN is not set")),
            Err(VarError::NotUnicode(_)) => return Err(config_error("token", "TALKOVER_TOKEN is not UTF-8")),
        };
        self.token = Some(SecretString::from(token));
        match std::env::var(BASE_URL_ENV) {
            Ok(url) if url.trim().is_empty() => return Err(config_error("base_url", EMPTY_BASE_URL_ENV)),
            Ok(url) => self.base_url = Some(url),
            Err(VarError::NotPresent) => {}
            Err(VarError::NotUnicode(_)) => return Err(config_error("base_url", "TALKOVER_BASE_URL is not UTF-8")),
        }
        Ok(self)
    }

    /// The connect timeout of the built-in transport: as set, else the default.
    pub(crate) fn builtin_connect_timeout(&self) -> Duration {
        self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT)
    }

    /// The timeout of one exchange on the built-in transport: as set, else the default.
    pub(crate) fn builtin_timeout(&self) -> Duration {
        self.timeout.unwrap_or(DEFAULT_TIMEOUT)
    }

    /// The largest answer the built-in transport accepts: as set, else the default.
    pub(crate) fn builtin_max_response_bytes(&self) -> u64 {
        self.max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES)
    }

    /// Whether the built-in transport goes through the environment's proxy: not for a base URL on this
    /// machine's loopback ([`is_loopback_url`](talkover_core::config::is_loopback_url)), as Go's `net/http`
    /// never proxies `localhost` or a loopback address: a proxy elsewhere would reach its own loopback, not
    /// this one, and a plain-http request would carry the token to it in the clear.
    #[cfg_attr(not(any(reqwest_transport, ureq_transport)), allow(dead_code))]
    pub(crate) fn builtin_proxy_from_env(&self) -> bool {
        !self.base_url.as_deref().is_some_and(talkover_core::config::is_loopback_url)
    }

    /// Refuses the built-in transport's settings beside a transport of the caller's own, which would not
    /// apply them: a timeout that silently does nothing is worse than an error saying where it belongs.
    /// Called by `build` before the built-in transport is made.
    pub(crate) fn check_transport_settings(&self) -> Result<(), Error> {
        if self.transport.is_none() {
            return Ok(());
        }
        let set = [
            ("timeout", self.timeout.is_some()),
            ("connect_timeout", self.connect_timeout.is_some()),
            ("max_response_bytes", self.max_response_bytes.is_some()),
        ];
        match set.into_iter().find(|(_, is_set)| *is_set) {
            Some((setting, _)) => Err(Error::config(
                setting,
                format!(
                    "`{setting}` is a setting of the built-in transport, and a transport of your own was given \
                     with `transport(...)`, which would not apply it: set it on that transport instead (on the \
                     `reqwest::Client` of `ReqwestTransport::from_client` or the `ureq::Agent` of \
                     `UreqTransport::from_agent`, whose answer limit is their second argument)"
                ),
            )),
            None => Ok(()),
        }
    }

    pub(crate) fn client_config(&self) -> Result<ClientConfig, Error> {
        // Settings no call could succeed with are refused here, not by every call after.
        if self.builtin_timeout().is_zero() {
            return Err(config_error("timeout", "a timeout of zero leaves no time for any exchange"));
        }
        if self.builtin_connect_timeout().is_zero() {
            return Err(config_error("connect_timeout", "a timeout of zero leaves no time to connect"));
        }
        if self.builtin_max_response_bytes() == 0 {
            return Err(config_error("max_response_bytes", "a limit of zero bytes refuses every answer with a body"));
        }
        let token = self.token.clone().ok_or_else(|| config_error("token", "no token was given"))?;
        let mut config = ClientConfig::new(token)?;
        if let Some(url) = &self.base_url {
            let base = if self.insecure { BaseUrl::parse_insecure(url)? } else { BaseUrl::parse(url)? };
            config = config.with_base_url(base);
        }
        if let Some(app) = self.user_agent.as_deref().map(str::trim).filter(|app| !app.is_empty()) {
            config = config.with_user_agent(&format!("{app} {}", talkover_core::config::DEFAULT_USER_AGENT))?;
        }
        for (name, value) in &self.headers {
            config = config.with_header(name, value)?;
        }
        Ok(config)
    }
}

pub(crate) fn config_error(field: &'static str, message: &str) -> Error {
    Error::config(field, message)
}
