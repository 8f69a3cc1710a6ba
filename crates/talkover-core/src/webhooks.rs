//! Webhooks of agents and of campaigns: subscriptions, deliveries (logs), tests and retries.
//!
//! From the `talkover` crate, these operations run through `client.agents().webhooks(agent_id)` and
//! `client.campaigns().webhooks(campaign_id)`: the methods of `talkover::resources`, on either client. The
//! types here are what those methods take and give.
//!
//! Agent webhooks fire on the events of each call; campaign webhooks on the events of a campaign and its
//! calls. Both are configured with the same settings ([`NewWebhook`], [`WebhookChanges`]), and their
//! deliveries are logged in the same shape ([`WebhookLog`]); they differ in their event names
//! ([`AgentWebhookEvent`], [`CampaignWebhookEvent`]), in campaign webhooks' `include_call_events`, and in
//! what their endpoints return.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-agent-webhooks> and
//! <https://docs.talkover.ai/api-reference/endpoints/list-campaign-webhooks>, and the pages beside them.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::hash::Hash;

use crate::actions::{AuthorizationScheme, CustomHeader};
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::ids::{AgentId, CampaignId};
use crate::macros::{optional_fields, string_enum};
use crate::secret::SecretString;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{CampaignWebhookId, WebhookId, WebhookLogId};

string_enum! {
    /// An event an agent webhook can subscribe to: something that happened during one call.
    pub enum AgentWebhookEvent {
        /// The call started.
        PhoneCallStarted = "event_phone_call_started",
        /// The call ended.
        PhoneCallEnded = "event_phone_call_ended",
        /// The call could not be connected.
        PhoneCallDidNotConnect = "event_phone_call_did_not_connect",
        /// The call's connection came up.
        PhoneCallConnected = "event_phone_call_connected",
        /// The call's connection went down.
        PhoneCallDisconnected = "event_phone_call_disconnected",
        /// The call's connection failed.
        PhoneCallError = "event_phone_call_error",
        /// Someone joined the call.
        ParticipantJoined = "event_participant_joined",
        /// Someone left the call.
        ParticipantLeft = "event_participant_left",
        /// A voicemail system answered.
        VoicemailDetected = "event_voicemail_detected",
        /// The agent left a voicemail message.
        VoicemailMessageLeft = "event_voicemail_message_left",
        /// A conversation with a person began.
        ConversationStarted = "event_conversation_started",
        /// The conversation with a person finished.
        ConversationEnded = "event_conversation_ended",
        /// The agent ran one of its actions.
        Action = "event_action",
        /// One of the agent's actions failed.
        ActionFailed = "event_action_failed",
        /// A recording of the call is available.
        Recording = "event_recording",
        /// The media connection was opened.
        ConnectionEstablished = "event_connection_established",
        /// The media connection was closed.
        ConnectionClosed = "event_connection_closed",
        /// The media connection failed.
        ConnectionError = "event_connection_error",
        /// The user joined the call.
        UserConnected = "event_user_connected",
        /// The user left the call.
        UserDisconnected = "event_user_disconnected",
        /// The client joined the call.
        ClientConnected = "event_client_connected",
        /// The client left the call.
        ClientDisconnected = "event_client_disconnected",
    }
}

string_enum! {
    /// An event a campaign webhook can subscribe to: a step of the campaign, of one of its calls, or a
    /// call's recording, transcript or report.
    ///
    /// A webhook with `include_call_events` also receives the per-call events of the campaign's calls,
    /// which are an agent webhook's events (`event_phone_call_started`, …): they decode as `Unknown` here,
    /// and [`call_event`](Self::call_event) reads them as the [`AgentWebhookEvent`] they are.
    pub enum CampaignWebhookEvent {
        /// The campaign was created.
        CampaignCreated = "campaign.created",
        /// The campaign started.
        CampaignStarted = "campaign.started",
        /// The campaign was paused.
        CampaignPaused = "campaign.paused",
        /// The campaign finished.
        CampaignCompleted = "campaign.completed",
        /// The campaign's settings changed.
        CampaignUpdated = "campaign.updated",
        /// A campaign call was queued.
        CampaignCallQueued = "campaign_call.queued",
        /// A campaign call started.
        CampaignCallStarted = "campaign_call.started",
        /// A campaign call finished.
        CampaignCallCompleted = "campaign_call.completed",
        /// A campaign call will be tried again later.
        CampaignCallRetryScheduled = "campaign_call.retry_scheduled",
        /// A campaign call failed for good.
        CampaignCallFailed = "campaign_call.failed",
        /// A recording of a call is available.
        Recording = "event_recording",
        /// The transcript of a call is available.
        CallTranscript = "event_call_transcript",
        /// The report of a call is available.
        CallReport = "event_call_report",
    }
}

impl CampaignWebhookEvent {
    /// The per-call event this is, for a delivery to a campaign webhook with `include_call_events`: the
    /// [`AgentWebhookEvent`] of the same name, when there is one (a call's recording is both kinds);
    /// `None` for a step of the campaign or of a campaign call.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::webhooks::{AgentWebhookEvent, CampaignWebhookEvent};
    /// use talkover::webhook_delivery::WebhookDelivery;
    ///
    /// let body = br#"{"event":"event_phone_call_started","campaign_id":"campaign-1","call_id":"call-1"}"#;
    /// let delivery: WebhookDelivery<CampaignWebhookEvent> = WebhookDelivery::from_slice(body)?;
    /// let event = delivery.event.as_ref().and_then(CampaignWebhookEvent::call_event);
    /// assert_eq!(event, Some(AgentWebhookEvent::PhoneCallStarted));
    /// assert_eq!(CampaignWebhookEvent::CampaignCallQueued.call_event(), None);
    /// # Ok::<(), talkover::webhook_delivery::DeliveryDecodeError>(())
    /// ```
    pub fn call_event(&self) -> Option<AgentWebhookEvent> {
        AgentWebhookEvent::documented(self.as_str())
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::AgentWebhookEvent {}
    impl Sealed for super::CampaignWebhookEvent {}
}

/// The event names of one kind of webhook: [`AgentWebhookEvent`] or [`CampaignWebhookEvent`]. The shared
/// webhook types are generic over it.
pub trait WebhookEvent:
    sealed::Sealed + Clone + fmt::Debug + Eq + Ord + Hash + Serialize + DeserializeOwned + Send + Sync + 'static
{
    /// What a body's `include_call_events` holds for this kind of webhook: `bool` for a campaign's, and
    /// for an agent's [`NoCallEvents`], which has no value (agent webhooks have no such setting).
    type IncludeCallEvents: Clone + fmt::Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static;

    /// The id of this kind of webhook: [`WebhookId`] for an agent's, [`CampaignWebhookId`] for a campaign's.
    type WebhookId: Clone
        + fmt::Debug
        + fmt::Display
        + Eq
        + Ord
        + Hash
        + AsRef<str>
        + for<'a> From<&'a str>
        + From<String>
        + Serialize
        + DeserializeOwned
        + Send
        + Sync
        + 'static;
}

impl WebhookEvent for AgentWebhookEvent {
    type IncludeCallEvents = NoCallEvents;
    type WebhookId = WebhookId;
}

impl WebhookEvent for CampaignWebhookEvent {
    type IncludeCallEvents = bool;
    type WebhookId = CampaignWebhookId;
}

/// The `include_call_events` of an agent webhook's body, a setting agent webhooks do not have: this type
/// has no value, so the field of [`NewAgentWebhook`] and [`AgentWebhookChanges`] is always `None` and is
/// never sent, and setting it does not compile. A body that carries the key does not decode: a server
/// reading one refuses it, naming the field.
///
/// ```
/// # use talkover_core as talkover;
/// use talkover::webhooks::{CampaignWebhookEvent, NewCampaignWebhook};
///
/// let body = NewCampaignWebhook::new("CRM", "https://example.com/hook", [CampaignWebhookEvent::CampaignCompleted])
///     .include_call_events(true);
/// assert_eq!(body.include_call_events, Some(true));
/// ```
///
/// ```compile_fail
/// # use talkover_core as talkover;
/// use talkover::webhooks::{AgentWebhookEvent, NewAgentWebhook};
///
/// // An agent webhook has no such setting: neither the setter nor a value exists.
/// let body = NewAgentWebhook::new("CRM", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded])
///     .include_call_events(true);
/// ```
///
/// ```compile_fail
/// # use talkover_core as talkover;
/// use talkover::webhooks::{AgentWebhookEvent, NewAgentWebhook};
///
/// let mut body = NewAgentWebhook::new("CRM", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded]);
/// body.include_call_events = Some(true);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoCallEvents {}

impl Serialize for NoCallEvents {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        match *self {}
    }
}

impl<'de> Deserialize<'de> for NoCallEvents {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Nothing;

        impl<'de> serde::de::Visitor<'de> for Nothing {
            type Value = NoCallEvents;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("nothing: `include_call_events` is a setting of campaign webhooks only")
            }

            fn visit_newtype_struct<D: serde::Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                // Any value is refused, in these words.
                deserializer.deserialize_any(self)
            }
        }

        // Named so that a tool describing the body's fields sees that no value fits here.
        deserializer.deserialize_newtype_struct(crate::operation::FITS_NOTHING, Nothing)
    }
}

string_enum! {
    /// The HTTP method a webhook delivers its events with.
    pub enum WebhookHttpMethod {
        /// `POST` (the API's default).
        Post = "POST",
        /// `PUT`.
        Put = "PUT",
        /// `PATCH`.
        Patch = "PATCH",
    }
}

string_enum! {
    /// The state of an agent webhook.
    pub enum WebhookStatus {
        /// Enabled, delivering events.
        Active = "active",
        /// Turned off.
        Disabled = "disabled",
        /// Enabled, but deliveries are failing.
        Error = "error",
    }
}

string_enum! {
    /// Where one delivery attempt stands.
    pub enum DeliveryStatus {
        /// Waiting to be sent.
        Pending = "pending",
        /// The target answered 2xx.
        Success = "success",
        /// The target answered something else, or could not be reached.
        Failed = "failed",
        /// Failed, and another attempt will be made.
        Retrying = "retrying",
    }
}

// ---------------------------------------------------------------------------------------------------
// Shared request bodies

/// Hands `$then!` the settings every webhook body may set, after its own input: one entry each, in the
/// form of `optional_fields!`'s `settable` lists. [`NewWebhook`] and [`WebhookChanges`] declare them as
/// fields with setters, for agents and campaigns alike (the campaign bodies are their
/// `CampaignWebhookEvent` forms).
macro_rules! with_webhook_settings {
    ($then:ident! { $($input:tt)* }) => {
        $then! {
            $($input)*
            {
                /// Secret the API signs each delivery with (HMAC-SHA256), up to 255 characters.
                #[serde(serialize_with = "crate::secret::expose")]
                webhook_secret(secret): impl Into<SecretString>,
                /// Seconds to wait for the target, 5 to 120 (the API's default is 30).
                timeout(seconds): u32,
                /// Further attempts after a failed delivery, 0 to 10 (the API's default is 3).
                max_retries(retries): u32,
                /// Whether the webhook delivers (the API's default is `true`).
                enabled(enabled): bool,
                /// The HTTP method of deliveries (the API's default is `POST`).
                http_method(method): WebhookHttpMethod,
                /// How deliveries authenticate to the target (the API's default is `none`).
                authorization_scheme(scheme): AuthorizationScheme,
            }
        }
    };
}

/// Hands `$then!` the fields a create body requires and a change body may set, after its own input, as
/// `with_webhook_settings!` does for the optional settings. `$event` is the event type of the body.
macro_rules! with_webhook_changes {
    ($event:ty; $then:ident! { $($input:tt)* }) => {
        $then! {
            $($input)*
            {
                /// New name (1 to 255 characters).
                name: impl Into<String>,
                /// New delivery URL (up to 500 characters).
                webhook_url(url): impl Into<String>,
                /// New list of events (at least one).
                events: impl IntoIterator<Item = $event>,
            }
        }
    };
}

/// Declares a webhook body: its own fields and `settable` lists as given, then the settings of
/// `with_webhook_settings!`, then the two setting maps whose setters add one entry at a time
/// (`collection_setters!`).
macro_rules! webhook_body {
    ([$($item:tt)*] { $($settings:tt)* }) => {
        optional_fields! {
            $($item)*
            settable { $($settings)* }
            optional {
                /// Headers sent with every delivery; their values are secrets.
                custom_headers: Vec<CustomHeader>,
                /// Payload templates replacing the default payload of some events, by event (free-form
                /// objects with `{{…}}` placeholders).
                payload_templates: BTreeMap<E, Value>,
                /// Campaign webhooks only: also deliver the call-level events of the campaign's calls
                /// (`bool`, set with `include_call_events`). An agent webhook's body has no value for it
                /// ([`NoCallEvents`]).
                include_call_events: E::IncludeCallEvents,
            }
        }
    };
}

with_webhook_settings!(webhook_body! {
    [
        /// The settings of a new webhook, for agents ([`NewAgentWebhook`]) and campaigns
        /// ([`NewCampaignWebhook`]).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(bound = "E: WebhookEvent")]
        #[non_exhaustive]
        pub struct NewWebhook<E: WebhookEvent> {
            /// Name (1 to 255 characters).
            pub name: String,
            /// Where events are delivered (up to 500 characters).
            pub webhook_url: String,
            /// The events to deliver (at least one).
            pub events: Vec<E>,
        }
    ]
});

/// Declares [`WebhookChanges`]: the fields of `with_webhook_changes!`, then the webhook settings.
macro_rules! webhook_changes {
    ({ $($changes:tt)* }) => {
        with_webhook_settings!(webhook_body! {
            [
                /// The changes to a webhook; unset fields are left as they are. For agents
                /// ([`AgentWebhookChanges`]) and campaigns ([`CampaignWebhookChanges`]).
                #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
                #[serde(bound = "E: WebhookEvent")]
                #[non_exhaustive]
                pub struct WebhookChanges<E: WebhookEvent> {}
                settable { $($changes)* }
            ]
        });
    };
}

with_webhook_changes!(E; webhook_changes! {});

impl<E: WebhookEvent> Default for WebhookChanges<E> {
    fn default() -> Self {
        Self::with_fields()
    }
}

/// Chaining setters of the two setting maps, which add one entry at a time.
macro_rules! collection_setters {
    ($event:ty) => {
        /// Adds a header sent with every delivery.
        pub fn custom_header(mut self, key: impl Into<String>, value: impl Into<SecretString>) -> Self {
            self.custom_headers.get_or_insert_with(Vec::new).push(CustomHeader::new(key, value));
            self
        }

        /// Sets the payload template of one event.
        pub fn payload_template(mut self, event: $event, template: impl Into<Value>) -> Self {
            self.payload_templates.get_or_insert_with(BTreeMap::new).insert(event, template.into());
            self
        }
    };
}

impl<E: WebhookEvent> NewWebhook<E> {
    /// A webhook with its required settings; set the others with the chaining methods.
    pub fn new(name: impl Into<String>, webhook_url: impl Into<String>, events: impl IntoIterator<Item = E>) -> Self {
        Self::with_fields(name.into(), webhook_url.into(), events.into_iter().collect())
    }

    collection_setters!(E);

    fn check(&self, problems: &mut Problems) {
        check_webhook(problems, self.name.as_str(), self.webhook_url.as_str(), Some(&self.events));
        check_settings(problems, self.webhook_secret.as_ref(), self.timeout, self.max_retries);
        check_templates(problems, self.payload_templates.as_ref());
    }
}

impl<E: WebhookEvent> WebhookChanges<E> {
    collection_setters!(E);

    fn check(&self, problems: &mut Problems) {
        check_webhook(problems, self.name.as_deref(), self.webhook_url.as_deref(), self.events.as_ref());
        check_settings(problems, self.webhook_secret.as_ref(), self.timeout, self.max_retries);
        check_templates(problems, self.payload_templates.as_ref());
    }
}

/// The bounds of the fields a new webhook requires and a change may set, each checked when set.
fn check_webhook<'a, E>(
    problems: &mut Problems,
    name: impl Into<Option<&'a str>>,
    webhook_url: impl Into<Option<&'a str>>,
    events: Option<&Vec<E>>,
) {
    let webhook_url = webhook_url.into();
    problems.length("name", name, 1, 255).length("webhook_url", webhook_url, 1, 500);
    // An empty one is refused for its length already: one problem, said once.
    problems.url("webhook_url", webhook_url.filter(|url| !url.is_empty()));
    if events.is_some_and(Vec::is_empty) {
        problems.add("events", "must hold at least 1 event");
    }
}

fn check_settings(
    problems: &mut Problems,
    secret: Option<&SecretString>,
    timeout: Option<u32>,
    max_retries: Option<u32>,
) {
    problems.length("webhook_secret", secret.map(SecretString::expose_secret), 0, 255);
    problems.range("timeout", timeout, 5, 120).range("max_retries", max_retries, 0, 10);
}

/// A payload template stands for the delivery's body: an object (create-webhook: "values are template
/// objects"), whose texts may hold `{{call.id}}` placeholders. Each other value is named by its event.
fn check_templates<E: Serialize>(problems: &mut Problems, templates: Option<&BTreeMap<E, Value>>) {
    let mut refused: Vec<String> = templates
        .into_iter()
        .flatten()
        .filter(|(_, template)| !template.is_object())
        .map(|(event, _)| match serde_json::to_value(event) {
            Ok(Value::String(name)) => name,
            _ => String::new(),
        })
        .collect();
    refused.sort();
    for event in refused {
        problems.add(format!("payload_templates.{event}"), "must be an object (the delivery's body as a template)");
    }
}

/// The body of [`CreateWebhook`]. Its `include_call_events` is always `None`: agent webhooks have no such
/// setting ([`NoCallEvents`]).
pub type NewAgentWebhook = NewWebhook<AgentWebhookEvent>;

/// The body of [`UpdateWebhook`]. Its `include_call_events` is always `None`: agent webhooks have no such
/// setting ([`NoCallEvents`]).
pub type AgentWebhookChanges = WebhookChanges<AgentWebhookEvent>;

/// The body of [`CreateCampaignWebhook`]: the settings every webhook has, and whether the call-level events
/// of the campaign's calls are delivered too.
pub type NewCampaignWebhook = NewWebhook<CampaignWebhookEvent>;

/// The body of [`UpdateCampaignWebhook`]: changes to the settings every webhook has, and to
/// `include_call_events`.
pub type CampaignWebhookChanges = WebhookChanges<CampaignWebhookEvent>;

impl NewWebhook<CampaignWebhookEvent> {
    /// Also deliver the call-level events of the campaign's calls (the API's default is `false`).
    pub fn include_call_events(mut self, include: bool) -> Self {
        self.include_call_events = Some(include);
        self
    }
}

impl WebhookChanges<CampaignWebhookEvent> {
    /// Whether the call-level events of the campaign's calls are delivered too.
    pub fn include_call_events(mut self, include: bool) -> Self {
        self.include_call_events = Some(include);
        self
    }
}

// ---------------------------------------------------------------------------------------------------
// Shared responses

optional_fields! {
    /// One delivery attempt of a webhook, as the log endpoints list it. Agent and campaign webhooks log in the
    /// same shape; only their event names differ ([`AgentWebhookLog`], [`CampaignWebhookLog`]).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[serde(bound = "E: WebhookEvent")]
    #[non_exhaustive]
    pub struct WebhookLog<E: WebhookEvent> {
        /// The attempt's id (what [`RetryWebhookLog`] takes).
        pub id: WebhookLogId,
        /// The delivered event.
        pub event: E,
        /// Which attempt this was, from 1.
        pub attempt: u32,
        /// How it went.
        pub status: DeliveryStatus,
    }
    pub fn new;
    optional {
        /// The webhook.
        webhook_id: E::WebhookId,
        /// The target's HTTP status, when it answered.
        http_status: u16,
        /// The payload sent.
        request_payload: Value,
        /// The target's answer, as text.
        response_body: String,
        /// The target's response headers.
        response_headers: BTreeMap<String, String>,
        /// What went wrong, for failed attempts.
        error: String,
        /// How long the attempt took, in milliseconds.
        duration_ms: u64,
        /// When the target accepted it.
        delivered_at: Timestamp,
        /// When the attempt was logged.
        created_at: Timestamp,
    }
}

/// A delivery attempt of an agent webhook.
pub type AgentWebhookLog = WebhookLog<AgentWebhookEvent>;

/// A delivery attempt of a campaign webhook.
pub type CampaignWebhookLog = WebhookLog<CampaignWebhookEvent>;

optional_fields! {
    /// A retry the API has queued: a new log entry for a new attempt; the original entry is kept.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct WebhookRetry {
        /// The new attempt's log entry.
        pub log_id: WebhookLogId,
        /// The attempt being retried.
        pub original_log_id: WebhookLogId,
    }
    pub fn new;
    optional {
        /// When the retry was queued.
        queued_at: Timestamp,
    }
}

// ---------------------------------------------------------------------------------------------------
// Agent webhooks

optional_fields! {
    /// An agent's webhook, as the agent webhook endpoints return it.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentWebhook {
        /// The webhook's id.
        pub id: WebhookId,
        /// The agent it belongs to.
        pub agent_id: AgentId,
        /// Name.
        pub name: String,
        /// Where events are delivered.
        pub webhook_url: String,
        /// The events it delivers.
        #[serde(default)]
        pub events: Vec<AgentWebhookEvent>,
        /// Seconds to wait for the target.
        pub timeout: u32,
        /// Further attempts after a failed delivery.
        pub max_retries: u32,
        /// Whether it delivers.
        pub enabled: bool,
    }
    optional {
        /// When it was created.
        created_at: Timestamp,
        /// When it last changed.
        updated_at: Timestamp,
        /// How many events it delivers.
        events_count: u32,
        /// Active, disabled or failing.
        status: WebhookStatus,
    }
}

impl AgentWebhook {
    /// A webhook of an agent with its id, name, URL and events, enabled, with the API's defaults (a
    /// timeout of 30 seconds, 3 retries) and nothing else set, for servers and emulators that answer with
    /// one.
    pub fn new(
        id: impl Into<WebhookId>,
        agent_id: impl Into<AgentId>,
        name: impl Into<String>,
        webhook_url: impl Into<String>,
        events: Vec<AgentWebhookEvent>,
    ) -> Self {
        Self {
            id: id.into(),
            agent_id: agent_id.into(),
            name: name.into(),
            webhook_url: webhook_url.into(),
            events,
            timeout: 30,
            max_retries: 3,
            enabled: true,
            created_at: None,
            updated_at: None,
            events_count: None,
            status: None,
        }
    }
}

optional_fields! {
    /// An event agent webhooks can subscribe to, with the API's description of it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct AvailableEvent {
        /// The event.
        pub event: AgentWebhookEvent,
        /// What it means.
        pub description: String,
    }
    pub fn new;
}

/// An agent's webhooks and the events agent webhooks can subscribe to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AgentWebhookList {
    /// The agent's webhooks.
    #[serde(default)]
    pub webhooks: Vec<AgentWebhook>,
    /// The events that can be subscribed to, in the API's order (sent as an object from event name to
    /// description).
    #[serde(default, with = "event_descriptions")]
    pub available_events: Vec<AvailableEvent>,
}

impl AgentWebhookList {
    /// A list of webhooks with no event descriptions, for servers and emulators that answer with one.
    pub fn new(webhooks: Vec<AgentWebhook>) -> Self {
        Self { webhooks, available_events: Vec::new() }
    }

    /// The API's description of an event, if it offers the event.
    pub fn description(&self, event: &AgentWebhookEvent) -> Option<&str> {
        self.available_events.iter().find(|e| &e.event == event).map(|e| e.description.as_str())
    }
}

/// `available_events` as an object (`{"event_…": "description"}`) on the wire, as a list here, so that the
/// API's order is kept without an ordered-map dependency.
mod event_descriptions {
    use std::fmt;

    use serde::de::{MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};

    use super::AvailableEvent;

    pub(super) fn serialize<S: Serializer>(events: &[AvailableEvent], serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(events.len()))?;
        for e in events {
            map.serialize_entry(&e.event, &e.description)?;
        }
        map.end()
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<AvailableEvent>, D::Error> {
        struct Events;
        impl<'de> Visitor<'de> for Events {
            type Value = Vec<AvailableEvent>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object from event names to descriptions")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut events = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
                while let Some((event, description)) = map.next_entry()? {
                    events.push(AvailableEvent { event, description });
                }
                Ok(events)
            }
        }
        deserializer.deserialize_map(Events)
    }
}

impl CreateWebhook {
    fn check(&self, problems: &mut Problems) {
        self.body.check(problems);
    }
}

impl UpdateWebhook {
    fn check(&self, problems: &mut Problems) {
        self.body.check(problems);
    }
}

optional_fields! {
    /// How the target answered a test delivery.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct WebhookTestResult {
        /// The target's HTTP status.
        pub status_code: u16,
        /// How long the target took, in milliseconds.
        pub response_time: u64,
    }
    pub fn new;
}

// ---------------------------------------------------------------------------------------------------
// Campaign webhooks

optional_fields! {
    /// A campaign's webhook. The campaign endpoints return only some fields depending on the operation (a
    /// toggle returns the id and `enabled`, an update the changed fields), so all but the id are optional.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CampaignWebhook {
        /// The webhook's id.
        pub id: CampaignWebhookId,
    }
    pub fn new;
    optional {
        /// The campaign it belongs to.
        campaign_id: CampaignId,
        /// Name.
        name: String,
        /// Where events are delivered.
        webhook_url: String,
        /// The events it delivers.
        events: Vec<CampaignWebhookEvent>,
        /// Whether it delivers.
        enabled: bool,
        /// Seconds to wait for the target.
        timeout: u32,
        /// Further attempts after a failed delivery.
        max_retries: u32,
        /// Whether call-level events are delivered too.
        include_call_events: bool,
        /// When it was created.
        created_at: Timestamp,
        /// When it last changed.
        updated_at: Timestamp,
    }
}

optional_fields! {
    /// A campaign's webhooks and the events campaign webhooks can subscribe to.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CampaignWebhookList {
        /// The campaign's webhooks.
        #[serde(default)]
        pub webhooks: Vec<CampaignWebhook>,
        /// The events that can be subscribed to (names only, unlike the agent list).
        #[serde(default)]
        pub available_events: Vec<CampaignWebhookEvent>,
    }
    pub fn new;
}

impl CreateCampaignWebhook {
    fn check(&self, problems: &mut Problems) {
        self.body.check(problems);
    }
}

impl UpdateCampaignWebhook {
    fn check(&self, problems: &mut Problems) {
        self.body.check(problems);
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! webhooks_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List an agent's webhooks](https://docs.talkover.ai/api-reference/endpoints/list-agent-webhooks),
        /// with the events agent webhooks can subscribe to.
        ListAgentWebhooks {
            id: "list-agent-webhooks",
            method: GET,
            path: "/api/v1/agents/{agent_id}/webhooks",
            params: { agent_id: AgentId },
            response: Envelope<AgentWebhookList>,
            safe_to_repeat: true,
            handler: AgentWebhooks[agent_id]::list,
        }

        /// [Create a webhook](https://docs.talkover.ai/api-reference/endpoints/create-webhook) on an agent.
        CreateWebhook {
            id: "create-webhook",
            method: POST,
            path: "/api/v1/agents/{agent_id}/webhooks",
            params: { agent_id: AgentId },
            body: NewAgentWebhook,
            response: Envelope<AgentWebhook>,
            safe_to_repeat: false,
            validate: CreateWebhook::check,
            handler: AgentWebhooks[agent_id]::create(webhook),
        }

        /// [Get a webhook of an agent](https://docs.talkover.ai/api-reference/endpoints/get-webhook-details).
        GetWebhookDetails {
            id: "get-webhook-details",
            method: GET,
            path: "/api/v1/agents/{agent_id}/webhooks/{webhook_id}",
            params: { agent_id: AgentId, webhook_id: WebhookId },
            response: Envelope<AgentWebhook>,
            safe_to_repeat: true,
            handler: AgentWebhooks[agent_id]::get,
        }

        /// [Update a webhook of an agent](https://docs.talkover.ai/api-reference/endpoints/update-webhook): only the
        /// fields set in the changes change.
        UpdateWebhook {
            id: "update-webhook",
            method: PUT,
            path: "/api/v1/agents/{agent_id}/webhooks/{webhook_id}",
            params: { agent_id: AgentId, webhook_id: WebhookId },
            body: AgentWebhookChanges,
            response: Envelope<AgentWebhook>,
            safe_to_repeat: true,
            validate: UpdateWebhook::check,
            handler: AgentWebhooks[agent_id]::update(changes),
        }

        /// [Delete a webhook of an agent](https://docs.talkover.ai/api-reference/endpoints/delete-webhook), for
        /// good.
        DeleteWebhook {
            id: "delete-webhook",
            method: DELETE,
            path: "/api/v1/agents/{agent_id}/webhooks/{webhook_id}",
            params: { agent_id: AgentId, webhook_id: WebhookId },
            response: Ack,
            safe_to_repeat: true,
            handler: AgentWebhooks[agent_id]::delete,
        }

        /// [Turn a webhook of an agent on or off](https://docs.talkover.ai/api-reference/endpoints/toggle-webhook-status),
        /// whichever it is not. Sending it twice undoes it.
        ToggleWebhookStatus {
            id: "toggle-webhook-status",
            method: PATCH,
            path: "/api/v1/agents/{agent_id}/webhooks/{webhook_id}/toggle",
            params: { agent_id: AgentId, webhook_id: WebhookId },
            response: Envelope<AgentWebhook>,
            safe_to_repeat: false,
            handler: AgentWebhooks[agent_id]::toggle,
        }

        /// [Send a test event to a webhook of an agent](https://docs.talkover.ai/api-reference/endpoints/test-webhook)
        /// (`webhook.test`). A failed delivery comes back as an error of kind
        /// [`Unsuccessful`](crate::ErrorKind::Unsuccessful) carrying the API's message.
        TestWebhook {
            id: "test-webhook",
            method: POST,
            path: "/api/v1/agents/{agent_id}/webhooks/{webhook_id}/test",
            params: { agent_id: AgentId, webhook_id: WebhookId },
            response: Envelope<WebhookTestResult>,
            safe_to_repeat: false,
            handler: AgentWebhooks[agent_id]::test,
        }

        /// [List the delivery attempts of a webhook of an agent](https://docs.talkover.ai/api-reference/endpoints/list-webhook-logs),
        /// a page at a time (logs are kept 30 days).
        ListWebhookLogs {
            id: "list-webhook-logs",
            method: GET,
            path: "/api/v1/agents/{agent_id}/webhooks/{webhook_id}/logs",
            params: { agent_id: AgentId, webhook_id: WebhookId },
            query: WebhookLogsQuery {},
            response: ListEnvelope<AgentWebhookLog>,
            items: AgentWebhookLog,
            default_per_page: 25,
            page_block: Pagination,
            safe_to_repeat: true,
            handler: AgentWebhooks[agent_id]::logs,
        }

        /// [Retry a failed delivery of a webhook of an agent](https://docs.talkover.ai/api-reference/endpoints/retry-webhook-log).
        /// The retry is a new attempt with the webhook's current settings; sending this twice would queue two.
        RetryWebhookLog {
            id: "retry-webhook-log",
            method: POST,
            path: "/api/v1/agents/{agent_id}/webhooks/{webhook_id}/logs/{log_id}/retry",
            params: { agent_id: AgentId, webhook_id: WebhookId, log_id: WebhookLogId },
            response: Envelope<WebhookRetry>,
            safe_to_repeat: false,
            handler: AgentWebhooks[agent_id]::retry_log,
        }

        /// [List a campaign's webhooks](https://docs.talkover.ai/api-reference/endpoints/list-campaign-webhooks),
        /// with the events campaign webhooks can subscribe to.
        ListCampaignWebhooks {
            id: "list-campaign-webhooks",
            method: GET,
            path: "/api/v1/campaigns/{campaign_id}/webhooks",
            params: { campaign_id: CampaignId },
            response: Envelope<CampaignWebhookList>,
            safe_to_repeat: true,
            handler: CampaignWebhooks[campaign_id]::list,
        }

        /// [Create a webhook on a campaign](https://docs.talkover.ai/api-reference/endpoints/create-campaign-webhook).
        CreateCampaignWebhook {
            id: "create-campaign-webhook",
            method: POST,
            path: "/api/v1/campaigns/{campaign_id}/webhooks",
            params: { campaign_id: CampaignId },
            body: NewCampaignWebhook,
            response: Envelope<CampaignWebhook>,
            safe_to_repeat: false,
            validate: CreateCampaignWebhook::check,
            handler: CampaignWebhooks[campaign_id]::create(webhook),
        }

        /// [Get a webhook of a campaign](https://docs.talkover.ai/api-reference/endpoints/get-campaign-webhook).
        GetCampaignWebhook {
            id: "get-campaign-webhook",
            method: GET,
            path: "/api/v1/campaigns/{campaign_id}/webhooks/{webhook_id}",
            params: { campaign_id: CampaignId, webhook_id: CampaignWebhookId },
            response: Envelope<CampaignWebhook>,
            safe_to_repeat: true,
            handler: CampaignWebhooks[campaign_id]::get,
        }

        /// [Update a webhook of a campaign](https://docs.talkover.ai/api-reference/endpoints/update-campaign-webhook):
        /// only the fields set in the changes change.
        UpdateCampaignWebhook {
            id: "update-campaign-webhook",
            method: PUT,
            path: "/api/v1/campaigns/{campaign_id}/webhooks/{webhook_id}",
            params: { campaign_id: CampaignId, webhook_id: CampaignWebhookId },
            body: CampaignWebhookChanges,
            response: Envelope<CampaignWebhook>,
            safe_to_repeat: true,
            validate: UpdateCampaignWebhook::check,
            handler: CampaignWebhooks[campaign_id]::update(changes),
        }

        /// [Delete a webhook of a campaign](https://docs.talkover.ai/api-reference/endpoints/delete-campaign-webhook);
        /// its delivery logs are kept for the usual period.
        DeleteCampaignWebhook {
            id: "delete-campaign-webhook",
            method: DELETE,
            path: "/api/v1/campaigns/{campaign_id}/webhooks/{webhook_id}",
            params: { campaign_id: CampaignId, webhook_id: CampaignWebhookId },
            response: Ack,
            safe_to_repeat: true,
            handler: CampaignWebhooks[campaign_id]::delete,
        }

        /// [Turn a webhook of a campaign on or off](https://docs.talkover.ai/api-reference/endpoints/toggle-campaign-webhook),
        /// whichever it is not. Sending it twice undoes it.
        ToggleCampaignWebhook {
            id: "toggle-campaign-webhook",
            method: PATCH,
            path: "/api/v1/campaigns/{campaign_id}/webhooks/{webhook_id}/toggle",
            params: { campaign_id: CampaignId, webhook_id: CampaignWebhookId },
            response: Envelope<CampaignWebhook>,
            safe_to_repeat: false,
            handler: CampaignWebhooks[campaign_id]::toggle,
        }

        /// [Send a test event to a webhook of a campaign](https://docs.talkover.ai/api-reference/endpoints/test-campaign-webhook):
        /// one synthetic event among those it subscribes to.
        TestCampaignWebhook {
            id: "test-campaign-webhook",
            method: POST,
            path: "/api/v1/campaigns/{campaign_id}/webhooks/{webhook_id}/test",
            params: { campaign_id: CampaignId, webhook_id: CampaignWebhookId },
            response: Ack,
            safe_to_repeat: false,
            handler: CampaignWebhooks[campaign_id]::test,
        }

        /// [List the delivery attempts of a webhook of a campaign](https://docs.talkover.ai/api-reference/endpoints/list-campaign-webhook-logs),
        /// a page at a time.
        ListCampaignWebhookLogs {
            id: "list-campaign-webhook-logs",
            method: GET,
            path: "/api/v1/campaigns/{campaign_id}/webhooks/{webhook_id}/logs",
            params: { campaign_id: CampaignId, webhook_id: CampaignWebhookId },
            query: CampaignWebhookLogsQuery {},
            response: ListEnvelope<CampaignWebhookLog>,
            items: CampaignWebhookLog,
            default_per_page: 25,
            page_block: PaginationWithoutLastPage,
            safe_to_repeat: true,
            handler: CampaignWebhooks[campaign_id]::logs,
        }

        /// [Retry a failed delivery of a webhook of a campaign](https://docs.talkover.ai/api-reference/endpoints/retry-campaign-webhook-log).
        /// The retry is a new attempt; sending this twice would queue two.
        RetryCampaignWebhookLog {
            id: "retry-campaign-webhook-log",
            method: POST,
            path: "/api/v1/campaigns/{campaign_id}/webhooks/{webhook_id}/logs/{log_id}/retry",
            params: { campaign_id: CampaignId, webhook_id: CampaignWebhookId, log_id: WebhookLogId },
            response: Envelope<WebhookRetry>,
            safe_to_repeat: false,
            handler: CampaignWebhooks[campaign_id]::retry_log,
        }
        }
    };
}
webhooks_operations!(declare);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    use crate::error::ErrorKind;
    use crate::operation::testing::config;
    use crate::operation::{build_request, Operation};
    use crate::page::PagedOperation;

    /// The field an operation refuses to send, or a panic if it sends it.
    fn refused<O: Operation>(operation: &O) -> String {
        match build_request(operation, &config()) {
            Err(Error::InvalidRequest(e)) => {
                assert_eq!(e.operation, O::ID);
                e.field().unwrap_or_default().to_owned()
            }
            Err(other) => panic!("{}: unexpected error {other:?}", O::ID),
            Ok(_) => panic!("{}: the request was built", O::ID),
        }
    }

    fn agent_body() -> NewAgentWebhook {
        NewWebhook::new("Hook", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded])
    }

    fn campaign_body() -> NewCampaignWebhook {
        NewCampaignWebhook::new("Hook", "https://example.com/hook", [CampaignWebhookEvent::CampaignCompleted])
    }

    #[test]
    fn create_bounds_are_checked_before_sending() {
        let create = |body| CreateWebhook::new("a", body);
        assert!(build_request(&create(agent_body().timeout(5).max_retries(0)), &config()).is_ok());
        assert!(build_request(&create(agent_body().timeout(120).max_retries(10)), &config()).is_ok());
        assert!(build_request(&create(agent_body().webhook_secret("s".repeat(255))), &config()).is_ok());

        let mut long_name = agent_body();
        long_name.name = "n".repeat(256);
        assert_eq!(refused(&create(long_name)), "name");
        let mut long_url = agent_body();
        long_url.webhook_url = format!("https://example.com/{}", "p".repeat(481));
        assert_eq!(refused(&create(long_url)), "webhook_url");
        // "must be valid URL" (create-webhook's page): a form, the API's to judge, refused on receipt.
        let mut no_url = agent_body();
        no_url.webhook_url = "example.com/hook".into();
        assert_eq!(crate::operation::testing::refused_on_receipt(&create(no_url)), "webhook_url");
        assert_eq!(refused(&create(agent_body().webhook_secret("s".repeat(256)))), "webhook_secret");
        let no_events = NewWebhook::new("Hook", "https://example.com/hook", Vec::<AgentWebhookEvent>::new());
        assert_eq!(refused(&create(no_events)), "events");
        assert_eq!(refused(&create(agent_body().timeout(4))), "timeout");
        assert_eq!(refused(&create(agent_body().timeout(121))), "timeout");
        assert_eq!(refused(&create(agent_body().max_retries(11))), "max_retries");
        // A template is the delivery's body: an object, not a text.
        let plain_text = agent_body().payload_template(AgentWebhookEvent::PhoneCallEnded, "call {{call.id}} ended");
        assert_eq!(refused(&create(plain_text)), "payload_templates.event_phone_call_ended");
        let object =
            agent_body().payload_template(AgentWebhookEvent::PhoneCallEnded, serde_json::json!({"id": "{{call.id}}"}));
        assert!(build_request(&create(object), &config()).is_ok());
        let changes = AgentWebhookChanges::new().payload_template(AgentWebhookEvent::PhoneCallEnded, 5);
        assert_eq!(refused(&UpdateWebhook::new("a", "w", changes)), "payload_templates.event_phone_call_ended");
    }

    #[test]
    fn campaign_bodies_share_the_checks() {
        let create = |body| CreateCampaignWebhook::new("c", body);
        assert!(build_request(&create(campaign_body().include_call_events(true)), &config()).is_ok());
        assert_eq!(refused(&create(campaign_body().timeout(200))), "timeout");
        let no_events = NewCampaignWebhook::new("Hook", "https://example.com/hook", []);
        assert_eq!(refused(&create(no_events)), "events");

        let update = |body| UpdateCampaignWebhook::new("c", "w", body);
        assert!(build_request(&update(CampaignWebhookChanges::new()), &config()).is_ok());
        assert_eq!(refused(&update(CampaignWebhookChanges::new().events([]))), "events");
        assert_eq!(refused(&update(CampaignWebhookChanges::new().max_retries(11))), "max_retries");
    }

    #[test]
    fn update_checks_only_what_is_set() {
        let update = |body| UpdateWebhook::new("a", "w", body);
        let request = build_request(&update(AgentWebhookChanges::new()), &config()).unwrap();
        assert_eq!(request.body(), b"{}");
        assert_eq!(refused(&update(AgentWebhookChanges::new().name(""))), "name");
        assert_eq!(refused(&update(AgentWebhookChanges::new().name("n".repeat(256)))), "name");
        assert_eq!(refused(&update(AgentWebhookChanges::new().webhook_url("u".repeat(501)))), "webhook_url");
        assert_eq!(refused(&update(AgentWebhookChanges::new().webhook_secret("s".repeat(256)))), "webhook_secret");
        assert_eq!(refused(&update(AgentWebhookChanges::new().events([]))), "events");
        assert_eq!(refused(&update(AgentWebhookChanges::new().timeout(0))), "timeout");
        assert_eq!(refused(&update(AgentWebhookChanges::new().max_retries(11))), "max_retries");
    }

    #[test]
    fn log_pages_are_bounded_and_sent_in_the_query() {
        assert_eq!(refused(&ListWebhookLogs::new("a", "w").per_page(0)), "per_page");
        assert_eq!(refused(&ListCampaignWebhookLogs::new("c", "w").per_page(101)), "per_page");
        let mut list = ListWebhookLogs::new("a b", "w/1").per_page(100);
        list.set_page(3);
        let request = build_request(&list, &config()).unwrap();
        assert_eq!(
            request.uri(),
            "https://app.talkover.ai/api/v1/agents/a%20b/webhooks/w%2F1/logs?page=3&per_page=100"
        );
        let request = build_request(&ListCampaignWebhookLogs::new("c", "w"), &config()).unwrap();
        assert_eq!(request.uri(), "https://app.talkover.ai/api/v1/campaigns/c/webhooks/w/logs");
    }

    #[test]
    fn secrets_and_header_values_never_print() {
        let body = agent_body().webhook_secret("whsec_top").custom_header("X-Api-Key", "key_top");
        let changes = AgentWebhookChanges::new().webhook_secret("whsec_top").custom_header("X-Api-Key", "key_top");
        let campaign = campaign_body().webhook_secret("whsec_top").custom_header("X-Api-Key", "key_top");
        for printed in
            [format!("{:?}", CreateWebhook::new("a", body.clone())), format!("{changes:?}"), format!("{campaign:?}")]
        {
            assert!(!printed.contains("whsec_top") && !printed.contains("key_top"), "{printed}");
            assert!(printed.contains("[redacted]"), "{printed}");
        }
        // The request body still carries them: the API needs them.
        let request = build_request(&CreateWebhook::new("a", body), &config()).unwrap();
        let sent: Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(sent["webhook_secret"], "whsec_top");
        assert_eq!(sent["custom_headers"][0], serde_json::json!({"key": "X-Api-Key", "value": "key_top"}));
    }

    #[test]
    fn include_call_events_is_a_campaign_field_at_the_top_level() {
        let body = campaign_body()
            .include_call_events(true)
            .http_method(WebhookHttpMethod::Put)
            .payload_template(CampaignWebhookEvent::CampaignCompleted, serde_json::json!({"id": "{{campaign.id}}"}));
        let sent = serde_json::to_value(&body).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({
                "name": "Hook",
                "webhook_url": "https://example.com/hook",
                "events": ["campaign.completed"],
                "http_method": "PUT",
                "payload_templates": {"campaign.completed": {"id": "{{campaign.id}}"}},
                "include_call_events": true
            })
        );
        let back: NewCampaignWebhook = serde_json::from_value(sent).unwrap();
        assert_eq!(back, body);
        assert!(serde_json::to_value(agent_body()).unwrap().get("include_call_events").is_none());
        // The agent bodies share the type, not the setting: their field has no value to set (setting it
        // does not compile, see `NoCallEvents`), and a body that carries the key does not decode.
        let mut carried = serde_json::to_value(agent_body()).unwrap();
        carried["include_call_events"] = serde_json::json!(true);
        let error = serde_json::from_value::<NewAgentWebhook>(carried).unwrap_err().to_string();
        assert!(error.contains("campaign webhooks only"), "{error}");
        let changes = serde_json::from_value::<AgentWebhookChanges>(serde_json::json!({"include_call_events": false}));
        assert!(changes.is_err());
        // `null` is no value, as for any unset field.
        let unset = serde_json::from_value::<AgentWebhookChanges>(serde_json::json!({"include_call_events": null}));
        assert_eq!(unset.unwrap(), AgentWebhookChanges::new());
    }

    #[test]
    fn event_names_keep_unknown_values() {
        let events: Vec<AgentWebhookEvent> =
            serde_json::from_str(r#"["event_phone_call_ended", "event_from_the_future"]"#).unwrap();
        assert_eq!(events[0], AgentWebhookEvent::PhoneCallEnded);
        assert_eq!(events[1], AgentWebhookEvent::Unknown("event_from_the_future".into()));
        assert_eq!(serde_json::to_string(&events).unwrap(), r#"["event_phone_call_ended","event_from_the_future"]"#);
        assert_eq!(
            CampaignWebhookEvent::from_text("campaign_call.retry_scheduled"),
            CampaignWebhookEvent::CampaignCallRetryScheduled
        );
        assert_eq!(CampaignWebhookEvent::CallReport.as_str(), "event_call_report");
    }

    #[test]
    fn available_events_decode_typed_in_the_api_order() {
        let list: AgentWebhookList = serde_json::from_str(
            r#"{"webhooks": [], "available_events": {
                "event_recording": "Recording ready",
                "event_action": "Action run",
                "event_new_kind": "Something new"
            }}"#,
        )
        .unwrap();
        let names: Vec<_> = list.available_events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(names, ["event_recording", "event_action", "event_new_kind"]);
        assert_eq!(list.description(&AgentWebhookEvent::Action), Some("Action run"));
        assert_eq!(list.description(&AgentWebhookEvent::PhoneCallEnded), None);
        assert_eq!(
            serde_json::to_string(&list).unwrap(),
            r#"{"webhooks":[],"available_events":{"event_recording":"Recording ready","event_action":"Action run","event_new_kind":"Something new"}}"#
        );
    }

    #[test]
    #[cfg(feature = "registry")]
    fn toggles_tests_retries_and_creates_are_never_repeated() {
        let safe = |id: &str| crate::registry::operation(id).unwrap_or_else(|| panic!("{id}")).safe_to_repeat;
        for id in [
            "create-webhook",
            "toggle-webhook-status",
            "test-webhook",
            "retry-webhook-log",
            "create-campaign-webhook",
            "toggle-campaign-webhook",
            "test-campaign-webhook",
            "retry-campaign-webhook-log",
        ] {
            assert!(!safe(id), "{id}");
        }
        for id in [
            "list-agent-webhooks",
            "get-webhook-details",
            "update-webhook",
            "delete-webhook",
            "list-webhook-logs",
            "list-campaign-webhooks",
            "get-campaign-webhook",
            "update-campaign-webhook",
            "delete-campaign-webhook",
            "list-campaign-webhook-logs",
        ] {
            assert!(safe(id), "{id}");
        }
    }

    #[test]
    fn a_failed_test_delivery_is_an_error_with_the_api_message() {
        let response = http::Response::builder()
            .status(200)
            .body(br#"{"success": false, "message": "Webhook test failed: Connection timeout"}"#.to_vec())
            .unwrap();
        let err = crate::decode_response::<TestWebhook>(response).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsuccessful);
        assert_eq!(err.message(), Some("Webhook test failed: Connection timeout"));
    }
}
