//! An agent's actions and trainings, upserted by flow node.

use talkover_core::actions::{Action, ActiveStatus, CreateAction};
use talkover_core::trainings::{CreateTraining, Training};

use super::{documented, is_url, now, Answer, Request, State};
use crate::reply::{words, Reply};

impl State {
    pub(super) fn list_actions(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        Ok(Reply::list(self.agents[index].agent.actions.clone().unwrap_or_default(), None, None))
    }

    pub(super) fn create_action(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let (create, mut invalid) = req.decode::<CreateAction>()?;
        let body = create.body;
        invalid.documented("type", Some(&body.action_type));
        for (field, url) in [("url", &body.url), ("authorization_url", &body.authorization_url)] {
            if url.as_deref().is_some_and(|u| !is_url(u)) {
                invalid.add(field, format!("The {} must be a valid URL.", words(field)));
            }
        }
        invalid.documented("current_status", body.current_status.as_ref());
        invalid.check()?;

        let now = now();
        let existing = self.agents[index].action_nodes.iter().find(|(node, _)| *node == body.node_id).cloned();
        let id = existing.as_ref().map(|(_, id)| id.clone()).unwrap_or_else(|| self.new_id());
        let entry = &mut self.agents[index];
        let actions = entry.agent.actions.get_or_insert_with(Vec::new);
        let created_at = actions.iter().find(|a| a.id.as_str() == id).and_then(|a| a.created_at.clone());
        let mut action = Action::new(id.as_str(), body.name.clone(), body.action_type);
        action.label = Some(body.name);
        action.description = Some(body.description);
        action.input_schema = body.inputs.unwrap_or_default();
        action.url = body.url;
        action.authorization_url = body.authorization_url;
        action.current_status = Some(body.current_status.unwrap_or(ActiveStatus::Active));
        action.created_at = Some(created_at.unwrap_or_else(|| now.clone()));
        action.updated_at = Some(now);
        match actions.iter_mut().find(|a| a.id == action.id) {
            Some(slot) => *slot = action.clone(),
            None => actions.push(action.clone()),
        }
        if existing.is_none() {
            entry.action_nodes.push((body.node_id, id));
        }
        self.changed(index);
        Ok(Reply::data(200, Some("Agent action updated successfully"), action))
    }

    pub(super) fn delete_action(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let action_id = req.param("action_id");
        let entry = &mut self.agents[index];
        let actions = entry.agent.actions.get_or_insert_with(Vec::new);
        let Some(position) = actions.iter().position(|a| a.id.as_str() == action_id) else {
            return Err(documented(req, 404, Some("action"), "Action not found"));
        };
        actions.remove(position);
        entry.action_nodes.retain(|(_, id)| id != action_id);
        // Deleting an action takes the agent back to draft: it must be published again.
        self.changed(index);
        Ok(Reply::ack("Agent action deleted successfully"))
    }

    pub(super) fn list_trainings(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        Ok(Reply::list(self.agents[index].agent.trainings.clone().unwrap_or_default(), None, None))
    }

    pub(super) fn create_training(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let (create, mut invalid) = req.decode::<CreateTraining>()?;
        let body = create.body;
        invalid.documented("current_status", body.current_status.as_ref());
        invalid.check()?;

        let now = now();
        let existing = body
            .node_id
            .as_ref()
            .and_then(|node| self.agents[index].training_nodes.iter().find(|(n, _)| n == node).cloned());
        let id = existing.as_ref().map(|(_, id)| id.clone()).unwrap_or_else(|| self.new_id());
        let entry = &mut self.agents[index];
        let trainings = entry.agent.trainings.get_or_insert_with(Vec::new);
        let created_at = trainings.iter().find(|t| t.id.as_str() == id).and_then(|t| t.created_at.clone());
        let mut training = Training::new(id.as_str(), body.subject, body.instructions);
        training.current_status = Some(body.current_status.unwrap_or(ActiveStatus::Active));
        training.created_at = Some(created_at.unwrap_or_else(|| now.clone()));
        training.updated_at = Some(now);
        match trainings.iter_mut().find(|t| t.id == training.id) {
            Some(slot) => *slot = training.clone(),
            None => trainings.push(training.clone()),
        }
        if let (None, Some(node)) = (&existing, body.node_id) {
            entry.training_nodes.push((node, id));
        }
        self.changed(index);
        Ok(Reply::data(200, Some("Agent training updated successfully"), training))
    }

    pub(super) fn delete_training(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let training_id = req.param("training_id");
        let entry = &mut self.agents[index];
        let trainings = entry.agent.trainings.get_or_insert_with(Vec::new);
        let Some(position) = trainings.iter().position(|t| t.id.as_str() == training_id) else {
            return Err(documented(req, 404, Some("training"), "Training not found"));
        };
        trainings.remove(position);
        entry.training_nodes.retain(|(_, id)| id != training_id);
        self.changed(index);
        Ok(Reply::ack("Agent training deleted successfully"))
    }
}
