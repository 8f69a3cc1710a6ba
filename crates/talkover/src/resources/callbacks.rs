//! Handlers for callbacks: inbound agents that answer when a contact calls back an outbound agent.

use talkover_core::agents::AgentId;
use talkover_core::callbacks::{
    CallbackAgent, CallbackAgentDetails, CheckCallbackConstraints, ConstraintCheck, GetCallbackAgent, GetCallbackStats,
    ListCallbackAgents, ListCallbackSourceAgents, ProposedCallbackConfig, RemoveCallbackRole, SetAgentAsCallback,
    SourceAgent, UpdateCallbackSources,
};

use crate::resources::{entry_point, root_handler};
use talkover_core::execute::Execute;

entry_point! {
    /// Callback agents: inbound agents that take the calls of contacts calling back outbound agents.
    callback_agents -> CallbackAgents
}

root_handler! {
    /// Callback agents: `client.callback_agents()`.
    ///
    /// An inbound agent becomes a callback agent for one or more outbound *source* agents: when a contact a
    /// source agent called dials back, the call goes to it. Check a setup with
    /// [`check_constraints`](CallbackAgents::check_constraints) (a typed [`ConstraintCheck`]), then apply it
    /// with [`set`](CallbackAgents::set).
    ///
    /// ```no_run
    /// use talkover::callbacks::{CallbackTriggerStatus, ConstraintCheck, ProposedCallbackConfig};
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let callbacks = client.callback_agents();
    /// let inbound = "550e8400-e29b-41d4-a716-446655440000";
    /// let proposal = ProposedCallbackConfig::new()
    ///     .is_callback_agent(true)
    ///     .callback_source_agents(["agent-uuid-2"])
    ///     .callback_trigger_statuses([CallbackTriggerStatus::NoAnswer]);
    /// let check: ConstraintCheck = callbacks.check_constraints(inbound, proposal).await?;
    /// if check.is_valid() {
    ///     // The sources alone: the API checks trigger statuses but stores none.
    ///     callbacks.set(inbound, ["agent-uuid-2"]).await?;
    /// }
    /// for agent in callbacks.list().await?.items {
    ///     println!("{} {:?}", agent.id, agent.name);
    /// }
    /// # Ok(()) }
    /// ```
    CallbackAgents
}

impl<'c, C: Execute> CallbackAgents<'c, C> {
    /// [Check a callback setup](https://docs.talkover.ai/api-reference/endpoints/check-callback-constraints)
    /// for an agent without saving it: [`ConstraintCheck::Valid`], or [`ConstraintCheck::Invalid`] with the
    /// problems the API listed.
    ///
    #[doc = talkover_core::errors_section!("check-callback-constraints")]
    pub fn check_constraints(
        &self,
        agent_id: impl Into<AgentId>,
        proposal: ProposedCallbackConfig,
    ) -> C::Call<ConstraintCheck> {
        self.client.call_then(CheckCallbackConstraints::new(agent_id, proposal), ConstraintCheck::from_result)
    }
}

// The methods of the operations whose declaration names a handler here.
talkover_core::callbacks_operations!(handlers CallbackAgents $);
