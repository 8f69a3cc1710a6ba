//! Calls: make-call records one; list-calls and get-agent-calls show them; end-call and get-active-call
//! follow them.

use serde_json::json;
use talkover_core::agents::{AgentStatus, Direction};
use talkover_core::calls::{
    ActiveCall, AgentSummary, Call, CallFilters, CallStatus, EndCall, EndedCall, GetAgentCalls, ListCalls, MakeCall,
    PlacedCall,
};
use talkover_core::time::DateTime;

use super::{documented, formatted, is_phone_number, now, unix_now, Answer, CallEntry, Request, State};
use crate::reply::{from_json, paginate, Invalid, Reply};

impl State {
    pub(super) fn make_call(&mut self, req: &Request<'_>) -> Answer {
        let index = self.agent_index(req)?;
        let to = req.body.and_then(|b| b.get("to")).and_then(serde_json::Value::as_str).unwrap_or_default();
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
        let (make, invalid) = req.decode::<MakeCall>()?;
        invalid.check()?;
        let body = make.body;
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
        let mut summary = AgentSummary::new(agent.id.clone(), agent.name.clone());
        summary.label = agent.label.clone();
        let now = now();
        let id = self.new_id();
        let sid = format!("CA{:032x}", self.next_id);
        let mut call = Call::new(id, sid, from, body.to, Direction::Outbound, CallStatus::Initiated, now);
        call.to_formatted = formatted(&call.to);
        call.from_formatted = formatted(&call.from);
        call.is_testing = body.is_testing.unwrap_or(false);
        call.agent = Some(summary);
        let placed: PlacedCall = from_json(json!({
            "id": call.id, "agent_id": make.agent_id, "to": call.to, "status": call.status,
            "created_at": call.created_at,
        }))?;
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
            .filter(|c| {
                filters.date_from.as_ref().is_none_or(|d| c.created_at.as_str().get(..10).unwrap_or("") >= d.as_str())
            })
            .filter(|c| {
                filters.date_to.as_ref().is_none_or(|d| c.created_at.as_str().get(..10).unwrap_or("") <= d.as_str())
            })
            .filter(|c| {
                search.as_ref().is_none_or(|s| {
                    c.to.contains(s.as_str()) || c.from.contains(s.as_str()) || c.sid.to_lowercase().contains(s)
                })
            })
            .cloned()
            .collect()
    }

    pub(super) fn list_calls(&mut self, req: &Request<'_>) -> Answer {
        let (list, mut invalid) = req.decode::<ListCalls>()?;
        let query = list.query;
        // The same parameters less `agent_id`: the filters get-agent-calls shares.
        let mut filters = CallFilters::default();
        filters.status = query.status;
        filters.direction = query.direction;
        filters.date_from = query.date_from;
        filters.date_to = query.date_to;
        filters.search = query.search;
        filters.per_page = query.per_page;
        filters.page = query.page;
        check_filters(&filters, &mut invalid);
        invalid.check()?;
        let calls = self.filtered_calls(&filters, query.agent_id.as_ref().map(|a| a.as_str()));
        let (items, pagination) = paginate(&calls, filters.page, filters.per_page);
        Ok(Reply::list(items, None, Some(pagination)))
    }

    pub(super) fn agent_calls(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        let (list, mut invalid) = req.decode::<GetAgentCalls>()?;
        let filters = list.query;
        check_filters(&filters, &mut invalid);
        invalid.check()?;
        let mut calls = self.filtered_calls(&filters, Some(list.agent_id.as_str()));
        // The agent is known here, so its calls come without it.
        for call in &mut calls {
            call.agent = None;
        }
        let (items, pagination) = paginate(&calls, filters.page, filters.per_page);
        Ok(Reply::list(items, None, Some(pagination)))
    }

    pub(super) fn end_call(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        let (end, invalid) = req.decode::<EndCall>()?;
        invalid.check()?;
        let agent_id = end.agent_id.as_str();
        let sid = end.body.call_sid.as_str();
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
        let ended: EndedCall = from_json(json!({
            "id": entry.call.id, "status": entry.call.status, "ended_at": entry.ended_at,
            "ended_reason": "ended_by_api",
        }))?;
        Ok(Reply::data(200, None, ended))
    }

    pub(super) fn active_call(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        let (agent_id, phone) = (req.param("agent_id"), req.param("phone"));
        let now = unix_now();
        let active = self
            .calls
            .iter()
            .filter(|c| c.call.agent.as_ref().is_some_and(|a| a.id.as_str() == agent_id))
            .filter(|c| c.call.to == phone && is_active(&c.call.status))
            .map(|c| {
                let started = c.call.created_at.date_time().map(DateTime::unix_timestamp).unwrap_or(now);
                from_json(json!({
                    "id": c.call.id, "agent_id": agent_id, "to": c.call.to, "status": c.call.status,
                    "started_at": c.call.created_at, "duration_seconds": (now - started).max(0),
                }))
            })
            .collect::<Result<Vec<ActiveCall>, Reply>>()?;
        if active.is_empty() {
            return Err(documented(req, 404, None, "No active call found for this phone number"));
        }
        Ok(Reply::list(active, None, None))
    }
}

fn check_filters(filters: &CallFilters, invalid: &mut Invalid) {
    invalid.documented("status", filters.status.as_ref());
    invalid.documented("direction", filters.direction.as_ref());
}

/// Whether a call is still going on.
pub(super) fn is_active(status: &CallStatus) -> bool {
    matches!(status, CallStatus::Initiated | CallStatus::Ringing | CallStatus::Answered)
}
