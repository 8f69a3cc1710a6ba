//! Connections of a calendar to external calendar providers, which keep its events in sync.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::calendars::providers::{CreateProviderConnection, NewProviderConnection, TriggerProviderSync};
//!
//! // The answer's `authorization_url` is where the user grants access; the first sync follows by itself.
//! let connect = CreateProviderConnection::new(
//!     "calendar-uuid",
//!     NewProviderConnection::new("calendar_provider_a", "https://example.com/oauth/calendar/callback"),
//! );
//! let refresh = TriggerProviderSync::new("calendar-uuid", "connection-uuid");
//! # let _ = (connect, refresh);
//! ```
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-provider-connections> and the pages
//! beside it.

use serde::{Deserialize, Serialize};

use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::CalendarId;
use crate::macros::optional_fields;
use crate::Timestamp;

pub use crate::ids::ProviderConnectionId;

optional_fields! {
    /// A connection of a calendar to an external provider.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ProviderConnection {
        /// The connection's id.
        pub id: ProviderConnectionId,
        /// The provider, by the identifier the environment's configuration gives it.
        pub provider: String,
        /// Whether the connection syncs: `false` until the user has authorized it at `authorization_url`.
        pub is_active: bool,
    }
    pub fn new;
    optional {
        /// The calendar on the provider's side (`primary`, …).
        external_calendar_id: String,
        /// When it last synced.
        last_sync_at: Timestamp,
        /// Where the user authorizes access, on a connection just created.
        authorization_url: String,
    }
}

// ---------------------------------------------------------------------------------------------------
// create-provider-connection

/// The body of [`CreateProviderConnection`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NewProviderConnection {
    /// The provider, by the identifier the environment's configuration gives it.
    pub provider: String,
    /// Where the provider sends the user back once they have authorized access.
    pub redirect_uri: String,
}

impl NewProviderConnection {
    /// A connection to `provider`, coming back to `redirect_uri`.
    pub fn new(provider: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        Self { provider: provider.into(), redirect_uri: redirect_uri.into() }
    }
}

// ---------------------------------------------------------------------------------------------------
// trigger-provider-sync

optional_fields! {
    /// A sync the API accepted to run.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct QueuedSync {
        /// Whether the sync was queued.
        pub queued: bool,
    }
    pub fn new;
    optional {
        /// When it was queued.
        queued_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! calendar_providers_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List the provider connections of a calendar](https://docs.talkover.ai/api-reference/endpoints/list-provider-connections).
        ListProviderConnections {
            id: "list-provider-connections",
            method: GET,
            path: "/api/v1/calendars/{calendar_id}/providers",
            params: { calendar_id: CalendarId },
            response: ListEnvelope<ProviderConnection>,
            safe_to_repeat: true,
            handler: CalendarProviders[calendar_id]::list,
        }

        /// [Start connecting a calendar to a provider](https://docs.talkover.ai/api-reference/endpoints/create-provider-connection).
        /// The connection is inactive until the user authorizes it at the returned `authorization_url`; the
        /// first sync then runs by itself.
        CreateProviderConnection {
            id: "create-provider-connection",
            method: POST,
            path: "/api/v1/calendars/{calendar_id}/providers",
            params: { calendar_id: CalendarId },
            body: NewProviderConnection,
            response: Envelope<ProviderConnection>,
            safe_to_repeat: false,
            handler: CalendarProviders[calendar_id]::connect(connection),
        }

        /// [Disconnect a calendar from a provider](https://docs.talkover.ai/api-reference/endpoints/disconnect-provider).
        /// Events already synced stay, but no longer change with the provider.
        DisconnectProvider {
            id: "disconnect-provider",
            method: DELETE,
            path: "/api/v1/calendars/{calendar_id}/providers/{provider_id}",
            params: { calendar_id: CalendarId, provider_id: ProviderConnectionId },
            response: Ack,
            safe_to_repeat: true,
            handler: CalendarProviders[calendar_id]::disconnect,
        }

        /// [Sync one provider connection now](https://docs.talkover.ai/api-reference/endpoints/trigger-provider-sync),
        /// rather than every calendar.
        TriggerProviderSync {
            id: "trigger-provider-sync",
            method: POST,
            path: "/api/v1/calendars/{calendar_id}/providers/{provider_id}/sync",
            params: { calendar_id: CalendarId, provider_id: ProviderConnectionId },
            response: Envelope<QueuedSync>,
            safe_to_repeat: false,
            handler: CalendarProviders[calendar_id]::sync,
        }
        }
    };
}
calendar_providers_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_request, ClientConfig, ErrorKind};

    #[test]
    fn connection_ids_are_one_segment_and_required() {
        let config = ClientConfig::new("talq_x").unwrap();
        let request = build_request(&TriggerProviderSync::new("cal", "conn/../x"), &config).unwrap();
        assert_eq!(request.uri().path(), "/api/v1/calendars/cal/providers/conn%2F..%2Fx/sync");
        assert!(request.body().is_empty());
        let err = build_request(&DisconnectProvider::new("cal", ""), &config).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("provider_id"), "{err}");
    }
}
