//! Receiving webhook deliveries, for servers: the shape of a delivery and, with the `webhook-signatures`
//! feature (on by default), checking its signature.
//!
//! A webhook created with a `webhook_secret` signs every delivery with HMAC-SHA256 keyed by that secret.
//! **The reference does not name the header that carries the signature**, so [`verify_delivery`] looks
//! for it in every header whose name contains `signature` (the emulator, `talkover-mock`, sends
//! `X-Talkover-Signature`); [`verify_signature`] takes one header's value when you know which it is. The signature is checked over the
//! body's exact bytes, so verify before parsing, and parse the same bytes you verified.
//!
//! ```
//! # use talkover_core as talkover;
//! # #[cfg(feature = "webhook-signatures")] {
//! use talkover::webhook_delivery::{verify_signature, WebhookDelivery};
//! use talkover::SecretString;
//!
//! let secret = SecretString::new("whsec_example");
//! let body = br#"{"event":"webhook.test","agent_id":"agent-1","webhook_id":"hook-1","test":true}"#;
//! # let signature_header = talkover::webhook_delivery::sign(&secret, body);
//! // `signature_header`: the value of the delivery's signature header, as received.
//! verify_signature(&secret, body, &signature_header).expect("signed with our secret");
//! let delivery: WebhookDelivery = WebhookDelivery::from_slice(body).unwrap();
//! assert!(delivery.is_test());
//! # }
//! ```
//!
//! In a server, the handler takes the headers and the body's bytes as they came, checks, then parses.
//! axum's `HeaderMap` is [`http::HeaderMap`] and its `Bytes` body is a `&[u8]`, so with axum (a
//! `DefaultBodyLimit` layer bounding the body) a handler of `(headers: HeaderMap, body: Bytes)` calls this
//! with `(&headers, &body)`; the repository's `examples/webhook_receiver.rs` is a whole receiver on axum.
//!
//! ```
//! # use talkover_core as talkover;
//! # #[cfg(feature = "webhook-signatures")] {
//! use talkover::http::{HeaderMap, StatusCode};
//! use talkover::webhook_delivery::{ReceiveError, WebhookKey};
//! use talkover::webhooks::AgentWebhookEvent;
//!
//! /// What to answer a delivery: 401 unless it is signed with `key`, 400 unless it is a delivery.
//! fn receive(key: &WebhookKey, headers: &HeaderMap, body: &[u8]) -> StatusCode {
//!     // An agent webhook's delivery; a campaign webhook's is `key.open::<CampaignWebhookEvent>(..)`.
//!     match key.open::<AgentWebhookEvent>(headers, body) {
//!         Ok(delivery) => {
//!             println!("{:?} for agent {:?}", delivery.event, delivery.agent_id);
//!             StatusCode::OK
//!         }
//!         Err(ReceiveError::Signature(_)) => StatusCode::UNAUTHORIZED,
//!         Err(_) => StatusCode::BAD_REQUEST,
//!     }
//! }
//!
//! let key = WebhookKey::new("whsec_example").unwrap();
//! let body = br#"{"event":"webhook.test","agent_id":"agent-1","webhook_id":"hook-1","test":true}"#;
//! let mut headers = HeaderMap::new();
//! headers.insert("x-talkover-signature", key.sign(body).parse().unwrap());
//! assert_eq!(receive(&key, &headers, body), StatusCode::OK);
//! assert_eq!(receive(&key, &HeaderMap::new(), body), StatusCode::UNAUTHORIZED);
//! # }
//! ```
//!
//! The reference documents no timestamp inside the signed content, so a valid signature does not prove a
//! delivery is fresh. Nor is an old `timestamp` a replay: a failed delivery is sent again, with its
//! event's `timestamp`, by the webhook's own retries and by retry-webhook-log, which may run days later
//! (logs are kept 30 days), so a window of freshness would refuse those. Make handling a delivery safe to
//! repeat instead: no body carries a delivery id, and a retry is built with the webhook's settings as
//! they are then (a payload template changed since gives another body), so key what you do on the
//! event, its call ([`WebhookDelivery::call_id`]) and its `timestamp`, not on the body's bytes. Read
//! bodies with a size limit before calling anything here.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::hide_string_values;
use crate::ids::{AgentId, CallId};
use crate::macros::optional_fields;
use crate::webhooks::{AgentWebhookEvent, WebhookEvent};
use crate::Timestamp;

/// The event name of the payload [`TestWebhook`](crate::webhooks::TestWebhook) sends.
pub const TEST_EVENT: &str = "webhook.test";

optional_fields! {
    /// One delivery of a webhook, as the API sends it to your endpoint.
    ///
    /// The named fields are those of the envelope the reference shows (event, agent, webhook, timestamp, test
    /// flag); each is optional, since a payload template can reshape a delivery. Every other field of the body
    /// lands in [`payload`](Self::payload), so fields the API adds later are kept, not refused. A template
    /// that writes one of the envelope's keys with another type (an object under `agent_id`, a number
    /// under `timestamp`) makes [`from_slice`](Self::from_slice) refuse the body, naming the key: keep
    /// those keys' types in a template, or read such a body as a type of your own.
    ///
    /// Agent webhooks deliver [`AgentWebhookEvent`]s (the default type parameter); campaign webhooks deliver
    /// [`CampaignWebhookEvent`](crate::webhooks::CampaignWebhookEvent)s: decode those as
    /// `WebhookDelivery<CampaignWebhookEvent>`. Event names this version does not know (including
    /// [`TEST_EVENT`]) decode as the enum's `Unknown` value.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(bound = "E: WebhookEvent")]
    #[non_exhaustive]
    pub struct WebhookDelivery<E: WebhookEvent = AgentWebhookEvent> {
        /// Whether this is a test delivery rather than a real event (written only when it is one). Read
        /// from `true` or `false`, and from the other ways a server writes a flag: `1` or `0`, their text,
        /// `"true"` or `"false"`, and `null` (not a test), as answers' booleans are read.
        #[serde(default, deserialize_with = "flag", skip_serializing_if = "is_false")]
        pub test: bool,
        /// Every other field of the delivery, as sent: the event's own data (`call_id`, `duration`, …). A
        /// key naming one of the delivery's own fields (`test`, `event`, `agent_id`, `agent_name`,
        /// `webhook_id`, `webhook_name`, `timestamp`) is not written, whether that field is set or not:
        /// set the field instead. So no key is written twice (a body [`from_slice`](Self::from_slice)
        /// would refuse), and a `"test": true` here does not make a real event read as a test.
        #[serde(flatten, serialize_with = "payload_fields")]
        pub payload: Map<String, Value>,
    }
    pub fn new;
    optional {
        /// What happened.
        event: E,
        /// The agent the webhook belongs to.
        agent_id: AgentId,
        /// The agent's name.
        agent_name: String,
        /// The webhook that delivered: an agent's [`WebhookId`](crate::webhooks::WebhookId), or a
        /// campaign's [`CampaignWebhookId`](crate::webhooks::CampaignWebhookId) in a campaign webhook's
        /// delivery.
        webhook_id: E::WebhookId,
        /// The webhook's name.
        webhook_name: String,
        /// When the event happened (RFC 3339, as the API wrote it).
        timestamp: Timestamp,
    }
}

/// The delivery's own fields, which [`WebhookDelivery::payload`] does not write again.
const OWN_FIELDS: [&str; 7] = ["test", "event", "agent_id", "agent_name", "webhook_id", "webhook_name", "timestamp"];

fn payload_fields<S: serde::Serializer>(payload: &Map<String, Value>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_map(payload.iter().filter(|(key, _)| !OWN_FIELDS.contains(&key.as_str())))
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A delivery's `test` flag: a boolean, or `null`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"` (an uncast
/// database column or a payload template writes it so). Any other value is refused, naming its type only.
fn flag<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    use serde::de::{Error, Unexpected};
    let unexpected = |value: &Value| match value {
        Value::Number(_) => Unexpected::Other("a number other than 1 or 0"),
        Value::String(_) => Unexpected::Other("a string other than \"1\", \"0\", \"true\" or \"false\""),
        Value::Array(_) => Unexpected::Seq,
        _ => Unexpected::Map,
    };
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(false),
        Value::Bool(flag) => Ok(flag),
        Value::Number(n) if n.as_u64() == Some(1) => Ok(true),
        Value::Number(n) if n.as_u64() == Some(0) => Ok(false),
        Value::String(text) if text == "1" || text == "true" => Ok(true),
        Value::String(text) if text == "0" || text == "false" => Ok(false),
        other => Err(D::Error::invalid_type(unexpected(&other), &"a boolean (or 1, 0, \"true\", \"false\")")),
    }
}

impl<E: WebhookEvent> WebhookDelivery<E> {
    /// Decodes a delivery's body. Call it on the bytes whose signature you verified.
    pub fn from_slice(body: &[u8]) -> Result<Self, DeliveryDecodeError> {
        let mut de = serde_json::Deserializer::from_slice(body);
        let delivery = serde_path_to_error::deserialize(&mut de).map_err(DeliveryDecodeError::of)?;
        de.end().map_err(|e| DeliveryDecodeError { path: String::new(), message: e.to_string() })?;
        Ok(delivery)
    }

    /// Whether this is a test delivery: its `test` flag is set or its event is [`TEST_EVENT`].
    pub fn is_test(&self) -> bool {
        self.test || self.event_name().as_deref() == Some(TEST_EVENT)
    }

    /// The call the event is about: the payload's `call_id`, when it is text (a call's events, and a
    /// campaign call's once it is dialled); `None` for an event of no call (a campaign's step, a test).
    /// The key of what you do for a call's event, with the event: deliveries carry no id of their own.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::webhook_delivery::WebhookDelivery;
    ///
    /// let body = br#"{"event":"event_phone_call_ended","call_id":"call-1","context":{"order":"A-7"}}"#;
    /// let delivery: WebhookDelivery = WebhookDelivery::from_slice(body)?;
    /// assert_eq!(delivery.call_id().unwrap().as_str(), "call-1");
    /// assert_eq!(delivery.context().unwrap()["order"], "A-7");
    /// # Ok::<(), talkover::webhook_delivery::DeliveryDecodeError>(())
    /// ```
    pub fn call_id(&self) -> Option<CallId> {
        self.payload.get("call_id")?.as_str().map(CallId::from)
    }

    /// The `context` the call was placed with ([`NewCall::context`](crate::calls::NewCall::context), or a
    /// campaign call's), which the API sends back in every event of that call; `None` when the delivery
    /// carries none, or one that is not an object.
    pub fn context(&self) -> Option<&Map<String, Value>> {
        self.payload.get("context")?.as_object()
    }

    /// The event's name as the API spelled it.
    pub fn event_name(&self) -> Option<String> {
        match serde_json::to_value(self.event.as_ref()?) {
            Ok(Value::String(name)) => Some(name),
            _ => None,
        }
    }

    /// The event's own data (the fields beside the envelope's) decoded as your type. The reference shows
    /// few of them (a log's `request_payload` gives `call_id` and `duration`; make-call's `context` comes
    /// back in every event of its call), so the SDK keeps them as a [`payload`](Self::payload) map, with
    /// [`call_id`](Self::call_id) and [`context`](Self::context) for the two every call's event carries; a
    /// struct of the fields you rely on, with `Option` for those an event may lack, reads them with types.
    /// The payload is JSON values, so a number read here has been an `f64` (a [`Decimal`](crate::Decimal)
    /// of `1.50` reads `1.5`); to keep its digits, read your type from the body's bytes with
    /// `serde_json::from_slice`.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::webhook_delivery::WebhookDelivery;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct CallEnded {
    ///     call_id: String,
    ///     duration: Option<u64>,
    /// }
    ///
    /// let body = br#"{"event":"event_phone_call_ended","call_id":"call-1","duration":42}"#;
    /// let delivery: WebhookDelivery = WebhookDelivery::from_slice(body)?;
    /// let ended: CallEnded = delivery.payload_as()?;
    /// assert_eq!((ended.call_id.as_str(), ended.duration), ("call-1", Some(42)));
    /// # Ok::<(), talkover::webhook_delivery::DeliveryDecodeError>(())
    /// ```
    ///
    /// # Errors
    /// [`DeliveryDecodeError`] naming the field that is missing or of another type; its message quotes no
    /// string value of the delivery (a transcript, a name), as an answer's decoding error quotes none (a
    /// number of the wrong type is quoted, and the path names a map's key).
    pub fn payload_as<T: DeserializeOwned>(&self) -> Result<T, DeliveryDecodeError> {
        let fields = Value::Object(self.payload.clone());
        serde_path_to_error::deserialize(&fields).map_err(DeliveryDecodeError::of)
    }
}

/// A body that is not a webhook delivery (not JSON, not an object, or a known field of the wrong type).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a webhook delivery{}: {message}", if path.is_empty() || path == "." { String::new() } else { format!(" (at `{path}`)") })]
#[non_exhaustive]
pub struct DeliveryDecodeError {
    /// Where in the body decoding failed, empty or `.` at the top.
    pub path: String,
    /// What the decoder said, without the string values of the delivery it quotes (`invalid type: string
    /// (value not shown), expected u32`): a delivery carries call data, and this error is logged.
    pub message: String,
}

impl DeliveryDecodeError {
    /// The error of a decoder that failed at a path, its message without the string values it quotes.
    fn of(error: serde_path_to_error::Error<serde_json::Error>) -> Self {
        Self { path: error.path().to_string(), message: hide_string_values(&error.into_inner().to_string()) }
    }
}

// The badge on the re-export too, for this crate's pages. The facade's pages, which inline these items from
// another crate, show no badge (rustdoc keeps none across crates): each item's doc says the feature.
#[cfg(feature = "webhook-signatures")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhook-signatures")))]
pub use signatures::{
    sign, verify_delivery, verify_signature, ReceiveError, SignatureError, SigningSecret, WebhookKey,
};

#[cfg(feature = "webhook-signatures")]
mod signatures {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::Sha256;

    use crate::encode::hex as hex_digit;
    use crate::secret::SecretString;

    /// The length of an HMAC-SHA256 signature, in bytes.
    const SIGNATURE_LEN: usize = 32;

    /// Why a delivery's signature was refused.
    ///
    /// With the `webhook-signatures` feature, on by default.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
    #[non_exhaustive]
    #[cfg_attr(docsrs, doc(cfg(feature = "webhook-signatures")))]
    pub enum SignatureError {
        /// The secret is empty: no signature can be checked against it.
        #[error("the webhook secret is empty")]
        EmptySecret,
        /// The header's value is not an HMAC-SHA256 signature in hex or base64 (with or without `sha256=`).
        #[error("the signature is not a hex or base64 HMAC-SHA256 value")]
        Malformed,
        /// The signature is well formed but does not match the body: not signed with this secret, or changed
        /// on the way.
        #[error("the signature does not match the body")]
        Mismatch,
        /// [`verify_delivery`] found no header whose name contains `signature`.
        #[error("the delivery carries no signature header")]
        MissingSignature,
    }

    /// Why [`WebhookKey::open`] refused a delivery: its signature (answer 401), or its body (answer 400).
    ///
    /// With the `webhook-signatures` feature, on by default.
    #[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
    #[non_exhaustive]
    #[cfg_attr(docsrs, doc(cfg(feature = "webhook-signatures")))]
    pub enum ReceiveError {
        /// The signature was refused: not signed with the webhook's secret, changed on the way, or none.
        #[error("the delivery's signature was refused: {0}")]
        Signature(#[from] SignatureError),
        /// The body, signed with the webhook's secret, is no delivery of the kind asked for.
        #[error(transparent)]
        Decode(#[from] super::DeliveryDecodeError),
    }

    /// A webhook secret [`verify_signature`] and [`sign`] accept: a [`SecretString`], a `str` or `String`,
    /// raw bytes, or a [`WebhookKey`].
    ///
    /// With the `webhook-signatures` feature, on by default.
    #[cfg_attr(docsrs, doc(cfg(feature = "webhook-signatures")))]
    pub trait SigningSecret: private::Key {}

    mod private {
        /// The key bytes. In a private module, so that the trait reads no secret for anyone else.
        pub trait Key {
            fn key(&self) -> &[u8];
        }

        impl Key for crate::secret::SecretString {
            fn key(&self) -> &[u8] {
                self.expose_secret().as_bytes()
            }
        }

        impl Key for str {
            fn key(&self) -> &[u8] {
                self.as_bytes()
            }
        }

        impl Key for String {
            fn key(&self) -> &[u8] {
                self.as_bytes()
            }
        }

        impl Key for [u8] {
            fn key(&self) -> &[u8] {
                self
            }
        }

        impl Key for Vec<u8> {
            fn key(&self) -> &[u8] {
                self
            }
        }

        impl Key for super::WebhookKey {
            fn key(&self) -> &[u8] {
                &self.key
            }
        }
    }

    impl SigningSecret for SecretString {}
    impl SigningSecret for WebhookKey {}
    impl SigningSecret for str {}
    impl SigningSecret for String {}
    impl SigningSecret for [u8] {}
    impl SigningSecret for Vec<u8> {}

    fn mac<K: SigningSecret + ?Sized>(secret: &K, body: &[u8]) -> Result<Hmac<Sha256>, SignatureError> {
        let key = secret.key();
        if key.is_empty() {
            return Err(SignatureError::EmptySecret);
        }
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| SignatureError::EmptySecret)?;
        mac.update(body);
        Ok(mac)
    }

    /// A webhook's secret, checked once, for a receiver that verifies its deliveries: its methods take no
    /// secret, so the body, the signature and the secret cannot be passed in each other's places (the free
    /// functions take them as `&str` and `&[u8]` alike). `Debug` shows no secret, and its bytes are
    /// zeroized on drop.
    ///
    /// With the `webhook-signatures` feature, on by default.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::http::{HeaderMap, HeaderValue};
    /// use talkover::webhook_delivery::{SignatureError, WebhookKey};
    ///
    /// let key = WebhookKey::new("whsec_1")?;
    /// let body = br#"{"event":"webhook.test","test":true}"#;
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-talkover-signature", HeaderValue::from_str(&key.sign(body)).unwrap());
    /// assert_eq!(key.verify_delivery(&headers, body), Ok(()));
    /// assert_eq!(WebhookKey::new("whsec_2")?.verify_delivery(&headers, body), Err(SignatureError::Mismatch));
    /// assert_eq!(WebhookKey::new("").err(), Some(SignatureError::EmptySecret));
    /// # Ok::<(), SignatureError>(())
    /// ```
    #[derive(Clone)]
    #[cfg_attr(docsrs, doc(cfg(feature = "webhook-signatures")))]
    pub struct WebhookKey {
        key: zeroize::Zeroizing<Vec<u8>>,
    }

    impl std::fmt::Debug for WebhookKey {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("WebhookKey([redacted])")
        }
    }

    impl WebhookKey {
        /// The key of a webhook whose secret is `secret` (the `webhook_secret` it was created with).
        ///
        /// # Errors
        ///
        /// [`SignatureError::EmptySecret`] for an empty secret.
        pub fn new<K: SigningSecret + ?Sized>(secret: &K) -> Result<Self, SignatureError> {
            let key = secret.key();
            if key.is_empty() {
                return Err(SignatureError::EmptySecret);
            }
            Ok(Self { key: zeroize::Zeroizing::new(key.to_vec()) })
        }

        /// [`verify_delivery`] with this key: finds the delivery's signature among its headers and checks
        /// it against the exact `body` received.
        ///
        /// # Errors
        ///
        /// Why the delivery was refused, as [`verify_delivery`] says.
        pub fn verify_delivery(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
            verify_delivery(headers, body, self)
        }

        /// A delivery received, checked and read in one call: [`verify_delivery`](Self::verify_delivery),
        /// then [`WebhookDelivery::from_slice`](super::WebhookDelivery::from_slice) on the same bytes. The
        /// error says which step refused it, so that a receiver answers 401 to a signature refused and 400
        /// to a signed body that is no delivery.
        ///
        /// ```
        /// # use talkover_core as talkover;
        /// use talkover::http::HeaderMap;
        /// use talkover::webhook_delivery::{ReceiveError, SignatureError, WebhookDelivery, WebhookKey};
        /// use talkover::webhooks::CampaignWebhookEvent;
        ///
        /// let key = WebhookKey::new("whsec_1")?;
        /// let body = br#"{"event":"campaign.started","campaign_id":"campaign-1"}"#;
        /// let mut headers = HeaderMap::new();
        /// headers.insert("x-talkover-signature", key.sign(body).parse().unwrap());
        /// let delivery: WebhookDelivery<CampaignWebhookEvent> = key.open(&headers, body).unwrap();
        /// assert_eq!(delivery.event, Some(CampaignWebhookEvent::CampaignStarted));
        /// let refused = key.open::<CampaignWebhookEvent>(&headers, b"{}").unwrap_err();
        /// assert_eq!(refused, ReceiveError::Signature(SignatureError::Mismatch));
        /// # Ok::<(), SignatureError>(())
        /// ```
        ///
        /// # Errors
        ///
        /// [`ReceiveError::Signature`] as [`verify_delivery`](Self::verify_delivery) refuses it, or
        /// [`ReceiveError::Decode`] for a body, signed with this key, that is no delivery of this kind.
        pub fn open<E: crate::webhooks::WebhookEvent>(
            &self,
            headers: &http::HeaderMap,
            body: &[u8],
        ) -> Result<super::WebhookDelivery<E>, ReceiveError> {
            self.verify_delivery(headers, body)?;
            Ok(super::WebhookDelivery::from_slice(body)?)
        }

        /// [`verify_signature`] with this key: checks `signature`, a signature header's value you picked
        /// out yourself, against the exact `body` received.
        ///
        /// # Errors
        ///
        /// Why the signature was refused, as [`verify_signature`] says.
        pub fn verify_signature(&self, body: &[u8], signature: &str) -> Result<(), SignatureError> {
            verify_signature(self, body, signature)
        }

        /// [`sign`] with this key: the signature a delivery of `body` carries, in lowercase hex. For testing
        /// a receiver; it cannot panic, the key being known not to be empty.
        pub fn sign(&self, body: &[u8]) -> String {
            sign(self, body)
        }
    }

    /// Checks that `signature` is the HMAC-SHA256 of `body` keyed with the webhook's `secret`.
    ///
    /// With the `webhook-signatures` feature, on by default.
    ///
    /// `signature` is the value of the delivery's signature header, which **you** pick out of the request:
    /// the reference says every delivery of a webhook with a secret carries one, but does not name it.
    /// Hex (either case) and base64 (standard or URL-safe, padded or not, its last digit as an encoder
    /// writes it) are accepted, with or without a `sha256=` prefix; surrounding whitespace is ignored. `body` must be the exact bytes received. The
    /// comparison takes the same time wherever the values differ.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::webhook_delivery::{verify_signature, SignatureError};
    ///
    /// // RFC 4231, test case 2.
    /// let hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    /// assert_eq!(verify_signature("Jefe", b"what do ya want for nothing?", hex), Ok(()));
    /// assert_eq!(verify_signature("Jefe", b"what do ya want for nothing!", hex), Err(SignatureError::Mismatch));
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "webhook-signatures")))]
    pub fn verify_signature<K: SigningSecret + ?Sized>(
        secret: &K,
        body: &[u8],
        signature: &str,
    ) -> Result<(), SignatureError> {
        let mac = mac(secret, body)?;
        let expected = parse_signature(signature).ok_or(SignatureError::Malformed)?;
        mac.verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
    }

    /// Checks a whole delivery: finds its signature in any header whose name contains `signature` (in any
    /// case: `X-Talkover-Signature`, `X-Webhook-Signature`, `Signature`, …) and checks it with
    /// [`verify_signature`]. Use this when you do not want to depend on the header's exact name, which the
    /// reference does not give.
    ///
    /// With the `webhook-signatures` feature, on by default.
    ///
    /// When several such headers (or several values of one, apart or joined by commas) are present, the
    /// delivery is accepted if any of them verifies. Otherwise the error says why: [`SignatureError::MissingSignature`] when there is none,
    /// [`SignatureError::Mismatch`] when at least one was well formed, [`SignatureError::Malformed`] when
    /// none was. A header value that is not visible ASCII counts as malformed.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::http::{HeaderMap, HeaderValue};
    /// use talkover::webhook_delivery::{sign, verify_delivery, SignatureError};
    ///
    /// let body = br#"{"event":"webhook.test","test":true}"#;
    /// let mut headers = HeaderMap::new();
    /// assert_eq!(verify_delivery(&headers, body, "whsec_1"), Err(SignatureError::MissingSignature));
    /// headers.insert("x-talkover-signature", HeaderValue::from_str(&sign("whsec_1", body)).unwrap());
    /// assert_eq!(verify_delivery(&headers, body, "whsec_1"), Ok(()));
    /// assert_eq!(verify_delivery(&headers, body, "whsec_2"), Err(SignatureError::Mismatch));
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "webhook-signatures")))]
    pub fn verify_delivery<K: SigningSecret + ?Sized>(
        headers: &http::HeaderMap,
        body: &[u8],
        secret: &K,
    ) -> Result<(), SignatureError> {
        let mac = mac(secret, body)?;
        let mut outcome = Err(SignatureError::MissingSignature);
        let candidates =
            headers.iter().filter(|(name, _)| contains_ignore_case(name.as_str().as_bytes(), b"signature"));
        // A header given twice may reach the receiver as one value joined by commas (RFC 9110, 5.3): each
        // part is a signature of its own (neither hex nor base64 has a comma).
        let values = candidates.flat_map(|(_, value)| match value.to_str() {
            Ok(text) => text.split(',').map(Some).collect::<Vec<_>>(),
            Err(_) => vec![None],
        });
        for value in values {
            let parsed = value.and_then(parse_signature);
            match parsed {
                Some(expected) => {
                    if mac.clone().verify_slice(&expected).is_ok() {
                        return Ok(());
                    }
                    outcome = Err(SignatureError::Mismatch);
                }
                None if outcome == Err(SignatureError::MissingSignature) => outcome = Err(SignatureError::Malformed),
                None => {}
            }
        }
        outcome
    }

    fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle))
    }

    /// The signature of `body` under `secret`, in lowercase hex: what a delivery of `body` carries. For
    /// testing a receiver.
    ///
    /// With the `webhook-signatures` feature, on by default.
    ///
    /// # Panics
    ///
    /// When `secret` is empty.
    #[cfg_attr(docsrs, doc(cfg(feature = "webhook-signatures")))]
    pub fn sign<K: SigningSecret + ?Sized>(secret: &K, body: &[u8]) -> String {
        let tag = mac(secret, body).expect("the webhook secret is empty").finalize().into_bytes();
        let mut out = String::with_capacity(2 * SIGNATURE_LEN);
        for byte in tag.iter() {
            out.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        }
        out
    }

    const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

    /// The signature's bytes, from hex or base64, with an optional `sha256=` prefix.
    fn parse_signature(value: &str) -> Option<[u8; SIGNATURE_LEN]> {
        let value = value.trim();
        let value = match value.get(..7) {
            Some(prefix) if prefix.eq_ignore_ascii_case("sha256=") => value[7..].trim_start(),
            _ => value,
        };
        // 64 characters of hex and 43 or 44 of base64: the lengths never overlap.
        if value.len() == 2 * SIGNATURE_LEN {
            decode_hex(value.as_bytes())
        } else {
            decode_base64(value.as_bytes())
        }
    }

    fn decode_hex(text: &[u8]) -> Option<[u8; SIGNATURE_LEN]> {
        let mut out = [0u8; SIGNATURE_LEN];
        for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
            *byte = hex_digit(pair[0])? << 4 | hex_digit(pair[1])?;
        }
        Some(out)
    }

    /// Standard or URL-safe base64 of exactly 32 bytes, padded (`=`) or not.
    fn decode_base64(text: &[u8]) -> Option<[u8; SIGNATURE_LEN]> {
        let text = match text {
            [rest @ .., b'='] if text.len() == 44 => rest,
            _ => text,
        };
        if text.len() != 43 {
            return None;
        }
        let mut out = [0u8; SIGNATURE_LEN];
        let (mut acc, mut bits, mut n) = (0u32, 0u32, 0usize);
        for &c in text {
            acc = acc << 6 | u32::from(base64_digit(c)?);
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                // 43 digits carry 258 bits: 32 whole bytes and 2 leftover bits, zero below.
                if n < SIGNATURE_LEN {
                    out[n] = (acc >> bits) as u8;
                    n += 1;
                }
                acc &= (1 << bits) - 1;
            }
        }
        // Leftover bits that are not zero would let four texts stand for one signature: only the
        // canonical one is taken.
        (n == SIGNATURE_LEN && acc == 0).then_some(out)
    }

    fn base64_digit(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// `open` tells a signature refused from a signed body that is no delivery, and reads a good one.
        #[test]
        fn open_says_which_step_refused_a_delivery() {
            use crate::webhooks::{AgentWebhookEvent, CampaignWebhookEvent};
            let key = WebhookKey::new("whsec_open").unwrap();
            let signed = |body: &[u8]| {
                let mut headers = http::HeaderMap::new();
                headers.insert("x-talkover-signature", key.sign(body).parse().unwrap());
                headers
            };
            let body = br#"{"event":"event_phone_call_ended","call_id":"call-1"}"#;
            let delivery = key.open::<AgentWebhookEvent>(&signed(body), body).unwrap();
            assert_eq!(delivery.call_id().unwrap().as_str(), "call-1");
            let unsigned = key.open::<AgentWebhookEvent>(&http::HeaderMap::new(), body).unwrap_err();
            assert_eq!(unsigned, ReceiveError::Signature(SignatureError::MissingSignature));
            assert!(unsigned.to_string().contains("no signature header"), "{unsigned}");
            let list = b"[1]";
            let not_a_delivery = key.open::<CampaignWebhookEvent>(&signed(list), list).unwrap_err();
            assert!(matches!(not_a_delivery, ReceiveError::Decode(_)), "{not_a_delivery:?}");
            assert!(not_a_delivery.to_string().starts_with("not a webhook delivery"), "{not_a_delivery}");
        }

        /// RFC 4231 test cases 1, 2 and 6 (hex as published), with their base64 forms (standard alphabet)
        /// computed by an independent implementation (Python's `hmac` and `base64`).
        const VECTORS: &[(&[u8], &[u8], &str, &str)] = &[
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                "sDRMYdjbOFNcqK/OrwvxK4gdwgDJgz2nJuk3bC4yz/c=",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                "YOQxWR7gtn8Niiaqy/W3f44LxiE3KMUUBUYEDw7jf1Q=",
            ),
        ];

        #[test]
        fn a_key_verifies_and_signs_as_the_functions_do_and_shows_no_secret() {
            for (secret, body, hex, base64) in VECTORS {
                let key = WebhookKey::new(*secret).unwrap();
                assert_eq!(key.sign(body), *hex);
                assert_eq!(key.verify_signature(body, hex), Ok(()));
                assert_eq!(key.verify_signature(body, base64), Ok(()));
                assert_eq!(key.verify_signature(b"another body", hex), Err(SignatureError::Mismatch));
                assert_eq!(verify_signature(&key, body, hex), Ok(()), "a key is a secret the functions take");
                let mut headers = http::HeaderMap::new();
                headers.insert("x-webhook-signature", http::HeaderValue::from_str(base64).unwrap());
                assert_eq!(key.verify_delivery(&headers, body), Ok(()));
                assert_eq!(key.verify_delivery(&http::HeaderMap::new(), body), Err(SignatureError::MissingSignature));
            }
            let key = WebhookKey::new(&SecretString::new("whsec_do-not-print")).unwrap();
            assert_eq!(format!("{key:?}"), "WebhookKey([redacted])");
            assert_eq!(WebhookKey::new("").err(), Some(SignatureError::EmptySecret));
            assert_eq!(WebhookKey::new(&Vec::new()).err(), Some(SignatureError::EmptySecret));
        }

        #[test]
        fn rfc_4231_vectors_verify_in_every_accepted_spelling() {
            for &(key, data, hex, base64) in VECTORS {
                assert_eq!(sign(key, data), hex);
                let url_safe = base64.replace('+', "-").replace('/', "_");
                let spellings = [
                    hex.to_owned(),
                    hex.to_uppercase(),
                    format!("sha256={hex}"),
                    format!("SHA256={}", hex.to_uppercase()),
                    format!("  {hex}\r\n"),
                    base64.to_owned(),
                    base64.trim_end_matches('=').to_owned(),
                    url_safe.clone(),
                    url_safe.trim_end_matches('=').to_owned(),
                    format!("sha256={base64}"),
                ];
                for signature in &spellings {
                    assert_eq!(verify_signature(key, data, signature), Ok(()), "{signature}");
                }
            }
        }

        /// The last base64 digit of a 32-byte value carries 2 bits beyond it: the three spellings with
        /// those set are not the signature, though they decode to its bytes.
        #[test]
        fn base64_with_leftover_bits_set_is_refused() {
            const DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for &(key, data, _, base64) in VECTORS {
                let unpadded = base64.trim_end_matches('=');
                let last = DIGITS.iter().position(|&d| d == *unpadded.as_bytes().last().unwrap()).unwrap();
                assert_eq!(last & 3, 0, "a canonical last digit has its 2 leftover bits zero");
                for extra in 1..4 {
                    let mut other = unpadded.as_bytes().to_vec();
                    *other.last_mut().unwrap() = DIGITS[last | extra];
                    let other = String::from_utf8(other).unwrap();
                    assert_eq!(verify_signature(key, data, &other), Err(SignatureError::Malformed), "{other}");
                }
            }
        }

        #[test]
        fn a_changed_body_or_signature_or_another_secret_is_a_mismatch() {
            let (key, data, hex, _) = VECTORS[1];
            let mut changed = data.to_vec();
            changed[0] ^= 1;
            assert_eq!(verify_signature(key, &changed, hex), Err(SignatureError::Mismatch));
            assert_eq!(verify_signature("Jeff", data, hex), Err(SignatureError::Mismatch));
            let mut flipped = hex.to_owned().into_bytes();
            flipped[63] = if flipped[63] == b'0' { b'1' } else { b'0' };
            let flipped = String::from_utf8(flipped).unwrap();
            assert_eq!(verify_signature(key, data, &flipped), Err(SignatureError::Mismatch));
            // Another vector's valid signature.
            assert_eq!(verify_signature(key, data, VECTORS[0].2), Err(SignatureError::Mismatch));
        }

        #[test]
        fn a_delivery_verifies_by_any_header_whose_name_contains_signature() {
            use http::{HeaderMap, HeaderName, HeaderValue};
            let (key, data, hex, base64) = VECTORS[1];
            for name in ["x-talkover-signature", "signature", "webhook-signature-sha256", "X-Signature"] {
                let mut headers = HeaderMap::new();
                headers.insert("content-type", HeaderValue::from_static("application/json"));
                headers.insert(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_static(hex));
                assert_eq!(verify_delivery(&headers, data, key), Ok(()), "{name}");
                assert_eq!(verify_delivery(&headers, b"other", key), Err(SignatureError::Mismatch), "{name}");
            }
            let mut headers = HeaderMap::new();
            headers.insert("x-sig", HeaderValue::from_static(hex));
            assert_eq!(verify_delivery(&headers, data, key), Err(SignatureError::MissingSignature));
            // A malformed header beside a valid one: the valid one wins, whichever comes first.
            headers.insert("x-signature-old", HeaderValue::from_static("not-a-signature"));
            assert_eq!(verify_delivery(&headers, data, key), Err(SignatureError::Malformed));
            headers.append("x-signature-old", HeaderValue::from_static(base64));
            assert_eq!(verify_delivery(&headers, data, key), Ok(()));
            // A wrong one beside a malformed one is a mismatch, not malformed.
            let mut headers = HeaderMap::new();
            headers.insert("x-signature-a", HeaderValue::from_static("zz"));
            headers.insert("x-signature-b", HeaderValue::from_static(VECTORS[0].2));
            assert_eq!(verify_delivery(&headers, data, key), Err(SignatureError::Mismatch));
            assert_eq!(verify_delivery(&headers, data, ""), Err(SignatureError::EmptySecret));
            // The header given twice, joined into one value by a proxy: each part is tried.
            for joined in [format!("{},{hex}", VECTORS[0].2), format!("{base64}, not-a-signature")] {
                let mut headers = HeaderMap::new();
                headers.insert("x-talkover-signature", HeaderValue::from_str(&joined).unwrap());
                assert_eq!(verify_delivery(&headers, data, key), Ok(()), "{joined}");
            }
            let mut headers = HeaderMap::new();
            headers.insert("x-talkover-signature", HeaderValue::from_str(&format!("{}, zz", VECTORS[0].2)).unwrap());
            assert_eq!(verify_delivery(&headers, data, key), Err(SignatureError::Mismatch));
        }

        #[test]
        fn malformed_signatures_and_empty_secrets_are_refused() {
            let (key, data, hex, base64) = VECTORS[1];
            for bad in [
                "",
                "sha256=",
                &hex[..62],
                &format!("{hex}00"),
                &hex.replace('5', "g"),
                &base64[..40],
                &format!("{base64}="),
                &base64.replace('W', "*"),
                "sha1=5bdcc146bf60754e6a042426089575c75a003f08",
                "sha256 =5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                "é5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec384",
            ] {
                assert_eq!(verify_signature(key, data, bad), Err(SignatureError::Malformed), "{bad:?}");
            }
            assert_eq!(verify_signature("", data, hex), Err(SignatureError::EmptySecret));
            assert_eq!(verify_signature(&SecretString::new(""), data, hex), Err(SignatureError::EmptySecret));
        }

        #[test]
        fn every_kind_of_secret_gives_the_same_signature() {
            let body = br#"{"event":"event_phone_call_ended"}"#;
            let expected = sign("whsec_1", body);
            assert_eq!(sign(&SecretString::new("whsec_1"), body), expected);
            assert_eq!(sign(&String::from("whsec_1"), body), expected);
            assert_eq!(sign(b"whsec_1".as_slice(), body), expected);
            assert_eq!(sign(&b"whsec_1".to_vec(), body), expected);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhooks::CampaignWebhookEvent;

    /// A campaign webhook's delivery names its webhook by a campaign webhook's id, which the campaign
    /// webhook operations take (an agent webhook's would not compile there).
    #[test]
    fn a_campaign_webhooks_delivery_names_it_by_its_own_kind_of_id() {
        use crate::webhooks::CampaignWebhookId;
        let body = br#"{"event":"campaign.started","webhook_id":"cw-1"}"#;
        let delivery = WebhookDelivery::<CampaignWebhookEvent>::from_slice(body).unwrap();
        let id: Option<CampaignWebhookId> = delivery.webhook_id;
        assert_eq!(id.as_ref().map(CampaignWebhookId::as_str), Some("cw-1"));
    }

    #[test]
    fn a_delivery_that_does_not_fit_is_refused_without_quoting_its_texts() {
        // A receiver logs this error: the call's data (a name, a number, a transcript) stays out of it.
        let body = br#"{"event":"event_phone_call_ended","call_id":"call-1","duration":"Jane Roe, +15557770001"}"#;
        let delivery = WebhookDelivery::<AgentWebhookEvent>::from_slice(body).unwrap();
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Ended {
            duration: u32,
        }
        let err = delivery.payload_as::<Ended>().unwrap_err();
        assert_eq!(err.path, "duration");
        assert!(!format!("{err} {err:?}").contains("Jane"), "{err}");
    }

    #[test]
    fn a_built_delivery_reads_back_as_sent() {
        // A receiver's test: build the delivery its handler gets, send its JSON, decode it.
        let mut payload = Map::new();
        payload.insert("call_id".into(), Value::from("call-1"));
        let mut built = WebhookDelivery::<CampaignWebhookEvent>::new(false, payload);
        built.event = Some(CampaignWebhookEvent::CampaignStarted);
        built.webhook_id = Some("wh-1".into());
        let body = serde_json::to_vec(&built).unwrap();
        // A real event's delivery carries no `test` flag; a test delivery's says `true`.
        assert!(!String::from_utf8_lossy(&body).contains("\"test\""), "{}", String::from_utf8_lossy(&body));
        let read = WebhookDelivery::<CampaignWebhookEvent>::from_slice(&body).unwrap();
        assert_eq!(read, built);
        assert_eq!(read.event_name().as_deref(), Some("campaign.started"));
        assert_eq!(read.payload["call_id"], "call-1");
        assert!(!read.is_test());
        let test = serde_json::to_value(WebhookDelivery::<CampaignWebhookEvent>::new(true, Map::new())).unwrap();
        assert_eq!(test["test"], true);
    }

    #[test]
    fn a_payload_key_naming_a_field_of_the_delivery_is_not_written_again() {
        // Every own field set: the keys written are those `payload` leaves out, no more, no fewer.
        let mut full = WebhookDelivery::<AgentWebhookEvent>::new(true, Map::new());
        full.event = Some(AgentWebhookEvent::PhoneCallEnded);
        full.agent_id = Some("agent-1".into());
        full.agent_name = Some("Ada".into());
        full.webhook_id = Some("wh-1".into());
        full.webhook_name = Some("Hook".into());
        full.timestamp = Some("2024-01-15T10:30:00Z".into());
        let written = serde_json::to_value(&full).unwrap();
        let mut keys: Vec<&str> = written.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut own = OWN_FIELDS;
        own.sort_unstable();
        assert_eq!(keys, own);

        // A payload holding them (a sender copying an event's data whole) writes each once, as the fields
        // say, and reads back; its `"test": true` does not make a real event a test.
        let mut payload = Map::new();
        for key in OWN_FIELDS {
            payload.insert(key.into(), Value::from(true));
        }
        payload.insert("call_id".into(), Value::from("call-1"));
        let mut real = WebhookDelivery::<AgentWebhookEvent>::new(false, payload);
        real.event = Some(AgentWebhookEvent::PhoneCallEnded);
        let body = serde_json::to_string(&real).unwrap();
        assert_eq!(body, r#"{"call_id":"call-1","event":"event_phone_call_ended"}"#);
        let read = WebhookDelivery::<AgentWebhookEvent>::from_slice(body.as_bytes()).unwrap();
        assert!(!read.is_test());
        assert_eq!((read.event, read.payload.len()), (Some(AgentWebhookEvent::PhoneCallEnded), 1));
    }

    #[test]
    fn the_documented_test_payload_decodes() {
        let body = br#"{
            "event": "webhook.test",
            "agent_id": "9fbef0b7-8d4e-4a08-9207-66c22155721d",
            "agent_name": "My Agent",
            "webhook_id": "9fcafbf2-7593-44d6-8cd7-1b221beba62a",
            "webhook_name": "My Webhook",
            "timestamp": "2025-09-03T23:19:51.000Z",
            "test": true
        }"#;
        let delivery: WebhookDelivery = WebhookDelivery::from_slice(body).unwrap();
        assert_eq!(delivery.event, Some(AgentWebhookEvent::Unknown(TEST_EVENT.to_owned())));
        assert_eq!(delivery.agent_id.as_ref().map(AgentId::as_str), Some("9fbef0b7-8d4e-4a08-9207-66c22155721d"));
        assert_eq!(delivery.webhook_name.as_deref(), Some("My Webhook"));
        assert_eq!(delivery.timestamp.as_ref().map(Timestamp::as_str), Some("2025-09-03T23:19:51.000Z"));
        assert!(delivery.test && delivery.is_test());
        assert!(delivery.payload.is_empty());
    }

    #[test]
    fn events_and_new_fields_are_kept() {
        let body = br#"{"event":"event_phone_call_ended","call_id":"call-uuid","duration":45,"brand_new":{"x":[1]}}"#;
        let delivery: WebhookDelivery = WebhookDelivery::from_slice(body).unwrap();
        assert_eq!(delivery.event, Some(AgentWebhookEvent::PhoneCallEnded));
        assert_eq!(delivery.event_name().as_deref(), Some("event_phone_call_ended"));
        assert!(!delivery.is_test());
        assert_eq!(delivery.payload["call_id"], "call-uuid");
        assert_eq!(delivery.payload["duration"], 45);
        assert_eq!(delivery.payload["brand_new"]["x"][0], 1);

        let body = br#"{"event":"event_something_new","timestamp":"2025-01-01T00:00:00Z"}"#;
        let delivery: WebhookDelivery = WebhookDelivery::from_slice(body).unwrap();
        assert_eq!(delivery.event, Some(AgentWebhookEvent::Unknown("event_something_new".to_owned())));

        let body = br#"{"event":"campaign_call.completed","campaign_id":"c-1"}"#;
        let delivery = WebhookDelivery::<CampaignWebhookEvent>::from_slice(body).unwrap();
        assert_eq!(delivery.event, Some(CampaignWebhookEvent::CampaignCallCompleted));
        assert_eq!(delivery.payload["campaign_id"], "c-1");
    }

    #[test]
    fn a_reshaped_delivery_without_an_event_still_decodes() {
        let body = br#"{"call_id":"call-uuid","duration":45}"#;
        let delivery: WebhookDelivery = WebhookDelivery::from_slice(body).unwrap();
        assert_eq!((delivery.event, delivery.test), (None, false));
        assert_eq!(delivery.payload.len(), 2);
    }

    #[test]
    fn a_test_flag_is_read_in_the_shapes_servers_write_it() {
        // A template or an uncast column writes the flag as a number, as text, or as null (not a test): the
        // delivery is read, not refused over its envelope.
        for (flag, test) in [
            ("true", true),
            ("false", false),
            ("null", false),
            ("1", true),
            ("0", false),
            ("\"1\"", true),
            ("\"0\"", false),
            ("\"true\"", true),
            ("\"false\"", false),
        ] {
            let body = format!(r#"{{"event":"event_phone_call_ended","call_id":"call-1","test":{flag}}}"#);
            let delivery = WebhookDelivery::<AgentWebhookEvent>::from_slice(body.as_bytes()).unwrap();
            assert_eq!((delivery.test, delivery.is_test()), (test, test), "{flag}");
            assert_eq!(delivery.event, Some(AgentWebhookEvent::PhoneCallEnded), "{flag}");
            assert!(!delivery.payload.contains_key("test") && delivery.payload["call_id"] == "call-1", "{flag}");
        }
    }

    #[test]
    fn bodies_that_are_not_deliveries_are_errors() {
        for body in [&b""[..], b"null", b"[]", b"\"x\"", b"{", b"{} {}", b"\xff\xfe", br#"{"test":"yes"}"#] {
            assert!(WebhookDelivery::<AgentWebhookEvent>::from_slice(body).is_err(), "{body:?}");
        }
        for body in [&br#"{"test":2}"#[..], br#"{"test":[true]}"#, br#"{"test":{"on":true}}"#, br#"{"test":"TRUE"}"#] {
            let err = WebhookDelivery::<AgentWebhookEvent>::from_slice(body).unwrap_err();
            assert_eq!(err.path, "test", "{err}");
            assert!(err.message.contains("expected a boolean"), "{err}");
        }
        let err = WebhookDelivery::<AgentWebhookEvent>::from_slice(br#"{"agent_id":true}"#).unwrap_err();
        assert!(err.to_string().starts_with("not a webhook delivery"), "{err}");
        // An id written as a number is an id, kept as its digits.
        let numbered = WebhookDelivery::<AgentWebhookEvent>::from_slice(br#"{"agent_id":5}"#).unwrap();
        assert_eq!(numbered.agent_id.as_ref().map(AgentId::as_str), Some("5"));
    }
}
