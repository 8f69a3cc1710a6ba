//! A transport that answers from recorded fixtures (the format of the conformance suite), for tests and
//! demos with no network and no token.

use serde_json::Value;

use crate::encode;
use crate::error::{TransportError, TransportErrorKind};
use crate::fixture::{self, Fixture};
use crate::transport::{BlockingTransport, HttpRequest, HttpResponse, Transport};

/// Answers each request with the recorded response whose request matches it: same method and path, and
/// among those the one whose query and body match best ([`fixture::best_match`]; the latest recording
/// among equals). A request nothing matches fails as a [`TransportError`] of kind
/// [`NotRecorded`](TransportErrorKind::NotRecorded) (nothing was sent, and trying again cannot help, so
/// no client retries it) whose message names the closest recording, so a test says what it missed: not
/// an answer of the API's, which code under test could take for one (a 404 read as "already gone").
///
/// Build it from fixture texts you read yourself ([`Replay::from_fixtures`]), or from a folder with
/// [`fixture::read_dir`].
#[derive(Clone, Debug, Default)]
pub struct Replay {
    recorded: Vec<Fixture>,
}

impl Replay {
    /// Loads fixtures from `(name, JSON text)` pairs. Fixtures without a recorded exchange (refused
    /// requests) are skipped; a text that is not a fixture is an error naming it.
    pub fn from_fixtures<'a>(fixtures: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, String> {
        let mut recorded = Fixture::parse_all(fixtures)?;
        recorded.retain(|f| f.exchange().is_some());
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
    ///
    /// # Errors
    ///
    /// A [`TransportError`] of kind [`NotRecorded`](TransportErrorKind::NotRecorded) when nothing recorded matches,
    /// naming the closest recording.
    pub fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = request.method().as_str();
        let path = request.uri().path();
        let query = encode::parse_query(request.uri().query().unwrap_or(""));
        let body: Option<Value> = serde_json::from_slice(request.body()).ok();
        let fitting = self.recorded.iter().rev().filter(|f| f.fits(method, path));
        let Some(response) = fixture::best_match(fitting, &query, body.as_ref()).and_then(|f| f.response.as_ref())
        else {
            let closest = self
                .recorded
                .iter()
                .filter_map(|f| Some((f, f.request.as_ref()?)))
                .max_by_key(|(_, r)| common_prefix(&r.path, path) + usize::from(r.method == method))
                .map(|(f, r)| format!("; the closest recording is {} ({} {})", f.name, r.method, r.path))
                .unwrap_or_default();
            let message = format!("no recorded exchange for {method} {path}{closest}");
            return Err(TransportError::new(TransportErrorKind::NotRecorded, message));
        };
        response.to_http().map_err(|e| TransportError::new(TransportErrorKind::Other, e))
    }
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
        // A miss is no answer of the API's: code under test must not read it as a 404 ("already gone").
        let miss = replay.answer(&request("DELETE", "http://127.0.0.1/api/v1/agents/a/actions/c")).unwrap_err();
        assert_eq!(miss.kind(), TransportErrorKind::NotRecorded);
        assert!(miss.certainly_not_sent() && miss.status().is_none(), "{miss}");
        assert!(
            miss.to_string().contains("no recorded exchange for DELETE")
                && miss.to_string().contains("delete-action/ok.json")
        );
        assert!(Replay::from_fixtures([("bad.json", "{")]).is_err());
    }
}
