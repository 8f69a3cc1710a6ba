//! The request fields each reference page documents against those its operation's declaration reads.
//!
//! A page lists the body and query parameters of its operation (`<ParamField body="…">`,
//! `<ParamField query="…">`, `<RequestField name="…">`). A name the types do not read would be dropped
//! without a word from a caller's JSON (the registry, the command line, a fixture's `params`), so every
//! documented name must be one the declaration reads.

use std::path::Path;

use talkover::registry::OperationInfo;

/// Where a page documents a request field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Body,
    Query,
}

/// The top-level request fields a page documents, in its order. A field nested in another's
/// `<Expandable>` (the inside of an object or a list's items) is not a top-level name and is left out; a
/// repeated query parameter's `[]` is dropped (`calendar_ids[]` is `calendar_ids`).
pub fn documented(page: &str) -> Vec<(Place, String)> {
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
                    fields.push((place, field.trim_end_matches("[]").to_owned()));
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

/// What the declaration of `op` reads at `place`, or `None` where it reads the body whole (no names).
fn known(op: &OperationInfo, place: Place) -> Option<Vec<&'static str>> {
    match place {
        Place::Query => Some(op.query_names().to_vec()),
        Place::Body if !op.has_body() => Some(Vec::new()),
        Place::Body => {
            let fields: Vec<&'static str> = op.body_fields().iter().map(|field| field.name).collect();
            (!fields.is_empty()).then_some(fields)
        }
    }
}

/// How many of the request fields `page` documents were checked against `op`, and a problem for each
/// that its declaration does not read.
fn not_read(op: &OperationInfo, page: &str) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut problems = Vec::new();
    for (place, field) in documented(page) {
        let Some(known) = known(op, place) else { continue };
        checked += 1;
        if !known.contains(&field.as_str()) {
            let place = match place {
                Place::Body => "body field",
                Place::Query => "query parameter",
            };
            problems.push(format!("{}: its page documents the {place} `{field}`, which its types do not read", op.id));
        }
    }
    (checked, problems)
}

/// Every documented request field of every page is read by its operation's declaration.
pub fn check(pages: &Path) -> Result<(), String> {
    let mut problems = Vec::new();
    let mut checked = 0usize;
    for op in talkover::registry::operations() {
        let Ok(page) = std::fs::read_to_string(pages.join(format!("{}.mdx", op.id))) else {
            continue; // check_fixtures names a missing page
        };
        let (count, found) = not_read(op, &page);
        checked += count;
        problems.extend(found);
    }
    if problems.is_empty() {
        eprintln!("request fields: the {checked} the pages document are all read by their operations");
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
        let fields = documented(page);
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
    fn a_body_read_whole_is_not_checked_by_name() {
        // create-availability-rule's body is one of two shapes, picked by `type`: read whole, not by names.
        let op = talkover::registry::operation("create-availability-rule").unwrap();
        assert_eq!(known(op, Place::Body), None);
        assert_eq!(not_read(op, r#"<ParamField body="anything" type="string" />"#), (0, Vec::new()));
    }
}
