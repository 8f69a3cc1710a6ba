//! Campaigns, with their status rules and campaign calls. A campaign call is queued by make-campaign-call
//! and dialled on the emulator's clock while its campaign is `active`, its agent published, and inside its
//! schedule (start and end dates, days of the week, call hours, read on the clock of the campaign's time
//! zone); it then progresses as an agent's call does (the
//! number decides the outcome), and a call that does not connect is tried again after the campaign's
//! cooldown while it has retries left. Each step emits the campaign webhooks' events.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};
use talkover_core::calls::{AgentSummary, CallStatus, CampaignCall, MakeCampaignCall, QueuedCampaignCall};
use talkover_core::campaigns::{
    Campaign, CampaignChanges, CampaignRequired, CampaignStats, CampaignStatus, CampaignStatusChange, CampaignSummary,
    CreateCampaign, ListCampaigns, UpdateCampaign, UpdateCampaignStatus,
};
use talkover_core::error::ErrorCode;
use talkover_core::{ErrorBody, Operation};

use talkover_core::time::{DateTime, TimeOfDay};
use talkover_core::webhooks::CampaignWebhookEvent;

use super::calls::{Outcome, Placing};
use super::zones::Zone;
use super::{is_phone_number, search_term, Answer, Request, State};

use crate::reply::{merge, to_json, Invalid, ListedAs, Reply};

impl State {
    pub(super) fn list_campaigns(&mut self, req: &Request<'_>) -> Answer {
        let list = req.valid::<ListCampaigns>()?;
        let query = &list.query;
        let search = search_term(query.search.as_deref());
        let day = |c: &Campaign| c.created_at.as_ref().and_then(|t| t.as_str().get(..10)).unwrap_or("").to_owned();
        // In the order they were created, as list-campaigns' example shows them.
        // Each with its agent and statistics, not its calls and files.
        let matching: Vec<ListedAs<Campaign>> = self
            .campaigns
            .iter()
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
            .map(|campaign| ListedAs(campaign, |c| (c.calls, c.files) = (None, None)))
            .collect();
        Ok(Reply::paged(&list, &matching))
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
        invalid.zone("timezone", Some(&body.timezone));
        if !self.has_agent(body.agent_id.as_str()) {
            invalid.selected("agent_id");
        }
        invalid.check()?;
        let now = self.live.clock.timestamp();
        let mut campaign = Campaign::new(CampaignRequired {
            id: self.new_id().into(),
            name: body.name.clone(),
            status: CampaignStatus::Draft,
            campaign_type: body.campaign_type.clone(),
            agent_id: body.agent_id.clone(),
            start_date: body.start_date.clone(),
            days_of_week: body.days_of_week.clone(),
            timezone: body.timezone.clone(),
        });
        // The body's settings, windows, description and end date carry the campaign's own names.
        merge(&mut campaign, &body)?;
        // A per-status cooldown left out follows `retry_cooldown_hours`, now and when an update changes it.
        let inherited = follow_retry(&mut campaign);
        documented_defaults(&mut campaign);
        campaign.agent = self.agent_summary(body.agent_id.as_str());
        campaign.calls = Some(Vec::new());
        campaign.files = Some(Vec::new());
        let mut stats = CampaignStats::new(0_u64, 0_u64, 0_u64, 0.0);
        stats.average_duration = Some(0);
        campaign.stats = Some(stats);
        campaign.created_at = Some(now.clone().into());
        campaign.updated_at = Some(now.into());
        single_window(&mut campaign);
        self.inherited_cooldowns.insert(campaign.id.as_str().to_owned(), inherited);
        self.campaigns.push(campaign.clone());
        let now_ms = self.live.clock.now_ms();
        self.emit_campaign(campaign.id.as_str(), CampaignWebhookEvent::CampaignCreated, &Map::new(), now_ms);
        Ok(Reply::data(CreateCampaign::SUCCESS_STATUS, None, campaign))
    }

    pub(super) fn update_campaign(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let (update, mut invalid) = req.decode::<UpdateCampaign>()?;
        req.refuse_blanks_create_requires(CreateCampaign::ID, &mut invalid)?;
        let changes = update.body;
        invalid.zone("timezone", changes.timezone.as_deref());
        if changes.agent_id.as_ref().is_some_and(|a| !self.has_agent(a.as_str())) {
            invalid.selected("agent_id");
        }
        // The dates are checked as they will stand: a change of one is held against the other as stored.
        let campaign = &self.campaigns[index];
        let start = changes.start_date.as_ref().unwrap_or(&campaign.start_date);
        let end = match &changes.end_date {
            Some(changed) => changed.as_ref(),
            None => campaign.end_date.as_ref(),
        };
        let stand_in = invalid.stands_in("start_date") || invalid.stands_in("end_date");
        // Two dates both given are compared by the core's own check already.
        let both_given = changes.start_date.is_some() && matches!(changes.end_date, Some(Some(_)));
        if let Some(end) = end.filter(|_| !stand_in && !both_given) {
            if end.as_str() <= start.as_str() {
                match changes.end_date {
                    Some(_) => invalid.add("end_date", format!("The end date must be after start_date ({start}).")),
                    None => invalid.add("start_date", format!("The start date must be before end_date ({end}).")),
                }
            }
        }
        invalid.check()?;
        let campaign = &self.campaigns[index];
        let waiting = campaign
            .calls
            .iter()
            .flatten()
            .any(|c| matches!(c.status, CallStatus::Queued | CallStatus::Scheduled) || c.status.is_active());
        if reschedules(&changes) && waiting && campaign.status == CampaignStatus::Active {
            return Err(Reply::fail_code(
                409,
                "Cannot update schedule while there are queued calls. Pause the campaign first.",
                "CAMPAIGN_HAS_ACTIVE_CALLS",
            ));
        }
        // A per-status cooldown given is the campaign's own from now on; those still left out follow
        // `retry_cooldown_hours` (a new one, if given): they are unset before the changes apply, and follow
        // it again if the changes leave them unset.
        let follows = self.inherited_cooldowns.get(campaign.id.as_str()).cloned().unwrap_or_default();
        let mut campaign = campaign.clone();
        for (field, cooldown) in per_status_cooldowns(&mut campaign) {
            if follows.contains(&field) {
                *cooldown = None;
            }
        }
        merge(&mut campaign, &changes)?;
        self.inherited_cooldowns.insert(campaign.id.as_str().to_owned(), follow_retry(&mut campaign));
        if let Some(agent_id) = changes.agent_id.as_ref() {
            campaign.agent = self.agent_summary(agent_id.as_str());
        }
        campaign.updated_at = Some(self.live.clock.timestamp().into());
        single_window(&mut campaign);
        let now_ms = self.live.clock.now_ms();
        if reschedules(&changes) {
            reschedule(&mut campaign, &self.live.campaign_call_extras, now_ms);
        }
        self.campaigns[index] = campaign;
        let id = self.campaigns[index].id.as_str().to_owned();
        self.emit_campaign(&id, CampaignWebhookEvent::CampaignUpdated, &Map::new(), now_ms);
        Ok(Reply::data(200, None, &self.campaigns[index]))
    }

    pub(super) fn update_campaign_status(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let wanted = req.valid::<UpdateCampaignStatus>()?.body.status;
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
        campaign.status = wanted.clone();
        campaign.updated_at = Some(crate::clock::stamp(self.live.clock.timestamp()));
        let mut change = CampaignStatusChange::new(campaign.id.clone(), campaign.status.clone());
        change.updated_at = campaign.updated_at.clone();
        let now_ms = self.live.clock.now_ms();
        // A campaign that ends "stops all future calls" (update-campaign-status): a call still waiting for
        // its turn will never be placed, and ends `failed`, as one its end date leaves unplaced does.
        if matches!(wanted, Completed | Cancelled) {
            let (mut unplaced, mut counted) = (Vec::new(), 0);
            for call in campaign.calls.iter_mut().flatten() {
                if matches!(call.status, CallStatus::Queued | CallStatus::Scheduled) {
                    call.status = CallStatus::Failed;
                    counted += u64::from(counts(&self.live.campaign_call_extras, call));
                    unplaced.push(campaign_call_data(call, &self.live.campaign_call_extras));
                }
            }
            if let Some(stats) = campaign.stats.as_mut().filter(|_| counted > 0) {
                count_outcomes(stats, 0, counted, 0);
            }
            let id = campaign.id.as_str().to_owned();
            for data in unplaced {
                self.emit_campaign(&id, CampaignWebhookEvent::CampaignCallFailed, &data, now_ms);
            }
        }
        let event = match wanted {
            Active => Some(CampaignWebhookEvent::CampaignStarted),
            Paused => Some(CampaignWebhookEvent::CampaignPaused),
            Completed => Some(CampaignWebhookEvent::CampaignCompleted),
            _ => None,
        };
        if let Some(event) = event {
            let id = change.id.as_str().to_owned();
            self.emit_campaign(&id, event, &Map::new(), now_ms);
        }
        Ok(Reply::data(200, Some("Campaign status updated successfully"), change))
    }

    pub(super) fn delete_campaign(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        if self.campaigns[index].status == CampaignStatus::Active {
            return Err(Reply::fail(403, "Cannot delete active campaign"));
        }
        // A paused campaign may still have calls under way that it dialled before (delete-campaign's 409).
        if self.campaigns[index].calls.iter().flatten().any(|c| c.status.is_active()) {
            return Err(Reply::fail(409, "Campaign has active calls in progress"));
        }
        let campaign = self.campaigns.remove(index);
        self.forget_campaign(&campaign);
        Ok(Reply::ack("Campaign deleted successfully"))
    }

    /// Forgets what belongs to a campaign taken out of the list: its calls (from the call lists too: its
    /// notes say all associated calls go), its cooldowns, and its id, which is now the page's 404.
    pub(super) fn forget_campaign(&mut self, campaign: &Campaign) {
        self.inherited_cooldowns.remove(campaign.id.as_str());
        self.gone.insert(campaign.id.as_str().to_owned());
        for call in campaign.calls.iter().flatten() {
            self.live.campaign_call_extras.remove(call.id.as_str());
        }
        let dialled: HashSet<&str> = campaign.calls.iter().flatten().map(|c| c.id.as_str()).collect();
        self.calls.retain(|entry| entry.campaign_call_id.as_deref().is_none_or(|id| !dialled.contains(id)));
        // Its webhooks, "all associated data", with their settings and logs: nothing more is delivered.
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.live.campaign_hooks)
            .into_iter()
            .partition(|w| w.campaign_id.as_ref().is_some_and(|c| *c == campaign.id));
        self.live.campaign_hooks = kept;
        for hook in gone {
            self.forget_hook(hook.id.as_str());
        }
    }

    pub(super) fn make_campaign_call(&mut self, req: &Request<'_>) -> Answer {
        let index = self.campaign_index(req)?;
        let to = req.body.and_then(|b| b.get("to"));
        // A number left out, `null` or blank is missing, and said so alone, as every required field is; one
        // given is refused when it is no phone number.
        let mut invalid = Invalid::default();
        if to.is_none_or(|to| to.is_null() || to.as_str().is_some_and(|text| text.trim().is_empty())) {
            invalid.required("to");
        } else if !to.and_then(Value::as_str).is_some_and(is_phone_number) {
            invalid.add("to", "The to must be a valid phone number.");
        }
        invalid.check()?;
        let body = req.valid::<MakeCampaignCall>()?.body;
        if self.campaigns[index].status != CampaignStatus::Active {
            return Err(Reply::fail_code(400, "Campaign is not active", "CAMPAIGN_NOT_ACTIVE"));
        }
        // The call goes out through the campaign's agent, which must be published (unpublish-agent: no new
        // outbound calls until it is published again; deleting an agent needs it unpublished first).
        if !self.publishes(self.campaigns[index].agent_id.as_str()) {
            return Err(Reply::fail(403, "Cannot make calls for this campaign"));
        }
        // Its end date has passed: no call of it will be placed again (the page's error for a campaign that
        // does not call).
        if has_ended(&self.campaigns[index], self.live.clock.now_ms()) {
            return Err(Reply::fail_code(
                400,
                "Campaign is not active: its end date has passed",
                "CAMPAIGN_NOT_ACTIVE",
            ));
        }
        let campaign_id = self.campaigns[index].id.clone();
        let calls = self.campaigns[index].calls.get_or_insert_with(Vec::new);
        let waiting = |c: &&CampaignCall| {
            c.to == body.to && (matches!(c.status, CallStatus::Queued | CallStatus::Scheduled) || c.status.is_active())
        };
        if let (false, Some(existing)) = (body.allow_duplicates.unwrap_or(false), calls.iter().find(waiting)) {
            let refusal = ErrorBody::new("A call to this number already exists in this campaign")
                .code(ErrorCode::DuplicateCall)
                .extra("existing_call", to_json(existing)?);
            return Err(Reply::new(409, to_json(&refusal)?));
        }
        let now = self.live.clock.timestamp();
        let id = self.new_id();
        // Inside the campaign's hours it waits for dispatch; outside them, for their next opening (within a
        // year; a schedule closed longer keeps it queued). Its first attempt waits the campaign's
        // `initial_call_delay` first ("before the first call attempt").
        let now_ms = self.live.clock.now_ms();
        let delay_ms = i64::from(self.campaigns[index].initial_call_delay.unwrap_or(0)) * 1000;
        let opens = next_dial(&self.campaigns[index], now_ms + delay_ms);
        // No moment its schedule allows between the first attempt (after the delay) and the end date: as
        // things stand it would never be dialled, so it is refused as a call after the end date is (the
        // emulator's reading; the page names CAMPAIGN_NOT_ACTIVE for a campaign that does not call),
        // rather than queued to fail when that date passes.
        let has_end_date = self.campaigns[index].end_date.as_ref().is_some_and(|end| !end.as_str().is_empty());
        if opens.is_none() && has_end_date {
            return Err(Reply::fail_code(
                400,
                "Campaign is not active: no time its schedule allows is left before its end date",
                "CAMPAIGN_NOT_ACTIVE",
            ));
        }
        let (status, at) = match opens {
            Some(at) if at > now_ms => (CallStatus::Scheduled, crate::clock::timestamp(at)),
            _ => (CallStatus::Queued, now.clone()),
        };
        let mut call = CampaignCall::new(id, body.to, status, now.clone());
        call.campaign_id = Some(campaign_id.clone());
        call.retries = Some(0);
        call.scheduled_at = Some(at.into());
        let campaign = &mut self.campaigns[index];
        campaign.calls.get_or_insert_with(Vec::new).push(call.clone());
        // Test calls are left out of the campaign's statistics ("excluded from analytics aggregates").
        if let Some(stats) = campaign.stats.as_mut().filter(|_| body.is_testing != Some(true)) {
            stats.total_calls += 1;
        }
        let mut summary = CampaignSummary::new(campaign.id.clone(), campaign.status.clone());
        summary.name = Some(campaign.name.clone());
        let queued = QueuedCampaignCall::new(call.clone(), summary);
        let due_ms = now_ms + delay_ms;
        let extras = Extras { context: body.context, is_testing: body.is_testing.unwrap_or(false), due_ms };
        self.live.campaign_call_extras.insert(call.id.as_str().to_owned(), extras);
        let data = campaign_call_data(&call, &self.live.campaign_call_extras);
        self.emit_campaign(campaign_id.as_str(), CampaignWebhookEvent::CampaignCallQueued, &data, now_ms);
        Ok(Reply::typed(MakeCampaignCall::SUCCESS_STATUS, &queued))
    }

    /// Dials the queued calls of the active campaigns that are inside their schedule (each becomes a call
    /// of the campaign's agent, which progresses and emits the agent webhooks' events like any other),
    /// and follows the dialled ones, emitting the campaign webhooks' events of each step.
    ///
    /// A retry that falls due before now (the clock jumped past its cooldown) is dialled in the same tick,
    /// at its time: the rounds go on until none is due, as if that time had passed step by step. They are
    /// bounded, since each round dials each contact once and its retries are (at most 10).
    pub(super) fn dial_campaigns(&mut self) {
        const MAX_ROUNDS: usize = 12;
        for _ in 0..MAX_ROUNDS {
            if !self.dial_round() {
                break;
            }
        }
    }

    /// One round of [`State::dial_campaigns`]: whether it scheduled a retry that is due already.
    fn dial_round(&mut self) -> bool {
        let now_ms = self.live.clock.now_ms();
        let mut due_again = false;
        let last_tick_ms = self.live.last_tick_ms;
        // Each event with when it happened on the emulator's clock (its `timestamp`): the dial or the call's
        // end, not now, which is later when the clock jumped past them.
        let mut events: Vec<(String, CampaignWebhookEvent, Map<String, Value>, i64)> = Vec::new();
        let mut to_place = Vec::new();
        // By campaign, when the last of its calls that ended in this round ended (or was refused).
        let mut ended: HashMap<String, i64> = HashMap::new();
        for campaign in &mut self.campaigns {
            if campaign.status != CampaignStatus::Active {
                continue;
            }
            // Calls wait while the agent is not published (or gone): they are dialled once it is again.
            let Some(agent) = self.agents.iter().position(|a| a.agent.id == campaign.agent_id && a.is_published())
            else {
                continue;
            };
            // Since the last tick, the campaign's hours may have opened (and closed again, when the clock
            // jumped): a call due by then is dialled when they first opened after it became due.
            let open_since_last_tick = next_open(campaign, last_tick_ms, now_ms);
            // When its end date passed, if it has by now: a call it could not place by then never will be.
            let end_passed = end_passed(campaign, last_tick_ms, now_ms);
            // The calls are taken out while they change, so that the campaign's schedule can be read.
            let mut calls = campaign.calls.take();
            // The do-not-call list, read once a round and only when a call is due.
            let mut do_not_call = None;
            for call in calls.iter_mut().flatten() {
                let waiting = matches!(call.status, CallStatus::Queued | CallStatus::Scheduled);
                if !waiting {
                    continue;
                }
                // `scheduled_at` is written to the second; the moment it stands for is no earlier than the
                // one the call became due at (queued, or its retry's cooldown over), kept to the millisecond,
                // so that no call is dialled before it was queued.
                let due_ms = self.live.campaign_call_extras.get(call.id.as_str()).map_or(0, |extras| extras.due_ms);
                let scheduled_ms = call.scheduled_at.as_ref().map_or(0, |at| ms_of(at.as_str())).max(due_ms);
                let placed_ms = if scheduled_ms > now_ms {
                    None
                } else if scheduled_ms <= last_tick_ms {
                    open_since_last_tick
                } else {
                    next_open(campaign, scheduled_ms, now_ms)
                };
                // Checked against the do-not-call list before dialling: never placed, never retried.
                let shared = &self.live.shared_do_not_call;
                let refused = placed_ms.is_some()
                    && do_not_call.get_or_insert_with(|| DoNotCall::of(campaign)).refuses(&call.to, shared);
                // A call that fails without being dialled: its event, its campaign's last end, its count.
                let mut fail_at = |call: &mut CampaignCall, at_ms: i64| {
                    call.status = CallStatus::Failed;
                    let data = campaign_call_data(call, &self.live.campaign_call_extras);
                    let failed = CampaignWebhookEvent::CampaignCallFailed;
                    events.push((campaign.id.as_str().to_owned(), failed, data, at_ms));
                    ended_by(&mut ended, campaign.id.as_str(), at_ms);
                    let counted = counts(&self.live.campaign_call_extras, call);
                    if let Some(stats) = campaign.stats.as_mut().filter(|_| counted) {
                        count_outcomes(stats, 0, 1, 0);
                    }
                };
                let Some(placed_ms) = placed_ms else {
                    if let Some(end_ms) = end_passed {
                        fail_at(call, end_ms);
                    }
                    continue;
                };
                if refused {
                    fail_at(call, placed_ms);
                    continue;
                }
                call.status = CallStatus::Initiated;
                to_place.push((agent, call.id.as_str().to_owned(), call.to.clone(), placed_ms, events.len()));
                let data = campaign_call_data(call, &self.live.campaign_call_extras);
                let started = CampaignWebhookEvent::CampaignCallStarted;
                events.push((campaign.id.as_str().to_owned(), started, data, placed_ms));
            }
            campaign.calls = calls;
        }
        // Each call placed is named in its campaign call's start (`call_id`, as in the events that follow).
        let mut ids = Vec::with_capacity(to_place.len());
        for &(.., started) in &to_place {
            let id = self.new_id();
            events[started].2.insert("call_id".into(), json!(id));
            ids.push(id);
        }
        // A campaign call's start is told before its call's own events (`include_call_events`).
        for (campaign_id, event, data, at_ms) in events.drain(..) {
            self.emit_campaign(&campaign_id, event, &data, at_ms);
        }
        for ((agent, campaign_call_id, to, placed_ms, _), id) in to_place.into_iter().zip(ids) {
            let mut placing = Placing::at(to, placed_ms);
            placing.id = Some(id);
            if let Some(extras) = self.live.campaign_call_extras.get(&campaign_call_id) {
                placing.context = extras.context.clone();
                placing.is_testing = extras.is_testing;
            }
            placing.campaign_call_id = Some(campaign_call_id);
            self.place_call(agent, placing);
        }
        // The calls just placed catch up with the clock.
        self.progress_calls();
        let mut finished_dials = Vec::new();
        for campaign in &mut self.campaigns {
            let campaign_id = campaign.id.as_str().to_owned();
            let max_retries = campaign.max_retries.unwrap_or(3).min(10);
            // The calls are taken out while they change, so that a retry's dial time can be read from the
            // campaign's schedule.
            let mut calls = campaign.calls.take();
            // Calls completed, calls failed, and the seconds the completed ones lasted.
            let mut finished = (0, 0, 0);
            for call in calls.iter_mut().flatten() {
                let Some(dial) = self.live.dials.iter().find(|d| d.campaign_call_id == call.id.as_str()) else {
                    continue;
                };
                let Some(entry) = self.calls.iter().find(|c| c.call.id.as_str() == dial.call_id) else { continue };
                let (status, duration) = (entry.call.status.clone(), entry.call.duration);
                if status.is_active() {
                    call.status = status;
                    continue;
                }
                finished_dials.push(dial.call_id.clone());
                let voicemail = entry.progress.outcome == Outcome::Voicemail;
                call.status = match status {
                    CallStatus::Completed if voicemail => CallStatus::Voicemail,
                    other => other,
                };
                add_to_do_not_call(campaign, &mut self.live.shared_do_not_call, call);
                let mut data = campaign_call_data(call, &self.live.campaign_call_extras);
                data.insert("call_id".into(), json!(dial.call_id));
                data.insert("duration".into(), json!(duration));
                // What follows the call's end happened when it ended (to the millisecond, as the call's own
                // events are stamped; its `ended_at`, written to the second, where that is not known).
                let ended_ms = entry
                    .progress
                    .ended_ms
                    .unwrap_or_else(|| entry.call.ended_at.as_ref().map_or(now_ms, |t| ms_of(t.as_str())));
                ended_by(&mut ended, &campaign_id, ended_ms);
                let counted = u64::from(counts(&self.live.campaign_call_extras, call));
                if matches!(call.status, CallStatus::Completed | CallStatus::Voicemail) {
                    finished.0 += counted;
                    finished.2 += counted * duration;
                    events.push((campaign_id.clone(), CampaignWebhookEvent::CampaignCallCompleted, data, ended_ms));
                } else if call.retries.unwrap_or(0) < max_retries {
                    let hours = match call.status {
                        CallStatus::NoAnswer => campaign.no_answer_cooldown_hours,
                        CallStatus::Busy => campaign.busy_cooldown_hours,
                        _ => campaign.failed_cooldown_hours,
                    };
                    let hours = hours.or(campaign.retry_cooldown_hours).unwrap_or(24);
                    // After the cooldown, at the first moment the campaign may call (its days, hours
                    // and time zone), as a call first queued is; a schedule closed for longer than the
                    // search keeps the cooldown's end.
                    let cooled_ms = ended_ms + i64::from(hours) * 3_600_000;
                    let at = match next_dial(campaign, cooled_ms) {
                        Some(at) => at,
                        // No moment left before its end date: the contact is not tried again.
                        None if campaign.end_date.is_some() => {
                            finished.1 += counted;
                            events.push((
                                campaign_id.clone(),
                                CampaignWebhookEvent::CampaignCallFailed,
                                data,
                                ended_ms,
                            ));
                            continue;
                        }
                        None => cooled_ms,
                    };
                    if let Some(extras) = self.live.campaign_call_extras.get_mut(call.id.as_str()) {
                        extras.due_ms = cooled_ms;
                    }
                    call.retries = Some(call.retries.unwrap_or(0) + 1);
                    call.status = CallStatus::Scheduled;
                    call.scheduled_at = Some(crate::clock::stamp(crate::clock::timestamp(at)));
                    due_again |= at <= now_ms;
                    data.insert("retries".into(), json!(call.retries));
                    data.insert("scheduled_at".into(), json!(call.scheduled_at));
                    let retry = CampaignWebhookEvent::CampaignCallRetryScheduled;
                    events.push((campaign_id.clone(), retry, data, ended_ms));
                } else {
                    finished.1 += counted;
                    events.push((campaign_id.clone(), CampaignWebhookEvent::CampaignCallFailed, data, ended_ms));
                }
            }
            campaign.calls = calls;
            if finished != (0, 0, 0) {
                if let Some(stats) = campaign.stats.as_mut() {
                    count_outcomes(stats, finished.0, finished.1, finished.2);
                }
            }
        }
        self.live.dials.retain(|d| !finished_dials.contains(&d.call_id));
        // The calls' events say what their campaign was when they happened: emitted before it completes.
        for (campaign_id, event, data, at_ms) in events.drain(..) {
            self.emit_campaign(&campaign_id, event, &data, at_ms);
        }
        // An `auto_complete` campaign whose every call is over (none waiting, none under way) completes, when
        // its last call ended (in this round; now if none did).
        for campaign in &mut self.campaigns {
            let calls = campaign.calls.as_deref().unwrap_or_default();
            let done = !calls.is_empty() && calls.iter().all(|c| c.status.is_terminal());
            if campaign.status == CampaignStatus::Active && campaign.auto_complete == Some(true) && done {
                let at_ms = ended.get(campaign.id.as_str()).copied().unwrap_or(now_ms);
                campaign.status = CampaignStatus::Completed;
                campaign.updated_at = Some(crate::clock::stamp(crate::clock::timestamp(at_ms)));
                let completed = CampaignWebhookEvent::CampaignCompleted;
                events.push((campaign.id.as_str().to_owned(), completed, Map::new(), at_ms));
            }
        }
        for (campaign_id, event, data, at_ms) in events {
            self.emit_campaign(&campaign_id, event, &data, at_ms);
        }
        due_again
    }
}

/// The settings create-campaign fills in when its body leaves them out, with the defaults its page
/// documents: `initial_call_delay` 0, `max_retries` 3, `retry_cooldown_hours` 24,
/// `post_completion_cooldown_hours` 168, `do_not_call_enabled` false, and 24 for the per-status cooldowns
/// when `retry_cooldown_hours` is not given either (its notes: every `*_cooldown_hours` field not given is
/// 24; a per-status one overrides `retry_cooldown_hours`, so without its own value it is that one's).
/// get-campaign's example shows `success_cooldown_hours` 168 on a campaign whose other settings were
/// chosen too (post-completion cooldown and DNC on): a value given, not a default. The page gives no
/// default for `enable_post_completion_cooldown`, `auto_add_to_dnc_enabled` or the auto-DNC triggers, which
/// get-campaign requires: a switch nobody turned on is off and a list nobody filled is empty, as
/// `do_not_call_enabled`'s documented `false` is. `do_not_call_list_source` stays unset (`null`).
fn documented_defaults(campaign: &mut Campaign) {
    campaign.initial_call_delay.get_or_insert(0);
    campaign.max_retries.get_or_insert(3);
    campaign.retry_cooldown_hours.get_or_insert(24);
    campaign.post_completion_cooldown_hours.get_or_insert(168);
    for (_, cooldown) in per_status_cooldowns(campaign) {
        cooldown.get_or_insert(24);
    }
    campaign.do_not_call_enabled.get_or_insert(false);
    campaign.enable_post_completion_cooldown.get_or_insert(false);
    campaign.auto_add_to_dnc_enabled.get_or_insert(false);
    campaign.auto_dnc_trigger_statuses.get_or_insert_with(Vec::new);
    campaign.auto_dnc_trigger_errors.get_or_insert_with(Vec::new);
}

/// Moves the calls a campaign holds for later to the first moment its new hours open from when each is due
/// (update-campaign: calls wait until they "fall back into the new windows", and are dialled as soon as
/// they do): later for hours that open later, sooner for hours that open sooner.
fn reschedule(campaign: &mut Campaign, extras: &HashMap<String, Extras>, now_ms: i64) {
    let mut calls = campaign.calls.take();
    for call in calls.iter_mut().flatten().filter(|c| matches!(c.status, CallStatus::Queued | CallStatus::Scheduled)) {
        let due_ms = extras.get(call.id.as_str()).map_or(now_ms, |e| e.due_ms).max(now_ms);
        let Some(at) = next_dial(campaign, due_ms) else { continue };
        call.status = if at > now_ms { CallStatus::Scheduled } else { CallStatus::Queued };
        call.scheduled_at = Some(crate::clock::stamp(crate::clock::timestamp(at)));
    }
    campaign.calls = calls;
}

/// Whether changes move a campaign's schedule, which cannot change under queued calls of an active campaign
/// (clearing the end date only lengthens it).
fn reschedules(changes: &CampaignChanges) -> bool {
    changes.start_date.is_some()
        || matches!(changes.end_date, Some(Some(_)))
        || changes.days_of_week.is_some()
        || changes.call_time_ranges.is_some()
        || changes.timezone.is_some()
}

/// Sets each per-status cooldown left unset to the campaign's `retry_cooldown_hours`, and names them: those
/// follow it.
fn follow_retry(campaign: &mut Campaign) -> Vec<&'static str> {
    let retry = campaign.retry_cooldown_hours;
    let unset = per_status_cooldowns(campaign).into_iter().filter(|(_, cooldown)| cooldown.is_none());
    unset
        .map(|(field, cooldown)| {
            *cooldown = retry;
            field
        })
        .collect()
}

/// The per-status cooldowns of a campaign, by name: the cooldowns of one call outcome each, which override
/// `retry_cooldown_hours` when given (create-campaign: "Per-status cooldowns").
fn per_status_cooldowns(campaign: &mut Campaign) -> [(&'static str, &mut Option<u32>); 5] {
    [
        ("success_cooldown_hours", &mut campaign.success_cooldown_hours),
        ("voicemail_cooldown_hours", &mut campaign.voicemail_cooldown_hours),
        ("no_answer_cooldown_hours", &mut campaign.no_answer_cooldown_hours),
        ("busy_cooldown_hours", &mut campaign.busy_cooldown_hours),
        ("failed_cooldown_hours", &mut campaign.failed_cooldown_hours),
    ]
}

/// Sets the single-window form get-campaign reports (`earliest_call_time`, `latest_call_time`, `HH:MM:SS`)
/// from the campaign's call windows: the earliest opening and the latest closing. create-campaign's page
/// says the windows replace those two fields, and get-campaign's example shows them as the one window of
/// the created campaign (`09:00`–`17:00` read `09:00:00` and `17:00:00`). A campaign without windows keeps
/// what it has.
fn single_window(campaign: &mut Campaign) {
    let Some(ranges) = campaign.call_time_ranges.as_deref().filter(|r| !r.is_empty()) else { return };
    campaign.earliest_call_time = ranges.iter().map(|r| r.start).min().map(|time| format!("{time}:00"));
    campaign.latest_call_time = ranges.iter().map(|r| r.end).max().map(|time| format!("{time}:00"));
}

/// A campaign call being dialled: the agent's call that places it.
pub(crate) struct Dial {
    pub(super) campaign_call_id: String,
    pub(super) call_id: String,
}

impl State {
    /// Whether the agent exists and is published, so that calls can go out through it.
    fn publishes(&self, agent_id: &str) -> bool {
        self.agents.iter().any(|a| a.agent.id.as_str() == agent_id && a.is_published())
    }

    /// The campaign whose call `call_id` dials, if a campaign placed it.
    pub(super) fn campaign_of_call(&self, call_id: &str) -> Option<String> {
        // Every event of every call asks: without campaigns, no call is one's, and a call with an event is
        // most often a recent one, so the calls are searched from the last placed.
        if self.campaigns.is_empty() {
            return None;
        }
        // Linked while it is dialled, and on the call itself after it ended (an event asked for then, a
        // recording's, still goes to the campaign's webhooks that take call events).
        let campaign_call_id = match self.live.dials.iter().find(|d| d.call_id == call_id) {
            Some(dial) => dial.campaign_call_id.as_str(),
            None => self.calls.iter().rev().find(|c| c.call.id.as_str() == call_id)?.campaign_call_id.as_deref()?,
        };
        let placed = |c: &Campaign| c.calls.iter().flatten().any(|call| call.id.as_str() == campaign_call_id);
        self.campaigns.iter().find(|c| placed(c)).map(|c| c.id.as_str().to_owned())
    }
}

/// Counts calls that ended into a campaign's statistics: `completed` that lasted `seconds` in all, and
/// `failed`; the average duration and the success rate follow.
fn count_outcomes(stats: &mut CampaignStats, completed: u64, failed: u64, seconds: u64) {
    if completed > 0 {
        // The average over every completed call: the earlier ones' total, from their average.
        let before = stats.completed_calls * stats.average_duration.unwrap_or(0);
        stats.average_duration = Some((before + seconds) / (stats.completed_calls + completed));
    }
    stats.completed_calls += completed;
    stats.failed_calls += failed;
    let done = stats.completed_calls + stats.failed_calls;
    stats.success_rate = if done == 0 { 0.0 } else { stats.completed_calls as f64 * 100.0 / done as f64 };
}

/// Whether a campaign call counts in its campaign's statistics: test calls "are excluded from analytics
/// aggregates" (make-campaign-call).
fn counts(extras: &HashMap<String, Extras>, call: &CampaignCall) -> bool {
    !extras.get(call.id.as_str()).is_some_and(|e| e.is_testing)
}

/// What make-campaign-call was given for a call beside its number.
#[derive(Clone, Debug, Default)]
pub(crate) struct Extras {
    /// The caller's own data, sent back in every webhook event of the call (its campaign's and its agent's).
    context: Option<Map<String, Value>>,
    /// A test call is not billed.
    is_testing: bool,
    /// The first moment the call may be dialled, whatever the campaign's hours (its `initial_call_delay`
    /// or its retry's cooldown over): when the hours change, its dial moves to their first opening from
    /// then.
    due_ms: i64,
}

/// The data of a campaign call event, beside the delivery's envelope: the call, and the `context` its
/// caller gave.
fn campaign_call_data(call: &CampaignCall, extras: &HashMap<String, Extras>) -> Map<String, Value> {
    let data = json!({
        "campaign_call_id": call.id, "to": call.to, "status": call.status, "retries": call.retries.unwrap_or(0),
    });
    let mut fields = match data {
        Value::Object(fields) => fields,
        _ => Map::new(),
    };
    if let Some(context) = extras.get(call.id.as_str()).and_then(|e| e.context.as_ref()) {
        fields.insert("context".into(), Value::Object(context.clone()));
    }
    fields
}

/// Milliseconds since the epoch of an RFC 3339 instant (0 when it is not one, so that it is due).
fn ms_of(text: &str) -> i64 {
    DateTime::new(text).map(|t| t.unix_timestamp() * 1000).unwrap_or(0)
}

/// Whether the campaign may call at `now_ms`: on or after its start date, not after its end date, on
/// one of its days of the week and inside its call hours, all read on the clock of its time zone (UTC
/// for a zone that is none).
fn in_schedule(campaign: &Campaign, now_ms: i64) -> bool {
    let now_ms = local_ms(campaign, now_ms);
    let now = crate::clock::timestamp(now_ms);
    let day = now.get(..10).unwrap_or("");
    let Some(time) = now.get(11..16).and_then(time_of) else { return false };
    let start = campaign.start_date.as_str();
    if !start.is_empty() && day < start.get(..10).unwrap_or("") {
        return false;
    }
    if past_end_date(campaign, day) {
        return false;
    }
    if !campaign.days_of_week.is_empty() && !campaign.days_of_week.iter().any(|d| d.number() == weekday(now_ms)) {
        return false;
    }
    if campaign.earliest_call_time.as_deref().and_then(time_of).is_some_and(|earliest| time < earliest) {
        return false;
    }
    if campaign.latest_call_time.as_deref().and_then(time_of).is_some_and(|latest| !before_close(time, latest)) {
        return false;
    }
    match campaign.call_time_ranges.as_deref() {
        Some(ranges) if !ranges.is_empty() => ranges.iter().any(|r| time >= r.start && before_close(time, r.end)),
        _ => true,
    }
}

/// The first instant from `from_ms` to `until_ms` (both included) at which the campaign may call, if
/// any. The hours open either at `from_ms` or at one of the moments its schedule starts a stretch: a local
/// midnight (a start date, a day of the week) or the opening of a call window, on some day in between,
/// each in every reading its zone gives it (twice on the night the clocks go back), or at a change of the
/// zone's clocks (which can move the wall clock into a window).
fn next_open(campaign: &Campaign, from_ms: i64, until_ms: i64) -> Option<i64> {
    if from_ms > until_ms {
        return None;
    }
    if in_schedule(campaign, from_ms) {
        return Some(from_ms);
    }
    let zone = Zone::named_or_utc(Some(campaign.timezone.as_str()));
    let mut openings: Vec<i64> = vec![0];
    let windows = campaign.call_time_ranges.iter().flatten().map(|r| r.start);
    for opening in windows.chain(campaign.earliest_call_time.as_deref().and_then(time_of)) {
        openings.push(super::slots::seconds_of(opening));
    }
    let (from_s, until_s) = (from_ms.div_euclid(1000), until_ms.div_euclid(1000));
    let first_day = zone.to_local(from_s).div_euclid(86_400);
    let last_day = zone.to_local(until_s).div_euclid(86_400);
    // Ten years of days at the most: a schedule closed for longer is closed.
    let last_day = last_day.min(first_day + 3_660);
    let changes = zone.changes(from_s, until_s.min((last_day + 2) * 86_400), 30);
    for day in first_day..=last_day {
        let readings = openings.iter().flat_map(|seconds| zone.readings(day * 86_400 + seconds));
        let day_changes = changes.iter().copied().filter(|at| zone.to_local(*at).div_euclid(86_400) == day);
        let mut candidates: Vec<i64> =
            readings.chain(day_changes).map(|s| s * 1000).filter(|ms| (from_ms + 1..=until_ms).contains(ms)).collect();
        candidates.sort_unstable();
        if let Some(open) = candidates.into_iter().find(|&ms| in_schedule(campaign, ms)) {
            return Some(open);
        }
    }
    None
}

/// Notes that a call of campaign `id` ended at `at_ms`: `ended` keeps each campaign's latest.
fn ended_by(ended: &mut HashMap<String, i64>, id: &str, at_ms: i64) {
    let last = ended.entry(id.to_owned()).or_insert(at_ms);
    *last = (*last).max(at_ms);
}

/// When a call that may be dialled from `from_ms` on is dialled: the campaign's first open moment from then,
/// within a year (none when its schedule stays closed longer). A call first queued and a retry after its
/// cooldown both wait for it.
fn next_dial(campaign: &Campaign, from_ms: i64) -> Option<i64> {
    // A campaign that starts later opens on its start date at the earliest, however far off: the year is
    // counted from then. A day before its UTC midnight is before its midnight in any zone.
    let start = campaign.start_date.as_str().get(..10).map(|day| ms_of(&format!("{day}T00:00:00Z")));
    let from_ms = from_ms.max(start.filter(|ms| *ms != 0).map_or(i64::MIN, |ms| ms - 86_400_000));
    next_open(campaign, from_ms, from_ms.saturating_add(366 * 86_400_000))
}

/// Whether `day` (`YYYY-MM-DD`, on the campaign's clock) is after the campaign's end date.
fn past_end_date(campaign: &Campaign, day: &str) -> bool {
    campaign
        .end_date
        .as_ref()
        .map(|d| d.as_str())
        .is_some_and(|end| !end.is_empty() && day > end.get(..10).unwrap_or(end))
}

/// When, from `from_ms` (excluded, unless it had passed already) to `to_ms`, the campaign's end date passed
/// (to the second), if it has by `to_ms`.
fn end_passed(campaign: &Campaign, from_ms: i64, to_ms: i64) -> Option<i64> {
    if !has_ended(campaign, to_ms) {
        return None;
    }
    if has_ended(campaign, from_ms) {
        return Some(from_ms);
    }
    // `has_ended` turns true once and stays: the first second it is, by halving (at most 64 looks).
    let (mut before, mut after) = (from_ms.div_euclid(1000), to_ms.div_euclid(1000).max(from_ms.div_euclid(1000) + 1));
    while after - before > 1 {
        let middle = before + (after - before) / 2;
        if has_ended(campaign, middle * 1000) {
            after = middle;
        } else {
            before = middle;
        }
    }
    Some((after * 1000).clamp(from_ms, to_ms))
}

/// Whether the campaign's end date has passed at `now_ms`: it will never call again.
fn has_ended(campaign: &Campaign, now_ms: i64) -> bool {
    let local = crate::clock::timestamp(local_ms(campaign, now_ms));
    past_end_date(campaign, local.get(..10).unwrap_or(""))
}

/// The instant `ms` on the campaign's wall clock (milliseconds since 1970-01-01T00:00 on that clock), in
/// its time zone (UTC for a zone that is none).
fn local_ms(campaign: &Campaign, ms: i64) -> i64 {
    let zone = Zone::named_or_utc(Some(campaign.timezone.as_str()));
    zone.to_local(ms.div_euclid(1000)) * 1000 + ms.rem_euclid(1000)
}

/// The time of day of an `HH:MM` (or `HH:MM:SS`) text.
fn time_of(text: &str) -> Option<TimeOfDay> {
    text.get(..5)?.parse().ok()
}

/// A campaign's do-not-call check: a number is blocked when the check is on and the number is on the list
/// its source names: the campaign's own (`custom`, which get-campaign calls `campaign`), or the
/// environment's or the platform's, which hold here only what campaigns' auto-DNC added to them.
enum DoNotCall {
    /// The check is off.
    Off,
    /// The campaign's own list, each number in E.164 form.
    Own(HashSet<String>),
    /// The environment's or platform's list.
    Shared,
}

impl DoNotCall {
    fn of(campaign: &Campaign) -> Self {
        use talkover_core::campaigns::DoNotCallListSource::{Campaign as Own, Custom, Environment, Global};
        if campaign.do_not_call_enabled != Some(true) {
            return Self::Off;
        }
        match campaign.do_not_call_list_source {
            // Written as the reference allows (`+1 555 …`), held against the call's E.164 number.
            Some(Custom | Own) => Self::Own(
                campaign
                    .do_not_call_custom_list
                    .iter()
                    .flatten()
                    .filter_map(|number| talkover_core::validate::e164_of_international(number.as_str()))
                    .collect(),
            ),
            Some(Environment | Global) => Self::Shared,
            _ => Self::Off,
        }
    }

    /// Whether the list refuses `to`; `shared` is the environment's and platform's list.
    fn refuses(&self, to: &str, shared: &HashSet<String>) -> bool {
        match self {
            Self::Off => false,
            Self::Own(numbers) => numbers.contains(to),
            Self::Shared => shared.contains(to),
        }
    }
}

/// Auto-DNC (create-campaign: "contacts that match `auto_dnc_trigger_statuses` … are automatically added
/// to the DNC list"): a call that ended in one of those statuses puts its number on the list the
/// campaign's source names, its own custom list (as get-campaign then shows it) or the shared one, so
/// that the campaign's do-not-call check, when on, blocks the next call to it. (The emulator's calls fail
/// with no error code, so `auto_dnc_trigger_errors` has nothing to match.)
fn add_to_do_not_call(campaign: &mut Campaign, shared: &mut HashSet<String>, call: &CampaignCall) {
    use talkover_core::campaigns::DoNotCallListSource::{Campaign as Own, Custom};
    let triggers = campaign.auto_dnc_trigger_statuses.as_deref().unwrap_or_default();
    if campaign.auto_add_to_dnc_enabled != Some(true) || !triggers.contains(&call.status) {
        return;
    }
    if !matches!(campaign.do_not_call_list_source, Some(Custom | Own)) {
        shared.insert(call.to.clone());
        return;
    }
    let list = campaign.do_not_call_custom_list.get_or_insert_with(Vec::new);
    let listed = |number: &String| talkover_core::validate::e164_of_international(number).as_deref() == Some(&call.to);
    if !list.iter().any(listed) {
        list.push(call.to.clone());
    }
}

/// The day of the week of a wall-clock time (milliseconds since 1970-01-01T00:00 on that clock), from 1
/// (Monday) to 7 (Sunday).
fn weekday(ms: i64) -> u8 {
    // 1970-01-01 was a Thursday.
    ((ms.div_euclid(86_400_000) + 3).rem_euclid(7) + 1) as u8
}

/// Whether `time` is before a closing time; `23:59` closes at midnight.
fn before_close(time: TimeOfDay, close: TimeOfDay) -> bool {
    (close.hour(), close.minute()) == (23, 59) || time < close
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_and_closing_times() {
        assert_eq!(weekday(0), 4, "1970-01-01, a Thursday");
        assert_eq!(weekday(ms_of("2024-01-01T00:00:00Z")), 1, "a Monday");
        assert_eq!(weekday(ms_of("2024-01-07T23:59:59Z")), 7, "a Sunday");
        let time = |text: &str| time_of(text).unwrap();
        assert!(before_close(time("16:59"), time("17:00")) && !before_close(time("17:00"), time("17:00:00")));
        assert!(before_close(time("23:59"), time("23:59")));
    }

    #[test]
    fn call_hours_are_read_on_the_campaigns_clock() {
        // get-campaign's example: New York, Monday to Friday, 09:00 to 17:00.
        let fixture: Value = serde_json::from_str(include_str!("../../fixtures/get-campaign/ok-details.json")).unwrap();
        let mut campaign: Campaign = serde_json::from_value(fixture["response"]["body"]["data"].clone()).unwrap();
        assert_eq!(campaign.timezone, "America/New_York");
        let open = |at: &str| in_schedule(&campaign, ms_of(at));
        assert!(open("2024-01-15T14:30:00Z"), "09:30 in New York, a Monday");
        assert!(!open("2024-01-15T13:30:00Z"), "08:30 in New York");
        assert!(!open("2024-01-15T22:30:00Z"), "17:30 in New York, though 22:30 is no hour of UTC's window");
        assert!(open("2024-07-15T13:30:00Z"), "09:30 on summer time");
        assert!(!open("2024-01-20T15:00:00Z"), "a Saturday");
        assert!(open("2024-01-19T21:30:00Z"), "Friday 16:30 in New York");
        campaign.timezone = "UTC".into();
        let open = |at: &str| in_schedule(&campaign, ms_of(at));
        assert!(open("2024-01-15T09:30:00Z") && !open("2024-01-15T17:30:00Z"));
    }

    #[test]
    fn the_hours_open_where_the_clocks_change_too() {
        let fixture: Value = serde_json::from_str(include_str!("../../fixtures/get-campaign/ok-details.json")).unwrap();
        let mut campaign: Campaign = serde_json::from_value(fixture["response"]["body"]["data"].clone()).unwrap();
        campaign.days_of_week = talkover_core::time::Weekday::ALL.to_vec();
        campaign.start_date = talkover_core::time::Date::new("2024-01-01").unwrap();
        campaign.end_date = None;
        let (earliest, latest) = (campaign.earliest_call_time.take(), campaign.latest_call_time.take());
        assert!(earliest.is_some() && latest.is_some());
        let mut first_open = |start: &str, end: &str, from: &str| {
            campaign.call_time_ranges = Some(vec![talkover_core::campaigns::CallTimeRange::parse(start, end).unwrap()]);
            next_open(&campaign, ms_of(from), ms_of(from) + 2 * 86_400_000).map(crate::clock::timestamp)
        };
        // New York springs forward at 07:00Z on 2024-03-10: 02:00 EST is 03:00 EDT, inside 02:30–04:00.
        let spring = first_open("02:30", "04:00", "2024-03-10T04:00:00Z");
        assert_eq!(spring.as_deref(), Some("2024-03-10T07:00:00Z"));
        // It falls back at 06:00Z on 2024-11-03: 01:00 comes round again, and with it the window.
        let again = first_open("01:00", "01:30", "2024-11-03T05:45:00Z");
        assert_eq!(again.as_deref(), Some("2024-11-03T06:00:00Z"));
        let later = first_open("01:15", "01:30", "2024-11-03T05:45:00Z");
        assert_eq!(later.as_deref(), Some("2024-11-03T06:15:00Z"), "the second 01:15");
        // An ordinary day: the window's opening.
        let plain = first_open("09:00", "17:00", "2024-01-15T10:00:00Z");
        assert_eq!(plain.as_deref(), Some("2024-01-15T14:00:00Z"));
    }
}
