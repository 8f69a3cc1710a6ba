//! Conversation flows: the graph of nodes an agent follows, its validation and versions.
//!
//! From the `talkover` crate, these operations run through `client.agents().flow(agent_id)`: the methods of
//! `talkover::resources`, on either client. The types here are what those methods take and give.
//!
//! An agent runs either `llm_driven` (the language model steers, from its knowledge and actions) or
//! `flow_driven`, following a [`FlowConfig`]: nodes ([`FlowNode`]) joined by `next` links and by the
//! conditional [`FlowBranch`]es of decision nodes, entered at `initial_node_id`.
//!
//! ```
//! # use talkover_core as talkover;
//! use talkover::flows::{AgentFlow, FlowConfig, FlowNode, UpdateAgentFlow, ValidateAgentFlow};
//!
//! let flow = FlowConfig::new("greet")
//!     .meta("Intake", "1.0.0")
//!     .node(FlowNode::say("greet", "Hi! Is now a good time?").next("qualify"))
//!     .node(FlowNode::decision("qualify").branch("yes", "book").branch("no", "bye"))
//!     .node(FlowNode::action("book").field("action_id", "action-uuid").next("bye"))
//!     .node(FlowNode::end("bye"))
//!     .global_function("end_conversation", "Ends the call");
//!
//! // Dry-run it first, then save it.
//! let check = ValidateAgentFlow::new("agent-uuid", flow.clone());
//! let save = UpdateAgentFlow::new("agent-uuid", AgentFlow::flow_driven(flow));
//! # let _ = (check, save);
//! ```
//!
//! Reference: <https://docs.talkover.ai/api-reference/endpoints/get-agent-flow> and the pages beside it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::envelope::Envelope;
use crate::error::{Error, ErrorKind};
use crate::ids::AgentId;
use crate::macros::{optional_fields, string_enum};
use crate::operation::ResponseBody;
use crate::validate::Problems;
use crate::Timestamp;

pub use crate::ids::{FlowNodeId, FlowVersionId};

string_enum! {
    /// What steers an agent's conversations.
    pub enum ConversationMode {
        /// The language model, from the agent's knowledge and actions (the default).
        LlmDriven = "llm_driven",
        /// A node graph ([`FlowConfig`]) decides each turn.
        FlowDriven = "flow_driven",
    }
}

string_enum! {
    /// What a flow node does.
    pub enum FlowNodeType {
        /// Says its `content`, then goes to `next`.
        Say = "say",
        /// Asks its `content` and waits for the answer.
        Ask = "ask",
        /// Picks one of its `branches` from what the caller said.
        Decision = "decision",
        /// Runs an action of the agent.
        Action = "action",
        /// Transfers the call.
        Transfer = "transfer",
        /// Ends the conversation.
        End = "end",
    }
}

// ---------------------------------------------------------------------------------------------------
// The flow graph

optional_fields! {
    /// An agent's conversation mode and, when it is `flow_driven`, its flow: what [`GetAgentFlow`] returns and
    /// what [`UpdateAgentFlow`] sends.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct AgentFlow {
        /// What steers the agent's conversations.
        pub conversation_mode: ConversationMode,
    }
    /// Any mode, with no flow.
    pub fn new;
    optional {
        /// The flow: `null` in `llm_driven` mode (get-agent-flow writes the key so), the flow in
        /// `flow_driven` mode.
        #[null_when_unset]
        flow_config(flow): FlowConfig,
    }
}

impl AgentFlow {
    /// `llm_driven`, with no flow.
    pub fn llm_driven() -> Self {
        Self::new(ConversationMode::LlmDriven)
    }

    /// `flow_driven`, following `flow`.
    pub fn flow_driven(flow: FlowConfig) -> Self {
        Self { conversation_mode: ConversationMode::FlowDriven, flow_config: Some(flow) }
    }
}

/// The body of [`UpdateAgentFlow`]: the conversation mode and, for `flow_driven`, the flow.
///
/// `flow_config` has three states: not sent (`None`, as [`AgentFlowUpdate::llm_driven`] leaves it), a flow,
/// or sent as `null` ([`AgentFlowUpdate::null_flow_config`]), which the page allows in `llm_driven`
/// mode. An [`AgentFlow`] (as [`GetAgentFlow`] returns it) converts into one: its flow is sent when it has
/// one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AgentFlowUpdate {
    /// What steers the agent's conversations.
    pub conversation_mode: ConversationMode,
    /// The flow: required to switch to `flow_driven`; absent or `null` in `llm_driven` mode.
    #[serde(default, with = "crate::nullable", skip_serializing_if = "Option::is_none")]
    pub flow_config: Option<Option<FlowConfig>>,
}

impl AgentFlowUpdate {
    /// Any mode, with no flow sent.
    pub fn new(conversation_mode: ConversationMode) -> Self {
        Self { conversation_mode, flow_config: None }
    }

    /// `llm_driven`, with no flow sent.
    pub fn llm_driven() -> Self {
        Self::new(ConversationMode::LlmDriven)
    }

    /// `flow_driven`, following `flow`.
    pub fn flow_driven(flow: FlowConfig) -> Self {
        Self::new(ConversationMode::FlowDriven).flow_config(flow)
    }

    /// The flow to follow.
    pub fn flow_config(mut self, flow: FlowConfig) -> Self {
        self.flow_config = Some(Some(flow));
        self
    }

    /// Sends `"flow_config": null` (the page's other way to say "no flow" in `llm_driven` mode).
    pub fn null_flow_config(mut self) -> Self {
        self.flow_config = Some(None);
        self
    }
}

/// An agent's flow as an update that sets it again: its conversation mode, and its flow when it has one
/// (`AgentFlow::flow_driven(flow)` makes one to send).
impl From<AgentFlow> for AgentFlowUpdate {
    fn from(flow: AgentFlow) -> Self {
        Self { conversation_mode: flow.conversation_mode, flow_config: flow.flow_config.map(Some) }
    }
}

optional_fields! {
    /// A conversation flow: a graph of nodes entered at `initial_node_id`.
    ///
    /// `initial_node_id` and `nodes` are required when a flow is sent: [`FlowConfig::new`] takes the first and
    /// starts the second empty, and there is no `Default`. They are `Option` in the type because the API's
    /// answers do not always include them (update-agent-flow answers without them), so a flow taken from an
    /// answer is checked before it is sent back ([`UpdateAgentFlow`] and [`ValidateAgentFlow`] name each one
    /// missing). Fields this SDK does not model are kept in `extra` and sent back unchanged.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct FlowConfig {
        /// Other top-level fields, kept as given.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
    optional {
        /// The node the conversation starts at (must be one of `nodes`).
        initial_node_id: FlowNodeId,
        /// The flow's name and version.
        meta: FlowMeta,
        /// The nodes, each with a unique id.
        nodes: Vec<FlowNode>,
        /// Functions the agent can call from any node.
        global_functions: Vec<GlobalFunction>,
    }
}

impl FlowConfig {
    /// An empty flow entered at `initial_node_id`; add nodes with [`FlowConfig::node`].
    pub fn new(initial_node_id: impl Into<FlowNodeId>) -> Self {
        Self {
            initial_node_id: Some(initial_node_id.into()),
            meta: None,
            nodes: Some(Vec::new()),
            global_functions: None,
            extra: Map::new(),
        }
    }

    /// Names and versions the flow.
    pub fn meta(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.meta = Some(FlowMeta::new().name(name).version(version));
        self
    }

    /// Adds a node.
    pub fn node(mut self, node: FlowNode) -> Self {
        self.nodes.get_or_insert_with(Vec::new).push(node);
        self
    }

    /// Adds nodes.
    pub fn nodes(mut self, nodes: impl IntoIterator<Item = FlowNode>) -> Self {
        self.nodes.get_or_insert_with(Vec::new).extend(nodes);
        self
    }

    /// Adds a global function.
    pub fn global_function(mut self, name: impl Into<String>, description: impl Into<String>) -> Self {
        let function = GlobalFunction::new(name).description(description);
        self.global_functions.get_or_insert_with(Vec::new).push(function);
        self
    }

    /// Sets a top-level field this SDK does not model.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }

    /// The node with this id, if the flow has one.
    pub fn find_node(&self, id: &str) -> Option<&FlowNode> {
        self.nodes.as_deref().unwrap_or_default().iter().find(|node| node.id.as_str() == id)
    }

    // `initial_node_id` and `nodes` are required whenever a flow is sent.
    fn check(&self, problems: &mut Problems) {
        problems.require("flow_config.initial_node_id", &self.initial_node_id);
        problems.require("flow_config.nodes", &self.nodes);
    }
}

optional_fields! {
    /// A flow's name and version. Other fields of it (a designer's canvas, an author) are kept in `extra`
    /// and sent back unchanged, as a flow's are.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct FlowMeta {
        /// Other fields, kept as given.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
    settable {
        /// The flow's name.
        name: impl Into<String>,
        /// The flow's version, as the caller numbers it (`1.2.0`).
        version: impl Into<String>,
    }
}

impl FlowMeta {
    /// A meta with no field set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a field this SDK does not model (a designer's own, kept with the flow).
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }
}

optional_fields! {
    /// A node of a flow.
    ///
    /// The fields every node type shares are modelled; the fields only some node types take (an action node's
    /// action, a transfer node's number, …) go in `extra` (see [`FlowNode::field`]) and are sent as
    /// top-level fields of the node. Do not put `id`, `type`, `content`, `next` or `branches` in `extra`.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct FlowNode {
        /// The node's id, unique in the flow.
        pub id: FlowNodeId,
        /// What the node does.
        #[serde(rename = "type")]
        pub node_type: FlowNodeType,
        /// Type-specific fields, kept as given.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
    settable {
        /// What the agent says or asks (`say` and `ask` nodes).
        content: impl Into<String>,
        /// The node that follows this one.
        next: impl Into<FlowNodeId>,
    }
    optional {
        /// Where a `decision` node can go, each under a condition.
        branches: Vec<FlowBranch>,
    }
}

impl FlowNode {
    /// A node of any type.
    pub fn new(id: impl Into<FlowNodeId>, node_type: FlowNodeType) -> Self {
        Self { id: id.into(), node_type, content: None, next: None, branches: None, extra: Map::new() }
    }

    /// A `say` node.
    pub fn say(id: impl Into<FlowNodeId>, content: impl Into<String>) -> Self {
        Self::new(id, FlowNodeType::Say).content(content)
    }

    /// An `ask` node.
    pub fn ask(id: impl Into<FlowNodeId>, content: impl Into<String>) -> Self {
        Self::new(id, FlowNodeType::Ask).content(content)
    }

    /// A `decision` node; add its branches with [`FlowNode::branch`].
    pub fn decision(id: impl Into<FlowNodeId>) -> Self {
        Self::new(id, FlowNodeType::Decision)
    }

    /// An `action` node; name the action with [`FlowNode::field`].
    pub fn action(id: impl Into<FlowNodeId>) -> Self {
        Self::new(id, FlowNodeType::Action)
    }

    /// A `transfer` node.
    pub fn transfer(id: impl Into<FlowNodeId>) -> Self {
        Self::new(id, FlowNodeType::Transfer)
    }

    /// An `end` node.
    pub fn end(id: impl Into<FlowNodeId>) -> Self {
        Self::new(id, FlowNodeType::End)
    }

    /// Adds a branch to `next` taken when the caller's answer matches `condition`.
    pub fn branch(self, condition: impl Into<BranchCondition>, next: impl Into<FlowNodeId>) -> Self {
        self.with_branch(FlowBranch::new(condition, next))
    }

    /// Adds a branch built with [`FlowBranch`].
    pub fn with_branch(mut self, branch: FlowBranch) -> Self {
        self.branches.get_or_insert_with(Vec::new).push(branch);
        self
    }

    /// Sets a type-specific field.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }

    /// The nodes this one can lead to: its `next`, then its branches' targets.
    pub fn targets(&self) -> impl Iterator<Item = &FlowNodeId> {
        self.next.iter().chain(self.branches.iter().flatten().filter_map(|branch| branch.next.as_ref()))
    }
}

optional_fields! {
    /// One way out of a decision node: the node to go to when the condition matches.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct FlowBranch {
        /// Other fields of the branch, kept as given.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
    optional {
        /// When the branch is taken (the API's `match`; absent on a fallback branch).
        #[serde(rename = "match")]
        condition: BranchCondition,
        /// The node it leads to.
        next: FlowNodeId,
    }
}

impl FlowBranch {
    /// A branch to `next` under `condition`.
    pub fn new(condition: impl Into<BranchCondition>, next: impl Into<FlowNodeId>) -> Self {
        Self { condition: Some(condition.into()), next: Some(next.into()), extra: Map::new() }
    }

    /// A branch to `next` with no condition.
    pub fn otherwise(next: impl Into<FlowNodeId>) -> Self {
        Self { condition: None, next: Some(next.into()), extra: Map::new() }
    }

    /// Sets another field of the branch.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }
}

/// A branch's condition: the answer it matches (`"yes"`), or a structured condition kept as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum BranchCondition {
    /// The answer to match, as the reference shows it.
    Text(String),
    /// Any other form the API accepts, kept as given.
    Other(Value),
}

impl BranchCondition {
    /// The condition's text, when it is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Other(_) => None,
        }
    }
}

impl From<&str> for BranchCondition {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for BranchCondition {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<Value> for BranchCondition {
    fn from(value: Value) -> Self {
        match value {
            Value::String(text) => Self::Text(text),
            other => Self::Other(other),
        }
    }
}

optional_fields! {
    /// A function the agent can call from any node (`end_conversation`, `transfer_call`, `repeat_question`, …).
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct GlobalFunction {
        /// The function's name.
        pub name: String,
        /// Other fields of the function, kept as given.
        #[serde(flatten)]
        pub extra: Map<String, Value>,
    }
    settable {
        /// What it does, for the agent.
        description: impl Into<String>,
    }
}

impl GlobalFunction {
    /// A function by name.
    pub fn new(name: impl Into<String>) -> Self {
        Self { name: name.into(), description: None, extra: Map::new() }
    }

    /// Sets another field of the function.
    pub fn field(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra.insert(name.into(), value.into());
        self
    }
}

// ---------------------------------------------------------------------------------------------------
// update-agent-flow

impl UpdateAgentFlow {
    fn check(&self, problems: &mut Problems) {
        let flow = self.body.flow_config.as_ref().and_then(Option::as_ref);
        if self.body.conversation_mode == ConversationMode::FlowDriven {
            problems.require("flow_config", &flow);
        }
        if let Some(flow) = flow {
            flow.check(problems);
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// validate-agent-flow

/// The body of [`ValidateAgentFlow`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowToValidate {
    /// The flow to check.
    pub flow_config: FlowConfig,
}

impl FlowToValidate {
    /// A flow to check.
    pub fn new(flow_config: FlowConfig) -> Self {
        Self { flow_config }
    }
}

impl ValidateAgentFlow {
    /// Checks `flow` for the agent.
    pub fn new(agent_id: impl Into<AgentId>, flow: FlowConfig) -> Self {
        Self { agent_id: agent_id.into(), body: FlowToValidate::new(flow) }
    }

    fn check(&self, problems: &mut Problems) {
        self.body.flow_config.check(problems);
    }
}

optional_fields! {
    /// The answer of a dry-run check: `{"success", "message", "errors"?}`, read as a [`FlowValidation`].
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct ValidationAnswer {}
    optional {
        /// The envelope's success flag.
        success: bool,
        /// What the API said.
        message: String,
        /// The problems found.
        errors: Vec<String>,
    }
}

impl ValidationAnswer {
    pub(crate) fn outcome(self) -> FlowValidation {
        match self.errors {
            Some(problems) if !problems.is_empty() => FlowValidation::Invalid { message: self.message, problems },
            _ => FlowValidation::Valid { message: self.message },
        }
    }
}

impl ResponseBody for ValidationAnswer {
    type Output = FlowValidation;
    fn into_output(self) -> FlowValidation {
        self.outcome()
    }
    fn success_flag(&self) -> Option<bool> {
        self.success
    }
}

/// The outcome of a dry-run check: [`ValidateAgentFlow`]'s, and (as
/// [`ConstraintCheck`](crate::callbacks::ConstraintCheck))
/// [`CheckCallbackConstraints`](crate::callbacks::CheckCallbackConstraints)'s.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlowValidation {
    /// Nothing to fix.
    Valid {
        /// What the API said (`Flow is valid`).
        message: Option<String>,
    },
    /// The problems the API found, one sentence each.
    Invalid {
        /// What the API said about them, if anything.
        message: Option<String>,
        /// The problems.
        problems: Vec<String>,
    },
}

impl FlowValidation {
    /// Whether nothing needs fixing.
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid { .. })
    }

    /// The problems found (empty when valid).
    pub fn problems(&self) -> &[String] {
        match self {
            Self::Valid { .. } => &[],
            Self::Invalid { problems, .. } => problems,
        }
    }

    /// What the API said.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Valid { message } | Self::Invalid { message, .. } => message.as_deref(),
        }
    }

    /// Reads the problems out of the error a refused check or save gives: an answer with
    /// `"success": false`, or a 422 (as [`UpdateAgentFlow`] gives). `errors` given as a list are the
    /// problems; given by field, each becomes `field: message`. `None` for any other error (not found,
    /// unauthorized, transport, …), which says nothing about the flow.
    pub fn from_error(error: &Error) -> Option<Self> {
        let api = error.as_api()?;
        let mut problems = api.errors.clone();
        for (field, messages) in &api.field_errors {
            problems.extend(messages.iter().map(|message| format!("{field}: {message}")));
        }
        let refused = match api.kind {
            ErrorKind::Unsuccessful => true,
            ErrorKind::Validation => !problems.is_empty(),
            _ => false,
        };
        refused.then(|| Self::Invalid { message: api.message.clone(), problems })
    }

    /// Turns a check's result into its outcome: `Ok(Invalid)` for the errors [`FlowValidation::from_error`]
    /// reads, the error itself for any other.
    pub fn from_result(result: Result<Self, Error>) -> Result<Self, Error> {
        match result {
            Ok(outcome) => Ok(outcome),
            Err(error) => Self::from_error(&error).ok_or(error),
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// list-agent-flow-versions

optional_fields! {
    /// The saved versions of an agent's flow.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct FlowVersions {
        /// The versions, newest first.
        #[serde(default)]
        pub versions: Vec<FlowVersion>,
    }
    pub fn new;
}

optional_fields! {
    /// One saved version of an agent's flow.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    #[non_exhaustive]
    pub struct FlowVersion {
        /// The version's id.
        pub id: FlowVersionId,
    }
    pub fn new;
    optional {
        /// The version number from the flow's `meta`.
        version: String,
        /// When it was saved.
        created_at: Timestamp,
        /// Whether it is the flow in use.
        is_current: bool,
        /// The flow as saved, when the API includes it (restoring a version means sending it back with
        /// [`UpdateAgentFlow`]).
        flow_config: FlowConfig,
    }
}

// ---------------------------------------------------------------------------------------------------
// The operations

/// This module's operations, one declaration each: [`operations!`](crate::operations) turns them into
/// the operation types, and the `talkover` crate's handlers take their methods from the same declarations.
#[doc(hidden)]
#[macro_export]
macro_rules! flows_operations {
    ($mode:ident $($handler:tt)*) => {
        $crate::operations! { $mode [$($handler)*]
        /// [Get an agent's flow](https://docs.talkover.ai/api-reference/endpoints/get-agent-flow): its conversation
        /// mode and, when flow-driven, its flow.
        GetAgentFlow {
            id: "get-agent-flow",
            method: GET,
            path: "/api/v1/agents/{agent_id}/flow",
            params: { agent_id: AgentId },
            response: Envelope<AgentFlow>,
            safe_to_repeat: true,
            handler: Flow[agent_id]::get,
        }

        /// [Update an agent's flow](https://docs.talkover.ai/api-reference/endpoints/update-agent-flow): set its
        /// conversation mode and, for `flow_driven`, the flow it follows.
        ///
        /// A flow the API finds invalid is refused with a 422 listing the problems;
        /// [`FlowValidation::from_error`] reads them.
        UpdateAgentFlow {
            id: "update-agent-flow",
            method: PUT,
            path: "/api/v1/agents/{agent_id}/flow",
            params: { agent_id: AgentId },
            body: AgentFlowUpdate,
            response: Envelope<AgentFlow>,
            safe_to_repeat: false,                    // every save adds a version to the flow's history
            validate: UpdateAgentFlow::check,
            handler: Flow[agent_id]::update(flow),
        }

        /// [Validate a flow](https://docs.talkover.ai/api-reference/endpoints/validate-agent-flow) without saving
        /// it: the same checks update-agent-flow ([`UpdateAgentFlow`]) runs (unique node ids, reachable nodes,
        /// existing targets, the fields each node type needs).
        ///
        /// A valid flow gives [`FlowValidation::Valid`]. The API reports an invalid one as `"success": false` (or
        /// a 422), which is an error; pass the result through [`FlowValidation::from_result`] to get
        /// [`FlowValidation::Invalid`] with the problems instead.
        ValidateAgentFlow {
            id: "validate-agent-flow",
            method: POST,
            path: "/api/v1/agents/{agent_id}/flow/validate",
            params: { agent_id: AgentId },
            body: FlowToValidate,
            response: ValidationAnswer,
            safe_to_repeat: true,
            dry_run: true,
            validate: ValidateAgentFlow::check,
            constructor: manual,
        }

        /// [List an agent's flow versions](https://docs.talkover.ai/api-reference/endpoints/list-agent-flow-versions):
        /// one per save, newest first.
        ListAgentFlowVersions {
            id: "list-agent-flow-versions",
            method: GET,
            path: "/api/v1/agents/{agent_id}/flow/versions",
            params: { agent_id: AgentId },
            response: Envelope<FlowVersions>,
            safe_to_repeat: true,
            handler: Flow[agent_id]::versions,
        }
        }
    };
}
flows_operations!(declare);

#[cfg(test)]
mod tests {
    use crate::operation::testing::config;
    use http::{Response, StatusCode};
    use serde_json::json;

    use super::*;
    use crate::operation::{build_request, decode_response};

    fn answer(status: u16, body: Value) -> crate::HttpResponse {
        Response::builder()
            .status(StatusCode::from_u16(status).unwrap())
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).unwrap())
            .unwrap()
    }

    fn sample_flow() -> FlowConfig {
        FlowConfig::new("greet")
            .meta("Sales Qualification Flow", "1.2.0")
            .node(FlowNode::say("greet", "Hi! Are you the right person?").next("qualify"))
            .node(
                FlowNode::decision("qualify")
                    .branch("yes", "book")
                    .branch("no", "transfer")
                    .with_branch(FlowBranch::new(json!({"intent": "callback_later"}), "bye"))
                    .with_branch(FlowBranch::otherwise("qualify").field("max_retries", 2)),
            )
            .node(FlowNode::ask("book", "Which day suits you?").next("bye"))
            .node(FlowNode::action("log").field("action_id", "action-uuid").next("bye"))
            .node(FlowNode::transfer("transfer").field("transfer_to", "+15551234567"))
            .node(FlowNode::new("hold", FlowNodeType::from_text("wait")).field("seconds", 5).next("bye"))
            .node(FlowNode::end("bye"))
            .global_function("end_conversation", "Ends the call gracefully")
            .field("settings", json!({"language": "en-US"}))
    }

    #[test]
    fn a_flow_built_in_rust_round_trips_exactly() {
        let flow = AgentFlow::flow_driven(sample_flow());
        let json = serde_json::to_value(&flow).unwrap();
        assert_eq!(json["flow_config"]["initial_node_id"], "greet");
        assert_eq!(json["flow_config"]["nodes"][1]["branches"][0], json!({"match": "yes", "next": "book"}));
        assert_eq!(json["flow_config"]["nodes"][1]["branches"][2]["match"], json!({"intent": "callback_later"}));
        assert_eq!(json["flow_config"]["nodes"][1]["branches"][3], json!({"next": "qualify", "max_retries": 2}));
        assert_eq!(json["flow_config"]["nodes"][3]["action_id"], "action-uuid");
        assert_eq!(json["flow_config"]["nodes"][5]["type"], "wait");
        assert_eq!(json["flow_config"]["settings"]["language"], "en-US");

        let text = serde_json::to_string(&flow).unwrap();
        let back: AgentFlow = serde_json::from_str(&text).unwrap();
        assert_eq!(back, flow);
        assert_eq!(serde_json::to_value(&back).unwrap(), json);
        assert_eq!(
            back.flow_config.as_ref().unwrap().nodes.as_ref().unwrap()[5].node_type,
            FlowNodeType::Unknown("wait".into())
        );
        let targets: Vec<&str> = back
            .flow_config
            .as_ref()
            .unwrap()
            .find_node("qualify")
            .unwrap()
            .targets()
            .map(FlowNodeId::as_str)
            .collect();
        assert_eq!(targets, ["book", "transfer", "bye", "qualify"]);
    }

    #[test]
    fn a_flow_from_the_api_round_trips_exactly() {
        let json = json!({
            "conversation_mode": "flow_driven",
            "flow_config": {
                "initial_node_id": "a",
                "nodes": [
                    {"id": "a", "type": "say", "content": "Hi", "next": "b", "voice_hint": {"pace": "slow"}},
                    {"id": "b", "type": "decision", "branches": [{"match": "yes", "next": "c", "priority": 1}]},
                    {"id": "c", "type": "end"}
                ],
                "global_functions": [{"name": "transfer_call", "parameters": {"to": "+1555"}}],
                "meta": {"name": "Support", "version": "2.0.0", "author": "ada", "canvas": {"zoom": 1.2}},
                "version_note": null
            }
        });
        let flow: AgentFlow = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&flow).unwrap(), json);
    }

    /// The page's two ways to say "no flow" in `llm_driven` mode, leaving `flow_config` out or sending it as
    /// `null`, are both requests this type can make, and a received one keeps which it was.
    #[test]
    fn an_update_sends_its_flow_left_out_null_or_set() {
        let sent = |update: AgentFlowUpdate| {
            let request = build_request(&UpdateAgentFlow::new("agent-1", update), &config()).unwrap();
            String::from_utf8(request.into_body()).unwrap()
        };
        assert_eq!(sent(AgentFlowUpdate::llm_driven()), r#"{"conversation_mode":"llm_driven"}"#);
        assert_eq!(
            sent(AgentFlowUpdate::llm_driven().null_flow_config()),
            r#"{"conversation_mode":"llm_driven","flow_config":null}"#
        );
        let flow = AgentFlow::flow_driven(sample_flow());
        let from_flow = serde_json::from_str::<Value>(&sent(flow.clone().into())).unwrap();
        assert_eq!(from_flow, serde_json::to_value(&flow).unwrap());
        let received: AgentFlowUpdate =
            serde_json::from_value(json!({"conversation_mode": "llm_driven", "flow_config": null})).unwrap();
        assert_eq!(received.flow_config, Some(None));
        let received: AgentFlowUpdate = serde_json::from_value(json!({"conversation_mode": "llm_driven"})).unwrap();
        assert_eq!(received.flow_config, None);
    }

    #[test]
    fn llm_driven_sends_no_flow_and_flow_driven_needs_one() {
        let request = build_request(&UpdateAgentFlow::new("agent-1", AgentFlow::llm_driven()), &config()).unwrap();
        assert_eq!(request.body(), br#"{"conversation_mode":"llm_driven"}"#);

        let err = build_request(&UpdateAgentFlow::new("a", AgentFlow::new(ConversationMode::FlowDriven)), &config())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("`flow_config`"), "{err}");

        let mut no_start = sample_flow();
        no_start.initial_node_id = None;
        let err = build_request(&ValidateAgentFlow::new("a", no_start), &config()).unwrap_err();
        assert!(err.to_string().contains("`flow_config.initial_node_id`"), "{err}");
        // A flow as update-agent-flow answers it, without either, names both.
        let answered: FlowConfig = serde_json::from_value(json!({"x": 1})).unwrap();
        let Error::InvalidRequest(err) = build_request(&ValidateAgentFlow::new("a", answered), &config()).unwrap_err()
        else {
            panic!("not refused")
        };
        let fields: Vec<&str> = err.problems().iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["flow_config.initial_node_id", "flow_config.nodes"]);
    }

    #[test]
    fn validation_outcomes_are_typed() {
        let valid =
            decode_response::<ValidateAgentFlow>(answer(200, json!({"success": true, "message": "Flow is valid"})));
        let valid = FlowValidation::from_result(valid).unwrap();
        assert!(valid.is_valid());
        assert_eq!(valid.message(), Some("Flow is valid"));

        let refused = decode_response::<ValidateAgentFlow>(answer(
            200,
            json!({"success": false, "errors": ["Duplicate node id: 'a'", "Node 'c' is unreachable"]}),
        ));
        assert_eq!(refused.as_ref().unwrap_err().kind(), ErrorKind::Unsuccessful);
        let outcome = FlowValidation::from_result(refused).unwrap();
        assert!(!outcome.is_valid());
        assert_eq!(outcome.problems(), ["Duplicate node id: 'a'", "Node 'c' is unreachable"]);

        let rejected = decode_response::<UpdateAgentFlow>(answer(
            422,
            json!({"success": false, "message": "Flow validation failed", "errors": ["initial_node_id 'x' not found in nodes"]}),
        ))
        .unwrap_err();
        let outcome = FlowValidation::from_error(&rejected).unwrap();
        assert_eq!(outcome.message(), Some("Flow validation failed"));
        assert_eq!(outcome.problems(), ["initial_node_id 'x' not found in nodes"]);

        let by_field = decode_response::<ValidateAgentFlow>(answer(
            422,
            json!({"message": "Invalid", "errors": {"flow_config.nodes": ["is required"]}}),
        ));
        assert_eq!(FlowValidation::from_result(by_field).unwrap().problems(), ["flow_config.nodes: is required"]);

        let missing = decode_response::<ValidateAgentFlow>(answer(404, json!({"message": "Agent not found"})));
        assert_eq!(FlowValidation::from_result(missing).unwrap_err().kind(), ErrorKind::NotFound);
    }
}
