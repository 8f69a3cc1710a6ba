//! Calls: place calls from an agent or a campaign, end them, find active ones, list history.
//!
//! From the `talkover` crate, these operations run through `client.agents().call(…)` to place one,
//! `client.calls()` (`Calls`) for the rest, and `client.campaigns().call(…)` for a campaign's: the methods
//! of `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/make-call> and the pages beside it.
//!
//! Placing a call rings a phone and costs money, so [`MakeCall`] and [`MakeCampaignCall`] are never
//! re-sent by the SDK once they may have reached the server.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::calls::{MakeCall, NewCall};
//! use talkover::{build_request, ClientConfig};
//!
//! let config = ClientConfig::new("talq_example").unwrap();
//! let call = MakeCall::new("agent_123456", NewCall::new("+1234567890").payload_value("customer_name", "Ada"));
//! let request = build_request(&call, &config).unwrap();
//! assert_eq!(request.uri(), "https://app.talkover.ai/api/v1/agents/agent_123456/call");
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::agents::Direction;
use crate::campaign_status::CampaignSummary;
use crate::decimal::Decimal;
use crate::envelope::{Envelope, ListEnvelope, MaybeEnveloped};
use crate::error::Error;
use crate::ids::{AgentId, CampaignId};
use crate::macros::{optional_fields, string_enum};
use crate::secret::SecretString;
use crate::time::Date;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{CallId, CallSid, CampaignCallId};
pub use watch::{CallWait, CallWaitOutcome, CallWatch, WaitLimits, WaitMove, WatchStep};

mod watch;

/// Declares a string enum of call statuses: the seven an agent's call goes through (its pages' list),
/// each written once here, then `$extra` variants of its own.
macro_rules! call_statuses {
    ($(#[$meta:meta])* pub enum $name:ident { $($extra:tt)* }) => {
        string_enum! {
            $(#[$meta])*
            pub enum $name {
                /// Created, being processed.
                Initiated = "initiated",
                /// The phone is ringing.
                Ringing = "ringing",
                /// The conversation is under way.
                Answered = "answered",
                /// Finished normally.
                Completed = "completed",
                /// Could not be placed or broke off.
                Failed = "failed",
                /// The line was busy.
                Busy = "busy",
                /// Nobody picked up.
                NoAnswer = "no-answer",
                $($extra)*
            }
        }
    };
}

call_statuses! {
    /// Where a call is in its life.
    ///
    /// Agent calls go `initiated` → `ringing` → `answered` → `completed` (or `failed`, `busy`, `no-answer`);
    /// campaign calls start `queued` or `scheduled`. `voicemail` appears as a campaign call outcome (for
    /// example in a campaign's `auto_dnc_trigger_statuses`). openapi.json adds `in-progress` (its call
    /// schema's word for a call under way) and an external call's `external` and `ready`.
    pub enum CallStatus {
        /// A campaign call accepted and waiting to be dispatched.
        Queued = "queued",
        /// A campaign call set for a later time inside the campaign's hours.
        Scheduled = "scheduled",
        /// A campaign call that reached voicemail.
        Voicemail = "voicemail",
        /// Under way (openapi.json's call schema; the pages say `answered`).
        InProgress = "in-progress",
        /// An external call, carried by your own telephony, as openapi.json's external-call schema gives it.
        External = "external",
        /// An external call whose WebSocket is ready for the agent to join (openapi.json's make-call
        /// example for an external call).
        Ready = "ready",
    }
}

call_statuses! {
    /// The statuses the call lists filter by ([`ListCalls`], [`GetAgentCalls`]): an agent's call's, as their
    /// pages list them. A campaign call's own (`queued`, `scheduled`, `voicemail`) are not among them, so
    /// that a filter no call list takes does not compile. It compares with a [`CallStatus`] (`==`) and
    /// converts into one.
    pub enum CallFilterStatus {}
}

/// Each named status as the same [`CallStatus`]; a value the filter type does not know
/// (`CallFilterStatus::from_text("queued")`, the way to send a value of its own) stays one `CallStatus` does
/// not know either, as given.
impl From<CallFilterStatus> for CallStatus {
    fn from(status: CallFilterStatus) -> Self {
        match status {
            CallFilterStatus::Unknown(text) => Self::Unknown(text),
            // `call_statuses!` gives both types each named status under the same wire value.
            named => Self::documented(named.as_str()).unwrap_or_else(|| Self::Unknown(named.as_str().to_owned())),
        }
    }
}

/// Equal when the filter, as a [`CallStatus`] (`From`), is that status.
impl PartialEq<CallStatus> for CallFilterStatus {
    fn eq(&self, other: &CallStatus) -> bool {
        &CallStatus::from(self.clone()) == other
    }
}

impl PartialEq<CallFilterStatus> for CallStatus {
    fn eq(&self, other: &CallFilterStatus) -> bool {
        other == self
    }
}

impl CallStatus {
    /// Whether the call is under way: created, ringing or in conversation (`initiated`, `ringing`,
    /// `answered`, or openapi.json's `in-progress`). A campaign call waiting its turn (`queued`,
    /// `scheduled`) is not yet. An external call's `external` and `ready` are neither active nor terminal:
    /// nothing documents how such a call goes on.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::calls::CallStatus;
    ///
    /// assert!(CallStatus::Ringing.is_active() && CallStatus::InProgress.is_active());
    /// assert!(!CallStatus::Queued.is_active() && !CallStatus::Queued.is_terminal());
    /// assert!(CallStatus::NoAnswer.is_terminal());
    /// ```
    pub fn is_active(&self) -> bool {
        matches!(self, Self::Initiated | Self::Ringing | Self::Answered | Self::InProgress)
    }

    /// Whether the call is over and its status will not change again: `completed`, `failed`, `busy`,
    /// `no-answer` or `voicemail`; what a loop following a call waits for. A status this version does not
    /// know is neither active nor terminal.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Busy | Self::NoAnswer | Self::Voicemail)
    }
}

string_enum! {
    /// Why a call ended.
    pub enum EndedReason {
        /// Hung up through [`EndCall`].
        EndedByApi = "ended_by_api",
    }
}

optional_fields! {
    /// The agent a call or campaign belongs to, in short.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentSummary {
        /// The agent's id.
        pub id: AgentId,
        /// Its internal name.
        pub name: String,
    }
    pub fn new;
    optional {
        /// Its display label.
        label: String,
    }
}

optional_fields! {
    /// A call from the call history ([`ListCalls`], [`GetAgentCalls`]).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct Call {
        /// The call's id.
        pub id: CallId,
        /// The telephony provider's id for the call. Not what [`EndCall`] takes: that is [`id`](Self::id)
        /// (a [`CallSid`] does not convert into a [`CallId`]).
        pub sid: CallSid,
        /// The number called, E.164.
        pub to: String,
        /// The number called, formatted for display.
        pub to_formatted: String,
        /// The calling number, E.164.
        pub from: String,
        /// The calling number, formatted for display.
        pub from_formatted: String,
        /// Whether it was a test call (not billed, left out of analytics).
        pub is_testing: bool,
        /// Inbound or outbound.
        pub direction: Direction,
        /// Where the call is.
        pub status: CallStatus,
        /// Length in seconds (0 until it ends).
        pub duration: u64,
        /// When the call was created.
        pub created_at: Timestamp,
        /// When it last changed.
        pub updated_at: Timestamp,
    }
    optional {
        /// The agent that handled it (absent from [`GetAgentCalls`], where the agent is known).
        agent: AgentSummary,
        /// When it ended (openapi.json's call schema has it; the pages' examples do not).
        ended_at: Timestamp,
    }
}

/// What [`Call::new`] takes, by name: the SID and the two numbers are all text, so a list of arguments
/// would let a reordering swap them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallRequired {
    /// The call's id.
    pub id: CallId,
    /// The telephony provider's id of the call.
    pub sid: CallSid,
    /// The calling number.
    pub from: String,
    /// The called number.
    pub to: String,
    /// Inbound or outbound.
    pub direction: Direction,
    /// Where the call is.
    pub status: CallStatus,
    /// When it was created (and last changed).
    pub created_at: Timestamp,
}

impl Call {
    /// A call as `required` says, for servers and emulators that answer with one: its numbers are shown as
    /// given, it is not a test call, lasted 0 seconds, last changed when it was created and has no agent
    /// until set.
    ///
    /// ```
    /// # use talkover_core as talkover;
    /// use talkover::agents::Direction;
    /// use talkover::calls::{Call, CallRequired, CallStatus};
    ///
    /// let call = Call::new(CallRequired {
    ///     id: "call-1".into(),
    ///     sid: "CA1".into(),
    ///     from: "+15550100000".into(),
    ///     to: "+15551234567".into(),
    ///     direction: Direction::Outbound,
    ///     status: CallStatus::Initiated,
    ///     created_at: "2024-01-15T10:30:00Z".into(),
    /// });
    /// assert_eq!((call.to_formatted.as_str(), call.duration), ("+15551234567", 0));
    /// ```
    pub fn new(required: CallRequired) -> Self {
        let CallRequired { id, sid, from, to, direction, status, created_at } = required;
        Self {
            id,
            sid,
            to_formatted: to.clone(),
            to,
            from_formatted: from.clone(),
            from,
            is_testing: false,
            direction,
            status,
            duration: 0,
            agent: None,
            ended_at: None,
            updated_at: created_at.clone(),
            created_at,
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// make-call

/// Declares a call body with the fields [`NewCall`] and [`NewCampaignCall`] share, each written once, before
/// the body's own optional fields, with their setters and `new`.
macro_rules! call_body {
    ($(#[$meta:meta])* pub struct $name:ident; to: $to:literal, $($groups:tt)*) => {
        optional_fields! {
            $(#[$meta])*
            pub struct $name {
                #[doc = concat!("The number to call, ", $to, ".")]
                pub to: String,
            }
            settable {
                /// Values for the placeholders of the agent's prompt (replacing any set before).
                payload: Map<String, Value>,
                /// Your own data, not used in the conversation but sent back in every webhook event of the
                /// call (replacing any set before).
                context: Map<String, Value>,
                /// Mark the call as a test: not billed, left out of analytics (the API's default is `false`).
                is_testing: bool,
            }
            $($groups)*
        }

        impl $name {
            #[doc = concat!("A call to `to` (", $to, "); set the rest with the chaining methods.")]
            pub fn new(to: impl Into<String>) -> Self {
                Self::with_fields(to.into())
            }

            /// Sets one prompt placeholder's value.
            pub fn payload_value(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
                self.payload.get_or_insert_with(Map::new).insert(key.into(), value.into());
                self
            }

            /// Sets one value of the data sent back in webhook events.
            pub fn context_value(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
                self.context.get_or_insert_with(Map::new).insert(key.into(), value.into());
                self
            }
        }
    };
}

call_body! {
    /// The body of [`MakeCall`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewCall;
    to: "in international form, as the page asks: E.164 (`+1234567890`), or with spaces, dashes, dots or \
        brackets between the digits (`+1 (555) 010-1234`), which is sent as written",
    settable {
        /// Seconds to wait before dialling, 0 to 3600 (the API's default is 0).
        delay_seconds(seconds): u32,
    }
    // openapi.json's second form of the body, for an agent whose `use_transport` is `false`: a call your
    // own telephony carries, which the agent joins over a WebSocket ([`NewCall::external`]).
    settable {
        /// Your telephony provider's id of the call (external calls).
        sid: impl Into<CallSid>,
        /// The calling number, international format (external calls).
        from(number): impl Into<String>,
        /// Which way the call goes (external calls; usually `outbound`).
        direction: Direction,
    }
}

impl NewCall {
    /// An external call: one your own telephony provider carries (its `sid`, from `from` to `to`), which
    /// the agent joins over the WebSocket the answer names ([`PlacedCall::external_url`]), for an agent
    /// whose `use_transport` is `false`. openapi.json documents this form of make-call; the page does not.
    /// The messages on that WebSocket are [`TransportEvent`]s.
    pub fn external(
        sid: impl Into<CallSid>,
        from: impl Into<String>,
        to: impl Into<String>,
        direction: Direction,
    ) -> Self {
        Self::new(to).sid(sid).from(from).direction(direction)
    }
}

impl MakeCall {
    fn check(&self, problems: &mut Problems) {
        let b = &self.body;
        // The page asks for "international format", not E.164 as the campaign call does.
        problems.international("to", b.to.as_str());
        problems.range("delay_seconds", b.delay_seconds, 0, 3600);
        // An external call gives its sid, its calling number and its direction together (openapi.json).
        if b.sid.is_some() || b.from.is_some() || b.direction.is_some() {
            problems.require("sid", &b.sid).require("from", &b.from).require("direction", &b.direction);
            if b.sid.as_ref().is_some_and(|sid| sid.as_str().trim().is_empty()) {
                problems.add("sid", "must not be blank");
            }
            problems.international("from", b.from.as_deref());
        }
    }
}

optional_fields! {
    /// A call just placed by [`MakeCall`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct PlacedCall {
        /// The call's id: use it to follow the call and to match webhook events.
        pub id: CallId,
        /// The number called (empty when an external call's answer leaves it out, as one of openapi.json's
        /// examples does; then not written back either).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub to: String,
        /// Where the call is (`initiated` at first; an external call's is [`External`](CallStatus::External)
        /// or [`Ready`](CallStatus::Ready)).
        pub status: CallStatus,
        /// When it was created.
        pub created_at: Timestamp,
    }
    pub fn new;
    optional {
        /// The agent handling it.
        agent_id: AgentId,
        /// The telephony provider's id for the call (openapi.json's answer has it; the page's does not).
        sid: CallSid,
        /// The calling number (openapi.json's answer has it; the page's does not).
        from: String,
        /// Length in seconds so far (openapi.json's call schema).
        duration: u64,
        /// When it ended (openapi.json's call schema).
        ended_at: Timestamp,
        /// Where the agent joins an external call (openapi.json's external-call answer). It carries a token
        /// in its query, so it is a secret: `Debug` hides it; `websocket_url.expose_secret()` is the URL to
        /// connect to.
        #[serde(serialize_with = "crate::secret::expose")]
        websocket_url: SecretString,
        /// The external call's transport, as openapi.json's example answer gives it.
        transport: ExternalTransport,
        /// The kind of call (`external.websocket`), as openapi.json's example answer gives it.
        #[serde(rename = "type")]
        call_type: String,
        /// The organization (openapi.json's example answer).
        org_id: String,
        /// What it has cost so far, in the account's currency (openapi.json's example answer).
        cost: Decimal,
        /// When it last changed (openapi.json's example answer).
        updated_at: Timestamp,
    }
}

impl PlacedCall {
    /// Where the agent joins an external call: `websocket_url`, or the transport's `websocketCallUrl`.
    /// The URL carries a token in its query: keep it out of logs.
    pub fn external_url(&self) -> Option<&str> {
        let transport = self.transport.as_ref().and_then(|t| t.websocket_call_url.as_ref());
        self.websocket_url.as_ref().or(transport).map(SecretString::expose_secret)
    }
}

optional_fields! {
    /// How an external call reaches the agent (openapi.json's example answer of make-call).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ExternalTransport {}
    optional {
        /// The transport's kind (`external.websocket`).
        provider: String,
        /// The WebSocket URL the agent is reached at (a secret, as `PlacedCall::websocket_url` is).
        #[serde(rename = "websocketCallUrl", serialize_with = "crate::secret::expose")]
        websocket_call_url: SecretString,
    }
}

/// A message on an external call's WebSocket (openapi.json's `WebSocketEvent`): audio, a key pressed, or
/// a request to drop the audio not yet played. Read and written as `{"event": "media", "media": {..}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "lowercase")]
#[non_exhaustive]
pub enum TransportEvent {
    /// Audio.
    Media {
        /// The audio.
        media: TransportMedia,
    },
    /// A key pressed on the phone.
    Dtmf {
        /// The key.
        dtmf: TransportDtmf,
    },
    /// Drop the audio not yet played.
    Clear,
    /// An event this version does not know (its name and data are not kept). Read only: writing it is an
    /// error, as it names no event.
    #[serde(other, skip_serializing)]
    Unknown,
}

/// The audio of a [`TransportEvent::Media`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TransportMedia {
    /// Base64 of 8 kHz PCMU or PCMA audio.
    pub payload: String,
}

impl TransportMedia {
    /// Audio given as its base64 text.
    pub fn new(payload: impl Into<String>) -> Self {
        Self { payload: payload.into() }
    }
}

/// The key of a [`TransportEvent::Dtmf`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TransportDtmf {
    /// `0`–`9`, `*`, `#` or `A`–`D`.
    pub digit: String,
}

impl TransportDtmf {
    /// A key press.
    pub fn new(digit: impl Into<String>) -> Self {
        Self { digit: digit.into() }
    }
}

// ---------------------------------------------------------------------------------------------------
// make-campaign-call

call_body! {
    /// The body of [`MakeCampaignCall`].
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct NewCampaignCall;
    to: "in E.164 form (`+1234567890`), as the page asks",
    settable {
        /// Queue the call even if this number already has an active or queued call in the campaign (the
        /// API's default is `false`, which answers 409 with the existing call: see [`existing_call`]).
        allow_duplicates(allow): bool,
    }
}

impl MakeCampaignCall {
    fn check(&self, problems: &mut Problems) {
        problems.e164("to", self.body.to.as_str());
    }
}

impl GetActiveCall {
    fn check(&self, problems: &mut Problems) {
        problems.e164("phone", self.phone.as_str());
    }
}

optional_fields! {
    /// The answer of [`MakeCampaignCall`] (its page shows it without the usual envelope; either shape is
    /// read, see [`MaybeEnveloped`]).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct QueuedCampaignCall {
        /// The queued call.
        pub campaign_call: CampaignCall,
        /// The campaign as it was when the call was queued.
        pub campaign: CampaignSummary,
    }
    pub fn new;
}

optional_fields! {
    /// A call of a campaign: as queued by [`MakeCampaignCall`], as listed by
    /// [`GetCampaign`](crate::campaigns::GetCampaign), or as the duplicate a 409 names ([`existing_call`]).
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CampaignCall {
        /// The campaign call's id: not the id of the call placed for it (a [`CallId`], which end-call and
        /// the call lookups take, and the campaign's webhook events give as `call_id` beside this one as
        /// `campaign_call_id`).
        pub id: CampaignCallId,
        /// The number called.
        pub to: String,
        /// Where the call is (`queued` or `scheduled` when just queued).
        pub status: CallStatus,
        /// When it was created.
        pub created_at: Timestamp,
    }
    pub fn new;
    optional {
        /// The campaign it belongs to.
        campaign_id: CampaignId,
        /// Retries made so far.
        retries: u32,
        /// When the call is expected to be placed.
        scheduled_at: Timestamp,
    }
}

/// The call a 409 answer of [`MakeCampaignCall`] names: already active or queued for the same number.
pub type ExistingCall = CampaignCall;

/// The call already active or queued for the same number, when `err` is the 409 answer of
/// [`MakeCampaignCall`] (or any API error whose body carries `existing_call`).
///
/// ```
/// # use talkover_core as talkover;
/// # fn handle(err: talkover::Error) {
/// if let Some(call) = talkover::calls::existing_call(&err) {
///     println!("already queued: {} ({})", call.id, call.status);
/// }
/// # }
/// ```
pub fn existing_call(err: &Error) -> Option<ExistingCall> {
    err.as_api()?.body_field("existing_call")
}

// ---------------------------------------------------------------------------------------------------
// end-call

/// The body of [`EndCall`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EndCallBody {
    /// The call to hang up, by its **`id`**: the one [`MakeCall`] returned ([`PlacedCall::id`], also
    /// [`ActiveCall::id`] and [`Call::id`]). The API names this field `call_sid`, but it takes the call's
    /// `id`, not a history call's [`sid`](Call::sid) (the telephony provider's id).
    pub call_sid: CallId,
}

impl EndCallBody {
    /// Names the call to hang up by its `id` (the one make-call returned; see
    /// [`call_sid`](Self::call_sid)).
    pub fn new(call_id: impl Into<CallId>) -> Self {
        Self { call_sid: call_id.into() }
    }
}

impl EndCall {
    /// Hangs up the agent's call `call_id`: the call's `id`, as make-call returned it, which the body
    /// sends as `call_sid` (not a history call's [`sid`](Call::sid)).
    pub fn new(agent_id: impl Into<AgentId>, call_id: impl Into<CallId>) -> Self {
        Self { agent_id: agent_id.into(), body: EndCallBody::new(call_id) }
    }

    fn check(&self, problems: &mut Problems) {
        problems.length("call_sid", self.body.call_sid.as_str(), 1, usize::MAX);
    }
}

optional_fields! {
    /// A call after [`EndCall`].
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct EndedCall {
        /// The call's id.
        pub id: CallId,
        /// Its status (`completed`, possibly a moment after the answer).
        pub status: CallStatus,
    }
    pub fn new;
    optional {
        /// When it ended.
        ended_at: Timestamp,
        /// Why it ended (`ended_by_api`).
        ended_reason: EndedReason,
    }
}

// ---------------------------------------------------------------------------------------------------
// get-active-call

optional_fields! {
    /// A call in progress, as [`GetActiveCall`] returns it.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ActiveCall {
        /// The call's id.
        pub id: CallId,
        /// The other party's number.
        pub to: String,
        /// `initiated`, `ringing` or `answered`.
        pub status: CallStatus,
    }
    pub fn new;
    optional {
        /// The agent on the call.
        agent_id: AgentId,
        /// When the call started.
        started_at: Timestamp,
        /// Seconds since it started.
        duration_seconds: u64,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! calls_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [Make a call](https://docs.talkover.ai/api-reference/endpoints/make-call) with an agent.
        ///
        /// Not safe to repeat: every request rings a phone and may be billed.
        MakeCall {
            id: "make-call",
            method: POST,
            path: "/api/v1/agents/{agent_id}/call",
            params: { agent_id: AgentId },
            body: NewCall,
            response: Envelope<PlacedCall>,
            safe_to_repeat: false,
            validate: MakeCall::check,
        }

        /// [Make a campaign call](https://docs.talkover.ai/api-reference/endpoints/make-campaign-call): queue a
        /// call that follows the campaign's agent, schedule, retries and do-not-call rules.
        ///
        /// Not safe to repeat: every accepted request queues a call. A 409 answer carries the call already queued
        /// for the number; read it with [`existing_call`].
        MakeCampaignCall {
            id: "make-campaign-call",
            method: POST,
            path: "/api/v1/campaigns/{campaign_id}/call",
            params: { campaign_id: CampaignId },
            body: NewCampaignCall,
            response: MaybeEnveloped<QueuedCampaignCall>,
            success_status: 201,
            safe_to_repeat: false,
            validate: MakeCampaignCall::check,
        }

        /// [End a call](https://docs.talkover.ai/api-reference/endpoints/end-call): hang up an active call of an
        /// agent. The call is named by its **`id`**, the one make-call returned ([`PlacedCall::id`]; also
        /// [`ActiveCall::id`] and [`Call::id`](crate::calls::Call::id)), although the body's field is called
        /// `call_sid`: not a history call's [`sid`](crate::calls::Call::sid), which is the telephony
        /// provider's id. The hang-up completes shortly after the answer; a second request for a call that
        /// has ended answers 409.
        EndCall {
            id: "end-call",
            method: POST,
            path: "/api/v1/agents/{agent_id}/end-call",
            params: { agent_id: AgentId },
            body: EndCallBody,
            response: Envelope<EndedCall>,
            safe_to_repeat: false,
            validate: EndCall::check,
            constructor: manual,
            handler: Calls::end(call_id: impl Into<CallId>),
        }

        /// [Get the active call](https://docs.talkover.ai/api-reference/endpoints/get-active-call) between an agent
        /// and a phone number (E.164, `+15551234567`): an `initiated`, `ringing` or `answered` call, usually
        /// one. A 404 means there is none. The number goes in the path as one segment, its `+` as `%2B`.
        GetActiveCall {
            id: "get-active-call",
            method: GET,
            path: "/api/v1/agents/{agent_id}/active-call/{phone}",
            params: { agent_id: AgentId, phone: String },
            response: ListEnvelope<ActiveCall>,
            safe_to_repeat: true,
            validate: GetActiveCall::check,
            handler: Calls::active,
        }

        /// [List calls](https://docs.talkover.ai/api-reference/endpoints/list-calls) of the environment, with
        /// filters and pagination.
        ListCalls {
            id: "list-calls",
            method: GET,
            path: "/api/v1/calls",
            query_struct: ListCallsQuery,
            response: ListEnvelope<Call>,
            items: Call,
            default_per_page: CALL_LIST_PER_PAGE,
            page_block: PaginationWithPositions,
            safe_to_repeat: true,
            handler: Calls::list,
        }

        /// [List an agent's calls](https://docs.talkover.ai/api-reference/endpoints/get-agent-calls), with the same
        /// filters as list-calls. The calls come without their `agent`.
        ///
        /// The filters are those of [`ListCalls`] (`client.calls().list()`).
        GetAgentCalls {
            id: "get-agent-calls",
            method: GET,
            path: "/api/v1/agents/{agent_id}/calls",
            params: { agent_id: AgentId },
            query_struct: CallFilters,
            response: ListEnvelope<Call>,
            items: Call,
            default_per_page: CALL_LIST_PER_PAGE,
            page_block: PaginationWithPositions,
            safe_to_repeat: true,
            handler: Agents::calls,
        }
        }
    };
}
calls_operations!(declare);

/// Declares the filters [`ListCalls`] and [`GetAgentCalls`] share, each written once: their two query
/// structs, the setters of both operations (and of `Pending`), and [`ListCallsQuery::split`]. `agent` is
/// the filter only [`ListCalls`] has; on [`GetAgentCalls`] the agent is in the path.
macro_rules! call_filters {
    (
        agent { $(#[doc = $adoc:literal])* $agent:ident: $aty:ty }
        filters { $( $(#[doc = $doc:literal])* $field:ident: $fty:ty ),* $(,)? }
        default_per_page: $dpp:literal
    ) => {
        call_filters! {
            @structs $agent: $aty [$(#[doc = $adoc])*] [$dpp]
            $( [$(#[doc = $doc])*] $field: $fty, )*
            [#[doc = concat!("Items per page, 1 to 100 (the API's default is ", stringify!($dpp), ").")]] per_page: u32,
            [#[doc = "Page number, from 1."]] page: u64,
        }
    };
    (
        @structs $agent:ident: $aty:ty [$($adoc:tt)*] [$dpp:literal]
        $( [$($doc:tt)*] $field:ident: $fty:ty, )*
    ) => {
        /// The page size of [`ListCalls`] and [`GetAgentCalls`] when the request asks for none.
        const CALL_LIST_PER_PAGE: u32 = $dpp;

        optional_fields! {
            #[doc = "The query parameters of [`ListCalls`]; every one is optional."]
            #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
            #[non_exhaustive]
            pub struct ListCallsQuery {}
            optional {
                $($adoc)* $agent: $aty,
                $( $($doc)* $field: $fty, )*
            }
        }

        optional_fields! {
            #[doc = "The query parameters of [`GetAgentCalls`]: those of [`ListCalls`] but the agent."]
            #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
            #[non_exhaustive]
            pub struct CallFilters {}
            optional { $( $($doc)* $field: $fty, )* }
        }

        crate::operations!(@setters ListCalls [[$($adoc)*] $agent: $aty $(, [$($doc)*] $field: $fty)*]);
        crate::operations!(@setters GetAgentCalls [$( [$($doc)*] $field: $fty ),*]);

        impl ListCallsQuery {
            /// The agent filter apart from the others, which are what [`GetAgentCalls`] takes: the same
            /// search asked of one agent's calls.
            pub fn split(self) -> (Option<$aty>, CallFilters) {
                (self.$agent, CallFilters { $($field: self.$field),* })
            }
        }
    };
}

call_filters! {
    agent {
        /// Only calls of this agent.
        agent_id: AgentId
    }
    filters {
        /// Only calls with this status.
        status: CallFilterStatus,
        /// Only calls in this direction.
        direction: Direction,
        /// Only calls from this date on. The reference does not say in which time zone a date is a day;
        /// the emulator takes the calendar day of `created_at` in UTC. Away from UTC, ask for a day more at
        /// each end and keep the calls whose `created_at` falls in your own days.
        date_from: Date,
        /// Only calls up to this date (a day as `date_from` says).
        date_to: Date,
        /// Search in phone numbers and call SIDs (a number keeps its `+`).
        search: String,
    }
    default_per_page: 20
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ApiError, ErrorKind};
    use crate::operation::testing::{config, invalid_field, pairs, query_pairs, refused_on_receipt};
    use crate::page::PagedOperation;
    use crate::Operation as _;
    use crate::{build_request, decode_response};

    #[test]
    fn a_call_list_filters_by_an_agent_calls_status_only() {
        assert!(CallFilterStatus::NoAnswer == CallStatus::NoAnswer && CallStatus::Busy == CallFilterStatus::Busy);
        assert!(CallFilterStatus::Completed != CallStatus::Failed);
        assert_eq!(CallStatus::from(CallFilterStatus::Answered), CallStatus::Answered);
        // A value of one's own stays unknown on both sides, and equals only what it equals as a filter.
        let own = CallFilterStatus::from_text("busy-ish");
        assert_eq!(CallStatus::from(own.clone()), CallStatus::Unknown("busy-ish".to_owned()));
        assert!(CallFilterStatus::Unknown("busy".to_owned()) != CallStatus::Busy);
        assert!(CallFilterStatus::Unknown("queued".to_owned()) != CallStatus::Queued);
        // A campaign call's own status is not one the lists take: read, it is a value the type does not know.
        for campaign_only in ["queued", "scheduled", "voicemail"] {
            assert_eq!(CallFilterStatus::documented(campaign_only), None);
            assert!(CallStatus::documented(campaign_only).is_some());
        }
        let request = build_request(&ListCalls::new().status(CallFilterStatus::NoAnswer), &config()).unwrap();
        assert_eq!(query_pairs(&request), pairs(&[("status", "no-answer")]));
    }

    #[test]
    fn list_calls_query_splits_into_the_agent_and_the_shared_filters() {
        let list = ListCalls::new().agent_id("a-1").status(CallFilterStatus::Busy).search("+1555").per_page(5).page(2);
        let (agent_id, filters) = list.query.split();
        assert_eq!(agent_id.as_ref().map(AgentId::as_str), Some("a-1"));
        assert_eq!(filters.status, Some(CallFilterStatus::Busy));
        assert_eq!((filters.search.as_deref(), filters.per_page, filters.page), (Some("+1555"), Some(5), Some(2)));
        assert_eq!(GetAgentCalls::new("a-1").query, ListCalls::new().query.split().1);
    }

    #[test]
    #[cfg(feature = "registry")]
    fn placing_calls_is_never_safe_to_repeat() {
        let safe = |id: &str| crate::registry::operation(id).unwrap().safe_to_repeat;
        for id in ["make-call", "make-campaign-call", "end-call"] {
            assert!(!safe(id), "{id}");
        }
        for id in ["get-active-call", "list-calls", "get-agent-calls"] {
            assert!(safe(id), "{id}");
        }
    }

    #[test]
    fn an_external_call_gives_its_sid_number_and_direction_together() {
        let external = NewCall::external("EX123456789", "+1234567890", "+15550101234", Direction::Outbound)
            .payload_value("customer_name", "John Doe");
        let request = build_request(&MakeCall::new("agent", external), &config()).unwrap();
        let sent: Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({
                "to": "+15550101234", "sid": "EX123456789", "from": "+1234567890", "direction": "outbound",
                "payload": { "customer_name": "John Doe" }
            })
        );
        let half = NewCall::new("+15550101234").sid("EX1");
        let err = build_request(&MakeCall::new("agent", half), &config()).unwrap_err();
        let mut fields: Vec<String> = err.field_errors().into_iter().map(|f| f.field).collect();
        fields.sort();
        assert_eq!(fields, ["direction", "from"]);
        let bad_from = NewCall::external("EX1", "not a number", "+15550101234", Direction::Outbound);
        assert_eq!(refused_on_receipt(&MakeCall::new("agent", bad_from)), "from");
    }

    #[test]
    fn an_external_calls_answer_names_where_the_agent_joins_it() {
        // openapi.json's ExternalCall example, and its example answer of the other shape.
        let schema: PlacedCall = serde_json::from_value(serde_json::json!({
            "id": "123e4567-e89b-12d3-a456-426614174000", "status": "external", "to": "+1234567890",
            "websocket_url": "wss://us-agent.app.talkover.ai/123e4567/transport?x-talq=token",
            "created_at": "2024-01-01T00:00:00Z"
        }))
        .unwrap();
        assert_eq!(schema.external_url(), Some("wss://us-agent.app.talkover.ai/123e4567/transport?x-talq=token"));
        assert_eq!(schema.status, CallStatus::External);
        assert!(!schema.status.is_terminal());
        let example: PlacedCall = serde_json::from_value(serde_json::json!({
            "id": "123e4567-e89b-12d3-a456-426614174000", "agent_id": "agent_123456",
            "type": "external.websocket", "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z", "org_id": "org_123456", "cost": 0, "status": "ready",
            "transport": {
                "provider": "external.websocket",
                "websocketCallUrl": "wss://us-agent.app.talkover.ai/123e4567/transport?x-talq=your_token_here"
            }
        }))
        .unwrap();
        assert_eq!(
            example.external_url(),
            Some("wss://us-agent.app.talkover.ai/123e4567/transport?x-talq=your_token_here")
        );
        assert_eq!((example.to.as_str(), example.call_type.as_deref()), ("", Some("external.websocket")));
        assert_eq!(example.status, CallStatus::Ready);
        // The URL's token stays out of `Debug`, and is written back whole by a server that answers with it.
        for placed in [&schema, &example] {
            assert!(!format!("{placed:?}").contains("x-talq="), "{placed:?}");
        }
        let written = serde_json::to_value(&example).unwrap();
        assert!(written.get("to").is_none(), "left out as it came");
        assert!(written["transport"]["websocketCallUrl"]
            .as_str()
            .is_some_and(|url| url.contains("x-talq=your_token_here")));
    }

    #[test]
    fn transport_events_are_read_and_written_as_openapi_shows_them() {
        let cases = [
            (
                serde_json::json!({"event": "media", "media": {"payload": "base64_encoded_audio_data_here"}}),
                TransportEvent::Media { media: TransportMedia::new("base64_encoded_audio_data_here") },
            ),
            (
                serde_json::json!({"event": "dtmf", "dtmf": {"digit": "1"}}),
                TransportEvent::Dtmf { dtmf: TransportDtmf::new("1") },
            ),
            (serde_json::json!({"event": "clear"}), TransportEvent::Clear),
        ];
        for (json, event) in cases {
            assert_eq!(serde_json::from_value::<TransportEvent>(json.clone()).unwrap(), event);
            assert_eq!(serde_json::to_value(&event).unwrap(), json);
        }
        let later: TransportEvent = serde_json::from_value(serde_json::json!({"event": "mark", "mark": {}})).unwrap();
        assert_eq!(later, TransportEvent::Unknown);
        assert!(serde_json::to_value(&later).is_err(), "an unknown event names no event to write");
    }

    #[test]
    fn delay_seconds_is_bounded_before_sending() {
        let call = |delay| MakeCall::new("agent", NewCall::new("+1234567890").delay_seconds(delay));
        assert!(build_request(&call(0), &config()).is_ok());
        assert!(build_request(&call(3600), &config()).is_ok());
        assert_eq!(invalid_field(&call(3601)), "delay_seconds");
        // An empty number is the API's to refuse (make-call's MISSING_PHONE_NUMBER).
        assert_eq!(refused_on_receipt(&MakeCall::new("agent", NewCall::new(""))), "to");
        assert_eq!(refused_on_receipt(&MakeCampaignCall::new("c", NewCampaignCall::new(""))), "to");
        assert_eq!(invalid_field(&EndCall::new("agent", "")), "call_sid");
    }

    /// A national trunk prefix is refused before sending: the API could read its 0 as the number's, and
    /// ring another number. A number written with separators only is the API's to judge.
    #[test]
    fn a_trunk_prefix_is_refused_before_sending() {
        assert_eq!(invalid_field(&MakeCall::new("agent", NewCall::new("+49 (0)151 12345674"))), "to");
        assert!(build_request(&MakeCall::new("agent", NewCall::new("+49 151 12345674")), &config()).is_ok());
    }

    #[test]
    fn unset_options_are_not_sent() {
        let request = build_request(&MakeCall::new("a", NewCall::new("+1234567890")), &config()).unwrap();
        assert_eq!(request.body().as_slice(), br#"{"to":"+1234567890"}"#);
        let body = NewCampaignCall::new("+1234567890").payload_value("name", "Ada").allow_duplicates(true);
        let request = build_request(&MakeCampaignCall::new("c", body), &config()).unwrap();
        let sent: Value = serde_json::from_slice(request.body()).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({"to": "+1234567890", "payload": {"name": "Ada"}, "allow_duplicates": true})
        );
    }

    /// A number's form is the API's to judge (make-call's page shows its 400 for `1234567890` as received):
    /// a client sends it as given, and a server answering as the API does refuses it, naming the field.
    #[test]
    fn numbers_not_in_international_form_are_sent_and_refused_on_receipt() {
        for bad in
            ["1234567890", "(555) 123-4567", "0123456789", "+12345", "+1234567890123456", "+1234567890x", "+ 1555"]
        {
            let call = MakeCall::new("agent", NewCall::new(bad));
            let request = build_request(&call, &config()).unwrap();
            assert_eq!(serde_json::from_slice::<Value>(request.body()).unwrap()["to"], bad, "sent as given");
            let err = call.validate_received().unwrap_err();
            assert_eq!(err.field_errors()[0].field, "to", "{bad}");
            assert!(err.to_string().contains("international form"), "{err}");
            assert_eq!(refused_on_receipt(&MakeCampaignCall::new("c", NewCampaignCall::new(bad))), "to");
            assert_eq!(refused_on_receipt(&GetActiveCall::new("agent", bad)), "phone");
        }
        // A number as the reference's examples write it, its first digit 0 (openapi.json's external call,
        // list-calls' answers), is taken where a number is asked for.
        let zero = "+0987654321";
        assert!(MakeCall::new("agent", NewCall::new(zero)).validate_received().is_ok());
        assert!(GetActiveCall::new("agent", zero).validate_received().is_ok());
        // make-call asks for "international format", which may be written with separators; the campaign
        // call and the active-call lookup ask for E.164.
        for spaced in ["+1 234 567 890", "+1-234-567-890", "+1 (555) 123-4567", "+44.7911.123456"] {
            assert!(MakeCall::new("agent", NewCall::new(spaced)).validate_received().is_ok(), "{spaced}");
            assert_eq!(refused_on_receipt(&MakeCampaignCall::new("c", NewCampaignCall::new(spaced))), "to");
            assert_eq!(refused_on_receipt(&GetActiveCall::new("agent", spaced)), "phone");
        }
        for good in ["+1234567890", "+15551234567", "+447911123456", "+6831234"] {
            assert!(MakeCall::new("agent", NewCall::new(good)).validate_received().is_ok(), "{good}");
            assert!(GetActiveCall::new("agent", good).validate_received().is_ok(), "{good}");
        }
    }

    #[test]
    fn a_phone_number_keeps_its_plus() {
        let request = build_request(&GetActiveCall::new("agent-uuid", "+15551234567"), &config()).unwrap();
        assert_eq!(request.uri().path(), "/api/v1/agents/agent-uuid/active-call/%2B15551234567");

        let request = build_request(&ListCalls::new().search("+1234567890").agent_id("a"), &config()).unwrap();
        let query = request.uri().query().unwrap();
        assert!(query.contains("search=%2B1234567890"), "{query}");
        assert!(query.contains("agent_id=a"), "{query}");

        let list = GetAgentCalls::new("a").search("+33 6").direction(Direction::Outbound);
        let request = build_request(&list, &config()).unwrap();
        let sent = query_pairs(&request);
        assert!(sent.contains(&("search".into(), "+33 6".into())), "{sent:?}");
    }

    #[test]
    fn filters_are_typed_and_paginate() {
        let mut list = ListCalls::new()
            .status(CallFilterStatus::NoAnswer)
            .date_from(Date::new("2024-01-01").unwrap())
            .per_page(50);
        list.set_page(3);
        let request = build_request(&list, &config()).unwrap();
        let expected = [("date_from", "2024-01-01"), ("page", "3"), ("per_page", "50"), ("status", "no-answer")];
        assert_eq!(query_pairs(&request), pairs(&expected));
        assert_eq!(invalid_field(&ListCalls::new().per_page(101)), "per_page");
        assert_eq!(invalid_field(&GetAgentCalls::new("a").per_page(0)), "per_page");
        // A malformed date never reaches the wire: the fixture parameters fail to decode.
        assert!(serde_json::from_value::<ListCallsQuery>(serde_json::json!({"date_from": "01/02/2024"})).is_err());
    }

    #[test]
    fn a_duplicate_campaign_call_is_read_from_the_409() {
        let body = br#"{"success":false,"message":"A call to this number already exists in this campaign",
            "existing_call":{"id":"call-uuid-existing","campaign_id":"campaign-uuid-1","to":"+1234567890",
            "status":"queued","created_at":"2024-01-15T09:50:00Z"}}"#;
        let response = http::Response::builder().status(409).body(body.to_vec()).unwrap();
        let err = decode_response::<MakeCampaignCall>(response).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Conflict);
        let call = existing_call(&err).unwrap();
        assert_eq!(call.id.as_str(), "call-uuid-existing");
        assert_eq!(call.status, CallStatus::Queued);
        assert_eq!(call.campaign_id.unwrap().as_str(), "campaign-uuid-1");

        let other = Error::Api(Box::new(ApiError::from_parts(
            "make-campaign-call",
            http::StatusCode::NOT_FOUND,
            http::HeaderMap::new(),
            br#"{"success":false,"message":"Campaign not found"}"#.to_vec(),
        )));
        assert!(existing_call(&other).is_none());
    }

    /// A page of calls whose `is_testing` comes back as `1` and `0` (a column the server does not cast to
    /// a boolean) is read as `true` and `false` in every item; a `2` there is refused, named by its place.
    /// Items written as an object keyed by position are read as the list they are.
    #[test]
    fn a_call_list_in_the_shapes_a_php_server_writes() {
        use serde_json::{json, Value};

        let call = |id: &str, testing: Value| {
            json!({"id": id, "sid": "CA1", "to": "+15555550100", "to_formatted": "(555) 555-0100",
                "from": "+15555550101", "from_formatted": "(555) 555-0101", "is_testing": testing,
                "direction": "outbound", "status": "completed", "duration": 42,
                "created_at": "2024-01-15T10:30:00Z", "updated_at": "2024-01-15T10:31:00Z"})
        };
        let answer = |data: Value| {
            let body = json!({"success": true, "data": data, "meta": {"current_page": 1, "per_page": 20, "total": 2}});
            http::Response::builder().status(200).body(serde_json::to_vec(&body).unwrap()).unwrap()
        };
        let page = decode_response::<ListCalls>(answer(json!([call("c-1", json!(1)), call("c-2", json!(0))]))).unwrap();
        assert_eq!(page.items.iter().map(|c| c.is_testing).collect::<Vec<_>>(), [true, false]);
        let refused = decode_response::<ListCalls>(answer(json!([call("c-1", json!(2))])));
        let Err(Error::Decode(err)) = refused else { panic!("{refused:?}") };
        assert_eq!(err.path, "data[0].is_testing", "{err}");
        // The page's items as an object keyed by position (a filtered collection keeps its keys): the list
        // of its values, in the order of their keys.
        let keyed = json!({"3": call("c-3", json!(false)), "1": call("c-1", json!(true))});
        let page = decode_response::<ListCalls>(answer(keyed)).unwrap();
        assert_eq!(page.items.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c-1", "c-3"]);
        let refused = decode_response::<ListCalls>(answer(json!({"first": call("c-1", json!(true))})));
        assert!(matches!(refused, Err(Error::Decode(_))), "{refused:?}");
    }

    /// The page shows the answer bare; the introduction says every answer is enveloped. Both read the same,
    /// the call that was queued is not lost to a decoding error, and each is written back as it came.
    #[test]
    fn a_queued_campaign_call_is_read_bare_or_enveloped() {
        let call = r#"{"campaign_call": {"id": "call-uuid-1", "campaign_id": "campaign-uuid-1", "to": "+1234567890",
            "status": "queued", "scheduled_at": "2024-01-15T10:30:00Z", "created_at": "2024-01-15T10:30:00Z"},
            "campaign": {"id": "campaign-uuid-1", "name": "Q1 Outreach", "status": "active"}}"#;
        let answer = |body: String| http::Response::builder().status(201).body(body.into_bytes()).unwrap();
        let bare = decode_response::<MakeCampaignCall>(answer(call.to_owned())).unwrap();
        let shapes = [
            format!(r#"{{"success": true, "data": {call}}}"#),
            format!(r#"{{"data": {call}, "message": "Call queued", "success": true}}"#),
        ];
        for body in &shapes {
            assert_eq!(decode_response::<MakeCampaignCall>(answer(body.clone())).unwrap(), bare, "{body}");
            let whole = crate::operation::decode_body::<MakeCampaignCall>(answer(body.clone())).unwrap();
            let written: serde_json::Value = serde_json::to_value(&whole).unwrap();
            let read: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(written["data"]["campaign_call"]["id"], read["data"]["campaign_call"]["id"]);
            assert_eq!((written.get("success"), written.get("message")), (read.get("success"), read.get("message")));
        }
        let written =
            serde_json::to_value(crate::operation::decode_body::<MakeCampaignCall>(answer(call.to_owned())).unwrap());
        assert!(written.unwrap().get("campaign_call").is_some());

        let refused = format!(r#"{{"success": false, "data": {call}}}"#);
        let err = decode_response::<MakeCampaignCall>(answer(refused)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Unsuccessful);
        let broken =
            format!(r#"{{"success": true, "data": {}}}"#, call.replace(r#""to": "+1234567890""#, r#""to": 5"#));
        let Error::Decode(err) = decode_response::<MakeCampaignCall>(answer(broken)).unwrap_err() else { panic!() };
        assert_eq!(err.path, "data.campaign_call.to", "{err}");
        let Error::Decode(err) =
            decode_response::<MakeCampaignCall>(answer(r#"{"success": true}"#.into())).unwrap_err()
        else {
            panic!()
        };
        assert!(err.to_string().contains("campaign_call"), "{err}");
    }

    #[test]
    fn unknown_statuses_are_kept() {
        let call: ActiveCall = serde_json::from_str(r#"{"id":"c","to":"+1","status":"on-hold"}"#).unwrap();
        assert_eq!(call.status, CallStatus::Unknown("on-hold".into()));
        assert_eq!(serde_json::to_value(&call.status).unwrap(), "on-hold");
        // From a text a caller owns too: a documented value, or kept as it is.
        assert_eq!(CallStatus::from_text("completed"), CallStatus::Completed);
        assert_eq!(CallStatus::from_text("on-hold"), CallStatus::Unknown("on-hold".into()));
    }
}
