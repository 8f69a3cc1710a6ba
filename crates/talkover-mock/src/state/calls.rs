//! Calls: make-call places one, which then progresses on the emulator's clock (see [`Outcome`]);
//! list-calls and get-agent-calls show them; end-call and get-active-call follow them. Each step emits the
//! agent webhooks' call events.

use serde_json::{json, Map, Value};
use talkover_core::agents::Direction;
use talkover_core::calls::{
    ActiveCall, AgentSummary, Call, CallFilters, CallRequired, CallSid, CallStatus, EndCall, EndedCall, EndedReason,
    GetAgentCalls, ListCalls, MakeCall, PlacedCall,
};
use talkover_core::envelope::ErrorObjectBody;
use talkover_core::error::ErrorCode;
use talkover_core::webhooks::AgentWebhookEvent;

use super::{documented, formatted, search_term, Answer, CallEntry, Request, State};
use crate::reply::{ListedAs, Reply};

/// How a call placed to a number ends, chosen by the number's last four digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `…1111`: rings, nobody picks up: `no-answer`.
    NoAnswer,
    /// `…2222`: the line is busy: `busy`.
    Busy,
    /// `…3333`: the call cannot be placed: `failed`.
    Failed,
    /// `…4444`: a voicemail system answers and the agent leaves a message: `completed` (a campaign call
    /// ends `voicemail`).
    Voicemail,
    /// `…5555`: answered, and goes on for an hour of the emulator's time unless ended.
    Long,
    /// Any other number: answered, a conversation, `completed` after 2 seconds of talk.
    Answered,
}

/// When (milliseconds after placing) a call starts ringing, is answered, and ends.
const RINGING_MS: i64 = 1_000;
const ANSWERED_MS: i64 = 2_000;
const ENDED_MS: i64 = 4_000;
const LONG_ENDED_MS: i64 = 3_600_000;

impl Outcome {
    pub(crate) fn of(number: &str) -> Self {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        match digits.get(digits.len().saturating_sub(4)..).unwrap_or("") {
            "1111" => Self::NoAnswer,
            "2222" => Self::Busy,
            "3333" => Self::Failed,
            "4444" => Self::Voicemail,
            "5555" => Self::Long,
            _ => Self::Answered,
        }
    }

    /// The statuses the call goes through after `initiated`, each with when it is reached.
    pub(crate) fn stages(self) -> &'static [(i64, CallStatus)] {
        use CallStatus::*;
        match self {
            Self::NoAnswer => &[(RINGING_MS, Ringing), (ENDED_MS, NoAnswer)],
            Self::Busy => &[(RINGING_MS, Busy)],
            Self::Failed => &[(RINGING_MS, Failed)],
            Self::Voicemail | Self::Answered => {
                &[(RINGING_MS, Ringing), (ANSWERED_MS, Answered), (ENDED_MS, Completed)]
            }
            Self::Long => &[(RINGING_MS, Ringing), (ANSWERED_MS, Answered), (LONG_ENDED_MS, Completed)],
        }
    }

    /// The agent webhook events of reaching `status`.
    pub(crate) fn events(self, status: &CallStatus) -> &'static [AgentWebhookEvent] {
        use AgentWebhookEvent::*;
        match (status, self) {
            (CallStatus::Initiated, _) => &[PhoneCallStarted],
            (CallStatus::Answered, Self::Voicemail) => &[PhoneCallConnected, VoicemailDetected],
            (CallStatus::Answered, _) => &[PhoneCallConnected, ConversationStarted],
            (CallStatus::Completed, Self::Voicemail) => &[VoicemailMessageLeft, PhoneCallEnded],
            (CallStatus::Completed, _) => &[ConversationEnded, PhoneCallEnded],
            (CallStatus::NoAnswer | CallStatus::Busy, _) => &[PhoneCallDidNotConnect, PhoneCallEnded],
            (CallStatus::Failed, _) => &[PhoneCallError, PhoneCallEnded],
            _ => &[],
        }
    }
}

/// Where a call stands on the emulator's clock.
#[derive(Clone, Debug)]
pub(crate) struct Progress {
    pub(crate) outcome: Outcome,
    /// When the call is placed (after make-call's delay): its stages count from here.
    pub(crate) placed_ms: i64,
    pub(crate) answered_ms: Option<i64>,
    /// When the call ended, to the millisecond (its `ended_at` is written to the second): what follows
    /// its end (a campaign's event, a retry's cooldown) counts from here, not from before it.
    pub(crate) ended_ms: Option<i64>,
    /// Whether the call's start has been announced (once placed).
    pub(crate) started: bool,
}

impl Progress {
    pub(crate) fn new(outcome: Outcome, placed_ms: i64) -> Self {
        Self { outcome, placed_ms, answered_ms: None, ended_ms: None, started: false }
    }

    /// Whether the call's start is to be announced now: true once, when the call has been placed by `now_ms`.
    pub(crate) fn start_due(&mut self, now_ms: i64) -> bool {
        let due = !self.started && self.placed_ms <= now_ms;
        self.started |= due;
        due
    }

    /// The stages reached by `now_ms` that come after `current`, in order.
    pub(crate) fn due(&self, current: &CallStatus, now_ms: i64) -> Vec<(i64, CallStatus)> {
        let stages = self.outcome.stages();
        let from = stages.iter().position(|(_, s)| s == current).map_or(0, |i| i + 1);
        if *current != CallStatus::Initiated && from == 0 {
            return Vec::new(); // ended another way (end-call)
        }
        stages[from..].iter().filter(|(at, _)| self.placed_ms + at <= now_ms).cloned().collect()
    }

    /// The talk time, in whole seconds, of a call that ends at `end_ms`.
    pub(crate) fn duration(&self, end_ms: i64) -> u64 {
        self.answered_ms.map_or(0, |answered| ((end_ms - answered).max(0) / 1000) as u64)
    }
}

/// The data of a call event, beside the delivery's envelope: the call, and the `context` its caller gave,
/// which goes back in every event of the call.
fn call_data(entry: &CallEntry) -> Map<String, Value> {
    let call = &entry.call;
    let data = json!({
        "call_id": call.id, "call_sid": call.sid, "to": call.to, "from": call.from, "direction": call.direction,
        "status": call.status, "duration": call.duration, "is_testing": call.is_testing,
    });
    let mut fields = match data {
        Value::Object(fields) => fields,
        _ => Map::new(),
    };
    if let Some(context) = &entry.context {
        fields.insert("context".into(), Value::Object(context.clone()));
    }
    fields
}

/// A call to place from an agent.
pub(super) struct Placing {
    pub(super) to: String,
    /// A test call is not billed.
    pub(super) is_testing: bool,
    /// The caller's own data, sent back in every webhook event of the call.
    pub(super) context: Option<Map<String, Value>>,
    /// When it is made (its `created_at`), on the emulator's clock.
    pub(super) created_ms: i64,
    /// When it is placed: when it is made, or later for a delayed call, which stays `initiated` until then.
    pub(super) placed_ms: i64,
    /// The campaign call it dials, for a call a campaign places: linked before its first event, so that a
    /// campaign webhook taking call events gets every one.
    pub(super) campaign_call_id: Option<String>,
    /// The call's id when its caller has told it already (a campaign's `campaign_call.started` names it).
    pub(super) id: Option<String>,
    /// An external call's own sid, calling number and direction (make-call's external form), which the
    /// call keeps instead of the emulator's.
    pub(super) external: Option<(CallSid, String, Direction)>,
    /// The number calling the agent, for an inbound call (a test's): the call is then to the agent's
    /// number, `to` unread.
    pub(super) caller: Option<String>,
}

impl Placing {
    /// A call to `to`, made and placed at `placed_ms`, with nothing else asked of it.
    pub(super) fn at(to: String, placed_ms: i64) -> Self {
        Self {
            to,
            is_testing: false,
            context: None,
            created_ms: placed_ms,
            placed_ms,
            campaign_call_id: None,
            id: None,
            external: None,
            caller: None,
        }
    }
}

/// The number at the other end of an agent's call: the one it called, or the one that called it.
fn other_party(call: &Call) -> &str {
    match call.direction {
        Direction::Inbound => &call.from,
        _ => &call.to,
    }
}

/// The number the emulator's calls come from, and inbound ones ring, for an agent without one of its own.
const EMULATOR_NUMBER: &str = "+15550100000";

/// Why the emulator refused to ring an agent with an inbound call ([`crate::Emulator::inbound_call`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InboundRefused {
    /// No agent of that id.
    NoAgent,
    /// The agent is a draft: only a published agent takes calls.
    NotPublished,
    /// The calling number is not in international form (`+`, country code, number).
    NotInternational,
}

impl std::fmt::Display for InboundRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NoAgent => "no such agent in the emulator",
            Self::NotPublished => "the agent is not published: only a published agent takes calls",
            Self::NotInternational => "the calling number is not in international form, such as +15551234567",
        })
    }
}

impl std::error::Error for InboundRefused {}

impl State {
    /// An inbound call to the agent from `from`, as a test asks for one: the agent's own number (its first,
    /// else the emulator's) rings, the agent answers, and the call goes on as an answered call does, its
    /// events sent to the agent's webhooks and listed with `direction` `inbound`.
    pub(crate) fn ring_inbound(&mut self, agent_id: &str, from: &str) -> Result<Call, InboundRefused> {
        let index = super::position_by_id(&self.agents, agent_id).ok_or(InboundRefused::NoAgent)?;
        if !self.agents[index].is_published() {
            return Err(InboundRefused::NotPublished);
        }
        let from = talkover_core::validate::e164_of_international(from).ok_or(InboundRefused::NotInternational)?;
        let mut placing = Placing::at(String::new(), self.live.clock.now_ms());
        placing.caller = Some(from);
        Ok(self.place_call(index, placing))
    }

    pub(super) fn make_call(&mut self, req: &Request<'_>) -> Answer {
        /// make-call's words for a number that is not in international form.
        const NOT_INTERNATIONAL: &str = "Phone number must be in international format (e.g., +1234567890)";
        let index = self.agent_index(req)?;
        let given = req.body.and_then(|b| b.get("to")).filter(|to| !to.is_null());
        if let Some(other) = given.filter(|to| !to.is_string()) {
            // A number written as a JSON number (or any other non-text) is there, and not a phone number.
            let refused = ErrorObjectBody::new(ErrorCode::InvalidPhoneNumber, NOT_INTERNATIONAL);
            return Err(Reply::error_object(400, refused.detail("field", "to".into()).detail("value", other.clone())));
        }
        let to = given.and_then(serde_json::Value::as_str).unwrap_or_default();
        if to.is_empty() {
            // The page's 400 names the field at fault in `details`, as INVALID_PHONE_NUMBER's example does.
            let missing = ErrorObjectBody::new(ErrorCode::MissingPhoneNumber, "Phone number is required");
            return Err(Reply::error_object(400, missing.detail("field", "to".into())));
        }
        // The page asks for "international format" (`+1 555 123 4567` as well as `+15551234567`); the call
        // is kept under the number's E.164 form, as the call lists show numbers.
        let Some(to) = talkover_core::validate::e164_of_international(to) else {
            let refused = ErrorObjectBody::new(ErrorCode::InvalidPhoneNumber, NOT_INTERNATIONAL);
            return Err(Reply::error_object(400, refused.detail("field", "to".into()).detail("value", to.into())));
        };
        let make = req.valid::<MakeCall>()?;
        let body = make.body;
        if !self.agents[index].is_published() {
            // `details` names the agent, as the page's AGENT_NOT_FOUND example does.
            let inactive = ErrorObjectBody::new(ErrorCode::AgentInactive, "Agent is not published");
            return Err(Reply::error_object(400, inactive.detail("agent_id", make.agent_id.as_str().into())));
        }
        // A billed call needs credit left (calls that already happened may have taken the balance below
        // zero); a test call is free.
        if !body.is_testing.unwrap_or(false) && !self.has_credit() {
            let message = "Account has insufficient credits to place this call";
            return Err(Reply::error_object(402, ErrorObjectBody::new(ErrorCode::InsufficientCredits, message)));
        }
        // A delayed call is made now and placed `delay_seconds` later: its whole progression waits.
        let created_ms = self.live.clock.now_ms();
        let delay_ms = i64::from(body.delay_seconds.unwrap_or(0)).saturating_mul(1000);
        // An external call (openapi.json's form: sid, from and direction, which the core's checks have asked
        // for together) keeps its own; its calling number is kept in E.164, as `to` is.
        let external = match (body.sid, body.from, body.direction) {
            (Some(sid), Some(from), Some(direction)) => {
                let from = talkover_core::validate::e164_of_international(&from).unwrap_or(from);
                Some((sid, from, direction))
            }
            _ => None,
        };
        let placing = Placing {
            to,
            is_testing: body.is_testing.unwrap_or(false),
            context: body.context,
            created_ms,
            placed_ms: created_ms.saturating_add(delay_ms),
            campaign_call_id: None,
            id: None,
            external,
            caller: None,
        };
        let call = self.place_call(index, placing);
        let (sid, from) = (call.sid.clone(), call.from.clone());
        let mut placed = PlacedCall::new(call.id, call.to, call.status, call.created_at);
        placed.agent_id = Some(make.agent_id);
        // openapi.json's answer names the call's sid and calling number too. An external call is placed with
        // its own sid, number and direction, and progresses as any call does: the emulator serves no
        // WebSocket, so its answer names none.
        (placed.sid, placed.from) = (Some(sid), Some(from));
        Ok(Reply::data(200, None, placed))
    }

    /// Makes a call from an agent: it starts `initiated` and progresses from when it is placed. Emits its
    /// start if it is placed already (otherwise [`State::progress_calls`] does, when it is).
    pub(super) fn place_call(&mut self, index: usize, placing: Placing) -> Call {
        let Placing { to, is_testing, context, created_ms, placed_ms, campaign_call_id, id, external, caller } =
            placing;
        let agent = &self.agents[index].agent;
        let own = agent.phone_numbers.iter().flatten().next();
        let agent_number = own.map_or_else(|| EMULATOR_NUMBER.to_owned(), |n| n.number.clone());
        // The agent's number written as the environment's list of numbers writes it.
        let own_formatted = own.and_then(|n| Some((n.number.clone(), n.formatted_number.clone()?)));
        let mut summary = AgentSummary::new(agent.id.clone(), agent.name.clone());
        summary.label = agent.label.clone();
        let agent_id = agent.id.as_str().to_owned();
        let now = crate::clock::timestamp(created_ms);
        let id = id.unwrap_or_else(|| self.new_id());
        // Its own as its id is: the id's hex digits, after the provider's `CA`; an external call's are those
        // its body gave. An inbound call is from its caller to the agent's number.
        let own_sid = || format!("CA{}", id.replace('-', "")).into();
        let (sid, from, to, direction) = match (external, caller) {
            (Some((sid, from, direction)), _) => (sid, from, to, direction),
            (None, Some(caller)) => (own_sid(), caller, agent_number, Direction::Inbound),
            (None, None) => (own_sid(), agent_number, to, Direction::Outbound),
        };
        let outcome = Outcome::of(&to);
        let (id, status, created_at) = (id.into(), CallStatus::Initiated, now.into());
        let mut call = Call::new(CallRequired { id, sid, from, to, direction, status, created_at });
        // The agent's number written as the environment's list writes it, on either side of the call.
        let written = |number: &String| match &own_formatted {
            Some((own, written)) if own == number => written.clone(),
            _ => formatted(number),
        };
        (call.to_formatted, call.from_formatted) = (written(&call.to), written(&call.from));
        call.is_testing = is_testing;
        call.agent = Some(summary);
        let mut progress = Progress::new(outcome, placed_ms);
        let started = progress.start_due(self.live.clock.now_ms());
        let entry = CallEntry { call: call.clone(), context, progress, campaign_call_id: campaign_call_id.clone() };
        let data = call_data(&entry);
        self.calls.push(entry);
        if let Some(campaign_call_id) = campaign_call_id {
            self.live.dials.retain(|d| d.campaign_call_id != campaign_call_id);
            self.live.dials.push(super::campaigns::Dial { campaign_call_id, call_id: call.id.as_str().to_owned() });
        }
        if started {
            for event in outcome.events(&CallStatus::Initiated) {
                self.emit_agent(&agent_id, event.clone(), &data, placed_ms);
            }
        }
        call
    }

    fn filtered_calls(&self, filters: &CallFilters, agent_id: Option<&str>) -> Vec<&Call> {
        let search = search_term(filters.search.as_deref());
        // In the order they were made, as list-calls' example shows them (its first call is the earlier).
        self.calls
            .iter()
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
                    c.to.contains(s.as_str())
                        || c.from.contains(s.as_str())
                        || c.sid.as_str().to_lowercase().contains(s)
                })
            })
            .collect()
    }

    pub(super) fn list_calls(&mut self, req: &Request<'_>) -> Answer {
        // The same parameters less `agent_id`: the filters get-agent-calls shares.
        // A status the pages do not list (a campaign call's `queued`) is no `CallFilterStatus`: refused with
        // any other value the type does not know.
        let list = req.valid::<ListCalls>()?;
        let (agent_id, filters) = list.query.clone().split();
        let calls = self.filtered_calls(&filters, agent_id.as_ref().map(|a| a.as_str()));
        Ok(Reply::paged(&list, &calls))
    }

    pub(super) fn agent_calls(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        let list = req.valid::<GetAgentCalls>()?;
        // The agent is known here, so its calls come without it.
        let calls: Vec<_> = self
            .filtered_calls(&list.query, Some(list.agent_id.as_str()))
            .into_iter()
            .map(|call| ListedAs(call, |call| call.agent = None))
            .collect();
        Ok(Reply::paged(&list, &calls))
    }

    pub(super) fn end_call(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        let end = req.valid::<EndCall>()?;
        let agent_id = end.agent_id.as_str();
        // `call_sid` takes "the `id` returned by Make a Call" (the page): the call's id only, never its sid
        // (the telephony provider's, which the call lists show beside it), so that a program sending the sid
        // gets the page's 404 here, as it may from the API.
        let id = end.body.call_sid.as_str();
        let entry = self
            .calls
            .iter_mut()
            .filter(|c| c.call.agent.as_ref().is_some_and(|a| a.id.as_str() == agent_id))
            .find(|c| c.call.id.as_str() == id)
            .ok_or_else(|| documented(req, 404, None, "Call not found for this agent"))?;
        if !entry.call.status.is_active() {
            return Err(Reply::fail_code(409, "Call is not active", "CALL_NOT_ACTIVE"));
        }
        let now = self.live.clock.timestamp();
        let now_ms = self.live.clock.now_ms();
        let was_answered = entry.call.status == CallStatus::Answered;
        // A delayed call ended before it was placed is never placed.
        entry.progress.started = true;
        entry.call.status = CallStatus::Completed;
        entry.call.duration = entry.progress.duration(now_ms);
        entry.call.updated_at = crate::clock::stamp(now.clone());
        entry.call.ended_at = Some(crate::clock::stamp(now));
        entry.progress.ended_ms = Some(now_ms);
        let mut ended = EndedCall::new(entry.call.id.clone(), entry.call.status.clone());
        ended.ended_at = entry.call.ended_at.clone();
        ended.ended_reason = Some(EndedReason::EndedByApi);
        let mut data = call_data(entry);
        data.insert("ended_reason".into(), json!(EndedReason::EndedByApi));
        // Test calls are not billed.
        let billed = (!entry.call.is_testing).then_some(entry.call.duration);
        if was_answered {
            self.emit_agent(agent_id, AgentWebhookEvent::ConversationEnded, &data, now_ms);
        }
        if let Some(duration) = billed {
            self.charge_call(duration);
        }
        self.emit_agent(agent_id, AgentWebhookEvent::PhoneCallEnded, &data, now_ms);
        Ok(Reply::data(200, None, ended))
    }

    pub(super) fn active_call(&mut self, req: &Request<'_>) -> Answer {
        self.agent_index(req)?;
        // A number not in E.164 form is refused, naming `phone`, as the other checks of a request are.
        let _ = req.valid::<talkover_core::calls::GetActiveCall>()?;
        let (agent_id, phone) = (req.param("agent_id"), req.param("phone"));
        let now_ms = self.live.clock.now_ms();
        let active = self
            .calls
            .iter()
            .filter(|c| c.call.agent.as_ref().is_some_and(|a| a.id.as_str() == agent_id))
            // The other party's number: the one called, or for an inbound call its caller (the page: "look up
            // the call ID associated with an inbound caller").
            .filter(|c| other_party(&c.call) == phone && c.call.status.is_active())
            .map(|c| {
                let number = other_party(&c.call).to_owned();
                let mut active = ActiveCall::new(c.call.id.clone(), number, c.call.status.clone());
                active.agent_id = Some(agent_id.into());
                // The talk so far: from when the call was answered, so that the ended call's `duration`
                // is never less than what was seen here. A call still ringing has not started talking.
                let answered = c.progress.answered_ms;
                active.started_at = answered.map(|ms| crate::clock::stamp(crate::clock::timestamp(ms)));
                active.duration_seconds = Some(c.progress.duration(now_ms));
                active
            })
            .collect::<Vec<_>>();
        if active.is_empty() {
            return Err(documented(req, 404, None, "No active call found for this phone number"));
        }
        Ok(Reply::list(active))
    }
}

impl State {
    /// Moves every call on to where the clock says it is, emitting the events of each step, each stamped
    /// with when its step was reached (not when the clock got there: a jump of the clock plays the steps
    /// out at their own times).
    pub(super) fn progress_calls(&mut self) {
        let now_ms = self.live.clock.now_ms();
        let mut events = Vec::new();
        let mut billed = Vec::new();
        // Every tick (each request makes one) looks at every call: one that has ended is passed over at once,
        // and nothing is allocated for a call with nothing due, so that a store of tens of thousands of
        // calls keeps the emulator quick.
        let agent_of =
            |entry: &CallEntry| entry.call.agent.as_ref().map(|a| a.id.as_str().to_owned()).unwrap_or_default();
        for entry in &mut self.calls {
            if entry.progress.started && !entry.call.status.is_active() {
                continue;
            }
            // A delayed call is announced when it is placed.
            if entry.progress.start_due(now_ms) {
                for event in entry.progress.outcome.events(&CallStatus::Initiated) {
                    events.push((agent_of(entry), event.clone(), call_data(entry), entry.progress.placed_ms));
                }
            }
            for (at, status) in entry.progress.due(&entry.call.status, now_ms) {
                let reached_ms = entry.progress.placed_ms + at;
                if status == CallStatus::Answered {
                    entry.progress.answered_ms = Some(reached_ms);
                }
                if !status.is_active() {
                    entry.call.duration = entry.progress.duration(reached_ms);
                    entry.call.ended_at = Some(crate::clock::stamp(crate::clock::timestamp(reached_ms)));
                    entry.progress.ended_ms = Some(reached_ms);
                    // Test calls are not billed.
                    if !entry.call.is_testing {
                        billed.push((reached_ms, entry.call.duration));
                    }
                }
                entry.call.status = status.clone();
                entry.call.updated_at = crate::clock::stamp(crate::clock::timestamp(reached_ms));
                for event in entry.progress.outcome.events(&status) {
                    events.push((agent_of(entry), event.clone(), call_data(entry), reached_ms));
                }
            }
        }
        // In the order they happened, across calls too (each call's own steps keep theirs).
        events.sort_by_key(|event| event.3);
        for (agent_id, event, data, at_ms) in events {
            self.emit_agent(&agent_id, event, &data, at_ms);
        }
        // Each call is charged when it ended (a threshold recharge it brings is dated then), after the
        // scheduled recharges that came before it, so that the balances the history gives follow its dates.
        billed.sort_by_key(|(ended_ms, _)| *ended_ms);
        for (ended_ms, duration) in billed {
            self.recharge_scheduled_until(ended_ms);
            crate::clock::answering_at(ended_ms, || self.charge_call(duration));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_four_digits_choose_the_outcome() {
        let outcomes: Vec<_> = ["+15550001111", "+1 555 000 2222", "+445550003333", "+15550004444", "+15550005555"]
            .into_iter()
            .map(Outcome::of)
            .collect();
        use Outcome::*;
        assert_eq!(outcomes, [NoAnswer, Busy, Failed, Voicemail, Long]);
        assert_eq!(Outcome::of("+15551234567"), Answered);
        assert_eq!(Outcome::of("1"), Answered);
    }

    #[test]
    fn a_call_is_announced_once_when_placed() {
        let mut progress = Progress::new(Outcome::Answered, 30_000);
        assert!(!progress.start_due(29_999));
        assert!(progress.due(&CallStatus::Initiated, 30_999).is_empty(), "nothing rings before it is placed");
        assert!(progress.start_due(30_000));
        assert!(!progress.start_due(31_000), "announced once");
    }

    #[test]
    fn a_call_passes_every_stage_it_has_reached() {
        let progress = Progress::new(Outcome::Answered, 1_000);
        let due: Vec<_> = progress.due(&CallStatus::Initiated, 1_000 + ANSWERED_MS).into_iter().map(|s| s.1).collect();
        assert_eq!(due, [CallStatus::Ringing, CallStatus::Answered]);
        let rest: Vec<_> = progress.due(&CallStatus::Answered, i64::MAX / 2).into_iter().map(|s| s.1).collect();
        assert_eq!(rest, [CallStatus::Completed]);
        assert!(progress.due(&CallStatus::Completed, i64::MAX / 2).is_empty());
    }
}
