//! What the registry keeps of each operation: its facts and two type-erased functions, to build its
//! request from JSON parameters and to decode its answer to JSON. Resource modules produce these entries
//! from their declarations; only [`crate::registry`] names every resource module.

use http::Method;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::config::ClientConfig;
use crate::encode;
use crate::error::Error;
use crate::operation::{build_request, decode_body, Operation};
use crate::transport::{HttpRequest, HttpResponse};

/// An operation's parameters as JSON, in the fixture format's `params` shape: path parameters by their
/// template names, query parameters by their documented names, and the body.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Params {
    /// Path parameters by placeholder name.
    #[serde(default)]
    pub path: Map<String, Value>,
    /// Query parameters by documented name (without a trailing `[]`).
    #[serde(default)]
    pub query: Option<Value>,
    /// The JSON body.
    #[serde(default)]
    pub body: Option<Value>,
}

/// One operation in the registry.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OperationInfo {
    /// The operation's id (its reference page's file name).
    pub id: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The path template from the host root.
    pub path: &'static str,
    /// See [`Operation::SAFE_TO_REPEAT`].
    pub safe_to_repeat: bool,
    build: fn(&Params, &ClientConfig) -> Result<HttpRequest, Error>,
    decode: fn(HttpResponse) -> Result<Value, Error>,
}

impl OperationInfo {
    /// The registry entry of operation type `O`.
    pub const fn of<O: Operation + DeserializeOwned>() -> Self {
        Self {
            id: O::ID,
            method: O::METHOD,
            path: O::PATH,
            safe_to_repeat: O::SAFE_TO_REPEAT,
            build: build_from_params::<O>,
            decode: decode_to_json::<O>,
        }
    }

    /// Builds the typed operation from JSON parameters (through the same types a caller uses) and then
    /// its HTTP request.
    pub fn build_request(&self, params: &Params, config: &ClientConfig) -> Result<HttpRequest, Error> {
        (self.build)(params, config)
    }

    /// Decodes an answer into the typed response body, and gives it back as JSON: serializing the typed
    /// value shows what the types kept of the answer.
    pub fn decode(&self, response: HttpResponse) -> Result<Value, Error> {
        (self.decode)(response)
    }

    /// Matches a request path (percent-encoded, from the host root) against this operation's template,
    /// giving the decoded path parameters.
    pub fn match_path(&self, path: &str) -> Option<Map<String, Value>> {
        let mut params = Map::new();
        let mut template = self.path.split('/');
        let mut actual = path.split('/');
        loop {
            match (template.next(), actual.next()) {
                (None, None) => return Some(params),
                (Some(t), Some(a)) if t.starts_with('{') && t.ends_with('}') => {
                    if a.is_empty() {
                        return None;
                    }
                    let value = String::from_utf8(encode::percent_decode(a)).ok()?;
                    params.insert(t[1..t.len() - 1].to_owned(), Value::String(value));
                }
                (Some(t), Some(a)) if t == a => {}
                _ => return None,
            }
        }
    }
}

fn build_from_params<O: Operation + DeserializeOwned>(
    params: &Params,
    config: &ClientConfig,
) -> Result<HttpRequest, Error> {
    let mut fields = Map::new();
    for name in encode::path_placeholders(O::PATH) {
        let value = match params.path.get(name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(Error::invalid_request(O::ID, Some(name), "a path parameter must be a string")),
            None => String::new(),
        };
        fields.insert(name.to_owned(), Value::String(value));
    }
    if let Some(query) = params.query.as_ref().filter(|q| !q.is_null()) {
        fields.insert("query".to_owned(), query.clone());
    }
    if let Some(body) = params.body.as_ref().filter(|b| !b.is_null()) {
        fields.insert("body".to_owned(), body.clone());
    }
    // Through text rather than `from_value`, so that types reading raw JSON numbers (`Decimal`) work.
    let text = Value::Object(fields).to_string();
    let mut de = serde_json::Deserializer::from_str(&text);
    let operation: O = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        Error::invalid_request(
            O::ID,
            Some(&e.path().to_string()),
            format!("the parameters do not fit the operation's types: {}", e.inner()),
        )
    })?;
    build_request(&operation, config)
}

fn decode_to_json<O: Operation>(response: HttpResponse) -> Result<Value, Error> {
    let body = decode_body::<O>(response)?;
    serde_json::to_value(&body)
        .map_err(|e| Error::invalid_request(O::ID, None, format!("could not serialize the response: {e}")))
}
