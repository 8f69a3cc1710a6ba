//! The emulator's memory: agents with their actions, trainings and webhooks, calls, and campaigns; SIP
//! trunks, phone numbers, credits and auto top-up, API tokens, calendars, flows, callback roles, campaigns'
//! SFTP settings and release requests (seeded from the recorded examples), kept as the core's own types and
//! changed by the rules the reference documents.
//!
//! Each request arrives decoded into its typed operation through the core's registry
//! ([`Request::decode`]), with the core's own checks run on it; [`HANDLERS`] is the one list of the
//! operations answered from this state, by the ids their types declare. One module per resource holds
//! the handlers.

mod actions;
mod agents;
mod api_tokens;
mod calendars;
mod callbacks;
mod calls;
mod campaigns;
mod credits;
mod flows;
mod live;
mod phone_numbers;
mod release_requests;
mod sftp;
mod sip_trunks;
mod slots;
mod voice_templates;
mod webhooks;
mod zones;

pub use calls::InboundRefused;
pub(crate) use webhooks::{test_answer, test_wait};

use serde_json::{Map, Value};
use talkover_core::account as tokens;
use talkover_core::actions::{CreateAction, DeleteAction, ListActions};
use talkover_core::agents::{
    AdvancedSettings, Agent, AgentStatus, CheckOptimizedCostsEligibility, CreateAgent, DeleteAgent, GetAgent,
    GetAgentPricingSummary, ListAgents, PublishAgent, UnpublishAgent, UpdateAdvancedSettings, UpdateAgentCalling,
    UpdateAgentKnowledge, UpdateAgentVoice,
};
use talkover_core::calendars::{self as cal, availability as avail, events as ev, members as mem, providers as prov};
use talkover_core::callbacks as cb;
use talkover_core::calls::{Call, EndCall, GetActiveCall, GetAgentCalls, ListCalls, MakeCall, MakeCampaignCall};
use talkover_core::campaign_sftp as sftp_ops;
use talkover_core::campaigns::{
    Campaign, CreateCampaign, DeleteCampaign, GetCampaign, ListCampaigns, UpdateCampaign, UpdateCampaignStatus,
};
use talkover_core::error::ErrorCode;
use talkover_core::flows as flow;
use talkover_core::phone_numbers as numbers;
use talkover_core::registry::OperationInfo;
use talkover_core::sip_trunks as sip;
use talkover_core::time::{DateTime, Timestamp};
use talkover_core::trainings::{CreateTraining, DeleteTraining, ListTrainings};
use talkover_core::voice_templates as voices;
use talkover_core::webhooks::{
    AgentWebhook, AgentWebhookList, CreateWebhook, DeleteWebhook, GetWebhookDetails, ListAgentWebhooks,
    ToggleWebhookStatus, UpdateWebhook,
};
use talkover_core::webhooks::{
    CreateCampaignWebhook, DeleteCampaignWebhook, GetCampaignWebhook, ListCampaignWebhookLogs, ListCampaignWebhooks,
    ListWebhookLogs, RetryCampaignWebhookLog, RetryWebhookLog, TestCampaignWebhook, ToggleCampaignWebhook,
    UpdateCampaignWebhook,
};
use talkover_core::Operation;
use talkover_core::{auto_topup as topup, credits as money};

use crate::fixtures::Catalog;
use crate::reply::{expects_integer, is_required, refused_field, unprefixed, whole_float_at, Invalid, Reply};
use talkover_core::Error;

type Answer = Result<Reply, Reply>;
type Handler = fn(&mut State, &Request<'_>) -> Answer;

/// What the core's id types read, in the words of [`OperationInfo::body_fields`].
const ID_READS: &str = "identifier (a string or an integer)";

/// The operations the emulator answers from its state, by the ids their types declare, with their
/// handlers; every other operation is replayed from the fixtures.
const HANDLERS: &[(&str, Handler)] = &[
    (ListAgents::ID, State::list_agents),
    (CreateAgent::ID, State::create_agent),
    (GetAgent::ID, State::get_agent),
    (UpdateAgentKnowledge::ID, State::update_knowledge),
    (UpdateAgentVoice::ID, State::update_voice),
    (voices::ListVoiceTemplates::ID, State::list_voice_templates),
    (voices::GenerateVoiceDemo::ID, State::generate_voice_demo),
    (UpdateAgentCalling::ID, State::update_calling),
    (UpdateAdvancedSettings::ID, State::update_advanced),
    (CheckOptimizedCostsEligibility::ID, State::optimized_costs_eligibility),
    (GetAgentPricingSummary::ID, State::pricing_summary),
    (PublishAgent::ID, State::publish),
    (UnpublishAgent::ID, State::unpublish),
    (DeleteAgent::ID, State::delete_agent),
    (ListActions::ID, State::list_actions),
    (CreateAction::ID, State::create_action),
    (DeleteAction::ID, State::delete_action),
    (ListTrainings::ID, State::list_trainings),
    (CreateTraining::ID, State::create_training),
    (DeleteTraining::ID, State::delete_training),
    (ListAgentWebhooks::ID, State::list_webhooks),
    (CreateWebhook::ID, State::create_webhook),
    (GetWebhookDetails::ID, State::get_webhook),
    (UpdateWebhook::ID, State::update_webhook),
    (DeleteWebhook::ID, State::delete_webhook),
    (ToggleWebhookStatus::ID, State::toggle_webhook),
    (ListWebhookLogs::ID, State::list_webhook_logs),
    (RetryWebhookLog::ID, State::retry_webhook_log),
    (ListCampaignWebhooks::ID, State::list_campaign_webhooks),
    (CreateCampaignWebhook::ID, State::create_campaign_webhook),
    (GetCampaignWebhook::ID, State::get_campaign_webhook),
    (UpdateCampaignWebhook::ID, State::update_campaign_webhook),
    (DeleteCampaignWebhook::ID, State::delete_campaign_webhook),
    (ToggleCampaignWebhook::ID, State::toggle_campaign_webhook),
    (TestCampaignWebhook::ID, State::test_campaign_webhook),
    (ListCampaignWebhookLogs::ID, State::list_campaign_webhook_logs),
    (RetryCampaignWebhookLog::ID, State::retry_campaign_webhook_log),
    (MakeCall::ID, State::make_call),
    (ListCalls::ID, State::list_calls),
    (GetAgentCalls::ID, State::agent_calls),
    (EndCall::ID, State::end_call),
    (GetActiveCall::ID, State::active_call),
    (ListCampaigns::ID, State::list_campaigns),
    (CreateCampaign::ID, State::create_campaign),
    (GetCampaign::ID, State::get_campaign),
    (UpdateCampaign::ID, State::update_campaign),
    (UpdateCampaignStatus::ID, State::update_campaign_status),
    (DeleteCampaign::ID, State::delete_campaign),
    (MakeCampaignCall::ID, State::make_campaign_call),
    (sip::ListSipTrunks::ID, State::list_sip_trunks),
    (sip::CreateSipTrunk::ID, State::create_sip_trunk),
    (sip::GetSipTrunk::ID, State::get_sip_trunk),
    (sip::UpdateSipTrunk::ID, State::update_sip_trunk),
    (sip::DeleteSipTrunk::ID, State::delete_sip_trunk),
    (sip::VerifySipTrunk::ID, State::verify_sip_trunk),
    (sip::GetSipTrunkHealth::ID, State::sip_trunk_health),
    (sip::ListSipTrunkDids::ID, State::list_sip_trunk_dids),
    (sip::CreateSipTrunkDid::ID, State::create_sip_trunk_did),
    (sip::DeleteSipTrunkDid::ID, State::delete_sip_trunk_did),
    (money::GetCreditsBalance::ID, State::credits_balance),
    (money::PurchaseCredits::ID, State::purchase_credits),
    (topup::GetAutoTopupSettings::ID, State::auto_topup_settings),
    (topup::UpdateAutoTopupSettings::ID, State::update_auto_topup),
    (topup::TestAutoTopup::ID, State::test_auto_topup),
    (topup::DisableAutoTopup::ID, State::disable_auto_topup),
    (topup::GetAutoTopupHistory::ID, State::auto_topup_history),
    (tokens::ListUserApiTokens::ID, State::list_api_tokens),
    (tokens::CreateUserApiToken::ID, State::create_api_token),
    (tokens::DeleteUserApiToken::ID, State::delete_api_token),
    (cal::ListCalendars::ID, State::list_calendars),
    (cal::CreateCalendar::ID, State::create_calendar),
    (cal::GetCalendar::ID, State::get_calendar),
    (cal::UpdateCalendar::ID, State::update_calendar),
    (cal::DeleteCalendar::ID, State::delete_calendar),
    (cal::GetCalendarEventsBatch::ID, State::calendar_events_batch),
    (mem::ListCalendarMembers::ID, State::list_calendar_members),
    (mem::AddCalendarMember::ID, State::add_calendar_member),
    (mem::UpdateCalendarMember::ID, State::update_calendar_member),
    (mem::RemoveCalendarMember::ID, State::remove_calendar_member),
    (ev::ListCalendarEvents::ID, State::list_calendar_events),
    (ev::CreateCalendarEvent::ID, State::create_calendar_event),
    (ev::GetCalendarEvent::ID, State::get_calendar_event),
    (ev::UpdateCalendarEvent::ID, State::update_calendar_event),
    (ev::DeleteCalendarEvent::ID, State::delete_calendar_event),
    (ev::CreateEventMeeting::ID, State::create_event_meeting),
    (ev::AddEventAttendee::ID, State::add_event_attendee),
    (ev::RemoveEventAttendee::ID, State::remove_event_attendee),
    (avail::ListAvailabilityRules::ID, State::list_availability_rules),
    (avail::CreateAvailabilityRule::ID, State::create_availability_rule),
    (avail::UpdateAvailabilityRule::ID, State::update_availability_rule),
    (avail::DeleteAvailabilityRule::ID, State::delete_availability_rule),
    (avail::QueryAvailability::ID, State::query_availability),
    (prov::ListProviderConnections::ID, State::list_provider_connections),
    (prov::CreateProviderConnection::ID, State::create_provider_connection),
    (prov::DisconnectProvider::ID, State::disconnect_provider),
    (prov::TriggerProviderSync::ID, State::trigger_provider_sync),
    (cal::GetCalendarsSyncStatus::ID, State::calendars_sync_status),
    (cal::TriggerCalendarsSync::ID, State::trigger_calendars_sync),
    (flow::GetAgentFlow::ID, State::get_agent_flow),
    (flow::UpdateAgentFlow::ID, State::update_agent_flow),
    (flow::ValidateAgentFlow::ID, State::validate_agent_flow),
    (flow::ListAgentFlowVersions::ID, State::list_agent_flow_versions),
    (cb::ListCallbackAgents::ID, State::list_callback_agents),
    (cb::ListCallbackSourceAgents::ID, State::list_callback_source_agents),
    (cb::GetCallbackAgent::ID, State::get_callback_agent),
    (cb::GetCallbackStats::ID, State::callback_stats),
    (cb::CheckCallbackConstraints::ID, State::check_callback_constraints),
    (cb::SetAgentAsCallback::ID, State::set_agent_as_callback),
    (cb::UpdateCallbackSources::ID, State::update_callback_sources),
    (cb::RemoveCallbackRole::ID, State::remove_callback_role),
    (sftp_ops::GetCampaignSftp::ID, State::get_campaign_sftp),
    (sftp_ops::CreateCampaignSftp::ID, State::create_campaign_sftp),
    (sftp_ops::UpdateCampaignSftp::ID, State::update_campaign_sftp),
    (sftp_ops::TestCampaignSftpConnection::ID, State::test_campaign_sftp),
    (sftp_ops::TriggerCampaignSftpImport::ID, State::trigger_sftp_import),
    (sftp_ops::TriggerCampaignSftpExport::ID, State::trigger_sftp_export),
    (sftp_ops::ListCampaignSftpLogs::ID, State::list_sftp_logs),
    (numbers::ListPhoneNumbers::ID, State::list_phone_numbers),
    (numbers::ListReleaseRequests::ID, State::list_release_requests),
    (numbers::RequestPhoneRelease::ID, State::request_phone_release),
    (numbers::CancelReleaseRequest::ID, State::cancel_release_request),
];

struct AgentEntry {
    agent: Agent,
    advanced: AdvancedSettings,
    /// Actions and trainings are upserted by flow node.
    action_nodes: Vec<(String, String)>,
    training_nodes: Vec<(String, String)>,
    webhooks: Vec<AgentWebhook>,
    /// Calls of the last days the emulator did not place itself: the reference example's count for its
    /// example agent (check-optimized-costs-eligibility), none for an agent created here.
    recorded_recent_calls: u64,
}

impl AgentEntry {
    fn new(agent: Agent) -> Self {
        Self {
            agent,
            // Off until turned on: the page's answer always names the one setting there is.
            advanced: AdvancedSettings::default().enable_initial_message_cache(false),
            action_nodes: Vec::new(),
            training_nodes: Vec::new(),
            webhooks: Vec::new(),
            recorded_recent_calls: 0,
        }
    }
}

impl AgentEntry {
    /// Whether the agent is published: calls go out only through one, and it cannot be deleted.
    fn is_published(&self) -> bool {
        self.agent.current_status == Some(AgentStatus::Published)
    }
}

impl HasId for AgentEntry {
    fn id(&self) -> &str {
        self.agent.id.as_str()
    }
}

has_id!(Campaign);

struct CallEntry {
    /// The call as the API shows it (its `ended_at` set when it ends).
    call: Call,
    /// The caller's own data, sent back in every webhook event of the call.
    context: Option<Map<String, Value>>,
    progress: calls::Progress,
    /// The campaign call it dials, for a call a campaign placed (deleting the campaign removes it).
    campaign_call_id: Option<String>,
}

/// The ids the emulator hands out, from two sequences: one for what requests make, and one for what it
/// makes on its own (what the clock brings about, such as a campaign's calls and scheduled recharges, and
/// the entries of webhook deliveries' logs), so that the ids requests get depend on the requests alone,
/// not on when a tick came or how often a delivery was tried.
#[derive(Default)]
struct Ids {
    /// The last id of the requests' sequence.
    requests: u64,
    /// The last id of the emulator's own sequence.
    background: u64,
    /// Whether what is made now is the emulator's own doing: the clock's changes are being applied.
    in_background: bool,
}

/// Everything the emulator remembers.
pub(crate) struct State {
    ids: Ids,
    agents: Vec<AgentEntry>,
    calls: Vec<CallEntry>,
    campaigns: Vec<Campaign>,
    /// By campaign, the per-status cooldowns the caller left out, which follow its `retry_cooldown_hours`.
    inherited_cooldowns: std::collections::HashMap<String, Vec<&'static str>>,
    voice_templates: Vec<voices::VoiceTemplateGroup>,
    phone_numbers: phone_numbers::PhoneNumbers,
    webhook_events: AgentWebhookList,
    live: live::Live,
    sip: sip_trunks::SipTrunks,
    credits: credits::Credits,
    tokens: api_tokens::ApiTokens,
    calendars: calendars::Calendars,
    flows: flows::Flows,
    callbacks: callbacks::Callbacks,
    sftp: sftp::Sftp,
    releases: release_requests::ReleaseRequests,
    /// The reference's pricing summary (its estimate and voice tier), which every agent's summary gives.
    recorded_pricing: Option<talkover_core::agents::AgentPricingSummary>,
    /// The ids of agents, campaigns and agent webhooks known not to exist: deleted, or the example agent
    /// when the emulator starts without it. A documented example recorded for such an id's path is not
    /// answered (see [`State::is_gone`]).
    gone: std::collections::HashSet<String>,
}

/// What a handler needs besides the state.
pub(crate) struct Request<'a> {
    pub(crate) operation: &'static OperationInfo,
    pub(crate) path: &'a Map<String, Value>,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: Option<&'a Value>,
    pub(crate) catalog: &'a Catalog,
}

impl Request<'_> {
    /// The path parameter `name`, which must be a placeholder of the operation's path: a handler that
    /// names another (a parameter renamed in its declaration) fails in debug builds, the emulator's tests
    /// among them, rather than answering as if the id were unknown.
    fn param(&self, name: &str) -> &str {
        debug_assert!(
            talkover_core::encode::path_placeholders(self.operation.path).any(|placeholder| placeholder == name),
            "the emulator's handler of {} reads a path parameter `{name}` that its path {} does not have",
            self.operation.id,
            self.operation.path,
        );
        self.path.get(name).and_then(Value::as_str).unwrap_or_default()
    }

    /// [`Request::decode`] for a handler with no check of its own: the operation, or the 422 of what the
    /// core's checks refused.
    fn valid<O: Operation + 'static>(&self) -> Result<O, Reply> {
        let (operation, invalid) = self.decode::<O>()?;
        invalid.check()?;
        Ok(operation)
    }

    /// The request as its typed operation, decoded through the core's registry, with what the core's
    /// checks refused in the [`Invalid`] given back (the handler adds its own findings and answers 422
    /// if there is any).
    ///
    /// A body that does not decode is answered at once with every field at fault, as the API does: the
    /// fields it lacks and the fields whose values do not fit their types. To find the next one after the
    /// first, the documented example's value stands in for each (a misfit's top-level field; for a field the
    /// first example lacks, another example's, as of a body whose `type` picks its fields). Once the body
    /// decodes, the operation is handed back with those refusals and what the core's checks refuse of the
    /// caller's other values, so that the handler's own checks add theirs and its `check` answers them all;
    /// checks of a stand-in value add nothing.
    fn decode<O: Operation + 'static>(&self) -> Result<(O, Invalid), Reply> {
        let (incoming, refused) = self.decode_incoming()?;
        let operation = incoming.into_operation::<O>().map_err(|_| Reply::bug::<O>("not this operation"))?;
        Ok((operation, refused))
    }

    /// The checks of [`Request::decode`] for an operation the emulator answers from its recorded examples:
    /// a request the API would refuse (a misfit or missing field, a bound, an enum value it does not list)
    /// is refused here too, rather than answered with an example.
    pub(crate) fn check(&self) -> Result<(), Reply> {
        self.decode_incoming()?.1.check()
    }

    /// The required fields of the body the caller gave as `null`, or as text empty or of white space only.
    fn blank_required_texts(&self) -> Vec<&'static str> {
        self.blanks_required_by(self.operation)
    }

    /// The fields of the body that `operation` requires and the caller gave as `null` (any field), or empty
    /// or as white space only (a text, an id among them): this operation's own, or, for an update whose
    /// page gives the fields of its create "all optional", the create's (a field given must not be blank).
    fn blanks_required_by(&self, operation: &OperationInfo) -> Vec<&'static str> {
        let Some(Value::Object(given)) = self.body else { return Vec::new() };
        let blank_text = |value: &Value| value.as_str().is_some_and(|text| text.trim().is_empty());
        // Most bodies have no blank text nor null: the operation's fields are only looked up for one that does.
        if !given.values().any(|value| value.is_null() || blank_text(value)) {
            return Vec::new();
        }
        let fields = operation.body_fields();
        let text = |reads: &str| reads == "text" || reads == "secret string" || reads == ID_READS;
        // A null is no value whatever the field's type; an empty text, for a text.
        let blank = |name: &str, reads: &str| {
            given.get(name).is_some_and(|value| value.is_null() || (text(reads) && blank_text(value)))
        };
        fields.into_iter().filter(|f| f.required && blank(f.name, &f.reads)).map(|f| f.name).collect()
    }

    /// Refuses, in an update, a field given empty (or as white space), or as `null`, that `create` requires:
    /// the update pages give create's fields "all optional", so one that is given must be one create would
    /// take ("The title field is required.", as create says), in place of what else was said of it (a
    /// length). Before, a `null` was read as not given and the update answered 200 without changing it.
    pub(super) fn refuse_blanks_create_requires(
        &self,
        create: &'static str,
        invalid: &mut Invalid,
    ) -> Result<(), Reply> {
        let create: &OperationInfo = talkover_core::registry::operation(create)
            .ok_or_else(|| Reply::bug::<OperationInfo>(&format!("{create} is not in the registry")))?;
        for name in self.blanks_required_by(create) {
            invalid.required_whole(name);
        }
        Ok(())
    }

    /// The id fields of the body the caller gave as numbers. The core reads an id written as a number
    /// (answers do), but every page types the ids a request sends as strings. (Any other value that is
    /// not text does not decode, and is refused as such.)
    fn ids_not_text(&self) -> Vec<&'static str> {
        let Some(Value::Object(given)) = self.body else { return Vec::new() };
        // A number, or a list holding one (`file_data_ids: [1]`).
        let numeric = |value: &Value| match value {
            Value::Array(items) => items.iter().any(Value::is_number),
            value => value.is_number(),
        };
        if !given.values().any(numeric) {
            return Vec::new();
        }
        let misfit = |name: &str| given.get(name).is_some_and(numeric);
        let fields = self.operation.body_fields();
        let id = |reads: &str| {
            let one = reads.trim_start_matches("null or ");
            one == ID_READS || one.strip_prefix("list of ") == Some(ID_READS)
        };
        fields.into_iter().filter(|f| id(&f.reads) && misfit(f.name)).map(|f| f.name).collect()
    }

    /// [`Request::decode`] without the operation's type: the decoded request and what was refused.
    fn decode_incoming(&self) -> Result<(talkover_core::registry::Incoming, Invalid), Reply> {
        let mut body = match self.body {
            Some(Value::Object(fields)) => fields.clone(),
            _ => Map::new(),
        };
        let example = self.catalog.documented_request_body(self.operation.id);
        // The query takes stand-ins as the body does: the example's value, or none.
        let mut query = self.query.to_vec();
        let example_query = self.catalog.documented_query(self.operation.id);
        let mut refused = Invalid::default();
        // Whole numbers their types cannot hold, with the bound nearest each: judged once the rest decodes.
        let mut beyond_bounds: Vec<(String, i128, bool)> = Vec::new();
        // The other examples give the fields the first lacks (an availability rule of the other `type`).
        let examples = || self.catalog.documented_request_bodies(self.operation.id);
        let documented_value = |field: &str| examples().find_map(|e| e.get(field));
        let looks = body.len() + examples().map(Map::len).sum::<usize>() + query.len() + example_query.len();
        for _ in 0..=looks {
            let body_value = Value::Object(body.clone());
            let error = match self.operation.decode_request(self.path, &query, Some(&body_value)) {
                Ok(incoming) => match incoming.validate() {
                    Err(e) if is_required(&e) => e,
                    checked => {
                        // With stand-ins, what was missing or misfit is refused already: the handler adds
                        // its own findings, and its check answers them all (no handler acts before it).
                        refused.core(checked);
                        // A required field given as null, or a required text given empty or as white
                        // space only, is missing, as the API's input handling reads it (it trims strings
                        // and takes an empty one for none).
                        for name in self.blank_required_texts() {
                            refused.required_whole(name);
                        }
                        for name in self.ids_not_text() {
                            refused.refuse_whole(name, format!("The {} must be a string.", crate::reply::words(name)));
                        }
                        // An enum value the reference does not list is refused as the API does, wherever
                        // the types hold one: the handler does not name its enum fields.
                        for path in incoming.undocumented_values() {
                            refused.selected(unprefixed(&path));
                        }
                        for (field, bound, in_query) in &beyond_bounds {
                            if let Some(rule) = self.rule_at_bound(field, *bound, *in_query, &body, &query) {
                                refused.replace(field, rule);
                            }
                        }
                        return Ok((incoming, refused));
                    }
                },
                Err(e) => e,
            };
            let field = self.refused_field_of(&body, &query, example, &error);
            let message = refused_field(&error).1;
            // A whole number written as a float (`60.0`) is the integer, a weekday's number among them.
            let integer = expects_integer(&message) || message.contains("expected a weekday number");
            if integer && !in_query(&error) && whole_float_at(&mut body, &field) {
                continue;
            }
            if refused.has(&field) {
                break;
            }
            refused.misfit(&field, &error);
            if let Some(bound) = crate::reply::nearest_bound(&refused_field(&error).1) {
                beyond_bounds.push((field.clone(), bound, in_query(&error)));
            }
            // A misfit element of a list (`days_of_week.0`), or a misfit member of one (`call_time_ranges.0.end`),
            // takes the value of the example's element (or its first) in its place, so that the list's other
            // elements and the element's other members are judged too: the list is the caller's still, and
            // what is said of the rest of it counts.
            let element = field.split_once('.').and_then(|(list, rest)| {
                let (index, member) = rest.split_once('.').map_or((rest, None), |(i, m)| (i, Some(m)));
                Some((list, index.parse::<usize>().ok()?, member))
            });
            if let Some((list, index, member)) = element.filter(|_| !in_query(&error)) {
                let at = |member: &str| format!("/{}", member.replace('.', "/"));
                let documented = example.and_then(|e| e.get(list)).or_else(|| documented_value(list));
                let stand_in = documented
                    .and_then(Value::as_array)
                    .and_then(|items| items.get(index).or(items.first()))
                    .and_then(|item| member.map_or(Some(item), |m| item.pointer(&at(m))));
                let given =
                    body.get_mut(list).and_then(Value::as_array_mut).and_then(|items| items.get_mut(index)).and_then(
                        |item| match member {
                            Some(m) => item.pointer_mut(&at(m)),
                            None => Some(item),
                        },
                    );
                if let (Some(stand_in), Some(given)) = (stand_in, given) {
                    if given != stand_in {
                        stand_in.clone_into(given);
                        if member.is_some() {
                            refused.stood_in_member(&field);
                        }
                        continue;
                    }
                }
            }
            // A missing field, or a misfit's top-level field, takes the example's value; a misfit the example
            // does not have is taken out. A query parameter likewise.
            let top = field.split('.').next().unwrap_or(&field).to_owned();
            refused.stood_in(&top);
            if in_query(&error) {
                let named = |(name, _): &(String, String)| names(name, &top);
                match example_query.iter().find(|p| named(p)) {
                    Some((_, value)) if query.iter().find(|p| named(p)).map(|(_, v)| v) != Some(value) => {
                        set_parameter(&mut query, &top, value.clone());
                    }
                    None if query.iter().any(named) => query.retain(|p| !named(p)),
                    _ => break,
                }
                continue;
            }
            match example.and_then(|e| e.get(&top)).or_else(|| documented_value(&top)) {
                Some(value) if body.get(&top) != Some(value) => body.insert(top, value.clone()),
                None if body.contains_key(&top) => body.remove(&top),
                _ => break,
            };
        }
        Err(refused
            .check()
            .err()
            .unwrap_or_else(|| Reply::bug::<talkover_core::registry::Incoming>("an empty refusal")))
    }
}

impl Request<'_> {
    /// The field a refusal is about: the one it names, or, when it names only the body as a whole, the
    /// top-level field of `body` whose documented example value (or, for a field the example does not have,
    /// its absence) makes the decoding pass or fail otherwise. The core's decoding names the body as a whole
    /// when the field lies in a part of the type read in one piece (an availability rule, whose `type` picks
    /// its kind); the API's 422 names the field. `body` when no field
    /// makes a difference.
    fn refused_field_of(
        &self,
        body: &Map<String, Value>,
        query: &[(String, String)],
        example: Option<&Map<String, Value>>,
        refused: &Error,
    ) -> String {
        let (field, message) = refused_field(refused);
        if field == "query" {
            return self.query_parameter_at_fault(body, query).unwrap_or(field);
        }
        if field != "body" {
            return field;
        }
        // The position serde gives (`at line 1 column 80`) moves with the values: it is left out.
        let gist = |message: &str| message.split(" at line ").next().unwrap_or_default().to_owned();
        let refusal = gist(&message);
        // The example's values go in one after the other and stay: of two fields refused alike, the second
        // is found first (the first still refuses the body as before), the first on the next look. The
        // example's fields are looked at first, then at most `UNDOCUMENTED_LOOKS` others, so that a body of
        // many made-up fields costs a bounded number of decodings.
        const UNDOCUMENTED_LOOKS: usize = 32;
        let documented = |key: &String| example.is_some_and(|e| e.contains_key(key));
        let in_example = body.iter().filter(|(key, _)| documented(key));
        let others = body.iter().filter(|(key, _)| !documented(key)).take(UNDOCUMENTED_LOOKS);
        let mut trial = body.clone();
        in_example
            .chain(others)
            .find(|(key, value)| {
                match example.and_then(|e| e.get(*key)) {
                    Some(documented) if documented == *value => return false,
                    Some(documented) => trial.insert((*key).clone(), documented.clone()),
                    None => trial.remove(*key),
                };
                match self.operation.decode_request(self.path, query, Some(&Value::Object(trial.clone()))) {
                    Ok(_) => true,
                    Err(e) => {
                        let (field, message) = refused_field(&e);
                        field != "body" || gist(&message) != refusal
                    }
                }
            })
            .map_or(field, |(key, _)| key.clone())
    }

    /// For a top-level field or query parameter holding a whole number its type cannot hold (`per_page=-1`),
    /// the rule the operation's own checks give for the type's nearest bound, in the API's words ("The per
    /// page must be between 1 and 100."), where they have one: what the API says of the value, rather
    /// than the type's own bound ("must be at least 0").
    ///
    /// Judged on `body` and `query` as they decode, with the other stand-ins in place: the bound goes where
    /// the number was.
    fn rule_at_bound(
        &self,
        field: &str,
        bound: i128,
        in_query: bool,
        body: &Map<String, Value>,
        query: &[(String, String)],
    ) -> Option<String> {
        let (mut body, mut query) = (body.clone(), query.to_vec());
        if in_query {
            set_parameter(&mut query, field, bound.to_string());
        } else if !field.contains('.') {
            body.insert(field.to_owned(), serde_json::json!(bound));
        } else {
            return None;
        }
        let incoming = self.operation.decode_request(self.path, &query, Some(&Value::Object(body))).ok()?;
        let Err(Error::InvalidRequest(invalid)) = incoming.validate() else { return None };
        let problem = invalid.problems().iter().find(|p| unprefixed(&p.field) == field)?;
        Some(crate::reply::rule_message(field, &problem.message))
    }

    /// The query parameter without which the query decodes, when the decoding names only the query as a
    /// whole (a value read in one piece with others, such as a date in a flattened filter).
    fn query_parameter_at_fault(&self, body: &Map<String, Value>, query: &[(String, String)]) -> Option<String> {
        const LOOKS: usize = 32;
        let body = Value::Object(body.clone());
        query.iter().take(LOOKS).map(|(name, _)| name).find_map(|name| {
            let without: Vec<(String, String)> = query.iter().filter(|(n, _)| n != name).cloned().collect();
            let decoded = self.operation.decode_request(self.path, &without, Some(&body));
            let still_the_query = matches!(&decoded, Err(e) if refused_field(e).0 == "query");
            (!still_the_query).then(|| name.trim_end_matches("[]").to_owned())
        })
    }
}

/// Whether the query string's `name` is the parameter `parameter` (a list's `name[]` too).
fn names(name: &str, parameter: &str) -> bool {
    name.trim_end_matches("[]") == parameter
}

/// Gives the query parameter `parameter` the one value `value`, in place of any it had.
fn set_parameter(query: &mut Vec<(String, String)>, parameter: &str, value: String) {
    query.retain(|(name, _)| !names(name, parameter));
    query.push((parameter.to_owned(), value));
}

/// Whether a decoding error is about the query (a parameter, or the query as a whole).
fn in_query(error: &Error) -> bool {
    matches!(error, Error::InvalidRequest(e) if e.field().is_some_and(|f| f == "query" || f.starts_with("query.")))
}

/// Items the API names by an id in a path: an agent's actions and trainings, a calendar's members and
/// events, SIP trunks, API tokens and the like.
trait HasId {
    fn id(&self) -> &str;
}

/// [`HasId`] for types whose `id` field reads as text.
macro_rules! has_id {
    ($($item:ty),+ $(,)?) => {
        $(impl $crate::state::HasId for $item {
            fn id(&self) -> &str {
                self.id.as_str()
            }
        })+
    };
}
use has_id;

/// Where the item with `id` stands in `items`.
fn position_by_id<T: HasId>(items: &[T], id: &str) -> Option<usize> {
    items.iter().position(|item| item.id() == id)
}

/// Takes the item with `id` out of `items`, or gives back `not_found` when there is none.
fn remove_by_id<T: HasId>(items: &mut Vec<T>, id: &str, not_found: impl FnOnce() -> Reply) -> Result<T, Reply> {
    let position = position_by_id(items, id).ok_or_else(not_found)?;
    Ok(items.remove(position))
}

/// A list's search text, trimmed and lowercased for a case-blind match; an empty one filters nothing.
///
/// Trimmed, as the API trims its input: the pages' own example `?search=+1234567890` sends the `+` unescaped,
/// which a query string reads as a space, and the number is still found.
fn search_term(search: Option<&str>) -> Option<String> {
    // The query's values come trimmed, a blank one left out (`Emulator::carry_out`).
    search.map(str::to_lowercase)
}

fn now() -> Timestamp {
    let seconds = unix_now();
    DateTime::from_unix_timestamp(seconds).map(Timestamp::from).unwrap_or_else(|_| Timestamp::from(""))
}

/// A time (its text, or already a timestamp) as the core's timestamp type.
fn timestamp(time: impl Into<Timestamp>) -> Timestamp {
    time.into()
}

/// The emulator's time of the request being answered, in seconds since the epoch.
fn unix_now() -> i64 {
    crate::clock::request_ms().div_euclid(1000)
}

fn is_phone_number(text: &str) -> bool {
    talkover_core::validate::is_e164(text)
}

/// The area code, exchange and line of a North American number (`+1` and ten digits), for the ways the
/// API writes one; `None` for any other number, whatever it holds.
fn north_american(number: &str) -> Option<(&str, &str, &str)> {
    let rest = number.strip_prefix("+1")?;
    let digits = rest.len() == 10 && rest.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| (&rest[..3], &rest[3..6], &rest[6..]))
}

/// A North American number written nationally (`(555) 123-4567`); any other as it is.
fn formatted(number: &str) -> String {
    match north_american(number) {
        Some((area, exchange, line)) => format!("({area}) {exchange}-{line}"),
        None => number.to_owned(),
    }
}

/// Whether a host name lies under `.invalid`, the top-level domain RFC 2606 reserves for names that never
/// resolve (any case, with or without the final dot): the emulator's way to make a connection fail.
fn never_resolves(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    host == "invalid" || host.ends_with(".invalid")
}

/// Whether a text is a host name (RFC 1123: dot-separated labels of 1 to 63 letters, digits and hyphens,
/// not starting or ending with a hyphen, at most 253 characters, a final dot allowed), an IPv4 address
/// among them, or an IPv6 address (bare or in brackets).
fn is_host_name(text: &str) -> bool {
    let bare = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')).unwrap_or(text);
    if bare.parse::<std::net::Ipv6Addr>().is_ok() {
        return true;
    }
    let name = text.strip_suffix('.').unwrap_or(text);
    let label = |label: &str| {
        (1..=63).contains(&label.len())
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    !name.is_empty() && name.len() <= 253 && name.split('.').all(label)
}

/// Whether `text` is an absolute web URL, as a Laravel-style `url` rule reads it: `http` or `https` in
/// either case (a scheme is case-insensitive, RFC 3986, 3.1), then a host.
fn is_url(text: &str) -> bool {
    let rest = text.split_once("://").and_then(|(scheme, rest)| {
        (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")).then_some(rest)
    });
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

impl State {
    /// A state seeded from the documented examples: the voice templates and phone numbers a request may
    /// name (the trunks' numbers among them), the events agent webhooks offer, and (with `seed_agent`) the
    /// reference's example agent.
    pub(crate) fn new(catalog: &Catalog, seed_agent: bool) -> Self {
        let webhook_events = catalog
            .documented::<ListAgentWebhooks>()
            .map(|mut list| {
                list.webhooks.clear();
                list
            })
            .unwrap_or_else(|| AgentWebhookList::new(Vec::new()));
        let mut state = Self {
            ids: Ids::default(),
            agents: Vec::new(),
            calls: Vec::new(),
            campaigns: Vec::new(),
            inherited_cooldowns: Default::default(),
            voice_templates: voice_templates::seed(catalog),
            phone_numbers: phone_numbers::PhoneNumbers::seed(catalog),
            webhook_events,
            live: live::Live::default(),
            sip: sip_trunks::SipTrunks::seed(catalog),
            credits: credits::Credits::seed(catalog),
            tokens: api_tokens::ApiTokens::seed(catalog),
            calendars: calendars::Calendars::seed(catalog),
            flows: flows::Flows::default(),
            callbacks: callbacks::Callbacks::seed(catalog),
            sftp: sftp::Sftp::seed(catalog),
            releases: Default::default(),
            recorded_pricing: catalog.documented::<GetAgentPricingSummary>(),
            gone: Default::default(),
        };
        state.releases = release_requests::ReleaseRequests::seed(catalog, &state.phone_numbers);
        if let Some(mut agent) = catalog.documented::<GetAgent>() {
            // The example agent's numbers as the environment's list gives them: get-agent's example holds
            // `+1234567890` as `phone-uuid`, list-phone-numbers' as `phone-uuid-1`; one number, one id.
            for held in agent.phone_numbers.iter_mut().flatten() {
                if let Some(known) = state.phone_numbers.by_number(&held.number) {
                    held.id = known.id.clone();
                }
            }
            if seed_agent {
                let mut entry = AgentEntry::new(agent);
                let recorded = catalog.documented::<CheckOptimizedCostsEligibility>();
                entry.recorded_recent_calls = recorded.map_or(0, |e| e.current_calls);
                state.agents.push(entry);
            } else {
                state.gone.insert(agent.id.as_str().to_owned());
            }
        }
        let example_agent = state.agents.first().map(|a| a.agent.id.as_str().to_owned());
        state.flows = flows::Flows::seed(catalog, example_agent.as_deref());
        state
    }

    /// Which state this is of those made in this process: a delivery queued by a state since replaced
    /// (the emulator reset) is not made, and logs nothing in its successor.
    pub(crate) fn born(&self) -> u64 {
        self.live.born
    }

    /// A new id: of the requests' sequence, or of the emulator's own while the clock's changes are
    /// applied ([`State::new_background_id`]).
    fn new_id(&mut self) -> String {
        if self.ids.in_background {
            return self.new_background_id();
        }
        self.ids.requests += 1;
        format!("00000000-7a1c-4000-8000-{:012x}", self.ids.requests)
    }

    /// A new id of the emulator's own sequence, for what it makes whatever a request asked: a webhook
    /// delivery's log entry, what the clock brings about. Its ids differ from the requests' in their
    /// fourth group (`9000` for `8000`).
    fn new_background_id(&mut self) -> String {
        self.ids.background += 1;
        format!("00000000-7a1c-4000-9000-{:012x}", self.ids.background)
    }

    /// Whether `id` (of an agent, a campaign or an agent webhook) is known not to exist: it was deleted, or
    /// it is the example agent's and the emulator started without it. The recorded examples of the
    /// reference's ids answer as recorded, except for such an id.
    pub(crate) fn is_gone(&self, id: &str) -> bool {
        self.gone.contains(id)
    }

    /// Whether an agent exists.
    pub(crate) fn has_agent(&self, id: &str) -> bool {
        position_by_id(&self.agents, id).is_some()
    }

    /// Whether a campaign exists.
    pub(crate) fn has_campaign(&self, id: &str) -> bool {
        position_by_id(&self.campaigns, id).is_some()
    }

    /// Whether an agent has a webhook.
    pub(crate) fn has_webhook(&self, agent_id: &str, webhook_id: &str) -> bool {
        let agent = position_by_id(&self.agents, agent_id);
        agent.is_some_and(|a| position_by_id(&self.agents[a].webhooks, webhook_id).is_some())
    }

    fn agent_index(&self, req: &Request<'_>) -> Result<usize, Reply> {
        position_by_id(&self.agents, req.param("agent_id")).ok_or_else(|| agent_not_found(req))
    }

    fn campaign_index(&self, req: &Request<'_>) -> Result<usize, Reply> {
        position_by_id(&self.campaigns, req.param("campaign_id")).ok_or_else(|| campaign_not_found(req))
    }

    /// Answers a stateful operation, or `None` for an operation the state does not model.
    pub(crate) fn handle(&mut self, req: &Request<'_>) -> Option<Reply> {
        let (_, handler) = HANDLERS.iter().find(|(id, _)| *id == req.operation.id)?;
        let at = self.live.clock.now_ms();
        let reply = crate::clock::answering_at(at, || handler(self, req).unwrap_or_else(|refused| refused));
        // A success is answered with the status the operation declares (its page's): a handler that wrote
        // another fails in debug builds, the emulator's tests among them.
        debug_assert!(
            !(200..300).contains(&reply.status) || reply.status == req.operation.success_status,
            "the emulator's handler of {} answered {}, where the operation declares {}",
            req.operation.id,
            reply.status,
            req.operation.success_status,
        );
        Some(reply)
    }
}

/// Whether an operation is one of an agent's webhooks (its path lies below the agent webhooks' path).
pub(crate) fn is_agent_webhook_operation(operation: &OperationInfo) -> bool {
    operation.path.starts_with(ListAgentWebhooks::PATH)
}

/// The operation's documented error body for `status` (the fixture whose name holds `hint`), or the usual
/// `{success: false, message}` shape.
fn documented(req: &Request<'_>, status: u16, hint: Option<&str>, message: &str) -> Reply {
    match req.catalog.documented_error(req.operation.id, status, hint) {
        Some(body) => Reply::new(status, body),
        None => Reply::fail(status, message),
    }
}

/// The operation's documented error with `code`, at the status the reference gives the code (the core's
/// table of codes): the fixture named after the code, or `{success: false, message, code}`.
fn coded(req: &Request<'_>, code: ErrorCode, message: &str) -> Reply {
    let status = code
        .documented_status()
        .and_then(|text| text.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok())
        .unwrap_or(400);
    let code = code.as_str();
    let hint = code.to_lowercase().replace('_', "-");
    match req.catalog.documented_error(req.operation.id, status, Some(&hint)) {
        Some(body) if body.get("code").and_then(Value::as_str) == Some(code) => Reply::new(status, body),
        _ => Reply::fail_code(status, message, code),
    }
}

/// The documented 404 of an operation for an agent that does not exist.
pub(crate) fn agent_not_found(req: &Request<'_>) -> Reply {
    let mut reply = match req.catalog.documented_error(req.operation.id, 404, Some("agent")) {
        Some(body) => Reply::new(404, body),
        None if is_agent_webhook_operation(req.operation) => Reply::fail(404, "Agent not found in this environment."),
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

#[cfg(test)]
mod tests {
    use super::{formatted, is_host_name, never_resolves};

    /// The operations without a handler in [`super::HANDLERS`], and why that is right: answered from the
    /// reference's recordings (after the state checked the ids they name), or by a path of their own.
    /// Every other operation has its handler: a new operation fails the test below until it has one or
    /// is named here, so that none is left to the recordings by oversight (answering the same whatever
    /// the state holds).
    const REPLAYED: &[(&str, &str)] = &[
        ("get-agent-pricing", "the recorded estimate, for any agent the state has (its existence checked first)"),
        ("get-current-user", "the recorded user: no operation changes the account's user"),
        ("health", "the service is up while the emulator answers"),
        ("list-action-integrations", "the catalogue of integrations, which no operation changes"),
        ("list-auto-topup-payment-methods", "the recorded cards, which no operation adds or removes"),
        ("test-webhook", "answered in `Emulator::answer` itself: a delivery its caller waits for"),
    ];

    #[test]
    fn every_operation_has_a_handler_or_is_replayed_on_purpose() {
        let handled: Vec<&str> = super::HANDLERS.iter().map(|(id, _)| *id).collect();
        let mut unplaced: Vec<&str> = talkover_core::registry::operations()
            .map(|op| op.id)
            .filter(|id| !handled.contains(id) && !REPLAYED.iter().any(|(replayed, _)| replayed == id))
            .collect();
        unplaced.sort_unstable();
        assert!(
            unplaced.is_empty(),
            "operations with no handler in HANDLERS (state/mod.rs), nor named in REPLAYED with why: {unplaced:?}"
        );
        for (id, _) in REPLAYED {
            assert!(!handled.contains(id), "{id} has a handler and is named as replayed");
            assert!(talkover_core::registry::operations().any(|op| op.id == *id), "{id} is no operation");
        }
    }

    #[test]
    fn host_names_follow_rfc_1123_and_invalid_ones_never_resolve() {
        for host in ["sip.carrier-x.com", "localhost", "10.0.0.1", "sip.example.", "[2001:db8::1]", "::1"] {
            assert!(is_host_name(host), "{host}");
        }
        for host in ["not a host!!", "", ".", "-sip.example", "sip..example", "sip_x.example", "a.b-", "ü.example"] {
            assert!(!is_host_name(host), "{host}");
        }
        assert!(!is_host_name(&format!("{}.example", "a".repeat(64))));
        for host in ["sip.bad.invalid", "SIP.BAD.INVALID", "x.invalid.", "invalid"] {
            assert!(never_resolves(host), "{host}");
        }
        for host in ["sip.invalid.example", "invalid.example", "sip.notinvalid"] {
            assert!(!never_resolves(host), "{host}");
        }
    }

    #[test]
    fn numbers_are_formatted_only_when_they_are_north_american() {
        assert_eq!(formatted("+15551234567"), "(555) 123-4567");
        assert_eq!(formatted("+447911123456"), "+447911123456");
        // Ten bytes after `+1` that are not ten digits (a recorded fixture may hold anything).
        assert_eq!(formatted("+1ééééé"), "+1ééééé");
        assert_eq!(formatted("+1555123456x"), "+1555123456x");
        assert_eq!(super::phone_numbers::international("+1ééééé"), "+1ééééé");
    }
}
