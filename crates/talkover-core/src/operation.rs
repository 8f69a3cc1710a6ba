//! One definition per API operation, and the two things the SDK does with it: build its request and decode
//! its answer.

use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::ClientConfig;
use crate::encode;
use crate::error::{ApiError, DecodeError, Error, ErrorKind};
use crate::transport::{HttpRequest, HttpResponse};

/// The newtype name by which a type's `Deserialize` says that no value fits it (an agent webhook's
/// `include_call_events`, [`NoCallEvents`](crate::webhooks::NoCallEvents)): the registry's descriptions of
/// an operation's fields leave such a field out.
pub(crate) const FITS_NOTHING: &str = "$talkover::fits_nothing";

/// One documented operation of the Talkover API.
///
/// A value of an operation type is one call: its path parameters, its query (`query` field) and its body
/// (`body` field). The same value runs on the async and the blocking client, or on any transport through
/// [`build_request`] and [`decode_response`].
///
/// Implement it for an endpoint this version does not have yet, and run it with the clients' `execute`:
/// it goes with the client's token, base URL, retries and error handling as the SDK's own operations do
/// (the README's "Use" has an example). A method or constant a later release adds here comes with a
/// default.
pub trait Operation: Send + Sync + Sized {
    /// The query string's parameters (`()` when there are none).
    type Query: Serialize;
    /// The JSON body (`()` when there is none).
    type Body: Serialize;
    /// The documented response body, decoded whole (envelope included).
    type Response: ResponseBody;

    /// The operation's id: its reference page's file name (`unpublish-agent`).
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template from the host root, as documented (`/api/v1/agents/{agent_id}/unpublish`).
    const PATH: &'static str;
    /// Whether sending the request twice has the same effect as sending it once.
    ///
    /// Decided from what the operation does, not from its method: placing a call, creating, toggling,
    /// testing, triggering and retrying are not safe to repeat, and no layer of this SDK re-sends them once
    /// they may have reached the server.
    const SAFE_TO_REPEAT: bool;
    /// Whether the request, though of a method that writes (a POST), changes nothing: its page says it only
    /// checks what it is sent and saves nothing (validate-agent-flow, check-callback-constraints). Such a
    /// request is safe to repeat, and no attempt of it is taken for one that may have changed something
    /// ([`Error::earlier_attempt_may_have_taken_effect`](crate::Error::earlier_attempt_may_have_taken_effect)
    /// stays `false`). A read (GET) needs no saying so.
    const DRY_RUN: bool = false;
    /// The status of the success answer the operation's page documents: `201` where it shows `201
    /// Created`, else `200` (`cargo xtask lint` checks it against the pages; the emulator answers with it).
    /// For servers and test doubles that answer as the API does; the clients take any 2xx.
    const SUCCESS_STATUS: u16 = 200;

    /// The value of the path parameter `name` (a placeholder of [`Operation::PATH`]).
    fn path_param(&self, _name: &str) -> Option<&str> {
        None
    }

    /// The query parameters, if the operation has any.
    fn query(&self) -> Option<&Self::Query> {
        None
    }

    /// The body, if the operation sends one.
    fn body(&self) -> Option<&Self::Body> {
        None
    }

    /// Checks the bounds the reference documents, before anything is sent: an empty path parameter, a
    /// value outside a documented bound, a field required only with some other value. The forms of values
    /// and the order of two values are left to the API (see [`validate`](crate::validate)).
    fn validate(&self) -> Result<(), Error> {
        Ok(())
    }

    /// The checks a server answering as the API does runs on a request it received: those of
    /// [`validate`](Self::validate), and the forms of values and the order of two values the API refuses
    /// itself (a phone number not in international form, a window that ends before it starts), each
    /// named by its field. [`Incoming::validate`](crate::registry::Incoming::validate) runs them.
    fn validate_received(&self) -> Result<(), Error> {
        self.validate()
    }

    /// The error a client returns when the API answers this operation `status` with `body`, sent once:
    /// for a fake that returns errors as the client does. The body is read as a real answer's is (give the
    /// API's JSON: an empty body reads as another server's page), and the error knows its operation and
    /// whether that is safe to repeat, as [`Error::should_retry`] weighs it.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{agents::GetAgent, calls::MakeCall, http::StatusCode, Operation};
    ///
    /// let gone = GetAgent::error_answer(StatusCode::NOT_FOUND, r#"{"success": false, "message": "Agent not found"}"#);
    /// assert!(gone.is_resource_not_found() && gone.to_string().starts_with("get-agent: "));
    /// let failed = r#"{"success": false, "message": "Server Error"}"#;
    /// assert!(GetAgent::error_answer(StatusCode::INTERNAL_SERVER_ERROR, failed).should_retry());
    /// // A call placed, maybe: not to be sent again blindly.
    /// assert!(!MakeCall::error_answer(StatusCode::INTERNAL_SERVER_ERROR, failed).should_retry());
    /// ```
    fn error_answer(status: http::StatusCode, body: impl Into<Vec<u8>>) -> Error
    where
        Self: Sized,
    {
        let api = ApiError::from_parts(Self::ID, status, http::HeaderMap::new(), body.into());
        Error::from(api).with_attempts(1).with_safe_to_repeat(Self::SAFE_TO_REPEAT)
    }
}

/// What the caller gets back from operation `O`.
pub type Output<O> = <<O as Operation>::Response as ResponseBody>::Output;

/// A documented response body.
pub trait ResponseBody: DeserializeOwned + Serialize {
    /// What the caller gets from this body (the envelope's `data`, a [`crate::Page`], …).
    type Output;

    /// Unwraps the body into what the caller gets.
    fn into_output(self) -> Self::Output;

    /// The envelope's `success` flag, for shapes that have one. A 2xx answer whose flag is `false` is an
    /// error of kind [`ErrorKind::Unsuccessful`].
    fn success_flag(&self) -> Option<bool> {
        None
    }

    /// Whether the body may come as a JSON list at its top (a list's items without the envelope), read
    /// by [`ResponseBody::from_bare_list`]. Any other body's answer that is a list is refused, with a
    /// message to say so.
    #[doc(hidden)]
    const BARE_LIST: bool = false;

    /// Reads an answer that is a JSON list at its top, where [`ResponseBody::BARE_LIST`] says it may be.
    #[doc(hidden)]
    fn from_bare_list(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        crate::strict_decode::from_slice(bytes)
    }
}

/// Builds the HTTP request for an operation.
///
/// A thin shim over `build_request_erased`: only the checks, the path parameters and the serializing of
/// the query and the body depend on the operation's type, so the rest is compiled once for all operations.
pub fn build_request<O: Operation>(operation: &O, config: &ClientConfig) -> Result<HttpRequest, Error> {
    operation.validate()?;
    let query = operation.query().map(|query| move || encode::query_pairs(O::ID, query));
    let body = operation.body().map(|body| {
        move || serde_json::to_vec(body).map_err(|e| Error::invalid_request(O::ID, None, format!("body: {e}")))
    });
    build_request_erased(
        Facts { id: O::ID, method: &O::METHOD, path: O::PATH },
        config,
        &|name| operation.path_param(name),
        query.as_ref().map(|q| q as QueryPairs<'_>),
        body.as_ref().map(|b| b as BodyBytes<'_>),
    )
}

/// Serializes an operation's query into pairs, when asked.
type QueryPairs<'a> = &'a dyn Fn() -> Result<Vec<(String, String)>, Error>;
/// Serializes an operation's body into JSON bytes, when asked.
type BodyBytes<'a> = &'a dyn Fn() -> Result<Vec<u8>, Error>;
/// Decodes the bytes of an answer into the typed body, keeps it, and gives back its `success` flag.
type DecodeTyped<'a> = &'a mut dyn FnMut(&[u8]) -> Result<Option<bool>, serde_json::Error>;

/// What the non-generic part of request building needs of an operation's type.
#[derive(Clone, Copy)]
struct Facts<'a> {
    id: &'static str,
    method: &'a Method,
    path: &'static str,
}

/// The part of [`build_request`] that does not depend on the operation's type. The query and the body are
/// serialized when asked, after the path is expanded, so errors come in the same order as before.
fn build_request_erased<'o>(
    facts: Facts<'_>,
    config: &ClientConfig,
    path_param: &dyn Fn(&str) -> Option<&'o str>,
    query: Option<QueryPairs<'_>>,
    body: Option<BodyBytes<'_>>,
) -> Result<HttpRequest, Error> {
    let Facts { id, method, path } = facts;
    let base = config.base_url();
    let mut path_and_query = String::with_capacity(base.prefix().len() + path.len() + 48);
    path_and_query.push_str(base.prefix());
    encode::expand_path(&mut path_and_query, id, path, path_param)?;
    if let Some(query) = query {
        let pairs = query()?;
        encode::push_query(&mut path_and_query, &pairs);
    }
    let body = match body {
        Some(body) => Some(body()?),
        None => None,
    };
    let uri = base
        .uri(path_and_query)
        .map_err(|e| Error::invalid_request(id, None, format!("could not build the request: {e}")))?;
    // Built in place rather than through `http::request::Builder`, whose every step moves the request.
    let has_body = body.is_some();
    let mut request = http::Request::new(body.unwrap_or_default());
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    let own = config.own_headers();
    headers.reserve(4 + own.map_or(0, http::HeaderMap::len));
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(AUTHORIZATION, config.authorization().clone());
    headers.insert(USER_AGENT, config.user_agent().clone());
    if has_body {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    for (name, value) in own.into_iter().flatten() {
        headers.append(name.clone(), value.clone());
    }
    if let Some(timeout) = config.timeout() {
        request.extensions_mut().insert(crate::transport::RequestTimeout(timeout));
    }
    Ok(request)
}

/// Decodes an answer into the operation's output, or the error it carries.
pub fn decode_response<O: Operation>(response: HttpResponse) -> Result<Output<O>, Error> {
    // The output is taken from the body where it is decoded, rather than the whole body being handed out
    // and unwrapped: one copy of a large answer fewer.
    decode_taking::<O, _>(response, ResponseBody::into_output)
}

/// A decoded value with the answer's status and headers (rate limits, request id).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WithResponse<T> {
    /// The HTTP status.
    pub status: http::StatusCode,
    /// The response headers.
    pub headers: http::HeaderMap,
    /// The decoded value.
    pub value: T,
}

impl<T> WithResponse<T> {
    /// A value with the status and headers of the answer it came from.
    pub fn new(status: http::StatusCode, headers: http::HeaderMap, value: T) -> Self {
        Self { status, headers, value }
    }

    /// The request id the server gave, if any; `[redacted]` where its header is marked sensitive, as one
    /// that echoes the client's token or a header of its own is (an error says the same there).
    pub fn request_id(&self) -> Option<String> {
        let value = crate::error::request_id_header(&self.headers)?;
        Some(match value.is_sensitive() {
            true => crate::secret::REDACTED.to_owned(),
            false => String::from_utf8_lossy(value.as_bytes()).into_owned(),
        })
    }

    /// The rate-limit state the answer reported, if any.
    pub fn rate_limit(&self) -> Option<crate::rate_limit::RateLimit> {
        crate::rate_limit::RateLimit::from_headers(&self.headers)
    }

    /// How long until the rate-limit window the answer reported resets ([`RateLimit::until_reset`]),
    /// measured from the answer's `Date` when it has one, as the retry policy measures it: a clock of this
    /// machine set otherwise than the server's neither lengthens nor shortens it. `None` without an
    /// `X-RateLimit-Reset`.
    ///
    /// [`RateLimit::until_reset`]: crate::rate_limit::RateLimit::until_reset
    pub fn until_rate_limit_reset(&self) -> Option<std::time::Duration> {
        let now = crate::rate_limit::answer_date(&self.headers).unwrap_or_else(std::time::SystemTime::now);
        self.rate_limit()?.until_reset(now)
    }
}

/// Decodes an answer into the operation's output, keeping its status and headers (those holding
/// credentials marked sensitive, as an error's are, so that `Debug` does not show them; a client also marks
/// those that echo its token).
pub fn decode_with_response<O: Operation>(response: HttpResponse) -> Result<WithResponse<Output<O>>, Error> {
    let status = response.status();
    let mut headers = response.headers().clone();
    crate::error::mark_secret_headers(&mut headers, &[]);
    let value = decode_response::<O>(response)?;
    Ok(WithResponse { status, headers, value })
}

/// Decodes an answer into the operation's whole documented response body (envelope included).
pub fn decode_body<O: Operation>(response: HttpResponse) -> Result<O::Response, Error> {
    decode_taking::<O, _>(response, |body| body)
}

/// Decodes an answer's body and gives `take` of it, where it is decoded.
///
/// A thin shim over `decode_body_erased`: only the typed decoding depends on the operation's type.
#[inline(always)] // one move of the answer fewer (see `strict_decode::from_slice`)
fn decode_taking<O: Operation, T>(response: HttpResponse, take: impl Fn(O::Response) -> T) -> Result<T, Error> {
    let mut taken = None;
    decode_body_erased(O::ID, O::Response::BARE_LIST, response, &mut |bytes| {
        let body = if O::Response::BARE_LIST && is_list(bytes) {
            O::Response::from_bare_list(bytes)?
        } else {
            crate::strict_decode::from_slice::<O::Response>(bytes)?
        };
        let flag = body.success_flag();
        if flag != Some(false) {
            taken = Some(take(body));
        }
        Ok(flag)
    })?;
    Ok(taken.expect("a successful decode keeps its value"))
}

/// The part of [`decode_body`] that does not depend on the operation's type: `decode` decodes the bytes
/// into the typed body, keeps it, and gives back its `success` flag.
fn decode_body_erased(
    id: &'static str,
    bare_list: bool,
    response: HttpResponse,
    decode: DecodeTyped<'_>,
) -> Result<(), Error> {
    let (parts, body) = response.into_parts();
    if !parts.status.is_success() {
        return Err(Error::Api(Box::new(ApiError::from_parts(id, parts.status, parts.headers, body))));
    }
    // A 2xx with no body (204) decodes as an empty object, so acknowledgement shapes still work.
    let bytes = crate::json_body::json_text(&body);
    let empty = bytes.iter().all(u8::is_ascii_whitespace);
    let bytes: &[u8] = if empty { b"{}" } else { bytes };
    let refused = |path: String, message: String, parts: http::response::Parts, body: Vec<u8>| {
        Err(Error::Decode(Box::new(DecodeError::new(id, parts.status, &parts.headers, path, message, body))))
    };
    match decode(bytes) {
        Ok(Some(false)) => Err(unsuccessful(id, parts, body)),
        Ok(_) => Ok(()),
        // Every answer of the API is a JSON object, but a list's items may come bare (`bare_list`): any
        // other list of values (a proxy's or another endpoint's answer) is refused with a message to say
        // so. `[]` stays the empty answer PHP writes for an empty map. (Below the top, a list where a
        // struct is read is refused as it is met: `strict_decode`.)
        Err(_) if !bare_list && is_nonempty_list(bytes) => {
            let message = "the answer is a JSON list where the API answers an object".to_owned();
            refused(String::new(), message, parts, body)
        }
        Err(_) if says_unsuccessful(bytes) => Err(unsuccessful(id, parts, body)),
        // A value in another shape that means the same (`3.0`, `"0.10"`, `[]` for `{}`): read again.
        Err(e) => match crate::reread::decode_again(bytes, &e, decode) {
            Ok(Some(false)) => Err(unsuccessful(id, parts, body)),
            Ok(_) => Ok(()),
            Err(_) if empty => {
                // Not the position in the `{}` read in its place, which the answer does not have.
                let reason = e.to_string();
                let reason = reason.split(" at line ").next().unwrap_or_default();
                let message = format!("the answer has no body, where this operation answers with one ({reason})");
                refused(String::new(), message, parts, body)
            }
            // A value met after the first was mended is the one that keeps the answer from being read.
            Err(Some((path, message))) => refused(path, message, parts, body),
            Err(None) => {
                // The position is turned into a path by a scan of the text: a path-tracking decoder would
                // compile every response type's `Deserialize` a second time.
                let path = crate::json_path::of(bytes, &e);
                let message = match compressed(&parts.headers, bytes) {
                    // The SDK reads no content coding: a proxy that compresses anyway is why.
                    Some(encoding) => {
                        format!("the answer is compressed (Content-Encoding: {encoding}), which the SDK does not read ({e})")
                    }
                    None => match not_json(&parts.headers, bytes) {
                        // A web page or other text where JSON was due: not the API's answer at all.
                        Some(what) => {
                            let message = format!(
                                "the answer is {what}, not JSON: another server answered (a proxy, a login or \
                                 maintenance page), or the base URL is not the API's ({e})"
                            );
                            let error = DecodeError::new(id, parts.status, &parts.headers, path, message, body);
                            return Err(Error::Decode(Box::new(error.of_no_json())));
                        }
                        None => match not_unicode(&e.to_string()) {
                            Some(what) => format!("the answer holds {what} ({e})"),
                            None => e.to_string(),
                        },
                    },
                };
                refused(path, message, parts, body)
            }
        },
    }
}

/// What serde_json's words for text that is no Unicode mean in an answer: a byte that is not UTF-8 (a
/// server writing Latin-1), or a `\u` escape of half a UTF-16 pair (text cut in the middle of an emoji
/// by a server counting UTF-16 units).
fn not_unicode(message: &str) -> Option<&'static str> {
    if message.starts_with("invalid unicode code point") {
        Some("text that is not UTF-8 (a byte of another encoding, such as Latin-1)")
    } else if message.starts_with("lone leading surrogate") || message.starts_with("unexpected end of hex escape") {
        Some("a `\\u` escape that is cut short or is half of a UTF-16 pair, which is no character")
    } else {
        None
    }
}

/// The answer's content coding, when it names one other than `identity` and the body is not text (gzip's
/// magic bytes, or no UTF-8): a body decompressed already, its header left in place, is not blamed on it.
fn compressed<'h>(headers: &'h http::HeaderMap, body: &[u8]) -> Option<&'h str> {
    let encoding = headers.get(http::header::CONTENT_ENCODING)?.to_str().ok()?.trim();
    let coded = !encoding.is_empty() && !encoding.eq_ignore_ascii_case("identity");
    let binary = body.starts_with(&[0x1f, 0x8b]) || std::str::from_utf8(body).is_err();
    (coded && binary).then_some(encoding)
}

/// What an answer is when it cannot be JSON (its first character begins no JSON value): a web page (it
/// begins with `<`, or says `text/html`) or text of its `Content-Type`, named without quoting the body.
fn not_json(headers: &http::HeaderMap, body: &[u8]) -> Option<String> {
    let first = *body.iter().find(|b| !b.is_ascii_whitespace())?;
    if matches!(first, b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') {
        return None;
    }
    let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let media = content_type.and_then(|t| t.split(';').next()).map(str::trim).filter(|t| !t.is_empty());
    let page = first == b'<' || media.is_some_and(|t| t.eq_ignore_ascii_case("text/html"));
    Some(match (page, media) {
        (true, Some(media)) => format!("a web page ({media})"),
        (true, None) => "a web page".to_owned(),
        (false, Some(media)) => format!("text ({media})"),
        (false, None) => "text".to_owned(),
    })
}

/// Whether a JSON text is a list with at least one value.
fn is_nonempty_list(bytes: &[u8]) -> bool {
    let mut rest = bytes.iter().filter(|b| !b.is_ascii_whitespace());
    rest.next() == Some(&b'[') && rest.next() != Some(&b']')
}

/// Whether a JSON text is a list.
fn is_list(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

fn says_unsuccessful(bytes: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Probe {
        success: Option<bool>,
    }
    matches!(serde_json::from_slice::<Probe>(bytes), Ok(Probe { success: Some(false) }))
}

fn unsuccessful(id: &'static str, parts: http::response::Parts, body: Vec<u8>) -> Error {
    let mut error = ApiError::from_parts(id, parts.status, parts.headers, body);
    error.kind = ErrorKind::Unsuccessful;
    Error::Api(Box::new(error))
}

/// What the resource modules' unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    use super::{build_request, Operation};
    use crate::config::ClientConfig;
    use crate::error::Error;

    /// A decimal from its text.
    pub(crate) fn dec(text: &str) -> crate::Decimal {
        crate::Decimal::new(text).unwrap()
    }

    /// A configuration with a test token.
    pub(crate) fn config() -> ClientConfig {
        ClientConfig::new("talq_test").unwrap()
    }

    /// The field an invalid-request error names; panics on any other error.
    pub(crate) fn field_of(error: Error) -> Option<String> {
        match error {
            Error::InvalidRequest(e) => e.field().map(str::to_owned),
            other => panic!("expected an invalid request, got {other}"),
        }
    }

    /// The query parameters of `request`, decoded and sorted.
    pub(crate) fn query_pairs(request: &crate::transport::HttpRequest) -> Vec<(String, String)> {
        let mut pairs = crate::encode::parse_query(request.uri().query().unwrap_or_default());
        pairs.sort();
        pairs
    }

    /// Owned name and value pairs, to compare with [`query_pairs`].
    pub(crate) fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected.iter().map(|&(name, value)| (name.to_owned(), value.to_owned())).collect()
    }

    /// The field named when building `op` is refused.
    pub(crate) fn invalid_field<O: Operation>(op: &O) -> String {
        field_of(build_request(op, &config()).unwrap_err()).unwrap_or_default()
    }

    /// The field a server answering as the API does names when it refuses `op` for the form of a value or
    /// the order of two ([`Operation::validate_received`]); panics if a client refuses to send `op`, since
    /// such a check is the API's to make.
    pub(crate) fn refused_on_receipt<O: Operation>(op: &O) -> String {
        if let Err(refused) = build_request(op, &config()) {
            panic!("a client sends what only the API judges, but refused it: {refused}");
        }
        field_of(op.validate_received().unwrap_err()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compressed answer (a proxy's doing: the SDK asks for no encoding) is refused with the reason.
    #[test]
    fn a_compressed_answer_says_it_is_compressed() {
        let gzip_magic = vec![0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00];
        let answer = |encoding: Option<&str>| {
            let mut response = http::Response::new(gzip_magic.clone());
            if let Some(encoding) = encoding {
                response.headers_mut().insert(http::header::CONTENT_ENCODING, encoding.parse().unwrap());
            }
            decode_response::<crate::agents::GetAgent>(response).unwrap_err().to_string()
        };
        let error = answer(Some("gzip"));
        assert!(error.contains("the answer is compressed (Content-Encoding: gzip)"), "{error}");
        for plain in [answer(None), answer(Some("identity"))] {
            assert!(!plain.contains("compressed"), "{plain}");
        }
        // A body in plain text is not blamed on a coding its header still names.
        let mut decompressed = http::Response::new(b"{\"success\": true, \"data\": 7}".to_vec());
        decompressed.headers_mut().insert(http::header::CONTENT_ENCODING, "gzip".parse().unwrap());
        let error = decode_response::<crate::agents::GetAgent>(decompressed).unwrap_err().to_string();
        assert!(!error.contains("compressed"), "{error}");
    }

    /// Text that is no Unicode in an answer says what it is, rather than serde_json's words alone.
    #[test]
    fn an_answer_with_text_that_is_no_unicode_says_so() {
        let answer = |body: &[u8]| {
            let response = http::Response::new(body.to_vec());
            decode_response::<crate::agents::GetAgent>(response).unwrap_err().to_string()
        };
        let latin1 = answer(b"{\"success\":true,\"data\":{\"id\":\"a1\",\"name\":\"M\xfcller\"}}");
        assert!(latin1.contains("not UTF-8") && latin1.contains("data.name"), "{latin1}");
        for half in [
            &br#"{"success":true,"data":{"id":"a1","name":"bad \ud800 x"}}"#[..],
            br#"{"success":true,"data":{"name":"\ud800\u0041"}}"#,
        ] {
            let error = answer(half);
            assert!(error.contains("half of a UTF-16 pair"), "{error}");
        }
        // A pair whole is the character it encodes: nothing to say.
        let whole = answer(br#"{"success":true,"data":{"name":"\ud83d\ude00"}}"#);
        assert!(!whole.contains("UTF"), "{whole}");
    }

    /// A 2xx that is no JSON at all (a proxy's login page, a maintenance page) says so, without quoting it.
    #[test]
    fn an_answer_that_is_not_json_says_what_it_is() {
        let answer = |body: &str, content_type: Option<&str>| {
            let mut response = http::Response::new(body.as_bytes().to_vec());
            if let Some(content_type) = content_type {
                response.headers_mut().insert(http::header::CONTENT_TYPE, content_type.parse().unwrap());
            }
            decode_response::<crate::agents::GetAgent>(response).unwrap_err().to_string()
        };
        let page = answer("\n<!doctype html><title>Sign in secret-page</title>", Some("text/html; charset=utf-8"));
        assert!(page.contains("the answer is a web page (text/html), not JSON"), "{page}");
        assert!(page.contains("base URL") && !page.contains("secret-page"), "{page}");
        let bare = answer("<html></html>", None);
        assert!(bare.contains("the answer is a web page, not JSON"), "{bare}");
        let text = answer("Service Unavailable", Some("text/plain"));
        assert!(text.contains("the answer is text (text/plain), not JSON"), "{text}");
        // JSON of the wrong shape, or broken JSON, is not called text.
        for json in [r#"{"success": true, "data": 7}"#, r#"{"success": tru"#, "nul", "7"] {
            let error = answer(json, Some("text/html"));
            assert!(!error.contains("not JSON"), "{json}: {error}");
        }
    }
}
