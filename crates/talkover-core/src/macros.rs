//! The two macros every resource module uses: typed IDs and string enums that keep unknown values.

/// Defines a typed identifier: a string newtype, transparent in serde, that cannot be mixed up with the
/// identifier of another resource.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// The API writes identifiers as strings, some as JSON numbers (`"id": 42`): both decode, a number
        /// keeping its decimal text (`"42"`), and each serializes back the way it came.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name($crate::ids::IdText);

        impl $name {
            /// Wraps an identifier given by the API or the caller.
            pub fn new(id: impl Into<String>) -> Self {
                Self($crate::ids::IdText::new(id.into()))
            }

            /// The identifier as the API spells it (a number as its decimal digits).
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            /// Unwraps the identifier.
            pub fn into_string(self) -> String {
                self.0.into_string()
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.as_str())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        /// An id is equal, ordered and hashed as its text, so a map keyed by ids is looked up by text too:
        /// `agents.get("550e8400-…")`.
        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        /// Any text is an id (`"550e8400-…".parse::<AgentId>()`); the API says whether it names one.
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(id: &str) -> Result<Self, Self::Err> {
                Ok(Self::new(id))
            }
        }

        /// Compares with the identifier's text: `agent.id == "550e8400-…"`.
        impl ::std::cmp::PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl ::std::cmp::PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::std::convert::From<String> for $name {
            fn from(id: String) -> Self {
                Self::new(id)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(id: &str) -> Self {
                Self::new(id)
            }
        }

        impl ::std::convert::From<&String> for $name {
            fn from(id: &String) -> Self {
                Self::new(id.as_str())
            }
        }

        impl ::std::convert::From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl $crate::execute::IntoParam<$name> for &str {
            fn into_param(self) -> $name {
                $name::from(self)
            }
        }

        impl $crate::execute::IntoParam<$name> for String {
            fn into_param(self) -> $name {
                $name::new(self)
            }
        }

        impl $crate::execute::IntoParam<$name> for &String {
            fn into_param(self) -> $name {
                $name::from(self)
            }
        }

        impl $crate::execute::IntoParam<$name> for &$name {
            fn into_param(self) -> $name {
                self.clone()
            }
        }
    };
}

/// Defines an enum of the string values the API documents, with an `Unknown` variant that keeps any value
/// the API adds later, so a new server value is data and not a decoding failure. Its order (`Ord`, for a
/// `BTreeMap` key or a sorted report) is the reference's order of the values, unknown values last, by
/// their text.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, kept as the API sent it.
            Unknown(String),
        }

        impl $name {
            /// Every value the reference documents, as the API spells them.
            pub const VALUES: &'static [&'static str] = &[$($value),+];

            /// The value a text names: its variant, or [`Self::Unknown`] holding the text. For text read
            /// from elsewhere (a file, a flag, a header); in code, name the variant, so that a misspelt
            /// value is a compile error (a text does not convert with `From`, `.into()` or a setter's
            /// `impl Into`). `str::parse` does the same.
            pub fn from_text(value: &str) -> Self {
                match value {
                    $( $value => Self::$variant, )+
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// Whether the value is one the reference documents (not [`Self::Unknown`]).
            pub fn is_documented(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }

            /// The documented value spelled `value`, or `None` for any other text: a strict reading, for a
            /// value from a setting or a command line, where [`from_text`](Self::from_text) and `parse`
            /// keep any text as [`Self::Unknown`].
            pub fn documented(value: &str) -> Option<Self> {
                match value {
                    $( $value => Some(Self::$variant), )+
                    _ => None,
                }
            }

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


        /// The value's text, where text is taken (`ErrorBody::code(ErrorCode::CallNotActive)`).
        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Unknown(text) => text,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl ::std::convert::From<&$name> for ::std::string::String {
            fn from(value: &$name) -> Self {
                value.as_str().to_owned()
            }
        }

        /// Never fails: a text the reference does not document is kept as `Unknown`, as the API's later
        /// values are. To refuse a misspelt value read from a setting or a flag, use
        #[doc = concat!("[`", stringify!($name), "::documented`], which gives `None` for it.")]
        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_text(value))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    // Written as the text alone, as a documented value; marked for `undocumented::paths`.
                    Self::Unknown(other) => serializer.serialize_newtype_struct($crate::undocumented::UNKNOWN, other),
                    documented => serializer.serialize_str(documented.as_str()),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        let name = stringify!($name);
                        let article = if name.starts_with(['A', 'E', 'I', 'O', 'U']) { "an " } else { "a " };
                        f.write_str(article)?;
                        f.write_str(concat!(stringify!($name), " string ("))?;
                        for (i, value) in $name::VALUES.iter().enumerate() {
                            f.write_str(if i == 0 { "" } else { ", " })?;
                            f.write_str(value)?;
                        }
                        f.write_str(")")
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> Result<$name, E> {
                        Ok($name::from_text(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
    };
}

/// Declares a struct from its own fields and lists of optional fields, each written once. Every entry of
/// a list becomes a `pub` field of type `Option<T>`, left out of the JSON when unset and `None` when
/// absent. Entries of a `settable` list also get their chaining setter, with the field's doc, which sets
/// the field to `Some(value)` and returns the struct; those of an `optional` list get none, for answers
/// and for fields whose setter does more and is written by hand.
///
/// An entry is `name: T`, or `name: impl Into<T>` for a setter that takes anything convertible, or
/// `name: impl IntoIterator<Item = T>` (or `Item = impl Into<T>`) for a `Vec<T>` field whose setter
/// collects any iterator, or `name: impl IntoIterator<Item = (impl Into<String>, impl Into<Value>)>` for
/// a JSON object (a `serde_json::Map`) whose setter takes its keys and values, or a whole map, or
/// `name(param): ..` to name the setter's parameter; it may carry one `#[serde(..)]` of its own (a
/// rename, a `serialize_with`). An entry of an `optional` list marked `#[null_when_unset]` (after its doc)
/// is written as `null` when unset, where the API writes the key with `null` (`"end_date": null`); in a
/// `settable` list, as in a body built from a shared list, the mark changes nothing, so a body never
/// sends a `null` it was not asked to. A `changes` list is a `settable` one for an update body: there an
/// entry marked `#[clear_with(name)]` (after `#[null_when_unset]`, if both) is an `Option<Option<T>>`
/// with its setter and a method `name` that clears it (sends `null`); elsewhere that mark changes
/// nothing.
///
/// The struct also gets a private `with_fields`, which takes its own fields in order and leaves every
/// listed one unset, for the constructors; a struct without fields of its own gets a public `new()`, with
/// every field unset. A body whose own fields are the ones the API requires can say
/// `required { pub struct NameRequired; }` first: that struct gets the same fields and docs, and the body a
/// `new(required)`, so a caller names every required field and leaving one out does not compile. An
/// answer (a struct the API sends) whose own fields are the ones it always carries can say `pub fn new;`
/// first: it gets a public `new` taking those fields in order (each `impl Into<T>`), with every listed
/// one unset, so that servers, emulators and test doubles can build one (its `#[non_exhaustive]` forbids
/// a struct literal outside the crate) and set the rest on its fields; an answer with more than five
/// such fields says `required { .. }` instead, so that they are given by name. A body with up to five
/// required fields says `pub fn new;` too, with its own doc comment above it (`NewTraining::new(subject,
/// instructions)`), unless one of them is a whole number: an integer literal does not convert through
/// `impl Into<u32>`, so such a body keeps a `new` that takes the field's own type.
///
/// A module whose body and answer share fields keeps their list in one macro of its own that calls this
/// one, so that the body, the answer and the setters cannot drift apart.
///
/// ```text
/// optional_fields! {
///     /// The body of `UpdateThing`.
///     #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
///     pub struct ThingUpdate {
///         /// What to call it.
///         pub name: String,
///     }
///     settable {
///         /// New limit, 1 to 10.
///         limit: u32,
///         /// New owner.
///         owner_id(owner): impl Into<UserId>,
///     }
///     optional {
///         /// New tags (set with `tags`, written by hand).
///         tags: Vec<String>,
///     }
/// }
/// ```
macro_rules! optional_fields {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[doc = $fdoc:literal])* $(#[serde($($fserde:tt)*)])* pub $field:ident: $fty:ty ),* $(,)?
        }
        required { $(#[$rmeta:meta])* pub struct $required:ident; }
        $($groups:tt)*
    ) => {
        $crate::macros::optional_fields! {
            $(#[$meta])*
            pub struct $name { $( $(#[doc = $fdoc])* $(#[serde($($fserde)*)])* pub $field: $fty, )* }
            $($groups)*
        }

        $(#[$rmeta])*
        pub struct $required { $( $(#[doc = $fdoc])* pub $field: $fty, )* }

        impl $name {
            /// The value with every required field given, by name, and every optional one unset: set
            /// those with the chaining methods of a body, or on the fields of an answer.
            pub fn new(required: $required) -> Self {
                let $required { $($field),* } = required;
                Self::with_fields($($field),*)
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(<$gen:ident $(: $bound:path)? $(= $default:ty)?>)? {
            $( $(#[$fmeta:meta])* pub $field:ident: $fty:ty ),* $(,)?
        }
        $(#[doc = $ndoc:literal])*
        pub fn new;
        $($groups:tt)*
    ) => {
        $crate::macros::optional_fields! {
            $(#[$meta])*
            pub struct $name $(<$gen $(: $bound)? $(= $default)?>)? { $( $(#[$fmeta])* pub $field: $fty, )* }
            $($groups)*
        }

        impl $(<$gen $(: $bound)?>)? $name $(<$gen>)? {
            $crate::macros::optional_fields!(@new [$($ndoc)*] $($field: $fty),*);
        }
    };
    (@new [] $($field:ident: $fty:ty),*) => {
        $crate::macros::optional_fields!(
            @new [
                " The value with its own fields given, in their order, and every optional one unset: for"
                " servers, emulators and test doubles that answer with one. Set the others on its fields."
            ]
            $($field: $fty),*
        );
    };
    (@new [$($ndoc:literal)+] $($field:ident: $fty:ty),*) => {
        $(#[doc = $ndoc])+
        #[allow(clippy::too_many_arguments)]
        pub fn new($($field: impl ::std::convert::Into<$fty>),*) -> Self {
            Self::with_fields($($field.into()),*)
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(<$gen:ident $(: $bound:path)? $(= $default:ty)?>)? {
            $( $(#[$fmeta:meta])* pub $field:ident: $fty:ty ),* $(,)?
        }
        $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @munch
            [
                [$(#[$meta])*] $name [$(<$gen $(: $bound)? $(= $default)?>)?] [$(<$gen $(: $bound)?>)?] [$(<$gen>)?]
                [$( [$(#[$fmeta])*] $field: $fty; )*]
            ]
            [] $($groups)*
        );
    };
    (
        @munch
        [
            [$($meta:tt)*] $name:ident [$($gdecl:tt)*] [$($gimpl:tt)*] [$($guse:tt)*]
            [$( [$($fmeta:tt)*] $field:ident: $fty:ty; )*]
        ]
        [$( { [$($doc:tt)*] [$($serde:tt)*] $ofield:ident [$($param:ident)*] $conv:tt $oty:ty } )*]
    ) => {
        $($meta)*
        pub struct $name $($gdecl)* {
            $( $($fmeta)* pub $field: $fty, )*
            $(
                $($doc)*
                $($serde)*
                pub $ofield: ::std::option::Option<$oty>,
            )*
        }

        impl $($gimpl)* $name $($guse)* {
            /// The struct with its own fields given and every optional one unset.
            #[allow(dead_code, clippy::too_many_arguments)]
            fn with_fields($($field: $fty),*) -> Self {
                Self { $($field,)* $($ofield: ::std::option::Option::None,)* }
            }

            $crate::macros::optional_fields!(@unset_new [$($field)*]);

            $( $crate::macros::optional_fields!(@setter $conv [$($doc)*] $ofield [$($param)*] $oty); )*
        }
    };
    (@unset_new []) => {
        /// Nothing set yet: every field is `None` until set (with the chaining methods, where it has one).
        pub fn new() -> Self {
            Self::with_fields()
        }
    };
    (@unset_new [$($field:ident)+]) => {};
    (@munch $head:tt [$($acc:tt)*] $kind:ident { $(,)? } $($groups:tt)*) => {
        $crate::macros::optional_fields!(@munch $head [$($acc)*] $($groups)*);
    };
    // In an update body, a field marked `#[clear_with(name)]` has three states: left as it is, set, or
    // cleared (sent as `null`) with the method `name`.
    (
        @munch $head:tt [$($acc:tt)*]
        changes {
            $(#[doc = $doc:expr])* $(#[null_when_unset])? #[clear_with($clear:ident)] $field:ident $(($param:ident))?:
            $($entry:tt)*
        }
        $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @clearable $head [$($acc)*]
            [
                [$(#[doc = $doc])*]
                [
                    #[doc = ""]
                    #[doc = concat!(
                        "`None` leaves it as it is, `Some(Some(_))` sets it, `Some(None)` clears it (sent as ",
                        "`null`, as [`Self::", stringify!($clear), "`] does)."
                    )]
                    #[serde(default, with = "crate::nullable", skip_serializing_if = "Option::is_none")]
                ]
                $field [$($param)? $field]
            ]
            $clear { $($entry)* } $($groups)*
        );
    };
    (
        @clearable $head:tt [$($acc:tt)*] [$($entry:tt)*] $clear:ident
        { impl Into<$ty:ty> $(, $($rest:tt)*)? } $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @munch $head [$($acc)* { $($entry)* [clearable into $clear $ty] ::std::option::Option<$ty> }]
            changes { $($($rest)*)? } $($groups)*
        );
    };
    (
        @clearable $head:tt [$($acc:tt)*] [$($entry:tt)*] $clear:ident
        { $ty:ty $(, $($rest:tt)*)? } $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @munch $head [$($acc)* { $($entry)* [clearable value $clear $ty] ::std::option::Option<$ty> }]
            changes { $($($rest)*)? } $($groups)*
        );
    };
    // An answer's field the API writes as `null` when it has no value: written so, not left out.
    (
        @munch $head:tt [$($acc:tt)*]
        optional {
            $(#[doc = $doc:expr])* #[null_when_unset] $(#[clear_with($_clear:ident)])? $(#[serde($($serde:tt)*)])? $field:ident $(($param:ident))?:
            $($entry:tt)*
        }
        $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @typed $head [$($acc)*] optional
            [[$(#[doc = $doc])*] [#[serde(default)] $(#[serde($($serde)*)])?] $field [$($param)? $field]]
            { $($entry)* } $($groups)*
        );
    };
    // In a body (and a shared list's body), an unset field is left out all the same.
    (
        @munch $head:tt [$($acc:tt)*]
        $kind:ident {
            $(#[doc = $doc:expr])* $(#[null_when_unset])? $(#[clear_with($_clear:ident)])? $(#[serde($($serde:tt)*)])? $field:ident $(($param:ident))?:
            $($entry:tt)*
        }
        $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @typed $head [$($acc)*] $kind
            [
                [$(#[doc = $doc])*]
                [#[serde(default, skip_serializing_if = "Option::is_none")] $(#[serde($($serde)*)])?]
                $field [$($param)? $field]
            ]
            { $($entry)* } $($groups)*
        );
    };
    // The entry's type, read by its form: what its setter takes, and the field's type.
    (
        @typed $head:tt $acc:tt $kind:ident $entry:tt
        { impl IntoIterator<Item = (impl Into<String>, impl Into<Value>)> $($rest:tt)* } $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @push $head $acc $kind $entry [object]
            ::serde_json::Map<::std::string::String, ::serde_json::Value>; { $($rest)* } $($groups)*
        );
    };
    (
        @typed $head:tt $acc:tt $kind:ident $entry:tt
        { impl IntoIterator<Item = impl Into<$ty:ty>> $($rest:tt)* } $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @push $head $acc $kind $entry [items_into $ty] ::std::vec::Vec<$ty>; { $($rest)* } $($groups)*
        );
    };
    (
        @typed $head:tt $acc:tt $kind:ident $entry:tt
        { impl IntoIterator<Item = $ty:ty> $($rest:tt)* } $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @push $head $acc $kind $entry [items $ty] ::std::vec::Vec<$ty>; { $($rest)* } $($groups)*
        );
    };
    (
        @typed $head:tt $acc:tt $kind:ident $entry:tt
        { impl Into<$ty:ty> $($rest:tt)* } $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @push $head $acc $kind $entry [into] $ty; { $($rest)* } $($groups)*
        );
    };
    (
        @typed $head:tt $acc:tt $kind:ident $entry:tt
        { $ty:ty $(, $($rest:tt)*)? } $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @push $head $acc $kind $entry [value] $ty; { $(, $($rest)*)? } $($groups)*
        );
    };
    (
        @push $head:tt [$($acc:tt)*] $kind:ident [$($entry:tt)*] [$conv:ident $($item:ty)?] $ty:ty;
        { $(, $($rest:tt)*)? } $($groups:tt)*
    ) => {
        $crate::macros::optional_fields!(
            @munch $head [$($acc)* { $($entry)* [$kind $conv $($item)?] $ty }] $kind { $($($rest)*)? } $($groups)*
        );
    };
    (@setter [settable into] [$(#[$doc:meta])*] $field:ident [$param:ident $($_field:ident)?] $ty:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, $param: impl ::std::convert::Into<$ty>) -> Self {
            self.$field = ::std::option::Option::Some($param.into());
            self
        }
    };
    (@setter [settable value] [$(#[$doc:meta])*] $field:ident [$param:ident $($_field:ident)?] $ty:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, $param: $ty) -> Self {
            self.$field = ::std::option::Option::Some($param);
            self
        }
    };
    (@setter [settable items $item:ty] [$(#[$doc:meta])*] $field:ident [$param:ident $($_field:ident)?] $ty:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, $param: impl ::std::iter::IntoIterator<Item = $item>) -> Self {
            self.$field = ::std::option::Option::Some($param.into_iter().collect());
            self
        }
    };
    (@setter [settable items_into $item:ty] [$(#[$doc:meta])*] $field:ident [$param:ident $($_field:ident)?] $ty:ty) => {
        $(#[$doc])*
        pub fn $field<I: ::std::convert::Into<$item>>(mut self, $param: impl ::std::iter::IntoIterator<Item = I>) -> Self {
            self.$field = ::std::option::Option::Some($param.into_iter().map(::std::convert::Into::into).collect());
            self
        }
    };
    (@setter [settable object] [$(#[$doc:meta])*] $field:ident [$param:ident $($_field:ident)?] $ty:ty) => {
        $(#[$doc])*
        pub fn $field<K, V>(mut self, $param: impl ::std::iter::IntoIterator<Item = (K, V)>) -> Self
        where
            K: ::std::convert::Into<::std::string::String>,
            V: ::std::convert::Into<::serde_json::Value>,
        {
            let entries = $param.into_iter().map(|(key, value)| (key.into(), value.into()));
            self.$field = ::std::option::Option::Some(entries.collect());
            self
        }
    };
    (@setter [changes $($conv:tt)*] $($entry:tt)*) => {
        $crate::macros::optional_fields!(@setter [settable $($conv)*] $($entry)*);
    };
    (@setter [clearable into $clear:ident $inner:ty] [$(#[$doc:meta])*] $field:ident [$param:ident $($_field:ident)?] $ty:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, $param: impl ::std::convert::Into<$inner>) -> Self {
            self.$field = ::std::option::Option::Some(::std::option::Option::Some($param.into()));
            self
        }
        $crate::macros::optional_fields!(@clear $field $clear);
    };
    (@setter [clearable value $clear:ident $inner:ty] [$(#[$doc:meta])*] $field:ident [$param:ident $($_field:ident)?] $ty:ty) => {
        $(#[$doc])*
        pub fn $field(mut self, $param: $inner) -> Self {
            self.$field = ::std::option::Option::Some(::std::option::Option::Some($param));
            self
        }
        $crate::macros::optional_fields!(@clear $field $clear);
    };
    (@clear $field:ident $clear:ident) => {
        #[doc = concat!("Clears `", stringify!($field), "`: sends it as `null`.")]
        pub fn $clear(mut self) -> Self {
            self.$field = ::std::option::Option::Some(::std::option::Option::None);
            self
        }
    };
    (@setter [optional $($conv:tt)*] $($_entry:tt)*) => {};
}

pub(crate) use id_type;
pub(crate) use optional_fields;
pub(crate) use string_enum;

/// Declares a resource module's operations, one declaration each, and from it everything the SDK needs
/// of them:
///
/// - the operation's struct (path parameters as typed fields, `query`, `body`) and its `new` constructor
///   (path parameters, then the body, each `impl Into` its type; the body's argument named as the handler
///   names it; `constructor: manual` when the module writes its own, building the body from other
///   arguments);
/// - its [`crate::Operation`] impl, with the path parameters named once and checked against the path
///   template at compile time;
/// - for `query: Name { .. }`, the query struct (every parameter optional) and one setter per parameter on
///   the operation and on [`crate::Pending`] (`query_type: Type => { field: T, .. }` names a query struct
///   written by hand, for queries with required parameters, and which of its optional fields get setters;
///   `query_struct: Type` names a query struct of optional parameters declared elsewhere, with its setters,
///   for a filter list two operations share);
/// - for `items: Item, default_per_page: N, page_block: Shape,` (a list), [`crate::PagedOperation`] with
///   the [`crate::PageBlock`] its answer is written in, the pagination bounds check and, in a `query: Name { .. }` struct, the `per_page` and `page` parameters with their setters
///   (a `query_struct` declares them itself);
/// - with `dry_run: true,` (after `safe_to_repeat: true,`, for a POST whose page says it saves nothing:
///   it checks what it is sent), [`crate::Operation::DRY_RUN`]: the clients never take its failure for one
///   that may have changed something;
/// - with `unpublishes_agent: true,` (after `safe_to_repeat:` and `dry_run:`, where the page says the
///   agent goes back to draft), a sentence saying so in the struct's and the handler method's docs, and
///   the registry entry's [`unpublishes_agent`](crate::registry::OperationInfo::unpublishes_agent);
/// - the module's `OPERATIONS`, its entries in the registry;
/// - with `handler: Handler[scope..]::method(body_name),` (or `method(name: Type, ..)`) last, the
///   `talkover` crate's handler method.
///
/// It takes a mode first. A resource module keeps its declarations in a table macro
/// (`agents_operations!`) that passes them here: `declare` (in the module) writes everything above but
/// the handler methods; `handlers Handler $` (in the `talkover` crate's handler file) writes only those of
/// `Handler`, in one `impl<'c, C: Execute> Handler<'c, C>` block, so the file must import the handler types and the
/// names the declarations use (the operation types, their path parameter, body and answer types, and
/// what their doc comments link to). A generated method takes the path parameters the handler does not
/// hold (`impl Into<Id>`), then the body under its given name, and calls `Op::new` with them; a
/// constructor of its own (`constructor: manual`) that takes other arguments after the path parameters
/// names them with their types, `method(reason: impl Into<String>)`, as must a `query_type` with required
/// parameters. It returns `Pending` for an operation with a query (`query`, `query_type`, `query_struct`),
/// else `C::Call` of what the response gives (`response:` is written `Name` or `Name<T>`).
///
/// The recipe for adding an operation is in `ARCHITECTURE.md`.
#[doc(hidden)]
#[macro_export]
macro_rules! operations {
    (
        $mode:ident [$($wanted:tt)*]
        $(
            $(#[doc = $doc:literal])*
            $ty:ident {
                id: $id:tt,
                method: $method:ident,
                path: $path:literal,
                $(params: { $($param:ident: $pty:ty),+ $(,)? },)?
                $(query: $qty:ident {
                    $( $(#[doc = $qdoc:literal])* $(#[serde($($qserde:tt)*)])? $qfield:ident: $qfty:ty ),* $(,)?
                },)?
                $(query_type: $qext:ty $(=> {
                    $( $(#[doc = $sdoc:literal])* $sfield:ident: $sfty:ty ),* $(,)?
                })?,)?
                $(query_struct: $qshared:ident,)?
                $(body: $body:ty,)?
                response: $rwrap:ident $(<$rinner:ty>)?,
                $(success_status: $status:literal,)?
                $(items: $item:ty, default_per_page: $dpp:expr, page_block: $block:ident,)?
                safe_to_repeat: $safe:tt,
                $(dry_run: $dry:tt,)?
                $(unpublishes_agent: $unpub:tt,)?
                $(validate: $validate:path,)?
                $(constructor: $ctor:ident,)?
                $(handler: $handler:ident $([$($scope:ident),+])? :: $hmethod:ident $(($($hargs:tt)*))?,)?
            }
        )*
    ) => {
        $crate::operations!(@when $mode handlers {
            $crate::operations!(@handlers_of [$($wanted)*] {
                $(
                    $crate::operations!(
                        @handler [$(#[doc = $doc])* $(#[doc = $crate::operations!(@unpublishes $unpub)])?] $id $ty [$($($param: $pty),+)?] [$($body)?]
                        [$($qty)? $($qext)? $($qshared)?] [$($qext)?] [$($item)?] [$rwrap $($rinner)?] $safe
                        [$( $handler [$($($scope)+)?] $hmethod [$($($hargs)*)?] )?]
                    );
                )*
            });
        });
        $crate::operations!(@when $mode declare {
        $(
            $(#[doc = $doc])*
            $(#[doc = $crate::operations!(@unpublishes $unpub)])?
            #[derive(Clone, Debug, PartialEq)]
            #[cfg_attr(feature = "registry", derive(::serde::Serialize, ::serde::Deserialize))]
            #[non_exhaustive]
            #[must_use = "an operation is sent when a client executes it"]
            pub struct $ty {
                $($(
                    #[doc = concat!("The `{", stringify!($param), "}` of the path.")]
                    pub $param: $pty,
                )+)?
                $(
                    #[doc = concat!("The query parameters ([`", stringify!($qty), "`]).")]
                    #[cfg_attr(feature = "registry", serde(default))]
                    pub query: $qty,
                )?
                $(
                    #[doc = "The query parameters."]
                    pub query: $qext,
                )?
                $(
                    #[doc = concat!("The query parameters ([`", stringify!($qshared), "`]).")]
                    #[cfg_attr(feature = "registry", serde(default))]
                    pub query: $qshared,
                )?
                $(
                    #[doc = "The request body."]
                    pub body: $body,
                )?
            }

            const _: () = assert!(
                $crate::encode::placeholders_are($path, &[$($(stringify!($param)),+)?]),
                concat!("the path parameters of ", stringify!($ty), " are not the placeholders of its path"),
            );
            const _: () = assert!(
                $crate::encode::id_names(stringify!($ty), $id),
                concat!("the id of ", stringify!($ty), " is not its name in kebab case (its page's file name)"),
            );
            const _: () = assert!(
                $crate::encode::doc_links_to(&[$($doc),*], $id),
                concat!("the doc of ", stringify!($ty), " does not link its own reference page first (…/endpoints/", $id, ")"),
            );

            $(
                const _: () = assert!(
                    !$dry || $safe,
                    concat!(stringify!($ty), " is declared a dry run, which is safe to repeat, but not `safe_to_repeat: true`"),
                );
            )?

            $crate::operations!(
                @new [$($ctor)?] $ty [$($($param: $pty),+)?] [$($qty)? $($qshared)?] [$($body)?]
                [$($($($hargs)*)?)?]
            );

            impl $crate::operation::Operation for $ty {
                type Query = $crate::operations!(@or_unit $($qty)? $($qext)? $($qshared)?);
                type Body = $crate::operations!(@or_unit $($body)?);
                type Response = $rwrap$(<$rinner>)?;
                #[doc = concat!("`", $id, "`: its reference page's file name.")]
                const ID: &'static str = $id;
                #[doc = concat!("`", stringify!($method), "`.")]
                const METHOD: ::http::Method = ::http::Method::$method;
                #[doc = concat!("`", $path, "`, from the host root, as its reference page gives it.")]
                const PATH: &'static str = $path;
                #[doc = concat!("`", stringify!($safe), "`: see [`Operation::SAFE_TO_REPEAT`](", "crate::Operation::SAFE_TO_REPEAT).")]
                const SAFE_TO_REPEAT: bool = $safe;
                $(const DRY_RUN: bool = $dry;)?
                $(const SUCCESS_STATUS: u16 = $status;)?

                #[allow(unused_variables)]
                fn path_param(&self, name: &str) -> Option<&str> {
                    match name {
                        $($( stringify!($param) => Some(self.$param.as_str()), )+)?
                        _ => None,
                    }
                }
                $crate::operations!(@query_fn $($qty)? $($qext)? $($qshared)?);
                $(
                    fn body(&self) -> Option<&$body> {
                        Some(&self.body)
                    }
                )?

                fn validate(&self) -> Result<(), $crate::error::Error> {
                    self.run_checks($crate::validate::Problems::new($id))
                }

                fn validate_received(&self) -> Result<(), $crate::error::Error> {
                    self.run_checks($crate::validate::Problems::received($id))
                }
            }

            impl $ty {
                /// Runs every check of the request into `problems`, so that the error lists every problem.
                #[allow(unused_mut)]
                fn run_checks(&self, mut problems: $crate::validate::Problems) -> Result<(), $crate::error::Error> {
                    $(
                        let _: ::std::marker::PhantomData<$item>;
                        problems.check($crate::validate::pagination($id, self.query.per_page, self.query.page));
                    )?
                    $( $validate(self, &mut problems); )?
                    problems.finish()
                }
            }

            $crate::operations!(
                @query_struct $ty [$($dpp)?]
                $( $qty [$( [$(#[doc = $qdoc])*] [$(#[serde($($qserde)*)])?] $qfield: $qfty ),*] )?
            );

            $($(
                $crate::operations!(@setters $ty [$( [$(#[doc = $sdoc])*] $sfield: $sfty ),*]);
            )?)?

            $(
                const _: () = assert!(
                    1 <= $dpp && $dpp <= 100,
                    concat!("the default page size of ", stringify!($ty), " is not within 1 to 100"),
                );

                impl $crate::page::PagedOperation for $ty {
                    type Item = $item;
                    const DEFAULT_PER_PAGE: u32 = $dpp;
                    const PAGE_BLOCK: $crate::page::PageBlock = $crate::page::PageBlock::$block;
                    fn set_page(&mut self, page: u64) {
                        self.query.page = Some(page);
                    }
                    fn requested_page(&self) -> (Option<u64>, Option<u32>) {
                        (self.query.page, self.query.per_page)
                    }
                }
            )?
        )*

        #[cfg(feature = "registry")]
        pub(crate) const OPERATIONS: &[$crate::entry::OperationInfo] =
            &[$(
                $crate::entry::OperationInfo::of::<$ty>()
                    .documented(concat!($($doc, "\n",)*))
                    $(.unpublishing_agent($unpub))?
                    $(.paged($crate::page::PageBlock::$block).items::<$item>())?,
            )*];
        });
    };
    (@when declare declare { $($out:tt)* }) => { $($out)* };
    (@when handlers handlers { $($out:tt)* }) => { $($out)* };
    (@when declare handlers { $($out:tt)* }) => {};
    (@when handlers declare { $($out:tt)* }) => {};
    (@when $mode:tt $($rest:tt)*) => {
        compile_error!(concat!("an operations table's mode is `declare` or `handlers`, not `", stringify!($mode), "`"));
    };
    // The `handlers` mode names one handler (and passes `$`, for the macro it defines): one `impl` block
    // of that handler's methods, so that its documentation lists them together, each declaration's
    // method kept only when it names that handler.
    (@handlers_of [$wanted:ident $d:tt] { $($methods:tt)* }) => {
        const _: () = {
            macro_rules! handler_method {
                ($wanted $d($d method:tt)*) => { $d($d method)* };
                ($d other:ident $d($d method:tt)*) => {};
            }

            impl<'c, C: $crate::execute::Execute> $wanted<'c, C> {
                $($methods)*
            }
        };
    };
    (@handlers_of [$($other:tt)*] $methods:tt) => {
        compile_error!("the `handlers` mode names its handler and passes `$`: `agents_operations!(handlers Agents $)`");
    };
    // The `talkover` crate's handler method of a declaration with `handler: Handler[scope..]::method(body)`:
    // the path parameters the handler holds (`scope`) come from it, the others and the body are the
    // method's arguments. With `method(name: Type, ..)`, the arguments after the path parameters are those
    // (what `Op::new` takes after them, for a constructor of its own). A declaration without `handler:` has
    // its method written by hand.
    (@handler $docs:tt $id:tt $ty:ident $params:tt $body:tt $query:tt $qext:tt $item:tt $response:tt $safe:tt []) => {};
    (@handler $docs:tt $id:tt $ty:ident [$($params:tt)*] $body:tt $query:tt $qext:tt $item:tt $response:tt $safe:tt
        [$handler:ident [$($scope:ident)*] $method:ident [$($arg:ident: $aty:ty),+ $(,)?]]) => {
        $crate::operations!(
            @handler_args [$($scope)*] [$($params)*] []
            $docs $id $ty $query $item $response $safe $handler [$($scope)*] $method [$($arg: $aty),+]
        );
    };
    (@handler $docs:tt $id:tt $ty:ident $params:tt $body:tt $query:tt [$qext:ty] $item:tt $response:tt $safe:tt
        [$handler:ident $scope:tt $method:ident $bname:tt]) => {
        compile_error!(concat!(
            stringify!($ty), ": a query with required parameters (`query_type`) names its method's arguments, `",
            stringify!($method), "(name: Type, ..)`",
        ));
    };
    (@handler $docs:tt $id:tt $ty:ident $params:tt [$body:ty] $query:tt $qext:tt $item:tt $response:tt $safe:tt
        [$handler:ident $scope:tt $method:ident []]) => {
        compile_error!(concat!(
            stringify!($ty), ": name the body argument, `", stringify!($method),
            "(name)`, or the constructor's own arguments, `", stringify!($method), "(name: Type, ..)`",
        ));
    };
    (@handler $docs:tt $id:tt $ty:ident $params:tt [] $query:tt $qext:tt $item:tt $response:tt $safe:tt
        [$handler:ident $scope:tt $method:ident [$bname:ident]]) => {
        compile_error!(concat!(
            stringify!($ty), " has no body: `", stringify!($method), "` takes no `(", stringify!($bname),
            ")`; a constructor's own arguments are named with their types, `(", stringify!($bname), ": Type, ..)`",
        ));
    };
    (@handler $docs:tt $id:tt $ty:ident [$($params:tt)*] [$body:ty] $query:tt [] $item:tt $response:tt $safe:tt
        [$handler:ident [$($scope:ident)*] $method:ident [$bname:ident]]) => {
        $crate::operations!(
            @handler_args [$($scope)*] [$($params)*] []
            $docs $id $ty $query $item $response $safe $handler [$($scope)*] $method
            [$bname: impl ::std::convert::Into<$body>]
        );
    };
    (@handler $docs:tt $id:tt $ty:ident [$($params:tt)*] [] $query:tt [] $item:tt $response:tt $safe:tt
        [$handler:ident [$($scope:ident)*] $method:ident []]) => {
        $crate::operations!(
            @handler_args [$($scope)*] [$($params)*] []
            $docs $id $ty $query $item $response $safe $handler [$($scope)*] $method []
        );
    };
    (@handler_args [$s:ident $($srest:ident)*] [$p:ident: $pty:ty $(, $($prest:tt)*)?] [$($checked:tt)*] $($rest:tt)*) => {
        $crate::operations!(@handler_args [$($srest)*] [$($($prest)*)?] [$($checked)* ($s $p)] $($rest)*);
    };
    (@handler_args [] [$($p:ident: $pty:ty),*] [$(($s:ident $sp:ident))*] [$($docs:tt)*] $id:tt $ty:ident
        [$($query:ty)?] [$($item:ty)?] $response:tt $safe:tt $handler:ident [$($scope:ident)*]
        $method:ident [$($arg:ident: $aty:ty),*]) => {
        handler_method! { $handler
            $($docs)*
            #[doc = $crate::operations!(@unsent $ty [$($query)?] [$($item)?])]
            #[doc = $crate::operations!(@not_repeated $safe)]
            #[doc = ""]
            #[doc = $crate::errors_section!($id)]
            pub fn $method(&self, $($p: impl ::std::convert::Into<$pty>,)* $($arg: $aty),*)
                -> $crate::operations!(@returns $ty [$($query)?] $response)
            {
                $(
                    const _: () = assert!(
                        $crate::encode::placeholders_are(concat!("{", stringify!($sp), "}"), &[stringify!($s)]),
                        concat!("the handler's `", stringify!($s), "` is not the next path parameter, `", stringify!($sp), "`"),
                    );
                )*
                $crate::operations!(
                    @send [$($query)?] self.client, $ty::new($(&self.$scope,)* $($p,)* $($arg),*)
                )
            }
        }
    };
    (@unsent $ty:ident [] $item:tt) => { "" };
    (@unsent $ty:ident [$query:ty] [$($item:ty)?]) => { concat!(
        "\n\nReturns the request unsent: each optional query parameter (a field of [`", stringify!($ty),
        "::query`]) is set by the method of its name, then `send()` sends it",
        $(" for one page, or `items()` reads every item of every page", $crate::operations!(@nothing $item),)?
        ".",
    ) };
    (@nothing $($any:tt)*) => { "" };
    (@unpublishes true) => {
        "\n\nAfterwards the agent is a draft again, as the reference says: it takes no calls until it is \
         published again ([`PublishAgent`](crate::agents::PublishAgent))."
    };
    (@unpublishes false) => { "" };
    (@not_repeated true) => { "" };
    (@not_repeated false) => {
        "\n\nNot safe to repeat, so never retried once it may have reached the server: after a failure, \
         [`Error::may_have_taken_effect`](crate::Error::may_have_taken_effect) says whether it may have been \
         carried out all the same."
    };
    (@returns $ty:ident [] [Envelope $inner:ty]) => { C::Call<$inner> };
    (@returns $ty:ident [] [MaybeEnveloped $inner:ty]) => { C::Call<$inner> };
    (@returns $ty:ident [] [ListEnvelope $inner:ty]) => { C::Call<$crate::Page<$inner>> };
    (@returns $ty:ident [] [Ack]) => { C::Call<$crate::Ack> };
    (@returns $ty:ident [] $response:tt) => { C::Call<$crate::operation::Output<$ty>> };
    (@returns $ty:ident [$query:ty] $response:tt) => { $crate::execute::Pending<'c, C, $ty> };
    (@send [] $client:expr, $operation:expr) => { $client.call($operation) };
    (@send [$query:ty] $client:expr, $operation:expr) => { $crate::execute::Pending::new($client, $operation) };
    // The struct of a `query: Name { .. }` declaration, with a list's `per_page` and `page` after the
    // declared parameters, and their setters.
    (@query_struct $ty:ident [$($dpp:expr)?]) => {};
    (@query_struct $ty:ident [$dpp:expr] $qty:ident [$( [$($qdoc:tt)*] [$($qserde:tt)*] $qfield:ident: $qfty:ty ),*]) => {
        $crate::operations!(@query_struct $ty [] $qty [
            $( [$($qdoc)*] [$($qserde)*] $qfield: $qfty, )*
            [#[doc = concat!("Items per page, 1 to 100 (the API's default is ", stringify!($dpp), ").")]] []
            per_page: u32,
            [#[doc = "Page number, from 1."]] [] page: u64
        ]);
    };
    (@query_struct $ty:ident [] $qty:ident [$( [$($qdoc:tt)*] [$($qserde:tt)*] $qfield:ident: $qfty:ty ),*]) => {
        #[doc = concat!("The query parameters of [`", stringify!($ty), "`]; every one is optional.")]
        #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct $qty {
            $(
                $($qdoc)*
                $($qserde)*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $qfield: Option<$qfty>,
            )*
        }

        $crate::operations!(@setters $ty [$( [$($qdoc)*] $qfield: $qfty ),*]);
    };
    // One setter per optional query parameter, on the operation and on `Pending`.
    (@setters $ty:ident [$( [$($doc:tt)*] $field:ident: $fty:ty ),*]) => {
        impl $ty {
            $(
                $($doc)*
                pub fn $field(mut self, value: impl $crate::execute::IntoParam<$fty>) -> Self {
                    self.query.$field = Some($crate::execute::IntoParam::into_param(value));
                    self
                }
            )*
        }

        impl<C: $crate::execute::Execute> $crate::execute::Pending<'_, C, $ty> {
            $(
                $($doc)*
                pub fn $field(self, value: impl $crate::execute::IntoParam<$fty>) -> Self {
                    self.map(|op| op.$field(value))
                }
            )*
        }
    };
    (@new [manual] $($rest:tt)*) => {};
    (@new [] $ty:ident [] [$($qty:ident)?] [] $bname:tt) => {
        impl $ty {
            /// The operation; optional query parameters have setters.
            pub fn new() -> Self {
                Self { $(query: <$qty as ::std::default::Default>::default())? }
            }
        }

        impl ::std::default::Default for $ty {
            fn default() -> Self {
                Self::new()
            }
        }
    };
    // The body's argument is named as the handler names it (`update(changes)`), else `body`.
    (@new [] $ty:ident $params:tt $query:tt [$body:ty] [$bname:ident]) => {
        $crate::operations!(@new_with $ty $params $query [$bname: $body]);
    };
    (@new [] $ty:ident $params:tt $query:tt [$($body:ty)?] $other:tt) => {
        $crate::operations!(@new_with $ty $params $query [$(body: $body)?]);
    };
    (@new_with $ty:ident [$($param:ident: $pty:ty),*] [$($qty:ident)?] [$($bname:ident: $body:ty)?]) => {
        impl $ty {
            /// The operation, from its path parameters
            // Not a link: a body type with parameters (`Vec<T>`) would be no path to link to.
            $(#[doc = concat!(
                "and its body, `", stringify!($bname), "`: a `", stringify!($body), "` or anything that converts into one",
            )])?
            /// (optional query parameters have setters).
            pub fn new($($param: impl ::std::convert::Into<$pty>,)* $($bname: impl ::std::convert::Into<$body>)?) -> Self {
                Self {
                    $($param: $param.into(),)*
                    $(query: <$qty as ::std::default::Default>::default(),)?
                    $(body: ::std::convert::Into::<$body>::into($bname),)?
                }
            }
        }
    };
    (@query_fn) => {};
    (@query_fn $query:ty) => {
        fn query(&self) -> Option<&$query> {
            Some(&self.query)
        }
    };
    (@or_unit) => { () };
    (@or_unit $ty:ty) => { $ty };
}
