//! An agent's webhooks: create, list, get, update, toggle, delete.

use talkover_core::webhooks::{AgentWebhook, AgentWebhookEvent, CreateWebhook, UpdateWebhook, WebhookStatus};

use super::{is_url, now, webhook_not_found, Answer, Request, State};
use crate::reply::{Invalid, Reply};

impl State {
    pub(super) fn list_webhooks(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let mut list = self.webhook_events.clone();
        list.webhooks = self.agents[index].webhooks.clone();
        Ok(Reply::data(200, None, list))
    }

    fn webhook(&self, req: &Request<'_>) -> Result<(usize, usize), Reply> {
        let index = self.agent_index(req)?;
        let id = req.param("webhook_id");
        let webhook = self.agents[index].webhooks.iter().position(|w| w.id.as_str() == id);
        webhook.map(|w| (index, w)).ok_or_else(|| webhook_not_found(req))
    }

    pub(super) fn get_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        Ok(Reply::data(200, None, &self.agents[a].webhooks[w]))
    }

    pub(super) fn delete_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        self.agents[a].webhooks.remove(w);
        Ok(Reply::ack("Webhook deleted successfully"))
    }

    pub(super) fn create_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let (create, mut invalid) = req.decode::<CreateWebhook>()?;
        let body = create.body;
        check_url_and_events(Some(&body.webhook_url), Some(&body.events), &mut invalid);
        invalid.check()?;
        let now = now();
        let id = self.new_id();
        let mut webhook = AgentWebhook::new(id, create.agent_id, body.name, body.webhook_url, body.events);
        webhook.timeout = body.timeout.unwrap_or(webhook.timeout);
        webhook.max_retries = body.max_retries.unwrap_or(webhook.max_retries);
        webhook.enabled = body.enabled.unwrap_or(true);
        webhook.created_at = Some(now);
        refresh_webhook(&mut webhook);
        webhook.updated_at = webhook.created_at.clone();
        self.agents[index].webhooks.push(webhook.clone());
        Ok(Reply::data(200, Some("Webhook created successfully"), webhook))
    }

    pub(super) fn update_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        let (update, mut invalid) = req.decode::<UpdateWebhook>()?;
        let changes = update.body;
        check_url_and_events(changes.webhook_url.as_ref(), changes.events.as_ref(), &mut invalid);
        invalid.check()?;
        let webhook = &mut self.agents[a].webhooks[w];
        if let Some(name) = changes.name {
            webhook.name = name;
        }
        if let Some(url) = changes.webhook_url {
            webhook.webhook_url = url;
        }
        if let Some(events) = changes.events {
            webhook.events = events;
        }
        if let Some(timeout) = changes.timeout {
            webhook.timeout = timeout;
        }
        if let Some(retries) = changes.max_retries {
            webhook.max_retries = retries;
        }
        if let Some(enabled) = changes.enabled {
            webhook.enabled = enabled;
        }
        refresh_webhook(webhook);
        Ok(Reply::data(200, Some("Webhook updated successfully"), webhook.clone()))
    }

    pub(super) fn toggle_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        let webhook = &mut self.agents[a].webhooks[w];
        webhook.enabled = !webhook.enabled;
        refresh_webhook(webhook);
        let message = if webhook.enabled { "Webhook enabled" } else { "Webhook disabled" };
        Ok(Reply::data(200, Some(message), webhook.clone()))
    }
}

/// The rules the API holds a webhook's URL and events to, beyond the core's checks.
fn check_url_and_events(url: Option<&String>, events: Option<&Vec<AgentWebhookEvent>>, invalid: &mut Invalid) {
    if url.is_some_and(|u| !is_url(u)) {
        invalid.add("webhook_url", "The webhook url must be a valid URL.");
    }
    if events.is_some_and(Vec::is_empty) {
        invalid.add("events", "The events field must contain at least 1 items.");
    }
    for (i, event) in events.into_iter().flatten().enumerate() {
        invalid.documented(&format!("events.{i}"), Some(event));
    }
}

fn refresh_webhook(webhook: &mut AgentWebhook) {
    webhook.events_count = Some(webhook.events.len() as u32);
    webhook.status = Some(if webhook.enabled { WebhookStatus::Active } else { WebhookStatus::Disabled });
    webhook.updated_at = Some(now());
}
