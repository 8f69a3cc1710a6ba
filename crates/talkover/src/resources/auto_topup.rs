//! Handlers for auto top-up.

use talkover_core::auto_topup::{
    AutoTopupSettings, AutoTopupSettingsUpdate, DisableAutoTopup, GetAutoTopupHistory, GetAutoTopupSettings,
    ListAutoTopupPaymentMethods, PaymentMethod, TestAutoTopup, UpdateAutoTopupSettings,
};
use talkover_core::credits::CreditCharge;
use talkover_core::Page;

use crate::resources::{entry_point, root_handler};
use talkover_core::execute::{Execute, Pending};

entry_point! {
    /// Auto top-up: recharging the balance when it runs low or on a day of the month.
    auto_topup -> AutoTopup
}

root_handler! {
    /// Auto top-up: `client.auto_topup()`.
    ///
    /// ```no_run
    /// use talkover::auto_topup::AutoTopupSettingsUpdate;
    /// use talkover::Decimal;
    ///
    /// # fn run() -> Result<(), talkover::Error> {
    /// let client = talkover::blocking::Client::from_env()?;
    /// let card = client.auto_topup().payment_methods()?.items.into_iter().next().expect("a saved card");
    /// let amount = |text| Decimal::new(text).expect("a decimal");
    /// client.auto_topup().update(
    ///     AutoTopupSettingsUpdate::new()
    ///         .is_enabled(true)
    ///         .threshold_amount(amount("50"))
    ///         .recharge_amount(amount("100"))
    ///         .payment_method_id(card.id),
    /// )?;
    /// for event in client.auto_topup().history().per_page(100).items() {
    ///     let event = event?;
    ///     println!("{} {} {:?}", event.amount, event.currency, event.status);
    /// }
    /// # Ok(()) }
    /// ```
    AutoTopup
}

impl<'c, C: Execute> AutoTopup<'c, C> {
    /// [Get the auto top-up settings](https://docs.talkover.ai/api-reference/endpoints/get-auto-topup-settings).
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn settings(&self) -> C::Call<AutoTopupSettings> {
        self.client.call(GetAutoTopupSettings::new())
    }

    /// [Update the auto top-up settings](https://docs.talkover.ai/api-reference/endpoints/update-auto-topup-settings):
    /// threshold recharges, monthly scheduled recharges, or both; unset settings are left as they are.
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn update(&self, settings: AutoTopupSettingsUpdate) -> C::Call<AutoTopupSettings> {
        self.client.call(UpdateAutoTopupSettings::new(settings))
    }

    /// [Test auto top-up](https://docs.talkover.ai/api-reference/endpoints/test-auto-topup) with a real,
    /// one-off recharge that counts toward the daily limit. Charges the payment method: never retried once it
    /// may have reached the server.
    ///
    /// # Errors
    ///
    /// The failures its reference page documents, as `Error::Api` (read them with `err.status()` and
    /// `err.error_code()`):
    ///
    /// | status | code | when |
    /// |---|---|---|
    /// | 402 | `PAYMENT_FAILED` | the payment method on file was declined or the charge failed |
    /// | 422 | `AUTO_TOPUP_NOT_CONFIGURED` | auto top-up cannot be tested before it has been set up |
    ///
    /// An answer may carry no code (some of the reference's own examples carry none): match on
    /// `err.kind()` first, and on the code to tell cases of one status apart.
    pub fn test(&self) -> C::Call<CreditCharge> {
        self.client.call(TestAutoTopup::new())
    }

    /// [Turn auto top-up off](https://docs.talkover.ai/api-reference/endpoints/disable-auto-topup), keeping
    /// its configuration.
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn disable(&self) -> C::Call<AutoTopupSettings> {
        self.client.call(DisableAutoTopup::new())
    }

    /// [Get the auto top-up history](https://docs.talkover.ai/api-reference/endpoints/get-auto-topup-history),
    /// newest first; `send()` for one page or `items()` for all of them.
    ///
    /// Its query parameters are the fields of [`AutoTopupHistoryQuery`](crate::auto_topup::AutoTopupHistoryQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn history(&self) -> Pending<'c, C, GetAutoTopupHistory> {
        Pending::new(self.client, GetAutoTopupHistory::new())
    }

    /// [List the payment methods](https://docs.talkover.ai/api-reference/endpoints/list-auto-topup-payment-methods)
    /// auto top-up can charge.
    ///
    /// # Errors
    ///
    /// Its reference page documents no error answer; like any call, it can still fail with a
    /// transport error or an `Api` error of any status.
    pub fn payment_methods(&self) -> C::Call<Page<PaymentMethod>> {
        self.client.call(ListAutoTopupPaymentMethods::new())
    }
}
