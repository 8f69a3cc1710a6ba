//! Reading an answer so that a struct is read only from a JSON object.
//!
//! serde's derived `Deserialize` of a struct also reads a JSON list, by position: `["call_1", "agent_1"]`
//! is a call whose first two fields hold those values, whatever their names. The API writes every struct
//! as an object, so a list in its place is another answer than the one documented (an endpoint changed,
//! a proxy's answer), and the values would land in whichever fields come in that order. [`from_slice`]
//! reads as `serde_json::from_slice` does, through a deserializer that hands each struct's visitor only
//! objects: a list there is an `invalid type: sequence, expected struct …` error at its position.
//!
//! The wrapper reaches every value below a map's values, a list's elements, an `Option`'s and a newtype's
//! content; an enum's content and what an untagged enum buffers are read as serde reads them.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;

/// `serde_json::from_slice`, with structs read only from objects.
///
/// Inlined, as are the functions the value is handed through after it (`decode_taking`, and the
/// clients' `Answer::read` and `ClientCore::output`): called, each one moves the whole answer into its
/// caller's frame, memory the CPU has often evicted since the last request (BENCHMARKS.md, "The tree the
/// issue was filed on").
#[inline(always)]
pub(crate) fn from_slice<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    // The value is returned where it was decoded, not moved into a new `Ok`: an answer's value can be a
    // kilobyte, and each move of it is a copy.
    let value = T::deserialize(Strict(&mut deserializer));
    match (&value, deserializer.end()) {
        (Ok(_), Err(trailing)) => Err(trailing),
        _ => value,
    }
}

/// A deserializer whose structs are read only from maps.
struct Strict<D>(D);

/// A visitor handed values through [`Strict`]; `STRUCT` refuses a list, as a struct's visitor.
struct Wrap<V, const STRUCT: bool>(V);

/// Forwards `deserialize_*` methods to the inner deserializer with the visitor wrapped.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method($($arg,)* Wrap::<V, false>(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;

    forward! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(), deserialize_i32(),
        deserialize_i64(), deserialize_i128(), deserialize_u8(), deserialize_u16(), deserialize_u32(),
        deserialize_u64(), deserialize_u128(), deserialize_f32(), deserialize_f64(), deserialize_char(),
        deserialize_str(), deserialize_string(), deserialize_bytes(), deserialize_byte_buf(),
        deserialize_option(), deserialize_unit(), deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str), deserialize_seq(), deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize), deserialize_map(),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]), deserialize_identifier(),
        deserialize_ignored_any(),
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Wrap::<V, true>(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Forwards `visit_*` methods of plain values to the inner visitor.
macro_rules! visit {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
                self.0.$method(value)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>, const STRUCT: bool> Visitor<'de> for Wrap<V, STRUCT> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    visit! {
        visit_bool(bool), visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64), visit_i128(i128),
        visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64), visit_u128(u128), visit_f32(f32),
        visit_f64(f64), visit_char(char), visit_str(&str), visit_borrowed_str(&'de str), visit_string(String),
        visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Strict(deserializer))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Strict(deserializer))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if STRUCT {
            return Err(de::Error::invalid_type(Unexpected::Seq, &self));
        }
        self.0.visit_seq(Strict(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Strict(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(data)
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Strict<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Strict(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Strict<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Strict(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Strict<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict(deserializer))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::from_slice;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Call {
        id: String,
        status: String,
        #[serde(default)]
        legs: Vec<Leg>,
        #[serde(default)]
        leg: Option<Leg>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Leg {
        to: String,
    }

    #[test]
    fn a_struct_reads_from_an_object_only_at_every_depth() {
        let call: Call =
            from_slice(br#"{"id": "c1", "status": "ended", "legs": [{"to": "+1"}], "leg": {"to": "+2"}}"#).unwrap();
        assert_eq!((call.legs.len(), call.leg.map(|l| l.to)), (1, Some("+2".to_owned())));
        // serde_json alone reads each of these by position.
        for (text, at) in [
            (r#"["c1", "ended"]"#, "line 1 column 1"),
            (r#"{"id": "c1", "status": "ended", "legs": [["+1"]]}"#, "column 42"),
            (r#"{"id": "c1", "status": "ended", "leg": ["+1"]}"#, "column 40"),
        ] {
            assert!(serde_json::from_str::<Call>(text).is_ok(), "{text}");
            let error = from_slice::<Call>(text.as_bytes()).unwrap_err().to_string();
            assert!(error.starts_with("invalid type: sequence, expected struct"), "{error}");
            assert!(error.contains(at), "{text}: {error}");
        }
        // Trailing text is refused as serde_json refuses it.
        assert!(from_slice::<Call>(br#"{"id": "c1", "status": "ended"} x"#).is_err());
    }
}
