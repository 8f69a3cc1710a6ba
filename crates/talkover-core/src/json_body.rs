//! An answer's body as JSON text and as a JSON value, read the same way by the error model, the decoding of
//! a success and the rate-limit reading of a body.

use serde_json::Value;

/// An answer's body without one leading UTF-8 byte-order mark, which some servers and proxies write before
/// the JSON and serde_json refuses. Every reading of an answer's body, success or error, goes through it.
pub(crate) fn json_text(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

/// An answer's body as JSON, when it is JSON (after a byte-order mark, see [`json_text`]). A byte that is
/// not UTF-8 (a message written in Latin-1 by a misconfigured server or proxy) is read as U+FFFD, so that
/// the rest of the answer, its code and message, is still read.
pub(crate) fn answer_json(body: &[u8]) -> Option<Value> {
    let text = json_text(body);
    match serde_json::from_slice(text) {
        Ok(value) => Some(value),
        Err(_) if std::str::from_utf8(text).is_err() => serde_json::from_str(&String::from_utf8_lossy(text)).ok(),
        Err(_) => None,
    }
}

/// The `details` of an error body: under `error` (`{"error": {"details": {..}}}`, make-call's 400 and 429),
/// else at the top (`{"details": {..}}`, test-auto-topup's 402). The error model and the rate-limit reading
/// of a body both find it here.
pub(crate) fn error_details(body: &serde_json::Map<String, Value>) -> Option<&Value> {
    body.get("error").and_then(|e| e.get("details")).or_else(|| body.get("details"))
}
