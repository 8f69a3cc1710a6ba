//! Handlers for flows: the conversation graph of an agent, reached through `client.agents().flow(&agent_id)`.

use talkover_core::agents::AgentId;
use talkover_core::flows::{
    AgentFlow, AgentFlowUpdate, FlowConfig, FlowValidation, FlowVersions, GetAgentFlow, ListAgentFlowVersions,
    UpdateAgentFlow, ValidateAgentFlow,
};

use crate::resources::{handler, Agents};
use talkover_core::execute::Execute;

handler! {
    /// The conversation flow of an agent: `client.agents().flow(&agent_id)`.
    ///
    /// Dry-run a flow with [`Flow::validate`] (a typed [`FlowValidation`]: valid, or the list of problems),
    /// then save it with [`Flow::update`].
    ///
    /// ```no_run
    /// use talkover::flows::{AgentFlow, FlowConfig, FlowNode, FlowValidation};
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let flow = client.agents().flow("550e8400-e29b-41d4-a716-446655440000");
    /// let draft = FlowConfig::new("greet")
    ///     .node(FlowNode::say("greet", "Hi! Is now a good time?").next("bye"))
    ///     .node(FlowNode::end("bye"));
    /// let check: FlowValidation = flow.validate(draft.clone())?;
    /// if check.is_valid() {
    ///     flow.update(AgentFlow::flow_driven(draft))?;
    /// } else {
    ///     for problem in check.problems() {
    ///         eprintln!("{problem}");
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    Flow { agent_id: AgentId }
    /// The conversation flow of one agent.
    from Agents::flow
}

impl<C: Execute> Flow<'_, C> {
    /// [Validate a flow](https://docs.talkover.ai/api-reference/endpoints/validate-agent-flow) for the agent
    /// without saving it.
    ///
    /// A valid flow gives [`FlowValidation::Valid`], an invalid one [`FlowValidation::Invalid`] with the
    /// problems (the API's `"success": false` and validation answers are read as the outcome, not as an
    /// error); any other failure is an error as usual.
    ///
    /// ```no_run
    /// use talkover::flows::{FlowConfig, FlowNode, FlowValidation};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let draft = FlowConfig::new("greet").node(FlowNode::say("greet", "Hi!").next("missing"));
    /// let check = client.agents().flow("550e8400-e29b-41d4-a716-446655440000").validate(draft).await?;
    /// match check {
    ///     outcome if outcome.is_valid() => println!("ok"),
    ///     outcome => println!("fix: {:?}", outcome.problems()),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    #[doc = talkover_core::errors_section!("validate-agent-flow")]
    pub fn validate(&self, flow: FlowConfig) -> C::Call<FlowValidation> {
        self.client.call_then(ValidateAgentFlow::new(&self.agent_id, flow), FlowValidation::from_result)
    }
}

// The methods of the operations whose declaration names a handler here.
talkover_core::flows_operations!(handlers Flow $);
