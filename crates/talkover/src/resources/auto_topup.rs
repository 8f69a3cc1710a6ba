//! Handlers for auto top-up.

use talkover_core::auto_topup::{
    AutoTopupSettings, AutoTopupSettingsUpdate, DisableAutoTopup, GetAutoTopupHistory, GetAutoTopupSettings,
    ListAutoTopupPaymentMethods, PaymentMethod, TestAutoTopup, UpdateAutoTopupSettings,
};
use talkover_core::credits::CreditCharge;

use crate::resources::{entry_point, root_handler};

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

// The methods of the operations whose declaration names a handler here.
talkover_core::auto_topup_operations!(handlers AutoTopup $);
