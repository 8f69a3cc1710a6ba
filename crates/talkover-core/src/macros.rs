//! The two macros every resource module uses: typed IDs and string enums that keep unknown values.

/// Defines a typed identifier: a string newtype, transparent in serde, that cannot be mixed up with the
/// identifier of another resource.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an identifier given by the API or the caller.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The identifier as the API spells it.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the identifier.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl ::std::convert::From<&String> for $name {
            fn from(id: &String) -> Self {
                Self(id.clone())
            }
        }

        impl ::std::convert::From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }
    };
}

/// Defines an enum of the string values the API documents, with an `Unknown` variant that keeps any value
/// the API adds later, so a new server value is data and not a decoding failure.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept as the API sent it.
            Unknown(String),
        }

        impl $name {
            /// The value as the API spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $value, )+
                    Self::Unknown(other) => other.as_str(),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

pub(crate) use id_type;
pub(crate) use string_enum;

/// Implements [`crate::Operation`] for an operation struct that follows the crate's convention: path
/// parameters are fields named as in the path template, the query is the field `query`, the body the
/// field `body`.
macro_rules! operation {
    (
        $ty:ident {
            id: $id:literal,
            method: $method:ident,
            path: $path:literal,
            safe_to_repeat: $safe:literal,
            path_params: [$($param:ident),* $(,)?],
            $(query: $query:ty,)?
            $(body: $body:ty,)?
            response: $response:ty,
            $(validate: $validate:path,)?
        }
    ) => {
        impl $crate::operation::Operation for $ty {
            type Query = $crate::macros::operation!(@or_unit $($query)?);
            type Body = $crate::macros::operation!(@or_unit $($body)?);
            type Response = $response;
            const ID: &'static str = $id;
            const METHOD: ::http::Method = ::http::Method::$method;
            const PATH: &'static str = $path;
            const SAFE_TO_REPEAT: bool = $safe;

            #[allow(unused_variables)]
            fn path_param(&self, name: &str) -> Option<&str> {
                match name {
                    $( stringify!($param) => Some(self.$param.as_str()), )*
                    _ => None,
                }
            }
            $(
                fn query(&self) -> Option<&$query> {
                    Some(&self.query)
                }
            )?
            $(
                fn body(&self) -> Option<&$body> {
                    Some(&self.body)
                }
            )?
            $(
                fn validate(&self) -> Result<(), $crate::error::Error> {
                    $validate(self)
                }
            )?
        }
    };
    (@or_unit) => { () };
    (@or_unit $ty:ty) => { $ty };
}

pub(crate) use operation;
