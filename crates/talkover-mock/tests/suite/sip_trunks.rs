//! SIP trunks and their numbers are kept by the emulator: what is created is listed and returned, updates
//! stick, deletes remove, and the documented conflicts and validations answer as the reference says.

use crate::common;

use common::raw::{error_fields, send};
use common::{api, assert_api};
use serde_json::json;
use talkover::sip_trunks::{
    NewSipTrunk, NewSipTrunkDid, NewSipTrunkRequired, SipTransport, SipTrunkHealthStatus, SipTrunkUpdate,
};
use talkover::webhooks::{AgentWebhookEvent, NewAgentWebhook};
use talkover::ErrorKind;
use talkover_mock::Server;

fn trunk(name: &str) -> NewSipTrunk {
    NewSipTrunk::new(NewSipTrunkRequired {
        name: name.into(),
        provider_name: "carrier-y".into(),
        domain: "sip.carrier-y.example".into(),
        username: "user_7".into(),
        password: "s3cret-pass".into(),
    })
    .transport(SipTransport::Udp)
}

#[test]
fn a_trunk_lives_from_create_to_delete_on_the_blocking_client() {
    let (server, client) = common::start_blocking();
    let trunks = client.sip_trunks();

    let seeded = trunks.list().unwrap().items;
    assert!(seeded.iter().any(|t| t.id.as_str() == "trunk-uuid-1"), "the recorded trunk exists: {seeded:?}");

    let created = trunks.create(trunk("Backup carrier")).unwrap();
    assert_eq!(created.name, "Backup carrier");
    assert_eq!(created.port, Some(5060), "UDP's default port");
    assert!(!created.is_active && !created.is_verified);

    let listed = trunks.list().unwrap().items;
    assert_eq!(listed.len(), seeded.len() + 1);
    let got = trunks.get(&created.id).unwrap();
    assert_eq!(got, created);

    let verified = trunks.verify(&created.id).unwrap();
    assert!(verified.is_verified);
    assert!(trunks.health(&created.id).unwrap().is_healthy);
    // A whole number of milliseconds is written as the reference's example writes it (`142`).
    let (status, body) = send(&server, "GET", &format!("/sip-trunks/{}/health", created.id.as_str()), "");
    assert_eq!(status, 200, "{body}");
    assert!(body["data"]["response_time_ms"].is_u64(), "{body}");
    let updated = trunks.update(&created.id, SipTrunkUpdate::new().name("Backup (renamed)").is_active(true)).unwrap();
    assert_eq!(updated.name.as_deref(), Some("Backup (renamed)"));
    let got = trunks.get(&created.id).unwrap();
    assert_eq!(got.name, "Backup (renamed)");
    assert!(got.is_active && got.is_verified);
    assert_eq!(got.health_status, Some(SipTrunkHealthStatus::Healthy));
    // New credentials need a new verification.
    let moved = trunks.update(&created.id, SipTrunkUpdate::new().domain("sip.other.example")).unwrap();
    assert_eq!(moved.is_verified, Some(false));

    let dids = trunks.dids(&created.id);
    assert!(dids.list().unwrap().items.is_empty());
    let did = dids.create(NewSipTrunkDid::new("US", "+15557654321")).unwrap();
    assert_eq!(did.trunk_id.as_ref(), Some(&created.id));
    assert_eq!(did.formatted_number.as_deref(), Some("(555) 765-4321"));
    assert_eq!(dids.list().unwrap().items, vec![did.clone()]);
    let again = dids.create(NewSipTrunkDid::new("US", "+15557654321")).unwrap_err();
    assert_eq!(api(&again).code.as_deref(), Some("DID_ALREADY_EXISTS"));

    let refused = trunks.delete(&created.id).unwrap_err();
    assert_eq!(api(&refused).status.as_u16(), 409);
    assert_eq!(api(&refused).code.as_deref(), Some("TRUNK_HAS_DIDS"));
    dids.delete(&did.id).unwrap();
    assert!(dids.list().unwrap().items.is_empty());
    trunks.delete(&created.id).unwrap();

    assert_eq!(trunks.list().unwrap().items.len(), seeded.len());
    let gone = trunks.get(&created.id).unwrap_err();
    assert_api(&gone, 404, ErrorKind::NotFound, "SIP trunk not found");
    assert_eq!(api(&trunks.delete(&created.id).unwrap_err()).status.as_u16(), 404);
}

#[tokio::test]
async fn the_async_client_sees_the_same_trunks() {
    let (_server, client) = common::start_async().await;
    let created = client.sip_trunks().create(trunk("Async carrier").port(5080).auth_realm("r")).await.unwrap();
    assert_eq!(created.port, Some(5080));
    let got = client.sip_trunks().get(&created.id).await.unwrap();
    assert_eq!((got.name.as_str(), got.auth_realm.as_deref()), ("Async carrier", Some("r")));
    client.sip_trunks().update(&created.id, SipTrunkUpdate::new().clear_auth_realm()).await.unwrap();
    assert_eq!(client.sip_trunks().get(&created.id).await.unwrap().auth_realm, None);
    client.sip_trunks().delete(&created.id).await.unwrap();
    let gone = client.sip_trunks().get(&created.id).await.unwrap_err();
    assert_eq!(api(&gone).status.as_u16(), 404);
}

/// A proxy and a realm set at creation go when an update sends them as `null`, and stay when it leaves
/// them out: on the client and over plain HTTP.
#[test]
fn an_update_removes_the_proxy_and_realm_it_clears_and_keeps_the_rest() {
    let (server, client) = common::start_blocking();
    let trunks = client.sip_trunks();
    let created =
        trunks.create(trunk("Proxied").outbound_proxy("proxy.carrier-y.example").auth_realm("carrier-y")).unwrap();
    trunks.update(&created.id, SipTrunkUpdate::new().name("Still proxied")).unwrap();
    let kept = trunks.get(&created.id).unwrap();
    assert_eq!(kept.outbound_proxy.as_deref(), Some("proxy.carrier-y.example"));
    trunks.update(&created.id, SipTrunkUpdate::new().clear_outbound_proxy()).unwrap();
    let cleared = trunks.get(&created.id).unwrap();
    assert_eq!((cleared.outbound_proxy, cleared.auth_realm.as_deref()), (None, Some("carrier-y")));

    let path = format!("/sip-trunks/{}", created.id);
    let (status, _) = send(&server, "PUT", &path, r#"{"auth_realm": null}"#);
    assert_eq!(status, 200);
    let (_, answer) = send(&server, "GET", &path, "");
    assert_eq!(answer["data"]["auth_realm"], serde_json::Value::Null, "{answer}");
    assert_eq!(answer["data"]["name"], "Still proxied", "{answer}");
}

#[test]
fn invalid_trunks_and_numbers_answer_422() {
    let server = Server::start_blocking().unwrap();
    let (status, body) = send(&server, "POST", "/sip-trunks", "{}");
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_fields(&body), ["domain", "name", "password", "provider_name", "username"]);
    let (status, body) = send(
        &server,
        "POST",
        "/sip-trunks",
        r#"{"name":"x","provider_name":"p","domain":"d","username":"u","password":"pw","port":0}"#,
    );
    assert_eq!((status, error_fields(&body)), (422, vec!["port".to_owned()]), "{body}");
    let (status, body) =
        send(&server, "POST", "/sip-trunks/trunk-uuid-1/dids", r#"{"country_code":"US","number":"555"}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["number".to_owned()]), "{body}");
    let (status, _) = send(&server, "GET", "/sip-trunks", "");
    assert_eq!(status, 200);
}

#[test]
fn a_trunk_whose_domain_is_no_host_or_never_resolves_fails_verification() {
    let (server, client) = common::start_blocking();
    let trunks = client.sip_trunks();
    for domain in ["sip.bad.invalid", "not a host!!"] {
        let created = trunks
            .create(NewSipTrunk::new(NewSipTrunkRequired {
                name: "Broken".into(),
                provider_name: "carrier-z".into(),
                domain: domain.into(),
                username: "user_1".into(),
                password: "pw-12345".into(),
            }))
            .unwrap();
        // The page's "Verification Failed" answer: a 200 saying success false, the outcome and its reason.
        let (status, body) = send(&server, "POST", &format!("/sip-trunks/{}/verify", created.id.as_str()), "");
        assert_eq!(status, 200, "{body}");
        let keys = |value: &serde_json::Value| {
            let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(keys(&body), ["data", "success"], "{body}");
        assert_eq!(body["success"], false, "{body}");
        assert_eq!(keys(&body["data"]), ["error", "health_status", "is_verified"], "{body}");
        let data = &body["data"];
        assert_eq!((&data["is_verified"], &data["health_status"]), (&json!(false), &json!("unhealthy")), "{body}");
        assert!(data["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
        // The handler gives the failed check as its outcome (the operation alone, as the unsuccessful
        // answer it is); the trunk keeps the outcome.
        let failed = trunks.verify(&created.id).unwrap();
        assert!(!failed.is_verified && failed.error.as_deref().is_some_and(|e| !e.is_empty()), "{failed:?}");
        assert_eq!(failed.health_status, Some(SipTrunkHealthStatus::Unhealthy));
        let unsuccessful = client.execute(talkover::sip_trunks::VerifySipTrunk::new(&created.id)).unwrap_err();
        assert_eq!((api(&unsuccessful).status.as_u16(), api(&unsuccessful).kind), (200, ErrorKind::Unsuccessful));
        let got = trunks.get(&created.id).unwrap();
        assert!(!got.is_verified && !got.is_active, "{got:?}");
        assert_eq!(got.health_status, Some(SipTrunkHealthStatus::Unhealthy));
        assert!(!trunks.health(&created.id).unwrap().is_healthy);
    }
    // A real host name passes; the recorded trunk's too.
    let fixed = trunks.create(trunk("Fixed")).unwrap();
    assert!(trunks.verify(&fixed.id).unwrap().is_verified);
    assert!(trunks.verify("trunk-uuid-1").unwrap().is_verified);
}

#[test]
fn a_trunk_is_active_only_once_verified() {
    let (server, client) = common::start_blocking();
    let trunks = client.sip_trunks();
    // The recorded trunks keep the rule.
    for seeded in trunks.list().unwrap().items {
        assert!(!seeded.is_active || seeded.is_verified, "{seeded:?}");
    }
    let refused = trunks.create(trunk("Eager").is_active(true)).unwrap_err();
    assert_eq!(api(&refused).status.as_u16(), 422, "{refused}");
    assert_eq!(api(&refused).field_errors.keys().collect::<Vec<_>>(), ["is_active"]);
    let before = trunks.list().unwrap().items.len();
    let created = trunks.create(trunk("Patient").is_active(false)).unwrap();
    assert_eq!(trunks.list().unwrap().items.len(), before + 1, "the refused trunk was not kept");

    let path = format!("/sip-trunks/{}", created.id.as_str());
    let (status, body) = send(&server, "PUT", &path, r#"{"is_active":true}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["is_active".to_owned()]), "{body}");
    assert!(!trunks.get(&created.id).unwrap().is_active);

    trunks.verify(&created.id).unwrap();
    let active = trunks.update(&created.id, SipTrunkUpdate::new().is_active(true)).unwrap();
    assert_eq!((active.is_active, active.is_verified), (Some(true), Some(true)));
    // New credentials with activation in one update: the trunk would be unverified, so refused.
    let both = trunks.update(&created.id, SipTrunkUpdate::new().domain("sip.new.example").is_active(true));
    assert_eq!(api(&both.unwrap_err()).field_errors.keys().collect::<Vec<_>>(), ["is_active"]);
    assert_eq!(trunks.get(&created.id).unwrap().domain.as_deref(), Some("sip.carrier-y.example"));
    // New credentials alone take the verification and the activation away.
    let moved = trunks.update(&created.id, SipTrunkUpdate::new().domain("sip.new.example")).unwrap();
    assert_eq!((moved.is_verified, moved.is_active), (Some(false), Some(false)), "{moved:?}");
    // A failed verification too.
    trunks.verify(&created.id).unwrap();
    trunks.update(&created.id, SipTrunkUpdate::new().is_active(true)).unwrap();
    trunks.update(&created.id, SipTrunkUpdate::new().domain("sip.gone.invalid")).unwrap();
    assert!(!trunks.verify(&created.id).unwrap().is_verified);
    let got = trunks.get(&created.id).unwrap();
    assert!(!got.is_active && !got.is_verified, "{got:?}");
}

/// An update cannot blank what create requires, on a trunk as on a webhook: the SDK refuses
/// a blank value before sending, so these go as plain HTTP.
#[test]
fn an_update_cannot_blank_what_create_requires() {
    let (server, client) = common::start_blocking();
    let created = client.sip_trunks().create(trunk("Kept")).unwrap();
    let path = format!("/sip-trunks/{}", created.id.as_str());
    let (status, body) = send(&server, "PUT", &path, r#"{"domain":"  ","name":"Renamed"}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["domain".to_owned()]), "{body}");
    let kept = client.sip_trunks().get(&created.id).unwrap();
    assert_eq!((kept.name.as_str(), kept.domain.as_deref()), ("Kept", Some("sip.carrier-y.example")));

    let agent = client.agents().list().send().unwrap().items.remove(0);
    let new = NewAgentWebhook::new("Ends", "https://example.com/hook", [AgentWebhookEvent::PhoneCallEnded]);
    let hook = client.agents().webhooks(&agent.id).create(new).unwrap();
    let path = format!("/agents/{}/webhooks/{}", agent.id.as_str(), hook.id.as_str());
    let (status, body) = send(&server, "PUT", &path, r#"{"name":" ","webhook_url":""}"#);
    assert_eq!((status, error_fields(&body)), (422, vec!["name".to_owned(), "webhook_url".to_owned()]), "{body}");
}
