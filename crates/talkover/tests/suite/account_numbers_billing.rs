//! The voice template, phone number, SIP trunk, auto top-up and account handlers, on closure transports that
//! answer each operation's documented success example (tests/fixtures/<id>/ok-*.json).

use crate::common;

use common::{acknowledged, assert_request, client_answering, exchange, json, pairs, sent_query, Seen, TOKEN};
use serde_json::Value;
use talkover::account::NewApiToken;
use talkover::auto_topup::{AutoTopupSettingsUpdate, AutoTopupStatus, PaymentMethodType};
use talkover::phone_numbers::{PhoneNumberType, ReleaseRequestStatus};
use talkover::sip_trunks::{
    NewSipTrunk, NewSipTrunkDid, NewSipTrunkRequired, SipTransport, SipTrunkHealthStatus, SipTrunkUpdate,
};
use talkover::voice_templates::{QualityTier, VoiceGender};
use talkover::{ClientConfig, Decimal, ErrorKind, HttpRequest, HttpResponse, TransportError};

fn amount(text: &str) -> Decimal {
    Decimal::new(text).unwrap()
}

// ---------------------------------------------------------------------------------------------------
// Voice templates

#[test]
fn voice_templates_list_sends_gender_and_tier_filters() {
    let (groups, request) = exchange(fixture!("list-voice-templates/ok-filter-gender-quality-tier.json"), |c| {
        c.voice_templates().list().gender(VoiceGender::Female).quality_tier(QualityTier::Pro).send()
    });
    assert_request(&request, "GET", "/api/v1/voice-templates");
    assert_eq!(sent_query(&request), pairs(&[("gender", "female"), ("quality_tier", "pro")]));
    assert_eq!(groups.items[0].display_name, "Bianca");
    assert_eq!(groups.items[0].voices[1].quality_tier, QualityTier::Pro);
    assert_eq!(groups.items[0].voices[1].cost.as_str(), "0.16");
    // The templates, out of their groups, in order.
    let ids: Vec<&str> = groups.templates().map(|voice| voice.id.as_str()).collect();
    let numbered = |n: usize| format!("voice-template-uuid-{n}");
    assert_eq!(ids, (1..=5).map(numbered).collect::<Vec<_>>(), "two groups, five templates");
}

#[test]
fn voice_templates_list_sends_the_language_filter() {
    let (groups, request) = exchange(fixture!("list-voice-templates/ok-filter-language.json"), |c| {
        c.voice_templates().list().language(talkover::language::Language::PtBr).send()
    });
    assert_eq!(sent_query(&request), pairs(&[("language", "pt-BR")]));
    assert_eq!(groups.items[0].voices[0].language, talkover::language::Language::PtBr);
}

#[test]
fn voice_templates_demo() {
    let (demo, request) = exchange(fixture!("generate-voice-demo/ok-demo-url.json"), |c| {
        c.voice_templates().demo("voice-template-uuid-1")
    });
    assert_request(&request, "GET", "/api/v1/voice-templates/voice-template-uuid-1/demo");
    assert_eq!(demo.mp3_url, "https://example.com/storage/demo-audio/signed-url-here.mp3");
}

// ---------------------------------------------------------------------------------------------------
// Phone numbers

#[test]
fn phone_numbers_list_with_has_voice() {
    let (numbers, request) =
        exchange(fixture!("list-phone-numbers/ok-has-voice.json"), |c| c.phone_numbers().list().has_voice(true).send());
    assert_request(&request, "GET", "/api/v1/phone-numbers");
    assert_eq!(sent_query(&request), pairs(&[("has_voice", "true")]));
    assert_eq!(numbers.items.len(), 2);
    assert_eq!(numbers.items[1].number, "+1987654321");
    assert_eq!(numbers.items[0].current_price.as_str(), "1.00");
}

#[test]
fn phone_numbers_list_with_search_encodes_the_plus() {
    let (numbers, request) = exchange(fixture!("list-phone-numbers/ok-search-number.json"), |c| {
        c.phone_numbers().list().search("+1234567890").send()
    });
    assert_eq!(request.uri().query(), Some("search=%2B1234567890"));
    assert_eq!(numbers.items[0].id.as_str(), "phone-uuid-1");
}

#[test]
fn phone_numbers_list_with_type_and_whatsapp_filters() {
    let (seen, client) = client_answering(vec![fixture!("list-phone-numbers/ok-all-numbers.json").response()]);
    let numbers =
        client.phone_numbers().list().number_type(PhoneNumberType::Whatsapp).has_whatsapp(false).send().unwrap();
    assert_eq!(numbers.items[0].number_type, PhoneNumberType::Voice);
    let request = &seen.lock().unwrap()[0];
    assert_eq!(request.uri().path(), "/api/v1/phone-numbers");
    assert_eq!(sent_query(request), pairs(&[("has_whatsapp", "false"), ("type", "whatsapp")]));
}

#[test]
fn phone_numbers_release_requests() {
    let (requests, request) =
        exchange(fixture!("list-release-requests/ok-list.json"), |c| c.phone_numbers().release_requests());
    assert_request(&request, "GET", "/api/v1/phone-numbers/release-requests");
    assert_eq!(requests.items[1].status, ReleaseRequestStatus::Approved);
    assert!(requests.items[0].resolved_at.is_none());
}

#[test]
fn phone_numbers_request_release() {
    let reason = "We migrated outbound calling to a new toll-free number and no longer need this DID.";
    let (release, request) = exchange(fixture!("request-phone-release/ok-created.json"), |c| {
        c.phone_numbers().request_release("phone-uuid-1", reason)
    });
    assert_request(&request, "POST", "/api/v1/phone-numbers/phone-uuid-1/request-release");
    assert_eq!(serde_json::from_slice::<Value>(request.body()).unwrap(), serde_json::json!({ "reason": reason }));
    assert_eq!(release.id.as_str(), "request-uuid-1");
    assert_eq!(release.status, ReleaseRequestStatus::Pending);
}

#[test]
fn phone_numbers_cancel_release() {
    let request =
        acknowledged(fixture!("cancel-release-request/ok-cancelled.json"), "Release request cancelled", |c| {
            c.phone_numbers().cancel_release("request-uuid-1")
        });
    assert_request(&request, "DELETE", "/api/v1/phone-numbers/release-requests/request-uuid-1");
}

// ---------------------------------------------------------------------------------------------------
// SIP trunks

#[test]
fn sip_trunks_list() {
    let (trunks, request) = exchange(fixture!("list-sip-trunks/ok-list.json"), |c| c.sip_trunks().list());
    assert_request(&request, "GET", "/api/v1/sip-trunks");
    assert_eq!(trunks.items[0].name, "Primary Carrier — US");
    assert_eq!(trunks.items[0].health_status, Some(SipTrunkHealthStatus::Healthy));
}

#[test]
fn sip_trunks_create_sends_the_password_but_never_prints_it() {
    let trunk = NewSipTrunk::new(NewSipTrunkRequired {
        name: "Primary Carrier — US".into(),
        provider_name: "carrier-x".into(),
        domain: "sip.carrier-x.com".into(),
        username: "user_42".into(),
        password: "secret-password".into(),
    })
    .port(5061)
    .transport(SipTransport::Tls);
    assert!(!format!("{trunk:?}").contains("secret-password"));
    let (created, request) = exchange(fixture!("create-sip-trunk/ok-created.json"), |c| c.sip_trunks().create(trunk));
    assert_request(&request, "POST", "/api/v1/sip-trunks");
    let body: Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(body["password"], "secret-password");
    assert_eq!(body["port"], 5061);
    assert_eq!(created.id.as_str(), "trunk-uuid-1");
    assert!(!created.is_verified);
}

#[test]
fn sip_trunks_get() {
    let (trunk, request) = exchange(fixture!("get-sip-trunk/ok-trunk.json"), |c| c.sip_trunks().get("trunk-uuid-1"));
    assert_request(&request, "GET", "/api/v1/sip-trunks/trunk-uuid-1");
    assert_eq!(trunk.username.as_deref(), Some("user_42"));
    assert_eq!(trunk.port, Some(5061));
}

#[test]
fn sip_trunks_update() {
    let (trunk, request) = exchange(fixture!("update-sip-trunk/ok-renamed.json"), |c| {
        c.sip_trunks()
            .update("trunk-uuid-1", SipTrunkUpdate::new().name("Primary Carrier — US (renamed)").is_active(false))
    });
    assert_request(&request, "PUT", "/api/v1/sip-trunks/trunk-uuid-1");
    assert_eq!(
        serde_json::from_slice::<Value>(request.body()).unwrap(),
        serde_json::json!({ "name": "Primary Carrier — US (renamed)", "is_active": false })
    );
    assert_eq!((trunk.name.as_deref(), trunk.is_active), (Some("Primary Carrier — US (renamed)"), Some(false)));
    // An answer holding the fields that changed (and the verification a new domain undoes) is read too.
    let client = talkover::blocking::Client::with_transport(common::config(), |_: talkover::HttpRequest| {
        let body = r#"{"success":true,"data":{"id":"trunk-uuid-1","domain":"sip.carrier-y.com","is_verified":false,"updated_at":"2024-01-15T15:00:00Z"}}"#;
        Ok(common::json(200, body))
    });
    let moved = client.sip_trunks().update("trunk-uuid-1", SipTrunkUpdate::new().domain("sip.carrier-y.com")).unwrap();
    assert_eq!(
        (moved.name, moved.is_verified, moved.domain.as_deref()),
        (None, Some(false), Some("sip.carrier-y.com"))
    );
}

#[test]
fn sip_trunks_delete() {
    let request = acknowledged(fixture!("delete-sip-trunk/ok-deleted.json"), "SIP trunk deleted", |c| {
        c.sip_trunks().delete("trunk-uuid-1")
    });
    assert_request(&request, "DELETE", "/api/v1/sip-trunks/trunk-uuid-1");
}

#[test]
fn sip_trunks_verify() {
    let (verification, request) =
        exchange(fixture!("verify-sip-trunk/ok-verified.json"), |c| c.sip_trunks().verify("trunk-uuid-1"));
    assert_request(&request, "POST", "/api/v1/sip-trunks/trunk-uuid-1/verify");
    assert!(request.body().is_empty());
    assert!(verification.is_verified);
}

#[test]
fn sip_trunks_health_reports_an_unhealthy_trunk_as_data() {
    let (health, request) =
        exchange(fixture!("get-sip-trunk-health/ok-unhealthy.json"), |c| c.sip_trunks().health("trunk-uuid-1"));
    assert_request(&request, "GET", "/api/v1/sip-trunks/trunk-uuid-1/health");
    assert!(!health.is_healthy);
    assert_eq!(health.error.as_deref(), Some("Connection timeout"));
}

#[test]
fn sip_trunk_dids_list() {
    let (dids, request) =
        exchange(fixture!("list-sip-trunk-dids/ok-list.json"), |c| c.sip_trunks().dids("trunk-uuid-1").list());
    assert_request(&request, "GET", "/api/v1/sip-trunks/trunk-uuid-1/dids");
    assert_eq!(dids.items[1].number, "+15559876543");
}

#[test]
fn sip_trunk_dids_create() {
    let (did, request) = exchange(fixture!("create-sip-trunk-did/ok-created.json"), |c| {
        c.sip_trunks().dids("trunk-uuid-1").create(NewSipTrunkDid::new("US", "+15551234567"))
    });
    assert_request(&request, "POST", "/api/v1/sip-trunks/trunk-uuid-1/dids");
    assert_eq!(
        serde_json::from_slice::<Value>(request.body()).unwrap(),
        serde_json::json!({ "country_code": "US", "number": "+15551234567" })
    );
    assert_eq!(did.trunk_id.as_ref().map(|id| id.as_str()), Some("trunk-uuid-1"));
}

#[test]
fn sip_trunk_dids_delete() {
    let request = acknowledged(fixture!("delete-sip-trunk-did/ok-removed.json"), "DID removed", |c| {
        c.sip_trunks().dids("trunk-uuid-1").delete("phone-uuid-1")
    });
    assert_request(&request, "DELETE", "/api/v1/sip-trunks/trunk-uuid-1/dids/phone-uuid-1");
}

#[test]
fn sip_trunk_ids_are_escaped_as_one_segment() {
    let (seen, client) = client_answering(vec![fixture!("delete-sip-trunk-did/ok-removed.json").response()]);
    client.sip_trunks().dids("trunk/1").delete("+1 555").unwrap();
    assert_eq!(seen.lock().unwrap()[0].uri().path(), "/api/v1/sip-trunks/trunk%2F1/dids/%2B1%20555");
}

// ---------------------------------------------------------------------------------------------------
// Auto top-up

#[test]
fn auto_topup_settings() {
    let (settings, request) =
        exchange(fixture!("get-auto-topup-settings/ok-settings.json"), |c| c.auto_topup().settings());
    assert_request(&request, "GET", "/api/v1/auto-topup/settings");
    assert!(settings.is_enabled);
    assert_eq!(settings.threshold_amount.as_ref().map(Decimal::as_str), Some("50.00"));
}

#[test]
fn auto_topup_update_threshold() {
    let (settings, request) = exchange(fixture!("update-auto-topup-settings/ok-threshold.json"), |c| {
        c.auto_topup().update(
            AutoTopupSettingsUpdate::new()
                .is_enabled(true)
                .threshold_amount(amount("50"))
                .recharge_amount(amount("100"))
                .payment_method_id("pm_uuid_1"),
        )
    });
    assert_request(&request, "PUT", "/api/v1/auto-topup/settings");
    assert_eq!(
        std::str::from_utf8(request.body()).unwrap(),
        r#"{"is_enabled":true,"threshold_amount":50,"recharge_amount":100,"payment_method_id":"pm_uuid_1"}"#
    );
    assert_eq!(settings.payment_method_id.as_ref().map(|id| id.as_str()), Some("pm_uuid_1"));
}

#[test]
fn auto_topup_update_scheduled() {
    let (settings, request) = exchange(fixture!("update-auto-topup-settings/ok-scheduled.json"), |c| {
        c.auto_topup().update(
            AutoTopupSettingsUpdate::new()
                .is_enabled(true)
                .scheduled_payment_enabled(true)
                .scheduled_amount(amount("200"))
                .day_of_month(1)
                .payment_method_id("pm_uuid_1"),
        )
    });
    assert_eq!(request.method(), "PUT");
    let body: Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(body["day_of_month"], 1);
    assert_eq!(settings.daily_limit.as_ref().map(Decimal::as_str), Some("500.00"));
}

#[test]
fn auto_topup_test() {
    let (charge, request) = exchange(fixture!("test-auto-topup/ok-test-recharge.json"), |c| c.auto_topup().test());
    assert_request(&request, "POST", "/api/v1/auto-topup/test");
    assert!(request.body().is_empty());
    assert_eq!(charge.new_balance.as_str(), "250.00");
    assert_eq!(charge.transaction_id.as_str(), "txn_uuid_1");
}

#[test]
fn auto_topup_disable() {
    let (settings, request) = exchange(fixture!("disable-auto-topup/ok-disabled.json"), |c| c.auto_topup().disable());
    assert_request(&request, "POST", "/api/v1/auto-topup/disable");
    assert!(!settings.is_enabled);
}

#[test]
fn auto_topup_history_one_page() {
    let (page, request) =
        exchange(fixture!("get-auto-topup-history/ok-history.json"), |c| c.auto_topup().history().per_page(10).send());
    assert_request(&request, "GET", "/api/v1/auto-topup/history");
    assert_eq!(sent_query(&request), pairs(&[("per_page", "10")]));
    assert_eq!(page.items[1].status, AutoTopupStatus::Failed);
    assert_eq!(page.next_page(), Some(2));
}

#[test]
fn auto_topup_history_items_fetch_the_next_page() {
    let empty = r#"{"success":true,"data":[],"pagination":{"current_page":2,"per_page":10,"total":23,"last_page":3}}"#;
    let (seen, client) =
        client_answering(vec![fixture!("get-auto-topup-history/ok-history.json").response(), json(200, empty)]);
    let mut events: Vec<_> = client.auto_topup().history().page(1).per_page(10).items().collect();
    // Page 2 came back empty though its block counts 23 items: the walk ends, saying so, not silently.
    let error = events.pop().unwrap().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.to_string().contains("page 2 came back empty"), "{error}");
    let events: Vec<_> = events.into_iter().collect::<Result<_, _>>().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].id.as_str(), "topup-uuid-1");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(sent_query(&seen[0]), pairs(&[("page", "1"), ("per_page", "10")]));
    // The fixture says page 1 of 3: the next request asks for page 2, whose emptiness ends the list.
    assert_eq!(sent_query(&seen[1]), pairs(&[("page", "2"), ("per_page", "10")]));
}

#[test]
fn auto_topup_payment_methods() {
    let (methods, request) =
        exchange(fixture!("list-auto-topup-payment-methods/ok-list.json"), |c| c.auto_topup().payment_methods());
    assert_request(&request, "GET", "/api/v1/auto-topup/payment-methods");
    assert_eq!(methods.items[0].method_type, PaymentMethodType::Card);
    assert_eq!(methods.items[1].card.as_ref().and_then(|card| card.last4.as_deref()), Some("5555"));
}

// ---------------------------------------------------------------------------------------------------
// Account

#[test]
fn api_tokens_list() {
    let (tokens, request) = exchange(fixture!("list-user-api-tokens/ok-list.json"), |c| c.api_tokens().list());
    assert_request(&request, "GET", "/api/v1/user/api-tokens");
    assert_eq!(tokens.items[1].name, "Local Development");
    assert!(tokens.items[1].last_used_at.is_none());
}

#[test]
fn api_tokens_create_keeps_the_value_secret() {
    let (created, request) = exchange(fixture!("create-user-api-token/ok-created.json"), |c| {
        c.api_tokens().create(NewApiToken::new("CI Pipeline").abilities(["*"]))
    });
    assert_request(&request, "POST", "/api/v1/user/api-tokens");
    assert_eq!(request.body().as_slice(), br#"{"name":"CI Pipeline","abilities":["*"]}"#);
    assert_eq!(created.token.expose_secret(), "1|abc123def456.");
    assert!(!format!("{created:?}").contains("abc123def456"));
}

#[test]
fn api_tokens_delete() {
    let request = acknowledged(fixture!("delete-user-api-token/ok-revoked.json"), "Token revoked", |c| {
        c.api_tokens().delete("token-uuid-1")
    });
    assert_request(&request, "DELETE", "/api/v1/user/api-tokens/token-uuid-1");
}

#[test]
fn current_user() {
    let (user, request) = exchange(fixture!("get-current-user/ok-user.json"), |c| c.current_user());
    assert_eq!(request.method(), "GET");
    assert_eq!(request.uri(), "https://app.talkover.ai/api/user");
    assert_eq!(user.email, "alice@example.com");
}

#[test]
fn current_user_leaves_the_version_prefix_of_a_custom_base_url() {
    let seen = Seen::default();
    let log = seen.clone();
    let user_fixture = fixture!("get-current-user/ok-user.json");
    let client = talkover::blocking::Client::builder()
        .token(TOKEN)
        .base_url("http://127.0.0.1:9/api/v1")
        .transport(move |request: HttpRequest| -> Result<HttpResponse, TransportError> {
            log.lock().unwrap().push(request);
            Ok(user_fixture.response())
        })
        .build()
        .unwrap();

    let user = client.current_user().unwrap();

    assert_eq!(user.id.as_str(), "user-uuid-1");
    let request = &seen.lock().unwrap()[0];
    assert_eq!(request.method(), "GET");
    assert_eq!(request.uri(), "http://127.0.0.1:9/api/user");
    assert_eq!(request.uri().path(), "/api/user");
}

#[test]
fn health() {
    let (health, request) = exchange(fixture!("health/ok-status.json"), |c| c.health());
    assert_request(&request, "GET", "/api/v1/health");
    assert_eq!(health.status, "ok");
}

// ---------------------------------------------------------------------------------------------------
// The async client runs the same handlers.

#[tokio::test]
async fn async_client_runs_the_same_handlers() {
    let seen = Seen::default();
    let log = seen.clone();
    let client = talkover::Client::with_transport(ClientConfig::new(TOKEN).unwrap(), move |request: HttpRequest| {
        let response = match request.uri().path() {
            "/api/v1/voice-templates" => fixture!("list-voice-templates/ok-filter-language.json").response(),
            "/api/v1/sip-trunks/trunk-uuid-1/health" => fixture!("get-sip-trunk-health/ok-healthy.json").response(),
            other => json(404, &format!(r#"{{"message":"unexpected {other}"}}"#)),
        };
        log.lock().unwrap().push(request);
        async move { Ok(response) }
    });

    let groups = client.voice_templates().list().language(talkover::language::Language::PtBr).await.unwrap();
    let health = client.sip_trunks().health("trunk-uuid-1").await.unwrap();

    assert_eq!(groups.items[1].display_name, "Isabela");
    assert!(health.is_healthy);
    assert_eq!(health.response_time_ms, Some(142.0));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].method(), "GET");
    assert_eq!(sent_query(&seen[0]), pairs(&[("language", "pt-BR")]));
    assert_eq!(seen[1].uri().path(), "/api/v1/sip-trunks/trunk-uuid-1/health");
}
