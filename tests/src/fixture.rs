//! The fixture format: loading and checking the shape of fixture files.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use talkover::registry::Params;

/// One fixture file, read and checked.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Where it was read from.
    pub file: PathBuf,
    /// The operation id.
    pub operation: String,
    /// The caller's parameters.
    pub params: Params,
    /// The request that must go over the wire (absent for `invalid_request` cases).
    pub request: Option<ExpectedRequest>,
    /// The server's answer (absent for `invalid_request` cases).
    pub response: Option<RecordedResponse>,
    /// What the SDK must make of it.
    pub expect: Expect,
}

/// The request a fixture expects on the wire.
#[derive(Debug, Clone)]
pub struct ExpectedRequest {
    /// Method.
    pub method: String,
    /// Path from the host root, percent-encoded.
    pub path: String,
    /// Decoded query pairs (a multiset).
    pub query: Vec<(String, String)>,
    /// Headers that must be sent with exactly these values.
    pub headers: Vec<(String, String)>,
    /// The JSON body, or `None` for no body.
    pub body: Option<Value>,
}

/// The answer a fixture recorded.
#[derive(Debug, Clone)]
pub struct RecordedResponse {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// The JSON body, when it is JSON.
    pub json: Option<Value>,
    /// The body's bytes as sent.
    pub bytes: Vec<u8>,
}

impl RecordedResponse {
    /// The answer as an `http::Response`.
    pub fn to_http(&self) -> Result<http::Response<Vec<u8>>, String> {
        let mut builder = http::Response::builder().status(self.status);
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder.body(self.bytes.clone()).map_err(|e| format!("response: {e}"))
    }
}

/// What the SDK must make of the answer.
#[derive(Debug, Clone)]
pub enum Expect {
    /// Decodes, and re-serializes to the recorded body (null and absent equal).
    Strict,
    /// Decodes.
    Lenient,
    /// Fails with these properties.
    Error(ExpectedError),
}

/// The properties of an expected error; each given one must match.
#[derive(Debug, Clone, Default)]
pub struct ExpectedError {
    /// HTTP status.
    pub status: Option<u16>,
    /// Kind, as the fixture format names it.
    pub kind: Option<String>,
    /// Machine code.
    pub code: Option<String>,
    /// Human message.
    pub message: Option<String>,
    /// Sorted field names of a validation error.
    pub fields: Option<Vec<String>>,
    /// Retry delay of a rate-limit error.
    pub retry_after_secs: Option<u64>,
}

/// Every `*.json` file below `dir`, sorted.
pub fn find(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads and checks one fixture file.
pub fn load(file: &Path) -> Result<Fixture, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read: {e}"))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("not valid JSON: {e}"))?;
    let root = value.as_object().ok_or("a fixture must be a JSON object")?;
    let operation = string(root, "operation")?.to_owned();
    let folder = file.parent().and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or("");
    if folder != operation {
        return Err(format!("the folder `{folder}` and the operation `{operation}` disagree"));
    }
    let params = match root.get("params") {
        Some(p) => serde_json::from_value::<Params>(p.clone()).map_err(|e| format!("`params`: {e}"))?,
        None => return Err("missing key `params`".into()),
    };
    let expect = expect(root.get("expect").ok_or("missing key `expect`")?)?;
    let refused = matches!(&expect, Expect::Error(e) if e.kind.as_deref() == Some("invalid_request"));
    let request = match root.get("request") {
        Some(r) => Some(request(r)?),
        None if refused => None,
        None => return Err("missing key `request`".into()),
    };
    let response = match root.get("response") {
        Some(r) => Some(response(r)?),
        None if refused => None,
        None => return Err("missing key `response`".into()),
    };
    Ok(Fixture { file: file.to_path_buf(), operation, params, request, response, expect })
}

fn string<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a str, String> {
    match map.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("`{key}` must be a string")),
        None => Err(format!("missing key `{key}`")),
    }
}

fn headers(value: Option<&Value>, what: &str) -> Result<Vec<(String, String)>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.to_ascii_lowercase(), s.clone())),
                _ => Err(format!("`{what}.headers.{k}` must be a string")),
            })
            .collect(),
        Some(_) => Err(format!("`{what}.headers` must be an object")),
    }
}

fn request(value: &Value) -> Result<ExpectedRequest, String> {
    let map = value.as_object().ok_or("`request` must be an object")?;
    let query = match map.get("query") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(pairs)) => pairs
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(n), Value::String(v)]) => Ok((n.clone(), v.clone())),
                _ => Err(format!("`request.query` entries must be [name, value] strings, found {pair}")),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`request.query` must be a list of [name, value] pairs".into()),
    };
    Ok(ExpectedRequest {
        method: string(map, "method").map_err(|e| format!("request: {e}"))?.to_owned(),
        path: string(map, "path").map_err(|e| format!("request: {e}"))?.to_owned(),
        query,
        headers: headers(map.get("headers"), "request")?,
        body: map.get("body").filter(|b| !b.is_null()).cloned(),
    })
}

fn response(value: &Value) -> Result<RecordedResponse, String> {
    let map = value.as_object().ok_or("`response` must be an object")?;
    let status = map
        .get("status")
        .and_then(Value::as_u64)
        .filter(|s| (100..=999).contains(s))
        .ok_or("`response.status` must be an HTTP status")? as u16;
    let (json, bytes) = match (map.get("body"), map.get("body_text")) {
        (Some(_), Some(_)) => return Err("`response` has both `body` and `body_text`".into()),
        (Some(body), None) => (Some(body.clone()), serde_json::to_vec(body).map_err(|e| e.to_string())?),
        (None, Some(Value::String(text))) => (None, text.clone().into_bytes()),
        (None, Some(_)) => return Err("`response.body_text` must be a string".into()),
        (None, None) => (None, Vec::new()),
    };
    Ok(RecordedResponse { status, headers: headers(map.get("headers"), "response")?, json, bytes })
}

fn expect(value: &Value) -> Result<Expect, String> {
    let map = value.as_object().ok_or("`expect` must be an object")?;
    match (map.get("ok"), map.get("error")) {
        (Some(Value::String(mode)), None) if mode == "strict" => Ok(Expect::Strict),
        (Some(Value::String(mode)), None) if mode == "lenient" => Ok(Expect::Lenient),
        (Some(other), None) => Err(format!("`expect.ok` must be \"strict\" or \"lenient\", found {other}")),
        (None, Some(Value::Object(e))) => {
            let text = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_owned);
            let fields = match e.get("fields") {
                None => None,
                Some(Value::Array(items)) => Some(
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned).ok_or("`expect.error.fields` must hold strings"))
                        .collect::<Result<Vec<_>, _>>()?,
                ),
                Some(_) => return Err("`expect.error.fields` must be a list".into()),
            };
            let known = ["status", "kind", "code", "message", "fields", "retry_after_secs"];
            if let Some(unknown) = e.keys().find(|k| !known.contains(&k.as_str())) {
                return Err(format!("unknown key `expect.error.{unknown}`"));
            }
            Ok(Expect::Error(ExpectedError {
                status: e.get("status").and_then(Value::as_u64).map(|s| s as u16),
                kind: text("kind"),
                code: text("code"),
                message: text("message"),
                fields,
                retry_after_secs: e.get("retry_after_secs").and_then(Value::as_u64),
            }))
        }
        (None, Some(_)) => Err("`expect.error` must be an object".into()),
        (Some(_), Some(_)) => Err("`expect` must hold exactly one of `ok` and `error`".into()),
        (None, None) => Err("`expect` must hold `ok` or `error`".into()),
    }
}
