//! `Option<Option<T>>` in serde, for a request field with three states: an absent key is `None` (with
//! `#[serde(default)]`, and left out with `skip_serializing_if = "Option::is_none"`), `null` is
//! `Some(None)`, a value is `Some(Some(value))`. Used as `#[serde(with = "crate::nullable")]`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub(crate) fn serialize<T: Serialize, S: Serializer>(
    value: &Option<Option<T>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

pub(crate) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}
