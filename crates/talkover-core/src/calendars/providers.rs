//! Connections of a calendar to external calendar providers, which keep its events in sync.
//!
//! ```
//! use talkover_core::calendars::providers::{CreateProviderConnection, NewProviderConnection, TriggerProviderSync};
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

use super::CalendarId;
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::macros::{id_type, operation};
use crate::registry::OperationInfo;
use crate::Timestamp;

id_type! {
    /// The id of a provider connection (the `provider_id` of the paths).
    ProviderConnectionId
}

/// A connection of a calendar to an external provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProviderConnection {
    /// The connection's id.
    pub id: ProviderConnectionId,
    /// The provider, by the identifier the environment's configuration gives it.
    pub provider: String,
    /// The calendar on the provider's side (`primary`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_calendar_id: Option<String>,
    /// Whether the connection syncs: `false` until the user has authorized it at `authorization_url`.
    pub is_active: bool,
    /// When it last synced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync_at: Option<Timestamp>,
    /// Where the user authorizes access, on a connection just created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
}

// ---------------------------------------------------------------------------------------------------
// list-provider-connections

/// [List the provider connections of a calendar](https://docs.talkover.ai/api-reference/endpoints/list-provider-connections).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListProviderConnections {
    /// The calendar.
    pub calendar_id: CalendarId,
}

impl ListProviderConnections {
    /// The calendar's connections.
    pub fn new(calendar_id: impl Into<CalendarId>) -> Self {
        Self { calendar_id: calendar_id.into() }
    }
}

operation!(ListProviderConnections {
    id: "list-provider-connections",
    method: GET,
    path: "/api/v1/calendars/{calendar_id}/providers",
    safe_to_repeat: true,
    path_params: [calendar_id],
    response: ListEnvelope<ProviderConnection>,
});

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

/// [Start connecting a calendar to a provider](https://docs.talkover.ai/api-reference/endpoints/create-provider-connection).
/// The connection is inactive until the user authorizes it at the returned `authorization_url`; the
/// first sync then runs by itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateProviderConnection {
    /// The calendar.
    pub calendar_id: CalendarId,
    /// The provider and redirect.
    pub body: NewProviderConnection,
}

impl CreateProviderConnection {
    /// Starts the connection.
    pub fn new(calendar_id: impl Into<CalendarId>, body: NewProviderConnection) -> Self {
        Self { calendar_id: calendar_id.into(), body }
    }
}

operation!(CreateProviderConnection {
    id: "create-provider-connection",
    method: POST,
    path: "/api/v1/calendars/{calendar_id}/providers",
    safe_to_repeat: false,
    path_params: [calendar_id],
    body: NewProviderConnection,
    response: Envelope<ProviderConnection>,
});

// ---------------------------------------------------------------------------------------------------
// disconnect-provider

/// [Disconnect a calendar from a provider](https://docs.talkover.ai/api-reference/endpoints/disconnect-provider).
/// Events already synced stay, but no longer change with the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DisconnectProvider {
    /// The calendar.
    pub calendar_id: CalendarId,
    /// The connection.
    pub provider_id: ProviderConnectionId,
}

impl DisconnectProvider {
    /// Removes the connection.
    pub fn new(calendar_id: impl Into<CalendarId>, provider_id: impl Into<ProviderConnectionId>) -> Self {
        Self { calendar_id: calendar_id.into(), provider_id: provider_id.into() }
    }
}

operation!(DisconnectProvider {
    id: "disconnect-provider",
    method: DELETE,
    path: "/api/v1/calendars/{calendar_id}/providers/{provider_id}",
    safe_to_repeat: true,
    path_params: [calendar_id, provider_id],
    response: Ack,
});

// ---------------------------------------------------------------------------------------------------
// trigger-provider-sync

/// [Sync one provider connection now](https://docs.talkover.ai/api-reference/endpoints/trigger-provider-sync),
/// rather than every calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TriggerProviderSync {
    /// The calendar.
    pub calendar_id: CalendarId,
    /// The connection.
    pub provider_id: ProviderConnectionId,
}

impl TriggerProviderSync {
    /// Queues a sync of the connection.
    pub fn new(calendar_id: impl Into<CalendarId>, provider_id: impl Into<ProviderConnectionId>) -> Self {
        Self { calendar_id: calendar_id.into(), provider_id: provider_id.into() }
    }
}

operation!(TriggerProviderSync {
    id: "trigger-provider-sync",
    method: POST,
    path: "/api/v1/calendars/{calendar_id}/providers/{provider_id}/sync",
    safe_to_repeat: false,
    path_params: [calendar_id, provider_id],
    response: Envelope<QueuedSync>,
});

/// A sync the API accepted to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QueuedSync {
    /// Whether the sync was queued.
    pub queued: bool,
    /// When it was queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_at: Option<Timestamp>,
}

pub(crate) const OPERATIONS: &[OperationInfo] = &[
    OperationInfo::of::<ListProviderConnections>(),
    OperationInfo::of::<CreateProviderConnection>(),
    OperationInfo::of::<DisconnectProvider>(),
    OperationInfo::of::<TriggerProviderSync>(),
];

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
