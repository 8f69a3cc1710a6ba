//! Resource handlers, in the API's words. Each is generic over the client, so the async and the blocking
//! client share them.
//!
//! # What a handler method returns
//!
//! A method whose signature reads `C::Call<T>` (see [`Execute::Call`](crate::Execute::Call)) returns:
//!
//! | client | `C::Call<T>` is | use |
//! |---|---|---|
//! | [`crate::Client`] | a future ([`crate::BoxFuture<T>`]) resolving to `Result<T, Error>` | `client.agents().get(id).await?` |
//! | [`crate::blocking::Client`] | `Result<T, Error>` | `client.agents().get(id)?` |
//!
//! A method returning [`Pending`](crate::Pending) takes optional parameters first; its `send()` returns
//! `C::Call<T>` as above, and for a list its `items()` returns every item: an [`ItemStream`](crate::ItemStream)
//! (`next().await`, `try_collect().await`, or any `Stream` combinator) on the async client, an `Iterator`
//! on the blocking one.
//!
//! Each method's `# Errors` section lists the failures its reference page documents; any call may also
//! fail with a transport error, and the SDK refuses a value outside a documented bound before sending
//! ([`Error::InvalidRequest`](crate::Error::InvalidRequest)); the form of a value is the API's to judge.

mod account;
mod agents;
mod auto_topup;
mod calendars;
mod callbacks;
mod calls;
mod campaign_sftp;
mod campaigns;
mod credits;
mod flows;
mod phone_numbers;
mod sip_trunks;
mod voice_templates;
mod webhooks;

pub use account::*;
pub use agents::{ActionIntegrations, Actions, Agents, Trainings};
pub use auto_topup::*;
pub use calendars::*;
pub use callbacks::*;
pub use calls::*;
pub use campaign_sftp::*;
pub use campaigns::*;
pub use credits::Credits;
pub use flows::*;
pub use phone_numbers::*;
pub use sip_trunks::*;
pub use voice_templates::*;
pub use webhooks::*;

/// Adds `client.$name()` to both clients, returning the handler `$handler`.
macro_rules! entry_point {
    ($(#[$meta:meta])* $name:ident -> $handler:ident) => {
        $crate::resources::entry_point!(@on crate::Client; $(#[$meta])* $name -> $handler);
        $crate::resources::entry_point!(@on crate::blocking::Client; $(#[$meta])* $name -> $handler);
    };
    (@on $client:ty; $(#[$meta:meta])* $name:ident -> $handler:ident) => {
        impl $client {
            $(#[$meta])*
            pub fn $name(&self) -> $handler<'_, Self> {
                $handler::new(self)
            }
        }
    };
}

/// Defines a handler: a struct holding the client and, for one scoped to a resource, that resource's ids.
/// With `from Parent::accessor`, also the method of `Parent` that gives it for one resource
/// (`client.agents().actions(agent_id)`), with the doc comment written before `from`.
macro_rules! handler {
    ($(#[$meta:meta])* $handler:ident { $field:ident: $ty:ty } $(#[$ameta:meta])* from $parent:ident::$accessor:ident) => {
        $crate::resources::handler! { $(#[$meta])* $handler { $field: $ty } }

        impl<'c, C: talkover_core::execute::Execute> $parent<'c, C> {
            $(#[$ameta])*
            pub fn $accessor(&self, $field: impl Into<$ty>) -> $handler<'c, C> {
                $handler { client: self.client, $field: $field.into() }
            }
        }
    };
    ($(#[$meta:meta])* $handler:ident { $($field:ident: $ty:ty),* }) => {
        $(#[$meta])*
        ///
        /// Its methods return `C::Call<T>`: a future resolving to `Result<T, Error>` on
        /// [`Client`](crate::Client), the `Result<T, Error>` itself on
        /// [`blocking::Client`](crate::blocking::Client) (see [`resources`](crate::resources)).
        #[derive(Debug)]
        pub struct $handler<'c, C> {
            pub(crate) client: &'c C,
            $( pub(crate) $field: $ty, )*
        }
    };
}

/// Defines a top-level handler: a [`handler!`] scoped to no resource, with `new`.
macro_rules! root_handler {
    ($(#[$meta:meta])* $handler:ident) => {
        $crate::resources::handler! { $(#[$meta])* $handler {} }

        impl<'c, C: talkover_core::execute::Execute> $handler<'c, C> {
            /// The handler on `client`: what the clients' entry point of the same name gives, on any
            /// [`Execute`](crate::Execute) (a test double of your own, for one).
            pub fn new(client: &'c C) -> Self {
                Self { client }
            }
        }
    };
}

pub(crate) use entry_point;
pub(crate) use handler;
pub(crate) use root_handler;
