//! Agents: create, list, get, knowledge, voice, calling and advanced settings, publish, unpublish, delete.

use talkover_core::agents::{
    AdvancedSettings, Agent, AgentAdvancedSettings, AgentCalling, AgentPhoneNumber, AgentPricingSummary, AgentStatus,
    AgentStatusChange, CreateAgent, EligibilityShortfall, ListAgents, OptimizedCostsEligibility, PhoneNumberId,
    UpdateAdvancedSettings, UpdateAgentCalling, UpdateAgentKnowledge, UpdateAgentVoice, Voice, VoiceTemplateRef,
};
use talkover_core::time::DateTime;
use talkover_core::voice_templates::QualityTier;
use talkover_core::{ErrorBody, Operation};

/// The call volume optimized costs ask for, as both of check-optimized-costs-eligibility's examples give
/// it: 700 calls placed in the last 7 days.
const REQUIRED_CALLS: u64 = 700;
const THRESHOLD_DAYS: u32 = 7;

use super::{now, search_term, AgentEntry, Answer, Request, State};
use crate::reply::{merge, Invalid, Reply};

impl State {
    pub(super) fn list_agents(&mut self, req: &Request<'_>) -> Answer {
        let list = req.valid::<ListAgents>()?;
        let query = &list.query;
        let search = search_term(query.search.as_deref());
        let matching: Vec<&Agent> = self
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
            .collect();
        Ok(Reply::paged(&list, &matching))
    }

    pub(super) fn get_agent(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        Ok(Reply::data(200, None, &self.agents[index].agent))
    }

    pub(super) fn create_agent(&mut self, req: &Request<'_>) -> Answer {
        let (create, mut invalid) = req.decode::<CreateAgent>()?;
        let body = create.body;
        let phone_numbers = self.assigned_numbers(body.phone_number_ids.as_deref().unwrap_or_default(), &mut invalid);
        invalid.check()?;

        let now = now();
        let id = self.new_id();
        let mut agent = Agent::new(id, body.name);
        agent.label = Some(body.label);
        agent.description = body.description;
        agent.language = Some(body.language);
        agent.initial_message = body.initial_message;
        agent.interrupt_sensitivity = Some(body.interrupt_sensitivity);
        agent.conversation_speed = Some(body.conversation_speed);
        agent.initial_message_delay = Some(body.initial_message_delay);
        agent.ask_if_human_present_on_idle = Some(body.ask_if_human_present_on_idle);
        agent.direction = Some(body.direction);
        agent.who_speaks_first = Some(body.who_speaks_first);
        agent.llm_temperature = Some(body.llm_temperature);
        agent.endpointing_sensitivity = Some(body.endpointing_sensitivity);
        agent.ivr_navigation_mode = Some(body.ivr_navigation_mode);
        agent.idle_time_seconds = Some(body.idle_time_seconds);
        agent.enable_recording = Some(body.enable_recording);
        agent.current_status = Some(AgentStatus::Draft);
        agent.is_sandbox = Some(false);
        agent.created_at = Some(now.clone());
        agent.updated_at = Some(now);
        agent.trainings = Some(Vec::new());
        agent.actions = Some(Vec::new());
        agent.phone_numbers = Some(phone_numbers);
        agent.is_ready_to_publish = Some(missing_for_publish(&agent).is_empty());
        let reply = Reply::data(CreateAgent::SUCCESS_STATUS, Some("Agent created successfully"), &agent);
        self.agents.push(AgentEntry::new(agent));
        Ok(reply)
    }

    /// One of the environment's numbers, as an agent shows it: its own (list-phone-numbers, the SIP trunks'
    /// numbers among them) or one an agent already has. `None` for an id that is none of these.
    pub(super) fn phone_number(&self, id: &str) -> Option<AgentPhoneNumber> {
        if let Some(known) = self.phone_numbers.for_agent(id) {
            return Some(known);
        }
        let mut agents_numbers = self.agents.iter().flat_map(|a| a.agent.phone_numbers.iter().flatten());
        agents_numbers.find(|n| n.id.as_str() == id).cloned()
    }

    /// The numbers `ids` name, in order, each once (an id given twice is one number: an agent has a number
    /// or not); each id that is not one of the environment's numbers is refused (`phone_number_ids.N`),
    /// since only those can be assigned.
    fn assigned_numbers(&self, ids: &[PhoneNumberId], invalid: &mut Invalid) -> Vec<AgentPhoneNumber> {
        let mut numbers: Vec<AgentPhoneNumber> = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            match self.phone_number(id.as_str()) {
                Some(number) if numbers.iter().any(|n| n.id == number.id) => {}
                Some(number) => numbers.push(number),
                None => invalid.selected(&format!("phone_number_ids.{i}")),
            }
        }
        numbers
    }

    /// The agent `req` changed: when it changed, and whether it is ready to publish. A change the
    /// operation's declaration says takes it back to draft (`unpublishes_agent`: what it knows, how it
    /// sounds, its actions and trainings, as their pages say) does.
    pub(super) fn changed(&mut self, req: &Request<'_>, index: usize) {
        let agent = &mut self.agents[index].agent;
        if req.operation.unpublishes_agent {
            agent.current_status = Some(AgentStatus::Draft);
        }
        agent.updated_at = Some(now());
        agent.is_ready_to_publish = Some(missing_for_publish(agent).is_empty());
    }

    pub(super) fn update_knowledge(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body = req.valid::<UpdateAgentKnowledge>()?.body;
        merge(&mut self.agents[index].agent, &body)?;
        self.changed(req, index);
        Ok(Reply::data(200, Some("Agent knowledge updated successfully"), &self.agents[index].agent))
    }

    pub(super) fn update_voice(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let (update, mut invalid) = req.decode::<UpdateAgentVoice>()?;
        let body = update.body;
        let template = body.voice_id.as_str().to_owned();
        // The voice must be one of the voice templates (update-agent-voice: VOICE_NOT_FOUND).
        let Some(voice) = self.voice_template(&template) else {
            invalid.check()?;
            return Err(Reply::fail_code(404, "Voice template not found", "VOICE_NOT_FOUND"));
        };
        // "The voice template must support the chosen language" (a language sent to change it).
        if let Some(language) = body.language.as_ref().filter(|language| **language != voice.language) {
            invalid.add("language", format!("The selected voice does not support the language {language}."));
        }
        // Similarity and stability are "required only for high-fidelity voice templates", and the template's
        // quality tier "determines whether this field is accepted": required for a pro or ultra voice, not
        // kept for a basic one (its page's basic example sends neither), as given for a tier it does not rank.
        let tuning = match voice.quality_tier {
            QualityTier::Pro | QualityTier::Ultra => {
                for (field, given) in [("similarity", body.similarity), ("stability", body.stability)] {
                    if given.is_none() {
                        invalid
                            .add(field, format!("The {field} field is required for a high-fidelity voice template."));
                    }
                }
                true
            }
            QualityTier::Basic => false,
            _ => true,
        };
        invalid.check()?;
        let name = voice.name.clone();
        let voice_id = self.new_id();
        let mut voice = Voice::new(voice_id, name.clone());
        voice.label = Some(format!("{name} Voice"));
        if tuning {
            voice.stability = body.stability;
            voice.similarity_boost = body.similarity;
        }
        voice.ambient_background = body.ambient_background;
        voice.template = Some(VoiceTemplateRef::new(template, name));
        let agent = &mut self.agents[index].agent;
        agent.voice = Some(voice);
        agent.conversation_speed = Some(body.conversation_speed);
        agent.who_speaks_first = Some(body.who_speaks_first);
        if body.language.is_some() {
            agent.language = body.language;
        }
        self.changed(req, index);
        Ok(Reply::data(200, Some("Agent voice updated successfully"), &self.agents[index].agent))
    }

    pub(super) fn update_calling(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let (update, mut invalid) = req.decode::<UpdateAgentCalling>()?;
        let body = update.body;
        let numbers = body.phone_number_ids.as_deref().map(|ids| self.assigned_numbers(ids, &mut invalid));
        invalid.check()?;
        let now = now();
        let agent = &mut self.agents[index].agent;
        agent.direction = Some(body.direction.clone());
        let id = agent.id.as_str().to_owned();
        self.callbacks.direction_changed(&id, &body.direction);
        let agent = &mut self.agents[index].agent;
        if let Some(numbers) = numbers {
            agent.phone_numbers = Some(numbers);
        }
        agent.updated_at = Some(now.clone());
        let mut calling =
            AgentCalling::new(agent.id.clone(), body.direction, agent.phone_numbers.clone().unwrap_or_default());
        calling.name = Some(agent.name.clone());
        calling.current_status = agent.current_status.clone();
        calling.updated_at = Some(now);
        Ok(Reply::data(200, Some("Agent calling settings updated successfully"), calling))
    }

    pub(super) fn update_advanced(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let body: AdvancedSettings = req.valid::<UpdateAdvancedSettings>()?.body;
        // Optimized costs (the initial message cache) only for an agent over the call volume (its 422).
        let eligibility = (body.enable_initial_message_cache == Some(true)).then(|| self.eligibility(index));
        if let Some(eligibility) = eligibility.filter(|e| !e.eligible) {
            let details = EligibilityShortfall::new(
                eligibility.current_calls,
                eligibility.required_calls,
                eligibility.threshold_days,
            );
            let refusal = ErrorBody::new("Agent does not meet the call volume threshold for optimized costs")
                .code("OPTIMIZED_COSTS_NOT_ELIGIBLE")
                .extra("details", serde_json::to_value(details).unwrap_or_default());
            return Err(Reply::typed(422, &refusal));
        }
        let now = now();
        let entry = &mut self.agents[index];
        merge(&mut entry.advanced, &body)?;
        entry.agent.updated_at = Some(now.clone());
        let mut settings = AgentAdvancedSettings::new(entry.agent.id.clone(), entry.advanced.clone());
        settings.name = Some(entry.agent.name.clone());
        settings.updated_at = Some(now);
        Ok(Reply::data(200, Some("Advanced settings updated successfully"), settings))
    }

    /// Whether the agent has placed the calls optimized costs ask for, counted on the emulator's clock
    /// over the last [`THRESHOLD_DAYS`] (check-optimized-costs-eligibility: checked in real time).
    fn eligibility(&self, index: usize) -> OptimizedCostsEligibility {
        let entry = &self.agents[index];
        let since = self.live.clock.now_ms().saturating_sub(i64::from(THRESHOLD_DAYS) * 86_400_000);
        let placed_since =
            |created_at: &str| DateTime::new(created_at).is_ok_and(|t| t.unix_timestamp() * 1000 >= since);
        let recent = self
            .calls
            .iter()
            .filter(|c| c.call.agent.as_ref().is_some_and(|a| a.id == entry.agent.id))
            .filter(|c| placed_since(c.call.created_at.as_str()))
            .count() as u64;
        let current = entry.recorded_recent_calls + recent;
        let eligible = current >= REQUIRED_CALLS;
        let mut eligibility = OptimizedCostsEligibility::new(eligible, current, REQUIRED_CALLS, THRESHOLD_DAYS);
        eligibility.calls_remaining = (!eligible).then(|| REQUIRED_CALLS - current);
        eligibility
    }

    pub(super) fn optimized_costs_eligibility(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        Ok(Reply::data(200, None, self.eligibility(index)))
    }

    /// The reference's summary (its estimate and voice tier), for this agent, saying whether it has
    /// optimized costs on.
    pub(super) fn pricing_summary(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let entry = &self.agents[index];
        let recorded = self.recorded_pricing.clone();
        let mut summary = AgentPricingSummary::new(
            entry.agent.id.clone(),
            recorded.as_ref().map_or_else(|| "USD".to_owned(), |r| r.currency.clone()),
            recorded.as_ref().map_or_else(
                // The reference's example estimate, 0.0855.
                || talkover_core::Decimal::from_minor_units(855, 4),
                |r| r.estimated_cost_per_minute.clone(),
            ),
        );
        summary.voice_quality_tier = recorded.and_then(|r| r.voice_quality_tier);
        summary.optimized_costs_enabled = Some(entry.advanced.enable_initial_message_cache == Some(true));
        Ok(Reply::data(200, None, summary))
    }

    fn status_change(&self, index: usize, message: &str) -> Answer {
        let agent = &self.agents[index].agent;
        let status = agent.current_status.clone().unwrap_or(AgentStatus::Draft);
        let mut change = AgentStatusChange::new(agent.id.clone(), status);
        change.name = Some(agent.name.clone());
        change.is_ready_to_publish = agent.is_ready_to_publish;
        change.updated_at = agent.updated_at.clone();
        Ok(Reply::data(200, Some(message), change))
    }

    pub(super) fn publish(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let mut invalid = Invalid::default();
        for (field, message) in missing_for_publish(&self.agents[index].agent) {
            invalid.add(field, message);
        }
        invalid.check()?;
        let agent = &mut self.agents[index].agent;
        agent.current_status = Some(AgentStatus::Published);
        agent.is_ready_to_publish = Some(true);
        agent.updated_at = Some(now());
        self.status_change(index, "Agent published successfully")
    }

    pub(super) fn unpublish(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        // Back to draft; knowledge, voice, trainings, actions and numbers stay as they are.
        let agent = &mut self.agents[index].agent;
        agent.current_status = Some(AgentStatus::Draft);
        agent.updated_at = Some(now());
        self.status_change(index, "Agent unpublished successfully")
    }

    pub(super) fn delete_agent(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let id = self.agents[index].agent.id.clone();
        if self.agents[index].is_published() {
            return Err(Reply::fail_code(
                409,
                "Published agents must be unpublished before deletion.",
                "AGENT_IS_PUBLISHED",
            ));
        }
        if self.calls.iter().any(|c| c.call.agent.as_ref().is_some_and(|a| a.id == id) && c.call.status.is_active()) {
            // The page's example body has no code, but its error-code table names this 409's, as it
            // names the published agent's: both conflicts carry theirs, so a caller can tell them apart.
            return Err(Reply::fail_code(
                409,
                "Cannot delete agent while it has active calls.",
                "AGENT_HAS_ACTIVE_CALLS",
            ));
        }
        let removed = self.agents.remove(index);
        // Its webhooks go with it, and with them their settings and logs.
        for hook in &removed.webhooks {
            self.forget_hook(hook.id.as_str());
        }
        self.callbacks.forget(id.as_str());
        self.gone.insert(id.as_str().to_owned());
        // Its call history goes with it (delete-agent: permanently removed).
        self.calls.retain(|c| c.call.agent.as_ref().is_none_or(|a| a.id != id));
        // So do its campaigns, with their calls: "all its associated data". Left behind, one would stay
        // `active` with calls queued that nothing can dial, naming an agent that is the page's 404.
        let (orphaned, kept): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.campaigns).into_iter().partition(|c| c.agent_id == id);
        self.campaigns = kept;
        for campaign in orphaned.iter() {
            self.forget_campaign(campaign);
        }
        Ok(Reply::ack("Agent deleted successfully"))
    }
}

/// What an agent still lacks before it can be published: knowledge, a voice and calling settings.
pub(super) fn missing_for_publish(agent: &Agent) -> Vec<(&'static str, &'static str)> {
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
