//! Billing: the credit balance, the auto top-up settings, the saved cards, turning auto top-up on and its
//! history.
//!
//! `cargo run --example billing` runs on the local emulator: no token, no network (it starts from the
//! reference's recorded balance, settings and cards, and keeps what the example changes). With
//! `TALKOVER_TOKEN` set it only reads: it changes no setting and charges nothing. The balance is the
//! Account API's, which takes a user's session token: set `TALKOVER_USER_TOKEN` too.

use talkover::auto_topup::AutoTopupSettingsUpdate;
use talkover::Decimal;
use talkover_examples::{account_client, connect};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = connect().await?;

    let balance = account_client(&client, emulator.as_ref())?.credits().balance().await?;
    println!("balance: {} {}", balance.balance, balance.currency);

    let settings = client.auto_topup().settings().await?;
    let amount = |a: &Option<Decimal>| a.as_ref().map_or("-".to_owned(), Decimal::to_string);
    println!(
        "auto top-up enabled: {}, below {} recharge {}",
        settings.is_enabled,
        amount(&settings.threshold_amount),
        amount(&settings.recharge_amount)
    );

    let cards = client.auto_topup().payment_methods().await?.items;
    println!("{} saved payment methods", cards.len());

    if let (Some(card), Some(_)) = (cards.first(), &emulator) {
        // Recharge 100 whenever the balance falls below 20, on the first saved card.
        let update = AutoTopupSettingsUpdate::new()
            .is_enabled(true)
            .threshold_amount("20".parse::<Decimal>()?)
            .recharge_amount("100".parse::<Decimal>()?)
            .payment_method_id(card.id.clone());
        let updated = client.auto_topup().update(update).await?;
        println!("auto top-up now enabled: {}", updated.is_enabled);
    }

    for event in client.auto_topup().history().per_page(10).send().await?.items {
        println!("  top-up {} {} ({:?}, {:?})", event.amount, event.currency, event.trigger, event.status);
    }
    Ok(())
}
