//! The one place where values become URL text: path segments and query strings.

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

/// Whether a byte is RFC 3986 `unreserved`.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Appends `value` percent-encoded so that it is exactly one path segment.
///
/// Everything outside `unreserved` is escaped, and a segment that is exactly `.` or `..` has its dots
/// escaped too (`%2E`), so that an HTTP client sending the path as written cannot take it for a
/// dot-segment. A client whose URL type follows the WHATWG URL standard still folds `%2E` away; the reqwest
/// transport refuses such a path rather than send the request elsewhere.
#[doc(hidden)]
pub fn push_path_segment(out: &mut String, value: &str) {
    if value == "." || value == ".." {
        for _ in 0..value.len() {
            out.push_str("%2E");
        }
        return;
    }
    push_escaped(out, value);
}

fn push_escaped(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    // Copy runs of unreserved bytes at once; a run starts and ends on ASCII, so on char boundaries.
    let mut run = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !is_unreserved(byte) {
            if run < i {
                out.push_str(&value[run..i]);
            }
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
            run = i + 1;
        }
    }
    if run < bytes.len() {
        out.push_str(&value[run..]);
    }
}

/// Expands a path template such as `/api/v1/agents/{agent_id}` into `out`, asking `param` for each
/// placeholder's value. A missing or empty value is an invalid request: it would address another resource.
#[doc(hidden)]
pub fn expand_path<'a>(
    out: &mut String,
    operation: &'static str,
    template: &'static str,
    param: impl Fn(&str) -> Option<&'a str>,
) -> Result<(), Error> {
    let mut rest = template;
    // Bytes, not `str::find`: a template is a few dozen bytes, too short for a searcher to pay off.
    let position = |text: &str, byte: u8| text.bytes().position(|b| b == byte);
    while let Some(open) = position(rest, b'{') {
        out.push_str(&rest[..open]);
        let close = position(&rest[open..], b'}').map(|i| open + i).expect("path templates are static and well formed");
        let name = &rest[open + 1..close];
        let value = param(name).unwrap_or_default();
        if let Some(problem) = path_param_problem(value) {
            return Err(Error::invalid_request(operation, Some(name), problem));
        }
        push_path_segment(out, value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(())
}

/// Why `value` cannot be a path parameter, if it cannot: it is empty, holds a control character (a line
/// break or tab read with it from a file or a terminal), or starts or ends with white space (or starts with
/// a byte order mark). No id, number or name of the API has any of these, so sending it would only get a
/// 404 that does not say why; refused, the caller learns what is wrong with the value.
fn path_param_problem(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return Some("path parameter is empty".to_owned());
    };
    // Most values (ids, numbers) are printable ASCII: one pass over the bytes clears them, and then only a
    // space can be white space at an end.
    if !bytes.iter().any(|&b| !(0x20..0x7f).contains(&b)) && first != b' ' && last != b' ' {
        return None;
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Some(format!(
            "path parameter holds the control character U+{:04X} (a line break or tab read with the value?); \
             no id has one",
            u32::from(c)
        ));
    }
    let blank_start = value.starts_with(|c: char| c.is_whitespace() || c == '\u{feff}');
    if blank_start || value.ends_with(char::is_whitespace) {
        return Some("path parameter starts or ends with white space; no id does (trim the value)".to_owned());
    }
    None
}

/// The placeholder names of a path template, in order.
pub fn path_placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// Whether the placeholders of `template` are exactly `names`, in order. Evaluated at compile time for
/// every declared operation, so a path parameter cannot be misnamed or forgotten.
#[doc(hidden)]
pub const fn placeholders_are(template: &str, names: &[&str]) -> bool {
    let t = template.as_bytes();
    let (mut i, mut k) = (0, 0);
    while i < t.len() {
        if t[i] == b'{' {
            if k >= names.len() {
                return false;
            }
            let name = names[k].as_bytes();
            if !starts_with_at(t, i + 1, name) || !starts_with_at(t, i + 1 + name.len(), b"}") {
                return false;
            }
            k += 1;
            i += name.len() + 2;
        } else {
            i += 1;
        }
    }
    k == names.len()
}

/// Operations whose type is named from their reference page's title, which is not their page's file name:
/// (type, id).
const TITLED_OTHERWISE: &[(&str, &str)] = &[
    // The page `health` is titled "Health Check".
    ("HealthCheck", "health"),
];

/// Whether `id` is the kebab-case spelling of the operation type `type_name` (`GetAgentCalls`,
/// `get-agent-calls`), or one of the few pairs whose page is titled otherwise than its file is named.
/// Evaluated at compile time for every declared operation, so a declaration copied from its neighbour
/// cannot keep the neighbour's id.
#[doc(hidden)]
pub const fn id_names(type_name: &str, id: &str) -> bool {
    let mut k = 0;
    while k < TITLED_OTHERWISE.len() {
        if same(TITLED_OTHERWISE[k].0, type_name) {
            return same(TITLED_OTHERWISE[k].1, id);
        }
        k += 1;
    }
    let (t, d) = (type_name.as_bytes(), id.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < t.len() {
        if t[i].is_ascii_uppercase() && i > 0 {
            if j >= d.len() || d[j] != b'-' {
                return false;
            }
            j += 1;
        }
        if j >= d.len() || d[j] != t[i].to_ascii_lowercase() {
            return false;
        }
        i += 1;
        j += 1;
    }
    j == d.len()
}

/// Where an operation's doc links its reference page.
const REFERENCE_PAGES: &[u8] = b"api-reference/endpoints/";

/// Whether the first link to a reference page in `docs` (an operation's doc lines) is to the page of
/// `id`. Evaluated at compile time for every declared operation, so the doc of a declaration copied from
/// its neighbour cannot keep linking the neighbour's page.
#[doc(hidden)]
pub const fn doc_links_to(docs: &[&str], id: &str) -> bool {
    let mut line = 0;
    while line < docs.len() {
        let text = docs[line].as_bytes();
        let mut at = 0;
        while at + REFERENCE_PAGES.len() <= text.len() {
            if starts_with_at(text, at, REFERENCE_PAGES) {
                let start = at + REFERENCE_PAGES.len();
                let mut end = start;
                while end < text.len()
                    && (text[end].is_ascii_lowercase() || text[end].is_ascii_digit() || text[end] == b'-')
                {
                    end += 1;
                }
                return end - start == id.len() && starts_with_at(text, start, id.as_bytes());
            }
            at += 1;
        }
        line += 1;
    }
    false
}

/// Whether `text` holds `part` from `at` on.
const fn starts_with_at(text: &[u8], at: usize, part: &[u8]) -> bool {
    if at + part.len() > text.len() {
        return false;
    }
    let mut i = 0;
    while i < part.len() {
        if text[at + i] != part[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && starts_with_at(a.as_bytes(), 0, b.as_bytes())
}

/// Turns a serializable query struct into `(name, value)` pairs.
///
/// Unset (`None`/`null`) fields are left out, booleans are `true`/`false`, and an array field is repeated
/// once per element as `name[]`, the way the API's PHP back end reads lists.
pub fn query_pairs<T: Serialize + ?Sized>(operation: &'static str, query: &T) -> Result<Vec<(String, String)>, Error> {
    let value =
        serde_json::to_value(query).map_err(|e| Error::invalid_request(operation, None, format!("query: {e}")))?;
    let mut pairs = Vec::new();
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (name, value) in map {
                match value {
                    Value::Array(items) => {
                        let name = format!("{name}[]");
                        for item in items {
                            if let Some(text) = scalar_text(operation, &name, item)? {
                                pairs.push((name.clone(), text));
                            }
                        }
                    }
                    other => {
                        if let Some(text) = scalar_text(operation, &name, other)? {
                            pairs.push((name, text));
                        }
                    }
                }
            }
        }
        _ => return Err(Error::invalid_request(operation, None, "query must be a struct")),
    }
    Ok(pairs)
}

fn scalar_text(operation: &'static str, name: &str, value: Value) -> Result<Option<String>, Error> {
    Ok(match value {
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s),
        Value::Array(_) | Value::Object(_) => {
            return Err(Error::invalid_request(operation, Some(name), "nested values cannot be sent in a query string"))
        }
    })
}

/// Appends `?name=value&...` form-encoded (a `+` in a value is sent as `%2B`, a space as `%20`).
#[doc(hidden)]
pub fn push_query(out: &mut String, pairs: &[(String, String)]) {
    for (i, (name, value)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        push_escaped(out, name);
        out.push('=');
        push_escaped(out, value);
    }
}

/// Decodes an `application/x-www-form-urlencoded` string into pairs (a `+` is a space).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

/// Decodes one form-encoded component; invalid escapes are kept as written, invalid UTF-8 is replaced.
#[doc(hidden)]
pub fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes percent-escapes in a path (a `+` stays a `+`).
#[doc(hidden)]
pub fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The value of one hex digit, either case.
pub(crate) fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(value: &str) -> String {
        let mut out = String::new();
        push_path_segment(&mut out, value);
        out
    }

    #[test]
    fn a_path_parameter_is_always_one_segment() {
        assert_eq!(segment("550e8400-e29b"), "550e8400-e29b");
        assert_eq!(segment("a/b"), "a%2Fb");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("."), "%2E");
        assert_eq!(segment("..."), "...");
        assert_eq!(segment("?x#y"), "%3Fx%23y");
        assert_eq!(segment("100%"), "100%25");
        assert_eq!(segment("+33 6"), "%2B33%206");
        assert_eq!(segment("é"), "%C3%A9");
    }

    #[test]
    fn templates_expand_and_reject_empty_values() {
        let mut out = String::new();
        expand_path(&mut out, "delete-action", "/api/v1/agents/{agent_id}/actions/{action_id}", |n| match n {
            "agent_id" => Some("a/1"),
            "action_id" => Some("x"),
            _ => None,
        })
        .unwrap();
        assert_eq!(out, "/api/v1/agents/a%2F1/actions/x");

        let err = expand_path(&mut String::new(), "get-agent", "/api/v1/agents/{agent_id}", |_| Some("")).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("agent_id"), "{err}");
    }

    #[test]
    fn ids_read_with_a_line_break_or_blanks_are_refused_before_sending() {
        let expand = |value: &'static str| {
            expand_path(&mut String::new(), "get-agent", "/api/v1/agents/{agent_id}", move |_| Some(value))
        };
        // As from a CRLF file, `read` without trimming, a tab-separated column, a copy with a space.
        for (value, said) in [
            ("550e8400\r", "U+000D"),
            ("550e8400\n", "U+000A"),
            ("550e\t8400", "U+0009"),
            ("550e8400 ", "white space"),
            (" 550e8400", "white space"),
            ("\u{feff}550e8400", "white space"),
        ] {
            let err = expand(value).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest);
            let text = err.to_string();
            assert!(text.contains("agent_id") && text.contains(said), "{value:?}: {text}");
        }
        // Inside a value, a space is the caller's (a name, `+33 6 12`): sent, escaped.
        let mut out = String::new();
        expand_path(&mut out, "get-active-call", "/api/v1/calls/active/{phone}", |_| Some("+33 6 12")).unwrap();
        assert_eq!(out, "/api/v1/calls/active/%2B33%206%2012");
    }

    #[test]
    fn path_parameters_are_the_template_s_placeholders_in_order() {
        let path = "/api/v1/agents/{agent_id}/webhooks/{webhook_id}";
        assert!(placeholders_are(path, &["agent_id", "webhook_id"]));
        assert!(placeholders_are("/api/v1/health", &[]));
        assert!(!placeholders_are(path, &["webhook_id", "agent_id"]));
        assert!(!placeholders_are(path, &["agent_id"]));
        assert!(!placeholders_are(path, &["agent_id", "webhook_id", "call_id"]));
        assert!(!placeholders_are(path, &["agent", "webhook_id"]));
        assert!(!placeholders_are("/api/v1/agents/{agent_id", &["agent_id"]));
    }

    #[test]
    fn an_operation_id_is_its_type_name_in_kebab_case() {
        assert!(id_names("GetAgentCalls", "get-agent-calls"));
        assert!(id_names("MakeCall", "make-call"));
        // A declaration copied from its neighbour, and near misses of the spelling.
        assert!(!id_names("GetAgentCalls", "get-agent-call"));
        assert!(!id_names("GetAgentCalls", "get-agent-calls-"));
        assert!(!id_names("GetAgentCalls", "getagent-calls"));
        assert!(!id_names("GetAgentCalls", "get_agent_calls"));
        assert!(!id_names("GetAgentCalls", "Get-agent-calls"));
        assert!(!id_names("GetAgentCalls", ""));
        // The one page whose title names its type otherwise.
        assert!(id_names("HealthCheck", "health"));
        assert!(!id_names("HealthCheck", "health-check"));
    }

    #[test]
    fn an_operation_doc_links_its_own_page_first() {
        let docs = [
            " [List an agent's calls](https://docs.talkover.ai/api-reference/endpoints/get-agent-calls), newest",
            " first; see also [Get a call](https://docs.talkover.ai/api-reference/endpoints/get-call).",
        ];
        assert!(doc_links_to(&docs, "get-agent-calls"));
        // Another page linked first, a longer or shorter id, no link at all.
        assert!(!doc_links_to(&docs, "get-call"));
        assert!(!doc_links_to(&docs, "get-agent-call"));
        assert!(!doc_links_to(
            &[" [x](https://docs.talkover.ai/api-reference/endpoints/get-agent-calls-v2)"],
            "get-agent-calls"
        ));
        assert!(!doc_links_to(&[" Lists an agent's calls."], "get-agent-calls"));
        assert!(!doc_links_to(&[], "get-agent-calls"));
    }

    #[test]
    fn query_strings_are_form_encoded() {
        #[derive(Serialize)]
        struct Q {
            search: Option<&'static str>,
            page: Option<u32>,
            skipped: Option<u32>,
            calendar_ids: Vec<&'static str>,
            flag: bool,
        }
        let pairs = query_pairs(
            "x",
            &Q { search: Some("+33 6&x=y"), page: Some(2), skipped: None, calendar_ids: vec!["a", "b"], flag: true },
        )
        .unwrap();
        let mut out = String::new();
        push_query(&mut out, &pairs);
        assert!(out.contains("search=%2B33%206%26x%3Dy"), "{out}");
        assert!(out.contains("calendar_ids%5B%5D=a&calendar_ids%5B%5D=b"), "{out}");
        assert!(!out.contains("skipped"));
        let mut decoded = parse_query(&out[1..]);
        decoded.sort();
        assert_eq!(
            decoded,
            vec![
                ("calendar_ids[]".into(), "a".into()),
                ("calendar_ids[]".into(), "b".into()),
                ("flag".into(), "true".into()),
                ("page".into(), "2".into()),
                ("search".into(), "+33 6&x=y".into()),
            ]
        );
    }

    #[test]
    fn form_decoding_handles_plus_and_bad_escapes() {
        assert_eq!(form_decode("a+b%2Bc"), "a b+c");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("a%2Fb+%"), b"a/b+%".to_vec());
    }
}
