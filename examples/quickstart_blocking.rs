//! The SDK's main job, end to end, on the blocking client (ureq, no async runtime in your code): create an agent, give it a voice and an action,
//! publish it, list agents, place a test call and find it in the agent's calls, then unpublish the agent
//! and delete the action.
//!
//! `cargo run --example quickstart_blocking` starts the local emulator (`talkover-mock`) on 127.0.0.1, on a
//! thread of its own, and runs against it over real HTTP: no token, no network. With `TALKOVER_TOKEN` set it runs against the API and
//! creates a real draft agent; it rings a phone only if `TALKOVER_TEST_PHONE` names one.

use talkover::agents::AgentStatus;
use talkover::calls::NewCall;
use talkover_examples::{demo_action, demo_agent, demo_voice, status, test_phone};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let live = talkover_examples::live();
    // Kept alive until the end: dropping the emulator stops it.
    let mut emulator = None;
    let client = if live {
        talkover::blocking::Client::from_env()?
    } else {
        let server = talkover_mock::Server::start_blocking()?;
        let client = talkover::blocking::Client::builder().base_url(server.base_url()).token(server.token()).build()?;
        emulator = Some(server);
        client
    };
    talkover_examples::print_target(client.config(), emulator.is_some());

    let agent = client.agents().create(demo_agent())?;
    println!("1. Created agent {} ({})", agent.name, agent.id);
    println!(
        "   status {}, ready to publish: {}",
        status(&agent.current_status),
        agent.is_ready_to_publish == Some(true)
    );

    let voices = client.voice_templates().list().send()?;
    let (voice, voice_name) = demo_voice(&voices.items, &agent).ok_or("the API offers no voice template")?;
    client.agents().update_voice(&agent.id, voice)?;
    println!("2. Gave it the voice {voice_name}");

    let action = client.agents().actions(&agent.id).create(demo_action())?;
    println!("3. Added the action \"{}\" ({})", action.name, action.id);

    let published = client.agents().publish(&agent.id)?;
    println!("4. Published: status {}", published.current_status);

    let page = client.agents().list().status(AgentStatus::Published).per_page(10).send()?;
    talkover_examples::print_published_agents(&page);

    match test_phone(live) {
        Some(phone) => {
            let call = NewCall::new(&phone).is_testing(true).payload_value("customer_name", "Ada");
            match client.agents().call(&agent.id, call) {
                Ok(placed) => println!("6. Placed a test call to {}: {} is {}", placed.to, placed.id, placed.status),
                Err(error) => println!("6. The test call to {phone} was refused: {error}"),
            }
        }
        None => println!("6. No test call: set {} to ring a phone", talkover_examples::TEST_PHONE_ENV),
    }

    let calls = client.agents().calls(&agent.id).send()?;
    talkover_examples::print_calls(&calls.items);

    let unpublished = client.agents().unpublish(&agent.id)?;
    println!(
        "8. Unpublished: status {} (knowledge, voice, trainings, actions and numbers are kept)",
        unpublished.current_status
    );

    let deleted = client.agents().actions(&agent.id).delete(&action.id)?;
    let after = client.agents().get(&agent.id)?;
    talkover_examples::print_action_deleted(deleted, &after);
    Ok(())
}
