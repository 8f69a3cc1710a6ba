//! The rest of the emulator, over loopback HTTP: campaigns and webhooks by their rules, replayed
//! operations with the caller's ids, fault injection, the binary, and the in-process transport.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{agent, api, assert_api, campaign, fields, voice};
use http::StatusCode;
use talkover::agents::{GetAgentPricing, PublishAgent};
use talkover::calls::{existing_call, CallStatus, ListCalls, MakeCall, MakeCampaignCall, NewCall, NewCampaignCall};
use talkover::campaigns::{
    CallTimeRange, CampaignChanges, CampaignStatus, CreateCampaign, DeleteCampaign, GetCampaign, ListCampaigns,
    UpdateCampaign, UpdateCampaignStatus,
};
use talkover::webhooks::{
    AgentWebhookChanges, AgentWebhookEvent, CreateWebhook, GetWebhookDetails, ListAgentWebhooks, NewAgentWebhook,
    TestWebhook, ToggleWebhookStatus, UpdateWebhook,
};
use talkover::{ClientConfig, ErrorKind};
use talkover_mock::{Faults, Server};

/// The reference's example agent, published, which the emulator holds from the start.
const EXAMPLE_AGENT: &str = "550e8400-e29b-41d4-a716-446655440000";

#[test]
fn campaigns_follow_their_status_rules() {
    let (_server, client) = common::start_blocking();
    let agent = client.agents().create(agent("Campaigner")).unwrap();
    // A campaign's calls go out through its agent, which must be published.
    client.agents().update_voice(&agent.id, voice()).unwrap();
    client.agents().publish(&agent.id).unwrap();

    let created = client.execute(CreateCampaign::new(campaign(&agent.id))).unwrap();
    assert_eq!(created.status, CampaignStatus::Draft);
    assert_eq!(created.agent.as_ref().map(|a| a.name.as_str()), Some("Campaigner"));
    let unknown_agent = client.execute(CreateCampaign::new(campaign("no-such-agent"))).unwrap_err();
    assert_eq!(fields(&unknown_agent), ["agent_id"]);

    let id = created.id.clone();
    let draft_call = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15551230000"))).unwrap_err();
    assert_api(&draft_call, 400, ErrorKind::BadRequest, "Campaign is not active");
    let activated = client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Active)).unwrap();
    assert_eq!(activated.status, CampaignStatus::Active);
    let back = client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Draft)).unwrap_err();
    assert_api(&back, 400, ErrorKind::BadRequest, "Cannot transition from active to draft status");

    let queued = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15551230000"))).unwrap();
    // The campaign starts on 2030-01-01 (a Tuesday), 09:00 UTC: the call waits for it.
    assert_eq!(queued.campaign_call.status, CallStatus::Scheduled);
    let at = queued.campaign_call.scheduled_at.as_ref().map(|t| t.as_str().to_owned());
    assert_eq!(at.as_deref(), Some("2030-01-01T09:00:00Z"));
    let duplicate = client.execute(MakeCampaignCall::new(&id, NewCampaignCall::new("+15551230000"))).unwrap_err();
    assert_eq!(api(&duplicate).kind, ErrorKind::Conflict);
    assert_eq!(existing_call(&duplicate).map(|c| c.id), Some(queued.campaign_call.id.clone()));
    let details = client.execute(GetCampaign::new(&id)).unwrap();
    assert_eq!(details.calls.as_ref().map(Vec::len), Some(1));
    let listed = client.execute(ListCampaigns::new().status(CampaignStatus::Active).agent_id(&agent.id)).unwrap();
    assert_eq!(listed.items.iter().map(|c| &c.id).collect::<Vec<_>>(), [&id]);

    let active = client.execute(DeleteCampaign::new(&id)).unwrap_err();
    assert_api(&active, 403, ErrorKind::Forbidden, "Cannot delete active campaign");
    client.execute(UpdateCampaignStatus::new(&id, CampaignStatus::Paused)).unwrap();
    client.execute(DeleteCampaign::new(&id)).unwrap();
    assert_api(&client.execute(GetCampaign::new(&id)).unwrap_err(), 404, ErrorKind::NotFound, "Campaign not found");
}

#[test]
fn a_campaign_created_with_the_minimal_body_carries_the_documented_defaults() {
    let server = Server::start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let agent = client.agents().create(agent("Defaults")).unwrap();
    let minimal = campaign(&agent.id).call_time_range("13:30".parse().unwrap(), "18:00".parse().unwrap());
    let created = client.execute(CreateCampaign::new(minimal)).unwrap();

    // create-campaign's page: initial delay 0, 3 retries 24 h apart, 168 h after completion, every other
    // cooldown 24 h, no do-not-call list.
    let fetched = client.execute(GetCampaign::new(&created.id)).unwrap();
    let listed = client.execute(ListCampaigns::new().agent_id(&agent.id)).unwrap().items;
    assert_eq!(listed.len(), 1);
    for found in [&created, &fetched, &listed[0]] {
        assert_eq!(
            (found.initial_call_delay, found.max_retries, found.retry_cooldown_hours),
            (Some(0), Some(3), Some(24))
        );
        assert_eq!(found.post_completion_cooldown_hours, Some(168));
        let by_status = [
            found.success_cooldown_hours,
            found.voicemail_cooldown_hours,
            found.no_answer_cooldown_hours,
            found.busy_cooldown_hours,
            found.failed_cooldown_hours,
        ];
        assert_eq!(by_status, [Some(24); 5]);
        assert_eq!(found.do_not_call_enabled, Some(false));
        // The windows 09:00–17:00 and 13:30–18:00, in get-campaign's single-window form.
        let window = (found.earliest_call_time.as_deref(), found.latest_call_time.as_deref());
        assert_eq!(window, (Some("09:00:00"), Some("18:00:00")));
        // Required on get-campaign without a documented default: switches off, lists empty, no list source.
        assert_eq!((found.enable_post_completion_cooldown, found.auto_add_to_dnc_enabled), (Some(false), Some(false)));
        assert_eq!(found.do_not_call_list_source, None);
        let triggers = (found.auto_dnc_trigger_statuses.as_deref(), found.auto_dnc_trigger_errors.as_deref());
        assert_eq!(triggers, (Some(&[][..]), Some(&[][..])));
    }
    // A plain HTTP client sees every key get-campaign documents, the unset list source as `null`.
    let (status, raw) = common::raw::send(&server, "GET", &format!("/campaigns/{}", created.id), "");
    assert_eq!(status, 200, "{raw}");
    assert_eq!(raw["data"].get("do_not_call_list_source"), Some(&serde_json::Value::Null), "{raw}");
    assert_eq!(raw["data"].get("end_date"), Some(&serde_json::Value::Null), "{raw}");

    // What the body gives is kept, and new windows move the single window.
    let given = campaign(&agent.id).initial_call_delay(30).busy_cooldown_hours(6).post_completion_cooldown_hours(48);
    let given = client.execute(CreateCampaign::new(given)).unwrap();
    assert_eq!((given.initial_call_delay, given.busy_cooldown_hours), (Some(30), Some(6)));
    assert_eq!((given.post_completion_cooldown_hours, given.failed_cooldown_hours), (Some(48), Some(24)));
    let windows = [CallTimeRange::parse("08:15", "10:00").unwrap(), CallTimeRange::parse("10:00", "12:45").unwrap()];
    let changes = CampaignChanges::new().call_time_ranges(windows);
    let moved = client.execute(UpdateCampaign::new(&given.id, changes)).unwrap();
    assert_eq!(
        (moved.earliest_call_time.as_deref(), moved.latest_call_time.as_deref()),
        (Some("08:15:00"), Some("12:45:00"))
    );
}

#[test]
fn make_call_refusals_carry_their_details() {
    let server = Server::start_blocking().unwrap();
    let example = "550e8400-e29b-41d4-a716-446655440000";
    let (status, body) = common::raw::send(&server, "POST", &format!("/agents/{example}/call"), "{}");
    assert_eq!((status, &body["error"]["code"]), (400, &serde_json::json!("MISSING_PHONE_NUMBER")), "{body}");
    assert_eq!(body["error"]["details"], serde_json::json!({ "field": "to" }));

    let client = common::blocking_client(&server);
    let draft = client.agents().create(agent("Unpublished")).unwrap();
    let path = format!("/agents/{}/call", draft.id.as_str());
    let (status, body) = common::raw::send(&server, "POST", &path, r#"{"to": "+15550001234"}"#);
    assert_eq!((status, &body["error"]["code"]), (400, &serde_json::json!("AGENT_INACTIVE")), "{body}");
    assert_eq!(body["error"]["details"], serde_json::json!({ "agent_id": draft.id.as_str() }));
}

/// make-campaign-call refuses a number left out, `null` or blank with the one message every missing
/// required field gets, and a number given that is none with its page's other message: never both.
#[test]
fn make_campaign_call_says_a_missing_number_is_required_and_no_more() {
    let server = Server::start_blocking().unwrap();
    let client = common::blocking_client(&server);
    let id = client.execute(CreateCampaign::new(campaign(EXAMPLE_AGENT))).unwrap().id;
    let path = format!("/campaigns/{id}/call");
    let (required, invalid) = ("The to field is required.", "The to must be a valid phone number.");
    let cases = [
        ("{}", required),
        (r#"{"to": null}"#, required),
        (r#"{"to": "  "}"#, required),
        (r#"{"to": "12"}"#, invalid),
        (r#"{"to": 15550001234}"#, invalid),
    ];
    for (body, message) in cases {
        let (status, answer) = common::raw::send(&server, "POST", &path, body);
        assert_eq!((status, &answer["errors"]["to"]), (422, &serde_json::json!([message])), "{body}: {answer}");
    }
}

/// make-call's errors come in its page's shape, `{"error": {"code", "message", "details"?}}`, not only
/// those the page shows: a body that is not JSON, one not sent as JSON, one too large and an injected 500,
/// each with a code. A value out of range keeps the 422 with its fields, as every check of the API answers
/// (the page documents no 422). Another operation's refusals keep the API's other shape.
#[test]
fn every_make_call_error_comes_in_its_pages_shape() {
    let server = Server::start_blocking().unwrap();
    let path = &format!("/agents/{EXAMPLE_AGENT}/call");
    let json = Some("application/json");
    let oversized = vec![b' '; 4 * 1024 * 1024 + 1];
    let cases = [
        ("not JSON", json, br#"{"to": "+15550001234""#.to_vec(), 400, "INVALID_REQUEST_BODY"),
        ("sent as text", Some("text/plain"), br#"{"to": "+15550001234"}"#.to_vec(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("too large", json, oversized, 413, "PAYLOAD_TOO_LARGE"),
    ];
    let in_shape = |what: &str, body: &serde_json::Value| {
        let keys: Vec<&String> = body.as_object().map(|o| o.keys().collect()).unwrap_or_default();
        assert_eq!(keys, ["error"], "{what}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {body}");
    };
    for (what, content_type, body, status, code) in cases {
        let (got, answer) = common::raw::exchange(&server, server.token(), "POST", path, content_type, body);
        assert_eq!((got, &answer["error"]["code"]), (status, &serde_json::json!(code)), "{what}: {answer}");
        in_shape(what, &answer);
    }
    let (status, range) = common::raw::send(&server, "POST", path, r#"{"to": "+15550001234", "delay_seconds": 99999}"#);
    assert_eq!((status, common::raw::error_fields(&range)), (422, vec!["delay_seconds".to_owned()]), "{range}");
    // No call was made by any of them.
    let client = common::blocking_client(&server);
    assert!(client.execute(ListCalls::new()).unwrap().items.is_empty());

    // An injected 500, and one whose answer was lost: the SDK reads the code.
    for faults in [Faults::new().error_rate(1.0), Faults::new().lost_answer_rate(1.0)] {
        server.set_faults(faults.clone());
        let (status, answer) = common::raw::send(&server, "POST", path, r#"{"to": "+15550001234"}"#);
        assert_eq!(
            (status, &answer["error"]["code"]),
            (500, &serde_json::json!("SERVER_ERROR")),
            "{faults:?}: {answer}"
        );
        in_shape("a 500", &answer);
        let failed = client.execute(MakeCall::new(EXAMPLE_AGENT, NewCall::new("+15550001234"))).unwrap_err();
        assert_eq!((api(&failed).kind, api(&failed).code.as_deref()), (ErrorKind::Server, Some("SERVER_ERROR")));
    }
    server.set_faults(Faults::new());
    // Another operation's refusal of a body that is not JSON keeps the API's `{success, message}`.
    let (status, answer) = common::raw::send(&server, "POST", "/agents", "{");
    assert_eq!(
        (status, &answer["success"], &answer["message"]),
        (400, &serde_json::json!(false), &serde_json::json!("The request body is not valid JSON."))
    );
}

#[test]
fn agent_webhooks_are_kept_and_replayed_operations_use_the_callers_ids() {
    let (_server, client) = common::start_blocking();
    let agent = client.agents().create(agent("Hooked")).unwrap();
    let id = agent.id.clone();

    let new = NewAgentWebhook::new("Ends", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded])
        .webhook_secret("whsec_1");
    let webhook = client.execute(CreateWebhook::new(&id, new)).unwrap();
    assert!(webhook.enabled);
    let list = client.execute(ListAgentWebhooks::new(&id)).unwrap();
    assert_eq!(list.webhooks.iter().map(|w| &w.id).collect::<Vec<_>>(), [&webhook.id]);
    assert!(list.description(&AgentWebhookEvent::PhoneCallEnded).is_some());
    let toggled = client.execute(ToggleWebhookStatus::new(&id, &webhook.id)).unwrap();
    assert!(!toggled.enabled);
    let changes = AgentWebhookChanges::new().name("Renamed").timeout(45);
    let updated = client.execute(UpdateWebhook::new(&id, &webhook.id, changes)).unwrap();
    assert_eq!((updated.name.as_str(), updated.timeout, updated.enabled), ("Renamed", 45, false));
    let fetched = client.execute(GetWebhookDetails::new(&id, &webhook.id)).unwrap();
    assert_eq!(fetched, updated);

    // test-webhook really delivers; the emulator sends to http:// URLs only, so this one fails, in the
    // documented shape.
    let failed = client.execute(TestWebhook::new(&id, &webhook.id)).unwrap_err();
    assert_eq!(api(&failed).kind, ErrorKind::Unsuccessful);
    let message = api(&failed).message.as_deref().unwrap_or_default();
    assert!(message.starts_with("Webhook test failed: "), "{message}");
    let missing = client.execute(TestWebhook::new(&id, "no-such-webhook")).unwrap_err();
    assert_api(&missing, 404, ErrorKind::NotFound, "Webhook not found.");
    let no_agent = client.execute(GetWebhookDetails::new("no-such-agent", &webhook.id)).unwrap_err();
    assert_api(&no_agent, 404, ErrorKind::NotFound, "Agent not found in this environment.");

    // get-agent-pricing is replayed with the caller's agent id in place of the example's.
    let pricing = client.execute(GetAgentPricing::new(&id)).unwrap();
    assert_eq!(pricing.agent_id, id);
    let unknown = client.execute(GetAgentPricing::new("no-such-agent")).unwrap_err();
    assert_eq!(api(&unknown).status.as_u16(), 404);
    // The reference's own example still answers as documented.
    let documented = client.execute(GetAgentPricing::new("550e8400-e29b-41d4-a716-446655440000")).unwrap();
    assert_eq!(documented.currency, "USD");
}

/// A webhook's delivery method and authorization scheme are among the documented options, for agent and
/// campaign webhooks alike, created or changed.
/// Every enum value a request carries is checked against the reference, from the types: a language
/// create-agent does not list, a direction in a body and in a list filter, each refused by its path;
/// documented values pass.
#[test]
fn undocumented_enum_values_are_refused_wherever_the_types_hold_one() {
    let (server, client) = common::start_blocking();
    let mut body = serde_json::to_value(agent("Polyglot")).unwrap();
    body["language"] = serde_json::json!("xx-XX");
    body["direction"] = serde_json::json!("sideways");
    let (status, answer) = common::raw::send(&server, "POST", "/agents", &body.to_string());
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["direction".into(), "language".into()]));
    assert_eq!(answer["errors"]["language"], serde_json::json!(["The selected language is invalid."]));
    let (status, answer) = common::raw::send(&server, "GET", "/calls?status=initiated&direction=up", "");
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["direction".into()]), "{answer}");
    let calendar = client.calendars().list().send().unwrap().items.remove(0);
    let rule = r#"{"type": "exception", "date": "2030-01-01", "available": false}"#;
    let path = format!("/calendars/{}/availability-rules", calendar.id);
    assert_eq!(common::raw::send(&server, "POST", &path, rule).0, 200, "documented values pass");
}

/// An operation the emulator answers from its recorded examples checks the request as a modelled one does:
/// what the API refuses is refused, not answered with the example.
#[test]
fn a_replayed_operation_refuses_what_the_api_refuses() {
    let (server, _client) = common::start_blocking();
    let (status, answer) = common::raw::send(&server, "GET", "/callback-agents/stats?start_date=yesterday", "");
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["start_date".into()]), "{answer}");
    let (status, answer) = common::raw::send(&server, "GET", "/callback-agents/stats?start_date=2024-01-01", "");
    assert_eq!((status, answer["success"].as_bool()), (200, Some(true)), "{answer}");
}

/// A campaign webhook's own setting is kept on create and changed on update, beside the shared ones.
#[test]
fn a_campaign_webhook_keeps_include_call_events() {
    use talkover::webhooks::{CampaignWebhookChanges, CampaignWebhookEvent, NewCampaignWebhook};
    let (_server, client) = common::start_blocking();
    let agent = client.agents().create(agent("Campaigner")).unwrap();
    let created = client.execute(CreateCampaign::new(campaign(&agent.id))).unwrap();
    let hooks = client.campaigns().webhooks(&created.id);
    let events = [CampaignWebhookEvent::CampaignCompleted];
    let hook = hooks.create(NewCampaignWebhook::new("CRM", "http://127.0.0.1:9/hook", events.clone())).unwrap();
    assert_eq!((hook.include_call_events, hook.timeout), (Some(false), Some(30)), "the documented defaults");
    let body = NewCampaignWebhook::new("CRM", "http://127.0.0.1:9/hook", events).include_call_events(true).timeout(10);
    let hook = hooks.create(body).unwrap();
    assert_eq!((hook.include_call_events, hook.timeout), (Some(true), Some(10)));
    let changes = CampaignWebhookChanges::new().include_call_events(false).name("CRM 2");
    let updated = hooks.update(&hook.id, changes).unwrap();
    assert_eq!((updated.include_call_events, updated.timeout), (Some(false), Some(10)));
    assert_eq!(hooks.get(&hook.id).unwrap().name.as_deref(), Some("CRM 2"));
}

/// An agent webhook has no `include_call_events`: a body that carries it is refused, naming it, whatever
/// its value; the campaign form takes it.
#[test]
fn an_agent_webhook_refuses_include_call_events() {
    let (server, client) = common::start_blocking();
    let agent = client.agents().create(agent("Hooked")).unwrap();
    let path = format!("/agents/{}/webhooks", agent.id);
    let body = |extra: &str| {
        format!(
            r#"{{"name": "CRM", "webhook_url": "http://127.0.0.1:9/hook", "events": ["event_phone_call_ended"]{extra}}}"#
        )
    };
    for value in ["true", "false"] {
        let (status, answer) =
            common::raw::send(&server, "POST", &path, &body(&format!(r#", "include_call_events": {value}"#)));
        assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["include_call_events".into()]), "{answer}");
        let message = &answer["errors"]["include_call_events"][0];
        assert_eq!(message, "The include call events field is prohibited.", "{answer}");
    }
    let (status, created) = common::raw::send(&server, "POST", &path, &body(r#", "include_call_events": null"#));
    assert_eq!(status, 200, "{created}");
    // Its times are written to the microsecond, as the agent-webhook pages show them
    // (`2025-09-03T23:19:51.000000Z`); a campaign webhook's pages write whole seconds.
    for time in ["created_at", "updated_at"] {
        let text = created["data"][time].as_str().unwrap_or_default();
        let fraction = text.strip_suffix('Z').and_then(|t| t.rsplit_once('.')).map(|(_, f)| f);
        assert!(fraction.is_some_and(|f| f.len() == 6 && f.bytes().all(|b| b.is_ascii_digit())), "{created}");
    }
    assert!(client.agents().webhooks(&agent.id).list().unwrap().webhooks.len() == 1);
    // A payload template is an object (the delivery's body), not a text the delivery would send bare.
    let text = body(r#", "payload_templates": {"event_phone_call_ended": "ended"}"#);
    let (status, answer) = common::raw::send(&server, "POST", &path, &text);
    let field = "payload_templates.event_phone_call_ended";
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec![field.to_owned()]), "{answer}");
    // A template is keyed by an event the reference lists: another name is refused as a value of its own.
    let text = body(r#", "payload_templates": {"not_an_event": {"call": "{{call_id}}"}}"#);
    let (status, answer) = common::raw::send(&server, "POST", &path, &text);
    let field = "payload_templates.not_an_event";
    assert_eq!((status, common::raw::error_fields(&answer)), (422, vec![field.to_owned()]), "{answer}");
    assert!(client.agents().webhooks(&agent.id).list().unwrap().webhooks.len() == 1, "nothing created");
}

#[test]
fn webhook_methods_and_schemes_are_the_documented_ones() {
    let (server, client) = common::start_blocking();
    let agent = client.agents().create(agent("Picky")).unwrap();
    let campaign = client.execute(CreateCampaign::new(campaign(&agent.id))).unwrap();
    let agent_hooks = format!("/agents/{}/webhooks", agent.id);
    let campaign_hooks = format!("/campaigns/{}/webhooks", campaign.id);
    let body = |events: &str, extra: &str| {
        format!(r#"{{"name": "Hook", "webhook_url": "https://example.com/hook", "events": [{events}]{extra}}}"#)
    };
    let agent_event = r#""event_phone_call_ended""#;
    let campaign_event = r#""campaign.started""#;
    for (path, event) in [(&agent_hooks, agent_event), (&campaign_hooks, campaign_event)] {
        for (extra, refused) in [
            (r#", "http_method": "GET""#, vec!["http_method"]),
            (r#", "http_method": "post""#, vec!["http_method"]),
            (r#", "authorization_scheme": "oauth2""#, vec!["authorization_scheme"]),
            (
                r#", "http_method": "DELETE", "authorization_scheme": "digest""#,
                vec!["authorization_scheme", "http_method"],
            ),
        ] {
            let (status, answer) = common::raw::send(&server, "POST", path, &body(event, extra));
            assert_eq!(
                (status, common::raw::error_fields(&answer)),
                (422, refused.iter().map(|f| f.to_string()).collect()),
                "{path} {extra}: {answer}"
            );
            let field = refused[0];
            let message = format!("The selected {} is invalid.", field.replace('_', " "));
            assert_eq!(answer["errors"][field], serde_json::json!([message]), "{answer}");
        }
        // A custom header a delivery could never carry is refused when the webhook is made.
        let headers = r#", "custom_headers": [{"key": "X-Ok", "value": "1"}, {"key": "Bad Header", "value": "a\nb"}]"#;
        let (status, answer) = common::raw::send(&server, "POST", path, &body(event, headers));
        let expected = vec!["custom_headers.1.key".to_owned(), "custom_headers.1.value".to_owned()];
        assert_eq!((status, common::raw::error_fields(&answer)), (422, expected), "{path}: {answer}");
        // No URL: refused once, in update-webhook's documented words (the core's check and the
        // emulator's own find it alike).
        let no_url = r#"{"name": "Hook", "webhook_url": "not a url", "events": ["event_phone_call_ended"]}"#;
        let (status, answer) = common::raw::send(&server, "POST", path, no_url);
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["errors"]["webhook_url"], serde_json::json!(["The webhook url must be a valid URL."]));
        // In its page's shape: create-webhook's 422 has no `success` flag (nor update-webhook's, below);
        // the campaign's, which its page does not show, is in the API's usual envelope.
        assert_eq!(answer.get("success").is_none(), path == &agent_hooks, "{path}: {answer}");
        let documented = r#", "http_method": "PATCH", "authorization_scheme": "api_key""#;
        let (status, created) = common::raw::send(&server, "POST", path, &body(event, documented));
        assert_eq!(status, 200, "{path}: {created}");
        let hook = format!("{path}/{}", created["data"]["id"].as_str().unwrap());
        let (status, answer) = common::raw::send(&server, "PUT", &hook, r#"{"http_method": "TRACE"}"#);
        assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["http_method".to_owned()]), "{answer}");
        assert_eq!(answer.get("success").is_none(), path == &agent_hooks, "{path}: {answer}");
        let (status, answer) = common::raw::send(&server, "PUT", &hook, r#"{"authorization_scheme": "jwt"}"#);
        assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["authorization_scheme".to_owned()]));
        let bad_name = r#"{"custom_headers": [{"key": "X:Y", "value": "1"}]}"#;
        let (status, answer) = common::raw::send(&server, "PUT", &hook, bad_name);
        assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["custom_headers.0.key".to_owned()]));
        let (status, answer) = common::raw::send(&server, "PUT", &hook, r#"{"http_method": "PUT"}"#);
        assert_eq!(status, 200, "{answer}");
    }
}

/// A webhook without events is one problem, answered with one message: the reference's.
#[test]
fn a_webhook_without_events_is_refused_once() {
    let (server, client) = common::start_blocking();
    let agent = client.agents().create(agent("Deaf")).unwrap();
    let campaign = client.execute(CreateCampaign::new(campaign(&agent.id))).unwrap();
    let only_message = serde_json::json!(["The events field must contain at least 1 items."]);
    let no_events = r#"{"name": "Hook", "webhook_url": "https://example.com/hook", "events": []}"#;
    let agent_hooks = format!("/agents/{}/webhooks", agent.id);
    let campaign_hooks = format!("/campaigns/{}/webhooks", campaign.id);
    for (path, event) in [(&agent_hooks, "event_phone_call_ended"), (&campaign_hooks, "campaign.started")] {
        let (status, answer) = common::raw::send(&server, "POST", path, no_events);
        assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["events".to_owned()]), "{answer}");
        assert_eq!(answer["errors"]["events"], only_message, "{path}: {answer}");

        // Emptying a webhook's events is refused the same way.
        let body = no_events.replace("[]", &format!(r#"["{event}"]"#));
        let (status, created) = common::raw::send(&server, "POST", path, &body);
        assert_eq!(status, 200, "{path}: {created}");
        let hook = format!("{path}/{}", created["data"]["id"].as_str().unwrap());
        let (status, answer) = common::raw::send(&server, "PUT", &hook, r#"{"events": []}"#);
        assert_eq!((status, &answer["errors"]["events"]), (422, &only_message), "{hook}: {answer}");
    }
}

#[test]
fn a_webhook_setting_of_the_wrong_type_is_named_in_the_422() {
    let (server, client) = common::start_blocking();
    let agent = client.agents().create(agent("Typed")).unwrap();
    let campaign = client.execute(CreateCampaign::new(campaign(&agent.id))).unwrap();
    let body = |event: &str, setting: &str| {
        format!(r#"{{"name": "Hook", "webhook_url": "https://example.com/hook", "events": ["{event}"], {setting}}}"#)
    };
    // Both webhook kinds, though the campaign's reads its settings through a struct of their own.
    let agent_hooks = (format!("/agents/{}/webhooks", agent.id), "event_phone_call_ended");
    let campaign_hooks = (format!("/campaigns/{}/webhooks", campaign.id), "campaign.started");
    for (path, event) in [agent_hooks, campaign_hooks] {
        for (setting, field) in [(r#""timeout": "slow""#, "timeout"), (r#""max_retries": -1"#, "max_retries")] {
            let (status, answer) = common::raw::send(&server, "POST", &path, &body(event, setting));
            assert_eq!((status, common::raw::error_fields(&answer)), (422, vec![field.to_owned()]), "{path}: {answer}");
        }
    }
}

/// A path that is no operation's is a 404 in the API's error envelope, like an id that does not exist.
#[test]
fn an_unknown_route_answers_in_the_error_envelope() {
    let (server, _client) = common::start_blocking();
    let (status, unknown) = common::raw::send(&server, "GET", "/no-such-resource", "");
    assert_eq!(status, 404);
    assert_eq!(
        unknown,
        serde_json::json!({ "success": false, "message": "The route /api/v1/no-such-resource could not be found." })
    );
    let (status, missing) = common::raw::send(&server, "GET", "/agents/no-such-agent", "");
    assert_eq!((status, &missing["success"]), (404, &unknown["success"]), "{missing}");
    let (status, _) = common::raw::send(&server, "GET", "/no-such-resource/", "");
    assert_eq!(status, 404);
}

/// A trailing slash is read away, as the API's router does: the same resource, its query kept.
#[test]
fn a_path_with_a_trailing_slash_is_the_path_without_it() {
    let (server, _client) = common::start_blocking();
    let (status, plain) = common::raw::send(&server, "GET", "/agents?per_page=1", "");
    assert_eq!(status, 200, "{plain}");
    let (status, slashed) = common::raw::send(&server, "GET", "/agents/?per_page=1", "");
    assert_eq!((status, &slashed), (200, &plain));
    assert_eq!(slashed["data"].as_array().map(Vec::len), Some(1), "the query is kept: {slashed}");
    let id = plain["data"][0]["id"].as_str().unwrap().to_owned();
    let (status, one) = common::raw::send(&server, "GET", &format!("/agents/{id}//"), "");
    assert_eq!((status, one["data"]["id"].as_str()), (200, Some(id.as_str())), "{one}");
}

/// An id that is a UUID is read in either case, as a store that keeps UUIDs reads it: in a path (the same
/// agent, its nested resources too) and in an id filter, and the answer carries the id as stored.
#[test]
fn a_uuid_in_upper_case_is_the_same_id() {
    let (server, _client) = common::start_blocking();
    let (status, list) = common::raw::send(&server, "GET", "/agents", "");
    assert_eq!(status, 200, "{list}");
    let id = list["data"][0]["id"].as_str().unwrap().to_owned();
    assert!(id.len() == 36 && id.bytes().any(|b| b.is_ascii_alphabetic()), "a UUID with letters: {id}");
    let upper = id.to_ascii_uppercase();
    let (status, lower) = common::raw::send(&server, "GET", &format!("/agents/{id}"), "");
    assert_eq!(status, 200, "{lower}");
    let (status, shouted) = common::raw::send(&server, "GET", &format!("/agents/{upper}/"), "");
    assert_eq!((status, &shouted), (200, &lower));
    let (status, calls) = common::raw::send(&server, "GET", &format!("/agents/{upper}/calls?per_page=1"), "");
    assert_eq!(status, 200, "{calls}");
    let (status, missing) = common::raw::send(&server, "GET", "/agents/00000000-0000-4000-8000-00000000ABCD", "");
    assert_eq!(status, 404, "an unknown UUID is unknown in any case: {missing}");
    // A call placed through the shouted path is the agent's, and a filter by its id in either case finds it.
    let (status, placed) =
        common::raw::send(&server, "POST", &format!("/agents/{upper}/call"), r#"{"to": "+15555550100"}"#);
    assert_eq!((status, placed["data"]["agent_id"].as_str()), (200, Some(id.as_str())), "{placed}");
    let call = placed["data"]["id"].as_str().unwrap();
    for agent in [&id, &upper] {
        let (status, calls) = common::raw::send(&server, "GET", &format!("/calls?agent_id={agent}"), "");
        let ids: Vec<&str> = calls["data"].as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
        assert_eq!((status, ids.contains(&call)), (200, true), "agent_id={agent}: {calls}");
    }
}

/// The lists whose pages report the positions of their first and last items write them on an empty page
/// too, as `null`, and the SDK reads such a page.
/// The voice catalogue answers its documented filters and errors: each filter narrows the voices (a group
/// with none left is left out), an undocumented tier, gender or language is a 422, and a demo of a template that does
/// not exist is a 404.
#[test]
fn voice_templates_filter_and_refuse_as_documented() {
    let (server, _client) = common::start_blocking();
    let voices = |query: &str| {
        let (status, body) = common::raw::send(&server, "GET", &format!("/voice-templates{query}"), "");
        assert_eq!(status, 200, "{query}: {body}");
        let groups = body["data"].as_array().cloned().unwrap_or_default();
        groups.iter().flat_map(|g| g["voices"].as_array().cloned().unwrap_or_default()).collect::<Vec<_>>()
    };
    let all = voices("");
    assert!(all.len() >= 3, "{all:?}");
    // The list groups voices by display name (its page): one group a name, whatever their languages.
    let (_, listed) = common::raw::send(&server, "GET", "/voice-templates", "");
    let mut names: Vec<&str> =
        listed["data"].as_array().into_iter().flatten().filter_map(|g| g["display_name"].as_str()).collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "{listed}");
    let pro = voices("?quality_tier=pro");
    assert!(!pro.is_empty() && pro.len() < all.len() && pro.iter().all(|v| v["quality_tier"] == "pro"), "{pro:?}");
    let language = all[0]["language"].as_str().unwrap().to_owned();
    assert!(voices(&format!("?language={language}")).iter().all(|v| v["language"] == language.as_str()));
    // A language create-agent lists finds what the catalogue has of it (none here); another is refused.
    assert!(voices("?language=ja-JP").is_empty());
    let (status, body) =
        common::raw::send(&server, "GET", "/voice-templates?quality_tier=mega&gender=x&language=xx", "");
    let fields = vec!["gender".to_owned(), "language".to_owned(), "quality_tier".to_owned()];
    assert_eq!((status, common::raw::error_fields(&body)), (422, fields), "{body}");
    assert_eq!(body["errors"]["language"], serde_json::json!(["The selected language is invalid."]), "{body}");
    let (status, body) = common::raw::send(&server, "GET", "/voice-templates/no-such-voice/demo", "");
    assert_eq!((status, body["message"].as_str()), (404, Some("Voice template not found")), "{body}");
    let id = all[0]["id"].as_str().unwrap();
    let (status, body) = common::raw::send(&server, "GET", &format!("/voice-templates/{id}/demo"), "");
    assert!(status == 200 && body["mp3_url"].is_string(), "{status} {body}");
}

/// Calendars, their rules and campaigns take an IANA time zone (or a fixed offset); any other name is a
/// 422 naming `timezone`, and nothing is created or changed.
#[test]
fn time_zones_are_the_databases() {
    let (server, client) = common::start_blocking();
    let agent = client.agents().create(agent("Zoned")).unwrap();
    let campaign = client.execute(CreateCampaign::new(campaign(&agent.id))).unwrap();
    let calendar = r#"{"name": "Zoned", "owner_id": "owner-1", "timezone": "ZONE"}"#;
    let rule =
        r#"{"type": "recurring", "days_of_week": [1], "start_time": "09:00", "end_time": "10:00", "timezone": "ZONE"}"#;
    let (status, created) =
        common::raw::send(&server, "POST", "/calendars", &calendar.replace("ZONE", "Asia/Kathmandu"));
    assert_eq!(status, 200, "{created}");
    let calendar_path = format!("/calendars/{}", created["data"]["id"].as_str().unwrap());
    let rules_path = format!("{calendar_path}/availability-rules");
    let campaign_path = format!("/campaigns/{}", campaign.id);
    let refusals = [
        ("POST", "/calendars", calendar.to_owned()),
        ("PUT", calendar_path.as_str(), r#"{"timezone": "ZONE"}"#.to_owned()),
        ("POST", rules_path.as_str(), rule.to_owned()),
        ("PUT", campaign_path.as_str(), r#"{"timezone": "ZONE"}"#.to_owned()),
    ];
    for (method, path, body) in &refusals {
        let (status, answer) = common::raw::send(&server, method, path, &body.replace("ZONE", "Mars/Olympus_Mons"));
        assert_eq!((status, common::raw::error_fields(&answer)), (422, vec!["timezone".to_owned()]), "{path}");
        assert_eq!(answer["errors"]["timezone"][0], "The timezone must be a valid timezone.", "{answer}");
        for zone in ["Europe/Paris", "america/new_york", "+05:30"] {
            let (status, answer) = common::raw::send(&server, method, path, &body.replace("ZONE", zone));
            assert!(status == 200 || status == 201, "{method} {path} {zone}: {status} {answer}");
        }
    }
}

#[test]
fn an_empty_page_writes_its_positions_as_null() {
    let (server, client) = common::start_blocking();
    let agent = client.agents().create(agent("No calls yet")).unwrap();
    let paths = [
        format!("/calls?agent_id={}", agent.id),
        format!("/agents/{}/calls", agent.id),
        "/campaigns?status=completed".to_owned(),
        "/calls?page=9".to_owned(),
    ];
    for path in &paths {
        let (status, body) = common::raw::send(&server, "GET", path, "");
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["data"], serde_json::json!([]), "{path}");
        let pagination = body["pagination"].as_object().unwrap_or_else(|| panic!("{path}: {body}"));
        for position in ["from", "to"] {
            assert_eq!(pagination.get(position), Some(&serde_json::Value::Null), "{path}: {body}");
        }
    }
    let page = client.execute(ListCalls::new().agent_id(&agent.id)).unwrap();
    let pagination = page.pagination.expect("page information");
    assert!(page.items.is_empty());
    assert_eq!((pagination.total, pagination.from, pagination.to), (0, None, None));

    // A page with items still says where they are.
    client.execute(CreateCampaign::new(campaign(&agent.id))).unwrap();
    let (_, body) = common::raw::send(&server, "GET", "/campaigns", "");
    assert_eq!((body["pagination"]["from"].as_u64(), body["pagination"]["to"].as_u64()), (Some(1), Some(1)));
}

#[test]
fn faults_are_injected_on_demand() {
    let server = Server::builder().rate_limit_burst(2, 7).start_blocking().unwrap();
    let client = common::blocking_client(&server);
    for _ in 0..2 {
        let limited = client.agents().list().send().unwrap_err();
        assert_eq!(api(&limited).kind, ErrorKind::RateLimited);
        assert_eq!(api(&limited).retry_after, Some(Duration::from_secs(7)));
        assert!(limited.is_retryable());
        // Its rate-limit headers agree with `Retry-After`: the window resets when the wait is over.
        let reset = limited.rate_limit().and_then(|limit| limit.reset).unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        assert!((now + 6..=now + 8).contains(&reset), "reset {reset}, now {now}");
    }
    assert!(client.agents().list().send().is_ok(), "the burst is over");

    server.set_faults(Faults::new().error_rate(1.0));
    let failed = client.agents().list().send().unwrap_err();
    assert_eq!(api(&failed).kind, ErrorKind::Server);
    // An injected error is answered instead of carrying the request out: nothing is created.
    server.set_faults(Faults::new());
    let count = || client.agents().list().per_page(100).send().unwrap().items.len();
    let agents = count();
    server.set_faults(Faults::new().error_rate(1.0));
    let refused = client.agents().create(common::agent("Never made")).unwrap_err();
    server.set_faults(Faults::new());
    assert_eq!((api(&refused).kind, count()), (ErrorKind::Server, agents));
    // A lost answer is one carried out: the agent exists, though the caller was told it failed, and the
    // SDK says it may have taken effect (it was not sent again).
    server.set_faults(Faults::new().lost_answer_rate(1.0));
    let lost = client.agents().create(common::agent("Made all the same")).unwrap_err();
    assert_eq!((api(&lost).kind, lost.attempts()), (ErrorKind::Server, 1));
    assert!(lost.may_have_taken_effect(), "{lost}");
    server.set_faults(Faults::new());
    let names: Vec<String> =
        client.agents().list().per_page(100).send().unwrap().items.into_iter().map(|a| a.name).collect();
    assert_eq!(names.len(), agents + 1);
    assert!(names.contains(&"Made all the same".to_owned()), "{names:?}");

    server.set_faults(Faults::new().latency(Duration::from_millis(150)));
    let started = Instant::now();
    client.agents().list().send().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150), "{:?}", started.elapsed());
    // The latency comes after the request is carried out, as an API's slow answer may: a client that
    // stops waiting has still made its agent, and the SDK says it may have.
    let impatient = common::blocking_client(&server).with_timeout(Duration::from_millis(40));
    let gave_up = impatient.agents().create(common::agent("Made while nobody waited")).unwrap_err();
    assert!(gave_up.may_have_taken_effect() && gave_up.attempts() == 1, "{gave_up}");
    server.set_faults(Faults::new());
    let names: Vec<String> =
        client.agents().list().per_page(100).send().unwrap().items.into_iter().map(|a| a.name).collect();
    assert!(names.contains(&"Made while nobody waited".to_owned()), "{names:?}");

    // A client that retries rides out a burst that asks for no wait.
    server.set_faults(Faults::new().rate_limit_burst(1, 0));
    let patient = common::retrying_client(&server, 2);
    assert!(patient.agents().list().send().is_ok());
    assert_eq!(server.emulator().faults().rate_limit_burst, 1);
}

/// Faults aimed at one operation leave the others alone (a test fails one step and lets its setup
/// through), and a test over HTTP reads, replaces and removes them at `/_emulator/faults`.
#[test]
fn faults_can_be_aimed_at_one_operation_and_set_over_http() {
    let server = Server::builder().start_blocking().unwrap();
    let client = common::blocking_client(&server);
    server.set_faults(Faults::new().error_rate(1.0).only_for(["make-call"]));
    assert!(client.agents().list().send().is_ok(), "list-agents has no faults");
    let failed = client.agents().call(EXAMPLE_AGENT, NewCall::new("+15551234567")).unwrap_err();
    assert_eq!(api(&failed).status, StatusCode::INTERNAL_SERVER_ERROR);

    let control = |method: &str, body: &str| common::raw::control(&server, method, "/_emulator/faults", body);
    let (status, body) = control("GET", "");
    assert_eq!(
        (status, &body["data"]["error_rate"], &body["data"]["operations"]),
        (200, &1.0.into(), &serde_json::json!(["make-call"]))
    );

    // A burst of two 429s for list-agents alone: other operations take nothing of it.
    let (status, body) =
        control("PUT", r#"{"rate_limit_burst": 2, "retry_after_secs": 3, "operations": ["list-agents"]}"#);
    assert_eq!((status, &body["data"]["rate_limit_burst_left"]), (200, &2.into()), "{body}");
    assert_eq!(body["data"]["error_rate"], 0.0, "a PUT replaces the faults whole: {body}");
    assert!(client.agents().get(EXAMPLE_AGENT).is_ok());
    assert_eq!(control("GET", "").1["data"]["rate_limit_burst_left"], 2);
    let limited = client.agents().list().send().unwrap_err();
    assert_eq!((api(&limited).kind, api(&limited).retry_after), (ErrorKind::RateLimited, Some(Duration::from_secs(3))));
    assert_eq!(control("GET", "").1["data"]["rate_limit_burst_left"], 1);

    // What is refused changes nothing, and says why.
    for (refused, said) in [
        (r#"{"error_rate": 2}"#, "error_rate"),
        (r#"{"operations": ["make-a-call"]}"#, "make-a-call"),
        (r#"{"error_rat": 0.5}"#, "error_rat"),
        (r#"{"latency_ms": 600000}"#, "latency_ms"),
        ("[]", "JSON"),
    ] {
        let (status, body) = control("PUT", refused);
        assert_eq!(status, 422, "{refused}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains(said)), "{refused}: {body}");
    }
    assert_eq!(control("GET", "").1["data"]["rate_limit_burst_left"], 1);

    // One 500 for the next make-call alone: the one after it goes through.
    let (status, body) = control("PUT", r#"{"error_burst": 1, "operations": ["make-call"]}"#);
    assert_eq!((status, &body["data"]["error_burst_left"]), (200, &1.into()), "{body}");
    assert!(client.agents().list().send().is_ok());
    let failed = client.agents().call(EXAMPLE_AGENT, NewCall::new("+15551234567")).unwrap_err();
    assert_eq!(api(&failed).status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(client.agents().call(EXAMPLE_AGENT, NewCall::new("+15551234567")).is_ok());
    // Health is never failed: faults aimed at it alone are refused rather than doing nothing.
    let (status, body) = control("PUT", r#"{"error_rate": 1, "operations": ["health"]}"#);
    assert_eq!(status, 422, "{body}");

    let (status, body) = control("DELETE", "");
    assert_eq!(
        (status, &body["data"]["operations"], &body["data"]["rate_limit_burst"]),
        (200, &serde_json::json!([]), &0.into())
    );
    assert!(client.agents().list().send().is_ok(), "no faults left");
    assert_eq!(server.emulator().faults(), Faults::new());
    assert_eq!(control("POST", "").0, 405);
}

/// A test moves the clock to a moment it names (a campaign's calling window), not only by a number of
/// seconds it works out from the clock's now; a moment past, or no time at all, is refused.
#[test]
fn the_clock_advances_to_a_moment_named() {
    use talkover::time::DateTime;
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let now = DateTime::new(&server.clock_now()).unwrap().unix_timestamp();
    let monday = DateTime::from_unix_timestamp(now + 3 * 86_400).unwrap();
    let until = |at: &str| serde_json::json!({ "until": at }).to_string();
    let (status, body) = common::raw::control(&server, "POST", "/_emulator/clock/advance", &until(monday.as_str()));
    assert_eq!((status, &body["data"]["now"]), (200, &serde_json::json!(monday.as_str())), "{body}");
    assert_eq!(server.clock_now(), monday.as_str());
    for refused in [until("2020-01-01T00:00:00Z"), until("next monday"), r#"{"until": 42}"#.to_owned()] {
        let (status, body) = common::raw::control(&server, "POST", "/_emulator/clock/advance", &refused);
        assert_eq!(status, 422, "{refused}: {body}");
    }
    assert_eq!(server.clock_now(), monday.as_str(), "a refused move leaves the clock where it was");
}

/// The clock stops at the last second the API's times can say: moved past it in process, it stays there
/// (its times still written), and over HTTP a move past it is refused.
#[test]
fn the_clock_stops_at_the_last_second_the_api_writes() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    server.advance_clock(Duration::from_secs(u64::MAX / 4));
    assert_eq!(server.clock_now(), "9999-12-31T23:59:59Z");
    let (status, _) = common::raw::control(&server, "POST", "/_emulator/clock/advance", r#"{"seconds": 1}"#);
    assert_eq!(status, 422);
    let client = common::blocking_client(&server);
    let placed = client.agents().call(EXAMPLE_AGENT, NewCall::new("+15551234567")).unwrap();
    assert_eq!(placed.created_at.to_string(), "9999-12-31T23:59:59Z");
}

/// A reset starts the emulator over, as it was started: what was created is gone, the example agent is
/// back, the faults and the journal are those it started with, and the same requests get the same ids,
/// so that tests sharing one emulator (over HTTP, from any language) start from the same state.
#[test]
fn a_reset_starts_the_emulator_over() {
    let server = Server::builder().rate_limit_burst(1, 0).start_blocking().unwrap();
    let client = common::retrying_client(&server, 1);
    let first = client.agents().create(common::agent("Before the reset")).unwrap();
    client.agents().unpublish(EXAMPLE_AGENT).unwrap();
    client.agents().delete(EXAMPLE_AGENT).unwrap();
    server.set_faults(Faults::new().error_rate(1.0).only_for(["get-agent"]));

    let control = |method: &str| common::raw::control(&server, method, "/_emulator/reset", "").0;
    assert_eq!(control("GET"), 405);
    assert_eq!(control("POST"), 200);

    // The faults it started with are back (a burst of one 429, which the client rides out), not those set.
    assert_eq!(server.emulator().faults(), Faults::new().rate_limit_burst(1, 0));
    let gone = client.agents().get(&first.id).unwrap_err();
    assert_eq!(api(&gone).kind, ErrorKind::NotFound, "{gone}");
    assert!(client.agents().get(EXAMPLE_AGENT).is_ok(), "the example agent is back");
    let journaled: Vec<_> = server.received().into_iter().map(|r| (r.operation, r.status)).collect();
    let get = Some("get-agent".to_owned());
    assert_eq!(journaled, [(get.clone(), 429), (get.clone(), 404), (get, 200)], "only what came after the reset");
    let again = client.agents().create(common::agent("After the reset")).unwrap();
    assert_eq!(again.id, first.id, "the same requests get the same ids");
}

/// A seed gives the same draws each run, and another seed other draws: seeds that differ in their last
/// bit only (42 and 43) are two runs, not one.
#[test]
fn each_seed_draws_its_own_faults() {
    let outcomes = |seed: u64| -> Vec<bool> {
        let faults = Faults::new().error_rate(0.5).seed(seed);
        let emulator = Server::builder().token("talq_seeded").faults(faults).emulator().unwrap();
        let client = talkover::blocking::Client::with_transport(ClientConfig::new("talq_seeded").unwrap(), emulator)
            .with_retry_policy(talkover::RetryPolicy::none());
        (0..40).map(|_| client.agents().list().send().is_ok()).collect()
    };
    let (first, again, next) = (outcomes(42), outcomes(42), outcomes(43));
    assert_eq!(first, again, "the same seed, the same run");
    assert_ne!(first, next, "seeds 42 and 43 draw alike");
    assert!(first.contains(&true) && first.contains(&false), "{first:?}");
}

/// The binary refuses a fault share outside 0 to 1 (or no number at all) and a rate limit of 0, rather than
/// clamping it or running with no faults.
#[test]
fn the_binary_refuses_fault_options_out_of_range() {
    for args in [
        ["--error-rate", "1.5"],
        ["--error-rate", "-0.1"],
        ["--lost-answer-rate", "NaN"],
        ["--error-rate", "inf"],
        ["--rate-limit", "0"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_talkover-mock"))
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("the binary runs");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} was taken");
        assert!(said.contains(args[0]), "{args:?}: {said}");
    }
}

#[test]
fn the_binary_serves_from_any_directory() {
    let dir = std::env::temp_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_talkover-mock"))
        .args(["--port", "0", "--token", "talq_binary_token", "--no-example-agent"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    stdout.read_line(&mut first).expect("the binary says where it listens");
    let base_url = first.trim().rsplit(' ').next().unwrap_or_default().to_owned();
    let result = std::panic::catch_unwind(|| {
        assert!(base_url.starts_with("http://127.0.0.1:"), "{first:?}");
        let client = talkover::blocking::Client::builder()
            .base_url(&base_url)
            .token("talq_binary_token")
            .max_retries(0)
            .build()
            .unwrap();
        assert!(client.agents().list().send().unwrap().items.is_empty());
        // Answered from the embedded fixtures, whatever the working directory.
        assert_eq!(client.credits().balance().unwrap().currency, "USD");
    });
    child.kill().expect("the binary stops");
    child.wait().expect("the binary is reaped");
    drop(stdout);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// The binary's banner shows the token it takes when it is the default one, and never a token given with
/// `--token` (which may be a real one: `talkover mock --token "$TALKOVER_TOKEN"`), saying that one is taken.
#[test]
fn the_binary_shows_the_default_token_but_never_one_given() {
    let banner = |args: &[&str]| -> String {
        let mut child = Command::new(env!("CARGO_BIN_EXE_talkover-mock"))
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let stdout = child.stdout.take().expect("piped");
        let (lines, read) = std::sync::mpsc::channel();
        // The banner ends with the clock's line; the binary then serves until stopped.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().take(20) {
                let Ok(line) = line else { break };
                let last = line.trim_start().starts_with("clock:");
                if lines.send(line).is_err() || last {
                    break;
                }
            }
        });
        let until = Instant::now() + Duration::from_secs(30);
        let mut banner = Vec::new();
        while let Ok(line) = read.recv_timeout(until.saturating_duration_since(Instant::now())) {
            banner.push(line);
        }
        child.kill().expect("the binary stops");
        child.wait().expect("the binary is reaped");
        banner.join("\n")
    };
    let default = banner(&[]);
    assert!(default.contains("token: talq_mock_token"), "{default}");
    assert!(default.contains("Authorization: Bearer talq_mock_token"), "{default}");

    let secret = "talq_live_0123456789abcdef";
    let given = banner(&["--token", secret]);
    assert!(given.contains("clock:"), "the whole banner: {given}");
    assert!(!given.contains(secret) && !given.contains("0123456789abcdef"), "{given}");
    assert!(given.contains("token: the one given with --token"), "{given}");
}

#[test]
fn the_emulator_is_also_an_in_process_transport() {
    let emulator = Server::builder().token("talq_in_process").emulator().unwrap();
    assert!(emulator.fixture_count() > 100);
    let config = ClientConfig::new("talq_in_process").unwrap();
    let client = talkover::blocking::Client::with_transport(config, emulator);
    let created = client.agents().create(agent("In Process")).unwrap();
    client.agents().update_voice(&created.id, voice()).unwrap();
    let published = client.execute(PublishAgent::new(&created.id)).unwrap();
    assert_eq!(published.current_status, talkover::agents::AgentStatus::Published);
}

/// Dropping a server stops it whole: a client whose pooled connection to it is still open gets a transport
/// error, as a new connection does, not an answer from an emulator the test has let go.
#[tokio::test(flavor = "current_thread")]
async fn a_dropped_server_answers_nothing_on_the_connections_left_open() {
    let (server, client) = common::start_async().await;
    client.agents().list().send().await.expect("answered while it runs");
    drop(server);
    let pooled = client.agents().list().send().await.expect_err("no answer once the server is dropped");
    assert_eq!(pooled.kind(), ErrorKind::Transport, "{pooled}");
}

/// The same through `shutdown`, and for a server on a thread of its own with the blocking client.
#[test]
fn a_shut_down_server_answers_nothing_on_the_connections_left_open() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (server, client) = runtime.block_on(common::start_async());
    runtime.block_on(client.agents().list().send()).expect("answered while it runs");
    server.shutdown();
    let pooled = runtime.block_on(client.agents().list().send()).expect_err("no answer once it is shut down");
    assert_eq!(pooled.kind(), ErrorKind::Transport, "{pooled}");

    let (server, client) = common::start_blocking();
    client.agents().list().send().expect("answered while it runs");
    drop(server);
    let pooled = client.agents().list().send().expect_err("no answer once the server is dropped");
    assert_eq!(pooled.kind(), ErrorKind::Transport, "{pooled}");
}

/// The emulator keeps the API requests it answered, for a test to see what the code under test sent:
/// method, path, query, operation, status and JSON body, in process and over HTTP alike, with no
/// credential kept (not the token, nor a secret field's value) and no control request among them.
#[test]
fn the_requests_answered_are_journaled_without_their_credentials() {
    let token = "talq_journal_token_12345";
    let server = Server::builder().token(token).clock_scale(0.0).start_blocking().unwrap();
    let client =
        talkover::blocking::Client::builder().base_url(server.base_url()).token(token).max_retries(0).build().unwrap();
    let created = client.agents().create(agent("Journaled")).unwrap();
    let hook = NewAgentWebhook::new("Hook", "http://127.0.0.1:9/hook", [AgentWebhookEvent::PhoneCallStarted])
        .webhook_secret("whsec_never_journaled");
    client.execute(CreateWebhook::new(&created.id, hook)).unwrap();
    client.agents().list().search("journaled").send().unwrap();
    server.advance_clock(Duration::from_secs(1));
    let (status, _) = common::raw::send_as(&server, "talq_wrong_token_6789", "GET", "/calendars", "");
    assert_eq!(status, 401);
    let (status, _) = common::raw::send(&server, "GET", "/agents?api_key=k-123456789&per_page=5", "");
    assert_eq!(status, 200);

    let received = server.received();
    let seen: Vec<_> =
        received.iter().map(|r| (r.method.as_str(), r.operation.as_deref(), r.status, r.query.as_deref())).collect();
    assert_eq!(
        seen,
        [
            ("POST", Some("create-agent"), 201, None),
            ("POST", Some("create-webhook"), 200, None),
            ("GET", Some("list-agents"), 200, Some("search=journaled")),
            ("GET", Some("list-calendars"), 401, None),
            ("GET", Some("list-agents"), 200, Some("api_key=[redacted]&per_page=5")),
        ]
    );
    assert_eq!(received[1].path, format!("/api/v1/agents/{}/webhooks", created.id));
    let body = received[1].body().expect("the webhook's body");
    assert_eq!(
        (&body["name"], &body["webhook_secret"]),
        (&serde_json::json!("Hook"), &serde_json::json!("[redacted]")),
        "{body}"
    );
    assert_eq!(received[0].body().map(|b| b["name"].clone()), Some(serde_json::json!("Journaled")));
    let journaled = serde_json::to_string(&received).unwrap();
    for secret in [token, "talq_wrong_token_6789", "whsec_never_journaled", "k-123456789"] {
        assert!(!journaled.contains(secret), "{secret} in {journaled}");
    }

    // Over HTTP, in the same shape, and emptied by DELETE; control requests are never journaled.
    let control = |method: &str| common::raw::control(&server, method, "/_emulator/requests", "");
    let expected = serde_json::json!({ "success": true, "data": serde_json::to_value(&received).unwrap() });
    assert_eq!(control("GET"), (200, expected.clone()));
    assert_eq!(control("DELETE"), (200, expected));
    assert!(server.received().is_empty(), "{:?}", server.received());
    assert_eq!(control("GET"), (200, serde_json::json!({ "success": true, "data": [] })));
    let (status, _) = control("POST");
    assert_eq!(status, 405);
}

/// The journal keeps the latest requests, the oldest leaving as new ones come, and `clear_received`
/// empties it.
#[test]
fn the_journal_keeps_the_latest_requests() {
    let emulator = Server::builder().emulator().unwrap();
    let health = || http::Request::get("http://127.0.0.1/api/v1/health").body(Vec::new()).unwrap();
    let extra = 5;
    for _ in 0..talkover_mock::JOURNAL_LENGTH + extra {
        assert_eq!(emulator.handle(&health()).status(), StatusCode::OK);
    }
    let received = emulator.received();
    assert_eq!(received.len(), talkover_mock::JOURNAL_LENGTH);
    assert_eq!(received.first().map(|r| r.number), Some(extra as u64 + 1), "the oldest left first");
    assert_eq!(received.last().map(|r| r.number), Some(emulator.request_count()));
    emulator.clear_received();
    assert!(emulator.received().is_empty());
}

/// HTTP's rules, for any client: HEAD answers as GET does, without the body (its length still said),
/// the token's scheme is read without regard to case, and a 401 names the scheme.
#[test]
fn head_is_get_without_the_body_and_the_bearer_scheme_has_no_case() {
    let server = Server::start_blocking().unwrap();
    let transport = talkover_ureq::UreqTransport::new();
    let send = |method: &str, path: &str, authorization: &str| {
        let request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", server.base_url()))
            .header("authorization", authorization)
            .body(Vec::new())
            .unwrap();
        talkover::BlockingTransport::send(&transport, request).unwrap()
    };
    let bearer = format!("Bearer {}", server.token());
    let get = send("GET", "/agents", &bearer);
    let head = send("HEAD", "/agents", &bearer);
    assert_eq!((head.status(), get.status()), (StatusCode::OK, StatusCode::OK));
    assert!(head.body().is_empty());
    assert_eq!(head.headers()["content-length"], get.body().len().to_string().as_str());
    assert_eq!(head.headers()["content-type"], "application/json");
    assert_eq!(send("HEAD", "/agents/no-such-agent", &bearer).status(), StatusCode::NOT_FOUND);
    assert_eq!(send("HEAD", "/agents", "Bearer talq_wrong").status(), StatusCode::UNAUTHORIZED);

    for scheme in ["bearer", "BEARER", "bEaReR"] {
        let answer = send("GET", "/agents", &format!("{scheme} {}", server.token()));
        assert_eq!(answer.status(), StatusCode::OK, "{scheme}");
    }
    for refused in [format!("Basic {}", server.token()), format!("Bearer{}", server.token()), server.token().to_owned()]
    {
        let answer = send("GET", "/agents", &refused);
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{refused}");
        // A 401 names the scheme that would be accepted (RFC 9110, 15.5.2).
        assert_eq!(answer.headers().get("www-authenticate").map(|v| v.to_str().unwrap()), Some("Bearer"));
    }
    // Where the page shows no 401 of its own, the authentication page's: a token not accepted, or none.
    let wrong: serde_json::Value =
        serde_json::from_slice(send("GET", "/calendars", "Bearer talq_wrong").body()).unwrap();
    assert_eq!(
        (&wrong["error"], &wrong["status_code"]),
        (&serde_json::json!("UNAUTHORIZED"), &serde_json::json!(401)),
        "{wrong}"
    );
    let request = http::Request::builder().uri(format!("{}/calendars", server.base_url())).body(Vec::new()).unwrap();
    let missing = talkover::BlockingTransport::send(&transport, request).unwrap();
    let missing: serde_json::Value = serde_json::from_slice(missing.body()).unwrap();
    assert_eq!(
        (&missing["error"], &missing["message"]),
        (&serde_json::json!("MISSING_TOKEN"), &serde_json::json!("Authorization header is required"))
    );
    let make_call = send("POST", "/agents/some-agent/call", "Bearer talq_wrong");
    assert_eq!(make_call.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(make_call.headers().get("www-authenticate").map(|v| v.to_str().unwrap()), Some("Bearer"));
}

#[test]
fn unknown_routes_and_methods_are_refused() {
    let server = Server::start_blocking().unwrap();
    let transport = talkover_ureq::UreqTransport::new();
    let send = |method: &str, path: &str| {
        let request = http::Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", server.addr()))
            .header("authorization", format!("Bearer {}", server.token()))
            .body(Vec::new())
            .unwrap();
        talkover::BlockingTransport::send(&transport, request).unwrap()
    };
    assert_eq!(send("GET", "/api/v1/no-such-thing").status(), 404);
    // A 405 lists the methods the path has (RFC 9110, 15.5.6), HEAD wherever GET is.
    let wrong_method = send("PATCH", "/api/v1/agents");
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(wrong_method.headers().get("allow").map(|v| v.to_str().unwrap()), Some("GET, HEAD, OPTIONS, POST"));
    // In the API's error envelope, as the 404 of a path that is no route.
    let body: serde_json::Value = serde_json::from_slice(wrong_method.body()).unwrap();
    assert_eq!(body["success"], false, "{body}");
    let on_an_action = send("GET", "/api/v1/agents/some-agent/actions/some-action");
    assert_eq!(on_an_action.status(), 405);
    assert_eq!(on_an_action.headers().get("allow").map(|v| v.to_str().unwrap()), Some("DELETE, OPTIONS"));
    let on_health = send("POST", "/api/v1/health");
    assert_eq!(on_health.headers().get("allow").map(|v| v.to_str().unwrap()), Some("GET, HEAD, OPTIONS"));
    assert_eq!(send("GET", "/api/v1/health").status(), 200);
    // OPTIONS says what a path takes: 200, `Allow`, no body.
    let options = send("OPTIONS", "/api/v1/agents");
    assert_eq!(options.status(), 200);
    assert_eq!(options.headers().get("allow").map(|v| v.to_str().unwrap()), Some("GET, HEAD, OPTIONS, POST"));
    assert!(options.body().is_empty() && options.headers().get("content-type").is_none());
    assert_eq!(send("OPTIONS", "/api/v1/no-such-thing").status(), 404);
    let bad_json = http::Request::builder()
        .method("POST")
        .uri(format!("{}/agents", server.base_url()))
        .header("authorization", format!("Bearer {}", server.token()))
        .header("content-type", "application/json")
        .body(b"{not json".to_vec())
        .unwrap();
    assert_eq!(talkover::BlockingTransport::send(&transport, bad_json).unwrap().status(), 400);
}

/// Faults that would fail nothing, or not as asked, are refused wherever they are given: a share outside 0
/// to 1, an operation id set through the public field with a typo, health among failing faults, a
/// negative clock scale. A builder fails to start, naming what is wrong; `set_faults` panics, as
/// `only_for` does on a typo; `PUT /_emulator/faults` answers 422 with the same words.
#[test]
fn faults_and_settings_that_would_mislead_a_test_are_refused() {
    let error = |builder: talkover_mock::ServerBuilder| builder.start_blocking().unwrap_err().to_string();
    assert!(error(Server::builder().error_rate(1.5)).contains("error_rate must be a share from 0 to 1"));
    assert!(error(Server::builder().lost_answer_rate(f64::NAN)).contains("lost_answer_rate"));
    assert!(error(Server::builder().clock_scale(-5.0)).contains("clock scale"));
    let mut typo = Faults::new().error_rate(1.0);
    typo.operations.push("make_call".to_owned());
    assert!(error(Server::builder().faults(typo.clone())).contains("\"make_call\""));
    let health = Faults::new().error_burst(3).only_for(["health"]);
    assert!(error(Server::builder().faults(health)).contains("Health is never failed"));

    let server = Server::start_blocking().unwrap();
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.set_faults(typo.clone())));
    let message = refused.expect_err("set_faults panics").downcast::<String>().expect("a message");
    assert!(message.contains("\"make_call\""), "{message}");
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.set_clock_scale(f64::NAN))).is_err());
    let over_http = common::raw::control(&server, "PUT", "/_emulator/faults", r#"{"error_rate": 1.5}"#);
    assert_eq!(over_http.0, 422, "{over_http:?}");
    // Nothing refused took effect.
    assert_eq!(server.emulator().faults(), Faults::new());
}

/// A test rings a published agent with an inbound call (`POST /_emulator/calls/inbound`, or
/// `Server::inbound_call`): listed with `direction` `inbound`, from the caller to the agent's number, it
/// is answered and completes on the emulator's clock; a draft agent, an unknown one and a number not in
/// international form are refused.
#[test]
fn an_inbound_call_rings_a_published_agent_and_goes_on_as_an_answered_call() {
    let server = Server::builder().clock_scale(0.0).start_blocking().unwrap();
    let agent = "550e8400-e29b-41d4-a716-446655440000";
    let ring = format!(r#"{{"agent_id": "{agent}", "from": "+44 20 7946 0958"}}"#);
    let (status, rung) = common::raw::control(&server, "POST", "/_emulator/calls/inbound", &ring);
    assert_eq!(status, 200, "{rung}");
    assert_eq!(
        (rung["data"]["direction"].as_str(), rung["data"]["from"].as_str()),
        (Some("inbound"), Some("+442079460958"))
    );
    let id = rung["data"]["id"].as_str().unwrap().to_owned();
    let inbound = |path: &str| {
        let (status, listed) = common::raw::send(&server, "GET", path, "");
        assert_eq!(status, 200, "{listed}");
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["id"].as_str().unwrap().to_owned(), c["status"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(inbound("/calls?direction=inbound").len(), 1);
    // The agent's number as the environment's list writes it, as on the calls it places.
    assert_eq!(rung["data"]["to_formatted"], "(123) 456-7890", "{rung}");
    // get-active-call finds it by its caller's number (the page: "an inbound caller"), once it is answered.
    server.advance_clock(Duration::from_secs(2));
    let (status, active) =
        common::raw::send(&server, "GET", &format!("/agents/{agent}/active-call/%2B442079460958"), "");
    assert_eq!((status, active["data"][0]["id"].as_str()), (200, Some(id.as_str())), "{active}");
    assert_eq!(inbound(&format!("/agents/{agent}/calls?direction=inbound"))[0].0, id);
    assert!(inbound("/calls?direction=outbound").iter().all(|(other, _)| *other != id));
    server.advance_clock(Duration::from_secs(600));
    assert_eq!(inbound("/calls?direction=inbound")[0].1, "completed");
    // Over the SDK's own call: the same, by `Server::inbound_call`.
    let call = server.inbound_call(agent, "+15550107777").unwrap();
    assert_eq!(call.direction, talkover::agents::Direction::Inbound);

    let client = common::blocking_client(&server);
    let draft = client.agents().create(common::agent("Draft")).unwrap().id.into_string();
    for (body, expected) in [
        (format!(r#"{{"agent_id": "{draft}", "from": "+15550107777"}}"#), 422),
        (r#"{"agent_id": "no-such-agent", "from": "+15550107777"}"#.to_owned(), 404),
        (format!(r#"{{"agent_id": "{agent}", "from": "+49 (0)151 12345674"}}"#), 422),
        (format!(r#"{{"agent_id": "{agent}"}}"#), 422),
    ] {
        let (status, refused) = common::raw::control(&server, "POST", "/_emulator/calls/inbound", &body);
        assert_eq!(status, expected, "{body}: {refused}");
    }
    assert_eq!(server.inbound_call(&draft, "+15550107777").unwrap_err(), talkover_mock::InboundRefused::NotPublished);
}
