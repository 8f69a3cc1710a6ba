//! Callback agents: agents that answer when someone calls back a number another agent called from.
//!
//! From the `talkover` crate, these operations run through `client.callback_agents()` (`CallbackAgents`):
//! the methods of `talkover::resources`, on either client. The types here are what those methods take and
//! give.
//!
//! An inbound agent becomes a callback agent for one or more outbound *source* agents: when a contact a
//! source agent called dials back, the call goes to the callback agent.
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/list-callback-agents> and the pages beside
//! it.

use serde::{Deserialize, Serialize};

use crate::agents::{AgentStatus, Direction};
use crate::envelope::{Ack, Envelope, ListEnvelope};
use crate::flows::{FlowValidation, ValidationAnswer};
use crate::ids::AgentId;
use crate::macros::{optional_fields, string_enum};
use crate::operation::ResponseBody;
use crate::time::Date;
use crate::validate::Problems;

string_enum! {
    /// The outcome of a source agent's call that makes the contact eligible for a callback.
    ///
    /// Spelled as the callback pages spell them (`no_answer`), which differs from the call history's
    /// [`CallStatus`](crate::calls::CallStatus) (`no-answer`).
    ///
    /// check-callback-constraints checks them, but no page stores them: set-agent-as-callback and
    /// update-callback-sources take the source agents alone, and a callback agent's details show none.
    pub enum CallbackTriggerStatus {
        /// Nobody picked up.
        NoAnswer = "no_answer",
        /// The call reached voicemail.
        Voicemail = "voicemail",
        /// The line was busy.
        Busy = "busy",
    }
}

/// Declares a struct with the fields that describe an agent in short, as [`CallbackAgent`] and
/// [`SourceAgent`] give them, each written once, after the struct's own fields.
macro_rules! agent_in_short {
    ($($item:tt)*) => {
        optional_fields! {
            $($item)*
            optional {
                /// Its internal name.
                name: String,
                /// Its display label.
                label: String,
                /// Its direction: inbound for a callback agent, outbound for a source.
                direction: Direction,
                /// Draft or published.
                current_status: AgentStatus,
            }
        }
    };
}

agent_in_short! {
    /// A callback agent and the sources it takes callbacks for.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CallbackAgent {
        /// The agent's id.
        pub id: AgentId,
    }
    pub fn new;
    optional {
        /// Where its callbacks come from.
        callback_config: CallbackConfig,
    }
}

/// Where a callback agent's callbacks come from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallbackConfig {
    /// The outbound agents whose contacts are routed to this agent when they call back.
    #[serde(default)]
    pub source_agent_ids: Vec<AgentId>,
}

agent_in_short! {
    /// An outbound agent that is, or can be, a source of callbacks.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SourceAgent {
        /// The agent's id.
        pub id: AgentId,
    }
    pub fn new;
}

/// The body of [`SetAgentAsCallback`] and [`UpdateCallbackSources`]: the full list of source agents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CallbackSources {
    /// The outbound agents to take callbacks for (at least one).
    pub source_agent_ids: Vec<AgentId>,
}

impl CallbackSources {
    /// The source agents.
    pub fn new<I: Into<AgentId>>(source_agent_ids: impl IntoIterator<Item = I>) -> Self {
        Self { source_agent_ids: source_agent_ids.into_iter().map(Into::into).collect() }
    }

    fn check(&self, problems: &mut Problems) {
        if self.source_agent_ids.is_empty() {
            problems.add("source_agent_ids", "must name at least one agent (remove-callback-role takes the role away)");
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// get-callback-stats

optional_fields! {
    /// Callback counts over a range of days.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CallbackStats {
        /// Inbound calls routed to callback agents.
        pub total_callbacks_received: u64,
        /// Callbacks that connected with the agent.
        pub callbacks_answered: u64,
        /// Calls to a callback agent with no recent outbound call to match them to.
        pub callbacks_unmatched: u64,
        /// Callbacks per source agent.
        #[serde(default)]
        pub callbacks_by_source_agent: Vec<SourceAgentCallbacks>,
    }
    pub fn new;
    optional {
        /// The range counted.
        period: StatsPeriod,
    }
}

optional_fields! {
    /// A range of days, both ends included.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct StatsPeriod {
        /// The first day.
        pub start: Date,
        /// The last day.
        pub end: Date,
    }
    pub fn new;
}

optional_fields! {
    /// The callbacks that came back to one source agent's calls.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct SourceAgentCallbacks {
        /// The source agent.
        pub source_agent_id: AgentId,
        /// How many callbacks.
        pub count: u64,
    }
    pub fn new;
    optional {
        /// Its name.
        name: String,
    }
}

// ---------------------------------------------------------------------------------------------------
// get-callback-agent

optional_fields! {
    /// A callback agent's setup and activity.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CallbackAgentDetails {
        /// The agent.
        pub agent: CallbackAgent,
        /// The agents it takes callbacks for.
        #[serde(default)]
        pub source_agents: Vec<SourceAgent>,
    }
    pub fn new;
    optional {
        /// Its callback counts.
        stats: CallbackAgentStats,
    }
}

optional_fields! {
    /// One callback agent's callback counts.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct CallbackAgentStats {}
    optional {
        /// Callbacks routed to the agent.
        total_callbacks_received: u64,
        /// Callbacks that connected.
        callbacks_answered: u64,
    }
}

// ---------------------------------------------------------------------------------------------------
// check-callback-constraints

/// The outcome of [`CheckCallbackConstraints`]: valid, or the problems the API found. The same type as a
/// flow check's outcome, so [`ConstraintCheck::from_result`] reads a refusal the same way.
pub type ConstraintCheck = FlowValidation;

optional_fields! {
    /// The body of [`CheckCallbackConstraints`]: a proposed callback setup. Every field is optional.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ProposedCallbackConfig {}
    settable {
        /// Whether the agent would be a callback agent.
        is_callback_agent: bool,
        /// The source agents.
        callback_source_agents(ids): impl IntoIterator<Item = impl Into<AgentId>>,
        /// Which outcomes of a source agent's call make the contact eligible for a callback.
        callback_trigger_statuses(statuses): impl IntoIterator<Item = CallbackTriggerStatus>,
    }
}

/// The answer of [`CheckCallbackConstraints`], read as a [`ConstraintCheck`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConstraintCheckAnswer(pub ValidationAnswer);

impl ResponseBody for ConstraintCheckAnswer {
    type Output = ConstraintCheck;
    fn into_output(self) -> ConstraintCheck {
        self.0.outcome()
    }
    fn success_flag(&self) -> Option<bool> {
        self.0.success
    }
}

// ---------------------------------------------------------------------------------------------------
// set-agent-as-callback, update-callback-sources, remove-callback-role

impl SetAgentAsCallback {
    /// Makes the agent take callbacks for `source_agent_ids`.
    pub fn new<I: Into<AgentId>>(agent_id: impl Into<AgentId>, source_agent_ids: impl IntoIterator<Item = I>) -> Self {
        Self { agent_id: agent_id.into(), body: CallbackSources::new(source_agent_ids) }
    }

    fn check(&self, problems: &mut Problems) {
        self.body.check(problems);
    }
}

// Sets the role and the whole source list: sending it again leaves the same state.
impl UpdateCallbackSources {
    /// Replaces the agent's sources with `source_agent_ids`.
    pub fn new<I: Into<AgentId>>(agent_id: impl Into<AgentId>, source_agent_ids: impl IntoIterator<Item = I>) -> Self {
        Self { agent_id: agent_id.into(), body: CallbackSources::new(source_agent_ids) }
    }

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
macro_rules! callbacks_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [List callback agents](https://docs.talkover.ai/api-reference/endpoints/list-callback-agents): the
        /// inbound agents set up to take callbacks.
        ListCallbackAgents {
            id: "list-callback-agents",
            method: GET,
            path: "/api/v1/callback-agents",
            response: ListEnvelope<CallbackAgent>,
            safe_to_repeat: true,
            handler: CallbackAgents::list,
        }

        /// [List the agents that can be callback sources](https://docs.talkover.ai/api-reference/endpoints/list-callback-source-agents):
        /// the published outbound agents.
        ListCallbackSourceAgents {
            id: "list-callback-source-agents",
            method: GET,
            path: "/api/v1/callback-agents/source-agents",
            response: ListEnvelope<SourceAgent>,
            safe_to_repeat: true,
            handler: CallbackAgents::source_agents,
        }

        /// [Get callback statistics](https://docs.talkover.ai/api-reference/endpoints/get-callback-stats) across
        /// all callback agents, for a range of days (both ends included; the last 30 days by default).
        GetCallbackStats {
            id: "get-callback-stats",
            method: GET,
            path: "/api/v1/callback-agents/stats",
            query: CallbackStatsQuery {
                /// First day counted (the API's default is 30 days ago).
                start_date: Date,
                /// Last day counted (the API's default is today).
                end_date: Date,
            },
            response: Envelope<CallbackStats>,
            safe_to_repeat: true,
            handler: CallbackAgents::stats,
        }

        /// [Get a callback agent](https://docs.talkover.ai/api-reference/endpoints/get-callback-agent) with its
        /// source agents and callback counts. An agent that is not a callback agent is not found (404).
        GetCallbackAgent {
            id: "get-callback-agent",
            method: GET,
            path: "/api/v1/callback-agents/{agent_id}",
            params: { agent_id: AgentId },
            response: Envelope<CallbackAgentDetails>,
            safe_to_repeat: true,
            handler: CallbackAgents::get,
        }

        /// [Check a callback setup](https://docs.talkover.ai/api-reference/endpoints/check-callback-constraints)
        /// without saving it.
        ///
        /// A valid setup gives [`ConstraintCheck::Valid`]. The API reports an invalid one as `"success": false`,
        /// which is an error; pass the result through [`ConstraintCheck::from_result`] to get
        /// [`ConstraintCheck::Invalid`] with the problems instead.
        CheckCallbackConstraints {
            id: "check-callback-constraints",
            method: POST,
            path: "/api/v1/callback-agents/{agent_id}/check-constraints",
            params: { agent_id: AgentId },
            body: ProposedCallbackConfig,
            response: ConstraintCheckAnswer,
            safe_to_repeat: true,
            dry_run: true,
        }

        /// [Make an agent a callback agent](https://docs.talkover.ai/api-reference/endpoints/set-agent-as-callback)
        /// for the given outbound agents (at least one). The agent must be inbound (otherwise a 422 with code
        /// `INVALID_AGENT_DIRECTION`).
        SetAgentAsCallback {
            id: "set-agent-as-callback",
            method: POST,
            path: "/api/v1/agents/{agent_id}/callback",
            params: { agent_id: AgentId },
            body: CallbackSources,
            response: Envelope<CallbackAgent>,
            safe_to_repeat: true,
            validate: SetAgentAsCallback::check,
            constructor: manual,
            handler: CallbackAgents::set(source_agent_ids: impl IntoIterator<Item = impl Into<AgentId>>),
        }

        /// [Replace a callback agent's sources](https://docs.talkover.ai/api-reference/endpoints/update-callback-sources):
        /// the list sent (at least one agent) becomes the whole list. To drop every source, use
        /// [`RemoveCallbackRole`] (`client.callback_agents().remove(..)`).
        UpdateCallbackSources {
            id: "update-callback-sources",
            method: PUT,
            path: "/api/v1/agents/{agent_id}/callback",
            params: { agent_id: AgentId },
            body: CallbackSources,
            response: Envelope<CallbackAgent>,
            safe_to_repeat: true,
            validate: UpdateCallbackSources::check,
            constructor: manual,
            handler: CallbackAgents::update_sources(source_agent_ids: impl IntoIterator<Item = impl Into<AgentId>>),
        }

        /// [Remove the callback role](https://docs.talkover.ai/api-reference/endpoints/remove-callback-role) from
        /// an agent. It keeps its other settings and goes on taking ordinary inbound calls.
        RemoveCallbackRole {
            id: "remove-callback-role",
            method: DELETE,
            path: "/api/v1/agents/{agent_id}/callback",
            params: { agent_id: AgentId },
            response: Ack,
            safe_to_repeat: true,
            handler: CallbackAgents::remove,
        }
        }
    };
}
callbacks_operations!(declare);

#[cfg(test)]
mod tests {
    use crate::operation::testing::config;
    use http::{Response, StatusCode};
    use serde_json::json;

    use super::*;
    use crate::operation::{build_request, decode_response};
    use crate::ErrorKind;

    #[test]
    fn stats_dates_are_typed_and_sent_as_given() {
        let op = GetCallbackStats::new()
            .start_date(Date::new("2024-01-01").unwrap())
            .end_date(Date::from_ymd(2024, 1, 31).unwrap());
        let request = build_request(&op, &config()).unwrap();
        // Parameters go out in name order.
        assert_eq!(
            request.uri(),
            "https://app.talkover.ai/api/v1/callback-agents/stats?end_date=2024-01-31&start_date=2024-01-01"
        );
        let backwards = GetCallbackStats::new()
            .start_date(Date::new("2024-02-01").unwrap())
            .end_date(Date::new("2024-01-31").unwrap());
        assert!(build_request(&backwards, &config()).is_ok(), "the page gives the range no order rule");
        // A caller's JSON with an impossible date is refused when it becomes the typed operation.
        assert!(serde_json::from_value::<CallbackStatsQuery>(json!({"start_date": "2024-02-30"})).is_err());
    }

    #[test]
    fn source_lists_need_at_least_one_agent() {
        let empty: [&str; 0] = [];
        for err in [
            build_request(&SetAgentAsCallback::new("agent-1", empty), &config()).unwrap_err(),
            build_request(&UpdateCallbackSources::new("agent-1", empty), &config()).unwrap_err(),
        ] {
            assert_eq!(err.kind(), ErrorKind::InvalidRequest);
            assert!(err.to_string().contains("`source_agent_ids`"), "{err}");
        }
        let request = build_request(&UpdateCallbackSources::new("agent-1", ["agent-2"]), &config()).unwrap();
        assert_eq!(request.body(), br#"{"source_agent_ids":["agent-2"]}"#);
    }

    #[test]
    fn constraint_checks_are_typed() {
        let proposal = ProposedCallbackConfig::new()
            .is_callback_agent(true)
            .callback_source_agents(["agent-2"])
            .callback_trigger_statuses([CallbackTriggerStatus::NoAnswer, CallbackTriggerStatus::Busy]);
        let request = build_request(&CheckCallbackConstraints::new("agent-1", proposal), &config()).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(request.body()).unwrap(),
            json!({"is_callback_agent": true, "callback_source_agents": ["agent-2"], "callback_trigger_statuses": ["no_answer", "busy"]})
        );

        let answer = |body: serde_json::Value| {
            Response::builder().status(StatusCode::OK).body(serde_json::to_vec(&body).unwrap()).unwrap()
        };
        let ok = decode_response::<CheckCallbackConstraints>(answer(
            json!({"success": true, "message": "Configuration is valid"}),
        ));
        assert!(ConstraintCheck::from_result(ok).unwrap().is_valid());
        let refused = decode_response::<CheckCallbackConstraints>(answer(json!({
            "success": false,
            "message": "Configuration has errors",
            "errors": ["Agent must be inbound to serve as a callback agent"]
        })));
        assert_eq!(refused.as_ref().unwrap_err().kind(), ErrorKind::Unsuccessful);
        let outcome = ConstraintCheck::from_result(refused).unwrap();
        assert_eq!(outcome.message(), Some("Configuration has errors"));
        assert_eq!(outcome.problems(), ["Agent must be inbound to serve as a callback agent"]);
    }
}
