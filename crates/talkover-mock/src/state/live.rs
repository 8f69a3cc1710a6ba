//! What moves on its own: the emulator's clock, the calls it drives, and the webhook deliveries the
//! changes emit (settings that answers do not show, logs of every attempt, the outbox of events to send).

use std::collections::HashMap;
use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Map, Value};
use talkover_core::actions::CustomHeader;
use talkover_core::agents::{Agent, AgentId};
use talkover_core::campaigns::CampaignStatus;
use talkover_core::time::DateTime;
use talkover_core::webhook_delivery::WebhookDelivery;
use talkover_core::webhooks::{
    AgentWebhook, AgentWebhookEvent, CampaignWebhook, CampaignWebhookEvent, WebhookEvent, WebhookHttpMethod,
    WebhookStatus,
};
use talkover_core::SecretString;

use super::State;
use crate::clock::Clock;
use crate::deliver::{Attempt, Job, LogEntry, Resend};

/// The most log entries the emulator keeps of one webhook: past it the oldest finished ones go
/// ([`keep_log`]), so that a long-lived emulator's memory stays bounded (an entry holds its payload and up
/// to 64 KiB of answer).
pub(crate) const MAX_LOGS_PER_WEBHOOK: usize = 1_000;

/// Adds `entry` to `logs`, the oldest finished entry going past [`MAX_LOGS_PER_WEBHOOK`]: a delivery still
/// waiting or to be tried again keeps its entry (the queue's bound holds those), so that it is `pending`
/// until its target answers, as the logs say.
fn keep_log(logs: &mut Vec<LogEntry>, entry: LogEntry) {
    while logs.len() >= MAX_LOGS_PER_WEBHOOK {
        let finished = logs.iter().position(|l| !matches!(l.status, "pending" | "retrying"));
        logs.remove(finished.unwrap_or(0));
    }
    logs.push(entry);
}

/// The part of the state that time and deliveries change.
pub(crate) struct Live {
    /// Which of the states made in this process this is ([`State::born`](super::State::born)).
    pub(super) born: u64,
    pub(crate) clock: Clock,
    /// Delivery settings the answers do not show, by webhook id (agent and campaign webhooks alike).
    pub(super) hooks: HashMap<String, HookSettings>,
    /// Every delivery attempt, by webhook id, oldest first: at most [`MAX_LOGS_PER_WEBHOOK`] a webhook.
    pub(super) logs: HashMap<String, Vec<LogEntry>>,
    /// Campaign webhooks, in creation order.
    pub(super) campaign_hooks: Vec<CampaignWebhook>,
    /// Campaign calls being dialled.
    pub(super) dials: Vec<super::campaigns::Dial>,
    /// Deliveries to start.
    pub(super) outbox: Vec<Job>,
    /// The clock's time at the last tick.
    pub(super) last_tick_ms: i64,
    /// The time up to which scheduled recharges have been recorded: a tick's calls are charged at the
    /// times they ended, each after the scheduled recharges that came before it.
    pub(super) scheduled_through_ms: i64,
    /// What make-campaign-call was given beside the number, by campaign call id: the `context` that every
    /// webhook event of the call carries, and whether it is a test call.
    pub(super) campaign_call_extras: HashMap<String, super::campaigns::Extras>,
    /// The numbers campaigns' auto-DNC added to the environment's (or the platform's) do-not-call list,
    /// in E.164: those lists hold nothing else here.
    pub(super) shared_do_not_call: std::collections::HashSet<String>,
}

impl Default for Live {
    fn default() -> Self {
        let clock = Clock::new(1.0);
        let last_tick_ms = clock.now_ms();
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Self {
            born: MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            clock,
            hooks: HashMap::new(),
            logs: HashMap::new(),
            campaign_hooks: Vec::new(),
            dials: Vec::new(),
            outbox: Vec::new(),
            last_tick_ms,
            scheduled_through_ms: last_tick_ms,
            shared_do_not_call: std::collections::HashSet::new(),
            campaign_call_extras: HashMap::new(),
        }
    }
}

/// How a webhook delivers, beyond what its answers show.
#[derive(Clone, Debug, Default)]
pub(super) struct HookSettings {
    pub(super) secret: Option<SecretString>,
    pub(super) method: Option<WebhookHttpMethod>,
    pub(super) headers: Vec<CustomHeader>,
    /// Payload templates, by event name.
    pub(super) templates: HashMap<String, Value>,
}

impl HookSettings {
    fn method(&self) -> http::Method {
        match self.method {
            Some(WebhookHttpMethod::Put) => http::Method::PUT,
            Some(WebhookHttpMethod::Patch) => http::Method::PATCH,
            _ => http::Method::POST,
        }
    }
}

/// An event's name as the API spells it.
pub(super) fn event_name<E: Serialize>(event: &E) -> String {
    match serde_json::to_value(event) {
        Ok(Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Where a delivery goes and how it is tried.
pub(super) struct Target<'a> {
    pub(super) webhook_id: &'a str,
    pub(super) url: &'a str,
    pub(super) timeout: u32,
    pub(super) max_retries: u32,
}

impl<'a> Target<'a> {
    /// Where a campaign webhook delivers, with its stored settings or the API's defaults (30 s, 3 retries).
    pub(super) fn of_campaign_hook(hook: &'a CampaignWebhook) -> Self {
        Self {
            webhook_id: hook.id.as_str(),
            url: hook.webhook_url.as_deref().unwrap_or_default(),
            timeout: hook.timeout.unwrap_or(30),
            max_retries: hook.max_retries.unwrap_or(3),
        }
    }
}

impl Live {
    /// A delivery of `payload` to a webhook, with its stored settings.
    pub(super) fn job(&self, target: &Target<'_>, event: String, payload: Value) -> Job {
        let settings = self.hooks.get(target.webhook_id).cloned().unwrap_or_default();
        let happened = payload.get("timestamp").and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut unsendable = None;
        let (payload, source) = match settings.templates.get(&event) {
            Some(template) => {
                let mut budget = crate::deliver::MAX_PAYLOAD;
                let rendered = match render(template, &context(&payload), &mut budget) {
                    Some(mut rendered) => {
                        // A test delivery says so whatever its template (test-webhook: test payloads
                        // include `test: true`), so that a receiver never takes it for a real event.
                        if payload.get("test") == Some(&Value::Bool(true)) {
                            if let Some(fields) = rendered.as_object_mut() {
                                fields.insert("test".into(), Value::Bool(true));
                            }
                        }
                        rendered
                    }
                    None => {
                        unsendable = Some(format!(
                            "not sent: the body the payload template makes is larger than the emulator's limit of \
                             {} bytes",
                            crate::deliver::MAX_PAYLOAD
                        ));
                        Value::Null
                    }
                };
                // The event's own payload, which a retry renders again with the webhook's templates of then.
                (rendered, Some(payload))
            }
            None => (payload, None),
        };
        Job {
            born: self.born,
            webhook_id: target.webhook_id.to_owned(),
            event,
            url: target.url.to_owned(),
            method: settings.method(),
            headers: settings.headers.into_iter().map(|h| (h.key, h.value)).collect(),
            secret: settings.secret,
            timeout: Duration::from_secs(u64::from(target.timeout.max(1))),
            max_retries: target.max_retries,
            payload,
            source,
            unsendable,
            log_id: None,
            first_attempt: 1,
            waiter: None,
            delivery: crate::deliver::new_delivery(),
            happened,
        }
    }
}

impl State {
    /// How many deliveries are due and not yet handed to the delivery thread.
    pub(crate) fn outbox_len(&self) -> usize {
        self.live.outbox.len()
    }

    /// The deliveries to start, taken out of the state, each with its `pending` entry in its webhook's logs
    /// (a test delivery, whose caller waits for it, is logged by its attempt alone).
    pub(crate) fn take_outbox(&mut self) -> Vec<Job> {
        let mut jobs = std::mem::take(&mut self.live.outbox);
        for job in jobs.iter_mut().filter(|job| job.log_id.is_none() && job.waiter.is_none()) {
            // Logged from when its event happened: a jump of the clock brings about several events at once,
            // each queued at its own moment (to the second, as the logs write times).
            let happened = DateTime::new(job.happened.as_str())
                .ok()
                .and_then(|at| DateTime::from_unix_timestamp(at.unix_timestamp()).ok());
            let queued_at = happened.map_or_else(|| self.live.clock.timestamp(), |at| at.as_str().to_owned());
            self.log_pending(job, queued_at);
        }
        jobs
    }

    /// Enters a delivery in its webhook's logs as `pending` (list-webhook-logs: "queued for delivery") at
    /// `queued_at`, the entry its first attempt fills in: the logs show a delivery from when it is queued,
    /// not only once its target has answered. Answers the entry's id and the time.
    pub(super) fn log_pending(&mut self, job: &mut Job, queued_at: String) -> (String, String) {
        let id = self.new_background_id();
        job.log_id = Some(id.clone());
        let logs = self.live.logs.entry(job.webhook_id.clone()).or_default();
        keep_log(
            logs,
            LogEntry {
                id: id.clone(),
                webhook_id: job.webhook_id.clone(),
                event: job.event.clone(),
                attempt: job.first_attempt,
                status: "pending",
                http_status: None,
                request_payload: job.payload.clone(),
                response_body: None,
                response_headers: None,
                error: None,
                duration_ms: None,
                delivered_at: None,
                created_at: queued_at.clone(),
                resend: None,
                delivery: job.delivery,
            },
        );
        (id, queued_at)
    }

    /// The emulator's clock.
    pub(crate) fn clock(&mut self) -> &mut Clock {
        &mut self.live.clock
    }

    /// Applies every change the clock has brought about since the last tick: calls move on, campaign
    /// calls are dialled. The events they emit wait in the outbox.
    pub(crate) fn tick(&mut self) {
        // What the calls' progress records (a charge to the balance, say) is stamped on the emulator's
        // clock too.
        let at = self.live.clock.now_ms();
        let before = self.live.outbox.len();
        // What the clock brings about comes when a tick does, on a request or in the background: it takes
        // the ids of the emulator's own sequence, leaving the requests' sequence to the requests. Set and
        // cleared rather than restored (no tick runs inside another): a tick that panicked leaves the flag
        // set only until the next one, which every request makes before its own work.
        self.ids.in_background = true;
        crate::clock::answering_at(at, || {
            self.progress_calls();
            self.dial_campaigns();
            self.settle_sftp_jobs(at.div_euclid(1000));
            self.settle_calendar_syncs(at.div_euclid(1000));
        });
        self.recharge_scheduled_until(at);
        self.ids.in_background = false;
        self.live.last_tick_ms = self.live.clock.now_ms();
        // A jump of the clock brings about the events of several calls and campaign steps at once: each
        // webhook receives them in the order they happened (a stable sort keeps the order of one moment's).
        // Timestamps are whole seconds in one format, so their text sorts as their time.
        self.live.outbox[before..].sort_by(|a, b| a.happened.cmp(&b.happened));
    }

    /// Forgets a deleted webhook's delivery settings and logs.
    pub(super) fn forget_hook(&mut self, webhook_id: &str) {
        self.live.hooks.remove(webhook_id);
        self.live.logs.remove(webhook_id);
    }

    /// Whether the webhook still receives deliveries: it exists and is enabled (toggle-webhook-status: a
    /// disabled webhook receives no events; delete-webhook: a deleted one receives none).
    pub(crate) fn delivers_to(&self, webhook_id: &str) -> bool {
        let agent_hook = self.agents.iter().flat_map(|a| a.webhooks.iter()).find(|w| w.id.as_str() == webhook_id);
        match agent_hook {
            Some(hook) => hook.enabled,
            None => self.live.campaign_hooks.iter().any(|w| w.id.as_str() == webhook_id && w.enabled != Some(false)),
        }
    }

    /// Closes the log of a delivery that will not be attempted again, because its webhook was disabled (a
    /// deleted webhook's logs are gone with it) or its receiver keeps too many waiting: its queued entry,
    /// or its last attempt, which said `retrying`, ends `failed`, with `why` (and `again` after
    /// `not sent` for a delivery attempted before).
    pub(crate) fn withdraw(&mut self, job: &Job, why: &str) {
        let Some(logs) = self.live.logs.get_mut(&job.webhook_id) else { return };
        let entry = match &job.log_id {
            Some(id) => logs.iter_mut().find(|l| &l.id == id),
            None => logs.iter_mut().rev().find(|l| l.delivery == job.delivery),
        };
        if let Some(entry) = entry.filter(|l| matches!(l.status, "pending" | "retrying")) {
            let why =
                if entry.status == "pending" { why.to_owned() } else { why.replacen("not sent", "not sent again", 1) };
            entry.status = "failed";
            entry.error = Some(why);
        }
    }

    /// Logs one delivery attempt on its webhook (filling in a queued retry's entry when there is one).
    pub(crate) fn record_attempt(&mut self, job: &Job, number: u32, attempt: &Attempt, last: bool) {
        let now = self.live.clock.timestamp();
        let id = match &job.log_id {
            Some(id) => id.clone(),
            None => self.new_background_id(),
        };
        let status = match (attempt.succeeded(), last) {
            (true, _) => "success",
            (false, true) => "failed",
            (false, false) => "retrying",
        };
        let entry = LogEntry {
            id: id.clone(),
            webhook_id: job.webhook_id.clone(),
            event: job.event.clone(),
            attempt: number,
            status,
            http_status: attempt.http_status,
            request_payload: job.payload.clone(),
            response_body: attempt.response_body.clone(),
            response_headers: attempt.response_headers.clone(),
            error: attempt.error.clone(),
            duration_ms: Some(attempt.duration_ms),
            delivered_at: attempt.succeeded().then(|| now.clone()),
            // An entry made for the attempt (not one queued before it) dates from when the attempt began.
            created_at: attempt.started_at.clone().unwrap_or(now),
            resend: Some(Resend { payload: job.source.clone().unwrap_or_else(|| job.payload.clone()) }),
            delivery: job.delivery,
        };
        if last {
            // An agent webhook whose deliveries fail shows it, until one succeeds.
            let hook =
                self.agents.iter_mut().flat_map(|a| a.webhooks.iter_mut()).find(|w| w.id.as_str() == job.webhook_id);
            if let Some(hook) = hook.filter(|w| w.enabled) {
                hook.status = Some(if attempt.succeeded() { WebhookStatus::Active } else { WebhookStatus::Error });
            }
        }
        let logs = self.live.logs.entry(job.webhook_id.clone()).or_default();
        match logs.iter_mut().find(|l| l.id == id) {
            Some(queued) => {
                let created_at = std::mem::take(&mut queued.created_at);
                *queued = LogEntry { created_at, ..entry };
            }
            None => keep_log(logs, entry),
        }
    }

    /// Queues `event`, happening now, for the agent's webhooks as [`State::emit_agent`] does (and, for a
    /// call a campaign placed, the campaign's that take call events): an event asked for by a test, one the
    /// emulator does not bring about itself. How many deliveries were queued; `None` when the agent is not
    /// there.
    pub(crate) fn emit_agent_now(
        &mut self,
        agent_id: &str,
        event: AgentWebhookEvent,
        data: &Map<String, Value>,
    ) -> Option<usize> {
        self.agents.iter().find(|a| a.agent.id.as_str() == agent_id)?;
        Some(self.queued_now(|state, now_ms| state.emit_agent(agent_id, event, data, now_ms)))
    }

    /// Queues `event`, happening now, for the campaign's webhooks that subscribe to it, as
    /// [`State::emit_campaign`] does: an event asked for by a test. How many deliveries were queued; `None`
    /// when the campaign is not there.
    pub(crate) fn emit_campaign_now(
        &mut self,
        campaign_id: &str,
        event: CampaignWebhookEvent,
        data: &Map<String, Value>,
    ) -> Option<usize> {
        self.campaigns.iter().find(|c| c.id.as_str() == campaign_id)?;
        Some(self.queued_now(|state, now_ms| state.emit_campaign(campaign_id, event, data, now_ms)))
    }

    /// How many deliveries `emit` queues, given the clock's now.
    fn queued_now(&mut self, emit: impl FnOnce(&mut Self, i64)) -> usize {
        let before = self.live.outbox.len();
        let now_ms = self.live.clock.now_ms();
        emit(self, now_ms);
        self.live.outbox.len() - before
    }

    /// Queues `event` for every enabled webhook of the agent that subscribes to it, with `data` beside the
    /// delivery's envelope. `at_ms` is when the step it tells of happened on the emulator's clock (its
    /// `timestamp`), which is earlier than now when the clock jumped past it.
    pub(super) fn emit_agent(
        &mut self,
        agent_id: &str,
        event: AgentWebhookEvent,
        data: &Map<String, Value>,
        at_ms: i64,
    ) {
        let Some(entry) = self.agents.iter().find(|a| a.agent.id.as_str() == agent_id) else { return };
        let name = event_name(&event);
        let timestamp = crate::clock::delivery_timestamp(at_ms);
        for hook in entry.webhooks.iter().filter(|w| w.enabled && w.events.contains(&event)) {
            let payload = agent_delivery(&entry.agent, hook, event.clone(), &timestamp, false, data.clone());
            let target = Target {
                webhook_id: hook.id.as_str(),
                url: &hook.webhook_url,
                timeout: hook.timeout,
                max_retries: hook.max_retries,
            };
            let job = self.live.job(&target, name.clone(), payload);
            self.live.outbox.push(job);
        }
        let call = data.get("call_id").and_then(Value::as_str);
        if let Some(campaign_id) = call.and_then(|call| self.campaign_of_call(call)) {
            self.emit_call_event_to_campaign(&campaign_id, agent_id, event, data, &timestamp);
        }
    }

    /// Queues a per-call `event` of a call the campaign placed for every enabled webhook of the campaign
    /// that takes call events (`include_call_events`, create-campaign-webhook: "also delivers per-call
    /// events for calls in this campaign"), with the campaign's and the agent's ids and names.
    fn emit_call_event_to_campaign(
        &mut self,
        campaign_id: &str,
        agent_id: &str,
        event: AgentWebhookEvent,
        data: &Map<String, Value>,
        timestamp: &str,
    ) {
        let name = event_name(&event);
        let campaign = self.campaign_details(campaign_id);
        let agent = self.agents.iter().find(|a| a.agent.id.as_str() == agent_id).map(|a| &a.agent);
        let mut jobs = Vec::new();
        for hook in self.live.campaign_hooks.iter().filter(|w| {
            w.campaign_id.as_ref().is_some_and(|c| c.as_str() == campaign_id)
                && w.enabled != Some(false)
                && w.include_call_events == Some(true)
        }) {
            let mut delivery = campaign_envelope(&campaign, hook, event.clone(), timestamp, false, data.clone());
            delivery.agent_id = agent.map(|a| a.id.clone());
            delivery.agent_name = agent.map(|a| a.name.clone());
            let payload = serde_json::to_value(delivery).unwrap_or_default();
            jobs.push(self.live.job(&Target::of_campaign_hook(hook), name.clone(), payload));
        }
        self.live.outbox.extend(jobs);
    }

    /// What a campaign's deliveries say of it: its name and status (`draft` for one no longer there) and
    /// its agent (as the agent is named now; the campaign's own summary of it once the agent is gone).
    pub(super) fn campaign_details(&self, campaign_id: &str) -> CampaignDetails {
        let campaign = self.campaigns.iter().find(|c| c.id.as_str() == campaign_id);
        let agent = campaign.and_then(|c| {
            let live = self.agents.iter().find(|a| a.agent.id == c.agent_id).map(|a| a.agent.name.clone());
            let name = live.or_else(|| c.agent.as_ref().map(|a| a.name.clone()))?;
            Some((c.agent_id.clone(), name))
        });
        CampaignDetails {
            id: campaign_id.to_owned(),
            name: campaign.map(|c| c.name.clone()),
            status: campaign.map(|c| c.status.clone()).unwrap_or(CampaignStatus::Draft),
            agent,
        }
    }

    /// Queues `event` for every enabled webhook of the campaign that subscribes to it, stamped `at_ms` (when
    /// what it tells of happened on the emulator's clock).
    pub(super) fn emit_campaign(
        &mut self,
        campaign_id: &str,
        event: CampaignWebhookEvent,
        data: &Map<String, Value>,
        at_ms: i64,
    ) {
        let name = event_name(&event);
        let campaign = self.campaign_details(campaign_id);
        let timestamp = crate::clock::delivery_timestamp(at_ms);
        let mut jobs = Vec::new();
        for hook in self
            .live
            .campaign_hooks
            .iter()
            .filter(|w| w.campaign_id.as_ref().is_some_and(|c| c.as_str() == campaign_id))
        {
            let subscribed = hook.events.as_ref().is_some_and(|events| events.contains(&event));
            if hook.enabled == Some(false) || !subscribed {
                continue;
            }
            let payload = campaign_delivery(&campaign, hook, event.clone(), &timestamp, false, data.clone());
            jobs.push(self.live.job(&Target::of_campaign_hook(hook), name.clone(), payload));
        }
        self.live.outbox.extend(jobs);
    }
}

/// What a payload template's `{{…}}` placeholders can name: the delivery's own fields, and the same
/// grouped as `call.*`, `agent.*`, `webhook.*` and `campaign.*`.
fn context(payload: &Value) -> Value {
    let field = |name: &str| payload.get(name).cloned().unwrap_or(Value::Null);
    let call_id = payload.get("call_id").or_else(|| payload.get("campaign_call_id")).cloned();
    let mut context = payload.clone();
    if let Some(fields) = context.as_object_mut() {
        fields.insert(
            "call".into(),
            json!({
                "id": call_id, "sid": field("call_sid"), "to": field("to"), "from": field("from"),
                "status": field("status"), "duration": field("duration"), "direction": field("direction"),
            }),
        );
        fields.insert("agent".into(), json!({ "id": field("agent_id"), "name": field("agent_name") }));
        fields.insert("webhook".into(), json!({ "id": field("webhook_id"), "name": field("webhook_name") }));
        fields.insert(
            "campaign".into(),
            json!({ "id": field("campaign_id"), "name": field("campaign_name"), "status": field("campaign_status") }),
        );
    }
    context
}

/// A payload template with its placeholders filled in from `context`: a string that is one placeholder
/// becomes the value itself (a number stays a number), placeholders inside text become text, and a name
/// the context does not hold becomes `null` (or nothing, inside text). `None` once what it makes passes
/// `budget` bytes (its strings' and keys' text, its other values' JSON): a template can make far more
/// than itself (a long field written many times over), and is stopped before it does.
pub(super) fn render(template: &Value, context: &Value, budget: &mut usize) -> Option<Value> {
    let lookup = |path: &str| path.trim().split('.').try_fold(context, |value, key| value.get(key));
    let rendered = match template {
        Value::String(text) => {
            let whole = text.trim().strip_prefix("{{").and_then(|t| t.strip_suffix("}}"));
            if let Some(path) = whole.filter(|p| !p.contains("{{") && !p.contains("}}")) {
                let value = lookup(path).cloned().unwrap_or(Value::Null);
                *budget = budget.checked_sub(weight(&value))?;
                return Some(value);
            }
            let mut out = String::with_capacity(text.len().min(*budget));
            let mut rest = text.as_str();
            while let Some(start) = rest.find("{{") {
                let Some(end) = rest[start..].find("}}") else { break };
                out.push_str(&rest[..start]);
                match lookup(&rest[start + 2..start + end]) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(Value::Null) | None => {}
                    Some(other) => out.push_str(&other.to_string()),
                }
                if out.len() > *budget {
                    return None;
                }
                rest = &rest[start + end + 2..];
            }
            out.push_str(rest);
            *budget = budget.checked_sub(out.len())?;
            Value::String(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| render(item, context, budget)).collect::<Option<_>>()?)
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| {
                    *budget = budget.checked_sub(key.len())?;
                    Some((key.clone(), render(value, context, budget)?))
                })
                .collect::<Option<_>>()?,
        ),
        other => {
            *budget = budget.checked_sub(weight(other))?;
            other.clone()
        }
    };
    Some(rendered)
}

/// What [`render`] counts of a value against its budget: the text of its strings and keys, the JSON of
/// its other values.
fn weight(value: &Value) -> usize {
    match value {
        Value::String(text) => text.len(),
        Value::Array(items) => items.iter().map(weight).sum(),
        Value::Object(fields) => fields.iter().map(|(key, value)| key.len() + weight(value)).sum(),
        other => other.to_string().len(),
    }
}

/// A delivery's envelope as the SDK's [`WebhookDelivery`] reads it (the event, the webhook, the time, and
/// `test` when it is one), with `fields` beside it.
fn delivery<E: WebhookEvent>(
    webhook: (&str, Option<&str>),
    event: E,
    timestamp: &str,
    test: bool,
    fields: Map<String, Value>,
) -> WebhookDelivery<E> {
    let mut delivery = WebhookDelivery::new(test, fields);
    delivery.event = Some(event);
    delivery.webhook_id = Some(webhook.0.into());
    delivery.webhook_name = webhook.1.map(str::to_owned);
    delivery.timestamp = Some(timestamp.into());
    delivery
}

/// The body of a delivery of an agent's webhook: [`delivery`], naming the agent too.
pub(super) fn agent_delivery(
    agent: &Agent,
    hook: &AgentWebhook,
    event: AgentWebhookEvent,
    timestamp: &str,
    test: bool,
    fields: Map<String, Value>,
) -> Value {
    let mut delivery = delivery((hook.id.as_str(), Some(&hook.name)), event, timestamp, test, fields);
    delivery.agent_id = Some(agent.id.clone());
    delivery.agent_name = Some(agent.name.clone());
    serde_json::to_value(delivery).unwrap_or_default()
}

/// The body of a delivery of a campaign's webhook: [`campaign_envelope`], as JSON.
pub(super) fn campaign_delivery(
    campaign: &CampaignDetails,
    hook: &CampaignWebhook,
    event: CampaignWebhookEvent,
    timestamp: &str,
    test: bool,
    fields: Map<String, Value>,
) -> Value {
    serde_json::to_value(campaign_envelope(campaign, hook, event, timestamp, test, fields)).unwrap_or_default()
}

/// What a campaign's deliveries say of it (see [`State::campaign_details`]).
pub(super) struct CampaignDetails {
    id: String,
    name: Option<String>,
    status: CampaignStatus,
    /// The campaign's agent: its id and name.
    agent: Option<(AgentId, String)>,
}

/// A delivery of a campaign's webhook, of a campaign event or (with `include_call_events`) a call's:
/// [`delivery`], with the campaign's id, name and status among its fields, and its agent named as an
/// agent's deliveries name theirs (so that a template's `{{agent.name}}` has it).
fn campaign_envelope<E: WebhookEvent>(
    campaign: &CampaignDetails,
    hook: &CampaignWebhook,
    event: E,
    timestamp: &str,
    test: bool,
    mut fields: Map<String, Value>,
) -> WebhookDelivery<E> {
    fields.insert("campaign_id".into(), campaign.id.as_str().into());
    fields.insert("campaign_name".into(), campaign.name.as_deref().into());
    fields.insert("campaign_status".into(), event_name(&campaign.status).into());
    let mut delivery = delivery((hook.id.as_str(), hook.name.as_deref()), event, timestamp, test, fields);
    if let Some((id, name)) = &campaign.agent {
        delivery.agent_id = Some(id.clone());
        delivery.agent_name = Some(name.clone());
    }
    delivery
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_take_the_delivery_s_values() {
        let payload = json!({ "event": "event_phone_call_ended", "call_id": "c-1", "to": "+1555", "duration": 42 });
        let template = json!({
            "id": "{{call.id}}", "seconds": "{{ call.duration }}", "text": "Call {{call.id}} to {{to}} ({{nothing}})",
            "list": ["{{event}}", 1], "unclosed": "{{call.id", "missing": "{{call.nothing}}",
        });
        let expected = json!({
            "id": "c-1", "seconds": 42, "text": "Call c-1 to +1555 ()", "list": ["event_phone_call_ended", 1],
            "unclosed": "{{call.id", "missing": null,
        });
        let mut unbounded = usize::MAX;
        assert_eq!(render(&template, &context(&payload), &mut unbounded), Some(expected.clone()));
        // Within a budget of what it makes, and not one byte under it.
        let needed = weight(&expected);
        assert_eq!(render(&template, &context(&payload), &mut needed.clone()), Some(expected));
        assert_eq!(render(&template, &context(&payload), &mut (needed - 1)), None);
        // A field written many times over is stopped at the budget, not made whole first.
        let amplified = json!({ "a": "{{event}}".repeat(100_000) });
        assert_eq!(render(&amplified, &context(&payload), &mut 1024), None);
    }
}
