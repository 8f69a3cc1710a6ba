//! What the registry keeps of each operation: its facts and three type-erased functions, to build its
//! request from JSON parameters, to decode its answer to JSON, and (for servers and emulators) to decode
//! an incoming request into the typed operation. Resource modules produce these entries from their
//! declarations; only [`crate::registry`] names every resource module.

use std::any::Any;

use http::Method;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::config::ClientConfig;
use crate::encode;
use crate::error::{Error, FieldError};
use crate::operation::{build_request, decode_body, Operation};
use crate::page::PageBlock;
use crate::transport::{HttpRequest, HttpResponse};

/// An operation's parameters as JSON, in the fixture format's `params` shape: path parameters by their
/// template names, query parameters by their documented names, and the body. Its `Debug` hides the values
/// of body fields named as credentials are (`password`, `webhook_secret`, an action's `config.api_key`) and
/// of custom headers.
#[derive(Clone, Default, PartialEq, Deserialize)]
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

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut body = self.body.clone();
        if let Some(body) = body.as_mut() {
            crate::secret::hide_secret_fields(body, &[]);
        }
        f.debug_struct("Params").field("path", &self.path).field("query", &self.query).field("body", &body).finish()
    }
}

/// One operation in the registry.
#[derive(Clone)]
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
    /// See [`Operation::DRY_RUN`]. Declared `dry_run: true`.
    pub dry_run: bool,
    /// See [`Operation::SUCCESS_STATUS`].
    pub success_status: u16,
    /// Whether the operation takes the agent it acts on back to draft, as its reference page says (a
    /// change to what a published agent knows, says or can do): the agent takes no calls until it is
    /// published again. Declared `unpublishes_agent: true`.
    pub unpublishes_agent: bool,
    /// For a list operation, the page block its answer is written in (see
    /// [`PagedOperation::PAGE_BLOCK`](crate::PagedOperation::PAGE_BLOCK)); `None` for any other.
    pub page_block: Option<PageBlock>,
    build: fn(&Params, &ClientConfig) -> Result<HttpRequest, Error>,
    decode: fn(HttpResponse) -> Result<Value, Error>,
    incoming: DecodeIncoming,
    names: fn(Option<&'static str>) -> &'static [&'static str],
    fields: fn(&'static str) -> Vec<FieldInfo>,
    /// For a list operation, the field names of its items.
    item_names: Option<fn() -> &'static [&'static str]>,
    /// The declaration's doc comment, as Markdown.
    docs: &'static str,
}

// By hand: the functions an entry holds say nothing to a reader (their addresses), its facts do.
impl std::fmt::Debug for OperationInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperationInfo")
            .field("id", &self.id)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("safe_to_repeat", &self.safe_to_repeat)
            .field("dry_run", &self.dry_run)
            .field("success_status", &self.success_status)
            .field("unpublishes_agent", &self.unpublishes_agent)
            .field("page_block", &self.page_block)
            .finish_non_exhaustive()
    }
}

/// One field of an operation's body or query as its types read it, for tools that describe an operation (a
/// command line's help). The reference page stays the authority on what each field means.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldInfo {
    /// The field's name in the JSON body, or the query parameter's.
    pub name: &'static str,
    /// Whether the types need it: its type is not an `Option`. (The operation's checks may ask for more,
    /// such as one of two fields.)
    pub required: bool,
    /// What the types read there, in words: `text`, `integer`, `boolean`, `list of integer`,
    /// `object (start, end)`, `CampaignStatus string (draft, active, …)`, `null or text`.
    pub reads: String,
}

/// How an entry decodes an incoming request: path parameters, query pairs, JSON body.
type DecodeIncoming = fn(&Map<String, Value>, &[(String, String)], Option<&Value>) -> Result<Incoming, Error>;

impl OperationInfo {
    /// The registry entry of operation type `O`.
    pub const fn of<O: Operation + DeserializeOwned + serde::Serialize + 'static>() -> Self {
        Self {
            id: O::ID,
            method: O::METHOD,
            path: O::PATH,
            safe_to_repeat: O::SAFE_TO_REPEAT,
            dry_run: O::DRY_RUN,
            success_status: O::SUCCESS_STATUS,
            unpublishes_agent: false,
            page_block: None,
            item_names: None,
            build: build_from_params::<O>,
            decode: decode_to_json::<O>,
            incoming: decode_incoming::<O>,
            names: names_of::<O>,
            fields: fields_of::<O>,
            docs: "",
        }
    }

    /// The entry with its declaration's doc comment (Markdown), which [`summary`](Self::summary) reads.
    pub const fn documented(mut self, docs: &'static str) -> Self {
        self.docs = docs;
        self
    }

    /// The entry of an operation that takes its agent back to draft, or not
    /// ([`unpublishes_agent`](Self::unpublishes_agent)).
    pub const fn unpublishing_agent(mut self, unpublishes: bool) -> Self {
        self.unpublishes_agent = unpublishes;
        self
    }

    /// What the operation does, in a sentence of plain text: the first of its declaration's doc comment,
    /// its links and code marks taken away (`Delete a webhook of an agent, for good.`). For tools that
    /// list operations (a command line's help); empty for an entry made without its docs.
    pub fn summary(&self) -> String {
        let text = self.docs.split("\n\n").next().unwrap_or_default();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // The first sentence: up to a full stop that ends the text or comes before a space.
        let end = text.match_indices(". ").map(|(at, _)| at + 1).next().unwrap_or(text.len());
        plain_text(&text[..end])
    }

    /// The entry of a list operation, whose answer is written in `block` (its
    /// [`PagedOperation::PAGE_BLOCK`](crate::PagedOperation::PAGE_BLOCK)).
    pub const fn paged(mut self, block: PageBlock) -> Self {
        self.page_block = Some(block);
        self
    }

    /// The entry of a list operation whose items are `I` ([`PagedOperation::Item`](crate::PagedOperation::Item)).
    pub const fn items<I: DeserializeOwned>(mut self) -> Self {
        self.item_names = Some(names_of_type::<I>);
        self
    }

    /// The fields of a list operation's items as its types name them, in their declaration order (`id`,
    /// `name`, … for list-agents): for tools that lay the items out in columns the same way whatever
    /// each answer holds. Empty for an operation that is not a list.
    pub fn item_fields(&self) -> &'static [&'static str] {
        self.item_names.map_or(&[], |names| names())
    }

    /// The documented names of the operation's query parameters (`per_page`, `type`, …), in the order of
    /// its declaration; empty for an operation without a query. For tools that offer them by name (a
    /// command line's flags).
    pub fn query_names(&self) -> &'static [&'static str] {
        (self.names)(Some("query"))
    }

    /// The fields of the operation's JSON body, in the order of its declaration, each with whether the
    /// types need it and what they read there; empty for an operation without a body, or a body whose
    /// fields the types do not name (one read whole). A field no value fits is left out (an agent
    /// webhook's `include_call_events`, see [`NoCallEvents`](crate::webhooks::NoCallEvents)). For tools
    /// that describe an operation.
    pub fn body_fields(&self) -> Vec<FieldInfo> {
        (self.fields)("body")
    }

    /// The operation's query parameters as [`OperationInfo::body_fields`] describes a body's fields.
    pub fn query_fields(&self) -> Vec<FieldInfo> {
        (self.fields)("query")
    }

    /// Whether the operation sends a JSON body. One that does not sends nothing it is given as a body.
    pub fn has_body(&self) -> bool {
        (self.names)(None).contains(&"body")
    }

    /// Builds the typed operation from JSON parameters (through the same types a caller uses) and then
    /// its HTTP request. A query value given as text is read again where the types want a number, a
    /// boolean or a list (`"50"` for `per_page`, `"active"` for a list of statuses), as a query string
    /// carries it: values from a command line, a URL or a recording fit as they are.
    pub fn build_request(&self, params: &Params, config: &ClientConfig) -> Result<HttpRequest, Error> {
        self.object_body(params.body.as_ref())?;
        (self.build)(params, config)
    }

    /// Refuses a body given as a list, a text or a number for an operation whose body is an object of named
    /// fields: a struct's decoder would read a list's items as its fields in order (`["+1234567890"]` as
    /// make-call's `to`), which neither the API nor a caller means.
    fn object_body(&self, body: Option<&Value>) -> Result<(), Error> {
        match body {
            Some(body) if !body.is_object() && !body.is_null() && !(self.names)(Some("body")).is_empty() => {
                Err(Error::invalid_request(self.id, Some("body"), "must be a JSON object of the body's fields"))
            }
            _ => Ok(()),
        }
    }

    /// What of `params` the operation's types leave out of `request` (built from them with
    /// [`OperationInfo::build_request`]): path parameters the path has no place for, query parameters it
    /// does not know, body fields its types do not model (a `null` given for a field the body has counts
    /// as unset, not as lost; for a name the body does not have, as lost). Each is named by where it stands in `params`: `path.id`, `query.per_pag`, `body.custom_headers.0.vaule`.
    /// Building drops them without a word, so a misspelt name would otherwise look like an unset one.
    pub fn left_out(&self, params: &Params, request: &HttpRequest) -> Vec<String> {
        let mut lost = self.unknown_path_and_query(params);
        // An empty object for an operation that sends no body says no more than `null` does.
        let empty = |body: &&Value| {
            body.is_null() || (request.body().is_empty() && body.as_object().is_some_and(Map::is_empty))
        };
        if let Some(given) = params.body.as_ref().filter(|b| !empty(b)) {
            match serde_json::from_slice::<Value>(request.body()) {
                Ok(sent) => {
                    let mut nulls = Vec::new();
                    dropped_fields(given, &sent, "body", &mut lost, &mut nulls);
                    // A top-level `null` under a name the body's type does not have is a misspelt name,
                    // not an unset field.
                    lost.extend(nulls.into_iter().filter(|at| self.body_has_top_level(at) == Some(false)));
                }
                Err(_) => lost.push("body".to_owned()),
            }
        }
        lost
    }

    /// The names of `params` the operation does not have, found without building a request (for parameters
    /// it refuses to build one from): path parameters the path has no place for, query parameters it does
    /// not know, top-level body fields its body's type does not have; named as [`OperationInfo::left_out`]
    /// names them. A misspelt name inside a field's value is found only by `left_out`.
    pub fn unknown_names(&self, params: &Params) -> Vec<String> {
        let mut unknown = self.unknown_path_and_query(params);
        let body = params.body.as_ref().and_then(Value::as_object).into_iter().flatten();
        let at = body.map(|(name, _)| format!("body.{name}"));
        unknown.extend(at.filter(|at| self.body_has_top_level(at) == Some(false)));
        unknown
    }

    /// The path and query names of `params` the operation does not have.
    fn unknown_path_and_query(&self, params: &Params) -> Vec<String> {
        let placeholders: Vec<&str> = encode::path_placeholders(self.path).collect();
        let mut unknown: Vec<String> = params
            .path
            .keys()
            .filter(|name| !placeholders.contains(&name.as_str()))
            .map(|name| format!("path.{name}"))
            .collect();
        let known = self.query_names();
        let query = params.query.as_ref().and_then(Value::as_object).into_iter().flatten();
        unknown
            .extend(query.filter(|(name, _)| !known.contains(&name.as_str())).map(|(name, _)| format!("query.{name}")));
        unknown
    }

    /// The top-level body fields `params` gives as `null` that `request` (built from them) does not carry,
    /// named as [`OperationInfo::left_out`] names them (`body.description`): the types read such a `null`
    /// as "unset" and leave the field as it is. Only a field an update can remove sends its `null`
    /// (`"outbound_proxy": null` to update-sip-trunk); for a tool to say, of an update, that the others
    /// were not sent. A `null` inside a field's value is not named: the value is sent whole, without it.
    /// Nor is one under a name the body does not have: [`OperationInfo::left_out`] names it.
    pub fn nulls_not_sent(&self, params: &Params, request: &HttpRequest) -> Vec<String> {
        let mut nulls = Vec::new();
        if let (Some(given), Ok(sent)) = (params.body.as_ref(), serde_json::from_slice::<Value>(request.body())) {
            dropped_fields(given, &sent, "body", &mut Vec::new(), &mut nulls);
        }
        nulls.retain(|at| self.body_has_top_level(at) == Some(true));
        nulls
    }

    /// For a top-level body path (`body.description`), whether the body's type has that field; `None` for
    /// any other path, or when the type names no fields (a body it cannot say of).
    fn body_has_top_level(&self, at: &str) -> Option<bool> {
        let name = at.strip_prefix("body.").filter(|name| !name.contains('.'))?;
        let known = (self.names)(Some("body"));
        (!known.is_empty()).then(|| known.contains(&name))
    }

    /// Decodes an answer into the typed response body, and gives it back as JSON: serializing the typed
    /// value shows what the types kept of the answer.
    pub fn decode(&self, response: HttpResponse) -> Result<Value, Error> {
        (self.decode)(response)
    }

    /// Decodes an answer as [`OperationInfo::decode`] does, and gives back its JSON body as the server
    /// wrote it once the types have read it (a field the API adds is kept, a field it left out is not made
    /// up); for a body that is not JSON text of its own (an empty 2xx), the typed value as JSON. As a
    /// `serde_json::Value`, a number is an `f64`: `250.00` comes back as `250.0`.
    pub fn decode_received(&self, response: HttpResponse) -> Result<Value, Error> {
        let received = crate::json_body::answer_json(response.body());
        let typed = self.decode(response)?;
        Ok(received.unwrap_or(typed))
    }

    /// Decodes a request as a server receives it into the typed operation, through the same types a
    /// caller uses: `path` holds the path parameters by placeholder name (as [`OperationInfo::match_path`]
    /// gives them), `query` the decoded query string pairs (a name ending in `[]` makes a list; numbers and
    /// booleans are read from their text where the type asks for them), `body` the JSON body.
    ///
    /// It does not run the operation's checks: [`Incoming::validate`] does, those of a server answering as
    /// the API does (the bounds the SDK checks before sending, and the forms of values it leaves to the
    /// API), and [`Incoming::validate_before_sending`] those a client runs. An error names the field at
    /// fault (`body.name`, `query.page`); a field the types require and the request lacks (or gives as
    /// `null`) is reported with the message `is required`, as the checks do, and every such field of the
    /// body at once, as the API's 422 lists them, followed by the first value of another type the types
    /// met (they stop there: a second one is not looked for).
    pub fn decode_request(
        &self,
        path: &Map<String, Value>,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<Incoming, Error> {
        self.object_body(body)?;
        (self.incoming)(path, query, body).map_err(|error| self.with_every_missing_field(error, body))
    }

    /// `error`, a request's refusal by the types, with every required field of the body that is missing
    /// or `null` named first (the types stop at the first thing that does not fit).
    fn with_every_missing_field(&self, error: Error, body: Option<&Value>) -> Error {
        let Error::InvalidRequest(invalid) = &error else { return error };
        let given = body.and_then(Value::as_object);
        let absent = |name: &str| given.and_then(|fields| fields.get(name)).is_none_or(Value::is_null);
        let missing: Vec<String> = self
            .body_fields()
            .into_iter()
            .filter(|f| f.required && absent(f.name))
            .map(|f| format!("body.{}", f.name))
            .collect();
        if missing.iter().all(|field| invalid.problems.iter().any(|p| &p.field == field)) {
            return error;
        }
        let mut problems: Vec<FieldError> = missing.iter().map(|field| FieldError::new(field, "is required")).collect();
        problems.extend(invalid.problems.iter().filter(|p| !missing.contains(&p.field)).cloned());
        Error::invalid_fields(self.id, problems)
    }

    /// Matches a request path (percent-encoded, from the host root) against this operation's template,
    /// giving the decoded path parameters.
    pub fn match_path(&self, path: &str) -> Option<Map<String, Value>> {
        // The shape first, with nothing decoded or allocated but a literal segment sent percent-encoded
        // (`%65vents` is `events`, RFC 3986, 6.2.2.2): of the 127 templates, one or two fit a path.
        let is_param = |t: &str| t.starts_with('{') && t.ends_with('}');
        let literal = |t: &str, a: &str| t == a || (a.contains('%') && encode::percent_decode(a) == t.as_bytes());
        let (mut template, mut actual) = (self.path.split('/'), path.split('/'));
        loop {
            match (template.next(), actual.next()) {
                (None, None) => break,
                (Some(t), Some(a)) if (is_param(t) && !a.is_empty()) || literal(t, a) => {}
                _ => return None,
            }
        }
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
                (Some(t), Some(a)) if literal(t, a) => {}
                _ => return None,
            }
        }
    }
}

/// An incoming request decoded into its typed operation ([`OperationInfo::decode_request`]).
pub struct Incoming {
    id: &'static str,
    operation: Box<dyn Any + Send + Sync>,
    validate: fn(&(dyn Any + Send + Sync)) -> Result<(), Error>,
    before_sending: fn(&(dyn Any + Send + Sync)) -> Result<(), Error>,
    undocumented: fn(&(dyn Any + Send + Sync)) -> Vec<String>,
}

impl Incoming {
    fn new<O: Operation + serde::Serialize + 'static>(operation: O) -> Self {
        Self {
            id: O::ID,
            operation: Box::new(operation),
            validate: |operation| checks_erased::<O>(operation, O::validate_received),
            before_sending: |operation| checks_erased::<O>(operation, O::validate),
            undocumented: undocumented_erased::<O>,
        }
    }

    /// The operation's id.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// Runs the checks a server answering as the API does runs ([`Operation::validate_received`]): the
    /// bounds the reference documents, and the forms of values and order of two values the API refuses.
    pub fn validate(&self) -> Result<(), Error> {
        (self.validate)(self.operation.as_ref())
    }

    /// Runs the checks a client runs before sending the request ([`Operation::validate`]): the bounds the
    /// reference documents, not the forms of values, which it leaves to the API.
    pub fn validate_before_sending(&self) -> Result<(), Error> {
        (self.before_sending)(self.operation.as_ref())
    }

    /// Where the request holds an enum value the reference does not list (`query.status`, `body.events.1`),
    /// in the order they are written. The types keep such a value (as `Unknown`) so that a client reads
    /// what a newer API sends; a server answering as the API does refuses it.
    pub fn undocumented_values(&self) -> Vec<String> {
        (self.undocumented)(self.operation.as_ref())
    }

    /// The typed operation, if it is an `O`.
    pub fn get<O: Operation + 'static>(&self) -> Option<&O> {
        self.operation.downcast_ref()
    }

    /// The typed operation, if it is an `O`; otherwise the request back.
    pub fn into_operation<O: Operation + 'static>(self) -> Result<O, Self> {
        let Self { id, operation, validate, before_sending, undocumented } = self;
        operation.downcast().map(|o| *o).map_err(|operation| Self {
            id,
            operation,
            validate,
            before_sending,
            undocumented,
        })
    }
}

impl std::fmt::Debug for Incoming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Incoming").field("id", &self.id).finish_non_exhaustive()
    }
}

fn undocumented_erased<O: Operation + serde::Serialize + 'static>(operation: &(dyn Any + Send + Sync)) -> Vec<String> {
    operation.downcast_ref::<O>().map(crate::undocumented::paths).unwrap_or_default()
}

/// Runs `checks` (a server's or a client's) on the typed operation held as `operation`.
fn checks_erased<O: Operation + 'static>(
    operation: &(dyn Any + Send + Sync),
    checks: fn(&O) -> Result<(), Error>,
) -> Result<(), Error> {
    match operation.downcast_ref::<O>() {
        Some(operation) => checks(operation),
        None => Err(Error::invalid_request(O::ID, None, "not a request of this operation")),
    }
}

/// Deserializes an operation from its JSON fields (path parameters by name, `query`, `body`), through
/// text rather than `from_value`, so that types reading raw JSON numbers (`Decimal`) work.
/// A failure names where, found from the error's position (see [`crate::json_path`]).
///
/// Read from bytes, like answers are, so the types an operation shares with responses (identifiers, enums,
/// amounts) have one `Deserialize` compiled, not one per reader.
fn operation_from_json<O: Operation + DeserializeOwned>(fields: &Value) -> Result<O, (String, serde_json::Error)> {
    let text = fields.to_string();
    serde_json::from_slice(text.as_bytes()).map_err(|e| {
        let (path, guessed) = crate::json_path::of_guessed(text.as_bytes(), &e);
        let path = if guessed { confirmed(fields, path, &e, &from_fields::<O>) } else { path };
        (path, e)
    })
}

/// Whether `fields` read as `O`, or the error they gave (its message, without the position).
fn from_fields<O: DeserializeOwned>(fields: Value) -> Result<(), String> {
    serde_json::from_value::<O>(fields).map(drop).map_err(|e| without_position(&e.to_string()))
}

/// Checks a member named by its position alone ([`json_path::of_guessed`](crate::json_path::of_guessed)):
/// a struct that reads some members through another (`#[serde(flatten)]`), or an enum told apart by a
/// tag, fails at its end, whichever member is at fault. The member at fault is the one without which the
/// error goes away (or becomes another than its own absence); when the guessed member is not, its siblings
/// are tried, then the one place holding the value the error quotes, and when none is, the error is about
/// their container.
fn confirmed(
    fields: &Value,
    path: String,
    e: &serde_json::Error,
    decode: &dyn Fn(Value) -> Result<(), String>,
) -> String {
    let message = without_position(&e.to_string());
    // Only an object's member is checked (the last element of a list is what the position says it is).
    let Some((parent, guessed)) = path.rsplit_once('.').map(|(p, k)| (p.to_owned(), k.to_owned())) else {
        return path;
    };
    if guessed.contains('[') || parent.contains('[') {
        return path;
    }
    let Some(Value::Object(members)) = parent.split('.').try_fold(fields, |value, key| value.get(key)) else {
        return path;
    };
    // Without `key`: `Some(true)` when the error goes, `Some(false)` when it stays, `None` when the
    // only new error is that `key` is missing (a required member: no answer either way).
    let without = |key: &str| -> Option<bool> {
        let mut trial = fields.clone();
        let object = parent.split('.').try_fold(&mut trial, |value, k| value.get_mut(k))?.as_object_mut()?;
        object.remove(key);
        match decode(trial) {
            Ok(()) => Some(true),
            Err(other) if other.starts_with(&format!("missing field `{key}`")) => None,
            Err(other) => Some(other != message),
        }
    };
    let guess = without(&guessed);
    if guess == Some(true) {
        return path;
    }
    // Each trial reads the whole document again: a few dozen members are tried, not a hostile thousand.
    let others: Vec<&String> = members.keys().filter(|key| **key != guessed).take(MEMBERS_TRIED).collect();
    if let Some(key) = others.into_iter().find(|key| without(key) == Some(true)) {
        return format!("{parent}.{key}");
    }
    // A required member cannot be taken out to see: the value the message quotes is the one at fault, when
    // it stands once in the object (at any depth: `days_of_week.0`).
    if let Some(quoted) = quoted_value(&message) {
        let mut found = Vec::new();
        paths_of(&Value::Object(members.clone()), &quoted, &parent, &mut found);
        if let [only] = found.as_slice() {
            return only.clone();
        }
    }
    match guess {
        // Required, and no other member is at fault: it is.
        None => path,
        _ => parent,
    }
}

/// The value a decoder's message quotes as the one it could not take (`invalid type: integer `5``,
/// `invalid value: string "25:00"`, `invalid type: null`, or the core's own `"9 o'clock" is not a time of
/// day …`), for the scalar kinds it quotes.
fn quoted_value(message: &str) -> Option<Value> {
    if message.starts_with('"') {
        return debug_quoted(message).map(Value::String);
    }
    let rest = message.strip_prefix("invalid type: ").or_else(|| message.strip_prefix("invalid value: "))?;
    // A `null` where a value was needed (`invalid type: null, expected a date …`).
    if rest.starts_with("null,") {
        return Some(Value::Null);
    }
    let (kind, rest) = rest.split_once(' ')?;
    match kind {
        "string" => debug_quoted(rest).map(Value::String),
        "integer" | "boolean" | "floating" => {
            let rest = if kind == "floating" { rest.strip_prefix("point ")? } else { rest };
            let literal = rest.strip_prefix('`')?.split('`').next()?;
            serde_json::from_str(literal).ok()
        }
        _ => None,
    }
}

/// Adds to `found` the path (below `path`) of each place `target` stands in `value`, itself included.
fn paths_of(value: &Value, target: &Value, path: &str, found: &mut Vec<String>) {
    if value == target {
        found.push(path.to_owned());
        return;
    }
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                paths_of(item, target, &format!("{path}.{i}"), found);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                paths_of(member, target, &format!("{path}.{key}"), found);
            }
        }
        _ => {}
    }
}

/// The text at the start of `text` written as Rust writes a `str` with `{:?}`: quoted, with escapes.
fn debug_quoted(text: &str) -> Option<String> {
    let body = text.strip_prefix('"')?;
    let mut escaped = false;
    let end = body.char_indices().find_map(|(i, c)| match (escaped, c) {
        (false, '"') => Some(i),
        (false, '\\') => {
            escaped = true;
            None
        }
        _ => {
            escaped = false;
            None
        }
    })?;
    serde_json::from_str(&format!("\"{}\"", &body[..end])).ok()
}

/// How many other members of an object [`confirmed`] tries.
const MEMBERS_TRIED: usize = 64;

/// A decoder's message without the position in the document the fields were assembled into, which the
/// caller never saw.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => message[..at].to_owned(),
        _ => message.to_owned(),
    }
}

/// The error for parameters that do not fit an operation's types, naming the field at fault as the
/// API's errors and the operations' own checks do: `body.days_of_week.1` where the decoder's path says
/// `body.days_of_week[1]`.
fn misfit(id: &'static str, (path, e): &(String, serde_json::Error)) -> Error {
    let path = path.replace('[', ".").replace(']', "");
    let mut message = without_position(&e.to_string());
    // A text quoted as not fitting that holds a secret field (broken JSON meant for an action's `config`:
    // `{"password": "…",}`) is not repeated.
    // A key of that JSON stands between two escaped quotes: any piece between them is looked at, as an
    // escaped quote inside a value shifts which pieces are keys.
    if message.split("\\\"").skip(1).any(crate::secret::is_secret_field) {
        message = crate::error::hide_string_values(&message);
    }
    if let Some(missing) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        let field = match path.as_str() {
            "" | "." => missing.to_owned(),
            parent => format!("{parent}.{missing}"),
        };
        return Error::invalid_request(id, Some(&field), "is required");
    }
    Error::invalid_request(id, Some(&path), format!("the parameters do not fit the operation's types: {message}"))
}

fn decode_incoming<O: Operation + DeserializeOwned + serde::Serialize + 'static>(
    path: &Map<String, Value>,
    query: &[(String, String)],
    body: Option<&Value>,
) -> Result<Incoming, Error> {
    decode_incoming_erased(O::ID, O::PATH, path, query, body, &|fields| {
        operation_from_json::<O>(fields).map(Incoming::new)
    })
}

/// Where JSON fields do not fit an operation's types, and the error they gave.
type Misfit = (String, serde_json::Error);

/// Reads an operation from its JSON fields, or names where they do not fit.
type DecodeOperation<'a> = &'a dyn Fn(&Value) -> Result<Incoming, Misfit>;

/// The part of [`decode_incoming`] that does not depend on the operation's type: `decode` reads the
/// operation from its JSON fields.
fn decode_incoming_erased(
    id: &'static str,
    template: &'static str,
    path: &Map<String, Value>,
    query: &[(String, String)],
    body: Option<&Value>,
    decode: DecodeOperation<'_>,
) -> Result<Incoming, Error> {
    let mut fields = Map::new();
    for name in encode::path_placeholders(template) {
        let value = path.get(name).and_then(Value::as_str).unwrap_or_default();
        fields.insert(name.to_owned(), Value::String(value.to_owned()));
    }
    let mut pairs = Map::new();
    for (name, value) in query {
        let value = Value::String(value.clone());
        match name.strip_suffix("[]") {
            Some(list) => match pairs.entry(list).or_insert_with(|| Value::Array(Vec::new())) {
                Value::Array(items) => items.push(value),
                single => *single = Value::Array(vec![single.take(), value]),
            },
            None => {
                pairs.insert(name.clone(), value);
            }
        }
    }
    fields.insert("query".to_owned(), Value::Object(pairs));
    let given = body.filter(|b| !b.is_null());
    if let Some(body) = given {
        fields.insert("body".to_owned(), body.clone());
    }
    let mut fields = Value::Object(fields);
    match read_fitting_query(&mut fields, decode) {
        // No body where the operation takes an object: read as `{}`, as the API reads a request without
        // one, so that an update whose fields are all optional changes nothing, and one with required
        // fields names them (`body.name`) rather than the body. A body of another shape stays required.
        Err(e) if given.is_none() && is_missing_body(&e) => {
            if let Some(fields) = fields.as_object_mut() {
                fields.insert("body".to_owned(), Value::Object(Map::new()));
            }
            read_fitting_query(&mut fields, decode).map_err(|again| {
                let shape = again.0 == "body" && !again.1.to_string().starts_with("missing field");
                misfit(id, if shape { &e } else { &again })
            })
        }
        read => read.map_err(|e| misfit(id, &e)),
    }
}

/// Whether a decoder's error is for a body the operation requires and the request lacks.
fn is_missing_body((path, e): &Misfit) -> bool {
    matches!(path.as_str(), "" | ".") && without_position(&e.to_string()) == "missing field `body`"
}

/// Reads an operation (through `decode`) from its JSON fields, reading a query value given as text again
/// where the operation's type wants a number, a boolean or a list: query strings carry text, and so do
/// command lines and recordings of them. A value that fits no reading is left as it is, and the first
/// error it gives is returned. At most two readings per value (text to a list, then its item to a number).
fn read_fitting_query<T>(fields: &mut Value, decode: &dyn Fn(&Value) -> Result<T, Misfit>) -> Result<T, Misfit> {
    let values = fields
        .get("query")
        .and_then(Value::as_object)
        .map_or(0, |query| query.values().map(|v| v.as_array().map_or(1, Vec::len)).sum::<usize>());
    for _ in 0..=2 * values {
        match decode(fields) {
            Ok(read) => return Ok(read),
            Err(e) => {
                let message = e.1.to_string();
                let wants = Wants {
                    list: message.contains("expected a sequence"),
                    text: message.contains("expected a string"),
                    boolean: message.contains("expected a boolean"),
                };
                let retry = e.0.strip_prefix("query.").is_some_and(|name| {
                    fields.get_mut("query").is_some_and(|query| reread_query_value(query, name, wants))
                });
                if !retry {
                    return Err(e);
                }
            }
        }
    }
    decode(fields)
}

/// What a query value's type wants, as the decoder's refusal says it.
#[derive(Clone, Copy)]
struct Wants {
    list: bool,
    text: bool,
    boolean: bool,
}

/// Reads the query value at `name` (`page`, `status[1]`) of the query object `query` again: as a one-item
/// list when its type wants a list, a number or boolean as its text when the type wants text, `1` and `0`
/// as `true` and `false` when it wants a boolean (as the API's validation reads them, and query encoders
/// write them), else its text as a number or a boolean. Whether it changed anything.
fn reread_query_value(query: &mut Value, name: &str, wants: Wants) -> bool {
    let (name, index) = match name.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
        None => (name, None),
    };
    let Some(slot) = query.get_mut(name) else {
        return false;
    };
    let slot = match index {
        Some(i) => match slot.get_mut(i) {
            Some(item) => item,
            None => return false,
        },
        None => slot,
    };
    // A number or a boolean where text is wanted (`search=1234`) is the text a query string carries.
    if wants.text && matches!(slot, Value::Number(_) | Value::Bool(_)) {
        *slot = Value::String(slot.to_string());
        return true;
    }
    if wants.boolean {
        let flag = match &*slot {
            Value::Number(n) => n.as_u64(),
            Value::String(text) => text.trim().parse::<u64>().ok(),
            _ => None,
        };
        if let Some(flag @ (0 | 1)) = flag {
            *slot = Value::Bool(flag == 1);
            return true;
        }
    }
    let Value::String(text) = slot else {
        return false;
    };
    let reread = if wants.list && index.is_none() {
        Value::Array(vec![Value::String(text.clone())])
    } else if let Ok(n) = text.parse::<u64>() {
        Value::from(n)
    } else if let Ok(n) = text.parse::<i64>() {
        Value::from(n)
    } else if let Some(n) = text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
        Value::Number(n)
    } else if let Ok(b) = text.parse::<bool>() {
        Value::Bool(b)
    } else {
        return false;
    };
    *slot = reread;
    true
}

fn build_from_params<O: Operation + DeserializeOwned>(
    params: &Params,
    config: &ClientConfig,
) -> Result<HttpRequest, Error> {
    let mut fields = params_fields(O::ID, O::PATH, params)?;
    let operation: O = read_fitting_query(&mut fields, &operation_from_json::<O>).map_err(|e| misfit(O::ID, &e))?;
    build_request(&operation, config)
}

/// The JSON fields an operation deserializes from, given its registry parameters.
fn params_fields(id: &'static str, template: &'static str, params: &Params) -> Result<Value, Error> {
    let mut fields = Map::new();
    for name in encode::path_placeholders(template) {
        let value = match params.path.get(name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(Error::invalid_request(id, Some(name), "a path parameter must be a string")),
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
    Ok(Value::Object(fields))
}

fn decode_to_json<O: Operation>(response: HttpResponse) -> Result<Value, Error> {
    let body = decode_body::<O>(response)?;
    serde_json::to_value(&body).map_err(|e| unserializable(O::ID, e))
}

fn unserializable(id: &'static str, e: serde_json::Error) -> Error {
    Error::invalid_request(id, None, format!("could not serialize the response: {e}"))
}

/// The field names of `O` (`part` `None`: path parameters, `query`, `body`) or of the struct in its field
/// `part`, read from its `Deserialize` implementation: the names a derived implementation hands to
/// `deserialize_struct`, renames applied (see `names::Probe`). Empty when there is no such struct.
fn names_of<O: Operation + DeserializeOwned>(part: Option<&'static str>) -> &'static [&'static str] {
    let mut found = None;
    let _ = O::deserialize(names::Probe { descend: part, goal: names::Goal::Names(&mut found) });
    found.unwrap_or(&[])
}

/// The field names of the struct `T`, as [`names_of`] reads them. Empty when `T` is no struct.
fn names_of_type<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut found = None;
    let _ = T::deserialize(names::Probe { descend: None, goal: names::Goal::Names(&mut found) });
    found.unwrap_or(&[])
}

/// The fields of the struct in `O`'s field `part` (`body`, `query`): the names, then for each one what
/// the field's own `Deserialize` asks of the data (see `names::Kind`). Empty when `O` has no such field.
/// A field no value fits (an agent webhook's `include_call_events`) is left out: it is no field to give.
fn fields_of<O: Operation + DeserializeOwned>(part: &'static str) -> Vec<FieldInfo> {
    let field = |name: &'static str| {
        let mut reading = names::Reading::default();
        let goal = names::Goal::Field(name, &mut reading);
        let _ = O::deserialize(names::Probe { descend: Some(part), goal });
        let info = FieldInfo { name, required: !reading.optional, reads: reading.words };
        (!reading.fits_nothing).then_some(info)
    };
    names_of::<O>(Some(part)).iter().filter_map(|&name| field(name)).collect()
}

/// Adds to `lost` the paths (below `path`) of the fields of `given` that `sent` lacks, and to `nulls` those
/// of the ones given as `null` (read as "unset", not lost).
fn dropped_fields(given: &Value, sent: &Value, path: &str, lost: &mut Vec<String>, nulls: &mut Vec<String>) {
    match (given, sent) {
        (Value::Object(given), Value::Object(sent)) => {
            for (key, value) in given {
                let at = format!("{path}.{key}");
                match sent.get(key) {
                    Some(kept) => dropped_fields(value, kept, &at, lost, nulls),
                    None if value.is_null() => nulls.push(at),
                    None => lost.push(at),
                }
            }
        }
        (Value::Array(given), Value::Array(sent)) if given.len() == sent.len() => {
            for (i, (value, kept)) in given.iter().zip(sent).enumerate() {
                dropped_fields(value, kept, &format!("{path}.{i}"), lost, nulls);
            }
        }
        _ => {}
    }
}

mod names {
    use serde::de::{self, DeserializeSeed, Deserializer, Expected, MapAccess, SeqAccess, Visitor};

    /// What a probe records where it arrives.
    pub(super) enum Goal<'a> {
        /// The field names of the struct.
        Names(&'a mut Option<&'static [&'static str]>),
        /// What the struct's field of this name reads.
        Field(&'static str, &'a mut Reading),
    }

    /// What one field reads, in words, whether its type is an `Option`, and whether no value fits it (see
    /// `operation::FITS_NOTHING`).
    #[derive(Default)]
    pub(super) struct Reading {
        pub(super) optional: bool,
        pub(super) words: String,
        pub(super) fits_nothing: bool,
    }

    /// A deserializer that reads no data: it walks into the struct field `descend` (when the struct has
    /// one) and, in the struct it finds there, records what its goal asks, then stops with an error.
    pub(super) struct Probe<'a> {
        pub(super) descend: Option<&'static str>,
        pub(super) goal: Goal<'a>,
    }

    use crate::undocumented::Stop;

    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = Stop;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Stop> {
            match (self.descend, self.goal) {
                (Some(field), goal) if fields.contains(&field) => {
                    visitor.visit_map(Descend { field: Some(field), next: Some(Next::Probe(goal)) })
                }
                (None, Goal::Names(found)) => {
                    *found = Some(fields);
                    Err(Stop)
                }
                (None, Goal::Field(field, reading)) if fields.contains(&field) => {
                    visitor.visit_map(Descend { field: Some(field), next: Some(Next::Kind(reading)) })
                }
                _ => Err(Stop),
            }
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    /// What reads the value of the one entry of a [`Descend`].
    enum Next<'a> {
        Probe(Goal<'a>),
        Kind(&'a mut Reading),
    }

    /// The one entry `field` of a map, whose value is probed.
    struct Descend<'a> {
        field: Option<&'static str>,
        next: Option<Next<'a>>,
    }

    impl<'de> MapAccess<'de> for Descend<'_> {
        type Error = Stop;

        fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Stop> {
            match self.field {
                Some(field) => seed.deserialize(de::value::BorrowedStrDeserializer::new(field)).map(Some),
                None => Ok(None),
            }
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
            self.field = None;
            match self.next.take() {
                Some(Next::Probe(goal)) => seed.deserialize(Probe { descend: None, goal }),
                Some(Next::Kind(reading)) => seed.deserialize(Kind { reading, depth: 0 }),
                None => Err(Stop),
            }
        }
    }

    /// A deserializer that reads no data and writes down, in words, what the value's `Deserialize` asks
    /// for (looking through options, newtypes and one list element), then stops.
    struct Kind<'a> {
        reading: &'a mut Reading,
        depth: u8,
    }

    impl Kind<'_> {
        fn say<T>(self, words: &str) -> Result<T, Stop> {
            self.reading.words.push_str(words);
            Err(Stop)
        }

        /// What a visitor expects, where it says more than its kind (an enum's values, a date's form).
        fn expected<'de, T>(self, kind: &str, plain: &str, visitor: &impl Visitor<'de>) -> Result<T, Stop> {
            match noun(plain, visitor) {
                Some(noun) => self.say(&noun),
                None => self.say(kind),
            }
        }
    }

    impl Kind<'_> {
        /// An integer, with what its visitor says where that says more than the primitive's name:
        /// `integer (weekday number from 1 (Monday) to 7 (Sunday))`.
        fn integer<'de, T>(self, plain: &str, visitor: &impl Visitor<'de>) -> Result<T, Stop> {
            match noun(plain, visitor) {
                Some(noun) => self.say(&format!("integer ({noun})")),
                None => self.say("integer"),
            }
        }
    }

    /// What a visitor says it expects, without its article, where that is not `plain` (what the
    /// primitive's own visitor says).
    fn noun<'de>(plain: &str, visitor: &impl Visitor<'de>) -> Option<String> {
        let expecting = format!("{}", visitor as &dyn Expected);
        if expecting == plain {
            return None;
        }
        let noun = expecting.strip_prefix("an ").or_else(|| expecting.strip_prefix("a ")).unwrap_or(&expecting);
        Some(noun.to_owned())
    }

    macro_rules! kinds {
        ($($method:ident => $words:literal),* $(,)?) => {
            $(fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
                self.say($words)
            })*
        };
    }

    /// The integer methods of [`Kind`]: `$plain` is what the primitive's own visitor expects.
    macro_rules! integers {
        ($($method:ident => $plain:literal),* $(,)?) => {
            $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
                self.integer($plain, &visitor)
            })*
        };
    }

    impl<'de> Deserializer<'de> for Kind<'_> {
        type Error = Stop;

        kinds! {
            deserialize_bool => "boolean",
            deserialize_f32 => "number", deserialize_f64 => "number",
            deserialize_bytes => "text", deserialize_byte_buf => "text", deserialize_identifier => "text",
            deserialize_unit => "null", deserialize_map => "object",
        }

        // A whole number, or what its own visitor says it is (a weekday's number from 1 to 7).
        integers! {
            deserialize_i8 => "i8", deserialize_i16 => "i16", deserialize_i32 => "i32", deserialize_i64 => "i64",
            deserialize_i128 => "i128", deserialize_u8 => "u8", deserialize_u16 => "u16", deserialize_u32 => "u32",
            deserialize_u64 => "u64", deserialize_u128 => "u128",
        }

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            self.expected("any JSON value", "", &visitor)
        }

        fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            self.deserialize_any(visitor)
        }

        fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            self.expected("text", "a character", &visitor)
        }

        fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            self.expected("text", "a string", &visitor)
        }

        fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            self.expected("text", "a string", &visitor)
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            if self.depth == 0 && self.reading.words.is_empty() {
                self.reading.optional = true;
            } else {
                self.reading.words.push_str("null or ");
            }
            visitor.visit_some(self)
        }

        fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, _: V) -> Result<V::Value, Stop> {
            self.say("null")
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Stop> {
            // Only the field's own type: a list of such values still fits an empty list.
            if name == crate::operation::FITS_NOTHING && self.depth == 0 {
                self.reading.fits_nothing = true;
                return Err(Stop);
            }
            // JSON kept as written: what `Decimal` reads, a number or a numeric string.
            if name == crate::decimal::RAW_VALUE_TOKEN {
                return self.say("decimal (a number or a numeric string)");
            }
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            if self.depth >= 4 {
                return self.say("a list");
            }
            self.reading.words.push_str("list of ");
            visitor.visit_seq(Element(Some(Kind { reading: self.reading, depth: self.depth + 1 })))
        }

        fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Stop> {
            self.deserialize_seq(visitor)
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            _: usize,
            visitor: V,
        ) -> Result<V::Value, Stop> {
            self.deserialize_seq(visitor)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.say(&format!("object ({})", fields.join(", ")))
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.say(&format!("one of {}", variants.join(", ")))
        }
    }

    /// The one element of a list, probed by its [`Kind`].
    struct Element<'a>(Option<Kind<'a>>);

    impl<'de> SeqAccess<'de> for Element<'_> {
        type Error = Stop;

        fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Stop> {
            match self.0.take() {
                Some(kind) => seed.deserialize(kind).map(Some),
                None => Ok(None),
            }
        }
    }
}

/// Markdown as plain text: a link `[text](target)` or `[text]` as its text, code marks (`` ` ``) taken
/// away.
fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    // Bounded: each turn consumes at least one character of `rest`.
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            if let Some((text, after)) = rest[1..].split_once(']').filter(|(text, _)| !text.contains('[')) {
                let tail = match after.strip_prefix('(').and_then(|target| target.split_once(')')) {
                    Some((_, tail)) => tail,
                    None => after,
                };
                out.push_str(&plain_text(text));
                rest = tail;
                continue;
            }
        }
        if c != '`' {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod text_query_tests {
    use serde_json::json;

    use super::*;

    /// Every operation says what it does in a sentence of plain text, from its declaration's docs.
    #[test]
    fn every_operation_has_a_plain_summary() {
        for op in crate::registry::operations() {
            let summary = op.summary();
            assert!(summary.len() > 10 && summary.ends_with('.'), "{}: {summary:?}", op.id);
            assert!(
                !summary.contains("](") && !summary.contains('`') && !summary.contains('\n'),
                "{}: {summary}",
                op.id
            );
        }
        let summary = |id| crate::registry::operation(id).unwrap().summary();
        assert_eq!(summary("delete-webhook"), "Delete a webhook of an agent, for good.");
        assert_eq!(plain_text("[Get `x`](https://a.b/c) and [y](crate::Y) [not a link"), "Get x and y [not a link");
        assert_eq!(plain_text("as [ListCalls] does, [`Z`]."), "as ListCalls does, Z.");
    }

    /// The operations whose reference pages say the agent "will be set to draft" are declared so, and no
    /// other.
    #[test]
    fn the_operations_that_take_an_agent_back_to_draft_say_so() {
        let mut drafting: Vec<_> =
            crate::registry::operations().filter(|op| op.unpublishes_agent).map(|op| op.id).collect();
        drafting.sort_unstable();
        let pages = [
            "create-action",
            "create-training",
            "delete-action",
            "delete-training",
            "update-agent-knowledge",
            "update-agent-voice",
        ];
        assert_eq!(drafting, pages);
    }

    #[test]
    fn the_value_a_decoder_quotes_is_read_back() {
        let error = |json: &str| serde_json::from_str::<u32>(json).unwrap_err().to_string();
        assert_eq!(quoted_value(&without_position(&error(r#""say \"hi\", twice""#))), Some(json!("say \"hi\", twice")));
        assert_eq!(quoted_value(&without_position(&error("-5"))), Some(json!(-5)));
        assert_eq!(quoted_value(&without_position(&error("true"))), Some(json!(true)));
        assert_eq!(quoted_value(&without_position(&error("2.5"))), Some(json!(2.5)));
        assert_eq!(quoted_value(&without_position(&error("[1]"))), None, "a list is not quoted");
    }

    #[test]
    fn a_server_finds_the_enum_values_the_reference_does_not_list() {
        let op = crate::registry::operation("list-calls").unwrap();
        let query = [("status".to_owned(), "teleported".to_owned()), ("direction".to_owned(), "inbound".to_owned())];
        let incoming = op.decode_request(&Map::new(), &query, None).unwrap();
        assert_eq!(incoming.undocumented_values(), ["query.status"]);
        let documented = [("status".to_owned(), "completed".to_owned())];
        assert!(op.decode_request(&Map::new(), &documented, None).unwrap().undocumented_values().is_empty());
    }

    #[test]
    fn body_fields_say_what_the_types_read() {
        let fields = crate::registry::operation("create-campaign").unwrap().body_fields();
        let field = |name: &str| fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(fields[0].name, "name", "in the order of the declaration");
        assert!(field("name").required && !field("description").required);
        assert_eq!(field("name").reads, "text");
        assert_eq!(field("campaign_type").reads, "CampaignType string (sales, follow_up, reminder, custom)");
        assert_eq!(field("days_of_week").reads, "list of integer (weekday number from 1 (Monday) to 7 (Sunday))");
        assert_eq!(field("start_date").reads, "date written YYYY-MM-DD");
        assert_eq!(field("max_retries").reads, "integer");
        assert_eq!(field("call_time_ranges").reads, "list of object (start, end)");
        assert_eq!(field("auto_complete").reads, "boolean");
        let get = crate::registry::operation("get-agent").unwrap();
        assert!(get.body_fields().is_empty() && !get.has_body());
        let publish = crate::registry::operation("publish-agent").unwrap();
        assert!(!publish.has_body(), "a POST that sends no body");
        assert!(crate::registry::operation("create-campaign").unwrap().has_body());
        let amount = crate::registry::operation("purchase-credits").unwrap().body_fields();
        assert_eq!(amount[0].reads, "decimal (a number or a numeric string)");
        let query = crate::registry::operation("list-calls").unwrap().query_fields();
        let status = query.iter().find(|f| f.name == "status").unwrap();
        assert!(!status.required && status.reads.starts_with("CallFilterStatus string (initiated, "), "{status:?}");
        assert!(!status.reads.contains("queued"), "a campaign call's status is no call list's filter: {status:?}");
        // A campaign webhook's body lists the settings every webhook has and its own.
        let hook = crate::registry::operation("create-campaign-webhook").unwrap().body_fields();
        let names: Vec<&str> = hook.iter().map(|f| f.name).collect();
        assert_eq!(names[..3], ["name", "webhook_url", "events"]);
        assert!(names.contains(&"timeout") && names.contains(&"include_call_events"), "{names:?}");
        let own = hook.iter().find(|f| f.name == "include_call_events").unwrap();
        assert_eq!((own.required, own.reads.as_str()), (false, "boolean"));
        // An agent webhook's body has no value for it, so it is no field of the agent operations.
        for id in ["create-webhook", "update-webhook"] {
            let fields = crate::registry::operation(id).unwrap().body_fields();
            assert!(fields.iter().any(|f| f.name == "timeout"), "{id}: {fields:?}");
            assert!(fields.iter().all(|f| f.name != "include_call_events"), "{id}: {fields:?}");
        }
    }

    fn wants(list: bool, text: bool, boolean: bool) -> Wants {
        Wants { list, text, boolean }
    }

    #[test]
    fn query_text_is_read_again_as_the_types_want() {
        let mut query = json!({"page": "2", "status": "queued", "tags": ["a", "3"]});
        assert!(reread_query_value(&mut query, "page", wants(false, false, false)));
        assert!(reread_query_value(&mut query, "status", wants(true, false, false)));
        assert!(reread_query_value(&mut query, "tags[1]", wants(false, false, false)));
        assert_eq!(query, json!({"page": 2, "status": ["queued"], "tags": ["a", 3]}));
        assert!(!reread_query_value(&mut query, "page", wants(false, false, false)));
        assert!(!reread_query_value(&mut query, "missing", wants(false, false, false)));
        let mut words = json!({"per_page": "abc"});
        assert!(!reread_query_value(&mut words, "per_page", wants(false, false, false)));
        let mut numbers = json!({"search": 1234, "flag": true});
        assert!(reread_query_value(&mut numbers, "search", wants(false, true, false)));
        assert!(reread_query_value(&mut numbers, "flag", wants(false, true, false)));
        assert_eq!(numbers, json!({"search": "1234", "flag": "true"}));
        // A boolean written 1 or 0, as text or as a number (already read as one).
        let mut flags = json!({"has_voice": "1", "active": 0, "other": "2"});
        assert!(reread_query_value(&mut flags, "has_voice", wants(false, false, true)));
        assert!(reread_query_value(&mut flags, "active", wants(false, false, true)));
        reread_query_value(&mut flags, "other", wants(false, false, true));
        assert_eq!(flags["other"], json!(2), "only 1 and 0 are booleans");
        assert_eq!((&flags["has_voice"], &flags["active"]), (&json!(true), &json!(false)));
    }

    #[test]
    fn text_query_values_fit_the_operation_or_the_build_error_is_returned() {
        let config = ClientConfig::new("talq_test").unwrap();
        let op = crate::registry::operation("list-calls").unwrap();
        let query = json!({"per_page": "50", "page": "2", "status": "busy", "search": "+1555"});
        let params = Params { query: Some(query), ..Params::default() };
        let request = op.build_request(&params, &config).unwrap();
        let sent = request.uri().query().unwrap();
        assert!(sent.contains("per_page=50") && sent.contains("page=2"), "{sent}");
        assert!(op.left_out(&params, &request).is_empty());

        let params = Params { query: Some(json!({"per_page": "many"})), ..Params::default() };
        let error = op.build_request(&params, &config).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidRequest);
        assert_eq!(error.field_errors()[0].field, "query.per_page");
        assert!(!error.to_string().contains(" at line "), "{error}");
        let params = Params { query: Some(json!({"per_page": "500"})), ..Params::default() };
        let error = op.build_request(&params, &config).unwrap_err();
        assert_eq!(error.field_errors()[0].field, "per_page", "read as a number, then out of bounds");
    }

    #[test]
    fn a_misfit_value_is_named_even_in_a_body_read_in_one_piece() {
        let config = ClientConfig::new("talq_test").unwrap();
        let field_of = |id: &str, path: Value, body: Value| {
            let op = crate::registry::operation(id).unwrap();
            let params = Params { path: path.as_object().cloned().unwrap(), body: Some(body), ..Params::default() };
            let error = op.build_request(&params, &config).unwrap_err();
            assert_eq!(error.kind(), crate::ErrorKind::InvalidRequest, "{error}");
            error.field_errors()[0].field.clone()
        };
        // An availability rule is read whole before its `type` picks the variant: the error comes at the
        // body's end, after `end_time`, the last member; the value at fault is another.
        let calendar = json!({"calendar_id": "calendar-uuid-1"});
        let rule = json!({"type": "recurring", "timezone": 5, "days_of_week": [1], "start_time": "09:00",
            "end_time": "17:00"});
        assert_eq!(field_of("create-availability-rule", calendar.clone(), rule), "body.timezone");
        // A required member at fault cannot be taken out to see: the one holding the quoted value is named.
        let rule = json!({"type": "recurring", "days_of_week": [1], "start_time": "09:00", "end_time": 5});
        assert_eq!(field_of("create-availability-rule", calendar.clone(), rule), "body.end_time");
        let rule = json!({"type": "recurring", "days_of_week": [1], "start_time": true, "end_time": "17:00"});
        assert_eq!(field_of("create-availability-rule", calendar.clone(), rule), "body.start_time");
        let rule = json!({"type": "recurring", "days_of_week": [1], "start_time": "9 o'clock", "end_time": "17:00"});
        assert_eq!(
            field_of("create-availability-rule", calendar.clone(), rule),
            "body.start_time",
            "the core's own message"
        );
        // The quoted value stands in another member's list: there it is named; standing twice, neither is.
        let rule = json!({"type": "recurring", "days_of_week": ["1"], "start_time": "09:00", "end_time": "17:00"});
        assert_eq!(field_of("create-availability-rule", calendar.clone(), rule), "body.days_of_week.0");
        // An item of a list the decoder itself refuses: named as the operation's checks name it.
        let campaign = json!({"name": "c", "campaign_type": "sales", "agent_id": "a", "start_date": "2030-01-01",
            "days_of_week": [1, 8], "call_time_ranges": [{"start": "09:00", "end": "17:00"}], "timezone": "UTC"});
        assert_eq!(field_of("create-campaign", json!({}), campaign), "body.days_of_week.1");
        let rule = json!({"type": "recurring", "days_of_week": ["17:00"], "start_time": "09:00", "end_time": "17:00"});
        assert_ne!(field_of("create-availability-rule", calendar.clone(), rule), "body.end_time");
        // A required member given as null is named, not the tag (the last member) that picks the variant.
        let rule = json!({"type": "exception", "date": null, "available": false});
        assert_eq!(field_of("create-availability-rule", calendar.clone(), rule), "body.date");
        let rule = json!({"type": "recurring", "days_of_week": null, "start_time": "09:00", "end_time": "10:00"});
        assert_eq!(field_of("create-availability-rule", calendar, rule), "body.days_of_week");
        // The campaign webhook's settings are its own fields (they once came through a flattened struct).
        let campaign = json!({"campaign_id": "campaign-uuid-1"});
        let hook = |extra: Value| {
            let mut body =
                json!({"name": "CRM", "webhook_url": "https://example.com/hook", "events": ["call.completed"]});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            body
        };
        assert_eq!(
            field_of("create-campaign-webhook", campaign.clone(), hook(json!({"timeout": "slow"}))),
            "body.timeout"
        );
        assert_eq!(
            field_of("create-campaign-webhook", campaign.clone(), hook(json!({"max_retries": -1}))),
            "body.max_retries"
        );
        assert_eq!(field_of("create-campaign-webhook", campaign.clone(), hook(json!({"enabled": 1}))), "body.enabled");
        let body = json!({"name": "CRM", "webhook_url": 5, "events": ["call.completed"]});
        assert_eq!(field_of("create-campaign-webhook", campaign, body), "body.webhook_url");
        let agent = json!({"agent_id": "agent-1"});
        assert_eq!(field_of("create-webhook", agent, hook(json!({"timeout": "slow"}))), "body.timeout");
    }

    #[test]
    fn what_the_types_leave_out_is_named_where_it_was_given() {
        let config = ClientConfig::new("talq_test").unwrap();
        let op = crate::registry::operation("create-webhook").unwrap();
        let params: Params = serde_json::from_value(json!({
            "path": {"agent_id": "a1", "agnet": "x"},
            "query": {"verbose": "1"},
            "body": {"name": "Hook", "webhook_url": "https://example.com/h", "events": ["event_phone_call_ended"],
                "secret": "s", "custom_headers": [{"key": "k", "value": "v", "vaule": "v"}], "timeout": null,
                "description": null}
        }))
        .unwrap();
        let request = op.build_request(&params, &config).unwrap();
        let mut lost = op.left_out(&params, &request);
        lost.sort();
        // `timeout: null` is a field left unset; `description: null` names no field of the body: lost.
        let expected =
            ["body.custom_headers.0.vaule", "body.description", "body.secret", "path.agnet", "query.verbose"];
        assert_eq!(lost, expected);
        assert_eq!(op.nulls_not_sent(&params, &request), ["body.timeout"]);

        // A body given to an operation that sends none is lost, unless it is empty.
        let op = crate::registry::operation("get-agent").unwrap();
        for (body, lost) in [(json!({}), 0), (json!({"name": "x"}), 1)] {
            let params = Params {
                path: json!({"agent_id": "a1"}).as_object().unwrap().clone(),
                body: Some(body),
                ..Params::default()
            };
            let request = op.build_request(&params, &config).unwrap();
            assert_eq!(op.left_out(&params, &request).len(), lost);
        }
    }
}
