//! Agents' conversation flows and their versions.
//!
//! An agent without a saved flow is `llm_driven` with no flow. A flow is checked before it is saved (and
//! by validate-agent-flow, which saves nothing), with the rules validate-agent-flow lists: the initial node
//! must exist, node ids must be unique, every `next` given (a node's or a branch's) must name a node,
//! every node must be reachable from the initial one, and each node must have the fields of its type that
//! the pages' examples show (a `say` node its `content`, a `decision` node its `branches`; the pages name no field of
//! the other types). An `action` node naming an `action_id` must name one of the agent's actions (the page
//! scopes the check to the agent's action ids; the field's name is the emulator's choice, as the pages
//! give none). Each saved flow becomes the current version; the versions list newest first.

use std::collections::{BTreeSet, HashMap, HashSet};

use talkover_core::flows::{
    AgentFlow, AgentFlowUpdate, ConversationMode, FlowConfig, FlowNode, FlowNodeType, FlowToValidate, FlowVersion,
    FlowVersions, GetAgentFlow, ListAgentFlowVersions, UpdateAgentFlow, ValidateAgentFlow, ValidationAnswer,
};
use talkover_core::Operation;

use super::{agent_not_found, now, timestamp, Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::Reply;

/// One agent's flow and its saved versions (newest first).
struct FlowEntry {
    agent_id: String,
    flow: AgentFlow,
    versions: Vec<FlowVersion>,
}

/// The flows of the agents that saved one.
#[derive(Default)]
pub(crate) struct Flows {
    flows: Vec<FlowEntry>,
    recorded_agents: Vec<String>,
}

impl Flows {
    /// The recorded flow and versions, for the agent the recordings name (which exists for these
    /// operations even though the agents' state does not hold it) and for the reference's example agent
    /// (when it exists).
    pub(crate) fn seed(catalog: &Catalog, example_agent: Option<&str>) -> Self {
        let mut seeded = Self::default();
        let recorded_agent = catalog
            .of(GetAgentFlow::ID)
            .iter()
            .find(|f| f.successful())
            .and_then(|f| f.params.path.get("agent_id")?.as_str().map(str::to_owned));
        seeded.recorded_agents.extend(recorded_agent.clone());
        for agent_id in recorded_agent.iter().map(String::as_str).chain(example_agent) {
            seeded.seed_agent(catalog, agent_id);
        }
        seeded
    }

    fn seed_agent(&mut self, catalog: &Catalog, agent_id: &str) {
        let seeded = self;
        let Some(flow) = catalog.documented::<GetAgentFlow>() else {
            return;
        };
        let versions = catalog.documented::<ListAgentFlowVersions>().map(|v| v.versions).unwrap_or_default();
        seeded.flows.push(FlowEntry { agent_id: agent_id.to_owned(), flow, versions });
    }
}

/// The field of an `action` node naming the agent's action it runs.
const ACTION_FIELD: &str = "action_id";

/// What a node lacks for its type, and an action it names that the agent does not have (`actions`, the
/// agent's action ids; `None` when the emulator does not hold the agent's actions, which are then not
/// checked).
fn node_problems(node: &FlowNode, actions: Option<&[String]>, problems: &mut Vec<String>) {
    let id = node.id.as_str();
    let kind = node.node_type.as_str();
    match node.node_type {
        FlowNodeType::Say if node.content.as_deref().is_none_or(|c| c.trim().is_empty()) => {
            problems.push(format!("Node '{id}' of type '{kind}' requires content"));
        }
        FlowNodeType::Decision if node.branches.as_deref().is_none_or(<[_]>::is_empty) => {
            problems.push(format!("Node '{id}' of type '{kind}' requires at least one branch"));
        }
        // validate-agent-flow checks "valid `next`/`branches` targets": a branch leading nowhere is none.
        FlowNodeType::Decision => {
            let branches = node.branches.iter().flatten();
            for (i, _) in branches.enumerate().filter(|(_, branch)| branch.next.is_none()) {
                problems.push(format!("Node '{id}' branch {i} has no next node"));
            }
        }
        FlowNodeType::Action => {
            let named = node.extra.get(ACTION_FIELD).filter(|v| !v.is_null());
            let action = named.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            if let (Some(action), Some(actions)) = (action, actions) {
                if !actions.contains(&action) {
                    problems.push(format!("Node '{id}' references unknown action '{action}'"));
                }
            }
        }
        _ => {}
    }
}

/// What is wrong with a flow, one sentence each as the API's examples write them; empty when nothing is.
/// `actions` are the agent's action ids, when the emulator holds them.
fn flow_problems(config: &FlowConfig, actions: Option<&[String]>) -> Vec<String> {
    let mut problems = Vec::new();
    let nodes = config.nodes.as_deref().unwrap_or_default();
    let mut ids = BTreeSet::new();
    for node in nodes {
        if !ids.insert(node.id.as_str()) {
            problems.push(format!("Duplicate node id: '{}'", node.id.as_str()));
        }
    }
    let initial = config.initial_node_id.as_ref().map(|i| i.as_str()).unwrap_or_default();
    if !ids.contains(initial) {
        problems.push(format!("initial_node_id '{initial}' not found in nodes"));
    }
    let targets = |node: &FlowNode| -> Vec<String> {
        let branches = node.branches.iter().flatten().filter_map(|b| b.next.as_ref());
        node.next.iter().chain(branches).map(|n| n.as_str().to_owned()).collect()
    };
    for node in nodes {
        node_problems(node, actions, &mut problems);
        for next in targets(node) {
            if !ids.contains(next.as_str()) {
                problems.push(format!("Node '{}' references unknown next node '{next}'", node.id.as_str()));
            }
        }
    }
    // Reachability from the initial node: a walk that visits each node once (a node named twice is
    // left by every node of that id), so a flow of any length is checked in time proportional to it.
    if ids.contains(initial) {
        let mut by_id: HashMap<&str, Vec<&FlowNode>> = HashMap::new();
        for node in nodes {
            by_id.entry(node.id.as_str()).or_default().push(node);
        }
        let mut reached: HashSet<String> = HashSet::from([initial.to_owned()]);
        let mut to_visit = vec![initial.to_owned()];
        while let Some(id) = to_visit.pop() {
            for node in by_id.get(id.as_str()).into_iter().flatten() {
                for next in targets(node) {
                    if ids.contains(next.as_str()) && reached.insert(next.clone()) {
                        to_visit.push(next);
                    }
                }
            }
        }
        for id in &ids {
            if !reached.contains(*id) {
                problems.push(format!("Node '{id}' is unreachable"));
            }
        }
    }
    problems
}

/// The answer of a dry-run check (validate-agent-flow, check-callback-constraints): success with `valid`
/// when nothing is wrong, else the problems, with `invalid` as the message where the API gives one.
pub(super) fn validation_answer(problems: Vec<String>, valid: &str, invalid: Option<&str>) -> ValidationAnswer {
    let mut answer = ValidationAnswer::default();
    if problems.is_empty() {
        answer.success = Some(true);
        answer.message = Some(valid.to_owned());
    } else {
        answer.success = Some(false);
        answer.message = invalid.map(str::to_owned);
        answer.errors = Some(problems);
    }
    answer
}

/// The flow an update asks for: `llm_driven` has no flow (get-agent-flow: its `flow_config` is `null`), and
/// `flow_driven` sent without one keeps the stored one.
fn flow_update(stored: Option<&AgentFlow>, body: AgentFlowUpdate) -> AgentFlow {
    let mut flow = AgentFlow::new(body.conversation_mode);
    if flow.conversation_mode == ConversationMode::FlowDriven {
        flow.flow_config = body.flow_config.flatten().or_else(|| stored.and_then(|s| s.flow_config.clone()));
    }
    flow
}

fn flow_to_validate(body: FlowToValidate) -> FlowConfig {
    body.flow_config
}

impl State {
    fn flow_agent(&self, req: &Request<'_>) -> Result<String, Reply> {
        let id = req.param("agent_id");
        if self.has_agent(id) || self.flows.recorded_agents.iter().any(|a| a == id) {
            Ok(id.to_owned())
        } else {
            Err(agent_not_found(req))
        }
    }

    /// The ids of the agent's actions, when the emulator holds the agent (a recorded agent known only to
    /// the flow operations has none the emulator knows of).
    fn flow_actions(&self, agent: &str) -> Option<Vec<String>> {
        let entry = self.agents.iter().find(|a| a.agent.id.as_str() == agent)?;
        Some(entry.agent.actions.iter().flatten().map(|a| a.id.as_str().to_owned()).collect())
    }

    pub(super) fn get_agent_flow(&mut self, req: &Request<'_>) -> Answer {
        let agent = self.flow_agent(req)?;
        let flow = self.flows.flows.iter().find(|f| f.agent_id == agent).map(|f| f.flow.clone());
        Ok(Reply::data(200, None, flow.unwrap_or_else(AgentFlow::llm_driven)))
    }

    pub(super) fn update_agent_flow(&mut self, req: &Request<'_>) -> Answer {
        let agent = self.flow_agent(req)?;
        let update = req.valid::<UpdateAgentFlow>()?;
        let sent_config = update.body.flow_config.as_ref().is_some_and(Option::is_some);
        let position = self.flows.flows.iter().position(|f| f.agent_id == agent);
        let flow = flow_update(position.map(|p| &self.flows.flows[p].flow), update.body);
        // A flow sent with `llm_driven` is not run (the page: send none in that mode), so it is neither
        // checked nor saved as a version: a version is the flow an agent runs.
        let saves_config = sent_config && flow.flow_config.is_some();
        if saves_config {
            let actions = self.flow_actions(&agent);
            let problems = flow.flow_config.as_ref().map(|c| flow_problems(c, actions.as_deref())).unwrap_or_default();
            if !problems.is_empty() {
                let answer = validation_answer(problems, "", Some("Flow validation failed"));
                return Err(Reply::typed(422, &answer));
            }
        }
        let position = position.unwrap_or_else(|| {
            let empty = FlowEntry { agent_id: agent.clone(), flow: AgentFlow::llm_driven(), versions: Vec::new() };
            self.flows.flows.push(empty);
            self.flows.flows.len() - 1
        });
        if saves_config {
            let id = self.new_id();
            let number = self.flows.flows[position].versions.len() + 1;
            let config = flow.flow_config.clone();
            let label = config.as_ref().and_then(|c| c.meta.as_ref()?.version.clone());
            let mut version = FlowVersion::new(id);
            version.version = Some(label.unwrap_or_else(|| format!("{number}")));
            version.created_at = Some(timestamp(now()));
            version.is_current = Some(true);
            version.flow_config = config;
            let entry = &mut self.flows.flows[position];
            entry.versions.iter_mut().for_each(|v| v.is_current = Some(false));
            entry.versions.insert(0, version);
        } else if flow.flow_config.is_none() {
            // An agent that no longer runs a flow (switched to `llm_driven`) runs none of its versions.
            self.flows.flows[position].versions.iter_mut().for_each(|v| v.is_current = Some(false));
        }
        self.flows.flows[position].flow = flow.clone();
        Ok(Reply::data(200, None, flow))
    }

    pub(super) fn validate_agent_flow(&mut self, req: &Request<'_>) -> Answer {
        let agent = self.flow_agent(req)?;
        let validate = req.valid::<ValidateAgentFlow>()?;
        let actions = self.flow_actions(&agent);
        let problems = flow_problems(&flow_to_validate(validate.body), actions.as_deref());
        Ok(Reply::typed(200, &validation_answer(problems, "Flow is valid", None)))
    }

    pub(super) fn list_agent_flow_versions(&mut self, req: &Request<'_>) -> Answer {
        let agent = self.flow_agent(req)?;
        let versions = self.flows.flows.iter().find(|f| f.agent_id == agent).map(|f| f.versions.clone());
        let versions = FlowVersions::new(versions.unwrap_or_default());
        Ok(Reply::data(200, None, versions))
    }
}
