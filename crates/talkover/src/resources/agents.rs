//! Handlers for agents, their actions and their trainings.

use talkover_core::actions::{
    Action, ActionId, ActionIntegration, CreateAction, DeleteAction, ListActionIntegrations, ListActions, NewAction,
};
use talkover_core::agents::*;
use talkover_core::trainings::{CreateTraining, DeleteTraining, ListTrainings, NewTraining, Training, TrainingId};

use crate::resources::{entry_point, handler, root_handler};
use talkover_core::execute::Execute;

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
}

handler! {
    /// The actions of an agent: `client.agents().actions(&agent_id)`. Creating, updating or deleting an
    /// action sets a published agent back to draft (the API's doing, as its pages say): publish it again
    /// ([`Agents::publish`]) for it to take calls.
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
    /// // Both left the agent a draft: it takes calls again once published.
    /// client.agents().publish("550e8400-e29b-41d4-a716-446655440000")?;
    /// # Ok(()) }
    /// ```
    Actions { agent_id: AgentId }
    /// The actions of one agent.
    from Agents::actions
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
    /// The trainings of one agent.
    from Agents::trainings
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

// The methods of the operations whose declaration names a handler here.
talkover_core::actions_operations!(handlers Actions $);
talkover_core::actions_operations!(handlers ActionIntegrations $);
talkover_core::agents_operations!(handlers Agents $);
talkover_core::trainings_operations!(handlers Trainings $);
