//! Callback agents: an inbound agent given the role of answering the people outbound source agents called.
//!
//! The agents are the emulator's own agents, plus those the recorded callback examples name (so that the
//! recorded ids exist). Only an inbound agent can take the role (422 `INVALID_AGENT_DIRECTION`); its
//! sources must be published outbound agents, as list-callback-source-agents offers them and
//! check-callback-constraints holds them (a 422 naming each source refused, `source_agent_ids.N`, as the
//! pages document no answer of their own for it). Setting or updating the sources sets the role and the
//! whole list; removing the role from an agent without it answers the documented 404. The pages say
//! nothing of a direction change; the emulator keeps what they allow: an agent turned outbound loses its
//! role, one turned inbound its place among sources, and a role left with no source (its last one
//! deleted or turned inbound) goes. The callback
//! statistics count the recorded ones, in the period they were recorded for, as the emulator routes no
//! callbacks: a range that holds that period gives them, any other range none.

use talkover_core::agents::{AgentStatus, Direction};
use talkover_core::callbacks::{
    CallbackAgent, CallbackAgentDetails, CallbackAgentStats, CallbackConfig, CallbackSources, CallbackStats,
    CheckCallbackConstraints, ConstraintCheckAnswer, GetCallbackAgent, GetCallbackStats, ListCallbackAgents,
    ListCallbackSourceAgents, ProposedCallbackConfig, SetAgentAsCallback, SourceAgent, StatsPeriod,
    UpdateCallbackSources,
};
use talkover_core::error::ErrorCode;
use talkover_core::time::{Date, DateTime};

use super::flows::validation_answer;
use super::{agent_not_found, coded, documented, Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::{from_json, to_json, Invalid, Reply};

/// One agent with the callback role.
struct Role {
    agent_id: String,
    sources: Vec<String>,
    stats: CallbackAgentStats,
}

/// The callback roles, and the agents the recordings name.
#[derive(Default)]
pub(crate) struct Callbacks {
    roles: Vec<Role>,
    recorded_agents: Vec<SourceAgent>,
    /// The recorded statistics, with the period they count.
    recorded_stats: Option<CallbackStats>,
}

impl Callbacks {
    /// Forgets a deleted agent: its own role, and its place among the sources of the others. A role left
    /// without a source goes too: the pages never leave one so (an empty list "fails validation; use
    /// Remove Callback Role").
    pub(crate) fn forget(&mut self, agent_id: &str) {
        self.roles.retain(|role| role.agent_id != agent_id);
        self.drop_source(agent_id);
    }

    /// Follows an agent's new direction: only an inbound agent serves as a callback agent and only an
    /// outbound one is a source (list-callback-agents, list-callback-source-agents), so an agent turned
    /// outbound loses its role and one turned inbound its place among sources, as if set anew.
    pub(crate) fn direction_changed(&mut self, agent_id: &str, direction: &Direction) {
        if *direction != Direction::Inbound {
            self.roles.retain(|role| role.agent_id != agent_id);
        }
        if *direction != Direction::Outbound {
            self.drop_source(agent_id);
        }
    }

    /// Takes `agent_id` from every role's sources, and the role from an agent it leaves without one.
    fn drop_source(&mut self, agent_id: &str) {
        self.roles.retain_mut(|role| {
            let had = role.sources.len();
            role.sources.retain(|s| s != agent_id);
            role.sources.len() == had || !role.sources.is_empty()
        });
    }

    /// The recorded callback agent with its sources and statistics.
    pub(crate) fn seed(catalog: &Catalog) -> Self {
        let mut seeded = Self::default();
        let agents = catalog.documented_items::<ListCallbackAgents, _>();
        let sources = catalog.documented_items::<ListCallbackSourceAgents, _>();
        let details = catalog.documented::<GetCallbackAgent>();
        seeded.recorded_stats = catalog.documented::<GetCallbackStats>().filter(|s| s.period.is_some());
        for agent in agents {
            let summary = serde_json::to_value(&agent).ok().and_then(|a| serde_json::from_value::<SourceAgent>(a).ok());
            let stats =
                details.as_ref().filter(|d| d.agent.id == agent.id).and_then(|d| d.stats.clone()).unwrap_or_default();
            let sources = agent.callback_config.map(|c| c.source_agent_ids).unwrap_or_default();
            seeded.roles.push(Role {
                agent_id: agent.id.as_str().to_owned(),
                sources: sources.iter().map(|s| s.as_str().to_owned()).collect(),
                stats,
            });
            seeded.recorded_agents.extend(summary);
        }
        for source in sources {
            if !seeded.recorded_agents.iter().any(|a| a.id == source.id) {
                seeded.recorded_agents.push(source);
            }
        }
        seeded
    }
}

/// Why an agent cannot be a callback source.
enum SourceProblem {
    Missing,
    NotOutbound,
    NotPublished,
}

impl SourceProblem {
    /// What check-callback-constraints says of it.
    fn message(&self, source: &str) -> String {
        match self {
            Self::Missing => format!("Source agent {source} does not exist"),
            Self::NotOutbound => format!("Source agent {source} is not outbound"),
            Self::NotPublished => format!("Source agent {source} is not published"),
        }
    }
}

/// The sources a set or update asks for.
fn source_ids(body: CallbackSources) -> Vec<String> {
    body.source_agent_ids.iter().map(|id| id.as_str().to_owned()).collect()
}

/// The agents and whether the role is wanted, from a proposal.
fn proposal_parts(body: ProposedCallbackConfig) -> (bool, Vec<String>) {
    let sources = body.callback_source_agents.unwrap_or_default();
    (body.is_callback_agent.unwrap_or(true), sources.iter().map(|id| id.as_str().to_owned()).collect())
}

impl State {
    /// An agent as the callback operations show it: one of the emulator's agents, or a recorded one.
    fn callback_candidate(&self, id: &str) -> Option<SourceAgent> {
        if let Some(entry) = self.agents.iter().find(|a| a.agent.id.as_str() == id) {
            let agent = &entry.agent;
            let mut summary = SourceAgent::new(agent.id.clone());
            summary.name = Some(agent.name.clone());
            summary.label = agent.label.clone();
            summary.direction = agent.direction.clone();
            summary.current_status = agent.current_status.clone();
            return Some(summary);
        }
        self.callbacks.recorded_agents.iter().find(|a| a.id.as_str() == id).cloned()
    }

    /// Why agent `source` cannot be a callback source, if it cannot: only published outbound agents can
    /// (list-callback-source-agents).
    fn source_problem(&self, source: &str) -> Option<SourceProblem> {
        match self.callback_candidate(source) {
            None => Some(SourceProblem::Missing),
            Some(s) if s.direction != Some(Direction::Outbound) => Some(SourceProblem::NotOutbound),
            Some(s) if s.current_status != Some(AgentStatus::Published) => Some(SourceProblem::NotPublished),
            Some(_) => None,
        }
    }

    fn callback_agent(&self, role: &Role) -> Result<CallbackAgent, Reply> {
        // A source agent in short has the callback agent's fields: the same JSON.
        let mut agent = match self.callback_candidate(&role.agent_id) {
            Some(summary) => from_json(to_json(&summary)?)?,
            None => CallbackAgent::new(role.agent_id.as_str()),
        };
        let sources = role.sources.iter().map(|s| s.as_str().into()).collect();
        let mut config = CallbackConfig::default();
        config.source_agent_ids = sources;
        agent.callback_config = Some(config);
        Ok(agent)
    }

    /// Sets the callback role with these sources (set-agent-as-callback and update-callback-sources).
    fn set_callback_role(&mut self, req: &Request<'_>, mut sources: Vec<String>, mut invalid: Invalid) -> Answer {
        let id = req.param("agent_id");
        let Some(agent) = self.callback_candidate(id) else { return Err(agent_not_found(req)) };
        for (i, source) in sources.iter().enumerate() {
            if self.callback_candidate(source).is_none() {
                invalid.selected(&format!("source_agent_ids.{i}"));
            }
        }
        invalid.check()?;
        if agent.direction != Some(Direction::Inbound) {
            return Err(coded(
                req,
                ErrorCode::InvalidAgentDirection,
                "Agent must have direction=inbound to serve as a callback",
            ));
        }
        // The sources that exist must be ones check-callback-constraints accepts: each refused is named.
        let mut invalid = Invalid::default();
        for (i, source) in sources.iter().enumerate() {
            if let Some(problem) = self.source_problem(source) {
                invalid.add(&format!("source_agent_ids.{i}"), format!("{}.", problem.message(source)));
            }
        }
        invalid.check()?;
        let position = match self.callbacks.roles.iter().position(|r| r.agent_id == id) {
            Some(position) => position,
            None => {
                // No callback routed yet: the page's two counts, at zero (the emulator routes none).
                let mut stats = CallbackAgentStats::default();
                (stats.total_callbacks_received, stats.callbacks_answered) = (Some(0), Some(0));
                let role = Role { agent_id: id.to_owned(), sources: Vec::new(), stats };
                self.callbacks.roles.push(role);
                self.callbacks.roles.len() - 1
            }
        };
        // An agent named twice is one source (checked above where the request names it).
        let mut seen = std::collections::HashSet::new();
        sources.retain(|source| seen.insert(source.clone()));
        self.callbacks.roles[position].sources = sources;
        let agent = self.callback_agent(&self.callbacks.roles[position])?;
        Ok(Reply::data(200, None, agent))
    }

    pub(super) fn list_callback_agents(&mut self, _req: &Request<'_>) -> Answer {
        let agents = self.callbacks.roles.iter().map(|r| self.callback_agent(r)).collect::<Result<Vec<_>, _>>()?;
        Ok(Reply::list(agents))
    }

    pub(super) fn list_callback_source_agents(&mut self, _req: &Request<'_>) -> Answer {
        let mut ids: Vec<String> = self.agents.iter().map(|a| a.agent.id.as_str().to_owned()).collect();
        ids.extend(self.callbacks.recorded_agents.iter().map(|a| a.id.as_str().to_owned()));
        let mut sources: Vec<SourceAgent> = Vec::new();
        for id in ids {
            let Some(agent) = self.callback_candidate(&id) else { continue };
            // list-callback-source-agents: only published outbound agents.
            let published = agent.current_status == Some(AgentStatus::Published);
            if published && agent.direction == Some(Direction::Outbound) && !sources.iter().any(|s| s.id == agent.id) {
                sources.push(agent);
            }
        }
        Ok(Reply::list(sources))
    }

    pub(super) fn get_callback_agent(&mut self, req: &Request<'_>) -> Answer {
        let id = req.param("agent_id");
        let Some(role) = self.callbacks.roles.iter().find(|r| r.agent_id == id) else {
            if self.callback_candidate(id).is_none() {
                return Err(agent_not_found(req));
            }
            return Err(documented(req, 404, None, "Agent is not configured as a callback agent"));
        };
        let agent = self.callback_agent(role)?;
        let sources: Vec<SourceAgent> = role.sources.iter().filter_map(|s| self.callback_candidate(s)).collect();
        let mut details = CallbackAgentDetails::new(agent, sources);
        details.stats = Some(role.stats.clone());
        Ok(Reply::data(200, None, details))
    }

    pub(super) fn check_callback_constraints(&mut self, req: &Request<'_>) -> Answer {
        let id = req.param("agent_id");
        let Some(agent) = self.callback_candidate(id) else { return Err(agent_not_found(req)) };
        let (check, mut invalid) = req.decode::<CheckCallbackConstraints>()?;
        invalid.forgive_unlisted("callback_trigger_statuses");
        invalid.check()?;
        // A trigger status the reference does not know is one of the configuration's errors: the page
        // answers every error of the proposal in its list of strings ("Invalid"), and documents no 422.
        let mut problems: Vec<String> = (check.body.callback_trigger_statuses.iter().flatten())
            .filter(|status| !status.is_documented())
            .map(|status| format!("Trigger status {} is not a valid callback trigger", status.as_str()))
            .collect();
        let (wanted, sources) = proposal_parts(check.body);
        if wanted {
            if agent.direction != Some(Direction::Inbound) {
                problems.push("Agent must be inbound to serve as a callback agent".to_owned());
            }
            if sources.is_empty() {
                problems.push("A callback agent needs at least one source agent".to_owned());
            }
            let refused = sources.iter().filter_map(|s| Some(self.source_problem(s)?.message(s)));
            problems.extend(refused);
        }
        let answer = validation_answer(problems, "Configuration is valid", Some("Configuration has errors"));
        Ok(Reply::typed(200, &ConstraintCheckAnswer(answer)))
    }

    pub(super) fn set_agent_as_callback(&mut self, req: &Request<'_>) -> Answer {
        let (set, invalid) = req.decode::<SetAgentAsCallback>()?;
        self.set_callback_role(req, source_ids(set.body), invalid)
    }

    pub(super) fn update_callback_sources(&mut self, req: &Request<'_>) -> Answer {
        let (update, invalid) = req.decode::<UpdateCallbackSources>()?;
        self.set_callback_role(req, source_ids(update.body), invalid)
    }

    pub(super) fn remove_callback_role(&mut self, req: &Request<'_>) -> Answer {
        let id = req.param("agent_id");
        if self.callback_candidate(id).is_none() {
            return Err(agent_not_found(req));
        }
        let Some(position) = self.callbacks.roles.iter().position(|r| r.agent_id == id) else {
            return Err(Reply::fail(404, "Agent is not configured as a callback agent"));
        };
        self.callbacks.roles.remove(position);
        Ok(Reply::ack("Callback role removed"))
    }

    /// get-callback-stats: the range asked for, each end defaulting as the page says (30 days ago, today:
    /// days of the emulator's clock, in UTC), and its counts: the recorded ones when the range holds the
    /// period they were recorded for, else none.
    pub(super) fn callback_stats(&mut self, req: &Request<'_>) -> Answer {
        let query = req.valid::<GetCallbackStats>()?.query;
        let day = |days_ago: i64| {
            let seconds = self.live.clock.now_ms().div_euclid(1000) - days_ago * 86_400;
            DateTime::from_unix_timestamp(seconds)
                .map(|t| t.date())
                .map_err(|_| Reply::bug::<GetCallbackStats>("a day"))
        };
        let start: Date = match query.start_date {
            Some(start) => start,
            None => day(30)?,
        };
        let end: Date = match query.end_date {
            Some(end) => end,
            None => day(0)?,
        };
        let holds = |recorded: &StatsPeriod| start <= recorded.start && recorded.end <= end;
        let mut stats = match &self.callbacks.recorded_stats {
            Some(recorded) if recorded.period.as_ref().is_some_and(holds) => recorded.clone(),
            _ => CallbackStats::new(0u64, 0u64, 0u64, Vec::new()),
        };
        stats.period = Some(StatsPeriod::new(start, end));
        Ok(Reply::data(200, None, stats))
    }
}
