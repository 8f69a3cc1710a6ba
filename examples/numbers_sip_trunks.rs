//! Phone numbers and SIP trunks: list your numbers and their release requests, bring a carrier's SIP trunk,
//! verify it, check its health and attach a number (DID) to it.
//!
//! `cargo run --example numbers_sip_trunks` runs on the local emulator: no token, no network (it starts
//! with the reference's recorded numbers and trunk, and keeps what the example adds). With `TALKOVER_TOKEN`
//! set it only lists: adding a trunk needs your carrier's real credentials.

use talkover::sip_trunks::{NewSipTrunk, NewSipTrunkDid, NewSipTrunkRequired, SipTransport};
use talkover_examples::connect;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = connect().await?;

    let numbers = client.phone_numbers().list().has_voice(true).send().await?;
    println!("{} numbers with voice", numbers.items.len());
    for number in &numbers.items {
        println!("  {} ({}) {:?}", number.formatted_number, number.id, number.current_status);
    }
    for request in client.phone_numbers().release_requests().await?.items {
        println!("  release of {} requested: {:?} ({})", request.phone_number, request.status, request.reason);
    }

    let trunks = client.sip_trunks();
    for trunk in trunks.list().await?.items {
        println!("trunk {} ({}) at {}", trunk.name, trunk.id, trunk.domain.as_deref().unwrap_or("?"));
    }
    if emulator.is_none() {
        return Ok(());
    }

    let trunk = trunks
        .create(
            NewSipTrunk::new(NewSipTrunkRequired {
                name: "Primary carrier".into(),
                provider_name: "carrier-x".into(),
                domain: "sip.carrier-x.example".into(),
                username: "user_42".into(),
                password: "s3cret".into(),
            })
            .transport(SipTransport::Tls),
        )
        .await?;
    println!("created trunk {} ({})", trunk.name, trunk.id);
    // A check that ran and failed is an answer too: `is_verified` false, and why in `error`.
    let verification = trunks.verify(&trunk.id).await?;
    match verification.error.as_deref() {
        Some(why) if !verification.is_verified => println!("not verified: {why}"),
        _ => println!("verified: {}", verification.is_verified),
    }
    let health = trunks.health(&trunk.id).await?;
    println!("healthy: {} ({} ms)", health.is_healthy, health.response_time_ms.unwrap_or(0.0));
    let did = trunks.dids(&trunk.id).create(NewSipTrunkDid::new("US", "+15555550123")).await?;
    println!("number {} ({}) now routes through the trunk", did.number, did.id);
    for did in trunks.dids(&trunk.id).list().await?.items {
        println!("  DID {}", did.number);
    }
    // A trunk with numbers attached cannot be deleted (409 TRUNK_HAS_DIDS): detach them first.
    trunks.dids(&trunk.id).delete(&did.id).await?;
    trunks.delete(&trunk.id).await?;
    println!("number detached, trunk deleted");
    Ok(())
}
