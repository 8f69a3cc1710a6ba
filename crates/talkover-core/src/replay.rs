//! A transport that answers from recorded fixtures (the format of the conformance suite), for tests and
//! demos with no network and no token.

use serde_json::Value;

use crate::encode;
use crate::error::{TransportError, TransportErrorKind};
use crate::transport::{BlockingTransport, HttpRequest, HttpResponse, Transport};

/// One recorded exchange.
#[derive(Clone, Debug)]
struct Recorded {
    name: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    status: u16,
    headers: Vec<(String, String)>,
    response: Vec<u8>,
}

/// Answers each request with the recorded response whose request matches it: same method and path, and
/// among those the one whose query and body match best. A request nothing matches gets a `404` whose
/// message names the closest recording, so a test says what it missed.
///
/// Build it from fixture texts you read yourself ([`Replay::from_fixtures`]); the core does no I/O.
#[derive(Clone, Debug, Default)]
pub struct Replay {
    recorded: Vec<Recorded>,
}

impl Replay {
    /// Loads fixtures from `(name, JSON text)` pairs. Fixtures without a recorded exchange (refused
    /// requests) are skipped; a text that is not a fixture is an error naming it.
    pub fn from_fixtures<'a>(fixtures: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, String> {
        let mut recorded = Vec::new();
        for (name, text) in fixtures {
            let value: Value = serde_json::from_str(text).map_err(|e| format!("{name}: {e}"))?;
            let (Some(request), Some(response)) = (value.get("request"), value.get("response")) else {
                continue;
            };
            let text_of = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
            let pairs = |v: Option<&Value>| -> Vec<(String, String)> {
                match v {
                    Some(Value::Array(items)) => items
                        .iter()
                        .filter_map(|pair| match pair.as_array().map(Vec::as_slice) {
                            Some([Value::String(n), Value::String(v)]) => Some((n.clone(), v.clone())),
                            _ => None,
                        })
                        .collect(),
                    Some(Value::Object(map)) => map
                        .iter()
                        .filter_map(|(k, v)| v.as_str().map(|v| (k.to_ascii_lowercase(), v.to_owned())))
                        .collect(),
                    _ => Vec::new(),
                }
            };
            let body = match (response.get("body"), response.get("body_text")) {
                // The recorded text itself, so amounts keep their digits (`250.00`, not `250.0`).
                (Some(_), _) => raw_body(text).map_err(|e| format!("{name}: {e}"))?,
                (None, Some(Value::String(text))) => text.clone().into_bytes(),
                _ => Vec::new(),
            };
            recorded.push(Recorded {
                name: name.to_owned(),
                method: text_of(request, "method").ok_or_else(|| format!("{name}: no request.method"))?,
                path: text_of(request, "path").ok_or_else(|| format!("{name}: no request.path"))?,
                query: pairs(request.get("query")),
                body: request.get("body").filter(|b| !b.is_null()).cloned(),
                status: response.get("status").and_then(Value::as_u64).unwrap_or(200) as u16,
                headers: pairs(response.get("headers")),
                response: body,
            });
        }
        Ok(Self { recorded })
    }

    /// How many exchanges are recorded.
    pub fn len(&self) -> usize {
        self.recorded.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.recorded.is_empty()
    }

    /// The answer to a request.
    pub fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = request.method().as_str();
        let path = request.uri().path();
        let mut query = encode::parse_query(request.uri().query().unwrap_or(""));
        query.sort();
        let body: Option<Value> = serde_json::from_slice(request.body()).ok();
        let score = |r: &Recorded| {
            let mut recorded_query = r.query.clone();
            recorded_query.sort();
            let same_query = recorded_query == query;
            let same_body = r.body == body;
            // Prefer successful answers when several recordings fit equally.
            (same_query as u8) * 4 + (same_body as u8) * 2 + ((200..300).contains(&r.status) as u8)
        };
        let best = self
            .recorded
            .iter()
            .filter(|r| r.method == method && r.path.eq_ignore_ascii_case(path))
            .max_by_key(|r| score(r));
        let (status, headers, body) = match best {
            Some(r) => (r.status, r.headers.clone(), r.response.clone()),
            None => {
                let closest = self
                    .recorded
                    .iter()
                    .max_by_key(|r| common_prefix(&r.path, path) + if r.method == method { 1 } else { 0 })
                    .map(|r| format!("; the closest recording is {} ({} {})", r.name, r.method, r.path))
                    .unwrap_or_default();
                let message = format!("no recorded exchange for {method} {path}{closest}");
                let body = serde_json::json!({ "success": false, "message": message });
                (404, vec![("content-type".to_owned(), "application/json".to_owned())], body.to_string().into_bytes())
            }
        };
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        builder.body(body).map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()))
    }
}

fn raw_body(fixture: &str) -> Result<Vec<u8>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Fixture<'a> {
        #[serde(borrow)]
        response: Response<'a>,
    }
    #[derive(serde::Deserialize)]
    struct Response<'a> {
        #[serde(borrow)]
        body: &'a serde_json::value::RawValue,
    }
    let fixture: Fixture<'_> = serde_json::from_str(fixture)?;
    Ok(fixture.response.body.get().as_bytes().to_vec())
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

impl BlockingTransport for Replay {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.answer(&request)
    }
}

#[async_trait::async_trait]
impl Transport for Replay {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.answer(&request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r#"{
        "operation": "delete-action",
        "params": {"path": {"agent_id": "a", "action_id": "b"}},
        "request": {"method": "DELETE", "path": "/api/v1/agents/a/actions/b", "query": [], "headers": {}, "body": null},
        "response": {"status": 200, "headers": {"content-type": "application/json"}, "body": {"success": true, "message": "deleted"}},
        "expect": {"ok": "strict"}
    }"#;

    fn request(method: &str, uri: &str) -> HttpRequest {
        http::Request::builder().method(method).uri(uri).body(Vec::new()).unwrap()
    }

    #[test]
    fn answers_matching_requests_and_names_the_closest_otherwise() {
        let replay = Replay::from_fixtures([("delete-action/ok.json", FIXTURE)]).unwrap();
        let hit = replay.answer(&request("DELETE", "http://127.0.0.1/api/v1/agents/a/actions/b")).unwrap();
        assert_eq!(hit.status(), 200);
        assert_eq!(hit.body(), br#"{"success": true, "message": "deleted"}"#);
        let miss = replay.answer(&request("DELETE", "http://127.0.0.1/api/v1/agents/a/actions/c")).unwrap();
        assert_eq!(miss.status(), 404);
        assert!(String::from_utf8_lossy(miss.body()).contains("delete-action/ok.json"));
        assert!(Replay::from_fixtures([("bad.json", "{")]).is_err());
    }
}
