//! Campaigns, with their status rules and campaign calls.

use serde_json::{json, Value};
use talkover_core::calls::{AgentSummary, CallStatus, CampaignCall, MakeCampaignCall, QueuedCampaignCall};
use talkover_core::campaigns::{
    Campaign, CampaignStatus, CampaignStatusChange, CreateCampaign, ListCampaigns, UpdateCampaign, UpdateCampaignStatus,
};

use super::{calls::is_active, is_phone_number, now, Answer, Request, State};
use crate::reply::{from_json, paginate, to_json, Invalid, Reply};

impl State {
    pub(super) fn list_campaigns(&mut self, req: &Request<'_>) -> Answer {
        let (list, mut invalid) = req.decode::<ListCampaigns>()?;
        let query = list.query;
        invalid.documented("status", query.status.as_ref());
        invalid.documented("campaign_type", query.campaign_type.as_ref());
        invalid.check()?;
        let search = query.search.as_deref().map(str::to_lowercase).filter(|s| !s.is_empty());
        let day = |c: &Campaign| c.created_at.as_ref().and_then(|t| t.as_str().get(..10)).unwrap_or("").to_owned();
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

    pub(super) fn get_campaign(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        Ok(Reply::data(200, None, &self.campaigns[index]))
    }

    fn agent_summary(&self, agent_id: &str) -> Option<AgentSummary> {
        let agent = &self.agents.iter().find(|a| a.agent.id.as_str() == agent_id)?.agent;
        let mut summary = AgentSummary::new(agent.id.clone(), agent.name.clone());
        summary.label = agent.label.clone();
        Some(summary)
    }

    pub(super) fn create_campaign(&mut self, req: &Request<'_>) -> Answer {
        let (create, mut invalid) = req.decode::<CreateCampaign>()?;
        let body = create.body;
        invalid.documented("campaign_type", Some(&body.campaign_type));
        if !self.has_agent(body.agent_id.as_str()) {
            invalid.selected("agent_id");
        }
        invalid.check()?;
        let now = now();
        let mut data = to_json(&body)?;
        let Some(fields) = data.as_object_mut() else {
            return Err(Reply::bug::<Campaign>("a campaign body is not an object"));
        };
        fields.insert("id".into(), json!(self.new_id()));
        fields.insert("status".into(), json!(CampaignStatus::Draft));
        fields.entry("end_date").or_insert(Value::Null);
        fields.entry("max_retries").or_insert(json!(3));
        fields.entry("retry_cooldown_hours").or_insert(json!(24));
        fields.entry("do_not_call_enabled").or_insert(json!(false));
        fields.insert("agent".into(), to_json(&self.agent_summary(body.agent_id.as_str()))?);
        fields.insert("calls".into(), json!([]));
        fields.insert("files".into(), json!([]));
        fields.insert(
            "stats".into(),
            json!({ "total_calls": 0, "completed_calls": 0, "failed_calls": 0, "success_rate": 0.0 }),
        );
        fields.insert("created_at".into(), json!(now));
        fields.insert("updated_at".into(), json!(now));
        let campaign: Campaign = from_json(data)?;
        self.campaigns.push(campaign.clone());
        Ok(Reply::data(201, None, campaign))
    }

    pub(super) fn update_campaign(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let (update, mut invalid) = req.decode::<UpdateCampaign>()?;
        let changes = update.body;
        invalid.documented("campaign_type", changes.campaign_type.as_ref());
        if changes.agent_id.as_ref().is_some_and(|a| !self.has_agent(a.as_str())) {
            invalid.selected("agent_id");
        }
        invalid.check()?;
        // The changes carry the campaign's own field names: merge them into it.
        let mut merged = to_json(&self.campaigns[index])?;
        if let (Some(target), Value::Object(changed)) = (merged.as_object_mut(), to_json(&changes)?) {
            target.extend(changed);
            if let Some(agent_id) = changes.agent_id.as_ref() {
                target.insert("agent".into(), to_json(&self.agent_summary(agent_id.as_str()))?);
            }
            target.insert("updated_at".into(), json!(now()));
        }
        self.campaigns[index] = from_json(merged)?;
        Ok(Reply::data(200, None, &self.campaigns[index]))
    }

    pub(super) fn update_campaign_status(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let (update, mut invalid) = req.decode::<UpdateCampaignStatus>()?;
        let wanted = update.body.status;
        invalid.documented("status", Some(&wanted));
        invalid.check()?;
        let campaign = &mut self.campaigns[index];
        use CampaignStatus::*;
        let allowed = match campaign.status {
            Draft => matches!(wanted, Active | Cancelled),
            Active => matches!(wanted, Paused | Completed | Cancelled),
            Paused => matches!(wanted, Active | Completed | Cancelled),
            _ => false,
        };
        if !allowed {
            let message = format!("Cannot transition from {} to {} status", campaign.status, wanted);
            return Err(Reply::fail(400, &message));
        }
        campaign.status = wanted;
        campaign.updated_at = Some(now());
        let change: CampaignStatusChange = from_json(json!({
            "id": campaign.id, "status": campaign.status, "updated_at": campaign.updated_at,
        }))?;
        Ok(Reply::data(200, Some("Campaign status updated successfully"), change))
    }

    pub(super) fn delete_campaign(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        if self.campaigns[index].status == CampaignStatus::Active {
            return Err(Reply::fail(403, "Cannot delete active campaign"));
        }
        self.campaigns.remove(index);
        Ok(Reply::ack("Campaign deleted successfully"))
    }

    pub(super) fn make_campaign_call(&mut self, req: &Request<'_>) -> Answer {
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
        let (make, invalid) = req.decode::<MakeCampaignCall>()?;
        invalid.check()?;
        let body = make.body;
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
                    "existing_call": to_json(existing)?,
                }),
            ));
        }
        let now = now();
        let id = self.new_id();
        let call: CampaignCall = from_json(json!({
            "id": id, "campaign_id": campaign_id, "to": body.to, "status": CallStatus::Queued, "retries": 0,
            "scheduled_at": now, "created_at": now,
        }))?;
        let campaign = &mut self.campaigns[index];
        campaign.calls.get_or_insert_with(Vec::new).push(call.clone());
        if let Some(stats) = campaign.stats.as_mut() {
            stats.total_calls += 1;
        }
        let queued: QueuedCampaignCall = from_json(json!({
            "campaign_call": call,
            "campaign": { "id": campaign.id, "name": campaign.name, "status": campaign.status },
        }))?;
        Ok(Reply::typed(201, &queued))
    }
}
