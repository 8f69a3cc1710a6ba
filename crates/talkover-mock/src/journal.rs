//! The journal of the API requests the emulator answered, so that a test can see what the code it tests
//! sent: [`crate::Emulator::received`] in process, `GET /_emulator/requests` over HTTP.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use talkover_core::encode;
use talkover_core::record::{self, REDACTED};
use talkover_core::secret::{is_secret_field, redact_credentials, redacted};

use crate::emulator::lock;

/// How many requests the journal keeps: the latest, the oldest leaving as a new one comes.
pub const JOURNAL_LENGTH: usize = 1000;

/// The longest body the journal keeps, in bytes (64 KiB): a longer one is listed with its length alone.
pub const LONGEST_JOURNALED_BODY: usize = 64 * 1024;

/// An API request the emulator answered, as [`crate::Emulator::received`] lists it and
/// `GET /_emulator/requests` writes it (`{"number", "method", "path", "query", "operation", "status",
/// "body", "body_length"}`). No credential is kept: no header at all (the `Authorization` header among
/// them), and in the path, the query and the body the emulator's token, anything shaped as a Talkover
/// token, and the value of every field or query parameter named as a credential (`webhook_secret`,
/// `api_key`, …, as `talkover_core::secret::is_secret_field` names them) are `[redacted]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// Its number, which its answer's `X-Request-Id` carries (`mock-7` is 7).
    pub number: u64,
    /// Its method (`POST`).
    pub method: String,
    /// Its path as sent, without the query (`/api/v1/agents/550e8400-e29b-41d4-a716-446655440000/call`).
    pub path: String,
    /// Its query as sent, without the `?` (`status=draft&page=2`); `None` when it had none.
    pub query: Option<String>,
    /// The id of the operation its method and path reach (`make-call`), whatever its answer; `None` for a
    /// path or method no operation has.
    pub operation: Option<String>,
    /// The status it was answered with (`201`; `401` for a token refused, `429`, an injected `500`, …).
    pub status: u16,
    /// Its body as JSON text, when it was JSON of at most [`LONGEST_JOURNALED_BODY`] bytes (credentials
    /// hidden, written compactly); `None` otherwise (no body, a body that is no JSON, a longer one, or one
    /// not read). Kept as text, which takes about as much memory as the body did: [`ReceivedRequest::body`]
    /// reads it.
    #[serde(rename = "body")]
    pub body_json: Option<Box<RawValue>>,
    /// How many bytes of body were read: 0 for none, and for a body not read (one declared too large, or a
    /// request refused before the API for its `Host` or `Origin`).
    pub body_length: usize,
}

impl ReceivedRequest {
    /// The entry of request `number` (`method`, `uri`, `body` as read) reaching `operation`, answered with
    /// `status`, with its credentials and `tokens` (the emulator's own) hidden.
    pub(crate) fn new(
        number: u64,
        method: &http::Method,
        uri: &http::Uri,
        body: &[u8],
        operation: Option<&str>,
        status: u16,
        tokens: &[&str],
    ) -> Self {
        let hidden = |text: &str| redact_credentials(&redacted(text, tokens)).into_owned();
        let kept = (body.len() <= LONGEST_JOURNALED_BODY)
            .then(|| serde_json::from_slice::<Value>(body).ok())
            .flatten()
            .and_then(|mut json| {
                for token in tokens {
                    record::redact(&mut json, Some(token));
                }
                hide_credentials_in_strings(&mut json);
                serde_json::value::to_raw_value(&json).ok()
            });
        Self {
            number,
            method: method.as_str().to_owned(),
            path: hidden(uri.path()),
            query: uri.query().map(|query| hidden(&without_secret_values(query))),
            operation: operation.map(str::to_owned),
            status,
            body_json: kept,
            body_length: body.len(),
        }
    }

    /// Its body, read as JSON ([`ReceivedRequest::body_json`]); `None` without one.
    pub fn body(&self) -> Option<Value> {
        self.body_json.as_deref().and_then(|raw| serde_json::from_str(raw.get()).ok())
    }
}

/// Every string of `json` without credential-like text (`Bearer …`, a Talkover token), as the path and the
/// query are: a credential under a name no rule knows (`"note": "Bearer …"`).
fn hide_credentials_in_strings(json: &mut Value) {
    match json {
        Value::String(text) => {
            if let std::borrow::Cow::Owned(hidden) = redact_credentials(text) {
                *text = hidden;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(hide_credentials_in_strings),
        Value::Object(fields) => fields.values_mut().for_each(hide_credentials_in_strings),
        _ => {}
    }
}

/// `query` with the value of each parameter named as a credential replaced by `[redacted]`.
fn without_secret_values(query: &str) -> String {
    let pair = |pair: &str| {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        let secret = encode::parse_query(name).first().is_some_and(|(decoded, _)| is_secret_field(decoded));
        if secret {
            format!("{name}={REDACTED}")
        } else {
            pair.to_owned()
        }
    };
    query.split('&').map(pair).collect::<Vec<_>>().join("&")
}

/// The latest [`JOURNAL_LENGTH`] requests, oldest first.
#[derive(Default)]
pub(crate) struct Journal {
    entries: Mutex<VecDeque<ReceivedRequest>>,
}

impl Journal {
    /// Adds a request, the oldest leaving when the journal is full.
    pub(crate) fn keep(&self, entry: ReceivedRequest) {
        let mut entries = lock(&self.entries);
        if entries.len() >= JOURNAL_LENGTH {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// The requests kept, in the order they came (by number; a slow answer is kept when it is given).
    pub(crate) fn entries(&self) -> Vec<ReceivedRequest> {
        in_order(lock(&self.entries).iter().cloned().collect())
    }

    /// Empties the journal, answering what it held, in the order the requests came.
    pub(crate) fn take(&self) -> Vec<ReceivedRequest> {
        let taken = lock(&self.entries).drain(..).collect();
        in_order(taken)
    }
}

/// `entries` by number: the order the requests came in.
fn in_order(mut entries: Vec<ReceivedRequest>) -> Vec<ReceivedRequest> {
    entries.sort_by_key(|entry| entry.number);
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request answered late (a test-webhook waiting for its delivery) is listed where it came, not
    /// where it was answered.
    #[test]
    fn requests_are_listed_in_the_order_they_came() {
        let journal = Journal::default();
        let uri: http::Uri = "/api/v1/agents".parse().unwrap();
        for number in [2, 3, 1] {
            journal.keep(ReceivedRequest::new(number, &http::Method::GET, &uri, b"", None, 200, &["talq_t0ken_test"]));
        }
        let numbers = |entries: Vec<ReceivedRequest>| entries.iter().map(|e| e.number).collect::<Vec<_>>();
        assert_eq!(numbers(journal.entries()), [1, 2, 3]);
        assert_eq!(numbers(journal.take()), [1, 2, 3]);
        assert!(journal.entries().is_empty());
    }

    /// A credential under a name no rule knows is hidden in the body as in the path and the query.
    #[test]
    fn a_token_in_free_text_is_hidden() {
        let uri: http::Uri = "/api/v1/agents?note=talq_live_abcdef123456".parse().unwrap();
        let body = br#"{"name":"Ann","note":"use talq_live_abcdef123456, or 42|AbCdEfGh1234"}"#;
        let entry = ReceivedRequest::new(1, &http::Method::POST, &uri, body, None, 201, &["talq_t0ken_test"]);
        let json = serde_json::to_string(&entry).unwrap();
        assert!(!json.contains("abcdef123456") && !json.contains("AbCdEfGh1234"), "{json}");
        assert_eq!(entry.body().map(|b| b["name"].clone()), Some(Value::from("Ann")));
        let read: ReceivedRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(read.body(), entry.body(), "read back from the HTTP control's JSON");
    }
}
