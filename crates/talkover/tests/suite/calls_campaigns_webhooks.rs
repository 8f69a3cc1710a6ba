//! The call, campaign, webhook and campaign SFTP handlers on closure transports: each method sends the
//! documented request and decodes the documented answer (both from the operation's fixture).

use crate::common;

use common::{acknowledged, assert_request, blocking, config, exchange, pairs, sent, sent_query, Seen};
use serde_json::Value;
use talkover::calls::{existing_call, CallFilterStatus, CallStatus, NewCall, NewCampaignCall, PlacedCall};
use talkover::campaign_sftp::{ImportSchedule, NewSftpConfig, SftpConfigChanges, SftpJobType};
use talkover::campaigns::{
    CallTimeRange, CampaignChanges, CampaignStatus, CampaignType, NewCampaign, NewCampaignRequired,
};
use talkover::time::Date;
use talkover::webhooks::{
    AgentWebhookChanges, AgentWebhookEvent, CampaignWebhookChanges, CampaignWebhookEvent, DeliveryStatus,
    NewAgentWebhook, NewCampaignWebhook, WebhookStatus,
};
use talkover::{Envelope, ErrorKind, HttpRequest};

fn date(text: &str) -> Date {
    Date::new(text).unwrap()
}

// -------------------------------------------------------------------------------------------------
// Calls

#[test]
fn agents_call_places_a_call() {
    let call = common::example_call("+1234567890");

    let (placed, request) =
        exchange(fixture!("make-call/ok-initiated.json"), |c| c.agents().call("agent_123456", call));

    assert_eq!(placed.id.as_str(), "call_789012");
    assert_eq!(placed.status, CallStatus::Initiated);
    assert_request(&request, "POST", "/api/v1/agents/agent_123456/call");
}

#[test]
fn campaigns_call_queues_a_campaign_call() {
    let (queued, request) = exchange(fixture!("make-campaign-call/ok-regular.json"), |c| {
        c.campaigns().call("campaign-uuid-1", NewCampaignCall::new("+1234567890"))
    });

    assert_eq!(queued.campaign_call.id.as_str(), "call-uuid-1");
    assert_eq!(queued.campaign_call.status, CallStatus::Queued);
    assert_eq!(queued.campaign.status, CampaignStatus::Active);
    assert_request(&request, "POST", "/api/v1/campaigns/campaign-uuid-1/call");
}

#[test]
fn a_duplicate_campaign_call_names_the_existing_call() {
    let (seen, client) = blocking(&fixture!("make-campaign-call/error-409-duplicate-call.json"));

    let err = client.campaigns().call("campaign-uuid-1", NewCampaignCall::new("+1234567890")).unwrap_err();

    assert_eq!(err.kind(), ErrorKind::Conflict);
    let call = existing_call(&err).expect("the 409 carries the existing call");
    assert_eq!(call.id.as_str(), "call-uuid-existing");
    assert_eq!(call.status, CallStatus::Queued);
    assert_eq!(sent(&seen).uri().path(), "/api/v1/campaigns/campaign-uuid-1/call");
}

#[test]
fn placing_calls_is_sent_once_even_when_the_answer_is_retryable() {
    let seen = Seen::default();
    let log = seen.clone();
    let client = talkover::blocking::Client::with_transport(config(), move |request: HttpRequest| {
        log.lock().unwrap().push(request);
        Ok(http::Response::builder().status(503).body(Vec::new()).unwrap())
    });

    let err = client.agents().call("agent_123456", NewCall::new("+1234567890")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(sent(&seen).uri().path(), "/api/v1/agents/agent_123456/call");

    client.campaigns().call("campaign-uuid-1", NewCampaignCall::new("+1234567890")).unwrap_err();
    assert_eq!(sent(&seen).uri().path(), "/api/v1/campaigns/campaign-uuid-1/call");
}

#[test]
fn a_test_double_answers_with_a_built_answer() {
    // What a user's unit test does: answer the client with a value built from the SDK's own types.
    let mut placed = PlacedCall::new("call-1", "+1234567890", CallStatus::Queued, "2024-01-15T10:30:00Z");
    placed.agent_id = Some("agent_123456".into());
    let body = serde_json::to_vec(&Envelope::new(placed.clone())).unwrap();
    let client = talkover::blocking::Client::with_transport(config(), move |_request: HttpRequest| {
        Ok(http::Response::builder().status(200).body(body.clone()).unwrap())
    });

    let answer = client.agents().call("agent_123456", NewCall::new("+1234567890")).unwrap();

    assert_eq!(answer, placed);
    assert_eq!(answer.agent_id.unwrap().as_str(), "agent_123456");
}

#[test]
fn calls_end_hangs_up() {
    let (ended, request) =
        exchange(fixture!("end-call/ok-ended-by-api.json"), |c| c.calls().end("agent-uuid", "call-uuid-123"));

    assert_eq!(ended.status, CallStatus::Completed);
    assert_eq!(ended.ended_reason.unwrap().to_string(), "ended_by_api");
    assert_request(&request, "POST", "/api/v1/agents/agent-uuid/end-call");
}

#[test]
fn calls_active_escapes_the_phone_number() {
    let (active, request) = exchange(fixture!("get-active-call/ok-active-call-found.json"), |c| {
        c.calls().active("agent-uuid", "+15551234567")
    });

    assert_eq!(active.items.len(), 1);
    assert_eq!(active.items[0].duration_seconds, Some(42));
    assert_request(&request, "GET", "/api/v1/agents/agent-uuid/active-call/%2B15551234567");
}

#[test]
fn calls_list_sends_its_filters() {
    let (page, request) = exchange(fixture!("list-calls/ok-completed-from-date.json"), |c| {
        c.calls().list().status(CallFilterStatus::Completed).date_from(date("2024-01-01")).per_page(50).send()
    });

    assert_eq!(page.items[0].agent.as_ref().unwrap().name, "Sales Agent");
    assert_request(&request, "GET", "/api/v1/calls");
}

#[test]
fn agents_calls_lists_one_agents_calls() {
    let (page, request) = exchange(fixture!("get-agent-calls/ok-search-phone.json"), |c| {
        c.agents().calls("agent-uuid-1").direction(talkover::agents::Direction::Outbound).search("+1234567890").send()
    });

    assert_eq!(page.items[0].sid, "call_sid_123");
    assert!(request.uri().query().unwrap().contains("search=%2B1234567890"));
    assert_request(&request, "GET", "/api/v1/agents/agent-uuid-1/calls");
}

// -------------------------------------------------------------------------------------------------
// Campaigns

#[test]
fn campaigns_list_sends_its_filters() {
    let (page, request) = exchange(fixture!("list-campaigns/ok-active-sales.json"), |c| {
        c.campaigns().list().status(CampaignStatus::Active).campaign_type(CampaignType::Sales).per_page(50).send()
    });

    assert_eq!(page.items[0].stats.as_ref().unwrap().total_calls, 100);
    assert_request(&request, "GET", "/api/v1/campaigns");
}

#[test]
fn campaigns_create_sends_the_new_campaign() {
    let campaign = NewCampaign::new(NewCampaignRequired {
        name: "Sales Campaign Q1".into(),
        campaign_type: CampaignType::Sales,
        agent_id: "agent-uuid-1".into(),
        start_date: date("2024-01-01"),
        days_of_week: talkover::time::Weekday::MONDAY_TO_FRIDAY.to_vec(),
        call_time_ranges: vec![CallTimeRange::parse("09:00", "17:00").unwrap()],
        timezone: "America/New_York".into(),
    })
    .description("Outbound sales campaign for Q1");

    let (created, request) =
        exchange(fixture!("create-campaign/ok-basic-sales.json"), |c| c.campaigns().create(campaign));

    assert_eq!(created.status, CampaignStatus::Draft);
    assert_request(&request, "POST", "/api/v1/campaigns");
}

#[test]
fn campaigns_get_reads_one_campaign() {
    let (campaign, request) =
        exchange(fixture!("get-campaign/ok-details.json"), |c| c.campaigns().get("campaign-uuid-1"));

    assert_eq!(campaign.name, "Sales Campaign");
    assert_request(&request, "GET", "/api/v1/campaigns/campaign-uuid-1");
}

#[test]
fn campaigns_update_sends_only_the_changes() {
    let changes = CampaignChanges::new()
        .call_time_ranges([
            CallTimeRange::parse("10:00", "12:00").unwrap(),
            CallTimeRange::parse("14:00", "16:00").unwrap(),
        ])
        .timezone("America/Sao_Paulo");

    let (campaign, request) = exchange(fixture!("update-campaign/ok-call-windows.json"), |c| {
        c.campaigns().update("campaign-uuid-1", changes)
    });

    assert_eq!(campaign.timezone, "America/Sao_Paulo");
    assert_request(&request, "PUT", "/api/v1/campaigns/campaign-uuid-1");
}

#[test]
fn campaigns_update_status_sends_the_status() {
    let (change, request) = exchange(fixture!("update-campaign-status/ok-activate.json"), |c| {
        c.campaigns().update_status("campaign-uuid-1", CampaignStatus::Active)
    });

    assert_eq!(change.status, CampaignStatus::Active);
    assert_request(&request, "PATCH", "/api/v1/campaigns/campaign-uuid-1/status");
}

#[test]
fn campaigns_delete_deletes() {
    let request = acknowledged(fixture!("delete-campaign/ok-deleted.json"), "Campaign deleted successfully", |c| {
        c.campaigns().delete("campaign-uuid-1")
    });

    assert_request(&request, "DELETE", "/api/v1/campaigns/campaign-uuid-1");
}

// -------------------------------------------------------------------------------------------------
// Agent webhooks

const AGENT: &str = "9fbef0b7-8d4e-4a08-9207-66c22155721d";
const WEBHOOK: &str = "9fcafbf2-7593-44d6-8cd7-1b221beba62a";
const AGENT_WEBHOOK_PATH: &str =
    "/api/v1/agents/9fbef0b7-8d4e-4a08-9207-66c22155721d/webhooks/9fcafbf2-7593-44d6-8cd7-1b221beba62a";

#[test]
fn agent_webhooks_list_reads_webhooks_and_events() {
    let (list, request) = exchange(fixture!("list-agent-webhooks/ok-list.json"), |c| c.agents().webhooks(AGENT).list());

    assert_eq!(list.webhooks[0].id.as_str(), WEBHOOK);
    assert_eq!(list.description(&AgentWebhookEvent::PhoneCallStarted), Some("Phone call has started"));
    assert_request(&request, "GET", "/api/v1/agents/9fbef0b7-8d4e-4a08-9207-66c22155721d/webhooks");
}

#[test]
fn agent_webhooks_create_sends_the_new_webhook() {
    let events = [AgentWebhookEvent::PhoneCallStarted, AgentWebhookEvent::PhoneCallEnded];
    let webhook = NewAgentWebhook::new("My Webhook", "https://example.com/webhook", events)
        .webhook_secret("optional_secret_for_hmac")
        .timeout(30)
        .max_retries(3)
        .enabled(true);

    let (created, request) =
        exchange(fixture!("create-webhook/ok-create.json"), |c| c.agents().webhooks(AGENT).create(webhook));

    assert_eq!(created.events_count, Some(2));
    assert_request(&request, "POST", "/api/v1/agents/9fbef0b7-8d4e-4a08-9207-66c22155721d/webhooks");
}

#[test]
fn agent_webhooks_get_reads_one_webhook() {
    let (webhook, request) =
        exchange(fixture!("get-webhook-details/ok-get.json"), |c| c.agents().webhooks(AGENT).get(WEBHOOK));

    assert_eq!(webhook.status, Some(WebhookStatus::Active));
    assert_request(&request, "GET", AGENT_WEBHOOK_PATH);
}

#[test]
fn agent_webhooks_update_sends_the_changes() {
    let changes = AgentWebhookChanges::new()
        .name("Updated Webhook Name")
        .webhook_url("https://newexample.com/webhook")
        .webhook_secret("new_secret")
        .events([AgentWebhookEvent::PhoneCallStarted, AgentWebhookEvent::ConversationStarted])
        .timeout(45)
        .max_retries(5)
        .enabled(false);

    let (webhook, request) =
        exchange(fixture!("update-webhook/ok-update.json"), |c| c.agents().webhooks(AGENT).update(WEBHOOK, changes));

    assert_eq!(webhook.name, "Updated Webhook Name");
    assert_request(&request, "PUT", AGENT_WEBHOOK_PATH);
}

#[test]
fn agent_webhooks_delete_deletes() {
    let request = acknowledged(fixture!("delete-webhook/ok-delete.json"), "Webhook deleted successfully", |c| {
        c.agents().webhooks(AGENT).delete(WEBHOOK)
    });

    assert_request(&request, "DELETE", AGENT_WEBHOOK_PATH);
}

#[test]
fn agent_webhooks_toggle_flips_the_webhook() {
    let (webhook, request) =
        exchange(fixture!("toggle-webhook-status/ok-disabled.json"), |c| c.agents().webhooks(AGENT).toggle(WEBHOOK));

    assert!(!webhook.enabled);
    assert_request(&request, "PATCH", &format!("{AGENT_WEBHOOK_PATH}/toggle"));
}

#[test]
fn agent_webhooks_test_sends_a_test_event() {
    let (result, request) =
        exchange(fixture!("test-webhook/ok-test-sent.json"), |c| c.agents().webhooks(AGENT).test(WEBHOOK));

    assert_eq!(result.response_time, 150);
    assert_request(&request, "POST", &format!("{AGENT_WEBHOOK_PATH}/test"));
}

#[test]
fn agent_webhooks_logs_lists_deliveries() {
    let (page, request) = exchange(fixture!("list-webhook-logs/ok-list-per-page-50.json"), |c| {
        c.agents().webhooks("agent-uuid").logs("webhook-uuid").per_page(50).send()
    });

    assert_eq!(page.items[1].status, DeliveryStatus::Failed);
    assert_request(&request, "GET", "/api/v1/agents/agent-uuid/webhooks/webhook-uuid/logs");
}

#[test]
fn agent_webhooks_retry_log_queues_a_retry() {
    let (retry, request) = exchange(fixture!("retry-webhook-log/ok-retry-queued.json"), |c| {
        c.agents().webhooks("agent-uuid").retry_log("webhook-uuid", "log-uuid")
    });

    assert_eq!(retry.log_id.as_str(), "new-log-uuid");
    let path = "/api/v1/agents/agent-uuid/webhooks/webhook-uuid/logs/log-uuid/retry";
    assert_request(&request, "POST", path);
}

// -------------------------------------------------------------------------------------------------
// Campaign webhooks

const CAMPAIGN_WEBHOOK_PATH: &str = "/api/v1/campaigns/campaign-uuid/webhooks/webhook-uuid-1";

#[test]
fn campaign_webhooks_list_reads_webhooks_and_events() {
    let (list, request) =
        exchange(fixture!("list-campaign-webhooks/ok-list.json"), |c| c.campaigns().webhooks("campaign-uuid").list());

    assert_eq!(list.webhooks[0].name.as_deref(), Some("Lifecycle Webhook"));
    assert!(list.available_events.contains(&CampaignWebhookEvent::CampaignCallFailed));
    assert_request(&request, "GET", "/api/v1/campaigns/campaign-uuid/webhooks");
}

#[test]
fn campaign_webhooks_create_sends_the_new_webhook() {
    let events = [
        CampaignWebhookEvent::CampaignStarted,
        CampaignWebhookEvent::CampaignCompleted,
        CampaignWebhookEvent::CampaignCallCompleted,
    ];
    let webhook = NewCampaignWebhook::new("Lifecycle Webhook", "https://example.com/campaign-events", events)
        .include_call_events(false);

    let (created, request) = exchange(fixture!("create-campaign-webhook/ok-create.json"), |c| {
        c.campaigns().webhooks("campaign-uuid").create(webhook)
    });

    assert_eq!(created.id.as_str(), "webhook-uuid-1");
    assert_request(&request, "POST", "/api/v1/campaigns/campaign-uuid/webhooks");
}

#[test]
fn campaign_webhooks_get_reads_one_webhook() {
    let (webhook, request) = exchange(fixture!("get-campaign-webhook/ok-get.json"), |c| {
        c.campaigns().webhooks("campaign-uuid").get("webhook-uuid-1")
    });

    assert_eq!(webhook.timeout, Some(30));
    assert_request(&request, "GET", CAMPAIGN_WEBHOOK_PATH);
}

#[test]
fn campaign_webhooks_update_sends_the_changes() {
    let changes = CampaignWebhookChanges::new()
        .events([CampaignWebhookEvent::CampaignCompleted, CampaignWebhookEvent::CampaignCallFailed])
        .include_call_events(true);

    let (webhook, request) = exchange(fixture!("update-campaign-webhook/ok-update.json"), |c| {
        c.campaigns().webhooks("campaign-uuid").update("webhook-uuid-1", changes)
    });

    assert_eq!(webhook.include_call_events, Some(true));
    assert_request(&request, "PUT", CAMPAIGN_WEBHOOK_PATH);
}

#[test]
fn campaign_webhooks_delete_deletes() {
    let request = acknowledged(fixture!("delete-campaign-webhook/ok-delete.json"), "Campaign webhook deleted", |c| {
        c.campaigns().webhooks("campaign-uuid").delete("webhook-uuid-1")
    });

    assert_request(&request, "DELETE", CAMPAIGN_WEBHOOK_PATH);
}

#[test]
fn campaign_webhooks_toggle_flips_the_webhook() {
    let (webhook, request) = exchange(fixture!("toggle-campaign-webhook/ok-disabled.json"), |c| {
        c.campaigns().webhooks("campaign-uuid").toggle("webhook-uuid-1")
    });

    assert_eq!(webhook.enabled, Some(false));
    assert_request(&request, "PATCH", &format!("{CAMPAIGN_WEBHOOK_PATH}/toggle"));
}

#[test]
fn campaign_webhooks_test_dispatches_a_test_event() {
    let request = acknowledged(fixture!("test-campaign-webhook/ok-dispatched.json"), "Test payload dispatched", |c| {
        c.campaigns().webhooks("campaign-uuid").test("webhook-uuid-1")
    });

    assert_request(&request, "POST", &format!("{CAMPAIGN_WEBHOOK_PATH}/test"));
}

#[test]
fn campaign_webhooks_logs_lists_deliveries() {
    let (page, request) = exchange(fixture!("list-campaign-webhook-logs/ok-list.json"), |c| {
        c.campaigns().webhooks("campaign-uuid").logs("webhook-uuid-1").send()
    });

    assert_eq!(page.items[0].event, CampaignWebhookEvent::CampaignStarted);
    assert_eq!(page.pagination.unwrap().total, 47);
    assert_request(&request, "GET", &format!("{CAMPAIGN_WEBHOOK_PATH}/logs"));
}

#[test]
fn campaign_webhooks_retry_log_queues_a_retry() {
    let (retry, request) = exchange(fixture!("retry-campaign-webhook-log/ok-retry-queued.json"), |c| {
        c.campaigns().webhooks("campaign-uuid").retry_log("webhook-uuid-1", "log-uuid-1")
    });

    assert_eq!(retry.original_log_id.as_str(), "log-uuid-1");
    assert_request(&request, "POST", &format!("{CAMPAIGN_WEBHOOK_PATH}/logs/log-uuid-1/retry"));
}

// -------------------------------------------------------------------------------------------------
// Campaign SFTP

#[test]
fn sftp_get_reads_the_configuration() {
    let (config, request) =
        exchange(fixture!("get-campaign-sftp/ok-config.json"), |c| c.campaigns().sftp("campaign-uuid").get());

    assert_eq!(config.import_schedule, Some(ImportSchedule::Daily));
    assert_request(&request, "GET", "/api/v1/campaigns/campaign-uuid/sftp");
}

#[test]
fn sftp_create_sends_the_configuration() {
    let config = NewSftpConfig::with_password("sftp.example.com", "campaigns_user", "secret")
        .port(22)
        .import_path("/inbox")
        .export_path("/outbox")
        .import_schedule(ImportSchedule::Daily);

    let (created, request) = exchange(fixture!("create-campaign-sftp/ok-password-auth.json"), |c| {
        c.campaigns().sftp("campaign-uuid").create(config)
    });

    assert_eq!(created.is_enabled, Some(false));
    assert_request(&request, "POST", "/api/v1/campaigns/campaign-uuid/sftp");
}

#[test]
fn sftp_update_sends_the_changes() {
    let changes = SftpConfigChanges::new().import_schedule(ImportSchedule::Hourly).is_enabled(true);

    let (config, request) = exchange(fixture!("update-campaign-sftp/ok-enable-hourly.json"), |c| {
        c.campaigns().sftp("campaign-uuid").update(changes)
    });

    assert_eq!(config.is_enabled, Some(true));
    assert_request(&request, "PUT", "/api/v1/campaigns/campaign-uuid/sftp");
}

#[test]
fn sftp_test_connection_reports_the_folders() {
    let (result, request) = exchange(fixture!("test-campaign-sftp-connection/ok-success.json"), |c| {
        c.campaigns().sftp("campaign-uuid").test_connection()
    });

    assert_eq!(result.export_path_accessible, Some(true));
    assert_request(&request, "POST", "/api/v1/campaigns/campaign-uuid/sftp/test-connection");
}

#[test]
fn sftp_trigger_import_queues_an_import() {
    let (job, request) = exchange(fixture!("trigger-campaign-sftp-import/ok-queued.json"), |c| {
        c.campaigns().sftp("campaign-uuid").trigger_import()
    });

    assert_eq!(job.job_id.as_str(), "job-uuid-1");
    assert_request(&request, "POST", "/api/v1/campaigns/campaign-uuid/sftp/trigger-import");
}

#[test]
fn sftp_trigger_export_sends_the_files() {
    let (job, request) = exchange(fixture!("trigger-campaign-sftp-export/ok-queued.json"), |c| {
        c.campaigns().sftp("campaign-uuid").trigger_export(["file-uuid-1", "file-uuid-2"])
    });

    assert_eq!(job.files_count, Some(2));
    assert_request(&request, "POST", "/api/v1/campaigns/campaign-uuid/sftp/trigger-export");
}

#[test]
fn sftp_logs_lists_jobs() {
    let (page, request) = exchange(fixture!("list-campaign-sftp-logs/ok-logs.json"), |c| {
        c.campaigns().sftp("campaign-uuid").logs().send()
    });

    assert_eq!(page.items[0].job_type, SftpJobType::Import);
    assert_eq!(page.items[0].rows_processed, Some(1840));
    assert_request(&request, "GET", "/api/v1/campaigns/campaign-uuid/sftp/logs");
}

// -------------------------------------------------------------------------------------------------
// Forwarding setters not covered by a fixture

/// A blocking client answering every request with an empty last page.
fn empty_pages() -> (Seen, talkover::blocking::Client) {
    let seen = Seen::default();
    let log = seen.clone();
    let client = talkover::blocking::Client::with_transport(config(), move |request: HttpRequest| {
        log.lock().unwrap().push(request);
        let body = r#"{"success":true,"data":[],"meta":{"current_page":2,"per_page":10,"total":0,"last_page":1}}"#;
        Ok(http::Response::builder().status(200).body(body.as_bytes().to_vec()).unwrap())
    });
    (seen, client)
}

#[test]
fn every_list_setter_reaches_the_query() {
    let (seen, client) = empty_pages();
    let dates = [("date_from", "2024-01-01"), ("date_to", "2024-01-31"), ("page", "2"), ("per_page", "10")];

    client
        .calls()
        .list()
        .agent_id("agent-uuid-1")
        .status(CallFilterStatus::NoAnswer)
        .direction(talkover::agents::Direction::Inbound)
        .date_from(date("2024-01-01"))
        .date_to(date("2024-01-31"))
        .search("+33 6")
        .per_page(10)
        .page(2)
        .send()
        .unwrap();
    let mut expected = dates.to_vec();
    expected.extend([
        ("agent_id", "agent-uuid-1"),
        ("status", "no-answer"),
        ("direction", "inbound"),
        ("search", "+33 6"),
    ]);
    assert_eq!(sent_query(&sent(&seen)), pairs(&expected));

    client
        .agents()
        .calls("agent-uuid-1")
        .status(CallFilterStatus::Busy)
        .date_from(date("2024-01-01"))
        .date_to(date("2024-01-31"))
        .per_page(10)
        .page(2)
        .send()
        .unwrap();
    let mut expected = dates.to_vec();
    expected.push(("status", "busy"));
    assert_eq!(sent_query(&sent(&seen)), pairs(&expected));

    client
        .campaigns()
        .list()
        .agent_id("agent-uuid-1")
        .date_from(date("2024-01-01"))
        .date_to(date("2024-01-31"))
        .search("Q1 & Q2")
        .per_page(10)
        .page(2)
        .send()
        .unwrap();
    let mut expected = dates.to_vec();
    expected.extend([("agent_id", "agent-uuid-1"), ("search", "Q1 & Q2")]);
    assert_eq!(sent_query(&sent(&seen)), pairs(&expected));

    let paging = pairs(&[("page", "2"), ("per_page", "10")]);
    client.agents().webhooks("a").logs("w").page(2).per_page(10).send().unwrap();
    assert_eq!(sent_query(&sent(&seen)), paging);
    client.campaigns().webhooks("c").logs("w").page(2).per_page(10).send().unwrap();
    assert_eq!(sent_query(&sent(&seen)), paging);
    client.campaigns().sftp("c").logs().page(2).per_page(10).send().unwrap();
    assert_eq!(sent_query(&sent(&seen)), paging);
}

#[test]
fn list_items_walk_every_page() {
    let seen = Seen::default();
    let log = seen.clone();
    let client = talkover::blocking::Client::with_transport(config(), move |request: HttpRequest| {
        let page = sent_query(&request).into_iter().find(|(k, _)| k == "page").map_or(1, |(_, v)| v.parse().unwrap());
        log.lock().unwrap().push(request);
        let body = format!(
            r#"{{"success":true,"data":[{{"id":"log-{page}","type":"import","status":"succeeded"}}],
            "pagination":{{"current_page":{page},"per_page":1,"total":2}}}}"#
        );
        Ok(http::Response::builder().status(200).body(body.into_bytes()).unwrap())
    });

    let ids: Vec<String> = client
        .campaigns()
        .sftp("campaign-uuid")
        .logs()
        .per_page(1)
        .items()
        .map(|l| l.unwrap().id.into_string())
        .collect();

    assert_eq!(ids, ["log-1", "log-2"]);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

// -------------------------------------------------------------------------------------------------
// The async client

#[tokio::test]
async fn the_async_client_runs_the_same_handlers() {
    let seen = Seen::default();
    let log = seen.clone();
    let client = talkover::Client::with_transport(config(), move |request: HttpRequest| {
        let fixture = match request.uri().path() {
            "/api/v1/agents/agent_123456/call" => fixture!("make-call/ok-initiated.json"),
            "/api/v1/campaigns/campaign-uuid/webhooks/webhook-uuid-1/toggle" => {
                fixture!("toggle-campaign-webhook/ok-disabled.json")
            }
            other => panic!("unexpected request to {other}"),
        };
        let response = fixture.response();
        log.lock().unwrap().push(request);
        async move { Ok(response) }
    });

    let placed = client.agents().call("agent_123456", NewCall::new("+1234567890")).await.unwrap();
    let toggled = client.campaigns().webhooks("campaign-uuid").toggle("webhook-uuid-1").await.unwrap();

    assert_eq!(placed.to, "+1234567890");
    assert_eq!(toggled.enabled, Some(false));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].method(), "POST");
    assert_eq!(serde_json::from_slice::<Value>(seen[0].body()).unwrap(), serde_json::json!({"to": "+1234567890"}));
    assert_eq!(seen[1].method(), "PATCH");
    assert!(seen[1].body().is_empty());
}
