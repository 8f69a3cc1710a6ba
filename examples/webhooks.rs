//! Webhooks: create one on an agent with a signing secret, ask the API to send it a test delivery, read its
//! delivery logs, and verify and decode a delivery the way your endpoint does (`handle_delivery`).
//!
//! `cargo run --example webhooks` runs on the local emulator: no token, no network. The emulator really
//! sends the test delivery, to `http://` URLs only, so to this webhook's `https://example.com` it fails, and
//! the example shows how a failed test reads; it then signs a delivery as the API does and hands it to
//! `handle_delivery`. See `webhook_receiver.rs` for the same in an HTTP server. With `TALKOVER_TOKEN` set it creates the webhook on
//! a new draft agent of your account and deletes it at the end.

use talkover::webhook_delivery::{sign, WebhookDelivery, WebhookKey};
use talkover::webhooks::{AgentWebhookEvent, NewAgentWebhook};
use talkover_examples::{connect, demo_agent};

/// What a webhook endpoint does with a delivery: check the signature of the exact bytes received with the
/// webhook's key (its secret, read once at start), then decode them. `signature` is the value of the
/// delivery's signature header.
fn handle_delivery(
    key: &WebhookKey,
    body: &[u8],
    signature: &str,
) -> Result<WebhookDelivery<AgentWebhookEvent>, Box<dyn std::error::Error>> {
    key.verify_signature(body, signature)?;
    Ok(WebhookDelivery::from_slice(body)?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = connect().await?;
    let agent = client.agents().create(demo_agent()).await?;
    let webhooks = client.agents().webhooks(&agent.id);

    let secret = "whsec_example_secret";
    let events = [AgentWebhookEvent::PhoneCallStarted, AgentWebhookEvent::PhoneCallEnded];
    let webhook = webhooks
        .create(NewAgentWebhook::new("Call events", "https://example.com/webhooks", events).webhook_secret(secret))
        .await?;
    println!("webhook {} ({}) -> {}, enabled: {}", webhook.name, webhook.id, webhook.webhook_url, webhook.enabled);

    // A test that does not reach the endpoint, or that it refuses, comes back as an error.
    match webhooks.test(&webhook.id).await {
        Ok(test) => println!("test delivery: the endpoint answered {} in {} ms", test.status_code, test.response_time),
        Err(error) => println!("test delivery failed: {}", error.message().unwrap_or("no message")),
    }
    for log in webhooks.logs(&webhook.id).per_page(10).send().await?.items {
        println!("  log: {} attempt {}: {}", log.event, log.attempt, log.status);
    }

    // A delivery as it reaches your endpoint: the body, and its signature in a header.
    let key = WebhookKey::new(secret)?;
    let body = br#"{"event":"event_phone_call_ended","agent_id":"agent-1","webhook_id":"hook-1","timestamp":"2030-01-06T15:00:00Z","call_id":"call-1","duration":42}"#;
    let signature = key.sign(body);
    let delivery = handle_delivery(&key, body, &signature)?;
    println!(
        "verified delivery: {:?} for agent {:?}, duration {}",
        delivery.event, delivery.agent_id, delivery.payload["duration"]
    );
    match handle_delivery(&key, body, &sign("someone else's secret", body)) {
        Ok(_) => println!("a forged delivery was accepted?!"),
        Err(error) => println!("forged delivery refused: {error}"),
    }

    webhooks.delete(&webhook.id).await?;
    client.agents().delete(&agent.id).await?;
    println!("webhook and agent deleted");
    Ok(())
}
