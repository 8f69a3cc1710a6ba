//! Webhooks of agents and of campaigns: create, list, get, update, toggle, delete, test, their delivery
//! logs and retries. Deliveries themselves are [`crate::deliver`]'s.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Map, Value};
use talkover_core::actions::CustomHeader;
use talkover_core::agents::Direction;
use talkover_core::calls::CallStatus;
use talkover_core::webhook_delivery::TEST_EVENT;
use talkover_core::webhooks::{
    AgentWebhook, AgentWebhookEvent, CampaignWebhook, CampaignWebhookEvent, CampaignWebhookList, CreateCampaignWebhook,
    CreateWebhook, ListCampaignWebhookLogs, ListCampaignWebhooks, ListWebhookLogs, NewWebhook, UpdateCampaignWebhook,
    UpdateWebhook, WebhookChanges, WebhookEvent, WebhookRetry, WebhookStatus, WebhookTestResult,
};
use talkover_core::Operation;
use talkover_core::PagedOperation;

use super::live::{agent_delivery, campaign_delivery, event_name, HookSettings, Target};
use super::{documented, has_id, is_url, position_by_id, webhook_not_found, Answer, Request, State};
use crate::clock::delivery_timestamp;
use crate::deliver::{Attempt, Job};
use crate::reply::{merge, words, Invalid, Reply};

has_id!(AgentWebhook);

impl State {
    pub(super) fn list_webhooks(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let mut list = self.webhook_events.clone();
        list.webhooks = self.agents[index].webhooks.clone();
        Ok(Reply::data(200, None, list))
    }

    fn webhook(&self, req: &Request<'_>) -> Result<(usize, usize), Reply> {
        let index = self.agent_index(req)?;
        let webhook = position_by_id(&self.agents[index].webhooks, req.param("webhook_id"));
        webhook.map(|w| (index, w)).ok_or_else(|| webhook_not_found(req))
    }

    pub(super) fn get_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        Ok(Reply::data(200, None, &self.agents[a].webhooks[w]))
    }

    pub(super) fn delete_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        let removed = self.agents[a].webhooks.remove(w);
        self.forget_hook(removed.id.as_str());
        self.gone.insert(removed.id.as_str().to_owned());
        Ok(Reply::ack("Webhook deleted successfully"))
    }

    pub(super) fn create_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let (create, mut invalid) = req.decode::<CreateWebhook>()?;
        let body = create.body;
        check_new(&body, &mut invalid);
        invalid.check()?;
        let now = agent_webhook_now();
        let id = self.new_id();
        self.live.hooks.insert(id.clone(), settings_of(&body));
        // The documented defaults (a 30-second timeout, 3 retries, enabled), then what the body gives.
        let mut webhook = AgentWebhook::new(id, create.agent_id, "", "", Vec::new());
        merge(&mut webhook, &body)?;
        webhook.created_at = Some(now);
        refresh_webhook(&mut webhook);
        webhook.updated_at = webhook.created_at.clone();
        self.agents[index].webhooks.push(webhook.clone());
        Ok(Reply::data(200, Some("Webhook created successfully"), webhook))
    }

    pub(super) fn update_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        let (update, mut invalid) = req.decode::<UpdateWebhook>()?;
        req.refuse_blanks_create_requires(CreateWebhook::ID, &mut invalid)?;
        let changes = update.body;
        check_changes(&changes, &mut invalid);
        invalid.check()?;
        let webhook = &mut self.agents[a].webhooks[w];
        change_settings(self.live.hooks.entry(webhook.id.as_str().to_owned()).or_default(), &changes);
        merge(webhook, &changes)?;
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

/// The rules the API holds a new webhook to, beyond the core's checks.
fn check_new<E: WebhookEvent>(body: &NewWebhook<E>, invalid: &mut Invalid) {
    check_url_and_events(Some(&body.webhook_url), Some(&body.events), invalid);
    check_headers(body.custom_headers.as_ref(), invalid);
}

/// The rules the API holds a webhook's changes to, beyond the core's checks.
fn check_changes<E: WebhookEvent>(changes: &WebhookChanges<E>, invalid: &mut Invalid) {
    check_url_and_events(changes.webhook_url.as_ref(), changes.events.as_ref(), invalid);
    check_headers(changes.custom_headers.as_ref(), invalid);
}

/// Each custom header must be one a delivery can carry: a name that is an HTTP token, and a value of
/// visible characters. Refused here, a header that could never be sent does not fail every delivery later.
fn check_headers(headers: Option<&Vec<CustomHeader>>, invalid: &mut Invalid) {
    for (i, header) in headers.into_iter().flatten().enumerate() {
        let (key, value) = (format!("custom_headers.{i}.key"), format!("custom_headers.{i}.value"));
        if http::HeaderName::from_bytes(header.key.as_bytes()).is_err() {
            invalid.add(&key, format!("The {} must be a valid header name.", words(&key)));
        }
        if http::HeaderValue::from_str(header.value.expose_secret()).is_err() {
            invalid.add(&value, format!("The {} must be a valid header value.", words(&value)));
        }
    }
}

/// The rules the API holds a webhook's URL and events to, beyond the core's checks.
fn check_url_and_events<E: WebhookEvent>(url: Option<&String>, events: Option<&Vec<E>>, invalid: &mut Invalid) {
    if url.is_some_and(|u| !is_url(u)) {
        invalid.add("webhook_url", "The webhook url must be a valid URL.");
    }
    if events.is_some_and(Vec::is_empty) {
        // The core refuses an empty list too: one problem, answered once, in the page's words.
        invalid.forgive("events");
        invalid.add("events", "The events field must contain at least 1 items.");
    }
}

fn refresh_webhook(webhook: &mut AgentWebhook) {
    webhook.events_count = Some(webhook.events.len() as u32);
    webhook.status = Some(if webhook.enabled { WebhookStatus::Active } else { WebhookStatus::Disabled });
    webhook.updated_at = Some(agent_webhook_now());
}

/// The time now as an agent webhook's answers write it, to the microsecond as its pages show.
fn agent_webhook_now() -> talkover_core::Timestamp {
    crate::clock::micros_timestamp(crate::clock::request_ms()).into()
}

/// The delivery settings a new webhook's body gives (those its answers do not show).
fn settings_of<E: WebhookEvent>(body: &NewWebhook<E>) -> HookSettings {
    HookSettings {
        secret: body.webhook_secret.clone(),
        method: body.http_method.clone(),
        headers: body.custom_headers.clone().unwrap_or_default(),
        templates: templates(body.payload_templates.as_ref()),
    }
}

/// Payload templates by event name.
fn templates<E: WebhookEvent>(by_event: Option<&std::collections::BTreeMap<E, Value>>) -> HashMap<String, Value> {
    by_event.into_iter().flatten().map(|(event, template)| (event_name(event), template.clone())).collect()
}

/// Applies the delivery settings an update's body changes.
fn change_settings<E: WebhookEvent>(settings: &mut HookSettings, changes: &WebhookChanges<E>) {
    if let Some(secret) = &changes.webhook_secret {
        settings.secret = Some(secret.clone());
    }
    if let Some(method) = &changes.http_method {
        settings.method = Some(method.clone());
    }
    if let Some(headers) = &changes.custom_headers {
        settings.headers = headers.clone();
    }
    if changes.payload_templates.is_some() {
        settings.templates = templates(changes.payload_templates.as_ref());
    }
}

/// The answer test-webhook gives for how its delivery went.
pub(crate) fn test_answer(attempt: Option<Attempt>) -> Reply {
    let attempt = attempt.unwrap_or_else(|| Attempt { error: Some("Connection timeout".into()), ..Attempt::default() });
    match attempt.http_status {
        Some(status) if attempt.succeeded() => {
            let result = WebhookTestResult::new(status, attempt.duration_ms);
            Reply::data(200, Some("Test webhook sent successfully"), result)
        }
        Some(status) => {
            let reason = http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
            Reply::fail(200, format!("Webhook test failed: HTTP {status} {reason}").trim_end())
        }
        None => {
            let error = attempt.error.unwrap_or_else(|| "no answer".into());
            Reply::fail(200, &format!("Webhook test failed: {error}"))
        }
    }
}

impl State {
    /// The test delivery of an agent's webhook, for the emulator to send and wait for (test-webhook answers
    /// with how the target answered). Unknown agents and webhooks answer their documented 404s.
    pub(crate) fn test_webhook(&mut self, req: &Request<'_>) -> Result<Job, Reply> {
        let (a, w) = self.webhook(req)?;
        let (agent, hook) = (&self.agents[a].agent, &self.agents[a].webhooks[w]);
        let event = AgentWebhookEvent::from_text(TEST_EVENT);
        let payload =
            agent_delivery(agent, hook, event, &delivery_timestamp(self.live.clock.now_ms()), true, Map::new());
        // The test keeps to the webhook's timeout and retries (test-webhook's notes).
        let target = Target {
            webhook_id: hook.id.as_str(),
            url: &hook.webhook_url,
            timeout: hook.timeout,
            max_retries: hook.max_retries,
        };
        Ok(self.live.job(&target, TEST_EVENT.to_owned(), payload))
    }

    pub(super) fn list_webhook_logs(&mut self, req: &Request<'_>) -> Answer {
        self.webhook(req)?;
        let list = req.valid::<ListWebhookLogs>()?;
        Ok(self.logs_page(req.param("webhook_id"), &list))
    }

    pub(super) fn retry_webhook_log(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        let hook = &self.agents[a].webhooks[w];
        let target = (hook.id.as_str().to_owned(), hook.webhook_url.clone(), hook.timeout);
        self.retry(req, &target, hook.enabled, "Webhook retry queued successfully")
    }

    /// The page `list` asks for of a webhook's logs, newest first.
    fn logs_page<O: PagedOperation>(&self, webhook_id: &str, list: &O) -> Reply {
        let logs: Vec<_> = self.live.logs.get(webhook_id).into_iter().flatten().rev().collect();
        Reply::paged(list, &logs)
    }

    /// Queues a new attempt of a logged delivery with the webhook's current settings. A delivery that
    /// succeeded, whose retry is still waiting, whose own retries are not over (its last attempt says
    /// `retrying`: "will retry according to max_retries"), or one of a disabled webhook cannot be retried
    /// (the documented 422).
    fn retry(&mut self, req: &Request<'_>, target: &(String, String, u32), enabled: bool, message: &str) -> Answer {
        let (webhook_id, url, timeout) = target;
        let log_id = req.param("log_id");
        let logs = self.live.logs.get(webhook_id.as_str());
        let Some(original) = logs.into_iter().flatten().find(|l| l.id == log_id).cloned() else {
            return Err(documented(req, 404, Some("log"), "Webhook log not found."));
        };
        // Every attempt at the same delivery: one that succeeded or is still waiting makes the delivery not
        // retriable, and a new attempt is numbered after the last.
        let same: Vec<&crate::deliver::LogEntry> =
            logs.into_iter().flatten().filter(|l| l.delivery == original.delivery).collect();
        let done = same.iter().any(|l| matches!(l.status, "success" | "pending"));
        let retrying = same.iter().max_by_key(|l| l.attempt).is_some_and(|last| last.status == "retrying");
        if !enabled || done || retrying || matches!(original.status, "success" | "pending") {
            return Err(Reply::fail_code(422, "Log cannot be retried", "LOG_NOT_RETRIABLE"));
        }
        let next_attempt = same.iter().map(|l| l.attempt).max().unwrap_or(original.attempt) + 1;
        let payload = original.resend.map(|r| r.payload).unwrap_or(original.request_payload);
        let target = Target { webhook_id, url, timeout: *timeout, max_retries: 0 };
        let mut job = self.live.job(&target, original.event, payload);
        job.delivery = original.delivery;
        let (new_id, queued_at) = self.queue_logged(job, next_attempt);
        let mut retry = WebhookRetry::new(new_id, original.id);
        retry.queued_at = Some(queued_at.into());
        Ok(Reply::data(200, Some(message), retry))
    }

    /// Queues a delivery whose attempt `attempt` its caller does not wait for, with its `pending` entry in
    /// the webhook's logs ([`State::log_pending`]). Answers the entry's id and the time.
    fn queue_logged(&mut self, mut job: Job, attempt: u32) -> (String, String) {
        job.first_attempt = attempt;
        let now = self.live.clock.timestamp();
        let queued = self.log_pending(&mut job, now);
        self.live.outbox.push(job);
        queued
    }

    // -------------------------------------------------------------------------------------------------
    // Campaign webhooks

    fn campaign_hook(&self, req: &Request<'_>) -> Result<usize, Reply> {
        let campaign = self.campaign_index(req)?;
        let campaign_id = self.campaigns[campaign].id.as_str();
        let id = req.param("webhook_id");
        self.live
            .campaign_hooks
            .iter()
            .position(|w| w.id.as_str() == id && w.campaign_id.as_ref().is_some_and(|c| c.as_str() == campaign_id))
            .ok_or_else(|| documented(req, 404, Some("webhook"), "Webhook not found."))
    }

    pub(super) fn list_campaign_webhooks(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let campaign_id = self.campaigns[index].id.as_str();
        let webhooks: Vec<CampaignWebhook> = self
            .live
            .campaign_hooks
            .iter()
            .filter(|w| w.campaign_id.as_ref().is_some_and(|c| c.as_str() == campaign_id))
            .cloned()
            .collect();
        let recorded = req.catalog.documented::<ListCampaignWebhooks>();
        let available_events = recorded.map(|list| list.available_events).unwrap_or_default();
        let list = CampaignWebhookList::new(webhooks, available_events);
        Ok(Reply::data(200, None, list))
    }

    pub(super) fn create_campaign_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let (create, mut invalid) = req.decode::<CreateCampaignWebhook>()?;
        let hook = create.body;
        check_new(&hook, &mut invalid);
        invalid.check()?;
        let id = self.new_id();
        let now = self.live.clock.timestamp();
        let mut webhook = CampaignWebhook::new(id.clone());
        merge(&mut webhook, &hook)?;
        webhook.campaign_id = Some(self.campaigns[index].id.clone());
        // What the body leaves out takes the documented default.
        webhook.enabled.get_or_insert(true);
        webhook.timeout.get_or_insert(30);
        webhook.max_retries.get_or_insert(3);
        webhook.include_call_events.get_or_insert(false);
        webhook.created_at = Some(now.clone().into());
        webhook.updated_at = Some(now.into());
        self.live.hooks.insert(id, settings_of(&hook));
        self.live.campaign_hooks.push(webhook.clone());
        Ok(Reply::data(200, None, webhook))
    }

    pub(super) fn get_campaign_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_hook(req)?;
        Ok(Reply::data(200, None, &self.live.campaign_hooks[index]))
    }

    pub(super) fn update_campaign_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_hook(req)?;
        let (update, mut invalid) = req.decode::<UpdateCampaignWebhook>()?;
        req.refuse_blanks_create_requires(CreateCampaignWebhook::ID, &mut invalid)?;
        let changes = update.body;
        check_changes(&changes, &mut invalid);
        invalid.check()?;
        let now = self.live.clock.timestamp();
        let webhook = &mut self.live.campaign_hooks[index];
        change_settings(self.live.hooks.entry(webhook.id.as_str().to_owned()).or_default(), &changes);
        merge(webhook, &changes)?;
        webhook.updated_at = Some(now.into());
        Ok(Reply::data(200, Some("Campaign webhook updated"), webhook.clone()))
    }

    pub(super) fn delete_campaign_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_hook(req)?;
        let removed = self.live.campaign_hooks.remove(index);
        self.forget_hook(removed.id.as_str());
        Ok(Reply::ack("Campaign webhook deleted"))
    }

    pub(super) fn toggle_campaign_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_hook(req)?;
        let now = self.live.clock.timestamp();
        let webhook = &mut self.live.campaign_hooks[index];
        let enabled = !webhook.enabled.unwrap_or(true);
        webhook.enabled = Some(enabled);
        webhook.updated_at = Some(crate::clock::stamp(now));
        let message = if enabled { "Webhook enabled" } else { "Webhook disabled" };
        let mut toggled = CampaignWebhook::new(webhook.id.clone());
        toggled.enabled = Some(enabled);
        Ok(Reply::data(200, Some(message), toggled))
    }

    /// Sends the first event the webhook subscribes to, marked as a test, in the background: a synthetic
    /// event of that kind (test-campaign-webhook), with the fields a real one has (a campaign call's id,
    /// number and status, say), and `test: true`, through the webhook's template if it has one for it. The
    /// page documents one answer, that the payload was dispatched, so the test does not wait for the
    /// target: how the delivery went is in the webhook's logs, where it is `pending` until its attempt is
    /// made.
    pub(super) fn test_campaign_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_hook(req)?;
        let campaign_index = self.campaign_index(req)?;
        let first = self.live.campaign_hooks[index].events.as_ref().and_then(|e| e.first()).cloned();
        let event = first.unwrap_or_else(|| CampaignWebhookEvent::from_text(TEST_EVENT));
        let name = event_name(&event);
        let now_ms = self.live.clock.now_ms();
        let fields = self.synthetic_fields(campaign_index, &event, now_ms);
        let details = self.campaign_details(self.campaigns[campaign_index].id.as_str());
        let hook = &self.live.campaign_hooks[index];
        let payload = campaign_delivery(&details, hook, event, &delivery_timestamp(now_ms), true, fields);
        // The test keeps to the webhook's timeout and retries, as an agent webhook's test does.
        let job = self.live.job(&Target::of_campaign_hook(hook), name, payload);
        self.queue_logged(job, 1);
        Ok(Reply::ack("Test payload dispatched"))
    }

    pub(super) fn list_campaign_webhook_logs(&mut self, req: &Request<'_>) -> Answer {
        self.campaign_hook(req)?;
        let list = req.valid::<ListCampaignWebhookLogs>()?;
        Ok(self.logs_page(req.param("webhook_id"), &list))
    }

    pub(super) fn retry_campaign_webhook_log(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_hook(req)?;
        let hook = &self.live.campaign_hooks[index];
        let target =
            (hook.id.as_str().to_owned(), hook.webhook_url.clone().unwrap_or_default(), hook.timeout.unwrap_or(30));
        self.retry(req, &target, hook.enabled.unwrap_or(true), "Webhook retry queued")
    }
}

impl State {
    /// The fields of a synthetic `event` of a campaign's, for its webhooks' test: those a real one has
    /// beside the envelope, with made-up ids and a sample number (one the emulator would complete). A
    /// campaign event has none of its own.
    fn synthetic_fields(&mut self, campaign: usize, event: &CampaignWebhookEvent, now_ms: i64) -> Map<String, Value> {
        use CampaignWebhookEvent::*;
        const TO: &str = "+15550001234";
        let status = match event {
            CampaignCallQueued => CallStatus::Queued,
            CampaignCallStarted => CallStatus::Initiated,
            CampaignCallRetryScheduled => CallStatus::NoAnswer,
            CampaignCallFailed => CallStatus::Failed,
            CampaignCallCompleted | Recording | CallTranscript | CallReport => CallStatus::Completed,
            _ => return Map::new(),
        };
        let call_id = self.new_id();
        let mut fields = Map::new();
        if matches!(event, Recording | CallTranscript | CallReport) {
            // A call's own event, as an agent's call reports it.
            fields.insert("call_id".into(), json!(call_id));
            fields.insert("call_sid".into(), json!(format!("CA{}", call_id.replace('-', ""))));
            fields.insert("to".into(), json!(TO));
            fields.insert("from".into(), json!("+15550100000"));
            fields.insert("direction".into(), json!(Direction::Outbound));
            fields.insert("status".into(), json!(status));
            fields.insert("duration".into(), json!(2));
            return fields;
        }
        fields.insert("campaign_call_id".into(), json!(self.new_id()));
        fields.insert("to".into(), json!(TO));
        fields.insert("status".into(), json!(status));
        let retried = matches!(event, CampaignCallRetryScheduled);
        fields.insert("retries".into(), json!(u32::from(retried)));
        if !matches!(event, CampaignCallQueued) {
            fields.insert("call_id".into(), json!(call_id));
        }
        if matches!(event, CampaignCallCompleted | CampaignCallRetryScheduled | CampaignCallFailed) {
            fields.insert("duration".into(), json!(if status == CallStatus::Completed { 2 } else { 0 }));
        }
        if retried {
            let hours = self.campaigns[campaign].no_answer_cooldown_hours;
            let hours = hours.or(self.campaigns[campaign].retry_cooldown_hours).unwrap_or(24);
            let at = now_ms.saturating_add(i64::from(hours) * 3_600_000);
            fields.insert("scheduled_at".into(), json!(crate::clock::timestamp(at)));
        }
        fields
    }
}

/// How long test-webhook waits for its delivery before answering that it timed out.
pub(crate) fn test_wait(job: &Job) -> Duration {
    let attempts = job.max_retries.min(crate::deliver::MAX_RETRIES) + 1;
    // Each attempt within the timeout, the pauses between them, and a second to spare.
    let pauses: Duration = (0..attempts - 1).map(crate::deliver::pause_after).sum();
    job.timeout.min(crate::deliver::MAX_TIMEOUT) * attempts + pauses + Duration::from_secs(1)
}
