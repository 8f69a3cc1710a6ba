//! Handlers for agents, their actions and their trainings.

use talkover_core::actions::{
    Action, ActionId, ActionIntegration, CreateAction, DeleteAction, ListActionIntegrations, ListActions, NewAction,
};
use talkover_core::agents::*;
use talkover_core::trainings::{CreateTraining, DeleteTraining, ListTrainings, NewTraining, Training, TrainingId};
use talkover_core::{Ack, Page};

use crate::resources::{entry_point, handler, root_handler};
use talkover_core::execute::{Execute, Pending};

entry_point! {
    /// Voice agents, and through them their actions and trainings.
    agents -> Agents
}

entry_point! {
    /// The integrations actions can use.
    action_integrations -> ActionIntegrations
}

/// Voice agents: `client.agents()`.
///
/// ```no_run
/// use talkover::agents::{AgentStatus, Direction};
///
/// # async fn run() -> Result<(), talkover::Error> {
/// let client = talkover::Client::from_env()?;
/// let page = client.agents().list().status(AgentStatus::Published).direction(Direction::Inbound).send().await?;
/// for agent in page.items {
///     println!("{} {}", agent.id, agent.name);
/// }
/// client.agents().unpublish("550e8400-e29b-41d4-a716-446655440000").await?;
/// # Ok(()) }
/// ```
///
/// Its methods return `C::Call<T>`: a future resolving to `Result<T, Error>` on [`Client`](crate::Client),
/// the `Result<T, Error>` itself on [`blocking::Client`](crate::blocking::Client) (see
/// [`resources`](crate::resources)).
#[derive(Debug)]
pub struct Agents<'c, C> {
    pub(crate) client: &'c C,
}

impl<'c, C: Execute> Agents<'c, C> {
    /// The handler on `client`: what `client.agents()` gives, on any [`Execute`] (a test double of your
    /// own, for one).
    pub fn new(client: &'c C) -> Self {
        Self { client }
    }

    /// [List agents](https://docs.talkover.ai/api-reference/endpoints/list-agents); set filters on the
    /// returned request, then `send()` for one page or `items()` for all of them.
    ///
    /// Its query parameters are the fields of [`ListAgentsQuery`](crate::agents::ListAgentsQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("list-agents")]
    pub fn list(&self) -> Pending<'c, C, ListAgents> {
        Pending::new(self.client, ListAgents::new())
    }

    /// [Create an agent](https://docs.talkover.ai/api-reference/endpoints/create-agent) (as a draft).
    ///
    #[doc = talkover_core::errors_section!("create-agent")]
    pub fn create(&self, agent: CreateAgentBody) -> C::Call<Agent> {
        self.client.call(CreateAgent::new(agent))
    }

    /// [Get an agent](https://docs.talkover.ai/api-reference/endpoints/get-agent).
    ///
    #[doc = talkover_core::errors_section!("get-agent")]
    pub fn get(&self, agent_id: impl Into<AgentId>) -> C::Call<Agent> {
        self.client.call(GetAgent::new(agent_id))
    }

    /// [Update an agent's knowledge](https://docs.talkover.ai/api-reference/endpoints/update-agent-knowledge).
    ///
    #[doc = talkover_core::errors_section!("update-agent-knowledge")]
    pub fn update_knowledge(&self, agent_id: impl Into<AgentId>, knowledge: AgentKnowledge) -> C::Call<Agent> {
        self.client.call(UpdateAgentKnowledge::new(agent_id, knowledge))
    }

    /// [Update an agent's voice](https://docs.talkover.ai/api-reference/endpoints/update-agent-voice).
    ///
    #[doc = talkover_core::errors_section!("update-agent-voice")]
    pub fn update_voice(&self, agent_id: impl Into<AgentId>, voice: AgentVoiceSettings) -> C::Call<Agent> {
        self.client.call(UpdateAgentVoice::new(agent_id, voice))
    }

    /// [Update an agent's calling settings](https://docs.talkover.ai/api-reference/endpoints/update-agent-calling).
    ///
    #[doc = talkover_core::errors_section!("update-agent-calling")]
    pub fn update_calling(&self, agent_id: impl Into<AgentId>, calling: AgentCallingSettings) -> C::Call<AgentCalling> {
        self.client.call(UpdateAgentCalling::new(agent_id, calling))
    }

    /// [Update an agent's advanced settings](https://docs.talkover.ai/api-reference/endpoints/update-advanced-settings).
    ///
    #[doc = talkover_core::errors_section!("update-advanced-settings")]
    pub fn update_advanced_settings(
        &self,
        agent_id: impl Into<AgentId>,
        settings: AdvancedSettings,
    ) -> C::Call<AgentAdvancedSettings> {
        self.client.call(UpdateAdvancedSettings::new(agent_id, settings))
    }

    /// [Publish an agent](https://docs.talkover.ai/api-reference/endpoints/publish-agent).
    ///
    #[doc = talkover_core::errors_section!("publish-agent")]
    pub fn publish(&self, agent_id: impl Into<AgentId>) -> C::Call<AgentStatusChange> {
        self.client.call(PublishAgent::new(agent_id))
    }

    /// [Unpublish an agent](https://docs.talkover.ai/api-reference/endpoints/unpublish-agent): back to draft,
    /// keeping everything attached to it.
    ///
    #[doc = talkover_core::errors_section!("unpublish-agent")]
    pub fn unpublish(&self, agent_id: impl Into<AgentId>) -> C::Call<AgentStatusChange> {
        self.client.call(UnpublishAgent::new(agent_id))
    }

    /// [Delete an agent](https://docs.talkover.ai/api-reference/endpoints/delete-agent).
    ///
    #[doc = talkover_core::errors_section!("delete-agent")]
    pub fn delete(&self, agent_id: impl Into<AgentId>) -> C::Call<Ack> {
        self.client.call(DeleteAgent::new(agent_id))
    }

    /// [Check optimized-costs eligibility](https://docs.talkover.ai/api-reference/endpoints/check-optimized-costs-eligibility).
    ///
    #[doc = talkover_core::errors_section!("check-optimized-costs-eligibility")]
    pub fn optimized_costs_eligibility(&self, agent_id: impl Into<AgentId>) -> C::Call<OptimizedCostsEligibility> {
        self.client.call(CheckOptimizedCostsEligibility::new(agent_id))
    }

    /// [Get an agent's price breakdown](https://docs.talkover.ai/api-reference/endpoints/get-agent-pricing).
    ///
    #[doc = talkover_core::errors_section!("get-agent-pricing")]
    pub fn pricing(&self, agent_id: impl Into<AgentId>) -> C::Call<AgentPricing> {
        self.client.call(GetAgentPricing::new(agent_id))
    }

    /// [Get a summary of an agent's price](https://docs.talkover.ai/api-reference/endpoints/get-agent-pricing-summary).
    ///
    #[doc = talkover_core::errors_section!("get-agent-pricing-summary")]
    pub fn pricing_summary(&self, agent_id: impl Into<AgentId>) -> C::Call<AgentPricingSummary> {
        self.client.call(GetAgentPricingSummary::new(agent_id))
    }

    /// The actions of one agent.
    pub fn actions(&self, agent_id: impl Into<AgentId>) -> Actions<'c, C> {
        Actions { client: self.client, agent_id: agent_id.into() }
    }

    /// The trainings of one agent.
    pub fn trainings(&self, agent_id: impl Into<AgentId>) -> Trainings<'c, C> {
        Trainings { client: self.client, agent_id: agent_id.into() }
    }
}

handler! {
    /// The actions of an agent: `client.agents().actions(&agent_id)`.
    ///
    /// ```no_run
    /// use talkover::actions::{ActionType, NewAction};
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let actions = client.agents().actions("550e8400-e29b-41d4-a716-446655440000");
    /// let action = actions.create(
    ///     NewAction::new("node-1", "Transfer Call", "Transfer to a human", ActionType::Transfer)
    ///         .transfer_to("+15551234567"),
    /// )?;
    /// actions.delete(&action.id)?;
    /// # Ok(()) }
    /// ```
    Actions { agent_id: AgentId }
}

impl<'c, C: Execute> Actions<'c, C> {
    /// [List the agent's actions](https://docs.talkover.ai/api-reference/endpoints/list-actions), a page at a
    /// time (20 by default); set the page size on the returned request, then `send()`, or take every action
    /// with `items()`.
    ///
    #[doc = talkover_core::errors_section!("list-actions")]
    pub fn list(&self) -> Pending<'c, C, ListActions> {
        Pending::new(self.client, ListActions::new(&self.agent_id))
    }

    /// [Create or update an action](https://docs.talkover.ai/api-reference/endpoints/create-action).
    ///
    #[doc = talkover_core::errors_section!("create-action")]
    pub fn create(&self, action: NewAction) -> C::Call<Action> {
        self.client.call(CreateAction::new(&self.agent_id, action))
    }

    /// [Delete an action](https://docs.talkover.ai/api-reference/endpoints/delete-action); the agent goes back
    /// to draft.
    ///
    #[doc = talkover_core::errors_section!("delete-action")]
    pub fn delete(&self, action_id: impl Into<ActionId>) -> C::Call<Ack> {
        self.client.call(DeleteAction::new(&self.agent_id, action_id))
    }
}

handler! {
    /// The trainings of an agent: `client.agents().trainings(&agent_id)`.
    ///
    /// ```no_run
    /// use talkover::trainings::NewTraining;
    ///
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let trainings = client.agents().trainings("550e8400-e29b-41d4-a716-446655440000");
    /// trainings.create(NewTraining::new("Refunds", "Refunds take five business days.")).await?;
    /// for training in trainings.list().await?.items {
    ///     println!("{}", training.subject);
    /// }
    /// # Ok(()) }
    /// ```
    Trainings { agent_id: AgentId }
}

impl<'c, C: Execute> Trainings<'c, C> {
    /// [List the agent's trainings](https://docs.talkover.ai/api-reference/endpoints/list-trainings), a page
    /// at a time (20 by default); set the page size on the returned request, then `send()`, or take every
    /// training with `items()`.
    ///
    #[doc = talkover_core::errors_section!("list-trainings")]
    pub fn list(&self) -> Pending<'c, C, ListTrainings> {
        Pending::new(self.client, ListTrainings::new(&self.agent_id))
    }

    /// [Create or update a training](https://docs.talkover.ai/api-reference/endpoints/create-training).
    ///
    #[doc = talkover_core::errors_section!("create-training")]
    pub fn create(&self, training: NewTraining) -> C::Call<Training> {
        self.client.call(CreateTraining::new(&self.agent_id, training))
    }

    /// [Delete a training](https://docs.talkover.ai/api-reference/endpoints/delete-training).
    ///
    #[doc = talkover_core::errors_section!("delete-training")]
    pub fn delete(&self, training_id: impl Into<TrainingId>) -> C::Call<Ack> {
        self.client.call(DeleteTraining::new(&self.agent_id, training_id))
    }
}

root_handler! {
    /// The integrations actions can use: `client.action_integrations()`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// for integration in client.action_integrations().list().await?.items {
    ///     println!("{}: {}", integration.identifier, integration.display_name);
    /// }
    /// # Ok(()) }
    /// ```
    ActionIntegrations
}

impl<C: Execute> ActionIntegrations<'_, C> {
    /// [List the integrations](https://docs.talkover.ai/api-reference/endpoints/list-action-integrations).
    ///
    #[doc = talkover_core::errors_section!("list-action-integrations")]
    pub fn list(&self) -> C::Call<Page<ActionIntegration>> {
        self.client.call(ListActionIntegrations::new())
    }
}
