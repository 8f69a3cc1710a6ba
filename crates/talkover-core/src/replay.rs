//! A transport that answers from recorded fixtures (the format of the conformance suite), for tests and
//! demos with no network and no token.

use std::sync::{Mutex, PoisonError};

use serde_json::Value;

use crate::encode;
use crate::error::{TransportError, TransportErrorKind};
use crate::fixture::{json_diff, pair_differences, Fixture, Nulls};
use crate::secret::{self, hide_secret_fields, SecretString};
use crate::transport::{BlockingTransport, HttpRequest, HttpResponse, Transport};

/// Answers each request with a recorded response whose request is that request: the same method and
/// path, the same query pairs (in any order), the same JSON body (`null` and absent distinct, as the
/// fixture format compares request bodies) and the headers the recording lists (but `authorization`:
/// a replay takes any token). A request nothing recorded matches fails as a [`TransportError`] of kind
/// [`NotRecorded`](TransportErrorKind::NotRecorded) (nothing was sent, and trying again cannot help, so
/// no client retries it) whose message names the closest recording and what differs (its query, the
/// body's first differences by JSON path, a header; secret fields are not compared, as a recording holds
/// them redacted), so a test that sends the wrong number or drops a
/// field fails and says why: never an answer of the API's, which code under test could take for one (a
/// 404 read as "already gone").
///
/// Recordings of the same request answer in the order they were given, each once, the last one then
/// answering every further time: a recorded 429 followed by the recorded success answers a call and its
/// retry as the API did, and a single recording answers as often as it is asked. Clones of a replay
/// each go on from where the original was; [`unplayed`](Replay::unplayed) names the recordings not yet
/// asked for, for a test that checks its code made every call it recorded.
///
/// Build it from fixture texts you read yourself ([`Replay::from_fixtures`]; a [`Recording`]'s
/// `take()` gives them in the order they were recorded), or from a folder with [`fixture::read_dir`](crate::fixture::read_dir)
/// (sorted by file name).
///
/// [`Recording`]: crate::record::Recording
#[derive(Debug, Default)]
pub struct Replay {
    recorded: Vec<Fixture>,
    /// Whether each recording has answered.
    played: Mutex<Vec<bool>>,
}

impl Clone for Replay {
    fn clone(&self) -> Self {
        Self { recorded: self.recorded.clone(), played: Mutex::new(self.played().clone()) }
    }
}

impl Replay {
    /// Loads fixtures from `(name, JSON text)` pairs, as [`fixture::read_dir`](crate::fixture::read_dir) or a [`Recording`]'s
    /// `take()` gives them. Fixtures without a recorded exchange (refused requests) are skipped; a text
    /// that is not a fixture is an error naming it.
    ///
    /// [`Recording`]: crate::record::Recording
    pub fn from_fixtures<N: AsRef<str>, T: AsRef<str>>(
        fixtures: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Self, String> {
        let mut recorded = Fixture::parse_all(fixtures)?;
        recorded.retain(|f| f.exchange().is_some());
        // A recording holds secret fields redacted; a hand-written one may hold a value: neither is
        // compared, nor said in a miss's message.
        for body in recorded.iter_mut().filter_map(|f| f.request.as_mut()?.body.as_mut()) {
            hide_secret_fields(body, &[]);
        }
        let played = Mutex::new(vec![false; recorded.len()]);
        Ok(Self { recorded, played })
    }

    /// How many exchanges are recorded.
    pub fn len(&self) -> usize {
        self.recorded.len()
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.recorded.is_empty()
    }

    /// The names of the recordings that have not answered yet, in the order given.
    pub fn unplayed(&self) -> Vec<&str> {
        let played = self.played();
        self.recorded.iter().zip(played.iter()).filter(|(_, played)| !**played).map(|(f, _)| f.name.as_str()).collect()
    }

    fn played(&self) -> std::sync::MutexGuard<'_, Vec<bool>> {
        // Nothing panics while holding it; a poisoned lock still holds whole flags.
        self.played.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer to a request.
    ///
    /// # Errors
    ///
    /// A [`TransportError`] of kind [`NotRecorded`](TransportErrorKind::NotRecorded) when nothing recorded matches,
    /// naming the closest recording and what differs.
    pub fn answer(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let sent = Sent::of(request);
        let same_route: Vec<usize> =
            (0..self.recorded.len()).filter(|&i| self.recorded[i].fits(&sent.method, &sent.path)).collect();
        let matching: Vec<usize> =
            same_route.iter().copied().filter(|&i| sent.differences(&self.recorded[i]).is_empty()).collect();
        let Some(&last) = matching.last() else {
            let message =
                format!("no recorded exchange for {} {}{}", sent.method, sent.path, self.closest(&sent, &same_route));
            return Err(TransportError::new(TransportErrorKind::NotRecorded, message));
        };
        let chosen = {
            let mut played = self.played();
            let chosen = matching.iter().copied().find(|&i| !played[i]).unwrap_or(last);
            played[chosen] = true;
            chosen
        };
        let response = self.recorded[chosen].response.as_ref().expect("only exchanges are kept");
        response.to_http().map_err(|e| TransportError::new(TransportErrorKind::Other, e))
    }

    /// What a miss's message adds: the recording of the same method and path that differs least, and how
    /// it differs; without one, the recording whose path is the closest.
    fn closest(&self, sent: &Sent, same_route: &[usize]) -> String {
        let nearest = same_route
            .iter()
            .map(|&i| (&self.recorded[i], sent.differences(&self.recorded[i])))
            .min_by_key(|(_, differences)| differences.len());
        if let Some((fixture, differences)) = nearest {
            return format!("; the closest recording, {}, differs: {}", fixture.name, differences.join("; "));
        }
        self.recorded
            .iter()
            .filter_map(|f| Some((f, f.request.as_ref()?)))
            .max_by_key(|(_, r)| common_prefix(&r.path, &sent.path) + usize::from(r.method == sent.method))
            .map(|(f, r)| format!("; the closest recording is {} ({} {})", f.name, r.method, r.path))
            .unwrap_or_default()
    }
}

/// A request as a recording is compared with it.
struct Sent {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    /// The body read as JSON; `Err` holding its length when it is not JSON.
    body: Result<Option<Value>, usize>,
    headers: Vec<(String, String)>,
}

/// How many of a body's differences a miss's message names.
const DIFFERENCES_SAID: usize = 3;

impl Sent {
    fn of(request: &HttpRequest) -> Self {
        // What a recorder hides of a request, hidden here too before comparing (and so never said): its
        // secret fields, and their values and the token wherever else they stand (a URL holding a key).
        let token = request.headers().get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let token = token.and_then(|v| v.strip_prefix("Bearer ")).map(str::trim).filter(|t| !t.is_empty());
        let mut carried = secret::secrets_in_json(request.body());
        carried.extend(token.map(SecretString::new));
        let secrets: Vec<&str> = carried.iter().map(SecretString::expose_secret).collect();
        let body = match request.body().as_slice() {
            [] => Ok(None),
            bytes => serde_json::from_slice::<Value>(bytes).map_err(|_| bytes.len()).map(|mut body| {
                hide_secret_fields(&mut body, &secrets);
                Some(body).filter(|body| !body.is_null())
            }),
        };
        let mut query = encode::parse_query(request.uri().query().unwrap_or(""));
        for (_, value) in &mut query {
            secret::hide_in(value, &secrets);
        }
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        Self {
            method: request.method().as_str().to_owned(),
            path: request.uri().path().to_owned(),
            query,
            body,
            headers,
        }
    }

    /// How a recording of the same method and path differs from this request, one phrase each; empty when
    /// it is this request.
    fn differences(&self, fixture: &Fixture) -> Vec<String> {
        let Some(recorded) = fixture.request.as_ref() else { return vec!["it records no request".to_owned()] };
        let mut out = Vec::new();
        let (missing, unexpected) = pair_differences(&recorded.query, &self.query);
        if !missing.is_empty() || !unexpected.is_empty() {
            out.push(format!("its query is {}, this one's {}", pairs(&recorded.query), pairs(&self.query)));
        }
        match (&recorded.body, &self.body) {
            (_, Err(len)) => out.push(format!("this request's body ({len} bytes) is no JSON")),
            (None, Ok(None)) => {}
            (Some(_), Ok(None)) => out.push("it records a body, this request has none".to_owned()),
            (None, Ok(Some(_))) => out.push("this request has a body, it records none".to_owned()),
            (Some(expected), Ok(Some(actual))) => {
                let diff = json_diff(expected, actual, Nulls::Distinct);
                if !diff.is_empty() {
                    let more = diff.len().saturating_sub(DIFFERENCES_SAID);
                    let mut said: Vec<&str> = diff.iter().take(DIFFERENCES_SAID).map(String::as_str).collect();
                    let tail = format!("{more} more");
                    if more > 0 {
                        said.push(&tail);
                    }
                    out.push(format!("body {}", said.join(", ")));
                }
            }
        }
        for (name, value) in &recorded.headers {
            if name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            let mut sent = self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
            // What was sent instead is not said: a header may hold a credential.
            if !sent.clone().any(|v| v == value) {
                let sent = if sent.next().is_some() { "another value" } else { "none" };
                out.push(format!("header `{name}`: it records {value:?}, this request sent {sent}"));
            }
        }
        out
    }
}

/// Query pairs as a query string is written, for a message (`none` for no pair).
fn pairs(query: &[(String, String)]) -> String {
    if query.is_empty() {
        return "empty".to_owned();
    }
    query.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("&")
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

    /// A create-webhook exchange: its body with a secret (redacted, as a recording holds it), answered
    /// with `status`.
    fn create_webhook(status: u16, secret: &str, url: &str) -> String {
        let answer = if status < 300 {
            r#"{"success": true, "data": {"id": 7, "name": "Calls"}}"#
        } else {
            r#"{"success": false, "message": "Too many requests"}"#
        };
        format!(
            r#"{{"operation": "create-webhook",
                "params": {{"path": {{"agent_id": "a"}}, "query": {{"dry": "no"}}}},
                "request": {{"method": "POST", "path": "/api/v1/agents/a/webhooks", "query": [["dry", "no"]],
                    "headers": {{"content-type": "application/json", "authorization": "Bearer talq_recorded"}},
                    "body": {{"name": "Calls", "webhook_url": "{url}", "webhook_secret": "{secret}"}}}},
                "response": {{"status": {status}, "headers": {{"content-type": "application/json"}}, "body": {answer}}},
                "expect": {{"ok": "strict"}}}}"#
        )
    }

    fn post(uri: &str, body: &str, content_type: &str) -> HttpRequest {
        http::Request::builder()
            .method("POST")
            .uri(uri)
            .header("content-type", content_type)
            .header("authorization", "Bearer talq_other")
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    const WEBHOOKS: &str = "http://127.0.0.1/api/v1/agents/a/webhooks?dry=no";
    const SENT: &str =
        r#"{"webhook_url": "https://example.com/hook", "name": "Calls", "webhook_secret": "whsec_live_1"}"#;

    #[test]
    fn a_request_is_answered_only_by_a_recording_of_that_request_and_a_miss_says_what_differs() {
        let recorded = create_webhook(201, crate::record::REDACTED, "https://example.com/hook");
        let replay = Replay::from_fixtures([("create-webhook/ok.json", recorded.as_str())]).unwrap();
        // The same request, another token and secret, keys in another order: answered.
        assert_eq!(replay.answer(&post(WEBHOOKS, SENT, "application/json")).unwrap().status(), 201);

        let other_url = SENT.replace("example.com", "example.org");
        let miss = replay.answer(&post(WEBHOOKS, &other_url, "application/json")).unwrap_err();
        assert_eq!(miss.kind(), TransportErrorKind::NotRecorded);
        let said = miss.to_string();
        assert!(said.contains("create-webhook/ok.json") && said.contains("$.webhook_url"), "{said}");
        assert!(said.contains("https://example.org/hook"), "{said}");

        let other_query = WEBHOOKS.replace("dry=no", "dry=yes");
        let said = replay.answer(&post(&other_query, SENT, "application/json")).unwrap_err().to_string();
        assert!(said.contains("its query is dry=no, this one's dry=yes"), "{said}");

        let said = replay.answer(&post(WEBHOOKS, SENT, "text/plain")).unwrap_err().to_string();
        assert!(said.contains("header `content-type`"), "{said}");

        let without_url = r#"{"name": "Calls", "webhook_secret": "whsec_live_2"}"#;
        let said = replay.answer(&post(WEBHOOKS, without_url, "application/json")).unwrap_err().to_string();
        assert!(said.contains("$.webhook_url"), "{said}");
        // Secrets are neither compared nor said.
        assert!(!said.contains("whsec_live"), "{said}");
    }

    #[test]
    fn a_secret_the_recorder_hid_inside_another_field_is_hidden_before_comparing() {
        let redacted = crate::record::REDACTED;
        let recorded = create_webhook(201, redacted, &format!("https://example.com/hook?key={redacted}"));
        let replay = Replay::from_fixtures([("create-webhook/ok.json", recorded)]).unwrap();
        let sent = r#"{"name": "Calls", "webhook_url": "https://example.com/hook?key=whsec_live_ABC123",
                       "webhook_secret": "whsec_live_ABC123"}"#;
        assert_eq!(replay.answer(&post(WEBHOOKS, sent, "application/json")).unwrap().status(), 201);
        let other = sent.replace("example.com", "example.org");
        let said = replay.answer(&post(WEBHOOKS, &other, "application/json")).unwrap_err().to_string();
        assert!(said.contains("example.org") && !said.contains("whsec_live"), "{said}");
    }

    #[test]
    fn recordings_of_one_request_answer_in_turn_the_last_one_then_again() {
        let limited = create_webhook(429, "x", "https://example.com/hook");
        let created = create_webhook(201, "y", "https://example.com/hook");
        let replay =
            Replay::from_fixtures([("create-webhook/429.json", limited), ("create-webhook/ok.json", created)]).unwrap();
        assert_eq!(replay.unplayed(), ["create-webhook/429.json", "create-webhook/ok.json"]);
        let status = |replay: &Replay| replay.answer(&post(WEBHOOKS, SENT, "application/json")).unwrap().status();
        assert_eq!(status(&replay), 429);
        // A clone goes on from where its original was, on its own.
        let clone = replay.clone();
        assert_eq!(replay.unplayed(), ["create-webhook/ok.json"]);
        assert_eq!([status(&replay), status(&replay)], [201, 201]);
        assert!(replay.unplayed().is_empty());
        assert_eq!(clone.unplayed(), ["create-webhook/ok.json"]);
        assert_eq!(status(&clone), 201);
    }
}
