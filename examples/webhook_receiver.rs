//! A webhook receiver on axum that verifies, decodes and logs Talkover deliveries using only
//! `talkover-core`: the API's types reused in a server, with no Talkover client and no token.
//!
//! ```sh
//! TALKOVER_WEBHOOK_SECRET=whsec_... TALKOVER_SIGNATURE_HEADER=<header name> \
//!     cargo run -p talkover-examples --example webhook_receiver
//! ```
//!
//! It listens on `127.0.0.1:8787` (`WEBHOOK_RECEIVER_ADDR` to change it) at `POST /webhooks/talkover`; put it
//! behind your HTTPS reverse proxy and give that URL as the webhook's `webhook_url`. Each delivery's signature
//! (HMAC-SHA256 of the body with the webhook's secret) is checked before the body is read as JSON: 401 when
//! it does not match, 400 when the body is not a delivery, 200 otherwise.
//!
//! The API reference does not name the header that carries the signature, so this example takes its name
//! from `TALKOVER_SIGNATURE_HEADER`: send a test delivery (test-webhook) and look at its headers to find it.
//! Without the two variables the example runs a demonstration: it signs the documented test delivery with a
//! made-up secret, posts it to itself over loopback, logs it and exits.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::routing::post;
use axum::Router;
use talkover_core::webhook_delivery::{WebhookDelivery, WebhookKey};
use talkover_core::webhooks::AgentWebhookEvent;

/// Where deliveries are posted.
pub const PATH: &str = "/webhooks/talkover";

/// The largest delivery accepted, in bytes.
pub const MAX_BODY: usize = 1024 * 1024;

/// A delivery of an agent webhook (campaign webhooks: `WebhookDelivery<CampaignWebhookEvent>`).
pub type Delivery = WebhookDelivery<AgentWebhookEvent>;

struct Receiver {
    key: WebhookKey,
    signature_header: HeaderName,
    on_delivery: Box<dyn Fn(Delivery) + Send + Sync>,
}

/// The receiver's routes: deliveries verified with `key` (the webhook's secret), whose signature is read
/// from `signature_header`, are handed to `on_delivery`.
pub fn app(
    key: WebhookKey,
    signature_header: HeaderName,
    on_delivery: impl Fn(Delivery) + Send + Sync + 'static,
) -> Router {
    let receiver = Arc::new(Receiver { key, signature_header, on_delivery: Box::new(on_delivery) });
    Router::new().route(PATH, post(receive)).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(receiver)
}

async fn receive(State(receiver): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> (StatusCode, &'static str) {
    // Verify the exact bytes received, before reading them as JSON.
    let Some(signature) = headers.get(&receiver.signature_header).and_then(|v| v.to_str().ok()) else {
        return (StatusCode::UNAUTHORIZED, "missing signature");
    };
    if let Err(error) = receiver.key.verify_signature(&body, signature) {
        eprintln!("refused a delivery: {error}");
        return (StatusCode::UNAUTHORIZED, "bad signature");
    }
    match Delivery::from_slice(&body) {
        Ok(delivery) => {
            (receiver.on_delivery)(delivery);
            (StatusCode::OK, "ok")
        }
        Err(error) => {
            eprintln!("refused a signed body: {error}");
            (StatusCode::BAD_REQUEST, "not a delivery")
        }
    }
}

/// One line per delivery: what happened, to which agent, through which webhook, when.
pub fn log(delivery: Delivery) {
    let fields: Vec<&str> = delivery.payload.keys().map(String::as_str).collect();
    println!(
        "{}delivery {} agent={} webhook={} at={} fields=[{}]",
        if delivery.is_test() { "test " } else { "" },
        delivery.event_name().unwrap_or_else(|| "(no event name)".to_owned()),
        delivery.agent_id.as_ref().map_or("-", |id| id.as_str()),
        delivery.webhook_id.as_ref().map_or("-", |id| id.as_str()),
        delivery.timestamp.as_ref().map_or("-", |at| at.as_str()),
        fields.join(", "),
    );
}

/// Posts `body` to a receiver over plain HTTP/1.1 with the signature header set; gives the status code.
/// Blocking: call it off the async runtime.
pub fn post_delivery(addr: SocketAddr, header: &str, signature: &str, body: &[u8]) -> std::io::Result<u16> {
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n{header}: {signature}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut answer = Vec::new();
    stream.take(64 * 1024).read_to_end(&mut answer)?;
    let status = String::from_utf8_lossy(&answer).split(' ').nth(1).and_then(|s| s.parse().ok());
    status.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no HTTP status in the answer"))
}

/// The test delivery the reference documents for test-webhook.
pub const DOCUMENTED_TEST_DELIVERY: &str = r#"{"event":"webhook.test","agent_id":"9fbef0b7-8d4e-4a08-9207-66c22155721d","agent_name":"My Agent","webhook_id":"9fcafbf2-7593-44d6-8cd7-1b221beba62a","webhook_name":"My Webhook","timestamp":"2025-09-03T23:19:51.000Z","test":true}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configured = (std::env::var("TALKOVER_WEBHOOK_SECRET"), std::env::var("TALKOVER_SIGNATURE_HEADER"));
    let (Ok(secret), Ok(header)) = configured else {
        return demo().await;
    };
    let addr = std::env::var("WEBHOOK_RECEIVER_ADDR").unwrap_or_else(|_| "127.0.0.1:8787".to_owned());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("receiving Talkover deliveries on http://{}{PATH}, signature in `{header}`", listener.local_addr()?);
    axum::serve(listener, app(WebhookKey::new(&secret)?, HeaderName::try_from(header)?, log)).await?;
    Ok(())
}

/// Without configuration: sign the documented test delivery, post it to a receiver on loopback, and stop.
async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    println!("TALKOVER_WEBHOOK_SECRET and TALKOVER_SIGNATURE_HEADER are not both set: running a demonstration.");
    let (key, header) = (WebhookKey::new("whsec_demo_only")?, "x-demo-signature");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server =
        tokio::spawn(async move { axum::serve(listener, app(key, HeaderName::from_static(header), log)).await });

    let body = DOCUMENTED_TEST_DELIVERY.as_bytes();
    let signature = talkover_core::webhook_delivery::sign("whsec_demo_only", body);
    let signed = tokio::task::spawn_blocking(move || post_delivery(addr, header, &signature, body)).await??;
    println!("signed delivery answered {signed}");
    let forged = tokio::task::spawn_blocking(move || post_delivery(addr, header, &"0".repeat(64), body)).await??;
    println!("forged delivery answered {forged}");
    server.abort();
    Ok(())
}
