//! The recorded fixtures the emulator answers the operations it does not model from, and the documented
//! bodies it borrows for its own answers (401s, 404s, 429s).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use talkover_core::encode;
use talkover_core::fixture::{self, Fixture, RecordedBody};
use talkover_core::operation::{Output, ResponseBody};
use talkover_core::{ListEnvelope, Operation};

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// What a replayed exchange answers.
#[derive(Clone, Debug)]
pub(crate) struct Replayed {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// The fixtures with a recorded exchange, by operation id. They never change once read, so emulators
/// share them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    by_operation: Arc<HashMap<String, Vec<Fixture>>>,
    count: usize,
}

impl Catalog {
    /// The fixtures built into the emulator, read once per process.
    pub(crate) fn embedded() -> Self {
        static EMBEDDED_CATALOG: OnceLock<Catalog> = OnceLock::new();
        EMBEDDED_CATALOG
            .get_or_init(|| Self::from_texts(EMBEDDED.iter().copied()).expect("the embedded fixtures are valid"))
            .clone()
    }

    /// Every `*.json` below `dir`.
    pub(crate) fn from_dir(dir: &Path) -> Result<Self, String> {
        let texts = fixture::read_dir(dir)?;
        if texts.is_empty() {
            return Err(format!("no fixture (*.json) below {}", dir.display()));
        }
        Self::from_texts(texts)
    }

    /// Fixtures from `(name, JSON text)` pairs. Fixtures without a recorded exchange are skipped.
    pub(crate) fn from_texts<N: AsRef<str>, T: AsRef<str>>(
        texts: impl IntoIterator<Item = (N, T)>,
    ) -> Result<Self, String> {
        let (mut by_operation, mut count) = (HashMap::<String, Vec<Fixture>>::new(), 0);
        for fixture in Fixture::parse_all(texts)? {
            if fixture.exchange().is_none() {
                continue;
            }
            by_operation.entry(fixture.operation.clone()).or_default().push(fixture);
            count += 1;
        }
        for fixtures in by_operation.values_mut() {
            fixtures.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(Self { by_operation: Arc::new(by_operation), count })
    }

    /// How many exchanges are recorded.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The recorded fixtures of an operation.
    pub(crate) fn of(&self, operation: &str) -> &[Fixture] {
        self.by_operation.get(operation).map(Vec::as_slice).unwrap_or_default()
    }

    /// The documented error body of an operation for a status: with a `hint` (`agent`, `webhook-not-found`,
    /// …), the one whose case name holds it, else the one whose message or code says it
    /// (`"Webhook not found."`, `WEBHOOK_NOT_FOUND`), so that fixtures named otherwise (a folder given with
    /// `--fixtures`) are found as well; without a hint, the first.
    pub(crate) fn documented_error(&self, operation: &str, status: u16, hint: Option<&str>) -> Option<Value> {
        let candidates: Vec<(&Fixture, &Value)> = self
            .of(operation)
            .iter()
            .filter(|f| status_of(f) == status)
            .filter_map(|f| Some((f, f.response.as_ref()?.body.json()?)))
            .collect();
        let chosen = match hint {
            Some(hint) => candidates
                .iter()
                .find(|(f, _)| f.name.contains(hint))
                .or_else(|| candidates.iter().find(|(_, body)| says(body, hint))),
            None => candidates.first(),
        }?;
        Some(chosen.1.clone())
    }

    /// The first successful JSON body recorded for an operation.
    pub(crate) fn documented_success(&self, operation: &str) -> Option<&Value> {
        self.documented_json(operation).map(|(value, _)| value)
    }

    /// The first successful JSON body recorded for an operation, as a value and as its recorded text.
    fn documented_json(&self, operation: &str) -> Option<(&Value, &str)> {
        self.of(operation).iter().filter(|f| f.successful()).find_map(|f| match &f.response.as_ref()?.body {
            RecordedBody::Json { value, text } => Some((value, text.as_str())),
            _ => None,
        })
    }

    /// The answer of `O`'s first successful example, read as `O`'s own response type and given as a
    /// client's call of `O` returns it ([`Output`]: the envelope's data, a [`Page`](talkover_core::Page));
    /// `None` when there is none or it does not read. Read from the body's text as recorded, not from its
    /// JSON value, so that an amount keeps its digits (`1.00` is seeded, and answered, as `1.00`, not
    /// `1.0`).
    pub(crate) fn documented<O: Operation>(&self) -> Option<Output<O>> {
        let (_, text) = self.documented_json(O::ID)?;
        serde_json::from_str::<O::Response>(text).ok().map(ResponseBody::into_output)
    }

    /// The items of list operation `O`'s first successful example; none when there is none or it does not
    /// read.
    pub(crate) fn documented_items<O, T>(&self) -> Vec<T>
    where
        O: Operation<Response = ListEnvelope<T>>,
        T: DeserializeOwned + Serialize,
    {
        self.documented::<O>().map(|page| page.items).unwrap_or_default()
    }

    /// The body of the first successful example request of an operation.
    pub(crate) fn documented_request_body(&self, operation: &str) -> Option<&Map<String, Value>> {
        self.documented_request_bodies(operation).next()
    }

    /// The bodies of the successful example requests of an operation, in the catalog's order: for a body
    /// whose `type` picks its fields (an availability rule), one example of each kind.
    pub(crate) fn documented_request_bodies<'a>(
        &'a self,
        operation: &str,
    ) -> impl Iterator<Item = &'a Map<String, Value>> + 'a {
        self.of(operation).iter().filter(|f| f.successful()).filter_map(|f| f.params.body.as_ref()?.as_object())
    }

    /// The query of the operation's first successful example, as the query string carries it: each
    /// parameter whose documented value is one text, number or boolean (a list is left out).
    pub(crate) fn documented_query(&self, operation: &str) -> Vec<(String, String)> {
        let query = self.of(operation).iter().filter(|f| f.successful()).find_map(|f| f.params.query.as_ref());
        let Some(Value::Object(query)) = query else { return Vec::new() };
        let text = |value: &Value| match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
            _ => None,
        };
        query.iter().filter_map(|(name, value)| Some((name.clone(), text(value)?))).collect()
    }

    /// Whether a fixture of the operation was recorded for exactly this path.
    pub(crate) fn has_path(&self, operation: &str, path: &str) -> bool {
        self.of(operation).iter().any(|f| recorded_for(f, path))
    }

    /// Answers a request from the operation's fixtures.
    ///
    /// A fixture recorded for the same path wins, the one whose query and body match best (successful
    /// answers first among equals). Otherwise the best successful fixture of the operation answers, with
    /// the recorded path parameters replaced by the request's wherever they appear in the body, so that a
    /// documented example answers for the caller's own ids. Answers the emulator makes itself (401, 429,
    /// 5xx) are never replayed.
    pub(crate) fn replay(
        &self,
        operation: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        path_params: &Map<String, Value>,
    ) -> Option<Replayed> {
        let usable: Vec<&Fixture> =
            self.of(operation).iter().filter(|f| !matches!(status_of(f), 401 | 429 | 500..)).collect();
        let same_path = usable.iter().copied().filter(|f| recorded_for(f, path));
        if let Some(fixture) = fixture::best_match(same_path, query, body) {
            return Some(answer(fixture, &[]));
        }
        let fixture = fixture::best_match(usable.iter().copied().filter(|f| f.successful()), query, body)?;
        let replacements: Vec<(String, String)> = fixture
            .params
            .path
            .iter()
            .filter_map(|(name, recorded)| {
                let recorded = recorded.as_str()?;
                let wanted = path_params.get(name)?.as_str()?;
                (recorded != wanted && !recorded.is_empty()).then(|| (recorded.to_owned(), wanted.to_owned()))
            })
            .collect();
        Some(answer(fixture, &replacements))
    }
}

/// Whether the fixture's request went to this path (compared as the format compares `request.path`, a
/// UUID in either case: the emulator reads a request's in lower case).
fn recorded_for(fixture: &Fixture, path: &str) -> bool {
    fixture.request.as_ref().is_some_and(|r| fixture::same_path(&crate::emulator::lower_uuids(&r.path), path))
}

/// Whether an error body's message or code says `hint` (`webhook-not-found`: "Webhook not found.",
/// `WEBHOOK_NOT_FOUND`), whether it stands at the top level or under `error`.
fn says(body: &Value, hint: &str) -> bool {
    let (words, code) = (hint.replace('-', " "), hint.replace('-', "_"));
    [body, body.get("error").unwrap_or(&Value::Null)].iter().any(|part| {
        let text = |key: &str| part.get(key).and_then(Value::as_str).map(str::to_lowercase);
        text("message").is_some_and(|m| m.contains(&words)) || text("code").is_some_and(|c| c.contains(&code))
    })
}

fn status_of(fixture: &Fixture) -> u16 {
    fixture.response.as_ref().map_or(0, |r| r.status)
}

fn answer(fixture: &Fixture, replacements: &[(String, String)]) -> Replayed {
    let Some(response) = &fixture.response else {
        return Replayed { status: 500, headers: Vec::new(), body: Vec::new() };
    };
    let body = match &response.body {
        RecordedBody::Json { value, .. } if !replacements.is_empty() => {
            let mut body = value.clone();
            replace_strings(&mut body, replacements);
            serde_json::to_vec(&body).unwrap_or_default()
        }
        RecordedBody::Json { text, .. } => compact(text),
        recorded => recorded.bytes().to_vec(),
    };
    let headers = response
        .headers
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "content-length" | "connection" | "transfer-encoding"))
        .cloned()
        .collect();
    Replayed { status: response.status, headers, body }
}

/// A recorded JSON text on one line, as the API writes it: the white space between its tokens left out,
/// its numbers and strings as recorded (`250.00` stays `250.00`).
fn compact(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in text.trim().as_bytes() {
        match (in_string, escaped, byte) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') | (false, _, b'"') => in_string = !in_string,
            (false, _, b' ' | b'\n' | b'\r' | b'\t') => continue,
            _ => {}
        }
        out.push(byte);
    }
    out
}

/// Replaces every string equal to a recorded id by the requested one.
fn replace_strings(value: &mut Value, replacements: &[(String, String)]) {
    if replacements.is_empty() {
        return;
    }
    match value {
        Value::String(text) => {
            if let Some((_, wanted)) = replacements.iter().find(|(recorded, _)| recorded == text) {
                *text = wanted.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| replace_strings(v, replacements)),
        Value::Object(map) => map.values_mut().for_each(|v| replace_strings(v, replacements)),
        _ => {}
    }
}

/// The query pairs of a request, decoded.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    encode::parse_query(query.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two documented 404s of get-webhook-details, under names that say nothing (as in a folder of
    /// fixtures recorded by others).
    fn unnamed() -> Catalog {
        let agent = include_str!("../fixtures/get-webhook-details/error-404-agent-not-found.json");
        let webhook = include_str!("../fixtures/get-webhook-details/error-404-webhook-not-found.json");
        Catalog::from_texts([("get-webhook-details/case-1.json", agent), ("get-webhook-details/case-2.json", webhook)])
            .unwrap()
    }

    /// A fixture recorded with a UUID in upper case is the one for the request, which the emulator reads
    /// in lower case; another id is compared as written.
    #[test]
    fn a_recorded_path_matches_whatever_the_case_of_its_uuids() {
        let text = include_str!("../fixtures/get-agent/ok-get-by-id.json");
        let fixture: Fixture = serde_json::from_str(&text.replace(
            "\"path\": \"/api/v1/agents/550e8400-e29b-41d4-a716-446655440000\"",
            "\"path\": \"/api/v1/agents/550E8400-E29B-41D4-A716-446655440000\"",
        ))
        .unwrap();
        assert_eq!(fixture.request.as_ref().unwrap().path, "/api/v1/agents/550E8400-E29B-41D4-A716-446655440000");
        assert!(recorded_for(&fixture, "/api/v1/agents/550e8400-e29b-41d4-a716-446655440000"));
        assert!(!recorded_for(&fixture, "/api/v1/agents/550e8400-e29b-41d4-a716-446655440001"));
        let mut other = fixture.clone();
        other.request.as_mut().unwrap().path = "/api/v1/agents/Agent-UUID".to_owned();
        assert!(recorded_for(&other, "/api/v1/agents/Agent-UUID"));
        assert!(!recorded_for(&other, "/api/v1/agents/agent-uuid"));
    }

    #[test]
    fn a_recorded_body_is_answered_on_one_line_as_recorded() {
        let text = "{\n      \"amount\": 250.00,\n      \"note\": \"a \\\" quoted, \\n  spaced\\\\\"\n    }";
        let compacted = String::from_utf8(compact(text)).unwrap();
        assert_eq!(compacted, r#"{"amount":250.00,"note":"a \" quoted, \n  spaced\\"}"#);
    }

    /// The status each operation declares for its success answer is the one its page's success examples
    /// give: the registry and the recorded examples say the same.
    #[test]
    fn every_documented_success_has_its_operations_success_status() {
        let catalog = Catalog::embedded();
        let mut created = 0;
        for (operation, fixtures) in catalog.by_operation.iter() {
            let info = talkover_core::registry::operation(operation).expect("a registered operation");
            for fixture in fixtures.iter().filter(|f| !matches!(f.expect, fixture::Expect::Error(_))) {
                let status = fixture.response.as_ref().map(|r| r.status);
                assert_eq!(status, Some(info.success_status), "{}", fixture.name);
            }
            created += usize::from(info.success_status == 201);
        }
        assert!(created > 0, "the pages' `201 Created` operations are among the recorded ones");
    }

    /// Each list operation declares the page block its page's examples show: the same key (`meta` or
    /// `pagination`, none for a list shown whole) and the same keys inside it. An answer with a page block
    /// is an answer of a list operation.
    #[test]
    fn every_documented_list_answer_has_its_operations_page_block() {
        use talkover_core::{ListAnswer, Page, PageBlock, Pagination};
        let catalog = Catalog::embedded();
        let mut checked = std::collections::BTreeSet::new();
        for (operation, fixtures) in catalog.by_operation.iter() {
            let info = talkover_core::registry::operation(operation).expect("a registered operation");
            for fixture in fixtures.iter().filter(|f| !matches!(f.expect, fixture::Expect::Error(_))) {
                let Some(body) = fixture.response.as_ref().and_then(|r| r.body.json()) else { continue };
                let recorded = ["meta", "pagination"].into_iter().find(|key| body.get(key).is_some());
                let Some(block) = info.page_block else {
                    assert_eq!(recorded, None, "{}: a page block on an operation that declares none", fixture.name);
                    continue;
                };
                let asked = fixture
                    .request
                    .as_ref()
                    .is_some_and(|r| r.query.iter().any(|(name, _)| name == "page" || name == "per_page"));
                let pagination = (block != PageBlock::WholeUnlessPaged || asked).then(|| Pagination::new(1, 1, 1));
                let written = serde_json::to_value(ListAnswer::new(Page::new(vec![0], pagination), block)).unwrap();
                let keys = |body: &Value| -> Option<(String, Vec<String>)> {
                    let key = ["meta", "pagination"].into_iter().find(|key| body.get(key).is_some())?;
                    let mut inner: Vec<String> = body[key].as_object()?.keys().cloned().collect();
                    inner.sort_unstable();
                    Some((key.to_owned(), inner))
                };
                assert_eq!(keys(body), keys(&written), "{}", fixture.name);
                checked.insert(operation.as_str());
            }
        }
        let declared = talkover_core::registry::operations().filter(|info| info.page_block.is_some());
        let declared: std::collections::BTreeSet<_> = declared.map(|info| info.id).collect();
        assert_eq!(checked, declared, "every list operation has a recorded answer to hold it to");
    }

    #[test]
    fn a_documented_error_is_found_by_its_message_when_its_name_does_not_say() {
        let catalog = unnamed();
        let message = |hint| catalog.documented_error("get-webhook-details", 404, hint).map(|b| b["message"].clone());
        assert_eq!(message(Some("webhook-not-found")), Some(Value::from("Webhook not found.")));
        assert_eq!(message(Some("agent")), Some(Value::from("Agent not found in this environment.")));
        assert_eq!(message(Some("campaign")), None, "no case says it");
        assert_eq!(message(None), Some(Value::from("Agent not found in this environment.")));
        let coded = serde_json::json!({"success": false, "message": "Nope", "error": {"code": "SIP_TRUNK_NOT_FOUND"}});
        assert!(says(&coded, "trunk-not-found") && !says(&coded, "webhook"));
    }
}
