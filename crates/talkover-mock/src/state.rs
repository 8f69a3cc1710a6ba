//! The emulator's memory: agents with their actions, trainings and webhooks, calls, and campaigns, kept as
//! the core's own types and changed by the rules the reference documents.

use serde_json::{json, Map, Value};
use talkover_core::actions::{Action, ActionType, CreateAction, NewAction};
use talkover_core::agents::{
    AdvancedSettings, Agent, AgentCallingSettings, AgentKnowledge, AgentPhoneNumber, AgentStatus, AgentVoiceSettings,
    CreateAgent, CreateAgentBody, Direction, InterruptSensitivity, ListAgents, ListAgentsQuery, UpdateAgentKnowledge,
    UpdateAgentVoice, WhoSpeaksFirst,
};
use talkover_core::calls::{
    Call, CallFilters, CallStatus, CampaignCall, EndCallBody, GetAgentCalls, ListCalls, ListCallsQuery, MakeCall,
    MakeCampaignCall, NewCall, NewCampaignCall,
};
use talkover_core::campaigns::{
    Campaign, CampaignChanges, CampaignStatus, CampaignStatusBody, CampaignType, CreateCampaign, ListCampaigns,
    ListCampaignsQuery, NewCampaign, UpdateCampaign,
};
use talkover_core::time::DateTime;
use talkover_core::trainings::{CreateTraining, NewTraining, Training};
use talkover_core::webhooks::{
    AgentWebhook, AgentWebhookChanges, AgentWebhookEvent, AgentWebhookList, CreateWebhook, NewAgentWebhook,
    UpdateWebhook, WebhookStatus,
};
use talkover_core::Operation;

use crate::fixtures::Catalog;
use crate::reply::{self, from_json, paginate, to_json, Invalid, Reply};

/// The operations the emulator answers from its state; every other one is replayed.
pub(crate) const STATEFUL: &[&str] = &[
    "list-agents",
    "create-agent",
    "get-agent",
    "update-agent-knowledge",
    "update-agent-voice",
    "update-agent-calling",
    "update-advanced-settings",
    "publish-agent",
    "unpublish-agent",
    "delete-agent",
    "list-actions",
    "create-action",
    "delete-action",
    "list-trainings",
    "create-training",
    "delete-training",
    "list-agent-webhooks",
    "create-webhook",
    "get-webhook-details",
    "update-webhook",
    "delete-webhook",
    "toggle-webhook-status",
    "make-call",
    "list-calls",
    "get-agent-calls",
    "end-call",
    "get-active-call",
    "list-campaigns",
    "create-campaign",
    "get-campaign",
    "update-campaign",
    "update-campaign-status",
    "delete-campaign",
    "make-campaign-call",
];

/// The replayed operations that name an agent webhook: an unknown webhook id answers 404 for them too.
pub(crate) const AGENT_WEBHOOK_OPERATIONS: &[&str] = &["test-webhook", "list-webhook-logs", "retry-webhook-log"];

struct AgentEntry {
    agent: Agent,
    advanced: AdvancedSettings,
    /// Actions and trainings are upserted by flow node.
    action_nodes: Vec<(String, String)>,
    training_nodes: Vec<(String, String)>,
    webhooks: Vec<AgentWebhook>,
}

struct CallEntry {
    call: Call,
    ended_at: Option<String>,
}

/// Everything the emulator remembers.
pub(crate) struct State {
    next_id: u64,
    agents: Vec<AgentEntry>,
    calls: Vec<CallEntry>,
    campaigns: Vec<Campaign>,
    voice_names: Vec<(String, String)>,
    numbers: Vec<AgentPhoneNumber>,
    webhook_events: AgentWebhookList,
}

/// What a handler needs besides the state.
pub(crate) struct Request<'a> {
    pub(crate) operation: &'static str,
    pub(crate) path: &'a Map<String, Value>,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: Option<&'a Value>,
    pub(crate) catalog: &'a Catalog,
}

impl Request<'_> {
    fn param(&self, name: &str) -> &str {
        self.path.get(name).and_then(Value::as_str).unwrap_or_default()
    }
}

type Answer = Result<Reply, Reply>;

fn now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    DateTime::from_unix_timestamp(seconds).map(|t| t.as_str().to_owned()).unwrap_or_default()
}

fn is_phone_number(text: &str) -> bool {
    let digits = text.strip_prefix('+').unwrap_or("");
    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0')
}

fn formatted(number: &str) -> String {
    match number.strip_prefix("+1") {
        Some(rest) if rest.len() == 10 => format!("({}) {}-{}", &rest[..3], &rest[3..6], &rest[6..]),
        _ => number.to_owned(),
    }
}

fn is_url(text: &str) -> bool {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

impl State {
    /// A state seeded from the documented examples: the voice templates and phone numbers a request may
    /// name, the events agent webhooks offer, and (with `seed_agent`) the reference's example agent.
    pub(crate) fn new(catalog: &Catalog, seed_agent: bool) -> Self {
        let mut voice_names = Vec::new();
        if let Some(groups) = catalog.documented_success("list-voice-templates").and_then(|b| b.get("data")) {
            for voice in
                groups.as_array().into_iter().flatten().flat_map(|g| g["voices"].as_array().into_iter().flatten())
            {
                if let (Some(id), Some(name)) = (voice["id"].as_str(), voice["name"].as_str()) {
                    voice_names.push((id.to_owned(), name.to_owned()));
                }
            }
        }
        let numbers = catalog
            .documented_success("list-phone-numbers")
            .and_then(|b| b.get("data"))
            .and_then(Value::as_array)
            .map(|numbers| {
                numbers
                    .iter()
                    .filter_map(|n| serde_json::from_value::<AgentPhoneNumber>(n.clone()).ok())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let webhook_events = catalog
            .documented_success("list-agent-webhooks")
            .and_then(|b| b.get("data"))
            .and_then(|d| serde_json::from_value::<AgentWebhookList>(d.clone()).ok())
            .map(|mut list| {
                list.webhooks.clear();
                list
            })
            .unwrap_or_else(|| from_json(json!({ "webhooks": [], "available_events": {} })));
        let mut state = Self {
            next_id: 0,
            agents: Vec::new(),
            calls: Vec::new(),
            campaigns: Vec::new(),
            voice_names,
            numbers,
            webhook_events,
        };
        if seed_agent {
            let documented = catalog.documented_success("get-agent").and_then(|b| b.get("data")).cloned();
            if let Some(agent) = documented.and_then(|a| serde_json::from_value::<Agent>(a).ok()) {
                state.agents.push(AgentEntry {
                    agent,
                    advanced: AdvancedSettings::default(),
                    action_nodes: Vec::new(),
                    training_nodes: Vec::new(),
                    webhooks: Vec::new(),
                });
            }
        }
        state
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("00000000-7a1c-4000-8000-{:012x}", self.next_id)
    }

    /// Whether an agent exists.
    pub(crate) fn has_agent(&self, id: &str) -> bool {
        self.agents.iter().any(|a| a.agent.id.as_str() == id)
    }

    /// Whether a campaign exists.
    pub(crate) fn has_campaign(&self, id: &str) -> bool {
        self.campaigns.iter().any(|c| c.id.as_str() == id)
    }

    /// Whether an agent has a webhook.
    pub(crate) fn has_webhook(&self, agent_id: &str, webhook_id: &str) -> bool {
        self.agents
            .iter()
            .find(|a| a.agent.id.as_str() == agent_id)
            .is_some_and(|a| a.webhooks.iter().any(|w| w.id.as_str() == webhook_id))
    }

    fn agent_index(&self, req: &Request<'_>) -> Result<usize, Reply> {
        let id = req.param("agent_id");
        self.agents.iter().position(|a| a.agent.id.as_str() == id).ok_or_else(|| agent_not_found(req))
    }

    fn campaign_index(&self, req: &Request<'_>) -> Result<usize, Reply> {
        let id = req.param("campaign_id");
        self.campaigns.iter().position(|c| c.id.as_str() == id).ok_or_else(|| campaign_not_found(req))
    }

    /// Answers a stateful operation, or `None` for an operation the state does not model.
    pub(crate) fn handle(&mut self, req: &Request<'_>) -> Option<Reply> {
        let answer = match req.operation {
            "list-agents" => self.list_agents(req),
            "create-agent" => self.create_agent(req),
            "get-agent" => self.agent_index(req).map(|i| Reply::data(200, None, &self.agents[i].agent)),
            "update-agent-knowledge" => self.update_knowledge(req),
            "update-agent-voice" => self.update_voice(req),
            "update-agent-calling" => self.update_calling(req),
            "update-advanced-settings" => self.update_advanced(req),
            "publish-agent" => self.publish(req),
            "unpublish-agent" => self.unpublish(req),
            "delete-agent" => self.delete_agent(req),
            "list-actions" => self
                .agent_index(req)
                .map(|i| Reply::list(self.agents[i].agent.actions.clone().unwrap_or_default(), None, None)),
            "create-action" => self.create_action(req),
            "delete-action" => self.delete_action(req),
            "list-trainings" => self
                .agent_index(req)
                .map(|i| Reply::list(self.agents[i].agent.trainings.clone().unwrap_or_default(), None, None)),
            "create-training" => self.create_training(req),
            "delete-training" => self.delete_training(req),
            "list-agent-webhooks" => self.list_webhooks(req),
            "create-webhook" => self.create_webhook(req),
            "get-webhook-details" => {
                self.webhook(req).map(|(a, w)| Reply::data(200, None, &self.agents[a].webhooks[w]))
            }
            "update-webhook" => self.update_webhook(req),
            "delete-webhook" => self.webhook(req).map(|(a, w)| {
                self.agents[a].webhooks.remove(w);
                Reply::ack("Webhook deleted successfully")
            }),
            "toggle-webhook-status" => self.toggle_webhook(req),
            "make-call" => self.make_call(req),
            "list-calls" => self.list_calls(req),
            "get-agent-calls" => self.agent_calls(req),
            "end-call" => self.end_call(req),
            "get-active-call" => self.active_call(req),
            "list-campaigns" => self.list_campaigns(req),
            "create-campaign" => self.create_campaign(req),
            "get-campaign" => self.campaign_index(req).map(|i| Reply::data(200, None, &self.campaigns[i])),
            "update-campaign" => self.update_campaign(req),
            "update-campaign-status" => self.update_campaign_status(req),
            "delete-campaign" => self.delete_campaign(req),
            "make-campaign-call" => self.make_campaign_call(req),
            _ => return None,
        };
        Some(answer.unwrap_or_else(|refused| refused))
    }

    // -----------------------------------------------------------------------------------------------
    // Agents

    fn list_agents(&mut self, req: &Request<'_>) -> Answer {
        let query: ListAgentsQuery = reply::query(req.query, &["per_page", "page"])?;
        let mut invalid = Invalid::default();
        if matches!(query.status, Some(AgentStatus::Unknown(_))) {
            invalid.selected("status");
        }
        if matches!(query.direction, Some(Direction::Unknown(_))) {
            invalid.selected("direction");
        }
        let mut list = ListAgents::new();
        list.query = query.clone();
        invalid.core(list.validate());
        invalid.check()?;
        let search = query.search.as_deref().map(str::to_lowercase).filter(|s| !s.is_empty());
        let matching: Vec<Agent> = self
            .agents
            .iter()
            .map(|e| &e.agent)
            .filter(|a| query.status.as_ref().is_none_or(|s| a.current_status.as_ref() == Some(s)))
            .filter(|a| query.direction.as_ref().is_none_or(|d| a.direction.as_ref() == Some(d)))
            .filter(|a| {
                search.as_ref().is_none_or(|s| {
                    a.name.to_lowercase().contains(s) || a.label.as_deref().unwrap_or("").to_lowercase().contains(s)
                })
            })
            .cloned()
            .collect();
        let (items, mut meta) = paginate(&matching, query.page, query.per_page);
        // list-agents reports its page under `meta`, without positions.
        meta.from = None;
        meta.to = None;
        Ok(Reply::list(items, Some(meta), None))
    }

    fn create_agent(&mut self, req: &Request<'_>) -> Answer {
        const REQUIRED: &[&str] = &[
            "label",
            "name",
            "language",
            "interrupt_sensitivity",
            "endpointing_sensitivity",
            "ivr_navigation_mode",
            "conversation_speed",
            "initial_message_delay",
            "ask_if_human_present_on_idle",
            "idle_time_seconds",
            "llm_temperature",
            "enable_recording",
            "direction",
            "who_speaks_first",
        ];
        let body: CreateAgentBody = reply::body(req.body, REQUIRED)?;
        let mut invalid = Invalid::default();
        if matches!(body.interrupt_sensitivity, Some(InterruptSensitivity::Unknown(_))) {
            invalid.selected("interrupt_sensitivity");
        }
        if matches!(body.direction, Some(Direction::Unknown(_))) {
            invalid.selected("direction");
        }
        if matches!(body.who_speaks_first, Some(WhoSpeaksFirst::Unknown(_))) {
            invalid.selected("who_speaks_first");
        }
        invalid.core(CreateAgent::new(body.clone()).validate());
        invalid.check()?;

        let now = now();
        let id = self.new_id();
        let phone_numbers: Vec<AgentPhoneNumber> =
            body.phone_number_ids.iter().flatten().map(|n| self.phone_number(n.as_str())).collect();
        let mut data = to_json(&body);
        let fields = data.as_object_mut().expect("a body is an object");
        for key in ["endpointing_sensitivity", "ivr_navigation_mode", "phone_number_ids"] {
            fields.remove(key);
        }
        fields.insert("id".into(), json!(id));
        fields.insert("current_status".into(), json!("draft"));
        fields.insert("is_sandbox".into(), json!(false));
        fields.insert("is_ready_to_publish".into(), json!(false));
        fields.insert("created_at".into(), json!(now));
        fields.insert("updated_at".into(), json!(now));
        fields.insert("trainings".into(), json!([]));
        fields.insert("actions".into(), json!([]));
        fields.insert("phone_numbers".into(), to_json(&phone_numbers));
        let mut agent: Agent = from_json(data);
        agent.is_ready_to_publish = Some(missing_for_publish(&agent).is_empty());
        let reply = Reply::data(201, Some("Agent created successfully"), &agent);
        self.agents.push(AgentEntry {
            agent,
            advanced: AdvancedSettings::default(),
            action_nodes: Vec::new(),
            training_nodes: Vec::new(),
            webhooks: Vec::new(),
        });
        Ok(reply)
    }

    fn phone_number(&self, id: &str) -> AgentPhoneNumber {
        if let Some(known) = self.numbers.iter().find(|n| n.id.as_str() == id) {
            return known.clone();
        }
        // An id the examples do not know still gets a number, so any id the caller owns works.
        let digits: u64 = id.bytes().fold(0u64, |acc, b| acc.wrapping_mul(31).wrapping_add(u64::from(b))) % 10_000;
        let number = format!("+1555010{digits:04}");
        from_json(json!({
            "id": id, "number": number, "country_code": "US", "formatted_number": formatted(&number),
            "current_status": "active",
        }))
    }

    /// Any change to what an agent knows or how it sounds takes it back to draft.
    fn changed(&mut self, index: usize) {
        let agent = &mut self.agents[index].agent;
        agent.current_status = Some(AgentStatus::Draft);
        agent.updated_at = Some(now());
        agent.is_ready_to_publish = Some(missing_for_publish(agent).is_empty());
    }

    fn update_knowledge(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        const REQUIRED: &[&str] = &[
            "description",
            "interrupt_sensitivity",
            "ask_if_human_present_on_idle",
            "llm_temperature",
            "initial_message_delay",
        ];
        let body: AgentKnowledge = reply::body(req.body, REQUIRED)?;
        let mut invalid = Invalid::default();
        if matches!(body.interrupt_sensitivity, InterruptSensitivity::Unknown(_)) {
            invalid.selected("interrupt_sensitivity");
        }
        invalid.core(UpdateAgentKnowledge::new(req.param("agent_id"), body.clone()).validate());
        invalid.check()?;
        let agent = &mut self.agents[index].agent;
        agent.description = Some(body.description);
        if body.initial_message.is_some() {
            agent.initial_message = body.initial_message;
        }
        agent.interrupt_sensitivity = Some(body.interrupt_sensitivity);
        agent.ask_if_human_present_on_idle = Some(body.ask_if_human_present_on_idle);
        agent.llm_temperature = Some(body.llm_temperature);
        agent.initial_message_delay = Some(body.initial_message_delay);
        self.changed(index);
        Ok(Reply::data(200, Some("Agent knowledge updated successfully"), &self.agents[index].agent))
    }

    fn update_voice(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body: AgentVoiceSettings = reply::body(req.body, &["voice_id", "conversation_speed", "who_speaks_first"])?;
        let mut invalid = Invalid::default();
        if matches!(body.who_speaks_first, WhoSpeaksFirst::Unknown(_)) {
            invalid.selected("who_speaks_first");
        }
        invalid.core(UpdateAgentVoice::new(req.param("agent_id"), body.clone()).validate());
        invalid.check()?;
        let template = body.voice_id.as_str().to_owned();
        let name = self.voice_names.iter().find(|(id, _)| *id == template).map(|(_, n)| n.clone());
        let name = name.unwrap_or_else(|| "Voice".to_owned());
        let voice_id = self.new_id();
        let voice = from_json(json!({
            "id": voice_id,
            "name": name,
            "label": format!("{name} Voice"),
            "stability": body.stability,
            "similarity_boost": body.similarity,
            "ambient_background": body.ambient_background,
            "template": { "id": template, "name": name },
        }));
        let agent = &mut self.agents[index].agent;
        agent.voice = Some(voice);
        agent.conversation_speed = Some(body.conversation_speed);
        agent.who_speaks_first = Some(body.who_speaks_first);
        if body.language.is_some() {
            agent.language = body.language;
        }
        self.changed(index);
        Ok(Reply::data(200, Some("Agent voice updated successfully"), &self.agents[index].agent))
    }

    fn update_calling(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body: AgentCallingSettings = reply::body(req.body, &["direction"])?;
        let mut invalid = Invalid::default();
        if matches!(body.direction, Direction::Unknown(_)) {
            invalid.selected("direction");
        }
        invalid.check()?;
        let numbers: Option<Vec<AgentPhoneNumber>> =
            body.phone_number_ids.as_ref().map(|ids| ids.iter().map(|id| self.phone_number(id.as_str())).collect());
        let now = now();
        let agent = &mut self.agents[index].agent;
        agent.direction = Some(body.direction.clone());
        if let Some(numbers) = numbers {
            agent.phone_numbers = Some(numbers);
        }
        agent.updated_at = Some(now.clone());
        let calling = json!({
            "id": agent.id, "name": agent.name, "direction": body.direction, "current_status": agent.current_status,
            "phone_numbers": agent.phone_numbers.clone().unwrap_or_default(), "updated_at": now,
        });
        let calling: talkover_core::agents::AgentCalling = from_json(calling);
        Ok(Reply::data(200, Some("Agent calling settings updated successfully"), calling))
    }

    fn update_advanced(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body: AdvancedSettings = reply::body(req.body, &[])?;
        let now = now();
        let entry = &mut self.agents[index];
        if body.enable_initial_message_cache.is_some() {
            entry.advanced.enable_initial_message_cache = body.enable_initial_message_cache;
        }
        entry.agent.updated_at = Some(now.clone());
        let settings: talkover_core::agents::AgentAdvancedSettings = from_json(json!({
            "id": entry.agent.id, "name": entry.agent.name, "advanced_settings": entry.advanced, "updated_at": now,
        }));
        Ok(Reply::data(200, Some("Advanced settings updated successfully"), settings))
    }

    fn status_change(&self, index: usize, message: &str) -> Reply {
        let agent = &self.agents[index].agent;
        let change: talkover_core::agents::AgentStatusChange = from_json(json!({
            "id": agent.id, "name": agent.name, "current_status": agent.current_status,
            "is_ready_to_publish": agent.is_ready_to_publish, "updated_at": agent.updated_at,
        }));
        Reply::data(200, Some(message), change)
    }

    fn publish(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let missing = missing_for_publish(&self.agents[index].agent);
        if !missing.is_empty() {
            let mut invalid = Invalid::default();
            for (field, message) in missing {
                invalid.add(field, message);
            }
            return Err(invalid.check().expect_err("something is missing"));
        }
        let agent = &mut self.agents[index].agent;
        agent.current_status = Some(AgentStatus::Published);
        agent.is_ready_to_publish = Some(true);
        agent.updated_at = Some(now());
        Ok(self.status_change(index, "Agent published successfully"))
    }

    fn unpublish(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        // Back to draft; knowledge, voice, trainings, actions and numbers stay as they are.
        let agent = &mut self.agents[index].agent;
        agent.current_status = Some(AgentStatus::Draft);
        agent.updated_at = Some(now());
        Ok(self.status_change(index, "Agent unpublished successfully"))
    }

    fn delete_agent(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let id = self.agents[index].agent.id.clone();
        if self.agents[index].agent.current_status == Some(AgentStatus::Published) {
            return Err(Reply::fail_code(
                409,
                "Published agents must be unpublished before deletion.",
                "AGENT_IS_PUBLISHED",
            ));
        }
        if self.calls.iter().any(|c| c.call.agent.as_ref().is_some_and(|a| a.id == id) && is_active(&c.call.status)) {
            return Err(Reply::fail(409, "Cannot delete agent while it has active calls."));
        }
        self.agents.remove(index);
        Ok(Reply::ack("Agent deleted successfully"))
    }

    // -----------------------------------------------------------------------------------------------
    // Actions and trainings

    fn create_action(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body: NewAction = reply::body(req.body, &["node_id", "name", "description", "type"])?;
        let mut invalid = Invalid::default();
        if matches!(body.action_type, ActionType::Unknown(_)) {
            invalid.selected("type");
        }
        for (field, url) in [("url", &body.url), ("authorization_url", &body.authorization_url)] {
            if url.as_deref().is_some_and(|u| !is_url(u)) {
                invalid.add(field, format!("The {} must be a valid URL.", reply::words(field)));
            }
        }
        if matches!(body.current_status, Some(talkover_core::actions::ActiveStatus::Unknown(_))) {
            invalid.selected("current_status");
        }
        invalid.core(CreateAction::new(req.param("agent_id"), body.clone()).validate());
        invalid.check()?;

        let now = now();
        let existing = self.agents[index].action_nodes.iter().find(|(node, _)| *node == body.node_id).cloned();
        let id = existing.as_ref().map(|(_, id)| id.clone()).unwrap_or_else(|| self.new_id());
        let entry = &mut self.agents[index];
        let actions = entry.agent.actions.get_or_insert_with(Vec::new);
        let created_at = actions.iter().find(|a| a.id.as_str() == id).and_then(|a| a.created_at.clone());
        let action: Action = from_json(json!({
            "id": id,
            "name": body.name,
            "label": body.name,
            "description": body.description,
            "type": body.action_type,
            "input_schema": body.inputs.clone().unwrap_or_default(),
            "config": null,
            "action_trigger": null,
            "url": body.url,
            "authorization_url": body.authorization_url,
            "current_status": body.current_status.clone().unwrap_or(talkover_core::actions::ActiveStatus::Active),
            "created_at": created_at.unwrap_or_else(|| now.clone()),
            "updated_at": now,
        }));
        match actions.iter_mut().find(|a| a.id == action.id) {
            Some(slot) => *slot = action.clone(),
            None => actions.push(action.clone()),
        }
        if existing.is_none() {
            entry.action_nodes.push((body.node_id.clone(), id));
        }
        self.changed(index);
        Ok(Reply::data(200, Some("Agent action updated successfully"), action))
    }

    fn delete_action(&mut self, req: &Request<'_>) -> Answer {
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

    fn create_training(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body: NewTraining = reply::body(req.body, &["subject", "instructions"])?;
        let mut invalid = Invalid::default();
        if matches!(body.current_status, Some(talkover_core::actions::ActiveStatus::Unknown(_))) {
            invalid.selected("current_status");
        }
        invalid.core(CreateTraining::new(req.param("agent_id"), body.clone()).validate());
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
        let training: Training = from_json(json!({
            "id": id,
            "subject": body.subject,
            "instructions": body.instructions,
            "current_status": body.current_status.clone().unwrap_or(talkover_core::actions::ActiveStatus::Active),
            "created_at": created_at.unwrap_or_else(|| now.clone()),
            "updated_at": now,
        }));
        match trainings.iter_mut().find(|t| t.id == training.id) {
            Some(slot) => *slot = training.clone(),
            None => trainings.push(training.clone()),
        }
        if let (None, Some(node)) = (&existing, &body.node_id) {
            entry.training_nodes.push((node.clone(), id));
        }
        self.changed(index);
        Ok(Reply::data(200, Some("Agent training updated successfully"), training))
    }

    fn delete_training(&mut self, req: &Request<'_>) -> Answer {
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

    // -----------------------------------------------------------------------------------------------
    // Agent webhooks

    fn list_webhooks(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let mut list = self.webhook_events.clone();
        list.webhooks = self.agents[index].webhooks.clone();
        Ok(Reply::data(200, None, list))
    }

    fn webhook(&self, req: &Request<'_>) -> Result<(usize, usize), Reply> {
        let index = self.agent_index(req)?;
        let id = req.param("webhook_id");
        let webhook = self.agents[index].webhooks.iter().position(|w| w.id.as_str() == id);
        webhook.map(|w| (index, w)).ok_or_else(|| documented(req, 404, Some("webhook-not-found"), "Webhook not found."))
    }

    fn check_events(events: Option<&[AgentWebhookEvent]>, invalid: &mut Invalid) {
        for (i, event) in events.unwrap_or_default().iter().enumerate() {
            if matches!(event, AgentWebhookEvent::Unknown(_)) {
                invalid.selected(&format!("events.{i}"));
            }
        }
    }

    fn create_webhook(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body: NewAgentWebhook = reply::body(req.body, &["name", "webhook_url", "events"])?;
        let mut invalid = Invalid::default();
        if !is_url(&body.webhook_url) {
            invalid.add("webhook_url", "The webhook url must be a valid URL.");
        }
        if body.events.is_empty() {
            invalid.add("events", "The events field must contain at least 1 items.");
        }
        Self::check_events(Some(&body.events), &mut invalid);
        invalid.core(CreateWebhook::new(req.param("agent_id"), body.clone()).validate());
        invalid.check()?;
        let now = now();
        let id = self.new_id();
        let enabled = body.enabled.unwrap_or(true);
        let webhook: AgentWebhook = from_json(json!({
            "id": id,
            "agent_id": req.param("agent_id"),
            "name": body.name,
            "webhook_url": body.webhook_url,
            "events": body.events,
            "timeout": body.timeout.unwrap_or(30),
            "max_retries": body.max_retries.unwrap_or(3),
            "enabled": enabled,
            "created_at": now,
            "updated_at": now,
            "events_count": body.events.len(),
            "status": if enabled { WebhookStatus::Active } else { WebhookStatus::Disabled },
        }));
        self.agents[index].webhooks.push(webhook.clone());
        Ok(Reply::data(200, Some("Webhook created successfully"), webhook))
    }

    fn update_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        let changes: AgentWebhookChanges = reply::body(req.body, &[])?;
        let mut invalid = Invalid::default();
        if changes.webhook_url.as_deref().is_some_and(|u| !is_url(u)) {
            invalid.add("webhook_url", "The webhook url must be a valid URL.");
        }
        if changes.events.as_ref().is_some_and(Vec::is_empty) {
            invalid.add("events", "The events field must contain at least 1 items.");
        }
        Self::check_events(changes.events.as_deref(), &mut invalid);
        let op = UpdateWebhook::new(req.param("agent_id"), req.param("webhook_id"), changes.clone());
        invalid.core(op.validate());
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

    fn toggle_webhook(&mut self, req: &Request<'_>) -> Answer {
        let (a, w) = self.webhook(req)?;
        let webhook = &mut self.agents[a].webhooks[w];
        webhook.enabled = !webhook.enabled;
        refresh_webhook(webhook);
        let message = if webhook.enabled { "Webhook enabled" } else { "Webhook disabled" };
        Ok(Reply::data(200, Some(message), webhook.clone()))
    }

    // -----------------------------------------------------------------------------------------------
    // Calls

    fn make_call(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let to = req.body.and_then(|b| b.get("to")).and_then(Value::as_str).unwrap_or_default();
        if to.is_empty() {
            return Err(Reply::error_object(400, "MISSING_PHONE_NUMBER", "Phone number is required", None));
        }
        if !is_phone_number(to) {
            return Err(Reply::error_object(
                400,
                "INVALID_PHONE_NUMBER",
                "Phone number must be in international format (e.g., +1234567890)",
                Some(json!({ "field": "to", "value": to })),
            ));
        }
        let body: NewCall = reply::body(req.body, &["to"])?;
        let mut invalid = Invalid::default();
        invalid.core(MakeCall::new(req.param("agent_id"), body.clone()).validate());
        invalid.check()?;
        let agent = &self.agents[index].agent;
        if agent.current_status != Some(AgentStatus::Published) {
            return Err(Reply::error_object(400, "AGENT_INACTIVE", "Agent is not published", None));
        }
        let from = agent
            .phone_numbers
            .iter()
            .flatten()
            .next()
            .map(|n| n.number.clone())
            .unwrap_or_else(|| "+15550100000".to_owned());
        let summary = json!({ "id": agent.id, "name": agent.name, "label": agent.label });
        let now = now();
        let id = self.new_id();
        let call: Call = from_json(json!({
            "id": id,
            "sid": format!("CA{:032x}", self.next_id),
            "to": body.to,
            "to_formatted": formatted(&body.to),
            "from": from,
            "from_formatted": formatted(&from),
            "is_testing": body.is_testing.unwrap_or(false),
            "direction": "outbound",
            "status": "initiated",
            "duration": 0,
            "agent": summary,
            "created_at": now,
            "updated_at": now,
        }));
        let placed: talkover_core::calls::PlacedCall = from_json(json!({
            "id": call.id, "agent_id": req.param("agent_id"), "to": call.to, "status": call.status,
            "created_at": call.created_at,
        }));
        self.calls.push(CallEntry { call, ended_at: None });
        Ok(Reply::data(200, None, placed))
    }

    fn filtered_calls(&self, filters: &CallFilters, agent_id: Option<&str>) -> Vec<Call> {
        let search = filters.search.as_deref().map(str::to_lowercase).filter(|s| !s.is_empty());
        self.calls
            .iter()
            .rev()
            .map(|c| &c.call)
            .filter(|c| agent_id.is_none_or(|id| c.agent.as_ref().is_some_and(|a| a.id.as_str() == id)))
            .filter(|c| filters.status.as_ref().is_none_or(|s| &c.status == s))
            .filter(|c| filters.direction.as_ref().is_none_or(|d| &c.direction == d))
            .filter(|c| filters.date_from.as_ref().is_none_or(|d| c.created_at.get(..10).unwrap_or("") >= d.as_str()))
            .filter(|c| filters.date_to.as_ref().is_none_or(|d| c.created_at.get(..10).unwrap_or("") <= d.as_str()))
            .filter(|c| {
                search.as_ref().is_none_or(|s| {
                    c.to.contains(s.as_str()) || c.from.contains(s.as_str()) || c.sid.to_lowercase().contains(s)
                })
            })
            .cloned()
            .collect()
    }

    fn check_filters(filters: &CallFilters, invalid: &mut Invalid) {
        if matches!(filters.status, Some(CallStatus::Unknown(_))) {
            invalid.selected("status");
        }
        if matches!(filters.direction, Some(Direction::Unknown(_))) {
            invalid.selected("direction");
        }
    }

    fn list_calls(&mut self, req: &Request<'_>) -> Answer {
        let query: ListCallsQuery = reply::query(req.query, &["per_page", "page"])?;
        // The same parameters less `agent_id`: the filters get-agent-calls shares.
        let filters: CallFilters = reply::query(req.query, &["per_page", "page"])?;
        let mut invalid = Invalid::default();
        Self::check_filters(&filters, &mut invalid);
        let mut list = ListCalls::new();
        list.query = query.clone();
        invalid.core(list.validate());
        invalid.check()?;
        let calls = self.filtered_calls(&filters, query.agent_id.as_ref().map(|a| a.as_str()));
        let (items, pagination) = paginate(&calls, filters.page, filters.per_page);
        Ok(Reply::list(items, None, Some(pagination)))
    }

    fn agent_calls(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        let filters: CallFilters = reply::query(req.query, &["per_page", "page"])?;
        let mut invalid = Invalid::default();
        Self::check_filters(&filters, &mut invalid);
        let mut list = GetAgentCalls::new(req.param("agent_id"));
        list.query = filters.clone();
        invalid.core(list.validate());
        invalid.check()?;
        let mut calls = self.filtered_calls(&filters, Some(req.param("agent_id")));
        // The agent is known here, so its calls come without it.
        for call in &mut calls {
            call.agent = None;
        }
        let (items, pagination) = paginate(&calls, filters.page, filters.per_page);
        Ok(Reply::list(items, None, Some(pagination)))
    }

    fn end_call(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        let body: EndCallBody = reply::body(req.body, &["call_sid"])?;
        let agent_id = req.param("agent_id");
        let sid = body.call_sid.as_str();
        let entry = self
            .calls
            .iter_mut()
            .filter(|c| c.call.agent.as_ref().is_some_and(|a| a.id.as_str() == agent_id))
            .find(|c| c.call.id.as_str() == sid || c.call.sid == sid)
            .ok_or_else(|| documented(req, 404, None, "Call not found for this agent"))?;
        if !is_active(&entry.call.status) {
            return Err(Reply::fail_code(409, "Call is not active", "CALL_NOT_ACTIVE"));
        }
        let now = now();
        entry.call.status = CallStatus::Completed;
        entry.call.updated_at = now.clone();
        entry.ended_at = Some(now);
        let ended: talkover_core::calls::EndedCall = from_json(json!({
            "id": entry.call.id, "status": entry.call.status, "ended_at": entry.ended_at,
            "ended_reason": "ended_by_api",
        }));
        Ok(Reply::data(200, None, ended))
    }

    fn active_call(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        let (agent_id, phone) = (req.param("agent_id"), req.param("phone"));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let active: Vec<talkover_core::calls::ActiveCall> = self
            .calls
            .iter()
            .filter(|c| c.call.agent.as_ref().is_some_and(|a| a.id.as_str() == agent_id))
            .filter(|c| c.call.to == phone && is_active(&c.call.status))
            .map(|c| {
                let started = DateTime::new(&c.call.created_at).map(|t| t.unix_timestamp()).unwrap_or(now);
                from_json(json!({
                    "id": c.call.id, "agent_id": agent_id, "to": c.call.to, "status": c.call.status,
                    "started_at": c.call.created_at, "duration_seconds": (now - started).max(0),
                }))
            })
            .collect();
        if active.is_empty() {
            return Err(documented(req, 404, None, "No active call found for this phone number"));
        }
        Ok(Reply::list(active, None, None))
    }

    // -----------------------------------------------------------------------------------------------
    // Campaigns

    fn list_campaigns(&mut self, req: &Request<'_>) -> Answer {
        let query: ListCampaignsQuery = reply::query(req.query, &["per_page", "page"])?;
        let mut invalid = Invalid::default();
        if matches!(query.status, Some(CampaignStatus::Unknown(_))) {
            invalid.selected("status");
        }
        if matches!(query.campaign_type, Some(CampaignType::Unknown(_))) {
            invalid.selected("campaign_type");
        }
        let mut list = ListCampaigns::new();
        list.query = query.clone();
        invalid.core(list.validate());
        invalid.check()?;
        let search = query.search.as_deref().map(str::to_lowercase).filter(|s| !s.is_empty());
        let day = |c: &Campaign| c.created_at.as_deref().and_then(|t| t.get(..10)).unwrap_or("").to_owned();
        let matching: Vec<Campaign> = self
            .campaigns
            .iter()
            .rev()
            .filter(|c| query.status.as_ref().is_none_or(|s| &c.status == s))
            .filter(|c| query.campaign_type.as_ref().is_none_or(|t| &c.campaign_type == t))
            .filter(|c| query.agent_id.as_ref().is_none_or(|a| &c.agent_id == a))
            .filter(|c| query.date_from.as_ref().is_none_or(|d| day(c).as_str() >= d.as_str()))
            .filter(|c| query.date_to.as_ref().is_none_or(|d| day(c).as_str() <= d.as_str()))
            .filter(|c| {
                search.as_ref().is_none_or(|s| {
                    c.name.to_lowercase().contains(s)
                        || c.description.as_deref().unwrap_or("").to_lowercase().contains(s)
                })
            })
            .map(|c| {
                // The list shows each campaign with its agent and statistics, not its calls and files.
                let mut c = c.clone();
                c.calls = None;
                c.files = None;
                c
            })
            .collect();
        let (items, pagination) = paginate(&matching, query.page, query.per_page);
        Ok(Reply::list(items, None, Some(pagination)))
    }

    fn agent_summary(&self, agent_id: &str) -> Option<Value> {
        let agent = &self.agents.iter().find(|a| a.agent.id.as_str() == agent_id)?.agent;
        Some(json!({ "id": agent.id, "name": agent.name, "label": agent.label }))
    }

    fn create_campaign(&mut self, req: &Request<'_>) -> Answer {
        const REQUIRED: &[&str] =
            &["name", "campaign_type", "agent_id", "start_date", "days_of_week", "call_time_ranges", "timezone"];
        let body: NewCampaign = reply::body(req.body, REQUIRED)?;
        let mut invalid = Invalid::default();
        if matches!(body.campaign_type, CampaignType::Unknown(_)) {
            invalid.selected("campaign_type");
        }
        if !self.has_agent(body.agent_id.as_str()) {
            invalid.selected("agent_id");
        }
        invalid.core(CreateCampaign::new(body.clone()).validate());
        invalid.check()?;
        let now = now();
        let mut data = to_json(&body);
        let fields = data.as_object_mut().expect("a body is an object");
        fields.insert("id".into(), json!(self.new_id()));
        fields.insert("status".into(), json!("draft"));
        fields.entry("end_date").or_insert(Value::Null);
        fields.entry("max_retries").or_insert(json!(3));
        fields.entry("retry_cooldown_hours").or_insert(json!(24));
        fields.entry("do_not_call_enabled").or_insert(json!(false));
        fields.insert("agent".into(), self.agent_summary(body.agent_id.as_str()).unwrap_or(Value::Null));
        fields.insert("calls".into(), json!([]));
        fields.insert("files".into(), json!([]));
        fields.insert(
            "stats".into(),
            json!({ "total_calls": 0, "completed_calls": 0, "failed_calls": 0, "success_rate": 0.0 }),
        );
        fields.insert("created_at".into(), json!(now));
        fields.insert("updated_at".into(), json!(now));
        let campaign: Campaign = from_json(data);
        self.campaigns.push(campaign.clone());
        Ok(Reply::data(201, None, campaign))
    }

    fn update_campaign(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let changes: CampaignChanges = reply::body(req.body, &[])?;
        let mut invalid = Invalid::default();
        if matches!(changes.campaign_type, Some(CampaignType::Unknown(_))) {
            invalid.selected("campaign_type");
        }
        if changes.agent_id.as_ref().is_some_and(|a| !self.has_agent(a.as_str())) {
            invalid.selected("agent_id");
        }
        invalid.core(UpdateCampaign::new(req.param("campaign_id"), changes.clone()).validate());
        invalid.check()?;
        // The changes carry the campaign's own field names: merge them into it.
        let mut merged = to_json(&self.campaigns[index]);
        if let (Some(target), Value::Object(changed)) = (merged.as_object_mut(), to_json(&changes)) {
            target.extend(changed);
            if let Some(agent_id) = changes.agent_id.as_ref() {
                target.insert("agent".into(), self.agent_summary(agent_id.as_str()).unwrap_or(Value::Null));
            }
            target.insert("updated_at".into(), json!(now()));
        }
        self.campaigns[index] = from_json(merged);
        Ok(Reply::data(200, None, &self.campaigns[index]))
    }

    fn update_campaign_status(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let body: CampaignStatusBody = reply::body(req.body, &["status"])?;
        let mut invalid = Invalid::default();
        if matches!(body.status, CampaignStatus::Unknown(_)) {
            invalid.selected("status");
        }
        invalid.check()?;
        let campaign = &mut self.campaigns[index];
        use CampaignStatus::*;
        let allowed = match campaign.status {
            Draft => matches!(body.status, Active | Cancelled),
            Active => matches!(body.status, Paused | Completed | Cancelled),
            Paused => matches!(body.status, Active | Completed | Cancelled),
            _ => false,
        };
        if !allowed {
            let message = format!("Cannot transition from {} to {} status", campaign.status, body.status);
            return Err(Reply::fail(400, &message));
        }
        campaign.status = body.status;
        campaign.updated_at = Some(now());
        let change: talkover_core::campaigns::CampaignStatusChange = from_json(json!({
            "id": campaign.id, "status": campaign.status, "updated_at": campaign.updated_at,
        }));
        Ok(Reply::data(200, Some("Campaign status updated successfully"), change))
    }

    fn delete_campaign(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        if self.campaigns[index].status == CampaignStatus::Active {
            return Err(Reply::fail(403, "Cannot delete active campaign"));
        }
        self.campaigns.remove(index);
        Ok(Reply::ack("Campaign deleted successfully"))
    }

    fn make_campaign_call(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let to = req.body.and_then(|b| b.get("to")).and_then(Value::as_str).unwrap_or_default();
        if !is_phone_number(to) {
            let mut invalid = Invalid::default();
            if to.is_empty() {
                invalid.required("to");
            }
            invalid.add("to", "The to must be a valid phone number.");
            invalid.check()?;
        }
        let body: NewCampaignCall = reply::body(req.body, &["to"])?;
        let mut invalid = Invalid::default();
        invalid.core(MakeCampaignCall::new(req.param("campaign_id"), body.clone()).validate());
        invalid.check()?;
        if self.campaigns[index].status != CampaignStatus::Active {
            return Err(Reply::fail(400, "Campaign is not active"));
        }
        let campaign_id = self.campaigns[index].id.clone();
        let calls = self.campaigns[index].calls.get_or_insert_with(Vec::new);
        let waiting = |c: &&CampaignCall| c.to == body.to && (c.status == CallStatus::Queued || is_active(&c.status));
        if let (false, Some(existing)) = (body.allow_duplicates.unwrap_or(false), calls.iter().find(waiting)) {
            return Err(Reply::new(
                409,
                json!({
                    "success": false,
                    "message": "A call to this number already exists in this campaign",
                    "existing_call": existing,
                }),
            ));
        }
        let now = now();
        let id = self.new_id();
        let call: CampaignCall = from_json(json!({
            "id": id, "campaign_id": campaign_id, "to": body.to, "status": "queued", "retries": 0,
            "scheduled_at": now, "created_at": now,
        }));
        let campaign = &mut self.campaigns[index];
        campaign.calls.get_or_insert_with(Vec::new).push(call.clone());
        if let Some(stats) = campaign.stats.as_mut() {
            stats.total_calls += 1;
        }
        let queued = json!({
            "campaign_call": call,
            "campaign": { "id": campaign.id, "name": campaign.name, "status": campaign.status },
        });
        let queued: talkover_core::calls::QueuedCampaignCall = from_json(queued);
        Ok(Reply::typed(201, &queued))
    }
}

fn is_active(status: &CallStatus) -> bool {
    matches!(status, CallStatus::Initiated | CallStatus::Ringing | CallStatus::Answered)
}

fn refresh_webhook(webhook: &mut AgentWebhook) {
    webhook.events_count = Some(webhook.events.len() as u32);
    webhook.status = Some(if webhook.enabled { WebhookStatus::Active } else { WebhookStatus::Disabled });
    webhook.updated_at = Some(now());
}

/// What an agent still lacks before it can be published: knowledge, a voice and calling settings.
fn missing_for_publish(agent: &Agent) -> Vec<(&'static str, &'static str)> {
    let mut missing = Vec::new();
    if agent.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
        missing.push((
            "description",
            "The agent needs a description before it can be published (update-agent-knowledge).",
        ));
    }
    if agent.voice.is_none() {
        missing.push(("voice_id", "The agent needs a voice before it can be published (update-agent-voice)."));
    }
    if agent.direction.is_none() {
        missing.push(("direction", "The agent needs a direction before it can be published (update-agent-calling)."));
    }
    missing
}

/// The operation's documented error body for `status` (the fixture whose name holds `hint`), or the usual
/// `{success: false, message}` shape.
fn documented(req: &Request<'_>, status: u16, hint: Option<&str>, message: &str) -> Reply {
    match req.catalog.documented_error(req.operation, status, hint) {
        Some(body) => Reply::new(status, body),
        None => Reply::fail(status, message),
    }
}

/// The documented 404 of an operation for an agent that does not exist.
pub(crate) fn agent_not_found(req: &Request<'_>) -> Reply {
    let mut reply = match req.catalog.documented_error(req.operation, 404, Some("agent")) {
        Some(body) => Reply::new(404, body),
        None if AGENT_WEBHOOK_OPERATIONS.contains(&req.operation) || req.operation.contains("webhook") => {
            Reply::fail(404, "Agent not found in this environment.")
        }
        None => Reply::fail(404, "Agent not found"),
    };
    // make-call's documented body names the agent it did not find.
    if let Some(details) = reply.body.pointer_mut("/error/details/agent_id") {
        *details = Value::String(req.param("agent_id").to_owned());
    }
    reply
}

/// The documented 404 of an operation for a campaign that does not exist.
pub(crate) fn campaign_not_found(req: &Request<'_>) -> Reply {
    documented(req, 404, Some("campaign"), "Campaign not found")
}

/// The documented 404 of an agent webhook operation for a webhook the agent does not have.
pub(crate) fn webhook_not_found(req: &Request<'_>) -> Reply {
    documented(req, 404, Some("webhook-not-found"), "Webhook not found.")
}
