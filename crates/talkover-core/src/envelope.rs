//! The response shapes the API wraps its data in.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::macros::optional_fields;
use crate::operation::ResponseBody;

/// The list answer lives with the [`Page`](crate::page::Page) it becomes, in [`page`](crate::page).
pub use crate::page::ListEnvelope;

optional_fields! {
    /// `{"success": true, "message": "…", "data": …}`: the API's usual envelope. `success` and `message` are
    /// absent from some operations' answers (`{"data": …}`), and both forms decode. Written in the pages'
    /// order: `success`, `message`, then `data`.
    #[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
    #[non_exhaustive]
    pub struct Envelope<T> {
        /// The payload.
        pub data: T,
    }
    optional {
        /// The envelope's success flag.
        success: bool,
        /// A human-readable note on what was done.
        message: String,
    }
}

/// `success` and `message` first, as the pages write an answer, and as [`Page`](crate::Page) and
/// [`Ack`] are written.
impl<T: Serialize> Serialize for Envelope<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let fields = 1 + usize::from(self.success.is_some()) + usize::from(self.message.is_some());
        let mut envelope = serializer.serialize_struct("Envelope", fields)?;
        match &self.success {
            Some(success) => envelope.serialize_field("success", success)?,
            None => envelope.skip_field("success")?,
        }
        match &self.message {
            Some(message) => envelope.serialize_field("message", message)?,
            None => envelope.skip_field("message")?,
        }
        envelope.serialize_field("data", &self.data)?;
        envelope.end()
    }
}

impl<T> Envelope<T> {
    /// `{"success": true, "data": …}`: how the API wraps an answer, for servers and test doubles that send
    /// one.
    pub fn new(data: T) -> Self {
        let mut envelope = Self::with_fields(data);
        envelope.success = Some(true);
        envelope
    }
}

impl<T: DeserializeOwned + Serialize> ResponseBody for Envelope<T> {
    type Output = T;
    fn into_output(self) -> T {
        self.data
    }
    fn success_flag(&self) -> Option<bool> {
        self.success
    }
}

optional_fields! {
    /// `{"success": false, "message": "…", "code": "…", "errors": {"field": ["…"]}}`: how the API refuses a
    /// request in most of its answers (`code` and `errors` where they apply), for servers and test doubles
    /// that answer as it does. The clients read this shape and the API's others through
    /// [`ApiError`](crate::ApiError).
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::{ErrorBody, FieldError};
    ///
    /// let missing = ErrorBody::new("Agent not found").code("AGENT_NOT_FOUND");
    /// assert_eq!(
    ///     serde_json::to_string(&missing).unwrap(),
    ///     r#"{"success":false,"message":"Agent not found","code":"AGENT_NOT_FOUND"}"#
    /// );
    /// let refused = ErrorBody::invalid([FieldError::new("body.to", "must be an E.164 number")]);
    /// assert_eq!(refused.errors.unwrap()["to"], ["must be an E.164 number"]);
    /// // A documented code as it is, or any text.
    /// let ended = ErrorBody::new("Call is not active").code(talkover::error::ErrorCode::CallNotActive);
    /// assert_eq!(ended.code.as_deref(), Some("CALL_NOT_ACTIVE"));
    /// // What a page shows beside the message: make-campaign-call's 409 names the call already queued.
    /// let queued = serde_json::json!({"id": "call-uuid-existing", "status": "queued"});
    /// let duplicate = ErrorBody::new("A call to this number already exists in this campaign").extra("existing_call", queued);
    /// assert_eq!(serde_json::to_value(&duplicate).unwrap()["existing_call"]["status"], "queued");
    /// // The body's own members are set by their fields: no key is written twice.
    /// let coded = ErrorBody::new("m").code("C").extra("code", serde_json::json!("X"));
    /// assert_eq!(serde_json::to_string(&coded).unwrap(), r#"{"success":false,"message":"m","code":"C"}"#);
    /// ```
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ErrorBody {
        /// `false`.
        pub success: bool,
        /// What went wrong, in a sentence.
        pub message: String,
        /// The body's other members, as the page shows them beside the message (make-campaign-call's 409
        /// `existing_call`): set with [`extra`](Self::extra), read back from a body as received.
        #[serde(flatten)]
        pub extra: serde_json::Map<String, serde_json::Value>,
    }
    optional {
        /// The error's code (`AGENT_NOT_FOUND`), where the API gives one.
        code: String,
        /// The messages of each field at fault (a 422).
        errors: BTreeMap<String, Vec<String>>,
    }
}

impl ErrorBody {
    /// A refusal saying `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_fields(false, message.into(), serde_json::Map::new())
    }

    /// With the error's code.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// With another member of the body (`existing_call`), replacing one of that key. The body's own members
    /// (`success`, `message`, `code`, `errors`) are set by their own fields, not here: a value given under
    /// one of those keys is not kept, so that no key is written twice.
    pub fn extra(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        let key = key.into();
        if !matches!(key.as_str(), "success" | "message" | "code" | "errors") {
            self.extra.insert(key, value);
        }
        self
    }

    /// The API's 422 for fields at fault: "The given data was invalid.", then each field's messages
    /// (a field named twice keeps both), under the field's name as the API gives it
    /// ([`FieldError::api_name`]: `label`, not `body.label`). [`Error::field_errors`](crate::Error::field_errors)
    /// gives a refused request's problems in this form.
    pub fn invalid(problems: impl IntoIterator<Item = FieldError>) -> Self {
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for problem in problems {
            errors.entry(problem.api_name().to_owned()).or_default().push(problem.message);
        }
        let mut body = Self::new("The given data was invalid.");
        body.errors = Some(errors);
        body
    }
}

/// `{"error": {"code": "…", "message": "…", "details": {…}}}`: the other shape the API refuses a request
/// in, make-call's (its 400, 401, 402, 404 and 429), for servers and test doubles that answer as it does.
/// The clients read it through [`ApiError`](crate::ApiError), `details.retry_after` included.
///
/// ```
/// # use talkover_core as talkover;
/// use serde_json::json;
/// use talkover::envelope::ErrorObjectBody;
/// use talkover::error::ErrorCode;
///
/// let limited = ErrorObjectBody::new(ErrorCode::RateLimitExceeded, "Rate limit exceeded.").detail("retry_after", json!(60));
/// assert_eq!(
///     serde_json::to_value(&limited)?,
///     json!({"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Rate limit exceeded.", "details": {"retry_after": 60}}})
/// );
/// // Without details, none are written (make-call's 402).
/// let broke = ErrorObjectBody::new(ErrorCode::InsufficientCredits, "Account has insufficient credits");
/// assert_eq!(serde_json::to_value(&broke)?["error"].as_object().map(|e| e.len()), Some(2));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorObjectBody {
    /// The error.
    pub error: ErrorObject,
}

/// The object of an [`ErrorObjectBody`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorObject {
    /// The error's code (`INVALID_PHONE_NUMBER`).
    pub code: String,
    /// What went wrong, in a sentence.
    pub message: String,
    /// More about it (`{"field": "to", "value": "…"}`, `{"retry_after": 60}`); absent when empty.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl ErrorObjectBody {
    /// A refusal with its code (an [`ErrorCode`](crate::error::ErrorCode) or any text) and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { error: ErrorObject { code: code.into(), message: message.into(), details: serde_json::Map::new() } }
    }

    /// Adds a detail (`retry_after`, `field`, `agent_id`, …), replacing one of that key.
    pub fn detail(mut self, key: impl Into<String>, value: serde_json::Value) -> Self {
        self.error.details.insert(key.into(), value);
        self
    }
}

optional_fields! {
    /// `{"success": true, "message": "…"}`: the answer of operations that return no data.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Ack {}
    optional {
        /// The envelope's success flag.
        success: bool,
        /// A human-readable note on what was done.
        message: String,
    }
}

impl Ack {
    /// `{"success": true, "message": "…"}`: the answer of an operation that was carried out, for servers
    /// and test doubles ([`Ack::new`] leaves both keys out).
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// let done = talkover::Ack::done("Agent deleted successfully");
    /// assert_eq!(serde_json::to_string(&done)?, r#"{"success":true,"message":"Agent deleted successfully"}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn done(message: impl Into<String>) -> Self {
        let mut ack = Self::new();
        ack.success = Some(true);
        ack.message = Some(message.into());
        ack
    }
}

impl ResponseBody for Ack {
    type Output = Ack;
    fn into_output(self) -> Ack {
        self
    }
    fn success_flag(&self) -> Option<bool> {
        self.success
    }
}

/// The answer of an operation whose reference page shows it without the envelope (make-campaign-call's
/// `{"campaign_call": …, "campaign": …}`, the current user, health, a voice demo), read in that shape or in
/// the envelope the API's introduction says every answer comes in (`{"success": true, "data": {…}}`): the
/// pages disagree, and a call that is not safe to repeat must not come back as a decoding error after it
/// was carried out. It is written back in the shape it was read.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::account::ServiceHealth;
/// use talkover::envelope::MaybeEnveloped;
///
/// let bare: MaybeEnveloped<ServiceHealth> = serde_json::from_str(r#"{"status": "ok"}"#).unwrap();
/// let wrapped: MaybeEnveloped<ServiceHealth> =
///     serde_json::from_str(r#"{"success": true, "data": {"status": "ok"}}"#).unwrap();
/// assert_eq!(bare.value().status, wrapped.value().status);
/// assert_eq!(serde_json::to_string(&wrapped).unwrap(), r#"{"success":true,"data":{"status":"ok"}}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum MaybeEnveloped<T> {
    /// The object itself, as the operation's page shows it.
    Bare(T),
    /// In the usual envelope.
    Enveloped(Envelope<T>),
}

impl<T> MaybeEnveloped<T> {
    /// The object, in either shape.
    pub fn value(&self) -> &T {
        match self {
            Self::Bare(value) => value,
            Self::Enveloped(envelope) => &envelope.data,
        }
    }
}

impl<T: DeserializeOwned + Serialize> ResponseBody for MaybeEnveloped<T> {
    type Output = T;
    fn into_output(self) -> T {
        match self {
            Self::Bare(value) => value,
            Self::Enveloped(envelope) => envelope.data,
        }
    }
    fn success_flag(&self) -> Option<bool> {
        match self {
            Self::Bare(_) => None,
            Self::Enveloped(envelope) => envelope.success,
        }
    }
}

/// Reads the object's keys as they come: an envelope's `success` and `message` are kept aside, its `data`
/// makes the answer an envelope, and any other key starts the object itself, which is then read from that
/// key on (none of the objects read this way has a field of the envelope's names). Values are read where
/// they stand, so an error keeps its place in the text (`data.campaign_call.id`).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for MaybeEnveloped<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ShapeVisitor(std::marker::PhantomData))
    }
}

struct ShapeVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for ShapeVisitor<T> {
    type Value = MaybeEnveloped<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut success, mut message) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "success" => success = map.next_value()?,
                "message" => message = map.next_value()?,
                "data" => {
                    let mut envelope = Envelope::with_fields(map.next_value::<T>()?);
                    while let Some(key) = map.next_key::<String>()? {
                        match key.as_str() {
                            "success" => success = map.next_value()?,
                            "message" => message = map.next_value()?,
                            _ => drop(map.next_value::<serde::de::IgnoredAny>()?),
                        }
                    }
                    (envelope.success, envelope.message) = (success, message);
                    return Ok(MaybeEnveloped::Enveloped(envelope));
                }
                _ => {
                    let rest = Resumed { first: Some(key), rest: map };
                    return T::deserialize(serde::de::value::MapAccessDeserializer::new(rest))
                        .map(MaybeEnveloped::Bare);
                }
            }
        }
        // No key but the envelope's: the object itself, which then lacks its fields.
        let none = Resumed { first: None, rest: map };
        T::deserialize(serde::de::value::MapAccessDeserializer::new(none)).map(MaybeEnveloped::Bare)
    }
}

/// A map whose first key was already read: gives it again, then the rest.
struct Resumed<A> {
    first: Option<String>,
    rest: A,
}

impl<'de, A: serde::de::MapAccess<'de>> serde::de::MapAccess<'de> for Resumed<A> {
    type Error = A::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(key) => seed.deserialize(serde::de::value::StringDeserializer::new(key)).map(Some),
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.rest.next_value_seed(seed)
    }
}

/// A check's result with its failure read as its outcome: an answer that says `"success": false` but
/// carries the operation's `data` (verify-sip-trunk's "Verification Failed", test-campaign-sftp-connection's
/// "Failure": the check ran, and says why it failed) is that data; any other error stays one. The
/// handlers of those checks pass their result through it.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::envelope::failed_check_data;
/// use talkover::http::{HeaderMap, StatusCode};
/// use talkover::sip_trunks::SipTrunkVerification;
/// use talkover::{ApiError, Error};
///
/// let body = br#"{"success": false, "data": {"is_verified": false, "error": "Authentication failed (401)"}}"#;
/// let answer = ApiError::from_parts("verify-sip-trunk", StatusCode::OK, HeaderMap::new(), body.to_vec());
/// let outcome: SipTrunkVerification = failed_check_data(Err(Error::Api(Box::new(answer)))).unwrap();
/// assert_eq!((outcome.is_verified, outcome.error.as_deref()), (false, Some("Authentication failed (401)")));
/// ```
pub fn failed_check_data<T: DeserializeOwned>(result: Result<T, crate::Error>) -> Result<T, crate::Error> {
    let error = match result {
        Err(error) => error,
        ok => return ok,
    };
    let data = error
        .as_api()
        .filter(|api| api.body_json().is_some_and(|body| body.get("success") == Some(&serde_json::Value::Bool(false))));
    match data.and_then(|api| api.body_field::<T>("data")) {
        Some(data) => Ok(data),
        None => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::Page;

    /// What a server built on these types writes reads as the pages show it: `success` and `message`
    /// before `data`; and the pieces a server compares and builds have the traits it needs.
    #[test]
    fn a_server_writes_answers_as_the_pages_do() {
        let mut created = Envelope::new(serde_json::json!({"id": "a1"}));
        created.message = Some("Agent created successfully".into());
        assert_eq!(
            serde_json::to_string(&created).unwrap(),
            r#"{"success":true,"message":"Agent created successfully","data":{"id":"a1"}}"#
        );
        assert_eq!(serde_json::to_string(&Envelope::with_fields(1)).unwrap(), r#"{"data":1}"#);
        let read: Envelope<serde_json::Value> =
            serde_json::from_str(&serde_json::to_string(&created).unwrap()).unwrap();
        assert_eq!(read, created);
        // Eq where the items are, and an empty page of any type.
        fn eq<T: Eq>(_: &T) {}
        eq(&Envelope::new(1u8));
        eq(&Page::<String>::default());
        assert!(Page::<String>::default().items.is_empty() && Page::<String>::default().pagination.is_none());
        // A field error as the API's list form of `errors` writes one.
        let error = FieldError::new("to", "must be an E.164 number");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json, serde_json::json!({"field": "to", "message": "must be an E.164 number"}));
        assert_eq!(serde_json::from_value::<FieldError>(json).unwrap(), error);
        // Any text is a timestamp, as `From<&str>` has it.
        let at: crate::time::Timestamp = "2024-01-15T10:30:00Z".parse().unwrap();
        assert!(at.date_time().is_some());
    }
}
