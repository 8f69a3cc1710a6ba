//! A second reading of an answer the types refused, for values a server writes in another shape than the
//! reference shows but that mean the same: a whole number written as a float (`3.0`), a number written
//! as a string (`"0.10"`, as PHP and SQL decimal columns give it), an empty map written as `[]` (as PHP's
//! `json_encode` writes an empty array), a header's values written as a list (`["text/plain"]`), `null` for
//! an empty list or map (an empty JSON column), a date as midnight of that day (`2024-01-15T00:00:00Z`, a
//! date column cast to a date-time), a time of day with zero seconds or a one-digit hour (`09:00:00`, a SQL
//! `TIME` column; `9:00`), a boolean written as `1` or `0` or as their text (a MySQL `TINYINT(1)` column
//! a model does not cast; `"true"` and `"false"` too), a list written as an object keyed by position
//! (`{"0": …, "2": …}`, as PHP writes an array whose keys are not 0, 1, 2…: a filtered collection).
//! Requests are not read this way: what a caller gives is checked as given.
//!
//! Only the value the decoding error points at is rewritten, only into one of these equivalents (with it,
//! the values of the same shape at the same place in the answer's other items: every window of a page of
//! campaigns), and the answer is decoded again; a bounded number of times. When the rewritten answer is refused at the same
//! place, or at a value none of these fit, the first error stands. An answer the types read the first time
//! is never parsed twice, so this costs nothing unless an answer was refused.

use serde_json::{Map, Number, Value};

use crate::json_path;

/// The most values rewritten in one answer.
const MAX_REWRITES: usize = 32;

/// Decodes `bytes` again with `decode` after rewriting, one at a time, the values decoding stops at,
/// while each is one of the equivalent shapes above. What the last decoding gave; else the refusal that
/// stopped it: `None` when it is the first one (the first error stands), or the path and message of a
/// value met later that is none of these shapes (the one that keeps the answer from being read; the
/// message without serde's position, which is in the rewritten text).
pub(crate) fn decode_again<T>(
    bytes: &[u8],
    first: &serde_json::Error,
    decode: &mut dyn FnMut(&[u8]) -> Result<T, serde_json::Error>,
) -> Result<T, Option<(String, String)>> {
    let mut answer: Value = serde_json::from_slice(bytes).map_err(|_| None)?;
    let mut text = bytes.to_vec();
    let mut path = json_path::of(&text, first);
    let first_path = path.clone();
    let mut message = first.to_string();
    let mut rewritten: Vec<String> = Vec::new();
    let blocked = |path: String, message: String| {
        (path != first_path).then(|| (path, message.split(" at line ").next().unwrap_or_default().to_owned()))
    };
    for _ in 0..MAX_REWRITES {
        if rewritten.contains(&path) {
            return Err(blocked(path, message));
        }
        let Some(value) = at_path(&mut answer, &path) else { return Err(blocked(path, message)) };
        let Some(equal) = equivalent(value, &message, &path) else { return Err(blocked(path, message)) };
        let was = std::mem::replace(value, equal);
        // The same place in the answer's other items (every campaign of a page, every window of each)
        // most likely holds a value of the same shape: such a one is read the same way now, not after a
        // decoding of its own.
        for_each_alike(&mut answer, &path, &mut |other| {
            if same_shape(&was, other) && !read_as_written(other, &message) {
                if let Some(equal) = equivalent(other, &message, &path) {
                    *other = equal;
                }
            }
        });
        rewritten.push(path);
        text = serde_json::to_vec(&answer).map_err(|_| None)?;
        match decode(&text) {
            Ok(decoded) => return Ok(decoded),
            Err(e) => (path, message) = (json_path::of(&text, &e), e.to_string()),
        }
    }
    Err(None)
}

/// The value in the shape the types more likely read, if `value` (at `path`) is one of the equivalent
/// shapes; `refused` is the decoding error's message.
fn equivalent(value: &Value, refused: &str, path: &str) -> Option<Value> {
    match value {
        // A boolean stored as a number (`TINYINT(1)`), or as text: only the two values that mean one.
        Value::Number(n) if refused.contains("expected a boolean") => match n.as_u64()? {
            0 => Some(Value::Bool(false)),
            1 => Some(Value::Bool(true)),
            _ => None,
        },
        Value::String(text) if refused.contains("expected a boolean") => match text.as_str() {
            "0" | "false" => Some(Value::Bool(false)),
            "1" | "true" => Some(Value::Bool(true)),
            _ => None,
        },
        // A list as an object keyed by position: its values in the order of their keys, each key a whole
        // number written plainly (`{}` is the empty list). An object with any other key is not a list.
        Value::Object(map) if refused.starts_with("invalid type: map, expected a sequence") => {
            let mut items = Vec::with_capacity(map.len());
            for (key, item) in map {
                let position = key.parse::<u64>().ok().filter(|n| n.to_string() == *key)?;
                items.push((position, item.clone()));
            }
            items.sort_by_key(|(position, _)| *position);
            Some(Value::Array(items.into_iter().map(|(_, item)| item).collect()))
        }
        // An empty list or map stored as nothing: serde's words for a `Vec` and a map that met `null`.
        Value::Null if refused.starts_with("invalid type: null, expected a sequence") => Some(Value::Array(Vec::new())),
        Value::Null if refused.starts_with("invalid type: null, expected a map") => Some(Value::Object(Map::new())),
        Value::Number(n) if n.is_f64() => {
            let whole = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)?;
            Some(Value::from(whole as i64))
        }
        Value::String(text) if refused.contains("expected a valid date (YYYY-MM-DD)") => {
            midnight_date(text).map(|date| Value::String(date.to_owned()))
        }
        Value::String(text) if refused.contains("expected a time of day (HH:MM") => {
            minutes_form(text).map(Value::String)
        }
        Value::String(text) => {
            let number: Number = serde_json::from_str(text.trim()).ok()?;
            Some(Value::Number(number))
        }
        Value::Array(items) if items.is_empty() => Some(Value::Object(Map::new())),
        // Only a header's values: elsewhere a list where one text is wanted is not the same thing.
        Value::Array(items) if in_headers(path) => {
            let texts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            Some(Value::String(texts?.join(", ")))
        }
        _ => None,
    }
}

/// `HH:MM` for a time of day written with zero seconds or a one-digit hour (`09:00:00`, `09:00:00.000000`,
/// `9:00`: a SQL `TIME` column, PHP's `G:i`).
pub(crate) fn minutes_form(text: &str) -> Option<String> {
    let mut parts = text.split(':');
    let (hour, minute, seconds) = (parts.next()?, parts.next()?, parts.next());
    let digits = |part: &str, widths: std::ops::RangeInclusive<usize>| {
        widths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    // Zero seconds, with a fraction of zeros too (`00.000000`, a SQL `TIME(6)` column).
    let zero_seconds = |s: &str| {
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        whole == "00" && fraction.bytes().all(|b| b == b'0')
    };
    let plain = digits(hour, 1..=2) && digits(minute, 2..=2) && parts.next().is_none();
    let in_range = plain && hour.parse::<u8>().is_ok_and(|h| h < 24) && minute.parse::<u8>().is_ok_and(|m| m < 60);
    (in_range && seconds.is_none_or(zero_seconds)).then(|| format!("{hour:0>2}:{minute}"))
}

/// The date of `text` if it is midnight of that day as a date-time in UTC or without an offset
/// (`2024-01-15T00:00:00.000000Z`, `2024-01-15 00:00:00`: a date column cast to a date-time).
fn midnight_date(text: &str) -> Option<&str> {
    let time = text.get(10..19)?;
    let rest = text[19..].strip_prefix('.').map_or(&text[19..], |fraction| fraction.trim_start_matches('0'));
    let midnight = matches!(time, "T00:00:00" | "t00:00:00" | " 00:00:00") && matches!(rest, "" | "Z" | "z" | "+00:00");
    midnight.then(|| &text[..10])
}

/// Whether `path` is a value of a map of HTTP headers (`data[0].response_headers.content-type`).
fn in_headers(path: &str) -> bool {
    let mut parts = path.rsplit('.');
    parts.next();
    parts.next().is_some_and(|map| {
        map.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit() || c == '[').ends_with("headers")
    })
}

/// Whether the type that refused a value reads `value`, of the same JSON type, as it is written, and would
/// read it otherwise rewritten: an amount as a plain decimal string (`"0.10"`) beside one it refused
/// (`"1e-1"`, read as the number it writes), which [`Decimal`](crate::Decimal) keeps with its digits and
/// would lose them as a number (`0.1`).
fn read_as_written(value: &Value, refused: &str) -> bool {
    refused.contains("a decimal amount") && value.as_str().is_some_and(crate::decimal::is_decimal)
}

/// Whether two values are of one JSON type (two lists: both empty or neither).
fn same_shape(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(a), Value::Array(b)) => a.is_empty() == b.is_empty(),
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// Calls `each` on every value at `path` with any index in place of each of its indices: for
/// `data[3].call_time_ranges[0].start`, the `start` of every window of every item of `data`.
fn for_each_alike(value: &mut Value, path: &str, each: &mut dyn FnMut(&mut Value)) {
    if path.is_empty() {
        return each(value);
    }
    if let Some(after) = path.strip_prefix('[') {
        let Some((_, tail)) = after.split_once(']') else { return };
        let tail = tail.strip_prefix('.').unwrap_or(tail);
        for item in value.as_array_mut().into_iter().flatten() {
            for_each_alike(item, tail, each);
        }
    } else {
        let end = path.find(['.', '[']).unwrap_or(path.len());
        let tail = path[end..].strip_prefix('.').unwrap_or(&path[end..]);
        if let Some(inner) = value.as_object_mut().and_then(|o| o.get_mut(&path[..end])) {
            for_each_alike(inner, tail, each);
        }
    }
}

/// The value at `path` (`data.items[3].voice`, as [`json_path::of`] writes it); the whole answer for an
/// empty path.
fn at_path<'v>(mut value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let (index, tail) = after.split_once(']')?;
            value = value.as_array_mut()?.get_mut(index.parse::<usize>().ok()?)?;
            rest = tail.strip_prefix('.').unwrap_or(tail);
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            value = value.as_object_mut()?.get_mut(&rest[..end])?;
            rest = rest[end..].strip_prefix('.').unwrap_or(&rest[end..]);
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Answer {
        count: u32,
        price: f64,
        headers: BTreeMap<String, String>,
        name: String,
    }

    #[test]
    fn dates_and_times_of_day_in_their_column_forms() {
        use crate::calendars::availability::TimeOfDay;
        use crate::time::Date;

        #[derive(Debug, Deserialize)]
        struct Window {
            day: Date,
            opens: TimeOfDay,
        }
        let read = |body: Value| {
            let bytes = serde_json::to_vec(&body).unwrap();
            let first = match serde_json::from_slice::<Window>(&bytes) {
                Ok(window) => return Some(window),
                Err(e) => e,
            };
            decode_again(&bytes, &first, &mut |text| serde_json::from_slice::<Window>(text)).ok()
        };
        for day in ["2024-01-15T00:00:00.000000Z", "2024-01-15T00:00:00Z", "2024-01-15 00:00:00", "2024-01-15"] {
            let window = read(json!({"day": day, "opens": "09:00:00"})).unwrap_or_else(|| panic!("{day}"));
            assert_eq!((window.day.as_str(), window.opens.to_string().as_str()), ("2024-01-15", "09:00"));
        }
        for day in ["2024-01-15T00:00:01Z", "2024-01-14T23:00:00-01:00", "2024-01-15T00:00:00.5Z"] {
            assert!(read(json!({"day": day, "opens": "09:00"})).is_none(), "{day}: the day is not certain");
        }
        for opens in ["9:00", "9:00:00", "09:00", "09:00:00.000000", "09:00:00.0"] {
            let window = read(json!({"day": "2024-01-15", "opens": opens})).unwrap_or_else(|| panic!("{opens}"));
            assert_eq!(window.opens.to_string(), "09:00");
        }
        for wrong in ["09:00:30", "24:00", "9:60:00", "9:0", "109:00", "09:00:00:00", "09:00:00.5", "9h00", ""] {
            assert!(read(json!({"day": "2024-01-15", "opens": wrong})).is_none(), "{wrong}");
        }
        assert!(Date::new("2024-01-15T00:00:00Z").is_err() && "09:00:00".parse::<TimeOfDay>().is_err());
    }

    #[test]
    fn lists_are_joined_in_header_maps_only() {
        assert!(in_headers("data[0].response_headers.content-type") && in_headers("headers.accept"));
        assert!(!in_headers("data.name") && !in_headers("headers") && !in_headers("data.headers_count.x.y"));
    }

    fn read(body: Value) -> Result<Answer, serde_json::Error> {
        let bytes = serde_json::to_vec(&body).unwrap();
        let first = match serde_json::from_slice::<Answer>(&bytes) {
            Ok(answer) => return Ok(answer),
            Err(e) => e,
        };
        decode_again(&bytes, &first, &mut |text| serde_json::from_slice::<Answer>(text)).map_err(|later| match later {
            Some((path, message)) => serde_json::Error::io(std::io::Error::other(format!("{path}: {message}"))),
            None => first,
        })
    }

    #[test]
    fn equivalent_shapes_are_read_as_the_types_want() {
        let answer = read(json!({"count": 3.0, "price": "0.10", "headers": [], "name": "x"})).unwrap();
        assert_eq!((answer.count, answer.price, answer.headers.len()), (3, 0.1, 0));
        let answer = read(json!({"name": "x", "price": 1, "headers": {"accept": ["a", "b"]}, "count": "7"}));
        let answer = answer.unwrap();
        assert_eq!((answer.count, answer.headers["accept"].as_str()), (7, "a, b"));
        assert!(read(json!({"count": 1, "price": 1, "headers": null, "name": "x"})).unwrap().headers.is_empty());
        #[derive(Debug, Deserialize)]
        struct Listed {
            tags: Vec<String>,
        }
        let bytes = br#"{"tags": null}"#;
        let first = serde_json::from_slice::<Listed>(bytes).unwrap_err();
        let listed = decode_again(bytes, &first, &mut |text| serde_json::from_slice::<Listed>(text)).unwrap();
        assert!(listed.tags.is_empty());
    }

    /// A boolean column the server does not cast comes back as `1` or `0` (or their text): read as the
    /// boolean it stores, in an `Option` too and in every item of a list; any other number or text is
    /// refused as before.
    #[test]
    fn booleans_stored_as_numbers_are_read_as_booleans() {
        #[derive(Debug, Deserialize)]
        struct Flags {
            enabled: bool,
            verified: Option<bool>,
            items: Vec<Item>,
        }
        #[derive(Debug, Deserialize)]
        struct Item {
            is_testing: bool,
        }
        let read = |body: Value| {
            let bytes = serde_json::to_vec(&body).unwrap();
            let first = serde_json::from_slice::<Flags>(&bytes).unwrap_err();
            decode_again(&bytes, &first, &mut |text| serde_json::from_slice::<Flags>(text))
        };
        let items = json!([{"is_testing": 1}, {"is_testing": 0}, {"is_testing": true}]);
        let flags = read(json!({"enabled": 1, "verified": "0", "items": items})).unwrap();
        assert_eq!((flags.enabled, flags.verified), (true, Some(false)));
        assert_eq!(flags.items.iter().map(|i| i.is_testing).collect::<Vec<_>>(), [true, false, true]);
        let flags = read(json!({"enabled": "true", "verified": "false", "items": []})).unwrap();
        assert_eq!((flags.enabled, flags.verified), (true, Some(false)));
        for wrong in [json!(2), json!(-1), json!(1.0), json!("yes"), json!("TRUE"), json!(""), json!("01")] {
            let error = read(json!({"enabled": wrong.clone(), "items": []})).err();
            assert!(matches!(error, Some(None)), "{wrong}: {error:?}");
        }
    }

    /// A list PHP wrote as an object keyed by position (a filtered collection keeps its keys) is read as
    /// the list of its values in the order of their keys; an object with another key is refused.
    #[test]
    fn lists_written_as_objects_keyed_by_position() {
        #[derive(Debug, Deserialize)]
        struct Listed {
            tags: Vec<String>,
        }
        let read = |body: &str| {
            let first = serde_json::from_str::<Listed>(body).unwrap_err();
            decode_again(body.as_bytes(), &first, &mut |text| serde_json::from_slice::<Listed>(text)).map(|l| l.tags)
        };
        assert_eq!(read(r#"{"tags": {"2": "c", "0": "a", "10": "d", "1": "b"}}"#).unwrap(), ["a", "b", "c", "d"]);
        assert_eq!(read(r#"{"tags": {"3": "x"}}"#).unwrap(), ["x"]);
        assert!(read(r#"{"tags": {}}"#).unwrap().is_empty());
        for wrong in
            [r#"{"tags": {"a": "x"}}"#, r#"{"tags": {"01": "x"}}"#, r#"{"tags": {"-1": "x"}}"#, r#"{"tags": {"0": 5}}"#]
        {
            assert!(read(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn other_values_keep_the_first_error() {
        for body in [
            json!({"count": 3.5, "price": 1, "headers": {}, "name": "x"}),
            json!({"count": "three", "price": 1, "headers": {}, "name": "x"}),
            json!({"count": 1, "price": 1, "headers": {}, "name": 5}),
            json!({"count": -1.0, "price": 1, "headers": {}, "name": "x"}),
            json!({"count": 1, "price": 1, "headers": [1], "name": "x"}),
            json!({"count": 1, "price": 1, "headers": {}, "name": ["x"]}),
            json!({"count": null, "price": 1, "headers": {}, "name": "x"}),
            json!({"count": 1, "price": 1, "headers": {}, "name": null}),
        ] {
            let error = read(body.clone()).unwrap_err();
            let direct = serde_json::from_value::<Answer>(body.clone()).unwrap_err();
            assert_eq!(error.to_string().split(" at line").next(), direct.to_string().split(" at line").next());
        }
    }

    /// When a value is mended and another further on is none of the shapes, that one is named: it is the
    /// one that keeps the answer from being read.
    #[test]
    fn a_later_value_none_of_the_shapes_is_the_one_named() {
        let error = read(json!({"count": 3.0, "price": 1, "headers": {}, "name": 5})).unwrap_err();
        assert!(error.to_string().starts_with("name: invalid type: integer `5`, expected a string"), "{error}");
        assert!(!error.to_string().contains(" at line "), "{error}");
    }

    /// A page of many items whose times are all in another form is read in one rewrite per place, not
    /// one per value (there are more values than rewrites allowed).
    #[test]
    fn the_same_place_in_every_item_is_read_alike() {
        use crate::time::TimeOfDay;

        #[derive(Debug, Deserialize)]
        struct Window {
            start: TimeOfDay,
            end: TimeOfDay,
        }
        #[derive(Debug, Deserialize)]
        struct Page {
            data: Vec<Vec<Window>>,
        }
        let item = json!([{"start": "09:00:00", "end": "12:00:00"}, {"start": "9:00", "end": "17:30"}]);
        let bytes = serde_json::to_vec(&json!({"data": vec![item; 100]})).unwrap();
        let first = serde_json::from_slice::<Page>(&bytes).unwrap_err();
        let mut decodings = 0;
        let page = decode_again(&bytes, &first, &mut |text| {
            decodings += 1;
            serde_json::from_slice::<Page>(text)
        })
        .unwrap();
        assert_eq!(page.data.len(), 100);
        // A value already in the types' shape is left as it is beside one that was not (an empty list
        // beside a `null` read as one stays a list).
        #[derive(Debug, Deserialize)]
        struct Tagged {
            tags: Vec<String>,
        }
        let bytes = br#"{"items": [{"tags": null}, {"tags": []}, {"tags": ["a"]}]}"#;
        #[derive(Debug, Deserialize)]
        struct Items {
            items: Vec<Tagged>,
        }
        let first = serde_json::from_slice::<Items>(bytes).unwrap_err();
        let items = decode_again(bytes, &first, &mut |text| serde_json::from_slice::<Items>(text)).unwrap();
        assert_eq!(items.items.iter().map(|i| i.tags.len()).collect::<Vec<_>>(), [0, 0, 1]);
        assert!(page.data.iter().all(|w| w[1].start.to_string() == "09:00" && w[0].end.to_string() == "12:00"));
        assert!(decodings <= 4, "{decodings}");
    }

    #[test]
    fn an_amount_beside_one_refused_keeps_its_digits() {
        #[derive(Debug, Deserialize)]
        struct Voice {
            cost: crate::Decimal,
        }
        #[derive(Debug, Deserialize)]
        struct Voices {
            voices: Vec<Voice>,
        }
        let bytes = br#"{"voices": [{"cost": "0.10"}, {"cost": "1e-1"}, {"cost": "0.230"}]}"#;
        let first = serde_json::from_slice::<Voices>(bytes).unwrap_err();
        let read = decode_again(bytes, &first, &mut |text| serde_json::from_slice::<Voices>(text)).unwrap();
        let costs: Vec<&str> = read.voices.iter().map(|v| v.cost.as_str()).collect();
        assert_eq!(costs, ["0.10", "0.1", "0.230"]);
    }

    #[test]
    fn paths_reach_into_lists_and_objects() {
        let mut value = json!({"data": [{"a": {"b": 1}}, {"a": [5, 6]}]});
        assert_eq!(at_path(&mut value, "data[0].a.b"), Some(&mut json!(1)));
        assert_eq!(at_path(&mut value, "data[1].a[1]"), Some(&mut json!(6)));
        assert_eq!(at_path(&mut value, "data[2]"), None);
        assert!(at_path(&mut value, "").is_some());
    }
}
