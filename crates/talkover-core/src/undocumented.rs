//! Where a value carries enum values the reference does not document.
//!
//! The SDK keeps a value of one of its string enums that the reference does not list (in the enum's
//! `Unknown` variant) instead of failing on it, so that a value the API adds later is data. A server or an
//! emulator answering for the documented API wants the opposite: to refuse it. [`paths`] finds every such
//! value in a request (or any value the types serialize), by its path, from the types alone: no handler
//! lists which of its fields are enums.

use serde::ser::{self, Serialize, Serializer};

/// The newtype name an enum's `Unknown` value serializes under: serde_json writes the text alone, as for
/// a documented value, and [`paths`] sees the difference.
pub(crate) const UNKNOWN: &str = "talkover::Unknown";

/// The paths (`body.events.1`, `query.status`) of every enum value in `value` that the reference does
/// not document, in the order they are written.
pub fn paths<T: Serialize + ?Sized>(value: &T) -> Vec<String> {
    let mut found = Vec::new();
    let _ = value.serialize(Probe { path: String::new(), found: &mut found });
    // A key and its value both undocumented are found at the same path, one after the other.
    found.dedup();
    found
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A serializer that writes nothing and records where an `Unknown` enum value is.
struct Probe<'a> {
    path: String,
    found: &'a mut Vec<String>,
}

/// How a probe ends: a serializer or deserializer that only looks at the types (this module's, and the
/// registry's field probe) stops with it; nothing else goes wrong in one.
#[derive(Debug)]
pub(crate) struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("probed")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl serde::de::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

macro_rules! nothing_to_see {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<(), Stop> {
            Ok(())
        })*
    };
}

impl<'a> Serializer for Probe<'a> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Walk<'a>;
    type SerializeTuple = Walk<'a>;
    type SerializeTupleStruct = Walk<'a>;
    type SerializeTupleVariant = Walk<'a>;
    type SerializeMap = Walk<'a>;
    type SerializeStruct = Walk<'a>;
    type SerializeStructVariant = Walk<'a>;

    nothing_to_see! {
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_f32: f32,
        serialize_f64: f64, serialize_char: char, serialize_str: &str, serialize_bytes: &[u8],
        serialize_unit_struct: &'static str,
    }

    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }

    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Stop> {
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Result<(), Stop> {
        if name == UNKNOWN {
            self.found.push(self.path);
            return Ok(());
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        value.serialize(Probe { path: join(&self.path, variant), found: self.found })
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Walk<'a>, Stop> {
        Ok(Walk { path: self.path, found: self.found, index: 0, key: None })
    }

    fn serialize_tuple(self, len: usize) -> Result<Walk<'a>, Stop> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Walk<'a>, Stop> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(self, _: &'static str, _: u32, v: &'static str, _: usize) -> Result<Walk<'a>, Stop> {
        Ok(Walk { path: join(&self.path, v), found: self.found, index: 0, key: None })
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Walk<'a>, Stop> {
        self.serialize_seq(len)
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Walk<'a>, Stop> {
        self.serialize_seq(Some(len))
    }

    fn serialize_struct_variant(self, _: &'static str, _: u32, v: &'static str, l: usize) -> Result<Walk<'a>, Stop> {
        self.serialize_tuple_variant("", 0, v, l)
    }
}

/// The members of a list, map or struct being probed, each at its own path.
struct Walk<'a> {
    path: String,
    found: &'a mut Vec<String>,
    index: usize,
    key: Option<String>,
}

impl Walk<'_> {
    fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Stop> {
        value.serialize(Probe { path: join(&self.path, key), found: self.found })
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = self.index.to_string();
        self.index += 1;
        self.member(&key, value)
    }
}

macro_rules! walk {
    ($($trait:ident: $method:ident),* $(,)?) => {
        $(impl ser::$trait for Walk<'_> {
            type Ok = ();
            type Error = Stop;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
                self.element(value)
            }

            fn end(self) -> Result<(), Stop> {
                Ok(())
            }
        })*
    };
}

walk! {
    SerializeSeq: serialize_element,
    SerializeTuple: serialize_element,
    SerializeTupleStruct: serialize_field,
    SerializeTupleVariant: serialize_field,
}

macro_rules! fields {
    ($($trait:ident),* $(,)?) => {
        $(impl ser::$trait for Walk<'_> {
            type Ok = ();
            type Error = Stop;

            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Stop> {
                self.member(key, value)
            }

            fn end(self) -> Result<(), Stop> {
                Ok(())
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Walk<'_> {
    type Ok = ();
    type Error = Stop;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Stop> {
        let text = match serde_json::to_value(key) {
            Ok(serde_json::Value::String(text)) => text,
            Ok(other) => other.to_string(),
            Err(_) => String::new(),
        };
        // A key is a value too: an enum's (create-webhook's `payload_templates`, by event) is found at the
        // path of the member it names.
        self.member(&text, key)?;
        self.key = Some(text);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        let key = self.key.take().unwrap_or_default();
        self.member(&key, value)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use crate::calls::CallStatus;

    #[derive(Serialize)]
    struct Body {
        status: CallStatus,
        statuses: Vec<CallStatus>,
        maybe: Option<CallStatus>,
        by_name: BTreeMap<String, CallStatus>,
        text: String,
    }

    #[test]
    fn undocumented_values_are_found_by_path_and_written_as_they_came() {
        let body = Body {
            status: CallStatus::Completed,
            statuses: vec![
                CallStatus::Busy,
                CallStatus::from_text("hung-up"),
                CallStatus::Failed,
                CallStatus::from_text("bogus"),
            ],
            maybe: Some(CallStatus::from_text("later")),
            by_name: BTreeMap::from([
                ("a".to_owned(), CallStatus::Queued),
                ("b".to_owned(), CallStatus::from_text("odd")),
            ]),
            text: "Unknown".into(),
        };
        assert_eq!(super::paths(&body), ["statuses.1", "statuses.3", "maybe", "by_name.b"]);
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["statuses"][1], "hung-up", "the JSON is the value itself");
        assert_eq!(json["maybe"], "later");
        let documented = Body { statuses: vec![], maybe: None, by_name: BTreeMap::new(), ..body };
        assert!(super::paths(&documented).is_empty());
    }

    #[test]
    fn an_undocumented_value_as_a_key_is_found_by_the_member_it_names() {
        let by_status = BTreeMap::from([
            (CallStatus::Completed, 1),
            (CallStatus::from_text("on-hold"), 2),
            (CallStatus::Queued, 3),
        ]);
        assert_eq!(super::paths(&by_status), ["on-hold"]);
        let nested = BTreeMap::from([("hooks", BTreeMap::from([(CallStatus::from_text("odd"), CallStatus::Busy)]))]);
        assert_eq!(super::paths(&nested), ["hooks.odd"]);
    }
}
