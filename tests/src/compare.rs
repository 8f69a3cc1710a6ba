//! Comparing what the SDK did with what a fixture expects, with readable differences.

use serde_json::Value;

/// How `null` and a missing key compare.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    /// `null` and absent are different (request bodies: unset optionals must be left out).
    Distinct,
    /// `null` and absent are equal (decoded responses).
    Absent,
}

/// The differences between two JSON values, one line each, with the JSON path where they differ.
/// Numbers compare by value (`1` equals `1.0`).
pub fn json_diff(expected: &Value, actual: &Value, nulls: Nulls) -> Vec<String> {
    let mut out = Vec::new();
    diff(expected, actual, nulls, "$", &mut out);
    out
}

fn diff(expected: &Value, actual: &Value, nulls: Nulls, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let p = format!("{path}.{key}");
                match a.get(key) {
                    Some(av) => diff(ev, av, nulls, &p, out),
                    None if nulls == Nulls::Absent && ev.is_null() => {}
                    None => out.push(format!("{p}: expected {}, missing", short(ev))),
                }
            }
            for (key, av) in a {
                let absent_null = nulls == Nulls::Absent && av.is_null();
                if !e.contains_key(key) && !absent_null {
                    out.push(format!("{path}.{key}: not expected, got {}", short(av)));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: expected {} items, got {}", e.len(), a.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(ev, av, nulls, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            let same = match (e.as_i64(), a.as_i64(), e.as_u64(), a.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => e.as_f64() == a.as_f64(),
            };
            if !same {
                out.push(format!("{path}: expected {e}, got {a}"));
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: expected {}, got {}", short(e), short(a))),
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        let cut: String = text.chars().take(77).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// Whether two percent-encoded paths are equal, with escape hex digits compared case-insensitively.
pub fn same_path(expected: &str, actual: &str) -> bool {
    normalize_escapes(expected) == normalize_escapes(actual)
}

fn normalize_escapes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next() {
                    out.push(h.to_ascii_uppercase());
                }
            }
        }
    }
    out
}

/// Whether two lists of pairs hold the same pairs, each as often.
pub fn same_multiset(expected: &[(String, String)], actual: &[(String, String)]) -> bool {
    let mut e = expected.to_vec();
    let mut a = actual.to_vec();
    e.sort();
    a.sort();
    e == a
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nulls_and_numbers_compare_as_the_format_says() {
        assert!(json_diff(&json!({"a": null, "b": 1}), &json!({"b": 1.0}), Nulls::Absent).is_empty());
        assert_eq!(json_diff(&json!({"a": null}), &json!({}), Nulls::Distinct).len(), 1);
        assert_eq!(json_diff(&json!({}), &json!({"a": null}), Nulls::Distinct).len(), 1);
        assert_eq!(json_diff(&json!([1, 2]), &json!([1]), Nulls::Absent).len(), 1);
        assert_eq!(
            json_diff(&json!({"a": "x"}), &json!({"a": "y"}), Nulls::Absent),
            ["$.a: expected \"x\", got \"y\""]
        );
        assert!(!json_diff(&json!(0.1), &json!(0.2), Nulls::Absent).is_empty());
    }

    #[test]
    fn paths_compare_escapes_case_insensitively() {
        assert!(same_path("/a/%2fb", "/a/%2Fb"));
        assert!(!same_path("/a/%2Fb", "/a/b"));
        assert!(!same_path("/A", "/a"));
    }
}
