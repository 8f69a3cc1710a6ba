//! Resource handlers, in the API's words. Each is generic over the client, so the async and the blocking
//! client share them: on [`crate::Client`] a method returns a future, on [`crate::blocking::Client`] the
//! result.

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
        impl crate::Client {
            $(#[$meta])*
            pub fn $name(&self) -> $handler<'_, Self> {
                $handler::new(self)
            }
        }

        impl crate::blocking::Client {
            $(#[$meta])*
            pub fn $name(&self) -> $handler<'_, Self> {
                $handler::new(self)
            }
        }
    };
}

/// Defines a top-level handler: a struct holding the client, with `new`.
macro_rules! root_handler {
    ($(#[$meta:meta])* $handler:ident) => {
        $(#[$meta])*
        #[derive(Debug)]
        pub struct $handler<'c, C> {
            pub(crate) client: &'c C,
        }

        impl<'c, C: talkover_core::execute::Execute> $handler<'c, C> {
            pub(crate) fn new(client: &'c C) -> Self {
                Self { client }
            }
        }
    };
}

pub(crate) use entry_point;
pub(crate) use root_handler;
