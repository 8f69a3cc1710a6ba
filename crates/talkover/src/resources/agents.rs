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
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | — | the token is missing, invalid or expired |
    /// | 422 | — | a field fails the API's checks (`err.field_errors()` lists them) |
    /// | 429 | — | too many requests: retried after `Retry-After` within the retry policy |
    pub fn list(&self) -> Pending<'c, C, ListAgents> {
        Pending::new(self.client, ListAgents::new())
    }

    /// [Create an agent](https://docs.talkover.ai/api-reference/endpoints/create-agent) (as a draft).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | — | the token is missing, invalid or expired |
    /// | 422 | — | a field fails the API's checks (`err.field_errors()` lists them) |
    /// | 429 | — | too many requests: retried after `Retry-After` within the retry policy |
    pub fn create(&self, agent: CreateAgentBody) -> C::Call<Agent> {
        self.client.call(CreateAgent::new(agent))
    }

    /// [Get an agent](https://docs.talkover.ai/api-reference/endpoints/get-agent).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn get(&self, agent_id: impl Into<AgentId>) -> C::Call<Agent> {
        self.client.call(GetAgent::new(agent_id))
    }

    /// [Update an agent's knowledge](https://docs.talkover.ai/api-reference/endpoints/update-agent-knowledge).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 422 | `VALIDATION_ERROR` | the body failed the API's checks; the field problems are in `Error::field_errors()` |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn update_knowledge(&self, agent_id: impl Into<AgentId>, knowledge: AgentKnowledge) -> C::Call<Agent> {
        self.client.call(UpdateAgentKnowledge::new(agent_id, knowledge))
    }

    /// [Update an agent's voice](https://docs.talkover.ai/api-reference/endpoints/update-agent-voice).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 404 | `VOICE_NOT_FOUND` | the voice asked for does not exist |
    /// | 422 | `VALIDATION_ERROR` | the body failed the API's checks; the field problems are in `Error::field_errors()` |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn update_voice(&self, agent_id: impl Into<AgentId>, voice: AgentVoiceSettings) -> C::Call<Agent> {
        self.client.call(UpdateAgentVoice::new(agent_id, voice))
    }

    /// [Update an agent's calling settings](https://docs.talkover.ai/api-reference/endpoints/update-agent-calling).
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn update_calling(&self, agent_id: impl Into<AgentId>, calling: AgentCallingSettings) -> C::Call<AgentCalling> {
        self.client.call(UpdateAgentCalling::new(agent_id, calling))
    }

    /// [Update an agent's advanced settings](https://docs.talkover.ai/api-reference/endpoints/update-advanced-settings).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 422 | `OPTIMIZED_COSTS_NOT_ELIGIBLE` | the agent does not qualify for optimized costs |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn update_advanced_settings(
        &self,
        agent_id: impl Into<AgentId>,
        settings: AdvancedSettings,
    ) -> C::Call<AgentAdvancedSettings> {
        self.client.call(UpdateAdvancedSettings::new(agent_id, settings))
    }

    /// [Publish an agent](https://docs.talkover.ai/api-reference/endpoints/publish-agent).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 422 | — | the agent is not ready to publish (its `is_ready_to_publish` is false): it must be configured first (knowledge, voice, calling settings); the answer says what is missing |
    pub fn publish(&self, agent_id: impl Into<AgentId>) -> C::Call<AgentStatusChange> {
        self.client.call(PublishAgent::new(agent_id))
    }

    /// [Unpublish an agent](https://docs.talkover.ai/api-reference/endpoints/unpublish-agent): back to draft,
    /// keeping everything attached to it.
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn unpublish(&self, agent_id: impl Into<AgentId>) -> C::Call<AgentStatusChange> {
        self.client.call(UnpublishAgent::new(agent_id))
    }

    /// [Delete an agent](https://docs.talkover.ai/api-reference/endpoints/delete-agent).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 409 | `AGENT_HAS_ACTIVE_CALLS` | the agent is on a call right now, so it cannot be deleted yet |
    /// | 409 | `AGENT_IS_PUBLISHED` | a published agent cannot be deleted; unpublish it, then delete it |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn delete(&self, agent_id: impl Into<AgentId>) -> C::Call<Ack> {
        self.client.call(DeleteAgent::new(agent_id))
    }

    /// [Check optimized-costs eligibility](https://docs.talkover.ai/api-reference/endpoints/check-optimized-costs-eligibility).
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn optimized_costs_eligibility(&self, agent_id: impl Into<AgentId>) -> C::Call<OptimizedCostsEligibility> {
        self.client.call(CheckOptimizedCostsEligibility::new(agent_id))
    }

    /// [Get an agent's price breakdown](https://docs.talkover.ai/api-reference/endpoints/get-agent-pricing).
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn pricing(&self, agent_id: impl Into<AgentId>) -> C::Call<AgentPricing> {
        self.client.call(GetAgentPricing::new(agent_id))
    }

    /// [Get a summary of an agent's price](https://docs.talkover.ai/api-reference/endpoints/get-agent-pricing-summary).
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
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
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 500 | `SERVER_ERROR` | the server failed; trying again later may work |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn list(&self) -> Pending<'c, C, ListActions> {
        Pending::new(self.client, ListActions::new(&self.agent_id))
    }

    /// [Create or update an action](https://docs.talkover.ai/api-reference/endpoints/create-action).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 422 | `VALIDATION_ERROR` | the body failed the API's checks; the field problems are in `Error::field_errors()` |
    /// | 500 | `SERVER_ERROR` | the server failed; trying again later may work |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn create(&self, action: NewAction) -> C::Call<Action> {
        self.client.call(CreateAction::new(&self.agent_id, action))
    }

    /// [Delete an action](https://docs.talkover.ai/api-reference/endpoints/delete-action); the agent goes back
    /// to draft.
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `ACTION_NOT_FOUND` | no action with this id belongs to the agent |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 500 | `SERVER_ERROR` | the server failed; trying again later may work |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
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
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 500 | `SERVER_ERROR` | the server failed; trying again later may work |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn list(&self) -> Pending<'c, C, ListTrainings> {
        Pending::new(self.client, ListTrainings::new(&self.agent_id))
    }

    /// [Create or update a training](https://docs.talkover.ai/api-reference/endpoints/create-training).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 422 | `VALIDATION_ERROR` | the body failed the API's checks; the field problems are in `Error::field_errors()` |
    /// | 500 | `SERVER_ERROR` | the server failed; trying again later may work |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn create(&self, training: NewTraining) -> C::Call<Training> {
        self.client.call(CreateTraining::new(&self.agent_id, training))
    }

    /// [Delete a training](https://docs.talkover.ai/api-reference/endpoints/delete-training).
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 401 | `INVALID_TOKEN` | the bearer token is missing, malformed or revoked |
    /// | 403 | `UNAUTHORIZED` | the caller may not act on this resource |
    /// | 404 | `AGENT_NOT_FOUND` | no agent with this id in the account |
    /// | 404 | `TRAINING_NOT_FOUND` | no training with this id belongs to the agent |
    /// | 500 | `SERVER_ERROR` | the server failed; trying again later may work |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
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
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn list(&self) -> C::Call<Page<ActionIntegration>> {
        self.client.call(ListActionIntegrations::new())
    }
}
