//! What every request needs besides the operation: where to send it and who sends it.

use http::HeaderValue;
use std::time::Duration;

use crate::error::Error;
use crate::secret::SecretString;

/// The production API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://app.talkover.ai/api/v1";

/// The `User-Agent` the SDK sends unless told otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("talkover-rust/", env!("CARGO_PKG_VERSION"));

/// Where the API lives.
///
/// The base URL names the `/api/v1` root (`https://app.talkover.ai/api/v1`). Operation paths are documented
/// from the host root (`/api/v1/agents`, and `/api/user` for the one operation outside v1), so the SDK keeps
/// whatever the base URL has *before* `/api/v1` as a mount prefix and appends the documented path to it:
/// `http://127.0.0.1:8080` and `http://127.0.0.1:8080/api/v1` both reach `/api/v1/agents` and `/api/user`,
/// and `https://proxy.example/talkover/api/v1` reaches `/talkover/api/v1/agents` and `/talkover/api/user`.
///
/// A path that does not end in `/api/v1` is kept whole as the prefix: `https://gateway.example/talkover`
/// reaches `/talkover/api/v1/agents`. Paths that can only be mistakes are refused with [`Error::Config`]
/// naming `base_url`: one ending in another version of the API (`/api/v2`: this SDK speaks `/api/v1`, and
/// the prefix would send `/api/v2/api/v1/agents`), one going past the root (`/api/v1/agents`), the root
/// in another case (`/API/V1`), and one cut short at `/api` (it would send `/api/api/v1/agents`, and every
/// answer would be a 404 that reads as "no such resource"; a gateway that mounts the API under `/api` is
/// written `…/api/api/v1`).
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::BaseUrl;
///
/// assert_eq!(BaseUrl::parse("https://gateway.example/talkover/api/v1").unwrap().prefix(), "/talkover");
/// assert_eq!(BaseUrl::parse("https://gateway.example/api/api/v1").unwrap().prefix(), "/api");
/// assert!(BaseUrl::parse("https://app.talkover.ai/api").is_err());
/// assert!(BaseUrl::parse("http://127.0.0.1:8080/api/v2").is_err());
/// assert!(BaseUrl::parse("https://app.talkover.ai/api/v1/agents").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    origin: String,
    prefix: String,
    // The origin parsed, so that a request's URI is put together from parts rather than parsed whole.
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
}

impl BaseUrl {
    /// Parses a base URL. `https` is required, except for loopback hosts (`127.0.0.0/8`, `::1`,
    /// `localhost`), where plain `http` is accepted.
    pub fn parse(url: &str) -> Result<Self, Error> {
        Self::parse_inner(url, false)
    }

    /// Parses a base URL and accepts plain `http` to any host. The token then crosses the network
    /// unencrypted: use this only on a network you trust.
    pub fn parse_insecure(url: &str) -> Result<Self, Error> {
        Self::parse_inner(url, true)
    }

    fn parse_inner(url: &str, allow_insecure: bool) -> Result<Self, Error> {
        let invalid = |message: &str| Error::config("base_url", message);
        // `127.0.0.1:8080/api/v1` or `api.example.com/api/v1`: what is missing is the scheme.
        const NO_SCHEME: &str = "the URL has no scheme: write it with https:// (or http:// for a loopback host)";
        if !url.contains("://") {
            return Err(invalid(NO_SCHEME));
        }
        let uri: http::Uri = url.trim().parse().map_err(|_| invalid("not a valid URL"))?;
        let scheme = uri.scheme().ok_or_else(|| invalid(NO_SCHEME))?;
        let authority = uri.authority().ok_or_else(|| invalid("the URL has no host"))?;
        if uri.query().is_some() {
            return Err(invalid("the base URL cannot have a query string"));
        }
        // A password in the URL would print wherever the URL does (`Debug`, logs, errors).
        if authority.as_str().contains('@') {
            return Err(invalid(
                "the base URL cannot carry credentials; the token is sent in the Authorization header",
            ));
        }
        match scheme.as_str() {
            "https" => {}
            "http" if allow_insecure || is_loopback_host(authority.host()) => {}
            "http" => {
                return Err(invalid(
                    "plain http is accepted only for loopback hosts; use https, or on a trusted network \
                     `danger_accept_insecure_http()` on the client builder (`BaseUrl::parse_insecure` here)",
                ))
            }
            _ => return Err(invalid("the scheme must be https or http")),
        }
        let path = uri.path().trim_end_matches('/');
        // A URL parser folds such a segment away (reqwest's does, then refuses the request), another sends
        // it as written: the two clients would ask for different paths.
        if let Some(dots) = crate::transport::dot_segment(path) {
            return Err(invalid(&format!(
                "the path has a `{dots}` segment, which HTTP clients resolve differently: write the path without it"
            )));
        }
        if let Some(problem) = misplaced_version(path) {
            return Err(invalid(&problem));
        }
        let prefix = path.strip_suffix("/api/v1").unwrap_or(path).to_owned();
        Ok(Self {
            origin: format!("{scheme}://{authority}"),
            prefix,
            scheme: scheme.clone(),
            authority: authority.clone(),
        })
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The path the API is mounted under, before `/api` (empty for the production API).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The URI of `path_and_query` (which starts with [`prefix`](Self::prefix)) on this origin.
    pub(crate) fn uri(&self, path_and_query: String) -> Result<http::Uri, http::Error> {
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(http::uri::PathAndQuery::try_from(path_and_query)?);
        Ok(http::Uri::from_parts(parts)?)
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        Self::parse(DEFAULT_BASE_URL).expect("the default base URL is valid")
    }
}

/// What is wrong with a base URL's path (trailing slashes trimmed) that names the API's version but not
/// as its end: another version (`/api/v2`), or a path past the root (`/api/v1/agents`). Either would be
/// kept as a mount prefix in front of `/api/v1/…`, which can only be a mistake. Any other path is a prefix.
fn misplaced_version(path: &str) -> Option<String> {
    if path.ends_with("/api/v1") {
        return None;
    }
    let segments: Vec<&str> = path.split('/').collect();
    // The API's root written in another case, or cut short at `/api`: kept as a mount prefix, it would
    // make every request miss (`…/api/api/v1/agents`), and a 404 would read as "no such resource".
    if let [.., api, v1] = segments.as_slice() {
        if api.eq_ignore_ascii_case("api") && v1.eq_ignore_ascii_case("v1") {
            return Some(format!(
                "the path ends in `/{api}/{v1}`: the API's root is `/api/v1`, in lower case (paths are \
                 case-sensitive)"
            ));
        }
    }
    if let [.., last] = segments.as_slice() {
        if last.eq_ignore_ascii_case("api") {
            return Some(format!(
                "the path ends in `/{last}`, so requests would go to `…/{last}/api/v1/agents`: give the URL up \
                 to `/api/v1`, or the host alone (a gateway that mounts the API under `/{last}` is written \
                 `…/{last}/api/v1`)"
            ));
        }
    }
    if let [.., "api", version] = segments.as_slice() {
        let numbered = version.len() > 1
            && version.starts_with(['v', 'V'])
            && version[1..].starts_with(|c: char| c.is_ascii_digit());
        if numbered {
            return Some(format!(
                "the path ends in `/api/{version}`, and this SDK speaks the API's `/api/v1` (it would send \
                 `…/api/{version}/api/v1/agents`): give the URL up to `/api/v1`, or the host alone"
            ));
        }
    }
    if segments.windows(2).any(|pair| pair == ["api", "v1"]) {
        return Some(
            "the path goes on past the API's root `/api/v1`: give the URL up to `/api/v1`, or the host alone; \
             operation paths are added to it"
                .to_owned(),
        );
    }
    None
}

/// Whether `host`, as a URL writes it, is this machine's loopback: `localhost` (any case), an address of
/// `127.0.0.0/8`, `::1`, or a `127.0.0.0/8` address mapped into IPv6 (`::ffff:127.0.0.1`), in brackets or
/// not. Only names the machine answers itself: not `localhost.` or a name under `localhost`, which a
/// resolver may ask the network's DNS for. Plain `http` is accepted for these hosts, and the built-in
/// transports send their requests past the environment's proxy, which could not reach this machine's
/// loopback.
///
/// ```
/// use talkover_core::config::is_loopback_host;
///
/// assert!(is_loopback_host("127.0.0.1") && is_loopback_host("[::1]") && is_loopback_host("LocalHost"));
/// assert!(is_loopback_host("[::ffff:127.0.0.1]") && is_loopback_host("127.1.2.3"));
/// assert!(!is_loopback_host("app.localhost") && !is_loopback_host("localhost.") && !is_loopback_host("10.0.0.1"));
/// ```
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

/// Whether `url` is an `http` or `https` URL whose host is this machine's loopback
/// ([`is_loopback_host`]); `false` for any other text.
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(uri) = url.trim().parse::<http::Uri>() else { return false };
    let web = uri.scheme_str().is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"));
    web && uri.host().is_some_and(is_loopback_host)
}

/// The settings every request is built with.
#[derive(Clone)]
pub struct ClientConfig {
    base_url: BaseUrl,
    authorization: HeaderValue,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    /// Headers of the caller's own, sent with every request ([`ClientConfig::with_header`]). Boxed, and
    /// `None` without any: a client's every request reads its configuration, which stays small so.
    headers: Option<Box<http::HeaderMap>>,
}

impl ClientConfig {
    /// A configuration for the given token, on the production API.
    ///
    /// The token is given alone (`talq_…`), as the dashboard shows it: the SDK sends it as
    /// `Authorization: Bearer <token>`. Spaces and line ends around it are dropped (a token read from a
    /// file keeps its line end). An empty token, one with anything but ASCII letters, digits and
    /// punctuation (a space, a typographic dash or quote from copying, a control character), one that
    /// starts with `Bearer ` (copied from a curl line) and one wrapped in quotes (`"talq_…"`, as some
    /// `.env` loaders and `--env-file` keep them) are refused with [`Error::Config`] naming `token`; the
    /// message never holds the token.
    pub fn new(token: impl Into<SecretString>) -> Result<Self, Error> {
        Ok(Self {
            base_url: BaseUrl::default(),
            authorization: authorization(&token.into())?,
            user_agent: HeaderValue::from_static(DEFAULT_USER_AGENT),
            timeout: None,
            headers: None,
        })
    }

    /// Sets the token, checked as [`ClientConfig::new`] checks it: for another account's requests on the
    /// same base URL and settings.
    pub fn with_token(mut self, token: impl Into<SecretString>) -> Result<Self, Error> {
        self.authorization = authorization(&token.into())?;
        Ok(self)
    }

    /// Sets the base URL.
    pub fn with_base_url(mut self, base_url: BaseUrl) -> Self {
        self.base_url = base_url;
        self
    }

    /// Sets the `User-Agent` header whole, in place of [`DEFAULT_USER_AGENT`] (the clients' builders put an
    /// application's name before it instead). Refused, with [`Error::Config`] naming `user_agent`: a value
    /// that is not visible ASCII (spaces inside it aside), which HTTP keeps only for old servers and some
    /// proxies and firewalls refuse (`Müller-App/1.0`: write `Mueller-App/1.0`).
    pub fn with_user_agent(mut self, user_agent: &str) -> Result<Self, Error> {
        let visible = user_agent.bytes().all(|b| b == b' ' || b.is_ascii_graphic());
        self.user_agent = HeaderValue::from_str(user_agent).ok().filter(|_| visible).ok_or_else(|| {
            Error::config("user_agent", "not visible ASCII text (letters, digits, punctuation and spaces)")
        })?;
        Ok(self)
    }

    /// Adds a header of your own to every request built with this configuration, after any of the same
    /// name added before: a gateway's key, a correlation id, a tracing context (`traceparent`). Refused,
    /// with [`Error::Config`] naming `header` (the message holds neither the name nor the value): the
    /// headers the SDK writes itself (`Authorization`, `User-Agent`, `Accept`, `Content-Type`), those of
    /// the connection or a proxy (`Host`, `Content-Length`, `Transfer-Encoding`, `Connection`,
    /// `Keep-Alive`, `TE`, `Upgrade`, `Expect`, `Proxy-Authorization`, `Proxy-Connection`), those that
    /// would change what the answer or the request is (`Accept-Encoding`, `Content-Encoding`, `Range`,
    /// the `X-HTTP-Method-Override` family), a name no header can have, and a value that is not visible
    /// ASCII (spaces and tabs inside it aside; around it they are trimmed). Every value is taken for a
    /// secret: kept out of `Debug` and recordings, and, where an answer echoes one of 8 characters or more
    /// (shorter ones are not searched for, as with every secret), out of errors and tracing, as the
    /// token is; so a correlation id the server echoes as its request id reads `[redacted]` there.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::ClientConfig;
    ///
    /// let config = ClientConfig::new("talq_example_token")?.with_header("x-correlation-id", " req-7f3a ")?;
    /// assert_eq!(config.headers()["x-correlation-id"], "req-7f3a");
    /// assert!(config.clone().with_header("authorization", "Basic abc").is_err());
    /// assert!(!format!("{config:?}").contains("req-7f3a"));
    /// # Ok::<(), talkover::Error>(())
    /// ```
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self, Error> {
        let refused = |message: String| Error::config("header", message);
        // The name is not quoted where it is refused: a whole header line given as the name would be.
        let name = http::HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| refused("not a header name (letters, digits and `-` only)".to_owned()))?;
        if RESERVED_HEADERS.contains(&name.as_str()) {
            let message = format!("`{name}` is written by the SDK or the connection, or changes what the request is");
            return Err(refused(message));
        }
        let value = value.trim_matches([' ', '\t']);
        let visible = value.bytes().all(|b| b == b' ' || b == b'\t' || b.is_ascii_graphic());
        let mut value = HeaderValue::from_str(value)
            .ok()
            .filter(|_| visible)
            .ok_or_else(|| refused(format!("the value of `{name}` is not visible ASCII text")))?;
        value.set_sensitive(true);
        self.headers.get_or_insert_with(Default::default).append(name, value);
        Ok(self)
    }

    /// The headers of your own every request carries ([`ClientConfig::with_header`]), in order.
    pub fn headers(&self) -> &http::HeaderMap {
        static NONE: std::sync::LazyLock<http::HeaderMap> = std::sync::LazyLock::new(http::HeaderMap::new);
        self.headers.as_deref().unwrap_or(&NONE)
    }

    /// The headers of your own, `None` where there are none.
    pub(crate) fn own_headers(&self) -> Option<&http::HeaderMap> {
        self.headers.as_deref()
    }

    /// Bounds each request's whole exchange by `timeout` in place of the transport's own bound: the
    /// requests built with this configuration carry a [`RequestTimeout`](crate::transport::RequestTimeout),
    /// which the SDK's transports honour. Each attempt of a retried call has the whole of it.
    /// `Duration::ZERO` removes the bound: the transport's applies again (a zero bound would fail every
    /// request, some after they were sent).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = (!timeout.is_zero()).then_some(timeout);
        self
    }

    /// The bound set by [`ClientConfig::with_timeout`]; `None` leaves it to the transport (for the
    /// `talkover` crate's built-in ones, the builder's `timeout`: the client's `timeout()` says which
    /// applies).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// The `Authorization` header value (marked sensitive, so `http` never prints it).
    pub fn authorization(&self) -> &HeaderValue {
        &self.authorization
    }

    /// The `User-Agent` header value.
    pub fn user_agent(&self) -> &HeaderValue {
        &self.user_agent
    }

    /// Removes this configuration's token from an error's texts (see [`Error::redact_secret`]): for errors
    /// of answers to requests built with it, in case the API echoed the token.
    pub fn redact(&self, error: Error) -> Error {
        self.redact_with(error, &[])
    }

    /// Marks the headers of a successful answer that echo this configuration's token, or hold credentials,
    /// sensitive, so that `Debug` of them (of a [`WithResponse`](crate::operation::WithResponse)) shows
    /// `Sensitive`, as an error's headers do.
    pub fn hide_in_headers(&self, headers: &mut http::HeaderMap) {
        // No list made where the token is all there is (every call of `execute_with_response` comes here).
        match self.headers {
            None => crate::error::mark_secret_headers(headers, self.token_text().as_slice()),
            Some(_) => crate::error::mark_secret_headers(headers, &self.secret_texts()),
        }
    }

    /// `text` from an answer (a header's value, such as its request id) without this configuration's token
    /// or credential-like text (`Bearer …`, `talq_…`), which a server echoing the request may have put
    /// there: as the clients' tracing events record it.
    pub fn hide_in_text(&self, text: &str) -> String {
        let shown = crate::secret::redacted(text, &self.secret_texts());
        crate::secret::redact_credentials(&shown).into_owned()
    }

    /// The token, as it stands in the `Authorization` header's value.
    fn token_text(&self) -> Option<&str> {
        self.authorization.to_str().ok().and_then(|value| value.strip_prefix("Bearer "))
    }

    /// What every request carries that an answer must not show: the token, and the values of the caller's
    /// own headers (a gateway's key).
    fn secret_texts(&self) -> Vec<&str> {
        let own = self.headers().values().filter_map(|value| value.to_str().ok());
        self.token_text().into_iter().chain(own).collect()
    }

    /// [`ClientConfig::redact`], hiding `others` too (the secrets a request carries: a webhook secret, a
    /// password), in one pass.
    pub fn redact_with(&self, error: Error, others: &[&str]) -> Error {
        let mut secrets = self.secret_texts();
        secrets.extend_from_slice(others);
        if secrets.is_empty() {
            error
        } else {
            error.redact_secrets(&secrets)
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &"[redacted]")
            .field("user_agent", &self.user_agent)
            .field("timeout_override", &self.timeout)
            .field("headers", &self.headers().keys().map(http::HeaderName::as_str).collect::<Vec<_>>())
            .finish()
    }
}

/// The headers [`ClientConfig::with_header`] refuses: those the SDK writes, those of the connection or a
/// proxy, and those that would change what the request or its answer is. The recorder takes every other
/// header of a request for one of the caller's own.
pub(crate) const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "accept",
    "content-type",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "upgrade",
    "expect",
    "proxy-authorization",
    "proxy-connection",
    "accept-encoding",
    "content-encoding",
    "range",
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
];

fn authorization(token: &SecretString) -> Result<HeaderValue, Error> {
    let invalid = |message: &str| Error::config("token", message);
    let token = token.expose_secret().trim();
    if token.is_empty() {
        return Err(invalid("the token is empty"));
    }
    // A token copied with what comes before it on a curl line (`-H "Authorization: Bearer talq_…"`) would
    // be sent as `Bearer Bearer talq_…` and answered with a bare 401. Said without echoing the token.
    let first_word = token.split_once(char::is_whitespace).map(|(first, _)| first);
    if first_word.is_some_and(|word| word.eq_ignore_ascii_case("bearer")) {
        return Err(invalid("the token starts with `Bearer `: pass the token without `Bearer ` (the SDK adds it)"));
    }
    // `TALKOVER_TOKEN="talq_…"` read by a loader that keeps the quotes (docker's `--env-file` does): sent
    // so, the token would be answered with a bare 401.
    let quoted = |q: char| token.len() >= 2 && token.starts_with(q) && token.ends_with(q);
    if quoted('"') || quoted('\'') {
        return Err(invalid(if token.len() == 2 {
            "the token is empty (two quotes and nothing between them)"
        } else {
            "the token is wrapped in quotes: pass it without them (an env file's quotes are kept by some loaders)"
        }));
    }
    if first_word.is_some_and(|word| word.eq_ignore_ascii_case("authorization:")) {
        return Err(invalid(
            "the token starts with `Authorization:`: pass the token alone, without `Authorization: Bearer ` \
             (the SDK sends that header)",
        ));
    }
    // A token is ASCII letters, digits and punctuation. `http` takes bytes past ASCII in a header value,
    // which an HTTP client may then refuse to send (ureq fails the exchange as if the connection broke):
    // a character changed in copying (a typographic dash or quote) is refused here, before anything is sent.
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "the token contains characters not allowed in a header (a token is ASCII letters, digits and \
             punctuation, without spaces: was a character changed when it was copied?)",
        ));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|_| invalid("the token contains characters not allowed in a header"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_keep_their_mount_prefix() {
        let url = BaseUrl::parse("https://app.talkover.ai/api/v1/").unwrap();
        assert_eq!((url.origin(), url.prefix()), ("https://app.talkover.ai", ""));
        let url = BaseUrl::parse("http://127.0.0.1:8080").unwrap();
        assert_eq!((url.origin(), url.prefix()), ("http://127.0.0.1:8080", ""));
        let url = BaseUrl::parse("https://proxy.example/talkover/api/v1").unwrap();
        assert_eq!(url.prefix(), "/talkover");
        assert!(BaseUrl::parse("http://[::1]:9/api/v1").is_ok());
        assert!(BaseUrl::parse("http://localhost/api/v1").is_ok());
    }

    #[test]
    fn a_path_naming_another_version_or_past_the_root_is_refused() {
        for url in [
            "http://127.0.0.1:8080/api/v2",
            "http://127.0.0.1:8080/api/v2/",
            "https://proxy.example/talkover/api/v0",
            "https://app.talkover.ai/api/v1/agents",
            "https://app.talkover.ai/api/v1/agents/",
            "http://127.0.0.1:8080/api",
            "http://127.0.0.1:8080/api/",
            "https://app.talkover.ai/API/V1",
            "https://gateway.example/talkover/Api",
        ] {
            let Err(Error::Config(err)) = BaseUrl::parse(url) else { panic!("accepted: {url}") };
            assert_eq!(err.setting(), "base_url", "{url}");
            assert!(err.message().contains("`/api/v1`"), "{url}: {err}");
            assert!(!err.message().contains("//"), "{url}: {err}");
        }
        let err = BaseUrl::parse("http://127.0.0.1:8080/api/v2").unwrap_err();
        assert!(err.to_string().contains("`/api/v2`"), "{err}");
        // Any other path is a mount prefix, kept whole.
        for (url, prefix) in [
            ("https://gateway.example/api/api/v1", "/api"),
            ("https://gateway.example/api/talkover", "/api/talkover"),
            ("https://gateway.example/api/v1/talkover/api/v1", "/api/v1/talkover"),
            ("https://gateway.example/version/v2", "/version/v2"),
        ] {
            assert_eq!(BaseUrl::parse(url).unwrap().prefix(), prefix, "{url}");
        }
    }

    #[test]
    fn a_path_with_a_dot_segment_is_refused() {
        for url in [
            "https://gateway.example/gw/../",
            "https://gateway.example/gw/./api/v1",
            "https://gateway.example/gw/%2E%2e/api/v1",
            "http://127.0.0.1:8080/..",
        ] {
            let Err(Error::Config(err)) = BaseUrl::parse(url) else { panic!("accepted: {url}") };
            assert!(err.message().contains("segment"), "{url}: {err}");
        }
        let kept = BaseUrl::parse("https://gateway.example/v1.2/.well/...").unwrap();
        assert_eq!(kept.prefix(), "/v1.2/.well/...");
    }

    #[test]
    fn a_user_agent_beyond_visible_ascii_is_refused() {
        let config = ClientConfig::new("talq_example_token").unwrap();
        for refused in ["Müller-App/1.0", "東京アプリ/1.0", "app\t1.0", "app\r\nX-Evil: 1"] {
            let Err(Error::Config(err)) = config.clone().with_user_agent(refused) else { panic!("{refused:?}") };
            assert_eq!(err.setting(), "user_agent", "{refused:?}");
        }
        let named = config.with_user_agent("Mueller-App/1.0 (billing; +https://example.com)").unwrap();
        assert_eq!(named.user_agent(), "Mueller-App/1.0 (billing; +https://example.com)");
    }

    #[test]
    fn plain_http_needs_loopback_or_an_explicit_opt_in() {
        let err = BaseUrl::parse("http://api.example.com/api/v1").unwrap_err();
        assert!(err.to_string().contains("base_url"), "{err}");
        assert!(BaseUrl::parse_insecure("http://api.example.com/api/v1").is_ok());
        assert!(BaseUrl::parse("ftp://x/api/v1").is_err());
        assert!(BaseUrl::parse("not a url").is_err());
        // Loopback addresses, mapped into IPv6 too; not names a resolver may ask the network for.
        for url in
            ["http://127.0.0.1:8080", "http://[::1]:8080", "http://LOCALHOST:8080", "http://[::ffff:127.0.0.1]:1"]
        {
            assert!(BaseUrl::parse(url).is_ok(), "{url}");
        }
        for url in ["http://app.localhost:8080", "http://localhost.:8080", "http://[::ffff:10.0.0.1]:1"] {
            assert!(BaseUrl::parse(url).is_err(), "{url}");
        }
    }

    #[test]
    fn a_base_url_without_its_scheme_is_told_to_add_one() {
        for url in ["127.0.0.1:8080/api/v1", "app.talkover.ai/api/v1", "localhost:8080"] {
            let Err(Error::Config(err)) = BaseUrl::parse(url) else { panic!("accepted: {url}") };
            assert!(err.message().contains("no scheme") && err.message().contains("https://"), "{url}: {err}");
        }
    }

    #[test]
    fn a_base_url_with_credentials_is_refused_without_echoing_them() {
        let err = BaseUrl::parse("https://user:hunter2@app.talkover.ai/api/v1").unwrap_err();
        assert!(err.to_string().contains("credentials"), "{err}");
        assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
    }

    #[test]
    fn the_token_never_prints_and_cannot_inject_headers() {
        let config = ClientConfig::new("talq_secret_value").unwrap();
        // Marked sensitive: `Debug` of a built request, in a log of one's own, shows `Sensitive`.
        assert!(config.authorization.is_sensitive());
        assert!(!format!("{config:?}").contains("talq_secret_value"));
        assert!(ClientConfig::new("talq\r\nX-Evil: 1").is_err());
        assert!(ClientConfig::new("  ").is_err());
    }

    #[test]
    fn a_token_with_its_bearer_prefix_is_refused_without_echoing_it() {
        for pasted in ["Bearer talq_pasted_value", "bearer talq_pasted_value", "  BEARER\ttalq_pasted_value"] {
            let Err(Error::Config(err)) = ClientConfig::new(pasted) else { panic!("accepted: {pasted:?}") };
            assert_eq!(err.setting(), "token");
            assert!(err.message().contains("without `Bearer `"), "{err}");
            assert!(!format!("{err} {err:?}").contains("pasted_value"), "{err:?}");
        }
        let Err(Error::Config(err)) = ClientConfig::new("Authorization: Bearer talq_pasted_value") else {
            panic!("a whole header line was accepted")
        };
        assert!(!format!("{err} {err:?}").contains("pasted_value"), "{err:?}");
        // Quotes an env file's loader kept: refused, unechoed.
        for quoted in ["\"talq_quoted_value\"", "'talq_quoted_value'", " \"talq_quoted_value\"\n"] {
            let Err(Error::Config(err)) = ClientConfig::new(quoted) else { panic!("accepted: {quoted:?}") };
            assert!(err.message().contains("wrapped in quotes"), "{err}");
            assert!(!format!("{err} {err:?}").contains("quoted_value"), "{err:?}");
        }
        let Err(Error::Config(err)) = ClientConfig::new("\"\"") else { panic!("two quotes accepted") };
        assert!(err.message().contains("the token is empty"), "{err}");
        // A token that only begins with the letters is a token.
        assert!(ClientConfig::new("Bearertalq_value").is_ok());
        assert!(ClientConfig::new("talq_value").is_ok());
        // A character changed in copying, or a space inside: refused before anything is sent, unechoed.
        for copied in ["talq_tok\u{e9}n_value", "talq\u{2013}dash_value", "talq two_value", "talq_\u{0}_value"] {
            let Err(Error::Config(err)) = ClientConfig::new(copied) else { panic!("accepted: {copied:?}") };
            assert!(err.message().contains("not allowed in a header"), "{err}");
            assert!(!format!("{err} {err:?}").contains("_value"), "{err:?}");
        }
    }

    #[test]
    fn errors_lose_the_token_the_api_echoed() {
        let config = ClientConfig::new("plain-token-value-42").unwrap();
        let body = br#"{"message":"bad token plain-token-value-42"}"#.to_vec();
        let error = Error::Api(Box::new(crate::ApiError::from_parts(
            "x",
            http::StatusCode::UNAUTHORIZED,
            http::HeaderMap::new(),
            body,
        )));
        let error = config.redact(error);
        assert_eq!(error.message(), Some("bad token [redacted]"));
        assert!(!format!("{error:?}").contains("plain-token-value-42"));
    }
}
