//! Plain HTTP to the emulator, for bodies the SDK would refuse to send.

use serde_json::Value;
use talkover_mock::Server;

/// Sends `body` (JSON text) with `method` to `path` below the base URL; the status and the JSON answer.
pub fn send(server: &Server, method: &str, path: &str, body: &str) -> (u16, Value) {
    send_as(server, server.token(), method, path, body)
}

/// [`send`] with another bearer token.
pub fn send_as(server: &Server, token: &str, method: &str, path: &str, body: &str) -> (u16, Value) {
    exchange(server, token, method, path, Some("application/json"), body.as_bytes().to_vec())
}

/// [`send_as`] of any bytes, sent with `content_type` (or none).
pub fn exchange(
    server: &Server,
    token: &str,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Value) {
    let mut request = http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", server.base_url()))
        .header("authorization", format!("Bearer {token}"));
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    answered(request.body(body).expect("a request"))
}

/// Sends `body` with `method` to one of the emulator's controls (`/_emulator/faults`, outside the API: no
/// token); the status and the JSON answer.
pub fn control(server: &Server, method: &str, path: &str, body: &str) -> (u16, Value) {
    let uri = format!("http://{}{path}", server.addr());
    answered(http::Request::builder().method(method).uri(uri).body(body.as_bytes().to_vec()).expect("a request"))
}

/// The status and the JSON answer (`null` for none) of `request`, sent over plain HTTP.
fn answered(request: http::Request<Vec<u8>>) -> (u16, Value) {
    let transport = talkover_ureq::UreqTransport::new();
    let response = talkover::BlockingTransport::send(&transport, request).expect("an answer");
    let status = response.status().as_u16();
    (status, serde_json::from_slice(response.body()).unwrap_or(Value::Null))
}

/// The field names of a 422 answer's `errors`, sorted.
pub fn error_fields(body: &Value) -> Vec<String> {
    body["errors"].as_object().map(|e| e.keys().cloned().collect()).unwrap_or_default()
}
