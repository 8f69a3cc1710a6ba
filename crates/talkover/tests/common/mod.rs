//! What the client tests share: the token, its configuration, JSON answers, and the log of what a transport
//! was sent.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::Value;
use talkover::{ClientConfig, HttpRequest, HttpResponse};

/// The token of the tests' clients.
pub const TOKEN: &str = "talq_test_token_0123456789";

/// The requests a recording transport was sent, in order.
pub type Seen = Arc<Mutex<Vec<HttpRequest>>>;

/// A configuration with [`TOKEN`].
pub fn config() -> ClientConfig {
    ClientConfig::new(TOKEN).unwrap()
}

/// A JSON answer, its body byte for byte.
pub fn json(status: u16, body: &str) -> HttpResponse {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

/// A fixture's `response` (its status and JSON body) as an HTTP answer.
pub fn answer(response: &Value) -> HttpResponse {
    http::Response::builder()
        .status(response["status"].as_u64().unwrap() as u16)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&response["body"]).unwrap())
        .unwrap()
}

/// The query a request sent, its pairs sorted.
pub fn sent_query(request: &HttpRequest) -> Vec<(String, String)> {
    let mut pairs = talkover::encode::parse_query(request.uri().query().unwrap_or(""));
    pairs.sort();
    pairs
}

/// The query a fixture's `request` documents, its pairs sorted.
pub fn documented_query(request: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = request["query"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Query pairs written out, sorted, to compare with [`sent_query`].
pub fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    pairs.sort();
    pairs
}
