//! One error type for every operation, split by the phase where the call failed.

use http::{HeaderMap, StatusCode};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

pub use crate::error_code::ErrorCode;
use crate::json_body::{answer_json, json_text};
pub use crate::rate_limit::retry_after;

/// What went wrong, in the words of the fixture format (`kind().as_str()` gives `not_found`, `validation`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The SDK refused to send the request (an empty path parameter, a value outside a documented bound).
    InvalidRequest,
    /// The request could not be exchanged with the server (connect, TLS, timeout, I/O, size limit).
    Transport,
    /// HTTP 400 Bad Request.
    BadRequest,
    /// HTTP 401 Unauthorized.
    Unauthorized,
    /// 402: the account cannot pay for what was asked (insufficient credits, a declined payment).
    PaymentRequired,
    /// HTTP 403 Forbidden.
    Forbidden,
    /// HTTP 404 Not Found.
    NotFound,
    /// HTTP 409 Conflict.
    Conflict,
    /// 422, with field errors.
    Validation,
    /// 429: too many requests in the rate-limit window. The client retries it (every operation: a 429
    /// says nothing was done) after the wait the answer asks for, within its retry policy; when this comes
    /// back, [`Error::retry_after`] says how long to wait (from `Retry-After`, the body's `retry_after`, or
    /// the window's reset) and [`Error::rate_limit`] gives the headers' counts.
    RateLimited,
    /// 5xx.
    Server,
    /// A 2xx answer whose envelope says `"success": false`.
    Unsuccessful,
    /// A 2xx answer whose body is not the documented response.
    Decode,
    /// Any other status.
    Http,
    /// The client could not be built: a setting is missing or wrong (no token, a base URL it cannot use).
    /// Nothing was sent.
    Config,
}

impl ErrorKind {
    /// The kind's name: `not_found`, `validation`, `payment_required`, … (the fixture format's words, see
    /// [`fixture_kind`](Self::fixture_kind) for the one difference).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::Transport => "transport",
            Self::BadRequest => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::PaymentRequired => "payment_required",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::Validation => "validation",
            Self::RateLimited => "rate_limited",
            Self::Server => "server",
            Self::Unsuccessful => "unsuccessful",
            Self::Decode => "decode",
            Self::Http => "http",
            Self::Config => "config",
        }
    }

    /// The kind as the fixture format (`FIXTURES.md`) names it. The format predates
    /// [`PaymentRequired`](Self::PaymentRequired) and counts a 402 among `http` (any other status), so
    /// fixtures recorded from the API or written by others say `http` for it; every other kind has the
    /// same name as [`as_str`](Self::as_str).
    pub fn fixture_kind(self) -> &'static str {
        match self {
            Self::PaymentRequired => Self::Http.as_str(),
            other => other.as_str(),
        }
    }

    /// The kind of an error answer with this status.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            402 => Self::PaymentRequired,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::Validation,
            429 => Self::RateLimited,
            500..=599 => Self::Server,
            _ => Self::Http,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of every Talkover call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Never sent: the request was invalid before it left the program.
    #[error(transparent)]
    InvalidRequest(Box<InvalidRequest>),
    /// The request and its answer could not be exchanged.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The API answered, and said no.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The API answered 2xx, but the body is not the documented response.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The client could not be built, or a setting it was given is unusable: nothing was sent. A setting
    /// to fix, not a request.
    #[error(transparent)]
    Config(Box<ConfigError>),
}

/// An answer of the API's as an error, for a fake that returns one. Give it the body the API would send:
/// what the error says of itself is read from it, as for a real answer (an empty body reads as another
/// server's, whose 404 is no [`Error::is_resource_not_found`]).
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::{http::{HeaderMap, StatusCode}, ApiError, Error, ErrorKind};
///
/// let body = br#"{"success": false, "message": "Agent not found"}"#.to_vec();
/// let gone: Error = ApiError::from_parts("get-agent", StatusCode::NOT_FOUND, HeaderMap::new(), body).into();
/// assert!(gone.is_resource_not_found() && gone.kind() == ErrorKind::NotFound);
/// assert_eq!(gone.message(), Some("Agent not found"));
/// ```
impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Self::Api(Box::new(api))
    }
}

/// An answer that could not be read, as an error.
impl From<DecodeError> for Error {
    fn from(decode: DecodeError) -> Self {
        Self::Decode(Box::new(decode))
    }
}

impl Error {
    /// An error for a request refused before sending: `field` names the parameter at fault.
    ///
    /// Without a field, the problem is with the request as a whole (its field is empty).
    pub fn invalid_request(operation: &'static str, field: Option<&str>, message: impl Into<String>) -> Self {
        Self::invalid_fields(operation, vec![FieldError::new(field.unwrap_or_default(), message)])
    }

    /// An error for a request refused before sending, with every problem found in it.
    pub fn invalid_fields(operation: &'static str, problems: Vec<FieldError>) -> Self {
        Self::InvalidRequest(Box::new(InvalidRequest { operation, problems }))
    }

    /// An error of the client's settings: `setting` names the one at fault (`token`, `base_url`, …).
    pub fn config(setting: &'static str, message: impl Into<String>) -> Self {
        Self::Config(Box::new(ConfigError { setting, message: message.into() }))
    }

    /// The error's kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Config(_) => ErrorKind::Config,
            Self::InvalidRequest(_) => ErrorKind::InvalidRequest,
            Self::Transport(_) => ErrorKind::Transport,
            Self::Api(e) => e.kind,
            Self::Decode(_) => ErrorKind::Decode,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Decode(e) => Some(e.status),
            Self::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The operation whose request failed, by its id (`make-call`): every error of a request names it (a
    /// transport error once the client has said it, as the SDK's clients do); a
    /// [`Config`](Self::Config) error, which is the client's, names none. For logs and metrics by
    /// operation, and, with the `registry` feature, to look the operation up (whether it is safe to
    /// repeat: `registry::operation(id)`'s `safe_to_repeat`).
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::http::{HeaderMap, StatusCode};
    /// use talkover::{ApiError, Error};
    ///
    /// let refused = ApiError::from_parts("make-call", StatusCode::CONFLICT, HeaderMap::new(), b"{}".to_vec());
    /// assert_eq!(Error::Api(Box::new(refused)).operation(), Some("make-call"));
    /// assert_eq!(Error::invalid_request("get-agent", Some("agent_id"), "empty").operation(), Some("get-agent"));
    /// assert_eq!(Error::config("token", "no token").operation(), None);
    /// ```
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Self::Config(_) => None,
            Self::InvalidRequest(e) => Some(e.operation),
            Self::Transport(e) => e.operation(),
            Self::Api(e) => Some(e.operation),
            Self::Decode(e) => Some(e.operation),
        }
    }

    /// The API's error, when the server answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the API said that what was asked for does not exist: a `404` in the API's own words, not
    /// one written for a path it has no route to ([`ApiError::is_unknown_route`]: the base URL's path is
    /// not the API's) nor by another server ([`ApiError::is_from_another_server`]: a wrong host, a proxy).
    /// Test this, not `kind()` alone, where "not found" is taken as "already gone" or "create it": a
    /// misaddressed client answers `NotFound` to everything.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use http::{HeaderMap, StatusCode};
    /// use talkover::{ApiError, Error, ErrorKind};
    ///
    /// let answer = |body: &str| Error::Api(Box::new(ApiError::from_parts("get-agent", StatusCode::NOT_FOUND, HeaderMap::new(), body.into())));
    /// let gone = answer(r#"{"success": false, "message": "Agent not found"}"#);
    /// let misrouted = answer(r#"{"message": "The route /gateway/api/v1/agents/a-1 could not be found."}"#);
    /// let not_the_api = answer("<html><body>404 Not Found</body></html>");
    /// assert!(gone.is_resource_not_found());
    /// for wrong in [&misrouted, &not_the_api] {
    ///     assert_eq!(wrong.kind(), ErrorKind::NotFound);
    ///     assert!(!wrong.is_resource_not_found());
    /// }
    /// assert!(misrouted.as_api().unwrap().is_unknown_route());
    /// assert!(not_the_api.as_api().unwrap().is_from_another_server());
    /// ```
    pub fn is_resource_not_found(&self) -> bool {
        match self {
            Self::Api(api) => {
                api.kind == ErrorKind::NotFound && !api.is_unknown_route() && !api.is_from_another_server()
            }
            _ => false,
        }
    }

    /// The machine-readable error code, when the body carried one (`ACTION_NOT_FOUND`, …).
    pub fn code(&self) -> Option<&str> {
        self.as_api().and_then(|e| e.code.as_deref())
    }

    /// The machine-readable error code as a documented [`ErrorCode`], when the body carried one; a code
    /// this version does not know is [`ErrorCode::Unknown`], with its text.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{error::ErrorCode, http::{HeaderMap, StatusCode}, ApiError, Error};
    ///
    /// let body = br#"{"success": false, "message": "Unpublish it first", "code": "AGENT_IS_PUBLISHED"}"#;
    /// let api = ApiError::from_parts("delete-agent", StatusCode::CONFLICT, HeaderMap::new(), body.to_vec());
    /// let err = Error::Api(Box::new(api));
    /// assert_eq!(err.error_code(), Some(ErrorCode::AgentIsPublished));
    /// assert_eq!(err.code(), Some("AGENT_IS_PUBLISHED"));
    /// ```
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code().map(ErrorCode::from_text)
    }

    /// The error's code as the reference documents it: the body's code ([`Error::error_code`]), or, for an
    /// answer of the API's whose body carries none, the one code the operation's page documents for its
    /// status ([`documented_errors::of`](crate::documented_errors::of)). Several pages list codes in a table
    /// while their example bodies carry none (make-campaign-call's 400 `CAMPAIGN_NOT_ACTIVE` and 409
    /// `DUPLICATE_CALL`, update-campaign-status's 400 `INVALID_TRANSITION`): match on this, and the same
    /// branch runs whether or not the answer spells its code. `None` where the page gives the status no
    /// code or several (delete-agent's two 409s: tell them by [`Error::message`]); where an example body
    /// of the page carries the code (an answer without it is then another case: update-campaign-sftp's
    /// 422 `SFTP_TEST_REQUIRED` beside a plain validation failure); for an answer listing field errors,
    /// unless the code is `VALIDATION_ERROR`; and for a 404 of a base URL that is not the API's or of
    /// another server.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{error::ErrorCode, http::{HeaderMap, StatusCode}, ApiError, Error};
    ///
    /// let answer = |op, status, body: &str| Error::Api(Box::new(ApiError::from_parts(op, status, HeaderMap::new(), body.into())));
    /// let not_active = answer("make-campaign-call", StatusCode::BAD_REQUEST, r#"{"success": false, "message": "Campaign is not active"}"#);
    /// assert_eq!((not_active.error_code(), not_active.documented_code()), (None, Some(ErrorCode::CampaignNotActive)));
    /// let published = answer("delete-agent", StatusCode::CONFLICT, r#"{"success": false, "message": "Unpublish it first"}"#);
    /// assert_eq!(published.documented_code(), None); // AGENT_IS_PUBLISHED or AGENT_HAS_ACTIVE_CALLS
    /// ```
    pub fn documented_code(&self) -> Option<ErrorCode> {
        if let Some(code) = self.error_code() {
            return Some(code);
        }
        let api = self.as_api().filter(|api| !api.is_unknown_route() && !api.is_from_another_server())?;
        let mut documented =
            crate::documented_errors::of(api.operation).iter().filter(|e| e.status == api.status.as_u16());
        let only = documented.next().filter(|_| documented.next().is_none())?;
        let code = ErrorCode::from_text(only.code.filter(|_| !only.code_in_example)?);
        // Field errors of the answer's own (a 422's `errors`) say it is a validation error, not the code.
        let own_field_errors = !api.field_errors.is_empty() && !api.field_from_details;
        (code == ErrorCode::ValidationError || !own_field_errors).then_some(code)
    }

    /// Every problem with a field of the request, in one shape whoever found it: the fields of a 422's
    /// `errors` (one entry per message), the field a 400 names in `error.details.field` (with the answer's
    /// message), or the fields the SDK's own checks refused before sending; and for a
    /// [`Config`](Self::Config) error, the client's setting at fault (`token`, `base_url`), which is the
    /// program's own to fix, not its caller's: tell them apart by [`Error::kind`]. Empty when the error is
    /// not about a field.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{http::{HeaderMap, StatusCode}, ApiError, Error};
    ///
    /// let body = br#"{"error": {"code": "INVALID_PHONE_NUMBER", "message": "Not E.164", "details": {"field": "to"}}}"#;
    /// let api = ApiError::from_parts("make-call", StatusCode::BAD_REQUEST, HeaderMap::new(), body.to_vec());
    /// let problems = Error::Api(Box::new(api)).field_errors();
    /// assert_eq!((problems[0].field.as_str(), problems[0].message.as_str()), ("to", "Not E.164"));
    /// ```
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::InvalidRequest(e) => e.problems().iter().filter(|p| !p.field.is_empty()).cloned().collect(),
            Self::Config(e) => vec![FieldError::new(e.setting, e.message.clone())],
            Self::Api(e) => e.all_field_errors(),
            _ => Vec::new(),
        }
    }

    /// How long the server asked to wait before trying again: its `Retry-After` header, or else the
    /// `retry_after` seconds some error bodies carry (`{"error": {"details": {"retry_after": 60}}}`), or
    /// else, on a `429` whose window is spent (`X-RateLimit-Remaining: 0` or not given), the time until
    /// the window resets (`X-RateLimit-Reset`, measured from the answer's `Date` when it has one:
    /// [`RateLimit::until_reset`](crate::rate_limit::RateLimit::until_reset)), which is what the client's
    /// own retries of a 429 wait for too. `None` when the answer says nothing of it, or names a moment
    /// already past: a 429 of that kind is retried after the policy's backoff. For a transport failure
    /// after the answer's head (a 429 whose body was cut off), what the head's headers ask for.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Transport(e) => e.retry_after(),
            _ => self.as_api().and_then(ApiError::retry_after_hint),
        }
    }

    /// The rate-limit state an error answer reported in its headers (a 429's, or any other's), if any.
    pub fn rate_limit(&self) -> Option<crate::rate_limit::RateLimit> {
        self.as_api().and_then(ApiError::rate_limit)
    }

    /// The human-readable message the API gave.
    pub fn message(&self) -> Option<&str> {
        self.as_api().and_then(|e| e.message.as_deref())
    }

    /// The request id the server gave in a response header, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.request_id.as_deref(),
            Self::Decode(e) => e.request_id.as_deref(),
            Self::Transport(e) => e.request_id(),
            _ => None,
        }
    }

    /// How many times the request was tried before this error (each try may or may not have reached the
    /// server: a refused connection is tried, and never sent): 0 when the SDK refused it before trying,
    /// more than 1 when the client retried. A retried call's error is the last attempt's: a `NotFound` from a
    /// retried DELETE may mean an earlier attempt, whose answer was lost, deleted it.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{http::{HeaderMap, StatusCode}, ApiError, Error};
    ///
    /// let api = ApiError::from_parts("delete-agent", StatusCode::NOT_FOUND, HeaderMap::new(), b"{}".to_vec());
    /// let err = Error::Api(Box::new(api)).with_attempts(2);
    /// assert_eq!(err.attempts(), 2);
    /// assert!(err.to_string().ends_with("(after 2 attempts)"));
    /// assert_eq!(Error::invalid_request("get-agent", None, "no id").with_attempts(3).attempts(), 0);
    /// ```
    pub fn attempts(&self) -> u32 {
        self.tries().map_or(0, |tries| tries.count)
    }

    /// What the client recorded of the attempts behind an error of a request it sent; `None` for one never
    /// sent, or of the client's settings.
    fn tries(&self) -> Option<&Tries> {
        match self {
            Self::InvalidRequest(_) | Self::Config(_) => None,
            Self::Transport(e) => Some(&e.tries),
            Self::Api(e) => Some(&e.tries),
            Self::Decode(e) => Some(&e.tries),
        }
    }

    /// The attempts' record, to set ([`Error::tries`]).
    fn tries_mut(&mut self) -> Option<&mut Tries> {
        match self {
            Self::InvalidRequest(_) | Self::Config(_) => None,
            Self::Transport(e) => Some(&mut e.tries),
            Self::Api(e) => Some(&mut e.tries),
            Self::Decode(e) => Some(&mut e.tries),
        }
    }

    /// What `Display` ends with after the error's own message: the attempts made when more than one
    /// (` (after 2 attempts)`), and why no more were, when the client held back a retry the outcome called
    /// for ([`Error::stop_reason`]); empty otherwise. A program that says these on lines of its own strips
    /// this from the text.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{http::{HeaderMap, StatusCode}, ApiError, Error};
    ///
    /// let api = ApiError::from_parts("delete-agent", StatusCode::NOT_FOUND, HeaderMap::new(), b"{}".to_vec());
    /// let err = Error::Api(Box::new(api)).with_attempts(2);
    /// assert_eq!(err.attempts_note(), " (after 2 attempts)");
    /// assert!(err.to_string().ends_with(&err.attempts_note()));
    /// assert_eq!(Error::invalid_request("get-agent", None, "no id").attempts_note(), "");
    /// ```
    pub fn attempts_note(&self) -> String {
        self.tries().map(Tries::note).unwrap_or_default()
    }

    /// Records how many times the request was sent (at least 1), for a client built on this crate: the
    /// SDK's clients set it after their retries. A request that was never sent keeps 0.
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        if let Some(tries) = self.tries_mut() {
            tries.count = attempts.max(1);
        }
        self
    }

    /// Records that an earlier attempt of the request may have been carried out
    /// ([`Error::earlier_attempt_may_have_taken_effect`]), for a client built on this crate: the SDK's
    /// clients set it when they retried after such an attempt. An error of a request never sent, or of the
    /// client's settings, keeps none.
    pub fn with_earlier_attempt_may_have_taken_effect(mut self) -> Self {
        if let Some(tries) = self.tries_mut() {
            tries.earlier_acted = true;
        }
        self
    }

    /// Whether an attempt before the one this error comes from may have been carried out: the client sent
    /// the request again after an answer of 5xx or 408, or after a timeout or a lost connection, of an
    /// operation safe to repeat that changes something. Its answer is then about a state the earlier
    /// attempt may have made: a DELETE's 404 (deleted by the first), update-campaign-status's 400 (no
    /// move from a status to itself). Check the resource before taking the error at its word. `Display`
    /// says it too (`(after 2 attempts; an earlier one may have been carried out)`). Always `false` for a
    /// read (and for a POST that is a dry run, [`Operation::DRY_RUN`](crate::Operation::DRY_RUN)), and
    /// when the request was sent once; [`Error::may_have_taken_effect`] speaks of the last attempt alone.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{http::{HeaderMap, StatusCode}, ApiError, Error};
    ///
    /// let api = ApiError::from_parts("delete-agent", StatusCode::NOT_FOUND, HeaderMap::new(), b"{}".to_vec());
    /// let err = Error::Api(Box::new(api)).with_attempts(2).with_earlier_attempt_may_have_taken_effect();
    /// assert!(err.earlier_attempt_may_have_taken_effect() && !err.may_have_taken_effect());
    /// assert!(err.to_string().ends_with("(after 2 attempts; an earlier one may have been carried out)"));
    /// ```
    pub fn earlier_attempt_may_have_taken_effect(&self) -> bool {
        self.tries().is_some_and(Tries::earlier_may_have_acted)
    }

    /// Records whether the failed operation may be sent again as it is ([`Error::safe_to_repeat`]), for a
    /// client built on this crate: the SDK's clients set it from the operation's
    /// [`SAFE_TO_REPEAT`](crate::Operation::SAFE_TO_REPEAT). An error of a request never sent, or of the
    /// client's settings, keeps none.
    pub fn with_safe_to_repeat(mut self, safe: bool) -> Self {
        if let Some(tries) = self.tries_mut() {
            tries.safe_to_repeat = Some(safe);
        }
        self
    }

    /// Whether the failed operation may be sent again as it is without doing twice what it does (its
    /// [`Operation::SAFE_TO_REPEAT`](crate::Operation::SAFE_TO_REPEAT): reading, deleting, setting values;
    /// not placing a call or creating), as the SDK's clients record it; `None` for an error they did not
    /// make, of a request never sent ([`Error::InvalidRequest`]), or of the client's settings. With
    /// [`Error::is_retryable`] (whether trying again can help) and [`Error::may_have_taken_effect`]
    /// (whether this attempt may have done it already), what a retry loop of your own needs, without the
    /// `registry` feature ([`Error::should_retry`] is this rule):
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::Error;
    ///
    /// fn retry_now(error: &Error) -> bool {
    ///     error.is_retryable() && (error.safe_to_repeat() == Some(true) || !error.may_have_taken_effect())
    /// }
    /// let timeout = || Error::from(talkover::TransportError::new(talkover::TransportErrorKind::Timeout, "t"));
    /// assert!(retry_now(&timeout().with_safe_to_repeat(true))); // a read that timed out
    /// assert!(!retry_now(&timeout().with_safe_to_repeat(false))); // a call that may have been placed
    /// ```
    pub fn safe_to_repeat(&self) -> Option<bool> {
        self.tries()?.safe_to_repeat
    }

    /// Why the client made no further attempt after the one this error is of, as the SDK's clients record
    /// it; `None` for an error they did not make, or of an answer that was read (a decode error). A reason
    /// of the client's own ([`StopReason::BudgetExhausted`], [`StopReason::OutOfTime`],
    /// [`StopReason::RetryAfterTooLong`], [`StopReason::CannotWait`]) is also in `Display`: a retry the
    /// outcome called for was not made, and a later call, or another retry policy, may still get through.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::retry::StopReason;
    /// use talkover::{Error, TransportError, TransportErrorKind};
    ///
    /// let refused = Error::from(TransportError::new(TransportErrorKind::Connect, "connection refused"))
    ///     .with_attempts(2)
    ///     .with_stop_reason(StopReason::BudgetExhausted);
    /// assert_eq!(refused.stop_reason(), Some(StopReason::BudgetExhausted));
    /// assert!(refused.to_string().ends_with("(after 2 attempts; no more: the client's retry budget is spent (many retries of late))"));
    /// ```
    pub fn stop_reason(&self) -> Option<StopReason> {
        self.tries()?.stopped
    }

    /// Records why no further attempt was made ([`Error::stop_reason`]), for a client built on this crate:
    /// the SDK's clients set it from their retry policy's decision. Errors of a request never sent, of the
    /// client's settings and of an answer read keep none.
    pub fn with_stop_reason(mut self, reason: StopReason) -> Self {
        // An answer read, well or not, ended the call: no attempt was held back after it.
        if !matches!(self, Self::Decode(_)) {
            if let Some(tries) = self.tries_mut() {
                tries.stopped = Some(reason);
            }
        }
        self
    }

    /// Replaces every occurrence of `secret` (at least 8 characters) in the error's texts and in the body it
    /// keeps, and in the values of the answer's headers that hold it, with `[redacted]`, so that an API
    /// echoing the token it was sent cannot leak it through this error's `Debug` or `Display`. Text that
    /// looks like a Talkover credential (`talq_…`, `<id>|<token>`) in an answer is redacted already when the
    /// error is made.
    pub fn redact_secret(self, secret: &str) -> Self {
        self.redact_secrets(&[secret])
    }

    /// [`Error::redact_secret`] for several secrets at once (the token and the secrets a request carries).
    /// Give them in one call rather than one call each: an excerpt of the answer's body is cut again from
    /// the body with every secret given hidden.
    pub fn redact_secrets(mut self, secrets: &[&str]) -> Self {
        use crate::secret::redact_all_in;
        match &mut self {
            Self::InvalidRequest(e) => {
                for problem in &mut e.problems {
                    redact_all_in(&mut problem.message, secrets);
                }
            }
            Self::Transport(e) => {
                redact_all_in(&mut e.message, secrets);
                if let Some(AnswerHead { request_id: Some(id), .. }) = e.head.as_deref_mut() {
                    redact_all_in(id, secrets);
                }
            }
            Self::Config(e) => redact_all_in(&mut e.message, secrets),
            Self::Api(e) => e.redact(secrets),
            Self::Decode(e) => e.redact(secrets),
        }
        self
    }

    /// Whether the same request may succeed when tried again later: transport failures, 408, 429 and 5xx;
    /// not a transport failure after the head of a 4xx that would come again (a 404 cut off). After a
    /// success cut off, the request was processed: trying again may succeed, but repeating it is safe
    /// only for an operation that is safe to repeat.
    ///
    /// This says nothing about whether repeating it is *safe*: that depends on the operation
    /// (see [`crate::Operation::SAFE_TO_REPEAT`]). A retry loop of your own wants
    /// [`Error::should_retry`], which weighs both: a purchase answered 500 is retryable, and may have
    /// charged the card.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(e) => e.may_succeed_again(),
            Self::Api(e) => {
                e.status == StatusCode::REQUEST_TIMEOUT
                    || e.status == StatusCode::TOO_MANY_REQUESTS
                    || e.status.is_server_error()
            }
            _ => false,
        }
    }

    /// Whether the request may have reached the server and been acted on, so that what it asks for may
    /// have happened although the call failed: the question to ask after a failure of an operation that is
    /// not safe to repeat ([`crate::Operation::SAFE_TO_REPEAT`] is `false`: placing a call, creating a
    /// resource, buying credits) before sending it again. `false` means the attempt this error comes from
    /// had no effect. Such an operation is sent once, or again only after an attempt that certainly never
    /// left, so for it that attempt is the only one that counts. An operation safe to repeat may have been
    /// retried ([`attempts`](Self::attempts) above 1), and an earlier attempt may have acted (a DELETE whose
    /// first answer was lost, then a 404): repeating it is harmless, by definition, and
    /// [`earlier_attempt_may_have_taken_effect`](Self::earlier_attempt_may_have_taken_effect) says so.
    ///
    /// - `true` for a [`Transport`](Self::Transport) error (a timeout, a reset, a TLS failure on the open
    ///   connection, a body cut off) unless it [certainly never left](TransportError::certainly_not_sent)
    ///   (a refused connection, a failed name lookup); when the answer's head had arrived before the failure
    ///   ([`TransportError::status`]), its status decides, as below.
    /// - `true` for an answer of 5xx or 408 (the server failed or gave up while working on it), for a
    ///   [`Decode`](Self::Decode) error (the server answered 2xx: it processed the request, only its answer
    ///   could not be read), and for any other status that is not a refusal (a 2xx whose envelope says
    ///   `"success": false`, a 3xx): nothing says it was not acted on.
    /// - `false` for [`InvalidRequest`](Self::InvalidRequest) and [`Config`](Self::Config) (never sent), and
    ///   for a 4xx other than 408, by which the API refused the request: 400, 401, 402, 403, 404, 409, 422
    ///   and 429 are those its reference documents.
    ///
    /// It does not say whether the thing happened, only whether it may have: after `true`, find out (for a
    /// call, list the agent's calls to that number) before sending it again. The SDK's clients never send
    /// such a request again on their own once it may have had an effect. Unlike
    /// [`is_retryable`](Self::is_retryable) (whether trying again may succeed), this says whether trying
    /// again may repeat it.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::error::{TransportError, TransportErrorKind};
    /// use talkover::http::{HeaderMap, StatusCode};
    /// use talkover::{ApiError, Error};
    ///
    /// let answer = |status: StatusCode| {
    ///     Error::Api(Box::new(ApiError::from_parts("make-call", status, HeaderMap::new(), b"{}".to_vec())))
    /// };
    /// // Timed out after sending: the call may have been placed. Do not place it again blindly.
    /// let timeout = Error::from(TransportError::new(TransportErrorKind::Timeout, "timed out"));
    /// assert!(timeout.may_have_taken_effect());
    /// assert!(answer(StatusCode::BAD_GATEWAY).may_have_taken_effect());
    /// // Refused, or never sent: no call was placed.
    /// assert!(!answer(StatusCode::PAYMENT_REQUIRED).may_have_taken_effect());
    /// assert!(!answer(StatusCode::TOO_MANY_REQUESTS).may_have_taken_effect());
    /// let refused = Error::from(TransportError::new(TransportErrorKind::Connect, "connection refused"));
    /// assert!(!refused.may_have_taken_effect());
    /// assert!(!Error::invalid_request("make-call", Some("delay_seconds"), "at most 3600").may_have_taken_effect());
    /// ```
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            Self::InvalidRequest(_) | Self::Config(_) => false,
            Self::Transport(e) => e.may_have_taken_effect(),
            Self::Api(e) => status_may_have_taken_effect(e.status),
            Self::Decode(e) => status_may_have_taken_effect(e.status),
        }
    }

    /// Whether sending the same request again is both worth it and safe: it may succeed
    /// ([`Error::is_retryable`]), and it cannot do twice what it does, because the operation is safe to
    /// repeat ([`Error::safe_to_repeat`]) or this attempt certainly did nothing
    /// ([`Error::may_have_taken_effect`]). What a retry loop of your own asks, beyond the client's own
    /// retries; wait [`Error::retry_after`] first where it is given. `false` for an error of a request never
    /// sent, and for one whose operation is not known to be safe to repeat and that may have taken effect (a
    /// call placed, a purchase made, whose answer was lost): check, rather than send it again.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{Error, TransportError, TransportErrorKind};
    ///
    /// let timeout = || Error::from(TransportError::new(TransportErrorKind::Timeout, "timed out"));
    /// assert!(timeout().with_safe_to_repeat(true).should_retry()); // a read that timed out
    /// assert!(!timeout().with_safe_to_repeat(false).should_retry()); // a purchase that may have been made
    /// let refused = Error::from(TransportError::new(TransportErrorKind::Connect, "connection refused"));
    /// assert!(refused.with_safe_to_repeat(false).should_retry()); // never reached the server
    /// assert!(!Error::invalid_request("make-call", Some("delay_seconds"), "at most 3600").should_retry());
    /// ```
    pub fn should_retry(&self) -> bool {
        self.is_retryable() && (self.safe_to_repeat() == Some(true) || !self.may_have_taken_effect())
    }
}

/// Whether an answer of `status` leaves open that the request was acted on: every status but a 4xx
/// refusal (408 is the server giving up, not a refusal). The rule of [`Error::may_have_taken_effect`] for
/// an answer, for tools that judge each attempt of a call on their own.
pub fn status_may_have_taken_effect(status: StatusCode) -> bool {
    !status.is_client_error() || status == StatusCode::REQUEST_TIMEOUT
}

/// A setting of the client that is missing or unusable ([`Error::Config`]): no token, a base URL it cannot
/// use, a user agent that is no header value. The message never holds the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    setting: &'static str,
    message: String,
}

impl ConfigError {
    /// The setting at fault: `token`, `base_url`, `user_agent`, `transport`, …
    pub fn setting(&self) -> &'static str {
        self.setting
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "client settings: {}: {}", self.setting, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// One problem with one field of a request, in the same shape whoever found it: the API (a 422's
/// `errors`, a 400's `error.details.field`) or the SDK's own checks before sending ([`InvalidRequest`]).
/// As JSON, `{"field": "…", "message": "…"}` (the shape of the API's list form of `errors`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct FieldError {
    /// The field, by its documented name (`to`, `phone_number_ids.0`, …). A refusal of parameters given
    /// as JSON (through the registry: the command line, the emulator, a fixture) also says where in the
    /// request the field stands: `body.port`, `query.per_page`; [`api_name`](Self::api_name) leaves that out.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// A problem with `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }

    /// The field as the API and the SDK's typed checks name it: [`field`](Self::field) without a leading
    /// `body.`, `query.` or `path.` (`port` for `body.port`).
    pub fn api_name(&self) -> &str {
        Self::api_name_of(&self.field)
    }

    /// `field` as [`api_name`](Self::api_name) gives it.
    pub fn api_name_of(field: &str) -> &str {
        ["body.", "query.", "path."].iter().find_map(|part| field.strip_prefix(part)).unwrap_or(field)
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}`: {}", self.field, self.message)
    }
}

/// A request the SDK refused to send, with every problem the checks found in it (not only the first).
///
/// Each problem names its field by its documented name (`name`, `call_time_ranges.0.start`, `query.page`);
/// a problem with the request as a whole has an empty field.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InvalidRequest {
    /// The operation id.
    pub operation: &'static str,
    /// Every problem found, in the order the checks ran; never empty.
    pub problems: Vec<FieldError>,
}

impl InvalidRequest {
    /// Every problem found, each with its field.
    pub fn problems(&self) -> &[FieldError] {
        &self.problems
    }

    /// The field of the first problem, when it names one.
    pub fn field(&self) -> Option<&str> {
        self.problems.first().map(|p| p.field.as_str()).filter(|f| !f.is_empty())
    }

    /// What is wrong, for the first problem.
    pub fn message(&self) -> &str {
        self.problems.first().map_or("", |p| p.message.as_str())
    }
}

impl std::fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: invalid request: ", self.operation)?;
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            if problem.field.is_empty() {
                f.write_str(&problem.message)?;
            } else {
                write!(f, "{problem}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for InvalidRequest {}

/// How a transport failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be opened (refused, DNS failure): the request was certainly not sent.
    Connect,
    /// TLS failed: in the handshake (a certificate refused, a server that speaks no TLS), when the request
    /// was certainly not sent, or on the open connection (a corrupt record, an alert), when it may have
    /// been. [`TransportError::certainly_not_sent`] says which the transport knows.
    Tls,
    /// No complete answer came in time; the request may have reached the server.
    Timeout,
    /// The connection failed while the request or answer was on the wire.
    Io,
    /// The answer was larger than the configured limit.
    BodyTooLarge,
    /// The request's URL cannot go on the wire as it is: the HTTP client cannot parse it, or would send
    /// another path than the one asked for (a URL parser folds a `.` or `..` segment away, even escaped).
    /// The request was certainly not sent, and sending it again cannot succeed.
    InvalidUrl,
    /// The transport runs on an async runtime the request was not awaited in (the reqwest transport polled
    /// outside Tokio: on another executor, or `futures::executor::block_on`). The request was certainly
    /// not sent, and sending it again from there cannot succeed: await it in a Tokio runtime, or use the
    /// blocking client.
    NoRuntime,
    /// A transport that answers from recordings ([`Replay`](crate::replay::Replay)) has none for the
    /// request. Nothing was sent, and sending it again cannot get an answer.
    NotRecorded,
    /// A transport of your own declined to send the request, by a rule of its own: an open circuit
    /// breaker, a local rate limit or bulkhead, a fault a test injects
    /// ([`TransportError::new`]`(TransportErrorKind::Declined, "circuit open")`). Certainly not sent. The
    /// client does not try it again (the same rule would decline it at once) and draws nothing from its
    /// retry budget; [`Error::is_retryable`] says yes, as the request may go through later, and the error's
    /// [`stop_reason`](Error::stop_reason) is [`StopReason::Declined`]. A client with a pacer has waited the
    /// request's turn before its transport declined it, and that turn is spent.
    Declined,
    /// Anything else the HTTP client reported.
    Other,
}

impl TransportErrorKind {
    /// The kinds of a request that could not leave from here, and never will as it is: its URL, a runtime
    /// it was not awaited in, a recording that does not hold it. Certainly not sent, and not worth trying
    /// again.
    fn cannot_be_sent(self) -> bool {
        matches!(self, Self::InvalidUrl | Self::NoRuntime | Self::NotRecorded)
    }
}

impl fmt::Display for TransportErrorKind {
    /// The kind in lowercase words, as `ErrorKind` shows its own: `connect`, `body too large`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::Io => "io",
            Self::BodyTooLarge => "body too large",
            Self::InvalidUrl => "invalid url",
            Self::NoRuntime => "no runtime",
            Self::NotRecorded => "not recorded",
            Self::Declined => "declined",
            Self::Other => "other",
        })
    }
}

/// A failure to exchange a request and its answer.
///
/// Its message says what went wrong down to the cause beneath (`… : tcp connect error: Connection refused`),
/// so that one line of a log says why. It has therefore no [`source`](std::error::Error::source): an error
/// that gave both would show every cause twice in a chain printer (`{:#}` in `anyhow`). The error of the
/// HTTP client is still there to look into, with [`TransportError::underlying`] or
/// [`find_cause`](crate::transport::find_cause).
pub struct TransportError {
    kind: TransportErrorKind,
    /// Set when the transport cannot tell that nothing was sent, although the kind alone would say so.
    maybe_sent: bool,
    /// Set when the transport knows the same request fails again however often it is tried.
    lasting: bool,
    message: String,
    /// The operation whose request failed, once the client has said it.
    operation: Option<&'static str>,
    /// What the client recorded of the attempts (the last one's failure is this one).
    tries: Tries,
    underlying: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// The status and request id of the answer, when its head arrived before the failure (a body cut off).
    head: Option<Box<AnswerHead>>,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(operation) = self.operation {
            write!(f, "{operation}: ")?;
        }
        write!(f, "transport error ({}): {}", self.kind, self.message)?;
        // An operation not safe to repeat (placing a call) that may have been carried out says so, since a
        // log line is often all its reader has to decide whether to send it again.
        let not_repeated = self.tries.safe_to_repeat == Some(false) && self.may_have_taken_effect();
        if let Some(AnswerHead { status, .. }) = self.head.as_deref() {
            write!(f, "; it came after the answer's head, {status}")?;
            if status.is_success() {
                f.write_str(" (the request was processed)")?;
                if self.tries.safe_to_repeat == Some(false) {
                    f.write_str(TAKEN_NOT_REPEATED)?;
                }
            }
            if not_repeated && !status.is_success() {
                f.write_str(NOT_REPEATED)?;
            }
        } else if not_repeated {
            f.write_str(NOT_REPEATED)?;
        } else if !self.certainly_not_sent()
            && matches!(self.kind, TransportErrorKind::Io | TransportErrorKind::Tls | TransportErrorKind::Other)
        {
            // An HTTP client's words for a broken exchange (`error sending request`) can read as if nothing
            // left; a timeout's message and a too large answer say what happened already.
            f.write_str("; the request may have been sent")?;
        }
        f.write_str(&self.tries.note())
    }
}

/// What a transport failure keeps of an answer whose head arrived before it.
#[derive(Debug)]
struct AnswerHead {
    status: StatusCode,
    request_id: Option<String>,
    /// The wait the head asked for (`Retry-After`).
    wait: Option<Duration>,
}

/// Says whether the request certainly never left ([`TransportError::certainly_not_sent`]) rather than the
/// flag behind it, which alone would read as "not sent" on a timeout.
impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("operation", &self.operation)
            .field("tries", &self.tries)
            .field("certainly_not_sent", &self.certainly_not_sent())
            .field("answer_head", &self.head)
            .field("underlying", &self.underlying)
            .finish()
    }
}

/// No `source`: the message already carries the causes (see [`TransportError`]).
impl std::error::Error for TransportError {}

impl TransportError {
    /// A transport error of the given kind. The message says what failed; a transport that has an error of
    /// its HTTP client writes its causes in too ([`describe`](crate::transport::describe)) and attaches it
    /// with [`with_source`](Self::with_source).
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            maybe_sent: false,
            lasting: false,
            message: message.into(),
            operation: None,
            tries: Tries::ONE,
            underlying: None,
            head: None,
        }
    }

    /// Keeps the status and request id of an answer whose head arrived before this failure (its body was
    /// cut off, or too large): a success status then says the request was processed, although its answer
    /// is lost. The request may have reached the server, so it is not sent again if not safe to repeat.
    pub fn with_answer_head(mut self, status: StatusCode, headers: &HeaderMap) -> Self {
        let request_id = request_id(headers).map(|mut id| {
            crate::secret::redact_all_in(&mut id, &[]);
            id
        });
        // The wait a refusal's head asks for (a 429's or a 503's `Retry-After`), which holds though the body
        // was lost; a success's says nothing of a retry.
        let wait =
            (!status.is_success()).then(|| crate::rate_limit::wait_asked(status, headers, &[], SystemTime::now()));
        let wait = wait.flatten();
        self.head = Some(Box::new(AnswerHead { status, request_id, wait }));
        self.maybe_sent = true;
        self
    }

    /// The status of the answer, when its head arrived before this failure ([`with_answer_head`]).
    ///
    /// [`with_answer_head`]: Self::with_answer_head
    pub fn status(&self) -> Option<StatusCode> {
        self.head.as_deref().map(|head| head.status)
    }

    /// The wait the answer's head asked for (`Retry-After`, or a spent rate-limit window's reset on a 429),
    /// when its head arrived before this failure and asked for one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.head.as_deref().and_then(|head| head.wait)
    }

    /// The request id of the answer, when its head arrived before this failure and carried one.
    pub fn request_id(&self) -> Option<&str> {
        self.head.as_deref().and_then(|head| head.request_id.as_deref())
    }

    /// Says that the request may have reached the server, whatever the kind: for a TLS failure that may
    /// have come after the request was written (a transport that cannot tell the handshake from later).
    /// A request that is not safe to repeat is then not sent again.
    pub fn maybe_sent(mut self) -> Self {
        self.maybe_sent = true;
        self
    }

    /// Says that the same request fails again however often it is tried, as the transport knows from its
    /// HTTP client: a certificate refused in the TLS handshake (the server's, or the client's by the
    /// server), a proxy asking for credentials it was not given. It is then not retried, and
    /// [`Error::is_retryable`] says no: a job that waits and tries later waits in vain until the
    /// configuration changes.
    pub fn lasting(mut self) -> Self {
        self.lasting = true;
        self
    }

    /// Attaches the error of the HTTP client, for [`underlying`](Self::underlying) and
    /// [`find_cause`](crate::transport::find_cause). The message should say its causes already.
    pub fn with_source(mut self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        self.underlying = Some(source.into());
        self
    }

    /// Names the operation whose request failed (the SDK's clients do), which `Display` then starts with,
    /// as the other errors do.
    pub fn with_operation(mut self, operation: &'static str) -> Self {
        self.operation = Some(operation);
        self
    }

    /// The operation whose request failed, when the client has said it.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// The error of the HTTP client, when the transport attached one: to look into (downcast it, or use
    /// [`find_cause`](crate::transport::find_cause)), not to print, since the message says it already.
    pub fn underlying(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.underlying.as_deref()
    }

    /// How it failed.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// How many times the request was tried; this failure is the last try's (see [`Error::attempts`]).
    pub fn attempts(&self) -> u32 {
        self.tries.count
    }

    /// What [`Error::may_have_taken_effect`] says of this failure: by the answer's status once its head
    /// came, else unless the request certainly never left.
    fn may_have_taken_effect(&self) -> bool {
        match self.status() {
            Some(status) => status_may_have_taken_effect(status),
            None => !self.certainly_not_sent(),
        }
    }

    /// Whether the request certainly never reached the server, so that sending it again cannot repeat it:
    /// the connection could not be opened, its TLS handshake failed, its URL cannot be sent, or the
    /// transport declined it.
    pub fn certainly_not_sent(&self) -> bool {
        !self.maybe_sent
            && (matches!(
                self.kind,
                TransportErrorKind::Connect | TransportErrorKind::Tls | TransportErrorKind::Declined
            ) || self.kind.cannot_be_sent())
    }

    /// Whether the same request may get through when tried again: not when the answer was too large, nor
    /// when its URL cannot be sent, nor when the transport knows the failure lasts
    /// ([`lasting`](Self::lasting)), nor when the answer's head had arrived with a client error that would
    /// come again (a 404; a 408 or 429 may pass). Whether trying again is *safe* is another question (a
    /// success cut off was processed): see [`TransportError::certainly_not_sent`].
    pub(crate) fn may_succeed_again(&self) -> bool {
        let refused = self.status().is_some_and(|status| {
            status.is_client_error() && status != StatusCode::REQUEST_TIMEOUT && status != StatusCode::TOO_MANY_REQUESTS
        });
        !refused && !self.lasting && self.kind != TransportErrorKind::BodyTooLarge && !self.kind.cannot_be_sent()
    }
}

/// The raw body of an answer, kept for diagnosis. Its `Debug` shows only its length, since a body may hold
/// a secret the API returned.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct RawBody(Vec<u8>);

impl RawBody {
    /// The bytes as received.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl RawBody {
    /// Replaces each of `secrets` (see `secret::hidden`; as is, percent-encoded or JSON-escaped in a body
    /// that is text) with `[redacted]`: an answer that echoes the token it was sent keeps it out of the
    /// error. A JSON body stays JSON: where hiding a secret in its text would break it (a secret of digits
    /// inside a number, one right after a backslash), the secrets are hidden in its strings, keys and
    /// numbers instead, and it is written again.
    fn hide(&mut self, secrets: &[&str]) {
        let forms = crate::secret::hidden(secrets);
        if forms.is_empty() {
            return;
        }
        let Ok(text) = std::str::from_utf8(&self.0) else {
            self.0 = hide_bytes(&self.0, &forms);
            return;
        };
        let mut hidden = text.to_owned();
        crate::secret::hide_in(&mut hidden, secrets);
        if hidden == text {
            return;
        }
        let is_json = |text: &str| serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        if !is_json(&hidden) {
            if let Ok(mut value) = serde_json::from_str::<Value>(text) {
                hide_in_value(&mut value, secrets);
                self.0 = serde_json::to_vec(&value).unwrap_or_else(|_| hidden.into_bytes());
                return;
            }
        }
        self.0 = hidden.into_bytes();
    }
}

/// `bytes` with each of `forms` replaced by `[redacted]`, the longest first, each match once (a match is
/// not looked for again in what replaced it).
fn hide_bytes(bytes: &[u8], forms: &[&str]) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    for form in forms.iter().map(|form| form.as_bytes()) {
        let mut out = Vec::with_capacity(bytes.len());
        let mut rest = &bytes[..];
        while let Some(at) = rest.windows(form.len()).position(|window| window == form) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(crate::secret::REDACTED.as_bytes());
            rest = &rest[at + form.len()..];
        }
        out.extend_from_slice(rest);
        bytes = out;
    }
    bytes
}

/// Hides `secrets` in every string, key and number of `value` (a number that holds one becomes the text
/// `[redacted]`).
fn hide_in_value(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::String(text) => crate::secret::hide_in(text, secrets),
        Value::Number(number) => {
            let mut text = number.to_string();
            crate::secret::hide_in(&mut text, secrets);
            if text != number.to_string() {
                *value = Value::String(crate::secret::REDACTED.to_owned());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| hide_in_value(item, secrets)),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (mut key, mut item) in entries {
                crate::secret::hide_in(&mut key, secrets);
                hide_in_value(&mut item, secrets);
                map.insert(key, item);
            }
        }
        Value::Null | Value::Bool(_) => {}
    }
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

impl From<Vec<u8>> for RawBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

/// The API's answer to a request it refused. Its `Debug`, like its `Display`, shows at most 500 characters
/// of each text the server chose, 20 fields of `field_errors` with 3 messages each, and 20 of `errors` (an
/// answer of a million field errors would otherwise print megabytes where `main` returns the error); the
/// fields themselves hold everything.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// The kind, from the status (or [`ErrorKind::Unsuccessful`] for a 2xx with `"success": false`).
    pub kind: ErrorKind,
    /// The machine-readable code, from whichever error shape carried it.
    pub code: Option<String>,
    /// The human-readable message, from whichever error shape carried it.
    pub message: Option<String>,
    /// Validation messages by field (`{"errors": {"field": ["..."]}}`, or `{"errors": [{"field", "message"}]}`),
    /// as the body's `errors` gives them; without `errors`, the field a 400 names in `error.details.field`
    /// (make-call's `INVALID_PHONE_NUMBER` names `to`), with the answer's message. [`Error::field_errors`]
    /// gives the same as a list.
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// Messages not tied to a field (`{"errors": ["..."]}`).
    pub errors: Vec<String>,
    /// The request id the server gave, if any.
    pub request_id: Option<String>,
    /// How long the server asked to wait before trying again: its `Retry-After` header, else the wait its
    /// body gives (make-call's 429 `error.details.retry_after`), read when the answer came.
    /// [`Error::retry_after`] and [`ApiError::retry_after_hint`] also give, for a 429 that says neither, the
    /// time until its rate-limit window resets, as the retry policy waits: read those to know how long to
    /// wait.
    pub retry_after: Option<Duration>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The response body as received, but for the secrets the request carried (the token, a webhook's
    /// secret): where the answer echoes one, it reads `[redacted]` (see [`Error::redact_secrets`]).
    pub body: RawBody,
    /// What `Display` shows when the body carried no message: the first field error, or a short excerpt of
    /// a body that is not a JSON object. Never `message`, which is only what the answer carried.
    summary: Option<String>,
    /// Whether the body is not a JSON object, so that `summary` is its excerpt, made again on each redaction.
    body_is_text: bool,
    /// Whether `field_errors` holds only the field a 400 names in its details (no `errors` of its own).
    field_from_details: bool,
    /// What the client recorded of the attempts (this is the last one's answer).
    tries: Tries,
}

impl ApiError {
    /// Reads an error answer. Any body is accepted: for one that is not a JSON object (a proxy's HTML page),
    /// `Display` shows a short excerpt of it on one line.
    pub fn from_parts(operation: &'static str, status: StatusCode, headers: HeaderMap, body: Vec<u8>) -> Self {
        let mut error = Self::unread(operation, status, headers);
        match answer_json(&body) {
            Some(Value::Object(map)) => {
                error.read_body(map, &body);
                error.retry_after = error.retry_after.or_else(|| crate::rate_limit::retry_after_in_body(&body));
            }
            _ => error.body_is_text = true,
        }
        error.body = RawBody(body);
        error.redact(&[]);
        error
    }

    /// How many times the request was sent; this is the last answer (see [`Error::attempts`]).
    pub fn attempts(&self) -> u32 {
        self.tries.count
    }

    /// The messages of an `errors` map by field; a field whose value is a map of its own (`{"payload":
    /// {"customer_name": […]}}`) gives its members' messages under dotted names (`payload.customer_name`),
    /// as the API names nested fields. serde_json's depth limit bounds the recursion.
    /// The map is taken, not borrowed: its texts move into the error rather than being copied, which keeps
    /// an answer with very many fields from being held twice.
    /// A field written twice (`"to"` once for each rule it failed, as make-campaign-call's 422 shows it)
    /// keeps the messages of both.
    fn read_field_errors(&mut self, prefix: &str, fields: impl IntoIterator<Item = (String, Value)>) {
        for (field, messages) in fields {
            let name = if prefix.is_empty() { field } else { format!("{prefix}.{field}") };
            match messages {
                Value::Object(members) if !members.is_empty() => self.read_field_errors(&name, members),
                _ => self.field_errors.entry(name).or_default().extend(messages_of(messages)),
            }
        }
    }

    /// Where a redirection (3xx) pointed, from its `Location` header.
    fn redirected_to(&self) -> Option<String> {
        let location = self.headers.get(http::header::LOCATION).filter(|_| self.status.is_redirection())?;
        let mut location: String =
            String::from_utf8_lossy(location.as_bytes()).chars().filter(|c| !c.is_control()).collect();
        // Not a user name or password the URL may carry (`https://user:secret@host/`).
        if let Some(start) = location.find("://").map(|at| at + 3) {
            let authority_end = location[start..].find(['/', '?', '#']).map_or(location.len(), |end| start + end);
            if let Some(at) = location[start..authority_end].rfind('@') {
                location.replace_range(start..start + at + 1, "");
            }
        }
        Some(location.chars().take(EXCERPT_CHARS).collect())
    }

    /// An answer of `status` whose body is not read yet: what its headers say, and nothing else.
    fn unread(operation: &'static str, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            operation,
            status,
            kind: ErrorKind::from_status(status),
            code: None,
            message: None,
            field_errors: BTreeMap::new(),
            errors: Vec::new(),
            request_id: request_id(&headers),
            retry_after: retry_after(&headers, SystemTime::now()),
            headers,
            body: RawBody(Vec::new()),
            summary: None,
            body_is_text: false,
            field_from_details: false,
            tries: Tries::ONE,
        }
    }

    /// Redacts `secret` and credential-like text from every text an error shows; header values holding
    /// either, and cookies and credentials, are marked sensitive, so that `Debug` shows `Sensitive`.
    fn redact(&mut self, secrets: &[&str]) {
        use crate::secret::redact_all_in;
        self.body.hide(secrets);
        if self.body_is_text {
            // From the body again: cutting an excerpt could leave part of a secret it no longer recognises.
            self.summary = excerpt(self.body.as_bytes(), secrets);
        }
        if let Some(location) = self.redirected_to().filter(|_| self.message.is_none()) {
            // The clients follow no redirect (the token would go along): say where it led, which is what a
            // wrong base URL (`http` for `https`, a missing path) shows.
            self.summary = Some(format!("redirected to {location}, which is not followed: check the base URL"));
        }
        let texts = self.message.iter_mut().chain(self.summary.iter_mut()).chain(self.code.iter_mut());
        let texts = texts.chain(self.request_id.iter_mut());
        texts.chain(self.errors.iter_mut()).chain(self.field_errors.values_mut().flatten()).for_each(|text| {
            redact_all_in(text, secrets);
        });
        if self.field_errors.keys().any(|key| is_redacted(key, secrets)) {
            let fields = std::mem::take(&mut self.field_errors);
            self.field_errors = fields
                .into_iter()
                .map(|(mut key, messages)| {
                    redact_all_in(&mut key, secrets);
                    (key, messages)
                })
                .collect();
        }
        mark_secret_headers(&mut self.headers, secrets);
    }

    /// Reads a JSON object body, `map`, parsed from `body`.
    fn read_body(&mut self, mut map: serde_json::Map<String, Value>, body: &[u8]) {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        self.message = message_text(map.get("message"));
        self.code = text(map.get("code"));
        match map.get("error") {
            // {"success": false, "error": {"code", "message", "details"}}
            Some(Value::Object(inner)) => {
                self.code = self.code.take().or_else(|| text(inner.get("code")));
                self.message = self.message.take().or_else(|| message_text(inner.get("message")));
            }
            // {"error": "UNAUTHORIZED", "message", "status_code"}; alone, `error` is the code when it is
            // written as one (`{"error": "MISSING_TOKEN", "status_code": 401}`), else the message itself
            // (`{"error": "Failed to generate demo audio"}`).
            Some(Value::String(error)) => {
                if self.code.is_none() && (self.message.is_some() || is_code(error)) {
                    self.code = Some(error.clone());
                } else if self.message.is_none() {
                    self.message = Some(error.clone()).filter(|e| !e.trim().is_empty());
                }
            }
            _ => {}
        }
        match map.remove("errors") {
            // A JSON object keeps the last of a key written twice. Where the body writes one twice (its keys
            // counted without keeping any), its entries are read again as written, so that both count.
            Some(Value::Object(fields)) => {
                let repeated = errors_member::<Entries<false>>(body).is_some_and(|keys| keys.count > fields.len());
                match repeated.then(|| errors_member::<Entries<true>>(body)).flatten() {
                    Some(written) => self.read_field_errors("", written.entries),
                    None => self.read_field_errors("", fields),
                }
            }
            Some(Value::Array(items)) => {
                for item in items {
                    match item {
                        Value::String(one) => self.errors.push(one),
                        // [{"field": "to", "message": "…"}] or [{"field": "to", "messages": ["…"]}]
                        Value::Object(mut entry) => {
                            let messages = entry.remove("messages").or_else(|| entry.remove("message"));
                            let messages = messages.map(messages_of).unwrap_or_default();
                            match entry.get("field").and_then(Value::as_str) {
                                Some(field) => self.field_errors.entry(field.to_owned()).or_default().extend(messages),
                                None => self.errors.extend(messages),
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        // A 400 that names the field at fault in its details (make-call's `INVALID_PHONE_NUMBER` names `to`)
        // and lists no `errors`: that field's error, so that `field_errors` holds every field the answer
        // names, as `Error::field_errors` does.
        if self.field_errors.is_empty() && self.status == StatusCode::BAD_REQUEST {
            let details = crate::json_body::error_details(&map);
            if let Some(field) = details.and_then(|d| d.get("field")).and_then(Value::as_str) {
                let mut field = field.to_owned();
                crate::secret::redact_in(&mut field, None);
                let message = self.message.clone().or_else(|| self.code.clone()).unwrap_or_default();
                self.field_errors.insert(field, vec![message]);
                self.field_from_details = true;
            }
        }
        // No message, or an empty one: `Display` says the first field error instead, else the reason a
        // failed check's `data` gives (verify-sip-trunk: `{"success": false, "data": {"error": "…"}}`), else
        // the first of a list of texts (validate-agent-flow's `errors` of a flow found invalid).
        if self.message.is_none() {
            let first = self.field_errors.iter().find_map(|(field, messages)| Some((field, messages.first()?)));
            let reason = map.get("data").and_then(|data| data.get("error")).and_then(Value::as_str);
            let text = self.errors.iter().map(String::as_str);
            self.summary = first
                .map(|(field, message)| FieldError::new(field.as_str(), message.as_str()).to_string())
                .or_else(|| reason.into_iter().chain(text).map(str::trim).find(|t| !t.is_empty()).map(str::to_owned));
        }
    }

    /// What the answer says, for a person: its message, else its first field error, else a short excerpt
    /// of a body that is not JSON (a proxy's page). `Display` shows the same.
    pub fn summary(&self) -> Option<&str> {
        self.message.as_deref().or(self.summary.as_deref())
    }

    /// [`Error::field_errors`] of this answer: [`field_errors`](Self::field_errors) (the 422 `errors` by
    /// field, else the field a 400 names in `error.details.field`), one a message.
    pub fn all_field_errors(&self) -> Vec<FieldError> {
        self.field_errors
            .iter()
            .flat_map(|(field, messages)| {
                let messages = if messages.is_empty() { vec![String::new()] } else { messages.clone() };
                messages.into_iter().map(move |message| FieldError::new(field.clone(), message))
            })
            .collect()
    }

    /// The wait the server asked for: `Retry-After`, else a `retry_after` number of seconds in the body
    /// (`error.details.retry_after`, `details.retry_after` or `retry_after`), else, on a `429`, the time
    /// from now until its rate-limit window resets.
    pub fn retry_after_hint(&self) -> Option<Duration> {
        // The retry policy's rule ([`rate_limit::wait_asked`]), but for `Retry-After`, read when the answer came.
        self.retry_after.or_else(|| {
            crate::rate_limit::wait_asked(
                self.status,
                &self.headers,
                self.body.as_bytes(),
                std::time::SystemTime::now(),
            )
        })
    }

    /// A value of the body's `details`, under `error` or at the top (make-call's `details.field`,
    /// test-auto-topup's 402 `details.decline_reason`), as the API wrote it.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{http::{HeaderMap, StatusCode}, ApiError};
    ///
    /// let body = br#"{"success": false, "message": "Payment method declined", "code": "PAYMENT_FAILED",
    ///     "details": {"decline_reason": "insufficient_funds"}}"#;
    /// let api = ApiError::from_parts("test-auto-topup", StatusCode::PAYMENT_REQUIRED, HeaderMap::new(), body.to_vec());
    /// assert_eq!(api.detail("decline_reason").as_ref().and_then(|v| v.as_str()), Some("insufficient_funds"));
    /// ```
    pub fn detail(&self, name: &str) -> Option<Value> {
        let body = self.body_json()?;
        crate::json_body::error_details(body.as_object()?)?.get(name).cloned()
    }

    /// The rate-limit state the answer reported, if any.
    pub fn rate_limit(&self) -> Option<crate::rate_limit::RateLimit> {
        crate::rate_limit::RateLimit::from_headers(&self.headers)
    }

    /// Whether the body is a JSON object, as every error the API writes is: one that is not (an empty body,
    /// a proxy's HTML page, a wrong base URL's 404) came from another server, and its status says nothing of
    /// the resource. Read once, when the answer arrived.
    pub fn body_is_json_object(&self) -> bool {
        !self.body_is_text
    }

    /// Whether the answer is the API framework's `404` for a path it has no route to (`The route … could
    /// not be found.`): the base URL's path is not the API's (a gateway's prefix, a path past `/api/v1`),
    /// so the answer says nothing of the resource asked for (see [`Error::is_resource_not_found`]).
    pub fn is_unknown_route(&self) -> bool {
        let message = self.message.as_deref().unwrap_or_default();
        self.status == StatusCode::NOT_FOUND
            && message.starts_with("The route ")
            && message.ends_with("could not be found.")
    }

    /// Whether another server than the API wrote the answer: a client error (but `408` and `429`, which
    /// proxies and gateways write for the API too) whose body is not a JSON object, as every error of the
    /// API is: a wrong host's `404` page, a proxy's or a captive portal's refusal. Its status says nothing
    /// of the resource asked for (see [`Error::is_resource_not_found`]).
    pub fn is_from_another_server(&self) -> bool {
        self.status.is_client_error() && !matches!(self.status.as_u16(), 408 | 429) && !self.body_is_json_object()
    }

    /// The body parsed as JSON, when it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        answer_json(self.body.as_bytes())
    }

    /// A field of the JSON body decoded as `T` (for example make-campaign-call's `existing_call`).
    pub fn body_field<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        let mut value = self.body_json()?;
        let field = value.get_mut(name)?.take();
        serde_json::from_value(field).ok()
    }
}

/// What `Display` shows of a text the server chose, at most: a message, a field's name, a code or a request
/// id, and how many field names. The whole of each stays in the error's fields.
const SHOWN_MESSAGE_CHARS: usize = 500;

/// The longest [`DecodeError::path`] kept, in bytes; a longer one ends in `…`.
const MAX_PATH_BYTES: usize = 1024;
const SHOWN_NAME_CHARS: usize = 100;
const SHOWN_FIELDS: usize = 20;
/// How many messages of one field `Debug` shows.
const SHOWN_MESSAGES: usize = 3;

/// A text the server chose, as `Display` shows it: control characters and the characters that reorder
/// text on a terminal (bidirectional overrides and isolates) escaped, so that an answer cannot move the
/// cursor, clear the screen or disguise what follows; and at most `max` characters, the rest counted.
struct Shown<'a>(&'a str, usize);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (head, rest) = first_chars(self.0, self.1);
        for c in head.chars() {
            if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        more_characters(f, rest)
    }
}

/// The first `max` characters of `text`, and how many characters follow them.
fn first_chars(text: &str, max: usize) -> (&str, usize) {
    match text.char_indices().nth(max) {
        None => (text, 0),
        Some((end, _)) => (&text[..end], text[end..].chars().count()),
    }
}

/// What stands for the characters of a text [`Shown`] or [`Cut`] leaves out: their count, or nothing.
fn more_characters(f: &mut fmt::Formatter<'_>, rest: usize) -> fmt::Result {
    match rest {
        0 => Ok(()),
        rest => write!(f, "… ({rest} more characters)"),
    }
}

/// A text the server chose, as `Debug` shows it: quoted and escaped as `str`'s `Debug` does, at most `max`
/// characters, the rest counted.
struct Cut<'a>(&'a str, usize);

impl fmt::Debug for Cut<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (head, rest) = first_chars(self.0, self.1);
        write!(f, "{head:?}")?;
        more_characters(f, rest)
    }
}

/// Texts as `Debug` shows them: those the iterator gives (limited by the caller to [`SHOWN_FIELDS`] or
/// [`SHOWN_MESSAGES`], and to [`SHOWN_FIELDS`] here), each cut ([`Cut`]), the rest of the `.1` counted.
struct CutList<'a, I>(I, usize)
where
    I: Iterator<Item = &'a String> + Clone;

impl<'a, I: Iterator<Item = &'a String> + Clone> fmt::Debug for CutList<'a, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        let shown = self.0.clone().take(SHOWN_FIELDS);
        let count = shown.clone().count();
        list.entries(shown.map(|text| Cut(text, SHOWN_MESSAGE_CHARS)));
        match self.1.saturating_sub(count) {
            0 => list.finish(),
            more => list.entry(&format_args!("… {more} more")).finish(),
        }
    }
}

/// Field errors as `Debug` shows them: the first [`SHOWN_FIELDS`] fields and of each its first
/// [`SHOWN_MESSAGES`] messages, every text cut ([`Cut`]), the rest counted.
struct CutFields<'a>(&'a BTreeMap<String, Vec<String>>);

impl fmt::Debug for CutFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (field, messages) in self.0.iter().take(SHOWN_FIELDS) {
            let shown = messages.iter().take(SHOWN_MESSAGES);
            map.entry(&Cut(field, SHOWN_NAME_CHARS), &CutList(shown, messages.len()));
        }
        match self.0.len().saturating_sub(SHOWN_FIELDS) {
            0 => map.finish(),
            more => map.entry(&format_args!("…"), &format_args!("{more} more fields")).finish(),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn cut(text: &Option<String>, max: usize) -> Option<Cut<'_>> {
            text.as_deref().map(|text| Cut(text, max))
        }
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("kind", &self.kind)
            .field("code", &cut(&self.code, SHOWN_NAME_CHARS))
            .field("message", &cut(&self.message, SHOWN_MESSAGE_CHARS))
            .field("field_errors", &CutFields(&self.field_errors))
            .field("errors", &CutList(self.errors.iter(), self.errors.len()))
            .field("request_id", &cut(&self.request_id, SHOWN_NAME_CHARS))
            .field("retry_after", &self.retry_after)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("summary", &cut(&self.summary, SHOWN_MESSAGE_CHARS))
            .field("tries", &self.tries)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: the API answered {} ({})", self.operation, self.status, self.kind)?;
        if let Some(message) = self.summary() {
            write!(f, ": {}", Shown(message, SHOWN_MESSAGE_CHARS))?;
        }
        // A 422's own message is general ("The given data was invalid."): the first field's problem says
        // what is wrong, so that a logged error carries it. (Without a message, the summary is that problem.)
        if self.message.is_some() {
            // Not the message again (a 400 that names its field gives that field the answer's message).
            let first = self.field_errors.iter().find_map(|(f, p)| Some((f, p.first()?)));
            if let Some((field, problem)) = first.filter(|(_, problem)| self.message.as_ref() != Some(*problem)) {
                write!(f, "; `{}`: {}", Shown(field, SHOWN_NAME_CHARS), Shown(problem, SHOWN_MESSAGE_CHARS))?;
            } else if let Some(problem) = self.errors.first() {
                // Problems tied to no field (a flow's "Node 'greet' references unknown next node"): the
                // first, so that a logged error says what the general message is about.
                write!(f, "; {}", Shown(problem, SHOWN_MESSAGE_CHARS))?;
                if self.errors.len() > 1 {
                    write!(f, " (and {} more)", self.errors.len() - 1)?;
                }
            }
        }
        if let Some(code) = &self.code {
            write!(f, " [{}]", Shown(code, SHOWN_NAME_CHARS))?;
        }
        if !self.field_errors.is_empty() {
            f.write_str(" (fields: ")?;
            for (i, field) in self.field_errors.keys().take(SHOWN_FIELDS).enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{}", Shown(field, SHOWN_NAME_CHARS))?;
            }
            if self.field_errors.len() > SHOWN_FIELDS {
                write!(f, " and {} more", self.field_errors.len() - SHOWN_FIELDS)?;
            }
            f.write_str(")")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {})", Shown(id, SHOWN_NAME_CHARS))?;
        }
        // A 2xx that says `"success": false` is the API's account of how it went; a 5xx or 408 is not.
        if self.tries.safe_to_repeat == Some(false)
            && !self.status.is_success()
            && status_may_have_taken_effect(self.status)
        {
            f.write_str(NOT_REPEATED)?;
        }
        f.write_str(&self.tries.note())
    }
}

impl std::error::Error for ApiError {}

/// What the message of a failed operation not safe to repeat adds when it may have been carried out
/// ([`Error::may_have_taken_effect`]): it was not sent again, and should be checked before it is.
const NOT_REPEATED: &str = "; it may have been carried out, so it was not sent again: check before repeating it";

/// What the message of an operation not safe to repeat adds when the API took it (a 2xx) but its answer
/// could not be read whole: it was carried out, and should be looked up rather than sent again.
const TAKEN_NOT_REPEATED: &str = "; the API took it, so it was not sent again: look up what it did before repeating it";

/// Why a failed attempt is not retried ([`RetryPolicy::decide`](crate::retry::RetryPolicy::decide)), and
/// why a client's error came after the attempts it did ([`Error::stop_reason`]). `Display` says it in a few
/// words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// This outcome is not retried: not one that trying again can mend (a documented refusal of the
    /// request, a status the policy's [`retry_statuses`](crate::retry::RetryPolicy::retry_statuses) leaves
    /// out, an answer too large), or, for an operation not safe to repeat, one whose status shows nothing
    /// was done but that the policy retries only for operations safe to repeat. A 429 is retried for
    /// every operation.
    NotRetryable,
    /// This outcome is retried for an operation safe to repeat (a 5xx, a timeout, a lost connection), but
    /// this one is not, and the attempt may have been carried out
    /// ([`Error::may_have_taken_effect`]): it was not sent again, and should be checked before it is.
    NotSafeToRepeat,
    /// The policy's retries are used up.
    OutOfAttempts,
    /// The server asked for a longer wait than the policy accepts
    /// ([`max_retry_after`](crate::retry::RetryPolicy::max_retry_after)).
    RetryAfterTooLong,
    /// The client's retry budget is spent ([`RetryBudget`](crate::retry::RetryBudget)).
    BudgetExhausted,
    /// The wait would end past the policy's [`max_elapsed`](crate::retry::RetryPolicy::max_elapsed).
    OutOfTime,
    /// The client has no way to wait here (an async client with no sleep it can use: no `reqwest` feature
    /// and no `sleep` given, or Tokio's sleep outside a Tokio runtime).
    CannotWait,
    /// The transport declined to send the request ([`TransportErrorKind::Declined`]: a circuit breaker of
    /// your own is open): nothing was sent, and when to try again is the caller's to say.
    Declined,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotRetryable => "not a failure that trying again can mend",
            Self::NotSafeToRepeat => "not safe to repeat after an attempt that may have been carried out",
            Self::OutOfAttempts => "the retry policy's attempts are used up",
            Self::RetryAfterTooLong => "the server asked for a longer wait than the retry policy's max_retry_after",
            Self::BudgetExhausted => "the client's retry budget is spent (many retries of late)",
            Self::OutOfTime => "the wait before it would end past the retry policy's max_elapsed",
            Self::CannotWait => "the client has no way to wait here",
            Self::Declined => "the transport declined to send it",
        })
    }
}

impl StopReason {
    /// Whether the client stopped for a reason of its own settings or state rather than the outcome's: a
    /// retry the outcome called for was held back (what `Display` of an error says), and a later call, or
    /// another retry policy, may get through.
    pub fn held_back_a_retry(self) -> bool {
        matches!(self, Self::RetryAfterTooLong | Self::BudgetExhausted | Self::OutOfTime | Self::CannotWait)
    }
}

/// What the client records of the attempts behind an error of a request it sent, which the three kinds of
/// such an error ([`TransportError`], [`ApiError`], [`DecodeError`]) keep alike and [`Error`]'s getters and
/// `with_` setters read and write.
#[derive(Clone, Copy)]
struct Tries {
    /// How many times the request was sent (at least 1): the error is the last attempt's.
    count: u32,
    /// Whether an earlier attempt may have been carried out ([`Error::earlier_attempt_may_have_taken_effect`]).
    earlier_acted: bool,
    /// Whether the operation may be sent again as it is, once the client has said it.
    safe_to_repeat: Option<bool>,
    /// Why the client made no further attempt, once it has said it (never after an answer read).
    stopped: Option<StopReason>,
}

/// Each fact under the name of the [`Error`] getter that gives it.
impl fmt::Debug for Tries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tries")
            .field("attempts", &self.count)
            .field("earlier_attempt_may_have_taken_effect", &self.earlier_may_have_acted())
            .field("safe_to_repeat", &self.safe_to_repeat)
            .field("stop_reason", &self.stopped)
            .finish()
    }
}

impl Tries {
    /// One attempt, of which the client has said nothing more yet.
    const ONE: Self = Self { count: 1, earlier_acted: false, safe_to_repeat: None, stopped: None };

    /// Whether an attempt before the last may have been carried out: recorded on an error of one
    /// attempt, it speaks of none before it, as `Display` says nothing.
    fn earlier_may_have_acted(&self) -> bool {
        self.count > 1 && self.earlier_acted
    }

    /// What `Display` adds for a request sent more than once, and for one not retried for a reason of
    /// the client's ([`StopReason`]).
    fn note(&self) -> String {
        let Self { count: attempts, earlier_acted, stopped, .. } = *self;
        let stopped = stopped.filter(|reason| reason.held_back_a_retry());
        let earlier = if earlier_acted { "; an earlier one may have been carried out" } else { "" };
        match (attempts > 1, stopped) {
            (true, Some(reason)) => format!(" (after {attempts} attempts{earlier}; no more: {reason})"),
            (true, None) => format!(" (after {attempts} attempts{earlier})"),
            (false, Some(reason)) => format!(" (not retried: {reason})"),
            (false, None) => String::new(),
        }
    }
}

/// A 2xx answer that is not the documented response. Its `Debug` shows at most 500 characters of each text
/// (the fields hold everything).
#[derive(Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// Where in the body decoding failed (`data[0].voice.stability`), empty at the top; at most 1 KiB,
    /// ending in `…` where the path was longer (a body nested thousands of levels deep).
    pub path: String,
    /// What the decoder said.
    pub message: String,
    /// The request id the server gave, if any.
    pub request_id: Option<String>,
    /// The response body as received, but for the secrets the request carried (the token, a webhook's
    /// secret): where the answer echoes one, it reads `[redacted]` (see [`Error::redact_secrets`]).
    pub body: RawBody,
    /// What the client recorded of the attempts (this is the last one's answer).
    tries: Tries,
    /// Whether a list walk refused this page ([`DecodeError::is_incomplete_list`]).
    incomplete_list: bool,
    /// Whether the answer is no JSON at all (a web page, other text): maybe not the API's answer.
    not_json: bool,
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("path", &Cut(&self.path, SHOWN_MESSAGE_CHARS))
            .field("message", &Cut(&self.message, SHOWN_MESSAGE_CHARS))
            .field("request_id", &self.request_id.as_deref().map(|id| Cut(id, SHOWN_NAME_CHARS)))
            .field("body", &self.body)
            .field("tries", &self.tries)
            .field("incomplete_list", &self.incomplete_list)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.incomplete_list {
            // The answer read well: what it says of the list is what stops the walk.
            let message = Shown(&self.message, SHOWN_MESSAGE_CHARS);
            return write!(f, "{}: {message}{}", self.operation, self.tries.note());
        }
        write!(f, "{}: could not decode the {} answer", self.operation, self.status)?;
        if !self.path.is_empty() && self.path != "." {
            write!(f, " at `{}`", Shown(&self.path, SHOWN_MESSAGE_CHARS))?;
        }
        // The decoder's message can name what the server sent (a key of the body).
        write!(f, ": {}", Shown(&self.message, SHOWN_MESSAGE_CHARS))?;
        // A call placed whose answer cannot be read is still placed: a log line saying only "could not
        // decode" would read as a failure worth sending again. An answer that is no JSON at all (a proxy's
        // or a login page) says nothing of whether the API took it: it may have.
        if self.tries.safe_to_repeat == Some(false) && self.status.is_success() {
            f.write_str(if self.not_json { NOT_REPEATED } else { TAKEN_NOT_REPEATED })?;
        }
        f.write_str(&self.tries.note())
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        headers: &HeaderMap,
        path: String,
        message: String,
        body: Vec<u8>,
    ) -> Self {
        let message = hide_string_values(&message);
        let request_id = request_id(headers);
        // A body nested a million levels deep gives a path of megabytes, which `Debug` and logs would carry.
        let mut path = path;
        if path.len() > MAX_PATH_BYTES {
            // The cut and its `…` (3 bytes) within the bound.
            let keep = MAX_PATH_BYTES - '…'.len_utf8();
            let cut = (0..=keep).rev().find(|at| path.is_char_boundary(*at)).unwrap_or(0);
            path.truncate(cut);
            path.push('…');
        }
        let body = RawBody(body);
        let mut error = Self {
            operation,
            status,
            path,
            message,
            request_id,
            body,
            tries: Tries::ONE,
            incomplete_list: false,
            not_json: false,
        };
        error.redact(&[]);
        error
    }

    /// The error of an answer that is no JSON at all (a web page, other text), which may not be the API's.
    pub(crate) fn of_no_json(mut self) -> Self {
        self.not_json = true;
        self
    }

    /// A `200 OK` answer, read whole, that is not what was asked for (a page other than the one asked
    /// for): `body` is the answer as decoded, written again.
    pub(crate) fn of_refused_page(operation: &'static str, path: &str, message: String, body: Vec<u8>) -> Self {
        let mut error = Self::new(operation, StatusCode::OK, &HeaderMap::new(), path.to_owned(), message, body);
        error.incomplete_list = true;
        error
    }

    /// Whether a list walk ([`PageWalk`](crate::page::PageWalk), and so `.items()`) refused this answer as
    /// a page of the list (another page than the one asked for, a page without a block that repeats the one
    /// before it, or an empty page its counts contradict): the answer itself read well, the list is what is
    /// incomplete, and asking for the same page again would not mend it. Its `body` is the page as read.
    /// `Display` then says the list stopped, not that the answer could not be decoded.
    pub fn is_incomplete_list(&self) -> bool {
        self.incomplete_list
    }

    /// How many times the request was sent; this is the last answer (see [`Error::attempts`]).
    pub fn attempts(&self) -> u32 {
        self.tries.count
    }

    fn redact(&mut self, secrets: &[&str]) {
        self.body.hide(secrets);
        for text in [&mut self.path, &mut self.message].into_iter().chain(self.request_id.as_mut()) {
            crate::secret::redact_all_in(text, secrets);
        }
    }
}

/// A decoder message without the string values it quotes from the body (`invalid type: string "…"`,
/// `unknown variant `…``): a value of the wrong type may be a secret. The path still says where decoding
/// failed, and the raw body holds the value for whoever reads it on purpose.
pub(crate) fn hide_string_values(message: &str) -> String {
    const HIDDEN: &str = "(value not shown)";
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    loop {
        let string = rest.find("string \"").map(|i| (i, i + 8));
        let variant = rest.find("unknown variant `").map(|i| (i, i + 17));
        let Some((at, open)) = [string, variant].into_iter().flatten().min() else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..open - 1]);
        out.push_str(HIDDEN);
        let quoted = &rest[open..];
        rest = if rest[at..].starts_with("string") {
            // Rust's `{:?}` of the string: ends at the first quote not escaped by a backslash.
            let mut escaped = false;
            let end = quoted.char_indices().find_map(|(i, c)| match (escaped, c) {
                (false, '\\') => {
                    escaped = true;
                    None
                }
                (false, '"') => Some(i + 1),
                _ => {
                    escaped = false;
                    None
                }
            });
            &quoted[end.unwrap_or(quoted.len())..]
        } else {
            let end = quoted.rfind("`, expected").or_else(|| quoted.rfind('`')).map_or(quoted.len(), |i| i + 1);
            &quoted[end..]
        };
    }
}

/// The error code an error body carries, read as [`ApiError`] reads it; `None` for a body that is not a
/// JSON object or carries none.
pub(crate) fn code_in_body(body: &[u8]) -> Option<String> {
    let Some(Value::Object(map)) = answer_json(body) else {
        return None;
    };
    let mut error = ApiError::unread("", StatusCode::BAD_REQUEST, HeaderMap::new());
    error.read_body(map, body);
    error.code
}

/// The longest excerpt of a body that is not JSON, in characters, and how much of the body it reads.
const EXCERPT_CHARS: usize = 160;
const EXCERPT_WINDOW: usize = 4096;

/// The start of a body that is not JSON, for a message: on one line (whitespace runs as one space), control
/// characters escaped, `secret` and credential-like text redacted, at most [`EXCERPT_CHARS`] characters
/// and `…` when cut. `None` for an empty body.
fn excerpt(body: &[u8], secrets: &[&str]) -> Option<String> {
    let body = json_text(body);
    let window = &body[..body.len().min(EXCERPT_WINDOW)];
    let mut text = String::from_utf8_lossy(window).into_owned();
    let mut cut = window.len() < body.len();
    if cut {
        // The last word may be part of a secret that goes on past the window: cut back to a space or to
        // JSON's or HTML's punctuation, which ends a token (a body without spaces keeps what comes before).
        let ends_token =
            |c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '{' | '}' | '[' | ']' | '<' | '>' | '"');
        text.truncate(text.trim_end_matches(|c: char| !ends_token(c)).len());
    }
    crate::secret::redact_all_in(&mut text, secrets);
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
    }
    if let Some((at, _)) = out.char_indices().nth(EXCERPT_CHARS) {
        out.truncate(at);
        cut = true;
    }
    if cut {
        out.push('…');
    }
    (!out.is_empty()).then_some(out)
}

/// The text of a `message` value: a string as it is (none when empty), any other value but `null` as its
/// JSON text (`42`), so that a message of an unexpected type is not lost.
fn message_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()).filter(|t| !t.trim().is_empty()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Whether `text` is written as the API writes its error codes (`MISSING_TOKEN`, `UNAUTHORIZED`): upper-case
/// letters, digits and underscores, beginning with a letter.
fn is_code(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_uppercase())
        && text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A body's `errors` member read as `T`; `None` when the body is not an object with one of that shape (read
/// as [`answer_json`] reads it, after a byte-order mark).
fn errors_member<T: serde::de::DeserializeOwned>(body: &[u8]) -> Option<T> {
    #[derive(serde::Deserialize)]
    struct Body<T> {
        errors: T,
    }
    serde_json::from_slice::<Body<T>>(json_text(body)).ok().map(|body| body.errors)
}

/// An object's entries as written, in order, a key written twice given twice (a framework writes a field
/// of a 422 once for each rule it failed); with `KEEP` false, only how many there are, none of them kept.
struct Entries<const KEEP: bool> {
    count: usize,
    entries: Vec<(String, Value)>,
}

impl<'de, const KEEP: bool> serde::Deserialize<'de> for Entries<KEEP> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Read<const KEEP: bool>;
        impl<'de, const KEEP: bool> serde::de::Visitor<'de> for Read<KEEP> {
            type Value = Entries<KEEP>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Entries<KEEP>, A::Error> {
                use serde::de::IgnoredAny;
                let mut read = Entries { count: 0, entries: Vec::new() };
                loop {
                    if KEEP {
                        let Some(entry) = map.next_entry::<String, Value>()? else { break };
                        read.entries.push(entry);
                    } else if map.next_entry::<IgnoredAny, IgnoredAny>()?.is_none() {
                        break;
                    }
                    read.count += 1;
                }
                Ok(read)
            }
        }
        deserializer.deserialize_map(Read::<KEEP>)
    }
}

/// The messages of one field of `errors`: a list of texts, or one text.
fn messages_of(value: Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(one) => Some(one),
                _ => None,
            })
            .collect(),
        Value::String(one) => vec![one],
        _ => Vec::new(),
    }
}

/// Marks the header values of an answer that hold a secret sensitive, so that `Debug` shows `Sensitive`:
/// cookies and credentials, whatever they look like (a session a proxy or the framework sets, a header
/// named as credentials are, such as `x-amz-security-token`), and values holding one of `secrets` or
/// credential-like text (`Bearer …`).
pub(crate) fn mark_secret_headers(headers: &mut HeaderMap, secrets: &[&str]) {
    const CREDENTIALS: [http::HeaderName; 4] = [
        http::header::SET_COOKIE,
        http::header::COOKIE,
        http::header::AUTHORIZATION,
        http::header::PROXY_AUTHORIZATION,
    ];
    for (name, value) in headers.iter_mut() {
        if CREDENTIALS.contains(name)
            || crate::secret::is_secret_field(name.as_str())
            || is_redacted(&String::from_utf8_lossy(value.as_bytes()), secrets)
        {
            value.set_sensitive(true);
        }
    }
}

/// Whether redacting `text` would change it.
fn is_redacted(text: &str, secrets: &[&str]) -> bool {
    if secrets.is_empty() {
        // Credential-like text alone, told without a copy.
        return matches!(crate::secret::redact_credentials(text), std::borrow::Cow::Owned(_));
    }
    let mut copy = text.to_owned();
    crate::secret::redact_all_in(&mut copy, secrets);
    copy != text
}

/// The request id a response carries, from `x-request-id` or `request-id` (bytes outside ASCII, which
/// HTTP allows in a header's value, read as UTF-8 where they are, else as U+FFFD, so that the id is kept
/// to quote to support).
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    request_id_header(headers).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// The header value [`request_id`] reads.
pub(crate) fn request_id_header(headers: &HeaderMap) -> Option<&http::HeaderValue> {
    ["x-request-id", "request-id"].iter().find_map(|name| headers.get(*name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `documented_code()` gives a page's code to an answer without one only where the page's table is
    /// the only place the code is written, and the status has that code alone.
    #[test]
    fn a_codeless_answer_takes_the_one_code_its_page_lists_only_in_its_table() {
        let codeless = |op: &'static str, status: u16, body: &str| {
            let status = StatusCode::from_u16(status).unwrap();
            Error::Api(Box::new(ApiError::from_parts(op, status, HeaderMap::new(), body.as_bytes().to_vec())))
        };
        let plain = r#"{"success": false, "message": "No"}"#;
        let (mut given, mut withheld) = (0, 0);
        for (op, errors) in crate::documented_errors::all() {
            for e in errors {
                let alone = errors.iter().filter(|other| other.status == e.status).count() == 1;
                let code = codeless(op, e.status, plain).documented_code();
                if alone && e.code.is_some() && !e.code_in_example {
                    assert_eq!(code, e.error_code(), "{op} {}", e.status);
                    given += 1;
                } else {
                    assert_eq!(code, None, "{op} {} {:?}", e.status, e.code);
                    withheld += 1;
                }
            }
        }
        assert!(given > 20 && withheld > 20, "{given} given, {withheld} withheld");
        // Shown in an example: a codeless 422 of update-campaign-sftp is a validation failure, not it.
        assert_eq!(codeless("update-campaign-sftp", 422, plain).documented_code(), None);
        // A business code listed only in the table is not given to an answer listing field errors.
        let fields = r#"{"success": false, "message": "Invalid", "errors": {"to": ["The to field is required."]}}"#;
        assert_eq!(codeless("make-campaign-call", 400, plain).documented_code(), Some(ErrorCode::CampaignNotActive));
        assert_eq!(codeless("make-campaign-call", 400, fields).documented_code(), None);
        assert_eq!(codeless("make-campaign-call", 422, fields).documented_code(), Some(ErrorCode::ValidationError));
        // The body's own code comes first.
        let coded = r#"{"success": false, "message": "No", "code": "SOMETHING_NEWER"}"#;
        assert_eq!(
            codeless("make-campaign-call", 400, coded).documented_code(),
            Some(ErrorCode::Unknown("SOMETHING_NEWER".into()))
        );
    }

    /// The secrets a request carried are hidden in the body an error keeps, once each, and a JSON body
    /// stays JSON; a body that is not text is searched as bytes.
    #[test]
    fn secrets_are_hidden_in_a_kept_body_and_json_stays_json() {
        let hidden = |body: &[u8], secrets: &[&str]| {
            let mut body = RawBody(body.to_vec());
            body.hide(secrets);
            body.0
        };
        let json =
            br#"{"message":"bad token talq_secret_0123456789","pin":123456789,"path":"C:\\talq_secret_0123456789"}"#;
        let out = hidden(json, &["talq_secret_0123456789", "12345678"]);
        let value: Value = serde_json::from_slice(&out).expect("still JSON");
        assert_eq!(value["message"], "bad token [redacted]");
        assert_eq!(value["pin"], "[redacted]", "a secret of digits inside a number");
        assert_eq!(value["path"], "C:\\[redacted]");
        // Not text: the bytes, each match once, though `[redacted]` holds the secret itself.
        let mut binary = vec![0xff, 0xfe];
        binary.extend_from_slice(b"x redacted] y redacted]");
        assert_eq!(hidden(&binary, &["redacted]"]), [&[0xff, 0xfe][..], b"x [redacted] y [redacted]"].concat());
        // Short secrets are not looked for; a body without a secret is kept byte for byte.
        assert_eq!(hidden(b"{ \"a\" : 1.50 }", &["short", "talq_absent_secret"]), b"{ \"a\" : 1.50 }");
    }

    /// A transport failure after the answer's head may succeed again unless its status is a 4xx that
    /// would come again (a 404); after a success it may, though the request was processed and is never
    /// certainly unsent.
    /// What the server chose is shown escaped and bounded: no control sequence of an answer reaches a
    /// terminal through `Display`, nor does a message of megabytes; the error's fields keep it whole.
    #[test]
    fn display_escapes_and_bounds_what_the_server_chose() {
        let errors: serde_json::Map<String, Value> =
            (0..30).map(|i| (format!("field_{i:02}"), serde_json::json!(["bad"]))).collect();
        let body = serde_json::json!({
            "message": format!("bad \u{1b}[2J\u{1b}]0;title\u{7} \u{202e}gnp.exe\r{}", "x".repeat(2000)),
            "code": "E\u{1b}[31m",
            "errors": errors,
        });
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", http::HeaderValue::from_bytes(b"req-\xc3\xa9-\xff").unwrap());
        let error = ApiError::from_parts(
            "create-agent",
            StatusCode::UNPROCESSABLE_ENTITY,
            headers,
            body.to_string().into_bytes(),
        );
        let shown = error.to_string();
        assert!(!shown.chars().any(|c| c.is_control() || c == '\u{202e}'), "{shown:?}");
        assert!(shown.contains(r"bad \u{1b}[2J"), "{shown}");
        assert!(shown.contains("… (1528 more characters)"), "{shown}");
        assert!(shown.contains(r"[E\u{1b}[31m]"), "{shown}");
        assert!(shown.contains("field_19 and 10 more)"), "{shown}");
        assert!(shown.contains("(request id req-é-\u{fffd})"), "{shown}");
        assert!(shown.len() < 1200, "{} bytes", shown.len());
        // Nothing is lost: the message, the code and every field are there to read.
        assert_eq!(error.message.as_deref().map(|m| m.chars().count()), Some(2028));
        assert_eq!(error.field_errors.len(), 30);
    }

    #[test]
    fn a_failure_after_the_head_is_retryable_unless_its_4xx_would_come_again() {
        let cut = cut_after_head;
        assert!(!cut(404).is_retryable());
        assert!(cut(200).is_retryable() && cut(503).is_retryable() && cut(429).is_retryable());
        let Error::Transport(processed) = cut(200) else { unreachable!() };
        assert!(!processed.certainly_not_sent());
        assert!(Error::from(TransportError::new(TransportErrorKind::Io, "reset")).is_retryable());
        assert_eq!(cut(404).status(), Some(StatusCode::NOT_FOUND));
    }

    #[test]
    fn an_operation_not_safe_to_repeat_says_it_may_have_been_carried_out() {
        let unsafe_op = |error: Error| error.with_safe_to_repeat(false).to_string();
        let answered = |status: u16, body: &str| Error::Api(Box::new(api(status, body)));
        let clause = "; it may have been carried out, so it was not sent again: check before repeating it";
        // A timeout, a lost connection, a 5xx or 408, an answer cut off after a 5xx head.
        let timeout = Error::from(TransportError::new(TransportErrorKind::Timeout, "timed out after 30 s"));
        assert_eq!(unsafe_op(timeout), format!("transport error (timeout): timed out after 30 s{clause}"));
        assert!(unsafe_op(transport(TransportErrorKind::Io)).ends_with(&format!("failed{clause}")));
        for status in [500, 503, 408] {
            assert!(unsafe_op(answered(status, r#"{"message": "Oops"}"#)).contains(clause), "{status}");
            assert!(unsafe_op(cut_after_head(status)).ends_with(clause), "{status}");
        }
        // Not when it certainly did nothing or the API said how it went, nor for a read.
        for error in [
            transport(TransportErrorKind::Connect),
            answered(422, r#"{"message": "Invalid"}"#),
            answered(429, r#"{"message": "Slow down"}"#),
            answered(200, r#"{"success": false, "message": "Webhook test failed"}"#),
        ] {
            assert!(!unsafe_op(error).contains("not sent again"));
        }
        // Taken by the API (a 2xx) but not read whole: carried out, so looked up rather than sent again.
        let taken = "; the API took it, so it was not sent again: look up what it did before repeating it";
        let undecodable = || {
            let message = "invalid type: null, expected struct PlacedCall".to_owned();
            let ok = StatusCode::OK;
            Error::Decode(Box::new(DecodeError::new(
                "make-call",
                ok,
                &HeaderMap::new(),
                "data".into(),
                message,
                b"{}".to_vec(),
            )))
        };
        for error in [cut_after_head(200), undecodable()] {
            let shown = unsafe_op(error);
            assert!(shown.contains(taken) && !shown.contains(clause), "{shown}");
        }
        // A 2xx that is a web page may be a proxy's, not the API's: it may have been carried out, no more.
        let mut page = http::Response::new(b"<html><body>Please sign in</body></html>".to_vec());
        page.headers_mut().insert("content-type", "text/html".parse().unwrap());
        let page = crate::decode_response::<crate::calls::MakeCall>(page).unwrap_err();
        let shown = unsafe_op(page);
        assert!(
            shown.contains("another server answered") && shown.contains(clause) && !shown.contains(taken),
            "{shown}"
        );
        assert!(!undecodable().with_safe_to_repeat(true).to_string().contains("not sent again"));
        let read = answered(500, r#"{"message": "Oops"}"#).with_safe_to_repeat(true);
        assert!(!read.to_string().contains("not sent again"), "{read}");
        assert!(!answered(500, r#"{"message": "Oops"}"#).to_string().contains("not sent again"));
    }

    #[test]
    fn a_broken_exchange_says_the_request_may_have_been_sent() {
        let shown = |kind| transport(kind).to_string();
        for kind in [TransportErrorKind::Io, TransportErrorKind::Other] {
            assert_eq!(shown(kind), format!("transport error ({kind}): failed; the request may have been sent"));
        }
        let tls_later = Error::from(TransportError::new(TransportErrorKind::Tls, "bad record").maybe_sent());
        assert!(tls_later.to_string().ends_with("bad record; the request may have been sent"), "{tls_later}");
        // Never sent, or saying what happened already: no such clause.
        for kind in [
            TransportErrorKind::Connect,
            TransportErrorKind::Tls,
            TransportErrorKind::InvalidUrl,
            TransportErrorKind::NoRuntime,
            TransportErrorKind::NotRecorded,
            TransportErrorKind::Declined,
            TransportErrorKind::Timeout,
            TransportErrorKind::BodyTooLarge,
        ] {
            assert!(!shown(kind).contains("may have been sent"), "{}", shown(kind));
        }
        assert_eq!(
            cut_after_head(200).to_string(),
            "transport error (io): body cut off; it came after the answer's head, 200 OK (the request was processed)"
        );
    }

    /// An answer of `status` whose body broke off after its head.
    fn cut_after_head(status: u16) -> Error {
        let error = TransportError::new(TransportErrorKind::Io, "body cut off")
            .with_answer_head(StatusCode::from_u16(status).unwrap(), &HeaderMap::new());
        Error::from(error)
    }

    fn transport(kind: TransportErrorKind) -> Error {
        Error::from(TransportError::new(kind, "failed"))
    }

    /// A field whose errors are a map of its members' gives them under dotted names, in the message as in
    /// the field list.
    #[test]
    fn nested_field_errors_are_named_by_their_dotted_path() {
        let e = api(
            422,
            r#"{"message": "Invalid", "errors": {"payload": {"customer_name": ["Too long"]}, "to": ["Not E.164"]}}"#,
        );
        let error = Error::Api(Box::new(e));
        assert_eq!(pairs(&error.field_errors()), [("payload.customer_name", "Too long"), ("to", "Not E.164")]);
        assert!(error.to_string().contains("(fields: payload.customer_name, to)"), "{error}");
        // The first problem is in the text beside the API's general message: a log of `{error}` says what
        // is wrong.
        assert!(error.to_string().contains(": Invalid; `payload.customer_name`: Too long (fields:"), "{error}");
    }

    /// A 429's rate-limit headers are read from the error itself.
    #[test]
    fn an_error_gives_the_rate_limit_its_answer_reported() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "100".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "0".parse().unwrap());
        let body = br#"{"success": false, "message": "Too many requests"}"#.to_vec();
        let error =
            Error::Api(Box::new(ApiError::from_parts("get-agent", StatusCode::TOO_MANY_REQUESTS, headers, body)));
        let limit = error.rate_limit().unwrap();
        assert_eq!((limit.limit, limit.remaining), (Some(100), Some(0)));
        assert!(Error::config("token", "none").rate_limit().is_none());
    }

    /// A redirect says where it led (a base URL on `http` where the API is on `https`), with an HTML body or
    /// none; a JSON message of the answer's own stands.
    #[test]
    fn a_redirect_names_its_location() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::LOCATION, "https://app.talkover.ai/api/v1/agents".parse().unwrap());
        for body in [&b"<html><body>Moved</body></html>"[..], b""] {
            let error =
                ApiError::from_parts("list-agents", StatusCode::MOVED_PERMANENTLY, headers.clone(), body.to_vec());
            assert_eq!(
                error.summary(),
                Some("redirected to https://app.talkover.ai/api/v1/agents, which is not followed: check the base URL")
            );
        }
        let mut with_password = HeaderMap::new();
        with_password.insert(http::header::LOCATION, "https://user:s3cret@example.com/x?y=1".parse().unwrap());
        let error = ApiError::from_parts("list-agents", StatusCode::FOUND, with_password, Vec::new());
        assert!(error.summary().unwrap().starts_with("redirected to https://example.com/x?y=1,"), "{error}");
        let json = br#"{"message": "Use the new host"}"#.to_vec();
        let error = ApiError::from_parts("list-agents", StatusCode::FOUND, headers, json);
        assert_eq!(error.summary(), Some("Use the new host"));
    }

    /// A long HTML page without spaces (a proxy's minified error page) still shows its start.
    #[test]
    fn a_long_html_page_without_spaces_keeps_an_excerpt() {
        let page =
            format!("<html><head><title>502BadGateway</title></head><body>{}</body></html>", "x".repeat(200_000));
        let error = ApiError::from_parts("get-agent", StatusCode::BAD_GATEWAY, HeaderMap::new(), page.into_bytes());
        let summary = error.summary().unwrap();
        assert!(summary.starts_with("<html><head><title>502BadGateway</title>"), "{summary}");
        assert!(summary.ends_with('…'));
    }

    /// A server that writes its message in Latin-1 still gives its code and message, the odd byte read as
    /// U+FFFD.
    #[test]
    fn a_json_error_with_a_byte_that_is_not_utf8_keeps_its_code_and_message() {
        let body = b"{\"success\": false, \"message\": \"Agent introuvable \xe9t\xe9\", \"error\": {\"code\": \"AGENT_NOT_FOUND\"}}";
        let error = ApiError::from_parts("get-agent", StatusCode::NOT_FOUND, HeaderMap::new(), body.to_vec());
        assert_eq!(error.code.as_deref(), Some("AGENT_NOT_FOUND"));
        assert_eq!(error.message.as_deref(), Some("Agent introuvable \u{FFFD}t\u{FFFD}"));
        assert_eq!(error.kind, ErrorKind::NotFound);
    }

    #[test]
    fn never_sent_errors_had_no_effect() {
        assert!(!Error::invalid_request("make-call", Some("delay_seconds"), "at most 3600").may_have_taken_effect());
        assert!(!Error::config("token", "no token was given").may_have_taken_effect());
        use TransportErrorKind::{Connect, Declined, InvalidUrl, NoRuntime, NotRecorded, Tls};
        for kind in [Connect, Tls, InvalidUrl, NoRuntime, NotRecorded, Declined] {
            assert!(!transport(kind).may_have_taken_effect(), "{kind}");
        }
        // Declined by a rule of the program's (a circuit breaker): it may go through later.
        assert!(transport(Declined).is_retryable());
    }

    #[test]
    fn transport_failures_after_sending_may_have_had_an_effect() {
        for kind in [
            TransportErrorKind::Timeout,
            TransportErrorKind::Io,
            TransportErrorKind::BodyTooLarge,
            TransportErrorKind::Other,
        ] {
            assert!(transport(kind).may_have_taken_effect(), "{kind}");
        }
        // A TLS failure the transport cannot place before the request was written.
        let tls = Error::from(TransportError::new(TransportErrorKind::Tls, "alert").maybe_sent());
        assert!(tls.may_have_taken_effect());
    }

    #[test]
    fn a_failure_after_the_answers_head_goes_by_its_status() {
        let cut = cut_after_head;
        for status in [200, 201, 408, 500, 503] {
            assert!(cut(status).may_have_taken_effect(), "{status}");
        }
        for status in [400, 402, 404, 409, 422, 429] {
            assert!(!cut(status).may_have_taken_effect(), "{status}");
        }
    }

    #[test]
    fn server_failures_and_timeouts_may_have_had_an_effect_refusals_had_none() {
        for status in [408, 500, 502, 503, 504] {
            assert!(err(status, "{}").may_have_taken_effect(), "{status}");
        }
        for status in [400, 401, 402, 403, 404, 409, 422, 429] {
            assert!(!err(status, r#"{"success": false, "message": "No"}"#).may_have_taken_effect(), "{status}");
        }
        // A 2xx whose envelope says it failed: nothing says it was not acted on.
        assert!(err(200, r#"{"success": false, "message": "No"}"#).may_have_taken_effect());
    }

    #[test]
    fn an_undecodable_success_was_processed() {
        let answer = http::Response::builder().status(201).body(b"<html>Created</html>".to_vec()).unwrap();
        let error = crate::decode_response::<crate::calls::MakeCall>(answer).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert!(error.may_have_taken_effect());
    }

    /// A session cookie an answer sets, or a header named as credentials are, is not shown by `Debug`,
    /// whatever it looks like; other headers are.
    #[test]
    fn an_answers_cookies_are_hidden_from_debug() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::SET_COOKIE, "laravel_session=plain-session-value; path=/".parse().unwrap());
        headers.insert("x-request-id", "req-7".parse().unwrap());
        headers.insert("x-amz-security-token", "plain-session-token".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "41".parse().unwrap());
        let error = ApiError::from_parts("get-agent", StatusCode::NOT_FOUND, headers, b"{}".to_vec());
        let shown = format!("{error:?}");
        assert!(!shown.contains("plain-session-value") && !shown.contains("plain-session-token"), "{shown}");
        assert!(shown.contains("req-7") && shown.contains("41"), "{shown}");
    }

    #[test]
    fn invalid_requests_list_every_problem_and_redact_each() {
        let problems = vec![
            FieldError::new("name", "must be 1 to 255 characters long, got 0"),
            FieldError::new("", "query must be a struct"),
            FieldError::new("webhook_url", "rejected talq_secret_value_1"),
        ];
        let error = Error::invalid_fields("create-webhook", problems).redact_secret("talq_secret_value_1");
        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
        assert_eq!(
            error.to_string(),
            "create-webhook: invalid request: `name`: must be 1 to 255 characters long, got 0; \
             query must be a struct; `webhook_url`: rejected [redacted]"
        );
        let Error::InvalidRequest(invalid) = &error else { unreachable!() };
        assert_eq!((invalid.field(), invalid.problems().len()), (Some("name"), 3));
        let whole = Error::invalid_request("x", None, "not a request of this operation");
        let Error::InvalidRequest(whole) = &whole else { unreachable!() };
        assert_eq!((whole.field(), whole.message()), (None, "not a request of this operation"));
    }

    fn api(status: u16, body: &str) -> ApiError {
        ApiError::from_parts("x", StatusCode::from_u16(status).unwrap(), HeaderMap::new(), body.as_bytes().to_vec())
    }

    /// However much an answer holds, its error's `Debug` (what `main` returning the error prints) stays
    /// short, and says what it left out; the fields keep it all.
    #[test]
    fn debug_shows_a_bounded_part_of_what_the_server_chose() {
        let fields: Vec<String> = (0..5_000).map(|i| format!(r#""f{i}": ["bad"]"#)).collect();
        let long = "m".repeat(100_000);
        let body = format!(r#"{{"message": "{long}", "errors": {{{}}}}}"#, fields.join(", "));
        let error = api(422, &body);
        assert_eq!(error.field_errors.len(), 5_000);
        let debug = format!("{:?}", Error::Api(Box::new(error)));
        assert!(debug.len() < 4_000, "{} bytes", debug.len());
        assert!(debug.contains("… (99500 more characters)") && debug.contains("4980 more fields"), "{debug}");
        assert!(debug.contains(r#""f0": ["bad"]"#), "{debug}");
        // Many messages to a field: three shown, the rest counted.
        let messages: Vec<String> = (0..25).map(|i| format!(r#""{i}{}""#, "m".repeat(600))).collect();
        let fields: Vec<String> = (0..25).map(|i| format!(r#""f{i}": [{}]"#, messages.join(", "))).collect();
        let many = format!("{:?}", api(422, &format!(r#"{{"errors": {{{}}}}}"#, fields.join(", "))));
        assert!(many.len() < 40_000 && many.contains("… 22 more"), "{} bytes", many.len());
        let short = format!("{:?}", api(404, r#"{"message": "Agent \"x\" not found"}"#));
        assert!(short.contains(r#"message: Some("Agent \"x\" not found")"#), "{short}");
        let ok = StatusCode::OK;
        let decode =
            DecodeError::new("get-agent", ok, &HeaderMap::new(), "data".into(), "d".repeat(10_000), Vec::new());
        assert!(format!("{decode:?}").contains("… (9500 more characters)"));
    }

    #[test]
    fn every_documented_error_shape_decodes() {
        let e = api(404, r#"{"success":false,"message":"Action not found"}"#);
        assert_eq!(
            (e.kind, e.message.as_deref(), e.code.as_deref()),
            (ErrorKind::NotFound, Some("Action not found"), None)
        );

        let e = api(422, r#"{"success":false,"message":"No","code":"LOG_NOT_RETRIABLE"}"#);
        assert_eq!((e.message.as_deref(), e.code.as_deref()), (Some("No"), Some("LOG_NOT_RETRIABLE")));

        let e = api(422, r#"{"message":"Invalid","errors":{"name":["required"],"b":"x"}}"#);
        assert_eq!(e.field_errors.keys().collect::<Vec<_>>(), ["b", "name"]);
        assert_eq!(e.field_errors["b"], ["x"]);

        let e = api(401, r#"{"success":false,"error":{"code":"INVALID_API_KEY","message":"Bad key","details":{}}}"#);
        assert_eq!((e.message.as_deref(), e.code.as_deref()), (Some("Bad key"), Some("INVALID_API_KEY")));

        let e = api(401, r#"{"error":"TOKEN_EXPIRED","message":"Expired","status_code":401}"#);
        assert_eq!((e.message.as_deref(), e.code.as_deref()), (Some("Expired"), Some("TOKEN_EXPIRED")));

        let e = api(500, r#"{"error":"Failed to generate demo audio"}"#);
        assert_eq!((e.message.as_deref(), e.code.as_deref()), (Some("Failed to generate demo audio"), None));
        // Alone and written as a code, `error` is the code.
        let e = api(401, r#"{"error":"MISSING_TOKEN","status_code":401}"#);
        assert_eq!((e.message.as_deref(), e.code.as_deref()), (None, Some("MISSING_TOKEN")));
        let e = api(404, r#"{"error":"Not Found"}"#);
        assert_eq!((e.message.as_deref(), e.code.as_deref()), (Some("Not Found"), None));

        let e = api(401, r#"{"message":"Unauthenticated."}"#);
        assert_eq!(e.message.as_deref(), Some("Unauthenticated."));
    }

    fn err(status: u16, body: &str) -> Error {
        Error::Api(Box::new(api(status, body)))
    }

    fn pairs(problems: &[FieldError]) -> Vec<(&str, &str)> {
        problems.iter().map(|p| (p.field.as_str(), p.message.as_str())).collect()
    }

    #[test]
    fn field_errors_of_a_422_list_every_message_of_every_field() {
        // create-action's documented 422.
        let e = err(
            422,
            r#"{"success": false, "message": "The given data was invalid.", "errors": {"name": ["The name field is required."], "type": ["The selected type is invalid."], "url": ["The url must be a valid URL.", "Second."]}}"#,
        );
        assert_eq!(
            pairs(&e.field_errors()),
            [
                ("name", "The name field is required."),
                ("type", "The selected type is invalid."),
                ("url", "The url must be a valid URL."),
                ("url", "Second."),
            ]
        );
    }

    #[test]
    fn a_field_written_twice_in_a_422_keeps_the_messages_of_both() {
        // make-campaign-call's documented 422 writes `to` once for each rule it failed.
        let e = err(
            422,
            "\u{feff}{\"success\": false, \"message\": \"The given data was invalid.\", \"errors\": {\"to\": [\"The to field is required.\"], \"to\": [\"The to must be a valid phone number.\"], \"payload\": {\"name\": [\"a\"], \"name\": [\"b\"]}}}",
        );
        assert_eq!(
            pairs(&e.field_errors()),
            [
                ("payload.name", "b"),
                ("to", "The to field is required."),
                ("to", "The to must be a valid phone number."),
            ],
            "a nested object keeps the last of a key written twice, as JSON objects do"
        );
        assert_eq!(e.message(), Some("The given data was invalid."));
        // `errors` written twice at the top: the last, as before.
        let e = err(422, r#"{"errors": {"a": ["1"]}, "errors": {"b": ["2"]}}"#);
        assert_eq!(pairs(&e.field_errors()), [("b", "2")]);
    }

    #[test]
    fn a_404_of_a_wrong_base_url_is_not_a_missing_resource() {
        let gone = err(404, r#"{"success": false, "message": "Agent not found in this environment."}"#);
        assert!(gone.is_resource_not_found());
        let api = |e: &Error| (e.as_api().unwrap().is_unknown_route(), e.as_api().unwrap().is_from_another_server());
        assert_eq!(api(&gone), (false, false));
        let route = err(404, r#"{"success": false, "message": "The route /v1/agents/a could not be found."}"#);
        let page = err(404, "<html><body>Not Found</body></html>");
        let empty = err(404, "");
        for (wrong, is) in [(&route, (true, false)), (&page, (false, true)), (&empty, (false, true))] {
            assert_eq!((wrong.kind(), api(wrong)), (ErrorKind::NotFound, is), "{wrong}");
            assert!(!wrong.is_resource_not_found(), "{wrong}");
        }
        // Only a client error says nothing when it is not the API's JSON; a 429 or 408 is the API's still.
        assert!(!err(429, "slow down").as_api().unwrap().is_from_another_server());
        assert!(err(403, "<html>blocked</html>").as_api().unwrap().is_from_another_server());
        assert!(!err(500, "<html>oops</html>").is_resource_not_found());
        let refused = Error::invalid_request("x", Some("agent_id"), "must not be empty");
        assert!(!refused.is_resource_not_found());
    }

    #[test]
    fn problems_tied_to_no_field_are_shown_after_a_general_message() {
        // update-agent-flow's 422: the message says only that the flow is invalid.
        let e = err(
            422,
            r#"{"success": false, "message": "Flow validation failed", "errors": ["Node 'greet' references unknown next node 'nowhere'", "No end node"]}"#,
        );
        assert_eq!(
            e.to_string(),
            "x: the API answered 422 Unprocessable Entity (validation): Flow validation failed; Node 'greet' \
             references unknown next node 'nowhere' (and 1 more)"
        );
    }

    #[test]
    fn error_bodies_in_other_shapes_keep_their_information() {
        // `errors` as a list of objects, with one message or a list of them.
        let e =
            err(422, r#"{"errors": [{"field": "to", "message": "bad"}, {"field": "from", "messages": ["x", "y"]}]}"#);
        assert_eq!(pairs(&e.field_errors()), [("from", "x"), ("from", "y"), ("to", "bad")]);
        assert_eq!(e.message(), None, "only what the answer carried as a message");
        assert_eq!(
            e.to_string(),
            "x: the API answered 422 Unprocessable Entity (validation): `from`: x (fields: from, to)"
        );
        let e = err(
            422,
            r#"{"message": "Invalid", "errors": [{"field": "to", "messages": ["bad"]}, {"message": "whole"}, "plain"]}"#,
        );
        assert_eq!((e.message(), pairs(&e.field_errors())), (Some("Invalid"), vec![("to", "bad")]));
        assert_eq!(e.as_api().unwrap().errors, ["whole", "plain"]);
        // An empty message is no message: `Display` shows the first field error, else the status alone.
        let e = err(422, r#"{"message": "", "errors": {"to": ["bad"]}}"#);
        assert_eq!(e.message(), None);
        assert!(e.to_string().ends_with("(validation): `to`: bad (fields: to)"), "{e}");
        let e = err(422, r#"{"success": false, "message": "  "}"#);
        assert_eq!(e.message(), None);
        assert_eq!(e.to_string(), "x: the API answered 422 Unprocessable Entity (validation)");
        let e = err(400, r#"{"error": {"code": "E", "message": ""}}"#);
        assert_eq!((e.message(), e.to_string().ends_with("(bad_request) [E]")), (None, true));
        // A message that is not a string keeps its JSON text.
        assert_eq!(err(400, r#"{"message": 42}"#).message(), Some("42"));
        assert_eq!(err(400, r#"{"error": {"message": {"to": "bad"}}}"#).message(), Some(r#"{"to":"bad"}"#));
        assert_eq!(err(400, r#"{"message": null}"#).message(), None);
        // The documented list of texts (validate-agent-flow) is read as before: no message made up, but
        // `Display` says the first of them, where it said nothing of why.
        let e = err(422, r#"{"success": false, "errors": ["Duplicate node id: 'node-greet'"]}"#);
        assert_eq!((e.message(), e.as_api().unwrap().errors.len()), (None, 1));
        assert!(e.to_string().ends_with("): Duplicate node id: 'node-greet'"), "{e}");
        // A failed check with no message says the reason its data gives (verify-sip-trunk's page), where the
        // status alone said nothing of why.
        let e = err(
            200,
            r#"{"success": false, "data": {"is_verified": false, "health_status": "unhealthy", "error": "Authentication failed (401)"}}"#,
        );
        assert_eq!(e.message(), None);
        assert!(e.to_string().ends_with("): Authentication failed (401)"), "{e}");
    }

    #[test]
    fn field_errors_of_a_400_come_from_its_details_field() {
        // make-call's documented 400.
        let e = err(
            400,
            r#"{"error": {"code": "INVALID_PHONE_NUMBER", "message": "Phone number must be in international format (e.g., +1234567890)", "details": {"field": "to", "value": "1234567890"}}}"#,
        );
        assert_eq!(e.kind(), ErrorKind::BadRequest);
        assert_eq!(
            pairs(&e.field_errors()),
            [("to", "Phone number must be in international format (e.g., +1234567890)")]
        );
        assert_eq!(e.error_code(), Some(ErrorCode::InvalidPhoneNumber));
        // The public field says the same as the method, and `Display` says the message once.
        let fields = &e.as_api().unwrap().field_errors;
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["to"]);
        assert_eq!(
            e.to_string(),
            "x: the API answered 400 Bad Request (bad_request): Phone number must be in international \
             format (e.g., +1234567890) [INVALID_PHONE_NUMBER] (fields: to)"
        );
        // A table code is still found for such a 400 without a code of its own (make-campaign-call's one 400).
        let not_active = ApiError::from_parts(
            "make-campaign-call",
            StatusCode::BAD_REQUEST,
            HeaderMap::new(),
            br#"{"success": false, "message": "Campaign is not active", "error": {"details": {"field": "campaign_id"}}}"#.to_vec(),
        );
        assert_eq!(not_active.field_errors.keys().collect::<Vec<_>>(), ["campaign_id"]);
        assert_eq!(Error::Api(Box::new(not_active)).documented_code(), Some(ErrorCode::CampaignNotActive));
        // Only a 400 names its field so: another status's details are not read as a field error.
        for status in [422, 200] {
            let other = err(status, r#"{"success": false, "message": "No", "error": {"details": {"field": "to"}}}"#);
            assert!(other.as_api().unwrap().field_errors.is_empty(), "{status}");
        }
        // A 400 without details names no field.
        assert!(err(400, r#"{"error": {"code": "AGENT_INACTIVE", "message": "Not published"}}"#)
            .field_errors()
            .is_empty());
    }

    #[test]
    fn field_errors_of_the_sdks_own_refusal() {
        let e = Error::invalid_request("make-call", Some("delay_seconds"), "must be at most 3600");
        assert_eq!(e.kind(), ErrorKind::InvalidRequest);
        assert_eq!(pairs(&e.field_errors()), [("delay_seconds", "must be at most 3600")]);
        assert!(Error::invalid_request("x", None, "no field").field_errors().is_empty());
    }

    #[test]
    fn error_code_reads_documented_codes_and_keeps_unknown_text() {
        let e = err(409, r#"{"success": false, "message": "Unpublish first", "code": "AGENT_IS_PUBLISHED"}"#);
        assert_eq!(e.error_code(), Some(ErrorCode::AgentIsPublished));
        assert_eq!(e.code(), Some("AGENT_IS_PUBLISHED"));
        let e = err(401, r#"{"error": "TOKEN_EXPIRED", "message": "Expired", "status_code": 401}"#);
        assert_eq!(e.error_code(), Some(ErrorCode::TokenExpired));
        let e = err(409, r#"{"success": false, "message": "New", "code": "SOMETHING_NEWER"}"#);
        assert_eq!(e.error_code(), Some(ErrorCode::Unknown("SOMETHING_NEWER".into())));
        assert_eq!(e.code(), Some("SOMETHING_NEWER"));
        assert_eq!(err(404, r#"{"success": false, "message": "Agent not found"}"#).error_code(), None);
    }

    #[test]
    fn a_402_has_its_own_kind() {
        // make-call's documented 402.
        let e = err(
            402,
            r#"{"error": {"code": "INSUFFICIENT_CREDITS", "message": "Account has insufficient credits to place this call"}}"#,
        );
        assert_eq!(e.kind(), ErrorKind::PaymentRequired);
        assert_eq!(e.kind().as_str(), "payment_required");
        assert_eq!(e.kind().fixture_kind(), "http");
        assert_eq!(e.error_code(), Some(ErrorCode::InsufficientCredits));
        assert!(!e.is_retryable());
    }

    #[test]
    fn retry_after_of_a_429_from_its_header_or_its_body() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "12".parse().unwrap());
        let body = br#"{"success": false, "message": "Too many requests"}"#.to_vec();
        let e = Error::Api(Box::new(ApiError::from_parts("x", StatusCode::TOO_MANY_REQUESTS, headers, body)));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(12)));
        // make-call's documented 429 says it in the body only.
        let e = err(
            429,
            r#"{"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Rate limit exceeded. Please wait before making more requests.", "details": {"retry_after": 60}}}"#,
        );
        assert_eq!((e.kind(), e.retry_after()), (ErrorKind::RateLimited, Some(Duration::from_secs(60))));
        assert_eq!(e.as_api().unwrap().retry_after, Some(Duration::from_secs(60)), "the field says it too");
        assert_eq!(err(404, r#"{"success": false}"#).retry_after(), None);
        assert_eq!(Error::invalid_request("x", None, "no").retry_after(), None);
        // create-agent's documented 429 names no wait: the rate-limit window's reset is the one there is,
        // as a count of seconds or a Unix time; on another status it is no wait asked.
        let limited = |status, reset: u64| {
            let mut headers = HeaderMap::new();
            crate::rate_limit::RateLimit::new(100, 0, reset).write_to(&mut headers);
            let body = br#"{"success": false, "message": "Too many requests. Please try again later."}"#.to_vec();
            Error::Api(Box::new(ApiError::from_parts("x", status, headers, body)))
        };
        assert_eq!(limited(StatusCode::TOO_MANY_REQUESTS, 42).retry_after(), Some(Duration::from_secs(42)));
        let in_a_minute = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 60;
        let wait = limited(StatusCode::TOO_MANY_REQUESTS, in_a_minute).retry_after().unwrap();
        assert!(wait > Duration::from_secs(55) && wait <= Duration::from_secs(60), "{wait:?}");
        assert_eq!(limited(StatusCode::SERVICE_UNAVAILABLE, 42).retry_after(), None);
        // A reset already past is no wait asked, not a wait of nothing.
        assert_eq!(limited(StatusCode::TOO_MANY_REQUESTS, 1_600_000_000).retry_after(), None);
        // Measured from the answer's `Date`, not this machine's clock; a 429 while requests remain in the
        // window comes from another limit, whose end the headers do not give.
        let mut headers = HeaderMap::new();
        crate::rate_limit::RateLimit::new(100, 0, 1_445_412_510).write_to(&mut headers);
        headers.insert("date", "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        let dated = ApiError::from_parts("x", StatusCode::TOO_MANY_REQUESTS, headers.clone(), b"{}".to_vec());
        assert_eq!(Error::Api(Box::new(dated)).retry_after(), Some(Duration::from_secs(30)));
        crate::rate_limit::RateLimit::new(100, 37, 1_445_412_510).write_to(&mut headers);
        let other = ApiError::from_parts("x", StatusCode::TOO_MANY_REQUESTS, headers, b"{}".to_vec());
        assert_eq!(Error::Api(Box::new(other)).retry_after(), None);
    }

    /// A server that escapes a secret's characters beyond ASCII when it echoes it (PHP's `json_encode`)
    /// does not keep it in the error's body.
    #[test]
    fn an_echo_with_escaped_characters_is_hidden_in_the_body() {
        let body = br#"{"success":false,"message":"bad","input":{"webhook_secret":"s\u00e9cret_TOPSECRET_4"}}"#;
        let error =
            Error::Api(Box::new(ApiError::from_parts("x", StatusCode::BAD_REQUEST, HeaderMap::new(), body.to_vec())))
                .redact_secrets(&["sécret_TOPSECRET_4"]);
        let kept = error.as_api().unwrap().body.text();
        assert!(!kept.contains("TOPSECRET"), "{kept}");
        assert!(serde_json::from_str::<Value>(&kept).is_ok(), "still JSON: {kept}");
    }

    #[test]
    fn a_non_json_body_keeps_the_status() {
        let e = api(502, "<html>Bad Gateway</html>");
        assert_eq!(e.kind, ErrorKind::Server);
        assert_eq!(e.status.as_u16(), 502);
        assert_eq!(e.message, None, "the answer carried no message");
        assert!(e.to_string().ends_with("(server): <html>Bad Gateway</html>"), "{e}");
        assert_eq!(e.body.text(), "<html>Bad Gateway</html>");
        assert_eq!(format!("{:?}", e.body), "<24 bytes>");
        assert!(!e.body_is_json_object());
        for other in ["", "[1]", "\"text\""] {
            assert!(!api(404, other).body_is_json_object(), "{other:?}");
        }
        assert!(api(404, r#"{"success": false, "message": "Agent not found"}"#).body_is_json_object());
    }

    #[test]
    fn a_non_json_body_shows_a_short_excerpt_on_one_line() {
        let page = format!(
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\x1b[31m token 42|AbCdEfGh1234 {}</body></html>",
            "filler ".repeat(1000)
        );
        let e = err(502, &page);
        let shown = e.to_string();
        assert!(
            shown.starts_with(
                "x: the API answered 502 Bad Gateway (server): <html> <head><title>502 Bad Gateway</title></head> \
                 <body>\\u{1b}[31m token [redacted] filler"
            ),
            "{shown}"
        );
        assert!(shown.ends_with('…') && !shown.contains('\n') && shown.chars().count() < 250, "{shown}");
        assert!(err(401, "Unauthorized\n").to_string().ends_with("(unauthorized): Unauthorized"));
        assert!(err(503, r#""Service Unavailable""#).to_string().ends_with(r#"(server): "Service Unavailable""#));
        assert_eq!(err(401, "Unauthorized\n").message(), None, "only what the answer carried as a message");
        assert_eq!(err(401, "Unauthorized\n").as_api().unwrap().summary(), Some("Unauthorized"));
        // An empty body gives the status alone.
        for body in ["", " \r\n"] {
            let e = err(403, body);
            assert_eq!((e.message(), e.to_string()), (None, "x: the API answered 403 Forbidden (forbidden)".into()));
        }
        // The client's own token is redacted before the excerpt is cut, even where the cut falls inside it.
        let token = "custom-secret-token-1234567890";
        for pad in [EXCERPT_CHARS - 10, EXCERPT_WINDOW - 10] {
            let e = err(401, &format!("{}{token} more", "x".repeat(pad))).redact_secret(token);
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains("custom-secret") && !shown.contains("1234567890"), "{shown}");
        }
        // A body too deep to read, with no space in its first window, still shows how it began.
        let deep = format!(r#"{{"message":"x","errors":{{"a":{}1{}}}}}"#, "[".repeat(5000), "]".repeat(5000));
        let shown = err(422, &deep).to_string();
        assert!(shown.contains(r#"(validation): {"message":"x","errors":{"a":[[["#), "{shown}");
        assert!(shown.ends_with('…') && shown.chars().count() < 400, "{shown}");
    }

    #[test]
    fn decode_messages_do_not_repeat_string_values() {
        let cases = [
            (
                r#"invalid type: string "whsec_abc", expected u32 at line 1"#,
                "invalid type: string (value not shown), expected u32 at line 1",
            ),
            (
                r#"invalid value: string "a\"b\\", expected x; string "c""#,
                "invalid value: string (value not shown), expected x; string (value not shown)",
            ),
            (
                "unknown variant `s3cret`, expected one of `a`, `b`",
                "unknown variant (value not shown), expected one of `a`, `b`",
            ),
            ("missing field `id`", "missing field `id`"),
            (r#"invalid type: string "unterminated"#, "invalid type: string (value not shown)"),
        ];
        for (message, expected) in cases {
            assert_eq!(hide_string_values(message), expected);
        }
    }

    /// The types of the core that read text of their own (an amount, a date, a time of day) quote no value
    /// of the body when they refuse it, as serde's own messages are made not to.
    #[test]
    fn decoding_errors_of_the_cores_own_types_quote_no_value() {
        use crate::campaigns::GetCampaign;
        use crate::credits::PurchaseCredits;
        let secret = "sk_live_PRIVATE_VALUE";
        let answer = |body: String| http::Response::builder().status(200).body(body.into_bytes()).unwrap();
        let purchase = |amount: String| {
            let body = format!(r#"{{"success": true, "data": {{"amount_charged": {amount}}}}}"#);
            crate::decode_response::<PurchaseCredits>(answer(body)).map(|_| ()).unwrap_err()
        };
        let campaign = |field: String| {
            let body = format!(
                r#"{{"success": true, "data": {{"id": "c", "name": "n", "status": "draft", "agent_id": "a",
                "campaign_type": "outbound", "days_of_week": [1], "start_date": "2024-01-01", "timezone": "UTC",
                {field}}}}}"#
            );
            crate::decode_response::<GetCampaign>(answer(body)).map(|_| ()).unwrap_err()
        };
        let cases = [
            (purchase(format!(r#""{secret}""#)), "expected a decimal amount"),
            (purchase(format!(r#"{{"k": "{secret}"}}"#)), "expected a decimal amount"),
            (campaign(format!(r#""end_date": "{secret}""#)), "expected a valid date (YYYY-MM-DD)"),
            (
                campaign(format!(r#""call_time_ranges": [{{"start": "{secret}", "end": "17:00"}}]"#)),
                "expected a time of day (HH:MM",
            ),
        ];
        for (e, expected) in cases {
            let Error::Decode(decode) = &e else { panic!("{e}") };
            let shown = format!("{e} {}", decode.message);
            assert!(!shown.contains("PRIVATE") && shown.contains(expected), "{shown}");
        }
    }

    #[test]
    fn echoed_tokens_are_redacted() {
        let mut headers = HeaderMap::new();
        headers.insert("www-authenticate", "Bearer token=talq_echoed_value".parse().unwrap());
        let body = r#"{"message":"Bad token talq_echoed_value","errors":{"talq_echoed_value":["custom-secret-1"]}}"#;
        let e = ApiError::from_parts("x", StatusCode::UNAUTHORIZED, headers, body.as_bytes().to_vec());
        let error = Error::Api(Box::new(e)).redact_secret("custom-secret-1");
        for shown in [format!("{error}"), format!("{error:?}")] {
            assert!(!shown.contains("echoed_value") && !shown.contains("custom-secret-1"), "{shown}");
        }
        assert_eq!(error.message(), Some("Bad token [redacted]"));
        // The raw body is kept as received, for whoever reads it on purpose.
        assert!(error.as_api().unwrap().body.text().contains("talq_echoed_value"));
    }

    #[test]
    fn answers_after_a_byte_order_mark_decode() {
        let answer = |status: u16, json: &str| {
            let body = [b"\xEF\xBB\xBF".as_slice(), json.as_bytes()].concat();
            http::Response::builder().status(status).body(body).unwrap()
        };
        let agent = crate::decode_response::<crate::agents::GetAgent>(answer(
            200,
            r#"{"success": true, "data": {"id": "a1", "name": "SupportBot"}}"#,
        ))
        .unwrap();
        assert_eq!(agent.id.as_str(), "a1");
        let error = crate::decode_response::<crate::agents::DeleteAgent>(answer(
            409,
            r#"{"success": false, "message": "Unpublish it first", "code": "AGENT_IS_PUBLISHED"}"#,
        ))
        .unwrap_err();
        assert_eq!(error.error_code(), Some(ErrorCode::AgentIsPublished));
        assert_eq!(error.message(), Some("Unpublish it first"));
        let error = crate::decode_response::<crate::agents::GetAgent>(answer(
            429,
            r#"{"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Wait", "details": {"retry_after": 60}}}"#,
        ))
        .unwrap_err();
        assert_eq!(error.retry_after(), Some(Duration::from_secs(60)));
        // The raw body is kept as received, mark included.
        assert!(error.as_api().unwrap().body.as_bytes().starts_with(b"\xEF\xBB\xBF"));
        // One mark only: a second one is not JSON.
        let twice = crate::decode_response::<crate::agents::GetAgent>(answer(200, "\u{feff}{}"));
        assert_eq!(twice.unwrap_err().kind(), ErrorKind::Decode);
        // A 204 with only a mark is an empty answer.
        assert!(crate::decode_response::<crate::agents::DeleteAgent>(answer(204, "")).is_ok());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert("retry-after", later.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
        // A date is measured from the answer's own `Date`, whatever this machine's clock says.
        for server_clock in [now + Duration::from_secs(3600), now - Duration::from_secs(3600)] {
            headers.insert("date", httpdate::fmt_http_date(server_clock).parse().unwrap());
            let two_later = httpdate::fmt_http_date(server_clock + Duration::from_secs(2));
            headers.insert("retry-after", two_later.parse().unwrap());
            assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(2)));
        }
    }
}
