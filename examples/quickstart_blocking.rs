//! The SDK's main job, end to end, on the blocking client (ureq, no async runtime): create an agent, give it an action and a
//! training, publish it, list agents, look at its price and the credit balance, then unpublish it and
//! delete the action.
//!
//! `cargo run --example quickstart_blocking` runs it on the embedded replay of the documented exchanges; with
//! `TALKOVER_TOKEN` set it runs against the API (and creates a real draft agent).

use talkover_examples::{demo_action, demo_agent, demo_training, status};

fn main() -> Result<(), talkover::Error> {
    let client = if talkover_examples::live() {
        println!("TALKOVER_TOKEN is set: talking to the API");
        talkover::blocking::Client::from_env()?
    } else {
        println!("TALKOVER_TOKEN is not set: running on the embedded replay of the documented API (no network)");
        talkover::blocking::Client::with_transport(talkover_examples::replay_config(), talkover_examples::replay())
    };

    let agent = client.agents().create(demo_agent())?;
    println!("1. created agent {} ({}), status {}", agent.name, agent.id, status(&agent.current_status));

    let action = client.agents().actions(&agent.id).create(demo_action())?;
    println!("2. added action {} ({})", action.name, action.id);

    let training = client.agents().trainings(&agent.id).create(demo_training())?;
    println!("3. added training \"{}\"", training.subject);

    let published = client.agents().publish(&agent.id)?;
    println!("4. published: status {}", published.current_status);

    let page = client.agents().list().send()?;
    println!("5. agents on the first page:");
    for listed in &page.items {
        println!("   - {} {} ({})", listed.id, listed.name, status(&listed.current_status));
    }

    let price = client.agents().pricing_summary(&agent.id)?;
    println!("6. estimated cost: {} {} per minute", price.estimated_cost_per_minute, price.currency);

    let balance = client.credits().balance()?;
    println!("7. credit balance: {} {}", balance.balance, balance.currency);

    let unpublished = client.agents().unpublish(&agent.id)?;
    println!(
        "8. unpublished: status {} (knowledge, voice, trainings, actions and numbers are kept)",
        unpublished.current_status
    );

    let deleted = client.agents().actions(&agent.id).delete(&action.id)?;
    println!("9. deleted action {}: {}", action.id, deleted.message.unwrap_or_default());
    Ok(())
}
