//! Credits and auto top-up: the balance, purchases, spending, the auto top-up settings, test recharges and
//! the recharge history.
//!
//! Amounts are kept in ten-thousandths of the account currency, so that the emulator adds and subtracts
//! exactly; they are written back as [`Decimal`]s with at least two decimal places. A purchase or a test
//! recharge adds to the balance; spending (call completion) takes from it, and when auto top-up is on and
//! the balance falls below its threshold, a recharge of its amount is added and recorded in the history.

use talkover_core::auto_topup::{
    AutoTopupEvent, AutoTopupSettings, AutoTopupSettingsUpdate, AutoTopupStatus, AutoTopupTrigger, GetAutoTopupHistory,
    GetAutoTopupSettings, ListAutoTopupPaymentMethods, PaymentMethodId, UpdateAutoTopupSettings,
};
use talkover_core::credits::{CreditCharge, CreditPurchase, CreditsBalance, GetCreditsBalance, PurchaseCredits};
use talkover_core::decimal::Decimal;
use talkover_core::error::ErrorCode;

use super::{coded, now, timestamp, Answer, Request, State};
use crate::fixtures::Catalog;
use crate::reply::{merge, Reply};

/// Ten-thousandths of the currency per unit.
const SCALE: u32 = 4;

/// The account's money: its balance, auto top-up settings and history, and the payment methods on file.
pub(crate) struct Credits {
    balance: i128,
    currency: String,
    settings: AutoTopupSettings,
    history: Vec<AutoTopupEvent>,
    payment_methods: Vec<PaymentMethodId>,
}

fn units(amount: &Decimal) -> Option<i128> {
    amount.to_minor_units(SCALE)
}

/// An amount in units as the API writes it: `250.00`, `12.3456`.
fn decimal(units: i128) -> Decimal {
    let sign = if units < 0 { "-" } else { "" };
    let whole = units.abs() / 10_i128.pow(SCALE);
    let fraction = format!("{:04}", units.abs() % 10_i128.pow(SCALE));
    let fraction = fraction.trim_end_matches('0');
    let fraction = if fraction.len() < 2 { format!("{fraction:0<2}") } else { fraction.to_owned() };
    Decimal::new(&format!("{sign}{whole}.{fraction}")).unwrap_or_else(|| Decimal::from(0))
}

impl Credits {
    /// The balance, settings, history and payment methods of the recorded examples.
    pub(crate) fn seed(catalog: &Catalog) -> Self {
        let balance = catalog.documented::<GetCreditsBalance>();
        // Without recorded settings, auto top-up is as the recorded balance says.
        let enabled = balance.as_ref().and_then(|b| b.auto_topup_enabled).unwrap_or(false);
        let settings = catalog.documented::<GetAutoTopupSettings>().unwrap_or_else(|| AutoTopupSettings::new(enabled));
        let history = catalog.documented_items::<GetAutoTopupHistory, _>();
        let methods = catalog.documented_items::<ListAutoTopupPaymentMethods, _>();
        Self {
            balance: balance.as_ref().and_then(|b| units(&b.balance)).unwrap_or_default(),
            currency: balance.map(|b| b.currency).unwrap_or_else(|| "USD".to_owned()),
            settings,
            history,
            payment_methods: methods.into_iter().map(|m| m.id).collect(),
        }
    }

    fn configured(&self) -> bool {
        self.settings.payment_method_id.is_some() && self.settings.recharge_amount.is_some()
    }

    /// Adds `amount` units, and the charge's record.
    fn charge(&mut self, amount: i128, transaction_id: String) -> CreditCharge {
        self.balance += amount;
        CreditCharge::new(decimal(amount), self.currency.clone(), decimal(self.balance), transaction_id)
    }

    /// The recharges that succeeded on the day of `now` (its `YYYY-MM-DD`): how many, and their amount in
    /// units.
    fn recharged_on_day_of(&self, now: &str) -> (u32, i128) {
        let day = now.get(..10).unwrap_or(now);
        let today = self.history.iter().filter(|e| {
            e.status == AutoTopupStatus::Succeeded && e.created_at.as_ref().is_some_and(|t| t.as_str().starts_with(day))
        });
        today.fold((0, 0), |(count, sum), e| (count + 1, sum + units(&e.amount).unwrap_or_default()))
    }

    /// Whether a recharge of `amount` units keeps the total of the day of `now` within the daily limit
    /// (get-auto-topup-settings: the most charged in a day across all auto top-up events).
    fn within_daily_limit(&self, now: &str, amount: i128) -> bool {
        let Some(limit) = self.settings.daily_limit.as_ref().and_then(units) else { return true };
        self.recharged_on_day_of(now).1 + amount <= limit
    }

    /// Records a recharge of the auto top-up's amount, added to the balance.
    fn recharge(&mut self, id: String, trigger: AutoTopupTrigger) -> CreditCharge {
        let amount = self.settings.recharge_amount.as_ref().and_then(units).unwrap_or_default();
        self.recharge_of(amount, id, trigger)
    }

    /// The scheduled recharge's amount in units, when the settings have one due on their day of the month:
    /// auto top-up on, the scheduled recharge on with an amount and a day, a payment method set.
    fn scheduled(&self) -> Option<(i128, u32)> {
        let s = &self.settings;
        let on = s.is_enabled && s.scheduled_payment_enabled == Some(true) && self.configured();
        let amount = s.scheduled_amount.as_ref().and_then(units).filter(|a| *a > 0)?;
        on.then_some((amount, s.day_of_month.filter(|d| (1..=28).contains(d))?))
    }

    /// Records a recharge of `amount` units, added to the balance.
    fn recharge_of(&mut self, amount: i128, id: String, trigger: AutoTopupTrigger) -> CreditCharge {
        let before = self.balance;
        let transaction_id = format!("txn_{id}");
        let charge = self.charge(amount, transaction_id.clone());
        let now = now();
        let mut event =
            AutoTopupEvent::new(id, decimal(amount), self.currency.clone(), trigger, AutoTopupStatus::Succeeded);
        event.payment_method_id = self.settings.payment_method_id.clone();
        event.transaction_id = Some(transaction_id.into());
        event.created_at = Some(now.clone());
        event.balance_before = Some(decimal(before));
        event.balance_after = Some(decimal(self.balance));
        self.history.insert(0, event);
        self.settings.recharge_count_today = Some(self.recharged_on_day_of(now.as_str()).0);
        self.settings.last_recharge_at = Some(now);
        charge
    }
}

/// The auto top-up amounts an update may set, by name.
fn settable_amounts(update: &AutoTopupSettingsUpdate) -> [(&'static str, Option<&Decimal>); 3] {
    [
        ("threshold_amount", update.threshold_amount.as_ref()),
        ("recharge_amount", update.recharge_amount.as_ref()),
        ("scheduled_amount", update.scheduled_amount.as_ref()),
    ]
}

/// What the emulator says of an amount finer than its unit, a ten-thousandth (purchase-credits and
/// update-auto-topup-settings alike: an amount it cannot charge exactly is refused, not rounded).
fn too_fine(field: &str) -> String {
    format!("The {} must have at most 4 decimal places.", crate::reply::words(field))
}

/// What an update asks for, applied to the stored settings. The amounts are kept as numbers with at least
/// two decimal places, as the API writes them, however the request wrote them (`"50"` stays no string).
fn apply_settings(settings: &mut AutoTopupSettings, update: &AutoTopupSettingsUpdate) -> Result<(), Reply> {
    merge(settings, update)?;
    for amount in [&mut settings.threshold_amount, &mut settings.recharge_amount, &mut settings.scheduled_amount] {
        *amount = amount.as_ref().and_then(units).map(decimal);
    }
    settings.updated_at = Some(timestamp(now()));
    Ok(())
}

/// The amount and payment method of a purchase.
fn purchase_parts(purchase: CreditPurchase) -> (Decimal, Option<PaymentMethodId>) {
    (purchase.amount, purchase.payment_method_id)
}

impl State {
    /// [`State::spend_units`] of a decimal amount.
    #[cfg(test)]
    pub(crate) fn spend_credits(&mut self, amount: &Decimal) {
        if let Some(amount) = units(amount) {
            self.spend_units(amount);
        }
    }

    /// Takes `amount` units (ten-thousandths) from the balance: what a finished call costs. When auto top-up
    /// is on and the balance falls below its threshold, a recharge is added and recorded, unless it would
    /// take the day's recharges past the daily limit. The balance may go
    /// negative, as a call that already happened is owed.
    fn spend_units(&mut self, amount: i128) {
        if amount <= 0 {
            return;
        }
        self.credits.balance -= amount;
        let threshold = self.credits.settings.threshold_amount.as_ref().and_then(units);
        let low = threshold.is_some_and(|t| self.credits.balance < t);
        let now = now();
        let recharge = self.credits.settings.recharge_amount.as_ref().and_then(units).unwrap_or_default();
        if self.credits.settings.is_enabled
            && low
            && self.credits.configured()
            && self.credits.within_daily_limit(now.as_str(), recharge)
        {
            let id = self.new_id();
            self.credits.recharge(id, AutoTopupTrigger::Threshold);
        }
    }

    /// Records the scheduled recharges due by `to_ms` that are not yet recorded.
    pub(crate) fn recharge_scheduled_until(&mut self, to_ms: i64) {
        let from_ms = self.live.scheduled_through_ms;
        if to_ms > from_ms {
            self.recharge_as_scheduled(from_ms, to_ms);
            self.live.scheduled_through_ms = to_ms;
        }
    }

    /// Records the scheduled recharges whose day came after `from_ms` and by `to_ms` (each at midnight UTC
    /// of its day; at most 120 months of them for one jump of the clock), each within the day's limit.
    fn recharge_as_scheduled(&mut self, from_ms: i64, to_ms: i64) {
        let Some((amount, day)) = self.credits.scheduled() else { return };
        let month_of = |ms: i64| {
            let text = crate::clock::timestamp(ms);
            let number = |range: std::ops::Range<usize>| text.get(range).and_then(|t| t.parse::<i64>().ok());
            Some(number(0..4)? * 12 + number(5..7)? - 1)
        };
        let (Some(first), Some(last)) = (month_of(from_ms), month_of(to_ms)) else { return };
        for month in first.max(last - 119)..=last {
            let text = format!("{:04}-{:02}-{day:02}T00:00:00Z", month.div_euclid(12), month.rem_euclid(12) + 1);
            let Ok(at) = talkover_core::time::DateTime::new(&text) else { continue };
            let at_ms = at.unix_timestamp() * 1000;
            if at_ms <= from_ms || at_ms > to_ms {
                continue;
            }
            if self.credits.within_daily_limit(&text, amount) {
                let id = self.new_id();
                crate::clock::answering_at(at_ms, || self.credits.recharge_of(amount, id, AutoTopupTrigger::Scheduled));
            }
        }
    }

    /// Whether the balance is above zero, so that a billed call may be placed (make-call's 402).
    pub(crate) fn has_credit(&self) -> bool {
        self.credits.balance > 0
    }

    /// Charges a finished call: its talk time at the reference's example rate of 0.0855 a minute
    /// (get-agent-pricing-summary's `estimated_cost_per_minute`), counted per started second and rounded
    /// up to the ten-thousandth (the unit of the balance).
    pub(crate) fn charge_call(&mut self, duration_seconds: u64) {
        const PER_MINUTE_UNITS: u64 = 855;
        self.spend_units(i128::from(duration_seconds.saturating_mul(PER_MINUTE_UNITS).div_ceil(60)));
    }

    pub(super) fn credits_balance(&mut self, _req: &Request<'_>) -> Answer {
        let credits = &self.credits;
        let mut balance = CreditsBalance::new(decimal(credits.balance), credits.currency.clone());
        balance.auto_topup_enabled = Some(credits.settings.is_enabled);
        // When the balance was read: it is the balance of this moment.
        balance.as_of = Some(now());
        Ok(Reply::data(200, None, balance))
    }

    pub(super) fn purchase_credits(&mut self, req: &Request<'_>) -> Answer {
        let (purchase, mut invalid) = req.decode::<PurchaseCredits>()?;
        let (amount, method) = purchase_parts(purchase.body);
        let units = units(&amount);
        if units.is_none() {
            invalid.add("amount", too_fine("amount"));
        }
        if method.as_ref().is_some_and(|m| !self.credits.payment_methods.contains(m)) {
            invalid.selected("payment_method_id");
        }
        invalid.check()?;
        let id = self.new_id();
        let charge = self.credits.charge(units.unwrap_or_default(), format!("txn_{id}"));
        Ok(Reply::data(200, None, charge))
    }

    /// The auto top-up settings as they read now: `recharge_count_today` counts today's recharges on the
    /// emulator's clock as it reads now, so a day later it is 0 again, in every answer that shows it.
    fn auto_topup_settings_now(&self) -> AutoTopupSettings {
        let mut settings = self.credits.settings.clone();
        if settings.recharge_count_today.is_some() {
            settings.recharge_count_today = Some(self.credits.recharged_on_day_of(now().as_str()).0);
        }
        settings
    }

    pub(super) fn auto_topup_settings(&mut self, _req: &Request<'_>) -> Answer {
        let mut settings = self.auto_topup_settings_now();
        settings.currency = Some(self.credits.currency.clone());
        Ok(Reply::data(200, None, settings))
    }

    pub(super) fn update_auto_topup(&mut self, req: &Request<'_>) -> Answer {
        let (update, mut invalid) = req.decode::<UpdateAutoTopupSettings>()?;
        let method = update.body.payment_method_id.as_ref();
        for (field, amount) in settable_amounts(&update.body) {
            if amount.is_some_and(|a| units(a).is_none()) && !invalid.has(field) {
                invalid.add(field, too_fine(field));
            }
        }
        if method.is_some_and(|m| !self.credits.payment_methods.contains(m)) {
            invalid.selected("payment_method_id");
        }
        invalid.check()?;
        apply_settings(&mut self.credits.settings, &update.body)?;
        Ok(Reply::data(200, None, self.auto_topup_settings_now()))
    }

    pub(super) fn test_auto_topup(&mut self, req: &Request<'_>) -> Answer {
        if !self.credits.configured() {
            return Err(coded(req, ErrorCode::AutoTopupNotConfigured, "Auto topup is not configured"));
        }
        let id = self.new_id();
        let charge = self.credits.recharge(id, AutoTopupTrigger::Test);
        Ok(Reply::data(200, Some("Test recharge completed successfully"), charge))
    }

    pub(super) fn disable_auto_topup(&mut self, _req: &Request<'_>) -> Answer {
        self.credits.settings.is_enabled = false;
        self.credits.settings.updated_at = Some(timestamp(now()));
        Ok(Reply::data(200, None, self.auto_topup_settings_now()))
    }

    pub(super) fn auto_topup_history(&mut self, req: &Request<'_>) -> Answer {
        let history = req.valid::<GetAutoTopupHistory>()?;
        Ok(Reply::paged(&history, &self.credits.history))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_takes_from_the_balance_and_a_low_balance_recharges() {
        let mut state = State::new(&Catalog::embedded(), false);
        // The recorded settings: enabled, threshold 50, recharge 100, a payment method.
        state.credits.balance = units(&Decimal::from(60)).unwrap();
        let history = state.credits.history.len();
        state.spend_credits(&Decimal::new("5.25").unwrap());
        assert_eq!(decimal(state.credits.balance).as_str(), "54.75");
        assert_eq!(state.credits.history.len(), history);
        state.spend_credits(&Decimal::from(10));
        assert_eq!(decimal(state.credits.balance).as_str(), "144.75", "44.75 was below 50: 100 added");
        assert_eq!(state.credits.history.len(), history + 1);
        assert_eq!(state.credits.history[0].trigger, AutoTopupTrigger::Threshold);
        assert_eq!(state.credits.history[0].balance_before.as_ref().map(Decimal::as_str), Some("44.75"));
        state.credits.settings.is_enabled = false;
        state.spend_credits(&Decimal::from(100));
        assert_eq!(decimal(state.credits.balance).as_str(), "44.75");
    }

    #[test]
    fn recharges_stop_at_the_daily_limit() {
        let mut state = State::new(&Catalog::embedded(), false);
        // The recorded settings recharge 100 below 50; the day allows 150 of recharges.
        state.credits.settings.daily_limit = Some(Decimal::from(150));
        state.credits.history.clear();
        state.credits.balance = units(&Decimal::from(60)).unwrap();
        state.spend_credits(&Decimal::from(20));
        assert_eq!(decimal(state.credits.balance).as_str(), "140.00", "40 was below 50: 100 added");
        assert_eq!(state.credits.settings.recharge_count_today, Some(1));
        state.spend_credits(&Decimal::from(100));
        assert_eq!(decimal(state.credits.balance).as_str(), "40.00", "another 100 would pass the day's 150");
        assert_eq!(state.credits.history.len(), 1);
        // A day later, every answer that shows the day's count says 0, not only a read of the settings.
        crate::clock::answering_at(crate::clock::request_ms() + 86_400_000, || {
            assert_eq!(state.auto_topup_settings_now().recharge_count_today, Some(0));
        });
    }
}
