//! Answers in the API's shapes: envelopes, acknowledgements, and the documented error bodies.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};
use talkover_core::{Ack, Envelope, Error, ListEnvelope, Pagination};

/// One answer of the emulator: a status and a JSON body.
#[derive(Clone, Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Value,
    pub(crate) headers: Vec<(String, String)>,
    /// A recorded body sent as it was recorded, instead of `body`.
    pub(crate) raw: Option<Vec<u8>>,
}

impl Reply {
    pub(crate) fn new(status: u16, body: Value) -> Self {
        Self { status, body, headers: Vec::new(), raw: None }
    }

    /// One of the core's response types, sent in its own field order.
    pub(crate) fn typed<T: Serialize>(status: u16, value: &T) -> Self {
        let raw = serde_json::to_vec(value).expect("the core's types serialize to JSON");
        Self { status, body: Value::Null, headers: Vec::new(), raw: Some(raw) }
    }

    /// `{"success": true, "message"?, "data"}`.
    pub(crate) fn data<T: Serialize>(status: u16, message: Option<&str>, data: T) -> Self {
        let envelope = Envelope { success: Some(true), message: message.map(str::to_owned), data };
        Self::typed(status, &envelope)
    }

    /// `{"success": true, "data": [...], "meta" | "pagination"?}`.
    pub(crate) fn list<T: Serialize>(data: Vec<T>, meta: Option<Pagination>, pagination: Option<Pagination>) -> Self {
        let list = ListEnvelope { success: Some(true), message: None, data, meta, pagination };
        Self::typed(200, &list)
    }

    /// `{"success": true, "message"}`.
    pub(crate) fn ack(message: &str) -> Self {
        let mut ack = Ack::default();
        ack.success = Some(true);
        ack.message = Some(message.to_owned());
        Self::typed(200, &ack)
    }

    /// `{"success": false, "message"}`.
    pub(crate) fn fail(status: u16, message: &str) -> Self {
        Self::new(status, json!({ "success": false, "message": message }))
    }

    /// `{"success": false, "message", "code"}`.
    pub(crate) fn fail_code(status: u16, message: &str, code: &str) -> Self {
        Self::new(status, json!({ "success": false, "message": message, "code": code }))
    }

    /// `{"error": {"code", "message", "details"?}}`: the shape make-call answers errors in.
    pub(crate) fn error_object(status: u16, code: &str, message: &str, details: Option<Value>) -> Self {
        let mut error = json!({ "code": code, "message": message });
        if let Some(details) = details {
            error["details"] = details;
        }
        Self::new(status, json!({ "error": error }))
    }
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("the core's types serialize to JSON")
}

/// Builds one of the core's types from JSON (how a type marked `#[non_exhaustive]` is made outside the
/// core). The JSON is the emulator's own, so a failure is a bug in the emulator.
pub(crate) fn from_json<T: DeserializeOwned>(value: Value) -> T {
    let text = value.to_string();
    let mut de = serde_json::Deserializer::from_str(&text);
    match serde_path_to_error::deserialize(&mut de) {
        Ok(typed) => typed,
        Err(e) => {
            panic!("talkover-mock built a {} the core refuses at {}: {}", std::any::type_name::<T>(), e.path(), e)
        }
    }
}

/// Validation messages by field, answered as the API's 422.
#[derive(Debug, Default)]
pub(crate) struct Invalid {
    fields: BTreeMap<String, Vec<String>>,
}

/// A field name in the API's messages (`conversation_speed` → `conversation speed`).
pub(crate) fn words(field: &str) -> String {
    field.replace('_', " ")
}

impl Invalid {
    pub(crate) fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields.entry(field.to_owned()).or_default().push(message.into());
    }

    pub(crate) fn required(&mut self, field: &str) {
        self.add(field, format!("The {} field is required.", words(field)));
    }

    pub(crate) fn selected(&mut self, field: &str) {
        self.add(field, format!("The selected {} is invalid.", words(field)));
    }

    /// Adds the field a core check refused, in the API's words.
    pub(crate) fn core(&mut self, result: Result<(), Error>) {
        if let Err(Error::InvalidRequest(e)) = result {
            let field = e.field.clone().unwrap_or_else(|| "body".to_owned());
            let field = field.strip_prefix("body.").unwrap_or(&field).to_owned();
            let field = field.strip_prefix("query.").unwrap_or(&field).to_owned();
            let message = e.message.trim_end_matches('.');
            self.add(&field, format!("The {} {message}.", words(&field)));
        }
    }

    /// The 422 answer, if anything was refused.
    pub(crate) fn check(self) -> Result<(), Reply> {
        if self.fields.is_empty() {
            return Ok(());
        }
        Err(Reply::new(
            422,
            json!({ "success": false, "message": "The given data was invalid.", "errors": self.fields }),
        ))
    }
}

/// Reads a JSON body into one of the core's request bodies. Required fields missing from the body are
/// all reported; a value of the wrong type is reported under its field.
pub(crate) fn body<T: DeserializeOwned>(body: Option<&Value>, required: &[&str]) -> Result<T, Reply> {
    let object = body.and_then(Value::as_object).cloned().unwrap_or_default();
    let mut invalid = Invalid::default();
    for field in required {
        if object.get(*field).is_none_or(Value::is_null) {
            invalid.required(field);
        }
    }
    invalid.check()?;
    typed(Value::Object(object), "field is invalid")
}

/// Reads a query string into one of the core's query types: `numeric` names the integer parameters.
pub(crate) fn query<T: DeserializeOwned>(pairs: &[(String, String)], numeric: &[&str]) -> Result<T, Reply> {
    let mut object = Map::new();
    let mut invalid = Invalid::default();
    for (raw, value) in pairs {
        let name = raw.trim_end_matches("[]");
        let value = if numeric.contains(&name) {
            match value.parse::<u64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    invalid.add(name, format!("The {} must be an integer.", words(name)));
                    continue;
                }
            }
        } else {
            Value::String(value.clone())
        };
        object.insert(name.to_owned(), value);
    }
    invalid.check()?;
    typed(Value::Object(object), "is invalid")
}

fn typed<T: DeserializeOwned>(value: Value, what: &str) -> Result<T, Reply> {
    let text = value.to_string();
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let mut field = e.path().to_string();
        let message = e.inner().to_string();
        if field.is_empty() || field == "." {
            // "missing field `x`" names the field in its message.
            field = message.split('`').nth(1).unwrap_or("body").to_owned();
        }
        let mut invalid = Invalid::default();
        let name = field.split('.').next_back().unwrap_or(&field);
        if name.starts_with("date") || name.ends_with("_date") {
            invalid.add(&field, format!("The {} must be a valid date.", words(&field)));
        } else if message.starts_with("missing field") {
            invalid.required(&field);
        } else {
            invalid.add(&field, format!("The {} {what}.", words(&field)));
        }
        invalid.check().expect_err("one field was refused")
    })
}

/// Pages a list the way the API does: `per_page` items (20 by default, 1 to 100) from page `page`.
pub(crate) fn paginate<T: Clone>(items: &[T], page: Option<u64>, per_page: Option<u32>) -> (Vec<T>, Pagination) {
    let per_page = u64::from(per_page.unwrap_or(20).clamp(1, 100));
    let page = page.unwrap_or(1).max(1);
    let total = items.len() as u64;
    let start = (page - 1).saturating_mul(per_page).min(total);
    let end = start.saturating_add(per_page).min(total);
    let slice = items[start as usize..end as usize].to_vec();
    let mut pagination = Pagination::default();
    pagination.current_page = page;
    pagination.per_page = per_page;
    pagination.total = total;
    pagination.last_page = Some(total.div_ceil(per_page).max(1));
    if end > start {
        pagination.from = Some(start + 1);
        pagination.to = Some(end);
    }
    (slice, pagination)
}
