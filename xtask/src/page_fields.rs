//! The request each reference page documents against its operation's declaration.
//!
//! A page names its operation's method and path (`api: "GET /api/v1/agents/{agent_id}"` in its front
//! matter), which must be the declaration's. It lists the body and query parameters
//! (`<ParamField body="…">`, `<ParamField query="…">`, `<RequestField name="…">`). A name the types do
//! not read would be dropped without a word from a caller's JSON (the registry, the command line, a
//! fixture's `params`), so every documented name must be one the declaration reads, required by its type
//! exactly where the page marks it required; a value a page lists for one (`Options: …`) must be one its
//! types know, or a caller could not send it as a typed value; and the bounds a page gives one (`Range:
//! …`, `Max 255 characters`) must be the ones the SDK checks before sending, or a call would be refused
//! that the API takes, or sent to be refused by it.

use std::path::Path;

use serde_json::{Map, Value};
use talkover::agents::CreateAgent;
use talkover::registry::{Incoming, OperationInfo, Params};
use talkover::Operation;

/// Where a page documents a request field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Body,
    Query,
}

/// A request field as a page documents it.
#[derive(Clone, Debug, PartialEq)]
pub struct Documented {
    pub place: Place,
    pub name: String,
    /// Whether the page marks it required (`required`, `required={true}`).
    pub required: bool,
    /// The values its description lists (`Options: \`low\`, \`medium\`, \`high\`.`), if it lists any.
    pub options: Vec<String>,
    /// The bounds its description gives, if any.
    pub bound: Option<Bound>,
}

/// A bound a page gives a request field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// `Range: \`1\`–\`168\``, `(min: 0, max: 60)` or `(default: 20, max: 100)`, of an `integer` (`whole`) or a
    /// `number`.
    Range { low: Option<f64>, high: Option<f64>, whole: bool },
    /// `Max 255 characters`, `maximum 500 characters`, `Length: 10–500 characters`, `min 5 characters`.
    Chars { min: Option<usize>, max: Option<usize> },
}

/// The top-level request fields a page documents, in its order. A field nested in another's
/// `<Expandable>` (the inside of an object or a list's items) is not a top-level name and is left out; a
/// repeated query parameter's `[]` is dropped (`calendar_ids[]` is `calendar_ids`).
pub fn documented(page: &str) -> Vec<Documented> {
    let mut fields = Vec::new();
    // How many field tags are open around the current position.
    let mut depth = 0usize;
    let mut rest = page;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        let tag_end = rest.find('>').map_or(rest.len(), |end| end + 1);
        let tag = &rest[..tag_end];
        let name = tag.trim_start_matches(['<', '/']).split([' ', '>', '\n', '/']).next().unwrap_or("");
        let is_field = matches!(name, "ParamField" | "RequestField" | "ResponseField");
        if is_field && tag.starts_with("</") {
            depth = depth.saturating_sub(1);
        } else if is_field {
            if depth == 0 {
                let place = if let Some(body) = attribute(tag, "body") {
                    Some((Place::Body, body))
                } else if let Some(query) = attribute(tag, "query") {
                    Some((Place::Query, query))
                } else if name == "RequestField" {
                    attribute(tag, "name").map(|name| (Place::Body, name))
                } else {
                    None
                };
                if let Some((place, field)) = place {
                    // A self-closing tag has no description; another's text up to its own end is not it.
                    let description = if tag.ends_with("/>") { "" } else { &rest[tag_end..] };
                    let description = &description[..description.find(&format!("</{name}>")).unwrap_or(0)];
                    let name = field.trim_end_matches("[]").to_owned();
                    let whole = attribute(tag, "type") == Some("integer");
                    let bound = bound(description, whole);
                    let required = tag.contains("required={true}")
                        || tag.split([' ', '\n', '>', '/']).any(|word| word == "required");
                    fields.push(Documented { place, name, required, options: options(description), bound });
                }
            }
            if !tag.ends_with("/>") {
                depth += 1;
            }
        }
        rest = &rest[tag_end..];
    }
    fields
}

/// The values a field's description lists after `Options:`, each in backticks, up to the end of the
/// sentence or line (`Options: \`POST\`, \`PUT\`, \`PATCH\`. Default: \`POST\`.` lists three); a dot inside
/// a value (`call.started`) does not end it.
fn options(description: &str) -> Vec<String> {
    let Some(at) = description.find("Options:") else { return Vec::new() };
    let rest = &description[at + "Options:".len()..];
    let end = [". ", ".\n", "\n"].iter().filter_map(|stop| rest.find(stop)).min().unwrap_or(rest.len());
    rest[..end].split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The bound a field's description gives: `Range: \`low\`–\`high\`` or `Range: \`low\` (…) to \`high\``;
/// `min: low` and `max: high` (either or both); `Length: min–max characters`; `Max N characters` (also
/// `maximum N`, `maximum of N`); `min N characters`.
fn bound(description: &str, whole: bool) -> Option<Bound> {
    if let Some(at) = description.find("Range: `") {
        let mut parts = description[at + "Range: `".len()..].split('`');
        let (low, between, high) = (parts.next()?, parts.next()?, parts.next()?);
        if between == "–" || between.trim_end().ends_with(" to") {
            if let (Ok(low), Ok(high)) = (low.parse(), high.parse()) {
                return Some(Bound::Range { low: Some(low), high: Some(high), whole });
            }
        }
    }
    // `label` as a word of its own (not the end of `admin: `), followed by a whole number.
    let after = |label: &str| {
        description.match_indices(label).find_map(|(at, _)| {
            let word = !description[..at].ends_with(|c: char| c.is_alphanumeric());
            let number = number_at(&description[at + label.len()..])?.0;
            word.then_some(number as f64)
        })
    };
    let (low, high) = (after("min: "), after("max: "));
    if low.is_some() || high.is_some() {
        return Some(Bound::Range { low, high, whole });
    }
    if let Some(at) = description.find("Length: ") {
        let (min, rest) = number_at(&description[at + "Length: ".len()..])?;
        let (max, rest) = number_at(rest.strip_prefix('–')?)?;
        return rest.starts_with(" characters").then_some(Bound::Chars { min: Some(min), max: Some(max) });
    }
    let chars_after = |words: &str| {
        description.match_indices(words).find_map(|(at, _)| {
            let (n, rest) = number_at(&description[at + words.len()..])?;
            rest.starts_with(" characters").then_some(n)
        })
    };
    let max = ["Max ", "maximum of ", "maximum "].into_iter().find_map(chars_after);
    let min = chars_after("min ");
    (min.is_some() || max.is_some()).then_some(Bound::Chars { min, max })
}

/// The whole number `text` starts with, and the text after it.
fn number_at(text: &str) -> Option<(usize, &str)> {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    Some((text[..digits].parse().ok()?, &text[digits..]))
}

/// The value of `name="…"` in a tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut search = tag;
    loop {
        let at = search.find(name)?;
        let before = search[..at].chars().last();
        let after = &search[at + name.len()..];
        if before.is_some_and(char::is_whitespace) {
            if let Some(value) = after.strip_prefix("=\"") {
                return value.split('"').next();
            }
        }
        search = after;
    }
}

/// A problem when the method and path of `page`'s `api:` line are not `op`'s (or it has none).
fn route_differs(op: &OperationInfo, page: &str) -> Option<String> {
    let declared = format!("{} {}", op.method, op.path);
    let api = page.lines().find_map(|line| line.strip_prefix("api: "));
    match api.map(|api| api.trim().trim_matches('"')) {
        Some(api) if api == declared => None,
        Some(api) => Some(format!("{}: its page's route is `{api}`, its declaration's `{declared}`", op.id)),
        None => Some(format!("{}: its page has no `api:` line naming its method and path", op.id)),
    }
}

/// A problem when the status of `page`'s success answer (its `Success Response (201 Created)` heading,
/// 200 where it has none) is not the one `op` declares (`success_status:`).
fn status_differs(op: &OperationInfo, page: &str) -> Option<String> {
    let heading = page.lines().find_map(|line| line.trim_start_matches('#').trim().strip_prefix("Success Response ("));
    let documented = match heading {
        Some(rest) => match rest.split(|c: char| !c.is_ascii_digit()).next().and_then(|code| code.parse().ok()) {
            Some(code) => code,
            None => return Some(format!("{}: its page's success heading gives no status: `{rest}`", op.id)),
        },
        None => 200,
    };
    (documented != op.success_status).then(|| {
        format!("{}: its page's success status is {documented}, its declaration's {}", op.id, op.success_status)
    })
}

/// What the declaration of `op` reads at `place`, each name with whether its type requires it, or `None`
/// where it reads the body whole (no names).
fn known(op: &OperationInfo, place: Place) -> Option<Vec<(&'static str, bool)>> {
    let named = |fields: Vec<talkover::registry::FieldInfo>| -> Vec<(&'static str, bool)> {
        fields.iter().map(|field| (field.name, field.required)).collect()
    };
    match place {
        Place::Query => Some(named(op.query_fields())),
        Place::Body if !op.has_body() => Some(Vec::new()),
        Place::Body => Some(named(op.body_fields())).filter(|fields| !fields.is_empty()),
    }
}

/// How many of the request fields `page` documents were checked against `op`, and a problem for each
/// that its declaration does not read, or reads as required where the page has it optional or the other
/// way round (a field the page requires and the types do not would be sent without, to be refused; one
/// the types require and the page does not would ask every caller for a value the API does without).
fn not_read(op: &OperationInfo, page: &str) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut problems = Vec::new();
    for field in documented(page) {
        let Some(known) = known(op, field.place) else { continue };
        checked += 1;
        let place = match field.place {
            Place::Body => "body field",
            Place::Query => "query parameter",
        };
        let name = &field.name;
        match known.iter().find(|(known, _)| known == name) {
            None => problems
                .push(format!("{}: its page documents the {place} `{name}`, which its types do not read", op.id)),
            Some((_, required)) if *required != field.required => {
                let (page, types) =
                    if field.required { ("requires", "optional") } else { ("has optional", "required") };
                problems.push(format!("{}: its page {page} the {place} `{name}`, which its types have {types}", op.id));
            }
            Some(_) => {}
        }
    }
    (checked, problems)
}

/// How many of the values `page` lists for its request fields were tried on `op`, and a problem for each
/// that its types do not take as a value they know. Each value is tried as in [`try_values`].
fn options_not_known(op: &OperationInfo, page: &str, base: &Params) -> (usize, Vec<String>) {
    let options = |field: &Documented| field.options.iter().map(|option| (Value::String(option.clone()), ())).collect();
    try_values(op, page, base, options, |value, (), at, outcome| {
        let option = value.as_str().unwrap_or_default();
        match outcome {
            Ok(incoming) if incoming.undocumented_values().is_empty() => None,
            Ok(_) => {
                Some(format!("{}: `{option}`, a value its page lists for `{at}`, is not one its types know", op.id))
            }
            // A value of the right type that another field's rule refuses is the types' (an `exception`
            // availability rule needs a `date`, which a `recurring` one's body lacks): not this field's.
            Err(error) if !error.to_string().contains(&format!("`{at}`")) => None,
            Err(error) => {
                Some(format!("{}: `{option}`, a value its page lists for `{at}`, is refused: {error}", op.id))
            }
        }
    })
}

/// Where the SDK's check is wider than a page's bound on purpose, with why (README, "Where the reference
/// is loose"): the check follows the API's own answer.
const WIDER_THAN_THE_PAGE: &[(&str, &str)] = &[
    // The page's table says 1–60; its own 422 example says "must be between 1 and 300".
    (CreateAgent::ID, "idle_time_seconds"),
];

/// How many values at and past the bounds `page` gives its request fields were tried on `op`, and a
/// problem for each the types and checks treat otherwise: each bound's ends must be taken, a value one
/// step past either end (1 for an integer, 0.01 for a number, one character) refused before sending.
/// Each value is tried as in [`try_values`].
fn bounds_not_kept(op: &OperationInfo, page: &str, base: &Params) -> (usize, Vec<String>) {
    let tries = |field: &Documented| -> Vec<(Value, bool)> {
        let Some(bound) = field.bound else { return Vec::new() };
        if WIDER_THAN_THE_PAGE.contains(&(op.id, field.name.as_str())) {
            return Vec::new();
        }
        match bound {
            Bound::Range { low, high, whole } => {
                let number = |x: f64| if whole { Value::from(x as i64) } else { serde_json::json!(x) };
                let step = if whole { 1.0 } else { 0.01 };
                let mut tries = Vec::new();
                if let Some(low) = low {
                    tries.extend([(number(low - step), false), (number(low), true)]);
                }
                if let Some(high) = high {
                    tries.extend([(number(high), true), (number(high + step), false)]);
                }
                tries
            }
            Bound::Chars { min, max } => {
                // A URL field takes text of that length only when it is a URL.
                let text = |len: usize| match field.name.ends_with("url") {
                    true => format!("https://example.com/{}", "a".repeat(len.saturating_sub(20))),
                    false => "a".repeat(len),
                };
                let mut tries = Vec::new();
                if let Some(min) = min {
                    tries.push((Value::String(text(min)), true));
                    tries.extend(min.checked_sub(1).map(|shorter| (Value::String(text(shorter)), false)));
                }
                if let Some(max) = max {
                    tries.extend([(Value::String(text(max)), true), (Value::String(text(max + 1)), false)]);
                }
                tries
            }
        }
    };
    try_values(op, page, base, tries, |value, &taken, at, outcome| {
        let shown = value.as_str().map_or_else(|| value.to_string(), |text| format!("{} characters", text.len()));
        // The bounds a client checks before sending (a server checks them too, with the forms of values).
        match (outcome.and_then(|incoming| incoming.validate_before_sending()), taken) {
            (Ok(()), true) | (Err(_), false) => None,
            (Ok(()), false) => Some(format!("{}: `{at}` = {shown}, past its page's bound, is not refused", op.id)),
            (Err(error), true) => {
                Some(format!("{}: `{at}` = {shown}, within its page's bound, is refused: {error}", op.id))
            }
        }
    })
}

/// Tries on `op` each value `values` gives for a request field `page` documents, in `base` (a request the
/// operation takes: an `ok` fixture's parameters) with only that field changed: how many were tried, and
/// what `judge` finds wrong with each, given the value with what `values` said of it, the field's place
/// (`body.name`) and the request as the server decodes it.
fn try_values<T>(
    op: &OperationInfo,
    page: &str,
    base: &Params,
    values: impl Fn(&Documented) -> Vec<(Value, T)>,
    judge: impl Fn(&Value, &T, &str, Result<Incoming, talkover::Error>) -> Option<String>,
) -> (usize, Vec<String>) {
    let base_query = match base_query(op, base) {
        Ok(query) => query,
        Err(problem) => return (0, vec![problem]),
    };
    let mut checked = 0;
    let mut problems = Vec::new();
    for field in documented(page) {
        for (value, expected) in values(&field) {
            checked += 1;
            let (query, body, at) = with_field(base, &base_query, &field, value.clone());
            problems.extend(judge(&value, &expected, &at, op.decode_request(&base.path, &query, body.as_ref())));
        }
    }
    (checked, problems)
}

/// `base`'s query parameters as the query pairs a server decodes, as the clients send them (a list is one
/// `name[]` pair per value), or a problem naming `op` where its fixture's query cannot be sent.
fn base_query(op: &OperationInfo, base: &Params) -> Result<Vec<(String, String)>, String> {
    talkover::encode::query_pairs(op.id, &base.query).map_err(|e| format!("{}: its `ok` fixture's query: {e}", op.id))
}

/// `base` with `field` set to `value` (its query given as `base_query`, its pairs), and the field's place
/// (`body.name`).
fn with_field(
    base: &Params,
    base_query: &[(String, String)],
    field: &Documented,
    value: Value,
) -> (Vec<(String, String)>, Option<Value>, String) {
    let mut query = base_query.to_vec();
    let mut body = base.body.clone();
    let place = match field.place {
        Place::Query => {
            query.retain(|(name, _)| *name != field.name);
            query.push((field.name.clone(), value.as_str().map_or_else(|| value.to_string(), str::to_owned)));
            "query"
        }
        Place::Body => {
            let mut object = body.take().unwrap_or_else(|| Value::Object(Map::new()));
            if let Some(object) = object.as_object_mut() {
                object.insert(field.name.clone(), value);
            }
            body = Some(object);
            "body"
        }
    };
    (query, body, format!("{place}.{}", field.name))
}

/// Every documented request field of every page is read by its operation's declaration, and every value
/// a page lists for one is a value its types know. `ok_params` gives an operation's parameters that it
/// takes (an `ok` fixture's), in which each listed value is tried.
pub fn check(pages: &Path, ok_params: impl Fn(&str) -> Option<Params>) -> Result<(), String> {
    let mut problems = Vec::new();
    let (mut checked, mut values, mut bounds) = (0usize, 0usize, 0usize);
    for op in talkover::registry::operations() {
        let Ok(page) = std::fs::read_to_string(pages.join(format!("{}.mdx", op.id))) else {
            continue; // check_fixtures names a missing page
        };
        problems.extend(route_differs(op, &page));
        problems.extend(status_differs(op, &page));
        let (count, found) = not_read(op, &page);
        checked += count;
        problems.extend(found);
        if let Some(base) = ok_params(op.id) {
            let (count, found) = options_not_known(op, &page, &base);
            values += count;
            problems.extend(found);
            let (count, found) = bounds_not_kept(op, &page, &base);
            bounds += count;
            problems.extend(found);
        }
    }
    if problems.is_empty() {
        eprintln!(
            "requests: every page's method, path and success status are its operation's; the {checked} fields the pages document \
             are all read by their operations, required where \
             the pages require them and optional elsewhere, the {values} values they list are all known, and {bounds} values at and past their bounds are taken and refused \
             as the bounds say"
        );
        Ok(())
    } else {
        Err(format!("request fields the pages document and the types do not read:\n  {}", problems.join("\n  ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_top_level_fields_and_skips_nested_ones() {
        let page = r#"
<ParamField path="agent_id" type="string" required>The agent.</ParamField>
<ParamField query="per_page" type="integer">Page size.</ParamField>
<ParamField query="calendar_ids[]" type="array">Calendars.</ParamField>
<ParamField body="voice" type="object">
  The voice.
  <Expandable title="fields">
    <ParamField body="id" type="string">Nested, not top-level.</ParamField>
  </Expandable>
</ParamField>
<ParamField body="name" type="string" required />
<RequestField name="webhook_url" type="string">URL.</RequestField>
<ResponseField name="data" type="object">Not a request field.</ResponseField>
"#;
        let fields: Vec<(Place, String)> = documented(page).into_iter().map(|f| (f.place, f.name)).collect();
        let expected = [
            (Place::Query, "per_page"),
            (Place::Query, "calendar_ids"),
            (Place::Body, "voice"),
            (Place::Body, "name"),
            (Place::Body, "webhook_url"),
        ];
        assert_eq!(fields, expected.map(|(place, name)| (place, name.to_owned())));
    }

    #[test]
    fn reads_the_options_a_description_lists_up_to_the_sentence_end() {
        let page = r#"<ParamField body="http_method" type="string">
  HTTP method. Options: `POST`, `PUT`, `PATCH`. Default: `POST`.
</ParamField>
<ParamField body="name" type="string">A name, such as `Front desk`.</ParamField>
<ParamField body="enabled" type="boolean" />
<ParamField body="source" type="string">Options: `environment`, `global`.</ParamField>"#;
        let fields = documented(page);
        assert_eq!(fields[0].options, ["POST", "PUT", "PATCH"]);
        assert!(fields[1].options.is_empty());
        assert!(fields[2].options.is_empty(), "a self-closing tag has no description of its own");
        assert_eq!(fields[3].options, ["environment", "global"]);
        let events =
            documented(r#"<ParamField body="events" type="array">Options: `call.started`, `call.ended`.</ParamField>"#);
        assert_eq!(events[0].options, ["call.started", "call.ended"]);
    }

    /// create-agent's parameters from its first `ok` fixture.
    fn create_agent_base() -> Params {
        crate::check_fixtures().unwrap().remove("create-agent").expect("create-agent has an ok fixture")
    }

    #[test]
    fn a_listed_value_the_types_do_not_know_is_a_problem() {
        let op = talkover::registry::operation("create-agent").unwrap();
        let page = r#"<ParamField body="interrupt_sensitivity" type="string">
  Options: `low`, `medium`, `high`, `extreme`.
</ParamField>"#;
        let (checked, problems) = options_not_known(op, page, &create_agent_base());
        assert_eq!(checked, 4);
        assert_eq!(
            problems,
            ["create-agent: `extreme`, a value its page lists for `body.interrupt_sensitivity`, is not one its types know"]
        );
    }

    #[test]
    fn a_listed_value_of_the_wrong_type_is_a_problem() {
        let op = talkover::registry::operation("create-agent").unwrap();
        let page = r#"<ParamField body="idle_time_seconds" type="integer">Options: `5`, `ten`.</ParamField>"#;
        let (_, problems) = options_not_known(op, page, &create_agent_base());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.contains("is refused") && p.contains("`body.idle_time_seconds`")));
    }

    #[test]
    fn reads_the_bounds_a_description_gives() {
        let range = |low, high, whole| Some(Bound::Range { low: Some(low), high: Some(high), whole });
        let only_max = |high, whole| Some(Bound::Range { low: None, high: Some(high), whole });
        let chars = |min, max| Some(Bound::Chars { min, max });
        assert_eq!(bound("Retry attempts. Range: `0`–`10`. Default: `3`.", true), range(0.0, 10.0, true));
        assert_eq!(bound("Volume. Range: `0` (muted) to `2` (loud).", false), range(0.0, 2.0, false));
        assert_eq!(bound("Range: greater than `1`, less than `2`.", false), None);
        assert_eq!(bound("Delay in seconds. Range: `0`+.", true), None);
        assert_eq!(bound("Display name. Max 255 characters.", false), chars(None, Some(255)));
        assert_eq!(bound("Notes, maximum of 500 characters", false), chars(None, Some(500)));
        assert_eq!(bound("Reason. Length: 10–500 characters. Helps support.", false), chars(Some(10), Some(500)));
        assert_eq!(bound("Agent description (min 5 characters)", false), chars(Some(5), None));
        assert_eq!(bound("Up to 3 retries.", true), None);
        assert_eq!(bound("LLM temperature (min: 0, max: 2)", false), range(0.0, 2.0, false));
        assert_eq!(bound("The admin: 3 of them", true), None);
        assert_eq!(bound("Number of items per page (default: 20, max: 100)", true), only_max(100.0, true));
    }

    #[test]
    fn a_bound_the_checks_do_not_keep_is_a_problem_either_way() {
        let op = talkover::registry::operation("create-agent").unwrap();
        // The SDK checks initial_idle_time_seconds from 1 to 60.
        let narrower = r#"<ParamField body="initial_idle_time_seconds" type="integer">Range: `1`–`30`.</ParamField>"#;
        let (checked, problems) = bounds_not_kept(op, narrower, &create_agent_base());
        assert_eq!(checked, 4);
        assert_eq!(
            problems,
            ["create-agent: `body.initial_idle_time_seconds` = 31, past its page's bound, is not refused"]
        );
        let wider = r#"<ParamField body="initial_idle_time_seconds" type="integer">Range: `0`–`60`.</ParamField>"#;
        let (_, problems) = bounds_not_kept(op, wider, &create_agent_base());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0]
            .starts_with("create-agent: `body.initial_idle_time_seconds` = 0, within its page's bound, is refused"));
        let kept = r#"<ParamField body="initial_idle_time_seconds" type="integer">Range: `1`–`60`.</ParamField>"#;
        assert_eq!(bounds_not_kept(op, kept, &create_agent_base()), (4, Vec::new()));
    }

    #[test]
    fn a_fixtures_query_is_read_as_pairs_a_list_once_per_value() {
        let query = serde_json::json!({"per_page": 50, "status": "active", "calendar_ids": ["a", "b"]});
        let base = Params { query: Some(query), ..Params::default() };
        let mut pairs = base_query(talkover::registry::operation("list-calls").unwrap(), &base).unwrap();
        pairs.sort();
        let expected = [("calendar_ids[]", "a"), ("calendar_ids[]", "b"), ("per_page", "50"), ("status", "active")];
        assert_eq!(pairs, expected.map(|(n, v)| (n.to_owned(), v.to_owned())));
    }

    #[test]
    fn a_documented_field_the_types_do_not_read_is_a_problem() {
        let op = talkover::registry::operation("list-calls").unwrap();
        let page = r#"<ParamField query="per_page" type="integer">Page size.</ParamField>
<ParamField query="no_such_parameter" type="string">Not read.</ParamField>"#;
        let (checked, problems) = not_read(op, page);
        assert_eq!(checked, 2);
        assert_eq!(
            problems,
            ["list-calls: its page documents the query parameter `no_such_parameter`, which its types do not read"]
        );
        let create = talkover::registry::operation("create-agent").unwrap();
        let (_, problems) = not_read(
            create,
            r#"<ParamField body="name" type="string" required />
<ParamField body="nickname" type="string" />"#,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("body field `nickname`"));
    }

    #[test]
    fn a_field_required_on_one_side_only_is_a_problem() {
        let op = talkover::registry::operation("create-agent").unwrap();
        // The types require `name` and have `description` optional, as the page does.
        let page = r#"<ParamField body="name" type="string" required>Name.</ParamField>
<ParamField body="description" type="string" required={false}>About it.</ParamField>"#;
        assert_eq!(not_read(op, page), (2, Vec::new()));
        let swapped = r#"<ParamField body="name" type="string">Name.</ParamField>
<ParamField body="description" type="string" required={true}>About it.</ParamField>"#;
        let (_, problems) = not_read(op, swapped);
        assert_eq!(
            problems,
            [
                "create-agent: its page has optional the body field `name`, which its types have required",
                "create-agent: its page requires the body field `description`, which its types have optional",
            ]
        );
    }

    #[test]
    fn a_route_other_than_the_declarations_is_a_problem() {
        let op = talkover::registry::operation("get-agent").unwrap();
        let page = |api: &str| format!("---\ntitle: \"Get Agent\"\n{api}\n---\n");
        assert_eq!(route_differs(op, &page(r#"api: "GET /api/v1/agents/{agent_id}""#)), None);
        assert_eq!(
            route_differs(op, &page(r#"api: "GET /api/v1/agents/{id}""#)).as_deref(),
            Some("get-agent: its page's route is `GET /api/v1/agents/{id}`, its declaration's `GET /api/v1/agents/{agent_id}`")
        );
        assert!(route_differs(op, &page(r#"api: "POST /api/v1/agents/{agent_id}""#)).is_some());
        assert!(route_differs(op, &page("")).unwrap().contains("no `api:` line"));
    }

    #[test]
    fn a_page_s_success_status_is_its_operation_s() {
        let create = talkover::registry::operation(talkover::agents::CreateAgent::ID).unwrap();
        let get = talkover::registry::operation(talkover::agents::GetAgent::ID).unwrap();
        assert_eq!(status_differs(create, "### Success Response (201 Created)\n```json"), None);
        assert_eq!(status_differs(get, "### Success Response (200 OK)\n"), None);
        // A page without the heading answers 200.
        assert_eq!(status_differs(get, "## Response\n"), None);
        assert_eq!(
            status_differs(create, "## Response\n").as_deref(),
            Some("create-agent: its page's success status is 200, its declaration's 201")
        );
        assert!(status_differs(get, "### Success Response (201 Created)").is_some());
        assert!(status_differs(get, "### Success Response (Created)").is_some());
    }

    #[test]
    fn a_body_read_whole_is_not_checked_by_name() {
        // create-availability-rule's body is one of two shapes, picked by `type`: read whole, not by names.
        let op = talkover::registry::operation("create-availability-rule").unwrap();
        assert_eq!(known(op, Place::Body), None);
        assert_eq!(not_read(op, r#"<ParamField body="anything" type="string" />"#), (0, Vec::new()));
    }
}
