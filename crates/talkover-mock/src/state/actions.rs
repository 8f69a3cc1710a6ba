//! An agent's actions and trainings, upserted by flow node.
//!
//! An action's `url` and `authorization_url` must be URLs, and `execution_mode` `post_call` is accepted
//! only for an `external` action (create-action, the core's check of the request); the `integration`
//! an action names (its `id`, and any settings beside it) is read as the types read it, not looked up in the catalog of
//! list-action-integrations, whose own example action names an integration that catalog does not list.

use talkover_core::actions::{Action, ActiveStatus, CreateAction, ListActions};
use talkover_core::agents::Agent;
use talkover_core::time::Timestamp;
use talkover_core::trainings::{CreateTraining, ListTrainings, Training};
use talkover_core::PagedOperation;

use super::{documented, has_id, is_url, now, position_by_id, remove_by_id, AgentEntry, Answer, HasId, Request, State};
use crate::reply::{words, Reply};

has_id!(Action, Training);

/// What an agent keeps by flow node (its actions and its trainings): where the items and the nodes' ids
/// are kept, the path parameter naming one item, and the documented 404 for an id the agent does not have.
trait NodeItem: HasId + Clone + serde::Serialize {
    const PARAM: &'static str;
    const HINT: &'static str;
    const NOT_FOUND: &'static str;
    fn of(agent: &Agent) -> &Option<Vec<Self>>;
    fn of_mut(agent: &mut Agent) -> &mut Option<Vec<Self>>;
    fn nodes(entry: &mut AgentEntry) -> &mut Vec<(String, String)>;
    fn created_at(&self) -> Option<Timestamp>;
    /// Sets what every saved item has: its status and when it was created and last changed.
    fn settle(&mut self, status: ActiveStatus, created_at: Timestamp, updated_at: Timestamp);
}

macro_rules! node_item {
    ($item:ty, $items:ident, $nodes:ident, $param:literal, $hint:literal, $not_found:literal) => {
        impl NodeItem for $item {
            const PARAM: &'static str = $param;
            const HINT: &'static str = $hint;
            const NOT_FOUND: &'static str = $not_found;
            fn of(agent: &Agent) -> &Option<Vec<Self>> {
                &agent.$items
            }
            fn of_mut(agent: &mut Agent) -> &mut Option<Vec<Self>> {
                &mut agent.$items
            }
            fn nodes(entry: &mut AgentEntry) -> &mut Vec<(String, String)> {
                &mut entry.$nodes
            }
            fn created_at(&self) -> Option<Timestamp> {
                self.created_at.clone()
            }
            fn settle(&mut self, status: ActiveStatus, created_at: Timestamp, updated_at: Timestamp) {
                self.current_status = Some(status);
                self.created_at = Some(created_at);
                self.updated_at = Some(updated_at);
            }
        }
    };
}

node_item!(Action, actions, action_nodes, "action_id", "action", "Action not found");
node_item!(Training, trainings, training_nodes, "training_id", "training", "Training not found");

impl State {
    /// Saves the item `build` makes from its id for flow node `node` of agent `index`: the node's item is
    /// replaced (keeping its id and when it was created), else a new one is added and the node remembered
    /// (an item for no node is always new). Status is `active` unless asked.
    fn upsert_by_node<T: NodeItem>(
        &mut self,
        index: usize,
        node: Option<String>,
        status: Option<ActiveStatus>,
        build: impl FnOnce(&str) -> T,
    ) -> T {
        let now = now();
        let nodes = T::nodes(&mut self.agents[index]);
        let existing = node.as_ref().and_then(|node| nodes.iter().find(|(n, _)| n == node).cloned());
        let id = existing.as_ref().map(|(_, id)| id.clone()).unwrap_or_else(|| self.new_id());
        let entry = &mut self.agents[index];
        let items = T::of_mut(&mut entry.agent).get_or_insert_with(Vec::new);
        let position = position_by_id(items, &id);
        let created_at = position.and_then(|p| items[p].created_at());
        let mut item = build(&id);
        item.settle(status.unwrap_or(ActiveStatus::Active), created_at.unwrap_or_else(|| now.clone()), now);
        match position {
            Some(p) => items[p] = item.clone(),
            None => items.push(item.clone()),
        }
        if let (None, Some(node)) = (existing, node) {
            T::nodes(entry).push((node, id));
        }
        item
    }

    /// Deletes the item the path names and forgets its node.
    fn delete_by_id<T: NodeItem>(&mut self, req: &Request<'_>, message: &str) -> Answer {
        let index = self.agent_index(req)?;
        let id = req.param(T::PARAM);
        let entry = &mut self.agents[index];
        remove_by_id(T::of_mut(&mut entry.agent).get_or_insert_with(Vec::new), id, || {
            documented(req, 404, Some(T::HINT), T::NOT_FOUND)
        })?;
        T::nodes(entry).retain(|(_, node_id)| node_id != id);
        self.changed(req, index);
        Ok(Reply::ack(message))
    }

    /// The agent's list of `T`s, whole or the page `O`'s query asks for.
    fn list_of<T: NodeItem, O: PagedOperation + 'static>(&self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let list = req.valid::<O>()?;
        Ok(Reply::paged(&list, T::of(&self.agents[index].agent).as_deref().unwrap_or_default()))
    }

    pub(super) fn list_actions(&mut self, req: &Request<'_>) -> Answer {
        self.list_of::<Action, ListActions>(req)
    }

    pub(super) fn create_action(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let (create, mut invalid) = req.decode::<CreateAction>()?;
        let body = create.body;
        for (field, url) in [("url", &body.url), ("authorization_url", &body.authorization_url)] {
            if url.as_deref().is_some_and(|u| !is_url(u)) {
                invalid.add(field, format!("The {} must be a valid URL.", words(field)));
            }
        }
        // `post_call` for an action other than `external` is refused by the core's check.
        invalid.check()?;

        let action = self.upsert_by_node(index, Some(body.node_id.into_string()), body.current_status, |id| {
            let mut action = Action::new(id, body.name.clone(), body.action_type);
            action.label = Some(body.name);
            action.description = Some(body.description);
            action.input_schema = body.inputs.unwrap_or_default();
            action.url = body.url;
            action.authorization_url = body.authorization_url;
            action.trigger = body.trigger;
            action.config = body.config.map(serde_json::Value::Object);
            action
        });
        self.changed(req, index);
        Ok(Reply::data(200, Some("Agent action updated successfully"), action))
    }

    pub(super) fn delete_action(&mut self, req: &Request<'_>) -> Answer {
        self.delete_by_id::<Action>(req, "Agent action deleted successfully")
    }

    pub(super) fn list_trainings(&mut self, req: &Request<'_>) -> Answer {
        self.list_of::<Training, ListTrainings>(req)
    }

    pub(super) fn create_training(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body = req.valid::<CreateTraining>()?.body;

        let training = self.upsert_by_node(index, body.node_id.map(|id| id.into_string()), body.current_status, |id| {
            Training::new(id, body.subject, body.instructions)
        });
        self.changed(req, index);
        Ok(Reply::data(200, Some("Agent training updated successfully"), training))
    }

    pub(super) fn delete_training(&mut self, req: &Request<'_>) -> Answer {
        self.delete_by_id::<Training>(req, "Agent training deleted successfully")
    }
}
