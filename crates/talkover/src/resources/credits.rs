//! Handlers for credits.

use talkover_core::credits::{CreditCharge, CreditPurchase, CreditsBalance, GetCreditsBalance, PurchaseCredits};

use crate::resources::{entry_point, root_handler};
use talkover_core::execute::Execute;

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

impl<C: Execute> Credits<'_, C> {
    /// [Get the credit balance](https://docs.talkover.ai/api-reference/endpoints/get-credits-balance).
    ///
    #[doc = talkover_core::errors_section!("get-credits-balance")]
    pub fn balance(&self) -> C::Call<CreditsBalance> {
        self.client.call(GetCreditsBalance::new())
    }

    /// [Purchase credits](https://docs.talkover.ai/api-reference/endpoints/purchase-credits). Charges the
    /// payment method: never retried once it may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("purchase-credits")]
    pub fn purchase(&self, purchase: CreditPurchase) -> C::Call<CreditCharge> {
        self.client.call(PurchaseCredits::new(purchase))
    }
}
