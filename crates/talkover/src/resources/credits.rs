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
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn balance(&self) -> C::Call<CreditsBalance> {
        self.client.call(GetCreditsBalance::new())
    }

    /// [Purchase credits](https://docs.talkover.ai/api-reference/endpoints/purchase-credits). Charges the
    /// payment method: never retried once it may have reached the server.
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 402 | `PAYMENT_FAILED` | the payment method on file was declined or the charge failed |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn purchase(&self, purchase: CreditPurchase) -> C::Call<CreditCharge> {
        self.client.call(PurchaseCredits::new(purchase))
    }
}
