//! Answers in the API's shapes: envelopes, acknowledgements, and the documented error bodies.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use talkover_core::envelope::ErrorObjectBody;
use talkover_core::{Ack, Envelope, Error, ErrorBody, FieldError, ListEnvelope, PagedOperation};

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

    /// One of the core's response types, sent in its own field order (a 500 naming the type, should it
    /// not serialize).
    pub(crate) fn typed<T: Serialize>(status: u16, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(raw) => Self { status, body: Value::Null, headers: Vec::new(), raw: Some(raw) },
            Err(e) => Self::bug::<T>(&e.to_string()),
        }
    }

    /// The 500 of an answer the emulator could not build: a bug in the emulator, said as such.
    pub(crate) fn bug<T>(message: &str) -> Self {
        let message = format!("talkover-mock could not build a {}: {message}", std::any::type_name::<T>());
        Self::fail(500, &message)
    }

    /// The 422 of one field refused, with its message, in the API's validation shape (as
    /// [`Invalid::check`] writes it for one field).
    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::typed(422, &ErrorBody::invalid([FieldError::new(field, message.into())]))
    }

    /// `{"success": true, "message"?, "data"}`.
    pub(crate) fn data<T: Serialize>(status: u16, message: Option<&str>, data: T) -> Self {
        let mut envelope = Envelope::new(data);
        envelope.message = message.map(str::to_owned);
        Self::typed(status, &envelope)
    }

    /// `{"success": true, "data": [...]}`: a list the API answers whole.
    pub(crate) fn list<T: Serialize>(data: Vec<T>) -> Self {
        Self::typed(200, &ListEnvelope::new(data))
    }

    /// The page a list request asks for of `items`, in the page block its operation declares
    /// ([`PagedOperation::list_answer`]).
    pub(crate) fn paged<O: PagedOperation, T: Clone + Serialize>(list: &O, items: &[T]) -> Self {
        Self::typed(200, &list.list_answer(items))
    }

    /// `{"success": true, "message"}`.
    pub(crate) fn ack(message: &str) -> Self {
        Self::typed(200, &Ack::done(message))
    }

    /// `{"success": false, "message"}`.
    pub(crate) fn fail(status: u16, message: &str) -> Self {
        Self::typed(status, &ErrorBody::new(message))
    }

    /// `{"success": false, "message", "code"}`.
    pub(crate) fn fail_code(status: u16, message: &str, code: &str) -> Self {
        Self::typed(status, &ErrorBody::new(message).code(code))
    }

    /// `{"error": {"code", "message", "details"?}}`: the shape make-call answers errors in.
    pub(crate) fn error_object(status: u16, body: ErrorObjectBody) -> Self {
        Self::typed(status, &body)
    }
}

/// One of the core's types as JSON, or the 500 of a bug.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<Value, Reply> {
    serde_json::to_value(value).map_err(|e| Reply::bug::<T>(&e.to_string()))
}

/// Builds one of the core's types from JSON: for a value of one type turned into another of the same
/// fields (an event into the update's answer), and for a stored value merged with changes that carry its
/// own field names (a campaign). Answers are otherwise built with the types' constructors. The JSON is the
/// emulator's own, so a failure is a bug in the emulator: it answers 500, naming the type and the field.
pub(crate) fn from_json<T: DeserializeOwned>(value: Value) -> Result<T, Reply> {
    let text = value.to_string();
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| Reply::bug::<T>(&format!("at {}: {}", e.path(), e.inner())))
}

/// Applies a body to a stored value whose fields carry the same names (a trunk and its update): each field
/// the body sets replaces the stored one, and what it leaves unset stays (a `null` the caller sent reads as
/// unset; a body field that keeps `null`, such as update-campaign's `end_date`, clears). The body's fields
/// are the core's declaration, so a field added there is applied here too; one the stored value does not
/// report (a password) is not kept.
///
/// The members are carried as JSON text, so that an amount keeps its digits (`500.00`), which a
/// `serde_json::Value` would hold as the `f64` `500.0`.
pub(crate) fn merge<T: Serialize + DeserializeOwned>(stored: &mut T, changes: &impl Serialize) -> Result<(), Reply> {
    type Members = BTreeMap<String, Box<serde_json::value::RawValue>>;
    let members = |text: serde_json::Result<String>| -> Result<Members, Reply> {
        let text = text.map_err(|_| Reply::bug::<T>("a stored value or its changes cannot be written"))?;
        serde_json::from_str(&text).map_err(|_| Reply::bug::<T>("a stored value or its changes are not an object"))
    };
    let mut fields = members(serde_json::to_string(&*stored))?;
    fields.extend(members(serde_json::to_string(changes))?);
    let merged = serde_json::to_string(&fields).map_err(|_| Reply::bug::<T>("the merged value cannot be written"))?;
    *stored =
        serde_json::from_str(&merged).map_err(|e| Reply::bug::<T>(&format!("the merged value does not read: {e}")))?;
    Ok(())
}

/// Validation messages by field, answered as the API's 422.
#[derive(Debug, Default)]
pub(crate) struct Invalid {
    fields: BTreeMap<String, Vec<String>>,
    /// Top-level fields whose value in the decoded request is the documented example's, standing in for
    /// the caller's missing or misfit one: refused already, so later checks of them add nothing, and
    /// neither do checks of another field against them (`end_at` after `start_at`).
    stand_ins: Vec<String>,
    /// Members of a list's elements (`call_time_ranges.0.start`) whose value is the example's: the checks
    /// of that element (its end after its start) hold nothing against the caller.
    member_stand_ins: Vec<String>,
}

/// A field name in the API's messages (`conversation_speed` → `conversation speed`).
pub(crate) fn words(field: &str) -> String {
    field.replace('_', " ")
}

impl Invalid {
    pub(crate) fn add(&mut self, field: &str, message: impl Into<String>) {
        let top = field.split('.').next().unwrap_or(field);
        if self.stand_ins.iter().any(|s| s == top) {
            return;
        }
        // The same rule found twice (the core's check and the emulator's own) is said once.
        let (messages, message) = (self.fields.entry(field.to_owned()).or_default(), message.into());
        if !messages.contains(&message) {
            messages.push(message);
        }
    }

    /// Marks a top-level field as holding a stand-in value (see [`Invalid::stand_ins`]).
    pub(crate) fn stood_in(&mut self, field: &str) {
        self.stand_ins.push(field.to_owned());
    }

    /// Marks a member of a list's element as holding a stand-in value (see [`Invalid::member_stand_ins`]).
    pub(crate) fn stood_in_member(&mut self, field: &str) {
        self.member_stand_ins.push(field.to_owned());
    }

    /// Whether a check of `field` is of an element one of whose members stands in for the caller's.
    fn in_element_with_stand_in(&self, field: &str) -> bool {
        let element = |path: &str| path.rsplit_once('.').map(|(element, _)| element.to_owned());
        element(field).is_some_and(|of| self.member_stand_ins.iter().any(|m| element(m).as_ref() == Some(&of)))
    }

    /// Whether `field`'s value is the documented example's, standing in for the caller's (see
    /// [`Invalid::stand_ins`]): a handler comparing another field with it has nothing to compare.
    pub(crate) fn stands_in(&self, field: &str) -> bool {
        self.stand_ins.iter().any(|s| s == field)
    }

    /// Whether a check's message holds another field against a stand-in value: it names one as the core
    /// names the field a value is compared with, in backticks or after "after" or "before" ("must be
    /// after `start_at` (…)", "must be after start_date (…)"). A word that only happens to be a field's
    /// name ("1 to 255 characters") does not count.
    fn against_stand_in(&self, message: &str) -> bool {
        self.stand_ins.iter().any(|field| {
            [format!("`{field}`"), format!("after {field}"), format!("before {field}")].iter().any(|form| {
                message.match_indices(form.as_str()).any(|(at, _)| {
                    let next = message[at + form.len()..].chars().next();
                    !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                })
            })
        })
    }

    /// Says `message` of `field` instead of what was said of it (a stand-in's field included).
    pub(crate) fn replace(&mut self, field: &str, message: String) {
        self.fields.insert(field.to_owned(), vec![message]);
    }

    /// Whether `field` was refused already.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    pub(crate) fn required(&mut self, field: &str) {
        self.add(field, format!("The {} field is required.", words(field)));
    }

    /// Says `message` of `field` in place of all that was said of it and below it, whether its value
    /// stands in for the caller's or not: for a value the caller gave that is refused whole (a required
    /// field given as `null`, whose decoding put the example's value in its place; an id given as a
    /// number).
    pub(crate) fn refuse_whole(&mut self, field: &str, message: String) {
        self.forgive(field);
        self.replace(field, message);
    }

    /// [`Invalid::refuse_whole`] with "The … field is required.": a required field the caller gave as
    /// `null` or blank.
    pub(crate) fn required_whole(&mut self, field: &str) {
        self.refuse_whole(field, format!("The {} field is required.", words(field)));
    }

    pub(crate) fn selected(&mut self, field: &str) {
        self.add(field, format!("The selected {} is invalid.", words(field)));
    }

    /// Removes what was refused at `field` and below it, for a handler that answers those values itself.
    pub(crate) fn forgive(&mut self, field: &str) {
        self.fields.retain(|refused, _| refused != field && !refused.starts_with(&format!("{field}.")));
    }

    /// Removes only the refusals of values the reference does not list ([`selected`](Self::selected)) at
    /// `field` and below it, for a handler that answers those values itself: a value of the wrong type
    /// stays refused (its stand-in is the example's value, which the handler must not take for the
    /// caller's).
    pub(crate) fn forgive_unlisted(&mut self, field: &str) {
        let below = format!("{field}.");
        for (refused, messages) in &mut self.fields {
            if refused == field || refused.starts_with(&below) {
                messages.retain(|message| !message.starts_with("The selected "));
            }
        }
        self.fields.retain(|_, messages| !messages.is_empty());
    }

    /// Adds every field a core check refused, in the API's words.
    pub(crate) fn core(&mut self, result: Result<(), Error>) {
        match result {
            Ok(()) => {}
            Err(Error::InvalidRequest(invalid)) => {
                for problem in invalid.problems() {
                    let field = unprefixed(if problem.field.is_empty() { "body" } else { &problem.field });
                    if self.against_stand_in(&problem.message) || self.in_element_with_stand_in(field) {
                        continue;
                    }
                    if problem.message == "is required" {
                        self.required(field);
                    } else {
                        self.add(field, rule_message(field, &problem.message));
                    }
                }
            }
            Err(error) => {
                let (field, message) = refused_field(&error);
                self.add(&field, format!("The {} {}.", words(&field), message.trim_end_matches('.')));
            }
        }
    }

    /// Adds the field whose value does not fit the core's types (decoding the request failed), in the
    /// API's words: `field`, the one the error names or the one found at fault (see
    /// `Request::field_at_fault`).
    pub(crate) fn misfit(&mut self, field: &str, error: &Error) {
        let (_, message) = refused_field(error);
        let field = field.to_owned();
        let name = field.rsplit('.').next().unwrap_or(&field);
        let in_query = matches!(error, Error::InvalidRequest(e) if e.field().is_some_and(|f| f.starts_with("query.")));
        if is_required(error) {
            self.required(&field);
        } else if message.contains("expected nothing") {
            // A field this form of the body does not have (an agent webhook's `include_call_events`).
            self.add(&field, format!("The {} field is prohibited.", words(&field)));
        } else if name.starts_with("date") || name.ends_with("_date") {
            self.add(&field, format!("The {} must be a valid date.", words(&field)));
        } else if message.contains("expected a weekday number") && !message.contains("invalid type") {
            // A number, but no weekday's (a text is the last branch's "field is invalid").
            self.add(&field, format!("The {} must be between 1 and 7.", words(&field)));
        } else if message.contains("expected a time of day") {
            self.add(&field, format!("The {} does not match the format H:i.", words(&field)));
        } else if let Some(limit) = out_of_range(&message) {
            self.add(&field, format!("The {} {limit}.", words(&field)));
        } else if expects_integer(&message) {
            self.add(&field, format!("The {} must be an integer.", words(&field)));
        } else if message.contains("expected a boolean") {
            self.add(&field, format!("The {} field must be true or false.", words(&field)));
        } else if message.contains("expected a string") {
            self.add(&field, format!("The {} must be a string.", words(&field)));
        } else if in_query {
            self.add(&field, format!("The {} is invalid.", words(&field)));
        } else {
            self.add(&field, format!("The {} field is invalid.", words(&field)));
        }
    }

    /// The 422 answer, if anything was refused.
    pub(crate) fn check(self) -> Result<(), Reply> {
        if self.fields.is_empty() {
            return Ok(());
        }
        let problems = self.fields.into_iter().flat_map(|(field, messages)| {
            messages.into_iter().map(move |message| FieldError::new(field.clone(), message))
        });
        Err(Reply::typed(422, &ErrorBody::invalid(problems)))
    }
}

/// A core check's message as the API's 422 says it: the rule, not the value refused ("The per page must be
/// between 1 and 100." where the core adds ", got 0").
pub(crate) fn rule_message(field: &str, message: &str) -> String {
    let rule = message.split(", got ").next().unwrap_or_default();
    format!("The {} {}.", words(field), rule.trim_end_matches('.'))
}

/// For a whole number its type cannot hold (serde's "invalid value: integer `-1`, expected u32"), the
/// type's bound nearest to it (0 here): a value the type holds that the operation's own checks can then
/// judge, so that the rule they give is said rather than the type's.
pub(crate) fn nearest_bound(message: &str) -> Option<i128> {
    let (number, (min, max)) = integer_beyond(message)?;
    Some(number.clamp(min, max))
}

/// The field a core error names, without the `body.` or `query.` its decoding puts in front, and its
/// message.
pub(crate) fn refused_field(error: &Error) -> (String, String) {
    match error {
        Error::InvalidRequest(e) => (unprefixed(e.field().unwrap_or("body")).to_owned(), e.message().to_owned()),
        other => ("body".to_owned(), other.to_string()),
    }
}

/// For a whole number its type cannot hold (serde's "invalid value: integer `70000`, expected u16"), the
/// bound it passes, in the API's words: "must not be greater than 65535", "must be at least 0".
fn out_of_range(message: &str) -> Option<String> {
    let (number, (min, max)) = integer_beyond(message)?;
    if number < min {
        Some(format!("must be at least {min}"))
    } else if number > max {
        Some(format!("must not be greater than {max}"))
    } else {
        None
    }
}

/// The number serde's "invalid value: integer `70000`, expected u16" quotes and the bounds of the type it
/// names.
fn integer_beyond(message: &str) -> Option<(i128, (i128, i128))> {
    let rest = message.split("invalid value: integer `").nth(1)?;
    let (number, rest) = rest.split_once('`')?;
    let kind = rest.strip_prefix(", expected ")?.split(|c: char| !c.is_ascii_alphanumeric()).next()?;
    let (min, max): (i128, i128) = match kind {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" => (0, u64::MAX.into()),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    };
    let number: i128 = number.parse().ok()?;
    Some((number, (min, max)))
}

/// The integer types, as serde names them in "expected u32".
const INTEGERS: [&str; 10] = ["u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize"];

/// Whether a decoding error says an integer was expected.
pub(crate) fn expects_integer(message: &str) -> bool {
    INTEGERS.iter().any(|t| message.contains(&format!("expected {t}")))
}

/// Rewrites a whole number written as a float (`60.0`, `1e1`: Python's `json.dumps` writes any float so)
/// at `field` (`delay_seconds`, `days_of_week.0`) as that integer, and so every whole float beside it in
/// the same list; whether there was one. JSON has one kind of number and the API's `integer` rule takes
/// `60.0`, so where the types read an integer the emulator reads it as 60.
pub(crate) fn whole_float_at(body: &mut Map<String, Value>, field: &str) -> bool {
    fn whole(value: &Value) -> Option<Value> {
        let float = value.as_f64().filter(|_| value.is_f64())?;
        (float.fract() == 0.0 && float.abs() < 9.0e15).then(|| Value::from(float as i64))
    }
    fn rewrite(value: &mut Value) -> bool {
        whole(value).map(|integer| *value = integer).is_some()
    }
    let Some((parent, last)) = field.rsplit_once('.') else {
        return body.get_mut(field).is_some_and(rewrite);
    };
    let mut parts = parent.split('.');
    let mut holder: Option<&mut Value> = parts.next().and_then(|first| body.get_mut(first));
    for part in parts {
        holder = match holder {
            Some(Value::Array(items)) => part.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            Some(Value::Object(map)) => map.get_mut(part),
            _ => None,
        };
    }
    match holder {
        Some(Value::Array(items))
            if last.parse::<usize>().ok().and_then(|i| items.get(i)).and_then(whole).is_some() =>
        {
            items.iter_mut().for_each(|item| {
                rewrite(item);
            });
            true
        }
        Some(Value::Object(map)) => map.get_mut(last).is_some_and(rewrite),
        _ => false,
    }
}

/// A field's name without the `body.` or `query.` the decoding of a request puts in front.
pub(crate) fn unprefixed(field: &str) -> &str {
    talkover_core::FieldError::api_name_of(field)
}

/// Whether a core error says a field is missing: a required field absent (or `null`, which the API
/// reads as absent).
pub(crate) fn is_required(error: &Error) -> bool {
    matches!(error, Error::InvalidRequest(e) if e.message() == "is required" || e.message().contains("invalid type: null"))
}

/// An item as a list shows it, otherwise than it is kept (fields left out by the function), copied only
/// when its page is written: a list pages the items it holds, not copies of them all.
#[derive(Clone)]
pub(crate) struct ListedAs<'a, T>(pub &'a T, pub fn(&mut T));

impl<T: Clone + Serialize> Serialize for ListedAs<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut item = self.0.clone();
        (self.1)(&mut item);
        item.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_comparison_with_a_stand_in_is_left_out() {
        let mut invalid = Invalid::default();
        invalid.stood_in("to");
        invalid.stood_in("start_at");
        assert!(invalid.against_stand_in("must be after `start_at` (2024-01-15 is not after 2024-01-20)"));
        assert!(!invalid.against_stand_in("must be 1 to 255 characters long"), "a word, not a comparison");
        assert!(!invalid.against_stand_in("must be after `start_at_local`"), "another field");
        invalid.stood_in("start_date");
        assert!(invalid.against_stand_in("must be after start_date (2024-01-01)"));
    }

    #[test]
    fn a_number_its_type_cannot_hold_is_answered_with_the_bound_it_passes() {
        let serde = |json: &str| serde_json::from_str::<u16>(json).unwrap_err().to_string();
        assert_eq!(out_of_range(&serde("70000")).as_deref(), Some("must not be greater than 65535"));
        assert_eq!(out_of_range(&serde("-1")).as_deref(), Some("must be at least 0"));
        assert_eq!(out_of_range(&serde("\"many\"")), None);
        let signed = serde_json::from_str::<i8>("300").unwrap_err().to_string();
        assert_eq!(out_of_range(&signed).as_deref(), Some("must not be greater than 127"));
    }

    #[test]
    fn an_update_changes_the_fields_it_sends_and_keeps_no_credential() {
        use talkover_core::sip_trunks::{SipTransport, SipTrunk, SipTrunkUpdate};
        let mut trunk = SipTrunk::new("trunk-1", "Primary", true, true);
        trunk.domain = Some("sip.carrier.example".into());
        trunk.port = Some(5061);
        let update = SipTrunkUpdate::new().port(5080).transport(SipTransport::Tcp).password("s3cr3t-pass");

        merge(&mut trunk, &update).unwrap();

        assert_eq!((trunk.port, trunk.transport.clone()), (Some(5080), Some(SipTransport::Tcp)));
        assert_eq!((trunk.name.as_str(), trunk.domain.as_deref()), ("Primary", Some("sip.carrier.example")));
        assert!(!serde_json::to_string(&trunk).unwrap().contains("s3cr3t-pass"));
    }
}
