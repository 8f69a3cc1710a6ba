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
    #[doc = talkover_core::errors_section!("get-auto-topup-settings")]
    pub fn settings(&self) -> C::Call<AutoTopupSettings> {
        self.client.call(GetAutoTopupSettings::new())
    }

    /// [Update the auto top-up settings](https://docs.talkover.ai/api-reference/endpoints/update-auto-topup-settings):
    /// threshold recharges, monthly scheduled recharges, or both; unset settings are left as they are.
    ///
    #[doc = talkover_core::errors_section!("update-auto-topup-settings")]
    pub fn update(&self, settings: AutoTopupSettingsUpdate) -> C::Call<AutoTopupSettings> {
        self.client.call(UpdateAutoTopupSettings::new(settings))
    }

    /// [Test auto top-up](https://docs.talkover.ai/api-reference/endpoints/test-auto-topup) with a real,
    /// one-off recharge that counts toward the daily limit. Charges the payment method: never retried once it
    /// may have reached the server.
    ///
    #[doc = talkover_core::errors_section!("test-auto-topup")]
    pub fn test(&self) -> C::Call<CreditCharge> {
        self.client.call(TestAutoTopup::new())
    }

    /// [Turn auto top-up off](https://docs.talkover.ai/api-reference/endpoints/disable-auto-topup), keeping
    /// its configuration.
    ///
    #[doc = talkover_core::errors_section!("disable-auto-topup")]
    pub fn disable(&self) -> C::Call<AutoTopupSettings> {
        self.client.call(DisableAutoTopup::new())
    }

    /// [Get the auto top-up history](https://docs.talkover.ai/api-reference/endpoints/get-auto-topup-history),
    /// newest first; `send()` for one page or `items()` for all of them.
    ///
    /// Its query parameters are the fields of [`AutoTopupHistoryQuery`](crate::auto_topup::AutoTopupHistoryQuery):
    /// each optional one is set by the method of the same name on the returned request.
    ///
    #[doc = talkover_core::errors_section!("get-auto-topup-history")]
    pub fn history(&self) -> Pending<'c, C, GetAutoTopupHistory> {
        Pending::new(self.client, GetAutoTopupHistory::new())
    }

    /// [List the payment methods](https://docs.talkover.ai/api-reference/endpoints/list-auto-topup-payment-methods)
    /// auto top-up can charge.
    ///
    #[doc = talkover_core::errors_section!("list-auto-topup-payment-methods")]
    pub fn payment_methods(&self) -> C::Call<Page<PaymentMethod>> {
        self.client.call(ListAutoTopupPaymentMethods::new())
    }
}
