//! The webhook receiver example end to end over loopback: signed deliveries are verified, decoded and handed
//! on; forged, tampered, unsigned and malformed ones are refused.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::http::HeaderName;
use talkover_core::webhook_delivery::{sign, WebhookKey};
use talkover_core::webhooks::AgentWebhookEvent;

#[allow(dead_code)]
#[path = "../webhook_receiver.rs"]
mod receiver;

use receiver::{post_delivery, Delivery, DOCUMENTED_TEST_DELIVERY};

const SECRET: &str = "whsec_receiver_test_secret";
const HEADER: &str = "x-test-signature";

/// Starts the example's app on 127.0.0.1 and gives its address and what it received.
async fn start() -> (SocketAddr, Arc<Mutex<Vec<Delivery>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let sink = received.clone();
    let app = receiver::app(WebhookKey::new(SECRET).unwrap(), HeaderName::from_static(HEADER), move |delivery| {
        sink.lock().unwrap().push(delivery)
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, received)
}

/// Posts off the runtime, with the given header (or none when `header` is empty).
async fn post(addr: SocketAddr, header: &'static str, signature: String, body: Vec<u8>) -> u16 {
    tokio::task::spawn_blocking(move || {
        if header.is_empty() {
            post_delivery(addr, "x-other", &signature, &body)
        } else {
            post_delivery(addr, header, &signature, &body)
        }
    })
    .await
    .unwrap()
    .unwrap()
}

fn base64(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(DIGITS[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn unhex(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn signed_deliveries_are_verified_decoded_and_handed_on() {
    let (addr, received) = start().await;

    let body = DOCUMENTED_TEST_DELIVERY.as_bytes().to_vec();
    assert_eq!(post(addr, HEADER, sign(SECRET, &body), body.clone()).await, 200);

    let call_ended = br#"{"event":"event_phone_call_ended","agent_id":"agent-1","webhook_id":"hook-1","timestamp":"2025-09-03T23:20:00Z","call_id":"call-uuid","duration":45,"added_later":{"x":1}}"#.to_vec();
    let signature = format!("sha256={}", base64(&unhex(&sign(SECRET, &call_ended))));
    assert_eq!(post(addr, HEADER, signature, call_ended).await, 200);

    let received = received.lock().unwrap();
    assert_eq!(received.len(), 2);
    assert!(received[0].is_test());
    assert_eq!(received[0].webhook_name.as_deref(), Some("My Webhook"));
    assert_eq!(received[1].event, Some(AgentWebhookEvent::PhoneCallEnded));
    assert_eq!(received[1].agent_id.as_ref().map(|id| id.as_str()), Some("agent-1"));
    assert_eq!(received[1].payload["duration"], 45);
    assert_eq!(received[1].payload["added_later"]["x"], 1);
}

#[tokio::test(flavor = "current_thread")]
async fn forged_tampered_unsigned_and_malformed_deliveries_are_refused() {
    let (addr, received) = start().await;
    let body = DOCUMENTED_TEST_DELIVERY.as_bytes().to_vec();
    let good = sign(SECRET, &body);

    let mut tampered = body.clone();
    tampered[10] ^= 1;
    assert_eq!(post(addr, HEADER, good.clone(), tampered).await, 401);
    assert_eq!(post(addr, HEADER, sign("whsec_someone_else", &body), body.clone()).await, 401);
    assert_eq!(post(addr, HEADER, "0".repeat(64), body.clone()).await, 401);
    assert_eq!(post(addr, HEADER, "not a signature".to_owned(), body.clone()).await, 401);
    assert_eq!(post(addr, "", good, body).await, 401);

    let not_json = b"<html>signed, but not a delivery</html>".to_vec();
    assert_eq!(post(addr, HEADER, sign(SECRET, &not_json), not_json).await, 400);

    // Refused before it is read: 413, or the connection closed while the rest was still being written.
    let too_large = vec![b' '; receiver::MAX_BODY + 1];
    let signature = sign(SECRET, &too_large);
    let answer = tokio::task::spawn_blocking(move || post_delivery(addr, HEADER, &signature, &too_large));
    let answer = answer.await.unwrap();
    assert!(matches!(answer, Ok(413) | Err(_)), "{answer:?}");

    assert!(received.lock().unwrap().is_empty());
}
