//! Calls and campaigns: create a campaign for an agent, activate it, queue a call, handle the 409 the API
//! answers when the same number is queued twice, follow the campaign's calls, then place and end a direct
//! test call.
//!
//! `cargo run --example calls_campaigns` runs on the local emulator: no token, no network. With
//! `TALKOVER_TOKEN` set it runs on your account: it creates and publishes an agent and creates a campaign, and queues or places
//! calls only when `TALKOVER_TEST_PHONE` names a number to ring.

use talkover::calls::{existing_call, NewCall, NewCampaignCall};
use talkover::campaigns::{CallTimeRange, CampaignStatus, CampaignType, NewCampaign, NewCampaignRequired};
use talkover::time::{Date, Weekday};
use talkover_examples::{connect, demo_action, demo_agent, demo_voice, test_phone};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = connect().await?;
    // Calls need a published agent: one with a description (`demo_agent` gives it) and a voice; the action
    // is what it can do during a call.
    let agent = client.agents().create(demo_agent()).await?;
    let voices = client.voice_templates().list().send().await?;
    let (voice, _) = demo_voice(&voices.items, &agent).ok_or("the API offers no voice template")?;
    client.agents().update_voice(&agent.id, voice).await?;
    client.agents().actions(&agent.id).create(demo_action()).await?;
    let published = client.agents().publish(&agent.id).await?;
    println!("agent {} ({}): {}", agent.name, agent.id, published.current_status);

    let draft = NewCampaign::new(NewCampaignRequired {
        name: "Appointment reminders".into(),
        campaign_type: CampaignType::Sales,
        agent_id: agent.id.clone(),
        start_date: Date::new("2030-01-06")?,
        days_of_week: Weekday::MONDAY_TO_FRIDAY.to_vec(),
        call_time_ranges: vec![CallTimeRange::parse("09:00", "17:00")?],
        timezone: "America/New_York".into(),
    });
    let campaign = client.campaigns().create(draft).await?;
    let activated = client.campaigns().update_status(&campaign.id, CampaignStatus::Active).await?;
    println!("campaign {} ({}): {}", campaign.name, campaign.id, activated.status);

    let Some(phone) = test_phone(talkover_examples::live()) else {
        println!("no calls: set {} to ring a phone", talkover_examples::TEST_PHONE_ENV);
        return Ok(());
    };

    // Queue a call; the campaign's agent places it within its schedule and retry rules.
    let queued = client.campaigns().call(&campaign.id, NewCampaignCall::new(&phone)).await?;
    println!("queued {} to {}: {}", queued.campaign_call.id, queued.campaign_call.to, queued.campaign_call.status);

    // The same number again while that call waits: the API answers 409 and names the waiting call.
    match client.campaigns().call(&campaign.id, NewCampaignCall::new(&phone)).await {
        Ok(again) => println!("queued another call: {}", again.campaign_call.id),
        Err(error) => match existing_call(&error) {
            Some(waiting) => println!("409: {} is already {} for {}", waiting.id, waiting.status, waiting.to),
            None => return Err(error.into()),
        },
    }

    // Follow the campaign: its calls and statistics.
    let campaign = client.campaigns().get(&campaign.id).await?;
    for call in campaign.calls.as_deref().unwrap_or_default() {
        println!("  campaign call {} to {}: {} (retries {})", call.id, call.to, call.status, call.retries.unwrap_or(0));
    }

    // A direct test call from the agent, outside any campaign, then hang it up.
    let placed = client.agents().call(&agent.id, NewCall::new(&phone).is_testing(true)).await?;
    println!("placed test call {}: {}", placed.id, placed.status);
    match client.calls().end(&agent.id, &placed.id).await {
        Ok(ended) => println!("ended: {ended:?}"),
        Err(error) => println!("not ended ({}): {error}", error.kind()),
    }

    client.campaigns().update_status(&campaign.id, CampaignStatus::Cancelled).await?;
    client.campaigns().delete(&campaign.id).await?;
    println!("campaign cancelled and deleted");
    Ok(())
}
