//! The recorded fixtures the emulator answers the operations it does not model from, and the documented
//! bodies it borrows for its own answers (401s, 404s, 429s).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use talkover_core::encode;

include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));

/// One recorded exchange.
#[derive(Clone, Debug)]
pub(crate) struct Fixture {
    pub(crate) name: String,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
    path_params: Map<String, Value>,
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    pub(crate) response: Answer,
    /// A 2xx whose envelope does not say `"success": false`.
    successful: bool,
}

/// A recorded response body.
#[derive(Clone, Debug)]
pub(crate) enum Answer {
    /// The body, and its text as recorded (so that `250.00` is sent as `250.00`, not `250.0`).
    Json(Value, String),
    Text(String),
    Empty,
}

/// The parts of a fixture kept as raw text.
#[derive(Deserialize)]
struct RawFixture<'a> {
    #[serde(borrow, default)]
    response: Option<RawResponse<'a>>,
}

#[derive(Deserialize)]
struct RawResponse<'a> {
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

/// What a replayed exchange answers.
#[derive(Clone, Debug)]
pub(crate) struct Replayed {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// The fixtures, by operation id.
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    by_operation: HashMap<String, Vec<Fixture>>,
    count: usize,
}

impl Catalog {
    /// The fixtures built into the emulator.
    pub(crate) fn embedded() -> Self {
        Self::from_texts(EMBEDDED.iter().map(|(name, text)| ((*name).to_owned(), (*text).to_owned())))
            .expect("the embedded fixtures are valid")
    }

    /// Every `*.json` below `dir`.
    pub(crate) fn from_dir(dir: &Path) -> Result<Self, String> {
        let mut texts = Vec::new();
        read_dir(dir, dir, &mut texts, 0)?;
        if texts.is_empty() {
            return Err(format!("no fixture (*.json) below {}", dir.display()));
        }
        Self::from_texts(texts)
    }

    /// Fixtures from `(name, JSON text)` pairs. Fixtures without a recorded exchange are skipped.
    pub(crate) fn from_texts(texts: impl IntoIterator<Item = (String, String)>) -> Result<Self, String> {
        let mut catalog = Self::default();
        for (name, text) in texts {
            let value: Value = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
            let raw: RawFixture<'_> = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
            let Some(operation) = value.get("operation").and_then(Value::as_str) else {
                return Err(format!("{name}: no `operation`"));
            };
            let (Some(request), Some(response)) = (value.get("request"), value.get("response")) else {
                continue;
            };
            let text_of = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
            let mut query = match request.get("query") {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|pair| match pair.as_array().map(Vec::as_slice) {
                        Some([Value::String(n), Value::String(v)]) => Some((n.clone(), v.clone())),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            query.sort();
            let headers = match response.get("headers") {
                Some(Value::Object(map)) => map
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.to_ascii_lowercase(), v.to_owned())))
                    .filter(|(k, _)| !matches!(k.as_str(), "content-length" | "connection" | "transfer-encoding"))
                    .collect(),
                _ => Vec::new(),
            };
            let answer = match (response.get("body"), response.get("body_text")) {
                (Some(body), _) => {
                    let text = raw.response.and_then(|r| r.body).map(|b| b.get().to_owned()).unwrap_or_default();
                    Answer::Json(body.clone(), text)
                }
                (None, Some(Value::String(text))) => Answer::Text(text.clone()),
                _ => Answer::Empty,
            };
            let successful = (200..300).contains(&(response.get("status").and_then(Value::as_u64).unwrap_or(200)))
                && response.pointer("/body/success") != Some(&Value::Bool(false));
            let fixture = Fixture {
                successful,
                name: name.clone(),
                path: text_of(request, "path").ok_or_else(|| format!("{name}: no request.path"))?,
                query,
                body: request.get("body").filter(|b| !b.is_null()).cloned(),
                path_params: value.pointer("/params/path").and_then(Value::as_object).cloned().unwrap_or_default(),
                status: response.get("status").and_then(Value::as_u64).unwrap_or(200) as u16,
                headers,
                response: answer,
            };
            catalog.by_operation.entry(operation.to_owned()).or_default().push(fixture);
            catalog.count += 1;
        }
        for fixtures in catalog.by_operation.values_mut() {
            fixtures.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(catalog)
    }

    /// How many exchanges are recorded.
    pub(crate) fn len(&self) -> usize {
        self.count
    }

    /// The recorded fixtures of an operation.
    pub(crate) fn of(&self, operation: &str) -> &[Fixture] {
        self.by_operation.get(operation).map(Vec::as_slice).unwrap_or_default()
    }

    /// The documented error body of an operation for a status, preferring a fixture whose name holds
    /// `hint` (`agent`, `webhook`, …).
    pub(crate) fn documented_error(&self, operation: &str, status: u16, hint: Option<&str>) -> Option<Value> {
        let candidates: Vec<&Fixture> = self.of(operation).iter().filter(|f| f.status == status).collect();
        let chosen = match hint {
            Some(hint) => candidates.iter().find(|f| f.name.contains(hint)).copied(),
            None => candidates.first().copied(),
        }?;
        match &chosen.response {
            Answer::Json(body, _) => Some(body.clone()),
            _ => None,
        }
    }

    /// The first successful JSON body recorded for an operation.
    pub(crate) fn documented_success(&self, operation: &str) -> Option<&Value> {
        self.of(operation).iter().filter(|f| f.successful).find_map(|f| match &f.response {
            Answer::Json(body, _) => Some(body),
            _ => None,
        })
    }

    /// Whether a fixture of the operation was recorded for exactly this path.
    pub(crate) fn has_path(&self, operation: &str, path: &str) -> bool {
        self.of(operation).iter().any(|f| f.path.eq_ignore_ascii_case(path))
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
        let mut query = query.to_vec();
        query.sort();
        let usable: Vec<&Fixture> =
            self.of(operation).iter().filter(|f| f.status != 401 && f.status != 429 && f.status < 500).collect();
        let score = |f: &Fixture| {
            u8::from(f.query == query) * 4 + u8::from(f.body.as_ref() == body) * 2 + u8::from(f.successful)
        };
        // `max_by_key` keeps the last of equals; reversing keeps the first by name.
        let same_path = usable.iter().rev().filter(|f| f.path.eq_ignore_ascii_case(path)).max_by_key(|f| score(f));
        if let Some(fixture) = same_path {
            return Some(answer(fixture, &[]));
        }
        let fixture = usable.iter().rev().filter(|f| f.successful).max_by_key(|f| score(f))?;
        let replacements: Vec<(String, String)> = fixture
            .path_params
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

fn answer(fixture: &Fixture, replacements: &[(String, String)]) -> Replayed {
    let body = match &fixture.response {
        Answer::Json(_, text) if replacements.is_empty() && !text.is_empty() => text.clone().into_bytes(),
        Answer::Json(body, _) => {
            let mut body = body.clone();
            replace_strings(&mut body, replacements);
            serde_json::to_vec(&body).unwrap_or_default()
        }
        Answer::Text(text) => text.clone().into_bytes(),
        Answer::Empty => Vec::new(),
    };
    Replayed { status: fixture.status, headers: fixture.headers.clone(), body }
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

fn read_dir(root: &Path, dir: &Path, out: &mut Vec<(String, String)>, depth: usize) -> Result<(), String> {
    // Deep enough for any sensible layout, and a symlink loop cannot recurse forever.
    if depth > 16 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            read_dir(root, &path, out, depth + 1)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            out.push((name, text));
        }
    }
    Ok(())
}

/// The query pairs of a request, decoded.
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    encode::parse_query(query.unwrap_or_default())
}
