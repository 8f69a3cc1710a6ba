//! SIP trunks and their numbers are kept by the emulator: what is created is listed and returned, updates
//! stick, deletes remove, and the documented conflicts and validations answer as the reference says.

mod common;

use common::raw::{error_fields, send};
use common::{api, assert_api};
use talkover::sip_trunks::{NewSipTrunk, NewSipTrunkDid, SipTransport, SipTrunkHealthStatus, SipTrunkUpdate};
use talkover::ErrorKind;
use talkover_mock::Server;

fn trunk(name: &str) -> NewSipTrunk {
    NewSipTrunk::new(name, "carrier-y", "sip.carrier-y.example", "user_7", "s3cret-pass").transport(SipTransport::Udp)
}

#[test]
fn a_trunk_lives_from_create_to_delete_on_the_blocking_client() {
    let (_server, client) = common::start_blocking();
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
    let updated = trunks.update(&created.id, SipTrunkUpdate::new().name("Backup (renamed)").is_active(true)).unwrap();
    assert_eq!(updated.name, "Backup (renamed)");
    let got = trunks.get(&created.id).unwrap();
    assert_eq!(got.name, "Backup (renamed)");
    assert!(got.is_active && got.is_verified);
    assert_eq!(got.health_status, Some(SipTrunkHealthStatus::Healthy));
    // New credentials need a new verification.
    let moved = trunks.update(&created.id, SipTrunkUpdate::new().domain("sip.other.example")).unwrap();
    assert!(!moved.is_verified);

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
    let created = client.sip_trunks().create(trunk("Async carrier").port(5080)).await.unwrap();
    assert_eq!(created.port, Some(5080));
    let got = client.sip_trunks().get(&created.id).await.unwrap();
    assert_eq!(got.name, "Async carrier");
    client.sip_trunks().delete(&created.id).await.unwrap();
    let gone = client.sip_trunks().get(&created.id).await.unwrap_err();
    assert_eq!(api(&gone).status.as_u16(), 404);
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
