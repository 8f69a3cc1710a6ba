//! Handlers for credits.

use talkover_core::credits::{CreditCharge, CreditPurchase, CreditsBalance, GetCreditsBalance, PurchaseCredits};

use crate::resources::{entry_point, root_handler};

entry_point! {
    /// Credits: the balance and purchases.
    credits -> Credits
}

root_handler! {
    /// Credits: `client.credits()`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?;
    /// let balance = client.credits().balance().await?;
    /// println!("{} {}", balance.balance, balance.currency);
    /// # Ok(()) }
    /// ```
    Credits
}

// The methods of the operations whose declaration names a handler here.
talkover_core::credits_operations!(handlers Credits $);
