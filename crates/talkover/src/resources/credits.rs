//! Handlers for credits.

use talkover_core::credits::{CreditCharge, CreditPurchase, CreditsBalance, GetCreditsBalance, PurchaseCredits};

use crate::resources::{entry_point, root_handler};

entry_point! {
    /// Credits: the balance and purchases.
    credits -> Credits
}

root_handler! {
    /// Credits: `client.credits()`. These operations are the Account API's, which takes a user's session
    /// token, not the environment's `talq_` token the others take: run them on a client of that token.
    ///
    /// ```no_run
    /// # async fn run(user_token: String) -> Result<(), talkover::Error> {
    /// let client = talkover::Client::from_env()?.with_token(user_token)?;
    /// let balance = client.credits().balance().await?;
    /// println!("{} {}", balance.balance, balance.currency);
    /// # Ok(()) }
    /// ```
    Credits
}

// The methods of the operations whose declaration names a handler here.
talkover_core::credits_operations!(handlers Credits $);
