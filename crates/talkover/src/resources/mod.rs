//! Resource handlers, in the API's words. Each is generic over the client, so the async and the blocking
//! client share them: on [`crate::Client`] a method returns a future, on [`crate::blocking::Client`] the
//! result.

mod agents;

pub use agents::{ActionIntegrations, Actions, Agents, Trainings};

use crate::execute::Execute;

/// The entry points of every resource, on both clients.
macro_rules! entry_points {
    ($client:ty) => {
        impl $client {
            /// Voice agents, and through them their actions and trainings.
            pub fn agents(&self) -> Agents<'_, Self> {
                Agents::new(self)
            }

            /// The integrations actions can use.
            pub fn action_integrations(&self) -> ActionIntegrations<'_, Self> {
                ActionIntegrations::new(self)
            }
        }
    };
}

entry_points!(crate::Client);
entry_points!(crate::blocking::Client);

#[allow(dead_code)]
fn assert_execute<C: Execute>() {}
